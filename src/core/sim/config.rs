//! What a simulation runs: every knob in one flat [`SimConfig`], and its validation.
//!
//! All times are integer milliseconds, all probabilities integer parts per million (ppm), all
//! percentages integers. [`SimConfig::validate`] checks every field and names the offending one
//! by its JavaScript name (`clients`, `ttlMs`, …) in a [`ConfigError`].

use std::fmt;

use super::rng::PPM;
pub use crate::core::store::Fencing;

/// Largest `durationMs` (ten simulated minutes).
pub const MAX_DURATION_MS: u64 = 600_000;
/// Largest number of actors (clients; for the orders workload, brokers × partitions).
pub const MAX_ACTORS: u64 = 1_000;
/// Largest number of resources (locks, SKUs, partitions).
pub const MAX_RESOURCES: u64 = 64;
/// Largest TTL, wait, timeout, think/work time and other durations (one simulated minute).
pub const MAX_SPAN_MS: u64 = 60_000;
/// Largest clock drift rate: ±50% (docs/invariants.md F3's widest).
pub const MAX_DRIFT_PPM: u64 = 500_000;
/// Largest client clock offset: 2^18 ms, Jepsen's largest clock bump.
pub const MAX_OFFSET_MS: u64 = 1 << 18;
/// Largest seed: seeds cross to JavaScript as exact numbers.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Which lease primitive the clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `LeaseTable::acquire` / `renew` / `release` on a lock per resource.
    Lock,
    /// `LeaseTable::campaign` / `resign` on an election per resource (primary/backup).
    Election,
}

impl Primitive {
    /// The JavaScript name.
    pub fn as_str(self) -> &'static str {
        match self {
            Primitive::Lock => "lock",
            Primitive::Election => "election",
        }
    }

    /// The primitive named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Primitive::Lock, Primitive::Election]
            .into_iter()
            .find(|p| p.as_str() == name)
    }
}

/// What the clients do while they hold a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Read a counter (the stock of a SKU) and write it back minus one.
    Counter,
    /// Append orders to a partition's log (the order queue): each resource is a partition, each
    /// client a broker with one replica per partition.
    Orders,
}

impl Workload {
    /// The JavaScript name.
    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Counter => "counter",
            Workload::Orders => "orders",
        }
    }

    /// The workload named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Workload::Counter, Workload::Orders]
            .into_iter()
            .find(|w| w.as_str() == name)
    }
}

/// What a lease-server crash does to its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashMode {
    /// Leases and queues survive (persisted); the server is unreachable while down.
    KeepState,
    /// Leases are lost. The token high-water mark survives, and the server answers nothing
    /// until `ttlMs + lockDelayMs` after the crash, so every lease from before has expired
    /// (Redlock's delayed restart; docs/invariants.md L11).
    LoseState,
    /// Leases and the token counter are lost and the server serves at once: the negative
    /// control N3, which the checker must catch.
    LoseStateNoDelay,
}

impl CrashMode {
    /// The JavaScript name.
    pub fn as_str(self) -> &'static str {
        match self {
            CrashMode::KeepState => "keepState",
            CrashMode::LoseState => "loseState",
            CrashMode::LoseStateNoDelay => "loseStateNoDelay",
        }
    }

    /// The mode named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            CrashMode::KeepState,
            CrashMode::LoseState,
            CrashMode::LoseStateNoDelay,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }

    /// The code used in [`super::EventKind::ServerCrash`] events.
    pub fn code(self) -> i64 {
        match self {
            CrashMode::KeepState => 0,
            CrashMode::LoseState => 1,
            CrashMode::LoseStateNoDelay => 2,
        }
    }
}

/// Everything a run depends on. Same config (seed included) → same trace.
///
/// Field docs give the JavaScript name in backticks and the allowed range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    /// `seed`: 0..=2^53−1.
    pub seed: u64,
    /// `durationMs`: simulated time to run, 1..=600,000.
    pub duration_ms: u64,
    /// `faultsUntilMs`: no pause, partition, crash, loss, duplication or reordering starts at or
    /// after this time; liveness is judged after it. ≤ `durationMs`.
    pub faults_until_ms: u64,
    /// `clients`: client processes (brokers for the orders workload), 1..=1000.
    pub clients: u32,
    /// `resources`: locks / SKUs / partitions, 1..=64.
    pub resources: u32,
    /// `stock`: each counter's starting value, 0..=10^9. A client that reads 0 stops.
    pub stock: u64,
    /// `primitive`: `"lock"` or `"election"`.
    pub primitive: Primitive,
    /// `workload`: `"counter"` or `"orders"`.
    pub workload: Workload,
    /// `opsPerHold`: operations a client does per lease before releasing, 1..=10^6.
    pub ops_per_hold: u32,
    /// `thinkMinMs`..=`thinkMaxMs`: pause between operations (before acquiring, or between
    /// operations under one lease), on the client's clock.
    pub think_min_ms: u64,
    /// `thinkMaxMs`: ≥ `thinkMinMs`.
    pub think_max_ms: u64,
    /// `workMinMs`..=`workMaxMs`: time between reading and writing.
    pub work_min_ms: u64,
    /// `workMaxMs`: ≥ `workMinMs`.
    pub work_max_ms: u64,
    /// `ttlMs`: lease TTL, 1..=60,000.
    pub ttl_ms: u64,
    /// `waitMs`: how long a lock request may wait in the server's queue, 0..=60,000; 0: do
    /// not queue, back off and retry when busy. Queued clients re-send the same request every
    /// `waitMs / 2` as a keep-alive.
    pub wait_ms: u64,
    /// `requestTimeoutMs`: a request with no answer is re-sent after this long, 1..=60,000.
    pub request_timeout_ms: u64,
    /// `retryMinMs`..=`retryMaxMs`: back-off after a busy answer.
    pub retry_min_ms: u64,
    /// `retryMaxMs`: ≥ `retryMinMs`.
    pub retry_max_ms: u64,
    /// `renewal`: renew the lease while holding it.
    pub renewal: bool,
    /// `renewPercent`: renew after this percentage of the TTL, 1..=99.
    pub renew_percent: u32,
    /// `maxRenewals`: renewals per lease, 0..=10^6 (a finite cap keeps waits bounded).
    pub max_renewals: u32,
    /// `lockDelayMs`: the LeaseTable's lock-delay after an expiry, 0..=60,000.
    pub lock_delay_ms: u64,
    /// `fifo`: serve waiters in arrival order (else in owner-name order).
    pub fifo: bool,
    /// `fencing`: `"off"`, `"maxToken"` or `"strict"` (strict needs primitive `"lock"`: the
    /// store's liveness check knows lock leases only).
    pub fencing: Fencing,
    /// `assumedDriftPpm`: the clock drift clients allow for when judging their lease,
    /// 0..=500,000 (Redlock's drift factor).
    pub assumed_drift_ppm: u32,
    /// `marginMs`: safety margin subtracted from every validity, 0..=60,000.
    pub margin_ms: u64,
    /// `latencyMinMs`..=`latencyMaxMs`: one-way message latency.
    pub latency_min_ms: u64,
    /// `latencyMaxMs`: ≥ `latencyMinMs`, ≤ 60,000.
    pub latency_max_ms: u64,
    /// `lossPpm`: probability a message is lost, 0..=10^6.
    pub loss_ppm: u32,
    /// `dupPpm`: probability a message is delivered twice, 0..=10^6.
    pub dup_ppm: u32,
    /// `reorderPpm`: probability a message is held back by an extra delay (so later messages
    /// overtake it), 0..=10^6.
    pub reorder_ppm: u32,
    /// `reorderMaxMs`: the extra delay, 1..=`reorderMaxMs` ms, 0..=60,000.
    pub reorder_max_ms: u64,
    /// `pausePpm`: probability that a client stops (GC, SIGSTOP) just after checking its lease
    /// and before sending its write: Kleppmann's scenario. 0..=10^6.
    pub pause_ppm: u32,
    /// `pauseMinMs`..=`pauseMaxMs`: how long.
    pub pause_min_ms: u64,
    /// `pauseMaxMs`: ≥ `pauseMinMs`, ≤ 60,000.
    pub pause_max_ms: u64,
    /// `driftMaxPpm`: each client's clock runs at a rate drawn from ±this, 0..=500,000.
    pub drift_max_ppm: u32,
    /// `offsetMaxMs`: each client's clock starts at an offset drawn from ±this, 0..=2^18.
    pub offset_max_ms: u64,
    /// `partitions`: how many times a client (broker) is cut off, 0..=1000.
    pub partitions: u32,
    /// `partitionMinMs`..=`partitionMaxMs`: how long each lasts. Messages to and from the
    /// cut-off client are held and delivered when it heals.
    pub partition_min_ms: u64,
    /// `partitionMaxMs`: ≥ `partitionMinMs`, ≤ 60,000.
    pub partition_max_ms: u64,
    /// `crashAtMs`: when lease server 0 crashes (`None`: never). < `faultsUntilMs`.
    pub crash_at_ms: Option<u64>,
    /// `crashDownMs`: how long it stays down, 1..=60,000.
    pub crash_down_ms: u64,
    /// `crashMode`: `"keepState"`, `"loseState"` or `"loseStateNoDelay"`.
    pub crash_mode: CrashMode,
    /// `leaseNodes`: lease servers, 1..=16. With more than one, a HashRing places each
    /// resource's lock on one of them.
    pub lease_nodes: u32,
    /// `nodeDownAtMs`: when the lease node owning resource 0 goes down for good (`None`:
    /// never); needs `leaseNodes` ≥ 2. < `faultsUntilMs`.
    pub node_down_at_ms: Option<u64>,
    /// `orderIntervalMs`: orders workload: a new order every this many ms, 1..=60,000.
    pub order_interval_ms: u64,
    /// `batch`: orders workload: most orders appended per write, 1..=1000.
    pub batch: u32,
}

/// Why a config was refused: the field (its JavaScript name) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The field's JavaScript name, e.g. `"ttlMs"`.
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Outside `min..=max`.
    OutOfRange {
        /// The value received.
        value: u64,
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// Breaks a rule that involves another field.
    Conflict(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::OutOfRange { value, min, max } => write!(
                f,
                "{} must be an integer in [{min}, {max}], got {value}",
                self.field
            ),
            Problem::Conflict(rule) => write!(f, "{} {rule}", self.field),
        }
    }
}

impl std::error::Error for ConfigError {}

fn range(field: &'static str, value: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            problem: Problem::OutOfRange { value, min, max },
        })
    }
}

fn conflict(field: &'static str, rule: &'static str) -> ConfigError {
    ConfigError {
        field,
        problem: Problem::Conflict(rule),
    }
}

impl SimConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let ppm = u64::from(PPM);
        range("seed", self.seed, 0, MAX_SEED)?;
        range("durationMs", self.duration_ms, 1, MAX_DURATION_MS)?;
        range("faultsUntilMs", self.faults_until_ms, 0, self.duration_ms)?;
        range("clients", self.clients.into(), 1, MAX_ACTORS)?;
        range("resources", self.resources.into(), 1, MAX_RESOURCES)?;
        if self.actors() > MAX_ACTORS {
            return Err(conflict(
                "clients",
                "× resources must be at most 1000 for the orders workload",
            ));
        }
        range("stock", self.stock, 0, 1_000_000_000)?;
        range("opsPerHold", self.ops_per_hold.into(), 1, 1_000_000)?;
        range("thinkMinMs", self.think_min_ms, 0, MAX_SPAN_MS)?;
        range(
            "thinkMaxMs",
            self.think_max_ms,
            self.think_min_ms,
            MAX_SPAN_MS,
        )?;
        range("workMinMs", self.work_min_ms, 0, MAX_SPAN_MS)?;
        range("workMaxMs", self.work_max_ms, self.work_min_ms, MAX_SPAN_MS)?;
        range("ttlMs", self.ttl_ms, 1, MAX_SPAN_MS)?;
        range("waitMs", self.wait_ms, 0, MAX_SPAN_MS)?;
        range("requestTimeoutMs", self.request_timeout_ms, 1, MAX_SPAN_MS)?;
        range("retryMinMs", self.retry_min_ms, 1, MAX_SPAN_MS)?;
        range(
            "retryMaxMs",
            self.retry_max_ms,
            self.retry_min_ms,
            MAX_SPAN_MS,
        )?;
        range("renewPercent", self.renew_percent.into(), 1, 99)?;
        range("maxRenewals", self.max_renewals.into(), 0, 1_000_000)?;
        range("lockDelayMs", self.lock_delay_ms, 0, MAX_SPAN_MS)?;
        range(
            "assumedDriftPpm",
            self.assumed_drift_ppm.into(),
            0,
            MAX_DRIFT_PPM,
        )?;
        range("marginMs", self.margin_ms, 0, MAX_SPAN_MS)?;
        range("latencyMinMs", self.latency_min_ms, 0, MAX_SPAN_MS)?;
        range(
            "latencyMaxMs",
            self.latency_max_ms,
            self.latency_min_ms,
            MAX_SPAN_MS,
        )?;
        range("lossPpm", self.loss_ppm.into(), 0, ppm)?;
        range("dupPpm", self.dup_ppm.into(), 0, ppm)?;
        range("reorderPpm", self.reorder_ppm.into(), 0, ppm)?;
        range("reorderMaxMs", self.reorder_max_ms, 0, MAX_SPAN_MS)?;
        range("pausePpm", self.pause_ppm.into(), 0, ppm)?;
        range("pauseMinMs", self.pause_min_ms, 0, MAX_SPAN_MS)?;
        range(
            "pauseMaxMs",
            self.pause_max_ms,
            self.pause_min_ms,
            MAX_SPAN_MS,
        )?;
        range("driftMaxPpm", self.drift_max_ppm.into(), 0, MAX_DRIFT_PPM)?;
        range("offsetMaxMs", self.offset_max_ms, 0, MAX_OFFSET_MS)?;
        range("partitions", self.partitions.into(), 0, 1_000)?;
        range("partitionMinMs", self.partition_min_ms, 1, MAX_SPAN_MS)?;
        range(
            "partitionMaxMs",
            self.partition_max_ms,
            self.partition_min_ms,
            MAX_SPAN_MS,
        )?;
        range("crashDownMs", self.crash_down_ms, 1, MAX_SPAN_MS)?;
        if let Some(at) = self.crash_at_ms {
            range("crashAtMs", at, 0, self.faults_until_ms.saturating_sub(1))?;
        }
        range("leaseNodes", self.lease_nodes.into(), 1, 16)?;
        if let Some(at) = self.node_down_at_ms {
            range(
                "nodeDownAtMs",
                at,
                0,
                self.faults_until_ms.saturating_sub(1),
            )?;
            if self.lease_nodes < 2 {
                return Err(conflict("nodeDownAtMs", "needs leaseNodes ≥ 2"));
            }
        }
        range("orderIntervalMs", self.order_interval_ms, 1, MAX_SPAN_MS)?;
        range("batch", self.batch.into(), 1, 1_000)?;
        if self.fencing == Fencing::Strict && self.primitive == Primitive::Election {
            // FencedStore's strict check asks LeaseTable::is_live, which knows lock leases only.
            return Err(conflict(
                "fencing",
                "\"strict\" needs primitive \"lock\" (the store checks lock leases only)",
            ));
        }
        if self.workload == Workload::Orders && self.primitive != Primitive::Election {
            return Err(conflict(
                "workload",
                "\"orders\" needs primitive \"election\" (each partition has a leader)",
            ));
        }
        Ok(())
    }

    /// How many actors run: `clients`, or `clients × resources` for the orders workload (one
    /// replica per broker and partition).
    pub fn actors(&self) -> u64 {
        match self.workload {
            Workload::Counter => u64::from(self.clients),
            Workload::Orders => u64::from(self.clients) * u64::from(self.resources),
        }
    }
}

impl Default for SimConfig {
    /// Five clients on one lock over a clean network, max-token fencing, no faults.
    fn default() -> Self {
        SimConfig {
            seed: 1,
            duration_ms: 10_000,
            faults_until_ms: 7_000,
            clients: 5,
            resources: 1,
            stock: 1_000_000,
            primitive: Primitive::Lock,
            workload: Workload::Counter,
            ops_per_hold: 1,
            think_min_ms: 5,
            think_max_ms: 50,
            work_min_ms: 5,
            work_max_ms: 20,
            ttl_ms: 200,
            wait_ms: 400,
            request_timeout_ms: 50,
            retry_min_ms: 5,
            retry_max_ms: 30,
            renewal: false,
            renew_percent: 50,
            max_renewals: 3,
            lock_delay_ms: 0,
            fifo: true,
            fencing: Fencing::MaxToken,
            assumed_drift_ppm: 10_000,
            margin_ms: 5,
            latency_min_ms: 1,
            latency_max_ms: 5,
            loss_ppm: 0,
            dup_ppm: 0,
            reorder_ppm: 0,
            reorder_max_ms: 0,
            pause_ppm: 0,
            pause_min_ms: 0,
            pause_max_ms: 0,
            drift_max_ppm: 0,
            offset_max_ms: 0,
            partitions: 0,
            partition_min_ms: 100,
            partition_max_ms: 1_000,
            crash_at_ms: None,
            crash_down_ms: 500,
            crash_mode: CrashMode::LoseState,
            lease_nodes: 1,
            node_down_at_ms: None,
            order_interval_ms: 10,
            batch: 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(config: SimConfig) -> &'static str {
        config.validate().unwrap_err().field
    }

    #[test]
    fn default_is_valid() {
        SimConfig::default().validate().unwrap();
    }

    #[test]
    fn bad_values_name_the_field() {
        let d = SimConfig::default;
        assert_eq!(field_of(SimConfig { clients: 0, ..d() }), "clients");
        assert_eq!(
            field_of(SimConfig {
                clients: 1001,
                ..d()
            }),
            "clients"
        );
        assert_eq!(field_of(SimConfig { ttl_ms: 0, ..d() }), "ttlMs");
        assert_eq!(
            field_of(SimConfig {
                ttl_ms: 60_001,
                ..d()
            }),
            "ttlMs"
        );
        assert_eq!(
            field_of(SimConfig {
                seed: 1 << 53,
                ..d()
            }),
            "seed"
        );
        assert_eq!(
            field_of(SimConfig {
                duration_ms: 0,
                ..d()
            }),
            "durationMs"
        );
        assert_eq!(
            field_of(SimConfig {
                faults_until_ms: 10_001,
                ..d()
            }),
            "faultsUntilMs"
        );
        assert_eq!(
            field_of(SimConfig {
                think_min_ms: 60,
                think_max_ms: 50,
                ..d()
            }),
            "thinkMaxMs"
        );
        assert_eq!(
            field_of(SimConfig {
                latency_min_ms: 9,
                latency_max_ms: 5,
                ..d()
            }),
            "latencyMaxMs"
        );
        assert_eq!(
            field_of(SimConfig {
                loss_ppm: 1_000_001,
                ..d()
            }),
            "lossPpm"
        );
        assert_eq!(
            field_of(SimConfig {
                renew_percent: 100,
                ..d()
            }),
            "renewPercent"
        );
        assert_eq!(
            field_of(SimConfig {
                drift_max_ppm: 500_001,
                ..d()
            }),
            "driftMaxPpm"
        );
        assert_eq!(
            field_of(SimConfig {
                crash_at_ms: Some(7_000),
                ..d()
            }),
            "crashAtMs"
        );
        assert_eq!(
            field_of(SimConfig {
                node_down_at_ms: Some(10),
                ..d()
            }),
            "nodeDownAtMs"
        );
        assert_eq!(
            field_of(SimConfig {
                workload: Workload::Orders,
                ..d()
            }),
            "workload"
        );
        assert_eq!(
            field_of(SimConfig {
                fencing: Fencing::Strict,
                primitive: Primitive::Election,
                ..d()
            }),
            "fencing"
        );
        assert_eq!(
            field_of(SimConfig {
                workload: Workload::Orders,
                primitive: Primitive::Election,
                clients: 100,
                resources: 11,
                ..d()
            }),
            "clients"
        );
    }

    #[test]
    fn messages_name_field_and_range() {
        let err = SimConfig {
            ttl_ms: 0,
            ..SimConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ttlMs must be an integer in [1, 60000], got 0"
        );
        let err = SimConfig {
            node_down_at_ms: Some(1),
            ..SimConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.to_string(), "nodeDownAtMs needs leaseNodes ≥ 2");
    }

    #[test]
    fn names_round_trip() {
        for f in [Fencing::Off, Fencing::MaxToken, Fencing::Strict] {
            assert_eq!(Fencing::parse(f.as_str()), Some(f));
        }
        for m in [
            CrashMode::KeepState,
            CrashMode::LoseState,
            CrashMode::LoseStateNoDelay,
        ] {
            assert_eq!(CrashMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Primitive::parse("election"), Some(Primitive::Election));
        assert_eq!(Workload::parse("orders"), Some(Workload::Orders));
        assert_eq!(Fencing::parse("on"), None);
    }
}
