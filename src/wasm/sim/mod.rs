//! `Simulation` for JavaScript: a thin wrapper over [`crate::core::sim::Simulation`]. Its
//! TypeScript types are `simulation.d.ts` and `sweep.d.ts`, beside this file.
//!
//! The config is a document (`config`): a plain object whose keys are all known, read through
//! serde-wasm-bindgen and checked field by field against the core's table of fields; the core
//! then checks the rules across fields. Errors are `TypeError` (wrong type, unknown key) or
//! `RangeError` (out of range), their messages start with `new Simulation: ` or
//! `Simulation.<method>: ` and name the field (`config.ttlMs`). Results are plain objects and
//! typed arrays built field by field (`encode`).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::args;
use super::call::{call, Failure};
use crate::core::sim::{presets, EventKind, Simulation, ViolationKind, HISTORY_KEPT};

mod config;
mod encode;
mod sweep;

#[wasm_bindgen(typescript_custom_section)]
const TS_SIM_TYPES: &'static str = include_str!("simulation.d.ts");

fn names(names: impl Iterator<Item = &'static str>) -> Array {
    names.map(JsValue::from_str).collect()
}

/// A seeded, deterministic simulation of clients contending for leased locks over a faulty
/// network, driving the real `LeaseTable`, `FencedStore` and `HashRing`, with a checker and
/// metrics. The same config (seed included) gives the same trace and `digest()` in every
/// runtime, and stepping in any increments gives the same run as `run()`.
///
/// Bad configs throw a `TypeError` (wrong type, unknown key) or a `RangeError` (out of range)
/// whose message starts with `new Simulation: ` and names the field (`config.ttlMs`).
///
/// ```js
/// import init, { Simulation } from "ringlease/sim";
/// await init();
/// const sim = new Simulation({ preset: "gcPause", fencing: "off", seed: 7 });
/// const events = sim.step(1000); // typed arrays: events.atMs, events.kind, …
/// const report = sim.run();
/// report.counts.lostUpdate; // > 0 for most seeds: no fencing
/// report.digest; // "…" (40 hex digits)
/// ```
#[wasm_bindgen(js_name = Simulation)]
pub struct JsSimulation(Simulation);

#[wasm_bindgen(js_class = Simulation)]
impl JsSimulation {
    /// Creates a simulation at time 0. `config` is optional; see `SimulationConfig`.
    /// `config.preset` starts from a preset and the other keys override it.
    ///
    /// ```js
    /// const a = new Simulation();                                  // defaults
    /// const b = new Simulation({ preset: "flashSale", seed: 42 });
    /// const c = new Simulation({ ...Simulation.preset("partition"), fencing: "strict" });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SimulationConfig")] config: JsValue,
    ) -> Result<JsSimulation, JsValue> {
        call("new Simulation", || {
            let config = config::decode(&config)?;
            Ok(JsSimulation(Simulation::new(config)?))
        })
    }

    /// The preset names, in display order.
    ///
    /// ```js
    /// Simulation.presets(); // ["flashSale", "gcPause", "clockDrift", …]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn presets() -> Array {
        names(presets::NAMES.into_iter())
    }

    /// The complete config of preset `name` (a `RangeError` for an unknown name).
    ///
    /// ```js
    /// Simulation.preset("gcPause").pausePpm; // 200000
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimulationConfig")]
    pub fn preset(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.preset", || {
            Ok(config::encode(&config::preset_config(&name, "name")?))
        })
    }

    /// A one-line description of preset `name` (a `RangeError` for an unknown name).
    ///
    /// ```js
    /// Simulation.describe("partition"); // "clients are cut off for 0.5–5× the TTL; …"
    /// ```
    pub fn describe(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<String, JsValue> {
        call("Simulation.describe", || {
            let name = config::preset_name(&name, "name")?;
            Ok(presets::describe(&name).unwrap_or_default().to_owned())
        })
    }

    /// The event kind names by code: `Simulation.eventKinds()[events.kind[i]]`.
    ///
    /// ```js
    /// const kinds = Simulation.eventKinds(); // ["think", "acquire", "queued", "granted", …]
    /// ```
    #[wasm_bindgen(js_name = eventKinds, unchecked_return_type = "string[]")]
    pub fn event_kinds() -> Array {
        names(EventKind::ALL.into_iter().map(EventKind::as_str))
    }

    /// The violation kind names, in the order the checker counts them.
    ///
    /// ```js
    /// Simulation.violationKinds(); // ["lostUpdate", "orderLost", …]
    /// ```
    #[wasm_bindgen(js_name = violationKinds, unchecked_return_type = "ViolationKindName[]")]
    pub fn violation_kinds() -> Array {
        names(ViolationKind::ALL.into_iter().map(ViolationKind::as_str))
    }

    /// The config's fields, in order, from the table the library validates with: each with
    /// its kind (`"integer"`, `"integerOrNull"`, `"boolean"` or `"choice"`), range or names,
    /// label and unit. A range may also be narrowed by another field (`atLeast`, `atMost`,
    /// `below`).
    ///
    /// ```js
    /// Simulation.configFields().find((f) => f.name === "ttlMs");
    /// // { name: "ttlMs", kind: "integer", min: 1, max: 60000, label: "Lease TTL", unit: "ms" }
    /// ```
    #[wasm_bindgen(js_name = configFields, unchecked_return_type = "SimConfigField[]")]
    pub fn config_fields() -> Array {
        config::fields()
    }

    /// This simulation's complete config.
    ///
    /// ```js
    /// new Simulation({ preset: "gcPause" }).config().clients; // 5
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimulationConfig")]
    pub fn config(&self) -> JsValue {
        config::encode(self.0.config())
    }

    /// Runs the events due at or before `untilMs` (capped at `durationMs`; an earlier time
    /// does nothing) and returns the trace events since the last `step` as typed arrays. One
    /// call runs at most 20,000 queue events, so a page stepping once per frame never blocks
    /// for long: when more are due it returns early with `nowMs` at the last event's time, and
    /// the next call goes on (stepping in any increments gives the same run).
    ///
    /// ```js
    /// const kinds = Simulation.eventKinds();
    /// const ev = sim.step(sim.nowMs + 16);
    /// for (let i = 0; i < ev.length; i++) draw(ev.atMs[i], ev.client[i], kinds[ev.kind[i]]);
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimEvents")]
    pub fn step(
        &mut self,
        #[wasm_bindgen(js_name = untilMs, unchecked_param_type = "number")] until_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("Simulation.step", || {
            let until = args::safe_integer(&until_ms, "untilMs")?;
            Ok(encode::events(&self.0.step(until)))
        })
    }

    /// Runs to `durationMs` and returns the report (events are not returned; the digest
    /// covers them).
    ///
    /// ```js
    /// const { metrics, violations, counts, digest } = new Simulation({ preset: "flashSale" }).run();
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimReport")]
    pub fn run(&mut self) -> JsValue {
        encode::report(&self.0.run())
    }

    /// The simulated time (ms).
    #[wasm_bindgen(getter = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.0.now_ms() as f64
    }

    /// Whether the run is over: it reached `durationMs`, or stopped at the event cap.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.0.done()
    }

    /// Whether the run stopped at the event cap (2,000,000 queue events) before `durationMs`:
    /// a config whose actors keep acting without time passing (zero think, work and latency)
    /// or a very busy one. Every run finishes in bounded work.
    ///
    /// ```js
    /// const sim = new Simulation({ preset: "orderQueue", thinkMinMs: 0, thinkMaxMs: 0 });
    /// sim.run().stoppedAtCap; // true
    /// ```
    #[wasm_bindgen(getter = stoppedAtCap)]
    pub fn stopped_at_cap(&self) -> bool {
        self.0.stopped_at_cap()
    }

    /// The metrics so far.
    ///
    /// ```js
    /// const { completedOps, waitP99Ms, utilisationPpm } = sim.metrics();
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimMetrics")]
    pub fn metrics(&self) -> JsValue {
        encode::metrics(&self.0.metrics())
    }

    /// The violations found so far, in time order: `{ kind, atMs, client, other, resource,
    /// token, value }`. Lost updates and orders are judged against the store's current contents
    /// (final once `done`).
    ///
    /// ```js
    /// sim.violations().filter((v) => v.kind === "lostUpdate");
    /// ```
    #[wasm_bindgen(unchecked_return_type = "SimViolation[]")]
    pub fn violations(&self) -> JsValue {
        encode::violations(&self.0.violations())
    }

    /// Violations per kind so far.
    ///
    /// ```js
    /// sim.counts().lostUpdate; // 0 with fencing
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Record<ViolationKindName, number>")]
    pub fn counts(&self) -> JsValue {
        encode::counts(&self.0.violation_counts())
    }

    /// The hex SHA-1 of the trace so far (the same natively and in every runtime).
    ///
    /// ```js
    /// new Simulation({ preset: "gcPause" }).run().digest === new Simulation({ preset: "gcPause" }).run().digest;
    /// ```
    pub fn digest(&self) -> String {
        self.0.digest()
    }

    /// How often the dangerous interleavings happened so far (see `checkHistory`).
    ///
    /// ```js
    /// sim.coverage().longPauses; // pauses longer than the TTL
    /// ```
    #[wasm_bindgen(unchecked_return_type = "HistoryCoverage")]
    pub fn coverage(&self) -> JsValue {
        encode::coverage(&self.0.coverage())
    }

    /// The run so far as a history document (docs/histories.md): `checkHistory` on it gives
    /// this run's violations (of the kinds a history is judged on) and coverage. Throws a
    /// RangeError past 500,000 records.
    ///
    /// ```js
    /// const sim = new Simulation({ preset: "gcPause" });
    /// sim.run();
    /// const doc = sim.history(); // { version: 1, description, records }
    /// checkHistory(doc).coverage.longPauses === sim.coverage().longPauses; // true
    /// ```
    #[wasm_bindgen(unchecked_return_type = "HistoryDocument")]
    pub fn history(&self) -> Result<JsValue, JsValue> {
        call("Simulation.history", || {
            let Some(history) = self.0.history() else {
                return Err(Failure::Range(format!(
                    "the run has more than {HISTORY_KEPT} records; its history was not kept"
                )));
            };
            let cfg = self.0.config();
            let description = format!(
                "ringlease simulation, seed {}, until {} ms",
                cfg.seed,
                self.0.now_ms()
            );
            Ok(super::history::encode_history(&history, &description))
        })
    }
}
