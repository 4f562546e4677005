// One harness run: a lock server and a store server (private redis-servers on 127.0.0.1), a
// proxy to each, a MONITOR recorder on each, N forked clients running the flash sale, and the
// nemeses; then the merged history and checkHistory's verdict. Everything it starts is stopped
// when the run ends, fails or is interrupted.
import { fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { Redis } from "ioredis";

import { checkHistory } from "../pkg/lease/node.js";
import { RedisFencedStore } from "../redis/index.js";
import { startRedis } from "../tests/contract/redis-server.mjs";
import { clockFrom } from "./clock.mjs";
import { decodeLockState } from "./lock-state.mjs";
import { attachMonitor, serverRecorder } from "./monitor.mjs";
import { runNemeses } from "./nemesis.mjs";
import { startProxy } from "./proxy.mjs";
import { rng } from "./rng.mjs";

const CLIENT = fileURLToPath(new URL("./client.mjs", import.meta.url));
const PREFIX = "chaos";
const RESOURCE = "stock";
const NO_PROCESS = 2 ** 32 - 1;

const live = new Set(); // everything to stop: { stop() }
/** Stops every child, proxy and server still running (safe to call more than once). */
export async function stopAll() {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((x) => x.stop()));
}
process.on("exit", () => {
  for (const x of live) x.kill?.();
});

/**
 * Runs the harness once.
 * @param {{ seed: number, durationMs: number, clients: number, ttlMs: number, fencing: boolean,
 *   nemeses: string[], tokens: "time" | "incr", persistence: "off" | "aof", stock?: number,
 *   log?: (line: string) => void }} o
 */
export async function runChaos(o) {
  const originMs = Date.now() - 1000;
  const now = clockFrom(originMs);
  const random = rng(o.seed);
  const stock = o.stock ?? 1_000_000;
  const lockArgs = o.persistence === "aof" ? ["--appendonly", "yes", "--appendfsync", "always"] : [];
  const description =
    `npm run chaos: seed ${o.seed}, ${o.clients} clients, ttl ${o.ttlMs} ms, fencing ${o.fencing ? "on" : "off"}, ` +
    `tokens ${o.tokens}, persistence ${o.persistence}, nemeses ${o.nemeses.join(",") || "none"}, ${o.durationMs} ms`;
  const serverRecords = [];
  const pauses = [];
  const clientRecords = Array.from({ length: o.clients }, () => []);
  const monitors = [];
  try {
    const lock = await startRedis({ args: lockArgs });
    live.add({ stop: () => lock.stop() });
    const storeServer = await startRedis({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
    live.add({ stop: () => storeServer.stop() });

    // The initial stock, written before anybody watches.
    const admin = new Redis({ port: storeServer.port, host: "127.0.0.1", lazyConnect: true });
    await admin.connect();
    const fencedStore = new RedisFencedStore(admin, { prefix: PREFIX });
    const storeKey = o.fencing ? fencedStore.keyOf(RESOURCE) : `${PREFIX}:${RESOURCE}`;
    if (o.fencing) await fencedStore.compareAndSet(RESOURCE, 0, { stock, writeId: 0 });
    else await admin.set(storeKey, JSON.stringify({ stock, writeId: 0, token: 0 }));

    const lockKey = `{${PREFIX}:${RESOURCE}}:lock`;
    const lockRecorder = serverRecorder({ originMs, resource: RESOURCE, lockKey, out: serverRecords });
    const storeRecorder = serverRecorder({ originMs, resource: RESOURCE, storeKey, fenced: o.fencing, out: serverRecords });
    monitors.push(await attachMonitor(lock.port, lockRecorder), await attachMonitor(storeServer.port, storeRecorder));

    const lockProxy = await startProxy(lock.port);
    const storeProxy = await startProxy(storeServer.port);
    live.add({ stop: () => lockProxy.close() });
    live.add({ stop: () => storeProxy.close() });

    const restarts = { count: 0 };
    const restartLock = async () => {
      const downAtMs = now();
      lockProxy.block();
      monitors[0].close();
      await lock.kill9();
      await lock.restart();
      const probe = new Redis({ port: lock.port, host: "127.0.0.1", lazyConnect: true });
      await probe.connect();
      const raw = await probe.getBuffer(lockKey);
      probe.disconnect();
      lockRecorder.reset(raw ? decodeLockState(raw) : null);
      monitors[0] = await attachMonitor(lock.port, lockRecorder);
      restarts.count++;
      lockProxy.unblock();
      // Why the leases it held vanished (persistence off): the crash, in the history.
      serverRecords.push({
        type: "info",
        source: "server",
        process: NO_PROCESS,
        op: "crash",
        timeMs: downAtMs,
        durationMs: now() - downAtMs,
      });
    };

    const startAt = now() + 300;
    const deadlineMs = startAt + o.durationMs;
    const clients = [];
    const exited = [];
    for (let i = 0; i < o.clients; i++) {
      const config = {
        index: i,
        seed: o.seed,
        originMs,
        deadlineMs,
        ttlMs: o.ttlMs,
        fencing: o.fencing,
        tokens: o.tokens,
        prefix: PREFIX,
        resource: RESOURCE,
        lockPort: lockProxy.port,
        storePort: storeProxy.port,
      };
      const child = fork(CLIENT, [JSON.stringify(config)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          child.kill("SIGCONT");
          child.kill("SIGKILL");
        } catch {}
      };
      live.add({ stop, kill: stop });
      child.on("message", (/** @type {any} */ m) => {
        if (m.records) clientRecords[i].push(...m.records);
      });
      exited.push(new Promise((resolve) => child.on("exit", resolve)));
      clients.push(child);
    }

    const stats = await runNemeses({
      random,
      nemeses: o.nemeses,
      ttlMs: o.ttlMs,
      now,
      until: deadlineMs - o.ttlMs,
      world: { clients, pauses, lock, store: storeServer, lockProxy, storeProxy, restartLock },
      log: o.log,
    });
    // Every fault is over; the clients stop by themselves at their deadline.
    const bound = sleep(deadlineMs - now() + 15_000).then(() => "timeout");
    if ((await Promise.race([Promise.all(exited), bound])) === "timeout") {
      for (const c of clients) c.kill("SIGKILL");
      throw new Error("a client did not stop within 15 s of the deadline");
    }

    // The store's final content, as the server holds it, closes the history.
    const final = o.fencing ? (await fencedStore.read(RESOURCE)).value : JSON.parse(await admin.get(storeKey));
    admin.disconnect();
    await sleep(50);
    for (const m of monitors) m.close();
    lockRecorder.flush();
    storeRecorder.flush();
    const endMs = now();
    const records = [...serverRecords, ...pauses, ...clientRecords.flat()].sort((a, b) => a.timeMs - b.timeMs);
    records.push({
      type: "ok",
      source: "server",
      process: NO_PROCESS,
      op: "read",
      resource: RESOURCE,
      timeMs: Math.max(endMs, records.at(-1)?.timeMs ?? 0),
      value: final.stock,
      writeId: final.writeId,
    });
    /** @type {import("../pkg/sim/index.js").HistoryDocument} */
    const history = { version: 1, description, timeOriginMs: startAt, fencing: o.fencing ? "maxToken" : "off", records };
    const verdict = checkHistory(history);
    return { history, verdict, nemeses: { ...stats, restarts: restarts.count }, options: o };
  } finally {
    for (const m of monitors) m.close();
    await stopAll();
  }
}
