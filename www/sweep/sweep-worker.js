// The sweep Worker (a module Worker): loads the same wasm package as the page and runs a sweep
// run by run, posting each row as it finishes. The page cancels by terminating the Worker.
//
// In:  { type: "start", config, options }            (Simulation.sweepRuns arguments)
// Out: { type: "ready" }                               (wasm loaded)
//      { type: "plan", total }                         (the runs are valid; this many)
//      { type: "row", index, row, elapsedMs }          (one per run, in run order)
//      { type: "done", total, elapsedMs }
//      { type: "error", name, message }                (bad options or a failure)
import init, { Simulation } from "../../pkg/sim/index.js";
import { sweepRows } from "./sweep-runner.js";

const ready = init();
ready.then(
  () => self.postMessage({ type: "ready" }),
  (error) => self.postMessage({ type: "error", name: "Error", message: `could not load the wasm package: ${error?.message}` }),
);

self.onmessage = async ({ data }) => {
  if (data?.type !== "start") return;
  try {
    await ready;
    const started = performance.now();
    const runs = Simulation.sweepRuns(data.config, data.options);
    self.postMessage({ type: "plan", total: runs.length });
    for (const { index, row } of sweepRows(Simulation, runs)) {
      self.postMessage({ type: "row", index, row, elapsedMs: performance.now() - started });
    }
    self.postMessage({ type: "done", total: runs.length, elapsedMs: performance.now() - started });
  } catch (error) {
    self.postMessage({ type: "error", name: error?.name ?? "Error", message: error?.message ?? String(error) });
  }
};
