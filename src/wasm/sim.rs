//! `Simulation` for JavaScript: a thin wrapper over [`crate::core::sim::Simulation`].
//!
//! The config object is decoded strictly (`args`): a plain object whose keys are all known,
//! numbers that are non-negative safe integers, booleans that are booleans, modes that are one
//! of their names; the core then checks every range and names the field. Errors are
//! `TypeError` (wrong type, unknown key) or `RangeError` (out of range), their messages start
//! with `new Simulation: ` or `Simulation.<method>: ` and name the field (`config.ttlMs`).
//! Results are plain objects and typed arrays built field by field (no serde: smaller wasm).

use js_sys::{Array, Float64Array, Int32Array, Object, Reflect, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::args;
use super::call::{call, Failure};
use crate::core::sim::{
    presets, Coverage, CrashMode, EventKind, Fencing, MetricsReport, Primitive, SimConfig,
    SimEvent, Simulation, Violation, ViolationKind, Workload, HISTORY_KEPT, NO_CLIENT, NO_RECORD,
};
mod sweep;

#[wasm_bindgen(typescript_custom_section)]
const TS_SIM_TYPES: &'static str = r#"
/**
 * A simulation's config. Every field is optional in `new Simulation(config)`: missing fields come
 * from `preset` (when given) or from the defaults (`Simulation.preset` and `sim.config()` return
 * complete objects). Times in ms, probabilities in parts per million (ppm), all non-negative
 * integers.
 */
export interface SimulationConfig {
  /** Start from this preset (see `Simulation.presets()`); only in `new Simulation`. */
  preset?: string;
  /** 0..=2^53-1. */
  seed?: number;
  /** Simulated time to run, 1..=600000. */
  durationMs?: number;
  /** No fault starts at or after this time; liveness is judged after it. <= durationMs. */
  faultsUntilMs?: number;
  /** Clients (brokers for the orders workload), 1..=1000. */
  clients?: number;
  /** Locks / SKUs / partitions, 1..=64. */
  resources?: number;
  /** Each counter's starting value (SKU stock), 0..=1e9. A client that reads 0 stops. */
  stock?: number;
  primitive?: "lock" | "election";
  workload?: "counter" | "orders";
  /** Operations per lease before releasing, 1..=1e6. */
  opsPerHold?: number;
  thinkMinMs?: number;
  thinkMaxMs?: number;
  workMinMs?: number;
  workMaxMs?: number;
  /** Lease TTL, 1..=60000. */
  ttlMs?: number;
  /** How long a lock request may wait in the queue, 0..=60000 (0: back off and retry). */
  waitMs?: number;
  requestTimeoutMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Renew while holding, at `renewPercent` of the TTL, at most `maxRenewals` times. */
  renewal?: boolean;
  renewPercent?: number;
  maxRenewals?: number;
  lockDelayMs?: number;
  fifo?: boolean;
  /** How the store checks tokens: not at all, max-token (Kleppmann), or against the live lease ("strict" needs primitive "lock"). */
  fencing?: "off" | "maxToken" | "strict";
  /** Clock drift the clients allow for, 0..=500000 ppm. */
  assumedDriftPpm?: number;
  marginMs?: number;
  latencyMinMs?: number;
  latencyMaxMs?: number;
  lossPpm?: number;
  dupPpm?: number;
  reorderPpm?: number;
  reorderMaxMs?: number;
  /** Probability that a client pauses between checking its lease and sending its write. */
  pausePpm?: number;
  pauseMinMs?: number;
  pauseMaxMs?: number;
  /** Each client's clock rate is drawn from ±driftMaxPpm (0..=500000). */
  driftMaxPpm?: number;
  offsetMaxMs?: number;
  partitions?: number;
  partitionMinMs?: number;
  partitionMaxMs?: number;
  /** When lease server 0 crashes (null: never); < faultsUntilMs. */
  crashAtMs?: number | null;
  crashDownMs?: number;
  crashMode?: "keepState" | "loseState" | "loseStateNoDelay";
  /** Lease servers on a HashRing, 1..=16. */
  leaseNodes?: number;
  /** When the lease node owning resource 0 fails for good (null: never); needs leaseNodes >= 2. */
  nodeDownAtMs?: number | null;
  orderIntervalMs?: number;
  batch?: number;
}

/**
 * Trace events as parallel typed arrays (one entry per event, in trace order). `kind[i]` is a
 * code: `Simulation.eventKinds()[kind[i]]` is its name. `atMs` is true (server) time; server
 * events carry their own event time, which can precede the step that reported them.
 * `client[i]` is -1 for events of no client; `resource[i]` is then a lease-node index.
 * `token`/`value` by kind (0 when unused):
 * - think (value: think ms) · acquire (value: request number) · queued (value: position)
 * - granted: the client now believes it holds `token` (value: ms it will believe, own clock)
 * - busy (value: back-off ms) · finished · grantTooLate (token) · soldOut (value: counter)
 * - read (token, value read) · writeSent (token, value written; orders: log length)
 * - writeAccepted / writeRejected / readRejected: at the store when the request arrived (token, value)
 * - renewed (token, value: TTL left) · renewRejected (token)
 * - released / beliefExpired: the client stops believing it holds `token`
 * - paused (value: pause ms) · resumed · partitionStart (value: heal time) · partitionEnd
 * - leaseGranted (token, value: TTL) / leaseExpired / leaseReleased: server truth for the client's lease
 * - serverCrash (value: 0 keepState, 1 loseState, 2 loseStateNoDelay) · serverRestart (value: serving from)
 * - nodeDown (value: resources that failed over)
 * A lane "believes it holds but the lease expired" runs from leaseExpired to released/beliefExpired.
 */
export interface SimEvents {
  length: number;
  atMs: Float64Array;
  client: Int32Array;
  kind: Uint8Array;
  resource: Uint32Array;
  token: Float64Array;
  value: Float64Array;
}

export type ViolationKindName =
  | "lostUpdate" | "orderLost" | "orderDuplicated" | "doubleGrant"
  | "tokenOrder" | "staleWrite" | "beliefOverlap" | "liveness";

/** One violation the checker found. `client`/`other` are null when none is involved. */
export interface SimViolation {
  kind: ViolationKindName;
  atMs: number;
  client: number | null;
  other: number | null;
  resource: number;
  token: number;
  value: number;
  /** The record of `sim.history()` the violation is about, or null (liveness, orders). */
  record: number | null;
  /** The other record involved (the earlier grant, the overwriting write…), or null. */
  otherRecord: number | null;
}

export interface SimClientCounts {
  ops: number;
  grants: number;
  retries: number;
  rejectedWrites: number;
  pauses: number;
}

export interface SimMetrics {
  elapsedMs: number;
  events: number;
  completedOps: number;
  throughputPerS: number;
  grants: number;
  waitP50Ms: number;
  waitP95Ms: number;
  waitP99Ms: number;
  waitMaxMs: number;
  /** Share of time leases were held (server truth), in ppm. */
  utilisationPpm: number;
  retries: number;
  rejectedWrites: number;
  rejectedReads: number;
  renewals: number;
  renewalsRejected: number;
  pauses: number;
  messages: number;
  messagesLost: number;
  messagesDuplicated: number;
  clients: SimClientCounts[];
}

export interface SimReport {
  metrics: SimMetrics;
  violations: SimViolation[];
  /** Violations per kind (all counted; `violations` keeps the first 10000 of each source). */
  counts: Record<ViolationKindName, number>;
  digest: string;
  traceEvents: number;
  /** True if the run stopped at the event cap (2,000,000 queue events) before `durationMs`;
   * its metrics and verdicts then cover the time reached (`metrics.elapsedMs`). */
  stoppedAtCap: boolean;
  /** How often the dangerous interleavings happened (the same counts `checkHistory` gives). */
  coverage: HistoryCoverage;
}
"#;

/// Every config key accepted by `new Simulation`.
const KEYS: [&str; 48] = [
    "preset",
    "seed",
    "durationMs",
    "faultsUntilMs",
    "clients",
    "resources",
    "stock",
    "primitive",
    "workload",
    "opsPerHold",
    "thinkMinMs",
    "thinkMaxMs",
    "workMinMs",
    "workMaxMs",
    "ttlMs",
    "waitMs",
    "requestTimeoutMs",
    "retryMinMs",
    "retryMaxMs",
    "renewal",
    "renewPercent",
    "maxRenewals",
    "lockDelayMs",
    "fifo",
    "fencing",
    "assumedDriftPpm",
    "marginMs",
    "latencyMinMs",
    "latencyMaxMs",
    "lossPpm",
    "dupPpm",
    "reorderPpm",
    "reorderMaxMs",
    "pausePpm",
    "pauseMinMs",
    "pauseMaxMs",
    "driftMaxPpm",
    "offsetMaxMs",
    "partitions",
    "partitionMinMs",
    "partitionMaxMs",
    "crashAtMs",
    "crashDownMs",
    "crashMode",
    "leaseNodes",
    "nodeDownAtMs",
    "orderIntervalMs",
    "batch",
];

/// Reads the fields of one config object.
struct Reader {
    object: Object,
}

impl Reader {
    fn get(&self, key: &str) -> Result<Option<JsValue>, Failure> {
        args::field(&self.object, key)
    }

    fn u64(&self, key: &str, into: &mut u64) -> Result<(), Failure> {
        if let Some(value) = self.get(key)? {
            *into = args::safe_integer(&value, &format!("config.{key}"))?;
        }
        Ok(())
    }

    fn u32(&self, key: &str, into: &mut u32) -> Result<(), Failure> {
        if let Some(value) = self.get(key)? {
            let name = format!("config.{key}");
            let number = args::safe_integer(&value, &name)?;
            *into = u32::try_from(number).map_err(|_| {
                Failure::Range(format!("{name} must be at most {}, got {number}", u32::MAX))
            })?;
        }
        Ok(())
    }

    fn bool(&self, key: &str, into: &mut bool) -> Result<(), Failure> {
        if let Some(value) = self.get(key)? {
            *into = args::boolean(&value, &format!("config.{key}"))?;
        }
        Ok(())
    }

    /// A time that may be `null` (never).
    fn when(&self, key: &str, into: &mut Option<u64>) -> Result<(), Failure> {
        match self.get(key)? {
            Some(value) if value.is_null() => *into = None,
            Some(value) => *into = Some(args::safe_integer(&value, &format!("config.{key}"))?),
            None => {}
        }
        Ok(())
    }

    /// One of `names` (a mode's name), or `None` if the key is absent.
    fn name(&self, key: &str, names: &[&str]) -> Result<Option<String>, Failure> {
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        let name = format!("config.{key}");
        let text = args::string(&value, &name)?;
        if names.contains(&text.as_str()) {
            return Ok(Some(text));
        }
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        Err(Failure::Range(format!(
            "{name} must be one of {}, got {}",
            quoted.join(", "),
            args::describe(&value)
        )))
    }
}

/// A preset's name, or a `TypeError` / `RangeError` naming the presets.
fn preset_name(name: &JsValue, param: &str) -> Result<String, Failure> {
    let text = args::string(name, param)?;
    if presets::NAMES.contains(&text.as_str()) {
        return Ok(text);
    }
    Err(Failure::Range(format!(
        "{param} must be one of {}, got {}",
        presets::NAMES.join(", "),
        args::describe(name)
    )))
}

/// A preset's config.
fn preset_config(name: &JsValue, param: &str) -> Result<SimConfig, Failure> {
    let name = preset_name(name, param)?;
    presets::preset(&name).ok_or_else(|| Failure::Range(format!("{param}: no preset")))
}

/// Decodes `new Simulation(config)`'s argument (see [`SimulationConfig`] in the TS section).
fn decode(config: &JsValue) -> Result<SimConfig, Failure> {
    let Some(object) = args::options(config, "config", &KEYS)? else {
        return Ok(SimConfig::default());
    };
    let r = Reader { object };
    let mut c = match r.get("preset")? {
        Some(name) => preset_config(&name, "config.preset")?,
        None => SimConfig::default(),
    };
    r.u64("seed", &mut c.seed)?;
    r.u64("durationMs", &mut c.duration_ms)?;
    r.u64("faultsUntilMs", &mut c.faults_until_ms)?;
    r.u32("clients", &mut c.clients)?;
    r.u32("resources", &mut c.resources)?;
    r.u64("stock", &mut c.stock)?;
    if let Some(name) = r.name("primitive", &["lock", "election"])? {
        c.primitive = Primitive::parse(&name).unwrap_or(c.primitive);
    }
    if let Some(name) = r.name("workload", &["counter", "orders"])? {
        c.workload = Workload::parse(&name).unwrap_or(c.workload);
    }
    r.u32("opsPerHold", &mut c.ops_per_hold)?;
    r.u64("thinkMinMs", &mut c.think_min_ms)?;
    r.u64("thinkMaxMs", &mut c.think_max_ms)?;
    r.u64("workMinMs", &mut c.work_min_ms)?;
    r.u64("workMaxMs", &mut c.work_max_ms)?;
    r.u64("ttlMs", &mut c.ttl_ms)?;
    r.u64("waitMs", &mut c.wait_ms)?;
    r.u64("requestTimeoutMs", &mut c.request_timeout_ms)?;
    r.u64("retryMinMs", &mut c.retry_min_ms)?;
    r.u64("retryMaxMs", &mut c.retry_max_ms)?;
    r.bool("renewal", &mut c.renewal)?;
    r.u32("renewPercent", &mut c.renew_percent)?;
    r.u32("maxRenewals", &mut c.max_renewals)?;
    r.u64("lockDelayMs", &mut c.lock_delay_ms)?;
    r.bool("fifo", &mut c.fifo)?;
    if let Some(name) = r.name("fencing", &["off", "maxToken", "strict"])? {
        c.fencing = Fencing::parse(&name).unwrap_or(c.fencing);
    }
    r.u32("assumedDriftPpm", &mut c.assumed_drift_ppm)?;
    r.u64("marginMs", &mut c.margin_ms)?;
    r.u64("latencyMinMs", &mut c.latency_min_ms)?;
    r.u64("latencyMaxMs", &mut c.latency_max_ms)?;
    r.u32("lossPpm", &mut c.loss_ppm)?;
    r.u32("dupPpm", &mut c.dup_ppm)?;
    r.u32("reorderPpm", &mut c.reorder_ppm)?;
    r.u64("reorderMaxMs", &mut c.reorder_max_ms)?;
    r.u32("pausePpm", &mut c.pause_ppm)?;
    r.u64("pauseMinMs", &mut c.pause_min_ms)?;
    r.u64("pauseMaxMs", &mut c.pause_max_ms)?;
    r.u32("driftMaxPpm", &mut c.drift_max_ppm)?;
    r.u64("offsetMaxMs", &mut c.offset_max_ms)?;
    r.u32("partitions", &mut c.partitions)?;
    r.u64("partitionMinMs", &mut c.partition_min_ms)?;
    r.u64("partitionMaxMs", &mut c.partition_max_ms)?;
    r.when("crashAtMs", &mut c.crash_at_ms)?;
    r.u64("crashDownMs", &mut c.crash_down_ms)?;
    if let Some(name) = r.name("crashMode", &["keepState", "loseState", "loseStateNoDelay"])? {
        c.crash_mode = CrashMode::parse(&name).unwrap_or(c.crash_mode);
    }
    r.u32("leaseNodes", &mut c.lease_nodes)?;
    r.when("nodeDownAtMs", &mut c.node_down_at_ms)?;
    r.u64("orderIntervalMs", &mut c.order_interval_ms)?;
    r.u32("batch", &mut c.batch)?;
    c.validate()?;
    Ok(c)
}

/// Sets `key` on a fresh plain object (cannot fail).
fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// Integers cross as numbers: every one the simulation produces stays below 2^53.
fn num(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn when(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, num)
}

fn client(value: u32) -> JsValue {
    if value == NO_CLIENT {
        JsValue::NULL
    } else {
        JsValue::from(value)
    }
}

fn encode_config(c: &SimConfig) -> JsValue {
    let o = Object::new();
    set(&o, "seed", num(c.seed));
    set(&o, "durationMs", num(c.duration_ms));
    set(&o, "faultsUntilMs", num(c.faults_until_ms));
    set(&o, "clients", c.clients);
    set(&o, "resources", c.resources);
    set(&o, "stock", num(c.stock));
    set(&o, "primitive", c.primitive.as_str());
    set(&o, "workload", c.workload.as_str());
    set(&o, "opsPerHold", c.ops_per_hold);
    set(&o, "thinkMinMs", num(c.think_min_ms));
    set(&o, "thinkMaxMs", num(c.think_max_ms));
    set(&o, "workMinMs", num(c.work_min_ms));
    set(&o, "workMaxMs", num(c.work_max_ms));
    set(&o, "ttlMs", num(c.ttl_ms));
    set(&o, "waitMs", num(c.wait_ms));
    set(&o, "requestTimeoutMs", num(c.request_timeout_ms));
    set(&o, "retryMinMs", num(c.retry_min_ms));
    set(&o, "retryMaxMs", num(c.retry_max_ms));
    set(&o, "renewal", c.renewal);
    set(&o, "renewPercent", c.renew_percent);
    set(&o, "maxRenewals", c.max_renewals);
    set(&o, "lockDelayMs", num(c.lock_delay_ms));
    set(&o, "fifo", c.fifo);
    set(&o, "fencing", c.fencing.as_str());
    set(&o, "assumedDriftPpm", c.assumed_drift_ppm);
    set(&o, "marginMs", num(c.margin_ms));
    set(&o, "latencyMinMs", num(c.latency_min_ms));
    set(&o, "latencyMaxMs", num(c.latency_max_ms));
    set(&o, "lossPpm", c.loss_ppm);
    set(&o, "dupPpm", c.dup_ppm);
    set(&o, "reorderPpm", c.reorder_ppm);
    set(&o, "reorderMaxMs", num(c.reorder_max_ms));
    set(&o, "pausePpm", c.pause_ppm);
    set(&o, "pauseMinMs", num(c.pause_min_ms));
    set(&o, "pauseMaxMs", num(c.pause_max_ms));
    set(&o, "driftMaxPpm", c.drift_max_ppm);
    set(&o, "offsetMaxMs", num(c.offset_max_ms));
    set(&o, "partitions", c.partitions);
    set(&o, "partitionMinMs", num(c.partition_min_ms));
    set(&o, "partitionMaxMs", num(c.partition_max_ms));
    set(&o, "crashAtMs", when(c.crash_at_ms));
    set(&o, "crashDownMs", num(c.crash_down_ms));
    set(&o, "crashMode", c.crash_mode.as_str());
    set(&o, "leaseNodes", c.lease_nodes);
    set(&o, "nodeDownAtMs", when(c.node_down_at_ms));
    set(&o, "orderIntervalMs", num(c.order_interval_ms));
    set(&o, "batch", c.batch);
    o.into()
}

fn encode_events(events: &[SimEvent]) -> JsValue {
    let at: Vec<f64> = events.iter().map(|e| e.at_ms as f64).collect();
    let clients: Vec<i32> = events
        .iter()
        .map(|e| i32::try_from(e.client).unwrap_or(-1))
        .collect();
    let kinds: Vec<u8> = events.iter().map(|e| e.kind.code()).collect();
    let resources: Vec<u32> = events.iter().map(|e| e.resource).collect();
    let tokens: Vec<f64> = events.iter().map(|e| e.token as f64).collect();
    let values: Vec<f64> = events.iter().map(|e| e.value as f64).collect();
    let o = Object::new();
    set(&o, "length", events.len() as u32);
    set(&o, "atMs", Float64Array::from(&at[..]));
    set(&o, "client", Int32Array::from(&clients[..]));
    set(&o, "kind", Uint8Array::from(&kinds[..]));
    set(&o, "resource", Uint32Array::from(&resources[..]));
    set(&o, "token", Float64Array::from(&tokens[..]));
    set(&o, "value", Float64Array::from(&values[..]));
    o.into()
}

fn encode_metrics(m: &MetricsReport) -> JsValue {
    let o = Object::new();
    set(&o, "elapsedMs", num(m.elapsed_ms));
    set(&o, "events", num(m.events));
    set(&o, "completedOps", num(m.completed_ops));
    set(&o, "throughputPerS", num(m.throughput_per_s));
    set(&o, "grants", num(m.grants));
    set(&o, "waitP50Ms", num(m.wait_p50_ms));
    set(&o, "waitP95Ms", num(m.wait_p95_ms));
    set(&o, "waitP99Ms", num(m.wait_p99_ms));
    set(&o, "waitMaxMs", num(m.wait_max_ms));
    set(&o, "utilisationPpm", num(m.utilisation_ppm));
    set(&o, "retries", num(m.retries));
    set(&o, "rejectedWrites", num(m.rejected_writes));
    set(&o, "rejectedReads", num(m.rejected_reads));
    set(&o, "renewals", num(m.renewals));
    set(&o, "renewalsRejected", num(m.renewals_rejected));
    set(&o, "pauses", num(m.pauses));
    set(&o, "messages", num(m.messages));
    set(&o, "messagesLost", num(m.messages_lost));
    set(&o, "messagesDuplicated", num(m.messages_duplicated));
    let clients = Array::new();
    for c in &m.clients {
        let row = Object::new();
        set(&row, "ops", num(c.ops));
        set(&row, "grants", num(c.grants));
        set(&row, "retries", num(c.retries));
        set(&row, "rejectedWrites", num(c.rejected_writes));
        set(&row, "pauses", num(c.pauses));
        clients.push(&row);
    }
    set(&o, "clients", clients);
    o.into()
}

fn encode_violations(violations: &[Violation]) -> JsValue {
    let out = Array::new();
    for v in violations {
        let o = Object::new();
        set(&o, "kind", v.kind.as_str());
        set(&o, "atMs", num(v.at_ms));
        set(&o, "client", client(v.client));
        set(&o, "other", client(v.other));
        set(&o, "resource", v.resource);
        set(&o, "token", num(v.token));
        set(&o, "value", num(v.value));
        set(&o, "record", record_index(v.record));
        set(&o, "otherRecord", record_index(v.other_record));
        out.push(&o);
    }
    out.into()
}

fn record_index(i: u32) -> JsValue {
    if i == NO_RECORD {
        JsValue::NULL
    } else {
        JsValue::from_f64(f64::from(i))
    }
}

fn encode_coverage(coverage: &Coverage) -> JsValue {
    let o = Object::new();
    for (name, n) in Coverage::NAMES.iter().zip(coverage.values()) {
        set(
            &o,
            name,
            n.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64)),
        );
    }
    o.into()
}

fn encode_counts(counts: &[u64; 8]) -> JsValue {
    let o = Object::new();
    for (kind, n) in ViolationKind::ALL.iter().zip(counts) {
        set(&o, kind.as_str(), num(*n));
    }
    o.into()
}

fn names(names: impl Iterator<Item = &'static str>) -> Array {
    names.map(JsValue::from_str).collect()
}

/// A seeded, deterministic simulation of clients contending for leased locks over a faulty
/// network, driving the real `LeaseTable`, `FencedStore` and `HashRing`, with a checker and
/// metrics. The same config (seed included) gives the same trace and `digest()` in every
/// runtime, and stepping in any increments gives the same run as `run()`.
///
/// Bad configs throw a `TypeError` (wrong type, unknown key) or a `RangeError` (out of range)
/// whose message starts with `new Simulation: ` and names the field (`config.ttlMs`).
///
/// ```js
/// import init, { Simulation } from "ringlease/sim";
/// await init();
/// const sim = new Simulation({ preset: "gcPause", fencing: "off", seed: 7 });
/// const events = sim.step(1000); // typed arrays: events.atMs, events.kind, …
/// const report = sim.run();
/// report.counts.lostUpdate; // > 0 for most seeds: no fencing
/// report.digest; // "…" (40 hex digits)
/// ```
#[wasm_bindgen(js_name = Simulation)]
pub struct JsSimulation(Simulation);

#[wasm_bindgen(js_class = Simulation)]
impl JsSimulation {
    /// Creates a simulation at time 0. `config` is optional; see `SimulationConfig`.
    /// `config.preset` starts from a preset and the other keys override it.
    ///
    /// ```js
    /// const a = new Simulation();                                  // defaults
    /// const b = new Simulation({ preset: "flashSale", seed: 42 });
    /// const c = new Simulation({ ...Simulation.preset("partition"), fencing: "strict" });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SimulationConfig")] config: JsValue,
    ) -> Result<JsSimulation, JsValue> {
        call("new Simulation", || {
            let config = decode(&config)?;
            Ok(JsSimulation(Simulation::new(config)?))
        })
    }

    /// The preset names, in display order.
    ///
    /// ```js
    /// Simulation.presets(); // ["flashSale", "gcPause", "clockDrift", …]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn presets() -> Array {
        names(presets::NAMES.into_iter())
    }

    /// The complete config of preset `name` (a `RangeError` for an unknown name).
    ///
    /// ```js
    /// Simulation.preset("gcPause").pausePpm; // 200000
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimulationConfig")]
    pub fn preset(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.preset", || {
            Ok(encode_config(&preset_config(&name, "name")?))
        })
    }

    /// A one-line description of preset `name` (a `RangeError` for an unknown name).
    ///
    /// ```js
    /// Simulation.describe("partition"); // "clients are cut off for 0.5–5× the TTL; …"
    /// ```
    pub fn describe(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<String, JsValue> {
        call("Simulation.describe", || {
            let name = preset_name(&name, "name")?;
            Ok(presets::describe(&name).unwrap_or_default().to_owned())
        })
    }

    /// The event kind names by code: `Simulation.eventKinds()[events.kind[i]]`.
    ///
    /// ```js
    /// const kinds = Simulation.eventKinds(); // ["think", "acquire", "queued", "granted", …]
    /// ```
    #[wasm_bindgen(js_name = eventKinds, unchecked_return_type = "string[]")]
    pub fn event_kinds() -> Array {
        names(EventKind::ALL.into_iter().map(EventKind::as_str))
    }

    /// The violation kind names, in the order the checker counts them.
    ///
    /// ```js
    /// Simulation.violationKinds(); // ["lostUpdate", "orderLost", …]
    /// ```
    #[wasm_bindgen(js_name = violationKinds, unchecked_return_type = "ViolationKindName[]")]
    pub fn violation_kinds() -> Array {
        names(ViolationKind::ALL.into_iter().map(ViolationKind::as_str))
    }

    /// This simulation's complete config.
    ///
    /// ```js
    /// new Simulation({ preset: "gcPause" }).config().clients; // 5
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimulationConfig")]
    pub fn config(&self) -> JsValue {
        encode_config(self.0.config())
    }

    /// Runs the events due at or before `untilMs` (capped at `durationMs`; an earlier time
    /// does nothing) and returns the trace events since the last `step` as typed arrays. One
    /// call runs at most 20,000 queue events, so a page stepping once per frame never blocks
    /// for long: when more are due it returns early with `nowMs` at the last event's time, and
    /// the next call goes on (stepping in any increments gives the same run).
    ///
    /// ```js
    /// const kinds = Simulation.eventKinds();
    /// const ev = sim.step(sim.nowMs + 16);
    /// for (let i = 0; i < ev.length; i++) draw(ev.atMs[i], ev.client[i], kinds[ev.kind[i]]);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimEvents")]
    pub fn step(
        &mut self,
        #[wasm_bindgen(js_name = untilMs, unchecked_param_type = "number")] until_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.step", || {
            let until = args::safe_integer(&until_ms, "untilMs")?;
            Ok(encode_events(&self.0.step(until)))
        })
    }

    /// Runs to `durationMs` and returns the report (events are not returned; the digest
    /// covers them).
    ///
    /// ```js
    /// const { metrics, violations, counts, digest } = new Simulation({ preset: "flashSale" }).run();
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimReport")]
    pub fn run(&mut self) -> JsValue {
        let report = self.0.run();
        let o = Object::new();
        set(&o, "metrics", encode_metrics(&report.metrics));
        set(&o, "violations", encode_violations(&report.violations));
        set(&o, "counts", encode_counts(&report.counts));
        set(&o, "digest", report.digest);
        set(&o, "traceEvents", num(report.trace_events));
        set(&o, "stoppedAtCap", report.stopped_at_cap);
        set(&o, "coverage", encode_coverage(&report.coverage));
        o.into()
    }

    /// The simulated time (ms).
    #[wasm_bindgen(getter = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.0.now_ms() as f64
    }

    /// Whether the run is over: it reached `durationMs`, or stopped at the event cap.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.0.done()
    }

    /// Whether the run stopped at the event cap (2,000,000 queue events) before `durationMs`:
    /// a config whose actors keep acting without time passing (zero think, work and latency)
    /// or a very busy one. Every run finishes in bounded work.
    ///
    /// ```js
    /// const sim = new Simulation({ preset: "orderQueue", thinkMinMs: 0, thinkMaxMs: 0 });
    /// sim.run().stoppedAtCap; // true
    /// ```
    #[wasm_bindgen(getter = stoppedAtCap)]
    pub fn stopped_at_cap(&self) -> bool {
        self.0.stopped_at_cap()
    }

    /// The metrics so far.
    ///
    /// ```js
    /// const { completedOps, waitP99Ms, utilisationPpm } = sim.metrics();
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimMetrics")]
    pub fn metrics(&self) -> JsValue {
        encode_metrics(&self.0.metrics())
    }

    /// The violations found so far, in time order: `{ kind, atMs, client, other, resource,
    /// token, value }`. Lost updates and orders are judged against the store's current contents
    /// (final once `done`).
    ///
    /// ```js
    /// sim.violations().filter((v) => v.kind === "lostUpdate");
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimViolation[]")]
    pub fn violations(&self) -> JsValue {
        encode_violations(&self.0.violations())
    }

    /// Violations per kind so far.
    ///
    /// ```js
    /// sim.counts().lostUpdate; // 0 with fencing
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Record<ViolationKindName, number>")]
    pub fn counts(&self) -> JsValue {
        encode_counts(&self.0.violation_counts())
    }

    /// The hex SHA-1 of the trace so far (the same natively and in every runtime).
    ///
    /// ```js
    /// new Simulation({ preset: "gcPause" }).run().digest === new Simulation({ preset: "gcPause" }).run().digest;
    /// ```
    pub fn digest(&self) -> String {
        self.0.digest()
    }

    /// How often the dangerous interleavings happened so far (see `checkHistory`).
    ///
    /// ```js
    /// sim.coverage().longPauses; // pauses longer than the TTL
    /// ```
    #[wasm_bindgen(unchecked_return_type = "HistoryCoverage")]
    pub fn coverage(&self) -> JsValue {
        encode_coverage(&self.0.coverage())
    }

    /// The run so far as a history document (docs/histories.md): `checkHistory` on it gives
    /// this run's violations (of the kinds a history is judged on) and coverage. Throws a
    /// RangeError past 500,000 records.
    ///
    /// ```js
    /// const sim = new Simulation({ preset: "gcPause" });
    /// sim.run();
    /// const doc = sim.history(); // { version: 1, description, records }
    /// checkHistory(doc).coverage.longPauses === sim.coverage().longPauses; // true
    /// ```
    #[wasm_bindgen(unchecked_return_type = "HistoryDocument")]
    pub fn history(&self) -> Result<JsValue, JsValue> {
        call("Simulation.history", || {
            let Some(history) = self.0.history() else {
                return Err(Failure::Range(format!(
                    "the run has more than {HISTORY_KEPT} records; its history was not kept"
                )));
            };
            let cfg = self.0.config();
            let description = format!(
                "ringlease simulation, seed {}, until {} ms",
                cfg.seed,
                self.0.now_ms()
            );
            Ok(super::history::encode_history(&history, &description))
        })
    }
}
