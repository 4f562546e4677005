//! What a membership or health change moved: the arcs of the keyspace whose owner changed.

use std::rc::Rc;

use super::ring::HashRing;

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
