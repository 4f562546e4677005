//! Parameter sweeps: one config run across the values of one parameter × fencing modes × seeds,
//! a row per run and aggregates per (value, fencing mode). Pure and deterministic: a sweep is
//! nothing but the individual [`Simulation`] runs it enumerates, so any row can be reproduced
//! by running its [`SweepRun::config`] and reading it with [`SweepRow::of`].
//!
//! Runs are enumerated value-major: for each value (in the order given), for each fencing mode
//! (in the order given), for each seed (in the order given). Run `index` is
//! `(value_index × fencings + fencing_index) × seeds + seed_index`.
//!
//! ```
//! use ringlease::core::sim::sweep::{Parameter, Sweep};
//! use ringlease::core::sim::{presets, Fencing};
//!
//! let sweep = Sweep::new(
//!     presets::preset("gcPause").unwrap(),
//!     Parameter::TtlMs,
//!     vec![100, 400],
//!     vec![Fencing::Off, Fencing::MaxToken],
//!     vec![1, 2],
//! )
//! .unwrap();
//! assert_eq!(sweep.len(), 8);
//! let run = sweep.run(5).unwrap(); // value 400, fencing off, seed 2
//! assert_eq!((run.value, run.fencing, run.seed), (400, Fencing::Off, 2));
//! let result = sweep.execute().unwrap();
//! assert_eq!(result.rows.len(), 8);
//! assert_eq!(result.aggregates.len(), 4); // (100, off), (100, maxToken), (400, off), …
//! ```

use std::fmt;

use super::config::{field_const, ConfigError, Fencing, Field, SimConfig, Value, MAX_SEED};
use super::{Simulation, ViolationKind};

/// Most values in one sweep.
pub const MAX_VALUES: usize = 100;
/// Most seeds in one sweep (a count `n` means seeds `1..=n`).
pub const MAX_SEEDS: usize = 1_000;
/// Most runs in one sweep (values × fencing modes × seeds).
pub const MAX_RUNS: usize = 10_000;

/// The parameters a sweep can vary. Each is a [`SimConfig`] field, named by its JavaScript
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parameter {
    /// `ttlMs`: the lease TTL.
    TtlMs,
    /// `pausePpm`: the probability that a client pauses between its lease check and its write.
    PausePpm,
    /// `pauseMaxMs`: the longest pause. `pauseMinMs` is lowered to the value when it is above
    /// it, so every value gives a valid pause range.
    PauseMaxMs,
    /// `driftMaxPpm`: each client's clock rate is drawn from ±this.
    DriftMaxPpm,
    /// `clients`: how many clients contend.
    Clients,
    /// `renewPercent`: renew after this percentage of the TTL. Also turns `renewal` on, since
    /// the fraction means nothing without it.
    RenewPercent,
}

impl Parameter {
    /// Every parameter, in display order.
    pub const ALL: [Parameter; 6] = [
        Parameter::TtlMs,
        Parameter::PausePpm,
        Parameter::PauseMaxMs,
        Parameter::DriftMaxPpm,
        Parameter::Clients,
        Parameter::RenewPercent,
    ];

    /// The config key (JavaScript name).
    pub fn as_str(self) -> &'static str {
        self.field().name
    }

    /// The parameter named `name` (its config key).
    pub fn parse(name: &str) -> Option<Self> {
        Parameter::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The field of [`SimConfig`] it varies (its row of [`FIELDS`]).
    ///
    /// [`FIELDS`]: super::config::FIELDS
    pub fn field(self) -> &'static Field {
        match self {
            Parameter::TtlMs => const { field_const("ttlMs") },
            Parameter::PausePpm => const { field_const("pausePpm") },
            Parameter::PauseMaxMs => const { field_const("pauseMaxMs") },
            Parameter::DriftMaxPpm => const { field_const("driftMaxPpm") },
            Parameter::Clients => const { field_const("clients") },
            Parameter::RenewPercent => const { field_const("renewPercent") },
        }
    }

    /// A short human name, for axis labels: its field's label.
    pub fn label(self) -> &'static str {
        self.field().label
    }

    /// The unit of its values: its field's unit.
    pub fn unit(self) -> &'static str {
        self.field().unit
    }

    /// The values the config accepts: `(min, max)`, inclusive (its field's static range).
    pub fn range(self) -> (u64, u64) {
        self.field()
            .kind
            .range()
            .map_or((0, 0), |range| (range.min, range.max))
    }

    /// The parameter's value in `config`.
    pub fn get(self, config: &SimConfig) -> u64 {
        self.field().get(config).integer().unwrap_or(0)
    }

    /// `config` with the parameter set to `value` (and the companion changes documented on
    /// each variant). `value` must be in [`Parameter::range`]; larger values saturate.
    pub fn apply(self, config: &SimConfig, value: u64) -> SimConfig {
        let mut c = config.clone();
        let field = self.field();
        if !field.set(&mut c, Value::Integer(value)) {
            field.set(&mut c, Value::Integer(u64::from(u32::MAX)));
        }
        match self {
            Parameter::PauseMaxMs => c.pause_min_ms = c.pause_min_ms.min(value),
            Parameter::RenewPercent => c.renewal = true,
            _ => {}
        }
        c
    }
}

/// Why a sweep was refused. Displayed with the option's name (`values[2]: …`), so the
/// JavaScript surface only prefixes `options.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SweepError {
    /// The base config is invalid.
    Config(ConfigError),
    /// No values, or more than [`MAX_VALUES`].
    ValueCount(usize),
    /// A value outside the parameter's range.
    ValueOutOfRange {
        /// Position in `values`.
        index: usize,
        /// The value.
        value: u64,
        /// The parameter.
        parameter: Parameter,
    },
    /// A value given twice.
    DuplicateValue {
        /// Position of the second occurrence in `values`.
        index: usize,
        /// The value.
        value: u64,
    },
    /// The base config with this value is invalid (e.g. `clients` × `resources` too large for
    /// the orders workload).
    ValueConfig {
        /// Position in `values`.
        index: usize,
        /// What the config check said.
        error: ConfigError,
    },
    /// No fencing mode.
    NoFencing,
    /// A fencing mode given twice.
    DuplicateFencing {
        /// Position of the second occurrence.
        index: usize,
        /// The mode.
        fencing: Fencing,
    },
    /// No seeds, or more than [`MAX_SEEDS`].
    SeedCount(usize),
    /// A seed above 2^53 − 1.
    SeedOutOfRange {
        /// Position in `seeds`.
        index: usize,
        /// The seed.
        seed: u64,
    },
    /// A seed given twice.
    DuplicateSeed {
        /// Position of the second occurrence in `seeds`.
        index: usize,
        /// The seed.
        seed: u64,
    },
    /// More than [`MAX_RUNS`] runs.
    TooManyRuns {
        /// values × fencing modes × seeds.
        runs: usize,
    },
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepError::Config(e) => write!(f, "config: {e}"),
            SweepError::ValueCount(n) => {
                write!(f, "values must hold 1 to {MAX_VALUES} values, got {n}")
            }
            SweepError::ValueOutOfRange {
                index,
                value,
                parameter,
            } => {
                let (min, max) = parameter.range();
                write!(
                    f,
                    "values[{index}] must be an integer in [{min}, {max}] for {}, got {value}",
                    parameter.as_str()
                )
            }
            SweepError::DuplicateValue { index, value } => {
                write!(f, "values[{index}]: {value} is listed twice")
            }
            SweepError::ValueConfig { index, error } => {
                write!(f, "values[{index}] makes the config invalid: {error}")
            }
            SweepError::NoFencing => write!(f, "fencing must name at least one mode"),
            SweepError::DuplicateFencing { index, fencing } => write!(
                f,
                "fencing[{index}]: \"{}\" is listed twice",
                fencing.as_str()
            ),
            SweepError::SeedCount(n) => {
                write!(f, "seeds must hold 1 to {MAX_SEEDS} seeds, got {n}")
            }
            SweepError::SeedOutOfRange { index, seed } => write!(
                f,
                "seeds[{index}] must be an integer in [0, {MAX_SEED}], got {seed}"
            ),
            SweepError::DuplicateSeed { index, seed } => {
                write!(f, "seeds[{index}]: {seed} is listed twice")
            }
            SweepError::TooManyRuns { runs } => write!(
                f,
                "values × fencing × seeds must be at most {MAX_RUNS} runs, got {runs}"
            ),
        }
    }
}

impl std::error::Error for SweepError {}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRun {
    /// Its position in the sweep.
    pub index: usize,
    /// The parameter's value.
    pub value: u64,
    /// The fencing mode.
    pub fencing: Fencing,
    /// The seed.
    pub seed: u64,
    /// The complete config it runs.
    pub config: SimConfig,
}

/// What one run gave.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The parameter's value.
    pub value: u64,
    /// The fencing mode.
    pub fencing: Fencing,
    /// The seed.
    pub seed: u64,
    /// Completed operations per simulated second: `completedOps × 1000 / elapsedMs`.
    pub throughput: f64,
    /// Acquire-wait 99th percentile (nearest rank), ms.
    pub wait_p99_ms: u64,
    /// Acknowledged writes that vanished: `lostUpdate` violations (counter workload) plus
    /// `orderLost` (orders workload).
    pub lost_updates: u64,
    /// Writes the store refused.
    pub rejected_writes: u64,
    /// Operations completed.
    pub completed_ops: u64,
    /// The run's trace digest (replaying its config gives the same).
    pub digest: String,
}

impl SweepRow {
    /// The row of `sim` as a run of a sweep over `parameter`, from its state now (the final
    /// row once [`Simulation::done`]). Value, fencing and seed are read from its config.
    pub fn of(parameter: Parameter, sim: &Simulation) -> SweepRow {
        let config = sim.config();
        let metrics = sim.metrics();
        let counts = sim.violation_counts();
        SweepRow {
            value: parameter.get(config),
            fencing: config.fencing,
            seed: config.seed,
            throughput: metrics.completed_ops as f64 * 1000.0 / metrics.elapsed_ms.max(1) as f64,
            wait_p99_ms: metrics.wait_p99_ms,
            lost_updates: counts[ViolationKind::LostUpdate as usize]
                + counts[ViolationKind::OrderLost as usize],
            rejected_writes: metrics.rejected_writes,
            completed_ops: metrics.completed_ops,
            digest: sim.digest(),
        }
    }
}

/// The runs of one (value, fencing mode), summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAggregate {
    /// The parameter's value.
    pub value: u64,
    /// The fencing mode.
    pub fencing: Fencing,
    /// How many runs (seeds).
    pub runs: usize,
    /// Mean throughput (ops/s).
    pub throughput_mean: f64,
    /// Mean of the runs' acquire-wait p99 (ms).
    pub wait_p99_mean_ms: f64,
    /// Largest acquire-wait p99 of the runs (ms).
    pub wait_p99_max_ms: u64,
    /// Lost updates, summed over the runs.
    pub lost_updates: u64,
    /// Runs with at least one lost update.
    pub runs_with_lost_updates: usize,
    /// Rejected writes, summed over the runs.
    pub rejected_writes: u64,
    /// Mean rejected writes per run.
    pub rejected_writes_mean: f64,
    /// Mean completed operations per run.
    pub completed_ops_mean: f64,
}

/// Aggregates per (value, fencing mode), in the order each pair first appears in `rows`. Means
/// are sums taken in row order, divided by the count (so summing the same rows in the same
/// order in JavaScript gives the same numbers).
pub fn aggregate(rows: &[SweepRow]) -> Vec<SweepAggregate> {
    let mut groups: Vec<(u64, Fencing, Vec<&SweepRow>)> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .rev()
            .find(|(v, f, _)| *v == row.value && *f == row.fencing)
        {
            Some((_, _, members)) => members.push(row),
            None => groups.push((row.value, row.fencing, vec![row])),
        }
    }
    groups
        .into_iter()
        .map(|(value, fencing, members)| {
            let n = members.len();
            let mean = |sum: f64| sum / n as f64;
            let fsum = |f: fn(&SweepRow) -> f64| members.iter().fold(0.0, |acc, r| acc + f(r));
            let sum = |f: fn(&SweepRow) -> u64| members.iter().map(|r| f(r)).sum::<u64>();
            SweepAggregate {
                value,
                fencing,
                runs: n,
                throughput_mean: mean(fsum(|r| r.throughput)),
                wait_p99_mean_ms: mean(sum(|r| r.wait_p99_ms) as f64),
                wait_p99_max_ms: members.iter().map(|r| r.wait_p99_ms).max().unwrap_or(0),
                lost_updates: sum(|r| r.lost_updates),
                runs_with_lost_updates: members.iter().filter(|r| r.lost_updates > 0).count(),
                rejected_writes: sum(|r| r.rejected_writes),
                rejected_writes_mean: mean(sum(|r| r.rejected_writes) as f64),
                completed_ops_mean: mean(sum(|r| r.completed_ops) as f64),
            }
        })
        .collect()
}

/// What [`Sweep::execute`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    /// One row per run, in run order.
    pub rows: Vec<SweepRow>,
    /// One per (value, fencing mode), in run order.
    pub aggregates: Vec<SweepAggregate>,
}

/// A validated sweep: a base config, a parameter and its values, fencing modes and seeds.
#[derive(Debug, Clone)]
pub struct Sweep {
    base: SimConfig,
    parameter: Parameter,
    values: Vec<u64>,
    fencings: Vec<Fencing>,
    seeds: Vec<u64>,
}

impl Sweep {
    /// Checks everything: the base config; 1..=[`MAX_VALUES`] distinct values, each in the
    /// parameter's range and giving a valid config; at least one fencing mode, none twice;
    /// 1..=[`MAX_SEEDS`] distinct seeds ≤ 2^53 − 1; at most [`MAX_RUNS`] runs. The base's own
    /// `seed` and `fencing` are replaced by the sweep's.
    pub fn new(
        base: SimConfig,
        parameter: Parameter,
        values: Vec<u64>,
        fencings: Vec<Fencing>,
        seeds: Vec<u64>,
    ) -> Result<Sweep, SweepError> {
        base.validate().map_err(SweepError::Config)?;
        if values.is_empty() || values.len() > MAX_VALUES {
            return Err(SweepError::ValueCount(values.len()));
        }
        let (min, max) = parameter.range();
        for (index, &value) in values.iter().enumerate() {
            if !(min..=max).contains(&value) {
                return Err(SweepError::ValueOutOfRange {
                    index,
                    value,
                    parameter,
                });
            }
            if values[..index].contains(&value) {
                return Err(SweepError::DuplicateValue { index, value });
            }
            parameter
                .apply(&base, value)
                .validate()
                .map_err(|error| SweepError::ValueConfig { index, error })?;
        }
        if fencings.is_empty() {
            return Err(SweepError::NoFencing);
        }
        for (index, &fencing) in fencings.iter().enumerate() {
            if fencings[..index].contains(&fencing) {
                return Err(SweepError::DuplicateFencing { index, fencing });
            }
        }
        if seeds.is_empty() || seeds.len() > MAX_SEEDS {
            return Err(SweepError::SeedCount(seeds.len()));
        }
        let mut sorted = Vec::with_capacity(seeds.len());
        for (index, &seed) in seeds.iter().enumerate() {
            if seed > MAX_SEED {
                return Err(SweepError::SeedOutOfRange { index, seed });
            }
            match sorted.binary_search(&seed) {
                Ok(_) => return Err(SweepError::DuplicateSeed { index, seed }),
                Err(at) => sorted.insert(at, seed),
            }
        }
        let runs = values.len() * fencings.len() * seeds.len();
        if runs > MAX_RUNS {
            return Err(SweepError::TooManyRuns { runs });
        }
        Ok(Sweep {
            base,
            parameter,
            values,
            fencings,
            seeds,
        })
    }

    /// Seeds `1..=count`.
    pub fn seed_range(count: u64) -> Vec<u64> {
        (1..=count).collect()
    }

    /// The parameter swept.
    pub fn parameter(&self) -> Parameter {
        self.parameter
    }

    /// The values, in run order.
    pub fn values(&self) -> &[u64] {
        &self.values
    }

    /// The fencing modes, in run order.
    pub fn fencings(&self) -> &[Fencing] {
        &self.fencings
    }

    /// The seeds, in run order.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    /// The base config (its `seed` and `fencing` are replaced in every run).
    pub fn base(&self) -> &SimConfig {
        &self.base
    }

    /// How many runs: values × fencing modes × seeds.
    pub fn len(&self) -> usize {
        self.values.len() * self.fencings.len() * self.seeds.len()
    }

    /// Whether there are no runs (never, for a validated sweep).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Run `index` (`None` past the end).
    pub fn run(&self, index: usize) -> Option<SweepRun> {
        let seeds = self.seeds.len();
        let fencings = self.fencings.len();
        let seed = *self.seeds.get(index % seeds)?;
        let fencing = *self.fencings.get(index / seeds % fencings)?;
        let value = *self.values.get(index / seeds / fencings)?;
        let config = SimConfig {
            seed,
            fencing,
            ..self.parameter.apply(&self.base, value)
        };
        Some(SweepRun {
            index,
            value,
            fencing,
            seed,
            config,
        })
    }

    /// Every run, in order.
    pub fn runs(&self) -> impl Iterator<Item = SweepRun> + '_ {
        (0..self.len()).filter_map(|index| self.run(index))
    }

    /// Runs every run to its end, in order.
    pub fn execute(&self) -> Result<SweepResult, SweepError> {
        let mut rows = Vec::with_capacity(self.len());
        for run in self.runs() {
            let mut sim = Simulation::new(run.config).map_err(|error| SweepError::ValueConfig {
                index: run.index / self.seeds.len() / self.fencings.len(),
                error,
            })?;
            sim.keep_history(false);
            finish(&mut sim);
            rows.push(SweepRow::of(self.parameter, &sim));
        }
        let aggregates = aggregate(&rows);
        Ok(SweepResult { rows, aggregates })
    }
}

/// Runs `sim` to its end, dropping the trace as it goes (as [`Simulation::run`] does, without
/// building a report).
pub fn finish(sim: &mut Simulation) {
    let end = sim.config().duration_ms;
    while !sim.done() {
        let until = (sim.now_ms() + 1_000).min(end);
        sim.step(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sim::presets;

    #[test]
    fn parameters_round_trip_and_apply() {
        for p in Parameter::ALL {
            assert_eq!(Parameter::parse(p.as_str()), Some(p));
            let (min, max) = p.range();
            let base = presets::preset("flashSale").unwrap();
            for v in [min, max] {
                let c = p.apply(&base, v);
                assert_eq!(p.get(&c), v, "{}", p.as_str());
                c.validate().unwrap();
            }
        }
        assert_eq!(Parameter::parse("seed"), None);
    }
}
