// Point labels and renames on the main HashRing, on the release build (Node and Chromium):
// addNode(id, { label }) hashes the node's points from the label, renameNode keeps them, and
// both survive toJSON / fromJSON.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { HashRing } from "./helpers.mjs";

const keys = Array.from({ length: 2000 }, (_, i) => `user:${i}`);

describe("HashRing labels and renameNode", () => {
  for (const scheme of ["sha1", "ketama"]) {
    test(`${scheme}: a labelled node places its points like a node with that id`, () => {
      const labelled = new HashRing({ scheme });
      labelled.addNode("cache-a:11211", { label: "cache-a" });
      labelled.addNode("cache-b:11212");
      const plain = new HashRing({ scheme, nodes: ["cache-a", "cache-b:11212"] });
      assert.deepEqual(labelled.points().positions, plain.points().positions);
      for (const key of keys) {
        const owner = plain.nodeFor(key);
        assert.equal(labelled.nodeFor(key), owner === "cache-a" ? "cache-a:11211" : owner);
      }
      const saved = JSON.parse(JSON.stringify(labelled));
      assert.deepEqual(saved.nodes[0], { id: "cache-a:11211", weight: 1, up: true, label: "cache-a" });
      const again = HashRing.fromJSON(saved);
      assert.deepEqual(again.nodes(), labelled.nodes());
      for (const key of keys) assert.equal(again.nodeFor(key), labelled.nodeFor(key));
      for (const ring of [labelled, plain, again]) ring.free();
    });

    test(`${scheme}: renameNode keeps every point and moves only the renamed node's keys`, () => {
      const ring = new HashRing({ scheme, nodes: ["a", "b", { id: "c", weight: 2 }] });
      const before = keys.map((key) => ring.nodeFor(key));
      const positions = ring.points().positions;
      const change = ring.renameNode("b", "b2");
      assert.deepEqual(ring.points().positions, positions);
      for (const [i, key] of keys.entries()) assert.equal(ring.nodeFor(key), before[i] === "b" ? "b2" : before[i]);
      assert.ok(change.arcs.every((arc) => arc.from === "b" && arc.to === "b2"));
      assert.ok(change.movedFraction > 0);
      assert.deepEqual(
        ring.nodes().map((n) => [n.id, n.label]),
        [
          ["a", undefined],
          ["b2", "b"],
          ["c", undefined],
        ],
      );
      ring.free();
    });
  }

  test("bad labels and renames throw and leave the ring working", () => {
    const ring = new HashRing({ nodes: ["a", "b"] });
    assert.throws(() => ring.addNode("c", { label: "" }), { name: "RangeError", message: /options\.label/ });
    assert.throws(() => ring.addNode("c", { label: "x".repeat(257) }), { name: "RangeError", message: /options\.label/ });
    assert.throws(() => ring.addNode("c", { label: 5 }), { name: "TypeError", message: /options\.label/ });
    assert.throws(() => ring.addNode("c", { label: "\uD800" }), { name: "RangeError", message: /options\.label/ });
    assert.throws(() => ring.renameNode("a", "b"), { name: "Error", message: /already exists/ });
    assert.throws(() => ring.renameNode("zz", "y"), { name: "Error", message: /unknown node/ });
    assert.throws(() => ring.renameNode("a", 7), { name: "TypeError", message: /to must be a string/ });
    assert.deepEqual(
      ring.nodes().map((n) => n.id),
      ["a", "b"],
    );
    assert.equal(typeof ring.nodeFor("k"), "string");
    ring.free();
  });
});
