// The legend: one row per node (colour, weight − / input / +, points, keyspace share vs ideal,
// sample keys, up/down switch, remove button). Small rings list every node by id; large rings
// list the largest and smallest shares and the down nodes, and summarise the rest, so 1000
// nodes never means 1000 rows.
import { naturalCompare } from "../lib/colors.js";
import { el } from "../lib/el.js";
import { integer, percent } from "../lib/format.js";

export const FULL_LIST_LIMIT = 16;
const TOP_ROWS = 10;
const BOTTOM_ROWS = 3;
const DOWN_ROWS = 8;
export const WEIGHT_STEP = 0.5;

/**
 * container: the legend element. model: a RingModel. colorOf: id -> { r, g, b, css }.
 */
export function renderLegend(container, model, colorOf) {
  const { nodes, shares, ideals, keyCounts } = model;
  const n = nodes.length;
  const order = nodes.map((_, i) => i);
  let rows;
  let title;
  if (n <= FULL_LIST_LIMIT) {
    order.sort((a, b) => naturalCompare(nodes[a].id, nodes[b].id));
    rows = order;
    title = "Nodes";
  } else {
    const live = order.filter((i) => nodes[i].up);
    const down = order.filter((i) => !nodes[i].up).sort((a, b) => naturalCompare(nodes[a].id, nodes[b].id));
    live.sort((a, b) => shares[b] - shares[a] || naturalCompare(nodes[a].id, nodes[b].id));
    const top = live.slice(0, TOP_ROWS);
    const bottom = live.length > TOP_ROWS ? live.slice(Math.max(TOP_ROWS, live.length - BOTTOM_ROWS)) : [];
    const hidden = live.length - top.length - bottom.length;
    rows = [...top];
    if (hidden > 0) rows.push({ gap: `… ${integer(hidden)} more live nodes between these shares …` });
    rows.push(...bottom);
    if (down.length) {
      rows.push({ gap: `${integer(down.length)} node${down.length === 1 ? "" : "s"} down`, down: true });
      rows.push(...down.slice(0, DOWN_ROWS));
      if (down.length > DOWN_ROWS) rows.push({ gap: `… and ${integer(down.length - DOWN_ROWS)} more down`, down: true });
    }
    title = `Nodes — largest ${TOP_ROWS} and smallest ${BOTTOM_ROWS} shares${down.length ? ", and the down nodes" : ""}`;
  }

  const table = el("table", { className: "legend-table" });
  const head = el("tr");
  for (const [text, cls, hint] of [
    ["Node", "col-node"],
    ["Weight", "col-weight", "setWeight: points = round(vnodes × weight)"],
    ["Points", "num"],
    ["Share", "num", "ownership(): exact fraction of the keyspace it answers for, and that ÷ its ideal share"],
    ["Keys", "num", "sample keys it owns"],
    ["Health", "col-health", "markDown / markUp"],
    ["", ""],
  ]) {
    const th = el("th", { textContent: text, className: cls, scope: "col" });
    if (hint) th.title = hint;
    head.append(th);
  }
  table.append(el("thead", {}, [head]));
  const body = el("tbody");
  for (const index of rows) {
    if (typeof index === "object") {
      const gap = el("tr", { className: `legend-gap${index.down ? " legend-gap-down" : ""}` });
      gap.append(el("td", { colSpan: 7, textContent: index.gap }));
      body.append(gap);
      continue;
    }
    body.append(nodeRow(nodes[index], shares[index], ideals[index], keyCounts[index], colorOf));
  }
  table.append(body);

  const summary = el("p", { className: "legend-summary", textContent: summaryText(model) });
  summary.dataset.testid = "legend-summary";
  container.replaceChildren(
    el("h3", { textContent: title }),
    summary,
    n ? el("div", { className: "legend-scroll" }, [table]) : el("p", { className: "muted", textContent: "The ring is empty: add a node." }),
  );
}

function nodeRow(node, share, ideal, keys, colorOf) {
  const color = colorOf(node.id);
  const row = el("tr", { className: node.up ? "" : "is-down" });
  row.dataset.testid = "legend-row";
  row.dataset.nodeId = node.id;
  row.dataset.state = node.up ? "up" : "down";
  row.dataset.share = String(share);
  row.dataset.keys = String(keys);

  const swatch = el("span", { className: "swatch" });
  swatch.style.setProperty("--swatch", color.css);
  swatch.dataset.color = `${color.r},${color.g},${color.b}`;
  const name = el("td", { className: "col-node" }, [swatch, el("span", { className: "node-id", textContent: node.id, title: node.id })]);

  const minus = button("−", `Lower ${node.id}'s weight`, { weightStep: "-1", nodeId: node.id, testid: `weight-down-${node.id}` });
  const plus = button("+", `Raise ${node.id}'s weight`, { weightStep: "1", nodeId: node.id, testid: `weight-up-${node.id}` });
  minus.className = plus.className = "step-button";
  const input = el("input", {
    type: "number",
    className: "weight-input",
    min: "0.01",
    step: String(WEIGHT_STEP),
    value: String(Number(node.weight.toFixed(4))),
  });
  input.setAttribute("aria-label", `${node.id} weight`);
  input.dataset.weightId = node.id;
  input.dataset.testid = `weight-${node.id}`;
  const weight = el("td", { className: "col-weight" }, [el("span", { className: "stepper" }, [minus, input, plus])]);

  const ratio = ideal > 0 ? `${(share / ideal).toFixed(2)}×` : "";
  const shareCell = el("td", { className: "num col-share" }, [
    el("span", { className: "share-value", textContent: percent(share, 2) }),
    el("span", { className: "share-ratio muted", textContent: ratio, title: ideal > 0 ? `ideal ${percent(ideal, 2)}` : "" }),
  ]);

  const health = button(node.up ? "up" : "down", node.up ? `Mark ${node.id} down` : `Mark ${node.id} up`, {
    healthId: node.id,
    testid: `health-${node.id}`,
  });
  health.className = "health";
  health.setAttribute("role", "switch");
  health.setAttribute("aria-checked", String(node.up));

  const remove = button("×", `Remove ${node.id}`, { removeId: node.id, testid: `remove-node-${node.id}` });
  remove.className = "icon-button";

  row.append(
    name,
    weight,
    el("td", { className: "num", textContent: integer(node.points) }),
    shareCell,
    el("td", { className: "num", textContent: integer(keys) }),
    el("td", { className: "col-health" }, [health]),
    el("td", { className: "col-action" }, [remove]),
  );
  return row;
}

function summaryText({ shareSummary: s, keys, nodes, liveCount }) {
  if (nodes.length === 0) return "";
  const down = nodes.length - liveCount;
  const health = down ? ` · ${integer(down)} down (own nothing; their keys went to the next live node)` : "";
  if (s.n === 0) return `Every node is down: no key has an owner${health ? "" : ""}.`;
  return (
    `Equal share 1/n = ${percent(s.mean, 2)} · smallest ${percent(s.min, 2)} · largest ${percent(s.max, 2)} ` +
    `(${s.peakToMean.toFixed(2)}× equal) · std dev ${percent(s.stddev / s.mean, 1)} of equal · ` +
    `${integer(keys.length)} sample keys${health}`
  );
}

function button(text, label, data) {
  const b = el("button", { type: "button", textContent: text, title: label });
  b.setAttribute("aria-label", label);
  for (const [key, value] of Object.entries(data)) b.dataset[key] = value;
  return b;
}
