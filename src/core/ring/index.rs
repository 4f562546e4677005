//! The lookup index over a ring's sorted positions.

/// A bucket table over the top bits of the sorted positions: `starts[b]` is the index of the
/// first point whose position's top `bits` bits are ≥ `b` (`starts.len() == 2^bits + 1`). A
/// lookup then searches only its bucket's few points instead of the whole array. One bucket per
/// four to eight points (a power of two, at most 2^16 buckets): 0.5 to 1 byte per point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SearchIndex {
    pub(super) starts: Vec<u32>,
    /// `32 - bits` (32 when there is no table: every position falls in bucket 0).
    pub(super) shift: u32,
}

impl SearchIndex {
    const MAX_BITS: u32 = 16;

    pub(super) fn build(positions: &[u32]) -> SearchIndex {
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
    pub(super) fn partition_point(&self, positions: &[u32], position: u32) -> usize {
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
