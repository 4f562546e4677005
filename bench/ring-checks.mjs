// The checks bench/ring.mjs makes before timing anything: every library's owners are node ids,
// ringlease's ring equals the JS reference ring of the contract (scripts/lib/reference-ring.mjs),
// its three ways of building agree, nodeForMany equals nodeFor, and the ketama scheme places
// every key exactly like hashring. Benchmarking a ring that breaks its own contract would be
// meaningless, so any difference aborts the run.

import { buildRing, ownerOf, positionOf } from "../scripts/lib/reference-ring.mjs";
import { log } from "./common.mjs";

/**
 * Runs the checks; returns what they established (for the report) and the keys they used.
 * @param {{ HashRing: any, build: Record<string, (ids: string[]) => any>, versions: Record<string, string>,
 *   fail: (message: string) => never, KEYS: string[], KEY_COUNT: number, PLACEMENT_CHECK_KEYS: number,
 *   IDS_100: string[], IDS_1000: string[], NODES: number, PEERS_ONLY: boolean }} context
 */
export function placementChecks(context) {
  const { HashRing, build, versions, fail, KEYS, KEY_COUNT, PLACEMENT_CHECK_KEYS, IDS_100, IDS_1000, NODES, PEERS_ONLY } = context;
  const SAMPLE_KEYS = ["key-0", "key-1", "key-42", "key-999999", "", "a", "ключ-🔑", "x".repeat(300)];
  for (let i = 0; i < 64; i++) SAMPLE_KEYS.push(`key-${i * 15_619}`);
  // PLACEMENT_CHECK_KEYS keys spread evenly over the workload's keys.
  const CHECK_KEYS = Array.from({ length: PLACEMENT_CHECK_KEYS }, (_, i) => KEYS[Math.floor((i * KEY_COUNT) / PLACEMENT_CHECK_KEYS)]);

  function checkOwners(name, get, ids = IDS_100) {
    const valid = new Set(ids);
    for (const key of SAMPLE_KEYS) {
      const owner = get(key);
      if (!valid.has(owner)) {
        fail(`${name} returned ${JSON.stringify(owner)} for key ${JSON.stringify(key)}, not a node id`);
      }
    }
  }
  const shown = (key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);

  // nodeForMany(keys) must agree with nodeFor(key) key by key (indexes into nodes()).
  function checkNodeForMany(name, ring, keys) {
    const ids = ring.nodes().map((n) => n.id);
    const owners = ring.nodeForMany(keys);
    if (!(owners instanceof Uint32Array) || owners.length !== keys.length) {
      fail(
        `${name}.nodeForMany returned ${owners?.constructor?.name} of length ${owners?.length}, expected a Uint32Array of ${keys.length}`,
      );
    }
    for (let i = 0; i < keys.length; i++) {
      const one = ring.nodeFor(keys[i]);
      if (ids[owners[i]] !== one) {
        fail(
          `${name}: nodeForMany gives ${JSON.stringify(ids[owners[i]])} (index ${owners[i]}) for ${shown(keys[i])}, nodeFor gives ${JSON.stringify(one)}`,
        );
      }
    }
  }

  // The ketama scheme must place every key exactly like hashring (default options).
  function checkKetama(ids, keys) {
    const ours = build.ringleaseKetama(ids);
    const theirs = build.hashring(ids);
    if (ours.pointCount !== theirs.size) {
      fail(`ketama ring of ${ids.length} nodes has ${ours.pointCount} points, hashring ${theirs.size}`);
    }
    const names = ours.nodes().map((n) => n.id);
    const many = ours.nodeForMany(keys);
    const diffs = [];
    for (let i = 0; i < keys.length; i++) {
      const want = theirs.get(keys[i]);
      const one = ours.nodeFor(keys[i]);
      const batch = names[many[i]];
      if (one !== want || batch !== want) diffs.push(`${shown(keys[i])}: hashring ${want}, nodeFor ${one}, nodeForMany ${batch}`);
    }
    ours.free();
    if (diffs.length) {
      fail(
        `ketama placement differs from hashring ${versions.hashring} on ${diffs.length} of ${keys.length} keys ` +
          `(${ids.length} nodes):\n  ${diffs.slice(0, 10).join("\n  ")}`,
      );
    }
    return keys.length;
  }

  const sanity = {};
  {
    const hr = build.hashring(IDS_100);
    checkOwners("hashring", (k) => hr.get(k));
    const ch = build.consistentHash(IDS_100);
    checkOwners("consistent-hash", (k) => ch.get(k));
    sanity.peers = "ok (owners are node ids)";
  }

  if (!PEERS_ONLY) {
    const empty = new HashRing();
    if (empty.nodeFor("key-0") !== undefined) fail("HashRing.nodeFor on an empty ring must return undefined");
    empty.free();
    const ring = build.ringlease(IDS_100);
    if (ring.vnodes !== 160 || ring.nodeCount !== NODES || ring.pointCount !== NODES * 160) {
      fail(`unexpected ring shape: vnodes ${ring.vnodes}, nodeCount ${ring.nodeCount}, pointCount ${ring.pointCount}`);
    }
    checkOwners("ringlease", (k) => ring.nodeFor(k));
    // Not a test suite, but benchmarking a ring that breaks its own contract would be meaningless.
    // The JS reference ring of the contract (scripts/lib/reference-ring.mjs).
    const reference = buildRing(
      160,
      IDS_100.map((id) => ({ id })),
    );
    for (const key of SAMPLE_KEYS) {
      const got = ring.nodeFor(key);
      const want = ownerOf(reference, key);
      if (got !== want) fail(`ringlease.nodeFor(${shown(key)}) = ${got}, the ring contract says ${want}`);
      if (ring.positionOf(key) !== positionOf(key)) {
        fail(`ringlease.positionOf(${shown(key)}) = ${ring.positionOf(key)}, expected ${positionOf(key)}`);
      }
    }
    // The three ways of building give the same ring; addNode/addNodes report a RingChange.
    const viaAddNodes = new HashRing();
    const change = viaAddNodes.addNodes(IDS_100);
    if (typeof change?.movedFraction !== "number" || !Array.isArray(change.arcs)) {
      fail("addNodes did not return a RingChange { movedFraction, arcs }");
    }
    const loop = build.ringleaseAddNodeLoop([...IDS_100].reverse());
    for (const key of SAMPLE_KEYS) {
      const want = ring.nodeFor(key);
      if (viaAddNodes.nodeFor(key) !== want) fail("addNodes(ids) and new HashRing({ nodes }) rings disagree");
      if (loop.nodeFor(key) !== want) fail("addNode loop and new HashRing({ nodes }) rings disagree");
    }
    loop.free();
    viaAddNodes.free();
    checkNodeForMany("ringlease", ring, [...CHECK_KEYS, ...SAMPLE_KEYS]);
    ring.free();
    sanity.ringlease =
      "ok (owners are node ids; match a node:crypto SHA-1 reference ring on the sample keys; constructor, addNodes and addNode loop agree)";
    sanity.nodeForMany = `ok (equals nodeFor on ${CHECK_KEYS.length + SAMPLE_KEYS.length} keys)`;

    let checked = 0;
    for (const ids of [IDS_100, IDS_1000]) checked += checkKetama(ids, [...CHECK_KEYS, ...SAMPLE_KEYS]);
    const ketama = build.ringleaseKetama(IDS_100);
    checkNodeForMany("ringlease ketama", ketama, SAMPLE_KEYS);
    ketama.free();
    sanity.ketama =
      `ok: nodeFor and nodeForMany equal hashring ${versions.hashring} get() on ${CHECK_KEYS.length} workload keys + ` +
      `${SAMPLE_KEYS.length} edge-case keys, at 100 and at 1000 nodes (${checked} comparisons)`;
  }
  log(
    `sanity checks passed${PEERS_ONLY ? "" : `; ketama placement = hashring on ${CHECK_KEYS.length.toLocaleString("en-US")} + ${SAMPLE_KEYS.length} keys (100 and 1000 nodes)`}`,
  );
  return { sanity, SAMPLE_KEYS, CHECK_KEYS };
}
