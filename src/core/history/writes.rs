//! The writes a history shows, and the lost updates among them (L12): every write names the
//! write its value was computed from (`basedOn`), and the writes that count are the chain back
//! from each resource's current writer.

use std::collections::HashMap;

use super::violation::{Violation, ViolationKind, NO_CLIENT, NO_RECORD};

/// One write, applied by the store or acknowledged to its process.
#[derive(Debug, Clone, Copy)]
pub(super) struct WriteRec {
    /// The internal id (index + 1) of the write its value was computed from (0: the initial
    /// value, or unknown).
    pub(super) parent: u32,
    pub(super) client: u32,
    pub(super) resource: u32,
    pub(super) at: u64,
    pub(super) token: u64,
    /// The record that applied it (server) or acknowledged it (client-only histories).
    pub(super) record: u32,
    /// The record that acknowledged it, if any.
    pub(super) acked: Option<u32>,
}

/// Every write seen, by internal id (index + 1), and the history's write ids.
#[derive(Debug, Default)]
pub(super) struct Writes {
    list: Vec<WriteRec>,
    /// History write id → internal id.
    index: HashMap<u64, u32>,
}

impl Writes {
    /// How many distinct writes were seen.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// The internal id of history write `id`, if seen.
    pub(super) fn get(&self, id: u64) -> Option<u32> {
        self.index.get(&id).copied()
    }

    /// The internal id (index + 1) of history write `id`, registering it if new.
    pub(super) fn register(&mut self, id: u64, w: WriteRec) -> u32 {
        if let Some(known) = self.get(id) {
            return known;
        }
        self.list.push(w);
        let internal = self.list.len() as u32;
        self.index.insert(id, internal);
        internal
    }

    /// The internal id of the write `based_on` names (0 if none or unknown).
    pub(super) fn parent(&self, based_on: Option<u64>) -> u32 {
        based_on.and_then(|b| self.get(b)).unwrap_or(0)
    }

    /// Marks write `internal` acknowledged by record `index` (the first acknowledgement counts).
    pub(super) fn ack(&mut self, internal: u32, index: u32) {
        if let Some(w) = self.list.get_mut(internal as usize - 1) {
            w.acked.get_or_insert(index);
        }
    }

    /// Lost updates given each resource's current writer (history write ids, 0: the initial
    /// value) and a cutoff (a record index): only writes acknowledged before it are judged.
    pub(super) fn lost(&self, heads: &[(u64, u32)]) -> Vec<Violation> {
        let mut on_chain = vec![false; self.list.len() + 1];
        for &(head, _) in heads {
            let mut id = self.get(head).unwrap_or(0);
            while id != 0 && !on_chain[id as usize] {
                on_chain[id as usize] = true;
                id = self.list[id as usize - 1].parent;
            }
        }
        // Backwards, keeping each resource's next write on the chain: that is the write that
        // overwrote a lost one (its parent, the chain write before it, is older than the lost
        // write, since a write's parent is always an earlier write).
        let resources = self
            .list
            .iter()
            .map(|w| w.resource as usize + 1)
            .max()
            .unwrap_or(0);
        let mut next_on_chain: Vec<Option<usize>> = vec![None; resources];
        let mut lost = Vec::new();
        for (i, w) in self.list.iter().enumerate().rev() {
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
            let over = next_on_chain[r].map(|j| &self.list[j]);
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
}
