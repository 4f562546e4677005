//! Encoding core results as plain JavaScript values (objects, arrays, typed arrays).

use js_sys::{Object, Reflect, Uint32Array};
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::errors::error;
use crate::core::ring::Node;
use crate::core::RingChange;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeView<'a> {
    moved_fraction: f64,
    arcs: Vec<ArcView<'a>>,
}

#[derive(Serialize)]
struct ArcView<'a> {
    start: u32,
    end: u32,
    from: Option<&'a str>,
    to: Option<&'a str>,
}

#[derive(Serialize)]
struct NodeView<'a> {
    id: &'a str,
    weight: f64,
    points: u32,
    up: bool,
}

fn plain<T: Serialize>(value: &T, context: &str) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(context, &e.to_string()))
}

/// A `RingChange` as `{ movedFraction, arcs: [{ start, end, from, to }] }` (`null` for "no
/// live node").
pub(crate) fn change(change: &RingChange, context: &str) -> Result<JsValue, JsValue> {
    let view = ChangeView {
        moved_fraction: change.moved_fraction,
        arcs: change
            .arcs
            .iter()
            .map(|arc| ArcView {
                start: arc.start,
                end: arc.end,
                from: arc.from.as_deref(),
                to: arc.to.as_deref(),
            })
            .collect(),
    };
    plain(&view, context)
}

/// The node list as `[{ id, weight, points, up }]`.
pub(crate) fn nodes(nodes: &[Node], context: &str) -> Result<JsValue, JsValue> {
    let views: Vec<NodeView<'_>> = nodes
        .iter()
        .map(|node| NodeView {
            id: &node.id,
            weight: node.weight,
            points: node.points,
            up: node.up,
        })
        .collect();
    plain(&views, context)
}

/// `{ positions: Uint32Array, owners: Uint32Array }` (copies, safe across memory growth).
pub(crate) fn points(positions: &[u32], owners: &[u32]) -> Result<JsValue, JsValue> {
    let result = Object::new();
    Reflect::set(&result, &"positions".into(), &Uint32Array::from(positions))?;
    Reflect::set(&result, &"owners".into(), &Uint32Array::from(owners))?;
    Ok(result.into())
}
