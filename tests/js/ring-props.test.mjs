// Property-style checks with a seeded PRNG (no Math.random): random membership changes on the
// release build, checked against the reference ring after every step and for minimal movement
// (R3, R4), replica-list prefixes (R6) and order independence (R2).
import assert from "node:assert/strict";
import { test } from "node:test";

import { HashRing, prng, reference, snapshot } from "./helpers.mjs";

const KEYS = Array.from({ length: 2000 }, (_, i) => `prop-key-${i}`);
const WEIGHTS = [0.25, 0.5, 1, 1, 1, 1.5, 2, 3];
const ALPHABET = ["a", "b", "é", "東", "🚀", "-", "#", "0", "Z"];

function randomId(rand, taken) {
  for (;;) {
    let id = "";
    const len = 1 + rand.int(6);
    for (let i = 0; i < len; i++) id += ALPHABET[rand.int(ALPHABET.length)];
    if (!taken.has(id)) return id;
  }
}

/** True if `a` is a prefix of `b`. */
function isPrefix(a, b) {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

for (const seed of [1, 2, 3]) {
  test(`random adds and removes, seed ${seed}: minimal movement, replica prefixes, reference agreement`, () => {
    const rand = prng(seed);
    const vnodes = [1, 16, 40][seed - 1];
    const ring = new HashRing({ vnodes });
    const members = new Map(); // id -> weight
    let owners = KEYS.map(() => undefined);
    let replicas = KEYS.map(() => []);
    let adds = 0;
    let removes = 0;
    let movedTotal = 0;
    for (let step = 0; step < 40; step++) {
      const add = members.size < 2 || (members.size < 12 && rand() < 0.6);
      let changed;
      if (add) {
        changed = randomId(rand, members);
        const weight = WEIGHTS[rand.int(WEIGHTS.length)];
        ring.addNode(changed, { weight });
        members.set(changed, weight);
        adds++;
      } else {
        changed = [...members.keys()][rand.int(members.size)];
        ring.removeNode(changed);
        members.delete(changed);
        removes++;
      }
      const ref = reference.buildRing(
        vnodes,
        [...members].map(([id, weight]) => ({ id, weight })),
      );
      assert.equal(ring.nodeCount, members.size);
      assert.equal(ring.pointCount, ref.points.length, `step ${step}: pointCount`);
      const nextOwners = KEYS.map((k) => ring.nodeFor(k));
      const nextReplicas = KEYS.map((k) => ring.nodesFor(k, 3));
      for (let i = 0; i < KEYS.length; i++) {
        const key = KEYS[i];
        assert.equal(nextOwners[i], reference.ownerOf(ref, key), `step ${step}: owner of ${key}`);
        if (owners[i] !== undefined && nextOwners[i] !== owners[i]) {
          movedTotal++;
          if (add) {
            // R3: every key that moves, moves to the new node.
            assert.equal(
              nextOwners[i],
              changed,
              `step ${step}: ${key} moved ${owners[i]} -> ${nextOwners[i]}, not to the added ${changed}`,
            );
          } else {
            // R4: only keys of the removed node move.
            assert.equal(owners[i], changed, `step ${step}: ${key} moved off ${owners[i]} though ${changed} was removed`);
          }
        }
        if (!add) assert.notEqual(nextOwners[i], changed);
        // R6: after adding X, the new list without X is a prefix of the old list; after removing
        // Y, the old list without Y is a prefix of the new list.
        const oldList = replicas[i];
        const newList = nextReplicas[i];
        assert.deepEqual(newList, reference.replicasOf(ref, key, 3), `step ${step}: replicas of ${key}`);
        if (oldList.length > 0) {
          if (add) {
            assert.ok(
              isPrefix(
                newList.filter((x) => x !== changed),
                oldList,
              ),
              `step ${step}: R6 add, ${key}: ${oldList} -> ${newList}`,
            );
          } else {
            assert.ok(
              isPrefix(
                oldList.filter((x) => x !== changed),
                newList,
              ),
              `step ${step}: R6 remove, ${key}: ${oldList} -> ${newList}`,
            );
          }
        }
      }
      owners = nextOwners;
      replicas = nextReplicas;
    }
    assert.ok(adds > 5 && removes > 5, `meta: ${adds} adds, ${removes} removes`);
    assert.ok(movedTotal > 0, "meta: keys moved");

    // R2: the surviving membership, added in another order and in one addNodes call, gives the
    // same ring.
    const specs = rand.shuffle([...members].map(([id, weight]) => ({ id, weight })));
    const fresh = new HashRing({ vnodes });
    fresh.addNodes(specs);
    assert.deepEqual(snapshot(fresh), snapshot(ring));
    assert.deepEqual(
      KEYS.map((k) => fresh.nodeFor(k)),
      owners,
    );
    fresh.free();
    ring.free();
  });
}
