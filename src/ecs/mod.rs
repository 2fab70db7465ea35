//! The ECS control plane: placement, the cluster query language, the service scheduler.
pub mod query;
