// `ringlease/hashring` against the npm package `hashring` 3.2.0 (the devDependency), live and
// differentially: random rings over every constructor form (a string, an array with repeats and
// host/port objects, an object of weights, an object of { weight, vnodes }), both algorithms and
// every option ("vnode count", replicas, compatibility, "default port", "max cache size"),
// changed by random add / remove / swap sequences; after every step each answer of get, range
// (unique and not, default and given sizes), find, hash, has, size, ring and points is compared.
// Keys include Unicode, lone surrogates, empty strings and numbers; weights include shares that
// floor to 0 points. Prints the mismatch count (must be 0) and the number of key checks.
//
// Node only (tests/page/js-suites.test.mjs lists it): hashring is CommonJS on node:crypto.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import HashRing from "../../pkg/ring/hashring.js";
import { prng } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const Theirs = require("hashring");

const RINGS = 1200;
const KEYS_PER_STEP = 60;

/** A random server name, sometimes on the default port 11211, sometimes without a port. */
function serverName(rand) {
  const hosts = ["10.0.0.", "cache-", "mc", "東京-", "host"];
  const host = hosts[rand.int(hosts.length)] + rand.int(40);
  const r = rand.int(10);
  if (r < 4) return `${host}:11211`;
  if (r < 8) return `${host}:${11212 + rand.int(4)}`;
  return host;
}

/** A random key: ASCII, Unicode, a lone surrogate, empty, or a number. */
function randomKey(rand) {
  switch (rand.int(8)) {
    case 0:
      return "";
    case 1:
      return rand.int(100000);
    case 2:
      return `k\uD800${rand.int(1000)}`;
    case 3:
      return `\uDC00${rand.int(50)}\uD83D`;
    case 4: {
      const chars = ["a", "é", "東", "🔑", "\u0000", "-", "9", "ж"];
      let key = "";
      for (let i = rand.int(12); i > 0; i--) key += chars[rand.int(chars.length)];
      return key;
    }
    default:
      return `user:${rand.int(1_000_000)}`;
  }
}

/** A random server list in one of hashring's constructor forms. */
function randomServers(rand) {
  const count = 1 + rand.int(6);
  const names = Array.from({ length: count }, () => serverName(rand));
  switch (rand.int(6)) {
    case 0:
      return names[0];
    case 1:
      // Repeats included: each occurrence adds its own points.
      return rand.int(3) === 0 ? [...names, names[0]] : names;
    case 2: {
      // Weights, some of whose shares floor to 0 points.
      const servers = {};
      for (const name of names) servers[name] = [1, 2, 3, 0.5, 0.001, 1000, 0][rand.int(7)];
      return servers;
    }
    case 3: {
      const servers = {};
      for (const name of names) {
        const spec = {};
        if (rand.int(2)) spec.weight = 1 + rand.int(4);
        if (rand.int(2)) spec.vnodes = [0, 1, 7, 40, 50, 2.5][rand.int(6)];
        servers[name] = spec;
      }
      return servers;
    }
    case 4:
      return names.map((name) => {
        const [host, port] = name.split(":");
        return rand.int(2) ? name : { host, port: port === undefined ? 11211 : +port };
      });
    default:
      return names;
  }
}

function randomOptions(rand) {
  const options = {};
  if (rand.int(3) === 0) options["vnode count"] = [1, 10, 40, 60, 100][rand.int(5)];
  const r = rand.int(6);
  if (r === 0) options.compatibility = "hash_ring";
  else if (r === 1) options.compatibility = "ketama";
  else if (r === 2) options.replicas = 1 + rand.int(4);
  else if (r === 3) options.replicas = 0;
  if (rand.int(2)) options["default port"] = 11211;
  if (rand.int(4) === 0) options["max cache size"] = 10;
  return options;
}

/** Keys asked again after every step, so answers cached before a change are checked after it. */
const STICKY_KEYS = ["user:1", "", "東京", "k\uD800", "42", "session:abc"];

/** Compares every answer of the two rings; returns [mismatches, key checks]. */
function compare(ours, theirs, rand, what, failures) {
  let mismatches = 0;
  let checks = 0;
  const check = (label, a, b) => {
    if (!isEqual(a, b)) {
      mismatches++;
      if (failures.length < 10) failures.push(`${what}: ${label}: ours ${show(a)}, hashring ${show(b)}`);
    }
  };
  check("size", ours.size, theirs.size);
  check(
    "ring",
    ours.ring,
    theirs.ring.map((n) => ({ value: n.value, server: n.server })),
  );
  check("points()", ours.points(), theirs.points());
  check("servers", ours.servers.map(plain), theirs.servers.map(plain));
  const names = Object.keys(theirs.vnodes);
  for (const name of [...names, "nope:1"]) check(`has(${name})`, ours.has(name), theirs.has(name));
  if (names.length) check("points(subset)", ours.points(names.slice(0, 1)), theirs.points(names.slice(0, 1)));
  const values = theirs.ring.map((n) => n.value);
  const probes = [0, 1, -1, 1.5, 2 ** 32 - 1, 2 ** 32, NaN];
  for (let i = 0; i < 6 && values.length; i++) {
    const v = values[rand.int(values.length)];
    probes.push(v, v - 1, v + 1);
  }
  for (let i = 0; i < 6; i++) probes.push(rand.int(2 ** 32));
  for (const h of probes) check(`find(${h})`, ours.find(h), theirs.find(h));
  const n = theirs.servers.length;
  for (const key of STICKY_KEYS) {
    checks++;
    check(`get(${show(key)})`, ours.get(key), theirs.get(key));
  }
  for (let i = 0; i < KEYS_PER_STEP; i++) {
    const key = randomKey(rand);
    checks++;
    check(`get(${show(key)})`, ours.get(key), theirs.get(key));
    check(`hashValue(${show(key)})`, ours.hashValue(key), theirs.hashValue(key));
    if (i % 3 === 0) {
      check(`range(${show(key)})`, ours.range(key), theirs.range(key));
      const size = rand.int(n + 3);
      check(`range(${show(key)}, ${size}, false)`, ours.range(key, size, false), theirs.range(key, size, false));
      check(`range(${show(key)}, ${size}, true)`, ours.range(key, size, true), theirs.range(key, size, true));
    }
    if (i % 10 === 0 && typeof key === "string") {
      check(`hash(${show(key)})`, Buffer.from(ours.hash(key)).toString("hex"), theirs.hash(key).toString("hex"));
    }
  }
  return [mismatches, checks];
}

const plain = (server) => ({ host: server.host, port: server.port, string: server.string, weight: server.weight });
const show = (value) => (typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value)));
function isEqual(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

describe("ringlease/hashring against hashring 3.2.0, differentially", () => {
  test("random rings, options and add/remove/swap sequences: 0 mismatches", () => {
    const rand = prng(0x4a5b);
    const started = Date.now();
    let mismatches = 0;
    let checks = 0;
    let steps = 0;
    const failures = [];
    for (let r = 0; r < RINGS; r++) {
      const servers = randomServers(rand);
      const algorithm = [undefined, "md5", "sha1"][rand.int(3)];
      const options = randomOptions(rand);
      // Each ring gets its own copy: hashring writes into server objects it is given.
      const theirs = new Theirs(structuredClone(servers), algorithm, structuredClone(options));
      const ours = new HashRing(structuredClone(servers), algorithm, structuredClone(options));
      const what = `ring ${r} ${show(servers)} ${algorithm} ${show(options)}`;
      let [m, c] = compare(ours, theirs, rand, what, failures);
      mismatches += m;
      checks += c;
      for (let s = rand.int(4); s > 0; s--) {
        const op = rand.int(3);
        const names = theirs.servers.map((server) => server.string);
        let step;
        if (op === 0) {
          const added = randomServers(rand);
          step = `add(${show(added)})`;
          theirs.add(structuredClone(added));
          ours.add(structuredClone(added));
        } else if (op === 1 && names.length) {
          const removed = names[rand.int(names.length)];
          step = `remove(${show(removed)})`;
          theirs.remove(removed);
          ours.remove(removed);
        } else if (names.length) {
          const from = names[rand.int(names.length)];
          const to = rand.int(3) === 0 ? names[rand.int(names.length)] : serverName(rand);
          step = `swap(${show(from)}, ${show(to)})`;
          theirs.swap(from, to);
          ours.swap(from, to);
        } else continue;
        steps++;
        [m, c] = compare(ours, theirs, rand, `${what} then ${step}`, failures);
        mismatches += m;
        checks += c;
      }
      if (r % 10 === 0) {
        theirs.end();
        ours.end();
        [m, c] = compare(ours, theirs, rand, `${what} then end()`, failures);
        mismatches += m;
        checks += c;
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `# hashring drop-in differential: ${RINGS} rings, ${steps} add/remove/swap steps, ` +
        `${checks.toLocaleString("en-US")} key checks, ${mismatches} mismatches (${seconds} s)`,
    );
    assert.deepEqual(failures, []);
    assert.equal(mismatches, 0);
    assert.ok(checks > 50_000, `${checks} key checks`);
  });

  test("errors: custom hash functions, unknown algorithms, replicas outside 1..4, too many points", () => {
    assert.throws(() => new HashRing(["a:1"], (key) => key), {
      name: "TypeError",
      message: /custom hash functions are not supported/,
    });
    assert.throws(() => new HashRing(["a:1"], "sha256"), { name: "TypeError", message: /"md5" or "sha1"/ });
    assert.throws(() => new HashRing(["a:1"], "md5", { replicas: 5 }), { name: "RangeError", message: /replicas/ });
    assert.throws(() => new HashRing({ "a:1": { vnodes: 300_000 } }), { name: "RangeError", message: /points/ });
    assert.throws(() => new HashRing(["a:1"]).hash({}), { name: "TypeError", message: /key must be a string/ });
    // A ring that threw keeps working.
    const ring = new HashRing(["a:1", "b:2"]);
    assert.throws(() => ring.add({ "c:3": { vnodes: Infinity } }), RangeError);
    assert.equal(typeof ring.get("k"), "string");
  });

  test("the cache: distinct keys, then hot keys, then changes (answers never go stale)", () => {
    const servers = ["a:1", "b:2", "c:3", "d:4"];
    const ours = new HashRing(servers);
    const theirs = new Theirs(servers);
    const hot = Array.from({ length: 50 }, (_, i) => `hot:${i}`);
    // A stream of distinct keys (the cache turns to probing one lookup in 32), then hot keys
    // (it turns back), with a swap, an add and a remove in between.
    for (let i = 0; i < 20_000; i++) assert.equal(ours.get(`cold:${i}`), theirs.get(`cold:${i}`));
    for (const change of [
      (ring) => ring.swap("b:2", "e:5"),
      (ring) => ring.add("f:6"),
      (ring) => ring.remove("a:1"),
      (ring) => ring.swap("c:3", "d:4"),
    ]) {
      for (let i = 0; i < 20_000; i++) {
        const key = hot[i % hot.length];
        assert.equal(ours.get(key), theirs.get(key), key);
      }
      change(ours);
      change(theirs);
      for (const key of hot) assert.equal(ours.get(key), theirs.get(key), `${key} after a change`);
    }
  });

  test("keys named like Object.prototype members get their ring owner (hashring's cache errs)", () => {
    // hashring's LRU cache is a plain object: cache["constructor"] finds Object.prototype's
    // member, so hashring can answer such keys from the wrong entry. The drop-in has no cache
    // and returns the owner that hashring's own continuum gives: ring[find(hashValue(key))].
    const servers = ["a:1", "b:2", "c:3"];
    const ours = new HashRing(servers);
    for (const key of ["constructor", "hasOwnProperty", "__proto__", "toString", "valueOf"]) {
      const theirs = new Theirs(servers);
      const owner = theirs.ring[theirs.find(theirs.hashValue(key))].server;
      assert.equal(ours.get(key), owner, key);
    }
  });

  test("the class, its version and its deprecated aliases", () => {
    assert.equal(HashRing.version, Theirs.version);
    const ring = new HashRing(["a:1", "b:2"]);
    const theirs = new Theirs(["a:1", "b:2"]);
    assert.equal(ring.vnode, theirs.vnode);
    assert.equal(ring.replicas, theirs.replicas);
    assert.equal(ring.algorithm, theirs.algorithm);
    const warn = console.warn;
    console.warn = () => {};
    try {
      assert.equal(ring.getNode("x"), theirs.get("x"));
      assert.equal(ring.position(12345), theirs.find(12345));
    } finally {
      console.warn = warn;
    }
  });

  test('the package entry: import HashRing from "ringlease/hashring" works in Node with no init call', () => {
    // The package resolving itself through its `exports`, in a fresh process, as a user's
    // script would import it (the "node" condition: hashring-node.js).
    const script = `
      import HashRing from "ringlease/hashring";
      const ring = new HashRing({ "10.0.0.1:11211": 1, "10.0.0.2:11211": 2 }, "md5", { "default port": 11211 });
      console.log(JSON.stringify([ring.get("user:42"), ring.range("user:42", 2), ring.size, HashRing.version]));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../../", import.meta.url),
      encoding: "utf8",
    });
    const theirs = new Theirs({ "10.0.0.1:11211": 1, "10.0.0.2:11211": 2 }, "md5", { "default port": 11211 });
    assert.deepEqual(JSON.parse(out), [theirs.get("user:42"), theirs.range("user:42", 2), theirs.size, "3.2.0"]);
  });
});
