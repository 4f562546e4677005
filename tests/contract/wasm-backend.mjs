// The wasm LeaseTable and FencedStore as a contract-suite backend: the same async methods as
// RedisLeases / RedisFencedStore, with a real clock (performance.now(), in whole ms) supplying
// every `nowMs`. The only module of the contract suite that imports the wasm package.
import { FencedStore, LeaseTable } from "../../pkg/lease/node.js";

const started = Math.floor(performance.now());
/** Whole ms since this module loaded, never decreasing (LeaseTable refuses time going back). */
const now = () => Math.floor(performance.now()) - started + 1;

/**
 * A backend over a fresh LeaseTable and FencedStore.
 * @param {object} [options] LeaseTable options
 */
export async function wasmBackend(options) {
  const table = new LeaseTable(options);
  const store = new FencedStore();
  const call = (fn) => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  // Adds nowMs to a plain options object; anything else goes through as is, for the table to
  // refuse with its own error.
  const withNow = (options) => {
    const plain = options !== null && typeof options === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(options));
    return plain ? { ...options, nowMs: now() } : options;
  };
  // LeaseTable.waiters and .candidates answer "as of the latest call": bring the table to now first.
  const asOfNow = (read) =>
    call(() => {
      table.tick(now());
      return read();
    });
  return {
    name: "wasm LeaseTable",
    leases: {
      acquire: (r, o, opts) => call(() => table.acquire(r, o, withNow(opts))),
      renew: (r, o, t, opts) => call(() => table.renew(r, o, t, withNow(opts))),
      release: (r, o, t) => call(() => table.release(r, o, t, now())),
      cancel: (r, o) => call(() => table.cancel(r, o, now())),
      holder: (r) => call(() => table.holder(r, now())),
      waiters: (r) => asOfNow(() => table.waiters(r)),
      campaign: (e, c, opts) => call(() => table.campaign(e, c, withNow(opts))),
      resign: (e, c, t) => call(() => table.resign(e, c, t, now())),
      withdraw: (e, c) => call(() => table.withdraw(e, c, now())),
      leader: (e) => call(() => table.leader(e, now())),
      candidates: (e) => asOfNow(() => table.candidates(e)),
    },
    fencedRead: false,
    store: {
      write: (k, v, t) => call(() => store.write(k, v, t, now())),
      read: (k) => call(() => store.read(k)),
      compareAndSet: (k, v, value) => call(() => store.compareAndSet(k, v, value)),
    },
    async close() {
      table.free();
      store.free();
    },
  };
}
