//! What the users saw: a service's requests panel, its deployments, `traffic.svg` and the target-group plots.

use super::*;
use crate::report::plots::deployments::{COMPLETED, FAILED, STARTED};
use crate::report::plots::draw::y_tick_label;
use crate::report::plots::draw::{DEPLOY_COLOUR, ROLLBACK_COLOUR, label_places};
use crate::report::plots::traffic::{
    TARGET_GROUP_PANEL_HEIGHT_PX, error_rate_percent, summed_traffic,
};
use crate::report::recorded::{EventLog, EventRow};

/// `sample()` with a second service, `api`, without traffic.
fn two_services() -> Recorded {
    let mut rec = sample();
    edit_points(&mut rec, |points| {
        let api: Vec<SeriesPoint> = points
            .iter()
            .filter(|p| p.scope == Scope::Service && p.metric.ends_with("TaskCount"))
            .map(|p| SeriesPoint {
                id: "api".to_owned(),
                ..p.clone()
            })
            .collect();
        points.extend(api);
    });
    rec
}

fn events(rows: &[(u64, Scope, &str, &'static str, &str)]) -> EventLog {
    rows.iter()
        .map(|&(s, scope, id, kind, message)| EventRow {
            time: SimTime::from_secs(s),
            scope,
            id,
            kind,
            message,
        })
        .collect()
}

fn the<'a>(plots: &'a [Plot], name: &str) -> &'a Plot {
    plots
        .iter()
        .find(|p| p.file == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

/// The height attribute of an SVG document.
fn height(svg: &str) -> u32 {
    svg.split("height=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|h| h.parse().ok())
        .expect("height")
}

/// (x, width) of every shaded deployment band in `colour` (the legend's swatch is more opaque and left out).
fn bands(svg: &str, colour: RGBColor) -> Vec<(i64, i64)> {
    let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", colour.0, colour.1, colour.2);
    let attr = |line: &str, name: &str| -> i64 {
        line.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("attribute")
    };
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(&fill) && l.contains("opacity=\"0.14\""))
        .map(|l| (attr(l, "x"), attr(l, "width")))
        .collect()
}

// Issue 8: what happened to the users is under the tasks, on the same time axis; a service without traffic
// keeps its one panel.
#[test]
fn a_service_with_traffic_gets_a_requests_panel_under_its_tasks_and_one_without_keeps_one_panel() {
    let plots = render_all(&two_services()).expect("draw");
    let web = the(&plots, "tasks_web.svg");
    assert_eq!(web.title, "Service web: tasks, requests and 5XX");
    assert_eq!(height(&web.svg), 2 * PANEL_HEIGHT_PX);
    for text in [
        "Desired, running and healthy tasks",
        "Requests offered and failed (5XX)",
        "requests per 1m period",
    ] {
        assert!(web.svg.contains(&format!(">\n{text}\n<")), "{text}");
    }
    // Requests in blue, failures in red, whatever their position.
    assert!(
        web.svg
            .contains(r##"stroke="#D62728" stroke-width="2" points"##)
    );

    let api = the(&plots, "tasks_api.svg");
    assert_eq!(api.title, "Service api: desired, running and healthy tasks");
    assert_eq!(height(&api.svg), PANEL_HEIGHT_PX);
    assert!(!api.svg.contains("Requests offered"));
    assert_eq!(api.svg.matches(r#"stroke-width="2" points="#).count(), 3);
}

// The deployment markers of a service's plot are its own SERVICE_DEPLOYMENT_IN_PROGRESS events: not another
// service's, not a task's, not on the plots of the whole run.
#[test]
fn deployment_markers_come_from_the_service_s_own_events_only() {
    let mut rec = two_services();
    rec.events = events(&[
        (
            120,
            Scope::Service,
            "web",
            STARTED,
            "(service web) (deployment d1) deployment in progress with task definition web:2.",
        ),
        (
            180,
            Scope::Task,
            "web",
            STARTED,
            "deployment in progress with task definition web:9.",
        ),
        (
            300,
            Scope::Service,
            "api",
            STARTED,
            "(service api) (deployment d2) deployment in progress with task definition api:7.",
        ),
        (
            360,
            Scope::Service,
            "web",
            COMPLETED,
            "(service web) (deployment d1) deployment completed.",
        ),
    ]);
    let plots = render_all(&rec).expect("draw");
    let web = the(&plots, "tasks_web.svg");
    assert_eq!(web.deployments, 1);
    assert!(web.svg.contains(">\ndeploy web:2\n<"), "{}", web.svg);
    assert!(!web.svg.contains("web:9") && !web.svg.contains("api:7"));
    // One band on each of its two panels, and a legend entry on each.
    assert_eq!(bands(&web.svg, DEPLOY_COLOUR).len(), 2);
    assert_eq!(web.svg.matches(">\ndeployment\n<").count(), 2);
    // The label is written once, above the first panel.
    assert_eq!(web.svg.matches(">\ndeploy web:2\n<").count(), 1);

    let api = the(&plots, "tasks_api.svg");
    assert!(api.svg.contains(">\ndeploy api:7\n<"));
    assert!(!api.svg.contains("web:2"));
    assert_eq!(bands(&api.svg, DEPLOY_COLOUR).len(), 1);

    // The task timeline shows every service's tasks, so it marks every service's deployments; the other plots
    // of the whole run mark none.
    let timeline = the(&plots, TIMELINE_FILE);
    assert_eq!(bands(&timeline.svg, DEPLOY_COLOUR).len(), 2);
    for label in ["deploy web:2", "deploy api:7"] {
        assert_eq!(timeline.svg.matches(&format!(">\n{label}\n<")).count(), 1);
    }
    for p in plots
        .iter()
        .filter(|p| p.service.is_none() && p.file != TIMELINE_FILE)
    {
        assert_eq!(p.deployments, 0, "{}", p.file);
        assert!(bands(&p.svg, DEPLOY_COLOUR).is_empty(), "{}", p.file);
        assert!(!p.svg.contains("deploy"), "{}", p.file);
    }
}

// A deployment is shaded from its start to its end: 120 s to 360 s of a 600 s axis is the second fifth to the
// sixth tenth of the plotting area; one still running at the end reaches the axis' end.
#[test]
fn a_deployment_band_spans_from_its_start_to_its_end_or_the_end_of_the_run() {
    let mut rec = sample();
    let started = "(deployment d1) deployment in progress with task definition web:2.";
    rec.events = events(&[
        (120, Scope::Service, "web", STARTED, started),
        (
            360,
            Scope::Service,
            "web",
            COMPLETED,
            "(deployment d1) deployment completed.",
        ),
    ]);
    rec.markers = vec![crate::report::recorded::EventMarker {
        time: SimTime::from_secs(0),
        action: "update_service".to_owned(),
        label: "left edge".to_owned(),
        duration: None,
    }];
    let markers = crate::report::recorded::EventMarker {
        time: SimTime::from_secs(600),
        action: "update_service".to_owned(),
        label: "right edge".to_owned(),
        duration: None,
    };
    rec.markers.push(markers);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks_web.svg");
    let xs = marker_xs(svg);
    let (left, right) = (xs[0] as f64, xs[1] as f64);
    let (x, width) = bands(svg, DEPLOY_COLOUR)[0];
    let at = |fraction: f64| left + fraction * (right - left);
    assert!((x as f64 - at(0.2)).abs() <= 1.0, "{x} {xs:?}");
    assert!(
        ((x + width) as f64 - at(0.6)).abs() <= 1.0,
        "{width} {xs:?}"
    );

    rec.events = events(&[(120, Scope::Service, "web", STARTED, started)]);
    let plots = render_all(&rec).expect("draw");
    let (x, width) = bands(plot(&plots, "tasks_web.svg"), DEPLOY_COLOUR)[0];
    assert!(
        ((x + width) as f64 - right).abs() <= 1.0,
        "{x} {width} {xs:?}"
    );
}

// ECS deployment circuit breaker: the failed deployment says so, and the rollback is named and shaded as one.
#[test]
fn a_rollback_is_labelled_and_shaded_as_such_after_the_failed_deployment() {
    let mut rec = sample();
    rec.events = events(&[
        (
            120,
            Scope::Service,
            "web",
            STARTED,
            "(service web) (deployment d1) deployment in progress with task definition web:2.",
        ),
        (
            240,
            Scope::Service,
            "web",
            FAILED,
            "(service web) (deployment d1) deployment failed: ECS deployment circuit breaker: tasks failed to start.",
        ),
        (
            240,
            Scope::Service,
            "web",
            STARTED,
            "(service web) (deployment d2) deployment in progress with task definition web:1: ECS deployment circuit breaker: rolling back to deploymentId d0.",
        ),
        (
            300,
            Scope::Service,
            "web",
            COMPLETED,
            "(service web) (deployment d2) deployment completed.",
        ),
    ]);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks_web.svg");
    assert!(svg.contains(">\ndeploy web:2 (failed)\n<"), "{svg}");
    assert!(svg.contains(">\nrollback to web:1\n<"), "{svg}");
    let deploy = bands(svg, DEPLOY_COLOUR);
    let rollback = bands(svg, ROLLBACK_COLOUR);
    assert_eq!((deploy.len(), rollback.len()), (2, 2));
    // The rollback starts where the failed deployment ends.
    assert!((deploy[0].0 + deploy[0].1 - rollback[0].0).abs() <= 1);
    assert_eq!(svg.matches(">\nrollback\n<").count(), 2);
    // The labels are a few pixels apart at 120 s and 240 s: the second goes on a row of its own, above.
    let y_of = |label: &str| -> i64 {
        let lines: Vec<&str> = svg.lines().collect();
        let i = lines.iter().position(|l| *l == label).expect("label");
        lines[i - 1]
            .split(" y=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("y")
    };
    assert!(y_of("rollback to web:1") < y_of("deploy web:2 (failed)"));
}

// An update_service event and the deployment it starts are at one instant: both are drawn, the dashed
// numbered line over the band's edge.
#[test]
fn a_deployment_triggered_by_a_scenario_event_keeps_both_markers() {
    let mut rec = sample();
    rec.markers = vec![crate::report::recorded::EventMarker {
        time: SimTime::from_secs(300),
        action: "update_service".to_owned(),
        label: "update web: web:2".to_owned(),
        duration: None,
    }];
    rec.events = events(&[(
        300,
        Scope::Service,
        "web",
        STARTED,
        "(service web) (deployment d1) deployment in progress with task definition web:2.",
    )]);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks_web.svg");
    let xs = marker_xs(svg);
    assert_eq!(xs.len(), 1);
    let (x, _) = bands(svg, DEPLOY_COLOUR)[0];
    assert!((x - xs[0]).abs() <= 1, "{x} {xs:?}");
    for text in ["1 at 5m", "update web: web:2", "deploy web:2", "deployment"] {
        assert!(svg.contains(&format!(">\n{text}\n<")), "{text}");
    }
    let svg = svg.to_owned();
    let svg_pos = |needle: &str| svg.find(needle).expect(needle);
    // Drawn in that order: the band under the lines, the marker over them.
    let marker = format!(
        "stroke=\"#{:02X}{:02X}{:02X}\"",
        MARKER_COLOUR.0, MARKER_COLOUR.1, MARKER_COLOUR.2
    );
    assert!(svg_pos("opacity=\"0.14\"") < svg_pos(r##"stroke="#1F77B4" stroke-width="2" points"##));
    assert!(svg_pos(r##"stroke="#1F77B4" stroke-width="2" points"##) < svg_pos(&marker));
}

#[test]
fn deployment_labels_take_the_first_row_with_room_move_left_of_the_edge_and_give_up_after_three_rows()
 {
    // Four labels 100 px wide, 20 px apart, then one far right that would run past 1000.
    let starts = [100, 120, 140, 160, 950];
    let widths = [100; 5];
    let places = label_places(&starts, &widths, 996);
    assert_eq!(
        places,
        vec![
            Some((103, 0)),
            Some((123, 1)),
            Some((143, 2)),
            None,
            Some((896, 0))
        ]
    );
}

// The target-group plot is only drawn for runs with target groups, one per group by name.
#[test]
fn the_target_group_plot_appears_only_with_target_groups() {
    let mut rec = sample();
    let plots = render_all(&rec).expect("draw");
    let tg = the(&plots, "target_group_web-tg.svg");
    assert_eq!(tg.target_group.as_deref(), Some("web-tg"));
    assert_eq!(height(&tg.svg), 3 * TARGET_GROUP_PANEL_HEIGHT_PX);
    for text in [
        "Requests and 5XX responses",
        "Registered targets by health",
        "Mean response time",
    ] {
        assert!(tg.svg.contains(&format!(">\n{text}\n<")), "{text}");
    }

    edit_points(&mut rec, |points| {
        let other: Vec<SeriesPoint> = points
            .iter()
            .filter(|p| p.scope == Scope::TargetGroup)
            .map(|p| SeriesPoint {
                id: "api-tg".to_owned(),
                ..p.clone()
            })
            .collect();
        points.extend(other);
    });
    let names: Vec<String> = render_all(&rec)
        .expect("draw")
        .into_iter()
        .filter(|p| p.target_group.is_some())
        .map(|p| p.file)
        .collect();
    assert_eq!(
        names,
        ["target_group_api-tg.svg", "target_group_web-tg.svg"]
    );

    edit_points(&mut rec, |points| {
        points.retain(|p| p.scope != Scope::TargetGroup)
    });
    let plots = render_all(&rec).expect("draw");
    assert!(plots.iter().all(|p| p.target_group.is_none()));
    assert!(!plots.iter().any(|p| p.file.starts_with("target_group")));
}

// CloudWatch's TargetResponseTime is in seconds; the plot reads it in ms.
#[test]
fn the_target_group_plot_shows_health_and_response_time_in_ms() {
    let mut rec = sample();
    edit_points(&mut rec, |points| {
        let base: Vec<SeriesPoint> = points
            .iter()
            .filter(|p| p.metric == "RequestCount")
            .cloned()
            .collect();
        for p in base {
            for (metric, value) in [
                ("HealthyHostCount", 4.0),
                ("UnHealthyHostCount", 1.0),
                ("TargetResponseTime", 0.25),
            ] {
                points.push(SeriesPoint {
                    metric,
                    value,
                    ..p.clone()
                });
            }
        }
    });
    let svg = plot(&render_all(&rec).expect("draw"), "target_group_web-tg.svg").to_owned();
    assert_eq!(svg.matches(r#"stroke-width="2" points="#).count(), 6);
    assert!(svg.contains(">\nHealthyHostCount\n<") && svg.contains(">\nUnHealthyHostCount\n<"));
    assert!(svg.contains(">\nms (mean per period)\n<"));
    // 250 ms tops the axis (with headroom), which has a tick at 250.
    assert!(svg.contains(">\n250\n<"), "{svg}");
}

// traffic.svg: requests per service, and the share of them that failed.
#[test]
fn traffic_shows_each_service_s_requests_and_error_rate() {
    let plots = render_all(&sample()).expect("draw");
    let svg = plot(&plots, "traffic.svg");
    for text in [
        "Requests offered to each service",
        "Error rate: requests that failed with a 5XX",
        "percent of requests (per period)",
    ] {
        assert!(svg.contains(&format!(">\n{text}\n<")), "{text}");
    }
    let nan = f64::NAN;
    let rate = error_rate_percent(&[200.0, 0.0, 100.0, nan, 50.0], &[1.0, 0.0, 0.0, 1.0, nan]);
    assert_eq!(rate[0], 0.5);
    assert!(rate[1].is_nan(), "no request, no rate");
    assert_eq!(rate[2], 0.0);
    assert!(rate[3].is_nan() && rate[4].is_nan());
}

#[test]
fn a_run_without_requests_to_services_says_no_traffic_simulated() {
    let mut rec = sample();
    edit_points(&mut rec, |points| {
        points.retain(|p| !matches!(p.metric, "requests" | "error_requests"))
    });
    let plots = render_all(&rec).expect("draw");
    let traffic = the(&plots, "traffic.svg");
    assert_eq!(traffic.empty.as_deref(), Some("no traffic simulated"));
    assert_eq!(traffic.svg.matches("no traffic simulated").count(), 2);
}

#[test]
fn large_counts_have_thousands_separators_on_their_ticks() {
    assert_eq!(tick_label(25_000.0), "25,000");
    assert_eq!(tick_label(1_000.0), "1,000");
    assert_eq!(tick_label(999.0), "999");
    assert_eq!(tick_label(-1_234_567.0), "-1,234,567");
    assert_eq!(tick_label(-0.0), "0");
}

/// `services_recording(count)` with 100 requests a minute to each service; service `s01` fails 50 of them in
/// minute 30.
fn services_with_traffic(count: usize) -> Recorded {
    let mut rec = services_recording(count);
    edit_points(&mut rec, |points| {
        let extra: Vec<SeriesPoint> = points
            .iter()
            .filter(|p| p.metric == "DesiredTaskCount")
            .flat_map(|p| {
                let failing = p.id == "s01" && p.time == SimTime::from_secs(1800);
                [
                    SeriesPoint {
                        metric: "requests",
                        value: 100.0,
                        ..p.clone()
                    },
                    SeriesPoint {
                        metric: "error_requests",
                        value: if failing { 50.0 } else { 0.0 },
                        ..p.clone()
                    },
                ]
            })
            .collect();
        points.extend(extra);
    });
    rec
}

// With many services, traffic.svg sums them up and follows the worst one, rather than drawing fifty
// overlapping lines; with a few, each has its line.
#[test]
fn with_many_services_traffic_sums_them_up_and_follows_the_worst_error_rate() {
    let few = render_all(&services_with_traffic(FEW_SERVICES_MAX)).expect("draw");
    let svg = plot(&few, "traffic.svg");
    assert_eq!(
        svg.matches(r#"stroke-width="2" points="#).count(),
        2 * FEW_SERVICES_MAX
    );
    assert!(svg.contains(">\ns01\n<"));

    let many = render_all(&services_with_traffic(FEW_SERVICES_MAX + 1)).expect("draw");
    let svg = plot(&many, "traffic.svg");
    let all = format!("all {} services", FEW_SERVICES_MAX + 1);
    assert!(svg.contains(&format!(">\n{all}\n<")), "{svg}");
    assert!(svg.contains(">\nworst service\n<"), "{svg}");
    assert!(svg.contains(">\nRequests offered to the services, summed\n<"));
    assert!(!svg.contains(">\ns01\n<"));
    assert_eq!(svg.matches(r#"stroke-width="2" points="#).count(), 3);

    let nan = f64::NAN;
    let (offered, overall, worst) = summed_traffic(
        3,
        &[
            (&[100.0, 0.0, nan], &[50.0, 0.0, nan]),
            (&[300.0, 0.0, nan], &[0.0, 0.0, nan]),
        ],
    );
    assert_eq!(offered[..2], [400.0, 0.0]);
    assert!(offered[2].is_nan());
    assert_eq!(overall[0], 12.5);
    assert_eq!(worst[0], 50.0);
    assert!(overall[1].is_nan() && worst[1].is_nan(), "nothing offered");
}

// A legend lists the series it has room for and counts the others.
#[test]
fn a_legend_with_more_series_than_rows_counts_the_rest() {
    let mut rec = Recorded::default();
    let points = (0..40)
        .flat_map(|g| {
            (0..10).map(move |m| SeriesPoint {
                time: SimTime::from_secs(60 * m),
                scope: Scope::Asg,
                id: format!("group-{g:02}"),
                metric: "GroupInServiceInstances",
                value: 1.0,
            })
        })
        .collect();
    rec.timeseries = TimeSeries::from_points(points);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "instances.svg");
    assert_eq!(svg.matches(r#"stroke-width="2" points="#).count(), 40);
    let listed = svg.matches(r#"stroke-width="3" points="#).count();
    assert!((5..40).contains(&listed), "{listed}");
    assert!(
        svg.contains(&format!(">\n… {} more lines\n<", 40 - listed)),
        "{svg}"
    );
    assert!(svg.contains(">\ngroup-00\n<") && !svg.contains(">\ngroup-39\n<"));
}

#[test]
fn y_ticks_of_large_counts_read_in_thousands_or_millions() {
    assert_eq!(y_tick_label(1_200_000.0, 1_600_000.0), "1.2M");
    assert_eq!(y_tick_label(0.0, 1_600_000.0), "0");
    assert_eq!(y_tick_label(200_000.0, 1_600_000.0), "0.2M");
    assert_eq!(y_tick_label(250_000.0, 400_000.0), "250k");
    assert_eq!(y_tick_label(25_000.0, 40_000.0), "25,000");
    assert_eq!(y_tick_label(2.5, 4.0), "2.5");
}
