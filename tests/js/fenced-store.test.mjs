// FencedStore on the RELEASE build in pkg/ (the sim entry, where a strict store can ask a
// LeaseTable): writes checked against fencing tokens, compare-and-set, strict stores and their
// errors. The LeaseTable itself is in lease.test.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FencedStore, LeaseTable } from "../../pkg/sim/index.js";
import { expectThrow, show } from "./helpers.mjs";

const T = (ttlMs, nowMs, more = {}) => ({ ttlMs, nowMs, ...more });
const BAD_NUMBERS = [NaN, Infinity, -Infinity, -1, 1.5, 100.25, 2 ** 53, 2 ** 64, -(2 ** 53)];
const NOT_NUMBERS = ["150", null, {}, [], true, 150n, Symbol("n"), new Number(150)];
const NOT_STRINGS = [42, null, undefined, {}, [], Symbol("s"), true, 42n, new String("x")];
const BAD_ID_STRINGS = ["", "x".repeat(257), "é".repeat(129), "\uD800", "a\uDC00b"];

/** Client 1 holds token 33; it pauses past its TTL; client 2 gets token 34. */
function kleppmannTable() {
  const locks = new LeaseTable();
  // Tokens 1..32 go to earlier clients, so client 1 gets 33 as in Kleppmann's figure.
  for (let i = 1; i <= 32; i++) {
    const l = locks.acquire("file", `earlier-${i}`, T(10, i * 10));
    locks.release("file", `earlier-${i}`, l.token, i * 10 + 1);
  }
  const c1 = locks.acquire("file", "client-1", T(1000, 1000));
  assert.deepEqual(c1, { status: "granted", token: 33, expiresAtMs: 2000 });
  // Client 1 pauses (GC) from 1100 to 3000. Its lease expires at 2000; client 2 gets 34.
  const c2 = locks.acquire("file", "client-2", T(1000, 2100));
  assert.deepEqual(c2, { status: "granted", token: 34, expiresAtMs: 3100 });
  return { locks, c1, c2 };
}

describe("FencedStore", () => {
  test("Kleppmann: client 1 wakes from a pause and writes with token 33 after client 2 wrote with 34: rejected", () => {
    const { locks, c1, c2 } = kleppmannTable();
    const store = new FencedStore();
    assert.deepEqual(store.write("file", { by: "client-2" }, c2.token, 2200), { accepted: true, version: 1 });
    assert.deepEqual(store.write("file", { by: "client-1" }, c1.token, 3000), { accepted: false, reason: "staleToken", highest: 34 });
    assert.deepEqual(store.read("file"), { value: { by: "client-2" }, token: 34, version: 1 });
    // Its renewal is refused too.
    assert.deepEqual(locks.renew("file", "client-1", c1.token, T(1000, 3000)), { status: "rejected", reason: "expired" });
  });

  test("Kleppmann, strict: the paused client is refused even before client 2 writes", () => {
    const { locks, c1, c2 } = kleppmannTable();
    const store = new FencedStore({ strict: locks });
    assert.equal(store.strict, true);
    assert.deepEqual(store.write("file", "late", c1.token, 3000), { accepted: false, reason: "notLive" });
    assert.equal(store.read("file"), undefined);
    assert.deepEqual(store.write("file", "fresh", c2.token, 3000), { accepted: true, version: 1 });
    assert.deepEqual(store.write("file", "late", c1.token, 3000), { accepted: false, reason: "staleToken", highest: 34 });
    assert.deepEqual(store.write("file", "after expiry", c2.token, 3100), { accepted: false, reason: "notLive" });
    // The check only reads the table (its latest time stays 2100): a write time before it is refused.
    expectThrow(() => store.write("file", "x", c2.token, 2000), RangeError, {
      method: "FencedStore.write",
      param: /nowMs/,
      what: "time before the table's latest",
    });
  });

  test("strict: only the live token of the key's guard writes it (mapped guards, leaderships), and it sees the table's later changes", () => {
    const locks = new LeaseTable();
    const store = new FencedStore({ strict: locks, guards: { "sku:1": "stock", log: { election: "primary" } } });
    const a = locks.acquire("stock", "a", T(1000, 0));
    assert.deepEqual(store.write("sku:1", 9, a.token, 10), { accepted: true, version: 1 }, "sku:1 is guarded by the lock stock");
    assert.deepEqual(store.write("sku:2", 9, a.token, 10), { accepted: false, reason: "notLive" }, "sku:2 is guarded by the lock sku:2");
    locks.release("stock", "a", a.token, 20);
    assert.deepEqual(store.write("sku:1", 8, a.token, 20), { accepted: false, reason: "notLive" }, "released: no longer live");
    const lead = locks.campaign("primary", "broker-1", T(500, 30));
    assert.equal(lead.status, "leader");
    assert.deepEqual(store.write("log", "x", lead.token, 40), { accepted: true, version: 1 }, "a leader's token (epoch)");
    assert.deepEqual(store.write("primary", "x", lead.token, 40), { accepted: false, reason: "notLive" }, "not for an ordinary key");
    assert.deepEqual(store.write("log", "y", lead.token, 530), { accepted: false, reason: "notLive" }, "leadership expired at 530");
    assert.deepEqual(store.write("log", "z", 999, 530), { accepted: false, reason: "notLive" }, "a token never granted");
  });

  test("strict: the store keeps its table alive after the table's free(), and stays usable", () => {
    const locks = new LeaseTable();
    const store = new FencedStore({ strict: locks });
    const a = locks.acquire("k", "a", T(1000, 0));
    locks.free();
    assert.deepEqual(store.write("k", 1, a.token, 5), { accepted: true, version: 1 });
    assert.deepEqual(store.write("k", 2, a.token, 1000), { accepted: false, reason: "notLive" });
    store.free();
  });

  test("write with equal or higher tokens is accepted; versions grow; values are copies", () => {
    const store = new FencedStore();
    const value = { list: [1, 2], nested: { ok: true } };
    assert.deepEqual(store.write("k", value, 5, 0), { accepted: true, version: 1 });
    value.list.push(3);
    assert.deepEqual(store.read("k").value, { list: [1, 2], nested: { ok: true } }, "the store keeps a snapshot");
    const read = store.read("k");
    read.value.list.push(99);
    assert.deepEqual(store.read("k").value.list, [1, 2], "read returns a fresh copy");
    assert.deepEqual(store.write("k", "again", 5, 0), { accepted: true, version: 2 });
    assert.deepEqual(store.write("k", null, 6, 0), { accepted: true, version: 3 });
    assert.deepEqual(store.read("k"), { value: null, token: 6, version: 3 });
    assert.equal(store.read("other"), undefined);
    assert.equal(store.size, 1);
  });

  test("compareAndSet: optimistic locking by version", () => {
    const store = new FencedStore();
    assert.deepEqual(store.compareAndSet("c", 1, 0), { accepted: false, version: 0 });
    assert.deepEqual(store.compareAndSet("c", 0, 0), { accepted: true, version: 1 });
    assert.deepEqual(store.compareAndSet("c", 0, 5), { accepted: false, version: 1 });
    assert.deepEqual(store.compareAndSet("c", 1, 1), { accepted: true, version: 2 });
    assert.deepEqual(store.read("c"), { value: 1, token: 0, version: 2 });
    // A token write after CAS keeps counting versions.
    assert.deepEqual(store.write("c", 2, 1, 0), { accepted: true, version: 3 });
  });

  const storeBad = (call, cls, method, param, what, strict = false) =>
    test(`${what} -> ${cls.name}`, () => {
      const locks = new LeaseTable();
      const store = new FencedStore(strict ? { strict: locks } : undefined);
      const l = locks.acquire("k", "o", T(1000, 0)); // the lock guarding key "k" in a strict store
      store.write("k", 1, l.token, 0);
      expectThrow(() => call(store, locks), cls, { method: `FencedStore.${method}`, param, what });
      assert.deepEqual(store.read("k"), { value: 1, token: 1, version: 1 }, `${what}: the store changed`);
      assert.equal(store.write("k", 2, l.token, 0).accepted, true, `${what}: works after`);
    });

  for (const v of BAD_NUMBERS) {
    storeBad((s) => s.write("k", 1, v, 0), RangeError, "write", /token/, `write token=${show(v)}`);
    storeBad((s) => s.write("k", 1, 1, v), RangeError, "write", /nowMs/, `write nowMs=${show(v)}`);
    storeBad((s) => s.compareAndSet("k", v, 1), RangeError, "compareAndSet", /expectedVersion/, `compareAndSet expectedVersion=${show(v)}`);
  }
  for (const v of NOT_NUMBERS) {
    storeBad((s) => s.write("k", 1, v, 0), TypeError, "write", /token/, `write token=${show(v)}`);
    storeBad((s) => s.compareAndSet("k", v, 1), TypeError, "compareAndSet", /expectedVersion/, `compareAndSet expectedVersion=${show(v)}`);
  }
  for (const v of NOT_STRINGS) {
    storeBad((s) => s.write(v, 1, 1, 0), TypeError, "write", /key/, `write key=${show(v)}`);
    storeBad((s) => s.read(v), TypeError, "read", /key/, `read key=${show(v)}`);
    storeBad((s) => s.compareAndSet(v, 1, 1), TypeError, "compareAndSet", /key/, `compareAndSet key=${show(v)}`);
  }
  for (const v of BAD_ID_STRINGS) {
    storeBad((s) => s.write(v, 1, 1, 0), RangeError, "write", /key/, `write key=${show(v)}`);
    storeBad((s) => s.compareAndSet(v, 1, 1), RangeError, "compareAndSet", /key/, `compareAndSet key=${show(v)}`);
  }
  for (const v of [
    undefined,
    () => 1,
    Symbol("v"),
    1n,
    { big: 1n },
    {
      toJSON() {
        throw new Error("no");
      },
    },
  ]) {
    storeBad((s) => s.write("k", v, 1, 0), TypeError, "write", /value/, `write value=${show(v)}`);
    storeBad((s) => s.compareAndSet("k", 1, v), TypeError, "compareAndSet", /value/, `compareAndSet value=${show(v)}`);
  }
  storeBad((s) => s.write("k", 2, 1, -1), RangeError, "write", /nowMs/, "strict write nowMs=-1", true);
  storeBad((s) => s.write("k", 2, 1, "0"), TypeError, "write", /nowMs/, "strict write nowMs='0'", true);

  for (const o of [
    null,
    5,
    [],
    { strict: 1 },
    { strict: true },
    { strict: {} },
    { strict: new FencedStore() },
    { strict: undefined, table: 1 },
  ]) {
    test(`new FencedStore(${show(o)}) -> TypeError`, () => {
      expectThrow(() => new FencedStore(o), TypeError, { method: "new FencedStore", param: /options/ });
    });
  }

  test("options.strict that is not a live LeaseTable throws an Error naming it, not a trap", () => {
    const fake = {
      __ringleaseShare() {
        return true;
      },
    };
    const throwing = {
      get __ringleaseShare() {
        throw new Error("boom");
      },
    };
    const freed = new LeaseTable();
    freed.free();
    for (const strict of [fake, throwing, freed, new Proxy({}, {})]) {
      expectThrow(() => new FencedStore({ strict }), TypeError, { method: "new FencedStore", param: /options\.strict/ });
    }
    const locks = new LeaseTable();
    const l = locks.acquire("k", "o", T(1000, 0));
    assert.deepEqual(new FencedStore({ strict: locks }).write("k", 1, l.token, 0), { accepted: true, version: 1 }, "still works");
    assert.equal(new FencedStore({ strict: undefined }).strict, false, "strict: undefined is a plain store");
  });
});
