//! `[images."NAME:TAG"]` (SPEC §3.6): how the software inside an image behaves (simulator only, so human
//! durations): `startup_time`, `pull_time`, `cpu_per_request`, `idle_cpu`, `memory_mib`, `crash_rate_per_hour`,
//! `fails_health_checks`, `exits_after`, `shutdown_time`. Images not listed behave as [`Image::default`]. An entry that no container definition uses
//! is noted (with a did-you-mean among the images that are used): a typo there would otherwise silently
//! leave the defaults in force.

use std::collections::BTreeMap;

use super::did_you_mean;
use super::model::{Image, TaskDefinition};
use super::reader::{Cx, Table};
use super::tree::Node;

/// Reads every image entry.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    tds: &[TaskDefinition],
) -> BTreeMap<String, Image> {
    let mut out = BTreeMap::new();
    let Some(node) = node else { return out };
    let Some(entries) = node.entries() else {
        cx.error(
            node,
            format!("expected a table of images, found {}", node.type_name()),
            Some("write [images.\"nginx:1.25\"] followed by its fields".into()),
        );
        return out;
    };
    let mut used: Vec<&str> = Vec::new();
    for td in tds {
        for c in &td.container_definitions {
            if !used.contains(&c.image.as_str()) {
                used.push(&c.image);
            }
        }
    }
    for (key, value) in entries {
        let Some(mut t) = Table::new(cx, value, &format!("image `{}`", key.name)) else {
            continue;
        };
        let mut img = Image::default();
        if let Some(d) = t.duration_dist(cx, "startup_time") {
            img.startup_time = d;
        }
        if let Some(d) = t.duration(cx, "pull_time") {
            img.pull_time = d;
        }
        if let Some(d) = t.duration(cx, "cpu_per_request") {
            img.cpu_per_request = d;
        }
        if let Some(v) = t.u32(cx, "idle_cpu", 0, u32::MAX) {
            img.idle_cpu = v;
        }
        img.memory_mib = t.u32(cx, "memory_mib", 0, u32::MAX);
        if let Some(v) = t.f64(cx, "crash_rate_per_hour", 0.0, f64::MAX) {
            img.crash_rate_per_hour = v;
        }
        if let Some(b) = t.bool(cx, "fails_health_checks") {
            img.fails_health_checks = b;
        }
        img.exits_after = t.duration_dist(cx, "exits_after");
        if let Some(d) = t.duration(cx, "shutdown_time") {
            img.shutdown_time = d;
        }
        t.finish(cx, &[]);
        if !used.contains(&key.name.as_str()) {
            let hint = did_you_mean::suggest(&key.name, used.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            cx.note_once(
                &format!("unused-image:{}", key.name),
                key,
                format!(
                    "image `{}` is not used by any container definition{hint}",
                    key.name
                ),
            );
        }
        out.insert(key.name.clone(), img);
    }
    out
}
