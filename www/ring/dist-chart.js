// The distribution chart: each node's share of the keyspace (ring.ownership(), exact and
// health-aware) against its ideal share (its weight over the total weight of the live nodes).
// Up to FULL_LIST_LIMIT nodes: one bar per node in id order, the ideal as a tick across it.
// More: a histogram of share ÷ ideal over the live nodes, with the extremes named.
import { naturalCompare } from "../lib/colors.js";
import { el } from "../lib/el.js";
import { integer, percent } from "../lib/format.js";
import { niceStep } from "../lib/scale.js";
import { FULL_LIST_LIMIT } from "./legend.js";

const STEPS = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5];
const MAX_BINS = 28;

export function renderDistribution(container, model, colorOf) {
  const { nodes } = model;
  let content;
  if (nodes.length === 0) {
    content = [el("p", { className: "muted", textContent: "No nodes." })];
    container.dataset.mode = "empty";
  } else if (nodes.length <= FULL_LIST_LIMIT) {
    content = bars(model, colorOf);
    container.dataset.mode = "bars";
  } else {
    content = histogram(model);
    container.dataset.mode = "histogram";
  }
  container.replaceChildren(...content);
}

function bars({ nodes, shares, ideals }, colorOf) {
  const order = nodes.map((_, i) => i).sort((a, b) => naturalCompare(nodes[a].id, nodes[b].id));
  let top = 0;
  for (const i of order) top = Math.max(top, shares[i], ideals[i]);
  // Grid lines on round percentages, 3 to 6 of them; the scale is the first line above the top.
  const step = niceStep(top);
  const scale = Math.max(step, Math.ceil((top * 1.12) / step - 1e-9) * step);
  const grid = [];
  for (let v = step; v <= scale + 1e-12; v += step) grid.push(v);

  const plot = el("div", { className: "dist-plot" });
  plot.style.setProperty("--columns", String(order.length));
  for (const value of grid) {
    const line = el("span", { className: "dist-grid" });
    line.style.bottom = `${(value / scale) * 100}%`;
    line.dataset.label = `${Number((value * 100).toFixed(2))}%`;
    plot.append(line);
  }
  let worst = null;
  for (const i of order) {
    const node = nodes[i];
    const color = colorOf(node.id);
    const col = el("div", { className: `dist-col${node.up ? "" : " is-down"}` });
    col.dataset.testid = "dist-bar";
    col.dataset.nodeId = node.id;
    col.dataset.share = String(shares[i]);
    col.dataset.ideal = String(ideals[i]);
    col.dataset.state = node.up ? "up" : "down";
    const fill = el("span", { className: "dist-fill" });
    fill.style.height = `${(shares[i] / scale) * 100}%`;
    fill.style.background = color.css;
    const area = el("div", { className: "dist-area" }, [fill]);
    if (node.up) {
      const ideal = el("span", { className: "dist-ideal" });
      ideal.style.bottom = `${(ideals[i] / scale) * 100}%`;
      area.append(ideal);
      const deviation = ideals[i] > 0 ? shares[i] / ideals[i] - 1 : 0;
      if (!worst || Math.abs(deviation) > Math.abs(worst.deviation)) worst = { id: node.id, deviation };
    } else {
      area.append(el("span", { className: "dist-down", textContent: "down" }));
    }
    const value = el("span", { className: "dist-value", textContent: node.up ? percent(shares[i], 1) : "0" });
    value.style.bottom = `${(Math.max(shares[i], ideals[i]) / scale) * 100}%`;
    area.append(value);
    col.title = `${node.id}: ${percent(shares[i], 2)} of the keyspace, ideal ${percent(ideals[i], 2)}${node.up ? "" : " (down)"}`;
    col.append(area, el("span", { className: "dist-label node-id", textContent: node.id }));
    plot.append(col);
  }
  const note = worst
    ? `Largest deviation from ideal: ${worst.id}, ${signed(worst.deviation)}.`
    : "Every node is down: no key has an owner.";
  return [plot, key(), el("p", { className: "dist-note small muted", textContent: note })];
}

function histogram({ nodes, shares, ideals }) {
  const live = [];
  for (let i = 0; i < nodes.length; i++) if (nodes[i].up && ideals[i] > 0) live.push(i);
  const down = nodes.length - live.length;
  if (live.length === 0) return [el("p", { className: "muted", textContent: "Every node is down: no key has an owner." })];
  const ratios = live.map((i) => shares[i] / ideals[i]);
  const min = Math.min(...ratios, 1);
  const max = Math.max(...ratios, 1);
  let step = STEPS[STEPS.length - 1];
  for (const s of STEPS) {
    if (Math.ceil(max / s + 1e-9) - Math.floor(min / s) <= MAX_BINS) {
      step = s;
      break;
    }
  }
  const lo = Math.floor(min / step) * step;
  const bins = Math.max(1, Math.ceil(max / step + 1e-9) - Math.floor(min / step));
  const counts = new Array(bins).fill(0);
  for (const r of ratios) counts[Math.min(bins - 1, Math.floor((r - lo) / step + 1e-9))] += 1;
  const peak = Math.max(...counts);
  // Round label spacing: a multiple of the bin width, at most ~7 labels.
  const labelEvery =
    [0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20].find(
      (v) => v >= step - 1e-12 && Math.abs(v / step - Math.round(v / step)) < 1e-9 && (bins * step) / v <= 7,
    ) ?? step * bins;

  const plot = el("div", { className: "dist-plot dist-hist" });
  plot.style.setProperty("--columns", String(bins));
  counts.forEach((count, b) => {
    const from = lo + b * step;
    const col = el("div", { className: "dist-col" });
    col.dataset.testid = "dist-bin";
    col.dataset.count = String(count);
    col.title = `${integer(count)} node${count === 1 ? "" : "s"} with ${from.toFixed(2)}× – ${(from + step).toFixed(2)}× the ideal share`;
    const fill = el("span", { className: "dist-fill" });
    fill.style.height = `${(count / peak) * 100}%`;
    const area = el("div", { className: "dist-area" }, [fill]);
    if (from <= 1 + 1e-9 && 1 < from + step - 1e-9) {
      col.classList.add("has-ideal");
      const mark = el("span", { className: "dist-ideal-x" });
      mark.style.left = `${((1 - from) / step) * 100}%`;
      area.append(mark);
    }
    // Label round values only (bin starts on a multiple of labelEvery), at the bin's left edge.
    const units = from / labelEvery;
    const label = Math.abs(units - Math.round(units)) < 1e-6 ? `${from.toFixed(labelEvery < 0.1 ? 2 : 1)}×` : "";
    col.append(area, el("span", { className: "dist-label dist-edge", textContent: label }));
    plot.append(col);
  });

  const sorted = live.map((i, k) => [i, ratios[k]]).sort((a, b) => b[1] - a[1]);
  const name = ([i, r]) => `${nodes[i].id} ${r.toFixed(2)}×`;
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / ratios.length);
  const summary = el("p", { className: "dist-note small" });
  summary.dataset.testid = "dist-summary";
  summary.append(
    `${integer(live.length)} live nodes by share ÷ ideal (bins of ${step}×)` +
      `${down ? `; ${integer(down)} down, not shown` : ""}. Spread: σ = ${(sd * 100).toFixed(1)}% of ideal. `,
    el("br"),
    `Largest: ${sorted.slice(0, 3).map(name).join(", ")}. Smallest: ${sorted.slice(-3).reverse().map(name).join(", ")}.`,
  );
  return [plot, keyHistogram(), summary];
}

/** A chart's key: the swatch of its bars and what they show, the ideal's mark and what it is. */
function chartKey(fillClass, fill, idealClass, ideal) {
  return el("p", { className: "dist-key small muted" }, [
    el("span", { className: fillClass }),
    fill,
    el("span", { className: idealClass }),
    ideal,
  ]);
}

const key = () => chartKey("key-fill", " keyspace share (ownership())   ", "key-ideal", " ideal: weight ÷ total live weight");
const keyHistogram = () => chartKey("key-fill key-fill-hist", " nodes per bin   ", "key-ideal key-ideal-x", " 1.00× = ideal share");

function signed(deviation) {
  const text = percent(Math.abs(deviation), 1);
  return `${deviation >= 0 ? "+" : "−"}${text} vs ideal`;
}
