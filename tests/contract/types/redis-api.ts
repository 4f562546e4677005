// Type-checks the whole `ringlease/redis` surface against its hand-written declarations, with
// both clients' own types, under strict settings (run by tests/contract/types.test.mjs).
import { Redis } from "ioredis";
import { createClient } from "redis";
import {
  type AcquireResult,
  type CampaignResult,
  type CancelResult,
  type FencedReadResult,
  type LeaderInfo,
  type LeaseInfo,
  type ReleaseResult,
  type RenewResult,
  type ResignResult,
  RedisFencedStore,
  RedisLeases,
  type StoredEntry,
  type WriteResult,
} from "ringlease/redis";

export async function api(url: string): Promise<void> {
  const client = await createClient({ url }).connect();
  const io = new Redis(url);
  const leases = new RedisLeases(client, { prefix: "app", minTtlMs: 10, maxTtlMs: 60_000, lockDelayMs: 0, fifo: true });
  const other = new RedisLeases(io);
  const a: AcquireResult = await leases.acquire("db", "alice", { ttlMs: 1000, wait: true, requestId: "r1" });
  if (a.status === "granted") {
    const token: number = a.token;
    const renewed: RenewResult = await leases.renew("db", "alice", token, { ttlMs: 1000 });
    if (renewed.status === "rejected") console.log(renewed.reason.toUpperCase());
    const released: ReleaseResult = await leases.release("db", "alice", token);
    if (released.status === "released" && released.next) console.log(released.next.owner);
  } else if (a.status === "busy") {
    console.log(a.holder, a.expiresAtMs);
  }
  const left: CancelResult = await leases.cancel("db", "bob");
  const holder: LeaseInfo | undefined = await leases.holder("db");
  const line: string[] = await leases.waiters("db");
  const c: CampaignResult = await other.campaign("primary", "n1", { ttlMs: 3000 });
  const leader: LeaderInfo | undefined = await other.leader("primary");
  if (c.status === "leader") {
    const r: ResignResult = await other.resign("primary", "n1", c.token);
    console.log(r.status);
  }
  await other.withdraw("primary", "n2");
  const names: string[] = await other.candidates("primary");
  const result: number = await leases.withLock("job", "w", async ({ token, signal }) => {
    signal.throwIfAborted();
    return token * 2;
  }, { ttlMs: 3000, waitMs: 1000, signal: AbortSignal.timeout(5000) });
  const store = new RedisFencedStore(io, { prefix: "app" });
  const w: WriteResult = await store.write("k", { any: ["json"] }, result);
  if (!w.accepted) console.log(w.highest);
  const e: StoredEntry | undefined = await store.read("k");
  const fenced: FencedReadResult | undefined = await store.read("k", { token: result });
  if (fenced?.accepted) console.log(fenced.value, fenced.token, fenced.version);
  else if (fenced) console.log(fenced.reason, fenced.highest);
  const cas = await store.compareAndSet("k", e?.version ?? 0, 1);
  console.log(left.status, holder?.token, line.length, leader?.leader, names, cas.accepted, leases.options.maxTtlMs, leases.keyOf("db"));
  await leases.close();
  await other.close();
  await client.close();
  io.disconnect();
}
