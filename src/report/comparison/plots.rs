//! `plots/*.svg` of `ecsim compare`: how sure the comparison is, and what the variants did over time.
//!
//! Two kinds of chart, both drawn with the pieces of the run's plots (`report::plots`: plotters' SVG backend
//! with its built-in font, the palette, the time axis, the pixel-column reduction of long lines, the scenario
//! markers and the legend), so that `ecsim run` and `ecsim compare` draw alike:
//!
//! 1. **Interval charts**, `interval_<metric>.svg`, one per key summary metric that varies (see
//!    `intervals`): a forest plot, one row per variant, the mean over the replicates as a dot and its 95 %
//!    Student-t interval as a bar, a dashed reference line at `base`'s mean, and beside each row the mean ±
//!    half-width and the paired difference to `base` (`Δ +x ± h`, starred and bold when its interval excludes
//!    0). The metrics are [`key_metrics`](super::table::key_metrics) less those with the same value in every run (they cannot
//!    tell the variants apart, and are named in `report.html`), at most [`INTERVAL_CHARTS_MAX`], keeping
//!    first those whose difference to `base` is significant in some variant ([`select_key_metrics`]).
//!    One small chart per metric, rather than small multiples in one file, because each metric has its own
//!    unit and scale, and a full-width row leaves room for the numbers that say more than the picture.
//! 2. **Overlays** of replicate 0 of every variant (its time series is the only one a comparison keeps; see
//!    `overlays`): per service, with at most [`FEW_SERVICES_MAX`](crate::report::plots::FEW_SERVICES_MAX) of them, its healthy tasks and, when a
//!    request failed in some variant, its failed requests per period (`overlay_service_<service>.svg`); with
//!    more services, the healthy tasks short of desired summed over them (`overlay_services.svg`); then the
//!    cluster (`overlay_cluster.svg`): CPU utilization, instances in service (summed over the Auto Scaling
//!    groups) and the cumulative cost (every `cost_usd` series summed). One line per variant. The scenario's
//!    `[[events]]` (of the base scenario) are marked as on the run's plots.
//!
//! **Colours.** Variant *i* (`base` is 0) is drawn in palette colour *i* on every chart (the palette has eight
//! colours; a ninth variant reuses the first, and `report.html` shows each variant's swatch). Where a
//! variant's line is identical to an earlier variant's, it would hide under it; its legend says so
//! (`az-spread = base`).
//!
//! **Numbers** ([`estimate_text`], [`difference_text`], shared with `report.html`) are rounded to their
//! interval as in the terminal table (two significant digits of the half-width, the mean to the same
//! decimals), but to at most [`SIGNIFICANT_MAX`] significant digits: the terminal's `12.893346 ± 0.000037`
//! reads `12.89 ± < 0.01` here, with thousands grouped (`544,474 ± 3,549`); the exact values are in
//! `comparison_summary.csv` and in the page's tooltips.
//!
//! Determinism: everything is a function of the [`Comparison`] alone, variants and metrics in a fixed order,
//! numbers formatted by comparisons (no logarithms), so two renders are byte-identical.

use plotters::style::RGBColor;

use super::table::{decimals_for, select_key_metrics};
use super::{Comparison, stats_of as find, summarise};
use crate::report::plots::{FileNames, PALETTE, Plot, PlotError};
use crate::report::readable::{decimals_for_significant, fixed, significant};
use crate::statistics::Estimate;

mod intervals;
mod overlays;

/// The most interval charts drawn (one per key metric).
pub const INTERVAL_CHARTS_MAX: usize = 24;

/// The comparison's plots, by kind, each in drawing order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComparisonPlots {
    /// One interval chart per key metric that varies, in [`key_metrics`](super::table::key_metrics)' order.
    pub intervals: Vec<Plot>,
    /// The overlays of replicate 0: per service (or the services summed), then the cluster.
    pub overlays: Vec<Plot>,
}

impl ComparisonPlots {
    /// Every plot: the interval charts, then the overlays.
    pub fn all(&self) -> impl Iterator<Item = &Plot> {
        self.intervals.iter().chain(&self.overlays)
    }
}

/// Every plot of `c`, in the documented order.
pub fn render_all(c: &Comparison) -> Result<ComparisonPlots, PlotError> {
    let stats = summarise(c);
    let selection = select_key_metrics(c, &stats, INTERVAL_CHARTS_MAX);
    let mut names = FileNames::default();
    let intervals = selection
        .shown
        .iter()
        .map(|metric| intervals::render(c, &stats, metric, names.unique("interval", metric)))
        .collect::<Result<Vec<Plot>, PlotError>>()?;
    let overlays = overlays::render_all(c, &mut names)?;
    Ok(ComparisonPlots {
        intervals,
        overlays,
    })
}

/// The colour of variant `index` on every chart.
pub fn variant_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// The colour of variant `index` as CSS (`#1f77b4`), for `report.html`'s swatches.
pub fn variant_css_colour(index: usize) -> String {
    let RGBColor(r, g, b) = variant_colour(index);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `e` with every value multiplied by `factor` (> 0): an estimate in display units (a ratio as a percentage).
pub fn scaled(e: &Estimate, factor: f64) -> Estimate {
    Estimate {
        n: e.n,
        mean: e.mean * factor,
        stddev: e.stddev.map(|s| s * factor),
        ci95: e.ci95.map(|(low, high)| (low * factor, high * factor)),
    }
}

/// The most significant digits the report writes of a mean or a difference.
pub const SIGNIFICANT_MAX: usize = 4;

/// Decimals for `mean ± h` (h > 0): two significant digits of `h`, as the terminal table rounds, but never
/// more than [`SIGNIFICANT_MAX`] significant digits of the larger of `|mean|` and `h`, so that a mean known to
/// a millionth does not print eight digits.
fn decimals(mean: f64, h: f64) -> usize {
    let cap = decimals_for_significant(mean.abs().max(h), SIGNIFICANT_MAX);
    decimals_for(h).min(cap)
}

/// `h` with `d` decimals, or `< 0.01` (the smallest step of `d` decimals) where it would read 0.
fn half_width_text(h: f64, d: usize) -> String {
    let text = fixed(h, d);
    if text.chars().all(|ch| "0.,".contains(ch)) {
        let smallest = if d == 0 {
            "1".to_owned()
        } else {
            format!("0.{}1", "0".repeat(d - 1))
        };
        format!("< {smallest}")
    } else {
        text
    }
}

/// `mean ± h` for reading (`12.89 ± < 0.01`, `1,234 ± 56`); without an interval (one replicate, or every
/// replicate equal), the mean alone with [`SIGNIFICANT_MAX`] significant digits (`542,387`, `7.101`).
pub fn estimate_text(e: &Estimate) -> String {
    match e.half_width() {
        Some(h) if h > 0.0 => {
            let d = decimals(e.mean, h);
            format!("{} ± {}", fixed(e.mean, d), half_width_text(h, d))
        }
        _ => significant(e.mean, SIGNIFICANT_MAX),
    }
}

/// `+Δ ± h` for reading, starred when the interval excludes 0 (a difference the same non-zero amount in
/// every pair is starred too); `same` when every pair was equal; a single pair without an interval.
pub fn difference_text(d: &Estimate) -> String {
    if d.mean == 0.0 && d.stddev.unwrap_or(0.0) == 0.0 {
        return "same".to_owned();
    }
    let signed = |text: String| {
        if d.mean > 0.0 && text.chars().any(|ch| ch.is_ascii_digit() && ch != '0') {
            format!("+{text}")
        } else {
            text
        }
    };
    let star = if d.excludes_zero() { " *" } else { "" };
    match d.half_width() {
        Some(h) if h > 0.0 => {
            let places = decimals(d.mean, h);
            let mean = signed(fixed(d.mean, places));
            format!("{mean} ± {}{star}", half_width_text(h, places))
        }
        _ => format!("{}{star}", signed(significant(d.mean, SIGNIFICANT_MAX))),
    }
}

/// `label` cut to `max` characters with `…`.
fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let kept: String = label.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", kept.trim_end())
    }
}

#[cfg(test)]
pub(crate) mod tests;
