// Shared by the ring's bad-input suites (ring-errors*.test.mjs): a fixture runner that checks
// the error, that the ring is unchanged and keeps working, the parameter-name patterns, and the
// classes of bad ids and keys.
import assert from "node:assert/strict";
import { test } from "node:test";

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

/**
 * For each `[name, call]` of `methods`, where `call(ring, value)` passes `value` as the string
 * parameter matching `param`: a `TypeError` test for every non-string and a `RangeError` test
 * for every lone surrogate, each on the fixture ring.
 * @param {Array<[string, (ring: any, value: any) => unknown]>} methods
 * @param {RegExp} param
 */
export function stringParameterTests(methods, param) {
  for (const [name, call] of methods) {
    for (const value of NOT_STRINGS) {
      test(`${name}(${show(value)}) -> TypeError`, () => {
        onFixture((r) => call(r, value), TypeError, { method: `HashRing.${name}`, param, what: `${name}(${show(value)})` });
      });
    }
    for (const value of LONE_SURROGATES) {
      test(`${name}(${show(value)}) -> RangeError (lone surrogate)`, () => {
        onFixture((r) => call(r, value), RangeError, { method: `HashRing.${name}`, param, what: `${name}(${show(value)})` });
      });
    }
  }
}
