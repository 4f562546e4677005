//! `HashRing`'s construction, membership and health, and what it reports about its nodes.

use wasm_bindgen::prelude::*;

use super::{IdSync, JsHashRing};
use crate::core::ring::{HashRing, MAX_ID_BYTES, MAX_VNODES};
use crate::core::Scheme;
use crate::wasm::args;
use crate::wasm::call::{call, Failure};
use crate::wasm::encode;

#[wasm_bindgen(js_class = HashRing)]
impl JsHashRing {
    /// Creates a ring, empty or with `options.nodes` (the fastest way to build a big ring).
    ///
    /// - `options.nodes`: ids or `{ id, weight? }`, added in order.
    /// - `options.scheme`: `"sha1"` (default) or `"ketama"` (placement of the npm package
    ///   `hashring` 3.2.0, so JS shares placement with ketama memcached clients).
    /// - `options.vnodes`: points per unit of weight, an integer in 1..=4096 (default 160 for
    ///   sha1; for ketama, hashring's "vnode count", default 40, × 4 points).
    ///
    /// Unknown option keys throw a `TypeError`; an out-of-range vnode count a `RangeError`.
    ///
    /// ```js
    /// const ring = new HashRing();                       // sha1, 160 vnodes
    /// const shards = new HashRing({ nodes: ["a", "b", { id: "c", weight: 2 }] });
    /// const memcached = new HashRing({ scheme: "ketama", nodes: ["10.0.0.1:11211"] });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "RingOptions")] options: JsValue,
    ) -> Result<JsHashRing, JsValue> {
        call("new HashRing", || {
            let mut scheme = Scheme::Sha1;
            let mut vnodes = None;
            let mut nodes = Vec::new();
            let allowed = ["scheme", "vnodes", "nodes"];
            if let Some(options) = args::options(&options, "options", &allowed)? {
                if let Some(value) = args::field(&options, "scheme")? {
                    scheme = args::scheme(&value, "options.scheme")?;
                }
                if let Some(value) = args::field(&options, "vnodes")? {
                    let vnodes_in = args::integer_in(&value, "options.vnodes", 1, MAX_VNODES)?;
                    vnodes = Some(vnodes_in);
                }
                if let Some(value) = args::field(&options, "nodes")? {
                    nodes = args::node_specs(&value, "options.nodes")?;
                }
            }
            let vnodes = vnodes.unwrap_or_else(|| scheme.default_vnodes());
            let specs: Vec<(&str, f64, bool)> = nodes
                .iter()
                .map(|(id, w)| (id.as_str(), *w, true))
                .collect();
            let ring = HashRing::with_scheme(scheme, vnodes)?.rebuilt(&specs)?;
            Ok(JsHashRing::from_core(ring))
        })
    }

    /// Adds a node and returns what moved (`{ movedFraction, arcs }`). Throws (leaving the ring
    /// unchanged) on a non-string, empty, over-256-byte or duplicate id, a weight that is not a
    /// finite number > 0, or a ring over 2^20 points.
    ///
    /// `options.label` hashes the node's points from another string than its id (same rules as
    /// an id): `"{label}#{i}"` on sha1 rings, `"{label}-{i}"` on ketama rings, where it is how
    /// libmemcached and pylibmc hash a server on the default port (the host alone). Lookups
    /// still return the id; `nodes()` and `toJSON()` list the label.
    ///
    /// ```js
    /// ring.addNode("10.0.0.1:11211");
    /// const { movedFraction } = ring.addNode("big-box", { weight: 2.5 });   // 2.5× the points
    /// memcached.addNode("cache-a:11211", { label: "cache-a" });           // default port 11211
    /// ```
    #[wasm_bindgen(js_name = addNode, unchecked_return_type = "RingChange")]
    pub fn add_node(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "NodeOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.addNode", || {
            let id = args::string(&id, "id")?;
            let mut weight = 1.0;
            let mut label = None;
            if let Some(options) = args::options(&options, "options", &["weight", "label"])? {
                if let Some(value) = args::field(&options, "weight")? {
                    weight = args::number(&value, "options.weight")?;
                }
                if let Some(value) = args::field(&options, "label")? {
                    let text = args::string(&value, "options.label")?;
                    if text.is_empty() || text.len() > MAX_ID_BYTES {
                        return Err(Failure::Range(format!(
                            "options.label must be a non-empty string of at most {MAX_ID_BYTES} UTF-8 bytes, got {} bytes",
                            text.len()
                        )));
                    }
                    label = Some(text);
                }
            }
            self.apply(IdSync::Added(&id), |ring| match &label {
                Some(label) => ring.add_node_labelled(&id, weight, label),
                None => ring.add_node(&id, weight),
            })
        })
    }

    /// Adds many nodes at once, in order, all or none, and returns what moved. Much faster than
    /// `addNode` in a loop for big rings. Each entry is an id or `{ id, weight? }`.
    ///
    /// ```js
    /// ring.addNodes(["a", "b", { id: "c", weight: 2 }]);
    /// ```
    #[wasm_bindgen(js_name = addNodes, unchecked_return_type = "RingChange")]
    pub fn add_nodes(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "NodeSpec[]")] nodes: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.addNodes", || {
            let specs = args::node_specs(&nodes, "nodes")?;
            let borrowed: Vec<(&str, f64)> =
                specs.iter().map(|(id, w)| (id.as_str(), *w)).collect();
            self.apply(IdSync::Rebuild, |ring| ring.add_nodes(&borrowed))
        })
    }

    /// Removes a node and its points and returns what moved: its keys go to the next nodes
    /// clockwise. Throws an `Error` (ring unchanged) if the node is not on the ring.
    ///
    /// ```js
    /// ring.removeNode("cache-b").movedFraction;   // ≈ cache-b's share
    /// ```
    #[wasm_bindgen(js_name = removeNode, unchecked_return_type = "RingChange")]
    pub fn remove_node(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.removeNode", || {
            let id = args::string(&id, "id")?;
            self.apply(IdSync::Removed(&id), |ring| ring.remove_node(&id))
        })
    }

    /// Renames a node, keeping its points: they stay hashed from its old label (its old id when
    /// it had none), so no position moves and its keys now report `to`. Returns what moved (its
    /// arcs, from `from` to `to`). Throws (ring unchanged) if `from` is not on the ring or `to`
    /// is not a valid new id.
    ///
    /// ```js
    /// ring.renameNode("10.0.0.1:11211", "10.0.0.9:11211");   // a replaced host, same keys
    /// ```
    #[wasm_bindgen(js_name = renameNode, unchecked_return_type = "RingChange")]
    pub fn rename_node(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] to: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.renameNode", || {
            let from = args::string(&from, "from")?;
            let to = args::string(&to, "to")?;
            self.apply(IdSync::Rebuild, |ring| ring.rename_node(&from, &to))
        })
    }

    /// Changes a node's weight (its point count) and returns what moved.
    ///
    /// ```js
    /// ring.setWeight("cache-a", 3);
    /// ```
    #[wasm_bindgen(js_name = setWeight, unchecked_return_type = "RingChange")]
    pub fn set_weight(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] weight: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.setWeight", || {
            let id = args::string(&id, "id")?;
            let weight = args::number(&weight, "weight")?;
            self.apply(IdSync::Unchanged, |ring| ring.set_weight(&id, weight))
        })
    }

    /// Marks a node down: lookups skip it and its keys fail over to the next live node
    /// clockwise; the ring itself (its points) is unchanged. Returns what moved.
    ///
    /// ```js
    /// ring.markDown("cache-a");   // cache-a's keys now go to their next node
    /// ```
    #[wasm_bindgen(js_name = markDown, unchecked_return_type = "RingChange")]
    pub fn mark_down(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.markDown", || {
            let id = args::string(&id, "id")?;
            self.apply(IdSync::Unchanged, |ring| ring.mark_down(&id))
        })
    }

    /// Marks a node up again: the mapping is exactly what it was before it went down.
    ///
    /// ```js
    /// ring.markUp("cache-a");
    /// ```
    #[wasm_bindgen(js_name = markUp, unchecked_return_type = "RingChange")]
    pub fn mark_up(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.markUp", || {
            let id = args::string(&id, "id")?;
            self.apply(IdSync::Unchanged, |ring| ring.mark_up(&id))
        })
    }

    /// Whether a node is up. Throws an `Error` for a node that is not on the ring.
    #[wasm_bindgen(js_name = isUp)]
    pub fn is_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<bool, JsValue> {
        call("HashRing.isUp", || {
            let id = args::string(&id, "id")?;
            Ok(self.ring.is_up(&id)?)
        })
    }

    /// Whether a node with this id is on the ring (up or down).
    ///
    /// ```js
    /// ring.hasNode("cache-a"); // true
    /// ```
    #[wasm_bindgen(js_name = hasNode)]
    pub fn has_node(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<bool, JsValue> {
        call("HashRing.hasNode", || {
            let id = args::string(&id, "id")?;
            Ok(self.ring.has_node(&id))
        })
    }

    /// The placement scheme: `"sha1"` or `"ketama"`.
    #[wasm_bindgen(getter, unchecked_return_type = "RingScheme")]
    pub fn scheme(&self) -> String {
        self.ring.scheme().name().to_owned()
    }

    /// How many nodes are on the ring, up or down.
    #[wasm_bindgen(getter = nodeCount)]
    pub fn node_count(&self) -> usize {
        self.ring.node_count()
    }

    /// How many nodes are up.
    #[wasm_bindgen(getter = liveCount)]
    pub fn live_count(&self) -> usize {
        self.ring.live_count()
    }

    /// How many points are on the ring (the sum of every node's points).
    #[wasm_bindgen(getter = pointCount)]
    pub fn point_count(&self) -> usize {
        self.ring.point_count()
    }

    /// Points per unit of weight, as given to the constructor.
    #[wasm_bindgen(getter)]
    pub fn vnodes(&self) -> u32 {
        self.ring.vnodes()
    }

    /// The nodes, sorted by id (UTF-8 byte order); a node's index here is its owner index in
    /// `points().owners` and in `nodeForMany`.
    ///
    /// ```js
    /// ring.nodes(); // [{ id: "cache-a", weight: 1, points: 160, up: true }, …]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RingNode[]")]
    pub fn nodes(&self) -> JsValue {
        encode::nodes(self.ring.nodes())
    }
}
