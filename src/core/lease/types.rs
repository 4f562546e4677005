//! The vocabulary of the lease table: id and time limits, options, limits, and the errors a
//! call returns when an argument is refused (nothing changes then).

use std::fmt;

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

/// Options of a [`LeaseTable`](super::LeaseTable). All durations in milliseconds.
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

/// Bounds on what a [`LeaseTable`](super::LeaseTable) remembers, and where its tokens start. Kept apart from
/// [`LeaseOptions`] (the protocol) because they never change an outcome within the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseLimits {
    /// The most events kept between two [`LeaseTable::tick`](super::LeaseTable::tick)s; when full, the oldest is
    /// dropped and counted ([`LeaseTable::dropped_events`](super::LeaseTable::dropped_events)). 0: no events are collected
    /// (`tick` returns nothing). In `[0, MAX_LIMIT]`; default 100,000 (about 16 MB in wasm at
    /// most).
    pub max_events: usize,
    /// The most finished request ids remembered (for [`Acquire::Finished`](super::Acquire::Finished)); beyond it the
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

/// The arguments of [`LeaseTable::acquire`](super::LeaseTable::acquire) besides the resource and owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireOptions {
    /// The lease TTL, in `[min_ttl_ms, max_ttl_ms]`. Validity counts from the grant instant: from
    /// this request's `now_ms` for an immediate grant.
    pub ttl_ms: u64,
    /// The time of the request.
    pub now_ms: u64,
    /// `None`: do not queue (a held lock answers [`Acquire::Busy`](super::Acquire::Busy)). `Some(ms)`: queue for at most
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

pub(super) fn range(param: &'static str, value: u64, min: u64, max: u64) -> Result<(), LeaseError> {
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
pub(super) fn range_count(param: &'static str, value: u64, max: u64) -> Result<(), LeaseError> {
    if value <= max {
        Ok(())
    } else {
        Err(LeaseError::TooMany { param, value, max })
    }
}

pub(super) fn check_id(param: &'static str, id: &str) -> Result<(), LeaseError> {
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
