//! `report.html` of `ecsim compare`: one self-contained page that says which variant is better at what, and
//! how sure that is.
//!
//! It is built like the run's page (`report::html`: its CSS, figures, check rendering and scenario-events
//! table are reused), so that the two reports read as one product: no scripts, no external styles, fonts or
//! images, every plot's SVG inline, every text from the scenario HTML-escaped.
//!
//! Content, in order:
//! 1. The scenario's name and description; the facts of the comparison (ecsim version, variants ×
//!    replicates, seeds, simulated duration, events processed in all, scenario SHA-256, `--set` overrides).
//!    The wall time is left out on purpose, so that two renders of the same comparison are byte-identical;
//!    it is in `manifest.json`.
//! 2. What was run: each variant with its colour (the one every chart draws it in), its overrides, and the
//!    `ecsim run` command that repeats its replicate 0 alone (shell-quoted).
//! 3. The checks: per check and variant, in how many replicates it held (`tally_checks`), and the first
//!    failure of each.
//! 4. The key metrics ([`table::select_key_metrics`], as the terminal table): per variant the mean ± the
//!    half-width of its 95 % interval, and under it the paired difference to `base` (Δ), bold and starred when
//!    its interval excludes 0; numbers rounded to their interval, in the unit named under the metric (a ratio
//!    read as a percentage, as `report::readable` reads it), exact values in tooltips. The key metrics with the same
//!    value in every run follow, folded, with that value.
//! 5. The interval charts, then the overlays of replicate 0 (with the scenario's `[[events]]` numbered as
//!    they mark them). See [`super::plots`].

use std::fmt::Write as _;

use super::plots::{
    ComparisonPlots, INTERVAL_CHARTS_MAX, difference_text, estimate_text, scaled,
    variant_css_colour,
};
use super::table::{self, KeySelection, seed_range};
use super::{BASE, Comparison, MetricStats, stats_of as find, summarise, tally_checks};
use crate::report::html::{
    STYLE, check_texts, duration_text, figure, markers_table, overrides_line,
};
use crate::report::readable::{display_unit, exact, metric_kind, metric_value};
use crate::report::text::html_escape;

/// CSS the comparison's page adds to the run's.
const COMPARE_STYLE: &str = ".swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;\
margin-right:.45em;vertical-align:-.05em}td .diff{display:block;color:#666;font-size:.9em}\
td .diff.sig{color:#222;font-weight:700}div.what{color:#666;font-size:.85em}\
pre.commands{background:#f6f8fa;border:1px solid #ddd;padding:.6em .8em;overflow-x:auto;font-size:.85em}td.name,table.compare th,table.tally th{white-space:nowrap}table.tally td.num{text-align:center}table.compare td.num{line-height:1.3}body{max-width:1180px}table.compare{font-size:.85em}";

/// The bytes of `report.html` for `c`, with `plots` inline.
pub fn render(c: &Comparison, plots: &ComparisonPlots) -> Vec<u8> {
    let name = html_escape(&c.scenario_name);
    let stats = summarise(c);
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(page, "<title>ecsim compare: {name}</title>");
    let _ = writeln!(
        page,
        "<style>{STYLE}{COMPARE_STYLE}</style>\n</head>\n<body>"
    );
    let _ = writeln!(page, "<h1>ecsim compare: {name}</h1>");
    if !c.description.trim().is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"description\">{}</p>",
            html_escape(c.description.trim())
        );
    }
    let n = c.seeds.len();
    let events: u64 = c
        .variants
        .iter()
        .flat_map(|v| &v.runs)
        .map(|r| r.events_processed)
        .sum();
    let _ = writeln!(
        page,
        "<p class=\"meta\">ecsim {} · {} variant{} × {n} replicate{} ({}) · {} simulated per run{} · {events} \
         events processed in all · scenario SHA-256 <code>{}</code></p>",
        html_escape(env!("CARGO_PKG_VERSION")),
        c.variants.len(),
        plural(c.variants.len()),
        plural(n),
        seed_range(&c.seeds),
        duration_text(c.duration_s),
        if c.variants.iter().any(|v| v.duration_s != c.duration_s) {
            " of base (some variants set another <code>simulation.duration</code>: see their overrides)"
        } else {
            ""
        },
        html_escape(&c.scenario_sha256),
    );
    overrides_line(
        &mut page,
        "Overrides applied to every variant",
        &c.overrides,
    );
    variants_section(&mut page, c);
    checks_section(&mut page, c);
    metrics_section(&mut page, c, &stats);
    intervals_section(&mut page, c, plots);
    overlays_section(&mut page, c, plots);
    page.push_str(
        "<p class=\"meta\">Every metric of every run is in <code>comparison.csv</code>, the statistics of every \
         metric in <code>comparison_summary.csv</code>, and what ran in <code>manifest.json</code>.</p>\n",
    );
    page.push_str("</body>\n</html>\n");
    page.into_bytes()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn swatch(index: usize) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        variant_css_colour(index)
    )
}

/// `text` as one shell word: as is when it holds only characters no shell treats specially, else in single
/// quotes (a `'` inside written `'\''`).
pub fn shell_quote(text: &str) -> String {
    let safe = |ch: char| ch.is_ascii_alphanumeric() || "_-./=:,+@%".contains(ch);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The command that repeats replicate `replicate` of variant `variant` alone: the `--set` overrides of the
/// comparison, then the variant's, one a line (continued with `\`).
pub fn reproduce_command(c: &Comparison, variant: usize, replicate: usize) -> String {
    let file = if c.scenario_file.is_empty() {
        "SCENARIO"
    } else {
        c.scenario_file.as_str()
    };
    let seed = c
        .seeds
        .get(replicate)
        .map_or_else(|| "S".to_owned(), u64::to_string);
    let mut command = format!("ecsim run {} --seed {seed}", shell_quote(file));
    let set = c
        .variants
        .get(variant)
        .map_or(&[][..], |v| v.set.as_slice());
    let overrides = c
        .overrides
        .iter()
        .cloned()
        .chain(set.iter().map(|(path, value)| format!("{path}={value}")));
    for o in overrides {
        // One override a line, continued with `\`: long values stay readable and the text still pastes
        // into a shell as one command.
        command.push_str(" \\\n  --set ");
        command.push_str(&shell_quote(&o));
    }
    command
}

fn variants_section(page: &mut String, c: &Comparison) {
    page.push_str("<h2>What was run</h2>\n");
    let first = c.seeds.first().copied().unwrap_or(0);
    let _ = writeln!(
        page,
        "<p>Each variant is the scenario with its overrides, run {} time{}. Replicate <i>r</i> of every variant \
         uses seed {first} + <i>r</i> (common random numbers): the variants see the same arrivals, crashes and \
         draws, so a variant's difference to <code>{BASE}</code> is taken replicate by replicate. The colour is \
         the one every chart below draws the variant in.</p>",
        c.seeds.len(),
        plural(c.seeds.len())
    );
    page.push_str(
        "<table class=\"variants\">\n<thead><tr><th>variant</th><th>overrides</th></tr></thead>\n<tbody>\n",
    );
    for (i, v) in c.variants.iter().enumerate() {
        let overrides = if v.set.is_empty() {
            "the scenario as written".to_owned()
        } else {
            v.set
                .iter()
                .map(|(path, value)| {
                    format!("<code>{}</code>", html_escape(&format!("{path} = {value}")))
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            page,
            "<tr><td class=\"name\">{}{}</td><td>{overrides}</td></tr>",
            swatch(i),
            html_escape(&v.name),
        );
    }
    page.push_str("</tbody>\n</table>\n");
    page.push_str("<p>To repeat replicate 0 of a variant alone (replicate <i>r</i>: <code>--seed</code> + <i>r</i>):</p>\n<pre class=\"commands\">");
    for (i, v) in c.variants.iter().enumerate() {
        if i > 0 {
            page.push('\n');
        }
        let _ = writeln!(
            page,
            "# {}\n{}",
            html_escape(&v.name),
            html_escape(&reproduce_command(c, i, 0))
        );
    }
    page.push_str("</pre>\n");
}

fn checks_section(page: &mut String, c: &Comparison) {
    page.push_str("<h2>Checks</h2>\n");
    let tally = tally_checks(c);
    if tally.is_empty() {
        page.push_str("<p>The scenario has no <code>[[checks]]</code>.</p>\n");
        return;
    }
    let failing: Vec<_> = tally.iter().filter(|t| t.passed < t.runs).collect();
    // Rows: every distinct check (the base's in file order, then any a variant adds); a cell per variant.
    let checks = super::checks_of(c);
    let rows = checks.len();
    let cell = |variant: usize, check: usize| {
        tally
            .iter()
            .find(|t| t.variant == variant && t.check == check)
    };
    let failed_checks = (0..rows)
        .filter(|&k| failing.iter().any(|t| t.check == k))
        .count();
    if failing.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"verdict pass\">Every check held in every replicate of every variant.</p>"
        );
    } else {
        let mut names: Vec<&str> = failing
            .iter()
            .map(|t| c.variants[t.variant].name.as_str())
            .collect();
        names.dedup();
        let _ = writeln!(
            page,
            "<p class=\"verdict fail\">{failed_checks} of {rows} check{} failed in some replicate, in {} \
             (<code>ecsim compare</code> exits with code 1).</p>",
            plural(rows),
            html_escape(&names.join(", "))
        );
    }
    page.push_str("<p>Per variant, in how many of its replicates each check held.</p>\n");
    page.push_str("<div class=\"wide\">\n<table class=\"tally\">\n<thead><tr><th>metric</th><th>expected</th>");
    for (i, v) in c.variants.iter().enumerate() {
        let _ = write!(page, "<th>{}{}</th>", swatch(i), html_escape(&v.name));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (k, check) in checks.iter().enumerate() {
        let _ = write!(
            page,
            "<tr><td><code>{}</code></td><td>{}</td>",
            html_escape(&check.metric),
            check_texts(check).1
        );
        for v in 0..c.variants.len() {
            match cell(v, k) {
                Some(t) => {
                    let class = if t.passed == t.runs { "pass" } else { "fail" };
                    let _ = write!(
                        page,
                        "<td class=\"num\"><span class=\"badge {class}\" title=\"held in {} of {} replicates\">{} / {}</span></td>",
                        t.passed, t.runs, t.passed, t.runs
                    );
                }
                None => page.push_str(
                    "<td class=\"num\" title=\"this variant does not have this check\">—</td>",
                ),
            }
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n");
    if !failing.is_empty() {
        page.push_str("<ul class=\"why\">\n");
        for t in failing {
            let _ = writeln!(
                page,
                "<li><b>{}</b>, <code>{}</code>: failed in {} of {}; first, {}</li>",
                html_escape(&c.variants[t.variant].name),
                html_escape(&t.metric),
                t.runs - t.passed,
                t.runs,
                html_escape(t.first_failure.as_deref().unwrap_or(""))
            );
        }
        page.push_str("</ul>\n");
    }
}

/// An interval's exact text for a tooltip: `mean (low to high), n = 5`.
fn exact_interval(e: &crate::statistics::Estimate) -> String {
    match e.ci95 {
        Some((low, high)) => format!(
            "{} (95 % interval {} to {}), n = {}",
            exact(e.mean),
            exact(low),
            exact(high),
            e.n
        ),
        None => format!("{}, n = {}", exact(e.mean), e.n),
    }
}

fn metrics_section(page: &mut String, c: &Comparison, stats: &[MetricStats]) {
    page.push_str("<h2>Key metrics</h2>\n");
    let KeySelection {
        shown,
        constant,
        left_out,
    } = table::select_key_metrics(c, stats, table::ROWS_MAX);
    let n = c.seeds.len();
    let _ = writeln!(
        page,
        "<p>Per variant, the mean over its {n} replicate{} ± the half-width of its 95 % Student-t interval; \
         under it, Δ: the paired difference to <code>{BASE}</code> (variant − base, replicate by replicate) ± \
         its half-width, in <b>bold with *</b> when its interval excludes 0, so that the variants differ at the \
         95 % level; <code>same</code> when every replicate equalled base's. Numbers are rounded to their \
         interval (two significant digits of the half-width, at most four of the value); hover a cell for the exact values. Summary metrics \
         other than <code>cost.*</code> cover the run after <code>[simulation].warmup</code>.</p>",
        plural(n)
    );
    if shown.is_empty() {
        page.push_str("<p>No key metric differs between any two runs.</p>\n");
    } else {
        page.push_str(
            "<div class=\"wide\">\n<table class=\"compare\">\n<thead><tr><th>metric</th>",
        );
        for (i, v) in c.variants.iter().enumerate() {
            let _ = write!(page, "<th>{}{}</th>", swatch(i), html_escape(&v.name));
        }
        page.push_str("</tr></thead>\n<tbody>\n");
        for metric in &shown {
            let (unit, meaning) = metric_kind(metric);
            let (factor, unit_name) = display_unit(unit);
            let _ = write!(page, "<tr><td><code>{}</code>", html_escape(metric));
            let what = match (meaning.is_empty(), unit_name.is_empty()) {
                (false, false) => format!("{meaning}; in {unit_name}"),
                (false, true) => meaning.to_owned(),
                (true, false) => format!("in {unit_name}"),
                (true, true) => String::new(),
            };
            if !what.is_empty() {
                let _ = write!(page, "<div class=\"what\">{}</div>", html_escape(&what));
            }
            page.push_str("</td>");
            for v in 0..c.variants.len() {
                let Some(s) = find(stats, v, metric) else {
                    page.push_str("<td class=\"num\">—</td>");
                    continue;
                };
                let e = scaled(&s.estimate, factor);
                let _ = write!(
                    page,
                    "<td class=\"num\" title=\"{}\">{}",
                    html_escape(&exact_interval(&s.estimate)),
                    html_escape(&estimate_text(&e))
                );
                if let Some(d) = s.difference.filter(|_| v > 0) {
                    let shown_d = scaled(&d, factor);
                    let class = if d.excludes_zero() {
                        "diff sig"
                    } else {
                        "diff"
                    };
                    let _ = write!(
                        page,
                        "<span class=\"{class}\" title=\"Δ {}\">Δ {}</span>",
                        html_escape(&exact_interval(&d)),
                        html_escape(&difference_text(&shown_d))
                    );
                }
                page.push_str("</td>");
            }
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody>\n</table>\n</div>\n");
    }
    if left_out > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{left_out} more key metric{} vary but are not shown (those that differ \
             significantly come first); every metric is in <code>comparison_summary.csv</code>.</p>",
            plural(left_out)
        );
    }
    if constant > 0 {
        let same: Vec<String> = table::key_metrics(c)
            .into_iter()
            .filter(|m| table::constant(c, m))
            .map(|m| {
                let value = find(stats, 0, &m).map_or_else(
                    || "not produced".to_owned(),
                    |s| metric_value(&m, s.estimate.mean),
                );
                format!(
                    "<li><code>{}</code>: {}</li>",
                    html_escape(&m),
                    html_escape(&value)
                )
            })
            .collect();
        let _ = writeln!(
            page,
            "<details>\n<summary>{constant} key metric{} with the same value in every run of every variant \
             (they cannot tell the variants apart)</summary>\n<ul>\n{}\n</ul>\n</details>",
            plural(constant),
            same.join("\n")
        );
    }
}

fn intervals_section(page: &mut String, c: &Comparison, plots: &ComparisonPlots) {
    page.push_str("<h2>How sure: the intervals</h2>\n");
    if plots.intervals.is_empty() {
        page.push_str(
            "<p>No key metric differs between any two runs, so there is no interval to draw.</p>\n",
        );
        return;
    }
    let _ = writeln!(
        page,
        "<p>One chart per key metric that varies (at most {INTERVAL_CHARTS_MAX}, those that differ \
         significantly first). Each row is a variant: the dot is its mean over the replicates, the bar its 95 % \
         interval (where the mean of many more replicates would fall, 19 times in 20), and the dashed line \
         <code>{BASE}</code>'s mean. Bars that overlap do not mean the variants are alike: with common random \
         numbers the replicates pair up, and the Δ column, the interval of the paired differences, is the one \
         to read; it is bold with * when it excludes 0. {}</p>",
        if c.seeds.len() < 2 {
            "With a single replicate there is no interval, only the one value: run <code>--replicates 2</code> \
             or more to know how sure a difference is."
                .to_owned()
        } else {
            format!(
                "With {} replicates, an interval shrinks about as 1/√n: four times the replicates halve it.",
                c.seeds.len()
            )
        }
    );
    for p in &plots.intervals {
        figure(page, p);
    }
}

fn overlays_section(page: &mut String, c: &Comparison, plots: &ComparisonPlots) {
    page.push_str("<h2>Over time: replicate 0 of each variant</h2>\n");
    if plots.overlays.is_empty() {
        page.push_str("<p>No time series were kept.</p>\n");
        return;
    }
    let seed = c
        .seeds
        .first()
        .map_or_else(String::new, |s| format!(" (seed {s})"));
    let _ = writeln!(
        page,
        "<p>The first replicate{seed} of every variant, one line each in the variant's colour, one value per \
         metric period; where a pixel column holds several periods, their first, last, highest and lowest are \
         drawn. A line identical to an earlier variant's lies under it, and its legend says so \
         (<code>name = base</code>). One replicate shows what a run looks like, not how sure a difference is: \
         for that, read the intervals above.</p>"
    );
    if !c.markers.is_empty() {
        page.push_str(
            "<p>Dashed vertical lines mark the base scenario's <code>[[events]]</code>, by number (a variant that \
             moves an event is still marked at the base's instant):</p>\n",
        );
        markers_table(page, &c.markers, c.duration_s);
    }
    for p in &plots.overlays {
        figure(page, p);
    }
}

#[cfg(test)]
mod tests;
