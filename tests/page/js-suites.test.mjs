// The JS suites of tests/js/ — the same files, unchanged — in headless Chromium, against the
// release wasm build in pkg/ (the bad-input tests run on the release build in Node and in
// the browser). Needs `npm run build` first and Chromium at /usr/bin/chromium.
//
//   node --test tests/page/js-suites.test.mjs
//
// Each suite file is opened in its own page, tests/browser-harness/?file=NAME (own module graph and wasm
// instance, as node --test gives each file its own process), served by scripts/serve.mjs with
// tests/ and the reference script added. tests/browser-harness/index.html maps node:test,
// node:assert/strict and node:crypto to small shims; the first tests here check the shims against
// Node's own modules. Per file, the test fails on any failing test in the browser, on a console
// error or warning, page error, failed or foreign request, and unless the browser ran exactly the
// tests (by full name) that node --test finds in the file, listed by running node --test on it with
// a name pattern nothing matches.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash as nodeCreateHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { startServer } from "../../scripts/serve.mjs";
import shimAssert, { isDeepStrictEqual as shimDeepEqual } from "../browser-harness/node-assert.mjs";
import { createHash as shimCreateHash } from "../browser-harness/node-crypto.mjs";
import { launchChromium, watchPage } from "../chromium.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const jsDir = fileURLToPath(new URL("../js/", import.meta.url));
/** Suites that only make sense in Node, and why. Every other tests/js/*.test.mjs runs in Chromium. */
const NODE_ONLY = new Map([
  [
    "ketama.test.mjs",
    "cross-checks against the npm hashring package (CommonJS, loaded with createRequire) on vectors read with node:fs, with MD5 from node:crypto",
  ],
  ["readme.test.mjs", "runs the README quick start in a child Node process"],
  ["standalone.test.mjs", "asks git for the tracked files and reads them with node:fs"],
  ["size-budget.test.mjs", "measures the built files in pkg/ with node:fs and node:zlib"],
  [
    "hashring-dropin.test.mjs",
    "differential against the npm hashring package (CommonJS on node:crypto, loaded with createRequire); hashring-fixtures.test.mjs carries its fixtures to the browser",
  ],
]);
const FILES = readdirSync(jsDir)
  .filter((f) => f.endsWith(".test.mjs") && !NODE_ONLY.has(f))
  .sort();
const PER_FILE_TIMEOUT_MS = 180_000;

/**
 * The tests node --test finds in each file, by full name ("suite > inner suite > test"), without
 * running them: node --test with a name pattern that matches nothing reports every test skipped.
 */
async function listNodeTests(files) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // set for this file's own process; a nested runner must not see it
  const reporter = fileURLToPath(new URL("./list-tests-reporter.mjs", import.meta.url));
  // One run per file: an event's `file` is where test() was called, which for a shared helper
  // (tests/js/canary.mjs) is not the suite file that registered the test.
  const list = (file) => {
    const args = ["--test", `--test-reporter=${reporter}`, "--test-name-pattern=(?!)", `tests/js/${file}`];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, args, { cwd: root, env, maxBuffer: 64 << 20 }, (error, out, err) => {
        if (error) reject(new Error(`node ${args.join(" ")} failed: ${error.message}\n${err}`));
        else resolve(out);
      });
    });
  };
  const byFile = new Map(files.map((f) => [f, []]));
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const line of (await list(file)).split("\n").filter(Boolean)) {
        const event = JSON.parse(line);
        assert.ok(event.file?.startsWith(jsDir), `node --test reported a test outside tests/js/: ${line}`);
        assert.ok(event.ok && (event.suite || event.skip), `node --test should list, not run or fail: ${line}`);
        byFile.get(file).push(event);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  // Events come in completion order: a suite after its children, each at nesting + 1.
  const names = new Map();
  for (const [file, events] of byFile) {
    const pending = []; // pending[n]: finished items at nesting n, waiting for their parent
    for (const e of events) {
      const children = e.suite ? (pending[e.nesting + 1] ?? []) : [];
      if (e.suite) pending[e.nesting + 1] = [];
      const leaves = e.suite ? children.map((c) => `${e.name} > ${c}`) : [e.name];
      pending[e.nesting] ??= [];
      pending[e.nesting].push(...leaves);
    }
    assert.ok(
      pending.slice(1).every((p) => p.length === 0),
      `${file}: every nested test has a parent suite`,
    );
    names.set(file, pending[0] ?? []);
  }
  return names;
}

/** Names in `expected` but not in `ran`, and in `ran` but not in `expected`, counting repeats. */
function compareNames(ran, expected) {
  const counts = new Map();
  for (const n of expected) counts.set(n, (counts.get(n) ?? 0) + 1);
  const extra = [];
  for (const n of ran) {
    if (counts.get(n)) counts.set(n, counts.get(n) - 1);
    else extra.push(n);
  }
  const missing = [...counts].flatMap(([n, c]) => Array(c).fill(n));
  return { missing, extra };
}

describe("the browser shims agree with Node's modules", () => {
  test("node:crypto createHash('sha1') (tests/browser-harness/node-crypto.mjs)", () => {
    const encoder = new TextEncoder();
    const chars = ["a", "z", "é", "東", "🚀", "\ud800", "#", "\u0000"];
    for (let n = 0; n < 300; n++) {
      const s = Array.from({ length: n }, (_, i) => chars[(i * 7 + n) % chars.length]).join("");
      const want = nodeCreateHash("sha1").update(Buffer.from(s, "utf8")).digest("hex");
      assert.equal(shimCreateHash("sha1").update(encoder.encode(s)).digest("hex"), want, `sha1 of ${n} chars`);
      assert.equal(shimCreateHash("sha1").update(s, "utf8").digest("hex"), want, `sha1 of ${n} chars (string)`);
      assert.deepEqual(Buffer.from(shimCreateHash("sha1").update(s).digest()), nodeCreateHash("sha1").update(s).digest());
    }
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) ^ (i >>> 8));
    assert.equal(
      shimCreateHash("sha1").update(big.subarray(0, 1000)).update(big.subarray(1000)).digest("hex"),
      nodeCreateHash("sha1").update(big).digest("hex"),
    );
  });

  test("node:assert/strict deepEqual and throws (tests/browser-harness/node-assert.mjs)", () => {
    const cycle = () => {
      const a = [1];
      a.push(a);
      return a;
    };
    const [o1, o2, o3] = [{ a: 1 }, { a: 1 }, { a: 2 }];
    // biome-ignore format: a table of pairs, several to a line
    const pairs = [
      [0, -0], [NaN, NaN], [1, "1"], [undefined, null], [[1, 2], [1, 2]], [[1, , 3], [1, undefined, 3]], [[undefined], []],
      [{ a: 1 }, { a: 1, b: undefined }], [{ a: undefined }, { b: undefined }], [Object.create(null), {}],
      [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }], [{ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }], [Object.assign([1], { x: 1 }), [1]],
      [new Uint32Array([1, 2]), new Uint32Array([1, 2])], [new Uint32Array([1, 2]), new Int32Array([1, 2])], [new Uint32Array([1, 2]), [1, 2]],
      [new Uint32Array([1, 2]), new Uint32Array([1, 3])], [new Float64Array([0]), new Float64Array([-0])], [new Float64Array([NaN]), new Float64Array([NaN])],
      [new Map([["a", 1]]), new Map([["a", 1]])], [new Map([["a", 1]]), new Map([["a", 2]])], [new Map([["a", 1]]), new Map([["b", 1]])],
      [new Map([[o1, 1]]), new Map([[o2, 1]])], [new Map([[o1, 1]]), new Map([[o3, 1]])], [new Map([[1, 1]]), { 1: 1 }],
      [new Set([1, o1]), new Set([1, o2])], [new Set([o1, o2]), new Set([o1, o3])], [new Set([o1, o3]), new Set([o2, { a: 2 }])],
      [new Set([[1], [2]]), new Set([[2], [1]])], [new Set([{ x: { y: 1 } }, { x: { y: 2 } }]), new Set([{ x: { y: 2 } }, { x: { y: 1 } }])],
      [cycle(), cycle()], [new Date(5), new Date(5)], [new Date(5), new Date(6)], [/a/g, /a/g], [/a/g, /a/i],
      [new TypeError("x"), new TypeError("x")], [new TypeError("x"), new RangeError("x")], [new TypeError("x"), new TypeError("y")],
      [new Number(1), new Number(1)], [new Number(0), new Number(-0)], [new String("a"), "a"],
      [{ [Symbol.for("s")]: 1 }, { [Symbol.for("s")]: 1 }], [{ [Symbol.for("s")]: 1 }, {}], [[[o1, o3]], [[o2, { a: 2 }]]],
    ];
    for (const [i, [a, b]] of pairs.entries()) assert.equal(shimDeepEqual(a, b), isDeepStrictEqual(a, b), `pair ${i}`);

    const outcome = (assertion, call) => {
      try {
        call(assertion);
        return "pass";
      } catch (e) {
        return `${e.name} ${e.code ?? ""}`;
      }
    };
    const error = new TypeError("bad x");
    const throwing = () => {
      throw error;
    };
    const throwsForms = [
      TypeError,
      RangeError,
      Error,
      /TypeError: bad/,
      /nope/,
      (e) => e instanceof TypeError,
      () => false,
      { name: "TypeError", message: "bad x" },
      { message: /bad/ },
      { message: "y" },
    ];
    for (const expected of throwsForms) {
      assert.equal(
        outcome(shimAssert, (a) => a.throws(throwing, expected)),
        outcome(assert, (a) => a.throws(throwing, expected)),
        `throws(fn, ${expected})`,
      );
      assert.equal(
        outcome(shimAssert, (a) => a.throws(() => {}, expected)),
        outcome(assert, (a) => a.throws(() => {}, expected)),
        `throws(no throw, ${expected})`,
      );
    }
    const calls = [
      (a) => a.equal(0, -0),
      (a) => a.equal(NaN, NaN),
      (a) => a.equal(1, 1),
      (a) => a.notEqual(1, 1),
      (a) => a.notEqual(1, 2),
      (a) => a.ok(0),
      (a) => a.ok(""),
      (a) => a.ok(1),
      (a) => a(0),
      (a) => a(1),
      (a) => a.match("abc", /b/),
      (a) => a.match("abc", /x/),
      (a) => a.match(1, /1/),
      (a) => a.notDeepEqual([1], [1]),
      (a) => a.notDeepEqual([1], [2]),
      (a) => a.fail("boom"),
    ];
    for (const [i, call] of calls.entries()) assert.equal(outcome(shimAssert, call), outcome(assert, call), `call ${i}: ${call}`);
    assert.throws(() => shimAssert.equal(1, 2, "custom message"), {
      name: "AssertionError",
      message: "custom message",
      actual: 1,
      expected: 2,
    });
  });
});

describe("the JS suites in headless Chromium, on the release build", () => {
  let server;
  let baseUrl;
  let browser;
  let nodeTests;
  const totals = { passed: 0, ms: 0 };

  before(async () => {
    [nodeTests, { server, url: baseUrl }, browser] = await Promise.all([
      listNodeTests(FILES),
      startServer({ port: 0, extraRoots: ["tests", "scripts/gen-golden.mjs", "scripts/lib"] }),
      launchChromium(),
    ]);
    const skipped = [...NODE_ONLY].map(([f, why]) => `${f} (${why})`).join("; ");
    console.log(`# Chromium ${browser.version()}: ${FILES.length} suite files; Node only: ${skipped}`);
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (totals.passed) console.log(`# in Chromium: ${totals.passed} tests passed in ${(totals.ms / 1000).toFixed(1)} s of page time`);
  });

  test("runs every suite file but the Node-only ones", () => {
    assert.ok(FILES.includes("lease.test.mjs") && FILES.includes("ring-errors.test.mjs"), `${FILES}`);
    for (const f of NODE_ONLY.keys()) assert.ok(readdirSync(jsDir).includes(f), `NODE_ONLY lists ${f}, which is gone`);
  });

  for (const file of FILES) {
    test(`tests/js/${file}: the same tests pass as in node --test`, { timeout: PER_FILE_TIMEOUT_MS }, async () => {
      const expected = nodeTests.get(file);
      assert.ok(expected.length > 0, `node --test finds tests in ${file}`);
      const origin = new URL(baseUrl).origin;
      const problems = [];
      const page = await browser.newPage();
      try {
        watchPage(page, origin, { problems });
        const started = Date.now();
        await page.goto(`${baseUrl}tests/browser-harness/?file=${encodeURIComponent(file)}`);
        await page.waitForFunction(() => window.jsSuite?.done === true, null, { timeout: PER_FILE_TIMEOUT_MS - 5_000, polling: 100 });
        const result = await page.evaluate(() => window.jsSuite);
        const elapsed = Date.now() - started;
        console.log(
          `# ${file}: ${result.passed} passed, ${result.failed} failed in Chromium (node --test: ${expected.length} tests), ` +
            `${Math.round(result.ms)} ms in the page, ${elapsed} ms with loading`,
        );
        for (const t of result.tests) for (const d of t.diagnostics) console.log(`#   ${t.name}: ${d}`);

        if (result.failed > 0) {
          const shown = result.failures.slice(0, 20).map((f) => `✖ ${f.name}\n    ${f.message.trim().replace(/\n/g, "\n    ")}`);
          const more = result.failures.length > 20 ? `\n… and ${result.failures.length - 20} more` : "";
          assert.fail(
            `${result.failed} of ${result.tests.length || "the"} tests of ${file} failed in Chromium:\n${shown.join("\n")}${more}`,
          );
        }
        assert.deepEqual(problems, [], "console errors or warnings, page errors, failed or foreign requests");
        const { missing, extra } = compareNames(
          result.tests.map((t) => t.name),
          expected,
        );
        if (missing.length || extra.length) {
          const list = (names) =>
            names
              .slice(0, 20)
              .map((n) => `\n  ${n}`)
              .join("") + (names.length > 20 ? `\n  … and ${names.length - 20} more` : "");
          assert.fail(
            `Chromium did not run exactly the tests node --test finds in ${file}: ` +
              `${missing.length} not run in Chromium${list(missing)}\n${extra.length} not in node --test${list(extra)}`,
          );
        }
        assert.equal(result.passed, expected.length);
        totals.passed += result.passed;
        totals.ms += result.ms;
      } finally {
        await page.close();
      }
    });
  }
});
