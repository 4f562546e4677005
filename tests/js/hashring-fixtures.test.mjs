// `ringlease/hashring` on the fixtures generated from hashring 3.2.0
// (tests/golden/hashring-fixtures.json, by scripts/gen-hashring-fixtures.mjs): libmemcached
// weights, Python hash_ring's 3 points per digest, pylibmc's default port, and SHA-1 with
// per-server vnodes. Each ring is built from the constructor arguments the generator gave
// hashring; its whole continuum, size, owners and 3-server ranges must match. Runs in Node and,
// through tests/page/js-suites.test.mjs, in Chromium.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import HashRing from "../../pkg/ring/hashring.js";
import { readJson } from "./helpers.mjs";

const fixtures = await readJson(new URL("../golden/hashring-fixtures.json", import.meta.url));

describe("hashring fixtures (tests/golden/hashring-fixtures.json)", () => {
  test("generated from hashring 3.2.0", () => {
    assert.equal(fixtures.hashring, "3.2.0");
    assert.equal(HashRing.version, fixtures.hashring);
    assert.ok(fixtures.cases.length >= 4);
  });

  for (const fixture of fixtures.cases) {
    test(fixture.name, () => {
      const { servers, algorithm, options } = fixture.args;
      const ring = new HashRing(servers, algorithm, options);
      assert.equal(ring.size, fixture.size);
      assert.equal(ring.replicas, fixture.replicas);
      assert.deepEqual(
        ring.ring,
        fixture.positions.map((value, i) => ({ value, server: fixture.names[fixture.owners[i]] })),
      );
      for (const [key, owner, range] of fixture.lookups) {
        assert.equal(ring.get(key), owner, `get(${JSON.stringify(key)})`);
        assert.deepEqual(ring.range(key, 3), range, `range(${JSON.stringify(key)}, 3)`);
      }
      // Renaming a server keeps its points: its keys go to the new name, no other key moves.
      const [from] = fixture.names;
      ring.swap(from, "renamed:1");
      for (const [key, owner] of fixture.lookups) {
        assert.equal(ring.get(key), owner === from ? "renamed:1" : owner, `after swap, get(${JSON.stringify(key)})`);
      }
    });
  }
});
