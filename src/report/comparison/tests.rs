use super::*;
use crate::report::recorded::{CheckRow, SummaryMetric};

fn run(seed: u64, metrics: &[(&str, f64)]) -> RunResult {
    let mut summary: Vec<SummaryMetric> = metrics
        .iter()
        .map(|(n, v)| SummaryMetric {
            name: (*n).to_owned(),
            value: *v,
        })
        .collect();
    summary.sort_by(|a, b| a.name.cmp(&b.name));
    RunResult {
        seed,
        summary,
        checks: Vec::new(),
        events_processed: 100,
    }
}

fn variant(name: &str, runs: Vec<RunResult>) -> VariantRuns {
    VariantRuns {
        name: name.to_owned(),
        set: if name == BASE {
            Vec::new()
        } else {
            vec![("services.web.desired_count".to_owned(), "6".to_owned())]
        },
        runs,
        first_timeseries: None,
        duration_s: 0.0,
    }
}

/// base: availability 0.99, 0.98, 0.97; variant `more`: 0.995, 0.985, 0.975 (always 0.005 higher);
/// `same`: identical to base.
fn comparison() -> Comparison {
    let base = vec![
        run(
            7,
            &[("service.web.availability", 0.99), ("cost.total_usd", 2.0)],
        ),
        run(
            8,
            &[("service.web.availability", 0.98), ("cost.total_usd", 2.0)],
        ),
        run(
            9,
            &[("service.web.availability", 0.97), ("cost.total_usd", 2.0)],
        ),
    ];
    let more = vec![
        run(
            7,
            &[("service.web.availability", 0.995), ("cost.total_usd", 3.0)],
        ),
        run(
            8,
            &[("service.web.availability", 0.985), ("cost.total_usd", 3.0)],
        ),
        run(
            9,
            &[("service.web.availability", 0.975), ("cost.total_usd", 3.0)],
        ),
    ];
    Comparison {
        scenario_name: "web".into(),
        seeds: vec![7, 8, 9],
        variants: vec![
            variant(BASE, base.clone()),
            variant("more", more),
            variant("same", base),
        ],
        ..Comparison::default()
    }
}

fn row<'a>(rows: &'a [MetricStats], variant: usize, metric: &str) -> &'a MetricStats {
    rows.iter()
        .find(|r| r.variant == variant && r.metric == metric)
        .expect("row present")
}

#[test]
fn a_variant_identical_to_base_differs_by_exactly_zero() {
    let rows = summarise(&comparison());
    for metric in ["service.web.availability", "cost.total_usd"] {
        let d = row(&rows, 2, metric).difference.unwrap();
        assert_eq!((d.mean, d.ci95), (0.0, Some((0.0, 0.0))), "{metric}");
        assert!(!d.excludes_zero());
    }
}

#[test]
fn differences_are_paired_by_replicate() {
    let rows = summarise(&comparison());
    let r = row(&rows, 1, "service.web.availability");
    // Unpaired, the two means' intervals overlap (±0.0248 each); paired, every difference is 0.005.
    assert!(r.estimate.half_width().unwrap() > 0.02);
    let d = r.difference.unwrap();
    assert!((d.mean - 0.005).abs() < 1e-12, "{}", d.mean);
    assert!(d.excludes_zero());
    assert_eq!(row(&rows, 0, "cost.total_usd").difference, None);
}

#[test]
fn summary_rows_go_by_variant_then_metric_name() {
    let rows = summarise(&comparison());
    let order: Vec<(usize, &str)> = rows
        .iter()
        .map(|r| (r.variant, r.metric.as_str()))
        .collect();
    assert_eq!(
        order,
        vec![
            (0, "cost.total_usd"),
            (0, "service.web.availability"),
            (1, "cost.total_usd"),
            (1, "service.web.availability"),
            (2, "cost.total_usd"),
            (2, "service.web.availability"),
        ]
    );
}

#[test]
fn a_metric_missing_from_a_replicate_counts_only_where_present() {
    let mut c = comparison();
    c.variants[1].runs[1]
        .summary
        .retain(|m| m.name != "service.web.availability");
    let rows = summarise(&c);
    let r = row(&rows, 1, "service.web.availability");
    assert_eq!(r.estimate.n, 2);
    assert_eq!(r.difference.unwrap().n, 2);
}

#[test]
fn comparison_csv_has_one_row_per_run_and_metric() {
    let text = String::from_utf8(csv::render_runs(&comparison())).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "variant,replicate,seed,metric,value");
    assert_eq!(lines[1], "base,0,7,cost.total_usd,2");
    assert_eq!(lines[2], "base,0,7,service.web.availability,0.99");
    assert_eq!(lines[7], "more,0,7,cost.total_usd,3");
    assert_eq!(lines.len(), 1 + 3 * 3 * 2);
}

#[test]
fn comparison_summary_csv_leaves_base_differences_empty() {
    let text = String::from_utf8(csv::render_summary(&comparison())).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "variant,metric,mean,stddev,ci95_low,ci95_high,n,diff_mean,diff_ci95_low,diff_ci95_high"
    );
    assert_eq!(lines[1], "base,cost.total_usd,2,0,2,2,3,,,");
    assert_eq!(lines[3], "more,cost.total_usd,3,0,3,3,3,1,1,1");
    assert_eq!(lines[5], "same,cost.total_usd,2,0,2,2,3,0,0,0");
    assert!(lines[6].starts_with("same,service.web.availability,"));
    assert!(lines[6].ends_with(",3,0,0,0"), "{}", lines[6]);
}

#[test]
fn the_manifest_names_every_variant_override_and_seed() {
    let bytes = manifest::render(&comparison());
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["replicates"], 3);
    assert_eq!(json["seeds"], serde_json::json!([7, 8, 9]));
    assert_eq!(json["variants"][0]["name"], "base");
    assert_eq!(json["variants"][0]["set"], serde_json::json!([]));
    assert_eq!(
        json["variants"][1]["set"],
        serde_json::json!(["services.web.desired_count=6"])
    );
    assert_eq!(json["variants"][1]["events_processed"], 300);
}

#[test]
fn checks_are_tallied_per_variant() {
    let mut c = comparison();
    let verdict = |passed: bool| CheckRow {
        metric: "service.web.availability".into(),
        min: Some(0.98),
        max: None,
        value: None,
        passed,
        message: if passed {
            "ok".into()
        } else {
            "too low".into()
        },
    };
    for (r, passed) in [true, true, false].into_iter().enumerate() {
        c.variants[0].runs[r].checks = vec![verdict(passed)];
    }
    let tally = tally_checks(&c);
    assert_eq!(tally[0].passed, 2);
    assert_eq!(tally[0].runs, 3);
    assert_eq!(tally[0].first_failure.as_deref(), Some("seed 9: too low"));
}

#[test]
fn write_all_puts_the_plots_and_the_page_beside_the_csv_files() {
    let dir = crate::report::atomic::tests::fresh_dir("comparison-write-all");
    let c = plots::tests::comparison();
    let written = write_all(&dir, &c).expect("write");
    let names: Vec<String> = written
        .iter()
        .map(|p| {
            p.strip_prefix(&dir)
                .expect("under dir")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        vec![
            "manifest.json",
            "comparison.csv",
            "comparison_summary.csv",
            "plots/interval_service.web.availability.svg",
            "plots/overlay_service_web.svg",
            "plots/overlay_cluster.svg",
            "report.html",
        ]
    );
    let page = std::fs::read_to_string(dir.join("report.html")).expect("read");
    let svg = std::fs::read_to_string(dir.join("plots/overlay_cluster.svg")).expect("read");
    assert!(
        page.contains(svg.trim_end()),
        "the page inlines the plot as written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_variant_that_overrides_a_check_is_tallied_under_its_own_check() {
    let mut c = comparison();
    let verdict = |metric: &str, max: f64, passed: bool| CheckRow {
        metric: metric.into(),
        min: None,
        max: Some(max),
        value: None,
        passed,
        message: format!("{metric} checked"),
    };
    for r in 0..3 {
        c.variants[0].runs[r].checks = vec![verdict("cost.total_usd", 2.5, true)];
        c.variants[1].runs[r].checks = vec![verdict("cluster.instances_max", 3.0, false)];
        c.variants[2].runs[r].checks = vec![verdict("cost.total_usd", 2.5, true)];
    }
    let checks = checks_of(&c);
    let metrics: Vec<&str> = checks.iter().map(|c| c.metric.as_str()).collect();
    assert_eq!(metrics, ["cost.total_usd", "cluster.instances_max"]);
    let tally = tally_checks(&c);
    let of = |v: usize| -> Vec<(usize, usize)> {
        tally
            .iter()
            .filter(|t| t.variant == v)
            .map(|t| (t.check, t.passed))
            .collect()
    };
    assert_eq!(of(0), [(0, 3)]);
    assert_eq!(
        of(1),
        [(1, 0)],
        "the variant's failure is under its own check"
    );
    assert_eq!(of(2), [(0, 3)]);
}

#[test]
fn the_manifest_gives_each_variants_simulated_duration() {
    let mut c = comparison();
    c.duration_s = 1800.0;
    for v in &mut c.variants {
        v.duration_s = 1800.0;
    }
    c.variants[1].duration_s = 7200.0;
    let json: serde_json::Value = serde_json::from_slice(&manifest::render(&c)).unwrap();
    assert_eq!(json["simulated_duration_s"], 1800);
    assert_eq!(json["variants"][0]["simulated_duration_s"], 1800);
    assert_eq!(json["variants"][1]["simulated_duration_s"], 7200);
}
