// Starts a private `redis-server` for a test: a free port on 127.0.0.1 (never 6379), no
// persistence (`--save '' --appendonly no`), its own temporary directory; waits for PING. The
// caller stops it (by PID) in `after()`; a process exit handler kills any server still running,
// so a failing or interrupted test never leaves one behind. `kill9()` + `restart()` simulate a
// crash with persistence off: the server comes back empty on the same port.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {}
  }
});

/** A free TCP port on 127.0.0.1 (asked from the OS), other than 6379. */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
        server.close(() => resolve(port));
      });
    });
    if (port !== 6379) return port;
  }
}

/** Sends one inline command and resolves with the raw reply (or rejects). */
function ping(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let data = "";
    socket.setTimeout(500, () => socket.destroy(new Error("timeout")));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      data += chunk;
      if (data.includes("\r\n")) {
        socket.end();
        if (data.startsWith("+PONG")) resolve(undefined);
        else reject(new Error(data.trim()));
      }
    });
    socket.on("error", reject);
  });
}

/**
 * A running redis-server.
 * @param {{ args?: string[] }} [options] extra arguments (e.g. persistence for a case)
 */
export async function startRedis(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ringlease-redis-"));
  const port = await freePort();
  const server = {
    port,
    host: "127.0.0.1",
    url: `redis://127.0.0.1:${port}`,
    dir,
    /** @type {import("node:child_process").ChildProcess | undefined} */
    child: undefined,
    async start() {
      const args = [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        dir,
        "--protected-mode",
        "yes",
        ...(options.args ?? []),
      ];
      const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      let spawnError;
      child.on("error", (err) => (spawnError = err));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      running.add(child);
      child.on("exit", () => running.delete(child));
      server.child = child;
      const until = Date.now() + 10_000;
      for (;;) {
        if (spawnError) {
          throw new Error(
            `cannot start redis-server (${spawnError.message}): install it with scripts/setup.sh ` + "(Debian package redis-server)",
          );
        }
        if (child.exitCode !== null) {
          throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
        }
        try {
          await ping(port);
          return;
        } catch {
          if (Date.now() > until) throw new Error(`redis-server did not answer PING on ${port}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    },
    /** Kills the server with `signal` and waits for it to exit. */
    async kill(signal = "SIGTERM") {
      const child = server.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid, signal);
      await exited;
    },
    /** A crash: `kill -9`, nothing saved. */
    kill9: () => server.kill("SIGKILL"),
    /** Starts it again on the same port (empty, with persistence off). */
    restart: () => server.start(),
    /** SIGSTOP / SIGCONT: the server stops answering but keeps its sockets. */
    pause: () => process.kill(server.child.pid, "SIGSTOP"),
    resume: () => process.kill(server.child.pid, "SIGCONT"),
    /** Stops the server and removes its directory. Safe to call twice. */
    async stop() {
      try {
        server.resume();
      } catch {}
      await server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
