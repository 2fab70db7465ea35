//! Every reference scenario validates, says what it demonstrates, runs, and passes its own checks.

use crate::support::*;

#[test]
fn every_reference_scenario_starts_with_demonstrates_runs_and_passes_its_checks() {
    let dir = root().join("scenarios");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "reference scenarios: {names:?}");
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        if path.extension().is_some_and(|e| e == "toml") {
            assert!(
                text.starts_with("# Demonstrates:"),
                "{} must start with '# Demonstrates:'",
                path.display()
            );
        }
        let loaded = ecsim::scenario::load(&path, &[])
            .unwrap_or_else(|d| panic!("{} is invalid:\n{}", path.display(), d.render(false)));
        let out = ecsim::sim::run(&loaded.scenario, &ecsim::sim::RunOptions::default());
        for outcome in ecsim::checks::evaluate(&loaded.scenario.checks, &out.recorded.summary) {
            assert!(outcome.passed, "{}: {}", path.display(), outcome.message);
        }
    }
}

// The benchmark scenarios (benches/README.md) stay valid and mean what their names say: 1,000 instances,
// 50 services × 400 tasks spread across zones then binpacked by memory.
#[test]
fn the_benchmark_scenarios_validate_at_the_size_the_benchmarks_name() {
    for name in [
        "large-cluster-steady.toml",
        "large-cluster-churn.toml",
        "large-cluster-web.toml",
    ] {
        let path = root().join("benches").join("scenarios").join(name);
        let loaded = ecsim::scenario::load(&path, &[])
            .unwrap_or_else(|d| panic!("{name} is invalid:\n{}", d.render(false)));
        let s = &loaded.scenario;
        assert_eq!(s.auto_scaling_groups[0].desired_capacity, 1000, "{name}");
        assert_eq!(s.services.len(), 50, "{name}");
        assert!(
            s.services.iter().all(|svc| svc.desired_count == 400),
            "{name}"
        );
        assert_eq!(
            s.simulation.duration.as_secs_f64(),
            7.0 * 86_400.0,
            "{name}"
        );
    }
}
