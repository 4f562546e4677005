//! The lease engine: TTL leases on named resources with a waiting queue, fencing tokens,
//! lock-delay, and leader election on the same machinery (docs/leases.md;
//! invariants L1–L9 of docs/invariants.md).
//!
//! Contract:
//! - Time is injected. Every call passes `now_ms`; it must never decrease for one table
//!   ([`LeaseError::TimeWentBackwards`]). The table never reads a clock.
//! - A lease is live while `now_ms < expires_at_ms`; at `expires_at_ms` it has expired.
//! - **Event time.** Before doing anything, every call advances the table to its `now_ms`,
//!   processing expiries, lock-delay ends, dropped waiters and grants at the instant they fall
//!   due, in chronological order (ties by kind, then name). So the state after a call depends
//!   only on the calls and their times, never on how often [`LeaseTable::tick`] runs: a waiter
//!   granted when a lease expired at `t` gets a lease `[t, t + ttl)`.
//! - Fencing tokens come from one counter per table: every grant gets a strictly larger token
//!   (the first is 1).
//! - Expiry is never early. After an *expiry* (not a release) a resource stays blocked for
//!   `lock_delay_ms`. A waiter is granted only if its own wait deadline has not passed at the
//!   grant instant (the etcd 3.4.3 bug); waiters past their deadline are dropped.
//! - Protocol outcomes (busy, queued, rejected) are values; misuse (empty ids, TTLs outside
//!   `[min_ttl_ms, max_ttl_ms]`, time going backwards) is an `Err` and changes nothing.
//! - Deterministic: no clock, no randomness, and no hash-map order reaches an outcome (slots
//!   are found by hashing their name, but everything ordered is ordered by kind and name).
//!
//! ```
//! use ringlease::core::lease::{Acquire, AcquireOptions, LeaseOptions, LeaseTable, Release};
//!
//! let mut table = LeaseTable::new(LeaseOptions::default()).unwrap();
//! let a = table.acquire("db", "alice", AcquireOptions::new(1_000, 0)).unwrap();
//! let Acquire::Granted { token, .. } = a else { panic!() };
//! let b = table.acquire("db", "bob", AcquireOptions::new(1_000, 10).wait(5_000)).unwrap();
//! assert_eq!(b, Acquire::Queued { position: 1 });
//! let Release::Released { next } = table.release("db", "alice", token, 20).unwrap() else {
//!     panic!()
//! };
//! assert_eq!(next.unwrap().owner, "bob");
//! ```

//!
//! The module is split along its seams: [`types`](self) (limits, options, errors), the
//! outcomes and events, the slot engine, the table (`engine`: the slot table, time, expiry),
//! locks, elections and the waiting line.

mod election;
mod engine;
mod locks;
mod outcome;
mod queue;
mod slot;
mod types;

pub use engine::LeaseTable;
pub use outcome::{
    Acquire, Campaign, Cancel, DequeueReason, Lease, LeaseEvent, LossCause, Rejection, Release,
    Renew,
};
pub use queue::MAX_RETRY_IDS;
pub use types::{
    AcquireOptions, LeaseError, LeaseLimits, LeaseOptions, MAX_ID_BYTES, MAX_LIMIT,
    MAX_LOCK_DELAY_MS, MAX_NOW_MS, MAX_TTL_LIMIT_MS,
};
