// Types of `ringlease/redis` (Node only). The outcomes are those of the wasm `LeaseTable` and
// `FencedStore`, without `nowMs`: time comes from the Redis server's `TIME`.

/** Why a renew, release or resign was refused. */
export type LeaseRejection = "notHolder" | "wrongToken" | "expired" | "released" | "unknownResource";

/** A lease: who holds a resource, with which fencing token, until when (server ms). */
export interface LeaseInfo {
  owner: string;
  token: number;
  grantedAtMs: number;
  expiresAtMs: number;
  requestId?: string;
}

/** An election's leadership. */
export interface LeaderInfo {
  leader: string;
  token: number;
  grantedAtMs: number;
  expiresAtMs: number;
}

export type AcquireResult =
  | { status: "granted"; token: number; expiresAtMs: number }
  | { status: "queued"; position: number }
  | { status: "busy"; holder: string; expiresAtMs: number }
  | { status: "delayed"; untilMs: number }
  | { status: "finished"; token?: number };

export type RenewResult =
  | { status: "renewed"; expiresAtMs: number }
  | { status: "rejected"; reason: LeaseRejection };

export type ReleaseResult =
  | { status: "released"; next?: LeaseInfo }
  | { status: "rejected"; reason: LeaseRejection };

export type ResignResult =
  | { status: "resigned"; next?: LeaderInfo }
  | { status: "rejected"; reason: LeaseRejection };

export type CancelResult = { status: "left"; position: number } | { status: "notQueued" };

export type CampaignResult =
  | { status: "leader"; token: number; expiresAtMs: number }
  | { status: "candidate"; position: number; leader?: string };

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
  acquire(resource: string, owner: string, options: RedisAcquireOptions): Promise<AcquireResult>;
  renew(resource: string, owner: string, token: number, options: { ttlMs: number }): Promise<RenewResult>;
  release(resource: string, owner: string, token: number): Promise<ReleaseResult>;
  cancel(resource: string, owner: string): Promise<CancelResult>;
  holder(resource: string): Promise<LeaseInfo | undefined>;
  waiters(resource: string): Promise<string[]>;
  campaign(election: string, candidate: string, options: { ttlMs: number }): Promise<CampaignResult>;
  resign(election: string, candidate: string, token: number): Promise<ResignResult>;
  withdraw(election: string, candidate: string): Promise<CancelResult>;
  leader(election: string): Promise<LeaderInfo | undefined>;
  candidates(election: string): Promise<string[]>;
  /** Runs `fn` holding the lock (waiting, renewing and releasing for you); see the README. */
  withLock<T>(
    resource: string,
    owner: string,
    fn: (lock: HeldLock) => T | Promise<T>,
    options: WithLockOptions,
  ): Promise<Awaited<T>>;
  /** Closes the subscriber connection `withLock` opened; the client passed in stays open. */
  close(): Promise<void>;
}

export type WriteResult =
  | { accepted: true; version: number }
  | { accepted: false; reason: "staleToken"; highest: number };

export interface StoredEntry {
  value: unknown;
  token: number;
  version: number;
}

export interface CompareAndSetResult {
  accepted: boolean;
  /** The new version if accepted, else the current one (0: the key does not exist). */
  version: number;
}

/**
 * `FencedStore` on Redis: a write is applied only if its token is at least the highest token
 * accepted for the key, checked and applied in one script.
 */
export class RedisFencedStore {
  constructor(client: RedisClient, options?: { prefix?: string });
  keyOf(key: string): string;
  write(key: string, value: unknown, token: number): Promise<WriteResult>;
  read(key: string): Promise<StoredEntry | undefined>;
  compareAndSet(key: string, expectedVersion: number, value: unknown): Promise<CompareAndSetResult>;
}
