// The sweeps view's point tooltip: one value × fencing mode's numbers over its seeds, a seed
// picker (each seed with its own figures) and "replay", which opens that run in the Locks view.
import { el } from "../lib/el.js";
import { integer, millis } from "../lib/format.js";
import { SERIES_STYLE } from "./sweep-chart.js";

/**
 * Fills `tip` for one point. `tooltip` is the panel's state ({ chart, value, fencing, pinned,
 * seed }; the seed picker writes `seed`), `agg` the point's aggregate, `parameter` the swept
 * parameter ({ name, unit }), `group` its finished runs ({ row }), `seedsTotal` the seeds asked
 * for; `replay()` and `close()` are the buttons' actions.
 */
export function fillTooltip(tip, { tooltip: t, agg, parameter: info, group, seedsTotal, replay: onReplay, close: onClose }) {
  const style = SERIES_STYLE[t.fencing];
  const head = el("div", { className: "tt-key" }, [
    `${info.name} = ${integer(t.value)} ${info.unit} · `,
    swatch(style.color),
    ` ${style.label}`,
  ]);
  const line = (label, value, testid) =>
    el("div", { className: "tt-row" }, [
      el("span", { className: "tt-label", textContent: label }),
      el("span", { textContent: value, dataset: { testid } }),
    ]);
  const num = (v, digits = 1) => (Number.isInteger(v) ? integer(v) : v.toFixed(digits));
  const ms = (v) => (v >= 100 ? `${integer(v)} ms` : millis(v));
  const seedSelect = el("select", { dataset: { testid: "sweep-replay-seed" } });
  seedSelect.setAttribute("aria-label", "Seed to replay");
  for (const { row } of group) {
    const text = `seed ${row.seed} — lost ${row.lostUpdates}, p99 ${integer(row.waitP99Ms)} ms, rej. ${row.rejectedWrites}`;
    seedSelect.append(el("option", { value: String(row.seed), textContent: text, selected: row.seed === t.seed }));
  }
  seedSelect.addEventListener("change", () => {
    t.seed = Number(seedSelect.value);
  });
  const replay = el("button", {
    type: "button",
    className: "primary",
    textContent: "Replay in the Locks view",
    dataset: { testid: "sweep-replay" },
  });
  replay.addEventListener("click", onReplay);
  const close = el("button", {
    type: "button",
    className: "tt-close",
    textContent: "×",
    title: "Close",
    dataset: { testid: "sweep-tooltip-close" },
  });
  close.addEventListener("click", onClose);

  tip.dataset.chart = t.chart;
  tip.dataset.value = String(t.value);
  tip.dataset.fencing = t.fencing;
  tip.dataset.pinned = String(t.pinned);
  tip.replaceChildren(
    close,
    head,
    line("runs", `${agg.runs} of ${integer(seedsTotal)} seeds`, "tt-runs"),
    line("throughput", `${num(agg.throughputMean, 2)} ops/s mean`, "tt-throughput"),
    line("wait p99", `${ms(agg.waitP99MeanMs)} mean, ${ms(agg.waitP99MaxMs)} max`, "tt-wait"),
    line("lost", `${integer(agg.lostUpdates)} updates, in ${agg.runsWithLostUpdates} of ${agg.runs} runs`, "tt-lost"),
    line("rejected", `${integer(agg.rejectedWrites)} writes (${num(agg.rejectedWritesMean, 2)} per run)`, "tt-rejected"),
    line("ops", `${num(agg.completedOpsMean)} completed per run`, "tt-ops"),
    el("div", { className: "tt-replay" }, [seedSelect, replay]),
    el("div", {
      className: "tt-caption",
      textContent: t.pinned ? "Replay opens this exact run (preset, value, seed, fencing)." : "Click the point to keep this open.",
    }),
  );
}

function swatch(color) {
  const node = el("span", { className: "sweep-swatch" });
  node.style.background = color;
  return node;
}
