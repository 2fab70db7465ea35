//! The service scheduler (ECS-SEMANTICS §3, §4.1): keeps each service at its desired count.
//!
//! REPLICA services follow the reconcile rule of §4.1 (DECIDED). The tasks *to replace* are every task of an
//! older deployment (§4.2), those on DRAINING instances (§3.3), UNHEALTHY ones (§3.2) and those an AZ
//! rebalancing moves (§3.5); the others are *kept* (the PRIMARY deployment's):
//! 1. start min(floor(d·max/100) − A, d − N_keep) tasks (none once the PRIMARY deployment FAILED);
//! 2. stop min(H − ceil(d·min/100), N_replace) tasks to be replaced, not-yet-healthy ones first, then those
//!    on DRAINING instances or moved by the rebalancing, then older deployments' by the placement
//!    strategy's scale-in rule;
//! 3. stop surplus kept tasks above d (scale-in), not-yet-running first, then by the placement strategy's
//!    scale-in rule.
//!
//! Here A counts tasks whose desiredStatus is RUNNING, N_keep those not to be replaced, and H those counted
//! healthy. UNHEALTHY tasks are stopped at once (they count as neither healthy nor wanted) and replaced
//! within `maximumPercent`; each such stop is a failure for the deployment circuit breaker
//! ([`crate::ecs::deployment`]). A reconcile reads the service's counters and walks its tasks only when
//! some must be replaced. DAEMON services (`daemon`) run one task on every ACTIVE instance that satisfies
//! their constraints, are placed first and stopped last on DRAINING instances (§3.1).
//!
//! Unplaced tasks are not created; the service retries on every capacity change and every
//! `placement_retry_interval`, writing its placement-failure event once per cause (again after 6 h or after
//! the cause cleared) (§1.7, DECIDED). Tasks that never reach RUNNING throttle launches: after the third
//! consecutive failure the scheduler waits 1 min, doubling per further failure up to 27 min (§3.2, DECIDED
//! model); a new task definition resets the throttling.

use crate::ecs::task_placement::{self as placement, DefaultPlacement, PlacementRequest};
use crate::engine::{Phase, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::Scope;
use crate::scenario::SchedulingStrategy;

use super::Ecs;
use super::deployment::{self, Failure};
use crate::world::{ServiceIdx, StopCode, TaskHome, TaskIdx, TaskStatus, World};

pub use super::capacity_provider_strategy::launch_type_of;
use super::task_lifecycle::{self, NewTask};
pub use super::wakeups::{DaemonScope, Wakeups};

mod az_rebalancing;
mod daemon;
pub mod plan;
mod service_events;
pub use az_rebalancing::{IMBALANCE_THRESHOLD_TASKS, plan_moves};
use service_events::{
    service_event_once, task_list, update_steady_state, write_started_event, write_stopped_event,
};

/// Longest wait between launch attempts of a service whose tasks keep failing to start (ECS-SEMANTICS §3.2,
/// *current* developer guide: 27 minutes).
pub const THROTTLE_MAX_DELAY: SimDuration = SimDuration::from_mins(27);
/// First wait, after the third consecutive start failure (DECIDED model, §3.2).
pub const THROTTLE_FIRST_DELAY: SimDuration = SimDuration::from_mins(1);
/// Consecutive start failures before throttling begins (DECIDED model, §3.2).
pub const THROTTLE_AFTER_FAILURES: u32 = 3;
/// A repeated service event is suppressed for 6 h unless its cause cleared (ECS-SEMANTICS §1.7).
pub const EVENT_REPEAT_AFTER: SimDuration = SimDuration::from_secs(6 * 3600);

/// The throttling delay after `failures` consecutive start failures.
pub fn throttle_delay(failures: u32) -> SimDuration {
    if failures < THROTTLE_AFTER_FAILURES {
        return SimDuration::ZERO;
    }
    let doublings = (failures - THROTTLE_AFTER_FAILURES).min(16);
    THROTTLE_FIRST_DELAY
        .saturating_mul(1 << doublings)
        .min(THROTTLE_MAX_DELAY)
}

/// Counts `n` tasks ECS could not place in `cluster.placement_failures` (within the summary window).
pub fn count_placement_failures(world: &mut World, cx: &Cx, now: SimTime, n: u32) {
    if cx.in_window(now) {
        world.placement_failures += u64::from(n);
    }
}

/// `ceil(d × pct / 100)`: the healthy floor during deployments and draining (§4.1).
pub fn minimum_healthy_tasks(desired: u32, minimum_healthy_percent: u32) -> u32 {
    (u64::from(desired) * u64::from(minimum_healthy_percent)).div_ceil(100) as u32
}

/// `floor(d × pct / 100)`: the ceiling on tasks whose desiredStatus is RUNNING (§4.1).
pub fn maximum_tasks(desired: u32, maximum_percent: u32) -> u32 {
    (u64::from(desired) * u64::from(maximum_percent) / 100) as u32
}

/// Reconciles `service` (phase 7).
pub fn on_reconcile(now: SimTime, world: &mut World, cx: &mut Cx, ecs: &mut Ecs, s: ServiceIdx) {
    ecs.scheduler.reconcile_queued[s.index()] = false;
    let settled = match cx.scenario.services[s.index()].scheduling_strategy {
        SchedulingStrategy::Replica => reconcile_replica(now, world, cx, ecs, s),
        SchedulingStrategy::Daemon => daemon::reconcile_daemon(now, world, cx, ecs, s),
    };
    let steady = update_steady_state(now, world, cx, s, settled);
    // A steady service is watched for AZ imbalance (§3.5); a rebalancing that starts is carried out by the
    // next reconcile, at the same instant. A FAILED deployment launches nothing, so it cannot move tasks.
    if steady
        && deployment::launches_allowed(world, s)
        && az_rebalancing::on_steady(now, world, cx, ecs, s)
    {
        ecs.scheduler.request_reconcile(cx, now, s);
    }
}

/// Stops a task of service `s` as the scheduler does (scale-in, draining replacement) and remembers it for
/// the "has stopped N running tasks" event.
fn scheduler_stop(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    t: TaskIdx,
    stopped: &mut Vec<TaskIdx>,
) {
    let reason = scaling_reason(world, s);
    task_lifecycle::stop(
        now,
        world,
        cx,
        &mut ecs.scheduler,
        t,
        StopCode::ServiceSchedulerInitiated,
        reason,
    );
    stopped.push(t);
}

fn scaling_reason(world: &World, s: ServiceIdx) -> std::sync::Arc<str> {
    world.services[s.index()].primary().scaling_reason.clone()
}

/// The task lists a REPLICA reconcile sorts its service's tasks into, kept between reconciles so that their
/// buffers are reused (STYLE.md §14).
#[derive(Debug, Default)]
pub struct Lists {
    stopped: Vec<TaskIdx>,
    rebalanced: Vec<TaskIdx>,
    unhealthy: Vec<TaskIdx>,
    replace: Vec<TaskIdx>,
    keep: Vec<TaskIdx>,
}

impl Lists {
    fn clear(&mut self) {
        self.stopped.clear();
        self.rebalanced.clear();
        self.unhealthy.clear();
        self.replace.clear();
        self.keep.clear();
    }
}

/// Returns whether the service has nothing left to do (for the steady-state event).
fn reconcile_replica(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) -> bool {
    let scenario = cx.scenario;
    let spec = &scenario.services[s.index()];
    let mut lists = std::mem::take(&mut ecs.lists);
    lists.clear();
    let Lists {
        stopped,
        rebalanced,
        unhealthy,
        replace,
        keep,
    } = &mut lists;
    let svc = &world.services[s.index()];
    // Nothing to replace (no task on a DRAINING instance, none UNHEALTHY, no AZ rebalancing, no older
    // deployment ACTIVE): the counters say all the rule needs, without looking at a task.
    let plain = svc.counters.on_draining == 0
        && svc.counters.unhealthy == 0
        && svc.rebalancing.is_none()
        && !svc.deploying();

    // PENDING tasks on DRAINING instances are stopped at once (§3.3).
    if svc.counters.on_draining > 0 {
        keep.extend(world.active_tasks_of(s));
        for &t in keep.iter() {
            if world.task(t).on_draining_instance && world.task(t).last_status < TaskStatus::Running
            {
                scheduler_stop(now, world, cx, ecs, s, t, stopped);
            }
        }
        keep.clear();
    }

    // Tasks to replace: those on DRAINING instances, UNHEALTHY ones past the grace period (§3.2), those an
    // AZ rebalancing moves out of their zone (§3.5) and every task of an older deployment (§4.1); UNHEALTHY
    // ones are replaced by their own rule.
    let svc = &world.services[s.index()];
    let dc = &spec.deployment_configuration;
    let mut inputs = plan::Inputs {
        desired: svc.desired_count,
        minimum_healthy_percent: dc.minimum_healthy_percent,
        maximum_percent: dc.maximum_percent,
        active: svc.counters.active,
        healthy: svc.counters.healthy,
        unhealthy: 0,
        replaced: 0,
        kept_healthy: svc.counters.healthy == svc.counters.active,
        nothing_pending: true,
    };
    if !plain {
        for t in world.active_tasks_of(s) {
            let task = world.task(t);
            let to_replace = task.on_draining_instance
                || is_unhealthy_past_grace(now, world, cx, t)
                || az_rebalancing::is_victim(world, s, t)
                || svc.is_old(task.deployment);
            match (to_replace, task.is_unhealthy()) {
                (true, true) => unhealthy.push(t),
                (true, false) => replace.push(t),
                (false, _) => keep.push(t),
            }
        }
        inputs.unhealthy = unhealthy.len() as u32;
        inputs.replaced = replace.len() as u32;
        inputs.kept_healthy = keep.iter().all(|&t| world.task(t).counts_as_healthy());
        inputs.nothing_pending = world.active_tasks_of(s).all(|t| {
            let task = world.task(t);
            task.counts_as_healthy() || task.is_unhealthy()
        });
    }

    // A FAILED deployment launches no new tasks and its rollout halts: it stops no more tasks of the older
    // deployments either (§4.2, DECIDED).
    let halted = !deployment::launches_allowed(world, s);
    let wanted = if halted { 0 } else { plan::starts(&inputs) };

    // The UNHEALTHY tasks this reconcile stops would trip the circuit breaker: stop them (the breaker trips
    // and may roll back) before anything starts for the deployment that fails, and leave the rest to the
    // reconcile that follows.
    let foreseen = plan::stops(&inputs, wanted, wanted).unhealthy as usize;
    let tripping = &unhealthy[..foreseen.min(unhealthy.len())];
    if deployment::would_trip(world, cx, s, primary_tasks(world, s, tripping)) {
        stop_and_trip(now, world, cx, ecs, s, tripping, stopped);
        ecs.lists = lists;
        return false;
    }

    if cx.rec.narrating() && !halted && world.services[s.index()].deploying() {
        let old = unhealthy
            .iter()
            .chain(replace.iter())
            .filter(|&&t| world.services[s.index()].is_old(world.task(t).deployment))
            .count() as u32;
        let foreseen = plan::stops(&inputs, wanted, wanted);
        let svc = &world.services[s.index()];
        narrate_deployment_step(now, svc, cx, &inputs, old, wanted, &foreseen);
    }

    // 1. Start.
    let unplaced = match wanted {
        0 => 0,
        _ if world.services[s.index()].placement_blocked => wanted,
        _ => launch(now, world, cx, ecs, s, wanted),
    };
    let mut decision = plan::stops(&inputs, wanted, wanted - unplaced);
    if halted {
        decision.replaced = 0;
        decision.stuck = false;
    }
    if unplaced > 0 && cx.rec.narrating() && world.services[s.index()].deploying() {
        cx.rec.narrate(
            now,
            format!(
                "Only {} of the {wanted} new tasks could be placed: stop {} of those to replace.",
                wanted - unplaced,
                decision.replaced
            ),
        );
    }

    // 2. UNHEALTHY tasks (§3.2). If they trip the circuit breaker after all (nothing could be placed, so
    // one stops to make room), what follows was planned for the deployment that failed.
    let failing = &unhealthy[..(decision.unhealthy as usize).min(unhealthy.len())];
    if deployment::would_trip(world, cx, s, primary_tasks(world, s, failing)) {
        stop_and_trip(now, world, cx, ecs, s, failing, stopped);
        ecs.lists = lists;
        return false;
    }
    for &t in failing {
        stop_unhealthy(now, world, cx, ecs, s, t, stopped);
    }

    // 3. Tasks on DRAINING instances, those AZ rebalancing moves and those of older deployments (§3.3,
    // §3.5, §4.1): not-yet-healthy first; then healthy ones on DRAINING instances or moved by the
    // rebalancing, in creation order; then healthy tasks of older deployments by the placement strategy's
    // scale-in rule.
    let svc = &world.services[s.index()];
    let only_old = |t: TaskIdx| {
        let task = world.task(t);
        svc.is_old(task.deployment)
            && !task.on_draining_instance
            && !az_rebalancing::is_victim(world, s, t)
    };
    replace.sort_by_key(|&t| (world.task(t).counts_as_healthy(), only_old(t), t));
    let n = (decision.replaced as usize).min(replace.len());
    let first_old = replace[..n]
        .iter()
        .position(|&t| world.task(t).counts_as_healthy() && only_old(t));
    if let Some(k) = first_old {
        // Healthy tasks of older deployments are chosen by the scale-in rule among all of them.
        let candidates: Vec<TaskIdx> = replace[k..].to_vec();
        let chosen = placement::choose_tasks_to_stop(world, cx, s, &candidates, (n - k) as u32);
        replace.truncate(k);
        replace.extend(chosen);
    } else {
        replace.truncate(n);
    }
    for &t in replace.iter() {
        if az_rebalancing::is_victim(world, s, t) {
            scheduler_stop(now, world, cx, ecs, s, t, rebalanced);
        } else {
            scheduler_stop(now, world, cx, ecs, s, t, stopped);
        }
    }
    az_rebalancing::write_stopped(now, world, cx, s, rebalanced);

    // 4. Scale in.
    if decision.surplus > 0 {
        if plain {
            keep.extend(world.active_tasks_of(s));
        }
        let victims = placement::choose_tasks_to_stop(world, cx, s, keep, decision.surplus);
        for t in victims {
            scheduler_stop(now, world, cx, ecs, s, t, stopped);
        }
    }
    write_stopped_event(now, world, cx, &spec.name, stopped);

    // Stuck: nothing may start or stop, and no task is still on its way to healthy (§4.1, §3.3).
    if decision.stuck {
        let message = format!(
            "service {} was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.",
            spec.name
        );
        service_event_once(
            now,
            world,
            cx,
            s,
            "SERVICE_DEPLOYMENT_STUCK",
            deployment::STUCK_KEY,
            message,
        );
    }
    let settled = unplaced == 0
        && inputs.unhealthy + inputs.replaced == 0
        && stopped.is_empty()
        && rebalanced.is_empty()
        && inputs.kept() == inputs.desired
        && wanted == 0;
    ecs.lists = lists;
    settled
}

/// `explain`: one step of a deployment with its arithmetic (ECS-SEMANTICS §4.1), e.g. "desired 4,
/// minimumHealthyPercent 50 → at least 2 healthy; maximumPercent 200 → at most 8; 4 tasks (4 healthy), 4
/// old → start min(8 − 4, 4 − 0) = 4, stop min(4 − 2, 4) = 2". `old` counts the tasks to replace that
/// belong to older deployments; the others are on DRAINING instances, UNHEALTHY or moved by AZ rebalancing.
fn narrate_deployment_step(
    now: SimTime,
    svc: &crate::world::ServiceState,
    cx: &mut Cx,
    i: &plan::Inputs,
    old: u32,
    wanted: u32,
    decision: &plan::Stops,
) {
    if wanted == 0 && decision.replaced == 0 && decision.unhealthy == 0 && !decision.stuck {
        return;
    }
    let (d, min, max) = (i.desired, i.minimum_healthy_percent, i.maximum_percent);
    let floor = minimum_healthy_tasks(d, min);
    let ceiling = maximum_tasks(d, max);
    let others = i.replaced + i.unhealthy - old;
    let mut text = format!(
        "Deployment {} of service {}: desired {d}, minimumHealthyPercent {min} → at least {floor} healthy; maximumPercent {max} → at most {ceiling}; {} tasks ({} healthy), {old} old",
        svc.primary().id,
        svc.name,
        i.active,
        i.healthy,
    );
    if others > 0 {
        text.push_str(&format!(
            " and {others} more to replace (DRAINING, UNHEALTHY or moved by AZ rebalancing)"
        ));
    }
    text.push_str(&format!(
        " → start min({ceiling} − {}, {d} − {}) = {wanted}, stop min({} − {floor}, {}) = {}",
        i.active,
        i.kept(),
        i.healthy,
        i.replaced,
        decision.replaced
    ));
    if decision.unhealthy > 0 {
        text.push_str(&format!(" and {} UNHEALTHY", decision.unhealthy));
    }
    if decision.stuck {
        text.push_str(": nothing may start or stop, the deployment is stuck");
    }
    text.push('.');
    cx.rec.narrate(now, text);
}

/// How many of `tasks` belong to the PRIMARY deployment of `s`.
fn primary_tasks(world: &World, s: ServiceIdx, tasks: &[TaskIdx]) -> u32 {
    let primary = world.services[s.index()].primary_index();
    tasks
        .iter()
        .filter(|&&t| world.task(t).deployment == Some(primary))
        .count() as u32
}

/// Stops the UNHEALTHY `tasks` of service `s`, which trip its circuit breaker: the "has stopped" event
/// first, then each failure counted, so that `events.csv` tells the stops, then the FAILED deployment, then
/// the rollback. The rest of the reconcile is left to the one the trip requests.
fn stop_and_trip(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    tasks: &[TaskIdx],
    stopped: &mut Vec<TaskIdx>,
) {
    let first = stopped.len();
    for &t in tasks {
        stop_as_unhealthy(now, world, cx, ecs, t, stopped);
    }
    write_stopped_event(now, world, cx, &world.services[s.index()].name, stopped);
    for &t in &stopped[first..] {
        let how = failure_of(world, t);
        deployment::on_task_failed(now, world, cx, &mut ecs.scheduler, t, how);
    }
}

/// Stops an UNHEALTHY task of service `s` (ECS-SEMANTICS §3.2) and counts it for the deployment circuit
/// breaker (§4.3 stage 2).
fn stop_unhealthy(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    t: TaskIdx,
    stopped: &mut Vec<TaskIdx>,
) {
    debug_assert_eq!(world.task(t).service, Some(s));
    stop_as_unhealthy(now, world, cx, ecs, t, stopped);
    let how = failure_of(world, t);
    deployment::on_task_failed(now, world, cx, &mut ecs.scheduler, t, how);
}

/// Stops task `t` with the stop reason of its failed health check and records it in `stopped`; the callers
/// then tell the circuit breaker, each in its own order.
fn stop_as_unhealthy(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    t: TaskIdx,
    stopped: &mut Vec<TaskIdx>,
) {
    let reason = unhealthy_reason(world, t);
    task_lifecycle::stop(
        now,
        world,
        cx,
        &mut ecs.scheduler,
        t,
        StopCode::ServiceSchedulerInitiated,
        reason,
    );
    stopped.push(t);
}

/// The `stoppedReason` of unhealthy task `t`: a target's group's "Task failed ELB health checks in
/// (target-group <ARN>)" when a load balancer found it unhealthy, else the container health check's.
fn unhealthy_reason(world: &World, t: TaskIdx) -> std::sync::Arc<str> {
    world
        .task(t)
        .targets
        .indices()
        .find(|&x| world.targets[x.index()].health == crate::world::TargetHealth::Unhealthy)
        .map_or_else(
            || UNHEALTHY_REASON.clone(),
            |x| {
                let tg = world.targets[x.index()].target_group;
                world.target_groups[tg.index()].failed_reason.clone()
            },
        )
}

/// Which health check failed task `t` for the circuit breaker: a load balancer's when the task was stopped
/// with its target group's reason, else its container health check.
fn failure_of(world: &World, t: TaskIdx) -> Failure {
    let task = world.task(t);
    let elb = task.stopped_reason.as_ref().is_some_and(|r| {
        task.targets.indices().any(|x| {
            let tg = world.targets[x.index()].target_group;
            std::sync::Arc::ptr_eq(r, &world.target_groups[tg.index()].failed_reason)
        })
    });
    if elb {
        Failure::ElbHealthCheck
    } else {
        Failure::ContainerHealthCheck
    }
}

/// `stoppedReason` of a task stopped for failing its container health check.
pub static UNHEALTHY_REASON: std::sync::LazyLock<std::sync::Arc<str>> =
    std::sync::LazyLock::new(|| std::sync::Arc::from("Task failed container health checks"));

/// UNHEALTHY, and past `healthCheckGracePeriodSeconds` since it started (§3.2): the scheduler may act.
fn is_unhealthy_past_grace(now: SimTime, world: &World, cx: &Cx, t: TaskIdx) -> bool {
    let task = world.task(t);
    let grace = task.service.map_or(SimDuration::ZERO, |s| {
        cx.scenario.services[s.index()].health_check_grace_period
    });
    task.is_unhealthy() && task.times.running.is_some_and(|r| now >= r + grace)
}

/// Launches up to `n` tasks of a REPLICA service; returns how many were not started (unplaced, or held back
/// by throttling).
fn launch(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    n: u32,
) -> u32 {
    let svc = &world.services[s.index()];
    let failures = svc.consecutive_start_failures;
    if failures >= THROTTLE_AFTER_FAILURES && svc.throttled_at_failures != failures {
        let name = svc.name.clone();
        let svc = &mut world.services[s.index()];
        svc.throttled_at_failures = failures;
        svc.launch_not_before = now + throttle_delay(failures);
        if !svc.throttle_event_written {
            svc.throttle_event_written = true;
            cx.rec.event(
                now,
                Scope::Service,
                &name,
                "SERVICE_TASK_START_IMPAIRED",
                format_args!("service {name} is unable to consistently start tasks successfully."),
            );
        }
    }
    let svc = &mut world.services[s.index()];
    let not_before = svc.launch_not_before;
    if now < not_before {
        if svc.throttle_timer != Some(not_before) {
            svc.throttle_timer = Some(not_before);
            cx.schedule(not_before, Phase::Reconcile, Event::ServiceReconcile(s));
        }
        return n;
    }
    let scenario = cx.scenario;
    let spec = &scenario.services[s.index()];
    let group = world.services[s.index()].group.clone();
    let td = world.services[s.index()].task_definition();
    let request = |zone| PlacementRequest {
        td,
        group: &group,
        placement: &spec.placement,
        default: DefaultPlacement::Service,
        zone,
        service: Some(s),
    };
    let mut homes = std::mem::take(&mut ecs.launches.homes);
    homes.clear();
    // Starts an AZ rebalancing planned go to their zones (§3.5).
    let targeted = az_rebalancing::take_starts(world, s, n);
    let mut started = 0;
    for (zone, count) in runs(&targeted) {
        let name = &scenario.cluster.availability_zones[zone];
        let failure = placement::choose_homes(
            now,
            world,
            cx,
            &mut ecs.placement,
            &spec.launch,
            request(Some(name)),
            count as u32,
            &mut homes,
        );
        let mut tasks = std::mem::take(&mut ecs.launches.started);
        tasks.clear();
        create_tasks(now, world, cx, ecs, s, &mut homes, &mut tasks);
        az_rebalancing::write_started(now, world, cx, s, zone, &tasks);
        started += tasks.len() as u32;
        ecs.launches.started = tasks;
        if failure.is_some() {
            az_rebalancing::abandon(now, world, cx, s, zone);
            break;
        }
    }
    let rest = n - started;
    let failure = placement::choose_homes(
        now,
        world,
        cx,
        &mut ecs.placement,
        &spec.launch,
        request(None),
        rest,
        &mut homes,
    );
    let missing = rest - homes.len() as u32;
    start_tasks(now, world, cx, ecs, s, &mut homes);
    ecs.launches.homes = homes;
    count_unplaced(now, world, cx, s, missing);
    if let Some(unplaced) = failure {
        placement_failed(now, world, cx, ecs, s, &unplaced);
    }
    missing
}

/// Counts in `cluster.placement_failures` the tasks of `s` that an attempt left unplaced, each once however
/// many retries it waits through (SPEC §4): only the unplaced tasks beyond those the previous attempt
/// already counted are new.
fn count_unplaced(now: SimTime, world: &mut World, cx: &mut Cx, s: ServiceIdx, unplaced: u32) {
    let svc = &mut world.services[s.index()];
    if unplaced > svc.unplaced_counted {
        let new = unplaced - svc.unplaced_counted;
        count_placement_failures(world, cx, now, new);
    }
    world.services[s.index()].unplaced_counted = unplaced;
}

/// Creates one task of service `s` at `home` (it starts PROVISIONING).
pub fn create_service_task(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    home: TaskHome,
) -> TaskIdx {
    let group = world.services[s.index()].group.clone();
    let td = world.services[s.index()].task_definition();
    let new = NewTask::at(world, td, Some(s), group, home);
    task_lifecycle::create(now, world, cx, &mut ecs.scheduler, new)
}

/// Starts one task of service `s` per home (taking them out of `homes`) and writes the "has started N
/// tasks" event.
fn start_tasks(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    homes: &mut Vec<TaskHome>,
) {
    let mut started = std::mem::take(&mut ecs.launches.started);
    started.clear();
    create_tasks(now, world, cx, ecs, s, homes, &mut started);
    write_started_event(now, world, cx, s, &started);
    ecs.launches.started = started;
}

/// Creates one task of service `s` per home (taking them out of `homes`), appends them to `started` and
/// counts them in `tasks_started`.
fn create_tasks(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    homes: &mut Vec<TaskHome>,
    started: &mut Vec<TaskIdx>,
) {
    let before = started.len();
    for h in homes.drain(..) {
        started.push(create_service_task(now, world, cx, ecs, s, h));
    }
    if now >= cx.warmup {
        world.services[s.index()].tasks_started += (started.len() - before) as u64;
    }
}

/// The buffers a launch fills — where its tasks go, which were created — kept between reconciles so that
/// their capacity is reused (STYLE.md §14).
#[derive(Debug, Default)]
pub struct Launches {
    homes: Vec<TaskHome>,
    started: Vec<TaskIdx>,
}

/// `[a, a, b]` → `[(a, 2), (b, 1)]`.
fn runs(zones: &[usize]) -> Vec<(usize, usize)> {
    zones
        .chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len()))
        .collect()
}

/// Tasks of `s` could not be placed: write the AWS service event once per cause (§1.7), and wait for a
/// capacity change, a service update or the retry timer before trying again.
fn placement_failed(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    unplaced: &placement::Unplaced,
) {
    let name = world.services[s.index()].name.clone();
    let key = format!("placement:{}", unplaced.reason());
    let message = unplaced.service_message(&name);
    service_event_once(
        now,
        world,
        cx,
        s,
        "SERVICE_TASK_PLACEMENT_FAILURE",
        &key,
        message,
    );
    world.services[s.index()].placement_blocked = true;
    ecs.scheduler.wait_for_room(s);
    schedule_retry(now, world, cx, s);
}

fn schedule_retry(now: SimTime, world: &mut World, cx: &mut Cx, s: ServiceIdx) {
    let svc = &mut world.services[s.index()];
    if !svc.retry_scheduled {
        svc.retry_scheduled = true;
        let at = now + cx.scenario.services[s.index()].placement_retry_interval;
        cx.schedule(at, Phase::Reconcile, Event::PlacementRetry(s));
    }
}

/// The placement retry timer fired.
pub fn on_placement_retry(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) {
    let svc = &mut world.services[s.index()];
    svc.retry_scheduled = false;
    svc.placement_blocked = false;
    ecs.scheduler.request_reconcile(cx, now, s);
}
