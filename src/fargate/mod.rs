//! Fargate capacity: where Fargate tasks run, on which provider, and what they are billed.
//!
//! Fargate has no placement strategies or constraints; it spreads tasks across the cluster's Availability
//! Zones (ECS-SEMANTICS §1.2, §11). ecsim models the spread as: each new task goes to the zone with the
//! fewest active tasks of its group, ties in the cluster's zone order. A capacity provider strategy naming
//! `FARGATE` and `FARGATE_SPOT` splits the tasks between them by `base` and `weight`
//! ([`crate::ecs::capacity_provider_strategy`]); a `FARGATE_SPOT` task is billed at the Fargate Spot price.
//! Start-up latency is in `ecs::task_lifecycle` (PROVISIONING from `[fargate].startup_time`, and a full
//! image pull every time); the price per hour is the catalog's, per second from the pull to STOPPED with a
//! one-minute minimum.

use crate::ecs::capacity_provider_strategy;
use crate::scenario::LaunchTarget;
use crate::sim::Cx;
use crate::world::{ServiceIdx, TaskIdx, World};

/// Where one new Fargate task runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FargateHome {
    /// Its Availability Zone.
    pub zone: String,
    /// `FARGATE` or `FARGATE_SPOT` when a capacity provider strategy chose it; `None` for `launch_type =
    /// "FARGATE"` (billed as FARGATE).
    pub capacity_provider: Option<String>,
}

/// The homes of `n` new Fargate tasks of `group` (owned by `service`, if any) launched with `launch`: zones
/// balancing the group's active tasks across the cluster's zones, providers split by the strategy counting
/// the service's active tasks on each provider (RunTask: from zero).
pub fn homes_for(
    world: &World,
    cx: &Cx,
    launch: &LaunchTarget,
    group: &str,
    service: Option<ServiceIdx>,
    n: u32,
) -> Vec<FargateHome> {
    let zones = zones_for(world, cx, group, service, n);
    let providers: Vec<Option<String>> = match launch {
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
                .map(|k| Some(items[k].capacity_provider.clone()))
                .collect()
        }
        _ => vec![None; n as usize],
    };
    zones
        .into_iter()
        .zip(providers)
        .map(|(zone, capacity_provider)| FargateHome {
            zone,
            capacity_provider,
        })
        .collect()
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

/// The zones for `n` new Fargate tasks of `group` (owned by `service`, if any), balancing the group's
/// active tasks across the cluster's zones.
fn zones_for(
    world: &World,
    cx: &Cx,
    group: &str,
    service: Option<ServiceIdx>,
    n: u32,
) -> Vec<String> {
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
            .filter(|t| t.is_active() && t.group == group)
            .for_each(|t| count(&t.availability_zone)),
    }
    let mut out = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let (k, _) = counts
            .iter()
            .enumerate()
            .min_by_key(|(k, c)| (**c, *k))
            .expect("a cluster has zones");
        counts[k] += 1;
        out.push(zones[k].clone());
    }
    out
}

/// Chooses `n` of a service's Fargate tasks to stop on scale-in: from the provider furthest above the share
/// its strategy wants for `desired` tasks (a model, [`capacity_provider_strategy::surplus_order`]), then
/// from the zone with the most of the service's tasks, newest task first, so that zones stay balanced.
pub fn choose_tasks_to_stop(
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
                .filter(|&&t| world.task(t).availability_zone == z)
                .count()
        };
        // The fullest zone (ties: the first zone name), newest task in it.
        let victim = *pool
            .iter()
            .max_by_key(|&&t| {
                let z = world.task(t).availability_zone.as_str();
                (zone_count(z), std::cmp::Reverse(z), t)
            })
            .expect("a non-empty pool");
        left.retain(|&t| t != victim);
        out.push(victim);
    }
    out
}
