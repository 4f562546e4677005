// scripts/serve.mjs, the page's server: what it serves, what it refuses, and that no request, however
// malformed, and no file it cannot read, stops it from serving the next request. Raw HTTP requests
// (node:http), so paths reach the server exactly as written, without a client's normalisation.
//
//   node --test tests/page/serve.test.mjs
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { startServer } from "../../scripts/serve.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Test files of this process, served as an extra root (inside the repository, as serve.mjs requires). */
const FIXTURES = `tests/.serve-fixtures-${process.pid}`;

/** One raw request: `{ status, headers, body }`. */
function get(port, path, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

describe("scripts/serve.mjs", () => {
  let server;
  let port;
  const logged = [];
  const consoleError = console.error;

  before(async () => {
    mkdirSync(`${root}${FIXTURES}/dir.js`, { recursive: true });
    writeFileSync(`${root}${FIXTURES}/ok.txt`, "fixture\n");
    writeFileSync(`${root}${FIXTURES}/locked.txt`, "locked\n");
    chmodSync(`${root}${FIXTURES}/locked.txt`, 0);
    symlinkSync("/nonexistent/ringlease-target", `${root}${FIXTURES}/dangling.js`);
    // stat says "regular file", but reading it fails (EIO): the read stream's error path.
    if (existsSync("/proc/self/mem")) symlinkSync("/proc/self/mem", `${root}${FIXTURES}/unreadable.js`);
    execFileSync("mkfifo", [`${root}${FIXTURES}/fifo.js`]);
    console.error = (...args) => logged.push(args.join(" "));
    ({ server } = await startServer({ port: 0, extraRoots: [FIXTURES] }));
    port = server.address().port;
  });

  after(() => {
    console.error = consoleError;
    server?.close();
    rmSync(`${root}${FIXTURES}`, { recursive: true, force: true });
  });

  /** The server still serves the page after whatever came before. */
  async function assertServing(what) {
    const page = await get(port, "/www/");
    assert.equal(page.status, 200, `${what}: /www/ after it`);
    assert.match(page.body, /<html/i, `${what}: /www/ is the page`);
  }

  test("/ redirects to the page, and /www (no slash) to /www/ so relative URLs resolve", async () => {
    assert.deepEqual([(await get(port, "/")).status, (await get(port, "/")).headers.location], [302, "/www/"]);
    for (const [path, location] of [
      ["/www", "/www/"],
      ["/www?preset=orderQueue", "/www/?preset=orderQueue"],
      [`/${FIXTURES}`, `/${FIXTURES}/`],
    ]) {
      const res = await get(port, path);
      assert.equal(res.status, 301, path);
      assert.equal(res.headers.location, location, path);
    }
    // Never a protocol-relative redirect ("//host/…") to somewhere else.
    for (const path of ["//www", "///www", "//evil.example/www", "/\\evil.example/www", "/www/..//www"]) {
      const { location } = (await get(port, path)).headers;
      assert.ok(location === undefined || /^\/(?!\/)/.test(location), `${path} redirects to ${location}`);
    }
    const page = await get(port, "/www/");
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.equal((await get(port, "/www/index.html")).body, page.body);
    assert.equal((await get(port, "/www/", "HEAD")).body, "");
  });

  test("paths outside www/ and pkg/ are not found, however they are written", async () => {
    const secret = "[package]"; // the start of Cargo.toml, which must never be served
    const bad = [
      "/Cargo.toml",
      "/www/../Cargo.toml",
      "/www/%2e%2e/Cargo.toml",
      "/www/%2E%2E/Cargo.toml",
      "/www/..%2fCargo.toml",
      "/www/..%2FCargo.toml",
      "/www/%2e%2e%2fCargo.toml",
      "/www%2f..%2fCargo.toml",
      "/www/..%5cCargo.toml",
      "/pkg/../../../../etc/passwd",
      "/pkg/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/%2e%2e/etc/passwd",
      "/www/%00",
      "/www/index.html%00",
      "/www/index.html%00.js",
      "/www/%E0%A4%A",
      "/www/%",
      "/www/%ZZ",
      "/wwwx/index.html",
      "/tests/js/canary.mjs",
      "/www/index.html/",
    ];
    for (const path of bad) {
      const res = await get(port, path);
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.body.slice(0, 80)}`);
      assert.ok(!res.body.includes(secret) && !res.body.includes("root:"), `${path} leaked a file`);
    }
    assert.equal((await get(port, "/www/", "POST")).status, 404);
    await assertServing("bad paths");
  });

  test("a file that cannot be opened or read answers an error and the server keeps serving", async () => {
    assert.equal((await get(port, `/${FIXTURES}/ok.txt`)).body, "fixture\n", "meta: the fixtures are served");
    if (existsSync(`${root}${FIXTURES}/unreadable.js`)) {
      const res = await get(port, `/${FIXTURES}/unreadable.js`);
      assert.equal(res.status, 500, "stat accepts it, reading fails (EIO)");
      assert.equal(res.body, "cannot read the file\n");
      assert.ok(
        logged.some((line) => line.includes("unreadable.js")),
        `the error is logged: ${logged}`,
      );
      await assertServing("unreadable file");
    }
    // chmod 000: root reads it anyway; anyone else gets 403.
    const locked = await get(port, `/${FIXTURES}/locked.txt`);
    if (process.getuid?.() === 0) assert.equal(locked.status, 200);
    else assert.deepEqual([locked.status, locked.body], [403, "forbidden\n"]);
    await assertServing("chmod 000 file");
    for (const name of ["fifo.js", "dangling.js"]) {
      assert.equal((await get(port, `/${FIXTURES}/${name}`)).status, 404, name);
      await assertServing(name);
    }
    // A directory named like a file: redirected like any directory, and it has no index.html.
    const dir = await get(port, `/${FIXTURES}/dir.js`);
    assert.deepEqual([dir.status, dir.headers.location], [301, `/${FIXTURES}/dir.js/`]);
    assert.equal((await get(port, `/${FIXTURES}/dir.js/`)).status, 404);
    // Many failing reads at once, then the page.
    const burst = await Promise.all(Array.from({ length: 20 }, () => get(port, `/${FIXTURES}/unreadable.js`)));
    assert.ok(burst.every((res) => res.status === 500 || res.status === 404));
    await assertServing("a burst of failing reads");
  });
});
