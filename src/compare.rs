//! `ecsim compare` (SPEC §1, §3.12): the base scenario and every `[[variants]]` entry, each run
//! `replicates` times, in parallel, gathered into a [`Comparison`] for the writers in
//! [`crate::report::comparison`].
//!
//! Why it is built this way:
//!
//! - **Common random numbers.** Replicate *r* of every variant runs with the seed `simulation.seed + r` of the
//!   base scenario (after `--set`), so that the variants see the same arrivals, crashes and noise and their
//!   paired differences cancel what they share. A variant that sets `simulation.seed` itself gets a note, and
//!   its seed is still the shared one: pairing is the point of a comparison.
//! - **Same bytes for every `--jobs`.** The runs are independent (each builds its own world from its own
//!   scenario and seed) and rayon's indexed `collect` puts each result at its run's place, whatever thread ran
//!   it and whenever it finished; everything written afterwards is a pure function of that vector.
//! - **Memory per job, not per run.** A finished run keeps its summary metrics and check verdicts; only
//!   replicate 0 of each variant also keeps its time series, for the overlay plots.
//! - **A variant is the scenario with more overrides.** Each variant's scenario is loaded from the file with
//!   the `--set` overrides and then the variant's own (`path=value`, exactly what `--set` accepts), so that
//!   replicate *r* of a variant is reproducible alone with `ecsim run --seed S --set ...`, as `manifest.json`
//!   spells out. Loading the base already validated every variant, with errors at the variant's location.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::report::comparison::{BASE, Comparison, RunResult, VariantRuns};
use crate::report::markers;
use crate::scenario::{self, Diagnostics, Loaded, Scenario};
use crate::sim::{self, RunOptions};

/// Called once after each run finishes (from any worker thread).
pub type RunDoneFn = Arc<dyn Fn() + Send + Sync>;

/// One variant ready to run.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// `base` or the variant's name.
    pub name: String,
    /// The variant's overrides as `(path, TOML value)` (empty for `base`).
    pub set: Vec<(String, String)>,
    /// The scenario with `--set` and the variant's overrides applied.
    pub scenario: Scenario,
}

/// The runs to make: every variant, the replicates' seeds, and what the user should know about them.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// `base`, then every variant in file order.
    pub variants: Vec<Prepared>,
    /// The seed of each replicate.
    pub seeds: Vec<u64>,
    /// Sentences for the terminal.
    pub notes: Vec<String>,
    /// The scenario file's path as given (for the reproducing commands of `report.html`).
    pub scenario_file: String,
}

/// Loads every variant of `base` (loaded from `path` with `overrides`) and fixes the replicates' seeds.
/// Errors only if a variant's scenario fails to load, which validating the base already rules out.
pub fn plan(
    path: &Path,
    base: &Loaded,
    overrides: &[String],
    replicates: u32,
) -> Result<Plan, Diagnostics> {
    let first_seed = base.scenario.simulation.seed;
    let seeds = (0..u64::from(replicates))
        .map(|r| first_seed.wrapping_add(r))
        .collect();
    let mut variants = vec![Prepared {
        name: BASE.to_owned(),
        set: Vec::new(),
        scenario: base.scenario.clone(),
    }];
    let mut notes = Vec::new();
    if base.scenario.variants.is_empty() {
        notes.push(format!(
            "the scenario has no [[variants]]: compare runs the base scenario alone, {replicates} time{}, to show how much its metrics vary from seed to seed; add [[variants]] entries (name, set) to compare choices",
            if replicates == 1 { "" } else { "s" }
        ));
    }
    for v in &base.scenario.variants {
        let mut all = overrides.to_vec();
        all.extend(v.set.iter().map(|(path, value)| format!("{path}={value}")));
        let loaded = scenario::load_with(path, &all, scenario::Variants::Read)?;
        if v.set.iter().any(|(p, _)| p == "simulation.seed") {
            notes.push(format!(
                "variant `{}` sets simulation.seed; compare runs every variant with the base's seeds ({first_seed} + replicate) so that the runs pair up",
                v.name
            ));
        }
        variants.push(Prepared {
            name: v.name.clone(),
            set: v.set.clone(),
            scenario: loaded.scenario,
        });
    }
    Ok(Plan {
        variants,
        seeds,
        notes,
        scenario_file: path.display().to_string(),
    })
}

/// Runs every (variant, replicate) of `plan` on `jobs` threads (at most one per run and four per core) and
/// gathers the results; `done` is called as each run finishes. The result does not depend on `jobs`.
pub fn run(
    base: &Loaded,
    overrides: &[String],
    plan: &Plan,
    jobs: usize,
    done: Option<RunDoneFn>,
) -> Comparison {
    let started = std::time::Instant::now();
    let runs: Vec<(usize, usize)> = (0..plan.variants.len())
        .flat_map(|v| (0..plan.seeds.len()).map(move |r| (v, r)))
        .collect();
    // More threads than runs, or than a few per core, only cost memory and switches; the results do not
    // depend on the count.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = jobs.min(runs.len()).min(4 * cores).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool of a few threads can be built");
    let results: Vec<(RunResult, Option<crate::report::recorded::TimeSeries>)> =
        pool.install(|| {
            runs.par_iter()
                .map(|&(v, r)| {
                    let out = run_one(&plan.variants[v].scenario, plan.seeds[r], overrides, r == 0);
                    if let Some(done) = &done {
                        done();
                    }
                    out
                })
                .collect()
        });
    let mut variants: Vec<VariantRuns> = plan
        .variants
        .iter()
        .map(|p| VariantRuns {
            name: p.name.clone(),
            set: p.set.clone(),
            runs: Vec::with_capacity(plan.seeds.len()),
            first_timeseries: None,
            duration_s: p.scenario.simulation.duration.as_secs_f64(),
        })
        .collect();
    for (&(v, _), (result, series)) in runs.iter().zip(results) {
        variants[v].runs.push(result);
        if series.is_some() {
            variants[v].first_timeseries = series;
        }
    }
    Comparison {
        scenario_name: base.scenario.name.clone(),
        description: base.scenario.description.clone(),
        scenario_sha256: base.sha256.clone(),
        scenario_file: plan.scenario_file.clone(),
        overrides: overrides.to_vec(),
        seeds: plan.seeds.clone(),
        duration_s: base.scenario.simulation.duration.as_secs_f64(),
        markers: markers::event_markers(&base.scenario),
        variants,
        wall_seconds: started.elapsed().as_secs_f64(),
    }
}

/// One run: its summary and check verdicts, and its time series if `keep_series`.
fn run_one(
    scenario: &Scenario,
    seed: u64,
    overrides: &[String],
    keep_series: bool,
) -> (RunResult, Option<crate::report::recorded::TimeSeries>) {
    let opts = RunOptions {
        seed: Some(seed),
        overrides: overrides.to_vec(),
        ..RunOptions::default()
    };
    let out = sim::run(scenario, &opts);
    let recorded = out.recorded;
    let checks = crate::checks::evaluate(&scenario.checks, &recorded.summary)
        .iter()
        .map(crate::checks::CheckOutcome::row)
        .collect();
    let result = RunResult {
        seed,
        checks,
        events_processed: recorded.manifest.events_processed,
        summary: recorded.summary,
    };
    (result, keep_series.then_some(recorded.timeseries))
}
