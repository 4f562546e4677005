//! `HashRing`'s `RingChange` reports, natively: exact against a brute-force reference, also along random histories and weight changes.
//! The reference model and generators are in `tests/common/ring_model.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/ring_model.rs"]
mod ring_model;

use proptest::prelude::*;
use ring_model::*;
use ringlease::core::{HashRing, RingChange, RingError, Scheme};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// For add_node, remove_node, set_weight, mark_down and mark_up on the same random ring
    /// (some nodes down), the reported arcs agree with the reference owners before and after at
    /// 100,000 random positions plus every piece boundary, and their measure is exact.
    #[test]
    fn ring_change_matches_brute_force(
        spec in any_spec(1..=20, false, 0.3),
        newcomer in "[A-Z]{1,6}",
        new_weight in weight(),
        pick in any::<prop::sample::Index>(),
        seed in any::<u64>(),
    ) {
        let base = spec.build();
        check_structure(&base)?;
        let mut rng = XorShift(seed | 1);
        let n = base.node_count();
        let victim = base.nodes()[pick.index(n)].id.clone();
        let up: Vec<&str> = base.nodes().iter().filter(|x| x.up).map(|x| x.id.as_str()).collect();
        let down: Vec<&str> = base.nodes().iter().filter(|x| !x.up).map(|x| x.id.as_str()).collect();
        let to_down = up.get(pick.index(up.len().max(1))).copied().unwrap_or(&victim).to_owned();
        let to_up = down.get(pick.index(down.len().max(1))).copied().unwrap_or(&victim).to_owned();

        type Mutation<'a> = Box<dyn Fn(&mut HashRing) -> Result<RingChange, RingError> + 'a>;
        let ops: Vec<(&str, Mutation)> = vec![
            ("add_node", Box::new(|r: &mut HashRing| r.add_node(&newcomer, new_weight))),
            ("remove_node", Box::new(|r: &mut HashRing| r.remove_node(&victim))),
            ("set_weight", Box::new(|r: &mut HashRing| r.set_weight(&victim, new_weight * 1.5))),
            ("mark_down", Box::new(|r: &mut HashRing| r.mark_down(&to_down))),
            ("mark_up", Box::new(|r: &mut HashRing| r.mark_up(&to_up))),
        ];
        for (name, mutate) in &ops {
            let mut after = base.clone();
            let change = mutate(&mut after).unwrap();
            check_structure(&after)?;
            check_change(&base, &after, &change, 100_000, &mut rng)
                .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            // The standalone constructor reports the same change.
            prop_assert_eq!(&RingChange::between(&base, &after), &change);
        }
    }

    /// Sequences of random operations (including on empty and all-down rings): every reported
    /// change is exact.
    #[test]
    fn ring_change_is_exact_along_random_histories(
        spec in any_spec(0..=6, false, 0.3),
        ops in prop::collection::vec(op(), 1..=12),
        seed in any::<u64>(),
    ) {
        let mut ring = spec.build();
        let mut rng = XorShift(seed | 1);
        for op in &ops {
            let before = ring.clone();
            if let Some(change) = apply(&mut ring, op) {
                check_structure(&ring)?;
                check_change(&before, &ring, &change, 2_000, &mut rng)
                    .map_err(|e| TestCaseError::fail(format!("{op:?}: {e}")))?;
            } else {
                prop_assert_eq!(&ring, &before);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// w1 → w2 → w1 restores the ring exactly (both schemes), and the way back reports the same
    /// arcs with `from` and `to` swapped.
    #[test]
    fn set_weight_there_and_back_restores_the_ring(
        spec in any_spec(1..=20, false, 0.3),
        pick in any::<prop::sample::Index>(),
        w2 in weight(),
    ) {
        let original = spec.build();
        let id = original.nodes()[pick.index(original.node_count())].id.clone();
        let w1 = original.nodes()[index_of(&original, &id)].weight;
        let mut ring = original.clone();
        let there = ring.set_weight(&id, w2).unwrap();
        prop_assert_eq!(ring.nodes()[index_of(&ring, &id)].weight, w2);
        prop_assert_eq!(ring.is_up(&id), original.is_up(&id));
        let back = ring.set_weight(&id, w1).unwrap();
        prop_assert_eq!(&ring, &original);
        let swapped: Vec<_> = there.arcs.iter().map(|a| (a.start, a.end, a.to.clone(), a.from.clone())).collect();
        let back_arcs: Vec<_> = back.arcs.iter().map(|a| (a.start, a.end, a.from.clone(), a.to.clone())).collect();
        prop_assert_eq!(swapped, back_arcs);
        prop_assert_eq!(there.moved_fraction, back.moved_fraction);
        // Insertion order is kept (it is the persistence order).
        prop_assert_eq!(insertion_order(&ring), insertion_order(&original));
    }

    /// sha1: raising a node's weight only moves keys to it, lowering it only moves keys from it
    /// (checked on the arcs and on 10,000 keys); a down node's weight moves nothing.
    #[test]
    fn set_weight_moves_keys_only_to_or_from_that_node(
        spec in spec(Scheme::Sha1, 1..=20, false, 0.3),
        pick in any::<prop::sample::Index>(),
        w2 in weight(),
        salt in any::<u32>(),
    ) {
        let before = spec.build();
        let id = before.nodes()[pick.index(before.node_count())].id.clone();
        let w1 = before.nodes()[index_of(&before, &id)].weight;
        let mut after = before.clone();
        let change = after.set_weight(&id, w2).unwrap();
        let me = Some(id.as_str());
        if !before.is_up(&id).unwrap() {
            prop_assert!(change.arcs.is_empty());
        } else if w2 > w1 {
            prop_assert!(change.arcs.iter().all(|a| a.to.as_deref() == me));
        } else if w2 < w1 {
            prop_assert!(change.arcs.iter().all(|a| a.from.as_deref() == me));
        } else {
            prop_assert!(change.arcs.is_empty());
        }
        let name = |ring: &HashRing, p: u32| ring.owner_of_position(p).map(|i| ring.nodes()[i].id.clone());
        for key in keys(10_000, salt) {
            let p = before.position_of(key.as_bytes());
            let (old, new) = (name(&before, p), name(&after, p));
            if old != new {
                prop_assert!(before.is_up(&id).unwrap());
                if w2 > w1 { prop_assert_eq!(new.as_deref(), me, "{}", key); } else { prop_assert_eq!(old.as_deref(), me, "{}", key); }
            }
        }
    }
}
