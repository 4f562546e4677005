//! One resource's (or election's) state, and the engine that changes it: grants, ends,
//! dequeues and settling a slot up to an instant. The table ([`super::engine`]) finds slots
//! and keeps the timer index; everything that happens to one slot happens here.

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use super::outcome::{DequeueReason, Lease, LeaseEvent, LossCause, Rejection};
use super::queue::Queue;
use super::types::{LeaseLimits, LeaseOptions};

/// Locks and elections live in separate namespaces of one table (and share its token counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Kind {
    Lock,
    Election,
}

impl Kind {
    /// The parameter name of whoever holds or waits: `owner` for a lock, `candidate` for an
    /// election (as errors name it).
    pub(super) fn member_param(self) -> &'static str {
        match self {
            Kind::Lock => "owner",
            Kind::Election => "candidate",
        }
    }
}

/// A live lease as the table keeps it: names are shared, not copied, so events and the
/// last-ended record cost no allocation. [`Held::lease`] makes the public [`Lease`].
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub(super) owner: Rc<str>,
    pub(super) token: u64,
    pub(super) granted_at_ms: u64,
    pub(super) expires_at_ms: u64,
    pub(super) request_id: Option<Rc<str>>,
}

impl Held {
    pub(super) fn lease(&self) -> Lease {
        Lease {
            owner: self.owner.as_ref().to_owned(),
            token: self.token,
            granted_at_ms: self.granted_at_ms,
            expires_at_ms: self.expires_at_ms,
            request_id: self.request_id.as_deref().map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Ended {
    pub(super) owner: Rc<str>,
    pub(super) token: u64,
    pub(super) expired: bool,
    pub(super) at_ms: u64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Slot {
    pub(super) holder: Option<Held>,
    /// Other request ids of the holder's request: retries merged into it while it waited.
    pub(super) holder_retry_ids: Vec<String>,
    /// In grant order (arrival order, or owner order when not FIFO).
    pub(super) queue: Queue,
    pub(super) blocked_until: Option<u64>,
    pub(super) last_ended: Option<Ended>,
    /// Finished requests, by (owner, request id): the token they got (if granted), when they
    /// finished, and their number in the table's log of finished requests.
    pub(super) done: BTreeMap<(String, String), Done>,
    /// The instant under which this slot is filed in the table's timer index, if any.
    pub(super) scheduled: Option<u64>,
}

/// A finished request: the token it got (if granted), when it finished, its log number.
#[derive(Debug, Clone, Copy)]
pub(super) struct Done {
    pub(super) token: Option<u64>,
    pub(super) at_ms: u64,
    pub(super) seq: u64,
}

/// One entry of the table's log of finished requests, oldest first. `slot` is the index of
/// the slot in the table; `seq` tells whether that slot still remembers this very entry.
#[derive(Debug, Clone)]
pub(super) struct DoneLog {
    pub(super) slot: u32,
    pub(super) owner: String,
    pub(super) request_id: String,
    pub(super) at_ms: u64,
    pub(super) seq: u64,
}

impl Slot {
    /// The next instant at which something is due: an expiry, a lock-delay end, a wait deadline.
    pub(super) fn next_due(&self) -> Option<u64> {
        let holder = self.holder.as_ref().map(|h| h.expires_at_ms);
        let waiter = self.queue.first_deadline();
        [holder, self.blocked_until, waiter]
            .into_iter()
            .flatten()
            .min()
    }

    pub(super) fn position(&self, owner: &str) -> Option<usize> {
        self.queue.position(owner)
    }

    pub(super) fn is_idle(&self) -> bool {
        self.holder.is_none() && self.queue.is_empty() && self.blocked_until.is_none()
    }
}

/// Something that happened, as the table records it (shared names, no copies); turned into a
/// [`LeaseEvent`] when [`Engine::take_events`] hands it out.
#[derive(Debug, Clone)]
pub(super) enum Happened {
    Granted {
        name: Rc<str>,
        lease: Held,
    },
    Ended {
        name: Rc<str>,
        owner: Rc<str>,
        token: u64,
        expired: bool,
        at_ms: u64,
    },
    DelayEnded {
        name: Rc<str>,
        at_ms: u64,
    },
    Dequeued {
        name: Rc<str>,
        owner: String,
        reason: DequeueReason,
        at_ms: u64,
    },
}

impl Happened {
    fn at_ms(&self) -> u64 {
        match self {
            Happened::Granted { lease, .. } => lease.granted_at_ms,
            Happened::Ended { at_ms, .. }
            | Happened::DelayEnded { at_ms, .. }
            | Happened::Dequeued { at_ms, .. } => *at_ms,
        }
    }

    fn event(self, kind: Kind) -> LeaseEvent {
        let text = |name: &Rc<str>| name.as_ref().to_owned();
        match self {
            Happened::Granted { name, lease } => {
                let (name, lease) = (text(&name), lease.lease());
                match kind {
                    Kind::Lock => LeaseEvent::Granted {
                        resource: name,
                        lease,
                    },
                    Kind::Election => LeaseEvent::LeaderElected {
                        election: name,
                        lease,
                    },
                }
            }
            Happened::Ended {
                name,
                owner,
                token,
                expired,
                at_ms,
            } => {
                let (name, owner) = (text(&name), text(&owner));
                match (kind, expired) {
                    (Kind::Lock, true) => LeaseEvent::Expired {
                        resource: name,
                        owner,
                        token,
                        at_ms,
                    },
                    (Kind::Lock, false) => LeaseEvent::Released {
                        resource: name,
                        owner,
                        token,
                        at_ms,
                    },
                    (Kind::Election, _) => LeaseEvent::LeaderLost {
                        election: name,
                        leader: owner,
                        token,
                        cause: if expired {
                            LossCause::Expired
                        } else {
                            LossCause::Resigned
                        },
                        at_ms,
                    },
                }
            }
            Happened::DelayEnded { name, at_ms } => LeaseEvent::LockDelayEnded {
                resource: text(&name),
                at_ms,
            },
            Happened::Dequeued {
                name,
                owner,
                reason,
                at_ms,
            } => {
                let name = text(&name);
                match kind {
                    Kind::Lock => LeaseEvent::Dequeued {
                        resource: name,
                        owner,
                        reason,
                        at_ms,
                    },
                    Kind::Election => LeaseEvent::CandidateDropped {
                        election: name,
                        candidate: owner,
                        reason,
                        at_ms,
                    },
                }
            }
        }
    }
}

/// Where a slot lives: its kind, its (shared) name and its index in the table.
#[derive(Debug, Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) kind: Kind,
    pub(super) name: &'a Rc<str>,
    pub(super) index: u32,
}

/// The table state other than the slots (split so a slot and it can be borrowed together).
#[derive(Debug, Clone)]
pub(super) struct Engine {
    pub(super) options: LeaseOptions,
    pub(super) limits: LeaseLimits,
    pub(super) last_token: u64,
    /// The next waiter's sequence number (arrival order of a FIFO line).
    pub(super) next_seq: u64,
    events: VecDeque<(Kind, Happened)>,
    /// Events dropped since the last tick (the buffer was full), and the last one's instant.
    pub(super) dropped: Option<(u64, u64)>,
    /// Finished requests with a request id, oldest first (aging and the count cap).
    pub(super) done_log: VecDeque<DoneLog>,
    done_seq: u64,
}

impl Engine {
    pub(super) fn new(options: LeaseOptions, limits: LeaseLimits) -> Self {
        Engine {
            options,
            limits,
            last_token: limits.token_floor,
            next_seq: 0,
            events: VecDeque::new(),
            dropped: None,
            done_log: VecDeque::new(),
            done_seq: 0,
        }
    }

    /// A throw-away copy to settle a few slots on (collects nothing).
    pub(super) fn scratch(&self) -> Self {
        let limits = LeaseLimits {
            max_events: 0,
            ..self.limits
        };
        Engine {
            last_token: self.last_token,
            next_seq: self.next_seq,
            done_seq: self.done_seq,
            ..Engine::new(self.options, limits)
        }
    }

    pub(super) fn retained(&self, at_ms: u64, now_ms: u64) -> bool {
        now_ms < at_ms.saturating_add(self.options.max_ttl_ms)
    }

    /// The next sequence number of a waiter (0 for every waiter of a table that is not FIFO).
    pub(super) fn waiter_seq(&mut self) -> u64 {
        if self.options.fifo {
            self.next_seq += 1;
            self.next_seq
        } else {
            0
        }
    }

    /// Records an event; drops the oldest when `max_events` are already kept.
    fn emit(&mut self, kind: Kind, event: Happened) {
        let cap = self.limits.max_events;
        if self.events.len() >= cap {
            let oldest = if cap == 0 {
                Some(event.at_ms())
            } else {
                let oldest = self.events.pop_front().map(|(_, e)| e.at_ms());
                self.events.push_back((kind, event));
                oldest
            };
            if let Some(at_ms) = oldest {
                let (count, _) = self.dropped.unwrap_or((0, 0));
                self.dropped = Some((count + 1, at_ms));
            }
            return;
        }
        self.events.push_back((kind, event));
    }

    /// The kept events (and forgets how many were dropped).
    pub(super) fn take_events(&mut self) -> Vec<LeaseEvent> {
        self.dropped = None;
        self.events.drain(..).map(|(k, e)| e.event(k)).collect()
    }

    /// Remembers that `owner`'s request `id` finished at `t` (with `token` if it was granted).
    fn remember(
        &mut self,
        at: At<'_>,
        slot: &mut Slot,
        owner: &str,
        id: String,
        t: u64,
        token: Option<u64>,
    ) {
        self.done_seq += 1;
        let seq = self.done_seq;
        slot.done.insert(
            (owner.to_owned(), id.clone()),
            Done {
                token,
                at_ms: t,
                seq,
            },
        );
        self.done_log.push_back(DoneLog {
            slot: at.index,
            owner: owner.to_owned(),
            request_id: id,
            at_ms: t,
            seq,
        });
    }

    /// Grants the first waiter at `t` if the slot is free and not blocked.
    pub(super) fn grant_next(&mut self, at: At<'_>, slot: &mut Slot, t: u64) -> Option<Lease> {
        if slot.holder.is_some() || slot.blocked_until.is_some() || slot.queue.is_empty() {
            return None;
        }
        let waiter = slot.queue.pop_front()?;
        let request_id = waiter.request_id.map(Rc::from);
        let owner = Rc::from(waiter.owner);
        let lease = self
            .grant(at, slot, owner, waiter.ttl_ms, request_id, t)
            .lease();
        slot.holder_retry_ids = waiter.retry_ids;
        Some(lease)
    }

    /// Makes `owner` the holder from `t` for `ttl_ms`, under the next token.
    pub(super) fn grant<'s>(
        &mut self,
        at: At<'_>,
        slot: &'s mut Slot,
        owner: Rc<str>,
        ttl_ms: u64,
        request_id: Option<Rc<str>>,
        t: u64,
    ) -> &'s Held {
        self.last_token += 1;
        let lease = Held {
            owner,
            token: self.last_token,
            granted_at_ms: t,
            expires_at_ms: t + ttl_ms,
            request_id,
        };
        let name = Rc::clone(at.name);
        self.emit(
            at.kind,
            Happened::Granted {
                name,
                lease: lease.clone(),
            },
        );
        slot.holder_retry_ids = Vec::new();
        slot.holder.insert(lease)
    }

    /// Ends the holder's lease at `t` (expired or released), remembering it.
    pub(super) fn end(&mut self, at: At<'_>, slot: &mut Slot, expired: bool, t: u64) {
        let Some(lease) = slot.holder.take() else {
            return;
        };
        self.emit(
            at.kind,
            Happened::Ended {
                name: Rc::clone(at.name),
                owner: Rc::clone(&lease.owner),
                token: lease.token,
                expired,
                at_ms: t,
            },
        );
        let retry_ids = std::mem::take(&mut slot.holder_retry_ids);
        let first = lease.request_id.as_deref().map(str::to_owned);
        for id in first.into_iter().chain(retry_ids) {
            self.remember(at, slot, &lease.owner, id, t, Some(lease.token));
        }
        slot.last_ended = Some(Ended {
            owner: lease.owner,
            token: lease.token,
            expired,
            at_ms: t,
        });
        if expired && self.options.lock_delay_ms > 0 {
            slot.blocked_until = Some(t + self.options.lock_delay_ms);
        }
    }

    /// Removes `owner`'s wait without a grant.
    pub(super) fn dequeue(
        &mut self,
        at: At<'_>,
        slot: &mut Slot,
        owner: &str,
        reason: DequeueReason,
        t: u64,
    ) {
        let Some(waiter) = slot.queue.remove(owner) else {
            return;
        };
        self.emit(
            at.kind,
            Happened::Dequeued {
                name: Rc::clone(at.name),
                owner: waiter.owner.clone(),
                reason,
                at_ms: t,
            },
        );
        for id in waiter.request_id.into_iter().chain(waiter.retry_ids) {
            self.remember(at, slot, &waiter.owner, id, t, None);
        }
    }

    /// Processes everything due in `slot` at or before `until`, in time order.
    pub(super) fn settle(&mut self, at: At<'_>, slot: &mut Slot, until: u64) {
        while let Some(t) = slot.next_due().filter(|&t| t <= until) {
            // Waiters whose deadline is t are no longer live at t: drop them (queue order).
            for owner in slot.queue.due(t) {
                self.dequeue(at, slot, &owner, DequeueReason::WaitExpired, t);
            }
            if slot.holder.as_ref().is_some_and(|h| h.expires_at_ms <= t) {
                self.end(at, slot, true, t);
            }
            if slot.blocked_until.is_some_and(|b| b <= t) {
                slot.blocked_until = None;
                if at.kind == Kind::Lock {
                    let name = Rc::clone(at.name);
                    self.emit(at.kind, Happened::DelayEnded { name, at_ms: t });
                }
            }
            self.grant_next(at, slot, t);
        }
    }

    /// Why `owner` with `token` may not renew or release (after settling).
    pub(super) fn check_holder(
        &self,
        slot: Option<&Slot>,
        owner: &str,
        token: u64,
        now: u64,
    ) -> Result<(), Rejection> {
        let Some(slot) = slot else {
            return Err(Rejection::UnknownResource);
        };
        if let Some(h) = &slot.holder {
            if *h.owner == *owner && h.token == token {
                return Ok(());
            }
        }
        let ended = slot
            .last_ended
            .as_ref()
            .filter(|e| self.retained(e.at_ms, now));
        if let Some(e) = ended.filter(|e| *e.owner == *owner && e.token == token) {
            return Err(if e.expired {
                Rejection::Expired
            } else {
                Rejection::Released
            });
        }
        match &slot.holder {
            Some(h) if *h.owner == *owner => Err(Rejection::WrongToken),
            _ if !slot.is_idle() || ended.is_some() => Err(Rejection::NotHolder),
            _ => Err(Rejection::UnknownResource),
        }
    }
}
