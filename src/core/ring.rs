//! The consistent-hashing ring: membership, health and lookups.
//!
//! Contract of the default `"sha1"` scheme (also in the README; changing it is a breaking
//! change):
//! - a node with weight `w` gets `max(1, round(vnodes × w))` points, labelled `"{id}#{i}"`
//!   (`"{label}#{i}"` for a node with a [`Node::label`]);
//! - a point's position is [`hash::point_position`], a key's is [`hash::position`] of its bytes;
//! - points are ordered by (position, node id bytes, i), so the ring does not depend on the order
//!   in which nodes were added;
//! - the owner of a key is the first point with position ≥ position(key), wrapping to the first;
//! - a node marked down keeps its points but is skipped: its keys go to the next live node
//!   clockwise, and marking it up restores the mapping exactly.
//!
//! The `"ketama"` scheme ([`Scheme::Ketama`], [`super::ketama`]) places points like the npm
//! package `hashring` 3.2.0 instead; there ties keep insertion order.
//!
//! Storage is two flat arrays sorted together (8 bytes per point): `positions` and `owners`,
//! where an owner is the index of its node in [`HashRing::nodes`] (sorted by id). Because node
//! indexes follow id order, sorting by (position, owner) is sorting by (position, id); points of
//! one node at one position are indistinguishable, so `i` never needs storing.

use super::balance::NO_NODE;
use super::change::RingChange;
use super::error::RingError;
use super::hash;
use super::ketama;
use super::scheme::{KeyPositions, Scheme};
use super::sort;

/// Vnodes per unit of weight when none is given (sha1 scheme).
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
    scheme: Scheme,
    vnodes: u32,
    nodes: Vec<Node>,
    positions: Vec<u32>,
    owners: Vec<u32>,
    /// Lookup index over `positions`, derived from it (see [`SearchIndex`]).
    search: SearchIndex,
    /// The indexes (into `positions`) of the points whose node is up, ascending; kept only
    /// while a node is down (empty otherwise), so a lookup jumps to the next live point with
    /// one binary search instead of walking a down node's points one by one.
    live: Vec<u32>,
    down: usize,
    next_seq: u64,
}

/// A bucket table over the top bits of the sorted positions: `starts[b]` is the index of the
/// first point whose position's top `bits` bits are ≥ `b` (`starts.len() == 2^bits + 1`). A
/// lookup then searches only its bucket's few points instead of the whole array. One bucket per
/// four to eight points (a power of two, at most 2^16 buckets): 0.5 to 1 byte per point.
#[derive(Debug, Clone, Default)]
struct SearchIndex {
    starts: Vec<u32>,
    /// `32 - bits` (32 when there is no table: every position falls in bucket 0).
    shift: u32,
}

impl SearchIndex {
    const MAX_BITS: u32 = 16;

    fn build(positions: &[u32]) -> SearchIndex {
        let quarter = positions.len() / 4;
        if quarter < 2 {
            return SearchIndex {
                starts: Vec::new(),
                shift: 32,
            };
        }
        let bits = quarter.ilog2().min(Self::MAX_BITS);
        let shift = 32 - bits;
        let buckets = 1usize << bits;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut point = 0;
        for bucket in 0..buckets {
            while positions
                .get(point)
                .is_some_and(|&p| ((p >> shift) as usize) < bucket)
            {
                point += 1;
            }
            starts.push(point as u32);
        }
        starts.push(positions.len() as u32);
        SearchIndex { starts, shift }
    }

    /// The index of the first position ≥ `position` (`positions.len()` if none).
    fn partition_point(&self, positions: &[u32], position: u32) -> usize {
        let bucket = position.checked_shr(self.shift).unwrap_or(0) as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(bucket), self.starts.get(bucket + 1))
        else {
            return positions.partition_point(|&p| p < position);
        };
        let (start, end) = (start as usize, end as usize);
        match positions.get(start..end) {
            Some(slice) => start + slice.partition_point(|&p| p < position),
            None => positions.partition_point(|&p| p < position),
        }
    }
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
    fn insertion_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.nodes.len() as u32).collect();
        sort::sort_indices(&mut order, &|a, b| {
            self.nodes[a as usize].seq.cmp(&self.nodes[b as usize].seq)
        });
        order
    }

    /// Whether node `id` is up; [`RingError::UnknownNode`] if it is not on the ring.
    pub fn is_up(&self, id: &str) -> Result<bool, RingError> {
        Ok(self.nodes[self.known(id)?].up)
    }

    /// How many points a node of `weight` gets on a sha1 ring.
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

    /// Adds one node and reports what moved. Fails (leaving the ring unchanged) on an invalid id
    /// or weight, a duplicate, or when the ring would exceed [`MAX_POINTS`].
    pub fn add_node(&mut self, id: &str, weight: f64) -> Result<RingChange, RingError> {
        self.add_nodes(&[(id, weight)])
    }

    /// Adds several nodes at once, in the given order: all of them or, on any error, none.
    /// One merge of the new points into the ring, so building a large ring this way costs one
    /// sort.
    pub fn add_nodes(&mut self, specs: &[(&str, f64)]) -> Result<RingChange, RingError> {
        if let (Scheme::Sha1, [(id, _)]) = (self.scheme, specs) {
            // One sha1 node: the other points stay put, so the change is what its points take.
            // (insert_nodes validates everything before it changes anything.)
            self.insert_nodes(specs)?;
            let index = self.known(id)?;
            return Ok(RingChange::node_gained(self, index));
        }
        let before = self.clone();
        self.change(before, |ring| ring.insert_nodes(specs))
    }

    /// Removes a node and its points and reports what moved. Fails with
    /// [`RingError::UnknownNode`] (ring unchanged) if it is not on the ring.
    pub fn remove_node(&mut self, id: &str) -> Result<RingChange, RingError> {
        let index = self.known(id)?;
        if self.scheme == Scheme::Sha1 {
            // The other points stay put: the change is what this node's points gave up.
            let change = if self.nodes[index].up {
                RingChange::node_gained(self, index).reversed()
            } else {
                RingChange::none()
            };
            let node = self.nodes.remove(index);
            if !node.up {
                self.down -= 1;
            }
            self.drop_points(index as u32, true);
            return Ok(change);
        }
        let before = self.clone();
        self.change(before, |ring| {
            let node = ring.nodes.remove(index);
            if !node.up {
                ring.down -= 1;
            }
            ring.drop_points(index as u32, true);
            if ring.scheme == Scheme::Ketama {
                ring.rebuild_ketama()?;
            }
            Ok(())
        })
    }

    /// Changes a node's weight (its point count) and reports what moved. Its health and
    /// insertion order are kept.
    pub fn set_weight(&mut self, id: &str, weight: f64) -> Result<RingChange, RingError> {
        let index = self.known(id)?;
        let before = self.clone();
        self.change(before, |ring| match ring.scheme {
            Scheme::Sha1 => {
                let points = ring.points_for_weight(weight)?;
                let old_points = ring.nodes[index].points;
                ring.check_total(
                    ring.positions.len() as u64 - u64::from(old_points) + u64::from(points),
                )?;
                ring.nodes[index].weight = weight;
                ring.nodes[index].points = points;
                ring.drop_points(index as u32, false);
                let label = ring.nodes[index].hashed_as();
                let mut new_points: Vec<u64> = hash::point_positions(label, points)
                    .map(|position| pack(position, index as u32))
                    .collect();
                sort::sort_by_position(&mut new_points);
                ring.merge_points(|owner| owner, new_points);
                Ok(())
            }
            Scheme::Ketama => {
                if !weight.is_finite() || weight <= 0.0 {
                    return Err(RingError::InvalidWeight(weight));
                }
                ring.nodes[index].weight = weight;
                ring.rebuild_ketama()
            }
        })
    }

    /// Marks a node down: lookups skip it (its keys go to the next live node clockwise) but it
    /// keeps its points. Reports what moved; marking a down node down again moves nothing.
    pub fn mark_down(&mut self, id: &str) -> Result<RingChange, RingError> {
        self.set_up(id, false)
    }

    /// Marks a node up again, restoring exactly the mapping it had before it went down.
    pub fn mark_up(&mut self, id: &str) -> Result<RingChange, RingError> {
        self.set_up(id, true)
    }

    fn set_up(&mut self, id: &str, up: bool) -> Result<RingChange, RingError> {
        let index = self.known(id)?;
        if self.nodes[index].up == up {
            return Ok(RingChange::none());
        }
        // Points never move on a health change: the node's points take over (up) or hand back
        // (down) exactly the keys they own while it is up.
        Ok(if up {
            self.nodes[index].up = true;
            self.down -= 1;
            self.index_live();
            RingChange::node_gained(self, index)
        } else {
            let change = RingChange::node_gained(self, index).reversed();
            self.nodes[index].up = false;
            self.down += 1;
            self.index_live();
            change
        })
    }

    /// The index (into [`HashRing::positions`]) of the first point at or after `position`,
    /// wrapping, whatever its node's health. `None` on an empty ring.
    pub fn point_at_or_after(&self, position: u32) -> Option<usize> {
        if self.positions.is_empty() {
            return None;
        }
        let index = self.search.partition_point(&self.positions, position);
        Some(if index == self.positions.len() {
            0
        } else {
            index
        })
    }

    /// The first point at or after point `start` (wrapping) whose node is up: one binary search
    /// in the index of live points, however many points the down nodes hold.
    pub fn live_point_from(&self, start: usize) -> Option<usize> {
        if self.down == 0 {
            return (start < self.positions.len()).then_some(start);
        }
        let next = self.live.partition_point(|&point| (point as usize) < start);
        visited(1 + self.live.len().max(1).ilog2() as u64);
        self.live
            .get(next)
            .or(self.live.first())
            .map(|&point| point as usize)
    }

    /// The live points from point `start` on, clockwise, once around the ring: every point
    /// when no node is down, else only the points of live nodes (down points are never
    /// visited).
    pub fn live_points_from(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        let live = (self.down > 0).then_some(self.live.as_slice());
        let count = live.map_or(self.positions.len(), <[u32]>::len);
        let first = live.map_or(start, |live| {
            live.partition_point(|&point| (point as usize) < start)
        });
        (0..count).map(move |step| {
            visited(1);
            let at = (first + step) % count;
            live.map_or(at, |live| live[at] as usize)
        })
    }

    /// Rebuilds the lookup indexes after the points changed.
    fn reindex(&mut self) {
        self.search = SearchIndex::build(&self.positions);
        self.index_live();
    }

    /// Rebuilds the index of live points after the points or a node's health changed.
    fn index_live(&mut self) {
        self.live.clear();
        if self.down == 0 {
            self.live.shrink_to_fit();
            return;
        }
        let nodes = &self.nodes;
        self.live.extend(
            self.owners
                .iter()
                .enumerate()
                .filter(|&(_, &owner)| nodes[owner as usize].up)
                .map(|(point, _)| point as u32),
        );
    }

    /// The index (into [`HashRing::nodes`]) of the live node that owns ring position
    /// `position`; `None` when no node is up.
    pub fn owner_of_position(&self, position: u32) -> Option<usize> {
        self.point_at_or_after(position)
            .and_then(|start| self.live_point_from(start))
            .map(|point| self.owners[point] as usize)
    }

    /// The ring position of `key` under this ring's scheme.
    pub fn position_of(&self, key: &[u8]) -> u32 {
        self.scheme.key_position(key)
    }

    /// The index (into [`HashRing::nodes`]) of the live node that owns `key`; `None` when no
    /// node is up.
    pub fn owner_index(&self, key: &[u8]) -> Option<usize> {
        self.owner_of_position(self.position_of(key))
    }

    /// The ring positions of `keys` under this ring's scheme, in order (sha1 keys hashed four
    /// at a time: see [`Scheme::key_positions`]).
    pub fn positions_of<'k, I>(&self, keys: I) -> KeyPositions<I::IntoIter>
    where
        I: IntoIterator<Item = &'k [u8]>,
    {
        self.scheme.key_positions(keys)
    }

    /// Appends to `out` the owner index of every key, in order, as [`HashRing::owner_index`]
    /// would give it ([`NO_NODE`] when no node is up): the batch form, whose sha1 positions are
    /// hashed four at a time.
    pub fn owner_indexes_into<'k>(
        &self,
        keys: impl IntoIterator<Item = &'k [u8]>,
        out: &mut Vec<u32>,
    ) {
        out.extend(self.positions_of(keys).map(|position| {
            self.owner_of_position(position)
                .map_or(NO_NODE, |index| index as u32)
        }));
    }

    /// The id of the live node that owns `key`; `None` when no node is up.
    pub fn node_for(&self, key: &[u8]) -> Option<&str> {
        self.node_at_position(self.position_of(key))
    }

    /// The id of the live node that owns ring position `position`; `None` when no node is up.
    pub fn node_at_position(&self, position: u32) -> Option<&str> {
        self.owner_of_position(position)
            .map(|owner| self.nodes[owner].id.as_str())
    }

    /// Up to `n` distinct live node ids for `key`: the owner first, then the next distinct live
    /// nodes clockwise. Its length is `min(n, live_count)` (fewer only on a ketama ring where a
    /// live server's share rounded down to zero points).
    pub fn nodes_for(&self, key: &[u8], n: usize) -> Vec<&str> {
        self.replica_indexes(self.position_of(key), n)
            .into_iter()
            .map(|owner| self.nodes[owner as usize].id.as_str())
            .collect()
    }

    /// The replica list of ring position `position`, as node indexes.
    pub fn replica_indexes(&self, position: u32, n: usize) -> Vec<u32> {
        let wanted = n.min(self.live_count());
        let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
        let Some(start) = self.point_at_or_after(position) else {
            return chosen;
        };
        let mut seen = vec![false; if wanted > 8 { self.nodes.len() } else { 0 }];
        for point in self.live_points_from(start) {
            if chosen.len() == wanted {
                break;
            }
            let owner = self.owners[point];
            let fresh = if seen.is_empty() {
                !chosen.contains(&owner)
            } else {
                !std::mem::replace(&mut seen[owner as usize], true)
            };
            if fresh {
                chosen.push(owner);
            }
        }
        chosen
    }

    /// For every point, the node that owns the keys just before it once health is taken into
    /// account: the owner of the first live point at or after it (`None` if no node is up).
    pub fn effective_owners(&self) -> Vec<Option<u32>> {
        let len = self.positions.len();
        let mut effective = vec![None; len];
        if self.live_count() == 0 {
            return effective;
        }
        // Walk backwards twice around the ring so every point sees the next live one.
        let mut next_live = None;
        for step in (0..2 * len).rev() {
            let point = step % len;
            let owner = self.owners[point];
            if self.nodes[owner as usize].up {
                next_live = Some(owner);
            }
            effective[point] = next_live;
        }
        effective
    }

    /// Builds a ring like `self` (scheme and vnodes) holding `nodes` (id, weight, up), added in
    /// that order: the inverse of persisting a ring as its node list.
    pub fn rebuilt(&self, nodes: &[(&str, f64, bool)]) -> Result<HashRing, RingError> {
        let labelled: Vec<(&str, f64, Option<&str>, bool)> = nodes
            .iter()
            .map(|&(id, weight, up)| (id, weight, None, up))
            .collect();
        self.rebuilt_labelled(&labelled)
    }

    /// [`HashRing::rebuilt`] with each node's label (`None`: hashed as its id).
    pub fn rebuilt_labelled(
        &self,
        nodes: &[(&str, f64, Option<&str>, bool)],
    ) -> Result<HashRing, RingError> {
        let mut ring = HashRing::with_scheme(self.scheme, self.vnodes)?;
        let specs: Vec<(&str, f64, Option<&str>)> = nodes
            .iter()
            .map(|&(id, weight, label, _)| (id, weight, label))
            .collect();
        ring.insert_labelled(&specs)?;
        for &(id, _, _, up) in nodes {
            if let Some(index) = ring.index_of(id).filter(|_| !up) {
                ring.nodes[index].up = false;
                ring.down += 1;
            }
        }
        ring.index_live();
        Ok(ring)
    }

    fn known(&self, id: &str) -> Result<usize, RingError> {
        validate_id(id)?;
        self.index_of(id)
            .ok_or_else(|| RingError::UnknownNode(id.to_owned()))
    }

    /// Runs `mutate`; on success reports the change from `before`, on error restores `before`.
    fn change(
        &mut self,
        before: HashRing,
        mutate: impl FnOnce(&mut HashRing) -> Result<(), RingError>,
    ) -> Result<RingChange, RingError> {
        match mutate(self) {
            Ok(()) => Ok(RingChange::between(&before, self)),
            Err(err) => {
                *self = before;
                Err(err)
            }
        }
    }

    fn check_total(&self, total: u64) -> Result<(), RingError> {
        if total > MAX_POINTS as u64 {
            Err(RingError::TooManyPoints {
                requested: total as f64,
            })
        } else {
            Ok(())
        }
    }

    fn insert_nodes(&mut self, specs: &[(&str, f64)]) -> Result<(), RingError> {
        let labelled: Vec<(&str, f64, Option<&str>)> = specs
            .iter()
            .map(|&(id, weight)| (id, weight, None))
            .collect();
        self.insert_labelled(&labelled)
    }

    fn insert_labelled(&mut self, specs: &[(&str, f64, Option<&str>)]) -> Result<(), RingError> {
        let mut added: Vec<Node> = Vec::with_capacity(specs.len());
        let mut total = self.positions.len() as u64;
        for &(id, weight, label) in specs {
            validate_id(id)?;
            if let Some(label) = label {
                validate_id(label)?;
            }
            if self.has_node(id) {
                return Err(RingError::DuplicateNode(id.to_owned()));
            }
            // Ketama points depend on every weight: they are counted (and the limit checked)
            // when the ring is rebuilt.
            let points = match self.scheme {
                Scheme::Sha1 => self.points_for_weight(weight)?,
                Scheme::Ketama if weight.is_finite() && weight > 0.0 => 0,
                Scheme::Ketama => return Err(RingError::InvalidWeight(weight)),
            };
            total += u64::from(points);
            added.push(Node {
                id: id.to_owned(),
                weight,
                points,
                up: true,
                seq: self.next_seq + added.len() as u64,
                label: label.map(str::to_owned),
            });
        }
        self.check_total(total)?;
        let mut order: Vec<u32> = (0..added.len() as u32).collect();
        sort::sort_indices(&mut order, &|a, b| {
            added[a as usize].id.cmp(&added[b as usize].id)
        });
        if let Some(pair) = order
            .windows(2)
            .find(|pair| added[pair[0] as usize].id == added[pair[1] as usize].id)
        {
            return Err(RingError::DuplicateNode(added[pair[0] as usize].id.clone()));
        }
        if added.is_empty() {
            return Ok(());
        }
        // The new nodes in id order, moved in place (no second list of them).
        permute(&mut added, &mut order);
        self.next_seq += added.len() as u64;

        // Merge the node lists (both sorted by id) and record each old index's new index.
        let old_nodes = std::mem::take(&mut self.nodes);
        self.nodes.reserve_exact(old_nodes.len() + added.len());
        let mut remap = Vec::with_capacity(old_nodes.len());
        let mut new_points: Vec<u64> =
            Vec::with_capacity((total as usize).saturating_sub(self.positions.len()));
        let mut old_iter = old_nodes.into_iter().peekable();
        let mut added_iter = added.into_iter().peekable();
        while let Some(take_old) = match (old_iter.peek(), added_iter.peek()) {
            (Some(old), Some(new)) => Some(old.id < new.id),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        } {
            let owner = self.nodes.len() as u32;
            let next = if take_old {
                remap.push(owner);
                old_iter.next()
            } else {
                added_iter.next()
            };
            if let Some(node) = next {
                if !take_old && self.scheme == Scheme::Sha1 {
                    new_points.extend(
                        hash::point_positions(node.hashed_as(), node.points)
                            .map(|position| pack(position, owner)),
                    );
                }
                self.nodes.push(node);
            }
        }
        match self.scheme {
            Scheme::Sha1 => {
                sort::sort_by_position(&mut new_points);
                self.merge_points(|owner| remap[owner as usize], new_points);
                Ok(())
            }
            Scheme::Ketama => self.rebuild_ketama(),
        }
    }

    /// Merges sorted packed `new_points` into the ring, renumbering old owners with `remap`
    /// (which must preserve their order).
    fn merge_points(&mut self, remap: impl Fn(u32) -> u32, new_points: Vec<u64>) {
        let total = (self.positions.len() + new_points.len()) as u64;
        if self.positions.is_empty() {
            // Building from empty (the constructor): nothing to merge with.
            (self.positions, self.owners) = unpack(new_points.into_iter(), total);
            self.reindex();
            return;
        }
        let old_points = self
            .positions
            .iter()
            .zip(&self.owners)
            .map(|(&position, &owner)| pack(position, remap(owner)));
        let (positions, owners) = unpack(merge_sorted(old_points, new_points.into_iter()), total);
        self.positions = positions;
        self.owners = owners;
        self.reindex();
    }

    /// Drops the points of node `index`; with `renumber` (the node itself was removed) the
    /// owners after it move down by one.
    fn drop_points(&mut self, index: u32, renumber: bool) {
        let mut write = 0;
        for read in 0..self.positions.len() {
            let owner = self.owners[read];
            if owner != index {
                self.positions[write] = self.positions[read];
                self.owners[write] = if renumber && owner > index {
                    owner - 1
                } else {
                    owner
                };
                write += 1;
            }
        }
        self.positions.truncate(write);
        self.owners.truncate(write);
        self.reindex();
    }

    /// Recomputes every point of a ketama ring: a server's share depends on all the weights.
    fn rebuild_ketama(&mut self) -> Result<(), RingError> {
        let servers = self.nodes.len();
        let by_seq: Vec<usize> = self
            .insertion_order()
            .into_iter()
            .map(|index| index as usize)
            .collect();
        // hashring sums the weights in constructor order; float addition is not associative.
        let total_weight = ketama::total_weight(by_seq.iter().map(|&i| self.nodes[i].weight));
        let mut vnodes = Vec::with_capacity(servers);
        let mut total = 0u64;
        for &index in &by_seq {
            let count =
                ketama::vnodes_for(self.nodes[index].weight, total_weight, servers, self.vnodes);
            total += u64::from(count) * u64::from(ketama::POINTS_PER_VNODE);
            vnodes.push(count);
        }
        self.check_total(total)?;
        // Sort by (position, insertion rank): equal positions keep insertion order, as in
        // hashring's stable sort.
        let mut packed = Vec::with_capacity(total as usize);
        let mut buffer = Vec::new();
        for (rank, (&index, &count)) in by_seq.iter().zip(&vnodes).enumerate() {
            buffer.clear();
            ketama::server_points(self.nodes[index].hashed_as(), count, &mut buffer);
            packed.extend(buffer.iter().map(|&position| pack(position, rank as u32)));
            self.nodes[index].points = count * ketama::POINTS_PER_VNODE;
        }
        sort::sort_by_position(&mut packed);
        let (positions, ranks) = unpack(packed.into_iter(), total);
        self.positions = positions;
        self.owners = ranks
            .into_iter()
            .map(|rank| by_seq[rank as usize] as u32)
            .collect();
        self.reindex();
        Ok(())
    }
}

/// Labels and renames: a node whose points are hashed from a string other than its id.
impl HashRing {
    /// Adds a node whose points are hashed from `label` instead of its id (sha1: `"{label}#{i}"`;
    /// ketama: `"{label}-{i}"`), and reports what moved. Lookups still return `id`. The label
    /// follows the id rules (non-empty, at most [`MAX_ID_BYTES`] bytes); several nodes may share
    /// one (their points then coincide, ties ordered as usual).
    ///
    /// ```
    /// use ringlease::core::ring::HashRing;
    /// use ringlease::core::Scheme;
    ///
    /// // libmemcached hashes servers on the default port by host alone.
    /// let mut ring = HashRing::with_scheme(Scheme::Ketama, 40).unwrap();
    /// ring.add_node_labelled("cache-a:11211", 1.0, "cache-a").unwrap();
    /// assert_eq!(ring.nodes()[0].hashed_as(), "cache-a");
    /// ```
    pub fn add_node_labelled(
        &mut self,
        id: &str,
        weight: f64,
        label: &str,
    ) -> Result<RingChange, RingError> {
        let spec = [(id, weight, Some(label))];
        if self.scheme == Scheme::Sha1 {
            // As in add_nodes: the other points stay put (insert_labelled changes nothing
            // before everything is validated).
            self.insert_labelled(&spec)?;
            let index = self.known(id)?;
            return Ok(RingChange::node_gained(self, index));
        }
        let before = self.clone();
        self.change(before, |ring| ring.insert_labelled(&spec))
    }

    /// Renames node `from` to `to`, keeping its points: they stay hashed from its old label (its
    /// old id when it had none), so no position moves and every key it owned now reports `to`.
    /// Its weight, health and insertion order are kept. Reports what moved (the arcs of `from`,
    /// now owned by `to`). Fails, ring unchanged, if `from` is unknown or `to` is invalid or
    /// already on the ring.
    pub fn rename_node(&mut self, from: &str, to: &str) -> Result<RingChange, RingError> {
        let index = self.known(from)?;
        validate_id(to)?;
        if self.has_node(to) {
            return Err(RingError::DuplicateNode(to.to_owned()));
        }
        let before = self.clone();
        self.change(before, |ring| {
            let node = &mut ring.nodes[index];
            node.label.get_or_insert_with(|| from.to_owned());
            node.id = to.to_owned();
            // Node indexes follow id order: re-sort the nodes and renumber the owners.
            let mut order: Vec<u32> = (0..ring.nodes.len() as u32).collect();
            sort::sort_indices(&mut order, &|a, b| {
                ring.nodes[a as usize].id.cmp(&ring.nodes[b as usize].id)
            });
            let mut remap = vec![0u32; order.len()];
            for (new, &old) in order.iter().enumerate() {
                remap[old as usize] = new as u32;
            }
            let mut slots: Vec<Option<Node>> = std::mem::take(&mut ring.nodes)
                .into_iter()
                .map(Some)
                .collect();
            ring.nodes = order
                .iter()
                .filter_map(|&old| slots[old as usize].take())
                .collect();
            for owner in ring.owners.iter_mut() {
                *owner = remap[*owner as usize];
            }
            if ring.scheme == Scheme::Sha1 {
                // Tied points are ordered by node id: re-sort each run of equal positions.
                let mut start = 0;
                while start < ring.positions.len() {
                    let mut end = start + 1;
                    while ring.positions.get(end) == Some(&ring.positions[start]) {
                        end += 1;
                    }
                    // Runs are a few points long at most: an insertion sort, no sort code
                    // pulled into the wasm build.
                    for i in start + 1..end {
                        let mut j = i;
                        while j > start && ring.owners[j - 1] > ring.owners[j] {
                            ring.owners.swap(j - 1, j);
                            j -= 1;
                        }
                    }
                    start = end;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
thread_local! {
    /// How many points lookups visited on this thread: counted in unit tests only, so tests
    /// can bound the cost of a lookup in operations rather than in wall time.
    pub(crate) static VISITED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `points` visited points (unit tests only; nothing in other builds).
#[inline(always)]
pub(crate) fn visited(points: u64) {
    #[cfg(test)]
    VISITED.with(|count| count.set(count.get() + points));
    #[cfg(not(test))]
    let _ = points;
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

/// Reorders `items` so that `items[i]` becomes the old `items[order[i]]`, in place, by
/// following the permutation's cycles; `order` is used up (left as the identity).
fn permute<T>(items: &mut [T], order: &mut [u32]) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] as usize != start {
            let from = order[at] as usize;
            items.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
}

/// A point as one sortable integer: position in the high half, owner in the low half.
fn pack(position: u32, owner: u32) -> u64 {
    (u64::from(position) << 32) | u64::from(owner)
}

/// Splits packed points back into parallel `positions` and `owners` arrays.
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
    fn search_index_agrees_with_a_full_binary_search() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in [0usize, 1, 7, 8, 9, 100, 1000, 16_000, 300_000] {
            let mut positions: Vec<u32> = (0..len).map(|_| next() as u32).collect();
            // Clustered positions and duplicates too.
            for p in positions.iter_mut().take(len / 3) {
                *p &= 0x00ff_00ff;
            }
            positions.sort_unstable();
            let search = SearchIndex::build(&positions);
            let mut probes: Vec<u32> = (0..2000).map(|_| next() as u32).collect();
            probes.extend([0, 1, u32::MAX, u32::MAX - 1, 1 << 31]);
            probes.extend(
                positions
                    .iter()
                    .step_by(97)
                    .flat_map(|&p| [p, p.wrapping_sub(1), p.wrapping_add(1)]),
            );
            for probe in probes {
                assert_eq!(
                    search.partition_point(&positions, probe),
                    positions.partition_point(|&p| p < probe),
                    "len {len} probe {probe}"
                );
            }
        }
    }

    /// The batch lookups (keys hashed four at a time) against `owner_index` key by key, on
    /// both schemes, with keys of every length around the one-block limit and down nodes.
    #[test]
    fn batch_lookups_match_single_lookups() {
        let keys: Vec<String> = (0..403)
            .map(|i| format!("{}{i}", "k".repeat(i % 70)))
            .collect();
        let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
        for scheme in [Scheme::Sha1, Scheme::Ketama] {
            let mut ring = HashRing::with_scheme(scheme, 20).unwrap();
            let mut other = ring.clone();
            ring.add_nodes(&[("a", 1.0), ("b", 2.0), ("c", 0.5), ("d", 1.0)])
                .unwrap();
            other
                .add_nodes(&[("a", 1.0), ("c", 0.5), ("e", 1.0)])
                .unwrap();
            for down in [None, Some("b"), Some("a")] {
                if let Some(id) = down {
                    ring.mark_down(id).unwrap();
                }
                let mut batch = vec![7];
                ring.owner_indexes_into(keys.iter().copied(), &mut batch);
                let single: Vec<u32> = keys
                    .iter()
                    .map(|key| ring.owner_index(key).map_or(NO_NODE, |i| i as u32))
                    .collect();
                assert_eq!(batch[0], 7);
                assert_eq!(batch[1..], single[..], "{scheme:?}, {down:?} down");
                let positions: Vec<u32> = ring.positions_of(keys.iter().copied()).collect();
                let one_by_one: Vec<u32> = keys.iter().map(|key| ring.position_of(key)).collect();
                assert_eq!(positions, one_by_one);
                let moved: Vec<usize> = (0..keys.len())
                    .filter(|&i| ring.node_for(keys[i]) != other.node_for(keys[i]))
                    .collect();
                assert_eq!(ring.moved_keys(&other, keys.iter().copied()), moved);
            }
        }
        // Across schemes: each ring hashes the keys its own way.
        let mut sha1 = HashRing::new(20).unwrap();
        let mut ketama = HashRing::with_scheme(Scheme::Ketama, 20).unwrap();
        for ring in [&mut sha1, &mut ketama] {
            ring.add_nodes(&[("a", 1.0), ("b", 1.0), ("c", 1.0)])
                .unwrap();
        }
        let moved: Vec<usize> = (0..keys.len())
            .filter(|&i| sha1.node_for(keys[i]) != ketama.node_for(keys[i]))
            .collect();
        assert!(!moved.is_empty());
        assert_eq!(sha1.moved_keys(&ketama, keys.iter().copied()), moved);
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
