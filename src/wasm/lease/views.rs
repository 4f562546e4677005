//! How `LeaseTable`'s outcomes read in JavaScript: plain objects with a `status` (events: a
//! `type`), built once here for the checked methods and the fast path alike. Locks and
//! elections are the two [`Side`]s of one table: the mirrored methods (release/resign,
//! cancel/withdraw, holder/leader, waiters/candidates) differ only in their parameter names and
//! in how a lease reads (`owner` or `leader`).

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::core::lease::{
    Acquire, Campaign, Cancel, DequeueReason, Lease, LeaseEvent, LossCause, Release, Renew,
};
use crate::wasm::call::Failure;

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

/// Serializes a view as a plain JSON-compatible JavaScript value.
pub(crate) fn plain<T: Serialize>(value: &T) -> Result<JsValue, Failure> {
    crate::wasm::encode::plain(value)
}

/// Times and tokens cross as numbers: every value the core produces stays below 2^53.
pub(super) fn num(value: u64) -> f64 {
    value as f64
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LeaseView<'a> {
    owner: &'a str,
    token: f64,
    granted_at_ms: f64,
    expires_at_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl<'a> LeaseView<'a> {
    fn of(lease: &'a Lease) -> Self {
        LeaseView {
            owner: &lease.owner,
            token: num(lease.token),
            granted_at_ms: num(lease.granted_at_ms),
            expires_at_ms: num(lease.expires_at_ms),
            request_id: lease.request_id.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LeaderView<'a> {
    leader: &'a str,
    token: f64,
    granted_at_ms: f64,
    expires_at_ms: f64,
}

impl<'a> LeaderView<'a> {
    fn of(lease: &'a Lease) -> Self {
        LeaderView {
            leader: &lease.owner,
            token: num(lease.token),
            granted_at_ms: num(lease.granted_at_ms),
            expires_at_ms: num(lease.expires_at_ms),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum AcquireView<'a> {
    Granted {
        token: f64,
        #[serde(rename = "expiresAtMs")]
        expires_at_ms: f64,
    },
    Queued {
        position: f64,
    },
    Busy {
        holder: &'a str,
        #[serde(rename = "expiresAtMs")]
        expires_at_ms: f64,
    },
    Delayed {
        #[serde(rename = "untilMs")]
        until_ms: f64,
    },
    Finished {
        #[serde(skip_serializing_if = "Option::is_none")]
        token: Option<f64>,
    },
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum RenewView {
    Renewed {
        #[serde(rename = "expiresAtMs")]
        expires_at_ms: f64,
    },
    Rejected {
        reason: &'static str,
    },
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum ReleaseView<'a> {
    Released {
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<LeaseView<'a>>,
    },
    Rejected {
        reason: &'static str,
    },
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum ResignView<'a> {
    Resigned {
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<LeaderView<'a>>,
    },
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum CancelView {
    Left { position: f64 },
    NotQueued,
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum CampaignView<'a> {
    Leader {
        token: f64,
        #[serde(rename = "expiresAtMs")]
        expires_at_ms: f64,
    },
    Candidate {
        position: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        leader: Option<&'a str>,
    },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum EventView<'a> {
    #[serde(rename_all = "camelCase")]
    Granted {
        resource: &'a str,
        owner: &'a str,
        token: f64,
        granted_at_ms: f64,
        expires_at_ms: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        request_id: Option<&'a str>,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    Released {
        resource: &'a str,
        owner: &'a str,
        token: f64,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    Expired {
        resource: &'a str,
        owner: &'a str,
        token: f64,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    LockDelayEnded { resource: &'a str, at_ms: f64 },
    #[serde(rename_all = "camelCase")]
    EventsDropped { count: f64, at_ms: f64 },
    #[serde(rename_all = "camelCase")]
    Dequeued {
        resource: &'a str,
        owner: &'a str,
        reason: &'static str,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    LeaderElected {
        election: &'a str,
        leader: &'a str,
        token: f64,
        granted_at_ms: f64,
        expires_at_ms: f64,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    LeaderLost {
        election: &'a str,
        leader: &'a str,
        token: f64,
        cause: &'static str,
        at_ms: f64,
    },
    #[serde(rename_all = "camelCase")]
    CandidateDropped {
        election: &'a str,
        candidate: &'a str,
        reason: &'static str,
        at_ms: f64,
    },
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

impl<'a> EventView<'a> {
    fn of(event: &'a LeaseEvent) -> Self {
        match event {
            LeaseEvent::Granted { resource, lease } => EventView::Granted {
                resource,
                owner: &lease.owner,
                token: num(lease.token),
                granted_at_ms: num(lease.granted_at_ms),
                expires_at_ms: num(lease.expires_at_ms),
                request_id: lease.request_id.as_deref(),
                at_ms: num(lease.granted_at_ms),
            },
            LeaseEvent::Released {
                resource,
                owner,
                token,
                at_ms,
            } => EventView::Released {
                resource,
                owner,
                token: num(*token),
                at_ms: num(*at_ms),
            },
            LeaseEvent::Expired {
                resource,
                owner,
                token,
                at_ms,
            } => EventView::Expired {
                resource,
                owner,
                token: num(*token),
                at_ms: num(*at_ms),
            },
            LeaseEvent::LockDelayEnded { resource, at_ms } => EventView::LockDelayEnded {
                resource,
                at_ms: num(*at_ms),
            },
            LeaseEvent::Dequeued {
                resource,
                owner,
                reason,
                at_ms,
            } => EventView::Dequeued {
                resource,
                owner,
                reason: dequeue_reason(*reason),
                at_ms: num(*at_ms),
            },
            LeaseEvent::LeaderElected { election, lease } => EventView::LeaderElected {
                election,
                leader: &lease.owner,
                token: num(lease.token),
                granted_at_ms: num(lease.granted_at_ms),
                expires_at_ms: num(lease.expires_at_ms),
                at_ms: num(lease.granted_at_ms),
            },
            LeaseEvent::LeaderLost {
                election,
                leader,
                token,
                cause,
                at_ms,
            } => EventView::LeaderLost {
                election,
                leader,
                token: num(*token),
                cause: loss_cause(*cause),
                at_ms: num(*at_ms),
            },
            LeaseEvent::CandidateDropped {
                election,
                candidate,
                reason,
                at_ms,
            } => EventView::CandidateDropped {
                election,
                candidate,
                reason: dequeue_reason(*reason),
                at_ms: num(*at_ms),
            },
        }
    }
}

/// `acquire`'s outcome.
pub(super) fn acquire(outcome: &Acquire) -> Result<JsValue, Failure> {
    plain(&match outcome {
        Acquire::Granted {
            token,
            expires_at_ms,
        } => AcquireView::Granted {
            token: num(*token),
            expires_at_ms: num(*expires_at_ms),
        },
        Acquire::Queued { position } => AcquireView::Queued {
            position: *position as f64,
        },
        Acquire::Busy {
            holder,
            expires_at_ms,
        } => AcquireView::Busy {
            holder,
            expires_at_ms: num(*expires_at_ms),
        },
        Acquire::Delayed { until_ms } => AcquireView::Delayed {
            until_ms: num(*until_ms),
        },
        Acquire::Finished { token } => AcquireView::Finished {
            token: token.map(num),
        },
    })
}

/// `renew`'s outcome.
pub(super) fn renew(outcome: Renew) -> Result<JsValue, Failure> {
    plain(&match outcome {
        Renew::Renewed { expires_at_ms } => RenewView::Renewed {
            expires_at_ms: num(expires_at_ms),
        },
        Renew::Rejected { reason } => RenewView::Rejected {
            reason: reason.as_str(),
        },
    })
}

/// `release`'s or `resign`'s outcome.
pub(super) fn ended(side: Side, outcome: &Release) -> Result<JsValue, Failure> {
    match (side, outcome) {
        (Side::Lock, Release::Released { next }) => plain(&ReleaseView::Released {
            next: next.as_ref().map(LeaseView::of),
        }),
        (Side::Election, Release::Released { next }) => plain(&ResignView::Resigned {
            next: next.as_ref().map(LeaderView::of),
        }),
        (_, Release::Rejected { reason }) => plain(&ReleaseView::Rejected {
            reason: reason.as_str(),
        }),
    }
}

/// `cancel`'s or `withdraw`'s outcome.
pub(super) fn left(outcome: Cancel) -> Result<JsValue, Failure> {
    plain(&match outcome {
        Cancel::Left { position } => CancelView::Left {
            position: position as f64,
        },
        Cancel::NotQueued => CancelView::NotQueued,
    })
}

/// `holder`'s or `leader`'s answer: the lease, or `undefined`.
pub(super) fn lease(side: Side, lease: Option<&Lease>) -> Result<JsValue, Failure> {
    match (side, lease) {
        (_, None) => Ok(JsValue::UNDEFINED),
        (Side::Lock, Some(lease)) => plain(&LeaseView::of(lease)),
        (Side::Election, Some(lease)) => plain(&LeaderView::of(lease)),
    }
}

/// `campaign`'s outcome.
pub(super) fn campaign(outcome: &Campaign) -> Result<JsValue, Failure> {
    plain(&match outcome {
        Campaign::Leader {
            token,
            expires_at_ms,
        } => CampaignView::Leader {
            token: num(*token),
            expires_at_ms: num(*expires_at_ms),
        },
        Campaign::Candidate { position, leader } => CampaignView::Candidate {
            position: *position as f64,
            leader: leader.as_deref(),
        },
    })
}

/// `tick`'s list: `eventsDropped` first if some were, then the events in order.
pub(super) fn events(
    dropped: Option<(u64, u64)>,
    events: &[LeaseEvent],
) -> Result<JsValue, Failure> {
    let mut views: Vec<EventView<'_>> = Vec::with_capacity(events.len() + 1);
    if let Some((count, at_ms)) = dropped {
        views.push(EventView::EventsDropped {
            count: num(count),
            at_ms: num(at_ms),
        });
    }
    views.extend(events.iter().map(EventView::of));
    plain(&views)
}
