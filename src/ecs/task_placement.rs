//! The control plane's side of task placement: builds the request from the scenario's placement fields,
//! draws on the `placement/<group>` stream, narrates each decision for `explain`, maps placement's ids to
//! the world's, and chooses the tasks a scale-in stops. Placement itself is the pure function of
//! [`crate::placement`].

use crate::ecs::capacity_provider_strategy;
use crate::engine::SimTime;
use crate::placement::{self, PlacementDecision, PlacementFailure, StopCandidate};
use crate::scenario::{LaunchTarget, LaunchType};
use crate::world::{InstanceIdx, ServiceIdx, TaskHome, TaskIdx, World};

use super::placement_inputs::InputCache;
pub use super::placement_inputs::{DefaultPlacement, PlacementRequest, constraints, strategies};
use crate::kernel::Cx;
use crate::placement::PlacementScratch;

/// Placement's state kept across a run by the control plane: the pure pipeline's scratch buffers and the
/// services' inputs.
#[derive(Debug, Default)]
pub struct Placer {
    /// Placement's reusable caches and buffers.
    pub scratch: PlacementScratch,
    /// Requirements, constraints and strategies, per service.
    pub inputs: InputCache,
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

/// Places up to `count` tasks of `request` on EC2 instances, appending their homes (in order) to `homes`;
/// returns why the rest could not be placed, if some could not. Every decision is narrated for `explain`.
fn place_batch(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    placer: &mut Placer,
    request: PlacementRequest,
    count: u32,
    homes: &mut Vec<TaskHome>,
) -> Option<Unplaced> {
    let PlacementRequest { td, group, .. } = request;
    let inputs = placer.inputs.for_request(world, cx, &request);
    let rng = cx.rng.stream_fmt(format_args!("placement/{group}"));
    let decisions = placement::decide_many(
        count,
        &inputs.req,
        &world.placement,
        &inputs.constraints,
        &inputs.strategies,
        rng,
        &mut placer.scratch,
    );
    let mut unplaced = None;
    for PlacementDecision {
        result,
        explanation,
    } in decisions
    {
        if cx.rec.narrating() {
            cx.rec.narrate(
                now,
                format!("[{}] {explanation}", world.taskdefs[td.index()].name),
            );
        }
        match result {
            Ok(slot) => homes.push(TaskHome::Instance(InstanceIdx(slot.0))),
            Err(failure) => {
                unplaced = Some(Unplaced {
                    failure: failure.clone(),
                })
            }
        }
    }
    unplaced
}

/// How many of `count` tasks of `request` placement would place now, without placing them: nothing is
/// narrated and the `placement/<group>` stream is not drawn from (a copy of it is).
pub fn count_placeable(
    world: &World,
    cx: &mut Cx,
    placer: &mut Placer,
    request: PlacementRequest,
    count: u32,
) -> u32 {
    let inputs = placer.inputs.for_request(world, cx, &request);
    let group = request.group;
    let mut rng = cx.rng.stream_fmt(format_args!("placement/{group}")).clone();
    placement::decide_many(
        count,
        &inputs.req,
        &world.placement,
        &inputs.constraints,
        &inputs.strategies,
        &mut rng,
        &mut placer.scratch,
    )
    .iter()
    .filter(|d| d.result.is_ok())
    .count() as u32
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
                    healthy: task.counts_as_healthy(),
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
    let rng = cx
        .rng
        .stream_fmt(format_args!("placement/service:{}", spec.name));
    out.extend(
        placement::choose_tasks_to_stop(rest, &stop, &world.placement, &strategies, rng)
            .into_iter()
            .map(|t| TaskIdx(t.0)),
    );
    out.extend(choose_fargate_tasks_to_stop(
        world,
        &spec.launch,
        &fargate,
        world.services[s.index()].desired_count,
        n as usize - out.len(),
    ));
    out
}

/// Chooses `n` of a service's Fargate tasks to stop on scale-in: from the provider furthest above the share
/// its strategy wants for `desired` tasks (a model, [`capacity_provider_strategy::surplus_order`]), then
/// from the zone with the most of the service's tasks, newest task first, so that zones stay balanced.
fn choose_fargate_tasks_to_stop(
    world: &World,
    launch: &LaunchTarget,
    candidates: &[TaskIdx],
    desired: u32,
    n: usize,
) -> Vec<TaskIdx> {
    let mut left: Vec<TaskIdx> = candidates.to_vec();
    left.sort_unstable();
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !left.is_empty() {
        let provider_of =
            |t: TaskIdx| provider_index(launch, world.task(t).capacity_provider.as_deref());
        let from_provider = match launch {
            LaunchTarget::CapacityProviderStrategy(items) if !items.is_empty() => {
                let mut current = vec![0u32; items.len()];
                for &t in &left {
                    if let Some(k) = provider_of(t) {
                        current[k] += 1;
                    }
                }
                capacity_provider_strategy::surplus_order(items, &current, desired)
                    .first()
                    .copied()
            }
            _ => None,
        };
        let pool: Vec<TaskIdx> = left
            .iter()
            .copied()
            .filter(|&t| from_provider.is_none() || provider_of(t) == from_provider)
            .collect();
        let pool = if pool.is_empty() { left.clone() } else { pool };
        let zone_count = |z: &str| {
            left.iter()
                .filter(|&&t| &*world.task(t).availability_zone == z)
                .count()
        };
        // The fullest zone (ties: the first zone name), newest task in it.
        let victim = *pool
            .iter()
            .max_by_key(|&&t| {
                let z: &str = &world.task(t).availability_zone;
                (zone_count(z), std::cmp::Reverse(z), t)
            })
            .expect("a non-empty pool");
        left.retain(|&t| t != victim);
        out.push(victim);
    }
    out
}

/// The position of `provider` in `launch`'s strategy.
fn provider_index(launch: &LaunchTarget, provider: Option<&str>) -> Option<usize> {
    match (launch, provider) {
        (LaunchTarget::CapacityProviderStrategy(items), Some(p)) => {
            items.iter().position(|i| i.capacity_provider == p)
        }
        _ => None,
    }
}

/// Where `n` new tasks of `request`, launched with `launch` (owned by `request.service`, if any), run,
/// appended to `homes`: on EC2 the instances placement chose, returning why the others could not be placed;
/// on Fargate a zone balancing the group's active tasks (or the request's zone) and a provider split by the
/// strategy, counting the service's active tasks on each provider (RunTask: from zero). Every new task's
/// home comes from here.
#[allow(clippy::too_many_arguments)]
pub fn choose_homes(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    placer: &mut Placer,
    launch: &LaunchTarget,
    request: PlacementRequest,
    n: u32,
    homes: &mut Vec<TaskHome>,
) -> Option<Unplaced> {
    let service = request.service;
    match capacity_provider_strategy::launch_type_of(launch) {
        LaunchType::Ec2 => place_batch(now, world, cx, placer, request, n, homes),
        LaunchType::Fargate => {
            let zones = match request.zone {
                Some(z) => vec![std::sync::Arc::<str>::from(z); n as usize],
                None => crate::fargate::zones_for(world, cx, request.group, service, n),
            };
            let providers: Vec<Option<std::sync::Arc<str>>> = match launch {
                LaunchTarget::CapacityProviderStrategy(items) if !items.is_empty() => {
                    let mut current = vec![0u32; items.len()];
                    if let Some(s) = service {
                        for t in world.active_tasks_of(s) {
                            if let Some(k) =
                                provider_index(launch, world.task(t).capacity_provider.as_deref())
                            {
                                current[k] += 1;
                            }
                        }
                    }
                    capacity_provider_strategy::split(items, &current, n)
                        .into_iter()
                        .map(|k| Some(items[k].capacity_provider.as_str().into()))
                        .collect()
                }
                _ => vec![None; n as usize],
            };
            homes.extend(
                zones
                    .into_iter()
                    .zip(providers)
                    .map(|(zone, capacity_provider)| TaskHome::Fargate {
                        zone,
                        capacity_provider,
                    }),
            );
            None
        }
    }
}

/// Whether `instance` satisfies service `s`'s constraints (`memberOf`, the task definition's and the
/// implicit architecture one; `distinctInstance` aside), resources aside: whether the service could ever run
/// a task there.
pub fn satisfies_service_constraints(
    world: &World,
    cx: &Cx,
    placer: &mut Placer,
    s: ServiceIdx,
    instance: InstanceIdx,
) -> bool {
    let constraints = placer.inputs.constraints_without_distinct(world, cx, s);
    world
        .placement
        .violated_constraint(
            World::slot(instance),
            &world.services[s.index()].group,
            constraints,
            None,
        )
        .is_none()
}

/// The first of DAEMON service `s`'s constraints that `instance` violates, resources aside (ECS-SEMANTICS
/// §3.1: one task on each ACTIVE instance that satisfies the constraints), or `None` when it satisfies them
/// all. The service's own task on the instance, if any, is left out of the check, as ECS evaluates the
/// constraints before the task exists: a daemon is stopped for a violated constraint only when something
/// else changed (the instance's attributes, other tasks on it), never because of itself.
pub fn daemon_violation(
    world: &World,
    cx: &Cx,
    placer: &mut Placer,
    s: ServiceIdx,
    instance: InstanceIdx,
) -> Option<String> {
    let constraints = placer.inputs.constraints_without_distinct(world, cx, s);
    let own = world
        .instance(instance)
        .tasks
        .iter()
        .map(|&t| world.task(t))
        .find(|t| t.service == Some(s) && t.is_active())
        .map(|t| placement::OwnTask {
            running: t.last_status == crate::world::TaskStatus::Running,
        });
    world.placement.violated_constraint(
        World::slot(instance),
        &world.services[s.index()].group,
        constraints,
        own,
    )
}

/// Whether DAEMON service `s`'s task fits on `instance`; if not, the failure its service event reports.
pub fn daemon_fits(
    world: &World,
    cx: &Cx,
    placer: &mut Placer,
    s: ServiceIdx,
    instance: InstanceIdx,
) -> Result<(), Unplaced> {
    let (req, constraints) = placer.inputs.daemon_inputs(world, cx, s);
    match world
        .placement
        .fits(World::slot(instance), req, constraints)
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
