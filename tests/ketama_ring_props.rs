//! `core::ring::continuum::KetamaRing` against a naive model of hashring 3.2.0's continuum: every
//! point hashed from `"{label}-{i}"`, a stable sort by value, a linear scan for `find` and for
//! `range`. Random servers (repeated labels and owners, zero digests), both digests and 1 to 4
//! points per digest.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use ringlease::core::ring::continuum::{KetamaDigest, KetamaRing, KetamaServer};

struct Model {
    points: Vec<(u32, u32)>,
}

impl Model {
    fn new(digest: KetamaDigest, per_digest: u32, servers: &[(String, u32, u32)]) -> Model {
        let mut points = Vec::new();
        for (label, digests, owner) in servers {
            for i in 0..*digests {
                let d = digest.digest(format!("{label}-{i}").as_bytes());
                for j in 0..per_digest as usize {
                    let word =
                        u32::from_le_bytes([d[4 * j], d[4 * j + 1], d[4 * j + 2], d[4 * j + 3]]);
                    points.push((word, *owner));
                }
            }
        }
        points.sort_by_key(|&(value, _)| value); // stable, like V8's sort in hashring
        Model { points }
    }

    fn find(&self, h: u32) -> usize {
        self.points
            .iter()
            .position(|&(value, _)| value >= h)
            .unwrap_or(0)
    }

    fn range(&self, h: u32, n: usize, unique: bool) -> Vec<u32> {
        let start = self.find(h);
        let mut out: Vec<u32> = Vec::new();
        if n == 0 || self.points.is_empty() {
            return out; // KetamaRing::walk's n counts owners to collect (hashring's 0 is mapped in JS)
        }
        for index in (start..self.points.len()).chain(0..start) {
            let owner = self.points[index].1;
            if unique && out.contains(&owner) {
                continue;
            }
            out.push(owner);
            if out.len() == n {
                break;
            }
        }
        out
    }
}

fn servers() -> impl Strategy<Value = Vec<(String, u32, u32)>> {
    prop::collection::vec(("[a-c]{1,2}(:1121[12])?", 0u32..12, 0u32..5), 0..7)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn ketama_ring_matches_the_naive_continuum(
        servers in servers(),
        sha1 in any::<bool>(),
        per_digest in 1u32..=4,
        probes in prop::collection::vec(any::<u32>(), 20),
        n in 0usize..12,
        unique in any::<bool>(),
    ) {
        let digest = if sha1 { KetamaDigest::Sha1 } else { KetamaDigest::Md5 };
        let model = Model::new(digest, per_digest, &servers);
        let specs: Vec<KetamaServer<'_>> = servers
            .iter()
            .map(|(label, digests, owner)| KetamaServer { label, digests: *digests, owner: *owner })
            .collect();
        let ring = KetamaRing::build(digest, per_digest, &specs).unwrap();
        let values: Vec<u32> = model.points.iter().map(|p| p.0).collect();
        let owners: Vec<u32> = model.points.iter().map(|p| p.1).collect();
        prop_assert_eq!(ring.positions(), &values[..]);
        prop_assert_eq!(ring.owners(), &owners[..]);
        let mut hs = probes;
        hs.extend(values.iter().flat_map(|&v| [v, v.wrapping_add(1), v.wrapping_sub(1)]));
        for h in hs {
            prop_assert_eq!(ring.lookup(h), model.find(h));
            prop_assert_eq!(ring.walk(ring.lookup(h), n, unique), model.range(h, n, unique));
        }
        // A rename keeps every position and relabels exactly the renamed owner's points.
        let mut renamed = ring.clone();
        let changed = renamed.rename_owner(0, 9);
        prop_assert_eq!(renamed.positions(), ring.positions());
        prop_assert_eq!(changed, owners.iter().filter(|&&o| o == 0).count());
        for (after, before) in renamed.owners().iter().zip(ring.owners()) {
            prop_assert_eq!(*after, if *before == 0 { 9 } else { *before });
        }
    }
}
