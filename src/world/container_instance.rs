//! A container instance: an EC2 instance registered to the cluster, with its registered and remaining
//! resources, attributes and cached images.

use std::collections::BTreeMap;

use crate::engine::SimTime;
use crate::placement::InstanceResources;
use crate::scenario::Market;

use super::ids::{AsgIdx, TaskIdx};

/// Container-instance status (ECS-SEMANTICS §3.3), plus the EC2 states around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceStatus {
    /// Launched, booting; the agent has not registered yet.
    Launching,
    /// Registered and accepting tasks.
    Active,
    /// Registered, accepting no new tasks; service tasks are being replaced elsewhere.
    Draining,
    /// Terminated (deregistered).
    Terminated,
}

impl InstanceStatus {
    /// The AWS spelling of the container-instance status.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Launching => "REGISTERING",
            InstanceStatus::Active => "ACTIVE",
            InstanceStatus::Draining => "DRAINING",
            InstanceStatus::Terminated => "INACTIVE",
        }
    }

    /// Whether the instance counts toward the cluster's registered capacity (ACTIVE and DRAINING,
    /// ECS-SEMANTICS §6.3).
    pub fn is_registered(self) -> bool {
        matches!(self, InstanceStatus::Active | InstanceStatus::Draining)
    }
}

/// One container instance.
#[derive(Clone, Debug)]
pub struct ContainerInstance {
    /// `i-` and 17 hex digits.
    pub ec2_instance_id: String,
    /// The group that launched it.
    pub asg: AsgIdx,
    /// Index into the scenario's instance types.
    pub instance_type: usize,
    /// Its zone.
    pub availability_zone: std::sync::Arc<str>,
    /// On-demand or spot.
    pub market: Market,
    /// Status.
    pub status: InstanceStatus,
    /// Launch requested.
    pub launched_at: SimTime,
    /// Registered ACTIVE.
    pub registered_at: Option<SimTime>,
    /// Terminated.
    pub terminated_at: Option<SimTime>,
    /// Why it was terminated.
    pub termination_reason: String,
    /// Registered CPU, memory, GPUs, ENI slots and reserved ports; once registered, the live copy (with what
    /// remains) is the instance's entry in [`World::placement`](super::World::placement).
    pub resources: InstanceResources,
    /// Built-in and custom attributes, by name (`ecs.availability-zone`, …).
    pub attributes: BTreeMap<String, String>,
    /// Images on it or being pulled onto it, with the instant each is (or was) ready.
    pub cached_images: BTreeMap<String, SimTime>,
    /// Tasks on it whose desiredStatus is RUNNING, or that still hold resources (not yet STOPPED).
    pub tasks: Vec<TaskIdx>,
    /// How many of `tasks` are not DAEMON tasks (the instance is "in use" while this is above 0).
    pub non_daemon_tasks: u32,
}
