//! A simulation's config from and to JavaScript, and its table of fields, all driven by
//! [`crate::core::sim::config::FIELDS`].
//!
//! `new Simulation(config)` and the sweeps read `config` as a document (see
//! [`crate::wasm::document`]): its own keys are listed and unknown keys and values that are not
//! plain data refused, then serde-wasm-bindgen reads each value into a [`ConfigDocument`],
//! which checks it against its field's kind and range, and the core validates the whole
//! config. Errors are a `TypeError` (wrong type, unknown key) or a
//! `RangeError` (out of range) naming the field: `new Simulation: config.ttlMs must be an
//! integer in [1, 60000], got 1.5`.

use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::core::sim::config::{
    expected, ConfigDocument, DocumentError, Expected, Kind, Relation, Value, FIELDS, KEYS,
};
use crate::core::sim::{presets, SimConfig};
use crate::wasm::args;
use crate::wasm::call::Failure;
use crate::wasm::document;
use crate::wasm::encode::Obj;

/// Decodes a `SimulationConfig` (`undefined`: the defaults).
pub(super) fn decode(config: &JsValue) -> Result<SimConfig, Failure> {
    let Some(entries) = document::entries(config, "config", &KEYS, unfit)? else {
        return Ok(SimConfig::default());
    };
    let mut doc = ConfigDocument::default();
    for (key, value) in entries {
        doc.read_entry(&key, serde_wasm_bindgen::Deserializer::from(value))?;
    }
    Ok(doc.config()?)
}

/// What the value of `key` must be, if `value` is not that.
fn unfit(key: &str, value: &JsValue) -> Option<&'static str> {
    let expected = expected(key);
    let fits = match expected {
        Expected::Number => value.as_f64().is_some(),
        Expected::NumberOrNull => value.is_null() || value.as_f64().is_some(),
        Expected::Boolean => value.as_bool().is_some(),
        Expected::String => value.is_string(),
    };
    (!fits).then(|| expected.text())
}

/// A document's field of the wrong type is a `TypeError`, out of range a `RangeError`; both
/// name the field under `config.`.
impl From<DocumentError> for Failure {
    fn from(err: DocumentError) -> Self {
        let message = format!("config.{err}");
        if err.is_type_error() {
            Failure::Type(message)
        } else {
            Failure::Range(message)
        }
    }
}

/// A field's value as JavaScript has it.
fn value(value: Value) -> JsValue {
    match value {
        Value::Integer(n) => JsValue::from_f64(n as f64),
        Value::Never => JsValue::NULL,
        Value::Boolean(b) => JsValue::from_bool(b),
        Value::Name(name) => JsValue::from_str(name),
    }
}

/// The complete config as a `SimulationConfig`: every field, in table order.
pub(super) fn encode(config: &SimConfig) -> JsValue {
    FIELDS
        .iter()
        .fold(Obj::new(), |o, f| o.set(f.name, &value(f.get(config))))
        .done()
}

/// The table of fields as `SimConfigField[]`.
pub(super) fn fields() -> Array {
    FIELDS
        .iter()
        .map(|f| {
            let o = Obj::new().str("name", f.name);
            let o = match f.kind {
                Kind::Integer(range) | Kind::Never(range) => {
                    let kind = match f.kind {
                        Kind::Never(_) => "integerOrNull",
                        _ => "integer",
                    };
                    let o = o
                        .str("kind", kind)
                        .num("min", range.min as f64)
                        .num("max", range.max as f64);
                    match range.relation {
                        Relation::None => o,
                        Relation::AtLeast(other) => o.str("atLeast", other),
                        Relation::AtMost(other) => o.str("atMost", other),
                        Relation::Below(other) => o.str("below", other),
                    }
                }
                Kind::Boolean => o.str("kind", "boolean"),
                Kind::Choice(names) => {
                    let names: Array = names.iter().map(|n| JsValue::from_str(n)).collect();
                    o.str("kind", "choice").set("values", &names)
                }
            };
            o.str("label", f.label).str("unit", f.unit).done()
        })
        .collect()
}

/// A preset's name, or a `TypeError` / `RangeError` naming the presets.
pub(super) fn preset_name(name: &JsValue, param: &str) -> Result<String, Failure> {
    let text = args::string(name, param)?;
    if presets::NAMES.contains(&text.as_str()) {
        return Ok(text);
    }
    Err(Failure::Range(format!(
        "{param} must be one of {}, got {}",
        presets::NAMES.join(", "),
        args::describe(name)
    )))
}

/// A preset's config.
pub(super) fn preset_config(name: &JsValue, param: &str) -> Result<SimConfig, Failure> {
    let name = preset_name(name, param)?;
    presets::preset(&name).ok_or_else(|| Failure::Range(format!("{param}: no preset")))
}
