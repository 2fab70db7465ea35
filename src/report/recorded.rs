//! What a run recorded: plain rows, ready for the writers.
//!
//! The simulation pushes typed records into the recorder; at the end of a run the recorder hands this value
//! to the writers (`report/<file>.rs`), which are pure functions from it to bytes. Nothing here knows about
//! the control plane, and the writers never reach back into it.
//!
//! The last four fields (`description`, `checks`, `markers`, `notes`) are not recorded by the simulation: they
//! say what the run was for and how it went against its `[[checks]]`, for `report.html` only. The caller
//! fills them after the run (the `run` command does, from the scenario and [`crate::checks::evaluate`]);
//! a `Recorded` straight from `sim::run` has them empty, and no CSV or JSON file reads them.

use crate::engine::{SimDuration, SimTime};

pub use super::event_log::{EventLog, EventRow};

/// Everything one run produced, in the order each file needs.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    /// The run's identity and bookkeeping (`manifest.json`).
    pub manifest: Manifest,
    /// Summary metrics sorted by name (`summary.json`, `summary.csv`).
    pub summary: Vec<SummaryMetric>,
    /// The metric series by report period (`timeseries.csv`).
    pub timeseries: TimeSeries,
    /// The story of the run in order of occurrence (`events.csv`).
    pub events: EventLog,
    /// One row per task, sorted by task id (`tasks.csv`).
    pub tasks: Vec<TaskRow>,
    /// One row per EC2 instance, in launch order (`instances.csv`).
    pub instances: Vec<InstanceRow>,
    /// Every event the engine processed, when `--trace` was given (`trace.csv`).
    pub trace: Option<Vec<TraceRow>>,
    /// The scenario's `description` (`report.html` only; empty if it has none).
    pub description: String,
    /// The verdict on each `[[checks]]` entry, in file order (`report.html` only).
    pub checks: Vec<CheckRow>,
    /// The scenario's `[[events]]`, in time order (`report.html` and the plots mark them).
    pub markers: Vec<EventMarker>,
    /// What loading the scenario noted (fields not modelled, sections not simulated yet), each as
    /// `file:line:column: message` (`report.html` only).
    pub notes: Vec<String>,
}

/// The verdict on one `[[checks]]` entry, as `report.html` shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckRow {
    /// The summary metric checked.
    pub metric: String,
    /// The lower bound, inclusive.
    pub min: Option<f64>,
    /// The upper bound, inclusive.
    pub max: Option<f64>,
    /// The metric's value, `None` if the run did not produce it.
    pub value: Option<f64>,
    /// Whether every bound held.
    pub passed: bool,
    /// The sentence the terminal prints: what was expected and what happened.
    pub message: String,
}

/// One scenario `[[events]]` entry, marked on every time-series plot.
#[derive(Clone, Debug, PartialEq)]
pub struct EventMarker {
    /// Its `at`.
    pub time: SimTime,
    /// The action as the file names it (`drain_instances`, `update_service`, ...).
    pub action: String,
    /// What it does, in a few words (`drain 1 instance of ecs-nodes`).
    pub label: String,
    /// How long what it starts lasts (an Availability Zone outage, a Fargate capacity shortage), shaded on
    /// the plots from `time`; `None` for an instant.
    pub duration: Option<SimDuration>,
}

/// `manifest.json`.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `CARGO_PKG_VERSION` of the ecsim that ran.
    pub ecsim_version: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// Hex SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The seed the run used.
    pub seed: u64,
    /// `--set` overrides as the user typed them, in order.
    pub overrides: Vec<String>,
    /// Simulated duration in seconds.
    pub duration_s: f64,
    /// Events the engine processed.
    pub events_processed: u64,
    /// Wall-clock seconds the run took (from an injected clock; tests fix it).
    pub wall_seconds: f64,
}

/// One summary metric (SPEC §4 names).
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryMetric {
    /// e.g. `cluster.cpu_reservation_avg`, `service.web.tasks_started`.
    pub name: String,
    /// The value; integers are whole floats.
    pub value: f64,
}

/// The `scope` column of `timeseries.csv` (and the scope of most event rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The cluster as a whole.
    Cluster,
    /// One ECS service.
    Service,
    /// One ALB target group.
    TargetGroup,
    /// One Auto Scaling group.
    Asg,
    /// One capacity provider.
    CapacityProvider,
    /// One task (events only).
    Task,
    /// One EC2 / container instance (events only).
    Instance,
}

impl Scope {
    /// The spelling used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Cluster => "cluster",
            Scope::Service => "service",
            Scope::TargetGroup => "target_group",
            Scope::Asg => "asg",
            Scope::CapacityProvider => "capacity_provider",
            Scope::Task => "task",
            Scope::Instance => "instance",
        }
    }
}

/// One row of `timeseries.csv`: a metric's value over the period starting at `time`.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPoint {
    /// Start of the metric period.
    pub time: SimTime,
    /// What the series describes.
    pub scope: Scope,
    /// The cluster, service, ASG ... name.
    pub id: String,
    /// CloudWatch metric name where one exists (`CPUReservation`, `RunningTaskCount`, `cost_usd`, ...).
    pub metric: &'static str,
    /// Time-weighted mean for gauges, sum for counts.
    pub value: f64,
}

/// `timeseries.csv` held by series: for each (scope, id, metric), one value per period (`f64::NAN` where
/// the period has no datapoint, e.g. a reservation with no registered capacity). Eight bytes a datapoint,
/// however many there are; rows are produced on demand in SPEC §4 order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeSeries {
    /// The start of each period, in order.
    pub starts: Vec<SimTime>,
    /// The series, sorted by (scope text, id, metric).
    pub series: Vec<Line>,
}

/// One row of `timeseries.csv`, borrowed from a [`TimeSeries`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row<'a> {
    /// Start of the period.
    pub time: SimTime,
    /// What the series describes.
    pub scope: Scope,
    /// The cluster, service, ASG ... name.
    pub id: &'a str,
    /// The metric name.
    pub metric: &'static str,
    /// The value.
    pub value: f64,
}

/// One series of [`TimeSeries`].
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// What the series describes.
    pub scope: Scope,
    /// The cluster, service, ASG ... name.
    pub id: String,
    /// CloudWatch metric name where one exists.
    pub metric: &'static str,
    /// One value per period of [`TimeSeries::starts`]; NaN: no datapoint.
    pub values: Vec<f64>,
}

impl TimeSeries {
    /// Periods starting at `starts`, no series yet.
    pub fn new(starts: Vec<SimTime>) -> TimeSeries {
        TimeSeries {
            starts,
            series: Vec::new(),
        }
    }

    /// Adds a series (callers add them in (scope text, id, metric) order).
    pub fn push(&mut self, scope: Scope, id: String, metric: &'static str, values: Vec<f64>) {
        assert_eq!(values.len(), self.starts.len(), "one value per period");
        self.series.push(Line {
            scope,
            id,
            metric,
            values,
        });
    }

    /// The series (scope, id, metric), if there is one.
    pub fn line(&self, scope: Scope, id: &str, metric: &str) -> Option<&Line> {
        self.series
            .iter()
            .find(|l| l.scope == scope && l.id == id && l.metric == metric)
    }

    /// Every datapoint as a row, sorted by (time, scope text, id, metric) (SPEC §4); periods without a
    /// datapoint give no row. Rows borrow the series' names: nothing is allocated per row.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        let mut order: Vec<usize> = (0..self.series.len()).collect();
        order.sort_by(|&a, &b| {
            let (la, lb) = (&self.series[a], &self.series[b]);
            (la.scope.as_str(), &la.id, la.metric).cmp(&(lb.scope.as_str(), &lb.id, lb.metric))
        });
        let order: std::rc::Rc<[usize]> = order.into();
        self.starts.iter().enumerate().flat_map(move |(k, &time)| {
            let order = order.clone();
            (0..order.len()).filter_map(move |j| {
                let l = &self.series[order[j]];
                let value = l.values[k];
                (!value.is_nan()).then_some(Row {
                    time,
                    scope: l.scope,
                    id: &l.id,
                    metric: l.metric,
                    value,
                })
            })
        })
    }

    /// The rows as owned points (see [`TimeSeries::rows`]).
    pub fn to_points(&self) -> Vec<SeriesPoint> {
        self.rows()
            .map(|r| SeriesPoint {
                time: r.time,
                scope: r.scope,
                id: r.id.to_owned(),
                metric: r.metric,
                value: r.value,
            })
            .collect()
    }

    /// The series of `points` (rows in any order; a missing (series, period) pair is NaN).
    pub fn from_points(points: Vec<SeriesPoint>) -> TimeSeries {
        let mut starts: Vec<SimTime> = points.iter().map(|p| p.time).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut keys: Vec<(Scope, String, &'static str)> = points
            .iter()
            .map(|p| (p.scope, p.id.clone(), p.metric))
            .collect();
        keys.sort_by(|a, b| (a.0.as_str(), &a.1, a.2).cmp(&(b.0.as_str(), &b.1, b.2)));
        keys.dedup();
        let mut out = TimeSeries::new(starts.clone());
        for (scope, id, metric) in keys {
            let mut values = vec![f64::NAN; starts.len()];
            for p in points
                .iter()
                .filter(|p| p.scope == scope && p.id == id && p.metric == metric)
            {
                let k = starts
                    .binary_search(&p.time)
                    .expect("a start of the points");
                values[k] = p.value;
            }
            out.push(scope, id, metric, values);
        }
        out
    }
}

/// One row of `tasks.csv` (SPEC §4): `None` where it never happened.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskRow {
    /// The task id (32 lowercase hex digits, as AWS prints task ids).
    pub task_id: String,
    /// The service, empty for standalone tasks.
    pub service: String,
    /// `family:revision`.
    pub task_definition: String,
    /// `EC2` or `FARGATE`.
    pub launch_type: String,
    /// The capacity provider, empty when a launch type was used.
    pub capacity_provider: String,
    /// The EC2 instance id, empty on Fargate.
    pub instance_id: String,
    /// The zone the task ran in.
    pub availability_zone: String,
    /// The task exists (PROVISIONING or PENDING).
    pub created: Option<SimTime>,
    /// lastStatus became RUNNING.
    pub running: Option<SimTime>,
    /// First counted healthy for its service.
    pub healthy: Option<SimTime>,
    /// desiredStatus became STOPPED.
    pub stop_requested: Option<SimTime>,
    /// lastStatus became STOPPING.
    pub stopping: Option<SimTime>,
    /// lastStatus became STOPPED.
    pub stopped: Option<SimTime>,
    /// AWS `stopCode`, empty while running.
    pub stop_code: String,
    /// AWS `stoppedReason`, empty while running.
    pub stopped_reason: String,
}

/// One row of `instances.csv` (SPEC §4).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InstanceRow {
    /// The EC2 instance id (`i-` and 17 hex digits).
    pub instance_id: String,
    /// The Auto Scaling group that launched it.
    pub auto_scaling_group: String,
    /// e.g. `m5.large`.
    pub instance_type: String,
    /// e.g. `us-east-1a`.
    pub availability_zone: String,
    /// `on-demand` or `spot`.
    pub market: String,
    /// Launch requested.
    pub launched: Option<SimTime>,
    /// Registered as an ACTIVE container instance.
    pub registered: Option<SimTime>,
    /// Terminated.
    pub terminated: Option<SimTime>,
    /// Why it was terminated, empty if it was not.
    pub termination_reason: String,
}

/// One row of `trace.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    /// When the engine processed the event.
    pub time: SimTime,
    /// The event kind (`TaskTransition`, `ServiceReconcile`, ...).
    pub kind: &'static str,
    /// What it concerned (a task, service or instance id).
    pub subject: String,
}
