//! `HashRing` for JavaScript: a thin wrapper over [`crate::core::ring::HashRing`].

use js_sys::{Array, Map, Uint32Array};
use wasm_bindgen::prelude::*;

use super::args;
use super::call::{call, Failure};
use super::encode;
use super::keys;
use super::persist;
use crate::core::balance::NO_NODE;
use crate::core::ring::{HashRing, MAX_ID_BYTES, MAX_VNODES};
use crate::core::{RingChange, RingError, Scheme};

/// A consistent-hashing ring: which node owns a key, which nodes back it up, and what moves when
/// membership or health changes.
///
/// Placement is deterministic and identical natively, in Node and in every browser. Default
/// scheme `"sha1"`: a node with weight `w` gets `max(1, round(vnodes × w))` points labelled
/// `"{id}#{i}"`; a point's (and a key's) position is the big-endian u32 of the first 4 bytes of
/// SHA-1 of its UTF-8 bytes; a key belongs to the first point at or after its position, wrapping.
/// Scheme `"ketama"` places exactly like the npm package `hashring` 3.2.0.
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
pub struct JsHashRing {
    ring: HashRing,
    /// The node ids as JS strings, parallel to `ring.nodes()`: lookups hand these back instead
    /// of decoding a fresh string on every call.
    ids: Vec<JsValue>,
    /// Bumped whenever `ids` changes, so a JS-side copy of them (see `js/index.js`) can tell
    /// when it is stale.
    ids_generation: u32,
}

impl JsHashRing {
    pub(crate) fn from_core(ring: HashRing) -> JsHashRing {
        let ids = ring
            .nodes()
            .iter()
            .map(|n| JsValue::from_str(&n.id))
            .collect();
        JsHashRing {
            ring,
            ids,
            ids_generation: 0,
        }
    }

    fn id(&self, index: usize) -> JsValue {
        self.ids.get(index).cloned().unwrap_or(JsValue::UNDEFINED)
    }

    /// Applies a change to the core ring, keeps `ids` in step with its node list, and encodes
    /// the reported `RingChange`.
    fn apply(
        &mut self,
        ids: IdSync<'_>,
        change: impl FnOnce(&mut HashRing) -> Result<RingChange, RingError>,
    ) -> Result<JsValue, Failure> {
        let removed = match ids {
            IdSync::Removed(id) => self.ring.index_of(id),
            _ => None,
        };
        let change = change(&mut self.ring)?;
        match ids {
            IdSync::Added(id) => {
                if let Some(index) = self.ring.index_of(id) {
                    self.ids
                        .insert(index.min(self.ids.len()), JsValue::from_str(id));
                }
            }
            IdSync::Removed(_) => {
                if let Some(index) = removed.filter(|&i| i < self.ids.len()) {
                    self.ids.remove(index);
                }
            }
            IdSync::Rebuild => {
                self.ids = self
                    .ring
                    .nodes()
                    .iter()
                    .map(|n| JsValue::from_str(&n.id))
                    .collect();
            }
            IdSync::Unchanged => {}
        }
        if !matches!(ids, IdSync::Unchanged) {
            self.ids_generation = self.ids_generation.wrapping_add(1);
        }
        Ok(encode::change(&change))
    }
}

/// [`JsHashRing::owner_index_js`]: no node is up (`nodeFor` returns `undefined`).
const OWNER_NONE: i32 = -1;
/// [`JsHashRing::owner_index_js`]: the caller's copy of the ids is out of date.
const OWNER_STALE: i32 = -2;
/// [`JsHashRing::owner_index_js`]: the key needs the checked path (`nodeFor`), which also
/// throws its error.
const OWNER_CHECKED: i32 = -3;

/// How a change affects the node list, so the cached JS ids can follow cheaply.
enum IdSync<'a> {
    Added(&'a str),
    Removed(&'a str),
    Rebuild,
    Unchanged,
}

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

    /// The live node that owns `key`, or `undefined` when no node is up.
    ///
    /// ```js
    /// const shard = ring.nodeFor("order:1234");
    /// ```
    #[wasm_bindgen(js_name = nodeFor, unchecked_return_type = "string | undefined")]
    pub fn node_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.nodeFor", || {
            let owner = keys::with_key(&key, "key", |key| self.ring.owner_index(key))?;
            Ok(owner.map_or(JsValue::UNDEFINED, |index| self.id(index)))
        })
    }

    /// `nodeFor`'s fast path, for the package's JS entry (`js/index.js`), which writes the key
    /// into wasm memory itself (see [`Self::key_writer`]) and keeps its own copy of the node
    /// ids, so neither the key nor the owner's id crosses the boundary as a string: the owner
    /// of the `keyLength`-byte key as an index into `nodes()` when `generation` is
    /// [`Self::ids_generation`], else [`OWNER_NONE`], [`OWNER_STALE`] or [`OWNER_CHECKED`].
    #[wasm_bindgen(js_name = __ownerIndex, skip_typescript)]
    pub fn owner_index_js(&self, key_length: u32, generation: u32) -> i32 {
        if generation != self.ids_generation {
            return OWNER_STALE;
        }
        match keys::with_js_key(key_length, |key| self.ring.owner_index(key)) {
            Some(Some(index)) => i32::try_from(index).unwrap_or(OWNER_CHECKED),
            Some(None) => OWNER_NONE,
            None => OWNER_CHECKED,
        }
    }

    /// `[writeKey, ptr, cap]` for the JS entry's `nodeFor` (see [`keys::js_key_writer`]).
    #[wasm_bindgen(js_name = __keyWriter, skip_typescript)]
    pub fn key_writer() -> Array {
        keys::js_key_writer()
    }

    /// The node ids in `nodes()` order, for the JS entry's copy (see [`Self::owner_index_js`]).
    #[wasm_bindgen(js_name = __ids, skip_typescript)]
    pub fn ids_js(&self) -> Array {
        self.ids.iter().collect()
    }

    /// Changes whenever the node list does (see [`Self::owner_index_js`]).
    #[wasm_bindgen(getter, js_name = __idsGeneration, skip_typescript)]
    pub fn ids_generation(&self) -> u32 {
        self.ids_generation
    }

    /// The owner of every key, as indexes into `nodes()` in one `Uint32Array` (one boundary
    /// crossing for the whole batch); `4294967295` where no node is up. Like every batch method
    /// (`distribution`, `movedKeys`, `assignBounded`), it takes at most 2^24 keys: a longer
    /// array, sparse or not, is a `RangeError`, and a hole a `TypeError` naming its index.
    ///
    /// ```js
    /// const ids = ring.nodes().map((n) => n.id);
    /// const owners = ring.nodeForMany(keys);   // ids[owners[i]] owns keys[i]
    /// ```
    #[wasm_bindgen(js_name = nodeForMany)]
    pub fn node_for_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] keys: JsValue,
    ) -> Result<Uint32Array, JsValue> {
        call("HashRing.nodeForMany", || {
            let owners = keys::fold_keys(
                &keys,
                "keys",
                |_| Ok(Vec::new()),
                |owners: &mut Vec<u32>, chunk| self.ring.owner_indexes_into(chunk, owners),
            )?;
            Ok(Uint32Array::from(owners.as_slice()))
        })
    }

    /// Up to `n` distinct live nodes for `key`, the owner first, then the next distinct live
    /// nodes clockwise: a replica or preference list of length `min(n, liveCount)`.
    ///
    /// ```js
    /// const [primary, backup] = ring.nodesFor("cart:7", 2);
    /// ```
    #[wasm_bindgen(js_name = nodesFor, unchecked_return_type = "string[]")]
    pub fn nodes_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<Array, JsValue> {
        call("HashRing.nodesFor", || {
            let position = keys::with_key(&key, "key", |key| self.ring.position_of(key))?;
            let n = args::count(args::number(&n, "n")?, "n")?;
            Ok(self
                .ring
                .replica_indexes(position, n)
                .into_iter()
                .map(|index| self.id(index as usize))
                .collect())
        })
    }

    /// The ring position of `key` (sha1: the big-endian u32 of the first 4 bytes of
    /// SHA-1(UTF-8 key); ketama: hashring's little-endian MD5 word).
    ///
    /// ```js
    /// ring.positionOf("abc"); // 2845392438 (0xa9993e36) on a sha1 ring
    /// ```
    #[wasm_bindgen(js_name = positionOf)]
    pub fn position_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<u32, JsValue> {
        call("HashRing.positionOf", || {
            keys::with_key(&key, "key", |key| self.ring.position_of(key))
        })
    }

    /// Every point for drawing, as typed arrays (no per-point objects): `positions` ascending and
    /// `owners[i]`, the index in `nodes()` of the node that owns point `i` (down nodes keep
    /// their points; check `nodes()[i].up`).
    ///
    /// ```js
    /// const { positions, owners } = ring.points();
    /// const angle = (positions[0] / 2 ** 32) * 2 * Math.PI;
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RingPoints")]
    pub fn points(&self) -> JsValue {
        encode::points(self.ring.positions(), self.ring.owners())
    }

    /// The exact fraction of the keyspace each node owns, health included (a down node owns 0;
    /// its arcs count for the next live node). The values sum to 1 while a node is up.
    ///
    /// ```js
    /// for (const [id, share] of ring.ownership()) console.log(id, (share * 100).toFixed(2) + "%");
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Map<string, number>")]
    pub fn ownership(&self) -> Map {
        let map = Map::new();
        for (index, share) in self.ring.ownership().into_iter().enumerate() {
            map.set(&self.id(index), &JsValue::from_f64(share));
        }
        map
    }

    /// How many of `keys` each node owns (every node listed, zeros included).
    ///
    /// ```js
    /// ring.distribution(["a", "b", "c"]); // Map { "cache-a" => 2, "cache-b" => 1 }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Map<string, number>")]
    pub fn distribution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] keys: JsValue,
    ) -> Result<Map, JsValue> {
        call("HashRing.distribution", || {
            let counts = keys::fold_keys(
                &keys,
                "keys",
                |_| Ok(vec![0u64; self.ring.node_count()]),
                |counts: &mut Vec<u64>, chunk| self.ring.count_owners_into(chunk, counts),
            )?;
            let map = Map::new();
            for (index, count) in counts.into_iter().enumerate() {
                map.set(&self.id(index), &JsValue::from_f64(count as f64));
            }
            Ok(map)
        })
    }

    /// The keys whose owner differs between this ring and `other` (in `keys` order). `other` is
    /// another `HashRing` (or a saved `toJSON()` object); it is read through its `toJSON()`.
    ///
    /// ```js
    /// const next = HashRing.fromJSON(ring.toJSON());
    /// next.addNode("cache-z");
    /// ring.movedKeys(keys, next);   // the keys cache-z took
    /// ```
    #[wasm_bindgen(js_name = movedKeys, unchecked_return_type = "string[]")]
    pub fn moved_keys(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] keys: JsValue,
        #[wasm_bindgen(unchecked_param_type = "HashRing | RingJSON")] other: JsValue,
    ) -> Result<Array, JsValue> {
        call("HashRing.movedKeys", || {
            args::array_length(&keys, "keys", keys::MAX_BATCH_KEYS)?;
            let other = persist::ring_argument(&other, "other")?;
            // The moved keys are made from the bytes that were hashed (UTF-8 of a well-formed
            // string, so the same string), never read from the array a second time.
            keys::fold_keys(
                &keys,
                "keys",
                |_| Ok(Array::new()),
                |moved: &mut Array, chunk| {
                    let chunk_keys: Vec<&[u8]> = chunk.collect();
                    for index in self.ring.moved_keys(&other, chunk_keys.iter().copied()) {
                        let key = String::from_utf8_lossy(
                            chunk_keys.get(index).copied().unwrap_or_default(),
                        );
                        moved.push(&JsValue::from_str(&key));
                    }
                },
            )
        })
    }

    /// What would move going from this ring to `other` (another `HashRing`, or a saved
    /// `toJSON()` object): the same `RingChange` a membership call reports, for any two rings —
    /// e.g. after changing the vnode count or the scheme.
    ///
    /// ```js
    /// const finer = new HashRing({ vnodes: 320, nodes: ring.nodes().map((n) => n.id) });
    /// ring.diff(finer).movedFraction;   // how much of the keyspace a vnode change moves
    /// ```
    #[wasm_bindgen(unchecked_return_type = "RingChange")]
    pub fn diff(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HashRing | RingJSON")] other: JsValue,
    ) -> Result<JsValue, JsValue> {
        call("HashRing.diff", || {
            let other = persist::ring_argument(&other, "other")?;
            Ok(encode::change(&RingChange::between(&self.ring, &other)))
        })
    }

    /// Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam): assigns `keys`
    /// in order so that no node receives more than `ceil((1 + epsilon) · keys.length / n)`
    /// (`n` live nodes); each key goes to the first node clockwise that is below that cap.
    /// Returns the node of each key. `epsilon` must be a finite number > 0.
    ///
    /// ```js
    /// const nodes = ring.assignBounded(sessionIds, 0.25);   // max load ≤ 1.25 × average
    /// ```
    #[wasm_bindgen(js_name = assignBounded, unchecked_return_type = "string[]")]
    pub fn assign_bounded(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] keys: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] epsilon: JsValue,
    ) -> Result<Array, JsValue> {
        call("HashRing.assignBounded", || {
            let epsilon = args::number(&epsilon, "epsilon")?;
            let (assigner, assigned) = keys::fold_keys(
                &keys,
                "keys",
                // A bad epsilon or a ring with no live node is reported once every key is checked.
                |length| {
                    Ok((
                        self.ring.bounded_assigner(length as usize, epsilon),
                        Array::new(),
                    ))
                },
                |(assigner, assigned), chunk| {
                    let Ok(assigner) = assigner else {
                        return; // the chunk's keys were checked before it was handed over
                    };
                    for position in self.ring.positions_of(chunk) {
                        let owner = assigner.assign(position);
                        let id = if owner == NO_NODE {
                            JsValue::UNDEFINED
                        } else {
                            self.id(owner as usize)
                        };
                        assigned.push(&id);
                    }
                },
            )?;
            assigner?;
            Ok(assigned)
        })
    }

    /// The whole ring as a plain, JSON-ready object (scheme, vnodes, and the nodes with their
    /// weights and health, in insertion order); `JSON.stringify(ring)` uses it.
    ///
    /// ```js
    /// localStorage.ring = JSON.stringify(ring);
    /// const again = HashRing.fromJSON(localStorage.ring);
    /// ```
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "RingJSON")]
    pub fn to_json(&self) -> JsValue {
        persist::to_json(&self.ring)
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
            Ok(JsHashRing::from_core(persist::from_json(&json)?))
        })
    }
}
