// `npm run chaos [-- options]`: the fault harness (README, "Fault harness").
//   --seed N          first seed (default 1)          --runs N        seeds seed..seed+N-1 (default 1)
//   --duration S      seconds per run (default 30)     --clients N     client processes (default 8)
//   --ttl MS          lease TTL (default 300)          --fencing on|off  RedisFencedStore or plain SET (on)
//   --nemeses LIST    pause-client,pause-server,kill,delay (default all; "none" for none)
//   --tokens time|incr  the lease scripts' token rule, or the bare-INCR negative control (time)
//   --persistence off|aof  the lock server's persistence across kill -9 (off)
//   --out FILE        write the (last) run's history as JSON
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { NEMESES } from "./nemesis.mjs";
import { summary, table } from "./report.mjs";
import { runChaos, stopAll } from "./runner.mjs";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    runs: { type: "string", default: "1" },
    duration: { type: "string", default: "30" },
    clients: { type: "string", default: "8" },
    ttl: { type: "string", default: "300" },
    fencing: { type: "string", default: "on" },
    nemeses: { type: "string", default: NEMESES.join(",") },
    tokens: { type: "string", default: "time" },
    persistence: { type: "string", default: "off" },
    out: { type: "string" },
  },
});

function int(name, lo, hi) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    console.error(`--${name} must be an integer in ${lo}..${hi}, got ${values[name]}`);
    process.exit(2);
  }
  return n;
}
function oneOf(name, allowed) {
  if (!allowed.includes(values[name])) {
    console.error(`--${name} must be one of ${allowed.join(", ")}, got ${values[name]}`);
    process.exit(2);
  }
  return values[name];
}

const seed = int("seed", 0, 2 ** 32 - 1);
const runs = int("runs", 1, 1000);
const durationMs = Number(values.duration) * 1000;
if (!(durationMs >= 1000 && durationMs <= 3_600_000)) {
  console.error(`--duration must be 1..3600 s, got ${values.duration}`);
  process.exit(2);
}
const nemeses = values.nemeses === "none" ? [] : values.nemeses.split(",").filter(Boolean);
for (const n of nemeses) {
  if (!NEMESES.includes(n)) {
    console.error(`--nemeses: unknown "${n}" (known: ${NEMESES.join(", ")}, or none)`);
    process.exit(2);
  }
}
const base = {
  durationMs,
  clients: int("clients", 1, 64),
  ttlMs: int("ttl", 50, 60_000),
  fencing: oneOf("fencing", ["on", "off"]) === "on",
  tokens: oneOf("tokens", ["time", "incr"]),
  persistence: oneOf("persistence", ["off", "aof"]),
  nemeses,
};

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    console.error(`\n${signal}: stopping every client and server`);
    await stopAll();
    process.exit(130);
  });
}

const rows = [];
let last;
try {
  for (let s = seed; s < seed + runs; s++) {
    last = await runChaos({ ...base, seed: s });
    const row = summary(last);
    rows.push(row);
    console.error(`seed ${s}: ${row.records} records, lost ${row.lostUpdate}, stale ${row.staleWrite}, tokenOrder ${row.tokenOrder}`);
  }
} catch (err) {
  console.error(err);
  await stopAll();
  process.exit(1);
}
if (values.out) writeFileSync(values.out, `${JSON.stringify(last.history)}\n`);
console.log(table(rows));
if (runs === 1) {
  const v = last.verdict;
  console.log(`\nverdict: ${v.ok ? "ok" : "violations"}; unknown: ${v.unknown.join(", ") || "none"}`);
  for (const x of v.violations.slice(0, 5)) console.log(`  ${JSON.stringify(x)}`);
}
