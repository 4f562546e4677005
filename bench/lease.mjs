// Benchmarks ringlease's LeaseTable (Rust → wasm, release build in pkg/) from JS and natively,
// on the same deterministic workload: 1,000,000 acquire/release pairs over 1,000 resources and
// 100 owners. Prints wasm and native side by side with the boundary overhead per call, and a
// minimal plain-JS lease table (a Map with an owner check, tokens and a TTL) on the same
// workload with the ratio; writes bench/results/lease.json. See bench/README.md.
//
//   npm run bench                      # builds pkg/ first, then ring.mjs, then this file
//   node bench/lease.mjs               # when pkg/ is already built (runs cargo for the native half)
//   node bench/lease.mjs --no-native   # the wasm half alone (no cargo needed)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

import { mulberry32 } from "../scripts/lib/mulberry32.mjs";
import { environment, exposeGc, failer, log, median, nowNs, runNativeExample } from "./common.mjs";

const fail = failer(import.meta.url);

const args = new Set(process.argv.slice(2));
const NO_NATIVE = args.has("--no-native");
const runStarted = performance.now();

// ---------------------------------------------------------------- workload (same as examples/lease_bench.rs)
const PAIRS = 1_000_000;
const RESOURCES = 1_000;
const OWNERS = 100;
const TTL_MS = 30_000; // every lease is released 0 ms after its grant, so any TTL ≥ 1 grants; 30 s is realistic
const SEED = 0x5eed1ea5;
const RUNS = 5; // timed runs after one untimed warm-up run, each on a fresh table (median reported)
const RUN_BUDGET_MS = 20_000; // stop repeating (after 3 runs) past this: keeps the whole script near 50 s
const GETTER_CALLS = 2_000_000; // lastToken reads for the per-call boundary estimate
const GETTER_RUNS = 5;

// The resource and owner of every pair, drawn before any timing (resource first, then owner).
const RESOURCE_IDS = Array.from({ length: RESOURCES }, (_, i) => `res-${i}`);
const OWNER_IDS = Array.from({ length: OWNERS }, (_, i) => `owner-${i}`);
const PAIR_RESOURCE = new Uint16Array(PAIRS);
const PAIR_OWNER = new Uint16Array(PAIRS);
{
  const next = mulberry32(SEED);
  for (let i = 0; i < PAIRS; i++) {
    PAIR_RESOURCE[i] = next() % RESOURCES;
    PAIR_OWNER[i] = next() % OWNERS;
  }
}

// ---------------------------------------------------------------- ringlease
const glue = new URL("../pkg/lease/index.js", import.meta.url);
const binary = new URL("../pkg/lease/ringlease_lease_bg.wasm", import.meta.url);
if (!existsSync(glue) || !existsSync(binary)) {
  fail("pkg/lease/index.js or pkg/lease/ringlease_lease_bg.wasm is missing: run `npm run build` (or `npm run bench`)");
}
const mod = await import(glue.href);
const { LeaseTable } = mod;
if (typeof LeaseTable !== "function") fail("pkg/lease/index.js does not export LeaseTable: pkg/ is older than LeaseTable");
mod.initSync({ module: readFileSync(binary) });
const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

// A real gc() between runs (no --expose-gc on the command line).
const gc = exposeGc();

// ---------------------------------------------------------------- timing helpers
let sink = 0; // results folded in here and printed, so no work can be dropped
const f1 = (x) => x.toFixed(1);
const commas = (n) => n.toLocaleString("en-US");

// The baseline: the least a lease table must do on this workload, in plain JS. A Map from
// resource to its lease; acquire grants when the resource is free or its lease has expired,
// release checks owner, token and expiry. No queue, lock-delay, request ids, events, elections
// or argument checks: what LeaseTable does beyond this is the rest of its semantics.
class PlainLeases {
  #held = new Map();
  #lastToken = 0;
  acquire(resource, owner, { ttlMs, nowMs }) {
    const held = this.#held.get(resource);
    if (held !== undefined && nowMs < held.expiresAtMs) {
      return { status: "busy", holder: held.owner, expiresAtMs: held.expiresAtMs };
    }
    const token = ++this.#lastToken;
    const expiresAtMs = nowMs + ttlMs;
    this.#held.set(resource, { owner, token, expiresAtMs });
    return { status: "granted", token, expiresAtMs };
  }
  release(resource, owner, token, nowMs) {
    const held = this.#held.get(resource);
    if (held === undefined || held.owner !== owner || held.token !== token || nowMs >= held.expiresAtMs) {
      return { status: "rejected", reason: "notHolder" };
    }
    this.#held.delete(resource);
    return { status: "released" };
  }
  get lastToken() {
    return this.#lastToken;
  }
  free() {}
}

// One run: a fresh table, every pair acquire → (if granted) release, nowMs +1 per pair.
// Outcomes are counted; the token sum is the checksum (same as the native side's).
function leaseRun(Table = LeaseTable) {
  const table = new Table();
  const opts = { ttlMs: TTL_MS, nowMs: 0 };
  let granted = 0;
  let released = 0;
  let other = 0;
  let check = 0;
  const t0 = nowNs();
  for (let i = 0; i < PAIRS; i++) {
    const resource = RESOURCE_IDS[PAIR_RESOURCE[i]];
    const owner = OWNER_IDS[PAIR_OWNER[i]];
    const now = i + 1;
    opts.nowMs = now;
    const a = table.acquire(resource, owner, opts);
    if (a.status === "granted") {
      granted++;
      check += a.token;
      if (table.release(resource, owner, a.token, now).status === "released") released++;
      else other++;
    } else other++;
  }
  const t1 = nowNs();
  const lastToken = table.lastToken;
  table.free();
  return { ms: Number(t1 - t0) / 1e6, granted, released, other, check, lastToken };
}

// The per-call boundary cost: a getter that crosses into wasm and returns a number
// (leasetable_last_token: no arguments to convert, no object back).
function getterRun(table) {
  let sum = 0;
  const t0 = nowNs();
  for (let i = 0; i < GETTER_CALLS; i++) sum += table.lastToken;
  const t1 = nowNs();
  sink = (sink + sum) | 0;
  return Number(t1 - t0) / 1e6;
}
// The same loop on a plain JS getter, to subtract the loop itself.
class PlainGetter {
  #v = 0;
  get lastToken() {
    return this.#v;
  }
}

// ---------------------------------------------------------------- 1. wasm (from JS)
const loadBefore = os.loadavg();
log(`wasm: ${commas(PAIRS)} pairs, 1 warm-up run + up to ${RUNS} timed runs`);
const warm = leaseRun();
const expectedCheck = (PAIRS * (PAIRS + 1)) / 2; // tokens 1..PAIRS, one grant per pair
const checkRun = (r, label) => {
  if (r.granted !== PAIRS || r.released !== PAIRS || r.other !== 0 || r.check !== expectedCheck || r.lastToken !== PAIRS) {
    fail(
      `${label}: expected ${PAIRS} granted and ${PAIRS} released, got granted ${r.granted}, released ${r.released}, ` +
        `other ${r.other}, token sum ${r.check} (expected ${expectedCheck}), lastToken ${r.lastToken}`,
    );
  }
};
checkRun(warm, "warm-up run");
checkRun(leaseRun(PlainLeases), "plain JS warm-up run");
const wasmSamples = [];
const plainSamples = [];
const wasmStarted = Date.now();
for (let r = 0; r < RUNS; r++) {
  gc();
  const res = leaseRun();
  checkRun(res, `run ${r + 1}`);
  sink = (sink + res.check) | 0;
  wasmSamples.push(res.ms);
  gc();
  const base = leaseRun(PlainLeases);
  checkRun(base, `plain JS run ${r + 1}`);
  plainSamples.push(base.ms);
  if (r + 1 >= 3 && Date.now() - wasmStarted > RUN_BUDGET_MS) break;
}
/** The figures of timed runs of the workload, from their times in ms. */
function pairRunStats(samplesMs) {
  const medianMs = median(samplesMs);
  return {
    runs: samplesMs.length,
    medianMs,
    samplesMs,
    nsPerPair: (medianMs * 1e6) / PAIRS,
    nsPerOp: (medianMs * 1e6) / (2 * PAIRS),
    opsPerSec: (2 * PAIRS) / (medianMs / 1e3),
  };
}
const wasm = { ...pairRunStats(wasmSamples), granted: warm.granted, released: warm.released, checksum: warm.check };
const plainStats = pairRunStats(plainSamples);
const plainJs = { ...plainStats, wasmOverPlain: wasm.medianMs / plainStats.medianMs };

// Getter: wasm lastToken vs a plain JS getter, interleaved run by run.
const getterTable = new LeaseTable();
getterTable.acquire("res-0", "owner-0", { ttlMs: TTL_MS, nowMs: 1 });
const plain = new PlainGetter();
getterRun(getterTable);
getterRun(plain);
const getterSamples = { wasm: [], js: [] };
for (let r = 0; r < GETTER_RUNS; r++) {
  getterSamples.wasm.push(getterRun(getterTable));
  getterSamples.js.push(getterRun(plain));
}
getterTable.free();
const getter = {
  calls: GETTER_CALLS,
  wasmNsPerCall: (median(getterSamples.wasm) * 1e6) / GETTER_CALLS,
  plainJsNsPerCall: (median(getterSamples.js) * 1e6) / GETTER_CALLS,
  samplesMs: getterSamples,
};
getter.crossingNsPerCall = getter.wasmNsPerCall - getter.plainJsNsPerCall;
const loadAfter = os.loadavg();

// ---------------------------------------------------------------- 2. native (cargo example)
let native = null;
let nativeNote = null;
if (NO_NATIVE) {
  nativeNote = "skipped (--no-native)";
} else {
  const stdout = runNativeExample("lease_bench", ["--json"], fail);
  native = JSON.parse(stdout.trim().split("\n").pop());
  if (native.granted !== PAIRS || native.released !== PAIRS) fail(`native run: ${native.granted} granted, ${native.released} released`);
  if (native.checksum !== wasm.checksum) fail(`native checksum ${native.checksum} ≠ wasm checksum ${wasm.checksum}`);
}

// ---------------------------------------------------------------- 3. report
const boundary = native
  ? {
      nsPerOp: wasm.nsPerOp - native.nsPerOp,
      nsPerPair: wasm.nsPerPair - native.nsPerPair,
      wasmOverNative: wasm.nsPerPair / native.nsPerPair,
    }
  : null;
const cores = os.cpus().length;
const out = [];
out.push("");
out.push(
  `ringlease ${version} LeaseTable — ${commas(PAIRS)} acquire/release pairs over ${commas(RESOURCES)} resources, ` +
    `${OWNERS} owners (mulberry32 seed 0x${SEED.toString(16)}), nowMs +1 per pair, ttlMs ${commas(TTL_MS)}; one op = one call`,
);
out.push(
  `node ${process.version} on ${os.cpus()[0]?.model ?? "?"} (${cores} cores); load average ${loadBefore[0].toFixed(2)} → ${loadAfter[0].toFixed(2)}`,
);
out.push(`outcomes: ${commas(wasm.granted)} granted, ${commas(wasm.released)} released, 0 other (asserted on every run, both sides)`);
out.push("");
const header = ["", "ns/pair", "ns/op", "M ops/s", "runs (ms)"];
/** One implementation's figures as a table row. */
const row = (label, run) => [
  label,
  f1(run.nsPerPair),
  f1(run.nsPerOp),
  (run.opsPerSec / 1e6).toFixed(2),
  run.samplesMs.map((x) => x.toFixed(0)).join(", "),
];
const rows = [row("wasm (from JS)", wasm), row("plain JS Map (baseline)", plainJs)];
if (native) rows.push(row("native (Rust)", native));
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join(" | ")
    .trimEnd();
out.push(line(header));
out.push(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) out.push(line(r));
out.push("");
if (boundary) {
  out.push(
    `boundary overhead (wasm − native): ${f1(boundary.nsPerOp)} ns/op, ${f1(boundary.nsPerPair)} ns/pair ` +
      `(wasm takes ${boundary.wasmOverNative.toFixed(2)}× native per pair)`,
  );
  out.push("  includes the call crossing, string and options decoding, the result object built for JS, and wasm vs native code");
} else {
  out.push(`native: ${nativeNote}`);
}
out.push(
  `wasm from JS / plain JS Map: ${plainJs.wasmOverPlain.toFixed(1)}× per pair ` +
    "(the baseline has no queue, lock-delay, request ids, events, elections or argument checks)",
);
out.push(
  `per-call crossing alone (lastToken getter, ${commas(GETTER_CALLS)} calls, median of ${GETTER_RUNS}): ` +
    `${f1(getter.wasmNsPerCall)} ns/call vs ${f1(getter.plainJsNsPerCall)} ns for a plain JS getter → ~${f1(getter.crossingNsPerCall)} ns per crossing`,
);
out.push(`- checksum ${sink}; run took ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
console.log(out.join("\n"));

// ---------------------------------------------------------------- 4. JSON
const results = {
  ...environment(),
  loadAverage: { before: loadBefore, after: loadAfter },
  version,
  workload: {
    pairs: PAIRS,
    resources: RESOURCES,
    owners: OWNERS,
    ttlMs: TTL_MS,
    nowMs: "i + 1 for pair i (0-based)",
    prng: "mulberry32",
    seed: SEED,
    resourcePattern: "res-<i>",
    ownerPattern: "owner-<i>",
    tableOptions: "defaults",
  },
  wasm,
  plainJs,
  native,
  boundaryOverhead: boundary,
  getter,
  notes: {
    op: "one op = one acquire or release call; a pair = acquire + release",
    wasm: "median of timed runs after one warm-up run, each on a fresh LeaseTable; freed outside the timed region",
    plainJs: "a Map with an owner check, tokens and a TTL (PlainLeases above), runs interleaved with the wasm runs",
    native: native ? "examples/lease_bench.rs (cargo --release): one warm-up + 5 timed runs, median" : nativeNote,
    boundary: "wasm ns/op − native ns/op",
    getter: "lastToken (wasm) minus a plain JS getter, same loop: the cost of one JS→wasm crossing returning a number",
  },
  runSeconds: (performance.now() - runStarted) / 1000,
  checksum: sink,
};
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("lease.json", dir), `${JSON.stringify(results, null, 2)}\n`);
log("wrote bench/results/lease.json");
