//! The service scheduler (ECS-SEMANTICS §3, §4.1): keeps each service at its desired count.
//!
//! REPLICA services follow the reconcile rule of §4.1 (DECIDED), with the tasks to be replaced — those on
//! DRAINING instances (§3.3) — in the role of an older deployment's tasks:
//! 1. start min(floor(d·max/100) − A, d − N_keep) tasks;
//! 2. stop min(H − ceil(d·min/100), N_replace) tasks to be replaced, not-yet-healthy ones first;
//! 3. stop surplus kept tasks above d (scale-in), not-yet-running first, then by the placement strategy's
//!    scale-in rule.
//!
//! Here A counts tasks whose desiredStatus is RUNNING, N_keep those not to be replaced, and H those counted
//! healthy. UNHEALTHY tasks are stopped at once (they count as neither healthy nor wanted) and replaced
//! within `maximumPercent`. DAEMON services run one task on every ACTIVE instance that satisfies their
//! constraints, are placed first and stopped last on DRAINING instances (§3.1).
//!
//! Unplaced tasks are not created; the service retries on every capacity change and every
//! `placement_retry_interval`, writing its placement-failure event once per cause (again after 6 h or after
//! the cause cleared) (§1.7, DECIDED). Tasks that never reach RUNNING throttle launches: after the third
//! consecutive failure the scheduler waits 1 min, doubling per further failure up to 27 min (§3.2, DECIDED
//! model).

use crate::ecs::task_placement::{self as placement, DefaultPlacement, PlacementRequest};
use crate::engine::{Phase, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::Scope;
use crate::scenario::SchedulingStrategy;

use super::Ecs;
use crate::world::{
    InstanceIdx, InstanceStatus, ServiceIdx, StopCode, TaskHome, TaskIdx, TaskStatus, World,
};

pub use super::capacity_provider_strategy::launch_type_of;
use super::task_lifecycle::{self, NewTask};
pub use super::wakeups::{DaemonScope, Wakeups};

mod az_rebalancing;
pub mod plan;
pub use az_rebalancing::{IMBALANCE_THRESHOLD_TASKS, plan_moves};

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
        SchedulingStrategy::Daemon => reconcile_daemon(now, world, cx, ecs, s),
    };
    let steady = update_steady_state(now, world, cx, s, settled);
    // A steady service is watched for AZ imbalance (§3.5); a rebalancing that starts is carried out by the
    // next reconcile, at the same instant.
    if steady && az_rebalancing::on_steady(now, world, cx, ecs, s) {
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
    // Nothing to replace (no task on a DRAINING instance, none UNHEALTHY, no AZ rebalancing): the counters
    // say all the rule needs, without looking at a task.
    let plain =
        svc.counters.on_draining == 0 && svc.counters.unhealthy == 0 && svc.rebalancing.is_none();

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

    // Tasks to replace: those on DRAINING instances, UNHEALTHY ones past the grace period (§3.2), and those an
    // AZ rebalancing moves out of their zone (§3.5); UNHEALTHY ones are replaced by their own rule.
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
                || az_rebalancing::is_victim(world, s, t);
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

    // 1. Start.
    let wanted = plan::starts(&inputs);
    let unplaced = match wanted {
        0 => 0,
        _ if world.services[s.index()].placement_blocked => wanted,
        _ => launch(now, world, cx, ecs, s, wanted),
    };
    let decision = plan::stops(&inputs, wanted, wanted - unplaced);

    // 2. UNHEALTHY tasks (§3.2).
    for &t in unhealthy.iter().take(decision.unhealthy as usize) {
        task_lifecycle::stop(
            now,
            world,
            cx,
            &mut ecs.scheduler,
            t,
            StopCode::ServiceSchedulerInitiated,
            unhealthy_reason(world, t),
        );
        stopped.push(t);
    }

    // 3. Tasks on DRAINING instances and those AZ rebalancing moves, not-yet-healthy first (§3.3, §3.5).
    replace.sort_by_key(|&t| (world.task(t).counts_as_healthy(), t));
    for &t in replace.iter().take(decision.replaced as usize) {
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
            "stuck",
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

fn reconcile_daemon(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) -> bool {
    let name = cx.scenario.services[s.index()].name.clone();
    let mut stopped = Vec::new();
    let mut failure: Option<placement::Unplaced> = None;
    let blocked = world.services[s.index()].placement_blocked;
    // The instances it was woken for (a timer or the start: all of them).
    let instances: Vec<InstanceIdx> = match ecs.scheduler.take_scope(s) {
        DaemonScope::Instances(mut v) => {
            v.sort_unstable();
            v.dedup();
            v
        }
        DaemonScope::All | DaemonScope::Nothing => {
            (0..world.instances.len() as u32).map(InstanceIdx).collect()
        }
    };
    let n = world.instances.len();
    let svc = &mut world.services[s.index()];
    svc.eligible_instances.resize(n, false);
    svc.unplaced_instances.resize(n, false);
    // `explain`: what happened on each registered instance, told when the scheduler placed, stopped or could
    // not place a task (ECS-SEMANTICS §3.1).
    let mut story = DaemonStory::new(cx.rec.narrating());
    for inst in instances {
        let i = inst.index();
        // Looked at afresh: eligible and unplaced are set again below where they hold.
        let svc = &mut world.services[s.index()];
        svc.eligible_instances[i] = false;
        let was_unplaced = std::mem::replace(&mut svc.unplaced_instances[i], false);
        let status = world.instance(inst).status;
        if matches!(
            status,
            InstanceStatus::Launching | InstanceStatus::Terminated
        ) {
            continue;
        }
        let id = world.instance(inst).ec2_instance_id.clone();
        let mine: Vec<TaskIdx> = world
            .instance(inst)
            .tasks
            .iter()
            .copied()
            .filter(|&t| world.task(t).service == Some(s) && world.task(t).is_active())
            .collect();
        if status == InstanceStatus::Draining {
            // PENDING daemon tasks stop at once; running ones last, once every REPLICA service task on the
            // instance has stopped (standalone tasks are unaffected by draining and are not waited for).
            let replicas_left = world.instance(inst).tasks.iter().any(|&t| {
                world.task(t).service.is_some_and(|o| {
                    cx.scenario.services[o.index()].scheduling_strategy
                        == SchedulingStrategy::Replica
                })
            });
            let mut waits = false;
            for &t in &mine {
                if !replicas_left || world.task(t).last_status < TaskStatus::Running {
                    scheduler_stop(now, world, cx, ecs, s, t, &mut stopped);
                    story.acted = true;
                } else {
                    waits = true;
                }
            }
            story.line(|| match (mine.is_empty(), waits) {
                (true, _) => format!("{id} is DRAINING: it receives no daemon task."),
                (false, true) => format!(
                    "{id} is DRAINING: its daemon task stops last, once the other service tasks on it have stopped."
                ),
                (false, false) => format!(
                    "{id} is DRAINING and no other service task is left on it: its daemon task stops."
                ),
            });
            continue;
        }
        if let Some(violated) = placement::daemon_violation(world, cx, &mut ecs.placement, s, inst)
        {
            // Tasks on an instance that no longer satisfies the constraints are stopped (§3.1).
            story.line(|| {
                let then = if mine.is_empty() {
                    "no task"
                } else {
                    "its task stops"
                };
                format!("{id} does not satisfy {violated}: {then}.")
            });
            if !mine.is_empty() {
                story.acted = true;
                for t in mine {
                    scheduler_stop(now, world, cx, ecs, s, t, &mut stopped);
                }
                let message = format!(
                    "(service {name}) stopped its task on container instance {id}, which no longer satisfies the service's placement constraints."
                );
                cx.rec.event(
                    now,
                    Scope::Service,
                    &name,
                    "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
                    format_args!("{message}"),
                );
            }
            continue;
        }
        world.services[s.index()].eligible_instances[i] = true;
        for t in mine {
            if is_unhealthy_past_grace(now, world, cx, t) {
                task_lifecycle::stop(
                    now,
                    world,
                    cx,
                    &mut ecs.scheduler,
                    t,
                    StopCode::ServiceSchedulerInitiated,
                    unhealthy_reason(world, t),
                );
                stopped.push(t);
                story.acted = true;
                story.line(|| format!("{id}: its task is UNHEALTHY and stops; a new one follows."));
            }
        }
        // A task of this service still on the instance (running, or stopping and holding its resources)
        // means there is nothing to place yet; its STOPPED transition reconciles again.
        let own: Vec<bool> = world
            .instance(inst)
            .tasks
            .iter()
            .filter(|&&t| world.task(t).service == Some(s))
            .map(|&t| world.task(t).is_active())
            .collect();
        if !own.is_empty() {
            if own.iter().any(|active| !active) {
                story.line(|| format!("{id}: waits for its stopping task to stop."));
            } else {
                story.line(|| format!("{id} runs its task already."));
            }
            continue;
        }
        if blocked {
            world.services[s.index()].unplaced_instances[i] = was_unplaced;
            story.line(|| format!("{id}: waits for capacity (the placement retry)."));
            continue;
        }
        match placement::daemon_fits(world, cx, &mut ecs.placement, s, inst) {
            Ok(()) => {
                let mut homes = std::mem::take(&mut ecs.launches.homes);
                homes.clear();
                homes.push(TaskHome::Instance(inst));
                start_tasks(now, world, cx, ecs, s, &mut homes);
                ecs.launches.homes = homes;
                story.acted = true;
                story.line(|| format!("{id}: placed a task."));
            }
            Err(unplaced) => {
                // Each instance its task does not fit on counts once, however many retries (SPEC §4).
                world.services[s.index()].unplaced_instances[i] = true;
                if !was_unplaced {
                    count_placement_failures(world, cx, now, 1);
                }
                story.acted = true;
                story.line(|| format!("{id}: not placed: {}.", unplaced.failure));
                failure.get_or_insert(unplaced);
            }
        }
    }
    let svc = &world.services[s.index()];
    let eligible = svc.eligible_instances.iter().filter(|&&e| e).count() as u32;
    world.set_desired_count(s, eligible);
    story.tell(now, cx, &name, eligible);
    write_stopped_event(now, world, cx, &name, &stopped);
    let failed = failure.is_some();
    if let Some(unplaced) = failure {
        placement_failed(now, world, cx, ecs, s, &unplaced);
    }
    // Settled: one task with desiredStatus RUNNING on every eligible instance and on no other, nothing
    // waiting for room, nothing stopped now.
    let svc = &world.services[s.index()];
    let (mut on_eligible, mut active) = (0, 0);
    for t in world.active_tasks_of(s) {
        active += 1;
        if world
            .task(t)
            .instance
            .is_some_and(|i| svc.eligible_instances.get(i.index()) == Some(&true))
        {
            on_eligible += 1;
        }
    }
    !failed
        && !svc.placement_blocked
        && stopped.is_empty()
        && on_eligible == active
        && active == eligible
}

/// The `explain` narration of one DAEMON reconcile: a line per registered instance, told only when the
/// scheduler did something (placed, stopped, or could not place a task).
struct DaemonStory {
    lines: Option<Vec<String>>,
    acted: bool,
}

impl DaemonStory {
    fn new(narrating: bool) -> Self {
        DaemonStory {
            lines: narrating.then(Vec::new),
            acted: false,
        }
    }

    fn line(&mut self, sentence: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.push(sentence());
        }
    }

    fn tell(self, now: SimTime, cx: &mut Cx, service: &str, eligible: u32) {
        let Some(lines) = self.lines else {
            return;
        };
        if !self.acted {
            return;
        }
        let mut text = format!(
            "DAEMON service {service}: one task on each ACTIVE instance that satisfies its constraints ({eligible} such instance{}).",
            if eligible == 1 { "" } else { "s" }
        );
        for l in lines {
            text.push('\n');
            text.push_str(&l);
        }
        cx.rec.narrate(now, text);
    }
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

/// `(task …) (task …)` as ECS lists tasks in service events, written without building a string.
struct TaskList<'a>(&'a World, &'a [TaskIdx]);

impl std::fmt::Display for TaskList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, &t) in self.1.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "(task {})", self.0.task(t).task_id)?;
        }
        Ok(())
    }
}

fn task_list<'a>(world: &'a World, tasks: &'a [TaskIdx]) -> TaskList<'a> {
    TaskList(world, tasks)
}

fn write_started_event(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    s: ServiceIdx,
    started: &[TaskIdx],
) {
    if started.is_empty() {
        return;
    }
    let name = &world.services[s.index()].name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "TASKS_STARTED",
        format_args!(
            "(service {name}) has started {} tasks: {}.",
            started.len(),
            task_list(world, started)
        ),
    );
}

fn write_stopped_event(now: SimTime, world: &World, cx: &mut Cx, name: &str, stopped: &[TaskIdx]) {
    if stopped.is_empty() {
        return;
    }
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "TASKS_STOPPED",
        format_args!(
            "(service {name}) has stopped {} running tasks: {}.",
            stopped.len(),
            task_list(world, stopped)
        ),
    );
}

/// Writes a service event unless an event with the same cause (`key`) was written less than 6 h ago and the
/// cause has not cleared since (ECS-SEMANTICS §1.7).
fn service_event_once(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    s: ServiceIdx,
    kind: &'static str,
    key: &str,
    message: String,
) {
    let svc = &mut world.services[s.index()];
    if svc
        .repeatable_events
        .get(key)
        .is_some_and(|at| now < *at + EVENT_REPEAT_AFTER)
    {
        return;
    }
    svc.repeatable_events.insert(key.to_string(), now);
    let name = svc.name.clone();
    cx.rec
        .event(now, Scope::Service, &name, kind, format_args!("{message}"));
}

/// Writes the steady-state event when the service enters steady state; returns whether it is steady.
fn update_steady_state(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    s: ServiceIdx,
    settled: bool,
) -> bool {
    // Steady: every task RUNNING and healthy, and none still on its way out (a stopping task's replacement
    // may already be running, but the service has not settled until the old task is gone).
    let svc = &world.services[s.index()];
    let all_healthy = svc.tasks.len() as u32 == svc.counters.steady;
    let steady = settled && all_healthy;
    let svc = &mut world.services[s.index()];
    if steady && !svc.steady {
        // The cause of any repeated event has cleared.
        svc.repeatable_events.clear();
        let completes = !svc.primary().completed;
        if completes {
            svc.primary_mut().completed = true;
            if now >= cx.warmup {
                svc.deployments_completed += 1;
            }
        }
        let svc = &world.services[s.index()];
        let name = &svc.name;
        if completes {
            let deployment = &svc.primary().id;
            cx.rec.event(
                now,
                Scope::Service,
                name,
                "SERVICE_DEPLOYMENT_COMPLETED",
                format_args!("(service {name}) (deployment {deployment}) deployment completed."),
            );
        }
        cx.rec.event(
            now,
            Scope::Service,
            name,
            "SERVICE_STEADY_STATE",
            format_args!("(service {name}) has reached a steady state."),
        );
    }
    world.services[s.index()].steady = steady;
    steady
}
