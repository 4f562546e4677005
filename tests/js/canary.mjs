// The canary of the hostile-input suites: after each hostile case, the wasm instance must still
// work (a trap would have poisoned every class in it). Takes the module namespace, so it runs
// against whichever build the suite imported.
import assert from "node:assert/strict";
import { test } from "node:test";

/** A new HashRing answers and a new LeaseTable grants, in the instance of `mod`. */
export function assertInstanceAlive(mod) {
  const ring = new mod.HashRing();
  ring.addNode("canary");
  assert.equal(ring.nodeFor("key"), "canary", "canary: a new HashRing answers");
  ring.free();
  const table = new mod.LeaseTable();
  assert.equal(table.acquire("canary", "me", { ttlMs: 1000, nowMs: 0 }).status, "granted", "canary: a new LeaseTable grants");
  table.free();
}

/**
 * A test whose case is followed by the canary on `mod`, even when the case itself fails.
 * @param {object} mod the module namespace the suite imported
 * @param {string} name
 * @param {() => unknown} fn
 * @param {object} [options] node:test options
 */
export function hostileTest(mod, name, fn, options = {}) {
  test(name, options, async () => {
    let failure;
    try {
      await fn();
    } catch (error) {
      failure = error;
    }
    assertInstanceAlive(mod);
    if (failure) throw failure;
  });
}
