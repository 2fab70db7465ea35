//! `manifest.json` of a comparison: what ran, with which inputs, so that any run can be repeated alone.
//!
//! Keys, always all present, in this order:
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `ecsim_version` | string | the ecsim version that ran |
//! | `scenario_name` | string | the scenario's `name` |
//! | `scenario_sha256` | string | hex SHA-256 of the scenario file's bytes |
//! | `overrides` | array of strings | the `--set PATH=VALUE` overrides as typed, applied to every variant |
//! | `replicates` | integer | runs per variant |
//! | `seeds` | array of integers | the seed of each replicate, the same in every variant |
//! | `variants` | array of objects | `base` then each `[[variants]]` entry: `name`, `set` (its overrides as `PATH=VALUE`, the value in TOML syntax), `events_processed` (summed over its runs), `simulated_duration_s` (of each of its runs) |
//! | `simulated_duration_s` | number | simulated seconds of the base scenario |
//! | `wall_seconds` | number | wall-clock seconds of the whole comparison (the only value that differs between runs) |
//!
//! Replicate *r* of variant *v* is `ecsim run SCENARIO --seed <seeds[r]>` with the `overrides` and then *v*'s
//! `set` as `--set` flags. Nothing here depends on `--jobs`.

use super::Comparison;
use crate::report::text::{float_json, json_string};

/// The bytes of `manifest.json`.
pub fn render(c: &Comparison) -> Vec<u8> {
    let strings = |items: Vec<String>, indent: &str| -> String {
        if items.is_empty() {
            "[]".to_owned()
        } else {
            let inner: Vec<String> = items.iter().map(|s| format!("{indent}  {s}")).collect();
            format!("[\n{}\n{indent}]", inner.join(",\n"))
        }
    };
    let variants: Vec<String> = c
        .variants
        .iter()
        .map(|v| {
            let set = strings(
                v.set
                    .iter()
                    .map(|(path, value)| json_string(&format!("{path}={value}")))
                    .collect(),
                "      ",
            );
            let events: u64 = v.runs.iter().map(|r| r.events_processed).sum();
            format!(
                "    {{\n      \"name\": {},\n      \"set\": {set},\n      \"events_processed\": {events},\n      \"simulated_duration_s\": {}\n    }}",
                json_string(&v.name),
                float_json(v.duration_s)
            )
        })
        .collect();
    let fields = [
        ("ecsim_version", json_string(env!("CARGO_PKG_VERSION"))),
        ("scenario_name", json_string(&c.scenario_name)),
        ("scenario_sha256", json_string(&c.scenario_sha256)),
        (
            "overrides",
            strings(c.overrides.iter().map(|o| json_string(o)).collect(), "  "),
        ),
        ("replicates", c.seeds.len().to_string()),
        (
            "seeds",
            strings(c.seeds.iter().map(u64::to_string).collect(), "  "),
        ),
        (
            "variants",
            if variants.is_empty() {
                "[]".to_owned()
            } else {
                format!("[\n{}\n  ]", variants.join(",\n"))
            },
        ),
        ("simulated_duration_s", float_json(c.duration_s)),
        ("wall_seconds", float_json(c.wall_seconds)),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n")).into_bytes()
}
