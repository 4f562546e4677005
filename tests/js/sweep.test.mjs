// Parameter sweeps from JavaScript, against the RELEASE build in pkg/:
// Simulation.sweep's shape and order; the Worker's way (Simulation.sweepRuns, a Simulation per
// run, sim.sweepRow — the very loop of www/sweep/sweep-runner.js) gives identical rows; the page's
// aggregates of streamed rows equal the library's; every bad input throws the right class
// (never a WebAssembly.RuntimeError) with a message that names the option.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Simulation } from "../../pkg/sim/index.js";
import {
  aggregate,
  DEFAULT_SETTINGS,
  parseSweepHash,
  rangeValues,
  replayHash,
  sweepArguments,
  sweepHash,
  toCsv,
} from "../../www/sweep/sweep-model.js";
import { sweepRows } from "../../www/sweep/sweep-runner.js";
import { expectThrow } from "./helpers.mjs";

const GC = { preset: "gcPause" };
const SMALL = { parameter: "ttlMs", values: [60, 150, 400], seeds: 4 };
const ROW_KEYS = ["value", "fencing", "seed", "throughput", "waitP99Ms", "lostUpdates", "rejectedWrites", "completedOps", "digest"];

/** The Worker's loop, as the page runs it. */
function workerRows(config, options) {
  const runs = Simulation.sweepRuns(config, options);
  const rows = [];
  for (const { index, row } of sweepRows(Simulation, runs)) {
    assert.equal(index, rows.length, "rows come in run order");
    rows.push(row);
  }
  return rows;
}

describe("Simulation.sweep", () => {
  const result = Simulation.sweep(GC, SMALL);

  test("lists the parameters with labels, units and ranges", () => {
    const params = Simulation.sweepParameters();
    assert.deepEqual(
      params.map((p) => p.name),
      ["ttlMs", "pausePpm", "pauseMaxMs", "driftMaxPpm", "clients", "renewPercent"],
    );
    assert.deepEqual(params[0], { name: "ttlMs", label: "Lease TTL", unit: "ms", min: 1, max: 60000 });
    assert.deepEqual(
      params.find((p) => p.name === "clients"),
      { name: "clients", label: "Clients", unit: "clients", min: 1, max: 1000 },
    );
  });

  test("a row per run, value-major, then fencing (default all three), then seed", () => {
    assert.equal(result.parameter, "ttlMs");
    assert.deepEqual(result.values, [60, 150, 400]);
    assert.deepEqual(result.fencing, ["off", "maxToken", "strict"]);
    assert.deepEqual(result.seeds, [1, 2, 3, 4]);
    assert.equal(result.runs, 36);
    assert.equal(result.rows.length, 36);
    let i = 0;
    for (const value of [60, 150, 400]) {
      for (const fencing of ["off", "maxToken", "strict"]) {
        for (const seed of [1, 2, 3, 4]) {
          const row = result.rows[i++];
          assert.deepEqual(Object.keys(row), ROW_KEYS);
          assert.deepEqual([row.value, row.fencing, row.seed], [value, fencing, seed]);
          assert.match(row.digest, /^[0-9a-f]{40}$/);
          for (const key of ["waitP99Ms", "lostUpdates", "rejectedWrites", "completedOps"])
            assert.ok(Number.isSafeInteger(row[key]) && row[key] >= 0, key);
          assert.ok(row.throughput > 0);
        }
      }
    }
    // A short TTL under gcPause's long pauses: fencing off loses updates, fencing never does.
    const lost = (fencing) => result.aggregates.find((a) => a.value === 60 && a.fencing === fencing).lostUpdates;
    assert.ok(lost("off") > 0, `fencing off loses updates at ttlMs 60 (${lost("off")})`);
    assert.equal(lost("maxToken"), 0);
    assert.equal(lost("strict"), 0);
  });

  test("each row is its run: new Simulation(run.config).run() gives the same numbers and digest", () => {
    const runs = Simulation.sweepRuns(GC, SMALL);
    assert.equal(runs.length, 36);
    const base = Simulation.preset("gcPause");
    for (const run of [runs[0], runs[17], runs[35]]) {
      assert.deepEqual(run.config, { ...base, ttlMs: run.value, seed: run.seed, fencing: run.fencing });
      assert.equal(run.parameter, "ttlMs");
      const sim = new Simulation(run.config);
      const report = sim.run();
      const row = result.rows[run.index];
      assert.equal(row.digest, report.digest);
      assert.equal(row.completedOps, report.metrics.completedOps);
      assert.equal(row.waitP99Ms, report.metrics.waitP99Ms);
      assert.equal(row.rejectedWrites, report.metrics.rejectedWrites);
      assert.equal(row.lostUpdates, report.counts.lostUpdate);
      assert.equal(row.throughput, (report.metrics.completedOps * 1000) / report.metrics.elapsedMs);
      sim.free();
    }
  });

  test("the Worker's run-by-run rows equal Simulation.sweep's rows", () => {
    assert.deepEqual(workerRows(GC, SMALL), result.rows);
    // Another preset, parameter, explicit seeds and a subset of modes.
    const options = { parameter: "pauseMaxMs", values: [50, 700], seeds: [11, 3], fencing: ["strict", "off"] };
    const sweep = Simulation.sweep({ preset: "flashSale" }, options);
    assert.deepEqual(
      sweep.rows.map((r) => [r.value, r.fencing, r.seed]),
      [
        [50, "strict", 11],
        [50, "strict", 3],
        [50, "off", 11],
        [50, "off", 3],
        [700, "strict", 11],
        [700, "strict", 3],
        [700, "off", 11],
        [700, "off", 3],
      ],
    );
    assert.deepEqual(workerRows({ preset: "flashSale" }, options), sweep.rows);
  });

  test("the page's aggregates of the rows equal the library's, number for number", () => {
    assert.deepEqual(aggregate(result.rows), result.aggregates);
    assert.equal(result.aggregates.length, 9);
    const a = result.aggregates[0];
    assert.deepEqual(Object.keys(a), [
      "value",
      "fencing",
      "runs",
      "throughputMean",
      "waitP99MeanMs",
      "waitP99MaxMs",
      "lostUpdates",
      "runsWithLostUpdates",
      "rejectedWrites",
      "rejectedWritesMean",
      "completedOpsMean",
    ]);
    assert.equal(a.runs, 4);
    const group = result.rows.slice(0, 4);
    assert.equal(
      a.lostUpdates,
      group.reduce((s, r) => s + r.lostUpdates, 0),
    );
    assert.equal(a.waitP99MaxMs, Math.max(...group.map((r) => r.waitP99Ms)));
  });

  test("is deterministic, and the config's own seed and fencing do not matter", () => {
    const again = Simulation.sweep({ preset: "gcPause", seed: 99, fencing: "strict" }, SMALL);
    assert.deepEqual(again, result);
  });

  test("companions: pauseMaxMs lowers pauseMinMs, renewPercent turns renewal on", () => {
    const [low] = Simulation.sweepRuns({ preset: "flashSale" }, { parameter: "pauseMaxMs", values: [40], seeds: 1, fencing: "off" });
    assert.equal(low.config.pauseMaxMs, 40);
    assert.equal(low.config.pauseMinMs, 40);
    const [renew] = Simulation.sweepRuns({ preset: "flashSale" }, { parameter: "renewPercent", values: [30], seeds: 1, fencing: "off" });
    assert.equal(renew.config.renewal, true);
    assert.equal(renew.config.renewPercent, 30);
    // The replay link carries the companions so that the contention view runs the same config.
    const hash = replayHash({ preset: "flashSale", parameter: "pauseMaxMs", run: low, presetConfig: Simulation.preset("flashSale") });
    assert.equal(hash, "#locks?preset=flashSale&seed=1&fencing=off&pauseMaxMs=40&pauseMinMs=40");
  });

  test("sim.sweepRow reads a finished simulation; an unfinished one is an Error", () => {
    const sim = new Simulation({ preset: "gcPause", ttlMs: 150, seed: 2, fencing: "maxToken" });
    expectThrow(() => sim.sweepRow("ttlMs"), Error, { method: "Simulation.sweepRow", also: [/not finished/, /run\(\)/] });
    sim.step(500);
    expectThrow(() => sim.sweepRow("ttlMs"), Error, { method: "Simulation.sweepRow", also: [/nowMs 500/] });
    sim.run();
    assert.deepEqual(
      sim.sweepRow("ttlMs"),
      result.rows.find((r) => r.value === 150 && r.fencing === "maxToken" && r.seed === 2),
    );
    assert.equal(sim.sweepRow("clients").value, 5);
    expectThrow(() => sim.sweepRow("seed"), RangeError, { method: "Simulation.sweepRow", param: /parameter must be one of ttlMs/ });
    expectThrow(() => sim.sweepRow(3), TypeError, { method: "Simulation.sweepRow", param: /parameter must be a string/ });
    expectThrow(() => sim.sweepRow(), TypeError, { method: "Simulation.sweepRow", param: /parameter/ });
    sim.free();
  });
});

describe("Simulation.sweep: bad inputs", () => {
  const S =
    (options, config = GC) =>
    () =>
      Simulation.sweep(config, options);
  const R =
    (options, config = GC) =>
    () =>
      Simulation.sweepRuns(config, options);
  const ok = { parameter: "ttlMs", values: [100], seeds: 1 };
  const cases = [
    // [what, options, class, param regexp, more]
    ["no options", undefined, TypeError, /options must be a plain object, got undefined/],
    ["options null", null, TypeError, /options must be a plain object, got null/],
    ["options an array", [], TypeError, /options must be a plain object, got an array/],
    ["unknown option", { ...ok, seed: 1 }, TypeError, /unknown option "seed" in options/],
    ["misspelt option", { parameter: "ttlMs", value: [100], seeds: 1 }, TypeError, /unknown option "value"/],
    ["no parameter", { values: [1], seeds: 1 }, TypeError, /options\.parameter must be a string, got undefined/],
    [
      "unknown parameter",
      { ...ok, parameter: "ttl" },
      RangeError,
      /options\.parameter must be one of ttlMs, pausePpm, pauseMaxMs, driftMaxPpm, clients, renewPercent, got "ttl"/,
    ],
    ["parameter not a string", { ...ok, parameter: 5 }, TypeError, /options\.parameter must be a string, got 5/],
    ["no values", { parameter: "ttlMs", seeds: 1 }, TypeError, /options\.values must be an array of integers, got undefined/],
    ["values not an array", { ...ok, values: "100" }, TypeError, /options\.values must be an array, got "100"/],
    ["empty values", { ...ok, values: [] }, RangeError, /options\.values must hold 1 to 100 values, got 0/],
    [
      "101 values",
      { ...ok, values: Array.from({ length: 101 }, (_, i) => i + 1) },
      RangeError,
      /options\.values must have at most 100 elements, got 101/,
    ],
    ["a fractional value", { ...ok, values: [100, 1.5] }, RangeError, /options\.values\[1\] must be a non-negative safe integer.*got 1\.5/],
    ["a negative value", { ...ok, values: [-1] }, RangeError, /options\.values\[0\] must be a non-negative safe integer/],
    ["a NaN value", { ...ok, values: [NaN] }, RangeError, /options\.values\[0\].*got NaN/],
    ["a string value", { ...ok, values: ["100"] }, TypeError, /options\.values\[0\] must be a number, got "100"/],
    [
      "a value out of range",
      { ...ok, values: [100, 60001] },
      RangeError,
      /options\.values\[1\] must be an integer in \[1, 60000\] for ttlMs, got 60001/,
    ],
    ["a zero TTL", { ...ok, values: [0] }, RangeError, /options\.values\[0\] must be an integer in \[1, 60000\] for ttlMs, got 0/],
    ["a duplicate value", { ...ok, values: [100, 200, 100] }, RangeError, /options\.values\[2\]: 100 is listed twice/],
    [
      "renewPercent 100",
      { ...ok, parameter: "renewPercent", values: [100] },
      RangeError,
      /options\.values\[0\] must be an integer in \[1, 99\] for renewPercent/,
    ],
    ["no seeds", { parameter: "ttlMs", values: [1] }, TypeError, /options\.seeds must be a count or an array of seeds, got undefined/],
    ["seeds 0", { ...ok, seeds: 0 }, RangeError, /options\.seeds must be an integer in 1\.\.=1000, got 0/],
    ["seeds 1001", { ...ok, seeds: 1001 }, RangeError, /options\.seeds must be an integer in 1\.\.=1000, got 1001/],
    ["seeds 2.5", { ...ok, seeds: 2.5 }, RangeError, /options\.seeds must be an integer in 1\.\.=1000, got 2\.5/],
    ["seeds a string", { ...ok, seeds: "20" }, TypeError, /options\.seeds must be a count or an array of seeds, got "20"/],
    ["empty seed list", { ...ok, seeds: [] }, RangeError, /options\.seeds must hold 1 to 1000 seeds, got 0/],
    ["a bad seed", { ...ok, seeds: [1, -2] }, RangeError, /options\.seeds\[1\] must be a non-negative safe integer/],
    ["a seed above 2^53-1", { ...ok, seeds: [2 ** 53] }, RangeError, /options\.seeds\[0\]/],
    ["a duplicate seed", { ...ok, seeds: [4, 2, 4] }, RangeError, /options\.seeds\[2\]: 4 is listed twice/],
    ["seeds a Map", { ...ok, seeds: new Map() }, TypeError, /options\.seeds must be an array, got an object/],
    ["unknown fencing", { ...ok, fencing: "on" }, RangeError, /options\.fencing must be one of "off", "maxToken", "strict", got "on"/],
    [
      "unknown fencing in a list",
      { ...ok, fencing: ["off", "max"] },
      RangeError,
      /options\.fencing\[1\] must be one of "off", "maxToken", "strict", got "max"/,
    ],
    ["fencing not a string", { ...ok, fencing: [true] }, TypeError, /options\.fencing\[0\] must be a string, got true/],
    ["no fencing", { ...ok, fencing: [] }, RangeError, /options\.fencing must name at least one mode/],
    ["duplicate fencing", { ...ok, fencing: ["off", "off"] }, RangeError, /options\.fencing\[1\]: "off" is listed twice/],
    [
      "four fencing modes",
      { ...ok, fencing: ["off", "maxToken", "strict", "off"] },
      RangeError,
      /options\.fencing must have at most 3 elements/,
    ],
    [
      "too many runs",
      { ...ok, values: Array.from({ length: 11 }, (_, i) => 100 + i), seeds: 1000 },
      RangeError,
      /at most 10000 runs, got 33000/,
    ],
  ];
  for (const [what, options, cls, param] of cases) {
    test(what, () => {
      expectThrow(S(options), cls, { method: "Simulation.sweep", param, what });
      expectThrow(R(options), cls, { method: "Simulation.sweepRuns", param, what });
    });
  }

  test("bad configs are refused as new Simulation refuses them", () => {
    expectThrow(S(ok, { preset: "nope" }), RangeError, { method: "Simulation.sweep", param: /config\.preset must be one of flashSale/ });
    expectThrow(S(ok, { ttl: 5 }), TypeError, { method: "Simulation.sweep", param: /unknown option "ttl" in config/ });
    expectThrow(S(ok, { clients: 0 }), RangeError, {
      method: "Simulation.sweep",
      param: /config\.clients must be an integer in \[1, 1000\], got 0/,
    });
    expectThrow(S(ok, "flashSale"), TypeError, { method: "Simulation.sweep", param: /config must be a plain object/ });
    // A value in range that makes the config invalid: 400 brokers × 4 partitions.
    expectThrow(S({ parameter: "clients", values: [3, 400], seeds: 1 }, { preset: "orderQueue" }), RangeError, {
      method: "Simulation.sweep",
      param: /options\.values\[1\] makes the config invalid: clients × resources must be at most 1000/,
    });
    // A config is optional: the defaults.
    assert.equal(Simulation.sweep(undefined, { ...ok, fencing: "off" }).rows.length, 1);
  });

  test("a throwing getter or Proxy is an error, not a trap; the library keeps working", () => {
    const evil = {
      parameter: "ttlMs",
      seeds: 1,
      get values() {
        throw new Error("boom");
      },
    };
    assert.throws(
      () => Simulation.sweep(GC, evil),
      (e) => !(e instanceof WebAssembly.RuntimeError) && /boom/.test(e.message),
    );
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new TypeError("no keys");
        },
      },
    );
    assert.throws(
      () => Simulation.sweep(GC, proxy),
      (e) => !(e instanceof WebAssembly.RuntimeError),
    );
    assert.equal(Simulation.sweep(GC, { ...ok, fencing: "off" }).rows.length, 1);
  });
});

describe("the page's sweep settings", () => {
  test("ranges expand to rounded, distinct values", () => {
    assert.deepEqual(rangeValues(100, 1000, 10), [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.deepEqual(rangeValues(100, 1600, 5, "log"), [100, 200, 400, 800, 1600]);
    assert.deepEqual(rangeValues(1, 3, 10), [1, 2, 3]);
    assert.deepEqual(rangeValues(7, 7, 4), [7]);
    assert.throws(() => rangeValues(0, 10, 3, "log"), RangeError);
  });

  test("the URL round-trips the settings; the brief's example link fills the form", () => {
    const parsed = parseSweepHash("#sweep?preset=flashSale&parameter=ttlMs&values=100,200,400&seeds=20");
    assert.equal(parsed.run, false);
    assert.deepEqual(sweepArguments(parsed.settings), [
      { preset: "flashSale" },
      { parameter: "ttlMs", values: [100, 200, 400], seeds: 20, fencing: ["off", "maxToken", "strict"] },
    ]);
    assert.equal(sweepHash(parsed.settings), "#sweep?preset=flashSale&parameter=ttlMs&values=100,200,400&seeds=20");
    const range = {
      ...DEFAULT_SETTINGS,
      preset: "gcPause",
      parameter: "pausePpm",
      from: 0,
      to: 1000,
      steps: 3,
      seeds: "3, 9",
      fencing: ["off", "strict"],
    };
    const hash = sweepHash(range, { run: true });
    assert.equal(hash, "#sweep?preset=gcPause&parameter=pausePpm&from=0&to=1000&steps=3&seeds=3,9&fencing=off,strict&run=1");
    const back = parseSweepHash(hash);
    assert.equal(back.run, true);
    assert.deepEqual(sweepArguments(back.settings), sweepArguments(range));
    assert.deepEqual(sweepArguments(back.settings)[1].seeds, [3, 9]);
    assert.equal(parseSweepHash("#locks?preset=flashSale"), null);
  });

  test("CSV: a header and one line per row", () => {
    const rows = Simulation.sweep(GC, { ...SMALL, values: [150], seeds: 2, fencing: "off" }).rows;
    const lines = toCsv(rows, { preset: "gcPause", parameter: "ttlMs" }).trimEnd().split("\n");
    assert.equal(lines[0], "preset,parameter,value,fencing,seed,throughput,waitP99Ms,lostUpdates,rejectedWrites,completedOps,digest");
    assert.equal(lines.length, 3);
    assert.equal(lines[1], ["gcPause", "ttlMs", ...ROW_KEYS.map((k) => rows[0][k])].join(","));
  });
});
