//! Every simulation finishes in bounded work: zero-delay configs and the busiest legal config
//! stop at the documented event cap instead of running (or hanging) for ever, and one `step`
//! call runs a bounded number of events. Bounds are counted in queue events, not wall time.

#![cfg(not(target_arch = "wasm32"))]

use ringlease::core::sim::{presets, SimConfig, Simulation, MAX_EVENTS, STEP_EVENTS};

fn zero_think_order_queue() -> SimConfig {
    SimConfig {
        think_min_ms: 0,
        think_max_ms: 0,
        ..presets::preset("orderQueue").unwrap()
    }
}

fn all_zero() -> SimConfig {
    SimConfig {
        think_min_ms: 0,
        think_max_ms: 0,
        work_min_ms: 0,
        work_max_ms: 0,
        latency_min_ms: 0,
        latency_max_ms: 0,
        ..SimConfig::default()
    }
}

fn busiest() -> SimConfig {
    SimConfig {
        clients: 1_000,
        retry_min_ms: 1,
        retry_max_ms: 1,
        dup_ppm: 1_000_000,
        duration_ms: 600_000,
        faults_until_ms: 600_000,
        ..SimConfig::default()
    }
}

#[test]
fn one_step_runs_a_bounded_number_of_events() {
    for config in [zero_think_order_queue(), all_zero()] {
        let mut sim = Simulation::new(config).unwrap();
        // Before: this call never returned.
        sim.step(16);
        let events = sim.metrics().events;
        assert!(events <= STEP_EVENTS, "{events} events in one step");
        assert!(!sim.done());
        let now = sim.now_ms();
        sim.step(16);
        assert_eq!(sim.metrics().events, events + STEP_EVENTS.min(events));
        assert!(sim.now_ms() <= 16 && sim.now_ms() >= now);
    }
}

#[test]
fn a_zero_delay_run_stops_at_the_event_cap() {
    let mut sim = Simulation::new(zero_think_order_queue()).unwrap();
    let report = sim.run();
    assert!(report.stopped_at_cap);
    assert!(sim.done() && sim.stopped_at_cap());
    assert_eq!(report.metrics.events, MAX_EVENTS);
    assert!(sim.now_ms() < sim.config().duration_ms);
    // Once stopped, stepping does nothing more.
    assert!(sim.step(u64::MAX).is_empty());
    assert_eq!(sim.metrics().events, MAX_EVENTS);
}

#[test]
fn the_busiest_legal_config_finishes_in_bounded_work() {
    let mut sim = Simulation::new(busiest()).unwrap();
    let report = sim.run();
    assert!(report.metrics.events <= MAX_EVENTS);
    assert!(report.stopped_at_cap);
    assert!(sim.done());
}

#[test]
fn presets_never_reach_the_cap_and_stepping_equals_run() {
    for name in presets::NAMES {
        let config = presets::preset(name).unwrap();
        let report = Simulation::new(config.clone()).unwrap().run();
        assert!(!report.stopped_at_cap, "{name}");
        let mut stepped = Simulation::new(config).unwrap();
        while !stepped.done() {
            stepped.step(stepped.now_ms() + 7);
        }
        assert_eq!(stepped.digest(), report.digest, "{name}");
    }
}

#[test]
fn a_run_where_time_stands_still_stops_at_the_event_cap() {
    let mut sim = Simulation::new(all_zero()).unwrap();
    let report = sim.run();
    assert!(report.stopped_at_cap);
    assert_eq!(sim.now_ms(), 0);
    assert!(sim.done());
}
