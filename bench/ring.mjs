// Benchmarks ringlease's HashRing (Rust → wasm, release build in pkg/) against the npm packages
// `hashring` 3.2.0 and `consistent-hash` 1.2.2, in one Node process, on the same workload:
// 100 nodes, 1,000,000 distinct keys, every library at its default options and point count.
// Measures the ring's performance targets — nodeFor, nodeForMany, ring build, wasm
// memory — plus the ketama scheme against hashring (same placement, asserted before timing).
// Prints a table, the performance targets with MET / NOT MET, and writes bench/results/ring.json.
// See bench/README.md.
//
//   npm run bench                      # builds pkg/ first, then runs this file
//   node bench/ring.mjs [--quick]      # --quick: 100k keys, fewer repetitions (smoke test)
//   node bench/ring.mjs --peers-only   # the JS peers alone (no pkg/ needed)
// --quick and --peers-only write bench/results/ring-partial.json, never ring.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { positionOf } from "../scripts/lib/reference-ring.mjs";
import { environment, exposeGc, failer, log } from "./common.mjs";
import { builders } from "./ring-builders.mjs";
import { placementChecks } from "./ring-checks.mjs";
import { wasmMemoryFigures } from "./ring-memory.mjs";
import {
  configure,
  lookupCase,
  lookupConsistentHash,
  lookupHashring,
  lookupRinglease,
  lookupRingleaseKetama,
  machineDelta,
  machineSnapshot,
  measureLookupRounds,
  measureRounds,
  positionsRinglease,
  sink,
} from "./ring-timing.mjs";

const fail = failer(import.meta.url);

const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const PEERS_ONLY = args.has("--peers-only");
const runStarted = performance.now();

// ---------------------------------------------------------------- workload
const NODES = 100;
const KEY_COUNT = QUICK ? 100_000 : 1_000_000;
const WARMUP_KEYS = Math.min(100_000, KEY_COUNT);
const LOOKUP_CHUNK = 10_000; // keys per timed slice of the per-key loops; libraries alternate slice by slice
const BATCH = Math.min(100_000, KEY_COUNT); // keys per nodeForMany call (the "chunked" batch figure)
const LOOKUP_REPS = QUICK ? 3 : 5; // full passes over the key array (median reported)
const LOOKUP_BUDGET_MS = QUICK ? 5_000 : 40_000; // stop repeating (after 3 passes) past this
const BUILD_REPS = { 100: 11, 1000: 5 }; // rounds per ring size (cheap 100-node builds get more)
const BUILD_BUDGET_MS = 15_000; // per ring size
const ADD_LOOP_CAP_MS = 3_000; // the 1000-node addNode loop is timed only if one trial stays under this
const PLACEMENT_CHECK_KEYS = 10_000; // keys compared (ketama vs hashring, nodeForMany vs nodeFor)
// Steady-state memory (bench/wasm-memory.mjs): rings kept alive after memory starts growing (the
// slope is taken over these), and a cap on rings built in all.
const STEADY_RINGS = { 100: QUICK ? 16 : 32, 1000: QUICK ? 4 : 8 };
const STEADY_MAX_RINGS = { 100: 400, 1000: 60 };
// The ring's performance targets: ratios are peer time / ringlease time.
const TARGETS = { nodeFor: 10, nodeForMany: 15, build1000: 8, bytesPerPoint: 12 };

if (KEY_COUNT % BATCH !== 0 || BATCH % LOOKUP_CHUNK !== 0) throw new Error("KEY_COUNT, BATCH and LOOKUP_CHUNK must nest");

const nodeIds = (n) => Array.from({ length: n }, (_, i) => `node-${i}`);
const IDS_100 = nodeIds(NODES);
const IDS_1000 = nodeIds(1000);
const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `key-${i}`); // built before any timing
// The same keys as arrays of BATCH keys, for nodeForMany (sliced once, outside the timing).
const BLOCKS = Array.from({ length: KEY_COUNT / BATCH }, (_, b) => KEYS.slice(b * BATCH, (b + 1) * BATCH));

// A real gc() for quieter measurements and JS heap deltas (no --expose-gc on the command line).
const gc = exposeGc();
configure({ keys: KEYS, warmupKeys: WARMUP_KEYS, batch: BATCH, chunk: LOOKUP_CHUNK, gc, fail });

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
if (!PEERS_ONLY) {
  const glue = new URL("../pkg/ring/index.js", import.meta.url);
  const binary = new URL("../pkg/ring/ringlease_bg.wasm", import.meta.url);
  if (!existsSync(glue) || !existsSync(binary)) {
    fail("pkg/ring/index.js or pkg/ring/ringlease_bg.wasm is missing: run `npm run build` (or `npm run bench`)");
  }
  const mod = await import(glue.href);
  HashRing = mod.HashRing;
  if (typeof HashRing !== "function") fail("pkg/ring/index.js does not export HashRing");
  if (typeof HashRing.prototype.nodeForMany !== "function") fail("HashRing has no nodeForMany: pkg/ is older than the batch API");
  mod.initSync({ module: readFileSync(binary) });
}

// ---------------------------------------------------------------- builders (default options)
const build = builders(HashRing, HashRingJs, ConsistentHash);

// ---------------------------------------------------------------- 1. wasm memory (fresh instances)
const memory = PEERS_ONLY ? null : await wasmMemoryFigures(STEADY_RINGS, STEADY_MAX_RINGS, fail);

// ---------------------------------------------------------------- 2. sanity and placement checks
const { sanity, SAMPLE_KEYS, CHECK_KEYS } = placementChecks({
  HashRing,
  build,
  versions,
  fail,
  KEYS,
  KEY_COUNT,
  PLACEMENT_CHECK_KEYS,
  IDS_100,
  IDS_1000,
  NODES,
  PEERS_ONLY,
});

// ---------------------------------------------------------------- 3. lookups
const pointCounts = {};
const perKey = [];
const batched = [];
const whole = [];
const toFree = [];
if (!PEERS_ONLY) {
  const ring = build.ringlease(IDS_100);
  const ketama = build.ringleaseKetama(IDS_100);
  toFree.push(ring, ketama);
  pointCounts.ringlease = ring.pointCount;
  pointCounts["ringlease ketama"] = ketama.pointCount;
  perKey.push(lookupCase("ringlease nodeFor", lookupRinglease, ring));
  perKey.push(lookupCase("ringlease ketama nodeFor", lookupRingleaseKetama, ketama));
  // boundary + SHA-1, no search, a number back
  perKey.push(lookupCase("ringlease positionOf", positionsRinglease, ring));
  // The same binary search in JS over the ring's positions, on precomputed key hashes: the
  // search step alone, as an upper bound (Rust's partition_point compiles to a branchless loop).
  const { positions, owners } = ring.points();
  const keyHashes = new Uint32Array(KEY_COUNT);
  for (let i = 0; i < KEY_COUNT; i++) keyHashes[i] = positionOf(KEYS[i]);
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
  perKey.push({ name: "search only (JS)", run: search });
  batched.push({ name: "ringlease nodeForMany", run: (b) => ring.nodeForMany(BLOCKS[b]) });
  batched.push({ name: "ringlease ketama nodeForMany", run: (b) => ketama.nodeForMany(BLOCKS[b]) });
  whole.push({ name: "ringlease nodeForMany (all keys)", run: () => ring.nodeForMany(KEYS) });
}
const hashringRing = build.hashring(IDS_100);
pointCounts.hashring = hashringRing.size;
perKey.push(lookupCase("hashring", lookupHashring, hashringRing));
const consistentRing = build.consistentHash(IDS_100);
pointCounts["consistent-hash"] = consistentRing.keyCount;
perKey.push(lookupCase("consistent-hash", lookupConsistentHash, consistentRing));

const loadBefore = os.loadavg();
const machineBefore = machineSnapshot();
const names = (list) => list.map((c) => c.name ?? c[0]).join(", ");
log(
  `lookups: ${KEY_COUNT.toLocaleString("en-US")} keys × [${names(perKey)}] alternating every ${LOOKUP_CHUNK.toLocaleString("en-US")} keys` +
    (PEERS_ONLY ? "" : `, with [${names(batched)}] per ${BATCH.toLocaleString("en-US")} keys and [${names(whole)}] once per pass`),
);
const lookups = measureLookupRounds({ perKey, batched, whole }, { rounds: LOOKUP_REPS, budgetMs: LOOKUP_BUDGET_MS });
lookups.hashring.cacheSize = hashringRing.cache.maxSize;
for (const ring of toFree) ring.free();

// ---------------------------------------------------------------- 4. builds
const B = {
  ctor: "ringlease new HashRing({ nodes })",
  ketama: "ringlease ketama new HashRing({ scheme, nodes })",
  addNodes: "ringlease addNodes(ids) (+ RingChange)",
  loop: "ringlease addNode loop (+ RingChange per add)",
  hashring: "hashring",
  ch: "consistent-hash",
  chAdd: "consistent-hash add only",
};
const pointsOf = (r) => r.pointCount;
const freeIt = (r) => r.free();
/** [name, build(ids), pointCount(ring), free(ring) or null] per kind of build. @type {any[][]} */
const allBuildKinds = [
  ...(PEERS_ONLY
    ? []
    : [
        [B.ctor, build.ringlease, pointsOf, freeIt],
        [B.ketama, build.ringleaseKetama, pointsOf, freeIt],
        [B.addNodes, build.ringleaseAddNodes, pointsOf, freeIt],
        [B.loop, build.ringleaseAddNodeLoop, pointsOf, freeIt],
      ]),
  [B.hashring, build.hashring, (r) => r.size, null],
  [B.ch, build.consistentHash, (r) => r.keyCount, null],
  [B.chAdd, build.consistentHashAddOnly, (r) => r.keyCount, null],
];
const builds = Object.fromEntries(allBuildKinds.map(([name]) => [name, {}]));

// The addNode loop at 1000 nodes is timed only if one untimed trial finishes within
// ADD_LOOP_CAP_MS (each add re-sorts/merges the ring and reports a RingChange, so the loop is
// roughly quadratic); otherwise the trial's progress is reported instead.
let addLoop1000 = null;
if (!PEERS_ONLY) {
  gc();
  const ring = new HashRing();
  const t0 = performance.now();
  let added = 0;
  for (const id of IDS_1000) {
    sink.value = (sink.value + ring.addNode(id).arcs.length) | 0;
    added++;
    if (performance.now() - t0 > ADD_LOOP_CAP_MS) break;
  }
  const ms = performance.now() - t0;
  ring.free();
  addLoop1000 = { trialMs: ms, added, timed: added === IDS_1000.length && ms <= ADD_LOOP_CAP_MS, capMs: ADD_LOOP_CAP_MS };
  log(
    addLoop1000.timed
      ? `addNode loop at 1000 nodes: trial ${ms.toFixed(0)} ms, under ${ADD_LOOP_CAP_MS} ms: timed with the others`
      : `addNode loop at 1000 nodes: trial stopped after ${added} adds in ${ms.toFixed(0)} ms (cap ${ADD_LOOP_CAP_MS} ms): not timed`,
  );
}

for (const ids of [IDS_100, IDS_1000]) {
  const kinds = allBuildKinds.filter(([name]) => !(name === B.loop && ids.length === 1000 && !addLoop1000?.timed));
  log(`builds of ${ids.length} nodes × [${names(kinds)}], alternating run by run`);
  const cases = kinds.map(([name, make, count, free]) => {
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
  for (const [name] of kinds) builds[name][ids.length] = stats[name];
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
  /** @type {[string, (ids: string[]) => any, (ring: any) => number][]} */
  const peers = [
    ["hashring", build.hashring, (r) => r.size],
    ["consistent-hash", build.consistentHash, (r) => r.keyCount],
  ];
  for (const [name, make, count] of peers) {
    const before = settle();
    const ring = make(IDS_100);
    const delta = settle() - before;
    kept.push(ring);
    jsHeap[name] = { bytes: delta, points: count(ring), bytesPerPoint: delta / count(ring) };
  }
  sink.value = (sink.value + kept.length) | 0;
}

// ---------------------------------------------------------------- 5. ratios and targets
const ratio = (peer, ours) => (peer == null || ours == null ? null : peer / ours);
const ms = (name, n) => builds[name]?.[n]?.medianMs ?? null;
let ratios = null;
let targets = null;
if (!PEERS_ONLY) {
  const ns = (name) => lookups[name].nsPerKey;
  ratios = {};
  for (const peer of ["hashring", "consistent-hash"]) {
    const peerBuild = peer === "hashring" ? B.hashring : B.ch;
    ratios[peer] = {
      nodeFor: ratio(ns(peer), ns("ringlease nodeFor")),
      nodeForManyBatches: ratio(ns(peer), ns("ringlease nodeForMany")),
      nodeForManyAllKeys: ratio(ns(peer), ns("ringlease nodeForMany (all keys)")),
      ketamaNodeFor: ratio(ns(peer), ns("ringlease ketama nodeFor")),
      ketamaNodeForMany: ratio(ns(peer), ns("ringlease ketama nodeForMany")),
      build: Object.fromEntries(
        [100, 1000].map((n) => [
          n,
          {
            constructor: ratio(ms(peerBuild, n), ms(B.ctor, n)),
            ketamaConstructor: ratio(ms(peerBuild, n), ms(B.ketama, n)),
            addNodes: ratio(ms(peerBuild, n), ms(B.addNodes, n)),
            addNodeLoop: ratio(ms(peerBuild, n), ms(B.loop, n)),
          },
        ]),
      ),
    };
  }
  const hr = ratios.hashring;
  const steady = memory[100].steadyState.bytesPerPoint;
  const verdict = (ok) => (ok == null ? "NOT MEASURED" : ok ? "MET" : "NOT MET");
  targets = {
    nodeFor: { target: `>= ${TARGETS.nodeFor}x hashring get`, measured: hr.nodeFor, met: hr.nodeFor >= TARGETS.nodeFor },
    nodeForMany: {
      target: `>= ${TARGETS.nodeForMany}x hashring get per key`,
      measured: hr.nodeForManyBatches,
      measuredAllKeys: hr.nodeForManyAllKeys,
      met: hr.nodeForManyBatches >= TARGETS.nodeForMany,
      metAllKeys: hr.nodeForManyAllKeys >= TARGETS.nodeForMany,
      note: `measured: nodeForMany on ${BATCH.toLocaleString("en-US")}-key batches; measuredAllKeys: one call on all ${KEY_COUNT.toLocaleString("en-US")} keys`,
    },
    build1000: {
      target: `>= ${TARGETS.build1000}x hashring at 1000 nodes`,
      measured: hr.build[1000].constructor,
      met: hr.build[1000].constructor >= TARGETS.build1000,
      note: "ringlease new HashRing({ nodes }) vs hashring new HashRing(ids)",
    },
    bytesPerPoint: {
      target: `<= ${TARGETS.bytesPerPoint} bytes per point in the wasm heap`,
      measured: steady,
      met: steady == null ? null : steady <= TARGETS.bytesPerPoint,
      highWater: memory[100].highWater.bytesPerPoint,
      note: "measured: steady-state storage of a live 100-node ring (see wasmMemory.notes); highWater: fresh-instance growth while building, for context",
    },
  };
  for (const t of Object.values(targets)) t.verdict = verdict(t.met);
}

// ---------------------------------------------------------------- 6. report
const f1 = (x) => (x == null ? "—" : x.toFixed(1));
const fms = (x) => (x == null ? "—" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const times = (r) => (r == null ? "—" : r >= 1 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}× (${(1 / r).toFixed(1)}× slower)`);
const faster = (r) => (r == null ? "—" : r >= 1 ? `${r.toFixed(1)}× faster` : `${r.toFixed(2)}× (${(1 / r).toFixed(1)}× slower)`);
const commas = (n) => n.toLocaleString("en-US");

const rows = [];
if (!PEERS_ONLY) {
  const loopNote = addLoop1000.timed ? null : `> ${ADD_LOOP_CAP_MS / 1000} s`;
  rows.push([
    `ringlease ${versions.ringlease} sha1: nodeFor / new HashRing({ nodes })`,
    pointCounts.ringlease / NODES,
    lookups["ringlease nodeFor"].nsPerKey,
    ms(B.ctor, 100),
    ms(B.ctor, 1000),
  ]);
  rows.push([`  nodeForMany, ${commas(BATCH)}-key batches`, "″", lookups["ringlease nodeForMany"].nsPerKey, null, null]);
  rows.push([`  nodeForMany, one ${commas(KEY_COUNT)}-key call`, "″", lookups["ringlease nodeForMany (all keys)"].nsPerKey, null, null]);
  rows.push(["  addNodes(ids) on an empty ring (incl. RingChange)", "″", null, ms(B.addNodes, 100), ms(B.addNodes, 1000)]);
  rows.push(["  addNode loop (incl. a RingChange per add)", "″", null, ms(B.loop, 100), loopNote ?? ms(B.loop, 1000)]);
  rows.push([
    `ringlease ${versions.ringlease} ketama: nodeFor / constructor`,
    pointCounts["ringlease ketama"] / NODES,
    lookups["ringlease ketama nodeFor"].nsPerKey,
    ms(B.ketama, 100),
    ms(B.ketama, 1000),
  ]);
  rows.push([`  nodeForMany, ${commas(BATCH)}-key batches`, "″", lookups["ringlease ketama nodeForMany"].nsPerKey, null, null]);
}
rows.push([
  `hashring ${versions.hashring}: get / new HashRing(ids)`,
  pointCounts.hashring / NODES,
  lookups.hashring.nsPerKey,
  ms(B.hashring, 100),
  ms(B.hashring, 1000),
]);
rows.push([
  `consistent-hash ${versions["consistent-hash"]}: get / add + first get`,
  pointCounts["consistent-hash"] / NODES,
  lookups["consistent-hash"].nsPerKey,
  ms(B.ch, 100),
  ms(B.ch, 1000),
]);

const header = ["library: lookup / build", "points/node", "ns/key", "build 100 (ms)", "build 1000 (ms)"];
const cells = rows.map(([name, perNode, ns, b100, b1000]) => [
  name,
  String(perNode),
  f1(ns),
  typeof b100 === "string" ? b100 : fms(b100),
  typeof b1000 === "string" ? b1000 : fms(b1000),
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
    `${commas(KEY_COUNT)} distinct keys "key-0".."key-${KEY_COUNT - 1}"`,
);
out.push(
  `lookups: median of ${lookups.hashring.samplesMs.length} full passes after warm-up; per-key loops alternate every ` +
    `${commas(LOOKUP_CHUNK)} keys, nodeForMany calls are slotted in between them; builds: median of ` +
    `${builds[B.hashring][100].samplesMs.length} (100) / ${builds[B.hashring][1000].samplesMs.length} (1000) runs ` +
    "after a warm-up run, libraries alternating run by run",
);
// The load average counts this run itself (about one runnable thread), hence the − 1.
const busy =
  Math.max(loadBefore[0], loadAfter[0]) - 1 > 0.5 * cores ||
  (machine != null && (machine.otherCoresBusy > 0.25 || machine.stealFraction > 0.05));
out.push(
  `machine while timing: load average (1 min, this run included) ${loadBefore[0].toFixed(2)} → ${loadAfter[0].toFixed(2)} on ${cores} cores` +
    (machine
      ? `; other processes kept ${machine.otherCoresBusy.toFixed(2)} cores busy; steal ${(100 * machine.stealFraction).toFixed(1)}%`
      : "") +
    (busy ? "\n  BUSY MACHINE: absolute times are inflated and noisy; the ratios (libraries interleaved) hold up better" : ""),
);
if (!PEERS_ONLY) out.push(`placement checks: ${sanity.ketama}; nodeForMany ${sanity.nodeForMany}`);
out.push("");
out.push(line(header));
out.push(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const c of cells) out.push(line(c));
out.push("");
if (!PEERS_ONLY) {
  const hr = ratios.hashring;
  const row = (name, r, detail) => `  ${name.padEnd(44, ".")} ${times(r.measured).padStart(6)}  ${r.verdict.padEnd(7)}  ${detail}`;
  const ns = (name) => f1(lookups[name].nsPerKey);
  out.push(`targets: ratio = hashring time / ringlease time, same run`);
  out.push(row(`nodeFor ≥ ${TARGETS.nodeFor}× hashring get`, targets.nodeFor, `(${ns("ringlease nodeFor")} vs ${ns("hashring")} ns/key)`));
  out.push(
    row(
      `nodeForMany ≥ ${TARGETS.nodeForMany}× hashring per key`,
      targets.nodeForMany,
      `(${commas(BATCH)}-key batches: ${ns("ringlease nodeForMany")} ns/key; one ${commas(KEY_COUNT)}-key call: ` +
        `${ns("ringlease nodeForMany (all keys)")} ns/key = ${times(hr.nodeForManyAllKeys)}, ${targets.nodeForMany.metAllKeys ? "MET" : "NOT MET"})`,
    ),
  );
  out.push(
    row(
      `build at 1000 nodes ≥ ${TARGETS.build1000}× hashring`,
      targets.build1000,
      `(new HashRing({ nodes }) ${fms(ms(B.ctor, 1000))} ms vs ${fms(ms(B.hashring, 1000))} ms)`,
    ),
  );
  const st = memory[100].steadyState;
  out.push(
    `  ${`≤ ${TARGETS.bytesPerPoint} bytes/point in the wasm heap`.padEnd(44, ".")} ${f1(st.bytesPerPoint).padStart(6)}  ` +
      `${targets.bytesPerPoint.verdict.padEnd(7)}  (steady state of a live ${NODES}-node ring, ±${f1(st.errorBytesPerPoint)} page rounding; ` +
      `build high-water ${f1(memory[100].highWater.bytesPerPoint)} — see "wasm memory" below)`,
  );
  out.push("");
  out.push("ratios (peer time / ringlease time; > 1 means ringlease is faster):");
  for (const peer of ["hashring", "consistent-hash"]) {
    const r = ratios[peer];
    out.push(
      `  vs ${peer}: nodeFor ${faster(r.nodeFor)}; nodeForMany ${faster(r.nodeForManyBatches)} (${commas(BATCH)}-key batches), ` +
        `${faster(r.nodeForManyAllKeys)} (one call)`,
    );
    for (const n of [100, 1000]) {
      const b = r.build[n];
      out.push(
        `    build ${n}: new HashRing({ nodes }) ${faster(b.constructor)}, addNodes ${faster(b.addNodes)}, ` +
          `addNode loop ${b.addNodeLoop == null ? `not timed (> ${ADD_LOOP_CAP_MS / 1000} s)` : faster(b.addNodeLoop)}`,
      );
    }
  }
  out.push(
    `  ketama vs hashring — same placement as hashring (checked on ${commas(CHECK_KEYS.length)} + ${SAMPLE_KEYS.length} keys): ` +
      `nodeFor ${faster(hr.ketamaNodeFor)}, nodeForMany ${faster(hr.ketamaNodeForMany)}, ` +
      `build ${faster(hr.build[100].ketamaConstructor)} (100 nodes) / ${faster(hr.build[1000].ketamaConstructor)} (1000 nodes)`,
  );
  if (!addLoop1000.timed) {
    out.push(
      `  addNode loop at 1000 nodes not timed: one trial reached ${addLoop1000.added} of 1000 adds in ` +
        `${(addLoop1000.trialMs / 1000).toFixed(1)} s (cap ${ADD_LOOP_CAP_MS / 1000} s)`,
    );
  }
  out.push("");
  out.push("ringlease lookup breakdown (estimates, ns per key):");
  const many = lookups["ringlease nodeForMany"].nsPerKey;
  const one = lookups["ringlease nodeFor"].nsPerKey;
  out.push(`  nodeForMany, per key (keys copied in bulk, SHA-1 + search in wasm, a u32 index out): ${f1(many)}`);
  out.push(`  nodeFor − nodeForMany (per-call crossing: the JS entry writes the key, wasm returns an index): ${f1(one - many)}`);
  out.push(
    `  binary search alone over ${pointCounts.ringlease} u32 positions, done in JS on precomputed hashes ` +
      `(an upper bound for the wasm search): ${f1(lookups["search only (JS)"].nsPerKey)}`,
  );
  out.push(`  positionOf(key) (one call: string in, SHA-1, number out; no search): ${f1(lookups["ringlease positionOf"].nsPerKey)}`);
  out.push(
    `  ketama (MD5) for comparison: nodeForMany ${f1(lookups["ringlease ketama nodeForMany"].nsPerKey)}, ` +
      `nodeFor ${f1(lookups["ringlease ketama nodeFor"].nsPerKey)}`,
  );
  out.push("");
  out.push("wasm memory (memory.buffer.byteLength, which grows in 64 KiB pages and never shrinks; a fresh instance per ring size):");
  for (const n of [100, 1000]) {
    const { points, highWater: hw, steadyState: ss } = memory[n];
    out.push(
      `  ${String(n).padStart(4)} nodes (${points} points): steady state ${f1(ss.bytesPerPoint)} bytes/point ` +
        `(${kib(ss.bytesPerRing)} per live ring, slope over ${ss.slopeRings} kept rings, ±${f1(ss.errorBytesPerPoint)} page rounding); ` +
        `build high-water ${f1(hw.bytesPerPoint)} bytes/point (${kib(hw.wasmBytesBefore)} → ${kib(hw.wasmBytesAfter)})`,
    );
  }
  out.push(
    "  steady state = what a live ring keeps (arrays, node records, allocator overhead): a throwaway ring is built and " +
      "freed, then rings are kept alive; slope of memory per ring once it grows again. high-water = growth of the fresh " +
      "instance while building the first ring (sort buffers and other temporaries included).",
  );
}
out.push(
  `JS heap of a ${NODES}-node ring (after gc): hashring ${kib(jsHeap.hashring.bytes)} ≈ ${f1(jsHeap.hashring.bytesPerPoint)} bytes/point; ` +
    `consistent-hash ${kib(jsHeap["consistent-hash"].bytes)} ≈ ${f1(jsHeap["consistent-hash"].bytesPerPoint)} bytes/point`,
);
out.push("");
out.push("notes:");
out.push(
  `- hashring runs with its default options, which include an LRU cache (${lookups.hashring.cacheSize} entries); ` +
    "all keys are distinct, so lookups miss it (and pay for cache insertion/eviction) — that is what its users get by default.",
);
if (!PEERS_ONLY) {
  out.push(
    "- nodeForMany returns indexes into nodes() (a Uint32Array), not id strings; mapping an index to its id " +
      "(ids[owners[i]]) is left to the caller and not timed.",
  );
  out.push(
    "- addNodes(ids) and addNode return a RingChange; on an empty ring addNodes' arcs cover the whole ring (one " +
      "object per point), which is what it pays over the constructor (same ring, no report).",
  );
}
const addOnly = builds[B.chAdd];
out.push(
  "- consistent-hash places its 40 control points per node with Math.random in a range of 100003 (a different ring " +
    "every run) and hashes keys with a 24-bit PJW hash; its build time includes the first get(), which sorts the " +
    `points lazily (add calls alone: ${fms(addOnly[100].medianMs)} ms / ${fms(addOnly[1000].medianMs)} ms).`,
);
out.push(
  "- owners are NOT expected to agree between libraries (different hash functions and point labels) — except " +
    "ringlease's ketama scheme, which must equal hashring (asserted before timing).",
);
out.push(`- checksum ${sink.value}; run took ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
console.log(out.join("\n"));

// ---------------------------------------------------------------- 7. JSON
const results = {
  ...environment(),
  quick: QUICK,
  loadAverage: { before: loadBefore, after: loadAfter },
  machineWhileTiming: machine,
  peersOnly: PEERS_ONLY,
  versions,
  workload: {
    nodes: NODES,
    keys: KEY_COUNT,
    keyPattern: "key-<i>",
    nodePattern: "node-<i>",
    weight: 1,
    lookupSliceKeys: LOOKUP_CHUNK,
    nodeForManyBatchKeys: BATCH,
  },
  pointCounts,
  targets,
  ratios,
  lookups,
  buildMs: builds,
  addNodeLoop1000: addLoop1000,
  wasmMemory: memory,
  jsHeap,
  sanity,
  notes: {
    hashring: "default options (LRU cache of 5000 entries on; all keys distinct, so it misses)",
    "consistent-hash":
      "default options (40 random control points per node, range 100003); build includes the first get(), which sorts lazily",
    ratios: "ratio = peer time / ringlease time",
    lookups: "nsPerKey = median pass time / keys; nodeForMany results are indexes into nodes() (mapping to ids not timed)",
    builds: `'${B.addNodes}' and '${B.loop}' include building and encoding the RingChange each call returns`,
  },
  runSeconds: (performance.now() - runStarted) / 1000,
  checksum: sink.value,
};
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
// Only a full run may replace ring.json (the file the README quotes).
const file = QUICK || PEERS_ONLY ? "ring-partial.json" : "ring.json";
writeFileSync(new URL(file, dir), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote bench/results/${file}`);
