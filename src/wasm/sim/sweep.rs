//! Parameter sweeps for JavaScript: `Simulation.sweep`, `Simulation.sweepRuns`,
//! `Simulation.sweepParameters` and `sim.sweepRow`, over [`crate::core::sim::sweep`].
//!
//! A child of `sim`, so that the base config is decoded exactly as `new Simulation` decodes it
//! (same keys, same errors) and run configs are encoded as `sim.config()` encodes them.
//! Options are decoded strictly: a plain object with known keys, integers as safe integers,
//! modes by name. Errors are `TypeError` / `RangeError` whose message starts with
//! `Simulation.<method>: ` and names the option (`options.values[2]`).

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::{args, decode, encode_config, num, set, JsSimulation};
use crate::core::sim::sweep::{
    Parameter, Sweep, SweepAggregate, SweepRow, SweepRun, MAX_SEEDS, MAX_VALUES,
};
use crate::core::sim::Fencing;
use crate::wasm::call::{call, Failure};

#[wasm_bindgen(typescript_custom_section)]
const TS_SWEEP_TYPES: &'static str = r#"
/** A parameter a sweep can vary (a `SimulationConfig` key). */
export type SweepParameter =
  | "ttlMs" | "pausePpm" | "pauseMaxMs" | "driftMaxPpm" | "clients" | "renewPercent";

export type FencingMode = "off" | "maxToken" | "strict";

/** What `Simulation.sweepParameters()` lists. */
export interface SweepParameterInfo {
  name: SweepParameter;
  /** A short human name, e.g. "Lease TTL". */
  label: string;
  /** The unit of the values, e.g. "ms". */
  unit: string;
  /** The smallest and largest value accepted. */
  min: number;
  max: number;
}

/**
 * Options of `Simulation.sweep` and `Simulation.sweepRuns`. Runs are enumerated value-major:
 * for each value, for each fencing mode, for each seed (each in the order given); at most
 * 10000 runs.
 */
export interface SweepOptions {
  /** The parameter to vary. `pauseMaxMs` also lowers `pauseMinMs` to the value when it is
   * above it; `renewPercent` also turns `renewal` on. */
  parameter: SweepParameter;
  /** 1..=100 distinct integers in the parameter's range. */
  values: number[];
  /** A count n (seeds 1..=n, n in 1..=1000) or 1..=1000 distinct seeds. */
  seeds: number | number[];
  /** Fencing modes, each once. Default all three: ["off", "maxToken", "strict"]. */
  fencing?: FencingMode | FencingMode[];
}

/** One run of a sweep: `new Simulation(run.config)` runs it. */
export interface SweepRun {
  index: number;
  parameter: SweepParameter;
  value: number;
  fencing: FencingMode;
  seed: number;
  config: SimulationConfig;
}

/** What one run gave. */
export interface SweepRow {
  value: number;
  fencing: FencingMode;
  seed: number;
  /** Completed operations per simulated second: completedOps × 1000 / elapsedMs. */
  throughput: number;
  /** Acquire-wait 99th percentile, ms. */
  waitP99Ms: number;
  /** Acknowledged writes that vanished: lostUpdate (+ orderLost for the orders workload). */
  lostUpdates: number;
  rejectedWrites: number;
  completedOps: number;
  /** The run's trace digest: `new Simulation(run.config).run().digest`. */
  digest: string;
}

/** The runs (seeds) of one value and fencing mode, summarised. Means are sums in row order ÷ runs. */
export interface SweepAggregate {
  value: number;
  fencing: FencingMode;
  runs: number;
  throughputMean: number;
  waitP99MeanMs: number;
  waitP99MaxMs: number;
  /** Summed over the runs. */
  lostUpdates: number;
  runsWithLostUpdates: number;
  /** Summed over the runs. */
  rejectedWrites: number;
  rejectedWritesMean: number;
  completedOpsMean: number;
}

/** What `Simulation.sweep` returns. */
export interface SweepResult {
  parameter: SweepParameter;
  values: number[];
  fencing: FencingMode[];
  seeds: number[];
  /** values × fencing × seeds. */
  runs: number;
  /** One per run, in run order. */
  rows: SweepRow[];
  /** One per (value, fencing mode), in run order. */
  aggregates: SweepAggregate[];
}
"#;

const OPTION_KEYS: [&str; 4] = ["parameter", "values", "seeds", "fencing"];
const FENCINGS: &str = "\"off\", \"maxToken\", \"strict\"";

fn parameter(value: &JsValue, name: &str) -> Result<Parameter, Failure> {
    let text = args::string(value, name)?;
    Parameter::parse(&text).ok_or_else(|| {
        let names: Vec<&str> = Parameter::ALL.iter().map(|p| p.as_str()).collect();
        Failure::Range(format!(
            "{name} must be one of {}, got {}",
            names.join(", "),
            args::describe(value)
        ))
    })
}

fn fencing(value: &JsValue, name: &str) -> Result<Fencing, Failure> {
    let text = value.as_string().ok_or_else(|| {
        Failure::Type(format!(
            "{name} must be a string, got {}",
            args::describe(value)
        ))
    })?;
    Fencing::parse(&text).ok_or_else(|| {
        Failure::Range(format!(
            "{name} must be one of {FENCINGS}, got {}",
            args::describe(value)
        ))
    })
}

fn required(object: &Object, key: &str, what: &str) -> Result<JsValue, Failure> {
    args::field(object, key)?
        .ok_or_else(|| Failure::Type(format!("options.{key} must be {what}, got undefined")))
}

/// Decodes `(config, options)` into a validated sweep.
fn decode_sweep(config: &JsValue, options: &JsValue) -> Result<Sweep, Failure> {
    let base = decode(config)?;
    let o = args::required_options(options, "options", &OPTION_KEYS)?;

    let value = required(&o, "parameter", "a string")?;
    let parameter = parameter(&value, "options.parameter")?;

    let value = required(&o, "values", "an array of integers")?;
    let values = args::array(&value, "options.values", MAX_VALUES)?
        .iter()
        .enumerate()
        .map(|(i, v)| args::safe_integer(v, &format!("options.values[{i}]")))
        .collect::<Result<Vec<u64>, Failure>>()?;

    let value = required(&o, "seeds", "a count or an array of seeds")?;
    let seeds = if value.as_f64().is_some() {
        let max = MAX_SEEDS as u32;
        let count = args::integer_in(&value, "options.seeds", 1, max)?;
        Sweep::seed_range(count.into())
    } else if value.is_object() {
        args::array(&value, "options.seeds", MAX_SEEDS)?
            .iter()
            .enumerate()
            .map(|(i, v)| args::safe_integer(v, &format!("options.seeds[{i}]")))
            .collect::<Result<Vec<u64>, Failure>>()?
    } else {
        return Err(Failure::Type(format!(
            "options.seeds must be a count or an array of seeds, got {}",
            args::describe(&value)
        )));
    };

    let fencings = match args::field(&o, "fencing")? {
        None => vec![Fencing::Off, Fencing::MaxToken, Fencing::Strict],
        Some(value) if value.is_string() => vec![fencing(&value, "options.fencing")?],
        Some(value) => args::array(&value, "options.fencing", 3)?
            .iter()
            .enumerate()
            .map(|(i, v)| fencing(v, &format!("options.fencing[{i}]")))
            .collect::<Result<Vec<Fencing>, Failure>>()?,
    };

    Ok(Sweep::new(base, parameter, values, fencings, seeds)?)
}

fn numbers(values: &[u64]) -> Array {
    values.iter().map(|&v| num(v)).collect()
}

fn encode_run(parameter: Parameter, run: &SweepRun) -> JsValue {
    let o = Object::new();
    set(&o, "index", run.index as u32);
    set(&o, "parameter", parameter.as_str());
    set(&o, "value", num(run.value));
    set(&o, "fencing", run.fencing.as_str());
    set(&o, "seed", num(run.seed));
    set(&o, "config", encode_config(&run.config));
    o.into()
}

fn encode_row(row: &SweepRow) -> JsValue {
    let o = Object::new();
    set(&o, "value", num(row.value));
    set(&o, "fencing", row.fencing.as_str());
    set(&o, "seed", num(row.seed));
    set(&o, "throughput", row.throughput);
    set(&o, "waitP99Ms", num(row.wait_p99_ms));
    set(&o, "lostUpdates", num(row.lost_updates));
    set(&o, "rejectedWrites", num(row.rejected_writes));
    set(&o, "completedOps", num(row.completed_ops));
    set(&o, "digest", row.digest.as_str());
    o.into()
}

fn encode_aggregate(a: &SweepAggregate) -> JsValue {
    let o = Object::new();
    set(&o, "value", num(a.value));
    set(&o, "fencing", a.fencing.as_str());
    set(&o, "runs", a.runs as u32);
    set(&o, "throughputMean", a.throughput_mean);
    set(&o, "waitP99MeanMs", a.wait_p99_mean_ms);
    set(&o, "waitP99MaxMs", num(a.wait_p99_max_ms));
    set(&o, "lostUpdates", num(a.lost_updates));
    set(&o, "runsWithLostUpdates", a.runs_with_lost_updates as u32);
    set(&o, "rejectedWrites", num(a.rejected_writes));
    set(&o, "rejectedWritesMean", a.rejected_writes_mean);
    set(&o, "completedOpsMean", a.completed_ops_mean);
    o.into()
}

#[wasm_bindgen(js_class = Simulation)]
impl JsSimulation {
    /// The parameters a sweep can vary, with a label, unit and range each.
    ///
    /// ```js
    /// Simulation.sweepParameters()[0]; // { name: "ttlMs", label: "Lease TTL", unit: "ms", min: 1, max: 60000 }
    /// ```
    #[wasm_bindgen(js_name = sweepParameters, unchecked_return_type = "SweepParameterInfo[]")]
    pub fn sweep_parameters() -> Array {
        Parameter::ALL
            .iter()
            .map(|p| {
                let (min, max) = p.range();
                let o = Object::new();
                set(&o, "name", p.as_str());
                set(&o, "label", p.label());
                set(&o, "unit", p.unit());
                set(&o, "min", num(min));
                set(&o, "max", num(max));
                JsValue::from(o)
            })
            .collect()
    }

    /// Runs `config` (a `SimulationConfig`, e.g. `{ preset: "flashSale" }`) for every value of
    /// `options.parameter` × fencing mode × seed, synchronously, and returns a row per run and
    /// aggregates per (value, fencing mode). Large sweeps block: run them in a Worker with
    /// `sweepRuns` + `sweepRow`, which give identical rows.
    ///
    /// ```js
    /// const { rows, aggregates } = Simulation.sweep({ preset: "gcPause" }, {
    ///   parameter: "ttlMs", values: [100, 200, 400], seeds: 20, fencing: ["off", "maxToken"],
    /// });
    /// aggregates.find((a) => a.value === 100 && a.fencing === "off").lostUpdates; // > 0
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SweepResult")]
    pub fn sweep(
        #[wasm_bindgen(unchecked_param_type = "SimulationConfig | undefined")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SweepOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.sweep", || {
            let sweep = decode_sweep(&config, &options)?;
            let result = sweep.execute()?;
            let fencings: Array = sweep
                .fencings()
                .iter()
                .map(|f| JsValue::from_str(f.as_str()))
                .collect();
            let o = Object::new();
            set(&o, "parameter", sweep.parameter().as_str());
            set(&o, "values", numbers(sweep.values()));
            set(&o, "fencing", fencings);
            set(&o, "seeds", numbers(sweep.seeds()));
            set(&o, "runs", sweep.len() as u32);
            let rows: Array = result.rows.iter().map(encode_row).collect();
            set(&o, "rows", rows);
            let aggregates: Array = result.aggregates.iter().map(encode_aggregate).collect();
            set(&o, "aggregates", aggregates);
            Ok(o.into())
        })
    }

    /// The runs `Simulation.sweep(config, options)` would make, in order, each with its
    /// complete config. Run them one by one (e.g. in a Worker, for progress and cancel) and
    /// read each with `sim.sweepRow(run.parameter)`.
    ///
    /// ```js
    /// for (const run of Simulation.sweepRuns({ preset: "flashSale" }, { parameter: "ttlMs", values: [100, 300], seeds: 5 })) {
    ///   const sim = new Simulation(run.config);
    ///   sim.run();
    ///   rows.push(sim.sweepRow(run.parameter)); // === Simulation.sweep(…).rows[run.index]
    ///   sim.free();
    /// }
    /// ```
    #[wasm_bindgen(js_name = sweepRuns, unchecked_return_type = "SweepRun[]")]
    pub fn sweep_runs(
        #[wasm_bindgen(unchecked_param_type = "SimulationConfig | undefined")] config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SweepOptions")] options: JsValue,
    ) -> Result<Array, JsValue> {
        call("Simulation.sweepRuns", || {
            let sweep = decode_sweep(&config, &options)?;
            let parameter = sweep.parameter();
            Ok(sweep.runs().map(|r| encode_run(parameter, &r)).collect())
        })
    }

    /// This finished simulation's row as a run of a sweep over `parameter`: the value is its
    /// config's `parameter`, the fencing mode and seed its config's. An `Error` if it has not
    /// reached `durationMs` (call `run()` first).
    ///
    /// ```js
    /// const sim = new Simulation({ preset: "gcPause", ttlMs: 250, fencing: "off", seed: 3 });
    /// sim.run();
    /// sim.sweepRow("ttlMs"); // { value: 250, fencing: "off", seed: 3, throughput: …, … }
    /// ```
    #[wasm_bindgen(js_name = sweepRow, unchecked_return_type = "SweepRow")]
    pub fn sweep_row(
        &self,
        #[wasm_bindgen(js_name = parameter, unchecked_param_type = "SweepParameter")]
        parameter_name: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.sweepRow", || {
            let parameter = parameter(&parameter_name, "parameter")?;
            if !self.0.done() {
                return Err(Failure::Plain(format!(
                    "the simulation has not finished (nowMs {} < durationMs {}); call run() first",
                    self.0.now_ms(),
                    self.0.config().duration_ms
                )));
            }
            Ok(encode_row(&SweepRow::of(parameter, &self.0)))
        })
    }
}
