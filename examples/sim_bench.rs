//! Simulated events per second, natively, for every preset:
//! `cargo run --release --example sim_bench [seeds]` (default 20 seeds per preset).
//!
//! An event is one entry taken off the simulation's queue (a message delivery, a timer, a
//! server tick, a fault): the unit of `MetricsReport::events`. Each preset runs its seeds
//! 1..=n to the end; the best of three passes is reported, to damp noise from other work on
//! the machine.

use std::time::{Duration, Instant};

use ringlease::core::sim::{presets, SimConfig, Simulation};

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    println!(
        "{:<13} {:>6} {:>12} {:>12} {:>14} {:>12}",
        "preset", "seeds", "events/run", "trace/run", "events/s", "ms/run"
    );
    for name in presets::NAMES {
        let mut best = Duration::MAX;
        let (mut events, mut trace) = (0, 0);
        for _ in 0..3 {
            (events, trace) = (0, 0);
            let start = Instant::now();
            for seed in 1..=seeds {
                let config = SimConfig {
                    seed,
                    ..presets::preset(name).expect("a preset")
                };
                let report = Simulation::new(config).expect("valid").run();
                events += report.metrics.events;
                trace += report.trace_events;
            }
            best = best.min(start.elapsed());
        }
        let secs = best.as_secs_f64();
        println!(
            "{:<13} {:>6} {:>12} {:>12} {:>14.0} {:>12.3}",
            name,
            seeds,
            events / seeds,
            trace / seeds,
            events as f64 / secs,
            secs * 1e3 / seeds as f64
        );
    }
}
