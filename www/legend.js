// The legend: one row per node (colour, points, keyspace share, sample keys, remove button).
// Small rings list every node by id; large rings list the largest and smallest shares and
// summarise the rest, so 1000 nodes never means 1000 rows.
import { naturalCompare } from "./colors.js";
import { integer, percent } from "./format.js";

export const FULL_LIST_LIMIT = 16;
const TOP_ROWS = 10;
const BOTTOM_ROWS = 3;

/**
 * container: the legend element. model: a RingModel. colorOf: id -> { r, g, b, css }.
 */
export function renderLegend(container, model, colorOf) {
  const { nodes, shares, keyCounts, shareSummary } = model;
  const n = nodes.length;
  const order = nodes.map((_, i) => i);
  let rows;
  let hidden = 0;
  if (n <= FULL_LIST_LIMIT) {
    order.sort((a, b) => naturalCompare(nodes[a].id, nodes[b].id));
    rows = order;
  } else {
    order.sort((a, b) => shares[b] - shares[a] || naturalCompare(nodes[a].id, nodes[b].id));
    rows = [...order.slice(0, TOP_ROWS), null, ...order.slice(n - BOTTOM_ROWS)];
    hidden = n - TOP_ROWS - BOTTOM_ROWS;
  }

  const maxShare = shareSummary.max || 1;
  const table = el("table", { className: "legend-table" });
  const head = el("tr");
  for (const [text, cls] of [
    ["Node", "col-node"],
    ["Points", "num"],
    ["Keyspace share", "col-share"],
    ["Keys", "num"],
    ["", ""],
  ]) {
    head.append(el("th", { textContent: text, className: cls, scope: "col" }));
  }
  table.append(el("thead", {}, [head]));
  const body = el("tbody");
  for (const index of rows) {
    if (index === null) {
      const gap = el("tr", { className: "legend-gap" });
      gap.append(el("td", { colSpan: 5, textContent: `… ${integer(hidden)} more nodes between these shares …` }));
      body.append(gap);
      continue;
    }
    body.append(nodeRow(nodes[index], shares[index], keyCounts[index], maxShare, shareSummary.mean, colorOf));
  }
  table.append(body);

  const summary = el("p", { className: "legend-summary", textContent: summaryText(model) });
  summary.dataset.testid = "legend-summary";
  const title = el("h3", {
    textContent: n <= FULL_LIST_LIMIT ? "Nodes" : `Nodes — largest ${TOP_ROWS} and smallest ${BOTTOM_ROWS} shares`,
  });
  container.replaceChildren(title, summary, n ? table : el("p", { className: "muted", textContent: "The ring is empty: add a node." }));
}

function nodeRow(node, share, keys, maxShare, meanShare, colorOf) {
  const color = colorOf(node.id);
  const row = el("tr");
  row.dataset.testid = "legend-row";
  row.dataset.nodeId = node.id;

  const swatch = el("span", { className: "swatch" });
  swatch.style.background = color.css;
  swatch.dataset.color = `${color.r},${color.g},${color.b}`;
  const name = el("td", { className: "col-node" }, [swatch, el("span", { className: "node-id", textContent: node.id, title: node.id })]);

  const bar = el("span", { className: "bar" });
  bar.style.width = `${(share / maxShare) * 100}%`;
  bar.style.background = color.css;
  const mean = el("span", { className: "bar-mean", title: "equal share (1/n)" });
  mean.style.left = `${(meanShare / maxShare) * 100}%`;
  const track = el("span", { className: "bar-track" }, [bar, mean]);
  const shareCell = el("td", { className: "col-share" }, [track, el("span", { className: "share-value", textContent: percent(share, 2) })]);

  const remove = el("button", { type: "button", className: "icon-button", textContent: "×", title: `Remove ${node.id}` });
  remove.setAttribute("aria-label", `Remove ${node.id}`);
  remove.dataset.testid = `remove-node-${node.id}`;
  remove.dataset.removeId = node.id;

  row.append(
    name,
    el("td", { className: "num", textContent: integer(node.points) }),
    shareCell,
    el("td", { className: "num", textContent: integer(keys) }),
    el("td", { className: "col-action" }, [remove]),
  );
  return row;
}

function summaryText({ shareSummary: s, keys }) {
  if (s.n === 0) return "";
  return (
    `Equal share 1/n = ${percent(s.mean, 2)} · smallest ${percent(s.min, 2)} · largest ${percent(s.max, 2)} ` +
    `(${s.peakToMean.toFixed(2)}× equal) · std dev ${percent(s.stddev / s.mean, 1)} of equal · ` +
    `${integer(keys.length)} sample keys`
  );
}

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
