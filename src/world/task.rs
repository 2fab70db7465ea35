//! A task: one instantiation of a task definition, and its lifecycle states (ECS-SEMANTICS §2).
//!
//! The world only stores the task and checks that every state change is a legal one; *when* a task moves
//! is decided by the lifecycle controller in `ecs::task_lifecycle`.

use crate::engine::SimTime;
use crate::placement::TaskReservation;
use crate::scenario::LaunchType;

use super::ids::{InstanceIdx, ServiceIdx, TaskDefIdx};

/// Where a new task runs: the instance placement chose (EC2), or a zone and provider (Fargate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskHome {
    /// On this container instance (EC2).
    Instance(InstanceIdx),
    /// On EC2, but no instance can take it yet: it waits in PROVISIONING, holding nothing, until the control
    /// plane places it (`ecs::task_lifecycle::place_on`).
    AwaitingCapacity,
    /// On Fargate.
    Fargate {
        /// Its Availability Zone.
        zone: std::sync::Arc<str>,
        /// `FARGATE` or `FARGATE_SPOT` when a capacity provider strategy chose it; `None` for `launch_type
        /// = "FARGATE"` (billed as FARGATE).
        capacity_provider: Option<std::sync::Arc<str>>,
    },
}

/// `lastStatus` of a task (ECS-SEMANTICS §2.1), in lifecycle order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskStatus {
    /// Resources are being allocated (ENI, Fargate capacity).
    Provisioning,
    /// Waiting for the agent; the image pull happens here.
    Pending,
    /// Containers are being created; load balancer registration happens here.
    Activating,
    /// `startedAt` is set.
    Running,
    /// Load balancer deregistration (the deregistration delay).
    Deactivating,
    /// SIGTERM sent; SIGKILL after `stopTimeout`.
    Stopping,
    /// The ENI is detached and deleted.
    Deprovisioning,
    /// `stoppedAt` is set.
    Stopped,
}

impl TaskStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }

    /// Whether ECS may move a task from `self` to `to`.
    ///
    /// Forward along the lifecycle, skipping states is allowed (a task stopped while PENDING goes straight to
    /// STOPPING, EC2 tasks in bridge mode have no DEACTIVATING work), and nothing leaves STOPPED.
    pub fn can_become(self, to: TaskStatus) -> bool {
        self != TaskStatus::Stopped && to > self
    }
}

/// Why a task stopped: AWS `stopCode` (ECS-SEMANTICS §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCode {
    /// The task never reached RUNNING.
    TaskFailedToStart,
    /// An essential container exited.
    EssentialContainerExited,
    /// A user (StopTask, instance deregistration) stopped it.
    UserInitiated,
    /// The service scheduler stopped it (scale-in, replacement, draining, deployment).
    ServiceSchedulerInitiated,
    /// A Spot interruption.
    SpotInterruption,
    /// The instance was terminated.
    TerminationNotice,
}

impl StopCode {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StopCode::TaskFailedToStart => "TaskFailedToStart",
            StopCode::EssentialContainerExited => "EssentialContainerExited",
            StopCode::UserInitiated => "UserInitiated",
            StopCode::ServiceSchedulerInitiated => "ServiceSchedulerInitiated",
            StopCode::SpotInterruption => "SpotInterruption",
            StopCode::TerminationNotice => "TerminationNotice",
        }
    }
}

/// Container health of a task as ECS aggregates it (ECS-SEMANTICS §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthStatus {
    /// No health check, or no result yet.
    Unknown,
    /// Every essential container with a health check passes it.
    Healthy,
    /// An essential container failed its health check `retries` times in a row.
    Unhealthy,
}

/// The instants of a task's life, `None` until they happen (the columns of `tasks.csv`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskTimes {
    /// The task exists (PROVISIONING or PENDING).
    pub created: Option<SimTime>,
    /// The image pull started (`pullStartedAt`); Fargate billing starts here.
    pub pull_started: Option<SimTime>,
    /// lastStatus became RUNNING (`startedAt`).
    pub running: Option<SimTime>,
    /// The task first counted as healthy for its service (ECS-SEMANTICS §4.1).
    pub healthy: Option<SimTime>,
    /// desiredStatus became STOPPED.
    pub stop_requested: Option<SimTime>,
    /// lastStatus became STOPPING (`stoppingAt`).
    pub stopping: Option<SimTime>,
    /// lastStatus became STOPPED (`stoppedAt`).
    pub stopped: Option<SimTime>,
}

/// One task.
///
/// Laid out by hand (`repr(C)`), one cache line per task for what the traffic controller reads and writes
/// for every task every minute (its targets, instance, reservation, CPU in use, status, saturation): with
/// 20,000 tasks behind load balancers, that minute is one pass over the tasks and every line counts
/// (benches/README.md).
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Task {
    /// Its targets (registered when it enters ACTIVATING).
    pub targets: super::TaskTargets,
    /// The instance it runs on (EC2).
    pub instance: Option<InstanceIdx>,
    /// The service that owns it; `None` for a standalone (RunTask) task.
    pub service: Option<ServiceIdx>,
    /// CPU units reserved on its instance.
    pub cpu_units: u32,
    /// CPU units the software uses.
    pub used_cpu_units: u32,
    /// `lastStatus`.
    pub last_status: TaskStatus,
    /// Whether the app inside answers requests and health checks yet.
    pub app_ready: bool,
    /// More requests are routed to it than it can serve (the load model): its health checks time out.
    pub saturated: bool,
    /// `EC2` or `FARGATE`.
    pub launch_type: LaunchType,
    /// 32 hex digits when shown.
    pub task_id: super::TaskId,
    /// Its task definition revision.
    pub task_definition: TaskDefIdx,
    /// The deployment of its service it belongs to (ECS-SEMANTICS §4.2); `None` for a standalone task.
    pub deployment: Option<super::DeploymentIdx>,
    /// The task group (`service:<name>`, `family:<family>` or a custom group), shared with its service.
    pub group: std::sync::Arc<str>,
    /// The capacity provider that placed it, if a strategy did.
    pub capacity_provider: Option<std::sync::Arc<str>>,
    /// Its instance is DRAINING (the service replaces it, ECS-SEMANTICS §3.3).
    pub on_draining_instance: bool,
    /// Its Availability Zone (shared with its instance; empty while it awaits capacity).
    pub availability_zone: std::sync::Arc<str>,
    /// Its zone's position in the cluster's zones (`None` for a zone the cluster does not list).
    pub zone: Option<u16>,
    /// `desiredStatus` is RUNNING (true) or STOPPED (false).
    pub desired_running: bool,
    /// Container health.
    pub health: HealthStatus,
    /// Life instants.
    pub times: TaskTimes,
    /// `stopCode`, once stopping.
    pub stop_code: Option<StopCode>,
    /// `stoppedReason`, once stopping (shared: the control plane writes the same few sentences again and
    /// again).
    pub stopped_reason: Option<std::sync::Arc<str>>,
    /// Bumped whenever a pending timer of this task becomes stale (lazy cancellation).
    pub epoch: u32,
    /// MiB reserved on its instance.
    pub memory_mib: u32,
    /// MiB the software uses.
    pub used_memory_mib: u32,
    /// An essential container crashed (a non-zero exit), as opposed to a batch job's normal end.
    pub crashed: bool,
    /// It was unhealthy (a failed container or load balancer health check) when told to stop.
    pub stopped_unhealthy: bool,
    /// Its service has `load_balancers`: the task counts as healthy only once its targets are healthy
    /// (ECS-SEMANTICS §4.1), and it deregisters through the deregistration delay when it stops.
    pub load_balanced: bool,
    /// What the task holds on its instance until it is STOPPED.
    pub reservation: Option<TaskReservation>,
}

impl Task {
    /// Moves the task to `to`, asserting the transition is legal (an illegal one is a bug: exit code 3).
    pub fn set_status(&mut self, to: TaskStatus) {
        assert!(
            self.last_status.can_become(to),
            "illegal task transition {} -> {} for task {}",
            self.last_status.as_str(),
            to.as_str(),
            self.task_id
        );
        self.last_status = to;
    }

    /// Whether the task occupies resources and counts toward the service's running tasks: its desiredStatus
    /// is RUNNING (PROVISIONING through RUNNING, ECS-SEMANTICS §4.1).
    pub fn is_active(&self) -> bool {
        self.desired_running && self.last_status != TaskStatus::Stopped
    }

    /// Whether the task counts as healthy for its service (ECS-SEMANTICS §4.1): it became healthy (40 s
    /// RUNNING without load balancer or health checks, HEALTHY with a container check, every target healthy
    /// behind a load balancer) and is not unhealthy since. The one predicate the
    /// scheduler, scale-in and the metrics share; a task must also have desiredStatus RUNNING to count
    /// toward `minimumHealthyPercent`.
    pub fn counts_as_healthy(&self) -> bool {
        self.times.healthy.is_some() && !self.is_unhealthy()
    }

    /// Whether the task is unhealthy for its service: UNHEALTHY by its container health check, or a target
    /// of it is `unhealthy` in its target group (ECS-SEMANTICS §3.2: the scheduler replaces it).
    pub fn is_unhealthy(&self) -> bool {
        self.health == HealthStatus::Unhealthy || self.targets.unhealthy > 0
    }

    /// Whether its load balancers see it healthy: no load balancer, or every target `healthy`.
    pub fn targets_healthy(&self) -> bool {
        !self.load_balanced
            || (self.targets.count > 0 && self.targets.healthy == self.targets.count)
    }

    /// Whether the task counts in `max_running_tasks` (ACTIVATING, RUNNING or DEACTIVATING).
    pub fn is_running_like(&self) -> bool {
        matches!(
            self.last_status,
            TaskStatus::Activating | TaskStatus::Running | TaskStatus::Deactivating
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ECS-SEMANTICS §2.1: the lifecycle runs forward only and nothing leaves STOPPED.
    #[test]
    fn task_lifecycle_only_moves_forward() {
        assert!(TaskStatus::Provisioning.can_become(TaskStatus::Pending));
        assert!(TaskStatus::Pending.can_become(TaskStatus::Stopping));
        assert!(TaskStatus::Running.can_become(TaskStatus::Deactivating));
        assert!(!TaskStatus::Running.can_become(TaskStatus::Pending));
        assert!(!TaskStatus::Running.can_become(TaskStatus::Running));
        assert!(!TaskStatus::Stopped.can_become(TaskStatus::Stopped));
    }
}
