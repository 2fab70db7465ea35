//! Why a task could not be placed, in the words AWS uses (ECS-SEMANTICS §1.7).

use std::fmt;
use std::sync::Arc;

use super::index::InstanceIdx;
use super::resources::ResourceKind;

/// The instance that came closest to fitting, and what it lacks.
///
/// MODEL (AWS does not define "closest matching"): among the `ACTIVE`, connected instances that satisfy every
/// constraint, the one lacking the fewest kinds of resource; then the one whose first lacking resource comes
/// first in the order CPU, memory, GPU, ports, ENI; then the one with the most of that resource remaining;
/// then the lowest container-instance id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosestMatch {
    /// The index slot.
    pub idx: InstanceIdx,
    /// The container-instance id AWS names in the event.
    pub container_instance_id: Arc<str>,
    /// The EC2 instance id.
    pub ec2_instance_id: Arc<str>,
    /// The first resource it lacks.
    pub lacking: ResourceKind,
}

/// Why no instance was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementFailure {
    /// No `ACTIVE` instance with a connected agent.
    NoContainerInstances,
    /// Instances are available but none satisfies the constraints (resources aside).
    Constraints,
    /// Instances satisfy the constraints but none has the resources.
    Resources(ClosestMatch),
}

impl PlacementFailure {
    /// The service event (DG:service-event-messages), e.g. `service web was unable to place a task because no
    /// container instance met all of its requirements. The closest matching container-instance <id> has
    /// insufficient memory available.`
    pub fn service_event_message(&self, service_name: &str) -> String {
        let head = format!(
            "service {service_name} was unable to place a task because no container instance met all of its requirements."
        );
        match self {
            PlacementFailure::NoContainerInstances => {
                format!("{head} Reason: No Container Instances were found in your cluster.")
            }
            PlacementFailure::Constraints => head,
            PlacementFailure::Resources(c) => {
                let id = &c.container_instance_id;
                match c.lacking {
                    ResourceKind::Cpu => {
                        format!(
                            "{head} The closest matching container-instance {id} has insufficient CPU units available."
                        )
                    }
                    ResourceKind::Memory => {
                        format!(
                            "{head} The closest matching container-instance {id} has insufficient memory available."
                        )
                    }
                    ResourceKind::Ports => format!(
                        "{head} The closest matching container-instance {id} is already using a port required by your task."
                    ),
                    // UNCONFIRMED wording: AWS documents no GPU or ENI sentence; this follows the CPU form.
                    ResourceKind::Gpu => {
                        format!(
                            "{head} The closest matching container-instance {id} has insufficient GPU available."
                        )
                    }
                    ResourceKind::Eni => format!(
                        "{head} The closest matching container-instance {id} has insufficient free ENIs available."
                    ),
                }
            }
        }
    }

    /// The RunTask `failures[].reason` (§1.7): `RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:PORTS`,
    /// `RESOURCE:GPU`, `RESOURCE:ENI`, `ATTRIBUTE` (constraints, `distinctInstance` included) or `MISSING` (no
    /// instance).
    pub fn run_task_reason(&self) -> &'static str {
        match self {
            PlacementFailure::NoContainerInstances => "MISSING",
            PlacementFailure::Constraints => "ATTRIBUTE",
            PlacementFailure::Resources(c) => c.lacking.run_task_reason(),
        }
    }
}

impl fmt::Display for PlacementFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacementFailure::NoContainerInstances => {
                f.write_str("no ACTIVE container instance with a connected agent")
            }
            PlacementFailure::Constraints => {
                f.write_str("no container instance satisfies the placement constraints")
            }
            PlacementFailure::Resources(c) => write!(
                f,
                "no container instance has the resources; the closest match {} ({}) has {}",
                c.ec2_instance_id,
                c.container_instance_id,
                c.lacking.phrase()
            ),
        }
    }
}
