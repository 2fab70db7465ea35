//! The world's invariants (STYLE.md §15), checked in debug builds and tests, and the counters recounted from
//! scratch ([`World::recount`]): the slow, obviously right way the incremental counters must agree with.

use std::collections::BTreeMap;

use super::counters::{AsgCounters, ClusterCounters, Contribution, Recount, ServiceCounters};
use super::{InstanceIdx, InstanceStatus, TaskStatus, World};

impl World {
    /// Checks the world's invariants (STYLE.md §15): every task listed on an instance holds a reservation
    /// there and is not STOPPED; an instance's reserved CPU and memory are exactly what its tasks hold; its
    /// task-group counts (which spread, `distinctInstance` and `task:group` read) are exactly its tasks whose
    /// desiredStatus is RUNNING. A violation is a bug (exit code 3). Costs O(live tasks); runs only in debug
    /// builds and tests.
    pub fn check_invariants(&self) {
        if !cfg!(debug_assertions) || !self.debug_checks {
            return;
        }
        for (i, inst) in self.instances.iter().enumerate() {
            let Some(r) = self.resources(InstanceIdx(i as u32)) else {
                assert!(
                    inst.tasks.is_empty() || !inst.status.is_registered(),
                    "unindexed instance holds tasks"
                );
                continue;
            };
            let (mut cpu, mut mem) = (0u32, 0u32);
            let mut groups: BTreeMap<&str, u32> = BTreeMap::new();
            for &t in &inst.tasks {
                let task = &self.tasks[t.index()];
                assert_eq!(
                    task.instance,
                    Some(InstanceIdx(i as u32)),
                    "task {} listed on the wrong instance",
                    task.task_id
                );
                assert_ne!(
                    task.last_status,
                    TaskStatus::Stopped,
                    "stopped task {} still listed",
                    task.task_id
                );
                let held = task
                    .reservation
                    .as_ref()
                    .unwrap_or_else(|| panic!("task {} holds nothing", task.task_id));
                cpu += held.cpu_units;
                mem += held.memory_mib;
                if task.is_active() {
                    *groups.entry(&*task.group).or_default() += 1;
                }
            }
            let id = &inst.ec2_instance_id;
            assert_eq!(
                cpu,
                r.registered_cpu_units() - r.remaining_cpu_units(),
                "CPU accounting of {id}"
            );
            assert_eq!(
                mem,
                r.registered_memory_mib() - r.remaining_memory_mib(),
                "memory accounting of {id}"
            );
            for (group, n) in groups {
                assert_eq!(
                    self.placement
                        .group_task_count(Self::slot(InstanceIdx(i as u32)), group),
                    n,
                    "group {group} on {id}"
                );
            }
        }
    }

    /// Every counter computed from scratch: per service from its tasks, for the cluster from every
    /// instance and task, per group from its instances. O(instances + tasks).
    pub fn recount(&self) -> Recount {
        let mut services: Vec<ServiceCounters> = self
            .services
            .iter()
            .map(|_| ServiceCounters {
                per_zone: vec![0; self.zones.len()],
                ..ServiceCounters::default()
            })
            .collect();
        let mut cluster = ClusterCounters::default();
        for t in &self.tasks {
            let c = Contribution::of(t);
            c.apply(1, t.service.map(|s| &mut services[s.index()]), &mut cluster);
        }
        for (i, inst) in self.instances.iter().enumerate() {
            if inst.status != InstanceStatus::Terminated {
                cluster.live_instances += 1;
            }
            let Some(r) = self.resources(InstanceIdx(i as u32)) else {
                continue;
            };
            cluster.registered_cpu_units += u64::from(r.registered_cpu_units());
            cluster.registered_memory_mib += u64::from(r.registered_memory_mib());
            cluster.reserved_cpu_units +=
                u64::from(r.registered_cpu_units() - r.remaining_cpu_units());
            cluster.reserved_memory_mib +=
                u64::from(r.registered_memory_mib() - r.remaining_memory_mib());
            let in_use = inst.tasks.iter().any(|&t| {
                self.task(t)
                    .service
                    .is_none_or(|s| !self.services[s.index()].daemon)
            });
            cluster.instances_in_use += u32::from(in_use);
        }
        let asgs = self
            .asgs
            .iter()
            .map(|a| AsgCounters {
                in_service: a
                    .instances
                    .iter()
                    .filter(|&&i| self.instance(i).status.is_registered())
                    .count() as u32,
            })
            .collect();
        Recount {
            services,
            cluster,
            asgs,
        }
    }

    /// The counters the world keeps, in the shape of [`World::recount`].
    pub fn counters(&self) -> Recount {
        Recount {
            services: self.services.iter().map(|s| s.counters.clone()).collect(),
            cluster: self.cluster.clone(),
            asgs: self.asgs.iter().map(|a| a.counters.clone()).collect(),
        }
    }

    /// Asserts that the incremental counters equal a recount (debug builds only).
    pub fn check_counters(&self) {
        if cfg!(debug_assertions) && self.debug_checks {
            assert_eq!(
                self.counters(),
                self.recount(),
                "incremental counters drifted"
            );
        }
    }
}
