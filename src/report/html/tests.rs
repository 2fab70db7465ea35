//! Tests of `report.html`: what the page shows, in which order, and how it folds long runs.

use super::*;
use crate::engine::SimTime;
use crate::report::recorded::{EventLog, EventMarker, Manifest, Scope, SummaryMetric};

/// A log of `(ms, kind, message)` rows about service `web`.
fn log<M: AsRef<str>>(rows: impl IntoIterator<Item = (u64, &'static str, M)>) -> EventLog {
    let mut log = EventLog::new();
    for (ms, kind, message) in rows {
        log.push(
            SimTime::from_ms(ms),
            Scope::Service,
            "web",
            kind,
            format_args!("{}", message.as_ref()),
        );
    }
    log
}

fn rec(events: EventLog) -> Recorded {
    Recorded {
        manifest: Manifest {
            ecsim_version: "0.1.0".to_owned(),
            scenario_name: "web & <friends>".to_owned(),
            scenario_sha256: "ab12".to_owned(),
            seed: 7,
            overrides: vec!["services.web.desired_count=10".to_owned()],
            duration_s: 3600.0,
            events_processed: 99,
            wall_seconds: 987.654,
        },
        summary: vec![SummaryMetric {
            name: "cost.total_usd".to_owned(),
            value: 0.1 + 0.2,
        }],
        events,
        ..Recorded::default()
    }
}

fn page(rec: &Recorded, plots: &[Plot]) -> String {
    String::from_utf8(render(rec, plots)).expect("utf-8")
}

fn plot(file: &str, title: &str, svg: &str, empty: Option<&str>) -> Plot {
    Plot {
        file: file.to_owned(),
        title: title.to_owned(),
        svg: svg.to_owned(),
        empty: empty.map(str::to_owned),
        not_drawn: None,
        service: file
            .strip_prefix("tasks_")
            .and_then(|f| f.strip_suffix(".svg"))
            .map(str::to_owned),
        target_group: file
            .strip_prefix("target_group_")
            .and_then(|f| f.strip_suffix(".svg"))
            .map(str::to_owned),
        deployments: 0,
    }
}

fn check(metric: &str, value: Option<f64>, min: Option<f64>, max: Option<f64>) -> CheckRow {
    let passed =
        value.is_some_and(|v| min.is_none_or(|lo| v >= lo) && max.is_none_or(|hi| v <= hi));
    CheckRow {
        metric: metric.to_owned(),
        min,
        max,
        value,
        passed,
        message: format!("{metric}: the terminal's sentence"),
    }
}

#[test]
fn html_escapes_a_script_tag_in_an_event_message_and_the_scenario_name() {
    let got = page(
        &rec(log([(
            0,
            "SERVICE_STEADY_STATE",
            "<script>alert('x')</script>",
        )])),
        &[],
    );
    assert!(!got.contains("<script>"), "{got}");
    assert!(
        got.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"),
        "{got}"
    );
    assert!(
        got.contains("<h1>ecsim report: web &amp; &lt;friends&gt;</h1>"),
        "{got}"
    );
}

#[test]
fn html_shows_summary_values_rounded_with_units_and_the_exact_text_as_a_tooltip_and_omits_wall_time()
 {
    let got = page(&rec(EventLog::new()), &[]);
    assert!(
        got.contains(
            "<tr><td><code>cost.total_usd</code></td><td class=\"num\" title=\"0.30000000000000004\">$0.30</td><td class=\"what\">everything the run cost</td></tr>"
        ),
        "{got}"
    );
    assert!(
        got.contains("<tr class=\"group\"><th colspan=\"3\">cost</th></tr>"),
        "{got}"
    );
    assert!(
        got.contains("seed 7 · 1h (3600 s) simulated · 99 events processed"),
        "{got}"
    );
    assert!(
        got.contains("<code>services.web.desired_count=10</code>"),
        "{got}"
    );
    assert!(
        !got.contains("987.654"),
        "wall time must not reach the page: {got}"
    );
    assert!(got.contains("<p>No events were recorded.</p>"), "{got}");
}

#[test]
fn summary_rows_are_grouped_by_cluster_cost_and_service() {
    let mut r = rec(EventLog::new());
    r.summary = [
        "cluster.instances_max",
        "cost.total_usd",
        "service.my.api.tasks_started",
        "service.web.tasks_started",
    ]
    .iter()
    .map(|n| SummaryMetric {
        name: (*n).to_owned(),
        value: 1.0,
    })
    .collect();
    let got = page(&r, &[]);
    let groups: Vec<&str> = got
        .match_indices("<tr class=\"group\"><th colspan=\"3\">")
        .map(|(i, m)| {
            let rest = &got[i + m.len()..];
            &rest[..rest.find('<').expect("end")]
        })
        .collect();
    assert_eq!(
        groups,
        vec!["cluster", "cost", "service my.api", "service web"]
    );
    assert!(got.contains(">1 instance</td>"), "{got}");
}

// Fifty services read as fifty rows of their own table, not five hundred rows of the summary.
#[test]
fn with_many_services_the_summary_has_a_row_per_service_and_a_column_per_metric() {
    let mut r = rec(EventLog::new());
    let metric = |name: String, value: f64| SummaryMetric { name, value };
    let mut summary = vec![metric("cluster.instances_max".to_owned(), 3.0)];
    for i in 0..=FEW_SERVICES_MAX {
        for (m, v) in [
            ("tasks_started", 12.0),
            ("min_healthy_tasks", 4.0),
            ("availability", 0.99953),
        ] {
            if !(i == 3 && m == "availability") {
                summary.push(metric(format!("service.s{i:02}.{m}"), v));
            }
        }
    }
    r.summary = summary;
    let got = page(&r, &[]);
    assert!(
        got.contains("<tr class=\"group\"><th colspan=\"3\">cluster</th></tr>"),
        "{got}"
    );
    assert!(
        !got.contains("<tr class=\"group\"><th colspan=\"3\">service"),
        "{got}"
    );
    assert!(got.contains(
        "<thead><tr><th>service</th><th title=\"availability: requests served without a 5XX\">availability</th>\
         <th title=\"tasks_started: tasks the scheduler started\">tasks started</th>\
         <th title=\"min_healthy_tasks: fewest healthy tasks at any instant\">min healthy</th></tr></thead>"
    ), "{got}");
    assert!(
        got.contains(
            "<tr><td><code>s00</code></td><td class=\"num\" title=\"0.99953\">99.953 %</td>\
         <td class=\"num\" title=\"12\">12</td><td class=\"num\" title=\"4\">4</td></tr>"
        ),
        "{got}"
    );
    assert!(
        got.contains("<tr><td><code>s03</code></td><td class=\"num\">—</td>"),
        "{got}"
    );
    assert_eq!(got.matches("<tr><td><code>s").count(), FEW_SERVICES_MAX + 1);
    // With few services, each is a group of the summary table, as before.
    let last = format!("service.s{FEW_SERVICES_MAX:02}.");
    r.summary.retain(|m| !m.name.starts_with(&last));
    let few = page(&r, &[]);
    assert!(!few.contains("<table class=\"services\">"), "{few}");
    assert!(
        few.contains("<tr class=\"group\"><th colspan=\"3\">service s00</th></tr>"),
        "{few}"
    );
}

// The page opens with what the run was for and whether it met its checks.
#[test]
fn description_and_check_verdicts_come_first_with_units_and_failures_explained() {
    let mut r = rec(EventLog::new());
    r.description = "Drain one of <three> instances.".to_owned();
    r.checks = vec![
        check("service.api.min_healthy_tasks", Some(2.0), Some(2.0), None),
        check("cost.total_usd", Some(0.35), None, Some(0.3)),
        check("service.api.availability", None, Some(0.999), None),
    ];
    let plots = [plot(
        "cost.svg",
        "Cumulative cost",
        "<svg id=\"c\"></svg>",
        None,
    )];
    let got = page(&r, &plots);
    let at = |needle: &str| {
        got.find(needle)
            .unwrap_or_else(|| panic!("no {needle}: {got}"))
    };
    let description = at("<p class=\"description\">Drain one of &lt;three&gt; instances.</p>");
    let checks = at("<h2>Checks</h2>");
    let summary = at("<h2>Summary</h2>");
    let plots_at = at("<h2>Plots</h2>");
    assert!(
        at("<h1>") < description && description < checks && checks < summary && summary < plots_at
    );
    assert!(
        got.contains("<p class=\"verdict fail\">2 of 3 checks failed"),
        "{got}"
    );
    assert!(got.contains(
        "<tr><td><span class=\"badge pass\">PASS</span></td><td><code>service.api.min_healthy_tasks</code></td><td class=\"num\" title=\"2\">2 tasks</td><td>at least 2 tasks</td></tr>"
    ), "{got}");
    assert!(got.contains(
        "<tr><td><span class=\"badge fail\">FAIL</span></td><td><code>cost.total_usd</code></td><td class=\"num\" title=\"0.35\">$0.35</td><td>at most $0.30</td></tr>"
    ), "{got}");
    assert!(got.contains(
        "<td><code>service.api.availability</code></td><td>not produced</td><td>at least 99.900 %</td></tr>"
    ), "{got}");
    // Each failure's sentence is listed once, passes are not.
    assert!(
        got.contains("<li>cost.total_usd: the terminal&#39;s sentence</li>"),
        "{got}"
    );
    assert!(
        got.contains("<li>service.api.availability: the terminal&#39;s sentence</li>"),
        "{got}"
    );
    assert!(!got.contains("<li>service.api.min_healthy_tasks"), "{got}");
}

#[test]
fn all_checks_passing_and_no_checks_are_said_plainly() {
    let mut r = rec(EventLog::new());
    r.checks = vec![
        check("cluster.instances_max", Some(3.0), None, Some(3.0)),
        check("cluster.placement_failures", Some(0.0), None, Some(0.0)),
    ];
    assert!(page(&r, &[]).contains("<p class=\"verdict pass\">All 2 checks passed.</p>"));
    r.checks.truncate(1);
    assert!(page(&r, &[]).contains("<p class=\"verdict pass\">The check passed.</p>"));
    r.checks.clear();
    assert!(page(&r, &[]).contains("<p>The scenario has no <code>[[checks]]</code>.</p>"));
}

// A verdict must never contradict the numbers beside it: $0.2881 fails "at most $0.288" although both
// round to $0.288, so both are written exactly.
#[test]
fn a_check_value_that_rounds_to_its_bound_is_written_exactly() {
    let mut r = rec(EventLog::new());
    r.checks = vec![check("cost.total_usd", Some(0.2881), None, Some(0.288))];
    let got = page(&r, &[]);
    assert!(
        got.contains("<td class=\"num\" title=\"0.2881\">0.2881</td><td>at most 0.288</td>"),
        "{got}"
    );
}

#[test]
fn scenario_events_are_listed_in_time_order_numbered_as_the_plots_mark_them() {
    let mut r = rec(EventLog::new());
    let marker = |s: u64, action: &str, label: &str| EventMarker {
        time: SimTime::from_secs(s),
        action: action.to_owned(),
        label: label.to_owned(),
        duration: None,
    };
    r.markers = vec![
        marker(600, "drain_instances", "drain 1 instance of nodes"),
        marker(90, "update_service", "update web: desired count 6"),
        marker(7200, "run_task", "run 2 tasks of batch:1"),
    ];
    let got = page(&r, &[]);
    let first = got
        .find("<tr><td class=\"num\">1</td><td class=\"num\">1m30s</td><td><code>update_service</code></td><td>update web: desired count 6</td></tr>")
        .expect("first marker");
    let second = got
        .find("<tr><td class=\"num\">2</td><td class=\"num\">10m</td><td><code>drain_instances</code></td><td>drain 1 instance of nodes</td></tr>")
        .expect("second marker");
    assert!(first < second);
    assert!(
        got.contains("<td>run 2 tasks of batch:1 — after the end of the run: not reached</td>"),
        "{got}"
    );
}

#[test]
fn notes_from_loading_the_scenario_are_folded_in_a_details_element() {
    let mut r = rec(EventLog::new());
    assert!(!page(&r, &[]).contains("<details"));
    r.notes = vec!["s.toml:4:1: `workloads` is validated but not simulated yet".to_owned()];
    let got = page(&r, &[]);
    assert!(
        got.contains("<details class=\"notes\">\n<summary>1 note from loading the scenario"),
        "{got}"
    );
    assert!(
        got.contains("<li>s.toml:4:1: `workloads` is validated but not simulated yet</li>"),
        "{got}"
    );
}

#[test]
fn a_plot_with_nothing_to_show_is_left_out_and_named_once_with_the_reason() {
    let plots = [
        plot(
            "tasks_web.svg",
            "Service web: tasks",
            "<svg id=\"t\"></svg>",
            None,
        ),
        plot(
            "traffic.svg",
            "Request rate and error rate",
            "<svg id=\"empty\"></svg>",
            Some("no traffic simulated"),
        ),
    ];
    let got = page(&rec(EventLog::new()), &plots);
    assert!(got.contains("<svg id=\"t\"></svg>"), "{got}");
    assert!(!got.contains("<svg id=\"empty\">"), "{got}");
    assert_eq!(
        got.matches("Request rate and error rate").count(),
        1,
        "{got}"
    );
    assert!(
        got.contains(
            "nothing to plot there: <b>Request rate and error rate</b> (no traffic simulated)."
        ),
        "{got}"
    );
    let full = page(&rec(EventLog::new()), &plots[..1]);
    assert!(!full.contains("Not shown"), "{full}");
}

#[test]
fn html_inlines_every_plot_in_order_and_is_self_contained() {
    let plots = vec![
        plot(
            "tasks_web.svg",
            "Service web: tasks",
            "<svg id=\"a\"></svg>\n",
            None,
        ),
        plot(
            "cost.svg",
            "Cumulative cost",
            "<svg id=\"b\"></svg>\n",
            None,
        ),
    ];
    let got = page(&rec(EventLog::new()), &plots);
    let a = got
        .find("<svg id=\"a\"></svg>\n<figcaption>Service web: tasks — <code>plots/tasks_web.svg</code></figcaption>")
        .expect("first plot");
    let b = got
        .find("<svg id=\"b\"></svg>\n<figcaption>Cumulative cost — <code>plots/cost.svg</code></figcaption>")
        .expect("second plot");
    assert!(a < b);
    for external in ["<script", "http://", "https://", "<link", "src="] {
        assert!(
            !got.contains(external),
            "page must need no network or scripts: found {external}"
        );
    }
}

// Many target groups fold like many services, after the plots of the whole run; a few stay open in place.
#[test]
fn with_many_target_groups_their_plots_are_folded_after_the_others() {
    let group_plot = |i: usize| {
        plot(
            &format!("target_group_g{i:02}.svg"),
            &format!("Target group g{i:02}"),
            &format!("<svg id=\"g{i:02}\"></svg>"),
            None,
        )
    };
    let service = plot("tasks_web.svg", "Service web", "<svg id=\"w\"></svg>", None);
    let cost = plot("cost.svg", "Cumulative cost", "<svg id=\"c\"></svg>", None);
    let few: Vec<Plot> = std::iter::once(service.clone())
        .chain((0..2).map(group_plot))
        .chain([cost.clone()])
        .collect();
    let got = page(&rec(EventLog::new()), &few);
    assert!(!got.contains("<details class=\"target-groups\">"), "{got}");
    assert!(got.find("<svg id=\"g01\">") < got.find("<svg id=\"c\">"));

    let many: Vec<Plot> = std::iter::once(service)
        .chain((0..=FEW_SERVICES_MAX).map(group_plot))
        .chain([cost])
        .collect();
    let got = page(&rec(EventLog::new()), &many);
    let at = |needle: &str| {
        got.find(needle)
            .unwrap_or_else(|| panic!("no {needle}: {got}"))
    };
    let folded = at(&format!(
        "<details class=\"target-groups\">\n<summary>Requests, 5XX, targets and response time of each of the {} target groups",
        FEW_SERVICES_MAX + 1
    ));
    // The single service's plot stays open, first; the groups follow the cost plot, folded.
    assert!(!got.contains("<details class=\"services\">"), "{got}");
    assert!(at("<svg id=\"w\">") < at("<svg id=\"c\">"));
    assert!(at("<svg id=\"c\">") < folded);
    assert!(folded < at("<svg id=\"g00\">"));
    assert_eq!(got.matches("<svg id=\"g").count(), FEW_SERVICES_MAX + 1);
}

// The shaded bands are explained where a plot has them, and only then.
#[test]
fn the_deployment_bands_are_explained_only_when_a_plot_shades_one() {
    let mut web = plot("tasks_web.svg", "Service web", "<svg id=\"w\"></svg>", None);
    let got = page(&rec(EventLog::new()), std::slice::from_ref(&web));
    assert!(!got.contains("shaded band"), "{got}");
    web.deployments = 2;
    let got = page(&rec(EventLog::new()), &[web]);
    assert!(
        got.contains("a shaded band is one of its deployments, from <code>SERVICE_DEPLOYMENT_IN_PROGRESS</code>"),
        "{got}"
    );
}

#[test]
fn the_grey_span_of_an_event_that_lasts_is_explained_only_when_there_is_one() {
    let mut r = rec(EventLog::new());
    let drain = EventMarker {
        time: SimTime::from_secs(600),
        action: "drain_instances".to_owned(),
        label: "drain 1 instance".to_owned(),
        duration: None,
    };
    r.markers = vec![drain.clone()];
    let plots = [plot(
        "cost.svg",
        "Cumulative cost",
        "<svg id=\"c\"></svg>",
        None,
    )];
    assert!(!page(&r, &plots).contains("shades its span"));
    r.markers.push(EventMarker {
        action: "az_outage".to_owned(),
        label: "outage of us-east-1a for 20m".to_owned(),
        duration: Some(crate::engine::SimDuration::from_secs(1200)),
        ..drain
    });
    assert!(page(&r, &plots).contains("also shades its span in grey."));
}

// A run with many services: the plots of the whole run first, the per-service ones folded after them.
#[test]
fn with_many_services_the_cluster_plots_come_first_and_the_service_plots_are_folded() {
    let service_plot = |i: usize| {
        plot(
            &format!("tasks_s{i:02}.svg"),
            &format!("Service s{i:02}: tasks"),
            &format!("<svg id=\"s{i:02}\"></svg>"),
            None,
        )
    };
    let overall = [
        plot("instances.svg", "Instances", "<svg id=\"i\"></svg>", None),
        plot("cost.svg", "Cumulative cost", "<svg id=\"c\"></svg>", None),
    ];
    let few: Vec<Plot> = (0..FEW_SERVICES_MAX)
        .map(service_plot)
        .chain(overall.iter().cloned())
        .collect();
    let got = page(&rec(EventLog::new()), &few);
    assert!(!got.contains("<details class=\"services\">"), "{got}");
    assert!(
        got.find("<svg id=\"s00\">") < got.find("<svg id=\"i\">"),
        "{got}"
    );

    let many: Vec<Plot> = (0..=FEW_SERVICES_MAX)
        .map(service_plot)
        .chain(overall.iter().cloned())
        .collect();
    let got = page(&rec(EventLog::new()), &many);
    let at = |needle: &str| {
        got.find(needle)
            .unwrap_or_else(|| panic!("no {needle}: {got}"))
    };
    let folded = at(&format!(
        "<details class=\"services\">\n<summary>Desired, running and healthy tasks of each of the {} services, \
         with the requests of those that have traffic",
        FEW_SERVICES_MAX + 1
    ));
    assert!(at("<svg id=\"i\">") < at("<svg id=\"c\">"));
    assert!(at("<svg id=\"c\">") < folded);
    assert!(folded < at("<svg id=\"s00\">"));
    assert!(at("<svg id=\"s00\">") < at(&format!("<svg id=\"s{:02}\">", FEW_SERVICES_MAX)));
    assert!(
        at(&format!("<svg id=\"s{:02}\">", FEW_SERVICES_MAX))
            < at("</details>\n<h2>Key events</h2>")
    );
}

#[test]
fn key_events_keep_head_tail_and_key_kinds_and_say_how_many_are_hidden() {
    // 100 events: 0..20 head, 80..100 tail, and one key event (a placement failure) at 50.
    let events = log((0..100).map(|i| {
        let kind = if i == 50 {
            "SERVICE_TASK_PLACEMENT_FAILURE"
        } else {
            "TASK_HEALTH_CHANGED"
        };
        (i * 1000, kind, format!("event {i}"))
    }));
    let got = page(&rec(events), &[]);
    assert!(got.contains("<p>41 of 100 events:"), "{got}");
    assert!(got.contains("<td>event 19</td></tr>\n<tr class=\"gap\"><td colspan=\"5\">… 30 events not shown</td></tr>\n"));
    assert!(got.contains("<td>event 50</td></tr>\n<tr class=\"gap\"><td colspan=\"5\">… 29 events not shown</td></tr>\n"));
    assert!(!got.contains("<td>event 20</td>"));
    assert!(got.contains("<td>event 99</td></tr>\n</tbody>"));
}

#[test]
fn key_events_are_capped_keeping_the_last_ones() {
    let events = log((0..1000).map(|i| (i, "TASK_STOPPED", format!("stop {i}"))));
    let shown = key_event_indices(&events.in_time_order());
    assert_eq!(shown.len(), KEY_EVENTS_MAX);
    assert_eq!(
        shown[KEY_EVENTS_MAX - EVENTS_TAIL - 1],
        KEY_EVENTS_MAX - EVENTS_TAIL - 1
    );
    assert_eq!(shown[KEY_EVENTS_MAX - EVENTS_TAIL], 1000 - EVENTS_TAIL);
    assert_eq!(shown.last(), Some(&999));
}

// A thousand launches at the start must not crowd out the drains later in the run.
#[test]
fn capped_key_events_share_the_room_evenly_among_their_kinds_earliest_first() {
    let log = log((0..1000)
        .map(|i| (i, "INSTANCE_LAUNCHED", format!("launch {i}")))
        .chain((0..30).map(|i| (10_000 + i, "CONTAINER_INSTANCE_DRAINING", "drain".into())))
        .chain((0..500).map(|i| (20_000 + i, "TASKS_STOPPED", "stop".into())))
        .chain((0..100).map(|i| (30_000 + i, "TASKS_STARTED", "start".into()))));
    let events = log.in_time_order();
    let shown = key_event_indices(&events);
    assert_eq!(shown.len(), KEY_EVENTS_MAX);
    let kind_of = |kind: &str| shown.iter().filter(|&&i| events[i].kind == kind).count();
    // 400 rows: the first 20 (launches) and last 20 (starts, not key); the 360 others go to the three
    // key kinds: all 30 drains, then 165 each.
    assert_eq!(kind_of("CONTAINER_INSTANCE_DRAINING"), 30);
    assert_eq!(kind_of("INSTANCE_LAUNCHED"), 20 + 165);
    assert_eq!(kind_of("TASKS_STOPPED"), 165);
    assert_eq!(kind_of("TASKS_STARTED"), EVENTS_TAIL);
    // Earliest first within a kind.
    assert!(shown[..20 + 165].iter().copied().eq(0..20 + 165));
    let stops = 1030..1030 + 165;
    assert!(
        shown
            .iter()
            .filter(|i| (1030..1530).contains(*i))
            .copied()
            .eq(stops)
    );
    assert!(shown.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn key_kinds_match_by_fragment_ignoring_case() {
    assert!(is_key_kind("SERVICE_STEADY_STATE"));
    assert!(is_key_kind("instance_terminated"));
    assert!(is_key_kind("SPOT_INTERRUPTION_WARNING"));
    assert!(!is_key_kind("TASK_HEALTH_CHANGED"));
}
