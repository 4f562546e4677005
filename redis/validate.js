// Argument checks of `ringlease/redis`, with the messages and error classes of the wasm
// `LeaseTable` and `FencedStore` (same parameter names, same wording), so code that handles
// one handles the other. Every error message starts with its context, e.g.
// `RedisLeases.acquire: ttlMs must be an integer in [1, 3600000] ms, got 0`.

/** The longest resource, owner, election, request id or store key, in UTF-8 bytes. */
export const MAX_ID_BYTES = 256;
/** The largest `maxTtlMs` accepted (2^40 ms, about 35 years). */
export const MAX_TTL_LIMIT_MS = 2 ** 40;
/** The largest lock-delay (60 s). */
export const MAX_LOCK_DELAY_MS = 60_000;

const encoder = new TextEncoder();

/** A short description of a value for error messages: `"abc"`, `42`, `NaN`, `an object`. */
export function describe(value) {
  switch (typeof value) {
    case "string": {
      const chars = [...value];
      const shown = chars.length > 40 ? chars.slice(0, 40).join("") + "…" : value;
      return JSON.stringify(shown);
    }
    case "number":
      return String(value);
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "bigint":
      return "a bigint";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      if (value === null) return "null";
      return Array.isArray(value) ? "an array" : "an object";
  }
}

/** A string argument; lone surrogates are refused. */
export function string(value, context, name) {
  if (typeof value !== "string") {
    throw new TypeError(`${context}: ${name} must be a string, got ${describe(value)}`);
  }
  if (!value.isWellFormed()) {
    throw new RangeError(`${context}: ${name} must be well-formed UTF-16, but it contains a lone surrogate`);
  }
  return value;
}

/** A non-empty id of at most `MAX_ID_BYTES` UTF-8 bytes (checked after `string`). */
export function id(value, context, name, param = name) {
  const text = string(value, context, name);
  if (text.length === 0) throw new RangeError(`${context}: ${param} must not be empty`);
  if (text.length > MAX_ID_BYTES / 3) {
    const bytes = encoder.encode(text).length;
    if (bytes > MAX_ID_BYTES) {
      throw new RangeError(`${context}: ${param} must be at most ${MAX_ID_BYTES} UTF-8 bytes, got ${bytes}`);
    }
  }
  return text;
}

/** A non-negative safe integer given as a number (a time, TTL or token). */
export function safeInteger(value, context, name) {
  if (typeof value !== "number") {
    throw new TypeError(`${context}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${context}: ${name} must be a non-negative safe integer (0..=2^53-1), got ${String(value)}`);
  }
  return value;
}

/** `value` in `[min, max]` ms, as the core words it (`param` without the `options.` prefix). */
export function range(value, context, param, min, max) {
  if (value < min || value > max) {
    throw new RangeError(`${context}: ${param} must be an integer in [${min}, ${max}] ms, got ${value}`);
  }
  return value;
}

/** A boolean (no truthiness). */
export function boolean(value, context, name) {
  if (typeof value !== "boolean") {
    throw new TypeError(`${context}: ${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

function isPlain(value) {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/**
 * An options object: `undefined` (returns `{}` unless `required`) or a plain object whose own
 * keys are all `allowed`.
 */
export function options(value, context, name, allowed, required = false) {
  if (value === undefined && !required) return {};
  if (!isPlain(value)) {
    throw new TypeError(`${context}: ${name} must be a plain object, got ${describe(value)}`);
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string" || !allowed.includes(key)) {
      const shown = typeof key === "string" ? JSON.stringify(key) : "a symbol";
      throw new TypeError(`${context}: unknown option ${shown} in ${name} (allowed: ${allowed.join(", ")})`);
    }
  }
  return value;
}

/**
 * `{ minTtlMs, maxTtlMs, lockDelayMs, fifo }` with LeaseTable's defaults and checks; `extra`
 * names the other keys the caller accepts (returned untouched).
 */
export function leaseOptions(value, context, extra = []) {
  const allowed = ["minTtlMs", "maxTtlMs", "lockDelayMs", "fifo", ...extra];
  const object = options(value, context, "options", allowed);
  const out = { minTtlMs: 1, maxTtlMs: 3_600_000, lockDelayMs: 0, fifo: true };
  for (const key of ["minTtlMs", "maxTtlMs", "lockDelayMs"]) {
    if (object[key] !== undefined) out[key] = safeInteger(object[key], context, `options.${key}`);
  }
  if (object.fifo !== undefined) out.fifo = boolean(object.fifo, context, "options.fifo");
  range(out.minTtlMs, context, "minTtlMs", 1, MAX_TTL_LIMIT_MS);
  range(out.maxTtlMs, context, "maxTtlMs", out.minTtlMs, MAX_TTL_LIMIT_MS);
  range(out.lockDelayMs, context, "lockDelayMs", 0, MAX_LOCK_DELAY_MS);
  return { ...out, object };
}

/** A key prefix: a non-empty string of at most `MAX_ID_BYTES` bytes. Default `"ringlease"`. */
export function prefix(value, context) {
  if (value === undefined) return "ringlease";
  return id(value, context, "options.prefix");
}
