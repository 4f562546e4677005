// Hostile and extreme inputs against LeaseTable, FencedStore and Simulation on the RELEASE build
// in pkg/, in Node and (through tests/page/js-suites.test.mjs) in headless Chromium. Each case
// must give a correct result or a clear TypeError/RangeError, and after each one the canary
// checks that the wasm instance still works. Cost cases are bounded in wasm memory growth or in
// queue events, never in wall time.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as mod from "../../pkg/sim/index.js";
import { assertInstanceAlive } from "./canary.mjs";
import { expectThrow, wasm } from "./helpers.mjs";

const { FencedStore, LeaseTable, Simulation } = mod;
const T = (ttlMs, nowMs, more = {}) => ({ ttlMs, nowMs, ...more });
const MiB = 1 << 20;
/** Bytes of wasm memory now (it never shrinks, so a difference is growth). */
const memory = () => wasm.memory.buffer.byteLength;

afterEach(() => assertInstanceAlive(mod));

// First in the file, while the instance's memory is small, so growth shows.
describe("cost: memory stays bounded", () => {
  test("a strict write while an expiry is due does not copy the table (20,000 leases)", () => {
    const locks = new LeaseTable();
    for (let i = 0; i < 20_000; i++) locks.acquire(`r${i}`, "a", T(1_000_000, 0));
    locks.acquire("file", "a", T(100, 0));
    locks.acquire("file", "b", T(100, 1, { wait: 10_000 }));
    const store = new FencedStore({ strict: locks });
    const next = locks.lastToken + 1; // b's token, granted at 100 when a expires
    const before = memory();
    for (let i = 0; i < 1000; i++) {
      assert.deepEqual(store.write("file", i, next, 150), { accepted: true, version: i + 1 });
    }
    // Before: every write cloned the whole table (8.2 ms each); the first clone grew memory.
    assert.ok(memory() - before <= 1 * MiB, `grew ${(memory() - before) / MiB} MiB`);
    store.free();
    locks.free();
  });

  test("renewing one lease 50,000 times costs O(1) memory", () => {
    const t = new LeaseTable();
    const { token } = t.acquire("db", "a", T(3_600_000, 0));
    const before = memory();
    for (let now = 1; now <= 50_000; now++) t.renew("db", "a", token, T(3_600_000, now));
    // Before: a stale timer entry per renewal, kept until its time (+12.4 MB for 200,000).
    assert.ok(memory() - before <= 1 * MiB, `grew ${(memory() - before) / MiB} MiB`);
    assert.equal(t.holder("db", 3_650_000), undefined, "still expires on time");
    t.free();
  });

  test("events are bounded between ticks: maxEvents, the eventsDropped marker, and maxEvents: 0", () => {
    const t = new LeaseTable({ maxEvents: 1000 });
    const before = memory();
    for (let i = 0; i < 50_000; i++) {
      const { token } = t.acquire("r", "a", T(10, i));
      t.release("r", "a", token, i);
    }
    // Before: all kept (+64.6 MB for 200,000 cycles), then one tick returned every event.
    assert.ok(memory() - before <= 1 * MiB, `grew ${(memory() - before) / MiB} MiB`);
    const events = t.tick(50_000);
    assert.equal(events.length, 1001);
    assert.deepEqual(events[0], { type: "eventsDropped", count: 99_000, atMs: 49_499 });
    assert.deepEqual(events[1], {
      type: "granted",
      resource: "r",
      owner: "a",
      token: 49_501,
      grantedAtMs: 49_500,
      expiresAtMs: 49_510,
      atMs: 49_500,
    });
    assert.deepEqual(t.tick(50_000), []);
    t.free();

    const off = new LeaseTable({ maxEvents: 0 });
    const { token } = off.acquire("r", "a", T(10, 0));
    off.release("r", "a", token, 1);
    assert.deepEqual(off.tick(5), [], "no events collected");
    off.free();
  });

  test("the default event buffer keeps the newest 100,000", () => {
    const t = new LeaseTable();
    for (let i = 0; i < 55_000; i++) {
      const { token } = t.acquire("r", "a", T(10, i));
      t.release("r", "a", token, i);
    }
    const events = t.tick(55_000);
    assert.equal(events.length, 100_001);
    assert.equal(events[0].type, "eventsDropped");
    assert.equal(events[0].count, 10_000);
    t.free();
  });

  test("remembered request ids are capped (maxRequestIds), oldest forgotten first", () => {
    const t = new LeaseTable({ maxRequestIds: 1000 });
    const before = memory();
    const tokens = [];
    for (let i = 0; i < 50_000; i++) {
      const { token } = t.acquire("r", "a", T(10, i, { requestId: `req-${i}` }));
      t.release("r", "a", token, i);
      tokens.push(token);
    }
    // Before: every id kept until it aged out (+22.6 MB for 200,000).
    assert.ok(memory() - before <= 1 * MiB, `grew ${(memory() - before) / MiB} MiB`);
    assert.deepEqual(t.acquire("r", "a", T(10, 50_000, { requestId: "req-49999" })), { status: "finished", token: tokens[49_999] });
    assert.equal(t.acquire("r", "a", T(10, 50_000, { requestId: "req-48999" })).status, "granted", "forgotten: acquires anew");
    t.free();
  });

  test("FIFO: 40,000 waiters join at the back and keep their places", () => {
    const t = new LeaseTable();
    t.acquire("r", "holder", T(3_600_000, 0));
    for (let i = 0; i < 40_000; i++) {
      assert.equal(t.acquire("r", `w${i}`, T(1000, 1, { wait: 3_600_000 })).position, i + 1);
    }
    assert.deepEqual(t.acquire("r", "w20000", T(1000, 2, { wait: 3_600_000 })), { status: "queued", position: 20_001 });
    assert.equal(t.cancel("r", "w0", 3).position, 1);
    assert.equal(t.waiters("r")[0], "w1");
    t.free();
  });
});

describe("semantics: strict fencing, restarts, merged retries", () => {
  test("strict fencing is bound to the resource guarding the key", () => {
    const locks = new LeaseTable();
    const a = locks.acquire("A", "x", T(1000, 0));
    const b = locks.acquire("B", "y", T(1000, 0));
    const store = new FencedStore({ strict: locks });
    // Before: the live token of lock A was accepted for key B.
    assert.deepEqual(store.write("B", 1, a.token, 10), { accepted: false, reason: "notLive" });
    assert.deepEqual(store.write("B", 1, b.token, 10), { accepted: true, version: 1 });
    const mapped = new FencedStore({ strict: locks, guards: { "sku:1": "A" } });
    assert.deepEqual(mapped.write("sku:1", 1, a.token, 10), { accepted: true, version: 1 });
    assert.deepEqual(mapped.write("sku:1", 1, b.token, 10), { accepted: false, reason: "notLive" });
  });

  test("a leader's token is refused for ordinary keys, accepted for a key its election guards", () => {
    const locks = new LeaseTable();
    const lead = locks.campaign("log", "broker", T(1000, 0));
    const store = new FencedStore({ strict: locks });
    // Before: a leader token was accepted for any key.
    assert.deepEqual(store.write("log", "x", lead.token, 10), { accepted: false, reason: "notLive" });
    assert.deepEqual(store.write("other", "x", lead.token, 10), { accepted: false, reason: "notLive" });
    const guarded = new FencedStore({ strict: locks, guards: { log: { election: "log" } } });
    assert.deepEqual(guarded.write("log", "x", lead.token, 10), { accepted: true, version: 1 });
    assert.deepEqual(guarded.write("log", "y", lead.token, 1000), { accepted: false, reason: "notLive" }, "lapsed at 1000");
  });

  test("tokenFloor keeps tokens increasing across a restart", () => {
    const before = new LeaseTable();
    let zombie;
    for (let i = 0; i < 5; i++) zombie = before.acquire("r", "a", T(10, i * 10)).token;
    const saved = before.lastToken;
    before.free();
    // Before: a new table issued 1 again, equal to an old holder's token.
    const after = new LeaseTable({ tokenFloor: saved });
    const fresh = after.acquire("r", "b", T(10, 0));
    assert.equal(fresh.token, saved + 1);
    const store = new FencedStore();
    store.write("r", "new", fresh.token, 0);
    assert.equal(store.write("r", "zombie", zombie, 0).accepted, false);
    assert.equal(new LeaseTable({ tokenFloor: 2 ** 52 }).acquire("r", "a", T(10, 0)).token, 2 ** 52 + 1, "still below 2^53");
  });

  test("a retry under r2, merged into r1's wait, gets r1's grant and token", () => {
    const t = new LeaseTable();
    const alice = t.acquire("db", "alice", T(100, 0));
    assert.deepEqual(t.acquire("db", "bob", T(1000, 10, { wait: 5000, requestId: "r1" })), { status: "queued", position: 1 });
    assert.deepEqual(t.acquire("db", "bob", T(1000, 20, { wait: 5000, requestId: "r2" })), { status: "queued", position: 1 });
    const { next } = t.release("db", "alice", alice.token, 30);
    assert.equal(next.requestId, "r1");
    // Before: { status: "busy", holder: "bob" }.
    assert.deepEqual(t.acquire("db", "bob", T(1000, 40, { wait: 5000, requestId: "r2" })), {
      status: "granted",
      token: next.token,
      expiresAtMs: next.expiresAtMs,
    });
    t.release("db", "bob", next.token, 50);
    assert.deepEqual(t.acquire("db", "bob", T(1000, 60, { requestId: "r2" })), { status: "finished", token: next.token });
  });
});

describe("bad limits and guards throw, naming the parameter", () => {
  const badLimits = [
    [{ maxEvents: -1 }, RangeError, /options\.maxEvents/],
    [{ maxEvents: 2 ** 24 + 1 }, RangeError, /options\.maxEvents/],
    [{ maxEvents: 1.5 }, RangeError, /options\.maxEvents/],
    [{ maxEvents: "10" }, TypeError, /options\.maxEvents/],
    [{ maxRequestIds: 2 ** 53 }, RangeError, /options\.maxRequestIds/],
    [{ maxRequestIds: NaN }, RangeError, /options\.maxRequestIds/],
    [{ tokenFloor: 2 ** 52 + 1 }, RangeError, /tokenFloor/],
    [{ tokenFloor: -0.5 }, RangeError, /options\.tokenFloor/],
    [{ tokenFloor: 10n }, TypeError, /options\.tokenFloor/],
  ];
  for (const [options, cls, param] of badLimits) {
    test(`new LeaseTable(${JSON.stringify(options, (_, v) => (typeof v === "bigint" ? `${v}n` : v))})`, () => {
      expectThrow(() => new LeaseTable(options), cls, { method: "new LeaseTable", param });
    });
  }

  const locks = new LeaseTable();
  const badGuards = [
    [{ strict: locks, guards: 5 }, TypeError, /options\.guards/],
    [{ strict: locks, guards: [] }, TypeError, /options\.guards/],
    [{ strict: locks, guards: { k: 5 } }, TypeError, /options\.guards\["k"\]/],
    [{ strict: locks, guards: { k: "" } }, RangeError, /guards/],
    [{ strict: locks, guards: { k: "x".repeat(257) } }, RangeError, /guards/],
    [{ strict: locks, guards: { "": "r" } }, RangeError, /key/],
    [{ strict: locks, guards: { k: { election: "" } } }, RangeError, /guards/],
    [{ strict: locks, guards: { k: { lock: "r" } } }, TypeError, /options\.guards\["k"\]/],
    [{ strict: locks, guards: { k: { election: 1 } } }, TypeError, /options\.guards\["k"\]\.election/],
    [{ strict: locks, guards: { [Symbol("s")]: "r" } }, TypeError, /options\.guards/],
    [{ guards: { k: "r" } }, TypeError, /options\.guards needs options\.strict/],
  ];
  for (const [i, [options, cls, param]] of badGuards.entries()) {
    test(`new FencedStore, bad guards #${i} (${param}) → ${cls.name}`, () => {
      expectThrow(() => new FencedStore(options), cls, { method: "new FencedStore", param });
    });
  }
});

describe("the simulation always finishes", () => {
  test("zero think time (orderQueue): step(16) returns after a bounded number of events", () => {
    const sim = new Simulation({ preset: "orderQueue", thinkMinMs: 0, thinkMaxMs: 0 });
    // Before: this call never returned.
    const ev = sim.step(16);
    assert.ok(ev.length > 0);
    const events = sim.metrics().events;
    assert.ok(events <= 20_000, `${events} queue events in one step`);
    assert.ok(sim.nowMs <= 16);
    assert.equal(sim.done, false);
    sim.free();
  });

  test("zero latency, think and work: time stands still, but each step returns", () => {
    const sim = new Simulation({ thinkMinMs: 0, thinkMaxMs: 0, workMinMs: 0, workMaxMs: 0, latencyMinMs: 0, latencyMaxMs: 0 });
    for (let i = 1; i <= 3; i++) {
      sim.step(16);
      assert.equal(sim.metrics().events, i * 20_000);
      assert.equal(sim.nowMs, 0);
    }
    assert.equal(sim.done, false);
    sim.free();
  });

  test("zero think time (orderQueue): run() stops at the event cap and says so", () => {
    const sim = new Simulation({ preset: "orderQueue", thinkMinMs: 0, thinkMaxMs: 0 });
    const report = sim.run();
    assert.equal(report.stoppedAtCap, true);
    assert.equal(report.metrics.events, 2_000_000);
    assert.equal(sim.done, true);
    assert.equal(sim.stoppedAtCap, true);
    assert.ok(sim.nowMs < sim.config().durationMs);
    assert.equal(sim.step(1e9).length, 0, "stopped: stepping does nothing more");
    sim.free();
  });

  test("a preset run does not reach the cap", () => {
    const report = new Simulation({ preset: "orderQueue" }).run();
    assert.equal(report.stoppedAtCap, false);
    assert.ok(report.metrics.events < 100_000);
  });
});

describe("checkHistory reads a caller's records only through catching calls", () => {
  const { checkHistory } = mod;
  const base = { type: "invoke", process: 0, op: "acquire", resource: "r", timeMs: 0, ttlMs: 10 };
  /** Records whose reading runs the caller's code, which throws. */
  const throwing = () => {
    const getter = { ...base };
    Object.defineProperty(getter, "token", {
      enumerable: true,
      get: () => {
        throw new Error("getter");
      },
    });
    const trap = new Proxy(
      { ...base },
      {
        ownKeys: () => {
          throw new Error("ownKeys");
        },
      },
    );
    const read = new Proxy(
      { ...base },
      {
        get: () => {
          throw new Error("get");
        },
      },
    );
    const revocable = Proxy.revocable({ ...base }, {});
    revocable.revoke();
    return [getter, trap, read, revocable.proxy];
  };

  test("each throw reaches the caller as an error, 20,000 times, and the instance lives", () => {
    const records = throwing();
    for (let i = 0; i < 20_000; i++) {
      const record = records[i % records.length];
      assert.throws(() => checkHistory({ records: [base, record] }), Error);
    }
    const verdict = checkHistory({ records: [base] });
    assert.equal(typeof verdict, "object");
  });

  test("an inherited getter on Object.prototype is never read", () => {
    Object.defineProperty(Object.prototype, "token", {
      configurable: true,
      get: () => {
        throw new Error("inherited");
      },
    });
    try {
      assert.equal(typeof checkHistory({ records: [{ ...base }] }), "object");
    } finally {
      delete Object.prototype.token;
    }
  });
});
