//! The wasm suite in Node: `wasm-pack test --node -- --test node`.
#![cfg(target_arch = "wasm32")]

#[path = "wasm/suite.rs"]
pub mod suite;

#[path = "wasm/lease_suite.rs"]
pub mod lease_suite;

#[path = "wasm/sim_suite.rs"]
pub mod sim_suite;

#[path = "wasm/ketama_suite.rs"]
pub mod ketama_suite;
