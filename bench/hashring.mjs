// Benchmarks the `ringlease/hashring` drop-in (pkg/ring/hashring.js on the release wasm build)
// against the npm package `hashring` 3.2.0 on hashring's own API, in one Node process: `get`
// and the constructor, on rings of 10 and 100 servers. Placement is asserted identical first.
//
// `get` is measured on 200,000 distinct keys, so hashring's LRU cache (5,000 entries) misses
// as it does on a real key space; a second case repeats 1,000 hot keys, where its cache hits.
// The cases alternate in chunks over several rounds, taking turns at going first in a chunk;
// the figure is the median round.
//
//   node bench/hashring.mjs            (npm run bench runs it after bench/ring.mjs)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { environment, failer, log, median, nowNs } from "./common.mjs";

const fail = failer(import.meta.url);
const require = createRequire(import.meta.url);
const Theirs = require("hashring");

const { initSync } = await import("../pkg/ring/index.js");
initSync({ module: readFileSync(new URL("../pkg/ring/ringlease_bg.wasm", import.meta.url)) });
const { default: HashRing } = await import("../pkg/ring/hashring.js");

const KEY_COUNT = 200_000;
const HOT_KEYS = 1_000;
const ROUNDS = 7;
const CHUNK = 20_000;
const BUILDS = 40;

const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `user:${i}:${(i * 2654435761) >>> 0}`);
const HOT = Array.from({ length: KEY_COUNT }, (_, i) => KEYS[i % HOT_KEYS]);
const servers = (n) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:11211`);

/** ns per `get` of each case, rounds alternating between the cases chunk by chunk. */
function measureGets(cases, keys) {
  const perRound = new Map(cases.map((c) => [c.name, []]));
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const totals = new Map(cases.map((c) => [c.name, 0n]));
    for (let start = 0, chunk = 0; start < keys.length; start += CHUNK, chunk++) {
      const end = Math.min(start + CHUNK, keys.length);
      // The case that runs first in a chunk reads its keys from memory cold: take turns.
      for (let turn = 0; turn < cases.length; turn++) {
        const c = cases[(turn + chunk + round) % cases.length];
        const t0 = nowNs();
        for (let i = start; i < end; i++) sink += c.ring.get(keys[i]).length;
        totals.set(c.name, totals.get(c.name) + (nowNs() - t0));
      }
    }
    for (const c of cases) perRound.get(c.name).push(Number(totals.get(c.name)) / keys.length);
  }
  if (sink === 0) fail("no lookups ran");
  return Object.fromEntries(cases.map((c) => [c.name, median(perRound.get(c.name))]));
}

/** ms per constructor call of each case, alternating. */
function measureBuilds(cases) {
  const times = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < BUILDS; i++) {
    for (const c of cases) {
      const t0 = nowNs();
      const ring = c.build();
      times.get(c.name).push(Number(nowNs() - t0) / 1e6);
      if (ring.size === 0) fail(`${c.name} built an empty ring`);
      c.done?.(ring);
    }
  }
  return Object.fromEntries(cases.map((c) => [c.name, median(times.get(c.name))]));
}

const results = { environment: environment(), hashring: Theirs.version, get: {}, build: {} };
const rows = [];
for (const n of [10, 100]) {
  const list = servers(n);
  const ours = new HashRing(list);
  const theirs = new Theirs(list);
  for (let i = 0; i < 20_000; i++) {
    if (ours.get(KEYS[i]) !== theirs.get(KEYS[i])) fail(`placement differs from hashring on ${KEYS[i]} (${n} servers)`);
  }
  log(`${n} servers: placement identical on 20,000 keys; timing get`);
  for (const [label, keys] of [
    ["distinct keys", KEYS],
    ["1,000 hot keys", HOT],
  ]) {
    const uncached = new HashRing(list, "md5", { "max cache size": 0 });
    const cases = [
      { name: "ringlease/hashring", ring: ours },
      { name: "ringlease/hashring, max cache size 0", ring: uncached },
      { name: "hashring", ring: new Theirs(list) },
    ];
    const ns = measureGets(cases, keys);
    uncached.end();
    results.get[`${n} servers, ${label}`] = ns;
    rows.push([`get, ${n} servers, ${label}`, ns["ringlease/hashring"], ns.hashring, "ns"]);
    rows.push([`  (max cache size 0)`, ns["ringlease/hashring, max cache size 0"], ns.hashring, "ns"]);
  }
  log(`${n} servers: timing the constructor`);
  const ms = measureBuilds([
    { name: "ringlease/hashring", build: () => new HashRing(list), done: (ring) => ring.end() },
    { name: "hashring", build: () => new Theirs(list) },
  ]);
  results.build[`${n} servers`] = ms;
  rows.push([`new HashRing(${n} servers)`, ms["ringlease/hashring"], ms.hashring, "ms"]);
  ours.end();
}

console.log(`\nringlease/hashring vs hashring ${Theirs.version} (median of ${ROUNDS} rounds; builds: median of ${BUILDS})`);
console.log("case                                   | ringlease/hashring | hashring   | speed-up");
for (const [name, ours, theirs, unit] of rows) {
  const fmt = (x) => `${x < 10 ? x.toFixed(3) : x.toFixed(1)} ${unit}`;
  console.log(`${name.padEnd(38)} | ${fmt(ours).padStart(18)} | ${fmt(theirs).padStart(10)} | ${(theirs / ours).toFixed(1)}×`);
}
console.log(`\n${JSON.stringify(results)}`);
