// Node health on the release build: markDown / markUp / isUp, failover to the next live node
// clockwise, exact restoration, a ring with no live node, and the RingChange of a health change.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { expectThrow, HashRing, NO_NODE, ownerAt, prng, ringModel, SPACE, snapshot } from "./helpers.mjs";

const KEYS = Array.from({ length: 5000 }, (_, i) => `fo-key-${i}`);
const IDS = Array.from({ length: 8 }, (_, i) => `node-${i}`);

const SCHEMES = [
  ["sha1", () => new HashRing({ vnodes: 40, nodes: IDS.map((id, i) => ({ id, weight: 1 + (i % 3) * 0.5 })) })],
  ["ketama", () => new HashRing({ scheme: "ketama", nodes: IDS.map((id, i) => ({ id: `${id}:11211`, weight: 1 + (i % 3) })) })],
];

function lists(ring, n) {
  return KEYS.map((k) => ring.nodesFor(k, n));
}

for (const [scheme, make] of SCHEMES) {
  describe(`failover (${scheme})`, () => {
    test("markDown: the node is skipped, its keys go to the next live node clockwise, the rest stay", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const victim = ids[3];
      const before = lists(ring, ids.length);
      const pointsBefore = ring.points();
      ring.markDown(victim);
      assert.equal(ring.isUp(victim), false);
      assert.equal(ring.liveCount, ids.length - 1);
      assert.equal(ring.nodeCount, ids.length, "a down node stays on the ring");
      assert.deepEqual(
        ring.nodes().map((n) => [n.id, n.up]),
        ids.map((id) => [id, id !== victim]),
        "nodes()[i].up",
      );
      assert.deepEqual(ring.points(), pointsBefore, "a down node keeps its points");
      let failedOver = 0;
      for (let i = 0; i < KEYS.length; i++) {
        const key = KEYS[i];
        const without = before[i].filter((id) => id !== victim);
        const owner = ring.nodeFor(key);
        assert.notEqual(owner, victim, `${key}: nodeFor returned the down node`);
        assert.equal(owner, without[0], `${key}: owner = nodesFor before, minus ${victim}, first`);
        if (before[i][0] === victim) failedOver++;
        else assert.equal(owner, before[i][0], `${key}: a key of another node moved`);
        for (const n of [1, 2, 3, ids.length - 1, ids.length, ids.length + 5]) {
          const list = ring.nodesFor(key, n);
          assert.equal(list.length, Math.min(n, ring.liveCount), `${key}: nodesFor(key, ${n}) length = min(n, liveCount)`);
          assert.deepEqual(list, without.slice(0, n), `${key}: nodesFor(key, ${n}) = the old list without ${victim}`);
        }
      }
      assert.ok(failedOver > KEYS.length / ids.length / 3, `meta: ${failedOver} keys failed over`);
      ring.free();
    });

    test("markUp restores every owner and replica list exactly (5,000 keys)", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const owners = KEYS.map((k) => ring.nodeFor(k));
      const replicas = lists(ring, 3);
      const snap = snapshot(ring);
      ring.markDown(ids[0]);
      ring.markDown(ids[5]);
      ring.markDown(ids[6]);
      const during = KEYS.map((k) => ring.nodeFor(k));
      assert.ok(
        during.some((o, i) => o !== owners[i]),
        "meta: keys moved while down",
      );
      ring.markUp(ids[5]);
      ring.markUp(ids[0]);
      ring.markUp(ids[6]);
      assert.deepEqual(
        KEYS.map((k) => ring.nodeFor(k)),
        owners,
        "owners restored",
      );
      assert.deepEqual(lists(ring, 3), replicas, "nodesFor restored");
      assert.deepEqual(snapshot(ring), snap, "nodes(), points(), counts restored");
      assert.equal(ring.liveCount, ids.length);
      for (const id of ids) assert.equal(ring.isUp(id), true, `isUp(${id})`);
      ring.free();
    });

    test("all nodes down: nodeFor undefined, nodesFor [], nodeForMany 4294967295, assignBounded throws", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      for (const id of ids) ring.markDown(id);
      assert.equal(ring.liveCount, 0);
      assert.equal(ring.nodeCount, ids.length);
      const sample = KEYS.slice(0, 200);
      for (const key of sample) {
        assert.equal(ring.nodeFor(key), undefined, `nodeFor(${key})`);
        assert.deepEqual(ring.nodesFor(key, 3), [], `nodesFor(${key}, 3)`);
      }
      const many = ring.nodeForMany(sample);
      assert.ok(many instanceof Uint32Array);
      assert.equal(many.length, sample.length);
      assert.ok(
        many.every((o) => o === NO_NODE),
        "every entry is 4294967295",
      );
      expectThrow(() => ring.assignBounded(sample, 0.5), Error, { method: "HashRing.assignBounded", what: "no live node" });
      assert.deepEqual(
        [...ring.ownership().values()],
        ids.map(() => 0),
        "ownership: all 0",
      );
      assert.deepEqual(
        [...ring.distribution(sample).values()],
        ids.map(() => 0),
        "distribution: all 0",
      );
      // One node back: it takes every key.
      const change = ring.markUp(ids[2]);
      assert.equal(change.movedFraction, 1);
      assert.deepEqual(change.arcs, [{ start: 0, end: SPACE - 1, from: null, to: ids[2] }]);
      for (const key of sample) assert.equal(ring.nodeFor(key), ids[2]);
      ring.free();
    });

    test("markDown twice / markUp of an up node: no-op changes (movedFraction 0, no arcs)", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const first = ring.markDown(ids[1]);
      assert.ok(first.movedFraction > 0);
      const snap = snapshot(ring);
      assert.deepEqual(ring.markDown(ids[1]), { movedFraction: 0, arcs: [] }, "second markDown");
      assert.deepEqual(snapshot(ring), snap);
      assert.deepEqual(ring.markUp(ids[2]), { movedFraction: 0, arcs: [] }, "markUp of an up node");
      assert.deepEqual(snapshot(ring), snap);
      assert.ok(ring.markUp(ids[1]).movedFraction > 0);
      assert.deepEqual(ring.markUp(ids[1]), { movedFraction: 0, arcs: [] }, "second markUp");
      ring.free();
    });

    test("RingChange of markDown: movedFraction = the node's previous share, every arc from it; markUp mirrors it", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      const rand = prng(scheme.length);
      for (const victim of [ids[0], ids[4], ids[7]]) {
        const share = ring.ownership().get(victim);
        assert.ok(share > 0, `meta: ${victim} owns something`);
        const beforeModel = ringModel(ring);
        const down = ring.markDown(victim);
        const afterModel = ringModel(ring);
        assert.ok(Math.abs(down.movedFraction - share) <= 1e-12, `${victim}: movedFraction ${down.movedFraction} vs share ${share}`);
        assert.ok(down.arcs.length > 0);
        let covered = 0;
        for (const arc of down.arcs) {
          assert.equal(arc.from, victim, `arc ${JSON.stringify(arc)}: from`);
          assert.notEqual(arc.to, victim);
          assert.notEqual(arc.to, null, "other nodes are up");
          covered += arc.end - arc.start + 1;
          // Both ends and a random inside position: the owners before/after are from -> to.
          for (const p of [arc.start, arc.end, arc.start + rand.int(arc.end - arc.start + 1)]) {
            assert.equal(ownerAt(beforeModel, p), victim, `position ${p}: owner before`);
            assert.equal(ownerAt(afterModel, p), arc.to, `position ${p}: owner after`);
          }
        }
        assert.ok(Math.abs(covered / SPACE - share) <= 1e-12, `${victim}: arcs cover its share`);
        assert.equal(ring.ownership().get(victim), 0, "a down node owns 0");
        const up = ring.markUp(victim);
        assert.ok(Math.abs(up.movedFraction - share) <= 1e-12, `${victim}: markUp movedFraction`);
        assert.deepEqual(
          up.arcs,
          down.arcs.map((a) => ({ start: a.start, end: a.end, from: a.to, to: a.from })),
          "markUp reverses markDown's arcs",
        );
        assert.ok(Math.abs(ring.ownership().get(victim) - share) <= 1e-12, "share restored");
      }
      ring.free();
    });

    test("changes while a node is down; marking it up gives the ring the new membership would have", () => {
      const ring = make();
      const ids = ring.nodes().map((n) => n.id);
      ring.markDown(ids[2]);
      ring.addNode("late-joiner");
      ring.removeNode(ids[4]);
      ring.setWeight(ids[1], 3);
      assert.equal(ring.isUp(ids[2]), false, "health survives other changes");
      assert.equal(ring.isUp("late-joiner"), true, "a new node is up");
      ring.markUp(ids[2]);
      const fresh = new HashRing({ scheme: ring.scheme, vnodes: ring.vnodes });
      fresh.addNodes(ring.toJSON().nodes.map(({ id, weight }) => ({ id, weight })));
      assert.deepEqual(snapshot(ring), snapshot(fresh));
      assert.deepEqual(
        KEYS.map((k) => ring.nodeFor(k)),
        KEYS.map((k) => fresh.nodeFor(k)),
      );
      fresh.free();
      ring.free();
    });
  });
}

describe("failover details", () => {
  test("removing a down node moves nothing; setWeight of a down node (sha1) moves nothing", () => {
    const ring = new HashRing({ vnodes: 30, nodes: ["a", "b", "c", "d"] });
    ring.markDown("b");
    const owners = KEYS.map((k) => ring.nodeFor(k));
    assert.deepEqual(ring.setWeight("b", 4), { movedFraction: 0, arcs: [] }, "setWeight of a down node");
    assert.equal(ring.nodes().find((n) => n.id === "b").points, 120, "its points changed");
    assert.deepEqual(
      KEYS.map((k) => ring.nodeFor(k)),
      owners,
    );
    assert.deepEqual(ring.removeNode("b"), { movedFraction: 0, arcs: [] }, "removeNode of a down node");
    assert.deepEqual(
      KEYS.map((k) => ring.nodeFor(k)),
      owners,
    );
    ring.free();
  });

  test("a down node cannot be added twice, and re-adding after removal gives an up node", () => {
    const ring = new HashRing({ vnodes: 10, nodes: ["a", "b"] });
    ring.markDown("a");
    expectThrow(() => ring.addNode("a"), Error, { method: "HashRing.addNode", param: /already exists/, what: "add a down node" });
    ring.removeNode("a");
    ring.addNode("a");
    assert.equal(ring.isUp("a"), true);
    assert.equal(ring.liveCount, 2);
    ring.free();
  });

  test("isUp / markDown / markUp of unknown ids throw Error naming the id; the ring is unchanged", () => {
    const ring = new HashRing({ vnodes: 10, nodes: ["a", "b"] });
    ring.markDown("b");
    const snap = snapshot(ring);
    for (const [name, call] of [
      ["isUp", (id) => ring.isUp(id)],
      ["markDown", (id) => ring.markDown(id)],
      ["markUp", (id) => ring.markUp(id)],
    ]) {
      for (const id of ["zz", "A", "a ", "removed"]) {
        const err = expectThrow(() => call(id), Error, {
          method: `HashRing.${name}`,
          param: /unknown node/,
          what: `${name}(${id})`,
        });
        assert.ok(err.message.includes(JSON.stringify(id)) || err.message.includes(`'${id}'`), `${name}: names the id: ${err.message}`);
      }
    }
    ring.addNode("removed");
    ring.removeNode("removed");
    expectThrow(() => ring.markDown("removed"), Error, { method: "HashRing.markDown", param: /unknown node/, what: "removed id" });
    assert.deepEqual(snapshot(ring), snap);
    assert.equal(ring.nodeFor("k"), "a");
    ring.free();
  });

  test("an empty ring: markDown / isUp throw; a one-node ring down then up", () => {
    const ring = new HashRing();
    expectThrow(() => ring.isUp("a"), Error, { method: "HashRing.isUp", param: /unknown node/, what: "empty" });
    expectThrow(() => ring.markDown("a"), Error, { method: "HashRing.markDown", param: /unknown node/, what: "empty" });
    ring.addNode("solo");
    assert.deepEqual(ring.markDown("solo"), { movedFraction: 1, arcs: [{ start: 0, end: SPACE - 1, from: "solo", to: null }] });
    assert.equal(ring.nodeFor("k"), undefined);
    assert.deepEqual(ring.nodesFor("k", 1), []);
    ring.markUp("solo");
    assert.equal(ring.nodeFor("k"), "solo");
    ring.free();
  });
});
