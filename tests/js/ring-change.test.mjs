// RingChange reports on the release build: the arcs returned by addNode / addNodes / removeNode /
// setWeight / markDown / markUp agree with brute-force ownership computed in JS from points() and
// nodes() before and after the change (20,000 seeded random positions per change, plus every
// position where an owner can change, which makes the check exhaustive); and movedKeys.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { HashRing, ownerAt, prng, ringModel, SPACE, show } from "./helpers.mjs";

const RANDOM_POSITIONS = 20_000;
const WEIGHTS = [0.25, 0.5, 1, 1, 1, 1.5, 2, 3];

/** Structural checks on a RingChange; returns the arcs. */
function checkShape(change, beforeIds, afterIds, what) {
  assert.deepEqual(Object.keys(change).sort(), ["arcs", "movedFraction"], `${what}: RingChange keys`);
  assert.equal(typeof change.movedFraction, "number", `${what}: movedFraction is a number`);
  assert.ok(change.movedFraction >= 0 && change.movedFraction <= 1, `${what}: movedFraction ${change.movedFraction} in [0, 1]`);
  assert.ok(Array.isArray(change.arcs), `${what}: arcs is an array`);
  let total = 0;
  for (let i = 0; i < change.arcs.length; i++) {
    const arc = change.arcs[i];
    const at = `${what}: arcs[${i}] ${JSON.stringify(arc)}`;
    assert.deepEqual(Object.keys(arc).sort(), ["end", "from", "start", "to"], `${at}: keys`);
    assert.ok(Number.isInteger(arc.start) && Number.isInteger(arc.end), `${at}: integer bounds`);
    assert.ok(arc.start >= 0 && arc.start <= arc.end && arc.end <= SPACE - 1, `${at}: 0 <= start <= end <= 2^32-1`);
    assert.ok(arc.from === null || beforeIds.includes(arc.from), `${at}: from is a node of the ring before, or null`);
    assert.ok(arc.to === null || afterIds.includes(arc.to), `${at}: to is a node of the ring after, or null`);
    assert.notEqual(arc.from, arc.to, `${at}: from !== to`);
    if (i > 0) {
      const prev = change.arcs[i - 1];
      assert.ok(prev.end < arc.start, `${at}: sorted ascending and not overlapping the previous arc`);
      if (prev.end + 1 === arc.start) {
        assert.ok(prev.from !== arc.from || prev.to !== arc.to, `${at}: adjacent arcs with the same from/to must be merged`);
      }
    }
    total += arc.end - arc.start + 1;
  }
  assert.ok(
    Math.abs(change.movedFraction - total / SPACE) <= 1e-12,
    `${what}: movedFraction ${change.movedFraction} != sum of arc lengths / 2^32 = ${total / SPACE}`,
  );
  return change.arcs;
}

/** The arc containing pos, or undefined (arcs sorted, disjoint). */
function arcAt(arcs, pos) {
  let lo = 0;
  let hi = arcs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arcs[mid].end < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < arcs.length && arcs[lo].start <= pos ? arcs[lo] : undefined;
}

/** Positions where an owner can change: every point of either ring and the position after it. */
function boundaryPositions(before, after, arcs) {
  const out = new Set([0, SPACE - 1]);
  const add = (p) => {
    if (p >= 0 && p < SPACE) out.add(p);
  };
  for (const model of [before, after]) {
    for (const p of model.positions) {
      add(p);
      add(p + 1);
    }
  }
  for (const arc of arcs) {
    add(arc.start - 1);
    add(arc.start);
    add(arc.end);
    add(arc.end + 1);
  }
  return out;
}

/** p is inside an arc iff its owner changed, and then the arc says from -> to. */
function checkAgainstBruteForce(arcs, before, after, positions, what) {
  let moved = 0;
  for (const p of positions) {
    const from = ownerAt(before, p);
    const to = ownerAt(after, p);
    const arc = arcAt(arcs, p);
    if (from === to) {
      assert.equal(arc, undefined, `${what}: position ${p} is in arc ${JSON.stringify(arc)} but its owner stayed ${from}`);
    } else {
      moved++;
      assert.ok(arc, `${what}: position ${p} moved ${from} -> ${to} but no arc covers it`);
      assert.equal(arc.from, from, `${what}: position ${p} in ${JSON.stringify(arc)}: from`);
      assert.equal(arc.to, to, `${what}: position ${p} in ${JSON.stringify(arc)}: to`);
    }
  }
  return moved;
}

function randomId(rand, taken) {
  for (;;) {
    const id = `n${rand.int(1000)}${["", "é", "東", "🚀", ":11211"][rand.int(5)]}`;
    if (!taken.includes(id)) return id;
  }
}

/** One random valid change on `ring`: returns [description, () => RingChange]. */
function randomOp(rand, ring) {
  const nodes = ring.nodes();
  const ids = nodes.map((n) => n.id);
  const pick = () => ids[rand.int(ids.length)];
  const weight = () => WEIGHTS[rand.int(WEIGHTS.length)];
  const choices = ["add", "addNodes"];
  if (ids.length > 0) choices.push("remove", "setWeight", "setWeight", "markDown", "markDown", "markUp", "markUp");
  const kind = choices[rand.int(choices.length)];
  switch (kind) {
    case "add": {
      const id = randomId(rand, ids);
      const w = weight();
      return [`addNode(${show(id)}, { weight: ${w} })`, () => ring.addNode(id, { weight: w })];
    }
    case "addNodes": {
      const specs = [];
      const taken = [...ids];
      for (let k = 1 + rand.int(3); k > 0; k--) {
        const id = randomId(rand, taken);
        taken.push(id);
        specs.push(rand() < 0.5 ? id : { id, weight: weight() });
      }
      return [`addNodes(${show(specs)})`, () => ring.addNodes(specs)];
    }
    case "remove": {
      const id = pick();
      return [`removeNode(${show(id)})`, () => ring.removeNode(id)];
    }
    case "setWeight": {
      const id = pick();
      // Sometimes the same weight: nothing may move.
      const w = rand() < 0.2 ? nodes.find((n) => n.id === id).weight : weight();
      return [`setWeight(${show(id)}, ${w})`, () => ring.setWeight(id, w)];
    }
    case "markDown": {
      const id = pick();
      return [`markDown(${show(id)})`, () => ring.markDown(id)];
    }
    default: {
      const id = pick();
      return [`markUp(${show(id)})`, () => ring.markUp(id)];
    }
  }
}

const CONFIGS = [
  { seed: 1, scheme: "sha1", vnodes: 40, start: 5 },
  { seed: 2, scheme: "sha1", vnodes: 1, start: 3 },
  { seed: 3, scheme: "sha1", vnodes: 160, start: 8 },
  { seed: 4, scheme: "sha1", vnodes: 7, start: 0 },
  { seed: 5, scheme: "ketama", vnodes: 40, start: 5 },
  { seed: 6, scheme: "ketama", vnodes: 3, start: 2 },
  { seed: 7, scheme: "ketama", vnodes: 40, start: 0 },
];
const STEPS = 14;

describe("RingChange arcs agree with brute-force ownership", () => {
  for (const { seed, scheme, vnodes, start } of CONFIGS) {
    test(`${scheme}, vnodes ${vnodes}, ${start} nodes to start, seed ${seed}: ${STEPS} random changes`, () => {
      const rand = prng(seed * 7919);
      const ring = new HashRing({ scheme, vnodes });
      const initial = [];
      for (let i = 0; i < start; i++)
        initial.push({
          id: randomId(
            rand,
            initial.map((n) => n.id),
          ),
          weight: WEIGHTS[rand.int(WEIGHTS.length)],
        });
      ring.addNodes(initial);
      const seen = new Map();
      let movedSomewhere = 0;
      for (let step = 0; step < STEPS; step++) {
        const [desc, apply] = randomOp(rand, ring);
        const what = `${scheme} seed ${seed} step ${step} ${desc}`;
        const kind = desc.slice(0, desc.indexOf("("));
        const before = ringModel(ring);
        const change = apply();
        const after = ringModel(ring);
        const arcs = checkShape(change, before.ids, after.ids, what);
        const positions = Array.from({ length: RANDOM_POSITIONS }, () => Math.floor(rand() * SPACE));
        const randomMoved = checkAgainstBruteForce(arcs, before, after, positions, `${what} (random)`);
        checkAgainstBruteForce(arcs, before, after, boundaryPositions(before, after, arcs), `${what} (boundaries)`);
        // The fraction of random positions that moved estimates movedFraction.
        assert.ok(
          Math.abs(randomMoved / RANDOM_POSITIONS - change.movedFraction) < 0.03,
          `${what}: ${randomMoved}/${RANDOM_POSITIONS} random positions moved, movedFraction ${change.movedFraction}`,
        );
        if (change.movedFraction > 0) movedSomewhere++;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
      }
      assert.ok(movedSomewhere >= STEPS / 3, `meta: ${movedSomewhere} changes moved something`);
      assert.ok(seen.size >= 4, `meta: op kinds exercised: ${[...seen.keys()]}`);
      ring.free();
    });
  }

  test("a change spanning position 0 is two arcs, one ending at 2^32-1 and one starting at 0", () => {
    // Adding a node whose points include the wrap arc: search ids until one takes the arc through 0.
    let found = false;
    for (let i = 0; i < 200 && !found; i++) {
      const ring = new HashRing({ vnodes: 3, nodes: ["a", "b", "c"] });
      const before = ringModel(ring);
      const change = ring.addNode(`wrap-${i}`, { weight: 20 }); // 60 points: some land before the first one
      const after = ringModel(ring);
      if (ownerAt(before, 0) !== ownerAt(after, 0) && ownerAt(before, SPACE - 1) !== ownerAt(after, SPACE - 1)) {
        found = true;
        assert.equal(change.arcs[0].start, 0, "first arc starts at 0");
        assert.equal(change.arcs.at(-1).end, SPACE - 1, "last arc ends at 2^32-1");
        assert.ok(change.arcs.length >= 2);
        checkAgainstBruteForce(change.arcs, before, after, boundaryPositions(before, after, change.arcs), `wrap-${i}`);
      }
      ring.free();
    }
    assert.ok(found, "meta: found a node that takes the arc through 0");
  });

  test("first node on an empty ring and last node removed: one full arc from/to null", () => {
    for (const scheme of ["sha1", "ketama"]) {
      const ring = new HashRing({ scheme });
      assert.deepEqual(ring.addNode("only"), { movedFraction: 1, arcs: [{ start: 0, end: SPACE - 1, from: null, to: "only" }] });
      assert.deepEqual(ring.removeNode("only"), { movedFraction: 1, arcs: [{ start: 0, end: SPACE - 1, from: "only", to: null }] });
      assert.deepEqual(ring.addNodes([]), { movedFraction: 0, arcs: [] });
      const both = ring.addNodes(["x", "y"]);
      assert.equal(both.movedFraction, 1, `${scheme}: addNodes on an empty ring moves everything`);
      assert.ok(
        both.arcs.every((arc) => arc.from === null),
        "from null",
      );
      assert.deepEqual(new Set(both.arcs.map((arc) => arc.to)), new Set(["x", "y"]));
      assert.equal(both.arcs[0].start, 0);
      assert.equal(both.arcs.at(-1).end, SPACE - 1);
      for (let i = 1; i < both.arcs.length; i++) assert.equal(both.arcs[i].start, both.arcs[i - 1].end + 1, "contiguous");
      ring.free();
    }
  });

  test("setWeight to the current weight moves nothing (sha1 and ketama)", () => {
    for (const scheme of ["sha1", "ketama"]) {
      const ring = new HashRing({ scheme, nodes: ["a", { id: "b", weight: 2 }, "c"] });
      const snap = ring.points();
      assert.deepEqual(ring.setWeight("b", 2), { movedFraction: 0, arcs: [] }, scheme);
      assert.deepEqual(ring.points(), snap);
      ring.free();
    }
  });
});

describe("movedKeys", () => {
  const KEYS = Array.from({ length: 3000 }, (_, i) => `mk-${i}`);

  function expectedMoved(keys, a, b) {
    return keys.filter((k) => a.nodeFor(k) !== b.nodeFor(k));
  }

  for (const scheme of ["sha1", "ketama"]) {
    test(`${scheme}: movedKeys(keys, other) = the keys whose nodeFor differs, in keys order; agrees with the arcs`, () => {
      const rand = prng(scheme === "sha1" ? 41 : 42);
      const base = new HashRing({ scheme, vnodes: scheme === "sha1" ? 60 : 40, nodes: ["a", "b", { id: "c", weight: 2 }, "d", "e"] });
      const ops = [
        ["addNode", (r) => r.addNode("f", { weight: 1.5 })],
        ["removeNode", (r) => r.removeNode("c")],
        ["setWeight", (r) => r.setWeight("a", 3)],
        ["markDown", (r) => r.markDown("d")],
        ["addNodes", (r) => r.addNodes(["g", { id: "h", weight: 0.5 }])],
      ];
      for (const [name, op] of ops) {
        const other = HashRing.fromJSON(base.toJSON());
        const change = op(other);
        const keys = rand.shuffle(KEYS).concat(["mk-1", "mk-1"]); // order and duplicates kept
        const moved = base.movedKeys(keys, other);
        const want = expectedMoved(keys, base, other);
        assert.ok(want.length > 0, `meta ${name}: keys moved`);
        assert.deepEqual(moved, want, `${name}: movedKeys`);
        assert.deepEqual(other.movedKeys(keys, base), want, `${name}: symmetric`);
        const byArcs = keys.filter((k) => arcAt(change.arcs, base.positionOf(k)) !== undefined);
        assert.deepEqual(moved, byArcs, `${name}: the moved keys are exactly those inside the change's arcs`);
        assert.deepEqual(base.movedKeys(keys, base), [], "a ring against itself");
        other.free();
      }
      base.free();
    });
  }

  test("rings of different schemes and an empty or all-down ring", () => {
    const sha = new HashRing({ nodes: ["a", "b", "c"] });
    const ket = new HashRing({ scheme: "ketama", nodes: ["a", "b", "c"] });
    const empty = new HashRing();
    const keys = KEYS.slice(0, 1000);
    assert.deepEqual(sha.movedKeys(keys, ket), expectedMoved(keys, sha, ket), "sha1 vs ketama");
    assert.deepEqual(sha.movedKeys(keys, empty), keys, "every key moves to 'no node'");
    assert.deepEqual(empty.movedKeys(keys, sha), keys);
    const empty2 = new HashRing();
    assert.deepEqual(empty.movedKeys(keys, empty2), [], "empty vs empty");
    empty2.free();
    const down = HashRing.fromJSON(sha.toJSON());
    for (const id of ["a", "b", "c"]) down.markDown(id);
    assert.deepEqual(sha.movedKeys(keys, down), keys, "all-down ring");
    assert.deepEqual(sha.movedKeys([], ket), []);
    for (const r of [sha, ket, empty, down]) r.free();
  });
});

describe("diff(other)", () => {
  test("equals the change each operation reports, and its reverse swaps from/to", () => {
    const ring = new HashRing({ nodes: ["a", "b", "c", { id: "d", weight: 2 }] });
    const before = HashRing.fromJSON(ring.toJSON());
    const reported = ring.addNode("e");
    assert.deepEqual(before.diff(ring), reported);
    assert.deepEqual(before.diff(ring.toJSON()), reported);
    const back = ring.diff(before);
    assert.equal(back.arcs.length, reported.arcs.length);
    back.arcs.forEach((arc, i) => {
      assert.equal(arc.start, reported.arcs[i].start);
      assert.equal(arc.from, reported.arcs[i].to);
    });
    assert.equal(ring.diff(ring).movedFraction, 0);
    const finer = new HashRing({ vnodes: 320, nodes: ["a", "b", "c", { id: "d", weight: 2 }, "e"] });
    const change = ring.diff(finer);
    assert.ok(change.movedFraction > 0 && change.movedFraction < 1);
    for (const bad of [null, 5, "x", undefined]) {
      assert.throws(
        () => ring.diff(bad),
        (e) => e instanceof TypeError && /HashRing\.diff: other/.test(e.message),
      );
    }
    for (const r of [ring, before, finer]) r.free();
  });
});
