//! EC2 capacity: Auto Scaling groups, instance launch, registration, draining and termination.
//!
//! A group reconciles toward its desired capacity ([`reconcile`]): it launches instances balanced across
//! its zones (each launch goes to the zone with the fewest of the group's live instances, ties in zone order,
//! as EC2 Auto Scaling balances AZs), using the first instance type of its list (AWS `prioritized`), and when
//! it has more than it wants it picks the instances to terminate by the default termination policy. The
//! agent registers the container instance `launch_time` after launch (default 90 s, a model: ECS-SEMANTICS
//! §9). A terminated instance is replaced at once, so the group keeps its desired capacity.
//!
//! This module knows nothing of tasks: what happens to the tasks on an instance that registers, drains or
//! is terminated is the control plane's business (`ecs`), and `sim` wires the two together.

use std::collections::BTreeMap;

use crate::engine::{Phase, SimTime};
use crate::kernel::{Cx, Event};
use crate::placement::{Candidate, InstanceResources};
use crate::report::recorded::Scope;
use crate::world::{
    AsgIdx, ContainerInstance, InstanceIdx, InstanceStatus, World, ec2_instance_id,
};

/// The AMI every simulated container instance reports (`ecs.ami-id`).
pub const SIMULATED_AMI_ID: &str = "ami-0ec5000000000000a";
/// The ECS agent version every simulated container instance reports (`agentVersion`).
pub const SIMULATED_AGENT_VERSION: &str = "1.86.2";
/// The VPC every simulated container instance reports (`ecs.vpc-id`).
pub const SIMULATED_VPC_ID: &str = "vpc-0ec5000000000000a";

/// Launches one instance for `asg`; with `warm` it is registered, ACTIVE and has every image cached at once.
/// `None` when every zone of the group is out of service.
pub fn launch(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    asg: AsgIdx,
    warm: bool,
) -> Option<InstanceIdx> {
    let spec = &cx.scenario.auto_scaling_groups[world.asgs[asg.index()].spec];
    let zone = {
        let live = |z: &String| {
            world.asgs[asg.index()]
                .instances
                .iter()
                .filter(|&&i| {
                    world.instance(i).status != InstanceStatus::Terminated
                        && *world.instance(i).availability_zone == **z
                })
                .count()
        };
        // A zone in an outage takes no launches (SPEC §3.11): the group balances over the others.
        spec.availability_zones
            .iter()
            .enumerate()
            .filter(|(_, z)| !world.zones_down.contains(z))
            .min_by_key(|(i, z)| (live(z), *i))
            .map(|(_, z)| z.clone())?
    };
    let type_index = spec.instance_types[0];
    let itype = &cx.scenario.instance_types[type_index];
    let ec2_id = ec2_instance_id(world.instances.len() as u32 + 1);
    let zone_index = cx
        .scenario
        .cluster
        .availability_zones
        .iter()
        .position(|z| *z == zone)
        .unwrap_or(0);
    let mut attributes: BTreeMap<String, String> = spec.attributes.clone();
    for (k, v) in [
        ("ecs.availability-zone", zone.clone()),
        ("ecs.instance-type", itype.name.clone()),
        ("ecs.os-type", "linux".to_string()),
        ("ecs.os-family", "LINUX".to_string()),
        (
            "ecs.cpu-architecture",
            itype.cpu_architecture.as_str().to_string(),
        ),
        ("ecs.ami-id", SIMULATED_AMI_ID.to_string()),
        ("ecs.vpc-id", SIMULATED_VPC_ID.to_string()),
        (
            "ecs.subnet-id",
            format!("subnet-0ec500000000000{zone_index:02x}"),
        ),
    ] {
        attributes.insert(k.to_string(), v);
    }
    let resources = InstanceResources::new(
        itype.registered_cpu_units,
        itype.registered_memory_mib,
        itype.gpus,
        itype.awsvpc_task_slots(),
    );
    let idx = world.add_instance(ContainerInstance {
        ec2_instance_id: ec2_id.clone(),
        asg,
        instance_type: type_index,
        availability_zone: zone.as_str().into(),
        market: spec.market,
        status: InstanceStatus::Launching,
        launched_at: now,
        registered_at: None,
        terminated_at: None,
        termination_reason: String::new(),
        resources,
        attributes,
        cached_images: Default::default(),
        tasks: Vec::new(),
        non_daemon_tasks: 0,
    });
    let group = world.asgs[asg.index()].name.clone();
    cx.rec.event(
        now,
        Scope::Asg,
        &group,
        "INSTANCE_LAUNCHED",
        format_args!(
            "Launching a new EC2 instance: {ec2_id} ({}, {zone})",
            itype.name
        ),
    );
    if warm {
        let images: Vec<String> = world
            .taskdefs
            .iter()
            .flat_map(|t| t.images.iter().cloned())
            .collect();
        world.instances[idx.index()]
            .cached_images
            .extend(images.into_iter().map(|i| (i, now)));
        register(now, world, cx, idx);
    } else {
        let after = cx.draw(format_args!("asg/{group}/launch_time"), spec.launch_time);
        cx.schedule(
            now + after,
            Phase::Transition,
            Event::InstanceRegistered(idx),
        );
    }
    Some(idx)
}

/// The agent registered the container instance: it is ACTIVE and can take tasks.
pub fn register(now: SimTime, world: &mut World, cx: &mut Cx, idx: InstanceIdx) {
    let inst = &world.instances[idx.index()];
    if inst.status != InstanceStatus::Launching {
        return;
    }
    let id = inst.ec2_instance_id.clone();
    let mut candidate = Candidate::new(&id, &id, &inst.availability_zone, inst.resources.clone());
    candidate.attributes = inst.attributes.clone();
    candidate.agent_version = SIMULATED_AGENT_VERSION.to_string();
    candidate.registered_at_unix_ms =
        cx.scenario.simulation.start_time_unix_ms + now.as_ms() as i64;
    world.register_instance(idx, now, candidate);
    cx.rec.event(
        now,
        Scope::Instance,
        &id,
        "CONTAINER_INSTANCE_REGISTERED",
        format_args!(
            "Container instance {id} registered with cluster {} (ACTIVE).",
            cx.scenario.cluster.name
        ),
    );
}

/// Sets a container instance to DRAINING (ECS-SEMANTICS §3.3): no new tasks; services replace theirs.
/// Returns whether it was ACTIVE (only an ACTIVE instance can be drained).
pub fn drain(now: SimTime, world: &mut World, cx: &mut Cx, idx: InstanceIdx) -> bool {
    if !world.drain_instance(idx) {
        return false;
    }
    let id = world.instance(idx).ec2_instance_id.clone();
    cx.rec.event(
        now,
        Scope::Instance,
        &id,
        "CONTAINER_INSTANCE_DRAINING",
        format_args!("Container instance {id} set to DRAINING."),
    );
    true
}

/// Terminates an instance whose tasks the control plane has already stopped, and lets its group replace it.
/// Returns whether it was live.
pub fn terminate(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    idx: InstanceIdx,
    reason: &str,
) -> bool {
    if !world.terminate_instance(idx, now, reason) {
        return false;
    }
    let id = world.instance(idx).ec2_instance_id.clone();
    let asg = world.instance(idx).asg;
    let group = world.asgs[asg.index()].name.clone();
    cx.rec.event(
        now,
        Scope::Asg,
        &group,
        "INSTANCE_TERMINATED",
        format_args!("Terminating EC2 instance: {id} ({reason})"),
    );
    true
}

/// Moves `asg` toward its desired capacity: launches the instances it lacks (cold), and returns the
/// instances to terminate when it has more than it wants, chosen by the default termination policy (the
/// zone with the most live instances, then the newest instance there — a model of "closest to the next
/// instance hour" for instances launched on the hour's grid; ECS-SEMANTICS §9). The caller stops their tasks
/// and terminates them.
pub fn reconcile(now: SimTime, world: &mut World, cx: &mut Cx, asg: AsgIdx) -> Vec<InstanceIdx> {
    let live: Vec<InstanceIdx> = world.asgs[asg.index()]
        .instances
        .iter()
        .copied()
        .filter(|&i| world.instance(i).status != InstanceStatus::Terminated)
        .collect();
    let desired = world.asgs[asg.index()].desired_capacity as usize;
    for _ in live.len()..desired {
        if launch(now, world, cx, asg, false).is_none() {
            break;
        }
    }
    let mut left = live;
    let mut out = Vec::new();
    while left.len() > desired {
        let zone_count = |z: &str| {
            left.iter()
                .filter(|&&i| &*world.instance(i).availability_zone == z)
                .count()
        };
        let victim = *left
            .iter()
            .max_by_key(|&&i| {
                let z: &str = &world.instance(i).availability_zone;
                (zone_count(z), std::cmp::Reverse(z), i)
            })
            .expect("more instances than desired");
        left.retain(|&i| i != victim);
        out.push(victim);
    }
    out
}

/// Draws `count` instances uniformly, without replacement, from the ACTIVE instances of `asg` (or of every
/// group), sorted by id, on the RNG stream `stream` (SPEC §3.11).
pub fn pick_active(
    world: &World,
    cx: &mut Cx,
    asg: Option<AsgIdx>,
    count: u32,
    stream: &str,
) -> Vec<InstanceIdx> {
    let mut pool: Vec<InstanceIdx> = (0..world.instances.len() as u32)
        .map(InstanceIdx)
        .filter(|&i| {
            world.instance(i).status == InstanceStatus::Active
                && asg.is_none_or(|a| world.instance(i).asg == a)
        })
        .collect();
    pool.sort_by(|a, b| {
        world
            .instance(*a)
            .ec2_instance_id
            .cmp(&world.instance(*b).ec2_instance_id)
    });
    let rng = cx.rng.stream(stream);
    let mut out = Vec::new();
    for _ in 0..count.min(pool.len() as u32) {
        let k = crate::engine::rng::uniform_ms(rng, 0, pool.len() as u64 - 1) as usize;
        out.push(pool.remove(k));
    }
    out
}

/// How many instances `asg` launches to even out its zones after an outage: moves of one instance from its
/// fullest zone to its emptiest, until they differ by at most one.
pub fn rebalance_launches(world: &World, cx: &Cx, asg: AsgIdx) -> usize {
    let spec = &cx.scenario.auto_scaling_groups[world.asgs[asg.index()].spec];
    let mut counts: Vec<usize> = spec
        .availability_zones
        .iter()
        .filter(|z| !world.zones_down.contains(z))
        .map(|z| {
            world.asgs[asg.index()]
                .instances
                .iter()
                .filter(|&&i| {
                    world.instance(i).status != InstanceStatus::Terminated
                        && *world.instance(i).availability_zone == **z
                })
                .count()
        })
        .collect();
    let mut moves = 0;
    loop {
        let (Some(&most), Some(&fewest)) = (counts.iter().max(), counts.iter().min()) else {
            return moves;
        };
        if most - fewest <= 1 {
            return moves;
        }
        let hi = counts.iter().position(|&c| c == most).expect("a maximum");
        let lo = counts.iter().position(|&c| c == fewest).expect("a minimum");
        counts[hi] -= 1;
        counts[lo] += 1;
        moves += 1;
    }
}
