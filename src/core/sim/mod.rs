//! A seeded discrete-event simulation of clients contending for leases over a faulty network,
//! driving the real [`LeaseTable`](crate::core::lease::LeaseTable),
//! [`FencedStore`](crate::core::store::FencedStore) and [`HashRing`](crate::core::ring::HashRing)
//! (README "API: Simulation"; docs/invariants.md).
//!
//! - Actors: lease server(s) ([`server`]), clients ([`client`]), the store ([`storage`]) and,
//!   for the order queue, producers ([`orders`]). They talk only through messages over the
//!   network ([`network`]), and act on timers.
//! - Time is an integer number of milliseconds of true time (the lease server's clock);
//!   clients have drifting clocks of their own ([`faults`]).
//! - Deterministic: events run in (time, sequence number) order ([`queue`]); randomness comes
//!   from seeded PCG streams ([`rng`]) as integers only; no floating point decides anything, no
//!   hash map is iterated, no clock is read. The same config and seed give the same trace and
//!   the same [`Simulation::digest`] on every platform, and stepping in any increments gives
//!   the same run as one [`Simulation::run`].
//! - Outputs: the trace ([`SimEvent`], for drawing), [`MetricsReport`], and the checker's
//!   [`Violation`]s ([`checker`]).
//!
//! ```
//! use ringlease::core::sim::{presets, Simulation, ViolationKind};
//!
//! let mut sim = Simulation::new(presets::preset("gcPause").unwrap()).unwrap();
//! let first = sim.step(1_000); // events of the first simulated second
//! assert!(!first.is_empty());
//! let report = sim.run();
//! assert!(sim.done());
//! assert_eq!(report.count(ViolationKind::LostUpdate), 0); // fencing on
//! assert_eq!(report.digest.len(), 40);
//! ```

pub mod checker;
mod client;
pub mod config;
mod digest;
pub mod event;
mod faults;
pub mod metrics;
mod network;
mod orders;
pub mod presets;
mod queue;
pub mod rng;
mod server;
mod storage;
pub mod sweep;
mod world;

pub use crate::core::history::Coverage;
use crate::core::history::{History, Op, Record, RecordType};
pub use checker::{Violation, ViolationCounts, ViolationKind, NO_RECORD};
pub use config::{ConfigError, CrashMode, Fencing, Primitive, SimConfig, Workload};
pub use event::{EventKind, SimEvent, NO_CLIENT};
pub use metrics::{ClientCounts, MetricsReport};

use crate::core::ring::HashRing;
use client::{Client, Ctx};
use faults::{Fault, FaultPlan};
use network::{Endpoint, Msg};
use orders::Orders;
use server::Cluster;
use storage::Storage;
pub use world::HISTORY_KEPT;
use world::{Ev, World};

/// The most queue events one run processes. A config whose actors keep acting without time
/// passing (zero think, work, latency…) or that is simply very busy stops there: the run is
/// then over ([`Simulation::done`]) at the time it reached, and [`Simulation::stopped_at_cap`]
/// says so. Every run therefore finishes in bounded work: the busiest legal config (1,000
/// clients, 1 ms retries, every message duplicated) stops there after about 2 s natively or in
/// Node; the
/// presets need under 25,000 events.
pub const MAX_EVENTS: u64 = 2_000_000;

/// The most queue events one [`Simulation::step`] call processes, so a page that steps once
/// per frame never blocks for long: when more are due, `step` returns early (the clock stays
/// at the last event's time) and the next call goes on.
pub const STEP_EVENTS: u64 = 20_000;

/// A ring of `names` (weight 1, 160 points each): lease nodes, or order partitions.
fn ring_of<'a>(names: impl Iterator<Item = &'a str>) -> HashRing {
    // 160 vnodes is in range and the names are distinct: neither call can fail.
    let mut ring = HashRing::new(160).unwrap_or_else(|_| unreachable!());
    for name in names {
        let _ = ring.add_node(name, 1.0);
    }
    ring
}

/// What [`Simulation::run`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The metrics at the end.
    pub metrics: MetricsReport,
    /// Violations found (the first 10,000 of each source; [`Report::counts`] counts all).
    pub violations: Vec<Violation>,
    /// Violations per kind, in [`ViolationKind::ALL`] order.
    pub counts: ViolationCounts,
    /// The trace digest.
    pub digest: String,
    /// How many trace events there were.
    pub trace_events: u64,
    /// Whether the run stopped at [`MAX_EVENTS`] before `durationMs` (its metrics and
    /// verdicts then cover the time reached, `metrics.elapsed_ms`).
    pub stopped_at_cap: bool,
    /// How often the dangerous interleavings happened (the history checker's coverage).
    pub coverage: Coverage,
}

impl Report {
    /// How many violations of `kind` were found.
    pub fn count(&self, kind: ViolationKind) -> u64 {
        self.counts[kind as usize]
    }
}

/// A simulation run. See the module docs.
pub struct Simulation {
    w: World,
    clients: Vec<Client>,
    cluster: Cluster,
    storage: Storage,
    orders: Option<Orders>,
}

impl Simulation {
    /// A simulation of `config` at time 0 (validated first).
    pub fn new(config: SimConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut w = World::new(config);
        let groups = world::groups(&w.cfg);
        let plan = FaultPlan::draw(&w.cfg, groups, &mut w.fault_rng);
        w.clocks = plan.clocks;
        for (at, fault) in plan.schedule {
            w.queue.push(at, Ev::Fault(fault));
        }
        let cluster = Cluster::new(&w);
        let cfg = &w.cfg;
        let stock = match cfg.workload {
            Workload::Counter => cfg.stock as i64,
            Workload::Orders => 0,
        };
        let storage = Storage::new(cfg.fencing, &w.resource_names, stock);
        let orders = (cfg.workload == Workload::Orders).then(|| Orders::new(&w.resource_names));
        if orders.is_some() {
            w.queue.push(cfg.order_interval_ms, Ev::Order { id: 0 });
        }
        let clients: Vec<Client> = (0..cfg.actors() as u32)
            .map(|id| Client::new(id, cfg.resources))
            .collect();
        let mut sim = Simulation {
            w,
            clients,
            cluster,
            storage,
            orders,
        };
        for i in 0..sim.clients.len() {
            let mut cx = Ctx {
                w: &mut sim.w,
                cluster: &sim.cluster,
                orders: sim.orders.as_mut(),
            };
            sim.clients[i].start(&mut cx);
        }
        Ok(sim)
    }

    /// The config this simulation runs.
    pub fn config(&self) -> &SimConfig {
        &self.w.cfg
    }

    /// The current simulated time (ms).
    pub fn now_ms(&self) -> u64 {
        self.w.now
    }

    /// Whether the run is over: it reached `durationMs`, or stopped at [`MAX_EVENTS`].
    pub fn done(&self) -> bool {
        self.w.now >= self.w.cfg.duration_ms || self.stopped_at_cap()
    }

    /// Whether the run stopped at [`MAX_EVENTS`] queue events before reaching `durationMs`.
    pub fn stopped_at_cap(&self) -> bool {
        self.w.metrics.events >= MAX_EVENTS
    }

    /// Runs the events due at or before `until_ms` (capped at `durationMs`; an earlier time
    /// than now does nothing), at most [`STEP_EVENTS`] of them, and returns the trace events
    /// since the last call. When it stops early (more were due, or the run reached
    /// [`MAX_EVENTS`]) the clock stays at the last event's time; otherwise it moves to
    /// `until_ms`. Stepping in any increments gives the same run.
    pub fn step(&mut self, until_ms: u64) -> Vec<SimEvent> {
        let until = until_ms.min(self.w.cfg.duration_ms);
        let budget = STEP_EVENTS.min(MAX_EVENTS.saturating_sub(self.w.metrics.events));
        for _ in 0..budget {
            let Some((at, event)) = self.w.queue.pop_until(until) else {
                break;
            };
            self.w.now = at;
            self.w.metrics.events += 1;
            self.dispatch(event);
        }
        if !self.w.queue.peek_time().is_some_and(|t| t <= until) {
            self.w.now = self.w.now.max(until);
        }
        std::mem::take(&mut self.w.trace)
    }

    /// Runs to `durationMs`, or to [`MAX_EVENTS`] queue events (dropping the trace as it goes;
    /// the digest covers it), and reports.
    pub fn run(&mut self) -> Report {
        let end = self.w.cfg.duration_ms;
        while !self.done() {
            let until = (self.w.now + 1_000).min(end);
            self.step(until);
        }
        Report {
            metrics: self.metrics(),
            violations: self.violations(),
            counts: self.violation_counts(),
            digest: self.digest(),
            trace_events: self.w.digest.events(),
            stopped_at_cap: self.stopped_at_cap(),
            coverage: self.coverage(),
        }
    }

    /// The metrics so far.
    pub fn metrics(&self) -> MetricsReport {
        let held = self.w.checker.held_ms(self.w.now);
        self.w
            .metrics
            .report(self.w.now, held, self.w.cfg.resources)
    }

    /// The hex SHA-1 of the trace so far.
    pub fn digest(&self) -> String {
        self.w.digest.hex()
    }

    /// Violations found so far, in time order. Lost updates and orders are judged against the
    /// store's current contents (final at the end of the run), liveness as of now.
    pub fn violations(&self) -> Vec<Violation> {
        let mut all = self.w.checker.found();
        all.extend(self.judged());
        // By (time, kind, found order), as one u64 sort (fewer sort instantiations in wasm):
        // times stay below 2^20 ms, kinds below 2^3.
        let mut keys: Vec<u64> = all
            .iter()
            .enumerate()
            .map(|(i, v)| (v.at_ms.min((1 << 20) - 1) << 44) | ((v.kind as u64) << 41) | i as u64)
            .collect();
        keys.sort_unstable();
        keys.iter()
            .map(|k| all[(k & ((1 << 41) - 1)) as usize])
            .collect()
    }

    /// Violations per kind, in [`ViolationKind::ALL`] order.
    pub fn violation_counts(&self) -> ViolationCounts {
        let mut counts = self.w.checker.counts();
        for v in self.judged() {
            counts[v.kind as usize] += 1;
        }
        counts
    }

    /// How often the dangerous interleavings happened so far (see [`Coverage`]).
    pub fn coverage(&self) -> Coverage {
        self.w.checker.judge.coverage()
    }

    /// Whether the run keeps its history for [`Simulation::history`] (on by default; sweeps
    /// turn it off: the checker sees every record either way).
    pub fn keep_history(&mut self, keep: bool) {
        self.w.keep_history = keep;
        if !keep {
            self.w.history = Vec::new();
        }
    }

    /// The run so far as a history: every record the checker saw, then (counter workload) the
    /// store's final content of each resource as a server read, so that checking it again
    /// gives this run's verdict and coverage. `None` if the history was not kept, or is longer
    /// than [`HISTORY_KEPT`] records.
    pub fn history(&self) -> Option<History> {
        let w = &self.w;
        if !w.keep_history || (w.history.len() as u64) < u64::from(w.checker.judge.records()) {
            return None;
        }
        let mut records = w.history.clone();
        if w.cfg.workload == Workload::Counter {
            for (r, key) in w.resource_names.iter().enumerate() {
                let cell = self.storage.cell(key);
                let mut read = Record::new(RecordType::Ok, Op::Read, NO_CLIENT, r as u32, w.now);
                read.value = Some(cell.map_or(w.cfg.stock as i64, |c| c.count));
                read.write_id = Some(cell.map_or(0, |c| c.writer.into()));
                records.push(read.server());
            }
        }
        Some(History {
            resources: w.resource_names.clone(),
            records,
            fencing: Some(w.cfg.fencing),
        })
    }

    /// How many orders were acknowledged (orders workload; 0 otherwise).
    pub fn acked_orders(&self) -> usize {
        self.orders.as_ref().map_or(0, Orders::acked)
    }

    /// The current value of each resource's counter (orders: log length).
    pub fn counters(&self) -> Vec<i64> {
        self.w
            .resource_names
            .iter()
            .map(|key| self.storage.cell(key).map_or(0, |c| c.count))
            .collect()
    }

    /// The violations judged from current state: lost updates, lost or duplicated orders,
    /// stalls.
    fn judged(&self) -> Vec<Violation> {
        let cells: Vec<_> = self
            .w
            .resource_names
            .iter()
            .map(|key| self.storage.cell(key))
            .collect();
        let mut out = match &self.orders {
            None => {
                let heads: Vec<u64> = cells
                    .iter()
                    .map(|c| c.map_or(0, |c| c.writer.into()))
                    .collect();
                self.w.checker.judge.lost_updates(&heads)
            }
            Some(orders) => {
                let orders::Audit { lost, duplicated } = orders.audit(&cells);
                let order = |kind, resource, id: u32, at_ms| Violation {
                    kind,
                    at_ms,
                    client: NO_CLIENT,
                    other: NO_CLIENT,
                    resource,
                    token: 0,
                    value: id.into(),
                    record: NO_RECORD,
                    other_record: NO_RECORD,
                };
                let lost = lost
                    .into_iter()
                    .map(|(p, id, acked_at)| order(ViolationKind::OrderLost, p, id, acked_at));
                let duplicated = duplicated
                    .into_iter()
                    .map(|(p, id, _)| order(ViolationKind::OrderDuplicated, p, id, self.w.now));
                lost.chain(duplicated).collect()
            }
        };
        out.extend(self.w.checker.stalls(self.w.now));
        out
    }

    fn dispatch(&mut self, event: Ev) {
        match event {
            Ev::Deliver {
                to: Endpoint::Client,
                client,
                resource,
                msg,
            } => {
                if self.deferred(client, || Ev::Deliver {
                    to: Endpoint::Client,
                    client,
                    resource,
                    msg: msg.clone(),
                }) {
                    return;
                }
                let mut cx = Ctx {
                    w: &mut self.w,
                    cluster: &self.cluster,
                    orders: self.orders.as_mut(),
                };
                self.clients[client as usize].on_msg(&mut cx, msg);
            }
            Ev::Deliver {
                to: Endpoint::Lease(node),
                client,
                resource,
                msg,
            } => self
                .cluster
                .handle(&mut self.w, node, client, resource, msg),
            Ev::Deliver {
                to: Endpoint::Store,
                client,
                resource,
                msg,
            } => self.store(client, resource, msg),
            Ev::Timer { client, kind, gen } => {
                if self.deferred(client, || Ev::Timer { client, kind, gen }) {
                    return;
                }
                let mut cx = Ctx {
                    w: &mut self.w,
                    cluster: &self.cluster,
                    orders: self.orders.as_mut(),
                };
                self.clients[client as usize].on_timer(&mut cx, kind, gen);
            }
            Ev::ServerTick { node } => self.cluster.tick(&mut self.w, node),
            Ev::Fault(fault) => self.fault(fault),
            Ev::Order { id } => {
                if let Some(orders) = self.orders.as_mut() {
                    orders.arrive(id);
                }
                let next = self.w.now + self.w.cfg.order_interval_ms;
                if next <= self.w.cfg.duration_ms {
                    self.w.queue.push(next, Ev::Order { id: id + 1 });
                }
            }
        }
    }

    /// If `client`'s process is paused, puts the event back for when it resumes.
    fn deferred(&mut self, client: u32, event: impl FnOnce() -> Ev) -> bool {
        let group = self.w.group_of(client);
        let until = self.w.paused_until[group as usize];
        if until > self.w.now {
            self.w.queue.push(until, event());
            true
        } else {
            false
        }
    }

    fn fault(&mut self, fault: Fault) {
        let w = &mut self.w;
        match fault {
            Fault::PartitionStart { group, until } => {
                w.net.isolate(group, until);
                for actor in w.actors_of(group) {
                    w.emit(actor, EventKind::PartitionStart, 0, 0, until as i64);
                }
                w.queue
                    .push(until, Ev::Fault(Fault::PartitionEnd { group }));
            }
            Fault::PartitionEnd { group } => {
                if w.net.heals_at(group, w.now) {
                    for actor in w.actors_of(group) {
                        w.emit(actor, EventKind::PartitionEnd, 0, 0, 0);
                    }
                }
            }
            Fault::Resume { group } => {
                if w.paused_until[group as usize] == w.now {
                    for actor in w.actors_of(group) {
                        w.emit(actor, EventKind::Resumed, 0, 0, 0);
                    }
                }
            }
            Fault::Crash { node } => self.cluster.crash(w, node),
            Fault::Restart { node, crashed_at } => self.cluster.restart(w, node, crashed_at),
            Fault::NodeDown { node } => self.cluster.node_down(w, node),
        }
    }

    /// The store handles a read or write from `client` on `resource`.
    fn store(&mut self, client: u32, resource: u32, msg: Msg) {
        if self.w.cfg.fencing == Fencing::Strict {
            self.cluster.settle(&mut self.w, resource);
        }
        let w = &mut self.w;
        let key = &w.resource_names[resource as usize];
        let table = self.cluster.table_for(resource);
        let now = w.now;
        let reply = match msg {
            Msg::Read { token, op } => {
                let cell = self.storage.read(key, token, now, table);
                if cell.is_none() {
                    w.metrics.rejected_reads += 1;
                    w.emit(client, EventKind::ReadRejected, resource, token, 0);
                }
                Msg::ReadReply { op, cell }
            }
            Msg::Write {
                token,
                op,
                parent,
                mut cell,
            } => {
                let id = w.checker.write_id(client, op);
                let value = cell.count;
                cell.writer = id;
                let applied = self.storage.write(key, cell, token, now, table);
                let kind = if applied {
                    RecordType::Ok
                } else {
                    RecordType::Fail
                };
                let mut rec = w.rec(kind, Op::Write, client, resource).token(token);
                rec = rec.value(value).server();
                rec.based_on = Some(parent.into());
                if applied {
                    rec.write_id = Some(id.into());
                    w.record(rec);
                    w.checker.on_applied(client, op, id);
                    w.emit(client, EventKind::WriteAccepted, resource, token, value);
                } else {
                    w.record(rec);
                    w.metrics.client(client).rejected_writes += 1;
                    w.emit(client, EventKind::WriteRejected, resource, token, value);
                }
                Msg::WriteReply {
                    op,
                    write: applied.then_some(id),
                }
            }
            _ => return,
        };
        w.send(Endpoint::Client, client, resource, reply);
    }
}
