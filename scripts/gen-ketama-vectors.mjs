// Generates tests/golden/ketama-hashring-3.2.0.json: placements computed by the npm package
// `hashring` 3.2.0 itself (the devDependency), which the "ketama" scheme must reproduce byte for
// byte. `cargo test` (tests/ring_ketama_vectors.rs) and the release build's Node suite
// (tests/js/ketama.test.mjs) check every field of the file; docs/placement.md states the rules.
//
//   node scripts/gen-ketama-vectors.mjs           # (re)writes the file
//   node scripts/gen-ketama-vectors.mjs --check   # fails if the file differs from a fresh run
//
// Every answer is read from hashring's own state (its sorted `ring`, its `find`, `hashValue` and
// `range`), never recomputed here; only the descriptive fields (`hashedAs`, vnode counts) restate
// its rules, and the tests cross-check those against the points.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const HashRing = require("hashring");
const OUTPUT = fileURLToPath(new URL("../tests/golden/ketama-hashring-3.2.0.json", import.meta.url));

/** Edge cases: empty, whitespace, JS-meaningful names, control characters, every script, emoji. */
const HAND_KEYS = [
  "",
  "a",
  "A",
  " ",
  "  ",
  "key",
  "foo",
  "bar",
  "hello world",
  "0",
  "1",
  "-1",
  "3.14",
  "1e3",
  "true",
  "null",
  "undefined",
  "NaN",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "key:with:colons",
  "127.0.0.1:11211",
  "node-42",
  "node-42-0",
  "tab\there",
  "line\nbreak",
  "crlf\r\n",
  "nul\u0000byte",
  "\u0000",
  "\u007f",
  "\u0080",
  "caf\u00e9",
  "cafe\u0301",
  "\u00ff\u00fe",
  "\u65e5\u672c\u8a9e",
  "\u4e2d\u6587\u952e",
  "\ud55c\uad6d\uc5b4",
  "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
  "\u0440\u0443\u0441\u0441\u043a\u0438\u0439",
  "\u05e2\u05d1\u05e8\u05d9\u05ea",
  "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
  "\u0939\u093f\u0928\u094d\u0926\u0940",
  "\u0e44\u0e17\u0e22",
  "\ud83d\udd25",
  "\ud83d\ude00",
  "\ud83d\udc4d\ud83c\udffd",
  "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66",
  "\ud83c\uddfa\ud83c\uddf3",
  "\ufeffbom",
  "\u200b",
  "\ufffd",
  "\uffff",
  "\udbff\udfff",
  "\ud834\udd1e",
  "mixed ascii \u65e5\u672c \ud83d\udd25 end",
  "VDEAAAAA",
];
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const KEY_COUNT = 1000;
const RANGE_KEYS = 100;
const HEAD_LENGTH = 20;

/** Long keys (around MD5's 64-byte block and far past it), then "key-0", "key-1"… up to KEY_COUNT. */
function makeKeys() {
  const keys = [...HAND_KEYS];
  [64, 249, 250, 251, 1024, 4096, 16384].forEach((length, n) => {
    keys.push(Array.from({ length }, (_, j) => ALPHABET[(n + 1 + 7 * j) % ALPHABET.length]).join(""));
  });
  keys.push("x".repeat(1000), "\u65e5\u672c\u8a9e".repeat(1000), "\ud83d\udd25".repeat(2000), "\u00e9".repeat(3000));
  for (let i = 0; keys.length < KEY_COUNT; i++) keys.push(`key-${i}`);
  return keys;
}

const RINGS = [
  {
    id: "ketama-3-equal",
    description: "3 servers, equal weights, host:port strings (array form)",
    servers: ["cache-a.example:11211", "cache-b.example:11211", "cache-c.example:11211"],
    fullContinuum: true,
  },
  {
    id: "ketama-5-weighted",
    description: "5 servers, weights {1,2,3,1,5} (object form server -> weight)",
    servers: {
      "cache-a.example:11211": 1,
      "cache-b.example:11211": 2,
      "cache-c.example:11211": 3,
      "cache-d.example:11211": 1,
      "cache-e.example:11211": 5,
    },
    fullContinuum: true,
  },
  {
    id: "bench-100",
    description: 'the benchmark ring: "node-0".."node-99", no port, default options',
    servers: Array.from({ length: 100 }, (_, i) => `node-${i}`),
    fullContinuum: false,
  },
];

function describeRing(spec, keys) {
  const ring = new HashRing(spec.servers, "md5", {});
  const total = ring.servers.reduce((sum, s) => sum + s.weight, 0);
  const n = ring.servers.length;
  const servers = ring.servers.map((s) => ({
    string: s.string,
    host: s.host,
    port: Number.isFinite(s.port) ? s.port : null, // connection-parse gives NaN when there is no port
    weight: s.weight,
    hashedAs: ring.defaultport && s.port === ring.defaultport ? s.host : s.string,
    vnodes: Math.floor((s.weight / total) * ring.vnode * n),
    // libketama computes the share in single precision: floorf(pct * 40 * n).
    vnodesLibketamaFloat32: Math.floor(Math.fround(Math.fround(s.weight / total) * ring.vnode * n)),
  }));
  const pointsPerServer = Object.fromEntries(ring.servers.map((s) => [s.string, 0]));
  for (const point of ring.ring) pointsPerServer[point.server]++;
  const seen = new Set();
  let duplicatePoints = 0;
  for (const point of ring.ring) {
    if (seen.has(point.value)) duplicatePoints++;
    seen.add(point.value);
  }
  const continuum = ring.ring.map((p) => [p.value, p.server]);
  const sha = createHash("sha256");
  for (const [value, server] of continuum) sha.update(`${value} ${server}\n`);
  const doc = {
    id: spec.id,
    description: spec.description,
    constructorArgs: { servers: spec.servers, algorithm: "md5", options: {} },
    vnodeDefault: ring.vnode,
    replicas: ring.replicas,
    servers,
    totalPoints: ring.ring.length,
    pointsPerServer,
    duplicatePoints,
    continuumSha256: sha.digest("hex"),
  };
  if (spec.fullContinuum) doc.continuum = continuum;
  else doc.continuumHead = continuum.slice(0, HEAD_LENGTH);
  // The cache-free lookup: hashring's `get` memoises answers; the ring and `find` are the truth.
  doc.hash = keys.map((key) => ring.hashValue(key));
  doc.node = keys.map((key) => ring.ring[ring.find(ring.hashValue(key))].server);
  doc.range = keys.slice(0, RANGE_KEYS).map((key, keyIndex) => ({
    keyIndex,
    unique: ring.range(key),
    nonUnique5: ring.range(key, 5, false),
  }));
  return doc;
}

export function generate() {
  const keys = makeKeys();
  const keysUtf8Hex = {};
  keys.forEach((key, i) => {
    if (!/^[\x20-\x7e]*$/.test(key)) keysUtf8Hex[i] = Buffer.from(key, "utf8").toString("hex");
  });
  const pkg = require("hashring/package.json");
  return {
    hashring: {
      version: pkg.version,
      deps: {
        "connection-parse": require("connection-parse/package.json").version,
        "simple-lru-cache": require("simple-lru-cache/package.json").version,
      },
    },
    algorithm: [
      "key hash: d = HASH(utf8(key)) (md5 unless the ring says sha1); h = d[3]<<24 | d[2]<<16 | d[1]<<8 | d[0] (uint32, little-endian of bytes 0..3)",
      'points: for each server s (in constructor order), vnodes(s) = floor((w_s / sum w) * 40 * nServers) computed in double (hashring); for i in 0..vnodes-1: d = HASH(utf8(hashedAs(s) + "-" + i)); for j in 0..3: point = d[3+4j]<<24 | d[2+4j]<<16 | d[1+4j]<<8 | d[4j]',
      "hashedAs(s) = the server string as given, except with options['default port'] = P and s.port == P: the host alone",
      "continuum: points sorted ascending by value; ties keep insertion order (stable sort)",
      "lookup (libketama bisection): index of the point p[i] with p[i-1] < h <= p[i] (p[-1] = 0); if h > last point, or bisection falls off, index 0",
      "node = server string exactly as given to the constructor (host:port, or host alone)",
      "range(key): walk the continuum from the lookup index, wrapping once, collecting distinct servers (unique) or raw entries (nonUnique5 = range(key, 5, false))",
    ],
    layout:
      "rings[].hash[i] and rings[].node[i] answer keys[i]; keysUtf8Hex gives the exact hashed bytes of every key that is not printable ASCII",
    source: "placements produced by the npm package hashring 3.2.0 (md5, default options), cache-free lookup path",
    keys,
    keysUtf8Hex,
    rings: RINGS.map((spec) => describeRing(spec, keys)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // ASCII only: every other UTF-16 unit is written as a \uXXXX escape, so the bytes of each key
  // are unambiguous in any editor and diff.
  const text = JSON.stringify(generate()).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (process.argv.includes("--check")) {
    const current = readFileSync(OUTPUT, "utf8");
    if (current !== text) {
      console.error(`${OUTPUT} differs from what hashring computes now: run node scripts/gen-ketama-vectors.mjs`);
      process.exit(1);
    }
    console.error(`${OUTPUT} is up to date`);
  } else {
    writeFileSync(OUTPUT, text);
    console.error(`wrote ${OUTPUT}`);
  }
}
