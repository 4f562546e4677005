//! The wasm suite in headless browsers:
//! `wasm-pack test --headless --chrome --firefox -- --test browser`.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm/suite.rs"]
pub mod suite;

#[path = "wasm/lease_suite.rs"]
pub mod lease_suite;

#[path = "wasm/sim_suite.rs"]
pub mod sim_suite;

#[path = "wasm/ketama_suite.rs"]
pub mod ketama_suite;
