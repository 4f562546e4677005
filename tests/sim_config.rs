//! The simulation config's table of fields against what JavaScript is told: the
//! `SimulationConfig` TypeScript interface beside the binding must have exactly the table's keys
//! (plus `preset`), in the table's order, each with the type its kind decodes.

use ringlease::core::sim::config::{ConfigDocument, Kind, FIELDS, KEYS};
use ringlease::core::sim::{presets, SimConfig};

const TS: &str = include_str!("../src/wasm/sim/simulation.d.ts");

/// The `(key, type)` lines of `export interface <name> { … }` (one key per line).
fn interface(name: &str) -> Vec<(String, String)> {
    let start = TS
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("no interface {name}"));
    let body = &TS[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    let mut keys = Vec::new();
    let mut in_comment = false;
    for line in body.lines().map(str::trim) {
        if line.starts_with("/*") {
            in_comment = !line.contains("*/");
            continue;
        }
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let (key, ty) = line.split_once(':').expect(line);
        let ty = ty.trim().trim_end_matches(';');
        keys.push((key.trim_end_matches('?').to_owned(), ty.to_owned()));
    }
    keys
}

#[test]
fn the_typescript_interface_has_the_table_s_keys_and_types() {
    let ts = interface("SimulationConfig");
    let names: Vec<&str> = ts.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, KEYS, "SimulationConfig's keys, in order");
    assert_eq!(ts[0].1, "string", "preset");
    for ((key, ty), field) in ts[1..].iter().zip(FIELDS) {
        let want = match field.kind {
            Kind::Integer(_) => "number".to_owned(),
            Kind::Never(_) => "number | null".to_owned(),
            Kind::Boolean => "boolean".to_owned(),
            Kind::Choice(names) => names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(" | "),
        };
        assert_eq!((key.as_str(), ty.as_str()), (field.name, want.as_str()));
    }
}

#[test]
fn every_preset_reads_back_from_its_own_document() {
    // What `Simulation.preset(name)` returns, fed to `new Simulation`: the same config.
    for name in presets::NAMES {
        let config = presets::preset(name).unwrap();
        let doc: serde_json::Map<String, serde_json::Value> = FIELDS
            .iter()
            .map(|f| {
                let value = match f.get(&config) {
                    ringlease::core::sim::config::Value::Integer(n) => n.into(),
                    ringlease::core::sim::config::Value::Never => serde_json::Value::Null,
                    ringlease::core::sim::config::Value::Boolean(b) => b.into(),
                    ringlease::core::sim::config::Value::Name(n) => n.into(),
                };
                (f.name.to_owned(), value)
            })
            .collect();
        let back = ConfigDocument::read(serde_json::Value::Object(doc))
            .unwrap()
            .config()
            .unwrap();
        assert_eq!(back, config, "{name}");
    }
    assert_ne!(presets::preset("gcPause"), Some(SimConfig::default()));
}
