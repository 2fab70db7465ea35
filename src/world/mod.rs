//! The state of a simulated cluster: container instances, tasks, services and Auto Scaling groups, in
//! arenas indexed by typed ids.
//!
//! The world owns state and checks its own invariants (no instance over-committed, only legal task
//! transitions); it makes no decisions. Controllers in `ecs`, `ec2` and `fargate` decide and then mutate
//! the world through the methods here, so that resource accounting and the counters the metrics read
//! ([`counters`]) live in exactly one place: a task is changed only through [`World::task_mut`], whose guard
//! updates the counters when it is dropped, and instances only through the transitions of `instances.rs`.

mod container_instance;
pub mod counters;
mod ids;
mod instances;
mod invariants;
mod service;
mod target_group;
mod task;
pub mod task_definition;

use counters::{AsgCounters, ClusterCounters, Contribution, Dirty};

use crate::placement::{self, InstanceResources, PlacementIndex};
pub use container_instance::{ContainerInstance, InstanceStatus};
pub use ids::{
    AsgIdx, DeploymentIdx, InstanceIdx, ServiceIdx, TargetGroupIdx, TargetIdx, TaskDefIdx, TaskId,
    TaskIdx, deployment_id, ec2_instance_id, task_id,
};
pub use service::{AzRebalancing, Deployment, RolloutState, ServiceState};
pub use task_definition::TaskDefRuntime;

pub use target_group::{
    LbDirty, ProbeOutcome, Target, TargetCounts, TargetGroupState, TargetHealth, TaskTargets,
};
pub use task::{HealthStatus, StopCode, Task, TaskHome, TaskStatus, TaskTimes};

/// The ARN of target group `name` as ECS writes it in stop reasons: the scenario's region, a fixed account
/// and a hex id derived from the name (stable across runs).
pub fn target_group_arn(scenario: &crate::scenario::Scenario, name: &str) -> String {
    let id = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!(
        "arn:aws:elasticloadbalancing:{}:123456789012:targetgroup/{name}/{:016x}",
        scenario.simulation.region, id
    )
}

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
    /// What the metrics read.
    pub counters: AsgCounters,
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
    /// The cluster's zones (`[cluster].availability_zones`), whose positions tasks carry.
    pub zones: Vec<String>,
    /// ALB target groups, in scenario order.
    pub target_groups: Vec<TargetGroupState>,
    /// Targets (a task in a target group), in registration order; a task's are contiguous.
    pub targets: Vec<Target>,
    /// What changed for the load balancers in the current instant.
    pub lb_dirty: LbDirty,
    /// Availability Zones out of service (an `az_outage` in progress): nothing launches or runs there.
    pub zones_down: Vec<String>,
    /// The cluster's counters.
    pub cluster: ClusterCounters,
    /// What changed during the current event instant.
    pub dirty: Dirty,
    /// Whether debug builds recount everything after each event to check the invariants and the
    /// counters (on unless a run asks otherwise; release builds never check).
    pub debug_checks: bool,
}

/// A task being changed: dereferences to the [`Task`]; when dropped, moves the task's contribution to its
/// service's and the cluster's counters from what it was to what it is.
pub struct TaskMut<'w> {
    world: &'w mut World,
    task: TaskIdx,
    before: Contribution,
}

impl std::ops::Deref for TaskMut<'_> {
    type Target = Task;
    fn deref(&self) -> &Task {
        &self.world.tasks[self.task.index()]
    }
}

impl std::ops::DerefMut for TaskMut<'_> {
    fn deref_mut(&mut self) -> &mut Task {
        &mut self.world.tasks[self.task.index()]
    }
}

impl Drop for TaskMut<'_> {
    fn drop(&mut self) {
        let after = Contribution::of(&self.world.tasks[self.task.index()]);
        if after != self.before {
            self.world.move_contribution(self.task, self.before, after);
        }
    }
}

impl World {
    /// The world of a run of `scenario` before anything happened: its services (with their desired counts),
    /// its Auto Scaling groups (empty), its task definitions' runtime data; no instance, no task.
    pub fn new(scenario: &crate::scenario::Scenario) -> World {
        let mut world = World {
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
                    counters: AsgCounters::default(),
                })
                .collect(),
            taskdefs: scenario
                .task_definitions
                .iter()
                .map(|td| TaskDefRuntime::new(scenario, td))
                .collect(),
            zones: scenario.cluster.availability_zones.clone(),
            target_groups: scenario
                .target_groups
                .iter()
                .enumerate()
                .map(|(i, tg)| TargetGroupState {
                    name: tg.name.as_str().into(),
                    arn: target_group_arn(scenario, &tg.name).into(),
                    failed_reason: format!(
                        "Task failed ELB health checks in (target-group {})",
                        target_group_arn(scenario, &tg.name)
                    )
                    .into(),
                    spec: i,
                    services: scenario
                        .services
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.load_balancers.iter().any(|lb| lb.target_group == i))
                        .map(|(s, _)| ServiceIdx(s as u32))
                        .collect(),
                    targets: Vec::new(),
                    counts: TargetCounts::default(),
                })
                .collect(),
            debug_checks: true,
            ..World::default()
        };
        let zones = world.zones.len();
        for s in &mut world.services {
            s.counters.per_zone = vec![0; zones];
        }
        world.dirty.all(world.services.len(), world.asgs.len());
        world
    }

    /// The position of zone `name` in the cluster's zones.
    pub fn zone_index(&self, name: &str) -> Option<u16> {
        self.zones.iter().position(|z| z == name).map(|k| k as u16)
    }

    /// Adds a task (its fields as they are at creation) and counts it; returns its index.
    pub fn add_task(&mut self, task: Task) -> TaskIdx {
        let idx = TaskIdx(self.tasks.len() as u32);
        let service = task.service;
        self.tasks.push(task);
        if let Some(s) = service {
            self.services[s.index()].tasks.push(idx);
        }
        self.move_contribution(
            idx,
            Contribution::default(),
            Contribution::of(self.task(idx)),
        );
        idx
    }

    /// The task at `idx`, to change (see [`TaskMut`]).
    pub fn task_mut(&mut self, idx: TaskIdx) -> TaskMut<'_> {
        let before = Contribution::of(&self.tasks[idx.index()]);
        TaskMut {
            world: self,
            task: idx,
            before,
        }
    }

    /// Moves `task`'s contribution from `before` to `after` and notes what changed.
    fn move_contribution(&mut self, task: TaskIdx, before: Contribution, after: Contribution) {
        let service = self.tasks[task.index()].service;
        let World {
            services,
            cluster,
            dirty,
            ..
        } = self;
        let mut counters = service.map(|s| &mut services[s.index()].counters);
        before.apply(-1, counters.as_deref_mut(), cluster);
        after.apply(1, counters, cluster);
        if let Some(s) = service {
            dirty.service(s);
        }
        if before.touches_cluster() || after.touches_cluster() {
            dirty.cluster = true;
        }
    }

    /// Sets the CPU units `task` uses (the load model, every minute for every loaded task): its service's and
    /// the cluster's used CPU move by the difference while it is RUNNING, as [`TaskMut`] would move them,
    /// without recomputing the rest of its contribution.
    pub fn set_used_cpu(&mut self, task: TaskIdx, used: u32) {
        let t = &mut self.tasks[task.index()];
        let before = t.used_cpu_units;
        if before == used {
            return;
        }
        t.used_cpu_units = used;
        if t.last_status != TaskStatus::Running {
            return;
        }
        let delta = i64::from(used) - i64::from(before);
        let move_by = |c: &mut u64| *c = (*c as i64 + delta) as u64;
        if t.instance.is_some() {
            move_by(&mut self.cluster.used_cpu_units);
            self.dirty.cluster = true;
        }
        if let Some(s) = t.service {
            move_by(&mut self.services[s.index()].counters.used_cpu_units);
            self.dirty.service(s);
        }
    }

    /// Sets service `s`'s desired count.
    pub fn set_desired_count(&mut self, s: ServiceIdx, n: u32) {
        if self.services[s.index()].desired_count != n {
            self.services[s.index()].desired_count = n;
            self.dirty.service(s);
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
        let t = &self.tasks[task.index()];
        self.placement
            .add_group_task(Self::slot(instance), &t.group)
            .expect("registered instance");
        inst.tasks.push(task);
        self.cluster.reserved_cpu_units += u64::from(reservation.cpu_units);
        self.cluster.reserved_memory_mib += u64::from(reservation.memory_mib);
        let daemon = t.service.is_some_and(|s| self.services[s.index()].daemon);
        if !daemon {
            inst.non_daemon_tasks += 1;
            if inst.non_daemon_tasks == 1 {
                self.cluster.instances_in_use += 1;
            }
        }
        if let Some(s) = t.service {
            self.dirty.grown.push((s, instance));
        }
        self.dirty.cluster = true;
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
        let service = t.service;
        if let (Some(instance), Some(r)) = (t.instance, t.reservation.take()) {
            if self.placement.get(Self::slot(instance)).is_some() {
                self.placement
                    .release(Self::slot(instance), &r)
                    .expect("registered instance");
            }
            self.cluster.reserved_cpu_units -= u64::from(r.cpu_units);
            self.cluster.reserved_memory_mib -= u64::from(r.memory_mib);
            let daemon = service.is_some_and(|s| self.services[s.index()].daemon);
            let inst = &mut self.instances[instance.index()];
            inst.tasks.retain(|x| *x != task);
            if !daemon {
                inst.non_daemon_tasks -= 1;
                if inst.non_daemon_tasks == 0 {
                    self.cluster.instances_in_use -= 1;
                }
            }
            self.dirty.cluster = true;
        }
    }
}
