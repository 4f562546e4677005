//! What the lease table answers: leases, the outcome of each call, and the events it records.

use std::fmt;

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

/// The outcome of [`LeaseTable::acquire`](super::LeaseTable::acquire).
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

/// The outcome of [`LeaseTable::renew`](super::LeaseTable::renew).
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

/// The outcome of [`LeaseTable::release`](super::LeaseTable::release) and [`LeaseTable::resign`](super::LeaseTable::resign).
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

/// The outcome of [`LeaseTable::cancel`](super::LeaseTable::cancel) and [`LeaseTable::withdraw`](super::LeaseTable::withdraw).
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

/// The outcome of [`LeaseTable::campaign`](super::LeaseTable::campaign).
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

/// Something that happened in a [`LeaseTable`](super::LeaseTable), in the order it happened. `at_ms` is the event
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
