// LeaseTable's fast acquire and release (js/lease-fast.js) against the generated, checked
// methods they stand in for, on the RELEASE build of the lease entry (pkg/lease/): the same
// outcomes and the same errors for every call of a seeded mix of good and bad arguments, the
// caller's getters and Proxy traps run once and in the same order, re-entrant getters, and the
// intern table's cap.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lease from "../../pkg/lease/index.js";
import { unguardedMethod } from "../../pkg/lease/receivers.js";
import { prng } from "./helpers.mjs"; // also instantiates the lease entry's wasm

const { LeaseTable } = lease;
const checkedAcquire = unguardedMethod(LeaseTable, "acquire");
const checkedRelease = unguardedMethod(LeaseTable, "release");

/** The outcome of `f()`, or the class and message of what it threw. */
function outcome(f) {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: `${e?.constructor?.name}: ${e?.message}` };
  }
}

describe("LeaseTable fast path: the same answers as the checked methods", () => {
  test("a seeded mix of 20,000 calls, good and bad, gives the same outcomes and errors", () => {
    const next = prng(0xfa57);
    const pick = (xs) => xs[Math.floor(next() * xs.length)];
    const fast = new LeaseTable({ maxTtlMs: 10_000, lockDelayMs: 50 });
    const slow = new LeaseTable({ maxTtlMs: 10_000, lockDelayMs: 50 });
    const names = ["a", "b", "c", "é", "x".repeat(256), "", "x".repeat(257), "\ud800", 7];
    const owners = ["o1", "o2", "o3", "o4", "", "\udfff"];
    const ttls = [1, 100, 500, 10_000, 0, 10_001, -1, 1.5, NaN, "100", undefined];
    const waits = [undefined, undefined, true, false, 200, 0, 1e6, "x", null];
    const tokens = new Map(); // resource → last token granted there
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      if (r < 0.02)
        now = Math.max(0, now - 5); // time going backwards, sometimes
      else if (r < 0.5) now += Math.floor(next() * 40);
      const resource = pick(names);
      const owner = pick(owners);
      if (next() < 0.55) {
        const options = { ttlMs: pick(ttls), nowMs: next() < 0.01 ? -now : now };
        const wait = pick(waits);
        if (wait !== undefined) options.wait = wait;
        if (next() < 0.02) options.requestId = `q${i % 7}`;
        if (next() < 0.01) options.extra = 1;
        const a = outcome(() => fast.acquire(resource, owner, { ...options }));
        const b = outcome(() => checkedAcquire.call(slow, resource, owner, { ...options }));
        assert.deepEqual(a, b, `call ${i}: acquire(${String(resource).slice(0, 9)}, ${owner}, ${JSON.stringify(options)})`);
        if (a.value?.status === "granted") tokens.set(resource, a.value.token);
      } else {
        const token = next() < 0.8 ? (tokens.get(resource) ?? 1) : pick([0, -1, 2.5, "1", 2 ** 53]);
        const at = next() < 0.01 ? "5" : now;
        const a = outcome(() => fast.release(resource, owner, token, at));
        const b = outcome(() => checkedRelease.call(slow, resource, owner, token, at));
        assert.deepEqual(a, b, `call ${i}: release(${String(resource).slice(0, 9)}, ${owner}, ${token}, ${at})`);
      }
    }
    assert.equal(fast.lastToken, slow.lastToken);
    assert.deepEqual(fast.tick(now), slow.tick(now), "the same events, in the same order");
    fast.free();
    slow.free();
  });

  test("non-plain options, unknown keys and symbols throw the checked method's errors", () => {
    const fast = new LeaseTable();
    const slow = new LeaseTable();
    const cases = [
      [],
      new Map(),
      Object.create({ ttlMs: 1 }),
      { ttlMs: 1, nowMs: 0, [Symbol("s")]: 1 },
      { ttlMs: 1, nowMs: 0, wat: 1 },
      new Proxy(
        {},
        {
          getPrototypeOf: () => {
            throw new Error("no");
          },
        },
      ),
      null,
      undefined,
      42,
      () => {},
    ];
    for (const options of cases) {
      const a = outcome(() => fast.acquire("r", "o", options));
      const b = outcome(() => checkedAcquire.call(slow, "r", "o", options));
      assert.deepEqual(a, b, String(options));
      assert.ok(a.threw, "each case throws");
    }
    fast.free();
    slow.free();
  });

  test("getters and Proxy traps run once each, in the checked method's order", () => {
    const traced = (log) =>
      new Proxy(
        { ttlMs: 100, nowMs: 5, wait: 50 },
        {
          getPrototypeOf: (t) => {
            log.push("getPrototypeOf");
            return Reflect.getPrototypeOf(t);
          },
          ownKeys: (t) => {
            log.push("ownKeys");
            return Reflect.ownKeys(t);
          },
          get: (t, key) => {
            log.push(`get ${String(key)}`);
            return Reflect.get(t, key);
          },
        },
      );
    for (const holder of [false, true]) {
      const fast = new LeaseTable();
      const slow = new LeaseTable();
      if (holder) {
        fast.acquire("r", "other", { ttlMs: 100, nowMs: 0 });
        checkedAcquire.call(slow, "r", "other", { ttlMs: 100, nowMs: 0 });
      }
      const fastLog = [];
      const slowLog = [];
      const a = fast.acquire("r", "o", traced(fastLog));
      const b = checkedAcquire.call(slow, "r", "o", traced(slowLog));
      assert.deepEqual(a, b);
      assert.deepEqual(fastLog, slowLog);
      assert.deepEqual(fastLog, ["getPrototypeOf", "ownKeys", "get ttlMs", "get nowMs", "get wait", "get requestId"]);
      fast.free();
      slow.free();
    }
  });

  test("a getter that calls the same table re-entrantly leaves it usable", () => {
    const table = new LeaseTable();
    const options = {
      get ttlMs() {
        assert.equal(table.acquire("inner", "me", { ttlMs: 10, nowMs: 0 }).status, "granted");
        assert.deepEqual(table.release("inner", "me", 1, 0), { status: "released" });
        return 100;
      },
      nowMs: 0,
    };
    assert.deepEqual(table.acquire("outer", "me", options), { status: "granted", token: 2, expiresAtMs: 100 });
    assert.deepEqual(table.release("outer", "me", 2, 1), { status: "released" });
    table.free();
  });

  test("a getter that throws is rethrown as it is, and the table is unchanged", () => {
    const table = new LeaseTable();
    const boom = new Error("boom");
    const options = {
      ttlMs: 100,
      get nowMs() {
        throw boom;
      },
    };
    assert.throws(
      () => table.acquire("r", "o", options),
      (e) => e === boom,
    );
    assert.equal(table.lastToken, 0);
    assert.equal(table.acquire("r", "o", { ttlMs: 100, nowMs: 0 }).status, "granted");
    table.free();
  });

  test("outcomes other than a plain grant or release come back whole", () => {
    const t = new LeaseTable({ lockDelayMs: 100 });
    assert.deepEqual(t.acquire("db", "alice", { ttlMs: 1000, nowMs: 0 }), { status: "granted", token: 1, expiresAtMs: 1000 });
    assert.deepEqual(t.acquire("db", "bob", { ttlMs: 1000, nowMs: 1 }), { status: "busy", holder: "alice", expiresAtMs: 1000 });
    assert.deepEqual(t.acquire("db", "bob", { ttlMs: 1000, nowMs: 2, wait: true }), { status: "queued", position: 1 });
    assert.deepEqual(t.release("db", "bob", 1, 3), { status: "rejected", reason: "notHolder" });
    assert.deepEqual(t.release("db", "alice", 1, 4), {
      status: "released",
      next: { owner: "bob", token: 2, grantedAtMs: 4, expiresAtMs: 1004 },
    });
    assert.deepEqual(t.acquire("db", "carol", { ttlMs: 10, nowMs: 1050 }), { status: "delayed", untilMs: 1104 });
    assert.deepEqual(t.release("nothing", "alice", 1, 1050), { status: "rejected", reason: "unknownResource" });
    t.free();
  });

  test("a freed table throws from the fast path as from the checked one", () => {
    const t = new LeaseTable();
    t.free();
    const a = outcome(() => t.acquire("r", "o", { ttlMs: 1, nowMs: 0 }));
    const b = outcome(() => checkedAcquire.call(t, "r", "o", { ttlMs: 1, nowMs: 0 }));
    assert.ok(a.threw);
    assert.deepEqual(a, b);
  });
});

describe("LeaseTable fast path: the intern table is bounded", () => {
  test("20,000 distinct names (over the cap twice) keep every answer right", () => {
    const fast = new LeaseTable();
    const slow = new LeaseTable();
    const early = "name-0";
    for (let i = 0; i < 20_000; i++) {
      const name = `name-${i}`;
      for (const [resource, owner] of [
        [name, "owner"],
        [early, name],
      ]) {
        const a = fast.acquire(resource, owner, { ttlMs: 10, nowMs: i });
        const b = checkedAcquire.call(slow, resource, owner, { ttlMs: 10, nowMs: i });
        assert.deepEqual(a, b, `${resource} / ${owner}`);
        if (a.status === "granted") {
          assert.deepEqual(fast.release(resource, owner, a.token, i), checkedRelease.call(slow, resource, owner, b.token, i));
        }
      }
    }
    fast.free();
    slow.free();
  });
});
