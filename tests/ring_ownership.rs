//! `HashRing`'s shares of the keyspace, natively: `ownership` exact and summing to 1, and `moved_keys`, `distribution` and `owners_of` agreeing with lookups.
//! The reference model and generators are in `tests/common/ring_model.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/ring_model.rs"]
mod ring_model;

use proptest::prelude::*;
use ring_model::*;
use ringlease::core::ring::NO_NODE;
use ringlease::core::{HashRing, Scheme};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Shares sum to 1 within 1e-9 when a live node holds a point (all zeros otherwise), a down
    /// node owns 0, and each share is exactly the brute-force sum of its arcs.
    #[test]
    fn ownership_is_exact_and_sums_to_one(spec in any_spec(1..=30, false, 0.3)) {
        let ring = spec.build();
        let shares = ring.ownership();
        prop_assert_eq!(shares.len(), ring.node_count());
        if serves(&ring) {
            prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() <= 1e-9, "sum {}", shares.iter().sum::<f64>());
        } else {
            prop_assert!(shares.iter().all(|&s| s == 0.0));
        }
        let positions = ring.positions();
        let mut owned = vec![0u64; ring.node_count()];
        for (k, &p) in positions.iter().enumerate() {
            let previous = if k == 0 { i64::from(positions[positions.len() - 1]) - (1i64 << 32) } else { i64::from(positions[k - 1]) };
            if let Some(owner) = ref_owner(&ring, p) {
                owned[owner] += (i64::from(p) - previous) as u64;
            }
        }
        for (i, node) in ring.nodes().iter().enumerate() {
            if !node.up {
                prop_assert_eq!(shares[i], 0.0, "down node {} owns something", node.id);
            }
            prop_assert_eq!(shares[i], owned[i] as f64 / KEYSPACE, "{}", node.id);
        }
    }
}

#[test]
fn ownership_of_empty_and_single_node_rings() {
    for scheme in [Scheme::Sha1, Scheme::Ketama] {
        let mut ring = HashRing::with_scheme(scheme, 10).unwrap();
        assert!(ring.ownership().is_empty());
        ring.add_node("solo", 0.3).unwrap();
        assert_eq!(ring.ownership(), vec![1.0]);
        ring.mark_down("solo").unwrap();
        assert_eq!(ring.ownership(), vec![0.0]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `moved_keys` lists exactly the keys whose `node_for` differs, `owners_of` is
    /// `owner_index` key by key, and `distribution` counts them (summing to the number of keys
    /// when a node is up, all zeros otherwise).
    #[test]
    fn moved_keys_distribution_and_owners_of_agree_with_lookups(
        spec in any_spec(0..=20, false, 0.3),
        ops in prop::collection::vec(op(), 1..=3),
        m in 0usize..=1_000,
        salt in any::<u32>(),
    ) {
        let ring = spec.build();
        let mut other = ring.clone();
        for op in &ops {
            apply(&mut other, op);
        }
        let keys = keys(m, salt);
        let bytes = as_bytes(&keys);
        let expected: Vec<usize> = (0..m).filter(|&i| ring.node_for(bytes[i]) != other.node_for(bytes[i])).collect();
        prop_assert_eq!(ring.moved_keys(&other, bytes.iter().copied()), expected.clone());
        prop_assert_eq!(other.moved_keys(&ring, bytes.iter().copied()), expected);
        prop_assert!(ring.moved_keys(&ring, bytes.iter().copied()).is_empty());

        for r in [&ring, &other] {
            let owners = r.owners_of(bytes.iter().copied());
            let lookups: Vec<u32> = bytes.iter().map(|k| r.owner_index(k).map_or(NO_NODE, |i| i as u32)).collect();
            prop_assert_eq!(&owners, &lookups);
            let distribution = r.distribution(bytes.iter().copied());
            prop_assert_eq!(distribution.len(), r.node_count());
            let mut counts = vec![0u64; r.node_count()];
            for &o in &owners {
                if o != NO_NODE { counts[o as usize] += 1; }
            }
            prop_assert_eq!(&distribution, &counts);
            let total: u64 = distribution.iter().sum();
            if serves(r) {
                prop_assert_eq!(total, m as u64);
            } else {
                prop_assert_eq!(total, 0);
            }
            for (i, node) in r.nodes().iter().enumerate() {
                if !node.up { prop_assert_eq!(distribution[i], 0); }
            }
        }
    }
}
