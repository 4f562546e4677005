//! `HashRing.toJSON()` / `HashRing.fromJSON()`: the whole ring as a small JSON document.
//!
//! ```json
//! { "format": "ringlease.HashRing", "version": 1, "scheme": "sha1", "vnodes": 160,
//!   "nodes": [{ "id": "a", "weight": 1, "up": true }] }
//! ```
//! Nodes are listed in insertion order (it decides ketama ties), so a round trip rebuilds an
//! identical ring.

use js_sys::{Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use super::args;
use super::errors::{error, range_error, ring_error, type_error};
use crate::core::ring::{HashRing, MAX_POINTS, MAX_VNODES};

/// The `format` field of every saved ring.
pub(crate) const FORMAT: &str = "ringlease.HashRing";
const VERSION: f64 = 1.0;
const CONTEXT: &str = "HashRing.fromJSON";

#[derive(Serialize)]
struct Saved<'a> {
    format: &'static str,
    version: f64,
    scheme: &'static str,
    vnodes: u32,
    nodes: Vec<SavedNode<'a>>,
}

#[derive(Serialize)]
struct SavedNode<'a> {
    id: &'a str,
    weight: f64,
    up: bool,
}

/// The ring as a plain object.
pub(crate) fn to_json(ring: &HashRing) -> Result<JsValue, JsValue> {
    let saved = Saved {
        format: FORMAT,
        version: VERSION,
        scheme: ring.scheme().name(),
        vnodes: ring.vnodes(),
        nodes: ring
            .nodes_in_insertion_order()
            .into_iter()
            .map(|node| SavedNode {
                id: &node.id,
                weight: node.weight,
                up: node.up,
            })
            .collect(),
    };
    saved
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error("HashRing.toJSON", &e.to_string()))
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
    let allowed = ["format", "version", "scheme", "vnodes", "nodes"];
    let object = args::options(&value, CONTEXT, "json", &allowed)?
        .ok_or_else(|| type_error(CONTEXT, "json must be a string or an object, got undefined"))?;
    let required = |key: &str| -> Result<JsValue, JsValue> {
        args::field(&object, key)?
            .ok_or_else(|| type_error(CONTEXT, &format!("json.{key} is missing")))
    };
    if required("format")?.as_string().as_deref() != Some(FORMAT) {
        return Err(type_error(
            CONTEXT,
            &format!("json.format must be {FORMAT:?}"),
        ));
    }
    if args::number(&required("version")?, CONTEXT, "json.version")? != VERSION {
        return Err(range_error(CONTEXT, "json.version must be 1"));
    }
    let scheme = args::scheme(&required("scheme")?, CONTEXT, "json.scheme")?;
    let vnodes = args::integer_in(&required("vnodes")?, CONTEXT, "json.vnodes", 1, MAX_VNODES)?;
    let entries = args::array(&required("nodes")?, CONTEXT, "json.nodes", MAX_POINTS)?;
    let mut nodes: Vec<(String, f64, bool)> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let name = format!("json.nodes[{index}]");
        let node = args::options(entry, CONTEXT, &name, &["id", "weight", "up"])?
            .ok_or_else(|| type_error(CONTEXT, &format!("{name} must be an object")))?;
        let field = |key: &str| -> Result<JsValue, JsValue> {
            Reflect::get(&node, &JsValue::from_str(key))
        };
        let id = args::string(&field("id")?, CONTEXT, &format!("{name}.id"))?;
        let weight = args::number(&field("weight")?, CONTEXT, &format!("{name}.weight"))?;
        let up = field("up")?;
        let up = if up.is_undefined() {
            true
        } else {
            up.as_bool().ok_or_else(|| {
                type_error(
                    CONTEXT,
                    &format!("{name}.up must be a boolean, got {}", args::describe(&up)),
                )
            })?
        };
        nodes.push((id, weight, up));
    }
    let borrowed: Vec<(&str, f64, bool)> = nodes
        .iter()
        .map(|(id, weight, up)| (id.as_str(), *weight, *up))
        .collect();
    HashRing::with_scheme(scheme, vnodes)
        .and_then(|empty| empty.rebuilt(&borrowed))
        .map_err(|e| ring_error(CONTEXT, &e))
}
