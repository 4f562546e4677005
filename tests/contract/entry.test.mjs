// The `ringlease/redis` entry: Node resolves it to redis/index.js; any other condition gets
// redis/browser.js, which fails at import with a message that says why.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

test("ringlease/redis resolves in Node, and fails clearly elsewhere", async () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  assert.deepEqual(pkg.exports["./redis"], {
    types: "./redis/index.d.ts",
    node: "./redis/index.js",
    default: "./redis/browser.js",
  });
  const mod = await import("ringlease/redis");
  assert.equal(typeof mod.RedisLeases, "function");
  assert.equal(typeof mod.RedisFencedStore, "function");
  assert.deepEqual(Object.keys(mod).sort(), ["RedisFencedStore", "RedisLeases"]);
  await assert.rejects(import("../../redis/browser.js"), {
    name: "Error",
    message: /^ringlease\/redis is Node only/,
  });
  for (const name of ["redis", "ioredis"]) {
    assert.equal(pkg.peerDependenciesMeta[name].optional, true);
    assert.ok(pkg.devDependencies[name], `${name} is tested`);
  }
});
