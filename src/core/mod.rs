//! Pure-Rust core: no wasm-bindgen, js-sys or JavaScript values in here.

pub mod balance;
pub mod change;
pub mod error;
pub mod hash;
pub mod history;
pub mod ketama;
pub mod lease;
pub mod ring;
pub mod scheme;
pub mod sha1x4;
pub mod sim;
mod sort;
pub mod store;

pub use change::{MovedArc, RingChange};
pub use error::RingError;
pub use ring::HashRing;
pub use scheme::Scheme;
