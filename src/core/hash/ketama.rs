//! The `"ketama"` scheme: byte-for-byte the placement of the npm package `hashring` 3.2.0 with its
//! default options (MD5, `vnode count` 40, 4 points per digest, weights).
//!
//! Everything here was checked against hashring's `index.js` (and connection-parse 0.0.7, which
//! parses its server list) and against `tests/golden/ketama-hashring-3.2.0.json`:
//!
//! - **Key position** ([`key_position`]): the little-endian `u32` of bytes 0..4 of MD5(key bytes).
//!   hashring hashes JavaScript strings as UTF-8, so a lone surrogate in a JS key is hashed as
//!   `EF BF BD`; here the caller passes the bytes.
//! - **Points per server** ([`vnodes_for`]): `floor((weight / total) * 40 * servers)` in `f64`,
//!   in that operation order. Equal weights do *not* always give 40: with 7, 14, 28, 49, … equal
//!   servers, `(1/n)*40*n` rounds to just under 40 and every server gets 39 vnodes (156 points).
//!   A server whose share floors to 0 gets no points at all (it is still counted in `servers`
//!   and in the total weight).
//! - **Points of a server** ([`server_points`]): for `i` in `0..vnodes`, `d = MD5(id + "-" + i)`
//!   and the four little-endian `u32`s of `d`, in order `j = 0..4`.
//! - **Continuum**: all points, servers in constructor order, sorted ascending by value with a
//!   *stable* sort (V8's `Array.prototype.sort`, hashring's comparator returns 0 on ties), so tied
//!   points keep insertion order: server order, then vnode `i`, then `j`. Unlike the `"sha1"`
//!   scheme the continuum therefore depends on constructor order when two servers share a point.
//! - **Lookup** ([`Continuum::lookup`]): hashring's "libketama bisection" returns the index `i`
//!   with `p[i-1] < h <= p[i]` (`p[-1] = 0`), or 0 when `h` is above the last point. That is
//!   exactly "the first point ≥ h, wrapping to index 0" (a lower bound); with tied points it is
//!   the first of the tie. `h == 0` gives index 0.
//! - **Range** ([`Continuum::range`]): walk from the lookup index to the end, then from 0 up to
//!   (excluding) the lookup index — each point at most once — collecting distinct server names
//!   (`unique`) or every point's server, stopping at `n` entries.
//!
//! [`Continuum`] is a small reference implementation of the whole ring (used by the vector tests
//! and as executable documentation); the production ring only needs the free functions.

use md5::{Digest, Md5};

use crate::core::number::u32_digits;

/// hashring's default `vnode count`: MD5 digests per server at equal weights.
pub const DEFAULT_VNODES: u32 = 40;

/// Points per MD5 digest (four `u32`s from its 16 bytes; hashring's default `replicas`).
pub const POINTS_PER_VNODE: u32 = 4;

/// A key's position: `d[3]<<24 | d[2]<<16 | d[1]<<8 | d[0]` where `d = MD5(key)`, i.e. the
/// little-endian `u32` of the digest's first four bytes.
///
/// ```
/// use ringlease::core::hash::ketama::key_position;
/// // MD5("") = d41d8cd98f00b204e9800998ecf8427e
/// assert_eq!(key_position(b""), 0xd98c_1dd4);
/// ```
pub fn key_position(key: &[u8]) -> u32 {
    le_u32(&Md5::digest(key), 0)
}

/// The number of vnodes (MD5 digests, each giving [`POINTS_PER_VNODE`] points) hashring gives a
/// server: `Math.floor(percentage * vnodes * servers.length)` with
/// `percentage = weight / total_weight`, evaluated in `f64` in exactly that order —
/// `((weight / total_weight) * vnode_count) * servers` — so the result matches hashring bit for
/// bit, including shares that do not divide evenly (7 equal servers get 39, not 40).
///
/// `total_weight` must be the sum hashring computes: [`total_weight`] of the weights in
/// constructor order. `servers` counts every server, including those that end up with no points.
///
/// Returns 0 when hashring creates no points for the server: when the product floors to 0 (a
/// tiny share), is negative (hashring keeps negative weights; only 0 and `NaN` are coerced to 1
/// by connection-parse when it parses the server list) or is `NaN` (`i < NaN` is false, so its
/// loop never runs). A server with 0 vnodes is absent from the continuum. When every weight is
/// finite and > 0 the result is at most `vnode_count × servers`. Out of that domain the result
/// saturates at `u32::MAX` (e.g. a total of 0 gives `Infinity`, on which hashring loops forever):
/// callers must validate weights first.
///
/// ```
/// use ringlease::core::hash::ketama::{vnodes_for, DEFAULT_VNODES};
/// assert_eq!(vnodes_for(1.0, 3.0, 3, DEFAULT_VNODES), 40);
/// assert_eq!(vnodes_for(1.0, 7.0, 7, DEFAULT_VNODES), 39);
/// assert_eq!(vnodes_for(1.0, 1001.0, 2, DEFAULT_VNODES), 0);
/// ```
pub fn vnodes_for(weight: f64, total_weight: f64, servers: usize, vnode_count: u32) -> u32 {
    let percentage = weight / total_weight;
    let length = (percentage * f64::from(vnode_count) * servers as f64).floor();
    // `as` saturates: NaN and negatives become 0 (hashring's loop does not run), huge values
    // become u32::MAX.
    length as u32
}

/// The total weight exactly as hashring sums it: `servers.reduce((t, s) => t + s.weight, 0)`,
/// i.e. left to right in `f64`, starting from 0.
pub fn total_weight<I: IntoIterator<Item = f64>>(weights: I) -> f64 {
    weights
        .into_iter()
        .fold(0.0, |total, weight| total + weight)
}

/// Appends the `4 × vnodes` points of the server hashed as `id`, in hashring's insertion order:
/// for `i` in `0..vnodes`, `d = MD5(utf8(id + "-" + i))` (`i` in decimal), then for `j` in
/// `0..4` the point `d[3+4j]<<24 | d[2+4j]<<16 | d[1+4j]<<8 | d[4j]`.
///
/// No label string is built: the MD5 state after `id` and `"-"` is computed once and cloned
/// for each vnode.
pub fn server_points(id: &str, vnodes: u32, out: &mut Vec<u32>) {
    out.reserve(vnodes as usize * POINTS_PER_VNODE as usize);
    let mut prefix = Md5::new();
    prefix.update(id.as_bytes());
    prefix.update(b"-");
    let mut digits = [0u8; 10];
    for i in 0..vnodes {
        let mut hasher = prefix.clone();
        hasher.update(u32_digits(i, &mut digits));
        let d = hasher.finalize();
        out.extend((0..4).map(|j| le_u32(&d, 4 * j)));
    }
}

fn le_u32(digest: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([digest[at], digest[at + 1], digest[at + 2], digest[at + 3]])
}

/// A reference hashring 3.2.0 continuum (default options): servers in constructor order, their
/// points sorted ascending by value, ties in insertion order (server, vnode, `j`).
///
/// Weights are taken as hashring holds them after parsing (connection-parse turns a weight of 0
/// or `NaN` into 1 before hashring sees it; this type does not). Repeated names behave as in
/// hashring's array form: each occurrence adds its own points under the same name.
///
/// ```
/// use ringlease::core::hash::ketama::Continuum;
///
/// let ring = Continuum::new(&[("cache-a:11211", 1.0), ("cache-b:11211", 2.0)]);
/// assert_eq!(ring.len(), 4 * (26 + 53));
/// let owner = ring.node_for(b"user:42").unwrap();
/// assert_eq!(ring.range(b"user:42", 2, true)[0], owner);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Continuum {
    /// Distinct server names, in order of first appearance.
    names: Vec<String>,
    /// Vnodes of each constructor entry (parallel to the constructor's slice).
    vnodes: Vec<u32>,
    /// Number of constructor entries (hashring's `servers.length`).
    servers: usize,
    /// Point values, sorted (stable).
    values: Vec<u32>,
    /// Owner of each point: an index into `names`.
    owners: Vec<u32>,
}

impl Continuum {
    /// Builds the continuum of `servers` (`(name, weight)`), each hashed under its own name.
    pub fn new(servers: &[(&str, f64)]) -> Self {
        let labelled: Vec<(&str, &str, f64)> = servers
            .iter()
            .map(|&(name, weight)| (name, name, weight))
            .collect();
        Self::with_hashed_as(&labelled)
    }

    /// Builds the continuum of `servers` given as `(name, hashed_as, weight)`: points are hashed
    /// from `hashed_as` but owned by `name` (hashring hashes the host alone when the server's
    /// port equals its `default port` option).
    pub fn with_hashed_as(servers: &[(&str, &str, f64)]) -> Self {
        let total = total_weight(servers.iter().map(|s| s.2));
        let mut names: Vec<String> = Vec::new();
        let mut vnodes = Vec::with_capacity(servers.len());
        let mut points: Vec<(u32, u32)> = Vec::new();
        let mut buf = Vec::new();
        for &(name, hashed_as, weight) in servers {
            let owner = match names.iter().position(|n| n == name) {
                Some(index) => index,
                None => {
                    names.push(name.to_owned());
                    names.len() - 1
                }
            } as u32;
            let count = vnodes_for(weight, total, servers.len(), DEFAULT_VNODES);
            vnodes.push(count);
            buf.clear();
            server_points(hashed_as, count, &mut buf);
            points.extend(buf.iter().map(|&value| (value, owner)));
        }
        // `sort_by_key` is stable: ties keep insertion order, as V8's sort does for hashring.
        points.sort_by_key(|&(value, _)| value);
        let (values, owners) = points.into_iter().unzip();
        Continuum {
            names,
            vnodes,
            servers: servers.len(),
            values,
            owners,
        }
    }

    /// Number of points on the continuum (hashring's `ring.length`).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the continuum has no points (no servers, or every server got 0 vnodes).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The vnode count of each server, in constructor order (points = 4 × vnodes).
    pub fn vnodes(&self) -> &[u32] {
        &self.vnodes
    }

    /// The sorted point values.
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// The point at `index` as `(value, server name)`, or `None` past the end.
    pub fn point(&self, index: usize) -> Option<(u32, &str)> {
        let value = *self.values.get(index)?;
        Some((value, self.name(index)))
    }

    /// Iterates over all points as `(value, server name)`, in continuum order.
    pub fn points(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        (0..self.len()).map(|i| (self.values[i], self.name(i)))
    }

    fn name(&self, index: usize) -> &str {
        &self.names[self.owners[index] as usize]
    }

    /// The index of the point owning position `h`: hashring's `find`, the libketama bisection
    /// returning `i` with `p[i-1] < h <= p[i]` (`p[-1] = 0`), or 0 when `h` is above the last
    /// point or the ring is empty. Equivalently the first point with value ≥ `h`, wrapping to
    /// 0; for tied points, the first of them (the earliest inserted). `h == 0` gives 0.
    pub fn lookup(&self, h: u32) -> usize {
        let index = self.values.partition_point(|&value| value < h);
        if index == self.values.len() {
            0
        } else {
            index
        }
    }

    /// The server owning `key` (its bytes, as hashring's UTF-8 encoding of the key), or `None`
    /// when the continuum is empty.
    pub fn node_for(&self, key: &[u8]) -> Option<&str> {
        if self.is_empty() {
            return None;
        }
        Some(self.name(self.lookup(key_position(key))))
    }

    /// hashring's `range(key, n, unique)`: from the key's point, walk to the end of the
    /// continuum, then from its start back up to the key's point (so each point is visited at
    /// most once), collecting each distinct server name (`unique`) or every point's server
    /// (`!unique`), and stop once `n` are collected.
    ///
    /// As in hashring, `n == 0` means "the number of servers given to the constructor", and the
    /// result is shorter than `n` when the walk runs out: `unique` yields at most the number of
    /// servers that have points, `!unique` at most [`len`](Self::len) entries. Empty continuum:
    /// empty result.
    pub fn range(&self, key: &[u8], n: usize, unique: bool) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        if self.is_empty() {
            return out;
        }
        let n = if n == 0 { self.servers } else { n };
        let start = self.lookup(key_position(key));
        let mut seen = vec![false; self.names.len()];
        for index in (start..self.len()).chain(0..start) {
            let owner = self.owners[index] as usize;
            if unique {
                if seen[owner] {
                    continue;
                }
                seen[owner] = true;
            }
            out.push(&self.names[owner]);
            if out.len() == n {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A literal port of hashring 3.2.0's `HashRing.prototype.find`.
    fn hashring_find(ring: &[u32], h: u32) -> usize {
        let size = ring.len() as i64;
        let (mut low, mut high) = (0i64, size);
        loop {
            let mid = (low + high) >> 1;
            if mid == size {
                return 0;
            }
            let middle = ring[mid as usize];
            let prev = if mid == 0 { 0 } else { ring[mid as usize - 1] };
            if h <= middle && h > prev {
                return mid as usize;
            }
            if middle < h {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
            if low > high {
                return 0;
            }
        }
    }

    #[test]
    fn key_position_is_little_endian_md5_prefix() {
        // RFC 1321 test suite.
        assert_eq!(hex(&Md5::digest(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(key_position(b""), 0xd98c_1dd4);
        assert_eq!(hex(&Md5::digest(b"a")), "0cc175b9c0f1b6a831c399e269772661");
        assert_eq!(key_position(b"a"), 0xb975_c10c);
        assert_eq!(
            hex(&Md5::digest(b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(key_position(b"abc"), 0x9850_0190);
        // From the vectors: keys[0] = "" hashes to 3649838548 = 0xd98c1dd4.
        assert_eq!(key_position(b""), 3_649_838_548);
    }

    #[test]
    fn vnodes_for_matches_hashring() {
        // The weighted vector ring: weights {1,2,3,1,5} give 16, 33, 50, 16, 83 vnodes.
        let weights = [1.0, 2.0, 3.0, 1.0, 5.0];
        let total = total_weight(weights);
        assert_eq!(total, 12.0);
        let got: Vec<u32> = weights
            .iter()
            .map(|&w| vnodes_for(w, total, weights.len(), DEFAULT_VNODES))
            .collect();
        assert_eq!(got, [16, 33, 50, 16, 83]);
        // Equal weights: 40 for most counts, 39 when (1/n)*40*n rounds below 40.
        assert_eq!(vnodes_for(1.0, 3.0, 3, DEFAULT_VNODES), 40);
        assert_eq!(vnodes_for(1.0, 100.0, 100, DEFAULT_VNODES), 40);
        for n in [7usize, 14, 28, 49, 56, 98, 103] {
            assert_eq!(vnodes_for(1.0, n as f64, n, DEFAULT_VNODES), 39, "n = {n}");
        }
        // Shares that floor to nothing, and hashring's handling of odd weights.
        assert_eq!(vnodes_for(1.0, 1001.0, 2, DEFAULT_VNODES), 0);
        assert_eq!(vnodes_for(1000.0, 1001.0, 2, DEFAULT_VNODES), 79);
        // {a: -1, b: 2, c: 0 -> 1}: total 2, a gets nothing, b 120, c 60 (checked in Node).
        let total = total_weight([-1.0, 2.0, 1.0]);
        assert_eq!(vnodes_for(-1.0, total, 3, DEFAULT_VNODES), 0);
        assert_eq!(vnodes_for(2.0, total, 3, DEFAULT_VNODES), 120);
        assert_eq!(vnodes_for(1.0, total, 3, DEFAULT_VNODES), 60);
        assert_eq!(vnodes_for(f64::NAN, 1.0, 1, DEFAULT_VNODES), 0);
        assert_eq!(vnodes_for(1.0, 0.0, 1, DEFAULT_VNODES), u32::MAX);
    }

    #[test]
    fn server_points_match_the_continuum_vectors() {
        // ketama-3-equal continuum[0] = [3244613, "cache-b.example:11211"] and
        // continuum[1] = [8431098, "cache-c.example:11211"].
        let mut b = Vec::new();
        server_points("cache-b.example:11211", 40, &mut b);
        assert_eq!(b.len(), 160);
        assert_eq!(b.iter().min(), Some(&3_244_613));
        let mut c = Vec::new();
        server_points("cache-c.example:11211", 40, &mut c);
        assert!(c.contains(&8_431_098));
        // Vnodes are a prefix: fewer vnodes give the first points of the same sequence.
        let mut c16 = Vec::new();
        server_points("cache-c.example:11211", 16, &mut c16);
        assert_eq!(c16[..], c[..64]);
        // Point i*4+j comes from MD5("{id}-{i}") bytes 4j..4j+4, little-endian.
        let d = Md5::digest(b"cache-c.example:11211-13");
        for j in 0..4 {
            assert_eq!(c[13 * 4 + j], le_u32(&d, 4 * j));
        }
        let mut none = Vec::new();
        server_points("x", 0, &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn decimal_matches_format() {
        let mut buf = [0u8; 10];
        for value in [0, 7, 10, 39, 12345, u32::MAX] {
            assert_eq!(u32_digits(value, &mut buf), value.to_string().as_bytes());
        }
    }

    #[test]
    fn ties_keep_constructor_order() {
        // MD5("node-546-28") and MD5("node-699-28") share their first u32 (1410088479). In
        // hashring 3.2.0 (Node 20) the tie is ordered by constructor order, at index 121 of
        // the 320-point ring, and find(1410088479) returns 121 (the first of the tie).
        const TIE: u32 = 1_410_088_479;
        for (first, second) in [("node-546", "node-699"), ("node-699", "node-546")] {
            let ring = Continuum::new(&[(first, 1.0), (second, 1.0)]);
            assert_eq!(ring.len(), 320);
            assert_eq!(ring.point(121), Some((TIE, first)));
            assert_eq!(ring.point(122), Some((TIE, second)));
            assert_eq!(ring.lookup(TIE), 121);
            assert_eq!(ring.lookup(TIE - 1), 121);
            assert_eq!(ring.lookup(TIE + 1), 123);
            assert_eq!(hashring_find(ring.values(), TIE), 121);
        }
    }

    #[test]
    fn lookup_is_hashring_find() {
        let rings = [
            Continuum::new(&[("node-546", 1.0), ("node-699", 1.0)]),
            Continuum::new(&[("a", 1.0), ("b", 2.0), ("c", 3.0)]),
            Continuum::new(&[("solo", 1.0)]),
        ];
        for ring in &rings {
            let values = ring.values();
            let mut probes = vec![0, 1, u32::MAX, u32::MAX - 1];
            for &v in values {
                probes.extend([v.wrapping_sub(1), v, v.wrapping_add(1)]);
            }
            for h in probes {
                assert_eq!(ring.lookup(h), hashring_find(values, h), "h = {h}");
            }
            assert_eq!(ring.lookup(0), 0);
            assert_eq!(ring.lookup(values[0]), 0);
            assert_eq!(ring.lookup(*values.last().unwrap()), values.len() - 1);
            assert_eq!(ring.lookup(values.last().unwrap() + 1), 0);
        }
        // Duplicated values (a repeated server name) and a value of 0 on the ring.
        for values in [vec![0, 0, 5, 5, 5, 9], vec![3, 3, 3], vec![0], vec![1, 2]] {
            for h in 0..12 {
                let expected = values.partition_point(|&v| v < h);
                let expected = if expected == values.len() {
                    0
                } else {
                    expected
                };
                assert_eq!(hashring_find(&values, h), expected, "{values:?} h = {h}");
            }
        }
        assert_eq!(hashring_find(&[], 5), 0);
    }

    #[test]
    fn zero_vnode_servers_and_ranges() {
        // hashring({a: 1, b: 1000}): a gets floor(1/1001*40*2) = 0 vnodes and vanishes.
        let ring = Continuum::new(&[("a", 1.0), ("b", 1000.0)]);
        assert_eq!(ring.vnodes(), [0, 79]);
        assert_eq!(ring.len(), 316);
        assert_eq!(ring.range(b"k", 0, true), ["b"]);
        // n == 0 means servers.length (2): non-unique stops at 2.
        assert_eq!(ring.range(b"k", 0, false).len(), 2);
        assert_eq!(ring.range(b"k", 3, true), ["b"]);
        // Non-unique walks each point once at most.
        assert_eq!(ring.range(b"k", 10_000, false).len(), 316);
    }

    #[test]
    fn range_wraps_once_from_the_lookup_index() {
        let ring = Continuum::new(&[("a", 1.0), ("b", 1.0), ("c", 1.0)]);
        for key in [&b"x"[..], b"", b"user:1", b"zzz"] {
            let start = ring.lookup(key_position(key));
            let all = ring.range(key, usize::MAX, false);
            let expected: Vec<&str> = (start..ring.len())
                .chain(0..start)
                .map(|i| ring.point(i).unwrap().1)
                .collect();
            assert_eq!(all, expected);
            assert_eq!(ring.range(key, 1, true)[0], ring.node_for(key).unwrap());
            let unique = ring.range(key, 0, true);
            assert_eq!(unique.len(), 3);
            let mut sorted = unique.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, ["a", "b", "c"]);
        }
    }

    #[test]
    fn repeated_names_and_empty_rings() {
        // hashring(["a", "a", "b"]): 480 points (a's twice), range gives the two names.
        let ring = Continuum::new(&[("a", 1.0), ("a", 1.0), ("b", 1.0)]);
        assert_eq!(ring.len(), 480);
        assert_eq!(ring.range(b"k", 0, true).len(), 2);
        let empty = Continuum::new(&[]);
        assert!(empty.is_empty());
        assert_eq!(empty.node_for(b"k"), None);
        assert!(empty.range(b"k", 3, true).is_empty());
        assert_eq!(empty.lookup(7), 0);
        assert_eq!(empty.point(0), None);
    }
}
