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
//!    `HealthyTaskCount` of scope `service`; for a service that a workload aims at (it has the series
//!    `requests` or `error_requests`) a second panel under it, on the same time axis: requests offered and
//!    those that failed with a 5XX, per metric period, so that what the users saw lines up with the tasks.
//!    The service's deployments are shaded on both panels and labelled above the first (see `draw`), from its
//!    own `SERVICE_DEPLOYMENT_*` events in `events.csv` (see `deployments`).
//!    With more than [`FEW_SERVICES_MAX`] services, `services.svg` follows: two panels summing the services
//!    up per period, the healthy tasks short of desired (`DesiredTaskCount` − `HealthyTaskCount`, at least 0,
//!    summed over the services) and how many services were short, so that a reader sees when any service
//!    dipped without opening fifty plots (`report.html` folds those).
//!    Then `task_timeline.svg`: every task as a bar on the container instance that ran it, coloured by
//!    service and revision, drawn from `tasks.csv`, `instances.csv` and `events.csv` rows rather than the
//!    timeseries (see `task_timeline`, which says why and how); past its limits it is not drawn
//!    ([`Plot::not_drawn`]).
//! 2. `instances.svg`: `GroupInServiceInstances` of every ASG, one line each.
//! 3. `cluster.svg`: two panels, CPU and memory, each with `*Reservation` and `*Utilization` (percent) of scope
//!    `cluster`.
//! 4. `traffic.svg`: SPEC's request rate and error rate, two panels: the `requests` of every service with
//!    traffic, per metric period, and its error rate, `error_requests` ÷ `requests` in percent per period;
//!    with more than [`FEW_SERVICES_MAX`] of them, their sum, their overall error rate and, per period, the
//!    worst service's.
//!    Counts stay per period (the period, taken from the rows' starts, is in the axis label), so a plot's
//!    numbers are the file's.
//! 5. `target_group_<group>.svg`, one per ALB target group (by name), three lower panels: `RequestCount` with
//!    `HTTPCode_ELB_5XX_Count` and `HTTPCode_Target_5XX_Count` per period, `HealthyHostCount` and
//!    `UnHealthyHostCount`, and `TargetResponseTime` in ms. Only runs with target groups have them.
//! 6. `cost.svg`: `cost_usd` of every series that has it, shown as the cumulative sum.
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
//! timeseries holds them, one point at a time, and not copied; only the cumulative cost, `services.svg`'s
//! sums, the error rate and the response time in ms are computed, one value per period.
//!
//! A plot whose data is absent is still drawn, with a sentence saying why it is empty ("no traffic
//! simulated"), so that a missing chart never looks like a bug; [`Plot::empty`] says so too, and
//! `report.html` leaves such plots out. A plot is empty when every line of every panel is absent or all zero.
//! Non-finite values are skipped. The time axis is shared by all plots and uses seconds, minutes or hours
//! depending on the run's length; count axes (tasks, instances, requests) have whole-number ticks.
//!
//! Every plot marks the scenario's `[[events]]` ([`Recorded::markers`]) as numbered dashed vertical lines at
//! their `at` instant, listed in the legend after the series (`1 at 10m`, then `drain 1 instance of ecs-nodes`). At
//! most [`MARKERS_MAX`] are drawn; events after the end of the run are not drawn. An event that lasts (an
//! Availability Zone outage, a Fargate capacity shortage) also shades its span in light grey, under the lines,
//! so that what happened when the zone came back reads against it.
//!
//! Determinism: the output depends only on the rows. Series are collected in a `BTreeMap`, colours come from a
//! fixed palette by position (or by meaning: failures red, healthy targets green), and the SVG backend writes no ids, timestamps or random values, so two renders
//! of the same `Recorded` are byte-identical.

use std::borrow::Cow;

use plotters::prelude::*;

use super::recorded::{EventMarker, Recorded, Scope};
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
pub(crate) const PALETTE: [RGBColor; 8] = [
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
    /// Why it was not drawn although the run has data for it (the task timeline of a cluster too large to
    /// read), as the sentence `report.html` writes in its place; its file then holds only a short note.
    pub not_drawn: Option<String>,
    /// The service a per-service plot (`tasks_<service>.svg`) is about; `None` for the others.
    pub service: Option<String>,
    /// The target group a per-group plot (`target_group_<group>.svg`) is about; `None` for the others.
    pub target_group: Option<String>,
    /// How many deployments of its service the plot shades (per-service plots only).
    pub deployments: usize,
}

/// Every plot, in the documented order.
pub fn render_all(rec: &Recorded) -> Result<Vec<Plot>, PlotError> {
    let data = Data::collect(rec);
    let [services, rest] = data.plan();
    let mut plots = Vec::new();
    for planned in services {
        plots.push(render(planned, &data)?);
    }
    plots.push(task_timeline::render(rec, &data)?);
    for planned in rest {
        plots.push(render(planned, &data)?);
    }
    Ok(plots)
}

/// Draws one planned plot.
fn render(planned: Planned<'_>, data: &Data<'_>) -> Result<Plot, PlotError> {
    let svg = draw(&planned, &data.axis, &data.markers).map_err(|e| PlotError {
        file: planned.file.clone(),
        message: e.to_string(),
    })?;
    let empty = emptiness(&planned.panels);
    let (service, target_group) = match planned.subject {
        Subject::Run => (None, None),
        Subject::Service(s) => (Some(s.to_owned()), None),
        Subject::TargetGroup(g) => (None, Some(g.to_owned())),
    };
    Ok(Plot {
        file: planned.file,
        title: planned.title,
        svg,
        empty,
        not_drawn: None,
        service,
        target_group,
        deployments: planned.deployments.len(),
    })
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

/// A scenario event as drawn: where, its number, and its legend text ([`markers_on`]).
pub(crate) struct Marker {
    /// Time in axis units.
    x: f64,
    /// Where what it started ends (an outage), in axis units; `None` for an instant.
    end: Option<f64>,
    /// 1-based, in time order.
    number: usize,
    /// `1 at 10m` (the legend's first line).
    when: String,
    /// `drain 1 instance of ecs-nodes` (the legend's second line).
    label: String,
}

/// One line of a panel: its points as two columns, borrowed from the timeseries where it holds them.
pub(crate) struct Line<'a> {
    label: String,
    /// Its colour; `None`: the palette's colour for its position in the panel.
    colour: Option<RGBColor>,
    /// Each point's time in axis units, ascending.
    xs: Cow<'a, [f64]>,
    /// Each point's value; a non-finite value is no datapoint and is not drawn.
    ys: Cow<'a, [f64]>,
    /// Mark each point with a dot: the series has at most [`MARKERS_MAX_POINTS`] datapoints.
    dots: bool,
}

impl<'a> Line<'a> {
    pub(crate) fn new(label: &str, xs: Cow<'a, [f64]>, ys: Cow<'a, [f64]>) -> Line<'a> {
        assert_eq!(xs.len(), ys.len(), "one time per value");
        let datapoints = ys.iter().filter(|y| y.is_finite()).count();
        Line {
            label: label.to_owned(),
            colour: None,
            xs,
            ys,
            dots: datapoints <= MARKERS_MAX_POINTS,
        }
    }

    /// The line drawn in `colour` whatever its position (red for errors, green for healthy).
    pub(crate) fn coloured(self, colour: RGBColor) -> Line<'a> {
        Line {
            colour: Some(colour),
            ..self
        }
    }

    /// The datapoints (time in axis units, value), in time order.
    pub(crate) fn points(&self) -> impl Iterator<Item = Point> + '_ {
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

/// What a plot is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject<'a> {
    /// The whole run.
    Run,
    /// One service (`tasks_<service>.svg`).
    Service(&'a str),
    /// One target group (`target_group_<group>.svg`).
    TargetGroup(&'a str),
}

/// A plot to draw: its file name, its title, what it is about, its panels, and the deployments it marks.
pub(crate) struct Planned<'a> {
    file: String,
    title: String,
    subject: Subject<'a>,
    panels: Vec<Panel<'a>>,
    /// The service's deployments, shaded on every panel and labelled above the first (per-service plots).
    deployments: &'a [Deployment],
    /// The height of each panel, in SVG pixels.
    panel_height_px: u32,
}

impl<'a> Planned<'a> {
    /// A plot about the whole run (not one service).
    pub(crate) fn overall((file, title, panels): (String, String, Vec<Panel<'a>>)) -> Planned<'a> {
        Planned {
            file,
            title,
            subject: Subject::Run,
            panels,
            deployments: &[],
            panel_height_px: PANEL_HEIGHT_PX,
        }
    }

    /// The same plot with panels `px` SVG pixels high.
    pub(crate) fn with_panel_height(self, px: u32) -> Planned<'a> {
        Planned {
            panel_height_px: px,
            ..self
        }
    }

    /// The plot's file name.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// The plot's title.
    pub(crate) fn title(&self) -> &str {
        &self.title
    }
}

/// One chart area: a title, a y-axis description, lines, and what to say if it has none.
pub(crate) struct Panel<'a> {
    pub(crate) title: String,
    pub(crate) y_desc: Cow<'static, str>,
    /// The y axis always reaches at least this (100 for percentages), so small values keep their scale.
    pub(crate) y_max_at_least: f64,
    /// Whole-number ticks only (the axis counts tasks, instances or requests).
    pub(crate) whole_ticks: bool,
    pub(crate) lines: Vec<Line<'a>>,
    pub(crate) empty_note: &'static str,
}

/// The shared time axis.
pub(crate) struct TimeAxis {
    /// Seconds per axis unit (1, 60 or 3600).
    pub(crate) unit_s: f64,
    /// `simulated time (min)` etc.
    pub(crate) desc: &'static str,
    /// The axis' end in axis units.
    pub(crate) end: f64,
}

impl TimeAxis {
    /// The axis for a run whose last instant is `last_s` seconds: in s up to 10 minutes, in min up to 3 hours,
    /// in h beyond.
    pub(crate) fn for_span(last_s: f64) -> TimeAxis {
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

/// The scenario events inside `axis` as drawn markers, numbered 1, 2, … in time order (file order within one
/// instant), as every plot and `report.html` number them.
pub(crate) fn markers_on(markers: &[EventMarker], axis: &TimeAxis) -> Vec<Marker> {
    in_order(markers, |a, b| a.time.cmp(&b.time))
        .into_iter()
        .enumerate()
        .map(|(i, m)| Marker {
            x: m.time.as_secs_f64() / axis.unit_s,
            end: m.duration.map(|d| (m.time + d).as_secs_f64() / axis.unit_s),
            number: i + 1,
            when: format!("{} at {}", i + 1, m.time - SimTime::ZERO),
            label: m.label.clone(),
        })
        .filter(|m| m.x <= axis.end)
        .collect()
}

/// A series: (scope, id, metric).
type SeriesKey<'a> = (Scope, &'a str, &'static str);
/// (time in axis units, value).
pub(crate) type Point = (f64, f64);

mod deployments;
mod draw;
mod plan;
mod reduce;
mod task_timeline;
mod traffic;

use deployments::Deployment;
pub use task_timeline::{
    TIMELINE_FILE, TIMELINE_LANES_MAX, TIMELINE_ROWS_MAX, TIMELINE_TASKS_MAX, TIMELINE_TITLE,
};

#[cfg(test)]
use draw::tick_label;
pub(crate) use draw::{DrawResult, draw};
use plan::Data;
pub(crate) use plan::{FileNames, count_panel, cumulative_at_period_ends, shortfall};
#[cfg(test)]
use reduce::{column_extremes, pixel_line, visible_vertices};

#[cfg(test)]
mod tests;
