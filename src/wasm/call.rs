//! One call context per binding method, and the one place where failures become JavaScript
//! errors.
//!
//! A method's body returns `Result<T, Failure>`: argument decoders ([`super::args`]) and core
//! calls fail with `?` (each core error type has a `From` impl below that picks the JavaScript
//! class), and [`call`] puts the method's name in front of the message:
//!
//! ```ignore
//! pub fn renew(&mut self, resource: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
//!     call("LeaseTable.renew", || {
//!         let resource = args::string(&resource, "resource")?;
//!         Ok(encode(self.table.renew(&resource, …)?))
//!     })
//! }
//! ```
//!
//! gives `RangeError: LeaseTable.renew: ttlMs must be …`. An exception a caller's object threw
//! (a getter or a Proxy trap read through `Reflect`) is rethrown as it is.

use js_sys::{Error, RangeError, Reflect, SyntaxError, TypeError};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::history::HistoryError;
use crate::core::lease::LeaseError;
use crate::core::sim::sweep::SweepError;
use crate::core::sim::ConfigError;
use crate::core::RingError;

/// Why a call failed, before the call's name is put in front of the message.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A value of the wrong type, an unknown option key: a `TypeError`.
    Type(String),
    /// A value out of range: a `RangeError`.
    Range(String),
    /// A legal request that cannot be carried out (an unknown node, …): an `Error`.
    Plain(String),
    /// Text that is not valid JSON: a `SyntaxError`, like `JSON.parse`'s.
    Syntax(String),
    /// An exception thrown by the caller's own object, rethrown unchanged.
    Thrown(JsValue),
}

impl Failure {
    /// The JavaScript error, its message prefixed with `context`.
    pub(crate) fn into_js(self, context: &str) -> JsValue {
        match self {
            Failure::Type(message) => TypeError::new(&format!("{context}: {message}")).into(),
            Failure::Range(message) => RangeError::new(&format!("{context}: {message}")).into(),
            Failure::Plain(message) => Error::new(&format!("{context}: {message}")).into(),
            Failure::Syntax(message) => SyntaxError::new(&format!("{context}: {message}")).into(),
            Failure::Thrown(value) => value,
        }
    }
}

impl From<JsValue> for Failure {
    fn from(value: JsValue) -> Self {
        Failure::Thrown(value)
    }
}

/// The message of an exception a caller's code threw, if it is an `Error` with a string
/// message. Read through a catching call: `message` may be a getter that throws too, and an
/// exception unwinding through wasm would leave the instance broken.
pub(crate) fn thrown_message(err: &JsValue) -> Option<String> {
    err.dyn_ref::<Error>()?;
    Reflect::get(err, &JsValue::from_str("message"))
        .ok()?
        .as_string()
}

/// Runs a binding method's body under its name (`"HashRing.addNode"`, `"new LeaseTable"`):
/// a [`Failure`] becomes a JavaScript error whose message starts with `context`.
pub(crate) fn call<T>(
    context: &str,
    body: impl FnOnce() -> Result<T, Failure>,
) -> Result<T, JsValue> {
    body().map_err(|failure| failure.into_js(context))
}

/// Ring errors: bad ids, weights and sizes are `RangeError`s; a duplicate or unknown node and an
/// empty ring are `Error`s.
impl From<RingError> for Failure {
    fn from(err: RingError) -> Self {
        let message = err.to_string();
        match err {
            RingError::DuplicateNode(_) | RingError::UnknownNode(_) | RingError::NoLiveNode => {
                Failure::Plain(message)
            }
            RingError::EmptyId
            | RingError::IdTooLong { .. }
            | RingError::InvalidVnodes(_)
            | RingError::InvalidWeight(_)
            | RingError::InvalidEpsilon(_)
            | RingError::InvalidPointsPerDigest(_)
            | RingError::TooManyPoints { .. } => Failure::Range(message),
        }
    }
}

/// Lease errors: out-of-range numbers, bad ids and time going backwards are `RangeError`s; a
/// strict store without a table is a `TypeError`.
impl From<LeaseError> for Failure {
    fn from(err: LeaseError) -> Self {
        let message = err.to_string();
        match err {
            LeaseError::StrictStoreNeedsTable => Failure::Type(message),
            LeaseError::EmptyId { .. }
            | LeaseError::IdTooLong { .. }
            | LeaseError::OutOfRange { .. }
            | LeaseError::TooMany { .. }
            | LeaseError::TimeWentBackwards { .. } => Failure::Range(message),
        }
    }
}

/// A simulation config out of range names its field under `config.`.
impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Self {
        Failure::Range(format!("config.{err}"))
    }
}

/// A sweep's config errors name `config.`, its own options `options.`.
impl From<SweepError> for Failure {
    fn from(err: SweepError) -> Self {
        match err {
            SweepError::Config(e) => e.into(),
            other => Failure::Range(format!("options.{other}")),
        }
    }
}

/// History errors name the record and field: numbers out of range, time going backwards and
/// sizes over the limits are `RangeError`s, the rest (missing fields, wrong types, unknown
/// operations, an ok without its invoke) `TypeError`s.
impl From<HistoryError> for Failure {
    fn from(err: HistoryError) -> Self {
        let range = [
            "must be an integer",
            "goes backwards",
            "has more than",
            "is longer than",
        ]
        .iter()
        .any(|m| err.message.starts_with(m));
        if range {
            Failure::Range(err.to_string())
        } else {
            Failure::Type(err.to_string())
        }
    }
}
