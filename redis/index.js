// ringlease/redis (Node only): LeaseTable's lease semantics on a Redis server — TTL leases with
// FIFO waiters, lock-delay, request-id idempotency and elections, fencing tokens that keep
// increasing across a restart with persistence off — plus `withLock` and a fenced store.
//
// Every method is one Lua script run with EVALSHA (loaded again after NOSCRIPT). Time is the
// server's `TIME`; the client's clock is only used by `withLock` to pace renewals and waits.
export { RedisLeases } from "./leases.js";
export { RedisFencedStore } from "./store.js";
