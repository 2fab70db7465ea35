//! `manifest.json`: what ran, with which inputs, and how long it took (SPEC §4).
//!
//! Keys, always all present, in this order:
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `ecsim_version` | string | the ecsim version that ran (`CARGO_PKG_VERSION`) |
//! | `scenario_name` | string | the scenario's `name` |
//! | `scenario_sha256` | string | hex SHA-256 of the scenario file's bytes |
//! | `seed` | integer | the seed the run used |
//! | `overrides` | array of strings | the `--set PATH=VALUE` overrides as typed, in order |
//! | `simulated_duration_s` | number | simulated seconds |
//! | `events_processed` | integer | events the engine processed |
//! | `wall_seconds` | number | wall-clock seconds the run took (the only value that differs between runs) |
//!
//! The JSON is written by hand in serde_json's pretty layout (two-space indent) rather than through serde, so
//! that floats use the same `{}` text as every other file (`3600`, not serde_json's `3600.0`); strings are
//! escaped by serde_json.

use super::recorded::Recorded;
use super::text::{float_json, json_string};

/// The bytes of `manifest.json`.
pub fn render(rec: &Recorded) -> Vec<u8> {
    let m = &rec.manifest;
    let overrides = if m.overrides.is_empty() {
        "[]".to_owned()
    } else {
        let items: Vec<String> = m
            .overrides
            .iter()
            .map(|o| format!("    {}", json_string(o)))
            .collect();
        format!("[\n{}\n  ]", items.join(",\n"))
    };
    let fields = [
        ("ecsim_version", json_string(&m.ecsim_version)),
        ("scenario_name", json_string(&m.scenario_name)),
        ("scenario_sha256", json_string(&m.scenario_sha256)),
        ("seed", m.seed.to_string()),
        ("overrides", overrides),
        ("simulated_duration_s", float_json(m.duration_s)),
        ("events_processed", m.events_processed.to_string()),
        ("wall_seconds", float_json(m.wall_seconds)),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n")).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::recorded::Manifest;

    fn manifest(overrides: Vec<String>) -> Recorded {
        Recorded {
            manifest: Manifest {
                ecsim_version: "0.1.0".to_owned(),
                scenario_name: "web \"blue\"".to_owned(),
                scenario_sha256: "ab12".to_owned(),
                seed: 18_446_744_073_709_551_615,
                overrides,
                duration_s: 3600.0,
                events_processed: 12_345,
                wall_seconds: 0.25,
            },
            ..Recorded::default()
        }
    }

    // SPEC §4 manifest.json: version, scenario name, SHA-256, seed, overrides, duration, events, wall seconds.
    #[test]
    fn manifest_lists_every_key_in_the_documented_order_with_rust_float_text() {
        let rec = manifest(vec![
            "services.web.desired_count=10".to_owned(),
            "simulation.seed=3".to_owned(),
        ]);
        let got = String::from_utf8(render(&rec)).expect("utf-8");
        assert_eq!(
            got,
            r#"{
  "ecsim_version": "0.1.0",
  "scenario_name": "web \"blue\"",
  "scenario_sha256": "ab12",
  "seed": 18446744073709551615,
  "overrides": [
    "services.web.desired_count=10",
    "simulation.seed=3"
  ],
  "simulated_duration_s": 3600,
  "events_processed": 12345,
  "wall_seconds": 0.25
}
"#
        );
    }

    #[test]
    fn manifest_without_overrides_is_valid_json_with_an_empty_array() {
        let got = render(&manifest(vec![]));
        let text = String::from_utf8(got.clone()).expect("utf-8");
        assert!(text.contains("  \"overrides\": [],\n"), "{text}");
        let parsed: serde_json::Value = serde_json::from_slice(&got).expect("valid JSON");
        assert_eq!(parsed["scenario_name"], "web \"blue\"");
        assert_eq!(parsed["simulated_duration_s"], 3600);
    }
}
