//! Structured documents (a simulation config, history records) read through
//! serde-wasm-bindgen, safely.
//!
//! serde-wasm-bindgen reads a caller's object with imports that do not catch JavaScript
//! exceptions (property reads, `Object.entries`, `in`): a throwing getter or Proxy trap would
//! unwind through Rust. So a document's own keys and values are first read through catching
//! calls only, refusing unknown keys and values that are not plain data of the field's shape;
//! serde-wasm-bindgen then reads the checked values (a copy with no prototype, or each value),
//! which runs none of the caller's code.

use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::args::{describe, plain_object};
use super::call::Failure;

/// What a document's field holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A string.
    Text,
    /// A number.
    Number,
}

/// Checks that `value` has `shape` (a `TypeError` saying what it must be); `name()` names the
/// value in the error. A string read from a checked copy still needs
/// [`args::well_formed`](super::args::well_formed) where a lone surrogate could make two
/// different strings one.
pub(crate) fn check(
    value: &JsValue,
    shape: Shape,
    name: impl Fn() -> String,
) -> Result<(), Failure> {
    let expected = match shape {
        Shape::Text if !value.is_string() => "a string",
        Shape::Number if value.as_f64().is_none() => "a number",
        Shape::Text | Shape::Number => return Ok(()),
    };
    Err(Failure::Type(format!(
        "{} must be {expected}, got {}",
        name(),
        describe(value)
    )))
}

/// Reads a copy whose fields were checked with [`check`] into `T` with serde-wasm-bindgen.
/// The fields have their shapes, so an error here means `T` and the checks disagree; it still
/// names the document (`name()`).
pub(crate) fn read<T: DeserializeOwned>(
    copy: Object,
    name: impl FnOnce() -> String,
) -> Result<T, Failure> {
    serde_wasm_bindgen::from_value(copy.into()).map_err(|e| {
        let message = e.to_string();
        let message = message.strip_prefix("Error: ").unwrap_or(&message);
        Failure::Type(format!("{}: {message}", name()))
    })
}

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
