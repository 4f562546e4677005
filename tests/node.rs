//! The wasm suite in Node: `wasm-pack test --node -- --test node`.
#![cfg(target_arch = "wasm32")]

#[path = "wasm/suite.rs"]
pub mod suite;
