//! The `"ketama"` scheme against `tests/golden/ketama-hashring-3.2.0.json`: placements produced
//! by the npm package hashring 3.2.0 (md5, default options). Every ring is rebuilt with
//! [`Continuum`] and every field of the file is checked: per-server vnodes, points per server,
//! totals, duplicates, the continuum (in full or its head) and its SHA-256, each key's hash and
//! node, and every `range` answer.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::PathBuf;

use ringlease::core::hash::ketama::{
    key_position, server_points, total_weight, vnodes_for, Continuum, DEFAULT_VNODES,
    POINTS_PER_VNODE,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

const VECTORS: &str = "tests/golden/ketama-hashring-3.2.0.json";

fn load() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(VECTORS);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read the ketama vectors at {} ({err}): the repository must be checked out \
             regenerate it with `node scripts/gen-ketama-vectors.mjs`",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid JSON: {err}", path.display()))
}

fn str_of(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

fn u64_of(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("expected an unsigned integer, got {value}"))
}

fn arr_of(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
}

fn from_hex(hex: &str) -> Vec<u8> {
    assert!(hex.len() % 2 == 0, "odd-length hex {hex:?}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The exact bytes hashring hashed for every key: `keysUtf8Hex[i]` when present (authoritative,
/// the original JS string may hold lone surrogates), else the UTF-8 of `keys[i]`.
fn keys(doc: &Value) -> Vec<Vec<u8>> {
    let hex = doc["keysUtf8Hex"].as_object().expect("keysUtf8Hex object");
    let keys: Vec<Vec<u8>> = arr_of(&doc["keys"])
        .iter()
        .enumerate()
        .map(|(i, key)| match hex.get(&i.to_string()) {
            Some(h) => from_hex(str_of(h)),
            None => str_of(key).as_bytes().to_vec(),
        })
        .collect();
    for index in hex.keys() {
        let index: usize = index.parse().expect("keysUtf8Hex is keyed by index");
        assert!(index < keys.len(), "keysUtf8Hex[{index}] has no key");
    }
    keys
}

/// SHA-256 over the continuum as lines `"{value} {server}\n"` (the serialisation that
/// reproduces every `continuumSha256` in the file).
fn continuum_sha256(ring: &Continuum) -> String {
    let mut hasher = Sha256::new();
    for (value, name) in ring.points() {
        hasher.update(format!("{value} {name}\n").as_bytes());
    }
    to_hex(&hasher.finalize())
}

#[derive(Default, Debug)]
struct Counts {
    rings: usize,
    servers: usize,
    continuum_entries: usize,
    hashes: usize,
    placements: usize,
    range_lists: usize,
    range_entries: usize,
}

fn check_ring(ring_doc: &Value, keys: &[Vec<u8>], counts: &mut Counts) {
    let id = str_of(&ring_doc["id"]);
    assert_eq!(
        u64_of(&ring_doc["vnodeDefault"]),
        u64::from(DEFAULT_VNODES),
        "{id}"
    );
    assert_eq!(
        u64_of(&ring_doc["replicas"]),
        u64::from(POINTS_PER_VNODE),
        "{id}"
    );
    let args = &ring_doc["constructorArgs"];
    assert_eq!(str_of(&args["algorithm"]), "md5", "{id}");
    assert!(
        args["options"].as_object().is_some_and(|o| o.is_empty()),
        "{id}: only default options are supported, got {}",
        args["options"]
    );

    // Servers, in constructor order.
    let servers: Vec<(&str, &str, f64)> = arr_of(&ring_doc["servers"])
        .iter()
        .map(|s| {
            let weight = s["weight"].as_f64().expect("numeric weight");
            (str_of(&s["string"]), str_of(&s["hashedAs"]), weight)
        })
        .collect();
    let total = total_weight(servers.iter().map(|s| s.2));
    for (s, (name, hashed_as, weight)) in arr_of(&ring_doc["servers"]).iter().zip(&servers) {
        let vnodes = vnodes_for(*weight, total, servers.len(), DEFAULT_VNODES);
        assert_eq!(
            u64::from(vnodes),
            u64_of(&s["vnodes"]),
            "{id} / {name} vnodes"
        );
        let mut points = Vec::new();
        server_points(hashed_as, vnodes, &mut points);
        assert_eq!(points.len(), vnodes as usize * POINTS_PER_VNODE as usize);
    }
    let ring = Continuum::with_hashed_as(&servers);
    counts.servers += servers.len();

    // Totals, points per server, duplicates.
    assert_eq!(
        ring.len() as u64,
        u64_of(&ring_doc["totalPoints"]),
        "{id} totalPoints"
    );
    let mut per_server: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, name) in ring.points() {
        *per_server.entry(name).or_default() += 1;
    }
    let expected: BTreeMap<&str, u64> = ring_doc["pointsPerServer"]
        .as_object()
        .expect("pointsPerServer object")
        .iter()
        .map(|(name, n)| (name.as_str(), u64_of(n)))
        .filter(|&(_, n)| n > 0)
        .collect();
    assert_eq!(per_server, expected, "{id} pointsPerServer");
    for (name, _, _) in &servers {
        assert!(
            ring_doc["pointsPerServer"].get(*name).is_some(),
            "{id}: pointsPerServer lacks {name}"
        );
    }
    let duplicates = ring.values().windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(
        duplicates as u64,
        u64_of(&ring_doc["duplicatePoints"]),
        "{id} duplicatePoints"
    );

    // The continuum: in full, or its head.
    let listed = match (ring_doc.get("continuum"), ring_doc.get("continuumHead")) {
        (Some(full), _) => {
            let full = arr_of(full);
            assert_eq!(full.len(), ring.len(), "{id}: continuum length");
            full
        }
        (None, Some(head)) => arr_of(head),
        (None, None) => panic!("{id}: neither continuum nor continuumHead"),
    };
    assert!(!listed.is_empty(), "{id}: empty continuum listing");
    for (index, entry) in listed.iter().enumerate() {
        let entry = arr_of(entry);
        let expected = (u64_of(&entry[0]), str_of(&entry[1]));
        let (value, name) = ring.point(index).expect("continuum entry past the end");
        assert_eq!(
            (u64::from(value), name),
            expected,
            "{id}: continuum[{index}]"
        );
        counts.continuum_entries += 1;
    }
    assert_eq!(
        continuum_sha256(&ring),
        str_of(&ring_doc["continuumSha256"]),
        "{id}: continuumSha256"
    );

    // Every key: its hash and its node.
    let hashes = arr_of(&ring_doc["hash"]);
    let nodes = arr_of(&ring_doc["node"]);
    assert_eq!(hashes.len(), keys.len(), "{id}: one hash per key");
    assert_eq!(nodes.len(), keys.len(), "{id}: one node per key");
    for (i, key) in keys.iter().enumerate() {
        let what = format!("{id} / key {i} ({})", to_hex(key));
        assert_eq!(
            u64::from(key_position(key)),
            u64_of(&hashes[i]),
            "{what}: hash"
        );
        assert_eq!(ring.node_for(key), Some(str_of(&nodes[i])), "{what}: node");
        counts.hashes += 1;
        counts.placements += 1;
    }

    // Ranges: `unique` is range(key) (size = servers.length, unique), `nonUnique5` is
    // range(key, 5, false).
    let ranges = arr_of(&ring_doc["range"]);
    assert!(!ranges.is_empty(), "{id}: no ranges");
    for entry in ranges {
        let i = u64_of(&entry["keyIndex"]) as usize;
        let key = &keys[i];
        for (field, n, unique) in [("unique", 0, true), ("nonUnique5", 5, false)] {
            let expected: Vec<&str> = arr_of(&entry[field]).iter().map(str_of).collect();
            assert_eq!(
                ring.range(key, n, unique),
                expected,
                "{id} / key {i}: range {field}"
            );
            counts.range_lists += 1;
            counts.range_entries += expected.len();
        }
    }
    counts.rings += 1;
}

#[test]
fn every_hashring_vector_matches() {
    let doc = load();
    assert_eq!(str_of(&doc["hashring"]["version"]), "3.2.0");
    let keys = keys(&doc);
    assert!(keys.len() >= 1000, "only {} keys", keys.len());
    let rings = arr_of(&doc["rings"]);
    assert!(!rings.is_empty(), "no rings in the vectors");
    let mut counts = Counts::default();
    for ring in rings {
        check_ring(ring, &keys, &mut counts);
    }
    println!("ketama vectors checked: {counts:?}");
    assert_eq!(counts.rings, rings.len());
    assert!(counts.placements >= 3000, "{counts:?}");
    assert!(counts.range_lists >= 600, "{counts:?}");
}

/// The public `HashRing` with `Scheme::Ketama` (what `new HashRing({ scheme: "ketama" })` builds)
/// reproduces every placement and unique range list, built one server at a time and in one batch.
#[test]
fn hash_ring_ketama_scheme_matches_every_vector() {
    use ringlease::core::{HashRing, Scheme};
    let doc = load();
    let keys = keys(&doc);
    let mut checked = 0;
    for ring_doc in arr_of(&doc["rings"]) {
        let id = str_of(&ring_doc["id"]);
        let servers: Vec<(&str, f64)> = arr_of(&ring_doc["servers"])
            .iter()
            .map(|s| {
                assert_eq!(s["string"], s["hashedAs"], "{id}: ids are used as given");
                (str_of(&s["string"]), s["weight"].as_f64().expect("weight"))
            })
            .collect();
        let mut batch = HashRing::with_scheme(Scheme::Ketama, DEFAULT_VNODES).unwrap();
        batch.add_nodes(&servers).unwrap();
        let mut one_by_one = HashRing::with_scheme(Scheme::Ketama, DEFAULT_VNODES).unwrap();
        for (server, weight) in &servers {
            one_by_one.add_node(server, *weight).unwrap();
        }
        assert_eq!(batch, one_by_one, "{id}");
        assert_eq!(
            batch.point_count() as u64,
            u64_of(&ring_doc["totalPoints"]),
            "{id}"
        );
        let hashes = arr_of(&ring_doc["hash"]);
        let nodes = arr_of(&ring_doc["node"]);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(
                u64::from(batch.position_of(key)),
                u64_of(&hashes[i]),
                "{id} key {i}"
            );
            assert_eq!(batch.node_for(key), Some(str_of(&nodes[i])), "{id} key {i}");
            checked += 1;
        }
        for range in arr_of(&ring_doc["range"]) {
            let key = &keys[u64_of(&range["keyIndex"]) as usize];
            let unique: Vec<&str> = arr_of(&range["unique"]).iter().map(str_of).collect();
            assert_eq!(batch.nodes_for(key, servers.len()), unique, "{id}");
        }
    }
    assert!(checked >= 3000, "{checked}");
}
