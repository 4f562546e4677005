#![allow(unreachable_pub)]
//! The committed golden table (`tests/golden/ring-sha1.json`, produced by the independent JS
//! reference in `scripts/gen-golden.mjs`), shared by the native and the wasm suites.

use serde_json::Value;

/// One lookup: key → position, owner, replica list (n = 3).
pub struct Lookup {
    pub key: String,
    pub position: u32,
    pub owner: String,
    pub replicas: Vec<String>,
}

/// One ring configuration and its expected lookups.
pub struct Case {
    pub name: String,
    pub vnodes: u32,
    pub nodes: Vec<(String, f64)>,
    pub point_count: usize,
    pub lookups: Vec<Lookup>,
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

/// The SHA-1 vectors (input, hex digest) and the ring cases.
pub fn load() -> (Vec<(String, String)>, Vec<Case>) {
    let root: Value =
        serde_json::from_str(include_str!("../golden/ring-sha1.json")).expect("valid JSON");
    let vectors = root["sha1Vectors"]
        .as_array()
        .expect("sha1Vectors")
        .iter()
        .map(|v| (text(&v["input"]), text(&v["sha1"])))
        .collect();
    let cases = root["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| Case {
            name: text(&case["name"]),
            vnodes: case["vnodes"].as_u64().expect("vnodes") as u32,
            nodes: case["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| (text(&n["id"]), n["weight"].as_f64().expect("weight")))
                .collect(),
            point_count: case["pointCount"].as_u64().expect("pointCount") as usize,
            lookups: case["lookups"]
                .as_array()
                .expect("lookups")
                .iter()
                .map(|l| Lookup {
                    key: text(&l["key"]),
                    position: l["position"].as_u64().expect("position") as u32,
                    owner: text(&l["owner"]),
                    replicas: l["replicas"]
                        .as_array()
                        .expect("replicas")
                        .iter()
                        .map(text)
                        .collect(),
                })
                .collect(),
        })
        .collect();
    (vectors, cases)
}
