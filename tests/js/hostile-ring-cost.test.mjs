// Cost of extreme rings on the RELEASE build, in Node and in headless Chromium: a ring whose points
// are almost all one node's, with that node down or full, and a saved ring of 2^20 one-point nodes.
// Costs are bounded in wasm memory here (the file starts with a fresh instance, so its first test
// sees the memory fromJSON alone needs) and in points visited by the native tests
// (src/core/lookup_cost.rs); every answer is checked. The canary runs after each case.
import assert from "node:assert/strict";
import { test } from "node:test";

import { withCanary } from "./canary.mjs";
import { ringlease, wasm } from "./helpers.mjs";

const { HashRing } = ringlease;
const MiB = 2 ** 20;

/** A test whose case is followed by the canary, even when the case itself fails. */
const hostile = (name, fn, options = {}) => test(name, options, withCanary(ringlease, fn));

hostile("fromJSON of 2^20 one-point nodes grows wasm memory by at most 260 MiB (was 312 MiB)", () => {
  const count = 2 ** 20;
  const saved = {
    format: "ringlease.HashRing",
    version: 1,
    scheme: "sha1",
    vnodes: 1,
    nodes: Array.from({ length: count }, (_, i) => ({ id: `node-${i}`, weight: 1, up: i % 3 !== 0 })),
  };
  const before = wasm.memory.buffer.byteLength;
  const ring = HashRing.fromJSON(saved);
  const grown = wasm.memory.buffer.byteLength - before;
  assert.ok(grown <= 260 * MiB, `fromJSON grew wasm memory by ${(grown / MiB).toFixed(0)} MiB`);
  assert.equal(ring.pointCount, count);
  assert.equal(ring.nodeCount, count);
  assert.equal(ring.liveCount, count - Math.ceil(count / 3));
  const again = ring.toJSON();
  for (const i of [0, 1, 2, 77_777, count - 1]) {
    const node = again.nodes[i];
    assert.deepEqual(node, saved.nodes[i], `node ${i} round-trips`);
  }
  // The same nodes through the constructor need no more memory than fromJSON did.
  const sameMemory = wasm.memory.buffer.byteLength;
  ring.free();
  const built = new HashRing({ vnodes: 1, nodes: saved.nodes.map(({ id }) => id) });
  assert.equal(built.pointCount, count);
  const extra = wasm.memory.buffer.byteLength - sameMemory;
  assert.ok(extra <= 32 * MiB, `the constructor fits in about the same memory (it grew it by ${(extra / MiB).toFixed(0)} MiB)`);
  built.free();
});

/** { big: 1,044,480 points, tiny: 1 point } (vnodes 4096). */
function skewedRing() {
  const ring = new HashRing({
    vnodes: 4096,
    nodes: [
      { id: "big", weight: 255 },
      { id: "tiny", weight: 1 / 4096 },
    ],
  });
  assert.deepEqual(
    ring.nodes().map((n) => [n.id, n.points]),
    [
      ["big", 1_044_480],
      ["tiny", 1],
    ],
  );
  return ring;
}

const KEYS = Array.from({ length: 20_000 }, (_, i) => `session-${i}`);

hostile("a heavy node down: every lookup goes to the one live point", () => {
  const ring = skewedRing();
  ring.markDown("big");
  const tiny = ring.nodes().findIndex((n) => n.id === "tiny");
  assert.ok(
    ring.nodeForMany(KEYS).every((owner) => owner === tiny),
    "nodeForMany",
  );
  for (const key of KEYS.slice(0, 2000)) assert.equal(ring.nodeFor(key), "tiny", `nodeFor(${key})`);
  for (const key of KEYS.slice(0, 2000)) assert.deepEqual(ring.nodesFor(key, 2), ["tiny"], `nodesFor(${key})`);
  assert.ok(
    ring.assignBounded(KEYS, 0.25).every((id) => id === "tiny"),
    "assignBounded",
  );
  assert.deepEqual(
    [...ring.distribution(KEYS)],
    [
      ["big", 0],
      ["tiny", KEYS.length],
    ],
  );
  // Up again: the mapping is what it was.
  ring.markUp("big");
  const up = new HashRing({
    vnodes: 4096,
    nodes: [
      { id: "big", weight: 255 },
      { id: "tiny", weight: 1 / 4096 },
    ],
  });
  assert.deepEqual(ring.nodeForMany(KEYS), up.nodeForMany(KEYS));
  up.free();
  ring.free();
});

hostile("bounded loads on the skewed ring: once big is full every later key goes to tiny", () => {
  const ring = skewedRing();
  const epsilon = 0.1;
  const cap = Math.ceil(((1 + epsilon) * KEYS.length) / 2);
  const assigned = ring.assignBounded(KEYS, epsilon);
  // With two nodes, a key goes to its owner unless the owner is full, then to the other one.
  const load = { big: 0, tiny: 0 };
  const expected = KEYS.map((key) => {
    const owner = ring.nodeFor(key);
    const id = load[owner] < cap ? owner : owner === "big" ? "tiny" : "big";
    load[id] += 1;
    return id;
  });
  assert.equal(load.big, cap, "meta: big fills up");
  assert.deepEqual(assigned, expected);
  ring.free();
});
