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
//! - Deterministic: ordered maps only, no hashing, no clock, no randomness.
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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

mod queue;

pub use queue::MAX_RETRY_IDS;
use queue::{Queue, Waiter};

/// The longest resource, owner, election or request id, in UTF-8 bytes.
pub const MAX_ID_BYTES: usize = 256;
/// The largest `max_ttl_ms` a table accepts (2^40 ms, about 35 years).
pub const MAX_TTL_LIMIT_MS: u64 = 1 << 40;
/// The largest lock-delay (60 s, Consul's upper bound).
pub const MAX_LOCK_DELAY_MS: u64 = 60_000;
/// The largest `now_ms` accepted (2^52): every time the table computes stays below 2^53, so it
/// crosses to JavaScript as an exact number.
pub const MAX_NOW_MS: u64 = 1 << 52;

/// Why an argument was refused. Nothing changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseError {
    /// An id parameter was the empty string.
    EmptyId {
        /// The parameter's (JavaScript) name, e.g. `"resource"`.
        param: &'static str,
    },
    /// An id parameter is longer than [`MAX_ID_BYTES`].
    IdTooLong {
        /// The parameter's name.
        param: &'static str,
        /// Its length in UTF-8 bytes.
        bytes: usize,
    },
    /// A number outside its allowed range.
    OutOfRange {
        /// The parameter's name, e.g. `"ttlMs"`.
        param: &'static str,
        /// The value received.
        value: u64,
        /// The smallest allowed value.
        min: u64,
        /// The largest allowed value.
        max: u64,
    },
    /// `now_ms` is earlier than a time this table (or store) has already seen.
    TimeWentBackwards {
        /// The latest time seen.
        last: u64,
        /// The time received.
        now: u64,
    },
    /// A strict [`crate::core::store::FencedStore`] was asked to write without a table to ask.
    StrictStoreNeedsTable,
    /// A count or token above its largest allowed value.
    TooMany {
        /// The parameter's name, e.g. `"maxEvents"`.
        param: &'static str,
        /// The value received.
        value: u64,
        /// The largest allowed value.
        max: u64,
    },
}

impl fmt::Display for LeaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseError::EmptyId { param } => write!(f, "{param} must not be empty"),
            LeaseError::IdTooLong { param, bytes } => write!(
                f,
                "{param} must be at most {MAX_ID_BYTES} UTF-8 bytes, got {bytes}"
            ),
            LeaseError::OutOfRange {
                param,
                value,
                min,
                max,
            } => write!(
                f,
                "{param} must be an integer in [{min}, {max}] ms, got {value}"
            ),
            LeaseError::TimeWentBackwards { last, now } => write!(
                f,
                "nowMs went backwards: got {now} after {last} (time must never decrease)"
            ),
            LeaseError::StrictStoreNeedsTable => {
                write!(f, "a strict FencedStore needs a LeaseTable to check tokens")
            }
            LeaseError::TooMany { param, value, max } => {
                write!(f, "{param} must be an integer in [0, {max}], got {value}")
            }
        }
    }
}

impl std::error::Error for LeaseError {}

/// Options of a [`LeaseTable`]. All durations in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseOptions {
    /// The shortest TTL (and wait) accepted; ≥ 1. Default 1.
    pub min_ttl_ms: u64,
    /// The longest TTL (and wait) accepted; in `[min_ttl_ms, MAX_TTL_LIMIT_MS]`. Default 3,600,000
    /// (one hour). It is also how long finished request ids and ended leases are remembered.
    pub max_ttl_ms: u64,
    /// How long a resource stays blocked after a lease *expires* (never after a release);
    /// in `[0, MAX_LOCK_DELAY_MS]`. Default 0.
    pub lock_delay_ms: u64,
    /// Serve waiters in arrival order (default). When false, waiters are served in owner-id
    /// order (UTF-8 bytes): deterministic, but not fair.
    pub fifo: bool,
}

impl Default for LeaseOptions {
    fn default() -> Self {
        LeaseOptions {
            min_ttl_ms: 1,
            max_ttl_ms: 3_600_000,
            lock_delay_ms: 0,
            fifo: true,
        }
    }
}

impl LeaseOptions {
    /// Checks the ranges documented on each field.
    pub fn validate(&self) -> Result<(), LeaseError> {
        range("minTtlMs", self.min_ttl_ms, 1, MAX_TTL_LIMIT_MS)?;
        range(
            "maxTtlMs",
            self.max_ttl_ms,
            self.min_ttl_ms,
            MAX_TTL_LIMIT_MS,
        )?;
        range("lockDelayMs", self.lock_delay_ms, 0, MAX_LOCK_DELAY_MS)
    }
}

/// The largest `max_events` and `max_request_ids` accepted (2^24).
pub const MAX_LIMIT: usize = 1 << 24;

/// Bounds on what a [`LeaseTable`] remembers, and where its tokens start. Kept apart from
/// [`LeaseOptions`] (the protocol) because they never change an outcome within the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseLimits {
    /// The most events kept between two [`LeaseTable::tick`]s; when full, the oldest is
    /// dropped and counted ([`LeaseTable::dropped_events`]). 0: no events are collected
    /// (`tick` returns nothing). In `[0, MAX_LIMIT]`; default 100,000 (about 16 MB in wasm at
    /// most).
    pub max_events: usize,
    /// The most finished request ids remembered (for [`Acquire::Finished`]); beyond it the
    /// oldest is forgotten first, as it would be after `max_ttl_ms`. In `[0, MAX_LIMIT]`;
    /// default 10,000 (about 3.7 MB in wasm with short ids, measured 370 bytes each; up to
    /// about 10 MB with 256-byte ids and owners).
    pub max_request_ids: usize,
    /// Every token this table grants is larger than this: a restarting process passes the
    /// last token it saw (or persisted) so that its tokens keep increasing. In
    /// `[0, MAX_NOW_MS]`; default 0 (the first token is 1).
    pub token_floor: u64,
}

impl Default for LeaseLimits {
    fn default() -> Self {
        LeaseLimits {
            max_events: 100_000,
            max_request_ids: 10_000,
            token_floor: 0,
        }
    }
}

impl LeaseLimits {
    /// Checks the ranges documented on each field.
    pub fn validate(&self) -> Result<(), LeaseError> {
        let limit = MAX_LIMIT as u64;
        range_count("maxEvents", self.max_events as u64, limit)?;
        range_count("maxRequestIds", self.max_request_ids as u64, limit)?;
        range_count("tokenFloor", self.token_floor, MAX_NOW_MS)
    }
}

/// The arguments of [`LeaseTable::acquire`] besides the resource and owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireOptions {
    /// The lease TTL, in `[min_ttl_ms, max_ttl_ms]`. Validity counts from the grant instant: from
    /// this request's `now_ms` for an immediate grant.
    pub ttl_ms: u64,
    /// The time of the request.
    pub now_ms: u64,
    /// `None`: do not queue (a held lock answers [`Acquire::Busy`]). `Some(ms)`: queue for at most
    /// `ms` (in `[min_ttl_ms, max_ttl_ms]`) from this request; a waiter still queued at its
    /// deadline is dropped, never granted. Asking again refreshes the deadline (a keep-alive).
    pub wait: Option<u64>,
    /// Makes retries idempotent: a request with the same `(owner, request_id)` never creates a
    /// second queue entry or a second grant; it gets the current outcome of the first.
    pub request_id: Option<String>,
}

impl AcquireOptions {
    /// A non-waiting request without a request id.
    pub fn new(ttl_ms: u64, now_ms: u64) -> Self {
        AcquireOptions {
            ttl_ms,
            now_ms,
            wait: None,
            request_id: None,
        }
    }

    /// The same request, willing to wait `wait_ms` in the queue.
    pub fn wait(mut self, wait_ms: u64) -> Self {
        self.wait = Some(wait_ms);
        self
    }

    /// The same request, with a request id.
    pub fn request_id(mut self, id: &str) -> Self {
        self.request_id = Some(id.to_owned());
        self
    }
}

/// A lease: who holds a resource (or leads an election), with which token, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The holder.
    pub owner: String,
    /// Its fencing token.
    pub token: u64,
    /// When it was granted (or last renewed).
    pub granted_at_ms: u64,
    /// The first instant at which it is no longer live.
    pub expires_at_ms: u64,
    /// The request id of the acquire that was granted, if it had one.
    pub request_id: Option<String>,
}

/// The outcome of [`LeaseTable::acquire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquire {
    /// The caller holds the lease (now, or already: a retry of a granted request gets the same
    /// token and expiry, not an extension).
    Granted {
        /// The fencing token.
        token: u64,
        /// When the lease expires.
        expires_at_ms: u64,
    },
    /// The caller waits in the queue; position 1 is next in line.
    Queued {
        /// 1-based place in the queue.
        position: usize,
    },
    /// Someone holds the lease and the request did not ask to wait. `holder` may be the caller
    /// itself (acquire is not re-entrant; use a request id to retry).
    Busy {
        /// The current holder.
        holder: String,
        /// When its lease expires unless renewed.
        expires_at_ms: u64,
    },
    /// Nobody holds the lease, but a lock-delay after an expiry blocks grants until `until_ms`,
    /// and the request did not ask to wait.
    Delayed {
        /// When the lock-delay ends.
        until_ms: u64,
    },
    /// A retry of a request that already ran its course (its lease ended, or its queue entry was
    /// cancelled or dropped) within the last `max_ttl_ms`: nothing is granted again.
    Finished {
        /// The token it had been granted, if it was granted.
        token: Option<u64>,
    },
}

/// Why a renew or release was refused. [`Rejection::as_str`] gives the stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Someone else holds the lease, or nobody does.
    NotHolder,
    /// The caller holds the lease, under another token.
    WrongToken,
    /// The caller's lease with this token has expired.
    Expired,
    /// The caller's lease with this token was already released.
    Released,
    /// The table knows nothing about this resource (nothing held, queued or recently ended).
    UnknownResource,
}

impl Rejection {
    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::NotHolder => "notHolder",
            Rejection::WrongToken => "wrongToken",
            Rejection::Expired => "expired",
            Rejection::Released => "released",
            Rejection::UnknownResource => "unknownResource",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of [`LeaseTable::renew`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renew {
    /// The lease now expires at `now_ms + ttl_ms`.
    Renewed {
        /// The new expiry.
        expires_at_ms: u64,
    },
    /// Refused; nothing changed.
    Rejected {
        /// Why.
        reason: Rejection,
    },
}

/// The outcome of [`LeaseTable::release`] and [`LeaseTable::resign`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Released; the next live waiter (if any) was granted at the same instant.
    Released {
        /// The lease granted to the next waiter.
        next: Option<Lease>,
    },
    /// Refused; nothing changed.
    Rejected {
        /// Why.
        reason: Rejection,
    },
}

/// The outcome of [`LeaseTable::cancel`] and [`LeaseTable::withdraw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The caller left the queue from this 1-based position.
    Left {
        /// Where it was.
        position: usize,
    },
    /// The caller was not queued (a holder must release instead).
    NotQueued,
}

/// The outcome of [`LeaseTable::campaign`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Campaign {
    /// The candidate leads (elected now, or already leading: its lease was extended to
    /// `now_ms + ttl_ms`).
    Leader {
        /// The leadership's fencing token.
        token: u64,
        /// When leadership lapses unless the leader campaigns again.
        expires_at_ms: u64,
    },
    /// The candidate waits; its candidacy lapses at `now_ms + ttl_ms` unless it campaigns again.
    Candidate {
        /// 1-based place in line.
        position: usize,
        /// The current leader, if any.
        leader: Option<String>,
    },
}

/// Why a waiter left a queue without being granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DequeueReason {
    /// Its wait deadline passed.
    WaitExpired,
    /// It cancelled (or withdrew).
    Cancelled,
}

/// Why a leader stopped leading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossCause {
    /// Its lease expired.
    Expired,
    /// It resigned.
    Resigned,
}

/// Something that happened in a [`LeaseTable`], in the order it happened. `at_ms` is the event
/// instant (an expiry is reported at the lease's `expires_at_ms`, whenever it was processed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseEvent {
    /// A lock lease was granted (directly or to a waiter).
    Granted {
        /// The resource.
        resource: String,
        /// The new lease.
        lease: Lease,
    },
    /// A lock lease was released by its holder.
    Released {
        /// The resource.
        resource: String,
        /// The holder.
        owner: String,
        /// Its token.
        token: u64,
        /// When.
        at_ms: u64,
    },
    /// A lock lease expired.
    Expired {
        /// The resource.
        resource: String,
        /// The holder.
        owner: String,
        /// Its token.
        token: u64,
        /// Its `expires_at_ms`.
        at_ms: u64,
    },
    /// The lock-delay after an expiry ended.
    LockDelayEnded {
        /// The resource.
        resource: String,
        /// When.
        at_ms: u64,
    },
    /// A waiter left a lock's queue without a grant.
    Dequeued {
        /// The resource.
        resource: String,
        /// The waiter.
        owner: String,
        /// Why.
        reason: DequeueReason,
        /// When.
        at_ms: u64,
    },
    /// An election got a leader.
    LeaderElected {
        /// The election.
        election: String,
        /// The leadership lease (its owner is the leader).
        lease: Lease,
    },
    /// An election's leader stopped leading.
    LeaderLost {
        /// The election.
        election: String,
        /// The former leader.
        leader: String,
        /// Its token.
        token: u64,
        /// Why.
        cause: LossCause,
        /// When.
        at_ms: u64,
    },
    /// A candidate left an election's line without being elected.
    CandidateDropped {
        /// The election.
        election: String,
        /// The candidate.
        candidate: String,
        /// Why.
        reason: DequeueReason,
        /// When.
        at_ms: u64,
    },
}

/// Locks and elections live in separate namespaces of one table (and share its token counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Lock,
    Election,
}

impl Kind {
    /// The parameter name of whoever holds or waits: `owner` for a lock, `candidate` for an
    /// election (as errors name it).
    fn member_param(self) -> &'static str {
        match self {
            Kind::Lock => "owner",
            Kind::Election => "candidate",
        }
    }
}

#[derive(Debug, Clone)]
struct Ended {
    owner: String,
    token: u64,
    expired: bool,
    at_ms: u64,
}

#[derive(Debug, Clone, Default)]
struct Slot {
    holder: Option<Lease>,
    /// Other request ids of the holder's request: retries merged into it while it waited.
    holder_retry_ids: Vec<String>,
    /// In grant order (arrival order, or owner order when not FIFO).
    queue: Queue,
    blocked_until: Option<u64>,
    last_ended: Option<Ended>,
    /// Finished requests, by (owner, request id): the token they got (if granted), when they
    /// finished, and their number in the table's log of finished requests.
    done: BTreeMap<(String, String), Done>,
    /// The instant under which this slot is filed in the table's timer index, if any.
    scheduled: Option<u64>,
}

/// A finished request: the token it got (if granted), when it finished, its log number.
#[derive(Debug, Clone, Copy)]
struct Done {
    token: Option<u64>,
    at_ms: u64,
    seq: u64,
}

/// One entry of the table's log of finished requests, oldest first.
#[derive(Debug, Clone)]
struct DoneLog {
    kind: Kind,
    name: String,
    owner: String,
    request_id: String,
    at_ms: u64,
    seq: u64,
}

impl Slot {
    /// The next instant at which something is due: an expiry, a lock-delay end, a wait deadline.
    fn next_due(&self) -> Option<u64> {
        let holder = self.holder.as_ref().map(|h| h.expires_at_ms);
        let waiter = self.queue.first_deadline();
        [holder, self.blocked_until, waiter]
            .into_iter()
            .flatten()
            .min()
    }

    fn position(&self, owner: &str) -> Option<usize> {
        self.queue.position(owner)
    }

    fn is_idle(&self) -> bool {
        self.holder.is_none() && self.queue.is_empty() && self.blocked_until.is_none()
    }
}

/// The table state other than the slots (split so a slot and it can be borrowed together).
#[derive(Debug, Clone)]
struct Engine {
    options: LeaseOptions,
    limits: LeaseLimits,
    last_token: u64,
    /// The next waiter's sequence number (arrival order of a FIFO line).
    next_seq: u64,
    events: VecDeque<LeaseEvent>,
    /// Events dropped since the last tick (the buffer was full), and the last one's instant.
    dropped: Option<(u64, u64)>,
    /// Finished requests with a request id, oldest first (aging and the count cap).
    done_log: VecDeque<DoneLog>,
    done_seq: u64,
}

/// The instant of an event.
fn event_at(event: &LeaseEvent) -> u64 {
    match event {
        LeaseEvent::Granted { lease, .. } | LeaseEvent::LeaderElected { lease, .. } => {
            lease.granted_at_ms
        }
        LeaseEvent::Released { at_ms, .. }
        | LeaseEvent::Expired { at_ms, .. }
        | LeaseEvent::LockDelayEnded { at_ms, .. }
        | LeaseEvent::Dequeued { at_ms, .. }
        | LeaseEvent::LeaderLost { at_ms, .. }
        | LeaseEvent::CandidateDropped { at_ms, .. } => *at_ms,
    }
}

impl Engine {
    fn new(options: LeaseOptions, limits: LeaseLimits) -> Self {
        Engine {
            options,
            limits,
            last_token: limits.token_floor,
            next_seq: 0,
            events: VecDeque::new(),
            dropped: None,
            done_log: VecDeque::new(),
            done_seq: 0,
        }
    }

    /// A throw-away copy to settle a few slots on (collects nothing).
    fn scratch(&self) -> Self {
        let limits = LeaseLimits {
            max_events: 0,
            ..self.limits
        };
        Engine {
            last_token: self.last_token,
            next_seq: self.next_seq,
            done_seq: self.done_seq,
            ..Engine::new(self.options, limits)
        }
    }

    fn retained(&self, at_ms: u64, now_ms: u64) -> bool {
        now_ms < at_ms.saturating_add(self.options.max_ttl_ms)
    }

    /// Records an event; drops the oldest when `max_events` are already kept.
    fn emit(&mut self, event: LeaseEvent) {
        let cap = self.limits.max_events;
        if self.events.len() >= cap {
            let oldest = if cap == 0 {
                Some(event)
            } else {
                let oldest = self.events.pop_front();
                self.events.push_back(event);
                oldest
            };
            if let Some(e) = oldest {
                let (count, _) = self.dropped.unwrap_or((0, 0));
                self.dropped = Some((count + 1, event_at(&e)));
            }
            return;
        }
        self.events.push_back(event);
    }

    /// The kept events (and forgets how many were dropped).
    fn take_events(&mut self) -> Vec<LeaseEvent> {
        self.dropped = None;
        self.events.drain(..).collect()
    }

    /// Remembers that `owner`'s request `id` finished at `t` (with `token` if it was granted).
    fn remember(
        &mut self,
        (kind, name): (Kind, &str),
        slot: &mut Slot,
        owner: &str,
        id: String,
        token: Option<u64>,
        t: u64,
    ) {
        self.done_seq += 1;
        let seq = self.done_seq;
        slot.done.insert(
            (owner.to_owned(), id.clone()),
            Done {
                token,
                at_ms: t,
                seq,
            },
        );
        self.done_log.push_back(DoneLog {
            kind,
            name: name.to_owned(),
            owner: owner.to_owned(),
            request_id: id,
            at_ms: t,
            seq,
        });
    }

    /// Grants the first waiter at `t` if the slot is free and not blocked.
    fn grant_next(&mut self, kind: Kind, name: &str, slot: &mut Slot, t: u64) -> Option<Lease> {
        if slot.holder.is_some() || slot.blocked_until.is_some() || slot.queue.is_empty() {
            return None;
        }
        let waiter = slot.queue.pop_front()?;
        let lease = self.grant(
            kind,
            name,
            slot,
            &waiter.owner,
            waiter.ttl_ms,
            waiter.request_id,
            t,
        );
        slot.holder_retry_ids = waiter.retry_ids;
        Some(lease)
    }

    #[allow(clippy::too_many_arguments)]
    fn grant(
        &mut self,
        kind: Kind,
        name: &str,
        slot: &mut Slot,
        owner: &str,
        ttl_ms: u64,
        request_id: Option<String>,
        t: u64,
    ) -> Lease {
        self.last_token += 1;
        let lease = Lease {
            owner: owner.to_owned(),
            token: self.last_token,
            granted_at_ms: t,
            expires_at_ms: t + ttl_ms,
            request_id,
        };
        self.emit(match kind {
            Kind::Lock => LeaseEvent::Granted {
                resource: name.to_owned(),
                lease: lease.clone(),
            },
            Kind::Election => LeaseEvent::LeaderElected {
                election: name.to_owned(),
                lease: lease.clone(),
            },
        });
        slot.holder = Some(lease.clone());
        slot.holder_retry_ids = Vec::new();
        lease
    }

    /// Ends the holder's lease at `t` (expired or released), remembering it.
    fn end(&mut self, kind: Kind, name: &str, slot: &mut Slot, expired: bool, t: u64) {
        let Some(lease) = slot.holder.take() else {
            return;
        };
        self.emit(match (kind, expired) {
            (Kind::Lock, true) => LeaseEvent::Expired {
                resource: name.to_owned(),
                owner: lease.owner.clone(),
                token: lease.token,
                at_ms: t,
            },
            (Kind::Lock, false) => LeaseEvent::Released {
                resource: name.to_owned(),
                owner: lease.owner.clone(),
                token: lease.token,
                at_ms: t,
            },
            (Kind::Election, _) => LeaseEvent::LeaderLost {
                election: name.to_owned(),
                leader: lease.owner.clone(),
                token: lease.token,
                cause: if expired {
                    LossCause::Expired
                } else {
                    LossCause::Resigned
                },
                at_ms: t,
            },
        });
        let retry_ids = std::mem::take(&mut slot.holder_retry_ids);
        for id in lease.request_id.into_iter().chain(retry_ids) {
            self.remember((kind, name), slot, &lease.owner, id, Some(lease.token), t);
        }
        slot.last_ended = Some(Ended {
            owner: lease.owner,
            token: lease.token,
            expired,
            at_ms: t,
        });
        if expired && self.options.lock_delay_ms > 0 {
            slot.blocked_until = Some(t + self.options.lock_delay_ms);
        }
    }

    /// Removes `owner`'s wait without a grant.
    fn dequeue(
        &mut self,
        kind: Kind,
        name: &str,
        slot: &mut Slot,
        owner: &str,
        reason: DequeueReason,
        t: u64,
    ) {
        let Some(waiter) = slot.queue.remove(owner) else {
            return;
        };
        self.emit(match kind {
            Kind::Lock => LeaseEvent::Dequeued {
                resource: name.to_owned(),
                owner: waiter.owner.clone(),
                reason,
                at_ms: t,
            },
            Kind::Election => LeaseEvent::CandidateDropped {
                election: name.to_owned(),
                candidate: waiter.owner.clone(),
                reason,
                at_ms: t,
            },
        });
        for id in waiter.request_id.into_iter().chain(waiter.retry_ids) {
            self.remember((kind, name), slot, &waiter.owner, id, None, t);
        }
    }

    /// Processes everything due in `slot` at or before `until`, in time order.
    fn settle(&mut self, kind: Kind, name: &str, slot: &mut Slot, until: u64) {
        while let Some(t) = slot.next_due().filter(|&t| t <= until) {
            // Waiters whose deadline is t are no longer live at t: drop them (queue order).
            for owner in slot.queue.due(t) {
                self.dequeue(kind, name, slot, &owner, DequeueReason::WaitExpired, t);
            }
            if slot.holder.as_ref().is_some_and(|h| h.expires_at_ms <= t) {
                self.end(kind, name, slot, true, t);
            }
            if slot.blocked_until.is_some_and(|b| b <= t) {
                slot.blocked_until = None;
                if kind == Kind::Lock {
                    self.emit(LeaseEvent::LockDelayEnded {
                        resource: name.to_owned(),
                        at_ms: t,
                    });
                }
            }
            self.grant_next(kind, name, slot, t);
        }
    }

    /// Why `owner` with `token` may not renew or release (after settling).
    fn check_holder(
        &self,
        slot: Option<&Slot>,
        owner: &str,
        token: u64,
        now: u64,
    ) -> Result<(), Rejection> {
        let Some(slot) = slot else {
            return Err(Rejection::UnknownResource);
        };
        if let Some(h) = &slot.holder {
            if h.owner == owner && h.token == token {
                return Ok(());
            }
        }
        let ended = slot
            .last_ended
            .as_ref()
            .filter(|e| self.retained(e.at_ms, now));
        if let Some(e) = ended.filter(|e| e.owner == owner && e.token == token) {
            return Err(if e.expired {
                Rejection::Expired
            } else {
                Rejection::Released
            });
        }
        match &slot.holder {
            Some(h) if h.owner == owner => Err(Rejection::WrongToken),
            _ if !slot.is_idle() || ended.is_some() => Err(Rejection::NotHolder),
            _ => Err(Rejection::UnknownResource),
        }
    }
}

/// TTL leases with a waiting queue and fencing tokens, plus leader elections. See the module
/// docs for the contract.
#[derive(Debug, Clone)]
pub struct LeaseTable {
    engine: Engine,
    now_ms: u64,
    slots: BTreeMap<(Kind, String), Slot>,
    /// `(due, kind, name)`: exactly one entry per slot with something due (its
    /// [`Slot::scheduled`]), moved in place when the slot's next due instant changes, so a
    /// lease renewed any number of times costs one entry.
    timers: BTreeSet<(u64, Kind, String)>,
}

impl LeaseTable {
    /// An empty table; fails if an option is out of range (see [`LeaseOptions`]).
    pub fn new(options: LeaseOptions) -> Result<Self, LeaseError> {
        LeaseTable::with_limits(options, LeaseLimits::default())
    }

    /// An empty table with explicit [`LeaseLimits`] (event buffer, remembered request ids,
    /// token floor); fails if an option or limit is out of range.
    pub fn with_limits(options: LeaseOptions, limits: LeaseLimits) -> Result<Self, LeaseError> {
        options.validate()?;
        limits.validate()?;
        Ok(LeaseTable {
            engine: Engine::new(options, limits),
            now_ms: 0,
            slots: BTreeMap::new(),
            timers: BTreeSet::new(),
        })
    }

    /// The options the table was built with.
    pub fn options(&self) -> LeaseOptions {
        self.engine.options
    }

    /// The limits the table was built with.
    pub fn limits(&self) -> LeaseLimits {
        self.engine.limits
    }

    /// How many events were dropped since the last [`LeaseTable::tick`] because more than
    /// [`LeaseLimits::max_events`] piled up (the oldest go first), and the instant of the last
    /// one dropped; `None` if none were (or events are not collected: `max_events` 0).
    pub fn dropped_events(&self) -> Option<(u64, u64)> {
        self.engine
            .dropped
            .filter(|_| self.engine.limits.max_events > 0)
    }

    /// How many finished request ids the table remembers now (at most
    /// [`LeaseLimits::max_request_ids`]).
    pub fn remembered_request_ids(&self) -> usize {
        self.engine.done_log.len()
    }

    /// How many entries the timer index holds: at most one per resource or election with
    /// something due.
    pub fn timer_entries(&self) -> usize {
        self.timers.len()
    }

    /// The latest time the table has seen (0 before the first call).
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// The largest token granted so far (0 before the first grant).
    pub fn last_token(&self) -> u64 {
        self.engine.last_token
    }

    /// Requests a lease on `resource` for `owner`. See [`AcquireOptions`] and [`Acquire`].
    pub fn acquire(
        &mut self,
        resource: &str,
        owner: &str,
        options: AcquireOptions,
    ) -> Result<Acquire, LeaseError> {
        check_id("resource", resource)?;
        check_id("owner", owner)?;
        if let Some(id) = &options.request_id {
            check_id("requestId", id)?;
        }
        self.check_ttl("ttlMs", options.ttl_ms)?;
        if let Some(wait) = options.wait {
            self.check_ttl("wait", wait)?;
        }
        let now = options.now_ms;
        self.advance(now)?;
        let key = (Kind::Lock, resource.to_owned());
        let engine = &mut self.engine;
        let slot = self.slots.entry(key.clone()).or_default();
        let deadline = options.wait.map(|w| now + w);

        if let Some(id) = &options.request_id {
            if let Some(h) = &slot.holder {
                let same = h.request_id.as_ref() == Some(id) || slot.holder_retry_ids.contains(id);
                if h.owner == owner && same {
                    return Ok(Acquire::Granted {
                        token: h.token,
                        expires_at_ms: h.expires_at_ms,
                    });
                }
            }
            let done = slot
                .done
                .get(&(owner.to_owned(), id.clone()))
                .filter(|d| engine.retained(d.at_ms, now));
            let queued = slot.queue.get(owner).filter(|w| {
                w.request_id.as_ref() == Some(id) || w.retry_ids.iter().any(|r| r == id)
            });
            if let (Some(done), None) = (done, queued) {
                return Ok(Acquire::Finished { token: done.token });
            }
        }
        let outcome = if let Some(h) = slot.holder.as_ref().filter(|h| h.owner == owner) {
            Acquire::Busy {
                holder: h.owner.clone(),
                expires_at_ms: h.expires_at_ms,
            }
        } else if let Some(i) = slot.position(owner) {
            // A retry (or keep-alive) merges into the waiting request; a new request id is
            // remembered as another name of it, so a retry under it gets the same outcome.
            slot.queue.update(owner, |w| {
                if let Some(d) = deadline {
                    w.deadline_ms = d;
                }
                if let Some(id) = &options.request_id {
                    w.add_retry_id(id);
                }
            });
            Acquire::Queued { position: i + 1 }
        } else if let Some(d) = deadline.filter(|_| !slot.is_idle()) {
            let waiter = Waiter {
                owner: owner.to_owned(),
                request_id: options.request_id,
                retry_ids: Vec::new(),
                ttl_ms: options.ttl_ms,
                deadline_ms: d,
            };
            let seq = if engine.options.fifo {
                engine.next_seq += 1;
                engine.next_seq
            } else {
                0
            };
            let i = slot.queue.push(seq, waiter);
            Acquire::Queued { position: i + 1 }
        } else if let Some(h) = &slot.holder {
            Acquire::Busy {
                holder: h.owner.clone(),
                expires_at_ms: h.expires_at_ms,
            }
        } else if let Some(until_ms) = slot.blocked_until {
            Acquire::Delayed { until_ms }
        } else {
            // Settled, free and unblocked: the queue is empty.
            let lease = engine.grant(
                Kind::Lock,
                resource,
                slot,
                owner,
                options.ttl_ms,
                options.request_id,
                now,
            );
            Acquire::Granted {
                token: lease.token,
                expires_at_ms: lease.expires_at_ms,
            }
        };
        self.touch(key);
        Ok(outcome)
    }

    /// Extends the caller's live lease to `now_ms + ttl_ms`. Refused (a value, nothing changes)
    /// unless `owner` holds `resource` with `token` and the lease has not expired.
    pub fn renew(
        &mut self,
        resource: &str,
        owner: &str,
        token: u64,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Renew, LeaseError> {
        self.renew_in(Kind::Lock, resource, owner, token, ttl_ms, now_ms)
    }

    /// Ends the caller's live lease; the next live waiter is granted at the same instant (no
    /// lock-delay after a release). Refused like [`LeaseTable::renew`].
    pub fn release(
        &mut self,
        resource: &str,
        owner: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        self.release_in(Kind::Lock, ("resource", resource), owner, token, now_ms)
    }

    /// Takes `owner` out of `resource`'s queue.
    pub fn cancel(
        &mut self,
        resource: &str,
        owner: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        self.cancel_in(Kind::Lock, ("resource", resource), owner, now_ms)
    }

    /// Advances the table to `now_ms` and returns every event since the previous `tick`, in
    /// order (the newest [`LeaseLimits::max_events`] of them: ask
    /// [`LeaseTable::dropped_events`] first to learn about older ones that were dropped). Also
    /// forgets request ids and ended leases older than `max_ttl_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Result<Vec<LeaseEvent>, LeaseError> {
        self.advance(now_ms)?;
        // (Finished request ids are forgotten oldest first by every call: see `forget_done`.)
        let engine = &self.engine;
        self.slots.retain(|_, slot| {
            if slot
                .last_ended
                .as_ref()
                .is_some_and(|e| !engine.retained(e.at_ms, now_ms))
            {
                slot.last_ended = None;
            }
            !(slot.is_idle() && slot.done.is_empty() && slot.last_ended.is_none())
        });
        self.forget_done();
        Ok(self.engine.take_events())
    }

    /// The live lease on `resource` at `now_ms` (advancing the table to `now_ms`).
    pub fn holder(&mut self, resource: &str, now_ms: u64) -> Result<Option<Lease>, LeaseError> {
        check_id("resource", resource)?;
        self.advance(now_ms)?;
        Ok(self
            .slot(Kind::Lock, resource)
            .and_then(|s| s.holder.clone()))
    }

    /// The owners waiting for `resource`, next in line first, as of the latest call.
    pub fn waiters(&self, resource: &str) -> Vec<String> {
        self.line(Kind::Lock, resource)
    }

    /// Whether `token` is a live lease (a lock or a leadership) at `now_ms` (≥ the table's
    /// latest time). Tokens come from one counter per table, so a token names exactly one
    /// grant: this is Chubby's sequencer check, asked by a strict store where the write lands.
    /// Does not change the table, so a store can hold a shared reference.
    pub fn is_live_token(&self, token: u64, now_ms: u64) -> Result<bool, LeaseError> {
        let overlay = self.settled(now_ms)?;
        let live = |s: &Slot| {
            s.holder
                .as_ref()
                .is_some_and(|h| h.token == token && now_ms < h.expires_at_ms)
        };
        Ok(overlay.values().any(live)
            || self
                .slots
                .iter()
                .any(|(key, s)| !overlay.contains_key(key) && live(s)))
    }

    /// Whether `token` is the live lock lease on `resource` at `now_ms` (≥ the table's latest
    /// time): the check a strict store makes for the resource that guards a key. Costs
    /// O(log n), plus the size of the slots with something due by `now_ms` (none are copied
    /// otherwise). Does not change the table.
    pub fn is_live(&self, resource: &str, token: u64, now_ms: u64) -> Result<bool, LeaseError> {
        self.is_live_in(Kind::Lock, resource, token, now_ms)
    }

    /// Whether `token` is the live leadership of `election` at `now_ms`, like
    /// [`LeaseTable::is_live`].
    pub fn is_live_leader(
        &self,
        election: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<bool, LeaseError> {
        self.is_live_in(Kind::Election, election, token, now_ms)
    }

    fn is_live_in(
        &self,
        kind: Kind,
        name: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<bool, LeaseError> {
        let overlay = self.settled(now_ms)?;
        let key = (kind, name.to_owned());
        Ok(overlay
            .get(&key)
            .or_else(|| self.slots.get(&key))
            .and_then(|s| s.holder.as_ref())
            .is_some_and(|h| h.token == token && now_ms < h.expires_at_ms))
    }

    /// The slots with something due by `now_ms`, settled to `now_ms` on copies, without
    /// changing the table: expiries and hand-overs due by `now_ms` have not been processed yet
    /// (no call since), so a lease a waiter took over in between counts (and its token,
    /// numbered in global time order, is the right one). Only the due slots are copied.
    fn settled(&self, now_ms: u64) -> Result<BTreeMap<(Kind, String), Slot>, LeaseError> {
        self.check_time(now_ms)?;
        let mut overlay: BTreeMap<(Kind, String), Slot> = BTreeMap::new();
        let mut pending: BTreeSet<(u64, Kind, String)> = self
            .timers
            .iter()
            .take_while(|(t, _, _)| *t <= now_ms)
            .cloned()
            .collect();
        if pending.is_empty() {
            return Ok(overlay);
        }
        let mut engine = self.engine.scratch();
        while let Some((t, kind, name)) = pending.pop_first() {
            let key = (kind, name);
            if !overlay.contains_key(&key) {
                let Some(slot) = self.slots.get(&key) else {
                    continue;
                };
                overlay.insert(key.clone(), slot.clone());
            }
            let Some(slot) = overlay.get_mut(&key) else {
                continue;
            };
            engine.settle(kind, &key.1, slot, t);
            if let Some(due) = slot.next_due().filter(|&d| d <= now_ms) {
                pending.insert((due, kind, key.1));
            }
        }
        Ok(overlay)
    }

    /// Makes every later token larger than `floor`, as a lease server that lost its state
    /// restarts from a persisted high-water mark (etcd keeps its revision). Never lowers the
    /// counter. `floor` is capped at 2^52, so tokens stay below 2^53.
    pub fn raise_token_floor(&mut self, floor: u64) {
        let floor = floor.min(MAX_NOW_MS);
        self.engine.last_token = self.engine.last_token.max(floor);
    }

    /// Runs for leader of `election`. Elected if nobody leads (and no lock-delay blocks);
    /// otherwise waits in line until `now_ms + ttl_ms`. Campaigning again is the keep-alive: it
    /// extends a leader's lease, or a candidate's place in line, to `now_ms + ttl_ms`.
    pub fn campaign(
        &mut self,
        election: &str,
        candidate: &str,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Campaign, LeaseError> {
        check_id("election", election)?;
        check_id("candidate", candidate)?;
        self.check_ttl("ttlMs", ttl_ms)?;
        self.advance(now_ms)?;
        let key = (Kind::Election, election.to_owned());
        let engine = &mut self.engine;
        let slot = self.slots.entry(key.clone()).or_default();
        let leader = slot.holder.as_ref().map(|h| h.owner.clone());
        let deadline = now_ms + ttl_ms;
        let outcome = if let Some(h) = slot.holder.as_mut().filter(|h| h.owner == candidate) {
            h.granted_at_ms = now_ms;
            h.expires_at_ms = deadline;
            Campaign::Leader {
                token: h.token,
                expires_at_ms: deadline,
            }
        } else if let Some(i) = slot.position(candidate) {
            slot.queue.update(candidate, |w| {
                w.deadline_ms = deadline;
                w.ttl_ms = ttl_ms;
            });
            Campaign::Candidate {
                position: i + 1,
                leader,
            }
        } else if slot.is_idle() {
            let lease = engine.grant(
                Kind::Election,
                election,
                slot,
                candidate,
                ttl_ms,
                None,
                now_ms,
            );
            Campaign::Leader {
                token: lease.token,
                expires_at_ms: lease.expires_at_ms,
            }
        } else {
            let seq = if engine.options.fifo {
                engine.next_seq += 1;
                engine.next_seq
            } else {
                0
            };
            let i = slot.queue.push(
                seq,
                Waiter {
                    owner: candidate.to_owned(),
                    request_id: None,
                    retry_ids: Vec::new(),
                    ttl_ms,
                    deadline_ms: deadline,
                },
            );
            Campaign::Candidate {
                position: i + 1,
                leader,
            }
        };
        self.touch(key);
        Ok(outcome)
    }

    /// The leader steps down; the next live candidate is elected at the same instant. Refused
    /// (a value) unless `candidate` leads with `token`.
    pub fn resign(
        &mut self,
        election: &str,
        candidate: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        self.release_in(
            Kind::Election,
            ("election", election),
            candidate,
            token,
            now_ms,
        )
    }

    /// A candidate that is not leading leaves the line.
    pub fn withdraw(
        &mut self,
        election: &str,
        candidate: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        self.cancel_in(Kind::Election, ("election", election), candidate, now_ms)
    }

    /// The leadership lease of `election` at `now_ms` (advancing the table to `now_ms`).
    pub fn leader(&mut self, election: &str, now_ms: u64) -> Result<Option<Lease>, LeaseError> {
        check_id("election", election)?;
        self.advance(now_ms)?;
        Ok(self
            .slot(Kind::Election, election)
            .and_then(|s| s.holder.clone()))
    }

    /// The candidates waiting in `election`, next in line first, as of the latest call.
    pub fn candidates(&self, election: &str) -> Vec<String> {
        self.line(Kind::Election, election)
    }

    fn renew_in(
        &mut self,
        kind: Kind,
        name: &str,
        owner: &str,
        token: u64,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Renew, LeaseError> {
        check_id("resource", name)?;
        check_id("owner", owner)?;
        self.check_ttl("ttlMs", ttl_ms)?;
        self.advance(now_ms)?;
        let key = (kind, name.to_owned());
        let slot = self.slots.get_mut(&key);
        if let Err(reason) = self
            .engine
            .check_holder(slot.as_deref(), owner, token, now_ms)
        {
            return Ok(Renew::Rejected { reason });
        }
        let Some(h) = slot.and_then(|s| s.holder.as_mut()) else {
            return Ok(Renew::Rejected {
                reason: Rejection::UnknownResource,
            });
        };
        h.granted_at_ms = now_ms;
        h.expires_at_ms = now_ms + ttl_ms;
        let expires_at_ms = h.expires_at_ms;
        self.touch(key);
        Ok(Renew::Renewed { expires_at_ms })
    }

    fn release_in(
        &mut self,
        kind: Kind,
        (param, name): (&'static str, &str),
        owner: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        check_id(param, name)?;
        check_id(kind.member_param(), owner)?;
        self.advance(now_ms)?;
        let key = (kind, name.to_owned());
        let slot = self.slots.get_mut(&key);
        if let Err(reason) = self
            .engine
            .check_holder(slot.as_deref(), owner, token, now_ms)
        {
            return Ok(Release::Rejected { reason });
        }
        let Some(slot) = slot else {
            return Ok(Release::Rejected {
                reason: Rejection::UnknownResource,
            });
        };
        self.engine.end(kind, name, slot, false, now_ms);
        let next = self.engine.grant_next(kind, name, slot, now_ms);
        self.touch(key);
        Ok(Release::Released { next })
    }

    fn cancel_in(
        &mut self,
        kind: Kind,
        (param, name): (&'static str, &str),
        owner: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        check_id(param, name)?;
        check_id(kind.member_param(), owner)?;
        self.advance(now_ms)?;
        let key = (kind, name.to_owned());
        let Some(slot) = self.slots.get_mut(&key) else {
            return Ok(Cancel::NotQueued);
        };
        let Some(i) = slot.position(owner) else {
            return Ok(Cancel::NotQueued);
        };
        self.engine
            .dequeue(kind, name, slot, owner, DequeueReason::Cancelled, now_ms);
        self.touch(key);
        Ok(Cancel::Left { position: i + 1 })
    }

    fn slot(&self, kind: Kind, name: &str) -> Option<&Slot> {
        self.slots.get(&(kind, name.to_owned()))
    }

    fn line(&self, kind: Kind, name: &str) -> Vec<String> {
        self.slot(kind, name)
            .map(|s| s.queue.iter().map(|w| w.owner.clone()).collect())
            .unwrap_or_default()
    }

    fn check_ttl(&self, param: &'static str, value: u64) -> Result<(), LeaseError> {
        let o = &self.engine.options;
        range(param, value, o.min_ttl_ms, o.max_ttl_ms)
    }

    fn check_time(&self, now_ms: u64) -> Result<(), LeaseError> {
        range("nowMs", now_ms, 0, MAX_NOW_MS)?;
        if now_ms < self.now_ms {
            return Err(LeaseError::TimeWentBackwards {
                last: self.now_ms,
                now: now_ms,
            });
        }
        Ok(())
    }

    /// Processes everything due at or before `now_ms`, in time order across all slots.
    fn advance(&mut self, now_ms: u64) -> Result<(), LeaseError> {
        self.check_time(now_ms)?;
        while self.timers.first().is_some_and(|(t, _, _)| *t <= now_ms) {
            let Some((t, kind, name)) = self.timers.pop_first() else {
                break;
            };
            let key = (kind, name);
            if let Some(slot) = self.slots.get_mut(&key) {
                slot.scheduled = None;
                self.engine.settle(kind, &key.1, slot, t);
            }
            self.touch(key);
        }
        self.now_ms = now_ms;
        self.forget_done();
        Ok(())
    }

    /// Files the slot under its next due instant in the timer index, moving its entry if it
    /// was filed under another instant (one entry per slot). Also forgets the request ids
    /// beyond the cap.
    fn touch(&mut self, (kind, name): (Kind, String)) {
        let key = (kind, name);
        if let Some(slot) = self.slots.get_mut(&key) {
            let due = slot.next_due();
            if slot.scheduled != due {
                if let Some(old) = slot.scheduled.take() {
                    self.timers.remove(&(old, kind, key.1.clone()));
                }
                if let Some(due) = due {
                    self.timers.insert((due, kind, key.1.clone()));
                }
                slot.scheduled = due;
            }
        }
        self.forget_done();
    }

    /// Forgets finished request ids, oldest first, while more than `max_request_ids` are
    /// remembered or the oldest is older than `max_ttl_ms`.
    fn forget_done(&mut self) {
        let now = self.now_ms;
        while let Some(first) = self.engine.done_log.front() {
            let over = self.engine.done_log.len() > self.engine.limits.max_request_ids;
            if !over && self.engine.retained(first.at_ms, now) {
                break;
            }
            let Some(entry) = self.engine.done_log.pop_front() else {
                break;
            };
            let key = (entry.kind, entry.name);
            if let Some(slot) = self.slots.get_mut(&key) {
                let id = (entry.owner, entry.request_id);
                if slot.done.get(&id).is_some_and(|d| d.seq == entry.seq) {
                    slot.done.remove(&id);
                }
            }
        }
    }
}

fn range(param: &'static str, value: u64, min: u64, max: u64) -> Result<(), LeaseError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(LeaseError::OutOfRange {
            param,
            value,
            min,
            max,
        })
    }
}

/// Like [`range`] for a count (not a duration: its message does not say "ms").
fn range_count(param: &'static str, value: u64, max: u64) -> Result<(), LeaseError> {
    if value <= max {
        Ok(())
    } else {
        Err(LeaseError::TooMany { param, value, max })
    }
}

fn check_id(param: &'static str, id: &str) -> Result<(), LeaseError> {
    if id.is_empty() {
        Err(LeaseError::EmptyId { param })
    } else if id.len() > MAX_ID_BYTES {
        Err(LeaseError::IdTooLong {
            param,
            bytes: id.len(),
        })
    } else {
        Ok(())
    }
}
