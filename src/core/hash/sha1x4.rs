//! Four SHA-1 compressions at once, one per lane of a 4 × `u32` vector.
//!
//! Ring positions hash many short messages (point labels, keys), each a single padded block
//! compressed from SHA-1's initial state, and only the first state word is kept. Here four such
//! blocks go through the 80 rounds side by side: in wasm with `simd128` every operation is one
//! `i32x4` instruction (or three for a rotation) instead of four scalar ones. Elsewhere the same
//! round code runs over `[u32; 4]`, which is what the native tests check against the `sha1`
//! crate.

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
const INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// The round constants of rounds 0–19, 20–39, 40–59 and 60–79.
const K: [u32; 4] = [0x5a82_7999, 0x6ed9_eba1, 0x8f1b_bcdc, 0xca62_c1d6];

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{
        i8x16_shuffle, u32x4, u32x4_add, u32x4_extract_lane, u32x4_shl, u32x4_shr, u32x4_splat,
        v128, v128_and, v128_andnot, v128_or, v128_xor,
    };

    use super::word;

    /// Four `u32` lanes in one wasm `v128`.
    #[derive(Clone, Copy)]
    pub(super) struct Lanes(v128);

    impl Lanes {
        /// `value` in every lane.
        #[inline(always)]
        pub(super) fn splat(value: u32) -> Lanes {
            Lanes(u32x4_splat(value))
        }

        /// Word `index` of each block, read big-endian: lane `j` comes from `blocks[j]`.
        #[inline(always)]
        pub(super) fn load_be(blocks: &[[u8; 64]; 4], index: usize) -> Lanes {
            // Little-endian reads are plain `i32.load`s; one shuffle then swaps every lane's
            // bytes, instead of four scalar byte swaps.
            let [a, b, c, d] = blocks
                .each_ref()
                .map(|block| u32::from_le_bytes(word(block, index)));
            let le = u32x4(a, b, c, d);
            #[rustfmt::skip]
            let be = i8x16_shuffle::<3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12>(le, le);
            Lanes(be)
        }

        /// Lane-wise wrapping addition.
        #[inline(always)]
        pub(super) fn add(self, other: Lanes) -> Lanes {
            Lanes(u32x4_add(self.0, other.0))
        }

        /// Lane-wise exclusive or.
        #[inline(always)]
        pub(super) fn xor(self, other: Lanes) -> Lanes {
            Lanes(v128_xor(self.0, other.0))
        }

        /// Lane-wise and.
        #[inline(always)]
        pub(super) fn and(self, other: Lanes) -> Lanes {
            Lanes(v128_and(self.0, other.0))
        }

        /// Lane-wise or.
        #[inline(always)]
        pub(super) fn or(self, other: Lanes) -> Lanes {
            Lanes(v128_or(self.0, other.0))
        }

        /// Lane-wise `self & !other`.
        #[inline(always)]
        pub(super) fn andnot(self, other: Lanes) -> Lanes {
            Lanes(v128_andnot(self.0, other.0))
        }

        /// Lane-wise rotation left by `N` bits (0 < `N` < 32).
        #[inline(always)]
        pub(super) fn rotl<const N: u32>(self) -> Lanes {
            Lanes(v128_or(u32x4_shl(self.0, N), u32x4_shr(self.0, 32 - N)))
        }

        /// The four lanes, lane 0 first.
        #[inline(always)]
        pub(super) fn to_array(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    use super::word;

    /// Four `u32` lanes as a plain array (no SIMD): the reference the native tests run.
    #[derive(Clone, Copy)]
    pub(super) struct Lanes([u32; 4]);

    impl Lanes {
        /// `value` in every lane.
        #[inline(always)]
        pub(super) fn splat(value: u32) -> Lanes {
            Lanes([value; 4])
        }

        /// Word `index` of each block, read big-endian: lane `j` comes from `blocks[j]`.
        #[inline(always)]
        pub(super) fn load_be(blocks: &[[u8; 64]; 4], index: usize) -> Lanes {
            Lanes(
                blocks
                    .each_ref()
                    .map(|block| u32::from_be_bytes(word(block, index))),
            )
        }

        #[inline(always)]
        fn zip(self, other: Lanes, f: impl Fn(u32, u32) -> u32) -> Lanes {
            let (a, b) = (self.0, other.0);
            Lanes([f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])])
        }

        /// Lane-wise wrapping addition.
        #[inline(always)]
        pub(super) fn add(self, other: Lanes) -> Lanes {
            self.zip(other, u32::wrapping_add)
        }

        /// Lane-wise exclusive or.
        #[inline(always)]
        pub(super) fn xor(self, other: Lanes) -> Lanes {
            self.zip(other, |a, b| a ^ b)
        }

        /// Lane-wise and.
        #[inline(always)]
        pub(super) fn and(self, other: Lanes) -> Lanes {
            self.zip(other, |a, b| a & b)
        }

        /// Lane-wise or.
        #[inline(always)]
        pub(super) fn or(self, other: Lanes) -> Lanes {
            self.zip(other, |a, b| a | b)
        }

        /// Lane-wise `self & !other`.
        #[inline(always)]
        pub(super) fn andnot(self, other: Lanes) -> Lanes {
            self.zip(other, |a, b| a & !b)
        }

        /// Lane-wise rotation left by `N` bits (0 < `N` < 32).
        #[inline(always)]
        pub(super) fn rotl<const N: u32>(self) -> Lanes {
            Lanes(self.0.map(|lane| lane.rotate_left(N)))
        }

        /// The four lanes, lane 0 first.
        #[inline(always)]
        pub(super) fn to_array(self) -> [u32; 4] {
            self.0
        }
    }
}

use lanes::Lanes;

/// Bytes `4 × index .. 4 × index + 4` of `block` (`index` < 16).
#[inline(always)]
fn word(block: &[u8; 64], index: usize) -> [u8; 4] {
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(&block[4 * index..4 * index + 4]);
    bytes
}

/// The first state word of SHA-1 after compressing `blocks[j]` (one already padded 64-byte
/// block, compressed from the initial state) in lane `j`: for a message of at most 55 bytes
/// padded into its block, the big-endian `u32` of the first four bytes of its digest.
///
/// ```
/// use ringlease::core::hash::sha1x4::first_words;
/// let mut abc = [0u8; 64];
/// abc[..4].copy_from_slice(b"abc\x80");
/// abc[63] = 24; // the message length in bits
/// assert_eq!(first_words(&[abc; 4]), [0xa999_3e36; 4]); // SHA-1("abc") = a9993e36…
/// ```
// Not inlined: one copy of the 80 unrolled rounds serves every caller.
#[inline(never)]
pub fn first_words(blocks: &[[u8; 64]; 4]) -> [u32; 4] {
    let mut w = [Lanes::splat(0); 16];
    for (index, slot) in w.iter_mut().enumerate() {
        *slot = Lanes::load_be(blocks, index);
    }
    let [mut a, mut b, mut c, mut d, mut e] = INIT.map(Lanes::splat);
    // Round `t`, fully unrolled below: with `t` a constant every index into the 16-word
    // schedule window is one, so the window lives in locals (registers), and the round
    // function is chosen at compile time. Measured in Node 20 against loops (one of 80 rounds,
    // or four of 20 with the schedule computed first, or those unrolled by 5): the 1000-node
    // build took 12 ms instead of 14.5–16 and nodeForMany 113 ns/key instead of 131–137, for
    // about 7 KB more wasm (1.5 KB gzipped).
    macro_rules! round {
        ($t:expr) => {{
            const T: usize = $t;
            if T >= 16 {
                // W[t] = rotl1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), in a window of 16 words.
                let mixed = w[(T + 13) % 16]
                    .xor(w[(T + 8) % 16])
                    .xor(w[(T + 2) % 16])
                    .xor(w[T % 16]);
                w[T % 16] = mixed.rotl::<1>();
            }
            let f = match T / 20 {
                // Ch(b, c, d)
                0 => b.and(c).or(d.andnot(b)),
                // Maj(b, c, d)
                2 => b.and(c).or(d.and(b.or(c))),
                // Parity(b, c, d)
                _ => b.xor(c).xor(d),
            };
            let k = Lanes::splat(K[T / 20]);
            let next = a.rotl::<5>().add(f).add(e).add(k).add(w[T % 16]);
            (e, d, c, b, a) = (d, c, b.rotl::<30>(), a, next);
        }};
    }
    macro_rules! rounds {
        ($($t:literal)*) => {
            $(round!($t);)*
        };
    }
    rounds!(
        0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
        20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39
        40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59
        60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79
    );
    // Only `a` is read after the last round.
    let _ = (b, c, d, e);
    a.add(Lanes::splat(INIT[0])).to_array()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sha1::compress` from the initial state, first word: the scalar reference.
    fn reference(block: &[u8; 64]) -> u32 {
        let mut state = INIT;
        sha1::compress(&mut state, &[(*block).into()]);
        state[0]
    }

    fn random_blocks(seed: &mut u64) -> [[u8; 64]; 4] {
        let mut blocks = [[0u8; 64]; 4];
        for byte in blocks.iter_mut().flatten() {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *byte = (*seed >> 32) as u8;
        }
        blocks
    }

    #[test]
    fn matches_sha1_compress_on_random_blocks() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            let blocks = random_blocks(&mut seed);
            assert_eq!(first_words(&blocks), blocks.each_ref().map(reference));
        }
    }

    #[test]
    fn matches_sha1_compress_on_edge_blocks() {
        let zero = [0u8; 64];
        let ones = [0xffu8; 64];
        let mut abc = [0u8; 64];
        abc[..3].copy_from_slice(b"abc");
        abc[3] = 0x80;
        abc[63] = 24;
        let lanes = first_words(&[zero, ones, abc, zero]);
        assert_eq!(lanes[2], 0xa999_3e36, "SHA-1(\"abc\") = a9993e36…");
        assert_eq!(lanes, [zero, ones, abc, zero].each_ref().map(reference));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn lanes_are_independent(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 256),
        ) {
            let mut blocks = [[0u8; 64]; 4];
            for (block, chunk) in blocks.iter_mut().zip(bytes.chunks_exact(64)) {
                block.copy_from_slice(chunk);
            }
            proptest::prop_assert_eq!(first_words(&blocks), blocks.each_ref().map(reference));
        }
    }
}
