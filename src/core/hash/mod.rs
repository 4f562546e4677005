//! Ring positions: the big-endian `u32` of the first four bytes of SHA-1 over explicit bytes.
//!
//! Hashing never goes through `std::hash::Hash`, so a position is the same natively, in Node and
//! in every browser.

use sha1::{Digest, Sha1};

use crate::core::number::u32_digits;

pub mod ketama;
pub mod sha1x4;

/// The ring position of `bytes`: the first four bytes of SHA-1(bytes), big-endian.
///
/// ```
/// use ringlease::core::hash::position;
/// // SHA-1("abc") = a9993e36…
/// assert_eq!(position(b"abc"), 0xa999_3e36);
/// ```
// Not inlined: it is called from many lookups, and SHA-1 inlined into each costs kilobytes of wasm.
#[inline(never)]
pub fn position(bytes: &[u8]) -> u32 {
    single_block(&[bytes]).unwrap_or_else(|| first_u32(&Sha1::digest(bytes)))
}

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// The longest message that fits one padded SHA-1 block (64 bytes minus the 0x80 marker and
/// the 8-byte length).
const SINGLE_BLOCK_MAX: usize = 55;

/// The first word of SHA-1 over the concatenation of `parts` when it fits in one block; `None`
/// otherwise. Only the standard Merkle–Damgård padding is done here: the compression function
/// is the `sha1` crate's. It skips the hasher's block-buffer bookkeeping, a large share of the
/// time for short inputs in wasm (measured: ring builds ~18% faster, lookups ~5%). Checked
/// against `Sha1::digest` at every length 0..300 and by a property test.
fn single_block(parts: &[&[u8]]) -> Option<u32> {
    let mut block = [0u8; 64];
    let mut len = 0;
    for part in parts {
        let end = len + part.len();
        if end > SINGLE_BLOCK_MAX {
            return None;
        }
        block[len..end].copy_from_slice(part);
        len = end;
    }
    pad(&mut block, len);
    Some(compress_one(block))
}

/// The first word of the SHA-1 state after compressing one already padded `block`.
fn compress_one(block: [u8; 64]) -> u32 {
    let mut state = SHA1_INIT;
    sha1::compress(&mut state, &[block.into()]);
    state[0]
}

/// The position of the point labelled `"{id}#{index}"`, without building the label string.
pub fn point_position(id: &str, index: u32) -> u32 {
    let mut digits = [0u8; 10];
    let digits = u32_digits(index, &mut digits);
    if let Some(position) = single_block(&[id.as_bytes(), b"#", digits]) {
        return position;
    }
    let mut hasher = Sha1::new();
    hasher.update(id.as_bytes());
    hasher.update(b"#");
    hasher.update(digits);
    first_u32(&hasher.finalize())
}

/// The positions of points `"{id}#0"` to `"{id}#{count - 1}"`, in order: the same values as
/// [`point_position`], four labels hashed at a time ([`sha1x4::first_words`]). Ids too long for
/// every label to fit one block (over 44 bytes) take [`point_position`] label by label.
pub fn point_positions(id: &str, count: u32) -> PointPositions<'_> {
    let prefix = id.len() + 1;
    let fits = prefix + 10 <= SINGLE_BLOCK_MAX;
    let mut blocks = [[0u8; 64]; 4];
    let mut ends = [0; 4];
    if fits {
        // Lane `j` starts at label "{id}#{j}".
        for (lane, (block, end)) in blocks.iter_mut().zip(&mut ends).enumerate() {
            block[..id.len()].copy_from_slice(id.as_bytes());
            block[id.len()] = b'#';
            block[prefix] = b'0' + lane as u8;
            *end = prefix + 1;
            pad(block, *end);
        }
    }
    PointPositions {
        id,
        count,
        first: 0,
        fits,
        blocks,
        ends,
        ready: Ready::default(),
    }
}

/// The iterator of [`point_positions`]. Each lane keeps its padded label block and steps it
/// four labels on by adding 4 to the decimal digits in place, so making the next four labels
/// costs a few byte writes: no division, no copying of the `"{id}#"` part.
#[derive(Debug, Clone)]
pub struct PointPositions<'a> {
    id: &'a str,
    count: u32,
    /// The index of the label in lane 0 of `blocks` (the next group to hash).
    first: u32,
    /// Whether every label fits one block (then `blocks` and `ends` are in use).
    fits: bool,
    /// Lane `j` holds the padded label `"{id}#{first + j}"`.
    blocks: [[u8; 64]; 4],
    /// Where each lane's label ends (its length in bytes).
    ends: [usize; 4],
    /// Positions of the last group hashed.
    ready: Ready,
}

/// Up to four positions hashed together; `positions[next..len]` are still to be returned.
#[derive(Debug, Clone, Default)]
struct Ready {
    positions: [u32; 4],
    next: usize,
    len: usize,
}

impl Ready {
    /// The next position, if any is left.
    #[inline]
    fn pop(&mut self) -> Option<u32> {
        let position = *self.positions.get(self.next..self.len)?.first()?;
        self.next += 1;
        Some(position)
    }

    /// How many positions are left.
    fn left(&self) -> usize {
        self.len - self.next
    }
}

impl Iterator for PointPositions<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.ready.left() == 0 {
            self.fill();
        }
        self.ready.pop()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.count.saturating_sub(self.first) as usize) + self.ready.left();
        (left, Some(left))
    }
}

impl PointPositions<'_> {
    /// Hashes the next (up to) four labels into `ready`.
    fn fill(&mut self) {
        self.ready.next = 0;
        self.ready.len = 0;
        if self.first >= self.count {
            return;
        }
        self.ready.len = (self.count - self.first).min(4) as usize;
        if self.fits {
            // Lanes past `count` hash labels that are not points; their results are dropped.
            self.ready.positions = sha1x4::first_words(&self.blocks);
            let prefix = self.id.len() + 1;
            for (block, end) in self.blocks.iter_mut().zip(&mut self.ends) {
                add_to_label(block, prefix, end, 4);
            }
        } else {
            let len = self.ready.len;
            for (lane, ready) in self.ready.positions.iter_mut().enumerate().take(len) {
                *ready = point_position(self.id, self.first + lane as u32);
            }
        }
        self.first = self.first.saturating_add(4);
    }
}

/// Adds `add` (< 10) to the decimal number at `block[prefix..*end]` (a padded label) and keeps
/// the padding right when it gains a digit. Labels stay within one block: the longest index
/// any lane reaches is under 2^32 + 4, ten digits, which `point_positions` checked fit.
// Not inlined: one copy instead of one per lane, for a few nanoseconds per call.
#[inline(never)]
fn add_to_label(block: &mut [u8; 64], prefix: usize, end: &mut usize, add: u8) {
    let mut carry = add;
    let mut at = *end;
    while carry > 0 {
        if at == prefix {
            // A carry out of the first digit: shift the digits right and write it in front.
            // (Only when the number of digits grows: at 10, 100, 1000, …)
            block.copy_within(prefix..*end, prefix + 1);
            block[prefix] = b'0' + carry;
            *end += 1;
            pad(block, *end);
            return;
        }
        at -= 1;
        let digit = block[at] - b'0' + carry;
        (block[at], carry) = if digit >= 10 {
            (b'0' + digit - 10, 1)
        } else {
            (b'0' + digit, 0)
        };
    }
}

/// The positions of `keys`, in order: the same values as [`position`], with the keys that fit
/// one block (at most 55 bytes) hashed four at a time ([`sha1x4`]).
///
/// ```
/// use ringlease::core::hash::{position, positions};
/// let keys: [&[u8]; 3] = [b"abc", b"", &[b'x'; 100]];
/// let batch: Vec<u32> = positions(keys).collect();
/// assert_eq!(batch, keys.map(position));
/// ```
pub fn positions<'k, I>(keys: I) -> Positions<I::IntoIter>
where
    I: IntoIterator<Item = &'k [u8]>,
{
    Positions {
        keys: keys.into_iter(),
        group: KeyGroup {
            blocks: [[0; 64]; 4],
            ready: Ready::default(),
            short: [false; 4],
        },
    }
}

/// The iterator of [`positions`]: it takes up to four keys, hashes them together and hands their
/// positions back one by one.
#[derive(Debug, Clone)]
pub struct Positions<I> {
    keys: I,
    group: KeyGroup,
}

impl<'k, I: Iterator<Item = &'k [u8]>> Iterator for Positions<I> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if let Some(position) = self.group.ready.pop() {
            return Some(position);
        }
        self.group.clear();
        for key in self.keys.by_ref().take(4) {
            self.group.push(key);
        }
        self.group.hash();
        self.group.ready.pop()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.keys.size_hint();
        let ready = self.group.ready.left();
        (
            low.saturating_add(ready),
            high.and_then(|high| high.checked_add(ready)),
        )
    }
}

/// Up to four keys hashed together, and their positions. Not generic, so every kind of key
/// iterator shares one copy of this code.
#[derive(Debug, Clone)]
struct KeyGroup {
    /// The padded blocks of the keys that fit one, one per lane.
    blocks: [[u8; 64]; 4],
    /// The positions of the group's keys.
    ready: Ready,
    /// Which lanes hold a block to hash (the others hold a long key's position already).
    short: [bool; 4],
}

impl KeyGroup {
    /// Empties the group.
    fn clear(&mut self) {
        (self.ready.next, self.ready.len, self.short) = (0, 0, [false; 4]);
    }

    /// Adds a key to the group (which holds fewer than four). A key longer than one block is
    /// hashed on its own right away; its lane's block is left as it was and not used.
    #[inline(never)]
    fn push(&mut self, key: &[u8]) {
        let lane = self.ready.len;
        let (Some(block), Some(ready), Some(short)) = (
            self.blocks.get_mut(lane),
            self.ready.positions.get_mut(lane),
            self.short.get_mut(lane),
        ) else {
            return;
        };
        if key.len() <= SINGLE_BLOCK_MAX {
            key_block(key, block);
            *short = true;
        } else {
            *ready = first_u32(&Sha1::digest(key));
        }
        self.ready.len += 1;
    }

    /// Hashes the group's short keys, four lanes at once.
    fn hash(&mut self) {
        if self.short.contains(&true) {
            let hashed = sha1x4::first_words(&self.blocks);
            let ready = self.ready.positions.iter_mut();
            for ((ready, &short), hashed) in ready.zip(&self.short).zip(hashed) {
                if short {
                    *ready = hashed;
                }
            }
        }
    }
}

/// Writes the padded block of `key` (at most 55 bytes) over all of `block`.
fn key_block(key: &[u8], block: &mut [u8; 64]) {
    *block = [0; 64];
    block[..key.len()].copy_from_slice(key);
    pad(block, key.len());
}

/// Writes SHA-1's padding after a `len`-byte message (`len` ≤ 55) at the start of `block`,
/// whose bytes past the message must be zero: the 0x80 marker and the bit length.
fn pad(block: &mut [u8; 64], len: usize) {
    block[len] = 0x80;
    block[56..].copy_from_slice(&(8 * len as u64).to_be_bytes());
}

fn first_u32(digest: &[u8]) -> u32 {
    let mut first = [0u8; 4];
    first.copy_from_slice(&digest[..4]);
    u32::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha1_matches_fips_180_vectors() {
        assert_eq!(
            hex(&Sha1::digest(b"")),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            hex(&Sha1::digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(position(b""), 0xda39_a3ee);
    }

    #[test]
    fn point_position_hashes_the_label() {
        let long = "x".repeat(256);
        let longer = "y".repeat(257);
        for (id, index) in [
            ("a", 0),
            ("node-7", 159),
            ("東京", 4095),
            ("x", u32::MAX),
            (long.as_str(), u32::MAX),
            (longer.as_str(), 7),
        ] {
            let label = format!("{id}#{index}");
            assert_eq!(
                point_position(id, index),
                position(label.as_bytes()),
                "{label}"
            );
        }
    }

    #[test]
    fn point_positions_match_point_position() {
        for id in [
            "a",
            "node-7",
            "東京",
            &"x".repeat(44),
            &"y".repeat(45),
            &"z".repeat(256),
        ] {
            let all: Vec<u32> = point_positions(id, 1200).collect();
            assert_eq!(all.len(), 1200);
            for (index, &position) in all.iter().enumerate() {
                assert_eq!(position, point_position(id, index as u32), "{id}#{index}");
            }
        }
    }

    /// Every count 0..=9 (so every remainder mod 4), around the 44-byte limit of the batch
    /// path, with multi-byte ids.
    #[test]
    fn point_positions_at_small_counts_and_id_lengths() {
        let mut ids: Vec<String> = (1..=60).map(|len| "n".repeat(len)).collect();
        ids.extend(
            [
                "é",
                "東京",
                "🦀-node",
                "ü".repeat(22).as_str(),
                "東".repeat(15).as_str(),
            ]
            .map(String::from),
        );
        ids.push("x".repeat(256));
        for id in &ids {
            for count in 0..=9u32 {
                let batch: Vec<u32> = point_positions(id, count).collect();
                let single: Vec<u32> = (0..count).map(|i| point_position(id, i)).collect();
                assert_eq!(batch, single, "{id:?} × {count}");
            }
        }
        // Digit-count boundaries inside one group of four.
        for id in ["a", &"n".repeat(44)] {
            for count in [10, 11, 13, 99, 101, 1001, 10_003] {
                let batch: Vec<u32> = point_positions(id, count).collect();
                assert_eq!(batch.len(), count as usize);
                for (index, &position) in batch.iter().enumerate().rev().take(12) {
                    assert_eq!(position, point_position(id, index as u32), "{id}#{index}");
                }
            }
        }
    }

    /// Batched key positions against one-by-one ones, with long keys (hashed on their own)
    /// at every place within a group of four and every batch length 0..=9.
    #[test]
    fn positions_match_position_with_long_keys_anywhere() {
        let mut state = 0x2545_f491u32;
        let keys: Vec<Vec<u8>> = (0..300usize)
            .map(|i| {
                let len = match i % 7 {
                    0 => 55,
                    1 => 56,
                    2 => 64 + i % 90,
                    _ => i % 56,
                };
                (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        (state >> 24) as u8
                    })
                    .collect()
            })
            .collect();
        let slices: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        for start in 0..8 {
            for len in 0..=9 {
                let run = &slices[start..start + len];
                let batch: Vec<u32> = positions(run.iter().copied()).collect();
                let single: Vec<u32> = run.iter().map(|key| position(key)).collect();
                assert_eq!(batch, single, "keys {start}..{}", start + len);
            }
        }
        let batch: Vec<u32> = positions(slices.iter().copied()).collect();
        let single: Vec<u32> = slices.iter().map(|key| position(key)).collect();
        assert_eq!(batch, single);
        let mut iter = positions(slices.iter().copied());
        assert_eq!(iter.size_hint(), (300, Some(300)));
        iter.next();
        assert_eq!(iter.size_hint(), (299, Some(299)));
    }

    /// The single-block path against the `sha1` crate's own hasher, at every length around and
    /// past the one-block limit.
    #[test]
    fn single_block_matches_sha1_at_every_length() {
        let mut state = 0x9e37_79b9u32;
        for len in 0..300usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (state >> 24) as u8
                })
                .collect();
            let expected = first_u32(&Sha1::digest(&bytes));
            assert_eq!(position(&bytes), expected, "len {len}");
            let split = len / 3;
            let fast = single_block(&[&bytes[..split], &bytes[split..]]);
            assert_eq!(fast.is_some(), len <= SINGLE_BLOCK_MAX, "len {len}");
            if let Some(fast) = fast {
                assert_eq!(fast, expected, "len {len}");
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn position_matches_sha1_crate(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            split in 0usize..300,
        ) {
            let expected = first_u32(&Sha1::digest(&bytes));
            proptest::prop_assert_eq!(position(&bytes), expected);
            let split = split.min(bytes.len());
            if let Some(fast) = single_block(&[&bytes[..split], b"", &bytes[split..]]) {
                proptest::prop_assert_eq!(fast, expected);
            }
        }

        #[test]
        fn point_position_matches_sha1_crate(id in "\\PC{1,80}", index in proptest::prelude::any::<u32>()) {
            let label = format!("{id}#{index}");
            let expected = first_u32(&Sha1::digest(label.as_bytes()));
            proptest::prop_assert_eq!(point_position(&id, index), expected);
            let count = index % 1000;
            let via_iter: Vec<u32> = point_positions(&id, count).collect();
            let direct: Vec<u32> = (0..count).map(|i| point_position(&id, i)).collect();
            proptest::prop_assert_eq!(via_iter, direct);
        }

        #[test]
        fn positions_match_sha1_crate(
            keys in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
                0..13,
            ),
        ) {
            let batch: Vec<u32> = positions(keys.iter().map(Vec::as_slice)).collect();
            let expected: Vec<u32> = keys.iter().map(|key| first_u32(&Sha1::digest(key))).collect();
            proptest::prop_assert_eq!(batch, expected);
        }
    }
}
