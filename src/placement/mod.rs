//! Task placement for EC2 / EXTERNAL capacity (ECS-SEMANTICS §1): a pure function of (task requirements,
//! container instances, constraints, strategies, RNG) that returns the chosen instance **and** an
//! explanation. `ecsim explain`, the events log and the tests all read that explanation.
//!
//! # What it owns
//! * [`PlacementIndex`]: the placement-facing state of each container instance ([`Candidate`]: status, agent,
//!   attributes, [`InstanceResources`]) and the count of tasks of each group per instance (desiredStatus
//!   RUNNING). The World keeps it current incrementally (`insert`, `set_status`, `add_group_task`,
//!   `reserve`, ...); placement never rebuilds it.
//! * The pipeline, in AWS's fixed order (§1.1), in [`place`] / [`place_many`]:
//!   1. status filter: only `ACTIVE` instances with a connected agent (never `DRAINING`);
//!   2. resource filter: remaining CPU, memory, GPUs, ENI slots (`awsvpc`), free static ports, enough free
//!      ephemeral ports for dynamic mappings, and the 100-static-ports-per-instance limit;
//!   3. constraint filter: `distinctInstance`, `memberOf(expr)` (binding);
//!   4. strategy ranking, lexicographic (§1.3 INFERRED): rule 1 keeps its best candidates, each later rule
//!      keeps the best of those. `binpack(f)` keeps the least remaining `f`; `spread(field)` keeps the
//!      instances whose field value has the fewest tasks of the group; `random` draws at once and ends the
//!      ranking (a random order has no ties for later rules to break);
//!   5. select: remaining ties in container-instance-id order, one drawn uniformly from the RNG the caller
//!      passes (the `placement/<group>` stream; drawn only when more than one instance is left).
//! * [`choose_tasks_to_stop`] for scale-in, [`PlacementIndex::fits`] for the DAEMON scheduler (§3.1).
//! * Strategy/constraint/template parsing with AWS spellings and limits.
//!
//! # Decisions and models (where AWS is silent)
//! * **Spread counts** include every task of the group whose desiredStatus is RUNNING on *every* instance
//!   of the index, whatever its status or free resources (§1.3 DECIDED), plus the tasks placed earlier in the
//!   same batch. Balance is over the values that still have a candidate after the filters: a value with no
//!   candidate cannot receive the task, so it cannot be chosen, but its tasks still count for its own value
//!   only. Instances without the attribute form one more group ("attribute missing", §1.3 DECIDED).
//! * **Defaults**: a service without strategies uses [`default_service_strategies`] = spread(AZ), then
//!   spread(instanceId), which is exactly §1.4 ("AZ with the fewest tasks of the service, then the instance
//!   with the fewest"); RunTask uses [`default_run_task_strategies`] = random. An empty list ranks nothing.
//! * **Failures** ([`PlacementFailure`]): no eligible instance → `MISSING`; eligible instances but none
//!   satisfying the constraints (resources aside) → `ATTRIBUTE` and the service event without a closest
//!   match; otherwise the closest matching instance among those satisfying the constraints (see
//!   [`ClosestMatch`]) and the first resource it lacks.
//! * **Ports**: dynamic host ports come from 32768–60999 (the Linux default `ip_local_port_range`; the agent
//!   falls back to 49153–65535 when it cannot read it); the lowest free port is assigned. The agent's default
//!   reserved TCP ports are reserved on every instance. At most 100 static ports per instance, defaults
//!   included; dynamic ports do not count (BC-ECS PortMapping).
//!
//! # Cost
//! One decision is one scan over a compact, id-ordered copy of each instance's status and remaining
//! resources (24 bytes per instance, kept in sync by the index); the first strategy rule ranks during that
//! scan, and each later rule makes one pass over the instances still tied. `memberOf` expressions whose
//! `depends_on_tasks()` is false are evaluated once per instance per index version and cached in
//! [`PlacementScratch`] (which the caller owns and reuses); spread attribute values are interned per index
//! version the same way. Nothing allocates per instance. `benches/placement.rs`: about 7–8 µs per decision
//! on 1,000 instances.
//!
//! # What it ignores
//! Fargate (no strategies or constraints), capacity providers (the caller chooses the instances), the event
//! loop (the caller applies decisions and retries), and task-definition validation beyond
//! [`TaskRequirements::validate`].

mod error;
mod explain;
mod failure;
mod index;
mod place;
mod resources;
mod scale_in;
mod strategy;

#[cfg(test)]
mod tests;

pub use error::PlacementConfigError;
pub use explain::{Explanation, InstanceList, InstanceRef, StatusReason, Step};
pub use failure::{ClosestMatch, PlacementFailure};
pub use index::{
    Candidate, CandidateView, IndexError, InstanceIdx, InstanceStatus, OwnTask, PlacementIndex,
    Unfit,
};
pub use place::{PlacementDecision, PlacementScratch, decide_many, place, place_many};
pub use resources::{
    ECS_RESERVED_PORTS_DEFAULT_TCP, EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST, InstanceResources,
    MAX_RESERVED_PORTS_PER_INSTANCE, ResourceKind, Shortfall, TaskRequirements, TaskReservation,
};
pub use scale_in::{StopCandidate, TaskIdx, choose_tasks_to_stop};
pub use strategy::{
    AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, MAX_MEMBER_OF_EXPRESSION_CHARS,
    MAX_PLACEMENT_CONSTRAINTS, MAX_PLACEMENT_STRATEGIES, PlacementConstraint, PlacementStrategy,
    PlacementTemplate, SpreadField, default_run_task_strategies, default_service_strategies,
    validate_constraints, validate_strategies,
};
