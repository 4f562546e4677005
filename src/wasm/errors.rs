//! Real JavaScript errors (`TypeError`, `RangeError`, `Error`) with messages that say where they
//! came from, e.g. `HashRing.addNode: weight must be a finite number > 0, got NaN`.

use js_sys::{Error, RangeError, TypeError};
use wasm_bindgen::JsValue;

use crate::core::RingError;

/// A `TypeError` from `context` (e.g. `"HashRing.addNode"`).
pub(crate) fn type_error(context: &str, message: &str) -> JsValue {
    TypeError::new(&format!("{context}: {message}")).into()
}

/// A `RangeError` from `context`.
pub(crate) fn range_error(context: &str, message: &str) -> JsValue {
    RangeError::new(&format!("{context}: {message}")).into()
}

/// A plain `Error` from `context`.
pub(crate) fn error(context: &str, message: &str) -> JsValue {
    Error::new(&format!("{context}: {message}")).into()
}

/// Maps a core ring error to the JavaScript error class a caller would expect.
pub(crate) fn ring_error(context: &str, err: &RingError) -> JsValue {
    let message = err.to_string();
    match err {
        RingError::DuplicateNode(_) | RingError::UnknownNode(_) | RingError::NoLiveNode => {
            error(context, &message)
        }
        RingError::EmptyId
        | RingError::IdTooLong { .. }
        | RingError::InvalidVnodes(_)
        | RingError::InvalidWeight(_)
        | RingError::InvalidEpsilon(_)
        | RingError::InvalidPointsPerDigest(_)
        | RingError::TooManyPoints { .. } => range_error(context, &message),
    }
}
