// Sizes of what users download: the packed tarball, and the wasm and JS glue gzipped (-9), as a
// server or CDN would send them. `npm run size` packs a dry run (the `prepack` build runs first);
// tests/consumers/ prints the same figures for the tarball it installs.
//
//   node scripts/size.mjs
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(fileURLToPath(import.meta.url), "../..");

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** The glue is index.js, ringlease.js and its inline snippets (what a bundler pulls in besides the wasm). */
function glueFiles(pkgDir) {
  const files = [join(pkgDir, "index.js"), join(pkgDir, "ringlease.js")];
  const snippets = join(pkgDir, "snippets");
  for (const dir of readdirSync(snippets)) {
    for (const file of readdirSync(join(snippets, dir))) files.push(join(snippets, dir, file));
  }
  return files;
}

/** Byte counts for the build in `pkgDir` (default: this repo's pkg/). */
export function measure(pkgDir = join(root, "pkg")) {
  const wasm = readFileSync(join(pkgDir, "ringlease_bg.wasm"));
  const glue = Buffer.concat(glueFiles(pkgDir).map((f) => readFileSync(f)));
  return { wasm: wasm.length, wasmGzip: gz(wasm), glue: glue.length, glueGzip: gz(glue) };
}

/** One line per figure, for logs. `tarball` is the packed size in bytes, if known. */
export function describeSizes(sizes, tarball) {
  const lines = [];
  if (tarball !== undefined) lines.push(`tarball ${kb(tarball)} (${tarball} B)`);
  lines.push(`wasm ${kb(sizes.wasm)}, gzipped ${kb(sizes.wasmGzip)} (${sizes.wasmGzip} B)`);
  lines.push(`JS glue ${kb(sizes.glue)}, gzipped ${kb(sizes.glueGzip)} (${sizes.glueGzip} B)`);
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [info] = JSON.parse(out.slice(out.search(/^\[/m)));
  for (const line of describeSizes(measure(), info.size)) console.log(line);
  console.log(`files: ${info.files.map((f) => f.path).sort().join(", ")}`);
}
