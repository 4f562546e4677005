//! Generators and a reference model for the `HashRing` property tests (`tests/ring_*.rs`).
//!
//! The reference ([`ref_owner`]) is written from the placement contract alone
//! (docs/placement.md), over the ring's raw `positions()` / `owners()` / `nodes()`: the owner of
//! position `p` is the node of the first point with position ≥ `p` (wrapping) whose node is up.
// Each test file uses some of these.
#![allow(dead_code)]

use proptest::prelude::*;

use ringlease::core::ring::NO_NODE;
use ringlease::core::{HashRing, RingChange, Scheme};

/// 2^32, the number of ring positions.
pub(crate) const KEYSPACE: f64 = 4_294_967_296.0;

/// A ring to build: scheme, vnodes and its nodes `(id, weight, up)` in insertion order.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) scheme: Scheme,
    pub(crate) vnodes: u32,
    pub(crate) nodes: Vec<(String, f64, bool)>,
}

impl Spec {
    /// One `add_nodes` batch in insertion order, then `mark_down` (building one node at a time
    /// gives the same ring: checked by `rebuilt_from_insertion_order_is_equal`).
    pub(crate) fn build(&self) -> HashRing {
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
pub(crate) fn node_ids(
    count: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z0-9:.\\-é東]{1,10}", count)
        .prop_map(|set| set.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

/// Weights 0.25, 0.5, …, 4 (exact in binary), 0.1, 0.2, …, 4 (not exact: a ketama total then
/// depends on the summation order), or exactly 1.
pub(crate) fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        (1u32..=16).prop_map(|w| f64::from(w) / 4.0),
        (1u32..=40).prop_map(|w| f64::from(w) / 10.0),
    ]
}

/// The vnode range of a scheme: `sha1` points per unit of weight, or hashring's vnode count
/// (× 4 points) for `ketama`.
pub(crate) fn vnodes_for_scheme(
    scheme: Scheme,
    at_least_100_points: bool,
) -> std::ops::RangeInclusive<u32> {
    match (scheme, at_least_100_points) {
        (Scheme::Sha1, true) => 100..=200,
        (Scheme::Sha1, false) => 1..=200,
        (Scheme::Ketama, true) => 25..=50,
        (Scheme::Ketama, false) => 1..=50,
    }
}

pub(crate) fn scheme() -> impl Strategy<Value = Scheme> {
    prop_oneof![Just(Scheme::Sha1), Just(Scheme::Ketama)]
}

/// A ring of `count` nodes; each node is down with probability `down` (0.0: all up).
pub(crate) fn spec(
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

pub(crate) fn any_spec(
    count: std::ops::RangeInclusive<usize>,
    at_least_100_points: bool,
    down: f64,
) -> impl Strategy<Value = Spec> {
    scheme().prop_flat_map(move |s| spec(s, count.clone(), at_least_100_points, down))
}

pub(crate) fn keys(count: usize, salt: u32) -> Vec<String> {
    (0..count).map(|i| format!("key-{salt}-{i}")).collect()
}

pub(crate) fn as_bytes(keys: &[String]) -> Vec<&[u8]> {
    keys.iter().map(String::as_bytes).collect()
}

/// xorshift64: the random positions sampled by the `RingChange` checks.
pub(crate) struct XorShift(pub u64);

impl XorShift {
    pub(crate) fn next_u32(&mut self) -> u32 {
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
pub(crate) fn ref_owner(ring: &HashRing, p: u32) -> Option<usize> {
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
pub(crate) fn serves(ring: &HashRing) -> bool {
    ring.owners().iter().any(|&o| ring.nodes()[o as usize].up)
}

pub(crate) fn index_of(ring: &HashRing, id: &str) -> usize {
    ring.index_of(id).unwrap()
}

/// Structural sanity of a ring's raw arrays.
pub(crate) fn check_structure(ring: &HashRing) -> Result<(), TestCaseError> {
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
pub(crate) fn ref_owners_sorted<'r>(ring: &'r HashRing, sorted: &[u32]) -> Vec<Option<&'r str>> {
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
pub(crate) fn check_change(
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
pub(crate) fn ref_bounded(ring: &HashRing, keys: &[&[u8]], cap: u64) -> Vec<u32> {
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
pub(crate) enum Op {
    Add(String, f64),
    Remove(prop::sample::Index),
    SetWeight(prop::sample::Index, f64),
    MarkDown(prop::sample::Index),
    MarkUp(prop::sample::Index),
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        ("[A-Z]{1,6}", weight()).prop_map(|(id, w)| Op::Add(id, w)),
        any::<prop::sample::Index>().prop_map(Op::Remove),
        (any::<prop::sample::Index>(), weight()).prop_map(|(i, w)| Op::SetWeight(i, w)),
        any::<prop::sample::Index>().prop_map(Op::MarkDown),
        any::<prop::sample::Index>().prop_map(Op::MarkUp),
    ]
}

/// Applies `op` (ids picked among the ring's nodes; no-ops on an empty ring or a duplicate).
pub(crate) fn apply(ring: &mut HashRing, op: &Op) -> Option<RingChange> {
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

pub(crate) fn insertion_order(ring: &HashRing) -> Vec<(&str, f64, bool)> {
    ring.nodes_in_insertion_order()
        .into_iter()
        .map(|n| (n.id.as_str(), n.weight, n.up))
        .collect()
}
