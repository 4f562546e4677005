// `node:assert/strict` for the browser run of the JS suites (tests/browser-harness/index.html maps the
// specifier here). The strict-mode semantics of Node's assert for what tests/js use: ok, equal /
// notEqual (Object.is), deepEqual / notDeepEqual (Node's deepStrictEqual: same prototypes and
// [[Class]], own enumerable string and symbol keys, typed arrays by bytes, Map and Set contents,
// Date, RegExp, boxed primitives, Error name and message, -0 !== 0, NaN equal to NaN), match /
// doesNotMatch, throws / doesNotThrow (class, RegExp, validation function or object forms) and
// fail. Failures throw an AssertionError with Node's `code`, `actual`, `expected` and `operator`.
// Anything not defined here is undefined, so a suite that starts using it fails loudly.

export class AssertionError extends Error {
  constructor({ message, actual, expected, operator, generated = false }) {
    super(message);
    this.name = "AssertionError";
    this.code = "ERR_ASSERTION";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.generatedMessage = generated;
  }
}

/** A short, readable rendering of a value for generated messages (not Node's util.inspect). */
export function inspect(value, depth = 0) {
  if (typeof value === "string") return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return `[Function: ${value.name || "anonymous"}]`;
  if (Object.is(value, -0)) return "-0";
  if (value === null || typeof value !== "object") return String(value);
  if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof RegExp) return String(value);
  if (value instanceof Date) return value.toISOString();
  const more = (n, limit) => (n > limit ? `, … ${n - limit} more` : "");
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value.subarray(0, 20), (x) => inspect(x));
    return `${value.constructor.name}(${value.length}) [${items.join(", ")}${more(value.length, 20)}]`;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, 20).map((x) => inspect(x, depth + 1));
    return `[${items.join(", ")}${more(value.length, 20)}]`;
  }
  if (value instanceof Map) {
    const items = [...value].slice(0, 20).map(([k, v]) => `${inspect(k, depth + 1)} => ${inspect(v, depth + 1)}`);
    return `Map(${value.size}) {${items.join(", ")}${more(value.size, 20)}}`;
  }
  if (value instanceof Set) {
    const items = [...value].slice(0, 20).map((x) => inspect(x, depth + 1));
    return `Set(${value.size}) {${items.join(", ")}${more(value.size, 20)}}`;
  }
  const keys = ownKeys(value);
  const items = keys.slice(0, 20).map((k) => `${typeof k === "symbol" ? `[${k.toString()}]` : k}: ${inspect(value[k], depth + 1)}`);
  const name = Object.getPrototypeOf(value) === Object.prototype ? "" : `${value.constructor?.name ?? "[null prototype]"} `;
  return `${name}{${items.join(", ")}${more(keys.length, 20)}}`;
}

function ownKeys(value) {
  const keys = Object.keys(value);
  for (const s of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, s)) keys.push(s);
  }
  return keys;
}

function fail(message, details) {
  if (message instanceof Error) throw message;
  const generated = message === undefined;
  throw new AssertionError({ ...details, message: generated ? details.message : String(message), generated });
}

const tag = (v) => Object.prototype.toString.call(v);
const isBoxed = (v) => v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt || v instanceof Symbol;

/** Node's deepStrictEqual comparison (the parts the suites can reach). */
export function isDeepStrictEqual(a, b) {
  return deepEq(a, b, new Map());
}

function deepEq(a, b, memo) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (tag(a) !== tag(b)) return false;
  // Cycles: a pair already being compared further up is taken as equal (as Node does).
  let seen = memo.get(a);
  if (seen?.has(b)) return true;
  if (!seen) {
    seen = new Set();
    memo.set(a, seen);
  }
  seen.add(b);
  try {
    return objectsEqual(a, b, memo);
  } finally {
    seen.delete(b);
  }
}

function objectsEqual(a, b, memo) {
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
  } else if (a instanceof Date) {
    if (!Object.is(a.getTime(), b.getTime())) return false;
  } else if (a instanceof RegExp) {
    if (a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (isBoxed(a)) {
    if (!Object.is(a.valueOf(), b.valueOf())) return false;
  } else if (a instanceof Error) {
    if (a.message !== b.message || a.name !== b.name) return false;
  } else if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    // Index keys are compared by bytes above; compare the other own keys below.
    return keysEqual(a, b, memo, (k) => typeof k === "symbol" || !/^(0|[1-9]\d*)$/.test(k));
  } else if (a instanceof ArrayBuffer || tag(a) === "[object SharedArrayBuffer]") {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  } else if (a instanceof Map) {
    if (a.size !== b.size || !mapEqual(a, b, memo)) return false;
  } else if (a instanceof Set) {
    if (a.size !== b.size || !setEqual(a, b, memo)) return false;
  } else if (a instanceof WeakMap || a instanceof WeakSet || a instanceof Promise) {
    return false; // not identical (Object.is above), and their contents cannot be compared
  }
  return keysEqual(a, b, memo, () => true);
}

function keysEqual(a, b, memo, filter) {
  const ka = ownKeys(a).filter(filter);
  const kb = ownKeys(b).filter(filter);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!deepEq(a[k], b[k], memo)) return false;
  }
  return true;
}

function mapEqual(a, b, memo) {
  const unmatched = [];
  for (const [k, v] of a) {
    if (typeof k !== "object" || k === null) {
      if (!b.has(k) || !deepEq(v, b.get(k), memo)) return false;
    } else if (b.has(k) && deepEq(v, b.get(k), memo)) {
      // same object key
    } else {
      unmatched.push([k, v]);
    }
  }
  if (unmatched.length === 0) return true;
  const candidates = [...b].filter(([k]) => typeof k === "object" && k !== null && !a.has(k));
  for (const [k, v] of unmatched) {
    const i = candidates.findIndex(([k2, v2]) => deepEq(k, k2, memo) && deepEq(v, v2, memo));
    if (i < 0) return false;
    candidates.splice(i, 1);
  }
  return true;
}

function setEqual(a, b, memo) {
  const unmatched = [];
  for (const x of a) {
    if (b.has(x)) continue;
    if (typeof x !== "object" || x === null) return false;
    unmatched.push(x);
  }
  if (unmatched.length === 0) return true;
  const candidates = [...b].filter((y) => typeof y === "object" && y !== null && !a.has(y));
  for (const x of unmatched) {
    const i = candidates.findIndex((y) => deepEq(x, y, memo));
    if (i < 0) return false;
    candidates.splice(i, 1);
  }
  return true;
}

function ok(value, message) {
  if (!value) {
    fail(message, {
      message: `The expression evaluated to a falsy value:\n\n  assert.ok(${inspect(value)})\n`,
      actual: value,
      expected: true,
      operator: "==",
    });
  }
}

function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    fail(message, {
      message: `Expected values to be strictly equal:\n\n${inspect(actual)} !== ${inspect(expected)}\n`,
      actual,
      expected,
      operator: "strictEqual",
    });
  }
}

function notEqual(actual, expected, message) {
  if (Object.is(actual, expected)) {
    fail(message, {
      message: `Expected "actual" to be strictly unequal to: ${inspect(expected)}`,
      actual,
      expected,
      operator: "notStrictEqual",
    });
  }
}

function deepEqual(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) {
    fail(message, {
      message: `Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ ${inspect(actual)}\n- ${inspect(expected)}\n`,
      actual,
      expected,
      operator: "deepStrictEqual",
    });
  }
}

function notDeepEqual(actual, expected, message) {
  if (isDeepStrictEqual(actual, expected)) {
    fail(message, {
      message: `Expected "actual" not to be strictly deep-equal to: ${inspect(expected)}`,
      actual,
      expected,
      operator: "notDeepStrictEqual",
    });
  }
}

function match(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw new TypeError('The "regexp" argument must be an instance of RegExp.');
  if (typeof string !== "string" || !regexp.test(string)) {
    fail(message, {
      message:
        typeof string !== "string"
          ? `The "string" argument must be of type string. Received ${inspect(string)}`
          : `The input did not match the regular expression ${regexp}. Input:\n\n${inspect(string)}\n`,
      actual: string,
      expected: regexp,
      operator: "match",
    });
  }
}

function doesNotMatch(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw new TypeError('The "regexp" argument must be an instance of RegExp.');
  if (typeof string !== "string" || regexp.test(string)) {
    fail(message, {
      message:
        typeof string !== "string"
          ? `The "string" argument must be of type string. Received ${inspect(string)}`
          : `The input was expected to not match the regular expression ${regexp}. Input:\n\n${inspect(string)}\n`,
      actual: string,
      expected: regexp,
      operator: "doesNotMatch",
    });
  }
}

const NO_EXCEPTION = Symbol("no exception");

function getActual(fn) {
  if (typeof fn !== "function") throw new TypeError(`The "fn" argument must be of type function. Received ${inspect(fn)}`);
  try {
    fn();
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

/** Node's expectedException: does `actual` satisfy `expected` (class, RegExp, function or object)? */
function checkThrown(actual, expected, message) {
  const details = { actual, expected, operator: "throws" };
  if (expected instanceof RegExp) {
    if (!expected.test(String(actual))) {
      fail(message, {
        ...details,
        message: `The input did not match the regular expression ${expected}. Input:\n\n${inspect(String(actual))}\n`,
      });
    }
    return;
  }
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && actual instanceof expected) return;
    if (Object.prototype.isPrototypeOf.call(Error, expected) || expected === Error) {
      fail(message, {
        ...details,
        message: `The error is expected to be an instance of "${expected.name}". Received "${actual?.constructor?.name}"\n\nError message:\n\n${actual?.message}`,
      });
    }
    const result = expected.call({}, actual);
    if (result !== true) {
      fail(message, {
        ...details,
        message: `The ${expected.name ? `"${expected.name}" validation function` : "validation function"} is expected to return "true". Received ${inspect(result)}\n\nCaught error:\n\n${inspect(actual)}`,
      });
    }
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    const keys = ownKeys(expected);
    if (expected instanceof Error) keys.push("name", "message");
    for (const key of keys) {
      const want = expected[key];
      const got = actual?.[key];
      const okKey = want instanceof RegExp && typeof got === "string" ? want.test(got) : isDeepStrictEqual(got, want);
      if (!okKey) {
        fail(message, {
          ...details,
          message: `Expected values to be strictly deep-equal at ${String(key)}:\n+ actual - expected\n\n+ ${inspect(got)}\n- ${inspect(want)}\n`,
        });
      }
    }
    return;
  }
  throw new TypeError(`The "expected" argument must be a function, RegExp or object. Received ${inspect(expected)}`);
}

function throws(fn, expected, message) {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  const actual = getActual(fn);
  if (actual === NO_EXCEPTION) {
    const name = typeof expected === "function" && expected.name && expected.prototype !== undefined ? ` (${expected.name})` : "";
    fail(message, {
      message: `Missing expected exception${name}${message ? `: ${message}` : "."}`,
      actual: undefined,
      expected,
      operator: "throws",
    });
  }
  if (expected !== undefined) checkThrown(actual, expected, message);
}

function doesNotThrow(fn, message) {
  const actual = getActual(fn);
  if (actual !== NO_EXCEPTION) {
    fail(typeof message === "string" ? `Got unwanted exception: ${message}\nActual message: "${actual?.message}"` : undefined, {
      message: `Got unwanted exception.\nActual message: "${actual?.message}"`,
      actual,
      expected: undefined,
      operator: "doesNotThrow",
    });
  }
}

function failAssertion(message = "Failed") {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: String(message), operator: "fail" });
}

const assert = (value, message) => ok(value, message);
Object.assign(assert, {
  AssertionError,
  ok,
  equal,
  strictEqual: equal,
  notEqual,
  notStrictEqual: notEqual,
  deepEqual,
  deepStrictEqual: deepEqual,
  notDeepEqual,
  notDeepStrictEqual: notDeepEqual,
  match,
  doesNotMatch,
  throws,
  doesNotThrow,
  fail: failAssertion,
});
assert.strict = assert;

export default assert;
export {
  deepEqual,
  deepEqual as deepStrictEqual,
  doesNotMatch,
  doesNotThrow,
  equal,
  equal as strictEqual,
  failAssertion as fail,
  match,
  notDeepEqual,
  notDeepEqual as notDeepStrictEqual,
  notEqual,
  notEqual as notStrictEqual,
  ok,
  throws,
};
