//! The lease entry's classes: `LeaseTable` ([`table`], its fast path [`fast`] and the objects
//! its outcomes become, [`views`]) and `FencedStore` ([`store`]). Each class file includes its
//! TypeScript from the `.d.ts` beside it (`lease_table.d.ts`, `fenced_store.d.ts`).
//!
//! Every checked method decodes its arguments strictly (`args`), makes one core call and
//! encodes the outcome as a plain object with a `status` (or, for events, a `type`) field.
//! Protocol outcomes (busy, queued, rejected…) are values; bad arguments throw `TypeError` /
//! `RangeError` naming the parameter, and leave the table unchanged.

mod fast;
mod store;
mod table;
mod views;

pub use store::JsFencedStore;
pub use table::JsLeaseTable;
