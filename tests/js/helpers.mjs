// Shared helpers for the JS suites that run against the RELEASE build in pkg/: in Node
// (node --test) and in headless Chromium (tests/browser-harness/, driven by tests/page/js-suites.test.mjs).
// This module is the suites' environment: it initialises the wasm (initSync from the file in Node,
// `await init()` over HTTP in a browser), loads the golden table and the reference ring
// (scripts/gen-golden.mjs), and re-exports the pure helpers of support.mjs. Node built-ins other
// than node:assert/strict are only imported dynamically, when running from file: URLs.
import assert from "node:assert/strict";
import * as leaseEntry from "../../pkg/lease/index.js";
import * as ringEntry from "../../pkg/ring/index.js";
import init, { HashRing, initSync } from "../../pkg/sim/index.js";
import * as reference from "../../scripts/gen-golden.mjs";

export * from "./support.mjs";

const WASM_URL = new URL("../../pkg/sim/ringlease_sim_bg.wasm", import.meta.url);
const GOLDEN_URL = new URL("../golden/ring-sha1.json", import.meta.url);
/** Node runs the suites from file: URLs; the browser harness loads them over HTTP. */
const IN_NODE = import.meta.url.startsWith("file:");
const readFileSync = IN_NODE ? (await import("node:fs")).readFileSync : undefined;

/** The wasm instance's exports (for `memory`). */
export const wasm = IN_NODE ? initSync({ module: readFileSync(WASM_URL) }) : await init({ module_or_path: WASM_URL });

/** Instantiates another entry's wasm: from the file in Node, over HTTP in a browser. */
async function load(entry, file) {
  const url = new URL(`../../pkg/${file}`, import.meta.url);
  return IN_NODE ? entry.initSync({ module: readFileSync(url) }) : await entry.default({ module_or_path: url });
}
/**
 * The `ringlease` entry's instance (pkg/ring/: HashRing and the `ringlease/hashring` drop-in)
 * and the `ringlease/lease` entry's (pkg/lease/), each separate from the sim entry's above.
 */
export const ringEntryWasm = await load(ringEntry, "ring/ringlease_bg.wasm");
export const leaseEntryWasm = await load(leaseEntry, "lease/ringlease_lease_bg.wasm");

export { HashRing, reference };

export const golden = await readJson(GOLDEN_URL);

/** A JSON file next to the tests: read from disk in Node, fetched over HTTP in a browser. */
export async function readJson(url) {
  return IN_NODE ? JSON.parse(readFileSync(url, "utf8")) : await (await fetch(url)).json();
}

export const FIXTURE_NODES = [
  { id: "node-0", weight: 1 },
  { id: "node-1", weight: 2 },
  { id: "node-2", weight: 0.5 },
  { id: "node-3", weight: 1 },
  { id: "node-4", weight: 1 },
];
export const FIXTURE_VNODES = 40;
const fixtureRef = reference.buildRing(FIXTURE_VNODES, FIXTURE_NODES);
const fixtureKeys = Array.from({ length: 40 }, (_, i) => `healthy-${i}`);

/** A small ring with known content (checked by assertFixtureHealthy). */
export function fixtureRing() {
  const ring = new HashRing({ vnodes: FIXTURE_VNODES });
  for (const n of FIXTURE_NODES) ring.addNode(n.id, { weight: n.weight });
  return ring;
}

/**
 * G2: after an error the SAME object still works: reads agree with the reference, and a
 * mutation (add + remove a probe node) goes through and restores the ring.
 */
export function assertFixtureHealthy(ring, what = "") {
  assert.equal(ring.nodeCount, FIXTURE_NODES.length, `${what}: nodeCount`);
  assert.equal(ring.pointCount, fixtureRef.points.length, `${what}: pointCount`);
  for (const key of fixtureKeys) {
    assert.equal(ring.nodeFor(key), reference.ownerOf(fixtureRef, key), `${what}: nodeFor(${key})`);
  }
  assert.deepEqual(ring.nodesFor("healthy-0", 2), reference.replicasOf(fixtureRef, "healthy-0", 2), `${what}: nodesFor`);
  ring.addNode("__probe__");
  assert.equal(ring.hasNode("__probe__"), true, `${what}: addNode after the error`);
  ring.removeNode("__probe__");
  assert.equal(ring.hasNode("__probe__"), false, `${what}: removeNode after the error`);
  assert.equal(ring.pointCount, fixtureRef.points.length, `${what}: pointCount after probe`);
}

/** Builds a ring from a golden case (nodes added one by one in the given order). */
export function ringFromNodes(vnodes, nodes) {
  const ring = new HashRing({ vnodes });
  for (const n of nodes) ring.addNode(n.id, { weight: n.weight });
  return ring;
}

export function utf8Sort(ids) {
  return [...ids].sort(reference.compareIds);
}

/** The sim entry's whole module (every class), for suites that go over all of it. */
export * as ringlease from "../../pkg/sim/index.js";
