//! The order queue's producers: orders arrive at a steady rate, a [`HashRing`] over the
//! partitions (`"r0"`, `"r1"`, …) picks each order's partition, and the order waits in that
//! partition's buffer until a leader takes it. An order a leader took but did not get
//! acknowledged within `ttlMs` is offered again (the producer's retry): so an order can reach
//! two leaders, and only fencing plus the leader's check of the log it read keeps it from
//! being appended twice or lost.

use crate::core::ring::HashRing;

use super::storage::Cell;

#[derive(Debug, Clone, Copy)]
struct Pending {
    id: u32,
    /// Offered to a leader until this time (0: free).
    taken_until: u64,
    /// Offered before (the producer's retry flag).
    offered: bool,
}

/// An order a leader took: its id, and whether it was offered before (only then can it
/// already be in the log: the producer tags retries, as Kafka's sequence numbers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Taken {
    pub(crate) id: u32,
    pub(crate) retry: bool,
}

/// An order found wrong: its partition, its id, and a number (when it was acknowledged, for a
/// lost order; how many extra copies, for a duplicated one).
pub(crate) type Finding = (u32, u32, u64);

/// What [`Orders::audit`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Audit {
    pub(crate) lost: Vec<Finding>,
    pub(crate) duplicated: Vec<Finding>,
}

/// Orders waiting, and what became of each.
pub(crate) struct Orders {
    ring: HashRing,
    pending: Vec<Vec<Pending>>,
    /// Per order id: its partition.
    partition: Vec<u32>,
    /// Per order id: when it was acknowledged.
    acked_at: Vec<Option<u64>>,
}

impl Orders {
    pub(crate) fn new(partition_names: &[String]) -> Self {
        Orders {
            ring: super::ring_of(partition_names.iter().map(String::as_str)),
            pending: vec![Vec::new(); partition_names.len()],
            partition: Vec::new(),
            acked_at: Vec::new(),
        }
    }

    /// Order `id` (the next id) arrives.
    pub(crate) fn arrive(&mut self, id: u32) {
        let key = format!("order-{id}");
        let p = self
            .ring
            .node_for(key.as_bytes())
            .and_then(|n| n.strip_prefix('r'))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        debug_assert_eq!(id as usize, self.partition.len());
        self.partition.push(p);
        self.acked_at.push(None);
        self.pending[p as usize].push(Pending {
            id,
            taken_until: 0,
            offered: false,
        });
    }

    /// A leader of `partition` takes up to `max` orders that nobody holds, until `until`.
    pub(crate) fn take(&mut self, partition: u32, now: u64, max: u32, until: u64) -> Vec<Taken> {
        let mut batch = Vec::new();
        for slot in &mut self.pending[partition as usize] {
            if batch.len() as u32 == max {
                break;
            }
            if slot.taken_until <= now {
                slot.taken_until = until;
                batch.push(Taken {
                    id: slot.id,
                    retry: slot.offered,
                });
                slot.offered = true;
            }
        }
        batch
    }

    /// The orders were appended and the leader heard so: they are acknowledged.
    pub(crate) fn ack(&mut self, partition: u32, batch: &[Taken], now: u64) {
        for taken in batch {
            let slot = &mut self.acked_at[taken.id as usize];
            if slot.is_none() {
                *slot = Some(now);
            }
        }
        self.pending[partition as usize].retain(|p| !batch.iter().any(|t| t.id == p.id));
    }

    /// The leader gave up on the orders: offer them again.
    pub(crate) fn give_back(&mut self, partition: u32, batch: &[Taken]) {
        for slot in &mut self.pending[partition as usize] {
            if batch.iter().any(|t| t.id == slot.id) {
                slot.taken_until = 0;
            }
        }
    }

    /// The acknowledged orders missing from the partitions' `logs` (with when they were
    /// acknowledged), and the orders in a log more than once (with how many extra copies).
    pub(crate) fn audit(&self, logs: &[Option<&Cell>]) -> Audit {
        let mut copies = vec![0u32; self.partition.len()];
        for cell in logs.iter().flatten() {
            for &id in cell.log.iter() {
                if let Some(n) = copies.get_mut(id as usize) {
                    *n += 1;
                }
            }
        }
        let mut lost = Vec::new();
        let mut duplicated = Vec::new();
        for (id, &n) in copies.iter().enumerate() {
            let p = self.partition[id];
            if let (0, Some(at)) = (n, self.acked_at[id]) {
                lost.push((p, id as u32, at));
            }
            if n > 1 {
                duplicated.push((p, id as u32, u64::from(n - 1)));
            }
        }
        Audit { lost, duplicated }
    }

    /// How many orders were acknowledged.
    pub(crate) fn acked(&self) -> usize {
        self.acked_at.iter().flatten().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: u32) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn orders_spread_and_are_offered_again_after_the_deadline() {
        let mut o = Orders::new(&names(4));
        for id in 0..200 {
            o.arrive(id);
        }
        let mut per = [0; 4];
        for &p in &o.partition {
            per[p as usize] += 1;
        }
        assert!(per.iter().all(|&n| n > 20), "{per:?}");
        let first = o.take(0, 0, 3, 100);
        assert_eq!(first.len(), 3);
        assert!(first.iter().all(|t| !t.retry));
        let ids = |batch: &[Taken]| batch.iter().map(|t| t.id).collect::<Vec<_>>();
        let first_ids = ids(&first);
        assert!(ids(&o.take(0, 50, 100, 150))
            .iter()
            .all(|id| !first_ids.contains(id)));
        let again = o.take(0, 100, 3, 200);
        assert_eq!(ids(&again), first_ids);
        assert!(again.iter().all(|t| t.retry));
        o.ack(0, &again, 120);
        assert!(ids(&o.take(0, 1_000, 1_000, 2_000))
            .iter()
            .all(|id| !first_ids.contains(id)));
    }

    #[test]
    fn audit_finds_lost_and_duplicated_orders() {
        let mut o = Orders::new(&names(1));
        for id in 0..4 {
            o.arrive(id);
        }
        let batch = o.take(0, 0, 3, 5);
        o.ack(0, &batch, 10);
        let cell = Cell {
            log: vec![0, 2, 2, 3, 3, 3].into(),
            ..Cell::default()
        };
        let audit = o.audit(&[Some(&cell)]);
        assert_eq!(audit.lost, [(0, 1, 10)]);
        assert_eq!(audit.duplicated, [(0, 2, 1), (0, 3, 2)]);
        assert_eq!(o.acked(), 3);
    }
}
