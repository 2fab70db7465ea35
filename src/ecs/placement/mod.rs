//! PROVISIONAL: resources only (the full placement module replaces this file).
#![allow(missing_docs)]
mod error;
mod resources;
pub use error::PlacementConfigError;
pub use resources::*;
