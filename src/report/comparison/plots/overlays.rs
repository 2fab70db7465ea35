//! The overlays: replicate 0 of every variant over time, one line per variant in the variant's colour.
//!
//! Each overlay is a planned plot of `report::plots` (panels of lines, drawn by its `draw`), so the time
//! axis, the pixel-column reduction that keeps week-long runs small, the scenario markers (numbered dashed
//! lines, outages shaded) and the legend are the run's own. What is new here is only which series make a
//! line: one variant's series, or a sum over its series (instances over the Auto Scaling groups, cost over
//! every series that has `cost_usd`, shortfall over the services), read from replicate 0's time series. A
//! variant whose replicate 0 kept no series (a `Comparison` built without them) has no line.
//!
//! A series is read on its own run's periods, so variants with a different `metric_period` or `duration`
//! still line up in simulated time; the axis spans the longest of them.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::super::{Comparison, VariantRuns};
use super::variant_colour;
use crate::report::plots::{
    FEW_SERVICES_MAX, FileNames, Line, Panel, Planned, Plot, PlotError, Point, TimeAxis,
    count_panel, cumulative_at_period_ends, draw, markers_on, shortfall,
};
use crate::report::recorded::{Scope, TimeSeries};

/// The height of one overlay panel, in SVG pixels (lower than a run's: a cluster overlay has three).
pub const OVERLAY_PANEL_HEIGHT_PX: u32 = 320;

/// One variant's replicate 0: its index, name and series, with its periods' starts in axis units.
struct Source<'a> {
    index: usize,
    name: &'a str,
    series: &'a TimeSeries,
    xs: Vec<f64>,
}

impl<'a> Source<'a> {
    /// The values of (scope, id, metric), if the series has a finite one.
    fn values(&self, scope: Scope, id: &str, metric: &str) -> Option<&'a [f64]> {
        self.series
            .line(scope, id, metric)
            .map(|l| l.values.as_slice())
            .filter(|v| v.iter().any(|x| x.is_finite()))
    }

    /// Per period, the sum of the finite values of every series of `metric` in `scope` (NaN where none has
    /// one); `None` if no series has a finite value.
    fn summed(&self, scope: Option<Scope>, metric: &str) -> Option<Vec<f64>> {
        let lines: Vec<&[f64]> = self
            .series
            .series
            .iter()
            .filter(|l| l.metric == metric && scope.is_none_or(|s| l.scope == s))
            .map(|l| l.values.as_slice())
            .filter(|v| v.iter().any(|x| x.is_finite()))
            .collect();
        if lines.is_empty() {
            return None;
        }
        Some(
            (0..self.xs.len())
                .map(|k| {
                    lines
                        .iter()
                        .map(|l| l[k])
                        .filter(|v| v.is_finite())
                        .fold(f64::NAN, |sum, v| if sum.is_nan() { v } else { sum + v })
                })
                .collect(),
        )
    }

    /// The ids of `scope` whose series include `metric`, sorted.
    fn ids(&self, scope: Scope, metric: &str) -> Vec<&'a str> {
        self.series
            .series
            .iter()
            .filter(|l| l.scope == scope && l.metric == metric)
            .map(|l| l.id.as_str())
            .collect()
    }
}

/// One variant's curve before it becomes a line: its points as two columns.
struct Curve<'a> {
    index: usize,
    name: &'a str,
    xs: Cow<'a, [f64]>,
    ys: Cow<'a, [f64]>,
}

/// The lines of a panel, one per curve in the curve's variant colour; a curve identical to an earlier one
/// (which it would hide under) says so in its label: `spread = base`.
fn lines<'a>(curves: Vec<Curve<'a>>) -> Vec<Line<'a>> {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
    let keys: Vec<(Vec<u64>, Vec<u64>)> =
        curves.iter().map(|c| (bits(&c.xs), bits(&c.ys))).collect();
    let names: Vec<&str> = curves.iter().map(|c| c.name).collect();
    curves
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            let label = match keys[..k].iter().position(|earlier| *earlier == keys[k]) {
                Some(j) => format!("{} = {}", c.name, names[j]),
                None => c.name.to_owned(),
            };
            Line::new(&label, c.xs, c.ys).coloured(variant_colour(c.index))
        })
        .collect()
}

/// Every overlay of `c`, in the documented order; file names come from `names`.
pub(super) fn render_all(c: &Comparison, names: &mut FileNames) -> Result<Vec<Plot>, PlotError> {
    let kept: Vec<(usize, &VariantRuns, &TimeSeries)> = c
        .variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v, v.first_timeseries.as_ref()?)))
        .collect();
    if kept.is_empty() {
        return Ok(Vec::new());
    }
    let last_s = kept
        .iter()
        .flat_map(|(_, _, ts)| ts.starts.last().map(|t| t.as_secs_f64()))
        .fold(c.duration_s.max(0.0), f64::max);
    let axis = TimeAxis::for_span(if last_s.is_finite() { last_s } else { 0.0 });
    let sources: Vec<Source<'_>> = kept
        .iter()
        .map(|&(index, v, series)| Source {
            index,
            name: v.name.as_str(),
            series,
            xs: series
                .starts
                .iter()
                .map(|t| t.as_secs_f64() / axis.unit_s)
                .collect(),
        })
        .collect();
    let markers = markers_on(&c.markers, &axis);
    let mut planned: Vec<Planned<'_>> = Vec::new();
    let services: BTreeSet<&str> = sources
        .iter()
        .flat_map(|s| s.ids(Scope::Service, "HealthyTaskCount"))
        .collect();
    if services.len() <= FEW_SERVICES_MAX {
        for service in &services {
            planned.push(service_overlay(&sources, service, names));
        }
    } else {
        planned.push(services_overlay(&sources, services.len()));
    }
    planned.extend(cluster_overlay(&sources, axis.end));
    planned
        .into_iter()
        .map(|p| {
            let planned = p.with_panel_height(OVERLAY_PANEL_HEIGHT_PX);
            let svg = draw(&planned, &axis, &markers).map_err(|e| PlotError {
                file: planned.file().to_owned(),
                message: e.to_string(),
            })?;
            Ok(Plot {
                file: planned.file().to_owned(),
                title: planned.title().to_owned(),
                svg,
                empty: None,
                not_drawn: None,
                service: None,
                target_group: None,
                deployments: 0,
            })
        })
        .collect()
}

/// A service's healthy tasks, and its failed requests per period when some variant failed one.
fn service_overlay<'a>(
    sources: &'a [Source<'a>],
    service: &str,
    names: &mut FileNames,
) -> Planned<'a> {
    let curve = |s: &'a Source<'a>, metric: &str| {
        s.values(Scope::Service, service, metric).map(|ys| Curve {
            index: s.index,
            name: s.name,
            xs: Cow::Borrowed(s.xs.as_slice()),
            ys: Cow::Borrowed(ys),
        })
    };
    let healthy: Vec<Curve<'a>> = sources
        .iter()
        .filter_map(|s| curve(s, "HealthyTaskCount"))
        .collect();
    let failed: Vec<Curve<'a>> = sources
        .iter()
        .filter_map(|s| curve(s, "error_requests"))
        .collect();
    let with_traffic = sources
        .iter()
        .any(|s| s.values(Scope::Service, service, "requests").is_some());
    let any_failed = failed.iter().any(|c| c.ys.iter().any(|&v| v > 0.0));
    let mut panels = vec![count_panel(
        &format!("Service {service}: healthy tasks"),
        "tasks (HealthyTaskCount)",
        lines(healthy),
        "no task counts recorded",
    )];
    let title = if any_failed {
        panels.push(count_panel(
            &format!("Service {service}: failed requests (5XX)"),
            per_period(sources),
            lines(failed),
            "no requests recorded",
        ));
        format!("Service {service}: healthy tasks and 5XX, replicate 0 of each variant")
    } else if with_traffic {
        format!(
            "Service {service}: healthy tasks, replicate 0 of each variant (no request failed in any)"
        )
    } else {
        format!("Service {service}: healthy tasks, replicate 0 of each variant")
    };
    Planned::overall((names.unique("overlay_service", service), title, panels))
}

/// `failed requests per 1m period`, the period read from the first variant with two periods.
fn per_period(sources: &[Source<'_>]) -> String {
    sources
        .iter()
        .find_map(|s| match s.series.starts[..] {
            [first, second, ..] => Some(format!("failed requests per {} period", second - first)),
            _ => None,
        })
        .unwrap_or_else(|| "failed requests per metric period".to_owned())
}

/// With many services: the healthy tasks short of desired, summed over them.
fn services_overlay<'a>(sources: &'a [Source<'a>], count: usize) -> Planned<'a> {
    let curves = sources
        .iter()
        .map(|s| {
            let pairs: Vec<(&[f64], &[f64])> = s
                .ids(Scope::Service, "HealthyTaskCount")
                .into_iter()
                .filter_map(|id| {
                    Some((
                        s.values(Scope::Service, id, "DesiredTaskCount")?,
                        s.values(Scope::Service, id, "HealthyTaskCount")?,
                    ))
                })
                .collect();
            let (short, _) = shortfall(s.xs.len(), &pairs);
            Curve {
                index: s.index,
                name: s.name,
                xs: Cow::Borrowed(s.xs.as_slice()),
                ys: Cow::Owned(short),
            }
        })
        .collect();
    let panel = count_panel(
        &format!("Healthy tasks short of desired, summed over the {count} services"),
        "tasks (desired − healthy)",
        lines(curves),
        "no task counts recorded",
    );
    Planned::overall((
        "overlay_services.svg".to_owned(),
        format!(
            "All {count} services: healthy tasks short of desired, replicate 0 of each variant"
        ),
        vec![panel],
    ))
}

/// The cluster: CPU utilization, instances in service, cumulative cost; the panels some variant has data for.
/// `None` if it has none.
fn cluster_overlay<'a>(sources: &'a [Source<'a>], axis_end: f64) -> Option<Planned<'a>> {
    let borrowed = |s: &'a Source<'a>, ys: Cow<'a, [f64]>| Curve {
        index: s.index,
        name: s.name,
        xs: Cow::Borrowed(s.xs.as_slice()),
        ys,
    };
    let cpu: Vec<Curve<'a>> = sources
        .iter()
        .filter_map(|s| {
            let cluster = s.ids(Scope::Cluster, "CPUUtilization").into_iter().next()?;
            let ys = s.values(Scope::Cluster, cluster, "CPUUtilization")?;
            Some(borrowed(s, Cow::Borrowed(ys)))
        })
        .collect();
    let instances: Vec<Curve<'a>> = sources
        .iter()
        .filter_map(|s| {
            let ys = s.summed(Some(Scope::Asg), "GroupInServiceInstances")?;
            Some(borrowed(s, Cow::Owned(ys)))
        })
        .collect();
    let cost: Vec<Curve<'a>> = sources
        .iter()
        .filter_map(|s| {
            let amounts: Vec<Point> =
                s.xs.iter()
                    .zip(s.summed(None, "cost_usd")?)
                    .filter(|(_, v)| v.is_finite())
                    .map(|(&x, v)| (x, v))
                    .collect();
            let (xs, ys): (Vec<f64>, Vec<f64>) = cumulative_at_period_ends(&amounts, axis_end)
                .into_iter()
                .unzip();
            Some(Curve {
                index: s.index,
                name: s.name,
                xs: Cow::Owned(xs),
                ys: Cow::Owned(ys),
            })
        })
        .collect();
    let mut panels = Vec::new();
    if !cpu.is_empty() {
        panels.push(Panel {
            title: "Cluster CPU utilization".to_owned(),
            y_desc: "percent (CPUUtilization)".into(),
            // Scaled to the data, not to 100 as in a run's plot: a comparison looks for differences.
            y_max_at_least: 1.0,
            whole_ticks: false,
            lines: lines(cpu),
            empty_note: "no container instances registered",
        });
    }
    if !instances.is_empty() {
        panels.push(count_panel(
            "Instances in service, summed over the Auto Scaling groups",
            "instances (GroupInServiceInstances)",
            lines(instances),
            "no Auto Scaling groups simulated",
        ));
    }
    if !cost.is_empty() {
        panels.push(Panel {
            title: "Cumulative cost".to_owned(),
            y_desc: "USD".into(),
            y_max_at_least: 0.01,
            whole_ticks: false,
            lines: lines(cost),
            empty_note: "no cost recorded",
        });
    }
    if panels.is_empty() {
        return None;
    }
    Some(Planned::overall((
        "overlay_cluster.svg".to_owned(),
        "Cluster: CPU, instances and cost, replicate 0 of each variant".to_owned(),
        panels,
    )))
}
