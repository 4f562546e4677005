// Types of the Node entry (node.js): exactly the browser module's API, already initialised.
export * from "./ringlease.js";
export { default } from "./ringlease.js";
