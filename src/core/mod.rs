//! Pure-Rust core: no wasm-bindgen, js-sys or JavaScript values in here.

pub mod hash;
pub mod history;
pub mod lease;
pub(crate) mod number;
pub mod ring;
pub mod sim;
pub(crate) mod sort;
pub mod store;

pub use ring::{HashRing, MovedArc, RingChange, RingError, Scheme};
