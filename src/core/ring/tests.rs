//! Unit tests of the ring's placement, lookups and changes.

use super::hash_ring::HashRing;
use super::index::SearchIndex;
use super::limits::{MAX_POINTS, MAX_VNODES, NO_NODE};
use super::scheme::Scheme;
use super::RingError;
use crate::core::hash;

fn ring(vnodes: u32, ids: &[&str]) -> HashRing {
    let mut ring = HashRing::new(vnodes).unwrap();
    for id in ids {
        ring.add_node(id, 1.0).unwrap();
    }
    ring
}

/// The contract written out naively: every label hashed, sorted, first point at or after.
fn brute_force_owner(ring: &HashRing, key: &[u8]) -> String {
    let mut points: Vec<(u32, &str, u32)> = Vec::new();
    for node in ring.nodes() {
        for i in 0..node.points {
            let label = format!("{}#{}", node.id, i);
            points.push((hash::position(label.as_bytes()), &node.id, i));
        }
    }
    points.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_bytes().cmp(b.1.as_bytes())));
    let h = hash::position(key);
    let point = points.iter().find(|p| p.0 >= h).unwrap_or(&points[0]);
    point.1.to_owned()
}

#[test]
fn search_index_agrees_with_a_full_binary_search() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for len in [0usize, 1, 7, 8, 9, 100, 1000, 16_000, 300_000] {
        let mut positions: Vec<u32> = (0..len).map(|_| next() as u32).collect();
        // Clustered positions and duplicates too.
        for p in positions.iter_mut().take(len / 3) {
            *p &= 0x00ff_00ff;
        }
        positions.sort_unstable();
        let search = SearchIndex::build(&positions);
        let mut probes: Vec<u32> = (0..2000).map(|_| next() as u32).collect();
        probes.extend([0, 1, u32::MAX, u32::MAX - 1, 1 << 31]);
        probes.extend(
            positions
                .iter()
                .step_by(97)
                .flat_map(|&p| [p, p.wrapping_sub(1), p.wrapping_add(1)]),
        );
        for probe in probes {
            assert_eq!(
                search.partition_point(&positions, probe),
                positions.partition_point(|&p| p < probe),
                "len {len} probe {probe}"
            );
        }
    }
}

/// The batch lookups (keys hashed four at a time) against `owner_index` key by key, on
/// both schemes, with keys of every length around the one-block limit and down nodes.
#[test]
fn batch_lookups_match_single_lookups() {
    let keys: Vec<String> = (0..403)
        .map(|i| format!("{}{i}", "k".repeat(i % 70)))
        .collect();
    let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
    for scheme in [Scheme::Sha1, Scheme::Ketama] {
        let mut ring = HashRing::with_scheme(scheme, 20).unwrap();
        let mut other = ring.clone();
        ring.add_nodes(&[("a", 1.0), ("b", 2.0), ("c", 0.5), ("d", 1.0)])
            .unwrap();
        other
            .add_nodes(&[("a", 1.0), ("c", 0.5), ("e", 1.0)])
            .unwrap();
        for down in [None, Some("b"), Some("a")] {
            if let Some(id) = down {
                ring.mark_down(id).unwrap();
            }
            let mut batch = vec![7];
            ring.owner_indexes_into(keys.iter().copied(), &mut batch);
            let single: Vec<u32> = keys
                .iter()
                .map(|key| ring.owner_index(key).map_or(NO_NODE, |i| i as u32))
                .collect();
            assert_eq!(batch[0], 7);
            assert_eq!(batch[1..], single[..], "{scheme:?}, {down:?} down");
            let positions: Vec<u32> = ring.positions_of(keys.iter().copied()).collect();
            let one_by_one: Vec<u32> = keys.iter().map(|key| ring.position_of(key)).collect();
            assert_eq!(positions, one_by_one);
            let moved: Vec<usize> = (0..keys.len())
                .filter(|&i| ring.node_for(keys[i]) != other.node_for(keys[i]))
                .collect();
            assert_eq!(ring.moved_keys(&other, keys.iter().copied()), moved);
        }
    }
    // Across schemes: each ring hashes the keys its own way.
    let mut sha1 = HashRing::new(20).unwrap();
    let mut ketama = HashRing::with_scheme(Scheme::Ketama, 20).unwrap();
    for ring in [&mut sha1, &mut ketama] {
        ring.add_nodes(&[("a", 1.0), ("b", 1.0), ("c", 1.0)])
            .unwrap();
    }
    let moved: Vec<usize> = (0..keys.len())
        .filter(|&i| sha1.node_for(keys[i]) != ketama.node_for(keys[i]))
        .collect();
    assert!(!moved.is_empty());
    assert_eq!(sha1.moved_keys(&ketama, keys.iter().copied()), moved);
}

#[test]
fn empty_ring_has_no_owner() {
    let ring = ring(160, &[]);
    assert_eq!(ring.node_for(b"k"), None);
    assert!(ring.nodes_for(b"k", 3).is_empty());
    assert_eq!(ring.point_count(), 0);
}

#[test]
fn single_node_owns_everything() {
    let ring = ring(3, &["only"]);
    for key in ["", "a", "zzz", "東京"] {
        assert_eq!(ring.node_for(key.as_bytes()), Some("only"));
    }
    assert_eq!(ring.nodes_for(b"a", 5), vec!["only"]);
}

#[test]
fn owners_match_the_naive_contract() {
    let ring = ring(40, &["node-0", "node-1", "node-2", "b", "a1", "a"]);
    for i in 0..2000 {
        let key = format!("key-{i}");
        assert_eq!(
            ring.node_for(key.as_bytes()).unwrap(),
            brute_force_owner(&ring, key.as_bytes())
        );
    }
}

#[test]
fn a_key_on_a_point_belongs_to_that_point() {
    let ring = ring(20, &["x", "y", "z"]);
    // The label of a point, used as a key, hashes exactly onto that point.
    assert_eq!(ring.node_for(b"y#7"), Some("y"));
    assert_eq!(ring.node_for(b"z#0"), Some("z"));
}

#[test]
fn weights_scale_points_with_a_floor_of_one() {
    let mut ring = HashRing::new(40).unwrap();
    ring.add_nodes(&[
        ("half", 0.5),
        ("tiny", 0.001),
        ("big", 2.5),
        ("round", 0.0125),
    ])
    .unwrap();
    let points: Vec<(String, u32)> = ring
        .nodes()
        .iter()
        .map(|n| (n.id.clone(), n.points))
        .collect();
    assert_eq!(
        points,
        vec![
            ("big".into(), 100),
            ("half".into(), 20),
            ("round".into(), 1),
            ("tiny".into(), 1)
        ]
    );
    assert_eq!(ring.point_count(), 122);
}

#[test]
fn invalid_input_leaves_the_ring_unchanged() {
    let mut ring = ring(10, &["a", "b"]);
    let before = ring.clone();
    assert_eq!(ring.add_node("", 1.0), Err(RingError::EmptyId));
    assert_eq!(
        ring.add_node(&"x".repeat(257), 1.0),
        Err(RingError::IdTooLong { bytes: 257 })
    );
    assert!(ring.add_node(&"x".repeat(256), 1.0).is_ok());
    ring.remove_node(&"x".repeat(256)).unwrap();
    assert_eq!(
        ring.add_node("a", 1.0),
        Err(RingError::DuplicateNode("a".into()))
    );
    assert_eq!(
        ring.add_nodes(&[("c", 1.0), ("d", 1.0), ("c", 2.0)]),
        Err(RingError::DuplicateNode("c".into()))
    );
    for weight in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            ring.add_node("c", weight),
            Err(RingError::InvalidWeight(_))
        ));
    }
    assert!(matches!(
        ring.add_node("c", 1e9),
        Err(RingError::TooManyPoints { .. })
    ));
    assert_eq!(
        ring.remove_node("nope"),
        Err(RingError::UnknownNode("nope".into()))
    );
    assert_eq!(ring, before);
}

#[test]
fn point_limit_counts_the_whole_ring() {
    let mut ring = HashRing::new(MAX_VNODES).unwrap();
    let ids: Vec<String> = (0..256).map(|i| format!("n{i}")).collect();
    let specs: Vec<(&str, f64)> = ids.iter().map(|id| (id.as_str(), 1.0)).collect();
    ring.add_nodes(&specs).unwrap();
    assert_eq!(ring.point_count(), MAX_POINTS);
    assert_eq!(
        ring.add_node("one-more", 0.0001),
        Err(RingError::TooManyPoints {
            requested: MAX_POINTS as f64 + 1.0
        })
    );
}

#[test]
fn ownership_is_exact_arc_length() {
    assert!(ring(1, &[]).ownership().is_empty());
    assert_eq!(ring(1, &["solo"]).ownership(), vec![1.0]);
    let ring = ring(1, &["a", "b"]);
    let (p, o) = (ring.positions(), ring.owners());
    let first_arc = f64::from(p[1] - p[0]) / 2f64.powi(32);
    let shares = ring.ownership();
    assert_eq!(shares[o[1] as usize], first_arc);
    assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn vnodes_are_range_checked() {
    assert_eq!(HashRing::new(0), Err(RingError::InvalidVnodes(0)));
    assert_eq!(HashRing::new(4097), Err(RingError::InvalidVnodes(4097)));
    assert!(HashRing::new(1).is_ok() && HashRing::new(4096).is_ok());
}

#[test]
fn batch_and_one_by_one_build_the_same_ring() {
    let ids = ["d", "a", "c", "b", "e"];
    let mut batch = HashRing::new(50).unwrap();
    batch
        .add_nodes(&ids.iter().map(|id| (*id, 1.0)).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(batch, ring(50, &ids));
    assert_eq!(batch, ring(50, &["a", "b", "c", "d", "e"]));
}

#[test]
fn remove_keeps_owner_indexes_consistent() {
    let expected = ring(30, &["a", "c", "d"]);
    let mut ring = ring(30, &["a", "b", "c", "d"]);
    ring.remove_node("b").unwrap();
    assert_eq!(ring, expected);
    assert!(ring
        .owners()
        .iter()
        .all(|&o| (o as usize) < ring.node_count()));
}

#[test]
fn replica_lists_walk_past_repeated_owners() {
    let ring = ring(
        160,
        &(0..20)
            .map(|i| format!("n{i}"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    for i in 0..500 {
        let key = format!("k{i}");
        let list = ring.nodes_for(key.as_bytes(), 20);
        assert_eq!(list.len(), 20);
        let mut sorted = list.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 20);
        assert_eq!(Some(list[0]), ring.node_for(key.as_bytes()));
        assert_eq!(ring.nodes_for(key.as_bytes(), 3), list[..3].to_vec());
    }
}
