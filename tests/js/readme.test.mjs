// The README's Node quick starts, run as a user would: extracted verbatim, imported as
// "ringlease" and "ringlease/lease" (the package resolving itself, through the `node` condition
// to pkg/<entry>/node.js: no init call), and their `// →` comments asserted against stdout.
// tests/consumers/ runs the same blocks against the packed tarball.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

import { arrows, quickstart, writeToResults } from "../readme-quickstarts.mjs";

for (const name of ["node", "lease"]) {
  test(`README quick start "${name}" runs and prints what its comments say`, () => {
    const [{ code }] = quickstart(name);
    const expected = arrows(code);
    assert.ok(expected.length >= 3, "the quick start states its output");

    const file = writeToResults(`readme-quickstart-${name}.mjs`, code);
    const stdout = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.deepEqual(stdout.trim().split("\n"), expected);
  });
}
