//! ecsim: a deterministic discrete-event simulator of Amazon ECS.
#![warn(missing_docs)]

pub mod catalog;
pub mod ecs;
pub mod engine;
pub mod scenario;
pub mod world;
pub mod report;
pub mod ec2;
pub mod sim;
