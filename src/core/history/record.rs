//! The history format: one record per operation event (invoke, ok, fail, info) of one process,
//! plus what the lease server and the store saw when the recorder knows it (docs/histories.md).
//!
//! A document decodes into [`RawRecord`]s (every field optional and loosely typed, so that each
//! mistake can be named), which [`super::History::build`] validates into [`Record`]s.

use serde::Deserialize;

/// What a record says about its operation (Jepsen's and Porcupine's event types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    /// The process started the operation.
    Invoke,
    /// The operation happened (the process learnt so).
    Ok,
    /// The operation did not happen (the process learnt so).
    Fail,
    /// Something else the recorder saw: an outcome unknown to the process, a pause, or a fact
    /// from the server's side.
    Info,
}

impl RecordType {
    /// The name used in histories.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Invoke => "invoke",
            RecordType::Ok => "ok",
            RecordType::Fail => "fail",
            RecordType::Info => "info",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "invoke" => RecordType::Invoke,
            "ok" => RecordType::Ok,
            "fail" => RecordType::Fail,
            "info" => RecordType::Info,
            _ => return None,
        })
    }
}

/// The operation a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Acquire a lease on `resource`.
    Acquire,
    /// Renew the lease `token`.
    Renew,
    /// Release the lease `token` (the process stops believing it holds the lock).
    Release,
    /// Server only: the lease `token` expired.
    Expire,
    /// Read the resource's value under `token`.
    Read,
    /// Write `value` to the resource under `token`.
    Write,
    /// The process was paused (GC, `SIGSTOP`) for `durationMs` from `timeMs`.
    Pause,
    /// Server only: the lease server went down at `timeMs` (killed, crashed) and served again
    /// `durationMs` later. What it held in memory is gone unless it persisted it.
    Crash,
}

impl Op {
    /// The name used in histories.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Acquire => "acquire",
            Op::Renew => "renew",
            Op::Release => "release",
            Op::Expire => "expire",
            Op::Read => "read",
            Op::Write => "write",
            Op::Pause => "pause",
            Op::Crash => "crash",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "acquire" => Op::Acquire,
            "renew" => Op::Renew,
            "release" => Op::Release,
            "expire" => Op::Expire,
            "read" => Op::Read,
            "write" => Op::Write,
            "pause" => Op::Pause,
            "crash" => Op::Crash,
            _ => return None,
        })
    }

    pub(crate) const COUNT: usize = 8;

    /// Whether records of this operation name a resource (pauses and crashes need none).
    pub fn needs_resource(self) -> bool {
        !matches!(self, Op::Pause | Op::Crash)
    }
}

/// Whose view a record gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The client process (the default): what a client-side recorder always knows.
    Client,
    /// The lease server or the store, about `process`'s lease or write, on the server's clock.
    Server,
}

impl Source {
    /// The name used in histories.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Client => "client",
            Source::Server => "server",
        }
    }
}

/// One validated record. Resources are indexes into [`super::History::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// invoke, ok, fail or info.
    pub kind: RecordType,
    /// The operation.
    pub op: Op,
    /// Client or server view.
    pub source: Source,
    /// The process (client) the record concerns.
    pub process: u32,
    /// The resource index (0 for a pause or a crash, which need none).
    pub resource: u32,
    /// When (ms): the recorder's clock for client records, the server's for server records.
    pub time_ms: u64,
    /// The fencing token, when the record has one.
    pub token: Option<u64>,
    /// The value read or written.
    pub value: Option<i64>,
    /// Acquire invoke: the TTL asked for; acquire/renew ok: how long the client will believe.
    pub ttl_ms: Option<u64>,
    /// Server acquire/renew: when the lease expires on the server's clock.
    pub expires_at_ms: Option<u64>,
    /// Writes: the write's id; reads: the id of the write whose value was read (0: initial).
    pub write_id: Option<u64>,
    /// Write invoke or server write: the id of the write the value was computed from.
    pub based_on: Option<u64>,
    /// Pause: how long (ms); crash: how long until the server served again.
    pub duration_ms: Option<u64>,
}

impl Record {
    /// The optional counts and times (all but `value`), by their names in histories, in the
    /// order a history writes them.
    pub fn optional_fields(&self) -> [(&'static str, Option<u64>); 6] {
        [
            ("token", self.token),
            ("ttlMs", self.ttl_ms),
            ("expiresAtMs", self.expires_at_ms),
            ("writeId", self.write_id),
            ("basedOn", self.based_on),
            ("durationMs", self.duration_ms),
        ]
    }

    /// A client record with no optional fields.
    pub fn new(kind: RecordType, op: Op, process: u32, resource: u32, time_ms: u64) -> Self {
        Record {
            kind,
            op,
            source: Source::Client,
            process,
            resource,
            time_ms,
            token: None,
            value: None,
            ttl_ms: None,
            expires_at_ms: None,
            write_id: None,
            based_on: None,
            duration_ms: None,
        }
    }

    /// The same record as seen by the server.
    pub fn server(mut self) -> Self {
        self.source = Source::Server;
        self
    }

    /// With `token`.
    pub fn token(mut self, token: u64) -> Self {
        self.token = Some(token);
        self
    }

    /// With `value`.
    pub fn value(mut self, value: i64) -> Self {
        self.value = Some(value);
        self
    }
}

/// A record as decoded, before validation: every field optional, numbers as f64, so that a
/// missing or ill-typed field can be named. Unknown fields are refused by the decoder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct RawRecord {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub process: Option<f64>,
    pub op: Option<String>,
    pub resource: Option<String>,
    pub source: Option<String>,
    pub token: Option<f64>,
    pub value: Option<f64>,
    pub time_ms: Option<f64>,
    pub ttl_ms: Option<f64>,
    pub expires_at_ms: Option<f64>,
    pub write_id: Option<f64>,
    pub based_on: Option<f64>,
    pub duration_ms: Option<f64>,
}

/// The field names of a record, as in histories.
pub const FIELDS: [&str; 13] = [
    "type",
    "process",
    "op",
    "resource",
    "source",
    "token",
    "value",
    "timeMs",
    "ttlMs",
    "expiresAtMs",
    "writeId",
    "basedOn",
    "durationMs",
];

/// Longest resource name accepted (bytes).
pub const MAX_RESOURCE_LEN: usize = 256;

/// 2^53: integers up to here are exact in JavaScript.
const SAFE: f64 = 9_007_199_254_740_992.0;

pub(crate) type FieldError = (&'static str, String);

fn uint(field: &'static str, v: Option<f64>) -> Result<Option<u64>, FieldError> {
    match v {
        None => Ok(None),
        Some(x) if x.fract() == 0.0 && (0.0..SAFE).contains(&x) => Ok(Some(x as u64)),
        Some(_) => Err((field, "must be an integer in 0..2^53".into())),
    }
}

fn int(field: &'static str, v: Option<f64>) -> Result<Option<i64>, FieldError> {
    match v {
        None => Ok(None),
        Some(x) if x.fract() == 0.0 && x.abs() < SAFE => Ok(Some(x as i64)),
        Some(_) => Err((field, "must be an integer of magnitude below 2^53".into())),
    }
}

fn need<T>(field: &'static str, v: Option<T>, what: &str) -> Result<T, FieldError> {
    v.ok_or_else(|| (field, format!("is required on {what}")))
}

/// The checked parts of a raw record, before its resource is interned.
pub(crate) struct Parsed<'a> {
    pub(crate) record: Record,
    pub(crate) resource: Option<&'a str>,
}

impl RawRecord {
    /// Validates the fields on their own (pairing and times are checked across records).
    pub(crate) fn parse(&self) -> Result<Parsed<'_>, FieldError> {
        let kind_s = need("type", self.kind.as_deref(), "every record")?;
        let kind = RecordType::parse(kind_s).ok_or_else(|| {
            (
                "type",
                format!("unknown type \"{kind_s}\" (expected invoke, ok, fail or info)"),
            )
        })?;
        let op_s = need("op", self.op.as_deref(), "every record")?;
        let op = Op::parse(op_s).ok_or_else(|| {
            (
                "op",
                format!(
                    "unknown operation \"{op_s}\" (expected acquire, renew, release, expire, \
                     read, write, pause or crash)"
                ),
            )
        })?;
        let source = match self.source.as_deref() {
            None | Some("client") => Source::Client,
            Some("server") => Source::Server,
            Some(s) => {
                return Err((
                    "source",
                    format!("unknown source \"{s}\" (expected client or server)"),
                ))
            }
        };
        let process = uint("process", self.process)?;
        let process = need("process", process, "every record")?;
        let process = u32::try_from(process)
            .map_err(|_| ("process", "must be an integer in 0..2^32".to_string()))?;
        let time_ms = need("timeMs", uint("timeMs", self.time_ms)?, "every record")?;
        let what = format!("{} {} {}", source.as_str(), kind.as_str(), op.as_str());
        let resource = match (op, self.resource.as_deref()) {
            (op, r) if !op.needs_resource() => r,
            (_, None) => return Err(("resource", format!("is required on {what}"))),
            (_, Some(r)) => Some(r),
        };
        if let Some(r) = resource {
            if r.len() > MAX_RESOURCE_LEN {
                return Err((
                    "resource",
                    format!("is longer than {MAX_RESOURCE_LEN} bytes"),
                ));
            }
        }
        let record = Record {
            kind,
            op,
            source,
            process,
            resource: 0,
            time_ms,
            token: uint("token", self.token)?,
            value: int("value", self.value)?,
            ttl_ms: uint("ttlMs", self.ttl_ms)?,
            expires_at_ms: uint("expiresAtMs", self.expires_at_ms)?,
            write_id: uint("writeId", self.write_id)?,
            based_on: uint("basedOn", self.based_on)?,
            duration_ms: uint("durationMs", self.duration_ms)?,
        };
        required(&record, &what)?;
        Ok(Parsed { record, resource })
    }
}

/// The fields each kind of record must carry.
fn required(r: &Record, what: &str) -> Result<(), FieldError> {
    use Op::{Acquire, Crash, Expire, Pause, Read, Release, Renew, Write};
    use RecordType::{Fail, Info, Invoke};
    let bad = |field: &'static str, why: &str| Err((field, why.to_string()));
    match (r.source, r.op, r.kind) {
        (Source::Client, Expire, _) => bad("op", "expire is a server record (source: \"server\")"),
        (Source::Client, Crash, _) => bad("op", "crash is a server record (source: \"server\")"),
        (Source::Server, Crash, Info) => need("durationMs", r.duration_ms, what).map(drop),
        (Source::Server, Crash, _) => bad("type", "a crash is an info record"),
        (_, Pause, Info) => need("durationMs", r.duration_ms, what).map(drop),
        (_, Pause, _) => bad("type", "a pause is an info record"),
        (Source::Client, Acquire, RecordType::Ok) => need("token", r.token, what).map(drop),
        (Source::Client, Renew | Release, Invoke) => need("token", r.token, what).map(drop),
        (Source::Client, Read, RecordType::Ok) => need("value", r.value, what).map(drop),
        (Source::Client, Write, Invoke) => {
            need("token", r.token, what)?;
            need("value", r.value, what).map(drop)
        }
        (Source::Client, _, _) => Ok(()),
        (Source::Server, Acquire | Renew, Info) => {
            need("token", r.token, what)?;
            need("expiresAtMs", r.expires_at_ms, what).map(drop)
        }
        (Source::Server, Release | Expire, Info) => need("token", r.token, what).map(drop),
        (Source::Server, Write, RecordType::Ok) => {
            need("token", r.token, what)?;
            need("writeId", r.write_id, what).map(drop)
        }
        (Source::Server, Write, Fail) => need("token", r.token, what).map(drop),
        (Source::Server, Read, RecordType::Ok) => need("writeId", r.write_id, what).map(drop),
        (Source::Server, _, _) => bad(
            "type",
            "server records are info (acquire, renew, release, expire, crash), ok or fail \
             (write) or ok (read: the store's content)",
        ),
    }
}
