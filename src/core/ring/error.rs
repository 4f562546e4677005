//! Errors of the core: invalid input or a request that contradicts the ring's state.
//! Expected outcomes (an empty ring has no owner) are values, not errors.

use std::fmt;

use super::limits::{MAX_ID_BYTES, MAX_POINTS, MAX_POINTS_PER_DIGEST, MAX_VNODES};
use crate::core::number::js_number;

/// Why a ring operation was refused. The ring is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq)]
pub enum RingError {
    /// A node id was the empty string.
    EmptyId,
    /// A node id is longer than [`MAX_ID_BYTES`] UTF-8 bytes.
    IdTooLong {
        /// Its length in UTF-8 bytes.
        bytes: usize,
    },
    /// The node is already on the ring (or named twice in one batch).
    DuplicateNode(String),
    /// The node is not on the ring.
    UnknownNode(String),
    /// The vnode count is outside `1..=MAX_VNODES`.
    InvalidVnodes(u64),
    /// A weight that is not a finite number greater than zero.
    InvalidWeight(f64),
    /// Points per ketama digest outside `1..=MAX_POINTS_PER_DIGEST` (hashring's `replicas`).
    InvalidPointsPerDigest(u64),
    /// A bounded-loads epsilon that is not a finite number greater than zero.
    InvalidEpsilon(f64),
    /// An operation that needs a live node found none (all down, or the ring is empty).
    NoLiveNode,
    /// The change would make the ring hold more than [`MAX_POINTS`] points.
    TooManyPoints {
        /// How many points the ring would hold.
        requested: f64,
    },
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::EmptyId => write!(f, "node id must not be empty"),
            RingError::IdTooLong { bytes } => write!(
                f,
                "node id must be at most {MAX_ID_BYTES} UTF-8 bytes, got {bytes}"
            ),
            RingError::DuplicateNode(id) => write!(f, "node {} already exists", quoted(id)),
            RingError::UnknownNode(id) => write!(f, "unknown node {}", quoted(id)),
            RingError::InvalidVnodes(v) => {
                write!(f, "vnodes must be an integer in 1..={MAX_VNODES}, got {v}")
            }
            RingError::InvalidWeight(w) => {
                write!(
                    f,
                    "weight must be a finite number > 0, got {}",
                    js_number(*w)
                )
            }
            RingError::InvalidPointsPerDigest(n) => write!(
                f,
                "points per digest must be an integer in 1..={}, got {n}",
                MAX_POINTS_PER_DIGEST
            ),
            RingError::InvalidEpsilon(e) => {
                write!(
                    f,
                    "epsilon must be a finite number > 0, got {}",
                    js_number(*e)
                )
            }
            RingError::NoLiveNode => write!(f, "the ring has no live node"),
            RingError::TooManyPoints { requested } => write!(
                f,
                "the ring would hold {} points, more than the limit of {MAX_POINTS}",
                js_number(*requested)
            ),
        }
    }
}

impl std::error::Error for RingError {}

/// An id for a message: quoted like a JSON string (non-ASCII shown as is), and cut to its first
/// 64 characters.
fn quoted(id: &str) -> String {
    let (shown, cut) = match id.char_indices().nth(64) {
        Some((end, _)) => (&id[..end], "…"),
        None => (id, ""),
    };
    let mut out = String::with_capacity(shown.len() + 3);
    out.push('"');
    for c in shown.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out.push_str(cut);
    out
}
