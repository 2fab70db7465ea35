//! Wiring: builds the world from a scenario, runs the event loop, dispatches every event to its controller
//! and hands what was recorded to the caller.
//!
//! A run is single-threaded and deterministic: the same scenario and seed give the same bytes. Nothing
//! here reads the wall clock; the caller measures wall time and puts it in the manifest.

mod build;
pub mod explain;
mod observe;
mod scenario_events;

pub use observe::Observation;
mod summary;

use crate::cloudwatch::MetricStore;
use crate::ec2;
use crate::ecs::{Ecs, service_scheduler, task_lifecycle};
use crate::elb::Elb;
use crate::engine::{Phase, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::{InstanceRow, Manifest, Recorded, TaskRow};
use crate::report::recorder::Recorder;
use crate::scenario::Scenario;
use crate::workload::traffic::Traffic;
use crate::world::World;

/// Called now and then with the fraction of simulated time done (for a progress bar).
pub type ProgressFn = std::sync::Arc<dyn Fn(f64) + Send + Sync>;

/// The resolution of CloudWatch's standard metrics, the period every series publishes at (ECS-SEMANTICS
/// §6.1: AWS/ECS metrics are sent every minute); the report's `metric_period` is a multiple of it.
pub const METRIC_RESOLUTION: SimDuration = SimDuration::from_secs(60);

/// How often (in events) the progress callback is called.
const PROGRESS_EVERY_EVENTS: u64 = 1 << 14;

/// How to run (everything the command line decides; no clap types, STYLE.md §6).
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Overrides `simulation.seed`.
    pub seed: Option<u64>,
    /// Record every processed event (`trace.csv`).
    pub trace: bool,
    /// Keep `explain` narration.
    pub narrate: bool,
    /// Stop the run early at this simulated time (`explain --until`).
    pub until: Option<SimDuration>,
    /// Where the metrics are read from (the equivalence test runs both ways).
    pub observation: Observation,
    /// `--set` overrides as typed (for the manifest).
    pub overrides: Vec<String>,
    /// SHA-256 of the scenario file (for the manifest).
    pub scenario_sha256: String,
    /// Progress callback; it never influences the run.
    pub progress: Option<ProgressFn>,
    /// How target health checks are simulated (closed form; probe by probe for the equivalence test).
    pub health_checks: crate::elb::HealthCheckMode,
    /// Skip the debug builds' recount after every event (it allocates by design; the allocation test
    /// measures the hot path as a release build runs it). Release builds never recount.
    pub skip_debug_checks: bool,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("seed", &self.seed)
            .field("trace", &self.trace)
            .field("narrate", &self.narrate)
            .field("until", &self.until)
            .field("overrides", &self.overrides)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// Everything the writers need.
    pub recorded: Recorded,
    /// `explain` sentences with their instants (empty unless narrating).
    pub narration: Vec<(SimTime, String)>,
}

/// Runs `scenario` to its end and returns what was recorded.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> RunOutput {
    Simulation::new(scenario, opts).finish()
}

/// A run in progress, advanced in steps of simulated time (the allocation test and, later, interactive
/// tools look at it between steps). [`run`] is `new` then `finish`.
pub struct Simulation<'s> {
    scenario: &'s Scenario,
    opts: RunOptions,
    seed: u64,
    end: SimTime,
    world: World,
    cx: Cx<'s>,
    ecs: Ecs,
    elb: Elb,
    traffic: Traffic,
    store: MetricStore,
    obs: observe::Observer,
    /// The instant whose events are being processed; observed once the clock moves past it.
    instant: SimTime,
    popped: u64,
    /// Whether the current instant's changes have settled (see [`Simulation::step`]).
    settled: bool,
    ended: bool,
}

impl<'s> Simulation<'s> {
    /// Builds the world from `scenario` and schedules the start of the run.
    pub fn new(scenario: &'s Scenario, opts: &RunOptions) -> Simulation<'s> {
        let seed = opts.seed.unwrap_or(scenario.simulation.seed);
        let mut end = SimTime::ZERO + scenario.simulation.duration;
        if let Some(until) = opts.until {
            end = end.min(SimTime::ZERO + until);
        }
        let (mut world, mut cx, mut ecs) = build::build(scenario, seed, end, opts);
        world.debug_checks = !opts.skip_debug_checks;
        let mut store = MetricStore::new(METRIC_RESOLUTION);
        let obs = observe::Observer::new(scenario, &world, &mut store, opts.observation);
        let traffic = Traffic::new(&world, &mut cx, &mut store);
        traffic.start(&mut cx);
        let periods = end.as_ms().div_ceil(store.period().as_ms());
        store.reserve_periods(usize::try_from(periods).unwrap_or(0));
        build::start(&mut world, &mut cx, &mut ecs);
        if SimTime::ZERO + store.period() < end {
            cx.queue.schedule(
                SimTime::ZERO + store.period(),
                Phase::MetricPublication,
                Event::MetricPeriod,
            );
        }
        Simulation {
            scenario,
            opts: opts.clone(),
            seed,
            end,
            world,
            cx,
            ecs,
            elb: Elb::new(opts.health_checks),
            traffic,
            store,
            obs,
            instant: SimTime::ZERO,
            popped: 0,
            settled: false,
            ended: false,
        }
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.cx.queue.events_processed()
    }

    /// Processes every event due at or before `until` (or up to the end of the run).
    pub fn run_until(&mut self, until: SimTime) {
        while !self.ended
            && let Some(next) = self.cx.queue.peek_time()
            && next <= until
        {
            self.step();
        }
    }

    /// Processes the next event — or, when the next event lies after the current instant, ends the instant
    /// first: what changed settles (which may schedule events before the next one, hence a step of its
    /// own), then the observer reads the world.
    fn step(&mut self) {
        let Some(next) = self.cx.queue.peek_time() else {
            self.ended = true;
            return;
        };
        if next > self.instant {
            if !self.settled {
                settle(
                    self.instant,
                    &mut self.world,
                    &mut self.cx,
                    &mut self.elb,
                    &mut self.traffic,
                    &mut self.store,
                );
                self.settled = true;
                return;
            }
            self.obs
                .observe(self.instant, &mut self.world, &mut self.store);
            self.instant = next;
            self.settled = false;
        }
        let Some((now, _phase, event)) = self.cx.queue.pop() else {
            self.ended = true;
            return;
        };
        let (world, cx, store, elb, traffic) = (
            &mut self.world,
            &mut self.cx,
            &mut self.store,
            &mut self.elb,
            &mut self.traffic,
        );
        self.popped += 1;
        if self.popped.is_multiple_of(PROGRESS_EVERY_EVENTS)
            && let Some(progress) = &self.opts.progress
        {
            progress(now.as_secs_f64() / self.end.as_secs_f64().max(1e-9));
        }
        if cx.rec.tracing() {
            let subject = subject_of(world, cx, event);
            cx.rec.trace(now, event.kind(), subject);
        }
        match event {
            Event::EndOfRun => {
                settle(now, world, cx, elb, traffic, store);
                self.obs.observe(now, world, store);
                self.obs.close_period(now, world, cx, store);
                self.ended = true;
            }
            Event::MetricPeriod => {
                // Phase 4: the datapoints of the period that ends now are published, before anything
                // that reads them (alarms, phase 5) runs at this instant.
                self.obs.close_period(now, world, cx, store);
                let next = now + store.period();
                if next < self.end {
                    cx.queue
                        .schedule(next, Phase::MetricPublication, Event::MetricPeriod);
                }
            }
            Event::Warmup => {}
            Event::TrafficTick => traffic.on_tick(now, world, cx),
            Event::WorkloadBreakpoint(w) => traffic.on_breakpoint(now, world, cx, w as usize),
            other => dispatch(now, world, cx, &mut self.ecs, elb, other),
        }
        world.check_invariants();
    }

    /// Runs to the end and returns what was recorded.
    pub fn finish(mut self) -> RunOutput {
        while !self.ended {
            self.step();
        }
        let scenario = self.scenario;
        let world = &self.world;
        let events_processed = self.cx.queue.events_processed();
        let timeseries = self.store.report(scenario.simulation.metric_period);
        let summary = summary::compute(
            scenario,
            world,
            &timeseries,
            &self.obs,
            &mut self.traffic,
            self.end,
        );
        let tasks = task_rows(world);
        let instances = instance_rows(world, scenario);
        let (events, narration, trace) =
            std::mem::replace(&mut self.cx.rec, Recorder::new(false, false)).finish();
        let recorded = Recorded {
            manifest: Manifest {
                ecsim_version: env!("CARGO_PKG_VERSION").to_string(),
                scenario_name: scenario.name.clone(),
                scenario_sha256: self.opts.scenario_sha256.clone(),
                seed: self.seed,
                overrides: self.opts.overrides.clone(),
                duration_s: self.end.as_secs_f64(),
                events_processed,
                wall_seconds: 0.0,
            },
            summary,
            timeseries,
            events,
            tasks,
            instances,
            trace,
            ..Recorded::default()
        };
        RunOutput {
            recorded,
            narration,
        }
    }
}

/// The end of instant `now`: what changed for the load balancers settles (new targets' health checks start,
/// probes of tasks whose app changed are re-read) before the observer reads the world.
fn settle(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    elb: &mut Elb,
    traffic: &mut Traffic,
    store: &mut MetricStore,
) {
    traffic.settle(now, world, cx, elb, store);
    elb.settle(now, world, cx);
}

fn dispatch(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    elb: &mut Elb,
    event: Event,
) {
    match event {
        Event::TargetTransition { target, epoch } => {
            elb.on_transition(now, world, cx, target, epoch)
        }
        Event::TargetProbe { target, epoch } => elb.on_probe(now, world, cx, target, epoch),
        Event::TargetProbeResult {
            target,
            epoch,
            passed,
        } => elb.on_probe_result(now, world, cx, target, epoch, passed),
        Event::TargetHealthApply => {
            let changed = elb.on_apply(now, world, cx).len();
            for k in 0..changed {
                let task = elb.changed(k);
                task_lifecycle::on_targets_changed(now, world, cx, &mut ecs.scheduler, task);
            }
        }
        Event::TrafficTick | Event::WorkloadBreakpoint(_) => {
            unreachable!("handled by the run loop")
        }
        Event::Scenario(i) => scenario_events::on_scenario_event(now, world, cx, ecs, i as usize),
        Event::ZoneRestored(i) => {
            scenario_events::on_zone_restored(now, world, cx, ecs, i as usize)
        }
        Event::ScheduledTask(i) => {
            scenario_events::on_scheduled_task(now, world, cx, ecs, i as usize)
        }
        Event::InstanceRegistered(inst) => {
            ec2::register(now, world, cx, inst);
            ecs.on_instance_registered(now, world, cx, inst);
            // A group that launched ahead of terminating (rebalancing after an outage) now terminates the
            // instances above its desired capacity, from its fullest zones.
            let asg = world.instance(inst).asg;
            for extra in ec2::reconcile(now, world, cx, asg) {
                scenario_events::terminate_instance(
                    now,
                    world,
                    cx,
                    ecs,
                    extra,
                    "Auto Scaling group AZ rebalancing",
                );
            }
        }
        Event::TaskAdvance { task, epoch } => {
            if task_lifecycle::is_current(world, task, epoch) {
                task_lifecycle::on_advance(now, world, cx, &mut ecs.scheduler, task);
            }
        }
        Event::TaskAppReady { task, epoch } => {
            if task_lifecycle::is_current(world, task, epoch) {
                task_lifecycle::on_app_ready(world, task);
            }
        }
        Event::TaskHealthy { task, epoch } => {
            if task_lifecycle::is_current(world, task, epoch) {
                task_lifecycle::on_healthy(now, world, cx, &mut ecs.scheduler, task);
            }
        }
        Event::TaskUnhealthy { task, epoch } => {
            if task_lifecycle::is_current(world, task, epoch) {
                task_lifecycle::on_unhealthy(now, world, cx, &mut ecs.scheduler, task);
            }
        }
        Event::TaskExit {
            task,
            epoch,
            crashed,
        } => {
            if task_lifecycle::is_current(world, task, epoch) {
                task_lifecycle::on_exit(now, world, cx, &mut ecs.scheduler, task, crashed);
            }
        }
        Event::ServiceReconcile(s) => service_scheduler::on_reconcile(now, world, cx, ecs, s),
        Event::PlacementRetry(s) => service_scheduler::on_placement_retry(now, world, cx, ecs, s),
        Event::MetricPeriod | Event::EndOfRun | Event::Warmup => {
            unreachable!("handled by the run loop")
        }
    }
}

fn subject_of(world: &World, cx: &Cx, event: Event) -> String {
    match event {
        Event::Scenario(i) => format!("events.{i}"),
        Event::ScheduledTask(i) => cx.scenario.scheduled_tasks[i as usize].name.clone(),
        Event::InstanceRegistered(inst) => world.instance(inst).ec2_instance_id.clone(),
        Event::TaskAdvance { task, .. }
        | Event::TaskAppReady { task, .. }
        | Event::TaskHealthy { task, .. }
        | Event::TaskUnhealthy { task, .. }
        | Event::TaskExit { task, .. } => world.task(task).task_id.to_string(),
        Event::ServiceReconcile(s) | Event::PlacementRetry(s) => {
            world.services[s.index()].name.clone()
        }
        Event::TargetTransition { target, .. }
        | Event::TargetProbe { target, .. }
        | Event::TargetProbeResult { target, .. } => {
            let t = &world.targets[target.index()];
            format!(
                "{}/{}",
                world.target_groups[t.target_group.index()].name,
                world.task(t.task).task_id
            )
        }
        Event::WorkloadBreakpoint(w) => format!("workloads.{w}"),
        Event::ZoneRestored(i) => format!("events.{i}"),
        Event::TargetHealthApply
        | Event::TrafficTick
        | Event::MetricPeriod
        | Event::EndOfRun
        | Event::Warmup => cx.scenario.cluster.name.clone(),
    }
}

fn task_rows(world: &World) -> Vec<TaskRow> {
    let mut rows: Vec<TaskRow> = world
        .tasks
        .iter()
        .map(|t| TaskRow {
            task_id: t.task_id.to_string(),
            service: t
                .service
                .map(|s| world.services[s.index()].name.clone())
                .unwrap_or_default(),
            task_definition: world.taskdefs[t.task_definition.index()].name.clone(),
            launch_type: t.launch_type.as_str().to_string(),
            capacity_provider: t
                .capacity_provider
                .as_deref()
                .unwrap_or_default()
                .to_string(),
            instance_id: t
                .instance
                .map(|i| world.instance(i).ec2_instance_id.clone())
                .unwrap_or_default(),
            availability_zone: t.availability_zone.to_string(),
            created: t.times.created,
            running: t.times.running,
            healthy: t.times.healthy,
            stop_requested: t.times.stop_requested,
            stopping: t.times.stopping,
            stopped: t.times.stopped,
            stop_code: t
                .stop_code
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            stopped_reason: t.stopped_reason.as_deref().unwrap_or_default().to_string(),
        })
        .collect();
    rows.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    rows
}

fn instance_rows(world: &World, scenario: &Scenario) -> Vec<InstanceRow> {
    world
        .instances
        .iter()
        .map(|i| InstanceRow {
            instance_id: i.ec2_instance_id.clone(),
            auto_scaling_group: world.asgs[i.asg.index()].name.clone(),
            instance_type: scenario.instance_types[i.instance_type].name.clone(),
            availability_zone: i.availability_zone.to_string(),
            market: i.market.as_str().to_string(),
            launched: Some(i.launched_at),
            registered: i.registered_at,
            terminated: i.terminated_at,
            termination_reason: i.termination_reason.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
