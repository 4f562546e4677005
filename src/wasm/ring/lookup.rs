//! `HashRing`'s lookups: keys to nodes, one at a time or in a batch, and the hidden exports
//! behind the JS entry's `nodeFor` (`js/index.js`).

use js_sys::{Array, Uint32Array};
use wasm_bindgen::prelude::*;

use super::{JsHashRing, OWNER_CHECKED, OWNER_NONE, OWNER_STALE};
use crate::wasm::args;
use crate::wasm::call::call;
use crate::wasm::encode;
use crate::wasm::keys;

#[wasm_bindgen(js_class = HashRing)]
impl JsHashRing {
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
}
