// The canary of the hostile-input suites: after a hostile case, the instance still works.
import assert from "node:assert/strict";

/** A new HashRing answers and a new LeaseTable grants, on the module `mod` (the package). */
export function assertInstanceAlive(mod) {
  const ring = new mod.HashRing();
  ring.addNode("canary");
  assert.equal(ring.nodeFor("canary-key"), "canary");
  ring.free();
  const table = new mod.LeaseTable();
  assert.equal(table.acquire("canary", "owner", { ttlMs: 1000, nowMs: 0 }).status, "granted");
  table.free();
}
