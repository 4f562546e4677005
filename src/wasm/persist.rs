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

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use super::args;
use super::encode::Obj;
use super::errors::{error, range_error, ring_error, type_error};
use crate::core::error::js_number;
use crate::core::ring::{HashRing, MAX_POINTS, MAX_VNODES};

/// The `format` field of every saved ring.
pub(crate) const FORMAT: &str = "ringlease.HashRing";
const VERSION: f64 = 1.0;
const CONTEXT: &str = "HashRing.fromJSON";

/// The ring as a plain object.
pub(crate) fn to_json(ring: &HashRing) -> Result<JsValue, JsValue> {
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
    Ok(Obj::new()
        .str("format", FORMAT)
        .num("version", VERSION)
        .str("scheme", ring.scheme().name())
        .num("vnodes", f64::from(ring.vnodes()))
        .set("nodes", &nodes)
        .done())
}

/// A ring from `toJSON()`'s object or its JSON text, validated field by field.
pub(crate) fn from_json(json: &JsValue) -> Result<HashRing, JsValue> {
    let value = match json.as_string() {
        Some(text) => JSON::parse(&text).map_err(|e| {
            let detail = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            js_sys::SyntaxError::new(&format!("{CONTEXT}: json is not valid JSON: {detail}"))
        })?,
        None => json.clone(),
    };
    decode(&value, CONTEXT, "json")
}

/// Another ring passed as an argument: a `HashRing` (read through its `toJSON()`, so a wrong
/// type or a freed ring gives this method's own error) or a saved `RingJSON` object.
pub(crate) fn ring_argument(
    value: &JsValue,
    context: &str,
    name: &str,
) -> Result<HashRing, JsValue> {
    let method = if value.is_object() {
        Reflect::get(value, &JsValue::from_str("toJSON")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let saved = match method.dyn_ref::<js_sys::Function>() {
        Some(to_json) => Reflect::apply(to_json, value, &js_sys::Array::new()).map_err(|e| {
            let detail = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            error(
                context,
                &format!("{name} must be a live HashRing (was it freed?): {detail}"),
            )
        })?,
        None if value.is_object() => value.clone(),
        None => {
            return Err(type_error(
                context,
                &format!(
                    "{name} must be a HashRing or its toJSON(), got {}",
                    args::describe(value)
                ),
            ))
        }
    };
    decode(&saved, context, name)
}

/// One entry of a saved ring's `nodes`, checked but for repeated ids.
fn saved_node(
    entry: &JsValue,
    context: &str,
    name: &str,
) -> Result<(String, f64, Option<String>, bool), JsValue> {
    let node = args::options(entry, context, name, &["id", "weight", "up", "label"])?
        .ok_or_else(|| type_error(context, &format!("{name} must be an object")))?;
    let field =
        |key: &str| -> Result<JsValue, JsValue> { Reflect::get(&node, &JsValue::from_str(key)) };
    let id = args::string(&field("id")?, context, &format!("{name}.id"))?;
    let weight = args::number(&field("weight")?, context, &format!("{name}.weight"))?;
    args::check_node(&id, weight, context, name)?;
    let up = field("up")?;
    let up = if up.is_undefined() {
        true
    } else {
        up.as_bool().ok_or_else(|| {
            type_error(
                context,
                &format!("{name}.up must be a boolean, got {}", args::describe(&up)),
            )
        })?
    };
    let label = field("label")?;
    let label = if label.is_undefined() {
        None
    } else {
        Some(args::string(&label, context, &format!("{name}.label"))?)
    };
    Ok((id, weight, label, up))
}

/// Decodes and validates a saved ring, naming fields as `{name}.nodes[i].weight` etc.
fn decode(value: &JsValue, context: &str, name: &str) -> Result<HashRing, JsValue> {
    let allowed = ["format", "version", "scheme", "vnodes", "nodes"];
    let object = args::options(value, context, name, &allowed)?.ok_or_else(|| {
        type_error(
            context,
            &format!("{name} must be a string or an object, got undefined"),
        )
    })?;
    let required = |key: &str| -> Result<JsValue, JsValue> {
        args::field(&object, key)?
            .ok_or_else(|| type_error(context, &format!("{name}.{key} is missing")))
    };
    let format = required("format")?;
    if format.as_string().as_deref() != Some(FORMAT) {
        return Err(type_error(
            context,
            &format!(
                "{name}.format must be {FORMAT:?}, got {}",
                args::describe(&format)
            ),
        ));
    }
    let version = args::number(&required("version")?, context, &format!("{name}.version"))?;
    if version != VERSION {
        return Err(range_error(
            context,
            &format!("{name}.version must be 1, got {}", js_number(version)),
        ));
    }
    let scheme = args::scheme(&required("scheme")?, context, &format!("{name}.scheme"))?;
    let vnodes = args::integer_in(
        &required("vnodes")?,
        context,
        &format!("{name}.vnodes"),
        1,
        MAX_VNODES,
    )?;
    let list = required("nodes")?;
    let list_name = format!("{name}.nodes");
    let length = args::array_length(&list, context, &list_name, MAX_POINTS)?;
    let mut nodes: Vec<(String, f64, Option<String>, bool)> = Vec::with_capacity(length as usize);
    for index in 0..length {
        let entry = Reflect::get_u32(&list, index)?;
        let name = format!("{list_name}[{index}]");
        let node = saved_node(&entry, context, &name);
        nodes.push(args::check_entry(
            node,
            &nodes,
            |node| &node.0,
            context,
            &name,
        )?);
    }
    args::check_repeats(&nodes, |node| &node.0, context, &list_name)?;
    let borrowed: Vec<(&str, f64, Option<&str>, bool)> = nodes
        .iter()
        .map(|(id, weight, label, up)| (id.as_str(), *weight, label.as_deref(), *up))
        .collect();
    HashRing::with_scheme(scheme, vnodes)
        .and_then(|empty| empty.rebuilt_labelled(&borrowed))
        .map_err(|e| ring_error(context, &e))
}
