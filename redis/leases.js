// RedisLeases: LeaseTable's lease semantics on a Redis server — TTL leases with FIFO waiters,
// lock-delay, request-id idempotency and elections, fencing tokens that keep increasing across a
// restart with persistence off — plus `withLock` (its machinery is in with-lock.js).
//
// Every method is one Lua script run with EVALSHA (loaded again after NOSCRIPT). Time is the
// server's `TIME`; the client's clock is only used by `withLock` to pace renewals and waits.
import { randomBytes } from "node:crypto";

import { adapt, runScript } from "./client.js";
import { compileScripts, scriptsFor, wrap } from "./internal.js";
import { LEASE_SCRIPTS } from "./scripts.js";
import * as check from "./validate.js";
import { hold, Wakeups, waitTurn } from "./with-lock.js";

const LOCK = { kind: "lock", param: "resource", member: "owner" };
const ELECTION = { kind: "election", param: "election", member: "candidate" };

function toLease(reply) {
  if (!reply) return undefined;
  const [owner, token, grantedAtMs, expiresAtMs, requestId] = reply;
  const lease = { owner, token: Number(token), grantedAtMs: Number(grantedAtMs), expiresAtMs: Number(expiresAtMs) };
  if (requestId !== null && requestId !== undefined) lease.requestId = requestId;
  return lease;
}

function toLeader(reply) {
  const lease = toLease(reply);
  if (!lease) return undefined;
  return {
    leader: lease.owner,
    token: lease.token,
    grantedAtMs: lease.grantedAtMs,
    expiresAtMs: lease.expiresAtMs,
  };
}

/**
 * LeaseTable's leases on a Redis server, shared by every process that uses the same server and
 * prefix (and the same options: they are part of the protocol). Methods are async and return
 * the same outcomes as `LeaseTable`'s, without `nowMs`: time comes from the server.
 *
 * ```js
 * import { createClient } from "redis";
 * import { RedisLeases } from "ringlease/redis";
 * const client = await createClient({ url: "redis://127.0.0.1:6380" }).connect();
 * const leases = new RedisLeases(client, { maxTtlMs: 60_000 });
 * const a = await leases.acquire("db", "alice", { ttlMs: 10_000 });
 * // { status: "granted", token: 1733550000123456, expiresAtMs: 1733550010123 }
 * ```
 */
export class RedisLeases {
  #adapter;
  #options;
  #prefix;
  #args;
  #wakeups;
  #cleanups = new Set();
  #closed = false;
  /** This instance's part of its request keys (random), and a counter for the rest. */
  #keyBase = randomBytes(9).toString("base64url");
  #keyCount = 0;

  /**
   * @param {unknown} client a connected node-redis v5 client or an ioredis 5/6 client
   * @param {object} [options] `{ prefix?, minTtlMs?, maxTtlMs?, lockDelayMs?, fifo? }`
   */
  constructor(client, options) {
    const context = "new RedisLeases";
    const parsed = check.leaseOptions(options, context, ["prefix"]);
    this.#prefix = check.prefix(parsed.object.prefix, context);
    this.#adapter = adapt(client, context);
    this.#wakeups = new Wakeups(this.#adapter);
    this.#options = Object.freeze({
      minTtlMs: parsed.minTtlMs,
      maxTtlMs: parsed.maxTtlMs,
      lockDelayMs: parsed.lockDelayMs,
      fifo: parsed.fifo,
    });
    this.#args = [String(parsed.maxTtlMs), String(parsed.lockDelayMs), parsed.fifo ? "1" : "0"];
  }

  /** The options in effect (with defaults filled in). */
  get options() {
    return this.#options;
  }

  /** The key prefix. */
  get prefix() {
    return this.#prefix;
  }

  /** The Redis key holding one lock's (or election's) state. */
  keyOf(name, kind = "lock") {
    return `{${this.#prefix}:${name}}:${kind}`;
  }

  /** The pub/sub channel on which grants to waiters of one lock are announced. */
  channelOf(name, kind = "lock") {
    return `${this.keyOf(name, kind)}:events`;
  }

  /** Runs the lease script `script` on `name`; errors name the public `method`. */
  async #run(script, spec, name, args, method = script) {
    const scripts = scriptsFor.get(this) ?? DEFAULT_LEASE_SCRIPTS;
    const key = this.keyOf(name, spec.kind);
    try {
      return await runScript(this.#adapter, scripts[script], key, [...this.#args, ...args]);
    } catch (err) {
      throw wrap(err, `RedisLeases.${method}`, spec.param, name);
    }
  }

  /**
   * Requests a lease on `resource` for `owner`, as `LeaseTable.acquire` (without `nowMs`):
   * `{ status: "granted", token, expiresAtMs }`, `"queued"` (with `wait`), `"busy"`,
   * `"delayed"` (lock-delay after an expiry) or `"finished"` (a retry of a finished request).
   * @param {string} resource
   * @param {string} owner
   * @param {{ ttlMs: number, wait?: number | boolean, requestId?: string }} options
   */
  acquire(resource, owner, options) {
    let request;
    try {
      request = this.#acquireArgs("RedisLeases.acquire", resource, owner, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#acquire(resource, owner, request, this.#requestKey());
  }

  #acquireArgs(context, resource, owner, options) {
    check.string(resource, context, "resource");
    check.string(owner, context, "owner");
    const object = check.options(options, context, "options", ["ttlMs", "wait", "requestId"], true);
    const ttlMs = check.safeInteger(object.ttlMs, context, "options.ttlMs");
    let wait;
    if (object.wait === true) wait = ttlMs;
    else if (typeof object.wait === "number") {
      wait = check.safeInteger(object.wait, context, "options.wait");
    } else if (object.wait !== undefined && object.wait !== false) {
      throw new TypeError(`${context}: options.wait must be a number (ms) or a boolean, got ${check.describe(object.wait)}`);
    }
    let requestId;
    if (object.requestId !== undefined) {
      requestId = check.string(object.requestId, context, "options.requestId");
    }
    check.id(resource, context, "resource");
    check.id(owner, context, "owner");
    if (requestId !== undefined) check.id(requestId, context, "requestId");
    check.range(ttlMs, context, "ttlMs", this.#options.minTtlMs, this.#options.maxTtlMs);
    if (wait !== undefined) {
      check.range(wait, context, "wait", this.#options.minTtlMs, this.#options.maxTtlMs);
    }
    return { ttlMs, wait, requestId };
  }

  /**
   * Checks the arguments of a call on `spec`'s `name` by `member` in LeaseTable's order: the
   * types first (with `token` and `options.ttlMs` when `extra` has them), then the ids, then the
   * TTL's range. Returns the TTL (undefined without `options`).
   * @param {string} context
   * @param {{ param: string, member: string }} spec
   * @param {unknown} name
   * @param {unknown} member
   * @param {{ token?: unknown, options?: unknown }} [extra]
   */
  #checkCall(context, spec, name, member, extra = {}) {
    check.string(name, context, spec.param);
    check.string(member, context, spec.member);
    if ("token" in extra) check.safeInteger(extra.token, context, "token");
    let ttlMs;
    if ("options" in extra) {
      const object = check.options(extra.options, context, "options", ["ttlMs"], true);
      ttlMs = check.safeInteger(object.ttlMs, context, "options.ttlMs");
    }
    check.id(name, context, spec.param);
    check.id(member, context, spec.member);
    if (ttlMs !== undefined) check.range(ttlMs, context, "ttlMs", this.#options.minTtlMs, this.#options.maxTtlMs);
    return ttlMs;
  }

  /** A key naming one acquire call, unique across processes. */
  #requestKey() {
    this.#keyCount += 1;
    return this.#keyBase + this.#keyCount.toString(36);
  }

  /**
   * One acquire; `key` is this request's own key, which makes a resend after a lost reply harmless.
   * @param {string} resource
   * @param {string} owner
   * @param {{ ttlMs: number, wait?: number, requestId?: string }} request
   * @param {string} key
   */
  async #acquire(resource, owner, { ttlMs, wait, requestId }, key) {
    let reply;
    try {
      reply = await this.#run("acquire", LOCK, resource, [
        owner,
        String(ttlMs),
        wait === undefined ? "" : String(wait),
        requestId ?? "",
        key,
      ]);
    } catch (err) {
      if (!this.#adapter.isReplyError(err.cause)) {
        // The reply was lost: the script may have run. Drop whatever it made, as soon as the
        // connection is back (it would expire after ttlMs anyway), and say so.
        this.#abandon(resource, owner, key, ttlMs + (wait ?? 0));
        err.message +=
          " (the connection failed before the reply: any lease or queue entry this request " +
          "made is released as soon as the connection returns, and expires after ttlMs anyway)";
      }
      throw err;
    }
    switch (reply[0]) {
      case "granted":
        return { status: "granted", token: Number(reply[1]), expiresAtMs: Number(reply[2]) };
      case "queued":
        return { status: "queued", position: Number(reply[1]) };
      case "busy":
        return { status: "busy", holder: reply[1], expiresAtMs: Number(reply[2]) };
      case "delayed":
        return { status: "delayed", untilMs: Number(reply[1]) };
      default: {
        const out = { status: "finished" };
        if (reply[1] !== null && reply[1] !== undefined) out.token = Number(reply[1]);
        return out;
      }
    }
  }

  /** Retries the abandon script until it runs or `forMs` has passed. */
  #abandon(resource, owner, key, forMs) {
    const until = Date.now() + forMs;
    const attempt = async () => {
      if (this.#closed) return;
      try {
        await this.#run("abandon", LOCK, resource, [owner, key]);
      } catch {
        if (Date.now() < until) {
          const timer = setTimeout(() => {
            this.#cleanups.delete(timer);
            attempt();
          }, 100);
          timer.unref?.();
          this.#cleanups.add(timer);
        }
      }
    };
    attempt();
  }

  /**
   * Extends the caller's live lease to the server's now + `ttlMs`: `{ status: "renewed",
   * expiresAtMs }` or `{ status: "rejected", reason }`.
   */
  async renew(resource, owner, token, options) {
    const ttlMs = this.#checkCall("RedisLeases.renew", LOCK, resource, owner, { token, options });
    const reply = await this.#run("renew", LOCK, resource, [owner, String(token), String(ttlMs)]);
    return reply[0] === "renewed" ? { status: "renewed", expiresAtMs: Number(reply[1]) } : { status: "rejected", reason: reply[1] };
  }

  /** Ends the caller's live lease: `{ status: "released", next? }` or `{ status: "rejected", reason }`. */
  release(resource, owner, token) {
    return this.#release("release", LOCK, resource, owner, token);
  }

  async #release(method, spec, name, member, token) {
    this.#checkCall(`RedisLeases.${method}`, spec, name, member, { token });
    const reply = await this.#run("release", spec, name, [member, String(token)], method);
    if (reply[0] === "rejected") return { status: "rejected", reason: reply[1] };
    const next = spec === LOCK ? toLease(reply[1]) : toLeader(reply[1]);
    const status = spec === LOCK ? "released" : "resigned";
    return next ? { status, next } : { status };
  }

  /** Takes `owner` out of `resource`'s queue: `{ status: "left", position }` or `{ status: "notQueued" }`. */
  async cancel(resource, owner) {
    return this.#cancel("cancel", LOCK, resource, owner);
  }

  async #cancel(method, spec, name, member) {
    this.#checkCall(`RedisLeases.${method}`, spec, name, member);
    const reply = await this.#run("cancel", spec, name, [member], method);
    return reply[0] === "left" ? { status: "left", position: Number(reply[1]) } : { status: "notQueued" };
  }

  /** The live lease on `resource`: `{ owner, token, grantedAtMs, expiresAtMs, requestId? }` or `undefined`. */
  async holder(resource) {
    const context = "RedisLeases.holder";
    check.id(resource, context, "resource");
    return toLease(await this.#run("holder", LOCK, resource, []));
  }

  /** The owners waiting for `resource`, next in line first. */
  async waiters(resource) {
    const context = "RedisLeases.waiters";
    check.string(resource, context, "resource");
    if (resource === "") return [];
    return this.#run("waiters", LOCK, resource, []);
  }

  /**
   * Runs `candidate` for leader of `election`: `{ status: "leader", token, expiresAtMs }` or
   * `{ status: "candidate", position, leader? }`. Campaigning again is the keep-alive.
   */
  async campaign(election, candidate, options) {
    const ttlMs = this.#checkCall("RedisLeases.campaign", ELECTION, election, candidate, { options });
    const reply = await this.#run("campaign", ELECTION, election, [candidate, String(ttlMs)]);
    if (reply[0] === "leader") {
      return { status: "leader", token: Number(reply[1]), expiresAtMs: Number(reply[2]) };
    }
    const out = { status: "candidate", position: Number(reply[1]) };
    if (reply[2] !== null && reply[2] !== undefined) out.leader = reply[2];
    return out;
  }

  /** The leader steps down: `{ status: "resigned", next? }` or `{ status: "rejected", reason }`. */
  resign(election, candidate, token) {
    return this.#release("resign", ELECTION, election, candidate, token);
  }

  /** A candidate that is not leading leaves the line. */
  async withdraw(election, candidate) {
    return this.#cancel("withdraw", ELECTION, election, candidate);
  }

  /** The leadership of `election`: `{ leader, token, grantedAtMs, expiresAtMs }` or `undefined`. */
  async leader(election) {
    const context = "RedisLeases.leader";
    check.id(election, context, "election");
    return toLeader(await this.#run("holder", ELECTION, election, [], "leader"));
  }

  /** The candidates waiting in `election`, next in line first. */
  async candidates(election) {
    const context = "RedisLeases.candidates";
    check.string(election, context, "election");
    if (election === "") return [];
    return this.#run("waiters", ELECTION, election, [], "candidates");
  }

  /**
   * Runs `fn({ token, signal })` while holding the lock on `resource`, then releases it.
   *
   * - Waits its turn in FIFO order for at most `waitMs` (default: do not wait; a held lock
   *   rejects at once), woken by pub/sub when the lock is handed over, polling as a fallback.
   * - Renews the lease every `ttlMs / 3`. `signal` aborts the moment the lease is lost: a
   *   renewal refused, or no renewal confirmed before the lease would expire.
   * - Releases the lease when `fn` settles, and returns (or rethrows) what `fn` did.
   * - Rejects with an Error if the lock is not granted within `waitMs`, or when the caller's
   *   `options.signal` aborts first (the queue entry is withdrawn).
   *
   * ```js
   * await leases.withLock("report", "worker-7", async ({ token, signal }) => {
   *   await store.write("report", await build(signal), token);
   * }, { ttlMs: 10_000, waitMs: 30_000 });
   * ```
   * @template T
   * @param {string} resource
   * @param {string} owner
   * @param {(lease: { token: number, signal: AbortSignal }) => T | Promise<T>} fn
   * @param {{ ttlMs: number, waitMs?: number, signal?: AbortSignal }} options
   * @returns {Promise<Awaited<T>>}
   */
  async withLock(resource, owner, fn, options) {
    const context = "RedisLeases.withLock";
    check.string(resource, context, "resource");
    check.string(owner, context, "owner");
    if (typeof fn !== "function") {
      throw new TypeError(`${context}: fn must be a function, got ${check.describe(fn)}`);
    }
    const object = check.options(options, context, "options", ["ttlMs", "waitMs", "signal"], true);
    const ttlMs = check.safeInteger(object.ttlMs, context, "options.ttlMs");
    const waitMs = object.waitMs === undefined ? undefined : check.safeInteger(object.waitMs, context, "options.waitMs");
    const signal = object.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(`${context}: options.signal must be an AbortSignal, got ${check.describe(signal)}`);
    }
    check.id(resource, context, "resource");
    check.id(owner, context, "owner");
    check.range(ttlMs, context, "ttlMs", this.#options.minTtlMs, this.#options.maxTtlMs);
    const where = `${context} on resource ${JSON.stringify(resource)}`;
    const aborted = () => new Error(`${where}: aborted by the caller's signal`, { cause: signal?.reason });
    if (signal?.aborted) throw aborted();

    const lock = this.#handle();
    const { token, expiresAtLocal } = await waitTurn(lock, { resource, owner, ttlMs, waitMs, signal, where, aborted });
    return hold(lock, { resource, owner, token, ttlMs, expiresAtLocal, fn, where });
  }

  /** @returns {import("./with-lock.js").LockHandle} */
  #handle() {
    return {
      options: this.#options,
      requestKey: () => this.#requestKey(),
      channelOf: (name) => this.channelOf(name),
      acquire: (resource, owner, request, key) => this.#acquire(resource, owner, request, key),
      abandon: (resource, owner, key, forMs) => this.#abandon(resource, owner, key, forMs),
      renew: (resource, owner, token, options) => this.renew(resource, owner, token, options),
      release: (resource, owner, token) => this.release(resource, owner, token),
      wakeups: this.#wakeups,
    };
  }

  /**
   * Closes the subscriber connection `withLock` opened (the client passed in is left open) and
   * stops pending clean-ups.
   */
  async close() {
    this.#closed = true;
    for (const timer of this.#cleanups) clearTimeout(timer);
    this.#cleanups.clear();
    await this.#wakeups.close();
  }
}

const DEFAULT_LEASE_SCRIPTS = compileScripts(LEASE_SCRIPTS);
