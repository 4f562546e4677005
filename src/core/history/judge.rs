//! The safety checker, fed one [`Record`] at a time: by the simulation as its run goes, and by
//! [`super::check`] over a recorded history. One implementation for both (docs/histories.md).
//!
//! - `doubleGrant` (L1): a server grant while another lease on the resource is live (server
//!   records).
//! - `tokenOrder` (L2): a server grant whose token is not above every earlier token of the
//!   resource (server records).
//! - `staleWrite` (L3-s): the store applied a write whose token was not the live lease at that
//!   instant (server write records).
//! - `beliefOverlap` (L10): two processes believed they held one resource at the same time, each
//!   from its acquire ok to its release (client records).
//! - `lostUpdate` (L12): an acknowledged write that no longer counts: every write names the
//!   write its value was computed from (`basedOn`), and the writes that count are the chain back
//!   from the resource's last read (client or server read records with `writeId`).
//!
//! Checks that need the server's view are reported as unknown when a history has no server
//! records, never guessed.

use std::collections::HashMap;

use super::record::{Op, Record, RecordType, Source};

/// `client`/`other` of a violation that concerns no client.
pub const NO_CLIENT: u32 = u32::MAX;
/// `record`/`otherRecord` of a violation that points at no record.
pub const NO_RECORD: u32 = u32::MAX;

/// What a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ViolationKind {
    /// An acknowledged decrement vanished.
    LostUpdate,
    /// An acknowledged order is missing from its partition's log (simulation only).
    OrderLost,
    /// An order is in its partition's log more than once (simulation only).
    OrderDuplicated,
    /// Two leases on one resource were live at once (server truth).
    DoubleGrant,
    /// A grant's token did not exceed every earlier token of its resource.
    TokenOrder,
    /// The store applied a write whose token was not the live lease.
    StaleWrite,
    /// Two clients believed they held one resource at once.
    BeliefOverlap,
    /// A wait past the bound after the faults stopped (simulation only).
    Liveness,
}

impl ViolationKind {
    /// Every kind.
    pub const ALL: [ViolationKind; 8] = [
        ViolationKind::LostUpdate,
        ViolationKind::OrderLost,
        ViolationKind::OrderDuplicated,
        ViolationKind::DoubleGrant,
        ViolationKind::TokenOrder,
        ViolationKind::StaleWrite,
        ViolationKind::BeliefOverlap,
        ViolationKind::Liveness,
    ];

    /// The kinds a history is judged on (the others need the simulation's own state).
    pub const HISTORY: [ViolationKind; 5] = [
        ViolationKind::LostUpdate,
        ViolationKind::DoubleGrant,
        ViolationKind::TokenOrder,
        ViolationKind::StaleWrite,
        ViolationKind::BeliefOverlap,
    ];

    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::LostUpdate => "lostUpdate",
            ViolationKind::OrderLost => "orderLost",
            ViolationKind::OrderDuplicated => "orderDuplicated",
            ViolationKind::DoubleGrant => "doubleGrant",
            ViolationKind::TokenOrder => "tokenOrder",
            ViolationKind::StaleWrite => "staleWrite",
            ViolationKind::BeliefOverlap => "beliefOverlap",
            ViolationKind::Liveness => "liveness",
        }
    }
}

/// One violation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    /// What.
    pub kind: ViolationKind,
    /// When it happened (ms): the overwrite that lost an update, the start of an overlap, the
    /// grant, the write, or the moment a wait went past its bound.
    pub at_ms: u64,
    /// The client (process) it concerns ([`NO_CLIENT`] if none).
    pub client: u32,
    /// The other client involved (the other believer or holder), or [`NO_CLIENT`].
    pub other: u32,
    /// The resource (lock, SKU, partition) index.
    pub resource: u32,
    /// A token involved (0 if none).
    pub token: u64,
    /// A kind-specific number: the order id (orders), how long the wait was (liveness), the
    /// number of extra copies (duplicated orders), or the lost write's id (lost updates).
    pub value: u64,
    /// The record the violation is about (the grant, the write applied, the release that ended
    /// an overlapping belief, the lost write), or [`NO_RECORD`].
    pub record: u32,
    /// The other record involved (the earlier grant, the other believer's acquire, the write
    /// that overwrote), or [`NO_RECORD`].
    pub other_record: u32,
}

/// Violations per kind, in [`ViolationKind::ALL`] order.
pub type ViolationCounts = [u64; 8];

/// Violations kept in full (all are counted).
pub const MAX_KEPT: usize = 10_000;

/// Steps the belief checks may take over a whole history (each release scans the beliefs open
/// or recently closed on its resource): past this, `beliefOverlap` and `grantsWhileBelieved`
/// are unknown rather than judged slowly.
pub const BELIEF_WORK_MAX: u64 = 200_000_000;

/// How often the dangerous interleavings happened, so that "0 violations" means something.
/// `None`: the history cannot tell (it has no server records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Writes that reached the store after their lease had ended (applied or refused).
    pub late_writes: Option<u64>,
    /// Pauses longer than the TTL the process last asked for.
    pub long_pauses: u64,
    /// Server grants while another process still believed it held the resource.
    pub grants_while_believed: Option<u64>,
    /// Leases that expired on the server while their holder was paused.
    pub expiries_while_paused: Option<u64>,
    /// Writes the store refused (fencing), as the clients learnt.
    pub writes_refused: u64,
    /// Reads the store refused, as the clients learnt.
    pub reads_refused: u64,
    /// Renewals the server refused, as the clients learnt.
    pub renewals_refused: u64,
}

impl Coverage {
    /// The stable camelCase names, in field order.
    pub const NAMES: [&'static str; 7] = [
        "lateWrites",
        "longPauses",
        "grantsWhileBelieved",
        "expiriesWhilePaused",
        "writesRefused",
        "readsRefused",
        "renewalsRefused",
    ];

    /// The counts in [`Coverage::NAMES`] order.
    pub fn values(&self) -> [Option<u64>; 7] {
        [
            self.late_writes,
            Some(self.long_pauses),
            self.grants_while_believed,
            self.expiries_while_paused,
            Some(self.writes_refused),
            Some(self.reads_refused),
            Some(self.renewals_refused),
        ]
    }
}

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

#[derive(Debug, Clone, Copy)]
struct WriteRec {
    parent: u32,
    client: u32,
    resource: u32,
    at: u64,
    token: u64,
    /// The record that applied it (server) or acknowledged it (client-only histories).
    record: u32,
    /// The record that acknowledged it, if any.
    acked: Option<u32>,
}

/// An open belief: who, since when, and its acquire-ok record.
#[derive(Debug, Clone, Copy)]
struct Belief {
    client: u32,
    start: u64,
    record: u32,
}

#[derive(Debug, Default)]
struct Beliefs {
    open: Vec<Belief>,
    closed: Vec<(Belief, u64)>,
    last_end: u64,
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

/// The checker's state. Feed records in order with [`Judge::apply`].
#[derive(Debug, Default)]
pub struct Judge {
    leases: Vec<Option<ServerLease>>,
    max_token: Vec<(u64, u32)>,
    held_ms: Vec<u64>,
    beliefs: Vec<Beliefs>,
    writes: Vec<WriteRec>,
    /// History write id → index + 1 in `writes`.
    write_index: HashMap<u64, u32>,
    processes: Vec<Process>,
    process_index: HashMap<u32, u32>,
    /// Per resource: the last read that saw a write id (its record, the write id).
    last_read: Vec<Option<(u32, u64)>>,
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
    /// An empty judge.
    pub fn new() -> Self {
        Judge::default()
    }

    fn report(&mut self, v: Violation) {
        self.counts[v.kind as usize] += 1;
        if self.found.len() < MAX_KEPT {
            self.found.push(v);
        }
    }

    fn resource(&mut self, r: u32) -> usize {
        let r = r as usize;
        if r >= self.leases.len() {
            self.leases.resize(r + 1, None);
            self.max_token.resize(r + 1, (0, NO_RECORD));
            self.held_ms.resize(r + 1, 0);
            self.beliefs.resize_with(r + 1, Beliefs::default);
            self.last_read.resize(r + 1, None);
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
        if (rec.source, rec.op) == (Source::Server, Op::Read) {
            // The store's content (a final read): no process involved.
            let r = self.resource(rec.resource);
            if let (RecordType::Ok, Some(id)) = (rec.kind, rec.write_id) {
                self.last_read[r] = Some((index, id));
            }
            return;
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
                if let Some(lease) = self.leases[r].as_mut() {
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
                if let Some(lease) = self.leases[r].as_mut() {
                    if lease.token == token && lease.ended.is_none() {
                        lease.ended = Some(rec.time_ms);
                    }
                }
            }
            (Source::Server, Op::Write, kind) => self.on_store_write(rec, r, index, kind),
            (Source::Client, Op::Read, RecordType::Ok) => {
                if let Some(id) = rec.write_id {
                    self.last_read[r] = Some((index, id));
                }
            }
            (Source::Client, Op::Read, RecordType::Fail) => self.coverage.reads_refused += 1,
            (Source::Client, Op::Acquire, RecordType::Invoke) if rec.ttl_ms.is_some() => {
                self.processes[p].ttl_ms = rec.ttl_ms;
            }
            (Source::Client, Op::Acquire, RecordType::Ok) if self.judges_beliefs() => {
                self.beliefs[r].open.push(Belief {
                    client: rec.process,
                    start: rec.time_ms,
                    record: index,
                });
            }
            (Source::Client, Op::Release, _) if self.judges_beliefs() => {
                self.on_belief_end(r, rec.process, rec.time_ms, index)
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
            self.belief_work += self.beliefs[r].open.len() as u64;
            let believed = self.beliefs[r].open.iter().any(|b| b.client != rec.process);
            *self.coverage.grants_while_believed.get_or_insert(0) += u64::from(believed);
        }
        if let Some(prev) = self.leases[r] {
            self.held_ms[r] += prev.held(at);
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
        let (max, max_record) = self.max_token[r];
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
            self.max_token[r] = (token, index);
        }
        self.leases[r] = Some(ServerLease {
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

    fn on_belief_end(&mut self, r: usize, client: u32, at: u64, index: u32) {
        let b = &mut self.beliefs[r];
        self.belief_work += (b.open.len() + b.closed.len()) as u64;
        let Some(i) = b.open.iter().position(|o| o.client == client) else {
            return;
        };
        let mine = b.open.remove(i);
        let start = mine.start;
        b.last_end = b.last_end.max(at);
        let overlaps: Vec<Belief> = b
            .closed
            .iter()
            .filter(|&&(o, e)| o.client != client && start < e && o.start < at)
            .map(|&(o, _)| Belief {
                start: o.start.max(start),
                ..o
            })
            .collect();
        if at > start {
            b.closed.push((mine, at));
        }
        let horizon = b.open.iter().map(|o| o.start).min().unwrap_or(at).min(at);
        b.closed.retain(|&(_, e)| e > horizon);
        for other in overlaps {
            self.report(Violation {
                kind: ViolationKind::BeliefOverlap,
                at_ms: other.start,
                client,
                other: other.client,
                resource: r as u32,
                token: 0,
                value: 0,
                record: index,
                other_record: other.record,
            });
        }
    }

    fn live(&self, r: usize, token: u64, t: u64) -> bool {
        self.leases[r].is_some_and(|l| l.token == token && l.live_at(t))
    }

    /// The internal id (index + 1) of history write `id`, registering it if new.
    fn register(&mut self, id: u64, w: WriteRec) -> (u32, bool) {
        if let Some(&known) = self.write_index.get(&id) {
            return (known, false);
        }
        self.writes.push(w);
        let internal = self.writes.len() as u32;
        self.write_index.insert(id, internal);
        (internal, true)
    }

    fn parent(&self, based_on: Option<u64>) -> u32 {
        based_on
            .and_then(|b| self.write_index.get(&b).copied())
            .unwrap_or(0)
    }

    fn on_store_write(&mut self, rec: &Record, r: usize, index: u32, kind: RecordType) {
        self.server_writes = true;
        let (token, at) = (rec.token.unwrap_or(0), rec.time_ms);
        let live = self.live(r, token, at);
        *self.coverage.late_writes.get_or_insert(0) += u64::from(!live && self.server_leases);
        if kind != RecordType::Ok {
            return;
        }
        let id = rec.write_id.unwrap_or(0);
        if !live {
            self.report(Violation {
                kind: ViolationKind::StaleWrite,
                at_ms: at,
                client: rec.process,
                other: NO_CLIENT,
                resource: r as u32,
                token,
                value: id,
                record: index,
                other_record: self.leases[r].map_or(NO_RECORD, |l| l.record),
            });
        }
        let parent = self.parent(rec.based_on);
        self.register(
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
        let internal = match self.write_index.get(&id) {
            Some(&known) => known,
            None => {
                // Client-only history: the write counts as applied when acknowledged.
                let based_on = pending.and_then(|w| w.based_on);
                let parent = self.parent(based_on);
                let w = WriteRec {
                    parent,
                    client: rec.process,
                    resource: pending.map_or(rec.resource, |w| w.resource),
                    at: rec.time_ms,
                    token: pending.map_or(rec.token.unwrap_or(0), |w| w.token),
                    record: index,
                    acked: None,
                };
                self.register(id, w).0
            }
        };
        if let Some(w) = self.writes.get_mut(internal as usize - 1) {
            w.acked.get_or_insert(index);
        }
    }

    /// Lost updates given each resource's current writer (history write ids, 0: the initial
    /// value), judging only writes acknowledged before `cutoff[r]` (a record index).
    fn lost(&self, heads: &[(u64, u32)]) -> Vec<Violation> {
        let mut on_chain = vec![false; self.writes.len() + 1];
        for &(head, _) in heads {
            let mut id = self.write_index.get(&head).copied().unwrap_or(0);
            while id != 0 && !on_chain[id as usize] {
                on_chain[id as usize] = true;
                id = self.writes[id as usize - 1].parent;
            }
        }
        // Backwards, keeping each resource's next write on the chain: that is the write that
        // overwrote a lost one (its parent, the chain write before it, is older than the lost
        // write, since a write's parent is always an earlier write).
        let resources = self
            .writes
            .iter()
            .map(|w| w.resource as usize + 1)
            .max()
            .unwrap_or(0);
        let mut next_on_chain: Vec<Option<usize>> = vec![None; resources];
        let mut lost = Vec::new();
        for (i, w) in self.writes.iter().enumerate().rev() {
            let id = i as u32 + 1;
            let r = w.resource as usize;
            if on_chain[id as usize] {
                next_on_chain[r] = Some(i);
                continue;
            }
            let Some(acked) = w.acked else { continue };
            let judged = heads.get(r).is_some_and(|&(_, cutoff)| acked < cutoff);
            if !judged {
                continue;
            }
            let over = next_on_chain[r].map(|j| &self.writes[j]);
            lost.push(Violation {
                kind: ViolationKind::LostUpdate,
                at_ms: over.map_or(w.at, |later| later.at),
                client: w.client,
                other: over.map_or(NO_CLIENT, |later| later.client),
                resource: w.resource,
                token: w.token,
                value: u64::from(id),
                record: w.record,
                other_record: over.map_or(NO_RECORD, |later| later.record),
            });
        }
        lost.reverse();
        lost
    }

    /// Lost updates given each resource's current writer as the store holds it now (the
    /// simulation): every acknowledged write is judged.
    pub fn lost_updates(&self, heads: &[u64]) -> Vec<Violation> {
        let heads: Vec<(u64, u32)> = heads.iter().map(|&h| (h, u32::MAX)).collect();
        self.lost(&heads)
    }

    /// Lost updates as the history shows them: each resource's last read that names a write
    /// is its current writer, and writes acknowledged before that read are judged. Resources
    /// with writes but no such read are unknown (`None` if every one is).
    pub fn lost_updates_from_reads(&self) -> Option<Vec<Violation>> {
        let heads: Vec<(u64, u32)> = self
            .last_read
            .iter()
            .map(|read| read.map_or((0, 0), |(record, id)| (id, record)))
            .collect();
        let any = self.last_read.iter().any(Option::is_some);
        (any || self.writes.is_empty()).then(|| self.lost(&heads))
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

    /// Coverage so far (`grantsWhileBelieved` unknown once the belief checks stopped).
    pub fn coverage(&self) -> Coverage {
        let mut coverage = self.coverage;
        if !self.judges_beliefs() {
            coverage.grants_while_believed = None;
        }
        coverage
    }

    /// The last time seen (ms).
    pub fn now_ms(&self) -> u64 {
        self.now
    }

    /// Whether `resource` has no open belief, and since when (the last belief end).
    pub fn leaderless_since(&self, resource: u32) -> Option<u64> {
        let Some(b) = self.beliefs.get(resource as usize) else {
            return Some(0);
        };
        b.open.is_empty().then_some(b.last_end)
    }

    /// Server-truth time held, summed over resources, up to `now`.
    pub fn held_ms(&self, now: u64) -> u64 {
        let closed: u64 = self.held_ms.iter().sum();
        let open: u64 = self.leases.iter().flatten().map(|l| l.held(now)).sum();
        closed + open
    }
}
