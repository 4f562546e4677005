//! The safety checker, fed one [`Record`] at a time: by the simulation as its run goes, and by
//! [`super::check`] over a recorded history. One implementation for both (docs/histories.md).
//!
//! - `doubleGrant` (L1): a server grant while another lease on the resource is live (server
//!   records).
//! - `tokenOrder` (L2): a server grant whose token is not above every earlier token of the
//!   resource (server records).
//! - `staleWrite` (L3, fencing at storage): the store applied a write whose token was below the
//!   highest it had applied for the resource, in apply order (server write records). With strict
//!   fencing claimed ([`Fencing::Strict`], L3-s), also a write applied whose token was not the
//!   live lease at that instant; otherwise those are counted as coverage
//!   (`expiredWritesApplied`), since max-token fencing lets them through by design.
//! - `beliefOverlap` (L10): two processes believed they held one resource at the same time, each
//!   from its acquire ok to its release (client records; see [`super::beliefs`]).
//! - `lostUpdate` (L12): an acknowledged write that no longer counts (see [`super::writes`]).
//!
//! Checks that need the server's view are reported as unknown when a history has no server
//! records, never guessed.

use std::collections::HashMap;

use super::beliefs::{Beliefs, BELIEF_WORK_MAX};
use super::coverage::Coverage;
use super::record::{Op, Record, RecordType, Source};
use super::violation::{Violation, ViolationCounts, ViolationKind, MAX_KEPT, NO_CLIENT, NO_RECORD};
use super::writes::{WriteRec, Writes};
use crate::core::store::Fencing;

#[derive(Debug, Clone, Copy)]
struct ServerLease {
    client: u32,
    token: u64,
    start: u64,
    expires: u64,
    ended: Option<u64>,
    record: u32,
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

/// A write the process has invoked and not heard back about.
#[derive(Debug, Clone, Copy)]
struct PendingWrite {
    token: u64,
    resource: u32,
    based_on: Option<u64>,
    write_id: Option<u64>,
}

/// Per process (dense index) state.
#[derive(Debug, Default, Clone)]
struct Process {
    ttl_ms: Option<u64>,
    paused: Option<(u64, u64)>,
    write: Option<PendingWrite>,
}

/// Per resource state.
#[derive(Debug, Default, Clone)]
struct Resource {
    /// The last server lease granted.
    lease: Option<ServerLease>,
    /// The highest token granted, and its grant record.
    max_granted: (u64, u32),
    /// The highest token the store applied a write with, and the first write applied with it.
    max_applied: Option<(u64, u32)>,
    /// Server-truth time held by leases that ended.
    held_ms: u64,
    beliefs: Beliefs,
    /// The last read that saw a write id (its record, the write id).
    last_read: Option<(u32, u64)>,
}

/// The checker's state. Feed records in order with [`Judge::apply`].
#[derive(Debug, Default)]
pub struct Judge {
    /// Whether the store claims strict fencing (a write applied must be the live lease's).
    strict: bool,
    resources: Vec<Resource>,
    writes: Writes,
    processes: Vec<Process>,
    process_index: HashMap<u32, u32>,
    found: Vec<Violation>,
    counts: ViolationCounts,
    coverage: Coverage,
    server_leases: bool,
    server_writes: bool,
    /// Steps taken by the belief checks; past [`BELIEF_WORK_MAX`] they stop.
    belief_work: u64,
    now: u64,
    records: u32,
}

impl Judge {
    /// An empty judge for a store with `fencing` (`None`: not said; judged as max-token: L3
    /// only).
    pub fn new(fencing: Option<Fencing>) -> Self {
        Judge {
            strict: fencing == Some(Fencing::Strict),
            ..Judge::default()
        }
    }

    fn report(&mut self, v: Violation) {
        self.counts[v.kind as usize] += 1;
        if self.found.len() < MAX_KEPT {
            self.found.push(v);
        }
    }

    fn resource(&mut self, r: u32) -> usize {
        let r = r as usize;
        if r >= self.resources.len() {
            self.resources.resize_with(r + 1, || Resource {
                max_granted: (0, NO_RECORD),
                ..Resource::default()
            });
        }
        r
    }

    fn process(&mut self, id: u32) -> usize {
        let next = self.processes.len() as u32;
        let i = *self.process_index.entry(id).or_insert(next);
        if i == next {
            self.processes.push(Process::default());
        }
        i as usize
    }

    /// How many records were applied (the index the next one gets).
    pub fn records(&self) -> u32 {
        self.records
    }

    /// Applies the next record (its index is [`Judge::records`]). The record must have passed
    /// validation ([`super::History::build`] checks it; the simulation builds only valid ones).
    pub fn apply(&mut self, rec: &Record) {
        let index = self.records;
        self.records = self.records.saturating_add(1);
        self.now = self.now.max(rec.time_ms);
        match (rec.source, rec.op) {
            (Source::Server, Op::Read) => {
                // The store's content (a final read): no process involved.
                let r = self.resource(rec.resource);
                if let (RecordType::Ok, Some(id)) = (rec.kind, rec.write_id) {
                    self.resources[r].last_read = Some((index, id));
                }
                return;
            }
            // The lease server went down: what it forgot shows in the grants that follow.
            (_, Op::Crash) => return,
            _ => {}
        }
        let p = self.process(rec.process);
        if rec.op == Op::Pause {
            let dur = rec.duration_ms.unwrap_or(0);
            self.processes[p].paused = Some((rec.time_ms, rec.time_ms.saturating_add(dur)));
            if self.processes[p].ttl_ms.is_some_and(|ttl| dur > ttl) {
                self.coverage.long_pauses += 1;
            }
            return;
        }
        let r = self.resource(rec.resource);
        let token = rec.token.unwrap_or(0);
        match (rec.source, rec.op, rec.kind) {
            (Source::Server, Op::Acquire, _) => self.on_grant(rec, r, index),
            (Source::Server, Op::Renew, _) => {
                if let Some(lease) = self.resources[r].lease.as_mut() {
                    if lease.token == token && lease.ended.is_none() {
                        lease.expires = rec.expires_at_ms.unwrap_or(lease.expires);
                    }
                }
            }
            (Source::Server, Op::Release | Op::Expire, _) => {
                self.server_leases = true;
                if rec.op == Op::Expire {
                    let paused = self.processes[p]
                        .paused
                        .is_some_and(|(from, to)| from <= rec.time_ms && rec.time_ms < to);
                    let n = self.coverage.expiries_while_paused.get_or_insert(0);
                    *n += u64::from(paused);
                }
                if let Some(lease) = self.resources[r].lease.as_mut() {
                    if lease.token == token && lease.ended.is_none() {
                        lease.ended = Some(rec.time_ms);
                    }
                }
            }
            (Source::Server, Op::Write, kind) => self.on_store_write(rec, r, index, kind),
            (Source::Client, Op::Read, RecordType::Ok) => {
                if let Some(id) = rec.write_id {
                    self.resources[r].last_read = Some((index, id));
                }
            }
            (Source::Client, Op::Read, RecordType::Fail) => self.coverage.reads_refused += 1,
            (Source::Client, Op::Acquire, RecordType::Invoke) if rec.ttl_ms.is_some() => {
                self.processes[p].ttl_ms = rec.ttl_ms;
            }
            (Source::Client, Op::Acquire, RecordType::Ok) if self.judges_beliefs() => {
                self.resources[r]
                    .beliefs
                    .open(rec.process, rec.time_ms, index);
            }
            (Source::Client, Op::Release, _) if self.judges_beliefs() => {
                let overlaps = self.resources[r].beliefs.close(
                    r as u32,
                    rec.process,
                    rec.time_ms,
                    index,
                    &mut self.belief_work,
                );
                for v in overlaps {
                    self.report(v);
                }
            }
            (Source::Client, Op::Renew, RecordType::Fail) => self.coverage.renewals_refused += 1,
            (Source::Client, Op::Write, RecordType::Invoke) => {
                self.processes[p].write = Some(PendingWrite {
                    token,
                    resource: rec.resource,
                    based_on: rec.based_on,
                    write_id: rec.write_id,
                });
            }
            (Source::Client, Op::Write, RecordType::Ok) => self.on_ack(rec, p, index),
            (Source::Client, Op::Write, RecordType::Fail | RecordType::Info) => {
                if rec.kind == RecordType::Fail {
                    self.coverage.writes_refused += 1;
                }
                self.processes[p].write = None;
            }
            _ => {}
        }
    }

    fn on_grant(&mut self, rec: &Record, r: usize, index: u32) {
        self.server_leases = true;
        let (token, at) = (rec.token.unwrap_or(0), rec.time_ms);
        let expires = rec.expires_at_ms.unwrap_or(at);
        if self.judges_beliefs() {
            let believed = self.resources[r]
                .beliefs
                .held_by_other(rec.process, &mut self.belief_work);
            *self.coverage.grants_while_believed.get_or_insert(0) += u64::from(believed);
        }
        if let Some(prev) = self.resources[r].lease {
            self.resources[r].held_ms += prev.held(at);
            if prev.live_at(at) {
                self.report(Violation {
                    kind: ViolationKind::DoubleGrant,
                    at_ms: at,
                    client: rec.process,
                    other: prev.client,
                    resource: r as u32,
                    token,
                    value: prev.token,
                    record: index,
                    other_record: prev.record,
                });
            }
        }
        let (max, max_record) = self.resources[r].max_granted;
        if token <= max {
            self.report(Violation {
                kind: ViolationKind::TokenOrder,
                at_ms: at,
                client: rec.process,
                other: NO_CLIENT,
                resource: r as u32,
                token,
                value: max,
                record: index,
                other_record: max_record,
            });
        } else {
            self.resources[r].max_granted = (token, index);
        }
        self.resources[r].lease = Some(ServerLease {
            client: rec.process,
            token,
            start: at,
            expires,
            ended: None,
            record: index,
        });
    }

    /// Whether the belief checks are still within [`BELIEF_WORK_MAX`].
    pub fn judges_beliefs(&self) -> bool {
        self.belief_work <= BELIEF_WORK_MAX
    }

    fn live(&self, r: usize, token: u64, t: u64) -> bool {
        self.resources[r]
            .lease
            .is_some_and(|l| l.token == token && l.live_at(t))
    }

    fn on_store_write(&mut self, rec: &Record, r: usize, index: u32, kind: RecordType) {
        self.server_writes = true;
        let (token, at) = (rec.token.unwrap_or(0), rec.time_ms);
        let late = self.server_leases && !self.live(r, token, at);
        *self.coverage.late_writes.get_or_insert(0) += u64::from(late);
        let expired = self.coverage.expired_writes_applied.get_or_insert(0);
        if kind != RecordType::Ok {
            return;
        }
        *expired += u64::from(late);
        let id = rec.write_id.unwrap_or(0);
        let stale = |other_record| Violation {
            kind: ViolationKind::StaleWrite,
            at_ms: at,
            client: rec.process,
            other: NO_CLIENT,
            resource: r as u32,
            token,
            value: id,
            record: index,
            other_record,
        };
        let max = self.resources[r].max_applied;
        if let Some((_, max_record)) = max.filter(|&(highest, _)| token < highest) {
            // L3: the applied tokens went backwards.
            self.report(stale(max_record));
        } else {
            if !max.is_some_and(|(highest, _)| token <= highest) {
                self.resources[r].max_applied = Some((token, index));
            }
            // L3-s: a strict store applies only the live lease's writes.
            if self.strict && late {
                let lease = self.resources[r].lease.map_or(NO_RECORD, |l| l.record);
                self.report(stale(lease));
            }
        }
        let parent = self.writes.parent(rec.based_on);
        self.writes.register(
            id,
            WriteRec {
                parent,
                client: rec.process,
                resource: r as u32,
                at,
                token,
                record: index,
                acked: None,
            },
        );
    }

    fn on_ack(&mut self, rec: &Record, p: usize, index: u32) {
        let pending = self.processes[p].write.take();
        let Some(id) = rec.write_id.or(pending.and_then(|w| w.write_id)) else {
            return; // an acknowledged write nobody can identify: not judged
        };
        let internal = match self.writes.get(id) {
            Some(known) => known,
            None => {
                // Client-only history: the write counts as applied when acknowledged.
                let based_on = pending.and_then(|w| w.based_on);
                let w = WriteRec {
                    parent: self.writes.parent(based_on),
                    client: rec.process,
                    resource: pending.map_or(rec.resource, |w| w.resource),
                    at: rec.time_ms,
                    token: pending.map_or(rec.token.unwrap_or(0), |w| w.token),
                    record: index,
                    acked: None,
                };
                self.writes.register(id, w)
            }
        };
        self.writes.ack(internal, index);
    }

    /// Lost updates given each resource's current writer as the store holds it now (the
    /// simulation): every acknowledged write is judged.
    pub fn lost_updates(&self, heads: &[u64]) -> Vec<Violation> {
        let heads: Vec<(u64, u32)> = heads.iter().map(|&h| (h, u32::MAX)).collect();
        self.writes.lost(&heads)
    }

    /// Lost updates as the history shows them: each resource's last read that names a write
    /// is its current writer, and writes acknowledged before that read are judged. Resources
    /// with writes but no such read are unknown (`None` if every one is).
    pub fn lost_updates_from_reads(&self) -> Option<Vec<Violation>> {
        let heads: Vec<(u64, u32)> = self
            .resources
            .iter()
            .map(|x| x.last_read.map_or((0, 0), |(record, id)| (id, record)))
            .collect();
        let any = self.resources.iter().any(|x| x.last_read.is_some());
        (any || self.writes.len() == 0).then(|| self.writes.lost(&heads))
    }

    /// Whether the store's fencing is claimed strict (L3-s is judged).
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// How many distinct processes were seen.
    pub fn process_count(&self) -> usize {
        self.processes.len()
    }

    /// How many distinct writes were applied or acknowledged.
    pub fn write_count(&self) -> u32 {
        self.writes.len() as u32
    }

    /// Whether the history had server lease records (grants, expiries, releases).
    pub fn knows_leases(&self) -> bool {
        self.server_leases
    }

    /// Whether the history had store records.
    pub fn knows_store(&self) -> bool {
        self.server_writes
    }

    /// Violations found online so far.
    pub fn found(&self) -> &[Violation] {
        &self.found
    }

    /// Online counts per kind.
    pub fn counts(&self) -> ViolationCounts {
        self.counts
    }

    /// Coverage so far (`grantsWhileBelieved` unknown once the belief checks stopped; the
    /// late writes unknown without both the lease server's and the store's records).
    pub fn coverage(&self) -> Coverage {
        let mut coverage = self.coverage;
        if !self.judges_beliefs() {
            coverage.grants_while_believed = None;
        }
        if !self.server_leases {
            coverage.late_writes = None;
            coverage.expired_writes_applied = None;
        }
        coverage
    }

    /// The last time seen (ms).
    pub fn now_ms(&self) -> u64 {
        self.now
    }

    /// Whether `resource` has no open belief, and since when (the last belief end).
    pub fn leaderless_since(&self, resource: u32) -> Option<u64> {
        match self.resources.get(resource as usize) {
            Some(x) => x.beliefs.leaderless_since(),
            None => Some(0),
        }
    }

    /// Server-truth time held, summed over resources, up to `now`.
    pub fn held_ms(&self, now: u64) -> u64 {
        self.resources
            .iter()
            .map(|x| x.held_ms + x.lease.map_or(0, |l| l.held(now)))
            .sum()
    }
}
