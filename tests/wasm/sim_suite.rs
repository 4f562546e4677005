//! Simulation through the JS surface, in Node and in headless browsers: the golden digests of
//! every preset at seed 1 (the same file the native tests assert, so native = wasm), stepping
//! equals running, the typed-array event shape, and bad configs that must throw real
//! JavaScript errors naming the field (never a trap).

use js_sys::{Float64Array, Int32Array, RangeError, Reflect, TypeError, Uint8Array};
use ringlease::wasm::JsSimulation;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::suite::{message, object, s};

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &s(key)).unwrap()
}

fn preset(name: &str) -> JsValue {
    object(&[("preset", s(name))])
}

#[wasm_bindgen_test]
fn golden_digests_match_native() {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../golden/sim-digests.json")).unwrap();
    let rows = golden["digests"].as_array().unwrap();
    assert_eq!(rows.len(), JsSimulation::presets().length() as usize);
    for row in rows {
        let name = row["preset"].as_str().unwrap();
        assert_eq!(row["seed"], 1);
        let mut sim = JsSimulation::new(preset(name)).unwrap();
        let report = sim.run();
        assert_eq!(
            field(&report, "digest").as_string().as_deref(),
            row["digest"].as_str(),
            "{name}"
        );
        assert_eq!(
            field(&report, "traceEvents").as_f64(),
            row["events"].as_f64(),
            "{name}"
        );
        assert!(sim.done());
        assert_eq!(sim.digest(), row["digest"].as_str().unwrap());
    }
}

#[wasm_bindgen_test]
fn stepping_equals_running_and_events_are_typed_arrays() {
    let mut stepped = JsSimulation::new(preset("gcPause")).unwrap();
    let mut total = 0.0;
    while !stepped.done() {
        let until = JsValue::from_f64(stepped.now_ms() + 137.0);
        let events = stepped.step(until).unwrap();
        let length = field(&events, "length").as_f64().unwrap();
        assert!(field(&events, "atMs").is_instance_of::<Float64Array>());
        assert!(field(&events, "client").is_instance_of::<Int32Array>());
        let kinds = field(&events, "kind").dyn_into::<Uint8Array>().unwrap();
        assert_eq!(f64::from(kinds.length()), length);
        total += length;
    }
    let mut run = JsSimulation::new(preset("gcPause")).unwrap();
    let report = run.run();
    assert_eq!(stepped.digest(), run.digest());
    assert_eq!(field(&report, "traceEvents").as_f64(), Some(total));
    let counts = field(&report, "counts");
    assert_eq!(field(&counts, "lostUpdate").as_f64(), Some(0.0));
    let metrics = field(&report, "metrics");
    assert!(field(&metrics, "completedOps").as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
fn without_fencing_the_checker_reports_lost_updates() {
    let config = object(&[("preset", s("gcPause")), ("fencing", s("off"))]);
    let mut sim = JsSimulation::new(config).unwrap();
    sim.run();
    let violations: js_sys::Array = sim.violations().dyn_into().unwrap();
    let lost = violations
        .iter()
        .filter(|v| field(v, "kind").as_string().as_deref() == Some("lostUpdate"))
        .count();
    assert!(lost > 0);
    assert_eq!(
        field(&sim.counts(), "lostUpdate").as_f64(),
        Some(lost as f64)
    );
}

fn assert_throws<T>(result: Result<T, JsValue>, range: bool, needle: &str) {
    let Err(err) = result else {
        panic!("expected an error mentioning {needle:?}")
    };
    if range {
        assert!(err.is_instance_of::<RangeError>(), "{}", message(&err));
    } else {
        assert!(err.is_instance_of::<TypeError>(), "{}", message(&err));
    }
    assert!(message(&err).contains(needle), "{}", message(&err));
}

#[wasm_bindgen_test]
fn bad_configs_throw_naming_the_field() {
    let with = |key: &str, value: JsValue| JsSimulation::new(object(&[(key, value)]));
    let num = JsValue::from_f64;
    assert_throws(with("ttlMs", num(0.0)), true, "config.ttlMs must be");
    assert_throws(with("ttlMs", num(-1.0)), true, "config.ttlMs");
    assert_throws(with("ttlMs", num(f64::NAN)), true, "config.ttlMs");
    assert_throws(with("ttlMs", num(1.5)), true, "config.ttlMs");
    assert_throws(
        with("ttlMs", s("100")),
        false,
        "config.ttlMs must be a number",
    );
    assert_throws(with("clients", num(0.0)), true, "config.clients");
    assert_throws(with("clients", num(2f64.powi(40))), true, "config.clients");
    assert_throws(with("seed", num(2f64.powi(53))), true, "config.seed");
    assert_throws(
        with("fencing", s("on")),
        true,
        "config.fencing must be one of",
    );
    assert_throws(with("fencing", JsValue::TRUE), false, "config.fencing");
    assert_throws(
        with("fifo", num(1.0)),
        false,
        "config.fifo must be a boolean",
    );
    assert_throws(
        with("preset", s("nope")),
        true,
        "config.preset must be one of",
    );
    assert_throws(with("tllMs", num(100.0)), false, "unknown option \"tllMs\"");
    assert_throws(with("crashAtMs", num(1e9)), true, "config.crashAtMs");
    assert_throws(
        JsSimulation::new(s("gcPause")),
        false,
        "config must be a plain object",
    );
    assert_throws(
        JsSimulation::new(js_sys::Map::new().into()),
        false,
        "plain object",
    );
    assert_throws(
        JsSimulation::preset(s("nope")),
        true,
        "Simulation.preset: name",
    );
    assert_throws(
        JsSimulation::preset(num(1.0)),
        false,
        "name must be a string",
    );
    // null means "never" for the optional times.
    assert!(with("crashAtMs", JsValue::NULL).is_ok());
}

#[wasm_bindgen_test]
fn bad_step_arguments_throw_and_the_simulation_keeps_working() {
    let mut sim = JsSimulation::new(preset("flashSale")).unwrap();
    assert_throws(sim.step(s("10")), false, "Simulation.step: untilMs");
    assert_throws(sim.step(JsValue::from_f64(-1.0)), true, "untilMs");
    assert_throws(sim.step(JsValue::from_f64(f64::INFINITY)), true, "untilMs");
    assert_eq!(sim.now_ms(), 0.0);
    sim.step(JsValue::from_f64(500.0)).unwrap();
    assert_eq!(sim.now_ms(), 500.0);
}

#[wasm_bindgen_test]
fn presets_round_trip_through_their_config_objects() {
    for name in JsSimulation::presets().iter() {
        let config = JsSimulation::preset(name.clone()).unwrap();
        let a = JsSimulation::new(config).unwrap().run();
        let b = JsSimulation::new(object(&[("preset", name)]))
            .unwrap()
            .run();
        assert_eq!(field(&a, "digest"), field(&b, "digest"));
    }
    assert_eq!(
        JsSimulation::event_kinds().get(3).as_string().as_deref(),
        Some("granted")
    );
}
