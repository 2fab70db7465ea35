//! Which plots a run gets and what each panel holds: the timeseries read as series ([`Data`]) and turned into
//! planned plots, in the order of [`super::render_all`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::deployments::{self, Deployment};
use super::{
    FEW_SERVICES_MAX, Line, Marker, PANEL_HEIGHT_PX, Panel, Planned, Point, SeriesKey, Subject,
    TimeAxis,
};
use crate::engine::{SimDuration, SimTime};
use crate::report::recorded::{Recorded, Scope};

/// The timeseries as the plots read them: (scope, id, metric) → the series' values (borrowed, one per
/// period, NaN where the period has none), the periods' starts, the time axis, the markers and the services'
/// deployments.
pub(super) struct Data<'a> {
    /// The start of each period, in axis units.
    pub(super) xs: Vec<f64>,
    /// Series with at least one finite value.
    pub(super) series: BTreeMap<SeriesKey<'a>, &'a [f64]>,
    pub(super) axis: TimeAxis,
    /// The scenario events inside the time axis, in time order.
    pub(super) markers: Vec<Marker>,
    /// The metric period (the distance between the first two period starts; the run's length if it has
    /// one period; `None` without periods).
    pub(super) period: Option<SimDuration>,
    /// Each service's deployments, in time order, from `events.csv`'s rows.
    pub(super) deployments: BTreeMap<String, Vec<Deployment>>,
}

impl<'a> Data<'a> {
    pub(super) fn collect(rec: &'a Recorded) -> Data<'a> {
        let last_s = rec
            .timeseries
            .starts
            .iter()
            .map(|t| t.as_secs_f64())
            .fold(rec.manifest.duration_s.max(0.0), f64::max);
        let axis = TimeAxis::for_span(if last_s.is_finite() { last_s } else { 0.0 });
        let series = rec
            .timeseries
            .series
            .iter()
            .filter(|line| line.values.iter().any(|v| v.is_finite()))
            .map(|line| {
                (
                    (line.scope, line.id.as_str(), line.metric),
                    line.values.as_slice(),
                )
            })
            .collect();
        let markers = super::markers_on(&rec.markers, &axis);
        let xs = rec
            .timeseries
            .starts
            .iter()
            .map(|t| t.as_secs_f64() / axis.unit_s)
            .collect();
        let starts = &rec.timeseries.starts;
        let period = match starts[..] {
            [first, second, ..] => Some(second - first),
            [first] => {
                let end_ms = (rec.manifest.duration_s.max(0.0) * 1000.0).round() as u64;
                Some(SimTime::from_ms(end_ms.max(first.as_ms())) - first)
            }
            [] => None,
        };
        Data {
            xs,
            series,
            axis,
            markers,
            period,
            deployments: deployments::by_service(&rec.events),
        }
    }

    /// `per 1m period`, for an axis that counts per metric period.
    pub(super) fn per_period(&self) -> String {
        match self.period {
            Some(p) if p > SimDuration::ZERO => format!("per {p} period"),
            _ => "per metric period".to_owned(),
        }
    }

    /// The ids (sorted) of a scope that have any of `metrics`.
    pub(super) fn ids(&self, scope: Scope, metrics: &[&str]) -> Vec<&'a str> {
        let mut ids: Vec<&'a str> = self
            .series
            .keys()
            .filter(|(s, _, m)| *s == scope && metrics.contains(m))
            .map(|&(_, id, _)| id)
            .collect();
        ids.dedup();
        ids
    }

    pub(super) fn values(&self, scope: Scope, id: &str, metric: &'static str) -> Option<&'a [f64]> {
        self.series.get(&(scope, id, metric)).copied()
    }

    /// The line of a series: its values at their periods' starts.
    pub(super) fn line(&self, label: &str, values: &'a [f64]) -> Line<'_> {
        Line::new(label, Cow::Borrowed(&self.xs), Cow::Borrowed(values))
    }

    /// The line of the series (scope, id, metric), if it has one, labelled `label`.
    pub(super) fn line_of(
        &self,
        label: &str,
        scope: Scope,
        id: &str,
        metric: &'static str,
    ) -> Option<Line<'_>> {
        self.values(scope, id, metric)
            .map(|values| self.line(label, values))
    }

    /// Every series of `metric` in any scope, labelled by its id (by `scope id` if the series span scopes).
    fn every(&self, metric: &str) -> Vec<(String, &'a [f64])> {
        let found: Vec<(Scope, &'a str, &'a [f64])> = self
            .series
            .iter()
            .filter(|((_, _, m), _)| *m == metric)
            .map(|(&(scope, id, _), &values)| (scope, id, values))
            .collect();
        let one_scope = found.windows(2).all(|w| w[0].0 == w[1].0);
        found
            .into_iter()
            .map(|(scope, id, values)| {
                let label = if one_scope {
                    id.to_owned()
                } else {
                    format!("{} {id}", scope.as_str())
                };
                (label, values)
            })
            .collect()
    }

    /// (file name, title, panels) for every plot, in the documented order, in two parts: the services' plots,
    /// which come before the task timeline (drawn apart, by `task_timeline`), and the others, after it.
    pub(super) fn plan(&self) -> [Vec<Planned<'_>>; 2] {
        let mut services = Vec::new();
        let mut names = FileNames::default();
        self.plan_tasks(&mut services, &mut names);
        services.extend(self.plan_services().map(Planned::overall));
        let mut rest = vec![
            Planned::overall(self.plan_instances()),
            Planned::overall(self.plan_cluster()),
            Planned::overall(self.plan_traffic()),
        ];
        self.plan_target_groups(&mut rest, &mut names);
        rest.push(Planned::overall(self.plan_cost()));
        [services, rest]
    }

    fn plan_tasks<'s>(&'s self, plan: &mut Vec<Planned<'s>>, names: &mut FileNames) {
        const METRICS: [&str; 3] = ["DesiredTaskCount", "RunningTaskCount", "HealthyTaskCount"];
        let services = self.ids(Scope::Service, &METRICS);
        if services.is_empty() {
            let panel = count_panel("Tasks", "tasks", vec![], "no services simulated");
            plan.push(Planned::overall((
                "tasks.svg".to_owned(),
                "Tasks per service".to_owned(),
                vec![panel],
            )));
        }
        for service in services {
            let lines = METRICS
                .iter()
                .filter_map(|m| self.line_of(m, Scope::Service, service, m))
                .collect();
            // A service with traffic gets a second panel: what its users saw, on the same time axis.
            let traffic = self.service_traffic_panel(service);
            let (title, caption) = if traffic.is_some() {
                (
                    format!("Service {service}: tasks, requests and 5XX"),
                    "Desired, running and healthy tasks".to_owned(),
                )
            } else {
                let title = format!("Service {service}: desired, running and healthy tasks");
                (title.clone(), title)
            };
            let mut panels = vec![count_panel(
                &caption,
                "tasks",
                lines,
                "no task counts recorded",
            )];
            panels.extend(traffic);
            plan.push(Planned {
                file: names.unique("tasks", service),
                title,
                subject: Subject::Service(service),
                panels,
                deployments: self.deployments.get(service).map_or(&[], Vec::as_slice),
                panel_height_px: PANEL_HEIGHT_PX,
            });
        }
    }

    /// `services.svg`, with more than [`FEW_SERVICES_MAX`] services.
    fn plan_services(&self) -> Option<(String, String, Vec<Panel<'_>>)> {
        let services = self.ids(Scope::Service, &["DesiredTaskCount", "HealthyTaskCount"]);
        if services.len() <= FEW_SERVICES_MAX {
            return None;
        }
        let pairs: Vec<(&[f64], &[f64])> = services
            .iter()
            .filter_map(|s| {
                let desired = self.values(Scope::Service, s, "DesiredTaskCount")?;
                let healthy = self.values(Scope::Service, s, "HealthyTaskCount")?;
                Some((desired, healthy))
            })
            .collect();
        let (tasks, services_short) = shortfall(self.xs.len(), &pairs);
        let line = |label: &str, ys: Vec<f64>| {
            Line::new(label, Cow::Borrowed(self.xs.as_slice()), Cow::Owned(ys))
        };
        let tasks = count_panel(
            "Healthy tasks short of desired, summed over the services",
            "tasks (desired − healthy)",
            vec![line("tasks short", tasks)],
            "no task counts recorded",
        );
        let services_short = count_panel(
            "Services with fewer healthy tasks than desired",
            "services",
            vec![line("services short", services_short)],
            "no task counts recorded",
        );
        Some((
            "services.svg".to_owned(),
            format!(
                "All {} services: healthy tasks short of desired",
                services.len()
            ),
            vec![tasks, services_short],
        ))
    }

    fn plan_instances(&self) -> (String, String, Vec<Panel<'_>>) {
        let lines = self
            .ids(Scope::Asg, &["GroupInServiceInstances"])
            .into_iter()
            .filter_map(|asg| self.line_of(asg, Scope::Asg, asg, "GroupInServiceInstances"))
            .collect();
        let title = "In-service instances per Auto Scaling group";
        let panel = count_panel(
            title,
            "instances (GroupInServiceInstances)",
            lines,
            "no Auto Scaling groups simulated",
        );
        ("instances.svg".to_owned(), title.to_owned(), vec![panel])
    }

    fn plan_cluster(&self) -> (String, String, Vec<Panel<'_>>) {
        let resource_panel = |resource: &str, metrics: [&'static str; 2]| {
            let clusters = self.ids(Scope::Cluster, &metrics);
            let mut lines = Vec::new();
            for cluster in &clusters {
                for metric in metrics {
                    let label = if clusters.len() > 1 {
                        format!("{cluster} {metric}")
                    } else {
                        metric.to_owned()
                    };
                    lines.extend(self.line_of(&label, Scope::Cluster, cluster, metric));
                }
            }
            Panel {
                title: format!("Cluster {resource}: reservation and utilization"),
                y_desc: "percent".into(),
                y_max_at_least: 100.0,
                whole_ticks: false,
                lines,
                empty_note: "no container instances registered",
            }
        };
        let cpu = resource_panel("CPU", ["CPUReservation", "CPUUtilization"]);
        let memory = resource_panel("memory", ["MemoryReservation", "MemoryUtilization"]);
        (
            "cluster.svg".to_owned(),
            "Cluster CPU and memory".to_owned(),
            vec![cpu, memory],
        )
    }

    fn plan_cost(&self) -> (String, String, Vec<Panel<'_>>) {
        let lines = self
            .every("cost_usd")
            .into_iter()
            .map(|(label, values)| {
                let amounts: Vec<Point> = self
                    .xs
                    .iter()
                    .zip(values)
                    .filter(|(_, v)| v.is_finite())
                    .map(|(&x, &v)| (x, v))
                    .collect();
                let (xs, ys) = cumulative_at_period_ends(&amounts, self.axis.end)
                    .into_iter()
                    .unzip();
                Line::new(&label, Cow::Owned(xs), Cow::Owned(ys))
            })
            .collect();
        let title = "Cumulative cost";
        let panel = Panel {
            title: title.to_owned(),
            y_desc: "USD".into(),
            y_max_at_least: 0.01,
            whole_ticks: false,
            lines,
            empty_note: "no cost recorded",
        };
        ("cost.svg".to_owned(), title.to_owned(), vec![panel])
    }
}

/// Per period, over the services' (desired, healthy) task counts: the healthy tasks short of desired (desired
/// − healthy where positive, summed) and the number of services short. A period where no service has both
/// counts is NaN (no datapoint).
pub(crate) fn shortfall(periods: usize, services: &[(&[f64], &[f64])]) -> (Vec<f64>, Vec<f64>) {
    let mut tasks = vec![f64::NAN; periods];
    let mut short = vec![f64::NAN; periods];
    for (desired, healthy) in services {
        for k in 0..periods {
            let (d, h) = (desired[k], healthy[k]);
            if !(d.is_finite() && h.is_finite()) {
                continue;
            }
            let gap = (d - h).max(0.0);
            let sum = |total: f64, add: f64| if total.is_nan() { add } else { total + add };
            tasks[k] = sum(tasks[k], gap);
            short[k] = sum(short[k], if gap > 0.0 { 1.0 } else { 0.0 });
        }
    }
    (tasks, short)
}

/// The running total of per-period amounts stamped at period starts, as (time, total so far): it starts at 0
/// at the first period's start and reaches each period's total at that period's end, which is the next
/// period's start; the last period is as long as the one before it (or runs to the axis end if it is alone),
/// but never past the axis end when it starts before it.
pub(crate) fn cumulative_at_period_ends(points: &[Point], axis_end: f64) -> Vec<Point> {
    let Some(&(first, _)) = points.first() else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(points.len() + 1);
    out.push((first, 0.0));
    let mut total = 0.0;
    for (i, &(start, amount)) in points.iter().enumerate() {
        total += amount;
        let end = match (points.get(i + 1), i.checked_sub(1).map(|j| points[j].0)) {
            (Some(&(next, _)), _) => next,
            (None, Some(previous)) => start + (start - previous),
            (None, None) => axis_end,
        };
        let end = if start < axis_end {
            end.min(axis_end)
        } else {
            end
        };
        out.push((end.max(start), total));
    }
    out
}

pub(crate) fn count_panel<'a>(
    title: &str,
    y_desc: impl Into<Cow<'static, str>>,
    lines: Vec<Line<'a>>,
    empty_note: &'static str,
) -> Panel<'a> {
    Panel {
        title: title.to_owned(),
        y_desc: y_desc.into(),
        y_max_at_least: 1.0,
        whole_ticks: true,
        lines,
        empty_note,
    }
}

/// Unique, file-system-safe plot file names: `<prefix>_<id>.svg`, with characters outside `[A-Za-z0-9._-]`
/// replaced by `_` and `-2`, `-3` ... appended if two ids map to the same name.
#[derive(Default)]
pub(crate) struct FileNames {
    used: std::collections::BTreeSet<String>,
}

impl FileNames {
    pub(crate) fn unique(&mut self, prefix: &str, id: &str) -> String {
        let safe: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut stem = format!("{prefix}_{safe}");
        let mut n = 1;
        while self.used.contains(&stem) {
            n += 1;
            stem = format!("{prefix}_{safe}-{n}");
        }
        self.used.insert(stem.clone());
        format!("{stem}.svg")
    }
}
