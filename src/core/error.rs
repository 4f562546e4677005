//! Errors of the core: invalid input or a request that contradicts the ring's state.
//! Expected outcomes (an empty ring has no owner) are values, not errors.

use std::fmt;

/// Why a ring operation was refused. The ring is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq)]
pub enum RingError {
    /// A node id was the empty string.
    EmptyId,
    /// A node id is longer than [`crate::core::ring::MAX_ID_BYTES`] UTF-8 bytes.
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
    /// A bounded-loads epsilon that is not a finite number greater than zero.
    InvalidEpsilon(f64),
    /// An operation that needs a live node found none (all down, or the ring is empty).
    NoLiveNode,
    /// The change would make the ring hold more than [`crate::core::ring::MAX_POINTS`] points.
    TooManyPoints {
        /// How many points the ring would hold.
        requested: f64,
    },
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::core::ring::{MAX_ID_BYTES, MAX_POINTS, MAX_VNODES};
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

/// Formats a number the way JavaScript prints it for the common cases (NaN, Infinity, integers).
pub(crate) fn js_number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if value == 0.0 {
        "0".to_owned()
    } else if value.fract() == 0.0 && value.abs() < 1e21 {
        format!("{value:.0}")
    } else if value.abs() >= 1e21 {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}
