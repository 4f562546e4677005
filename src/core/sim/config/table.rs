//! The table of [`SimConfig`]'s fields: for each its JavaScript name, kind (with its range),
//! label and unit, and how to read and write it. Validation, the JavaScript decoding and
//! encoding, the key list and the sweep parameters are all driven from [`FIELDS`], so a field
//! is spelled once, where [`SimConfig`] declares it.
//!
//! [`FIELDS`]: super::FIELDS

use super::{CrashMode, Fencing, Id, Primitive, SimConfig, Workload, FIELDS};

/// One field of [`SimConfig`].
#[derive(Clone, Copy)]
pub struct Field {
    /// The JavaScript name, e.g. `"ttlMs"`.
    pub name: &'static str,
    /// What values it takes.
    pub kind: Kind,
    /// A short human name, e.g. `"Lease TTL"`.
    pub label: &'static str,
    /// The unit of its values (`""` for none), e.g. `"ms"`.
    pub unit: &'static str,
    id: Id,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Field {
    /// Declares a field (used by the macro that declares [`SimConfig`]).
    pub(super) const fn new(
        name: &'static str,
        kind: Kind,
        label: &'static str,
        unit: &'static str,
        id: Id,
    ) -> Field {
        Field {
            name,
            kind,
            label,
            unit,
            id,
        }
    }

    /// The field's value in `config`.
    pub fn get(&self, config: &SimConfig) -> Value {
        self.id.get(config)
    }

    /// Sets the field to `value` in `config`; false (and `config` unchanged) if `value` is not
    /// of the field's kind or does not fit it (an integer above the field's type; ranges are
    /// checked by [`SimConfig::validate`]).
    pub fn set(&self, config: &mut SimConfig, value: Value) -> bool {
        self.id.set(config, value)
    }
}

/// What values a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A non-negative integer in a range.
    Integer(Range),
    /// A non-negative integer in a range, or `null`: never (a time that may not come).
    Never(Range),
    /// `true` or `false`.
    Boolean,
    /// One of these names.
    Choice(&'static [&'static str]),
}

impl Kind {
    /// The range of an integer kind.
    pub fn range(&self) -> Option<Range> {
        match *self {
            Kind::Integer(range) | Kind::Never(range) => Some(range),
            Kind::Boolean | Kind::Choice(_) => None,
        }
    }
}

/// The integers a field accepts: `min..=max`, narrowed by another field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The smallest value accepted (whatever the other fields are).
    pub min: u64,
    /// The largest value accepted (whatever the other fields are).
    pub max: u64,
    /// How another field narrows the range.
    pub relation: Relation,
}

/// How another field (named by its JavaScript name) narrows a field's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Not at all.
    None,
    /// At least the other field (`thinkMaxMs` ≥ `thinkMinMs`).
    AtLeast(&'static str),
    /// At most the other field (`faultsUntilMs` ≤ `durationMs`).
    AtMost(&'static str),
    /// Below the other field (`crashAtMs` < `faultsUntilMs`; when it is 0, at most 0).
    Below(&'static str),
}

impl Range {
    /// The range in `config`: `(min, max)`, inclusive (empty when `min > max`).
    pub fn bounds(&self, config: &SimConfig) -> (u64, u64) {
        let other = |name| field(name).and_then(|f| f.get(config).integer());
        match self.relation {
            Relation::None => (self.min, self.max),
            Relation::AtLeast(name) => {
                (other(name).map_or(self.min, |v| v.max(self.min)), self.max)
            }
            Relation::AtMost(name) => (self.min, other(name).map_or(self.max, |v| v.min(self.max))),
            Relation::Below(name) => (
                self.min,
                other(name).map_or(self.max, |v| v.saturating_sub(1).min(self.max)),
            ),
        }
    }
}

/// A field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Integer(u64),
    /// `null`: never.
    Never,
    /// A boolean.
    Boolean(bool),
    /// A name (of a [`Kind::Choice`]).
    Name(&'static str),
}

impl Value {
    /// The integer, if it is one.
    pub fn integer(self) -> Option<u64> {
        match self {
            Value::Integer(v) => Some(v),
            _ => None,
        }
    }
}

/// The field named `name` (its JavaScript name).
#[inline(never)]
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The field named `name`, found while compiling: a name that is not in the table does not
/// compile (`const { field_const("ttlMs") }`).
pub const fn field_const(name: &str) -> &'static Field {
    let mut i = 0;
    while i < FIELDS.len() {
        if same(FIELDS[i].name.as_bytes(), name.as_bytes()) {
            return &FIELDS[i];
        }
        i += 1;
    }
    panic!("no such SimConfig field")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// An integer field in `min..=max`.
pub(super) const fn int(min: u64, max: u64) -> Kind {
    Kind::Integer(Range {
        min,
        max,
        relation: Relation::None,
    })
}

/// An integer field in `min..=max`, narrowed by another field.
pub(super) const fn int_with(min: u64, max: u64, relation: Relation) -> Kind {
    Kind::Integer(Range { min, max, relation })
}

/// A time that may be `null` (never), in `min..=max` narrowed by `relation`.
pub(super) const fn never_or(min: u64, max: u64, relation: Relation) -> Kind {
    Kind::Never(Range { min, max, relation })
}

/// A field of a config, borrowed for writing: one case per Rust type of the fields.
pub(super) enum Slot<'a> {
    U64(&'a mut u64),
    U32(&'a mut u32),
    Bool(&'a mut bool),
    Time(&'a mut Option<u64>),
    Fencing(&'a mut Fencing),
    Primitive(&'a mut Primitive),
    Workload(&'a mut Workload),
    CrashMode(&'a mut CrashMode),
}

impl Slot<'_> {
    /// Writes `value` if it is of the slot's type (and fits it).
    pub(super) fn set(self, value: Value) -> bool {
        fn put<T>(slot: &mut T, value: Option<T>) -> bool {
            value.map(|v| *slot = v).is_some()
        }
        match (self, value) {
            (Slot::U64(s), Value::Integer(v)) => put(s, Some(v)),
            (Slot::U32(s), Value::Integer(v)) => put(s, u32::try_from(v).ok()),
            (Slot::Bool(s), Value::Boolean(b)) => put(s, Some(b)),
            (Slot::Time(s), Value::Integer(v)) => put(s, Some(Some(v))),
            (Slot::Time(s), Value::Never) => put(s, Some(None)),
            (Slot::Fencing(s), Value::Name(n)) => put(s, Fencing::parse(n)),
            (Slot::Primitive(s), Value::Name(n)) => put(s, Primitive::parse(n)),
            (Slot::Workload(s), Value::Name(n)) => put(s, Workload::parse(n)),
            (Slot::CrashMode(s), Value::Name(n)) => put(s, CrashMode::parse(n)),
            _ => false,
        }
    }
}

/// How a Rust field type reads as a [`Value`] and is written through a [`Slot`].
pub(super) trait FieldType: Sized {
    fn to_value(&self) -> Value;
    fn slot(&mut self) -> Slot<'_>;
}

macro_rules! field_type {
    ($($t:ty => $slot:ident, |$v:ident| $value:expr;)*) => {$(
        impl FieldType for $t {
            fn to_value(&self) -> Value {
                let $v = *self;
                $value
            }
            fn slot(&mut self) -> Slot<'_> {
                Slot::$slot(self)
            }
        }
    )*};
}

field_type! {
    u64 => U64, |v| Value::Integer(v);
    u32 => U32, |v| Value::Integer(v.into());
    bool => Bool, |v| Value::Boolean(v);
    Option<u64> => Time, |v| v.map_or(Value::Never, Value::Integer);
    Fencing => Fencing, |v| Value::Name(v.as_str());
    Primitive => Primitive, |v| Value::Name(v.as_str());
    Workload => Workload, |v| Value::Name(v.as_str());
    CrashMode => CrashMode, |v| Value::Name(v.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sim::config::NAMES;

    #[test]
    fn names_are_unique_and_relations_name_earlier_integer_fields() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(!NAMES[..i].contains(&f.name), "{} twice", f.name);
            assert!(!f.label.is_empty(), "{}", f.name);
            let Some(range) = f.kind.range() else {
                continue;
            };
            assert!(range.min <= range.max, "{}", f.name);
            if let Relation::AtLeast(other) | Relation::AtMost(other) | Relation::Below(other) =
                range.relation
            {
                let at = NAMES.iter().position(|n| *n == other);
                assert!(at.is_some_and(|at| at < i), "{} refers to {other}", f.name);
                assert!(field(other).is_some_and(|o| o.kind.range().is_some()));
            }
        }
        assert_eq!(FIELDS.len(), 47);
    }

    #[test]
    fn every_value_in_range_fits_and_reads_back() {
        for f in FIELDS {
            let mut c = SimConfig::default();
            let values: Vec<Value> = match f.kind {
                Kind::Integer(r) => vec![Value::Integer(r.min), Value::Integer(r.max)],
                Kind::Never(r) => vec![Value::Integer(r.min), Value::Integer(r.max), Value::Never],
                Kind::Boolean => vec![Value::Boolean(false), Value::Boolean(true)],
                Kind::Choice(names) => names.iter().map(|n| Value::Name(n)).collect(),
            };
            for v in values {
                assert!(f.set(&mut c, v), "{} = {v:?}", f.name);
                assert_eq!(f.get(&c), v, "{}", f.name);
            }
            assert!(!f.set(&mut c, Value::Name("nope")) || matches!(f.kind, Kind::Choice(_)));
        }
    }

    #[test]
    fn ranges_follow_other_fields() {
        let c = SimConfig {
            think_min_ms: 30,
            faults_until_ms: 0,
            ..SimConfig::default()
        };
        let bounds = |name| {
            field(name)
                .and_then(|f| f.kind.range())
                .map(|r| r.bounds(&c))
        };
        assert_eq!(bounds("thinkMaxMs"), Some((30, 60_000)));
        assert_eq!(bounds("faultsUntilMs"), Some((0, 10_000)));
        assert_eq!(bounds("crashAtMs"), Some((0, 0)));
        assert_eq!(field_const("batch").name, "batch");
    }
}
