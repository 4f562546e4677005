//! `acquire` and `release` for the lease entry's JavaScript (`js/lease.js`), which calls these
//! when the arguments are ordinary: names cross once, as small integers after the first time
//! (the intern table below), numbers cross as numbers, and the common answers come back as a
//! number the JavaScript turns into the same object the checked method returns. Anything
//! unusual (a name never seen, an error to report, an outcome that is not a plain grant or
//! release) answers [`CHECKED`] *before* the table changes, and the JavaScript then calls the
//! checked method, which throws or answers exactly as it always did; an outcome that is not a
//! number is kept for `__outcome`.
//!
//! The intern table is global to the wasm instance, capped at [`MAX_NAMES`] names: when it is
//! full, [`JsLeaseTable::intern`] refuses and the JavaScript forgets its copy and starts over
//! (`__forgetNames`), so its memory is bounded whatever the names.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::table::{JsLeaseTable, Kept};
use super::views::{self, Side};
use crate::core::lease::{Acquire, AcquireOptions, Release, MAX_ID_BYTES};
use crate::wasm::args;
use crate::wasm::call::call;

/// The most names interned at once (with 256-byte names, about 2 MiB in wasm).
pub(crate) const MAX_NAMES: usize = 1 << 13;

/// "Use the checked method": nothing changed.
const CHECKED: f64 = -1.0;
/// "Ask `__outcome`": the call is done, its outcome is kept.
const KEPT: f64 = 0.0;

thread_local! {
    /// Interned names: a name's index is its id.
    static NAMES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A non-negative safe integer, or `None`.
fn whole(value: f64) -> Option<u64> {
    (value.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&value))
        .then_some(value as u64)
}

/// Runs `body` with the names of ids `a` and `b`, if both are interned.
fn with_names<T>(a: u32, b: u32, body: impl FnOnce(&str, &str) -> T) -> Option<T> {
    NAMES.with(|cell| {
        let names = cell.try_borrow().ok()?;
        let a = names.get(a as usize)?;
        let b = names.get(b as usize)?;
        Some(body(a, b))
    })
}

#[wasm_bindgen(js_class = LeaseTable)]
impl JsLeaseTable {
    /// The id of a well-formed name of 1 to 256 UTF-8 bytes (ids count up from 0), or -1: not
    /// a usable name (the checked method reports it), or the table is full.
    #[wasm_bindgen(js_name = __intern, skip_typescript)]
    pub fn intern(name: JsValue) -> f64 {
        let Ok(name) = args::string(&name, "name") else {
            return CHECKED;
        };
        if name.is_empty() || name.len() > MAX_ID_BYTES {
            return CHECKED;
        }
        NAMES.with(|cell| match cell.try_borrow_mut() {
            Ok(mut names) if names.len() < MAX_NAMES => {
                names.push(name);
                (names.len() - 1) as f64
            }
            _ => CHECKED,
        })
    }

    /// Forgets every interned name (the JavaScript forgets its ids at the same time).
    #[wasm_bindgen(js_name = __forgetNames, skip_typescript)]
    pub fn forget_names() {
        NAMES.with(|cell| {
            if let Ok(mut names) = cell.try_borrow_mut() {
                *names = Vec::new();
            }
        });
    }

    /// `acquire(resource, owner, { ttlMs, nowMs, wait })` without a request id: the token when
    /// granted (expiring at `nowMs + ttlMs`), [`KEPT`] for any other outcome, or [`CHECKED`].
    /// `wait_ms` < 0: do not wait.
    #[wasm_bindgen(js_name = __acquire, skip_typescript)]
    pub fn acquire_fast(
        &self,
        resource: u32,
        owner: u32,
        ttl_ms: f64,
        now_ms: f64,
        wait_ms: f64,
    ) -> f64 {
        let (Some(ttl), Some(now)) = (whole(ttl_ms), whole(now_ms)) else {
            return CHECKED;
        };
        let mut request = AcquireOptions::new(ttl, now);
        if wait_ms >= 0.0 {
            let Some(wait) = whole(wait_ms) else {
                return CHECKED;
            };
            request.wait = Some(wait);
        }
        let Ok(mut table) = self.table() else {
            return CHECKED;
        };
        let outcome = with_names(resource, owner, |r, o| table.acquire(r, o, request));
        match outcome {
            Some(Ok(Acquire::Granted { token, .. })) => token as f64,
            Some(Ok(outcome)) => self.keep(Kept::Acquire(outcome)),
            _ => CHECKED,
        }
    }

    /// `release(resource, owner, token, nowMs)`: 1 when released with nobody granted next,
    /// [`KEPT`] for any other outcome, or [`CHECKED`].
    #[wasm_bindgen(js_name = __release, skip_typescript)]
    pub fn release_fast(&self, resource: u32, owner: u32, token: f64, now_ms: f64) -> f64 {
        let (Some(token), Some(now)) = (whole(token), whole(now_ms)) else {
            return CHECKED;
        };
        let Ok(mut table) = self.table() else {
            return CHECKED;
        };
        match with_names(resource, owner, |r, o| table.release(r, o, token, now)) {
            Some(Ok(Release::Released { next: None })) => 1.0,
            Some(Ok(outcome)) => self.keep(Kept::Release(outcome)),
            _ => CHECKED,
        }
    }

    /// The outcome the last fast call kept, as the checked method returns it (`undefined` if
    /// none is kept).
    #[wasm_bindgen(js_name = __outcome, skip_typescript)]
    pub fn outcome(&self) -> Result<JsValue, JsValue> {
        match self.kept.take() {
            Some(Kept::Acquire(outcome)) => {
                call("LeaseTable.acquire", || Ok(views::acquire(&outcome)))
            }
            Some(Kept::Release(outcome)) => call("LeaseTable.release", || {
                Ok(views::ended(Side::Lock, &outcome))
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl JsLeaseTable {
    fn keep(&self, outcome: Kept) -> f64 {
        self.kept.set(Some(outcome));
        KEPT
    }
}
