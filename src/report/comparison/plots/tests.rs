//! Tests of the comparison's plots: which charts, what each shows, the colours, and the number formats.

use super::intervals::{thin_to_fit, ticks, within_bounds};
use super::*;
use crate::engine::SimTime;
use crate::report::comparison::{BASE, RunResult, VariantRuns};
use crate::report::recorded::{EventMarker, Scope, SummaryMetric, TimeSeries};

/// Ten one-minute periods of service `web` and cluster `demo`: healthy tasks `healthy`, failed requests
/// `failed`, CPU `cpu`, one ASG of `instances` in service, and 0.01 USD a period.
pub(crate) fn series(healthy: f64, failed: f64, cpu: f64, instances: f64) -> TimeSeries {
    let starts: Vec<SimTime> = (0..10).map(|k| SimTime::from_secs(60 * k)).collect();
    let mut ts = TimeSeries::new(starts);
    let flat = |v: f64| vec![v; 10];
    ts.push(
        Scope::Asg,
        "nodes".into(),
        "GroupInServiceInstances",
        flat(instances),
    );
    ts.push(Scope::Cluster, "demo".into(), "CPUUtilization", flat(cpu));
    ts.push(Scope::Cluster, "demo".into(), "cost_usd", flat(0.01));
    ts.push(
        Scope::Service,
        "web".into(),
        "HealthyTaskCount",
        flat(healthy),
    );
    ts.push(Scope::Service, "web".into(), "error_requests", flat(failed));
    ts.push(Scope::Service, "web".into(), "requests", flat(600.0));
    ts
}

fn run(seed: u64, availability: f64, cost: f64) -> RunResult {
    RunResult {
        seed,
        summary: vec![
            SummaryMetric {
                name: "cost.total_usd".to_owned(),
                value: cost,
            },
            SummaryMetric {
                name: "service.web.availability".to_owned(),
                value: availability,
            },
        ],
        checks: Vec::new(),
        events_processed: 10,
    }
}

fn variant(name: &str, runs: Vec<RunResult>, ts: TimeSeries) -> VariantRuns {
    VariantRuns {
        name: name.to_owned(),
        set: if name == BASE {
            Vec::new()
        } else {
            vec![("services.web.desired_count".to_owned(), "8".to_owned())]
        },
        runs,
        first_timeseries: Some(ts),
        duration_s: 600.0,
    }
}

/// `base`; `more`, whose availability is 0.005, 0.006, 0.004 higher (paired Δ +0.50 ± 0.25 points); `same`,
/// base again. `cost.total_usd` is 2 in every run (constant).
pub(crate) fn comparison() -> Comparison {
    let base = vec![run(7, 0.99, 2.0), run(8, 0.98, 2.0), run(9, 0.97, 2.0)];
    let more = vec![run(7, 0.995, 2.0), run(8, 0.986, 2.0), run(9, 0.974, 2.0)];
    Comparison {
        scenario_name: "web".into(),
        description: "Six tasks & a <load balancer>.".into(),
        scenario_sha256: "ab12".into(),
        scenario_file: "scenarios/web demo.toml".into(),
        seeds: vec![7, 8, 9],
        duration_s: 600.0,
        markers: vec![EventMarker {
            time: SimTime::from_secs(180),
            action: "az_outage".into(),
            label: "outage of us-east-1a for 2m".into(),
            duration: Some(crate::engine::SimDuration::from_secs(120)),
        }],
        variants: vec![
            variant(BASE, base.clone(), series(6.0, 0.0, 40.0, 4.0)),
            variant("more", more, series(8.0, 3.0, 45.0, 5.0)),
            variant("same", base, series(6.0, 0.0, 40.0, 4.0)),
        ],
        wall_seconds: 987.654,
        ..Comparison::default()
    }
}

fn svg<'a>(plots: &'a ComparisonPlots, file: &str) -> &'a str {
    plots
        .all()
        .find(|p| p.file == file)
        .map(|p| p.svg.as_str())
        .unwrap_or_else(|| panic!("no {file}"))
}

#[test]
fn an_interval_chart_has_a_row_per_variant_and_its_difference_to_base() {
    let plots = render_all(&comparison()).expect("draw");
    let chart = svg(&plots, "interval_service.web.availability.svg");
    for name in ["base", "more", "same"] {
        assert!(
            chart.contains(&format!(">\n{name}\n<")),
            "no row for {name}"
        );
    }
    // Availability is drawn in percent: Δ +0.005 ± 0.0025 reads +0.50 ± 0.25 points, significant.
    assert!(chart.contains(">\nΔ +0.50 ± 0.25 *\n<"), "{chart}");
    assert!(chart.contains(">\nΔ same\n<"));
    assert!(chart.contains(">\nreference\n<"));
    assert!(chart.contains(">\nservice.web.availability (%)\n<"));
    // Each variant's dot in its own colour.
    for colour in ["#1F77B4", "#FF7F0E", "#2CA02C"] {
        assert!(chart.contains(&format!("fill=\"{colour}\"")), "{colour}");
    }
}

#[test]
fn a_metric_constant_in_every_run_gets_no_interval_chart() {
    let plots = render_all(&comparison()).expect("draw");
    let files: Vec<&str> = plots.intervals.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, vec!["interval_service.web.availability.svg"]);
    // Once cost differs in one run, it gets its chart, after the service's metrics.
    let mut c = comparison();
    c.variants[1].runs[0].summary[0].value = 2.5;
    let plots = render_all(&c).expect("draw");
    let files: Vec<&str> = plots.intervals.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        vec![
            "interval_service.web.availability.svg",
            "interval_cost.total_usd.svg"
        ]
    );
}

#[test]
fn each_overlay_draws_one_line_per_variant_in_that_variants_colour() {
    let plots = render_all(&comparison()).expect("draw");
    let files: Vec<&str> = plots.overlays.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        vec!["overlay_service_web.svg", "overlay_cluster.svg"]
    );
    // The service: healthy tasks and failed requests (`more` failed some), two panels; the cluster: CPU,
    // instances and cost, three. A line is a 2 px polyline in its colour, its legend swatch a 3 px one.
    for (file, panels) in [("overlay_service_web.svg", 2), ("overlay_cluster.svg", 3)] {
        let chart = svg(&plots, file);
        for (i, colour) in ["#1F77B4", "#FF7F0E", "#2CA02C"].iter().enumerate() {
            let lines = chart
                .matches(&format!("stroke=\"{colour}\" stroke-width=\"2\" points="))
                .count();
            assert_eq!(lines, panels, "{file}: variant {i}");
        }
        assert!(chart.contains(">\nmore\n<"), "{file}");
        // `same` is base again: its line lies under base's, and its legend says so.
        assert!(chart.contains(">\nsame = base\n<"), "{file}");
        // The scenario event is marked, numbered, and listed in the legend.
        assert!(chart.contains(">\n1 at 3m\n<"), "{file}");
    }
    assert!(svg(&plots, "overlay_service_web.svg").contains("failed requests per 1m period"));
}

#[test]
fn a_service_whose_requests_never_failed_gets_no_failed_requests_panel() {
    let mut c = comparison();
    c.variants[1].first_timeseries = Some(series(8.0, 0.0, 45.0, 5.0));
    let plots = render_all(&c).expect("draw");
    let service = &plots.overlays[0];
    assert!(
        service.title.contains("no request failed in any"),
        "{}",
        service.title
    );
    assert!(!service.svg.contains("failed requests per"));
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let c = comparison();
    assert_eq!(render_all(&c).expect("draw"), render_all(&c).expect("draw"));
}

#[test]
fn variant_colours_follow_the_palette_and_repeat_after_eight() {
    assert_eq!(variant_css_colour(0), "#1f77b4");
    assert_eq!(variant_css_colour(1), "#ff7f0e");
    assert_eq!(variant_css_colour(8), variant_css_colour(0));
}

#[test]
fn ticks_are_round_steps_with_the_decimals_they_need() {
    let (points, decimals) = ticks(0.7323, 0.7352);
    assert_eq!(decimals, 4);
    assert_eq!(
        points.first().map(|x| fixed(*x, 4)),
        Some("0.7325".to_owned())
    );
    assert!(points.len() >= 4 && points.len() <= 10, "{points:?}");
    // A step of 5 is whole: no decimal.
    let (points, decimals) = ticks(72.8, 100.2);
    assert_eq!(decimals, 0);
    assert_eq!(points, vec![75.0, 80.0, 85.0, 90.0, 95.0, 100.0]);
    let (points, decimals) = ticks(-0.9, 2.1);
    assert_eq!(decimals, 1);
    assert_eq!(points[0], -0.5);
    assert_eq!(ticks(3.0, 3.0), (Vec::new(), 0));
}

#[test]
fn long_tick_labels_are_thinned_until_they_fit_side_by_side() {
    // 15.0306 … 15.0322 by 0.0002: nine labels of seven characters do not fit in 400 px.
    let (points, decimals) = ticks(15.0305, 15.0323);
    assert_eq!(decimals, 4);
    assert!(points.len() >= 8, "{points:?}");
    let thinned = thin_to_fit(points.clone(), decimals, 400);
    assert!(thinned.len() <= 5, "{thinned:?}");
    assert!(thinned.len() >= 2);
    assert_eq!(thinned[0], points[0], "every other tick, from the first");
    // Short labels are left alone.
    let (points, decimals) = ticks(72.8, 100.2);
    assert_eq!(thin_to_fit(points.clone(), decimals, 400), points);
}

#[test]
fn estimates_read_with_at_most_four_significant_digits() {
    let e = |mean: f64, h: f64| Estimate {
        n: 5,
        mean,
        stddev: Some(1.0),
        ci95: Some((mean - h, mean + h)),
    };
    // The terminal table writes 12.893346 ± 0.000037; the report rounds to four digits of the mean.
    assert_eq!(estimate_text(&e(12.893_346, 0.000_037)), "12.89 ± < 0.01");
    assert_eq!(estimate_text(&e(19.274, 0.026)), "19.27 ± 0.03");
    assert_eq!(estimate_text(&e(0.7340, 0.0010)), "0.7340 ± 0.0010");
    assert_eq!(estimate_text(&e(544_474.2, 3_549.1)), "544,474 ± 3,549");
    assert_eq!(
        difference_text(&e(0.082_201, 0.000_090)),
        "+0.08220 ± 0.00009 *"
    );
    assert_eq!(difference_text(&e(-0.6, 1.4)), "-0.6 ± 1.4");
    let same = Estimate {
        n: 3,
        mean: 0.0,
        stddev: Some(0.0),
        ci95: Some((0.0, 0.0)),
    };
    assert_eq!(difference_text(&same), "same");
    // One replicate: no interval, four significant digits, thousands grouped.
    let single = |mean: f64| Estimate {
        n: 1,
        mean,
        stddev: None,
        ci95: None,
    };
    assert_eq!(estimate_text(&single(542_387.0)), "542,387");
    assert_eq!(estimate_text(&single(7.101_234)), "7.101");
    assert_eq!(difference_text(&single(-25.113)), "-25.11");
    assert_eq!(difference_text(&single(2.0)), "+2");
    // The same non-zero difference in every pair: certain, starred.
    let constant = Estimate {
        n: 3,
        mean: -1.0,
        stddev: Some(0.0),
        ci95: Some((-1.0, -1.0)),
    };
    assert_eq!(difference_text(&constant), "-1 *");
}

#[test]
fn interval_bars_stop_where_the_metric_must_stop() {
    use crate::report::readable::Unit;
    // tasks_failed 1.7 ± 3.8 cannot be below 0 tasks; availability cannot pass 100 %.
    assert_eq!(
        within_bounds(Unit::Count("task", "tasks"), (-2.1, 5.5)),
        (0.0, 5.5)
    );
    assert_eq!(
        within_bounds(Unit::RatioAsPercent, (99.85, 100.15)),
        (99.85, 100.0)
    );
    assert_eq!(within_bounds(Unit::Ms, (12.0, 15.0)), (12.0, 15.0));
}
