//! End-to-end: whole runs of reference scenarios and of the 1,000-instance benchmark cluster, reported as
//! events per second (criterion throughput) and simulated seconds per wall second (printed once per case).
//!
//! Run: `cargo bench --bench end_to_end`.

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `name` is a path under the repository root.
fn scenario(name: &str, overrides: &[String]) -> ecsim::scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    ecsim::scenario::load(&path, overrides)
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
        .scenario
}

fn bench(c: &mut Criterion) {
    let cases: Vec<(&str, &str, Vec<String>)> = vec![
        (
            "daemon_and_replica_30m",
            "scenarios/daemon-and-replica.toml",
            vec![],
        ),
        (
            "crashing_service_7d",
            "scenarios/binpack-vs-spread.toml",
            vec![
                "simulation.duration=\"7d\"".to_string(),
                "services.web.desired_count=6".to_string(),
                "images.\"nginx:1.25\".crash_rate_per_hour=2".to_string(),
            ],
        ),
        (
            "large_cluster_1d",
            "scenarios/daemon-and-replica.toml",
            vec![
                "simulation.duration=\"1d\"".to_string(),
                "auto_scaling_groups.ecs-nodes.min_size=200".to_string(),
                "auto_scaling_groups.ecs-nodes.max_size=200".to_string(),
                "auto_scaling_groups.ecs-nodes.desired_capacity=200".to_string(),
                "services.api.desired_count=500".to_string(),
                "images.\"api:1.0\".crash_rate_per_hour=0.5".to_string(),
            ],
        ),
        // A web service behind an ALB taking noisy traffic, updated at 100 %/200 %, for a day.
        (
            "web_behind_alb_1d",
            "scenarios/rolling-update-100-200-alb.toml",
            vec!["simulation.duration=\"1d\"".to_string()],
        ),
        // The 1,000-instance web cluster of benches/README.md (50 services × 400 tasks, each behind its own
        // target group, diurnal traffic) for six hours.
        (
            "thousand_instances_web_6h",
            "benches/scenarios/large-cluster-web.toml",
            vec!["simulation.duration=\"6h\"".to_string()],
        ),
        // The 1,000-instance / 20,000-task churning cluster of benches/README.md for one day instead of
        // seven (the full run is measured with the command there).
        (
            "thousand_instances_churn_1d",
            "benches/scenarios/large-cluster-churn.toml",
            vec!["simulation.duration=\"1d\"".to_string()],
        ),
    ];
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    for (id, file, overrides) in cases {
        let s = scenario(file, &overrides);
        let opts = ecsim::sim::RunOptions::default();
        let started = Instant::now();
        let out = ecsim::sim::run(&s, &opts);
        let wall = started.elapsed().as_secs_f64();
        let events = out.recorded.manifest.events_processed;
        println!(
            "{id}: {events} events, {:.0} events/s, {:.0} simulated s per wall s",
            events as f64 / wall,
            s.simulation.duration.as_secs_f64() / wall
        );
        group.throughput(Throughput::Elements(events));
        group.bench_function(id, |b| b.iter(|| ecsim::sim::run(&s, &opts)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
