// The Node entry of `ringlease/hashring` (`exports["./hashring"].node`): the drop-in for the npm
// package `hashring`, with the wasm instantiated synchronously on import (by ./node.js), so
// `import HashRing from "ringlease/hashring"` works in Node with no init call.
import "./node.js";

export { default, HashRing } from "./pkg/hashring.js";
