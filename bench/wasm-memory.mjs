// Wasm-heap figures for one ring size, measured on a fresh wasm instance in a worker thread (its
// own module graph, so its own instance and allocator, untouched by the rest of the benchmark).
// Started by bench/ring.mjs (see measureWasmMemory there); not meant to be run directly.
//
// The only size JS can see is memory.buffer.byteLength, which grows in 64 KiB pages and never
// shrinks. Two figures:
// - high-water: growth of the fresh instance while it builds one ring with
//   `new HashRing({ nodes })` — build temporaries (sort buffers), allocator slack and one-time
//   allocations included: an upper bound;
// - steady state: that ring is freed (it is the throwaway: its memory, temporaries included,
//   goes back to the allocator), then rings of the same size are built one after another and all
//   kept alive. Once memory has started to grow again (the freed space is used up), every further
//   ring costs what it keeps — its arrays, node records and allocator overhead — because each
//   build's temporaries are freed before the next build, which reuses them. The figure is the
//   slope of memory over the last `keep` rings divided by points per ring; a page of rounding at
//   each end bounds its error: ±64 KiB / (keep × points).
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

const { nodes, keep, maxRings } = workerData;
const mod = await import(new URL("../pkg/ring/index.js", import.meta.url).href);
const wasm = mod.initSync({ module: readFileSync(new URL("../pkg/ring/ringlease_bg.wasm", import.meta.url)) });
const { HashRing } = mod;
const bytes = () => wasm.memory.buffer.byteLength;
const ids = Array.from({ length: nodes }, (_, i) => `node-${i}`);

const before = bytes();
const throwaway = new HashRing({ nodes: ids });
const afterBuild = bytes();
const points = throwaway.pointCount;
throwaway.free();

const trace = [bytes()];
const kept = [];
let first = -1; // rings kept when memory first grew
while (kept.length < maxRings) {
  kept.push(new HashRing({ nodes: ids }));
  trace.push(bytes());
  if (first < 0 && trace[trace.length - 1] > trace[0]) first = kept.length;
  if (first >= 0 && kept.length - first >= keep) break;
}
for (const ring of kept) ring.free();
const count = kept.length;
const slopeRings = first < 0 ? 0 : count - first;
const ok = slopeRings >= 2;
parentPort.postMessage({
  nodes,
  points,
  highWater: { wasmBytesBefore: before, wasmBytesAfter: afterBuild, bytesPerPoint: (afterBuild - before) / points },
  steadyState: {
    ringsKept: count,
    slopeFromRing: first,
    slopeRings,
    bytesPerRing: ok ? (trace[count] - trace[first]) / slopeRings : null,
    bytesPerPoint: ok ? (trace[count] - trace[first]) / (slopeRings * points) : null,
    errorBytesPerPoint: ok ? 65536 / (slopeRings * points) : null,
    wasmBytesTrace: trace,
  },
});
