//! The seeded PRNG: PCG-XSH-RR 64/32 (`rand_pcg::Pcg32`), integers only.
//!
//! Probabilities are integer parts per million and ranges are integer and inclusive, drawn by
//! rejection so every value is equally likely; no floating point is involved, so a seed gives
//! the same numbers natively and in wasm. The simulation keeps one generator per concern
//! (network, faults, clients), each on its own PCG stream of the same seed, so that, for
//! example, the fault schedule does not shift when the network draws one more number.

use rand_core::RngCore;
use rand_pcg::Pcg32;

/// One part per million: the unit of every probability.
pub const PPM: u32 = 1_000_000;

/// A seeded generator of integers.
#[derive(Debug, Clone)]
pub(crate) struct Rng(Pcg32);

impl Rng {
    /// The generator for `seed` on PCG stream `stream`.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        Rng(Pcg32::new(seed, stream))
    }

    /// A uniform integer in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        if let Ok(n32) = u32::try_from(n) {
            // Reject the top `2^32 mod n` values so each residue is equally likely.
            let limit = u32::MAX - (u32::MAX % n32 + 1) % n32;
            loop {
                let x = self.0.next_u32();
                if x <= limit {
                    return u64::from(x % n32);
                }
            }
        }
        let limit = u64::MAX - (u64::MAX % n + 1) % n;
        loop {
            let x = self.0.next_u64();
            if x <= limit {
                return x % n;
            }
        }
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi <= lo`).
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            None => self.0.next_u64(),
        }
    }

    /// A uniform integer in `-max..=max`.
    pub(crate) fn symmetric(&mut self, max: u64) -> i64 {
        let max = max.min(i64::MAX as u64 / 2);
        self.range(0, 2 * max) as i64 - max as i64
    }

    /// True with probability `ppm` parts per million.
    pub(crate) fn chance(&mut self, ppm: u32) -> bool {
        ppm > 0 && (ppm >= PPM || self.below(u64::from(PPM)) < u64::from(ppm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_streams_differ() {
        let mut a = Rng::new(7, 1);
        let mut b = Rng::new(7, 1);
        let mut c = Rng::new(7, 2);
        let xs: Vec<u64> = (0..20).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..20).map(|_| b.below(1000)).collect();
        let zs: Vec<u64> = (0..20).map(|_| c.below(1000)).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn ranges_are_inclusive_and_cover_every_value() {
        let mut r = Rng::new(1, 0);
        let mut seen = [0u32; 5];
        for _ in 0..5000 {
            let x = r.range(10, 14);
            assert!((10..=14).contains(&x));
            seen[(x - 10) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
        assert_eq!(r.range(3, 3), 3);
        assert_eq!(r.range(5, 2), 5);
        let _full_range = r.range(0, u64::MAX);
        for _ in 0..100 {
            assert!((-4..=4).contains(&r.symmetric(4)));
        }
    }

    #[test]
    fn chance_extremes_and_rate() {
        let mut r = Rng::new(3, 0);
        assert!((0..100).all(|_| !r.chance(0)));
        assert!((0..100).all(|_| r.chance(PPM)));
        let hits = (0..100_000).filter(|_| r.chance(100_000)).count();
        assert!((9_000..11_000).contains(&hits), "{hits}");
    }
}
