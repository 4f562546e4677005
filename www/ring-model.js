// The ring view's state: one HashRing plus a sample of keys, and what every change did to them.
// No DOM here; the view reads the fields below after each call.
import { arcShares, diffOwners, keysPerNode, summarizeShares } from "./ring-stats.js";

export const DEFAULT_VNODES = 160;
export const MAX_SAMPLE_KEYS = 20000;
const AUTO_ID = /^node-(\d+)$/;

export class RingModel {
  #HashRing;
  /** The live HashRing; replaced (and the old one freed) when the vnode count changes. */
  ring;
  /** ring.nodes(): [{ id, weight, points }] sorted by id; `owners` in points() index into it. */
  nodes = [];
  /** id -> index into `nodes`. */
  nodeIndex = new Map();
  /** ring.points(): { positions: Uint32Array, owners: Uint32Array }. */
  points = { positions: new Uint32Array(0), owners: new Uint32Array(0) };
  /** Fraction of the keyspace per node index. */
  shares = new Float64Array(0);
  shareSummary = summarizeShares([]);
  /** The sample keys, their ring positions, owner ids and owner indexes. */
  keys = [];
  keyPositions = new Uint32Array(0);
  keyOwners = [];
  keyOwnerIndex = new Int32Array(0);
  /** Sample keys per node index. */
  keyCounts = new Uint32Array(0);
  /** The last change: see #change(). */
  lastChange = null;

  constructor(HashRing, { vnodes = DEFAULT_VNODES, nodeIds = [], keyCount = 2000 } = {}) {
    this.#HashRing = HashRing;
    const ring = new HashRing({ vnodes });
    try {
      if (nodeIds.length) ring.addNodes(nodeIds);
    } catch (error) {
      ring.free();
      throw error;
    }
    this.ring = ring;
    this.#setKeys(keyCount);
    this.#refresh();
  }

  get nodeCount() {
    return this.ring.nodeCount;
  }

  get vnodes() {
    return this.ring.vnodes;
  }

  /** `node-<k>` with k one past the largest auto-style id in the ring. */
  nextAutoId() {
    let next = 0;
    for (const { id } of this.nodes) {
      const match = AUTO_ID.exec(id);
      if (match) next = Math.max(next, Number(match[1]) + 1);
    }
    while (this.ring.hasNode(`node-${next}`)) next += 1;
    return `node-${next}`;
  }

  addNode(id) {
    const n = this.nodeCount;
    return this.#change({ kind: "add", title: `Added ${id}` }, () => this.ring.addNode(id), (diff) => ({
      ideal: n === 0 ? 1 : 1 / (n + 1),
      idealLabel: n === 0 ? "every key (first node)" : `1/(n+1) = 1/${n + 1}`,
      check: onlyTo(diff, id),
    }));
  }

  removeNode(id) {
    const index = this.nodeIndex.get(id);
    const share = index === undefined ? 0 : this.shares[index];
    return this.#change({ kind: "remove", title: `Removed ${id}` }, () => this.ring.removeNode(id), (diff) => ({
      ideal: share,
      idealLabel: `${id}'s share of the keyspace`,
      check: onlyFrom(diff, id),
    }));
  }

  /** Rebuilds the ring with the same nodes (and weights) and another vnode count. */
  setVnodes(vnodes) {
    const from = this.vnodes;
    const specs = this.nodes.map(({ id, weight }) => (weight === 1 ? id : { id, weight }));
    return this.#change(
      { kind: "vnodes", title: `vnodes ${from} → ${vnodes}` },
      () => this.#replaceRing(vnodes, specs),
      () => ({
        ideal: 0,
        idealLabel: "no membership change",
        check: {
          ok: true,
          text:
            "Points are named id#0, id#1, …, so the points both counts share stay put; keys move only " +
            "where points appeared or disappeared.",
        },
      }),
    );
  }

  /** Replaces the ring with `count` nodes node-0 … node-(count-1), added in one addNodes call. */
  populate(count) {
    const ids = Array.from({ length: count }, (_, i) => `node-${i}`);
    const before = new Set(this.nodes.map((node) => node.id));
    const kept = ids.filter((id) => before.has(id)).length;
    const largest = Math.max(before.size, count);
    return this.#change(
      { kind: "populate", title: `Populated ${count} nodes` },
      () => this.#replaceRing(this.vnodes, ids),
      () => ({
        ideal: largest === 0 ? 0 : 1 - kept / largest,
        idealLabel:
          kept === 0 ? "no node kept" : `only keys of the ${kept} kept node${kept === 1 ? "" : "s"} can stay: 1 − ${kept}/${largest}`,
        check: null,
      }),
    );
  }

  /** Changes the sample size; keys are key-0 … key-(count-1). Not a ring change: nothing "moves". */
  setKeyCount(count) {
    this.#setKeys(count);
    this.#refreshOwners();
    this.keyCounts = keysPerNode(this.keyOwnerIndex, this.nodes.length);
  }

  /** Replica list for sample key `i`, owner first (for hover; not drawn yet). */
  replicasOf(i, n = 3) {
    return this.ring.nodesFor(this.keys[i], n);
  }

  free() {
    this.ring.free();
  }

  #replaceRing(vnodes, specs) {
    const next = new this.#HashRing({ vnodes });
    try {
      if (specs.length) next.addNodes(specs);
    } catch (error) {
      next.free();
      throw error;
    }
    const old = this.ring;
    this.ring = next;
    old.free();
  }

  /**
   * Applies `mutate` (which throws on a rejected change, leaving the ring as it was), refreshes
   * every derived field and records which sample keys changed owner.
   */
  #change(info, mutate, explain) {
    const before = this.keyOwners;
    const started = performance.now();
    mutate();
    const mutated = performance.now();
    this.#refresh();
    const refreshed = performance.now();
    const diff = diffOwners(before, this.keyOwners);
    this.lastChange = {
      ...info,
      moved: diff.moved,
      total: diff.total,
      fraction: diff.fraction,
      spreadTo: diff.gained.size,
      ...explain(diff),
      ms: { ring: mutated - started, lookups: refreshed - mutated },
    };
    return this.lastChange;
  }

  #setKeys(count) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_KEYS) {
      throw new RangeError(`sample keys must be an integer in 1..${MAX_SAMPLE_KEYS}, got ${count}`);
    }
    this.keys = Array.from({ length: count }, (_, i) => `key-${i}`);
    this.keyPositions = Uint32Array.from(this.keys, (key) => this.ring.positionOf(key));
  }

  #refresh() {
    this.nodes = this.ring.nodes();
    this.nodeIndex = new Map(this.nodes.map((node, i) => [node.id, i]));
    this.points = this.ring.points();
    this.shares = arcShares(this.points.positions, this.points.owners, this.nodes.length);
    this.shareSummary = summarizeShares(this.shares);
    this.#refreshOwners();
    this.keyCounts = keysPerNode(this.keyOwnerIndex, this.nodes.length);
  }

  #refreshOwners() {
    const { ring, keys, nodeIndex } = this;
    this.keyOwners = keys.map((key) => ring.nodeFor(key));
    this.keyOwnerIndex = Int32Array.from(this.keyOwners, (owner) => nodeIndex.get(owner) ?? -1);
  }
}

function onlyTo(diff, id) {
  const ok = diff.moved === (diff.gained.get(id) ?? 0);
  return {
    ok,
    text: ok
      ? `All ${diff.moved} moved keys went to ${id}; no other key changed owner.`
      : `Unexpected: ${diff.moved - (diff.gained.get(id) ?? 0)} keys moved to nodes other than ${id}.`,
  };
}

function onlyFrom(diff, id) {
  const ok = diff.moved === (diff.lost.get(id) ?? 0);
  return {
    ok,
    text: ok
      ? `Only ${id}'s keys moved, spread over ${diff.gained.size} other node${diff.gained.size === 1 ? "" : "s"}.`
      : `Unexpected: ${diff.moved - (diff.lost.get(id) ?? 0)} keys moved that ${id} did not own.`,
  };
}
