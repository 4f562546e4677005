// The package's entries against the RELEASE build: `ringlease` (pkg/ring/), `ringlease/lease`
// (pkg/lease/) and `ringlease/sim` (pkg/sim/) each hold exactly their classes in their own wasm
// instance, agree with each other where they overlap, and refuse each other's objects. Runs in
// Node and in headless Chromium (tests/page/js-suites.test.mjs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lease from "../../pkg/lease/index.js";
import * as ring from "../../pkg/ring/index.js";
import * as simEntry from "../../pkg/sim/index.js";
import * as sim from "./helpers.mjs";

const { ringEntryWasm: ringWasm, leaseEntryWasm: leaseWasm } = sim;

const classes = (m) =>
  Object.keys(m)
    .filter((k) => /^[A-Z]/.test(k) && typeof m[k] === "function")
    .sort();

describe("entries", () => {
  test("each entry exports exactly its classes", () => {
    assert.deepEqual(classes(ring), ["HashRing", "KetamaRing"]);
    assert.deepEqual(classes(lease), ["FencedStore", "LeaseTable"]);
    assert.deepEqual(classes(simEntry), ["FencedStore", "HashRing", "KetamaRing", "LeaseTable", "Simulation"]);
  });

  test("checkHistory is in the lease and sim entries, and they agree", () => {
    assert.equal(ring.checkHistory, undefined);
    const run = new simEntry.Simulation({ preset: "gcPause", fencing: "off" });
    run.run();
    const doc = run.history();
    run.free();
    assert.deepEqual(lease.checkHistory(doc), simEntry.checkHistory(doc));
    assert.ok(lease.checkHistory(doc).counts.lostUpdate > 0);
  });

  test("each entry has its own wasm instance and memory", () => {
    assert.notEqual(ringWasm.memory, leaseWasm.memory);
    assert.notEqual(ringWasm.memory, sim.wasm.memory);
    assert.equal(typeof ringWasm.simulation_new, "undefined", "no simulation code in the ring's wasm");
    assert.ok(!Object.keys(leaseWasm).some((k) => k.startsWith("hashring_")), "no HashRing in the lease wasm");
    assert.ok(!Object.keys(leaseWasm).some((k) => k.startsWith("simulation_")), "no Simulation in the lease wasm");
  });

  test("the ring entry places keys exactly like the sim entry, fast nodeFor included", () => {
    const nodes = ["cache-a", { id: "cache-b", weight: 2 }, "cache-c"];
    for (const scheme of ["sha1", "ketama"]) {
      const small = new ring.HashRing({ scheme, nodes });
      const full = new simEntry.HashRing({ scheme, nodes });
      const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
      assert.deepEqual(
        keys.map((k) => small.nodeFor(k)),
        keys.map((k) => full.nodeFor(k)),
      );
      assert.deepEqual([...small.nodeForMany(keys)], [...full.nodeForMany(keys)]);
      assert.deepEqual(small.toJSON(), full.toJSON());
      small.free();
      full.free();
    }
  });

  test("the lease entry grants, fences and elects like the sim entry", () => {
    for (const m of [lease, simEntry]) {
      const locks = new m.LeaseTable();
      const store = new m.FencedStore({ strict: locks });
      const a = locks.acquire("sku", "a", { ttlMs: 100, nowMs: 0 });
      assert.deepEqual(a, { status: "granted", token: 1, expiresAtMs: 100 });
      assert.equal(store.write("sku", 1, a.token, 50).accepted, true);
      assert.equal(store.write("sku", 2, a.token, 100).accepted, false, "expired at 100");
      assert.equal(locks.campaign("leader", "n1", { ttlMs: 100, nowMs: 100 }).status, "leader");
      store.free();
      locks.free();
    }
  });

  test("another entry's objects: a LeaseTable is refused, a HashRing is read through its toJSON()", () => {
    const foreign = new lease.LeaseTable();
    assert.throws(() => new simEntry.FencedStore({ strict: foreign }), TypeError);
    const ringOfSim = new simEntry.HashRing({ nodes: ["a", "b", "c"] });
    const smallRing = new ring.HashRing({ nodes: ["a", "b"] });
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const moved = smallRing.movedKeys(keys, ringOfSim);
    assert.deepEqual(moved, smallRing.movedKeys(keys, ringOfSim.toJSON()));
    assert.deepEqual(
      moved,
      keys.filter((k) => smallRing.nodeFor(k) !== ringOfSim.nodeFor(k)),
    );
    assert.ok(moved.length > 0 && moved.every((k) => ringOfSim.nodeFor(k) === "c"), "only keys that went to c moved");
    assert.deepEqual(smallRing.diff(ringOfSim), smallRing.diff(ringOfSim.toJSON()));
    foreign.free();
    ringOfSim.free();
    smallRing.free();
  });
});
