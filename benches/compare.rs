//! `ecsim compare`: runs per second with one and with two jobs, so that the scaling of the parallel runs is
//! measured (each run is independent; the aim is ≥ 1.8× on two cores).
//!
//! Run: `cargo bench --bench compare`. The figures and the machine are in `benches/README.md`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/placement-strategies.toml");
    let loaded =
        ecsim::scenario::load(&path, &[]).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let replicates = 4;
    let plan = ecsim::compare::plan(&path, &loaded, &[], replicates)
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let runs = (plan.variants.len() * plan.seeds.len()) as u64;
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.throughput(Throughput::Elements(runs));
    for jobs in [1, 2] {
        group.bench_function(
            format!("placement_strategies_{runs}_runs_jobs_{jobs}"),
            |b| b.iter(|| ecsim::compare::run(&loaded, &[], &plan, jobs, None)),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
