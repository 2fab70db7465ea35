//! Fargate capacity: where Fargate tasks run and what they are billed.
//!
//! Fargate has no placement strategies or constraints; it spreads tasks across the cluster's Availability
//! Zones (ECS-SEMANTICS §1.2, §11). ecsim models the spread as: each new task goes to the zone with the
//! fewest active tasks of its group, ties in the cluster's zone order. Which provider (`FARGATE` or
//! `FARGATE_SPOT`) a task runs on is the control plane's choice (`ecs::capacity_provider_strategy`); a
//! `FARGATE_SPOT` task is billed at the Fargate Spot price. Start-up latency is in `ecs::task_lifecycle`
//! (PROVISIONING from `[fargate].startup_time`, and a full image pull every time); the price per hour is the
//! catalog's, per second from the pull to STOPPED with a one-minute minimum.

use crate::kernel::Cx;
use crate::world::{ServiceIdx, World};

/// The zones for `n` new Fargate tasks of `group` (owned by `service`, if any), balancing the group's
/// active tasks across the cluster's zones.
pub fn zones_for(
    world: &World,
    cx: &Cx,
    group: &str,
    service: Option<ServiceIdx>,
    n: u32,
) -> Vec<std::sync::Arc<str>> {
    let zones = &cx.scenario.cluster.availability_zones;
    let mut counts = vec![0u32; zones.len()];
    let mut count = |az: &str| {
        if let Some(k) = zones.iter().position(|z| z == az) {
            counts[k] += 1;
        }
    };
    match service {
        Some(s) => world
            .active_tasks_of(s)
            .for_each(|t| count(&world.task(t).availability_zone)),
        None => world
            .tasks
            .iter()
            .filter(|t| t.is_active() && *t.group == *group)
            .for_each(|t| count(&t.availability_zone)),
    }
    let mut out = Vec::with_capacity(n as usize);
    // A zone out of service takes no task (unless every zone is).
    let up = |k: usize| !world.zones_down.contains(&zones[k]);
    let any_up = (0..zones.len()).any(up);
    for _ in 0..n {
        let (k, _) = counts
            .iter()
            .enumerate()
            .filter(|&(k, _)| !any_up || up(k))
            .min_by_key(|(k, c)| (**c, *k))
            .expect("a cluster has zones");
        counts[k] += 1;
        out.push(zones[k].as_str().into());
    }
    out
}
