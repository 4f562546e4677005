//! `HashRing` for JavaScript: a thin wrapper over [`crate::core::ring::HashRing`], one file per
//! group of methods: `membership` (construction, nodes and health), `lookup` (keys to nodes, and
//! the JS entry's fast path), `keyspace` (shares, batches, moves) and `persist` (`toJSON`,
//! `fromJSON`, and reading a ring argument). Its TypeScript types are in `hash_ring.d.ts`.

use wasm_bindgen::prelude::*;

use crate::core::ring::{HashRing, RingChange, RingError};
use crate::wasm::call::Failure;
use crate::wasm::encode;

mod keyspace;
mod lookup;
mod membership;
mod persist;

#[wasm_bindgen(typescript_custom_section)]
const TS_RING_TYPES: &'static str = include_str!("hash_ring.d.ts");

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
