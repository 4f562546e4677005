//! How load spreads over the ring: exact keyspace shares, key counts, and consistent hashing
//! with bounded loads (Mirrokni, Thorup, Zadimoghaddam).

use super::error::RingError;
use super::hash_ring::HashRing;
use super::limits::NO_NODE;

impl HashRing {
    /// The exact fraction of the keyspace (all 2^32 positions) each node owns, by index in
    /// [`HashRing::nodes`], with health taken into account (a down node owns 0 and its arcs
    /// count for the next live node). Sums to 1 when a live node holds a point; all zeros
    /// otherwise.
    pub fn ownership(&self) -> Vec<f64> {
        let mut owned = vec![0u64; self.node_count()];
        let positions = self.positions();
        let Some(&last) = positions.last() else {
            return Vec::new();
        };
        let mut previous = i64::from(last) - (1i64 << 32);
        for (&position, owner) in positions.iter().zip(self.effective_owners()) {
            if let Some(owner) = owner {
                owned[owner as usize] += (i64::from(position) - previous) as u64;
            }
            previous = i64::from(position);
        }
        let keyspace = (1u64 << 32) as f64;
        owned.into_iter().map(|n| n as f64 / keyspace).collect()
    }

    /// The owner index of every key ([`NO_NODE`] when no node is up).
    pub fn owners_of<'k>(&self, keys: impl IntoIterator<Item = &'k [u8]>) -> Vec<u32> {
        let mut owners = Vec::new();
        self.owner_indexes_into(keys, &mut owners);
        owners
    }

    /// How many of `keys` each node owns, by index in [`HashRing::nodes`].
    pub fn distribution<'k>(&self, keys: impl IntoIterator<Item = &'k [u8]>) -> Vec<u64> {
        let mut counts = vec![0u64; self.node_count()];
        self.count_owners_into(keys, &mut counts);
        counts
    }

    /// Adds to `counts` (by index in [`HashRing::nodes`]) how many of `keys` each node owns:
    /// [`HashRing::distribution`] a chunk of keys at a time.
    pub fn count_owners_into<'k>(
        &self,
        keys: impl IntoIterator<Item = &'k [u8]>,
        counts: &mut [u64],
    ) {
        for position in self.positions_of(keys) {
            let owner = self.owner_of_position(position);
            if let Some(count) = owner.and_then(|owner| counts.get_mut(owner)) {
                *count += 1;
            }
        }
    }

    /// The positions (in `keys`) of the keys whose owner differs between `self` and `other`
    /// (compared by node id; "no live node" counts as an owner).
    pub fn moved_keys<'k>(
        &self,
        other: &HashRing,
        keys: impl IntoIterator<Item = &'k [u8]>,
    ) -> Vec<usize> {
        if self.scheme() != other.scheme() {
            return keys
                .into_iter()
                .enumerate()
                .filter(|(_, key)| self.node_for(key) != other.node_for(key))
                .map(|(index, _)| index)
                .collect();
        }
        // Same scheme, same key positions: hash each key once (four at a time for sha1).
        self.positions_of(keys)
            .enumerate()
            .filter(|&(_, position)| {
                self.node_at_position(position) != other.node_at_position(position)
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// Assigns `keys`, in order, with bounded loads: each key goes to the first live node
    /// clockwise from its position that holds fewer than `ceil((1 + epsilon) · m / n)` keys
    /// (`m` keys, `n` live nodes). Returns owner indexes; no node exceeds the cap. Down nodes
    /// receive nothing. Errors: `epsilon` not finite and > 0, or no live node while `m > 0`.
    pub fn assign_bounded(&self, keys: &[&[u8]], epsilon: f64) -> Result<Vec<u32>, RingError> {
        let mut assigner = self.bounded_assigner(keys.len(), epsilon)?;
        Ok(self
            .positions_of(keys.iter().copied())
            .map(|position| assigner.assign(position))
            .collect())
    }

    /// [`HashRing::assign_bounded`] for a stream of `keys` key positions, fed one at a time to
    /// [`BoundedAssigner::assign`] in order (so a caller need not hold every key at once).
    pub fn bounded_assigner(
        &self,
        keys: usize,
        epsilon: f64,
    ) -> Result<BoundedAssigner<'_>, RingError> {
        if !epsilon.is_finite() || epsilon <= 0.0 {
            return Err(RingError::InvalidEpsilon(epsilon));
        }
        // Nodes that can receive keys: up, and holding at least one point (a ketama server
        // whose share rounds down to zero vnodes holds none).
        let live = self
            .nodes()
            .iter()
            .filter(|node| node.up && node.points > 0)
            .count();
        if live == 0 && keys > 0 {
            return Err(RingError::NoLiveNode);
        }
        let points = self.point_count();
        Ok(BoundedAssigner {
            ring: self,
            cap: bounded_capacity(keys, live, epsilon),
            load: vec![0; self.node_count()],
            next: if keys > 0 {
                (0..=points as u32).collect()
            } else {
                Vec::new()
            },
        })
    }
}

/// Consistent hashing with bounded loads, one key position at a time (see
/// [`HashRing::bounded_assigner`]).
///
/// A key walks clockwise past the points of down nodes and of nodes already at the cap. Those
/// points can never take a key again during the assignment, so they are skipped with a
/// union-find of "next point that may still take a key" with path compression: each point is
/// passed over one by one at most once in the whole assignment, and a key costs `O(log points)`
/// amortised however skewed the ring or however many nodes are down or full.
pub struct BoundedAssigner<'r> {
    ring: &'r HashRing,
    cap: u64,
    load: Vec<u64>,
    /// `next[p]` is `p` while point `p` may still take keys, else a later point (or
    /// `point_count`, past the end) to continue from.
    next: Vec<u32>,
}

impl BoundedAssigner<'_> {
    /// The owner index of the next key, at ring position `position` ([`NO_NODE`] only when the
    /// ring has no live node, which [`HashRing::bounded_assigner`] refuses for `keys > 0`, or
    /// when more keys are assigned than announced).
    pub fn assign(&mut self, position: u32) -> u32 {
        let Some(start) = self.ring.point_at_or_after(position) else {
            return NO_NODE;
        };
        let end = self.ring.point_count();
        let mut point = self.open_from(start);
        if point == end {
            point = self.open_from(0);
        }
        let Some(&owner) = self.ring.owners().get(point) else {
            return NO_NODE;
        };
        if let Some(load) = self.load.get_mut(owner as usize) {
            *load += 1;
        }
        owner
    }

    /// Whether point `point` may take a key: its node is up and below the cap.
    fn open(&self, point: usize) -> bool {
        let owner = self.ring.owners()[point] as usize;
        self.ring.nodes()[owner].up && self.load[owner] < self.cap
    }

    /// The first point at or after `start` that may take a key (`point_count` if none), closing
    /// the points passed on the way and compressing the path.
    fn open_from(&mut self, start: usize) -> usize {
        let end = self.ring.point_count();
        let mut root = start;
        while root < end {
            super::search::visited(1);
            let parent = self.next[root] as usize;
            if parent != root {
                root = parent;
            } else if self.open(root) {
                break;
            } else {
                self.next[root] = root as u32 + 1;
                root += 1;
            }
        }
        let mut point = start;
        while point < root {
            let parent = self.next[point] as usize;
            self.next[point] = root as u32;
            point = parent;
        }
        root
    }
}

/// `ceil((1 + epsilon) · m / n)`, at least 1, computed in f64 as JavaScript would (so
/// `(1.1 · 100) / 10` rounds up to 12). `n = 0` is treated as 1.
pub fn bounded_capacity(keys: usize, live_nodes: usize, epsilon: f64) -> u64 {
    let live_nodes = live_nodes.max(1);
    let cap = ((1.0 + epsilon) * keys as f64 / live_nodes as f64).ceil();
    // Never below the average rounded up, whatever rounding did.
    (cap as u64)
        .max((keys as u64).div_ceil(live_nodes as u64))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_the_ceiling_of_the_bounded_average() {
        // Values exact in binary floating point.
        assert_eq!(bounded_capacity(0, 1, 0.5), 1);
        assert_eq!(bounded_capacity(0, 7, 1.0), 1);
        assert_eq!(bounded_capacity(1, 10, 0.01), 1);
        assert_eq!(bounded_capacity(2, 10, 0.5), 1);
        assert_eq!(bounded_capacity(10, 4, 0.25), 4); // 3.125
        assert_eq!(bounded_capacity(10, 4, 0.5), 4); // 3.75
        assert_eq!(bounded_capacity(12, 4, 0.5), 5); // 4.5
        assert_eq!(bounded_capacity(8, 4, 1.0), 4); // exactly 4
        assert_eq!(bounded_capacity(20_000, 11, 0.25), 2273); // 2272.7…
                                                              // Never below the plain average rounded up, however small epsilon is.
        assert_eq!(bounded_capacity(10, 3, 1e-300), 4);
        assert_eq!(bounded_capacity(9, 3, f64::MIN_POSITIVE), 3);
        // A huge epsilon saturates instead of wrapping.
        assert_eq!(bounded_capacity(5, 2, f64::MAX), u64::MAX);
    }

    #[test]
    fn capacity_bounds_for_every_size() {
        for keys in 0..200usize {
            for live in 1..12usize {
                for epsilon in [0.01, 0.1, 0.25, 0.5, 1.0] {
                    let cap = bounded_capacity(keys, live, epsilon);
                    let real = (1.0 + epsilon) * keys as f64 / live as f64;
                    assert!(cap >= (keys as u64).div_ceil(live as u64).max(1));
                    assert!(cap * live as u64 >= keys as u64);
                    assert!(cap as f64 >= real && (cap as f64) < real + 1.0 || cap == 1);
                }
            }
        }
    }

    #[test]
    fn ownership_distribution_and_owners_of_on_small_rings() {
        let mut ring = HashRing::new(20).unwrap();
        assert!(ring.ownership().is_empty());
        assert!(ring.distribution([b"k".as_slice()]).is_empty());
        assert_eq!(ring.owners_of([b"k".as_slice()]), vec![NO_NODE]);
        ring.add_nodes(&[("a", 1.0), ("b", 1.0)]).unwrap();
        let keys: Vec<String> = (0..500).map(|i| format!("k{i}")).collect();
        let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
        let counts = ring.distribution(keys.iter().copied());
        assert_eq!(counts.iter().sum::<u64>(), 500);
        ring.mark_down("a").unwrap();
        assert_eq!(ring.ownership(), vec![0.0, 1.0]);
        assert_eq!(ring.distribution(keys.iter().copied()), vec![0, 500]);
        assert!(ring.owners_of(keys.iter().copied()).iter().all(|&o| o == 1));
        ring.mark_down("b").unwrap();
        assert_eq!(ring.ownership(), vec![0.0, 0.0]);
        assert_eq!(ring.distribution(keys.iter().copied()), vec![0, 0]);
        assert!(ring
            .owners_of(keys.iter().copied())
            .iter()
            .all(|&o| o == NO_NODE));
    }
}
