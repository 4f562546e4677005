//! One test per real lock bug named in `docs/invariants.md` (L4–L9, L3,
//! F1), plus the boundaries of the lease contract.
#![cfg(not(target_arch = "wasm32"))]

use ringlease::core::lease::{
    Acquire, AcquireOptions, Campaign, Cancel, DequeueReason, LeaseError, LeaseEvent, LeaseOptions,
    LeaseTable, LossCause, Rejection, Release, Renew,
};
use ringlease::core::store::{FencedStore, Write, WriteRejection};

fn table() -> LeaseTable {
    LeaseTable::new(LeaseOptions::default()).unwrap()
}

fn token(outcome: Acquire) -> u64 {
    match outcome {
        Acquire::Granted { token, .. } => token,
        other => panic!("expected a grant, got {other:?}"),
    }
}

/// etcd 3.4.3 (Jepsen; fixed in etcd PR 11408): a waiter whose session expired while it waited
/// was still told it held the lock. Here: a waiter whose wait deadline passes while the lock is
/// held is dropped at its deadline and never granted; the next live waiter is.
#[test]
fn etcd_waiter_whose_wait_expired_while_queued_is_never_granted() {
    let mut t = table();
    let a = token(t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap());
    // b waits at most 50 ms; c waits 500 ms.
    let b = t
        .acquire("lock", "b", AcquireOptions::new(100, 10).wait(50))
        .unwrap();
    assert_eq!(b, Acquire::Queued { position: 1 });
    let c = t
        .acquire("lock", "c", AcquireOptions::new(100, 20).wait(500))
        .unwrap();
    assert_eq!(c, Acquire::Queued { position: 2 });
    // a releases at 80, after b's deadline (60) and before c's.
    let Release::Released { next } = t.release("lock", "a", a, 80).unwrap() else {
        panic!("release refused");
    };
    let next = next.expect("c is live and must be granted");
    assert_eq!(next.owner, "c");
    assert!(next.token > a);
    let events = t.tick(80).unwrap();
    assert!(events.contains(&LeaseEvent::Dequeued {
        resource: "lock".into(),
        owner: "b".into(),
        reason: DequeueReason::WaitExpired,
        at_ms: 60,
    }));
    let granted: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            LeaseEvent::Granted { lease, .. } => Some(lease.owner.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(granted, ["a", "c"], "b must never be granted");

    // The same through expiry rather than release, with the tick arriving late: the waiter's
    // deadline falls between the expiry and the tick, and it is granted at the expiry instant.
    let mut t = table();
    t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap();
    t.acquire("lock", "b", AcquireOptions::new(100, 0).wait(50))
        .unwrap();
    t.acquire("lock", "c", AcquireOptions::new(100, 0).wait(150))
        .unwrap();
    let holder = t.holder("lock", 1_000).unwrap();
    assert_eq!(holder, None, "c's lease [100, 200) has ended too");
    let events = t.tick(1_000).unwrap();
    let granted: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            LeaseEvent::Granted { lease, .. } => Some((lease.owner.as_str(), lease.granted_at_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(granted, [("a", 0), ("c", 100)]);
}

/// node-redlock #296 (PRs #273/#274): validity was computed from the first retry attempt, so a
/// lock could come back already expired. Here validity counts from the request that was
/// granted: a grant at `now` expires at `now + ttl`, and a retried request id gets that same
/// expiry rather than one counted from an earlier attempt or from the reply.
#[test]
fn node_redlock_validity_is_counted_from_the_granted_request_not_the_first_attempt() {
    let mut t = table();
    let held = token(t.acquire("lock", "a", AcquireOptions::new(300, 0)).unwrap());
    // b's first attempt at 0 (busy), retries at 200 and 400: the grant at 400 runs to 400 + ttl.
    for now in [0, 200] {
        let busy = t
            .acquire("lock", "b", AcquireOptions::new(300, now))
            .unwrap();
        assert!(matches!(busy, Acquire::Busy { .. }), "{busy:?}");
    }
    let _ = held;
    let granted = t.acquire("lock", "b", AcquireOptions::new(300, 400).request_id("b-1"));
    assert_eq!(
        granted.unwrap(),
        Acquire::Granted {
            token: 2,
            expires_at_ms: 700
        }
    );
    // The reply is lost; the retry at 650 returns the same grant, never an extension past what
    // the server holds, and never a lease that is already over.
    let retry = t
        .acquire("lock", "b", AcquireOptions::new(300, 650).request_id("b-1"))
        .unwrap();
    assert_eq!(
        retry,
        Acquire::Granted {
            token: 2,
            expires_at_ms: 700
        }
    );
    // After expiry a retry of that request is finished, not granted again.
    let late = t
        .acquire("lock", "b", AcquireOptions::new(300, 700).request_id("b-1"))
        .unwrap();
    assert_eq!(late, Acquire::Finished { token: Some(2) });
    // A waiter granted later gets its full TTL from the grant instant, not from its request.
    let mut t = table();
    let a = token(t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap());
    t.acquire("lock", "b", AcquireOptions::new(100, 10).wait(1_000))
        .unwrap();
    let Release::Released { next: Some(next) } = t.release("lock", "a", a, 90).unwrap() else {
        panic!("b must be granted");
    };
    assert_eq!((next.granted_at_ms, next.expires_at_ms), (90, 190));
}

/// ZooKeeper lock recipe (ZOOKEEPER-1262): a `create()` whose reply is lost leaves the client
/// not knowing whether it is queued. Retrying with the same request id finds the entry instead
/// of adding a second one, and a duplicate delivered after the grant does not grant twice.
#[test]
fn zookeeper_lost_acquire_reply_retried_with_same_request_id_leaves_one_queue_entry() {
    let mut t = table();
    let a = token(t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap());
    let ask = |now| {
        AcquireOptions::new(100, now)
            .wait(1_000)
            .request_id("req-7")
    };
    assert_eq!(
        t.acquire("lock", "b", ask(5)).unwrap(),
        Acquire::Queued { position: 1 }
    );
    // The reply is lost; b retries twice, and a duplicate of the first message arrives too.
    for now in [10, 20, 20] {
        assert_eq!(
            t.acquire("lock", "b", ask(now)).unwrap(),
            Acquire::Queued { position: 1 }
        );
    }
    assert_eq!(t.waiters("lock"), ["b"]);
    t.acquire("lock", "c", AcquireOptions::new(100, 30).wait(1_000))
        .unwrap();
    assert_eq!(t.waiters("lock"), ["b", "c"]);
    let Release::Released { next: Some(next) } = t.release("lock", "a", a, 40).unwrap() else {
        panic!("b must be granted");
    };
    assert_eq!(next.owner, "b");
    // A late duplicate of b's request gets the same grant; the queue holds only c.
    assert_eq!(
        t.acquire("lock", "b", ask(50)).unwrap(),
        Acquire::Granted {
            token: next.token,
            expires_at_ms: next.expires_at_ms
        }
    );
    assert_eq!(t.waiters("lock"), ["c"]);
    let grants = t
        .tick(50)
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e, LeaseEvent::Granted { lease, .. } if lease.owner == "b"))
        .count();
    assert_eq!(grants, 1);
}

/// The origin material's Redis lock: release was a plain DEL, so any client (or a late release
/// from a previous holder) deleted whoever held the lock. Release must check owner and token.
#[test]
fn redis_release_by_non_owner_is_rejected() {
    let mut t = table();
    let a = token(t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap());
    assert_eq!(
        t.release("lock", "b", a, 10).unwrap(),
        Release::Rejected {
            reason: Rejection::NotHolder
        }
    );
    assert_eq!(
        t.release("lock", "a", a + 1, 10).unwrap(),
        Release::Rejected {
            reason: Rejection::WrongToken
        }
    );
    assert_eq!(t.holder("lock", 10).unwrap().unwrap().token, a);
    // a's lease expires, b gets the lock, and a's late (delayed) release must not end b's lease.
    let b = token(
        t.acquire("lock", "b", AcquireOptions::new(100, 150))
            .unwrap(),
    );
    assert_eq!(
        t.release("lock", "a", a, 160).unwrap(),
        Release::Rejected {
            reason: Rejection::Expired
        }
    );
    assert_eq!(t.holder("lock", 160).unwrap().unwrap().token, b);
    // A duplicated release from b after it released is refused too.
    t.release("lock", "b", b, 170).unwrap();
    assert_eq!(
        t.release("lock", "b", b, 171).unwrap(),
        Release::Rejected {
            reason: Rejection::Released
        }
    );
    assert_eq!(
        t.release("nothing", "b", b, 171).unwrap(),
        Release::Rejected {
            reason: Rejection::UnknownResource
        }
    );
}

/// node-redlock "Cannot extend an already-expired lock" (L5): a lease is live while
/// `now < expiresAt`; renewing at `expiresAt` or later is refused, even with nobody waiting.
#[test]
fn renewal_after_expiry_is_rejected() {
    let mut t = table();
    let a = token(t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap());
    assert_eq!(
        t.renew("lock", "a", a, 100, 99).unwrap(),
        Renew::Renewed { expires_at_ms: 199 }
    );
    for now in [199, 200] {
        assert_eq!(
            t.renew("lock", "a", a, 100, now).unwrap(),
            Renew::Rejected {
                reason: Rejection::Expired
            },
            "at {now}"
        );
    }
    assert_eq!(t.holder("lock", 200).unwrap(), None);
    // The expiry is reported at the lease's deadline, never earlier.
    let events = t.tick(200).unwrap();
    assert!(events.contains(&LeaseEvent::Expired {
        resource: "lock".into(),
        owner: "a".into(),
        token: a,
        at_ms: 199
    }));
}

/// Kleppmann, "How to do distributed locking": client 1 gets token 33, pauses past its TTL;
/// client 2 gets token 34 and writes; client 1 wakes and writes with 33 — storage rejects it.
#[test]
fn kleppmann_paused_client_write_with_stale_token_is_rejected() {
    let mut t = table();
    // 32 earlier grants so the tokens are the essay's.
    for i in 0..32 {
        let tok = token(
            t.acquire("warmup", "w", AcquireOptions::new(10, i))
                .unwrap(),
        );
        t.release("warmup", "w", tok, i).unwrap();
    }
    let mut store = FencedStore::new(false);
    let c1 = token(
        t.acquire("file", "client1", AcquireOptions::new(1_000, 100))
            .unwrap(),
    );
    assert_eq!(c1, 33);
    // client 1 pauses (GC) from 100 to 5_000; its lease expires at 1_100.
    let c2 = token(
        t.acquire("file", "client2", AcquireOptions::new(1_000, 1_200))
            .unwrap(),
    );
    assert_eq!(c2, 34);
    assert_eq!(
        store
            .write("file", "from client 2", c2, 1_300, None)
            .unwrap(),
        Write::Accepted { version: 1 }
    );
    // Client 1 wakes up believing it still holds the lock.
    assert_eq!(
        store
            .write("file", "from client 1", c1, 5_000, None)
            .unwrap(),
        Write::Rejected {
            reason: WriteRejection::StaleToken { highest: 34 }
        }
    );
    assert_eq!(store.read("file").unwrap().value, "from client 2");
    assert_eq!(
        t.renew("file", "client1", c1, 1_000, 5_000).unwrap(),
        Renew::Rejected {
            reason: Rejection::NotHolder
        }
    );

    // Strict mode (Chubby sequencers) also stops the stale writer when it wakes before anyone
    // else has written: max-token fencing alone would accept it.
    let mut t = table();
    let mut lax = FencedStore::new(false);
    let mut strict = FencedStore::new(true);
    let c1 = token(
        t.acquire("file", "client1", AcquireOptions::new(1_000, 0))
            .unwrap(),
    );
    let _c2 = token(
        t.acquire("file", "client2", AcquireOptions::new(1_000, 1_500))
            .unwrap(),
    );
    assert!(matches!(
        lax.write("file", "x", c1, 2_000, None).unwrap(),
        Write::Accepted { .. }
    ));
    assert_eq!(
        strict.write("file", "x", c1, 2_000, Some(&t)).unwrap(),
        Write::Rejected {
            reason: WriteRejection::NotLive
        }
    );
    assert_eq!(
        strict.write("file", "x", c1, 2_000, None),
        Err(LeaseError::StrictStoreNeedsTable)
    );
}

/// Chubby §2.4 / Consul lock-delay (L8): after a lease *expires*, nothing is granted until
/// `expiry + lockDelay`; after a clean *release* the next waiter is granted at once.
#[test]
fn lock_delay_applies_after_expiry_but_not_after_release() {
    let options = LeaseOptions {
        lock_delay_ms: 50,
        ..LeaseOptions::default()
    };
    let mut t = LeaseTable::new(options).unwrap();
    t.acquire("lock", "a", AcquireOptions::new(100, 0)).unwrap();
    t.acquire("lock", "b", AcquireOptions::new(100, 10).wait(1_000))
        .unwrap();
    // a expires at 100: no grant before 150.
    assert_eq!(t.holder("lock", 149).unwrap(), None);
    assert_eq!(
        t.acquire("lock", "c", AcquireOptions::new(100, 149))
            .unwrap(),
        Acquire::Delayed { until_ms: 150 }
    );
    let b = t.holder("lock", 150).unwrap().unwrap();
    assert_eq!((b.owner.as_str(), b.granted_at_ms), ("b", 150));
    let events = t.tick(150).unwrap();
    let tail: Vec<_> = events.iter().skip(1).collect();
    assert!(matches!(
        tail.as_slice(),
        [
            LeaseEvent::Expired { at_ms: 100, .. },
            LeaseEvent::LockDelayEnded { at_ms: 150, .. },
            LeaseEvent::Granted { .. },
        ]
    ));
    // A clean release hands over in the same instant.
    t.acquire("lock", "c", AcquireOptions::new(100, 160).wait(1_000))
        .unwrap();
    let Release::Released { next: Some(next) } = t.release("lock", "b", b.token, 170).unwrap()
    else {
        panic!("c must be granted at once");
    };
    assert_eq!((next.owner.as_str(), next.granted_at_ms), ("c", 170));
}

/// The origin material's primary/backup failover as leader election: the primary's lease
/// expires, the backup (still campaigning) becomes leader with a larger token, and events say so.
#[test]
fn leader_failover_backup_takes_over_with_larger_token() {
    let mut t = table();
    let Campaign::Leader { token: primary, .. } = t.campaign("db", "primary", 100, 0).unwrap()
    else {
        panic!("first candidate must lead");
    };
    assert_eq!(
        t.campaign("db", "backup", 100, 10).unwrap(),
        Campaign::Candidate {
            position: 1,
            leader: Some("primary".into())
        }
    );
    // Both keep campaigning (heartbeats) until the primary crashes after its beat at 50.
    assert!(matches!(
        t.campaign("db", "primary", 100, 50).unwrap(),
        Campaign::Leader {
            expires_at_ms: 150,
            ..
        }
    ));
    for now in [60, 110] {
        t.campaign("db", "backup", 100, now).unwrap();
    }
    assert_eq!(t.leader("db", 149).unwrap().unwrap().owner, "primary");
    let backup = t.leader("db", 150).unwrap().unwrap();
    assert_eq!(backup.owner, "backup");
    assert!(backup.token > primary);
    let events = t.tick(150).unwrap();
    assert_eq!(
        &events[1..],
        [
            LeaseEvent::LeaderLost {
                election: "db".into(),
                leader: "primary".into(),
                token: primary,
                cause: LossCause::Expired,
                at_ms: 150
            },
            LeaseEvent::LeaderElected {
                election: "db".into(),
                lease: backup.clone()
            },
        ]
    );
    // The old primary comes back: it is a candidate now, and its old token cannot resign.
    assert!(matches!(
        t.campaign("db", "primary", 100, 160).unwrap(),
        Campaign::Candidate { position: 1, .. }
    ));
    assert_eq!(
        t.resign("db", "primary", primary, 160).unwrap(),
        Release::Rejected {
            reason: Rejection::Expired
        }
    );
    // The backup resigns and the primary leads again at once, with a still larger token.
    let Release::Released { next: Some(next) } =
        t.resign("db", "backup", backup.token, 170).unwrap()
    else {
        panic!("primary must be elected");
    };
    assert_eq!(next.owner, "primary");
    assert!(next.token > backup.token);
    assert_eq!(t.withdraw("db", "backup", 170).unwrap(), Cancel::NotQueued);
}

/// Misuse is an error naming the parameter, and leaves the table unchanged.
#[test]
fn misuse_is_an_error_and_changes_nothing() {
    let mut t = table();
    t.acquire("lock", "a", AcquireOptions::new(100, 50))
        .unwrap();
    let before = format!("{t:?}");
    let errors = [
        t.acquire("", "a", AcquireOptions::new(100, 60))
            .unwrap_err(),
        t.acquire("lock", "", AcquireOptions::new(100, 60))
            .unwrap_err(),
        t.acquire("lock", "b", AcquireOptions::new(0, 60))
            .unwrap_err(),
        t.acquire("lock", "b", AcquireOptions::new(3_600_001, 60))
            .unwrap_err(),
        t.acquire("lock", "b", AcquireOptions::new(100, 60).wait(0))
            .unwrap_err(),
        t.acquire("lock", "b", AcquireOptions::new(100, 60).request_id(""))
            .unwrap_err(),
        t.acquire("lock", "b", AcquireOptions::new(100, 49))
            .unwrap_err(),
        t.tick(10).unwrap_err(),
        t.renew("lock", "a", 1, 100, 0).unwrap_err(),
        t.acquire(&"x".repeat(257), "b", AcquireOptions::new(100, 60))
            .unwrap_err(),
    ];
    assert_eq!(format!("{t:?}"), before);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages[0], "resource must not be empty");
    assert_eq!(messages[1], "owner must not be empty");
    assert_eq!(
        messages[2],
        "ttlMs must be an integer in [1, 3600000] ms, got 0"
    );
    assert_eq!(
        messages[4],
        "wait must be an integer in [1, 3600000] ms, got 0"
    );
    assert_eq!(messages[5], "requestId must not be empty");
    assert_eq!(
        errors[6],
        LeaseError::TimeWentBackwards { last: 50, now: 49 }
    );
    assert_eq!(
        messages[6],
        "nowMs went backwards: got 49 after 50 (time must never decrease)"
    );
    assert!(messages[9].starts_with("resource must be at most 256 UTF-8 bytes"));
    let bad = [
        LeaseOptions {
            min_ttl_ms: 0,
            ..LeaseOptions::default()
        },
        LeaseOptions {
            min_ttl_ms: 10,
            max_ttl_ms: 9,
            ..LeaseOptions::default()
        },
        LeaseOptions {
            lock_delay_ms: 60_001,
            ..LeaseOptions::default()
        },
    ];
    for options in bad {
        assert!(LeaseTable::new(options).is_err(), "{options:?}");
    }
}

/// Tick frequency does not change anything (event time): one late tick or a tick every
/// millisecond give the same events.
#[test]
fn tick_frequency_does_not_change_outcomes() {
    fn run(ticks: &[u64]) -> Vec<LeaseEvent> {
        let mut t = LeaseTable::new(LeaseOptions {
            lock_delay_ms: 7,
            ..LeaseOptions::default()
        })
        .unwrap();
        let mut events = Vec::new();
        t.acquire("r", "a", AcquireOptions::new(30, 0)).unwrap();
        for (i, owner) in ["b", "c", "d"].iter().enumerate() {
            let wait = 40 * (i as u64 + 1);
            t.acquire("r", owner, AcquireOptions::new(25, 1).wait(wait))
                .unwrap();
        }
        t.campaign("e", "x", 20, 2).unwrap();
        t.campaign("e", "y", 90, 3).unwrap();
        for &now in ticks {
            events.extend(t.tick(now).unwrap());
        }
        events
    }
    let every_ms: Vec<u64> = (3..=400).collect();
    assert_eq!(run(&[400]), run(&every_ms));
    assert_eq!(run(&[400]), run(&[50, 51, 199, 400]));
}

/// Compare-and-set is optimistic locking by version.
#[test]
fn compare_and_set_by_version() {
    use ringlease::core::store::CompareAndSet;
    let mut store: FencedStore<String> = FencedStore::new(false);
    assert_eq!(
        store.compare_and_set("k", 1, "x".into()).unwrap(),
        CompareAndSet::Rejected { version: 0 }
    );
    assert_eq!(
        store.compare_and_set("k", 0, "a".into()).unwrap(),
        CompareAndSet::Accepted { version: 1 }
    );
    assert_eq!(
        store.write("k", "b".into(), 5, 0, None).unwrap(),
        Write::Accepted { version: 2 }
    );
    assert_eq!(
        store.compare_and_set("k", 1, "c".into()).unwrap(),
        CompareAndSet::Rejected { version: 2 }
    );
    assert_eq!(
        store.compare_and_set("k", 2, "c".into()).unwrap(),
        CompareAndSet::Accepted { version: 3 }
    );
    let entry = store.read("k").unwrap();
    assert_eq!(
        (entry.value.as_str(), entry.token, entry.version),
        ("c", 5, 3)
    );
    assert_eq!(
        store.write("k", "d".into(), 4, 0, None).unwrap(),
        Write::Rejected {
            reason: WriteRejection::StaleToken { highest: 5 }
        }
    );
    // The queue holder cancelling: a cancel of someone not queued is a value, not an error.
    let mut t = table();
    assert_eq!(t.cancel("r", "z", 0).unwrap(), Cancel::NotQueued);
}
