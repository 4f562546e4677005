//! Parameter sweeps: run enumeration, validation, rows equal to the individual runs,
//! aggregates.

use ringlease::core::sim::sweep::{
    aggregate, finish, Parameter, Sweep, SweepError, SweepRow, MAX_RUNS, MAX_SEEDS, MAX_VALUES,
};
use ringlease::core::sim::{presets, Fencing, SimConfig, Simulation, ViolationKind};

const ALL_FENCING: [Fencing; 3] = [Fencing::Off, Fencing::MaxToken, Fencing::Strict];

fn preset(name: &str) -> SimConfig {
    presets::preset(name).expect("a preset")
}

fn sweep(parameter: Parameter, values: &[u64], fencings: &[Fencing], seeds: &[u64]) -> Sweep {
    Sweep::new(
        preset("gcPause"),
        parameter,
        values.to_vec(),
        fencings.to_vec(),
        seeds.to_vec(),
    )
    .expect("a valid sweep")
}

fn error(
    base: SimConfig,
    parameter: Parameter,
    values: &[u64],
    fencings: &[Fencing],
    seeds: &[u64],
) -> SweepError {
    Sweep::new(
        base,
        parameter,
        values.to_vec(),
        fencings.to_vec(),
        seeds.to_vec(),
    )
    .expect_err("an invalid sweep")
}

#[test]
fn runs_are_value_major_then_fencing_then_seed() {
    let s = sweep(
        Parameter::TtlMs,
        &[300, 100, 200],
        &[Fencing::Strict, Fencing::Off],
        &[9, 4],
    );
    assert_eq!(s.len(), 12);
    let got: Vec<(usize, u64, Fencing, u64)> = s
        .runs()
        .map(|r| (r.index, r.value, r.fencing, r.seed))
        .collect();
    let mut want = Vec::new();
    for value in [300, 100, 200] {
        for fencing in [Fencing::Strict, Fencing::Off] {
            for seed in [9, 4] {
                want.push((want.len(), value, fencing, seed));
            }
        }
    }
    assert_eq!(got, want, "given order kept; value-major");
    assert!(s.run(12).is_none());
    assert_eq!(s.run(7), s.runs().nth(7));
}

#[test]
fn each_run_is_the_base_with_the_value_seed_and_fencing() {
    let base = preset("gcPause");
    let s = sweep(Parameter::TtlMs, &[150, 250], &ALL_FENCING, &[3]);
    for run in s.runs() {
        let want = SimConfig {
            ttl_ms: run.value,
            seed: run.seed,
            fencing: run.fencing,
            ..base.clone()
        };
        assert_eq!(run.config, want, "run {}", run.index);
    }
}

#[test]
fn companion_changes_keep_the_config_valid_and_meaningful() {
    let base = preset("flashSale"); // pauses 100..=600 ms, renewal off
    let low = Parameter::PauseMaxMs.apply(&base, 40);
    assert_eq!((low.pause_min_ms, low.pause_max_ms), (40, 40));
    low.validate().unwrap();
    let high = Parameter::PauseMaxMs.apply(&base, 2_000);
    assert_eq!((high.pause_min_ms, high.pause_max_ms), (100, 2_000));

    let renew = Parameter::RenewPercent.apply(&base, 30);
    assert!(
        renew.renewal,
        "sweeping the renewal fraction turns renewal on"
    );
    assert_eq!(renew.renew_percent, 30);

    let clients = Parameter::Clients.apply(&base, 7);
    assert_eq!(
        clients,
        SimConfig {
            clients: 7,
            ..base.clone()
        }
    );
    assert_eq!(Parameter::DriftMaxPpm.apply(&base, 9).drift_max_ppm, 9);
    assert_eq!(Parameter::PausePpm.apply(&base, 9).pause_ppm, 9);
}

#[test]
fn rows_are_the_individual_runs() {
    let s = sweep(
        Parameter::PausePpm,
        &[0, 300_000],
        &[Fencing::Off, Fencing::MaxToken],
        &[1, 2, 3],
    );
    let result = s.execute().unwrap();
    assert_eq!(result.rows.len(), s.len());
    for (run, row) in s.runs().zip(&result.rows) {
        let mut sim = Simulation::new(run.config.clone()).unwrap();
        let report = sim.run();
        let alone = SweepRow::of(Parameter::PausePpm, &sim);
        assert_eq!(&alone, row, "run {}", run.index);
        assert_eq!(
            (row.value, row.fencing, row.seed),
            (run.value, run.fencing, run.seed)
        );
        assert_eq!(row.digest, report.digest);
        assert_eq!(row.completed_ops, report.metrics.completed_ops);
        assert_eq!(row.wait_p99_ms, report.metrics.wait_p99_ms);
        assert_eq!(row.rejected_writes, report.metrics.rejected_writes);
        assert_eq!(row.lost_updates, report.count(ViolationKind::LostUpdate));
        let ms = report.metrics.elapsed_ms as f64;
        assert_eq!(
            row.throughput,
            report.metrics.completed_ops as f64 * 1000.0 / ms
        );
    }
    // Without pauses nothing goes wrong; with many, fencing off loses updates and max-token
    // fencing refuses the late writes instead.
    let lost = |value, fencing| {
        result
            .aggregates
            .iter()
            .find(|a| a.value == value && a.fencing == fencing)
            .unwrap()
            .lost_updates
    };
    assert_eq!(lost(0, Fencing::Off), 0);
    assert!(lost(300_000, Fencing::Off) > 0);
    assert_eq!(lost(300_000, Fencing::MaxToken), 0);
}

#[test]
fn finishing_in_one_go_equals_running() {
    let config = SimConfig {
        seed: 5,
        ..preset("flashSale")
    };
    let mut a = Simulation::new(config.clone()).unwrap();
    let report = a.run();
    let mut b = Simulation::new(config).unwrap();
    finish(&mut b);
    assert!(b.done());
    assert_eq!(b.digest(), report.digest);
    assert_eq!(
        SweepRow::of(Parameter::TtlMs, &a),
        SweepRow::of(Parameter::TtlMs, &b)
    );
}

#[test]
fn aggregates_group_by_value_and_fencing_in_run_order() {
    let s = sweep(Parameter::TtlMs, &[100, 400], &ALL_FENCING, &[1, 2, 3, 4]);
    let result = s.execute().unwrap();
    assert_eq!(result.aggregates.len(), 6);
    assert_eq!(aggregate(&result.rows), result.aggregates);
    for (group, agg) in result.rows.chunks(4).zip(&result.aggregates) {
        assert!(group
            .iter()
            .all(|r| r.value == agg.value && r.fencing == agg.fencing));
        assert_eq!(agg.runs, 4);
        let n = 4.0;
        let tp = group.iter().fold(0.0, |a, r| a + r.throughput) / n;
        assert_eq!(agg.throughput_mean, tp);
        let p99: u64 = group.iter().map(|r| r.wait_p99_ms).sum();
        assert_eq!(agg.wait_p99_mean_ms, p99 as f64 / n);
        assert_eq!(
            agg.wait_p99_max_ms,
            group.iter().map(|r| r.wait_p99_ms).max().unwrap()
        );
        assert_eq!(
            agg.lost_updates,
            group.iter().map(|r| r.lost_updates).sum::<u64>()
        );
        assert_eq!(
            agg.runs_with_lost_updates,
            group.iter().filter(|r| r.lost_updates > 0).count()
        );
        let rejected: u64 = group.iter().map(|r| r.rejected_writes).sum();
        assert_eq!(agg.rejected_writes, rejected);
        assert_eq!(agg.rejected_writes_mean, rejected as f64 / n);
        let ops: u64 = group.iter().map(|r| r.completed_ops).sum();
        assert_eq!(agg.completed_ops_mean, ops as f64 / n);
    }
    assert!(aggregate(&[]).is_empty());
}

#[test]
fn bad_sweeps_are_refused_with_the_option_named() {
    let gc = preset("gcPause");
    let f = &ALL_FENCING;
    let msg = |e: SweepError| e.to_string();

    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &[], f, &[1])),
        "values must hold 1 to 100 values, got 0"
    );
    let many: Vec<u64> = (1..=MAX_VALUES as u64 + 1).collect();
    assert_eq!(
        error(gc.clone(), Parameter::TtlMs, &many, f, &[1]),
        SweepError::ValueCount(101)
    );
    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &[100, 0], f, &[1])),
        "values[1] must be an integer in [1, 60000] for ttlMs, got 0"
    );
    assert_eq!(
        msg(error(gc.clone(), Parameter::RenewPercent, &[100], f, &[1])),
        "values[0] must be an integer in [1, 99] for renewPercent, got 100"
    );
    assert_eq!(
        msg(error(gc.clone(), Parameter::Clients, &[1_001], f, &[1])),
        "values[0] must be an integer in [1, 1000] for clients, got 1001"
    );
    assert_eq!(
        msg(error(gc.clone(), Parameter::PausePpm, &[u64::MAX], f, &[1])),
        format!(
            "values[0] must be an integer in [0, 1000000] for pausePpm, got {}",
            u64::MAX
        )
    );
    assert_eq!(
        msg(error(
            gc.clone(),
            Parameter::TtlMs,
            &[100, 200, 100],
            f,
            &[1]
        )),
        "values[2]: 100 is listed twice"
    );
    // A value in range whose config is still invalid: 3 brokers × 4 partitions → 400 × 4 actors.
    let e = error(preset("orderQueue"), Parameter::Clients, &[3, 400], f, &[1]);
    assert!(
        matches!(e, SweepError::ValueConfig { index: 1, .. }),
        "{e:?}"
    );
    assert!(msg(e).starts_with("values[1] makes the config invalid: clients"));

    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &[100], &[], &[1])),
        "fencing must name at least one mode"
    );
    assert_eq!(
        msg(error(
            gc.clone(),
            Parameter::TtlMs,
            &[100],
            &[Fencing::Off, Fencing::Off],
            &[1]
        )),
        "fencing[1]: \"off\" is listed twice"
    );

    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &[100], f, &[])),
        "seeds must hold 1 to 1000 seeds, got 0"
    );
    let seeds = Sweep::seed_range(MAX_SEEDS as u64 + 1);
    assert_eq!(
        error(gc.clone(), Parameter::TtlMs, &[100], f, &seeds),
        SweepError::SeedCount(1001)
    );
    assert_eq!(
        msg(error(
            gc.clone(),
            Parameter::TtlMs,
            &[100],
            f,
            &[1, 1 << 53]
        )),
        "seeds[1] must be an integer in [0, 9007199254740991], got 9007199254740992"
    );
    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &[100], f, &[4, 2, 4])),
        "seeds[2]: 4 is listed twice"
    );

    let values: Vec<u64> = (1..=4).collect();
    let seeds = Sweep::seed_range(MAX_SEEDS as u64);
    assert_eq!(
        msg(error(gc.clone(), Parameter::TtlMs, &values, f, &seeds)),
        format!("values × fencing × seeds must be at most {MAX_RUNS} runs, got 12000")
    );

    let bad = SimConfig {
        ttl_ms: 0,
        ..gc.clone()
    };
    assert_eq!(
        msg(error(bad, Parameter::Clients, &[3], f, &[1])),
        "config: ttlMs must be an integer in [1, 60000], got 0"
    );
    // The base must be valid on its own, even in the field the sweep replaces.
    let bad = SimConfig { ttl_ms: 0, ..gc };
    assert!(matches!(
        Sweep::new(bad, Parameter::TtlMs, vec![5], vec![Fencing::Off], vec![1]),
        Err(SweepError::Config(_))
    ));
}

#[test]
fn seed_zero_and_the_largest_seed_are_allowed() {
    let s = sweep(
        Parameter::TtlMs,
        &[100],
        &[Fencing::Off],
        &[0, (1 << 53) - 1],
    );
    assert_eq!(s.len(), 2);
    assert_eq!(s.run(1).unwrap().config.seed, (1 << 53) - 1);
}
