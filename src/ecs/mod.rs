//! The ECS control plane: placement, the cluster query language, the task lifecycle, the service scheduler,
//! RunTask and capacity provider strategies.
pub mod capacity_provider_strategy;
pub mod placement;
pub mod query;
pub mod run_task;
pub mod service_scheduler;
pub mod task_lifecycle;
