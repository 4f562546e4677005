// Builds the release wasm of every npm entry into pkg/<entry>/ (`wasm-pack build --target web
// --release`, one Cargo feature set per entry) when it is missing or older than any Rust source,
// Cargo.toml, js/keys.js or this script, then copies the hand-written entry modules from js/ beside it.
// `--force` always rebuilds. It is also the `prepack` script: the package ships pkg/.
//
//   node scripts/build.mjs [--force] [entry ...]   # entries: ring, lease, sim (default: all)
//
// | entry   | import            | Cargo features | classes                                  |
// | ------- | ----------------- | -------------- | ---------------------------------------- |
// | ring    | ringlease         | ring           | HashRing                                 |
// | lease   | ringlease/lease   | lease          | LeaseTable, FencedStore                  |
// | sim     | ringlease/sim     | sim            | all of the above and Simulation (page)   |
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");

/**
 * Every entry with its own wasm. `out` names the generated files (`<out>.js`, `<out>.d.ts`,
 * `<out>_bg.wasm`): distinct per entry, so a bundle that uses two entries emits two distinct
 * assets. `index` is the module copied to pkg/<name>/index.js.
 */
export const ENTRIES = [
  {
    name: "ring",
    out: "ringlease",
    features: "ring",
    index: "js/index.js",
    // `ringlease/hashring`: hashring 3.2.0's API on the ring's wasm, and its Node module.
    extra: [
      ["js/hashring.js", "hashring.js"],
      ["js/hashring.d.ts", "hashring.d.ts"],
      ["js/hashring-node.js", "hashring-node.js"],
    ],
  },
  { name: "lease", out: "ringlease_lease", features: "lease", index: "js/lease.js" },
  { name: "sim", out: "ringlease_sim", features: "sim", index: "js/index.js" },
];

/** Files copied into every pkg/<entry>/: the Node entry, its types, the receiver checks. */
const COMMON = [
  ["js/node.js", "node.js"],
  ["js/node.d.ts", "node.d.ts"],
  // The receiver checks every entry applies to its classes.
  ["js/receivers.js", "receivers.js"],
  // LeaseTable's fast acquire and release (the lease and sim entries install it).
  ["js/lease-fast.js", "lease-fast.js"],
];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function build(entry, force) {
  const out = join(root, "pkg", entry.name);
  const wasm = join(out, `${entry.out}_bg.wasm`);
  // js/keys.js is imported by the wasm itself (wasm-bindgen copies it under snippets/), so editing
  // it needs a rebuild, unlike the entry modules copied below.
  const inputs = ["src", "Cargo.toml", "js/keys.js", "scripts/build.mjs"].map((p) => join(root, p));
  const stale =
    force ||
    !existsSync(wasm) ||
    !existsSync(join(out, `${entry.out}.js`)) ||
    Math.max(...inputs.map(newestMtime)) > statSync(wasm).mtimeMs;
  if (!stale) {
    console.error(`[build] pkg/${entry.name}/ is up to date`);
  } else {
    // wasm-opt must be binaryen >= 132 from node_modules (Debian's 108 corrupts release builds),
    // and wasm-pack / wasm-bindgen come from `cargo install` (scripts/setup.sh).
    const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin");
    const PATH = [join(root, "node_modules", ".bin"), cargoBin, join(homedir(), ".cargo", "bin"), process.env.PATH].join(delimiter);
    const args = ["build", "--target", "web", "--release", "--out-dir", `pkg/${entry.name}`, "--out-name", entry.out, "--no-pack"];
    args.push("--", "--no-default-features", "--features", entry.features);
    console.error(`[build] wasm-pack ${args.join(" ")}`);
    const started = Date.now();
    rmSync(out, { recursive: true, force: true });
    const result = spawnSync("wasm-pack", args, { cwd: root, stdio: "inherit", env: { ...process.env, PATH } });
    if (result.status !== 0) {
      console.error(`[build] wasm-pack failed (${result.error ?? `exit ${result.status}`})`);
      process.exit(result.status || 1);
    }
    console.error(`[build] pkg/${entry.name}/ done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  mkdirSync(out, { recursive: true });
  // wasm-pack writes pkg/<entry>/.gitignore ("*"). npm reads it as an ignore file when packing and
  // then drops the folder's snippets/ from the tarball; the repository's .gitignore covers pkg/.
  rmSync(join(out, ".gitignore"), { force: true });
  // The entry modules are copied on every run (small files), so editing js/ needs no rebuild. They
  // are written against the ring entry's file names (./ringlease.js, ./ringlease_bg.wasm).
  const copy = (from, to) => {
    const text = readFileSync(join(root, from), "utf8").replaceAll("./ringlease.js", `./${entry.out}.js`);
    writeFileSync(join(out, to), text.replaceAll("./ringlease_bg.wasm", `./${entry.out}_bg.wasm`));
  };
  copy(entry.index, "index.js");
  for (const [from, to] of [...COMMON, ...(entry.extra ?? [])]) copy(from, to);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes("--force");
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !ENTRIES.some((e) => e.name === n));
  if (unknown.length > 0) {
    console.error(`[build] unknown entry ${unknown.join(", ")}: use ${ENTRIES.map((e) => e.name).join(", ")}`);
    process.exit(2);
  }
  for (const entry of ENTRIES) if (names.length === 0 || names.includes(entry.name)) build(entry, force);
  // Files of the single-wasm layout that came before the entries, if a checkout still has them.
  for (const old of ["index.js", "ringlease.js", "ringlease.d.ts", "ringlease_bg.wasm", "ringlease_bg.wasm.d.ts", "snippets"]) {
    rmSync(join(root, "pkg", old), { recursive: true, force: true });
  }
}
