//! Point labels and renames on the main ring (`HashRing::add_node_labelled`,
//! `HashRing::rename_node`), natively: models and properties.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use ringlease::core::hash::ketama;
use ringlease::core::ring::continuum::{KetamaDigest, KetamaRing, KetamaServer};
use ringlease::core::ring::HashRing;
use ringlease::core::{RingError, Scheme};

/// A node's points on a sha1 ring are those of a node whose id is its label.
#[test]
fn a_sha1_label_places_points_like_that_id() {
    let mut labelled = HashRing::new(40).unwrap();
    labelled
        .add_node_labelled("cache-a:11211", 1.0, "cache-a")
        .unwrap();
    labelled.add_node("b", 2.0).unwrap();
    let mut plain = HashRing::new(40).unwrap();
    plain.add_node("cache-a", 1.0).unwrap();
    plain.add_node("b", 2.0).unwrap();
    assert_eq!(labelled.positions(), plain.positions());
    for i in 0..500 {
        let key = format!("k{i}");
        let owner = plain.node_for(key.as_bytes()).unwrap();
        let expected = if owner == "cache-a" {
            "cache-a:11211"
        } else {
            owner
        };
        assert_eq!(labelled.node_for(key.as_bytes()), Some(expected));
    }
}

/// On a ketama ring, labels are hashring's "default port": the host alone is hashed.
#[test]
fn a_ketama_label_is_hashrings_default_port() {
    let servers = [
        ("a.example:11211", "a.example"),
        ("b.example:11212", "b.example:11212"),
    ];
    let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    for (id, label) in servers {
        ring.add_node_labelled(id, 1.0, label).unwrap();
    }
    let reference = ketama::Continuum::with_hashed_as(
        &servers
            .iter()
            .map(|&(id, label)| (id, label, 1.0))
            .collect::<Vec<_>>(),
    );
    assert_eq!(ring.positions(), reference.values());
    let continuum = KetamaRing::build(
        KetamaDigest::Md5,
        4,
        &servers
            .iter()
            .enumerate()
            .map(|(owner, &(_, label))| KetamaServer {
                label,
                digests: 40,
                owner: owner as u32,
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(ring.positions(), continuum.positions());
    for i in 0..500 {
        let key = format!("user:{i}");
        assert_eq!(
            ring.node_for(key.as_bytes()),
            reference.node_for(key.as_bytes())
        );
    }
}

#[test]
fn bad_labels_and_renames_leave_the_ring_unchanged() {
    let mut ring = HashRing::new(10).unwrap();
    ring.add_nodes(&[("a", 1.0), ("b", 1.0)]).unwrap();
    let before = ring.clone();
    assert_eq!(
        ring.add_node_labelled("c", 1.0, ""),
        Err(RingError::EmptyId)
    );
    assert!(matches!(
        ring.add_node_labelled("c", 1.0, &"x".repeat(257)),
        Err(RingError::IdTooLong { .. })
    ));
    assert_eq!(
        ring.rename_node("a", "b"),
        Err(RingError::DuplicateNode("b".into()))
    );
    assert_eq!(
        ring.rename_node("zz", "y"),
        Err(RingError::UnknownNode("zz".into()))
    );
    assert_eq!(ring.rename_node("a", ""), Err(RingError::EmptyId));
    assert_eq!(ring, before);
}

fn ring_of(scheme: Scheme, nodes: &[(String, f64, Option<String>)]) -> HashRing {
    let mut ring = HashRing::with_scheme(scheme, 20).unwrap();
    for (id, weight, label) in nodes {
        match label {
            Some(label) => ring.add_node_labelled(id, *weight, label).unwrap(),
            None => ring.add_node(id, *weight).unwrap(),
        };
    }
    ring
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A rename keeps every position; the renamed node's keys report the new id, no other key
    /// moves, and the ring is the one built from scratch with the new id labelled by the old.
    #[test]
    fn rename_keeps_points_and_equals_a_fresh_labelled_ring(
        ids in prop::collection::btree_set("[a-e]{1,3}", 2..8),
        pick in 0usize..8,
        to in "[a-f]{1,4}",
        ketama_scheme in any::<bool>(),
    ) {
        let scheme = if ketama_scheme { Scheme::Ketama } else { Scheme::Sha1 };
        let ids: Vec<String> = ids.into_iter().collect();
        prop_assume!(!ids.contains(&to));
        let from = ids[pick % ids.len()].clone();
        let nodes: Vec<(String, f64, Option<String>)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), 1.0 + (i % 3) as f64, None))
            .collect();
        let mut ring = ring_of(scheme, &nodes);
        let before = ring.clone();
        let change = ring.rename_node(&from, &to).unwrap();
        prop_assert_eq!(ring.positions(), before.positions());
        for i in 0..300 {
            let key = format!("key-{i}");
            let was = before.node_for(key.as_bytes()).unwrap();
            let expected = if was == from { to.as_str() } else { was };
            prop_assert_eq!(ring.node_for(key.as_bytes()), Some(expected));
        }
        prop_assert!(change.moved_fraction > 0.0);
        let renamed: Vec<(String, f64, Option<String>)> = nodes
            .iter()
            .map(|(id, w, _)| if *id == from { (to.clone(), *w, Some(from.clone())) } else { (id.clone(), *w, None) })
            .collect();
        prop_assert_eq!(&ring, &ring_of(scheme, &renamed));
        // And back: the original ring (the label stays, hashing as the original id).
        ring.rename_node(&to, &from).unwrap();
        prop_assert_eq!(ring.positions(), before.positions());
        prop_assert_eq!(ring.owners(), before.owners());
    }
}
