//! Byte-for-byte snapshots of what every reference scenario writes: `events.csv`, `tasks.csv`,
//! `summary.csv` and `timeseries.csv`. They hold refactors to their word (a change that should not move
//! behaviour leaves them untouched); a deliberate change of behaviour updates them in the same commit, which
//! names each difference and the rule behind it. Review with `cargo insta review`.

use crate::support::*;

fn files(name: &str) -> [(&'static str, String); 4] {
    let out = run_scenario(name);
    let rec = &out.recorded;
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    [
        ("events", text(ecsim::report::events::render(rec))),
        ("tasks", text(ecsim::report::tasks::render(rec))),
        ("summary", text(ecsim::report::summary::render_csv(rec))),
        ("timeseries", text(ecsim::report::timeseries::render(rec))),
    ]
}

macro_rules! reference_outputs {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            for (kind, text) in files($file) {
                insta::assert_snapshot!(format!("{}__{kind}", stringify!($test)), text);
            }
        }
    )*};
}

reference_outputs! {
    aws_cli_task_definition => "aws-cli-task-definition.toml",
    az_outage_alb => "az-outage-alb.toml",
    az_spread_nine => "az-spread-nine.toml",
    batch_jobs_memberof => "batch-jobs-memberof.toml",
    binpack_vs_spread => "binpack-vs-spread.toml",
    circuit_breaker_rollback => "circuit-breaker-rollback.toml",
    daemon_and_replica => "daemon-and-replica.toml",
    fargate_service => "fargate-service.toml",
    overload_cascade => "overload-cascade.toml",
    placement_by_instance_type => "placement-by-instance-type.toml",
    placement_strategies => "placement-strategies.toml",
    placement_templates => "placement-templates.toml",
    placement_type_and_zone => "placement-type-and-zone.toml",
    rolling_update_100_200_alb => "rolling-update-100-200-alb.toml",
    rolling_update_50_100 => "rolling-update-50-100.toml",
    rolling_update_50_200 => "rolling-update-50-200.toml",
    unplaceable_service => "unplaceable-service.toml",
}

// Every reference scenario has its snapshot test above.
#[test]
fn every_reference_scenario_has_its_output_snapshots() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") || n.ends_with(".json"))
        .collect();
    names.sort();
    let covered = [
        "aws-cli-task-definition.toml",
        "az-outage-alb.toml",
        "az-spread-nine.toml",
        "batch-jobs-memberof.toml",
        "binpack-vs-spread.toml",
        "circuit-breaker-rollback.toml",
        "daemon-and-replica.toml",
        "fargate-service.toml",
        "overload-cascade.toml",
        "placement-by-instance-type.toml",
        "placement-strategies.toml",
        "placement-templates.toml",
        "placement-type-and-zone.toml",
        "rolling-update-100-200-alb.toml",
        "rolling-update-50-100.toml",
        "rolling-update-50-200.toml",
        "unplaceable-service.toml",
    ];
    assert_eq!(names, covered, "add the new scenario to reference_outputs!");
}

// The metrics read from the world's incremental counters are exactly those of a count from scratch at every
// event instant (the debug-build check compares the counters at every instant too): every output file of
// every reference scenario is byte-identical both ways.
#[test]
fn incremental_observation_equals_a_recount_on_every_reference_scenario() {
    let mut names: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    for path in names {
        let loaded = ecsim::scenario::load(&path, &[]).unwrap();
        let run = |observation| {
            let opts = ecsim::sim::RunOptions {
                observation,
                ..Default::default()
            };
            let out = ecsim::sim::run(&loaded.scenario, &opts);
            ecsim::report::render_files(&out.recorded, &ecsim::report::WriteOptions::default())
                .expect("render")
        };
        let incremental = run(ecsim::sim::Observation::Incremental);
        let recount = run(ecsim::sim::Observation::Recount);
        assert_eq!(incremental.len(), recount.len());
        for (a, b) in incremental.iter().zip(&recount) {
            assert!(
                a == b,
                "{}: {} differs between the two ways",
                path.display(),
                a.path.display()
            );
        }
    }
}

/// The reference scenarios with a target group, loaded (at least three).
fn reference_scenarios_behind_an_alb() -> Vec<(std::path::PathBuf, ecsim::scenario::Loaded)> {
    let mut names: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    let loaded: Vec<_> = names
        .into_iter()
        .map(|path| {
            let loaded = ecsim::scenario::load(&path, &[]).unwrap();
            (path, loaded)
        })
        .filter(|(_, loaded)| !loaded.scenario.target_groups.is_empty())
        .collect();
    assert!(
        loaded.len() >= 3,
        "reference scenarios behind an ALB: {}",
        loaded.len()
    );
    loaded
}

/// `events.csv`, `tasks.csv` and `timeseries.csv` of a run.
fn result_files(
    scenario: &ecsim::scenario::Scenario,
    opts: &ecsim::sim::RunOptions,
) -> [Vec<u8>; 3] {
    let out = ecsim::sim::run(scenario, opts);
    let rec = &out.recorded;
    [
        ecsim::report::events::render(rec),
        ecsim::report::tasks::render(rec),
        ecsim::report::timeseries::render(rec),
    ]
}

fn assert_same_results(path: &std::path::Path, a: &[Vec<u8>; 3], b: &[Vec<u8>; 3], ways: &str) {
    for (file, (a, b)) in ["events.csv", "tasks.csv", "timeseries.csv"]
        .iter()
        .zip(a.iter().zip(b))
    {
        assert!(a == b, "{}: {file} differs between {ways}", path.display());
    }
}

// DESIGN.md, issue 8 item 11: health checks cost what changes. Computing each target's next health change
// (the default) gives every reference scenario byte for byte the same `events.csv`, `tasks.csv` and
// `timeseries.csv` as running every probe of every target every interval.
#[test]
fn closed_form_health_checks_equal_probing_on_every_reference_scenario() {
    for (path, loaded) in reference_scenarios_behind_an_alb() {
        let run = |health_checks| {
            let opts = ecsim::sim::RunOptions {
                health_checks,
                ..Default::default()
            };
            result_files(&loaded.scenario, &opts)
        };
        let closed = run(ecsim::elb::HealthCheckMode::ClosedForm);
        let probed = run(ecsim::elb::HealthCheckMode::ProbeByProbe);
        assert_same_results(&path, &closed, &probed, "closed form and probing");
    }
}

// `explain` tells the story of the run `run` makes: narrating (which routes and answers traffic in the
// plain order, every routing sentence of an instant first) changes none of the results.
#[test]
fn explaining_a_run_changes_none_of_its_results() {
    for (path, loaded) in reference_scenarios_behind_an_alb() {
        let run = |narrate| {
            let opts = ecsim::sim::RunOptions {
                narrate,
                ..Default::default()
            };
            result_files(&loaded.scenario, &opts)
        };
        assert_same_results(&path, &run(false), &run(true), "a run and its explanation");
    }
}
