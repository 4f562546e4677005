// The sweep panel's pure logic (no DOM): the settings and their URL form, the values a range
// expands to, aggregates of streamed rows (the same numbers as Simulation.sweep's), CSV/JSON
// export and the replay link into the Locks view. Imported by the page and by
// tests/js/sweep.test.mjs.

export const FENCINGS = ["off", "maxToken", "strict"];

/** Row fields, in CSV column order (after preset and parameter). */
export const ROW_FIELDS = [
  "value",
  "fencing",
  "seed",
  "throughput",
  "waitP99Ms",
  "lostUpdates",
  "rejectedWrites",
  "completedOps",
  "digest",
];

/** A starting range per parameter, for the form (the library accepts its whole range). */
export const DEFAULT_RANGES = {
  ttlMs: { from: 50, to: 1000, steps: 10 },
  pausePpm: { from: 0, to: 100000, steps: 11 },
  pauseMaxMs: { from: 50, to: 2000, steps: 10 },
  driftMaxPpm: { from: 0, to: 300000, steps: 7 },
  clients: { from: 5, to: 100, steps: 10 },
  renewPercent: { from: 10, to: 90, steps: 9 },
};

/**
 * The sweep form's settings: `from`/`to`/`steps`/`spacing` for a range, `list` (comma-separated)
 * for a list of values, `seeds` as typed (comma-separated, or a count).
 * @typedef {{ preset: string, parameter: string, mode: "range" | "list", from: number, to: number,
 *   steps: number, spacing: "linear" | "log", list: string, seeds: string, fencing: string[] }} SweepSettings
 */

/** @type {Readonly<SweepSettings>} */
export const DEFAULT_SETTINGS = Object.freeze({
  preset: "flashSale",
  parameter: "ttlMs",
  mode: "range",
  from: 50,
  to: 1000,
  steps: 10,
  spacing: "linear",
  list: "",
  seeds: "10",
  fencing: FENCINGS,
});

/**
 * The values a range gives: `steps` integers from `from` to `to` inclusive, evenly spaced
 * ("linear") or in a constant ratio ("log", needs from > 0), rounded, duplicates dropped.
 */
export function rangeValues(from, to, steps, spacing = "linear") {
  if (![from, to, steps].every(Number.isFinite)) throw new RangeError("from, to and steps must be numbers");
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a whole number ≥ 1, got ${steps}`);
  if (steps === 1 || from === to) return [Math.round(from)];
  const out = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    let v;
    if (spacing === "log") {
      if (from <= 0 || to <= 0) throw new RangeError("log spacing needs from and to above 0");
      v = from * (to / from) ** t;
    } else {
      v = from + (to - from) * t;
    }
    v = Math.round(v);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** "100, 200 400" → [100, 200, 400]; a RangeError names the first bad entry. */
export function parseList(text) {
  const parts = String(text)
    .split(/[\s,;]+/)
    .filter((p) => p !== "");
  return parts.map((p) => {
    const v = Number(p);
    if (Number.isNaN(v)) throw new RangeError(`"${p}" is not a number`);
    return v; // ranges and integrality are checked by the library, which names the entry
  });
}

/** The seeds option from the form's text: "20" → 20 (seeds 1..=20); "3, 7, 9" → [3, 7, 9]. */
export function parseSeeds(text) {
  const list = parseList(text);
  if (list.length === 1 && !/[,;\s]/.test(String(text).trim())) return list[0];
  return list;
}

/** The values the settings give. */
export function settingsValues(s) {
  return s.mode === "list" ? parseList(s.list) : rangeValues(Number(s.from), Number(s.to), Number(s.steps), s.spacing);
}

/** `Simulation.sweep`'s (config, options) for the settings. Throws a RangeError for bad text. */
export function sweepArguments(s) {
  return [{ preset: s.preset }, { parameter: s.parameter, values: settingsValues(s), seeds: parseSeeds(s.seeds), fencing: [...s.fencing] }];
}

/**
 * The URL hash of the settings, e.g. `#sweep?preset=flashSale&parameter=ttlMs&values=100,200,400&seeds=20`
 * (a list) or `…&from=50&to=1000&steps=10&spacing=log…` (a range). The fencing modes are listed
 * only when not all three; `run=1` starts the sweep on load.
 */
export function sweepHash(s, { run = false } = {}) {
  const q = new URLSearchParams();
  q.set("preset", s.preset);
  q.set("parameter", s.parameter);
  if (s.mode === "list") {
    q.set("values", parseListLoose(s.list).join(","));
  } else {
    q.set("from", String(s.from));
    q.set("to", String(s.to));
    q.set("steps", String(s.steps));
    if (s.spacing === "log") q.set("spacing", "log");
  }
  q.set(
    "seeds",
    String(s.seeds)
      .replace(/[\s;]+/g, ",")
      .replace(/,+/g, ",")
      .replace(/^,|,$/g, ""),
  );
  if (s.fencing.length !== FENCINGS.length || s.fencing.some((f, i) => f !== FENCINGS[i])) q.set("fencing", s.fencing.join(","));
  if (run) q.set("run", "1");
  return `#sweep?${q.toString().replace(/%2C/g, ",")}`;
}

function parseListLoose(text) {
  return String(text)
    .split(/[\s,;]+/)
    .filter((p) => p !== "");
}

/**
 * Settings from a `#sweep?…` hash (missing keys keep `base`'s value), and whether it asks to
 * start (`run=1`). `null` if the hash is not a sweep link.
 */
export function parseSweepHash(hash, base = DEFAULT_SETTINGS) {
  const match = /^#sweep(?:\?(.*))?$/.exec(hash);
  if (!match) return null;
  const q = new URLSearchParams(match[1] ?? "");
  const s = { ...base, fencing: [...base.fencing] };
  if (q.has("preset")) s.preset = q.get("preset");
  if (q.has("parameter")) {
    s.parameter = q.get("parameter");
    Object.assign(s, DEFAULT_RANGES[s.parameter] ?? {});
  }
  if (q.has("values")) {
    s.mode = "list";
    s.list = q.get("values").split(",").filter(Boolean).join(", ");
  } else if (q.has("from") || q.has("to") || q.has("steps")) {
    s.mode = "range";
    for (const key of ["from", "to", "steps"]) if (q.has(key)) s[key] = Number(q.get(key));
    s.spacing = q.get("spacing") === "log" ? "log" : "linear";
  }
  if (q.has("seeds")) s.seeds = q.get("seeds").split(",").filter(Boolean).join(", ");
  if (q.has("fencing")) s.fencing = q.get("fencing").split(",").filter(Boolean);
  return { settings: s, run: q.get("run") === "1" };
}

/**
 * Aggregates per (value, fencing mode) in the order each pair first appears, exactly as
 * `Simulation.sweep` computes them (sums in row order ÷ runs), so streamed rows give the same
 * numbers.
 */
export function aggregate(rows) {
  const groups = [];
  const index = new Map();
  for (const row of rows) {
    const key = `${row.value}|${row.fencing}`;
    let g = index.get(key);
    if (!g) {
      g = { value: row.value, fencing: row.fencing, rows: [] };
      index.set(key, g);
      groups.push(g);
    }
    g.rows.push(row);
  }
  return groups.map(({ value, fencing, rows: members }) => {
    const n = members.length;
    let throughput = 0;
    let p99 = 0;
    let p99Max = 0;
    let lost = 0;
    let lostRuns = 0;
    let rejected = 0;
    let ops = 0;
    for (const r of members) {
      throughput += r.throughput;
      p99 += r.waitP99Ms;
      p99Max = Math.max(p99Max, r.waitP99Ms);
      lost += r.lostUpdates;
      if (r.lostUpdates > 0) lostRuns += 1;
      rejected += r.rejectedWrites;
      ops += r.completedOps;
    }
    return {
      value,
      fencing,
      runs: n,
      throughputMean: throughput / n,
      waitP99MeanMs: p99 / n,
      waitP99MaxMs: p99Max,
      lostUpdates: lost,
      runsWithLostUpdates: lostRuns,
      rejectedWrites: rejected,
      rejectedWritesMean: rejected / n,
      completedOpsMean: ops / n,
    };
  });
}

function csvCell(value) {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV, one line per run, with the preset and parameter in every line. */
export function toCsv(rows, { preset, parameter }) {
  const lines = [["preset", "parameter", ...ROW_FIELDS].join(",")];
  for (const row of rows) lines.push([preset, parameter, ...ROW_FIELDS.map((f) => row[f])].map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}

/** The sweep as one JSON document: what was asked, every row and the aggregates. */
export function toJson({ preset, options, rows, total, complete, link }) {
  return `${JSON.stringify(
    {
      format: "ringlease.sweep",
      version: 1,
      preset,
      parameter: options.parameter,
      values: options.values,
      seeds: options.seeds,
      fencing: options.fencing,
      link,
      runs: total,
      complete,
      rows,
      aggregates: aggregate(rows),
    },
    null,
    2,
  )}\n`;
}

/**
 * The Locks view's link for one run: `#locks?preset=<p>&seed=<s>&fencing=<f>&<parameter>=<value>`,
 * plus any other key in which the run's config differs from the preset's (a swept `pauseMaxMs`
 * may lower `pauseMinMs`; a swept `renewPercent` turns `renewal` on).
 */
export function replayHash({ preset, parameter, run, presetConfig }) {
  const q = new URLSearchParams();
  q.set("preset", preset);
  q.set("seed", String(run.seed));
  q.set("fencing", run.fencing);
  q.set(parameter, String(run.value));
  if (run.config && presetConfig) {
    for (const [key, value] of Object.entries(run.config)) {
      if (key === "seed" || key === "fencing" || key === parameter) continue;
      if (JSON.stringify(value) !== JSON.stringify(presetConfig[key])) q.set(key, String(value));
    }
  }
  return `#locks?${q.toString()}`;
}
