// Timing for bench/ring.mjs: machine load from /proc/stat, interleaved rounds of build cases,
// and finely interleaved lookup passes over the key array (see `measureLookupRounds`).
import { readFileSync } from "node:fs";
import os from "node:os";

import { median, nowNs } from "./common.mjs";

/**
 * What the measurements run on, set by `configure` before any of them.
 * @type {{ keys: string[], warmupKeys: number, batch: number, chunk: number, gc: () => void, fail: (message: string) => never }}
 */
const config = {
  keys: [],
  warmupKeys: 0,
  batch: 1,
  chunk: 1,
  gc: () => {},
  fail: (message) => {
    throw new Error(message);
  },
};

/**
 * Sets the key array, the warm-up prefix, the batch and slice sizes (in keys), `gc` and `fail`.
 * @param {typeof config} options
 */
export function configure(options) {
  Object.assign(config, options);
}

// How busy the machine was while we measured: CPU time used by other processes (from
// /proc/stat minus our own process.cpuUsage()) and hypervisor steal. Linux only; null elsewhere.
export function machineSnapshot() {
  let stat = null;
  try {
    stat = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  } catch {
    // not Linux
  }
  return { stat, own: process.cpuUsage(), wallMs: performance.now() };
}
export function machineDelta(a, b) {
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
/** Every measured result is folded in here and printed, so no work can be dropped. */
export const sink = { value: 0 };

// Checksum of a nodeForMany result (computed outside the timed region).
export function ownersChecksum(owners) {
  let sum = owners.length | 0;
  for (let i = 0; i < owners.length; i++) sum = (sum + owners[i]) | 0;
  return sum;
}

// Interleaved measurement: every round times each case once, in an order rotated per round, so
// a change in machine load (other processes on a shared box) hits all libraries alike. Each case
// is warmed up first. `run()` returns { check, dispose? }: `check` goes into the sink (and must be
// the same every round), `dispose` (e.g. ring.free()) runs outside the timed region. Stops after
// `rounds` rounds, or after `minRounds` once `budgetMs` is spent.
export function measureRounds(cases, { rounds, budgetMs, minRounds = 3 }) {
  for (const c of cases) c.warmup();
  const samples = new Map(cases.map((c) => [c.name, []]));
  const checks = new Map(cases.map((c) => [c.name, new Set()]));
  const started = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(r + j) % cases.length];
      config.gc();
      const t0 = nowNs();
      const out = c.run();
      const t1 = nowNs();
      sink.value = (sink.value + (out.check | 0)) | 0;
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
      config.fail(`${c.name} gave different checksums in different rounds: ${[...checks.get(c.name)].join(", ")}`);
    }
    stats[c.name] = { medianMs: median(xs), minMs: Math.min(...xs), maxMs: Math.max(...xs), samplesMs: xs };
  }
  return stats;
}

// One lookup loop per library, so each call site stays monomorphic. The checksum touches the
// returned string so the result cannot be discarded.
export function lookupRinglease(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.nodeFor(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
export function lookupRingleaseKetama(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.nodeFor(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
export function lookupHashring(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.get(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
export function lookupConsistentHash(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const node = ring.get(keys[i]);
    sum = (sum + node.length + node.charCodeAt(node.length - 1)) | 0;
  }
  return sum;
}
export function positionsRinglease(ring, keys, start, end) {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + ring.positionOf(keys[i])) | 0;
  return sum;
}

// A per-key case: `run(start, end)` looks up KEYS[start..end) and returns a checksum.
export const lookupCase = (name, lookup, ring) => ({ name, run: (start, end) => lookup(ring, config.keys, start, end) });

// Lookups are interleaved finely. A pass walks the key array in slices of config.chunk keys and
// times every per-key case on every slice (order rotated per slice), so a slow or fast spell of
// the machine (on a shared VM a fixed workload was seen to swing up to 2× within a second) lands
// on all libraries alike. Batch cases (`batched`: one nodeForMany call per config.batch keys) run once
// per block of config.batch keys, slotted in among that block's slices at a slot rotated per pass; a
// `whole` case (one nodeForMany call on all keys) runs once per pass at a rotated slice. A case's
// pass time is the sum of its timed calls; the median over passes is reported. Untimed warm-up
// comes first (two passes over a prefix; the whole-array call once, which also grows wasm
// memory to its size). Checksums of batch results are computed outside the timed region.
export function measureLookupRounds({ perKey, batched, whole }, { rounds, budgetMs, minRounds = 3 }) {
  for (const c of perKey) sink.value = (sink.value + c.run(0, config.warmupKeys) + c.run(0, config.warmupKeys)) | 0;
  for (const c of batched) sink.value = (sink.value + ownersChecksum(c.run(0)) + ownersChecksum(c.run(0))) | 0;
  for (const c of whole) sink.value = (sink.value + ownersChecksum(c.run())) | 0;
  const all = [...perKey, ...batched, ...whole];
  const samples = new Map(all.map((c) => [c.name, []]));
  const checks = new Map(all.map((c) => [c.name, new Set()]));
  const slicesPerBlock = config.batch / config.chunk;
  const blocks = config.keys.length / config.batch;
  const slices = config.keys.length / config.chunk;
  const started = Date.now();
  for (let r = 0; r < rounds; r++) {
    config.gc();
    const totalNs = new Map(all.map((c) => [c.name, 0n]));
    const check = new Map(all.map((c) => [c.name, 0]));
    for (let b = 0; b < blocks; b++) {
      for (let s = 0; s < slicesPerBlock; s++) {
        const slice = b * slicesPerBlock + s;
        const start = slice * config.chunk;
        const end = start + config.chunk;
        const tasks = perKey.map((c) => [c, () => c.run(start, end)]);
        batched.forEach((c, i) => {
          if ((r + b + 3 * i) % slicesPerBlock === s) tasks.push([c, () => c.run(b)]);
        });
        whole.forEach((c, i) => {
          if ((7 * r + 13 * i + 5) % slices === slice) tasks.push([c, () => c.run()]);
        });
        for (let j = 0; j < tasks.length; j++) {
          const [c, task] = tasks[(r + slice + j) % tasks.length];
          const t0 = nowNs();
          const out = task();
          const t1 = nowNs();
          totalNs.set(c.name, totalNs.get(c.name) + (t1 - t0));
          const sum = typeof out === "number" ? out : ownersChecksum(out);
          check.set(c.name, (check.get(c.name) + sum) | 0);
        }
      }
    }
    for (const c of all) {
      samples.get(c.name).push(Number(totalNs.get(c.name)) / 1e6);
      checks.get(c.name).add(check.get(c.name));
      sink.value = (sink.value + check.get(c.name)) | 0;
    }
    if (r + 1 >= minRounds && Date.now() - started > budgetMs) break;
  }
  const stats = {};
  for (const c of all) {
    if (checks.get(c.name).size !== 1) config.fail(`${c.name} gave different checksums in different passes`);
    const xs = samples.get(c.name);
    const medianMs = median(xs);
    stats[c.name] = {
      nsPerKey: (medianMs * 1e6) / config.keys.length,
      callsPerPass: perKey.includes(c) ? config.keys.length : batched.includes(c) ? blocks : 1,
      keysPerCall: perKey.includes(c) ? 1 : batched.includes(c) ? config.batch : config.keys.length,
      medianMs,
      minMs: Math.min(...xs),
      maxMs: Math.max(...xs),
      samplesMs: xs,
    };
  }
  return stats;
}
