//! Helpers shared by the integration tests: run a scenario from text, read its results.

use std::path::{Path, PathBuf};

use ecsim::report::recorded::{EventRow, Recorded, TaskRow};
use ecsim::scenario::Loaded;
use ecsim::sim::{self, RunOptions, RunOutput};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads scenario text (TOML) or panics with the rendered diagnostics.
pub fn load_toml(text: &str) -> Loaded {
    ecsim::scenario::load_str("test.toml", text, &root(), &[])
        .unwrap_or_else(|d| panic!("scenario should be valid:\n{}", d.render(false)))
}

/// Runs scenario text (TOML) with the default options.
pub fn run_toml(text: &str) -> RunOutput {
    let loaded = load_toml(text);
    sim::run(&loaded.scenario, &RunOptions::default())
}

/// Runs scenario text (TOML) with `seed` instead of the scenario's.
pub fn run_toml_seeded(text: &str, seed: u64) -> RunOutput {
    let loaded = load_toml(text);
    sim::run(
        &loaded.scenario,
        &RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        },
    )
}

/// Runs a file under `scenarios/`.
pub fn run_scenario(name: &str) -> RunOutput {
    let loaded = ecsim::scenario::load(&root().join("scenarios").join(name), &[])
        .unwrap_or_else(|d| panic!("{name} should be valid:\n{}", d.render(false)));
    sim::run(&loaded.scenario, &RunOptions::default())
}

/// A summary metric, or a panic naming it.
pub fn metric(rec: &Recorded, name: &str) -> f64 {
    rec.summary
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no summary metric {name}; have {:?}",
                rec.summary.iter().map(|m| &m.name).collect::<Vec<_>>()
            )
        })
        .value
}

/// Tasks of `service` (empty string: standalone tasks).
pub fn tasks_of<'a>(rec: &'a Recorded, service: &str) -> Vec<&'a TaskRow> {
    rec.tasks.iter().filter(|t| t.service == service).collect()
}

/// Events of one kind.
pub fn events_of<'a>(rec: &'a Recorded, kind: &str) -> Vec<EventRow<'a>> {
    rec.events.iter().filter(|e| e.kind == kind).collect()
}

/// How many tasks in `rows` ran on each instance, sorted by instance id.
pub fn per_instance(rows: &[&TaskRow]) -> Vec<(String, usize)> {
    let mut map = std::collections::BTreeMap::new();
    for t in rows {
        *map.entry(t.instance_id.clone()).or_insert(0) += 1;
    }
    map.into_iter().collect()
}

/// How many tasks in `rows` ran in each zone, sorted by zone.
pub fn per_zone(rows: &[&TaskRow]) -> Vec<(String, usize)> {
    let mut map = std::collections::BTreeMap::new();
    for t in rows {
        *map.entry(t.availability_zone.clone()).or_insert(0) += 1;
    }
    map.into_iter().collect()
}

/// Seconds of an optional instant (panics if it never happened).
pub fn secs(t: Option<ecsim::engine::SimTime>) -> f64 {
    t.expect("instant should have happened").as_secs_f64()
}

/// The `ecsim` binary, run from the repository root.
pub fn ecsim() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"));
    c.current_dir(root());
    c
}

/// A fresh, empty temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecsim-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Whether `dir` is missing or empty.
pub fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

/// A small cluster header: `n` instances of `itype` in an ASG named `nodes`, zones a/b/c.
pub fn cluster(itype: &str, n: u32) -> String {
    format!(
        r#"
name = "t"
[simulation]
duration = "30m"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["{itype}"]
min_size = {n}
max_size = {n}
desired_capacity = {n}
"#
    )
}
