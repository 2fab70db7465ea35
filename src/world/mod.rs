//! The state of a simulated cluster: container instances, tasks, services and Auto Scaling groups, in
//! arenas indexed by typed ids.
//!
//! The world owns state and checks its own invariants (no instance over-committed, only legal task
//! transitions); it makes no decisions. Controllers in `ecs`, `ec2` and `fargate` decide and then mutate
//! the world through the methods here, so that resource accounting lives in exactly one place.

mod container_instance;
mod ids;
mod service;
mod task;
pub mod task_definition;

use crate::placement::{self, InstanceResources, PlacementIndex};
pub use container_instance::{ContainerInstance, InstanceStatus};
pub use ids::{AsgIdx, InstanceIdx, ServiceIdx, TaskDefIdx, TaskIdx, ec2_instance_id, task_id};
pub use service::{AzRebalancing, ServiceState};
pub use task_definition::TaskDefRuntime;

pub use task::{HealthStatus, StopCode, Task, TaskHome, TaskStatus, TaskTimes};

/// One Auto Scaling group's runtime state.
#[derive(Clone, Debug)]
pub struct AsgState {
    /// The group's name.
    pub name: String,
    /// Index into the scenario's groups.
    pub spec: usize,
    /// `DesiredCapacity`.
    pub desired_capacity: u32,
    /// Instances launched by the group, in launch order (terminated ones included).
    pub instances: Vec<InstanceIdx>,
}

/// Everything that exists in a run.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// Container instances, in launch order.
    pub instances: Vec<ContainerInstance>,
    /// Tasks, in creation order.
    pub tasks: Vec<Task>,
    /// Services, in scenario order.
    pub services: Vec<ServiceState>,
    /// Auto Scaling groups, in scenario order.
    pub asgs: Vec<AsgState>,
    /// Per task definition revision (scenario order): what placement and the lifecycle need, derived once.
    pub taskdefs: Vec<TaskDefRuntime>,
    /// Tasks ECS could not place in the summary window, each counted once (`cluster.placement_failures`).
    pub placement_failures: u64,
    /// The registered container instances as placement sees them: status, attributes, remaining resources
    /// and task-group counts, kept current by the methods below (slot = the instance's arena index).
    pub placement: PlacementIndex,
}

impl World {
    /// The world of a run of `scenario` before anything happened: its services (with their desired counts),
    /// its Auto Scaling groups (empty), its task definitions' runtime data; no instance, no task.
    pub fn new(scenario: &crate::scenario::Scenario) -> World {
        World {
            services: scenario
                .services
                .iter()
                .enumerate()
                .map(|(i, spec)| ServiceState::new(spec, i))
                .collect(),
            asgs: scenario
                .auto_scaling_groups
                .iter()
                .enumerate()
                .map(|(i, spec)| AsgState {
                    name: spec.name.clone(),
                    spec: i,
                    desired_capacity: spec.desired_capacity,
                    instances: Vec::new(),
                })
                .collect(),
            taskdefs: scenario
                .task_definitions
                .iter()
                .map(|td| TaskDefRuntime::new(scenario, td))
                .collect(),
            ..World::default()
        }
    }

    /// The instance at `idx`.
    pub fn instance(&self, idx: InstanceIdx) -> &ContainerInstance {
        &self.instances[idx.index()]
    }

    /// The task at `idx`.
    pub fn task(&self, idx: TaskIdx) -> &Task {
        &self.tasks[idx.index()]
    }

    /// The task at `idx`, mutably.
    pub fn task_mut(&mut self, idx: TaskIdx) -> &mut Task {
        &mut self.tasks[idx.index()]
    }

    /// Tasks of `service` whose desiredStatus is RUNNING, in creation order.
    pub fn active_tasks_of(&self, service: ServiceIdx) -> impl Iterator<Item = TaskIdx> + '_ {
        self.services[service.index()]
            .tasks
            .iter()
            .copied()
            .filter(|t| self.task(*t).is_active())
    }

    /// The placement index slot of an instance.
    pub fn slot(instance: InstanceIdx) -> placement::InstanceIdx {
        placement::InstanceIdx(instance.0)
    }

    /// Remaining and registered resources of a registered instance (`None` before registration and after
    /// termination).
    pub fn resources(&self, instance: InstanceIdx) -> Option<&InstanceResources> {
        self.placement
            .get(Self::slot(instance))
            .map(|c| &c.resources)
    }

    /// Reserves `task`'s resources (its task definition's requirements) on `instance` and counts it in the
    /// task's own group. Placement chose an instance that fits, so a failure here is a broken invariant (the fit is checked at placement *and* here,
    /// STYLE.md §15).
    pub fn reserve(&mut self, task: TaskIdx, instance: InstanceIdx) {
        let requirements =
            &self.taskdefs[self.tasks[task.index()].task_definition.index()].requirements;
        let inst = &mut self.instances[instance.index()];
        assert!(
            inst.status == InstanceStatus::Active,
            "task placed on {} instance {}",
            inst.status.as_str(),
            inst.ec2_instance_id
        );
        let reservation = self
            .placement
            .reserve(Self::slot(instance), requirements)
            .unwrap_or_else(|e| {
                panic!(
                    "instance {} over-committed by task {}: {e}",
                    inst.ec2_instance_id, task.0
                )
            });
        let group = &self.tasks[task.index()].group;
        self.placement
            .add_group_task(Self::slot(instance), group)
            .expect("registered instance");
        inst.tasks.push(task);
        self.tasks[task.index()].reservation = Some(reservation);
    }

    /// Adds `delta` to the `runningTasksCount` of the task's instance (tasks in RUNNING state).
    pub fn count_running(&mut self, task: TaskIdx, delta: i32) {
        if let Some(instance) = self.tasks[task.index()].instance
            && let Some(c) = self.placement.get(Self::slot(instance))
        {
            let n = c
                .running_tasks_count
                .checked_add_signed(delta)
                .expect("running count stays non-negative");
            self.placement
                .set_running_tasks_count(Self::slot(instance), n)
                .expect("registered instance");
        }
    }

    /// The task's desiredStatus became STOPPED: it no longer counts in its group on its instance.
    pub fn leave_group(&mut self, task: TaskIdx) {
        let t = &self.tasks[task.index()];
        if let Some(instance) = t.instance
            && self.placement.get(Self::slot(instance)).is_some()
        {
            self.placement
                .remove_group_task(Self::slot(instance), &t.group)
                .expect("task counted in its group");
        }
    }

    /// Returns what `task` held on its instance (at STOPPED).
    pub fn release(&mut self, task: TaskIdx) {
        let t = &mut self.tasks[task.index()];
        if let (Some(instance), Some(r)) = (t.instance, t.reservation.take()) {
            if self.placement.get(Self::slot(instance)).is_some() {
                self.placement
                    .release(Self::slot(instance), &r)
                    .expect("registered instance");
            }
            self.instances[instance.index()]
                .tasks
                .retain(|x| *x != task);
        }
    }

    /// Checks the world's invariants (STYLE.md §15): every task listed on an instance holds a reservation
    /// there and is not STOPPED; an instance's reserved CPU and memory are exactly what its tasks hold; its
    /// task-group counts (which spread, `distinctInstance` and `task:group` read) are exactly its tasks whose
    /// desiredStatus is RUNNING. A violation is a bug (exit code 3). Costs O(live tasks); runs only in debug
    /// builds and tests.
    pub fn check_invariants(&self) {
        if !cfg!(debug_assertions) {
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
            let mut groups: std::collections::BTreeMap<&str, u32> =
                std::collections::BTreeMap::new();
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
                    *groups.entry(task.group.as_str()).or_default() += 1;
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
}
