//! Lookups: the owner of a key or position, replica lists, live points past down nodes.

use super::hash_ring::HashRing;
use super::index::SearchIndex;
use super::limits::NO_NODE;
use super::scheme::KeyPositions;

impl HashRing {
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
    pub(super) fn reindex(&mut self) {
        self.search = SearchIndex::build(&self.positions);
        self.index_live();
    }

    /// Rebuilds the index of live points after the points or a node's health changed.
    pub(super) fn index_live(&mut self) {
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
