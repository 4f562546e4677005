//! Property tests of the complete `HashRing` (docs/placement.md),
//! natively: failover, `RingChange` against a brute-force reference, bounded loads (R8),
//! ownership, `set_weight`, persistence through `rebuilt`, `moved_keys` / `distribution` /
//! `owners_of`, and the ketama point counts.
//!
//! The reference used throughout ([`ref_owner`]) is written from the contract alone, over the
//! ring's raw `positions()` / `owners()` / `nodes()`: the owner of position `p` is the node of
//! the first point with position ≥ `p` (wrapping) whose node is up.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use ringlease::core::hash::ketama::{self, Continuum};
use ringlease::core::ring::balance::bounded_capacity;
use ringlease::core::ring::NO_NODE;
use ringlease::core::{HashRing, RingChange, RingError, Scheme};

/// 2^32, the number of ring positions.
const KEYSPACE: f64 = 4_294_967_296.0;

// ---------------------------------------------------------------------------------------------
// Generators and helpers
// ---------------------------------------------------------------------------------------------

/// A ring to build: scheme, vnodes and its nodes `(id, weight, up)` in insertion order.
#[derive(Debug, Clone)]
struct Spec {
    scheme: Scheme,
    vnodes: u32,
    nodes: Vec<(String, f64, bool)>,
}

impl Spec {
    /// One `add_nodes` batch in insertion order, then `mark_down` (building one node at a time
    /// gives the same ring: checked by `rebuilt_from_insertion_order_is_equal`).
    fn build(&self) -> HashRing {
        let mut ring = HashRing::with_scheme(self.scheme, self.vnodes).unwrap();
        let specs: Vec<(&str, f64)> = self
            .nodes
            .iter()
            .map(|(id, w, _)| (id.as_str(), *w))
            .collect();
        ring.add_nodes(&specs).unwrap();
        for (id, _, up) in &self.nodes {
            if !up {
                ring.mark_down(id).unwrap();
            }
        }
        ring
    }
}

/// Distinct node ids of mixed shapes (ASCII, `host:port`, non-ASCII), in random order.
fn node_ids(count: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z0-9:.\\-é東]{1,10}", count)
        .prop_map(|set| set.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

/// Weights 0.25, 0.5, …, 4 (exact in binary), 0.1, 0.2, …, 4 (not exact: a ketama total then
/// depends on the summation order), or exactly 1.
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        (1u32..=16).prop_map(|w| f64::from(w) / 4.0),
        (1u32..=40).prop_map(|w| f64::from(w) / 10.0),
    ]
}

/// The vnode range of a scheme: `sha1` points per unit of weight, or hashring's vnode count
/// (× 4 points) for `ketama`.
fn vnodes_for_scheme(scheme: Scheme, at_least_100_points: bool) -> std::ops::RangeInclusive<u32> {
    match (scheme, at_least_100_points) {
        (Scheme::Sha1, true) => 100..=200,
        (Scheme::Sha1, false) => 1..=200,
        (Scheme::Ketama, true) => 25..=50,
        (Scheme::Ketama, false) => 1..=50,
    }
}

fn scheme() -> impl Strategy<Value = Scheme> {
    prop_oneof![Just(Scheme::Sha1), Just(Scheme::Ketama)]
}

/// A ring of `count` nodes; each node is down with probability `down` (0.0: all up).
fn spec(
    scheme: Scheme,
    count: std::ops::RangeInclusive<usize>,
    at_least_100_points: bool,
    down: f64,
) -> impl Strategy<Value = Spec> {
    (
        vnodes_for_scheme(scheme, at_least_100_points),
        node_ids(count).prop_flat_map(move |ids| {
            let n = ids.len();
            (
                Just(ids),
                prop::collection::vec(weight(), n),
                prop::collection::vec(prop::bool::weighted(down), n),
            )
        }),
    )
        .prop_map(move |(vnodes, (ids, weights, downs))| Spec {
            scheme,
            vnodes,
            nodes: ids
                .into_iter()
                .zip(weights)
                .zip(downs)
                .map(|((id, w), d)| (id, w, !d))
                .collect(),
        })
}

fn any_spec(
    count: std::ops::RangeInclusive<usize>,
    at_least_100_points: bool,
    down: f64,
) -> impl Strategy<Value = Spec> {
    scheme().prop_flat_map(move |s| spec(s, count.clone(), at_least_100_points, down))
}

fn keys(count: usize, salt: u32) -> Vec<String> {
    (0..count).map(|i| format!("key-{salt}-{i}")).collect()
}

fn as_bytes(keys: &[String]) -> Vec<&[u8]> {
    keys.iter().map(String::as_bytes).collect()
}

/// xorshift64: the random positions sampled by the `RingChange` checks.
struct XorShift(u64);

impl XorShift {
    fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 32) as u32
    }
}

/// The reference owner of ring position `p`: the node (index into `nodes()`) of the first point
/// with position ≥ `p`, wrapping, skipping points whose node is down. Written from the contract.
fn ref_owner(ring: &HashRing, p: u32) -> Option<usize> {
    let (positions, owners, nodes) = (ring.positions(), ring.owners(), ring.nodes());
    if positions.is_empty() || !nodes.iter().any(|node| node.up) {
        return None;
    }
    let start = positions.partition_point(|&q| q < p);
    (0..positions.len())
        .map(|step| owners[(start + step) % positions.len()] as usize)
        .find(|&owner| nodes[owner].up)
}

/// Whether some live node holds a point. Not the same as `live_count() > 0` on a ketama ring,
/// where a node whose share floors to 0 vnodes is up but owns nothing (see
/// `ketama_live_node_without_points_serves_nothing`).
fn serves(ring: &HashRing) -> bool {
    ring.owners().iter().any(|&o| ring.nodes()[o as usize].up)
}

fn index_of(ring: &HashRing, id: &str) -> usize {
    ring.index_of(id).unwrap()
}

/// Structural sanity of a ring's raw arrays.
fn check_structure(ring: &HashRing) -> Result<(), TestCaseError> {
    prop_assert_eq!(ring.positions().len(), ring.owners().len());
    prop_assert!(ring.positions().windows(2).all(|w| w[0] <= w[1]));
    prop_assert!(ring
        .owners()
        .iter()
        .all(|&o| (o as usize) < ring.node_count()));
    let points: u64 = ring.nodes().iter().map(|n| u64::from(n.points)).sum();
    prop_assert_eq!(points, ring.point_count() as u64);
    Ok(())
}

/// The reference owners (ids) of ascending positions `sorted`, in one sweep: for every point
/// the first live point at or after it is found by a plain forward walk over the live points,
/// then each position takes the first point with position ≥ it (wrapping to point 0).
fn ref_owners_sorted<'r>(ring: &'r HashRing, sorted: &[u32]) -> Vec<Option<&'r str>> {
    let (positions, owners, nodes) = (ring.positions(), ring.owners(), ring.nodes());
    let len = positions.len();
    let live: Vec<usize> = (0..len).filter(|&k| nodes[owners[k] as usize].up).collect();
    if live.is_empty() {
        return vec![None; sorted.len()];
    }
    // effective[k]: the node of the first live point at index ≥ k, wrapping to the first live.
    let mut effective: Vec<&str> = Vec::with_capacity(len);
    let mut next = 0;
    for k in 0..len {
        while next < live.len() && live[next] < k {
            next += 1;
        }
        let point = if next < live.len() {
            live[next]
        } else {
            live[0]
        };
        effective.push(nodes[owners[point] as usize].id.as_str());
    }
    let mut k = 0;
    sorted
        .iter()
        .map(|&p| {
            while k < len && positions[k] < p {
                k += 1;
            }
            Some(effective[if k == len { 0 } else { k }])
        })
        .collect()
}

/// Checks `change` (reported for `before` → `after`) against the reference:
/// - arcs are well formed (start ≤ end, ascending, non-overlapping, maximal, from ≠ to);
/// - `moved_fraction` is Σ(end − start + 1) / 2^32 (within 1e-12);
/// - every arc starts and ends on a piece boundary of the two step functions (a point position
///   of either ring), and at every sampled position `p` (every boundary and its neighbours, 0,
///   `u32::MAX`, and `random` uniform positions) `p` lies in an arc iff the reference owners
///   differ, with that arc's `from`/`to` equal to them;
/// - the moved measure equals the exact brute-force measure over all pieces.
///
/// Together these pin the arcs down exactly. Returns the number of positions checked.
fn check_change(
    before: &HashRing,
    after: &HashRing,
    change: &RingChange,
    random: usize,
    rng: &mut XorShift,
) -> Result<usize, TestCaseError> {
    let arcs = &change.arcs;
    for arc in arcs {
        prop_assert!(arc.start <= arc.end, "{:?}", arc);
        prop_assert!(arc.from != arc.to, "{:?}", arc);
    }
    for pair in arcs.windows(2) {
        prop_assert!(pair[0].end < pair[1].start, "{:?}", pair);
        let adjacent = u64::from(pair[0].end) + 1 == u64::from(pair[1].start);
        prop_assert!(
            !(adjacent && pair[0].from == pair[1].from && pair[0].to == pair[1].to),
            "unmerged {:?}",
            pair
        );
    }
    let covered: u64 = arcs.iter().map(|a| u64::from(a.end - a.start) + 1).sum();
    prop_assert!(
        (change.moved_fraction - covered as f64 / KEYSPACE).abs() <= 1e-12,
        "moved_fraction {} vs arcs {}",
        change.moved_fraction,
        covered as f64 / KEYSPACE
    );

    // Piece boundaries: every point position of either ring, and u32::MAX.
    let mut breaks: Vec<u32> = before
        .positions()
        .iter()
        .chain(after.positions())
        .copied()
        .chain(std::iter::once(u32::MAX))
        .collect();
    breaks.sort_unstable();
    breaks.dedup();
    for arc in arcs {
        prop_assert!(
            arc.start == 0 || breaks.binary_search(&(arc.start - 1)).is_ok(),
            "arc starts inside a piece: {:?}",
            arc
        );
        prop_assert!(
            breaks.binary_search(&arc.end).is_ok(),
            "arc ends inside a piece: {:?}",
            arc
        );
    }

    // Exact brute-force moved measure: both owners are constant on [0, b[0]] and on each
    // (b[i-1], b[i]], so each piece is judged at its last position.
    let (from, to) = (
        ref_owners_sorted(before, &breaks),
        ref_owners_sorted(after, &breaks),
    );
    let mut exact: u64 = 0;
    let mut low: u64 = 0;
    for (i, &b) in breaks.iter().enumerate() {
        if from[i] != to[i] {
            exact += u64::from(b) - low + 1;
        }
        low = u64::from(b) + 1;
    }
    prop_assert_eq!(exact, covered, "brute-force moved measure");

    // Sampled positions, as non-decreasing lists (sorting 100k values in a debug build costs
    // more than everything else): `random` uniform positions, one in each of `random` equal
    // strata of the keyspace; every boundary and its two neighbours; the ends of the keyspace.
    let stratum = (1u64 << 32) / random.max(1) as u64;
    let uniform: Vec<u32> = (0..random as u64)
        .map(|i| (i * stratum + u64::from(rng.next_u32()) % stratum) as u32)
        .collect();
    let lists = [
        uniform,
        breaks.iter().map(|b| b.saturating_sub(1)).collect(),
        breaks.clone(),
        breaks.iter().map(|b| b.saturating_add(1)).collect(),
        vec![0, 1, u32::MAX - 1, u32::MAX],
    ];
    let mut checked = 0;
    for samples in &lists {
        let (from, to) = (
            ref_owners_sorted(before, samples),
            ref_owners_sorted(after, samples),
        );
        let mut at = 0;
        for (i, &p) in samples.iter().enumerate() {
            while at < arcs.len() && arcs[at].end < p {
                at += 1;
            }
            match arcs.get(at).filter(|a| a.start <= p) {
                Some(arc) => {
                    prop_assert!(
                        from[i] != to[i],
                        "p={p} in {arc:?} but owner stays {:?}",
                        from[i]
                    );
                    prop_assert_eq!(arc.from.as_deref(), from[i], "p={}", p);
                    prop_assert_eq!(arc.to.as_deref(), to[i], "p={}", p);
                }
                None => prop_assert_eq!(from[i], to[i], "p={} moved but is in no arc", p),
            }
        }
        checked += samples.len();
    }
    Ok(checked)
}

/// The reference bounded-loads assignment: keys in order, each to the first live node clockwise
/// from its position whose load is below `cap`.
fn ref_bounded(ring: &HashRing, keys: &[&[u8]], cap: u64) -> Vec<u32> {
    let (positions, owners, nodes) = (ring.positions(), ring.owners(), ring.nodes());
    let mut load = vec![0u64; nodes.len()];
    keys.iter()
        .map(|key| {
            let p = ring.position_of(key);
            let start = positions.partition_point(|&q| q < p);
            let chosen = (0..positions.len())
                .map(|step| owners[(start + step) % positions.len()])
                .find(|&o| nodes[o as usize].up && load[o as usize] < cap)
                .unwrap_or(NO_NODE);
            if chosen != NO_NODE {
                load[chosen as usize] += 1;
            }
            chosen
        })
        .collect()
}

/// One mutation of a ring, picked at random.
#[derive(Debug, Clone)]
enum Op {
    Add(String, f64),
    Remove(prop::sample::Index),
    SetWeight(prop::sample::Index, f64),
    MarkDown(prop::sample::Index),
    MarkUp(prop::sample::Index),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        ("[A-Z]{1,6}", weight()).prop_map(|(id, w)| Op::Add(id, w)),
        any::<prop::sample::Index>().prop_map(Op::Remove),
        (any::<prop::sample::Index>(), weight()).prop_map(|(i, w)| Op::SetWeight(i, w)),
        any::<prop::sample::Index>().prop_map(Op::MarkDown),
        any::<prop::sample::Index>().prop_map(Op::MarkUp),
    ]
}

/// Applies `op` (ids picked among the ring's nodes; no-ops on an empty ring or a duplicate).
fn apply(ring: &mut HashRing, op: &Op) -> Option<RingChange> {
    let pick = |i: &prop::sample::Index, ring: &HashRing| {
        (ring.node_count() > 0).then(|| ring.nodes()[i.index(ring.node_count())].id.clone())
    };
    match op {
        Op::Add(id, w) => ring.add_node(id, *w).ok(),
        Op::Remove(i) => pick(i, ring).map(|id| ring.remove_node(&id).unwrap()),
        Op::SetWeight(i, w) => pick(i, ring).map(|id| ring.set_weight(&id, *w).unwrap()),
        Op::MarkDown(i) => pick(i, ring).map(|id| ring.mark_down(&id).unwrap()),
        Op::MarkUp(i) => pick(i, ring).map(|id| ring.mark_up(&id).unwrap()),
    }
}

fn insertion_order(ring: &HashRing) -> Vec<(&str, f64, bool)> {
    ring.nodes_in_insertion_order()
        .into_iter()
        .map(|n| (n.id.as_str(), n.weight, n.up))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Failover
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 2. RingChange against brute force
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 3. Bounded loads
// ---------------------------------------------------------------------------------------------

const EPSILONS: [f64; 5] = [0.01, 0.1, 0.25, 0.5, 1.0];

fn key_count() -> impl Strategy<Value = usize> {
    prop_oneof![Just(0usize), 1usize..=40, 0usize..=20_000]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// R8: every key goes to a live node, no node exceeds `bounded_capacity(m, n_live, ε)`,
    /// down nodes get nothing, and the assignment is exactly the greedy rule of the contract.
    #[test]
    fn bounded_loads_respect_the_cap(
        spec in any_spec(3..=30, true, 0.2),
        keep_up in any::<prop::sample::Index>(),
        m in key_count(),
        epsilon in prop::sample::select(EPSILONS.to_vec()),
        salt in any::<u32>(),
    ) {
        let mut ring = spec.build();
        if ring.live_count() == 0 {
            let id = ring.nodes()[keep_up.index(ring.node_count())].id.clone();
            ring.mark_up(&id).unwrap();
        }
        let live = ring.live_count();
        let keys = keys(m, salt);
        let keys = as_bytes(&keys);
        let assigned = ring.assign_bounded(&keys, epsilon).unwrap();
        prop_assert_eq!(assigned.len(), m);
        let cap = bounded_capacity(m, live, epsilon);
        prop_assert!(cap >= (m as u64).div_ceil(live as u64).max(1));
        prop_assert!(cap as f64 <= ((1.0 + epsilon) * m as f64 / live as f64).ceil().max(1.0));
        let mut load = vec![0u64; ring.node_count()];
        for &owner in &assigned {
            prop_assert!(owner != NO_NODE, "a key was left unassigned");
            prop_assert!(ring.nodes()[owner as usize].up, "key given to down node");
            load[owner as usize] += 1;
        }
        prop_assert!(load.iter().all(|&l| l <= cap), "max load {:?} > cap {cap}", load.iter().max());
        prop_assert_eq!(assigned, ref_bounded(&ring, &keys, cap));
    }
}

proptest! {
    // Fixed seed: the movement bound is statistical (measured ≤ 1.34, asserted ≤ 1.6).
    #![proptest_config(ProptestConfig {
        cases: 16,
        rng_seed: RngSeed::Fixed(0x5eed_0003),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// R8 movement: adding a node to a sha1 ring (V ≥ 100, equal weights) and re-running the
    /// bounded assignment of the same 20,000 keys, in the same order, changes the node of at
    /// most 1.6 × m/(N+1) keys (ε ≥ 0.1). Monotonicity is not asserted (it does not hold).
    #[test]
    fn bounded_loads_move_little_on_add(
        ids in node_ids(4..=31),
        vnodes in 100u32..=200,
        epsilon in prop::sample::select(vec![0.1, 0.25, 0.5, 1.0]),
        salt in any::<u32>(),
    ) {
        let (newcomer, rest) = ids.split_last().unwrap();
        let mut ring = HashRing::new(vnodes).unwrap();
        ring.add_nodes(&rest.iter().map(|id| (id.as_str(), 1.0)).collect::<Vec<_>>()).unwrap();
        let keys = keys(20_000, salt);
        let keys = as_bytes(&keys);
        let before = ring.assign_bounded(&keys, epsilon).unwrap();
        let before: Vec<String> = before.iter().map(|&o| ring.nodes()[o as usize].id.clone()).collect();
        ring.add_node(newcomer, 1.0).unwrap();
        let after = ring.assign_bounded(&keys, epsilon).unwrap();
        let moved = before.iter().zip(&after)
            .filter(|(old, &new)| old.as_str() != ring.nodes()[new as usize].id)
            .count();
        let ideal = keys.len() as f64 / ring.node_count() as f64;
        prop_assert!(moved as f64 <= 1.6 * ideal,
            "N={} ε={epsilon}: moved {moved} = {:.3} × m/(N+1)", rest.len(), moved as f64 / ideal);
    }
}

#[test]
fn bounded_loads_reject_bad_epsilon_and_rings_without_live_nodes() {
    let mut ring = HashRing::new(50).unwrap();
    let keys = ["a".as_bytes(), b"b", b"c"];
    for epsilon in [
        0.0,
        -0.0,
        -0.5,
        -1e-300,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        // Checked first: even with no keys and no node.
        assert!(
            matches!(ring.assign_bounded(&[], epsilon), Err(RingError::InvalidEpsilon(e)) if e.to_bits() == epsilon.to_bits())
        );
        assert!(matches!(
            ring.assign_bounded(&keys, epsilon),
            Err(RingError::InvalidEpsilon(_))
        ));
    }
    // Empty ring.
    assert_eq!(ring.assign_bounded(&keys, 0.5), Err(RingError::NoLiveNode));
    assert_eq!(ring.assign_bounded(&[], 0.5), Ok(vec![]));
    ring.add_nodes(&[("a", 1.0), ("b", 2.0)]).unwrap();
    ring.mark_down("a").unwrap();
    ring.mark_down("b").unwrap();
    // Every node down.
    assert_eq!(ring.assign_bounded(&keys, 0.5), Err(RingError::NoLiveNode));
    assert_eq!(ring.assign_bounded(&[], 0.5), Ok(vec![]));
    for epsilon in [f64::MIN_POSITIVE, 1e-300, f64::EPSILON, f64::MAX] {
        assert!(matches!(
            ring.assign_bounded(&keys, epsilon),
            Err(RingError::NoLiveNode)
        ));
    }
    // Extreme but valid epsilons on a live ring.
    ring.mark_up("b").unwrap();
    for epsilon in [f64::MIN_POSITIVE, 1e-300, f64::EPSILON, f64::MAX] {
        let b = index_of(&ring, "b") as u32;
        assert_eq!(ring.assign_bounded(&keys, epsilon), Ok(vec![b; 3]));
    }
}

/// BUG (see report): on a ketama ring a live node can hold no points (hashring gives a server
/// `floor(share × 40 × servers)` vnodes, 0 for a small share), yet `assign_bounded` counts it
/// in `n`, so the cap is too small for the nodes that can actually receive keys and keys are
/// left as `NO_NODE` (`undefined` in JS's `string[]`).
#[test]
fn bounded_loads_assign_every_key_when_a_live_ketama_node_has_no_points() {
    let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    ring.add_nodes(&[("a", 1.0), ("b", 1001.0)]).unwrap();
    assert_eq!(ring.nodes()[index_of(&ring, "a")].points, 0);
    assert_eq!(ring.live_count(), 2);
    let keys = keys(10, 0);
    let assigned = ring.assign_bounded(&as_bytes(&keys), 0.01).unwrap();
    assert!(
        assigned.iter().all(|&o| o != NO_NODE),
        "unassigned keys: {assigned:?}"
    );
    // The only live node has no points: an error, not Ok with every key unassigned.
    ring.mark_down("b").unwrap();
    let result = ring.assign_bounded(&as_bytes(&keys), 0.5);
    assert!(
        !matches!(&result, Ok(v) if v.contains(&NO_NODE)),
        "{result:?}"
    );
}

/// Documents (passing) what a live ketama node without points means today: it is up and
/// counted by `live_count`, yet lookups return `None` when it is the only live node, the
/// shares are all 0 and `distribution` counts nothing — contrary to the docs of `ownership`
/// ("sums to 1 when a node is up"), `distribution` and `nodes_for` ("length min(n,
/// live_count)"). See the report; the lead decides between docs and code.
#[test]
fn ketama_live_node_without_points_serves_nothing() {
    let mut ring = HashRing::with_scheme(Scheme::Ketama, 1).unwrap();
    ring.add_nodes(&[("x", 1.75), ("y", 1.0)]).unwrap();
    assert_eq!(ring.nodes()[index_of(&ring, "y")].points, 0);
    assert_eq!(ring.nodes_for(b"k", 2), vec!["x"]); // 2 live nodes, 1 entry
    ring.mark_down("x").unwrap();
    assert_eq!(ring.live_count(), 1);
    assert_eq!(ring.node_for(b"k"), None);
    assert_eq!(ring.ownership(), vec![0.0, 0.0]);
    assert_eq!(ring.distribution([b"k".as_slice()]), vec![0, 0]);
    assert!(!serves(&ring));
}

// ---------------------------------------------------------------------------------------------
// 4. Ownership
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 5. set_weight
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 6. Persistence via `rebuilt`
// ---------------------------------------------------------------------------------------------

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

/// BUG (see report): a ketama ring rejects at `add_node` a weight it accepts at `set_weight`
/// (`points_for_weight` applies the sha1 rule `vnodes × weight` ≤ 2^20, meaningless for ketama,
/// whose weights are relative), so a ring that exists cannot be persisted and rebuilt.
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

// ---------------------------------------------------------------------------------------------
// 7. moved_keys, distribution, owners_of
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 8. Ketama point counts
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Each server gets `4 × ketama::vnodes_for(weight, total in insertion order, servers, V)`
    /// points (0 for a tiny share), the ring holds exactly their sum, and the ring is the
    /// reference hashring continuum of its servers in insertion order, point for point; this
    /// still holds after removing a server and after changing a weight.
    #[test]
    fn ketama_points_follow_vnodes_for(
        ids in node_ids(1..=30),
        weights in prop::collection::vec(prop_oneof![weight(), (1u32..=400).prop_map(|w| f64::from(w) / 8.0)], 30),
        vnodes in prop_oneof![Just(ketama::DEFAULT_VNODES), 1u32..=60],
        pick in any::<prop::sample::Index>(),
        salt in any::<u32>(),
    ) {
        let specs: Vec<(&str, f64)> = ids.iter().map(String::as_str).zip(weights.iter().copied()).collect();
        let mut ring = HashRing::with_scheme(Scheme::Ketama, vnodes).unwrap();
        ring.add_nodes(&specs).unwrap();
        check_ketama(&ring, salt)?;
        let victim = ids[pick.index(ids.len())].clone();
        ring.set_weight(&victim, 2.5).unwrap();
        check_ketama(&ring, salt)?;
        ring.remove_node(&victim).unwrap();
        check_ketama(&ring, salt)?;
    }
}

/// Documented, not a bug (hashring fidelity): a ketama server's vnodes depend on every weight
/// and on the server count, so adding a server can also move keys between old servers. Adding a
/// 7th equal server makes every server's `floor((1/7)·40·7)` = 39 vnodes instead of 40, so
/// about 0.9% of the keyspace moves between the six old servers. R3 monotonicity (and the
/// bounded-loads movement bound above) are therefore asserted for sha1 only.
#[test]
fn ketama_add_can_move_keys_between_old_servers() {
    let ids: Vec<String> = (1..=7).map(|i| format!("10.0.0.{i}:11211")).collect();
    let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    let six: Vec<(&str, f64)> = ids[..6].iter().map(|id| (id.as_str(), 1.0)).collect();
    ring.add_nodes(&six).unwrap();
    assert!(ring.nodes().iter().all(|n| n.points == 160));
    let change = ring.add_node(&ids[6], 1.0).unwrap();
    assert!(ring.nodes().iter().all(|n| n.points == 156));
    let between_old: u64 = change
        .arcs
        .iter()
        .filter(|a| a.to.as_deref() != Some(ids[6].as_str()))
        .map(|a| u64::from(a.end - a.start) + 1)
        .sum();
    let share = between_old as f64 / KEYSPACE;
    assert!(share > 0.005 && share < 0.015, "{share}");
}

fn check_ketama(ring: &HashRing, salt: u32) -> Result<(), TestCaseError> {
    check_structure(ring)?;
    let order = insertion_order(ring);
    let total = ketama::total_weight(order.iter().map(|n| n.1));
    let mut sum = 0u64;
    for &(id, weight, _) in &order {
        let expected = 4 * ketama::vnodes_for(weight, total, order.len(), ring.vnodes());
        prop_assert_eq!(ring.nodes()[index_of(ring, id)].points, expected, "{}", id);
        sum += u64::from(expected);
    }
    prop_assert_eq!(ring.point_count() as u64, sum);
    // The whole continuum, point for point (ties in insertion order), when V is hashring's 40.
    if ring.vnodes() == ketama::DEFAULT_VNODES {
        let servers: Vec<(&str, f64)> = order.iter().map(|&(id, w, _)| (id, w)).collect();
        let continuum = Continuum::new(&servers);
        prop_assert_eq!(continuum.values(), ring.positions());
        let names: Vec<&str> = ring
            .owners()
            .iter()
            .map(|&o| ring.nodes()[o as usize].id.as_str())
            .collect();
        let expected: Vec<&str> = continuum.points().map(|(_, name)| name).collect();
        prop_assert_eq!(names, expected);
        for key in keys(300, salt) {
            prop_assert_eq!(
                ring.node_for(key.as_bytes()),
                continuum.node_for(key.as_bytes())
            );
        }
    }
    Ok(())
}
