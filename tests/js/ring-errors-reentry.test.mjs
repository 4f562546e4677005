// Bad inputs from JavaScript that reach the ring from outside the arguments' values: a ring used
// after free(), the caller's own getters and Proxy traps throwing while arguments are decoded
// (G2: the ring keeps working), and options that are not plain objects. Against the release
// build, with the same checks as ring-errors.test.mjs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertFixtureHealthy, expectThrow, fixtureRing, HashRing, show, snapshot } from "./helpers.mjs";
import { OPTIONS, onFixture } from "./ring-bad-inputs.mjs";

describe("use after free()", () => {
  const calls = [
    ["nodeFor", (r) => r.nodeFor("k")],
    ["nodesFor", (r) => r.nodesFor("k", 2)],
    ["positionOf", (r) => r.positionOf("k")],
    ["addNode", (r) => r.addNode("z")],
    ["addNodes", (r) => r.addNodes(["z"])],
    ["removeNode", (r) => r.removeNode("node-0")],
    ["hasNode", (r) => r.hasNode("node-0")],
    ["nodes", (r) => r.nodes()],
    ["points", (r) => r.points()],
    ["nodeCount", (r) => r.nodeCount],
    ["pointCount", (r) => r.pointCount],
    ["vnodes", (r) => r.vnodes],
    ["scheme", (r) => r.scheme],
    ["liveCount", (r) => r.liveCount],
    ["setWeight", (r) => r.setWeight("node-0", 2)],
    ["markDown", (r) => r.markDown("node-0")],
    ["markUp", (r) => r.markUp("node-0")],
    ["isUp", (r) => r.isUp("node-0")],
    ["nodeForMany", (r) => r.nodeForMany(["k"])],
    ["ownership", (r) => r.ownership()],
    ["distribution", (r) => r.distribution(["k"])],
    ["assignBounded", (r) => r.assignBounded(["k"], 0.5)],
    ["movedKeys", (r) => r.movedKeys(["k"], new HashRing())],
    ["toJSON", (r) => r.toJSON()],
    ["JSON.stringify", (r) => JSON.stringify(r)],
  ];
  test("every method and getter throws an Error (not a RuntimeError); other rings keep working", () => {
    const other = fixtureRing();
    const ring = fixtureRing();
    ring.free();
    for (const [name, call] of calls) {
      let threw = false;
      try {
        call(ring);
      } catch (e) {
        threw = true;
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `${name} after free: RuntimeError ${e.message}`);
        assert.ok(e instanceof Error, `${name} after free: not an Error: ${show(e)}`);
      }
      assert.ok(threw, `${name} after free() must throw`);
      assertFixtureHealthy(other, `other ring after freed.${name}`);
    }
    other.free();
  });

  test("a second free() is a no-op or a clear Error, and the process goes on", () => {
    const other = fixtureRing();
    const ring = fixtureRing();
    ring.free();
    try {
      ring.free();
    } catch (e) {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `second free: RuntimeError ${e.message}`);
      assert.ok(e instanceof Error);
    }
    assertFixtureHealthy(other, "after double free");
    const fresh = fixtureRing();
    assertFixtureHealthy(fresh, "a ring made after double free");
    fresh.free();
    other.free();
  });
});

describe("JS exceptions thrown by the caller's own objects during argument decoding (G2)", () => {
  // Getters, Proxy traps and array element accessors run user code while the method decodes its
  // arguments. Whatever they throw may propagate, but it must not leave the ring borrowed
  // ("recursive use of an object detected"), i.e. the same ring must keep working.
  const boom = () => {
    throw new Error("boom from user code");
  };
  const cases = [
    [
      "addNode options with a throwing weight getter",
      (r) =>
        r.addNode("p", {
          get weight() {
            return boom();
          },
        }),
    ],
    ["addNode options Proxy whose ownKeys trap throws", (r) => r.addNode("p", new Proxy({}, { ownKeys: boom }))],
    ["addNode options Proxy whose get trap throws", (r) => r.addNode("p", new Proxy({ weight: 1 }, { get: boom }))],
    [
      "addNodes spec with a throwing id getter",
      (r) =>
        r.addNodes([
          "ok-1",
          {
            get id() {
              return boom();
            },
          },
        ]),
    ],
    ["addNodes spec Proxy whose ownKeys trap throws", (r) => r.addNodes(["ok-1", new Proxy({ id: "q" }, { ownKeys: boom })])],
    [
      "addNodes array Proxy whose element getter throws",
      (r) => r.addNodes(new Proxy(["ok-1", "ok-2"], { get: (t, k) => (k === "1" ? boom() : Reflect.get(t, k)) })),
    ],
    [
      "addNodes array Proxy whose length getter throws",
      (r) => r.addNodes(new Proxy(["ok-1"], { get: (t, k) => (k === "length" ? boom() : Reflect.get(t, k)) })),
    ],
    ["setWeight with a weight Proxy", (r) => r.setWeight("node-0", new Proxy({}, { get: boom }))],
    ...["nodeForMany", "distribution", "assignBounded", "movedKeys"].flatMap((name) => {
      const call = (r, keys) =>
        name === "assignBounded" ? r.assignBounded(keys, 0.5) : name === "movedKeys" ? r.movedKeys(keys, r) : r[name](keys);
      return [
        [
          `${name} keys array Proxy whose element getter throws`,
          (r) => call(r, new Proxy(["a", "b"], { get: (t, k) => (k === "1" ? boom() : Reflect.get(t, k)) })),
        ],
        [
          `${name} keys array Proxy whose length getter throws`,
          (r) => call(r, new Proxy(["a"], { get: (t, k) => (k === "length" ? boom() : Reflect.get(t, k)) })),
        ],
        [`${name} keys array with a throwing element getter`, (r) => call(r, Object.defineProperty(["a", "b"], 1, { get: boom }))],
      ];
    }),
    ["assignBounded epsilon Proxy", (r) => r.assignBounded(["a"], new Proxy({}, { get: boom }))],
    ["movedKeys other Proxy whose get trap throws", (r) => r.movedKeys(["a"], new Proxy({}, { get: boom }))],
  ];
  for (const [name, call] of cases) {
    test(`${name}: throws, ring unchanged and still usable`, () => {
      const ring = fixtureRing();
      const before = snapshot(ring);
      let threw = false;
      try {
        call(ring);
      } catch (e) {
        threw = true;
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `RuntimeError: ${e.message}`);
        assert.ok(e instanceof Error, `not an Error: ${show(e)}`);
      }
      assert.ok(threw, "the user-code exception (or a TypeError) must surface");
      assert.deepEqual(snapshot(ring), before, "the ring changed");
      assertFixtureHealthy(ring, name);
      ring.free();
    });
  }

  test("new HashRing with a throwing vnodes getter / ownKeys trap: later rings work", () => {
    for (const options of [
      {
        get vnodes() {
          return boom();
        },
      },
      new Proxy({}, { ownKeys: boom }),
      {
        get scheme() {
          return boom();
        },
      },
      {
        get nodes() {
          return boom();
        },
      },
      {
        nodes: [
          "a",
          {
            get id() {
              return boom();
            },
          },
        ],
      },
      { nodes: new Proxy(["a", "b"], { get: (t, k) => (k === "1" ? boom() : Reflect.get(t, k)) }) },
    ]) {
      assert.throws(
        () => new HashRing(options),
        (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError),
      );
    }
    const ring = fixtureRing();
    assertFixtureHealthy(ring, "after constructor user-code errors");
    ring.free();
  });
});

describe("options must be plain objects", () => {
  test("Map, Date and class instances are not options objects -> TypeError (not silently ignored)", () => {
    for (const options of [new Map([["vnodes", 3]]), new Date(0), new (class Opts {})(), /vnodes/]) {
      expectThrow(() => new HashRing(options), TypeError, {
        method: "new HashRing",
        param: OPTIONS,
        what: `new HashRing(${options.constructor.name})`,
      });
    }
    for (const options of [new Map([["weight", 3]]), new Date(0)]) {
      onFixture((r) => r.addNode("x", options), TypeError, {
        method: "HashRing.addNode",
        param: OPTIONS,
        what: `addNode(x, ${options.constructor.name})`,
      });
    }
  });

  test("a null-prototype object is a plain object and is accepted", () => {
    const options = Object.create(null);
    options.vnodes = 3;
    const ring = new HashRing(options);
    assert.equal(ring.vnodes, 3);
    const nodeOptions = Object.create(null);
    nodeOptions.weight = 2;
    ring.addNode("a", nodeOptions);
    assert.deepEqual(ring.nodes(), [{ id: "a", weight: 2, points: 6, up: true }]);
    ring.free();
  });
});
