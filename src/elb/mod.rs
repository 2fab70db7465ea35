//! Elastic Load Balancing: ALB target groups' health checks and which targets get requests
//! (ECS-SEMANTICS §5).
//!
//! ECS registers a task's targets when it enters ACTIVATING and deregisters them when its desiredStatus
//! becomes STOPPED (the world's `register_targets` / `deregister_targets`, called by the task lifecycle);
//! this controller decides when each target's health changes and answers which targets are routable.
//!
//! **Health checks** (§5.1, DECIDED timing): probe k of a target runs at `registered + k · interval` (k ≥ 1)
//! and sees the task as it was just before that instant ([`ProbeOutcome`]: the app answers, answers with an
//! error — a broken release —, or does not answer in time — not listening yet, or saturated). Its result is
//! known `min(response, timeout)` later: a request's service time for an answer (at least 1 ms), the timeout
//! otherwise. A new target is `healthy` after one passing probe; `UnhealthyThresholdCount` failures in a row
//! make a target `unhealthy`, `HealthyThresholdCount` passes in a row bring it back.
//!
//! Probing every target every interval would cost an event per probe for 20,000 steady targets. Instead
//! ([`HealthCheckMode::ClosedForm`], the default) the next change is computed: since every probe after the
//! outcome last changed goes the same way, the probe that completes the run of equal outcomes a threshold
//! needs is known, and one event is scheduled for its result; an outcome change reschedules it (DESIGN.md:
//! skip what provably cannot change). [`HealthCheckMode::ProbeByProbe`] runs every probe, for the test that
//! shows both give the same results byte for byte. Either way the changes due at one instant are applied
//! together, in target order, so the two modes agree on the order of what follows.
//!
//! **Routing** (§5.1, §5.2): requests go to `healthy` targets; when fewer are healthy than the group's
//! `minimum_healthy_targets_count` (default 1) or `_percentage`, the ALB fails open and routes to every
//! registered target that is not draining. Slow start ramps a newly healthy target's share linearly.

pub mod routing;

use crate::engine::{Phase, SimDuration, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::Scope;
use crate::world::{ProbeOutcome, TargetHealth, TargetIdx, TaskIdx, World};

/// How target health checks are simulated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HealthCheckMode {
    /// The next change of each target is computed (one event per change).
    #[default]
    ClosedForm,
    /// Every probe is an event (the naive way, kept for the equivalence test).
    ProbeByProbe,
}

/// The load balancers' controller state.
#[derive(Debug, Default)]
pub struct Elb {
    mode: HealthCheckMode,
    /// Health changes due at the current instant, applied together.
    due: Vec<(TargetIdx, TargetHealth)>,
    /// Whether a [`Event::TargetHealthApply`] is pending.
    apply_pending: bool,
    /// Tasks whose targets' health changed in the last apply (for the control plane).
    changed: Vec<TaskIdx>,
}

impl Elb {
    /// A controller simulating health checks in `mode`.
    pub fn new(mode: HealthCheckMode) -> Elb {
        Elb {
            mode,
            ..Elb::default()
        }
    }

    /// Settles what changed for the load balancers during the instant `now`: new targets start being
    /// health-checked, and the targets of tasks whose app started or stopped answering get their outcome
    /// refreshed.
    pub fn settle(&mut self, now: SimTime, world: &mut World, cx: &mut Cx) {
        let mut registered = std::mem::take(&mut world.lb_dirty.registered);
        for &t in &registered {
            match self.mode {
                HealthCheckMode::ClosedForm => {}
                HealthCheckMode::ProbeByProbe => {
                    let target = &world.targets[t.index()];
                    let at = target.registered_at + interval(world, cx, t);
                    let epoch = target.epoch;
                    cx.schedule(
                        at,
                        Phase::HealthCheck,
                        Event::TargetProbe { target: t, epoch },
                    );
                }
            }
            self.refresh(now, world, cx, t);
        }
        registered.clear();
        world.lb_dirty.registered = registered;
        let mut tasks = std::mem::take(&mut world.lb_dirty.tasks);
        for &task in &tasks {
            for t in world.task(task).targets.indices() {
                self.refresh(now, world, cx, t);
            }
        }
        tasks.clear();
        world.lb_dirty.tasks = tasks;
    }

    /// Re-reads how a probe of target `t` would go now and, if that changed, when its health changes next.
    pub fn refresh(&mut self, now: SimTime, world: &mut World, cx: &mut Cx, t: TargetIdx) {
        if !world.targets[t.index()].health.is_in_service() {
            return;
        }
        let outcome = probe_outcome(world, cx, t);
        let target = &mut world.targets[t.index()];
        let changed = if outcome == target.outcome {
            false
        } else if target.outcome_since == now {
            // A second change within one instant: probes at this instant still see the value before it.
            if outcome == target.outcome_before {
                target.outcome = outcome;
                target.streak_from = target.streak_before;
            } else {
                target.outcome = outcome;
            }
            true
        } else {
            target.outcome_before = target.outcome;
            target.streak_before = target.streak_from;
            target.outcome = outcome;
            target.outcome_since = now;
            let every = interval(world, cx, t).as_ms();
            let target = &mut world.targets[t.index()];
            target.streak_from = (now - target.registered_at).as_ms() / every + 1;
            true
        };
        let fresh = world.targets[t.index()].outcome_since == now
            && world.targets[t.index()].registered_at == now;
        if (changed || fresh) && self.mode == HealthCheckMode::ClosedForm {
            self.plan(world, cx, t);
        }
    }

    /// Closed form: schedules target `t`'s next health change, if its current run of outcomes leads to one.
    fn plan(&mut self, world: &mut World, cx: &mut Cx, t: TargetIdx) {
        let spec = target_group_spec(world, cx, t);
        let (healthy_n, unhealthy_n) = (
            u64::from(spec.healthy_threshold_count),
            u64::from(spec.unhealthy_threshold_count),
        );
        let every = interval(world, cx, t);
        let respond = response_time(world, cx, t);
        let target = &mut world.targets[t.index()];
        target.plan_epoch += 1;
        let passes = target.outcome.passes();
        let probe = match (target.health, passes) {
            (TargetHealth::Initial, true) => target.streak_from,
            (TargetHealth::Initial | TargetHealth::Healthy, false) => {
                target.streak_from + unhealthy_n - 1
            }
            (TargetHealth::Unhealthy, true) => target.streak_from + healthy_n - 1,
            _ => return,
        };
        let at = target.registered_at
            + SimDuration::from_ms(probe * every.as_ms())
            + respond(target.outcome);
        let epoch = target.plan_epoch;
        cx.schedule(
            at,
            Phase::HealthCheck,
            Event::TargetTransition { target: t, epoch },
        );
    }

    /// Closed form: target `t`'s computed change is due.
    pub fn on_transition(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        t: TargetIdx,
        epoch: u32,
    ) {
        let target = &world.targets[t.index()];
        if target.plan_epoch != epoch || !target.health.is_in_service() {
            return;
        }
        let to = if target.outcome.passes() {
            TargetHealth::Healthy
        } else {
            TargetHealth::Unhealthy
        };
        self.due(now, cx, t, to);
    }

    /// Probe by probe: target `t`'s probe runs now.
    pub fn on_probe(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        t: TargetIdx,
        epoch: u32,
    ) {
        let target = &world.targets[t.index()];
        if target.epoch != epoch || !target.health.is_in_service() {
            return;
        }
        // The probe sees the task as it was before any change at this instant.
        let outcome = if now > target.outcome_since {
            target.outcome
        } else {
            target.outcome_before
        };
        let respond = response_time(world, cx, t);
        cx.schedule(
            now + respond(outcome),
            Phase::HealthCheck,
            Event::TargetProbeResult {
                target: t,
                epoch,
                passed: outcome.passes(),
            },
        );
        cx.schedule(
            now + interval(world, cx, t),
            Phase::HealthCheck,
            Event::TargetProbe { target: t, epoch },
        );
    }

    /// Probe by probe: a probe's result arrives.
    pub fn on_probe_result(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        t: TargetIdx,
        epoch: u32,
        passed: bool,
    ) {
        let spec = target_group_spec(world, cx, t);
        let (healthy_n, unhealthy_n) =
            (spec.healthy_threshold_count, spec.unhealthy_threshold_count);
        let target = &mut world.targets[t.index()];
        if target.epoch != epoch || !target.health.is_in_service() {
            return;
        }
        if target.last_passed == Some(passed) {
            target.consecutive += 1;
        } else {
            target.consecutive = 1;
            target.last_passed = Some(passed);
        }
        let to = match (target.health, passed) {
            (TargetHealth::Initial, true) => TargetHealth::Healthy,
            (TargetHealth::Initial | TargetHealth::Healthy, false)
                if target.consecutive >= unhealthy_n =>
            {
                TargetHealth::Unhealthy
            }
            (TargetHealth::Unhealthy, true) if target.consecutive >= healthy_n => {
                TargetHealth::Healthy
            }
            _ => return,
        };
        self.due(now, cx, t, to);
    }

    fn due(&mut self, now: SimTime, cx: &mut Cx, t: TargetIdx, to: TargetHealth) {
        self.due.push((t, to));
        if !self.apply_pending {
            self.apply_pending = true;
            cx.schedule(now, Phase::HealthCheck, Event::TargetHealthApply);
        }
    }

    /// The `k`-th task the last [`Elb::on_apply`] changed.
    pub fn changed(&self, k: usize) -> TaskIdx {
        self.changed[k]
    }

    /// Applies the health changes due now, in target order; returns the tasks whose targets changed (in
    /// that order) for the control plane to react to.
    pub fn on_apply(&mut self, now: SimTime, world: &mut World, cx: &mut Cx) -> &[TaskIdx] {
        self.apply_pending = false;
        self.changed.clear();
        let mut due = std::mem::take(&mut self.due);
        due.sort_unstable_by_key(|&(t, _)| t);
        for &(t, to) in &due {
            let from = world.targets[t.index()].health;
            if !from.is_in_service() || from == to {
                continue;
            }
            world.set_target_health(t, to);
            if cx.rec.narrating() {
                narrate(now, world, cx, t, from, to);
            }
            if to == TargetHealth::Healthy {
                start_slow_start(now, world, cx, t);
            }
            if to == TargetHealth::Unhealthy {
                write_unhealthy_event(now, world, cx, t);
            }
            if self.mode == HealthCheckMode::ClosedForm {
                self.plan(world, cx, t);
            }
            let task = world.targets[t.index()].task;
            if self.changed.last() != Some(&task) {
                self.changed.push(task);
            }
        }
        due.clear();
        self.due = due;
        &self.changed
    }
}

/// The scenario's target group of target `t`.
fn target_group_spec<'s>(
    world: &World,
    cx: &Cx<'s>,
    t: TargetIdx,
) -> &'s crate::scenario::TargetGroup {
    let tg = world.targets[t.index()].target_group;
    &cx.scenario.target_groups[world.target_groups[tg.index()].spec]
}

/// `HealthCheckIntervalSeconds` of target `t`'s group.
fn interval(world: &World, cx: &Cx, t: TargetIdx) -> SimDuration {
    SimDuration::from_secs(u64::from(
        target_group_spec(world, cx, t).health_check_interval_seconds,
    ))
}

/// How long after a probe its result is known: an answer after the app's service time for one request (at
/// least 1 ms, at most the timeout), no answer after the timeout.
fn response_time(
    world: &World,
    cx: &Cx,
    t: TargetIdx,
) -> impl Fn(ProbeOutcome) -> SimDuration + use<> {
    let timeout = SimDuration::from_secs(u64::from(
        target_group_spec(world, cx, t).health_check_timeout_seconds,
    ));
    let answer = app_image(world, cx, t)
        .map_or(SimDuration::from_ms(1), |image| {
            image.cpu_per_request.max(SimDuration::from_ms(1))
        })
        .min(timeout);
    move |outcome| match outcome {
        ProbeOutcome::Pass | ProbeOutcome::Error => answer,
        ProbeOutcome::Timeout => timeout,
    }
}

/// The image of the container the target group sends requests to (`load_balancers.container_name`).
pub fn app_image(world: &World, cx: &Cx, t: TargetIdx) -> Option<crate::scenario::Image> {
    let target = &world.targets[t.index()];
    let task = world.task(target.task);
    let s = task.service?;
    let tg = world.target_groups[target.target_group.index()].spec;
    let lb = cx.scenario.services[s.index()]
        .load_balancers
        .iter()
        .find(|lb| lb.target_group == tg)?;
    let td = &cx.scenario.task_definitions[task.task_definition.index()];
    let container = td
        .container_definitions
        .iter()
        .find(|c| c.name == lb.container_name)?;
    Some(cx.scenario.image(&container.image))
}

/// How a probe of target `t` goes now: no answer until the app answers, an error from a broken release,
/// no answer in time from a saturated task (DECIDED, docs/model.md), a pass otherwise.
fn probe_outcome(world: &World, cx: &Cx, t: TargetIdx) -> ProbeOutcome {
    let task = world.task(world.targets[t.index()].task);
    if !task.app_ready {
        ProbeOutcome::Timeout
    } else if app_image(world, cx, t).is_some_and(|i| i.fails_health_checks) {
        ProbeOutcome::Error
    } else if task.saturated {
        ProbeOutcome::Timeout
    } else {
        ProbeOutcome::Pass
    }
}

/// A target that turns healthy enters slow start when its group has one and another healthy target is not
/// in slow start (§5.2: targets registered to an empty group together do not).
fn start_slow_start(now: SimTime, world: &mut World, cx: &Cx, t: TargetIdx) {
    let spec = target_group_spec(world, cx, t);
    if spec.slow_start_seconds == 0 {
        return;
    }
    let tg = world.targets[t.index()].target_group;
    let ramp = SimDuration::from_secs(u64::from(spec.slow_start_seconds));
    let other_at_full_share = world.target_groups[tg.index()].targets.iter().any(|&o| {
        let other = &world.targets[o.index()];
        o != t
            && other.health == TargetHealth::Healthy
            && other.slow_start_from.is_none_or(|from| now >= from + ramp)
    });
    if other_at_full_share {
        world.targets[t.index()].slow_start_from = Some(now);
    }
}

/// `explain`: a target's health change and the checks behind it.
fn narrate(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    t: TargetIdx,
    from: TargetHealth,
    to: TargetHealth,
) {
    let spec = target_group_spec(world, cx, t);
    let target = &world.targets[t.index()];
    let group = &world.target_groups[target.target_group.index()].name;
    let task = world.task(target.task).task_id;
    let why = match (from, to, target.outcome) {
        (TargetHealth::Initial, TargetHealth::Healthy, _) => {
            "a new target needs one passing health check, and its first passed".to_string()
        }
        (_, TargetHealth::Healthy, _) => format!(
            "{} health checks in a row passed (HealthyThresholdCount)",
            spec.healthy_threshold_count
        ),
        (_, _, ProbeOutcome::Error) => format!(
            "{} health checks in a row were answered with an error (UnhealthyThresholdCount)",
            spec.unhealthy_threshold_count
        ),
        (_, _, _) if world.task(target.task).saturated => format!(
            "{} health checks in a row timed out: the task is saturated (UnhealthyThresholdCount)",
            spec.unhealthy_threshold_count
        ),
        _ => format!(
            "{} health checks in a row timed out: the app does not answer (UnhealthyThresholdCount)",
            spec.unhealthy_threshold_count
        ),
    };
    cx.rec.narrate(
        now,
        format!(
            "[{group}] Target task {task} is {} (was {}): {why}.",
            to.as_str(),
            from.as_str()
        ),
    );
}

/// ECS's service event for a target that failed its health checks.
fn write_unhealthy_event(now: SimTime, world: &World, cx: &mut Cx, t: TargetIdx) {
    let target = &world.targets[t.index()];
    let task = world.task(target.task);
    let Some(s) = task.service else {
        return;
    };
    let group = &world.target_groups[target.target_group.index()];
    let spec = &cx.scenario.services[s.index()];
    let port = spec
        .load_balancers
        .iter()
        .find(|lb| lb.target_group == group.spec)
        .map_or(0, |lb| lb.container_port);
    let reason = match target.outcome {
        ProbeOutcome::Error => "Health checks failed with these codes: [500]",
        _ => "Request timed out",
    };
    let name = &world.services[s.index()].name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "SERVICE_TASK_UNHEALTHY",
        format_args!(
            "(service {name}) (task {}) (port {port}) is unhealthy in (target-group {}) due to (reason {reason}).",
            task.task_id, group.arn
        ),
    );
}
