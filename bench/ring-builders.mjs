// How bench/ring.mjs builds each library's ring, with its default options.
import { sink } from "./ring-timing.mjs";

/**
 * The builders, each `(ids) => ring`.
 * @param {any} HashRing ringlease's class (null with --peers-only)
 * @param {any} HashRingJs the npm package hashring
 * @param {any} ConsistentHash the npm package consistent-hash
 */
export function builders(HashRing, HashRingJs, ConsistentHash) {
  const consistentHashAddOnly = (ids) => {
    const ring = new ConsistentHash();
    for (const id of ids) ring.add(id);
    return ring;
  };
  return {
    consistentHashAddOnly,
    // The headline: the constructor with `nodes` (one sort, no change report).
    ringlease: (ids) => new HashRing({ nodes: ids }),
    ringleaseKetama: (ids) => new HashRing({ scheme: "ketama", nodes: ids }),
    // addNodes on an empty ring returns a RingChange whose arcs cover the whole ring (one per
    // point): building and encoding that report to JS is part of this figure.
    ringleaseAddNodes: (ids) => {
      const ring = new HashRing();
      const change = ring.addNodes(ids);
      sink.value = (sink.value + change.arcs.length) | 0;
      return ring;
    },
    // One RingChange per addNode.
    ringleaseAddNodeLoop: (ids) => {
      const ring = new HashRing();
      for (const id of ids) sink.value = (sink.value + ring.addNode(id).arcs.length) | 0;
      return ring;
    },
    hashring: (ids) => new HashRingJs(ids),
    // consistent-hash sorts its control points lazily on the first get(); forcing it here makes
    // "build" mean "ready to answer", like the others. `consistentHashAddOnly` is reported too.
    consistentHash: (ids) => {
      const ring = consistentHashAddOnly(ids);
      ring.get("warm");
      return ring;
    },
  };
}
