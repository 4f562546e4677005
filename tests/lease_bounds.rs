//! Bounds of the lease engine and the strict store under extreme use: memory that must not grow
//! with the number of calls, paths that must not copy or rescan the table, and the semantics of
//! strict fencing, token floors and merged retries. Costs are measured in bytes allocated (a
//! counting allocator), never in wall time.

#![cfg(not(target_arch = "wasm32"))]

use std::alloc::System;
use std::sync::{Mutex, MutexGuard};

use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

use ringlease::core::lease::{
    Acquire, AcquireOptions, LeaseError, LeaseLimits, LeaseOptions, LeaseTable, Release, Renew,
    MAX_LIMIT,
};
use ringlease::core::store::{FencedStore, Guard, Write, WriteRejection};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The allocator counts for the whole process: tests of this file run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Bytes allocated so far by the process.
fn allocated() -> u64 {
    GLOBAL.stats().bytes_allocated as u64
}

fn table() -> LeaseTable {
    LeaseTable::new(LeaseOptions::default()).unwrap()
}

fn token(outcome: Acquire) -> u64 {
    match outcome {
        Acquire::Granted { token, .. } => token,
        other => panic!("not granted: {other:?}"),
    }
}

#[test]
fn renewing_one_lease_200k_times_keeps_one_timer_entry() {
    let _serial = serial();
    let mut t = table();
    let tok = token(
        t.acquire("db", "a", AcquireOptions::new(3_600_000, 0))
            .unwrap(),
    );
    for now in 1..=200_000u64 {
        let r = t.renew("db", "a", tok, 3_600_000, now).unwrap();
        assert_eq!(
            r,
            Renew::Renewed {
                expires_at_ms: now + 3_600_000
            }
        );
    }
    // Before: one stale timer entry per renewal, each kept until its time (200,001 entries).
    assert_eq!(t.timer_entries(), 1);
    assert_eq!(
        t.holder("db", 3_800_000).unwrap(),
        None,
        "still expires on time"
    );
    assert_eq!(t.timer_entries(), 0);
}

#[test]
fn events_are_bounded_between_ticks_and_can_be_turned_off() {
    let _serial = serial();
    let limits = LeaseLimits {
        max_events: 1_000,
        ..LeaseLimits::default()
    };
    let mut t = LeaseTable::with_limits(LeaseOptions::default(), limits).unwrap();
    for i in 0..200_000u64 {
        let tok = token(t.acquire("r", "a", AcquireOptions::new(10, i)).unwrap());
        t.release("r", "a", tok, i).unwrap();
    }
    // Before: all 400,000 kept (+64.6 MB in wasm) and returned by one tick.
    assert_eq!(t.dropped_events(), Some((399_000, 199_499)));
    let events = t.tick(200_000).unwrap();
    assert_eq!(events.len(), 1_000, "the newest 1,000");
    assert_eq!(t.dropped_events(), None, "a tick resets the count");
    assert!(t.tick(200_000).unwrap().is_empty());

    let off = LeaseLimits {
        max_events: 0,
        ..LeaseLimits::default()
    };
    let mut t = LeaseTable::with_limits(LeaseOptions::default(), off).unwrap();
    let before = allocated();
    for i in 0..10_000u64 {
        let tok = token(t.acquire("r", "a", AcquireOptions::new(10, i)).unwrap());
        t.release("r", "a", tok, i).unwrap();
    }
    assert!(t.tick(10_000).unwrap().is_empty());
    assert_eq!(t.dropped_events(), None);
    let per_cycle = (allocated() - before) / 10_000;
    assert!(per_cycle < 400, "{per_cycle} bytes allocated per cycle");
}

#[test]
fn the_default_event_buffer_is_bounded() {
    let _serial = serial();
    assert_eq!(LeaseLimits::default().max_events, 100_000);
    assert_eq!(LeaseLimits::default().max_request_ids, 10_000);
    let mut t = table();
    for i in 0..60_000u64 {
        let tok = token(t.acquire("r", "a", AcquireOptions::new(10, i)).unwrap());
        t.release("r", "a", tok, i).unwrap();
    }
    assert_eq!(t.dropped_events().map(|d| d.0), Some(20_000));
    assert_eq!(t.tick(60_000).unwrap().len(), 100_000);
}

#[test]
fn remembered_request_ids_are_capped_oldest_first() {
    let _serial = serial();
    let limits = LeaseLimits {
        max_request_ids: 1_000,
        ..LeaseLimits::default()
    };
    let mut t = LeaseTable::with_limits(LeaseOptions::default(), limits).unwrap();
    let mut tokens = Vec::new();
    for i in 0..200_000u64 {
        let id = format!("req-{i}");
        let o = AcquireOptions::new(10, i).request_id(&id);
        let tok = token(t.acquire("r", "a", o).unwrap());
        t.release("r", "a", tok, i).unwrap();
        tokens.push(tok);
        assert!(t.remembered_request_ids() <= 1_000);
    }
    // Before: all 200,000 kept (+22.6 MB in wasm) until they aged out.
    assert_eq!(t.remembered_request_ids(), 1_000);
    let newest = AcquireOptions::new(10, 200_000).request_id("req-199999");
    assert_eq!(
        t.acquire("r", "a", newest).unwrap(),
        Acquire::Finished {
            token: Some(tokens[199_999])
        }
    );
    let oldest_kept = AcquireOptions::new(10, 200_000).request_id("req-199000");
    assert!(matches!(
        t.acquire("r", "a", oldest_kept).unwrap(),
        Acquire::Finished { .. }
    ));
    // Forgotten (the oldest first): a retry acquires anew, as after maxTtlMs.
    let forgotten = AcquireOptions::new(10, 200_000).request_id("req-198999");
    assert!(matches!(
        t.acquire("r", "a", forgotten).unwrap(),
        Acquire::Granted { .. }
    ));

    let none = LeaseLimits {
        max_request_ids: 0,
        ..LeaseLimits::default()
    };
    let mut t = LeaseTable::with_limits(LeaseOptions::default(), none).unwrap();
    let tok = token(
        t.acquire("r", "a", AcquireOptions::new(10, 0).request_id("x"))
            .unwrap(),
    );
    t.release("r", "a", tok, 1).unwrap();
    assert_eq!(t.remembered_request_ids(), 0);
}

#[test]
fn request_ids_still_age_out_after_max_ttl() {
    let _serial = serial();
    let o = LeaseOptions {
        max_ttl_ms: 100,
        ..LeaseOptions::default()
    };
    let mut t = LeaseTable::new(o).unwrap();
    let tok = token(
        t.acquire("r", "a", AcquireOptions::new(10, 0).request_id("x"))
            .unwrap(),
    );
    t.release("r", "a", tok, 5).unwrap();
    assert_eq!(t.remembered_request_ids(), 1);
    t.tick(104).unwrap();
    assert_eq!(t.remembered_request_ids(), 1);
    t.holder("r", 105).unwrap();
    assert_eq!(t.remembered_request_ids(), 0, "forgotten by any call");
}

#[test]
fn fifo_enqueue_allocates_a_bounded_amount_per_waiter() {
    let _serial = serial();
    let mut t = table();
    token(
        t.acquire("r", "holder", AcquireOptions::new(3_600_000, 0))
            .unwrap(),
    );
    let start = allocated();
    let n = 40_000u64;
    for i in 0..n {
        let o = AcquireOptions::new(1_000, 1).wait(3_600_000);
        let q = t.acquire("r", &format!("w{i:06}"), o).unwrap();
        assert_eq!(
            q,
            Acquire::Queued {
                position: i as usize + 1
            }
        );
    }
    let per_waiter = (allocated() - start) / n;
    assert!(per_waiter < 1_000, "{per_waiter} bytes per waiter");
    assert_eq!(t.waiters("r").len(), n as usize);
    assert_eq!(t.waiters("r")[0], "w000000");
    // A keep-alive of a waiter deep in the line keeps its place.
    let o = AcquireOptions::new(1_000, 2).wait(3_600_000);
    assert_eq!(
        t.acquire("r", "w020000", o).unwrap(),
        Acquire::Queued { position: 20_001 }
    );
    assert_eq!(t.timer_entries(), 1);
}

#[test]
fn waiters_leave_in_line_order_when_their_deadlines_pass() {
    let _serial = serial();
    let mut t = table();
    token(t.acquire("r", "h", AcquireOptions::new(1_000, 0)).unwrap());
    for (i, wait) in [(0, 50), (1, 30), (2, 50), (3, 900)] {
        let o = AcquireOptions::new(100, 0).wait(wait);
        t.acquire("r", &format!("w{i}"), o).unwrap();
    }
    t.tick(0).unwrap();
    let events = t.tick(60).unwrap();
    let left: Vec<String> = events
        .iter()
        .map(|e| match e {
            ringlease::core::lease::LeaseEvent::Dequeued { owner, at_ms, .. } => {
                format!("{owner}@{at_ms}")
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(left, ["w1@30", "w0@50", "w2@50"]);
    assert_eq!(t.waiters("r"), ["w3"]);
}

fn strict_world(leases: u64) -> (LeaseTable, u64) {
    let mut t = table();
    for i in 0..leases {
        t.acquire(&format!("r{i}"), "a", AcquireOptions::new(1_000_000, 0))
            .unwrap();
    }
    let tok = token(t.acquire("file", "a", AcquireOptions::new(100, 0)).unwrap());
    let o = AcquireOptions::new(100, 1).wait(10_000);
    t.acquire("file", "b", o).unwrap();
    (t, tok)
}

/// Bytes allocated per strict write to "file" while its expiry (and b's take-over) is due,
/// in a table that also holds `leases` other live leases.
fn strict_write_cost(leases: u64) -> u64 {
    let (t, _) = strict_world(leases);
    let mut store: FencedStore<u32> = FencedStore::new(true);
    // "file" expired at 100 and b took over with the next token, but no call has run since.
    let b_token = t.last_token() + 1;
    let before = allocated();
    for i in 0..100 {
        let w = store.write("file", i, b_token, 150, Some(&t)).unwrap();
        assert!(matches!(w, Write::Accepted { .. }), "{w:?}");
    }
    (allocated() - before) / 100
}

#[test]
fn strict_write_while_an_expiry_is_due_does_not_copy_the_table() {
    let _serial = serial();
    let small = strict_write_cost(10);
    let large = strict_write_cost(20_000);
    // Before: a clone of all 20,000 leases per write (8.2 ms each, megabytes); now a copy of
    // the due slot only, whatever the table's size.
    assert!(large < 16_384, "{large} bytes allocated per write");
    assert!(
        large <= small + 256,
        "{large} bytes with 20,000 leases, {small} with 10"
    );
}

#[test]
fn strict_fencing_is_bound_to_the_guarding_resource() {
    let _serial = serial();
    let mut t = table();
    let a = token(t.acquire("A", "x", AcquireOptions::new(1_000, 0)).unwrap());
    let b = token(t.acquire("B", "y", AcquireOptions::new(1_000, 0)).unwrap());
    let mut store: FencedStore<&str> = FencedStore::new(true);
    // Before: any live token was accepted for any key.
    assert_eq!(
        store.write("B", "v", a, 10, Some(&t)).unwrap(),
        Write::Rejected {
            reason: WriteRejection::NotLive
        },
        "a live token of lock A may not write key B"
    );
    assert!(matches!(
        store.write("B", "v", b, 10, Some(&t)).unwrap(),
        Write::Accepted { .. }
    ));
    // An explicit mapping: key "sku:1" is guarded by lock "A".
    store.guard("sku:1", Guard::Lock("A".into())).unwrap();
    assert!(matches!(
        store.write("sku:1", "v", a, 10, Some(&t)).unwrap(),
        Write::Accepted { .. }
    ));
    assert_eq!(
        store.write("sku:1", "v", b, 10, Some(&t)).unwrap(),
        Write::Rejected {
            reason: WriteRejection::NotLive
        }
    );
}

#[test]
fn strict_fencing_refuses_election_tokens_for_ordinary_keys() {
    let _serial = serial();
    let mut t = table();
    let lead = match t.campaign("log", "broker", 1_000, 0).unwrap() {
        ringlease::core::lease::Campaign::Leader { token, .. } => token,
        other => panic!("{other:?}"),
    };
    let mut store: FencedStore<&str> = FencedStore::new(true);
    assert_eq!(
        store.write("log", "x", lead, 10, Some(&t)).unwrap(),
        Write::Rejected {
            reason: WriteRejection::NotLive
        },
        "a leader's token is not the lock named like the key"
    );
    store.guard("log", Guard::Election("log".into())).unwrap();
    assert!(matches!(
        store.write("log", "x", lead, 10, Some(&t)).unwrap(),
        Write::Accepted { .. }
    ));
    assert_eq!(
        store.write("log", "y", lead, 1_000, Some(&t)).unwrap(),
        Write::Rejected {
            reason: WriteRejection::NotLive
        },
        "leadership lapsed at 1000"
    );
    assert_eq!(
        store.guard("k", Guard::Lock(String::new())),
        Err(LeaseError::EmptyId {
            param: "guards.resource"
        })
    );
}

#[test]
fn a_token_floor_keeps_tokens_increasing_across_a_restart() {
    let _serial = serial();
    let mut before = table();
    let mut last = 0;
    for i in 0..5 {
        last = token(
            before
                .acquire("r", "a", AcquireOptions::new(10, i * 10))
                .unwrap(),
        );
    }
    let zombie = last;
    // Before: a new table started again at 1, so a zombie's token could equal a new holder's.
    let limits = LeaseLimits {
        token_floor: before.last_token(),
        ..LeaseLimits::default()
    };
    let mut after = LeaseTable::with_limits(LeaseOptions::default(), limits).unwrap();
    let fresh = token(after.acquire("r", "b", AcquireOptions::new(10, 0)).unwrap());
    assert!(fresh > zombie, "{fresh} > {zombie}");
    let mut store: FencedStore<&str> = FencedStore::new(false);
    store.write("r", "new", fresh, 0, None).unwrap();
    assert!(matches!(
        store.write("r", "zombie", zombie, 0, None).unwrap(),
        Write::Rejected { .. }
    ));
    let too_big = LeaseLimits {
        token_floor: 1 << 53,
        ..LeaseLimits::default()
    };
    assert!(LeaseTable::with_limits(LeaseOptions::default(), too_big).is_err());
    let too_many = LeaseLimits {
        max_events: MAX_LIMIT + 1,
        ..LeaseLimits::default()
    };
    assert_eq!(
        LeaseTable::with_limits(LeaseOptions::default(), too_many).unwrap_err(),
        LeaseError::TooMany {
            param: "maxEvents",
            value: MAX_LIMIT as u64 + 1,
            max: MAX_LIMIT as u64
        }
    );
}

#[test]
fn a_retry_under_a_merged_request_id_gets_the_grant() {
    let _serial = serial();
    let mut t = table();
    let alice = token(
        t.acquire("db", "alice", AcquireOptions::new(100, 0))
            .unwrap(),
    );
    let r1 = AcquireOptions::new(1_000, 10).wait(5_000).request_id("r1");
    assert_eq!(
        t.acquire("db", "bob", r1).unwrap(),
        Acquire::Queued { position: 1 }
    );
    let r2 = AcquireOptions::new(1_000, 20).wait(5_000).request_id("r2");
    assert_eq!(
        t.acquire("db", "bob", r2).unwrap(),
        Acquire::Queued { position: 1 },
        "merged into r1's entry"
    );
    let Release::Released { next: Some(next) } = t.release("db", "alice", alice, 30).unwrap()
    else {
        panic!("no hand-over")
    };
    assert_eq!(next.request_id.as_deref(), Some("r1"));
    // Before: { busy, holder: bob }.
    let retry = AcquireOptions::new(1_000, 40).wait(5_000).request_id("r2");
    assert_eq!(
        t.acquire("db", "bob", retry).unwrap(),
        Acquire::Granted {
            token: next.token,
            expires_at_ms: next.expires_at_ms
        }
    );
    t.release("db", "bob", next.token, 50).unwrap();
    let retry = AcquireOptions::new(1_000, 60).request_id("r2");
    assert_eq!(
        t.acquire("db", "bob", retry).unwrap(),
        Acquire::Finished {
            token: Some(next.token)
        }
    );
}
