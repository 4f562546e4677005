//! The consistent-hashing ring (`"sha1"` scheme).
//!
//! Contract (also in the README; changing it is a breaking change):
//! - a node with weight `w` gets `max(1, round(vnodes × w))` points, labelled `"{id}#{i}"`;
//! - a point's position is [`hash::point_position`], a key's is [`hash::position`] of its bytes;
//! - points are ordered by (position, node id bytes, i), so the ring does not depend on the order
//!   in which nodes were added;
//! - the owner of a key is the first point with position ≥ position(key), wrapping to the first.
//!
//! Storage is two flat arrays sorted together (8 bytes per point): `positions` and `owners`,
//! where an owner is the index of its node in [`HashRing::nodes`] (sorted by id). Because node
//! indexes follow id order, sorting by (position, owner) is sorting by (position, id); points of
//! one node at one position are indistinguishable, so `i` never needs storing.

use super::error::RingError;
use super::hash;

/// Vnodes per unit of weight when none is given.
pub const DEFAULT_VNODES: u32 = 160;
/// The largest vnode count a ring accepts.
pub const MAX_VNODES: u32 = 4096;
/// The most points a ring may hold (2^20), checked before anything is allocated.
pub const MAX_POINTS: usize = 1 << 20;
/// The longest node id, in UTF-8 bytes.
pub const MAX_ID_BYTES: usize = 256;

/// A node on the ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// Its weight (finite, > 0).
    pub weight: f64,
    /// How many points it has: `max(1, round(vnodes × weight))`.
    pub points: u32,
}

/// A consistent-hashing ring. See the module docs for the placement contract.
///
/// ```
/// use ringlease::core::ring::HashRing;
///
/// let mut ring = HashRing::new(160).unwrap();
/// ring.add_nodes(&[("a", 1.0), ("b", 1.0), ("c", 1.0)]).unwrap();
/// let replicas = ring.nodes_for(b"session:9", 2);
/// assert_eq!(replicas.len(), 2);
/// assert_eq!(Some(replicas[0]), ring.node_for(b"session:9"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HashRing {
    vnodes: u32,
    nodes: Vec<Node>,
    positions: Vec<u32>,
    owners: Vec<u32>,
}

impl HashRing {
    /// An empty ring whose nodes get `vnodes` points per unit of weight (1..=[`MAX_VNODES`]).
    pub fn new(vnodes: u32) -> Result<Self, RingError> {
        if !(1..=MAX_VNODES).contains(&vnodes) {
            return Err(RingError::InvalidVnodes(u64::from(vnodes)));
        }
        Ok(HashRing {
            vnodes,
            nodes: Vec::new(),
            positions: Vec::new(),
            owners: Vec::new(),
        })
    }

    /// Vnodes per unit of weight.
    pub fn vnodes(&self) -> u32 {
        self.vnodes
    }

    /// The nodes, sorted by id (UTF-8 byte order). A node's index here is its owner index in
    /// [`HashRing::owners`].
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// How many nodes the ring holds.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// How many points the ring holds.
    pub fn point_count(&self) -> usize {
        self.positions.len()
    }

    /// Point positions, ascending.
    pub fn positions(&self) -> &[u32] {
        &self.positions
    }

    /// The owner (index into [`HashRing::nodes`]) of each point, parallel to `positions`.
    pub fn owners(&self) -> &[u32] {
        &self.owners
    }

    /// Whether a node with this id is on the ring.
    pub fn has_node(&self, id: &str) -> bool {
        self.index_of(id).is_ok()
    }

    /// How many points a node of `weight` gets on this ring.
    pub fn points_for_weight(&self, weight: f64) -> Result<u32, RingError> {
        if !weight.is_finite() || weight <= 0.0 {
            return Err(RingError::InvalidWeight(weight));
        }
        let points = (f64::from(self.vnodes) * weight).round().max(1.0);
        if points > MAX_POINTS as f64 {
            return Err(RingError::TooManyPoints {
                requested: self.positions.len() as f64 + points,
            });
        }
        Ok(points as u32)
    }

    /// Adds one node. Fails (leaving the ring unchanged) on an invalid id or weight, a duplicate,
    /// or when the ring would exceed [`MAX_POINTS`].
    pub fn add_node(&mut self, id: &str, weight: f64) -> Result<(), RingError> {
        self.add_nodes(&[(id, weight)])
    }

    /// Adds several nodes at once: all of them or, on any error, none. One merge of the new
    /// points into the ring, so building a large ring this way costs one sort.
    pub fn add_nodes(&mut self, specs: &[(&str, f64)]) -> Result<(), RingError> {
        let mut added: Vec<Node> = Vec::with_capacity(specs.len());
        let mut total = self.positions.len() as u64;
        for &(id, weight) in specs {
            validate_id(id)?;
            if self.has_node(id) {
                return Err(RingError::DuplicateNode(id.to_owned()));
            }
            let points = self.points_for_weight(weight)?;
            total += u64::from(points);
            added.push(Node {
                id: id.to_owned(),
                weight,
                points,
            });
        }
        if total > MAX_POINTS as u64 {
            return Err(RingError::TooManyPoints {
                requested: total as f64,
            });
        }
        added.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = added.windows(2).find(|pair| pair[0].id == pair[1].id) {
            return Err(RingError::DuplicateNode(pair[0].id.clone()));
        }
        if added.is_empty() {
            return Ok(());
        }

        // Merge the node lists (both sorted by id) and record each old index's new index.
        let old_nodes = std::mem::take(&mut self.nodes);
        let mut remap = Vec::with_capacity(old_nodes.len());
        let mut new_points: Vec<u64> = Vec::with_capacity((total as usize) - self.positions.len());
        let mut old_iter = old_nodes.into_iter().peekable();
        let mut added_iter = added.into_iter().peekable();
        loop {
            let take_old = match (old_iter.peek(), added_iter.peek()) {
                (Some(old), Some(new)) => old.id < new.id,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let owner = self.nodes.len() as u32;
            if let Some(node) = if take_old {
                old_iter.next()
            } else {
                added_iter.next()
            } {
                if take_old {
                    remap.push(owner);
                } else {
                    new_points.extend(
                        (0..node.points).map(|i| pack(hash::point_position(&node.id, i), owner)),
                    );
                }
                self.nodes.push(node);
            }
        }
        new_points.sort_unstable();

        // Old points keep their relative order (the remap is monotonic): one linear merge.
        let old_points = self
            .positions
            .iter()
            .zip(&self.owners)
            .map(|(&position, &owner)| pack(position, remap[owner as usize]));
        let (positions, owners) = unpack(merge_sorted(old_points, new_points.into_iter()), total);
        self.positions = positions;
        self.owners = owners;
        Ok(())
    }

    /// Removes a node and its points. Fails with [`RingError::UnknownNode`] (ring unchanged) if
    /// it is not on the ring.
    pub fn remove_node(&mut self, id: &str) -> Result<(), RingError> {
        validate_id(id)?;
        let index = self
            .index_of(id)
            .map_err(|_| RingError::UnknownNode(id.to_owned()))? as u32;
        self.nodes.remove(index as usize);
        let mut write = 0;
        for read in 0..self.positions.len() {
            let owner = self.owners[read];
            if owner != index {
                self.positions[write] = self.positions[read];
                self.owners[write] = if owner > index { owner - 1 } else { owner };
                write += 1;
            }
        }
        self.positions.truncate(write);
        self.owners.truncate(write);
        Ok(())
    }

    /// The index (into [`HashRing::positions`]) of the point that owns ring position `position`:
    /// the first point at or after it, wrapping. `None` on an empty ring.
    pub fn point_at_or_after(&self, position: u32) -> Option<usize> {
        if self.positions.is_empty() {
            return None;
        }
        let index = self.positions.partition_point(|&p| p < position);
        Some(if index == self.positions.len() {
            0
        } else {
            index
        })
    }

    /// The index (into [`HashRing::nodes`]) of the node that owns `key`; `None` on an empty ring.
    pub fn owner_index(&self, key: &[u8]) -> Option<usize> {
        self.point_at_or_after(hash::position(key))
            .map(|point| self.owners[point] as usize)
    }

    /// The id of the node that owns `key`; `None` on an empty ring.
    pub fn node_for(&self, key: &[u8]) -> Option<&str> {
        self.owner_index(key)
            .map(|owner| self.nodes[owner].id.as_str())
    }

    /// Up to `n` distinct node ids for `key`: the owner first, then the next distinct nodes
    /// clockwise. Its length is `min(n, node_count)`.
    pub fn nodes_for(&self, key: &[u8], n: usize) -> Vec<&str> {
        let wanted = n.min(self.nodes.len());
        let mut found: Vec<&str> = Vec::with_capacity(wanted);
        let Some(start) = self.point_at_or_after(hash::position(key)) else {
            return found;
        };
        let mut seen = vec![false; if wanted > 8 { self.nodes.len() } else { 0 }];
        let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
        let len = self.positions.len();
        for step in 0..len {
            if chosen.len() == wanted {
                break;
            }
            let owner = self.owners[(start + step) % len];
            let fresh = if seen.is_empty() {
                !chosen.contains(&owner)
            } else {
                !std::mem::replace(&mut seen[owner as usize], true)
            };
            if fresh {
                chosen.push(owner);
                found.push(&self.nodes[owner as usize].id);
            }
        }
        found
    }

    /// The exact fraction of the keyspace (all 2^32 positions) each node owns, by index in
    /// [`HashRing::nodes`]. Point `j` owns the positions after point `j-1` up to and including
    /// its own. Sums to 1 on a non-empty ring; empty on an empty one.
    pub fn ownership(&self) -> Vec<f64> {
        let mut owned = vec![0u64; self.nodes.len()];
        let mut previous = match self.positions.last() {
            Some(&last) => i64::from(last) - (1i64 << 32),
            None => return Vec::new(),
        };
        for (&position, &owner) in self.positions.iter().zip(&self.owners) {
            owned[owner as usize] += (i64::from(position) - previous) as u64;
            previous = i64::from(position);
        }
        let keyspace = (1u64 << 32) as f64;
        owned.into_iter().map(|n| n as f64 / keyspace).collect()
    }

    fn index_of(&self, id: &str) -> Result<usize, usize> {
        self.nodes.binary_search_by(|node| node.id.as_str().cmp(id))
    }
}

/// Checks a node id against the contract (non-empty, at most [`MAX_ID_BYTES`] bytes).
pub fn validate_id(id: &str) -> Result<(), RingError> {
    if id.is_empty() {
        Err(RingError::EmptyId)
    } else if id.len() > MAX_ID_BYTES {
        Err(RingError::IdTooLong { bytes: id.len() })
    } else {
        Ok(())
    }
}

/// A point as one sortable integer: position in the high half, owner index in the low half.
fn pack(position: u32, owner: u32) -> u64 {
    (u64::from(position) << 32) | u64::from(owner)
}

/// Splits packed points back into the parallel `positions` and `owners` arrays.
fn unpack(packed: impl Iterator<Item = u64>, count: u64) -> (Vec<u32>, Vec<u32>) {
    let mut positions = Vec::with_capacity(count as usize);
    let mut owners = Vec::with_capacity(count as usize);
    for point in packed {
        positions.push((point >> 32) as u32);
        owners.push(point as u32);
    }
    (positions, owners)
}

fn merge_sorted(
    a: impl Iterator<Item = u64>,
    b: impl Iterator<Item = u64>,
) -> impl Iterator<Item = u64> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x <= y => a.next(),
        (Some(_), Some(_)) => b.next(),
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut ring = ring(30, &["a", "b", "c", "d"]);
        ring.remove_node("b").unwrap();
        assert_eq!(ring, self::tests::ring(30, &["a", "c", "d"]));
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
}
