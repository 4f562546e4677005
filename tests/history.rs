//! `checkHistory`'s checker: every preset's run, exported as a history and checked again, gives
//! the simulation's own verdict and coverage; bad input is refused with the record and field
//! named; a stale write accepted is flagged (negative control): tokens going backwards at the
//! store always, a write outside the live lease where strict fencing is claimed.

use ringlease::core::history::{
    check, Fencing, History, HistoryError, Op, RawRecord, Record, RecordType, Violation,
    ViolationKind,
};
use ringlease::core::sim::{presets, Simulation};

/// A history's records back as raw (JSON-shaped) records, as a recorder would write them.
fn to_raw(history: &History) -> Vec<RawRecord> {
    history
        .records
        .iter()
        .map(|r| {
            let n = |v: Option<u64>| v.map(|x| x as f64);
            RawRecord {
                kind: Some(r.kind.as_str().into()),
                process: Some(f64::from(r.process)),
                op: Some(r.op.as_str().into()),
                resource: r
                    .op
                    .needs_resource()
                    .then(|| history.resources[r.resource as usize].clone()),
                source: Some(r.source.as_str().into()),
                token: n(r.token),
                value: r.value.map(|x| x as f64),
                time_ms: Some(r.time_ms as f64),
                ttl_ms: n(r.ttl_ms),
                expires_at_ms: n(r.expires_at_ms),
                write_id: n(r.write_id),
                based_on: n(r.based_on),
                duration_ms: n(r.duration_ms),
            }
        })
        .collect()
}

fn same_as_the_simulation(name: &str, fencing: Fencing) {
    let mut config = presets::preset(name).unwrap();
    config.fencing = fencing;
    let mut sim = Simulation::new(config).unwrap();
    let report = sim.run();
    let exported = sim.history().expect("history kept");
    // Through the raw form: what a file round trip gives (the fencing mode is the document's).
    let mut history = History::build(to_raw(&exported).iter()).unwrap();
    assert_eq!(exported.fencing, Some(fencing));
    history.fencing = exported.fencing;
    let named = |h: &History| -> Vec<(Record, String)> {
        h.records
            .iter()
            .map(|r| {
                let name = match r.op.needs_resource() {
                    true => h.resources[r.resource as usize].clone(),
                    false => String::new(),
                };
                (Record { resource: 0, ..*r }, name)
            })
            .collect()
    };
    assert!(named(&history) == named(&exported), "{name}: round trip");
    let verdict = check(&history);
    // Resource indexes differ (a history numbers them by first appearance): compare names.
    let rename = |v: &Violation, h: &History| {
        (
            Violation { resource: 0, ..*v },
            h.resources[v.resource as usize].clone(),
        )
    };
    for kind in ViolationKind::HISTORY {
        assert_eq!(
            verdict.counts[kind as usize],
            report.count(kind),
            "{name} {fencing:?}: {} count",
            kind.as_str()
        );
        let mine: Vec<_> = verdict
            .violations
            .iter()
            .filter(|v| v.kind == kind)
            .map(|v| rename(v, &history))
            .collect();
        let sims: Vec<_> = report
            .violations
            .iter()
            .filter(|v| v.kind == kind)
            .map(|v| rename(v, &exported))
            .collect();
        assert_eq!(
            mine,
            sims,
            "{name} {fencing:?}: {} violations",
            kind.as_str()
        );
    }
    assert_eq!(
        verdict.coverage, report.coverage,
        "{name} {fencing:?}: coverage"
    );
    assert!(
        verdict.unknown.is_empty() || name == "orderQueue",
        "{name}: {:?}",
        verdict.unknown
    );
}

#[test]
fn every_preset_exported_and_checked_again_agrees() {
    for name in presets::NAMES {
        same_as_the_simulation(name, Fencing::MaxToken);
    }
}

#[test]
fn unfenced_and_strict_presets_agree_too() {
    for name in ["flashSale", "gcPause", "partition", "serverCrash"] {
        same_as_the_simulation(name, Fencing::Off);
        same_as_the_simulation(name, Fencing::Strict);
    }
}

/// Fencing on, the store applies tokens in order (L3 holds) while expired holders' writes get
/// through max-token fencing by design (coverage) and never through strict fencing; fencing
/// off, tokens go backwards at the store.
#[test]
fn stale_writes_follow_the_fencing_mode() {
    let run = |name: &str, seed: u64, fencing: Fencing| {
        let mut config = presets::preset(name).unwrap();
        config.seed = seed;
        config.fencing = fencing;
        Simulation::new(config).unwrap().run()
    };
    let (mut expired, mut stale_off) = (0, 0);
    for seed in 1..=5 {
        for name in ["flashSale", "clockDrift"] {
            let r = run(name, seed, Fencing::MaxToken);
            assert_eq!(r.count(ViolationKind::StaleWrite), 0, "{name} seed {seed}");
            expired += r.coverage.expired_writes_applied.unwrap();
            let r = run(name, seed, Fencing::Strict);
            assert_eq!(r.count(ViolationKind::StaleWrite), 0, "{name} seed {seed}");
            assert_eq!(
                r.coverage.expired_writes_applied,
                Some(0),
                "{name} seed {seed}"
            );
        }
        stale_off += run("gcPause", seed, Fencing::Off).count(ViolationKind::StaleWrite);
    }
    assert!(
        expired > 0,
        "max-token fencing let no expired write through"
    );
    assert!(stale_off > 0, "no token went backwards without fencing");
}

#[test]
fn a_crash_is_a_server_record_with_its_duration() {
    let history = build(&[
        r#"{"type":"info","source":"server","process":4294967295,"op":"crash","timeMs":5,"durationMs":40}"#,
    ])
    .unwrap();
    assert_eq!(history.records[0].op, Op::Crash);
    assert_eq!(history.records[0].duration_ms, Some(40));
    assert!(history.resources.is_empty());
    let verdict = check(&history);
    assert_eq!((verdict.processes, verdict.violations.len()), (0, 0));
    let err = build(&[r#"{"type":"info","process":1,"op":"crash","timeMs":5,"durationMs":40}"#])
        .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "op"));
    assert!(
        err.to_string().contains("crash is a server record"),
        "{err}"
    );
    let err = build(&[r#"{"type":"info","source":"server","process":1,"op":"crash","timeMs":5}"#])
        .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "durationMs"));
    let err = build(&[
        r#"{"type":"ok","source":"server","process":1,"op":"crash","timeMs":5,"durationMs":1}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "type"));
}

#[test]
fn unfenced_gc_pause_loses_updates_in_the_history() {
    let mut config = presets::preset("gcPause").unwrap();
    config.fencing = Fencing::Off;
    let mut sim = Simulation::new(config).unwrap();
    let report = sim.run();
    let verdict = check(&sim.history().unwrap());
    assert!(verdict.counts[ViolationKind::LostUpdate as usize] > 0);
    assert_eq!(
        verdict.counts[ViolationKind::LostUpdate as usize],
        report.count(ViolationKind::LostUpdate)
    );
    assert!(verdict.coverage.long_pauses > 0);
    // Each lost update points at the lost write and the write that overwrote it.
    for v in verdict
        .violations
        .iter()
        .filter(|v| v.kind == ViolationKind::LostUpdate)
    {
        let lost = &sim.history().unwrap().records[v.record as usize];
        assert_eq!((lost.op, lost.write_id), (Op::Write, Some(v.value)));
    }
}

fn raw(json: &str) -> RawRecord {
    serde_json::from_str(json).unwrap()
}

fn build(lines: &[&str]) -> Result<History, HistoryError> {
    let records: Vec<RawRecord> = lines.iter().map(|l| raw(l)).collect();
    History::build(records.iter())
}

const ACQ: &str = r#"{"type":"invoke","process":1,"op":"acquire","resource":"stock","timeMs":10}"#;

#[test]
fn bad_input_names_the_record_and_the_field() {
    let err = build(&[
        ACQ,
        r#"{"type":"invoke","process":1,"op":"lock","resource":"stock","timeMs":11}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(1), "op"));
    assert!(
        err.to_string()
            .starts_with("records[1].op: unknown operation \"lock\""),
        "{err}"
    );

    let err = build(&[
        ACQ,
        r#"{"type":"ok","process":1,"op":"acquire","resource":"stock","token":1,"timeMs":9}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(1), "timeMs"));
    assert!(
        err.to_string().contains("goes backwards within process 1"),
        "{err}"
    );

    let err = build(&[r#"{"type":"ok","process":2,"op":"write","resource":"stock","timeMs":5}"#])
        .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "type"));
    assert!(
        err.to_string()
            .contains("ok write without its invoke by process 2"),
        "{err}"
    );

    // Malformed: a missing field, a fraction, an unknown type or source.
    let err = build(&[
        ACQ,
        r#"{"type":"ok","process":1,"op":"acquire","resource":"stock","timeMs":12}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(1), "token"));
    let err =
        build(&[r#"{"type":"invoke","process":1.5,"op":"acquire","resource":"s","timeMs":1}"#])
            .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "process"));
    let err = build(&[r#"{"type":"done","process":1,"op":"acquire","resource":"s","timeMs":1}"#])
        .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "type"));
    let err = build(&[
        r#"{"type":"info","process":1,"op":"acquire","resource":"s","timeMs":1,"source":"db"}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "source"));
    let err = build(&[r#"{"type":"invoke","process":1,"op":"acquire","timeMs":1}"#]).unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "resource"));
    let err =
        build(&[r#"{"type":"invoke","process":1,"op":"acquire","resource":"s","timeMs":-1}"#])
            .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "timeMs"));
    let err = build(&[
        r#"{"type":"info","process":1,"op":"expire","resource":"s","token":1,"timeMs":1}"#,
    ])
    .unwrap_err();
    assert_eq!((err.index, err.field), (Some(0), "op"));
    // Unknown fields are refused by the decoder.
    assert!(serde_json::from_str::<RawRecord>(r#"{"type":"ok","color":"red"}"#).is_err());
}

/// A paused holder whose lease expired writes before anybody else did: max-token fencing lets
/// it through (coverage, not a violation); a store claiming strict fencing must not have.
#[test]
fn an_expired_write_applied_is_coverage_unless_strict() {
    let mut history = build(&[
        r#"{"type":"invoke","process":1,"op":"acquire","resource":"stock","timeMs":0,"ttlMs":100}"#,
        r#"{"type":"info","source":"server","process":1,"op":"acquire","resource":"stock","token":1,"timeMs":1,"expiresAtMs":101}"#,
        r#"{"type":"ok","process":1,"op":"acquire","resource":"stock","token":1,"timeMs":2}"#,
        r#"{"type":"info","process":1,"op":"pause","timeMs":3,"durationMs":500}"#,
        r#"{"type":"info","source":"server","process":1,"op":"expire","resource":"stock","token":1,"timeMs":101}"#,
        r#"{"type":"invoke","process":2,"op":"acquire","resource":"stock","timeMs":110,"ttlMs":100}"#,
        r#"{"type":"info","source":"server","process":2,"op":"acquire","resource":"stock","token":2,"timeMs":111,"expiresAtMs":211}"#,
        r#"{"type":"ok","process":2,"op":"acquire","resource":"stock","token":2,"timeMs":112}"#,
        r#"{"type":"invoke","process":1,"op":"write","resource":"stock","token":1,"value":9,"basedOn":0,"writeId":11,"timeMs":503}"#,
        r#"{"type":"ok","source":"server","process":1,"op":"write","resource":"stock","token":1,"value":9,"writeId":11,"basedOn":0,"timeMs":504}"#,
        r#"{"type":"ok","process":1,"op":"write","resource":"stock","writeId":11,"timeMs":505}"#,
    ])
    .unwrap();
    let verdict = check(&history);
    assert_eq!(verdict.counts[ViolationKind::StaleWrite as usize], 0);
    assert_eq!(verdict.coverage.late_writes, Some(1));
    assert_eq!(verdict.coverage.expired_writes_applied, Some(1));
    assert_eq!(verdict.coverage.long_pauses, 1);
    assert_eq!(verdict.coverage.expiries_while_paused, Some(1));
    assert_eq!(verdict.coverage.grants_while_believed, Some(1));
    assert_eq!(verdict.counts[ViolationKind::DoubleGrant as usize], 0);
    // No final read: lost updates cannot be judged.
    assert_eq!(verdict.unknown, [ViolationKind::LostUpdate]);

    history.fencing = Some(Fencing::Strict);
    let verdict = check(&history);
    let stale: Vec<_> = verdict
        .violations
        .iter()
        .filter(|v| v.kind == ViolationKind::StaleWrite)
        .collect();
    assert_eq!(stale.len(), 1);
    // The write applied, and the lease that was current.
    assert_eq!(
        (stale[0].record, stale[0].other_record, stale[0].client),
        (9, 6, 1)
    );
    assert_eq!(verdict.coverage.expired_writes_applied, Some(1));
}

/// The store applies a write under a token below one it already applied (L3): a stale write,
/// whatever the history says of its fencing, pointing at the write that set the higher token.
#[test]
fn tokens_going_backwards_at_the_store_are_stale_writes() {
    let server_write = |p: u32, token: u64, id: u64, t: u64| {
        format!(
            r#"{{"type":"ok","source":"server","process":{p},"op":"write","resource":"stock","token":{token},"value":9,"writeId":{id},"basedOn":0,"timeMs":{t}}}"#
        )
    };
    let lines = [
        server_write(2, 7, 1, 10),
        server_write(2, 7, 2, 11),
        server_write(1, 5, 3, 12),
        server_write(3, 8, 4, 13),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    for fencing in [None, Some(Fencing::Off), Some(Fencing::MaxToken)] {
        let mut history = build(&refs).unwrap();
        history.fencing = fencing;
        let verdict = check(&history);
        assert_eq!(verdict.counts[ViolationKind::StaleWrite as usize], 1);
        let v = verdict.violations[0];
        assert_eq!(
            (v.kind, v.record, v.other_record, v.token, v.value),
            (ViolationKind::StaleWrite, 2, 0, 5, 3)
        );
        // Without lease records, whether writes came late is unknown.
        assert_eq!(verdict.coverage.late_writes, None);
        assert_eq!(verdict.coverage.expired_writes_applied, None);
        assert!(!verdict.unknown.contains(&ViolationKind::StaleWrite));
    }
    // Strict fencing needs the lease server's view too.
    let mut history = build(&refs).unwrap();
    history.fencing = Some(Fencing::Strict);
    assert!(check(&history).unknown.contains(&ViolationKind::StaleWrite));
}

/// A client-only history (what a recorder without server access writes): lost updates are
/// judged from reads; the server's view is unknown, not guessed.
#[test]
fn client_only_history_judges_what_it_can() {
    let line = |kind: &str, p: u32, op: &str, extra: &str, t: u64| {
        format!(
            r#"{{"type":"{kind}","process":{p},"op":"{op}","resource":"stock","timeMs":{t}{extra}}}"#
        )
    };
    let lines = [
        line("invoke", 1, "read", ",\"token\":1", 0),
        line("ok", 1, "read", ",\"value\":10,\"writeId\":0", 1),
        line("invoke", 2, "read", ",\"token\":2", 2),
        line("ok", 2, "read", ",\"value\":10,\"writeId\":0", 3),
        line(
            "invoke",
            1,
            "write",
            ",\"token\":1,\"value\":9,\"basedOn\":0,\"writeId\":1",
            4,
        ),
        line("ok", 1, "write", "", 5),
        line(
            "invoke",
            2,
            "write",
            ",\"token\":2,\"value\":9,\"basedOn\":0,\"writeId\":2",
            6,
        ),
        line("ok", 2, "write", "", 7),
        line("invoke", 3, "read", "", 8),
        line("ok", 3, "read", ",\"value\":9,\"writeId\":2", 9),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let verdict = check(&build(&refs).unwrap());
    assert_eq!(verdict.counts[ViolationKind::LostUpdate as usize], 1);
    let lost = verdict.violations[0];
    assert_eq!(
        (lost.kind, lost.client, lost.record, lost.other_record),
        (ViolationKind::LostUpdate, 1, 5, 7)
    );
    assert_eq!(
        verdict.unknown,
        [
            ViolationKind::DoubleGrant,
            ViolationKind::TokenOrder,
            ViolationKind::StaleWrite
        ]
    );
    assert_eq!(verdict.coverage.late_writes, None);
    assert_eq!(verdict.processes, 3);
}

#[test]
fn records_build_from_code_too() {
    // The simulation keeps up to 500,000 of them: about 68 MB at most.
    assert!(std::mem::size_of::<Record>() <= 136);
    let rec = Record::new(RecordType::Invoke, Op::Acquire, 0, 0, 5);
    let history = History {
        resources: vec!["r0".into()],
        records: vec![rec],
        fencing: None,
    };
    assert!(check(&history).violations.is_empty());
}

/// Many writes from one value: each is lost to the last, and each points at the last.
#[test]
fn many_lost_updates_are_judged_in_linear_time() {
    const N: u64 = 50_000;
    let mut records = Vec::new();
    for i in 1..=N {
        let p = (i % 1000) as u32;
        let t = i * 2;
        let mut w = Record::new(RecordType::Invoke, Op::Write, p, 0, t)
            .token(i)
            .value(9);
        w.based_on = Some(0);
        w.write_id = Some(i);
        records.push(w);
        records.push(Record::new(RecordType::Ok, Op::Write, p, 0, t + 1));
    }
    let mut last = Record::new(RecordType::Ok, Op::Read, 0, 0, 2 * N + 5).server();
    last.write_id = Some(N);
    records.push(last);
    let history = History {
        resources: vec!["stock".into()],
        records,
        fencing: None,
    };
    // One backward pass: a scan per lost write would be about 10^9 steps here.
    let verdict = check(&history);
    assert_eq!(verdict.counts[ViolationKind::LostUpdate as usize], N - 1);
    let first = verdict.violations[0];
    // Client-only: a write is pointed at by its acknowledgement.
    assert_eq!((first.record, first.other_record), (1, (2 * N - 1) as u32));
}
