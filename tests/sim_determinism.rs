//! Determinism (docs/invariants.md, D1–D5): same config and seed → same trace digest; any
//! stepping gives the same run; seeds matter; and the golden digests of every preset at seed 1
//! (`tests/golden/sim-digests.json`, asserted by the wasm suites too) hold.
//!
//! After a deliberate change to the simulation, regenerate the file with
//! `SIM_GOLDEN_WRITE=1 cargo test --test sim_determinism` and say why in the commit.

use std::collections::BTreeSet;

use ringlease::core::sim::{presets, SimConfig, Simulation};

fn config(name: &str, seed: u64) -> SimConfig {
    SimConfig {
        seed,
        ..presets::preset(name).expect("a preset")
    }
}

fn digest_of_run(name: &str, seed: u64) -> String {
    Simulation::new(config(name, seed)).unwrap().run().digest
}

fn digest_of_steps(name: &str, seed: u64, step_ms: u64) -> (String, usize) {
    let mut sim = Simulation::new(config(name, seed)).unwrap();
    let mut events = 0;
    while !sim.done() {
        let until = sim.now_ms() + step_ms;
        events += sim.step(until).len();
    }
    (sim.digest(), events)
}

const GOLDEN: &str = "tests/golden/sim-digests.json";

#[test]
fn golden_digests_at_seed_1() {
    let actual: Vec<(String, String, u64)> = presets::NAMES
        .iter()
        .map(|name| {
            let r = Simulation::new(config(name, 1)).unwrap().run();
            (name.to_string(), r.digest, r.trace_events)
        })
        .collect();
    if std::env::var_os("SIM_GOLDEN_WRITE").is_some() {
        let rows: Vec<String> = actual
            .iter()
            .map(|(name, digest, events)| {
                format!(
                    "    {{ \"preset\": \"{name}\", \"seed\": 1, \"events\": {events}, \"digest\": \"{digest}\" }}"
                )
            })
            .collect();
        let text = format!(
            "{{\n  \"contract\": \"SHA-1 over the trace: per event at_ms u64, client u32, kind u8, resource u32, token u64, value i64, little-endian (33 bytes), in trace order; presets as in src/core/sim/presets.rs\",\n  \"digests\": [\n{}\n  ]\n}}\n",
            rows.join(",\n")
        );
        std::fs::write(GOLDEN, text).unwrap();
    }
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap();
    let rows = golden["digests"].as_array().unwrap();
    assert_eq!(rows.len(), presets::NAMES.len());
    for (row, (name, digest, events)) in rows.iter().zip(&actual) {
        assert_eq!(row["preset"], name.as_str());
        assert_eq!(row["seed"], 1);
        assert_eq!(row["digest"], digest.as_str(), "{name}");
        assert_eq!(row["events"], *events, "{name}");
    }
}

#[test]
fn same_seed_same_digest() {
    for name in presets::NAMES {
        for seed in [1, 2, 99] {
            assert_eq!(
                digest_of_run(name, seed),
                digest_of_run(name, seed),
                "{name} {seed}"
            );
        }
    }
}

#[test]
fn stepping_in_any_increments_equals_run() {
    for name in presets::NAMES {
        let run = digest_of_run(name, 3);
        let (by_1, events_1) = digest_of_steps(name, 3, 1);
        let (by_137, events_137) = digest_of_steps(name, 3, 137);
        assert_eq!(by_1, run, "{name}: 1 ms steps");
        assert_eq!(by_137, run, "{name}: 137 ms steps");
        assert_eq!(events_1, events_137, "{name}");
    }
}

#[test]
fn seeds_matter() {
    for name in presets::NAMES {
        let digests: BTreeSet<String> = (1..=100).map(|seed| digest_of_run(name, seed)).collect();
        assert!(
            digests.len() >= 99,
            "{name}: {} distinct of 100",
            digests.len()
        );
    }
}

#[test]
fn steps_return_events_in_time_order_once() {
    let mut sim = Simulation::new(config("flashSale", 1)).unwrap();
    let mut last = 0;
    let mut total = 0u64;
    while !sim.done() {
        let until = sim.now_ms() + 250;
        for e in sim.step(until) {
            // Server events carry their event time, which can precede the moment they were
            // processed; nothing lies in the future.
            assert!(e.at_ms <= until);
            last = last.max(e.at_ms);
            total += 1;
        }
        assert_eq!(sim.now_ms(), until.min(sim.config().duration_ms));
    }
    assert!(last <= sim.config().duration_ms);
    assert_eq!(sim.step(u64::MAX).len(), 0);
    let again = Simulation::new(config("flashSale", 1)).unwrap().run();
    assert_eq!(again.trace_events, total);
}
