//! A client: think → acquire (wait in the queue, or back off and retry) → read → work → write
//! the new value with its token → release; renewing on the way if configured.
//!
//! A client judges its lease on its own clock only. Validity is measured from the local send
//! time of the request whose answer granted (or renewed) it: `sent + remaining × (1 − assumed
//! drift) − margin`, where `remaining` is the server's TTL left when it answered (Redlock's
//! MIN_VALIDITY; docs/invariants.md L10). A grant notification for a queued request is confirmed by
//! re-sending the same request (idempotent through its request id), so its validity is measured
//! the same way. Before reading and before writing the client checks that validity; a pause
//! (the fault) can strike just after that check and before the write leaves, which is
//! Kleppmann's scenario. Paused clients handle nothing until they resume (the dispatcher
//! defers their messages and timers).
//!
//! Roles by workload and primitive:
//! - counter + lock: each acquire picks a random resource; one operation per lease by default.
//! - counter + election (primary/backup): client `i` campaigns for resource `i mod resources`
//!   and, while it leads, does `opsPerHold` operations with think time between them.
//! - orders (election): actor `b × partitions + p` is broker `b`'s replica of partition `p`;
//!   while it leads it takes orders from the partition's buffer and appends them to the log.
//!
//! This file is the lease's lifecycle (think, acquire, grant, renew, lose); the operations
//! under a lease (read, work, write) are in [`ops`].

mod ops;

use super::config::{Primitive, Workload};
use super::event::EventKind;
use super::network::{Endpoint, Msg, Outcome};
use super::orders::{Orders, Taken};
use super::rng::PPM;
use super::server::Cluster;
use super::storage::Cell;
use super::world::{TimerKind, World};
use crate::core::history::{Op, RecordType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for nothing (stopped: sold out, or between states).
    Idle,
    Thinking,
    Acquiring {
        req: u32,
        queued: bool,
    },
    BackingOff,
    Holding,
}

#[derive(Debug, Clone)]
enum Step {
    /// Between operations (or, for the orders workload, waiting for orders).
    Gap,
    Reading {
        op: u32,
    },
    Working {
        op: u32,
        read: Cell,
    },
    /// Checked validity, paused before the write left.
    Sending {
        op: u32,
        parent: u32,
        cell: Cell,
    },
    Writing {
        op: u32,
    },
}

#[derive(Debug, Clone)]
struct Hold {
    token: u64,
    /// Local time at which the client stops believing it holds the lease.
    valid_until: i64,
    renewals: u32,
    ops: u32,
    step: Step,
    /// Orders taken for the current append.
    batch: Vec<Taken>,
}

/// Where a client's actions go besides the world: lease-node routing and the order buffers.
pub(crate) struct Ctx<'a> {
    pub(crate) w: &'a mut World,
    pub(crate) cluster: &'a Cluster,
    pub(crate) orders: Option<&'a mut Orders>,
}

/// One client (actor).
#[derive(Debug, Clone)]
pub(crate) struct Client {
    id: u32,
    resource: u32,
    phase: Phase,
    gens: [u32; 3],
    next_req: u32,
    next_op: u32,
    hold: Option<Hold>,
    done: bool,
}

fn slot(kind: TimerKind) -> usize {
    match kind {
        TimerKind::Phase => 0,
        TimerKind::Renew => 1,
        TimerKind::Validity => 2,
    }
}

impl Client {
    pub(crate) fn new(id: u32, resources: u32) -> Self {
        Client {
            id,
            resource: id % resources,
            phase: Phase::Idle,
            gens: [0; 3],
            next_req: 1,
            next_op: 1,
            hold: None,
            done: false,
        }
    }

    /// Starts the client's loop.
    pub(crate) fn start(&mut self, cx: &mut Ctx<'_>) {
        self.think(cx);
    }

    #[inline(never)]
    fn arm(&mut self, cx: &mut Ctx<'_>, kind: TimerKind, ms: u64) {
        let gen = self.bump(kind);
        cx.w.timer_after(self.id, kind, gen, ms);
    }

    #[inline(never)]
    fn arm_at(&mut self, cx: &mut Ctx<'_>, kind: TimerKind, local: i64) {
        let gen = self.bump(kind);
        cx.w.timer_at_local(self.id, kind, gen, local);
    }

    /// Invalidates the pending timer of `kind`; returns the new generation.
    fn bump(&mut self, kind: TimerKind) -> u32 {
        let g = &mut self.gens[slot(kind)];
        *g = g.wrapping_add(1);
        *g
    }

    #[inline(never)]
    fn emit(&self, cx: &mut Ctx<'_>, kind: EventKind, token: u64, value: i64) {
        cx.w.emit(self.id, kind, self.resource, token, value);
    }

    /// Records a client record of `op` now, with `token` if any.
    #[inline(never)]
    fn record(&self, cx: &mut Ctx<'_>, kind: RecordType, op: Op, token: Option<u64>) {
        let mut rec = cx.w.rec(kind, op, self.id, self.resource);
        rec.token = token;
        cx.w.record(rec);
    }

    #[inline(never)]
    fn send_lease(&self, cx: &mut Ctx<'_>, msg: Msg) {
        let node = cx.cluster.node_of(self.resource);
        cx.w.send(Endpoint::Lease(node), self.id, self.resource, msg);
    }

    fn keepalive_ms(&self, w: &World) -> u64 {
        match w.cfg.primitive {
            Primitive::Lock => (w.cfg.wait_ms / 2).max(1),
            Primitive::Election => (w.cfg.ttl_ms * u64::from(w.cfg.renew_percent) / 100).max(1),
        }
    }

    /// Validity end (local) of a lease with `remaining_ms` left when a request sent at local
    /// time `sent` was answered.
    fn validity(w: &World, sent: i64, remaining_ms: u64) -> i64 {
        let keep = u64::from(PPM - w.cfg.assumed_drift_ppm);
        sent + (remaining_ms * keep / u64::from(PPM)) as i64 - w.cfg.margin_ms as i64
    }

    #[inline(never)]
    fn think(&mut self, cx: &mut Ctx<'_>) {
        self.phase = Phase::Thinking;
        let cfg = &cx.w.cfg;
        let ms = cx.w.client_rng.range(cfg.think_min_ms, cfg.think_max_ms);
        self.emit(cx, EventKind::Think, 0, ms as i64);
        self.arm(cx, TimerKind::Phase, ms);
    }

    #[inline(never)]
    fn back_off(&mut self, cx: &mut Ctx<'_>) {
        self.phase = Phase::BackingOff;
        let cfg = &cx.w.cfg;
        let ms = cx.w.client_rng.range(cfg.retry_min_ms, cfg.retry_max_ms);
        cx.w.metrics.client(self.id).retries += 1;
        self.emit(cx, EventKind::Busy, 0, ms as i64);
        self.arm(cx, TimerKind::Phase, ms);
    }

    /// Starts a new acquire (a new request id).
    fn acquire(&mut self, cx: &mut Ctx<'_>) {
        if self.done {
            return;
        }
        let cfg = &cx.w.cfg;
        if cfg.primitive == Primitive::Lock && cfg.workload == Workload::Counter {
            self.resource = cx.w.client_rng.below(cfg.resources.into()) as u32;
        }
        let req = self.next_req;
        self.next_req += 1;
        cx.w.checker.on_wait_start(self.id, cx.w.now);
        let mut invoke =
            cx.w.rec(RecordType::Invoke, Op::Acquire, self.id, self.resource);
        invoke.ttl_ms = Some(cx.w.cfg.ttl_ms);
        cx.w.record(invoke);
        self.phase = Phase::Acquiring { req, queued: false };
        self.emit(cx, EventKind::Acquire, 0, req.into());
        self.send_acquire(cx, req);
        self.arm(cx, TimerKind::Phase, cx.w.cfg.request_timeout_ms);
    }

    fn send_acquire(&self, cx: &mut Ctx<'_>, req: u32) {
        let sent = cx.w.local(self.id);
        self.send_lease(cx, Msg::Acquire { req, sent });
    }

    /// A timer fired.
    pub(crate) fn on_timer(&mut self, cx: &mut Ctx<'_>, kind: TimerKind, gen: u32) {
        if gen != self.gens[slot(kind)] {
            return;
        }
        match kind {
            TimerKind::Phase => match self.phase {
                Phase::Thinking | Phase::BackingOff => self.acquire(cx),
                Phase::Acquiring { req, queued } => {
                    // A keep-alive while queued; a re-send (same request id) otherwise.
                    if !queued {
                        cx.w.metrics.client(self.id).retries += 1;
                    }
                    self.send_acquire(cx, req);
                    let ms = if queued {
                        self.keepalive_ms(cx.w)
                    } else {
                        cx.w.cfg.request_timeout_ms
                    };
                    self.arm(cx, TimerKind::Phase, ms);
                }
                Phase::Holding => self.step_timer(cx),
                Phase::Idle => {}
            },
            TimerKind::Renew => self.renew(cx),
            TimerKind::Validity => {
                if let Some(hold) = &self.hold {
                    let valid_until = hold.valid_until;
                    if cx.w.local(self.id) >= valid_until {
                        self.lose(cx, EventKind::BeliefExpired);
                    } else {
                        self.arm_at(cx, TimerKind::Validity, valid_until);
                    }
                }
            }
        }
    }

    /// A message arrived.
    pub(crate) fn on_msg(&mut self, cx: &mut Ctx<'_>, msg: Msg) {
        match msg {
            Msg::AcquireReply { req, sent, outcome } => {
                self.on_acquire_reply(cx, req, sent, outcome)
            }
            Msg::Granted { req, token } => match self.phase {
                Phase::Acquiring { req: current, .. }
                    if current == req || cx.w.cfg.primitive == Primitive::Election =>
                {
                    // Confirm: the answer says how much of the lease is left.
                    self.send_acquire(cx, current);
                }
                _ if self.holds(token) => {}
                _ => self.send_lease(cx, Msg::Release { token }),
            },
            Msg::RenewReply {
                token,
                sent,
                remaining_ms,
            } => self.on_renew_reply(cx, token, sent, remaining_ms),
            Msg::ReadReply { op, cell } => self.on_read_reply(cx, op, cell),
            Msg::WriteReply { op, write } => self.on_write_reply(cx, op, write),
            Msg::Acquire { .. }
            | Msg::Renew { .. }
            | Msg::Release { .. }
            | Msg::Read { .. }
            | Msg::Write { .. } => {}
        }
    }

    fn holds(&self, token: u64) -> bool {
        self.hold.as_ref().is_some_and(|h| h.token == token)
    }

    fn on_acquire_reply(&mut self, cx: &mut Ctx<'_>, req: u32, sent: i64, outcome: Outcome) {
        let Phase::Acquiring {
            req: current,
            queued,
        } = self.phase
        else {
            if let Outcome::Granted { token, .. } = outcome {
                if !self.holds(token) {
                    self.send_lease(cx, Msg::Release { token }); // an orphan grant
                }
            }
            return;
        };
        if req != current {
            if let Outcome::Granted { token, .. } = outcome {
                self.send_lease(cx, Msg::Release { token });
            }
            return;
        }
        match outcome {
            Outcome::Granted {
                token,
                remaining_ms,
            } => self.granted(cx, token, sent, remaining_ms),
            Outcome::Queued { position } => {
                cx.w.checker.on_queued(self.id, position);
                if !queued {
                    self.emit(cx, EventKind::Queued, 0, position.into());
                    self.phase = Phase::Acquiring { req, queued: true };
                    let ms = self.keepalive_ms(cx.w);
                    self.arm(cx, TimerKind::Phase, ms);
                }
            }
            Outcome::Busy => {
                self.record(cx, RecordType::Fail, Op::Acquire, None);
                self.back_off(cx)
            }
            Outcome::Finished => {
                self.record(cx, RecordType::Fail, Op::Acquire, None);
                self.emit(cx, EventKind::Finished, 0, req.into());
                self.acquire(cx);
            }
        }
    }

    #[inline(never)]
    fn granted(&mut self, cx: &mut Ctx<'_>, token: u64, sent: i64, remaining_ms: u64) {
        let valid_until = Self::validity(cx.w, sent, remaining_ms);
        let local = cx.w.local(self.id);
        if local >= valid_until {
            // Too late to be of use (Redlock: treat as failed, release).
            self.emit(cx, EventKind::GrantTooLate, token, 0);
            self.record(cx, RecordType::Fail, Op::Acquire, Some(token));
            self.send_lease(cx, Msg::Release { token });
            self.back_off(cx);
            return;
        }
        let (now, id, resource) = (cx.w.now, self.id, self.resource);
        if let Some(waited) = cx.w.checker.on_wait_end(id, resource, now) {
            cx.w.metrics.waits.push(waited);
        }
        let mut ok =
            cx.w.rec(RecordType::Ok, Op::Acquire, id, resource)
                .token(token);
        ok.ttl_ms = Some((valid_until - local) as u64);
        cx.w.record(ok);
        cx.w.metrics.client(id).grants += 1;
        self.emit(cx, EventKind::Granted, token, valid_until - local);
        self.hold = Some(Hold {
            token,
            valid_until,
            renewals: 0,
            ops: 0,
            step: Step::Gap,
            batch: Vec::new(),
        });
        self.phase = Phase::Holding;
        self.arm_at(cx, TimerKind::Validity, valid_until);
        if cx.w.cfg.renewal && cx.w.cfg.max_renewals > 0 {
            let at = sent + self.renew_after(cx.w);
            self.arm_at(cx, TimerKind::Renew, at);
        }
        self.begin_op(cx);
    }

    fn renew_after(&self, w: &World) -> i64 {
        (w.cfg.ttl_ms * u64::from(w.cfg.renew_percent) / 100) as i64
    }

    fn valid(&self, cx: &Ctx<'_>) -> bool {
        self.hold
            .as_ref()
            .is_some_and(|h| cx.w.local(self.id) < h.valid_until)
    }

    fn renew(&mut self, cx: &mut Ctx<'_>) {
        let Some(hold) = &self.hold else { return };
        if hold.renewals >= cx.w.cfg.max_renewals {
            return;
        }
        let (token, sent) = (hold.token, cx.w.local(self.id));
        self.record(cx, RecordType::Invoke, Op::Renew, Some(token));
        self.send_lease(cx, Msg::Renew { token, sent });
        self.arm(cx, TimerKind::Renew, cx.w.cfg.request_timeout_ms);
    }

    fn on_renew_reply(&mut self, cx: &mut Ctx<'_>, token: u64, sent: i64, remaining: Option<u64>) {
        if !self.holds(token) {
            return;
        }
        let Some(remaining_ms) = remaining else {
            cx.w.metrics.renewals_rejected += 1;
            self.emit(cx, EventKind::RenewRejected, token, 0);
            self.record(cx, RecordType::Fail, Op::Renew, Some(token));
            return self.lose(cx, EventKind::Released);
        };
        let valid_until = Self::validity(cx.w, sent, remaining_ms);
        let renew_at = sent + self.renew_after(cx.w);
        let Some(hold) = self.hold.as_mut().filter(|h| valid_until > h.valid_until) else {
            return; // a duplicate or late answer: nothing new
        };
        hold.valid_until = valid_until;
        hold.renewals += 1;
        cx.w.metrics.renewals += 1;
        self.emit(cx, EventKind::Renewed, token, remaining_ms as i64);
        let mut ok = cx.w.rec(RecordType::Ok, Op::Renew, self.id, self.resource);
        ok = ok.token(token);
        ok.ttl_ms = Some((valid_until - cx.w.local(self.id)).max(0) as u64);
        cx.w.record(ok);
        self.arm_at(cx, TimerKind::Validity, valid_until);
        self.arm_at(cx, TimerKind::Renew, renew_at);
    }

    /// Ends the hold: the client stops believing (`kind` says why), tells the server (a
    /// release is harmless if the lease already ended), gives back untaken orders and thinks.
    #[inline(never)]
    fn lose(&mut self, cx: &mut Ctx<'_>, kind: EventKind) {
        if let Some(hold) = self.hold.take() {
            let (id, resource) = (self.id, self.resource);
            let release = cx.w.rec(RecordType::Invoke, Op::Release, id, resource);
            cx.w.record(release.token(hold.token));
            self.emit(cx, kind, hold.token, 0);
            self.send_lease(cx, Msg::Release { token: hold.token });
            if let Some(orders) = cx.orders.as_deref_mut() {
                orders.give_back(resource, &hold.batch);
            }
            self.bump(TimerKind::Renew);
            self.bump(TimerKind::Validity);
        }
        if self.done {
            self.phase = Phase::Idle;
            self.bump(TimerKind::Phase);
        } else {
            self.think(cx);
        }
    }
}
