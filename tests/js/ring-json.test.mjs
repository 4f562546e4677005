// Persistence on the release build: toJSON / HashRing.fromJSON round-trips (both schemes,
// weights, health, insertion order), JSON.stringify, and malformed input: a clear
// SyntaxError / TypeError / RangeError naming the field, never a trap, nothing left broken.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { assertFixtureHealthy, entries, expectThrow, fixtureRing, HashRing, show, snapshot } from "./helpers.mjs";

const KEYS = Array.from({ length: 3000 }, (_, i) => `json-${i}`);

/** Everything observable about a ring, lookups included. */
function observe(ring) {
  return {
    snapshot: snapshot(ring),
    json: ring.toJSON(),
    owners: KEYS.map((k) => ring.nodeFor(k)),
    replicas: KEYS.slice(0, 300).map((k) => ring.nodesFor(k, 3)),
    ownership: entries(ring.ownership()),
  };
}

function checkRoundTrip(ring, what) {
  const want = observe(ring);
  const text = JSON.stringify(ring);
  assert.equal(text, JSON.stringify(ring.toJSON()), `${what}: JSON.stringify(ring) uses toJSON()`);
  for (const [how, input] of [
    ["object", ring.toJSON()],
    ["text", text],
    ["parsed text", JSON.parse(text)],
    ["pretty text", JSON.stringify(ring, null, 2)],
  ]) {
    const again = HashRing.fromJSON(input);
    assert.deepEqual(observe(again), want, `${what}: fromJSON(${how})`);
    assert.equal(JSON.stringify(again), text, `${what}: fromJSON(${how}) saves to the same text`);
    again.free();
  }
  return want.json;
}

describe("toJSON / fromJSON round-trip", () => {
  test("the saved shape: format, version, scheme, vnodes, nodes { id, weight, up } in insertion order", () => {
    const ring = new HashRing({ vnodes: 7, nodes: ["zeta", { id: "alpha", weight: 2.5 }] });
    ring.addNode("mid", { weight: 1 / 3 });
    ring.markDown("alpha");
    assert.deepEqual(ring.toJSON(), {
      format: "ringlease.HashRing",
      version: 1,
      scheme: "sha1",
      vnodes: 7,
      nodes: [
        { id: "zeta", weight: 1, up: true },
        { id: "alpha", weight: 2.5, up: false },
        { id: "mid", weight: 1 / 3, up: true },
      ],
    });
    // Removing and re-adding moves a node to the end; setWeight and health keep its place.
    ring.removeNode("zeta");
    ring.addNode("zeta");
    ring.setWeight("alpha", 4);
    ring.markUp("alpha");
    assert.deepEqual(
      ring.toJSON().nodes.map((n) => [n.id, n.weight, n.up]),
      [
        ["alpha", 4, true],
        ["mid", 1 / 3, true],
        ["zeta", 1, true],
      ],
    );
    ring.free();
  });

  test("toJSON returns a fresh object each time (mutating it does not touch the ring)", () => {
    const ring = new HashRing({ nodes: ["a"] });
    const j = ring.toJSON();
    j.nodes.push({ id: "b", weight: 1, up: true });
    j.vnodes = 3;
    assert.deepEqual(ring.toJSON().nodes, [{ id: "a", weight: 1, up: true }]);
    assert.equal(ring.toJSON().vnodes, 160);
    ring.free();
  });

  for (const scheme of ["sha1", "ketama"]) {
    test(`${scheme}: weights, health and odd ids survive; identical nodes(), points(), owners`, () => {
      const ring = new HashRing({ scheme, vnodes: scheme === "sha1" ? 33 : 13 });
      ring.addNodes([
        "10.0.0.1:11211",
        { id: "東京-🚀", weight: 2.75 },
        { id: "e\u0301", weight: 0.1 + 0.2 }, // 0.30000000000000004 must come back bit for bit
        { id: "\u00e9", weight: 1e-3 },
        { id: '"quoted" \\ back\nslash', weight: 3 },
        { id: "x".repeat(256), weight: 1 },
      ]);
      ring.markDown("10.0.0.1:11211");
      ring.markDown("\u00e9");
      const json = checkRoundTrip(ring, scheme);
      assert.equal(json.scheme, scheme);
      assert.equal(json.nodes[2].weight, 0.1 + 0.2);
      const again = HashRing.fromJSON(json);
      assert.equal(again.isUp("10.0.0.1:11211"), false);
      assert.equal(again.isUp("東京-🚀"), true);
      assert.equal(again.liveCount, 4);
      // The rebuilt ring behaves like the original from here on.
      again.markUp("\u00e9");
      ring.markUp("\u00e9");
      assert.deepEqual(observe(again), observe(ring), "after markUp on both");
      again.free();
      ring.free();
    });
  }

  test("empty rings of both schemes, default and custom vnodes", () => {
    for (const options of [{}, { vnodes: 1 }, { vnodes: 4096 }, { scheme: "ketama" }, { scheme: "ketama", vnodes: 7 }]) {
      const ring = new HashRing(options);
      const json = checkRoundTrip(ring, show(options));
      assert.deepEqual(json.nodes, []);
      ring.free();
    }
  });

  test("every node down survives", () => {
    const ring = new HashRing({ vnodes: 5, nodes: ["a", "b"] });
    ring.markDown("a");
    ring.markDown("b");
    checkRoundTrip(ring, "all down");
    const again = HashRing.fromJSON(JSON.stringify(ring));
    assert.equal(again.liveCount, 0);
    assert.equal(again.nodeFor("k"), undefined);
    again.free();
    ring.free();
  });

  test("ketama: insertion order matters (tied points), and the round-trip keeps it", () => {
    // "tie-184" and "tie-434" share a ketama point (1310727539): the first-added node owns it.
    const tie = 1310727539;
    const tieOwner = (ring) => {
      const { positions, owners } = ring.points();
      const ids = ring.nodes().map((n) => n.id);
      const i = positions.indexOf(tie);
      assert.equal(positions[i + 1], tie, "meta: two points at the tied position");
      return ids[owners[i]];
    };
    const ab = new HashRing({ scheme: "ketama", nodes: ["tie-184", "tie-434"] });
    const ba = new HashRing({ scheme: "ketama", nodes: ["tie-434", "tie-184"] });
    assert.equal(tieOwner(ab), "tie-184");
    assert.equal(tieOwner(ba), "tie-434");
    assert.notDeepEqual(ab.points(), ba.points(), "meta: the two orders give different rings");
    assert.notDeepEqual(entries(ab.ownership()), entries(ba.ownership()), "meta: and different ownership");
    for (const ring of [ab, ba]) {
      checkRoundTrip(ring, "tie");
      const again = HashRing.fromJSON(JSON.stringify(ring));
      assert.equal(tieOwner(again), tieOwner(ring));
      again.free();
    }
    ab.free();
    ba.free();
  });

  test("a JSON text from another writer (reordered keys, up omitted = up) is accepted", () => {
    const ring = HashRing.fromJSON(
      '{"nodes":[{"weight":2,"id":"b"},{"id":"a","weight":1}],"vnodes":10,"scheme":"sha1","version":1,"format":"ringlease.HashRing"}',
    );
    assert.deepEqual(ring.toJSON().nodes, [
      { id: "b", weight: 2, up: true },
      { id: "a", weight: 1, up: true },
    ]);
    assert.equal(ring.liveCount, 2);
    ring.free();
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed input.

function valid() {
  return {
    format: "ringlease.HashRing",
    version: 1,
    scheme: "sha1",
    vnodes: 10,
    nodes: [
      { id: "a", weight: 1, up: true },
      { id: "b", weight: 2, up: false },
    ],
  };
}
function edit(fn) {
  const j = valid();
  fn(j);
  return j;
}

/** fromJSON(input) throws cls (or one of several classes) whose message names the field; later calls work. */
function rejects(input, classes, field, what) {
  const list = Array.isArray(classes) ? classes : [classes];
  const other = fixtureRing();
  let err;
  try {
    HashRing.fromJSON(input);
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `${what}: fromJSON accepted it`);
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `${what}: a RuntimeError (trap): ${err.message}`);
  assert.ok(
    list.includes(err.constructor),
    `${what}: expected ${list.map((c) => c.name).join(" or ")}, got ${err.constructor.name}: ${err.message}`,
  );
  expectThrow(
    () => {
      throw err;
    },
    err.constructor,
    { method: "HashRing.fromJSON", param: field, what },
  );
  assertFixtureHealthy(other, `${what}: another ring`);
  other.free();
  const ok = HashRing.fromJSON(valid());
  assert.equal(ok.nodeCount, 2, `${what}: fromJSON works afterwards`);
  ok.free();
}

describe("fromJSON: malformed input", () => {
  test("text that is not JSON -> SyntaxError", () => {
    for (const text of ["", "{", "nope", "{'format':1}", '{"format":"ringlease.HashRing",}', "[1,", "\uFEFF{}"]) {
      rejects(text, SyntaxError, /\bjson\b/, `text ${show(text)}`);
    }
  });

  test("not an object -> TypeError naming json", () => {
    for (const input of [5, null, undefined, true, [], [valid()], 10n, "5", "null", "[]", '"text"', "true", Symbol("j"), () => valid()]) {
      rejects(input, TypeError, /\bjson\b/, `input ${show(input)}`);
    }
  });

  test("a Map or a class instance is not a plain object -> TypeError", () => {
    rejects(new Map(Object.entries(valid())), TypeError, /\bjson\b/, "Map");
    rejects(Object.assign(new (class Saved {})(), valid()), TypeError, /\bjson\b/, "class instance");
  });

  const FIELD_CASES = [
    // [description, edit, classes, field RegExp]
    ["format missing", (j) => delete j.format, TypeError, /json\.format/],
    ["format wrong", (j) => (j.format = "ringlease.Lease"), [TypeError, RangeError], /json\.format/],
    ["format of another case", (j) => (j.format = "ringlease.hashring"), [TypeError, RangeError], /json\.format/],
    ["format a number", (j) => (j.format = 1), TypeError, /json\.format/],
    ["version missing", (j) => delete j.version, TypeError, /json\.version/],
    ["version 2", (j) => (j.version = 2), RangeError, /json\.version/],
    ["version 0", (j) => (j.version = 0), RangeError, /json\.version/],
    ["version 1.5", (j) => (j.version = 1.5), RangeError, /json\.version/],
    ["version '1'", (j) => (j.version = "1"), TypeError, /json\.version/],
    ["version null", (j) => (j.version = null), TypeError, /json\.version/],
    ["scheme missing", (j) => delete j.scheme, TypeError, /json\.scheme/],
    ["scheme md5", (j) => (j.scheme = "md5"), RangeError, /json\.scheme/],
    ["scheme SHA1", (j) => (j.scheme = "SHA1"), RangeError, /json\.scheme/],
    ["scheme 5", (j) => (j.scheme = 5), TypeError, /json\.scheme/],
    ["vnodes missing", (j) => delete j.vnodes, TypeError, /json\.vnodes/],
    ["vnodes 0", (j) => (j.vnodes = 0), RangeError, /json\.vnodes/],
    ["vnodes 4097", (j) => (j.vnodes = 4097), RangeError, /json\.vnodes/],
    ["vnodes 1.5", (j) => (j.vnodes = 1.5), RangeError, /json\.vnodes/],
    ["vnodes -1", (j) => (j.vnodes = -1), RangeError, /json\.vnodes/],
    ["vnodes '10'", (j) => (j.vnodes = "10"), TypeError, /json\.vnodes/],
    ["nodes missing", (j) => delete j.nodes, TypeError, /json\.nodes/],
    ["nodes an object", (j) => (j.nodes = { 0: { id: "a", weight: 1 } }), TypeError, /json\.nodes/],
    ["nodes a string", (j) => (j.nodes = "a,b"), TypeError, /json\.nodes/],
    ["nodes null", (j) => (j.nodes = null), TypeError, /json\.nodes/],
    ["unknown top-level key", (j) => (j.extra = 1), TypeError, /\bextra\b/],
    ["unknown top-level key 'Nodes'", (j) => (j.Nodes = []), TypeError, /\bNodes\b/],
    ["unknown key in a node", (j) => (j.nodes[1].points = 20), TypeError, /\bpoints\b/],
    ["unknown key in a node, named with its index", (j) => (j.nodes[1].down = true), TypeError, /nodes\[1\]/],
    ["a node that is a string", (j) => (j.nodes[0] = "a"), TypeError, /json\.nodes\[0\]/],
    ["a node that is null", (j) => (j.nodes[1] = null), TypeError, /json\.nodes\[1\]/],
    ["a node that is an array", (j) => (j.nodes[1] = ["b", 2]), TypeError, /json\.nodes\[1\]/],
    ["node id missing", (j) => delete j.nodes[1].id, TypeError, /json\.nodes\[1\]\.id/],
    ["node id a number", (j) => (j.nodes[0].id = 5), TypeError, /json\.nodes\[0\]\.id/],
    ["node id null", (j) => (j.nodes[0].id = null), TypeError, /json\.nodes\[0\]\.id/],
    ["node weight missing", (j) => delete j.nodes[1].weight, TypeError, /json\.nodes\[1\]\.weight/],
    ["node weight '2'", (j) => (j.nodes[1].weight = "2"), TypeError, /json\.nodes\[1\]\.weight/],
    ["node weight null", (j) => (j.nodes[1].weight = null), TypeError, /json\.nodes\[1\]\.weight/],
    ["node up 'true'", (j) => (j.nodes[1].up = "true"), TypeError, /json\.nodes\[1\]\.up/],
    ["node up 1", (j) => (j.nodes[1].up = 1), TypeError, /json\.nodes\[1\]\.up/],
    ["node up null", (j) => (j.nodes[1].up = null), TypeError, /json\.nodes\[1\]\.up/],
    // Values of the right type that are out of range: the message must still say which node.
    ["node weight 0", (j) => (j.nodes[1].weight = 0), RangeError, /json\.nodes\[1\]\.weight/],
    ["node weight -1", (j) => (j.nodes[1].weight = -1), RangeError, /json\.nodes\[1\]\.weight/],
    ["node weight NaN", (j) => (j.nodes[1].weight = NaN), RangeError, /json\.nodes\[1\]\.weight/],
    ["node weight Infinity", (j) => (j.nodes[1].weight = Infinity), RangeError, /json\.nodes\[1\]\.weight/],
    ["node id empty", (j) => (j.nodes[1].id = ""), RangeError, /json\.nodes\[1\]\.id/],
    ["node id with a lone surrogate", (j) => (j.nodes[1].id = "b\uD800"), RangeError, /json\.nodes\[1\]\.id/],
    ["node id over 256 bytes", (j) => (j.nodes[1].id = "é".repeat(129)), RangeError, /json\.nodes\[1\]\.id/],
    ["duplicate id", (j) => (j.nodes[1].id = "a"), [Error, RangeError], /json\.nodes\[1\]\.id|nodes\[1\]/],
    ["more than 2^20 points", (j) => (j.nodes[1].weight = 200000), RangeError, /\bpoints\b|json\.nodes\[1\]\.weight/],
  ];

  for (const [what, fn, classes, field] of FIELD_CASES) {
    test(`${what} -> ${[classes]
      .flat()
      .map((c) => c.name)
      .join("/")} naming ${field}`, () => {
      const input = edit(fn);
      rejects(input, classes, field, `${what} (object)`);
      // The same document as JSON text, where JSON can express it.
      const text = JSON.stringify(input);
      if (text !== undefined && !Number.isNaN(input.nodes?.[1]?.weight) && input.nodes?.[1]?.weight !== Infinity) {
        rejects(text, classes, field, `${what} (text)`);
      }
    });
  }

  test("duplicate id: the message names the id", () => {
    let err;
    try {
      HashRing.fromJSON(edit((j) => (j.nodes[1].id = "a")));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Error);
    assert.match(err.message, /"a"|'a'/);
  });

  test("a throwing getter or Proxy trap in the object: an Error, and fromJSON works afterwards", () => {
    const boom = () => {
      throw new Error("boom from user code");
    };
    for (const input of [
      Object.defineProperty(valid(), "nodes", { get: boom, enumerable: true }),
      edit((j) => Object.defineProperty(j.nodes[1], "weight", { get: boom, enumerable: true })),
      new Proxy(valid(), { ownKeys: boom }),
      new Proxy(valid(), { get: boom }),
    ]) {
      assert.throws(
        () => HashRing.fromJSON(input),
        (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError),
      );
      const ok = HashRing.fromJSON(valid());
      assert.equal(ok.nodeCount, 2);
      ok.free();
    }
  });
});
