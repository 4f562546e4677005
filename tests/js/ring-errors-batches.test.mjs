// Bad inputs from JavaScript to the ring's health, weight, batch and comparison methods
// (setWeight, markDown/markUp/isUp, nodeForMany, distribution, assignBounded, movedKeys, the
// scheme), against the release build: the same checks as ring-errors.test.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertFixtureHealthy, expectThrow, fixtureRing, HashRing, show, snapshot } from "./helpers.mjs";
import {
  BAD_ID_STRINGS,
  BAD_SPEC_BATCHES,
  GOOD_SPECS,
  ID,
  LONE_SURROGATES,
  NODES,
  NOT_STRINGS,
  onFixture,
  stringParameterCases,
  WEIGHT,
} from "./ring-bad-inputs.mjs";

const SCHEME = /\bscheme\b/;
const EPSILON = /\bepsilon\b/;
const KEYS_PARAM = /\bkeys\b/;
const OTHER = /\bother\b/;

describe("setWeight(id, weight)", () => {
  for (const id of NOT_STRINGS) {
    test(`setWeight(${show(id)}, 2) -> TypeError`, () => {
      onFixture((r) => r.setWeight(id, 2), TypeError, { method: "HashRing.setWeight", param: ID, what: `setWeight(${show(id)})` });
    });
  }
  for (const id of BAD_ID_STRINGS) {
    test(`setWeight(${show(id)}, 2) -> RangeError`, () => {
      onFixture((r) => r.setWeight(id, 2), RangeError, { method: "HashRing.setWeight", param: ID, what: `setWeight(${show(id)})` });
    });
  }
  test("setWeight of an unknown id -> Error 'unknown node' naming it", () => {
    for (const id of ["nope", "NODE-0"]) {
      onFixture((r) => r.setWeight(id, 2), Error, {
        method: "HashRing.setWeight",
        param: /unknown node/,
        also: [new RegExp(id)],
        what: `setWeight(${id})`,
      });
    }
    onFixture((r) => r.setWeight("e\u0301", 2), Error, { method: "HashRing.setWeight", param: /unknown node/, what: "setWeight(NFD é)" });
  });
  for (const w of [NaN, 0, -0, -1, -0.5, Infinity, -Infinity, -Number.MIN_VALUE]) {
    test(`setWeight("node-0", ${show(w)}) -> RangeError`, () => {
      const also = Number.isNaN(w) ? [/NaN/] : w === -1 ? [/-1/] : [];
      onFixture((r) => r.setWeight("node-0", w), RangeError, {
        method: "HashRing.setWeight",
        param: WEIGHT,
        also,
        what: `weight ${show(w)}`,
      });
    });
  }
  for (const w of ["2", "", null, undefined, 2n, {}, [2], true, Symbol("w"), new Number(2)]) {
    test(`setWeight("node-0", ${show(w)}) -> TypeError`, () => {
      onFixture((r) => r.setWeight("node-0", w), TypeError, { method: "HashRing.setWeight", param: WEIGHT, what: `weight ${show(w)}` });
    });
  }
  test("setWeight over 2^20 points -> RangeError, unchanged, rejected before doing the work", () => {
    for (const w of [1e6, 1e300, Number.MAX_VALUE]) {
      const started = Date.now();
      onFixture((r) => r.setWeight("node-1", w), RangeError, {
        method: "HashRing.setWeight",
        param: /\bweight\b|\bpoints\b/,
        what: `weight ${w}`,
      });
      assert.ok(Date.now() - started < 2000, `weight ${w}: rejected quickly`);
    }
  });
});

describe("markDown / markUp / isUp", () => {
  const methods = [
    ["markDown", (r, id) => r.markDown(id)],
    ["markUp", (r, id) => r.markUp(id)],
    ["isUp", (r, id) => r.isUp(id)],
  ];
  for (const [title, body] of stringParameterCases(methods, ID)) test(title, body);
  for (const [name, call] of methods) {
    test(`${name}: unknown ids -> Error 'unknown node'; a lone surrogate never finds a U+FFFD node`, () => {
      for (const id of ["nope", "NODE-0", "node-0 ", "x".repeat(256)]) {
        onFixture((r) => call(r, id), Error, { method: `HashRing.${name}`, param: /unknown node/, what: `${name}(${show(id)})` });
      }
      const ring = fixtureRing();
      ring.addNode("a\uFFFDb");
      const before = snapshot(ring);
      expectThrow(() => call(ring, "a\uD800b"), RangeError, {
        method: `HashRing.${name}`,
        param: ID,
        what: "lone surrogate vs U+FFFD node",
      });
      assert.deepEqual(snapshot(ring), before);
      assert.equal(ring.isUp("a\uFFFDb"), true);
      ring.removeNode("a\uFFFDb");
      assertFixtureHealthy(ring, `${name} after surrogates`);
      ring.free();
    });
    test(`${name} on an EMPTY ring: Error, ring still usable`, () => {
      const ring = new HashRing();
      expectThrow(() => call(ring, "a"), Error, { method: `HashRing.${name}`, param: /unknown node/, what: "empty ring" });
      expectThrow(() => call(ring, 42), TypeError, { method: `HashRing.${name}`, param: ID, what: "empty ring, 42" });
      ring.addNode("a");
      assert.equal(ring.nodeFor("k"), "a");
      ring.free();
    });
  }
});

describe("key arrays: nodeForMany / distribution / assignBounded / movedKeys", () => {
  const methods = [
    ["nodeForMany", (r, keys) => r.nodeForMany(keys)],
    ["distribution", (r, keys) => r.distribution(keys)],
    ["assignBounded", (r, keys) => r.assignBounded(keys, 0.5)],
    ["movedKeys", (r, keys) => r.movedKeys(keys, r)],
  ];
  const NOT_ARRAYS = [
    "abc",
    "",
    42,
    null,
    undefined,
    {},
    { 0: "a", length: 1 },
    new Set(["a"]),
    new Uint8Array(2),
    Symbol("k"),
    true,
    1n,
    () => ["a"],
  ];
  for (const [name, call] of methods) {
    for (const keys of NOT_ARRAYS) {
      test(`${name}(${show(keys)}) -> TypeError (not an array)`, () => {
        onFixture((r) => call(r, keys), TypeError, { method: `HashRing.${name}`, param: KEYS_PARAM, what: `${name}(${show(keys)})` });
      });
    }
    for (const bad of [42, null, undefined, {}, ["a"], Symbol("s"), true, 1n, new String("a")]) {
      test(`${name}(["a", "b", ${show(bad)}]) -> TypeError naming keys[2]`, () => {
        onFixture((r) => call(r, ["a", "b", bad]), TypeError, {
          method: `HashRing.${name}`,
          param: /\bkeys\[2\]/,
          what: `${name}([..., ${show(bad)}])`,
        });
      });
    }
    for (const lone of LONE_SURROGATES) {
      test(`${name}(["a", ${show(lone)}]) -> RangeError naming keys[1]`, () => {
        onFixture((r) => call(r, ["a", lone]), RangeError, {
          method: `HashRing.${name}`,
          param: /\bkeys\[1\]/,
          what: `${name}(lone ${show(lone)})`,
        });
      });
    }
    test(`${name} with a sparse array (a hole is undefined) -> TypeError naming the hole`, () => {
      // eslint-disable-next-line no-sparse-arrays
      onFixture((r) => call(r, ["a", , "b"]), TypeError, { method: `HashRing.${name}`, param: /\bkeys\[1\]/, what: `${name} sparse` });
      const holes = new Array(3);
      holes[0] = "a";
      onFixture((r) => call(r, holes), TypeError, { method: `HashRing.${name}`, param: /\bkeys\[1\]/, what: `${name} new Array(3)` });
    });
    test(`${name}: a bad key late in a long array is still found (no partial work left behind)`, () => {
      const keys = Array.from({ length: 5000 }, (_, i) => `k-${i}`);
      keys[4999] = 7;
      onFixture((r) => call(r, keys), TypeError, { method: `HashRing.${name}`, param: /\bkeys\[4999\]/, what: `${name} late bad key` });
    });
    test(`${name} on an EMPTY ring still validates the keys`, () => {
      const ring = new HashRing();
      expectThrow(() => call(ring, "abc"), TypeError, { method: `HashRing.${name}`, param: KEYS_PARAM, what: "empty ring, not an array" });
      expectThrow(() => call(ring, [42]), TypeError, { method: `HashRing.${name}`, param: KEYS_PARAM, what: "empty ring, [42]" });
      expectThrow(() => call(ring, ["\uD800"]), RangeError, { method: `HashRing.${name}`, param: KEYS_PARAM, what: "empty ring, lone" });
      ring.addNode("a");
      assert.equal(ring.nodeFor("k"), "a");
      ring.free();
    });
  }
});

describe("assignBounded epsilon", () => {
  for (const eps of [0, -0, -1, NaN, Infinity, -Infinity]) {
    test(`assignBounded(keys, ${show(eps)}) -> RangeError`, () => {
      const also = Number.isNaN(eps) ? [/NaN/] : eps === -1 ? [/-1/] : [];
      onFixture((r) => r.assignBounded(["a", "b"], eps), RangeError, {
        method: "HashRing.assignBounded",
        param: EPSILON,
        also,
        what: `epsilon ${show(eps)}`,
      });
    });
  }
  for (const eps of ["0.5", "", null, undefined, 1n, {}, [0.5], true, Symbol("e"), new Number(0.5)]) {
    test(`assignBounded(keys, ${show(eps)}) -> TypeError`, () => {
      onFixture((r) => r.assignBounded(["a", "b"], eps), TypeError, {
        method: "HashRing.assignBounded",
        param: EPSILON,
        what: `epsilon ${show(eps)}`,
      });
    });
  }
  test("epsilon is validated on an empty key list too", () => {
    onFixture((r) => r.assignBounded([], 0), RangeError, { method: "HashRing.assignBounded", param: EPSILON, what: "[] and 0" });
  });
});

describe("movedKeys other", () => {
  const NOT_RINGS = [
    ["{}", () => ({})],
    ["null", () => null],
    ["undefined", () => undefined],
    ["5", () => 5],
    ['"ring"', () => "ring"],
    ["an array", () => []],
    ["an object with a fake __wbg_ptr", () => ({ __wbg_ptr: 8 })],
  ];
  for (const [name, make] of NOT_RINGS) {
    test(`movedKeys(keys, ${name}) -> TypeError naming other`, () => {
      onFixture((r) => r.movedKeys(["a", "b"], make()), TypeError, { method: "HashRing.movedKeys", param: OTHER, what: `other = ${name}` });
    });
  }
  test("movedKeys(keys, Object.create(HashRing.prototype)) -> Error naming other (a ring with no wasm object)", () => {
    onFixture((r) => r.movedKeys(["a", "b"], Object.create(HashRing.prototype)), Error, {
      method: "HashRing.movedKeys",
      param: OTHER,
      what: "other = Object.create(HashRing.prototype)",
    });
  });
  test("movedKeys accepts a saved ring (toJSON() object) as other, documented", () => {
    const ring = fixtureRing();
    const other = fixtureRing();
    other.addNode("zz-extra");
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
    assert.deepEqual(ring.movedKeys(keys, other.toJSON()), ring.movedKeys(keys, other));
    assert.ok(ring.movedKeys(keys, other).length > 0);
    ring.free();
    other.free();
  });
  test("movedKeys(keys, a freed ring) -> Error naming other (not a trap); both live rings keep working", () => {
    const freed = fixtureRing();
    freed.free();
    onFixture((r) => r.movedKeys(["a"], freed), Error, { method: "HashRing.movedKeys", param: OTHER, what: "other freed" });
  });
  test("movedKeys on a freed ring with a live other -> Error; other unchanged and usable", () => {
    const other = fixtureRing();
    const before = snapshot(other);
    const freed = fixtureRing();
    freed.free();
    assert.throws(
      () => freed.movedKeys(["a"], other),
      (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError),
    );
    assert.deepEqual(snapshot(other), before);
    assertFixtureHealthy(other, "other after a freed this");
    other.free();
  });
  test("the ring itself as other is fine (no 'recursive use' error)", () => {
    const ring = fixtureRing();
    ring.markDown("node-1");
    assert.deepEqual(ring.movedKeys(["a", "b", "c"], ring), []);
    ring.markUp("node-1");
    assertFixtureHealthy(ring, "self as other");
    ring.free();
  });
});

describe("constructor scheme and nodes", () => {
  for (const scheme of ["md5", "SHA1", "Ketama", "", "sha256", "hashring"]) {
    test(`new HashRing({ scheme: ${show(scheme)} }) -> RangeError`, () => {
      expectThrow(() => new HashRing({ scheme }), RangeError, { method: "new HashRing", param: SCHEME, what: `scheme ${show(scheme)}` });
      const ring = fixtureRing();
      assertFixtureHealthy(ring, "a ring made after the error");
      ring.free();
    });
  }
  for (const scheme of [5, null, {}, ["sha1"], true, Symbol("s"), new String("sha1")]) {
    test(`new HashRing({ scheme: ${show(scheme)} }) -> TypeError`, () => {
      expectThrow(() => new HashRing({ scheme }), TypeError, { method: "new HashRing", param: SCHEME, what: `scheme ${show(scheme)}` });
    });
  }
  test("{ scheme: undefined } means sha1; both schemes are accepted", () => {
    for (const [options, want] of [
      [{ scheme: undefined }, "sha1"],
      [{ scheme: "sha1" }, "sha1"],
      [{ scheme: "ketama" }, "ketama"],
    ]) {
      const ring = new HashRing(options);
      assert.equal(ring.scheme, want);
      assert.equal(ring.vnodes, want === "sha1" ? 160 : 40);
      ring.free();
    }
  });

  for (const nodes of ["abc", 42, null, {}, { 0: "a", length: 1 }, new Set(["a"]), true, Symbol("n")]) {
    test(`new HashRing({ nodes: ${show(nodes)} }) -> TypeError (not an array)`, () => {
      expectThrow(() => new HashRing({ nodes }), TypeError, { method: "new HashRing", param: NODES, what: `nodes ${show(nodes)}` });
    });
  }
  for (const [nodes, cls, param] of BAD_SPEC_BATCHES) {
    test(`new HashRing({ nodes: [..., ${show(nodes.at(-1))}] }) -> ${cls.name}`, () => {
      for (const scheme of ["sha1", "ketama"]) {
        expectThrow(() => new HashRing({ scheme, nodes }), cls, {
          method: "new HashRing",
          param,
          what: `${scheme} nodes [..., ${show(nodes.at(-1))}]`,
        });
      }
      const ring = fixtureRing();
      assertFixtureHealthy(ring, "a ring made after the error");
      ring.free();
    });
  }
  test("a weight whose sha1 points exceed 2^20 -> RangeError for sha1; ketama (relative weights, like hashring) accepts it", () => {
    const nodes = [...GOOD_SPECS, { id: "big", weight: 30000 }]; // sha1: 160 × 30000 > 2^20 points
    expectThrow(() => new HashRing({ scheme: "sha1", nodes }), RangeError, {
      method: "new HashRing",
      param: /\bpoints\b|\bweight\b/,
      what: "sha1 weight 30000",
    });
    const ketama = new HashRing({ scheme: "ketama", nodes });
    assert.ok(ketama.pointCount <= 40 * 4 * nodes.length, `ketama points ${ketama.pointCount}`);
    assert.deepEqual(HashRing.fromJSON(JSON.stringify(ketama)).points(), ketama.points());
    ketama.free();
  });
});
