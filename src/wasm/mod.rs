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
#[cfg(feature = "lease")]
mod store;

#[cfg(feature = "ring")]
pub use continuum::JsKetamaRing;
#[cfg(feature = "lease")]
pub use history::check_history;
#[cfg(feature = "lease")]
pub use lease::JsLeaseTable;
#[cfg(feature = "ring")]
pub use ring::JsHashRing;
#[cfg(feature = "sim")]
pub use sim::JsSimulation;
#[cfg(feature = "lease")]
pub use store::JsFencedStore;

use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(feature = "lease")]
#[wasm_bindgen(typescript_custom_section)]
const LEASE_TS_TYPES: &'static str = r#"
/** Options of `new LeaseTable(options)`. All durations in ms, non-negative safe integers. */
export interface LeaseTableOptions {
  /** The shortest TTL (and wait) accepted, ≥ 1. Default 1. */
  minTtlMs?: number;
  /** The longest TTL (and wait) accepted, ≤ 2^40. Default 3600000. */
  maxTtlMs?: number;
  /** How long a resource stays blocked after a lease expires (not after a release), 0..=60000. Default 0. */
  lockDelayMs?: number;
  /** Serve waiters in arrival order (default true); false serves them in owner-id order. */
  fifo?: boolean;
  /** The most events kept between two `tick`s, 0..=2^24 (0: collect none). Default 100000. When
   * more pile up the oldest are dropped and `tick` starts with an `eventsDropped` event. */
  maxEvents?: number;
  /** The most finished request ids remembered, 0..=2^24; the oldest is forgotten first (a retry
   * of it then acquires anew). Default 10000. */
  maxRequestIds?: number;
  /** Every token is larger than this, 0..=2^52. Default 0. A restarting process passes the last
   * token it persisted, so its new tokens fence off every holder from before the restart. */
  tokenFloor?: number;
}

/** Options of `LeaseTable.acquire`. */
export interface AcquireOptions {
  /** The lease TTL in ms, in [minTtlMs, maxTtlMs]. */
  ttlMs: number;
  /** The time of the request (ms, never decreasing). */
  nowMs: number;
  /** Queue if held: how long to wait in ms (in [minTtlMs, maxTtlMs]), or `true` for `ttlMs`. Default: do not wait. */
  wait?: number | boolean;
  /** Makes retries idempotent: the same (owner, requestId) never queues or is granted twice. */
  requestId?: string;
}

/** Options of `LeaseTable.renew` and `LeaseTable.campaign`. */
export interface TtlOptions {
  ttlMs: number;
  nowMs: number;
}

/** A lease: who holds a resource, with which fencing token, until when (`nowMs < expiresAtMs`). */
export interface LeaseInfo {
  owner: string;
  token: number;
  grantedAtMs: number;
  expiresAtMs: number;
  requestId?: string;
}

/** An election's leadership. */
export interface LeaderInfo {
  leader: string;
  token: number;
  grantedAtMs: number;
  expiresAtMs: number;
}

/** Why a renew, release or resign was refused. */
export type LeaseRejection = "notHolder" | "wrongToken" | "expired" | "released" | "unknownResource";

export type AcquireResult =
  | { status: "granted"; token: number; expiresAtMs: number }
  | { status: "queued"; position: number }
  | { status: "busy"; holder: string; expiresAtMs: number }
  | { status: "delayed"; untilMs: number }
  | { status: "finished"; token?: number };

export type RenewResult =
  | { status: "renewed"; expiresAtMs: number }
  | { status: "rejected"; reason: LeaseRejection };

export type ReleaseResult =
  | { status: "released"; next?: LeaseInfo }
  | { status: "rejected"; reason: LeaseRejection };

export type ResignResult =
  | { status: "resigned"; next?: LeaderInfo }
  | { status: "rejected"; reason: LeaseRejection };

export type CancelResult = { status: "left"; position: number } | { status: "notQueued" };

export type CampaignResult =
  | { status: "leader"; token: number; expiresAtMs: number }
  | { status: "candidate"; position: number; leader?: string };

/** Something that happened in a LeaseTable, at `atMs`. Returned by `LeaseTable.tick`. */
export type LeaseEvent =
  | { type: "granted"; resource: string; owner: string; token: number; grantedAtMs: number; expiresAtMs: number; requestId?: string; atMs: number }
  | { type: "released"; resource: string; owner: string; token: number; atMs: number }
  | { type: "expired"; resource: string; owner: string; token: number; atMs: number }
  | { type: "lockDelayEnded"; resource: string; atMs: number }
  | { type: "dequeued"; resource: string; owner: string; reason: "waitExpired" | "cancelled"; atMs: number }
  | { type: "leaderElected"; election: string; leader: string; token: number; grantedAtMs: number; expiresAtMs: number; atMs: number }
  | { type: "leaderLost"; election: string; leader: string; token: number; cause: "expired" | "resigned"; atMs: number }
  | { type: "candidateDropped"; election: string; candidate: string; reason: "waitExpired" | "cancelled"; atMs: number }
  /** First in `tick`'s list when more than `maxEvents` piled up: how many of the oldest were
   * dropped, and the instant of the last one dropped. */
  | { type: "eventsDropped"; count: number; atMs: number };
/** What guards a key of a strict FencedStore: a lock's resource name, or an election. */
export type FenceGuard = string | { election: string };

/** Options of `new FencedStore(options)`. */
export interface FencedStoreOptions {
  /** Also check each write's token with this LeaseTable: a write is accepted only while its
   * token is the live lease of the resource guarding the key (by default the lock named like
   * the key). */
  strict?: LeaseTable;
  /** Strict only: keys guarded by something else than the lock named like them. */
  guards?: Record<string, FenceGuard>;
}

export type WriteResult =
  | { accepted: true; version: number }
  | { accepted: false; reason: "staleToken"; highest: number }
  | { accepted: false; reason: "notLive" };

/** A key of a FencedStore: its value (a fresh copy), highest accepted token and version. */
export interface StoredEntry {
  value: unknown;
  token: number;
  version: number;
}

export interface CompareAndSetResult {
  accepted: boolean;
  /** The new version if accepted, else the current one (0: the key does not exist). */
  version: number;
}
"#;
