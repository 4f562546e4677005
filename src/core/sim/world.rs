//! What every actor touches: the clock and queue, the network, the generators, the trace, the
//! checker and the metrics. Actors (clients, lease servers, the store) are kept apart from it
//! so each can be borrowed mutably together with the world.

use super::checker::Checker;
use super::config::{SimConfig, Workload};
use super::digest::TraceDigest;
use super::event::{EventKind, SimEvent};
use super::faults::{Clock, Fault};
use super::metrics::Metrics;
use super::network::{Endpoint, Msg, Network};
use super::queue::Queue;
use super::rng::Rng;
use crate::core::history::{Op, Record, RecordType};

/// A client timer's purpose; each has its own generation counter, so re-arming one makes the
/// earlier timer of that kind a no-op.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// The client's next step (think, back-off, keep-alive or timeout, work, …).
    Phase,
    /// The next renewal.
    Renew,
    /// The end of the lease's validity on the client's clock.
    Validity,
}

/// A scheduled event.
#[derive(Debug, Clone)]
pub(crate) enum Ev {
    /// A message arrives.
    Deliver {
        to: Endpoint,
        client: u32,
        resource: u32,
        msg: Msg,
    },
    /// A client timer fires.
    Timer {
        client: u32,
        kind: TimerKind,
        gen: u32,
    },
    /// A lease server processes what fell due (expiries, lock-delay ends, wait deadlines).
    ServerTick { node: u32 },
    /// A fault starts or ends.
    Fault(Fault),
    /// The next order arrives (orders workload).
    Order { id: u32 },
}

/// Generator streams (one PCG stream per concern).
const STREAM_NET: u64 = 1;
const STREAM_FAULTS: u64 = 2;
const STREAM_CLIENTS: u64 = 3;

/// The shared context of a run.
pub(crate) struct World {
    pub(crate) cfg: SimConfig,
    pub(crate) now: u64,
    pub(crate) queue: Queue<Ev>,
    pub(crate) net: Network,
    pub(crate) net_rng: Rng,
    pub(crate) fault_rng: Rng,
    pub(crate) client_rng: Rng,
    /// Per group (client, or broker for the orders workload).
    pub(crate) clocks: Vec<Clock>,
    /// Per group: a paused group's events wait until then.
    pub(crate) paused_until: Vec<u64>,
    /// Events since the last `step`.
    pub(crate) trace: Vec<SimEvent>,
    pub(crate) digest: TraceDigest,
    pub(crate) checker: Checker,
    pub(crate) metrics: Metrics,
    /// `"r0"`, `"r1"`, …: lock, election and store key names.
    pub(crate) resource_names: Vec<String>,
    /// `"c0"`, `"c1"`, …: owner names at the lease server.
    pub(crate) client_names: Vec<String>,
    /// The run as a history (the first [`HISTORY_KEPT`] records; the checker sees them all).
    pub(crate) history: Vec<Record>,
    /// Whether to keep the history (sweeps do not).
    pub(crate) keep_history: bool,
}

/// Records of a run's history kept for export (136 bytes each: at most about 68 MB).
pub const HISTORY_KEPT: usize = 500_000;

impl World {
    pub(crate) fn new(cfg: SimConfig) -> Self {
        let actors = cfg.actors() as u32;
        let groups = groups(&cfg);
        let resources = cfg.resources;
        World {
            now: 0,
            queue: Queue::new(),
            net: Network::new(groups),
            net_rng: Rng::new(cfg.seed, STREAM_NET),
            fault_rng: Rng::new(cfg.seed, STREAM_FAULTS),
            client_rng: Rng::new(cfg.seed, STREAM_CLIENTS),
            clocks: vec![Clock::EXACT; groups as usize],
            paused_until: vec![0; groups as usize],
            trace: Vec::new(),
            digest: TraceDigest::new(),
            checker: Checker::new(&cfg, actors),
            metrics: Metrics::new(actors),
            resource_names: (0..resources).map(|i| format!("r{i}")).collect(),
            client_names: (0..actors).map(|i| format!("c{i}")).collect(),
            history: Vec::new(),
            keep_history: true,
            cfg,
        }
    }

    /// The group (process) a client belongs to: itself, or its broker.
    pub(crate) fn group_of(&self, client: u32) -> u32 {
        match self.cfg.workload {
            Workload::Counter => client,
            Workload::Orders => client / self.cfg.resources,
        }
    }

    /// Records a trace event at the current time.
    pub(crate) fn emit(
        &mut self,
        client: u32,
        kind: EventKind,
        resource: u32,
        token: u64,
        value: i64,
    ) {
        self.emit_at(self.now, client, kind, resource, token, value);
    }

    /// Records a trace event at `at_ms` (server events carry their own event time).
    #[inline(never)]
    pub(crate) fn emit_at(
        &mut self,
        at_ms: u64,
        client: u32,
        kind: EventKind,
        resource: u32,
        token: u64,
        value: i64,
    ) {
        let event = SimEvent {
            at_ms,
            client,
            kind,
            resource,
            token,
            value,
        };
        self.digest.push(&event);
        self.trace.push(event);
    }

    /// Appends a record to the run's history and hands it to the checker.
    #[inline(never)]
    pub(crate) fn record(&mut self, rec: Record) {
        self.checker.judge.apply(&rec);
        if self.keep_history && self.history.len() < HISTORY_KEPT {
            self.history.push(rec);
        }
    }

    /// A client record of `op` by `client` on `resource` now.
    pub(crate) fn rec(&self, kind: RecordType, op: Op, client: u32, resource: u32) -> Record {
        Record::new(kind, op, client, resource, self.now)
    }

    /// Sends `msg` about `client` (from or to it) over the network.
    #[inline(never)]
    pub(crate) fn send(&mut self, to: Endpoint, client: u32, resource: u32, msg: Msg) {
        let group = self.group_of(client);
        let route = self
            .net
            .route(&self.cfg, &mut self.net_rng, self.now, group);
        self.metrics.messages += 1;
        match route.at {
            [None, _] => self.metrics.lost += 1,
            [Some(at), None] => self.queue.push(
                at,
                Ev::Deliver {
                    to,
                    client,
                    resource,
                    msg,
                },
            ),
            [Some(first), Some(second)] => {
                self.metrics.duplicated += 1;
                self.queue.push(
                    first,
                    Ev::Deliver {
                        to,
                        client,
                        resource,
                        msg: msg.clone(),
                    },
                );
                self.queue.push(
                    second,
                    Ev::Deliver {
                        to,
                        client,
                        resource,
                        msg,
                    },
                );
            }
        }
    }

    /// The client's local clock reading now.
    pub(crate) fn local(&self, client: u32) -> i64 {
        self.clocks[self.group_of(client) as usize].local(self.now)
    }

    /// Arms a client timer for when its local clock reads `local` (now, if already past).
    #[inline(never)]
    pub(crate) fn timer_at_local(&mut self, client: u32, kind: TimerKind, gen: u32, local: i64) {
        let clock = self.clocks[self.group_of(client) as usize];
        let at = clock.true_at(local).max(self.now);
        self.queue.push(at, Ev::Timer { client, kind, gen });
    }

    /// Arms a client timer `ms` from now by its local clock.
    pub(crate) fn timer_after(&mut self, client: u32, kind: TimerKind, gen: u32, ms: u64) {
        let local = self.local(client) + ms as i64;
        self.timer_at_local(client, kind, gen, local);
    }
}

/// How many groups (processes with their own clock, pauses and partitions) a config has.
pub(crate) fn groups(cfg: &SimConfig) -> u32 {
    cfg.clients
}

impl World {
    /// The actors of a group: one client, or a broker's replicas.
    pub(crate) fn actors_of(&self, group: u32) -> std::ops::Range<u32> {
        match self.cfg.workload {
            Workload::Counter => group..group + 1,
            Workload::Orders => group * self.cfg.resources..(group + 1) * self.cfg.resources,
        }
    }

    /// Stops `group` for `ms`: its events wait until it resumes.
    pub(crate) fn pause_group(&mut self, group: u32, ms: u64) {
        let until = self.now + ms;
        self.paused_until[group as usize] = until;
        for actor in self.actors_of(group) {
            self.metrics.client(actor).pauses += 1;
            self.emit(actor, EventKind::Paused, 0, 0, ms as i64);
            let mut pause = self.rec(RecordType::Info, Op::Pause, actor, 0);
            pause.duration_ms = Some(ms);
            self.record(pause);
        }
        self.queue.push(until, Ev::Fault(Fault::Resume { group }));
    }
}
