// The lease contract against the wasm LeaseTable and FencedStore, with a real clock: the
// reference every other backend is held to.
import { runContract } from "./cases.mjs";
import { wasmBackend } from "./wasm-backend.mjs";

runContract("wasm LeaseTable", wasmBackend);
