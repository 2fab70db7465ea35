//! `report.html`: one self-contained page for a person to read (SPEC §4).
//!
//! The page has no scripts, no external styles, fonts or images, and needs no server or network: a short
//! `<style>` block, the run's identity, the checks, the summary table, every plot's SVG inline, and the key
//! events.
//!
//! Content, in order:
//! 1. The scenario name (title and heading), its `description`, and the manifest facts that describe the run:
//!    ecsim version, seed, simulated duration, events processed, scenario SHA-256 and `--set` overrides. The
//!    wall time is left out on purpose, so that the page, like the CSV files, is byte-identical for identical
//!    runs; it is in `manifest.json`.
//! 2. The `[[checks]]` with PASS or FAIL, the value, the bounds, and for each failure the sentence the
//!    terminal printed.
//! 3. The scenario's `[[events]]` ([`Recorded::markers`]), numbered as the plots mark them (at most
//!    [`MARKERS_LISTED_MAX`]), and the notes loading the scenario produced (folded, in a `<details>`).
//! 4. The summary metrics in `summary.csv`'s order, grouped (cluster, cost, each service), each with its
//!    value rounded for reading with its unit (`readable`) and the exact `summary.csv` text as a tooltip.
//!    With more than [`FEW_SERVICES_MAX`] services, the services' metrics are a table of their own instead,
//!    a row per service and a column per metric, so that fifty services read as fifty rows rather than
//!    five hundred.
//! 5. The plots, in [`super::plots::render_all`]'s order, leaving out those with nothing to show
//!    ([`Plot::empty`]) and saying once which were left out and why; a service's plot shows its tasks, its
//!    requests and 5XX if it has traffic, and its deployments as shaded bands, which the text above the plots
//!    explains when there are any. With more than [`FEW_SERVICES_MAX`] per-service plots, the plots of the
//!    whole run (with `services.svg`, which sums the services up) come first and the per-service ones follow
//!    folded in one `<details>`, so that the cluster's plots are not below fifty services' worth of
//!    scrolling; more than [`FEW_SERVICES_MAX`] target-group plots are folded likewise, after them. Every
//!    plot is still inline. A plot not drawn because the run is too large for it (the task timeline of a big
//!    cluster, [`Plot::not_drawn`]) is replaced by the sentence saying why, where it would be; the task
//!    timeline, when drawn, is explained in a paragraph above the plots.
//! 6. Key events, in `events.csv` order: the first [`EVENTS_HEAD`] and last [`EVENTS_TAIL`] events (how the run
//!    starts and ends) plus every event whose kind contains one of [`KEY_KIND_FRAGMENTS`] (placement
//!    failures, steady state, stops, instance launches and terminations, spot notices, deployments, alarms,
//!    scaling). At most [`KEY_EVENTS_MAX`] rows are shown: with more key events than fit beside the first and
//!    last ones, each kind gets an equal share of the room, earliest first (a kind with fewer leaves the rest
//!    to the others), so that a thousand instance launches at the start do not hide the drains of day three;
//!    every gap says how many events it hides, and all of them are in `events.csv`.
//!
//! Every text that comes from the run is HTML-escaped. The SVGs are inserted as plotters wrote them (plotters
//! escapes the text it writes).

use std::fmt::Write as _;

use super::plots::{FEW_SERVICES_MAX, Plot, TIMELINE_FILE};
use std::collections::{BTreeMap, BTreeSet};

use super::readable::{
    Unit, count as count_text, exact, metric_kind, metric_value, whole_count, with_unit,
};
use super::recorded::{CheckRow, EventMarker, EventRow, Recorded, SummaryMetric};
use super::text::{html_escape, in_order};
use crate::engine::{SimDuration, SimTime};

/// How many of the first events are always shown.
pub const EVENTS_HEAD: usize = 20;
/// How many of the last events are always shown.
pub const EVENTS_TAIL: usize = 20;
/// The most event rows the page shows.
pub const KEY_EVENTS_MAX: usize = 400;

/// The per-service summary metrics in the order the services table shows them (SPEC §4's order), each with
/// the short name its column is headed with (the metric's own name is in the column's tooltip); others follow
/// by name, headed by their name.
const SERVICE_COLUMNS: [(&str, &str); 13] = [
    ("availability", "availability"),
    ("error_requests", "5XX requests"),
    ("latency_p50_ms", "p50 latency"),
    ("latency_p99_ms", "p99 latency"),
    ("tasks_started", "tasks started"),
    ("tasks_failed", "tasks failed"),
    ("min_healthy_tasks", "min healthy"),
    ("max_running_tasks", "max running"),
    ("deployments_completed", "deploys done"),
    ("deployments_rolled_back", "rolled back"),
    ("scaling_actions", "scaling actions"),
    ("max_tasks_per_instance", "max per instance"),
    ("zone_imbalance_max", "zone imbalance"),
];
/// The most scenario `[[events]]` the page lists.
pub const MARKERS_LISTED_MAX: usize = 100;
/// An event is key if its kind, upper-cased, contains one of these.
pub const KEY_KIND_FRAGMENTS: [&str; 15] = [
    "PLACEMENT",
    "UNABLE_TO_PLACE",
    "FAILURE",
    "UNHEALTHY",
    "IMPAIRED",
    "DRAINING",
    "STEADY_STATE",
    "STOP",
    "INSTANCE_LAUNCH",
    "INSTANCE_TERMINAT",
    "SPOT",
    "DEPLOYMENT",
    "ROLLBACK",
    "ALARM",
    "SCALING",
];

/// The page's CSS, shared with the comparison's `report.html` so that both read as one product.
pub(crate) const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1000px;\
padding:0 1em;color:#222;line-height:1.4}\
h1{margin-bottom:.2em}.description{font-size:1.15em;margin:.3em 0 .6em}.meta{color:#555;font-size:.9em}\
code{font-family:ui-monospace,monospace;font-size:.9em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}\
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tr.group th{background:#e8eef5;font-weight:600}td.what{color:#555}\
tr.gap td{color:#777;font-style:italic;background:#fafafa}table.events td.id{white-space:nowrap}\
.badge{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:700;color:#fff}\
.badge.pass{background:#2c7a2c}.badge.fail{background:#b42318}\
p.verdict{font-weight:600}p.verdict.pass{color:#2c7a2c}p.verdict.fail{color:#b42318}\
.note{background:#fff8e1;border-left:4px solid #e0b000;padding:.4em .8em}\
details{margin:1em 0}summary{cursor:pointer;color:#555}\
.wide{overflow-x:auto}table.services th,table.services td{padding:.25em .45em}\
table.services td:first-child{white-space:nowrap}figure{margin:1.5em 0}figcaption{color:#555;font-size:.85em}svg{max-width:100%;height:auto}";

/// The bytes of `report.html`, with `plots` inlined in the given order (empty ones left out).
pub fn render(rec: &Recorded, plots: &[Plot]) -> Vec<u8> {
    let m = &rec.manifest;
    let name = html_escape(&m.scenario_name);
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(page, "<title>ecsim report: {name}</title>");
    let _ = writeln!(page, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(page, "<h1>ecsim report: {name}</h1>");
    if !rec.description.trim().is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"description\">{}</p>",
            html_escape(rec.description.trim())
        );
    }
    let _ = writeln!(
        page,
        "<p class=\"meta\">ecsim {} · seed {} · {} simulated · {} events processed · scenario SHA-256 <code>{}</code></p>",
        html_escape(&m.ecsim_version),
        m.seed,
        duration_text(m.duration_s),
        m.events_processed,
        html_escape(&m.scenario_sha256),
    );
    overrides_line(&mut page, "Overrides", &m.overrides);
    checks_section(&mut page, rec);
    markers_section(&mut page, rec);
    notes_section(&mut page, rec);
    summary_section(&mut page, rec);
    plots_section(&mut page, rec, plots);
    events_section(&mut page, rec);
    page.push_str("</body>\n</html>\n");
    page.into_bytes()
}

/// `1h30m (5400 s)`: the human form and the seconds the CSV files use.
pub(crate) fn duration_text(seconds: f64) -> String {
    if !(seconds.is_finite() && seconds >= 0.0) {
        return "an unknown time".to_owned();
    }
    let ms = (seconds * 1000.0).round() as u64;
    let secs = super::text::float_cell(seconds);
    format!("{} ({secs} s)", SimDuration::from_ms(ms))
}

fn checks_section(page: &mut String, rec: &Recorded) {
    page.push_str("<h2>Checks</h2>\n");
    if rec.checks.is_empty() {
        page.push_str("<p>The scenario has no <code>[[checks]]</code>.</p>\n");
        return;
    }
    let failed = rec.checks.iter().filter(|c| !c.passed).count();
    let total = rec.checks.len();
    let checks = if total == 1 { "check" } else { "checks" };
    if failed == 0 {
        let all = if total == 1 {
            "The check passed.".to_owned()
        } else {
            format!("All {total} checks passed.")
        };
        let _ = writeln!(page, "<p class=\"verdict pass\">{all}</p>");
    } else {
        let _ = writeln!(
            page,
            "<p class=\"verdict fail\">{failed} of {total} {checks} failed (<code>ecsim run</code> exits with code 1).</p>"
        );
    }
    page.push_str(
        "<table class=\"checks\">\n<thead><tr><th>result</th><th>metric</th><th>value</th><th>expected</th></tr></thead>\n<tbody>\n",
    );
    for c in &rec.checks {
        let (value, expected) = check_texts(c);
        let badge = if c.passed {
            "<span class=\"badge pass\">PASS</span>"
        } else {
            "<span class=\"badge fail\">FAIL</span>"
        };
        let _ = writeln!(
            page,
            "<tr><td>{badge}</td><td><code>{}</code></td>{value}<td>{expected}</td></tr>",
            html_escape(&c.metric)
        );
    }
    page.push_str("</tbody>\n</table>\n");
    let failures: Vec<&CheckRow> = rec.checks.iter().filter(|c| !c.passed).collect();
    if !failures.is_empty() {
        page.push_str("<ul class=\"why\">\n");
        for c in failures {
            let _ = writeln!(page, "<li>{}</li>", html_escape(&c.message));
        }
        page.push_str("</ul>\n");
    }
}

/// The value cell and the expected text of a check, rounded with the metric's unit. Where rounding would make
/// the value read the same as a bound it is not equal to, both are written exactly, so that a verdict never
/// contradicts the numbers next to it.
pub(crate) fn check_texts(c: &CheckRow) -> (String, String) {
    let unit = metric_kind(&c.metric).0;
    let Some(v) = c.value else {
        let bounds = bounds_text(
            c.min.map(|x| with_unit(unit, x)),
            c.max.map(|x| with_unit(unit, x)),
        );
        return ("<td>not produced</td>".to_owned(), bounds);
    };
    let value_text = with_unit(unit, v);
    let clash = |b: Option<f64>| b.is_some_and(|b| b != v && with_unit(unit, b) == value_text);
    let exact_texts = clash(c.min) || clash(c.max);
    let show = |x: f64| {
        if exact_texts {
            exact(x)
        } else {
            with_unit(unit, x)
        }
    };
    let bounds = bounds_text(c.min.map(show), c.max.map(show));
    let cell = format!(
        "<td class=\"num\" title=\"{}\">{}</td>",
        html_escape(&exact(v)),
        html_escape(&show(v))
    );
    (cell, bounds)
}

fn bounds_text(min: Option<String>, max: Option<String>) -> String {
    let text = match (min, max) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => "present".to_owned(),
    };
    html_escape(&text)
}

fn markers_section(page: &mut String, rec: &Recorded) {
    if rec.markers.is_empty() {
        return;
    }
    page.push_str("<h2>Scenario events</h2>\n");
    page.push_str(
        "<p>The scenario's <code>[[events]]</code>, numbered as the dashed vertical lines that mark them on every plot.</p>\n",
    );
    markers_table(page, &rec.markers, rec.manifest.duration_s);
}

/// The scenario's `[[events]]` as a table, numbered as the plots number them (at most
/// [`MARKERS_LISTED_MAX`]); an event after `duration_s` says it was not reached.
pub(crate) fn markers_table(page: &mut String, markers: &[EventMarker], duration_s: f64) {
    let end = SimTime::from_ms((duration_s.max(0.0) * 1000.0).round() as u64);
    let markers = in_order(markers, |a, b| a.time.cmp(&b.time));
    page.push_str(
        "<table class=\"markers\">\n<thead><tr><th>#</th><th>at</th><th>action</th><th>what it does</th></tr></thead>\n<tbody>\n",
    );
    for (i, m) in markers.iter().take(MARKERS_LISTED_MAX).enumerate() {
        let late = if m.time > end {
            " — after the end of the run: not reached"
        } else {
            ""
        };
        let _ = writeln!(
            page,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code></td><td>{}{late}</td></tr>",
            i + 1,
            m.time - SimTime::ZERO,
            html_escape(&m.action),
            html_escape(&m.label)
        );
    }
    gap_row(
        page,
        markers.len().saturating_sub(MARKERS_LISTED_MAX),
        4,
        "scenario event",
    );
    page.push_str("</tbody>\n</table>\n");
}

fn notes_section(page: &mut String, rec: &Recorded) {
    if rec.notes.is_empty() {
        return;
    }
    let n = rec.notes.len();
    let s = if n == 1 { "" } else { "s" };
    let _ = writeln!(
        page,
        "<details class=\"notes\">\n<summary>{n} note{s} from loading the scenario (AWS fields ecsim does not model, sections not simulated yet)</summary>\n<ul>"
    );
    for note in &rec.notes {
        let _ = writeln!(page, "<li>{}</li>", html_escape(note));
    }
    page.push_str("</ul>\n</details>\n");
}

/// The group a summary metric is listed under: `cluster`, `cost`, or `service <name>`.
fn metric_group(name: &str) -> String {
    match service_metric(name) {
        Some((service, _)) => format!("service {service}"),
        None => name.split('.').next().unwrap_or(name).to_owned(),
    }
}

/// (service, metric) of a per-service summary metric (`service.my.api.tasks_started` → `my.api`,
/// `tasks_started`).
fn service_metric(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("service.")?;
    Some(rest.rsplit_once('.').unwrap_or((rest, "")))
}

fn summary_section(page: &mut String, rec: &Recorded) {
    page.push_str("<h2>Summary</h2>\n");
    if rec.summary.is_empty() {
        page.push_str("<p>No summary metrics were recorded.</p>\n");
        return;
    }
    page.push_str(
        "<p>Rounded for reading; hover a value for its exact text, as in <code>summary.csv</code>. \
         Everything but <code>cost.*</code> covers the run after <code>[simulation].warmup</code>.</p>\n",
    );
    let metrics = in_order(&rec.summary, |a, b| a.name.cmp(&b.name));
    let services: BTreeSet<&str> = metrics
        .iter()
        .filter_map(|m| service_metric(&m.name).map(|(s, _)| s))
        .collect();
    let apart = services.len() > FEW_SERVICES_MAX;
    page.push_str("<table class=\"summary\">\n<thead><tr><th>metric</th><th>value</th><th>what it is</th></tr></thead>\n<tbody>\n");
    let mut group = String::new();
    for metric in metrics
        .iter()
        .filter(|m| !apart || service_metric(&m.name).is_none())
    {
        let g = metric_group(&metric.name);
        if g != group {
            let _ = writeln!(
                page,
                "<tr class=\"group\"><th colspan=\"3\">{}</th></tr>",
                html_escape(&g)
            );
            group = g;
        }
        let _ = writeln!(
            page,
            "<tr><td><code>{}</code></td><td class=\"num\" title=\"{}\">{}</td><td class=\"what\">{}</td></tr>",
            html_escape(&metric.name),
            html_escape(&exact(metric.value)),
            html_escape(&metric_value(&metric.name, metric.value)),
            metric_kind(&metric.name).1
        );
    }
    page.push_str("</tbody>\n</table>\n");
    if apart {
        services_table(page, &metrics, services.len());
    }
}

/// The per-service summary metrics as a table: a row per service (by name), a column per metric (in
/// [`SERVICE_COLUMNS`]' order, then by name). Counts are written without their noun, which the column names;
/// every value has its exact text as a tooltip, and a metric a service lacks is `—`.
fn services_table(page: &mut String, metrics: &[&SummaryMetric], count: usize) {
    let mut rows: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for m in metrics {
        if let Some((service, metric)) = service_metric(&m.name) {
            rows.entry(service).or_default().insert(metric, m.value);
        }
    }
    let mut columns: Vec<&str> = rows.values().flat_map(|r| r.keys().copied()).collect();
    let rank = |c: &str| {
        SERVICE_COLUMNS
            .iter()
            .position(|o| o.0 == c)
            .unwrap_or(SERVICE_COLUMNS.len())
    };
    columns.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    columns.dedup();
    let _ = writeln!(
        page,
        "<p>The {count} services, one row each: <code>service.&lt;name&gt;.&lt;metric&gt;</code> in \
         <code>summary.csv</code>; hover a column's name for what it is.</p>"
    );
    page.push_str("<div class=\"wide\">\n<table class=\"services\">\n<thead><tr><th>service</th>");
    for c in &columns {
        let short = SERVICE_COLUMNS
            .iter()
            .find(|o| o.0 == *c)
            .map_or(*c, |o| o.1);
        let meaning = metric_kind(c).1;
        let tooltip = if meaning.is_empty() {
            (*c).to_owned()
        } else {
            format!("{c}: {meaning}")
        };
        let _ = write!(
            page,
            "<th title=\"{}\">{}</th>",
            html_escape(&tooltip),
            html_escape(short)
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (service, values) in &rows {
        let _ = write!(page, "<tr><td><code>{}</code></td>", html_escape(service));
        for c in &columns {
            match values.get(c) {
                Some(&v) => {
                    let text = match metric_kind(c).0 {
                        Unit::Count(..) => count_text(v),
                        Unit::WholeCount(..) => whole_count(v),
                        unit => with_unit(unit, v),
                    };
                    let _ = write!(
                        page,
                        "<td class=\"num\" title=\"{}\">{}</td>",
                        html_escape(&exact(v)),
                        html_escape(&text)
                    );
                }
                None => page.push_str("<td class=\"num\">—</td>"),
            }
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n");
}

fn plots_section(page: &mut String, rec: &Recorded, plots: &[Plot]) {
    page.push_str("<h2>Plots</h2>\n");
    if plots.is_empty() {
        page.push_str("<p>No plots were drawn.</p>\n");
        return;
    }
    page.push_str(
        "<p>Each line joins one value per metric period, plotted at the period's start; where a pixel column \
         holds several periods, their first, last, highest and lowest values are drawn, so no dip or spike is \
         lost.",
    );
    if !rec.markers.is_empty() {
        page.push_str(" Dashed vertical lines mark the scenario events listed above, by number.");
    }
    if rec.markers.iter().any(|m| m.duration.is_some()) {
        page.push_str(
            " An event that lasts (an Availability Zone outage, a capacity shortage) also shades its span in grey.",
        );
    }
    if plots.iter().any(|p| p.deployments > 0) {
        page.push_str(
            " On a service's plot, a shaded band is one of its deployments, from \
             <code>SERVICE_DEPLOYMENT_IN_PROGRESS</code> to its completion or failure, labelled above the \
             plot with the task definition it rolls out (a circuit-breaker rollback in pink).",
        );
    }
    page.push_str("</p>\n");
    if plots
        .iter()
        .any(|p| p.file == TIMELINE_FILE && p.empty.is_none() && p.not_drawn.is_none())
    {
        page.push_str(
            "<p>The task timeline has a row per container instance (and rows for tasks without one, such as \
             Fargate's) and a bar per task, from its creation to its stop: thick while it is RUNNING, thin while \
             it starts or stops, coloured by service and shaded by task-definition revision (the lowest \
             lightest). An instance's row is grey while it is up, amber once it is DRAINING, and ends with a \
             dark line where it was terminated.</p>\n",
        );
    }
    let left_out: Vec<String> = plots
        .iter()
        .filter_map(|p| {
            p.empty
                .as_ref()
                .map(|why| format!("<b>{}</b> ({})", html_escape(&p.title), html_escape(why)))
        })
        .collect();
    if !left_out.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"note\">Not shown, because this run has nothing to plot there: {}. \
             Their files are still in <code>plots/</code>.</p>",
            left_out.join("; ")
        );
    }
    let shown: Vec<&Plot> = plots.iter().filter(|p| p.empty.is_none()).collect();
    let per_service: Vec<&Plot> = shown
        .iter()
        .copied()
        .filter(|p| p.service.is_some())
        .collect();
    let per_group: Vec<&Plot> = shown
        .iter()
        .copied()
        .filter(|p| p.target_group.is_some())
        .collect();
    let fold_services = per_service.len() > FEW_SERVICES_MAX;
    let fold_groups = per_group.len() > FEW_SERVICES_MAX;
    // The plots of the whole run (and any family short enough to stay open), then each long family folded.
    for p in &shown {
        let folded =
            (fold_services && p.service.is_some()) || (fold_groups && p.target_group.is_some());
        if !folded {
            figure(page, p);
        }
    }
    if fold_services {
        let _ = writeln!(
            page,
            "<details class=\"services\">\n<summary>Desired, running and healthy tasks of each of the {} services, \
             with the requests of those that have traffic (one plot each, by service name)</summary>",
            per_service.len()
        );
        for p in per_service {
            figure(page, p);
        }
        page.push_str("</details>\n");
    }
    if fold_groups {
        let _ = writeln!(
            page,
            "<details class=\"target-groups\">\n<summary>Requests, 5XX, targets and response time of each of the \
             {} target groups (one plot each, by target group name)</summary>",
            per_group.len()
        );
        for p in per_group {
            figure(page, p);
        }
        page.push_str("</details>\n");
    }
}

/// The `--set` overrides as one line of code spans after `label`; nothing when there are none.
pub(crate) fn overrides_line(page: &mut String, label: &str, overrides: &[String]) {
    if overrides.is_empty() {
        return;
    }
    let items: Vec<String> = overrides
        .iter()
        .map(|o| format!("<code>{}</code>", html_escape(o)))
        .collect();
    let _ = writeln!(page, "<p class=\"meta\">{label}: {}</p>", items.join(", "));
}

/// A plot as a `<figure>` (its SVG inline, captioned with its title and file), or, if it was not drawn, the
/// sentence saying why in its place.
pub(crate) fn figure(page: &mut String, p: &Plot) {
    if let Some(why) = &p.not_drawn {
        let _ = writeln!(page, "<p class=\"note\">{}</p>", html_escape(why));
        return;
    }
    let _ = writeln!(
        page,
        "<figure>\n{}\n<figcaption>{} — <code>plots/{}</code></figcaption>\n</figure>",
        p.svg.trim_end(),
        html_escape(&p.title),
        html_escape(&p.file)
    );
}

fn events_section(page: &mut String, rec: &Recorded) {
    page.push_str("<h2>Key events</h2>\n");
    let events = rec.events.in_time_order();
    if events.is_empty() {
        page.push_str("<p>No events were recorded.</p>\n");
        return;
    }
    let shown = key_event_indices(&events);
    let _ = writeln!(
        page,
        "<p>{} of {} events: the first and last {EVENTS_HEAD}, and placement failures, steady states, stops, \
         instance launches and terminations, spot notices, deployments, alarms and scaling (at most \
         {KEY_EVENTS_MAX} rows, shared evenly among those kinds, earliest first). All events are in \
         <code>events.csv</code>.</p>",
        shown.len(),
        events.len()
    );
    page.push_str(
        "<table class=\"events\">\n<thead><tr><th>time (s)</th><th>scope</th><th>id</th><th>kind</th>\
         <th>message</th></tr></thead>\n<tbody>\n",
    );
    let mut next = 0;
    for &i in &shown {
        gap_row(page, i - next, 5, "event");
        let e = events[i];
        let _ = writeln!(
            page,
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"id\">{}</td><td>{}</td><td>{}</td></tr>",
            e.time.secs_3dp(),
            e.scope.as_str(),
            html_escape(e.id),
            html_escape(e.kind),
            html_escape(e.message)
        );
        next = i + 1;
    }
    gap_row(page, events.len() - next, 5, "event");
    page.push_str("</tbody>\n</table>\n");
}

fn gap_row(page: &mut String, hidden: usize, columns: usize, noun: &str) {
    if hidden > 0 {
        let s = if hidden == 1 { "" } else { "s" };
        let _ = writeln!(
            page,
            "<tr class=\"gap\"><td colspan=\"{columns}\">… {hidden} {noun}{s} not shown</td></tr>"
        );
    }
}

/// Whether an event's kind marks it as key (see the module docs).
pub fn is_key_kind(kind: &str) -> bool {
    let kind = kind.to_ascii_uppercase();
    KEY_KIND_FRAGMENTS.iter().any(|f| kind.contains(f))
}

/// Indices (ascending) of the events the page shows, at most [`KEY_EVENTS_MAX`]: the first [`EVENTS_HEAD`],
/// the last [`EVENTS_TAIL`], and the key events between them, each kind (by its exact text) taking an equal
/// share of the room left, earliest first; a kind with fewer events than its share leaves the rest to the
/// others, and what does not divide evenly goes to the kinds first by name.
fn key_event_indices<'a>(events: &[EventRow<'a>]) -> Vec<usize> {
    let n = events.len();
    let head_end = n.min(EVENTS_HEAD);
    let tail_start = n.saturating_sub(EVENTS_TAIL).max(head_end);
    let mut by_kind: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate().take(tail_start).skip(head_end) {
        if is_key_kind(e.kind) {
            by_kind.entry(e.kind).or_default().push(i);
        }
    }
    let mut room = KEY_EVENTS_MAX - head_end - (n - tail_start);
    // Water-filling: the kinds with the fewest events first, each taking all it has or its share.
    let mut kinds: Vec<(&str, &Vec<usize>)> = by_kind.iter().map(|(k, v)| (*k, v)).collect();
    kinds.sort_by_key(|(kind, found)| (found.len(), *kind));
    let mut takes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut left = kinds.len();
    let mut rest: Vec<&str> = Vec::new();
    for (kind, found) in &kinds {
        let share = room / left;
        if found.len() <= share {
            takes.insert(kind, found.len());
            room -= found.len();
            left -= 1;
        } else {
            rest.push(kind);
        }
    }
    rest.sort_unstable();
    let share = room / rest.len().max(1);
    let mut extra = room - share * rest.len();
    for kind in rest {
        let one_more = usize::from(extra > 0);
        extra -= one_more;
        takes.insert(kind, share + one_more);
    }
    let mut shown: Vec<usize> = (0..head_end).chain(tail_start..n).collect();
    for (kind, found) in &by_kind {
        shown.extend(&found[..takes[kind]]);
    }
    shown.sort_unstable();
    shown
}

#[cfg(test)]
mod tests;
