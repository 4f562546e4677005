#!/usr/bin/env node
// Checks that no two Rust modules of the crate import each other, directly or through others.
//
// Every file under src/ is a module (src/core/ring/mod.rs is `core::ring`, src/core/ring/search.rs
// `core::ring::search`). An edge A → B is a path in A (a `use`, or a path written inline) that
// names module B or an item defined in B: `crate::core::ring::search::X`, `super::limits::Y`,
// `super::Z` (Z defined in the parent). `mod x;` declarations are not edges, and neither is a
// module's own inline `#[cfg(test)] mod tests { … }`. A parent's `pub use child::X` is an edge
// parent → child, so a child that imports from its parent instead of from its sibling shows up
// as a cycle.
//
//   node scripts/module-cycles.mjs          # prints the graph's cycles; exit 1 if any
//   node scripts/module-cycles.mjs --edges  # prints every edge as well
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const src = path.join(root, "src");

/** Every .rs file under `dir`, recursively. */
function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return rustFiles(full);
    return name.endsWith(".rs") ? [full] : [];
  });
}

/** `src/core/ring/mod.rs` → `core::ring`; `src/lib.rs` → `` (the crate root). */
function moduleOf(file) {
  const parts = path.relative(src, file).replace(/\.rs$/, "").split(path.sep);
  if (parts.at(-1) === "mod" || parts.at(-1) === "lib") parts.pop();
  return parts.join("::");
}

/** The source without comments, string literals and inline test modules. */
function code(text) {
  let out = text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/[^\n]*/g, "")
    .replace(/r#*"[\s\S]*?"#*/g, '""')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const test = out.search(/#\[cfg\(test\)\]\s*mod\s+\w+\s*\{/);
  if (test >= 0) out = out.slice(0, test); // inline test modules end their file in this crate
  return out;
}

const files = rustFiles(src);
const modules = new Map(files.map((file) => [moduleOf(file), file]));

/** The longest known module that `segments` (absolute, from the crate root) starts with. */
function resolve(segments) {
  for (let n = segments.length; n >= 0; n--) {
    const candidate = segments.slice(0, n).join("::");
    if (modules.has(candidate)) return candidate;
  }
  return undefined;
}

/** The module paths a `use` tree names: `a::{b, c::{d, e}}` → a::b, a::c::d, a::c::e. */
function expand(tree) {
  tree = tree.replace(/\s+/g, "");
  const open = tree.indexOf("{");
  if (open < 0) return [tree.replace(/::\*$/, "").replace(/as\w+$/, "")];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf("}"));
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if ((ch === "," || ch === undefined) && depth === 0) {
      const part = inner.slice(start, i);
      if (part) parts.push(part);
      start = i + 1;
    }
  }
  return parts.flatMap((part) => (part === "self" ? [prefix.replace(/::$/, "")] : expand(prefix + part)));
}

/** Absolute segments of `written` as seen from module `from`. */
function absolute(from, written) {
  const segments = written.split("::").filter(Boolean);
  let base = from ? from.split("::") : [];
  if (segments[0] === "crate") return segments.slice(1);
  if (segments[0] === "self") return [...base, ...segments.slice(1)];
  if (segments[0] === "super") {
    while (segments[0] === "super") {
      segments.shift();
      base = base.slice(0, -1);
    }
    return [...base, ...segments];
  }
  return undefined; // an external crate or a local name
}

const edges = new Map([...modules.keys()].map((m) => [m, new Set()]));
for (const [module, file] of modules) {
  const text = code(readFileSync(file, "utf8"));
  const written = [];
  for (const match of text.matchAll(/\buse\s+([^;]+);/g)) written.push(...expand(match[1]));
  for (const match of text.matchAll(/\b(?:crate|super|self)(?:::\w+)+/g)) written.push(match[0]);
  for (const w of written) {
    const segments = absolute(module, w);
    if (!segments) continue;
    const target = resolve(segments);
    if (target === undefined || target === module) continue;
    // A path through an ancestor to one of its descendants names the descendant (resolve picks
    // the longest module), so only an item of the ancestor itself makes an edge to it.
    edges.get(module).add(target);
  }
}

if (process.argv.includes("--edges")) {
  for (const [from, to] of edges) for (const t of to) console.log(`${from || "crate"} -> ${t || "crate"}`);
}

// Strongly connected components (Tarjan): each one with more than one module is a cycle.
let index = 0;
const stack = [];
const info = new Map();
const cycles = [];
function visit(v) {
  info.set(v, { index, low: index, on: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)) {
    if (!info.has(w)) {
      visit(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).on) {
      info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
  }
  if (info.get(v).low === info.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).on = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of edges.keys()) if (!info.has(v)) visit(v);

if (cycles.length === 0) {
  console.log(`module-cycles: ${modules.size} modules, no module imports itself through others`);
} else {
  for (const cycle of cycles) {
    console.error(`module-cycles: these modules import each other: ${cycle.map((m) => m || "crate").join(", ")}`);
  }
  process.exit(1);
}
