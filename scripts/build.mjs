// Builds the release wasm package into pkg/ (`wasm-pack build --target web --release`) when it is
// missing or older than any Rust source, Cargo.toml or this script. `--force` always rebuilds.
// It is also the `prepack` script: the published package ships pkg/ (see `files` in package.json).
//
//   node scripts/build.mjs [--force]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const output = join(root, "pkg", "ringlease_bg.wasm");

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const inputs = ["src", "Cargo.toml", "scripts/build.mjs"].map((p) => join(root, p));
const stale =
  process.argv.includes("--force") ||
  !existsSync(output) ||
  !existsSync(join(root, "pkg", "ringlease.js")) ||
  Math.max(...inputs.map(newestMtime)) > statSync(output).mtimeMs;

if (!stale) {
  console.error("[build] pkg/ is up to date");
} else {
  // wasm-opt must be binaryen >= 132 from node_modules (Debian's 108 corrupts release builds),
  // and wasm-pack / wasm-bindgen come from `cargo install` (scripts/setup.sh).
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin");
  const PATH = [join(root, "node_modules", ".bin"), cargoBin, join(homedir(), ".cargo", "bin"), process.env.PATH].join(
    delimiter,
  );
  console.error("[build] wasm-pack build --target web --release");
  const started = Date.now();
  const result = spawnSync(
    "wasm-pack",
    ["build", "--target", "web", "--release", "--out-dir", "pkg", "--no-pack"],
    { cwd: root, stdio: "inherit", env: { ...process.env, PATH } },
  );
  if (result.status !== 0) {
    console.error(`[build] wasm-pack failed (${result.error ?? `exit ${result.status}`})`);
    process.exit(result.status || 1);
  }
  console.error(`[build] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// wasm-pack writes pkg/.gitignore ("*"). npm reads it as an ignore file for pkg/ when packing and
// then drops pkg/snippets/ (which `files` lists as a folder) from the tarball. The repository's
// own .gitignore already ignores /pkg/, so the file is only in the way.
rmSync(join(root, "pkg", ".gitignore"), { force: true });

// The package entry, pkg/index.js: the generated bindings plus the JS fast path of nodeFor.
// Copied on every run (it is one small file), so editing js/index.js needs no wasm rebuild.
copyFileSync(join(root, "js", "index.js"), join(root, "pkg", "index.js"));
// The receiver checks the entry applies to every class (js/receivers.js).
copyFileSync(join(root, "js", "receivers.js"), join(root, "pkg", "receivers.js"));
