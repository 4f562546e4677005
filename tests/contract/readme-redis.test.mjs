// The README's "Locks across processes" quick start, run as a user would: extracted verbatim,
// importing "ringlease/redis" (the package resolving itself through its `node` condition) and
// the `redis` client, against a private redis-server named by REDIS_URL; its `// →` comments
// are asserted against stdout.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { arrows, quickstart, writeToResults } from "../readme-quickstarts.mjs";
import { startRedis } from "./redis-server.mjs";

let server;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

test("README Redis quick start runs and prints what its comments say", async () => {
  const [{ code }] = quickstart("redis");
  const expected = arrows(code);
  assert.ok(expected.length >= 4, "the quick start states its output");

  const file = writeToResults("readme-redis-quickstart.mjs", code);
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    encoding: "utf8",
    env: { ...process.env, REDIS_URL: server.url },
    timeout: 30_000,
  });
  assert.deepEqual(stdout.trim().split("\n"), expected);
});
