//! The event queue: a min-heap ordered by (time, sequence number). The sequence number is given
//! at push time and never repeats, so events at the same instant come out in the order they
//! were scheduled, and the order never depends on anything but the pushes: deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A heap entry: small, so sifting moves 24 bytes; the event waits in a slab.
#[derive(PartialEq, Eq)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    /// Reversed, so the std max-heap pops the smallest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// Scheduled events, earliest first.
pub(crate) struct Queue<E> {
    heap: BinaryHeap<Key>,
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Queue<E> {
    pub(crate) fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    pub(crate) fn push(&mut self, time: u64, event: E) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slots.push(Some(event));
                (self.slots.len() - 1) as u32
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Key { time, seq, slot });
    }

    /// Takes the earliest event if it is due at or before `until`.
    pub(crate) fn pop_until(&mut self, until: u64) -> Option<(u64, E)> {
        if self.heap.peek()?.time > until {
            return None;
        }
        let key = self.heap.pop()?;
        self.free.push(key.slot);
        let event = self.slots[key.slot as usize].take()?;
        Some((key.time, event))
    }

    /// The time of the next event, if any.
    pub(crate) fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|e| e.time)
    }

    /// How many events are scheduled.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_push_order() {
        let mut q = Queue::new();
        q.push(5, "c");
        q.push(1, "a");
        q.push(5, "d");
        q.push(3, "b");
        q.push(1, "a2");
        q.push(5, "e");
        let mut out = Vec::new();
        while let Some((t, e)) = q.pop_until(u64::MAX) {
            out.push((t, e));
        }
        assert_eq!(
            out,
            [(1, "a"), (1, "a2"), (3, "b"), (5, "c"), (5, "d"), (5, "e")]
        );
    }

    #[test]
    fn stops_at_until() {
        let mut q = Queue::new();
        q.push(10, 1);
        q.push(11, 2);
        assert_eq!(q.pop_until(9), None);
        assert_eq!(q.pop_until(10), Some((10, 1)));
        assert_eq!(q.pop_until(10), None);
        assert_eq!(q.len(), 1);
    }
}
