// The repository stands alone: a clone with nothing beside it must pass `npm test`, so no tracked
// file may read or cite a path outside the repository (a sibling checkout, a home directory, an
// absolute path on the developer's machine). Node only: it asks git for the tracked files.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

// A relative path climbing out of the repository from its top, a sibling folder named like the
// material the project was started from, or an absolute path into a developer's machine.
const OUTSIDE = [
  {
    name: "a path above the repository",
    re: /(?:^|[\s"'`(=:])(?:\.\.\/){3,}|(?:^|["'`(\s])\.\.\/(?!\.\.)[\w-]+\/(?:DESIGN|research|vectors|hooks)\b/,
  },
  { name: "the material beside the repository", re: /\bshared\/(?:DESIGN\.md|research|vectors|hooks)\b/ },
  { name: "an absolute path on a developer machine", re: /(?:^|["'`\s(])\/(?:work|root|home|tmp)\/[\w.-]+/ },
];

/** Tracked text files, except the lockfile (registry metadata) and this file (it names the patterns). */
function trackedTextFiles() {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
  return out
    .split("\0")
    .filter(Boolean)
    .filter((f) => f !== "package-lock.json" && f !== "tests/js/standalone.test.mjs")
    .filter((f) => !/\.(png|wasm|ico|gz)$/.test(f));
}

test("no tracked file reads or cites a path outside the repository", () => {
  const files = trackedTextFiles();
  assert.ok(files.length > 50, `git lists ${files.length} tracked files`);
  const found = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const { name, re } of OUTSIDE) if (re.test(line)) found.push(`${file}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`);
    });
  }
  assert.deepEqual(found, [], `tracked files point outside the repository:\n${found.join("\n")}`);
});

test("the patterns catch what they are for", () => {
  const hit = (line) => OUTSIDE.some(({ re }) => re.test(line));
  // Built from parts, so that this file does not itself cite the paths it looks for.
  const sibling = ["shared", "vectors", "x.json"].join("/");
  assert.ok(hit(`const VECTORS = "../${sibling}";`));
  assert.ok(hit(`see ${["shared", "DESIGN.md"].join("/")}`));
  assert.ok(hit('new URL("../../../data/x.json", import.meta.url)'));
  assert.ok(hit("cp /work/other/file ."));
  assert.ok(!hit('import { x } from "../../scripts/gen-golden.mjs";'));
  assert.ok(!hit('new URL("../golden/ring-sha1.json", import.meta.url)'));
});
