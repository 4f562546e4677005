// Loads one suite of tests/js/ (?file=NAME.test.mjs), runs it with the node:test shim and
// publishes the result on window.jsSuite:
//   { done, file, passed, failed, failures: [{ name, message, stack }], tests: [{ name, ok, ms, diagnostics }], ms }
// A suite that cannot be loaded (a missing file, an import the map does not cover, a throwing
// helper) counts as one failure named "(loading FILE)".
import { runRegistered } from "node:test";

const file = new URLSearchParams(location.search).get("file") ?? "";
const started = performance.now();
window.jsSuite = { done: false, file };
document.querySelector('[data-testid="title"]').textContent =
  `tests/js/${file} in ${navigator.userAgent.match(/(Headless)?Chrom\w*\/[\d.]+/)?.[0] ?? "a browser"}`;

async function main() {
  if (!/^[\w.-]+\.test\.mjs$/.test(file)) throw new Error(`?file= must name a tests/js/*.test.mjs file, got ${JSON.stringify(file)}`);
  try {
    await import(`../js/${file}`);
  } catch (error) {
    return {
      passed: 0,
      failed: 1,
      failures: [{ name: `(loading ${file})`, message: `${error?.name}: ${error?.message}`, stack: error?.stack ?? "" }],
      tests: [],
    };
  }
  return runRegistered();
}

function show(result) {
  document.querySelector('[data-testid="summary"]').textContent =
    `${result.passed} passed, ${result.failed} failed in ${Math.round(result.ms)} ms`;
  const list = document.querySelector('[data-testid="failures"]');
  for (const f of result.failures) {
    const li = document.createElement("li");
    li.className = "fail";
    li.textContent = `${f.name}\n${f.message}`;
    list.append(li);
  }
}

main().then(
  (result) => {
    window.jsSuite = { ...result, done: true, file, ms: performance.now() - started };
    show(window.jsSuite);
  },
  (error) => {
    const failures = [{ name: "(harness)", message: `${error?.name}: ${error?.message}`, stack: error?.stack ?? "" }];
    window.jsSuite = { done: true, file, passed: 0, failed: 1, failures, tests: [], ms: performance.now() - started };
    show(window.jsSuite);
  },
);
