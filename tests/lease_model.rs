//! Model-based test of the lease engine (docs/invariants.md L1–L9, §3.2 V1): random operation
//! sequences run against [`LeaseTable`] + [`FencedStore`] and against a deliberately naive
//! reference model that walks time one millisecond at a time over every slot (no timer index,
//! no early exits). After every operation the outcomes, holders, queues and (at ticks) the
//! event streams must be equal, and invariants are checked on the engine's own history:
//!
//! - L1 at most one live lease per resource: a grant only after the previous lease's end event;
//! - L2 tokens strictly increase across all grants of the table;
//! - L3 accepted store tokens never decrease per key; L3-s strict accepts only the live token
//!   of the key's resource;
//! - L4 a rejected release/renew changes nothing;
//! - L5 a renewal is accepted only while the lease is live (`now < expiresAt`);
//! - L6 expiry is reported exactly at grant-or-renew time + ttl (never early);
//! - L7 no grant to a waiter whose wait deadline has passed;
//! - L8 no grant before expiry + lockDelay; after a release with live waiters, a grant at once;
//! - L9 no owner twice in a queue, no second grant for one (owner, requestId) while remembered;
//! - V1 (FIFO) through the exact comparison with the model's arrival-order queue.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 2,000).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use ringlease::core::lease::{
    Acquire, AcquireOptions, Campaign, Cancel, DequeueReason, Lease, LeaseError, LeaseEvent,
    LeaseOptions, LeaseTable, LossCause, Rejection, Release, Renew, MAX_RETRY_IDS,
};
use ringlease::core::store::{FencedStore, Write, WriteRejection};

// ---------------------------------------------------------------------------------------------
// Operations

#[derive(Debug, Clone, Copy)]
enum Tok {
    /// The k-th most recent token this owner was given for this resource (stale when k > 0).
    Known(usize),
    /// Any number.
    Raw(u64),
}

#[derive(Debug, Clone)]
enum Op {
    Acquire {
        res: u8,
        owner: u8,
        ttl: u64,
        wait: Option<u64>,
        rid: Option<u8>,
    },
    Renew {
        res: u8,
        owner: u8,
        tok: Tok,
        ttl: u64,
    },
    Release {
        res: u8,
        owner: u8,
        tok: Tok,
    },
    Cancel {
        res: u8,
        owner: u8,
    },
    Campaign {
        el: u8,
        cand: u8,
        ttl: u64,
    },
    Resign {
        el: u8,
        cand: u8,
        tok: Tok,
    },
    Withdraw {
        el: u8,
        cand: u8,
    },
    Write {
        res: u8,
        owner: u8,
        tok: Tok,
    },
    Tick,
}

#[derive(Debug, Clone)]
struct Case {
    options: LeaseOptions,
    steps: Vec<(i64, Op)>,
}

fn tok() -> impl Strategy<Value = Tok> {
    prop_oneof![
        6 => (0usize..3).prop_map(Tok::Known),
        1 => (0u64..40).prop_map(Tok::Raw),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let res = 0u8..3;
    let owner = 0u8..4;
    let ttl = 0u64..28;
    prop_oneof![
        8 => (res.clone(), owner.clone(), ttl.clone(),
              prop::option::weighted(0.7, 0u64..45), prop::option::weighted(0.6, 0u8..3))
            .prop_map(|(res, owner, ttl, wait, rid)| Op::Acquire { res, owner, ttl, wait, rid }),
        3 => (res.clone(), owner.clone(), tok(), ttl.clone())
            .prop_map(|(res, owner, tok, ttl)| Op::Renew { res, owner, tok, ttl }),
        4 => (res.clone(), owner.clone(), tok())
            .prop_map(|(res, owner, tok)| Op::Release { res, owner, tok }),
        1 => (res.clone(), owner.clone()).prop_map(|(res, owner)| Op::Cancel { res, owner }),
        3 => (0u8..2, owner.clone(), ttl.clone())
            .prop_map(|(el, cand, ttl)| Op::Campaign { el, cand, ttl }),
        1 => (0u8..2, owner.clone(), tok()).prop_map(|(el, cand, tok)| Op::Resign { el, cand, tok }),
        1 => (0u8..2, owner.clone()).prop_map(|(el, cand)| Op::Withdraw { el, cand }),
        3 => (res, owner, tok()).prop_map(|(res, owner, tok)| Op::Write { res, owner, tok }),
        3 => Just(Op::Tick),
    ]
}

fn dt() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => Just(0i64),
        10 => 1i64..6,
        3 => 6i64..40,
        1 => -3i64..0,
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let options = (
        1u64..3,
        prop_oneof![Just(25u64), Just(1_000_000u64)],
        prop_oneof![3 => Just(0u64), 1 => 1u64..12],
        prop::bool::weighted(0.75),
    )
        .prop_map(
            |(min_ttl_ms, max_ttl_ms, lock_delay_ms, fifo)| LeaseOptions {
                min_ttl_ms,
                max_ttl_ms,
                lock_delay_ms,
                fifo,
            },
        );
    (options, prop::collection::vec((dt(), op()), 1..100))
        .prop_map(|(options, steps)| Case { options, steps })
}

fn res_name(i: u8) -> String {
    format!("r{i}")
}
fn owner_name(i: u8) -> String {
    format!("o{i}")
}
fn el_name(i: u8) -> String {
    format!("e{i}")
}
fn rid_name(i: u8) -> String {
    format!("q{i}")
}

// ---------------------------------------------------------------------------------------------
// The reference model: Vec-based slots, stepped one millisecond at a time.

#[derive(Debug, Clone)]
struct MWaiter {
    owner: String,
    rid: Option<String>,
    /// Request ids of retries merged into this entry (only when it has a `rid`), oldest first,
    /// at most `MAX_RETRY_IDS`.
    aliases: Vec<String>,
    ttl: u64,
    deadline: u64,
}

#[derive(Debug, Clone, Default)]
struct MSlot {
    holder: Option<Lease>,
    /// The holder's merged retry ids.
    aliases: Vec<String>,
    queue: Vec<MWaiter>,
    blocked: Option<u64>,
    /// (owner, token, expired, at)
    last_ended: Option<(String, u64, bool, u64)>,
    /// (owner, rid, token, at), latest last
    done: Vec<(String, String, Option<u64>, u64)>,
}

/// `election == false`: a lock.
type MKey = (bool, String);

#[derive(Clone)]
struct Model {
    o: LeaseOptions,
    now: u64,
    token: u64,
    slots: BTreeMap<MKey, MSlot>,
    events: Vec<LeaseEvent>,
    /// The token granted by the last call itself (not by its advance of time), if any.
    direct: Option<u64>,
}

impl Model {
    fn new(o: LeaseOptions) -> Self {
        Model {
            o,
            now: 0,
            token: 0,
            slots: BTreeMap::new(),
            events: Vec::new(),
            direct: None,
        }
    }

    fn kept(&self, at: u64, now: u64) -> bool {
        now < at + self.o.max_ttl_ms
    }

    fn time(&mut self, now: u64) -> Result<(), LeaseError> {
        if now < self.now {
            return Err(LeaseError::TimeWentBackwards {
                last: self.now,
                now,
            });
        }
        for t in self.now + 1..=now {
            let keys: Vec<MKey> = self.slots.keys().cloned().collect();
            for key in keys {
                self.at(&key, t);
            }
        }
        self.now = now;
        Ok(())
    }

    fn ttl(&self, param: &'static str, v: u64) -> Result<(), LeaseError> {
        if v < self.o.min_ttl_ms || v > self.o.max_ttl_ms {
            return Err(LeaseError::OutOfRange {
                param,
                value: v,
                min: self.o.min_ttl_ms,
                max: self.o.max_ttl_ms,
            });
        }
        Ok(())
    }

    /// Everything that happens to one slot at instant t.
    fn at(&mut self, key: &MKey, t: u64) {
        let mut s = self.slots.remove(key).unwrap();
        let mut kept = Vec::new();
        for w in std::mem::take(&mut s.queue) {
            if w.deadline <= t {
                self.dropped(key, &mut s, w, DequeueReason::WaitExpired, t);
            } else {
                kept.push(w);
            }
        }
        s.queue = kept;
        if s.holder.as_ref().is_some_and(|h| h.expires_at_ms <= t) {
            self.end(key, &mut s, true, t);
        }
        if s.blocked.is_some_and(|b| b <= t) {
            s.blocked = None;
            if !key.0 {
                self.events.push(LeaseEvent::LockDelayEnded {
                    resource: key.1.clone(),
                    at_ms: t,
                });
            }
        }
        self.next(key, &mut s, t);
        self.slots.insert(key.clone(), s);
    }

    fn next(&mut self, key: &MKey, s: &mut MSlot, t: u64) -> Option<Lease> {
        if s.holder.is_some() || s.blocked.is_some() || s.queue.is_empty() {
            return None;
        }
        let w = s.queue.remove(0);
        let lease = self.grant(key, s, &w.owner, w.ttl, w.rid, t);
        s.aliases = w.aliases;
        Some(lease)
    }

    fn grant(
        &mut self,
        key: &MKey,
        s: &mut MSlot,
        owner: &str,
        ttl: u64,
        rid: Option<String>,
        t: u64,
    ) -> Lease {
        self.token += 1;
        let lease = Lease {
            owner: owner.to_owned(),
            token: self.token,
            granted_at_ms: t,
            expires_at_ms: t + ttl,
            request_id: rid,
        };
        self.events.push(if key.0 {
            LeaseEvent::LeaderElected {
                election: key.1.clone(),
                lease: lease.clone(),
            }
        } else {
            LeaseEvent::Granted {
                resource: key.1.clone(),
                lease: lease.clone(),
            }
        });
        s.holder = Some(lease.clone());
        s.aliases = Vec::new();
        lease
    }

    fn end(&mut self, key: &MKey, s: &mut MSlot, expired: bool, t: u64) {
        let h = s.holder.take().unwrap();
        self.events.push(match (key.0, expired) {
            (false, true) => LeaseEvent::Expired {
                resource: key.1.clone(),
                owner: h.owner.clone(),
                token: h.token,
                at_ms: t,
            },
            (false, false) => LeaseEvent::Released {
                resource: key.1.clone(),
                owner: h.owner.clone(),
                token: h.token,
                at_ms: t,
            },
            (true, _) => LeaseEvent::LeaderLost {
                election: key.1.clone(),
                leader: h.owner.clone(),
                token: h.token,
                cause: if expired {
                    LossCause::Expired
                } else {
                    LossCause::Resigned
                },
                at_ms: t,
            },
        });
        for rid in h
            .request_id
            .into_iter()
            .chain(std::mem::take(&mut s.aliases))
        {
            s.done.push((h.owner.clone(), rid, Some(h.token), t));
        }
        s.last_ended = Some((h.owner, h.token, expired, t));
        if expired && self.o.lock_delay_ms > 0 {
            s.blocked = Some(t + self.o.lock_delay_ms);
        }
    }

    fn dropped(&mut self, key: &MKey, s: &mut MSlot, w: MWaiter, reason: DequeueReason, t: u64) {
        self.events.push(if key.0 {
            LeaseEvent::CandidateDropped {
                election: key.1.clone(),
                candidate: w.owner.clone(),
                reason,
                at_ms: t,
            }
        } else {
            LeaseEvent::Dequeued {
                resource: key.1.clone(),
                owner: w.owner.clone(),
                reason,
                at_ms: t,
            }
        });
        for rid in w.rid.into_iter().chain(w.aliases) {
            s.done.push((w.owner.clone(), rid, None, t));
        }
    }

    fn idle(s: &MSlot) -> bool {
        s.holder.is_none() && s.queue.is_empty() && s.blocked.is_none()
    }

    fn enqueue(&self, s: &mut MSlot, w: MWaiter) -> usize {
        let i = if self.o.fifo {
            s.queue.len()
        } else {
            s.queue.iter().filter(|x| x.owner < w.owner).count()
        };
        s.queue.insert(i, w);
        i + 1
    }

    fn acquire(
        &mut self,
        res: &str,
        owner: &str,
        ttl: u64,
        wait: Option<u64>,
        rid: Option<String>,
        now: u64,
    ) -> Result<Acquire, LeaseError> {
        self.ttl("ttlMs", ttl)?;
        if let Some(w) = wait {
            self.ttl("wait", w)?;
        }
        self.time(now)?;
        let key = (false, res.to_owned());
        let mut s = self.slots.remove(&key).unwrap_or_default();
        let pos = s.queue.iter().position(|w| w.owner == owner);
        let out = 'out: {
            if let Some(rid) = &rid {
                if let Some(h) = &s.holder {
                    let same = h.request_id.as_ref() == Some(rid) || s.aliases.contains(rid);
                    if h.owner == owner && same {
                        break 'out Acquire::Granted {
                            token: h.token,
                            expires_at_ms: h.expires_at_ms,
                        };
                    }
                }
                let queued_same = pos.is_some_and(|i| {
                    s.queue[i].rid.as_ref() == Some(rid) || s.queue[i].aliases.contains(rid)
                });
                let done = s
                    .done
                    .iter()
                    .rev()
                    .find(|d| d.0 == owner && &d.1 == rid)
                    .filter(|d| self.kept(d.3, now));
                if let (Some(d), false) = (done, queued_same) {
                    break 'out Acquire::Finished { token: d.2 };
                }
            }
            if let Some(h) = s.holder.as_ref().filter(|h| h.owner == owner) {
                break 'out Acquire::Busy {
                    holder: h.owner.clone(),
                    expires_at_ms: h.expires_at_ms,
                };
            }
            if let Some(i) = pos {
                if let Some(w) = wait {
                    s.queue[i].deadline = now + w;
                }
                let q = &mut s.queue[i];
                if let (Some(new), Some(first)) = (&rid, &q.rid) {
                    if new != first && !q.aliases.contains(new) {
                        if q.aliases.len() == MAX_RETRY_IDS {
                            q.aliases.remove(0);
                        }
                        q.aliases.push(new.clone());
                    }
                }
                break 'out Acquire::Queued { position: i + 1 };
            }
            if let (Some(w), false) = (wait, Self::idle(&s)) {
                let position = self.enqueue(
                    &mut s,
                    MWaiter {
                        owner: owner.to_owned(),
                        rid,
                        aliases: Vec::new(),
                        ttl,
                        deadline: now + w,
                    },
                );
                break 'out Acquire::Queued { position };
            }
            if let Some(h) = &s.holder {
                break 'out Acquire::Busy {
                    holder: h.owner.clone(),
                    expires_at_ms: h.expires_at_ms,
                };
            }
            if let Some(b) = s.blocked {
                break 'out Acquire::Delayed { until_ms: b };
            }
            let l = self.grant(&key, &mut s, owner, ttl, rid, now);
            self.direct = Some(l.token);
            Acquire::Granted {
                token: l.token,
                expires_at_ms: l.expires_at_ms,
            }
        };
        self.slots.insert(key, s);
        Ok(out)
    }

    fn check(&self, key: &MKey, owner: &str, token: u64, now: u64) -> Result<(), Rejection> {
        let Some(s) = self.slots.get(key) else {
            return Err(Rejection::UnknownResource);
        };
        if s.holder
            .as_ref()
            .is_some_and(|h| h.owner == owner && h.token == token)
        {
            return Ok(());
        }
        let ended = s.last_ended.as_ref().filter(|e| self.kept(e.3, now));
        if let Some(e) = ended {
            if e.0 == owner && e.1 == token {
                return Err(if e.2 {
                    Rejection::Expired
                } else {
                    Rejection::Released
                });
            }
        }
        if s.holder.as_ref().is_some_and(|h| h.owner == owner) {
            Err(Rejection::WrongToken)
        } else if !Self::idle(s) || ended.is_some() {
            Err(Rejection::NotHolder)
        } else {
            Err(Rejection::UnknownResource)
        }
    }

    fn renew(
        &mut self,
        res: &str,
        owner: &str,
        token: u64,
        ttl: u64,
        now: u64,
    ) -> Result<Renew, LeaseError> {
        self.ttl("ttlMs", ttl)?;
        self.time(now)?;
        let key = (false, res.to_owned());
        if let Err(reason) = self.check(&key, owner, token, now) {
            return Ok(Renew::Rejected { reason });
        }
        let h = self.slots.get_mut(&key).unwrap().holder.as_mut().unwrap();
        h.granted_at_ms = now;
        h.expires_at_ms = now + ttl;
        Ok(Renew::Renewed {
            expires_at_ms: now + ttl,
        })
    }

    fn release(
        &mut self,
        key: MKey,
        owner: &str,
        token: u64,
        now: u64,
    ) -> Result<Release, LeaseError> {
        self.time(now)?;
        if let Err(reason) = self.check(&key, owner, token, now) {
            return Ok(Release::Rejected { reason });
        }
        let mut s = self.slots.remove(&key).unwrap();
        self.end(&key, &mut s, false, now);
        let next = self.next(&key, &mut s, now);
        self.slots.insert(key, s);
        Ok(Release::Released { next })
    }

    fn cancel(&mut self, key: MKey, owner: &str, now: u64) -> Result<Cancel, LeaseError> {
        self.time(now)?;
        let Some(mut s) = self.slots.remove(&key) else {
            return Ok(Cancel::NotQueued);
        };
        let out = match s.queue.iter().position(|w| w.owner == owner) {
            Some(i) => {
                let w = s.queue.remove(i);
                self.dropped(&key, &mut s, w, DequeueReason::Cancelled, now);
                Cancel::Left { position: i + 1 }
            }
            None => Cancel::NotQueued,
        };
        self.slots.insert(key, s);
        Ok(out)
    }

    fn campaign(
        &mut self,
        el: &str,
        cand: &str,
        ttl: u64,
        now: u64,
    ) -> Result<Campaign, LeaseError> {
        self.ttl("ttlMs", ttl)?;
        self.time(now)?;
        let key = (true, el.to_owned());
        let mut s = self.slots.remove(&key).unwrap_or_default();
        let leader = s.holder.as_ref().map(|h| h.owner.clone());
        let out = if let Some(h) = s.holder.as_mut().filter(|h| h.owner == cand) {
            h.granted_at_ms = now;
            h.expires_at_ms = now + ttl;
            Campaign::Leader {
                token: h.token,
                expires_at_ms: now + ttl,
            }
        } else if let Some(i) = s.queue.iter().position(|w| w.owner == cand) {
            s.queue[i].deadline = now + ttl;
            s.queue[i].ttl = ttl;
            Campaign::Candidate {
                position: i + 1,
                leader,
            }
        } else if Self::idle(&s) {
            let l = self.grant(&key, &mut s, cand, ttl, None, now);
            self.direct = Some(l.token);
            Campaign::Leader {
                token: l.token,
                expires_at_ms: l.expires_at_ms,
            }
        } else {
            let position = self.enqueue(
                &mut s,
                MWaiter {
                    owner: cand.to_owned(),
                    rid: None,
                    aliases: Vec::new(),
                    ttl,
                    deadline: now + ttl,
                },
            );
            Campaign::Candidate { position, leader }
        };
        self.slots.insert(key, s);
        Ok(out)
    }

    fn holder(&self, key: &MKey) -> Option<Lease> {
        self.slots.get(key).and_then(|s| s.holder.clone())
    }

    fn line(&self, key: &MKey) -> Vec<String> {
        self.slots
            .get(key)
            .map(|s| s.queue.iter().map(|w| w.owner.clone()).collect())
            .unwrap_or_default()
    }
}

/// The model of a fenced store: highest token per key, and whether it is strict.
struct MStore {
    highest: BTreeMap<String, (u64, u64)>,
}

impl MStore {
    fn write(&mut self, key: &str, token: u64, live: bool) -> Write {
        let (highest, version) = self.highest.get(key).copied().unwrap_or((0, 0));
        if token < highest {
            Write::Rejected {
                reason: WriteRejection::StaleToken { highest },
            }
        } else if !live {
            Write::Rejected {
                reason: WriteRejection::NotLive,
            }
        } else {
            self.highest.insert(key.to_owned(), (token, version + 1));
            Write::Accepted {
                version: version + 1,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invariant bookkeeping over the engine's own history

#[derive(Default)]
struct Counts {
    cases: u64,
    ops: u64,
    checks: BTreeMap<&'static str, u64>,
    seen: BTreeMap<&'static str, u64>,
}

impl Counts {
    fn check(&mut self, id: &'static str) {
        *self.checks.entry(id).or_default() += 1;
    }
    fn saw(&mut self, what: &'static str) {
        *self.seen.entry(what).or_default() += 1;
    }
}

#[derive(Default)]
struct History {
    last_token: u64,
    /// Per slot: the live lease (token, deadline) per the events, and how the last one ended.
    live: BTreeMap<String, (u64, u64)>,
    ended: BTreeMap<String, (bool, u64)>,
    /// Deadline of each token's lease per the replies (grant or last renew + ttl).
    deadline: BTreeMap<u64, u64>,
    /// (slot, owner) → (time of the reply, wait deadline it set), per the replies.
    waiting: BTreeMap<(String, String), Vec<(u64, u64)>>,
    /// Tokens granted directly in a reply (not from the queue).
    direct: Vec<u64>,
    /// (slot, owner, rid) → (token, ended at). Request ids are scoped to one resource.
    rid_grants: BTreeMap<(String, String, String), (u64, Option<u64>)>,
}

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

impl History {
    /// Checks L1, L2, L6, L7, L8, L9 on each new engine event.
    fn absorb(
        &mut self,
        events: &[LeaseEvent],
        o: &LeaseOptions,
        c: &mut Counts,
    ) -> Result<(), TestCaseError> {
        for e in events {
            match e {
                LeaseEvent::Granted {
                    resource: name,
                    lease,
                }
                | LeaseEvent::LeaderElected {
                    election: name,
                    lease,
                } => {
                    let slot = if matches!(e, LeaseEvent::Granted { .. }) {
                        format!("lock:{name}")
                    } else {
                        format!("election:{name}")
                    };
                    c.check("L1");
                    if let Some(prev) = self.live.get(&slot) {
                        return Err(fail(format!(
                            "L1: {slot} granted {lease:?} while {prev:?} live"
                        )));
                    }
                    c.check("L2");
                    if lease.token <= self.last_token {
                        return Err(fail(format!(
                            "L2: token {} after {}",
                            lease.token, self.last_token
                        )));
                    }
                    self.last_token = lease.token;
                    c.check("L8");
                    if let Some((true, at)) = self.ended.get(&slot) {
                        if lease.granted_at_ms < at + o.lock_delay_ms {
                            return Err(fail(format!("L8: {lease:?} within lock-delay of {at}")));
                        }
                    }
                    if !self.direct.contains(&lease.token) {
                        c.saw("grant to a waiter");
                        c.check("L7");
                        let key = (slot.clone(), lease.owner.clone());
                        let set = self.waiting.get(&key).and_then(|v| {
                            v.iter().rev().find(|(at, _)| *at <= lease.granted_at_ms)
                        });
                        match set {
                            Some(&(_, d)) if lease.granted_at_ms < d => {}
                            other => {
                                return Err(fail(format!(
                                    "L7: {lease:?} granted to a waiter with deadline {other:?}"
                                )))
                            }
                        }
                    }
                    if let Some(rid) = &lease.request_id {
                        c.check("L9");
                        let key = (slot.clone(), lease.owner.clone(), rid.clone());
                        if let Some(&(prev, ended)) = self.rid_grants.get(&key) {
                            let forgotten =
                                ended.is_some_and(|at| at + o.max_ttl_ms <= lease.granted_at_ms);
                            if !forgotten {
                                return Err(fail(format!(
                                    "L9: {key:?} granted twice ({prev}, {})",
                                    lease.token
                                )));
                            }
                        }
                        self.rid_grants.insert(key, (lease.token, None));
                    }
                    // A renewal reply may already have moved the deadline.
                    let d = *self
                        .deadline
                        .entry(lease.token)
                        .or_insert(lease.expires_at_ms);
                    self.live.insert(slot, (lease.token, d));
                }
                LeaseEvent::Released {
                    resource: name,
                    token,
                    at_ms,
                    ..
                }
                | LeaseEvent::Expired {
                    resource: name,
                    token,
                    at_ms,
                    ..
                }
                | LeaseEvent::LeaderLost {
                    election: name,
                    token,
                    at_ms,
                    ..
                } => {
                    let slot = if matches!(e, LeaseEvent::LeaderLost { .. }) {
                        format!("election:{name}")
                    } else {
                        format!("lock:{name}")
                    };
                    let expired = matches!(
                        e,
                        LeaseEvent::Expired { .. }
                            | LeaseEvent::LeaderLost {
                                cause: LossCause::Expired,
                                ..
                            }
                    );
                    match self.live.remove(&slot) {
                        Some((t, _)) if t == *token => {}
                        other => {
                            return Err(fail(format!("L1: {e:?} ends {other:?}")));
                        }
                    }
                    if expired {
                        c.check("L6");
                        let d = self.deadline.get(token).copied();
                        if d != Some(*at_ms) {
                            return Err(fail(format!("L6: {e:?} but deadline {d:?}")));
                        }
                        c.saw("expiry");
                    }
                    for v in self.rid_grants.values_mut() {
                        if v.0 == *token {
                            v.1 = Some(*at_ms);
                        }
                    }
                    self.ended.insert(slot, (expired, *at_ms));
                }
                LeaseEvent::Dequeued {
                    resource: name,
                    owner,
                    reason,
                    ..
                }
                | LeaseEvent::CandidateDropped {
                    election: name,
                    candidate: owner,
                    reason,
                    ..
                } => {
                    let slot = if matches!(e, LeaseEvent::Dequeued { .. }) {
                        format!("lock:{name}")
                    } else {
                        format!("election:{name}")
                    };
                    if *reason == DequeueReason::WaitExpired {
                        c.saw("waiter dropped at its deadline (L7)");
                    }
                    let _ = (slot, owner);
                }
                LeaseEvent::LockDelayEnded { .. } => c.saw("lock-delay ended"),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The runner

struct Harness {
    t: LeaseTable,
    m: Model,
    lax: FencedStore<u64>,
    strict: FencedStore<u64>,
    mlax: MStore,
    mstrict: MStore,
    h: History,
    /// (slot, owner) → tokens received, latest last.
    tokens: BTreeMap<(String, String), Vec<u64>>,
    now: u64,
}

impl Harness {
    fn token(&self, slot: &str, owner: &str, tok: Tok) -> u64 {
        match tok {
            Tok::Raw(v) => v,
            Tok::Known(k) => self
                .tokens
                .get(&(slot.to_owned(), owner.to_owned()))
                .and_then(|v| v.iter().rev().nth(k).copied())
                .unwrap_or(1),
        }
    }

    fn got(&mut self, slot: &str, owner: &str, token: u64) {
        let list = self
            .tokens
            .entry((slot.to_owned(), owner.to_owned()))
            .or_default();
        if list.last() != Some(&token) {
            list.push(token);
        }
    }

    fn eq<T: PartialEq + std::fmt::Debug>(
        what: &str,
        engine: T,
        model: T,
    ) -> Result<(), TestCaseError> {
        if engine != model {
            return Err(fail(format!(
                "{what}: engine {engine:?} != model {model:?}"
            )));
        }
        Ok(())
    }

    fn step(&mut self, dt: i64, op: &Op, c: &mut Counts) -> Result<(), TestCaseError> {
        let now = if dt < 0 {
            self.now.saturating_sub(dt.unsigned_abs())
        } else {
            self.now + dt as u64
        };
        let o = self.t.options();
        match *op {
            Op::Acquire {
                res,
                owner,
                ttl,
                wait,
                rid,
            } => {
                let (r, w) = (res_name(res), owner_name(owner));
                let mut opts = AcquireOptions::new(ttl, now);
                opts.wait = wait;
                opts.request_id = rid.map(rid_name);
                self.m.direct = None;
                let e = self.t.acquire(&r, &w, opts);
                let m = self.m.acquire(&r, &w, ttl, wait, rid.map(rid_name), now);
                Self::eq("acquire", &e, &m)?;
                match e {
                    Ok(Acquire::Granted { token, .. }) => {
                        if self.m.direct == Some(token) {
                            self.h.direct.push(token);
                        }
                        self.got(&format!("lock:{r}"), &w, token);
                    }
                    Ok(Acquire::Queued { .. }) => {
                        if rid.is_some() {
                            c.saw("retried/duplicate request id");
                        }
                        if let Some(wait) = wait {
                            let key = (format!("lock:{r}"), w);
                            self.h
                                .waiting
                                .entry(key)
                                .or_default()
                                .push((now, now + wait));
                        }
                    }
                    Ok(Acquire::Delayed { .. }) => c.saw("acquire blocked by lock-delay"),
                    Ok(Acquire::Finished { .. }) => c.saw("finished request retried"),
                    Ok(Acquire::Busy { .. }) => c.saw("busy"),
                    Err(LeaseError::TimeWentBackwards { .. }) => c.saw("time went backwards"),
                    Err(_) => c.saw("out-of-range argument"),
                }
            }
            Op::Renew {
                res,
                owner,
                tok,
                ttl,
            } => {
                let (r, w) = (res_name(res), owner_name(owner));
                let token = self.token(&format!("lock:{r}"), &w, tok);
                // The holder at `now`, before the renew: the model settled to `now` (a waiter may
                // have taken over at an expiry since the previous step).
                let settled = {
                    let mut m = self.m.clone();
                    m.time(now)
                        .ok()
                        .and_then(|()| m.holder(&(false, r.clone())))
                };
                let e = self.t.renew(&r, &w, token, ttl, now);
                let m = self.m.renew(&r, &w, token, ttl, now);
                Self::eq("renew", &e, &m)?;
                if let Ok(Renew::Renewed { expires_at_ms }) = e {
                    // L5: only the live holder (as the model had it at `now`) renews.
                    c.check("L5");
                    let prior = &settled;
                    let live = prior
                        .as_ref()
                        .is_some_and(|p| p.owner == w && p.token == token && now < p.expires_at_ms);
                    if !live {
                        return Err(fail(format!(
                            "L5: renew of {token} at {now}; holder {prior:?}"
                        )));
                    }
                    self.h.deadline.insert(token, expires_at_ms);
                    if let Some(l) = self.h.live.get_mut(&format!("lock:{r}")) {
                        l.1 = expires_at_ms;
                    }
                } else if let Ok(Renew::Rejected { reason }) = e {
                    if reason == Rejection::Expired {
                        c.saw("renew rejected as expired (L5)");
                    }
                }
            }
            Op::Release { res, owner, tok } => {
                let (r, w) = (res_name(res), owner_name(owner));
                let token = self.token(&format!("lock:{r}"), &w, tok);
                let queued_before = self.t.waiters(&r);
                let e = self.t.release(&r, &w, token, now);
                let m = self.m.release((false, r.clone()), &w, token, now);
                Self::eq("release", &e, &m)?;
                match e {
                    Ok(Release::Rejected { .. }) => c.saw("release rejected (L4)"),
                    Ok(Release::Released { next }) => {
                        // L8 second half: after a release, a live waiter is granted at once.
                        c.check("L8");
                        let live_waiters =
                            !self.m.line(&(false, r.clone())).is_empty() || next.is_some();
                        if !queued_before.is_empty() && live_waiters && next.is_none() {
                            return Err(fail("L8: release left live waiters ungranted".into()));
                        }
                        if let Some(n) = next {
                            if n.granted_at_ms != now {
                                return Err(fail(format!("L8: handover at {}", n.granted_at_ms)));
                            }
                            c.saw("handover on release");
                        }
                    }
                    Err(_) => {}
                }
            }
            Op::Cancel { res, owner } => {
                let (r, w) = (res_name(res), owner_name(owner));
                let e = self.t.cancel(&r, &w, now);
                let m = self.m.cancel((false, r.clone()), &w, now);
                Self::eq("cancel", &e, &m)?;
            }
            Op::Campaign { el, cand, ttl } => {
                let (n, w) = (el_name(el), owner_name(cand));
                self.m.direct = None;
                let e = self.t.campaign(&n, &w, ttl, now);
                let m = self.m.campaign(&n, &w, ttl, now);
                Self::eq("campaign", &e, &m)?;
                match e {
                    Ok(Campaign::Leader {
                        token,
                        expires_at_ms,
                    }) => {
                        if self.m.direct == Some(token) {
                            self.h.direct.push(token);
                        } else {
                            c.saw("leader heartbeat");
                            self.h.deadline.insert(token, expires_at_ms);
                            if let Some(l) = self.h.live.get_mut(&format!("election:{n}")) {
                                l.1 = expires_at_ms;
                            }
                        }
                        self.got(&format!("election:{n}"), &w, token);
                    }
                    Ok(Campaign::Candidate { .. }) => {
                        let key = (format!("election:{n}"), w);
                        self.h
                            .waiting
                            .entry(key)
                            .or_default()
                            .push((now, now + ttl));
                    }
                    Err(_) => {}
                }
            }
            Op::Resign { el, cand, tok } => {
                let (n, w) = (el_name(el), owner_name(cand));
                let token = self.token(&format!("election:{n}"), &w, tok);
                let e = self.t.resign(&n, &w, token, now);
                let m = self.m.release((true, n.clone()), &w, token, now);
                Self::eq("resign", &e, &m)?;
            }
            Op::Withdraw { el, cand } => {
                let (n, w) = (el_name(el), owner_name(cand));
                let e = self.t.withdraw(&n, &w, now);
                let m = self.m.cancel((true, n.clone()), &w, now);
                Self::eq("withdraw", &e, &m)?;
            }
            Op::Write { res, owner, tok } => {
                let (r, w) = (res_name(res), owner_name(owner));
                let token = self.token(&format!("lock:{r}"), &w, tok);
                let e = self.lax.write(&r, token, token, now, None);
                let m = self.mlax.write(&r, token, true);
                Self::eq("write", &e, &Ok(m))?;
                // Strict: the model's live check, with the model advanced to `now` first.
                // Only the live lock lease of the resource named like the key may write it.
                let e = self.strict.write(&r, token, token, now, Some(&self.t));
                let m = self.m.time(now).map(|()| {
                    let live = self.m.slots.get(&(false, r.clone())).is_some_and(|s| {
                        s.holder
                            .as_ref()
                            .is_some_and(|h| h.token == token && now < h.expires_at_ms)
                    });
                    self.mstrict.write(&r, token, live)
                });
                Self::eq("strict write", &e, &m)?;
                for (store, name) in [(&self.lax, "L3"), (&self.strict, "L3-s")] {
                    c.check(name);
                    if let Some(entry) = store.read(&r) {
                        if entry.token != entry.value {
                            return Err(fail(format!("{name}: entry {entry:?}")));
                        }
                    }
                }
                if let Ok(Write::Rejected {
                    reason: WriteRejection::StaleToken { .. },
                }) = e
                {
                    c.saw("stale write rejected (L3)");
                }
                if let Ok(Write::Rejected {
                    reason: WriteRejection::NotLive,
                }) = e
                {
                    c.saw("strict store refused an expired holder (L3-s)");
                }
            }
            Op::Tick => {
                let e = self.t.tick(now);
                let m = self
                    .m
                    .time(now)
                    .map(|()| std::mem::take(&mut self.m.events));
                Self::eq("tick events", &e, &m)?;
                if let Ok(events) = e {
                    self.h.absorb(&events, &o, c)?;
                }
            }
        }
        if now >= self.now {
            self.now = self.t.now_ms().max(self.now);
        }
        self.now = self.now.max(self.m.now);
        // After every op: holders (advancing both to the current time) and queues agree, no
        // owner is queued twice (L9), and a rejected release/renew changed nothing (L4) — the
        // model only changes a holder on acceptance, so equality covers it.
        // (A strict write advances only the model: bring the engine to the same time.)
        let at = self.t.now_ms().max(self.m.now);
        for r in 0..3 {
            let name = res_name(r);
            let key = (false, name.clone());
            Self::eq(
                "holder",
                self.t.holder(&name, at).ok().flatten(),
                self.m.holder(&key),
            )?;
            let line = self.t.waiters(&name);
            Self::eq("waiters", &line, &self.m.line(&key))?;
            c.check("L9");
            let mut sorted = line.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != line.len() {
                return Err(fail(format!("L9: duplicate queue entry in {line:?}")));
            }
            c.check("L4");
        }
        for el in 0..2 {
            let name = el_name(el);
            let key = (true, name.clone());
            Self::eq(
                "leader",
                self.t.leader(&name, at).ok().flatten(),
                self.m.holder(&key),
            )?;
            Self::eq("candidates", self.t.candidates(&name), self.m.line(&key))?;
        }
        Self::eq("last token", self.t.last_token(), self.m.token)?;
        c.ops += 1;
        Ok(())
    }
}

fn run_case(case: &Case, c: &mut Counts) -> Result<(), TestCaseError> {
    let mut hs = Harness {
        t: LeaseTable::new(case.options).unwrap(),
        m: Model::new(case.options),
        lax: FencedStore::new(false),
        strict: FencedStore::new(true),
        mlax: MStore {
            highest: BTreeMap::new(),
        },
        mstrict: MStore {
            highest: BTreeMap::new(),
        },
        h: History::default(),
        tokens: BTreeMap::new(),
        now: 0,
    };
    for (dt, op) in &case.steps {
        hs.step(*dt, op, c)?;
    }
    // Drain: run far past every deadline and check the remaining history.
    hs.step(200, &Op::Tick, c)?;
    c.cases += 1;
    Ok(())
}

#[test]
fn lease_table_matches_the_reference_model_and_keeps_l1_to_l9() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let counts = std::cell::RefCell::new(Counts::default());
    // A fixed seed keeps CI reproducible; LEASE_MODEL_RANDOM=1 explores fresh sequences.
    let mut runner = if std::env::var_os("LEASE_MODEL_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    };
    let result = runner.run(&case(), |case| {
        let mut local = Counts::default();
        let outcome = run_case(&case, &mut local);
        if outcome.is_ok() {
            let mut c = counts.borrow_mut();
            c.cases += local.cases;
            c.ops += local.ops;
            for (k, v) in local.checks {
                *c.checks.entry(k).or_default() += v;
            }
            for (k, v) in local.seen {
                *c.seen.entry(k).or_default() += v;
            }
        }
        outcome
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let c = counts.into_inner();
    eprintln!(
        "lease model: {} generated sequences, {} operations",
        c.cases, c.ops
    );
    for (k, v) in &c.checks {
        eprintln!("  invariant {k}: {v} checks");
    }
    for (k, v) in &c.seen {
        eprintln!("  covered: {k}: {v}");
    }
    assert_eq!(c.cases, u64::from(cases));
    // Coverage ("sometimes") assertions: the run must have exercised each situation.
    for what in [
        "grant to a waiter",
        "waiter dropped at its deadline (L7)",
        "expiry",
        "lock-delay ended",
        "acquire blocked by lock-delay",
        "finished request retried",
        "retried/duplicate request id",
        "renew rejected as expired (L5)",
        "release rejected (L4)",
        "handover on release",
        "stale write rejected (L3)",
        "strict store refused an expired holder (L3-s)",
        "time went backwards",
        "out-of-range argument",
        "leader heartbeat",
    ] {
        assert!(
            c.seen.get(what).copied().unwrap_or(0) > 0,
            "never covered: {what}"
        );
    }
}
