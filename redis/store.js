// RedisFencedStore: FencedStore's outcomes on a Redis server, each method one script on the
// key's hash (see STORE_SCRIPTS in scripts.js).
import { adapt, runScript } from "./client.js";
import { compileScripts, wrap } from "./internal.js";
import { STORE_SCRIPTS } from "./scripts.js";
import * as check from "./validate.js";

const STORE = compileScripts(STORE_SCRIPTS);

/**
 * `FencedStore` on Redis: a write is applied only if its token is at least the highest token
 * accepted for that key, checked and applied in one script. Values are JSON-compatible. A read
 * may be fenced too (`read(key, { token })`), which closes the window between a holder's read
 * and its write.
 *
 * ```js
 * const store = new RedisFencedStore(client);
 * await store.write("file", { text: "hello" }, token);   // { accepted: true, version: 1 }
 * await store.read("file");                             // { value: { text: "hello" }, token, version: 1 }
 * await store.read("file", { token });                  // { accepted: true, value: { text: "hello" }, token, version: 1 }
 * ```
 */
export class RedisFencedStore {
  #adapter;
  #prefix;

  /** @param {unknown} client @param {{ prefix?: string }} [options] */
  constructor(client, options) {
    const context = "new RedisFencedStore";
    const object = check.options(options, context, "options", ["prefix"]);
    this.#prefix = check.prefix(object.prefix, context);
    this.#adapter = adapt(client, context);
  }

  /** The Redis key (a hash) holding one store key. */
  keyOf(key) {
    return `{${this.#prefix}:${key}}:fenced`;
  }

  /** Runs the store script `script` on `key`; errors name the public `method`. */
  async #run(script, key, args, method = script) {
    try {
      return await runScript(this.#adapter, STORE[script], this.keyOf(key), args);
    } catch (err) {
      throw wrap(err, `RedisFencedStore.${method}`, "key", key);
    }
  }

  /**
   * Checks a write's `key`, its token or version (`field`, a safe integer) and its value, in
   * that order, and returns the value as JSON text.
   */
  #writeArgs(context, key, field, number, value) {
    check.string(key, context, "key");
    check.safeInteger(number, context, field);
    const text = json(value, context);
    check.id(key, context, "key");
    return text;
  }

  /**
   * `{ accepted: true, version }`, or `{ accepted: false, reason: "staleToken", highest }` when
   * `token` is below the highest token accepted for `key` (nothing changes).
   */
  async write(key, value, token) {
    const text = this.#writeArgs("RedisFencedStore.write", key, "token", token, value);
    const reply = await this.#run("write", key, [text, String(token)]);
    return reply[0] === "accepted"
      ? { accepted: true, version: Number(reply[1]) }
      : { accepted: false, reason: "staleToken", highest: Number(reply[1]) };
  }

  /**
   * `{ value, token, version }` (a fresh copy of the value, the highest token accepted for the
   * key) or `undefined` if the key does not exist.
   *
   * With `{ token }`, a fenced read, checked and applied in one script: refused with
   * `{ accepted: false, reason: "staleToken", highest }` when `token` is below the highest token
   * accepted for the key (nothing changes); else `token` becomes the key's highest (the value and
   * version stay) and the read is `{ accepted: true, value, token, version }`. Once a holder has
   * read under its token, an older holder's late write is refused, so it cannot land between
   * this read and the write that follows it. A key that does not exist gives `undefined` and
   * registers nothing.
   * @param {string} key
   * @param {{ token: number }} [options]
   */
  async read(key, options) {
    const context = "RedisFencedStore.read";
    if (options === undefined) {
      check.id(key, context, "key");
      const reply = await this.#run("read", key, []);
      if (!reply) return undefined;
      return { value: JSON.parse(reply[0]), token: Number(reply[1]), version: Number(reply[2]) };
    }
    check.string(key, context, "key");
    const object = check.options(options, context, "options", ["token"], true);
    const token = check.safeInteger(object.token, context, "options.token");
    check.id(key, context, "key");
    const reply = await this.#run("fencedRead", key, [String(token)], "read");
    if (!reply) return undefined;
    if (reply[0] !== "accepted") return { accepted: false, reason: "staleToken", highest: Number(reply[1]) };
    return { accepted: true, value: JSON.parse(reply[1]), token: Number(reply[2]), version: Number(reply[3]) };
  }

  /**
   * Sets `value` if the key's version is `expectedVersion` (0: must not exist):
   * `{ accepted, version }` (the new version, or the current one). Ignores tokens.
   */
  async compareAndSet(key, expectedVersion, value) {
    const text = this.#writeArgs("RedisFencedStore.compareAndSet", key, "expectedVersion", expectedVersion, value);
    const reply = await this.#run("compareAndSet", key, [String(expectedVersion), text]);
    return { accepted: reply[0] === "accepted", version: Number(reply[1]) };
  }
}

function json(value, context) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new TypeError(`${context}: value must be JSON-compatible: ${err.message}`);
  }
  if (typeof text !== "string") {
    throw new TypeError(`${context}: value must be JSON-compatible, got ${check.describe(value)}`);
  }
  return text;
}
