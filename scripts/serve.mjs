// Serves the page (www/) and the wasm package (pkg/) over HTTP on localhost.
//
//   node scripts/serve.mjs [--port 8080]     (or PORT=8080)
//
// Only files under www/ and pkg/ are served; `/` redirects to the page, and a directory asked for
// without its trailing slash (`/www`) to the same path with it. A file that cannot be opened or
// read answers 403 or 500, and the server keeps serving. The page test imports
// `startServer` so that it exercises exactly what `npm start` serves. The JS suites' browser run
// (tests/page/js-suites.test.mjs) also serves the test files, with `extraRoots`; `npm start` never does.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const served = ["www", "pkg"];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * What a URL path names if it is one of `roots` (paths relative to the repository) or under one:
 * `{ file }`, `{ redirect }` for a directory asked for without its trailing slash (so the page's
 * relative URLs resolve inside it), or undefined (not found, outside the roots, undecodable).
 */
function resolveFile(urlPath, roots) {
  let path;
  try {
    path = normalize(decodeURIComponent(urlPath));
  } catch {
    return undefined;
  }
  let file = join(root, path);
  const within = roots.some((r) => file === join(root, r) || file.startsWith(join(root, r) + sep));
  if (!within) return undefined;
  try {
    if (statSync(file).isDirectory()) {
      // One leading slash: "//www" must not turn into a protocol-relative "//www/".
      if (!urlPath.endsWith("/")) return { redirect: `${urlPath.replace(/^\/+/, "/")}/` };
      file = join(file, "index.html");
    }
    return statSync(file).isFile() ? { file } : undefined;
  } catch {
    return undefined;
  }
}

/** Streams `file` as the response; a file that cannot be opened or read gives a 403 or 500. */
function sendFile(req, res, pathname, file) {
  res.statusCode = 200;
  res.setHeader("content-type", types[extname(file)] ?? "application/octet-stream");
  res.setHeader("cache-control", "no-store");
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on("error", (/** @type {NodeJS.ErrnoException} */ error) => {
    console.error(`serve: ${pathname}: ${error.message}`);
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    const status = error.code === "EACCES" || error.code === "EPERM" ? 403 : 500;
    res.removeHeader("cache-control");
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 403 ? "forbidden\n" : "cannot read the file\n");
  });
  res.on("close", () => stream.destroy());
  stream.pipe(res);
}

/**
 * Starts the server; resolves to `{ server, url }` once it listens. Port 0 picks a free port.
 * `extraRoots`: more directories or files (relative to the repository, e.g. "tests") to serve,
 * for tests only.
 */
export function startServer({ port = 8080, host = "127.0.0.1", extraRoots = [] } = {}) {
  const roots = [...served, ...extraRoots.map((r) => normalize(r).replace(/\/+$/, ""))];
  if (roots.some((r) => r === "." || r.startsWith("..") || r.startsWith("/"))) {
    throw new Error(`serve: extraRoots must be paths inside the repository, got ${JSON.stringify(extraRoots)}`);
  }
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/" || pathname === "/index.html") {
      res.writeHead(302, { location: "/www/" }).end();
      return;
    }
    const found = resolveFile(pathname, roots);
    if (!found || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    if (found.redirect) {
      const { search } = new URL(req.url ?? "/", "http://localhost");
      res.writeHead(301, { location: found.redirect + search }).end();
      return;
    }
    sendFile(req, res, pathname, found.file);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = /** @type {import("node:net").AddressInfo} */ (server.address());
      resolvePromise({ server, url: `http://localhost:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf("--port");
  const port = Number(flag > 0 ? process.argv[flag + 1] : (process.env.PORT ?? 8080));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: port must be an integer in 0..65535, got ${process.argv[flag + 1] ?? process.env.PORT}`);
    process.exit(2);
  }
  startServer({ port, host: "127.0.0.1" }).then(
    ({ url }) => console.log(`ringlease page: ${url}  (Ctrl+C to stop)`),
    (error) => {
      console.error(`serve: cannot listen on port ${port}: ${error.message}`);
      process.exit(1);
    },
  );
}
