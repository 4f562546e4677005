//! The event queue: a min-heap ordered by (time, sequence number). The sequence number is given
//! at push time and never repeats, so events at the same instant come out in the order they
//! were scheduled, and the order never depends on anything but the pushes: deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Item<E> {
    time: u64,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Item<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl<E> Eq for Item<E> {}

impl<E> PartialOrd for Item<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Item<E> {
    /// Reversed, so the std max-heap pops the smallest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// Scheduled events, earliest first.
pub(crate) struct Queue<E> {
    heap: BinaryHeap<Item<E>>,
    next_seq: u64,
}

impl<E> Queue<E> {
    pub(crate) fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    pub(crate) fn push(&mut self, time: u64, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Item { time, seq, event });
    }

    /// Takes the earliest event if it is due at or before `until`.
    pub(crate) fn pop_until(&mut self, until: u64) -> Option<(u64, E)> {
        if self.heap.peek()?.time > until {
            return None;
        }
        self.heap.pop().map(|item| (item.time, item.event))
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
