//! `HashRing` for JavaScript: a thin newtype over [`crate::core::ring::HashRing`].

use js_sys::{Object, Reflect, Uint32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args;
use super::errors::{error, ring_error, type_error};
use crate::core::ring::{HashRing, DEFAULT_VNODES, MAX_POINTS, MAX_VNODES};

/// A consistent-hashing ring: which node owns a key, and which nodes back it up.
///
/// Placement is deterministic and identical natively, in Node and in every browser: a node with
/// weight `w` gets `max(1, round(vnodes × w))` points labelled `"{id}#{i}"`; a point's (and a
/// key's) position is the big-endian u32 of the first 4 bytes of SHA-1 of its UTF-8 bytes; a key
/// belongs to the first point at or after its position, wrapping around.
///
/// ```js
/// import init, { HashRing } from "ringlease";
/// await init();
/// const ring = new HashRing({ vnodes: 160 });
/// ring.addNode("cache-a");
/// ring.addNode("cache-b", { weight: 2 });
/// ring.nodeFor("user:42");        // "cache-a" or "cache-b"
/// ring.nodesFor("user:42", 2);    // both, owner first
/// ring.free();                    // or `using ring = …`
/// ```
#[wasm_bindgen(js_name = HashRing)]
pub struct JsHashRing(HashRing);

#[derive(Serialize)]
struct NodeView<'a> {
    id: &'a str,
    weight: f64,
    points: u32,
}

#[wasm_bindgen(js_class = HashRing)]
impl JsHashRing {
    /// Creates an empty ring.
    ///
    /// `options.vnodes`: points per unit of weight, an integer in 1..=4096 (default 160).
    /// Unknown option keys throw a `TypeError`; an out-of-range vnode count a `RangeError`.
    ///
    /// ```js
    /// const ring = new HashRing();                 // 160 vnodes
    /// const coarse = new HashRing({ vnodes: 40 });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "RingOptions")] options: JsValue,
    ) -> Result<JsHashRing, JsValue> {
        const CONTEXT: &str = "new HashRing";
        let mut vnodes = DEFAULT_VNODES;
        if let Some(options) = args::options(&options, CONTEXT, "options", &["vnodes"])? {
            if let Some(value) = args::field(&options, "vnodes")? {
                vnodes = args::integer_in(&value, CONTEXT, "options.vnodes", 1, MAX_VNODES)?;
            }
        }
        HashRing::new(vnodes)
            .map(JsHashRing)
            .map_err(|e| ring_error(CONTEXT, &e))
    }

    /// Adds a node. Throws (leaving the ring unchanged) on a non-string, empty, over-256-byte or
    /// duplicate id, a weight that is not a finite number > 0, or a ring over 2^20 points.
    ///
    /// ```js
    /// ring.addNode("10.0.0.1:11211");
    /// ring.addNode("big-box", { weight: 2.5 });   // 2.5× the points
    /// ```
    #[wasm_bindgen(js_name = addNode)]
    pub fn add_node(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "NodeOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        const CONTEXT: &str = "HashRing.addNode";
        let id = args::string(&id, CONTEXT, "id")?;
        let mut weight = 1.0;
        if let Some(options) = args::options(&options, CONTEXT, "options", &["weight"])? {
            if let Some(value) = args::field(&options, "weight")? {
                weight = args::number(&value, CONTEXT, "options.weight")?;
            }
        }
        self.0
            .add_node(&id, weight)
            .map_err(|e| ring_error(CONTEXT, &e))
    }

    /// Adds many nodes at once, all or none: much faster than `addNode` in a loop for big rings.
    /// Each entry is an id or `{ id, weight? }`.
    ///
    /// ```js
    /// ring.addNodes(["a", "b", { id: "c", weight: 2 }]);
    /// ```
    #[wasm_bindgen(js_name = addNodes)]
    pub fn add_nodes(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "NodeSpec[]")] nodes: JsValue,
    ) -> Result<(), JsValue> {
        const CONTEXT: &str = "HashRing.addNodes";
        let entries = args::array(&nodes, CONTEXT, "nodes", MAX_POINTS)?;
        let mut specs: Vec<(String, f64)> = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let name = format!("nodes[{index}]");
            if entry.is_string() {
                specs.push((args::string(entry, CONTEXT, &name)?, 1.0));
                continue;
            }
            if !entry.is_object() {
                return Err(type_error(
                    CONTEXT,
                    &format!(
                        "{name} must be a string or {{ id, weight? }}, got {}",
                        args::describe(entry)
                    ),
                ));
            }
            let object =
                args::options(entry, CONTEXT, &name, &["id", "weight"])?.unwrap_or_default();
            let id = args::field(&object, "id")?.unwrap_or(JsValue::UNDEFINED);
            let id = args::string(&id, CONTEXT, &format!("{name}.id"))?;
            let weight = match args::field(&object, "weight")? {
                Some(value) => args::number(&value, CONTEXT, &format!("{name}.weight"))?,
                None => 1.0,
            };
            specs.push((id, weight));
        }
        let borrowed: Vec<(&str, f64)> = specs.iter().map(|(id, w)| (id.as_str(), *w)).collect();
        self.0
            .add_nodes(&borrowed)
            .map_err(|e| ring_error(CONTEXT, &e))
    }

    /// Removes a node and its points; its keys move to the next nodes clockwise. Throws an
    /// `Error` (ring unchanged) if the node is not on the ring.
    ///
    /// ```js
    /// ring.removeNode("cache-b");
    /// ```
    #[wasm_bindgen(js_name = removeNode)]
    pub fn remove_node(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<(), JsValue> {
        const CONTEXT: &str = "HashRing.removeNode";
        let id = args::string(&id, CONTEXT, "id")?;
        self.0.remove_node(&id).map_err(|e| ring_error(CONTEXT, &e))
    }

    /// Whether a node with this id is on the ring.
    ///
    /// ```js
    /// ring.hasNode("cache-a"); // true
    /// ```
    #[wasm_bindgen(js_name = hasNode)]
    pub fn has_node(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<bool, JsValue> {
        let id = args::string(&id, "HashRing.hasNode", "id")?;
        Ok(self.0.has_node(&id))
    }

    /// How many nodes are on the ring.
    #[wasm_bindgen(getter = nodeCount)]
    pub fn node_count(&self) -> usize {
        self.0.node_count()
    }

    /// How many points are on the ring (the sum of every node's points).
    #[wasm_bindgen(getter = pointCount)]
    pub fn point_count(&self) -> usize {
        self.0.point_count()
    }

    /// Points per unit of weight, as given to the constructor.
    #[wasm_bindgen(getter)]
    pub fn vnodes(&self) -> u32 {
        self.0.vnodes()
    }

    /// The nodes, sorted by id (UTF-8 byte order); a node's index here is its owner index in
    /// `points().owners`.
    ///
    /// ```js
    /// ring.nodes(); // [{ id: "cache-a", weight: 1, points: 160 }, …]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RingNode[]")]
    pub fn nodes(&self) -> Result<JsValue, JsValue> {
        let views: Vec<NodeView<'_>> = self
            .0
            .nodes()
            .iter()
            .map(|node| NodeView {
                id: &node.id,
                weight: node.weight,
                points: node.points,
            })
            .collect();
        views
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| error("HashRing.nodes", &e.to_string()))
    }

    /// The node that owns `key`, or `undefined` on an empty ring.
    ///
    /// ```js
    /// const shard = ring.nodeFor("order:1234");
    /// ```
    #[wasm_bindgen(js_name = nodeFor)]
    pub fn node_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<Option<String>, JsValue> {
        let key = args::string(&key, "HashRing.nodeFor", "key")?;
        Ok(self.0.node_for(key.as_bytes()).map(str::to_owned))
    }

    /// Up to `n` distinct nodes for `key`, the owner first, then the next distinct nodes
    /// clockwise: a replica or preference list of length `min(n, nodeCount)`.
    ///
    /// ```js
    /// const [primary, backup] = ring.nodesFor("cart:7", 2);
    /// ```
    #[wasm_bindgen(js_name = nodesFor)]
    pub fn nodes_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        const CONTEXT: &str = "HashRing.nodesFor";
        let key = args::string(&key, CONTEXT, "key")?;
        let n = args::count(args::number(&n, CONTEXT, "n")?, CONTEXT, "n")?;
        Ok(self
            .0
            .nodes_for(key.as_bytes(), n)
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    /// The ring position of `key`: the big-endian u32 of the first 4 bytes of SHA-1(UTF-8 key).
    ///
    /// ```js
    /// ring.positionOf("abc"); // 2845392438 (0xa9993e36)
    /// ```
    #[wasm_bindgen(js_name = positionOf)]
    pub fn position_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<u32, JsValue> {
        let key = args::string(&key, "HashRing.positionOf", "key")?;
        Ok(crate::core::hash::position(key.as_bytes()))
    }

    /// Every point for drawing, as typed arrays (no per-point objects): `positions` ascending and
    /// `owners[i]`, the index in `nodes()` of the node that owns point `i`.
    ///
    /// ```js
    /// const { positions, owners } = ring.points();
    /// const angle = (positions[0] / 2 ** 32) * 2 * Math.PI;
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RingPoints")]
    pub fn points(&self) -> Result<JsValue, JsValue> {
        let result = Object::new();
        Reflect::set(
            &result,
            &"positions".into(),
            &Uint32Array::from(self.0.positions()),
        )?;
        Reflect::set(
            &result,
            &"owners".into(),
            &Uint32Array::from(self.0.owners()),
        )?;
        Ok(result.into())
    }
}
