//! Placing points: inserting nodes' points into the sorted arrays, dropping them, rebuilding a
//! ketama ring, and the batch rebuild behind persistence.

use super::change::RingChange;
use super::error::RingError;
use super::hash_ring::{pack, unpack, validate_id, HashRing, Node};
use super::limits::MAX_POINTS;
use super::scheme::Scheme;
use crate::core::hash::{self, ketama};
use crate::core::sort;

impl HashRing {
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

    pub(super) fn known(&self, id: &str) -> Result<usize, RingError> {
        validate_id(id)?;
        self.index_of(id)
            .ok_or_else(|| RingError::UnknownNode(id.to_owned()))
    }

    /// Runs `mutate`; on success reports the change from `before`, on error restores `before`.
    pub(super) fn change(
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

    pub(super) fn check_total(&self, total: u64) -> Result<(), RingError> {
        if total > MAX_POINTS as u64 {
            Err(RingError::TooManyPoints {
                requested: total as f64,
            })
        } else {
            Ok(())
        }
    }

    pub(super) fn insert_nodes(&mut self, specs: &[(&str, f64)]) -> Result<(), RingError> {
        let labelled: Vec<(&str, f64, Option<&str>)> = specs
            .iter()
            .map(|&(id, weight)| (id, weight, None))
            .collect();
        self.insert_labelled(&labelled)
    }

    pub(super) fn insert_labelled(
        &mut self,
        specs: &[(&str, f64, Option<&str>)],
    ) -> Result<(), RingError> {
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
    pub(super) fn merge_points(&mut self, remap: impl Fn(u32) -> u32, new_points: Vec<u64>) {
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
    pub(super) fn drop_points(&mut self, index: u32, renumber: bool) {
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
    pub(super) fn rebuild_ketama(&mut self) -> Result<(), RingError> {
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

/// Reorders `items` so that `items[i]` becomes the old `items[order[i]]`, in place, by
/// following the permutation's cycles; `order` is used up (left as the identity).
pub(super) fn permute<T>(items: &mut [T], order: &mut [u32]) {
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

pub(super) fn merge_sorted(
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
