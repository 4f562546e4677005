//! The checker: safety always on, liveness after the faults stop (docs/invariants.md).
//!
//! Online, as events happen:
//! - `doubleGrant` (L1): a grant while another lease on the resource is live in true time.
//! - `tokenOrder` (L2): a grant whose token is not above every earlier token of the resource.
//! - `staleWrite` (L3-s): the store applied a write whose token was not the live lease at that
//!   instant. Expected with `maxToken` fencing (a paused holder writing before anybody else
//!   did: harmless unless it loses an update), never with `strict`.
//! - `beliefOverlap` (L10): two clients believed they held one resource at the same time, each
//!   by its own clock (pauses and drift beyond the assumed bound make this happen; fencing is
//!   what keeps it from losing updates).
//! - `liveness` (V2): after the faults stop and settle, a waiter (lock, queued, FIFO) waited
//!   longer than the bound.
//!
//! From the store's contents, whenever asked (and so at the end):
//! - `lostUpdate` (L12): an acknowledged decrement that no longer counts: every write records
//!   the write its value was computed from, and the writes that count are the chain back from
//!   the cell's current writer.
//! - `orderLost` / `orderDuplicated`: an acknowledged order missing from its partition's log,
//!   or an order in it more than once.
//! - `liveness` (V2/V3): a waiter still waiting past the bound, or an election without a leader
//!   for longer than the bound.

use super::config::{Primitive, SimConfig};
use super::event::NO_CLIENT;

/// What a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ViolationKind {
    /// An acknowledged decrement vanished.
    LostUpdate,
    /// An acknowledged order is missing from its partition's log.
    OrderLost,
    /// An order is in its partition's log more than once.
    OrderDuplicated,
    /// Two leases on one resource were live at once (server truth, true time).
    DoubleGrant,
    /// A grant's token did not exceed every earlier token of its resource.
    TokenOrder,
    /// The store applied a write whose token was not the live lease.
    StaleWrite,
    /// Two clients believed they held one resource at once.
    BeliefOverlap,
    /// A wait past the bound after the faults stopped.
    Liveness,
}

impl ViolationKind {
    /// Every kind.
    pub const ALL: [ViolationKind; 8] = [
        ViolationKind::LostUpdate,
        ViolationKind::OrderLost,
        ViolationKind::OrderDuplicated,
        ViolationKind::DoubleGrant,
        ViolationKind::TokenOrder,
        ViolationKind::StaleWrite,
        ViolationKind::BeliefOverlap,
        ViolationKind::Liveness,
    ];

    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::LostUpdate => "lostUpdate",
            ViolationKind::OrderLost => "orderLost",
            ViolationKind::OrderDuplicated => "orderDuplicated",
            ViolationKind::DoubleGrant => "doubleGrant",
            ViolationKind::TokenOrder => "tokenOrder",
            ViolationKind::StaleWrite => "staleWrite",
            ViolationKind::BeliefOverlap => "beliefOverlap",
            ViolationKind::Liveness => "liveness",
        }
    }
}

/// One violation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    /// What.
    pub kind: ViolationKind,
    /// When it happened (true time, ms): the overwrite that lost an update, the start of an
    /// overlap, the grant, the write, or the moment a wait went past its bound.
    pub at_ms: u64,
    /// The client it concerns ([`NO_CLIENT`] if none).
    pub client: u32,
    /// The other client involved (the other believer or holder), or [`NO_CLIENT`].
    pub other: u32,
    /// The resource (lock, SKU, partition).
    pub resource: u32,
    /// A token involved (0 if none).
    pub token: u64,
    /// A kind-specific number: the order id (orders), how long the wait was (liveness), the
    /// number of extra copies (duplicated orders), or the lost write's id (lost updates).
    pub value: u64,
}

/// Violations per kind, in [`ViolationKind::ALL`] order.
pub type ViolationCounts = [u64; 8];

/// Violations kept in full (all are counted).
const MAX_KEPT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct ServerLease {
    client: u32,
    token: u64,
    start: u64,
    expires: u64,
    ended: Option<u64>,
}

impl ServerLease {
    fn live_at(&self, t: u64) -> bool {
        self.start <= t && t < self.ended.unwrap_or(self.expires).min(self.expires)
    }

    /// How long it was held, counting up to `now` if still open.
    fn held(&self, now: u64) -> u64 {
        self.ended
            .unwrap_or(self.expires)
            .min(self.expires)
            .min(now)
            .saturating_sub(self.start)
    }
}

#[derive(Debug, Clone, Copy)]
struct WriteRec {
    parent: u32,
    client: u32,
    resource: u32,
    at: u64,
    token: u64,
    acked: bool,
}

#[derive(Debug, Default)]
struct Beliefs {
    open: Vec<(u32, u64)>,
    closed: Vec<(u32, u64, u64)>,
    last_end: u64,
}

/// The checker's state.
pub(crate) struct Checker {
    primitive: Primitive,
    bounded_wait: bool,
    /// V2 per holder ahead: `H_max + lock_delay`.
    per_holder: u64,
    /// V2's fixed part: the trips to learn of a grant and confirm it, a re-queue.
    trips: u64,
    gap_bound: u64,
    /// Liveness is judged for waits that start at or after this time.
    settled_at: u64,
    leases: Vec<Option<ServerLease>>,
    max_token: Vec<u64>,
    held_ms: Vec<u64>,
    beliefs: Vec<Beliefs>,
    /// Per client: when it started waiting, and the furthest back in the queue it has been.
    waiting_since: Vec<Option<(u64, u32)>>,
    writes: Vec<WriteRec>,
    /// Per client, write ids by operation number (operation numbers are dense per client; 0:
    /// not applied yet): a duplicated write message is the same write.
    write_ids: Vec<Vec<u32>>,
    found: Vec<Violation>,
    counts: ViolationCounts,
}

impl Checker {
    pub(crate) fn new(cfg: &SimConfig, actors: u32) -> Self {
        let resources = cfg.resources as usize;
        let renewals = if cfg.renewal {
            u64::from(cfg.max_renewals)
        } else {
            0
        };
        // V2: each holder ahead holds at most H_max = TTL·(1 + renewals), then lock-delay; the
        // waiter then learns of its grant and confirms it (three one-way trips), and may have
        // been re-queued once (a keep-alive interval, a timeout).
        let h_max = cfg.ttl_ms * (1 + renewals);
        let trips = 3 * cfg.latency_max_ms + cfg.request_timeout_ms + cfg.wait_ms;
        // V3: a leader lost is replaced within TTL + lock-delay, plus the candidate's
        // keep-alive interval and its confirmation.
        let gap_bound = 2 * cfg.ttl_ms + cfg.lock_delay_ms + trips + cfg.think_max_ms;
        // Everything a fault leaves behind is over by then: pauses, held messages, a restart
        // delay, leases granted before.
        let on = |yes: bool, ms: u64| if yes { ms } else { 0 };
        let settle = on(cfg.pause_ppm > 0, cfg.pause_max_ms)
            + on(cfg.partitions > 0, cfg.partition_max_ms)
            + on(cfg.crash_at_ms.is_some(), cfg.crash_down_ms)
            + on(cfg.reorder_ppm > 0, cfg.reorder_max_ms)
            + 2 * cfg.ttl_ms
            + cfg.lock_delay_ms
            + cfg.latency_max_ms;
        Checker {
            primitive: cfg.primitive,
            bounded_wait: cfg.primitive == Primitive::Lock && cfg.wait_ms > 0 && cfg.fifo,
            per_holder: h_max + cfg.lock_delay_ms,
            trips,
            gap_bound,
            settled_at: cfg.faults_until_ms + settle,
            leases: vec![None; resources],
            max_token: vec![0; resources],
            held_ms: vec![0; resources],
            beliefs: (0..resources).map(|_| Beliefs::default()).collect(),
            waiting_since: vec![None; actors as usize],
            writes: Vec::new(),
            write_ids: vec![Vec::new(); actors as usize],
            found: Vec::new(),
            counts: [0; 8],
        }
    }

    fn report(&mut self, v: Violation) {
        self.counts[v.kind as usize] += 1;
        if self.found.len() < MAX_KEPT {
            self.found.push(v);
        }
    }

    /// Server truth: `client` was granted `token` on `resource` for `[at, expires)`.
    pub(crate) fn on_grant(
        &mut self,
        resource: u32,
        client: u32,
        token: u64,
        at: u64,
        expires: u64,
    ) {
        let r = resource as usize;
        if let Some(prev) = self.leases[r] {
            self.held_ms[r] += prev.held(at);
            if prev.live_at(at) {
                self.report(Violation {
                    kind: ViolationKind::DoubleGrant,
                    at_ms: at,
                    client,
                    other: prev.client,
                    resource,
                    token,
                    value: prev.token,
                });
            }
        }
        if token <= self.max_token[r] {
            self.report(Violation {
                kind: ViolationKind::TokenOrder,
                at_ms: at,
                client,
                other: NO_CLIENT,
                resource,
                token,
                value: self.max_token[r],
            });
        }
        self.max_token[r] = self.max_token[r].max(token);
        self.leases[r] = Some(ServerLease {
            client,
            token,
            start: at,
            expires,
            ended: None,
        });
    }

    /// Server truth: the lease `token` on `resource` now expires at `expires`.
    pub(crate) fn on_renew(&mut self, resource: u32, token: u64, expires: u64) {
        if let Some(lease) = self.leases[resource as usize].as_mut() {
            if lease.token == token && lease.ended.is_none() {
                lease.expires = expires;
            }
        }
    }

    /// Server truth: the lease `token` on `resource` ended (expired or released) at `at`.
    pub(crate) fn on_lease_end(&mut self, resource: u32, token: u64, at: u64) {
        if let Some(lease) = self.leases[resource as usize].as_mut() {
            if lease.token == token && lease.ended.is_none() {
                lease.ended = Some(at);
            }
        }
    }

    /// Whether `token` is the live lease on `resource` at `t` (server truth).
    fn live(&self, resource: u32, token: u64, t: u64) -> bool {
        self.leases[resource as usize].is_some_and(|l| l.token == token && l.live_at(t))
    }

    /// `client` starts (or goes on) trying to acquire.
    pub(crate) fn on_wait_start(&mut self, client: u32, at: u64) {
        let slot = &mut self.waiting_since[client as usize];
        if slot.is_none() {
            *slot = Some((at, 1));
        }
    }

    /// The server queued `client` at `position` (1: next in line).
    pub(crate) fn on_queued(&mut self, client: u32, position: u32) {
        if let Some((_, furthest)) = self.waiting_since[client as usize].as_mut() {
            *furthest = (*furthest).max(position);
        }
    }

    /// V2: how long a waiter that was at most `position`-th in line may wait.
    fn wait_bound(&self, position: u32) -> u64 {
        u64::from(position) * self.per_holder + self.trips
    }

    /// `client` stops waiting (it holds, or gave up) at `at`; returns how long it waited.
    pub(crate) fn on_wait_end(&mut self, client: u32, resource: u32, at: u64) -> Option<u64> {
        let (since, position) = self.waiting_since[client as usize].take()?;
        let waited = at - since;
        let bound = self.wait_bound(position);
        if self.bounded_wait && since >= self.settled_at && waited > bound {
            self.report(Violation {
                kind: ViolationKind::Liveness,
                at_ms: since + bound,
                client,
                other: NO_CLIENT,
                resource,
                token: 0,
                value: waited,
            });
        }
        Some(waited)
    }

    /// `client` starts believing it holds `resource`.
    pub(crate) fn on_belief_start(&mut self, resource: u32, client: u32, at: u64) {
        self.beliefs[resource as usize].open.push((client, at));
    }

    /// `client` stops believing it holds `resource` at `at` (now).
    pub(crate) fn on_belief_end(&mut self, resource: u32, client: u32, at: u64) {
        let b = &mut self.beliefs[resource as usize];
        let Some(i) = b.open.iter().position(|&(c, _)| c == client) else {
            return;
        };
        let (_, start) = b.open.remove(i);
        b.last_end = b.last_end.max(at);
        let overlaps: Vec<(u32, u64)> = b
            .closed
            .iter()
            .filter(|&&(c, s, e)| c != client && start < e && s < at)
            .map(|&(c, s, _)| (c, s.max(start)))
            .collect();
        if at > start {
            b.closed.push((client, start, at));
        }
        let horizon = b.open.iter().map(|&(_, s)| s).min().unwrap_or(at).min(at);
        b.closed.retain(|&(_, _, e)| e > horizon);
        for (other, from) in overlaps {
            self.report(Violation {
                kind: ViolationKind::BeliefOverlap,
                at_ms: from,
                client,
                other,
                resource,
                token: 0,
                value: 0,
            });
        }
    }

    /// The id of `client`'s write for operation `op`: the one it already has if the store saw
    /// it before (a duplicated message), else the next (ids start at 1; 0 is the initial
    /// value).
    pub(crate) fn write_id(&self, client: u32, op: u32) -> u32 {
        self.write_ids
            .get(client as usize)
            .and_then(|ids| ids.get(op as usize))
            .copied()
            .filter(|&id| id != 0)
            .unwrap_or(self.writes.len() as u32 + 1)
    }

    /// The store applied write `id` (from [`Checker::write_id`]) by `client` with `token`,
    /// computed from write `parent`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_write(
        &mut self,
        id: u32,
        resource: u32,
        client: u32,
        op: u32,
        token: u64,
        parent: u32,
        at: u64,
    ) {
        if !self.live(resource, token, at) {
            self.report(Violation {
                kind: ViolationKind::StaleWrite,
                at_ms: at,
                client,
                other: NO_CLIENT,
                resource,
                token,
                value: id.into(),
            });
        }
        if id as usize > self.writes.len() {
            if let Some(ids) = self.write_ids.get_mut(client as usize) {
                if ids.len() <= op as usize {
                    ids.resize(op as usize + 1, 0);
                }
                ids[op as usize] = id;
            }
            self.writes.push(WriteRec {
                parent,
                client,
                resource,
                at,
                token,
                acked: false,
            });
        }
    }

    /// The client learnt that write `id` was applied.
    pub(crate) fn on_ack(&mut self, id: u32) {
        if let Some(w) = self.writes.get_mut(id as usize - 1) {
            w.acked = true;
        }
    }

    /// Lost updates given each resource's current writer (see the module docs).
    pub(crate) fn lost_updates(&self, heads: &[u32]) -> Vec<Violation> {
        let mut on_chain = vec![false; self.writes.len() + 1];
        for &head in heads {
            let mut id = head;
            while id != 0 && !on_chain[id as usize] {
                on_chain[id as usize] = true;
                id = self.writes[id as usize - 1].parent;
            }
        }
        let mut lost = Vec::new();
        for (i, w) in self.writes.iter().enumerate() {
            let id = i as u32 + 1;
            if !w.acked || on_chain[id as usize] {
                continue;
            }
            // The write that overwrote it: the first on its resource's chain after it.
            let at_ms = self.writes[i + 1..]
                .iter()
                .enumerate()
                .find(|(j, later)| {
                    later.resource == w.resource && on_chain[i + 2 + j] && later.parent < id
                })
                .map_or(w.at, |(_, later)| later.at);
            lost.push(Violation {
                kind: ViolationKind::LostUpdate,
                at_ms,
                client: w.client,
                other: NO_CLIENT,
                resource: w.resource,
                token: w.token,
                value: u64::from(id),
            });
        }
        lost
    }

    /// Liveness as of `now` (see the module docs): waiters past the bound, elections without a
    /// leader for longer than the bound.
    pub(crate) fn stalls(&self, now: u64) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.bounded_wait {
            for (c, waiting) in self.waiting_since.iter().enumerate() {
                if let Some((since, position)) = *waiting {
                    let bound = self.wait_bound(position);
                    if since >= self.settled_at && now - since > bound {
                        out.push(Violation {
                            kind: ViolationKind::Liveness,
                            at_ms: since + bound,
                            client: c as u32,
                            other: NO_CLIENT,
                            resource: 0,
                            token: 0,
                            value: now - since,
                        });
                    }
                }
            }
        }
        if self.primitive == Primitive::Election {
            for (r, b) in self.beliefs.iter().enumerate() {
                let since = b.last_end.max(self.settled_at);
                if b.open.is_empty() && now > since + self.gap_bound {
                    out.push(Violation {
                        kind: ViolationKind::Liveness,
                        at_ms: since + self.gap_bound,
                        client: NO_CLIENT,
                        other: NO_CLIENT,
                        resource: r as u32,
                        token: 0,
                        value: now - since,
                    });
                }
            }
        }
        out
    }

    /// Violations found online so far.
    pub(crate) fn found(&self) -> &[Violation] {
        &self.found
    }

    /// Online counts per kind.
    pub(crate) fn counts(&self) -> ViolationCounts {
        self.counts
    }

    /// Server-truth time held, summed over resources, up to `now`.
    pub(crate) fn held_ms(&self, now: u64) -> u64 {
        let closed: u64 = self.held_ms.iter().sum();
        let open: u64 = self.leases.iter().flatten().map(|l| l.held(now)).sum();
        closed + open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a write with a fresh operation number.
    fn write(c: &mut Checker, resource: u32, client: u32, token: u64, parent: u32, at: u64) -> u32 {
        let op = c.writes.len() as u32 + 1000;
        let id = c.write_id(client, op);
        c.on_write(id, resource, client, op, token, parent, at);
        id
    }

    fn checker() -> Checker {
        Checker::new(
            &SimConfig {
                clients: 3,
                ..SimConfig::default()
            },
            3,
        )
    }

    fn kinds(vs: &[Violation]) -> Vec<ViolationKind> {
        vs.iter().map(|v| v.kind).collect()
    }

    #[test]
    fn clean_history_is_clean() {
        let mut c = checker();
        // c0 holds [0, 100), writes 9 from the initial value; c1 holds [100, 200), writes 8.
        c.on_grant(0, 0, 1, 0, 100);
        c.on_belief_start(0, 0, 2);
        let w1 = write(&mut c, 0, 0, 1, 0, 20);
        c.on_ack(w1);
        c.on_belief_end(0, 0, 30);
        c.on_lease_end(0, 1, 30);
        c.on_grant(0, 1, 2, 30, 130);
        c.on_belief_start(0, 1, 33);
        let w2 = write(&mut c, 0, 1, 2, w1, 50);
        c.on_ack(w2);
        c.on_belief_end(0, 1, 60);
        assert!(c.found().is_empty());
        assert!(c.lost_updates(&[w2]).is_empty());
        assert_eq!(c.held_ms(1_000), 130);
    }

    #[test]
    fn lost_update_is_found_and_dated_at_the_overwrite() {
        let mut c = checker();
        // Both computed from the initial value: the second overwrote the first.
        c.on_grant(0, 0, 1, 0, 100);
        let w1 = write(&mut c, 0, 0, 1, 0, 20);
        c.on_ack(w1);
        c.on_grant(0, 1, 2, 100, 200);
        let w2 = write(&mut c, 0, 1, 2, 0, 150);
        c.on_ack(w2);
        let lost = c.lost_updates(&[w2]);
        assert_eq!(kinds(&lost), [ViolationKind::LostUpdate]);
        assert_eq!((lost[0].client, lost[0].at_ms, lost[0].value), (0, 150, 1));
        // An unacknowledged write that vanished is not counted.
        let mut c = checker();
        write(&mut c, 0, 0, 1, 0, 20);
        let w2 = write(&mut c, 0, 1, 2, 0, 150);
        assert!(c.lost_updates(&[w2]).is_empty());
    }

    #[test]
    fn a_duplicated_write_is_the_same_write() {
        let mut c = checker();
        let id = c.write_id(0, 7);
        c.on_write(id, 0, 0, 7, 1, 0, 10);
        c.on_ack(id);
        assert_eq!(c.write_id(0, 7), id);
        c.on_write(id, 0, 0, 7, 1, 0, 12); // applied again
        assert!(c.lost_updates(&[id]).is_empty());
        assert_eq!(c.write_id(0, 8), id + 1);
    }

    #[test]
    fn a_write_can_come_back_onto_the_chain() {
        let mut c = checker();
        let w1 = write(&mut c, 0, 0, 1, 0, 1);
        let w2 = write(&mut c, 0, 1, 2, w1, 2);
        let w3 = write(&mut c, 0, 2, 3, w1, 3); // overwrites w2
        for w in [w1, w2, w3] {
            c.on_ack(w);
        }
        assert_eq!(c.lost_updates(&[w3])[0].value, u64::from(w2));
        let w4 = write(&mut c, 0, 1, 4, w2, 4); // computed from w2: w3 is the lost one now
        c.on_ack(w4);
        assert_eq!(c.lost_updates(&[w4])[0].value, u64::from(w3));
    }

    #[test]
    fn server_safety_violations() {
        let mut c = checker();
        c.on_grant(0, 0, 5, 0, 100);
        c.on_grant(0, 1, 1, 50, 150); // live lease, lower token: N3
        assert_eq!(
            kinds(c.found()),
            [ViolationKind::DoubleGrant, ViolationKind::TokenOrder]
        );
        let w = write(&mut c, 0, 0, 5, 0, 60); // token 5 is no longer the lease
        assert_ne!(w, 0);
        assert_eq!(c.found()[2].kind, ViolationKind::StaleWrite);
    }

    #[test]
    fn renewal_extends_and_release_ends() {
        let mut c = checker();
        c.on_grant(0, 0, 1, 0, 100);
        c.on_renew(0, 1, 180);
        write(&mut c, 0, 0, 1, 0, 150);
        assert!(c.found().is_empty());
        c.on_lease_end(0, 1, 160);
        write(&mut c, 0, 0, 1, 0, 170);
        assert_eq!(kinds(c.found()), [ViolationKind::StaleWrite]);
        c.on_grant(0, 1, 2, 170, 270);
        assert_eq!(c.found().len(), 1);
    }

    #[test]
    fn belief_overlap_needs_two_clients_at_once() {
        let mut c = checker();
        c.on_belief_start(0, 0, 0);
        c.on_belief_end(0, 0, 100);
        c.on_belief_start(0, 1, 100); // touching, not overlapping
        c.on_belief_start(0, 2, 150);
        c.on_belief_end(0, 1, 200);
        c.on_belief_end(0, 2, 220);
        let found = c.found();
        assert_eq!(kinds(found), [ViolationKind::BeliefOverlap]);
        assert_eq!(
            (found[0].client, found[0].other, found[0].at_ms),
            (2, 1, 150)
        );
    }

    #[test]
    fn waits_past_the_bound_after_settling_are_liveness_failures() {
        let cfg = SimConfig {
            clients: 2,
            faults_until_ms: 0,
            ..SimConfig::default()
        };
        let mut c = Checker::new(&cfg, 2);
        let start = c.settled_at;
        c.on_wait_start(0, start);
        assert_eq!(c.on_wait_end(0, 0, start + 10), Some(10));
        assert!(c.found().is_empty());
        c.on_wait_start(1, start);
        c.on_queued(1, 2);
        let bound = 2 * c.per_holder + c.trips;
        assert!(c.stalls(start + bound).is_empty());
        assert_eq!(
            kinds(&c.stalls(start + bound + 1)),
            [ViolationKind::Liveness]
        );
        c.on_wait_end(1, 0, start + bound + 1);
        assert_eq!(kinds(c.found()), [ViolationKind::Liveness]);
    }
}
