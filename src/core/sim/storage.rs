//! The store actor: the real [`FencedStore`] holding one cell per resource (a SKU's stock, or a
//! partition's order log).
//!
//! Fencing modes:
//! - `off`: every write goes in with token 0, so the store accepts it (no fencing).
//! - `maxToken`: a non-strict store. Reads are fenced too: a read with a token above the key's
//!   highest registers it (by writing the unchanged cell under that token), and a read below it
//!   is refused. Fencing only writes gives contiguity, not atomicity (Jepsen, etcd 3.4.3): an
//!   expired holder's write can land after its successor *read* and before it wrote, and the
//!   successor then overwrites it. Registering the reader's token closes that gap.
//! - `strict`: max-token fencing plus, on every read and write, asking the lease server whether
//!   the token is the live lease on that resource (Chubby's sequencer check; see `put`).

use std::rc::Rc;

use crate::core::lease::LeaseTable;
use crate::core::store::{FencedStore, Write};

use super::config::Fencing;

/// A resource's value: the counter with the id of the write that produced it (0: the initial
/// value), and, for the orders workload, the partition's log of order ids (shared, so reads
/// and fenced claims do not copy it; a write builds a new one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Cell {
    pub(crate) count: i64,
    pub(crate) writer: u32,
    pub(crate) log: Rc<Vec<u32>>,
}

/// The store and its fencing mode.
pub(crate) struct Storage {
    store: FencedStore<Cell>,
    fencing: Fencing,
}

impl Storage {
    /// A store with one cell per key, each starting at `count`.
    pub(crate) fn new(fencing: Fencing, keys: &[String], count: i64) -> Self {
        // Max-token checking by the store itself; strict mode adds its liveness check in `put`.
        let mut store = FencedStore::new(false);
        for key in keys {
            let cell = Cell {
                count,
                ..Cell::default()
            };
            // Version 0: the key does not exist yet (token-free).
            let created = store.compare_and_set(key, 0, cell);
            debug_assert!(created.is_ok());
        }
        Storage { store, fencing }
    }

    /// The current cell of `key`.
    pub(crate) fn cell(&self, key: &str) -> Option<&Cell> {
        self.store.read(key).map(|e| &e.value)
    }

    /// A fenced read (see the module docs); `None` if refused.
    pub(crate) fn read(
        &mut self,
        key: &str,
        token: u64,
        now: u64,
        table: &LeaseTable,
    ) -> Option<Cell> {
        let entry = self.store.read(key)?;
        let claim = match self.fencing {
            Fencing::Off => false,
            Fencing::MaxToken if token < entry.token => return None,
            Fencing::MaxToken => token > entry.token,
            Fencing::Strict => true,
        };
        let cell = entry.value.clone();
        if claim && !self.put(key, cell.clone(), token, now, table) {
            return None;
        }
        Some(cell)
    }

    /// A fenced write; whether it was applied.
    pub(crate) fn write(
        &mut self,
        key: &str,
        cell: Cell,
        token: u64,
        now: u64,
        table: &LeaseTable,
    ) -> bool {
        self.put(key, cell, token, now, table)
    }

    fn put(&mut self, key: &str, cell: Cell, token: u64, now: u64, table: &LeaseTable) -> bool {
        let token = if self.fencing == Fencing::Off {
            0
        } else {
            token
        };
        // Strict: the token must be the live lease on this very resource (Chubby's sequencer
        // check). With several lease tables (a ring of lease nodes) token counters are
        // independent, so a strict FencedStore's table-wide check (any live lease with this
        // token) would be too weak: the resource-scoped check is made here, once.
        if self.fencing == Fencing::Strict && !table.is_live(key, token, now).unwrap_or(false) {
            return false;
        }
        matches!(
            self.store.write(key, cell, token, now, None),
            Ok(Write::Accepted { .. })
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lease::{Acquire, AcquireOptions, LeaseOptions};

    fn cell(count: i64) -> Cell {
        Cell {
            count,
            ..Cell::default()
        }
    }

    #[test]
    fn max_token_fences_reads_and_writes() {
        let table = LeaseTable::new(LeaseOptions::default()).unwrap();
        let keys = ["r0".to_owned()];
        let mut s = Storage::new(Fencing::MaxToken, &keys, 10);
        // Holder 5 reads, holder 6 reads (registers 6): 5's write is refused.
        assert_eq!(s.read("r0", 5, 0, &table).unwrap().count, 10);
        assert_eq!(s.read("r0", 6, 0, &table).unwrap().count, 10);
        assert!(!s.write("r0", cell(9), 5, 0, &table));
        assert!(s.read("r0", 5, 0, &table).is_none());
        assert!(s.write("r0", cell(9), 6, 0, &table));
        assert_eq!(s.cell("r0").unwrap().count, 9);
    }

    #[test]
    fn off_accepts_everything() {
        let table = LeaseTable::new(LeaseOptions::default()).unwrap();
        let keys = ["r0".to_owned()];
        let mut s = Storage::new(Fencing::Off, &keys, 10);
        assert!(s.read("r0", 6, 0, &table).is_some());
        assert!(s.write("r0", cell(9), 6, 0, &table));
        assert!(s.write("r0", cell(9), 5, 0, &table));
    }

    #[test]
    fn strict_asks_the_table() {
        let mut table = LeaseTable::new(LeaseOptions::default()).unwrap();
        let Acquire::Granted { token, .. } = table
            .acquire("r0", "c0", AcquireOptions::new(100, 0))
            .unwrap()
        else {
            panic!()
        };
        let keys = ["r0".to_owned()];
        let mut s = Storage::new(Fencing::Strict, &keys, 10);
        assert!(s.read("r0", token, 50, &table).is_some());
        assert!(s.write("r0", cell(9), token, 99, &table));
        assert!(!s.write("r0", cell(8), token, 100, &table));
        assert!(s.read("r0", token, 100, &table).is_none());
    }
}
