//! Structured documents (a simulation config, …) read through serde-wasm-bindgen, safely.
//!
//! serde-wasm-bindgen reads a caller's object with imports that do not catch JavaScript
//! exceptions (property reads, `Object.entries`, `in`): a throwing getter or Proxy trap would
//! unwind through Rust. So a document's own keys and values are first read through catching
//! calls only, refusing unknown keys and values that are not plain data (`null`, booleans,
//! numbers, strings); serde-wasm-bindgen then reads each value, which runs none of the caller's
//! code.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::args::{describe, plain_object};
use super::call::Failure;

/// The entries of the document `value` (`None` for `undefined`), in own-key order: a plain
/// object whose own keys are all `allowed` (a `TypeError` naming the first other one), with
/// each value that is not `undefined` kept if `unfit(key, value)` is `None`, else a
/// `TypeError` saying what it must be. Errors name the key as `<name>.<key>`.
pub(crate) fn entries(
    value: &JsValue,
    name: &str,
    allowed: &[&str],
    unfit: impl Fn(&str, &JsValue) -> Option<&'static str>,
) -> Result<Option<Vec<(String, JsValue)>>, Failure> {
    if value.is_undefined() {
        return Ok(None);
    }
    let object = plain_object(value, name)?;
    let mut entries = Vec::new();
    for key in Reflect::own_keys(&object)?.iter() {
        let text = key.as_string().unwrap_or_else(|| "a symbol".to_owned());
        if !allowed.contains(&text.as_str()) {
            return Err(Failure::Type(format!(
                "unknown option {text:?} in {name} (allowed: {})",
                allowed.join(", ")
            )));
        }
        let field = Reflect::get(&object, &key)?;
        if field.is_undefined() {
            continue;
        }
        if let Some(expected) = unfit(&text, &field) {
            return Err(Failure::Type(format!(
                "{name}.{text} must be {expected}, got {}",
                describe(&field)
            )));
        }
        entries.push((text, field));
    }
    Ok(Some(entries))
}
