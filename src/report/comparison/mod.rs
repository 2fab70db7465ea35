//! The results folder of `ecsim compare` (SPEC §1, §4): what every run of every variant produced, the
//! statistics over the replicates, and the files written from them.
//!
//! `compare` runs the base scenario (named `base`) and every `[[variants]]` entry, each `replicates` times;
//! replicate *r* of every variant uses the same seed (common random numbers), so the difference of a variant to
//! `base` is computed pair by pair, replicate by replicate, which cancels the noise the variants share. The
//! caller (the `compare` module) runs them and hands this module a [`Comparison`]; everything here is a pure
//! function of it, so the bytes do not depend on how many runs went in parallel.
//!
//! | file | module |
//! | --- | --- |
//! | `comparison.csv` (every run's summary metrics, long form) | [`csv`] |
//! | `comparison_summary.csv` (mean, spread, intervals, paired differences) | [`csv`] |
//! | `manifest.json` (what ran: version, scenario, overrides, variants, seeds) | [`manifest`] |
//! | `plots/interval_<metric>.svg` (mean and 95 % interval per variant, Δ to `base`) | [`plots`] |
//! | `plots/overlay_*.svg` (replicate 0 of every variant over time) | [`plots`] |
//! | `report.html` (one page: what ran, checks, key metrics, the plots inline) | [`html`] (takes the plots) |
//!
//! Statistics ([`summarise`]): for each variant and each summary metric, the [`Estimate`] over the replicates
//! that produced the metric (a service offered no requests has no availability), and for every variant but
//! `base` the estimate of the paired differences to `base` over the replicates where both have it.

pub mod csv;
pub mod html;
pub mod manifest;
pub mod plots;
pub mod table;

use std::path::{Path, PathBuf};

use crate::report::ReportError;
use crate::report::recorded::{CheckRow, EventMarker, SummaryMetric, TimeSeries};
use crate::statistics::{Estimate, paired_differences};

/// The name of the unmodified scenario among the variants.
pub const BASE: &str = "base";

/// Everything a comparison produced, variants in order (`base` first, then file order).
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// The scenario's `name`.
    pub scenario_name: String,
    /// The scenario's `description` (for `report.html`).
    pub description: String,
    /// Hex SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The scenario file's path as the user gave it (`report.html` writes the command that repeats each run
    /// with it).
    pub scenario_file: String,
    /// `--set` overrides as typed, applied to every variant, in order.
    pub overrides: Vec<String>,
    /// The seed of each replicate, in order: the same in every variant.
    pub seeds: Vec<u64>,
    /// Simulated seconds of the base scenario.
    pub duration_s: f64,
    /// The base scenario's `[[events]]` (the plots mark them).
    pub markers: Vec<EventMarker>,
    /// `base`, then every variant.
    pub variants: Vec<VariantRuns>,
    /// Wall-clock seconds the whole comparison took.
    pub wall_seconds: f64,
}

/// One variant's runs.
#[derive(Clone, Debug, Default)]
pub struct VariantRuns {
    /// `base` or the variant's `name`.
    pub name: String,
    /// The variant's overrides as `(path, TOML value)`, in file order (empty for `base`).
    pub set: Vec<(String, String)>,
    /// One run per replicate, in replicate order.
    pub runs: Vec<RunResult>,
    /// The time series of replicate 0, kept for the overlay plots (the other replicates' are dropped as
    /// soon as they finish, so memory does not grow with the replicates).
    pub first_timeseries: Option<TimeSeries>,
    /// Simulated seconds of each of its runs (a variant may set `simulation.duration`).
    pub duration_s: f64,
}

/// What one run contributes to a comparison.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    /// The seed it used.
    pub seed: u64,
    /// Its summary metrics, sorted by name.
    pub summary: Vec<SummaryMetric>,
    /// The verdict on each `[[checks]]` entry, in file order.
    pub checks: Vec<CheckRow>,
    /// Events the engine processed.
    pub events_processed: u64,
}

impl RunResult {
    /// The value of summary metric `name`, if the run produced it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.summary
            .binary_search_by(|m| m.name.as_str().cmp(name))
            .ok()
            .map(|i| self.summary[i].value)
    }
}

/// One row of the statistics: a variant's estimate of one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricStats {
    /// Index into [`Comparison::variants`].
    pub variant: usize,
    /// The summary metric.
    pub metric: String,
    /// Over the replicates that produced it.
    pub estimate: Estimate,
    /// The paired difference `variant − base`; `None` for `base` itself and where no replicate pairs.
    pub difference: Option<Estimate>,
}

/// Every summary metric any run produced, sorted by name (the order of `summary.csv`).
pub fn metric_names(c: &Comparison) -> Vec<String> {
    let mut names: Vec<&str> = c
        .variants
        .iter()
        .flat_map(|v| &v.runs)
        .flat_map(|r| r.summary.iter().map(|m| m.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(str::to_owned).collect()
}

/// The statistics of every (variant, metric) that has at least one value: variants in order, metrics by name
/// within each (the rows of `comparison_summary.csv`).
pub fn summarise(c: &Comparison) -> Vec<MetricStats> {
    let names = metric_names(c);
    let values = |v: &VariantRuns, name: &str| -> Vec<Option<f64>> {
        v.runs.iter().map(|r| r.metric(name)).collect()
    };
    let base = c.variants.first();
    let mut rows = Vec::new();
    for (index, variant) in c.variants.iter().enumerate() {
        for name in &names {
            let own = values(variant, name);
            let present: Vec<f64> = own.iter().flatten().copied().collect();
            let Some(estimate) = Estimate::of(&present) else {
                continue;
            };
            let difference = base
                .filter(|_| index > 0)
                .and_then(|b| Estimate::of(&paired_differences(&values(b, name), &own)));
            rows.push(MetricStats {
                variant: index,
                metric: name.clone(),
                estimate,
                difference,
            });
        }
    }
    rows
}

/// The statistics of (variant, metric) among [`summarise`]'s rows, if the variant produced the metric.
pub fn stats_of<'s>(
    stats: &'s [MetricStats],
    variant: usize,
    metric: &str,
) -> Option<&'s MetricStats> {
    stats
        .iter()
        .find(|s| s.variant == variant && s.metric == metric)
}

/// How one `[[checks]]` entry fared in one variant: how many replicates passed, and the first failure's
/// sentence. A check is identified by its metric and bounds, so a variant that overrides `checks` has checks
/// of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckTally {
    /// Index into [`Comparison::variants`].
    pub variant: usize,
    /// Index into [`checks_of`]'s list: which check this is.
    pub check: usize,
    /// The metric checked.
    pub metric: String,
    /// Replicates in which it held.
    pub passed: usize,
    /// Replicates run.
    pub runs: usize,
    /// The message of the first replicate in which it failed.
    pub first_failure: Option<String>,
}

/// Every distinct check of the comparison (metric and bounds), in the order they first appear: the base's
/// in file order, then any a variant adds by overriding `checks`. Each is a verdict row of its first run,
/// for its metric and bounds.
pub fn checks_of(c: &Comparison) -> Vec<CheckRow> {
    let mut out: Vec<CheckRow> = Vec::new();
    for row in c
        .variants
        .iter()
        .filter_map(|v| v.runs.first())
        .flat_map(|r| &r.checks)
    {
        if !out.iter().any(|o| same_check(o, row)) {
            out.push(row.clone());
        }
    }
    out
}

fn same_check(a: &CheckRow, b: &CheckRow) -> bool {
    a.metric == b.metric && a.min == b.min && a.max == b.max
}

/// The checks' verdicts per variant, variants in order, checks in [`checks_of`]'s order; a variant without a
/// check has no tally for it.
pub fn tally_checks(c: &Comparison) -> Vec<CheckTally> {
    let checks = checks_of(c);
    let mut out = Vec::new();
    for (index, variant) in c.variants.iter().enumerate() {
        for (check, wanted) in checks.iter().enumerate() {
            let verdicts: Vec<(&RunResult, &CheckRow)> = variant
                .runs
                .iter()
                .filter_map(|r| Some((r, r.checks.iter().find(|v| same_check(v, wanted))?)))
                .collect();
            if verdicts.is_empty() {
                continue;
            }
            let passed = verdicts.iter().filter(|(_, v)| v.passed).count();
            let first_failure = verdicts
                .iter()
                .find(|(_, v)| !v.passed)
                .map(|(r, v)| format!("seed {}: {}", r.seed, v.message));
            out.push(CheckTally {
                variant: index,
                check,
                metric: wanted.metric.clone(),
                passed,
                runs: variant.runs.len(),
                first_failure,
            });
        }
    }
    out
}

/// Writes the comparison's files atomically under `dir` (created, with `plots/`, if missing):
/// `manifest.json`, `comparison.csv`, `comparison_summary.csv`, `plots/*.svg`, `report.html`. Everything is
/// rendered before the first file is written, so a plot that cannot be drawn leaves the folder untouched.
/// Returns the paths written, in order.
pub fn write_all(dir: &Path, c: &Comparison) -> Result<Vec<PathBuf>, ReportError> {
    let drawn = plots::render_all(c).map_err(|source| ReportError::Plot {
        path: Path::new("plots").join(&source.file),
        source,
    })?;
    let page = html::render(c, &drawn);
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("manifest.json".into(), manifest::render(c)),
        ("comparison.csv".into(), csv::render_runs(c)),
        ("comparison_summary.csv".into(), csv::render_summary(c)),
    ];
    for plot in drawn.intervals.into_iter().chain(drawn.overlays) {
        files.push((Path::new("plots").join(&plot.file), plot.svg.into_bytes()));
    }
    files.push(("report.html".into(), page));
    crate::report::create_folders(dir, true)?;
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let path = dir.join(name);
        crate::report::write_atomic(&path, &bytes).map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
