//! Availability Zone rebalancing (ECS-SEMANTICS §3.5).
//!
//! AWS: "Amazon ECS starts monitoring a service after it reaches the steady state, and looks at the number
//! of tasks running in each Availability Zone"; when they are imbalanced it "starts tasks in Availability
//! Zones with the fewest number of running tasks" and "stops the tasks in Availability Zones with the
//! largest number", with the service events `SERVICE_REBALANCING_STARTED` / `_COMPLETED` and their own
//! `TASKS_STARTED` / `TASKS_STOPPED` sentences. It is ENABLED by default except for services that use
//! `binpack` (the scenario layer applies the default); DAEMON services never rebalance.
//!
//! The model (what AWS does not publish, documented in `docs/architecture.md`):
//! * **Zones considered**: the cluster's zones that have an ACTIVE container instance satisfying the
//!   service's constraints (for Fargate: every zone of the cluster). A zone whose instances are all gone is
//!   not "short" until an instance registers there again; then the service moves tasks back.
//! * **Imbalanced** means most − fewest > 1 tasks (desiredStatus RUNNING) among those zones (the suggested
//!   model: the exact threshold is UNCONFIRMED).
//! * **The moves** are planned once, when the imbalance is seen: one task at a time from the zone with the
//!   most tasks (the first such zone in the cluster's order) to the zone with the fewest (likewise), as long
//!   as placement can put a task there now (a dry run that changes nothing), until most − fewest ≤ 1. The
//!   tasks to stop in each giving zone are chosen by the service's scale-in rule among its tasks there.
//! * **Carrying them out** uses the service's normal rule (§4.1): the tasks to stop count like an older
//!   deployment's, the new tasks start in the planned zones, within `maximumPercent`, and the old ones stop
//!   within `minimumHealthyPercent` once enough tasks are healthy. So at 100 %/200 % a task starts in the
//!   short zone first and one stops in the long zone when it is healthy; at 50 %/100 % the old one may stop
//!   first.
//! * If a planned start cannot be placed after all, the rebalancing ends there (the placement-failure event
//!   names the zone) and the remaining tasks start wherever placement puts them.
//! * It completes, with its event, when every planned task has moved and the service is steady again.

use crate::ecs::Ecs;
use crate::ecs::task_placement::{self as placement, DefaultPlacement, PlacementRequest};
use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::scenario::{LaunchType, SchedulingStrategy};
use crate::world::{AzRebalancing, InstanceStatus, ServiceIdx, TaskIdx, World};

use super::launch_type_of;

/// Most − fewest tasks per zone above which a service is imbalanced (ECS-SEMANTICS §3.5: UNCONFIRMED, the
/// suggested "safe model").
pub const IMBALANCE_THRESHOLD_TASKS: u32 = 1;

/// Whether `t` is one of the tasks an AZ rebalancing of `s` will stop.
pub(super) fn is_victim(world: &World, s: ServiceIdx, t: TaskIdx) -> bool {
    world.services[s.index()]
        .rebalancing
        .as_ref()
        .is_some_and(|r| r.victims.contains(&t))
}

/// Takes the zones of up to `n` of the service's next starts that a rebalancing planned (fewer when it
/// planned fewer).
pub(super) fn take_starts(world: &mut World, s: ServiceIdx, n: u32) -> Vec<usize> {
    match world.services[s.index()].rebalancing.as_mut() {
        Some(r) => {
            let k = r.starts.len().min(n as usize);
            r.starts.drain(..k).collect()
        }
        None => Vec::new(),
    }
}

/// A planned start in `zone` could not be placed: the rebalancing ends here, with AWS's event.
pub(super) fn abandon(now: SimTime, world: &mut World, cx: &mut Cx, s: ServiceIdx, zone: usize) {
    world.services[s.index()].rebalancing = None;
    let name = world.services[s.index()].name.clone();
    let zone = &cx.scenario.cluster.availability_zones[zone];
    let message = match launch_type_of(&cx.scenario.services[s.index()].launch) {
        LaunchType::Ec2 => format!(
            "service ({name}) is unable to place a task in {zone} because no container instance met all of its requirements."
        ),
        LaunchType::Fargate => format!("service ({name}) is unable to place a task in {zone}."),
    };
    cx.rec.event(
        now,
        Scope::Service,
        &name,
        "SERVICE_TASK_PLACEMENT_FAILURE",
        format_args!("{message}"),
    );
}

/// The "has started N tasks in <zone> to AZ Rebalance" event for tasks started in one zone.
pub(super) fn write_started(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    s: ServiceIdx,
    zone: usize,
    started: &[TaskIdx],
) {
    if started.is_empty() {
        return;
    }
    let name = &world.services[s.index()].name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "TASKS_STARTED",
        format_args!(
            "{name} has started {} tasks in {} to AZ Rebalance: {}.",
            started.len(),
            cx.scenario.cluster.availability_zones[zone],
            super::task_list(world, started)
        ),
    );
}

/// The "has stopped N running tasks in <zone> due to AZ rebalancing" events, one per zone.
pub(super) fn write_stopped(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    s: ServiceIdx,
    stopped: &[TaskIdx],
) {
    if stopped.is_empty() {
        return;
    }
    let zones = &cx.scenario.cluster.availability_zones;
    let name = &world.services[s.index()].name;
    for zone in zones {
        let here: Vec<TaskIdx> = stopped
            .iter()
            .copied()
            .filter(|&t| *world.task(t).availability_zone == **zone)
            .collect();
        if here.is_empty() {
            continue;
        }
        cx.rec.event(
            now,
            Scope::Service,
            name,
            "TASKS_STOPPED",
            format_args!(
                "{name} has stopped {} running tasks in {zone} due to AZ rebalancing: {}.",
                here.len(),
                super::task_list(world, &here)
            ),
        );
    }
}

/// Service `s` is steady: complete a rebalancing whose moves are done, then start one if its zones are
/// imbalanced. Returns whether a rebalancing is now in progress (the caller reconciles again).
pub(super) fn on_steady(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) -> bool {
    let scenario = cx.scenario;
    let spec = &scenario.services[s.index()];
    if !spec.availability_zone_rebalancing
        || spec.scheduling_strategy != SchedulingStrategy::Replica
    {
        return false;
    }
    if let Some(r) = &world.services[s.index()].rebalancing {
        let moved = r.starts.is_empty() && r.victims.iter().all(|&t| !world.task(t).is_active());
        if !moved {
            return true;
        }
        world.services[s.index()].rebalancing = None;
        let zones = usable_zones(world, cx, ecs, s);
        let counts = zone_counts(world, s, &zones);
        let name = &world.services[s.index()].name;
        cx.rec.event(
            now,
            Scope::Service,
            name,
            "SERVICE_REBALANCING_COMPLETED",
            format_args!(
                "service ({name}) is AZ balanced with {}.",
                ZoneList {
                    names: &scenario.cluster.availability_zones,
                    zones: &zones,
                    counts: &counts,
                    tasks_every_time: true
                }
            ),
        );
    }
    start_if_imbalanced(now, world, cx, ecs, s)
}

fn start_if_imbalanced(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) -> bool {
    let scenario = cx.scenario;
    // A task can move only if the deployment bounds let one start before a stop or stop before a start.
    let d = world.services[s.index()].desired_count;
    let dc = &cx.scenario.services[s.index()].deployment_configuration;
    if super::maximum_tasks(d, dc.maximum_percent) <= d
        && super::minimum_healthy_tasks(d, dc.minimum_healthy_percent) >= d
    {
        return false;
    }
    // Cheap first: the imbalance over every zone of the cluster bounds the one over the usable zones.
    if spread(&world.services[s.index()].counters.per_zone) <= IMBALANCE_THRESHOLD_TASKS {
        return false;
    }
    // From here on the service is imbalanced over the cluster's zones; if it cannot rebalance now (a zone
    // without a usable instance, or without room), an instance registering may let it.
    let zones = usable_zones(world, cx, ecs, s);
    let counts = zone_counts(world, s, &zones);
    if spread(&counts) <= IMBALANCE_THRESHOLD_TASKS {
        ecs.scheduler.wait_to_rebalance(s);
        return false;
    }
    let room: Vec<u32> = zones
        .iter()
        .map(|&z| placeable_in(world, cx, ecs, s, z, counts.iter().sum()))
        .collect();
    let (take, give) = plan_moves(&counts, &room);
    if take.iter().all(|&k| k == 0) {
        ecs.scheduler.wait_to_rebalance(s);
        ecs.scheduler.wait_for_room(s);
        return false;
    }
    let mut victims = Vec::new();
    for (k, &z) in zones.iter().enumerate() {
        if take[k] == 0 {
            continue;
        }
        let zone = &cx.scenario.cluster.availability_zones[z];
        let here: Vec<TaskIdx> = world
            .active_tasks_of(s)
            .filter(|&t| *world.task(t).availability_zone == **zone)
            .collect();
        victims.extend(placement::choose_tasks_to_stop(
            world, cx, s, &here, take[k],
        ));
    }
    let mut starts = Vec::new();
    for (k, &z) in zones.iter().enumerate() {
        starts.extend(std::iter::repeat_n(z, give[k] as usize));
    }
    let name = &world.services[s.index()].name;
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "SERVICE_REBALANCING_STARTED",
        format_args!(
            "service ({name}) is not AZ balanced with {}. AZ Rebalancing in progress.",
            ZoneList {
                names: &scenario.cluster.availability_zones,
                zones: &zones,
                counts: &counts,
                tasks_every_time: false
            }
        ),
    );
    world.services[s.index()].rebalancing = Some(AzRebalancing { victims, starts });
    true
}

/// The moves that balance `counts` (tasks per zone) when zone `k` can take at most `room[k]` more tasks:
/// one at a time from the first zone with the most tasks to the first zone with the fewest that has room,
/// until most − fewest ≤ the threshold. Returns (tasks to take from each zone, tasks to give each zone).
pub fn plan_moves(counts: &[u32], room: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut counts = counts.to_vec();
    let mut room = room.to_vec();
    let mut take = vec![0; counts.len()];
    let mut give = vec![0; counts.len()];
    let fullest =
        |counts: &[u32]| (0..counts.len()).max_by_key(|&k| (counts[k], std::cmp::Reverse(k)));
    let emptiest = |counts: &[u32], room: &[u32]| {
        (0..counts.len())
            .filter(|&k| room[k] > 0)
            .min_by_key(|&k| (counts[k], k))
    };
    while let (Some(hi), Some(lo)) = (fullest(&counts), emptiest(&counts, &room)) {
        if counts[hi] <= counts[lo] + IMBALANCE_THRESHOLD_TASKS {
            break;
        }
        counts[hi] -= 1;
        counts[lo] += 1;
        room[lo] -= 1;
        take[hi] += 1;
        give[lo] += 1;
    }
    (take, give)
}

fn spread(counts: &[u32]) -> u32 {
    counts.iter().max().unwrap_or(&0) - counts.iter().min().unwrap_or(&0)
}

/// The cluster's zones (indices, in the cluster's order) where service `s` can run a task: for Fargate
/// every zone; for EC2 those with an ACTIVE container instance that satisfies the service's constraints.
fn usable_zones(world: &World, cx: &Cx, ecs: &mut Ecs, s: ServiceIdx) -> Vec<usize> {
    let zones = &cx.scenario.cluster.availability_zones;
    if launch_type_of(&cx.scenario.services[s.index()].launch) == LaunchType::Fargate {
        return (0..zones.len()).collect();
    }
    let mut usable = vec![false; zones.len()];
    for (i, inst) in world.instances.iter().enumerate() {
        if inst.status != InstanceStatus::Active {
            continue;
        }
        let Some(z) = zones.iter().position(|z| **z == *inst.availability_zone) else {
            continue;
        };
        if !usable[z]
            && placement::satisfies_service_constraints(
                world,
                cx,
                &mut ecs.placement,
                s,
                crate::world::InstanceIdx(i as u32),
            )
        {
            usable[z] = true;
        }
    }
    (0..zones.len()).filter(|&z| usable[z]).collect()
}

/// Tasks of `s` (desiredStatus RUNNING) in each of `zones` (the world's per-zone counters).
fn zone_counts(world: &World, s: ServiceIdx, zones: &[usize]) -> Vec<u32> {
    let per_zone = &world.services[s.index()].counters.per_zone;
    zones.iter().map(|&z| per_zone[z]).collect()
}

/// How many more tasks of `s` placement would put in zone `z` now (at most `limit`).
fn placeable_in(
    world: &World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
    z: usize,
    limit: u32,
) -> u32 {
    let spec = &cx.scenario.services[s.index()];
    if launch_type_of(&spec.launch) == LaunchType::Fargate {
        return limit;
    }
    let request = PlacementRequest {
        td: world.services[s.index()].task_definition(),
        group: &world.services[s.index()].group,
        placement: &spec.placement,
        default: DefaultPlacement::Service,
        zone: Some(&cx.scenario.cluster.availability_zones[z]),
        service: Some(s),
    };
    placement::count_placeable(world, cx, &mut ecs.placement, request, limit)
}

/// "4 tasks in us-east-1a, 2 in us-east-1b, and 4 in us-east-1c" (AWS's started sentence repeats "tasks"
/// only once; its completed sentence repeats it for every zone).
struct ZoneList<'a> {
    names: &'a [String],
    zones: &'a [usize],
    counts: &'a [u32],
    tasks_every_time: bool,
}

impl std::fmt::Display for ZoneList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.zones.len();
        if n == 0 {
            return f.write_str("no tasks");
        }
        for (k, (&z, count)) in self.zones.iter().zip(self.counts).enumerate() {
            match (k, n) {
                (0, _) => {}
                (1, 2) => f.write_str(" and ")?,
                _ if k == n - 1 => f.write_str(", and ")?,
                _ => f.write_str(", ")?,
            }
            let zone = &self.names[z];
            if k == 0 || self.tasks_every_time {
                write!(f, "{count} tasks in {zone}")?;
            } else {
                write!(f, "{count} in {zone}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone_list(n: usize, tasks_every_time: bool) -> String {
        let names: Vec<String> = ["us-east-1a", "us-east-1b", "us-east-1c"]
            .map(String::from)
            .to_vec();
        ZoneList {
            names: &names,
            zones: &[0, 1, 2][..n],
            counts: &[4, 2, 4][..n],
            tasks_every_time,
        }
        .to_string()
    }

    // §3.5: AWS's sentences list the zones with "and" before the last; the started one says "tasks" once.
    #[test]
    fn zone_lists_read_as_aws_writes_them() {
        assert_eq!(zone_list(0, true), "no tasks");
        assert_eq!(zone_list(1, false), "4 tasks in us-east-1a");
        assert_eq!(
            zone_list(2, false),
            "4 tasks in us-east-1a and 2 in us-east-1b"
        );
        assert_eq!(
            zone_list(3, false),
            "4 tasks in us-east-1a, 2 in us-east-1b, and 4 in us-east-1c"
        );
        assert_eq!(
            zone_list(3, true),
            "4 tasks in us-east-1a, 2 tasks in us-east-1b, and 4 tasks in us-east-1c"
        );
    }

    // §3.5: tasks move from the zone with the most to the zone with the fewest until most − fewest ≤ 1.
    #[test]
    fn moves_go_from_the_fullest_zone_to_the_emptiest_until_balanced() {
        // 4/2/4 → one task from the first fullest zone (a) to b: 3/3/4.
        assert_eq!(
            plan_moves(&[4, 2, 4], &[9, 9, 9]),
            (vec![1, 0, 0], vec![0, 1, 0])
        );
        // A zone that came back empty: 5/5/0 → 4/3/3.
        assert_eq!(
            plan_moves(&[5, 5, 0], &[9, 9, 9]),
            (vec![2, 1, 0], vec![0, 0, 3])
        );
        // Balanced already.
        assert_eq!(plan_moves(&[3, 4, 3], &[9, 9, 9]).0, vec![0, 0, 0]);
    }

    // A zone without room for the task receives nothing; the others still balance where they can.
    #[test]
    fn moves_stop_at_the_room_a_zone_has() {
        // 6/0/0 with room for one task in b: 3/1/2, the best that room allows.
        assert_eq!(
            plan_moves(&[6, 0, 0], &[9, 1, 9]),
            (vec![3, 0, 0], vec![0, 1, 2])
        );
        assert_eq!(plan_moves(&[4, 0], &[9, 0]), (vec![0, 0], vec![0, 0]));
    }
}
