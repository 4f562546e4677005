// HashRing against the release wasm build: the golden table (R1), order independence (R2), and
// the whole JS surface in the README. Bad inputs: ring-errors.test.mjs; random
// membership changes: ring-props.test.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { golden, HashRing, prng, reference, ringFromNodes, snapshot, utf8Sort } from "./helpers.mjs";

function checkCase(ring, c, how) {
  assert.equal(ring.vnodes, c.vnodes, `${c.name} (${how}): vnodes`);
  assert.equal(ring.nodeCount, c.nodes.length, `${c.name} (${how}): nodeCount`);
  assert.equal(ring.pointCount, c.pointCount, `${c.name} (${how}): pointCount`);
  for (const l of c.lookups) {
    const label = `${c.name} (${how}) key ${JSON.stringify(l.key.length > 30 ? `${l.key.slice(0, 10)}…` : l.key)}`;
    assert.equal(ring.positionOf(l.key), l.position, `${label}: positionOf`);
    assert.equal(ring.nodeFor(l.key), l.owner, `${label}: nodeFor`);
    assert.deepEqual(ring.nodesFor(l.key, 3), l.replicas, `${label}: nodesFor(key, 3)`);
  }
}

describe("golden table tests/golden/ring-sha1.json (R1)", () => {
  test("the file is what scripts/gen-golden.mjs produces now", () => {
    const { golden: fresh } = reference.generate();
    assert.deepEqual(golden, fresh);
  });

  test("SHA-1 vectors (FIPS 180) via the reference, and position = first 4 bytes big-endian", () => {
    assert.equal(golden.sha1Vectors.length, 2);
    const ring = new HashRing();
    for (const v of golden.sha1Vectors) {
      assert.equal(reference.sha1Hex(v.input), v.sha1);
      assert.equal(ring.positionOf(v.input), parseInt(v.sha1.slice(0, 8), 16), `positionOf(${JSON.stringify(v.input)})`);
    }
    assert.equal(ring.positionOf(""), 0xda39a3ee);
    assert.equal(ring.positionOf("abc"), 0xa9993e36);
    ring.free();
  });

  test("covers the cases the brief asks for", () => {
    const names = golden.cases.map((c) => c.name);
    for (const n of ["ten-nodes-160", "weighted-40", "single-vnode", "unicode-ids", "one-node"]) assert.ok(names.includes(n), n);
  });

  for (const c of golden.cases) {
    describe(c.name, () => {
      test("addNode one by one, in file order", () => {
        const ring = ringFromNodes(c.vnodes, c.nodes);
        checkCase(ring, c, "file order");
        ring.free();
      });

      test("addNode one by one, reversed and shuffled (order independence, R2)", () => {
        const rand = prng(0xc0ffee ^ c.name.length);
        const orders = [[...c.nodes].reverse(), rand.shuffle(c.nodes), rand.shuffle(c.nodes)];
        const base = ringFromNodes(c.vnodes, c.nodes);
        const want = snapshot(base);
        base.free();
        for (const [k, order] of orders.entries()) {
          const ring = ringFromNodes(c.vnodes, order);
          checkCase(ring, c, `order #${k}`);
          assert.deepEqual(snapshot(ring), want, `order #${k}: points() and nodes() identical`);
          ring.free();
        }
      });

      test("addNodes in one call (string specs for weight 1, object specs otherwise)", () => {
        const ring = new HashRing({ vnodes: c.vnodes });
        ring.addNodes(c.nodes.map((n) => (n.weight === 1 ? n.id : { id: n.id, weight: n.weight })));
        checkCase(ring, c, "addNodes");
        ring.free();
        const rand = prng(7);
        const ring2 = new HashRing({ vnodes: c.vnodes });
        ring2.addNodes(rand.shuffle(c.nodes).map((n) => ({ id: n.id, weight: n.weight })));
        checkCase(ring2, c, "addNodes shuffled objects");
        ring2.free();
        const ring3 = new HashRing({ vnodes: c.vnodes, nodes: c.nodes.map((n) => ({ id: n.id, weight: n.weight })) });
        checkCase(ring3, c, "constructor nodes");
        ring3.free();
      });

      test("points() and nodes() equal the reference ring", () => {
        const ring = ringFromNodes(c.vnodes, c.nodes);
        const ref = reference.buildRing(c.vnodes, c.nodes);
        const nodes = ring.nodes();
        assert.deepEqual(
          nodes,
          ref.nodes.map((n) => ({ id: n.id, weight: n.weight, points: n.points, up: true })),
        );
        const pts = ring.points();
        assert.deepEqual(
          Array.from(pts.positions),
          ref.points.map((p) => p.position),
        );
        assert.deepEqual(
          Array.from(pts.owners, (o) => nodes[o].id),
          ref.points.map((p) => p.id),
        );
        ring.free();
      });
    });
  }

  test("unicode-ids: nodes() is in UTF-8 byte order, which differs from JS string order here", () => {
    const c = golden.cases.find((x) => x.name === "unicode-ids");
    const ids = c.nodes.map((n) => n.id);
    const byUtf8 = utf8Sort(ids);
    assert.notDeepEqual(byUtf8, [...ids].sort(), "meta: the case must tell the two orders apart");
    const ring = new HashRing({ vnodes: c.vnodes });
    ring.addNodes(ids);
    assert.deepEqual(
      ring.nodes().map((n) => n.id),
      byUtf8,
    );
    ring.free();
  });

  test('R7: nodes "a" and "a1" with V >= 11 make exactly 2V distinct points', () => {
    for (const v of [11, 20, 160]) {
      const ring = new HashRing({ vnodes: v });
      ring.addNodes(["a", "a1"]);
      assert.equal(ring.pointCount, 2 * v);
      assert.equal(new Set(ring.points().positions).size, 2 * v, `V=${v}`);
      ring.free();
    }
  });
});

describe("constructor and getters", () => {
  test("defaults: vnodes 160, empty", () => {
    for (const ring of [new HashRing(), new HashRing(undefined), new HashRing({})]) {
      assert.equal(ring.vnodes, 160);
      assert.equal(ring.scheme, "sha1");
      assert.equal(ring.liveCount, 0);
      assert.equal(ring.nodeCount, 0);
      assert.equal(ring.pointCount, 0);
      assert.deepEqual(ring.nodes(), []);
      ring.addNode("x");
      assert.equal(ring.pointCount, 160);
      ring.free();
    }
  });

  test("{ vnodes: undefined } means the default", () => {
    const ring = new HashRing({ vnodes: undefined });
    assert.equal(ring.vnodes, 160);
    ring.free();
  });

  test("vnodes bounds 1 and 4096 are accepted", () => {
    for (const v of [1, 2, 4095, 4096]) {
      const ring = new HashRing({ vnodes: v });
      assert.equal(ring.vnodes, v);
      ring.addNode("n");
      assert.equal(ring.pointCount, v);
      ring.free();
    }
  });

  test("getters are numbers and track membership", () => {
    const ring = new HashRing({ vnodes: 10 });
    ring.addNode("a");
    ring.addNode("b", { weight: 2 });
    ring.addNodes(["c", { id: "d", weight: 0.5 }, { id: "e" }]);
    assert.equal(typeof ring.nodeCount, "number");
    assert.equal(ring.nodeCount, 5);
    assert.equal(ring.pointCount, 10 + 20 + 10 + 5 + 10);
    ring.removeNode("b");
    assert.equal(ring.nodeCount, 4);
    assert.equal(ring.pointCount, 35);
    assert.equal(ring.vnodes, 10);
    ring.free();
  });
});

describe("membership", () => {
  test("nodes() is sorted by UTF-8 id with { id, weight, points, up }", () => {
    const ring = new HashRing({ vnodes: 8 });
    const added = [
      ["zeta", 1],
      ["Alpha", 2],
      ["\uE000x", 1],
      ["🚀", 0.25],
      ["alpha", 1.5],
      ["ä", 0.01],
      ["10", 1],
      ["9", 1],
    ];
    for (const [id, weight] of added) ring.addNode(id, { weight });
    const want = utf8Sort(added.map(([id]) => id)).map((id) => {
      const weight = added.find(([x]) => x === id)[1];
      return { id, weight, points: Math.max(1, Math.round(8 * weight)), up: true };
    });
    assert.deepEqual(ring.nodes(), want);
    ring.free();
  });

  test("default weight is 1 (addNode without options, with {}, with undefined; addNodes string spec)", () => {
    const ring = new HashRing({ vnodes: 3 });
    ring.addNode("a");
    ring.addNode("b", {});
    ring.addNode("c", undefined);
    ring.addNodes(["d", { id: "e" }]);
    assert.deepEqual(
      ring.nodes().map((n) => [n.id, n.weight, n.points]),
      [
        ["a", 1, 3],
        ["b", 1, 3],
        ["c", 1, 3],
        ["d", 1, 3],
        ["e", 1, 3],
      ],
    );
    ring.free();
  });

  test("{ weight: undefined } means the default weight", () => {
    const ring = new HashRing({ vnodes: 3 });
    ring.addNode("a", { weight: undefined });
    assert.deepEqual(ring.nodes(), [{ id: "a", weight: 1, points: 3, up: true }]);
    ring.free();
  });

  test("hasNode / removeNode", () => {
    const ring = new HashRing({ vnodes: 4 });
    assert.equal(ring.hasNode("a"), false);
    ring.addNodes(["a", "b", "é"]);
    assert.equal(ring.hasNode("a"), true);
    assert.equal(ring.hasNode("é"), true);
    assert.equal(ring.hasNode("e\u0301"), false, "no normalization of ids");
    assert.equal(ring.hasNode("A"), false);
    ring.removeNode("a");
    assert.equal(ring.hasNode("a"), false);
    assert.equal(ring.nodeCount, 2);
    assert.equal(ring.pointCount, 8);
    assert.deepEqual(
      ring.nodes().map((n) => n.id),
      ["b", "é"],
    );
    ring.addNode("a", { weight: 2 }); // re-adding after removal is fine
    assert.deepEqual(ring.nodes()[0], { id: "a", weight: 2, points: 8, up: true });
    ring.free();
  });

  test("NFC and NFD ids are two different nodes", () => {
    const ring = new HashRing({ vnodes: 5 });
    ring.addNode("\u00e9");
    ring.addNode("e\u0301");
    assert.equal(ring.nodeCount, 2);
    assert.equal(ring.pointCount, 10);
    ring.free();
  });

  test("ids of exactly 256 UTF-8 bytes are accepted (1-, 2-, 3- and 4-byte characters)", () => {
    const ids = ["x".repeat(256), "é".repeat(128), "€".repeat(85) + "x", "🚀".repeat(64)];
    for (const id of ids) assert.equal(new TextEncoder().encode(id).length, 256);
    const ring = new HashRing({ vnodes: 2 });
    for (const id of ids) ring.addNode(id);
    assert.equal(ring.nodeCount, 4);
    const ref = reference.buildRing(
      2,
      ids.map((id) => ({ id })),
    );
    assert.deepEqual(
      Array.from(ring.points().positions),
      ref.points.map((p) => p.position),
    );
    for (const id of ids) ring.removeNode(id);
    assert.equal(ring.nodeCount, 0);
    ring.free();
  });

  test("addNodes([]) is a no-op", () => {
    const ring = new HashRing({ vnodes: 3 });
    ring.addNode("a");
    ring.addNodes([]);
    assert.equal(ring.nodeCount, 1);
    assert.equal(ring.pointCount, 3);
    ring.free();
  });
});

describe("weights", () => {
  test("points = max(1, round(vnodes * weight)), half rounds up (away from zero)", () => {
    const cases = [
      // [vnodes, weight, expected points]
      [160, 1, 160],
      [160, 0.5, 80],
      [160, 2.5, 400],
      [40, 0.1, 4],
      [40, 0.01, 1], // round(0.4) = 0 -> 1
      [40, 0.3125, 13], // 12.5 exactly -> 13
      [1, 0.5, 1], // 0.5 -> 1
      [1, 1.5, 2], // 1.5 -> 2
      [1, 2.5, 3], // 2.5 -> 3 (banker's rounding would give 2)
      [3, 0.5, 2], // 1.5 -> 2
      [2, 1.25, 3], // 2.5 -> 3 (banker's: 2)
      [4, 1.125, 5], // 4.5 -> 5 (banker's: 4)
      [10, 0.04, 1], // 0.4 -> 0 -> 1
      [10, 0.06, 1], // 0.6 -> 1
      [10, 0.16, 2], // 1.6 -> 2
      [100, 1e-9, 1],
      [160, Number.MIN_VALUE, 1],
      [160, 6553, 1048480], // just under 2^20
      [4096, 256, 1048576], // exactly 2^20
    ];
    for (const [vnodes, weight, points] of cases) {
      assert.equal(reference.pointsFor(vnodes, weight), points, `reference ${vnodes} x ${weight}`);
      const ring = new HashRing({ vnodes });
      ring.addNode("n", { weight });
      assert.equal(ring.pointCount, points, `vnodes ${vnodes}, weight ${weight}`);
      assert.deepEqual(ring.nodes(), [{ id: "n", weight, points, up: true }]);
      ring.free();
    }
  });

  test("a heavier node owns more keys", () => {
    const ring = new HashRing({ vnodes: 160 });
    ring.addNodes([
      { id: "light", weight: 1 },
      { id: "heavy", weight: 4 },
    ]);
    let heavy = 0;
    for (let i = 0; i < 4000; i++) if (ring.nodeFor(`w-${i}`) === "heavy") heavy++;
    assert.ok(heavy > 4000 * 0.7 && heavy < 4000 * 0.9, `heavy owns ${heavy}/4000`);
    ring.free();
  });
});

describe("lookups", () => {
  test("empty ring: nodeFor -> undefined, nodesFor -> [], positionOf works", () => {
    const ring = new HashRing();
    assert.equal(ring.nodeFor("k"), undefined);
    assert.equal(ring.nodeFor(""), undefined);
    assert.deepEqual(ring.nodesFor("k", 3), []);
    assert.deepEqual(ring.nodesFor("k", 0), []);
    assert.equal(ring.positionOf("abc"), 0xa9993e36);
    const p = ring.points();
    assert.equal(p.positions.length, 0);
    assert.equal(p.owners.length, 0);
    ring.addNode("a");
    ring.removeNode("a");
    assert.equal(ring.nodeFor("k"), undefined, "empty again after removing the last node");
    assert.deepEqual(ring.nodesFor("k", 2), []);
    ring.free();
  });

  test("one node: every key maps to it (R9)", () => {
    const ring = new HashRing({ vnodes: 1 });
    ring.addNode("solo");
    for (let i = 0; i < 500; i++) {
      assert.equal(ring.nodeFor(`k${i}`), "solo");
      assert.deepEqual(ring.nodesFor(`k${i}`, 3), ["solo"]);
    }
    ring.free();
  });

  test("nodesFor: length min(n, nodeCount), distinct, owner first, n = 0 -> []", () => {
    const ring = new HashRing({ vnodes: 20 });
    const ids = Array.from({ length: 7 }, (_, i) => `n${i}`);
    ring.addNodes(ids);
    const ref = reference.buildRing(
      20,
      ids.map((id) => ({ id })),
    );
    for (let i = 0; i < 300; i++) {
      const key = `r-${i}`;
      assert.deepEqual(ring.nodesFor(key, 0), []);
      for (const n of [1, 2, 3, 6, 7, 8, 100]) {
        const list = ring.nodesFor(key, n);
        assert.ok(Array.isArray(list));
        assert.equal(list.length, Math.min(n, 7), `${key} n=${n}`);
        assert.equal(new Set(list).size, list.length, "distinct");
        assert.equal(list[0], ring.nodeFor(key), "owner first");
        assert.deepEqual(list, reference.replicasOf(ref, key, n));
      }
    }
    ring.free();
  });

  test("nodesFor with n far above the node count is clamped, never wrapped to u32 (2**32 + 1 -> all)", () => {
    const ring = new HashRing({ vnodes: 5 });
    ring.addNodes(["a", "b", "c"]);
    assert.equal(ring.nodesFor("k", 2 ** 32 + 1).length, 3);
    assert.equal(ring.nodesFor("k", 2 ** 32).length, 3);
    assert.equal(ring.nodesFor("k", 1e6).length, 3);
    assert.equal(ring.nodesFor("k", 2 ** 31).length, 3);
    assert.deepEqual(ring.nodesFor("k", -0), []);
    ring.free();
  });

  test("keys that must work: '', NFC/NFD é (two positions), emoji, CJK, combining marks, NUL, 1 MiB", () => {
    const ring = new HashRing({ vnodes: 40 });
    const ids = ["a", "b", "c", "d"];
    ring.addNodes(ids);
    const ref = reference.buildRing(
      40,
      ids.map((id) => ({ id })),
    );
    const keys = [
      "",
      "\u00e9",
      "e\u0301",
      "🚀",
      "👩‍👩‍👧",
      "東京",
      "한국어",
      "a\u0300\u0301\u0302",
      "\u0000",
      "a\u0000b",
      "a",
      "\uFFFF",
      "\u{10FFFF}",
      "k".repeat(1 << 20),
      "é".repeat(1 << 19), // 1 MiB of UTF-8
    ];
    for (const key of keys) {
      const label = show(key);
      assert.equal(ring.positionOf(key), reference.positionOf(key), `positionOf ${label}`);
      assert.equal(ring.nodeFor(key), reference.ownerOf(ref, key), `nodeFor ${label}`);
      assert.deepEqual(ring.nodesFor(key, 2), reference.replicasOf(ref, key, 2), `nodesFor ${label}`);
    }
    assert.notEqual(ring.positionOf("\u00e9"), ring.positionOf("e\u0301"), "NFC and NFD hash differently");
    assert.notEqual(ring.positionOf("a\u0000b"), ring.positionOf("a"), "no C-string truncation");
    ring.free();
  });

  test("positionOf returns an unsigned 32-bit number (no sign flip above 2^31)", () => {
    const ring = new HashRing();
    let high = 0;
    for (let i = 0; i < 200; i++) {
      const key = `p-${i}`;
      const pos = ring.positionOf(key);
      assert.ok(Number.isInteger(pos) && pos >= 0 && pos < 2 ** 32);
      assert.equal(pos, reference.positionOf(key));
      if (pos >= 2 ** 31) high++;
    }
    assert.ok(high > 50, "meta: some positions are above 2^31");
    ring.free();
  });
});

describe("points()", () => {
  test("typed arrays: Uint32Array, ascending, owners < nodeCount, lengths = pointCount", () => {
    const ring = new HashRing({ vnodes: 50 });
    ring.addNodes(["a", { id: "b", weight: 2 }, "c", { id: "d", weight: 0.1 }]);
    const { positions, owners } = ring.points();
    assert.ok(positions instanceof Uint32Array, "positions is a Uint32Array");
    assert.ok(owners instanceof Uint32Array, "owners is a Uint32Array");
    assert.equal(positions.length, ring.pointCount);
    assert.equal(owners.length, ring.pointCount);
    assert.equal(ring.pointCount, 50 + 100 + 50 + 5);
    for (let i = 1; i < positions.length; i++) assert.ok(positions[i - 1] <= positions[i], `ascending at ${i}`);
    const counts = new Array(ring.nodeCount).fill(0);
    for (const o of owners) {
      assert.ok(o < ring.nodeCount, `owner index ${o}`);
      counts[o]++;
    }
    assert.deepEqual(
      counts,
      ring.nodes().map((n) => n.points),
      "owners index into nodes()",
    );
    ring.free();
  });
});

describe("movement", () => {
  test("add then remove restores every owner for 5,000 keys (R4) and the exact points", () => {
    const ring = new HashRing();
    ring.addNodes(Array.from({ length: 10 }, (_, i) => `node-${i}`));
    const keys = Array.from({ length: 5000 }, (_, i) => `m-${i}`);
    const before = keys.map((k) => ring.nodeFor(k));
    const snap = snapshot(ring);
    const added = ring.addNode("extra", { weight: 2 });
    const during = keys.map((k) => ring.nodeFor(k));
    // The RingChange says the same: every arc goes to the new node, and a key moved iff its
    // position is inside an arc.
    assert.ok(added.arcs.length > 0 && added.arcs.every((a) => a.to === "extra" && a.from !== null), "arcs go to the new node");
    const inArc = (k) => {
      const p = ring.positionOf(k);
      return added.arcs.some((a) => a.start <= p && p <= a.end);
    };
    assert.deepEqual(
      keys.map((k) => inArc(k)),
      keys.map((_k, i) => during[i] !== before[i]),
      "moved keys are exactly the keys inside the arcs",
    );
    let moved = 0;
    for (let i = 0; i < keys.length; i++) {
      if (during[i] !== before[i]) {
        moved++;
        assert.equal(during[i], "extra", `${keys[i]} moved to ${during[i]}, not to the new node`);
      }
    }
    assert.ok(moved > (0.6 * (5000 * 2)) / 12 && moved < (1.5 * (5000 * 2)) / 12, `moved ${moved}`);
    const removed = ring.removeNode("extra");
    assert.deepEqual(
      removed,
      { movedFraction: added.movedFraction, arcs: added.arcs.map((a) => ({ start: a.start, end: a.end, from: a.to, to: a.from })) },
      "removeNode reverses addNode's change",
    );
    assert.deepEqual(
      keys.map((k) => ring.nodeFor(k)),
      before,
    );
    assert.deepEqual(snapshot(ring), snap);
    ring.free();
  });
});

describe("free()", () => {
  test("other rings keep working after one is freed; new rings can be made", () => {
    const a = new HashRing({ vnodes: 10 });
    const b = new HashRing({ vnodes: 10 });
    a.addNodes(["x", "y"]);
    b.addNodes(["x", "y"]);
    const want = b.nodeFor("key");
    a.free();
    assert.equal(b.nodeFor("key"), want);
    b.addNode("z");
    assert.equal(b.nodeCount, 3);
    const c = new HashRing({ vnodes: 10 });
    c.addNodes(["x", "y"]);
    assert.equal(c.nodeFor("key"), want);
    b.free();
    c.free();
  });
});

function show(key) {
  return JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}… (${key.length})` : key);
}
