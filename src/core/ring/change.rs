//! What a membership or health change moved: the arcs of the keyspace whose owner changed.

use std::rc::Rc;

use super::hash_ring::HashRing;

/// No owner (no live node).
const NONE: u32 = u32::MAX;

/// A contiguous range of key positions `start..=end` (no wrap-around: a change that spans
/// position 0 is reported as two arcs) whose owner changed from `from` to `to` (`None`: no
/// live node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedArc {
    /// First key position of the arc.
    pub start: u32,
    /// Last key position of the arc (inclusive).
    pub end: u32,
    /// The owner before the change.
    pub from: Option<Rc<str>>,
    /// The owner after the change.
    pub to: Option<Rc<str>>,
}

/// The difference between two rings' placements.
#[derive(Debug, Clone, PartialEq)]
pub struct RingChange {
    /// The fraction of the keyspace (all 2^32 positions) whose owner changed.
    pub moved_fraction: f64,
    /// The arcs that changed owner, ascending and non-overlapping; adjacent arcs with the same
    /// `from` and `to` are merged.
    pub arcs: Vec<MovedArc>,
}

/// One ring's placement as a step function: key positions `(positions[k-1], positions[k]]`
/// belong to `owners[k]` (an id), and positions after the last point to `owners[0]`.
struct Steps<'a> {
    positions: &'a [u32],
    owners: Vec<Option<u32>>,
    /// Node ids shared by every arc that names them (one allocation per node, not per arc).
    ids: Vec<Rc<str>>,
}

impl<'a> Steps<'a> {
    fn of(ring: &'a HashRing) -> Self {
        Steps {
            positions: ring.positions(),
            owners: ring.effective_owners(),
            ids: ring
                .nodes()
                .iter()
                .map(|node| Rc::from(node.id.as_str()))
                .collect(),
        }
    }

    /// The owner of the keys just before point `k` (or after the last point, wrapping).
    fn owner(&self, k: usize) -> Option<&Rc<str>> {
        self.owners
            .get(k)
            .or_else(|| self.owners.first())
            .copied()
            .flatten()
            .and_then(|index| self.ids.get(index as usize))
    }
}

impl RingChange {
    /// The change made by node `node` of `ring` (which must be up) taking over the keys its
    /// points own, from the live nodes that owned them without it: what adding it, or marking
    /// it up, moves. [`RingChange::reversed`] gives its removal or failure. One pass over the
    /// ring and no copy of it, so a single add or health change stays cheap on big rings.
    pub fn node_gained(ring: &HashRing, node: usize) -> RingChange {
        let (positions, owners, nodes) = (ring.positions(), ring.owners(), ring.nodes());
        let len = positions.len();
        let node = node as u32;
        // For each point: the owner of the first live point at or after it, and the first
        // live one that is not `node` (what the keys just before the point had without it).
        let mut without = vec![NONE; len];
        let mut gained = vec![false; len];
        let (mut next_live, mut next_other) = (NONE, NONE);
        for step in (0..2 * len).rev() {
            let point = step % len;
            let owner = owners[point];
            if nodes[owner as usize].up {
                next_live = owner;
                if owner != node {
                    next_other = owner;
                }
            }
            if step < len {
                gained[point] = next_live == node;
                without[point] = next_other;
            }
        }
        let mut ids: Vec<Option<Rc<str>>> = vec![None; nodes.len()];
        let mut id = |index: u32| -> Option<Rc<str>> {
            let slot = ids.get_mut(index as usize)?;
            Some(
                slot.get_or_insert_with(|| Rc::from(nodes[index as usize].id.as_str()))
                    .clone(),
            )
        };
        let mut change = RingChange {
            moved_fraction: 0.0,
            arcs: Vec::new(),
        };
        let mut moved: u64 = 0;
        let mut push = |start: u64, end: u64, from: Option<Rc<str>>, to: Option<Rc<str>>| {
            moved += end - start + 1;
            match change.arcs.last_mut() {
                Some(last)
                    if u64::from(last.end) + 1 == start && last.from == from && last.to == to =>
                {
                    last.end = end as u32;
                }
                _ => change.arcs.push(MovedArc {
                    start: start as u32,
                    end: end as u32,
                    from,
                    to,
                }),
            }
        };
        // Key positions (positions[p-1], positions[p]] belong to point p; point 0 also owns
        // everything after the last point (the wrap), reported last so arcs stay ascending.
        for point in 0..len {
            if !gained[point] {
                continue;
            }
            let start = match point {
                0 => 0,
                _ => u64::from(positions[point - 1]) + 1,
            };
            let end = u64::from(positions[point]);
            if start <= end {
                push(start, end, id(without[point]), id(node));
            }
        }
        if len > 0 && gained[0] && positions[len - 1] < u32::MAX {
            let start = u64::from(positions[len - 1]) + 1;
            push(start, u64::from(u32::MAX), id(without[0]), id(node));
        }
        change.moved_fraction = moved as f64 / (1u64 << 32) as f64;
        change
    }

    /// No change at all.
    pub fn none() -> RingChange {
        RingChange {
            moved_fraction: 0.0,
            arcs: Vec::new(),
        }
    }

    /// The opposite change: every arc with `from` and `to` swapped.
    pub fn reversed(mut self) -> RingChange {
        for arc in &mut self.arcs {
            std::mem::swap(&mut arc.from, &mut arc.to);
        }
        self
    }

    /// The change that turns `before` into `after`. Linear in the two rings' point counts.
    pub fn between(before: &HashRing, after: &HashRing) -> RingChange {
        let (a, b) = (Steps::of(before), Steps::of(after));
        let mut arcs: Vec<MovedArc> = Vec::new();
        let mut moved: u64 = 0;
        let (mut ia, mut ib) = (0usize, 0usize);
        let mut start: u64 = 0;
        loop {
            // The interval [start, end] lies inside one step of each ring.
            let next_a = a
                .positions
                .get(ia)
                .map_or(u64::from(u32::MAX), |&p| u64::from(p));
            let next_b = b
                .positions
                .get(ib)
                .map_or(u64::from(u32::MAX), |&p| u64::from(p));
            let end = next_a.min(next_b);
            let (from, to) = (a.owner(ia), b.owner(ib));
            if from != to {
                moved += end - start + 1;
                match arcs.last_mut() {
                    Some(last)
                        if u64::from(last.end) + 1 == start
                            && last.from.as_ref() == from
                            && last.to.as_ref() == to =>
                    {
                        last.end = end as u32;
                    }
                    _ => arcs.push(MovedArc {
                        start: start as u32,
                        end: end as u32,
                        from: from.cloned(),
                        to: to.cloned(),
                    }),
                }
            }
            if end == u64::from(u32::MAX) {
                break;
            }
            // Step past the boundary (several points may share one position).
            while a.positions.get(ia).is_some_and(|&p| u64::from(p) == end) {
                ia += 1;
            }
            while b.positions.get(ib).is_some_and(|&p| u64::from(p) == end) {
                ib += 1;
            }
            start = end + 1;
        }
        RingChange {
            moved_fraction: moved as f64 / (1u64 << 32) as f64,
            arcs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Scheme;

    /// The one-pass `node_gained` equals the general two-ring merge for every node of random
    /// rings with random health (both schemes; vnodes 1 makes wrap-around and single-point
    /// arcs common).
    #[test]
    fn node_gained_equals_the_general_diff() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for case in 0..60 {
            let scheme = if case % 3 == 0 {
                Scheme::Ketama
            } else {
                Scheme::Sha1
            };
            let vnodes = [1, 3, 40][case % 3] as u32;
            let count = 1 + next(12) as usize;
            let ids: Vec<String> = (0..count).map(|i| format!("n{case}-{i}")).collect();
            let specs: Vec<(&str, f64, bool)> = ids
                .iter()
                .map(|id| (id.as_str(), 1.0 + next(3) as f64, next(4) != 0))
                .collect();
            let empty = HashRing::with_scheme(scheme, vnodes).unwrap();
            let ring = empty.rebuilt(&specs).unwrap();
            for (x, id) in ids.iter().enumerate() {
                if !specs[x].2 {
                    continue;
                }
                let mut down = specs.clone();
                down[x].2 = false;
                let without = empty.rebuilt(&down).unwrap();
                let index = ring.index_of(id).unwrap();
                let fast = RingChange::node_gained(&ring, index);
                assert_eq!(
                    fast,
                    RingChange::between(&without, &ring),
                    "case {case} {id} up"
                );
                assert_eq!(
                    fast.clone().reversed(),
                    RingChange::between(&ring, &without),
                    "case {case} {id} down"
                );
                if scheme == Scheme::Sha1 {
                    let removed: Vec<(&str, f64, bool)> =
                        specs.iter().copied().filter(|s| s.0 != id).collect();
                    let smaller = empty.rebuilt(&removed).unwrap();
                    assert_eq!(
                        fast.reversed(),
                        RingChange::between(&ring, &smaller),
                        "case {case} {id} removed"
                    );
                }
            }
        }
    }

    fn ring(scheme: Scheme, ids: &[&str]) -> HashRing {
        let mut ring = HashRing::with_scheme(scheme, 8).unwrap();
        for id in ids {
            ring.add_node(id, 1.0).unwrap();
        }
        ring
    }

    fn whole(from: Option<&str>, to: Option<&str>) -> RingChange {
        RingChange {
            moved_fraction: 1.0,
            arcs: vec![MovedArc {
                start: 0,
                end: u32::MAX,
                from: from.map(Rc::from),
                to: to.map(Rc::from),
            }],
        }
    }

    #[test]
    fn equal_rings_move_nothing() {
        for scheme in [Scheme::Sha1, Scheme::Ketama] {
            for ids in [&[][..], &["a"][..], &["a", "b", "c"][..]] {
                let a = ring(scheme, ids);
                let change = RingChange::between(&a, &a.clone());
                assert!(change.arcs.is_empty(), "{scheme:?} {ids:?}");
                assert_eq!(change.moved_fraction, 0.0);
            }
        }
    }

    #[test]
    fn first_node_and_last_node_move_the_whole_keyspace() {
        for scheme in [Scheme::Sha1, Scheme::Ketama] {
            let empty = ring(scheme, &[]);
            let solo = ring(scheme, &["solo"]);
            assert_eq!(
                RingChange::between(&empty, &solo),
                whole(None, Some("solo"))
            );
            assert_eq!(
                RingChange::between(&solo, &empty),
                whole(Some("solo"), None)
            );
            // The same through the mutators.
            let mut ring = empty.clone();
            assert_eq!(ring.add_node("solo", 1.0), Ok(whole(None, Some("solo"))));
            assert_eq!(ring.mark_down("solo"), Ok(whole(Some("solo"), None)));
            assert_eq!(ring.mark_up("solo"), Ok(whole(None, Some("solo"))));
            assert_eq!(ring.remove_node("solo"), Ok(whole(Some("solo"), None)));
        }
    }

    #[test]
    fn a_whole_ring_going_down_and_up_reports_each_owner() {
        let mut ring = ring(Scheme::Sha1, &["a", "b"]);
        let shares = ring.ownership();
        ring.mark_down("a").unwrap();
        let change = ring.mark_down("b").unwrap();
        // Everything b held (its own arcs and a's) now has no owner.
        assert_eq!(change, whole(Some("b"), None));
        let change = ring.mark_up("a").unwrap();
        assert_eq!(change, whole(None, Some("a")));
        let change = ring.mark_up("b").unwrap();
        assert!((change.moved_fraction - shares[1]).abs() < 1e-12);
        assert!(change
            .arcs
            .iter()
            .all(|arc| arc.from.as_deref() == Some("a") && arc.to.as_deref() == Some("b")));
    }

    #[test]
    fn adding_a_node_reports_sorted_arcs_to_it() {
        let before = ring(Scheme::Sha1, &["a", "b", "c"]);
        let mut after = before.clone();
        let change = after.add_node("d", 1.0).unwrap();
        assert!(!change.arcs.is_empty());
        let mut total = 0u64;
        for arc in &change.arcs {
            assert!(arc.start <= arc.end);
            assert_eq!(arc.to.as_deref(), Some("d"));
            total += u64::from(arc.end - arc.start) + 1;
        }
        assert!(change.arcs.windows(2).all(|w| w[0].end < w[1].start));
        assert_eq!(change.moved_fraction, total as f64 / (1u64 << 32) as f64);
        assert_eq!(change.moved_fraction, after.ownership()[3]);
    }
}
