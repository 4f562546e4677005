//! The table: a flat slot table with a name index, event time (the timer index and
//! [`LeaseTable::advance`]), expiry, forgetting, and the read-only liveness checks a strict
//! store asks. Lock and election calls ([`super::locks`], [`super::election`]) are built on the
//! mirrored helpers at the end of this file.
//!
//! Slots live in a `Vec` and are found through one hash map per kind (name → index, foldhash
//! with a per-process seed), so a call costs one hash of its name instead of an ordered-map walk
//! comparing strings. Nothing iterates
//! a hash map: every order that can reach an outcome (timers due at the same instant, settled
//! overlays) is by (kind, name), exactly as with ordered maps.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::fast::RandomState;
use std::rc::Rc;

use super::outcome::{Cancel, DequeueReason, Lease, LeaseEvent, Rejection, Release, Renew};
use super::slot::{At, Engine, Kind, Slot};
use super::types::{check_id, range, LeaseError, LeaseLimits, LeaseOptions, MAX_NOW_MS};

/// A slot with its kind and name (shared with the index, events and timers).
#[derive(Debug, Clone)]
pub(super) struct Named {
    pub(super) kind: Kind,
    pub(super) name: Rc<str>,
    pub(super) slot: Slot,
}

impl Named {
    /// The slot, and where it lives (for the engine), borrowed apart.
    pub(super) fn split(&mut self, index: u32) -> (At<'_>, &mut Slot) {
        let at = At {
            kind: self.kind,
            name: &self.name,
            index,
        };
        (at, &mut self.slot)
    }
}

/// TTL leases with a waiting queue and fencing tokens, plus leader elections. See the module
/// docs for the contract.
#[derive(Debug, Clone)]
pub struct LeaseTable {
    pub(super) engine: Engine,
    pub(super) now_ms: u64,
    /// Name → index in `slots`, for locks and for elections.
    index: [HashMap<Rc<str>, u32, RandomState>; 2],
    /// Every resource or election the table knows; `None` where one was forgotten (reused
    /// from `free`).
    slots: Vec<Option<Named>>,
    free: Vec<u32>,
    /// `(due, slot)`: exactly one entry per slot with something due (its [`Slot::scheduled`]),
    /// moved in place when the slot's next due instant changes, so a lease renewed any number
    /// of times costs one entry. Slots due at the same instant are processed in (kind, name)
    /// order.
    timers: BTreeSet<(u64, u32)>,
}

impl LeaseTable {
    /// An empty table; fails if an option is out of range (see [`LeaseOptions`]).
    pub fn new(options: LeaseOptions) -> Result<Self, LeaseError> {
        LeaseTable::with_limits(options, LeaseLimits::default())
    }

    /// An empty table with explicit [`LeaseLimits`] (event buffer, remembered request ids,
    /// token floor); fails if an option or limit is out of range.
    pub fn with_limits(options: LeaseOptions, limits: LeaseLimits) -> Result<Self, LeaseError> {
        options.validate()?;
        limits.validate()?;
        Ok(LeaseTable {
            engine: Engine::new(options, limits),
            now_ms: 0,
            index: [HashMap::default(), HashMap::default()],
            slots: Vec::new(),
            free: Vec::new(),
            timers: BTreeSet::new(),
        })
    }

    /// The options the table was built with.
    pub fn options(&self) -> LeaseOptions {
        self.engine.options
    }

    /// The limits the table was built with.
    pub fn limits(&self) -> LeaseLimits {
        self.engine.limits
    }

    /// How many events were dropped since the last [`LeaseTable::tick`] because more than
    /// [`LeaseLimits::max_events`] piled up (the oldest go first), and the instant of the last
    /// one dropped; `None` if none were (or events are not collected: `max_events` 0).
    pub fn dropped_events(&self) -> Option<(u64, u64)> {
        self.engine
            .dropped
            .filter(|_| self.engine.limits.max_events > 0)
    }

    /// How many finished request ids the table remembers now (at most
    /// [`LeaseLimits::max_request_ids`]).
    pub fn remembered_request_ids(&self) -> usize {
        self.engine.done_log.len()
    }

    /// How many entries the timer index holds: at most one per resource or election with
    /// something due.
    pub fn timer_entries(&self) -> usize {
        self.timers.len()
    }

    /// The latest time the table has seen (0 before the first call).
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// The largest token granted so far (0 before the first grant).
    pub fn last_token(&self) -> u64 {
        self.engine.last_token
    }

    /// Makes every later token larger than `floor`, as a lease server that lost its state
    /// restarts from a persisted high-water mark (etcd keeps its revision). Never lowers the
    /// counter. `floor` is capped at 2^52, so tokens stay below 2^53.
    pub fn raise_token_floor(&mut self, floor: u64) {
        let floor = floor.min(MAX_NOW_MS);
        self.engine.last_token = self.engine.last_token.max(floor);
    }

    /// Advances the table to `now_ms` and returns every event since the previous `tick`, in
    /// order (the newest [`LeaseLimits::max_events`] of them: ask
    /// [`LeaseTable::dropped_events`] first to learn about older ones that were dropped). Also
    /// forgets request ids and ended leases older than `max_ttl_ms`, and the resources and
    /// elections left with nothing to remember.
    pub fn tick(&mut self, now_ms: u64) -> Result<Vec<LeaseEvent>, LeaseError> {
        self.advance(now_ms)?;
        // (Finished request ids are forgotten oldest first by every call: see `forget_done`.)
        for i in 0..self.slots.len() {
            let Some(cell) = self.slots.get_mut(i) else {
                break;
            };
            let Some(named) = cell.as_mut() else {
                continue;
            };
            let slot = &mut named.slot;
            let engine = &self.engine;
            if slot
                .last_ended
                .as_ref()
                .is_some_and(|e| !engine.retained(e.at_ms, now_ms))
            {
                slot.last_ended = None;
            }
            if slot.is_idle() && slot.done.is_empty() && slot.last_ended.is_none() {
                if let Some(named) = cell.take() {
                    self.index[named.kind as usize].remove(&named.name);
                    self.free.push(i as u32);
                }
            }
        }
        self.forget_done();
        Ok(self.engine.take_events())
    }

    /// Whether `token` is a live lease (a lock or a leadership) at `now_ms` (≥ the table's
    /// latest time). Tokens come from one counter per table, so a token names exactly one
    /// grant: this is Chubby's sequencer check, asked by a strict store where the write lands.
    /// Does not change the table, so a store can hold a shared reference.
    pub fn is_live_token(&self, token: u64, now_ms: u64) -> Result<bool, LeaseError> {
        let overlay = self.settled(now_ms)?;
        let live = |s: &Slot| {
            s.holder
                .as_ref()
                .is_some_and(|h| h.token == token && now_ms < h.expires_at_ms)
        };
        Ok(overlay.values().any(live)
            || self.slots.iter().enumerate().any(|(i, named)| {
                named
                    .as_ref()
                    .is_some_and(|n| !overlay.contains_key(&(i as u32)) && live(&n.slot))
            }))
    }

    /// Whether `token` is the live lock lease on `resource` at `now_ms` (≥ the table's latest
    /// time): the check a strict store makes for the resource that guards a key. Costs one
    /// lookup, plus the size of the slots with something due by `now_ms` (none are copied
    /// otherwise). Does not change the table.
    pub fn is_live(&self, resource: &str, token: u64, now_ms: u64) -> Result<bool, LeaseError> {
        self.is_live_in(Kind::Lock, resource, token, now_ms)
    }

    /// Whether `token` is the live leadership of `election` at `now_ms`, like
    /// [`LeaseTable::is_live`].
    pub fn is_live_leader(
        &self,
        election: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<bool, LeaseError> {
        self.is_live_in(Kind::Election, election, token, now_ms)
    }

    fn is_live_in(
        &self,
        kind: Kind,
        name: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<bool, LeaseError> {
        let overlay = self.settled(now_ms)?;
        let Some(i) = self.find(kind, name) else {
            return Ok(false);
        };
        Ok(overlay
            .get(&i)
            .or_else(|| self.slot(i))
            .and_then(|s| s.holder.as_ref())
            .is_some_and(|h| h.token == token && now_ms < h.expires_at_ms))
    }

    /// The slots with something due by `now_ms`, settled to `now_ms` on copies, without
    /// changing the table: expiries and hand-overs due by `now_ms` have not been processed yet
    /// (no call since), so a lease a waiter took over in between counts (and its token,
    /// numbered in global time order, is the right one). Only the due slots are copied.
    fn settled(&self, now_ms: u64) -> Result<BTreeMap<u32, Slot>, LeaseError> {
        self.check_time(now_ms)?;
        let mut overlay: BTreeMap<u32, Slot> = BTreeMap::new();
        let mut pending: BTreeSet<(u64, Kind, Rc<str>, u32)> = self
            .timers
            .iter()
            .take_while(|(t, _)| *t <= now_ms)
            .filter_map(|&(t, i)| self.named(i).map(|n| (t, n.kind, Rc::clone(&n.name), i)))
            .collect();
        if pending.is_empty() {
            return Ok(overlay);
        }
        let mut engine = self.engine.scratch();
        while let Some((t, kind, name, i)) = pending.pop_first() {
            let slot = match overlay.entry(i) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => match self.slot(i) {
                    Some(slot) => entry.insert(slot.clone()),
                    None => continue,
                },
            };
            let at = At {
                kind,
                name: &name,
                index: i,
            };
            engine.settle(at, slot, t);
            if let Some(due) = slot.next_due().filter(|&d| d <= now_ms) {
                pending.insert((due, kind, name, i));
            }
        }
        Ok(overlay)
    }

    // ------------------------------------------------------------------ the slot table

    /// The index of `name`'s slot, if the table knows it.
    pub(super) fn find(&self, kind: Kind, name: &str) -> Option<u32> {
        self.index[kind as usize].get(name).copied()
    }

    /// `name`'s slot (made empty if the table does not know it) with its index, borrowed
    /// apart from the engine.
    pub(super) fn open(&mut self, kind: Kind, name: &str) -> (u32, &mut Engine, &mut Named) {
        let i = match self.find(kind, name) {
            Some(i) => i,
            None => {
                let i = match self.free.pop() {
                    Some(i) => i,
                    None => {
                        self.slots.push(None);
                        (self.slots.len() - 1) as u32
                    }
                };
                self.index[kind as usize].insert(Rc::from(name), i);
                i
            }
        };
        let at = i as usize;
        if at >= self.slots.len() {
            self.slots.resize_with(at + 1, || None);
        }
        let named = self.slots[at].get_or_insert_with(|| Named {
            kind,
            name: Rc::from(name),
            slot: Slot::default(),
        });
        (i, &mut self.engine, named)
    }

    pub(super) fn named(&self, i: u32) -> Option<&Named> {
        self.slots.get(i as usize).and_then(Option::as_ref)
    }

    pub(super) fn slot(&self, i: u32) -> Option<&Slot> {
        self.named(i).map(|n| &n.slot)
    }

    /// The slot of `name`, if the table knows it.
    pub(super) fn slot_named(&self, kind: Kind, name: &str) -> Option<&Slot> {
        self.find(kind, name).and_then(|i| self.slot(i))
    }

    // ------------------------------------------------------------------ time

    pub(super) fn check_ttl(&self, param: &'static str, value: u64) -> Result<(), LeaseError> {
        let o = &self.engine.options;
        range(param, value, o.min_ttl_ms, o.max_ttl_ms)
    }

    fn check_time(&self, now_ms: u64) -> Result<(), LeaseError> {
        range("nowMs", now_ms, 0, MAX_NOW_MS)?;
        if now_ms < self.now_ms {
            return Err(LeaseError::TimeWentBackwards {
                last: self.now_ms,
                now: now_ms,
            });
        }
        Ok(())
    }

    /// Processes everything due at or before `now_ms`, in time order across all slots (slots
    /// due at the same instant in (kind, name) order).
    pub(super) fn advance(&mut self, now_ms: u64) -> Result<(), LeaseError> {
        self.check_time(now_ms)?;
        // The slots due at one instant, in (kind, name) order (the same set type as in
        // `settled`: one ordered-set implementation in the binary, and no sort).
        let mut due: BTreeSet<(u64, Kind, Rc<str>, u32)> = BTreeSet::new();
        while let Some(&(t, _)) = self.timers.first().filter(|(t, _)| *t <= now_ms) {
            while let Some((_, i)) = self.timers.first().copied().filter(|(d, _)| *d == t) {
                self.timers.pop_first();
                match self.named(i) {
                    Some(n) => due.insert((t, n.kind, Rc::clone(&n.name), i)),
                    None => due.insert((t, Kind::Lock, Rc::from(""), i)),
                };
            }
            while let Some((_, _, _, i)) = due.pop_first() {
                if let Some(named) = self.slots.get_mut(i as usize).and_then(Option::as_mut) {
                    named.slot.scheduled = None;
                    let (at, slot) = named.split(i);
                    self.engine.settle(at, slot, t);
                }
                self.touch(i);
            }
        }
        self.now_ms = now_ms;
        self.forget_done();
        Ok(())
    }

    /// Files the slot under its next due instant in the timer index, moving its entry if it
    /// was filed under another instant (one entry per slot). Also forgets the request ids
    /// beyond the cap.
    pub(super) fn touch(&mut self, i: u32) {
        if let Some(named) = self.slots.get_mut(i as usize).and_then(Option::as_mut) {
            let slot = &mut named.slot;
            let due = slot.next_due();
            if slot.scheduled != due {
                if let Some(old) = slot.scheduled.take() {
                    self.timers.remove(&(old, i));
                }
                if let Some(due) = due {
                    self.timers.insert((due, i));
                }
                slot.scheduled = due;
            }
        }
        self.forget_done();
    }

    /// Forgets finished request ids, oldest first, while more than `max_request_ids` are
    /// remembered or the oldest is older than `max_ttl_ms`.
    fn forget_done(&mut self) {
        let now = self.now_ms;
        while let Some(first) = self.engine.done_log.front() {
            let over = self.engine.done_log.len() > self.engine.limits.max_request_ids;
            if !over && self.engine.retained(first.at_ms, now) {
                break;
            }
            let Some(entry) = self.engine.done_log.pop_front() else {
                break;
            };
            if let Some(named) = self
                .slots
                .get_mut(entry.slot as usize)
                .and_then(Option::as_mut)
            {
                let id = (entry.owner, entry.request_id);
                if named.slot.done.get(&id).is_some_and(|d| d.seq == entry.seq) {
                    named.slot.done.remove(&id);
                }
            }
        }
    }

    // ------------------------------------------------------------------ mirrored helpers

    /// `renew` (and a leader's keep-alive shape): extends `owner`'s live lease on `name`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn renew_in(
        &mut self,
        kind: Kind,
        name: &str,
        owner: &str,
        token: u64,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Renew, LeaseError> {
        check_id("resource", name)?;
        check_id("owner", owner)?;
        self.check_ttl("ttlMs", ttl_ms)?;
        self.advance(now_ms)?;
        let i = self.find(kind, name);
        let slot = i
            .and_then(|i| self.slots.get_mut(i as usize))
            .and_then(Option::as_mut)
            .map(|n| &mut n.slot);
        if let Err(reason) = self
            .engine
            .check_holder(slot.as_deref(), owner, token, now_ms)
        {
            return Ok(Renew::Rejected { reason });
        }
        let (Some(i), Some(h)) = (i, slot.and_then(|s| s.holder.as_mut())) else {
            return Ok(Renew::Rejected {
                reason: Rejection::UnknownResource,
            });
        };
        h.granted_at_ms = now_ms;
        h.expires_at_ms = now_ms + ttl_ms;
        let expires_at_ms = h.expires_at_ms;
        self.touch(i);
        Ok(Renew::Renewed { expires_at_ms })
    }

    /// `release` and `resign`: ends `owner`'s live lease and grants the next in line.
    pub(super) fn release_in(
        &mut self,
        kind: Kind,
        (param, name): (&'static str, &str),
        owner: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        check_id(param, name)?;
        check_id(kind.member_param(), owner)?;
        self.advance(now_ms)?;
        let i = self.find(kind, name);
        let named = i.and_then(|i| self.slots.get_mut(i as usize).and_then(Option::as_mut));
        if let Err(reason) =
            self.engine
                .check_holder(named.as_ref().map(|n| &n.slot), owner, token, now_ms)
        {
            return Ok(Release::Rejected { reason });
        }
        let (Some(i), Some(named)) = (i, named) else {
            return Ok(Release::Rejected {
                reason: Rejection::UnknownResource,
            });
        };
        let (at, slot) = named.split(i);
        self.engine.end(at, slot, false, now_ms);
        let next = self.engine.grant_next(at, slot, now_ms);
        self.touch(i);
        Ok(Release::Released { next })
    }

    /// `cancel` and `withdraw`: takes `owner` out of the line.
    pub(super) fn cancel_in(
        &mut self,
        kind: Kind,
        (param, name): (&'static str, &str),
        owner: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        check_id(param, name)?;
        check_id(kind.member_param(), owner)?;
        self.advance(now_ms)?;
        let Some(i) = self.find(kind, name) else {
            return Ok(Cancel::NotQueued);
        };
        let Some(named) = self.slots.get_mut(i as usize).and_then(Option::as_mut) else {
            return Ok(Cancel::NotQueued);
        };
        let Some(position) = named.slot.position(owner) else {
            return Ok(Cancel::NotQueued);
        };
        let (at, slot) = named.split(i);
        self.engine
            .dequeue(at, slot, owner, DequeueReason::Cancelled, now_ms);
        self.touch(i);
        Ok(Cancel::Left {
            position: position + 1,
        })
    }

    /// `holder` and `leader`: the live lease on `name` at `now_ms`.
    pub(super) fn holder_in(
        &mut self,
        kind: Kind,
        (param, name): (&'static str, &str),
        now_ms: u64,
    ) -> Result<Option<Lease>, LeaseError> {
        check_id(param, name)?;
        self.advance(now_ms)?;
        Ok(self
            .slot_named(kind, name)
            .and_then(|s| s.holder.as_ref())
            .map(|h| h.lease()))
    }

    /// `waiters` and `candidates`: who waits for `name`, next in line first.
    pub(super) fn line(&self, kind: Kind, name: &str) -> Vec<String> {
        self.slot_named(kind, name)
            .map(|s| s.queue.iter().map(|w| w.owner.clone()).collect())
            .unwrap_or_default()
    }
}
