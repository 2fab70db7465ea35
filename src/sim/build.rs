//! Builds a run: the world and context from the scenario, the initial events, and the warm start.

use crate::ec2;
use crate::ecs::service_scheduler::launch_type_of;
use crate::ecs::service_scheduler::{TaskHome, create_service_task};
use crate::ecs::task_lifecycle;
use crate::engine::{EventQueue, Phase, RngStreams, SimDuration, SimTime};
use crate::report::recorder::Recorder;
use crate::scenario::{LaunchType, Scenario, Schedule, SchedulingStrategy};
use crate::world::{
    AsgIdx, AsgState, HealthStatus, InstanceIdx, InstanceStatus, ServiceIdx, ServiceState,
    TaskDefIdx, TaskIdx, TaskStatus, World,
};

use super::placement::{self, DefaultPlacement};
use super::taskdef::TaskDefRuntime;
use super::{Cx, Event, RunOptions};

/// The world and context of a run that has not started.
pub fn build<'s>(
    scenario: &'s Scenario,
    seed: u64,
    end: SimTime,
    opts: &RunOptions,
) -> (World, Cx<'s>) {
    let taskdefs = scenario
        .task_definitions
        .iter()
        .map(|td| TaskDefRuntime::new(scenario, td))
        .collect();
    let mut world = World::default();
    for (i, spec) in scenario.services.iter().enumerate() {
        world.services.push(ServiceState {
            name: spec.name.clone(),
            spec: i,
            task_definition: TaskDefIdx(spec.task_definition as u32),
            desired_count: spec.desired_count,
            consecutive_start_failures: 0,
            launch_not_before: SimTime::ZERO,
            throttle_event_written: false,
            repeatable_events: Default::default(),
            throttled_at_failures: 0,
            throttle_timer: None,
            deployment_id: format!(
                "ecs-svc/{:019}",
                1_000_000_000_000_000_000u64 + i as u64 + 1
            ),
            deployment_completed: false,
            deployments_completed: 0,
            retry_scheduled: false,
            unplaced_counted: 0,
            placement_blocked: false,
            steady: false,
            tasks: Vec::new(),
            tasks_started: 0,
            tasks_failed: 0,
            rebalancing: None,
        });
    }
    for (i, spec) in scenario.auto_scaling_groups.iter().enumerate() {
        world.asgs.push(AsgState {
            name: spec.name.clone(),
            spec: i,
            desired_capacity: spec.desired_capacity,
            instances: Vec::new(),
        });
    }
    let cx = Cx {
        scenario,
        queue: EventQueue::new(),
        rng: RngStreams::new(seed),
        rec: Recorder::new(scenario.simulation.metric_period, opts.narrate, opts.trace),
        taskdefs,
        reconcile_queued: vec![false; scenario.services.len()],
        task_watching_daemons: task_watching_daemons(scenario),
        placement_scratch: Default::default(),
        placement_failures: 0,
        end,
        warmup: SimTime::ZERO + scenario.simulation.warmup,
    };
    (world, cx)
}

/// DAEMON services with a `memberOf` constraint (their own or their task definition's) that reads the tasks
/// on an instance.
fn task_watching_daemons(scenario: &Scenario) -> Vec<ServiceIdx> {
    let reads_tasks = |c: &crate::placement::PlacementConstraint| matches!(c, crate::placement::PlacementConstraint::MemberOf(e) if e.depends_on_tasks());
    scenario
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.scheduling_strategy == SchedulingStrategy::Daemon
                && (s.placement.constraints.iter().any(reads_tasks)
                    || scenario.task_definitions[s.task_definition]
                        .placement_constraints
                        .iter()
                        .any(reads_tasks))
        })
        .map(|(i, _)| ServiceIdx(i as u32))
        .collect()
}

/// Launches the groups, warms the cluster if asked, and schedules everything the scenario schedules.
pub fn start(world: &mut World, cx: &mut Cx) {
    let scenario = cx.scenario;
    let now = SimTime::ZERO;
    let warm = scenario.simulation.warm_start;
    for a in 0..world.asgs.len() {
        for _ in 0..world.asgs[a].desired_capacity {
            ec2::launch(now, world, cx, AsgIdx(a as u32), warm);
        }
    }
    if warm {
        let daemons_first = (0..scenario.services.len())
            .filter(|&s| scenario.services[s].scheduling_strategy == SchedulingStrategy::Daemon)
            .chain((0..scenario.services.len()).filter(|&s| {
                scenario.services[s].scheduling_strategy == SchedulingStrategy::Replica
            }));
        for s in daemons_first.collect::<Vec<_>>() {
            warm_service(world, cx, ServiceIdx(s as u32));
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
    cx.request_reconcile_all(now);
}

/// At t = 0 of a warm start, the service's tasks that fit are RUNNING and healthy and its deployment is
/// COMPLETED (SPEC §3.1); those that do not fit start cold through the scheduler.
fn warm_service(world: &mut World, cx: &mut Cx, s: ServiceIdx) {
    let scenario = cx.scenario;
    let spec = &scenario.services[s.index()];
    let td = world.services[s.index()].task_definition;
    let mut homes: Vec<TaskHome> = Vec::new();
    match (spec.scheduling_strategy, launch_type_of(&spec.launch)) {
        (SchedulingStrategy::Daemon, _) => {
            let mut eligible = 0;
            for i in 0..world.instances.len() {
                let inst = InstanceIdx(i as u32);
                if world.instance(inst).status != InstanceStatus::Active
                    || placement::daemon_violation(world, cx, s, inst).is_some()
                {
                    continue;
                }
                eligible += 1;
                if placement::daemon_fits(world, cx, s, inst).is_ok() {
                    // Created at once, so that the next instance's check sees what this one reserved.
                    warm_task(world, cx, s, td, TaskHome::Instance(inst));
                }
            }
            world.services[s.index()].desired_count = eligible;
        }
        (SchedulingStrategy::Replica, LaunchType::Fargate) => {
            let group = format!("service:{}", spec.name);
            let fargate = crate::fargate::homes_for(
                world,
                cx,
                &spec.launch,
                &group,
                Some(s),
                spec.desired_count,
            );
            homes.extend(fargate.into_iter().map(TaskHome::Fargate));
        }
        (SchedulingStrategy::Replica, LaunchType::Ec2) => {
            let group = format!("service:{}", spec.name);
            let (chosen, _) = placement::place_batch(
                SimTime::ZERO,
                world,
                cx,
                td,
                &group,
                &spec.placement,
                DefaultPlacement::Service,
                spec.desired_count,
            );
            homes.extend(chosen.into_iter().map(TaskHome::Instance));
        }
    }
    for home in homes {
        warm_task(world, cx, s, td, home);
    }
    // SPEC §3.1: the initial deployment is COMPLETED at t = 0 even if some tasks did not fit.
    world.services[s.index()].deployment_completed = true;
}

fn warm_task(
    world: &mut World,
    cx: &mut Cx,
    s: ServiceIdx,
    td: TaskDefIdx,
    home: TaskHome,
) -> TaskIdx {
    let now = SimTime::ZERO;
    let t = create_service_task(now, world, cx, s, home);
    let has_checks = cx.taskdefs[td.index()]
        .essential
        .iter()
        .any(|c| c.health_check.is_some());
    let task = world.task_mut(t);
    task.epoch += 1; // the cold lifecycle scheduled by `create` is stale
    task.set_status(TaskStatus::Running);
    task.times.pull_started = Some(now);
    task.times.running = Some(now);
    task.times.healthy = Some(now);
    task.app_ready = true;
    if has_checks {
        task.health = HealthStatus::Healthy;
    }
    let epoch = task.epoch;
    world.count_running(t, 1);
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
