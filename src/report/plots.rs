//! `plots/*.svg`: the charts SPEC §4 asks for, drawn from `timeseries.csv`'s rows with plotters.
//!
//! Only plotters' SVG backend is used, with plotters' default features off: no `ttf`, no font-kit, no
//! fontconfig. Text still works: without a font feature plotters falls back to its built-in "naive" font,
//! which estimates text extents from the character count for layout, and the SVG backend writes every label
//! as a `<text>` element (escaped) that the viewer's browser renders. So axis labels, captions and legends are
//! all present and the machine needs nothing but the Rust toolchain.
//!
//! plotters' built-in font draws text at about 0.8 of the size asked for, so the sizes below are chosen for
//! what the browser shows (about 14 px for ticks and legends).
//!
//! The plots, in this order (the order of [`render_all`]):
//!
//! 1. `tasks_<service>.svg`, one per service (by name): `DesiredTaskCount`, `RunningTaskCount`,
//!    `HealthyTaskCount` of scope `service`.
//!    With more than [`FEW_SERVICES_MAX`] services, `services.svg` follows: two panels summing the services
//!    up per period, the healthy tasks short of desired (`DesiredTaskCount` − `HealthyTaskCount`, at least 0,
//!    summed over the services) and how many services were short, so that a reader sees when any service
//!    dipped without opening fifty plots (`report.html` folds those).
//! 2. `instances.svg`: `GroupInServiceInstances` of every ASG, one line each.
//! 3. `cluster.svg`: two panels, CPU and memory, each with `*Reservation` and `*Utilization` (percent) of scope
//!    `cluster`.
//! 4. `traffic.svg`: two panels, `RequestCount` and the 5XX counts (`HTTPCode_ELB_5XX_Count`,
//!    `HTTPCode_Target_5XX_Count`) of every series that has them, as counts per metric period (the period is
//!    not in the rows, so no per-second rate is derived).
//! 5. `cost.svg`: `cost_usd` of every series that has it, shown as the cumulative sum.
//!
//! Long series are downsampled as they are drawn, to what the picture can show (`pixel_line`): each point
//! is placed on its pixel, and of the points that fall in one pixel column only the first, the last, the
//! highest and the lowest are kept, in time order (the M4 reduction of Jugel et al., "M4: a
//! visualization-oriented time series data aggregation", VLDB 2014). The line drawn through them goes up and
//! down each column as far as the line through every point and passes from column to column at the same
//! pixels, so it looks the same (a browser's renderings of a week-long plot drawn both ways differ in a
//! handful of anti-aliased pixels): a one-period dip or spike keeps its full depth, a step stays where it is,
//! and nothing is averaged. Then a vertex on the same pixel as the one before it, or on the straight segment
//! between its neighbours, is left out, as it draws nothing: a count that wavers by less than a pixel is one
//! flat segment. So a line has at most four points per pixel column ([`POINTS_PER_LINE_MAX`] in all) however
//! long the run, and a week of one-minute periods (10,080 points) weighs about what a day does. Lines short
//! enough for a dot on every point (`MARKERS_MAX_POINTS`, 120) keep every point. The series are read where the
//! timeseries holds them, one point at a time, and not copied; only the cumulative cost and `services.svg`'s
//! sums are computed, one value per period.
//!
//! A plot whose data is absent is still drawn, with a sentence saying why it is empty ("no traffic
//! simulated"), so that a missing chart never looks like a bug; [`Plot::empty`] says so too, and
//! `report.html` leaves such plots out. A plot is empty when every line of every panel is absent or all zero.
//! Non-finite values are skipped. The time axis is shared by all plots and uses seconds, minutes or hours
//! depending on the run's length; count axes (tasks, instances, requests) have whole-number ticks.
//!
//! Every plot marks the scenario's `[[events]]` ([`Recorded::markers`]) as numbered dashed vertical lines at
//! their `at` instant, listed in the legend after the series (`1 at 10m`, then `drain 1 instance of ecs-nodes`). At
//! most [`MARKERS_MAX`] are drawn; events after the end of the run are not drawn.
//!
//! Determinism: the output depends only on the rows. Series are collected in a `BTreeMap`, colours come from a
//! fixed palette by position, and the SVG backend writes no ids, timestamps or random values, so two renders
//! of the same `Recorded` are byte-identical.

use std::borrow::Cow;
use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::recorded::{Recorded, Scope};
use super::text::in_order;
use crate::engine::SimTime;

/// Width of every plot, in SVG pixels.
pub const WIDTH_PX: u32 = 1000;
/// Height of one panel, in SVG pixels (a plot with two panels is twice as high).
pub const PANEL_HEIGHT_PX: u32 = 380;

/// Series with at most this many points also mark each point with a dot; longer ones are lines only, so a
/// week of minute periods does not become ten thousand `<circle>` elements.
const MARKERS_MAX_POINTS: usize = 120;

/// The most points one plotted line has in the SVG (`pixel_line`): four per pixel column. The plotting area
/// is narrower than the plot (about 675 of its 1000 pixels: the legend, the y labels and the margins take the
/// rest), so a line has at most about 2,700.
pub const POINTS_PER_LINE_MAX: usize = 4 * WIDTH_PX as usize;

/// With more services than this, `services.svg` sums them up and `report.html` shows the services' summary
/// metrics as a table of their own and folds their plots.
pub const FEW_SERVICES_MAX: usize = 8;

/// Room kept right of each chart for its legend, in SVG pixels.
const LEGEND_WIDTH_PX: u32 = 240;

/// Vertical distance between legend entries, in SVG pixels.
const LEGEND_LINE_PX: i32 = 22;

/// Legend labels longer than this many characters are cut with `…` (the full text is in `report.html`).
const LEGEND_LABEL_MAX_CHARS: usize = 28;

/// The most scenario-event markers drawn on one plot; later ones are counted in the legend only.
pub const MARKERS_MAX: usize = 50;

/// The colour of the scenario-event markers (a dark grey no series uses).
pub const MARKER_COLOUR: RGBColor = RGBColor(68, 68, 68);

/// Colours by series position: the Tableau 10 palette, readable on white and for most colour-blind readers.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Plotters failed to draw a plot. With the SVG backend writing to a `String` this should not happen; it
/// would be a bug in ecsim (a layout plotters rejects), so callers treat it as an internal error.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw plot {file}: {message}")]
pub struct PlotError {
    /// The plot's file name (`cluster.svg`).
    pub file: String,
    /// What plotters reported.
    pub message: String,
}

/// One drawn plot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plot {
    /// The file name under `plots/` (`cluster.svg`).
    pub file: String,
    /// What it shows (`Cluster CPU and memory`).
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// Why it shows nothing (`no traffic simulated`), if every line of every panel is absent or all zero.
    pub empty: Option<String>,
    /// The service a per-service plot (`tasks_<service>.svg`) is about; `None` for the others.
    pub service: Option<String>,
}

/// Every plot, in the documented order.
pub fn render_all(rec: &Recorded) -> Result<Vec<Plot>, PlotError> {
    let data = Data::collect(rec);
    let mut plots = Vec::new();
    for Planned {
        file,
        title,
        service,
        panels,
    } in data.plan()
    {
        let svg = draw(&title, &panels, &data.axis, &data.markers).map_err(|e| PlotError {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let empty = emptiness(&panels);
        plots.push(Plot {
            file,
            title,
            svg,
            empty,
            service,
        });
    }
    Ok(plots)
}

/// Why the panels show nothing, or `None` if some line has a non-zero value: the first panel's note if it
/// has no line at all, else "every value is 0".
fn emptiness(panels: &[Panel]) -> Option<String> {
    let blank = |p: &Panel| p.lines.iter().all(|l| l.points().all(|pt| pt.1 == 0.0));
    if !panels.iter().all(blank) {
        return None;
    }
    let first = panels.first()?;
    Some(if first.lines.iter().all(Line::is_empty) {
        first.empty_note.to_owned()
    } else {
        "every value is 0".to_owned()
    })
}

/// A scenario event as drawn: where, its number, and its legend text.
struct Marker {
    /// Time in axis units.
    x: f64,
    /// 1-based, in time order.
    number: usize,
    /// `1 at 10m` (the legend's first line).
    when: String,
    /// `drain 1 instance of ecs-nodes` (the legend's second line).
    label: String,
}

/// One line of a panel: its points as two columns, borrowed from the timeseries where it holds them.
struct Line<'a> {
    label: String,
    /// Each point's time in axis units, ascending.
    xs: Cow<'a, [f64]>,
    /// Each point's value; a non-finite value is no datapoint and is not drawn.
    ys: Cow<'a, [f64]>,
    /// Mark each point with a dot: the series has at most [`MARKERS_MAX_POINTS`] datapoints.
    dots: bool,
}

impl<'a> Line<'a> {
    fn new(label: &str, xs: Cow<'a, [f64]>, ys: Cow<'a, [f64]>) -> Line<'a> {
        assert_eq!(xs.len(), ys.len(), "one time per value");
        let datapoints = ys.iter().filter(|y| y.is_finite()).count();
        Line {
            label: label.to_owned(),
            xs,
            ys,
            dots: datapoints <= MARKERS_MAX_POINTS,
        }
    }

    /// The datapoints (time in axis units, value), in time order.
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        self.xs
            .iter()
            .zip(self.ys.iter())
            .filter(|(_, y)| y.is_finite())
            .map(|(&x, &y)| (x, y))
    }

    fn is_empty(&self) -> bool {
        self.points().next().is_none()
    }
}

/// A plot to draw: its file name, its title, the service it is about (per-service plots only) and its panels.
struct Planned<'a> {
    file: String,
    title: String,
    service: Option<String>,
    panels: Vec<Panel<'a>>,
}

impl<'a> Planned<'a> {
    /// A plot about the whole run (not one service).
    fn overall((file, title, panels): (String, String, Vec<Panel<'a>>)) -> Planned<'a> {
        Planned {
            file,
            title,
            service: None,
            panels,
        }
    }
}

/// One chart area: a title, a y-axis description, lines, and what to say if it has none.
struct Panel<'a> {
    title: String,
    y_desc: &'static str,
    /// The y axis always reaches at least this (100 for percentages), so small values keep their scale.
    y_max_at_least: f64,
    /// Whole-number ticks only (the axis counts tasks, instances or requests).
    whole_ticks: bool,
    lines: Vec<Line<'a>>,
    empty_note: &'static str,
}

/// The shared time axis.
struct TimeAxis {
    /// Seconds per axis unit (1, 60 or 3600).
    unit_s: f64,
    /// `simulated time (min)` etc.
    desc: &'static str,
    /// The axis' end in axis units.
    end: f64,
}

impl TimeAxis {
    fn for_span(last_s: f64) -> TimeAxis {
        let (unit_s, desc) = if last_s <= 600.0 {
            (1.0, "simulated time (s)")
        } else if last_s <= 3.0 * 3600.0 {
            (60.0, "simulated time (min)")
        } else {
            (3600.0, "simulated time (h)")
        };
        let end = last_s / unit_s;
        TimeAxis {
            unit_s,
            desc,
            end: if end > 0.0 { end } else { 1.0 },
        }
    }
}

/// A series: (scope, id, metric).
type SeriesKey<'a> = (Scope, &'a str, &'static str);
/// (time in axis units, value).
type Point = (f64, f64);

/// The timeseries as the plots read them: (scope, id, metric) → the series' values (borrowed, one per
/// period, NaN where the period has none), the periods' starts, the time axis and the markers.
struct Data<'a> {
    /// The start of each period, in axis units.
    xs: Vec<f64>,
    /// Series with at least one finite value.
    series: BTreeMap<SeriesKey<'a>, &'a [f64]>,
    axis: TimeAxis,
    /// The scenario events inside the time axis, in time order.
    markers: Vec<Marker>,
}

impl<'a> Data<'a> {
    fn collect(rec: &'a Recorded) -> Data<'a> {
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
        let markers = in_order(&rec.markers, |a, b| a.time.cmp(&b.time))
            .into_iter()
            .enumerate()
            .map(|(i, m)| Marker {
                x: m.time.as_secs_f64() / axis.unit_s,
                number: i + 1,
                when: format!("{} at {}", i + 1, m.time - SimTime::ZERO),
                label: m.label.clone(),
            })
            .filter(|m| m.x <= axis.end)
            .collect();
        let xs = rec
            .timeseries
            .starts
            .iter()
            .map(|t| t.as_secs_f64() / axis.unit_s)
            .collect();
        Data {
            xs,
            series,
            axis,
            markers,
        }
    }

    /// The ids (sorted) of a scope that have any of `metrics`.
    fn ids(&self, scope: Scope, metrics: &[&str]) -> Vec<&'a str> {
        let mut ids: Vec<&'a str> = self
            .series
            .keys()
            .filter(|(s, _, m)| *s == scope && metrics.contains(m))
            .map(|&(_, id, _)| id)
            .collect();
        ids.dedup();
        ids
    }

    fn values(&self, scope: Scope, id: &str, metric: &'static str) -> Option<&'a [f64]> {
        self.series.get(&(scope, id, metric)).copied()
    }

    /// The line of a series: its values at their periods' starts.
    fn line(&self, label: &str, values: &'a [f64]) -> Line<'_> {
        Line::new(label, Cow::Borrowed(&self.xs), Cow::Borrowed(values))
    }

    /// The line of the series (scope, id, metric), if it has one, labelled `label`.
    fn line_of(
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

    /// (file name, title, panels) for every plot, in the documented order.
    fn plan(&self) -> Vec<Planned<'_>> {
        let mut plan = Vec::new();
        let mut names = FileNames::default();
        self.plan_tasks(&mut plan, &mut names);
        plan.extend(self.plan_services().map(Planned::overall));
        plan.push(Planned::overall(self.plan_instances()));
        plan.push(Planned::overall(self.plan_cluster()));
        plan.push(Planned::overall(self.plan_traffic()));
        plan.push(Planned::overall(self.plan_cost()));
        plan
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
            let title = format!("Service {service}: desired, running and healthy tasks");
            let panel = count_panel(&title, "tasks", lines, "no task counts recorded");
            plan.push(Planned {
                file: names.unique("tasks", service),
                title,
                service: Some(service.to_owned()),
                panels: vec![panel],
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
                y_desc: "percent",
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

    fn plan_traffic(&self) -> (String, String, Vec<Panel<'_>>) {
        // (metric, what the legend calls it after the series' id)
        let lines_of = |metrics: &[(&str, &str)]| -> Vec<Line<'_>> {
            let mut lines = Vec::new();
            for (metric, short) in metrics {
                for (label, values) in self.every(metric) {
                    let label = if short.is_empty() {
                        label
                    } else {
                        format!("{label} {short}")
                    };
                    lines.push(self.line(&label, values));
                }
            }
            lines
        };
        let requests = lines_of(&[("RequestCount", "")]);
        let errors = lines_of(&[
            ("HTTPCode_ELB_5XX_Count", "ELB 5XX"),
            ("HTTPCode_Target_5XX_Count", "target 5XX"),
        ]);
        let no_traffic = requests.is_empty() && errors.is_empty();
        let note = if no_traffic {
            "no traffic simulated"
        } else {
            "no 5XX errors recorded"
        };
        let requests = count_panel(
            "Requests per metric period",
            "requests (RequestCount)",
            requests,
            "no traffic simulated",
        );
        let errors = count_panel(
            "5XX errors per metric period",
            "5XX responses",
            errors,
            note,
        );
        (
            "traffic.svg".to_owned(),
            "Request rate and error rate".to_owned(),
            vec![requests, errors],
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
            y_desc: "USD",
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
fn shortfall(periods: usize, services: &[(&[f64], &[f64])]) -> (Vec<f64>, Vec<f64>) {
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
fn cumulative_at_period_ends(points: &[Point], axis_end: f64) -> Vec<Point> {
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

fn count_panel<'a>(
    title: &str,
    y_desc: &'static str,
    lines: Vec<Line<'a>>,
    empty_note: &'static str,
) -> Panel<'a> {
    Panel {
        title: title.to_owned(),
        y_desc,
        y_max_at_least: 1.0,
        whole_ticks: true,
        lines,
        empty_note,
    }
}

/// Unique, file-system-safe plot file names: `<prefix>_<id>.svg`, with characters outside `[A-Za-z0-9._-]`
/// replaced by `_` and `-2`, `-3` ... appended if two ids map to the same name.
#[derive(Default)]
struct FileNames {
    used: std::collections::BTreeSet<String>,
}

impl FileNames {
    fn unique(&mut self, prefix: &str, id: &str) -> String {
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

type DrawResult<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// Draws the panels stacked vertically into one SVG document.
fn draw(title: &str, panels: &[Panel], axis: &TimeAxis, markers: &[Marker]) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let rows = panels.len().max(1);
        let height = PANEL_HEIGHT_PX * rows as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH_PX, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = if panels.len() > 1 {
            root.titled(title, ("sans-serif", 26))?
        } else {
            root
        };
        for (area, panel) in root.split_evenly((rows, 1)).iter().zip(panels) {
            draw_panel(area, panel, axis, markers)?;
        }
        root.present()?;
    }
    Ok(svg)
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    panel: &Panel,
    axis: &TimeAxis,
    markers: &[Marker],
) -> DrawResult<()> {
    let y_max_seen = panel
        .lines
        .iter()
        .flat_map(|l| l.points().map(|p| p.1))
        .fold(0.0, f64::max);
    let y_min = panel
        .lines
        .iter()
        .flat_map(|l| l.points().map(|p| p.1))
        .fold(0.0, f64::min);
    // 12 % headroom: the top band holds the markers' numbers clear of lines at their maximum.
    let y_max = (y_max_seen * 1.12).max(panel.y_max_at_least);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 24))
        .margin(12)
        .margin_right(LEGEND_WIDTH_PX)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..axis.end, y_min..y_max)?;
    let whole = panel.whole_ticks;
    let y_ticks = |y: &f64| {
        if whole && y.fract() != 0.0 {
            String::new()
        } else {
            tick_label(*y)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(axis.desc)
        .y_desc(panel.y_desc)
        .label_style(("sans-serif", 18))
        .axis_desc_style(("sans-serif", 18))
        .x_label_formatter(&|x| tick_label(*x))
        .y_label_formatter(&y_ticks);
    if whole && y_max - y_min <= 10.0 {
        // One label per whole number: plotters then picks a step of 1, never 0.5.
        mesh.y_labels((y_max - y_min).floor() as usize + 1);
    }
    mesh.draw()?;
    if panel.lines.iter().all(Line::is_empty) {
        let style = ("sans-serif", 24)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (axis.end / 2.0, (y_min + y_max) / 2.0);
        chart
            .plotting_area()
            .draw(&Text::new(panel.empty_note, centre, style))?;
    }
    for (i, l) in panel.lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let style = colour.stroke_width(2);
        if l.dots {
            chart.draw_series(LineSeries::new(l.points(), style).point_size(2))?;
        } else {
            let drawn = pixel_line(l.points().map(|p| (p, chart.backend_coord(&p))));
            chart.draw_series(LineSeries::new(drawn, style))?;
        }
    }
    let drawn = &markers[..markers.len().min(MARKERS_MAX)];
    draw_markers(&chart, drawn, (y_min, y_max))?;
    draw_legend(area, chart.plotting_area(), &panel.lines, markers)
}

/// The points of a line, each with its pixel, in time order, reduced to those that make what is drawn: the
/// first, last, highest and lowest point of each pixel column ([`column_extremes`]), less the vertices that
/// draw nothing ([`visible_vertices`]). At most four points per pixel column, whatever the line's length;
/// the line through them covers the pixels the line through every point covers. Lines with dots keep every
/// point and do not use this.
fn pixel_line<T: Copy>(points: impl IntoIterator<Item = (T, (i32, i32))>) -> Vec<T> {
    let columns = column_extremes(points);
    let pixels: Vec<(i32, i32)> = columns.iter().map(|c| c.1).collect();
    visible_vertices(&pixels)
        .into_iter()
        .map(|k| columns[k].0)
        .collect()
}

/// Of the points (in time order, each with its pixel) that fall in one pixel column, the first, the last, the
/// highest and the lowest, in time order (M4): the line through them goes up and down the column as far as
/// the line through all of them, and enters and leaves it at the same pixels. Reads the points once and
/// holds one column's four at a time.
fn column_extremes<T: Copy>(
    points: impl IntoIterator<Item = (T, (i32, i32))>,
) -> Vec<(T, (i32, i32))> {
    /// (position in the input, the point, its pixel)
    type Seen<T> = (usize, T, (i32, i32));
    /// First, highest (least pixel y), lowest (greatest pixel y), last of the current column.
    fn flush<T: Copy>(column: [Seen<T>; 4], out: &mut Vec<(T, (i32, i32))>) {
        let mut column = column;
        column.sort_by_key(|seen| seen.0);
        for (k, seen) in column.iter().enumerate() {
            if k == 0 || seen.0 != column[k - 1].0 {
                out.push((seen.1, seen.2));
            }
        }
    }
    let mut out = Vec::new();
    let mut column: Option<[Seen<T>; 4]> = None;
    for (i, (point, px)) in points.into_iter().enumerate() {
        let seen = (i, point, px);
        match &mut column {
            Some(c) if c[0].2.0 == px.0 => {
                if px.1 < c[1].2.1 {
                    c[1] = seen;
                }
                if px.1 > c[2].2.1 {
                    c[2] = seen;
                }
                c[3] = seen;
            }
            _ => {
                if let Some(done) = column.take() {
                    flush(done, &mut out);
                }
                column = Some([seen; 4]);
            }
        }
    }
    if let Some(done) = column {
        flush(done, &mut out);
    }
    out
}

/// The indices, ascending, of the vertices of the polyline through `pixels` that change what is drawn: a
/// vertex at the same pixel as the one before it, or on the straight segment between its neighbours (the
/// several points a flat stretch puts on one pixel row, or a steady rise on one pixel column), is left out,
/// and the line covers the same pixels. A vertex that turns the line, however little, is kept: a one-pixel
/// dip or spike stays.
fn visible_vertices(pixels: &[(i32, i32)]) -> Vec<usize> {
    // `b` lies on the segment from `a` to `c`.
    let between = |a: (i32, i32), b: (i32, i32), c: (i32, i32)| {
        let (ab, ac) = (
            (i64::from(b.0 - a.0), i64::from(b.1 - a.1)),
            (i64::from(c.0 - a.0), i64::from(c.1 - a.1)),
        );
        ab.0 * ac.1 == ab.1 * ac.0
            && (a.0.min(c.0)..=a.0.max(c.0)).contains(&b.0)
            && (a.1.min(c.1)..=a.1.max(c.1)).contains(&b.1)
    };
    let mut kept: Vec<usize> = Vec::with_capacity(pixels.len());
    for (i, &c) in pixels.iter().enumerate() {
        if kept.last().is_some_and(|&j| pixels[j] == c) {
            continue;
        }
        while let [.., a, b] = kept[..] {
            if !between(pixels[a], pixels[b], c) {
                break;
            }
            kept.pop();
        }
        kept.push(i);
    }
    kept
}

/// Each marker as a dashed vertical line across the plotting area, numbered at the top. A number goes on the
/// first of three rows where it clears the numbers already there, so that close markers stay readable and
/// distant ones line up.
fn draw_markers(
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    markers: &[Marker],
    (y_min, y_max): (f64, f64),
) -> DrawResult<()> {
    /// Horizontal room one number needs, in SVG pixels.
    const NUMBER_PX: i32 = 26;
    let plot = chart.plotting_area();
    let style = ("sans-serif", 20)
        .into_font()
        .color(&MARKER_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Top));
    let mut row_end = [i32::MIN; 3];
    for m in markers {
        plot.draw(&DashedPathElement::new(
            vec![(m.x, y_min), (m.x, y_max)],
            6,
            4,
            MARKER_COLOUR.stroke_width(2),
        ))?;
        let px = plot.map_coordinate(&(m.x, y_max)).0;
        let row = (0..row_end.len())
            .find(|&r| px >= row_end[r])
            .unwrap_or_else(|| (0..row_end.len()).min_by_key(|&r| row_end[r]).unwrap_or(0));
        row_end[row] = px.saturating_add(NUMBER_PX);
        let dy = 2 + 16 * i32::try_from(row).unwrap_or(0);
        let number = EmptyElement::at((m.x, y_max))
            + Text::new(m.number.to_string(), (4, dy), style.clone());
        plot.draw(&number)?;
    }
    Ok(())
}

/// A tick label: whole numbers without a fraction (`4`, not `4.0`), others with at most three decimals.
fn tick_label(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The legend, drawn on the panel in the right margin beside the plotting area, so it never hides a line:
/// the series, then the scenario-event markers as far as there is room (the rest counted in one last line).
/// (plotters' own legend is clipped to the plotting area, and inside it would cover data.)
fn draw_legend<C: CoordTranslate>(
    panel: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &DrawingArea<SVGBackend<'_>, C>,
    lines: &[Line<'_>],
    markers: &[Marker],
) -> DrawResult<()> {
    let (panel_x, panel_y) = panel.get_base_pixel();
    let (plot_x, plot_y) = plot.get_base_pixel();
    let plot_width = i32::try_from(plot.dim_in_pixel().0).unwrap_or(i32::MAX);
    let plot_height = i32::try_from(plot.dim_in_pixel().1).unwrap_or(i32::MAX);
    let x = (plot_x - panel_x)
        .saturating_add(plot_width)
        .saturating_add(14);
    let top = plot_y - panel_y + 8;
    let y_of = |row: usize| top + LEGEND_LINE_PX * i32::try_from(row).unwrap_or(i32::MAX / 40);
    let style = ("sans-serif", 18)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, l) in lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let y = y_of(i);
        panel.draw(&PathElement::new(
            vec![(x, y), (x + 22, y)],
            colour.stroke_width(3),
        ))?;
        panel.draw(&Text::new(
            legend_text(&l.label),
            (x + 28, y),
            style.clone(),
        ))?;
    }
    if markers.is_empty() {
        return Ok(());
    }
    // Each marker takes two rows: its number and time beside a dashed swatch, then what it does.
    let rows = usize::try_from((plot_height - 8) / LEGEND_LINE_PX).unwrap_or(0);
    let free = rows.saturating_sub(lines.len());
    let small = ("sans-serif", 17)
        .into_font()
        .color(&MARKER_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let fit = if 2 * markers.len() <= free {
        markers.len()
    } else {
        free.saturating_sub(1) / 2
    };
    for (k, m) in markers[..fit].iter().enumerate() {
        let y = y_of(lines.len() + 2 * k);
        panel.draw(&DashedPathElement::new(
            vec![(x, y), (x + 22, y)],
            6,
            4,
            MARKER_COLOUR.stroke_width(2),
        ))?;
        panel.draw(&Text::new(m.when.as_str(), (x + 28, y), small.clone()))?;
        panel.draw(&Text::new(
            legend_text(&m.label),
            (x + 28, y + LEGEND_LINE_PX - 4),
            small.clone(),
        ))?;
    }
    if fit < markers.len() && free > 0 {
        let more = markers.len() - fit;
        let s = if more == 1 { "" } else { "s" };
        panel.draw(&Text::new(
            format!("… {more} more scenario event{s}"),
            (x, y_of(lines.len() + 2 * fit)),
            small,
        ))?;
    }
    Ok(())
}

/// A legend label cut to [`LEGEND_LABEL_MAX_CHARS`] characters.
fn legend_text(label: &str) -> String {
    if label.chars().count() <= LEGEND_LABEL_MAX_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(LEGEND_LABEL_MAX_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests;
