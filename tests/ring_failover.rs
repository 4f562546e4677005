//! `HashRing` failover, natively: down nodes are skipped and marking them up restores every owner.
//! The reference model and generators are in `tests/common/ring_model.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/ring_model.rs"]
mod ring_model;

use proptest::prelude::*;
use ring_model::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Marking a random non-empty set of nodes down sends every key to the first entry of its
    /// pre-failure replica list that is still up (and the replica list is the old one without
    /// the down nodes); each `mark_down` reports exactly the node's previous share, all `from`
    /// it; marking them up again, in another order, restores the ring and every owner exactly.
    #[test]
    fn failover_skips_down_nodes_and_mark_up_restores(
        spec in any_spec(2..=30, false, 0.0),
        downs in prop::collection::vec(any::<bool>(), 30),
        first in any::<prop::sample::Index>(),
        up_order in any::<u64>(),
        salt in any::<u32>(),
    ) {
        let original = spec.build();
        let n = original.node_count();
        // A non-empty set (possibly every node), in insertion order.
        let mut victims: Vec<String> = spec.nodes.iter().zip(&downs)
            .filter(|(_, &d)| d).map(|((id, _, _), _)| id.clone()).collect();
        if victims.is_empty() {
            victims.push(spec.nodes[first.index(n)].0.clone());
        }
        let keys = keys(10_000, salt);
        let positions: Vec<u32> = keys.iter().map(|k| original.position_of(k.as_bytes())).collect();
        let pre: Vec<Vec<u32>> = positions.iter()
            .map(|&p| original.replica_indexes(p, usize::MAX))
            .collect();
        let pre_owners: Vec<Option<usize>> = positions.iter().map(|&p| original.owner_of_position(p)).collect();

        let mut ring = original.clone();
        for victim in &victims {
            let index = index_of(&ring, victim);
            let share = ring.ownership()[index];
            let change = ring.mark_down(victim).unwrap();
            prop_assert!((change.moved_fraction - share).abs() <= 1e-12,
                "{victim}: moved {} vs share {share}", change.moved_fraction);
            prop_assert!(change.arcs.iter().all(|a| a.from.as_deref() == Some(victim.as_str())));
            prop_assert!(change.arcs.iter().all(|a| a.to.as_deref() != Some(victim.as_str())));
            prop_assert_eq!(ring.ownership()[index], 0.0);
            prop_assert_eq!(ring.is_up(victim), Ok(false));
        }
        // Marking a down node down again moves nothing.
        let again = ring.mark_down(&victims[0]).unwrap();
        prop_assert!(again.arcs.is_empty() && again.moved_fraction == 0.0);
        prop_assert_eq!(ring.live_count(), n - victims.len());

        for (i, &p) in positions.iter().enumerate() {
            let live: Vec<u32> = pre[i].iter().copied().filter(|&o| ring.nodes()[o as usize].up).collect();
            let owner = ring.owner_of_position(p);
            prop_assert_eq!(owner, live.first().map(|&o| o as usize), "{}", keys[i]);
            prop_assert_eq!(owner, ref_owner(&ring, p));
            if i < 1_000 {
                let key = keys[i].as_bytes();
                prop_assert_eq!(ring.owner_index(key), owner);
                let ids: Vec<&str> = live.iter().map(|&o| ring.nodes()[o as usize].id.as_str()).collect();
                prop_assert_eq!(ring.nodes_for(key, usize::MAX), ids, "{}", keys[i]);
            }
        }

        // Up again, in a shuffled order: each mark_up only moves keys back to that node.
        let mut order = victims.clone();
        let mut rng = XorShift(up_order | 1);
        for i in (1..order.len()).rev() {
            order.swap(i, rng.next_u32() as usize % (i + 1));
        }
        for id in &order {
            let change = ring.mark_up(id).unwrap();
            prop_assert!(change.arcs.iter().all(|a| a.to.as_deref() == Some(id.as_str())));
        }
        prop_assert_eq!(&ring, &original);
        let restored: Vec<Option<usize>> = positions.iter().map(|&p| ring.owner_of_position(p)).collect();
        prop_assert_eq!(restored, pre_owners);
    }
}
