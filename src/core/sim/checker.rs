//! The checker: safety always on, liveness after the faults stop (docs/invariants.md).
//!
//! Safety is judged by the history checker ([`crate::core::history::Judge`]): the simulation
//! records its run as a history (client operations, and the server's and the store's view) and
//! feeds each record to the judge as it happens, so a run exported as a history and checked
//! again gives the same verdict and coverage:
//! - `doubleGrant` (L1), `tokenOrder` (L2), `staleWrite` (L3: the store applied tokens out of
//!   order, never with fencing on; with `strict` fencing also L3-s, a write applied outside the
//!   live lease), `beliefOverlap` (L10), `lostUpdate` (L12): see the judge. With `maxToken`
//!   fencing a paused holder whose lease expired before anybody else wrote is let through by
//!   design, and counted as coverage (`expiredWritesApplied`).
//!
//! The simulation alone judges, from its own state:
//! - `liveness` (V2): after the faults stop and settle, a waiter (lock, queued, FIFO) waited
//!   longer than the bound; a waiter still waiting past the bound, or an election without a
//!   leader for longer than the bound (V3).
//! - `orderLost` / `orderDuplicated`: an acknowledged order missing from its partition's log,
//!   or an order in it more than once.

use super::config::{Primitive, SimConfig};
use super::event::NO_CLIENT;
use crate::core::history::Judge;
pub use crate::core::history::{Violation, ViolationCounts, ViolationKind, NO_RECORD};

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
    resources: u32,
    /// Per client: when it started waiting, and the furthest back in the queue it has been.
    waiting_since: Vec<Option<(u64, u32)>>,
    /// Per client, write ids by operation number (operation numbers are dense per client; 0:
    /// not applied yet): a duplicated write message is the same write.
    write_ids: Vec<Vec<u32>>,
    /// Liveness violations found online.
    found: Vec<Violation>,
    liveness: u64,
    /// The safety checker, fed the run's history.
    pub(crate) judge: Judge,
}

impl Checker {
    pub(crate) fn new(cfg: &SimConfig, actors: u32) -> Self {
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
            resources: cfg.resources,
            waiting_since: vec![None; actors as usize],
            write_ids: vec![Vec::new(); actors as usize],
            found: Vec::new(),
            liveness: 0,
            judge: Judge::new(Some(cfg.fencing)),
        }
    }

    fn report(&mut self, v: Violation) {
        self.liveness += 1;
        if self.found.len() < crate::core::history::MAX_KEPT {
            self.found.push(v);
        }
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
                record: NO_RECORD,
                other_record: NO_RECORD,
            });
        }
        Some(waited)
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
            .unwrap_or(self.judge.write_count() + 1)
    }

    /// The store applied write `id` (from [`Checker::write_id`]) of `client`'s operation `op`.
    pub(crate) fn on_applied(&mut self, client: u32, op: u32, id: u32) {
        if let Some(ids) = self.write_ids.get_mut(client as usize) {
            if ids.len() <= op as usize {
                ids.resize(op as usize + 1, 0);
            }
            ids[op as usize] = id;
        }
    }

    /// Liveness as of `now` (see the module docs): waiters past the bound, elections without a
    /// leader for longer than the bound.
    pub(crate) fn stalls(&self, now: u64) -> Vec<Violation> {
        let mut out = Vec::new();
        let stall = |client, resource, at_ms, value| Violation {
            kind: ViolationKind::Liveness,
            at_ms,
            client,
            other: NO_CLIENT,
            resource,
            token: 0,
            value,
            record: NO_RECORD,
            other_record: NO_RECORD,
        };
        if self.bounded_wait {
            for (c, waiting) in self.waiting_since.iter().enumerate() {
                if let Some((since, position)) = *waiting {
                    let bound = self.wait_bound(position);
                    if since >= self.settled_at && now - since > bound {
                        out.push(stall(c as u32, 0, since + bound, now - since));
                    }
                }
            }
        }
        if self.primitive == Primitive::Election {
            for r in 0..self.resources {
                let Some(last_end) = self.judge.leaderless_since(r) else {
                    continue;
                };
                let since = last_end.max(self.settled_at);
                if now > since + self.gap_bound {
                    out.push(stall(NO_CLIENT, r, since + self.gap_bound, now - since));
                }
            }
        }
        out
    }

    /// Violations found online so far: the judge's, then liveness.
    pub(crate) fn found(&self) -> Vec<Violation> {
        let mut all = self.judge.found().to_vec();
        all.extend_from_slice(&self.found);
        all
    }

    /// Online counts per kind.
    pub(crate) fn counts(&self) -> ViolationCounts {
        let mut counts = self.judge.counts();
        counts[ViolationKind::Liveness as usize] += self.liveness;
        counts
    }

    /// Server-truth time held, summed over resources, up to `now`.
    pub(crate) fn held_ms(&self, now: u64) -> u64 {
        self.judge.held_ms(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(vs: &[Violation]) -> Vec<ViolationKind> {
        vs.iter().map(|v| v.kind).collect()
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
        assert_eq!(kinds(&c.found()), [ViolationKind::Liveness]);
        assert_eq!(c.counts()[ViolationKind::Liveness as usize], 1);
    }

    #[test]
    fn a_duplicated_write_keeps_its_id() {
        let mut c = Checker::new(&SimConfig::default(), 3);
        let id = c.write_id(0, 7);
        assert_eq!(id, 1);
        c.on_applied(0, 7, id);
        assert_eq!(c.write_id(0, 7), id);
    }
}
