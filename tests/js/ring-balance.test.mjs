// Distribution on the release build: ownership() against arc lengths computed from points(),
// distribution() against nodeFor tallies, assignBounded (bounded loads) against a JS reference
// of the documented rule, and nodeForMany against nodeFor.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { entries, expectThrow, HashRing, NO_NODE, pointIndexAt, positionsOwned, prng, ringModel, SPACE } from "./helpers.mjs";

function weightedRing(scheme, count, seed) {
  const rand = prng(seed);
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `bal-${i}`, weight: [0.5, 1, 1, 2, 3.5][rand.int(5)] }));
  return new HashRing({ scheme, vnodes: scheme === "sha1" ? 80 : 40, nodes });
}

const RINGS = [
  ["sha1, 12 weighted nodes", () => weightedRing("sha1", 12, 1)],
  ["ketama, 9 weighted nodes", () => weightedRing("ketama", 9, 2)],
  ["sha1, 1 vnode, 5 nodes", () => new HashRing({ vnodes: 1, nodes: ["p", "q", "r", "s", "t"] })],
  ["sha1, one node", () => new HashRing({ nodes: ["solo"] })],
];

describe("ownership()", () => {
  for (const [name, make] of RINGS) {
    test(`${name}: sums to 1, equals the arc lengths from points(), health included`, () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const check = (what) => {
        const own = ring.ownership();
        assert.ok(own instanceof Map, "a Map");
        assert.deepEqual([...own.keys()].sort(), [...ids].sort(), `${what}: every node listed`);
        let sum = 0;
        for (const v of own.values()) {
          assert.ok(v >= 0 && v <= 1, `${what}: share ${v}`);
          sum += v;
        }
        assert.ok(Math.abs(sum - 1) <= 1e-9, `${what}: sum ${sum}`);
        const exact = positionsOwned(ringModel(ring));
        for (const [id, share] of own) {
          assert.ok(Math.abs(share - exact.get(id) / SPACE) <= 1e-12, `${what}: ${id} owns ${share}, arcs give ${exact.get(id) / SPACE}`);
        }
        return own;
      };
      check("all up");
      if (ids.length > 1) {
        ring.markDown(ids[0]);
        ring.markDown(ids[ids.length - 1]);
        const own = check("two down");
        assert.equal(own.get(ids[0]), 0, "a down node owns 0");
        ring.markUp(ids[0]);
        check("one back up");
      }
      ring.free();
    });
  }

  test("an empty ring: an empty Map", () => {
    const ring = new HashRing();
    assert.deepEqual(entries(ring.ownership()), []);
    ring.free();
  });

  test("the fractions follow the weights roughly (sha1, 160 vnodes)", () => {
    const ring = new HashRing({
      nodes: [
        { id: "one", weight: 1 },
        { id: "three", weight: 3 },
      ],
    });
    const own = ring.ownership();
    assert.ok(own.get("three") > 0.65 && own.get("three") < 0.85, `three owns ${own.get("three")}`);
    ring.free();
  });
});

describe("distribution(keys)", () => {
  for (const [name, make] of RINGS) {
    test(`${name}: counts equal nodeFor tallies, every node listed`, () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const keys = Array.from({ length: 4000 }, (_, i) => `dist-${i}`).concat(["dist-1", "dist-1", ""]);
      const check = (ks, what) => {
        const want = new Map(ids.map((id) => [id, 0]));
        for (const k of ks) {
          const o = ring.nodeFor(k);
          if (o !== undefined) want.set(o, want.get(o) + 1);
        }
        const got = ring.distribution(ks);
        assert.ok(got instanceof Map);
        assert.deepEqual(entries(got), entries(want), what);
      };
      check(keys, "all up");
      check(keys.slice(0, 2), "two keys: zeros listed");
      check([], "no keys");
      ring.markDown(ids[0]);
      check(keys, "first node down");
      ring.free();
    });
  }
});

/** The documented rule, in JS: cap = ceil((1 + eps) m / n_live); keys in order, each to the first live node clockwise below the cap. */
function referenceBounded(ring, keys, eps) {
  const model = ringModel(ring);
  const live = model.up.filter(Boolean).length;
  const cap = Math.ceil(((1 + eps) * keys.length) / live);
  const loads = new Array(model.ids.length).fill(0);
  const n = model.positions.length;
  return {
    cap,
    assigned: keys.map((key) => {
      const start = pointIndexAt(model, ring.positionOf(key));
      for (let k = 0; k < n; k++) {
        const o = model.owners[(start + k) % n];
        if (model.up[o] && loads[o] < cap) {
          loads[o]++;
          return model.ids[o];
        }
      }
      throw new Error("reference: no room (cannot happen: cap * live >= m)");
    }),
  };
}

describe("assignBounded(keys, epsilon)", () => {
  const KEYS = Array.from({ length: 5000 }, (_, i) => `ab-${i}`);

  for (const [name, make] of RINGS) {
    for (const eps of [0.01, 0.1, 0.25, 1]) {
      test(`${name}, epsilon ${eps}: every key assigned, no node over the cap, the documented rule`, () => {
        const ring = make();
        const ids = ring.nodes().map((n) => n.id);
        const run = (what) => {
          const live = ring
            .nodes()
            .filter((n) => n.up)
            .map((n) => n.id);
          const cap = Math.ceil(((1 + eps) * KEYS.length) / live.length);
          const got = ring.assignBounded(KEYS, eps);
          assert.ok(Array.isArray(got));
          assert.equal(got.length, KEYS.length, `${what}: one node per key`);
          const loads = new Map();
          for (const id of got) {
            assert.ok(live.includes(id), `${what}: assigned to ${id}, not a live node`);
            loads.set(id, (loads.get(id) ?? 0) + 1);
          }
          for (const [id, load] of loads) assert.ok(load <= cap, `${what}: ${id} has ${load} keys, cap ${cap}`);
          assert.deepEqual(got, referenceBounded(ring, KEYS, eps).assigned, `${what}: the documented rule`);
          return got;
        };
        run("all up");
        if (ids.length > 2) {
          ring.markDown(ids[1]);
          const got = run(`${ids[1]} down`);
          assert.ok(!got.includes(ids[1]), "a down node receives nothing");
        }
        ring.free();
      });
    }
  }

  test("a large epsilon (cap >= m) gives plain nodeFor; keys are taken in input order", () => {
    const ring = weightedRing("sha1", 6, 9);
    const keys = KEYS.slice(0, 1000);
    assert.deepEqual(
      ring.assignBounded(keys, 100),
      keys.map((k) => ring.nodeFor(k)),
    );
    // Order matters: the same key set reversed fills the caps in another order.
    const eps = 0.05;
    const forward = ring.assignBounded(keys, eps);
    const reversed = ring.assignBounded([...keys].reverse(), eps).reverse();
    assert.notDeepEqual(forward, reversed, "meta: input order changes the assignment at a tight cap");
    assert.deepEqual(reversed, referenceBounded(ring, [...keys].reverse(), eps).assigned.reverse());
    ring.free();
  });

  test("an empty key list gives []; the same key twice counts twice", () => {
    const ring = new HashRing({ vnodes: 10, nodes: ["a", "b"] });
    assert.deepEqual(ring.assignBounded([], 0.5), []);
    // m = 4, n = 2, eps = 0.01: cap = ceil(2.02) = 3, so one node cannot take all four copies.
    const got = ring.assignBounded(["same", "same", "same", "same"], 0.01);
    assert.deepEqual(got, referenceBounded(ring, ["same", "same", "same", "same"], 0.01).assigned);
    assert.equal(new Set(got).size, 2);
    ring.free();
  });

  test("adding a node moves at most 1.6x the ideal share of keys (epsilon 0.25)", () => {
    for (const scheme of ["sha1", "ketama"]) {
      const ring = new HashRing({ scheme, nodes: Array.from({ length: 10 }, (_, i) => `mv-${i}`) });
      const before = ring.assignBounded(KEYS, 0.25);
      ring.addNode("mv-new");
      const after = ring.assignBounded(KEYS, 0.25);
      const moved = before.filter((id, i) => id !== after[i]).length;
      const ideal = KEYS.length / 11;
      assert.ok(moved <= 1.6 * ideal, `${scheme}: ${moved} keys moved, ideal ${ideal.toFixed(0)}`);
      ring.free();
    }
  });

  test("epsilon must be a finite number > 0 (RangeError / TypeError naming epsilon)", () => {
    const ring = new HashRing({ vnodes: 10, nodes: ["a", "b"] });
    for (const eps of [0, -0, -1, -0.5, NaN, Infinity, -Infinity]) {
      expectThrow(() => ring.assignBounded(["k"], eps), RangeError, {
        method: "HashRing.assignBounded",
        param: /\bepsilon\b/,
        what: `epsilon ${eps}`,
      });
    }
    for (const eps of ["0.5", null, undefined, 1n, {}, [0.5], true]) {
      expectThrow(() => ring.assignBounded(["k"], eps), TypeError, {
        method: "HashRing.assignBounded",
        param: /\bepsilon\b/,
        what: `epsilon ${String(eps)}`,
      });
    }
    assert.equal(ring.assignBounded(["k"], Number.MIN_VALUE).length, 1, "the smallest epsilon > 0 is accepted");
    assert.equal(ring.assignBounded(["k"], 1e308).length, 1, "a huge finite epsilon is accepted");
    ring.free();
  });
});

describe("nodeForMany(keys)", () => {
  const KEYS = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? `nfm-é-${i}` : `nfm-${i}`));

  for (const [name, make] of RINGS) {
    test(`${name}: equals nodeFor for 10,000 keys, before and after markDown / markUp`, () => {
      const ring = make();
      const check = (what) => {
        const ids = ring.nodes().map((n) => n.id);
        const many = ring.nodeForMany(KEYS);
        assert.ok(many instanceof Uint32Array, "a Uint32Array");
        assert.equal(many.length, KEYS.length);
        for (let i = 0; i < KEYS.length; i++) {
          const want = ring.nodeFor(KEYS[i]);
          if (want === undefined) assert.equal(many[i], NO_NODE, `${what}: ${KEYS[i]}`);
          else assert.equal(ids[many[i]], want, `${what}: ${KEYS[i]} -> index ${many[i]}`);
        }
      };
      check("all up");
      const ids = ring.nodes().map((n) => n.id);
      ring.markDown(ids[0]);
      check(`${ids[0]} down`);
      for (const id of ids) ring.markDown(id);
      check("all down");
      ring.markUp(ids.at(-1));
      check("one up");
      ring.free();
    });
  }

  test("empty inputs and an empty ring", () => {
    const ring = new HashRing();
    assert.deepEqual(ring.nodeForMany([]), new Uint32Array(0));
    assert.deepEqual(Array.from(ring.nodeForMany(["a", "b"])), [NO_NODE, NO_NODE]);
    ring.addNode("x");
    assert.deepEqual(Array.from(ring.nodeForMany(["a", "b", ""])), [0, 0, 0]);
    ring.free();
  });

  test("the result is a copy: later ring changes and wasm memory growth leave it intact", () => {
    const ring = new HashRing({ vnodes: 10, nodes: ["a", "b", "c"] });
    const many = ring.nodeForMany(KEYS);
    const copy = Array.from(many);
    ring.addNode("big", { weight: 20000 }); // 200k points: the wasm memory grows
    ring.removeNode("a");
    assert.equal(many.length, KEYS.length);
    assert.deepEqual(Array.from(many), copy);
    ring.free();
  });
});
