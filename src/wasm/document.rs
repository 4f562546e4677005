//! Structured documents (a simulation config, …) read through serde-wasm-bindgen, safely.
//!
//! serde-wasm-bindgen reads a caller's object with imports that do not catch JavaScript
//! exceptions (property reads, `Object.entries`, `in`): a throwing getter or Proxy trap would
//! unwind through Rust. So a document is first copied, through catching calls only, into a fresh
//! object without a prototype whose values are plain data (`null`, booleans, numbers, strings),
//! refusing unknown keys and values of any other type; serde-wasm-bindgen then reads the copy,
//! which runs none of the caller's code.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::args::{describe, plain_object};
use super::call::Failure;

/// A copy of the document `value` (`None` for `undefined`): a plain object whose own keys are
/// all `allowed` (a `TypeError` naming the first other one), with each value that is not
/// `undefined` copied if it is `null`, a boolean, a number or a string, else a `TypeError`
/// saying it must be `expected(key)`. Errors name the key as `<name>.<key>`.
pub(crate) fn copy(
    value: &JsValue,
    name: &str,
    allowed: &[&str],
    unfit: impl Fn(&str, &JsValue) -> Option<&'static str>,
) -> Result<Option<JsValue>, Failure> {
    if value.is_undefined() {
        return Ok(None);
    }
    let object = plain_object(value, name)?;
    let copy: Object = Object::create(JsValue::NULL.unchecked_ref());
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
        Reflect::set(&copy, &key, &field)?;
    }
    Ok(Some(copy.into()))
}
