// The golden table tests/golden/ring-sha1.json of the "sha1" HashRing contract (docs/placement.md), from the JS reference ring; both
// `cargo test` and the Node tests of the release wasm build check (docs/invariants.md R1).
//
//   node scripts/gen-golden.mjs           # (re)writes tests/golden/ring-sha1.json
//   node scripts/gen-golden.mjs --check   # fails if the file on disk differs from a fresh run
//
// The reference ring is scripts/lib/reference-ring.mjs (written from the contract only, in plain JS
// on node:crypto; it shares no code with src/), re-exported here. Everything but main() uses no
// other Node built-in, so the JS suites can load this module in a browser too
// (tests/browser-harness/ maps node:crypto to a plain-JS SHA-1 there).
//
// Rules:
// - position(s) = big-endian u32 of the first 4 bytes of SHA-1(UTF-8 bytes of s).
// - A node of weight w on a ring with `vnodes` v gets max(1, round(v * w)) points labelled
//   `${id}#${i}`, i = 0..points-1. Rounding: JS Math.round rounds .5 towards +Infinity, Rust's
//   f64::round rounds half away from zero; they differ only for negative values, and v * w is
//   always > 0 here, so both give the same count (the "half" node of weighted-40 has
//   40 * 0.3125 = 12.5 exactly, and gets 13 points on both sides).
// - Points are sorted by (position, node id compared by UTF-8 bytes, i). Ids are compared with
//   their UTF-8 bytes (compareIds), NOT with JS string order: UTF-16 code-unit order puts
//   astral characters (surrogates D800..DFFF) before U+E000..U+FFFF, UTF-8 byte order after.
// - owner(key) = the first point with position >= position(key), wrapping to the first point.
// - replicas(key, n) = walk clockwise from the owner's point, collecting distinct node ids,
//   until n (or every node) is collected.
import { buildRing, ownerIndex, ownerOf, positionOf, replicasOf, sha1Hex } from "./lib/reference-ring.mjs";

export const CONTRACT =
  "sha1 ring: position(s) = big-endian u32 of the first 4 bytes of SHA-1(UTF-8 bytes of s); " +
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the contract names the label format `${id}#${i}` literally.
  "a node of weight w gets max(1, round(vnodes*w)) points labelled `${id}#${i}` (i = 0..points-1); " +
  "points sorted by (position, id UTF-8 bytes, i); owner(key) = first point with position >= position(key), " +
  "wrapping to the first point; replicas = distinct node ids walking clockwise from the owner's point " +
  "(n = 3, or fewer if the ring has fewer nodes); keys are hashed from their UTF-8 bytes with no normalization";

export const SHA1_VECTORS = [
  { input: "", sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
  { input: "abc", sha1: "a9993e364706816aba3e25717850c26c9cd0d89d" },
];

// The reference ring itself, for the JS suites that load this module as `reference`.
export * from "./lib/reference-ring.mjs";

// ---------------------------------------------------------------------------------------------
// The golden table.

const NFC_E = "\u00e9";
const NFD_E = "e\u0301";

function baseKeys(count) {
  const keys = ["", "a"];
  for (let i = 0; i < count; i++) keys.push(`key-${i}`);
  keys.push(NFC_E, NFD_E, "🚀", "東京", "\u0000", "x".repeat(10000));
  return keys;
}

/**
 * Keys chosen against the ring's points: every node's first and last point label (their
 * position equals that point's position: the >= rule), plus, found by a bounded search over
 * "probe-<j>", keys landing 1..NEAR below a point (owner: that point), 1..NEAR above a point
 * (owner: the next point, not the one just passed) and above the last point (wrap to the first point).
 */
const NEAR = 4096; // 2^-20 of the circle

function pointKeys(ring, { probeBudget }) {
  const keys = [];
  for (const node of ring.nodes) {
    keys.push(`${node.id}#0`);
    if (node.points > 1) keys.push(`${node.id}#${node.points - 1}`);
  }
  const positions = ring.points.map((p) => p.position);
  const last = positions[positions.length - 1];
  const found = { before: [], after: [], wrap: [] };
  for (let j = 0; j < probeBudget; j++) {
    if (found.before.length >= 2 && found.after.length >= 2 && found.wrap.length >= 2) break;
    const key = `probe-${j}`;
    const pos = positionOf(key);
    if (pos > last) {
      if (found.wrap.length < 2) found.wrap.push(key);
      continue;
    }
    const idx = ownerIndex(ring, pos); // first point >= pos
    const next = positions[idx];
    const prev = idx > 0 ? positions[idx - 1] : undefined;
    if (next - pos >= 1 && next - pos <= NEAR && found.before.length < 2) found.before.push(key);
    else if (prev !== undefined && pos - prev >= 1 && pos - prev <= NEAR && found.after.length < 2) found.after.push(key);
  }
  return { keys: [...keys, ...found.before, ...found.after, ...found.wrap], found };
}

function makeCase(name, vnodes, nodes, keyCount, probeBudget) {
  const ring = buildRing(vnodes, nodes);
  const { keys: extra, found } = pointKeys(ring, { probeBudget });
  const keys = [];
  for (const k of [...baseKeys(keyCount), ...extra]) if (!keys.includes(k)) keys.push(k);
  const lookups = keys.map((key) => ({
    key,
    position: positionOf(key),
    owner: ownerOf(ring, key),
    replicas: replicasOf(ring, key, 3),
  }));
  // Facts about the case, printed so a reader sees what it exercises.
  const positions = ring.points.map((p) => p.position);
  const distinctPositions = new Set(positions).size;
  const wraps = lookups.filter((l) => l.position > positions[positions.length - 1]).length;
  const exact = lookups.filter((l) => positions.includes(l.position)).length;
  const stats = {
    points: ring.points.length,
    distinctPositions,
    lookups: lookups.length,
    exactHits: exact,
    wraps,
    probes: `${found.before.length} before, ${found.after.length} after, ${found.wrap.length} wrap`,
  };
  return {
    golden: {
      name,
      vnodes,
      nodes: nodes.map((n) => ({ id: n.id, weight: n.weight ?? 1 })),
      pointCount: ring.points.length,
      lookups,
    },
    stats,
  };
}

export function generate() {
  for (const v of SHA1_VECTORS) {
    const got = sha1Hex(v.input);
    if (got !== v.sha1) throw new Error(`SHA-1 self-check failed for ${JSON.stringify(v.input)}: ${got}`);
  }
  const specs = [
    ["ten-nodes-160", 160, Array.from({ length: 10 }, (_, i) => ({ id: `node-${i}`, weight: 1 })), 300, 200_000],
    [
      "weighted-40",
      40,
      [
        { id: "w-half", weight: 0.5 }, // 20 points
        { id: "w-one-a", weight: 1 }, // 40
        { id: "w-one-b", weight: 1 }, // 40
        { id: "w-two-and-half", weight: 2.5 }, // 100
        { id: "w-tenth", weight: 0.1 }, // 40 * 0.1 = 4
        { id: "w-three", weight: 3 }, // 120
        { id: "w-tiny", weight: 0.01 }, // round(0.4) = 0 -> max(1, 0) = 1
        { id: "w-tie", weight: 0.3125 }, // 40 * 0.3125 = 12.5 exactly -> 13 (half rounds up/away)
      ],
      200,
      200_000,
    ],
    [
      "single-vnode",
      1,
      [
        { id: "alpha", weight: 1 },
        { id: "beta", weight: 1 },
        { id: "gamma", weight: 1 },
      ],
      100,
      0,
    ],
    ["unicode-ids", 20, [NFC_E, NFD_E, "東京", "🚀-shard", "\uE000-private", "a", "a1"].map((id) => ({ id, weight: 1 })), 150, 200_000],
    // Ids containing the label separator: labels stay distinct because i is all digits at the end.
    ["hash-in-ids", 12, ["a", "a#1", "a#", "#", "a1"].map((id) => ({ id, weight: 1 })), 60, 200_000],
    ["one-node", 160, [{ id: "solo", weight: 1 }], 50, 200_000],
    ["one-node-one-vnode", 1, [{ id: "solo", weight: 1 }], 30, 0],
  ];
  const cases = [];
  const stats = {};
  for (const [name, vnodes, nodes, keyCount, probeBudget] of specs) {
    const c = makeCase(name, vnodes, nodes, keyCount, probeBudget);
    if (c.stats.distinctPositions !== c.stats.points) {
      // Would exercise the (position, id, i) tie-break; none of these cases has one (see below).
      c.stats.note = "has points sharing a position";
    }
    cases.push(c.golden);
    stats[name] = c.stats;
  }
  // Sanity checks on the reference itself (R7): "a" and "a1" give 2V distinct points.
  const r7 = buildRing(20, [{ id: "a" }, { id: "a1" }]);
  if (new Set(r7.points.map((p) => p.position)).size !== 40) throw new Error("R7: a/a1 points collide");
  return { golden: { contract: CONTRACT, sha1Vectors: SHA1_VECTORS, cases }, stats };
}

// Equal positions: none of the cases above has two points at one position, and one cannot be
// constructed cheaply with SHA-1 (a 32-bit collision between two valid labels needs ~2^16 labels
// of one ring by the birthday bound, i.e. a ring far bigger than a readable golden case, and the
// colliding labels would have to be `${id}#${i}` of chosen nodes). The tie-break by (id bytes, i)
// is left to the Rust tests with a test-only hasher (docs/invariants.md R7).

async function main() {
  const { mkdirSync, readFileSync, writeFileSync } = await import("node:fs");
  const { dirname, resolve } = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const file = resolve(root, "tests/golden/ring-sha1.json");
  const { golden, stats } = generate();
  const text = JSON.stringify(golden, null, 2) + "\n";
  if (process.argv.includes("--check")) {
    const current = readFileSync(file, "utf8");
    if (current !== text) {
      console.error(`[gen-golden] ${file} differs from a fresh run`);
      process.exit(1);
    }
    console.error("[gen-golden] up to date");
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  for (const [name, s] of Object.entries(stats)) console.error(`[gen-golden] ${name}: ${JSON.stringify(s)}`);
  console.error(`[gen-golden] wrote ${file} (${Buffer.byteLength(text)} bytes)`);
}

if (globalThis.process?.argv[1] && import.meta.url.startsWith("file:")) {
  const { resolve } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  if (import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
}
