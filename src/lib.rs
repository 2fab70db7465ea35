//! ecsim: a deterministic discrete-event simulator of Amazon ECS.
//!
//! ecsim runs the ECS control plane — task placement (binpack, spread, random; distinctInstance and
//! memberOf with the full cluster query language), the task lifecycle, the service scheduler (REPLICA and
//! DAEMON), RunTask, EC2 Auto Scaling groups and Fargate — against a scenario on simulated time, and
//! reports utilisation, cost and availability. Fidelity to AWS is the product: every rule it implements is
//! in `ECS-SEMANTICS.md` with its source, and every model that AWS does not publish is named as a model
//! and can be overridden.
//!
//! # Running a scenario from code
//!
//! ```
//! use std::path::Path;
//! let text = include_str!("../scenarios/binpack-vs-spread.toml");
//! let loaded = ecsim::scenario::load_str("binpack-vs-spread.toml", text, Path::new("scenarios"), &[])
//!     .expect("the reference scenario is valid");
//! let out = ecsim::sim::run(&loaded.scenario, &ecsim::sim::RunOptions::default());
//! let started = out.recorded.summary.iter().find(|m| m.name == "service.web.tasks_started").unwrap();
//! assert!(started.value >= 0.0);
//! ```
//!
//! # Layout
//!
//! Data flows one way: [`scenario`] (parse and validate) → [`sim`] (build the [`world`], run the
//! [`engine`]'s event loop, dispatch to the controllers in [`ecs`] and [`ec2`]) → [`report`] (the recorder
//! and the writers). [`workload`] holds the traffic patterns as pure functions. The engine guarantees are
//! stated in [`engine`]'s documentation.
#![warn(missing_docs)]

pub mod catalog;
pub mod checks;
pub mod cloudwatch;
pub mod compare;
pub mod ec2;
pub mod ecs;
pub mod elb;
pub mod engine;
pub mod fargate;
pub mod kernel;
pub mod placement;
pub mod query;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod statistics;
pub mod workload;
pub mod world;
