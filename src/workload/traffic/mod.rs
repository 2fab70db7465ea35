//! The traffic controller: how many requests each workload offers, where the ALB sends them, what each task
//! makes of them, and what users got (docs/model.md).
//!
//! Rates, not requests: each workload's rate is set for 60-second intervals — the exact mean of its
//! pattern over the interval times that interval's noise factor (stream `workload/<name>/noise`) — and at
//! its pattern's breakpoints inside one (a step, a spike's edges, a trace row). At the end of every instant
//! in which something that matters changed (a rate, a target's health or registration), the target groups
//! concerned are recomputed: their offered rate is split over the routable targets (round robin: equal
//! shares, slow-start ramps; least outstanding requests: shares in proportion to each task's service rate,
//! which equalises the queues), each touched task answers through the per-task model
//! ([`super::model`]), and the results flow into the CloudWatch series and the services' accounts. A
//! workload aimed at a service (no target group) is split evenly over the service's RUNNING tasks.
//!
//! Accounts are integrals over [warmup, end] of piecewise-constant rates: requests offered, answered
//! without error, failed; and, for latency, the request-weighted mixture of the exponential response times
//! of the tasks (their rates binned in 1 % steps), from which p50 and p99 are solved at the end.

use crate::cloudwatch::MetricStore;
use crate::elb::Elb;
use crate::elb::routing;
use crate::engine::{Phase, SimDuration, SimTime, StreamId};
use crate::kernel::{Cx, Event};
use crate::scenario::{LaunchType, WorkloadTarget};
use crate::world::{ServiceIdx, TargetGroupIdx, TaskIdx, TaskStatus, World};

use super::accounting::{Account, Source, bin};
use super::model::{self, Capacity, Served};
use super::pattern::{self, Clock};

mod sums;

use sums::GroupSeries;
pub use sums::ServiceOutcome;

/// How often a workload's rate (and its noise) moves on: CloudWatch's standard period.
pub const INTERVAL: SimDuration = SimDuration::from_secs(60);

/// One workload's current rate.
#[derive(Clone, Debug)]
struct Flow {
    /// Requests per second offered now (noise included).
    rate: f64,
    /// This interval's noise factor.
    noise: f64,
    noise_stream: StreamId,
    /// The end of the current 60-second interval.
    interval_end: SimTime,
    /// Where its requests go.
    target: WorkloadTarget,
}

/// What a task's app is like: read once per task (its task definition and service never change).
#[derive(Clone, Copy, Debug, Default)]
struct App {
    /// CPU time per request, seconds of one vCPU.
    cpu_per_request_s: f64,
    /// CPU units the task uses at rest.
    idle_cpu_units: f64,
    /// A broken release.
    broken: bool,
    /// Its CPU is capped by a task-level `cpu` (or Fargate).
    hard_cap: bool,
}

/// What one task was last given and how it answered: one cache line, read and written for every task
/// every minute (benches/README.md).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct TaskFlow {
    /// Requests per second in all.
    offered: f64,
    /// Of which answered without error ([`Served::ok`]).
    ok: f64,
    /// Answered with a 5XX by the task ([`Served::target_errors`]).
    target_errors: f64,
    /// Not answered ([`Served::unanswered`]).
    unanswered: f64,
    /// Answered requests per second × their mean response time (∑ for `TargetResponseTime`).
    ok_seconds: f64,
    /// Its app ([`App`]), once `app_read`.
    cpu_per_request_s: f64,
    idle_cpu_units: u32,
    /// The 1 % bin of its response-time rate.
    bin: i32,
    app_read: bool,
    broken: bool,
    hard_cap: bool,
}

/// The traffic of a run.
#[derive(Debug)]
pub struct Traffic {
    clock: Clock,
    flows: Vec<Flow>,
    warmup: SimTime,
    /// Requests per second offered to each target group.
    group_offered: Vec<f64>,
    /// Requests per second offered to each service directly.
    direct_offered: Vec<f64>,
    direct_dirty: Vec<bool>,
    direct_list: Vec<ServiceIdx>,
    /// Per service: the tasks given direct traffic at the last recompute.
    direct_tasks: Vec<Vec<TaskIdx>>,
    tasks: Vec<TaskFlow>,
    /// Per task: requests per second from a workload aimed at its service directly.
    direct: Vec<f64>,
    touched: Vec<TaskIdx>,
    touched_flag: Vec<bool>,
    groups_scratch: Vec<TargetGroupIdx>,
    aggregate_flag: Vec<bool>,
    aggregate: Vec<TargetGroupIdx>,
    /// Per group: each of its tasks takes requests from it alone (its services have one load balancer and
    /// no workload of their own).
    exclusive: Vec<bool>,
    /// Groups summed as soon as they were routed, this instant.
    aggregated: Vec<TargetGroupIdx>,
    series: Vec<GroupSeries>,
    accounts: Vec<Account>,
    scratch_sources: Vec<(ServiceIdx, Source)>,
    scratch_direct: Source,
    weights: Vec<f64>,
    /// How each group routed at its last recompute (for `explain`).
    routing: Vec<routing::Routing>,
    /// The last task's answer (tasks of a group mostly share one).
    last_answer: LastAnswer,
}

/// A task's answer with what it was computed from.
#[derive(Clone, Copy, Debug)]
struct LastAnswer {
    offered: f64,
    capacity: Capacity,
    served: Served,
    bin: i32,
    ok_seconds: f64,
}

impl Traffic {
    /// The traffic of a run of `cx.scenario`, with the series it publishes registered in `store`.
    pub fn new(world: &World, cx: &mut Cx, store: &mut MetricStore) -> Traffic {
        let scenario = cx.scenario;
        let flows = scenario
            .workloads
            .iter()
            .map(|w| Flow {
                rate: 0.0,
                noise: 1.0,
                noise_stream: cx.rng.id(&pattern::noise_stream(&w.name)),
                interval_end: SimTime::ZERO,
                target: w.target,
            })
            .collect();
        let series = sums::group_series(world, store);
        let accounts = sums::accounts(world, scenario, store);
        let n_services = scenario.services.len();
        let direct: Vec<bool> = (0..n_services)
            .map(|s| {
                scenario
                    .workloads
                    .iter()
                    .any(|w| w.target == WorkloadTarget::Service(s))
            })
            .collect();
        let exclusive = world
            .target_groups
            .iter()
            .map(|g| {
                g.services.iter().all(|s| {
                    scenario.services[s.index()].load_balancers.len() == 1 && !direct[s.index()]
                })
            })
            .collect();
        Traffic {
            exclusive,
            clock: Clock::new(scenario),
            flows,
            warmup: cx.warmup,
            group_offered: vec![0.0; world.target_groups.len()],
            direct_offered: vec![0.0; n_services],
            direct_dirty: vec![false; n_services],
            direct_list: Vec::new(),
            direct_tasks: vec![Vec::new(); n_services],
            tasks: Vec::new(),
            direct: Vec::new(),
            touched: Vec::new(),
            touched_flag: Vec::new(),
            groups_scratch: Vec::new(),
            aggregate_flag: vec![false; world.target_groups.len()],
            aggregate: Vec::new(),
            aggregated: Vec::new(),
            series,
            accounts,
            scratch_sources: Vec::new(),
            scratch_direct: Source::default(),
            weights: Vec::new(),
            routing: vec![routing::Routing::Nowhere; world.target_groups.len()],
            last_answer: LastAnswer {
                offered: f64::NAN,
                capacity: Capacity {
                    cap_cpu_units: f64::NAN,
                    idle_cpu_units: f64::NAN,
                    cpu_per_request_s: f64::NAN,
                    answering: false,
                    broken: false,
                },
                served: Served::default(),
                bin: 0,
                ok_seconds: 0.0,
            },
        }
    }

    /// Schedules the first interval of every workload (at t = 0).
    pub fn start(&self, cx: &mut Cx) {
        if !self.flows.is_empty() {
            cx.schedule(SimTime::ZERO, Phase::Transition, Event::TrafficTick);
        }
    }

    /// Every workload moves to its next 60-second interval: a new noise factor and the pattern's mean over
    /// the interval (up to its first breakpoint inside it).
    pub fn on_tick(&mut self, now: SimTime, world: &mut World, cx: &mut Cx) {
        let scenario = cx.scenario;
        for (w, spec) in scenario.workloads.iter().enumerate() {
            let flow = &mut self.flows[w];
            flow.noise = pattern::noise_factor(cx.rng.get(flow.noise_stream), spec.noise);
            flow.interval_end = now + INTERVAL;
            self.start_segment(now, cx, w);
        }
        self.refresh_offered(world);
        // Capacity and slow-start shares drift with time: every group with traffic is looked at again.
        for (g, &offered) in self.group_offered.iter().enumerate() {
            if offered > 0.0 {
                world.lb_dirty.target_group(TargetGroupIdx(g as u32));
            }
        }
        for s in 0..self.direct_offered.len() {
            if self.direct_offered[s] > 0.0 || !self.direct_tasks[s].is_empty() {
                self.mark_direct(ServiceIdx(s as u32));
            }
        }
        let next = now + INTERVAL;
        cx.schedule(next, Phase::Transition, Event::TrafficTick);
    }

    /// Workload `w`'s pattern changes value inside the current interval.
    pub fn on_breakpoint(&mut self, now: SimTime, world: &mut World, cx: &mut Cx, w: usize) {
        self.start_segment(now, cx, w);
        self.refresh_offered(world);
    }

    /// Sets workload `w`'s rate for the segment from `now` to its next breakpoint or the interval's end.
    fn start_segment(&mut self, now: SimTime, cx: &mut Cx, w: usize) {
        let spec = &cx.scenario.workloads[w];
        let flow = &mut self.flows[w];
        let breakpoint =
            pattern::next_breakpoint(&spec.pattern, now).filter(|&b| b < flow.interval_end);
        let end = breakpoint.unwrap_or(flow.interval_end);
        flow.rate = pattern::mean_rate(&spec.pattern, &self.clock, now, end) * flow.noise;
        if let Some(b) = breakpoint {
            cx.schedule(b, Phase::Transition, Event::WorkloadBreakpoint(w as u32));
        }
    }

    /// Sums the workloads' rates per target group and per service; what changed is marked for recompute.
    fn refresh_offered(&mut self, world: &mut World) {
        for g in 0..self.group_offered.len() {
            let rate: f64 = self
                .flows
                .iter()
                .filter(|f| f.target == WorkloadTarget::TargetGroup(g))
                .map(|f| f.rate)
                .sum();
            if rate != self.group_offered[g] {
                self.group_offered[g] = rate;
                world.lb_dirty.target_group(TargetGroupIdx(g as u32));
            }
        }
        for s in 0..self.direct_offered.len() {
            let rate: f64 = self
                .flows
                .iter()
                .filter(|f| f.target == WorkloadTarget::Service(s))
                .map(|f| f.rate)
                .sum();
            if rate != self.direct_offered[s] {
                self.direct_offered[s] = rate;
                self.mark_direct(ServiceIdx(s as u32));
            }
        }
    }

    fn mark_direct(&mut self, s: ServiceIdx) {
        if !self.direct_dirty[s.index()] {
            self.direct_dirty[s.index()] = true;
            self.direct_list.push(s);
        }
    }
}

impl Traffic {
    /// Recomputes what changed during instant `now` (see the module docs): the target groups whose rate,
    /// targets or health changed, services whose direct traffic or tasks changed, the tasks they touch,
    /// and the series and accounts fed by them.
    pub fn settle(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        elb: &mut Elb,
        store: &mut MetricStore,
    ) {
        if self.tasks.len() < world.tasks.len() {
            self.tasks.resize(world.tasks.len(), TaskFlow::default());
            self.direct.resize(world.tasks.len(), 0.0);
            self.touched_flag.resize(world.tasks.len(), false);
        }
        // Direct traffic follows a service's tasks: their counters changed, or an app started answering.
        for k in 0..world.dirty.services.len() {
            let s = world.dirty.services[k];
            if self.has_direct(s) {
                self.mark_direct(s);
            }
        }
        // A task whose app started answering serves what it is given from now on.
        for k in 0..world.lb_dirty.tasks.len() {
            let t = world.lb_dirty.tasks[k];
            if self.tasks[t.index()].offered > 0.0 {
                self.touch(t);
            }
            if let Some(s) = world.task(t).service
                && self.has_direct(s)
            {
                self.mark_direct(s);
            }
        }
        let mut groups = std::mem::take(&mut self.groups_scratch);
        world.lb_dirty.take_target_groups(&mut groups);
        // While the groups routed so far are exclusive (their tasks take requests from them alone), the
        // tasks a group touches are answered and the group summed as soon as it is routed, while they are
        // still in cache. The tasks are answered in the same order either way (their health plans are
        // scheduled in it); narration keeps the plain order, every routing sentence of the instant first.
        let mut fused =
            self.touched.is_empty() && self.direct_list.is_empty() && !cx.rec.narrating();
        let mut answered = 0;
        for &g in &groups {
            self.route(now, world, cx, g);
            fused = fused && self.exclusive[g.index()];
            if fused {
                for k in answered..self.touched.len() {
                    let t = self.touched[k];
                    self.answer(now, world, cx, elb, t);
                }
                answered = self.touched.len();
                self.aggregate_group(now, world, cx, store, g);
                self.aggregate_flag[g.index()] = true;
                self.aggregated.push(g);
            } else {
                self.mark_aggregate(g);
            }
        }
        groups.clear();
        self.groups_scratch = groups;
        for k in 0..self.direct_list.len() {
            let s = self.direct_list[k];
            self.route_direct(world, s);
        }
        for k in answered..self.touched.len() {
            let t = self.touched[k];
            self.answer(now, world, cx, elb, t);
            for target in world.task(t).targets.indices() {
                self.mark_aggregate(world.targets[target.index()].target_group);
            }
            if self.direct[t.index()] > 0.0
                && let Some(s) = world.task(t).service
            {
                self.mark_direct(s);
            }
        }
        for k in 0..self.aggregate.len() {
            let g = self.aggregate[k];
            self.aggregate_group(now, world, cx, store, g);
            self.aggregate_flag[g.index()] = false;
        }
        self.aggregate.clear();
        for &g in &self.aggregated {
            self.aggregate_flag[g.index()] = false;
        }
        self.aggregated.clear();
        for k in 0..self.direct_list.len() {
            let s = self.direct_list[k];
            self.aggregate_direct(now, store, s);
            self.direct_dirty[s.index()] = false;
        }
        self.direct_list.clear();
        for &t in &self.touched {
            self.touched_flag[t.index()] = false;
        }
        self.touched.clear();
    }

    fn has_direct(&self, s: ServiceIdx) -> bool {
        self.direct_offered[s.index()] > 0.0 || !self.direct_tasks[s.index()].is_empty()
    }

    fn touch(&mut self, t: TaskIdx) {
        if !self.touched_flag[t.index()] {
            self.touched_flag[t.index()] = true;
            self.touched.push(t);
        }
    }

    fn mark_aggregate(&mut self, g: TargetGroupIdx) {
        if !self.aggregate_flag[g.index()] {
            self.aggregate_flag[g.index()] = true;
            self.aggregate.push(g);
        }
    }

    /// Splits group `g`'s offered rate over its routable targets; touches every task whose share changed or
    /// that gets requests (its capacity may have moved).
    fn route(&mut self, now: SimTime, world: &mut World, cx: &mut Cx, g: TargetGroupIdx) {
        let spec = &cx.scenario.target_groups[world.target_groups[g.index()].spec];
        let how = routing::routing(world, spec, g);
        if self.routing[g.index()] != how {
            if cx.rec.narrating() {
                let group = &world.target_groups[g.index()];
                let sentence = match how {
                    routing::Routing::Healthy => format!(
                        "[{}] {} healthy targets: the ALB routes to the healthy ones.",
                        group.name, group.counts.healthy
                    ),
                    routing::Routing::FailOpen => format!(
                        "[{}] {} of {} targets healthy, below the minimum: the ALB fails open and routes to every registered target.",
                        group.name,
                        group.counts.healthy,
                        group.counts.in_service()
                    ),
                    routing::Routing::Nowhere => format!(
                        "[{}] no registered target: every request gets a 503.",
                        group.name
                    ),
                };
                cx.rec.narrate(now, sentence);
            }
            self.routing[g.index()] = how;
        }
        let offered = self.group_offered[g.index()];
        let least_outstanding = spec.load_balancing_algorithm_type == "least_outstanding_requests";
        let n = world.target_groups[g.index()].targets.len();
        let mut weights = std::mem::take(&mut self.weights);
        weights.clear();
        let mut total = 0.0;
        for k in 0..n {
            let t = world.target_groups[g.index()].targets[k];
            let target = &world.targets[t.index()];
            let w = if !how.routes_to(target) {
                0.0
            } else if least_outstanding {
                // Equal queues: shares in proportion to each task's service rate.
                let mu = self.capacity(world, cx, target.task).service_rate();
                if mu.is_finite() { mu } else { 1.0 }
            } else {
                routing::weight(target, spec, now)
            };
            total += w;
            weights.push(w);
        }
        for (k, &w) in weights.iter().enumerate() {
            let t = world.target_groups[g.index()].targets[k];
            let rate = if total > 0.0 {
                offered * w / total
            } else {
                0.0
            };
            let target = &mut world.targets[t.index()];
            let task = target.task;
            let changed = target.rate != rate;
            target.rate = rate;
            if changed || rate > 0.0 {
                self.touch(task);
            }
        }
        self.weights = weights;
    }

    /// Splits service `s`'s direct rate evenly over its RUNNING tasks.
    fn route_direct(&mut self, world: &World, s: ServiceIdx) {
        let mut previous = std::mem::take(&mut self.direct_tasks[s.index()]);
        for &t in &previous {
            self.direct[t.index()] = 0.0;
            self.touch(t);
        }
        previous.clear();
        let offered = self.direct_offered[s.index()];
        if offered > 0.0 {
            previous.extend(
                world.services[s.index()]
                    .tasks
                    .iter()
                    .copied()
                    .filter(|&t| {
                        let task = world.task(t);
                        task.is_active() && task.last_status == TaskStatus::Running
                    }),
            );
            let share = offered / previous.len().max(1) as f64;
            for &t in &previous {
                self.direct[t.index()] = share;
                self.touch(t);
            }
        }
        self.direct_tasks[s.index()] = previous;
    }

    /// Task `t`'s app: the image of the container its load balancer sends requests to (or its first
    /// essential container), read on first use.
    fn app(&mut self, world: &World, cx: &Cx, t: TaskIdx) -> App {
        let flow = &self.tasks[t.index()];
        if flow.app_read {
            return App {
                cpu_per_request_s: flow.cpu_per_request_s,
                idle_cpu_units: f64::from(flow.idle_cpu_units),
                broken: flow.broken,
                hard_cap: flow.hard_cap,
            };
        }
        let task = world.task(t);
        let td = &world.taskdefs[task.task_definition.index()];
        let image = task
            .targets
            .indices()
            .next()
            .and_then(|target| crate::elb::app_image(world, cx, target))
            .or_else(|| td.essential.first().map(|c| c.behaviour.clone()))
            .unwrap_or_default();
        let flow = &mut self.tasks[t.index()];
        flow.app_read = true;
        flow.cpu_per_request_s = image.cpu_per_request.as_secs_f64();
        flow.idle_cpu_units = td.used_cpu_units;
        flow.broken = image.fails_health_checks;
        flow.hard_cap = td.task_level_cpu || task.launch_type == LaunchType::Fargate;
        self.app(world, cx, t)
    }

    /// What task `t` can do now.
    fn capacity(&mut self, world: &World, cx: &Cx, t: TaskIdx) -> Capacity {
        let app = self.app(world, cx, t);
        let task = world.task(t);
        let cap = match task.instance.and_then(|i| world.resources(i)) {
            // Container-level CPU alone: the task may use what no other task reserved (§6.3).
            Some(r) if !app.hard_cap => f64::from(r.remaining_cpu_units() + task.cpu_units),
            _ => f64::from(task.cpu_units),
        };
        Capacity {
            cap_cpu_units: cap,
            idle_cpu_units: app.idle_cpu_units,
            cpu_per_request_s: app.cpu_per_request_s,
            answering: task.app_ready && task.last_status == TaskStatus::Running,
            broken: app.broken,
        }
    }

    /// Task `t` answers what it is given; its CPU use and saturation reach the world (and its health
    /// checks, through the load balancer).
    fn answer(&mut self, now: SimTime, world: &mut World, cx: &mut Cx, elb: &mut Elb, t: TaskIdx) {
        let task = world.task(t);
        let from_targets: f64 = task
            .targets
            .indices()
            .map(|x| world.targets[x.index()].rate)
            .sum();
        let flow = &mut self.tasks[t.index()];
        flow.offered = from_targets + self.direct[t.index()];
        let capacity = self.capacity(world, cx, t);
        let offered = self.tasks[t.index()].offered;
        // A group's tasks mostly get the same share with the same capacity: the last answer is reused.
        let last = &self.last_answer;
        if offered.to_bits() != last.offered.to_bits() || capacity != last.capacity {
            let served = model::serve(offered, &capacity);
            self.last_answer = LastAnswer {
                offered,
                capacity,
                served,
                bin: bin(served.response_rate),
                ok_seconds: if served.response_rate.is_finite() {
                    served.ok / served.response_rate
                } else {
                    0.0
                },
            };
        }
        let answer = &self.last_answer;
        let served = answer.served;
        let flow = &mut self.tasks[t.index()];
        flow.ok = served.ok;
        flow.target_errors = served.target_errors;
        flow.unanswered = served.unanswered;
        flow.bin = answer.bin;
        flow.ok_seconds = answer.ok_seconds;
        // Round half up (CPU units are never negative).
        let used = (served.cpu_units + 0.5) as u32;
        world.set_used_cpu(t, used);
        let saturated_changed = world.task(t).saturated != served.saturated;
        if saturated_changed {
            world.task_mut(t).saturated = served.saturated;
            for target in world.task(t).targets.indices() {
                elb.refresh(now, world, cx, target);
            }
        }
    }
}
