//! `ecsim compare` (SPEC §1, §3.12, §4): common random numbers, the same bytes for every `--jobs`, runs that
//! can be repeated alone, and bad variants caught before anything runs.

use std::path::Path;

use ecsim::report::comparison::{self, BASE};
use ecsim::sim::{self, RunOptions};

use crate::support::*;

/// A web service behind an ALB with noisy traffic, crashing tasks and random placement, so that every
/// replicate differs from the next; variants that change something, and one that changes nothing.
const NOISY_WEB: &str = r#"
name = "noisy-web"
description = "Noisy traffic, crashes and random placement: every seed differs."

[simulation]
duration = "2h"
seed = 40

[cluster]
name = "prod"

[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 6
max_size = 6
desired_capacity = 6

[[task_definitions]]
family = "web"
cpu = 512
memory = 1024
container_definitions = [
  { name = "web", image = "web:1", port_mappings = [{ container_port = 8080 }] },
]

[images."web:1"]
cpu_per_request = "8ms"
crash_rate_per_hour = 0.5

[[target_groups]]
name = "web-tg"

[[services]]
name = "web"
task_definition = "web"
desired_count = 6
placement_strategy = [{ type = "random" }]
load_balancers = [{ target_group = "web-tg", container_name = "web", container_port = 8080 }]

[[workloads]]
name = "users"
target_group = "web-tg"
pattern = { type = "constant", rps = 150 }
noise = 0.2

[[variants]]
name = "unchanged"
set = { "services.web.desired_count" = 6 }

[[variants]]
name = "more-tasks"
set = { "services.web.desired_count" = 9 }

[[variants]]
name = "binpack"
set = { "services.web.placement_strategy" = [{ type = "binpack", field = "memory" }] }
"#;

/// Writes `text` as `scenario.toml` in a fresh folder and returns its path.
fn scenario_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).expect("write scenario");
    path
}

fn compare(scenario: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    ecsim()
        .arg("compare")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("ecsim runs")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `manifest.json` without its `wall_seconds` line, the one value that differs between runs.
fn manifest_without_wall_time(dir: &Path) -> String {
    read(&dir.join("manifest.json"))
        .lines()
        .filter(|l| !l.contains("\"wall_seconds\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn compare_writes_the_same_bytes_for_every_jobs_count() {
    let scenario = scenario_file("compare-jobs", NOISY_WEB);
    let dir = scenario.parent().unwrap();
    let (one, two, three) = (dir.join("one"), dir.join("two"), dir.join("three"));
    for (out, jobs) in [(&one, "1"), (&two, "2"), (&three, "3")] {
        let o = compare(
            &scenario,
            out,
            &["--replicates", "4", "--jobs", jobs, "--quiet"],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for file in ["comparison.csv", "comparison_summary.csv"] {
        let a = read(&one.join(file));
        assert_eq!(a, read(&two.join(file)), "{file}: --jobs 1 vs 2");
        assert_eq!(a, read(&three.join(file)), "{file}: --jobs 1 vs 3");
    }
    assert_eq!(
        manifest_without_wall_time(&one),
        manifest_without_wall_time(&two)
    );
    // The replicates really differ (noise, crashes, random placement), so the test could catch a run landing
    // in the wrong place.
    let rows = read(&one.join("comparison.csv"));
    let latency: Vec<&str> = rows
        .lines()
        .filter(|l| l.starts_with("base,") && l.contains(",service.web.latency_p50_ms,"))
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(latency.len(), 4);
    assert!(
        latency.windows(2).any(|w| w[0] != w[1]),
        "replicates should differ: {latency:?}"
    );
}

#[test]
fn replicate_r_uses_the_same_seed_in_every_variant() {
    let scenario = scenario_file("compare-seeds", NOISY_WEB);
    let loaded = ecsim::scenario::load(&scenario, &[]).expect("valid");
    let plan = ecsim::compare::plan(&scenario, &loaded, &[], 3).expect("variants load");
    assert_eq!(plan.seeds, vec![40, 41, 42]);
    let c = ecsim::compare::run(&loaded, &[], &plan, 2, None);
    let names: Vec<&str> = c.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, [BASE, "unchanged", "more-tasks", "binpack"]);
    for v in &c.variants {
        let seeds: Vec<u64> = v.runs.iter().map(|r| r.seed).collect();
        assert_eq!(seeds, [40, 41, 42], "{}", v.name);
        assert!(
            v.first_timeseries.is_some(),
            "{} keeps replicate 0's series",
            v.name
        );
    }
}

/// Common random numbers: a variant that sets a field to the value it already has runs exactly the base's
/// simulations, so every paired difference is exactly 0 (not merely small), and its interval is [0, 0].
#[test]
fn a_variant_identical_to_base_differs_by_exactly_zero() {
    let scenario = scenario_file("compare-crn", NOISY_WEB);
    let loaded = ecsim::scenario::load(&scenario, &[]).expect("valid");
    let plan = ecsim::compare::plan(&scenario, &loaded, &[], 3).expect("variants load");
    let c = ecsim::compare::run(&loaded, &[], &plan, 2, None);
    let stats = comparison::summarise(&c);
    let unchanged: Vec<_> = stats.iter().filter(|s| s.variant == 1).collect();
    assert!(unchanged.len() > 20, "every summary metric has a row");
    for s in unchanged {
        let d = s.difference.expect("paired with base");
        assert_eq!((d.mean, d.ci95), (0.0, Some((0.0, 0.0))), "{}", s.metric);
    }
    // More tasks is a real difference on the metric it changes.
    let more = stats
        .iter()
        .find(|s| s.variant == 2 && s.metric == "service.web.max_running_tasks")
        .unwrap();
    assert!(more.difference.unwrap().mean >= 3.0);
    let summary = String::from_utf8(comparison::csv::render_summary(&c)).unwrap();
    assert!(
        summary
            .lines()
            .filter(|l| l.starts_with("unchanged,"))
            .all(|l| l.ends_with(",0,0,0")),
        "{summary}"
    );
}

/// What `manifest.json` promises: replicate r of a variant is `ecsim run --seed <seed r>` with the
/// variant's overrides as `--set`.
#[test]
fn replicate_r_of_a_variant_is_a_run_with_its_seed_and_overrides() {
    let scenario = scenario_file("compare-repeat", NOISY_WEB);
    let loaded = ecsim::scenario::load(&scenario, &[]).expect("valid");
    let plan = ecsim::compare::plan(&scenario, &loaded, &[], 2).expect("variants load");
    let c = ecsim::compare::run(&loaded, &[], &plan, 1, None);
    let variant = &c.variants[3];
    assert_eq!(variant.name, "binpack");
    let sets: Vec<String> = variant
        .set
        .iter()
        .map(|(p, v)| format!("{p}={v}"))
        .collect();
    let alone = ecsim::scenario::load(&scenario, &sets).expect("valid");
    let out = sim::run(
        &alone.scenario,
        &RunOptions {
            seed: Some(41),
            ..RunOptions::default()
        },
    );
    assert_eq!(variant.runs[1].summary, out.recorded.summary);
}

#[test]
fn compare_prints_a_side_by_side_table_and_writes_its_files() {
    let scenario = scenario_file("compare-table", NOISY_WEB);
    let out_dir = scenario.parent().unwrap().join("out");
    let o = compare(&scenario, &out_dir, &["--replicates", "3"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    let header = stdout.lines().next().unwrap();
    for name in ["metric", "base", "unchanged", "more-tasks", "binpack"] {
        assert!(header.contains(name), "{header}");
    }
    assert!(stdout.contains("service.web.latency_p50_ms"), "{stdout}");
    assert!(stdout.contains("Δ vs base"), "{stdout}");
    assert!(
        stdout.contains("same"),
        "the unchanged variant reads `same`:\n{stdout}"
    );
    assert!(
        stdout.contains("12 runs (4 variants × 3 replicates)"),
        "{stdout}"
    );
    for file in ["manifest.json", "comparison.csv", "comparison_summary.csv"] {
        assert!(out_dir.join(file).is_file(), "{file}");
    }
    // The note telling `run` users that variants are ignored is not for compare.
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(!stderr.contains("use `ecsim compare`"), "{stderr}");
}

#[test]
fn a_bad_variant_path_exits_2_with_a_did_you_mean_and_writes_nothing() {
    let text = NOISY_WEB.replace(
        "\"services.web.desired_count\" = 9",
        "\"services.web.desired_cuont\" = 9",
    );
    let scenario = scenario_file("compare-bad-path", &text);
    let out_dir = scenario.parent().unwrap().join("out");
    let o = compare(&scenario, &out_dir, &["--replicates", "2"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("scenario.toml:"),
        "names the file:\n{stderr}"
    );
    assert!(
        stderr.contains("more-tasks"),
        "names the variant:\n{stderr}"
    );
    assert!(
        stderr.contains("desired_count"),
        "suggests the field:\n{stderr}"
    );
    assert!(!out_dir.exists(), "nothing is written");
}

#[test]
fn a_bad_set_path_in_compare_exits_2_with_a_did_you_mean() {
    let scenario = scenario_file("compare-bad-set", NOISY_WEB);
    let out_dir = scenario.parent().unwrap().join("out");
    let o = compare(
        &scenario,
        &out_dir,
        &["--set", "services.wbe.desired_count=3"],
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("did you mean `web`"), "{stderr}");
    assert!(!out_dir.exists());
}

#[test]
fn zero_jobs_or_replicates_is_a_usage_error() {
    let scenario = scenario_file("compare-zero", NOISY_WEB);
    let out_dir = scenario.parent().unwrap().join("out");
    for flags in [["--jobs", "0"], ["--replicates", "0"]] {
        let o = compare(&scenario, &out_dir, &flags);
        assert_eq!(o.status.code(), Some(2), "{flags:?}");
        assert!(!out_dir.exists());
    }
}

#[test]
fn a_check_that_fails_in_one_variant_exits_1_and_names_it() {
    let text =
        format!("{NOISY_WEB}\n[[checks]]\nmetric = \"service.web.max_running_tasks\"\nmax = 10\n");
    let scenario = scenario_file("compare-check", &text);
    let out_dir = scenario.parent().unwrap().join("out");
    let o = compare(&scenario, &out_dir, &["--replicates", "2", "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("check FAILED in more-tasks: service.web.max_running_tasks held in 0 of 2"),
        "{stderr}"
    );
    assert!(!stderr.contains("FAILED in base"), "{stderr}");
    assert!(
        out_dir.join("comparison_summary.csv").is_file(),
        "results are still written"
    );
}

/// The published study (`results/README.md`) reproduces: the committed `comparison_summary.csv` is what the
/// command given there writes today. If a change moves it, the study is rerun and the README's numbers
/// checked in the same commit.
#[test]
fn the_published_placement_study_reproduces() {
    let scenario = root().join("scenarios/placement-strategies.toml");
    let loaded = ecsim::scenario::load(&scenario, &[]).expect("valid");
    let plan = ecsim::compare::plan(&scenario, &loaded, &[], 30).expect("variants load");
    let c = ecsim::compare::run(&loaded, &[], &plan, 2, None);
    let published =
        read(&root().join("results/placement-strategies-compare/comparison_summary.csv"));
    let fresh = String::from_utf8(comparison::csv::render_summary(&c)).unwrap();
    assert!(
        fresh == published,
        "rerun: cargo run --release -- compare scenarios/placement-strategies.toml --replicates 30"
    );
}

/// Each variant is checked on top of the base; one variant's overrides are never checked against another
/// variant. Here `small` caps the group at 2 and `floor3` raises its minimum to 3: each is valid alone,
/// together they are not, and neither compare nor the `ecsim run --set …` that repeats `small` may fail.
#[test]
fn variants_are_checked_one_at_a_time_and_each_run_repeats_alone() {
    let text = NOISY_WEB
        .replace(
            "[[variants]]\nname = \"unchanged\"",
            "[[variants]]\nname = \"small\"\nset = { \"auto_scaling_groups.nodes.max_size\" = 2, \"auto_scaling_groups.nodes.min_size\" = 2, \"auto_scaling_groups.nodes.desired_capacity\" = 2 }\n\n[[variants]]\nname = \"floor3\"\nset = { \"auto_scaling_groups.nodes.min_size\" = 3, \"auto_scaling_groups.nodes.desired_capacity\" = 3 }\n\n[[variants]]\nname = \"unchanged\"",
        )
        .replace("min_size = 6\nmax_size = 6", "min_size = 6\nmax_size = 8");
    let scenario = scenario_file("compare-one-at-a-time", &text);
    let out_dir = scenario.parent().unwrap().join("out");
    let o = compare(&scenario, &out_dir, &["--replicates", "1", "--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = ecsim()
        .arg("run")
        .arg(&scenario)
        .args([
            "--quiet",
            "--set",
            "auto_scaling_groups.nodes.max_size=2",
            "--set",
            "auto_scaling_groups.nodes.min_size=2",
            "--set",
            "auto_scaling_groups.nodes.desired_capacity=2",
            "--out",
        ])
        .arg(scenario.parent().unwrap().join("run"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // `validate` with the same overrides does check every variant on top of them, and says floor3 breaks.
    let o = ecsim()
        .arg("validate")
        .arg(&scenario)
        .args([
            "--set",
            "auto_scaling_groups.nodes.max_size=2",
            "--set",
            "auto_scaling_groups.nodes.min_size=2",
            "--set",
            "auto_scaling_groups.nodes.desired_capacity=2",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("variant `floor3`"), "{stderr}");
    assert!(
        !stderr.contains("variant `small`"),
        "only floor3 breaks: {stderr}"
    );
}
