// Shared by the ring's bad-input suites (ring-errors*.test.mjs): a fixture runner that checks
// the error, that the ring is unchanged and keeps working, the parameter-name patterns, and the
// classes of bad ids and keys.
import assert from "node:assert/strict";

import { assertFixtureHealthy, expectThrow, fixtureRing, show, snapshot } from "./helpers.mjs";

/** Runs a bad call on a fresh fixture ring; checks the error, "unchanged" and G2. */
export function onFixture(call, cls, opts) {
  const ring = fixtureRing();
  const before = snapshot(ring);
  const err = expectThrow(() => call(ring), cls, opts);
  assert.deepEqual(snapshot(ring), before, `${opts.what}: the ring changed`);
  assertFixtureHealthy(ring, opts.what);
  ring.free();
  return err;
}

export const ID = /\bid\b/;
export const KEY = /\bkey\b/;
export const N = /\bn\b/;
export const VNODES = /\bvnodes\b/;
export const WEIGHT = /\bweight\b/;
export const OPTIONS = /\boptions\b/;
export const NODES = /\bnodes\b/;

// Values that are not strings, for ids and keys.
export const NOT_STRINGS = [42, null, undefined, {}, [], Symbol("s"), true, 42n, () => "x", new String("x")];
// Strings that are not valid ids.
export const BAD_ID_STRINGS = [
  "",
  "x".repeat(257),
  "é".repeat(129), // 258 bytes, 129 UTF-16 units
  "€".repeat(86), // 258 bytes, 86 units
  "🚀".repeat(64) + "x", // 257 bytes
  "x".repeat(100_000),
  "\uD800",
  "a\uDC00b",
  "ab\uD83D",
  "\uDE80",
];
export const LONE_SURROGATES = ["\uD800", "a\uDC00b", "ab\uD83D", "\uDE80", "🚀\uD83D"];

// A batch of node specs (`new HashRing({ nodes })`, `addNodes`) whose last spec is bad, after
// valid ones: [specs, error class, what the message names].
export const GOOD_SPECS = ["ok-1", { id: "ok-2", weight: 2 }];
export const BAD_SPEC_BATCHES = [
  [[...GOOD_SPECS, 42], TypeError, NODES],
  [[...GOOD_SPECS, null], TypeError, NODES],
  [[...GOOD_SPECS, undefined], TypeError, NODES],
  [[...GOOD_SPECS, true], TypeError, NODES],
  [[...GOOD_SPECS, Symbol("s")], TypeError, NODES],
  [[...GOOD_SPECS, ["ok-3"]], TypeError, /\bnodes\b|\bid\b/],
  [[...GOOD_SPECS, { id: 42 }], TypeError, ID],
  [[...GOOD_SPECS, { weight: 2 }], TypeError, ID],
  [[...GOOD_SPECS, { id: "ok-3", weight: "2" }], TypeError, WEIGHT],
  [[...GOOD_SPECS, { id: "ok-3", wieght: 2 }], TypeError, /\bwieght\b/],
  [[...GOOD_SPECS, { id: "ok-3", up: false }], TypeError, /\bup\b/],
  [[...GOOD_SPECS, { id: "ok-3", weight: 0 }], RangeError, WEIGHT],
  [[...GOOD_SPECS, { id: "ok-3", weight: -1 }], RangeError, WEIGHT],
  [[...GOOD_SPECS, { id: "ok-3", weight: NaN }], RangeError, WEIGHT],
  [[...GOOD_SPECS, { id: "ok-3", weight: Infinity }], RangeError, WEIGHT],
  [[...GOOD_SPECS, ""], RangeError, /\bnodes\[2\]|\bid\b/],
  [[...GOOD_SPECS, { id: "" }], RangeError, ID],
  [[...GOOD_SPECS, "\uD800"], RangeError, /\bnodes\[2\]|\bid\b/],
  [[...GOOD_SPECS, "x".repeat(257)], RangeError, /\bnodes\[2\]|\bid\b/],
  [[...GOOD_SPECS, "ok-1"], Error, /already exists/],
  [[...GOOD_SPECS, { id: "ok-2", weight: 1 }], Error, /already exists/],
  [["p", "p"], Error, /already exists/],
];

/**
 * For each `[name, call]` of `methods`, where `call(ring, value)` passes `value` as the string
 * parameter matching `param`: a `TypeError` case for every non-string and a `RangeError` case
 * for every lone surrogate, each on the fixture ring. Returns `[title, body]` pairs for the
 * suite to hand to `test()` (node --test attributes a test to the file that calls `test`).
 * @param {Array<[string, (ring: any, value: any) => unknown]>} methods
 * @param {RegExp} param
 * @returns {Array<[string, () => void]>}
 */
export function stringParameterCases(methods, param) {
  const cases = [];
  for (const [name, call] of methods) {
    const method = `HashRing.${name}`;
    for (const value of NOT_STRINGS) {
      const what = `${name}(${show(value)})`;
      cases.push([`${what} -> TypeError`, () => onFixture((r) => call(r, value), TypeError, { method, param, what })]);
    }
    for (const value of LONE_SURROGATES) {
      const what = `${name}(${show(value)})`;
      cases.push([`${what} -> RangeError (lone surrogate)`, () => onFixture((r) => call(r, value), RangeError, { method, param, what })]);
    }
  }
  return cases;
}
