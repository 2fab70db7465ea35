//! The ECS control plane: placement, the cluster query language, the task lifecycle, the service scheduler
//! and RunTask.
pub mod placement;
pub mod query;
pub mod run_task;
pub mod service_scheduler;
pub mod task_lifecycle;
