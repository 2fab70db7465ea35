//! Service state kept by the scheduler: desired count, back-off, placement-failure bookkeeping, events.

use crate::engine::SimTime;

use super::ids::{DeploymentIdx, TaskDefIdx, TaskIdx};

/// One ECS service's runtime state.
#[derive(Clone, Debug)]
pub struct ServiceState {
    /// The service's name.
    pub name: String,
    /// Its task group, `service:<name>` (ECS-SEMANTICS §1.5).
    pub group: std::sync::Arc<str>,
    /// A DAEMON service (its tasks do not make an instance "in use").
    pub daemon: bool,
    /// What the metrics read, kept by the world's transitions.
    pub counters: super::counters::ServiceCounters,
    /// Index into the scenario's services (same as its own index).
    pub spec: usize,
    /// Its deployments, oldest first; the last is the PRIMARY one (ECS-SEMANTICS §4.2). A task records the
    /// deployment it belongs to.
    pub deployments: Vec<Deployment>,
    /// `desiredCount` (REPLICA).
    pub desired_count: u32,
    /// Consecutive tasks that stopped without ever reaching RUNNING (ECS-SEMANTICS §3.2 throttling).
    pub consecutive_start_failures: u32,
    /// No new tasks are launched before this instant (throttling back-off).
    pub launch_not_before: SimTime,
    /// Whether "unable to consistently start tasks" has been written for the current failure streak.
    pub throttle_event_written: bool,
    /// Repeatable events written (placement failure by cause, stuck deployment), with when each was last
    /// written: the same cause is suppressed for 6 h unless it cleared.
    pub repeatable_events: std::collections::BTreeMap<String, SimTime>,
    /// The instant a throttling wake-up is already scheduled for.
    pub throttle_timer: Option<SimTime>,
    /// The failure count at which the current throttling delay was set.
    pub throttled_at_failures: u32,
    /// Deployments that completed during the run.
    pub deployments_completed: u64,
    /// Rollbacks the circuit breaker started during the run (summary `deployments_rolled_back`).
    pub deployments_rolled_back: u64,
    /// The last placement attempt left tasks unplaced and nothing has changed since: the next attempt waits
    /// for a capacity change, a service update or the retry timer (ECS-SEMANTICS §1.7, DECIDED).
    pub placement_blocked: bool,
    /// Whether a placement retry timer is pending.
    pub retry_scheduled: bool,
    /// Tasks left unplaced by the latest placement attempt that are already counted in
    /// `cluster.placement_failures`: a task waiting through many retries is counted once (SPEC §4).
    pub unplaced_counted: u32,
    /// Whether the service is currently in steady state (the event is written on entry).
    pub steady: bool,
    /// Its tasks that are not yet STOPPED, in creation order.
    pub tasks: Vec<TaskIdx>,
    /// Tasks started so far (summary `tasks_started`).
    pub tasks_started: u64,
    /// Tasks that failed (summary `tasks_failed`).
    pub tasks_failed: u64,
    /// The AZ rebalancing in progress, if any (ECS-SEMANTICS §3.5).
    pub rebalancing: Option<AzRebalancing>,
    /// DAEMON: per instance (by index), whether it is ACTIVE and satisfies the service's constraints, as of
    /// the last time the scheduler looked at it; the desired count is how many are.
    pub eligible_instances: Vec<bool>,
    /// DAEMON: per instance, whether its task did not fit there and is counted in
    /// `cluster.placement_failures` (once, until it is placed or the instance is no longer eligible).
    pub unplaced_instances: Vec<bool>,
}

/// `rolloutState` of a deployment (ECS-SEMANTICS §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutState {
    /// Started and not yet at steady state.
    InProgress,
    /// The service reached steady state with this deployment as PRIMARY.
    Completed,
    /// The circuit breaker tripped: the deployment launches no new tasks.
    Failed,
}

impl RolloutState {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::InProgress => "IN_PROGRESS",
            RolloutState::Completed => "COMPLETED",
            RolloutState::Failed => "FAILED",
        }
    }
}

/// One deployment of a service (ECS-SEMANTICS §4.2): the task definition it runs, its rollout state and its
/// circuit-breaker count.
///
/// Its `status` is implied: the last deployment of the service is PRIMARY; an older one is ACTIVE until a
/// newer deployment completes, then INACTIVE (`inactive`). INACTIVE deployments are kept (tasks record their
/// deployment by index) and always form a prefix of the list, since a completion makes every older one
/// INACTIVE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// `ecs-svc/` and 19 digits ([`super::ids::deployment_id`]).
    pub id: String,
    /// The task definition revision its tasks run.
    pub task_definition: TaskDefIdx,
    /// `rolloutState`.
    pub rollout: RolloutState,
    /// `status` INACTIVE: a newer deployment completed and every task of this one is STOPPED.
    pub inactive: bool,
    /// `failedTasks`: the circuit breaker's count of consecutive failures (ECS-SEMANTICS §4.3).
    pub failed_tasks: u32,
    /// A task of this deployment has reached RUNNING: the circuit breaker is in its stage 2.
    pub task_ran: bool,
    /// Started by the circuit breaker's rollback, to the task definition of this deployment (its id).
    pub rollback_of: Option<String>,
    /// The `stoppedReason` of the tasks the scheduler stops while this deployment is PRIMARY, written once:
    /// `Scaling activity initiated by (deployment <id>)`.
    pub scaling_reason: std::sync::Arc<str>,
}

impl Deployment {
    /// A new deployment `id` of `task_definition`, IN_PROGRESS.
    pub fn new(id: String, task_definition: TaskDefIdx) -> Deployment {
        let scaling_reason = format!("Scaling activity initiated by (deployment {id})").into();
        Deployment {
            id,
            task_definition,
            rollout: RolloutState::InProgress,
            inactive: false,
            failed_tasks: 0,
            task_ran: false,
            rollback_of: None,
            scaling_reason,
        }
    }

    /// `rolloutState` COMPLETED.
    pub fn completed(&self) -> bool {
        self.rollout == RolloutState::Completed
    }

    /// `rolloutState` FAILED.
    pub fn failed(&self) -> bool {
        self.rollout == RolloutState::Failed
    }
}

impl ServiceState {
    /// The PRIMARY (newest) deployment.
    pub fn primary(&self) -> &Deployment {
        self.deployments.last().expect("a service has a deployment")
    }

    /// The PRIMARY deployment, to change.
    pub fn primary_mut(&mut self) -> &mut Deployment {
        self.deployments
            .last_mut()
            .expect("a service has a deployment")
    }

    /// The index of the PRIMARY deployment.
    pub fn primary_index(&self) -> DeploymentIdx {
        DeploymentIdx(self.deployments.len() as u32 - 1)
    }

    /// The task definition the PRIMARY deployment runs.
    pub fn task_definition(&self) -> TaskDefIdx {
        self.primary().task_definition
    }

    /// Whether an older deployment is still ACTIVE: some of its tasks may still have to be replaced, so the
    /// scheduler looks at the service's tasks. INACTIVE deployments form a prefix of the list, so the one
    /// before the PRIMARY says it for all of them.
    pub fn deploying(&self) -> bool {
        let n = self.deployments.len();
        n >= 2 && !self.deployments[n - 2].inactive
    }

    /// Whether task `deployment` belongs to an older deployment than the PRIMARY.
    pub fn is_old(&self, deployment: Option<DeploymentIdx>) -> bool {
        deployment.is_some_and(|d| d != self.primary_index())
    }
}

/// An Availability Zone rebalancing in progress: tasks move from the zones with the most tasks of the
/// service to those with the fewest, through the service's normal start and stop rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzRebalancing {
    /// Tasks to stop in the zones with too many (stopped within `minimumHealthyPercent`, like an older
    /// deployment's tasks).
    pub victims: Vec<TaskIdx>,
    /// The zone (index into the cluster's zones) of each task still to start, in order.
    pub starts: Vec<usize>,
}

impl ServiceState {
    /// The state of service `spec`, the `index`-th of the scenario, before it ran anything.
    pub fn new(spec: &crate::scenario::Service, index: usize) -> ServiceState {
        ServiceState {
            name: spec.name.clone(),
            group: format!("service:{}", spec.name).into(),
            daemon: spec.scheduling_strategy == crate::scenario::SchedulingStrategy::Daemon,
            counters: Default::default(),
            spec: index,
            deployments: vec![Deployment::new(
                super::ids::deployment_id(index, 0),
                TaskDefIdx(spec.task_definition as u32),
            )],
            desired_count: spec.desired_count,
            consecutive_start_failures: 0,
            launch_not_before: SimTime::ZERO,
            throttle_event_written: false,
            repeatable_events: Default::default(),
            throttled_at_failures: 0,
            throttle_timer: None,
            deployments_completed: 0,
            deployments_rolled_back: 0,
            retry_scheduled: false,
            unplaced_counted: 0,
            placement_blocked: false,
            steady: false,
            tasks: Vec::new(),
            tasks_started: 0,
            tasks_failed: 0,
            rebalancing: None,
            eligible_instances: Vec::new(),
            unplaced_instances: Vec::new(),
        }
    }
}
