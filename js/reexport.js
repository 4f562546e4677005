// The module of an entry that needs nothing beyond the generated bindings (`ringlease/lease`):
// scripts/build.mjs copies it to pkg/<entry>/index.js, beside the generated ./ringlease.js.
export * from "./ringlease.js";
export { default } from "./ringlease.js";
