//! The closed set of events the engine carries (STYLE.md §8): small `Copy` payloads of typed ids.
//!
//! Timers that can be superseded carry the task's `epoch`; a popped event whose epoch no longer matches is
//! stale and skipped (lazy cancellation: nothing searches the heap).

use crate::world::{InstanceIdx, ServiceIdx, TargetIdx, TaskIdx};

/// Every kind of event in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// `[[events]]` entry `i` happens.
    Scenario(u32),
    /// `[[scheduled_tasks]]` entry `i` fires.
    ScheduledTask(u32),
    /// An EC2 instance's agent registers the container instance.
    InstanceRegistered(InstanceIdx),
    /// A task's current lifecycle step ends; it moves to the next state.
    TaskAdvance {
        /// The task.
        task: TaskIdx,
        /// The task's epoch when scheduled.
        epoch: u32,
    },
    /// The app in a RUNNING task starts answering.
    TaskAppReady {
        /// The task.
        task: TaskIdx,
        /// The task's epoch when scheduled.
        epoch: u32,
    },
    /// A RUNNING task becomes healthy for its service (40 s rule, or a passing container health check).
    TaskHealthy {
        /// The task.
        task: TaskIdx,
        /// The task's epoch when scheduled.
        epoch: u32,
    },
    /// A task's essential container fails its health check `retries` times in a row.
    TaskUnhealthy {
        /// The task.
        task: TaskIdx,
        /// The task's epoch when scheduled.
        epoch: u32,
    },
    /// An essential container exits (a crash, or a batch job finishing).
    TaskExit {
        /// The task.
        task: TaskIdx,
        /// The task's epoch when scheduled.
        epoch: u32,
        /// A crash (non-zero exit) rather than a batch job's normal end.
        crashed: bool,
    },
    /// A target's next health change, computed in closed form, is due (ECS-SEMANTICS §5.1).
    TargetTransition {
        /// The target.
        target: TargetIdx,
        /// The target's epoch when scheduled.
        epoch: u32,
    },
    /// Probe by probe (the equivalence test): the target's next health-check probe runs.
    TargetProbe {
        /// The target.
        target: TargetIdx,
        /// The target's epoch when scheduled.
        epoch: u32,
    },
    /// Probe by probe: a probe's result is known.
    TargetProbeResult {
        /// The target.
        target: TargetIdx,
        /// The target's epoch when scheduled.
        epoch: u32,
        /// Whether the probe passed.
        passed: bool,
    },
    /// The health changes due at this instant are applied, in target order.
    TargetHealthApply,
    /// The traffic of every workload moves to its next 60-second interval (rates and noise).
    TrafficTick,
    /// A workload's pattern changes value (a step, a spike's edge, a trace row).
    WorkloadBreakpoint(u32),
    /// The outage of `[[events]]` entry `i` (an `az_outage`) ends: its zone is back.
    ZoneRestored(u32),
    /// The service scheduler reconciles one service.
    ServiceReconcile(ServiceIdx),
    /// The retry timer for tasks a service could not place.
    PlacementRetry(ServiceIdx),
    /// A metric period ends (the recorder closes it).
    MetricPeriod,
    /// The end of the warmup: an instant at which the observer reads the world, so that summary minima and
    /// maxima start from the state in force at `warmup`.
    Warmup,
    /// The end of the simulated duration.
    EndOfRun,
}

impl Event {
    /// The event's name in `trace.csv`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Scenario(_) => "ScenarioEvent",
            Event::ScheduledTask(_) => "ScheduledTask",
            Event::InstanceRegistered(_) => "InstanceRegistered",
            Event::TaskAdvance { .. } => "TaskAdvance",
            Event::TaskAppReady { .. } => "TaskAppReady",
            Event::TaskHealthy { .. } => "TaskHealthy",
            Event::TaskUnhealthy { .. } => "TaskUnhealthy",
            Event::TaskExit { .. } => "TaskExit",
            Event::TargetTransition { .. } => "TargetTransition",
            Event::TargetProbe { .. } => "TargetProbe",
            Event::TargetProbeResult { .. } => "TargetProbeResult",
            Event::TargetHealthApply => "TargetHealthApply",
            Event::TrafficTick => "TrafficTick",
            Event::WorkloadBreakpoint(_) => "WorkloadBreakpoint",
            Event::ZoneRestored(_) => "ZoneRestored",
            Event::ServiceReconcile(_) => "ServiceReconcile",
            Event::PlacementRetry(_) => "PlacementRetry",
            Event::MetricPeriod => "MetricPeriod",
            Event::Warmup => "Warmup",
            Event::EndOfRun => "EndOfRun",
        }
    }
}
