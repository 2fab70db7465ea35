//! DAEMON services (ECS-SEMANTICS §3.1): one task on every ACTIVE container instance that satisfies the
//! service's constraints, placed first and stopped last on DRAINING instances.
//!
//! A DAEMON service reconciles per instance: it looks only at the instances it was woken for (every
//! instance for its placement retry, at the start, and while a deployment replaces its tasks, since the
//! deployment's bounds are counted over all of them). Kept apart from the REPLICA rule in `mod.rs`, which
//! it shares nothing with but the service events and the stop helpers.

use crate::ecs::deployment;
use crate::ecs::task_placement as placement;
use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::scenario::SchedulingStrategy;
use crate::world::{InstanceIdx, InstanceStatus, ServiceIdx, TaskHome, TaskIdx, TaskStatus, World};

use super::service_events::write_stopped_event;
use super::{
    DaemonScope, Ecs, count_placement_failures, is_unhealthy_past_grace, minimum_healthy_tasks,
    placement_failed, scheduler_stop, start_tasks, stop_unhealthy,
};

/// Returns whether the service has nothing left to do (for the steady-state event).
pub(super) fn reconcile_daemon(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    s: ServiceIdx,
) -> bool {
    let name = cx.scenario.services[s.index()].name.clone();
    let mut stopped = Vec::new();
    let mut failure: Option<placement::Unplaced> = None;
    let blocked = world.services[s.index()].placement_blocked;
    // The instances it was woken for (a timer or the start: all of them; during a deployment all of them
    // too, since its bounds are counted over every instance).
    let svc = &world.services[s.index()];
    let deploying = svc.deploying();
    let halted = !deployment::launches_allowed(world, s);
    let instances: Vec<InstanceIdx> = match ecs.scheduler.take_scope(s) {
        DaemonScope::Instances(mut v) if !deploying => {
            v.sort_unstable();
            v.dedup();
            v
        }
        _ => (0..world.instances.len() as u32).map(InstanceIdx).collect(),
    };
    // A deployment stops older deployments' tasks within `minimumHealthyPercent` (ECS-SEMANTICS §3.1
    // defaults 0 %/100 %: stop first, then place the new task once the old one is gone), healthy ones
    // counting against the floor; a FAILED deployment stops none (§4.2).
    let dc = &cx.scenario.services[s.index()].deployment_configuration;
    let mut may_stop = match deploying && !halted {
        true => svc.counters.healthy.saturating_sub(minimum_healthy_tasks(
            svc.desired_count,
            dc.minimum_healthy_percent,
        )),
        false => 0,
    };
    let n = world.instances.len();
    let svc = &mut world.services[s.index()];
    svc.eligible_instances.resize(n, false);
    svc.unplaced_instances.resize(n, false);
    // `explain`: what happened on each registered instance, told when the scheduler placed, stopped or could
    // not place a task (ECS-SEMANTICS §3.1).
    let mut story = DaemonStory::new(cx.rec.narrating());
    for inst in instances {
        let i = inst.index();
        // Looked at afresh: eligible and unplaced are set again below where they hold.
        let svc = &mut world.services[s.index()];
        svc.eligible_instances[i] = false;
        let was_unplaced = std::mem::replace(&mut svc.unplaced_instances[i], false);
        let status = world.instance(inst).status;
        if matches!(
            status,
            InstanceStatus::Launching | InstanceStatus::Terminated
        ) {
            continue;
        }
        let id = world.instance(inst).ec2_instance_id.clone();
        let mine: Vec<TaskIdx> = world
            .instance(inst)
            .tasks
            .iter()
            .copied()
            .filter(|&t| world.task(t).service == Some(s) && world.task(t).is_active())
            .collect();
        if status == InstanceStatus::Draining {
            // PENDING daemon tasks stop at once; running ones last, once every REPLICA service task on the
            // instance has stopped (standalone tasks are unaffected by draining and are not waited for).
            let replicas_left = world.instance(inst).tasks.iter().any(|&t| {
                world.task(t).service.is_some_and(|o| {
                    cx.scenario.services[o.index()].scheduling_strategy
                        == SchedulingStrategy::Replica
                })
            });
            let mut waits = false;
            for &t in &mine {
                if !replicas_left || world.task(t).last_status < TaskStatus::Running {
                    scheduler_stop(now, world, cx, ecs, s, t, &mut stopped);
                    story.acted = true;
                } else {
                    waits = true;
                }
            }
            story.line(|| match (mine.is_empty(), waits) {
                (true, _) => format!("{id} is DRAINING: it receives no daemon task."),
                (false, true) => format!(
                    "{id} is DRAINING: its daemon task stops last, once the other service tasks on it have stopped."
                ),
                (false, false) => format!(
                    "{id} is DRAINING and no other service task is left on it: its daemon task stops."
                ),
            });
            continue;
        }
        if let Some(violated) = placement::daemon_violation(world, cx, &mut ecs.placement, s, inst)
        {
            // Tasks on an instance that no longer satisfies the constraints are stopped (§3.1).
            story.line(|| {
                let then = if mine.is_empty() {
                    "no task"
                } else {
                    "its task stops"
                };
                format!("{id} does not satisfy {violated}: {then}.")
            });
            if !mine.is_empty() {
                story.acted = true;
                for t in mine {
                    scheduler_stop(now, world, cx, ecs, s, t, &mut stopped);
                }
                let message = format!(
                    "(service {name}) stopped its task on container instance {id}, which no longer satisfies the service's placement constraints."
                );
                cx.rec.event(
                    now,
                    Scope::Service,
                    &name,
                    "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
                    format_args!("{message}"),
                );
            }
            continue;
        }
        world.services[s.index()].eligible_instances[i] = true;
        for t in mine {
            if is_unhealthy_past_grace(now, world, cx, t) {
                stop_unhealthy(now, world, cx, ecs, s, t, &mut stopped);
                story.acted = true;
                story.line(|| format!("{id}: its task is UNHEALTHY and stops; a new one follows."));
            } else if deploying && world.services[s.index()].is_old(world.task(t).deployment) {
                let healthy = world.task(t).counts_as_healthy();
                if !halted && (!healthy || may_stop > 0) {
                    may_stop -= u32::from(healthy);
                    scheduler_stop(now, world, cx, ecs, s, t, &mut stopped);
                    story.acted = true;
                    story.line(|| {
                        format!("{id}: its task belongs to an older deployment and stops; the new one follows.")
                    });
                } else {
                    story.line(|| {
                        format!(
                            "{id}: its task of an older deployment waits (minimumHealthyPercent)."
                        )
                    });
                }
            }
        }
        // A task of this service still on the instance (running, or stopping and holding its resources)
        // means there is nothing to place yet; its STOPPED transition reconciles again.
        let own: Vec<bool> = world
            .instance(inst)
            .tasks
            .iter()
            .filter(|&&t| world.task(t).service == Some(s))
            .map(|&t| world.task(t).is_active())
            .collect();
        if !own.is_empty() {
            if own.iter().any(|active| !active) {
                story.line(|| format!("{id}: waits for its stopping task to stop."));
            } else {
                story.line(|| format!("{id} runs its task already."));
            }
            continue;
        }
        if halted {
            story.line(|| format!("{id}: the deployment FAILED and launches no task."));
            continue;
        }
        if blocked {
            world.services[s.index()].unplaced_instances[i] = was_unplaced;
            story.line(|| format!("{id}: waits for capacity (the placement retry)."));
            continue;
        }
        match placement::daemon_fits(world, cx, &mut ecs.placement, s, inst) {
            Ok(()) => {
                let mut homes = std::mem::take(&mut ecs.launches.homes);
                homes.clear();
                homes.push(TaskHome::Instance(inst));
                start_tasks(now, world, cx, ecs, s, &mut homes);
                ecs.launches.homes = homes;
                story.acted = true;
                story.line(|| format!("{id}: placed a task."));
            }
            Err(unplaced) => {
                // Each instance its task does not fit on counts once, however many retries (SPEC §4).
                world.services[s.index()].unplaced_instances[i] = true;
                if !was_unplaced {
                    count_placement_failures(world, cx, now, 1);
                }
                story.acted = true;
                story.line(|| format!("{id}: not placed: {}.", unplaced.failure));
                failure.get_or_insert(unplaced);
            }
        }
    }
    let svc = &world.services[s.index()];
    let eligible = svc.eligible_instances.iter().filter(|&&e| e).count() as u32;
    world.set_desired_count(s, eligible);
    story.tell(now, cx, &name, eligible);
    write_stopped_event(now, world, cx, &name, &stopped);
    let failed = failure.is_some();
    if let Some(unplaced) = failure {
        placement_failed(now, world, cx, ecs, s, &unplaced);
    }
    // Settled: one task with desiredStatus RUNNING on every eligible instance and on no other, nothing
    // waiting for room, nothing stopped now.
    let svc = &world.services[s.index()];
    let (mut on_eligible, mut active, mut old) = (0, 0, 0);
    for t in world.active_tasks_of(s) {
        active += 1;
        old += u32::from(svc.is_old(world.task(t).deployment));
        if world
            .task(t)
            .instance
            .is_some_and(|i| svc.eligible_instances.get(i.index()) == Some(&true))
        {
            on_eligible += 1;
        }
    }
    !failed
        && !svc.placement_blocked
        && stopped.is_empty()
        && on_eligible == active
        && active == eligible
        && old == 0
}

/// The `explain` narration of one DAEMON reconcile: a line per registered instance, told only when the
/// scheduler did something (placed, stopped, or could not place a task).
struct DaemonStory {
    lines: Option<Vec<String>>,
    acted: bool,
}

impl DaemonStory {
    fn new(narrating: bool) -> Self {
        DaemonStory {
            lines: narrating.then(Vec::new),
            acted: false,
        }
    }

    fn line(&mut self, sentence: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.push(sentence());
        }
    }

    fn tell(self, now: SimTime, cx: &mut Cx, service: &str, eligible: u32) {
        let Some(lines) = self.lines else {
            return;
        };
        if !self.acted {
            return;
        }
        let mut text = format!(
            "DAEMON service {service}: one task on each ACTIVE instance that satisfies its constraints ({eligible} such instance{}).",
            if eligible == 1 { "" } else { "s" }
        );
        for l in lines {
            text.push('\n');
            text.push_str(&l);
        }
        cx.rec.narrate(now, text);
    }
}
