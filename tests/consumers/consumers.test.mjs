// Consumer tests: `npm pack`, then the tarball installed into throwaway projects under
// test-results/consumers/<name>/, each running the README quick start for its environment
// (extracted verbatim) and importing every entry (`ringlease`, `ringlease/lease`,
// `ringlease/sim`). Build tools come from the repository's node_modules (devDependencies). Needs
// the release build in pkg/ (the `prepack` script rebuilds it when stale) and Chromium at
// /usr/bin/chromium.
//
//   node --test tests/consumers/
//
// Prints each consumer's time and the tarball, wasm and glue sizes.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { ENTRIES } from "../../scripts/build.mjs";
import { describeSizes, measureAll } from "../../scripts/size.mjs";
import { launchChromium } from "../chromium.mjs";
import { arrows, bin, closeServer, indexHtml, makeProject, openPage, quickstart, root, serveDir, sh, workDir } from "./lib.mjs";

/** What `ring.nodeFor("user:42")` gives over cache-a..c: the bundler and esbuild quick starts' answer. */
const { HashRing } = await import("../../pkg/ring/node.js");
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
/** The sha256 of each entry's wasm: which entry a bundler emitted or inlined. */
const wasmHashes = Object.fromEntries(
  ENTRIES.map(({ name, out }) => [sha256(readFileSync(join(root, "pkg", name, `${out}_bg.wasm`))), name]),
);
/** Which entries' wasm files `dir` holds (by content), e.g. ["ring"]. */
function wasmEntriesIn(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".wasm"))
    .map((f) => wasmHashes[sha256(readFileSync(join(dir, f)))] ?? `unknown ${f}`)
    .sort();
}
/** Which entries' wasm bytes a bundle inlines (esbuild's binary loader writes them as base64). */
function inlinedEntries(file) {
  const code = readFileSync(file, "utf8");
  return ENTRIES.filter(({ name, out }) => code.includes(readFileSync(join(root, "pkg", name, `${out}_bg.wasm`)).toString("base64"))).map(
    (e) => e.name,
  );
}
const expectedOwner = (() => {
  const ring = new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] });
  const owner = ring.nodeFor("user:42");
  ring.free();
  return owner;
})();

/**
 * A page using the other two entries, each initialised with its own inlined wasm: a lease is
 * granted, the simulation runs, and the sim entry's HashRing agrees with the ring entry's.
 */
const ENTRIES_PAGE = `import { initSync as initLease, LeaseTable } from "ringlease/lease";
import leaseWasm from "ringlease/lease/ringlease_lease_bg.wasm";
import { initSync as initSim, HashRing, Simulation } from "ringlease/sim";
import simWasm from "ringlease/sim/ringlease_sim_bg.wasm";

initLease({ module: leaseWasm });
initSim({ module: simWasm });
const grant = new LeaseTable().acquire("sku-42", "client-1", { ttlMs: 100, nowMs: 0 });
const events = new Simulation({ preset: "flashSale", seed: 1 }).step(50).length;
const owner = new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] }).nodeFor("user:42");
document.querySelector("#owner").textContent = [grant.status, grant.token, events > 0, owner].join(" ");
`;
const ENTRIES_PAGE_ANSWER = `granted 1 true ${expectedOwner}`;
/** The same page for bundlers that emit the wasm files as assets (Vite, webpack): `init()` fetches them. */
const ENTRIES_PAGE_BUNDLED = `import initLease, { LeaseTable } from "ringlease/lease";
import initSim, { HashRing, Simulation } from "ringlease/sim";

await initLease();
await initSim();
const grant = new LeaseTable().acquire("sku-42", "client-1", { ttlMs: 100, nowMs: 0 });
const events = new Simulation({ preset: "flashSale", seed: 1 }).step(50).length;
const owner = new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] }).nodeFor("user:42");
document.querySelector("#owner").textContent = [grant.status, grant.token, events > 0, owner].join(" ");
`;

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
    if (tarballSize !== undefined) for (const line of describeSizes(measureAll(), tarballSize)) console.log(`# size: ${line}`);
  });

  test("npm pack ships only the intended files: three entries, each with its own wasm, and redis/", () => {
    const expected = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];
    // package.json ships the whole redis/ folder: every file in it, and nothing else from there.
    const redisFiles = readdirSync(join(root, "redis")).filter((file) => statSync(join(root, "redis", file)).isFile());
    assert.ok(redisFiles.includes("index.js") && redisFiles.includes("index.d.ts"), "redis/ has its entry and types");
    expected.push(...redisFiles.map((file) => `redis/${file}`));
    expected.push("pkg/ring/hashring.js", "pkg/ring/hashring.d.ts", "pkg/ring/hashring-node.js");
    for (const { name, out } of ENTRIES) {
      for (const file of [
        "index.js",
        "node.js",
        "node.d.ts",
        "receivers.js",
        "lease-fast.js",
        `${out}.js`,
        `${out}.d.ts`,
        `${out}_bg.wasm`,
      ]) {
        expected.push(`pkg/${name}/${file}`);
      }
      // The JS modules the wasm imports (js/keys.js), which wasm-bindgen copies under snippets/.
      const snippets = join(root, "pkg", name, "snippets");
      if (existsSync(snippets)) {
        for (const file of readdirSync(snippets, { recursive: true })) {
          if (statSync(join(snippets, String(file))).isFile()) expected.push(`pkg/${name}/snippets/${String(file).split(sep).join("/")}`);
        }
      }
    }
    for (const name of ["ring", "sim"]) {
      assert.ok(
        expected.some((f) => f.startsWith(`pkg/${name}/snippets/`) && f.endsWith("/js/keys.js")),
        `the ${name} entry has its key writer (js/keys.js)`,
      );
    }
    assert.deepEqual(packedFiles, expected.sort());
    console.log(`# tarball: ${packedFiles.join(", ")}`);
  });

  test("npm publish --dry-run accepts the package", async () => {
    const out = await sh("npm", ["publish", "--dry-run", "--json", "--loglevel=error", tarball], { cwd: workDir });
    const parsed = JSON.parse(out.slice(out.search(/^\{/m)));
    const info = parsed.ringlease ?? parsed; // npm 11 keys the report by package name
    assert.equal(info.name, "ringlease");
    assert.equal(info.files.length, packedFiles.length);
  });

  test("Node ESM: the README quick starts with no init call, and every entry", async () => {
    const code = quickstart("node")[0].code;
    const leaseCode = quickstart("lease")[0].code;
    const entries = `import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import init, { initSync, HashRing } from "ringlease";
import * as ring from "ringlease";
import * as lease from "ringlease/lease";
import * as sim from "ringlease/sim";
import LegacyHashRing from "ringlease/hashring";

for (const [specifier, entry] of [["ringlease", "ring"], ["ringlease/lease", "lease"], ["ringlease/sim", "sim"]]) {
  assert.match(import.meta.resolve(specifier), new RegExp("/node_modules/ringlease/pkg/" + entry + "/node\\\\.js$"));
  const wasm = { ring: "ringlease/ringlease_bg.wasm", lease: "ringlease/lease/ringlease_lease_bg.wasm", sim: "ringlease/sim/ringlease_sim_bg.wasm" }[entry];
  assert.ok(existsSync(fileURLToPath(import.meta.resolve(wasm))), wasm);
}
const classes = (m) => Object.keys(m).filter((k) => /^[A-Z]/.test(k) && typeof m[k] === "function").sort();
assert.deepEqual(classes(ring), ["HashRing", "KetamaRing"]);
assert.deepEqual(classes(lease), ["FencedStore", "LeaseTable"]);
assert.deepEqual(classes(sim), ["FencedStore", "HashRing", "KetamaRing", "LeaseTable", "Simulation"]);
assert.notEqual(sim.HashRing, HashRing, "each entry has its own classes");
const instance = initSync();
assert.ok(instance.memory instanceof WebAssembly.Memory);
assert.equal(await init(), instance, "init() after the Node entry's initSync is a no-op");
assert.notEqual(lease.initSync(), instance, "each entry has its own wasm instance");
const require = createRequire(import.meta.url);
assert.equal(require("ringlease/package.json").name, "ringlease");
if (process.features.require_module) assert.equal(require("ringlease").HashRing, HashRing);
const locks = new lease.LeaseTable();
assert.equal(locks.acquire("r", "o", { ttlMs: 10, nowMs: 0 }).status, "granted");
new lease.FencedStore({ strict: locks }).free();
const run = new sim.Simulation({ preset: "flashSale", seed: 1 });
assert.ok(run.step(50).length > 0, "the simulation runs");
assert.ok(import.meta.resolve("ringlease/hashring").endsWith("/node_modules/ringlease/pkg/ring/hashring-node.js"));
assert.equal(new LegacyHashRing(["cache-a:11211", "cache-b:11211"]).get("user:42"), new LegacyHashRing(["cache-a:11211", "cache-b:11211"]).range("user:42", 1)[0]);
console.log(new HashRing({ nodes: ["cache-a", "cache-b", "cache-c"] }).nodeFor("user:42"));
`;
    await timed("node", async () => {
      const dir = await makeProject("node", tarball, { "quickstart.mjs": code, "lease.mjs": leaseCode, "entries.mjs": entries });
      const stdout = await sh(process.execPath, ["quickstart.mjs"], { cwd: dir });
      assert.deepEqual(stdout.trim().split("\n"), arrows(code));
      const leaseOut = await sh(process.execPath, ["lease.mjs"], { cwd: dir });
      assert.deepEqual(leaseOut.trim().split("\n"), arrows(leaseCode));
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
      await sh(
        bin("esbuild"),
        ["api.ts", "--format=esm", "--platform=node", "--target=node20", "--outfile=api.mjs", "--log-level=warning"],
        {
          cwd: dir,
        },
      );
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
        "entries.js": ENTRIES_PAGE,
      });
      await sh(bin("esbuild"), [...args, "--log-level=warning"], { cwd: dir });
      assert.equal((await sh(process.execPath, ["dist/app.js"], { cwd: dir })).trim(), expectedOwner);
      assert.deepEqual(inlinedEntries(join(dir, "dist", "app.js")), ["ring"], "a bundle of `ringlease` inlines the ring's wasm only");
      const { logs, wasmResponses } = await inBrowser(dir, "/", { waitForConsole: true });
      assert.deepEqual(logs, [expectedOwner]);
      assert.deepEqual(wasmResponses, [], "the wasm is inlined: no request for it");

      // The other entries, bundled the same way (each with its own wasm inlined), in Chromium.
      await sh(bin("esbuild"), ["entries.js", ...args.slice(1, -1), "--outfile=dist/entries.js", "--log-level=warning"], { cwd: dir });
      assert.deepEqual(inlinedEntries(join(dir, "dist", "entries.js")), ["lease", "sim"]);
      writeFileSync(join(dir, "entries.html"), indexHtml("/dist/entries.js"));
      const entries = await inBrowser(dir, "/entries.html");
      assert.equal(entries.owner, ENTRIES_PAGE_ANSWER);

      // Bundling for Node picks the Node entry (README, "Bundling for Node"): it must keep its
      // initSync (`sideEffects` lists the node.js files), and finds the wasm next to the bundle.
      await sh(
        bin("esbuild"),
        ["server.js", "--bundle", "--platform=node", "--format=esm", "--outfile=server/app.mjs", "--log-level=warning"],
        {
          cwd: dir,
        },
      );
      copyFileSync(join(dir, "node_modules", "ringlease", "pkg", "ring", "ringlease_bg.wasm"), join(dir, "server", "ringlease_bg.wasm"));
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
      assert.ok(
        emitted.some((f) => /^ringlease_bg-[\w-]+\.wasm$/.test(f)),
        `the wasm is emitted as a hashed asset: ${emitted}`,
      );
      assert.deepEqual(wasmEntriesIn(join(dir, "dist", "assets")), ["ring"], "a bundle of `ringlease` emits the ring's wasm only");
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

      // The other entries: each emits its own wasm, and neither pulls in the ring entry's.
      const entriesDir = await makeProject("vite-entries", tarball, {
        "main.js": ENTRIES_PAGE_BUNDLED,
        "index.html": indexHtml("/main.js"),
      });
      await build({
        root: entriesDir,
        configFile: false,
        customLogger: logger,
        build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
      });
      assert.deepEqual(warnings, [], "vite build warns about nothing");
      assert.deepEqual(wasmEntriesIn(join(entriesDir, "dist", "assets")), ["lease", "sim"]);
      const entries = await inBrowser(join(entriesDir, "dist"), "/");
      assert.equal(entries.owner, ENTRIES_PAGE_ANSWER);
      assert.equal(entries.wasmResponses.length, 2);
    });
  });

  test("webpack 5: production builds of every entry served and opened in Chromium", async () => {
    const [{ code }] = quickstart("bundler");
    const { default: webpack } = await import("webpack");
    /** A production build of `source` in a fresh project: its dist/ folder, checked for errors and warnings. */
    async function webpackBuild(name, source) {
      const dir = await makeProject(name, tarball, { "src/main.js": source });
      const dist = join(dir, "dist");
      const stats = await new Promise((resolvePromise, reject) =>
        webpack(
          { mode: "production", context: dir, entry: "./src/main.js", output: { path: dist, filename: "app.js", clean: true } },
          (error, result) => (error ? reject(error) : resolvePromise(result)),
        ),
      );
      const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
      assert.deepEqual(
        info.errors.map((e) => e.message),
        [],
        "webpack builds without errors",
      );
      // The only warnings allowed are webpack's size hints (244 KiB per asset by default).
      const other = info.warnings.map((w) => w.message).filter((m) => !/size limit|performance recommendations/.test(m));
      assert.deepEqual(other, [], "webpack warns only about sizes");
      if (info.warnings.length > 0)
        console.log(`# webpack: ${info.warnings.length} performance warning(s): an asset is over its 244 KiB hint`);
      writeFileSync(join(dist, "index.html"), indexHtml("app.js", { classic: true }));
      return dist;
    }
    await timed("webpack", async () => {
      const dist = await webpackBuild("webpack", code);
      assert.deepEqual(wasmEntriesIn(dist), ["ring"], "a bundle of `ringlease` emits the ring's wasm only");
      const page = await inBrowser(dist, "/");
      assert.equal(page.owner, expectedOwner);
      assert.deepEqual(
        page.wasmResponses.map((r) => r.type),
        ["application/wasm"],
      );

      const entriesDist = await webpackBuild("webpack-entries", ENTRIES_PAGE_BUNDLED);
      assert.deepEqual(wasmEntriesIn(entriesDist), ["lease", "sim"]);
      const entries = await inBrowser(entriesDist, "/");
      assert.equal(entries.owner, ENTRIES_PAGE_ANSWER);
      assert.deepEqual(
        entries.wasmResponses.map((r) => r.type),
        ["application/wasm", "application/wasm"],
      );
    });
  });
});
