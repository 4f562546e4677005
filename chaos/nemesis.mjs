// The nemeses: faults drawn from the run's seed, one at a time, each over by itself.
// - `pause-client`: SIGSTOP one client for 0.5–3× the TTL, then SIGCONT (recorded as the
//   client's `pause`).
// - `pause-server`: SIGSTOP the lock server or the store server for 0.5–3× the TTL.
// - `kill`: kill -9 the lock server and start it again on the same port, with the run's
//   persistence (off: it comes back empty; aof: appendonly yes, appendfsync always).
// - `delay`: the proxy to the lock server or the store holds every chunk for 0.2–1× the TTL,
//   for 1–3× the TTL.
// Between faults the system runs undisturbed for 0.5–2× the TTL.
import { setTimeout as sleep } from "node:timers/promises";

export const NEMESES = ["pause-client", "pause-server", "kill", "delay"];

/**
 * Runs faults until `stopAt()` says so. `world` gives the clients, servers and proxies, and
 * the pause records' sink.
 */
export async function runNemeses({ random, nemeses, ttlMs, now, until, world, log }) {
  const stats = Object.fromEntries(NEMESES.map((n) => [n, 0]));
  if (nemeses.length === 0) return stats;
  await sleep(random.between(1, 2) * ttlMs);
  while (now() < until) {
    const kind = random.pick(nemeses);
    const span = Math.round(random.between(0.5, 3) * ttlMs);
    stats[kind]++;
    if (kind === "pause-client") {
      const i = random.int(0, world.clients.length - 1);
      const child = world.clients[i];
      if (child.exitCode === null && child.signalCode === null) {
        world.pauses.push({ type: "info", process: i, op: "pause", timeMs: now(), durationMs: span });
        child.kill("SIGSTOP");
        await sleep(span);
        child.kill("SIGCONT");
      }
    } else if (kind === "pause-server") {
      const server = random.next() < 0.5 ? world.lock : world.store;
      server.pause();
      await sleep(span);
      server.resume();
    } else if (kind === "kill") {
      await world.restartLock();
    } else if (kind === "delay") {
      const proxy = random.next() < 0.5 ? world.lockProxy : world.storeProxy;
      proxy.setDelay(Math.round(random.between(0.2, 1) * ttlMs));
      await sleep(Math.round(random.between(1, 3) * ttlMs));
      proxy.setDelay(0);
    }
    log?.(`${kind}`);
    await sleep(random.between(0.5, 2) * ttlMs);
  }
  return stats;
}
