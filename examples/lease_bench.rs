//! Native half of the lease benchmark: the same workload as
//! `bench/lease.mjs`, on `ringlease::core::lease::LeaseTable` directly (no wasm, no JS).
//!
//! 1,000,000 acquire/release pairs over 1,000 resources and 100 owners, picked by a seeded
//! mulberry32 PRNG (the same sequence as the JS side), `now_ms` +1 per pair, TTL 30,000 ms.
//! Every acquire must be granted and every release must succeed; the run aborts otherwise.
//! One untimed warm-up run, then the median of 5 timed runs, each on a fresh table.
//!
//! ```sh
//! cargo run --release --example lease_bench          # human-readable
//! cargo run --release --example lease_bench -- --json # one JSON line (read by bench/lease.mjs)
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use ringlease::core::lease::{Acquire, AcquireOptions, LeaseOptions, LeaseTable, Release};

const PAIRS: usize = 1_000_000;
const RESOURCES: u32 = 1_000;
const OWNERS: u32 = 100;
const TTL_MS: u64 = 30_000;
const SEED: u32 = 0x5eed_1ea5;
const RUNS: usize = 5;

/// mulberry32, as in `bench/lease.mjs`.
struct Mulberry32(u32);

impl Mulberry32 {
    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }
}

/// The (resource, owner) index of every pair, drawn before any timing.
fn workload() -> Vec<(u32, u32)> {
    let mut rng = Mulberry32(SEED);
    (0..PAIRS)
        .map(|_| {
            let resource = rng.next_u32() % RESOURCES;
            let owner = rng.next_u32() % OWNERS;
            (resource, owner)
        })
        .collect()
}

/// Tally of one run; `check` folds every token so no work can be dropped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Outcome {
    granted: usize,
    released: usize,
    other: usize,
    check: u64,
}

fn run(pairs: &[(u32, u32)], resources: &[String], owners: &[String]) -> (f64, Outcome) {
    let mut table = LeaseTable::new(LeaseOptions::default()).expect("default options are valid");
    let mut out = Outcome::default();
    let started = Instant::now();
    for (i, &(r, o)) in pairs.iter().enumerate() {
        let now = i as u64 + 1;
        let resource = resources[r as usize].as_str();
        let owner = owners[o as usize].as_str();
        match table.acquire(resource, owner, AcquireOptions::new(TTL_MS, now)) {
            Ok(Acquire::Granted { token, .. }) => {
                out.granted += 1;
                out.check = out.check.wrapping_add(token);
                match table.release(resource, owner, token, now) {
                    Ok(Release::Released { .. }) => out.released += 1,
                    _ => out.other += 1,
                }
            }
            _ => out.other += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    black_box(&table);
    (elapsed, out)
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

fn main() -> ExitCode {
    let json = std::env::args().any(|a| a == "--json");
    let resources: Vec<String> = (0..RESOURCES).map(|i| format!("res-{i}")).collect();
    let owners: Vec<String> = (0..OWNERS).map(|i| format!("owner-{i}")).collect();
    let pairs = workload();

    let (_, warm) = run(&pairs, &resources, &owners);
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let (secs, out) = run(&pairs, &resources, &owners);
        if out != warm || out.granted != PAIRS || out.released != PAIRS || out.other != 0 {
            eprintln!("lease_bench ABORTED: unexpected outcomes {out:?} (expected {PAIRS} granted and released)");
            return ExitCode::FAILURE;
        }
        samples.push(secs);
    }
    let secs = median(&samples);
    let ns_per_pair = secs * 1e9 / PAIRS as f64;
    let ns_per_op = ns_per_pair / 2.0;
    let ops_per_sec = (2 * PAIRS) as f64 / secs;
    let samples_ms: Vec<String> = samples.iter().map(|s| format!("{:.3}", s * 1e3)).collect();
    if json {
        println!(
            "{{\"pairs\":{PAIRS},\"resources\":{RESOURCES},\"owners\":{OWNERS},\"ttlMs\":{TTL_MS},\"seed\":{SEED},\
             \"runs\":{RUNS},\"granted\":{},\"released\":{},\"checksum\":{},\"medianMs\":{:.3},\"samplesMs\":[{}],\
             \"nsPerPair\":{ns_per_pair:.2},\"nsPerOp\":{ns_per_op:.2},\"opsPerSec\":{ops_per_sec:.0}}}",
            warm.granted,
            warm.released,
            warm.check,
            secs * 1e3,
            samples_ms.join(",")
        );
    } else {
        println!(
            "native LeaseTable: {PAIRS} acquire/release pairs over {RESOURCES} resources, {OWNERS} owners \
             (median of {RUNS} runs): {ns_per_pair:.1} ns/pair, {ns_per_op:.1} ns/op, {:.2} M ops/s \
             (samples ms: {}; checksum {})",
            ops_per_sec / 1e6,
            samples_ms.join(", "),
            warm.check
        );
    }
    ExitCode::SUCCESS
}
