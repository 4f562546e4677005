//! Locks: acquire, renew, release, cancel, holder and waiters. Release, cancel and holder are
//! the lock side of the helpers elections share (see [`super::engine`]).

use std::rc::Rc;

use super::engine::LeaseTable;
use super::outcome::{Acquire, Cancel, Lease, Release, Renew};
use super::queue::Waiter;
use super::slot::{At, Engine, Kind, Slot};
use super::types::{check_id, AcquireOptions, LeaseError};

impl LeaseTable {
    /// Requests a lease on `resource` for `owner`. See [`AcquireOptions`] and [`Acquire`].
    pub fn acquire(
        &mut self,
        resource: &str,
        owner: &str,
        options: AcquireOptions,
    ) -> Result<Acquire, LeaseError> {
        check_id("resource", resource)?;
        check_id("owner", owner)?;
        if let Some(id) = &options.request_id {
            check_id("requestId", id)?;
        }
        self.check_ttl("ttlMs", options.ttl_ms)?;
        if let Some(wait) = options.wait {
            self.check_ttl("wait", wait)?;
        }
        let now = options.now_ms;
        self.advance(now)?;
        let (i, engine, named) = self.open(Kind::Lock, resource);
        let outcome = acquire_at(engine, named.split(i), owner, options);
        self.touch(i);
        Ok(outcome)
    }

    /// Extends the caller's live lease to `now_ms + ttl_ms`. Refused (a value, nothing changes)
    /// unless `owner` holds `resource` with `token` and the lease has not expired.
    pub fn renew(
        &mut self,
        resource: &str,
        owner: &str,
        token: u64,
        ttl_ms: u64,
        now_ms: u64,
    ) -> Result<Renew, LeaseError> {
        self.renew_in(Kind::Lock, resource, owner, token, ttl_ms, now_ms)
    }

    /// Ends the caller's live lease; the next live waiter is granted at the same instant (no
    /// lock-delay after a release). Refused like [`LeaseTable::renew`].
    pub fn release(
        &mut self,
        resource: &str,
        owner: &str,
        token: u64,
        now_ms: u64,
    ) -> Result<Release, LeaseError> {
        self.release_in(Kind::Lock, ("resource", resource), owner, token, now_ms)
    }

    /// Takes `owner` out of `resource`'s queue.
    pub fn cancel(
        &mut self,
        resource: &str,
        owner: &str,
        now_ms: u64,
    ) -> Result<Cancel, LeaseError> {
        self.cancel_in(Kind::Lock, ("resource", resource), owner, now_ms)
    }

    /// The live lease on `resource` at `now_ms` (advancing the table to `now_ms`).
    pub fn holder(&mut self, resource: &str, now_ms: u64) -> Result<Option<Lease>, LeaseError> {
        self.holder_in(Kind::Lock, ("resource", resource), now_ms)
    }

    /// The owners waiting for `resource`, next in line first, as of the latest call.
    pub fn waiters(&self, resource: &str) -> Vec<String> {
        self.line(Kind::Lock, resource)
    }
}

/// [`LeaseTable::acquire`] on one slot, once the arguments are checked and the table is
/// advanced.
fn acquire_at(
    engine: &mut Engine,
    (at, slot): (At<'_>, &mut Slot),
    owner: &str,
    options: AcquireOptions,
) -> Acquire {
    let now = options.now_ms;
    let deadline = options.wait.map(|w| now + w);
    if let Some(id) = &options.request_id {
        if let Some(h) = &slot.holder {
            let same =
                h.request_id.as_deref() == Some(id.as_str()) || slot.holder_retry_ids.contains(id);
            if *h.owner == *owner && same {
                return Acquire::Granted {
                    token: h.token,
                    expires_at_ms: h.expires_at_ms,
                };
            }
        }
        let done = slot
            .done
            .get(&(owner.to_owned(), id.clone()))
            .filter(|d| engine.retained(d.at_ms, now));
        let queued = slot
            .queue
            .get(owner)
            .filter(|w| w.request_id.as_ref() == Some(id) || w.retry_ids.iter().any(|r| r == id));
        if let (Some(done), None) = (done, queued) {
            return Acquire::Finished { token: done.token };
        }
    }
    if let Some(h) = slot.holder.as_ref().filter(|h| *h.owner == *owner) {
        Acquire::Busy {
            holder: h.owner.as_ref().to_owned(),
            expires_at_ms: h.expires_at_ms,
        }
    } else if let Some(i) = slot.position(owner) {
        // A retry (or keep-alive) merges into the waiting request; a new request id is
        // remembered as another name of it, so a retry under it gets the same outcome.
        slot.queue.update(owner, |w| {
            if let Some(d) = deadline {
                w.deadline_ms = d;
            }
            if let Some(id) = &options.request_id {
                w.add_retry_id(id);
            }
        });
        Acquire::Queued { position: i + 1 }
    } else if let Some(d) = deadline.filter(|_| !slot.is_idle()) {
        let waiter = Waiter {
            owner: owner.to_owned(),
            request_id: options.request_id,
            retry_ids: Vec::new(),
            ttl_ms: options.ttl_ms,
            deadline_ms: d,
        };
        let seq = engine.waiter_seq();
        let i = slot.queue.push(seq, waiter);
        Acquire::Queued { position: i + 1 }
    } else if let Some(h) = &slot.holder {
        Acquire::Busy {
            holder: h.owner.as_ref().to_owned(),
            expires_at_ms: h.expires_at_ms,
        }
    } else if let Some(until_ms) = slot.blocked_until {
        Acquire::Delayed { until_ms }
    } else {
        // Settled, free and unblocked: the queue is empty.
        let request_id = options.request_id.map(Rc::from);
        let owner = Rc::from(owner);
        let lease = engine.grant(at, slot, owner, options.ttl_ms, request_id, now);
        Acquire::Granted {
            token: lease.token,
            expires_at_ms: lease.expires_at_ms,
        }
    }
}
