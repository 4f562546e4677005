// Helpers shared by the benchmark scripts (bench/ring.mjs, bench/lease.mjs).
import os from "node:os";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";

/** A `fail(message)` that aborts the calling script (pass its `import.meta.url`) loudly. */
export function failer(scriptUrl) {
  const name = `bench/${basename(fileURLToPath(scriptUrl))}`;
  return (message) => {
    console.error(`\n*** ${name} ABORTED: ${message}\n`);
    process.exit(1);
  };
}

/** Progress lines go to stderr, so stdout holds only the results. */
export const log = (msg) => console.error(`[bench] ${msg}`);

/** A real `gc()` (no --expose-gc on the command line needed). */
export function exposeGc() {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc");
}

export const nowNs = () => process.hrtime.bigint();

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Where and when a run happened, for the results JSON. */
export function environment() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? null,
    cores: os.cpus().length,
  };
}
