// Internals shared by redis/index.js and the tests (not part of the package's API: the
// `ringlease/redis` export map does not reach this file).
import { sha1 } from "./client.js";

/** Compiles script sources (name -> Lua) into `{ source, sha }` by name. */
export function compileScripts(scripts) {
  return Object.fromEntries(
    Object.entries(scripts).map(([name, source]) => [name, { source, sha: sha1(source) }]),
  );
}

/** Scripts that replace the default ones for one `RedisLeases` (a negative control in tests). */
export const scriptsFor = new WeakMap();
