// Pure helpers of the JS suites: assertions (expectThrow), value printing, a seeded PRNG, ring
// snapshots and a JS model of a ring's lookups. No wasm, no files, no Node built-ins other than
// node:assert/strict, so they run unchanged in Node (node --test) and in headless Chromium
// (tests/browser-harness/, where node:assert/strict is a small shim). helpers.mjs re-exports all of it.
import assert from "node:assert/strict";
import { mulberry32 } from "../../scripts/lib/mulberry32.mjs";
import { lowerBound } from "../../www/ring/ring-stats.js";

/** mulberry32: a small seeded PRNG (no Math.random in tests). Returns floats in [0, 1). */
export function prng(seed) {
  const draw = mulberry32(seed);
  const next = () => draw() / 4294967296;
  next.int = (n) => Math.floor(next() * n);
  next.shuffle = (array) => {
    const out = [...array];
    for (let i = out.length - 1; i > 0; i--) {
      const j = next.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return next;
}

/** JS-side text of a value for assertion messages (Symbols, BigInts, long strings). */
export function show(value) {
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return value.length > 40 ? `"${value.slice(0, 20)}…" (length ${value.length})` : JSON.stringify(value);
  if (Object.is(value, -0)) return "-0";
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Runs fn, which must throw exactly `cls` (TypeError, RangeError or Error), never a
 * WebAssembly.RuntimeError (a trap/panic). `method` is the required message prefix
 * ("HashRing.addNode" or "new HashRing"); `param` a RegExp the message must match (it names the
 * parameter); `also` more RegExps the message must match. Returns the error.
 */
export function expectThrow(fn, cls, { method, param, also = [], what = "" } = {}) {
  let threw = false;
  let err;
  try {
    fn();
  } catch (e) {
    threw = true;
    err = e;
  }
  assert.ok(threw, `${what}: expected ${cls.name}, but nothing was thrown`);
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `${what}: got a WebAssembly.RuntimeError (a trap or panic): ${err?.message}`);
  assert.ok(err instanceof Error, `${what}: the thrown value is not an Error: ${show(err)}`);
  assert.equal(err.constructor, cls, `${what}: expected ${cls.name}, got ${err.constructor?.name}: ${clip(err.message)}`);
  if (method) {
    assert.ok(err.message.startsWith(`${method}: `), `${what}: message should start with "${method}: ", got ${clip(err.message)}`);
  }
  if (param) assert.ok(param.test(err.message), `${what}: message should name the parameter (${param}), got ${clip(err.message)}`);
  for (const re of also) assert.ok(re.test(err.message), `${what}: message should match ${re}, got ${clip(err.message)}`);
  return err;
}

function clip(message) {
  const text = JSON.stringify(String(message));
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** Everything observable about a ring, for "unchanged" checks. */
export function snapshot(ring) {
  const pts = ring.points();
  return {
    scheme: ring.scheme,
    nodeCount: ring.nodeCount,
    liveCount: ring.liveCount,
    pointCount: ring.pointCount,
    vnodes: ring.vnodes,
    nodes: ring.nodes(),
    positions: Array.from(pts.positions),
    owners: Array.from(pts.owners),
  };
}

// ---------------------------------------------------------------------------------------------
// A JS model of a ring's lookups, built only from what the ring shows (points() and nodes()), for
// brute-force checks of RingChange arcs, ownership(), failover and bounded loads.

/** Number of key positions on the ring (u32). */
export const SPACE = 2 ** 32;
/** nodeForMany's "no live node". */
export const NO_NODE = 4294967295;

/** { positions, owners, ids, up }: positions ascending, owners index ids/up (from nodes()). */
export function ringModel(ring) {
  const { positions, owners } = ring.points();
  const nodes = ring.nodes();
  return { positions, owners, ids: nodes.map((n) => n.id), up: nodes.map((n) => n.up) };
}

/** Index of the first point with position >= pos, wrapping to 0 (the owner point, health aside). */
export function pointIndexAt(model, pos) {
  const index = lowerBound(model.positions, pos);
  return index === model.positions.length ? 0 : index;
}

/**
 * The live owner of a key position: from the owner point, clockwise to the first point whose node
 * is up. null when no node is up (or the ring is empty).
 */
export function ownerAt(model, pos) {
  const n = model.positions.length;
  if (n === 0) return null;
  const start = pointIndexAt(model, pos);
  for (let k = 0; k < n; k++) {
    const o = model.owners[(start + k) % n];
    if (model.up[o]) return model.ids[o];
  }
  return null;
}

/** The live replica list of a key position (distinct up nodes clockwise from the owner point). */
export function replicasAt(model, pos, want) {
  const n = model.positions.length;
  const out = [];
  if (n === 0) return out;
  const start = pointIndexAt(model, pos);
  for (let k = 0; k < n && out.length < want; k++) {
    const o = model.owners[(start + k) % n];
    if (model.up[o] && !out.includes(model.ids[o])) out.push(model.ids[o]);
  }
  return out;
}

/**
 * How many of the 2^32 key positions each node owns (exact integers), health included: point i
 * owns (positions[i-1], positions[i]] (point 0 also owns everything after the last point), and a
 * down node's positions count for the next live point clockwise. Every node listed.
 */
export function positionsOwned(model) {
  const counts = new Map(model.ids.map((id) => [id, 0]));
  const n = model.positions.length;
  if (n === 0) return counts;
  // liveFrom[i]: the live owner found walking clockwise from point i.
  const liveFrom = new Array(n).fill(null);
  let next = null;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = n - 1; i >= 0; i--) {
      const o = model.owners[i];
      if (model.up[o]) next = model.ids[o];
      liveFrom[i] = next;
    }
  }
  if (liveFrom[0] === null) return counts; // no node up
  for (let i = 0; i < n; i++) {
    const len = i === 0 ? model.positions[0] + SPACE - model.positions[n - 1] : model.positions[i] - model.positions[i - 1];
    counts.set(liveFrom[i], counts.get(liveFrom[i]) + len);
  }
  return counts;
}

/** A Map as a plain sorted array of [key, value] (for deepEqual with a clear diff). */
export function entries(map) {
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
