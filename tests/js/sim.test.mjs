// Simulation from JavaScript, against the RELEASE build in pkg/: the golden digests of
// every preset (the file cargo test and the wasm-bindgen suites assert: native = Node), stepping
// equals running, the typed-array event shape, the report, and bad inputs. Every bad input must
// throw the right class (never a WebAssembly.RuntimeError: release glue does not check numbers)
// with a message that starts with the method and names the field, and the SAME simulation must
// keep working.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Simulation } from "../../pkg/sim/index.js";
import { expectThrow, readJson, show } from "./helpers.mjs";

const golden = await readJson(new URL("../golden/sim-digests.json", import.meta.url));

describe("Simulation: determinism", () => {
  test("golden digests at seed 1 match the native ones, for every preset", () => {
    assert.deepEqual(
      golden.digests.map((row) => row.preset),
      Simulation.presets(),
    );
    for (const row of golden.digests) {
      const sim = new Simulation({ preset: row.preset, seed: row.seed });
      const report = sim.run();
      assert.equal(report.digest, row.digest, row.preset);
      assert.equal(report.traceEvents, row.events, row.preset);
      assert.equal(sim.digest(), row.digest);
      assert.equal(sim.done, true);
      sim.free();
    }
  });

  test("stepping in 1 ms and 137 ms increments equals run(); events come back once, as typed arrays", () => {
    const run = new Simulation({ preset: "partition", seed: 5 }).run();
    for (const stepMs of [1, 137]) {
      const sim = new Simulation({ preset: "partition", seed: 5 });
      let total = 0;
      while (!sim.done) {
        const ev = sim.step(sim.nowMs + stepMs);
        assert.ok(ev.atMs instanceof Float64Array && ev.client instanceof Int32Array);
        assert.ok(ev.kind instanceof Uint8Array && ev.resource instanceof Uint32Array);
        assert.ok(ev.token instanceof Float64Array && ev.value instanceof Float64Array);
        for (const array of [ev.atMs, ev.client, ev.kind, ev.resource, ev.token, ev.value]) {
          assert.equal(array.length, ev.length);
        }
        total += ev.length;
      }
      assert.equal(sim.digest(), run.digest, `${stepMs} ms steps`);
      assert.equal(total, run.traceEvents);
      assert.equal(sim.step(1e9).length, 0);
      sim.free();
    }
  });

  test("seeds matter", () => {
    const digests = new Set();
    for (let seed = 1; seed <= 20; seed++) digests.add(new Simulation({ preset: "gcPause", seed }).run().digest);
    assert.equal(digests.size, 20);
  });
});

describe("Simulation: what it reports", () => {
  test("fencing keeps every acknowledged update; without it the checker finds lost updates", () => {
    const fenced = new Simulation({ preset: "gcPause", seed: 3 }).run();
    assert.equal(fenced.counts.lostUpdate, 0);
    assert.ok(fenced.metrics.completedOps > 0);
    const unfenced = new Simulation({ preset: "gcPause", seed: 3, fencing: "off" }).run();
    assert.ok(unfenced.counts.lostUpdate > 0, show(unfenced.counts));
    const lost = unfenced.violations.filter((v) => v.kind === "lostUpdate");
    assert.equal(lost.length, unfenced.counts.lostUpdate);
    for (const v of lost) {
      assert.deepEqual(Object.keys(v), ["kind", "atMs", "client", "other", "resource", "token", "value", "record", "otherRecord"]);
      assert.ok(Number.isInteger(v.atMs) && v.atMs >= 0 && v.atMs <= 10_000);
      assert.ok(Number.isInteger(v.client));
      // The client whose write overwrote it (null if none on the chain), and the records.
      assert.ok(v.other === null || Number.isInteger(v.other));
      assert.ok(Number.isInteger(v.record));
    }
    const times = unfenced.violations.map((v) => v.atMs);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.deepEqual(Object.keys(unfenced.counts), Simulation.violationKinds());
  });

  test("metrics: counts, integer percentiles, per-client rows", () => {
    const sim = new Simulation({ preset: "flashSale" });
    sim.step(5000);
    const m = sim.metrics();
    assert.equal(m.elapsedMs, 5000);
    assert.ok(m.waitP50Ms <= m.waitP95Ms && m.waitP95Ms <= m.waitP99Ms && m.waitP99Ms <= m.waitMaxMs);
    assert.ok(m.utilisationPpm > 0 && m.utilisationPpm <= 1_000_000);
    assert.equal(m.clients.length, 50);
    assert.equal(
      m.completedOps,
      m.clients.reduce((n, c) => n + c.ops, 0),
    );
    for (const value of Object.values(m)) if (typeof value === "number") assert.ok(Number.isSafeInteger(value));
    assert.deepEqual(
      sim.counts(),
      Object.fromEntries(Simulation.violationKinds().map((k) => [k, sim.violations().filter((v) => v.kind === k).length])),
    );
  });

  test("presets: names, complete config objects, descriptions; a preset's object runs like the preset", () => {
    const names = Simulation.presets();
    assert.deepEqual(names, ["flashSale", "gcPause", "clockDrift", "serverCrash", "partition", "failover", "ringFailover", "orderQueue"]);
    for (const name of names) {
      const config = Simulation.preset(name);
      assert.equal(typeof Simulation.describe(name), "string");
      assert.deepEqual(new Simulation(config).config(), config);
      assert.equal(new Simulation(config).run().digest, new Simulation({ preset: name }).run().digest);
    }
    assert.equal(Simulation.preset("flashSale").clients, 50);
    assert.equal(Simulation.preset("serverCrash").crashMode, "loseState");
    assert.equal(Simulation.preset("gcPause").crashAtMs, null);
    const kinds = Simulation.eventKinds();
    assert.equal(kinds.length, 27);
    assert.equal(kinds[3], "granted");
  });

  test("config: defaults, a preset with overrides", () => {
    const d = new Simulation().config();
    assert.equal(d.fencing, "maxToken");
    assert.equal(d.clients, 5);
    const c = new Simulation({ preset: "partition", seed: 9, fencing: "strict", clients: 3 }).config();
    assert.deepEqual([c.seed, c.fencing, c.clients, c.partitions], [9, "strict", 3, Simulation.preset("partition").partitions]);
  });
});

describe("Simulation: bad inputs throw (never trap), naming the field", () => {
  const bad = [
    // [what, config, class, field]
    ["a string", "gcPause", TypeError, /config must be a plain object/],
    ["null", null, TypeError, /config must be a plain object/],
    ["an array", [], TypeError, /config/],
    ["a Map", new Map(), TypeError, /config/],
    ["a class instance", new (class X {})(), TypeError, /config/],
    ["an unknown key", { ttlMS: 100 }, TypeError, /unknown option "ttlMS"/],
    ["ttlMs 0", { ttlMs: 0 }, RangeError, /config\.ttlMs must be an integer in \[1, 60000\], got 0/],
    ["ttlMs -1", { ttlMs: -1 }, RangeError, /config\.ttlMs/],
    ["ttlMs NaN", { ttlMs: NaN }, RangeError, /config\.ttlMs.*NaN/],
    ["ttlMs Infinity", { ttlMs: Infinity }, RangeError, /config\.ttlMs/],
    ["ttlMs 1.5", { ttlMs: 1.5 }, RangeError, /config\.ttlMs/],
    ["ttlMs '100'", { ttlMs: "100" }, TypeError, /config\.ttlMs must be a number/],
    ["ttlMs 100n", { ttlMs: 100n }, TypeError, /config\.ttlMs must be a number/],
    ["clients 2**32", { clients: 2 ** 32 }, RangeError, /config\.clients/],
    ["clients 1001", { clients: 1001 }, RangeError, /config\.clients must be an integer in \[1, 1000\]/],
    ["seed 2**53", { seed: 2 ** 53 }, RangeError, /config\.seed/],
    ["fencing 'on'", { fencing: "on" }, RangeError, /config\.fencing must be one of "off", "maxToken", "strict"/],
    ["fencing true", { fencing: true }, TypeError, /config\.fencing must be a string/],
    ["fifo 1", { fifo: 1 }, TypeError, /config\.fifo must be a boolean/],
    ["renewal 'yes'", { renewal: "yes" }, TypeError, /config\.renewal must be a boolean/],
    ["crashMode 'x'", { crashMode: "x" }, RangeError, /config\.crashMode/],
    ["crashAtMs after the faults", { crashAtMs: 9000 }, RangeError, /config\.crashAtMs/],
    ["nodeDownAtMs with one node", { nodeDownAtMs: 10 }, RangeError, /config\.nodeDownAtMs needs leaseNodes/],
    ["thinkMax < thinkMin", { thinkMinMs: 10, thinkMaxMs: 5 }, RangeError, /config\.thinkMaxMs/],
    ["lossPpm over 10^6", { lossPpm: 1_000_001 }, RangeError, /config\.lossPpm/],
    ["orders without an election", { workload: "orders" }, RangeError, /config\.workload/],
    [
      "strict fencing with an election",
      { preset: "failover", fencing: "strict" },
      RangeError,
      /config\.fencing "strict" needs primitive "lock"/,
    ],
    ["preset 'nope'", { preset: "nope" }, RangeError, /config\.preset must be one of flashSale/],
    ["preset 1", { preset: 1 }, TypeError, /config\.preset must be a string/],
  ];
  for (const [what, config, cls, param] of bad) {
    test(what, () => {
      expectThrow(() => new Simulation(config), cls, { method: "new Simulation", param, what });
    });
  }

  test("a getter that throws is reported, not a trap", () => {
    const config = {
      get ttlMs() {
        throw new Error("boom");
      },
    };
    assert.throws(
      () => new Simulation(config),
      (e) => !(e instanceof WebAssembly.RuntimeError),
    );
  });

  test("Proxies, throwing traps and huge objects are errors, never traps", () => {
    const notTrap = (e) => !(e instanceof WebAssembly.RuntimeError);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const hostile = [
      new Proxy(
        { ttlMs: 100 },
        {
          get() {
            throw new Error("get trap");
          },
        },
      ),
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error("ownKeys trap");
          },
        },
      ),
      new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error("prototype trap");
          },
        },
      ),
      revocable.proxy,
      many,
      { ttlMs: new Proxy({}, {}) },
      {
        ttlMs: {
          valueOf() {
            throw new Error("valueOf");
          },
        },
      },
      { [Symbol("ttlMs")]: 100 },
      Object.assign(Object.create(null), { seed: 1, ttlMs: 1e300 }),
      new Array(1e6),
    ];
    for (const config of hostile) {
      assert.throws(() => new Simulation(config), notTrap);
      assert.throws(() => Simulation.sweep(config, { parameter: "ttlMs", values: [100], seeds: 1 }), notTrap);
    }
    // A Proxy whose traps used for reading work (ownKeys, get) is read like the object it wraps.
    const proxy = new Proxy(
      { preset: "gcPause", ttlMs: 250 },
      {
        getOwnPropertyDescriptor() {
          throw new Error("unused trap");
        },
      },
    );
    const sim = new Simulation(proxy);
    assert.equal(sim.config().ttlMs, 250);
    sim.free();
  });

  test("configFields: one row per config key, and the config echoes in that order", () => {
    const fields = Simulation.configFields();
    const config = new Simulation().config();
    assert.deepEqual(
      fields.map((f) => f.name),
      Object.keys(config),
    );
    assert.equal(fields.length, 47); // with `preset`, the 48 keys of a config
    const ttl = fields.find((f) => f.name === "ttlMs");
    assert.deepEqual(ttl, { name: "ttlMs", kind: "integer", min: 1, max: 60000, label: ttl.label, unit: "ms" });
    assert.ok(ttl.label.length > 0);
    const fencing = fields.find((f) => f.name === "fencing");
    assert.deepEqual(fencing.values, ["off", "maxToken", "strict"]);
    for (const f of fields) {
      if (f.kind === "integer" || f.kind === "integerOrNull") {
        expectThrow(() => new Simulation({ [f.name]: f.max + 1 }), RangeError, {
          method: "new Simulation",
          param: new RegExp(`config\\.${f.name}`),
          what: f.name,
        });
      }
    }
  });

  test("step, preset, describe: bad arguments throw and the simulation keeps working", () => {
    const sim = new Simulation({ preset: "flashSale" });
    for (const [arg, cls] of [
      ["10", TypeError],
      [-1, RangeError],
      [NaN, RangeError],
      [1.5, RangeError],
      [2 ** 53, RangeError],
      [undefined, TypeError],
      [{}, TypeError],
    ]) {
      expectThrow(() => sim.step(arg), cls, { method: "Simulation.step", param: /untilMs/, what: show(arg) });
    }
    assert.equal(sim.nowMs, 0);
    assert.ok(sim.step(100).length > 0);
    assert.equal(sim.nowMs, 100);
    expectThrow(() => Simulation.preset("nope"), RangeError, { method: "Simulation.preset", param: /name/ });
    expectThrow(() => Simulation.preset(7), TypeError, { method: "Simulation.preset", param: /name/ });
    expectThrow(() => Simulation.describe(undefined), TypeError, { method: "Simulation.describe", param: /name/ });
    const report = sim.run();
    assert.equal(report.metrics.elapsedMs, 12_000);
    sim.free();
  });
});
