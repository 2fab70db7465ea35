//! Tests of the plots: which files, which series, what an empty plot says, and the helpers.

use super::*;
use crate::engine::SimTime;
use crate::report::tests::sample;

fn plot<'a>(plots: &'a [(String, String)], name: &str) -> &'a str {
    plots
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, svg)| svg.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

// SPEC §4 plots/*.svg: tasks per service, instances per ASG, cluster CPU/memory, traffic, cost.
#[test]
fn every_required_plot_is_an_svg_document_in_the_documented_order() {
    let plots = render_all(&sample()).expect("draw");
    let names: Vec<&str> = plots.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "tasks_web.svg",
            "instances.svg",
            "cluster.svg",
            "traffic.svg",
            "cost.svg"
        ]
    );
    for (name, svg) in &plots {
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
            3,
            &["DesiredTaskCount", "RunningTaskCount", "HealthyTaskCount"][..],
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
        (
            "traffic.svg",
            3,
            &["web-tg\n", "web-tg ELB 5XX", "web-tg target 5XX"][..],
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
fn a_run_without_data_still_gets_every_plot_saying_why_it_is_empty() {
    let plots = render_all(&Recorded::default()).expect("draw");
    let names: Vec<&str> = plots.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "tasks.svg",
            "instances.svg",
            "cluster.svg",
            "traffic.svg",
            "cost.svg"
        ]
    );
    assert!(plot(&plots, "tasks.svg").contains("no services simulated"));
    assert!(plot(&plots, "instances.svg").contains("no Auto Scaling groups simulated"));
    assert!(plot(&plots, "cluster.svg").contains("no registered capacity recorded"));
    assert_eq!(
        plot(&plots, "traffic.svg")
            .matches("no traffic simulated")
            .count(),
        2
    );
    assert!(plot(&plots, "cost.svg").contains("no cost recorded"));
    for (name, svg) in &plots {
        assert!(
            !svg.contains(r#"stroke-width="2" points="#),
            "{name} has no series to draw"
        );
    }
}

#[test]
fn traffic_without_errors_says_no_5xx_rather_than_no_traffic() {
    let mut rec = sample();
    rec.timeseries.retain(|p| !p.metric.starts_with("HTTPCode"));
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "traffic.svg");
    assert!(svg.contains("no 5XX errors recorded"));
    assert!(!svg.contains("no traffic simulated"));
}

#[test]
fn plot_text_from_the_run_is_escaped() {
    let mut rec = sample();
    for p in rec
        .timeseries
        .iter_mut()
        .filter(|p| p.scope == Scope::Service)
    {
        p.id = "<b>&".to_owned();
    }
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks__b__.svg");
    assert!(svg.contains("Service &lt;b&gt;&amp;: desired"), "{svg}");
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
    rec.timeseries.retain(|p| p.metric == "RequestCount");
    rec.timeseries[3].value = f64::NAN;
    let data = Data::collect(&rec);
    let points = data
        .points(Scope::TargetGroup, "web-tg", "RequestCount")
        .expect("series");
    assert_eq!(points.len(), 9);
    assert!(!points.iter().any(|&(x, _)| x == 180.0));
}

#[test]
fn the_time_axis_unit_follows_the_run_length() {
    let unit = |s: f64| (TimeAxis::for_span(s).unit_s, TimeAxis::for_span(s).end);
    assert_eq!(unit(0.0), (1.0, 1.0));
    assert_eq!(unit(600.0), (1.0, 600.0));
    assert_eq!(unit(3600.0), (60.0, 60.0));
    assert_eq!(unit(86_400.0), (3600.0, 24.0));
    let rec = Recorded {
        timeseries: vec![SeriesPoint {
            time: SimTime::from_secs(7200),
            scope: Scope::Cluster,
            id: "c".to_owned(),
            metric: "CPUReservation",
            value: 1.0,
        }],
        ..Recorded::default()
    };
    assert_eq!(Data::collect(&rec).axis.desc, "simulated time (min)");
}

#[test]
fn only_short_series_get_point_markers() {
    let mut rec = Recorded::default();
    for (id, periods) in [
        ("short", MARKERS_MAX_POINTS as u64),
        ("long", MARKERS_MAX_POINTS as u64 + 1),
    ] {
        for period in 0..periods {
            rec.timeseries.push(SeriesPoint {
                time: SimTime::from_secs(60 * period),
                scope: Scope::Asg,
                id: id.to_owned(),
                metric: "GroupInServiceInstances",
                value: 1.0,
            });
        }
    }
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "instances.svg");
    assert_eq!(svg.matches("<circle").count(), MARKERS_MAX_POINTS);
}
