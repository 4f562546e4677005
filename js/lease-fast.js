// A faster `LeaseTable.prototype.acquire` and `release`, installed by the entries that have
// LeaseTable (./lease.js for `ringlease/lease`, ./index.js for the sim entry).
//
// The generated methods decode an options object through `Reflect` from wasm, pass each name
// as a string and build the result object in wasm. Here the options are read in JavaScript,
// names cross as small integers (each distinct name crosses once: `ids` below), and a grant or
// a plain release comes back as a number that becomes the same object here. The answer is
// identical: anything unusual (a request id, a value out of range, a name never seen that wasm
// refuses, any error) goes through the generated method, which answers or throws exactly as
// before. What the caller's options object runs (getters, Proxy traps) runs once, in the same
// order as in the generated method, before wasm is called: the table is never borrowed while
// user code runs. A fallback after options were read passes a plain copy of what was read.
import { brandTest, foreignReceiver, unguardedMethod } from "./receivers.js";

// Name → id, a copy of wasm's intern table (one per wasm instance, shared by every table). At
// most MAX_NAMES ids (wasm refuses more): when full, both sides forget every name and start over.
const MAX_NAMES = 8192;
/** @type {Array<string | symbol>} */
const ALLOWED = ["ttlMs", "nowMs", "wait", "requestId"];
const NOT_PLAIN = Object.create(Object.create(null)); // reads as "an object" in the error
const isTime = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * Replaces `acquire` and `release` of a guarded `LeaseTable` class with the fast paths.
 * @param {any} LeaseTable
 */
export function speedUpLeaseTable(LeaseTable) {
  const proto = LeaseTable.prototype;
  const isTable = brandTest(LeaseTable);
  const checkedAcquire = unguardedMethod(LeaseTable, "acquire");
  const checkedRelease = unguardedMethod(LeaseTable, "release");
  const fastAcquire = unguardedMethod(LeaseTable, "__acquire");
  const fastRelease = unguardedMethod(LeaseTable, "__release");
  const keptOutcome = unguardedMethod(LeaseTable, "__outcome");
  const ids = new Map();

  /** The id of `name`, or -1 (not a string, or a name wasm refuses: the checked path says why). */
  function idOf(name) {
    if (typeof name !== "string") return -1;
    const id = ids.get(name);
    if (id !== undefined) return id;
    const fresh = LeaseTable.__intern(name);
    if (fresh >= 0) ids.set(name, fresh);
    return fresh;
  }

  /** Both sides forget every name when two more might not fit (see MAX_NAMES). */
  function makeRoomForTwoNames() {
    if (ids.size > MAX_NAMES - 2) {
      LeaseTable.__forgetNames();
      ids.clear();
    }
  }

  function acquire(resource, owner, options) {
    if (!isTable(this)) throw foreignReceiver(LeaseTable, "acquire", this);
    if (typeof resource !== "string" || typeof owner !== "string" || typeof options !== "object" || options === null) {
      return checkedAcquire.call(this, resource, owner, options);
    }
    // Read as the generated method reads: prototype, own keys, then ttlMs, nowMs, wait, requestId.
    let prototype;
    try {
      prototype = Object.getPrototypeOf(options);
    } catch {
      return checkedAcquire.call(this, resource, owner, NOT_PLAIN);
    }
    if (prototype !== Object.prototype && prototype !== null) {
      return checkedAcquire.call(this, resource, owner, prototype === Array.prototype ? [] : NOT_PLAIN);
    }
    for (const key of Reflect.ownKeys(options)) {
      if (!ALLOWED.includes(key)) return checkedAcquire.call(this, resource, owner, { [key]: undefined });
    }
    const ttlMs = options.ttlMs;
    if (!isTime(ttlMs)) return checkedAcquire.call(this, resource, owner, { ttlMs });
    const nowMs = options.nowMs;
    if (!isTime(nowMs)) return checkedAcquire.call(this, resource, owner, { ttlMs, nowMs });
    const wait = options.wait;
    let waitMs = -1;
    if (wait === true) waitMs = ttlMs;
    else if (isTime(wait)) waitMs = wait;
    else if (wait !== undefined && wait !== false) return checkedAcquire.call(this, resource, owner, { ttlMs, nowMs, wait });
    const requestId = options.requestId;
    if (requestId === undefined) {
      makeRoomForTwoNames();
      const r = idOf(resource);
      const o = r >= 0 ? idOf(owner) : -1;
      if (o >= 0) {
        const token = fastAcquire.call(this, r, o, ttlMs, nowMs, waitMs);
        if (token > 0) return { status: "granted", token, expiresAtMs: nowMs + ttlMs };
        if (token === 0) return keptOutcome.call(this);
      }
    }
    return checkedAcquire.call(this, resource, owner, { ttlMs, nowMs, wait, requestId });
  }

  function release(resource, owner, token, nowMs) {
    if (!isTable(this)) throw foreignReceiver(LeaseTable, "release", this);
    if (typeof token === "number" && typeof nowMs === "number") {
      makeRoomForTwoNames();
      const r = idOf(resource);
      const o = r >= 0 ? idOf(owner) : -1;
      if (o >= 0) {
        const code = fastRelease.call(this, r, o, token, nowMs);
        if (code === 1) return { status: "released" };
        if (code === 0) return keptOutcome.call(this);
      }
    }
    return checkedRelease.call(this, resource, owner, token, nowMs);
  }

  for (const [name, value] of /** @type {Array<[string, Function]>} */ ([
    ["acquire", acquire],
    ["release", release],
  ])) {
    Object.defineProperty(proto, name, { value, writable: true, enumerable: false, configurable: true });
  }
}
