// Size budgets: every entry's wasm and JS glue, gzipped (-9), against its budget in
// scripts/size.mjs (`npm run size` prints the same table with each wasm's largest items). Node
// only: it reads the release build in pkg/ from disk.
import assert from "node:assert/strict";
import { test } from "node:test";

import { BUDGETS, measureAll, overBudget, sizeTable } from "../../scripts/size.mjs";

test("every entry is within its size budget", () => {
  const sizes = measureAll();
  console.log(
    sizeTable(sizes)
      .map((line) => `# ${line}`)
      .join("\n"),
  );
  assert.deepEqual(overBudget(sizes), []);
});

test("the ring entry is the smallest and the sim entry the largest", () => {
  const sizes = measureAll();
  assert.ok(sizes.ring.wasmGzip < sizes.sim.wasmGzip, "the simulation is not in the ring's wasm");
  assert.ok(sizes.lease.wasmGzip < sizes.sim.wasmGzip, "the simulation is not in the lease wasm");
  assert.deepEqual(Object.keys(BUDGETS).sort(), ["lease", "ring", "sim"]);
});
