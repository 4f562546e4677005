//! `FencedStore` for JavaScript: a thin wrapper over [`crate::core::store::FencedStore`], with
//! values kept as JSON text (so a stored value is a snapshot, not a live reference to the
//! caller's object).

use js_sys::{Object, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args;
use super::errors::type_error;
use super::lease::{lease_error, plain, JsLeaseTable};
use crate::core::lease::{LeaseError, LeaseTable, MAX_ID_BYTES};
use crate::core::store::{CompareAndSet, FencedStore, Write, WriteRejection};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WriteView {
    accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    highest: Option<f64>,
}

#[derive(Serialize)]
struct CasView {
    accepted: bool,
    version: f64,
}

/// `value` as JSON text; a `TypeError` naming `value` if it is not JSON-compatible.
fn json_text(value: &JsValue, context: &str) -> Result<String, JsValue> {
    match JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| {
            type_error(
                context,
                &format!(
                    "value must be JSON-compatible, got {}",
                    args::describe(value)
                ),
            )
        }),
        Err(err) => {
            let reason = err
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| args::describe(&err));
            Err(type_error(
                context,
                &format!("value must be JSON-compatible: {reason}"),
            ))
        }
    }
}

/// A key-value store that checks fencing tokens where the write is applied (Kleppmann's fix for
/// a paused lock holder): a write is accepted only if its token is ≥ the highest token accepted
/// for that key, so once a newer lease holder has written, an older one can never write again.
///
/// A *strict* store (`new FencedStore({ strict: true })`) also asks a `LeaseTable`, passed to
/// each `writeChecked`, whether the token is the live lease on the resource at the time of the write,
/// which also stops a paused holder whose lease expired before anybody else wrote.
///
/// Values are JSON-compatible: each is stored as `JSON.stringify(value)` and `read` returns a
/// fresh `JSON.parse` of it.
///
/// ```js
/// import init, { LeaseTable, FencedStore } from "ringlease";
/// await init();
/// const locks = new LeaseTable();
/// const store = new FencedStore();
/// const { token } = locks.acquire("file", "client-1", { ttlMs: 1000, nowMs: 0 });
/// store.write("file", { text: "hello" }, token, 10);   // { accepted: true, version: 1 }
/// store.read("file");                                 // { value: { text: "hello" }, token: 1, version: 1 }
/// ```
#[wasm_bindgen(js_name = FencedStore)]
pub struct JsFencedStore(FencedStore<String>);

impl JsFencedStore {
    fn write_in(
        &mut self,
        context: &str,
        key: JsValue,
        value: JsValue,
        token: JsValue,
        now_ms: JsValue,
        table: Option<(&LeaseTable, &str)>,
    ) -> Result<JsValue, JsValue> {
        let key = args::string(&key, context, "key")?;
        let token = args::safe_integer(&token, context, "token")?;
        let now = args::safe_integer(&now_ms, context, "nowMs")?;
        let text = json_text(&value, context)?;
        let (table, resource) = match table {
            Some((table, resource)) => (Some(table), resource),
            None => (None, ""),
        };
        let outcome = self
            .0
            .write(&key, text, token, now, table, resource)
            .map_err(|e| lease_error(context, &e))?;
        let view = match outcome {
            Write::Accepted { version } => WriteView {
                accepted: true,
                version: Some(version as f64),
                reason: None,
                highest: None,
            },
            Write::Rejected { reason } => WriteView {
                accepted: false,
                version: None,
                reason: Some(reason.as_str()),
                highest: match reason {
                    WriteRejection::StaleToken { highest } => Some(highest as f64),
                    WriteRejection::NotLive => None,
                },
            },
        };
        plain(&view, context)
    }
}

#[wasm_bindgen(js_class = FencedStore)]
impl JsFencedStore {
    /// Creates an empty store. `options.strict` (default `false`): also check every write's
    /// token with the `LeaseTable` passed to `writeChecked` (and refuse plain `write`).
    ///
    /// ```js
    /// const store = new FencedStore();
    /// const strict = new FencedStore({ strict: true });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "FencedStoreOptions")] options: JsValue,
    ) -> Result<JsFencedStore, JsValue> {
        const CONTEXT: &str = "new FencedStore";
        let mut strict = false;
        if let Some(object) = args::options(&options, CONTEXT, "options", &["strict"])? {
            if let Some(value) = args::field(&object, "strict")? {
                strict = args::boolean(&value, CONTEXT, "options.strict")?;
            }
        }
        Ok(JsFencedStore(FencedStore::new(strict)))
    }

    /// Writes `value` under fencing `token`: `{ accepted: true, version }`, or
    /// `{ accepted: false, reason: "staleToken", highest }` when `token` is below the highest
    /// token accepted for `key` (nothing changes). `nowMs` is validated but not otherwise used.
    /// A strict store throws a `TypeError` here: use `writeChecked`, which passes the table.
    ///
    /// ```js
    /// store.write("file", { text: "hi" }, token, now);   // { accepted: true, version: 1 }
    /// store.write("file", { text: "late" }, 33, now);    // after 34: { accepted: false, reason: "staleToken", highest: 34 }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "WriteResult")]
    pub fn write(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] token: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        const CONTEXT: &str = "FencedStore.write";
        if self.0.is_strict() {
            return Err(type_error(
                CONTEXT,
                "a strict FencedStore needs a LeaseTable to check tokens: use \
                 writeChecked(key, value, token, nowMs, table, resource)",
            ));
        }
        self.write_in(CONTEXT, key, value, token, now_ms, None)
    }

    /// A write to a strict store: like `write`, and also `{ accepted: false, reason: "notLive" }`
    /// unless `token` is the live lease on `resource` in `table` at `nowMs` (Chubby's sequencer
    /// check; `nowMs` must not be before the table's latest time). The table is only read.
    /// Throws a `TypeError` on a non-strict store (which would not consult the table).
    ///
    /// ```js
    /// const strict = new FencedStore({ strict: true });
    /// strict.writeChecked("file", data, token, now, locks, "file");
    /// ```
    #[wasm_bindgen(js_name = writeChecked, unchecked_return_type = "WriteResult")]
    pub fn write_checked(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] token: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_param_type = "number")] now_ms: JsValue,
        table: &JsLeaseTable,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<JsValue, JsValue> {
        const CONTEXT: &str = "FencedStore.writeChecked";
        if !self.0.is_strict() {
            return Err(type_error(
                CONTEXT,
                "the store is not strict (create it with { strict: true }), so it would not check the table",
            ));
        }
        let resource = args::string(&resource, CONTEXT, "resource")?;
        if resource.is_empty() {
            let err = LeaseError::EmptyId { param: "resource" };
            return Err(lease_error(CONTEXT, &err));
        }
        if resource.len() > MAX_ID_BYTES {
            let err = LeaseError::IdTooLong {
                param: "resource",
                bytes: resource.len(),
            };
            return Err(lease_error(CONTEXT, &err));
        }
        self.write_in(
            CONTEXT,
            key,
            value,
            token,
            now_ms,
            Some((&table.0, &resource)),
        )
    }

    /// The key's value (a fresh copy), the highest token accepted for it (0 if only written by
    /// `compareAndSet`) and its version, or `undefined` if the key was never written.
    ///
    /// ```js
    /// store.read("file");   // { value: { text: "hello" }, token: 34, version: 2 }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "StoredEntry | undefined")]
    pub fn read(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Result<JsValue, JsValue> {
        const CONTEXT: &str = "FencedStore.read";
        let key = args::string(&key, CONTEXT, "key")?;
        let Some(entry) = self.0.read(&key) else {
            return Ok(JsValue::UNDEFINED);
        };
        let result = Object::new();
        Reflect::set(&result, &"value".into(), &JSON::parse(&entry.value)?)?;
        Reflect::set(&result, &"token".into(), &(entry.token as f64).into())?;
        Reflect::set(&result, &"version".into(), &(entry.version as f64).into())?;
        Ok(result.into())
    }

    /// Optimistic locking: sets `value` if the key's version is `expectedVersion` (0: the key
    /// must not exist yet). `{ accepted: true, version }` (the new version) or
    /// `{ accepted: false, version }` (the current one). Does not look at fencing tokens.
    ///
    /// ```js
    /// const cur = store.read("counter");
    /// store.compareAndSet("counter", cur?.version ?? 0, (cur?.value ?? 0) + 1);
    /// ```
    #[wasm_bindgen(js_name = compareAndSet, unchecked_return_type = "CompareAndSetResult")]
    pub fn compare_and_set(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(js_name = expectedVersion, unchecked_param_type = "number")]
        expected_version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
    ) -> Result<JsValue, JsValue> {
        const CONTEXT: &str = "FencedStore.compareAndSet";
        let key = args::string(&key, CONTEXT, "key")?;
        let expected = args::safe_integer(&expected_version, CONTEXT, "expectedVersion")?;
        let text = json_text(&value, CONTEXT)?;
        let outcome = self
            .0
            .compare_and_set(&key, expected, text)
            .map_err(|e| lease_error(CONTEXT, &e))?;
        let view = match outcome {
            CompareAndSet::Accepted { version } => CasView {
                accepted: true,
                version: version as f64,
            },
            CompareAndSet::Rejected { version } => CasView {
                accepted: false,
                version: version as f64,
            },
        };
        plain(&view, CONTEXT)
    }

    /// Whether the store checks tokens with a `LeaseTable`.
    ///
    /// ```js
    /// new FencedStore({ strict: true }).strict;   // true
    /// ```
    #[wasm_bindgen(getter)]
    pub fn strict(&self) -> bool {
        self.0.is_strict()
    }

    /// How many keys the store holds.
    ///
    /// ```js
    /// store.size;   // 1
    /// ```
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.0.len()
    }
}
