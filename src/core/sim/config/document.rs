//! A config as a document: `{ preset?, ...fields }`, read through serde from any
//! self-describing format (a JavaScript object through serde-wasm-bindgen, JSON natively), key
//! by key as [`FIELDS`] says. A key that is not a field is refused; a value of the wrong type or
//! outside its field's range is refused with the field's name, what it must be and what it is.
//! Rules that involve several fields are [`SimConfig::validate`]'s.
//!
//! ```
//! use ringlease::core::sim::config::ConfigDocument;
//!
//! let doc: serde_json::Value = serde_json::json!({ "preset": "gcPause", "ttlMs": 250 });
//! let config = ConfigDocument::read(doc).unwrap().config().unwrap();
//! assert_eq!((config.ttl_ms, config.clients), (250, 5));
//!
//! let bad = serde_json::json!({ "ttlMs": 1.5 });
//! let err = ConfigDocument::read(bad).unwrap_err();
//! assert_eq!(err.to_string(), "ttlMs must be an integer in [1, 60000], got 1.5");
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::{field, ConfigError, Field, Kind, SimConfig, Value, NAMES};
use crate::core::number::js_number;
use crate::core::sim::presets;

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Every key a config document may have: `preset`, then the fields' JavaScript names.
pub const KEYS: [&str; NAMES.len() + 1] = {
    let mut keys = ["preset"; NAMES.len() + 1];
    let mut i = 0;
    while i < NAMES.len() {
        keys[i + 1] = NAMES[i];
        i += 1;
    }
    keys
};

/// The type the value of a key must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A number.
    Number,
    /// A number or `null`.
    NumberOrNull,
    /// A boolean.
    Boolean,
    /// A string.
    String,
}

impl Expected {
    /// As error messages say it: `"a number"`, `"a number or null"`, …
    pub fn text(self) -> &'static str {
        match self {
            Expected::Number => "a number",
            Expected::NumberOrNull => "a number or null",
            Expected::Boolean => "a boolean",
            Expected::String => "a string",
        }
    }
}

/// The type the value of `key` must have (`preset` and unknown keys: a string).
pub fn expected(key: &str) -> Expected {
    match field(key).map(|f| f.kind) {
        Some(Kind::Integer(_)) => Expected::Number,
        Some(Kind::Never(_)) => Expected::NumberOrNull,
        Some(Kind::Boolean) => Expected::Boolean,
        Some(Kind::Choice(_)) | None => Expected::String,
    }
}

/// A decoded config document: the preset it starts from and the fields it sets, in document
/// order.
#[derive(Debug, Clone, Default)]
pub struct ConfigDocument {
    /// The preset the config starts from (`None`: [`SimConfig::default`]).
    pub preset: Option<&'static str>,
    /// The fields set, each value of its field's kind and in its field's range.
    pub values: Vec<(&'static Field, Value)>,
}

/// Why a config document was refused: the key and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// The key (`"preset"` or a field's JavaScript name); empty when the document itself is
    /// not a map.
    pub key: String,
    /// What is wrong.
    pub problem: DocumentProblem,
}

/// What is wrong with a key of a config document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentProblem {
    /// The key is not `preset` nor a field.
    Unknown,
    /// A value of the wrong type (a `TypeError` in JavaScript), with the reader's message.
    WrongType {
        /// What it must be, e.g. `"a number"`.
        expected: &'static str,
        /// What the reader said.
        reader: String,
    },
    /// A number that is not an integer in the field's range (a `RangeError`).
    OutOfRange {
        /// The smallest accepted.
        min: u64,
        /// The largest accepted (whatever the other fields are).
        max: u64,
        /// The value, as JavaScript prints it.
        got: String,
    },
    /// A name that is not one of the names accepted (a `RangeError`).
    NotOneOf {
        /// The names accepted.
        names: &'static [&'static str],
        /// Whether the list is shown quoted (modes) or bare (presets).
        quoted: bool,
        /// The value, quoted.
        got: String,
    },
    /// The document is not a map (the reader's message).
    Malformed(String),
}

impl DocumentError {
    /// Whether this is a wrong type (JavaScript `TypeError`) rather than a wrong value.
    pub fn is_type_error(&self) -> bool {
        matches!(
            self.problem,
            DocumentProblem::Unknown
                | DocumentProblem::WrongType { .. }
                | DocumentProblem::Malformed(_)
        )
    }
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = &self.key;
        match &self.problem {
            DocumentProblem::Unknown => {
                write!(f, "unknown option {key:?} (allowed: {})", KEYS.join(", "))
            }
            DocumentProblem::WrongType { expected, reader } => {
                write!(f, "{key} must be {expected} ({reader})")
            }
            DocumentProblem::OutOfRange { min, max, got } => {
                write!(f, "{key} must be an integer in [{min}, {max}], got {got}")
            }
            DocumentProblem::NotOneOf { names, quoted, got } => {
                write!(f, "{key} must be one of ")?;
                for (i, name) in names.iter().enumerate() {
                    let comma = if i > 0 { ", " } else { "" };
                    if *quoted {
                        write!(f, "{comma}\"{name}\"")?;
                    } else {
                        write!(f, "{comma}{name}")?;
                    }
                }
                write!(f, ", got {got}")
            }
            DocumentProblem::Malformed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DocumentError {}

impl ConfigDocument {
    /// Reads a document from `input`, a map, key by key (in the input's order); the first
    /// problem found is returned.
    pub fn read<'de, D: Deserializer<'de>>(input: D) -> Result<ConfigDocument, DocumentError> {
        let problem = RefCell::new(None);
        let read = input.deserialize_struct("SimulationConfig", &KEYS, DocumentVisitor(&problem));
        match (read, problem.into_inner()) {
            (_, Some(err)) => Err(err),
            (Ok(doc), None) => Ok(doc),
            (Err(e), None) => Err(DocumentError {
                key: String::new(),
                problem: DocumentProblem::Malformed(e.to_string()),
            }),
        }
    }

    /// Reads the value of `key` from `input` into the document: one entry of a document read
    /// key by key (a JavaScript object's own keys, which the binding lists itself).
    ///
    /// ```
    /// use ringlease::core::sim::config::ConfigDocument;
    ///
    /// let mut doc = ConfigDocument::default();
    /// doc.read_entry("ttlMs", serde_json::json!(250)).unwrap();
    /// let err = doc.read_entry("ttlMS", serde_json::json!(250)).unwrap_err();
    /// assert!(err.to_string().starts_with("unknown option \"ttlMS\""));
    /// assert_eq!(doc.config().unwrap().ttl_ms, 250);
    /// ```
    pub fn read_entry<'de, D: Deserializer<'de>>(
        &mut self,
        key: &str,
        input: D,
    ) -> Result<(), DocumentError> {
        let read = Entry::of(key).deserialize(input);
        self.apply(key, read.map_err(|e| e.to_string()))
    }

    /// Adds what the value of `key` gave (`Err`: the reader's message, a value of the wrong
    /// type).
    fn apply(
        &mut self,
        key: &str,
        read: Result<Result<Read, DocumentProblem>, String>,
    ) -> Result<(), DocumentError> {
        let problem = match read {
            Ok(Ok(Read::Preset(name))) => {
                self.preset = Some(name);
                return Ok(());
            }
            Ok(Ok(Read::Value(field, value))) => {
                self.values.push((field, value));
                return Ok(());
            }
            Ok(Err(problem)) => problem,
            Err(reader) => DocumentProblem::WrongType {
                expected: expected(key).text(),
                reader,
            },
        };
        Err(DocumentError {
            key: key.to_owned(),
            problem,
        })
    }

    /// The config: the preset (or the defaults) with the document's fields set, validated.
    pub fn config(&self) -> Result<SimConfig, ConfigError> {
        let mut config = self.preset.and_then(presets::preset).unwrap_or_default();
        for (field, value) in &self.values {
            // In range, so it fits the field's type (checked for every field by a test).
            field.set(&mut config, *value);
        }
        config.validate()?;
        Ok(config)
    }
}

/// Reads the document; a problem with a key is left in the cell (and reading stops).
struct DocumentVisitor<'a>(&'a RefCell<Option<DocumentError>>);

impl<'de> Visitor<'de> for DocumentVisitor<'_> {
    type Value = ConfigDocument;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a config object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConfigDocument, A::Error> {
        let mut doc = ConfigDocument::default();
        while let Some(key) = map.next_key::<String>()? {
            let read = map.next_value_seed(Entry::of(&key));
            if let Err(err) = doc.apply(&key, read.map_err(|e| e.to_string())) {
                *self.0.borrow_mut() = Some(err);
                return Err(de::Error::custom("invalid config"));
            }
        }
        Ok(doc)
    }
}

/// What a key gave.
enum Read {
    Preset(&'static str),
    Value(&'static Field, Value),
}

/// What reads the value of a key: the preset's name, a field's value, or (an unknown key)
/// nothing.
enum Entry {
    Preset,
    Field(&'static Field),
    Unknown,
}

impl Entry {
    fn of(key: &str) -> Entry {
        match field(key) {
            _ if key == "preset" => Entry::Preset,
            Some(field) => Entry::Field(field),
            None => Entry::Unknown,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Entry {
    type Value = Result<Read, DocumentProblem>;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Self::Value, D::Error> {
        match self {
            Entry::Preset => {
                let name = input.deserialize_string(StringVisitor)?;
                Ok(one_of(&presets::NAMES, &name, false).map(Read::Preset))
            }
            Entry::Field(field) => FieldValue(field).deserialize(input),
            Entry::Unknown => {
                input.deserialize_ignored_any(de::IgnoredAny)?;
                Ok(Err(DocumentProblem::Unknown))
            }
        }
    }
}

/// A number as read: exact when it is an integer the reader gave as one.
enum Number {
    Integer(u64),
    Other(f64),
}

impl Number {
    /// The value if it is a non-negative integer a JavaScript number holds exactly.
    fn safe_integer(&self) -> Option<u64> {
        match *self {
            Number::Integer(v) => Some(v).filter(|&v| v <= MAX_SAFE_INTEGER),
            Number::Other(x)
                if x.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&x) =>
            {
                Some(x as u64)
            }
            Number::Other(_) => None,
        }
    }

    fn describe(&self) -> String {
        match *self {
            Number::Integer(v) => v.to_string(),
            Number::Other(x) => js_number(x),
        }
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(Number::Integer(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(u64::try_from(v).map_or(Number::Other(v as f64), Number::Integer))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        Ok(Number::Other(v))
    }
}

/// A number or null (`None`).
struct NeverVisitor;

impl<'de> Visitor<'de> for NeverVisitor {
    type Value = Option<Number>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, input: D) -> Result<Self::Value, D::Error> {
        input.deserialize_f64(NumberVisitor).map(Some)
    }
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// `text` as error messages show it: quoted, cut after 40 characters.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// `name` if it is one of `names`.
fn one_of(
    names: &'static [&'static str],
    name: &str,
    quoted_list: bool,
) -> Result<&'static str, DocumentProblem> {
    names
        .iter()
        .find(|n| **n == name)
        .copied()
        .ok_or_else(|| DocumentProblem::NotOneOf {
            names,
            quoted: quoted_list,
            got: quoted(name),
        })
}

/// The value of a field, checked against its kind and static range.
struct FieldValue(&'static Field);

impl<'de> DeserializeSeed<'de> for FieldValue {
    type Value = Result<Read, DocumentProblem>;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Self::Value, D::Error> {
        let integer = |number: Number, min: u64, max: u64| match number.safe_integer() {
            Some(v) if (min..=max).contains(&v) => Ok(Value::Integer(v)),
            _ => Err(DocumentProblem::OutOfRange {
                min,
                max,
                got: number.describe(),
            }),
        };
        let value = match self.0.kind {
            Kind::Integer(r) => integer(input.deserialize_f64(NumberVisitor)?, r.min, r.max),
            Kind::Never(r) => match input.deserialize_option(NeverVisitor)? {
                Some(number) => integer(number, r.min, r.max),
                None => Ok(Value::Never),
            },
            Kind::Boolean => Ok(Value::Boolean(input.deserialize_bool(BoolVisitor)?)),
            Kind::Choice(names) => {
                one_of(names, &input.deserialize_string(StringVisitor)?, true).map(Value::Name)
            }
        };
        Ok(value.map(|value| Read::Value(self.0, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(doc: serde_json::Value) -> Result<ConfigDocument, DocumentError> {
        ConfigDocument::read(doc)
    }

    fn message(doc: serde_json::Value) -> String {
        read(doc).unwrap_err().to_string()
    }

    #[test]
    fn a_preset_with_overrides_in_any_order() {
        let c =
            read(json!({ "ttlMs": 250, "preset": "gcPause", "crashAtMs": null, "fencing": "off" }))
                .unwrap()
                .config()
                .unwrap();
        assert_eq!((c.ttl_ms, c.clients, c.crash_at_ms), (250, 5, None));
        assert_eq!(c.fencing, crate::core::sim::Fencing::Off);
        assert_eq!(
            read(json!({})).unwrap().config().unwrap(),
            SimConfig::default()
        );
    }

    #[test]
    fn errors_name_the_key_and_say_what_it_must_be() {
        assert_eq!(
            message(json!({ "ttlMs": 1.5 })),
            "ttlMs must be an integer in [1, 60000], got 1.5"
        );
        assert_eq!(
            message(json!({ "ttlMs": -1 })),
            "ttlMs must be an integer in [1, 60000], got -1"
        );
        assert_eq!(
            message(json!({ "ttlMs": "100" })),
            "ttlMs must be a number (invalid type: string \"100\", expected a number)"
        );
        assert_eq!(
            message(json!({ "clients": 4294967296u64 })),
            "clients must be an integer in [1, 1000], got 4294967296"
        );
        assert!(message(json!({ "crashAtMs": true }))
            .starts_with("crashAtMs must be a number or null ("));
        assert!(message(json!({ "fifo": 1 })).starts_with("fifo must be a boolean ("));
        assert!(message(json!({ "fencing": [] })).starts_with("fencing must be a string ("));
        assert!(read(json!({ "fencing": [] })).unwrap_err().is_type_error());
        assert_eq!(
            message(json!({ "fencing": "x".repeat(50) })),
            format!(
                "fencing must be one of \"off\", \"maxToken\", \"strict\", got \"{}\"…",
                "x".repeat(40)
            )
        );
        assert_eq!(
            message(json!({ "fencing": "on" })),
            "fencing must be one of \"off\", \"maxToken\", \"strict\", got \"on\""
        );
        assert!(message(json!({ "preset": "nope" }))
            .starts_with("preset must be one of flashSale, gcPause"));
        let unknown = read(json!({ "seed": 1, "ttlMS": 5, "x": {} })).unwrap_err();
        assert_eq!(unknown.key, "ttlMS");
        assert!(unknown.is_type_error());
        assert!(unknown
            .to_string()
            .starts_with("unknown option \"ttlMS\" (allowed: preset, seed,"));
        assert!(!read(json!({ "ttlMs": 0.5 })).unwrap_err().is_type_error());
        assert!(matches!(
            read(json!([1])).unwrap_err().problem,
            DocumentProblem::Malformed(_)
        ));
    }

    #[test]
    fn rules_across_fields_are_validation_s() {
        let doc = read(json!({ "thinkMinMs": 10, "thinkMaxMs": 5 })).unwrap();
        assert_eq!(doc.config().unwrap_err().field, "thinkMaxMs");
    }
}
