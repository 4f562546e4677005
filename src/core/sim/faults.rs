//! Faults: client clocks that drift, client pauses, partitions, and the schedule of server
//! crashes and node failures. Every draw comes from the fault generator, so the schedule of a
//! seed does not depend on what the network or the clients draw.

use super::config::SimConfig;
use super::rng::{Rng, PPM};

/// A client's clock: `local(t) = offset + t + floor(t × rate / 10^6)` for true time `t`.
/// Clients judge their leases on it; the lease server uses true time. `rate` is in ppm and
/// greater than −10^6, so local time never runs backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    pub(crate) offset_ms: i64,
    pub(crate) rate_ppm: i64,
}

impl Clock {
    pub(crate) const EXACT: Clock = Clock {
        offset_ms: 0,
        rate_ppm: 0,
    };

    /// The local reading at true time `t`.
    pub(crate) fn local(self, t: u64) -> i64 {
        let t = t as i64;
        self.offset_ms + t + (t * self.rate_ppm).div_euclid(i64::from(PPM))
    }

    /// The first true time at which the local clock reads at least `local`.
    pub(crate) fn true_at(self, local: i64) -> u64 {
        let d = local - self.offset_ms;
        if d <= 0 {
            return 0;
        }
        // floor(t·k / 10^6) ≥ d  ⇔  t·k ≥ d·10^6  (k = 10^6 + rate > 0)
        let k = i64::from(PPM) + self.rate_ppm;
        let need = d * i64::from(PPM);
        ((need + k - 1) / k) as u64
    }
}

/// A scheduled fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Group (client or broker) `group` is cut off until `until`.
    PartitionStart { group: u32, until: u64 },
    /// A partition of `group` ends (if nothing extended it).
    PartitionEnd { group: u32 },
    /// A paused group runs again.
    Resume { group: u32 },
    /// Lease server `node` crashes.
    Crash { node: u32 },
    /// Lease server `node` restarts.
    Restart { node: u32, crashed_at: u64 },
    /// Lease node `node` fails for good; its resources move to the next node on the ring.
    NodeDown { node: u32 },
}

/// The clocks and the up-front schedule of a run.
pub(crate) struct FaultPlan {
    pub(crate) clocks: Vec<Clock>,
    pub(crate) schedule: Vec<(u64, Fault)>,
}

impl FaultPlan {
    /// Draws one clock per group and the schedule (partitions, crash, node failure).
    pub(crate) fn draw(cfg: &SimConfig, groups: u32, rng: &mut Rng) -> Self {
        let clocks = (0..groups)
            .map(|_| Clock {
                rate_ppm: rng.symmetric(cfg.drift_max_ppm.into()),
                offset_ms: rng.symmetric(cfg.offset_max_ms),
            })
            .collect();
        let mut schedule = Vec::new();
        if cfg.faults_until_ms > 0 {
            for _ in 0..cfg.partitions {
                let at = rng.below(cfg.faults_until_ms);
                let group = rng.below(groups.into()) as u32;
                let until = at + rng.range(cfg.partition_min_ms, cfg.partition_max_ms);
                schedule.push((at, Fault::PartitionStart { group, until }));
            }
        }
        if let Some(at) = cfg.crash_at_ms {
            schedule.push((at, Fault::Crash { node: 0 }));
        }
        if let Some(at) = cfg.node_down_at_ms {
            schedule.push((at, Fault::NodeDown { node: 0 }));
        }
        FaultPlan { clocks, schedule }
    }
}

/// Whether a client about to send its write stops first, and for how long (ms).
pub(crate) fn pause(cfg: &SimConfig, now: u64, rng: &mut Rng) -> Option<u64> {
    if now >= cfg.faults_until_ms || !rng.chance(cfg.pause_ppm) {
        return None;
    }
    Some(rng.range(cfg.pause_min_ms, cfg.pause_max_ms)).filter(|&d| d > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_inverse_is_the_first_instant() {
        for clock in [
            Clock::EXACT,
            Clock {
                offset_ms: -300,
                rate_ppm: -500_000,
            },
            Clock {
                offset_ms: 4096,
                rate_ppm: 333_333,
            },
            Clock {
                offset_ms: 7,
                rate_ppm: -1,
            },
        ] {
            for t in (0..5_000u64).step_by(7) {
                let l = clock.local(t);
                let back = clock.true_at(l);
                assert!(back <= t && clock.local(back) >= l, "{clock:?} {t}");
                assert!(back == 0 || clock.local(back - 1) < l, "{clock:?} {t}");
                assert!(clock.local(t + 1) >= l);
            }
        }
    }

    #[test]
    fn no_pause_after_faults_stop() {
        let cfg = SimConfig {
            pause_ppm: PPM,
            pause_min_ms: 5,
            pause_max_ms: 5,
            ..SimConfig::default()
        };
        let mut rng = Rng::new(1, 1);
        assert_eq!(pause(&cfg, 0, &mut rng), Some(5));
        assert_eq!(pause(&cfg, cfg.faults_until_ms, &mut rng), None);
    }
}
