// The module of an entry that needs nothing beyond the generated bindings (`ringlease/lease`):
// scripts/build.mjs copies it to pkg/<entry>/index.js, beside the generated ./ringlease.js
// (renamed to the entry's own file) and ./receivers.js. It re-exports the bindings with every
// class guarded against a foreign `this` (see ./receivers.js).
import * as bindings from "./ringlease.js";
import { guardReceivers, isWasmClass } from "./receivers.js";

export * from "./ringlease.js";
export { default } from "./ringlease.js";

guardReceivers(Object.values(bindings).filter(isWasmClass));
