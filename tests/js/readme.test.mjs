// The README's Node quick starts, run as a user would: extracted verbatim, imported as
// "ringlease" and "ringlease/lease" (the package resolving itself, through the `node` condition
// to pkg/<entry>/node.js: no init call), and their `// →` comments asserted against stdout.
// tests/consumers/ runs the same blocks against the packed tarball.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

for (const name of ["node", "lease"]) {
  test(`README quick start "${name}" runs and prints what its comments say`, () => {
    const marker = readme.indexOf(`<!-- quickstart:${name} `);
    assert.ok(marker >= 0, `README has a quickstart:${name} marker`);
    const block = /```js\n([\s\S]*?)```/.exec(readme.slice(marker));
    assert.ok(block, "a js code block follows the marker");
    const code = block[1];
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1].trim());
    assert.ok(expected.length >= 3, "the quick start states its output");

    const dir = new URL("../../test-results/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`readme-quickstart-${name}.mjs`, dir);
    writeFileSync(file, code);
    const stdout = execFileSync(process.execPath, [file.pathname], { encoding: "utf8" });
    assert.deepEqual(stdout.trim().split("\n"), expected);
  });
}
