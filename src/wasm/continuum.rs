//! `KetamaRing` for JavaScript: a thin wrapper over [`crate::core::ring::continuum::KetamaRing`], the
//! engine of the `ringlease/hashring` drop-in (`js/hashring.js`), which parses hashring's
//! server lists and options and hands this class labels, digest counts and owners.

use js_sys::{Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args;
use super::call::{call, Failure};
use super::keys;
use crate::core::ring::continuum::{KetamaDigest, KetamaRing, KetamaServer};
use crate::core::ring::{MAX_POINTS, MAX_POINTS_PER_DIGEST};

/// [`JsKetamaRing::owner_js`]: the ring is empty (hashring's `get` returns `undefined`).
const OWNER_NONE: i32 = -1;
/// [`JsKetamaRing::owner_js`]: the key needs the checked path (`ownerOf`).
const OWNER_CHECKED: i32 = -3;

/// A ketama continuum with hashring 3.2.0's placement options: MD5 or SHA-1, 1 to 4 points per
/// digest, a digest count, hashed label and owner number per server. Points are sorted by
/// position with ties in server order. Most code wants `ringlease/hashring` (hashring's API on
/// top of this class) or `HashRing` with `scheme: "ketama"`; this is the building block.
///
/// ```js
/// import { KetamaRing } from "ringlease";
/// // Python hash_ring: 3 points per MD5 digest, 40 digests per server.
/// const ring = new KetamaRing("md5", 3, ["10.0.0.1:11211", "10.0.0.2:11211"],
///                             new Uint32Array([40, 40]), new Uint32Array([0, 1]));
/// ring.ownerOf("user:42");   // 0 or 1
/// ring.size;                 // 240
/// ```
#[wasm_bindgen(js_name = KetamaRing)]
pub struct JsKetamaRing {
    ring: KetamaRing,
}

#[wasm_bindgen(js_class = KetamaRing)]
impl JsKetamaRing {
    /// Builds the continuum: server `i` is hashed as `labels[i]` (`"{label}-{n}"` for each
    /// digest `n`), gets `digests[i]` digests of `pointsPerDigest` points each, and its points
    /// belong to `owners[i]`. `algorithm` is `"md5"` or `"sha1"`; `pointsPerDigest` an integer
    /// in 1..=4. More than 2^20 points throw a `RangeError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "\"md5\" | \"sha1\"")] algorithm: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] points_per_digest: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] labels: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array")] digests: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array")] owners: JsValue,
    ) -> Result<JsKetamaRing, JsValue> {
        call("new KetamaRing", || {
            let name = args::string(&algorithm, "algorithm")?;
            let digest = KetamaDigest::from_name(&name).ok_or_else(|| {
                Failure::Type(format!(
                    "algorithm must be \"md5\" or \"sha1\", got {}",
                    args::describe(&algorithm)
                ))
            })?;
            let per_digest = args::integer_in(
                &points_per_digest,
                "pointsPerDigest",
                1,
                MAX_POINTS_PER_DIGEST,
            )?;
            let labels = args::strings(&labels, "labels", crate::core::ring::MAX_POINTS)?;
            let digests = u32_array(&digests, "digests", MAX_POINTS)?;
            let owners = u32_array(&owners, "owners", MAX_POINTS)?;
            if digests.len() != labels.len() || owners.len() != labels.len() {
                return Err(Failure::Range(format!(
                    "labels, digests and owners must have the same length, got {}, {} and {}",
                    labels.len(),
                    digests.len(),
                    owners.len()
                )));
            }
            let servers: Vec<KetamaServer<'_>> = labels
                .iter()
                .zip(digests.iter().zip(&owners))
                .map(|(label, (&digests, &owner))| KetamaServer {
                    label,
                    digests,
                    owner,
                })
                .collect();
            Ok(JsKetamaRing {
                ring: KetamaRing::build(digest, per_digest, &servers)?,
            })
        })
    }

    /// `"md5"` or `"sha1"`.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.ring.digest().name().to_owned()
    }

    /// Points per digest (1..=4).
    #[wasm_bindgen(getter = pointsPerDigest)]
    pub fn points_per_digest(&self) -> u32 {
        self.ring.points_per_digest()
    }

    /// How many points the ring holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.ring.len()
    }

    /// The position of `key` (a well-formed string): the little-endian u32 of its digest's
    /// first four bytes.
    #[wasm_bindgen(js_name = positionOf)]
    pub fn position_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<u32, JsValue> {
        call("KetamaRing.positionOf", || {
            let key = args::string(&key, "key")?;
            Ok(self.ring.key_position(key.as_bytes()))
        })
    }

    /// The full digest of `key` (16 bytes for MD5, 20 for SHA-1): hashring's `hash(key)`.
    pub fn digest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        call("KetamaRing.digest", || {
            let key = args::string(&key, "key")?;
            Ok(Uint8Array::from(
                self.ring.digest().digest(key.as_bytes()).as_slice(),
            ))
        })
    }

    /// The owner of `key`'s point, or -1 on an empty ring.
    #[wasm_bindgen(js_name = ownerOf)]
    pub fn owner_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<f64, JsValue> {
        call("KetamaRing.ownerOf", || {
            let key = args::string(&key, "key")?;
            Ok(self.ring.owner_of(key.as_bytes()).map_or(-1.0, f64::from))
        })
    }

    /// `ownerOf`'s fast path for `js/hashring.js`, which writes the key into wasm memory itself
    /// (see `__keyWriter`): the owner of the `keyLength`-byte key, [`OWNER_NONE`] on an empty
    /// ring, or [`OWNER_CHECKED`] (use `ownerOf`).
    #[wasm_bindgen(js_name = __owner, skip_typescript)]
    pub fn owner_js(&self, key_length: u32) -> i32 {
        match keys::with_js_key(key_length, |key| self.ring.owner_of(key)) {
            Some(Some(owner)) => i32::try_from(owner).unwrap_or(OWNER_CHECKED),
            Some(None) => OWNER_NONE,
            None => OWNER_CHECKED,
        }
    }

    /// `[writeKey, ptr, cap]`: the key writer shared with `HashRing`'s fast path.
    #[wasm_bindgen(js_name = __keyWriter, skip_typescript)]
    pub fn key_writer() -> Array {
        keys::js_key_writer()
    }

    /// hashring's `find`: the index of the first point at or after `position` (an integer in
    /// 0..2^32), wrapping to 0; 0 on an empty ring.
    pub fn lookup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] position: JsValue,
    ) -> Result<usize, JsValue> {
        call("KetamaRing.lookup", || {
            let position = args::number(&position, "position")?;
            if position.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&position) {
                return Err(Failure::Range(format!(
                    "position must be an integer in 0..=4294967295, got {}",
                    crate::core::number::js_number(position)
                )));
            }
            Ok(self.ring.lookup(position as u32))
        })
    }

    /// hashring's `range` from point `start`: the owners of the points from `start` around the
    /// ring once, every one or (`unique`) each owner once, at most `n` of them.
    pub fn walk(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] start: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
        unique: bool,
    ) -> Result<Uint32Array, JsValue> {
        call("KetamaRing.walk", || {
            let start = args::count(args::number(&start, "start")?, "start")?;
            let n = args::count(args::number(&n, "n")?, "n")?;
            Ok(Uint32Array::from(
                self.ring.walk(start, n, unique).as_slice(),
            ))
        })
    }

    /// Gives every point of owner `from` to owner `to` in place (no point moves); returns how
    /// many points changed owner.
    #[wasm_bindgen(js_name = renameOwner)]
    pub fn rename_owner(&mut self, from: u32, to: u32) -> usize {
        self.ring.rename_owner(from, to)
    }

    /// Whether `owner` has at least one point.
    #[wasm_bindgen(js_name = hasOwner)]
    pub fn has_owner(&self, owner: u32) -> bool {
        self.ring.has_owner(owner)
    }

    /// Point positions, ascending (a copy).
    pub fn positions(&self) -> Uint32Array {
        Uint32Array::from(self.ring.positions())
    }

    /// The owner of each point, parallel to `positions()` (a copy).
    pub fn owners(&self) -> Uint32Array {
        Uint32Array::from(self.ring.owners())
    }
}

/// A `Uint32Array` argument of at most `max` elements, copied out. The `Uint32Array` constructor
/// copies a genuine one (a subclass too) from its internal slots, running no code of the
/// caller's, and refuses anything else through a catching call (a Proxy, a look-alike with
/// `Uint32Array.prototype`); so an own or inherited `length` can neither throw through wasm nor
/// make the copy disagree with its length.
fn u32_array(value: &JsValue, name: &str, max: usize) -> Result<Vec<u32>, Failure> {
    let refuse = || {
        Failure::Type(format!(
            "{name} must be a Uint32Array, got {}",
            args::describe(value)
        ))
    };
    if value.dyn_ref::<Uint32Array>().is_none() {
        return Err(refuse());
    }
    let copy = Copy::new(value).map_err(|_| refuse())?;
    let length = copy.length() as usize;
    if length > max {
        return Err(Failure::Range(format!(
            "{name} must have at most {max} elements, got {length}"
        )));
    }
    Ok(copy.to_vec())
}

#[wasm_bindgen]
extern "C" {
    /// A `Uint32Array` made here, by [`Copy::new`].
    #[wasm_bindgen(js_name = Uint32Array, extends = Uint32Array)]
    type Copy;
    /// `new Uint32Array(value)`, caught.
    #[wasm_bindgen(constructor, js_class = Uint32Array, catch)]
    fn new(value: &JsValue) -> Result<Copy, JsValue>;
}
