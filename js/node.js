// The Node entry of each ringlease entry (the `node` export condition of `ringlease`,
// `ringlease/lease` and `ringlease/sim`; scripts/build.mjs copies it into every pkg/<entry>/): the
// same API as the browser module beside it, with the wasm instantiated synchronously when this
// module is imported, so `import { HashRing } from "ringlease"` works in Node with no init call.
//
// `init()` and `initSync()` are re-exported for code written for browsers: once the instance
// exists, both return it at once and ignore their argument.
import { readFileSync } from "node:fs";
import { initSync } from "./index.js";

initSync({ module: readFileSync(new URL("./ringlease_bg.wasm", import.meta.url)) });

export * from "./index.js";
export { default } from "./index.js";
