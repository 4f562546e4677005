// The lease entry's module (`ringlease/lease`): scripts/build.mjs copies it to pkg/lease/index.js,
// beside the generated ./ringlease.js (renamed to the entry's own file), ./receivers.js and
// ./lease-fast.js. It re-exports the bindings with every class guarded against a foreign `this`
// (see ./receivers.js) and LeaseTable's faster acquire and release (see ./lease-fast.js).

import { speedUpLeaseTable } from "./lease-fast.js";
import { guardReceivers, isWasmClass } from "./receivers.js";
import * as bindings from "./ringlease.js";

export * from "./ringlease.js";
export { default } from "./ringlease.js";

guardReceivers(Object.values(bindings).filter(isWasmClass));
speedUpLeaseTable(/** @type {any} */ (bindings).LeaseTable);
