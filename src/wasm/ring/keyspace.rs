//! `HashRing` over the keyspace: each node's share, key counts, moves between rings and
//! bounded-load assignment.

use js_sys::{Array, Map};
use wasm_bindgen::prelude::*;

use super::persist;
use super::JsHashRing;
use crate::core::ring::{RingChange, NO_NODE};
use crate::wasm::args;
use crate::wasm::call::call;
use crate::wasm::encode;
use crate::wasm::keys;

#[wasm_bindgen(js_class = HashRing)]
impl JsHashRing {
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
}
