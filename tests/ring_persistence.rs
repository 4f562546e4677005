//! `HashRing` rebuilt from its insertion order (what `toJSON`/`fromJSON` do), natively, with ketama's ties and weight sums.
//! The reference model and generators are in `tests/common/ring_model.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/ring_model.rs"]
mod ring_model;

use proptest::prelude::*;
use ring_model::*;
use ringlease::core::hash::ketama::{self, Continuum};
use ringlease::core::{HashRing, RingChange, Scheme};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// After a random history, rebuilding from `nodes_in_insertion_order()` gives an equal ring
    /// with the same insertion order (both schemes); building with one `add_nodes` batch in
    /// that order gives the same ring too. sha1 rings are equal whatever the order.
    #[test]
    fn rebuilt_from_insertion_order_is_equal(
        spec in any_spec(0..=12, false, 0.3),
        history in prop::collection::vec(op(), 0..=10),
        shuffle in any::<u64>(),
    ) {
        let mut ring = spec.build();
        // The expected insertion order: the spec's, then each added node at the end.
        let mut order: Vec<String> = spec.nodes.iter().map(|n| n.0.clone()).collect();
        prop_assert_eq!(insertion_order(&ring).iter().map(|n| n.0).collect::<Vec<_>>(), order.clone());
        for op in &history {
            apply(&mut ring, op);
            order.retain(|id| ring.has_node(id));
            for node in ring.nodes() {
                if !order.contains(&node.id) {
                    order.push(node.id.clone());
                }
            }
        }
        let nodes = insertion_order(&ring);
        prop_assert_eq!(nodes.iter().map(|n| n.0).collect::<Vec<_>>(), order);
        let copy = ring.rebuilt(&nodes).unwrap();
        prop_assert_eq!(&copy, &ring);
        prop_assert_eq!(insertion_order(&copy), nodes.clone());
        prop_assert_eq!(copy.live_count(), ring.live_count());

        let mut batch = HashRing::with_scheme(ring.scheme(), ring.vnodes()).unwrap();
        batch.add_nodes(&nodes.iter().map(|&(id, w, _)| (id, w)).collect::<Vec<_>>()).unwrap();
        for &(id, _, up) in &nodes {
            if !up { batch.mark_down(id).unwrap(); }
        }
        prop_assert_eq!(&batch, &ring);

        let mut shuffled = nodes.clone();
        let mut rng = XorShift(shuffle | 1);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.next_u32() as usize % (i + 1));
        }
        let reordered = ring.rebuilt(&shuffled).unwrap();
        match ring.scheme() {
            Scheme::Sha1 => prop_assert_eq!(&reordered, &ring),
            Scheme::Ketama => {
                // Insertion order is part of a ketama ring's identity in two ways: it orders
                // tied points (different nodes at one position), and hashring sums the weights
                // in that order (float addition is not associative). Without either, the order
                // does not matter.
                let total = |list: &[(&str, f64, bool)]| ketama::total_weight(list.iter().map(|n| n.1));
                let mut all: Vec<(u32, u32)> = ring.positions().iter().copied().zip(ring.owners().iter().copied()).collect();
                all.dedup();
                let cross_node_tie = all.windows(2).any(|w| w[0].0 == w[1].0);
                if !cross_node_tie && total(&nodes).to_bits() == total(&shuffled).to_bits() {
                    prop_assert_eq!(&reordered, &ring);
                }
            }
        }
    }
}

/// A regression test: a ketama ring once rejected at `add_node` a weight it accepted at
/// `set_weight` (the sha1 rule `vnodes × weight` ≤ 2^20, meaningless for ketama, whose weights
/// are relative), so a ring that existed could not be persisted and rebuilt.
#[test]
fn ketama_ring_with_a_large_relative_weight_round_trips_through_rebuilt() {
    let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    ring.add_nodes(&[("a:1", 1.0), ("b:1", 1.0)]).unwrap();
    ring.set_weight("a:1", 30_000.0).unwrap();
    ring.set_weight("b:1", 20_000.0).unwrap();
    assert_eq!(ring.point_count(), 4 * (48 + 32));
    let copy = ring.rebuilt(&insertion_order(&ring));
    assert!(copy.as_ref() == Ok(&ring), "rebuilt: {:?}", copy.err());
    // The same nodes added directly with those weights are accepted too (hashring accepts them).
    let mut direct = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    let added = direct.add_nodes(&[("a:1", 30_000.0), ("b:1", 20_000.0)]);
    assert!(added.is_ok(), "add_nodes: {:?}", added.err());
    assert!(direct == ring);
}

/// Two ketama servers with a tied MD5 point (found by search; sha1 would break the tie by id):
/// the point goes to whichever was inserted first, so the two insertion orders give different
/// rings and `rebuilt` must keep the order. Documented, not a bug: hashring does the same.
#[test]
fn ketama_insertion_order_decides_ties() {
    const TIE: u32 = 3_152_960_057;
    let (x, y) = ("10.0.2.53:11211", "10.0.2.161:11211");
    let build = |order: &[&str]| {
        let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
        for id in order {
            ring.add_node(id, 1.0).unwrap();
        }
        ring
    };
    let (xy, yx) = (build(&[x, y]), build(&[y, x]));
    let tied = xy.positions().iter().filter(|&&p| p == TIE).count();
    assert_eq!(tied, 2);
    assert_eq!(xy.owner_of_position(TIE), xy.index_of(x));
    assert_eq!(yx.owner_of_position(TIE), yx.index_of(y));
    assert_ne!(xy, yx);
    // Only the arc ending at the tie changes hands: (previous point, TIE].
    let change = RingChange::between(&xy, &yx);
    let at = xy.positions().partition_point(|&p| p < TIE);
    let arc = (xy.positions()[at - 1] + 1, TIE);
    assert_eq!(change.arcs.len(), 1);
    assert_eq!((change.arcs[0].start, change.arcs[0].end), arc);
    assert_eq!(change.arcs[0].from.as_deref(), Some(x));
    assert_eq!(change.arcs[0].to.as_deref(), Some(y));
    // The reference continuum agrees, and `rebuilt` keeps each order.
    for (ring, order) in [(&xy, [x, y]), (&yx, [y, x])] {
        let continuum = Continuum::new(&[(order[0], 1.0), (order[1], 1.0)]);
        assert_eq!(
            continuum.point(continuum.lookup(TIE)).map(|p| p.1),
            Some(order[0])
        );
        assert_eq!(&ring.rebuilt(&insertion_order(ring)).unwrap(), ring);
    }
    // The sha1 scheme orders the same two ids' ties by id: insertion order does not matter.
    let mut sha = HashRing::new(160).unwrap();
    sha.add_nodes(&[(y, 1.0), (x, 1.0)]).unwrap();
    let mut sha2 = HashRing::new(160).unwrap();
    sha2.add_nodes(&[(x, 1.0), (y, 1.0)]).unwrap();
    assert_eq!(sha, sha2);
}

/// Documented: hashring sums weights in constructor order, so `[0.1, 0.2, 0.3]` and
/// `[0.3, 0.2, 0.1]` give totals 0.6000000000000001 and 0.6, and the 0.3 server 59 or 60
/// vnodes: a ketama ring's insertion order matters even without ties.
#[test]
fn ketama_insertion_order_decides_the_weight_sum() {
    let build = |order: &[(&str, f64)]| {
        let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
        ring.add_nodes(order).unwrap();
        ring
    };
    let a = build(&[("a", 0.1), ("b", 0.2), ("c", 0.3)]);
    let b = build(&[("c", 0.3), ("b", 0.2), ("a", 0.1)]);
    let points = |ring: &HashRing| ring.nodes()[index_of(ring, "c")].points;
    assert_eq!(
        points(&a),
        4 * ketama::vnodes_for(0.3, 0.1 + 0.2 + 0.3, 3, 40)
    );
    assert_eq!(
        points(&b),
        4 * ketama::vnodes_for(0.3, 0.3 + 0.2 + 0.1, 3, 40)
    );
    assert_ne!(points(&a), points(&b));
    assert_ne!(a, b);
}
