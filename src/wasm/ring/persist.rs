//! `HashRing.toJSON()` / `HashRing.fromJSON()`: the whole ring as a small JSON document.
//!
//! ```json
//! { "format": "ringlease.HashRing", "version": 1, "scheme": "sha1", "vnodes": 160,
//!   "nodes": [{ "id": "a", "weight": 1, "up": true }] }
//! ```
//! A node added with a label (or renamed) also has `"label"`: the string its points are hashed
//! from.
//! Nodes are listed in insertion order (it decides ketama ties), so a round trip rebuilds an
//! identical ring.
//!
//! A saved ring is read field by field through catching calls (`args`), not through
//! serde-wasm-bindgen as the lease and simulation documents are: serde-wasm-bindgen's error
//! messages link core's float formatting, which the ring entry has no other use for. Measured
//! on the release build, reading this document with it made the `ringlease` wasm 13.9 KB
//! larger gzipped (72.2 → 86.0 KB), a fifth of the entry, for the same checks and errors.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::JsHashRing;
use crate::core::number::js_number;
use crate::core::ring::{HashRing, MAX_POINTS, MAX_VNODES};
use crate::wasm::args;
use crate::wasm::call::{call, thrown_message, Failure};
use crate::wasm::encode::Obj;

/// The `format` field of every saved ring.
pub(crate) const FORMAT: &str = "ringlease.HashRing";
const VERSION: f64 = 1.0;

/// The ring as a plain object.
pub(crate) fn to_json(ring: &HashRing) -> JsValue {
    let nodes: Array = ring
        .nodes_in_insertion_order()
        .into_iter()
        .map(|node| {
            let object = Obj::new()
                .str("id", &node.id)
                .num("weight", node.weight)
                .bool("up", node.up);
            match &node.label {
                Some(label) => object.str("label", label).done(),
                None => object.done(),
            }
        })
        .collect();
    Obj::new()
        .str("format", FORMAT)
        .num("version", VERSION)
        .str("scheme", ring.scheme().name())
        .num("vnodes", f64::from(ring.vnodes()))
        .set("nodes", &nodes)
        .done()
}

/// A ring from `toJSON()`'s object or its JSON text, validated field by field.
pub(crate) fn from_json(json: &JsValue) -> Result<HashRing, Failure> {
    let value = match json.as_string() {
        Some(text) => JSON::parse(&text).map_err(|e| {
            let detail = thrown_message(&e).unwrap_or_default();
            Failure::Syntax(format!("json is not valid JSON: {detail}"))
        })?,
        None => json.clone(),
    };
    decode(&value, "json")
}

/// Another ring passed as an argument: a `HashRing` (read through its `toJSON()`, so a wrong
/// type or a freed ring gives this method's own error) or a saved `RingJSON` object.
pub(crate) fn ring_argument(value: &JsValue, name: &str) -> Result<HashRing, Failure> {
    let method = if value.is_object() {
        Reflect::get(value, &JsValue::from_str("toJSON")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let saved = match method.dyn_ref::<js_sys::Function>() {
        Some(to_json) => Reflect::apply(to_json, value, &js_sys::Array::new()).map_err(|e| {
            let detail = thrown_message(&e).unwrap_or_default();
            Failure::Plain(format!(
                "{name} must be a live HashRing (was it freed?): {detail}"
            ))
        })?,
        None if value.is_object() => value.clone(),
        None => {
            return Err(Failure::Type(format!(
                "{name} must be a HashRing or its toJSON(), got {}",
                args::describe(value)
            )))
        }
    };
    decode(&saved, name)
}

/// One entry of a saved ring's `nodes`, checked but for repeated ids.
fn saved_node(entry: &JsValue, name: &str) -> Result<(String, f64, Option<String>, bool), Failure> {
    let node = args::options(entry, name, &["id", "weight", "up", "label"])?
        .ok_or_else(|| Failure::Type(format!("{name} must be an object")))?;
    let field = |key: &str| -> Result<JsValue, Failure> {
        Ok(Reflect::get(&node, &JsValue::from_str(key))?)
    };
    let id = args::string(&field("id")?, &format!("{name}.id"))?;
    let weight = args::number(&field("weight")?, &format!("{name}.weight"))?;
    args::check_node(&id, weight, name)?;
    let up = field("up")?;
    let up = if up.is_undefined() {
        true
    } else {
        up.as_bool().ok_or_else(|| {
            Failure::Type(format!(
                "{name}.up must be a boolean, got {}",
                args::describe(&up)
            ))
        })?
    };
    let label = field("label")?;
    let label = if label.is_undefined() {
        None
    } else {
        Some(args::string(&label, &format!("{name}.label"))?)
    };
    Ok((id, weight, label, up))
}

/// Decodes and validates a saved ring, naming fields as `{name}.nodes[i].weight` etc.
fn decode(value: &JsValue, name: &str) -> Result<HashRing, Failure> {
    let allowed = ["format", "version", "scheme", "vnodes", "nodes"];
    let object = args::options(value, name, &allowed)?.ok_or_else(|| {
        Failure::Type(format!(
            "{name} must be a string or an object, got undefined"
        ))
    })?;
    let required = |key: &str| -> Result<JsValue, Failure> {
        args::field(&object, key)?.ok_or_else(|| Failure::Type(format!("{name}.{key} is missing")))
    };
    let format = required("format")?;
    if format.as_string().as_deref() != Some(FORMAT) {
        return Err(Failure::Type(format!(
            "{name}.format must be {FORMAT:?}, got {}",
            args::describe(&format)
        )));
    }
    let version = args::number(&required("version")?, &format!("{name}.version"))?;
    if version != VERSION {
        return Err(Failure::Range(format!(
            "{name}.version must be 1, got {}",
            js_number(version)
        )));
    }
    let scheme = args::scheme(&required("scheme")?, &format!("{name}.scheme"))?;
    let vnodes = args::integer_in(
        &required("vnodes")?,
        &format!("{name}.vnodes"),
        1,
        MAX_VNODES,
    )?;
    let list = required("nodes")?;
    let list_name = format!("{name}.nodes");
    let length = args::array_length(&list, &list_name, MAX_POINTS)?;
    let mut nodes: Vec<(String, f64, Option<String>, bool)> = Vec::with_capacity(length as usize);
    for index in 0..length {
        let entry = Reflect::get_u32(&list, index)?;
        let name = format!("{list_name}[{index}]");
        let node = saved_node(&entry, &name);
        nodes.push(args::check_entry(node, &nodes, |node| &node.0, &name)?);
    }
    args::check_repeats(&nodes, |node| &node.0, &list_name)?;
    let borrowed: Vec<(&str, f64, Option<&str>, bool)> = nodes
        .iter()
        .map(|(id, weight, label, up)| (id.as_str(), *weight, label.as_deref(), *up))
        .collect();
    Ok(HashRing::with_scheme(scheme, vnodes)?.rebuilt_labelled(&borrowed)?)
}

#[wasm_bindgen(js_class = HashRing)]
impl JsHashRing {
    /// The whole ring as a plain, JSON-ready object (scheme, vnodes, and the nodes with their
    /// weights and health, in insertion order); `JSON.stringify(ring)` uses it.
    ///
    /// ```js
    /// localStorage.ring = JSON.stringify(ring);
    /// const again = HashRing.fromJSON(localStorage.ring);
    /// ```
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "RingJSON")]
    pub fn to_json(&self) -> JsValue {
        to_json(&self.ring)
    }

    /// Rebuilds a ring saved with `toJSON()`, from the object or its JSON text. Malformed input
    /// throws a `TypeError`/`RangeError`/`SyntaxError` naming the field.
    ///
    /// ```js
    /// const ring = HashRing.fromJSON('{"format":"ringlease.HashRing","version":1,"scheme":"sha1","vnodes":160,"nodes":[{"id":"a","weight":1,"up":true}]}');
    /// ```
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "RingJSON | string")] json: JsValue,
    ) -> Result<JsHashRing, JsValue> {
        call("HashRing.fromJSON", || {
            Ok(JsHashRing::from_core(from_json(&json)?))
        })
    }
}
