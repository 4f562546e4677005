// Types of `ringlease/redis` (Node only). The outcomes are those of the wasm `LeaseTable` and
// `FencedStore`, without `nowMs`: time comes from the Redis server's `TIME`.

// The outcomes are the wasm lease entry's types, shared rather than copied.
import type * as lease from "../pkg/lease/ringlease_lease.js";

export type {
  AcquireResult,
  CampaignResult,
  CancelResult,
  CompareAndSetResult,
  LeaderInfo,
  LeaseInfo,
  LeaseRejection,
  ReleaseResult,
  RenewResult,
  ResignResult,
  StoredEntry,
} from "../pkg/lease/ringlease_lease.js";

/**
 * A connected node-redis v5 client (`createClient()` from `redis`, after `connect()`) or an
 * ioredis 5/6 client. Typed loosely so neither package is needed to compile against this one.
 */
export type RedisClient = object;

/** Options of `new RedisLeases(client, options)`. Every process sharing a prefix must use the same. */
export interface RedisLeasesOptions {
  /** Key prefix; a lock's key is `{<prefix>:<resource>}:lock`. Default `"ringlease"`. */
  prefix?: string;
  /** The shortest TTL (and wait) accepted, ≥ 1. Default 1. */
  minTtlMs?: number;
  /** The longest TTL (and wait) accepted, ≤ 2^40. Default 3600000. Also how long finished request ids and ended leases are remembered. */
  maxTtlMs?: number;
  /** How long a resource stays blocked after a lease expires (not after a release), 0..=60000. Default 0. */
  lockDelayMs?: number;
  /** Serve waiters in arrival order (default true); false serves them in owner-id order. */
  fifo?: boolean;
}

/** Options of `RedisLeases.acquire`. */
export interface RedisAcquireOptions {
  /** The lease TTL in ms, in [minTtlMs, maxTtlMs]. */
  ttlMs: number;
  /** Queue if held: how long to wait in ms (in [minTtlMs, maxTtlMs]), or `true` for `ttlMs`. Default: do not wait. */
  wait?: number | boolean;
  /** Makes retries idempotent: the same (owner, requestId) never queues or is granted twice. */
  requestId?: string;
}

/** Options of `RedisLeases.withLock`. */
export interface WithLockOptions {
  /** The lease TTL in ms; the lease is renewed every `ttlMs / 3` while `fn` runs. */
  ttlMs: number;
  /** How long to wait for the lock, in ms. Default: do not wait (a held lock rejects at once). */
  waitMs?: number;
  /** Aborts the wait (the returned promise rejects). Once `fn` runs, abort it yourself. */
  signal?: AbortSignal;
}

/** What `withLock` hands to `fn`. */
export interface HeldLock {
  /** The fencing token: pass it to the store you write to (see `RedisFencedStore`). */
  token: number;
  /** Aborts the moment the lease is lost (a renewal refused, or none confirmed in time). */
  signal: AbortSignal;
}

/**
 * LeaseTable's leases on a Redis server: TTL leases with FIFO waiters and deadlines,
 * lock-delay, request-id idempotency, elections, and fencing tokens that increase strictly per
 * resource, also across a restart of the server with persistence off.
 *
 * ```js
 * const leases = new RedisLeases(client);
 * const a = await leases.acquire("db", "alice", { ttlMs: 10_000 });
 * if (a.status === "granted") await leases.release("db", "alice", a.token);
 * ```
 */
export class RedisLeases {
  constructor(client: RedisClient, options?: RedisLeasesOptions);
  /** The options in effect, defaults filled in. */
  readonly options: Readonly<Required<Omit<RedisLeasesOptions, "prefix">>>;
  readonly prefix: string;
  /** The Redis key of a lock's (`kind: "lock"`) or election's state. */
  keyOf(name: string, kind?: "lock" | "election"): string;
  /** The pub/sub channel on which grants and releases are announced. */
  channelOf(name: string, kind?: "lock" | "election"): string;
  /**
   * Requests a lease, as `LeaseTable.acquire` without `nowMs`.
   *
   * ```js
   * const r = await leases.acquire("db", "alice", { ttlMs: 5000, wait: 30_000, requestId: "r1" });
   * if (r.status === "granted") useToken(r.token);
   * ```
   */
  acquire(resource: string, owner: string, options: RedisAcquireOptions): Promise<lease.AcquireResult>;
  /**
   * Extends the caller's live lease to the server's now + `ttlMs`; refused after expiry.
   *
   * ```js
   * const r = await leases.renew("db", "alice", token, { ttlMs: 5000 });
   * if (r.status === "rejected") stopWorking(r.reason);
   * ```
   */
  renew(resource: string, owner: string, token: number, options: { ttlMs: number }): Promise<lease.RenewResult>;
  /**
   * Ends the caller's lease; the next live waiter is granted at the same instant.
   *
   * ```js
   * const r = await leases.release("db", "alice", token);
   * if (r.status === "released" && r.next) console.log(`${r.next.owner} holds it now`);
   * ```
   */
  release(resource: string, owner: string, token: number): Promise<lease.ReleaseResult>;
  /** Leaves the queue: `await leases.cancel("db", "bob")` → `{ status: "left", position: 1 }`. */
  cancel(resource: string, owner: string): Promise<lease.CancelResult>;
  /** The live lease: `(await leases.holder("db"))?.owner` → `"alice"`. */
  holder(resource: string): Promise<lease.LeaseInfo | undefined>;
  /** The owners waiting, next first: `await leases.waiters("db")` → `["bob", "carol"]`. */
  waiters(resource: string): Promise<string[]>;
  /**
   * Runs for leader; campaigning again is the keep-alive.
   *
   * ```js
   * const me = await leases.campaign("primary", "node-1", { ttlMs: 3000 });
   * if (me.status === "leader") serveAsPrimary(me.token);
   * ```
   */
  campaign(election: string, candidate: string, options: { ttlMs: number }): Promise<lease.CampaignResult>;
  /** Steps down: `await leases.resign("primary", "node-1", token)` → `{ status: "resigned", next? }`. */
  resign(election: string, candidate: string, token: number): Promise<lease.ResignResult>;
  /** A candidate leaves the line: `await leases.withdraw("primary", "node-2")`. */
  withdraw(election: string, candidate: string): Promise<lease.CancelResult>;
  /** The leadership: `(await leases.leader("primary"))?.leader` → `"node-1"`. */
  leader(election: string): Promise<lease.LeaderInfo | undefined>;
  /** The candidates in line: `await leases.candidates("primary")` → `["node-2"]`. */
  candidates(election: string): Promise<string[]>;
  /**
   * Runs `fn` holding the lock: waits its turn (FIFO, at most `waitMs`), renews every
   * `ttlMs / 3`, aborts `signal` if the lease is lost, releases when `fn` settles.
   *
   * ```js
   * await leases.withLock("report", "worker-7", async ({ token, signal }) => {
   *   await store.write("report", await build(signal), token);
   * }, { ttlMs: 10_000, waitMs: 30_000 });
   * ```
   */
  withLock<T>(resource: string, owner: string, fn: (lock: HeldLock) => T | Promise<T>, options: WithLockOptions): Promise<Awaited<T>>;
  /** Closes the subscriber connection `withLock` opened; the client passed in stays open. */
  close(): Promise<void>;
}

/** A write's outcome: `FencedStore`'s, without `notLive` (a Redis store is never strict). */
export type WriteResult = Exclude<lease.WriteResult, { reason: "notLive" }>;

/** A fenced read's outcome (`read(key, { token })`). */
export type FencedReadResult = ({ accepted: true } & lease.StoredEntry) | { accepted: false; reason: "staleToken"; highest: number };

/**
 * `FencedStore` on Redis: a write is applied only if its token is at least the highest token
 * accepted for the key, checked and applied in one script. A read may be fenced too.
 */
export class RedisFencedStore {
  constructor(client: RedisClient, options?: { prefix?: string });
  keyOf(key: string): string;
  /**
   * Applies the write only if `token` ≥ the highest accepted for `key`.
   *
   * ```js
   * await store.write("file", { text: "hi" }, token);   // { accepted: true, version: 1 }
   * await store.write("file", { text: "late" }, older); // { accepted: false, reason: "staleToken", highest: token }
   * ```
   */
  write(key: string, value: unknown, token: number): Promise<WriteResult>;
  /** `await store.read("file")` → `{ value: { text: "hi" }, token, version: 1 }` or `undefined`. */
  read(key: string): Promise<lease.StoredEntry | undefined>;
  /**
   * A fenced read, in one script: refused below the key's highest token; else `token` becomes
   * the key's highest (value and version unchanged), so an older holder's late write can no
   * longer land between this read and the caller's write. `undefined` if the key does not exist
   * (nothing registered).
   *
   * ```js
   * const r = await store.read("stock", { token });
   * if (r?.accepted) await store.write("stock", r.value - 1, token);
   * // a holder whose token was superseded: { accepted: false, reason: "staleToken", highest }
   * ```
   */
  read(key: string, options: { token: number }): Promise<FencedReadResult | undefined>;
  /** Optimistic locking by version: `await store.compareAndSet("n", 0, 1)` → `{ accepted: true, version: 1 }`. */
  compareAndSet(key: string, expectedVersion: number, value: unknown): Promise<lease.CompareAndSetResult>;
}
