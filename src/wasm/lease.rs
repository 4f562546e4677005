//! `LeaseTable` for JavaScript: a thin wrapper over [`crate::core::lease::LeaseTable`].
//!
//! Every method decodes its arguments strictly (`args`), makes one core call and encodes the
//! outcome as a plain object with a `status` (or, for events, a `type`) field. Protocol outcomes
//! (busy, queued, rejected…) are values; bad arguments throw `TypeError` / `RangeError` naming
//! the parameter, and leave the table unchanged.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use js_sys::{Function, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args;
use super::call::{call, Failure};
use crate::core::lease::{
    Acquire, AcquireOptions, Campaign, Cancel, DequeueReason, Lease, LeaseEvent, LeaseLimits,
    LeaseOptions, LeaseTable, LossCause, Release, Renew, MAX_LIMIT,
};

/// Serializes a view as a plain JSON-compatible JavaScript value.
pub(crate) fn plain<T: Serialize>(value: &T) -> Result<JsValue, Failure> {
    super::encode::plain(value)
}

/// Times and tokens cross as numbers: every value the core produces stays below 2^53.
fn num(value: u64) -> f64 {
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
    Rejected {
        reason: &'static str,
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

/// A count option in `0..=MAX_LIMIT` (a `RangeError` naming `name` otherwise).
fn count(value: &JsValue, name: &'static str) -> Result<usize, Failure> {
    let n = args::safe_integer(value, name)?;
    match usize::try_from(n) {
        Ok(n) if n <= MAX_LIMIT => Ok(n),
        _ => Err(Failure::Range(format!(
            "{name} must be an integer in [0, {MAX_LIMIT}], got {n}"
        ))),
    }
}

/// Decodes `{ ttlMs, nowMs }` (both required, no other keys).
fn ttl_and_now(options: &JsValue) -> Result<(u64, u64), Failure> {
    let object = args::required_options(options, "options", &["ttlMs", "nowMs"])?;
    let ttl = args::field(&object, "ttlMs")?.unwrap_or(JsValue::UNDEFINED);
    let ttl = args::safe_integer(&ttl, "options.ttlMs")?;
    let now = args::field(&object, "nowMs")?.unwrap_or(JsValue::UNDEFINED);
    let now = args::safe_integer(&now, "options.nowMs")?;
    Ok((ttl, now))
}

/// TTL leases on named resources, with a waiting queue, fencing tokens, lock-delay and leader
/// elections. Time is injected: every call takes `nowMs` (any monotonic clock in ms, e.g.
/// `performance.now()` rounded, or a simulated one), which must never decrease. A lease is live
/// while `nowMs < expiresAtMs`. Tokens grow with every grant: pass them to the resource you
/// protect (see `FencedStore`) so a paused former holder cannot write after a newer one.
///
/// Protocol outcomes (`busy`, `queued`, `rejected`…) are returned as `{ status, … }` objects and
/// never throw. Bad arguments throw a `TypeError` (wrong type, unknown option key) or a
/// `RangeError` (NaN, Infinity, negative or fractional numbers, TTLs outside
/// `[minTtlMs, maxTtlMs]`, empty ids, time going backwards) whose message starts with
/// `LeaseTable.<method>: ` and names the parameter; the table is then unchanged.
///
/// ```js
/// import init, { LeaseTable } from "ringlease/lease";
/// await init();
/// const locks = new LeaseTable({ maxTtlMs: 60_000 });
/// const a = locks.acquire("db", "alice", { ttlMs: 10_000, nowMs: 0 });
/// // { status: "granted", token: 1, expiresAtMs: 10000 }
/// locks.acquire("db", "bob", { ttlMs: 10_000, nowMs: 5, wait: 30_000 });
/// // { status: "queued", position: 1 }
/// locks.release("db", "alice", a.token, 20);
/// // { status: "released", next: { owner: "bob", token: 2, grantedAtMs: 20, expiresAtMs: 10020 } }
/// ```
#[wasm_bindgen(js_name = LeaseTable)]
pub struct JsLeaseTable(SharedTable);

/// The table behind a `LeaseTable` object, shared with the strict `FencedStore`s made from it.
pub(crate) type SharedTable = Rc<RefCell<LeaseTable>>;

thread_local! {
    /// Where [`JsLeaseTable::share`] leaves its table for [`shared_table`] to pick up.
    static HANDED_OVER: RefCell<Option<SharedTable>> = const { RefCell::new(None) };
}

/// A table borrowed by a re-entrant call (cannot happen: no JavaScript runs while it is held).
const TABLE_IN_USE: &str = "the table is in use (a re-entrant call)";

/// The name of the hidden method through which a `LeaseTable` object hands over its table.
const SHARE: &str = "__ringleaseShare";

/// The table of the `LeaseTable` object `value`, or a `TypeError` naming `param`. The object is
/// asked through its hidden method (the only way to reach a Rust object held by JavaScript
/// without taking it over); anything else, including a freed table, is refused.
pub(crate) fn shared_table(value: &JsValue, param: &str) -> Result<SharedTable, Failure> {
    let refuse = || {
        Failure::Type(format!(
            "{param} must be a LeaseTable (the table whose tokens the store checks), got {}",
            args::describe(value)
        ))
    };
    if !value.is_object() {
        return Err(refuse());
    }
    let method = Reflect::get(value, &JsValue::from_str(SHARE)).map_err(|_| refuse())?;
    let method = method.dyn_into::<Function>().map_err(|_| refuse())?;
    HANDED_OVER.with(|cell| cell.replace(None));
    method.call0(value).map_err(|_| refuse())?;
    HANDED_OVER
        .with(|cell| cell.replace(None))
        .ok_or_else(refuse)
}

impl JsLeaseTable {
    /// The table, for a call that changes it. Nothing JavaScript runs while it is held, so it
    /// is never busy; if it were, this is an `Error`, not a panic.
    fn table(&self) -> Result<RefMut<'_, LeaseTable>, Failure> {
        self.0
            .try_borrow_mut()
            .map_err(|_| Failure::Plain(TABLE_IN_USE.to_owned()))
    }

    /// The table, for a call that only reads it.
    fn view(&self) -> Result<Ref<'_, LeaseTable>, Failure> {
        self.0
            .try_borrow()
            .map_err(|_| Failure::Plain(TABLE_IN_USE.to_owned()))
    }
}

#[wasm_bindgen(js_class = LeaseTable)]
impl JsLeaseTable {
    /// Creates an empty table.
    ///
    /// - `options.minTtlMs`: the shortest TTL (and wait) accepted, ≥ 1. Default 1.
    /// - `options.maxTtlMs`: the longest TTL (and wait) accepted, ≤ 2^40. Default 3,600,000.
    ///   Also how long finished request ids and ended leases are remembered.
    /// - `options.lockDelayMs`: how long a resource stays blocked after a lease *expires*
    ///   (never after a release), in 0..=60000. Default 0.
    /// - `options.fifo`: serve waiters in arrival order (default `true`); `false` serves them
    ///   in owner-id order.
    /// - `options.maxEvents`: the most events kept between two `tick`s, 0..=2^24 (0: collect
    ///   none). Default 100,000. See `tick`.
    /// - `options.maxRequestIds`: the most finished request ids remembered, 0..=2^24; beyond
    ///   it the oldest is forgotten first (a retry of it then acquires anew). Default 10,000.
    /// - `options.tokenFloor`: every token is larger than this, 0..=2^52. Default 0. A process
    ///   that restarts passes the `lastToken` it persisted (or any bound on the tokens it
    ///   issued), so a new holder's token is above every token of before the restart and a
    ///   zombie writer is fenced off.
    ///
    /// ```js
    /// const table = new LeaseTable();
    /// const strict = new LeaseTable({ minTtlMs: 1000, maxTtlMs: 60_000, lockDelayMs: 5000 });
    /// const restarted = new LeaseTable({ tokenFloor: savedLastToken });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "LeaseTableOptions")] options: JsValue,
    ) -> Result<JsLeaseTable, JsValue> {
        call("new LeaseTable", || {
            let mut opts = LeaseOptions::default();
            let mut limits = LeaseLimits::default();
            let allowed = [
                "minTtlMs",
                "maxTtlMs",
                "lockDelayMs",
                "fifo",
                "maxEvents",
                "maxRequestIds",
                "tokenFloor",
            ];
            if let Some(object) = args::options(&options, "options", &allowed)? {
                if let Some(value) = args::field(&object, "minTtlMs")? {
                    opts.min_ttl_ms = args::safe_integer(&value, "options.minTtlMs")?;
                }
                if let Some(value) = args::field(&object, "maxTtlMs")? {
                    opts.max_ttl_ms = args::safe_integer(&value, "options.maxTtlMs")?;
                }
                if let Some(value) = args::field(&object, "lockDelayMs")? {
                    opts.lock_delay_ms = args::safe_integer(&value, "options.lockDelayMs")?;
                }
                if let Some(value) = args::field(&object, "fifo")? {
                    opts.fifo = args::boolean(&value, "options.fifo")?;
                }
                if let Some(value) = args::field(&object, "maxEvents")? {
                    limits.max_events = count(&value, "options.maxEvents")?;
                }
                if let Some(value) = args::field(&object, "maxRequestIds")? {
                    limits.max_request_ids = count(&value, "options.maxRequestIds")?;
                }
                if let Some(value) = args::field(&object, "tokenFloor")? {
                    limits.token_floor = args::safe_integer(&value, "options.tokenFloor")?;
                }
            }
            let table = LeaseTable::with_limits(opts, limits)?;
            Ok(JsLeaseTable(Rc::new(RefCell::new(table))))
        })
    }

    /// Requests a lease on `resource` for `owner`, at `options.nowMs`, for `options.ttlMs`.
    ///
    /// - Free: `{ status: "granted", token, expiresAtMs }` (valid from this request's `nowMs`).
    /// - Held, and `options.wait` given: `{ status: "queued", position }` (1 = next in line).
    ///   `wait` is how long to stay queued, in ms (in `[minTtlMs, maxTtlMs]`); `wait: true`
    ///   means "as long as `ttlMs`". A waiter still queued at its deadline is dropped, never
    ///   granted. Asking again while queued refreshes the deadline.
    /// - Held, no `wait`: `{ status: "busy", holder, expiresAtMs }` (also when the caller
    ///   itself holds it: acquire is not re-entrant).
    /// - Blocked by lock-delay after an expiry, no `wait`: `{ status: "delayed", untilMs }`.
    /// - `options.requestId` makes retries idempotent: a retry gets the first request's
    ///   current outcome (the same token, the same queue entry), or
    ///   `{ status: "finished", token? }` if it already ran its course.
    ///
    /// ```js
    /// const r = table.acquire("db", "alice", { ttlMs: 5000, nowMs: Date.now(), requestId: "r1" });
    /// if (r.status === "granted") useToken(r.token);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "AcquireResult")]
    pub fn acquire(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] owner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AcquireOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.acquire", || {
            let resource = args::string(&resource, "resource")?;
            let owner = args::string(&owner, "owner")?;
            let allowed = ["ttlMs", "nowMs", "wait", "requestId"];
            let object = args::required_options(&options, "options", &allowed)?;
            let ttl = args::field(&object, "ttlMs")?.unwrap_or(JsValue::UNDEFINED);
            let ttl = args::safe_integer(&ttl, "options.ttlMs")?;
            let now = args::field(&object, "nowMs")?.unwrap_or(JsValue::UNDEFINED);
            let now = args::safe_integer(&now, "options.nowMs")?;
            let mut request = AcquireOptions::new(ttl, now);
            match args::field(&object, "wait")? {
                None => {}
                Some(value) => match value.as_bool() {
                    Some(true) => request.wait = Some(ttl),
                    Some(false) => {}
                    None if value.as_f64().is_some() => {
                        request.wait = Some(args::safe_integer(&value, "options.wait")?);
                    }
                    None => {
                        return Err(Failure::Type(format!(
                            "options.wait must be a number (ms) or a boolean, got {}",
                            args::describe(&value)
                        )))
                    }
                },
            }
            if let Some(value) = args::field(&object, "requestId")? {
                request.request_id = Some(args::string(&value, "options.requestId")?);
            }
            let outcome = self.table()?.acquire(&resource, &owner, request)?;
            let view = match &outcome {
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
            };
            plain(&view)
        })
    }

    /// Extends the caller's live lease to `nowMs + ttlMs`: `{ status: "renewed", expiresAtMs }`,
    /// or `{ status: "rejected", reason }` (nothing changed) with `reason` one of
    /// `"notHolder"`, `"wrongToken"`, `"expired"` (at or after `expiresAtMs`), `"released"`,
    /// `"unknownResource"`.
    ///
    /// ```js
    /// const r = table.renew("db", "alice", token, { ttlMs: 5000, nowMs: 4000 });
    /// if (r.status === "rejected") stopWorking(r.reason);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RenewResult")]
    pub fn renew(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] owner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TtlOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.renew", || {
            let resource = args::string(&resource, "resource")?;
            let owner = args::string(&owner, "owner")?;
            let token = args::safe_integer(&token, "token")?;
            let (ttl, now) = ttl_and_now(&options)?;
            let outcome = self.table()?.renew(&resource, &owner, token, ttl, now)?;
            let view = match outcome {
                Renew::Renewed { expires_at_ms } => RenewView::Renewed {
                    expires_at_ms: num(expires_at_ms),
                },
                Renew::Rejected { reason } => RenewView::Rejected {
                    reason: reason.as_str(),
                },
            };
            plain(&view)
        })
    }

    /// Ends the caller's live lease: `{ status: "released", next? }`, where `next` is the lease
    /// granted at the same instant to the next live waiter (no lock-delay after a release), or
    /// `{ status: "rejected", reason }` as for `renew` (a non-owner can never release).
    ///
    /// ```js
    /// const r = table.release("db", "alice", token, 9000);
    /// if (r.status === "released" && r.next) notify(r.next.owner, r.next.token);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "ReleaseResult")]
    pub fn release(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] owner: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] token: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.release", || {
            let resource = args::string(&resource, "resource")?;
            let owner = args::string(&owner, "owner")?;
            let token = args::safe_integer(&token, "token")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            let outcome = self.table()?.release(&resource, &owner, token, now)?;
            let view = match &outcome {
                Release::Released { next } => ReleaseView::Released {
                    next: next.as_ref().map(LeaseView::of),
                },
                Release::Rejected { reason } => ReleaseView::Rejected {
                    reason: reason.as_str(),
                },
            };
            plain(&view)
        })
    }

    /// Takes `owner` out of `resource`'s queue: `{ status: "left", position }` (where it was)
    /// or `{ status: "notQueued" }` (a holder must `release` instead).
    ///
    /// ```js
    /// table.cancel("db", "bob", 12_000);   // { status: "left", position: 1 }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "CancelResult")]
    pub fn cancel(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] owner: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.cancel", || {
            let resource = args::string(&resource, "resource")?;
            let owner = args::string(&owner, "owner")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            let outcome = self.table()?.cancel(&resource, &owner, now)?;
            plain(&cancel_view(outcome))
        })
    }

    /// Advances the table to `nowMs` and returns every event since the previous `tick`, in the
    /// order they happened, each a plain object with a `type`: `"granted"`, `"released"`,
    /// `"expired"`, `"lockDelayEnded"`, `"dequeued"`, `"leaderElected"`, `"leaderLost"`,
    /// `"candidateDropped"`, and `atMs` (when it happened: an expiry is reported at the lease's
    /// `expiresAtMs`, however late `tick` runs). Also forgets request ids and ended leases
    /// older than `maxTtlMs`. The outcome of other calls never depends on how often `tick` runs.
    ///
    /// At most `maxEvents` (default 100,000) are kept between two ticks: when more pile up the
    /// oldest are dropped, and the list starts with `{ type: "eventsDropped", count, atMs }`
    /// (how many, and the instant of the last one dropped). With `maxEvents: 0` no events are
    /// collected and `tick` returns `[]`.
    ///
    /// ```js
    /// for (const e of table.tick(now)) {
    ///   if (e.type === "granted") notify(e.owner, e.resource, e.token);
    ///   if (e.type === "leaderLost") console.log(`${e.leader} lost ${e.election}: ${e.cause}`);
    /// }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "LeaseEvent[]")]
    pub fn tick(
        &mut self,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.tick", || {
            let now = args::safe_integer(&now_ms, "nowMs")?;
            let mut table = self.table()?;
            let dropped = table.dropped_events();
            let events = table.tick(now)?;
            drop(table);
            let mut views: Vec<EventView<'_>> = Vec::with_capacity(events.len() + 1);
            if let Some((count, at_ms)) = dropped {
                views.push(EventView::EventsDropped {
                    count: num(count),
                    at_ms: num(at_ms),
                });
            }
            views.extend(events.iter().map(EventView::of));
            plain(&views)
        })
    }

    /// The live lease on `resource` at `nowMs`: `{ owner, token, grantedAtMs, expiresAtMs,
    /// requestId? }`, or `undefined` when nobody holds it. Advances the table to `nowMs`.
    ///
    /// ```js
    /// table.holder("db", 100)?.owner;   // "alice"
    /// ```
    #[wasm_bindgen(unchecked_return_type = "LeaseInfo | undefined")]
    pub fn holder(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.holder", || {
            let resource = args::string(&resource, "resource")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            match self.table()?.holder(&resource, now)? {
                Some(lease) => plain(&LeaseView::of(&lease)),
                None => Ok(JsValue::UNDEFINED),
            }
        })
    }

    /// The owners waiting for `resource`, next in line first (as of the latest call).
    ///
    /// ```js
    /// table.waiters("db");   // ["bob", "carol"]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn waiters(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.waiters", || {
            let resource = args::string(&resource, "resource")?;
            plain(&self.view()?.waiters(&resource))
        })
    }

    /// Runs `candidate` for leader of `election` with a lease of `ttlMs`:
    /// `{ status: "leader", token, expiresAtMs }` (elected now, or already leading: the lease is
    /// extended to `nowMs + ttlMs`), or `{ status: "candidate", position, leader? }` (waits in
    /// line until `nowMs + ttlMs`). Campaigning again is the keep-alive, for leaders and
    /// candidates alike. Elections share the table's token counter but not its lock names.
    ///
    /// ```js
    /// const me = table.campaign("primary", "node-1", { ttlMs: 3000, nowMs: now });
    /// if (me.status === "leader") serveAsPrimary(me.token);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "CampaignResult")]
    pub fn campaign(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] election: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] candidate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TtlOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.campaign", || {
            let election = args::string(&election, "election")?;
            let candidate = args::string(&candidate, "candidate")?;
            let (ttl, now) = ttl_and_now(&options)?;
            let outcome = self.table()?.campaign(&election, &candidate, ttl, now)?;
            let view = match &outcome {
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
            };
            plain(&view)
        })
    }

    /// The leader steps down: `{ status: "resigned", next? }` (`next`: the candidate elected at
    /// the same instant, as `{ leader, token, grantedAtMs, expiresAtMs }`), or
    /// `{ status: "rejected", reason }` unless `candidate` leads with `token`.
    ///
    /// ```js
    /// table.resign("primary", "node-1", token, now);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "ResignResult")]
    pub fn resign(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] election: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] candidate: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] token: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.resign", || {
            let election = args::string(&election, "election")?;
            let candidate = args::string(&candidate, "candidate")?;
            let token = args::safe_integer(&token, "token")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            let outcome = self.table()?.resign(&election, &candidate, token, now)?;
            let view = match &outcome {
                Release::Released { next } => ResignView::Resigned {
                    next: next.as_ref().map(LeaderView::of),
                },
                Release::Rejected { reason } => ResignView::Rejected {
                    reason: reason.as_str(),
                },
            };
            plain(&view)
        })
    }

    /// A candidate that is not leading leaves the line: `{ status: "left", position }` or
    /// `{ status: "notQueued" }` (a leader must `resign` instead).
    ///
    /// ```js
    /// table.withdraw("primary", "node-2", now);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "CancelResult")]
    pub fn withdraw(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] election: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] candidate: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.withdraw", || {
            let election = args::string(&election, "election")?;
            let candidate = args::string(&candidate, "candidate")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            let outcome = self.table()?.withdraw(&election, &candidate, now)?;
            plain(&cancel_view(outcome))
        })
    }

    /// The leadership of `election` at `nowMs`: `{ leader, token, grantedAtMs, expiresAtMs }`,
    /// or `undefined` when nobody leads. Advances the table to `nowMs`.
    ///
    /// ```js
    /// table.leader("primary", now)?.leader;   // "node-1"
    /// ```
    #[wasm_bindgen(unchecked_return_type = "LeaderInfo | undefined")]
    pub fn leader(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] election: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.leader", || {
            let election = args::string(&election, "election")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            match self.table()?.leader(&election, now)? {
                Some(lease) => plain(&LeaderView::of(&lease)),
                None => Ok(JsValue::UNDEFINED),
            }
        })
    }

    /// The candidates waiting in `election`, next in line first (as of the latest call).
    ///
    /// ```js
    /// table.candidates("primary");   // ["node-2"]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn candidates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] election: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("LeaseTable.candidates", || {
            let election = args::string(&election, "election")?;
            plain(&self.view()?.candidates(&election))
        })
    }

    /// The latest `nowMs` the table has seen (0 before the first call).
    ///
    /// ```js
    /// table.nowMs;   // 9000
    /// ```
    #[wasm_bindgen(getter = nowMs)]
    pub fn now_ms(&self) -> Result<f64, JsValue> {
        call("LeaseTable.nowMs", || Ok(num(self.view()?.now_ms())))
    }

    /// The largest fencing token granted so far (0 before the first grant).
    ///
    /// ```js
    /// table.lastToken;   // 34
    /// ```
    #[wasm_bindgen(getter = lastToken)]
    pub fn last_token(&self) -> Result<f64, JsValue> {
        call("LeaseTable.lastToken", || {
            Ok(num(self.view()?.last_token()))
        })
    }

    /// Internal: hands this table to the `FencedStore` constructor that asked for it (see
    /// `new FencedStore({ strict: table })`). Not part of the API.
    #[wasm_bindgen(js_name = __ringleaseShare, skip_typescript)]
    pub fn share(&self) {
        HANDED_OVER.with(|cell| cell.replace(Some(Rc::clone(&self.0))));
    }
}

fn cancel_view(outcome: Cancel) -> CancelView {
    match outcome {
        Cancel::Left { position } => CancelView::Left {
            position: position as f64,
        },
        Cancel::NotQueued => CancelView::NotQueued,
    }
}
