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

use crate::engine::{Phase, SimDuration, SimTime};
use crate::report::recorded::Scope;
use crate::scenario::LaunchType;
use crate::sim::{Cx, Event};
use crate::world::{
    HealthStatus, InstanceIdx, ServiceIdx, StopCode, Task, TaskDefIdx, TaskIdx, TaskStatus,
    TaskTimes, World,
};

/// A task counts as healthy after this long RUNNING when the service has neither a load balancer nor a
/// container health check (ECS-SEMANTICS §4.1, BC-ECS DeploymentConfiguration).
pub const HEALTHY_AFTER_RUNNING_WITHOUT_CHECKS: SimDuration = SimDuration::from_secs(40);

/// ACTIVATING lasts uniformly 1–5 s on EC2 and Fargate (ECS-SEMANTICS §11.3, DECIDED).
pub const ACTIVATING_MS_MIN: u64 = 1_000;
/// Upper bound of ACTIVATING.
pub const ACTIVATING_MS_MAX: u64 = 5_000;

/// What the caller decided about a new task.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// Its task definition.
    pub task_definition: TaskDefIdx,
    /// Owning service, if any.
    pub service: Option<ServiceIdx>,
    /// Task group.
    pub group: String,
    /// EC2 or FARGATE.
    pub launch_type: LaunchType,
    /// Capacity provider, if a strategy chose one.
    pub capacity_provider: Option<String>,
    /// The instance (EC2), already chosen by placement.
    pub instance: Option<InstanceIdx>,
    /// The zone.
    pub availability_zone: String,
}

/// Creates a task at `now` and starts its lifecycle; resources on its instance are reserved here.
pub fn create(now: SimTime, world: &mut World, cx: &mut Cx, new: NewTask) -> TaskIdx {
    let idx = TaskIdx(world.tasks.len() as u32);
    let rt = &cx.taskdefs[new.task_definition.index()];
    let task = Task {
        task_id: crate::world::task_id(idx.0 + 1),
        task_definition: new.task_definition,
        service: new.service,
        group: new.group,
        launch_type: new.launch_type,
        capacity_provider: new.capacity_provider,
        instance: new.instance,
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
        stopped_reason: String::new(),
        epoch: 0,
        cpu_units: rt.cpu_units,
        memory_mib: rt.memory_mib,
        used_cpu_units: rt.used_cpu_units,
        used_memory_mib: rt.used_memory_mib,
        reservation: None,
    };
    world.tasks.push(task);
    if let Some(inst) = new.instance {
        world.reserve(idx, inst, &rt.requirements);
    }
    if let Some(s) = new.service {
        world.services[s.index()].tasks.push(idx);
    }
    // PROVISIONING: Fargate allocates capacity and an ENI; on EC2 the agent takes the task at once.
    let provisioning = match new.launch_type {
        LaunchType::Fargate => cx.draw("fargate/startup_time", cx.scenario.fargate.startup_time),
        LaunchType::Ec2 => SimDuration::ZERO,
    };
    schedule_advance(now + provisioning, world, cx, idx);
    idx
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
pub fn on_advance(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    match world.task(task).last_status {
        TaskStatus::Provisioning => enter_pending(now, world, cx, task),
        TaskStatus::Pending => {
            world.task_mut(task).set_status(TaskStatus::Activating);
            let ms = crate::engine::rng::uniform_ms(
                cx.rng.stream("task/activating"),
                ACTIVATING_MS_MIN,
                ACTIVATING_MS_MAX,
            );
            schedule_advance(now + SimDuration::from_ms(ms), world, cx, task);
        }
        TaskStatus::Activating => enter_running(now, world, cx, task),
        TaskStatus::Deactivating => enter_stopping(now, world, cx, task),
        TaskStatus::Stopping | TaskStatus::Deprovisioning => enter_stopped(now, world, cx, task),
        TaskStatus::Running | TaskStatus::Stopped => {
            unreachable!("no timed step ends in {:?}", world.task(task).last_status)
        }
    }
}

fn enter_pending(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task_mut(task);
    t.set_status(TaskStatus::Pending);
    t.times.pull_started = Some(now);
    let (td, instance) = (t.task_definition, t.instance);
    let rt = &cx.taskdefs[td.index()];
    // Images pull in parallel; PENDING lasts as long as the slowest image not yet on the instance.
    let mut pull = SimDuration::ZERO;
    for image in &rt.images {
        let cached =
            instance.is_some_and(|i| world.instances[i.index()].cached_images.contains(image));
        if !cached {
            pull = pull.max(cx.scenario.image(image).pull_time);
        }
    }
    if let Some(i) = world.task(task).instance {
        let images = cx.taskdefs[world.task(task).task_definition.index()]
            .images
            .clone();
        world.instances[i.index()].cached_images.extend(images);
    }
    schedule_advance(now + pull, world, cx, task);
}

fn enter_running(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task_mut(task);
    t.set_status(TaskStatus::Running);
    t.times.running = Some(now);
    let (epoch, td, service, task_id) = (t.epoch, t.task_definition, t.service, t.task_id.clone());
    world.count_running(task, 1);
    if let Some(s) = service {
        let svc = &mut world.services[s.index()];
        svc.consecutive_start_failures = 0;
        svc.throttle_event_written = false;
        cx.request_reconcile(now, s);
    }
    if cx.rec.narrating() {
        cx.rec.narrate(
            now,
            format!(
                "Task {task_id} ({}) is RUNNING.",
                cx.taskdefs[td.index()].name
            ),
        );
    }
    schedule_running_timers(now, world, cx, task, epoch);
}

/// Schedules what follows RUNNING: the app answering, health, crashes and batch exits.
pub fn schedule_running_timers(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    task: TaskIdx,
    epoch: u32,
) {
    let td = world.task(task).task_definition.index();
    let essential = cx.taskdefs[td].essential.clone();
    let mut ready_after = SimDuration::ZERO;
    let mut crash_rate = 0.0;
    let mut broken = false;
    for (i, c) in essential.iter().enumerate() {
        let stream = format!("images/{}/startup_time", c.image);
        let _ = i;
        ready_after = ready_after.max(cx.draw(&stream, c.behaviour.startup_time));
        crash_rate += c.behaviour.crash_rate_per_hour;
        broken |= c.behaviour.fails_health_checks;
    }
    cx.schedule(
        now + ready_after,
        Phase::Transition,
        Event::TaskAppReady { task, epoch },
    );

    // Health for the service (§4.1). Container health checks decide when there are any.
    let checks: Vec<_> = essential
        .iter()
        .filter_map(|c| c.health_check.clone())
        .collect();
    if checks.is_empty() {
        cx.schedule(
            now + HEALTHY_AFTER_RUNNING_WITHOUT_CHECKS,
            Phase::HealthCheck,
            Event::TaskHealthy { task, epoch },
        );
    } else if broken {
        // The first failure that counts is the first probe at or after startPeriod; UNHEALTHY after `retries`
        // consecutive failures, each known when its probe times out.
        let unhealthy_at = checks
            .iter()
            .map(|hc| {
                let interval = hc.interval.as_ms();
                let first = hc.start_period.as_ms().div_ceil(interval).max(1);
                let last_probe = (first + u64::from(hc.retries) - 1) * interval;
                SimDuration::from_ms(last_probe) + hc.timeout
            })
            .min()
            .expect("non-empty");
        cx.schedule(
            now + unhealthy_at,
            Phase::HealthCheck,
            Event::TaskUnhealthy { task, epoch },
        );
    } else {
        // The first probe (every `interval` from container start) after the app answers passes.
        let healthy_at = checks
            .iter()
            .map(|hc| {
                let interval = hc.interval.as_ms();
                let k = ready_after.as_ms().div_ceil(interval).max(1);
                SimDuration::from_ms(k * interval)
            })
            .max()
            .expect("non-empty");
        cx.schedule(
            now + healthy_at,
            Phase::HealthCheck,
            Event::TaskHealthy { task, epoch },
        );
    }

    // Essential containers that exit: a batch job's run time, or a crash (a Poisson process per hour).
    let mut exit: Option<(SimDuration, bool)> = None;
    if let Some(d) = cx.taskdefs[td].exits_after {
        exit = Some((cx.draw("task/exits_after", d), false));
    }
    if crash_rate > 0.0 {
        let mean_ms = 3_600_000.0 / crash_rate;
        let at = SimDuration::from_ms(crate::engine::rng::exponential_ms(
            cx.rng.stream("task/crash"),
            mean_ms,
        ));
        if exit.is_none_or(|(e, _)| at < e) {
            exit = Some((at, true));
        }
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

/// The app inside the task starts answering.
pub fn on_app_ready(world: &mut World, task: TaskIdx) {
    world.task_mut(task).app_ready = true;
}

/// The task becomes healthy for its service.
pub fn on_healthy(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task_mut(task);
    if !t.is_active() {
        return;
    }
    if !cx.taskdefs[t.task_definition.index()]
        .essential
        .iter()
        .all(|c| c.health_check.is_none())
    {
        t.health = HealthStatus::Healthy;
    }
    if t.times.healthy.is_none() {
        t.times.healthy = Some(now);
    }
    if let Some(s) = t.service {
        cx.request_reconcile(now, s);
    }
}

/// An essential container failed its health check `retries` times: the task is UNHEALTHY and its service
/// replaces it (ECS-SEMANTICS §2.2, §3.2).
pub fn on_unhealthy(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task_mut(task);
    if !t.is_active() {
        return;
    }
    t.health = HealthStatus::Unhealthy;
    let id = t.task_id.clone();
    cx.rec.event(
        now,
        Scope::Task,
        &id,
        "TASK_UNHEALTHY",
        format!("Task {id} is UNHEALTHY: an essential container failed its health check."),
    );
    if let Some(s) = world.task(task).service {
        cx.request_reconcile(now, s);
    }
}

/// An essential container exited: every other container is stopped (ECS-SEMANTICS §2.3).
pub fn on_exit(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx, crashed: bool) {
    if !world.task(task).is_active() {
        return;
    }
    if crashed && let Some(s) = world.task(task).service {
        world.services[s.index()].tasks_failed += 1;
    }
    stop(
        now,
        world,
        cx,
        task,
        StopCode::EssentialContainerExited,
        "Essential container in task exited".to_string(),
    );
}

/// Sets desiredStatus to STOPPED and starts stopping the task.
pub fn stop(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    task: TaskIdx,
    code: StopCode,
    reason: String,
) {
    let t = world.task_mut(task);
    if !t.desired_running {
        return;
    }
    t.desired_running = false;
    t.epoch += 1;
    if t.health == HealthStatus::Unhealthy
        && let Some(s) = t.service
    {
        world.services[s.index()].tasks_failed += 1;
    }
    let t = world.task_mut(task);
    t.times.stop_requested = Some(now);
    t.stop_code = Some(code);
    t.stopped_reason = reason;
    if cx.rec.narrating() {
        let (id, reason) = (t.task_id.clone(), t.stopped_reason.clone());
        cx.rec.narrate(
            now,
            format!("Task {id} is stopping ({}): {reason}.", code.as_str()),
        );
    }
    enter_stopping(now, world, cx, task);
}

fn enter_stopping(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    if world.task(task).last_status == TaskStatus::Running {
        world.count_running(task, -1);
    }
    let t = world.task_mut(task);
    let was_running = t.last_status >= TaskStatus::Running;
    t.set_status(TaskStatus::Stopping);
    t.times.stopping = Some(now);
    // A task that never started has no containers to signal.
    let d = if was_running {
        cx.taskdefs[t.task_definition.index()].stop_duration
    } else {
        SimDuration::ZERO
    };
    schedule_advance(now + d, world, cx, task);
}

fn enter_stopped(now: SimTime, world: &mut World, cx: &mut Cx, task: TaskIdx) {
    let t = world.task_mut(task);
    t.set_status(TaskStatus::Stopped);
    t.times.stopped = Some(now);
    // A task that never reached RUNNING and was not stopped on purpose failed to start (§3.2 throttling).
    let failed_to_start = t.times.running.is_none()
        && !matches!(
            t.stop_code,
            Some(StopCode::ServiceSchedulerInitiated | StopCode::UserInitiated)
        );
    let service = t.service;
    world.release(task);
    if let Some(s) = service {
        world.services[s.index()].tasks.retain(|x| *x != task);
        if failed_to_start {
            let svc = &mut world.services[s.index()];
            svc.consecutive_start_failures += 1;
            svc.tasks_failed += 1;
        }
    }
    // Freed capacity may let any service place what it could not.
    cx.capacity_changed(now, world);
}

/// Terminates a task at once, without a graceful stop (its instance is gone).
pub fn kill(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    task: TaskIdx,
    code: StopCode,
    reason: String,
) {
    stop(now, world, cx, task, code, reason);
    let t = world.task_mut(task);
    if t.last_status != TaskStatus::Stopped {
        t.epoch += 1;
        enter_stopped(now, world, cx, task);
    }
}
