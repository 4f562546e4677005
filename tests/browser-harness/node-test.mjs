// `node:test` for the browser run of the JS suites (tests/browser-harness/index.html maps the specifier
// here). Only what tests/js/*.test.mjs use: describe/suite and test/it (name, optional options,
// synchronous or async fn), before/after/beforeEach/afterEach, and a test context with `name` and
// `diagnostic()`. Anything else throws, so a suite that starts using more fails loudly instead of
// being skipped. Registration happens while the test module evaluates (describe bodies run at once,
// as in node:test); `runRegistered()` then runs everything in declaration order, one at a time.

const NOT_SUPPORTED = "is not supported by the browser shim of node:test (tests/browser-harness/node-test.mjs)";

function newSuite(name, parent) {
  return { kind: "suite", name, parent, children: [], hooks: { before: [], after: [], beforeEach: [], afterEach: [] } };
}

const root = newSuite("", null);
let current = root;
let started = false;

/** (name, fn) or (name, options, fn) or (fn) as node:test accepts; only { timeout } is allowed. */
function args(kind, name, options, fn) {
  if (typeof name === "function") return args(kind, name.name || "<anonymous>", undefined, name);
  if (typeof options === "function") return args(kind, name, undefined, options);
  if (typeof fn !== "function") throw new TypeError(`${kind}(${JSON.stringify(name)}): the last argument must be a function`);
  for (const key of Object.keys(options ?? {})) {
    if (key !== "timeout") throw new Error(`${kind} option "${key}" ${NOT_SUPPORTED}`);
  }
  if (started) throw new Error(`${kind}(${JSON.stringify(name)}) after the run started ${NOT_SUPPORTED}`);
  return { name: String(name), fn };
}

export function describe(name, options, fn) {
  const a = args("describe", name, options, fn);
  const suite = newSuite(a.name, current);
  current.children.push(suite);
  const outer = current;
  current = suite;
  try {
    const result = a.fn();
    if (result && typeof result.then === "function") throw new Error(`an async describe body ${NOT_SUPPORTED}`);
  } catch (error) {
    suite.error = error; // reported as a failure, like a describe body that throws in node:test
  } finally {
    current = outer;
  }
}

export function test(name, options, fn) {
  const a = args("test", name, options, fn);
  if (a.fn.length > 1) throw new Error(`test(${JSON.stringify(a.name)}): a done callback ${NOT_SUPPORTED}`);
  current.children.push({ kind: "test", name: a.name, fn: a.fn, parent: current });
}

export const it = test;
export const suite = describe;

function hook(kind) {
  return (fn) => {
    if (typeof fn !== "function") throw new TypeError(`${kind}: expected a function`);
    current.hooks[kind].push(fn);
  };
}
export const before = hook("before");
export const after = hook("after");
export const beforeEach = hook("beforeEach");
export const afterEach = hook("afterEach");

export const mock = new Proxy(
  {},
  {
    get(_, key) {
      throw new Error(`mock.${String(key)} ${NOT_SUPPORTED}`);
    },
  },
);

function errorText(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `thrown value: ${JSON.stringify(error)}`;
  } catch {
    return `thrown value: ${String(error)}`;
  }
}

/**
 * Runs every registered test in declaration order. Returns
 * `{ passed, failed, failures: [{ name, message, stack }], tests: [{ name, ok, ms, diagnostics }] }`;
 * a test's name is its suites' names and its own, joined by " > ".
 */
export async function runRegistered({ onResult = () => {} } = {}) {
  started = true;
  const tests = [];
  const failures = [];
  const record = (entry, error) => {
    tests.push(entry);
    if (!entry.ok) {
      failures.push({ name: entry.name, message: errorText(error), stack: error?.stack ?? "" });
    }
    onResult(entry);
  };
  const fullName = (names, name) => [...names, name].join(" > ");

  // Hooks of every enclosing suite, outermost first for beforeEach, innermost first for afterEach.
  const eachHooks = (suite, kind) => {
    const chain = [];
    for (let s = suite; s; s = s.parent) chain.unshift(s.hooks[kind]);
    return kind === "afterEach" ? chain.reverse().flat() : chain.flat();
  };

  async function runTest(node, names) {
    const ctx = { name: node.name, diagnostics: [] };
    ctx.diagnostic = (message) => ctx.diagnostics.push(String(message));
    for (const key of ["test", "skip", "todo", "plan", "mock", "after", "before", "beforeEach", "afterEach", "signal"]) {
      Object.defineProperty(ctx, key, {
        get() {
          throw new Error(`t.${key} ${NOT_SUPPORTED}`);
        },
      });
    }
    const t0 = performance.now();
    let error;
    let ok = true;
    try {
      for (const h of eachHooks(node.parent, "beforeEach")) await h(ctx);
      await node.fn(ctx);
    } catch (e) {
      ok = false;
      error = e;
    }
    try {
      for (const h of eachHooks(node.parent, "afterEach")) await h(ctx);
    } catch (e) {
      if (ok) [ok, error] = [false, e];
    }
    const ms = performance.now() - t0;
    record({ name: fullName(names, node.name), ok, ms, diagnostics: ctx.diagnostics }, error);
  }

  async function runSuite(suite, names) {
    const inner = suite === root ? names : [...names, suite.name];
    if (suite.error) {
      record({ name: fullName(names, suite.name), ok: false, ms: 0, diagnostics: [], suite: true }, suite.error);
      return;
    }
    try {
      for (const h of suite.hooks.before) await h();
    } catch (e) {
      record({ name: `${fullName(names, suite.name)} (before hook)`, ok: false, ms: 0, diagnostics: [], suite: true }, e);
      return;
    }
    for (const child of suite.children) {
      if (child.kind === "suite") await runSuite(child, inner);
      else await runTest(child, inner);
    }
    try {
      for (const h of suite.hooks.after) await h();
    } catch (e) {
      record({ name: `${fullName(names, suite.name)} (after hook)`, ok: false, ms: 0, diagnostics: [], suite: true }, e);
    }
  }

  await runSuite(root, []);
  const passed = tests.filter((t) => t.ok).length;
  return { passed, failed: tests.length - passed, failures, tests };
}
