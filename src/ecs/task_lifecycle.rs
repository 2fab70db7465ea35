//! The task lifecycle (ECS-SEMANTICS §2): how long each state lasts and what happens on each transition.
//!
//! PROVISIONING (Fargate capacity; instantaneous on EC2) → PENDING (image pull, cached per instance; every
//! Fargate task pulls) → ACTIVATING (uniform 1–5 s, DECIDED §11.3) → RUNNING → STOPPING (the slowest
//! container's min(shutdown time, `stopTimeout`)) → STOPPED. DEACTIVATING (deregistration delay) and
//! DEPROVISIONING belong to load balancers and ENIs, which this milestone does not delay.
//!
//! Health for the service (ECS-SEMANTICS §4.1): without a container health check a task counts as healthy
//! after 40 s RUNNING; with one, when every essential container's check has passed. Checks are not stepped
//! probe by probe: the time of the first passing (or `retries`-th failing) probe is computed directly,
//! which gives the same instants as probing every interval (DESIGN.md: skip what provably cannot change).
//!
//! Each random process of the tasks of a group draws from its own stream, `task/<group>/<what>`
//! (`activating`, `startup_time/<image>`, `crash/<image>`, ...), so a change to one service never shifts
//! another's numbers (DESIGN.md; common random numbers across variants).

use std::sync::{Arc, LazyLock};

use crate::engine::{Phase, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::Scope;
use crate::scenario::LaunchType;

use super::deployment::{self, Failure};
use super::wakeups::Wakeups;
use crate::world::{
    HealthStatus, InstanceIdx, ServiceIdx, StopCode, Task, TaskDefIdx, TaskHome, TaskIdx,
    TaskStatus, TaskTimes, World,
};

/// A task counts as healthy after this long RUNNING when the service has neither a load balancer nor a
/// container health check (ECS-SEMANTICS §4.1, BC-ECS DeploymentConfiguration).
pub const HEALTHY_AFTER_RUNNING_WITHOUT_CHECKS: SimDuration = SimDuration::from_secs(40);

/// ACTIVATING lasts uniformly 1–5 s on EC2 and Fargate (ECS-SEMANTICS §11.3, DECIDED).
pub const ACTIVATING_MS_MIN: u64 = 1_000;
/// Upper bound of ACTIVATING.
pub const ACTIVATING_MS_MAX: u64 = 5_000;

/// `stoppedReason` when an essential container exits (ECS-SEMANTICS §2.3), shared by every such task.
pub static ESSENTIAL_CONTAINER_EXITED: LazyLock<Arc<str>> =
    LazyLock::new(|| Arc::from("Essential container in task exited"));

/// What the caller decided about a new task.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// Its task definition.
    pub task_definition: TaskDefIdx,
    /// Owning service, if any.
    pub service: Option<ServiceIdx>,
    /// Task group.
    pub group: std::sync::Arc<str>,
    /// EC2 or FARGATE.
    pub launch_type: LaunchType,
    /// Capacity provider, if a strategy chose one.
    pub capacity_provider: Option<std::sync::Arc<str>>,
    /// The instance (EC2), already chosen by placement.
    pub instance: Option<InstanceIdx>,
    /// The zone.
    pub availability_zone: std::sync::Arc<str>,
}

impl NewTask {
    /// A task of `task_definition` in `group` (owned by `service`, if any) at `home`.
    pub fn at(
        world: &World,
        task_definition: TaskDefIdx,
        service: Option<ServiceIdx>,
        group: std::sync::Arc<str>,
        home: TaskHome,
    ) -> NewTask {
        let (launch_type, instance, availability_zone, capacity_provider) = match home {
            TaskHome::Instance(i) => (
                LaunchType::Ec2,
                Some(i),
                world.instance(i).availability_zone.clone(),
                None,
            ),
            TaskHome::AwaitingCapacity => (LaunchType::Ec2, None, "".into(), None),
            TaskHome::Fargate {
                zone,
                capacity_provider,
            } => (LaunchType::Fargate, None, zone, capacity_provider),
        };
        NewTask {
            task_definition,
            service,
            group,
            launch_type,
            capacity_provider,
            instance,
            availability_zone,
        }
    }
}

/// Creates a task at `now` and starts its lifecycle; resources on its instance are reserved here.
pub fn create(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    new: NewTask,
) -> TaskIdx {
    let idx = TaskIdx(world.tasks.len() as u32);
    let rt = &world.taskdefs[new.task_definition.index()];
    let task = Task {
        task_id: crate::world::TaskId(idx.0 + 1),
        task_definition: new.task_definition,
        service: new.service,
        deployment: new
            .service
            .map(|s| world.services[s.index()].primary_index()),
        group: new.group,
        launch_type: new.launch_type,
        capacity_provider: new.capacity_provider,
        instance: new.instance,
        on_draining_instance: false,
        zone: world.zone_index(&new.availability_zone),
        availability_zone: new.availability_zone,
        last_status: TaskStatus::Provisioning,
        desired_running: true,
        health: HealthStatus::Unknown,
        app_ready: false,
        times: TaskTimes {
            created: Some(now),
            ..TaskTimes::default()
        },
        stop_code: None,
        stopped_reason: None,
        epoch: 0,
        cpu_units: rt.cpu_units,
        memory_mib: rt.memory_mib,
        used_cpu_units: rt.used_cpu_units,
        used_memory_mib: rt.used_memory_mib,
        reservation: None,
        crashed: false,
        stopped_unhealthy: false,
        load_balanced: new
            .service
            .is_some_and(|s| !cx.scenario.services[s.index()].load_balancers.is_empty()),
        targets: Default::default(),
        saturated: false,
    };
    let added = world.add_task(task);
    debug_assert_eq!(added, idx);
    if let Some(inst) = new.instance {
        world.reserve(idx, inst);
        sched.tasks_changed_on_instance(cx, now, inst);
    }
    // PROVISIONING: Fargate allocates capacity and an ENI; on EC2 the agent takes the task at once — once it
    // has an instance (a task created awaiting capacity stays PROVISIONING until `place_on` gives it one).
    let provisioning = match (new.launch_type, new.instance) {
        (LaunchType::Fargate, _) => {
            let group = &world.tasks[idx.index()].group;
            Some(cx.draw(
                format_args!("task/{group}/fargate_startup_time"),
                cx.scenario.fargate.startup_time,
            ))
        }
        (LaunchType::Ec2, Some(_)) => Some(SimDuration::ZERO),
        (LaunchType::Ec2, None) => None,
    };
    if let Some(d) = provisioning {
        schedule_advance(now + d, world, cx, idx);
    }
    idx
}

/// Gives a task that was created awaiting capacity (PROVISIONING on EC2 with no instance) its instance: its
/// resources are reserved there and its lifecycle goes on (ECS-SEMANTICS §8.2: a capacity provider's tasks
/// wait in PROVISIONING until an instance can take them).
pub fn place_on(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
    instance: InstanceIdx,
) {
    let t = world.task(task);
    assert!(
        t.instance.is_none() && t.last_status == TaskStatus::Provisioning && t.is_active(),
        "task {} is not awaiting capacity",
        t.task_id
    );
    let availability_zone = world.instance(instance).availability_zone.clone();
    let zone = world.zone_index(&availability_zone);
    {
        let mut t = world.task_mut(task);
        t.instance = Some(instance);
        t.availability_zone = availability_zone;
        t.zone = zone;
    }
    world.reserve(task, instance);
    sched.tasks_changed_on_instance(cx, now, instance);
    schedule_advance(now, world, cx, task);
}

fn schedule_advance(at: SimTime, world: &World, cx: &mut Cx, task: TaskIdx) {
    let epoch = world.task(task).epoch;
    cx.schedule(at, Phase::Transition, Event::TaskAdvance { task, epoch });
}

/// Whether a timer scheduled at `epoch` still applies to the task.
pub fn is_current(world: &World, task: TaskIdx, epoch: u32) -> bool {
    world.task(task).epoch == epoch
}

/// The current lifecycle step of `task` has ended: move it on.
pub fn on_advance(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
) {
    match world.task(task).last_status {
        TaskStatus::Provisioning => enter_pending(now, world, cx, task),
        TaskStatus::Pending => {
            world.task_mut(task).set_status(TaskStatus::Activating);
            // Load balancer registration happens in ACTIVATING (ECS-SEMANTICS §2.1).
            world.register_targets(cx.scenario, task, now);
            let group = &world.task(task).group;
            let ms = crate::engine::rng::uniform_ms(
                cx.rng.stream_fmt(format_args!("task/{group}/activating")),
                ACTIVATING_MS_MIN,
                ACTIVATING_MS_MAX,
            );
            schedule_advance(now + SimDuration::from_ms(ms), world, cx, task);
        }
        TaskStatus::Activating => enter_running(now, world, cx, sched, task),
        TaskStatus::Deactivating => enter_stopping(now, world, cx, task),
        TaskStatus::Stopping | TaskStatus::Deprovisioning => {
            enter_stopped(now, world, cx, sched, task)
        }
        TaskStatus::Running | TaskStatus::Stopped => {
            unreachable!("no timed step ends in {:?}", world.task(task).last_status)
        }
    }
}

fn enter_pending(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let (td, instance) = {
        let mut t = world.task_mut(task);
        t.set_status(TaskStatus::Pending);
        t.times.pull_started = Some(now);
        (t.task_definition, t.instance)
    };
    let rt = &world.taskdefs[td.index()];
    // Images pull in parallel; PENDING ends when the last image is on the instance. An image another task
    // is already pulling is ready when that pull ends; Fargate caches nothing, so every task pulls.
    let mut ready = now;
    for image in &rt.images {
        let pull_time = cx.scenario.image(image).pull_time;
        let at = match instance {
            None => now + pull_time,
            Some(i) => {
                let cached = &mut world.instances[i.index()].cached_images;
                match cached.get(image.as_str()) {
                    Some(&at) => at,
                    None => *cached.entry(image.clone()).or_insert(now + pull_time),
                }
            }
        };
        ready = ready.max(at);
    }
    schedule_advance(ready, world, cx, task);
}

fn enter_running(now: SimTime, world: &mut World, cx: &mut Cx, sched: &mut Wakeups, task: TaskIdx) {
    let (epoch, td, service, task_id) = {
        let mut t = world.task_mut(task);
        t.set_status(TaskStatus::Running);
        t.times.running = Some(now);
        (t.epoch, t.task_definition, t.service, t.task_id)
    };
    world.count_running(task, 1);
    if let Some(inst) = world.task(task).instance {
        sched.tasks_changed_on_instance(cx, now, inst);
    }
    deployment::on_task_running(world, task);
    if let Some(s) = service {
        let svc = &mut world.services[s.index()];
        svc.consecutive_start_failures = 0;
        svc.throttled_at_failures = 0;
        svc.throttle_event_written = false;
        sched.task_changed(cx, now, world, task);
    }
    if cx.rec.narrating() {
        cx.rec.narrate(
            now,
            format!(
                "Task {task_id} ({}) is RUNNING.",
                world.taskdefs[td.index()].name
            ),
        );
    }
    schedule_running_timers(now, world, cx, task, epoch, Start::Cold);
}

/// Schedules what follows RUNNING: the app answering, health, crashes and batch exits.
///
/// Container health checks (ECS-SEMANTICS §2.2): Docker probes every `interval` from container start; a
/// probe passes once the app answers (unless the image `fails_health_checks`), and a failing probe's result
/// is known when it times out. Failures before `startPeriod` do not count, and a pass inside it makes the
/// container HEALTHY. The container is UNHEALTHY after `retries` counted failures in a row before its first
/// pass. The task is HEALTHY when every essential container with a check is, UNHEALTHY as soon as one is.
pub fn schedule_running_timers(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    task: TaskIdx,
    epoch: u32,
    started: Start,
) {
    let td = world.task(task).task_definition.index();
    let group = &world.task(task).group;
    let essential = &world.taskdefs[td].essential;
    let mut app_ready = SimDuration::ZERO;
    let mut healthy_at = SimDuration::ZERO;
    let mut unhealthy_at: Option<SimDuration> = None;
    let mut any_check = false;
    let mut exit: Option<(SimDuration, bool)> = None;
    for c in essential {
        let ready = match started {
            Start::Cold => cx.draw(
                format_args!("task/{group}/startup_time/{}", c.image),
                c.behaviour.startup_time,
            ),
            // A warm task's app has been answering since before t = 0.
            Start::Warm => SimDuration::ZERO,
        };
        app_ready = app_ready.max(ready);
        if let Some(hc) = &c.health_check {
            any_check = true;
            match container_health(hc, ready, c.behaviour.fails_health_checks) {
                ContainerHealth::HealthyAt(at) => healthy_at = healthy_at.max(at),
                ContainerHealth::UnhealthyAt(at) => {
                    unhealthy_at = Some(unhealthy_at.map_or(at, |u| u.min(at)));
                }
            }
        }
        // Any essential container that exits stops the task (§2.3): the earliest exit wins.
        if let Some(d) = c.behaviour.exits_after {
            let after = cx.draw(format_args!("task/{group}/exits_after/{}", c.image), d);
            if exit.is_none_or(|(e, _)| after < e) {
                exit = Some((after, false));
            }
        }
        if c.behaviour.crash_rate_per_hour > 0.0 {
            let mean_ms = 3_600_000.0 / c.behaviour.crash_rate_per_hour;
            let rng = cx
                .rng
                .stream_fmt(format_args!("task/{group}/crash/{}", c.image));
            let after = SimDuration::from_ms(crate::engine::rng::exponential_ms(rng, mean_ms));
            if exit.is_none_or(|(e, _)| after < e) {
                exit = Some((after, true));
            }
        }
    }
    cx.schedule(
        now + app_ready,
        Phase::Transition,
        Event::TaskAppReady { task, epoch },
    );
    match (any_check, unhealthy_at) {
        // Behind a load balancer the targets' health decides (§4.1), not the 40 s rule.
        (false, _) if world.task(task).load_balanced => {}
        (false, _) => cx.schedule(
            now + HEALTHY_AFTER_RUNNING_WITHOUT_CHECKS,
            Phase::HealthCheck,
            Event::TaskHealthy { task, epoch },
        ),
        (true, Some(at)) => cx.schedule(
            now + at,
            Phase::HealthCheck,
            Event::TaskUnhealthy { task, epoch },
        ),
        (true, None) => cx.schedule(
            now + healthy_at,
            Phase::HealthCheck,
            Event::TaskHealthy { task, epoch },
        ),
    }
    if let Some((after, crashed)) = exit {
        cx.schedule(
            now + after,
            Phase::Transition,
            Event::TaskExit {
                task,
                epoch,
                crashed,
            },
        );
    }
}

/// How a RUNNING task came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Its containers just started.
    Cold,
    /// It was already running and answering at t = 0 (a warm start, SPEC §3.1).
    Warm,
}

/// When one container's health check settles, measured from container start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerHealth {
    /// HEALTHY at the first passing probe.
    HealthyAt(SimDuration),
    /// UNHEALTHY when the `retries`-th counted failure in a row times out.
    UnhealthyAt(SimDuration),
}

/// The health-check outcome of a container whose app answers `app_ready` after start (never, if `broken`).
pub fn container_health(
    hc: &crate::scenario::HealthCheck,
    app_ready: SimDuration,
    broken: bool,
) -> ContainerHealth {
    let interval = hc.interval.as_ms().max(1);
    // Probe k (k ≥ 1) runs at k · interval and passes iff the app answers by then.
    let first_pass = (!broken).then(|| app_ready.as_ms().div_ceil(interval).max(1));
    let first_counted = hc.start_period.as_ms().div_ceil(interval).max(1);
    let last_failure = first_counted + u64::from(hc.retries) - 1;
    match first_pass {
        Some(k) if k <= last_failure => {
            ContainerHealth::HealthyAt(SimDuration::from_ms(k * interval))
        }
        _ => {
            ContainerHealth::UnhealthyAt(SimDuration::from_ms(last_failure * interval) + hc.timeout)
        }
    }
}

/// The app inside the task starts answering (its load balancer health checks start passing).
pub fn on_app_ready(world: &mut World, task: TaskIdx) {
    world.task_mut(task).app_ready = true;
    world.lb_dirty.tasks.push(task);
}

/// The health of some of `task`'s targets changed (the `elb` controller applied it): the task counts as
/// healthy once every target is healthy and its container health check, if any, passed (ECS-SEMANTICS
/// §4.1); an unhealthy target makes the service replace it after the health-check grace period (§3.2).
pub fn on_targets_changed(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
) {
    let t = world.task(task);
    if !t.is_active() {
        return;
    }
    let has_checks = world.taskdefs[t.task_definition.index()]
        .essential
        .iter()
        .any(|c| c.health_check.is_some());
    let container_ok = !has_checks || t.health == HealthStatus::Healthy;
    if t.service.is_some()
        && t.times.healthy.is_none()
        && t.targets_healthy()
        && container_ok
        && !t.is_unhealthy()
    {
        world.task_mut(task).times.healthy = Some(now);
        deployment::on_task_healthy(now, world, cx, task);
    }
    let t = world.task(task);
    let (service, unhealthy, running) = (t.service, t.targets.unhealthy > 0, t.times.running);
    if let Some(s) = service {
        sched.task_changed(cx, now, world, task);
        recheck_after_grace(now, cx, s, unhealthy, running);
    }
}

/// Inside the health-check grace period the scheduler ignores an unhealthy result; it looks again when the
/// period ends.
fn recheck_after_grace(
    now: SimTime,
    cx: &mut Cx,
    s: crate::world::ServiceIdx,
    unhealthy: bool,
    running: Option<SimTime>,
) {
    let grace = cx.scenario.services[s.index()].health_check_grace_period;
    if unhealthy
        && let Some(running) = running
        && now < running + grace
    {
        cx.schedule(
            running + grace,
            Phase::Reconcile,
            Event::ServiceReconcile(s),
        );
    }
}

/// The task becomes healthy for its service.
pub fn on_healthy(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
) {
    let td = world.task(task).task_definition;
    let has_checks = world.taskdefs[td.index()]
        .essential
        .iter()
        .any(|c| c.health_check.is_some());
    let first = {
        let mut t = world.task_mut(task);
        if !t.is_active() {
            return;
        }
        if has_checks {
            t.health = HealthStatus::Healthy;
        }
        // Only a service counts tasks as healthy (ECS-SEMANTICS §4.1); a standalone task ignores its health
        // (§2.2), so its `healthy_s` stays empty (SPEC §4). Behind a load balancer its targets must be
        // healthy too.
        let first = t.service.is_some() && t.times.healthy.is_none() && t.targets_healthy();
        if first {
            t.times.healthy = Some(now);
        }
        first
    };
    if first && world.task(task).counts_as_healthy() {
        deployment::on_task_healthy(now, world, cx, task);
    }
    sched.task_changed(cx, now, world, task);
}

/// An essential container failed its health check `retries` times: the task is UNHEALTHY and its service
/// replaces it (ECS-SEMANTICS §2.2, §3.2).
pub fn on_unhealthy(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
) {
    let id = {
        let mut t = world.task_mut(task);
        if !t.is_active() {
            return;
        }
        t.health = HealthStatus::Unhealthy;
        t.task_id
    };
    cx.rec.event(
        now,
        Scope::Task,
        id,
        "TASK_UNHEALTHY",
        format_args!("Task {id} is UNHEALTHY: an essential container failed its health check."),
    );
    if let Some(s) = world.task(task).service {
        sched.task_changed(cx, now, world, task);
        let running = world.task(task).times.running;
        recheck_after_grace(now, cx, s, true, running);
    }
}

/// An essential container exited: every other container is stopped (ECS-SEMANTICS §2.3).
pub fn on_exit(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
    crashed: bool,
) {
    if !world.task(task).is_active() {
        return;
    }
    world.task_mut(task).crashed = crashed;
    stop(
        now,
        world,
        cx,
        sched,
        task,
        StopCode::EssentialContainerExited,
        ESSENTIAL_CONTAINER_EXITED.clone(),
    );
}

/// Sets desiredStatus to STOPPED and starts stopping the task.
pub fn stop(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
    code: StopCode,
    reason: Arc<str>,
) {
    if !world.task(task).desired_running {
        return;
    }
    // The task no longer counts in its group (spread, distinctInstance, task:group) from now on (§1.3).
    world.leave_group(task);
    if let Some(inst) = world.task(task).instance {
        sched.tasks_changed_on_instance(cx, now, inst);
    }
    {
        let mut t = world.task_mut(task);
        t.desired_running = false;
        t.epoch += 1;
        t.times.stop_requested = Some(now);
        t.stopped_unhealthy = t.is_unhealthy();
        t.stop_code = Some(code);
        t.stopped_reason = Some(reason);
    }
    if cx.rec.narrating() {
        let t = world.task(task);
        cx.rec.narrate(
            now,
            format!(
                "Task {} is stopping ({}): {}.",
                t.task_id,
                code.as_str(),
                t.stopped_reason.as_deref().unwrap_or_default()
            ),
        );
    }
    // Behind a load balancer the task deregisters first: DEACTIVATING for the deregistration delay, while
    // its targets drain (ECS-SEMANTICS §2.1, §5.2 DECIDED); then STOPPING.
    match world.deregister_targets(cx.scenario, task) {
        Some(delay) => {
            if cx.rec.narrating() {
                let id = world.task(task).task_id;
                cx.rec.narrate(
                    now,
                    format!(
                        "Task {id} deregisters from its target groups: DEACTIVATING for the {delay} deregistration delay (its targets drain and get no new requests), then STOPPING."
                    ),
                );
            }
            if world.task(task).last_status == TaskStatus::Running {
                world.count_running(task, -1);
            }
            world.task_mut(task).set_status(TaskStatus::Deactivating);
            schedule_advance(now + delay, world, cx, task);
        }
        None => enter_stopping(now, world, cx, task),
    }
    // The scheduler reacts to the desiredStatus change at once (ECS-SEMANTICS §3.2, §4.1: a task whose
    // desiredStatus is STOPPED counts toward neither bound), not when the task reaches STOPPED: a replacement
    // does not wait for a graceful shutdown or a deregistration delay.
    sched.task_changed(cx, now, world, task);
}

fn enter_stopping(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    if world.task(task).last_status == TaskStatus::Running {
        world.count_running(task, -1);
    }
    world.remove_targets(task);
    let stop_duration = world.taskdefs[world.task(task).task_definition.index()].stop_duration;
    let was_running = {
        let mut t = world.task_mut(task);
        let was_running = t.last_status >= TaskStatus::Running;
        t.set_status(TaskStatus::Stopping);
        t.times.stopping = Some(now);
        was_running
    };
    // A task that never started has no containers to signal.
    let d = if was_running {
        stop_duration
    } else {
        SimDuration::ZERO
    };
    schedule_advance(now + d, world, cx, task);
}

fn enter_stopped(now: SimTime, world: &mut World, cx: &mut Cx, sched: &mut Wakeups, task: TaskIdx) {
    world.remove_targets(task);
    {
        let mut t = world.task_mut(task);
        t.set_status(TaskStatus::Stopped);
        t.times.stopped = Some(now);
    }
    let t = world.task(task);
    // A task that never reached RUNNING failed to start (§3.2 throttling) unless it was stopped on purpose
    // or lost with its capacity. A failed task (SPEC §4): failed to start, crashed, or UNHEALTHY.
    let failed_to_start = t.times.running.is_none()
        && !matches!(
            t.stop_code,
            Some(
                StopCode::ServiceSchedulerInitiated
                    | StopCode::UserInitiated
                    | StopCode::TerminationNotice
                    | StopCode::SpotInterruption
            )
        );
    let failed = failed_to_start || t.crashed || t.stopped_unhealthy;
    let service = t.service;
    world.release(task);
    if let Some(s) = service {
        world.services[s.index()].tasks.retain(|x| *x != task);
        let svc = &mut world.services[s.index()];
        if failed_to_start {
            svc.consecutive_start_failures += 1;
        }
        if failed && now >= cx.warmup {
            svc.tasks_failed += 1;
        }
        // Stage 1 of the deployment circuit breaker counts tasks that never reached RUNNING (§4.3).
        if failed_to_start {
            deployment::on_task_failed(now, world, cx, sched, task, Failure::FailedToStart);
        }
    }
    // Its own service looks again, and the room it freed may let a waiting service place what it could not.
    sched.task_stopped(cx, now, world, task);
}

/// Terminates a task at once, without a graceful stop (its instance is gone).
pub fn kill(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    sched: &mut Wakeups,
    task: TaskIdx,
    code: StopCode,
    reason: Arc<str>,
) {
    stop(now, world, cx, sched, task, code, reason);
    if world.task(task).last_status != TaskStatus::Stopped {
        world.task_mut(task).epoch += 1;
        enter_stopped(now, world, cx, sched, task);
    }
}
