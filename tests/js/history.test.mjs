// checkHistory and Simulation.prototype.history, against the RELEASE build in pkg/: every
// preset's run exported as a history (through JSON, as a file would carry it) and checked again
// gives the simulation's own verdict and coverage; a stale write accepted is flagged (negative
// control); bad input throws a TypeError or RangeError naming the record and the field (never a
// trap), and checkHistory keeps working afterwards.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkHistory, Simulation } from "../../pkg/sim/index.js";
import { expectThrow } from "./helpers.mjs";

const HISTORY_KINDS = ["lostUpdate", "doubleGrant", "tokenOrder", "staleWrite", "beliefOverlap"];
const M = "checkHistory";

/** The simulation's figures in the shape checkHistory gives them. */
function simFigures(sim) {
  const counts = sim.counts();
  return {
    counts: Object.fromEntries(HISTORY_KINDS.map((k) => [k, counts[k]])),
    violations: sim
      .violations()
      .filter((v) => HISTORY_KINDS.includes(v.kind))
      .map((v) => [v.kind, v.atMs, v.client, v.other, `r${v.resource}`, v.token, v.value, v.record, v.otherRecord]),
    coverage: sim.coverage(),
  };
}

function historyFigures(verdict) {
  return {
    counts: verdict.counts,
    violations: verdict.violations.map((v) => [v.kind, v.atMs, v.process, v.other, v.resource, v.token, v.value, v.record, v.otherRecord]),
    coverage: verdict.coverage,
  };
}

describe("checkHistory: simulated runs", () => {
  test("every preset, fenced and not, exported and checked again agrees with the simulation", () => {
    for (const preset of Simulation.presets()) {
      for (const fencing of ["maxToken", "off"]) {
        const sim = new Simulation({ preset, fencing });
        const report = sim.run();
        const doc = JSON.parse(JSON.stringify(sim.history()));
        assert.equal(doc.version, 1);
        assert.equal(doc.timeOriginMs, 0);
        const verdict = checkHistory(doc);
        assert.deepEqual(historyFigures(verdict), simFigures(sim), `${preset} ${fencing}`);
        assert.deepEqual(verdict.coverage, report.coverage);
        assert.equal(verdict.records, doc.records.length);
        assert.equal(
          verdict.ok,
          HISTORY_KINDS.every((k) => report.counts[k] === 0),
        );
        sim.free();
      }
    }
  });

  test("unfenced gcPause loses updates, and the violations point at the writes", () => {
    const sim = new Simulation({ preset: "gcPause", fencing: "off" });
    sim.run();
    const doc = sim.history();
    const verdict = checkHistory(doc);
    assert.ok(verdict.counts.lostUpdate > 0);
    assert.equal(verdict.ok, false);
    assert.ok(verdict.coverage.longPauses > 0);
    for (const v of verdict.violations.filter((x) => x.kind === "lostUpdate")) {
      const lost = doc.records[v.record];
      assert.equal(lost.op, "write");
      assert.equal(lost.writeId, v.value);
      if (v.otherRecord !== null) assert.equal(doc.records[v.otherRecord].op, "write");
    }
    sim.free();
  });

  test("history() mid-run covers the run so far", () => {
    const sim = new Simulation({ preset: "flashSale" });
    sim.step(2_000);
    const verdict = checkHistory(sim.history());
    assert.ok(verdict.records > 0);
    assert.deepEqual(verdict.coverage, sim.coverage());
    sim.free();
  });
});

const rec = (type, process, op, timeMs, more = {}) => ({ type, process, op, resource: "stock", timeMs, ...more });

describe("checkHistory: recorded histories", () => {
  test("an expired holder's write applied: coverage, or a stale write where strict fencing is claimed", () => {
    const server = { source: "server" };
    const records = [
      rec("invoke", 1, "acquire", 0, { ttlMs: 100 }),
      rec("info", 1, "acquire", 1, { ...server, token: 1, expiresAtMs: 101 }),
      rec("ok", 1, "acquire", 2, { token: 1 }),
      { type: "info", process: 1, op: "pause", timeMs: 3, durationMs: 500 },
      rec("info", 1, "expire", 101, { ...server, token: 1 }),
      rec("invoke", 2, "acquire", 110, { ttlMs: 100 }),
      rec("info", 2, "acquire", 111, { ...server, token: 2, expiresAtMs: 211 }),
      rec("ok", 2, "acquire", 112, { token: 2 }),
      rec("invoke", 1, "write", 503, { token: 1, value: 9, basedOn: 0, writeId: 11 }),
      rec("ok", 1, "write", 504, { ...server, token: 1, value: 9, writeId: 11, basedOn: 0 }),
      rec("ok", 1, "write", 505, { writeId: 11 }),
    ];
    const coverage = {
      lateWrites: 1,
      expiredWritesApplied: 1,
      longPauses: 1,
      grantsWhileBelieved: 1,
      expiriesWhilePaused: 1,
      writesRefused: 0,
      readsRefused: 0,
      renewalsRefused: 0,
    };
    for (const fencing of [undefined, "maxToken", "off"]) {
      const verdict = checkHistory({ fencing, records });
      assert.equal(verdict.ok, true, fencing);
      assert.equal(verdict.counts.staleWrite, 0);
      assert.deepEqual(verdict.coverage, coverage);
      assert.deepEqual(verdict.unknown, ["lostUpdate"]);
    }
    const verdict = checkHistory({ fencing: "strict", records });
    assert.equal(verdict.ok, false);
    assert.equal(verdict.counts.staleWrite, 1);
    const [stale] = verdict.violations;
    assert.deepEqual([stale.kind, stale.process, stale.resource, stale.record, stale.otherRecord], ["staleWrite", 1, "stock", 9, 6]);
    assert.deepEqual(verdict.coverage, coverage);
  });

  test("negative control: the store applying a lower token after a higher one is a stale write", () => {
    const write = (p, token, writeId, t) => rec("ok", p, "write", t, { source: "server", token, writeId, basedOn: 0, value: 9 });
    const verdict = checkHistory({ records: [write(2, 7, 1, 10), write(1, 5, 2, 11), write(3, 8, 3, 12)] });
    assert.equal(verdict.counts.staleWrite, 1);
    const [stale] = verdict.violations;
    assert.deepEqual([stale.kind, stale.process, stale.token, stale.record, stale.otherRecord], ["staleWrite", 1, 5, 1, 0]);
    assert.equal(verdict.coverage.expiredWritesApplied, null, "without the lease server's view");
  });

  test("a lock-server crash: a server record with how long it was down", () => {
    const crash = { type: "info", source: "server", process: 2 ** 32 - 1, op: "crash", timeMs: 5, durationMs: 40 };
    const verdict = checkHistory({ records: [rec("invoke", 1, "acquire", 0), crash] });
    assert.equal(verdict.ok, true);
    assert.equal(verdict.processes, 1);
  });

  test("a client-only history: the server's view is unknown, not guessed", () => {
    const verdict = checkHistory({
      records: [
        rec("invoke", 1, "acquire", 0),
        rec("ok", 1, "acquire", 1, { token: 1 }),
        rec("invoke", 1, "read", 2, { token: 1 }),
        rec("ok", 1, "read", 3, { value: 5, writeId: 0 }),
      ],
    });
    assert.equal(verdict.ok, true);
    assert.deepEqual(verdict.unknown, ["doubleGrant", "tokenOrder", "staleWrite"]);
    assert.equal(verdict.coverage.lateWrites, null);
    assert.equal(verdict.coverage.grantsWhileBelieved, null);
    assert.deepEqual(verdict.resources, ["stock"]);
  });
});

describe("checkHistory: bad input", () => {
  const ok = { records: [rec("invoke", 1, "acquire", 0)] };
  const cases = [
    ["not an object", () => checkHistory(null), TypeError, /history must be a plain object/],
    ["an array", () => checkHistory([]), TypeError, /history must be a plain object/],
    ["no records", () => checkHistory({}), TypeError, /history\.records must be an array/],
    ["unknown top-level field", () => checkHistory({ records: [], extra: 1 }), TypeError, /history\.extra: unknown field/],
    ["bad version", () => checkHistory({ version: 2, records: [] }), RangeError, /history\.version must be 1/],
    ["bad time origin", () => checkHistory({ timeOriginMs: -1, records: [] }), RangeError, /history\.timeOriginMs must be an integer/],
    [
      "a record that is not an object",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", 0), 7] }),
      TypeError,
      /records\[1\] must be an object/,
    ],
    ["a hole", () => checkHistory({ records: [, rec("invoke", 1, "acquire", 0)] }), TypeError, /records\[0\] must be an object/],
    [
      "unknown record field",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", 0, { colour: "red" })] }),
      TypeError,
      /records\[0\]\.colour: unknown field/,
    ],
    [
      "a field of the wrong type",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", "0")] }),
      TypeError,
      /records\[0\]\.timeMs must be a number/,
    ],
    [
      // Read as U+FFFD, "r\uD800" and "r\uDBFF" would be one resource.
      "a resource with a lone surrogate",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", 0, { resource: "r\uD800" })] }),
      RangeError,
      /records\[0\]\.resource must be well-formed UTF-16/,
    ],
    ["unknown op", () => checkHistory({ records: [rec("invoke", 1, "lock", 0)] }), TypeError, /records\[0\]\.op: unknown operation "lock"/],
    [
      "bad fencing",
      () => checkHistory({ fencing: "on", records: [] }),
      TypeError,
      /history\.fencing must be "off", "maxToken" or "strict", got "on"/,
    ],
    [
      "a crash from a client",
      () => checkHistory({ records: [{ type: "info", process: 1, op: "crash", timeMs: 0, durationMs: 5 }] }),
      TypeError,
      /records\[0\]\.op: crash is a server record/,
    ],
    [
      "a crash without its duration",
      () => checkHistory({ records: [{ type: "info", source: "server", process: 1, op: "crash", timeMs: 0 }] }),
      TypeError,
      /records\[0\]\.durationMs: is required on server info crash/,
    ],
    [
      "a missing field",
      () => checkHistory({ records: [{ type: "invoke", op: "acquire", resource: "x", timeMs: 0 }] }),
      TypeError,
      /records\[0\]\.process: is required/,
    ],
    [
      "a fractional time",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", 0.5)] }),
      RangeError,
      /records\[0\]\.timeMs: must be an integer/,
    ],
    [
      "time going backwards",
      () => checkHistory({ records: [rec("invoke", 1, "acquire", 5), rec("ok", 1, "acquire", 4, { token: 1 })] }),
      RangeError,
      /records\[1\]\.timeMs: goes backwards within process 1/,
    ],
    [
      "an ok without its invoke",
      () => checkHistory({ records: [rec("ok", 3, "write", 4)] }),
      TypeError,
      /records\[0\]\.type: ok write without its invoke by process 3/,
    ],
    [
      "a long resource name",
      () => checkHistory({ records: [{ ...rec("invoke", 1, "acquire", 0), resource: "x".repeat(300) }] }),
      RangeError,
      /records\[0\]\.resource: is longer than 256/,
    ],
    [
      "a huge sparse array",
      () => {
        const records = [];
        records.length = 2 ** 31;
        return checkHistory({ records });
      },
      RangeError,
      /at most 2000000 records/,
    ],
  ];
  for (const [what, fn, cls, re] of cases) {
    test(what, () => {
      expectThrow(fn, cls, { method: M, also: [re], what });
      assert.equal(checkHistory(ok).records, 1, "still works");
    });
  }

  test("a getter that throws: the error comes through, and nothing traps", () => {
    const hostile = {
      get records() {
        throw new Error("boom");
      },
    };
    assert.throws(
      () => checkHistory(hostile),
      (e) => !(e instanceof WebAssembly.RuntimeError),
    );
    const record = rec("invoke", 1, "acquire", 0);
    Object.defineProperty(record, "op", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    assert.throws(
      () => checkHistory({ records: [record] }),
      (e) => !(e instanceof WebAssembly.RuntimeError),
    );
    assert.equal(checkHistory(ok).records, 1);
  });
});
