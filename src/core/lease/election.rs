//! Elections on the lock machinery: campaign, resign, withdraw, leader and candidates. Resign,
//! withdraw and leader are the election side of the helpers locks share (see
//! [`super::engine`]).

use std::rc::Rc;

use super::engine::LeaseTable;
use super::outcome::{Campaign, Cancel, Lease, Release};
use super::queue::Waiter;
use super::slot::Kind;
use super::types::{check_id, LeaseError};

impl LeaseTable {
    /// Runs for leader of `election`. Elected if nobody leads (and no lock-delay blocks);
    /// otherwise waits in line until `now_ms + ttl_ms`. Campaigning again is the keep-alive: it
    /// extends a leader's lease, or a candidate's place in line, to `now_ms + ttl_ms`.
    pub fn campaign(
        &mut self,
        election: &str,
        candidate: &str,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Campaign, LeaseError> {
        check_id("election", election)?;
        check_id("candidate", candidate)?;
        self.check_ttl("ttlMs", ttl_ms)?;
        self.advance(now_ms)?;
        let (i, engine, named) = self.open(Kind::Election, election);
        let (at, slot) = named.split(i);
        let leader = slot.holder.as_ref().map(|h| h.owner.as_ref().to_owned());
        let deadline = now_ms + ttl_ms;
        let outcome = if let Some(h) = slot.holder.as_mut().filter(|h| *h.owner == *candidate) {
            h.granted_at_ms = now_ms;
            h.expires_at_ms = deadline;
            Campaign::Leader {
                token: h.token,
                expires_at_ms: deadline,
            }
        } else if let Some(i) = slot.position(candidate) {
            slot.queue.update(candidate, |w| {
                w.deadline_ms = deadline;
                w.ttl_ms = ttl_ms;
            });
            Campaign::Candidate {
                position: i + 1,
                leader,
            }
        } else if slot.is_idle() {
            let lease = engine.grant(at, slot, Rc::from(candidate), ttl_ms, None, now_ms);
            Campaign::Leader {
                token: lease.token,
                expires_at_ms: lease.expires_at_ms,
            }
        } else {
            let seq = engine.waiter_seq();
            let i = slot.queue.push(
                seq,
                Waiter {
                    owner: candidate.to_owned(),
                    request_id: None,
                    retry_ids: Vec::new(),
                    ttl_ms,
                    deadline_ms: deadline,
                },
            );
            Campaign::Candidate {
                position: i + 1,
                leader,
            }
        };
        self.touch(i);
        Ok(outcome)
    }

    /// The leader steps down; the next live candidate is elected at the same instant. Refused
    /// (a value) unless `candidate` leads with `token`.
    pub fn resign(
        &mut self,
        election: &str,
        candidate: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        self.release_in(
            Kind::Election,
            ("election", election),
            candidate,
            token,
            now_ms,
        )
    }

    /// A candidate that is not leading leaves the line.
    pub fn withdraw(
        &mut self,
        election: &str,
        candidate: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        self.cancel_in(Kind::Election, ("election", election), candidate, now_ms)
    }

    /// The leadership lease of `election` at `now_ms` (advancing the table to `now_ms`).
    pub fn leader(&mut self, election: &str, now_ms: u64) -> Result<Option<Lease>, LeaseError> {
        self.holder_in(Kind::Election, ("election", election), now_ms)
    }

    /// The candidates waiting in `election`, next in line first, as of the latest call.
    pub fn candidates(&self, election: &str) -> Vec<String> {
        self.line(Kind::Election, election)
    }
}
