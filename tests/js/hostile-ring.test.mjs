// Hostile and extreme inputs to HashRing, on the RELEASE build in pkg/, in Node and in headless
// Chromium: batches far over any everyday size, sparse arrays, keys whose getters grow wasm memory
// while a batch is being read, built-ins patched to do the same, and methods called on another
// class's object. Each must give the right answer or a TypeError/RangeError naming the parameter,
// never a trap or a wrong answer; and after each case the canary checks that the instance still
// works (a new HashRing answers, a new LeaseTable grants).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { withCanary } from "./canary.mjs";
import { expectThrow, ringlease, wasm } from "./helpers.mjs";

const { HashRing } = ringlease;
/** The most keys a batch method takes (README, "Memory"). */
const MAX_BATCH_KEYS = 2 ** 24;

/** A test whose case is followed by the canary, even when the case itself fails. */
const hostile = (name, fn, options = {}) => test(name, options, withCanary(ringlease, fn));

function smallRing() {
  return new HashRing({ vnodes: 40, nodes: ["a", "b", "c", { id: "d", weight: 2 }] });
}

/** 1,000 distinct keys, and an array of `length` keys cycling through them. */
const POOL = Array.from({ length: 1000 }, (_, i) => `key-${i}-${"x".repeat(i % 37)}`);
function cycling(length) {
  const keys = new Array(length);
  for (let i = 0; i < length; i++) keys[i] = POOL[i % POOL.length];
  return keys;
}

/** Rings kept alive by growMemory until a test frees them. */
const held = [];
/** Grows the wasm memory (detaching every view of its old buffer) by building rings in it. */
function growMemory() {
  const before = wasm.memory.buffer.byteLength;
  while (wasm.memory.buffer.byteLength === before) {
    held.push(new HashRing({ vnodes: 4096, nodes: [{ id: `grow-${held.length}`, weight: 64 }] }));
  }
}
function freeHeld() {
  for (const ring of held.splice(0)) ring.free();
}

describe("batches over 2^23 keys and sparse arrays never trap", () => {
  hostile("nodeForMany: 9e6 keys, the last a lone surrogate, is a RangeError naming it", () => {
    const ring = smallRing();
    const keys = cycling(9e6);
    keys[keys.length - 1] = "\ud800";
    expectThrow(() => ring.nodeForMany(keys), RangeError, {
      method: "HashRing.nodeForMany",
      param: /keys\[8999999\]/,
      also: [/surrogate/],
    });
    keys[keys.length - 1] = POOL[0];
    const owners = ring.nodeForMany(keys);
    const expected = ring.nodeForMany(POOL);
    assert.equal(owners.length, 9e6);
    for (let i = 0; i < owners.length; i += 1) {
      if (owners[i] !== expected[i % POOL.length]) assert.fail(`owner of keys[${i}]`);
    }
  });

  hostile("nodeForMany: 8.5e6 keys, one 400,000 characters long, answers every key", () => {
    const ring = smallRing();
    const keys = cycling(8.5e6);
    const long = "é".repeat(200_000) + "k".repeat(200_000);
    keys[4_000_000] = long;
    const owners = ring.nodeForMany(keys);
    const expected = ring.nodeForMany(POOL);
    const ids = ring.nodes().map((n) => n.id);
    assert.equal(ids[owners[4_000_000]], ring.nodeFor(long));
    for (let i = 0; i < owners.length; i += 1) {
      if (i !== 4_000_000 && owners[i] !== expected[i % POOL.length]) assert.fail(`owner of keys[${i}]`);
    }
  });

  hostile("movedKeys: 11e6 keys gives exactly the keys whose owner changed", () => {
    const ring = smallRing();
    const next = HashRing.fromJSON(ring.toJSON());
    next.addNode("e", { weight: 0.2 });
    const movedPool = new Set(POOL.filter((k) => ring.nodeFor(k) !== next.nodeFor(k)));
    assert.ok(movedPool.size > 0 && movedPool.size < POOL.length, "meta: some keys move");
    const keys = cycling(11e6);
    const moved = ring.movedKeys(keys, next);
    const expected = keys.filter((k) => movedPool.has(k));
    assert.equal(moved.length, expected.length);
    assert.deepEqual(moved.slice(0, 5000), expected.slice(0, 5000));
    assert.deepEqual(moved.slice(-5000), expected.slice(-5000));
  });

  hostile("distribution: 11e6 keys, the last a number, is a TypeError naming it", () => {
    const ring = smallRing();
    const keys = cycling(11e6);
    keys[keys.length - 1] = 42;
    expectThrow(() => ring.distribution(keys), TypeError, { method: "HashRing.distribution", param: /keys\[10999999\]/, also: [/got 42/] });
    keys[keys.length - 1] = POOL[(keys.length - 1) % POOL.length];
    const counts = ring.distribution(keys);
    const perPool = ring.distribution(POOL);
    for (const [id, count] of counts) assert.equal(count, perPool.get(id) * (11e6 / POOL.length), id);
  });

  hostile("assignBounded: 2^22 keys stay within the cap", () => {
    const ring = smallRing();
    const keys = cycling(2 ** 22);
    const assigned = ring.assignBounded(keys, 0.1);
    assert.equal(assigned.length, keys.length);
    const cap = Math.ceil((1.1 * keys.length) / 4);
    const load = new Map();
    for (const id of assigned) load.set(id, (load.get(id) ?? 0) + 1);
    for (const [id, n] of load) assert.ok(n <= cap, `${id}: ${n} > ${cap}`);
  });

  hostile(`exactly ${MAX_BATCH_KEYS} keys is accepted`, () => {
    const ring = smallRing();
    const owners = ring.nodeForMany(new Array(MAX_BATCH_KEYS).fill("same"));
    assert.equal(owners.length, MAX_BATCH_KEYS);
    const ids = ring.nodes().map((n) => n.id);
    assert.equal(ids[owners[MAX_BATCH_KEYS - 1]], ring.nodeFor("same"));
    assert.ok(owners.every((o) => o === owners[0]));
  });

  hostile("over 2^24 elements (sparse or not) is a RangeError naming keys and the limit, before any key is read", () => {
    const ring = smallRing();
    const other = smallRing();
    const limit = /keys must have at most 16777216 elements/;
    const huge = [new Array(2 ** 32 - 1), new Array(2 ** 26), new Array(MAX_BATCH_KEYS + 1)];
    const getterHit = [];
    const watched = new Array(MAX_BATCH_KEYS + 1);
    Object.defineProperty(watched, 0, { get: () => getterHit.push(0) && "k" });
    for (const keys of [...huge, watched]) {
      const got = `got ${keys.length}`;
      expectThrow(() => ring.nodeForMany(keys), RangeError, { method: "HashRing.nodeForMany", param: limit, also: [new RegExp(got)] });
      expectThrow(() => ring.distribution(keys), RangeError, { method: "HashRing.distribution", param: limit });
      expectThrow(() => ring.movedKeys(keys, other), RangeError, { method: "HashRing.movedKeys", param: limit });
      expectThrow(() => ring.assignBounded(keys, 0.5), RangeError, { method: "HashRing.assignBounded", param: limit });
    }
    assert.deepEqual(getterHit, [], "no element was read");
  });

  hostile("holes are a TypeError naming the first one", () => {
    const ring = smallRing();
    const other = smallRing();
    const cases = [
      [new Array(5), 0],
      [["a", , "b"], 1], // eslint-disable-line no-sparse-arrays
      [Object.assign(new Array(2 ** 24), { 0: "a", 1: "b" }), 2],
      [Object.assign(new Array(3e6).fill("k"), { 2999999: undefined }), 2999999],
    ];
    for (const [keys, hole] of cases) {
      delete keys[hole];
      const param = new RegExp(`keys\\[${hole}\\] must be a string, got undefined`);
      expectThrow(() => ring.nodeForMany(keys), TypeError, { method: "HashRing.nodeForMany", param });
      expectThrow(() => ring.distribution(keys), TypeError, { method: "HashRing.distribution", param });
      expectThrow(() => ring.movedKeys(keys, other), TypeError, { method: "HashRing.movedKeys", param });
      expectThrow(() => ring.assignBounded(keys, 0.5), TypeError, { method: "HashRing.assignBounded", param });
    }
  });
});

/**
 * Fills wasm's key buffer with other keys of the same UTF-8 lengths as `keys` (each reversed), so
 * that a batch that read stale bytes from it (keys written into a view that memory growth had
 * detached) would find well-formed keys there and give their owners.
 */
function dirtyScratch(ring, keys) {
  ring.nodeForMany(keys.map((key) => [...key].reverse().join("")));
}

describe("wasm memory that grows while JS code runs inside a call", () => {
  /** 2,000 keys, and the same array where reading keys[at] grows the memory (once). */
  function keysWithGrowingGetter(at) {
    // ASCII keys: a non-ASCII key written into a detached view throws, which the old code caught.
    const plain = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
    const hostileKeys = [...plain];
    let grown = 0;
    Object.defineProperty(hostileKeys, at, {
      get() {
        if (grown++ === 0) growMemory();
        return plain[at];
      },
      enumerable: true,
    });
    return { plain, hostileKeys, grown: () => grown };
  }

  const batches = {
    nodeForMany: (ring, keys) => Array.from(ring.nodeForMany(keys)),
    distribution: (ring, keys) => [...ring.distribution(keys)],
    movedKeys: (ring, keys) =>
      ring.movedKeys(
        keys,
        HashRing.fromJSON({
          ...ring.toJSON(),
          nodes: [
            { id: "a", weight: 1 },
            { id: "z", weight: 1 },
          ],
        }),
      ),
    assignBounded: (ring, keys) => ring.assignBounded(keys, 0.1),
  };
  for (const [method, call] of Object.entries(batches)) {
    for (const at of [1, 1000]) {
      hostile(`${method}: a getter on keys[${at}] that grows memory changes no answer`, () => {
        try {
          const ring = smallRing();
          const { plain, hostileKeys, grown } = keysWithGrowingGetter(at);
          const expected = call(ring, plain);
          dirtyScratch(ring, plain);
          const before = wasm.memory.buffer.byteLength;
          assert.deepEqual(call(ring, hostileKeys), expected);
          assert.ok(grown() > 0 && wasm.memory.buffer.byteLength > before, "meta: the memory grew during the call");
        } finally {
          freeHeld();
        }
      });
    }
  }

  hostile("nodeForMany: a Proxy whose get trap grows memory changes no answer", () => {
    try {
      const ring = smallRing();
      const plain = Array.from({ length: 3000 }, (_, i) => `proxied-${i}`);
      const expected = Array.from(ring.nodeForMany(plain));
      dirtyScratch(ring, plain);
      let reads = 0;
      const proxy = new Proxy(plain, {
        get(target, key, receiver) {
          if (key === "700" && reads++ === 0) growMemory();
          return Reflect.get(target, key, receiver);
        },
      });
      assert.deepEqual(Array.from(ring.nodeForMany(proxy)), expected);
      assert.ok(reads > 0);
    } finally {
      freeHeld();
    }
  });

  hostile("a getter that calls back into the same ring: nested reads answer, a nested change is refused", () => {
    const ring = smallRing();
    const plain = Array.from({ length: 5000 }, (_, i) => `nested-${i}`);
    const expected = Array.from(ring.nodeForMany(plain));
    const reading = [...plain];
    let nested;
    Object.defineProperty(reading, 10, {
      get() {
        nested ??= Array.from(ring.nodeForMany(plain.slice(0, 3000)));
        return plain[10];
      },
    });
    assert.deepEqual(Array.from(ring.nodeForMany(reading)), expected);
    assert.deepEqual(nested, expected.slice(0, 3000));
    const changing = [...plain];
    Object.defineProperty(changing, 10, {
      get() {
        ring.addNode("sneaky");
        return plain[10];
      },
    });
    assert.throws(
      () => ring.nodeForMany(changing),
      (error) => !(error instanceof WebAssembly.RuntimeError),
    );
    assert.equal(ring.hasNode("sneaky"), false, "the ring was not changed under the batch");
    assert.deepEqual(Array.from(ring.nodeForMany(plain)), expected, "the ring still answers");
  });

  hostile("a patched String.prototype.isWellFormed that grows memory changes no answer", () => {
    const original = String.prototype.isWellFormed;
    if (typeof original !== "function") return; // the engine has no isWellFormed: nothing to patch
    const ring = smallRing();
    const keys = Array.from({ length: 500 }, (_, i) => `ключ-${i}`);
    const expected = keys.map((k) => ring.nodeFor(k));
    const expectedMany = Array.from(ring.nodeForMany(keys));
    let calls = 0;
    try {
      // eslint-disable-next-line no-extend-native
      String.prototype.isWellFormed = function isWellFormed() {
        if (calls++ % 100 === 0) growMemory();
        return original.call(this);
      };
      assert.deepEqual(
        keys.map((k) => ring.nodeFor(k)),
        expected,
      );
      assert.deepEqual(Array.from(ring.nodeForMany(keys)), expectedMany);
      assert.deepEqual(
        keys.map((k) => ring.positionOf(k)),
        keys.map((k) => ring.positionOf(k)),
      );
    } finally {
      String.prototype.isWellFormed = original; // eslint-disable-line no-extend-native
      freeHeld();
    }
    assert.ok(calls > 0, "meta: the patched method ran");
  });
});

describe("a method called on another class's object is a TypeError", () => {
  const classes = Object.entries(ringlease).filter(([, v]) => typeof v === "function" && typeof v.prototype?.free === "function");
  const makers = {
    HashRing: () => new HashRing({ nodes: ["a"] }),
    LeaseTable: () => new ringlease.LeaseTable(),
    FencedStore: () => new ringlease.FencedStore(),
    Simulation: () => new ringlease.Simulation(),
    KetamaRing: () => new ringlease.KetamaRing("md5", 4, ["a"], new Uint32Array([1]), new Uint32Array([0])),
  };

  test("every class of the package is covered", () => {
    assert.deepEqual(classes.map(([name]) => name).sort(), Object.keys(makers).sort());
  });

  hostile("the reported cases: addNode and nodeFor on a LeaseTable", () => {
    const table = new ringlease.LeaseTable();
    expectThrow(() => HashRing.prototype.addNode.call(table, "x"), TypeError, {
      method: "HashRing.addNode",
      also: [/called on a LeaseTable, not a HashRing/],
    });
    expectThrow(() => HashRing.prototype.nodeFor.call(table, "k"), TypeError, { method: "HashRing.nodeFor", also: [/a LeaseTable/] });
    assert.equal(table.acquire("r", "o", { ttlMs: 10, nowMs: 0 }).status, "granted", "the table still works");
  });

  hostile("a HashRing dressed as a LeaseTable is refused as a strict store's table", () => {
    const ring = new HashRing({ nodes: ["a"] });
    const fake = Object.setPrototypeOf(new HashRing({ nodes: ["b"] }), ringlease.LeaseTable.prototype);
    expectThrow(() => new ringlease.FencedStore({ strict: fake }), TypeError, { method: "new FencedStore", param: /options\.strict/ });
    assert.equal(ring.nodeFor("k"), "a");
  });

  hostile("every method, getter and setter of every class refuses every foreign receiver", () => {
    const own = Object.fromEntries(classes.map(([name]) => [name, makers[name]()]));
    let checked = 0;
    for (const [name, cls] of classes) {
      const foreign = [
        ...classes.filter(([other]) => other !== name).map(([other]) => own[other]),
        // Another class's object dressed up as this class.
        Object.setPrototypeOf(makers[classes.find(([other]) => other !== name)[0]](), cls.prototype),
        Object.create(cls.prototype),
        new Proxy(own[name], {}),
        { __wbg_ptr: 8 },
        {},
        undefined,
        null,
        1,
        "text",
      ];
      for (const key of Reflect.ownKeys(cls.prototype)) {
        // __wbg_ptr: the hook that brands the objects the generated code makes (js/receivers.js).
        if (key === "constructor" || key === "__wbg_ptr") continue;
        const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, key);
        const member = typeof key === "symbol" ? `[${key.description}]` : key;
        for (const [part, fn] of [
          ["value", descriptor.value],
          ["get", descriptor.get],
          ["set", descriptor.set],
        ]) {
          if (typeof fn !== "function") continue;
          for (const receiver of foreign) {
            expectThrow(() => fn.call(receiver, "k", 1), TypeError, {
              method: `${name}.${member}`,
              what: `${name}.${member} (${part}) on ${String(receiver?.constructor?.name ?? receiver)}`,
            });
            checked += 1;
          }
        }
      }
    }
    assert.ok(checked > 500, `meta: ${checked} calls checked`);
    // Every object used as a receiver still works.
    const ring = own.HashRing;
    assert.equal(ring.nodeFor("k"), "a");
    ring.addNode("b");
    assert.equal(ring.nodeCount, 2);
    assert.equal(own.LeaseTable.acquire("r", "o", { ttlMs: 10, nowMs: 0 }).status, "granted");
    assert.deepEqual(own.FencedStore.write("k", 1, 1, 0), { accepted: true, version: 1 });
    own.Simulation.step(1);
    for (const object of Object.values(own)) object.free();
  });

  hostile("instances made by constructors, subclasses and fromJSON keep working", () => {
    class Named extends HashRing {
      get label() {
        return `ring of ${this.nodeCount}`;
      }
    }
    const named = new Named({ nodes: ["a", "b"] });
    assert.equal(named.label, "ring of 2");
    assert.equal(named.nodeFor("k"), new HashRing({ nodes: ["a", "b"] }).nodeFor("k"));
    const copy = HashRing.fromJSON(named.toJSON());
    assert.equal(copy.nodeFor("k"), named.nodeFor("k"));
    assert.equal(copy.nodeCount, 2);
    copy.free();
    named.free();
    expectThrow(() => named.nodeFor("k"), Error, { what: "a freed ring" });
  });
});

describe("an exception from the caller's code whose message getter throws", () => {
  /** An Error whose `message` is a getter that throws (so does reading it to quote it). */
  const booby = () => {
    const error = new Error("outer");
    Object.defineProperty(error, "message", {
      get() {
        throw new Error("message getter");
      },
    });
    return error;
  };

  hostile("another ring's toJSON throws it, 20,000 times: an Error each time", () => {
    const ring = smallRing();
    const other = {
      toJSON() {
        throw booby();
      },
    };
    for (let i = 0; i < 20_000; i++) {
      expectThrow(() => ring.movedKeys(["k"], other), Error, { method: "HashRing.movedKeys", param: /\bother\b/ });
    }
    assert.equal(ring.nodeFor("k"), new HashRing({ vnodes: 40, nodes: ["a", "b", "c", { id: "d", weight: 2 }] }).nodeFor("k"));
  });

  hostile("a stored value's toJSON throws it, 20,000 times: a TypeError each time", () => {
    const store = new ringlease.FencedStore();
    const value = {
      toJSON() {
        throw booby();
      },
    };
    for (let i = 0; i < 20_000; i++) {
      expectThrow(() => store.write("k", value, 1, 0), TypeError, { method: "FencedStore.write", param: /\bvalue\b/ });
    }
    assert.deepEqual(store.write("k", { ok: true }, 1, 0), { accepted: true, version: 1 });
  });
});

describe("KetamaRing reads its Uint32Array arguments through their internal slots only", () => {
  const { KetamaRing } = ringlease;
  const build = (digests, owners) => new KetamaRing("md5", 4, ["a", "b"], digests, owners);
  const plain = build(new Uint32Array([3, 5]), new Uint32Array([0, 1]));
  const expected = Array.from(plain.positions());

  /** A subclass whose `length` getter runs `get`. */
  const withLength = (get, values) => {
    class Odd extends Uint32Array {
      get length() {
        return get();
      }
    }
    return new Odd(values);
  };

  hostile("a length getter that throws, 20,000 times: never read", () => {
    const digests = withLength(() => {
      throw new Error("length getter");
    }, [3, 5]);
    for (let i = 0; i < 20_000; i++) {
      assert.deepEqual(Array.from(build(digests, new Uint32Array([0, 1])).positions()), expected);
    }
  });

  hostile("a length that lies, or one that changes between reads: the real elements are read", () => {
    let calls = 0;
    const lying = withLength(() => 5, [3, 5]);
    const changing = withLength(() => (calls++ % 2 === 0 ? 1 : 9), [0, 1]);
    assert.deepEqual(Array.from(build(lying, changing).positions()), expected);
    const own = new Uint32Array([3, 5]);
    Object.defineProperty(own, "length", { value: 1 });
    assert.deepEqual(Array.from(build(own, new Uint32Array([0, 1])).positions()), expected);
  });

  hostile("a Proxy of one, a look-alike and another typed array are TypeErrors naming the argument", () => {
    const owners = new Uint32Array([0, 1]);
    const trap = new Proxy(new Uint32Array([3, 5]), {
      get() {
        throw new Error("trap");
      },
    });
    for (const digests of [trap, Object.setPrototypeOf({ length: 2, 0: 3, 1: 5 }, Uint32Array.prototype), new Int32Array([3, 5]), [3, 5]]) {
      expectThrow(() => build(digests, owners), TypeError, { method: "new KetamaRing", param: /\bdigests\b/ });
    }
  });

  hostile("more elements than a ring has points: a RangeError before anything is copied", () => {
    const big = new Uint32Array(2 ** 20 + 1);
    expectThrow(() => new KetamaRing("md5", 4, ["a"], new Uint32Array([1]), big), RangeError, {
      method: "new KetamaRing",
      param: /\bowners\b/,
    });
  });
});
