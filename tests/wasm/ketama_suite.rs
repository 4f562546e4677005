//! `KetamaRing` (the engine of `ringlease/hashring`) through its JavaScript surface, in Node
//! and in headless browsers: the hashring 3.2.0 fixtures (`tests/golden/hashring-fixtures.json`,
//! the same file the native test reads) and bad arguments that must throw, not trap.

use js_sys::{Array, RangeError, TypeError, Uint32Array};
use ringlease::wasm::JsKetamaRing;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn u32s(values: &[u32]) -> JsValue {
    Uint32Array::from(values).into()
}

fn strings(values: &[&str]) -> JsValue {
    values.iter().map(|v| s(v)).collect::<Array>().into()
}

#[wasm_bindgen_test]
fn hashring_fixtures_match_through_the_js_surface() {
    let root: Value =
        serde_json::from_str(include_str!("../golden/hashring-fixtures.json")).unwrap();
    let mut checked = 0;
    for case in root["cases"].as_array().unwrap() {
        let servers = case["servers"].as_array().unwrap();
        let labels: Vec<&str> = servers
            .iter()
            .map(|s| s["label"].as_str().unwrap())
            .collect();
        let digests: Vec<u32> = servers
            .iter()
            .map(|s| s["digests"].as_u64().unwrap() as u32)
            .collect();
        let owners: Vec<u32> = servers
            .iter()
            .map(|s| s["owner"].as_u64().unwrap() as u32)
            .collect();
        let names: Vec<&str> = case["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let ring = JsKetamaRing::new(
            case["args"]["algorithm"].as_str().map(s).unwrap(),
            JsValue::from(case["replicas"].as_u64().unwrap() as u32),
            strings(&labels),
            u32s(&digests),
            u32s(&owners),
        )
        .unwrap();
        assert_eq!(ring.size() as u64, case["size"].as_u64().unwrap());
        let positions: Vec<u32> = case["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(ring.positions().to_vec(), positions);
        for lookup in case["lookups"].as_array().unwrap() {
            let key = s(lookup[0].as_str().unwrap());
            let owner = ring.owner_of(key.clone()).unwrap();
            assert_eq!(names[owner as usize], lookup[1].as_str().unwrap());
            let position = ring.position_of(key).unwrap();
            let start = ring.lookup(JsValue::from(position)).unwrap();
            let range: Vec<&str> = ring
                .walk(JsValue::from(start as u32), JsValue::from(3), true)
                .unwrap()
                .to_vec()
                .into_iter()
                .map(|o| names[o as usize])
                .collect();
            let expected: Vec<&str> = lookup[2]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect();
            assert_eq!(range, expected);
            checked += 1;
        }
    }
    assert!(checked >= 750);
}

#[wasm_bindgen_test]
fn bad_arguments_throw_and_the_ring_keeps_working() {
    let build = |algorithm: JsValue, per: JsValue, digests: JsValue| {
        JsKetamaRing::new(algorithm, per, strings(&["a:1"]), digests, u32s(&[0]))
    };
    let err = build(s("sha256"), JsValue::from(4), u32s(&[40]))
        .err()
        .unwrap();
    assert!(err.is_instance_of::<TypeError>());
    let err = build(s("md5"), JsValue::from(5), u32s(&[40]))
        .err()
        .unwrap();
    assert!(err.is_instance_of::<RangeError>());
    let err = build(s("md5"), JsValue::from(4), strings(&["40"]))
        .err()
        .unwrap();
    assert!(err.is_instance_of::<TypeError>());
    let err = build(s("md5"), JsValue::from(4), u32s(&[u32::MAX]))
        .err()
        .unwrap();
    assert!(err.is_instance_of::<RangeError>());
    let err = build(s("md5"), JsValue::from(4), u32s(&[1, 2]))
        .err()
        .unwrap();
    assert!(err.is_instance_of::<RangeError>());
    let ring = build(s("md5"), JsValue::from(4), u32s(&[40])).unwrap();
    assert!(ring
        .lookup(JsValue::from(-1))
        .err()
        .unwrap()
        .is_instance_of::<RangeError>());
    assert!(ring.lookup(JsValue::from(2f64.powi(32))).is_err());
    assert!(ring
        .position_of(JsValue::from(5))
        .err()
        .unwrap()
        .is_instance_of::<TypeError>());
    assert!(ring
        .walk(JsValue::from(0), JsValue::from(-1), true)
        .is_err());
    assert_eq!(ring.owner_of(s("k")).unwrap(), 0.0);
    assert_eq!(ring.size(), 160);
    assert_eq!(ring.digest(s("")).unwrap().length(), 16);
    assert!(JsValue::from(ring.positions())
        .dyn_ref::<Uint32Array>()
        .is_some());
}
