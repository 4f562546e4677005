// `RedisLeases.withLock`'s machinery: waiting one's turn (FIFO, woken by pub/sub, polling as
// the fallback) and holding the lease while `fn` runs (renewed every ttlMs / 3, its signal
// aborted the moment the lease is lost, released when `fn` settles). It works through a handle
// RedisLeases gives it (see `LockHandle`), so it needs none of RedisLeases' private state.

/**
 * What withLock needs of a RedisLeases.
 * @typedef {object} LockHandle
 * @property {{ minTtlMs: number, maxTtlMs: number }} options
 * @property {() => string} requestKey  a key naming one acquire call
 * @property {(name: string) => string} channelOf
 * @property {(resource: string, owner: string, request: { ttlMs: number, wait?: number }, key: string) => Promise<any>} acquire
 * @property {(resource: string, owner: string, key: string, forMs: number) => void} abandon
 * @property {(resource: string, owner: string, token: number, options: { ttlMs: number }) => Promise<any>} renew
 * @property {(resource: string, owner: string, token: number) => Promise<any>} release
 * @property {Wakeups} wakeups
 */

/**
 * The pub/sub side of waiting: one subscriber connection per RedisLeases, opened on first use,
 * and the wake-up callbacks of each channel.
 */
export class Wakeups {
  #adapter;
  /** @type {Promise<import("./client.js").Subscriber | null> | undefined} */
  #subscriber;
  /** channel -> Set of wake-up callbacks */
  #wakers = new Map();
  #closed = false;

  /** @param {import("./client.js").Adapter} adapter */
  constructor(adapter) {
    this.#adapter = adapter;
  }

  async subscribe(channel, waker) {
    if (this.#subscriber === undefined) {
      this.#subscriber = this.#adapter.subscriber().catch(() => null);
    }
    let set = this.#wakers.get(channel);
    if (!set) {
      set = new Set();
      this.#wakers.set(channel, set);
      set.add(waker);
      const sub = await this.#subscriber;
      if (sub && !this.#closed) {
        await sub
          .subscribe(channel, () => {
            for (const w of this.#wakers.get(channel) ?? []) w();
          })
          .catch(() => {});
      }
    } else {
      set.add(waker);
    }
  }

  unsubscribe(channel, waker) {
    const set = this.#wakers.get(channel);
    if (!set) return;
    set.delete(waker);
    if (set.size === 0) {
      this.#wakers.delete(channel);
      this.#subscriber?.then((sub) => sub?.unsubscribe(channel).catch(() => {}));
    }
  }

  /** Closes the subscriber connection, if one was opened. */
  async close() {
    this.#closed = true;
    const sub = await this.#subscriber;
    this.#subscriber = undefined;
    sub?.close();
  }
}

/**
 * Waits for the lock on `resource`: resolves with its token and the local time it expires at
 * the latest, or rejects (busy, not granted within `waitMs`, aborted).
 * @param {LockHandle} lock
 */
export async function waitTurn(lock, { resource, owner, ttlMs, waitMs, signal, where, aborted }) {
  const key = lock.requestKey();
  const started = Date.now();
  const deadline = waitMs === undefined ? started : started + waitMs;
  const { minTtlMs, maxTtlMs } = lock.options;
  const pollMs = Math.min(Math.max(Math.floor(ttlMs / 4), 10), 1000);
  const channel = lock.channelOf(resource);
  let wake = () => {};
  const waker = () => wake();
  let subscribed = false;
  try {
    for (;;) {
      if (signal?.aborted) throw aborted();
      const remaining = deadline - Date.now();
      const wait = waitMs === undefined || remaining <= 0 ? undefined : Math.min(Math.max(remaining, minTtlMs), maxTtlMs);
      const sentAt = Date.now();
      const r = await lock.acquire(resource, owner, { ttlMs, wait }, key);
      if (r.status === "granted") return { token: r.token, expiresAtLocal: sentAt + ttlMs };
      if (r.status === "busy" && r.holder === owner) {
        throw new Error(`${where}: ${JSON.stringify(owner)} already holds it (withLock is not re-entrant)`);
      }
      if (wait === undefined) {
        const why = r.status === "busy" ? `held by ${JSON.stringify(r.holder)}` : r.status;
        throw new Error(
          waitMs === undefined
            ? `${where}: the lock is busy (${why}); pass waitMs to wait for it`
            : `${where}: not granted within waitMs (${waitMs} ms)`,
        );
      }
      if (!subscribed) {
        // Ask again at once after subscribing: a grant announced in between is not missed.
        subscribed = true;
        await lock.wakeups.subscribe(channel, waker);
        continue;
      }
      await new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
        const timer = setTimeout(done, Math.max(1, Math.min(pollMs, deadline - Date.now())));
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          wake = () => {};
          resolve();
        }
        wake = done;
        signal?.addEventListener("abort", done);
      });
    }
  } catch (err) {
    lock.abandon(resource, owner, key, ttlMs + (waitMs ?? 0));
    throw err;
  } finally {
    if (subscribed) lock.wakeups.unsubscribe(channel, waker);
  }
}

/**
 * Runs `fn` holding the lease `token`, renewing it, then releases it.
 * @param {LockHandle} lock
 */
export async function hold(lock, { resource, owner, token, ttlMs, expiresAtLocal, fn, where }) {
  const lost = new AbortController();
  let expiresAt = expiresAtLocal;
  let expiryTimer;
  const armExpiry = () => {
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(
      () => lose(new Error(`${where}: lease expired (no renewal confirmed in time)`)),
      Math.max(0, expiresAt - Date.now()),
    );
  };
  const lose = (reason) => {
    if (!lost.signal.aborted) lost.abort(reason);
    clearInterval(renewTimer);
    clearTimeout(expiryTimer);
  };
  const renewTimer = setInterval(
    async () => {
      if (lost.signal.aborted) return;
      const sentAt = Date.now();
      try {
        const r = await lock.renew(resource, owner, token, { ttlMs });
        if (r.status === "renewed") {
          expiresAt = Math.max(expiresAt, sentAt + ttlMs);
          if (!lost.signal.aborted) armExpiry();
        } else {
          lose(new Error(`${where}: lease lost (renewal rejected: ${r.reason})`));
        }
      } catch {
        // A failed renewal is retried at the next tick; the expiry timer decides.
      }
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  armExpiry();
  try {
    return await fn({ token, signal: lost.signal });
  } finally {
    lose(new Error(`${where}: released (fn settled)`));
    try {
      await lock.release(resource, owner, token);
    } catch {
      // The lease expires by itself after ttlMs.
    }
  }
}
