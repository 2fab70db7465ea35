//! What the scenario makes happen: `[[events]]` entries (service updates, RunTask, drains, terminations,
//! Availability Zone outages) and `[[scheduled_tasks]]`, applied through the controllers.

use crate::ec2;
use crate::ecs::{Ecs, deployment, run_task};
use crate::engine::{Phase, SimTime};
use crate::kernel::{Cx, Event};
use crate::report::recorded::Scope;
use crate::scenario::EventAction;
use crate::world::{AsgIdx, ServiceIdx, TaskDefIdx, World};

use super::build;

pub(super) fn on_scenario_event(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    i: usize,
) {
    let scenario = cx.scenario;
    let event = &scenario.events[i];
    match &event.action {
        EventAction::UpdateService {
            service,
            desired_count,
            task_definition,
            force_new_deployment,
        } => {
            let s = ServiceIdx(*service as u32);
            if let Some(d) = desired_count {
                let before = world.services[s.index()].desired_count;
                world.set_desired_count(s, *d);
                let svc = &mut world.services[s.index()];
                svc.placement_blocked = false;
                let name = svc.name.clone();
                cx.rec.event(
                    now,
                    Scope::Service,
                    &name,
                    "SERVICE_DESIRED_COUNT_UPDATED",
                    format_args!("UpdateService {name}: desiredCount {before} -> {d}."),
                );
            }
            // A different task definition (a `family` names its latest revision) or a forced deployment
            // starts a new PRIMARY deployment (ECS-SEMANTICS §4.2).
            let current = world.services[s.index()].task_definition();
            let td = task_definition.map_or(current, |t| TaskDefIdx(t as u32));
            if td != current || *force_new_deployment {
                deployment::on_update_service(now, world, cx, &mut ecs.scheduler, s, td);
            }
            ecs.scheduler.request_reconcile(cx, now, s);
        }
        EventAction::RunTask(call) => {
            run_task::run_task(now, world, cx, ecs, call, &format!("events.{i}"));
        }
        EventAction::DrainInstances {
            count,
            auto_scaling_group,
        } => {
            let picked = pick_instances(
                now,
                world,
                cx,
                i,
                "drain_instances",
                *count,
                *auto_scaling_group,
            );
            let drained: Vec<_> = picked
                .into_iter()
                .filter(|&inst| ec2::drain(now, world, cx, inst))
                .collect();
            ecs.on_instances_draining(now, world, cx, &drained);
        }
        EventAction::TerminateInstances {
            count,
            auto_scaling_group,
        } => {
            for inst in pick_instances(
                now,
                world,
                cx,
                i,
                "terminate_instances",
                *count,
                *auto_scaling_group,
            ) {
                terminate_instance(now, world, cx, ecs, inst, "terminate_instances event");
            }
        }
        EventAction::AzOutage {
            availability_zone,
            duration,
        } => on_zone_outage(now, world, cx, ecs, i, availability_zone, *duration),
        EventAction::SpotInterruption { .. } | EventAction::FargateCapacityShortage { .. } => {
            // Validated and noted as not simulated yet (scenario layer); nothing happens in this milestone.
        }
    }
}

/// The instances `[[events]]` entry `i` acts on: `count` drawn uniformly from the ACTIVE instances of the
/// group (or of every group), sorted by id, on the stream `events/<i>` (SPEC §3.11). Fewer than asked is
/// written as an event.
fn pick_instances(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    i: usize,
    action: &str,
    count: u32,
    auto_scaling_group: Option<usize>,
) -> Vec<crate::world::InstanceIdx> {
    let asg = auto_scaling_group.map(|a| AsgIdx(a as u32));
    let picked = ec2::pick_active(world, cx, asg, count, &format!("events/{i}"));
    if (picked.len() as u32) < count {
        let cluster = cx.scenario.cluster.name.clone();
        let message = format!(
            "{action} (events.{i}) asked for {count} instances; only {} were ACTIVE.",
            picked.len()
        );
        cx.rec.event(
            now,
            Scope::Cluster,
            &cluster,
            "EVENT_SHORT",
            format_args!("{message}"),
        );
    }
    picked
}

/// Terminates an EC2 instance: the control plane stops its tasks, EC2 terminates it and its group replaces
/// it, and services blocked on placement look again.
pub(super) fn terminate_instance(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    inst: crate::world::InstanceIdx,
    reason: &str,
) {
    if world.instance(inst).status == crate::world::InstanceStatus::Terminated {
        return;
    }
    ecs.on_instance_terminating(now, world, cx, inst);
    ec2::terminate(now, world, cx, inst, reason);
    ecs.on_instance_terminated(now, cx, inst);
    let asg = world.instance(inst).asg;
    for extra in ec2::reconcile(now, world, cx, asg) {
        terminate_instance(now, world, cx, ecs, extra, reason);
    }
}

pub(super) fn on_scheduled_task(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    i: usize,
) {
    let scenario = cx.scenario;
    let st = &scenario.scheduled_tasks[i];
    run_task::run_task(
        now,
        world,
        cx,
        ecs,
        &st.run_task,
        &format!("scheduled task {}", st.name),
    );
    if let Some(next) = build::next_fire(scenario, &st.schedule, now)
        && next > now
    {
        cx.schedule(next, Phase::ScenarioEvent, Event::ScheduledTask(i as u32));
    }
}

/// An Availability Zone goes out of service for `duration` (SPEC §3.11 `az_outage`): its instances are
/// terminated (their tasks stop at once, `TerminationNotice`) and so are its Fargate tasks; Auto Scaling
/// groups replace the instances in their other zones, nothing launches there until it is back, and the load
/// balancers stop routing there as its targets go with their tasks.
fn on_zone_outage(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    i: usize,
    zone: &str,
    duration: crate::engine::SimDuration,
) {
    if !world.zones_down.iter().any(|z| z == zone) {
        world.zones_down.push(zone.to_string());
    }
    let cluster = cx.scenario.cluster.name.clone();
    cx.rec.event(
        now,
        Scope::Cluster,
        &cluster,
        "AZ_OUTAGE",
        format_args!("Availability Zone {zone} is out of service for {duration} (events.{i})."),
    );
    let lost: Vec<crate::world::InstanceIdx> = (0..world.instances.len() as u32)
        .map(crate::world::InstanceIdx)
        .filter(|&inst| {
            let instance = world.instance(inst);
            &*instance.availability_zone == zone
                && instance.status != crate::world::InstanceStatus::Terminated
        })
        .collect();
    for inst in lost {
        terminate_instance(now, world, cx, ecs, inst, "Availability Zone outage");
    }
    let fargate: Vec<crate::world::TaskIdx> = (0..world.tasks.len() as u32)
        .map(crate::world::TaskIdx)
        .filter(|&t| {
            let task = world.task(t);
            task.is_active()
                && task.launch_type == crate::scenario::LaunchType::Fargate
                && &*task.availability_zone == zone
        })
        .collect();
    let reason: std::sync::Arc<str> =
        format!("Task stopped: Availability Zone {zone} is out of service.").into();
    for t in fargate {
        crate::ecs::task_lifecycle::kill(
            now,
            world,
            cx,
            &mut ecs.scheduler,
            t,
            crate::world::StopCode::TerminationNotice,
            reason.clone(),
        );
    }
    cx.schedule(
        now + duration,
        Phase::ScenarioEvent,
        Event::ZoneRestored(i as u32),
    );
}

/// The zone of `[[events]]` entry `i` is back: every group that uses it launches there until its zones are
/// balanced again, and terminates as many instances in its fullest zones once they register (EC2 Auto
/// Scaling launches before it terminates when it rebalances); services then place there again and may
/// rebalance their tasks.
pub(super) fn on_zone_restored(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    i: usize,
) {
    let EventAction::AzOutage {
        availability_zone: zone,
        ..
    } = &cx.scenario.events[i].action
    else {
        return;
    };
    world.zones_down.retain(|z| z != zone);
    let cluster = cx.scenario.cluster.name.clone();
    cx.rec.event(
        now,
        Scope::Cluster,
        &cluster,
        "AZ_RECOVERED",
        format_args!("Availability Zone {zone} is back in service (events.{i})."),
    );
    let _ = ecs;
    for a in 0..world.asgs.len() {
        let asg = AsgIdx(a as u32);
        let spec = &cx.scenario.auto_scaling_groups[world.asgs[a].spec];
        if !spec.availability_zones.iter().any(|z| z == zone) {
            continue;
        }
        for _ in 0..ec2::rebalance_launches(world, cx, asg) {
            if ec2::launch(now, world, cx, asg, false).is_none() {
                break;
            }
        }
    }
}
