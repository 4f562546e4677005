//! The reference model: Vec-based slots, stepped one millisecond at a time, with no timer
//! index and no early exits, and a reference fenced store.

use super::*;

#[derive(Debug, Clone)]
pub(crate) struct MWaiter {
    pub(crate) owner: String,
    pub(crate) rid: Option<String>,
    /// Request ids of retries merged into this entry (only when it has a `rid`), oldest first,
    /// at most `MAX_RETRY_IDS`.
    pub(crate) aliases: Vec<String>,
    pub(crate) ttl: u64,
    pub(crate) deadline: u64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct MSlot {
    pub(crate) holder: Option<Lease>,
    /// The holder's merged retry ids.
    pub(crate) aliases: Vec<String>,
    pub(crate) queue: Vec<MWaiter>,
    pub(crate) blocked: Option<u64>,
    /// (owner, token, expired, at)
    pub(crate) last_ended: Option<(String, u64, bool, u64)>,
    /// (owner, rid, token, at), latest last
    pub(crate) done: Vec<(String, String, Option<u64>, u64)>,
}

/// `election == false`: a lock.
pub(crate) type MKey = (bool, String);

#[derive(Clone)]
pub(crate) struct Model {
    pub(crate) o: LeaseOptions,
    pub(crate) now: u64,
    pub(crate) token: u64,
    pub(crate) slots: BTreeMap<MKey, MSlot>,
    pub(crate) events: Vec<LeaseEvent>,
    /// The token granted by the last call itself (not by its advance of time), if any.
    pub(crate) direct: Option<u64>,
}

impl Model {
    pub(crate) fn new(o: LeaseOptions) -> Self {
        Model {
            o,
            now: 0,
            token: 0,
            slots: BTreeMap::new(),
            events: Vec::new(),
            direct: None,
        }
    }

    pub(crate) fn kept(&self, at: u64, now: u64) -> bool {
        now < at + self.o.max_ttl_ms
    }

    pub(crate) fn time(&mut self, now: u64) -> Result<(), LeaseError> {
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

    pub(crate) fn ttl(&self, param: &'static str, v: u64) -> Result<(), LeaseError> {
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
    pub(crate) fn at(&mut self, key: &MKey, t: u64) {
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

    pub(crate) fn next(&mut self, key: &MKey, s: &mut MSlot, t: u64) -> Option<Lease> {
        if s.holder.is_some() || s.blocked.is_some() || s.queue.is_empty() {
            return None;
        }
        let w = s.queue.remove(0);
        let lease = self.grant(key, s, &w.owner, w.ttl, w.rid, t);
        s.aliases = w.aliases;
        Some(lease)
    }

    pub(crate) fn grant(
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

    pub(crate) fn end(&mut self, key: &MKey, s: &mut MSlot, expired: bool, t: u64) {
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

    pub(crate) fn dropped(
        &mut self,
        key: &MKey,
        s: &mut MSlot,
        w: MWaiter,
        reason: DequeueReason,
        t: u64,
    ) {
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

    pub(crate) fn idle(s: &MSlot) -> bool {
        s.holder.is_none() && s.queue.is_empty() && s.blocked.is_none()
    }

    pub(crate) fn enqueue(&self, s: &mut MSlot, w: MWaiter) -> usize {
        let i = if self.o.fifo {
            s.queue.len()
        } else {
            s.queue.iter().filter(|x| x.owner < w.owner).count()
        };
        s.queue.insert(i, w);
        i + 1
    }

    pub(crate) fn acquire(
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

    pub(crate) fn check(
        &self,
        key: &MKey,
        owner: &str,
        token: u64,
        now: u64,
    ) -> Result<(), Rejection> {
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

    pub(crate) fn renew(
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

    pub(crate) fn release(
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

    pub(crate) fn cancel(
        &mut self,
        key: MKey,
        owner: &str,
        now: u64,
    ) -> Result<Cancel, LeaseError> {
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

    pub(crate) fn campaign(
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

    pub(crate) fn holder(&self, key: &MKey) -> Option<Lease> {
        self.slots.get(key).and_then(|s| s.holder.clone())
    }

    pub(crate) fn line(&self, key: &MKey) -> Vec<String> {
        self.slots
            .get(key)
            .map(|s| s.queue.iter().map(|w| w.owner.clone()).collect())
            .unwrap_or_default()
    }
}

/// The model of a fenced store: highest token per key, and whether it is strict.
pub(crate) struct MStore {
    pub(crate) highest: BTreeMap<String, (u64, u64)>,
}

impl MStore {
    pub(crate) fn write(&mut self, key: &str, token: u64, live: bool) -> Write {
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
