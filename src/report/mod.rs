//! The results folder (SPEC §4): pure writers from a run's [`Recorded`] value to bytes, and the one place
//! that touches files.
//!
//! Each output file has its own module with a `render` function from [`Recorded`] to bytes (STYLE 13):
//!
//! | file | module |
//! | --- | --- |
//! | `manifest.json` | [`manifest`] |
//! | `summary.json`, `summary.csv` | [`summary`] (`render_json`, `render_csv`) |
//! | `timeseries.csv` | [`timeseries`] |
//! | `events.csv` | [`events`] |
//! | `tasks.csv` | [`tasks`] |
//! | `instances.csv` | [`instances`] |
//! | `trace.csv` (`--trace` only) | [`trace`] |
//! | `plots/*.svg` | [`plots`] (`render_all`) |
//! | `report.html` | [`html`] (takes the rendered plots, to inline them) |
//!
//! Two helpers serve `report.html` only: [`readable`] rounds numbers for reading and gives each summary
//! metric its unit, and [`markers`] fills the page-only fields of [`Recorded`] (the scenario's description,
//! its `[[events]]` as plot markers, the loading notes and the check verdicts), which the caller adds after
//! the run.
//!
//! The writers are pure: the same `Recorded` gives the same bytes (SPEC §5), because they read nothing but
//! their argument (no clock, no environment, no hash-map order) and format numbers one way (`text`: `time_s`
//! with three decimals, other floats with Rust's `{}`). Where SPEC §4 fixes a row order, the writers check it
//! and stable-sort if the recorder did not deliver it. They know nothing about the control plane: what a
//! metric or an event means is decided when it is recorded.
//!
//! [`write_all`] renders every file first, then creates the folder (and `plots/`) and writes each file with
//! [`write_atomic`] (a temporary name in the same directory, then a rename), so a killed run never leaves a
//! half-written file under a final name. It does not delete files a previous run left in the folder (for
//! example a `trace.csv` from a traced run); choosing and clearing `--out` is the caller's job. Rendering keeps
//! every file in memory; DESIGN.md's "large runs stream rows to a temporary file" is not done here yet.

pub mod atomic;
pub mod events;
pub mod html;
pub mod instances;
pub mod manifest;
pub mod markers;
pub mod plots;
pub mod readable;
pub mod recorded;
pub mod recorder;
pub mod summary;
pub mod tasks;
mod text;
pub mod timeseries;
pub mod trace;

use std::io;
use std::path::{Path, PathBuf};

pub use atomic::write_atomic;
pub use plots::PlotError;
pub use recorded::Recorded;

/// Which optional outputs to produce. The CSV and JSON files are always written; `trace.csv` is written
/// exactly when the run recorded a trace (`Recorded::trace` is `Some`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write `plots/*.svg`.
    pub plots: bool,
    /// Write `report.html` (with the plots inline, drawn even if `plots` is false).
    pub html: bool,
}

impl Default for WriteOptions {
    /// Everything SPEC §4 lists: plots and the HTML report.
    fn default() -> WriteOptions {
        WriteOptions {
            plots: true,
            html: true,
        }
    }
}

/// One rendered results file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    /// The path relative to the results folder (`summary.csv`, `plots/cost.svg`).
    pub path: PathBuf,
    /// The file's complete content.
    pub bytes: Vec<u8>,
}

/// Why the results folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The results folder (or `plots/`) could not be created.
    #[error("cannot create the results folder {}; check that its parent is writable or choose another --out", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A results file could not be written.
    #[error("cannot write {}; check free space and permissions, or choose another --out", path.display())]
    Write {
        /// The file's final path.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A plot could not be drawn (a bug in ecsim, not bad input).
    #[error("cannot draw {}", path.display())]
    Plot {
        /// The plot's path relative to the results folder.
        path: PathBuf,
        /// What plotters said.
        source: PlotError,
    },
}

/// Renders every results file into memory, in the order [`write_all`] writes them: `manifest.json`,
/// `summary.json`, `summary.csv`, `timeseries.csv`, `events.csv`, `tasks.csv`, `instances.csv`, `trace.csv`
/// (if traced), `plots/*.svg` (if `opts.plots`), `report.html` (if `opts.html`).
pub fn render_files(rec: &Recorded, opts: &WriteOptions) -> Result<Vec<RenderedFile>, ReportError> {
    let file = |name: &str, bytes: Vec<u8>| RenderedFile {
        path: PathBuf::from(name),
        bytes,
    };
    let mut files = vec![
        file("manifest.json", manifest::render(rec)),
        file("summary.json", summary::render_json(rec)),
        file("summary.csv", summary::render_csv(rec)),
        file("timeseries.csv", timeseries::render(rec)),
        file("events.csv", events::render(rec)),
        file("tasks.csv", tasks::render(rec)),
        file("instances.csv", instances::render(rec)),
    ];
    if let Some(bytes) = trace::render(rec) {
        files.push(file("trace.csv", bytes));
    }
    if opts.plots || opts.html {
        let drawn = plots::render_all(rec).map_err(|source| ReportError::Plot {
            path: Path::new("plots").join(&source.file),
            source,
        })?;
        if opts.plots {
            for plot in &drawn {
                files.push(RenderedFile {
                    path: Path::new("plots").join(&plot.file),
                    bytes: plot.svg.clone().into_bytes(),
                });
            }
        }
        if opts.html {
            files.push(file("report.html", html::render(rec, &drawn)));
        }
    }
    Ok(files)
}

/// Renders every results file, then writes them atomically under `dir` (created, with `plots/`, if missing).
/// Returns the paths written, in writing order.
pub fn write_all(
    dir: &Path,
    rec: &Recorded,
    opts: &WriteOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    let files = render_files(rec, opts)?;
    let mut folders = vec![dir.to_path_buf()];
    if opts.plots {
        folders.push(dir.join("plots"));
    }
    for folder in folders {
        std::fs::create_dir_all(&folder).map_err(|source| ReportError::CreateDir {
            path: folder.clone(),
            source,
        })?;
    }
    let mut written = Vec::with_capacity(files.len());
    for f in files {
        let path = dir.join(&f.path);
        write_atomic(&path, &f.bytes).map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
