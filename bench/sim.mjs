// Simulated events per second for every Simulation preset: the release wasm build in pkg/ from
// Node, and natively (examples/sim_bench.rs, same seeds), side by side (throughput target:
// at least 1,000,000 events/s in wasm for flashSale). Also the page's way of driving it:
// flashSale stepped 16 simulated ms at a time with the trace copied out as typed arrays.
// Writes bench/results/sim.json.
//
//   npm run bench                      # builds pkg/ first, then ring.mjs, lease.mjs, this file
//   node bench/sim.mjs                 # when pkg/ is already built (runs cargo for the native half)
//   node bench/sim.mjs --no-native     # the wasm half alone
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { environment, failer, log, median, runNativeExample } from "./common.mjs";

const fail = failer(import.meta.url);
const NO_NATIVE = process.argv.includes("--no-native");
const SEEDS = 20; // seeds 1..=20 of each preset per pass (examples/sim_bench.rs runs the same)
const PASSES = 3; // median reported
const TARGET = 1_000_000;

let Simulation;
try {
  const pkg = await import("../pkg/sim/index.js");
  pkg.initSync({ module: readFileSync(new URL("../pkg/sim/ringlease_sim_bg.wasm", import.meta.url)) });
  Simulation = pkg.Simulation;
} catch (e) {
  fail(`pkg/ is not built (npm run build): ${e.message}`);
}

/** Events per second over seeds 1..=SEEDS of `name`, run to the end. */
function runPass(name) {
  let events = 0;
  const started = performance.now();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = new Simulation({ preset: name, seed });
    events += sim.run().metrics.events;
    sim.free();
  }
  return { events, ms: performance.now() - started };
}

/** flashSale as the page plays it: 16 ms steps, every event batch copied out. */
function steppedPass() {
  let events = 0;
  let steps = 0;
  const started = performance.now();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = new Simulation({ preset: "flashSale", seed });
    for (; !sim.done; steps++) sim.step(sim.nowMs + 16);
    events += sim.metrics().events;
    sim.free();
  }
  return { events, steps, ms: performance.now() - started };
}

const wasm = {};
for (const name of Simulation.presets()) {
  runPass(name); // warm-up
  const passes = Array.from({ length: PASSES }, () => runPass(name));
  const rate = median(passes.map((p) => (p.events / p.ms) * 1000));
  wasm[name] = { eventsPerRun: passes[0].events / SEEDS, eventsPerSecond: Math.round(rate) };
  log(`wasm ${name}: ${Math.round(rate).toLocaleString("en")} events/s`);
}
steppedPass();
const stepped = Array.from({ length: PASSES }, steppedPass);
const steppedRate = Math.round(median(stepped.map((p) => (p.events / p.ms) * 1000)));

const native = {};
if (!NO_NATIVE) {
  const stdout = runNativeExample("sim_bench", [String(SEEDS)], fail);
  for (const line of stdout.trim().split("\n").slice(1)) {
    const [name, , , , rate] = line.trim().split(/\s+/);
    native[name] = Math.round(Number(rate));
  }
}

const rows = Object.entries(wasm).map(([name, w]) => ({
  preset: name,
  eventsPerRun: w.eventsPerRun,
  wasm: w.eventsPerSecond,
  native: native[name] ?? null,
  ratio: native[name] ? +(native[name] / w.eventsPerSecond).toFixed(2) : null,
}));
console.log(`\nSimulation: simulated events per second (seeds 1..${SEEDS}, median of ${PASSES})\n`);
console.log("preset         events/run   wasm (Node)        native   native/wasm");
for (const r of rows) {
  const fmt = (n) => (n == null ? "-" : n.toLocaleString("en")).padStart(13);
  console.log(
    `${r.preset.padEnd(13)} ${String(Math.round(r.eventsPerRun)).padStart(11)} ${fmt(r.wasm)} ${fmt(r.native)} ${String(r.ratio ?? "-").padStart(13)}`,
  );
}
const perStepUs = median(stepped.map((p) => (p.ms * 1000) / p.steps));
console.log(
  `flashSale played like the page (16 simulated ms per step() call, trace copied out as typed arrays): ` +
    `${steppedRate.toLocaleString("en")} events/s, ${perStepUs.toFixed(1)} µs per call`,
);
const met = wasm.flashSale.eventsPerSecond >= TARGET;
console.log(`\ntarget: flashSale >= ${TARGET.toLocaleString("en")} events/s in wasm: ${met ? "MET" : "NOT MET"}`);

const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const results = {
  environment: environment(),
  seeds: SEEDS,
  passes: PASSES,
  rows,
  steppedFlashSale: { eventsPerSecond: steppedRate, microsecondsPerStep: +perStepUs.toFixed(2) },
  target: { eventsPerSecond: TARGET, met },
};
writeFileSync(new URL("sim.json", dir), `${JSON.stringify(results, null, 2)}\n`);
log("wrote bench/results/sim.json");
