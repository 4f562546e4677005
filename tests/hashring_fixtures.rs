//! hashring 3.2.0's placement with its memcached-client options (libmemcached weights, Python
//! hash_ring's 3 points per digest, pylibmc's default port, SHA-1 with per-server vnodes),
//! natively: `tests/golden/hashring-fixtures.json`, generated from the `hashring` package by
//! `scripts/gen-hashring-fixtures.mjs`, rebuilt with `core::ring::continuum::KetamaRing`.
#![cfg(not(target_arch = "wasm32"))]

use ringlease::core::ring::continuum::{KetamaDigest, KetamaRing, KetamaServer};
use serde_json::Value;

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

fn number(value: &Value) -> u64 {
    value.as_u64().expect("an unsigned integer")
}

#[test]
fn every_fixture_ring_and_lookup_matches_hashring() {
    let root: Value = serde_json::from_str(include_str!("golden/hashring-fixtures.json")).unwrap();
    assert_eq!(text(&root["hashring"]), "3.2.0");
    let cases = root["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    let mut checked = 0;
    for case in cases {
        let name = text(&case["name"]);
        let digest = KetamaDigest::from_name(text(&case["args"]["algorithm"])).unwrap();
        let names: Vec<&str> = case["names"].as_array().unwrap().iter().map(text).collect();
        let servers: Vec<KetamaServer<'_>> = case["servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| KetamaServer {
                label: text(&s["label"]),
                digests: number(&s["digests"]) as u32,
                owner: number(&s["owner"]) as u32,
            })
            .collect();
        let ring = KetamaRing::build(digest, number(&case["replicas"]) as u32, &servers).unwrap();
        assert_eq!(ring.len() as u64, number(&case["size"]), "{name}");
        let positions: Vec<u32> = case["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| number(v) as u32)
            .collect();
        let owners: Vec<u32> = case["owners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| number(v) as u32)
            .collect();
        assert_eq!(ring.positions(), positions, "{name}");
        assert_eq!(ring.owners(), owners, "{name}");
        for lookup in case["lookups"].as_array().unwrap() {
            let key = text(&lookup[0]).as_bytes();
            let owner = ring.owner_of(key).unwrap();
            assert_eq!(
                names[owner as usize],
                text(&lookup[1]),
                "{name} {:?}",
                lookup[0]
            );
            let range: Vec<&str> = ring
                .walk(ring.lookup(ring.key_position(key)), 3, true)
                .into_iter()
                .map(|o| names[o as usize])
                .collect();
            let expected: Vec<&str> = lookup[2].as_array().unwrap().iter().map(text).collect();
            assert_eq!(range, expected, "{name} {:?}", lookup[0]);
            checked += 1;
        }
    }
    assert!(checked >= 750, "{checked}");
}
