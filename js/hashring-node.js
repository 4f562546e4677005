// The Node module of `ringlease/hashring` (`exports["./hashring"].node`; scripts/build.mjs copies
// it into pkg/ring/): the drop-in for the npm package `hashring`, with the ring's wasm
// instantiated synchronously on import (by ./node.js), so `import HashRing from
// "ringlease/hashring"` works in Node with no init call.
import "./node.js";

export { default, HashRing } from "./hashring.js";
