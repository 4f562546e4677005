// The "Sweeps" tab: pick a preset, a parameter and its values, seeds and fencing modes; run the
// sweep in a Web Worker (sweep-worker.js) with a progress bar, an estimate of the time left
// and cancel; results stream into four plots (sweep-chart.js). Hovering or clicking a point
// shows its numbers and replays one of its runs in the locks view (#locks?…). The settings
// live in the URL (#sweep?…); the results export as CSV and JSON.
import { el } from "../lib/el.js";
import { integer, millis, seconds } from "../lib/format.js";
import { SERIES_STYLE, SweepChart } from "./sweep-chart.js";
import {
  aggregate,
  DEFAULT_RANGES,
  DEFAULT_SETTINGS,
  FENCINGS,
  parseSweepHash,
  replayHash,
  sweepArguments,
  sweepHash,
  toCsv,
  toJson,
} from "./sweep-model.js";
import { fillTooltip } from "./sweep-tooltip.js";

const CHARTS = [
  {
    id: "throughput",
    title: "Throughput",
    yLabel: "ops/s (mean over seeds)",
    y: (a) => a.throughputMean,
    worst: (rows) => pick(rows, (r) => -r.throughput),
  },
  {
    id: "wait",
    title: "Acquire wait, 99th percentile",
    yLabel: "ms (mean of the runs' p99)",
    y: (a) => a.waitP99MeanMs,
    worst: (rows) => pick(rows, (r) => r.waitP99Ms),
  },
  {
    id: "lost",
    title: "Lost updates",
    yLabel: "lost updates (sum over seeds)",
    integer: true,
    y: (a) => a.lostUpdates,
    worst: (rows) => pick(rows, (r) => r.lostUpdates * 1e6 + r.waitP99Ms),
  },
  {
    id: "rejected",
    title: "Rejected writes",
    yLabel: "rejected writes (mean per run)",
    y: (a) => a.rejectedWritesMean,
    worst: (rows) => pick(rows, (r) => r.rejectedWrites),
  },
];

const CHART_INTERVAL_MS = 200;

/** The entry of `rows` with the largest score (the first on ties). */
function pick(rows, score) {
  let best = rows[0];
  for (const r of rows) if (score(r) > score(best)) best = r;
  return best;
}

export class SweepPanel {
  constructor(root, Simulation) {
    this.root = root;
    this.Simulation = Simulation;
    this.parameters = Simulation.sweepParameters();
    this.presets = Simulation.presets();
    this.tab = document.getElementById(root.getAttribute("aria-labelledby"));
    this.worker = null;
    this.state = "idle";
    this.rows = [];
    this.done = 0;
    this.total = 0;
    this.tooltip = null; // { chart, value, fencing, pinned }
    this.renderQueued = false;
    this.urls = [];
    this.build();
    this.applySettings(DEFAULT_SETTINGS);
  }

  /**
   * Called when the tab is shown, by its tab or by a `#sweep?…` link: a link fills the form (and
   * starts the sweep if it says run=1); the address bar then shows the form's settings.
   */
  show(_params, hash) {
    const parsed = parseSweepHash(hash, this.settings());
    if (parsed) this.applySettings(parsed.settings);
    this.writeHash();
    if (parsed?.run) this.start();
  }

  /** Called when the tab is left: closes the point tooltip (a running sweep goes on). */
  hide() {
    this.hideTooltip();
  }

  /** The hash the Sweeps tab opens: the form's settings, so the tab comes back to them. */
  link() {
    return sweepHash(this.settings());
  }

  // ---- DOM -------------------------------------------------------------------------------

  /** Finds the form's fields in the view's markup (index.html), fills the lists, and listens. */
  build() {
    /** @param {string} testid */
    const q = (testid) => {
      const node = this.root.querySelector(`[data-testid="${testid}"]`);
      if (!node) throw new Error(`the sweeps view has no [data-testid="${testid}"]`);
      return /** @type {any} */ (node);
    };
    this.form = {
      preset: q("sweep-preset"),
      presetNote: q("sweep-preset-note"),
      parameter: q("sweep-parameter"),
      parameterNote: q("sweep-parameter-note"),
      modeRange: q("sweep-mode-range"),
      modeList: q("sweep-mode-list"),
      rangeRow: q("sweep-range"),
      from: q("sweep-from"),
      to: q("sweep-to"),
      steps: q("sweep-steps"),
      spacing: q("sweep-spacing"),
      listRow: q("sweep-list"),
      list: q("sweep-values"),
      seeds: q("sweep-seeds"),
      fencing: Object.fromEntries(FENCINGS.map((mode) => [mode, q(`sweep-fencing-${mode}`)])),
      plan: q("sweep-plan"),
      start: q("sweep-start"),
      cancel: q("sweep-cancel"),
      progress: q("sweep-progress"),
      progressText: q("sweep-progress-text"),
      status: q("sweep-status"),
      csv: q("sweep-csv"),
      json: q("sweep-json"),
      link: q("sweep-link"),
    };
    const f = this.form;
    for (const name of this.presets) f.preset.append(el("option", { value: name, textContent: name }));
    for (const p of this.parameters) f.parameter.append(el("option", { value: p.name, textContent: `${p.label} (${p.name})` }));
    for (const swatch of this.root.querySelectorAll(".sweep-swatch[data-fencing]")) {
      swatch.style.background = SERIES_STYLE[swatch.dataset.fencing].color;
    }

    const form = q("sweep-form");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    form.addEventListener("input", () => this.formChanged());
    form.addEventListener("change", () => this.formChanged());
    f.parameter.addEventListener("change", () => {
      const range = DEFAULT_RANGES[f.parameter.value];
      if (range) {
        f.from.value = range.from;
        f.to.value = range.to;
        f.steps.value = range.steps;
        this.formChanged();
      }
    });
    f.cancel.addEventListener("click", () => this.cancel());
    this.setLinks(null);

    q("sweep-legend").replaceChildren(
      ...FENCINGS.map((mode) => {
        const s = SERIES_STYLE[mode];
        const svg = `<svg width="34" height="10" aria-hidden="true"><line x1="1" x2="33" y1="5" y2="5" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/></svg>`;
        const item = el("span", { className: "sweep-legend-item" });
        item.innerHTML = `${svg} ${s.label}`;
        return item;
      }),
    );
    this.chartsBox = q("sweep-charts");
    this.tip = q("sweep-tooltip");
    this.charts = CHARTS.map(
      (spec) =>
        new SweepChart(this.chartsBox, {
          id: spec.id,
          title: spec.title,
          yLabel: spec.yLabel,
          integer: spec.integer,
          onPoint: (kind, point, element) => this.onPoint(kind, point, element),
        }),
    );
    // The tooltip stays the last child, over the charts.
    this.chartsBox.append(this.tip);
    this.tip.addEventListener("pointerenter", () => clearTimeout(this.hideTimer));
    this.tip.addEventListener("pointerleave", () => this.scheduleHide());
    document.addEventListener("pointerdown", (event) => {
      if (!this.tooltip?.pinned) return;
      if (this.tip.contains(event.target) || (event.target instanceof Element && event.target.closest('[data-testid="sweep-point"]')))
        return;
      this.hideTooltip();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.tooltip) this.hideTooltip();
    });
    this.renderCharts();
  }

  // ---- settings and URL ---------------------------------------------------------------------

  /** @returns {import("./sweep-model.js").SweepSettings} */
  settings() {
    const f = this.form;
    return {
      preset: f.preset.value,
      parameter: f.parameter.value,
      mode: f.modeList.checked ? "list" : "range",
      from: Number(f.from.value),
      to: Number(f.to.value),
      steps: Number(f.steps.value),
      spacing: f.spacing.value,
      list: f.list.value,
      seeds: f.seeds.value,
      fencing: FENCINGS.filter((m) => f.fencing[m].checked),
    };
  }

  applySettings(s) {
    const f = this.form;
    if (this.presets.includes(s.preset)) f.preset.value = s.preset;
    if (this.parameters.some((p) => p.name === s.parameter)) f.parameter.value = s.parameter;
    f.modeList.checked = s.mode === "list";
    f.modeRange.checked = s.mode !== "list";
    f.from.value = s.from;
    f.to.value = s.to;
    f.steps.value = s.steps;
    f.spacing.value = s.spacing === "log" ? "log" : "linear";
    f.list.value = s.list;
    f.seeds.value = s.seeds;
    for (const m of FENCINGS) f.fencing[m].checked = s.fencing.includes(m);
    this.formChanged({ writeHash: false });
  }

  writeHash() {
    if (this.tab?.getAttribute("aria-selected") !== "true") return;
    const hash = sweepHash(this.settings());
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  formChanged({ writeHash = true } = {}) {
    const f = this.form;
    const s = this.settings();
    f.rangeRow.hidden = s.mode === "list";
    f.listRow.hidden = s.mode !== "list";
    f.presetNote.textContent = this.Simulation.describe(s.preset);
    const info = this.parameters.find((p) => p.name === s.parameter);
    const current = this.Simulation.preset(s.preset)[s.parameter];
    let note = `${s.preset} uses ${s.parameter} = ${integer(current)} ${info.unit}; accepted ${integer(info.min)}–${integer(info.max)}.`;
    if (s.parameter === "pauseMaxMs") note += " pauseMinMs is lowered to the value where it is above it.";
    if (s.parameter === "renewPercent") note += " Sweeping it turns renewal on.";
    f.parameterNote.textContent = note;
    try {
      const [, options] = sweepArguments(s);
      const seeds = typeof options.seeds === "number" ? options.seeds : options.seeds.length;
      const runs = options.values.length * options.fencing.length * seeds;
      const shown = options.values.slice(0, 8).map(integer).join(", ") + (options.values.length > 8 ? ", …" : "");
      f.plan.textContent = `${options.values.length} values (${shown}) × ${options.fencing.length} fencing modes × ${seeds} seeds = ${integer(runs)} runs`;
      f.plan.dataset.runs = String(runs);
    } catch (error) {
      f.plan.textContent = error.message;
      f.plan.dataset.runs = "";
    }
    f.link.href = sweepHash(s, { run: true });
    if (writeHash) this.writeHash();
  }

  // ---- running ------------------------------------------------------------------------------

  setStatus(text, kind = "info") {
    this.form.status.textContent = text;
    this.form.status.dataset.kind = kind;
  }

  setState(state) {
    this.state = state;
    this.root.dataset.sweepState = state;
    this.form.cancel.disabled = state !== "running";
    this.form.start.textContent = state === "running" ? "Restart sweep" : "Start sweep";
  }

  start() {
    const s = this.settings();
    let config;
    let options;
    let runs;
    try {
      [config, options] = sweepArguments(s);
      runs = this.Simulation.sweepRuns(config, options); // validates; the configs serve replays
    } catch (error) {
      this.setStatus(error.message, "error");
      return;
    }
    this.stopWorker();
    this.hideTooltip();
    this.settingsRun = s;
    this.options = options;
    this.runs = runs;
    this.presetConfig = this.Simulation.preset(s.preset);
    this.values = [...new Set(runs.map((r) => r.value))];
    this.rows = new Array(runs.length);
    this.done = 0;
    this.total = runs.length;
    this.started = performance.now();
    this.finishedMs = null;
    this.setLinks(null);
    this.setState("running");
    this.setStatus(`Running ${integer(this.total)} runs in a Web Worker…`);
    this.writeHash();

    const worker = new Worker(new URL("./sweep-worker.js", import.meta.url), { type: "module" });
    this.worker = worker;
    this.root.dataset.worker = "running";
    worker.onmessage = ({ data }) => {
      if (worker !== this.worker) return; // a message from a cancelled sweep
      this.onMessage(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker !== this.worker) return;
      this.fail(`The sweep worker failed: ${event.message || "could not start"}`);
    };
    worker.postMessage({ type: "start", config, options });
    this.queueRender();
  }

  onMessage(data) {
    switch (data.type) {
      case "row":
        if (this.rows[data.index] === undefined) this.done += 1;
        this.rows[data.index] = data.row;
        this.queueRender();
        break;
      case "done":
        this.stopWorker();
        this.finishedMs = performance.now() - this.started;
        this.setState("done");
        this.setStatus(
          `Done: ${integer(this.total)} runs in ${seconds(this.finishedMs)} (${millis(this.finishedMs / Math.max(1, this.total))} per run).`,
          "ok",
        );
        this.root.dataset.sweepMs = String(Math.round(this.finishedMs));
        this.root.dataset.workerMs = String(Math.round(data.elapsedMs));
        this.setLinks(true);
        this.queueRender();
        break;
      case "error":
        this.fail(data.message);
        break;
      default:
        break;
    }
  }

  fail(message) {
    this.stopWorker();
    this.setState("failed");
    this.setStatus(message, "error");
    this.setLinks(this.done > 0 ? false : null);
    this.queueRender();
  }

  cancel() {
    if (this.state !== "running") return;
    this.stopWorker();
    this.setState("cancelled");
    this.setStatus(`Cancelled after ${integer(this.done)} of ${integer(this.total)} runs; the results so far are kept.`);
    this.setLinks(this.done > 0 ? false : null);
    this.queueRender();
  }

  stopWorker() {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
    this.root.dataset.worker = "none";
  }

  /** Rows finished so far, in run order (the Worker runs them in order). */
  finishedRows() {
    const out = [];
    for (let i = 0; i < this.rows.length; i++) if (this.rows[i] !== undefined) out.push(this.rows[i]);
    return out;
  }

  // ---- export -------------------------------------------------------------------------------

  /** complete: true (finished), false (partial), null (nothing to export). */
  setLinks(complete) {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    const { csv, json } = this.form;
    if (complete === null) {
      for (const a of [csv, json]) {
        a.removeAttribute("href");
        a.setAttribute("aria-disabled", "true");
      }
      return;
    }
    const s = this.settingsRun;
    const rows = this.finishedRows();
    const base = `sweep-${s.preset}-${s.parameter}${complete ? "" : "-partial"}`;
    const blob = (text, type) => {
      const url = URL.createObjectURL(new Blob([text], { type }));
      this.urls.push(url);
      return url;
    };
    csv.href = blob(toCsv(rows, s), "text/csv");
    csv.download = `${base}.csv`;
    const link = new URL(sweepHash(s, { run: true }), location.href).href;
    json.href = blob(
      toJson({ preset: s.preset, options: this.resolvedOptions(), rows, total: this.total, complete, link }),
      "application/json",
    );
    json.download = `${base}.json`;
    for (const a of [csv, json]) a.removeAttribute("aria-disabled");
  }

  resolvedOptions() {
    const o = this.options;
    const seeds = typeof o.seeds === "number" ? Array.from({ length: o.seeds }, (_, i) => i + 1) : o.seeds;
    return { parameter: o.parameter, values: o.values, seeds, fencing: o.fencing };
  }

  // ---- plots and tooltip --------------------------------------------------------------------

  queueRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  render() {
    const f = this.form;
    f.progress.max = Math.max(1, this.total);
    f.progress.value = this.done;
    f.progress.dataset.done = String(this.done);
    f.progress.dataset.total = String(this.total);
    if (this.total) {
      const elapsed = this.finishedMs ?? performance.now() - this.started;
      let text = `${integer(this.done)} / ${integer(this.total)} runs · ${seconds(elapsed)}`;
      if (this.state === "running" && this.done > 0) {
        const left = (elapsed / this.done) * (this.total - this.done);
        text += ` · about ${seconds(left)} left`;
      }
      f.progressText.textContent = text;
    }
    // The plots follow at most every CHART_INTERVAL_MS while running (the bar every frame), so
    // the page leaves the CPU to the Worker.
    const now = performance.now();
    if (this.state === "running" && now - (this.chartsAt ?? 0) < CHART_INTERVAL_MS) {
      this.queueRender();
      return;
    }
    this.chartsAt = now;
    this.renderCharts();
    if (this.tooltip) {
      // Refresh an open tooltip only when its point gained runs (keeps a chosen seed and focus).
      const t = this.tooltip;
      const agg = this.aggregates.find((a) => a.value === t.value && a.fencing === t.fencing);
      if (agg?.runs !== t.runs) this.showTooltip();
    }
  }

  renderCharts() {
    const s = this.settingsRun;
    const info = this.parameters.find((p) => p.name === (s?.parameter ?? this.form.parameter.value));
    const xLabel = `${info.label} — ${info.name} (${info.unit})`;
    const aggregates = aggregate(this.finishedRows());
    this.aggregates = aggregates;
    const fencings = this.options?.fencing ?? [];
    const seeds = this.total && this.values ? this.total / this.values.length / Math.max(1, fencings.length) : 0;
    for (const [k, chart] of this.charts.entries()) {
      const spec = CHARTS[k];
      const series = fencings.map((fencing) => ({
        fencing,
        points: aggregates.filter((a) => a.fencing === fencing).map((a) => ({ value: a.value, y: spec.y(a), agg: a })),
      }));
      const note = this.total ? ` — ${integer(seeds)} seed${seeds === 1 ? "" : "s"} per point` : "";
      chart.update({ values: this.values ?? [], xLabel, series, note });
    }
  }

  onPoint(kind, point, element) {
    if (kind === "leave") {
      this.scheduleHide();
      return;
    }
    if (kind === "hover" && this.tooltip?.pinned) return;
    clearTimeout(this.hideTimer);
    const pinned = kind === "pin";
    this.tooltip = { chart: point.chart, value: point.value, fencing: point.fencing, pinned, seed: null };
    this.showTooltip();
    this.placeTooltip(element);
  }

  scheduleHide() {
    if (this.tooltip?.pinned) return;
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => {
      if (!this.tooltip?.pinned && !this.tip.matches(":hover")) this.hideTooltip();
    }, 350);
  }

  hideTooltip() {
    clearTimeout(this.hideTimer);
    this.tooltip = null;
    this.tip.hidden = true;
  }

  placeTooltip(element) {
    const box = this.chartsBox.getBoundingClientRect();
    const at = element.getBoundingClientRect();
    this.tip.hidden = false;
    const width = this.tip.offsetWidth;
    const height = this.tip.offsetHeight;
    let left = at.right - box.left + 10;
    if (left + width > box.width) left = at.left - box.left - width - 10;
    let top = at.top - box.top - 12;
    top = Math.max(0, Math.min(top, box.height - height));
    this.tip.style.left = `${Math.max(0, left)}px`;
    this.tip.style.top = `${top}px`;
  }

  /** The finished rows (with their run) of one value × fencing mode. */
  groupRuns(value, fencing) {
    const out = [];
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row && row.value === value && row.fencing === fencing) out.push({ row, run: this.runs[i] });
    }
    return out;
  }

  showTooltip() {
    const t = this.tooltip;
    const agg = this.aggregates?.find((a) => a.value === t.value && a.fencing === t.fencing);
    if (!agg) {
      this.hideTooltip();
      return;
    }
    const spec = CHARTS.find((c) => c.id === t.chart);
    const info = this.parameters.find((p) => p.name === this.settingsRun.parameter);
    const group = this.groupRuns(t.value, t.fencing);
    if (t.seed === null || !group.some((g) => g.row.seed === t.seed)) t.seed = spec.worst(group.map((g) => g.row)).seed;
    const seedsTotal = this.total / this.values.length / this.options.fencing.length;
    t.runs = agg.runs;

    fillTooltip(this.tip, {
      tooltip: t,
      agg,
      parameter: info,
      group,
      seedsTotal,
      replay: () => this.replay(t.value, t.fencing, t.seed),
      close: () => this.hideTooltip(),
    });
  }

  /** Opens the Locks view at one run: preset, seed, fencing and the swept value. */
  replay(value, fencing, seed) {
    const hit = this.groupRuns(value, fencing).find((g) => g.row.seed === seed);
    if (!hit) return;
    this.hideTooltip();
    location.hash = replayHash({
      preset: this.settingsRun.preset,
      parameter: this.settingsRun.parameter,
      run: hit.run,
      presetConfig: this.presetConfig,
    });
  }
}
