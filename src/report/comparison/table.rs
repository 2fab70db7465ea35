//! The table `ecsim compare` prints: the key summary metrics side by side, one column per variant, so that a
//! comparison reads without opening a file.
//!
//! Each metric takes two lines: the mean ± the half-width of its 95 % interval in every variant, then, under
//! each variant but `base`, the paired difference to `base` (Δ) ± its half-width, starred when that interval
//! excludes 0. A variant whose every replicate equals `base`'s reads `same`. Numbers are rounded to the
//! interval: two significant digits of the half-width, and the mean to the same decimals (a mean known to
//! ±0.0021 prints as `0.9934 ± 0.0021`, not with sixteen digits).
//!
//! Which metrics: the ones a capacity planner or an SRE reads first ([`KEY_SERVICE_METRICS`] of every service,
//! then [`KEY_CLUSTER_METRICS`]); of those, the ones that are the same in every run of every variant are left
//! out (they cannot tell the variants apart) and counted in the footer. With many services, metrics whose
//! difference is significant come first, and at most [`ROWS_MAX`] are shown. Every metric is in
//! `comparison_summary.csv`. When the columns do not fit in `width`, the variants are shown in blocks, each
//! with `base` again.

use std::fmt::Write as _;

use super::{Comparison, MetricStats, summarise};
use crate::statistics::Estimate;

/// The per-service metrics shown, in this order, for every service.
pub const KEY_SERVICE_METRICS: [&str; 10] = [
    "availability",
    "error_requests",
    "latency_p50_ms",
    "latency_p99_ms",
    "min_healthy_tasks",
    "tasks_failed",
    "max_tasks_per_instance",
    "zone_imbalance_max",
    "deployments_rolled_back",
    "scaling_actions",
];

/// The cluster and cost metrics shown, in this order, after the services'.
pub const KEY_CLUSTER_METRICS: [&str; 8] = [
    "cluster.instances_in_use_avg",
    "cluster.instances_avg",
    "cluster.cpu_utilization_avg",
    "cluster.memory_utilization_avg",
    "cluster.placement_failures",
    "cluster.spot_interruptions",
    "cost.total_usd",
    "cost.ec2_spot_usd",
];

/// The most metrics the table shows.
pub const ROWS_MAX: usize = 30;

/// The key metrics of `c`, in display order (services by name, each in [`KEY_SERVICE_METRICS`] order, then
/// [`KEY_CLUSTER_METRICS`]), with whether they vary between runs at all.
pub fn key_metrics(c: &Comparison) -> Vec<String> {
    let names = super::metric_names(c);
    let mut services: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("service."))
        .filter_map(|rest| rest.rsplit_once('.').map(|(service, _)| service))
        .collect();
    services.dedup();
    let mut out = Vec::new();
    for service in services {
        for suffix in KEY_SERVICE_METRICS {
            let name = format!("service.{service}.{suffix}");
            if names.binary_search(&name).is_ok() {
                out.push(name);
            }
        }
    }
    out.extend(
        KEY_CLUSTER_METRICS
            .iter()
            .filter(|n| names.binary_search(&(**n).to_owned()).is_ok())
            .map(|n| (*n).to_owned()),
    );
    out
}

/// Which key metrics to show, at most `max`, and how many were left out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySelection {
    /// The metrics shown, in [`key_metrics`]' order.
    pub shown: Vec<String>,
    /// Key metrics left out because they have the same value in every run of every variant.
    pub constant: usize,
    /// Key metrics that vary but were left out for room (those whose difference to `base` is significant
    /// in no variant go first).
    pub left_out: usize,
}

/// The key metrics of `c` that vary between runs, at most `max`: when more vary, those whose paired
/// difference to `base` excludes 0 in some variant are kept first; the shown ones stay in [`key_metrics`]'
/// order. `stats` is [`summarise`]`(c)`.
pub fn select_key_metrics(c: &Comparison, stats: &[MetricStats], max: usize) -> KeySelection {
    let keys = key_metrics(c);
    let varying: Vec<&String> = keys.iter().filter(|k| !constant(c, k)).collect();
    let significant = |m: &str| {
        stats
            .iter()
            .filter(|s| s.variant > 0 && s.metric == m)
            .any(|s| s.difference.is_some_and(|d| d.excludes_zero()))
    };
    let mut shown: Vec<&String> = varying.clone();
    if shown.len() > max {
        shown.sort_by_key(|m| !significant(m));
        shown.truncate(max);
        shown.sort_by_key(|m| varying.iter().position(|k| k == m));
    }
    KeySelection {
        constant: keys.len() - varying.len(),
        left_out: varying.len() - shown.len(),
        shown: shown.into_iter().cloned().collect(),
    }
}

/// Whether metric `name` has the same value, up to rounding ([`crate::statistics::ROUNDING`]), or is absent,
/// in every run of every variant.
pub fn constant(c: &Comparison, name: &str) -> bool {
    let mut values = c
        .variants
        .iter()
        .flat_map(|v| &v.runs)
        .map(|r| r.metric(name));
    let first = values.next().flatten();
    values.all(|v| match (v, first) {
        (Some(a), Some(b)) => crate::statistics::same_up_to_rounding(a, b),
        (a, b) => a.is_none() && b.is_none(),
    })
}

/// The table, lines joined by `\n`, at most `width` characters wide where the variants allow.
pub fn render(c: &Comparison, width: usize) -> String {
    let stats = summarise(c);
    let find = |variant: usize, metric: &str| super::stats_of(&stats, variant, metric);
    let KeySelection {
        shown,
        constant: hidden_constant,
        left_out: hidden_rows,
    } = select_key_metrics(c, &stats, ROWS_MAX);

    // The cells: per metric a values line and a differences line, per variant.
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for metric in &shown {
        let mut values = Vec::new();
        let mut diffs = Vec::new();
        for v in 0..c.variants.len() {
            let s = find(v, metric);
            values.push(s.map_or_else(|| "-".to_owned(), |s| estimate_cell(&s.estimate)));
            diffs.push(if v == 0 {
                String::new()
            } else {
                s.and_then(|s| s.difference)
                    .map_or_else(String::new, |d| difference_cell(&d))
            });
        }
        rows.push((metric.clone(), values));
        rows.push(("  Δ vs base".to_owned(), diffs));
    }

    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .chain(std::iter::once("metric".len()))
        .max()
        .unwrap_or(0);
    let column_width = |v: usize| {
        rows.iter()
            .map(|(_, cells)| cells[v].chars().count())
            .chain(std::iter::once(c.variants[v].name.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..c.variants.len()).map(column_width).collect();

    // Blocks of variants that fit, each starting with base.
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut current = vec![0];
    let mut used = label_width + 2 + widths.first().copied().unwrap_or(0);
    for v in 1..c.variants.len() {
        if current.len() > 1 && used + 2 + widths[v] > width {
            blocks.push(std::mem::replace(&mut current, vec![0]));
            used = label_width + 2 + widths[0];
        }
        current.push(v);
        used += 2 + widths[v];
    }
    blocks.push(current);

    let mut out = String::new();
    let pad = |text: &str, w: usize| {
        format!(
            "{text}{}",
            " ".repeat(w.saturating_sub(text.chars().count()))
        )
    };
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 {
            out.push('\n');
        }
        let mut header = pad("metric", label_width);
        for &v in block {
            header.push_str("  ");
            header.push_str(&pad(&c.variants[v].name, widths[v]));
        }
        out.push_str(header.trim_end());
        out.push('\n');
        for (label, cells) in &rows {
            let mut line = pad(label, label_width);
            for &v in block {
                line.push_str("  ");
                line.push_str(&pad(&cells[v], widths[v]));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let n = c.seeds.len();
    let _ = writeln!(
        out,
        "\nmean ± half-width of the 95 % Student-t interval over {n} replicate{} ({}); Δ: paired difference to base, replicate by replicate (same seeds); * its interval excludes 0",
        if n == 1 { "" } else { "s" },
        seed_range(&c.seeds),
    );
    if hidden_constant > 0 {
        let _ = writeln!(
            out,
            "{hidden_constant} key metric{} with the same value in every run not shown",
            if hidden_constant == 1 { "" } else { "s" }
        );
    }
    if hidden_rows > 0 {
        let _ = writeln!(
            out,
            "{hidden_rows} more key metric{} not shown (every metric is in comparison_summary.csv)",
            if hidden_rows == 1 { "" } else { "s" }
        );
    }
    out
}

/// `first–last` of the replicates' seeds (`7–16`), the one seed, or `none`.
pub fn seed_range(seeds: &[u64]) -> String {
    match seeds {
        [] => "no seed".to_owned(),
        [one] => format!("seed {one}"),
        [first, .., last] => format!("seeds {first}–{last}"),
    }
}

/// `mean ± h` rounded to the interval; the mean alone (4 significant digits) without one.
pub fn estimate_cell(e: &Estimate) -> String {
    match e.half_width() {
        Some(h) if h > 0.0 => {
            let d = decimals_for(h);
            format!("{:.d$} ± {:.d$}", e.mean, h)
        }
        _ => plain(e.mean),
    }
}

/// `+Δ ± h`, starred when the interval excludes 0; `same` when every pair was equal.
pub fn difference_cell(d: &Estimate) -> String {
    match d.half_width() {
        _ if d.mean == 0.0 && d.stddev.unwrap_or(0.0) == 0.0 => "same".to_owned(),
        Some(h) if h > 0.0 => {
            let places = decimals_for(h);
            let star = if d.excludes_zero() { " *" } else { "" };
            format!("{:+.places$} ± {:.places$}{star}", d.mean, h)
        }
        Some(_) => format!("{} *", signed(d.mean)),
        None => signed(d.mean),
    }
}

/// Decimals that show two significant digits of `h` (> 0), at most 12.
pub(crate) fn decimals_for(h: f64) -> usize {
    crate::report::readable::decimals_for_significant(h, 2).min(12)
}

/// A value with four significant digits, trailing zeros removed; whole numbers as integers.
fn plain(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{v}");
    }
    crate::report::readable::significant(v, 4).replace(',', "")
}

fn signed(v: f64) -> String {
    let text = plain(v);
    if v > 0.0 { format!("+{text}") } else { text }
}
