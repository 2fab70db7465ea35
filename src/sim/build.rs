//! Builds a run: the world, the context and the control plane from the scenario, the initial events, and
//! the warm start.

use crate::ec2;
use crate::ecs::Ecs;
use crate::ecs::service_scheduler::create_service_task;
use crate::ecs::task_lifecycle;
use crate::ecs::task_placement::{self as placement, DefaultPlacement, PlacementRequest};
use crate::engine::{EventQueue, Phase, RngStreams, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorder::Recorder;
use crate::scenario::{Scenario, Schedule, SchedulingStrategy};
use crate::world::{
    AsgIdx, HealthStatus, InstanceIdx, InstanceStatus, RolloutState, ServiceIdx, TaskDefIdx,
    TaskHome, TaskIdx, TaskStatus, World,
};

use super::RunOptions;

/// The world, context and control plane of a run that has not started.
pub fn build<'s>(
    scenario: &'s Scenario,
    seed: u64,
    end: SimTime,
    opts: &RunOptions,
) -> (World, Cx<'s>, Ecs) {
    let world = World::new(scenario);
    let cx = Cx {
        scenario,
        queue: EventQueue::new(),
        rng: RngStreams::new(seed),
        rec: Recorder::new(opts.narrate, opts.trace),
        end,
        warmup: SimTime::ZERO + scenario.simulation.warmup,
    };
    let mut ecs = Ecs::new(scenario);
    // Placement explains its decisions only for `explain`; a plain run keeps them empty and allocation-free.
    ecs.placement.scratch.explain = opts.narrate;
    (world, cx, ecs)
}

/// Launches the groups, warms the cluster if asked, and schedules everything the scenario schedules.
pub fn start(world: &mut World, cx: &mut Cx, ecs: &mut Ecs) {
    let scenario = cx.scenario;
    let now = SimTime::ZERO;
    let warm = scenario.simulation.warm_start;
    for a in 0..world.asgs.len() {
        for _ in 0..world.asgs[a].desired_capacity {
            if let Some(inst) = ec2::launch(now, world, cx, AsgIdx(a as u32), warm)
                && warm
            {
                ecs.on_instance_registered(now, world, cx, inst);
            }
        }
    }
    if warm {
        let daemons_first = (0..scenario.services.len())
            .filter(|&s| scenario.services[s].scheduling_strategy == SchedulingStrategy::Daemon)
            .chain((0..scenario.services.len()).filter(|&s| {
                scenario.services[s].scheduling_strategy == SchedulingStrategy::Replica
            }));
        for s in daemons_first.collect::<Vec<_>>() {
            warm_service(world, cx, ecs, ServiceIdx(s as u32));
        }
    }
    for (i, e) in scenario.events.iter().enumerate() {
        cx.schedule(e.at, Phase::ScenarioEvent, Event::Scenario(i as u32));
    }
    for (i, st) in scenario.scheduled_tasks.iter().enumerate() {
        if let Some(first) = first_fire(scenario, &st.schedule) {
            cx.schedule(first, Phase::ScenarioEvent, Event::ScheduledTask(i as u32));
        }
    }
    let period = scenario.simulation.metric_period;
    if SimTime::ZERO + period < cx.end {
        cx.queue
            .schedule(SimTime::ZERO + period, Phase::Recorder, Event::MetricPeriod);
    }
    if cx.warmup > SimTime::ZERO && cx.warmup < cx.end {
        cx.queue.schedule(cx.warmup, Phase::Recorder, Event::Warmup);
    }
    cx.queue.schedule(cx.end, Phase::Recorder, Event::EndOfRun);
    ecs.scheduler.request_reconcile_all(cx, now);
}

/// At t = 0 of a warm start, the service's tasks that fit are RUNNING and healthy and its deployment is
/// COMPLETED (SPEC §3.1); those that do not fit start cold through the scheduler.
fn warm_service(world: &mut World, cx: &mut Cx, ecs: &mut Ecs, s: ServiceIdx) {
    let scenario = cx.scenario;
    let spec = &scenario.services[s.index()];
    let td = world.services[s.index()].task_definition();
    let homes: Vec<TaskHome> = match spec.scheduling_strategy {
        SchedulingStrategy::Daemon => {
            let mut eligible = 0;
            for i in 0..world.instances.len() {
                let inst = InstanceIdx(i as u32);
                if world.instance(inst).status != InstanceStatus::Active
                    || placement::daemon_violation(world, cx, &mut ecs.placement, s, inst).is_some()
                {
                    continue;
                }
                eligible += 1;
                if placement::daemon_fits(world, cx, &mut ecs.placement, s, inst).is_ok() {
                    // Created at once, so that the next instance's check sees what this one reserved.
                    warm_task(world, cx, ecs, s, td, TaskHome::Instance(inst));
                }
            }
            world.set_desired_count(s, eligible);
            Vec::new()
        }
        SchedulingStrategy::Replica => {
            let group = world.services[s.index()].group.clone();
            let request = PlacementRequest {
                td,
                group: &group,
                placement: &spec.placement,
                default: DefaultPlacement::Service,
                zone: None,
                service: Some(s),
            };
            let mut homes = Vec::new();
            placement::choose_homes(
                SimTime::ZERO,
                world,
                cx,
                &mut ecs.placement,
                &spec.launch,
                request,
                spec.desired_count,
                &mut homes,
            );
            homes
        }
    };
    for home in homes {
        warm_task(world, cx, ecs, s, td, home);
    }
    // SPEC §3.1: the initial deployment is COMPLETED at t = 0 even if some tasks did not fit.
    world.services[s.index()].primary_mut().rollout = RolloutState::Completed;
}

fn warm_task(
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    td: TaskDefIdx,
    home: TaskHome,
) -> TaskIdx {
    let now = SimTime::ZERO;
    let t = create_service_task(now, world, cx, ecs, s, home);
    let has_checks = world.taskdefs[td.index()]
        .essential
        .iter()
        .any(|c| c.health_check.is_some());
    let epoch = {
        let mut task = world.task_mut(t);
        task.epoch += 1; // the cold lifecycle scheduled by `create` is stale
        task.set_status(TaskStatus::Running);
        task.times.pull_started = Some(now);
        task.times.running = Some(now);
        task.times.healthy = Some(now);
        task.app_ready = true;
        if has_checks {
            task.health = HealthStatus::Healthy;
        }
        task.epoch
    };
    world.count_running(t, 1);
    // Behind a load balancer a warm task's targets are registered and healthy at t = 0.
    world.register_targets(cx.scenario, t, now);
    for target in world.task(t).targets.indices() {
        let target_state = &mut world.targets[target.index()];
        target_state.outcome = crate::world::ProbeOutcome::Pass;
        target_state.outcome_before = crate::world::ProbeOutcome::Pass;
        world.set_target_health(target, crate::world::TargetHealth::Healthy);
    }
    task_lifecycle::schedule_running_timers(now, world, cx, t, epoch, task_lifecycle::Start::Warm);
    t
}

fn first_fire(scenario: &Scenario, schedule: &Schedule) -> Option<SimTime> {
    match schedule {
        Schedule::At(at) => *at,
        Schedule::Rate(period) => Some(SimTime::ZERO + *period),
        Schedule::Cron(cron) => {
            let start = scenario.simulation.start_time_unix_ms;
            cron.next_after(start - 1)
                .map(|t| SimTime::from_ms((t - start).max(0) as u64))
        }
    }
}

/// The next time `schedule` fires strictly after `after`.
pub fn next_fire(scenario: &Scenario, schedule: &Schedule, after: SimTime) -> Option<SimTime> {
    match schedule {
        Schedule::At(_) => None,
        Schedule::Rate(period) => Some(after + *period).filter(|_| *period > SimDuration::ZERO),
        Schedule::Cron(cron) => {
            let start = scenario.simulation.start_time_unix_ms;
            cron.next_after(start + after.as_ms() as i64)
                .map(|t| SimTime::from_ms((t - start).max(0) as u64))
        }
    }
}
