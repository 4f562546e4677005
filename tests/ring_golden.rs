//! Golden table (R1), natively: every case built one node at a time and in one batch.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/golden.rs"]
mod golden;

use ringlease::core::hash::position;
use ringlease::core::ring::HashRing;

#[test]
fn sha1_vectors() {
    let (vectors, _) = golden::load();
    assert!(vectors.len() >= 2);
    for (input, digest) in vectors {
        let expected = u32::from_str_radix(&digest[..8], 16).unwrap();
        assert_eq!(position(input.as_bytes()), expected, "{input:?}");
    }
}

#[test]
fn every_golden_lookup_matches() {
    let (_, cases) = golden::load();
    assert!(cases.len() >= 5);
    let mut checked = 0;
    for case in &cases {
        let mut one_by_one = HashRing::new(case.vnodes).unwrap();
        for (id, weight) in case.nodes.iter().rev() {
            one_by_one.add_node(id, *weight).unwrap();
        }
        let mut batch = HashRing::new(case.vnodes).unwrap();
        let specs: Vec<(&str, f64)> = case.nodes.iter().map(|(id, w)| (id.as_str(), *w)).collect();
        batch.add_nodes(&specs).unwrap();
        assert_eq!(one_by_one, batch, "{}", case.name);
        assert_eq!(batch.point_count(), case.point_count, "{}", case.name);
        for lookup in &case.lookups {
            let key = lookup.key.as_bytes();
            let what = format!("{} / {:?}", case.name, lookup.key);
            assert_eq!(position(key), lookup.position, "{what}");
            assert_eq!(batch.node_for(key), Some(lookup.owner.as_str()), "{what}");
            assert_eq!(batch.nodes_for(key, 3), lookup.replicas, "{what}");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} lookups");
}
