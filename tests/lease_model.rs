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

#[path = "lease_model/invariants.rs"]
mod invariants;
#[path = "lease_model/ops.rs"]
mod ops;
#[path = "lease_model/reference.rs"]
mod reference;

use invariants::*;
use ops::*;
use reference::*;

// The runner: the engine and the model side by side.

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
