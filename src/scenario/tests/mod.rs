//! Whole-load tests: a full scenario, every validation rule with its message and location, overrides,
//! variants, AWS JSON import, and property tests that loading never panics.

mod capacity;
mod full;
mod generic;
mod other;
mod overrides;
mod props;
mod services;
mod task_defs;
mod workloads;

use std::path::{Path, PathBuf};

use super::{Diagnostic, Loaded, load_str};

/// The fixture folder of this crate.
pub(super) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Loads a fixture file by name.
pub(super) fn load_fixture(name: &str) -> Result<Loaded, super::Diagnostics> {
    super::load(&fixtures().join(name), &[])
}

/// The smallest valid scenario; tests append sections to it.
pub(super) const BASE: &str = "name = \"t\"\n[simulation]\nduration = \"1h\"\n";

/// Loads `text` as `s.toml` with fixtures as the base directory.
pub(super) fn load_toml(text: &str) -> Result<Loaded, super::Diagnostics> {
    load_str("s.toml", text, &fixtures(), &[])
}

/// The problems of a scenario that must fail.
pub(super) fn errors(text: &str) -> Vec<Diagnostic> {
    match load_toml(text) {
        Ok(_) => panic!("expected errors, the scenario loaded:\n{text}"),
        Err(d) => d.0,
    }
}

/// The one problem of a scenario that must fail with exactly one.
pub(super) fn one_error(text: &str) -> Diagnostic {
    let mut e = errors(text);
    assert_eq!(
        e.len(),
        1,
        "expected one error, got:\n{}",
        super::Diagnostics(e.clone()).render(false)
    );
    e.remove(0)
}
