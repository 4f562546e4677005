// Helpers for the consumer tests: the README's quick starts, throwaway projects that install the
// packed tarball, a static file server and a headless Chromium page that records problems.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { watchPage } from "../chromium.mjs";

export { arrows, quickstart } from "../readme-quickstarts.mjs";

export const root = resolve(fileURLToPath(import.meta.url), "../../..");
/** Throwaway projects live under the repository, so their build tools resolve from its node_modules. */
export const workDir = join(root, "test-results", "consumers");
export const bin = (name) => join(root, "node_modules", ".bin", name);

const run = promisify(execFile);

/** Runs a command; resolves to its stdout. Fails with its output on a non-zero exit. */
export async function sh(file, args, options = {}) {
  try {
    const { stdout } = await run(file, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
    return stdout;
  } catch (error) {
    throw new Error(`${file} ${args.join(" ")} failed (${error.code}):\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
}

/**
 * A fresh project at test-results/consumers/<name>/ with `files` written and the tarball
 * installed by npm (offline: the tarball has no dependencies).
 */
export async function makeProject(name, tarball, files = {}) {
  const dir = join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: `consumer-${name}`,
    private: true,
    type: "module",
    dependencies: { ringlease: `file:${tarball}` },
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  await sh("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], { cwd: dir });
  const installed = JSON.parse(readFileSync(join(dir, "node_modules", "ringlease", "package.json"), "utf8"));
  assert.equal(installed.name, "ringlease");
  return dir;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Serves `dir` statically on 127.0.0.1 (port chosen by the OS). Resolves to `{ server, url }`. */
export function serveDir(dir) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(dir, path));
    let ok = file.startsWith(dir + sep);
    try {
      ok &&= statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (!ok) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolvePromise({ server, url: `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}/` }),
    );
  });
}

export const closeServer = (server) => new Promise((resolvePromise) => server.close(resolvePromise));

/**
 * Opens `url` in a new page of `browser` and waits for `#owner` to be filled in (or, with
 * `waitForConsole`, for the first `console.log`). Fails on console errors or warnings, page errors, failed
 * requests, HTTP errors and requests to another origin. Resolves to
 * `{ owner, logs, wasmResponses }`.
 */
export async function openPage(browser, url, { waitForConsole = false } = {}) {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  const problems = [];
  const logs = [];
  const wasmResponses = [];
  watchPage(page, origin, { problems });
  page.on("console", (message) => {
    if (message.type() === "log") logs.push(message.text());
  });
  page.on("response", (response) => {
    if (response.url().endsWith(".wasm")) wasmResponses.push({ url: response.url(), type: response.headers()["content-type"] });
  });
  const firstLog = new Promise((resolveLog) => {
    page.on("console", (message) => message.type() === "log" && resolveLog(undefined));
    setTimeout(resolveLog, 15_000).unref();
  });
  try {
    await page.goto(url);
    if (waitForConsole) {
      await firstLog;
    } else {
      await page
        .waitForFunction(() => (document.querySelector("#owner")?.textContent ?? "") !== "", null, { timeout: 15_000 })
        .catch(() => {});
    }
    const owner = waitForConsole ? undefined : await page.textContent("#owner");
    assert.deepEqual(problems, [], `the page at ${url} had problems`);
    return { owner, logs, wasmResponses };
  } finally {
    await page.close();
  }
}

/** An index.html that loads `script` (a module unless `classic`) and has `<output id="owner">`. */
export function indexHtml(script, { classic = false } = {}) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ringlease consumer</title><link rel="icon" href="data:,"></head>
<body>
<output id="owner"></output>
<script ${classic ? "defer" : 'type="module"'} src="${script}"></script>
</body>
</html>
`;
}
