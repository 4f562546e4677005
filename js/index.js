// The package's entry (`exports["."]`): the generated bindings (./ringlease.js, copied next to
// this file into pkg/ by scripts/build.mjs), every class guarded against a foreign `this`
// (./receivers.js), plus a faster `HashRing.prototype.nodeFor` and, in the sim entry,
// LeaseTable's faster acquire and release (./lease-fast.js).
//
// wasm-bindgen's own `nodeFor` passes the key as a JS value (which wasm then asks JS to encode)
// and returns the owner as a `Result`, a multi-value array whose id leaves wasm's externref
// table on every call. Here the key is written straight into a fixed buffer in wasm memory,
// wasm returns the owner's index as a plain number, and the id comes from a copy of the node
// ids kept on the ring object, refreshed whenever wasm reports that the node list changed. The
// answer is identical: anything unusual (not a string, a lone surrogate, a key over 4 KiB, a
// changed node list, an empty ring…) goes through the generated method, which also throws its
// errors.

import { speedUpLeaseTable } from "./lease-fast.js";
import { brandTest, foreignReceiver, guardReceivers, isWasmClass } from "./receivers.js";
import * as bindings from "./ringlease.js";

export * from "./ringlease.js";
export { default } from "./ringlease.js";

const { HashRing } = bindings;
// The generated method, taken before it is guarded: `nodeFor` below checks its receiver itself.
const checkedNodeFor = HashRing.prototype.nodeFor;
guardReceivers(Object.values(bindings).filter(isWasmClass));
// The sim entry's LeaseTable (found by its fast path's hook: the ring entry has none).
const leaseTable = Object.values(bindings).find((cls) => typeof (/** @type {any} */ (cls)?.__intern) === "function");
if (leaseTable !== undefined) speedUpLeaseTable(leaseTable);
const isRing = brandTest(HashRing);
const IDS = Symbol("ringlease.nodeIds");
// [writeKey, ptr, cap] from wasm, fetched on first use (after init).
let writer;

function nodeFor(key) {
  if (!isRing(this)) throw foreignReceiver(HashRing, "nodeFor", this);
  const ids = this[IDS];
  if (ids !== undefined && typeof key === "string") {
    if (writer === undefined) writer = /** @type {any} */ (HashRing).__keyWriter();
    const length = writer[0](key, writer[1], writer[2]);
    if (length >= 0) {
      const owner = this.__ownerIndex(length, ids.generation);
      if (owner >= 0) return ids.list[owner];
      if (owner === -1) return undefined; // no node is up
    }
  }
  return nodeForChecked(this, key);
}

// The generated method answers (or throws); then the copy of the ids is renewed if it is missing
// or out of date, so later calls can take the fast path.
function nodeForChecked(ring, key) {
  const owner = checkedNodeFor.call(ring, key);
  const generation = ring.__idsGeneration;
  if (ring[IDS]?.generation !== generation) ring[IDS] = { generation, list: ring.__ids() };
  return owner;
}

Object.defineProperty(HashRing.prototype, "nodeFor", {
  value: nodeFor,
  writable: true,
  enumerable: false,
  configurable: true,
});
