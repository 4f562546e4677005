//! Sorting packed points: `(position << 32) | owner` values, by position; and node indices.

use std::cmp::Ordering;

/// Sorts packed points by their high 32 bits (the position) with a stable LSD radix sort: four
/// passes of one byte each. Points that share a position keep their input order, so input
/// generated in (owner, index) order comes out in (position, owner, index) order — the ring's
/// contract — in linear time. Several times faster than a comparison sort at ring sizes.
pub(crate) fn sort_by_position(points: &mut Vec<u64>) {
    if points.len() < 64 {
        // Insertion sort: stable, and far less code than the standard library's stable sort.
        for i in 1..points.len() {
            let point = points[i];
            let mut j = i;
            while j > 0 && points[j - 1] >> 32 > point >> 32 {
                points[j] = points[j - 1];
                j -= 1;
            }
            points[j] = point;
        }
        return;
    }
    // All four histograms in one read of the input, then one scatter pass per byte.
    let mut counts = [[0usize; 256]; 4];
    for &point in points.iter() {
        let position = (point >> 32) as u32;
        for (byte, histogram) in counts.iter_mut().enumerate() {
            histogram[((position >> (8 * byte)) & 0xff) as usize] += 1;
        }
    }
    let mut scratch = vec![0u64; points.len()];
    for (byte, histogram) in counts.iter().enumerate() {
        if histogram.contains(&points.len()) {
            continue; // every point has the same byte here: the pass would not move anything
        }
        let shift = 32 + 8 * byte;
        let mut offsets = [0usize; 256];
        let mut total = 0;
        for (offset, &count) in offsets.iter_mut().zip(histogram) {
            *offset = total;
            total += count;
        }
        for &point in points.iter() {
            let bucket = &mut offsets[((point >> shift) & 0xff) as usize];
            scratch[*bucket] = point;
            *bucket += 1;
        }
        std::mem::swap(points, &mut scratch);
    }
}

/// Sorts `indices` by `compare` (not stable). Every sort of nodes goes through here, as a sort
/// of their indices: one copy of the standard library's sort in the wasm instead of one per
/// element type and comparison.
#[inline(never)]
pub(crate) fn sort_indices(indices: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    indices.sort_unstable_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_stable_comparison_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for len in [0usize, 1, 63, 64, 65, 1000, 20_000] {
            let points: Vec<u64> = (0..len as u64)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Few distinct positions, so ties are common; owner = input order.
                    ((state % 97) << 40 | (state % 13) << 32) | i
                })
                .collect();
            let mut expected = points.clone();
            expected.sort_by_key(|&point| point >> 32);
            let mut sorted = points;
            sort_by_position(&mut sorted);
            assert_eq!(sorted, expected, "len {len}");
        }
    }
}
