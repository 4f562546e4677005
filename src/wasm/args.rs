//! Decoding and validating JavaScript arguments without trusting wasm-bindgen's coercions.
//!
//! Release glue turns `-1` into `4294967295` and `NaN` into `0` for integer parameters, and a
//! `&str` parameter handed a number traps, so every argument arrives as a `JsValue` (or `f64`)
//! and is checked here.
//!
//! Only imports that catch JavaScript exceptions (`Reflect::*`) may touch a caller's object: a
//! throwing Proxy trap or getter would otherwise unwind through Rust while the ring is borrowed
//! and leave it locked ("recursive use of an object") for good.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::call::Failure;
use crate::core::number::{decimal, js_number};
use crate::core::Scheme;

/// A short description of a value for error messages: `"abc"`, `42`, `NaN`, `null`, `an object`.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        let mut shown: String = text.chars().take(40).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        format!("{shown:?}")
    } else if let Some(number) = value.as_f64() {
        js_number(number)
    } else if value.is_null() {
        "null".to_owned()
    } else if value.is_undefined() {
        "undefined".to_owned()
    } else if let Some(flag) = value.as_bool() {
        flag.to_string()
    } else if value.is_bigint() {
        "a bigint".to_owned()
    } else if value.is_symbol() {
        "a symbol".to_owned()
    } else if value.is_function() {
        "a function".to_owned()
    } else if has_prototype(value, &array_prototype()) {
        "an array".to_owned()
    } else {
        "an object".to_owned()
    }
}

/// Whether `value`'s prototype is `prototype` (false if asking throws, e.g. a revoked Proxy).
fn has_prototype(value: &JsValue, prototype: &Object) -> bool {
    value.is_object()
        && Reflect::get_prototype_of(value).is_ok_and(|own| Object::is(&own, prototype))
}

thread_local! {
    /// `Object.prototype` and `Array.prototype`, asked for once.
    static PROTOTYPES: (Object, Object) = (
        Object::get_prototype_of(&Object::new()),
        Object::get_prototype_of(&Array::new()),
    );
}

fn object_prototype() -> Object {
    PROTOTYPES.with(|(object, _)| object.clone())
}

fn array_prototype() -> Object {
    PROTOTYPES.with(|(_, array)| array.clone())
}

/// A string argument. Lone surrogates are refused: wasm-bindgen would turn them into U+FFFD and
/// two different JavaScript strings would hash the same.
pub(crate) fn string(value: &JsValue, name: &str) -> Result<String, Failure> {
    let Some(text) = value.as_string() else {
        return Err(Failure::Type(format!(
            "{name} must be a string, got {}",
            describe(value)
        )));
    };
    well_formed(value, &text, name)?;
    Ok(text)
}

/// Checks that `text`, read from the string `value`, is `value` itself: a lone surrogate in
/// `value` reads as U+FFFD (so two different strings would read the same), and is a
/// `RangeError`. Only text holding U+FFFD needs the slow check.
pub(crate) fn well_formed(value: &JsValue, text: &str, name: &str) -> Result<(), Failure> {
    // `encodeURIComponent` throws (a URIError) exactly for a lone surrogate: one native pass,
    // through a catching call, where `JsString::is_valid_utf16` makes a call per code unit.
    if may_be_lossy(text) && encode_uri_component(value).is_err() {
        return Err(Failure::Range(format!(
            "{name} must be well-formed UTF-16, but it contains a lone surrogate"
        )));
    }
    Ok(())
}

/// Whether `text`, read from a JavaScript string, may have lost a lone surrogate: it holds
/// U+FFFD, which is what one reads as.
pub(crate) fn may_be_lossy(text: &str) -> bool {
    text.chars().any(|c| c == char::REPLACEMENT_CHARACTER)
}

/// A number argument (any finite or non-finite `number`; ranges are checked by the caller).
pub(crate) fn number(value: &JsValue, name: &str) -> Result<f64, Failure> {
    value
        .as_f64()
        .ok_or_else(|| Failure::Type(format!("{name} must be a number, got {}", describe(value))))
}

/// An integer in `min..=max`, given as a JavaScript number.
pub(crate) fn integer_in(value: &JsValue, name: &str, min: u32, max: u32) -> Result<u32, Failure> {
    let number = number(value, name)?;
    if number.fract() == 0.0 && number >= f64::from(min) && number <= f64::from(max) {
        Ok(number as u32)
    } else {
        Err(Failure::Range(format!(
            "{name} must be an integer in {min}..={max}, got {}",
            js_number(number)
        )))
    }
}

/// A non-negative integer count; values above `u32::MAX` are clamped (they only mean "all").
pub(crate) fn count(value: f64, name: &str) -> Result<usize, Failure> {
    if value.fract() == 0.0 && value >= 0.0 {
        Ok(value.min(f64::from(u32::MAX)) as usize)
    } else {
        Err(Failure::Range(format!(
            "{name} must be a non-negative integer, got {}",
            js_number(value)
        )))
    }
}

/// An options object: `undefined` (no options) or a plain object (`{…}`, prototype
/// `Object.prototype` or `null`) whose own keys are all `allowed`. A misspelt key is an error,
/// never silently ignored; a `Map`, array or class instance is a `TypeError`.
pub(crate) fn options(
    value: &JsValue,
    name: &str,
    allowed: &[&str],
) -> Result<Option<Object>, Failure> {
    if value.is_undefined() {
        return Ok(None);
    }
    let object = plain_object(value, name)?;
    for key in Reflect::own_keys(&object)?.iter() {
        let key = key.as_string().unwrap_or_else(|| "a symbol".to_owned());
        if !allowed.contains(&key.as_str()) {
            return Err(Failure::Type(format!(
                "unknown option {key:?} in {name} (allowed: {})",
                allowed.join(", ")
            )));
        }
    }
    Ok(Some(object))
}

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, caught: it throws on a revoked Proxy.
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn is_array_caught(value: &JsValue) -> Result<bool, JsValue>;
    /// `encodeURIComponent`, caught: it throws for a string with a lone surrogate.
    #[wasm_bindgen(js_name = encodeURIComponent, catch)]
    fn encode_uri_component(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// Whether `value` is an array (`Array.isArray`, so a Proxy of one too); false where asking
/// throws (a revoked Proxy).
pub(crate) fn is_array(value: &JsValue) -> bool {
    value.is_object() && is_array_caught(value).unwrap_or(false)
}

/// A plain object: `{…}` or `Object.create(null)`.
pub(crate) fn plain_object(value: &JsValue, name: &str) -> Result<Object, Failure> {
    let plain = value.is_object()
        && match Reflect::get_prototype_of(value) {
            Ok(prototype) => prototype.is_null() || Object::is(&prototype, &object_prototype()),
            Err(_) => false,
        };
    if !plain {
        return Err(Failure::Type(format!(
            "{name} must be a plain object, got {}",
            describe(value)
        )));
    }
    Ok(value.clone().unchecked_into())
}

/// The elements of a real array (prototype `Array.prototype`) of at most `max` elements, read
/// through catching calls.
pub(crate) fn array(value: &JsValue, name: &str, max: usize) -> Result<Vec<JsValue>, Failure> {
    let length = array_length(value, name, max)?;
    (0..length)
        .map(|index| Ok(Reflect::get_u32(value, index)?))
        .collect()
}

/// The length of a real array (prototype `Array.prototype`), which must be at most `max`: a
/// `TypeError` for anything else, a `RangeError` naming `max` for a longer array (sparse or
/// not). Read once, through a catching call.
pub(crate) fn array_length(value: &JsValue, name: &str, max: usize) -> Result<u32, Failure> {
    if !has_prototype(value, &array_prototype()) {
        return Err(Failure::Type(format!(
            "{name} must be an array, got {}",
            describe(value)
        )));
    }
    let length = Reflect::get(value, &JsValue::from_str("length"))?
        .as_f64()
        .unwrap_or(0.0);
    if length > max as f64 {
        return Err(Failure::Range(format!(
            "{name} must have at most {max} elements, got {}",
            decimal(length)
        )));
    }
    // A real array's length is an integer below 2^32; a Proxy's may be anything (`as` saturates
    // and maps NaN to 0).
    Ok(length as u32)
}

/// A field of an options object; `None` when absent or `undefined`.
pub(crate) fn field(object: &Object, key: &str) -> Result<Option<JsValue>, Failure> {
    let value = Reflect::get(object, &JsValue::from_str(key))?;
    Ok(if value.is_undefined() {
        None
    } else {
        Some(value)
    })
}

/// An array of at most `max` strings (longer arrays are a `RangeError` before any element is
/// read; a hole or a non-string is a `TypeError` naming its index).
pub(crate) fn strings(value: &JsValue, name: &str, max: usize) -> Result<Vec<String>, Failure> {
    array(value, name, max)?
        .iter()
        .enumerate()
        .map(|(index, entry)| string(entry, &format!("{name}[{index}]")))
        .collect()
}

/// A scheme name: `"sha1"` or `"ketama"`.
pub(crate) fn scheme(value: &JsValue, name: &str) -> Result<Scheme, Failure> {
    let text = value.as_string().ok_or_else(|| {
        Failure::Type(format!("{name} must be a string, got {}", describe(value)))
    })?;
    Scheme::from_name(&text).ok_or_else(|| {
        Failure::Range(format!(
            "{name} must be \"sha1\" or \"ketama\", got {}",
            describe(value)
        ))
    })
}

/// A list of nodes to add: each entry an id or `{ id, weight? }` (weight defaults to 1).
pub(crate) fn node_specs(value: &JsValue, name: &str) -> Result<Vec<(String, f64)>, Failure> {
    let length = array_length(value, name, crate::core::ring::MAX_POINTS)?;
    let mut specs: Vec<(String, f64)> = Vec::with_capacity(length as usize);
    for index in 0..length {
        let entry = Reflect::get_u32(value, index)?;
        let name = format!("{name}[{index}]");
        let spec = node_spec(&entry, &name);
        specs.push(check_entry(spec, &specs, |spec| &spec.0, &name)?);
    }
    check_repeats(&specs, |spec| &spec.0, name)?;
    Ok(specs)
}

/// One entry of [`node_specs`], checked but for repeated ids.
fn node_spec(entry: &JsValue, name: &str) -> Result<(String, f64), Failure> {
    if entry.is_string() {
        let id = string(entry, name)?;
        check_node(&id, 1.0, name)?;
        return Ok((id, 1.0));
    }
    if !entry.is_object() {
        return Err(Failure::Type(format!(
            "{name} must be a string or {{ id, weight? }}, got {}",
            describe(entry)
        )));
    }
    let object = options(entry, name, &["id", "weight"])?.unwrap_or_default();
    let id = field(&object, "id")?.unwrap_or(JsValue::UNDEFINED);
    let id = string(&id, &format!("{name}.id"))?;
    let weight = match field(&object, "weight")? {
        Some(value) => number(&value, &format!("{name}.weight"))?,
        None => 1.0,
    };
    check_node(&id, weight, name)?;
    Ok((id, weight))
}

/// Checks one entry of a node list (`name` is e.g. `nodes[3]`): a valid id and a finite
/// weight > 0, so errors name the entry, not just the value. Repeated ids are found once the
/// list is read ([`check_entry`], [`check_repeats`]).
pub(crate) fn check_node(id: &str, weight: f64, name: &str) -> Result<(), Failure> {
    crate::core::ring::validate_id(id).map_err(|e| Failure::Range(format!("{name}.id: {e}")))?;
    if !weight.is_finite() || weight <= 0.0 {
        return Err(Failure::Range(format!(
            "{name}.weight must be a finite number > 0, got {}",
            js_number(weight)
        )));
    }
    Ok(())
}

/// The outcome of decoding the entry after `earlier`: on an error, an id repeated among
/// `earlier` is reported first, so the error is always the first problem in list order (as if
/// each entry were checked against a set of the ids before it).
pub(crate) fn check_entry<T>(
    entry: Result<T, Failure>,
    earlier: &[T],
    id: impl Fn(&T) -> &str,
    name: &str,
) -> Result<T, Failure> {
    entry.map_err(|error| {
        let list = name.rsplit_once('[').map_or(name, |(list, _)| list);
        check_repeats(earlier, id, list).err().unwrap_or(error)
    })
}

/// An `Error` naming the first entry of `entries` (the list `name`) whose id an earlier entry
/// already has. One sort of the entries' indexes, instead of a set holding a copy of every id.
pub(crate) fn check_repeats<T>(
    entries: &[T],
    id: impl Fn(&T) -> &str,
    name: &str,
) -> Result<(), Failure> {
    let key = |index: u32| entries.get(index as usize).map(&id);
    let mut order: Vec<u32> = (0..entries.len() as u32).collect();
    crate::core::sort::sort_indices(&mut order, &|a, b| key(a).cmp(&key(b)).then(a.cmp(&b)));
    // In each run of equal ids (ascending index), the second entry is the first repeat.
    let repeat = order
        .windows(2)
        .filter_map(|pair| match *pair {
            [a, b] if key(a) == key(b) => Some(b),
            _ => None,
        })
        .min();
    match repeat {
        None => Ok(()),
        Some(index) => Err(Failure::Plain(format!(
            "{name}[{index}].id: {}",
            crate::core::RingError::DuplicateNode(key(index).unwrap_or_default().to_owned())
        ))),
    }
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A non-negative safe integer given as a JavaScript number (a time, TTL, duration or token):
/// a `TypeError` for a non-number, a `RangeError` for `NaN`, ±Infinity, negatives, fractions and
/// values above `2^53 − 1`. Tighter ranges are checked by the core.
pub(crate) fn safe_integer(value: &JsValue, name: &str) -> Result<u64, Failure> {
    let number = number(value, name)?;
    if number.is_finite() && number.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&number) {
        Ok(number as u64)
    } else {
        Err(Failure::Range(format!(
            "{name} must be a non-negative safe integer (0..=2^53-1), got {}",
            js_number(number)
        )))
    }
}

/// A required options object (like [`options`], but `undefined` is a `TypeError`).
pub(crate) fn required_options(
    value: &JsValue,
    name: &str,
    allowed: &[&str],
) -> Result<Object, Failure> {
    options(value, name, allowed)?
        .ok_or_else(|| Failure::Type(format!("{name} must be a plain object, got undefined")))
}

/// A boolean argument (no truthiness coercion).
pub(crate) fn boolean(value: &JsValue, name: &str) -> Result<bool, Failure> {
    value
        .as_bool()
        .ok_or_else(|| Failure::Type(format!("{name} must be a boolean, got {}", describe(value))))
}
