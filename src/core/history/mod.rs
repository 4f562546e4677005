//! Histories: what processes did to leases and a store, one record per operation event, and
//! the checker that judges them (docs/histories.md). The simulation feeds the same
//! [`Judge`] as it runs, so a simulated run exported as a history and checked again gives the
//! simulation's own verdict and coverage.
//!
//! ```
//! use ringlease::core::history::{check, History, RawRecord};
//!
//! let raw = |json: &str| -> RawRecord { serde_json::from_str(json).unwrap() };
//! let records = [
//!     raw(r#"{"type":"invoke","process":0,"op":"acquire","resource":"stock","timeMs":0}"#),
//!     raw(r#"{"type":"ok","process":0,"op":"acquire","resource":"stock","token":1,"timeMs":3}"#),
//! ];
//! let history = History::build(records.iter()).unwrap();
//! let verdict = check(&history);
//! assert!(verdict.violations.is_empty());
//! ```

mod beliefs;
mod coverage;
mod judge;
mod record;
mod violation;
mod writes;

pub use beliefs::BELIEF_WORK_MAX;
pub use coverage::Coverage;
pub use judge::Judge;
pub use record::{Op, RawRecord, Record, RecordType, Source, FIELDS, MAX_RESOURCE_LEN};
pub use violation::{Violation, ViolationCounts, ViolationKind, MAX_KEPT, NO_CLIENT, NO_RECORD};

pub use crate::core::store::Fencing;

use std::collections::HashMap;
use std::fmt;

/// Most records a history may have (a bound on memory and time: about 0.1 s per 100,000
/// records natively).
pub const MAX_RECORDS: usize = 2_000_000;

/// Why a history was refused: the record (its index in `records`) and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryError {
    /// The record's index, or `None` for the document as a whole.
    pub index: Option<usize>,
    /// The field at fault (`""` for the record as a whole).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl HistoryError {
    /// An error about record `index`'s `field`.
    pub fn at(index: usize, field: &'static str, message: impl Into<String>) -> Self {
        HistoryError {
            index: Some(index),
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, self.field) {
            (None, "") => write!(f, "history: {}", self.message),
            (None, field) => write!(f, "history.{field}: {}", self.message),
            (Some(i), "") => write!(f, "records[{i}]: {}", self.message),
            (Some(i), field) => write!(f, "records[{i}].{field}: {}", self.message),
        }
    }
}

impl std::error::Error for HistoryError {}

/// A validated history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Resource names, in order of first appearance; records refer to them by index.
    pub resources: Vec<String>,
    /// The records, in the order they happened as the recorder saw them.
    pub records: Vec<Record>,
    /// How the store checked tokens, as the history says (`None`: not said). Strict fencing
    /// makes a write applied outside the live lease a `staleWrite`.
    pub fencing: Option<Fencing>,
}

/// Per process: the last client time, and invokes not yet answered, per op.
#[derive(Default)]
struct Open {
    last_ms: u64,
    pending: [u32; record::Op::COUNT],
}

impl History {
    /// Validates decoded records into a history. Errors name the record and field: a malformed
    /// or missing field, an unknown type, op or source, a client time going backwards within
    /// a process, or an ok, fail or info without its invoke.
    pub fn build<'a>(raw: impl IntoIterator<Item = &'a RawRecord>) -> Result<Self, HistoryError> {
        let mut b = Builder::default();
        for (i, r) in raw.into_iter().enumerate() {
            b.push(i, r)?;
        }
        Ok(b.finish())
    }
}

/// Builds a [`History`] one raw record at a time (the wasm surface decodes one at a time).
#[derive(Default)]
pub struct Builder {
    history: History,
    names: HashMap<String, u32>,
    open: HashMap<u32, Open>,
}

impl Builder {
    /// Validates record `index` and appends it.
    pub fn push(&mut self, index: usize, raw: &RawRecord) -> Result<(), HistoryError> {
        if index >= MAX_RECORDS {
            return Err(HistoryError {
                index: None,
                field: "records",
                message: format!("has more than {MAX_RECORDS} records"),
            });
        }
        let parsed = raw
            .parse()
            .map_err(|(field, message)| HistoryError::at(index, field, message))?;
        let mut rec = parsed.record;
        if let Some(name) = parsed.resource {
            let next = self.history.resources.len() as u32;
            rec.resource = match self.names.get(name) {
                Some(&r) => r,
                None => {
                    self.names.insert(name.to_string(), next);
                    self.history.resources.push(name.to_string());
                    next
                }
            };
        }
        if rec.source == Source::Client {
            let open = self.open.entry(rec.process).or_default();
            if rec.time_ms < open.last_ms {
                return Err(HistoryError::at(
                    index,
                    "timeMs",
                    format!(
                        "goes backwards within process {} ({} after {})",
                        rec.process, rec.time_ms, open.last_ms
                    ),
                ));
            }
            open.last_ms = rec.time_ms;
            let slot = &mut open.pending[rec.op as usize];
            match rec.kind {
                RecordType::Invoke => *slot = slot.saturating_add(1),
                RecordType::Ok | RecordType::Fail | RecordType::Info if rec.op != Op::Pause => {
                    if *slot == 0 {
                        return Err(HistoryError::at(
                            index,
                            "type",
                            format!(
                                "{} {} without its invoke by process {}",
                                rec.kind.as_str(),
                                rec.op.as_str(),
                                rec.process
                            ),
                        ));
                    }
                    *slot -= 1;
                }
                _ => {}
            }
        }
        self.history.records.push(rec);
        Ok(())
    }

    /// The history built so far.
    pub fn finish(self) -> History {
        self.history
    }
}

/// What [`check`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Violations found (the first [`MAX_KEPT`] found online, then every lost update), in time
    /// order.
    pub violations: Vec<Violation>,
    /// Violations per kind, in [`ViolationKind::ALL`] order (the simulation-only kinds are 0).
    pub counts: ViolationCounts,
    /// The kinds the history could not judge: `doubleGrant` and `tokenOrder` without lease
    /// server records, `staleWrite` without store records (or, strict fencing, without lease
    /// server records), `lostUpdate` without reads that name the write they saw.
    pub unknown: Vec<ViolationKind>,
    /// How often the dangerous interleavings happened.
    pub coverage: Coverage,
    /// How many records, processes and resources the history has.
    pub records: usize,
    /// Distinct processes.
    pub processes: usize,
}

/// Sorts violations by (time, kind, found order).
pub fn sort_violations(all: &mut [Violation]) {
    let mut keyed: Vec<(u64, ViolationKind, usize, Violation)> = all
        .iter()
        .enumerate()
        .map(|(i, v)| (v.at_ms, v.kind, i, *v))
        .collect();
    keyed.sort_unstable_by_key(|&(at, kind, i, _)| (at, kind, i));
    for (slot, (_, _, _, v)) in all.iter_mut().zip(keyed) {
        *slot = v;
    }
}

/// Judges a history (see [`Judge`] for what each check means).
pub fn check(history: &History) -> Verdict {
    let mut judge = Judge::new(history.fencing);
    for rec in &history.records {
        judge.apply(rec);
    }
    verdict(
        &judge,
        judge.lost_updates_from_reads(),
        history.records.len(),
    )
}

/// The verdict of `judge`, with the lost updates judged (`None`: unknown).
pub fn verdict(judge: &Judge, lost: Option<Vec<Violation>>, records: usize) -> Verdict {
    let mut violations = judge.found().to_vec();
    let mut counts = judge.counts();
    let mut unknown = Vec::new();
    match lost {
        Some(lost) => {
            counts[ViolationKind::LostUpdate as usize] += lost.len() as u64;
            violations.extend(lost);
        }
        None => unknown.push(ViolationKind::LostUpdate),
    }
    if !judge.knows_leases() {
        unknown.extend([ViolationKind::DoubleGrant, ViolationKind::TokenOrder]);
    }
    if !judge.knows_store() || (judge.strict() && !judge.knows_leases()) {
        unknown.push(ViolationKind::StaleWrite);
    }
    if !judge.judges_beliefs() {
        unknown.push(ViolationKind::BeliefOverlap);
    }
    sort_violations(&mut violations);
    Verdict {
        violations,
        counts,
        unknown,
        coverage: judge.coverage(),
        records,
        processes: judge.process_count(),
    }
}
