//! `comparison.csv` and `comparison_summary.csv` (SPEC §4).
//!
//! `comparison.csv`: `variant,replicate,seed,metric,value`, one row per run and summary metric, rows by
//! variant (`base` first, then file order), replicate, metric name. A metric a run did not produce (a
//! service offered no requests has no availability) has no row.
//!
//! `comparison_summary.csv`: `variant,metric,mean,stddev,ci95_low,ci95_high,n,diff_mean,diff_ci95_low,
//! diff_ci95_high`, one row per variant and metric ([`super::summarise`]). `stddev` and the interval are
//! empty for a single replicate; the three `diff_*` columns are empty for `base` (and where no replicate
//! pairs). Numbers in Rust's shortest round-trip form, as in every other file.

use super::{Comparison, summarise};
use crate::report::text::{csv_row, csv_writer, float_cell};

/// The bytes of `comparison.csv`.
pub fn render_runs(c: &Comparison) -> Vec<u8> {
    let mut out = csv_writer(Vec::new());
    csv_row(
        &mut out,
        ["variant", "replicate", "seed", "metric", "value"],
    )
    .expect("in memory");
    for variant in &c.variants {
        for (replicate, run) in variant.runs.iter().enumerate() {
            let (replicate, seed) = (replicate.to_string(), run.seed.to_string());
            for m in &run.summary {
                csv_row(
                    &mut out,
                    [
                        variant.name.as_str(),
                        &replicate,
                        &seed,
                        &m.name,
                        &float_cell(m.value),
                    ],
                )
                .expect("in memory");
            }
        }
    }
    finish(out)
}

/// The bytes of `comparison_summary.csv`.
pub fn render_summary(c: &Comparison) -> Vec<u8> {
    let mut out = csv_writer(Vec::new());
    csv_row(
        &mut out,
        [
            "variant",
            "metric",
            "mean",
            "stddev",
            "ci95_low",
            "ci95_high",
            "n",
            "diff_mean",
            "diff_ci95_low",
            "diff_ci95_high",
        ],
    )
    .expect("in memory");
    let opt = |v: Option<f64>| v.map(float_cell).unwrap_or_default();
    for row in summarise(c) {
        let e = &row.estimate;
        let d = row.difference.as_ref();
        csv_row(
            &mut out,
            [
                c.variants[row.variant].name.clone(),
                row.metric.clone(),
                float_cell(e.mean),
                opt(e.stddev),
                opt(e.ci95.map(|i| i.0)),
                opt(e.ci95.map(|i| i.1)),
                e.n.to_string(),
                opt(d.map(|d| d.mean)),
                opt(d.and_then(|d| d.ci95).map(|i| i.0)),
                opt(d.and_then(|d| d.ci95).map(|i| i.1)),
            ],
        )
        .expect("in memory");
    }
    finish(out)
}

fn finish(out: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    out.into_inner().expect("writing to memory cannot fail")
}
