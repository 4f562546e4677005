//! Client beliefs (L10): who believed it held a resource, from its acquire ok to its release,
//! and the overlaps between them.

use super::violation::{Violation, ViolationKind};

/// Steps the belief checks may take over a whole history (each release scans the beliefs open
/// or recently closed on its resource): past this, `beliefOverlap` and `grantsWhileBelieved`
/// are unknown rather than judged slowly.
pub const BELIEF_WORK_MAX: u64 = 200_000_000;

/// An open belief: who, since when, and its acquire-ok record.
#[derive(Debug, Clone, Copy)]
struct Belief {
    client: u32,
    start: u64,
    record: u32,
}

/// The beliefs of one resource.
#[derive(Debug, Default, Clone)]
pub(super) struct Beliefs {
    open: Vec<Belief>,
    closed: Vec<(Belief, u64)>,
    last_end: u64,
}

impl Beliefs {
    /// `client` starts believing at `start` (its acquire ok, record `record`).
    pub(super) fn open(&mut self, client: u32, start: u64, record: u32) {
        self.open.push(Belief {
            client,
            start,
            record,
        });
    }

    /// Whether a process other than `client` believes it holds the resource; adds the steps
    /// taken to `work`.
    pub(super) fn held_by_other(&self, client: u32, work: &mut u64) -> bool {
        *work += self.open.len() as u64;
        self.open.iter().any(|b| b.client != client)
    }

    /// `client` stops believing at `at` (record `index`): the overlaps with other beliefs on
    /// the resource (`beliefOverlap` violations of `resource`); adds the steps taken to `work`.
    pub(super) fn close(
        &mut self,
        resource: u32,
        client: u32,
        at: u64,
        index: u32,
        work: &mut u64,
    ) -> Vec<Violation> {
        *work += (self.open.len() + self.closed.len()) as u64;
        let Some(i) = self.open.iter().position(|o| o.client == client) else {
            return Vec::new();
        };
        let mine = self.open.remove(i);
        let start = mine.start;
        self.last_end = self.last_end.max(at);
        let overlaps: Vec<Violation> = self
            .closed
            .iter()
            .filter(|&&(o, e)| o.client != client && start < e && o.start < at)
            .map(|&(o, _)| Violation {
                kind: ViolationKind::BeliefOverlap,
                at_ms: o.start.max(start),
                client,
                other: o.client,
                resource,
                token: 0,
                value: 0,
                record: index,
                other_record: o.record,
            })
            .collect();
        if at > start {
            self.closed.push((mine, at));
        }
        let horizon = self
            .open
            .iter()
            .map(|o| o.start)
            .min()
            .unwrap_or(at)
            .min(at);
        self.closed.retain(|&(_, e)| e > horizon);
        overlaps
    }

    /// Whether nobody believes it holds the resource, and since when (the last belief end).
    pub(super) fn leaderless_since(&self) -> Option<u64> {
        self.open.is_empty().then_some(self.last_end)
    }
}
