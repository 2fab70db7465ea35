//! Command-line interface (SPEC §1): clap definitions, progress bar, terminal output, exit codes.
//!
//! Exit codes: 0 success; 1 the run finished but a `[[checks]]` entry failed; 2 bad input or usage (nothing
//! is written); 3 an internal error (a broken invariant: a bug).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use ecsim::engine::SimDuration;
use ecsim::scenario::{self, Diagnostics, Loaded};
use ecsim::sim::{self, RunOptions};

/// A deterministic discrete-event simulator of Amazon ECS.
#[derive(Debug, Parser)]
#[command(name = "ecsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one simulation and write the results folder.
    Run {
        /// The scenario file (TOML, or JSON when it ends in .json).
        scenario: PathBuf,
        /// Seed of the run (overrides simulation.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Results folder (default: results/<scenario name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a scenario field, e.g. --set services.web.desired_count=10 (VALUE is a TOML value).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// Also write trace.csv: every event the engine processed.
        #[arg(long)]
        trace: bool,
        /// No progress bar, no notes, no summary table.
        #[arg(long)]
        quiet: bool,
    },
    /// Run the base scenario and every [[variants]] entry, each --replicates times, and compare them.
    Compare {
        /// The scenario file, with its [[variants]].
        scenario: PathBuf,
        /// Runs per variant; replicate r uses seed simulation.seed + r in every variant.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        replicates: u32,
        /// Runs at once (default: the number of cores). Results never depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Results folder (default: results/<scenario name>-compare/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a scenario field in every variant, e.g. --set simulation.duration=\"1d\".
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// No progress bar, no notes, no table.
        #[arg(long)]
        quiet: bool,
    },
    /// Parse and check a scenario; print every problem found; run nothing.
    Validate {
        /// The scenario file.
        scenario: PathBuf,
        /// Override a scenario field before validating.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Narrate every decision the control plane makes, up to a simulated time.
    Explain {
        /// The scenario file.
        scenario: PathBuf,
        /// Stop at this simulated time (e.g. 90s, 5m, 1h30m; default: the whole run).
        #[arg(long)]
        until: Option<String>,
        /// Seed of the run (overrides simulation.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Override a scenario field.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Print the built-in catalog of EC2 instance types and Fargate sizes.
    Catalog {
        /// Which part (default: both).
        what: Option<CatalogPart>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CatalogPart {
    Instances,
    Fargate,
}

/// What ended a command, mapped to an exit code in one place.
enum Outcome {
    Ok,
    ChecksFailed,
    BadInput,
}

/// Entry point: parses the command line and maps every outcome to its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(cli)));
    match result {
        Ok(Ok(Outcome::Ok)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::ChecksFailed)) => ExitCode::from(1),
        Ok(Ok(Outcome::BadInput)) => ExitCode::from(2),
        Ok(Err(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!(
                "error: internal error in ecsim (a broken invariant: this is a bug). Please report it with the scenario file and seed."
            );
            ExitCode::from(3)
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Catalog { what } => {
            let mut out = std::io::stdout().lock();
            if !matches!(what, Some(CatalogPart::Fargate)) {
                writeln!(
                    out,
                    "{}",
                    ecsim::catalog::render_instance_types(&ecsim::catalog::builtin_instance_types())
                )?;
            }
            if !matches!(what, Some(CatalogPart::Instances)) {
                writeln!(out, "{}", ecsim::catalog::render_fargate_sizes())?;
            }
            Ok(Outcome::Ok)
        }
        Command::Validate { scenario, set } => {
            let Some(loaded) = load(&scenario, &set, scenario::Variants::Check)? else {
                return Ok(Outcome::BadInput);
            };
            let s = &loaded.scenario;
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "{}: valid scenario {:?}: {} task definitions, {} services, {} Auto Scaling groups, {} events, {} checks",
                scenario.display(),
                s.name,
                s.task_definitions.len(),
                s.services.len(),
                s.auto_scaling_groups.len(),
                s.events.len(),
                s.checks.len()
            )?;
            stdout.flush()?;
            drop(stdout);
            print_notes(&loaded.notes);
            Ok(Outcome::Ok)
        }
        Command::Explain {
            scenario,
            until,
            seed,
            set,
        } => {
            let until = match until.as_deref().map(parse_until).transpose() {
                Ok(u) => u,
                Err(e) => {
                    eprintln!(
                        "error: --until {}: {e}\n  = help: write a duration such as 90s, 5m or 1h30m",
                        until.unwrap_or_default()
                    );
                    return Ok(Outcome::BadInput);
                }
            };
            let Some(loaded) = load(&scenario, &set, scenario::Variants::Read)? else {
                return Ok(Outcome::BadInput);
            };
            print_notes(&loaded.notes);
            let opts = RunOptions {
                seed,
                narrate: true,
                until,
                overrides: set,
                ..RunOptions::default()
            };
            let out = sim::run(&loaded.scenario, &opts);
            let mut stdout = std::io::stdout().lock();
            for line in ecsim::sim::explain::render(&loaded.scenario, &out) {
                writeln!(stdout, "{line}")?;
            }
            Ok(Outcome::Ok)
        }
        Command::Compare {
            scenario,
            replicates,
            jobs,
            out,
            set,
            quiet,
        } => compare(&scenario, replicates, jobs, out, &set, quiet),
        Command::Run {
            scenario,
            seed,
            out,
            set,
            trace,
            quiet,
        } => {
            let Some(loaded) = load(&scenario, &set, scenario::Variants::Read)? else {
                return Ok(Outcome::BadInput);
            };
            if !quiet {
                print_notes(&loaded.notes);
            }
            let started = Instant::now();
            let bar = progress_bar(quiet);
            let opts = RunOptions {
                seed,
                trace,
                overrides: set,
                scenario_sha256: loaded.sha256.clone(),
                progress: bar.clone().map(|b| {
                    Arc::new(move |fraction: f64| b.update(fraction))
                        as Arc<dyn Fn(f64) + Send + Sync>
                }),
                ..RunOptions::default()
            };
            let mut result = sim::run(&loaded.scenario, &opts);
            if let Some(b) = bar {
                b.finish();
            }
            result.recorded.manifest.wall_seconds = started.elapsed().as_secs_f64();
            // The checks are decided before writing, so that report.html shows their verdicts.
            let outcomes =
                ecsim::checks::evaluate(&loaded.scenario.checks, &result.recorded.summary);
            let notes: Vec<String> = loaded
                .notes
                .iter()
                .map(|n| format!("{}: {}", n.location, n.message))
                .collect();
            ecsim::report::markers::annotate(
                &mut result.recorded,
                &loaded.scenario,
                &notes,
                outcomes
                    .iter()
                    .map(ecsim::checks::CheckOutcome::row)
                    .collect(),
            );
            let dir = out.unwrap_or_else(|| Path::new("results").join(&loaded.scenario.name));
            let written = ecsim::report::write_all(
                &dir,
                &result.recorded,
                &ecsim::report::WriteOptions::default(),
            )
            .with_context(|| format!("writing results to {}", dir.display()))?;
            if !quiet {
                print_summary(&result.recorded, &dir, written.len());
            }
            let mut failed = false;
            for o in &outcomes {
                if o.passed {
                    if !quiet {
                        println!("check passed: {}", o.message);
                    }
                } else {
                    failed = true;
                    eprintln!("check FAILED: {}", o.message);
                }
            }
            Ok(if failed {
                Outcome::ChecksFailed
            } else {
                Outcome::Ok
            })
        }
    }
}

/// `ecsim compare`: runs, prints the table and the checks, writes the folder.
fn compare(
    scenario: &Path,
    replicates: u32,
    jobs: Option<u16>,
    out: Option<PathBuf>,
    set: &[String],
    quiet: bool,
) -> anyhow::Result<Outcome> {
    let Some(loaded) = load(scenario, set, scenario::Variants::Check)? else {
        return Ok(Outcome::BadInput);
    };
    let plan = match ecsim::compare::plan(scenario, &loaded, set, replicates) {
        Ok(plan) => plan,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return Ok(Outcome::BadInput);
        }
    };
    if !quiet {
        print_notes(
            loaded
                .notes
                .iter()
                .filter(|n| !scenario::advice::is_variants_note(n)),
        );
        for note in &plan.notes {
            eprintln!("note: {note}");
        }
    }
    let jobs = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let total = plan.variants.len() * plan.seeds.len();
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} comparing [{bar:40}] {pos}/{len} runs ({elapsed}, about {eta} left)",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar
    });
    let done = bar
        .clone()
        .map(|b| Arc::new(move || b.inc(1)) as ecsim::compare::RunDoneFn);
    let comparison = ecsim::compare::run(&loaded, set, &plan, jobs, done);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let dir = out
        .unwrap_or_else(|| Path::new("results").join(format!("{}-compare", loaded.scenario.name)));
    let written = ecsim::report::comparison::write_all(&dir, &comparison)
        .with_context(|| format!("writing results to {}", dir.display()))?;
    let tally = ecsim::report::comparison::tally_checks(&comparison);
    if !quiet {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(120);
        print!(
            "{}",
            ecsim::report::comparison::table::render(&comparison, width)
        );
        println!(
            "\n{total} run{} ({} variant{} × {} replicate{}) in {:.2} s wall time on {} job{}; {} files written to {}",
            plural(total),
            plan.variants.len(),
            plural(plan.variants.len()),
            plan.seeds.len(),
            plural(plan.seeds.len()),
            comparison.wall_seconds,
            jobs.min(total),
            plural(jobs.min(total)),
            written.len(),
            dir.display()
        );
    }
    std::io::stdout().flush()?;
    let mut failed = false;
    for t in &tally {
        if let Some(first) = &t.first_failure {
            failed = true;
            eprintln!(
                "check FAILED in {}: {} held in {} of {} replicates; first failure, {first}",
                comparison.variants[t.variant].name, t.metric, t.passed, t.runs
            );
        }
    }
    if !failed && !tally.is_empty() && !quiet {
        let checks = loaded.scenario.checks.len();
        println!(
            "{checks} check{} passed in every run of every variant",
            if checks == 1 { "" } else { "s" }
        );
    }
    Ok(if failed {
        Outcome::ChecksFailed
    } else {
        Outcome::Ok
    })
}

/// `"s"` unless `n` is 1.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads a scenario; on bad input prints every diagnostic and returns `None`.
fn load(
    path: &Path,
    set: &[String],
    variants: scenario::Variants,
) -> anyhow::Result<Option<Loaded>> {
    match scenario::load_with(path, set, variants) {
        Ok(loaded) => Ok(Some(loaded)),
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            Ok(None)
        }
    }
}

fn print_diagnostics(d: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", d.render(color));
    if d.is_unreadable_file() {
        return;
    }
    let n = d.0.len();
    eprintln!(
        "error: {n} problem{} found; nothing was run or written",
        if n == 1 { "" } else { "s" }
    );
}

fn print_notes<'n>(notes: impl IntoIterator<Item = &'n scenario::Note>) {
    for note in notes {
        eprintln!("note: {}: {}", note.location, note.message);
    }
}

fn parse_until(text: &str) -> Result<SimDuration, String> {
    humantime::parse_duration(text)
        .map(|d| SimDuration::from_ms(d.as_millis() as u64))
        .map_err(|e| e.to_string())
}

fn print_summary(rec: &ecsim::report::recorded::Recorded, dir: &Path, files: usize) {
    let width = rec.summary.iter().map(|m| m.name.len()).max().unwrap_or(0);
    println!("{:<width$}  value", "metric");
    for m in &rec.summary {
        println!("{:<width$}  {}", m.name, m.value);
    }
    println!(
        "\n{} events in {:.2} s wall time; {files} files written to {}",
        rec.manifest.events_processed,
        rec.manifest.wall_seconds,
        dir.display()
    );
}

/// A progress bar that appears only when a run lasts more than about a second and stderr is a terminal.
#[derive(Clone)]
struct Progress {
    started: Instant,
    bar: indicatif::ProgressBar,
}

impl Progress {
    fn update(&self, fraction: f64) {
        if self.started.elapsed().as_secs_f64() < 1.0 {
            return;
        }
        if self.bar.is_hidden() {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position((fraction * 1000.0) as u64);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn progress_bar(quiet: bool) -> Option<Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(1000),
        indicatif::ProgressDrawTarget::hidden(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} simulating [{bar:40}] {percent}% ({elapsed})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    Some(Progress {
        started: Instant::now(),
        bar,
    })
}
