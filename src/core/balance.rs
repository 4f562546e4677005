//! How load spreads over the ring: exact keyspace shares, key counts, and consistent hashing
//! with bounded loads (Mirrokni, Thorup, Zadimoghaddam).

use super::error::RingError;
use super::ring::HashRing;

/// The index used for "no live node" in batch results.
pub const NO_NODE: u32 = u32::MAX;

impl HashRing {
    /// The exact fraction of the keyspace (all 2^32 positions) each node owns, by index in
    /// [`HashRing::nodes`], with health taken into account (a down node owns 0 and its arcs
    /// count for the next live node). Sums to 1 when a node is up; all zeros otherwise.
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
        keys.into_iter()
            .map(|key| self.owner_index(key).map_or(NO_NODE, |index| index as u32))
            .collect()
    }

    /// How many of `keys` each node owns, by index in [`HashRing::nodes`].
    pub fn distribution<'k>(&self, keys: impl IntoIterator<Item = &'k [u8]>) -> Vec<u64> {
        let mut counts = vec![0u64; self.node_count()];
        for owner in self.owners_of(keys) {
            if let Some(count) = counts.get_mut(owner as usize) {
                *count += 1;
            }
        }
        counts
    }

    /// The positions (in `keys`) of the keys whose owner differs between `self` and `other`
    /// (compared by node id; "no live node" counts as an owner).
    pub fn moved_keys<'k>(
        &self,
        other: &HashRing,
        keys: impl IntoIterator<Item = &'k [u8]>,
    ) -> Vec<usize> {
        keys.into_iter()
            .enumerate()
            .filter(|(_, key)| self.node_for(key) != other.node_for(key))
            .map(|(index, _)| index)
            .collect()
    }

    /// Assigns `keys`, in order, with bounded loads: each key goes to the first live node
    /// clockwise from its position that holds fewer than `ceil((1 + epsilon) · m / n)` keys
    /// (`m` keys, `n` live nodes). Returns owner indexes; no node exceeds the cap. Down nodes
    /// receive nothing. Errors: `epsilon` not finite and > 0, or no live node while `m > 0`.
    pub fn assign_bounded(&self, keys: &[&[u8]], epsilon: f64) -> Result<Vec<u32>, RingError> {
        if !epsilon.is_finite() || epsilon <= 0.0 {
            return Err(RingError::InvalidEpsilon(epsilon));
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let live = self.live_count();
        if live == 0 {
            return Err(RingError::NoLiveNode);
        }
        let cap = bounded_capacity(keys.len(), live, epsilon);
        let (positions, owners, nodes) = (self.positions(), self.owners(), self.nodes());
        let mut load = vec![0u64; nodes.len()];
        let mut assigned = Vec::with_capacity(keys.len());
        for key in keys {
            let start = self.point_at_or_after(self.position_of(key)).unwrap_or(0);
            let mut chosen = NO_NODE;
            for step in 0..positions.len() {
                let owner = owners[(start + step) % positions.len()];
                if nodes[owner as usize].up && load[owner as usize] < cap {
                    chosen = owner;
                    break;
                }
            }
            // cap × live ≥ m, so a live node below the cap always exists.
            if let Some(count) = load.get_mut(chosen as usize) {
                *count += 1;
            }
            assigned.push(chosen);
        }
        Ok(assigned)
    }
}

/// `ceil((1 + epsilon) · m / n)`, at least 1.
pub fn bounded_capacity(keys: usize, live_nodes: usize, epsilon: f64) -> u64 {
    let cap = ((1.0 + epsilon) * keys as f64 / live_nodes as f64).ceil();
    // Never below the average rounded up, whatever rounding did.
    (cap as u64)
        .max((keys as u64).div_ceil(live_nodes as u64))
        .max(1)
}
