//! `checkHistory(history)`: decodes a history document (records through `serde-wasm-bindgen`,
//! one at a time so that errors name the record and field), makes one core call, encodes the
//! verdict.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{describe, is_array, may_be_lossy, plain_object, well_formed};
use super::call::{call, Failure};
use super::document::{self, Shape};
use super::encode::Obj;
use crate::core::history::{
    check, Builder, Fencing, History, RawRecord, Verdict, ViolationKind, FIELDS, MAX_RECORDS,
    NO_CLIENT, NO_RECORD,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_HISTORY: &'static str = r#"
/** One record of a history (docs/histories.md). `null` or absent: unknown. */
export interface HistoryRecord {
  type: "invoke" | "ok" | "fail" | "info";
  /** The process (client) the record concerns: an integer in 0..2^32. */
  process: number;
  op: "acquire" | "renew" | "release" | "expire" | "read" | "write" | "pause" | "crash";
  /** The lock or store key (at most 256 bytes); not needed on pauses and crashes. */
  resource?: string;
  /** `"client"` (default): what the process saw, on the recorder's clock. `"server"`: what the lease server or store saw, on its clock. */
  source?: "client" | "server";
  token?: number | null;
  value?: number | null;
  /** When (ms, integer). Client records of one process never go backwards. */
  timeMs: number;
  /** Acquire invoke: the TTL asked for. Acquire/renew ok: how long the process will believe it holds. */
  ttlMs?: number | null;
  /** Server acquire/renew: when the lease expires on the server's clock. */
  expiresAtMs?: number | null;
  /** Writes: the write's id. Reads: the id of the write whose value was read (0: the initial value). */
  writeId?: number | null;
  /** Writes: the id of the write the value was computed from. */
  basedOn?: number | null;
  /** Pause: how long (ms). Crash (server): how long until the lease server served again. */
  durationMs?: number | null;
}

/** A history document: `{ version: 1, records }`. */
export interface HistoryDocument {
  version?: 1;
  /** Free text: where the history came from. */
  description?: string;
  /** Where the page's time axis starts (ms, the records' clock); default: the first record's time. */
  timeOriginMs?: number;
  /** How the store checked tokens; `"strict"` makes a write applied outside the live lease a `staleWrite`. */
  fencing?: "off" | "maxToken" | "strict";
  records: HistoryRecord[];
}

/** The kinds of violation a history is judged on. */
export type HistoryViolationKind = "lostUpdate" | "doubleGrant" | "tokenOrder" | "staleWrite" | "beliefOverlap";

/** One violation, pointing at the records involved (indexes into `records`). */
export interface HistoryViolation {
  kind: HistoryViolationKind;
  atMs: number;
  process: number | null;
  other: number | null;
  resource: string;
  token: number;
  value: number;
  record: number | null;
  otherRecord: number | null;
}

/** How often the dangerous interleavings happened; `null`: the history cannot tell (no server records). */
export interface HistoryCoverage {
  lateWrites: number | null;
  /** Of the late writes, those the store applied (a `staleWrite` too if the history claims strict fencing). */
  expiredWritesApplied: number | null;
  longPauses: number;
  grantsWhileBelieved: number | null;
  expiriesWhilePaused: number | null;
  writesRefused: number;
  readsRefused: number;
  renewalsRefused: number;
}

/** What `checkHistory` returns. */
export interface HistoryVerdict {
  /** True when no violation was found (see `unknown` for what could not be judged). */
  ok: boolean;
  violations: HistoryViolation[];
  counts: Record<HistoryViolationKind, number>;
  /** The kinds the history could not judge (no server records, no reads naming writes). */
  unknown: HistoryViolationKind[];
  coverage: HistoryCoverage;
  records: number;
  processes: number;
  resources: string[];
}

/**
 * Checks a recorded or exported history with the simulation's checker. Throws a TypeError or
 * RangeError naming the record and field on bad input (at most 2,000,000 records).
 */
export function checkHistory(history: HistoryDocument): HistoryVerdict;
"#;

/// Checks a history document (see the TypeScript types). Bad input throws a `TypeError` or
/// `RangeError` naming the record and the field.
///
/// ```js
/// const sim = new Simulation({ preset: "gcPause" });
/// sim.run();
/// const verdict = checkHistory(sim.history());
/// verdict.counts.lostUpdate; // 0 with fencing on
/// ```
#[wasm_bindgen(js_name = checkHistory, skip_typescript)]
pub fn check_history(history: JsValue) -> Result<JsValue, JsValue> {
    call("checkHistory", || {
        let history = decode(&history)?;
        Ok(encode_verdict(&check(&history), &history))
    })
}

/// Decodes and validates a history document.
pub(crate) fn decode(doc: &JsValue) -> Result<History, Failure> {
    let object = plain_object(doc, "history")?;
    for key in Reflect::own_keys(&object)?.iter() {
        match key.as_string().as_deref() {
            Some("version" | "description" | "timeOriginMs" | "fencing" | "records") => {}
            _ => {
                return Err(Failure::Type(format!(
                "history.{}: unknown field (expected version, description, timeOriginMs, fencing, records)",
                key.as_string().unwrap_or_else(|| describe(&key))
            )))
            }
        }
    }
    let version = Reflect::get(&object, &JsValue::from_str("version"))?;
    if !version.is_undefined() && version.as_f64() != Some(1.0) {
        return Err(Failure::Range(format!(
            "history.version must be 1, got {}",
            describe(&version)
        )));
    }
    let description = Reflect::get(&object, &JsValue::from_str("description"))?;
    if !description.is_undefined() && description.as_string().is_none() {
        return Err(Failure::Type(
            "history.description must be a string".to_owned(),
        ));
    }
    let origin = Reflect::get(&object, &JsValue::from_str("timeOriginMs"))?;
    if !origin.is_undefined()
        && !origin
            .as_f64()
            .is_some_and(|x| x.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&x))
    {
        return Err(Failure::Range(format!(
            "history.timeOriginMs must be an integer in 0..2^53, got {}",
            describe(&origin)
        )));
    }
    let fencing = Reflect::get(&object, &JsValue::from_str("fencing"))?;
    let fencing = if fencing.is_undefined() || fencing.is_null() {
        None
    } else {
        let mode = fencing.as_string().and_then(|name| Fencing::parse(&name));
        let Some(mode) = mode else {
            return Err(Failure::Type(format!(
                "history.fencing must be \"off\", \"maxToken\" or \"strict\", got {}",
                describe(&fencing)
            )));
        };
        Some(mode)
    };
    let records = Reflect::get(&object, &JsValue::from_str("records"))?;
    if !is_array(&records) {
        return Err(Failure::Type(format!(
            "history.records must be an array, got {}",
            describe(&records)
        )));
    }
    let length = Reflect::get(&records, &JsValue::from_str("length"))?
        .as_f64()
        .unwrap_or(0.0);
    if length > MAX_RECORDS as f64 {
        return Err(Failure::Range(format!(
            "history.records must have at most {MAX_RECORDS} records"
        )));
    }
    let mut builder = Builder::default();
    for i in 0..length as u32 {
        let item = Reflect::get_u32(&records, i)?;
        let raw = record(&item, i as usize)?;
        builder.push(i as usize, &raw)?;
    }
    let mut history = builder.finish();
    history.fencing = fencing;
    Ok(history)
}

/// Decodes record `index`. Its own keys and values are read through catching calls only, into a
/// copy with no prototype that holds plain data (strings and numbers); serde-wasm-bindgen then
/// reads the copy. A getter or Proxy trap of the caller's record runs only inside a catching
/// call, so whatever it throws comes back as this call's error and never unwinds through wasm.
fn record(item: &JsValue, index: usize) -> Result<RawRecord, Failure> {
    if !item.is_object() || is_array(item) || item.is_function() {
        return Err(Failure::Type(format!(
            "records[{index}] must be an object, got {}",
            describe(item)
        )));
    }
    let copy: Object = Object::create(JsValue::NULL.unchecked_ref());
    for key in Reflect::own_keys(item)?.iter() {
        let name = key.as_string();
        let Some(field) = name
            .as_deref()
            .and_then(|n| FIELDS.iter().find(|f| **f == n))
        else {
            return Err(Failure::Type(format!(
                "records[{index}].{}: unknown field (expected one of {})",
                name.unwrap_or_else(|| describe(&key)),
                FIELDS.join(", ")
            )));
        };
        let value = Reflect::get(item, &key)?;
        if value.is_null() || value.is_undefined() {
            continue; // unknown, as if absent
        }
        let shape = match *field {
            "type" | "op" | "resource" | "source" => Shape::Text,
            _ => Shape::Number,
        };
        document::check(&value, shape, || format!("records[{index}].{field}"))?;
        Reflect::set(&copy, &key, &value)?;
    }
    let raw: RawRecord = document::read(copy.clone(), || format!("records[{index}]"))?;
    // Resources and sources are free text: two that read the same must be the same.
    for (key, text) in [("resource", &raw.resource), ("source", &raw.source)] {
        if let Some(text) = text.as_deref().filter(|t| may_be_lossy(t)) {
            let value = Reflect::get(&copy, &JsValue::from_str(key))?;
            well_formed(&value, text, &format!("records[{index}].{key}"))?;
        }
    }
    Ok(raw)
}

fn id(x: u32, none: u32) -> JsValue {
    if x == none {
        JsValue::NULL
    } else {
        JsValue::from_f64(f64::from(x))
    }
}

fn opt(x: Option<u64>) -> JsValue {
    x.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

/// The verdict as a plain object (see `HistoryVerdict`).
pub(crate) fn encode_verdict(v: &Verdict, history: &History) -> JsValue {
    let violations = Array::new();
    for x in v
        .violations
        .iter()
        .filter(|x| ViolationKind::HISTORY.contains(&x.kind))
    {
        let resource = history
            .resources
            .get(x.resource as usize)
            .map_or("", String::as_str);
        let o = Obj::new()
            .str("kind", x.kind.as_str())
            .num("atMs", x.at_ms as f64)
            .set("process", &id(x.client, NO_CLIENT))
            .set("other", &id(x.other, NO_CLIENT))
            .str("resource", resource)
            .num("token", x.token as f64)
            .num("value", x.value as f64)
            .set("record", &id(x.record, NO_RECORD))
            .set("otherRecord", &id(x.other_record, NO_RECORD));
        violations.push(&o.done());
    }
    let mut counts = Obj::new();
    for kind in ViolationKind::HISTORY {
        let n = v.counts.get(kind as usize).copied().unwrap_or(0);
        counts = counts.num(kind.as_str(), n as f64);
    }
    let unknown: Array = v
        .unknown
        .iter()
        .map(|k| JsValue::from_str(k.as_str()))
        .collect();
    let mut coverage = Obj::new();
    for (name, n) in crate::core::history::Coverage::NAMES
        .iter()
        .zip(v.coverage.values())
    {
        coverage = coverage.set(name, &opt(n));
    }
    let resources: Array = history
        .resources
        .iter()
        .map(|r| JsValue::from_str(r))
        .collect();
    let ok = ViolationKind::HISTORY
        .iter()
        .all(|k| v.counts.get(*k as usize).copied().unwrap_or(0) == 0);
    Obj::new()
        .bool("ok", ok)
        .set("violations", &violations.into())
        .set("counts", &counts.done())
        .set("unknown", &unknown.into())
        .set("coverage", &coverage.done())
        .num("records", v.records as f64)
        .num("processes", v.processes as f64)
        .set("resources", &resources.into())
        .done()
}

/// A history as a plain document (`{ version: 1, description, records }`).
pub(crate) fn encode_history(history: &History, description: &str) -> JsValue {
    use crate::core::history::Source;
    let records = Array::new_with_length(history.records.len() as u32);
    for (i, r) in history.records.iter().enumerate() {
        let mut o = Obj::new()
            .str("type", r.kind.as_str())
            .num("process", f64::from(r.process))
            .str("op", r.op.as_str());
        if r.op.needs_resource() {
            let name = history
                .resources
                .get(r.resource as usize)
                .map_or("", String::as_str);
            o = o.str("resource", name);
        }
        if r.source == Source::Server {
            o = o.str("source", "server");
        }
        o = o.num("timeMs", r.time_ms as f64);
        for (name, value) in r.optional_fields() {
            if let Some(n) = value {
                o = o.num(name, n as f64);
            }
        }
        if let Some(n) = r.value {
            o = o.num("value", n as f64);
        }
        records.set(i as u32, o.done());
    }
    let mut out = Obj::new()
        .num("version", 1.0)
        .str("description", description)
        .num("timeOriginMs", 0.0);
    if let Some(fencing) = history.fencing {
        out = out.str("fencing", fencing.as_str());
    }
    out.set("records", &records.into()).done()
}
