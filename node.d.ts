// Types of the Node entry (node.js): exactly the default entry's API, already initialised.
export * from "./pkg/ringlease.js";
export { default } from "./pkg/ringlease.js";
