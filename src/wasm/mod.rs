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

mod args;
mod errors;
mod ring;

pub use ring::JsHashRing;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new HashRing(options)`. */
export interface RingOptions {
  /** Points per unit of weight: an integer in 1..=4096. Default 160. */
  vnodes?: number;
}

/** Options of `HashRing.addNode(id, options)`. */
export interface NodeOptions {
  /** A finite number > 0. The node gets `max(1, round(vnodes × weight))` points. Default 1. */
  weight?: number;
}

/** A node to add with `HashRing.addNodes`: an id, or an id with a weight. */
export type NodeSpec = string | { id: string; weight?: number };

/** A node on the ring, as returned by `HashRing.nodes()`. */
export interface RingNode {
  id: string;
  weight: number;
  /** How many points the node has on the ring. */
  points: number;
}

/**
 * Every point of the ring, for drawing: `positions` ascending (u32 ring positions) and, at the
 * same index, `owners` — the index of the owning node in `nodes()`.
 */
export interface RingPoints {
  positions: Uint32Array;
  owners: Uint32Array;
}
"#;
