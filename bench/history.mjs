// checkHistory on a 100,000-record history: the release wasm build in pkg/ from Node (decoding
// the document included), and natively (examples/history_bench.rs: JSON parse, validation and
// check apart). The history is an unfenced gcPause run long enough to record 100,000 records,
// cut there. Target: under a second each. Writes bench/results/history.json.
//
//   node bench/history.mjs                # when pkg/ is built (runs cargo for the native half)
//   node bench/history.mjs --no-native    # the wasm half alone
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

import { environment, failer, log, median, runNativeExample } from "./common.mjs";

const fail = failer(import.meta.url);
const NO_NATIVE = process.argv.includes("--no-native");
const RECORDS = 100_000;
const PASSES = 5;

let pkg;
try {
  pkg = await import("../pkg/sim/index.js");
  pkg.initSync({ module: readFileSync(new URL("../pkg/sim/ringlease_sim_bg.wasm", import.meta.url)) });
} catch (e) {
  fail(`pkg/ is not built (npm run build): ${e.message}`);
}
const { Simulation, checkHistory } = pkg;

/** An unfenced gcPause run of at least RECORDS records, cut to RECORDS, through JSON. */
function benchHistory() {
  const probe = new Simulation({ preset: "gcPause", fencing: "off" });
  probe.run();
  const perMs = probe.history().records.length / probe.config().durationMs;
  probe.free();
  const sim = new Simulation({ preset: "gcPause", fencing: "off", durationMs: Math.ceil((RECORDS / perMs) * 1.1) });
  sim.run();
  const doc = sim.history();
  sim.free();
  if (doc.records.length < RECORDS) fail(`only ${doc.records.length} records`);
  doc.records.length = RECORDS;
  return JSON.parse(JSON.stringify(doc));
}

const doc = benchHistory();
const times = [];
let verdict;
for (let i = 0; i < PASSES; i++) {
  const started = performance.now();
  verdict = checkHistory(doc);
  times.push(performance.now() - started);
}
const wasmMs = median(times);
log(
  `wasm: checkHistory on ${verdict.records} records: ${wasmMs.toFixed(1)} ms (median of ${PASSES}); lost updates ${verdict.counts.lostUpdate}`,
);

let native = null;
if (!NO_NATIVE) {
  native = JSON.parse(runNativeExample("history_bench", [String(RECORDS)], fail).trim());
  log(`native: parse ${native.parseMs} ms, validate ${native.buildMs} ms, check ${native.checkMs} ms on ${native.records} records`);
}

const result = { environment: environment(), records: RECORDS, wasm: { checkHistoryMs: wasmMs, passes: PASSES }, native };
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/history.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (wasmMs >= 1000 || (native && native.parseMs + native.buildMs + native.checkMs >= 1000)) {
  fail("checking 100,000 records took a second or more");
}
