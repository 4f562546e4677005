// Benchmarks ringlease's HashRing (Rust → wasm, release build in pkg/) against the npm packages
// `hashring` 3.2.0 and `consistent-hash` 1.2.2, in one Node process, on the same workload:
// 100 nodes, 1,000,000 distinct keys, every library at its default options and point count.
// Prints a table and writes bench/results/ring.json. See bench/README.md.
//
//   npm run bench                      # builds pkg/ first, then runs this file
//   node bench/ring.mjs [--quick]      # --quick: 100k keys, fewer repetitions (smoke test)
//   node bench/ring.mjs --peers-only   # the JS peers alone (no pkg/ needed)
// --quick and --peers-only write bench/results/ring-partial.json, never ring.json.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const PEERS_ONLY = args.has("--peers-only");

// ---------------------------------------------------------------- workload
const NODES = 100;
const KEY_COUNT = QUICK ? 100_000 : 1_000_000;
const WARMUP_KEYS = Math.min(100_000, KEY_COUNT);
const LOOKUP_CHUNK = 10_000; // keys per timed slice; libraries alternate slice by slice
const LOOKUP_REPS = QUICK ? 3 : 5; // rounds of full passes over the key array (median reported)
const LOOKUP_BUDGET_MS = QUICK ? 5_000 : 40_000; // stop repeating (after 3 rounds) past this
const BUILD_REPS = { 100: 11, 1000: 5 }; // rounds per ring size (cheap 100-node builds get more)
const BUILD_BUDGET_MS = 15_000; // per ring size

const nodeIds = (n) => Array.from({ length: n }, (_, i) => `node-${i}`);
const IDS_100 = nodeIds(NODES);
const IDS_1000 = nodeIds(1000);
const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `key-${i}`); // built before any timing

// ---------------------------------------------------------------- peers and ringlease
const pkgVersion = (name) => require(`${name}/package.json`).version;
const HashRingJs = require("hashring");
const ConsistentHash = require("consistent-hash");
const versions = {
  ringlease: JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version,
  hashring: pkgVersion("hashring"),
  "consistent-hash": pkgVersion("consistent-hash"),
};

let HashRing = null;
let wasm = null;
if (!PEERS_ONLY) {
  const glue = new URL("../pkg/ringlease.js", import.meta.url);
  const binary = new URL("../pkg/ringlease_bg.wasm", import.meta.url);
  if (!existsSync(glue) || !existsSync(binary)) {
    fail("pkg/ringlease.js or pkg/ringlease_bg.wasm is missing: run `npm run build` (or `npm run bench`)");
  }
  const mod = await import(glue.href);
  HashRing = mod.HashRing;
  // initSync returns the wasm exports; `memory` is the wasm linear memory.
  wasm = mod.initSync({ module: readFileSync(binary) });
}

// A real gc() for quieter measurements and JS heap deltas (no --expose-gc on the command line).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

function fail(message) {
  console.error(`\n*** bench/ring.mjs ABORTED: ${message}\n`);
  process.exit(1);
}

// How busy the machine was while we measured: CPU time used by other processes (from
// /proc/stat minus our own process.cpuUsage()) and hypervisor steal. Linux only; null elsewhere.
function machineSnapshot() {
  let stat = null;
  try {
    stat = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    // not Linux
  }
  return { stat, own: process.cpuUsage(), wallMs: performance.now() };
}
function machineDelta(a, b) {
  if (!a.stat || !b.stat) return null;
  const d = b.stat.map((x, i) => x - a.stat[i]); // user nice system idle iowait irq softirq steal
  const total = d.slice(0, 8).reduce((x, y) => x + y, 0);
  if (total <= 0) return null;
  const busy = d[0] + d[1] + d[2] + d[5] + d[6];
  const cores = os.cpus().length;
  const wallMs = b.wallMs - a.wallMs;
  const ownMs = (b.own.user - a.own.user + b.own.system - a.own.system) / 1000;
  const busyMs = (busy / total) * cores * wallMs; // ticks → ms without assuming USER_HZ
  return {
    wallMs,
    ownCpuMs: ownMs,
    otherCoresBusy: Math.max(0, (busyMs - ownMs) / wallMs),
    stealFraction: d[7] / total,
  };
}

// ---------------------------------------------------------------- timing helpers
let sink = 0; // every measured result is folded in here and printed, so no work can be dropped

const nowNs = () => process.hrtime.bigint();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Interleaved measurement: every round times each case once, in an order rotated per round, so
// a change in machine load (other processes on a shared box) hits all libraries alike. Each case
// is warmed up first. `run()` returns { check, dispose? }: `check` goes into the sink (and must be
// the same every round), `dispose` (e.g. ring.free()) runs outside the timed region. Stops after
// `rounds` rounds, or after `minRounds` once `budgetMs` is spent.
function measureRounds(cases, { rounds, budgetMs, minRounds = 3 }) {
  for (const c of cases) c.warmup();
  const samples = new Map(cases.map((c) => [c.name, []]));
  const checks = new Map(cases.map((c) => [c.name, new Set()]));
  const started = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(r + j) % cases.length];
      gc();
      const t0 = nowNs();
      const out = c.run();
      const t1 = nowNs();
      sink = (sink + (out.check | 0)) | 0;
      checks.get(c.name).add(out.check);
      out.dispose?.();
      samples.get(c.name).push(Number(t1 - t0) / 1e6);
    }
    if (r + 1 >= minRounds && Date.now() - started > budgetMs) break;
  }
  const stats = {};
  for (const c of cases) {
    const xs = samples.get(c.name);
    if (checks.get(c.name).size !== 1) {
      fail(`${c.name} gave different checksums in different rounds: ${[...checks.get(c.name)].join(", ")}`);
    }
    stats[c.name] = { medianMs: median(xs), minMs: Math.min(...xs), maxMs: Math.max(...xs), samplesMs: xs };
  }
  return stats;
}

// One lookup loop per library, so each call site stays monomorphic. The checksum touches the
// returned string so the result cannot be discarded.
function lookupRinglease(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.nodeFor(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
function lookupHashring(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.get(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
function lookupConsistentHash(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.get(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
function positionsRinglease(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + ring.positionOf(keys[i])) | 0;
  return sum;
}

// A lookup case: `run(start, end)` looks up KEYS[start..end) and returns a checksum.
const lookupCase = (name, lookup, ring) => ({ name, run: (start, end) => lookup(ring, KEYS, start, end) });

// Lookups are interleaved finely: each round walks the key array in chunks, and every chunk is
// timed for every library (order rotated per chunk), so a slow or fast spell of the machine (on
// a shared VM a fixed workload was seen to swing up to 2× within a second) lands on all
// libraries alike. A library's round time is the sum of its chunks; the median over rounds is
// reported. Two untimed warm-up passes over a prefix come first (JIT, wasm tier-up).
function measureLookupRounds(cases, { rounds, budgetMs, minRounds = 3 }) {
  for (const c of cases) sink = (sink + c.run(0, WARMUP_KEYS) + c.run(0, WARMUP_KEYS)) | 0;
  const samples = new Map(cases.map((c) => [c.name, []]));
  const checks = new Map(cases.map((c) => [c.name, new Set()]));
  const started = Date.now();
  for (let r = 0; r < rounds; r++) {
    gc();
    const totalNs = new Map(cases.map((c) => [c.name, 0n]));
    const check = new Map(cases.map((c) => [c.name, 0]));
    for (let start = 0, chunk = 0; start < KEY_COUNT; start += LOOKUP_CHUNK, chunk++) {
      const end = Math.min(KEY_COUNT, start + LOOKUP_CHUNK);
      for (let j = 0; j < cases.length; j++) {
        const c = cases[(r + chunk + j) % cases.length];
        const t0 = nowNs();
        const sum = c.run(start, end);
        const t1 = nowNs();
        totalNs.set(c.name, totalNs.get(c.name) + (t1 - t0));
        check.set(c.name, (check.get(c.name) + sum) | 0);
      }
    }
    for (const c of cases) {
      samples.get(c.name).push(Number(totalNs.get(c.name)) / 1e6);
      checks.get(c.name).add(check.get(c.name));
      sink = (sink + check.get(c.name)) | 0;
    }
    if (r + 1 >= minRounds && Date.now() - started > budgetMs) break;
  }
  const stats = {};
  for (const c of cases) {
    if (checks.get(c.name).size !== 1) fail(`${c.name} gave different checksums in different rounds`);
    const xs = samples.get(c.name);
    const medianMs = median(xs);
    stats[c.name] = {
      nsPerLookup: (medianMs * 1e6) / KEY_COUNT,
      medianMs,
      minMs: Math.min(...xs),
      maxMs: Math.max(...xs),
      samplesMs: xs,
    };
  }
  return stats;
}

// ---------------------------------------------------------------- builders (default options)
const build = {
  ringleaseAddNodes: (ids) => {
    const ring = new HashRing();
    ring.addNodes(ids);
    return ring;
  },
  ringleaseAddNodeLoop: (ids) => {
    const ring = new HashRing();
    for (const id of ids) ring.addNode(id);
    return ring;
  },
  hashring: (ids) => new HashRingJs(ids),
  // consistent-hash sorts its control points lazily on the first get(); forcing it here makes
  // "build" mean "ready to answer", like the other two. `consistentHashAddOnly` is reported too.
  consistentHash: (ids) => {
    const ring = consistentHashAddOnly(ids);
    ring.get("warm");
    return ring;
  },
};
function consistentHashAddOnly(ids) {
  const ring = new ConsistentHash();
  for (const id of ids) ring.add(id);
  return ring;
}

// ---------------------------------------------------------------- 1. sanity checks
const SAMPLE_KEYS = ["key-0", "key-1", "key-42", "key-999999", "", "a", "ключ-🔑", "x".repeat(300)];
for (let i = 0; i < 64; i++) SAMPLE_KEYS.push(`key-${i * 15_619}`);

function checkOwners(name, get) {
  const valid = new Set(IDS_100);
  for (const key of SAMPLE_KEYS) {
    const owner = get(key);
    if (!valid.has(owner)) {
      fail(`${name} returned ${JSON.stringify(owner)} for key ${JSON.stringify(key)}, not a node id`);
    }
  }
}

// Reference for the ring contract (README "Placement contract"): position = BE u32 of SHA-1[0..4],
// labels "{id}#{i}", points ordered by (position, id bytes, i), owner = first point >= key.
const sha1u32 = (s) => createHash("sha1").update(s, "utf8").digest().readUInt32BE(0);
function referenceRing(ids, vnodes) {
  const points = [];
  for (const id of ids) for (let i = 0; i < vnodes; i++) points.push({ pos: sha1u32(`${id}#${i}`), id, i });
  const cmpBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  points.sort((a, b) => a.pos - b.pos || cmpBytes(a.id, b.id) || a.i - b.i);
  return (key) => {
    const h = sha1u32(key);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid].pos < h) lo = mid + 1;
      else hi = mid;
    }
    return points[lo === points.length ? 0 : lo].id;
  };
}

const sanity = {};
{
  const hr = build.hashring(IDS_100);
  checkOwners("hashring", (k) => hr.get(k));
  const ch = build.consistentHash(IDS_100);
  checkOwners("consistent-hash", (k) => ch.get(k));
  sanity.peers = "ok";
}

// ---------------------------------------------------------------- 2. wasm memory (first, on a fresh instance)
let memory = null;
if (!PEERS_ONLY) {
  const bytes = () => wasm.memory.buffer.byteLength;
  const before = bytes();
  const ring100 = build.ringleaseAddNodes(IDS_100);
  const after100 = bytes();
  const points100 = ring100.pointCount;
  const ring1000 = build.ringleaseAddNodes(IDS_1000); // ring100 still alive: no reuse of its memory
  const after1000 = bytes();
  const points1000 = ring1000.pointCount;
  ring1000.free();
  ring100.free();
  memory = {
    wasmBytesBefore: before,
    wasmBytesAfter100: after100,
    points100,
    bytesPerPoint100: (after100 - before) / points100,
    wasmBytesAfter1000: after1000,
    points1000,
    bytesPerPoint1000: (after1000 - after100) / points1000,
    note: "wasm memory only grows in 64 KiB pages and never shrinks, so growth is the high-water mark: it includes temporaries used while building (sort buffers), allocator slack and node-id storage, not just the final arrays; bytes/point is an upper bound",
  };
}

if (!PEERS_ONLY) {
  if (typeof HashRing !== "function") fail("pkg/ringlease.js does not export HashRing");
  const empty = new HashRing();
  if (empty.nodeFor("key-0") !== undefined) fail("HashRing.nodeFor on an empty ring must return undefined");
  empty.free();
  const ring = build.ringleaseAddNodes(IDS_100);
  if (ring.vnodes !== 160 || ring.nodeCount !== NODES || ring.pointCount !== NODES * 160) {
    fail(`unexpected ring shape: vnodes ${ring.vnodes}, nodeCount ${ring.nodeCount}, pointCount ${ring.pointCount}`);
  }
  checkOwners("ringlease", (k) => ring.nodeFor(k));
  // Not a test suite, but benchmarking a ring that breaks its own contract would be meaningless.
  const reference = referenceRing(IDS_100, 160);
  for (const key of SAMPLE_KEYS) {
    const got = ring.nodeFor(key);
    const want = reference(key);
    const shown = JSON.stringify(key.slice(0, 40));
    if (got !== want) fail(`ringlease.nodeFor(${shown}) = ${got}, the ring contract says ${want}`);
    if (typeof ring.positionOf === "function" && ring.positionOf(key) !== sha1u32(key)) {
      fail(`ringlease.positionOf(${shown}) = ${ring.positionOf(key)}, expected ${sha1u32(key)}`);
    }
  }
  const loop = build.ringleaseAddNodeLoop([...IDS_100].reverse());
  for (const key of SAMPLE_KEYS) {
    if (loop.nodeFor(key) !== ring.nodeFor(key)) fail("addNode loop and addNodes(ids) rings disagree");
  }
  loop.free();
  ring.free();
  sanity.ringlease = "ok (owners are node ids; matches a node:crypto SHA-1 reference ring on the sample keys)";
}
console.error(`[bench] sanity checks passed (${SAMPLE_KEYS.length} sample keys per library)`);

// ---------------------------------------------------------------- 3. lookups
const log = (msg) => console.error(`[bench] ${msg}`);
const pointCounts = {};
const lookupCases = [];
const toFree = [];
if (!PEERS_ONLY) {
  const ring = build.ringleaseAddNodes(IDS_100);
  toFree.push(ring);
  pointCounts.ringlease = ring.pointCount;
  lookupCases.push(lookupCase("ringlease", lookupRinglease, ring));
  if (typeof ring.positionOf === "function") {
    // boundary + SHA-1, no search, a number back
    lookupCases.push(lookupCase("ringlease positionOf", positionsRinglease, ring));
  }
  // The same binary search in JS over the ring's positions, on precomputed key hashes: the
  // search step alone, as an upper bound (Rust's partition_point compiles to a branchless loop).
  const { positions, owners } = ring.points();
  const keyHashes = new Uint32Array(KEY_COUNT);
  for (let i = 0; i < KEY_COUNT; i++) keyHashes[i] = sha1u32(KEYS[i]);
  const search = (start, end) => {
    let sum = 0;
    const n = positions.length;
    for (let k = start; k < end; k++) {
      const h = keyHashes[k];
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (positions[mid] < h) lo = mid + 1;
        else hi = mid;
      }
      sum = (sum + owners[lo === n ? 0 : lo]) | 0;
    }
    return sum;
  };
  lookupCases.push({ name: "search only (JS)", run: search });
}
const hashringRing = build.hashring(IDS_100);
pointCounts.hashring = hashringRing.size;
lookupCases.push(lookupCase("hashring", lookupHashring, hashringRing));
const consistentRing = build.consistentHash(IDS_100);
pointCounts["consistent-hash"] = consistentRing.keyCount;
lookupCases.push(lookupCase("consistent-hash", lookupConsistentHash, consistentRing));

const loadBefore = os.loadavg();
const machineBefore = machineSnapshot();
const names = (list) => list.map((c) => c.name ?? c[0]).join(", ");
log(`lookups: ${KEY_COUNT.toLocaleString("en-US")} keys × [${names(lookupCases)}], alternating every ${LOOKUP_CHUNK} keys`);
const lookups = measureLookupRounds(lookupCases, { rounds: LOOKUP_REPS, budgetMs: LOOKUP_BUDGET_MS });
lookups.hashring.cacheSize = hashringRing.cache.maxSize;
for (const ring of toFree) ring.free();

// ---------------------------------------------------------------- 4. builds
const buildKinds = [
  ...(PEERS_ONLY
    ? []
    : [
        ["ringlease addNodes", build.ringleaseAddNodes, (r) => r.pointCount, (r) => r.free()],
        ["ringlease addNode loop", build.ringleaseAddNodeLoop, (r) => r.pointCount, (r) => r.free()],
      ]),
  ["hashring", build.hashring, (r) => r.size, null],
  ["consistent-hash", build.consistentHash, (r) => r.keyCount, null],
  ["consistent-hash add only", consistentHashAddOnly, (r) => r.keyCount, null],
];
const builds = Object.fromEntries(buildKinds.map(([name]) => [name, {}]));
for (const ids of [IDS_100, IDS_1000]) {
  log(`builds of ${ids.length} nodes × [${names(buildKinds)}], alternating run by run`);
  const cases = buildKinds.map(([name, make, count, free]) => {
    const run = () => {
      const ring = make(ids);
      return { check: count(ring), dispose: free ? () => free(ring) : undefined };
    };
    return {
      name,
      warmup: () => {
        const out = run();
        out.dispose?.();
      },
      run,
    };
  });
  const stats = measureRounds(cases, { rounds: BUILD_REPS[ids.length], budgetMs: BUILD_BUDGET_MS });
  for (const [name] of buildKinds) builds[name][ids.length] = stats[name];
}
const loadAfter = os.loadavg();
const machine = machineDelta(machineBefore, machineSnapshot());

// JS heap used by the peers' 100-node rings (after full gc), for comparison with the wasm
// bytes/point. The rings stay referenced until both are measured, so a delta is never negative.
const jsHeap = {};
{
  const settle = () => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage().heapUsed;
  };
  const kept = [];
  for (const [name, make, count] of [
    ["hashring", build.hashring, (r) => r.size],
    ["consistent-hash", build.consistentHash, (r) => r.keyCount],
  ]) {
    const before = settle();
    const ring = make(IDS_100);
    const delta = settle() - before;
    kept.push(ring);
    jsHeap[name] = { bytes: delta, points: count(ring), bytesPerPoint: delta / count(ring) };
  }
  sink = (sink + kept.length) | 0;
}

// ---------------------------------------------------------------- 5. report
const f1 = (x) => (x == null ? "—" : x.toFixed(1));
const fms = (x) => (x == null ? "—" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const ratioText = (peer, ours) => {
  const r = peer / ours;
  return r >= 1 ? `${r.toFixed(1)}× faster` : `${r.toFixed(2)}× (${(1 / r).toFixed(1)}× slower)`;
};

const rows = [];
if (!PEERS_ONLY) {
  const perNode = pointCounts.ringlease / NODES;
  rows.push([`ringlease ${versions.ringlease} (addNodes)`, perNode, lookups.ringlease.nsPerLookup, builds["ringlease addNodes"]]);
  rows.push([`ringlease ${versions.ringlease} (addNode loop)`, perNode, null, builds["ringlease addNode loop"]]);
}
for (const peer of ["hashring", "consistent-hash"]) {
  rows.push([`${peer} ${versions[peer]}`, pointCounts[peer] / NODES, lookups[peer].nsPerLookup, builds[peer]]);
}

const header = ["library", "points/node", "ns/lookup", "build 100 (ms)", "build 1000 (ms)"];
const cells = rows.map(([name, perNode, ns, b]) => [
  name,
  String(perNode),
  ns == null ? "″" : f1(ns),
  fms(b[100].medianMs),
  fms(b[1000].medianMs),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(" | ");
const out = [];
out.push("");
const cores = os.cpus().length;
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
out.push(`ringlease HashRing vs JS peers — Node ${process.version}, ${cpu} (${cores} cores), ${new Date().toISOString()}`);
out.push(
  `workload: ${NODES} nodes "node-0".."node-${NODES - 1}", weight 1, default point counts; ` +
    `${KEY_COUNT.toLocaleString("en-US")} distinct keys "key-0".."key-${KEY_COUNT - 1}"`,
);
out.push(
  `lookups: median of ${lookups.hashring.samplesMs.length} full passes after warm-up, libraries alternating every ` +
    `${LOOKUP_CHUNK.toLocaleString("en-US")} keys; builds: median of ${builds.hashring[100].samplesMs.length} (100) / ` +
    `${builds.hashring[1000].samplesMs.length} (1000) runs after a warm-up run, libraries alternating run by run`,
);
const busy =
  Math.max(loadBefore[0], loadAfter[0]) > 0.75 * cores ||
  (machine != null && (machine.otherCoresBusy > 0.25 || machine.stealFraction > 0.05));
out.push(
  `machine while timing: load average (1 min) ${loadBefore[0].toFixed(2)} → ${loadAfter[0].toFixed(2)} on ${cores} cores` +
    (machine
      ? `; other processes kept ${machine.otherCoresBusy.toFixed(2)} cores busy; steal ${(100 * machine.stealFraction).toFixed(1)}%`
      : "") +
    (busy ? "\n  BUSY MACHINE: absolute times are inflated and noisy; the ratios (libraries interleaved) hold up better" : ""),
);
out.push("");
out.push(line(header));
out.push(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const c of cells) out.push(line(c));
out.push("");
if (!PEERS_ONLY) {
  const ours = lookups.ringlease.nsPerLookup;
  for (const peer of ["hashring", "consistent-hash"]) {
    const b = peer === "hashring" ? builds.hashring : builds["consistent-hash"];
    out.push(`ringlease vs ${peer}: lookup ${ratioText(lookups[peer].nsPerLookup, ours)}`);
    for (const n of [100, 1000]) {
      out.push(
        `  build ${n}: addNodes ${ratioText(b[n].medianMs, builds["ringlease addNodes"][n].medianMs)}, ` +
          `addNode loop ${ratioText(b[n].medianMs, builds["ringlease addNode loop"][n].medianMs)}`,
      );
    }
  }
  out.push("  (ratio = peer time / ringlease time; > 1 means ringlease is faster)");
  out.push("");
  out.push("ringlease lookup breakdown (estimates, ns per key):");
  const pos = lookups["ringlease positionOf"]?.nsPerLookup;
  const search = lookups["search only (JS)"].nsPerLookup;
  if (pos != null) {
    out.push(`  positionOf(key)  (string in + UTF-8 copy + SHA-1, number out): ${f1(pos)}`);
    out.push(
      `  binary search over ${pointCounts.ringlease} u32 positions, done in JS on precomputed hashes ` +
        `(an upper bound for the wasm search): ${f1(search)}`,
    );
    out.push(`  nodeFor − positionOf (search + owner string back to JS): ${f1(ours - pos)}`);
  }
  out.push("");
  out.push(
    `wasm memory: ${kib(memory.wasmBytesBefore)} after init → ${kib(memory.wasmBytesAfter100)} with a ${NODES}-node ring ` +
      `(${memory.points100} points) ≈ ${f1(memory.bytesPerPoint100)} bytes/point; + a 1000-node ring ` +
      `(${memory.points1000} points) → ${kib(memory.wasmBytesAfter1000)} ≈ ${f1(memory.bytesPerPoint1000)} bytes/point`,
  );
  out.push(
    "  caveat: wasm memory grows only in 64 KiB pages and never shrinks, so this is the high-water mark " +
      "(incl. build-time sort buffers and allocator slack): a coarse upper bound, not the steady-state size",
  );
}
out.push(
  `JS heap of a ${NODES}-node ring (after gc): hashring ${kib(jsHeap.hashring.bytes)} ≈ ${f1(jsHeap.hashring.bytesPerPoint)} bytes/point; ` +
    `consistent-hash ${kib(jsHeap["consistent-hash"].bytes)} ≈ ${f1(jsHeap["consistent-hash"].bytesPerPoint)} bytes/point`,
);
out.push("");
out.push("notes:");
const addOnly = builds["consistent-hash add only"];
out.push(
  `- hashring runs with its default options, which include an LRU cache (${lookups.hashring.cacheSize} entries); ` +
    "all keys are distinct, so lookups miss it (and pay for cache insertion/eviction) — that is what its users get by default.",
);
out.push(
  "- consistent-hash places its 40 control points per node with Math.random in a range of 100003 (a different ring " +
    "every run) and hashes keys with a 24-bit PJW hash; its build time includes the first get(), which sorts the " +
    `points lazily (add calls alone: ${fms(addOnly[100].medianMs)} ms / ${fms(addOnly[1000].medianMs)} ms).`,
);
out.push(
  "- owners are NOT expected to agree between libraries (different hash functions and point labels); the sanity " +
    "check only verifies each returns a node id (and that ringlease follows its own contract).",
);
out.push(`- checksum ${sink}`);
console.log(out.join("\n"));

// ---------------------------------------------------------------- 6. JSON
const results = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.arch()}`,
  cpu: os.cpus()[0]?.model ?? null,
  cores: os.cpus().length,
  quick: QUICK,
  loadAverage: { before: loadBefore, after: loadAfter },
  machineWhileTiming: machine,
  peersOnly: PEERS_ONLY,
  versions,
  workload: { nodes: NODES, keys: KEY_COUNT, keyPattern: "key-<i>", nodePattern: "node-<i>", weight: 1 },
  pointCounts,
  lookups,
  buildMs: builds,
  wasmMemory: memory,
  jsHeap,
  sanity,
  notes: {
    hashring: "default options (LRU cache of 5000 entries on; all keys distinct, so it misses)",
    "consistent-hash": "default options (40 random control points per node, range 100003); build includes the first get(), which sorts lazily",
    ratios: "ratio = peer time / ringlease time",
  },
  checksum: sink,
};
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
// Only a full run may replace ring.json (the file the README quotes).
const file = QUICK || PEERS_ONLY ? "ring-partial.json" : "ring.json";
writeFileSync(new URL(file, dir), `${JSON.stringify(results, null, 2)}\n`);
console.error(`[bench] wrote bench/results/${file}`);
