//! How `LeaseTable`'s outcomes read in JavaScript: plain objects with a `status` (events: a
//! `type`), built once here with [`Obj`] for the checked methods and the fast path alike. Locks and
//! elections are the two [`Side`]s of one table: the mirrored methods (release/resign,
//! cancel/withdraw, holder/leader, waiters/candidates) differ only in their parameter names and
//! in how a lease reads (`owner` or `leader`).

use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::core::lease::{
    Acquire, Campaign, Cancel, DequeueReason, Lease, LeaseEvent, LossCause, Release, Renew,
};
use crate::wasm::encode::Obj;

/// Locks or elections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Lock,
    Election,
}

impl Side {
    /// The names of the two id parameters: what is held, and who holds or waits.
    pub(super) fn params(self) -> (&'static str, &'static str) {
        match self {
            Side::Lock => ("resource", "owner"),
            Side::Election => ("election", "candidate"),
        }
    }
}

/// Times and tokens cross as numbers: every value the core produces stays below 2^53.
pub(super) fn num(value: u64) -> f64 {
    value as f64
}

/// A lock's lease: `{ owner, token, grantedAtMs, expiresAtMs, requestId? }`.
fn lease_view(lease: &Lease) -> JsValue {
    Obj::new()
        .str("owner", &lease.owner)
        .num("token", num(lease.token))
        .num("grantedAtMs", num(lease.granted_at_ms))
        .num("expiresAtMs", num(lease.expires_at_ms))
        .maybe_str("requestId", lease.request_id.as_deref())
        .done()
}

/// An election's leadership: `{ leader, token, grantedAtMs, expiresAtMs }`.
fn leader_view(lease: &Lease) -> JsValue {
    Obj::new()
        .str("leader", &lease.owner)
        .num("token", num(lease.token))
        .num("grantedAtMs", num(lease.granted_at_ms))
        .num("expiresAtMs", num(lease.expires_at_ms))
        .done()
}

fn status(status: &'static str) -> Obj {
    Obj::new().str("status", status)
}

fn rejected(reason: &'static str) -> JsValue {
    status("rejected").str("reason", reason).done()
}

fn dequeue_reason(reason: DequeueReason) -> &'static str {
    match reason {
        DequeueReason::WaitExpired => "waitExpired",
        DequeueReason::Cancelled => "cancelled",
    }
}

fn loss_cause(cause: LossCause) -> &'static str {
    match cause {
        LossCause::Expired => "expired",
        LossCause::Resigned => "resigned",
    }
}

/// One event of `tick`'s list.
fn event_view(event: &LeaseEvent) -> JsValue {
    let kind = |kind: &'static str| Obj::new().str("type", kind);
    match event {
        LeaseEvent::Granted { resource, lease } => kind("granted")
            .str("resource", resource)
            .str("owner", &lease.owner)
            .num("token", num(lease.token))
            .num("grantedAtMs", num(lease.granted_at_ms))
            .num("expiresAtMs", num(lease.expires_at_ms))
            .maybe_str("requestId", lease.request_id.as_deref())
            .num("atMs", num(lease.granted_at_ms)),
        LeaseEvent::Released {
            resource,
            owner,
            token,
            at_ms,
        } => kind("released")
            .str("resource", resource)
            .str("owner", owner)
            .num("token", num(*token))
            .num("atMs", num(*at_ms)),
        LeaseEvent::Expired {
            resource,
            owner,
            token,
            at_ms,
        } => kind("expired")
            .str("resource", resource)
            .str("owner", owner)
            .num("token", num(*token))
            .num("atMs", num(*at_ms)),
        LeaseEvent::LockDelayEnded { resource, at_ms } => kind("lockDelayEnded")
            .str("resource", resource)
            .num("atMs", num(*at_ms)),
        LeaseEvent::Dequeued {
            resource,
            owner,
            reason,
            at_ms,
        } => kind("dequeued")
            .str("resource", resource)
            .str("owner", owner)
            .str("reason", dequeue_reason(*reason))
            .num("atMs", num(*at_ms)),
        LeaseEvent::LeaderElected { election, lease } => kind("leaderElected")
            .str("election", election)
            .str("leader", &lease.owner)
            .num("token", num(lease.token))
            .num("grantedAtMs", num(lease.granted_at_ms))
            .num("expiresAtMs", num(lease.expires_at_ms))
            .num("atMs", num(lease.granted_at_ms)),
        LeaseEvent::LeaderLost {
            election,
            leader,
            token,
            cause,
            at_ms,
        } => kind("leaderLost")
            .str("election", election)
            .str("leader", leader)
            .num("token", num(*token))
            .str("cause", loss_cause(*cause))
            .num("atMs", num(*at_ms)),
        LeaseEvent::CandidateDropped {
            election,
            candidate,
            reason,
            at_ms,
        } => kind("candidateDropped")
            .str("election", election)
            .str("candidate", candidate)
            .str("reason", dequeue_reason(*reason))
            .num("atMs", num(*at_ms)),
    }
    .done()
}

/// `acquire`'s outcome.
pub(super) fn acquire(outcome: &Acquire) -> JsValue {
    match outcome {
        Acquire::Granted {
            token,
            expires_at_ms,
        } => status("granted")
            .num("token", num(*token))
            .num("expiresAtMs", num(*expires_at_ms)),
        Acquire::Queued { position } => status("queued").num("position", *position as f64),
        Acquire::Busy {
            holder,
            expires_at_ms,
        } => status("busy")
            .str("holder", holder)
            .num("expiresAtMs", num(*expires_at_ms)),
        Acquire::Delayed { until_ms } => status("delayed").num("untilMs", num(*until_ms)),
        Acquire::Finished { token } => status("finished").maybe_num("token", token.map(num)),
    }
    .done()
}

/// `renew`'s outcome.
pub(super) fn renew(outcome: Renew) -> JsValue {
    match outcome {
        Renew::Renewed { expires_at_ms } => status("renewed")
            .num("expiresAtMs", num(expires_at_ms))
            .done(),
        Renew::Rejected { reason } => rejected(reason.as_str()),
    }
}

/// `release`'s or `resign`'s outcome.
pub(super) fn ended(side: Side, outcome: &Release) -> JsValue {
    match (side, outcome) {
        (Side::Lock, Release::Released { next }) => {
            let object = status("released");
            match next {
                Some(next) => object.set("next", &lease_view(next)),
                None => object,
            }
            .done()
        }
        (Side::Election, Release::Released { next }) => {
            let object = status("resigned");
            match next {
                Some(next) => object.set("next", &leader_view(next)),
                None => object,
            }
            .done()
        }
        (_, Release::Rejected { reason }) => rejected(reason.as_str()),
    }
}

/// `cancel`'s or `withdraw`'s outcome.
pub(super) fn left(outcome: Cancel) -> JsValue {
    match outcome {
        Cancel::Left { position } => status("left").num("position", position as f64).done(),
        Cancel::NotQueued => status("notQueued").done(),
    }
}

/// `holder`'s or `leader`'s answer: the lease, or `undefined`.
pub(super) fn lease(side: Side, lease: Option<&Lease>) -> JsValue {
    match (side, lease) {
        (_, None) => JsValue::UNDEFINED,
        (Side::Lock, Some(lease)) => lease_view(lease),
        (Side::Election, Some(lease)) => leader_view(lease),
    }
}

/// `waiters`'s or `candidates`' answer: the ids in line, first first.
pub(super) fn line(ids: &[String]) -> JsValue {
    ids.iter()
        .map(|id| JsValue::from_str(id))
        .collect::<Array>()
        .into()
}

/// `campaign`'s outcome.
pub(super) fn campaign(outcome: &Campaign) -> JsValue {
    match outcome {
        Campaign::Leader {
            token,
            expires_at_ms,
        } => status("leader")
            .num("token", num(*token))
            .num("expiresAtMs", num(*expires_at_ms)),
        Campaign::Candidate { position, leader } => status("candidate")
            .num("position", *position as f64)
            .maybe_str("leader", leader.as_deref()),
    }
    .done()
}

/// `tick`'s list: `eventsDropped` first if some were, then the events in order.
pub(super) fn events(dropped: Option<(u64, u64)>, events: &[LeaseEvent]) -> JsValue {
    let list = Array::new();
    if let Some((count, at_ms)) = dropped {
        list.push(
            &Obj::new()
                .str("type", "eventsDropped")
                .num("count", num(count))
                .num("atMs", num(at_ms))
                .done(),
        );
    }
    for event in events {
        list.push(&event_view(event));
    }
    list.into()
}
