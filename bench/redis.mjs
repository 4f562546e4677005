// Benchmarks ringlease/redis (`RedisLeases`, through ioredis and through node-redis) against
// `redlock` 4.2.0 (one instance, ioredis) and `redis-semaphore` (its Mutex, ioredis), on one
// private redis-server started here: acquire+release cycles at 1 and at 64 concurrent clients,
// each client on its own resource (no contention: the cost of a lock, not of waiting). Prints
// throughput (cycles/s), p50 and p99 cycle latency, the ratios to redlock, and writes
// bench/results/redis.json. See bench/README.md.
//
//   npm run bench           # everything, this file last
//   node bench/redis.mjs    # alone (needs redis-server on PATH; no pkg/ needed)
//   node bench/redis.mjs --quick
import { mkdirSync, writeFileSync } from "node:fs";

import { Redis } from "ioredis";
import { createClient } from "redis";
import { Mutex } from "redis-semaphore";
import Redlock from "redlock";

import { RedisLeases } from "../redis/index.js";
import { startRedis } from "../tests/contract/redis-server.mjs";
import { environment, failer, log, median } from "./common.mjs";

const fail = failer(import.meta.url);
const QUICK = process.argv.includes("--quick");
const CONCURRENCY = [1, 64];
// Many short slices, each round running every library once in a rotated order, and the median
// over rounds: a busy spell of a shared machine lands on every library alike.
const ROUNDS = QUICK ? 4 : 15;
const SLICE_MS = QUICK ? 200 : 300; // timed per library, concurrency and round
const WARMUP_MS = 300;
const TTL_MS = 10_000;
const TARGET = 0.8; // ringlease ≥ 0.8 × redlock's throughput

const server = await startRedis();
const stop = async () => server.stop();
process.on("SIGINT", () => stop().then(() => process.exit(130)));

const ioA = new Redis({ port: server.port, host: "127.0.0.1" });
const ioB = new Redis({ port: server.port, host: "127.0.0.1" });
const ioC = new Redis({ port: server.port, host: "127.0.0.1" });
const nr = await createClient({ url: server.url }).connect();

const ringIo = new RedisLeases(ioA, { prefix: "bench-io" });
const ringNr = new RedisLeases(nr, { prefix: "bench-nr" });
const redlock = new Redlock([ioB], { retryCount: 0, driftFactor: 0.01 });
redlock.on("clientError", () => {});

/** One acquire+release cycle per library, for client `c`; throws if the lock was not taken. */
const libraries = {
  "ringlease (ioredis)": async (c) => {
    /** @type {any} */
    const a = await ringIo.acquire(`r${c}`, `c${c}`, { ttlMs: TTL_MS });
    if (a.status !== "granted") throw new Error(`not granted: ${a.status}`);
    const r = await ringIo.release(`r${c}`, `c${c}`, a.token);
    if (r.status !== "released") throw new Error(`not released: ${r.reason}`);
  },
  "ringlease (node-redis)": async (c) => {
    /** @type {any} */
    const a = await ringNr.acquire(`r${c}`, `c${c}`, { ttlMs: TTL_MS });
    if (a.status !== "granted") throw new Error(`not granted: ${a.status}`);
    const r = await ringNr.release(`r${c}`, `c${c}`, a.token);
    if (r.status !== "released") throw new Error(`not released: ${r.reason}`);
  },
  "redlock 4.2.0": async (c) => {
    const lock = await redlock.lock(`redlock:r${c}`, TTL_MS);
    await lock.unlock();
  },
  "redis-semaphore Mutex": async (c) => {
    const mutex = new Mutex(ioC, `r${c}`, { lockTimeout: TTL_MS, acquireAttemptsLimit: 1, refreshInterval: 0 });
    await mutex.acquire();
    await mutex.release();
  },
};

/** Runs `clients` concurrent loops of `cycle` for `ms`; returns cycles/s and latencies (ms). */
async function measure(cycle, clients, ms) {
  const latencies = [];
  let stopAt = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < stopAt) {
        const t = performance.now();
        await cycle(c);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  stopAt = 0;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { cycles: latencies.length, perSec: (latencies.length / elapsed) * 1000, p50: pct(0.5), p99: pct(0.99) };
}

const results = {};
try {
  // Checks before timing: each library really excludes a second holder.
  for (const [name, cycle] of Object.entries(libraries)) {
    await cycle(999);
    log(`${name}: one cycle ok`);
  }
  {
    /** @type {any} */
    const a = await ringIo.acquire("check", "x", { ttlMs: TTL_MS });
    /** @type {any} */
    const b = await ringIo.acquire("check", "y", { ttlMs: TTL_MS });
    if (a.status !== "granted" || b.status !== "busy") fail("ringlease let two holders in");
    await ringIo.release("check", "x", a.token);
  }
  const names = Object.keys(libraries);
  for (const clients of CONCURRENCY) {
    for (const name of names) await measure(libraries[name], clients, WARMUP_MS);
    const runs = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        const r = await measure(libraries[name], clients, SLICE_MS);
        runs[name].push(r);
        if (round % 5 === 4 || QUICK)
          log(
            `c=${clients} round ${round + 1} ${name}: ${Math.round(r.perSec)} cycles/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
          );
      }
    }
    results[clients] = Object.fromEntries(
      names.map((n) => [
        n,
        {
          perSec: median(runs[n].map((r) => r.perSec)),
          p50: median(runs[n].map((r) => r.p50)),
          p99: median(runs[n].map((r) => r.p99)),
          runs: runs[n],
        },
      ]),
    );
  }
} finally {
  await ringIo.close();
  await ringNr.close();
  ioA.disconnect();
  ioB.disconnect();
  ioC.disconnect();
  nr.destroy();
  await stop();
}

const version = (await import("node:child_process")).execFileSync("redis-server", ["--version"], { encoding: "utf8" }).trim();
console.log(`\nacquire+release cycles on one redis-server (${version.split(" ")[2]}), ${ROUNDS} round(s) × ${SLICE_MS} ms, median\n`);
console.log("| library | clients | cycles/s | p50 ms | p99 ms | × redlock |");
console.log("|---|---:|---:|---:|---:|---:|");
const targets = [];
for (const clients of CONCURRENCY) {
  const base = results[clients]["redlock 4.2.0"].perSec;
  for (const [name, r] of Object.entries(results[clients])) {
    const ratio = r.perSec / base;
    console.log(`| ${name} | ${clients} | ${Math.round(r.perSec)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${ratio.toFixed(2)} |`);
  }
  for (const name of ["ringlease (ioredis)", "ringlease (node-redis)"]) {
    const ratio = results[clients][name].perSec / base;
    targets.push({ clients, name, ratio, met: ratio >= TARGET });
  }
}
console.log("");
for (const t of targets) {
  console.log(`target ${t.name} ≥ ${TARGET} × redlock at ${t.clients} client(s): ${t.ratio.toFixed(2)} ${t.met ? "MET" : "NOT MET"}`);
}
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL(`results/${QUICK ? "redis-partial" : "redis"}.json`, import.meta.url),
  JSON.stringify({ environment: environment(), redis: version, rounds: ROUNDS, sliceMs: SLICE_MS, results, targets }, null, 2),
);
