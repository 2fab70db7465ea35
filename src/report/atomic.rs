//! Atomic file writes: a results file appears under its final name complete, or not at all (SPEC §4).
//!
//! The bytes go (streamed, for large files) to a temporary file in the same directory (`.<name>.tmp-<pid>-<n>`), are flushed to disk, and
//! the temporary file is renamed over the final name. A rename within one directory is atomic on POSIX and
//! Windows (NTFS), so a run killed at any moment leaves either the previous file or the new one, never half a
//! file. On failure the temporary file is removed. The directory itself is not fsynced: the promise is about a
//! killed process, not about power loss.
//!
//! This module knows nothing about the results folder's layout; `report::write_all` decides the names.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary names of concurrent writes from one process (e.g. `compare` writing from threads).
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: to a temporary file in the same directory, then renamed.
///
/// Overwrites an existing file. The parent directory must exist. On error no temporary file is left behind
/// and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Writes what `write` produces to `path` atomically, streaming it through a buffer to the temporary file:
/// a file of any size costs a buffer's worth of memory.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_path(path)?;
    let result = write_then_rename(&tmp, path, write);
    if result.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_then_rename(
    tmp: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, File::create(tmp)?);
    write(&mut out)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, path)
}

/// `.<file name>.tmp-<pid>-<n>` next to `path`.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
    Ok(path.with_file_name(tmp_name))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh, empty directory under the system temp dir, unique to this test.
    pub(crate) fn fresh_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecsim-report-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create test dir");
        dir
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read test dir")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    // SPEC §4: files are written atomically (a temporary name, then rename).
    #[test]
    fn write_atomic_leaves_the_content_and_no_temporary_file() {
        let dir = fresh_dir("atomic-content");
        let path = dir.join("summary.csv");
        write_atomic(&path, b"metric,value\n").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"metric,value\n");
        assert_eq!(names_in(&dir), vec!["summary.csv".to_owned()]);
        fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn write_atomic_overwrites_an_existing_file_completely() {
        let dir = fresh_dir("atomic-overwrite");
        let path = dir.join("events.csv");
        write_atomic(&path, b"a much longer first version\n").expect("first write");
        write_atomic(&path, b"short\n").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"short\n");
        assert_eq!(names_in(&dir), vec!["events.csv".to_owned()]);
        fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn write_atomic_into_a_missing_directory_fails_and_creates_nothing() {
        let dir = fresh_dir("atomic-missing");
        let path = dir.join("no-such-dir").join("tasks.csv");
        let err = write_atomic(&path, b"x").expect_err("parent is missing");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(names_in(&dir).is_empty());
        fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn write_atomic_over_a_directory_fails_and_removes_its_temporary_file() {
        let dir = fresh_dir("atomic-rename-fails");
        fs::create_dir(dir.join("plots")).expect("create");
        fs::write(dir.join("plots").join("keep.svg"), b"x").expect("fill");
        write_atomic(&dir.join("plots"), b"not a directory")
            .expect_err("cannot replace a directory");
        assert_eq!(names_in(&dir), vec!["plots".to_owned()]);
        fs::remove_dir_all(&dir).expect("cleanup");
    }
}
