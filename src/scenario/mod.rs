//! STAND-IN.
#![allow(missing_docs)]
pub mod model;
pub mod schedule;
pub use model::*;
