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
//! [`write_all`] renders the small files (manifest, summary, plots, `report.html`) first, then creates the
//! folder (and `plots/`) and writes each file atomically (a temporary name in the same directory, then a
//! rename), so a killed run never leaves a half-written file under a final name. The large CSV files
//! (`timeseries.csv`, `events.csv`, `tasks.csv`, `instances.csv`, `trace.csv`) stream row by row into their
//! temporary file ([`write_atomic_with`]), so writing a long run costs a buffer, not the file's size. It does
//! not delete files a previous run left in the folder (for example a `trace.csv` from a traced run);
//! choosing and clearing `--out` is the caller's job.

pub mod atomic;
pub mod comparison;
pub mod event_log;
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

pub use atomic::{write_atomic, write_atomic_with};
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

/// How one results file is produced: bytes already rendered, or a writer that streams its rows.
enum Source {
    Bytes(Vec<u8>),
    Stream(fn(&Recorded, &mut dyn io::Write) -> io::Result<()>),
}

/// Every results file, in the order [`write_all`] writes them: `manifest.json`, `summary.json`,
/// `summary.csv`, `timeseries.csv`, `events.csv`, `tasks.csv`, `instances.csv`, `trace.csv` (if traced),
/// `plots/*.svg` (if `opts.plots`), `report.html` (if `opts.html`). The large CSV files stream.
fn sources(rec: &Recorded, opts: &WriteOptions) -> Result<Vec<(PathBuf, Source)>, ReportError> {
    let bytes = |name: &str, b: Vec<u8>| (PathBuf::from(name), Source::Bytes(b));
    let stream = |name: &str, w| (PathBuf::from(name), Source::Stream(w));
    let mut files = vec![
        bytes("manifest.json", manifest::render(rec)),
        bytes("summary.json", summary::render_json(rec)),
        bytes("summary.csv", summary::render_csv(rec)),
        stream("timeseries.csv", timeseries::write),
        stream("events.csv", events::write),
        stream("tasks.csv", tasks::write),
        stream("instances.csv", instances::write),
    ];
    if rec.trace.is_some() {
        files.push(stream("trace.csv", trace::write));
    }
    if opts.plots || opts.html {
        let drawn = plots::render_all(rec).map_err(|source| ReportError::Plot {
            path: Path::new("plots").join(&source.file),
            source,
        })?;
        if opts.html {
            // Rendered before the plots move into the list.
            let page = html::render(rec, &drawn);
            if opts.plots {
                for plot in drawn {
                    files.push((
                        Path::new("plots").join(&plot.file),
                        Source::Bytes(plot.svg.into_bytes()),
                    ));
                }
            }
            files.push(bytes("report.html", page));
        } else {
            for plot in drawn {
                files.push((
                    Path::new("plots").join(&plot.file),
                    Source::Bytes(plot.svg.into_bytes()),
                ));
            }
        }
    }
    Ok(files)
}

/// Renders every results file into memory, in the order [`write_all`] writes them (see `sources`).
pub fn render_files(rec: &Recorded, opts: &WriteOptions) -> Result<Vec<RenderedFile>, ReportError> {
    Ok(sources(rec, opts)?
        .into_iter()
        .map(|(path, source)| RenderedFile {
            path,
            bytes: match source {
                Source::Bytes(b) => b,
                Source::Stream(write) => text::to_bytes(|out| write(rec, out)),
            },
        })
        .collect())
}

/// Writes every results file atomically under `dir` (created, with `plots/`, if missing): small files are
/// rendered first, the large CSV files stream row by row into their temporary file. Returns the paths
/// written, in writing order.
pub fn write_all(
    dir: &Path,
    rec: &Recorded,
    opts: &WriteOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    let files = sources(rec, opts)?;
    create_folders(dir, opts.plots)?;
    let mut written = Vec::with_capacity(files.len());
    for (rel, source) in files {
        let path = dir.join(&rel);
        let result = match source {
            Source::Bytes(b) => write_atomic(&path, &b),
            Source::Stream(write) => write_atomic_with(&path, |out| write(rec, out)),
        };
        result.map_err(|source| ReportError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Creates the results folder `dir` and, if `plots`, its `plots/`, where missing.
pub(crate) fn create_folders(dir: &Path, plots: bool) -> Result<(), ReportError> {
    let mut folders = vec![dir.to_path_buf()];
    if plots {
        folders.push(dir.join("plots"));
    }
    for folder in folders {
        std::fs::create_dir_all(&folder).map_err(|source| ReportError::CreateDir {
            path: folder.clone(),
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
