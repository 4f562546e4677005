//! One resource's (or election's) waiting line, indexed so that joining at the back, leaving
//! from the front, finding an owner and finding the earliest wait deadline each cost
//! O(log n), however long the line.
//!
//! Order: arrival order for a FIFO table (each waiter gets the next sequence number), owner-id
//! order (UTF-8 bytes) otherwise (every sequence number is 0, so the owner decides).

use std::collections::{BTreeMap, BTreeSet};

/// How many request ids a waiter remembers besides its first: retries under new ids that were
/// merged into its entry (the oldest is forgotten first).
pub const MAX_RETRY_IDS: usize = 8;

#[derive(Debug, Clone)]
pub(super) struct Waiter {
    pub(super) owner: String,
    pub(super) request_id: Option<String>,
    /// Other request ids of retries merged into this entry, oldest first.
    pub(super) retry_ids: Vec<String>,
    pub(super) ttl_ms: u64,
    pub(super) deadline_ms: u64,
}

impl Waiter {
    /// Remembers `id` as another name of this request (a retry merged into it), if the
    /// request has an id of its own (a request without one is not idempotent).
    pub(super) fn add_retry_id(&mut self, id: &str) {
        let Some(first) = self.request_id.as_deref() else {
            return;
        };
        if first == id || self.retry_ids.iter().any(|r| r == id) {
            return;
        }
        if self.retry_ids.len() == MAX_RETRY_IDS {
            self.retry_ids.remove(0);
        }
        self.retry_ids.push(id.to_owned());
    }
}

/// Where a waiter stands: (sequence number, owner).
type Place = (u64, String);

#[derive(Debug, Clone, Default)]
pub(super) struct Queue {
    line: BTreeMap<Place, Waiter>,
    /// owner → its sequence number.
    seq_of: BTreeMap<String, u64>,
    /// (deadline, sequence number, owner) of every waiter.
    deadlines: BTreeSet<(u64, u64, String)>,
}

impl Queue {
    pub(super) fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// The 0-based place of `owner` (O(place): counts the waiters ahead).
    pub(super) fn position(&self, owner: &str) -> Option<usize> {
        let seq = *self.seq_of.get(owner)?;
        Some(self.line.range(..(seq, owner.to_owned())).count())
    }

    pub(super) fn get(&self, owner: &str) -> Option<&Waiter> {
        let seq = *self.seq_of.get(owner)?;
        self.line.get(&(seq, owner.to_owned()))
    }

    /// Changes a waiter, keeping the deadline index in step.
    pub(super) fn update(&mut self, owner: &str, change: impl FnOnce(&mut Waiter)) {
        let Some(&seq) = self.seq_of.get(owner) else {
            return;
        };
        let Some(w) = self.line.get_mut(&(seq, owner.to_owned())) else {
            return;
        };
        let before = w.deadline_ms;
        change(w);
        if w.deadline_ms != before {
            self.deadlines.remove(&(before, seq, owner.to_owned()));
            self.deadlines
                .insert((w.deadline_ms, seq, owner.to_owned()));
        }
    }

    /// Adds a waiter that is not in the line, under sequence number `seq` (0 in owner order);
    /// returns its 0-based place (O(1) at the back of a FIFO line, O(n) in owner order).
    pub(super) fn push(&mut self, seq: u64, waiter: Waiter) -> usize {
        let owner = waiter.owner.clone();
        self.deadlines
            .insert((waiter.deadline_ms, seq, owner.clone()));
        self.seq_of.insert(owner.clone(), seq);
        self.line.insert((seq, owner.clone()), waiter);
        match self.line.last_key_value() {
            Some(((s, o), _)) if *s == seq && *o == owner => self.line.len() - 1,
            _ => self.line.range(..(seq, owner)).count(),
        }
    }

    /// Takes the waiter at the front.
    pub(super) fn pop_front(&mut self) -> Option<Waiter> {
        let ((seq, owner), w) = self.line.pop_first()?;
        self.forget(seq, &owner, w.deadline_ms);
        Some(w)
    }

    /// Takes `owner` out of the line.
    pub(super) fn remove(&mut self, owner: &str) -> Option<Waiter> {
        let seq = *self.seq_of.get(owner)?;
        let w = self.line.remove(&(seq, owner.to_owned()))?;
        self.forget(seq, owner, w.deadline_ms);
        Some(w)
    }

    fn forget(&mut self, seq: u64, owner: &str, deadline_ms: u64) {
        self.seq_of.remove(owner);
        self.deadlines.remove(&(deadline_ms, seq, owner.to_owned()));
    }

    /// The earliest wait deadline.
    pub(super) fn first_deadline(&self) -> Option<u64> {
        self.deadlines.first().map(|(d, _, _)| *d)
    }

    /// The owners whose deadline is at or before `t`, in line order.
    pub(super) fn due(&self, t: u64) -> Vec<String> {
        let mut due: Vec<(u64, &String)> = self
            .deadlines
            .iter()
            .take_while(|(d, _, _)| *d <= t)
            .map(|(_, seq, owner)| (*seq, owner))
            .collect();
        due.sort_unstable();
        due.into_iter().map(|(_, o)| o.clone()).collect()
    }

    /// The waiters, front first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Waiter> {
        self.line.values()
    }
}
