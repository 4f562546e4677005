// Redis-only cases, with node-redis and with ioredis, each on its own private redis-server:
// tokens across kill -9 and a restart with persistence off (and the bare-INCR negative control
// that must fail it), NOSCRIPT recovery, a connection dropped mid-call, Redis errors, bad
// clients, and withLock (turns via pub/sub, background renewal, its signal on expiry).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { Redis } from "ioredis";
import { createClient } from "redis";

import { startProxy } from "../../chaos/proxy.mjs";
import { RedisFencedStore, RedisLeases } from "../../redis/index.js";
import { compileScripts, scriptsFor } from "../../redis/internal.js";
import { LEASE_SCRIPTS } from "../../redis/scripts.js";
import { connect, disconnect } from "./redis-backend.mjs";
import { startRedis } from "./redis-server.mjs";

/** Retries `fn` while the client reconnects (after a restart), for at most `ms`. */
async function eventually(fn, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(50);
    }
  }
}

/** Polls `predicate` until it holds (or fails after `ms`). */
async function until(predicate, ms = 3000) {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) return false;
    await sleep(25);
  }
  return true;
}

/** Blocks the event loop (a GC pause, a slow synchronous step). */
function busyWait(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

const command = (client, args) => (client instanceof Redis ? client.call(args[0], ...args.slice(1)) : client.sendCommand(args));

// The negative control: the same scripts with the token taken from a bare INCR counter.
const TIME_SEEDED = `  local token = S.lt + 1
  if NOW_US > token then token = NOW_US end`;
const BARE_INCR = `  local token = redis.call('INCR', KEY .. ':counter')`;
const incrScripts = compileScripts(
  Object.fromEntries(Object.entries(LEASE_SCRIPTS).map(([name, src]) => [name, src.replace(TIME_SEEDED, BARE_INCR)])),
);

/**
 * Grants a few tokens, kills the server with SIGKILL (persistence off), restarts it empty, and
 * returns the tokens granted before and the first one after.
 */
async function tokensAcrossCrash(server, leases) {
  const before = [];
  for (let i = 0; i < 5; i++) {
    /** @type {any} */
    const r = await leases.acquire("crash", `o${i}`, { ttlMs: 5000 });
    assert.equal(r.status, "granted");
    before.push(r.token);
    await leases.release("crash", `o${i}`, r.token);
  }
  await server.kill9();
  await server.restart();
  const afterCrash = await eventually(() => leases.acquire("crash", "new", { ttlMs: 5000 }));
  assert.equal(afterCrash.status, "granted");
  return { before, after: afterCrash.token };
}

for (const kind of ["node-redis", "ioredis"]) {
  describe(`RedisLeases with ${kind}: Redis-only cases`, () => {
    let server;
    let client;
    const cleanups = [];
    before(async () => {
      server = await startRedis();
      client = await connect(kind, server);
    });
    after(async () => {
      for (const fn of cleanups) await fn();
      if (client) disconnect(client);
      await server?.stop();
    });
    const leasesWith = (options = {}) => {
      const leases = new RedisLeases(client, { prefix: `t-${Math.random()}`, ...options });
      cleanups.push(() => leases.close());
      return leases;
    };

    test("tokens keep increasing across kill -9 and a restart with persistence off", async () => {
      const { before, after: next } = await tokensAcrossCrash(server, leasesWith());
      assert.ok(next > Math.max(...before), `after the restart ${next} must exceed ${before}`);
      assert.ok(next < 2 ** 53);
    });

    test("negative control: a bare INCR counter fails the same check", async () => {
      const leases = leasesWith();
      scriptsFor.set(leases, incrScripts);
      assert.notEqual(incrScripts.acquire.source, LEASE_SCRIPTS.acquire, "the control swaps the token line");
      const { before, after: next } = await tokensAcrossCrash(server, leases);
      assert.deepEqual(before, [1, 2, 3, 4, 5]);
      // The property the real scheme passes is violated: the token went backwards.
      assert.ok(!(next > Math.max(...before)), `bare INCR restarted at ${next}`);
      assert.equal(next, 1);
    });

    test("tokens keep increasing after a failover to a replica that missed the writes", async () => {
      // A replica that was cut off from its primary before these grants (here: one that never
      // replicated them) takes over; the resource's state there is older or absent.
      const replica = await startRedis();
      try {
        const rc = await connect(kind, replica);
        try {
          const leases = leasesWith();
          const onReplica = new RedisLeases(rc, { prefix: leases.prefix });
          cleanups.push(() => onReplica.close());
          const seen = [];
          for (let i = 0; i < 3; i++) {
            /** @type {any} */
            const r = await leases.acquire("failover", "p", { ttlMs: 5000 });
            seen.push(r.token);
            await leases.release("failover", "p", r.token);
          }
          /** @type {any} */
          const next = await onReplica.acquire("failover", "q", { ttlMs: 5000 });
          assert.equal(next.status, "granted");
          assert.ok(next.token > Math.max(...seen), `${next.token} after ${seen}`);
        } finally {
          disconnect(rc);
        }
      } finally {
        await replica.stop();
      }
    });

    test("NOSCRIPT after SCRIPT FLUSH: the script is loaded again", async () => {
      const leases = leasesWith();
      /** @type {any} */
      const a = await leases.acquire("db", "alice", { ttlMs: 5000 });
      await command(client, ["SCRIPT", "FLUSH"]);
      const { sha1 } = await import("../../redis/client.js");
      const sha = sha1(LEASE_SCRIPTS.release);
      assert.deepEqual(await command(client, ["SCRIPT", "EXISTS", sha]), [0]);
      assert.deepEqual(await leases.release("db", "alice", a.token), { status: "released" });
      assert.deepEqual(await command(client, ["SCRIPT", "EXISTS", sha]), [1]);
    });

    test("calls sent together (one tick) each get their own reply, error or reload", async () => {
      const leases = leasesWith();
      // Some calls of one tick hit a key of the wrong type: only those fail.
      await command(client, ["HSET", leases.keyOf("typed"), "f", "v"]);
      /** @type {any[]} */
      const mixed = await Promise.allSettled([
        leases.acquire("t0", "a", { ttlMs: 5000 }),
        leases.acquire("typed", "a", { ttlMs: 5000 }),
        leases.acquire("t1", "a", { ttlMs: 5000 }),
        leases.acquire("t0", "b", { ttlMs: 5000 }),
        leases.holder("typed"),
        leases.holder("t1"),
      ]);
      assert.deepEqual(
        mixed.map((r) => r.status),
        ["fulfilled", "rejected", "fulfilled", "fulfilled", "rejected", "fulfilled"],
      );
      assert.equal(mixed[0].value.status, "granted");
      assert.match(mixed[1].reason.message, /^RedisLeases\.acquire on resource "typed": WRONGTYPE/);
      assert.equal(mixed[2].value.status, "granted");
      assert.deepEqual(mixed[3].value, { status: "busy", holder: "a", expiresAtMs: mixed[0].value.expiresAtMs });
      assert.match(mixed[4].reason.message, /^RedisLeases\.holder on resource "typed": WRONGTYPE/);
      assert.equal(mixed[5].value.token, mixed[2].value.token);
      // After SCRIPT FLUSH, every call of a tick meets NOSCRIPT, loads its script and runs.
      await command(client, ["SCRIPT", "FLUSH"]);
      const again = await Promise.all([
        leases.release("t0", "a", mixed[0].value.token),
        leases.release("t1", "a", mixed[2].value.token),
        leases.acquire("t2", "c", { ttlMs: 5000 }),
        leases.acquire("t2", "d", { ttlMs: 5000 }),
        leases.waiters("t2"),
      ]);
      assert.deepEqual(again.slice(0, 2), [{ status: "released" }, { status: "released" }]);
      assert.equal(again[2].status, "granted");
      assert.deepEqual(again[3], { status: "busy", holder: "c", expiresAtMs: again[2].expiresAtMs });
      assert.deepEqual(again[4], []);
      assert.ok(again[2].token > mixed[2].value.token);
    });

    test("a connection dropped mid-call: a clear error, and no lease nobody knows about", async () => {
      const proxy = await startProxy(server.port);
      cleanups.push(() => proxy.close());
      const viaProxy = await connect(kind, { url: `redis://127.0.0.1:${proxy.port}`, port: proxy.port });
      cleanups.push(() => disconnect(viaProxy));
      const leases = new RedisLeases(viaProxy, { prefix: `drop-${Math.random()}` });
      cleanups.push(() => leases.close());
      const observer = new RedisLeases(client, { prefix: leases.prefix });
      await leases.acquire("warm", "x", { ttlMs: 1000 }); // scripts loaded, connection up
      proxy.dropNextReply();
      let outcome;
      try {
        outcome = await leases.acquire("db", "alice", { ttlMs: 10_000 });
      } catch (err) {
        outcome = err;
      }
      // node-redis fails the pending command; ioredis resends it after reconnecting.
      assert.equal(outcome instanceof Error, kind === "node-redis", String(outcome?.message ?? outcome?.status));
      if (outcome instanceof Error) {
        assert.match(outcome.message, /^RedisLeases\.acquire on resource "db": /);
        assert.match(outcome.message, /connection failed before the reply/);
        // The script did run (the reply was lost after it); the lease it made is released
        // as soon as the client is connected again, long before its 10 s TTL.
        assert.ok(await until(async () => (await observer.holder("db")) === undefined, 5000), "lease dropped");
      } else {
        // The client resent the command after reconnecting: the resend is recognised as the
        // same request, so the caller holds exactly the lease the server has.
        assert.equal(outcome.status, "granted");
        assert.equal((await observer.holder("db")).token, outcome.token);
      }
      assert.deepEqual(await observer.waiters("db"), []);
    });

    test("Redis errors name the method and the resource, never a wrong outcome", async () => {
      const leases = leasesWith();
      await command(client, ["HSET", leases.keyOf("typed"), "f", "v"]);
      await assert.rejects(leases.acquire("typed", "a", { ttlMs: 1000 }), (/** @type {any} */ err) => {
        assert.equal(err.constructor, Error);
        assert.match(err.message, /^RedisLeases\.acquire on resource "typed": WRONGTYPE/);
        assert.ok(err.cause);
        return true;
      });
      await command(client, ["HSET", leases.keyOf("typed-e", "election"), "f", "v"]);
      await assert.rejects(leases.campaign("typed-e", "a", { ttlMs: 1000 }), /RedisLeases\.campaign on election "typed-e": WRONGTYPE/);
      await assert.rejects(leases.resign("typed-e", "a", 1), /RedisLeases\.resign on election "typed-e": WRONGTYPE/);
      await assert.rejects(leases.candidates("typed-e"), /RedisLeases\.candidates on election "typed-e": WRONGTYPE/);
      await assert.rejects(leases.release("typed", "a", 1), /RedisLeases\.release on resource "typed": WRONGTYPE/);
      const store = new RedisFencedStore(client, { prefix: leases.prefix });
      await command(client, ["SET", store.keyOf("k"), "a string"]);
      await assert.rejects(store.write("k", 1, 1), /RedisFencedStore\.write on key "k": WRONGTYPE/);
      await command(client, ["CONFIG", "SET", "maxmemory", "1"]);
      try {
        await assert.rejects(leases.acquire("oom", "a", { ttlMs: 1000 }), /RedisLeases\.acquire on resource "oom": OOM/);
      } finally {
        await command(client, ["CONFIG", "SET", "maxmemory", "0"]);
      }
      assert.equal(await leases.holder("oom"), undefined);
      const replica = await startRedis({ args: ["--replicaof", "127.0.0.1", String(server.port)] });
      try {
        const rc = await connect(kind, replica);
        try {
          const onReplica = new RedisLeases(rc, { prefix: leases.prefix });
          await assert.rejects(onReplica.acquire("db", "a", { ttlMs: 1000 }), /RedisLeases\.acquire on resource "db": READONLY/);
        } finally {
          disconnect(rc);
        }
      } finally {
        await replica.stop();
      }
    });

    test("a client that is not a connected node-redis or ioredis client is a TypeError", async () => {
      for (const bad of [undefined, null, {}, "redis://x", { eval() {} }]) {
        assert.throws(() => new RedisLeases(/** @type {any} */ (bad)), {
          name: "TypeError",
          message: /^new RedisLeases: client must be a connected node-redis v5 client .* or an ioredis 5\/6 client/,
        });
      }
      if (kind === "node-redis") {
        const idle = createClient({ url: server.url });
        assert.throws(() => new RedisLeases(idle), /new RedisLeases: client is a node-redis client that is not connected/);
      } else {
        const closed = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true });
        closed.disconnect();
        await sleep(10);
        assert.throws(() => new RedisLeases(closed), /new RedisLeases: client is an ioredis client whose connection is closed/);
      }
    });

    test("withLock runs fn with a token and releases after, also when fn throws", async () => {
      const leases = leasesWith();
      const seen = await leases.withLock(
        "job",
        "w1",
        async ({ token, signal }) => {
          assert.equal((await leases.holder("job")).token, token);
          assert.equal(signal.aborted, false);
          return token;
        },
        { ttlMs: 2000 },
      );
      assert.ok(seen > 0);
      assert.equal(await leases.holder("job"), undefined);
      await assert.rejects(
        leases.withLock(
          "job",
          "w1",
          () => {
            throw new Error("boom");
          },
          { ttlMs: 2000 },
        ),
        /boom/,
      );
      assert.equal(await leases.holder("job"), undefined);
      // Held by someone else and no waitMs: rejects at once.
      /** @type {any} */
      const other = await leases.acquire("job", "w2", { ttlMs: 2000 });
      await assert.rejects(
        leases.withLock("job", "w1", () => 1, { ttlMs: 2000 }),
        /the lock is busy \(held by "w2"\); pass waitMs/,
      );
      await leases.release("job", "w2", other.token);
    });

    test("withLock waits its turn in FIFO order, woken by pub/sub", async () => {
      const leases = leasesWith();
      const order = [];
      // ttlMs 6000: the polling fallback would wake a waiter only every 1000 ms.
      const holdFor = (name, ms) =>
        leases.withLock(
          "fifo",
          name,
          async ({ token }) => {
            order.push([name, token, Date.now()]);
            await sleep(ms);
          },
          { ttlMs: 6000, waitMs: 5000 },
        );
      const first = holdFor("a", 150);
      await sleep(30);
      const second = holdFor("b", 50);
      await sleep(30);
      const third = holdFor("c", 10);
      await Promise.all([first, second, third]);
      assert.deepEqual(
        order.map(([n]) => n),
        ["a", "b", "c"],
      );
      assert.ok(order[1][1] > order[0][1] && order[2][1] > order[1][1], "tokens increase");
      const handover = order[2][2] - order[1][2];
      assert.ok(handover < 600, `hand-over took ${handover} ms: pub/sub, not polling`);
      assert.equal(await leases.holder("fifo"), undefined);
    });

    test("withLock renews in the background while fn runs", async () => {
      const leases = leasesWith();
      await leases.withLock(
        "long",
        "w",
        async ({ token, signal }) => {
          await sleep(1500); // 2.5 × ttlMs
          assert.equal(signal.aborted, false);
          assert.equal((await leases.holder("long")).token, token);
        },
        { ttlMs: 600 },
      );
    });

    test("withLock rejects on waitMs and on the caller's signal, leaving no queue entry", async () => {
      const leases = leasesWith();
      /** @type {any} */
      const held = await leases.acquire("busy", "holder", { ttlMs: 5000 });
      const t0 = Date.now();
      await assert.rejects(
        leases.withLock("busy", "w", () => 1, { ttlMs: 1000, waitMs: 200 }),
        /^Error: RedisLeases\.withLock on resource "busy": not granted within waitMs \(200 ms\)/,
      );
      assert.ok(Date.now() - t0 < 1500);
      assert.ok(await until(async () => (await leases.waiters("busy")).length === 0));
      const controller = new AbortController();
      const pending = leases.withLock("busy", "w", () => 1, { ttlMs: 1000, waitMs: 5000, signal: controller.signal });
      await sleep(100);
      assert.deepEqual(await leases.waiters("busy"), ["w"]);
      controller.abort(new Error("shutting down"));
      await assert.rejects(pending, (/** @type {any} */ err) => {
        assert.match(err.message, /aborted by the caller's signal/);
        assert.equal(err.cause.message, "shutting down");
        return true;
      });
      assert.ok(await until(async () => (await leases.waiters("busy")).length === 0));
      await leases.release("busy", "holder", held.token);
    });

    test("withLock's signal aborts when the lease is taken away by expiry", async () => {
      const leases = leasesWith();
      let reason;
      let other;
      await leases.withLock(
        "pause",
        "sleeper",
        async ({ token, signal }) => {
          busyWait(450); // a pause longer than the TTL: no renewal can run
          other = await leases.acquire("pause", "other", { ttlMs: 5000 });
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve));
          reason = signal.reason;
          assert.ok(other.status === "granted" && other.token > token);
        },
        { ttlMs: 300 },
      );
      assert.match(reason.message, /^RedisLeases\.withLock on resource "pause": lease (expired|lost)/);
      assert.equal((await leases.holder("pause")).owner, "other", "the late release did not end other's lease");
    });
  });
}
