//! Pure-Rust core: no wasm-bindgen, js-sys or JavaScript values in here.

pub mod error;
pub mod hash;
pub mod ring;

pub use error::RingError;
pub use ring::HashRing;
