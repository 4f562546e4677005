// Regenerates tests/golden/hashring-fixtures.json from the npm package `hashring` 3.2.0 (the
// devDependency), live: three rings as the memcached clients configure it — libmemcached
// (weights), Python hash_ring (3 points per digest) and pylibmc (hosts on the default port are
// hashed without it) — each with its whole continuum and the owner and 3-server range of a few
// hundred keys (ASCII, Unicode, empty, numeric). `cargo test --test ketama_ring_fixtures` checks
// them natively and tests/js/hashring-fixtures.test.mjs through `ringlease/hashring`.
//
//   node scripts/gen-hashring-fixtures.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const output = join(root, "tests", "golden", "hashring-fixtures.json");
const require = createRequire(import.meta.url);
const HashRing = require("hashring");

const CASES = [
  {
    name: "libmemcached weights",
    servers: { "10.0.1.1:11211": 1, "10.0.1.2:11211": 2, "10.0.1.3:11211": 3, "10.0.1.4:11211": 1, "10.0.1.5:11211": 5 },
    algorithm: "md5",
    options: {},
  },
  {
    name: "python hash_ring",
    servers: ["192.168.0.246:11212", "192.168.0.247:11212", "192.168.0.249:11212"],
    algorithm: "md5",
    options: { compatibility: "hash_ring" },
  },
  {
    name: "pylibmc default port",
    servers: { "cache-1.internal:11211": 1, "cache-2.internal:11211": 1, "cache-3.internal:11212": 1, "cache-4.internal": 2 },
    algorithm: "md5",
    options: { "default port": 11211 },
  },
  {
    name: "sha1, per-server vnodes, 2 per digest",
    servers: { "a:1": { vnodes: 50 }, "b:2": { weight: 2 }, "c:3": { vnodes: 7, weight: 3 } },
    algorithm: "sha1",
    options: { replicas: 2, "vnode count": 30 },
  },
];

/** Deterministic keys: the same on every run. */
function keys() {
  const out = ["", "0", "42", "user:42", "東京", "ключ", "🔑", "a".repeat(300)];
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const alphabet = "abcxyz0189:-_/ éü東京🔑";
  const chars = [...alphabet];
  while (out.length < 250) {
    const length = next() % 24;
    let key = "";
    for (let i = 0; i < length; i++) key += chars[next() % chars.length];
    out.push(key);
  }
  return out;
}

function fixture(spec) {
  const ring = new HashRing(spec.servers, spec.algorithm, spec.options);
  const names = [];
  const ownerOf = new Map();
  const owner = (name) => {
    if (!ownerOf.has(name)) {
      ownerOf.set(name, names.length);
      names.push(name);
    }
    return ownerOf.get(name);
  };
  const counts = ring.points();
  const defaultPort = spec.options["default port"];
  const servers = ring.servers.map((server) => ({
    name: server.string,
    label: defaultPort && server.port === defaultPort ? server.host : server.string,
    digests: counts[server.string].length / ring.replicas,
    owner: owner(server.string),
  }));
  return {
    name: spec.name,
    args: { servers: spec.servers, algorithm: spec.algorithm, options: spec.options },
    replicas: ring.replicas,
    names,
    servers,
    size: ring.size,
    positions: ring.ring.map((node) => node.value),
    owners: ring.ring.map((node) => ownerOf.get(node.server)),
    lookups: keys().map((key) => [key, ring.get(key), ring.range(key, 3)]),
  };
}

const text = `${JSON.stringify({
  generator: "scripts/gen-hashring-fixtures.mjs",
  hashring: require("hashring/package.json").version,
  cases: CASES.map(fixture),
})}\n`;

if (process.argv.includes("--check")) {
  if (readFileSync(output, "utf8") !== text) {
    console.error(`${output} differs from a fresh run of this script`);
    process.exit(1);
  }
  console.error("hashring fixtures are up to date");
} else {
  writeFileSync(output, text);
  console.error(`wrote ${output} (${text.length} bytes)`);
}
