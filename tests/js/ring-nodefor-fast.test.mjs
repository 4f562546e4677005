// The package entry's fast `nodeFor` (js/index.js → pkg/sim/index.js): the key is written into wasm
// memory from JS, wasm returns the owner's index, and the id comes from a copy of the node ids
// kept on the ring object. These tests check that it answers exactly like the ring's model
// (positions and owners from points(), health from nodes()) and like `nodesFor(key, 1)` (the
// generated, checked path) through every kind of change, every kind of key, memory growth and
// use after free(), and that it throws the generated method's errors.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { expectThrow, HashRing, ownerAt, prng, ringModel, show, wasm } from "./helpers.mjs";

/** Keys of every shape the fast path handles or hands over to the checked path. */
function keyMix(seed, count) {
  const next = prng(seed);
  const keys = ["", "a", "é", "東京", "🎲", "user:42", "x".repeat(4096), "y".repeat(4097), "é".repeat(1366)];
  keys.push("é".repeat(1365), "z".repeat(20_000), "a\u0000b", "\uFEFFbom");
  for (let i = 0; i < count; i++) {
    const kind = next.int(4);
    if (kind === 0) keys.push(`key-${next.int(1e9)}`);
    else if (kind === 1) keys.push(`user:${i}:é${next.int(1000)}`);
    else if (kind === 2) keys.push(String.fromCodePoint(0x1f600 + next.int(50), 0x4e00 + next.int(2000)));
    else keys.push("k".repeat(next.int(70)) + i);
  }
  return keys;
}

/** nodeFor agrees with the model and with nodesFor(key, 1) on every key. */
function assertAgrees(ring, keys, what) {
  const model = ringModel(ring);
  for (const key of keys) {
    const want = ownerAt(model, ring.positionOf(key)) ?? undefined;
    const got = ring.nodeFor(key);
    assert.equal(got, want, `${what}: nodeFor(${show(key)})`);
    assert.equal(got, ring.nodesFor(key, 1)[0], `${what}: nodeFor(${show(key)}) vs nodesFor(key, 1)`);
  }
}

describe("nodeFor fast path (pkg/sim/index.js)", () => {
  test("is installed on HashRing.prototype as a non-enumerable method named nodeFor", () => {
    const descriptor = Object.getOwnPropertyDescriptor(HashRing.prototype, "nodeFor");
    assert.equal(typeof descriptor.value, "function");
    assert.equal(descriptor.value.name, "nodeFor");
    assert.equal(descriptor.enumerable, false);
    assert.ok(!Object.keys(new HashRing()).some((k) => k.includes("nodeFor")));
  });

  test("takes the fast path for ordinary keys (wasm answers with an index, no string back)", () => {
    const ring = new HashRing({ nodes: ["a", "b", "c"] });
    const results = [];
    const ownerIndex = HashRing.prototype.__ownerIndex;
    ring.__ownerIndex = function (...args) {
      const result = ownerIndex.apply(this, args);
      results.push(result);
      return result;
    };
    const ids = ring.nodes().map((n) => n.id);
    ring.nodeFor("warm-up"); // the first call fetches the ids
    results.length = 0;
    for (const key of ["user:1", "é", "東京", "x".repeat(1000)]) {
      const got = ring.nodeFor(key);
      assert.equal(results.length, 1, `one wasm call for ${show(key)}`);
      assert.equal(ids[results.pop()], got, `the index wasm returned is ${show(got)}'s`);
    }
    ring.free();
  });

  test("answers like the model and nodesFor for ASCII, non-ASCII, empty and long keys", () => {
    for (const scheme of ["sha1", "ketama"]) {
      const ring = new HashRing({ scheme, nodes: ["a:1", "b:2", { id: "c:3", weight: 2 }, "東京:4"] });
      assertAgrees(ring, keyMix(7, 3000), scheme);
      ring.free();
    }
  });

  test("follows every change of the node list and of health", () => {
    const next = prng(11);
    const keys = keyMix(12, 400);
    const ring = new HashRing({ vnodes: 20 });
    assert.equal(ring.nodeFor("k"), undefined, "empty ring");
    assert.equal(ring.nodeFor("k"), undefined, "empty ring, again");
    let n = 0;
    for (let step = 0; step < 60; step++) {
      const ids = ring.nodes().map((x) => x.id);
      const op = ids.length < 2 ? 0 : next.int(7);
      if (op === 0) ring.addNode(`n${n++}`, { weight: 0.5 + next.int(4) });
      else if (op === 1) ring.addNodes([`n${n++}`, `n${n++}`]);
      else if (op === 2) ring.removeNode(ids[next.int(ids.length)]);
      else if (op === 3) ring.setWeight(ids[next.int(ids.length)], 0.25 + next.int(3));
      else if (op === 4) ring.markDown(ids[next.int(ids.length)]);
      else if (op === 5) ring.markUp(ids[next.int(ids.length)]);
      else for (const id of ids) ring.markDown(id);
      assertAgrees(ring, keys, `step ${step} (op ${op})`);
    }
    ring.free();
  });

  test("rings keep their own ids: interleaved lookups on rings with different nodes", () => {
    const a = new HashRing({ nodes: ["a0", "a1", "a2"] });
    const b = new HashRing({ nodes: ["b0", "b1"] });
    const c = HashRing.fromJSON(a.toJSON());
    for (const key of keyMix(3, 500)) {
      assert.match(a.nodeFor(key), /^a/);
      assert.match(b.nodeFor(key), /^b/);
      assert.equal(c.nodeFor(key), a.nodeFor(key));
    }
    a.removeNode("a0");
    c.addNode("c9");
    assertAgrees(a, keyMix(4, 300), "a after removeNode");
    assertAgrees(b, keyMix(4, 300), "b untouched");
    assertAgrees(c, keyMix(4, 300), "c after addNode");
    for (const r of [a, b, c]) r.free();
  });

  test("stays right after wasm memory grows (the JS view of memory is renewed)", () => {
    const ring = new HashRing({ nodes: ["p", "q", "r"] });
    const keys = keyMix(5, 200);
    assertAgrees(ring, keys, "before growth");
    const before = wasm.memory.buffer.byteLength;
    const big = [];
    while (wasm.memory.buffer.byteLength === before) {
      big.push(new HashRing({ vnodes: 4096, nodes: Array.from({ length: 50 }, (_, i) => `big-${big.length}-${i}`) }));
    }
    assertAgrees(ring, keys, "after growth");
    for (const r of big) r.free();
    ring.free();
  });

  test("throws the generated method's errors, and the ring keeps working", () => {
    const ring = new HashRing({ nodes: ["a", "b"] });
    const want = ring.nodeFor("user:1");
    for (const bad of [5, null, undefined, {}, ["a"], new String("a"), Symbol("s"), 10n]) {
      expectThrow(() => ring.nodeFor(bad), TypeError, { method: "HashRing.nodeFor", param: /key/, what: show(bad) });
      assert.equal(ring.nodeFor("user:1"), want);
    }
    for (const bad of ["\uD800", "a\uDC00b", "x".repeat(5000) + "\uD83D"]) {
      expectThrow(() => ring.nodeFor(bad), RangeError, { method: "HashRing.nodeFor", param: /key/, what: show(bad) });
      assert.equal(ring.nodeFor("user:1"), want);
    }
    ring.free();
  });

  test("after free() it throws an Error, not a trap, and other rings still answer", () => {
    const ring = new HashRing({ nodes: ["a", "b"] });
    const other = new HashRing({ nodes: ["a", "b"] });
    const want = other.nodeFor("k");
    assert.equal(ring.nodeFor("k"), want);
    ring.free();
    assert.throws(
      () => ring.nodeFor("k"),
      (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError),
    );
    assert.equal(other.nodeFor("k"), want);
    other.free();
  });
});
