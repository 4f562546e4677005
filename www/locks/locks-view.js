// The lock contention view: loads a run (a Simulation from a preset, seed and overrides, as
// linked by `#locks?…`), plays it from requestAnimationFrame with `sim.step(sim.nowMs + Δ)`,
// and keeps the model, the swimlanes, the metrics panel and the controls in step.
//
// It also opens a history (docs/histories.md) — from a file picker, a file dropped on the view,
// or a link `#locks?history=<path>` to a file served next to the page — and plays it the same
// way (history-run.js), judged by `checkHistory`. Any simulated run can be downloaded as a
// history ("Export history") and opened again.
//
// Determinism: the simulation's results depend only on its config; wall time (the frame
// timestamps) only decides how far to step per frame, and the engine guarantees that stepping
// in any increments gives the same run.

import { integer } from "../lib/format.js";
import { HistoryRun } from "./history-run.js";
import { LocksCanvas } from "./locks-canvas.js";
import { LocksControls } from "./locks-controls.js";
import { renderLegend } from "./locks-legend.js";
import { LocksMetrics } from "./locks-metrics.js";
import { LocksModel } from "./locks-model.js";
import { LOCKS, runHash } from "./locks-route.js";

/** What a bare `#locks` opens: the pause scenario without fencing, which loses updates. */
export const DEFAULT_RUN = { preset: "gcPause", seed: 1, fencing: "off" };
const LEADING = ["preset", "seed", "fencing"];
/** Real ms per frame at most (a background tab, a slow frame): no huge jumps. */
const MAX_FRAME_MS = 100;
/** "To end" computes for at most this long per frame, so the page stays responsive… */
const TO_END_BUDGET_MS = 40;
/** …and redraws the lanes and panels this often (the clock every frame). */
const TO_END_DRAW_MS = 250;
/** Metrics are refreshed at most this often while playing (real ms). */
const METRICS_EVERY_MS = 120;
/** Zooming to a violation shows this much time around it. */
const JUMP_WINDOW_MS = 1000;

export class LocksView {
  #root;
  #Simulation;
  #kinds;
  #controls;
  #metrics;
  #canvas;
  #ui;
  #sim = null;
  #model = null;
  #config = null;
  /** The loaded run ({ preset, seed, fencing, ...overrides }) and its canonical hash. */
  #run = null;
  #hash = "";
  #playing = false;
  #toEnd = false;
  #speed = 1;
  #frame = 0;
  #lastTs = null;
  #carry = 0;
  #lastMetrics = -Infinity;
  #counts = null;
  #countsKey = "";
  #violations = [];
  #windowMs = 0;
  #windowStart = 0;
  #follow = true;
  #highlight = null;
  #laneLabels = [];
  #checkHistory;
  /** The history shown ({ doc, name, hash }), or null for a simulated run. */
  #history = null;
  /** Bumped on every load, so a history fetched late does not replace a newer choice. */
  #loads = 0;

  constructor(root, Simulation, checkHistory) {
    this.#root = root;
    this.#Simulation = Simulation;
    this.#checkHistory = checkHistory;
    this.#kinds = Simulation.eventKinds();
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = { canvas: q("locks-canvas"), hover: q("locks-hover"), scroll: q("lanes-scroll"), legend: q("locks-legend") };
    this.#canvas = new LocksCanvas(this.#ui.canvas);
    this.#metrics = new LocksMetrics(root, (v) => this.jumpTo(v));
    this.#controls = new LocksControls(
      root,
      { presets: Simulation.presets(), describe: (name) => Simulation.describe(name) },
      {
        change: (key, value) => this.#change(key, value),
        play: () => this.play(),
        pause: () => this.pause(),
        step: (ms) => this.step(ms),
        toEnd: () => this.toEnd(),
        reset: () => this.reset(),
        speed: (x) => {
          this.#speed = x;
        },
        zoom: (ms) => this.#zoom(ms),
        pan: (start) => {
          this.#follow = false;
          this.#windowStart = start;
          this.#render(true);
        },
      },
    );
    renderLegend(this.#ui.legend);
    this.#bindCanvas();
    this.#bindHistory();
    window.addEventListener("resize", () => {
      if (!this.#root.hidden) this.#schedule();
    });
  }

  /** The canonical hash of the loaded run (`#locks?…`), or "" before any. */
  get hash() {
    return this.#hash;
  }

  get sim() {
    return this.#sim;
  }

  /** The hash the Locks tab opens: the run last shown here, so the tab comes back to it. */
  link() {
    return this.#hash || `#${LOCKS}`;
  }

  /** Shows `run` (null: the loaded run, or the default): loads it unless it is the loaded one. */
  show(run) {
    if (run && run.history !== undefined) {
      const hash = `#${LOCKS}?history=${encodeURIComponent(String(run.history))}`;
      if (hash !== this.#hash || !this.#sim) this.openHistoryLink(String(run.history));
      else this.#render(true);
      return;
    }
    if (!run && this.#history && this.#sim) {
      this.#render(true);
      return;
    }
    const next = this.#normalize(run ?? this.#run ?? DEFAULT_RUN);
    const hash = runHash(next);
    if (hash !== this.#hash || !this.#sim) this.load(next);
    else this.#syncHash();
    this.#render(true);
  }

  /** Called when the tab is left: stops playing. */
  hide() {
    this.pause();
    this.#toEnd = false;
  }

  /** Fills preset, seed and fencing (from the preset) so equal runs have equal hashes. */
  #normalize(run) {
    const out = { ...run };
    if (out.preset === undefined) out.preset = DEFAULT_RUN.preset;
    try {
      const preset = this.#Simulation.preset(out.preset);
      if (out.seed === undefined) out.seed = preset.seed;
      if (out.fencing === undefined) out.fencing = preset.fencing;
    } catch {
      // An unknown preset: the constructor will say so.
    }
    return out;
  }

  #syncHash() {
    if (this.#hash && window.location.hash !== this.#hash) history.replaceState(null, "", this.#hash);
  }

  /** Fetches the history at `path` (relative to the page) and shows it. */
  async openHistoryLink(path) {
    const load = ++this.#loads;
    const hash = `#${LOCKS}?history=${encodeURIComponent(path)}`;
    this.#clear();
    this.#hash = hash;
    this.#root.dataset.run = hash;
    this.#root.dataset.state = "loading";
    this.#controls.setStatus(`Loading the history ${path}…`);
    let doc;
    try {
      const response = await fetch(new URL(path, document.baseURI));
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      doc = JSON.parse(await response.text());
    } catch (error) {
      if (load === this.#loads) this.#fail(`Cannot load the history ${path}: ${error.message}`);
      return;
    }
    if (load === this.#loads) this.loadHistory(doc, path, hash);
  }

  /** Reads a history file (from the picker or a drop) and shows it. */
  async openHistoryFile(file) {
    const load = ++this.#loads;
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch (error) {
      if (load === this.#loads) this.#fail(`Cannot read ${file.name}: ${error.message}`);
      return;
    }
    if (load !== this.#loads) return;
    history.replaceState(null, "", `#${LOCKS}`);
    this.loadHistory(doc, file.name, `#${LOCKS}`);
  }

  /** Shows the history document `doc` (named `name`) at its start, judged by checkHistory. */
  loadHistory(doc, name, hash = "") {
    this.#loads += 1;
    this.#clear();
    this.#hash = hash;
    let run;
    try {
      const verdict = this.#checkHistory(doc);
      run = new HistoryRun(doc, verdict, this.#kinds, name);
    } catch (error) {
      this.#fail(`Cannot check the history ${name}: ${error.message}`);
      return;
    }
    this.#history = { doc, name, hash };
    this.#sim = run;
    this.#config = run.config();
    this.#laneLabels = run.laneLabels;
    this.#model = new LocksModel({ kinds: this.#kinds, lanes: run.processes.length, config: this.#config, serverKnown: run.serverKnown });
    this.#startChecker();
    this.#controls.setDisabled(false);
    this.#controls.setHistory(true);
    const v = run.verdict;
    const unknown = v.unknown.length ? ` Not in the history, so not judged: ${v.unknown.join(", ")}.` : "";
    this.#controls.setStatus(
      `History ${name}${run.description ? ` (${run.description})` : ""}: ${integer(v.records)} records, ${integer(run.processes.length)} processes, ` +
        `${integer(run.durationMs)} ms of recorded time from ${run.baseMs === 0 ? "time 0" : "its first record"}.${run.serverKnown ? "" : " The server's view of the leases is unknown."}${unknown}`,
    );
    this.#controls.setDuration(this.#config.durationMs);
    this.#root.dataset.run = hash || `history:${name}`;
    this.#root.dataset.source = "history";
    this.#refreshChecker(true);
    this.#render(true);
  }

  /** Downloads the loaded simulated run, as far as it has run, as a history file. */
  exportHistory() {
    if (!this.#sim || this.#history) return null;
    const doc = this.#sim.history();
    const c = this.#config;
    const name = `ringlease-${this.#run.preset}-seed${c.seed}-${c.fencing}.history.json`;
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc)], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    this.#root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    return name;
  }

  /** Stops and forgets whatever is loaded. */
  #clear() {
    this.pause();
    this.#toEnd = false;
    this.#sim?.free();
    this.#sim = null;
    this.#model = null;
    this.#history = null;
    this.#highlight = null;
    this.#ui.hover.textContent = "";
  }

  #fail(message) {
    this.#clear();
    this.#root.dataset.state = "error";
    this.#controls.setDisabled(true);
    this.#controls.setStatus(message, "error");
    this.#ui.canvas.getContext("2d").clearRect(0, 0, this.#ui.canvas.width, this.#ui.canvas.height);
  }

  #startChecker() {
    this.#counts = this.#sim.counts();
    this.#countsKey = "";
    this.#violations = [];
    this.#lastMetrics = -Infinity;
  }

  /** Loads `run` at time 0 (paused). */
  load(run) {
    this.#loads += 1;
    this.#history = null;
    this.#root.dataset.source = "simulation";
    this.#controls.setHistory(false);
    this.#clear();
    this.#run = run;
    this.#hash = runHash(run);
    let sim;
    try {
      sim = new this.#Simulation(run);
    } catch (error) {
      this.#fail(`Cannot load this run: ${error.message}`);
      this.#root.dataset.run = this.#hash;
      return;
    }
    this.#sim = sim;
    this.#config = sim.config();
    this.#syncHash();
    const lanes = sim.metrics().clients.length;
    const orders = this.#config.workload === "orders";
    const resources = this.#config.resources;
    this.#laneLabels = Array.from({ length: lanes }, (_, i) => (orders ? `b${Math.floor(i / resources)}·p${i % resources}` : `c${i}`));
    this.#model = new LocksModel({ kinds: this.#kinds, lanes, config: this.#config });
    this.#startChecker();
    const extra = Object.entries(run).filter(
      ([key]) => !LEADING.includes(key) && !["ttlMs", "clients", "pausePpm", "renewal", "fifo"].includes(key),
    );
    this.#controls.setDisabled(false);
    this.#controls.setConfig(this.#config, run.preset, extra);
    const c = this.#config;
    this.#controls.setStatus(
      `${run.preset}, seed ${c.seed}, fencing ${c.fencing}: ${integer(lanes)} ${orders ? "broker replicas" : "clients"}, TTL ${integer(c.ttlMs)} ms, ` +
        `${integer(c.durationMs)} ms to simulate.`,
    );
    this.#root.dataset.run = this.#hash;
    this.#refreshChecker(true);
    this.#render(true);
  }

  reset() {
    if (this.#history) this.loadHistory(this.#history.doc, this.#history.name, this.#history.hash);
    else if (this.#run) this.load(this.#run);
  }

  play() {
    if (!this.#sim || this.#sim.done) return;
    this.#playing = true;
    this.#follow = true;
    this.#lastTs = null;
    this.#carry = 0;
    this.#schedule();
    this.#render(true);
  }

  pause() {
    if (!this.#playing) return;
    this.#playing = false;
    this.#render(true);
  }

  /** Pauses and advances the simulation by `ms`. */
  step(ms) {
    if (!this.#sim || this.#sim.done) return;
    this.#playing = false;
    this.#toEnd = false;
    this.#follow = true;
    this.#advance(this.#sim.nowMs + ms);
    this.#render(true);
  }

  /** Runs to the end (a budget per frame, so the page stays responsive). */
  toEnd() {
    if (!this.#sim || this.#sim.done) return;
    this.#playing = false;
    this.#toEnd = true;
    this.#follow = true;
    this.#schedule();
  }

  /** Shows violation `v`: pauses, zooms the view around its moment, marks it. */
  jumpTo(v) {
    if (!v) return;
    this.pause();
    this.#toEnd = false;
    this.#highlight = v;
    const duration = this.#config.durationMs;
    if (this.#windowMs === 0 || this.#windowMs > JUMP_WINDOW_MS) this.#windowMs = Math.min(JUMP_WINDOW_MS, duration);
    this.#follow = false;
    this.#windowStart = Math.max(0, Math.min(duration - this.#windowMs, v.atMs - this.#windowMs / 2));
    const label = (lane) => this.#laneLabels[lane] ?? `c${lane}`;
    const who = v.client === null ? "" : ` — ${label(v.client)}${v.other === null ? "" : ` and ${label(v.other)}`}`;
    this.#ui.hover.textContent = `${v.kind} at ${integer(v.atMs)} ms${who}${v.token ? `, token #${v.token}` : ""}`;
    this.#render(true);
    const g = this.#canvas.geometry;
    if (g && v.client !== null && v.client < g.lanes) {
      const y = g.lanesTop + v.client * g.laneH;
      const scroll = this.#ui.scroll;
      if (y < scroll.scrollTop || y > scroll.scrollTop + scroll.clientHeight - g.laneH)
        scroll.scrollTop = Math.max(0, y - scroll.clientHeight / 2);
    }
    this.#ui.canvas.scrollIntoView({ block: "nearest" });
  }

  #zoom(ms) {
    const duration = this.#config?.durationMs ?? 0;
    this.#windowMs = ms >= duration ? 0 : ms;
    this.#follow = true;
    if (this.#highlight && this.#windowMs) {
      this.#follow = false;
      this.#windowStart = Math.max(0, Math.min(duration - this.#windowMs, this.#highlight.atMs - this.#windowMs / 2));
    }
    this.#render(true);
  }

  /** A config field changed in the controls: validate, then link it (the hash loads it). */
  #change(key, value) {
    const base = this.#run ?? this.#normalize(DEFAULT_RUN);
    let next;
    if (key === "preset") {
      next = { preset: value, seed: base.seed, fencing: base.fencing };
    } else {
      next = { ...base, [key]: value };
      if (!LEADING.includes(key)) {
        try {
          if (this.#Simulation.preset(next.preset)[key] === value) delete next[key];
        } catch {
          // keep it
        }
      }
    }
    try {
      new this.#Simulation(next).free();
    } catch (error) {
      this.#controls.setStatus(error.message, "error");
      if (this.#config && this.#run && !this.#history) this.#controls.setConfig(this.#config, this.#run.preset, []);
      return;
    }
    window.location.hash = runHash(next);
  }

  /** Steps the simulation to `until` and feeds the events to the model (and, if `check`, re-reads the checker). */
  #advance(until, check = true) {
    const sim = this.#sim;
    const events = sim.step(Math.min(until, this.#config.durationMs));
    this.#model.ingest(events);
    this.#model.now = sim.nowMs;
    if (check) this.#refreshChecker(sim.done);
  }

  /** Re-reads the checker's counts, and its violations when they changed. */
  #refreshChecker(force) {
    const counts = this.#sim.counts();
    const key = Object.values(counts).join(",");
    if (force || key !== this.#countsKey) {
      this.#countsKey = key;
      this.#counts = counts;
      this.#violations = this.#sim.violations();
    }
  }

  #schedule() {
    if (!this.#frame) this.#frame = requestAnimationFrame((ts) => this.#onFrame(ts));
  }

  #onFrame(ts) {
    this.#frame = 0;
    const sim = this.#sim;
    if (!sim) return;
    if (this.#toEnd) {
      const started = performance.now();
      while (!sim.done && performance.now() - started < TO_END_BUDGET_MS) this.#advance(sim.nowMs + 2000, false);
      this.#refreshChecker(sim.done);
      if (sim.done) this.#toEnd = false;
      if (sim.done || ts - this.#lastMetrics >= TO_END_DRAW_MS) this.#render(true, ts);
      else this.#renderClock();
      if (this.#toEnd) this.#schedule();
      return;
    }
    if (this.#playing) {
      if (this.#lastTs !== null) {
        const want = this.#carry + Math.min(ts - this.#lastTs, MAX_FRAME_MS) * this.#speed;
        const whole = Math.floor(want);
        this.#carry = want - whole;
        if (whole > 0) this.#advance(sim.nowMs + whole);
      }
      this.#lastTs = ts;
      if (sim.done) this.#playing = false;
      this.#render(!this.#playing || ts - this.#lastMetrics >= METRICS_EVERY_MS, ts);
      if (this.#playing) this.#schedule();
      return;
    }
    this.#render(true);
  }

  /** Redraws the lanes; refreshes the panels too when `full`. */
  #render(full, ts = performance.now()) {
    const sim = this.#sim;
    if (!sim || this.#root.hidden) return;
    const now = sim.nowMs;
    const done = sim.done;
    const duration = this.#config.durationMs;
    let t0 = 0;
    let t1 = duration;
    if (this.#windowMs > 0) {
      if (this.#follow) this.#windowStart = Math.max(0, Math.min(duration - this.#windowMs, now - this.#windowMs * 0.85));
      t0 = this.#windowStart;
      t1 = t0 + this.#windowMs;
    }
    this.#canvas.render({
      model: this.#model,
      now,
      t0,
      t1,
      laneLabels: this.#laneLabels,
      violations: this.#violations,
      counts: this.#counts,
      highlight: this.#highlight,
    });
    this.#controls.setWindow({ windowMs: this.#windowMs, startMs: t0, durationMs: duration });
    this.#renderClock();
    if (full) {
      this.#lastMetrics = ts;
      this.#metrics.render({
        metrics: sim.metrics(),
        counts: this.#counts,
        violations: this.#violations,
        digest: sim.digest(),
        nowMs: now,
        done,
        workload: this.#config.workload,
        fencing: this.#config.fencing,
        coverage: sim.coverage(),
        unknown: this.#history ? sim.unknown() : [],
        recorded: this.#history !== null,
        laneLabels: this.#laneLabels,
      });
    }
  }

  /** The clock, the playback buttons and the view's state attributes. */
  #renderClock() {
    const sim = this.#sim;
    const done = sim.done;
    const now = sim.nowMs;
    this.#controls.setPlayback({ playing: this.#playing, done, nowMs: now, durationMs: this.#config.durationMs });
    const root = this.#root;
    root.dataset.state = done ? "done" : this.#playing ? "playing" : this.#toEnd ? "running" : "paused";
    root.dataset.nowMs = String(now);
  }

  /** The export button, the file picker, and dropping a file on the view. */
  #bindHistory() {
    const root = this.#root;
    root.querySelector('[data-testid="history-export"]').addEventListener("click", () => this.exportHistory());
    const input = root.querySelector('[data-testid="history-file"]');
    input.addEventListener("change", () => {
      const [file] = input.files;
      if (file) this.openHistoryFile(file);
      input.value = "";
    });
    root.addEventListener("dragover", (event) => {
      if (![...(event.dataTransfer?.types ?? [])].includes("Files")) return;
      event.preventDefault();
      root.dataset.dropping = "true";
    });
    root.addEventListener("dragleave", (event) => {
      if (event.target === root) delete root.dataset.dropping;
    });
    root.addEventListener("drop", (event) => {
      const file = event.dataTransfer?.files?.[0];
      delete root.dataset.dropping;
      if (!file) return;
      event.preventDefault();
      this.openHistoryFile(file);
    });
  }

  #bindCanvas() {
    const canvas = this.#ui.canvas;
    canvas.addEventListener("mousemove", (event) => {
      if (!this.#model) return;
      const rect = canvas.getBoundingClientRect();
      const hit = this.#canvas.hit(event.clientX - rect.left, event.clientY - rect.top);
      if (!hit) {
        this.#ui.hover.textContent = "";
        return;
      }
      const t = Math.round(hit.t);
      const text = this.#model.describe(hit.lane, t);
      this.#ui.hover.textContent = text
        ? `${this.#laneLabels[hit.lane]} at ${integer(t)} ms: ${text}`
        : `${this.#laneLabels[hit.lane]} at ${integer(t)} ms: not simulated yet`;
    });
    canvas.addEventListener("mouseleave", () => {
      this.#ui.hover.textContent = "";
    });
  }
}
