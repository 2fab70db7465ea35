//! PROVISIONAL glue between the controllers and placement: first fit (replaced by the placement module).

use crate::engine::SimTime;
use crate::scenario::Placement;
use crate::sim::Cx;
use crate::world::{InstanceIdx, InstanceStatus, TaskDefIdx, World};

/// Which default applies when the user gave no strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultPlacement {
    /// Service default: spread across zones, then fewest tasks of the service (ECS-SEMANTICS §1.4).
    Service,
    /// RunTask default: random (ECS-SEMANTICS §1.2).
    RunTask,
}

/// Why a task could not be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unplaced {
    /// The service-event sentence after "was unable to place a task because ...".
    pub service_message: String,
    /// RunTask `failures[].reason`.
    pub reason: String,
}

/// Places up to `count` tasks; returns the chosen instances (in order) and the failure for the rest.
#[allow(clippy::too_many_arguments)]
pub fn place_batch(
    _now: SimTime,
    world: &World,
    cx: &mut Cx,
    td: TaskDefIdx,
    group: &str,
    _placement: &Placement,
    _default: DefaultPlacement,
    count: u32,
) -> (Vec<InstanceIdx>, Option<Unplaced>) {
    let mut req = cx.taskdefs[td.index()].requirements.clone();
    req.group = group.to_string();
    let mut scratch: Vec<_> = world.instances.iter().map(|i| i.resources.clone()).collect();
    let mut chosen = Vec::new();
    for _ in 0..count {
        let found = world
            .instances
            .iter()
            .enumerate()
            .find(|(i, inst)| inst.status == InstanceStatus::Active && scratch[*i].shortfall(&req).is_empty());
        match found {
            Some((i, _)) => {
                scratch[i].reserve(&req).expect("fits");
                chosen.push(InstanceIdx(i as u32));
            }
            None => {
                return (
                    chosen,
                    Some(Unplaced {
                        service_message: "no container instance met all of its requirements.".into(),
                        reason: "RESOURCE:MEMORY".into(),
                    }),
                );
            }
        }
    }
    (chosen, None)
}

/// Chooses `n` of `candidates` (tasks of service `s`) to stop on scale-in.
pub fn choose_tasks_to_stop(
    world: &World,
    _cx: &mut Cx,
    _s: crate::world::ServiceIdx,
    candidates: &[crate::world::TaskIdx],
    n: u32,
) -> Vec<crate::world::TaskIdx> {
    let mut v = candidates.to_vec();
    v.sort_by_key(|&t| (world.task(t).last_status == crate::world::TaskStatus::Running, std::cmp::Reverse(t)));
    v.truncate(n as usize);
    v
}

/// Whether `instance` satisfies DAEMON service `s`'s constraints.
pub fn daemon_eligible(_world: &World, _cx: &mut Cx, _s: crate::world::ServiceIdx, _instance: InstanceIdx) -> bool {
    true
}

/// Whether DAEMON service `s`'s task fits on `instance`.
pub fn daemon_fits(world: &World, cx: &mut Cx, s: crate::world::ServiceIdx, instance: InstanceIdx) -> Result<(), Unplaced> {
    let td = world.services[s.index()].task_definition;
    let req = &cx.taskdefs[td.index()].requirements;
    if world.instance(instance).resources.shortfall(req).is_empty() {
        Ok(())
    } else {
        Err(Unplaced { service_message: "no container instance met all of its requirements.".into(), reason: "RESOURCE:MEMORY".into() })
    }
}
