//! Invariant bookkeeping over the engine's own history (L1–L9) and coverage counts.

use super::*;

#[derive(Default)]
pub(crate) struct Counts {
    pub(crate) cases: u64,
    pub(crate) ops: u64,
    pub(crate) checks: BTreeMap<&'static str, u64>,
    pub(crate) seen: BTreeMap<&'static str, u64>,
}

impl Counts {
    pub(crate) fn check(&mut self, id: &'static str) {
        *self.checks.entry(id).or_default() += 1;
    }
    pub(crate) fn saw(&mut self, what: &'static str) {
        *self.seen.entry(what).or_default() += 1;
    }
}

#[derive(Default)]
pub(crate) struct History {
    pub(crate) last_token: u64,
    /// Per slot: the live lease (token, deadline) per the events, and how the last one ended.
    pub(crate) live: BTreeMap<String, (u64, u64)>,
    pub(crate) ended: BTreeMap<String, (bool, u64)>,
    /// Deadline of each token's lease per the replies (grant or last renew + ttl).
    pub(crate) deadline: BTreeMap<u64, u64>,
    /// (slot, owner) → (time of the reply, wait deadline it set), per the replies.
    pub(crate) waiting: BTreeMap<(String, String), Vec<(u64, u64)>>,
    /// Tokens granted directly in a reply (not from the queue).
    pub(crate) direct: Vec<u64>,
    /// (slot, owner, rid) → (token, ended at). Request ids are scoped to one resource.
    pub(crate) rid_grants: BTreeMap<(String, String, String), (u64, Option<u64>)>,
}

pub(crate) fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

impl History {
    /// Checks L1, L2, L6, L7, L8, L9 on each new engine event.
    pub(crate) fn absorb(
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
