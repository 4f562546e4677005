/** A placement scheme: ringlease's own `"sha1"`, or `"ketama"` (npm `hashring` 3.2.0). */
export type RingScheme = "sha1" | "ketama";

/** Options of `new HashRing(options)`. */
export interface RingOptions {
  /** Placement scheme. Default `"sha1"`. */
  scheme?: RingScheme;
  /** Nodes to start with, added in order (one sort: the fastest way to build a big ring). */
  nodes?: NodeSpec[];
  /** Points per unit of weight: an integer in 1..=4096. Default 160 (sha1) or 40 (ketama, × 4 points). */
  vnodes?: number;
}

/** Options of `HashRing.addNode(id, options)`. */
export interface NodeOptions {
  /** A finite number > 0. The node gets `max(1, round(vnodes × weight))` points. Default 1. */
  weight?: number;
  /**
   * Hash the node's points from this string instead of its id (same rules as an id): e.g. the
   * host alone for a memcached server on the default port. Lookups still return the id.
   */
  label?: string;
}

/** A node to add with `HashRing.addNodes`: an id, or an id with a weight. */
export type NodeSpec = string | { id: string; weight?: number };

/** A node on the ring, as returned by `HashRing.nodes()`. */
export interface RingNode {
  id: string;
  /** The string its points are hashed from, when it is not the id (`addNode` `label`, `renameNode`). */
  label?: string;
  weight: number;
  /** How many points the node has on the ring. */
  points: number;
  /** False while the node is marked down (lookups skip it; it keeps its points). */
  up: boolean;
}

/**
 * What a change moved: the keyspace arcs whose owner changed. An arc covers the key positions
 * `start..=end` (inclusive, no wrap-around); `from`/`to` are node ids, `null` for "no live node".
 */
export interface RingChange {
  /** Fraction of the keyspace (all 2^32 positions) that changed owner. */
  movedFraction: number;
  arcs: { start: number; end: number; from: string | null; to: string | null }[];
}

/** A saved ring: `ring.toJSON()`, accepted by `HashRing.fromJSON`. Nodes in insertion order. */
export interface RingJSON {
  format: "ringlease.HashRing";
  version: 1;
  scheme: RingScheme;
  vnodes: number;
  nodes: { id: string; weight: number; up?: boolean; label?: string }[];
}

/**
 * Every point of the ring, for drawing: `positions` ascending (u32 ring positions) and, at the
 * same index, `owners` — the index of the owning node in `nodes()`.
 */
export interface RingPoints {
  positions: Uint32Array;
  owners: Uint32Array;
}
