// Consumer tests: `npm pack`, then the tarball installed into throwaway projects under
// test-results/consumers/<name>/, each running the README quick start for its environment
// (extracted verbatim). Build tools come from the repository's node_modules (devDependencies).
// Needs the release build in pkg/ (the `prepack` script rebuilds it when stale) and Chromium at
// /usr/bin/chromium.
//
//   node --test tests/consumers/
//
// Prints each consumer's time and the tarball, wasm and glue sizes.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchChromium } from "../chromium.mjs";

import { describeSizes, measure } from "../../scripts/size.mjs";
import {
  arrows,
  bin,
  closeServer,
  indexHtml,
  makeProject,
  openPage,
  quickstart,
  root,
  serveDir,
  sh,
  workDir,
} from "./lib.mjs";

/** What `ring.nodeFor("user:42")` gives over cache-a..c: the bundler and esbuild quick starts' answer. */
const { HashRing } = await import("../../node.js");
const expectedOwner = (() => {
  const ring = new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] });
  const owner = ring.nodeFor("user:42");
  ring.free();
  return owner;
})();

let tarball;
let tarballSize;
let packedFiles;
let browser;
const times = [];

async function timed(name, fn) {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    times.push([name, seconds]);
    console.log(`# ${name}: ${seconds.toFixed(1)} s`);
  }
}

async function getBrowser() {
  browser ??= await timed("chromium launch", () => launchChromium());
  return browser;
}

/** Serves `dir`, opens `path` in Chromium, and returns what openPage saw. */
async function inBrowser(dir, path, options) {
  const { server, url } = await serveDir(dir);
  try {
    return await openPage(await getBrowser(), new URL(path, url).href, options);
  } finally {
    await closeServer(server);
  }
}

describe("consumers of the packed tarball", { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(workDir, { recursive: true });
    await timed("npm pack", async () => {
      const out = await sh("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", workDir], { cwd: root });
      const [info] = JSON.parse(out.slice(out.search(/^\[/m)));
      tarball = join(workDir, info.filename);
      tarballSize = statSync(tarball).size;
      assert.equal(info.size, tarballSize);
      packedFiles = info.files.map((f) => f.path).sort();
    });
  });

  after(async () => {
    await browser?.close();
    const total = times.reduce((sum, [, s]) => sum + s, 0);
    console.log(`# consumer times: ${times.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(", ")}; total ${total.toFixed(1)} s`);
    if (tarballSize !== undefined) for (const line of describeSizes(measure(), tarballSize)) console.log(`# size: ${line}`);
  });

  test("npm pack ships only the intended files, pkg/snippets/ included", () => {
    const files = packedFiles;
    const snippets = readdirSync(join(root, "pkg", "snippets")).flatMap((dir) =>
      readdirSync(join(root, "pkg", "snippets", dir)).map((file) => `pkg/snippets/${dir}/${file}`),
    );
    assert.ok(snippets.length > 0, "the build has inline snippets");
    const expected = [
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "node.d.ts",
      "node.js",
      "package.json",
      "pkg/index.js",
      "pkg/receivers.js",
      "pkg/ringlease.d.ts",
      "pkg/ringlease.js",
      "pkg/ringlease_bg.wasm",
      ...snippets,
    ].sort();
    assert.deepEqual(files, expected);
    console.log(`# tarball: ${files.join(", ")}`);
  });

  test("Node ESM: the README quick start with no init call, and every entry", async () => {
    const [{ code }] = quickstart("node");
    const entries = `import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import init, { initSync, HashRing, LeaseTable, FencedStore } from "ringlease";
import * as explicit from "ringlease/node";

assert.match(import.meta.resolve("ringlease"), /\\/node_modules\\/ringlease\\/node\\.js$/);
assert.equal(explicit.HashRing, HashRing);
assert.equal(explicit.default, init);
const instance = initSync();
assert.ok(instance.memory instanceof WebAssembly.Memory);
assert.equal(await init(), instance, "init() after the Node entry's initSync is a no-op");
assert.ok(existsSync(fileURLToPath(import.meta.resolve("ringlease/ringlease_bg.wasm"))));
const require = createRequire(import.meta.url);
assert.equal(require("ringlease/package.json").name, "ringlease");
if (process.features.require_module) assert.equal(require("ringlease").HashRing, HashRing);
new LeaseTable().free();
new FencedStore().free();
console.log(new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] }).nodeFor("user:42"));
`;
    await timed("node", async () => {
      const dir = await makeProject("node", tarball, { "quickstart.mjs": code, "entries.mjs": entries });
      const stdout = await sh(process.execPath, ["quickstart.mjs"], { cwd: dir });
      assert.deepEqual(stdout.trim().split("\n"), arrows(code));
      assert.equal((await sh(process.execPath, ["entries.mjs"], { cwd: dir })).trim(), expectedOwner);
    });
  });

  test("TypeScript: tsc --noEmit over the whole API (moduleResolution bundler and NodeNext), then run in Node", async () => {
    const typesDir = join(root, "tests", "consumers", "types");
    const files = Object.fromEntries(readdirSync(typesDir).map((f) => [f, readFileSync(join(typesDir, f), "utf8")]));
    await timed("typescript", async () => {
      const dir = await makeProject("typescript", tarball, files);
      for (const config of ["tsconfig.bundler.json", "tsconfig.node.json"]) {
        await sh(bin("tsc"), ["-p", config], { cwd: dir });
      }
      await sh(bin("esbuild"), ["api.ts", "--format=esm", "--platform=node", "--target=node20", "--outfile=api.mjs", "--log-level=warning"], {
        cwd: dir,
      });
      assert.equal((await sh(process.execPath, ["api.mjs"], { cwd: dir })).trim(), "api.ts: ok");
    });
  });

  test("esbuild: the README bundle (wasm inlined, initSync) runs in Node and in Chromium; a Node bundle too", async () => {
    const blocks = quickstart("esbuild");
    const js = blocks.find((b) => b.lang === "js").code;
    const command = blocks.find((b) => b.lang === "sh").code.trim();
    assert.match(command, /^npx esbuild /, "the README gives one esbuild command");
    const [, ...args] = command.replace(/^npx /, "").split(/\s+/);
    assert.deepEqual(arrows(js), [expectedOwner], "the quick start's comment states the owner");
    await timed("esbuild", async () => {
      const dir = await makeProject("esbuild", tarball, {
        "main.js": js,
        "index.html": indexHtml("/dist/app.js"),
        "server.js": `import { HashRing } from "ringlease";\nconsole.log(new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] }).nodeFor("user:42"));\n`,
      });
      await sh(bin("esbuild"), [...args, "--log-level=warning"], { cwd: dir });
      assert.equal((await sh(process.execPath, ["dist/app.js"], { cwd: dir })).trim(), expectedOwner);
      const { logs, wasmResponses } = await inBrowser(dir, "/", { waitForConsole: true });
      assert.deepEqual(logs, [expectedOwner]);
      assert.deepEqual(wasmResponses, [], "the wasm is inlined: no request for it");

      // Bundling for Node picks the Node entry (README, "Bundling for Node"): it must keep its
      // initSync (`sideEffects` lists node.js), and finds the wasm at <outdir>/pkg/.
      await sh(bin("esbuild"), ["server.js", "--bundle", "--platform=node", "--format=esm", "--outfile=server/app.mjs", "--log-level=warning"], {
        cwd: dir,
      });
      mkdirSync(join(dir, "server", "pkg"));
      copyFileSync(join(dir, "node_modules", "ringlease", "pkg", "ringlease_bg.wasm"), join(dir, "server", "pkg", "ringlease_bg.wasm"));
      assert.equal((await sh(process.execPath, ["server/app.mjs"], { cwd: dir })).trim(), expectedOwner);
    });
  });

  test("Vite: production build served and opened in Chromium, and the dev server", async () => {
    const [{ code }] = quickstart("bundler");
    assert.deepEqual(arrows(code), [expectedOwner], "the quick start's comment states the owner");
    const { build, createServer } = await import("vite");
    await timed("vite", async () => {
      const dir = await makeProject("vite", tarball, { "main.js": code, "index.html": indexHtml("/main.js") });
      const warnings = [];
      const logger = {
        info() {},
        warn: (msg) => warnings.push(msg),
        warnOnce: (msg) => warnings.push(msg),
        error: (msg) => warnings.push(msg),
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      };
      await build({ root: dir, configFile: false, customLogger: logger, build: { outDir: "dist", emptyOutDir: true } });
      assert.deepEqual(warnings, [], "vite build warns about nothing");
      const emitted = readdirSync(join(dir, "dist", "assets"));
      assert.ok(emitted.some((f) => /^ringlease_bg-[\w-]+\.wasm$/.test(f)), `the wasm is emitted as a hashed asset: ${emitted}`);
      const built = await inBrowser(join(dir, "dist"), "/");
      assert.equal(built.owner, expectedOwner);
      assert.equal(built.wasmResponses.length, 1);
      assert.equal(built.wasmResponses[0].type, "application/wasm");

      const server = await createServer({
        root: dir,
        configFile: false,
        customLogger: logger,
        server: { host: "127.0.0.1", port: 0, strictPort: false },
      });
      await server.listen();
      try {
        const dev = await openPage(await getBrowser(), server.resolvedUrls.local[0]);
        assert.equal(dev.owner, expectedOwner, "the dev server serves the same");
      } finally {
        await server.close();
      }
    });
  });

  test("webpack 5: production build served and opened in Chromium", async () => {
    const [{ code }] = quickstart("bundler");
    const { default: webpack } = await import("webpack");
    await timed("webpack", async () => {
      const dir = await makeProject("webpack", tarball, { "src/main.js": code });
      const dist = join(dir, "dist");
      const stats = await new Promise((resolvePromise, reject) =>
        webpack(
          { mode: "production", context: dir, entry: "./src/main.js", output: { path: dist, filename: "app.js", clean: true } },
          (error, result) => (error ? reject(error) : resolvePromise(result)),
        ),
      );
      const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
      assert.deepEqual(info.errors.map((e) => e.message), [], "webpack builds without errors");
      // The only warnings allowed are webpack's size hints (244 KiB per asset by default).
      const other = info.warnings.map((w) => w.message).filter((m) => !/size limit|performance recommendations/.test(m));
      assert.deepEqual(other, [], "webpack warns only about sizes");
      if (info.warnings.length > 0) console.log(`# webpack: ${info.warnings.length} performance warning(s): an asset is over its 244 KiB hint`);
      const wasm = info.assets.map((a) => a.name).filter((n) => n.endsWith(".wasm"));
      assert.equal(wasm.length, 1, `webpack emits the wasm as an asset: ${info.assets.map((a) => a.name)}`);
      writeFileSync(join(dist, "index.html"), indexHtml("app.js", { classic: true }));
      const page = await inBrowser(dist, "/");
      assert.equal(page.owner, expectedOwner);
      assert.deepEqual(page.wasmResponses.map((r) => r.type), ["application/wasm"]);
    });
  });
});
