//! Ring positions: the big-endian `u32` of the first four bytes of SHA-1 over explicit bytes.
//!
//! Hashing never goes through `std::hash::Hash`, so a position is the same natively, in Node and
//! in every browser.

use sha1::{Digest, Sha1};

/// The ring position of `bytes`: the first four bytes of SHA-1(bytes), big-endian.
///
/// ```
/// use ringlease::core::hash::position;
/// // SHA-1("abc") = a9993e36…
/// assert_eq!(position(b"abc"), 0xa999_3e36);
/// ```
pub fn position(bytes: &[u8]) -> u32 {
    first_u32(&Sha1::digest(bytes))
}

/// The position of the point labelled `"{id}#{index}"`, without building the label string.
pub fn point_position(id: &str, index: u32) -> u32 {
    let mut digits = [0u8; 10];
    let mut hasher = Sha1::new();
    hasher.update(id.as_bytes());
    hasher.update(b"#");
    hasher.update(decimal(index, &mut digits));
    first_u32(&hasher.finalize())
}

fn first_u32(digest: &[u8]) -> u32 {
    let mut first = [0u8; 4];
    first.copy_from_slice(&digest[..4]);
    u32::from_be_bytes(first)
}

/// Writes `value` in decimal into `buf` and returns the written digits.
fn decimal(mut value: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return &buf[start..];
        }
    }
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
        for (id, index) in [("a", 0), ("node-7", 159), ("東京", 4095), ("x", u32::MAX)] {
            let label = format!("{id}#{index}");
            assert_eq!(
                point_position(id, index),
                position(label.as_bytes()),
                "{label}"
            );
        }
    }

    #[test]
    fn decimal_writes_every_digit() {
        let mut buf = [0u8; 10];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(10, &mut buf), b"10");
        assert_eq!(decimal(u32::MAX, &mut buf), b"4294967295");
    }
}
