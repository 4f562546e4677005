// The canary of the hostile-input suites: after each hostile case, the wasm instance must still
// work (a trap would have poisoned every class in it). Takes the module namespace, so it runs
// against whichever build the suite imported.
import assert from "node:assert/strict";

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
 * A test body that runs `fn` and then the canary on `mod`, even when `fn` fails: pass it to
 * `test()` in the suite file (node --test attributes a test to the file that calls `test`).
 * @param {object} mod the module namespace the suite imported
 * @param {() => unknown} fn
 * @returns {() => Promise<void>}
 */
export function withCanary(mod, fn) {
  return async () => {
    let failure;
    try {
      await fn();
    } catch (error) {
      failure = error;
    }
    assertInstanceAlive(mod);
    if (failure) throw failure;
  };
}
