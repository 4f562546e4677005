// The wasm memory figures of bench/ring.mjs, measured in worker threads, each with its own fresh
// wasm instance: see bench/wasm-memory.mjs for the two figures (build high-water, steady-state
// storage of a live ring) and their method.
import { Worker } from "node:worker_threads";

function measureWasmMemory(nodes, keep, maxRings) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./wasm-memory.mjs", import.meta.url), { workerData: { nodes, keep, maxRings } });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`wasm-memory worker exited with code ${code}`)));
  });
}

/**
 * The figures at 100 and 1000 nodes, with notes on what they mean.
 * @param {Record<number, number>} steadyRings rings kept alive once memory grows again, by ring size
 * @param {Record<number, number>} maxRings the most rings to build, by ring size
 * @param {(message: string) => never} fail
 */
export async function wasmMemoryFigures(steadyRings, maxRings, fail) {
  const figures = {};
  for (const nodes of [100, 1000]) {
    try {
      figures[nodes] = await measureWasmMemory(nodes, steadyRings[nodes], maxRings[nodes]);
    } catch (error) {
      fail(`wasm memory measurement (${nodes} nodes) failed: ${error.message}`);
    }
    if (figures[nodes].steadyState.bytesPerPoint == null) {
      fail(`wasm memory (${nodes} nodes): memory never grew over ${figures[nodes].steadyState.ringsKept} kept rings`);
    }
  }
  return {
    ...figures,
    notes: {
      highWater:
        "fresh wasm instance (worker thread): memory growth while building one ring with new HashRing({ nodes }) / points; includes build temporaries, allocator slack and one-time allocations: an upper bound",
      steadyState:
        "same instance: that ring freed (throwaway), then rings of the same size built and all kept alive; bytes/point = slope of wasm memory over the last rings kept (after memory started growing again) / points per ring: what a live ring keeps in the wasm heap (arrays, node records, allocator overhead); build temporaries excluded (freed and reused by the next build); error ±64 KiB / (rings in the slope × points). Node ids cached as JS strings live in the JS heap and are not counted",
    },
  };
}
