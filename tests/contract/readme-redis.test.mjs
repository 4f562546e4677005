// The README's "Locks across processes" quick start, run as a user would: extracted verbatim,
// importing "ringlease/redis" (the package resolving itself through its `node` condition) and
// the `redis` client, against a private redis-server named by REDIS_URL; its `// →` comments
// are asserted against stdout.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { startRedis } from "./redis-server.mjs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
let server;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

test("README Redis quick start runs and prints what its comments say", async () => {
  const marker = readme.indexOf("<!-- quickstart:redis");
  assert.ok(marker >= 0, "README has a quickstart:redis marker");
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(marker));
  assert.ok(block, "a js code block follows the marker");
  const code = block[1];
  const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1].trim());
  assert.ok(expected.length >= 4, "the quick start states its output");

  const dir = new URL("../../test-results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL("readme-redis-quickstart.mjs", dir);
  writeFileSync(file, code);
  const { stdout } = await promisify(execFile)(process.execPath, [file.pathname], {
    encoding: "utf8",
    env: { ...process.env, REDIS_URL: server.url },
    timeout: 30_000,
  });
  assert.deepEqual(stdout.trim().split("\n"), expected);
});
