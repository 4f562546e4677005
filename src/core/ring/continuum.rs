//! A ketama continuum with every placement option of the npm package `hashring` 3.2.0: the
//! engine of the `ringlease/hashring` drop-in.
//!
//! [`super::ketama`] holds hashring's default placement (MD5, 4 points per digest, the weighted
//! share); this module generalises it:
//!
//! - **the digest** ([`KetamaDigest`]): MD5 or SHA-1. A key's position is the little-endian
//!   `u32` of the digest's first four bytes;
//! - **points per digest** (hashring's `replicas`, 1..=[`MAX_POINTS_PER_DIGEST`]): digest `d`
//!   of `"{label}-{i}"` gives the points `le_u32(d[4j..4j+4])` for `j` in `0..replicas`
//!   (Python `hash_ring` uses 3);
//! - **per-server digest counts** ([`KetamaServer::digests`]): the caller decides how many
//!   digests each server gets (hashring's weighted share, or its per-server `vnodes`);
//! - **a label separate from the owner** ([`KetamaServer::label`]): the string hashed for the
//!   server's points (hashring hashes `host` alone when the port is its `default port`);
//! - **owners are plain numbers** chosen by the caller, and several servers may share one owner
//!   (hashring's array form accepts a name twice), so [`KetamaRing::rename_owner`] can give a
//!   server's points to another owner in place, keeping every position (hashring's `swap`).
//!
//! Points are sorted by position with a stable sort, so tied points keep the order they were
//! generated in (server order, digest `i`, word `j`), as V8's stable `Array.prototype.sort`
//! keeps them in hashring. [`KetamaRing::lookup`] is hashring's `find` (the first point at or
//! after a position, wrapping to 0) and [`KetamaRing::walk`] its `range`, both without copying
//! the point list.
//!
//! Bounds: at most [`MAX_POINTS`] points; building costs one digest per server digest (over
//! the label's bytes) and one linear-time radix sort.

use md5::Md5;
use sha1::{Digest, Sha1};

use super::error::RingError;
use super::index::SearchIndex;
use super::limits::{MAX_POINTS, MAX_POINTS_PER_DIGEST};
use crate::core::number::u32_digits;
use crate::core::sort;

/// The hash function of a ketama ring (hashring's `algorithm` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KetamaDigest {
    /// MD5, hashring's default and libketama's.
    Md5,
    /// SHA-1 (the first 16 of its 20 bytes give the points).
    Sha1,
}

impl KetamaDigest {
    /// The digest's name as hashring spells it: `"md5"` or `"sha1"`.
    pub fn name(self) -> &'static str {
        match self {
            KetamaDigest::Md5 => "md5",
            KetamaDigest::Sha1 => "sha1",
        }
    }

    /// The digest called `name` (`"md5"` or `"sha1"`), if any.
    pub fn from_name(name: &str) -> Option<KetamaDigest> {
        match name {
            "md5" => Some(KetamaDigest::Md5),
            "sha1" => Some(KetamaDigest::Sha1),
            _ => None,
        }
    }

    /// The full digest of `bytes` (16 bytes for MD5, 20 for SHA-1): hashring's `hash(key)`.
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        let length = match self {
            KetamaDigest::Md5 => 16,
            KetamaDigest::Sha1 => 20,
        };
        self.hash(&[bytes])[..length].to_vec()
    }

    /// A key's position: the little-endian `u32` of the digest's first four bytes.
    ///
    /// ```
    /// use ringlease::core::ring::continuum::KetamaDigest;
    /// // MD5("") = d41d8cd9…, SHA-1("") = da39a3ee…
    /// assert_eq!(KetamaDigest::Md5.key_position(b""), 0xd98c_1dd4);
    /// assert_eq!(KetamaDigest::Sha1.key_position(b""), 0xeea3_39da);
    /// ```
    pub fn key_position(self, key: &[u8]) -> u32 {
        // One-shot digests: in wasm they cost about half of what `hash`'s multi-part path
        // adds to a lookup.
        match self {
            KetamaDigest::Md5 => le_u32(&Md5::digest(key), 0),
            KetamaDigest::Sha1 => le_u32(&Sha1::digest(key), 0),
        }
    }

    /// Appends the points of a server hashed as `label` with `digests` digests and
    /// `per_digest` points each, in generation order: for `i` in `0..digests`,
    /// `d = digest("{label}-{i}")`, then `le_u32(d[4j..])` for `j` in `0..per_digest`.
    pub fn server_points(self, label: &str, digests: u32, per_digest: u32, out: &mut Vec<u32>) {
        let per_digest = per_digest.min(MAX_POINTS_PER_DIGEST) as usize;
        out.reserve(digests as usize * per_digest);
        let mut digits = [0u8; 10];
        for i in 0..digests {
            let d = self.hash(&[label.as_bytes(), b"-", u32_digits(i, &mut digits)]);
            out.extend((0..per_digest).map(|j| le_u32(&d, 4 * j)));
        }
    }

    /// The digest of the concatenated `parts` (MD5 in the first 16 bytes). The one place this
    /// module runs either hash: kept out of line so the wasm build holds one copy of each.
    #[inline(never)]
    fn hash(self, parts: &[&[u8]]) -> [u8; 20] {
        let mut out = [0u8; 20];
        match self {
            KetamaDigest::Md5 => {
                let mut hasher = Md5::new();
                for part in parts {
                    hasher.update(part);
                }
                out[..16].copy_from_slice(&hasher.finalize());
            }
            KetamaDigest::Sha1 => {
                let mut hasher = Sha1::new();
                for part in parts {
                    hasher.update(part);
                }
                out.copy_from_slice(&hasher.finalize());
            }
        }
        out
    }
}

fn le_u32(digest: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([digest[at], digest[at + 1], digest[at + 2], digest[at + 3]])
}

/// One server of a [`KetamaRing`], in the order servers are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KetamaServer<'a> {
    /// The string its points are hashed from (`"{label}-{i}"`).
    pub label: &'a str,
    /// How many digests it gets (0: no points at all).
    pub digests: u32,
    /// Who owns its points: any number the caller chooses; servers may share one.
    pub owner: u32,
}

/// A sorted ketama continuum: see the module docs.
///
/// ```
/// use ringlease::core::ring::continuum::{KetamaDigest, KetamaRing, KetamaServer};
///
/// // Python hash_ring's placement: 40 MD5 digests of 3 points per server.
/// let servers = [
///     KetamaServer { label: "10.0.0.1:11211", digests: 40, owner: 0 },
///     KetamaServer { label: "10.0.0.2:11211", digests: 40, owner: 1 },
/// ];
/// let ring = KetamaRing::build(KetamaDigest::Md5, 3, &servers).unwrap();
/// assert_eq!(ring.len(), 240);
/// let owner = ring.owner_of(b"user:42").unwrap();
/// assert_eq!(ring.walk(ring.lookup(ring.key_position(b"user:42")), 2, true), [owner, 1 - owner]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KetamaRing {
    digest: KetamaDigest,
    per_digest: u32,
    positions: Vec<u32>,
    owners: Vec<u32>,
    /// Buckets over `positions`, so a lookup searches a few points rather than all of them.
    index: SearchIndex,
}

impl KetamaRing {
    /// Builds the continuum of `servers` with `per_digest` points per digest
    /// (1..=[`MAX_POINTS_PER_DIGEST`]). Fails with [`RingError::InvalidPointsPerDigest`] or, past
    /// [`MAX_POINTS`] points (checked before anything is hashed), [`RingError::TooManyPoints`].
    pub fn build(
        digest: KetamaDigest,
        per_digest: u32,
        servers: &[KetamaServer<'_>],
    ) -> Result<KetamaRing, RingError> {
        if !(1..=MAX_POINTS_PER_DIGEST).contains(&per_digest) {
            return Err(RingError::InvalidPointsPerDigest(u64::from(per_digest)));
        }
        let total: u64 = servers
            .iter()
            .map(|s| u64::from(s.digests) * u64::from(per_digest))
            .sum();
        if total > MAX_POINTS as u64 {
            return Err(RingError::TooManyPoints {
                requested: total as f64,
            });
        }
        let mut packed: Vec<u64> = Vec::with_capacity(total as usize);
        let mut buffer = Vec::new();
        for server in servers {
            buffer.clear();
            digest.server_points(server.label, server.digests, per_digest, &mut buffer);
            packed.extend(
                buffer
                    .iter()
                    .map(|&p| (u64::from(p) << 32) | u64::from(server.owner)),
            );
        }
        // Stable: tied points keep generation order, as hashring's sort keeps them.
        sort::sort_by_position(&mut packed);
        let positions: Vec<u32> = packed.iter().map(|&p| (p >> 32) as u32).collect();
        let owners = packed.iter().map(|&p| p as u32).collect();
        let index = SearchIndex::build(&positions);
        Ok(KetamaRing {
            digest,
            per_digest,
            positions,
            owners,
            index,
        })
    }

    /// The digest.
    pub fn digest(&self) -> KetamaDigest {
        self.digest
    }

    /// Points per digest.
    pub fn points_per_digest(&self) -> u32 {
        self.per_digest
    }

    /// How many points the continuum holds.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether it holds no points.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Point positions, ascending.
    pub fn positions(&self) -> &[u32] {
        &self.positions
    }

    /// The owner of each point, parallel to [`KetamaRing::positions`].
    pub fn owners(&self) -> &[u32] {
        &self.owners
    }

    /// The position of `key` (its bytes): [`KetamaDigest::key_position`].
    pub fn key_position(&self, key: &[u8]) -> u32 {
        self.digest.key_position(key)
    }

    /// hashring's `find`: the index of the first point at or after `position`, wrapping to 0
    /// (0 on an empty ring too). With tied points, the first of them.
    pub fn lookup(&self, position: u32) -> usize {
        let index = self.index.partition_point(&self.positions, position);
        if index == self.positions.len() {
            0
        } else {
            index
        }
    }

    /// The point at `index` as `(position, owner)`.
    pub fn point(&self, index: usize) -> Option<(u32, u32)> {
        Some((*self.positions.get(index)?, *self.owners.get(index)?))
    }

    /// The owner of `key`, `None` on an empty ring.
    pub fn owner_of(&self, key: &[u8]) -> Option<u32> {
        self.owners
            .get(self.lookup(self.key_position(key)))
            .copied()
    }

    /// hashring's `range` from point `start`: walks the points from `start` to the end, then
    /// from 0 up to `start` (each point at most once), collecting every point's owner, or only
    /// owners not yet collected when `unique`, and stops at `n` owners. Costs at most one pass
    /// over the points; `unique` keeps a bitmap of the owners seen.
    pub fn walk(&self, start: usize, n: usize, unique: bool) -> Vec<u32> {
        let len = self.positions.len();
        let mut out = Vec::with_capacity(n.min(len));
        if len == 0 || n == 0 {
            return out;
        }
        let start = start.min(len - 1);
        let mut seen: Vec<u64> = Vec::new();
        for index in (start..len).chain(0..start) {
            let owner = self.owners[index];
            if unique {
                let (word, bit) = ((owner / 64) as usize, owner % 64);
                if seen.len() <= word {
                    seen.resize(word + 1, 0);
                }
                if seen[word] & (1 << bit) != 0 {
                    continue;
                }
                seen[word] |= 1 << bit;
            }
            out.push(owner);
            if out.len() == n {
                break;
            }
        }
        out
    }

    /// Gives every point of owner `from` to owner `to`, in place: no position moves and the
    /// point order is kept (hashring's `swap`). Returns how many points changed owner.
    pub fn rename_owner(&mut self, from: u32, to: u32) -> usize {
        let mut changed = 0;
        for owner in self.owners.iter_mut().filter(|owner| **owner == from) {
            *owner = to;
            changed += 1;
        }
        changed
    }

    /// Whether `owner` has at least one point.
    pub fn has_owner(&self, owner: u32) -> bool {
        self.owners.contains(&owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hash::ketama;

    fn servers<'a>(labels: &[&'a str], digests: u32) -> Vec<KetamaServer<'a>> {
        labels
            .iter()
            .enumerate()
            .map(|(owner, &label)| KetamaServer {
                label,
                digests,
                owner: owner as u32,
            })
            .collect()
    }

    #[test]
    fn md5_with_four_points_is_the_default_ketama_scheme() {
        let labels = ["a:1", "b:2", "c:3"];
        let ring = KetamaRing::build(KetamaDigest::Md5, 4, &servers(&labels, 40)).unwrap();
        let reference =
            ketama::Continuum::new(&labels.iter().map(|&l| (l, 1.0)).collect::<Vec<_>>());
        assert_eq!(ring.positions(), reference.values());
        for key in ["", "x", "user:1", "東京"] {
            let owner = ring.owner_of(key.as_bytes()).unwrap();
            assert_eq!(
                Some(labels[owner as usize]),
                reference.node_for(key.as_bytes())
            );
            let walked: Vec<&str> = ring
                .walk(ring.lookup(ring.key_position(key.as_bytes())), 1000, false)
                .into_iter()
                .map(|o| labels[o as usize])
                .collect();
            assert_eq!(walked, reference.range(key.as_bytes(), 1000, false));
        }
        let mut md5 = Vec::new();
        ketama::server_points("b:2", 7, &mut md5);
        let mut ours = Vec::new();
        KetamaDigest::Md5.server_points("b:2", 7, 4, &mut ours);
        assert_eq!(ours, md5);
    }

    #[test]
    fn fewer_points_per_digest_are_a_prefix_of_each_digest() {
        for digest in [KetamaDigest::Md5, KetamaDigest::Sha1] {
            let mut four = Vec::new();
            digest.server_points("host", 5, 4, &mut four);
            for per in 1..=4 {
                let mut some = Vec::new();
                digest.server_points("host", 5, per, &mut some);
                let expected: Vec<u32> = four
                    .chunks(4)
                    .flat_map(|c| c[..per as usize].to_vec())
                    .collect();
                assert_eq!(some, expected, "{digest:?} {per}");
            }
            let d = digest.digest(b"host-3");
            assert_eq!(four[12], le_u32(&d, 0));
            assert_eq!(four[15], le_u32(&d, 12));
        }
        assert_eq!(KetamaDigest::Sha1.digest(b"").len(), 20);
        assert_eq!(KetamaDigest::Md5.digest(b"").len(), 16);
    }

    #[test]
    fn ties_keep_server_order_and_shared_owners_count_once_in_unique_walks() {
        // Two servers hashed from the same label share every position.
        let both = [
            KetamaServer {
                label: "same",
                digests: 3,
                owner: 5,
            },
            KetamaServer {
                label: "same",
                digests: 3,
                owner: 2,
            },
        ];
        let ring = KetamaRing::build(KetamaDigest::Sha1, 2, &both).unwrap();
        assert_eq!(ring.len(), 12);
        for pair in ring.owners().chunks(2) {
            assert_eq!(pair, [5, 2]);
        }
        assert_eq!(ring.walk(3, 10, true), [2, 5]);
        assert_eq!(ring.walk(0, 3, false), [5, 2, 5]);
        let mut renamed = ring.clone();
        assert_eq!(renamed.rename_owner(5, 2), 6);
        assert_eq!(renamed.positions(), ring.positions());
        assert_eq!(renamed.walk(0, 10, true), [2]);
        assert!(!renamed.has_owner(5));
    }

    #[test]
    fn lookup_wraps_and_empty_rings_answer_nothing() {
        let empty = KetamaRing::build(KetamaDigest::Md5, 4, &[]).unwrap();
        assert_eq!(empty.lookup(7), 0);
        assert_eq!(empty.owner_of(b"k"), None);
        assert!(empty.walk(0, 3, true).is_empty());
        let ring = KetamaRing::build(KetamaDigest::Md5, 1, &servers(&["a", "b"], 10)).unwrap();
        let last = *ring.positions().last().unwrap();
        assert_eq!(ring.lookup(last), ring.len() - 1);
        assert_eq!(ring.lookup(last.wrapping_add(1)), 0);
        assert_eq!(ring.lookup(0), 0);
        assert_eq!(ring.walk(ring.len() + 5, 1, false).len(), 1);
    }

    #[test]
    fn bounds_are_checked_before_hashing() {
        assert_eq!(
            KetamaRing::build(KetamaDigest::Md5, 0, &[]),
            Err(RingError::InvalidPointsPerDigest(0))
        );
        assert_eq!(
            KetamaRing::build(KetamaDigest::Md5, 5, &[]),
            Err(RingError::InvalidPointsPerDigest(5))
        );
        let huge = [KetamaServer {
            label: "x",
            digests: u32::MAX,
            owner: 0,
        }];
        assert!(matches!(
            KetamaRing::build(KetamaDigest::Md5, 4, &huge),
            Err(RingError::TooManyPoints { .. })
        ));
    }
}
