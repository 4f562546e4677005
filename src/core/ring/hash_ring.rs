//! The ring's state: its nodes and its points, two flat arrays sorted together (8 bytes per
//! point): `positions` and `owners`, where an owner is the index of its node in
//! [`HashRing::nodes`] (sorted by id). Because node indexes follow id order, sorting by
//! (position, owner) is sorting by (position, id); points of one node at one position are
//! indistinguishable, so a point's `i` never needs storing.
//!
//! The operations live beside it: [`super::membership`] (adding, removing, weights, health),
//! [`super::build`] (placing points), [`super::search`] (lookups).

use super::error::RingError;
use super::index::SearchIndex;
use super::limits::{MAX_ID_BYTES, MAX_VNODES};
use super::scheme::Scheme;
use crate::core::sort;

/// A node on the ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// Its weight (finite, > 0).
    pub weight: f64,
    /// How many points it has (sha1: `max(1, round(vnodes × weight))`).
    pub points: u32,
    /// Whether lookups may return it; a down node keeps its points.
    pub up: bool,
    /// Insertion sequence number: orders ketama ties and persistence.
    pub seq: u64,
    /// The string its points are hashed from when it is not the id (see
    /// [`HashRing::add_node_labelled`]); `None`: the id.
    pub label: Option<String>,
}

impl Node {
    /// The string the node's points are hashed from: its label, or else its id.
    pub fn hashed_as(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
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
#[derive(Debug, Clone)]
pub struct HashRing {
    pub(super) scheme: Scheme,
    pub(super) vnodes: u32,
    pub(super) nodes: Vec<Node>,
    pub(super) positions: Vec<u32>,
    pub(super) owners: Vec<u32>,
    /// Lookup index over `positions`, derived from it (see [`SearchIndex`]).
    pub(super) search: SearchIndex,
    /// The indexes (into `positions`) of the points whose node is up, ascending; kept only
    /// while a node is down (empty otherwise), so a lookup jumps to the next live point with
    /// one binary search instead of walking a down node's points one by one.
    pub(super) live: Vec<u32>,
    pub(super) down: usize,
    pub(super) next_seq: u64,
}

/// Two rings are equal when they place every key the same way and agree on every node's
/// weight and health (insertion sequence numbers are not compared).
impl PartialEq for HashRing {
    fn eq(&self, other: &Self) -> bool {
        self.scheme == other.scheme
            && self.vnodes == other.vnodes
            && self.positions == other.positions
            && self.owners == other.owners
            && self.nodes.len() == other.nodes.len()
            && self.nodes.iter().zip(&other.nodes).all(|(a, b)| {
                a.id == b.id && a.weight == b.weight && a.points == b.points && a.up == b.up
            })
    }
}

impl HashRing {
    /// An empty sha1 ring whose nodes get `vnodes` points per unit of weight
    /// (1..=[`MAX_VNODES`]).
    pub fn new(vnodes: u32) -> Result<Self, RingError> {
        Self::with_scheme(Scheme::Sha1, vnodes)
    }

    /// An empty ring of the given scheme. For ketama, `vnodes` is hashring's "vnode count"
    /// (default 40): each server gets 4 points per vnode of its weighted share.
    pub fn with_scheme(scheme: Scheme, vnodes: u32) -> Result<Self, RingError> {
        if !(1..=MAX_VNODES).contains(&vnodes) {
            return Err(RingError::InvalidVnodes(u64::from(vnodes)));
        }
        Ok(HashRing {
            scheme,
            vnodes,
            nodes: Vec::new(),
            positions: Vec::new(),
            owners: Vec::new(),
            search: SearchIndex::default(),
            live: Vec::new(),
            down: 0,
            next_seq: 0,
        })
    }

    /// The placement scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
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

    /// How many nodes the ring holds (up or down).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// How many nodes are up.
    pub fn live_count(&self) -> usize {
        self.nodes.len() - self.down
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
        self.index_of(id).is_some()
    }

    /// The index of node `id` in [`HashRing::nodes`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.nodes
            .binary_search_by(|node| node.id.as_str().cmp(id))
            .ok()
    }

    /// The nodes in the order they were added (the order persistence and ketama ties use).
    pub fn nodes_in_insertion_order(&self) -> Vec<&Node> {
        self.insertion_order()
            .into_iter()
            .map(|index| &self.nodes[index as usize])
            .collect()
    }

    /// Indexes into [`HashRing::nodes`], in the order the nodes were added.
    pub(super) fn insertion_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.nodes.len() as u32).collect();
        sort::sort_indices(&mut order, &|a, b| {
            self.nodes[a as usize].seq.cmp(&self.nodes[b as usize].seq)
        });
        order
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

/// A point as one sortable integer: position in the high half, owner in the low half.
pub(super) fn pack(position: u32, owner: u32) -> u64 {
    (u64::from(position) << 32) | u64::from(owner)
}

/// Splits packed points back into parallel `positions` and `owners` arrays.
pub(super) fn unpack(packed: impl Iterator<Item = u64>, count: u64) -> (Vec<u32>, Vec<u32>) {
    let mut positions = Vec::with_capacity(count as usize);
    let mut owners = Vec::with_capacity(count as usize);
    for point in packed {
        positions.push((point >> 32) as u32);
        owners.push(point as u32);
    }
    (positions, owners)
}
