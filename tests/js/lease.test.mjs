// LeaseTable from JavaScript, against the RELEASE build in pkg/: the happy paths, the
// named regressions of real lock bugs through the JS surface, and bad inputs. Every bad input must
// throw the right class (never a WebAssembly.RuntimeError) with a message that starts with the
// method and names the parameter, leave the table unchanged, and the SAME table must keep working.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LeaseTable } from "../../pkg/sim/index.js";
import { expectThrow, show } from "./helpers.mjs";

const T = (ttlMs, nowMs, more = {}) => ({ ttlMs, nowMs, ...more });

describe("LeaseTable: happy paths", () => {
  test("grant, busy, queue, release hands over to the next waiter with a larger token", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(a, { status: "granted", token: 1, expiresAtMs: 1000 });
    assert.deepEqual(t.acquire("db", "carol", T(1000, 5)), { status: "busy", holder: "alice", expiresAtMs: 1000 });
    assert.deepEqual(t.acquire("db", "bob", T(2000, 10, { wait: 5000 })), { status: "queued", position: 1 });
    assert.deepEqual(t.acquire("db", "carol", T(1000, 11, { wait: 5000 })), { status: "queued", position: 2 });
    assert.deepEqual(t.waiters("db"), ["bob", "carol"]);
    const r = t.release("db", "alice", a.token, 20);
    assert.deepEqual(r, { status: "released", next: { owner: "bob", token: 2, grantedAtMs: 20, expiresAtMs: 2020 } });
    assert.deepEqual(t.holder("db", 20), { owner: "bob", token: 2, grantedAtMs: 20, expiresAtMs: 2020 });
    assert.deepEqual(t.waiters("db"), ["carol"]);
    assert.equal(t.lastToken, 2);
    assert.equal(t.nowMs, 20);
    t.free();
  });

  test("release with no waiter has no next; the resource is free again", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.release("db", "alice", a.token, 1), { status: "released" });
    assert.equal(t.holder("db", 1), undefined);
    assert.equal(t.acquire("db", "bob", T(1000, 2)).status, "granted");
  });

  test("renew extends to nowMs + ttlMs; the lease is live while nowMs < expiresAtMs", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.renew("db", "alice", a.token, T(1000, 900)), { status: "renewed", expiresAtMs: 1900 });
    assert.equal(t.holder("db", 1899)?.owner, "alice");
    assert.equal(t.holder("db", 1900), undefined);
  });

  test("cancel leaves the queue; cancel when not queued is a value", () => {
    const t = new LeaseTable();
    t.acquire("db", "alice", T(1000, 0));
    t.acquire("db", "bob", T(1000, 1, { wait: 1000 }));
    t.acquire("db", "carol", T(1000, 2, { wait: 1000 }));
    assert.deepEqual(t.cancel("db", "bob", 3), { status: "left", position: 1 });
    assert.deepEqual(t.cancel("db", "bob", 4), { status: "notQueued" });
    assert.deepEqual(t.cancel("db", "alice", 4), { status: "notQueued" });
    assert.deepEqual(t.waiters("db"), ["carol"]);
  });

  test("wait: true waits as long as ttlMs", () => {
    const t = new LeaseTable();
    t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.acquire("db", "bob", T(300, 0, { wait: true })), { status: "queued", position: 1 });
    assert.deepEqual(t.acquire("db", "carol", T(300, 0, { wait: false })), { status: "busy", holder: "alice", expiresAtMs: 1000 });
    t.tick(400);
    assert.deepEqual(t.waiters("db"), [], "bob's wait (300 ms) ran out");
  });

  test("tick reports events in order with a type and atMs; expiry grants the next waiter", () => {
    const t = new LeaseTable();
    t.acquire("db", "alice", T(1000, 0));
    t.acquire("db", "bob", T(1000, 10, { wait: 5000 }));
    const events = t.tick(1500);
    assert.deepEqual(events, [
      { type: "granted", resource: "db", owner: "alice", token: 1, grantedAtMs: 0, expiresAtMs: 1000, atMs: 0 },
      { type: "expired", resource: "db", owner: "alice", token: 1, atMs: 1000 },
      { type: "granted", resource: "db", owner: "bob", token: 2, grantedAtMs: 1000, expiresAtMs: 2000, atMs: 1000 },
    ]);
    assert.deepEqual(t.tick(1500), [], "events are returned once");
  });

  test("lock-delay after an expiry: delayed status, lockDelayEnded event, no delay after release", () => {
    const t = new LeaseTable({ lockDelayMs: 500 });
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.acquire("db", "bob", T(1000, 1200)), { status: "delayed", untilMs: 1500 });
    const events = t.tick(1600);
    assert.ok(events.some((e) => e.type === "lockDelayEnded" && e.resource === "db" && e.atMs === 1500));
    const b = t.acquire("db", "bob", T(1000, 1600));
    assert.equal(b.status, "granted");
    assert.ok(b.token > a.token);
    t.release("db", "bob", b.token, 1700);
    assert.equal(t.acquire("db", "carol", T(1000, 1700)).status, "granted", "no lock-delay after a release");
  });

  test("fifo: false serves waiters in owner-id order", () => {
    const t = new LeaseTable({ fifo: false });
    t.acquire("db", "holder", T(1000, 0));
    t.acquire("db", "zed", T(1000, 1, { wait: 5000 }));
    t.acquire("db", "amy", T(1000, 2, { wait: 5000 }));
    assert.deepEqual(t.waiters("db"), ["amy", "zed"]);
  });

  test("a retried request that already ran its course is finished, never granted again", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0, { requestId: "r1" }));
    assert.deepEqual(t.acquire("db", "alice", T(1000, 5, { requestId: "r1" })), a, "retry of a granted request: same token and expiry");
    t.release("db", "alice", a.token, 10);
    assert.deepEqual(t.acquire("db", "alice", T(1000, 20, { requestId: "r1" })), { status: "finished", token: a.token });
    assert.equal(t.holder("db", 20), undefined);
  });

  test("leader election: campaign, keep-alive, failover on expiry, resign", () => {
    const t = new LeaseTable();
    const p = t.campaign("primary", "node-1", T(3000, 0));
    assert.deepEqual(p, { status: "leader", token: 1, expiresAtMs: 3000 });
    assert.deepEqual(t.campaign("primary", "node-2", T(10_000, 10)), { status: "candidate", position: 1, leader: "node-1" });
    assert.deepEqual(t.candidates("primary"), ["node-2"]);
    assert.deepEqual(t.campaign("primary", "node-1", T(3000, 2000)), { status: "leader", token: 1, expiresAtMs: 5000 }, "keep-alive");
    assert.deepEqual(t.leader("primary", 2000), { leader: "node-1", token: 1, grantedAtMs: 2000, expiresAtMs: 5000 });
    // node-1 stops campaigning: at 5000 leadership fails over to node-2.
    const events = t.tick(6000).filter((e) => e.election === "primary");
    assert.deepEqual(events.slice(-2), [
      { type: "leaderLost", election: "primary", leader: "node-1", token: 1, cause: "expired", atMs: 5000 },
      { type: "leaderElected", election: "primary", leader: "node-2", token: 2, grantedAtMs: 5000, expiresAtMs: 15_000, atMs: 5000 },
    ]);
    assert.deepEqual(t.resign("primary", "node-1", 1, 6000), { status: "rejected", reason: "expired" });
    assert.deepEqual(t.resign("primary", "node-3", 2, 6000), { status: "rejected", reason: "notHolder" });
    assert.deepEqual(t.resign("primary", "node-2", 2, 6000), { status: "resigned" });
    assert.equal(t.leader("primary", 6000), undefined);
    assert.equal(t.tick(6000).at(-1).cause, "resigned");
  });

  test("withdraw takes a candidate out of line; elections and locks are separate namespaces", () => {
    const t = new LeaseTable();
    t.campaign("x", "a", T(1000, 0));
    t.campaign("x", "b", T(1000, 0));
    assert.deepEqual(t.withdraw("x", "b", 1), { status: "left", position: 1 });
    assert.deepEqual(t.withdraw("x", "b", 1), { status: "notQueued" });
    assert.equal(t.acquire("x", "z", T(1000, 1)).status, "granted", "lock 'x' is not election 'x'");
  });

  test("results are plain JSON-compatible objects", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.equal(Object.getPrototypeOf(a), Object.prototype);
    const events = t.tick(0);
    assert.equal(events.length, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(events)), events);
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  });
});

describe("LeaseTable: named regressions", () => {
  test("etcd 3.4.3: a waiter whose wait expired while queued is never granted", () => {
    const t = new LeaseTable();
    t.acquire("db", "alice", T(1000, 0));
    t.acquire("db", "bob", T(1000, 10, { wait: 500 })); // bob gives up at 510
    const events = t.tick(2000);
    assert.ok(events.some((e) => e.type === "dequeued" && e.owner === "bob" && e.reason === "waitExpired" && e.atMs === 510));
    assert.ok(!events.some((e) => e.type === "granted" && e.owner === "bob"));
    assert.equal(t.holder("db", 2000), undefined);
    // Same through release: the dropped waiter is not handed the lock.
    const u = new LeaseTable();
    const a = u.acquire("db", "alice", T(1000, 0));
    u.acquire("db", "bob", T(1000, 10, { wait: 500 }));
    assert.deepEqual(u.release("db", "alice", a.token, 600), { status: "released" });
  });

  test("node-redlock: validity is counted from the request (the grant instant), not from when it was observed", () => {
    const t = new LeaseTable();
    assert.equal(t.acquire("db", "alice", T(1000, 100)).expiresAtMs, 1100);
    t.acquire("db", "bob", T(1500, 200, { wait: 5000 }));
    // Nobody ticks until 3000: bob was granted at alice's expiry (1100) for [1100, 2600), so he no
    // longer holds it at 3000, however late the table looked.
    const granted = t.tick(3000).find((e) => e.type === "granted" && e.owner === "bob");
    assert.equal(granted.grantedAtMs, 1100);
    assert.equal(granted.expiresAtMs, 2600);
    assert.equal(t.holder("db", 3000), undefined);
  });

  test("ZooKeeper: a lost acquire reply retried with the same requestId leaves one queue entry", () => {
    const t = new LeaseTable();
    t.acquire("db", "alice", T(1000, 0));
    const first = t.acquire("db", "bob", T(1000, 10, { wait: 5000, requestId: "req-7" }));
    const retry = t.acquire("db", "bob", T(1000, 20, { wait: 5000, requestId: "req-7" }));
    assert.deepEqual(first, { status: "queued", position: 1 });
    assert.deepEqual(retry, first);
    assert.deepEqual(t.waiters("db"), ["bob"]);
    const grant = t.tick(1000).find((e) => e.type === "granted" && e.owner === "bob");
    assert.deepEqual(t.acquire("db", "bob", T(1000, 1001, { wait: 5000, requestId: "req-7" })), {
      status: "granted",
      token: grant.token,
      expiresAtMs: grant.expiresAtMs,
    });
  });

  test("Redis lock of the origin material: a non-owner release is rejected", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.release("db", "mallory", a.token, 10), { status: "rejected", reason: "notHolder" });
    assert.deepEqual(t.release("db", "alice", a.token + 1, 10), { status: "rejected", reason: "wrongToken" });
    assert.deepEqual(t.release("nothing", "alice", a.token, 10), { status: "rejected", reason: "unknownResource" });
    assert.equal(t.holder("db", 10).owner, "alice");
  });

  test("renewal after expiry is rejected (at exactly expiresAtMs too)", () => {
    const t = new LeaseTable();
    const a = t.acquire("db", "alice", T(1000, 0));
    assert.deepEqual(t.renew("db", "alice", a.token, T(1000, 1000)), { status: "rejected", reason: "expired" });
    assert.deepEqual(t.release("db", "alice", a.token, 1000), { status: "rejected", reason: "expired" });
    const b = new LeaseTable();
    const lease = b.acquire("db", "alice", T(1000, 0));
    b.release("db", "alice", lease.token, 10);
    assert.deepEqual(b.renew("db", "alice", lease.token, T(1000, 20)), { status: "rejected", reason: "released" });
  });
});

// ---------------------------------------------------------------------------------------------
// Bad inputs.

/** A table with known content: alice holds "db" (token 1) and bob waits, at nowMs 100. */
function fixture() {
  const t = new LeaseTable({ minTtlMs: 10, maxTtlMs: 10_000 });
  t.acquire("db", "alice", T(1000, 100));
  t.acquire("db", "bob", T(1000, 100, { wait: 5000 }));
  t.campaign("el", "leader-1", T(1000, 100));
  return t;
}

function snapshot(t) {
  return {
    nowMs: t.nowMs,
    lastToken: t.lastToken,
    waiters: t.waiters("db"),
    holder: t.holder("db", t.nowMs),
    leader: t.leader("el", t.nowMs),
    candidates: t.candidates("el"),
  };
}

/** The same table still works after the error. */
function assertHealthy(t, what) {
  const now = t.nowMs;
  const probe = t.acquire("__probe__", "p", T(10, now));
  assert.equal(probe.status, "granted", `${what}: acquire after the error`);
  assert.equal(t.release("__probe__", "p", probe.token, now).status, "released", `${what}: release after the error`);
  assert.equal(t.holder("db", now).owner, "alice", `${what}: holder after the error`);
}

function bad(call, cls, method, param, what) {
  test(`${what} -> ${cls.name}`, () => {
    const t = fixture();
    const before = snapshot(t);
    expectThrow(() => call(t), cls, { method: `LeaseTable.${method}`, param, what });
    assert.deepEqual(snapshot(t), before, `${what}: the table changed`);
    assertHealthy(t, what);
    t.free();
  });
}

// Numbers that are not non-negative safe integers, and values that are not numbers.
const BAD_NUMBERS = [NaN, Infinity, -Infinity, -1, 1.5, 100.25, 2 ** 53, 2 ** 64, -(2 ** 53)];
const NOT_NUMBERS = ["150", null, {}, [], true, 150n, Symbol("n"), new Number(150)];
const NOT_STRINGS = [42, null, undefined, {}, [], Symbol("s"), true, 42n, new String("x")];
const BAD_ID_STRINGS = ["", "x".repeat(257), "é".repeat(129), "\uD800", "a\uDC00b"];
const NOT_OBJECTS = [null, 5, "x", [], new Map(), true];

/** Every numeric parameter: [method, param regexp, call(t, value)]. */
const NUMERIC = [
  ["acquire", /ttlMs/, (t, v) => t.acquire("db", "carol", T(v, 200))],
  ["acquire", /nowMs/, (t, v) => t.acquire("db", "carol", T(100, v))],
  ["acquire", /wait/, (t, v) => t.acquire("db", "carol", T(100, 200, { wait: v }))],
  ["renew", /token/, (t, v) => t.renew("db", "alice", v, T(100, 200))],
  ["renew", /ttlMs/, (t, v) => t.renew("db", "alice", 1, T(v, 200))],
  ["renew", /nowMs/, (t, v) => t.renew("db", "alice", 1, T(100, v))],
  ["release", /token/, (t, v) => t.release("db", "alice", v, 200)],
  ["release", /nowMs/, (t, v) => t.release("db", "alice", 1, v)],
  ["cancel", /nowMs/, (t, v) => t.cancel("db", "bob", v)],
  ["tick", /nowMs/, (t, v) => t.tick(v)],
  ["holder", /nowMs/, (t, v) => t.holder("db", v)],
  ["campaign", /ttlMs/, (t, v) => t.campaign("el", "c", T(v, 200))],
  ["campaign", /nowMs/, (t, v) => t.campaign("el", "c", T(100, v))],
  ["resign", /token/, (t, v) => t.resign("el", "leader-1", v, 200)],
  ["resign", /nowMs/, (t, v) => t.resign("el", "leader-1", 2, v)],
  ["withdraw", /nowMs/, (t, v) => t.withdraw("el", "c", v)],
  ["leader", /nowMs/, (t, v) => t.leader("el", v)],
];

describe("LeaseTable: bad numbers (NaN, Infinity, negative, fractional, over 2^53) are RangeErrors", () => {
  for (const [method, param, call] of NUMERIC) {
    for (const v of BAD_NUMBERS) bad((t) => call(t, v), RangeError, method, param, `${method} ${param.source}=${show(v)}`);
  }
});

describe("LeaseTable: numeric parameters given a non-number are TypeErrors", () => {
  for (const [method, param, call] of NUMERIC) {
    // `wait` also accepts booleans.
    const values = method === "acquire" && param.source === "wait" ? NOT_NUMBERS.filter((v) => typeof v !== "boolean") : NOT_NUMBERS;
    for (const v of values) bad((t) => call(t, v), TypeError, method, param, `${method} ${param.source}=${show(v)}`);
  }
  bad((t) => t.acquire("db", "carol", { nowMs: 200 }), TypeError, "acquire", /ttlMs/, "acquire without ttlMs");
  bad((t) => t.acquire("db", "carol", { ttlMs: 200 }), TypeError, "acquire", /nowMs/, "acquire without nowMs");
  bad((t) => t.release("db", "alice", 1), TypeError, "release", /nowMs/, "release without nowMs");
  bad((t) => t.tick(), TypeError, "tick", /nowMs/, "tick()");
});

describe("LeaseTable: time going backwards, and beyond 2^52, is a RangeError naming nowMs", () => {
  for (const [method, _param, call] of NUMERIC.filter(([, p]) => p.source === "nowMs")) {
    bad((t) => call(t, 99), RangeError, method, /nowMs/, `${method} nowMs=99 after 100`);
    bad((t) => call(t, 2 ** 52 + 1), RangeError, method, /nowMs/, `${method} nowMs=2^52+1`);
  }
});

describe("LeaseTable: TTLs and waits outside [minTtlMs, maxTtlMs] are RangeErrors", () => {
  for (const v of [0, 9, 10_001, 2 ** 40]) {
    bad((t) => t.acquire("db", "carol", T(v, 200)), RangeError, "acquire", /ttlMs/, `acquire ttlMs=${v}`);
    bad((t) => t.acquire("db", "carol", T(100, 200, { wait: v })), RangeError, "acquire", /wait/, `acquire wait=${v}`);
    bad((t) => t.renew("db", "alice", 1, T(v, 200)), RangeError, "renew", /ttlMs/, `renew ttlMs=${v}`);
    bad((t) => t.campaign("el", "c", T(v, 200)), RangeError, "campaign", /ttlMs/, `campaign ttlMs=${v}`);
  }
});

/** Every id parameter: [method, param regexp, call(t, value)]. */
const IDS = [
  ["acquire", /resource/, (t, v) => t.acquire(v, "carol", T(100, 200))],
  ["acquire", /owner/, (t, v) => t.acquire("db", v, T(100, 200))],
  ["acquire", /requestId/, (t, v) => t.acquire("db", "carol", T(100, 200, { requestId: v }))],
  ["renew", /resource/, (t, v) => t.renew(v, "alice", 1, T(100, 200))],
  ["renew", /owner/, (t, v) => t.renew("db", v, 1, T(100, 200))],
  ["release", /resource/, (t, v) => t.release(v, "alice", 1, 200)],
  ["release", /owner/, (t, v) => t.release("db", v, 1, 200)],
  ["cancel", /resource/, (t, v) => t.cancel(v, "bob", 200)],
  ["cancel", /owner/, (t, v) => t.cancel("db", v, 200)],
  ["holder", /resource/, (t, v) => t.holder(v, 200)],
  ["campaign", /election/, (t, v) => t.campaign(v, "c", T(100, 200))],
  ["campaign", /candidate/, (t, v) => t.campaign("el", v, T(100, 200))],
  ["resign", /election/, (t, v) => t.resign(v, "leader-1", 2, 200)],
  ["resign", /owner|candidate/, (t, v) => t.resign("el", v, 2, 200)],
  ["withdraw", /election/, (t, v) => t.withdraw(v, "c", 200)],
  ["withdraw", /owner|candidate/, (t, v) => t.withdraw("el", v, 200)],
  ["leader", /election/, (t, v) => t.leader(v, 200)],
];

describe("LeaseTable: ids", () => {
  for (const [method, param, call] of IDS) {
    // requestId may be omitted (undefined).
    const notStrings = param.source === "requestId" ? NOT_STRINGS.filter((v) => v !== undefined) : NOT_STRINGS;
    for (const v of notStrings) bad((t) => call(t, v), TypeError, method, param, `${method} ${param.source}=${show(v)}`);
    for (const v of BAD_ID_STRINGS) bad((t) => call(t, v), RangeError, method, param, `${method} ${param.source}=${show(v)}`);
  }
  for (const v of [42, null, {}]) {
    bad((t) => t.waiters(v), TypeError, "waiters", /resource/, `waiters(${show(v)})`);
    bad((t) => t.candidates(v), TypeError, "candidates", /election/, `candidates(${show(v)})`);
  }
});

describe("LeaseTable: options objects", () => {
  const OPTION_CALLS = [
    ["acquire", (t, o) => t.acquire("db", "carol", o)],
    ["renew", (t, o) => t.renew("db", "alice", 1, o)],
    ["campaign", (t, o) => t.campaign("el", "c", o)],
  ];
  for (const [method, call] of OPTION_CALLS) {
    for (const o of [...NOT_OBJECTS, undefined]) {
      bad((t) => call(t, o), TypeError, method, /options/, `${method} options=${show(o)}`);
    }
    bad((t) => call(t, { ...T(100, 200), ttl: 5 }), TypeError, method, /"ttl"/, `${method} unknown key ttl`);
    bad((t) => call(t, { ttlMS: 100, nowMs: 200 }), TypeError, method, /"ttlMS"/, `${method} misspelt ttlMS`);
  }
  bad((t) => t.acquire("db", "carol", T(100, 200, { wait: "5" })), TypeError, "acquire", /wait/, "acquire wait='5'");
});

describe("new LeaseTable: bad options", () => {
  const ctor = (options, cls, param, what) =>
    test(`${what} -> ${cls.name}`, () => {
      expectThrow(() => new LeaseTable(options), cls, { method: "new LeaseTable", param, what });
    });
  for (const o of NOT_OBJECTS) ctor(o, TypeError, /options/, `options=${show(o)}`);
  ctor({ ttlMs: 5 }, TypeError, /"ttlMs"/, "unknown key ttlMs");
  ctor({ minTTLMs: 5 }, TypeError, /"minTTLMs"/, "misspelt minTTLMs");
  for (const key of ["minTtlMs", "maxTtlMs", "lockDelayMs"]) {
    for (const v of BAD_NUMBERS) ctor({ [key]: v }, RangeError, new RegExp(key), `${key}=${show(v)}`);
    for (const v of NOT_NUMBERS) ctor({ [key]: v }, TypeError, new RegExp(key), `${key}=${show(v)}`);
  }
  ctor({ minTtlMs: 0 }, RangeError, /minTtlMs/, "minTtlMs=0");
  ctor({ minTtlMs: 100, maxTtlMs: 99 }, RangeError, /maxTtlMs/, "maxTtlMs < minTtlMs");
  ctor({ maxTtlMs: 2 ** 40 + 1 }, RangeError, /maxTtlMs/, "maxTtlMs > 2^40");
  ctor({ lockDelayMs: 60_001 }, RangeError, /lockDelayMs/, "lockDelayMs > 60000");
  for (const v of ["yes", 1, null]) ctor({ fifo: v }, TypeError, /fifo/, `fifo=${show(v)}`);
  test("no options, empty options and explicit undefined fields give the defaults", () => {
    for (const t of [new LeaseTable(), new LeaseTable({}), new LeaseTable({ fifo: undefined, minTtlMs: undefined })]) {
      assert.equal(t.acquire("db", "a", T(3_600_000, 0)).status, "granted");
      expectThrow(() => t.acquire("db2", "a", T(3_600_001, 0)), RangeError, { method: "LeaseTable.acquire", param: /ttlMs/ });
      t.free();
    }
  });
});

describe("LeaseTable: protocol outcomes never throw", () => {
  test("misuse that is not a bad argument is a value", () => {
    const t = fixture();
    const outcomes = [
      t.acquire("db", "alice", T(100, 200)), // re-entrant acquire: busy
      t.acquire("db", "bob", T(100, 200, { wait: 5000 })), // already queued: queued
      t.renew("db", "bob", 1, T(100, 200)),
      t.renew("nothing", "bob", 1, T(100, 200)),
      t.release("db", "alice", 0, 200),
      t.release("db", "bob", 1, 200),
      t.cancel("db", "nobody", 200),
      t.cancel("nothing", "nobody", 200),
      t.resign("el", "nobody", 1, 200),
      t.withdraw("el", "nobody", 200),
      t.holder("nothing", 200),
      t.leader("nothing", 200),
      t.tick(200),
    ];
    assert.deepEqual(
      outcomes.map((o) => o?.status ?? (Array.isArray(o) ? "events" : o)),
      [
        "busy",
        "queued",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "notQueued",
        "notQueued",
        "rejected",
        "notQueued",
        undefined,
        undefined,
        "events",
      ],
    );
    assert.deepEqual(t.waiters("nothing"), []);
    assert.deepEqual(t.candidates("nothing"), []);
    assertHealthy(t, "after protocol misuse");
  });

  test("a throwing getter in an options object does not lock the table", () => {
    const t = fixture();
    const options = {
      ttlMs: 100,
      get nowMs() {
        throw new Error("boom");
      },
    };
    assert.throws(
      () => t.acquire("db", "carol", options),
      (e) => !(e instanceof WebAssembly.RuntimeError),
    );
    assertHealthy(t, "after a throwing getter");
  });
});
