//! `report.html`: one self-contained page for a person to read (SPEC §4).
//!
//! The page has no scripts, no external styles, fonts or images, and needs no server or network: a short
//! `<style>` block, the run's identity, the summary table, every plot's SVG inline, and the key events.
//!
//! Content, in order:
//! 1. The scenario name (title and heading) and the manifest facts that describe the run: ecsim version,
//!    seed, simulated duration, events processed, scenario SHA-256 and `--set` overrides. The wall time is left
//!    out on purpose, so that the page, like the CSV files, is byte-identical for identical runs; it is in
//!    `manifest.json`.
//! 2. The summary metrics, in `summary.csv`'s order with the same number text.
//! 3. The plots, in [`super::plots::render_all`]'s order.
//! 4. Key events, in `events.csv` order: the first [`EVENTS_HEAD`] and last [`EVENTS_TAIL`] events (how the run
//!    starts and ends) plus every event whose kind contains one of [`KEY_KIND_FRAGMENTS`] (placement
//!    failures, steady state, stops, instance launches and terminations, spot notices, deployments, alarms,
//!    scaling). At most [`KEY_EVENTS_MAX`] rows are shown (the first ones, then the last [`EVENTS_TAIL`]); every
//!    gap says how many events it hides, and all of them are in `events.csv`.
//!
//! Every text that comes from the run is HTML-escaped. The SVGs are inserted as plotters wrote them (plotters
//! escapes the text it writes).

use std::fmt::Write as _;

use super::recorded::{EventRow, Recorded};
use super::text::{float_cell, html_escape, in_order};

/// How many of the first events are always shown.
pub const EVENTS_HEAD: usize = 20;
/// How many of the last events are always shown.
pub const EVENTS_TAIL: usize = 20;
/// The most event rows the page shows.
pub const KEY_EVENTS_MAX: usize = 400;
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

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:960px;\
padding:0 1em;color:#222}\
h1{margin-bottom:.2em}.meta{color:#555}code{font-family:ui-monospace,monospace;font-size:.9em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}\
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}\
tr.gap td{color:#777;font-style:italic;background:#fafafa}\
figure{margin:1.5em 0}figcaption{color:#555;font-size:.85em}svg{max-width:100%;height:auto}";

/// The bytes of `report.html`, with `plots` (file name, SVG) inlined in the given order.
pub fn render(rec: &Recorded, plots: &[(String, String)]) -> Vec<u8> {
    let m = &rec.manifest;
    let name = html_escape(&m.scenario_name);
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(page, "<title>ecsim report: {name}</title>");
    let _ = writeln!(page, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(page, "<h1>ecsim report: {name}</h1>");
    let _ = writeln!(
        page,
        "<p class=\"meta\">ecsim {} · seed {} · {} s simulated · {} events processed · scenario SHA-256 <code>{}</code></p>",
        html_escape(&m.ecsim_version),
        m.seed,
        float_cell(m.duration_s),
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
    summary_section(&mut page, rec);
    plots_section(&mut page, plots);
    events_section(&mut page, rec);
    page.push_str("</body>\n</html>\n");
    page.into_bytes()
}

fn summary_section(page: &mut String, rec: &Recorded) {
    page.push_str("<h2>Summary</h2>\n");
    if rec.summary.is_empty() {
        page.push_str("<p>No summary metrics were recorded.</p>\n");
        return;
    }
    page.push_str("<table class=\"summary\">\n<thead><tr><th>metric</th><th>value</th></tr></thead>\n<tbody>\n");
    for metric in in_order(&rec.summary, |a, b| a.name.cmp(&b.name)) {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            html_escape(&metric.name),
            float_cell(metric.value)
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

fn plots_section(page: &mut String, plots: &[(String, String)]) {
    page.push_str("<h2>Plots</h2>\n");
    if plots.is_empty() {
        page.push_str("<p>No plots were drawn.</p>\n");
    }
    for (file, svg) in plots {
        let file = html_escape(file);
        let _ = writeln!(
            page,
            "<figure>\n{}\n<figcaption>plots/{file}</figcaption>\n</figure>",
            svg.trim_end()
        );
    }
}

fn events_section(page: &mut String, rec: &Recorded) {
    page.push_str("<h2>Key events</h2>\n");
    let events = in_order(&rec.events, |a, b| a.time.cmp(&b.time));
    if events.is_empty() {
        page.push_str("<p>No events were recorded.</p>\n");
        return;
    }
    let shown = key_event_indices(&events);
    let _ = writeln!(
        page,
        "<p>{} of {} events: the first and last {EVENTS_HEAD}, and placement failures, steady states, stops, \
         instance launches and terminations, spot notices, deployments, alarms and scaling. All events are in \
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
        gap_row(page, i - next);
        let e = events[i];
        let _ = writeln!(
            page,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.time.secs_3dp(),
            e.scope.as_str(),
            html_escape(&e.id),
            html_escape(&e.kind),
            html_escape(&e.message)
        );
        next = i + 1;
    }
    gap_row(page, events.len() - next);
    page.push_str("</tbody>\n</table>\n");
}

fn gap_row(page: &mut String, hidden: usize) {
    if hidden > 0 {
        let s = if hidden == 1 { "" } else { "s" };
        let _ = writeln!(
            page,
            "<tr class=\"gap\"><td colspan=\"5\">… {hidden} event{s} not shown</td></tr>"
        );
    }
}

/// Whether an event's kind marks it as key (see the module docs).
pub fn is_key_kind(kind: &str) -> bool {
    let kind = kind.to_ascii_uppercase();
    KEY_KIND_FRAGMENTS.iter().any(|f| kind.contains(f))
}

/// Indices (ascending) of the events the page shows, at most [`KEY_EVENTS_MAX`].
fn key_event_indices(events: &[&EventRow]) -> Vec<usize> {
    let n = events.len();
    let selected: Vec<usize> = (0..n)
        .filter(|&i| i < EVENTS_HEAD || i + EVENTS_TAIL >= n || is_key_kind(&events[i].kind))
        .collect();
    if selected.len() <= KEY_EVENTS_MAX {
        return selected;
    }
    let head = &selected[..KEY_EVENTS_MAX - EVENTS_TAIL];
    let tail = &selected[selected.len() - EVENTS_TAIL..];
    head.iter().chain(tail).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::{Manifest, Scope, SummaryMetric};

    fn event(ms: u64, kind: &str, message: &str) -> EventRow {
        EventRow {
            time: SimTime::from_ms(ms),
            scope: Scope::Service,
            id: "web".to_owned(),
            kind: kind.to_owned(),
            message: message.to_owned(),
        }
    }

    fn rec(events: Vec<EventRow>) -> Recorded {
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

    fn page(rec: &Recorded, plots: &[(String, String)]) -> String {
        String::from_utf8(render(rec, plots)).expect("utf-8")
    }

    #[test]
    fn html_escapes_a_script_tag_in_an_event_message_and_the_scenario_name() {
        let got = page(
            &rec(vec![event(
                0,
                "SERVICE_STEADY_STATE",
                "<script>alert('x')</script>",
            )]),
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
    fn html_shows_the_summary_with_the_same_number_text_as_the_csv_and_omits_wall_time() {
        let got = page(&rec(vec![]), &[]);
        assert!(
            got.contains(
                "<tr><td>cost.total_usd</td><td class=\"num\">0.30000000000000004</td></tr>"
            ),
            "{got}"
        );
        assert!(
            got.contains("seed 7 · 3600 s simulated · 99 events processed"),
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
    fn html_inlines_every_plot_in_order_and_is_self_contained() {
        let plots = vec![
            (
                "tasks_web.svg".to_owned(),
                "<svg id=\"a\"></svg>\n".to_owned(),
            ),
            ("cost.svg".to_owned(), "<svg id=\"b\"></svg>\n".to_owned()),
        ];
        let got = page(&rec(vec![]), &plots);
        let a = got
            .find("<svg id=\"a\"></svg>\n<figcaption>plots/tasks_web.svg</figcaption>")
            .expect("first plot");
        let b = got
            .find("<svg id=\"b\"></svg>\n<figcaption>plots/cost.svg</figcaption>")
            .expect("second plot");
        assert!(a < b);
        for external in ["<script", "http://", "https://", "<link", "src="] {
            assert!(
                !got.contains(external),
                "page must need no network or scripts: found {external}"
            );
        }
    }

    #[test]
    fn key_events_keep_head_tail_and_key_kinds_and_say_how_many_are_hidden() {
        // 100 events: 0..20 head, 80..100 tail, and one key event (a placement failure) at 50.
        let events: Vec<EventRow> = (0..100)
            .map(|i| {
                let kind = if i == 50 {
                    "SERVICE_TASK_PLACEMENT_FAILURE"
                } else {
                    "TASK_HEALTH_CHANGED"
                };
                event(i * 1000, kind, &format!("event {i}"))
            })
            .collect();
        let got = page(&rec(events), &[]);
        assert!(got.contains("<p>41 of 100 events:"), "{got}");
        assert!(got.contains("<td>event 19</td></tr>\n<tr class=\"gap\"><td colspan=\"5\">… 30 events not shown</td></tr>\n"));
        assert!(got.contains("<td>event 50</td></tr>\n<tr class=\"gap\"><td colspan=\"5\">… 29 events not shown</td></tr>\n"));
        assert!(!got.contains("<td>event 20</td>"));
        assert!(got.contains("<td>event 99</td></tr>\n</tbody>"));
    }

    #[test]
    fn key_events_are_capped_keeping_the_last_ones() {
        let events: Vec<EventRow> = (0..1000)
            .map(|i| event(i, "TASK_STOPPED", &format!("stop {i}")))
            .collect();
        let refs: Vec<&EventRow> = events.iter().collect();
        let shown = key_event_indices(&refs);
        assert_eq!(shown.len(), KEY_EVENTS_MAX);
        assert_eq!(
            shown[KEY_EVENTS_MAX - EVENTS_TAIL - 1],
            KEY_EVENTS_MAX - EVENTS_TAIL - 1
        );
        assert_eq!(shown[KEY_EVENTS_MAX - EVENTS_TAIL], 1000 - EVENTS_TAIL);
        assert_eq!(shown.last(), Some(&999));
    }

    #[test]
    fn key_kinds_match_by_fragment_ignoring_case() {
        assert!(is_key_kind("SERVICE_STEADY_STATE"));
        assert!(is_key_kind("instance_terminated"));
        assert!(is_key_kind("SPOT_INTERRUPTION_WARNING"));
        assert!(!is_key_kind("TASK_HEALTH_CHANGED"));
    }
}
