//! The wasm-bindgen-test suite, run in Node (`tests/node.rs`) and in headless browsers
//! (`tests/browser.rs`). It drives the real `HashRing` export from Rust with JavaScript values:
//! the golden table (the same file the native tests read) and bad inputs that must throw real
//! JavaScript errors without trapping.

use js_sys::{JsString, Object, RangeError, Reflect, TypeError, Uint32Array};
use ringlease::wasm::JsHashRing;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "../common/golden.rs"]
mod golden;

pub(crate) fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

pub(crate) fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &s(key), value).unwrap();
    }
    object.into()
}

fn vnodes(n: u32) -> JsValue {
    object(&[("vnodes", JsValue::from(n))])
}

pub(crate) fn message(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn assert_type_error<T>(result: Result<T, JsValue>, needle: &str) {
    let Err(err) = result else {
        panic!("expected a TypeError mentioning {needle:?}")
    };
    assert!(err.is_instance_of::<TypeError>(), "{}", message(&err));
    assert!(message(&err).contains(needle), "{}", message(&err));
}

fn assert_range_error<T>(result: Result<T, JsValue>, needle: &str) {
    let Err(err) = result else {
        panic!("expected a RangeError mentioning {needle:?}")
    };
    assert!(err.is_instance_of::<RangeError>(), "{}", message(&err));
    assert!(message(&err).contains(needle), "{}", message(&err));
}

fn small_ring() -> JsHashRing {
    let mut ring = JsHashRing::new(vnodes(40)).unwrap();
    for id in ["a", "b", "c"] {
        ring.add_node(s(id), JsValue::UNDEFINED).unwrap();
    }
    ring
}

#[wasm_bindgen_test]
fn golden_table_matches_through_the_js_surface() {
    let (_, cases) = golden::load();
    let mut checked = 0;
    for case in &cases {
        let mut ring = JsHashRing::new(vnodes(case.vnodes)).unwrap();
        for (id, weight) in &case.nodes {
            let options = object(&[("weight", JsValue::from_f64(*weight))]);
            ring.add_node(s(id), options).unwrap();
        }
        assert_eq!(ring.point_count(), case.point_count, "{}", case.name);
        for lookup in &case.lookups {
            let key = s(&lookup.key);
            let what = format!("{} / {:?}", case.name, lookup.key);
            assert_eq!(
                ring.position_of(key.clone()).unwrap(),
                lookup.position,
                "{what}"
            );
            assert_eq!(
                ring.node_for(key.clone()).unwrap().as_string(),
                Some(lookup.owner.clone()),
                "{what}"
            );
            let replicas: Vec<String> = ring
                .nodes_for(key, JsValue::from(3))
                .unwrap()
                .iter()
                .filter_map(|id| id.as_string())
                .collect();
            assert_eq!(replicas, lookup.replicas, "{what}");
            checked += 1;
        }
        // The batch path (keys hashed four at a time, long keys on their own): owner indexes
        // into the ring's nodes, which are sorted by id.
        let keys: js_sys::Array = case.lookups.iter().map(|lookup| s(&lookup.key)).collect();
        let owners = ring.node_for_many(keys.into()).unwrap().to_vec();
        let mut ids: Vec<&str> = case.nodes.iter().map(|(id, _)| id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(owners.len(), case.lookups.len(), "{}", case.name);
        for (lookup, &owner) in case.lookups.iter().zip(&owners) {
            assert_eq!(
                ids[owner as usize], lookup.owner,
                "{} / {:?}",
                case.name, lookup.key
            );
        }
    }
    assert!(checked > 500);
}

/// The 4-lane SHA-1 (wasm SIMD when built with simd128, as the package is) against the `sha1`
/// crate's scalar compression, and the batch position paths against the one-by-one ones.
#[wasm_bindgen_test]
fn four_lane_sha1_matches_the_scalar_hash() {
    use ringlease::core::hash::{self, sha1x4};
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut byte = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 32) as u8
    };
    for _ in 0..500 {
        let mut blocks = [[0u8; 64]; 4];
        for b in blocks.iter_mut().flatten() {
            *b = byte();
        }
        let expected = blocks.map(|block| {
            let mut state = [
                0x6745_2301,
                0xefcd_ab89,
                0x98ba_dcfe,
                0x1032_5476,
                0xc3d2_e1f0,
            ];
            sha1::compress(&mut state, &[block.into()]);
            state[0]
        });
        assert_eq!(sha1x4::first_words(&blocks), expected);
    }
    let keys: Vec<Vec<u8>> = (0..203usize)
        .map(|i| (0..(i * 7) % 90).map(|_| byte()).collect())
        .collect();
    let batch: Vec<u32> = hash::positions(keys.iter().map(Vec::as_slice)).collect();
    let single: Vec<u32> = keys.iter().map(|key| hash::position(key)).collect();
    assert_eq!(batch, single);
    for id in ["a", "node-7", "東京", &"x".repeat(44), &"y".repeat(45)] {
        for count in [0, 1, 3, 4, 5, 9, 11, 101, 1003] {
            let batch: Vec<u32> = hash::point_positions(id, count).collect();
            let single: Vec<u32> = (0..count).map(|i| hash::point_position(id, i)).collect();
            assert_eq!(batch, single, "{id} × {count}");
        }
    }
}

#[wasm_bindgen_test]
fn points_are_typed_arrays_sorted_by_position() {
    let ring = small_ring();
    let points: Object = ring.points().unchecked_into();
    let positions: Uint32Array = Reflect::get(&points, &s("positions"))
        .unwrap()
        .dyn_into()
        .unwrap();
    let owners: Uint32Array = Reflect::get(&points, &s("owners"))
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(positions.length(), 120);
    assert_eq!(owners.length(), 120);
    let positions = positions.to_vec();
    assert!(positions.windows(2).all(|w| w[0] <= w[1]));
    assert!(owners.to_vec().iter().all(|&o| o < 3));
}

#[wasm_bindgen_test]
fn bad_ids_throw_and_the_ring_keeps_working() {
    let mut ring = small_ring();
    assert_type_error(
        ring.add_node(JsValue::from(42), JsValue::UNDEFINED),
        "id must be a string",
    );
    assert_type_error(ring.add_node(JsValue::NULL, JsValue::UNDEFINED), "got null");
    assert_type_error(
        ring.add_node(Object::new().into(), JsValue::UNDEFINED),
        "an object",
    );
    assert_range_error(ring.add_node(s(""), JsValue::UNDEFINED), "empty");
    assert_range_error(
        ring.add_node(s(&"é".repeat(129)), JsValue::UNDEFINED),
        "256",
    );
    let lone: JsValue = JsString::from_char_code1(0xD800).into();
    assert_range_error(
        ring.add_node(lone.clone(), JsValue::UNDEFINED),
        "lone surrogate",
    );
    assert_range_error(ring.node_for(lone), "key");
    let Err(err) = ring.add_node(s("a"), JsValue::UNDEFINED) else {
        panic!("a duplicate id was accepted")
    };
    assert!(message(&err).contains("already exists"));
    let Err(err) = ring.remove_node(s("zz")) else {
        panic!("an unknown id was removed")
    };
    assert!(message(&err).contains("unknown node"));
    assert_eq!(ring.node_count(), 3);
    assert!(ring.node_for(s("k")).unwrap().is_string());
}

#[wasm_bindgen_test]
fn bad_numbers_and_options_throw() {
    for bad in [
        0.0,
        -1.0,
        1.5,
        f64::NAN,
        f64::INFINITY,
        4097.0,
        4_294_967_297.0,
    ] {
        assert_range_error(JsHashRing::new(vnodes_f64(bad)), "options.vnodes");
    }
    assert_type_error(
        JsHashRing::new(object(&[("vnodes", s("160"))])),
        "options.vnodes",
    );
    assert_type_error(
        JsHashRing::new(object(&[("vnode", JsValue::from(3))])),
        "unknown option \"vnode\"",
    );
    assert_type_error(
        JsHashRing::new(JsValue::NULL),
        "options must be a plain object",
    );
    let mut ring = small_ring();
    for bad in [0.0, -1.0, f64::NAN, f64::NEG_INFINITY] {
        let options = object(&[("weight", JsValue::from_f64(bad))]);
        assert_range_error(ring.add_node(s("d"), options), "weight");
    }
    assert_range_error(
        ring.add_node(s("d"), object(&[("weight", JsValue::from(1e9))])),
        "points",
    );
    assert_type_error(
        ring.add_node(s("d"), object(&[("wieght", JsValue::from(1))])),
        "wieght",
    );
    for bad in [-1.0, 1.5, f64::NAN] {
        assert_range_error(ring.nodes_for(s("k"), JsValue::from_f64(bad)), "n must be");
    }
    assert_type_error(ring.nodes_for(s("k"), s("3")), "n must be a number");
    assert_eq!(
        ring.nodes_for(s("k"), JsValue::from(0)).unwrap().length(),
        0
    );
    assert_eq!(
        ring.nodes_for(s("k"), JsValue::from_f64(1e12))
            .unwrap()
            .length(),
        3
    );
    assert_eq!(ring.point_count(), 120);
}

fn vnodes_f64(value: f64) -> JsValue {
    object(&[("vnodes", JsValue::from_f64(value))])
}
