//! Named configurations, each a small but real scenario. All use max-token fencing and seed 1;
//! change `fencing` to `Off` to watch the checker catch what fencing prevents.

use super::config::{CrashMode, Fencing, Primitive, SimConfig, Workload};

/// The preset names, in display order.
pub const NAMES: [&str; 8] = [
    "flashSale",
    "gcPause",
    "clockDrift",
    "serverCrash",
    "partition",
    "failover",
    "ringFailover",
    "orderQueue",
];

/// A one-line description of preset `name`.
pub fn describe(name: &str) -> Option<&'static str> {
    Some(match name {
        "flashSale" => {
            "50 buyers queue for one SKU's lock over a slightly lossy network; a few GC pauses"
        }
        "gcPause" => "a holder stops just before writing, for 1.1–10× the TTL (Kleppmann)",
        "clockDrift" => {
            "client clocks run up to ±30% fast or slow while clients allow for 1%: beliefs overlap"
        }
        "serverCrash" => {
            "the lease server crashes and loses its leases; back after 100 ms, it keeps its token counter and serves again a TTL after the crash"
        }
        "partition" => "clients are cut off for 0.5–5× the TTL; their held writes land after the heal",
        "failover" => {
            "three replicas elect a primary; the primary pauses past its lease and a backup takes over"
        }
        "ringFailover" => {
            "three lease nodes on a HashRing; one fails and its locks fail over to the next node"
        }
        "orderQueue" => {
            "orders hashed to 4 partitions; each partition's leader appends with its token as epoch"
        }
        _ => return None,
    })
}

/// The config of preset `name` (seed 1).
pub fn preset(name: &str) -> Option<SimConfig> {
    let base = SimConfig {
        seed: 1,
        duration_ms: 10_000,
        faults_until_ms: 7_000,
        ..SimConfig::default()
    };
    Some(match name {
        // The origin material's flash sale: everyone queues (FIFO) for one stock counter.
        "flashSale" => SimConfig {
            duration_ms: 12_000,
            faults_until_ms: 8_000,
            clients: 50,
            stock: 200,
            think_min_ms: 0,
            think_max_ms: 100,
            work_min_ms: 2,
            work_max_ms: 8,
            ttl_ms: 300,
            wait_ms: 3_000,
            request_timeout_ms: 40,
            latency_min_ms: 1,
            latency_max_ms: 8,
            loss_ppm: 10_000,
            dup_ppm: 10_000,
            reorder_ppm: 10_000,
            reorder_max_ms: 40,
            pause_ppm: 5_000,
            pause_min_ms: 100,
            pause_max_ms: 600,
            ..base
        },
        // F1: a pause between the validity check and the write, longer than the TTL.
        "gcPause" => SimConfig {
            clients: 5,
            ttl_ms: 100,
            wait_ms: 400,
            think_min_ms: 5,
            think_max_ms: 30,
            work_min_ms: 5,
            work_max_ms: 20,
            pause_ppm: 200_000,
            pause_min_ms: 110,
            pause_max_ms: 1_000,
            ..base
        },
        // F3: drift beyond what clients allow for; renewal on, so validity matters.
        "clockDrift" => SimConfig {
            clients: 8,
            ttl_ms: 100,
            wait_ms: 400,
            work_min_ms: 30,
            work_max_ms: 150,
            renewal: true,
            renew_percent: 50,
            max_renewals: 1,
            drift_max_ppm: 300_000,
            offset_max_ms: 4_096,
            ..base
        },
        // F9(b): a crash that loses every lease, with the delayed restart.
        "serverCrash" => SimConfig {
            clients: 8,
            ttl_ms: 200,
            wait_ms: 600,
            work_min_ms: 10,
            work_max_ms: 60,
            renewal: true,
            renew_percent: 50,
            max_renewals: 3,
            loss_ppm: 5_000,
            crash_at_ms: Some(3_000),
            crash_down_ms: 100,
            crash_mode: CrashMode::LoseState,
            ..base
        },
        // F10: one client at a time cut off; messages held and delivered at the heal.
        "partition" => SimConfig {
            clients: 8,
            ttl_ms: 100,
            wait_ms: 400,
            latency_min_ms: 2,
            latency_max_ms: 10,
            partitions: 12,
            partition_min_ms: 50,
            partition_max_ms: 500,
            ..base
        },
        // Primary/backup through LeaseTable's leader election.
        "failover" => SimConfig {
            clients: 3,
            primitive: Primitive::Election,
            ops_per_hold: 25,
            think_min_ms: 5,
            think_max_ms: 20,
            work_min_ms: 2,
            work_max_ms: 10,
            ttl_ms: 150,
            renewal: true,
            renew_percent: 40,
            max_renewals: 1_000,
            pause_ppm: 30_000,
            pause_min_ms: 200,
            pause_max_ms: 800,
            ..base
        },
        // A lease node of a ring of three fails; its SKUs' locks move to the next node.
        "ringFailover" => SimConfig {
            clients: 20,
            resources: 4,
            ttl_ms: 150,
            wait_ms: 600,
            work_min_ms: 5,
            work_max_ms: 20,
            lease_nodes: 3,
            node_down_at_ms: Some(4_000),
            loss_ppm: 5_000,
            pause_ppm: 20_000,
            pause_min_ms: 160,
            pause_max_ms: 600,
            ..base
        },
        // The message queue: partition leaders append orders with their token as the epoch.
        "orderQueue" => SimConfig {
            clients: 3,
            resources: 4,
            primitive: Primitive::Election,
            workload: Workload::Orders,
            ops_per_hold: 1_000_000,
            think_min_ms: 2,
            think_max_ms: 10,
            work_min_ms: 1,
            work_max_ms: 5,
            ttl_ms: 150,
            renewal: true,
            renew_percent: 40,
            max_renewals: 1_000_000,
            pause_ppm: 10_000,
            pause_min_ms: 200,
            pause_max_ms: 800,
            partitions: 3,
            partition_min_ms: 100,
            partition_max_ms: 400,
            order_interval_ms: 4,
            batch: 8,
            ..base
        },
        _ => return None,
    })
    .map(|c| SimConfig {
        fencing: Fencing::MaxToken,
        ..c
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_described() {
        for name in NAMES {
            preset(name).unwrap().validate().unwrap();
            assert!(describe(name).is_some(), "{name}");
        }
        assert!(preset("nope").is_none());
        assert_eq!(preset("flashSale").unwrap().clients, 50);
    }
}
