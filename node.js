// The Node entry of ringlease (`exports["."].node` and `ringlease/node`): the same API as the
// default entry, with the wasm instantiated synchronously when this module is imported, so
// `import { HashRing } from "ringlease"` works in Node with no init call.
//
// `init()` and `initSync()` are re-exported for code written for the browser entry: once the
// instance exists, both return it at once and ignore their argument.
import { readFileSync } from "node:fs";
import { initSync } from "./pkg/index.js";

initSync({ module: readFileSync(new URL("./pkg/ringlease_bg.wasm", import.meta.url)) });

export * from "./pkg/index.js";
export { default } from "./pkg/index.js";
