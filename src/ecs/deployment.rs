//! Rolling deployments and the deployment circuit breaker (ECS-SEMANTICS §4.2, §4.3).
//!
//! This module owns a service's deployment objects: it starts a new PRIMARY deployment (UpdateService with a
//! new task definition or `forceNewDeployment`, or a rollback), completes it, and runs the circuit breaker.
//! *How* the tasks of older deployments are replaced is the service scheduler's reconcile rule (§4.1): every
//! task whose deployment is not the PRIMARY is a task to replace, new tasks are the PRIMARY's. The
//! scheduler calls in here; nothing here calls the scheduler back but through its wake-ups, so the
//! dependency runs one way (`service_scheduler` → `deployment` → `wakeups`), and the task lifecycle can call
//! the hooks below without knowing the scheduler.
//!
//! **The hooks other controllers call** (all cheap, no allocation):
//! * [`on_task_running`] when a task reaches RUNNING (the lifecycle): the breaker enters stage 2;
//! * [`on_task_healthy`] when a task first counts as healthy for its service
//!   ([`crate::world::Task::counts_as_healthy`] turns true): with `reset_on_healthy_task` the count returns
//!   to 0;
//! * [`on_task_failed`] for every failure the breaker counts: a task that stopped without reaching RUNNING
//!   ([`Failure::FailedToStart`], the lifecycle at STOPPED), and a task the scheduler stops because a health
//!   check failed ([`Failure::ContainerHealthCheck`] today; [`Failure::ElbHealthCheck`] for the load
//!   balancer, which must call it where the scheduler stops a task whose target failed its ELB health
//!   checks, next to that stop, and call [`on_task_healthy`] where a target turning healthy makes the task
//!   count as healthy).
//!
//! What counts (DECIDED where AWS is silent; `docs/architecture.md`):
//! * Only the PRIMARY deployment's tasks, only while it is IN_PROGRESS, only with the breaker enabled.
//! * Stage 1 (no task of the deployment has reached RUNNING yet): each task that fails to reach RUNNING.
//!   Stage 2 (once one has): each task stopped for a failed health check (ELB or container). A task that
//!   fails to start in stage 2 does not count, as AWS's stages read.
//! * An essential container that exits *after* RUNNING (a crash, a command that ends) is not a failure:
//!   ECS-SEMANTICS §4.2 and §4.3 list only tasks that cannot launch or reach RUNNING and health-check
//!   failures, §3.2 sets exits after RUNNING apart from start failures, and AWS's troubleshooting text says
//!   a task that starts, passes its health checks and then stops may not trip the breaker.
//! * A placement failure is not a failure: no task exists (AWS reports stalled deployments for want of
//!   capacity rather than failed ones).
//! * FAILED when the count reaches the threshold, computed from the latest desired count. A FAILED
//!   deployment launches no new tasks and stops no more old ones (its rollout halts); with `rollback` a new
//!   PRIMARY deployment of the most recent COMPLETED deployment's task definition starts, and that
//!   deployment is no longer COMPLETED (so a failing rollback does not roll back to it again). Without a
//!   COMPLETED deployment the FAILED one stays PRIMARY and the service is stalled, as AWS says.
//! * A rollback is a deployment like any other: it replaces every task of the older deployments, those of
//!   the deployment it rolls back to included.

use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::scenario::{DeploymentCircuitBreaker, ThresholdType};
use crate::world::{
    Deployment, RolloutState, ServiceIdx, TaskDefIdx, TaskIdx, World, deployment_id,
};

use super::wakeups::Wakeups;

/// The smallest threshold of the default (`BOUNDED_PERCENT`) circuit breaker (ECS-SEMANTICS §4.3, BC-ECS
/// ServiceDeploymentCircuitBreaker: "a minimum threshold of 3"; the 2023 guide said 10).
pub const CIRCUIT_BREAKER_THRESHOLD_MIN: u32 = 3;
/// The largest threshold of the default circuit breaker (ECS-SEMANTICS §4.3: "a maximum threshold of 200").
pub const CIRCUIT_BREAKER_THRESHOLD_MAX: u32 = 200;

/// A failure the circuit breaker counts (ECS-SEMANTICS §4.2 `failedTasks`, §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The task stopped without ever reaching RUNNING (stage 1).
    FailedToStart,
    /// The scheduler stopped the task because its container health check failed (stage 2).
    ContainerHealthCheck,
    /// The scheduler stopped the task because its target failed the target group's ELB health checks
    /// (stage 2).
    ElbHealthCheck,
}

impl Failure {
    /// What happened, for `explain`.
    fn text(self) -> &'static str {
        match self {
            Failure::FailedToStart => "stopped without reaching RUNNING",
            Failure::ContainerHealthCheck => "was stopped for failing its container health check",
            Failure::ElbHealthCheck => "was stopped for failing its ELB health checks",
        }
    }

    /// Whether the breaker counts it in its stage: before any task of the deployment ran (stage 1), only
    /// start failures; after (stage 2), only health-check failures.
    fn counts(self, stage_2: bool) -> bool {
        match self {
            Failure::FailedToStart => !stage_2,
            Failure::ContainerHealthCheck | Failure::ElbHealthCheck => stage_2,
        }
    }
}

/// The circuit breaker's threshold for the latest desired count `desired` (ECS-SEMANTICS §4.3): `COUNT` is
/// `value`; the percent types are ceil(`value`% × desired), `BOUNDED_PERCENT` (the default, value 50)
/// clamped to 3..200 (INFERRED: AWS states the clamp for the default formula), `UNBOUNDED_PERCENT` not
/// clamped but at least 1 (a breaker that trips with no failure would trip at once).
pub fn circuit_breaker_threshold(cb: &DeploymentCircuitBreaker, desired: u32) -> u32 {
    let percent = (u64::from(cb.threshold_value) * u64::from(desired)).div_ceil(100);
    let percent = u32::try_from(percent).unwrap_or(u32::MAX);
    match cb.threshold_type {
        ThresholdType::Count => cb.threshold_value.max(1),
        ThresholdType::BoundedPercent => {
            percent.clamp(CIRCUIT_BREAKER_THRESHOLD_MIN, CIRCUIT_BREAKER_THRESHOLD_MAX)
        }
        ThresholdType::UnboundedPercent => percent.max(1),
    }
}

/// How the threshold came about, for `explain`: "clamp(ceil(50% × 4), 3, 200) = 3".
pub fn threshold_text(cb: &DeploymentCircuitBreaker, desired: u32) -> String {
    let t = circuit_breaker_threshold(cb, desired);
    let v = cb.threshold_value;
    match cb.threshold_type {
        ThresholdType::Count => format!("COUNT {v}"),
        ThresholdType::BoundedPercent => format!(
            "clamp(ceil({v}% × desired {desired}), {CIRCUIT_BREAKER_THRESHOLD_MIN}, {CIRCUIT_BREAKER_THRESHOLD_MAX}) = {t}"
        ),
        ThresholdType::UnboundedPercent => format!("ceil({v}% × desired {desired}) = {t}"),
    }
}

/// The service's circuit breaker, when it is enabled.
fn breaker<'c>(cx: &Cx<'c>, s: ServiceIdx) -> Option<&'c DeploymentCircuitBreaker> {
    let scenario = cx.scenario;
    scenario.services[s.index()]
        .deployment_configuration
        .deployment_circuit_breaker
        .as_ref()
        .filter(|cb| cb.enable)
}

/// Whether the PRIMARY deployment of `s` may launch tasks: not once it FAILED (ECS-SEMANTICS §4.2).
pub fn launches_allowed(world: &World, s: ServiceIdx) -> bool {
    !world.services[s.index()].primary().failed()
}

/// UpdateService changed the task definition to `td` or forced a new deployment: a new PRIMARY deployment of
/// `td` starts and the older ones become ACTIVE (ECS-SEMANTICS §4.2).
pub fn on_update_service(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    s: ServiceIdx,
    td: TaskDefIdx,
) {
    begin(now, world, cx, sched, s, td, None);
}

/// Starts a new PRIMARY deployment of `td` (a rollback to deployment `rollback_of` if given).
fn begin(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    s: ServiceIdx,
    td: TaskDefIdx,
    rollback_of: Option<usize>,
) {
    let svc = &mut world.services[s.index()];
    let before = svc.task_definition();
    let replaced = svc.primary().id.clone();
    let mut deployment = Deployment::new(deployment_id(s.index(), svc.deployments.len()), td);
    deployment.rollback_of = rollback_of.map(|k| svc.deployments[k].id.clone());
    svc.deployments.push(deployment);
    if td != before {
        // Throttling resets at once when the service gets a new task definition (ECS-SEMANTICS §3.2).
        svc.consecutive_start_failures = 0;
        svc.throttled_at_failures = 0;
        svc.throttle_event_written = false;
        svc.launch_not_before = now;
    }
    // The new task definition may fit where the old one did not; a deployment supersedes an AZ rebalancing
    // (its moves were the old tasks); a stuck configuration is told again for the new deployment; the
    // service has left steady state, so reaching it again completes the deployment.
    svc.placement_blocked = false;
    svc.rebalancing = None;
    svc.repeatable_events.remove(STUCK_KEY);
    svc.steady = false;
    let old_active = world
        .active_tasks_of(s)
        .filter(|&t| world.services[s.index()].is_old(world.task(t).deployment))
        .count();
    let svc = &world.services[s.index()];
    let name = &svc.name;
    let primary = svc.primary();
    let td_name = &world.taskdefs[td.index()].name;
    match &primary.rollback_of {
        None => cx.rec.event(
            now,
            Scope::Service,
            name,
            "SERVICE_DEPLOYMENT_IN_PROGRESS",
            format_args!(
                "(service {name}) (deployment {}) deployment in progress with task definition {td_name}.",
                primary.id
            ),
        ),
        Some(to) => cx.rec.event(
            now,
            Scope::Service,
            name,
            "SERVICE_DEPLOYMENT_IN_PROGRESS",
            format_args!(
                "(service {name}) (deployment {}) deployment in progress with task definition {td_name}: ECS deployment circuit breaker: rolling back to deploymentId {to}.",
                primary.id
            ),
        ),
    }
    if cx.rec.narrating() {
        let dc = &cx.scenario.services[s.index()].deployment_configuration;
        let before_name = &world.taskdefs[before.index()].name;
        let mut text = format!(
            "Deployment {} of service {name} starts ({before_name} → {td_name}): it is PRIMARY and {replaced} becomes ACTIVE. The {old_active} task{} of older deployments with desiredStatus RUNNING are replaced by the reconcile rule within minimumHealthyPercent {} and maximumPercent {}.",
            primary.id,
            if old_active == 1 { "" } else { "s" },
            dc.minimum_healthy_percent,
            dc.maximum_percent
        );
        if td != before {
            text.push_str(" A new task definition resets the launch throttling.");
        }
        if let Some(cb) = breaker(cx, s) {
            text.push_str(&format!(
                " Circuit breaker on: threshold {}, rollback {}.",
                threshold_text(cb, svc.desired_count),
                if cb.rollback { "on" } else { "off" }
            ));
        }
        cx.rec.narrate(now, text);
    }
    sched.request_reconcile(cx, now, s);
}

/// The key of the stuck-deployment event among a service's repeatable events.
pub const STUCK_KEY: &str = "stuck";

/// Task `task` reached RUNNING: its deployment's circuit breaker is in stage 2 from now on.
pub fn on_task_running(world: &mut World, task: TaskIdx) {
    let t = world.task(task);
    if let (Some(s), Some(d)) = (t.service, t.deployment) {
        world.services[s.index()].deployments[d.index()].task_ran = true;
    }
}

/// Task `task` first counts as healthy for its service: with `reset_on_healthy_task` (the default) the
/// circuit breaker's count of the PRIMARY deployment returns to 0 (ECS-SEMANTICS §4.3).
pub fn on_task_healthy(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task(task);
    let (Some(s), Some(d)) = (t.service, t.deployment) else {
        return;
    };
    let Some(cb) = breaker(cx, s) else {
        return;
    };
    let svc = &mut world.services[s.index()];
    if !cb.reset_on_healthy_task || d != svc.primary_index() {
        return;
    }
    let primary = svc.primary_mut();
    if primary.rollout != RolloutState::InProgress || primary.failed_tasks == 0 {
        return;
    }
    let was = std::mem::replace(&mut primary.failed_tasks, 0);
    if cx.rec.narrating() {
        let id = world.task(task).task_id;
        let svc = &world.services[s.index()];
        cx.rec.narrate(
            now,
            format!(
                "Circuit breaker of service {} (deployment {}): task {id} is healthy, so the failure count goes from {was} to 0 (reset_on_healthy_task).",
                svc.name,
                svc.primary().id
            ),
        );
    }
}

/// Whether the circuit breaker of `s` would trip if `failures` more health-check failures of PRIMARY tasks
/// were counted now. The scheduler asks before it launches, so that a reconcile that stops the failing
/// tasks which trip the breaker does not first start replacements for the deployment that fails.
pub fn would_trip(world: &World, cx: &Cx, s: ServiceIdx, failures: u32) -> bool {
    let Some(cb) = breaker(cx, s) else {
        return false;
    };
    let svc = &world.services[s.index()];
    let primary = svc.primary();
    failures > 0
        && primary.rollout == RolloutState::InProgress
        && primary.task_ran
        && primary.failed_tasks + failures >= circuit_breaker_threshold(cb, svc.desired_count)
}

/// Task `task` failed in a way the circuit breaker counts (see [`Failure`] and the module docs): +1 on its
/// deployment's count if that is the PRIMARY one, IN_PROGRESS, with the breaker enabled, in the stage that
/// counts this failure; at the threshold the deployment is FAILED and, with `rollback`, a rollback starts.
///
/// Called by the task lifecycle when a task stops without reaching RUNNING, by the service scheduler right
/// after it stops a task for a failed container health check, and — once target groups exist — where the
/// scheduler stops a task whose target failed its ELB health checks.
pub fn on_task_failed(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
    how: Failure,
) {
    let t = world.task(task);
    let (Some(s), Some(d), id) = (t.service, t.deployment, t.task_id) else {
        return;
    };
    let Some(cb) = breaker(cx, s) else {
        return;
    };
    let svc = &mut world.services[s.index()];
    let desired = svc.desired_count;
    if d != svc.primary_index() {
        return;
    }
    let primary = svc.primary_mut();
    if primary.rollout != RolloutState::InProgress || !how.counts(primary.task_ran) {
        return;
    }
    primary.failed_tasks += 1;
    let count = primary.failed_tasks;
    let threshold = circuit_breaker_threshold(cb, desired);
    let trips = count >= threshold;
    if cx.rec.narrating() {
        let svc = &world.services[s.index()];
        let stage = if svc.primary().task_ran { 2 } else { 1 };
        let mut text = format!(
            "Circuit breaker of service {} (deployment {}, stage {stage}): task {id} {}: failure {count} of {threshold} (threshold {})",
            svc.name,
            svc.primary().id,
            how.text(),
            threshold_text(cb, desired)
        );
        if trips {
            text.push_str(" → deployment FAILED");
            match (cb.rollback, last_completed(world, s)) {
                (true, Some(k)) => text.push_str(&format!(
                    ", rolling back to {} ({}).",
                    svc.deployments[k].id,
                    world.taskdefs[svc.deployments[k].task_definition.index()].name
                )),
                (true, None) => text.push_str(
                    "; no deployment is COMPLETED to roll back to, so it launches no new tasks and the service is stalled.",
                ),
                (false, _) => text.push_str("; rollback is off, so it launches no new tasks."),
            }
        } else {
            text.push('.');
        }
        cx.rec.narrate(now, text);
    }
    if trips {
        trip(now, world, cx, sched, s, cb);
    }
}

/// The most recent deployment of `s`, other than the PRIMARY, whose rollout COMPLETED.
fn last_completed(world: &World, s: ServiceIdx) -> Option<usize> {
    let deployments = &world.services[s.index()].deployments;
    (0..deployments.len() - 1)
        .rev()
        .find(|&k| deployments[k].completed())
}

/// The PRIMARY deployment of `s` is FAILED (ECS-SEMANTICS §4.3); with `rollback`, a new deployment of the
/// last COMPLETED deployment's task definition starts.
fn trip(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    s: ServiceIdx,
    cb: &DeploymentCircuitBreaker,
) {
    let svc = &mut world.services[s.index()];
    svc.primary_mut().rollout = RolloutState::Failed;
    let name = &svc.name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "SERVICE_DEPLOYMENT_FAILED",
        format_args!(
            "(service {name}) (deployment {}) deployment failed: ECS deployment circuit breaker: tasks failed to start.",
            svc.primary().id
        ),
    );
    if cb.rollback
        && let Some(k) = last_completed(world, s)
    {
        let svc = &mut world.services[s.index()];
        // The deployment rolled back to is IN_PROGRESS again: not eligible for another rollback until a
        // deployment of it completes (AWS developer guide, deployment circuit breaker).
        svc.deployments[k].rollout = RolloutState::InProgress;
        let td = svc.deployments[k].task_definition;
        if cx.in_window(now) {
            svc.deployments_rolled_back += 1;
        }
        begin(now, world, cx, sched, s, td, Some(k));
    } else {
        sched.request_reconcile(cx, now, s);
    }
}

/// Service `s` reached steady state: an IN_PROGRESS PRIMARY deployment is COMPLETED — it has the desired
/// number of healthy tasks and every task of the older deployments is STOPPED — and the older deployments
/// are INACTIVE (ECS-SEMANTICS §4.1, §4.2). Writes the completion event; returns whether it completed.
pub fn on_steady(now: SimTime, world: &mut World, cx: &mut Cx, s: ServiceIdx) -> bool {
    let svc = &mut world.services[s.index()];
    if svc.primary().rollout != RolloutState::InProgress {
        return false;
    }
    svc.primary_mut().rollout = RolloutState::Completed;
    let n = svc.deployments.len();
    for d in &mut svc.deployments[..n - 1] {
        d.inactive = true;
    }
    if cx.in_window(now) {
        svc.deployments_completed += 1;
    }
    let name = &svc.name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "SERVICE_DEPLOYMENT_COMPLETED",
        format_args!(
            "(service {name}) (deployment {}) deployment completed.",
            svc.primary().id
        ),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cb(threshold_type: ThresholdType, threshold_value: u32) -> DeploymentCircuitBreaker {
        DeploymentCircuitBreaker {
            enable: true,
            rollback: true,
            reset_on_healthy_task: true,
            threshold_type,
            threshold_value,
        }
    }

    // ECS-SEMANTICS §4.3 threshold table: clamp(ceil(0.5 × desired), 3, 200).
    #[test]
    fn default_threshold_is_half_the_desired_count_clamped_to_3_and_200() {
        let default = cb(ThresholdType::BoundedPercent, 50);
        for (desired, threshold) in [(1, 3), (25, 13), (400, 200), (800, 200)] {
            assert_eq!(
                circuit_breaker_threshold(&default, desired),
                threshold,
                "desired {desired}"
            );
        }
        assert_eq!(
            threshold_text(&default, 4),
            "clamp(ceil(50% × desired 4), 3, 200) = 3"
        );
    }

    // §4.3 threshold_configuration: COUNT is the value itself; UNBOUNDED_PERCENT is not clamped; a
    // BOUNDED_PERCENT value other than 50 keeps the clamp.
    #[test]
    fn threshold_types_count_bounded_and_unbounded_percent() {
        let count = cb(ThresholdType::Count, 5);
        assert_eq!(circuit_breaker_threshold(&count, 1), 5);
        assert_eq!(circuit_breaker_threshold(&count, 800), 5);
        let bounded = cb(ThresholdType::BoundedPercent, 10);
        assert_eq!(circuit_breaker_threshold(&bounded, 10), 3);
        assert_eq!(circuit_breaker_threshold(&bounded, 95), 10);
        assert_eq!(circuit_breaker_threshold(&bounded, 5000), 200);
        let unbounded = cb(ThresholdType::UnboundedPercent, 50);
        assert_eq!(circuit_breaker_threshold(&unbounded, 1), 1);
        assert_eq!(circuit_breaker_threshold(&unbounded, 4), 2);
        assert_eq!(circuit_breaker_threshold(&unbounded, 800), 400);
    }

    // §4.3 two stages: before any task ran only start failures count, after only health-check failures.
    #[test]
    fn stage_1_counts_start_failures_and_stage_2_health_check_failures() {
        assert!(Failure::FailedToStart.counts(false));
        assert!(!Failure::FailedToStart.counts(true));
        assert!(Failure::ContainerHealthCheck.counts(true));
        assert!(Failure::ElbHealthCheck.counts(true));
        assert!(!Failure::ContainerHealthCheck.counts(false));
    }
}
