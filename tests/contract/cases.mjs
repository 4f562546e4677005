// The lease contract, written once and run against every backend (the wasm LeaseTable with a
// real clock, RedisLeases with node-redis, RedisLeases with ioredis). A backend factory takes
// LeaseTable options and resolves to `{ name, leases, store, fencedRead, close() }`, where
// `leases` has LeaseTable's methods without `nowMs` (async), `store` FencedStore's (async, no
// `nowMs`), and `fencedRead` says whether `store.read(key, { token })` is a fenced read (the
// wasm FencedStore has none: that case is skipped for it).
// Each case gets a fresh backend (a new table, or a new key prefix on the shared server).
//
// Time is real, so TTLs are a few hundred ms and every sleep leaves a wide margin. Tokens are
// only compared with each other (a table counts from 1, Redis seeds from its clock).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

/** The message after the context prefix (`LeaseTable.acquire: …` and `RedisLeases.acquire: …`). */
const tail = (err) => err.message.slice(err.message.indexOf(": ") + 2);

async function rejects(promise, Class, message) {
  await assert.rejects(promise, (/** @type {any} */ err) => {
    assert.equal(err.constructor, Class, `${err.constructor.name}: ${err.message}`);
    if (message instanceof RegExp) assert.match(tail(err), message);
    else assert.equal(tail(err), message);
    return true;
  });
}

/** The cases, by name: each `async (make) => {}` with `make(options?)` a fresh backend. */
export const cases = {
  async "a free lock is granted; a held one answers busy (one holder at a time)"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 5000 });
    assert.equal(a.status, "granted");
    assert.ok(Number.isSafeInteger(a.token) && a.token > 0);
    const b = await leases.acquire("db", "bob", { ttlMs: 5000 });
    assert.deepEqual(b, { status: "busy", holder: "alice", expiresAtMs: a.expiresAtMs });
    // Not re-entrant: the holder asking again is busy too.
    assert.equal((await leases.acquire("db", "alice", { ttlMs: 5000 })).status, "busy");
    const held = await leases.holder("db");
    assert.equal(held.owner, "alice");
    assert.equal(held.token, a.token);
    assert.equal(held.expiresAtMs - held.grantedAtMs, 5000);
    assert.equal(await leases.holder("other"), undefined);
  },

  async "concurrent acquires: exactly one is granted"(make) {
    const { leases } = await make();
    const owners = Array.from({ length: 12 }, (_, i) => `owner-${i}`);
    const results = await Promise.all(owners.map((o) => leases.acquire("hot", o, { ttlMs: 5000 })));
    const granted = results.filter((r) => r.status === "granted");
    assert.equal(granted.length, 1);
    assert.ok(results.every((r) => r.status === "granted" || r.status === "busy"));
  },

  async "release and renew are checked against the owner and the token"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 5000 });
    assert.deepEqual(await leases.release("db", "bob", a.token), { status: "rejected", reason: "notHolder" });
    assert.deepEqual(await leases.release("db", "alice", a.token + 1), { status: "rejected", reason: "wrongToken" });
    assert.deepEqual(await leases.renew("db", "bob", a.token, { ttlMs: 5000 }), { status: "rejected", reason: "notHolder" });
    assert.deepEqual(await leases.renew("db", "alice", a.token - 1, { ttlMs: 5000 }), { status: "rejected", reason: "wrongToken" });
    assert.equal((await leases.holder("db")).owner, "alice");
    const r = await leases.renew("db", "alice", a.token, { ttlMs: 8000 });
    assert.equal(r.status, "renewed");
    assert.ok(r.expiresAtMs >= a.expiresAtMs + 3000 - 50);
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "released" });
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "rejected", reason: "released" });
    assert.deepEqual(await leases.renew("db", "alice", a.token, { ttlMs: 5000 }), { status: "rejected", reason: "released" });
    assert.deepEqual(await leases.release("nothing", "alice", 1), { status: "rejected", reason: "unknownResource" });
    // A late release from a former holder cannot end the next holder's lease.
    const b = await leases.acquire("db", "bob", { ttlMs: 5000 });
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "rejected", reason: "released" });
    assert.deepEqual(await leases.release("db", "carol", b.token), { status: "rejected", reason: "notHolder" });
    assert.equal((await leases.holder("db")).token, b.token);
  },

  async "a lease is never expired early, and renewal after expiry is refused"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 300 });
    await sleep(100);
    assert.equal((await leases.holder("db"))?.token, a.token, "still live before its TTL");
    await sleep(350);
    assert.equal(await leases.holder("db"), undefined);
    assert.deepEqual(await leases.renew("db", "alice", a.token, { ttlMs: 300 }), { status: "rejected", reason: "expired" });
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "rejected", reason: "expired" });
    assert.equal(await leases.holder("db"), undefined, "a refused renewal brings nothing back");
    const b = await leases.acquire("db", "bob", { ttlMs: 300 });
    assert.equal(b.status, "granted");
    assert.ok(b.token > a.token);
  },

  async "tokens strictly increase per resource, through releases, expiries and hand-overs"(make) {
    const { leases } = await make();
    const tokens = [];
    for (let i = 0; i < 15; i++) {
      const r = await leases.acquire("seq", `o${i % 3}`, { ttlMs: 5000 });
      assert.equal(r.status, "granted");
      tokens.push(r.token);
      await leases.release("seq", `o${i % 3}`, r.token);
    }
    const a = await leases.acquire("seq", "x", { ttlMs: 5000 });
    await leases.acquire("seq", "y", { ttlMs: 5000, wait: 5000 });
    const rel = await leases.release("seq", "x", a.token);
    tokens.push(a.token, rel.next.token);
    const short = await leases.acquire("seq2", "x", { ttlMs: 100 });
    await sleep(250);
    const afterExpiry = await leases.acquire("seq2", "y", { ttlMs: 100 });
    assert.ok(afterExpiry.token > short.token);
    for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i] > tokens[i - 1], `${tokens}`);
  },

  async "requestId makes retries idempotent: one queue entry, one grant"(make) {
    const { leases } = await make();
    const a1 = await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" });
    const a2 = await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" });
    assert.deepEqual(a2, a1, "a retry of a granted request gets the same token and expiry");
    const q1 = await leases.acquire("db", "bob", { ttlMs: 5000, wait: 5000, requestId: "b1" });
    const q2 = await leases.acquire("db", "bob", { ttlMs: 5000, wait: 5000, requestId: "b1" });
    assert.deepEqual(q1, { status: "queued", position: 1 });
    assert.deepEqual(q2, q1);
    assert.deepEqual(await leases.waiters("db"), ["bob"]);
    assert.equal((await leases.holder("db")).requestId, "r1");
    const rel = await leases.release("db", "alice", a1.token);
    assert.equal(rel.next.owner, "bob");
    assert.equal(rel.next.requestId, "b1");
    const b = await leases.acquire("db", "bob", { ttlMs: 5000, requestId: "b1" });
    assert.deepEqual(b, { status: "granted", token: rel.next.token, expiresAtMs: rel.next.expiresAtMs });
    assert.deepEqual(await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" }), {
      status: "finished",
      token: a1.token,
    });
    await leases.cancel("db", "nobody");
    await leases.acquire("db", "carol", { ttlMs: 5000, wait: 5000, requestId: "c1" });
    await leases.cancel("db", "carol");
    assert.deepEqual(await leases.acquire("db", "carol", { ttlMs: 5000, requestId: "c1" }), { status: "finished" });
  },

  async "a requestId retry after a plain release is finished; the next request is granted"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" });
    assert.equal(a.status, "granted");
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "released" });
    // Nobody waits and nothing is held: the retry is still recognised, and grants nothing.
    assert.deepEqual(await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" }), {
      status: "finished",
      token: a.token,
    });
    assert.equal(await leases.holder("db"), undefined);
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "rejected", reason: "released" });
    const b = await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r2" });
    assert.equal(b.status, "granted");
    assert.ok(b.token > a.token);
    assert.equal((await leases.holder("db")).requestId, "r2");
    // The first request is still remembered while another lease is live.
    assert.deepEqual(await leases.acquire("db", "alice", { ttlMs: 5000, requestId: "r1" }), {
      status: "finished",
      token: a.token,
    });
    assert.deepEqual(await leases.release("db", "alice", b.token), { status: "released" });
    const c = await leases.acquire("db", "bob", { ttlMs: 5000 });
    assert.ok(c.token > b.token);
  },

  async "waiters are served in FIFO order; cancel leaves the line"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 5000 });
    for (const [i, o] of ["bob", "carol", "dave"].entries()) {
      assert.deepEqual(await leases.acquire("db", o, { ttlMs: 5000, wait: 5000 }), { status: "queued", position: i + 1 });
    }
    assert.deepEqual(await leases.acquire("db", "carol", { ttlMs: 5000, wait: 5000 }), { status: "queued", position: 2 });
    assert.deepEqual(await leases.waiters("db"), ["bob", "carol", "dave"]);
    assert.deepEqual(await leases.cancel("db", "carol"), { status: "left", position: 2 });
    assert.deepEqual(await leases.cancel("db", "carol"), { status: "notQueued" });
    const r1 = await leases.release("db", "alice", a.token);
    assert.equal(r1.next.owner, "bob");
    assert.equal(r1.next.expiresAtMs - r1.next.grantedAtMs, 5000);
    const r2 = await leases.release("db", "bob", r1.next.token);
    assert.equal(r2.next.owner, "dave");
    assert.deepEqual(await leases.waiters("db"), []);
  },

  async "fifo: false serves waiters in owner order"(make) {
    const { leases } = await make({ fifo: false });
    const a = await leases.acquire("db", "zed", { ttlMs: 5000 });
    await leases.acquire("db", "mia", { ttlMs: 5000, wait: 5000 });
    await leases.acquire("db", "amy", { ttlMs: 5000, wait: 5000 });
    assert.deepEqual(await leases.waiters("db"), ["amy", "mia"]);
    assert.equal((await leases.release("db", "zed", a.token)).next.owner, "amy");
  },

  async "a waiter past its deadline is dropped, never granted"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 5000 });
    assert.equal((await leases.acquire("db", "bob", { ttlMs: 5000, wait: 100 })).status, "queued");
    await sleep(200);
    assert.deepEqual(await leases.waiters("db"), []);
    assert.deepEqual(await leases.release("db", "alice", a.token), { status: "released" });
    assert.equal(await leases.holder("db"), undefined);
    // The etcd 3.4.3 case: the holder expires after the waiter's deadline; nobody is granted.
    await leases.acquire("db2", "alice", { ttlMs: 200 });
    await leases.acquire("db2", "bob", { ttlMs: 5000, wait: 100 });
    await sleep(300);
    assert.equal(await leases.holder("db2"), undefined);
  },

  async "a waiter is granted at the instant the lease expires, for its full TTL"(make) {
    const { leases } = await make();
    const a = await leases.acquire("db", "alice", { ttlMs: 150 });
    await leases.acquire("db", "bob", { ttlMs: 2000, wait: 2000 });
    await sleep(300);
    const held = await leases.holder("db");
    assert.equal(held.owner, "bob");
    assert.equal(held.grantedAtMs, a.expiresAtMs);
    assert.equal(held.expiresAtMs, a.expiresAtMs + 2000);
    assert.ok(held.token > a.token);
    const again = await leases.acquire("db", "bob", { ttlMs: 2000, wait: 2000 });
    assert.equal(again.status, "busy", "bob already holds it");
  },

  async "lock-delay blocks grants after an expiry, never after a release"(make) {
    const { leases } = await make({ lockDelayMs: 800 });
    const a = await leases.acquire("db", "alice", { ttlMs: 100 });
    await sleep(150);
    const d = await leases.acquire("db", "bob", { ttlMs: 1000 });
    assert.deepEqual(d, { status: "delayed", untilMs: a.expiresAtMs + 800 });
    assert.equal((await leases.acquire("db", "bob", { ttlMs: 1000, wait: 5000 })).status, "queued");
    await sleep(850);
    const held = await leases.holder("db");
    assert.equal(held.owner, "bob");
    assert.equal(held.grantedAtMs, a.expiresAtMs + 800);
    await leases.acquire("db", "carol", { ttlMs: 1000, wait: 2000 });
    const rel = await leases.release("db", "bob", held.token);
    assert.equal(rel.next.owner, "carol", "a release hands over at once");
  },

  async "elections: one leader, candidates in line, resign hands over"(make) {
    const { leases } = await make();
    const n1 = await leases.campaign("primary", "n1", { ttlMs: 3000 });
    assert.equal(n1.status, "leader");
    assert.deepEqual(await leases.campaign("primary", "n2", { ttlMs: 3000 }), { status: "candidate", position: 1, leader: "n1" });
    assert.deepEqual(await leases.campaign("primary", "n3", { ttlMs: 3000 }), { status: "candidate", position: 2, leader: "n1" });
    const again = await leases.campaign("primary", "n1", { ttlMs: 4000 });
    assert.equal(again.status, "leader");
    assert.equal(again.token, n1.token, "campaigning again keeps the token");
    assert.ok(again.expiresAtMs >= n1.expiresAtMs);
    assert.deepEqual(await leases.candidates("primary"), ["n2", "n3"]);
    assert.deepEqual(await leases.withdraw("primary", "n3"), { status: "left", position: 2 });
    assert.deepEqual(await leases.withdraw("primary", "n1"), { status: "notQueued" });
    assert.deepEqual(await leases.resign("primary", "n2", n1.token), { status: "rejected", reason: "notHolder" });
    const r = await leases.resign("primary", "n1", n1.token);
    assert.equal(r.status, "resigned");
    assert.equal(r.next.leader, "n2");
    assert.ok(r.next.token > n1.token);
    assert.equal((await leases.leader("primary")).leader, "n2");
    // Elections and locks are separate namespaces.
    assert.equal(await leases.holder("primary"), undefined);
    assert.equal((await leases.acquire("primary", "x", { ttlMs: 1000 })).status, "granted");
    // A leader that stops campaigning lapses; the next live candidate is elected.
    await leases.campaign("e2", "a", { ttlMs: 150 });
    await leases.campaign("e2", "b", { ttlMs: 2000 });
    await sleep(250);
    assert.equal((await leases.leader("e2")).leader, "b");
  },

  async "the store rejects stale tokens and supports compare-and-set"(make) {
    const { leases, store } = await make();
    const a = await leases.acquire("file", "alice", { ttlMs: 150 });
    assert.deepEqual(await store.write("file", { text: "a" }, a.token), { accepted: true, version: 1 });
    await sleep(200);
    const b = await leases.acquire("file", "bob", { ttlMs: 5000 });
    assert.deepEqual(await store.write("file", { text: "b" }, b.token), { accepted: true, version: 2 });
    // The paused former holder wakes up and writes: refused, nothing changes.
    assert.deepEqual(await store.write("file", { text: "late" }, a.token), {
      accepted: false,
      reason: "staleToken",
      highest: b.token,
    });
    assert.deepEqual(await store.read("file"), { value: { text: "b" }, token: b.token, version: 2 });
    assert.deepEqual(await store.write("file", [1, 2], b.token), { accepted: true, version: 3 });
    assert.equal(await store.read("missing"), undefined);
    assert.deepEqual(await store.compareAndSet("n", 0, 1), { accepted: true, version: 1 });
    assert.deepEqual(await store.compareAndSet("n", 0, 2), { accepted: false, version: 1 });
    assert.deepEqual(await store.compareAndSet("n", 1, 2), { accepted: true, version: 2 });
    assert.deepEqual(await store.read("n"), { value: 2, token: 0, version: 2 });
    assert.deepEqual(await store.compareAndSet("file", 3, "cas"), { accepted: true, version: 4 });
    assert.equal((await store.read("file")).token, b.token, "compare-and-set keeps the highest token");
  },

  async "a fenced read registers the reader's token; an older holder is refused"(make, t) {
    const { leases, store, fencedRead } = await make();
    if (!fencedRead) return t.skip("this backend's store has no fenced read");
    const a = await leases.acquire("stock", "alice", { ttlMs: 150 });
    assert.deepEqual(await store.write("stock", { n: 10 }, a.token), { accepted: true, version: 1 });
    assert.deepEqual(await store.read("stock", { token: a.token }), { accepted: true, value: { n: 10 }, token: a.token, version: 1 });
    await sleep(200);
    const b = await leases.acquire("stock", "bob", { ttlMs: 5000 });
    // Bob reads under his token: it becomes the key's highest; value and version stay.
    assert.deepEqual(await store.read("stock", { token: b.token }), { accepted: true, value: { n: 10 }, token: b.token, version: 1 });
    assert.deepEqual(await store.read("stock"), { value: { n: 10 }, token: b.token, version: 1 });
    // Alice, paused past her lease, comes back: her write and her read are refused.
    assert.deepEqual(await store.write("stock", { n: 9 }, a.token), { accepted: false, reason: "staleToken", highest: b.token });
    assert.deepEqual(await store.read("stock", { token: a.token }), { accepted: false, reason: "staleToken", highest: b.token });
    assert.deepEqual(await store.write("stock", { n: 9 }, b.token), { accepted: true, version: 2 });
    // A key that does not exist: undefined, and nothing registered.
    assert.equal(await store.read("fresh", { token: b.token }), undefined);
    assert.deepEqual(await store.write("fresh", 1, a.token), { accepted: true, version: 1 });
    await rejects(store.read("stock", { token: -1 }), RangeError, "options.token must be a non-negative safe integer (0..=2^53-1), got -1");
    await rejects(store.read("stock", { tokn: 1 }), TypeError, /^unknown option "tokn" in options \(allowed: token\)/);
    await rejects(store.read("stock", 5), TypeError, "options must be a plain object, got 5");
    await rejects(store.read("", { token: 1 }), RangeError, "key must not be empty");
  },

  async "bad ids, TTLs and options get LeaseTable's errors"(make) {
    const { leases, store } = await make({ minTtlMs: 10, maxTtlMs: 10_000 });
    const ok = { ttlMs: 100 };
    await rejects(leases.acquire("", "a", ok), RangeError, "resource must not be empty");
    await rejects(leases.acquire("r", "", ok), RangeError, "owner must not be empty");
    await rejects(leases.acquire("r", "x".repeat(257), ok), RangeError, "owner must be at most 256 UTF-8 bytes, got 257");
    await rejects(leases.acquire("r", "é".repeat(129), ok), RangeError, "owner must be at most 256 UTF-8 bytes, got 258");
    await rejects(leases.acquire(42, "a", ok), TypeError, "resource must be a string, got 42");
    await rejects(leases.acquire("r", "\ud800", ok), RangeError, "owner must be well-formed UTF-16, but it contains a lone surrogate");
    await rejects(leases.acquire("r", "a", { ttlMs: 5 }), RangeError, "ttlMs must be an integer in [10, 10000] ms, got 5");
    await rejects(leases.acquire("r", "a", { ttlMs: 20_000 }), RangeError, "ttlMs must be an integer in [10, 10000] ms, got 20000");
    await rejects(
      leases.acquire("r", "a", { ttlMs: -1 }),
      RangeError,
      "options.ttlMs must be a non-negative safe integer (0..=2^53-1), got -1",
    );
    await rejects(
      leases.acquire("r", "a", { ttlMs: 1.5 }),
      RangeError,
      "options.ttlMs must be a non-negative safe integer (0..=2^53-1), got 1.5",
    );
    await rejects(
      leases.acquire("r", "a", { ttlMs: NaN }),
      RangeError,
      "options.ttlMs must be a non-negative safe integer (0..=2^53-1), got NaN",
    );
    await rejects(leases.acquire("r", "a", { ttlMs: "100" }), TypeError, 'options.ttlMs must be a number, got "100"');
    await rejects(leases.acquire("r", "a", { ttlMs: 100, wait: 1 }), RangeError, "wait must be an integer in [10, 10000] ms, got 1");
    await rejects(
      leases.acquire("r", "a", { ttlMs: 100, wait: "x" }),
      TypeError,
      'options.wait must be a number (ms) or a boolean, got "x"',
    );
    await rejects(leases.acquire("r", "a", { ttlMs: 100, requestId: "" }), RangeError, "requestId must not be empty");
    await rejects(leases.acquire("r", "a", { ttlMs: 100, bogus: 1 }), TypeError, /^unknown option "bogus" in options \(allowed: ttlMs, /);
    await rejects(leases.acquire("r", "a"), TypeError, "options must be a plain object, got undefined");
    await rejects(leases.acquire("r", "a", new Map()), TypeError, "options must be a plain object, got an object");
    await rejects(leases.renew("r", "a", -1, ok), RangeError, "token must be a non-negative safe integer (0..=2^53-1), got -1");
    await rejects(leases.renew("r", "a", 1, { ttlMs: 0 }), RangeError, "ttlMs must be an integer in [10, 10000] ms, got 0");
    await rejects(
      leases.release("r", "a", 2 ** 53),
      RangeError,
      "token must be a non-negative safe integer (0..=2^53-1), got 9007199254740992",
    );
    await rejects(leases.release("r", "", 1), RangeError, "owner must not be empty");
    await rejects(leases.cancel("", "a"), RangeError, "resource must not be empty");
    await rejects(leases.holder(""), RangeError, "resource must not be empty");
    await rejects(leases.campaign("e", "", ok), RangeError, "candidate must not be empty");
    await rejects(leases.campaign("", "c", ok), RangeError, "election must not be empty");
    await rejects(leases.campaign("e", "c", { ttlMs: 1 }), RangeError, "ttlMs must be an integer in [10, 10000] ms, got 1");
    await rejects(leases.resign("e", "c", 0.5), RangeError, "token must be a non-negative safe integer (0..=2^53-1), got 0.5");
    await rejects(leases.withdraw("e", ""), RangeError, "candidate must not be empty");
    await rejects(leases.leader(""), RangeError, "election must not be empty");
    await rejects(store.write("", 1, 1), RangeError, "key must not be empty");
    await rejects(store.write("k", 1, -2), RangeError, "token must be a non-negative safe integer (0..=2^53-1), got -2");
    await rejects(store.write("k", 1n, 1), TypeError, /^value must be JSON-compatible/);
    await rejects(store.compareAndSet("k", -1, 1), RangeError, "expectedVersion must be a non-negative safe integer (0..=2^53-1), got -1");
    // Nothing changed: the backend still works.
    assert.equal((await leases.acquire("r", "a", ok)).status, "granted");
    // Options.
    await rejects(make({ minTtlMs: 0 }), RangeError, "minTtlMs must be an integer in [1, 1099511627776] ms, got 0");
    await rejects(make({ minTtlMs: 100, maxTtlMs: 50 }), RangeError, "maxTtlMs must be an integer in [100, 1099511627776] ms, got 50");
    await rejects(make({ lockDelayMs: 60_001 }), RangeError, "lockDelayMs must be an integer in [0, 60000] ms, got 60001");
    await rejects(make({ fifo: 1 }), TypeError, "options.fifo must be a boolean, got 1");
    await rejects(make({ maxTtlMs: -5 }), RangeError, "options.maxTtlMs must be a non-negative safe integer (0..=2^53-1), got -5");
    await rejects(make({ ttl: 5 }), TypeError, /^unknown option "ttl" in options \(allowed: minTtlMs, maxTtlMs, lockDelayMs, fifo/);
  },
};

/**
 * Registers every case as a `node:test` test under `describe(label)`.
 * @param {string} label
 * @param {(options?: object) => Promise<{ leases: any, store: any, close(): Promise<void> }>} factory
 */
export function runContract(label, factory) {
  describe(`lease contract: ${label}`, () => {
    const open = [];
    const make = async (options) => {
      const backend = await factory(options);
      open.push(backend);
      return backend;
    };
    after(async () => {
      for (const backend of open) await backend.close();
    });
    for (const [name, run] of Object.entries(cases)) {
      test(name, (t) => run(make, t));
    }
  });
}
