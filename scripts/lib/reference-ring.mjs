// The JS reference ring of the "sha1" HashRing contract (docs/placement.md), written from the
// contract only, in plain JS on node:crypto; it shares no code with src/. One module for every
// user: scripts/gen-golden.mjs (the golden table), the JS suites (tests/js/helpers.mjs, also in a
// browser, where tests/browser-harness/ maps node:crypto to a plain-JS SHA-1) and bench/ring.mjs
// (its placement check). It uses no other Node built-in. The rules are listed at the top of
// scripts/gen-golden.mjs.
import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/** The UTF-8 bytes of s (a lone surrogate becomes U+FFFD, as with Buffer.from(s, "utf8")). */
function utf8(s) {
  return encoder.encode(s);
}

export function sha1Hex(s) {
  return createHash("sha1").update(utf8(s)).digest("hex");
}

export function positionOf(s) {
  const d = createHash("sha1").update(utf8(s)).digest();
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

/** True if `s` contains a lone surrogate (such strings have no UTF-8 form). */
export function hasLoneSurrogate(s) {
  return !s.isWellFormed();
}

/** -1, 0 or 1: a and b compared by their UTF-8 bytes (as Buffer.compare would). */
export function compareIds(a, b) {
  const x = utf8(a);
  const y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export function pointsFor(vnodes, weight) {
  return Math.max(1, Math.round(vnodes * weight));
}

/**
 * A reference ring. nodes: [{ id, weight }] (weight defaults to 1). Returns
 * { vnodes, nodes: [{id, weight, points}] sorted by UTF-8 id, points: [{position, id, i}] sorted }.
 */
export function buildRing(vnodes, nodes) {
  const seen = new Set();
  const points = [];
  const out = [];
  for (const node of nodes) {
    const weight = node.weight ?? 1;
    if (typeof node.id !== "string" || node.id === "" || hasLoneSurrogate(node.id)) throw new Error(`bad id ${node.id}`);
    if (utf8(node.id).length > 256) throw new Error(`id too long ${node.id}`);
    if (seen.has(node.id)) throw new Error(`duplicate id ${node.id}`);
    seen.add(node.id);
    const count = pointsFor(vnodes, weight);
    out.push({ id: node.id, weight, points: count });
    for (let i = 0; i < count; i++) points.push({ position: positionOf(`${node.id}#${i}`), id: node.id, i });
  }
  points.sort((a, b) => a.position - b.position || compareIds(a.id, b.id) || a.i - b.i);
  out.sort((a, b) => compareIds(a.id, b.id));
  return { vnodes, nodes: out, points };
}

/** Index of the owner point: the first point with position >= pos, wrapping to 0. */
export function ownerIndex(ring, pos) {
  let lo = 0;
  let hi = ring.points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring.points[mid].position < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo === ring.points.length ? 0 : lo;
}

export function ownerOf(ring, key) {
  if (ring.points.length === 0) return undefined;
  return ring.points[ownerIndex(ring, positionOf(key))].id;
}

export function replicasOf(ring, key, n) {
  const want = Math.min(n, ring.nodes.length);
  const result = [];
  if (want === 0) return result;
  const start = ownerIndex(ring, positionOf(key));
  for (let k = 0; k < ring.points.length && result.length < want; k++) {
    const id = ring.points[(start + k) % ring.points.length].id;
    if (!result.includes(id)) result.push(id);
  }
  return result;
}
