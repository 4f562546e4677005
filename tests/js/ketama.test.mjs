// The "ketama" scheme against the npm package hashring 3.2.0, on the release wasm build:
// every vector of tests/golden/ketama-hashring-3.2.0.json (placements produced by that
// package), and a live cross-check against the installed package for random weighted rings.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { HashRing, pointIndexAt, prng, ringModel, show } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const HashRingPkg = require("hashring");

const VECTORS_URL = new URL("../golden/ketama-hashring-3.2.0.json", import.meta.url);

function loadVectors() {
  const path = fileURLToPath(VECTORS_URL);
  assert.ok(existsSync(path), `ketama vectors not found at ${path}: regenerate them with node scripts/gen-ketama-vectors.mjs`);
  return JSON.parse(readFileSync(path, "utf8"));
}

const doc = loadVectors();

/**
 * The JS string of every key: keysUtf8Hex[i] (the exact bytes hashring hashed) decoded as UTF-8
 * when present, else keys[i]. A key whose bytes are not valid UTF-8 has no JS string and is
 * skipped (counted; there should be none).
 */
function vectorKeys() {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // keep a leading U+FEFF
  const keys = [];
  const skipped = [];
  for (let i = 0; i < doc.keys.length; i++) {
    const hex = doc.keysUtf8Hex[String(i)];
    if (hex === undefined) {
      assert.match(doc.keys[i], /^[\x20-\x7e]*$/, `keys[${i}] is not printable ASCII but has no keysUtf8Hex entry`);
      keys.push(doc.keys[i]);
      continue;
    }
    const bytes = Buffer.from(hex, "hex");
    let key;
    try {
      key = decoder.decode(bytes);
    } catch {
      skipped.push(i);
      keys.push(null);
      continue;
    }
    assert.ok(Buffer.from(key, "utf8").equals(bytes), `keysUtf8Hex[${i}] round-trips through UTF-8`);
    keys.push(key);
  }
  return { keys, skipped };
}

const { keys: KEYS, skipped: SKIPPED } = vectorKeys();

function serversOf(ringDoc) {
  return ringDoc.servers.map((s) => ({ id: s.string, weight: s.weight }));
}

/** sha256 of the continuum as "<position> <server>\n" lines (the vectors' continuumSha256). */
function continuumSha256(ring) {
  const { positions, owners } = ring.points();
  const ids = ring.nodes().map((n) => n.id);
  let text = "";
  for (let i = 0; i < positions.length; i++) text += `${positions[i]} ${ids[owners[i]]}\n`;
  return createHash("sha256").update(text).digest("hex");
}

function checkRing(ring, ringDoc, how) {
  const label = `${ringDoc.id} (${how})`;
  assert.equal(ring.scheme, "ketama", `${label}: scheme`);
  assert.equal(ring.vnodes, ringDoc.vnodeDefault, `${label}: vnodes`);
  assert.equal(ring.nodeCount, ringDoc.servers.length, `${label}: nodeCount`);
  assert.equal(ring.pointCount, ringDoc.totalPoints, `${label}: pointCount == totalPoints`);
  const perNode = Object.fromEntries(ring.nodes().map((n) => [n.id, n.points]));
  assert.deepEqual(perNode, ringDoc.pointsPerServer, `${label}: points per server`);

  // The continuum itself: in full where the file has it, else its head and its sha256.
  const { positions, owners } = ring.points();
  const ids = ring.nodes().map((n) => n.id);
  const expected = ringDoc.continuum ?? ringDoc.continuumHead;
  for (let i = 0; i < expected.length; i++) {
    assert.deepEqual([positions[i], ids[owners[i]]], expected[i], `${label}: continuum[${i}]`);
  }
  assert.equal(continuumSha256(ring), ringDoc.continuumSha256, `${label}: continuumSha256`);

  let checked = 0;
  for (let i = 0; i < KEYS.length; i++) {
    const key = KEYS[i];
    if (key === null) continue;
    const what = `${label} keys[${i}] ${show(key)}`;
    assert.equal(ring.positionOf(key), ringDoc.hash[i], `${what}: positionOf`);
    assert.equal(ring.nodeFor(key), ringDoc.node[i], `${what}: nodeFor`);
    checked++;
  }
  assert.equal(checked + SKIPPED.length, ringDoc.hash.length, `${label}: every key checked or skipped`);

  const n = ringDoc.servers.length;
  for (const r of ringDoc.range) {
    const key = KEYS[r.keyIndex];
    if (key === null) continue;
    const what = `${label} keys[${r.keyIndex}] ${show(key)}`;
    assert.deepEqual(ring.nodesFor(key, n), r.unique, `${what}: nodesFor(key, ${n}) == range.unique`);
    // A shorter list is a prefix of the full one.
    assert.deepEqual(ring.nodesFor(key, 2), r.unique.slice(0, 2), `${what}: nodesFor(key, 2)`);
    // range(key, 5, false): the raw entries clockwise from the owner point.
    const model = ringModel(ring);
    const start = pointIndexAt(model, ring.positionOf(key));
    const raw = Array.from({ length: 5 }, (_, k) => model.ids[model.owners[(start + k) % model.positions.length]]);
    assert.deepEqual(raw, r.nonUnique5, `${what}: points() clockwise from the owner point == range.nonUnique5`);
  }

  // The batch lookup agrees too.
  const usable = KEYS.map((k, i) => [k, i]).filter(([k]) => k !== null);
  const many = ring.nodeForMany(usable.map(([k]) => k));
  assert.deepEqual(
    Array.from(many, (o) => ids[o]),
    usable.map(([, i]) => ringDoc.node[i]),
    `${label}: nodeForMany`,
  );
}

describe("tests/golden/ketama-hashring-3.2.0.json", () => {
  test("the file is what the installed hashring package computes today (scripts/gen-ketama-vectors.mjs)", async () => {
    const { generate } = await import("../../scripts/gen-ketama-vectors.mjs");
    assert.deepEqual(doc, generate());
  });

  test("the file is the hashring 3.2.0 vector set, with keys, rings and ranges", () => {
    assert.equal(doc.hashring.version, "3.2.0");
    assert.ok(doc.keys.length >= 1000, `${doc.keys.length} keys`);
    assert.ok(doc.rings.length >= 3, `${doc.rings.length} rings`);
    for (const r of doc.rings) {
      assert.equal(r.hash.length, doc.keys.length, `${r.id}: a hash per key`);
      assert.equal(r.node.length, doc.keys.length, `${r.id}: a node per key`);
      assert.ok(r.range.length > 0, `${r.id}: range vectors`);
    }
    // Non-ASCII keys exercise the UTF-8 path: CJK, emoji, U+FEFF at the start (kept), U+FFFD.
    assert.ok(Object.keys(doc.keysUtf8Hex).length >= 30);
    assert.ok(KEYS.includes("\uFEFFbom"), "a leading BOM is part of the key, not stripped");
    assert.ok(KEYS.includes("\uFFFD"));
  });

  test("no key is skipped: every keysUtf8Hex entry is valid UTF-8", () => {
    assert.deepEqual(SKIPPED, [], `skipped keys (bytes not valid UTF-8): ${SKIPPED.join(", ")}`);
  });

  for (const ringDoc of doc.rings) {
    describe(ringDoc.id, () => {
      test("new HashRing({ scheme: 'ketama', nodes }) in server order, with weights", () => {
        const ring = new HashRing({ scheme: "ketama", nodes: serversOf(ringDoc) });
        checkRing(ring, ringDoc, "constructor nodes");
        ring.free();
      });

      test("addNode one by one, in server order", () => {
        const ring = new HashRing({ scheme: "ketama" });
        for (const s of serversOf(ringDoc)) ring.addNode(s.id, { weight: s.weight });
        checkRing(ring, ringDoc, "addNode");
        ring.free();
      });

      test("addNodes in one call, and fromJSON(toJSON())", () => {
        const ring = new HashRing({ scheme: "ketama", vnodes: ringDoc.vnodeDefault });
        ring.addNodes(serversOf(ringDoc));
        checkRing(ring, ringDoc, "addNodes");
        const again = HashRing.fromJSON(JSON.stringify(ring));
        checkRing(again, ringDoc, "fromJSON");
        again.free();
        ring.free();
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Live oracle: the installed hashring package, default options except the vnode count.

function randomHost(rand, i) {
  const forms = [
    () => `10.0.${rand.int(256)}.${rand.int(256)}:${11211 + rand.int(4)}`,
    () => `cache-${i}.example`,
    () => `host-${i}-${rand.int(1000)}:6379`,
    () => `ünï-${i}-東京`,
  ];
  return forms[rand.int(forms.length)]();
}

function randomWeight(rand) {
  const pick = rand.int(4);
  if (pick === 0) return 1;
  if (pick === 1) return 1 + rand.int(6); // integers
  if (pick === 2) return [0.25, 0.5, 1.5, 2.5, 0.1, 3.3][rand.int(6)];
  return Math.round((0.05 + rand() * 5) * 1000) / 1000; // arbitrary decimals
}

function randomKey(rand) {
  const alphabet = ["a", "Z", "0", ":", " ", "é", "東", "🔥", "\u0000", "-"];
  let key = "";
  const len = rand.int(24);
  for (let i = 0; i < len; i++) key += alphabet[rand.int(alphabet.length)];
  return key;
}

describe("live cross-check against the hashring package", () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    test(`random weighted ring, seed ${seed}`, () => {
      const rand = prng(seed);
      const count = 1 + rand.int(12);
      const servers = [];
      const taken = new Set();
      while (servers.length < count) {
        const id = randomHost(rand, servers.length);
        if (taken.has(id)) continue;
        taken.add(id);
        servers.push({ id, weight: randomWeight(rand) });
      }
      // hashring's 'vnode count' (our vnodes) varies too: default 40 on even seeds.
      const vnodes = seed % 2 === 0 ? 40 : 1 + rand.int(200);
      const weights = Object.fromEntries(servers.map((s) => [s.id, s.weight]));
      const oracle = new HashRingPkg(weights, "md5", { "vnode count": vnodes, "max cache size": 1 });
      const ring = new HashRing({ scheme: "ketama", vnodes, nodes: servers });
      const label = `seed ${seed}: ${count} servers ${show(weights)}, vnodes ${vnodes}`;

      assert.equal(ring.pointCount, oracle.ring.length, `${label}: pointCount`);
      const { positions, owners } = ring.points();
      const ids = ring.nodes().map((n) => n.id);
      assert.deepEqual(
        Array.from(positions),
        oracle.ring.map((p) => p.value),
        `${label}: positions`,
      );
      assert.deepEqual(
        Array.from(owners, (o) => ids[o]),
        oracle.ring.map((p) => p.server),
        `${label}: owners`,
      );

      const keys = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? randomKey(rand) : `k-${seed}-${i}`));
      const many = ring.nodeForMany(keys);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const want = oracle.get(key);
        assert.equal(ring.positionOf(key), oracle.hashValue(key), `${label} ${show(key)}: positionOf`);
        assert.equal(ring.nodeFor(key), want, `${label} ${show(key)}: nodeFor`);
        assert.equal(ids[many[i]], want, `${label} ${show(key)}: nodeForMany`);
        if (i % 10 === 0) {
          assert.deepEqual(ring.nodesFor(key, count), oracle.range(key, count, true), `${label} ${show(key)}: nodesFor`);
        }
      }

      // Same ring built one node at a time (weights are relative: every add re-spreads points).
      const stepwise = new HashRing({ scheme: "ketama", vnodes });
      for (const s of servers) stepwise.addNode(s.id, { weight: s.weight });
      assert.deepEqual(Array.from(stepwise.points().positions), Array.from(positions), `${label}: addNode one by one`);
      stepwise.free();
      ring.free();
    });
  }

  test("removeNode and setWeight give hashring's ring for the new server set", () => {
    const rand = prng(99);
    const servers = Array.from({ length: 6 }, (_, i) => ({ id: `10.1.0.${i}:11211`, weight: 1 + rand.int(4) }));
    const ring = new HashRing({ scheme: "ketama", nodes: servers });
    const keys = Array.from({ length: 800 }, (_, i) => `rm-${i}`);
    const check = (list, what) => {
      const oracle = new HashRingPkg(Object.fromEntries(list.map((s) => [s.id, s.weight])));
      assert.deepEqual(
        Array.from(ring.points().positions),
        oracle.ring.map((p) => p.value),
        `${what}: positions`,
      );
      for (const k of keys) assert.equal(ring.nodeFor(k), oracle.get(k), `${what}: nodeFor(${k})`);
    };
    check(servers, "start");
    ring.removeNode(servers[2].id);
    const afterRemove = servers.filter((_, i) => i !== 2);
    check(afterRemove, "after removeNode");
    ring.setWeight(servers[4].id, 7);
    check(
      afterRemove.map((s) => (s.id === servers[4].id ? { ...s, weight: 7 } : s)),
      "after setWeight",
    );
    ring.free();
  });

  test("tied points keep insertion order, as hashring's stable sort does", () => {
    // "tie-184-i" and "tie-434-j" share one MD5 point (found by a search over tie-N names).
    const a = "tie-184";
    const b = "tie-434";
    const tie = 1310727539;
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const oracle = new HashRingPkg(order);
      const ring = new HashRing({ scheme: "ketama", nodes: order });
      const model = ringModel(ring);
      const at = [...model.positions.keys()].filter((i) => model.positions[i] === tie);
      assert.equal(at.length, 2, "meta: the two nodes share a point");
      assert.deepEqual(
        at.map((i) => model.ids[model.owners[i]]),
        [order[0], order[1]],
        `order ${order}: the first-added node's point comes first`,
      );
      assert.equal(oracle.ring[oracle.find(tie)].server, order[0], "meta: hashring gives the tied position to the first-added server");
      assert.deepEqual(
        Array.from(model.owners, (o) => model.ids[o]),
        oracle.ring.map((p) => p.server),
        `order ${order}: owners`,
      );
      ring.free();
    }
  });
});
