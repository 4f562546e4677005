//! The `FencedStore` class: a thin wrapper over [`crate::core::store::FencedStore`], with
//! values kept as JSON text (so a stored value is a snapshot, not a live reference to the
//! caller's object).

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

use super::table::{shared_table, SharedTable};
use crate::core::store::{CompareAndSet, FencedStore, Guard, Write, WriteRejection};
use crate::wasm::args;
use crate::wasm::call::{call, thrown_message, Failure};
use crate::wasm::encode::Obj;

/// The TypeScript of `FencedStore`'s options and outcomes.
#[wasm_bindgen(typescript_custom_section)]
const TS_FENCED_STORE_TYPES: &'static str = include_str!("fenced_store.d.ts");

/// A strict store's table borrowed by a re-entrant call (a `toJSON` that writes).
fn table_in_use<E>(_: E) -> Failure {
    Failure::Plain("the LeaseTable is in use (a re-entrant call)".to_owned())
}

/// `value` as JSON text; a `TypeError` naming `value` if it is not JSON-compatible.
fn json_text(value: &JsValue) -> Result<String, Failure> {
    match JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| {
            Failure::Type(format!(
                "value must be JSON-compatible, got {}",
                args::describe(value)
            ))
        }),
        Err(err) => {
            let reason = thrown_message(&err).unwrap_or_else(|| args::describe(&err));
            Err(Failure::Type(format!(
                "value must be JSON-compatible: {reason}"
            )))
        }
    }
}

/// Decodes `options.guards`: a plain object from key to a resource name or
/// `{ election: name }`.
fn decode_guards(value: &JsValue) -> Result<Vec<(String, Guard)>, Failure> {
    let object = args::plain_object(value, "options.guards")?;
    let mut out = Vec::new();
    for key in Reflect::own_keys(&object)?.iter() {
        let Some(name) = key.as_string() else {
            return Err(Failure::Type(
                "options.guards keys must be strings, got a symbol".to_owned(),
            ));
        };
        let param = format!("options.guards[{name:?}]");
        let guard = Reflect::get(&object, &key)?;
        let guard = if guard.is_string() {
            Guard::Lock(args::string(&guard, &param)?)
        } else if guard.is_object() {
            let inner = args::required_options(&guard, &param, &["election"])?;
            let election = args::field(&inner, "election")?.unwrap_or(JsValue::UNDEFINED);
            Guard::Election(args::string(&election, &format!("{param}.election"))?)
        } else {
            return Err(Failure::Type(format!(
                "{param} must be a resource name or {{ election: name }}, got {}",
                args::describe(&guard)
            )));
        };
        out.push((name, guard));
    }
    Ok(out)
}

/// A key-value store that checks fencing tokens where the write is applied (Kleppmann's fix for
/// a paused lock holder): a write is accepted only if its token is ≥ the highest token accepted
/// for that key, so once a newer lease holder has written, an older one can never write again.
///
/// A *strict* store (`new FencedStore({ strict: table })`) also asks that `LeaseTable`, at each
/// write, whether the token is the live lease of the resource that guards the key at `nowMs`
/// (Chubby's sequencer check), which also stops a paused holder whose lease expired before
/// anybody else wrote. By default a key is guarded by the lock named like it; `options.guards`
/// maps other keys: `{ "sku:1": "stock" }` (the lock `stock`) or
/// `{ log: { election: "primary" } }` (the leadership of `primary`). Any other token — of
/// another lock, of an election, or never granted — is refused with `reason: "notLive"`.
///
/// Values are JSON-compatible: each is stored as `JSON.stringify(value)` and `read` returns a
/// fresh `JSON.parse` of it.
///
/// ```js
/// import init, { LeaseTable, FencedStore } from "ringlease/lease";
/// await init();
/// const locks = new LeaseTable();
/// const store = new FencedStore();
/// const { token } = locks.acquire("file", "client-1", { ttlMs: 1000, nowMs: 0 });
/// store.write("file", { text: "hello" }, token, 10);   // { accepted: true, version: 1 }
/// store.read("file");                                 // { value: { text: "hello" }, token: 1, version: 1 }
/// ```
#[wasm_bindgen(js_name = FencedStore)]
pub struct JsFencedStore {
    store: FencedStore<String>,
    /// The table a strict store checks tokens with.
    table: Option<SharedTable>,
}

#[wasm_bindgen(js_class = FencedStore)]
impl JsFencedStore {
    /// Creates an empty store. `options.strict`: a `LeaseTable`; the store then also checks
    /// every write's token with it (the store keeps the table alive, even after its `free()`).
    /// `options.guards` (strict only): a plain object from key to what guards it, a lock's
    /// resource name or `{ election: name }`; unlisted keys are guarded by the lock named like
    /// them.
    ///
    /// ```js
    /// const store = new FencedStore();
    /// const locks = new LeaseTable();
    /// const strict = new FencedStore({ strict: locks });
    /// const mapped = new FencedStore({ strict: locks, guards: { "sku:1": "stock", log: { election: "primary" } } });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "FencedStoreOptions")] options: JsValue,
    ) -> Result<JsFencedStore, JsValue> {
        call("new FencedStore", || {
            let mut table = None;
            let mut guards = Vec::new();
            if let Some(object) = args::options(&options, "options", &["strict", "guards"])? {
                if let Some(value) = args::field(&object, "strict")? {
                    table = Some(shared_table(&value, "options.strict")?);
                }
                if let Some(value) = args::field(&object, "guards")? {
                    if table.is_none() {
                        return Err(Failure::Type("options.guards needs options.strict (only a strict store checks whose token writes a key)".to_owned()));
                    }
                    guards = decode_guards(&value)?;
                }
            }
            let mut store = FencedStore::new(table.is_some());
            for (key, guard) in guards {
                store.guard(&key, guard)?;
            }
            Ok(JsFencedStore { store, table })
        })
    }

    /// Writes `value` under fencing `token` at `nowMs`: `{ accepted: true, version }`, or
    /// `{ accepted: false, reason: "staleToken", highest }` when `token` is below the highest
    /// token accepted for `key`, or (strict store) `{ accepted: false, reason: "notLive" }` when
    /// `token` is not the live lease of the key's guard at `nowMs` (which must not be before
    /// the table's latest time). A refused write changes nothing. A non-strict store validates
    /// `nowMs` but does not otherwise use it.
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
        call("FencedStore.write", || {
            let key = args::string(&key, "key")?;
            let token = args::safe_integer(&token, "token")?;
            let now = args::safe_integer(&now_ms, "nowMs")?;
            // Before the table is borrowed: stringifying may run the caller's `toJSON`.
            let text = json_text(&value)?;
            let table = match &self.table {
                Some(table) => Some(table.try_borrow().map_err(table_in_use)?),
                None => None,
            };
            let outcome = self.store.write(&key, text, token, now, table.as_deref())?;
            Ok(match outcome {
                Write::Accepted { version } => Obj::new()
                    .bool("accepted", true)
                    .num("version", version as f64),
                Write::Rejected { reason } => {
                    let rejected = Obj::new()
                        .bool("accepted", false)
                        .str("reason", reason.as_str());
                    match reason {
                        WriteRejection::StaleToken { highest } => {
                            rejected.num("highest", highest as f64)
                        }
                        WriteRejection::NotLive => rejected,
                    }
                }
            }
            .done())
        })
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
        call("FencedStore.read", || {
            let key = args::string(&key, "key")?;
            let Some(entry) = self.store.read(&key) else {
                return Ok(JsValue::UNDEFINED);
            };
            Ok(Obj::new()
                .set("value", &JSON::parse(&entry.value)?)
                .num("token", entry.token as f64)
                .num("version", entry.version as f64)
                .done())
        })
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
        call("FencedStore.compareAndSet", || {
            let key = args::string(&key, "key")?;
            let expected = args::safe_integer(&expected_version, "expectedVersion")?;
            let text = json_text(&value)?;
            let outcome = self.store.compare_and_set(&key, expected, text)?;
            let (accepted, version) = match outcome {
                CompareAndSet::Accepted { version } => (true, version),
                CompareAndSet::Rejected { version } => (false, version),
            };
            Ok(Obj::new()
                .bool("accepted", accepted)
                .num("version", version as f64)
                .done())
        })
    }

    /// Whether the store checks tokens with a `LeaseTable`.
    ///
    /// ```js
    /// new FencedStore({ strict: locks }).strict;   // true
    /// ```
    #[wasm_bindgen(getter)]
    pub fn strict(&self) -> bool {
        self.store.is_strict()
    }

    /// How many keys the store holds.
    ///
    /// ```js
    /// store.size;   // 1
    /// ```
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.store.len()
    }
}
