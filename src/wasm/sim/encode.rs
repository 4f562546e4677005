//! A simulation's results as plain JavaScript objects and typed arrays (see the types in
//! `simulation.d.ts`), built field by field with [`Obj`].

use js_sys::{Array, Float64Array, Int32Array, Uint32Array, Uint8Array};
use wasm_bindgen::JsValue;

use crate::core::sim::{
    Coverage, MetricsReport, Report, SimEvent, Violation, ViolationKind, NO_CLIENT, NO_RECORD,
};
use crate::wasm::encode::Obj;

/// Integers cross as numbers: every one the simulation produces stays below 2^53.
pub(super) fn num(value: u64) -> f64 {
    value as f64
}

/// A client index, or `null` for none.
fn client(value: u32) -> JsValue {
    if value == NO_CLIENT {
        JsValue::NULL
    } else {
        JsValue::from(value)
    }
}

/// A record index, or `null` for none.
fn record(i: u32) -> JsValue {
    if i == NO_RECORD {
        JsValue::NULL
    } else {
        JsValue::from_f64(f64::from(i))
    }
}

/// `SimEvents`: parallel typed arrays.
pub(super) fn events(events: &[SimEvent]) -> JsValue {
    let at: Vec<f64> = events.iter().map(|e| e.at_ms as f64).collect();
    let clients: Vec<i32> = events
        .iter()
        .map(|e| i32::try_from(e.client).unwrap_or(-1))
        .collect();
    let kinds: Vec<u8> = events.iter().map(|e| e.kind.code()).collect();
    let resources: Vec<u32> = events.iter().map(|e| e.resource).collect();
    let tokens: Vec<f64> = events.iter().map(|e| e.token as f64).collect();
    let values: Vec<f64> = events.iter().map(|e| e.value as f64).collect();
    Obj::new()
        .num("length", events.len() as f64)
        .set("atMs", &Float64Array::from(&at[..]))
        .set("client", &Int32Array::from(&clients[..]))
        .set("kind", &Uint8Array::from(&kinds[..]))
        .set("resource", &Uint32Array::from(&resources[..]))
        .set("token", &Float64Array::from(&tokens[..]))
        .set("value", &Float64Array::from(&values[..]))
        .done()
}

/// `SimMetrics`.
pub(super) fn metrics(m: &MetricsReport) -> JsValue {
    let clients: Array = m
        .clients
        .iter()
        .map(|c| {
            Obj::new()
                .num("ops", num(c.ops))
                .num("grants", num(c.grants))
                .num("retries", num(c.retries))
                .num("rejectedWrites", num(c.rejected_writes))
                .num("pauses", num(c.pauses))
                .done()
        })
        .collect();
    Obj::new()
        .num("elapsedMs", num(m.elapsed_ms))
        .num("events", num(m.events))
        .num("completedOps", num(m.completed_ops))
        .num("throughputPerS", num(m.throughput_per_s))
        .num("grants", num(m.grants))
        .num("waitP50Ms", num(m.wait_p50_ms))
        .num("waitP95Ms", num(m.wait_p95_ms))
        .num("waitP99Ms", num(m.wait_p99_ms))
        .num("waitMaxMs", num(m.wait_max_ms))
        .num("utilisationPpm", num(m.utilisation_ppm))
        .num("retries", num(m.retries))
        .num("rejectedWrites", num(m.rejected_writes))
        .num("rejectedReads", num(m.rejected_reads))
        .num("renewals", num(m.renewals))
        .num("renewalsRejected", num(m.renewals_rejected))
        .num("pauses", num(m.pauses))
        .num("messages", num(m.messages))
        .num("messagesLost", num(m.messages_lost))
        .num("messagesDuplicated", num(m.messages_duplicated))
        .set("clients", &clients)
        .done()
}

/// `SimViolation[]`.
pub(super) fn violations(violations: &[Violation]) -> JsValue {
    violations
        .iter()
        .map(|v| {
            Obj::new()
                .str("kind", v.kind.as_str())
                .num("atMs", num(v.at_ms))
                .set("client", &client(v.client))
                .set("other", &client(v.other))
                .num("resource", f64::from(v.resource))
                .num("token", num(v.token))
                .num("value", num(v.value))
                .set("record", &record(v.record))
                .set("otherRecord", &record(v.other_record))
                .done()
        })
        .collect::<Array>()
        .into()
}

/// `HistoryCoverage`.
pub(super) fn coverage(coverage: &Coverage) -> JsValue {
    Coverage::NAMES
        .iter()
        .zip(coverage.values())
        .fold(Obj::new(), |o, (name, n)| {
            o.set(
                name,
                &n.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64)),
            )
        })
        .done()
}

/// Violations per kind: `Record<ViolationKindName, number>`.
pub(super) fn counts(counts: &[u64; 8]) -> JsValue {
    ViolationKind::ALL
        .iter()
        .zip(counts)
        .fold(Obj::new(), |o, (kind, n)| o.num(kind.as_str(), num(*n)))
        .done()
}

/// `SimReport`.
pub(super) fn report(report: &Report) -> JsValue {
    Obj::new()
        .set("metrics", &metrics(&report.metrics))
        .set("violations", &violations(&report.violations))
        .set("counts", &counts(&report.counts))
        .str("digest", &report.digest)
        .num("traceEvents", num(report.trace_events))
        .bool("stoppedAtCap", report.stopped_at_cap)
        .set("coverage", &coverage(&report.coverage))
        .done()
}
