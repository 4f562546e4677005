//! The network: per-message latency drawn from a range, loss, duplication, and reordering (a
//! message held back by an extra delay, so later ones overtake it), all as integer ppm and
//! milliseconds. A message to or from a partitioned client is held and delivered when the
//! partition heals. Loss, duplication and reordering stop at `faultsUntilMs`.

use super::config::SimConfig;
use super::rng::Rng;
use super::storage::Cell;

/// Where a message goes. The client it concerns travels in the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// The client named in the envelope.
    Client,
    /// Lease server (node) `n`.
    Lease(u32),
    /// The fenced store.
    Store,
}

/// What a lease server answered to an acquire (or campaign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Held by the client under `token` for `remaining_ms` more of server time.
    Granted { token: u64, remaining_ms: u64 },
    /// Queued at `position`.
    Queued { position: u32 },
    /// Held by someone else (or in lock-delay) and the request did not wait.
    Busy,
    /// The request already ran its course.
    Finished,
}

/// A message. `sent` fields are the client's local send time, echoed back in the reply so the
/// client can measure validity from the send of the very attempt that was answered (the
/// client's own memory of its attempts, carried along for simplicity; the server never reads
/// it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Msg {
    /// Acquire (lock) or campaign (election) with request number `req`.
    Acquire { req: u32, sent: i64 },
    /// Renew (lock) or campaign again (election) under `token`.
    Renew { token: u64, sent: i64 },
    /// Release (lock) or resign (election).
    Release { token: u64 },
    /// The answer to an acquire.
    AcquireReply {
        req: u32,
        sent: i64,
        outcome: Outcome,
    },
    /// A queued request was granted (or a candidate elected) at the server.
    Granted { req: u32, token: u64 },
    /// The answer to a renew: remaining server time, or `None` if refused.
    RenewReply {
        token: u64,
        sent: i64,
        remaining_ms: Option<u64>,
    },
    /// Read the resource's cell under `token`.
    Read { token: u64, op: u32 },
    /// Write `cell` under `token`; `parent` is the write the value was computed from.
    Write {
        token: u64,
        op: u32,
        parent: u32,
        cell: Cell,
    },
    /// The cell read, or `None` if the store refused the read.
    ReadReply { op: u32, cell: Option<Cell> },
    /// Whether the write was applied, and its write id if it was.
    WriteReply { op: u32, write: Option<u32> },
}

/// Network state: which client groups are cut off, until when.
pub(crate) struct Network {
    isolated_until: Vec<u64>,
}

/// What happened to one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Route {
    /// Delivery times: none (lost), one, or two (duplicated).
    pub(crate) at: [Option<u64>; 2],
}

impl Network {
    pub(crate) fn new(groups: u32) -> Self {
        Network {
            isolated_until: vec![0; groups as usize],
        }
    }

    /// Cuts `group` off until `until` (extending a partition already in force).
    pub(crate) fn isolate(&mut self, group: u32, until: u64) {
        let slot = &mut self.isolated_until[group as usize];
        *slot = (*slot).max(until);
    }

    /// Whether `group`'s partition ends exactly at `now`.
    pub(crate) fn heals_at(&self, group: u32, now: u64) -> bool {
        self.isolated_until[group as usize] == now
    }

    /// Routes a message sent at `now` to or from a client of `group`.
    pub(crate) fn route(&self, cfg: &SimConfig, rng: &mut Rng, now: u64, group: u32) -> Route {
        let faulty = now < cfg.faults_until_ms;
        if faulty && rng.chance(cfg.loss_ppm) {
            return Route::default();
        }
        let start = now.max(self.isolated_until[group as usize]);
        let mut first = start + rng.range(cfg.latency_min_ms, cfg.latency_max_ms);
        if faulty && cfg.reorder_max_ms > 0 && rng.chance(cfg.reorder_ppm) {
            first += rng.range(1, cfg.reorder_max_ms);
        }
        let second = (faulty && rng.chance(cfg.dup_ppm))
            .then(|| start + rng.range(cfg.latency_min_ms, cfg.latency_max_ms));
        Route {
            at: [Some(first), second],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sim::rng::PPM;

    #[test]
    fn partitions_hold_messages_until_heal() {
        let cfg = SimConfig {
            latency_min_ms: 3,
            latency_max_ms: 3,
            ..SimConfig::default()
        };
        let mut net = Network::new(2);
        let mut rng = Rng::new(1, 0);
        net.isolate(1, 500);
        assert_eq!(net.route(&cfg, &mut rng, 10, 0).at, [Some(13), None]);
        assert_eq!(net.route(&cfg, &mut rng, 10, 1).at, [Some(503), None]);
        assert!(net.heals_at(1, 500));
    }

    #[test]
    fn loss_and_duplication_stop_with_the_faults() {
        let cfg = SimConfig {
            loss_ppm: PPM,
            ..SimConfig::default()
        };
        let net = Network::new(1);
        let mut rng = Rng::new(1, 0);
        assert_eq!(net.route(&cfg, &mut rng, 0, 0).at, [None, None]);
        assert!(net.route(&cfg, &mut rng, cfg.faults_until_ms, 0).at[0].is_some());
        let cfg = SimConfig {
            dup_ppm: PPM,
            ..SimConfig::default()
        };
        assert!(net.route(&cfg, &mut rng, 0, 0).at[1].is_some());
    }
}
