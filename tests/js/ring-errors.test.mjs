// Bad inputs from JavaScript (docs/invariants.md, README "Determinism, time and errors"), against the
// release build: each must throw the right class with a message that starts with the method and
// names the parameter, never a WebAssembly.RuntimeError (G1), and the SAME ring must keep
// working and be unchanged afterwards (G2).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertFixtureHealthy, expectThrow, fixtureRing, HashRing, show, snapshot } from "./helpers.mjs";
import {
  BAD_ID_STRINGS,
  BAD_SPEC_BATCHES,
  GOOD_SPECS,
  ID,
  KEY,
  N,
  NODES,
  NOT_STRINGS,
  OPTIONS,
  onFixture,
  stringParameterCases,
  VNODES,
  WEIGHT,
} from "./ring-bad-inputs.mjs";

describe("node ids", () => {
  for (const id of NOT_STRINGS) {
    test(`addNode(${show(id)}) -> TypeError`, () => {
      onFixture((r) => r.addNode(id), TypeError, { method: "HashRing.addNode", param: ID, what: `addNode(${show(id)})` });
    });
    test(`removeNode(${show(id)}) -> TypeError`, () => {
      onFixture((r) => r.removeNode(id), TypeError, { method: "HashRing.removeNode", param: ID, what: `removeNode(${show(id)})` });
    });
    test(`hasNode(${show(id)}) -> TypeError`, () => {
      onFixture((r) => r.hasNode(id), TypeError, { method: "HashRing.hasNode", param: ID, what: `hasNode(${show(id)})` });
    });
  }
  for (const id of BAD_ID_STRINGS) {
    test(`addNode(${show(id)}) -> RangeError`, () => {
      onFixture((r) => r.addNode(id), RangeError, { method: "HashRing.addNode", param: ID, what: `addNode(${show(id)})` });
    });
    test(`removeNode(${show(id)}) -> RangeError`, () => {
      onFixture((r) => r.removeNode(id), RangeError, { method: "HashRing.removeNode", param: ID, what: `removeNode(${show(id)})` });
    });
  }

  test("a lone surrogate is not turned into U+FFFD (two JS ids would become one)", () => {
    const ring = fixtureRing();
    ring.addNode("a\uFFFDb");
    ring.addNode("\uFFFD");
    const before = snapshot(ring);
    for (const id of ["a\uDC00b", "a\uD800b", "\uD800", "\uDFFF"]) {
      expectThrow(() => ring.addNode(id), RangeError, { method: "HashRing.addNode", param: ID, what: show(id) });
      expectThrow(() => ring.removeNode(id), RangeError, { method: "HashRing.removeNode", param: ID, what: show(id) });
      let has;
      try {
        has = ring.hasNode(id);
      } catch (e) {
        assert.ok(e instanceof RangeError, `hasNode(${show(id)}) threw ${e?.constructor?.name}: ${e?.message}`);
      }
      assert.notEqual(has, true, `hasNode(${show(id)}) must not find the U+FFFD node`);
    }
    assert.deepEqual(snapshot(ring), before);
    assert.equal(ring.hasNode("a\uFFFDb"), true);
    ring.removeNode("a\uFFFDb");
    ring.removeNode("\uFFFD");
    assertFixtureHealthy(ring, "after surrogates");
    ring.free();
  });

  test("duplicate id -> Error 'already exists', weight not changed", () => {
    for (const [id, opts] of [
      ["node-0", undefined],
      ["node-1", { weight: 5 }],
      ["node-2", { weight: 0.5 }],
    ]) {
      const err = onFixture((r) => r.addNode(id, opts), Error, {
        method: "HashRing.addNode",
        param: /already exists/,
        also: [new RegExp(id)],
        what: `addNode(${id}) twice`,
      });
      assert.ok(!(err instanceof TypeError) && !(err instanceof RangeError));
    }
  });

  test("addNode of a just-removed id works; the same id twice in a row does not", () => {
    const ring = fixtureRing();
    ring.addNode("dup");
    expectThrow(() => ring.addNode("dup"), Error, { method: "HashRing.addNode", param: /already exists/, what: "dup" });
    ring.removeNode("dup");
    assertFixtureHealthy(ring, "after dup");
    ring.free();
  });
});

describe("removeNode of unknown ids", () => {
  test("unknown id -> Error 'unknown node', ring unchanged", () => {
    onFixture((r) => r.removeNode("nope"), Error, {
      method: "HashRing.removeNode",
      param: /unknown node/,
      also: [/nope/],
      what: "removeNode(nope)",
    });
  });

  test("removing twice -> Error the second time, ring unchanged", () => {
    const ring = fixtureRing();
    ring.addNode("tmp");
    ring.removeNode("tmp");
    const before = snapshot(ring);
    expectThrow(() => ring.removeNode("tmp"), Error, { method: "HashRing.removeNode", param: /unknown node/, what: "twice" });
    assert.deepEqual(snapshot(ring), before);
    assertFixtureHealthy(ring, "after removing twice");
    ring.free();
  });

  test("removing from an empty ring -> Error, ring still usable", () => {
    const ring = new HashRing({ vnodes: 7 });
    expectThrow(() => ring.removeNode("x"), Error, { method: "HashRing.removeNode", param: /unknown node/, what: "empty" });
    assert.equal(ring.nodeCount, 0);
    assert.equal(ring.pointCount, 0);
    assert.equal(ring.nodeFor("k"), undefined);
    ring.addNode("x");
    assert.equal(ring.nodeFor("k"), "x");
    assert.equal(ring.pointCount, 7);
    ring.free();
  });

  test("case and normalization matter: 'NODE-0' and NFD forms are unknown", () => {
    const ring = fixtureRing();
    ring.addNode("\u00e9");
    const before = snapshot(ring);
    for (const id of ["NODE-0", "node-0 ", "e\u0301"]) {
      expectThrow(() => ring.removeNode(id), Error, { method: "HashRing.removeNode", param: /unknown node/, what: show(id) });
    }
    assert.deepEqual(snapshot(ring), before);
    ring.free();
  });
});

describe("constructor options", () => {
  const badVnodesRange = [0, -0, -1, 1.5, 160.5, NaN, Infinity, -Infinity, 4097, 2 ** 32 + 1, 2 ** 32 + 160, 2 ** 53, 1e9, 1e308];
  for (const v of badVnodesRange) {
    test(`new HashRing({ vnodes: ${show(v)} }) -> RangeError`, () => {
      const also = Number.isNaN(v) ? [/NaN/] : v === 4097 ? [/4097/] : v === 1.5 ? [/1\.5/] : [];
      expectThrow(() => new HashRing({ vnodes: v }), RangeError, {
        method: "new HashRing",
        param: VNODES,
        also,
        what: `vnodes ${show(v)}`,
      });
      const ring = fixtureRing();
      assertFixtureHealthy(ring, "a ring made after the error");
      ring.free();
    });
  }
  for (const v of ["160", "", 160n, null, {}, [], true, Symbol("v")]) {
    test(`new HashRing({ vnodes: ${show(v)} }) -> TypeError`, () => {
      expectThrow(() => new HashRing({ vnodes: v }), TypeError, { method: "new HashRing", param: VNODES, what: `vnodes ${show(v)}` });
      const ring = fixtureRing();
      assertFixtureHealthy(ring, "a ring made after the error");
      ring.free();
    });
  }
  for (const options of [5, "vnodes", [], [160], true, 0n, () => ({ vnodes: 3 }), Symbol("o")]) {
    test(`new HashRing(${show(options)}) -> TypeError (options not a plain object)`, () => {
      expectThrow(() => new HashRing(options), TypeError, { method: "new HashRing", param: OPTIONS, what: show(options) });
    });
  }
  for (const [options, name] of [
    [{ vnode: 3 }, /\bvnode\b/],
    [{ weight: 1 }, /\bweight\b/],
    [{ vnodes: 3, extra: 1 }, /\bextra\b/],
    [{ Vnodes: 3 }, /\bVnodes\b/],
  ]) {
    test(`new HashRing(${show(options)}) -> TypeError naming the unknown key`, () => {
      expectThrow(() => new HashRing(options), TypeError, { method: "new HashRing", param: name, what: show(options) });
    });
  }

  test("a live ring keeps working across constructor errors", () => {
    const ring = fixtureRing();
    for (const v of [0, NaN, "3", 1e9]) {
      assert.throws(
        () => new HashRing({ vnodes: v }),
        (e) => !(e instanceof WebAssembly.RuntimeError) && e instanceof Error,
      );
    }
    assertFixtureHealthy(ring, "after constructor errors");
    ring.free();
  });

  test("new HashRing(null): the default ring or a TypeError naming options (contract does not say)", (t) => {
    let ring;
    try {
      ring = new HashRing(null);
    } catch (e) {
      expectThrow(
        () => {
          throw e;
        },
        TypeError,
        { method: "new HashRing", param: OPTIONS, what: "null options" },
      );
      t.diagnostic("new HashRing(null) throws TypeError");
      return;
    }
    t.diagnostic("new HashRing(null) is treated as no options");
    assert.equal(ring.vnodes, 160);
    ring.free();
  });
});

describe("weights and options of addNode", () => {
  const badWeightRange = [0, -0, -1, -0.5, NaN, Infinity, -Infinity, -Number.MIN_VALUE];
  for (const w of badWeightRange) {
    test(`addNode("x", { weight: ${show(w)} }) -> RangeError`, () => {
      const also = Number.isNaN(w) ? [/NaN/] : w === -1 ? [/-1/] : [];
      onFixture((r) => r.addNode("x", { weight: w }), RangeError, {
        method: "HashRing.addNode",
        param: WEIGHT,
        also,
        what: `weight ${show(w)}`,
      });
    });
  }
  for (const w of ["2", "", null, 2n, {}, [], true, Symbol("w")]) {
    test(`addNode("x", { weight: ${show(w)} }) -> TypeError`, () => {
      onFixture((r) => r.addNode("x", { weight: w }), TypeError, {
        method: "HashRing.addNode",
        param: WEIGHT,
        what: `weight ${show(w)}`,
      });
    });
  }
  for (const options of [5, "heavy", [], [2], true, 1n, Symbol("o")]) {
    test(`addNode("x", ${show(options)}) -> TypeError (options not a plain object)`, () => {
      onFixture((r) => r.addNode("x", options), TypeError, { method: "HashRing.addNode", param: OPTIONS, what: show(options) });
    });
  }
  for (const [options, name] of [
    [{ weights: 2 }, /\bweights\b/],
    [{ vnodes: 3 }, /\bvnodes\b/],
    [{ weight: 1, extra: 1 }, /\bextra\b/],
  ]) {
    test(`addNode("x", ${show(options)}) -> TypeError naming the unknown key`, () => {
      onFixture((r) => r.addNode("x", options), TypeError, { method: "HashRing.addNode", param: name, what: show(options) });
    });
  }

  test('addNode("x", null): weight 1 or a TypeError naming options (contract does not say)', (t) => {
    const ring = fixtureRing();
    try {
      ring.addNode("x", null);
      t.diagnostic('addNode("x", null) is treated as no options');
      assert.deepEqual(
        ring.nodes().find((n) => n.id === "x"),
        { id: "x", weight: 1, points: 40, up: true },
      );
      ring.removeNode("x");
    } catch (e) {
      t.diagnostic('addNode("x", null) throws TypeError');
      expectThrow(
        () => {
          throw e;
        },
        TypeError,
        { method: "HashRing.addNode", param: OPTIONS, what: "null options" },
      );
    }
    assertFixtureHealthy(ring, "after null options");
    ring.free();
  });

  for (const [vnodes, weight] of [
    [160, 6554], // 1,048,640 points
    [160, 1e7],
    [160, 1e300],
    [160, Number.MAX_VALUE], // vnodes * weight overflows to Infinity
    [4096, 257],
  ]) {
    test(`more than 2^20 points from one node (vnodes ${vnodes}, weight ${weight}) -> RangeError, unchanged`, () => {
      const ring = new HashRing({ vnodes });
      ring.addNode("small");
      const before = snapshot(ring);
      const started = Date.now();
      expectThrow(() => ring.addNode("huge", { weight }), RangeError, {
        method: "HashRing.addNode",
        param: /\bweight\b|\bpoints\b/,
        what: `weight ${weight}`,
      });
      assert.ok(Date.now() - started < 2000, "rejected before doing the work");
      assert.deepEqual(snapshot(ring), before);
      assert.equal(ring.nodeFor("k"), "small");
      ring.addNode("other");
      assert.equal(ring.nodeCount, 2);
      ring.free();
    });
  }

  test("total points over 2^20 across nodes -> RangeError on the node that crosses, unchanged", () => {
    const ring = new HashRing({ vnodes: 4096 });
    ring.addNode("a", { weight: 255 }); // 1,044,480
    ring.addNode("b"); // 1,048,576 = 2^20 exactly: allowed
    assert.equal(ring.pointCount, 2 ** 20);
    const before = snapshot(ring);
    expectThrow(() => ring.addNode("c", { weight: 0.0001 }), RangeError, {
      method: "HashRing.addNode",
      param: /\bpoints\b|\bweight\b/,
      what: "one point too many",
    });
    expectThrow(() => ring.addNodes(["c"]), RangeError, { method: "HashRing.addNodes", param: /\bpoints\b|\bweight\b/, what: "addNodes" });
    assert.deepEqual(snapshot(ring), before);
    ring.removeNode("b");
    ring.addNode("c"); // room again
    assert.equal(ring.pointCount, 2 ** 20);
    ring.free();
  });
});

describe("addNodes (all-or-nothing)", () => {
  const cases = [
    ...BAD_SPEC_BATCHES,
    [[...GOOD_SPECS, "node-3"], Error, /already exists/], // already in the ring
    [[...GOOD_SPECS, { id: "big", weight: 30000 }], RangeError, /\bpoints\b|\bweight\b/], // 40 * 30000 > 2^20
  ];
  for (const [specs, cls, param] of cases) {
    test(`addNodes(${show(specs.at(-1))} after valid specs) -> ${cls.name}, nothing added`, () => {
      onFixture((r) => r.addNodes(specs), cls, { method: "HashRing.addNodes", param, what: `addNodes(... ${show(specs.at(-1))})` });
    });
  }
  for (const arg of ["abc", 42, null, undefined, {}, { 0: "a", length: 1 }, Symbol("n"), true]) {
    test(`addNodes(${show(arg)}) -> TypeError (not an array)`, () => {
      onFixture((r) => r.addNodes(arg), TypeError, { method: "HashRing.addNodes", param: NODES, what: show(arg) });
    });
  }
});

describe("keys", () => {
  const methods = [
    ["nodeFor", (r, k) => r.nodeFor(k)],
    ["nodesFor", (r, k) => r.nodesFor(k, 2)],
    ["positionOf", (r, k) => r.positionOf(k)],
  ];
  for (const [title, body] of stringParameterCases(methods, KEY)) test(title, body);
  for (const [name, call] of methods) {
    test(`${name} on an EMPTY ring still validates the key`, () => {
      const ring = new HashRing();
      expectThrow(() => call(ring, 42), TypeError, { method: `HashRing.${name}`, param: KEY, what: "empty ring, 42" });
      expectThrow(() => call(ring, "\uD800"), RangeError, { method: `HashRing.${name}`, param: KEY, what: "empty ring, lone" });
      ring.addNode("a");
      assert.equal(ring.nodeFor("k"), "a");
      ring.free();
    });
  }
});

describe("nodesFor n", () => {
  for (const n of [-1, -(2 ** 32), 1.5, 0.5, NaN, -Infinity]) {
    test(`nodesFor("k", ${show(n)}) -> RangeError`, () => {
      const also = Number.isNaN(n) ? [/NaN/] : n === -1 ? [/-1/] : [];
      onFixture((r) => r.nodesFor("k", n), RangeError, { method: "HashRing.nodesFor", param: N, also, what: `n ${show(n)}` });
    });
  }
  for (const n of ["3", "", null, undefined, 3n, {}, [], true, Symbol("n")]) {
    test(`nodesFor("k", ${show(n)}) -> TypeError`, () => {
      onFixture((r) => r.nodesFor("k", n), TypeError, { method: "HashRing.nodesFor", param: N, what: `n ${show(n)}` });
    });
  }
  test("nodesFor with n = Infinity or 2**53: all nodes or a RangeError (contract does not say)", (t) => {
    const ring = fixtureRing();
    for (const n of [Infinity, 2 ** 53, 2 ** 60]) {
      try {
        const list = ring.nodesFor("k", n);
        t.diagnostic(`nodesFor("k", ${n}) -> ${list.length} nodes`);
        assert.equal(list.length, 5);
      } catch (e) {
        t.diagnostic(`nodesFor("k", ${n}) throws ${e?.constructor?.name}: ${e?.message}`);
        expectThrow(
          () => {
            throw e;
          },
          RangeError,
          { method: "HashRing.nodesFor", param: N, what: `n ${n}` },
        );
      }
    }
    assertFixtureHealthy(ring, "after big n");
    ring.free();
  });
});
