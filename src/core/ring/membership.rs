//! Changing a ring: adding and removing nodes, weights, health, labels and renames. Each change
//! reports what moved ([`RingChange`]).

use super::change::RingChange;
use super::error::RingError;
use super::hash_ring::{pack, validate_id, HashRing, Node};
use super::limits::MAX_POINTS;
use super::scheme::Scheme;
use crate::core::{hash, sort};

impl HashRing {
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

    pub(super) fn set_up(&mut self, id: &str, up: bool) -> Result<RingChange, RingError> {
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
