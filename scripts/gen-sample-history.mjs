// Writes www/histories/gcpause-unfenced.json: a short gcPause run without fencing, exported with
// Simulation.prototype.history(), so the page's `#locks?history=histories/gcpause-unfenced.json`
// link has a history to open. Needs pkg/ (npm run build).
//
//   node scripts/gen-sample-history.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { checkHistory, initSync, Simulation } from "../pkg/sim/index.js";

initSync({ module: readFileSync(new URL("../pkg/sim/ringlease_sim_bg.wasm", import.meta.url)) });

/** @type {import("../pkg/sim/ringlease_sim.js").SimulationConfig} */
export const SAMPLE = { preset: "gcPause", seed: 1, fencing: "off", durationMs: 4000, faultsUntilMs: 4000 };

const sim = new Simulation(SAMPLE);
sim.run();
const doc = sim.history();
doc.description = "simulated: gcPause, seed 1, fencing off, 4 s (scripts/gen-sample-history.mjs)";
const verdict = checkHistory(doc);
if (verdict.counts.lostUpdate === 0) throw new Error("the sample should lose updates");
const out = new URL("../www/histories/gcpause-unfenced.json", import.meta.url);
mkdirSync(new URL(".", out), { recursive: true });
writeFileSync(out, `${JSON.stringify(doc, null, 0).replaceAll("},{", "},\n{")}\n`);
console.log(`${doc.records.length} records, ${verdict.counts.lostUpdate} lost updates -> ${out.pathname}`);
