//! Which tasks a service stops when it scales in (ECS-SEMANTICS §1.3 table, §1.4).

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;

use super::index::{InstanceIdx, PlacementIndex};
use super::place::draw;
use super::strategy::{BinpackField, PlacementStrategy, SpreadField};

/// A task in the World's task arena (mapped one to one by the integrator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskIdx(pub u32);

/// One task of the service that may be stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopCandidate {
    /// The task.
    pub task: TaskIdx,
    /// Its container instance.
    pub instance: InstanceIdx,
    /// Whether it is healthy (RUNNING and passing its health checks).
    pub healthy: bool,
    /// CPU units it holds (binpack scale-in).
    pub cpu_units: u32,
    /// Memory it holds, MiB (binpack scale-in).
    pub memory_mib: u32,
}

/// Chooses `n` tasks to stop among `tasks` (every task of the service with desiredStatus RUNNING), in
/// stop order. Counts are over `tasks` and are updated after each choice, so stopping 3 of an unbalanced
/// service rebalances it.
///
/// * MODEL (INFERRED): tasks that are not healthy go first, before any rule.
/// * Rules chain like placement: the first decides, later ones break its ties (§1.3):
///   `spread(attribute)` stops from the value with the most tasks (keeps AZs balanced), `spread(instanceId)`
///   from the instance with the most tasks, `binpack(field)` the task on the instance that would have the most
///   remaining `field` after termination, `random` uniformly (UNCONFIRMED, modelled as random).
/// * The default service logic (§1.4: AZ with the most tasks, then instance with the most) is
///   [`default_service_strategies`](super::default_service_strategies).
/// * Remaining ties: ordered by container-instance id then task, one drawn from `rng`.
pub fn choose_tasks_to_stop(
    n: usize,
    tasks: &[StopCandidate],
    index: &PlacementIndex,
    strategies: &[PlacementStrategy],
    rng: &mut ChaCha8Rng,
) -> Vec<TaskIdx> {
    let instance_key = |t: &StopCandidate| {
        (
            index
                .get(t.instance)
                .map(|c| c.container_instance_id.clone()),
            t.instance,
            t.task,
        )
    };
    let mut alive: Vec<usize> = (0..tasks.len()).collect();
    alive.sort_by_cached_key(|&i| instance_key(&tasks[i]));
    let value = |name: &str, i: InstanceIdx| {
        index
            .get(i)
            .and_then(|c| c.attributes.get(name))
            .map(String::as_str)
    };
    let mut per_instance: BTreeMap<InstanceIdx, u32> = BTreeMap::new();
    let mut per_value: Vec<BTreeMap<Option<&str>, u32>> = vec![BTreeMap::new(); strategies.len()];
    for t in tasks {
        *per_instance.entry(t.instance).or_default() += 1;
        for (r, s) in strategies.iter().enumerate() {
            if let PlacementStrategy::Spread(SpreadField::Attribute(name)) = s {
                *per_value[r].entry(value(name, t.instance)).or_default() += 1;
            }
        }
    }
    let mut released: BTreeMap<InstanceIdx, (u64, u64)> = BTreeMap::new();
    let mut stopped = Vec::with_capacity(n.min(tasks.len()));
    let mut ties = Vec::new();
    while stopped.len() < n && !alive.is_empty() {
        ties.clear();
        ties.extend_from_slice(&alive);
        if ties.iter().any(|&i| !tasks[i].healthy) {
            ties.retain(|&i| !tasks[i].healthy);
        }
        let mut pick = None;
        for (r, rule) in strategies.iter().enumerate() {
            let key = |i: usize| -> u64 {
                let t = &tasks[i];
                match rule {
                    PlacementStrategy::Spread(SpreadField::InstanceId) => {
                        u64::from(per_instance[&t.instance])
                    }
                    PlacementStrategy::Spread(SpreadField::Attribute(name)) => {
                        u64::from(per_value[r][&value(name, t.instance)])
                    }
                    PlacementStrategy::Binpack(field) => {
                        let (cpu, mem) = released.get(&t.instance).copied().unwrap_or_default();
                        let res = index.get(t.instance).map(|c| &c.resources);
                        match field {
                            BinpackField::Cpu => {
                                res.map_or(0, |r| u64::from(r.remaining_cpu_units()))
                                    + cpu
                                    + u64::from(t.cpu_units)
                            }
                            BinpackField::Memory => {
                                res.map_or(0, |r| u64::from(r.remaining_memory_mib()))
                                    + mem
                                    + u64::from(t.memory_mib)
                            }
                        }
                    }
                    PlacementStrategy::Random => 0,
                }
            };
            if let PlacementStrategy::Random = rule {
                pick = Some(ties[draw(rng, ties.len())]);
                break;
            }
            let best = ties
                .iter()
                .map(|&i| key(i))
                .max()
                .expect("ties is not empty");
            ties.retain(|&i| key(i) == best);
        }
        let i = pick.unwrap_or_else(|| ties[draw(rng, ties.len())]);
        let t = &tasks[i];
        alive.retain(|&a| a != i);
        *per_instance.get_mut(&t.instance).expect("counted above") -= 1;
        for (r, s) in strategies.iter().enumerate() {
            if let PlacementStrategy::Spread(SpreadField::Attribute(name)) = s {
                *per_value[r]
                    .get_mut(&value(name, t.instance))
                    .expect("counted above") -= 1;
            }
        }
        let e = released.entry(t.instance).or_default();
        e.0 += u64::from(t.cpu_units);
        e.1 += u64::from(t.memory_mib);
        stopped.push(t.task);
    }
    stopped
}

#[cfg(test)]
mod tests {
    use super::super::tests::{apply, cluster, inst, rng};
    use super::super::{TaskRequirements, default_service_strategies};
    use super::*;

    fn task(t: u32, instance: u32) -> StopCandidate {
        StopCandidate {
            task: TaskIdx(t),
            instance: InstanceIdx(instance),
            healthy: true,
            cpu_units: 256,
            memory_mib: 512,
        }
    }

    fn three_zone_index() -> PlacementIndex {
        cluster(vec![
            inst("a1", "us-east-1a", 4096, 8192),
            inst("a2", "us-east-1a", 4096, 8192),
            inst("b1", "us-east-1b", 4096, 8192),
            inst("c1", "us-east-1c", 4096, 8192),
        ])
    }

    // §1.4: scale-in stops from the AZ with the most tasks of the service, then the instance with the most.
    #[test]
    fn default_scale_in_stops_from_the_fullest_zone_then_the_fullest_instance() {
        let index = three_zone_index();
        // Zone a: tasks 0, 1 on a1 and 2 on a2 (3); zone b: task 3 (1); zone c: task 4 (1).
        let tasks = [task(0, 0), task(1, 0), task(2, 1), task(3, 2), task(4, 3)];
        let first = choose_tasks_to_stop(
            1,
            &tasks,
            &index,
            &default_service_strategies(),
            &mut rng(1),
        );
        // Zone a, then a1 (2 tasks) over a2 (1): task 0 or 1.
        assert!(first == [TaskIdx(0)] || first == [TaskIdx(1)], "{first:?}");
        // Stopping 2: after the first (zone a: 2, b: 1, c: 1), zone a still has the most, where a1 and a2 now
        // tie at 1 task each; the zones end 1/1/1.
        for seed in 0..10 {
            let two = choose_tasks_to_stop(
                2,
                &tasks,
                &index,
                &default_service_strategies(),
                &mut rng(seed),
            );
            assert!(two.iter().all(|t| t.0 <= 2) && two[0].0 <= 1, "{two:?}");
        }
    }

    // §1.3: binpack scale-in stops the task on the instance that would have the most remaining after
    // termination.
    #[test]
    fn binpack_scale_in_stops_the_task_leaving_the_most_remaining_memory() {
        let mut index = cluster(vec![
            inst("a", "us-east-1a", 4096, 4096),
            inst("b", "us-east-1a", 4096, 4096),
        ]);
        let small = TaskRequirements::new("service:web", 256, 512);
        let big = TaskRequirements::new("service:web", 256, 2048);
        apply(&mut index, InstanceIdx(0), &small);
        apply(&mut index, InstanceIdx(0), &big);
        apply(&mut index, InstanceIdx(1), &small);
        // a: 4096 - 2560 = 1536 left; stopping its 2048 task leaves 3584, its 512 task 2048.
        // b: 4096 - 512 = 3584 left; stopping its task leaves 4096, the most.
        let tasks = [
            StopCandidate {
                memory_mib: 512,
                ..task(0, 0)
            },
            StopCandidate {
                memory_mib: 2048,
                ..task(1, 0)
            },
            StopCandidate {
                memory_mib: 512,
                ..task(2, 1)
            },
        ];
        let s = [PlacementStrategy::Binpack(BinpackField::Memory)];
        assert_eq!(
            choose_tasks_to_stop(2, &tasks, &index, &s, &mut rng(1)),
            [TaskIdx(2), TaskIdx(1)]
        );
    }

    // §1.3: spread(AZ) scale-in keeps the zones balanced; within a zone the choice is random.
    #[test]
    fn spread_az_scale_in_keeps_zones_balanced_and_picks_randomly_within_a_zone() {
        let index = three_zone_index();
        // Zone a: 0 on a1, 1 on a2; zone b: 2, 3; zone c: 4.
        let tasks = [task(0, 0), task(1, 1), task(2, 2), task(3, 2), task(4, 3)];
        let s = [PlacementStrategy::spread_availability_zone()];
        let mut stopped_first = std::collections::BTreeSet::new();
        for seed in 0..30 {
            let mut two = choose_tasks_to_stop(2, &tasks, &index, &s, &mut rng(seed));
            // 2/2/1 → stop one from a and one from b → 1/1/1.
            two.sort();
            assert!(two[0].0 <= 1 && (2..=3).contains(&two[1].0), "{two:?}");
            stopped_first.insert(choose_tasks_to_stop(1, &tasks, &index, &s, &mut rng(seed))[0]);
        }
        // Random within zones a and b: all four tasks of those zones occur as the first stop.
        assert_eq!(
            stopped_first.into_iter().collect::<Vec<_>>(),
            [0, 1, 2, 3].map(TaskIdx)
        );
    }

    // §1.3 table: random scale-in (UNCONFIRMED, modelled as random) is uniform and seeded.
    #[test]
    fn random_scale_in_is_seeded_and_covers_every_task() {
        let index = three_zone_index();
        let tasks = [task(0, 0), task(1, 1), task(2, 2)];
        let s = [PlacementStrategy::Random];
        let a = choose_tasks_to_stop(3, &tasks, &index, &s, &mut rng(8));
        assert_eq!(a, choose_tasks_to_stop(3, &tasks, &index, &s, &mut rng(8)));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, [TaskIdx(0), TaskIdx(1), TaskIdx(2)]);
        let firsts: std::collections::BTreeSet<_> = (0..30)
            .map(|seed| choose_tasks_to_stop(1, &tasks, &index, &s, &mut rng(seed))[0])
            .collect();
        assert_eq!(firsts.len(), 3);
    }

    // MODEL: unhealthy tasks are stopped before any rule applies.
    #[test]
    fn unhealthy_tasks_are_stopped_first() {
        let index = three_zone_index();
        let tasks = [
            task(0, 0),
            task(1, 0),
            StopCandidate {
                healthy: false,
                ..task(2, 3)
            },
        ];
        assert_eq!(
            choose_tasks_to_stop(
                1,
                &tasks,
                &index,
                &default_service_strategies(),
                &mut rng(1)
            ),
            [TaskIdx(2)]
        );
    }
}
