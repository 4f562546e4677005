// The ring view's state: one HashRing plus a sample of keys, and what every change did to them.
// No DOM here; the view reads the fields below after each call.
import {
  diffOwners,
  idealShares,
  keysPerNode,
  livePointFor,
  livePoints,
  NO_OWNER,
  ownersHash,
  ringDiff,
  summarizeShares,
} from "./ring-stats.js";

export const DEFAULT_VNODES = 160;
export const MAX_SAMPLE_KEYS = 20000;
export const SCHEMES = ["sha1", "ketama"];
const AUTO_ID = /^node-(\d+)$/;
/** Points per ketama vnode (hashring: 4 points per MD5 digest). */
const KETAMA_POINTS = 4;

export class RingModel {
  #HashRing;
  /** Bumped by every ring change; lets markUp tell whether anything else changed meanwhile. */
  #version = 0;
  /** id -> { version, hash } of the sample mapping just before the node was marked down. */
  #beforeDown = new Map();
  /** The live HashRing; replaced (and the old one freed) when vnodes, scheme or population change. */
  ring;
  /** ring.nodes(): [{ id, weight, points, up }] sorted by id; `owners` in points() index into it. */
  nodes = [];
  /** id -> index into `nodes`. */
  nodeIndex = new Map();
  /** ring.points(): { positions: Uint32Array, owners: Uint32Array }, down nodes' points included. */
  points = { positions: new Uint32Array(0), owners: new Uint32Array(0) };
  /** The points of live nodes only (what lookups see): { positions, owners }. */
  live = { positions: new Uint32Array(0), owners: new Int32Array(0) };
  /** Fraction of the keyspace per node index, from ring.ownership() (a down node owns 0). */
  shares = new Float64Array(0);
  /** Each node's ideal share: weight / total live weight (0 when down). */
  ideals = new Float64Array(0);
  shareSummary = summarizeShares([]);
  /** The sample keys, their ring positions, owner ids and owner indexes (-1: no live node). */
  keys = [];
  keyPositions = new Uint32Array(0);
  keyOwners = [];
  keyOwnerIndex = new Int32Array(0);
  /** FNV-1a of the sample keys' owners: equal mappings have equal hashes. */
  ownersHash = "";
  /** Sample keys per node index. */
  keyCounts = new Uint32Array(0);
  /** The last change: see #change(). */
  lastChange = null;

  constructor(HashRing, { vnodes = DEFAULT_VNODES, nodeIds = [], keyCount = 2000, scheme = "sha1" } = {}) {
    this.#HashRing = HashRing;
    this.ring = new HashRing({ scheme, vnodes, nodes: nodeIds });
    this.#setKeys(keyCount);
    this.#refresh();
  }

  get nodeCount() {
    return this.ring.nodeCount;
  }

  get liveCount() {
    return this.ring.liveCount;
  }

  get vnodes() {
    return this.ring.vnodes;
  }

  get scheme() {
    return this.ring.scheme;
  }

  /** Points per node at weight 1 (ketama: 4 per vnode). */
  get pointsPerVnode() {
    return this.scheme === "ketama" ? KETAMA_POINTS : 1;
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
    const liveWeight = this.#liveWeight();
    return this.#change(
      { kind: "add", id, title: `Added ${id}` },
      () => this.ring.addNode(id),
      (diff) => ({
        ideal: liveWeight === 0 ? 1 : 1 / (liveWeight + 1),
        idealLabel: liveWeight === 0 ? "every key (first live node)" : `its weight share, 1/(W+1) = 1/${round(liveWeight + 1)}`,
        check: this.#schemeCheck(onlyTo(diff, id)),
      }),
    );
  }

  removeNode(id) {
    const share = this.shareOf(id);
    const wasUp = this.nodes[this.nodeIndex.get(id)]?.up ?? true;
    return this.#change(
      { kind: "remove", id, title: `Removed ${id}` },
      () => this.ring.removeNode(id),
      (diff) => ({
        ideal: share,
        idealLabel: wasUp ? `${id}'s share of the keyspace` : `${id} was down: it owned nothing`,
        check: this.#schemeCheck(onlyFrom(diff, id)),
      }),
    );
  }

  /** Marks a node down (lookups skip it; its keys fail over to the next live point clockwise). */
  markDown(id) {
    const share = this.shareOf(id);
    const saved = { version: this.#version + 1, hash: this.ownersHash };
    const change = this.#change(
      { kind: "down", id, title: `Marked ${id} down` },
      () => this.ring.markDown(id),
      (diff) => ({
        ideal: share,
        idealLabel: `${id}'s share before it went down`,
        check: onlyFrom(diff, id),
      }),
    );
    this.#beforeDown.set(id, saved);
    return change;
  }

  /** Marks a node up again; with no other change in between, the mapping is exactly as before. */
  markUp(id) {
    const saved = this.#beforeDown.get(id);
    const change = this.#change(
      { kind: "up", id, title: `Marked ${id} up` },
      () => this.ring.markUp(id),
      (diff) => {
        const moved = onlyTo(diff, id);
        const comparable = saved && saved.version === this.#version - 1;
        const restored = comparable && saved.hash === this.ownersHash;
        return {
          ideal: this.shareOf(id),
          idealLabel: `${id}'s share, back`,
          restored: comparable ? restored : null,
          check: {
            ok: moved.ok && restored !== false,
            text:
              moved.text +
              (comparable
                ? restored
                  ? ` Mapping restored: every sample key has the owner it had before ${id} went down.`
                  : ` Unexpected: the mapping differs from the one before ${id} went down.`
                : ""),
          },
        };
      },
    );
    this.#beforeDown.delete(id);
    return change;
  }

  setWeight(id, weight) {
    const index = this.nodeIndex.get(id);
    const node = this.nodes[index];
    const oldIdeal = index === undefined ? 0 : this.ideals[index];
    const from = node?.weight;
    return this.#change(
      { kind: "weight", id, title: `${id} weight ${from === undefined ? "?" : round(from)} → ${round(weight)}` },
      () => this.ring.setWeight(id, weight),
      (diff) => {
        const newIdeal = this.ideals[this.nodeIndex.get(id)] ?? 0;
        const grew = weight > (from ?? 0);
        return {
          ideal: Math.abs(newIdeal - oldIdeal),
          idealLabel: `change in ${id}'s weight share`,
          check: this.#schemeCheck(grew ? onlyTo(diff, id) : onlyFrom(diff, id)),
        };
      },
    );
  }

  /** Rebuilds the ring with the same nodes (weights, health) and another vnode count. */
  setVnodes(vnodes) {
    const from = this.vnodes;
    return this.#change(
      { kind: "vnodes", title: `vnodes ${from} → ${vnodes}`, rebuilt: true },
      () => this.#replaceRing({ ...this.ring.toJSON(), vnodes }),
      () => ({
        ideal: 0,
        idealLabel: "no membership change",
        check: {
          ok: true,
          text:
            this.scheme === "ketama"
              ? "Points are MD5(id-0), MD5(id-1), …, so the points both counts share stay put."
              : "Points are named id#0, id#1, …, so the points both counts share stay put; keys move only " +
                "where points appeared or disappeared.",
        },
      }),
    );
  }

  /** Rebuilds the ring with the same nodes under the other placement scheme. */
  setScheme(scheme) {
    const from = this.scheme;
    // Keep the number of points per node: sha1 160 ≈ ketama 40 × 4.
    const vnodes =
      scheme === from
        ? this.vnodes
        : scheme === "ketama"
          ? Math.max(1, Math.round(this.vnodes / KETAMA_POINTS))
          : Math.min(4096, this.vnodes * KETAMA_POINTS);
    return this.#change(
      { kind: "scheme", title: `Scheme ${from} → ${scheme}`, rebuilt: true },
      () => {
        this.#replaceRing({ ...this.ring.toJSON(), scheme, vnodes });
        this.#setKeys(this.keys.length); // key positions depend on the scheme's hash
      },
      () => ({
        ideal: 1 - 1 / Math.max(1, this.liveCount),
        idealLabel: "two unrelated hashes: about 1 − 1/n",
        check: null,
      }),
    );
  }

  /** Replaces the ring with `count` nodes node-0 … node-(count-1), built in one constructor call. */
  populate(count) {
    const ids = Array.from({ length: count }, (_, i) => `node-${i}`);
    const before = new Set(this.nodes.map((node) => node.id));
    const kept = ids.filter((id) => before.has(id)).length;
    const largest = Math.max(before.size, count);
    return this.#change(
      { kind: "populate", title: `Populated ${count} nodes`, rebuilt: true },
      () => this.#replace(new this.#HashRing({ scheme: this.scheme, vnodes: this.vnodes, nodes: ids })),
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
  }

  /** The node's current share of the keyspace (0 if down or unknown). */
  shareOf(id) {
    const index = this.nodeIndex.get(id);
    return index === undefined ? 0 : this.shares[index];
  }

  /** Replica list for sample key `i`, owner first, from the library (skips down nodes). */
  replicasOf(i, n = 3) {
    return this.ring.nodesFor(this.keys[i], n);
  }

  /**
   * The clockwise walk that finds sample key `i`'s replicas, from the points: for each of the
   * first `n` distinct live nodes met clockwise from the key, the index (into points()) of the
   * first of its points met. The library's nodesFor is the answer; this is how it is found.
   */
  walkOf(i, n = 3) {
    const { positions, owners } = this.points;
    const total = positions.length;
    const found = [];
    if (total === 0) return found;
    const seen = new Set();
    let lo = 0;
    let hi = total;
    const position = this.keyPositions[i];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === total ? 0 : lo;
    for (let step = 0; step < total && found.length < n; step++) {
      const p = (start + step) % total;
      const owner = owners[p];
      if (seen.has(owner) || !this.nodes[owner].up) continue;
      seen.add(owner);
      found.push({ node: owner, id: this.nodes[owner].id, point: p, position: positions[p] });
    }
    return found;
  }

  /** For each sample key index, the position of the live point that owns it now (or -1). */
  ownerPointPosition(i) {
    const p = livePointFor(this.live, this.keyPositions[i]);
    return p < 0 ? -1 : this.live.positions[p];
  }

  free() {
    this.ring.free();
  }

  #liveWeight() {
    let total = 0;
    for (const node of this.nodes) if (node.up) total += node.weight;
    return total;
  }

  /** ketama recomputes every server's points from n and the total weight: others move too. */
  #schemeCheck(check) {
    if (this.scheme !== "ketama" || check.ok) return check;
    return {
      ok: true,
      text:
        `${check.text.replace(/^Unexpected: /, "")} Expected with ketama: hashring gives each server ` +
        "floor(weight/total × 40 × n) vnodes, so a change of n or of a weight changes other servers' points too.",
    };
  }

  #replaceRing(json) {
    this.#replace(this.#HashRing.fromJSON(json));
  }

  #replace(next) {
    const old = this.ring;
    this.ring = next;
    old.free();
  }

  /**
   * Applies `mutate` (which throws on a rejected change, leaving the ring as it was), refreshes
   * every derived field and records which sample keys changed owner and what the library
   * reported. `mutate` returns the library's RingChange, or nothing when the ring was replaced;
   * then the page's own sweep (ringDiff) supplies the arcs.
   */
  #change(info, mutate, explain) {
    const before = { live: this.live, ids: this.nodes.map((node) => node.id) };
    const beforeOwners = this.keyOwners;
    const started = performance.now();
    const reported = mutate();
    const mutated = performance.now();
    this.#version += 1;
    this.#refresh();
    const refreshed = performance.now();
    const sweep = ringDiff(before, { live: this.live, ids: this.nodes.map((node) => node.id) });
    const ringChange = reported ?? sweep;
    const diff = diffOwners(beforeOwners, this.keyOwners);
    // Sample keys that changed owner (only when the key set stayed the same).
    const movedKeys = [];
    if (beforeOwners.length === this.keyOwners.length && !info.rebuilt) {
      for (let i = 0; i < beforeOwners.length; i++) if (beforeOwners[i] !== this.keyOwners[i]) movedKeys.push(i);
    }
    this.lastChange = {
      ...info,
      moved: diff.moved,
      total: diff.total,
      fraction: diff.fraction,
      spreadTo: diff.gained.size,
      gained: diff.gained,
      lost: diff.lost,
      keyspace: ringChange.movedFraction,
      sweepFraction: sweep.movedFraction,
      arcs: ringChange.arcs,
      reported: Boolean(reported),
      movedKeys,
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
    this.live = livePoints(this.points.positions, this.points.owners, this.nodes);
    const ownership = this.ring.ownership();
    this.shares = Float64Array.from(this.nodes, (node) => ownership.get(node.id) ?? 0);
    this.ideals = idealShares(this.nodes);
    this.shareSummary = summarizeShares(this.shares.filter((_, i) => this.nodes[i].up));
    this.#refreshOwners();
  }

  /** One nodeForMany call for the whole sample (one boundary crossing). */
  #refreshOwners() {
    const { ring, keys, nodes } = this;
    const owners = ring.nodeForMany(keys);
    const index = new Int32Array(owners.length);
    const ids = new Array(owners.length);
    for (let i = 0; i < owners.length; i++) {
      const owner = owners[i];
      index[i] = owner === NO_OWNER ? -1 : owner;
      ids[i] = owner === NO_OWNER ? undefined : nodes[owner].id;
    }
    this.keyOwnerIndex = index;
    this.keyOwners = ids;
    this.ownersHash = ownersHash(ids);
    this.keyCounts = keysPerNode(index, nodes.length);
  }
}

function round(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

function onlyTo(diff, id) {
  const ok = diff.moved === (diff.gained.get(id) ?? 0);
  return {
    ok,
    text: ok
      ? diff.moved === 0
        ? "No sample key changed owner."
        : `All ${diff.moved} moved keys went to ${id}; no other key changed owner.`
      : `Unexpected: ${diff.moved - (diff.gained.get(id) ?? 0)} keys moved to nodes other than ${id}.`,
  };
}

function onlyFrom(diff, id) {
  const ok = diff.moved === (diff.lost.get(id) ?? 0);
  return {
    ok,
    text: ok
      ? diff.moved === 0
        ? "No sample key changed owner."
        : `Only ${id}'s keys moved, each to the next live node clockwise — spread over ${diff.gained.size} other node${diff.gained.size === 1 ? "" : "s"}.`
      : `Unexpected: ${diff.moved - (diff.lost.get(id) ?? 0)} keys moved that ${id} did not own.`,
  };
}
