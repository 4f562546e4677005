#!/usr/bin/env node
// Checks that no hand-written source file is longer than 600 lines, so each file keeps one job.
// Data is exempt (JSON fixtures, the golden tables, recorded histories), and so is generated
// output (pkg/, target/, node_modules/: not tracked). Tracked files only.
//
//   node scripts/file-sizes.mjs           # exit 1 and list the files over the limit
//   node scripts/file-sizes.mjs --top 20  # also print the 20 longest files
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const LIMIT = 600;
const SOURCE = /\.(rs|js|mjs|cjs|ts|d\.ts|lua|sh|css|html|py)$/;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
  .split("\0")
  .filter((file) => SOURCE.test(file));

const sizes = files
  .map((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    return { file, lines: text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0) };
  })
  .sort((a, b) => b.lines - a.lines);

const top = process.argv.indexOf("--top");
if (top >= 0) {
  for (const { file, lines } of sizes.slice(0, Number(process.argv[top + 1]) || 20)) {
    console.log(`${String(lines).padStart(6)}  ${file}`);
  }
}
const over = sizes.filter((s) => s.lines > LIMIT);
if (over.length) {
  console.error(`file-sizes: ${over.length} source file(s) over ${LIMIT} lines; split them along their seams:`);
  for (const { file, lines } of over) console.error(`  ${file}: ${lines} lines`);
  process.exit(1);
}
console.log(`file-sizes: ${sizes.length} source files, none over ${LIMIT} lines (longest: ${sizes[0]?.file}, ${sizes[0]?.lines})`);
