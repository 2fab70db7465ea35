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
//!    ([`Plot::empty`]) and saying once which were left out and why. With more than
//!    [`FEW_SERVICES_MAX`] per-service plots, the plots of the whole run (with `services.svg`, which sums the
//!    services up) come first and the per-service ones follow folded in one `<details>`, so that the
//!    cluster's plots are not below fifty services' worth of scrolling; every plot is still inline.
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

use super::plots::{FEW_SERVICES_MAX, Plot};
use std::collections::{BTreeMap, BTreeSet};

use super::readable::{Unit, count as count_text, exact, metric_kind, metric_value, with_unit};
use super::recorded::{CheckRow, EventRow, Recorded, SummaryMetric};
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

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1000px;\
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
    if !m.overrides.is_empty() {
        let items: Vec<String> = m
            .overrides
            .iter()
            .map(|o| format!("<code>{}</code>", html_escape(o)))
            .collect();
        let _ = writeln!(
            page,
            "<p class=\"meta\">Overrides: {}</p>",
            items.join(", ")
        );
    }
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
fn duration_text(seconds: f64) -> String {
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
fn check_texts(c: &CheckRow) -> (String, String) {
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
    let end = SimTime::from_ms((rec.manifest.duration_s.max(0.0) * 1000.0).round() as u64);
    let markers = in_order(&rec.markers, |a, b| a.time.cmp(&b.time));
    page.push_str("<h2>Scenario events</h2>\n");
    page.push_str(
        "<p>The scenario's <code>[[events]]</code>, numbered as the dashed vertical lines that mark them on every plot.</p>\n",
    );
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
    page.push_str("</p>\n");
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
    let (per_service, overall): (Vec<&Plot>, Vec<&Plot>) =
        shown.iter().partition(|p| p.service.is_some());
    if per_service.len() <= FEW_SERVICES_MAX {
        for p in shown {
            figure(page, p);
        }
        return;
    }
    for p in overall {
        figure(page, p);
    }
    let _ = writeln!(
        page,
        "<details class=\"services\">\n<summary>Desired, running and healthy tasks of each of the {} services \
         (one plot each, by service name)</summary>",
        per_service.len()
    );
    for p in per_service {
        figure(page, p);
    }
    page.push_str("</details>\n");
}

fn figure(page: &mut String, p: &Plot) {
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
mod tests {
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
            service: file
                .strip_prefix("tasks_")
                .and_then(|f| f.strip_suffix(".svg"))
                .map(str::to_owned),
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
            at("<h1>") < description
                && description < checks
                && checks < summary
                && summary < plots_at
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
            "<details class=\"services\">\n<summary>Desired, running and healthy tasks of each of the {} services",
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
}
