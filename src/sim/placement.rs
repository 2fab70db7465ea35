//! Glue between the controllers and the pure placement function: builds the request from the scenario's
//! placement fields, draws on the `placement/<group>` stream, narrates each decision for `explain`, and maps
//! placement's ids to the world's.

use crate::ecs::placement::{
    self, PlacementConstraint, PlacementDecision, PlacementFailure, PlacementStrategy,
    StopCandidate,
};
use crate::engine::SimTime;
use crate::scenario::Placement;
use crate::world::{HealthStatus, InstanceIdx, ServiceIdx, TaskDefIdx, TaskIdx, World};

use super::Cx;

/// Which default applies when the user gave no strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultPlacement {
    /// Service default: spread across zones, then fewest tasks of the service (ECS-SEMANTICS §1.4).
    Service,
    /// RunTask default: random (ECS-SEMANTICS §1.2).
    RunTask,
}

/// Why tasks could not be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    /// What placement said.
    pub failure: PlacementFailure,
}

impl Unplaced {
    /// The AWS service event: `service <name> was unable to place a task because …`.
    pub fn service_message(&self, service: &str) -> String {
        self.failure.service_event_message(service)
    }

    /// RunTask `failures[].reason` (`RESOURCE:MEMORY`, `ATTRIBUTE`, …).
    pub fn reason(&self) -> &'static str {
        self.failure.run_task_reason()
    }
}

/// The strategies in force: the user's, or the default for services or RunTask when there are none.
pub fn strategies(placement: &Placement, default: DefaultPlacement) -> Vec<PlacementStrategy> {
    // An empty list (none given, or a template such as "One Task Per Host" that only adds a constraint)
    // means the default for services or RunTask.
    if !placement.strategy.is_empty() {
        placement.strategy.clone()
    } else {
        match default {
            DefaultPlacement::Service => placement::default_service_strategies(),
            DefaultPlacement::RunTask => placement::default_run_task_strategies(),
        }
    }
}

/// The constraints in force: the task definition's plus the service's or RunTask's. A task definition whose
/// `runtimePlatform.cpuArchitecture` is ARM64 runs only on arm64 instances: ecsim adds the implicit
/// `memberOf(attribute:ecs.cpu-architecture == arm64)` (an X86_64 or omitted platform adds nothing).
pub fn constraints(cx: &Cx, td: TaskDefIdx, placement: &Placement) -> Vec<PlacementConstraint> {
    let def = &cx.scenario.task_definitions[td.index()];
    let mut all = def.placement_constraints.clone();
    if def.runtime_platform.cpu_architecture == crate::catalog::CpuArchitecture::Arm64 {
        let arm = crate::ecs::query::parse("attribute:ecs.cpu-architecture == arm64")
            .expect("a valid expression");
        all.push(PlacementConstraint::MemberOf(arm));
    }
    all.extend(placement.constraints.iter().cloned());
    all
}

/// Places up to `count` tasks; returns the chosen instances (in order) and, if some could not be placed,
/// why. Every decision is narrated for `explain`.
#[allow(clippy::too_many_arguments)]
pub fn place_batch(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    td: TaskDefIdx,
    group: &str,
    placement: &Placement,
    default: DefaultPlacement,
    count: u32,
) -> (Vec<InstanceIdx>, Option<Unplaced>) {
    let mut req = cx.taskdefs[td.index()].requirements.clone();
    req.group = group.to_string();
    let strategies = strategies(placement, default);
    let constraints = constraints(cx, td, placement);
    let stream = format!("placement/{group}");
    let rng = cx.rng.stream(&stream);
    let decisions = placement::place_many(
        count,
        &req,
        &world.placement,
        &constraints,
        &strategies,
        rng,
        &mut cx.placement_scratch,
    );
    let mut chosen = Vec::new();
    let mut unplaced = None;
    for PlacementDecision {
        result,
        explanation,
    } in decisions
    {
        if cx.rec.narrating() {
            cx.rec.narrate(
                now,
                format!("[{}] {explanation}", cx.taskdefs[td.index()].name),
            );
        }
        match result {
            Ok(slot) => chosen.push(InstanceIdx(slot.0)),
            Err(failure) => unplaced = Some(Unplaced { failure }),
        }
    }
    (chosen, unplaced)
}

/// Chooses `n` of `candidates` (tasks of service `s` with desiredStatus RUNNING) to stop on scale-in: tasks
/// not yet RUNNING first, then the strategy's scale-in rule (ECS-SEMANTICS §1.3–1.4).
pub fn choose_tasks_to_stop(
    world: &World,
    cx: &mut Cx,
    s: ServiceIdx,
    candidates: &[TaskIdx],
    n: u32,
) -> Vec<TaskIdx> {
    let (mut starting, running): (Vec<TaskIdx>, Vec<TaskIdx>) = candidates
        .iter()
        .partition(|&&t| world.task(t).last_status < crate::world::TaskStatus::Running);
    starting.sort_by_key(|&t| std::cmp::Reverse(t));
    let mut out: Vec<TaskIdx> = starting.into_iter().take(n as usize).collect();
    let rest = n as usize - out.len();
    if rest == 0 {
        return out;
    }
    let spec = &cx.scenario.services[s.index()];
    let strategies = strategies(&spec.placement, DefaultPlacement::Service);
    let mut fargate = Vec::new();
    let stop: Vec<StopCandidate> = running
        .iter()
        .filter_map(|&t| {
            let task = world.task(t);
            match task.instance {
                Some(i) => Some(StopCandidate {
                    task: placement::TaskIdx(t.0),
                    instance: World::slot(i),
                    healthy: task.times.healthy.is_some() && task.health != HealthStatus::Unhealthy,
                    cpu_units: task.cpu_units,
                    memory_mib: task.memory_mib,
                }),
                None => {
                    fargate.push(t);
                    None
                }
            }
        })
        .collect();
    let stream = format!("placement/service:{}", spec.name);
    let rng = cx.rng.stream(&stream);
    out.extend(
        placement::choose_tasks_to_stop(rest, &stop, &world.placement, &strategies, rng)
            .into_iter()
            .map(|t| TaskIdx(t.0)),
    );
    // Fargate tasks: keep the zones balanced: take from the fullest zone, newest task first.
    let mut by_zone: std::collections::BTreeMap<&str, Vec<TaskIdx>> =
        std::collections::BTreeMap::new();
    for &t in &fargate {
        by_zone
            .entry(world.task(t).availability_zone.as_str())
            .or_default()
            .push(t);
    }
    while out.len() < n as usize {
        let Some(zone) = by_zone
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .max_by_key(|(z, v)| (v.len(), std::cmp::Reverse(*z)))
            .map(|(z, _)| *z)
        else {
            break;
        };
        let tasks = by_zone.get_mut(zone).expect("present");
        tasks.sort_unstable();
        out.push(tasks.pop().expect("non-empty"));
    }
    out
}

/// A DAEMON service's constraints: `distinctInstance` is what DAEMON scheduling already guarantees (one task
/// per instance), so it is dropped rather than letting the daemon's own task rule its instance out.
fn daemon_constraints(cx: &Cx, td: TaskDefIdx, placement: &Placement) -> Vec<PlacementConstraint> {
    let mut all = constraints(cx, td, placement);
    all.retain(|c| !matches!(c, PlacementConstraint::DistinctInstance));
    all
}

/// Whether `instance` satisfies DAEMON service `s`'s constraints, resources aside (ECS-SEMANTICS §3.1: one
/// task on each ACTIVE instance that satisfies the constraints).
pub fn daemon_eligible(world: &World, cx: &Cx, s: ServiceIdx, instance: InstanceIdx) -> bool {
    let td = world.services[s.index()].task_definition;
    let spec = &cx.scenario.services[s.index()];
    let req = placement::TaskRequirements::new(format!("service:{}", spec.name), 0, 0);
    let constraints = daemon_constraints(cx, td, &spec.placement);
    !matches!(
        world
            .placement
            .fits(World::slot(instance), &req, &constraints),
        Err(placement::Unfit::Constraint(_))
    )
}

/// Whether DAEMON service `s`'s task fits on `instance`; if not, the failure its service event reports.
pub fn daemon_fits(
    world: &World,
    cx: &Cx,
    s: ServiceIdx,
    instance: InstanceIdx,
) -> Result<(), Unplaced> {
    let td = world.services[s.index()].task_definition;
    let spec = &cx.scenario.services[s.index()];
    let mut req = cx.taskdefs[td.index()].requirements.clone();
    req.group = format!("service:{}", spec.name);
    let constraints = daemon_constraints(cx, td, &spec.placement);
    match world
        .placement
        .fits(World::slot(instance), &req, &constraints)
    {
        Ok(()) => Ok(()),
        Err(placement::Unfit::Resource(lacking)) => {
            let c = world
                .placement
                .get(World::slot(instance))
                .expect("registered instance");
            Err(Unplaced {
                failure: PlacementFailure::Resources(placement::ClosestMatch {
                    idx: World::slot(instance),
                    container_instance_id: c.container_instance_id.clone(),
                    ec2_instance_id: c.ec2_instance_id.clone(),
                    lacking,
                }),
            })
        }
        Err(placement::Unfit::Constraint(_)) => Err(Unplaced {
            failure: PlacementFailure::Constraints,
        }),
        Err(placement::Unfit::NotActive(_) | placement::Unfit::AgentDisconnected) => {
            Err(Unplaced {
                failure: PlacementFailure::NoContainerInstances,
            })
        }
    }
}
