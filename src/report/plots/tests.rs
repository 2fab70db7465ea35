//! Tests of the plots: which files, which series, what an empty plot says, and the helpers.

use std::collections::BTreeMap;

use super::*;
use crate::engine::SimTime;
use crate::report::recorded::{SeriesPoint, TimeSeries};

/// Changes a recording's timeseries through its rows.
fn edit_points(rec: &mut Recorded, f: impl FnOnce(&mut Vec<SeriesPoint>)) {
    let mut points = rec.timeseries.to_points();
    f(&mut points);
    rec.timeseries = TimeSeries::from_points(points);
}
use crate::report::tests::sample;

mod long_series;

use long_series::series_polylines;

fn plot<'a>(plots: &'a [Plot], name: &str) -> &'a str {
    plots
        .iter()
        .find(|p| p.file == name)
        .map(|p| p.svg.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

// SPEC §4 plots/*.svg: tasks per service, instances per ASG, cluster CPU/memory, request and error rate
// (traffic and target groups), cost.
#[test]
fn every_required_plot_is_an_svg_document_in_the_documented_order() {
    let plots = render_all(&sample()).expect("draw");
    let names: Vec<&str> = plots.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "tasks_web.svg",
            "task_timeline.svg",
            "instances.svg",
            "cluster.svg",
            "traffic.svg",
            "target_group_web-tg.svg",
            "cost.svg"
        ]
    );
    for Plot {
        file: name, svg, ..
    } in &plots
    {
        assert!(svg.starts_with("<svg width=\"1000\" height=\""), "{name}");
        assert!(
            svg.contains("xmlns=\"http://www.w3.org/2000/svg\""),
            "{name}"
        );
        assert!(svg.ends_with("</svg>\n"), "{name}");
    }
}

#[test]
fn each_plot_draws_one_line_and_one_legend_entry_per_series() {
    let plots = render_all(&sample()).expect("draw");
    // Axes and ticks are black polylines; a series is a 2 px polyline in its colour, its legend swatch a 3 px
    // one.
    for (name, series, labels) in [
        (
            "tasks_web.svg",
            5,
            &[
                "DesiredTaskCount",
                "RunningTaskCount",
                "HealthyTaskCount",
                "requests\n",
                "failed (5XX)",
            ][..],
        ),
        ("instances.svg", 1, &["ondemand"][..]),
        (
            "cluster.svg",
            4,
            &[
                "CPUReservation",
                "CPUUtilization",
                "MemoryReservation",
                "MemoryUtilization",
            ][..],
        ),
        ("traffic.svg", 2, &["web\n"][..]),
        (
            "target_group_web-tg.svg",
            3,
            &["RequestCount", "ELB 5XX", "target 5XX"][..],
        ),
        ("cost.svg", 1, &["default\n"][..]),
    ] {
        let svg = plot(&plots, name);
        assert_eq!(
            svg.matches(r#"stroke-width="2" points="#).count(),
            series,
            "{name}"
        );
        assert_eq!(
            svg.matches(r#"stroke-width="3" points="#).count(),
            series,
            "{name}"
        );
        for label in labels {
            assert!(
                svg.contains(&format!(">\n{label}")),
                "{name} lacks legend {label:?}"
            );
        }
    }
    // The first series uses the palette's first colour.
    assert!(plot(&plots, "tasks_web.svg").contains("stroke=\"#1F77B4\""));
}

#[test]
fn per_service_plots_name_their_service_and_the_others_none() {
    let plots = render_all(&sample()).expect("draw");
    let services: Vec<(&str, Option<&str>)> = plots
        .iter()
        .map(|p| (p.file.as_str(), p.service.as_deref()))
        .collect();
    assert_eq!(
        services,
        vec![
            ("tasks_web.svg", Some("web")),
            ("task_timeline.svg", None),
            ("instances.svg", None),
            ("cluster.svg", None),
            ("traffic.svg", None),
            ("target_group_web-tg.svg", None),
            ("cost.svg", None)
        ]
    );
    let groups: Vec<Option<&str>> = plots.iter().map(|p| p.target_group.as_deref()).collect();
    assert_eq!(groups, [None, None, None, None, None, Some("web-tg"), None]);
    let empty = render_all(&Recorded::default()).expect("draw");
    assert!(empty.iter().all(|p| p.service.is_none()));
}

#[test]
fn a_run_without_data_still_gets_every_plot_saying_why_it_is_empty() {
    let plots = render_all(&Recorded::default()).expect("draw");
    let names: Vec<&str> = plots.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "tasks.svg",
            "task_timeline.svg",
            "instances.svg",
            "cluster.svg",
            "traffic.svg",
            "cost.svg"
        ]
    );
    assert!(plot(&plots, "tasks.svg").contains("no services simulated"));
    assert!(plot(&plots, "instances.svg").contains("no Auto Scaling groups simulated"));
    assert!(plot(&plots, "cluster.svg").contains("no container instances registered"));
    assert_eq!(
        plot(&plots, "traffic.svg")
            .matches("no traffic simulated")
            .count(),
        2
    );
    assert!(plot(&plots, "cost.svg").contains("no cost recorded"));
    for Plot {
        file: name, svg, ..
    } in &plots
    {
        assert!(
            !svg.contains(r#"stroke-width="2" points="#),
            "{name} has no series to draw"
        );
    }
}

mod task_timeline;
mod traffic;

#[test]
fn plot_text_from_the_run_is_escaped() {
    let mut rec = sample();
    edit_points(&mut rec, |points| {
        for p in points.iter_mut().filter(|p| p.scope == Scope::Service) {
            p.id = "<b>&".to_owned();
        }
    });
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks__b__.svg");
    assert!(svg.contains("Service &lt;b&gt;&amp;: tasks"), "{svg}");
    assert!(!svg.contains("<b>"));
}

#[test]
fn plot_file_names_are_file_system_safe_and_unique() {
    let mut names = FileNames::default();
    assert_eq!(names.unique("tasks", "web"), "tasks_web.svg");
    assert_eq!(names.unique("tasks", "a/b c"), "tasks_a_b_c.svg");
    assert_eq!(names.unique("tasks", "a b/c"), "tasks_a_b_c-2.svg");
    assert_eq!(names.unique("tasks", "a:b:c"), "tasks_a_b_c-3.svg");
    assert_eq!(names.unique("tasks", "v1.2_x-y"), "tasks_v1.2_x-y.svg");
}

// SPEC §4: cost_usd is the cost accrued in the period; plots show the cumulative sum.
#[test]
fn cost_is_cumulative_and_reaches_each_total_at_its_period_end() {
    let per_period = [(0.0, 1.0), (1.0, 0.5), (2.0, 0.25)];
    assert_eq!(
        cumulative_at_period_ends(&per_period, 10.0),
        vec![(0.0, 0.0), (1.0, 1.0), (2.0, 1.5), (3.0, 1.75)]
    );
    // The last period stops at the end of the run.
    assert_eq!(
        cumulative_at_period_ends(&per_period, 2.5).last(),
        Some(&(2.5, 1.75))
    );
    // A single period runs to the end of the run.
    assert_eq!(
        cumulative_at_period_ends(&[(0.0, 2.0)], 5.0),
        vec![(0.0, 0.0), (5.0, 2.0)]
    );
    assert_eq!(cumulative_at_period_ends(&[], 5.0), vec![]);
}

#[test]
fn non_finite_values_are_left_out_of_the_plotted_series() {
    let mut rec = sample();
    edit_points(&mut rec, |p| {
        p.retain(|p| p.metric == "RequestCount");
        p[3].value = f64::NAN;
    });
    let data = Data::collect(&rec);
    let line = data
        .line_of("web-tg", Scope::TargetGroup, "web-tg", "RequestCount")
        .expect("series");
    assert_eq!(line.points().count(), 9);
    assert!(!line.points().any(|(x, _)| x == 180.0));
}

#[test]
fn the_time_axis_unit_follows_the_run_length() {
    let unit = |s: f64| (TimeAxis::for_span(s).unit_s, TimeAxis::for_span(s).end);
    assert_eq!(unit(0.0), (1.0, 1.0));
    assert_eq!(unit(600.0), (1.0, 600.0));
    assert_eq!(unit(3600.0), (60.0, 60.0));
    assert_eq!(unit(86_400.0), (3600.0, 24.0));
    let rec = Recorded {
        timeseries: TimeSeries::from_points(vec![SeriesPoint {
            time: SimTime::from_secs(7200),
            scope: Scope::Cluster,
            id: "c".to_owned(),
            metric: "CPUReservation",
            value: 1.0,
        }]),
        ..Recorded::default()
    };
    assert_eq!(Data::collect(&rec).axis.desc, "simulated time (min)");
}

#[test]
fn only_short_series_get_point_markers() {
    let mut rec = Recorded::default();
    let mut points = Vec::new();
    for (id, periods) in [
        ("short", MARKERS_MAX_POINTS as u64),
        ("long", MARKERS_MAX_POINTS as u64 + 1),
    ] {
        for period in 0..periods {
            points.push(SeriesPoint {
                time: SimTime::from_secs(60 * period),
                scope: Scope::Asg,
                id: id.to_owned(),
                metric: "GroupInServiceInstances",
                value: 1.0,
            });
        }
    }
    rec.timeseries = TimeSeries::from_points(points);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "instances.svg");
    assert_eq!(svg.matches("<circle").count(), MARKERS_MAX_POINTS);
}

/// `sample()` with scenario events at 0 s, 300 s and 600 s (the run's end) and one after the end.
fn sample_with_markers() -> Recorded {
    let marker = |s: u64, label: &str| crate::report::recorded::EventMarker {
        time: SimTime::from_secs(s),
        action: "drain_instances".to_owned(),
        label: label.to_owned(),
        duration: None,
    };
    Recorded {
        markers: vec![
            marker(300, "drain 1 instance of ondemand"),
            marker(0, "update web: desired count 4"),
            marker(600, "terminate 2 instances"),
            marker(900, "after the end"),
        ],
        ..sample()
    }
}

/// The x pixel of every vertical dash drawn in the marker colour, deduplicated, ascending.
fn marker_xs(svg: &str) -> Vec<i64> {
    let colour = format!(
        "stroke=\"#{:02X}{:02X}{:02X}\"",
        MARKER_COLOUR.0, MARKER_COLOUR.1, MARKER_COLOUR.2
    );
    let mut xs: Vec<i64> = svg
        .lines()
        .filter(|l| l.starts_with("<polyline") && l.contains(&colour))
        .filter_map(|l| {
            let points = l.split("points=\"").nth(1)?.split('"').next()?;
            let pts: Vec<(i64, i64)> = points
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            let vertical = pts.len() >= 2 && pts.iter().all(|p| p.0 == pts[0].0);
            vertical.then(|| pts[0].0)
        })
        .collect();
    xs.sort_unstable();
    xs.dedup();
    xs
}

// Every time-series plot marks the scenario's [[events]] at their `at`, numbered in time order.
#[test]
fn every_plot_marks_each_scenario_event_with_a_vertical_line_at_its_time() {
    let plots = render_all(&sample_with_markers()).expect("draw");
    assert_eq!(plots.len(), 7);
    for p in &plots {
        let xs = marker_xs(&p.svg);
        // 0 s, 300 s and 600 s on a 0..600 s axis: the left edge, the middle and the right edge of the
        // plotting area; 900 s lies past the end and is not drawn.
        assert_eq!(xs.len(), 3, "{}: {xs:?}", p.file);
        let middle = (xs[0] + xs[2]) as f64 / 2.0;
        assert!((xs[1] as f64 - middle).abs() <= 1.0, "{}: {xs:?}", p.file);
        assert!(
            xs[2] - xs[0] > 500,
            "{}: the axis spans the plot: {xs:?}",
            p.file
        );
        for legend in [
            "1 at 0s",
            "2 at 5m",
            "3 at 10m",
            "drain 1 instance of ondemand",
        ] {
            assert!(
                p.svg.contains(&format!(">\n{legend}\n<")),
                "{} lacks {legend:?}",
                p.file
            );
        }
        assert!(!p.svg.contains("after the end"), "{}", p.file);
    }
}

#[test]
fn a_run_without_scenario_events_draws_no_marker() {
    for p in render_all(&sample()).expect("draw") {
        assert!(marker_xs(&p.svg).is_empty(), "{}", p.file);
    }
}

#[test]
fn the_legend_cuts_long_marker_labels_and_counts_markers_it_has_no_room_for() {
    let mut rec = sample();
    rec.markers = (0..20)
        .map(|i| crate::report::recorded::EventMarker {
            time: SimTime::from_secs(30 * i),
            action: "run_task".to_owned(),
            label: format!("run 10 tasks of a-very-long-family-name:{i}"),
            duration: None,
        })
        .collect();
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "instances.svg");
    assert_eq!(marker_xs(svg).len(), 20);
    assert!(svg.contains(">\nrun 10 tasks of a-very-long…\n<"), "{svg}");
    let shown = svg.matches(">\nrun 10 tasks").count();
    assert!(shown > 0 && shown < 20, "{shown}");
    assert!(
        svg.contains(&format!(">\n… {} more scenario events\n<", 20 - shown)),
        "{svg}"
    );
}

#[test]
fn only_markers_up_to_the_limit_are_drawn() {
    let mut rec = sample();
    rec.markers = (0..(MARKERS_MAX as u64 + 5))
        .map(|i| crate::report::recorded::EventMarker {
            time: SimTime::from_secs(i),
            action: "run_task".to_owned(),
            label: "run".to_owned(),
            duration: None,
        })
        .collect();
    let plots = render_all(&rec).expect("draw");
    assert_eq!(marker_xs(plot(&plots, "cost.svg")).len(), MARKERS_MAX);
}

// report.html leaves out plots with nothing to show; the plot says why.
#[test]
fn a_plot_is_empty_when_its_series_are_absent_or_all_zero() {
    let plots = render_all(&sample()).expect("draw");
    assert!(plots.iter().all(|p| p.empty.is_none()));

    let empty = render_all(&Recorded::default()).expect("draw");
    let why: Vec<(&str, Option<&str>)> = empty
        .iter()
        .map(|p| (p.file.as_str(), p.empty.as_deref()))
        .collect();
    assert_eq!(
        why,
        vec![
            ("tasks.svg", Some("no services simulated")),
            ("task_timeline.svg", Some("no tasks ran")),
            ("instances.svg", Some("no Auto Scaling groups simulated")),
            ("cluster.svg", Some("no container instances registered")),
            ("traffic.svg", Some("no traffic simulated")),
            ("cost.svg", Some("no cost recorded")),
        ]
    );

    let mut zero = sample();
    edit_points(&mut zero, |points| {
        for p in points.iter_mut().filter(|p| {
            matches!(
                p.metric,
                "RequestCount" | "HTTPCode_ELB_5XX_Count" | "HTTPCode_Target_5XX_Count"
            )
        }) {
            p.value = 0.0;
        }
    });
    let plots = render_all(&zero).expect("draw");
    assert_eq!(
        plots
            .iter()
            .find(|p| p.file == "target_group_web-tg.svg")
            .and_then(|p| p.empty.as_deref()),
        Some("every value is 0")
    );
    // One non-zero series in one panel is enough to show the plot.
    edit_points(&mut zero, |points| {
        points
            .iter_mut()
            .find(|p| p.metric == "HTTPCode_ELB_5XX_Count")
            .expect("series")
            .value = 1.0;
    });
    let plots = render_all(&zero).expect("draw");
    assert!(plots.iter().all(|p| p.empty.is_none()));
}

#[test]
fn count_axes_have_whole_number_ticks_and_no_trailing_zeros() {
    let plots = render_all(&sample()).expect("draw");
    let svg = plot(&plots, "tasks_web.svg");
    for tick in ["0", "1", "2", "3", "4"] {
        assert!(
            svg.contains(&format!(">\n{tick}\n</text>")),
            "no tick {tick}"
        );
    }
    for not in ["0.5", "1.0", "3.5", "4.0"] {
        assert!(!svg.contains(&format!(">\n{not}\n</text>")), "tick {not}");
    }
    assert_eq!(tick_label(4.0), "4");
    assert_eq!(tick_label(0.25), "0.25");
    assert_eq!(tick_label(0.1 + 0.2), "0.3");
}

#[test]
fn numbers_of_markers_at_one_instant_go_on_separate_rows_and_distant_ones_share_the_top_row() {
    let mut rec = sample();
    rec.markers = [(300, "a"), (300, "b"), (540, "c")]
        .iter()
        .map(|&(s, label)| crate::report::recorded::EventMarker {
            time: SimTime::from_secs(s),
            action: "run_task".to_owned(),
            label: label.to_owned(),
            duration: None,
        })
        .collect();
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "cost.svg");
    // (x, y) of the texts "1", "2", "3" in the marker colour (legend texts say "1 at 5m").
    let colour = format!(
        "fill=\"#{:02X}{:02X}{:02X}\"",
        MARKER_COLOUR.0, MARKER_COLOUR.1, MARKER_COLOUR.2
    );
    let lines: Vec<&str> = svg.lines().collect();
    let at = |number: &str| -> (i64, i64) {
        let i = (0..lines.len().saturating_sub(1))
            .find(|&i| {
                lines[i].starts_with("<text")
                    && lines[i].contains(&colour)
                    && lines[i + 1] == number
            })
            .unwrap_or_else(|| panic!("no number {number}"));
        let attr = |name: &str| -> i64 {
            lines[i]
                .split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .expect("attribute")
        };
        (attr("x"), attr("y"))
    };
    let (one, two, three) = (at("1"), at("2"), at("3"));
    assert_eq!(one.0, two.0);
    assert!(two.1 > one.1, "{one:?} {two:?}");
    assert_eq!(three.1, one.1, "{one:?} {three:?}");
}

#[test]
fn the_shortfall_sums_healthy_tasks_below_desired_and_counts_the_services_short() {
    let nan = f64::NAN;
    let a_desired = [4.0, 4.0, 4.0, nan];
    let a_healthy = [4.0, 3.0, 5.0, nan];
    let b_desired = [2.0, 2.0, 2.0, nan];
    let b_healthy = [2.0, 0.5, nan, nan];
    let (tasks, services) = shortfall(4, &[(&a_desired, &a_healthy), (&b_desired, &b_healthy)]);
    // More healthy than desired (period 2) is no shortfall; a period without counts is no datapoint.
    assert_eq!(tasks[..3], [0.0, 2.5, 0.0]);
    assert_eq!(services[..3], [0.0, 2.0, 0.0]);
    assert!(tasks[3].is_nan() && services[3].is_nan());
}

/// One hour of minute periods for `count` services `s00`, `s01` ... with 4 tasks desired and healthy, but
/// service `s01` at 1 healthy task in minute 30.
pub(super) fn services_recording(count: usize) -> Recorded {
    let mut points = Vec::new();
    for i in 0..count {
        for minute in 0..60 {
            for (metric, value) in [
                ("DesiredTaskCount", 4.0),
                ("RunningTaskCount", 4.0),
                (
                    "HealthyTaskCount",
                    if i == 1 && minute == 30 { 1.0 } else { 4.0 },
                ),
            ] {
                points.push(SeriesPoint {
                    time: SimTime::from_secs(60 * minute),
                    scope: Scope::Service,
                    id: format!("s{i:02}"),
                    metric,
                    value,
                });
            }
        }
    }
    Recorded {
        timeseries: TimeSeries::from_points(points),
        ..Recorded::default()
    }
}

// With many services, one plot sums them up so that a dip shows without opening every service's plot.
#[test]
fn with_more_than_a_few_services_a_plot_sums_up_their_shortfall_after_their_own_plots() {
    let few = render_all(&services_recording(FEW_SERVICES_MAX)).expect("draw");
    assert!(few.iter().all(|p| p.file != "services.svg"));

    let many = render_all(&services_recording(FEW_SERVICES_MAX + 1)).expect("draw");
    let names: Vec<&str> = many.iter().map(|p| p.file.as_str()).collect();
    let at = names
        .iter()
        .position(|&n| n == "services.svg")
        .expect("services.svg");
    assert_eq!(at, FEW_SERVICES_MAX + 1, "{names:?}");
    assert_eq!(names[at + 1], "task_timeline.svg");
    assert_eq!(names[at + 2], "instances.svg");
    let overview = &many[at];
    assert_eq!(overview.service, None);
    assert_eq!(overview.empty, None);
    assert_eq!(
        overview.title,
        format!(
            "All {} services: healthy tasks short of desired",
            FEW_SERVICES_MAX + 1
        )
    );
    // Two panels, one line each: 3 tasks short and 1 service short at minute 30, else 0.
    let lines = series_polylines(&overview.svg);
    assert_eq!(lines.len(), 2);
    for l in &lines {
        let (flat, peak) = (l[0].1, l.iter().map(|p| p.1).min().expect("points"));
        assert!(peak < flat - 50, "{l:?}");
        assert_eq!(l.iter().filter(|p| p.1 == peak).count(), 1, "{l:?}");
    }
    assert!(overview.svg.contains(">\ntasks short\n<"));
    assert!(overview.svg.contains(">\nservices short\n<"));
}

// An outage lasts: every plot shades its span in light grey from its marker to its end (cut at the axis'
// end), and an instant's marker shades nothing.
#[test]
fn an_event_that_lasts_shades_its_span_on_every_plot() {
    let mut rec = sample();
    rec.markers = vec![
        crate::report::recorded::EventMarker {
            time: SimTime::from_secs(120),
            action: "az_outage".to_owned(),
            label: "outage of us-east-1a for 3m".to_owned(),
            duration: Some(crate::engine::SimDuration::from_secs(180)),
        },
        crate::report::recorded::EventMarker {
            time: SimTime::from_secs(480),
            action: "az_outage".to_owned(),
            label: "outage of us-east-1b for 1h".to_owned(),
            duration: Some(crate::engine::SimDuration::from_secs(3600)),
        },
        crate::report::recorded::EventMarker {
            time: SimTime::from_secs(600),
            action: "drain_instances".to_owned(),
            label: "drain".to_owned(),
            duration: None,
        },
    ];
    let grey = format!(
        "opacity=\"0.07\" fill=\"#{:02X}{:02X}{:02X}\"",
        MARKER_COLOUR.0, MARKER_COLOUR.1, MARKER_COLOUR.2
    );
    for p in render_all(&rec).expect("draw") {
        let panels = p.svg.matches("simulated time (").count();
        let spans: Vec<(i64, i64)> = p
            .svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&grey))
            .map(|l| {
                let attr = |name: &str| -> i64 {
                    l.split(&format!(" {name}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .and_then(|v| v.parse().ok())
                        .expect("attribute")
                };
                (attr("x"), attr("width"))
            })
            .collect();
        assert_eq!(spans.len(), 2 * panels, "{}", p.file);
        let xs = marker_xs(&p.svg);
        // 120 s to 300 s: from the first marker, half as wide as from the first to the second (480 s).
        let (first, second, end) = (xs[0], xs[1], xs[2]);
        assert_eq!(spans[0].0, first, "{}", p.file);
        assert!((2 * spans[0].1 - (second - first)).abs() <= 2, "{}", p.file);
        // The hour-long outage stops at the axis' end, at the last marker.
        assert!((spans[1].0 + spans[1].1 - end).abs() <= 1, "{}", p.file);
    }
}
