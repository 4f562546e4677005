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

use super::config::{decode, encode as encode_config};
use super::encode::num;
use super::{args, JsSimulation};
use crate::core::sim::sweep::{
    Parameter, Sweep, SweepAggregate, SweepRow, SweepRun, MAX_SEEDS, MAX_VALUES,
};
use crate::core::sim::Fencing;
use crate::wasm::call::{call, Failure};
use crate::wasm::encode::Obj;

#[wasm_bindgen(typescript_custom_section)]
const TS_SWEEP_TYPES: &'static str = include_str!("sweep.d.ts");

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
    values.iter().map(|&v| JsValue::from_f64(num(v))).collect()
}

fn encode_run(parameter: Parameter, run: &SweepRun) -> JsValue {
    Obj::new()
        .num("index", run.index as f64)
        .str("parameter", parameter.as_str())
        .num("value", num(run.value))
        .str("fencing", run.fencing.as_str())
        .num("seed", num(run.seed))
        .set("config", &encode_config(&run.config))
        .done()
}

fn encode_row(row: &SweepRow) -> JsValue {
    Obj::new()
        .num("value", num(row.value))
        .str("fencing", row.fencing.as_str())
        .num("seed", num(row.seed))
        .num("throughput", row.throughput)
        .num("waitP99Ms", num(row.wait_p99_ms))
        .num("lostUpdates", num(row.lost_updates))
        .num("rejectedWrites", num(row.rejected_writes))
        .num("completedOps", num(row.completed_ops))
        .str("digest", &row.digest)
        .done()
}

fn encode_aggregate(a: &SweepAggregate) -> JsValue {
    Obj::new()
        .num("value", num(a.value))
        .str("fencing", a.fencing.as_str())
        .num("runs", a.runs as f64)
        .num("throughputMean", a.throughput_mean)
        .num("waitP99MeanMs", a.wait_p99_mean_ms)
        .num("waitP99MaxMs", num(a.wait_p99_max_ms))
        .num("lostUpdates", num(a.lost_updates))
        .num("runsWithLostUpdates", a.runs_with_lost_updates as f64)
        .num("rejectedWrites", num(a.rejected_writes))
        .num("rejectedWritesMean", a.rejected_writes_mean)
        .num("completedOpsMean", a.completed_ops_mean)
        .done()
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
                Obj::new()
                    .str("name", p.as_str())
                    .str("label", p.label())
                    .str("unit", p.unit())
                    .num("min", num(min))
                    .num("max", num(max))
                    .done()
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
            let rows: Array = result.rows.iter().map(encode_row).collect();
            let aggregates: Array = result.aggregates.iter().map(encode_aggregate).collect();
            Ok(Obj::new()
                .str("parameter", sweep.parameter().as_str())
                .set("values", &numbers(sweep.values()))
                .set("fencing", &fencings)
                .set("seeds", &numbers(sweep.seeds()))
                .num("runs", sweep.len() as f64)
                .set("rows", &rows)
                .set("aggregates", &aggregates)
                .done())
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
