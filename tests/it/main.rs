//! ecsim's integration tests: one binary, a module per area (STYLE.md §16). Each test is named after the
//! rule it checks, with the ECS-SEMANTICS section above it and the arithmetic in comments.

/// Counts allocations for the allocation test (only on the threads that ask; see `allocations.rs`).
#[global_allocator]
static ALLOCATOR: allocations::Counting = allocations::Counting;

mod advice;
mod allocations;
mod aws_fields;
mod capacity;
mod cli;
mod compare;
mod deployments;
mod determinism;
mod lifecycle;
mod load_balancing;
mod messages;
mod metrics;
mod placement;
mod properties;
mod rebalancing;
mod reference_outputs;
mod regression;
mod scenarios;
mod service;
mod snapshots;
mod support;
mod traffic;
