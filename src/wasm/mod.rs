//! The JavaScript surface. Each export decodes and validates its arguments (`args`), makes one
//! core call, and encodes the result. Nothing here may panic on any JavaScript input: a panic
//! aborts the wasm instance (`RuntimeError: unreachable`), so the lints below forbid the usual
//! ways to write one.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Each npm entry builds only its classes (Cargo features `ring`, `lease`, `sim`); helpers that an
// entry does not use are compiled out, so they are not dead code in the full build.
#![cfg_attr(not(feature = "sim"), allow(dead_code, unused_imports))]

mod args;
mod call;
#[cfg(feature = "ring")]
mod continuum;
mod document;
mod encode;
#[cfg(feature = "lease")]
mod history;
#[cfg(feature = "ring")]
mod keys;
#[cfg(feature = "lease")]
mod lease;
#[cfg(feature = "ring")]
mod ring;
#[cfg(feature = "sim")]
mod sim;

#[cfg(feature = "ring")]
pub use continuum::JsKetamaRing;
#[cfg(feature = "lease")]
pub use history::check_history;
#[cfg(feature = "lease")]
pub use lease::{JsFencedStore, JsLeaseTable};
#[cfg(feature = "ring")]
pub use ring::JsHashRing;
#[cfg(feature = "sim")]
pub use sim::JsSimulation;
