//! What a simulation runs: every knob in one flat [`SimConfig`], its table of fields
//! ([`FIELDS`]) and its validation.
//!
//! All times are integer milliseconds, all probabilities integer parts per million (ppm), all
//! percentages integers. Each field is declared once, below, with its JavaScript name, kind and
//! range, label and unit; [`SimConfig::validate`] checks every field against that table and
//! names the offending one by its JavaScript name (`clients`, `ttlMs`, …) in a
//! [`ConfigError`]. The JavaScript binding decodes and encodes configs, lists the keys and
//! describes the sweep parameters from the same table.

mod document;
mod table;
mod validate;

pub use document::{expected, ConfigDocument, DocumentError, DocumentProblem, Expected, KEYS};
pub use table::{field, field_const, Field, Kind, Range, Relation, Value};
pub use validate::{ConfigError, Problem};

use super::rng::PPM;
pub use crate::core::store::Fencing;
use table::Relation::{AtLeast, AtMost, Below};
use table::{int, int_with, never_or, FieldType};

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
/// A probability of one, in ppm.
const ONE: u64 = PPM as u64;

/// Declares a fieldless enum with a JavaScript name per variant: `as_str`, `parse`, `ALL` and
/// `NAMES` (what [`Kind::Choice`] lists).
macro_rules! named {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $js:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $( $(#[doc = $vdoc])* $variant, )*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The JavaScript names, in the order of [`Self::ALL`].
            pub const NAMES: &'static [&'static str] = &[$($js),*];

            /// The JavaScript name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $js,)*
                }
            }

            /// The value named `name` (its JavaScript name).
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }
    };
}

named! {
    /// Which lease primitive the clients use.
    Primitive {
        /// `LeaseTable::acquire` / `renew` / `release` on a lock per resource.
        Lock = "lock",
        /// `LeaseTable::campaign` / `resign` on an election per resource (primary/backup).
        Election = "election",
    }
}

named! {
    /// What the clients do while they hold a lease.
    Workload {
        /// Read a counter (the stock of a SKU) and write it back minus one.
        Counter = "counter",
        /// Append orders to a partition's log (the order queue): each resource is a partition,
        /// each client a broker with one replica per partition.
        Orders = "orders",
    }
}

named! {
    /// What a lease-server crash does to its state.
    CrashMode {
        /// Leases and queues survive (persisted); the server is unreachable while down.
        KeepState = "keepState",
        /// Leases are lost. The token high-water mark survives, and the server answers nothing
        /// until `ttlMs + lockDelayMs` after the crash, so every lease from before has expired
        /// (Redlock's delayed restart; docs/invariants.md L11).
        LoseState = "loseState",
        /// Leases and the token counter are lost and the server serves at once: the negative
        /// control N3, which the checker must catch.
        LoseStateNoDelay = "loseStateNoDelay",
    }
}

impl CrashMode {
    /// The code used in [`super::EventKind::ServerCrash`] events.
    pub fn code(self) -> i64 {
        match self {
            CrashMode::KeepState => 0,
            CrashMode::LoseState => 1,
            CrashMode::LoseStateNoDelay => 2,
        }
    }
}

/// Declares [`SimConfig`] and [`FIELDS`] together: each line is a field's doc, its Rust name
/// and type, then its JavaScript name, kind, label and unit.
macro_rules! sim_config {
    (
        $(
            $(#[doc = $doc:literal])*
            $field:ident: $ty:ty => $name:literal, $kind:expr, $label:literal, $unit:literal;
        )*
    ) => {
        /// Everything a run depends on. Same config (seed included) → same trace.
        ///
        /// Each field's JavaScript name, range, label and unit are in [`FIELDS`].
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct SimConfig {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        /// Every field of [`SimConfig`], in declaration order (the order of validation, of the
        /// keys listed to JavaScript and of `sim.config()`'s object).
        pub const FIELDS: &[Field] = &[
            $( Field::new($name, $kind, $label, $unit, Id::$field), )*
        ];

        /// Names a field of [`SimConfig`] (its Rust name).
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Id {
            $( $field, )*
        }

        impl Id {
            /// The field's value in `config`.
            fn get(self, config: &SimConfig) -> Value {
                match self {
                    $( Id::$field => config.$field.to_value(), )*
                }
            }

            /// Sets the field in `config` if `value` is of its type.
            fn set(self, config: &mut SimConfig, value: Value) -> bool {
                let slot = match self {
                    $( Id::$field => config.$field.slot(), )*
                };
                slot.set(value)
            }
        }
    };
}

sim_config! {
    /// Seeds every random choice of the run.
    seed: u64 => "seed", int(0, MAX_SEED), "Seed", "";
    /// Simulated time to run.
    duration_ms: u64 => "durationMs", int(1, MAX_DURATION_MS), "Duration", "ms";
    /// No pause, partition, crash, loss, duplication or reordering starts at or after this
    /// time; liveness is judged after it.
    faults_until_ms: u64 => "faultsUntilMs", int_with(0, MAX_DURATION_MS, AtMost("durationMs")),
        "Faults until", "ms";
    /// Client processes (brokers for the orders workload).
    clients: u32 => "clients", int(1, MAX_ACTORS), "Clients", "clients";
    /// Locks / SKUs / partitions.
    resources: u32 => "resources", int(1, MAX_RESOURCES), "Resources", "resources";
    /// Each counter's starting value. A client that reads 0 stops.
    stock: u64 => "stock", int(0, 1_000_000_000), "Stock", "units";
    /// The lease primitive.
    primitive: Primitive => "primitive", Kind::Choice(Primitive::NAMES), "Primitive", "";
    /// What clients do under a lease.
    workload: Workload => "workload", Kind::Choice(Workload::NAMES), "Workload", "";
    /// Operations a client does per lease before releasing.
    ops_per_hold: u32 => "opsPerHold", int(1, 1_000_000), "Operations per lease", "ops";
    /// `thinkMinMs..=thinkMaxMs`: pause between operations (before acquiring, or between
    /// operations under one lease), on the client's clock.
    think_min_ms: u64 => "thinkMinMs", int(0, MAX_SPAN_MS), "Shortest think time", "ms";
    /// See `thinkMinMs`.
    think_max_ms: u64 => "thinkMaxMs", int_with(0, MAX_SPAN_MS, AtLeast("thinkMinMs")),
        "Longest think time", "ms";
    /// `workMinMs..=workMaxMs`: time between reading and writing.
    work_min_ms: u64 => "workMinMs", int(0, MAX_SPAN_MS), "Shortest work time", "ms";
    /// See `workMinMs`.
    work_max_ms: u64 => "workMaxMs", int_with(0, MAX_SPAN_MS, AtLeast("workMinMs")),
        "Longest work time", "ms";
    /// The lease TTL.
    ttl_ms: u64 => "ttlMs", int(1, MAX_SPAN_MS), "Lease TTL", "ms";
    /// How long a lock request may wait in the server's queue; 0: do not queue, back off and
    /// retry when busy. Queued clients re-send the same request every `waitMs / 2` as a
    /// keep-alive.
    wait_ms: u64 => "waitMs", int(0, MAX_SPAN_MS), "Queue wait", "ms";
    /// A request with no answer is re-sent after this long.
    request_timeout_ms: u64 => "requestTimeoutMs", int(1, MAX_SPAN_MS), "Request timeout", "ms";
    /// `retryMinMs..=retryMaxMs`: back-off after a busy answer.
    retry_min_ms: u64 => "retryMinMs", int(1, MAX_SPAN_MS), "Shortest back-off", "ms";
    /// See `retryMinMs`.
    retry_max_ms: u64 => "retryMaxMs", int_with(1, MAX_SPAN_MS, AtLeast("retryMinMs")),
        "Longest back-off", "ms";
    /// Renew the lease while holding it.
    renewal: bool => "renewal", Kind::Boolean, "Renewal", "";
    /// Renew after this percentage of the TTL.
    renew_percent: u32 => "renewPercent", int(1, 99), "Renew at", "% of TTL";
    /// Renewals per lease (a finite cap keeps waits bounded).
    max_renewals: u32 => "maxRenewals", int(0, 1_000_000), "Renewals per lease", "renewals";
    /// The LeaseTable's lock-delay after an expiry.
    lock_delay_ms: u64 => "lockDelayMs", int(0, MAX_SPAN_MS), "Lock delay", "ms";
    /// Serve waiters in arrival order (else in owner-name order).
    fifo: bool => "fifo", Kind::Boolean, "FIFO queue", "";
    /// How the store checks tokens (`"strict"` needs primitive `"lock"`: the store's liveness
    /// check knows lock leases only).
    fencing: Fencing => "fencing", Kind::Choice(Fencing::NAMES), "Fencing", "";
    /// The clock drift clients allow for when judging their lease (Redlock's drift factor).
    assumed_drift_ppm: u32 => "assumedDriftPpm", int(0, MAX_DRIFT_PPM), "Assumed clock drift",
        "ppm";
    /// Safety margin subtracted from every validity.
    margin_ms: u64 => "marginMs", int(0, MAX_SPAN_MS), "Safety margin", "ms";
    /// `latencyMinMs..=latencyMaxMs`: one-way message latency.
    latency_min_ms: u64 => "latencyMinMs", int(0, MAX_SPAN_MS), "Shortest latency", "ms";
    /// See `latencyMinMs`.
    latency_max_ms: u64 => "latencyMaxMs", int_with(0, MAX_SPAN_MS, AtLeast("latencyMinMs")),
        "Longest latency", "ms";
    /// Probability a message is lost.
    loss_ppm: u32 => "lossPpm", int(0, ONE), "Message loss", "ppm";
    /// Probability a message is delivered twice.
    dup_ppm: u32 => "dupPpm", int(0, ONE), "Message duplication", "ppm";
    /// Probability a message is held back by an extra delay (so later messages overtake it).
    reorder_ppm: u32 => "reorderPpm", int(0, ONE), "Message reordering", "ppm";
    /// The extra delay is 1..=`reorderMaxMs` ms.
    reorder_max_ms: u64 => "reorderMaxMs", int(0, MAX_SPAN_MS), "Longest reorder delay", "ms";
    /// Probability that a client stops (GC, SIGSTOP) just after checking its lease and before
    /// sending its write: Kleppmann's scenario.
    pause_ppm: u32 => "pausePpm", int(0, ONE), "Pause probability", "ppm";
    /// `pauseMinMs..=pauseMaxMs`: how long.
    pause_min_ms: u64 => "pauseMinMs", int(0, MAX_SPAN_MS), "Shortest pause", "ms";
    /// See `pauseMinMs`.
    pause_max_ms: u64 => "pauseMaxMs", int_with(0, MAX_SPAN_MS, AtLeast("pauseMinMs")),
        "Longest pause", "ms";
    /// Each client's clock runs at a rate drawn from ±this.
    drift_max_ppm: u32 => "driftMaxPpm", int(0, MAX_DRIFT_PPM), "Clock drift", "ppm";
    /// Each client's clock starts at an offset drawn from ±this.
    offset_max_ms: u64 => "offsetMaxMs", int(0, MAX_OFFSET_MS), "Clock offset", "ms";
    /// How many times a client (broker) is cut off.
    partitions: u32 => "partitions", int(0, 1_000), "Partitions", "partitions";
    /// `partitionMinMs..=partitionMaxMs`: how long each lasts. Messages to and from the
    /// cut-off client are held and delivered when it heals.
    partition_min_ms: u64 => "partitionMinMs", int(1, MAX_SPAN_MS), "Shortest partition", "ms";
    /// See `partitionMinMs`.
    partition_max_ms: u64 => "partitionMaxMs",
        int_with(1, MAX_SPAN_MS, AtLeast("partitionMinMs")), "Longest partition", "ms";
    /// When lease server 0 crashes (`None`: never).
    crash_at_ms: Option<u64> => "crashAtMs",
        never_or(0, MAX_DURATION_MS - 1, Below("faultsUntilMs")), "Server crash at", "ms";
    /// How long it stays down.
    crash_down_ms: u64 => "crashDownMs", int(1, MAX_SPAN_MS), "Server down for", "ms";
    /// What the crash does to the server's state.
    crash_mode: CrashMode => "crashMode", Kind::Choice(CrashMode::NAMES), "Crash mode", "";
    /// Lease servers. With more than one, a HashRing places each resource's lock on one of
    /// them.
    lease_nodes: u32 => "leaseNodes", int(1, 16), "Lease nodes", "nodes";
    /// When the lease node owning resource 0 goes down for good (`None`: never); needs
    /// `leaseNodes` ≥ 2.
    node_down_at_ms: Option<u64> => "nodeDownAtMs",
        never_or(0, MAX_DURATION_MS - 1, Below("faultsUntilMs")), "Node failure at", "ms";
    /// Orders workload: a new order every this many ms.
    order_interval_ms: u64 => "orderIntervalMs", int(1, MAX_SPAN_MS), "Order interval", "ms";
    /// Orders workload: most orders appended per write.
    batch: u32 => "batch", int(1, 1_000), "Batch size", "orders";
}

/// The JavaScript names of [`FIELDS`], in order.
pub const NAMES: [&str; FIELDS.len()] = {
    let mut names = [""; FIELDS.len()];
    let mut i = 0;
    while i < FIELDS.len() {
        names[i] = FIELDS[i].name;
        i += 1;
    }
    names
};

impl SimConfig {
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
