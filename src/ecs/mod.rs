//! The ECS control plane: the task lifecycle, the service scheduler, RunTask and capacity provider
//! strategies. Placement itself is a pure function one floor down ([`crate::placement`], with the cluster
//! query language in [`crate::query`]); this layer asks it for decisions and applies them to the world.
pub mod capacity_provider_strategy;
pub mod run_task;
pub mod service_scheduler;
pub mod task_lifecycle;
