//! ALB target groups and their targets (ECS-SEMANTICS §5), as state.
//!
//! A service with `load_balancers` registers each of its tasks in every listed target group when the task
//! enters ACTIVATING: one [`Target`] per (task, target group), contiguous in the world's target arena so that
//! a task finds its targets without a list of its own. The world stores what a target is (its health state,
//! how its probes would go now, the request rate routed to it); *when* its health changes is decided by the
//! `elb` controller, and how many requests it gets by the load model in `workload`.

use std::sync::Arc;

use crate::engine::SimTime;

use super::ids::{ServiceIdx, TargetGroupIdx, TaskIdx};

/// A target's health state as the ALB reports it (`TargetHealth.State`, ECS-SEMANTICS §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetHealth {
    /// Registered, no health check passed yet (`Elb.InitialHealthChecking`).
    Initial,
    /// Passing its health checks.
    Healthy,
    /// Failed `UnhealthyThresholdCount` checks in a row.
    Unhealthy,
    /// Deregistering: no new requests (the deregistration delay).
    Draining,
    /// No longer registered.
    Unused,
}

impl TargetHealth {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetHealth::Initial => "initial",
            TargetHealth::Healthy => "healthy",
            TargetHealth::Unhealthy => "unhealthy",
            TargetHealth::Draining => "draining",
            TargetHealth::Unused => "unused",
        }
    }

    /// Registered and not deregistering: health-checked, and routable under fail-open.
    pub fn is_in_service(self) -> bool {
        matches!(
            self,
            TargetHealth::Initial | TargetHealth::Healthy | TargetHealth::Unhealthy
        )
    }
}

/// How a health-check probe of a target goes, given the task's state at the probe (ECS-SEMANTICS §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProbeOutcome {
    /// The app answers 200 in time.
    Pass,
    /// The app answers with an error (a broken release): a failure known as soon as it answers.
    Error,
    /// No answer within the timeout (the app is not listening yet, or the task is saturated).
    Timeout,
}

impl ProbeOutcome {
    /// Whether the probe counts as a success.
    pub fn passes(self) -> bool {
        self == ProbeOutcome::Pass
    }
}

/// One task registered in one target group.
///
/// Laid out by hand (`repr(C)`): what routing reads and writes for every target every minute comes first.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Target {
    /// Requests per second routed to it by the load model.
    pub rate: f64,
    /// When it entered slow start (ECS-SEMANTICS §5.2), while it ramps up.
    pub slow_start_from: Option<SimTime>,
    /// Its task.
    pub task: TaskIdx,
    /// Its target group.
    pub target_group: TargetGroupIdx,
    /// Its health state.
    pub health: TargetHealth,
    /// When it was registered (its probes run at `registered_at + k · interval`, k ≥ 1).
    pub registered_at: SimTime,
    /// How a probe at an instant after `outcome_since` goes.
    pub outcome: ProbeOutcome,
    /// How a probe at or before `outcome_since` went (probes see the task as it was before any change at
    /// their own instant).
    pub outcome_before: ProbeOutcome,
    /// When `outcome` last changed.
    pub outcome_since: SimTime,
    /// The first probe (index k) of the current run of equal outcomes.
    pub streak_from: u64,
    /// `streak_from` before the last outcome change (restored if the outcome changes back at the same
    /// instant).
    pub streak_before: u64,
    /// Bumped when the target stops being health-checked (deregistration): its probes become stale.
    pub epoch: u32,
    /// Bumped whenever its computed next health change is rescheduled.
    pub plan_epoch: u32,
    /// Probe by probe only: results in a row with the same outcome, and that outcome.
    pub consecutive: u32,
    /// Probe by probe only: whether the last result passed.
    pub last_passed: Option<bool>,
}

/// One target group's runtime state.
#[derive(Clone, Debug)]
pub struct TargetGroupState {
    /// Its name (the segment after `targetgroup/` in an ARN).
    pub name: Arc<str>,
    /// Its ARN as ECS writes it in stop reasons.
    pub arn: Arc<str>,
    /// The `stoppedReason` of a task the service stops for failing its health checks here
    /// (ECS-SEMANTICS §2.4): `Task failed ELB health checks in (target-group <ARN>)`.
    pub failed_reason: Arc<str>,
    /// Index into the scenario's target groups.
    pub spec: usize,
    /// The services that list it in their `load_balancers`, in scenario order.
    pub services: Vec<ServiceIdx>,
    /// Its targets that are registered or draining, in registration order.
    pub targets: Vec<super::TargetIdx>,
    /// Targets per health state: initial, healthy, unhealthy, draining.
    pub counts: TargetCounts,
}

/// Targets of a group per health state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TargetCounts {
    /// `initial`.
    pub initial: u32,
    /// `healthy`.
    pub healthy: u32,
    /// `unhealthy`.
    pub unhealthy: u32,
    /// `draining`.
    pub draining: u32,
}

impl TargetCounts {
    /// The count for `health` (`unused` targets are not counted).
    pub fn get_mut(&mut self, health: TargetHealth) -> Option<&mut u32> {
        match health {
            TargetHealth::Initial => Some(&mut self.initial),
            TargetHealth::Healthy => Some(&mut self.healthy),
            TargetHealth::Unhealthy => Some(&mut self.unhealthy),
            TargetHealth::Draining => Some(&mut self.draining),
            TargetHealth::Unused => None,
        }
    }

    /// Registered targets that are not draining.
    pub fn in_service(&self) -> u32 {
        self.initial + self.healthy + self.unhealthy
    }
}

/// A task's targets: `count` consecutive entries of the world's target arena from `first`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskTargets {
    /// The first target's index.
    pub first: u32,
    /// How many (one per target group of the service); 0 for a task behind no load balancer.
    pub count: u8,
    /// How many are healthy.
    pub healthy: u8,
    /// How many are unhealthy.
    pub unhealthy: u8,
}

impl TaskTargets {
    /// The targets' indices.
    pub fn indices(&self) -> impl Iterator<Item = super::TargetIdx> + use<> {
        (self.first..self.first + u32::from(self.count)).map(super::TargetIdx)
    }
}

/// What changed for the load balancers during the current instant, for the `elb` controller and the load
/// model to settle at the instant's end (the observer's [`Dirty`](super::counters::Dirty) is separate).
#[derive(Clone, Debug, Default)]
pub struct LbDirty {
    /// Targets registered in this instant, whose health checks must start.
    pub registered: Vec<super::TargetIdx>,
    /// Tasks whose app started or stopped answering: how their probes go may have changed.
    pub tasks: Vec<TaskIdx>,
    /// Target groups whose routable targets changed.
    pub target_groups: Vec<TargetGroupIdx>,
    tg_flag: Vec<bool>,
}

impl LbDirty {
    /// Notes that target group `tg`'s routing changed.
    pub fn target_group(&mut self, tg: TargetGroupIdx) {
        if self.tg_flag.len() <= tg.index() {
            self.tg_flag.resize(tg.index() + 1, false);
        }
        if !self.tg_flag[tg.index()] {
            self.tg_flag[tg.index()] = true;
            self.target_groups.push(tg);
        }
    }

    /// Takes the target groups noted so far (their flags are cleared).
    pub fn take_target_groups(&mut self, into: &mut Vec<TargetGroupIdx>) {
        for &tg in &self.target_groups {
            self.tg_flag[tg.index()] = false;
        }
        into.append(&mut self.target_groups);
    }
}

impl super::World {
    /// Registers `task` in every target group of its service's `load_balancers`, as ECS does when the task
    /// enters ACTIVATING (ECS-SEMANTICS §2.1). Its targets start `initial`, with probes that time out until
    /// its app answers.
    pub fn register_targets(
        &mut self,
        scenario: &crate::scenario::Scenario,
        task: TaskIdx,
        now: SimTime,
    ) {
        let Some(s) = self.tasks[task.index()].service else {
            return;
        };
        let lbs = &scenario.services[s.index()].load_balancers;
        if lbs.is_empty() || self.tasks[task.index()].targets.count > 0 {
            return;
        }
        let first = u32::try_from(self.targets.len()).expect("fewer than 2^32 targets");
        for lb in lbs {
            let tg = TargetGroupIdx(lb.target_group as u32);
            let idx = super::TargetIdx(u32::try_from(self.targets.len()).expect("fewer targets"));
            self.targets.push(Target {
                target_group: tg,
                task,
                registered_at: now,
                health: TargetHealth::Initial,
                outcome: ProbeOutcome::Timeout,
                outcome_before: ProbeOutcome::Timeout,
                outcome_since: now,
                streak_from: 1,
                streak_before: 1,
                epoch: 0,
                plan_epoch: 0,
                consecutive: 0,
                last_passed: None,
                slow_start_from: None,
                rate: 0.0,
            });
            let group = &mut self.target_groups[tg.index()];
            group.targets.push(idx);
            group.counts.initial += 1;
            self.lb_dirty.registered.push(idx);
            self.lb_dirty.target_group(tg);
        }
        let count = u8::try_from(lbs.len()).expect("at most 5 load balancers per service");
        self.task_mut(task).targets = TaskTargets {
            first,
            count,
            healthy: 0,
            unhealthy: 0,
        };
    }

    /// Starts deregistering `task`'s targets (its desiredStatus became STOPPED): they turn `draining` and get
    /// no new requests. Returns how long the task stays in DEACTIVATING: the longest deregistration delay of
    /// its target groups, `None` when it has no registered target.
    pub fn deregister_targets(
        &mut self,
        scenario: &crate::scenario::Scenario,
        task: TaskIdx,
    ) -> Option<crate::engine::SimDuration> {
        let targets = self.tasks[task.index()].targets;
        let mut delay = None;
        for t in targets.indices() {
            if !self.targets[t.index()].health.is_in_service() {
                continue;
            }
            self.set_target_health(t, TargetHealth::Draining);
            let tg = self.targets[t.index()].target_group;
            let seconds = scenario.target_groups[self.target_groups[tg.index()].spec]
                .deregistration_delay_seconds;
            let d = crate::engine::SimDuration::from_secs(u64::from(seconds));
            delay = Some(delay.map_or(d, |m: crate::engine::SimDuration| m.max(d)));
        }
        delay
    }

    /// Removes `task`'s targets from their groups (`unused`): the deregistration delay ended, or the task is
    /// gone at once with its instance.
    pub fn remove_targets(&mut self, task: TaskIdx) {
        let targets = self.tasks[task.index()].targets;
        for t in targets.indices() {
            if self.targets[t.index()].health == TargetHealth::Unused {
                continue;
            }
            self.set_target_health(t, TargetHealth::Unused);
            self.targets[t.index()].rate = 0.0;
            let tg = self.targets[t.index()].target_group;
            let list = &mut self.target_groups[tg.index()].targets;
            if let Some(pos) = list.iter().position(|&x| x == t) {
                list.remove(pos);
            }
        }
    }

    /// Moves target `t` to `health`, keeping its group's counts and its task's counts (and through them the
    /// service's counters) in step; any scheduled health event of the target becomes stale.
    pub fn set_target_health(&mut self, t: super::TargetIdx, health: TargetHealth) {
        let target = &mut self.targets[t.index()];
        let before = target.health;
        if before == health {
            return;
        }
        target.health = health;
        if !health.is_in_service() {
            target.epoch += 1;
            target.plan_epoch += 1;
        }
        if health != TargetHealth::Healthy {
            target.slow_start_from = None;
        }
        let (tg, task) = (target.target_group, target.task);
        let counts = &mut self.target_groups[tg.index()].counts;
        if let Some(n) = counts.get_mut(before) {
            *n -= 1;
        }
        if let Some(n) = counts.get_mut(health) {
            *n += 1;
        }
        self.lb_dirty.target_group(tg);
        let mut task = self.task_mut(task);
        let tt = &mut task.targets;
        match before {
            TargetHealth::Healthy => tt.healthy -= 1,
            TargetHealth::Unhealthy => tt.unhealthy -= 1,
            _ => {}
        }
        match health {
            TargetHealth::Healthy => tt.healthy += 1,
            TargetHealth::Unhealthy => tt.unhealthy += 1,
            _ => {}
        }
    }
}
