//! How long the history checker takes on a 100,000-record history, natively:
//! `cargo run --release --example history_bench [records]` (bench/history.mjs runs it beside the
//! wasm figure).
//!
//! The history is a gcPause run (unfenced, so the checker has violations to find) long enough
//! to record at least `records` records, exported, written out as JSON and read back: the
//! figures are the JSON parse, the validation ([`History::build`]) and the check, best of five.

use std::time::{Duration, Instant};

use ringlease::core::history::{check, History, RawRecord};
use ringlease::core::sim::{presets, Fencing, Simulation};

/// A gcPause run of at least `records` records, as a history.
pub fn bench_history(records: usize) -> History {
    let mut config = presets::preset("gcPause").expect("preset");
    config.fencing = Fencing::Off;
    let per_second = {
        let mut sim = Simulation::new(config.clone()).expect("config");
        sim.run();
        sim.history().expect("history").records.len() as u64 * 1000 / config.duration_ms
    };
    config.duration_ms = (records as u64 * 1000 / per_second.max(1)) * 11 / 10;
    let mut sim = Simulation::new(config).expect("config");
    sim.run();
    sim.history().expect("history")
}

fn to_json(history: &History) -> String {
    let mut out = String::from("[");
    for (i, r) in history.records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"type":"{}","process":{},"op":"{}""#,
            r.kind.as_str(),
            r.process,
            r.op.as_str()
        ));
        if r.op.needs_resource() {
            out.push_str(&format!(
                r#","resource":"{}""#,
                history.resources[r.resource as usize]
            ));
        }
        out.push_str(&format!(
            r#","source":"{}","timeMs":{}"#,
            r.source.as_str(),
            r.time_ms
        ));
        for (name, v) in r.optional_fields() {
            if let Some(v) = v {
                out.push_str(&format!(r#","{name}":{v}"#));
            }
        }
        if let Some(v) = r.value {
            out.push_str(&format!(r#","value":{v}"#));
        }
        out.push('}');
    }
    out.push(']');
    out
}

fn main() {
    let records: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let full = bench_history(records);
    let history = History {
        resources: full.resources.clone(),
        records: full.records[..records.min(full.records.len())].to_vec(),
        fencing: full.fencing,
    };
    let json = to_json(&history);
    let (mut parse, mut build, mut judge) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut lost = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let raw: Vec<RawRecord> = serde_json::from_str(&json).expect("json");
        parse = parse.min(t.elapsed());
        let t = Instant::now();
        let built = History::build(raw.iter()).expect("valid");
        build = build.min(t.elapsed());
        let t = Instant::now();
        let verdict = check(&built);
        judge = judge.min(t.elapsed());
        lost = verdict.counts[0];
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        r#"{{"records":{},"parseMs":{:.1},"buildMs":{:.1},"checkMs":{:.1},"lostUpdates":{lost}}}"#,
        history.records.len(),
        ms(parse),
        ms(build),
        ms(judge)
    );
}
