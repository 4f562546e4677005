// points() must return copies, not views into wasm memory: a view is detached (length 0) as
// soon as the memory grows. Its own file so that the process starts with a small wasm memory and
// the growth below is certain.
import assert from "node:assert/strict";
import { test } from "node:test";

import { HashRing, wasm } from "./helpers.mjs";

test("points() arrays survive wasm memory growth and later ring changes", () => {
  const ring = new HashRing({ vnodes: 10 });
  ring.addNodes(["a", "b"]);
  const p = ring.points();
  const positions = Array.from(p.positions);
  const owners = Array.from(p.owners);
  assert.equal(positions.length, 20);
  const memoryBefore = wasm.memory.buffer.byteLength;
  // 400k points: the wasm memory has to grow, which detaches every view into the old buffer.
  ring.addNode("big", { weight: 40000 });
  ring.removeNode("a");
  assert.ok(wasm.memory.buffer.byteLength > memoryBefore, "meta: the wasm memory grew");
  assert.equal(p.positions.length, 20, "positions still has its 20 entries");
  assert.deepEqual(Array.from(p.positions), positions);
  assert.deepEqual(Array.from(p.owners), owners);
  const q = ring.points();
  assert.equal(q.positions.length, 10 + 400000);
  const head = Array.from(q.positions.subarray(0, 1000));
  ring.free();
  // The freed ring's memory is reused by a new one; a copy is not affected.
  const other = new HashRing({ vnodes: 4096 });
  other.addNode("z", { weight: 100 });
  assert.equal(q.positions.length, 10 + 400000);
  assert.deepEqual(Array.from(q.positions.subarray(0, 1000)), head);
  other.free();
});
