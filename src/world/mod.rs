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

pub use container_instance::{ContainerInstance, InstanceStatus};
pub use ids::{AsgIdx, InstanceIdx, ServiceIdx, TaskDefIdx, TaskIdx, ec2_instance_id, task_id};
pub use service::ServiceState;
pub use task::{HealthStatus, StopCode, Task, TaskStatus, TaskTimes};

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
}

impl World {
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
        self.tasks
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.service == Some(service) && t.is_active())
            .map(|(i, _)| TaskIdx(i as u32))
    }
}
