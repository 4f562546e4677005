// Internals shared by the modules of ringlease/redis and the tests (not part of the package's
// API: the `ringlease/redis` export map does not reach this file).
import { sha1 } from "./client.js";

/** Compiles script sources (name -> Lua) into `{ source, sha }` by name. */
export function compileScripts(scripts) {
  return Object.fromEntries(Object.entries(scripts).map(([name, source]) => [name, { source, sha: sha1(source) }]));
}

/** Scripts that replace the default ones for one `RedisLeases` (a negative control in tests). */
export const scriptsFor = new WeakMap();

/** A Redis or connection error, wrapped to name the method and the resource. */
export function wrap(err, context, what, name) {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${context} on ${what} ${JSON.stringify(name)}: ${message}`, { cause: err });
}
