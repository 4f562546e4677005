// The README's quick starts, as the tests that run them read them: the code blocks after a
// `<!-- quickstart:NAME` marker, the output their `// →` comments state, and a file to run.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const README = new URL("../README.md", import.meta.url);
const RESULTS = new URL("../test-results/", import.meta.url);

/**
 * The fenced code blocks after `<!-- quickstart:NAME`, up to the next heading or marker:
 * `[{ lang, code }]`.
 * @param {string} name
 */
export function quickstart(name) {
  const readme = readFileSync(README, "utf8");
  const marker = readme.indexOf(`<!-- quickstart:${name} `);
  assert.ok(marker >= 0, `README has a quickstart:${name} marker`);
  const rest = readme.slice(marker + 1);
  const stop = rest.search(/^(#|<!--)/m);
  const section = stop < 0 ? rest : rest.slice(0, stop);
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
  assert.ok(blocks.length > 0, `quickstart:${name} has a code block`);
  return blocks;
}

/**
 * The `// → …` comments of a code block: what it prints or renders, in order.
 * @param {string} code
 */
export function arrows(code) {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1].trim());
}

/**
 * Writes `code` to test-results/`fileName` and returns its path, to run as a user would.
 * @param {string} fileName
 * @param {string} code
 */
export function writeToResults(fileName, code) {
  mkdirSync(RESULTS, { recursive: true });
  const file = new URL(fileName, RESULTS);
  writeFileSync(file, code);
  return file.pathname;
}
