// Helpers shared by the benchmark scripts (bench/ring.mjs, bench/lease.mjs).
import { spawnSync } from "node:child_process";
import os from "node:os";
import { basename, delimiter, join } from "node:path";
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

/**
 * Runs `cargo run --release --quiet --example <name> -- <args>` at the repository's root (with
 * ~/.cargo/bin on the PATH; it compiles on first use) and returns its stdout; its stderr shows.
 * Aborts through `fail` when cargo cannot run or the example fails.
 * @param {string} name
 * @param {string[]} args
 * @param {(message: string) => never} fail
 */
export function runNativeExample(name, args, fail) {
  const command = ["run", "--release", "--quiet", "--example", name, "--", ...args];
  log(`native: cargo ${command.join(" ")} (compiles on first use)`);
  const cargoBin = join(os.homedir(), ".cargo", "bin");
  const res = spawnSync("cargo", command, {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, PATH: `${cargoBin}${delimiter}${process.env.PATH ?? ""}` },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (res.error) fail(`could not run cargo: ${res.error.message}`);
  if (res.status !== 0) fail(`examples/${name} exited with ${res.status}`);
  return res.stdout;
}

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
