//! The explanation of one placement decision: which instances each step removed or kept, and why.
//!
//! It is compact by construction: each list holds the exact count and at most
//! [`PlacementScratch::listed_ids`](super::PlacementScratch) ids (3 by default; `usize::MAX` for `ecsim
//! explain`), in container-instance-id order, so building it costs a few reference-count increments.

use std::fmt;
use std::sync::Arc;

use super::index::InstanceIdx;
use super::resources::ResourceKind;
use super::strategy::BinpackField;

/// An instance named in an explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceRef {
    /// The index slot.
    pub idx: InstanceIdx,
    /// The EC2 instance id shown to users.
    pub ec2_instance_id: Arc<str>,
}

/// A set of instances: the exact count and the first few, in container-instance-id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceList {
    /// How many instances.
    pub count: u32,
    /// The first of them (all of them when the limit allowed).
    pub listed: Vec<InstanceRef>,
}

impl InstanceList {
    pub(crate) fn note(&mut self, limit: usize, r: impl FnOnce() -> InstanceRef) {
        self.count += 1;
        if self.listed.len() < limit {
            self.listed.push(r());
        }
    }
}

impl fmt::Display for InstanceList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} instance{}",
            self.count,
            if self.count == 1 { "" } else { "s" }
        )?;
        if self.listed.is_empty() {
            return Ok(());
        }
        f.write_str(" (")?;
        for (i, r) in self.listed.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&r.ec2_instance_id)?;
        }
        let more = self.count as usize - self.listed.len();
        if more > 0 {
            write!(f, " and {more} more")?;
        }
        f.write_str(")")
    }
}

/// Why the status filter removed an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusReason {
    /// `DRAINING`: never receives new tasks.
    Draining,
    /// Another status than `ACTIVE` (`REGISTERING`, ...).
    NotActive,
    /// `ACTIVE` but the agent is disconnected.
    AgentDisconnected,
}

/// One step of the pipeline (§1.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Only `ACTIVE` instances with a connected agent are candidates.
    Status {
        /// Why.
        reason: StatusReason,
        /// The instances removed.
        removed: InstanceList,
    },
    /// The resource filter removed instances lacking `kind` (the first lacking resource of each).
    Resources {
        /// The lacking resource.
        kind: ResourceKind,
        /// The instances removed.
        removed: InstanceList,
    },
    /// A constraint removed instances.
    Constraint {
        /// The constraint as written (`memberOf(...)`, `distinctInstance`).
        constraint: Arc<str>,
        /// The instances removed.
        removed: InstanceList,
    },
    /// A spread rule kept the instances whose field value has the fewest tasks of the group.
    Spread {
        /// `None` for `instanceId`, else the attribute name.
        attribute: Option<Arc<str>>,
        /// The fewest tasks of the group on one value, among values that still had a candidate.
        tasks_of_group: u32,
        /// Distinct values kept (for attributes): exact count.
        value_count: u32,
        /// The first values kept; `None` stands for instances without the attribute.
        values: Vec<Option<Arc<str>>>,
        /// The instances kept.
        kept: InstanceList,
    },
    /// A binpack rule kept the instances with the least remaining amount of the field.
    Binpack {
        /// The field.
        field: BinpackField,
        /// Their remaining amount before this task (CPU units or MiB).
        remaining: u32,
        /// The instances kept.
        kept: InstanceList,
    },
    /// A random rule chose uniformly among the remaining candidates; later rules do not apply.
    Random {
        /// How many candidates took part.
        among: u32,
    },
    /// Ties left after the last rule: ordered by container-instance id, one drawn from the RNG.
    TieBreak {
        /// The tied instances.
        among: InstanceList,
    },
}

/// How one decision was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The task group placed.
    pub group: Arc<str>,
    /// Which task of the batch (0-based) and the batch size.
    pub task_in_batch: (u32, u32),
    /// Instances known to the index.
    pub instances: u32,
    /// The steps, in pipeline order. Filter steps that removed nothing are left out.
    pub steps: Vec<Step>,
    /// The instance chosen, if any.
    pub chosen: Option<InstanceRef>,
}

fn field_name(f: BinpackField) -> &'static str {
    match f {
        BinpackField::Cpu => "cpu",
        BinpackField::Memory => "memory",
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Status { reason, removed } => {
                let why = match reason {
                    StatusReason::Draining => "DRAINING instances never receive new tasks",
                    StatusReason::NotActive => "only ACTIVE instances receive tasks",
                    StatusReason::AgentDisconnected => "their agent is disconnected",
                };
                write!(f, "The status filter removed {removed}: {why}.")
            }
            Step::Resources { kind, removed } => {
                write!(
                    f,
                    "The resource filter removed {removed}: {}.",
                    kind.phrase()
                )
            }
            Step::Constraint {
                constraint,
                removed,
            } => write!(f, "The constraint {constraint} removed {removed}."),
            Step::Spread {
                attribute: None,
                tasks_of_group,
                kept,
                ..
            } => write!(
                f,
                "spread(instanceId) kept {kept} with {tasks_of_group} task{} of the group each.",
                if *tasks_of_group == 1 { "" } else { "s" }
            ),
            Step::Spread {
                attribute: Some(a),
                tasks_of_group,
                value_count,
                values,
                kept,
            } => {
                write!(f, "spread(attribute:{a}) kept {kept} in ")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(v.as_deref().unwrap_or("(attribute missing)"))?;
                }
                let more = *value_count as usize - values.len();
                if more > 0 {
                    write!(f, " and {more} more values")?;
                }
                write!(
                    f,
                    " with {tasks_of_group} task{} of the group {}.",
                    if *tasks_of_group == 1 { "" } else { "s" },
                    if *value_count == 1 { "there" } else { "each" }
                )
            }
            Step::Binpack {
                field,
                remaining,
                kept,
            } => {
                let unit = match field {
                    BinpackField::Cpu => "CPU units",
                    BinpackField::Memory => "MiB",
                };
                write!(
                    f,
                    "binpack({}) kept {kept} with the least remaining {} that fits: {remaining} {unit}.",
                    field_name(*field),
                    field_name(*field)
                )
            }
            Step::Random { among } => write!(f, "random chose uniformly among {among} instances."),
            Step::TieBreak { among } => {
                write!(
                    f,
                    "{among} tied; ordered by container-instance id, one was drawn at random."
                )
            }
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, n) = self.task_in_batch;
        write!(
            f,
            "Placing task {} of {n} of group {} on {} instances.",
            i + 1,
            self.group,
            self.instances
        )?;
        for (k, step) in self.steps.iter().enumerate() {
            write!(f, "\n{}. {step}", k + 1)?;
        }
        match &self.chosen {
            Some(c) => write!(f, "\nChose {}.", c.ec2_instance_id),
            None => f.write_str("\nNo instance met all of the requirements."),
        }
    }
}
