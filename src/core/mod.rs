//! Pure-Rust core: no wasm-bindgen, js-sys or JavaScript values in here.

pub mod balance;
pub mod change;
pub mod continuum;
pub mod error;
pub mod hash;
pub mod history;
pub mod ketama;
pub mod lease;
#[cfg(test)]
mod lookup_cost;
pub mod ring;
pub mod scheme;
pub mod sha1x4;
pub mod sim;
pub(crate) mod sort;
pub mod store;

pub use change::{MovedArc, RingChange};
pub use error::RingError;
pub use ring::HashRing;
pub use scheme::Scheme;
