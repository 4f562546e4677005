//! LeaseTable and FencedStore through the JS surface, in Node and in headless browsers:
//! Kleppmann's 33/34 scenario, renewal after expiry, and bad inputs that must throw real
//! JavaScript errors (never a trap) while the table keeps working.

use js_sys::{RangeError, Reflect, TypeError};
use ringlease::wasm::{JsFencedStore, JsLeaseTable};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

// The JS-value helpers the ring suite already has.
use super::suite::{message, object, s};

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &s(key)).unwrap()
}

fn ttl(ttl_ms: f64, now_ms: f64) -> JsValue {
    object(&[
        ("ttlMs", JsValue::from_f64(ttl_ms)),
        ("nowMs", JsValue::from_f64(now_ms)),
    ])
}

fn table() -> JsLeaseTable {
    JsLeaseTable::new(JsValue::UNDEFINED).unwrap()
}

#[wasm_bindgen_test]
fn kleppmann_pause_past_the_ttl_is_fenced_off() {
    let mut locks = table();
    let mut store = JsFencedStore::new(JsValue::UNDEFINED).unwrap();
    // Burn tokens so that the two clients get 33 and 34, as in Kleppmann's figure.
    for i in 0..32 {
        let owner = s(&format!("warmup-{i}"));
        let grant = locks
            .acquire(s("file"), owner.clone(), ttl(10.0, f64::from(i)))
            .unwrap();
        let token = field(&grant, "token");
        locks
            .release(s("file"), owner, token, JsValue::from_f64(f64::from(i)))
            .unwrap();
    }
    let one = locks
        .acquire(s("file"), s("client-1"), ttl(1000.0, 100.0))
        .unwrap();
    assert_eq!(field(&one, "token").as_f64(), Some(33.0));
    // client-1 pauses (GC) past its TTL; client-2 gets the lock and writes with 34.
    let two = locks
        .acquire(s("file"), s("client-2"), ttl(1000.0, 1100.0))
        .unwrap();
    assert_eq!(
        field(&two, "status").as_string().as_deref(),
        Some("granted")
    );
    assert_eq!(field(&two, "token").as_f64(), Some(34.0));
    let ok = store
        .write(
            s("file"),
            s("from 2"),
            JsValue::from_f64(34.0),
            JsValue::from_f64(1101.0),
        )
        .unwrap();
    assert_eq!(field(&ok, "accepted").as_bool(), Some(true));
    // client-1 wakes up and writes with its stale token 33: refused.
    let stale = store
        .write(
            s("file"),
            s("from 1"),
            JsValue::from_f64(33.0),
            JsValue::from_f64(1102.0),
        )
        .unwrap();
    assert_eq!(field(&stale, "accepted").as_bool(), Some(false));
    let read = store.read(s("file")).unwrap();
    assert_eq!(field(&read, "value").as_string().as_deref(), Some("from 2"));
}

#[wasm_bindgen_test]
fn renewal_at_expiry_is_refused() {
    let mut locks = table();
    let grant = locks.acquire(s("r"), s("a"), ttl(100.0, 0.0)).unwrap();
    let token = field(&grant, "token");
    let live = locks
        .renew(s("r"), s("a"), token.clone(), ttl(100.0, 99.0))
        .unwrap();
    assert_eq!(
        field(&live, "status").as_string().as_deref(),
        Some("renewed")
    );
    let late = locks
        .renew(s("r"), s("a"), token, ttl(100.0, 199.0))
        .unwrap();
    assert_eq!(
        field(&late, "status").as_string().as_deref(),
        Some("rejected")
    );
}

#[wasm_bindgen_test]
fn bad_inputs_throw_and_the_table_keeps_working() {
    let mut locks = table();
    for bad in [f64::NAN, f64::INFINITY, -1.0, 1.5, 9_007_199_254_740_992.0] {
        let Err(err) = locks.acquire(s("r"), s("a"), ttl(100.0, bad)) else {
            panic!("nowMs {bad} was accepted")
        };
        assert!(err.is_instance_of::<RangeError>(), "{}", message(&err));
        assert!(message(&err).contains("nowMs"), "{}", message(&err));
    }
    let Err(err) = locks.acquire(s("r"), s("a"), ttl(0.0, 0.0)) else {
        panic!("ttlMs 0 was accepted")
    };
    assert!(err.is_instance_of::<RangeError>(), "{}", message(&err));
    let Err(err) = locks.acquire(JsValue::from(5), s("a"), ttl(100.0, 0.0)) else {
        panic!("a numeric resource was accepted")
    };
    assert!(err.is_instance_of::<TypeError>(), "{}", message(&err));
    let typo = object(&[("ttlMs", JsValue::from(10)), ("nowMS", JsValue::from(0))]);
    let Err(err) = locks.acquire(s("r"), s("a"), typo) else {
        panic!("an unknown option key was accepted")
    };
    assert!(err.is_instance_of::<TypeError>(), "{}", message(&err));
    locks.tick(JsValue::from_f64(50.0)).unwrap();
    let Err(err) = locks.tick(JsValue::from_f64(10.0)) else {
        panic!("time going backwards was accepted")
    };
    assert!(err.is_instance_of::<RangeError>(), "{}", message(&err));
    let grant = locks.acquire(s("r"), s("a"), ttl(100.0, 60.0)).unwrap();
    assert_eq!(
        field(&grant, "status").as_string().as_deref(),
        Some("granted")
    );
}
