//! Placement throughput: decisions per second on clusters of 100, 1,000 and 5,000 instances, for
//! spread(AZ) + binpack(memory) and for a `memberOf` constraint in front of the same strategies.
//!
//! Run: `cargo bench --bench placement`. Each iteration is one `place` call on a steady cluster (the index
//! is not changed between iterations, as between two scheduler decisions that do not register instances).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::placement::{
    Candidate, InstanceIdx, InstanceResources, PlacementConstraint, PlacementIndex,
    PlacementScratch, PlacementTemplate, TaskRequirements, place,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `n` instances over 3 zones, two instance types, with tasks of the group on every third instance and
/// varied remaining memory.
fn cluster(n: u32, group: &str) -> PlacementIndex {
    let mut index = PlacementIndex::new();
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let other = TaskRequirements::new("service:other", 128, 256);
    let mine = TaskRequirements::new(group, 256, 512);
    for i in 0..n {
        let kind = if i % 4 == 0 { "m5.xlarge" } else { "m5.large" };
        let c = Candidate::new(
            &format!("ci-{i:08x}"),
            &format!("i-{i:017x}"),
            zones[(i % 3) as usize],
            InstanceResources::new(2048, 7680, 0, 2),
        )
        .with_attribute("ecs.instance-type", kind);
        let idx = InstanceIdx(i);
        index.insert(idx, c).unwrap();
        for _ in 0..(i % 7) {
            index.add_group_task(idx, &other.group).unwrap();
            index.reserve(idx, &other).unwrap();
        }
        if i % 3 == 0 {
            index.add_group_task(idx, group).unwrap();
            index.reserve(idx, &mine).unwrap();
        }
    }
    index
}

fn bench(c: &mut Criterion) {
    let req = TaskRequirements::new("service:web", 256, 512);
    let (strategies, _) = PlacementTemplate::AzBalancedBinPack.expand();
    let member_of =
        [
            PlacementConstraint::parse(
                "memberOf",
                Some("attribute:ecs.instance-type == m5.xlarge"),
            )
            .unwrap(),
        ];
    let mut group = c.benchmark_group("place");
    for n in [100u32, 1_000, 5_000] {
        let index = cluster(n, &req.group);
        group.throughput(Throughput::Elements(1));
        for (name, constraints) in [
            ("spread_az_binpack_memory", &[][..]),
            ("member_of_spread_az_binpack_memory", &member_of[..]),
        ] {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut scratch = PlacementScratch::new();
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| {
                    place(
                        &req,
                        &index,
                        constraints,
                        &strategies,
                        &mut rng,
                        &mut scratch,
                    )
                    .result
                    .is_ok()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
