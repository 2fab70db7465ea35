//! The service events the scheduler writes, in ECS's own sentences (ECS-SEMANTICS §3.4): the "has started"
//! and "has stopped" waves, repeatable events suppressed while their cause lasts (§1.7), and steady state,
//! with the completion of the PRIMARY deployment it marks (§4.1).

use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::world::{ServiceIdx, TaskIdx, World};

use super::EVENT_REPEAT_AFTER;
use crate::ecs::deployment;

/// `(task …) (task …)` as ECS lists tasks in service events, written without building a string.
pub(super) struct TaskList<'a>(&'a World, &'a [TaskIdx]);

impl std::fmt::Display for TaskList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, &t) in self.1.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "(task {})", self.0.task(t).task_id)?;
        }
        Ok(())
    }
}

pub(super) fn task_list<'a>(world: &'a World, tasks: &'a [TaskIdx]) -> TaskList<'a> {
    TaskList(world, tasks)
}

pub(super) fn write_started_event(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    s: ServiceIdx,
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
            "(service {name}) has started {} tasks: {}.",
            started.len(),
            task_list(world, started)
        ),
    );
}

pub(super) fn write_stopped_event(
    now: SimTime,
    world: &World,
    cx: &mut Cx,
    name: &str,
    stopped: &[TaskIdx],
) {
    if stopped.is_empty() {
        return;
    }
    cx.rec.event(
        now,
        Scope::Service,
        name,
        "TASKS_STOPPED",
        format_args!(
            "(service {name}) has stopped {} running tasks: {}.",
            stopped.len(),
            task_list(world, stopped)
        ),
    );
}

/// Writes a service event unless an event with the same cause (`key`) was written less than 6 h ago and the
/// cause has not cleared since (ECS-SEMANTICS §1.7).
pub(super) fn service_event_once(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    s: ServiceIdx,
    kind: &'static str,
    key: &str,
    message: String,
) {
    let svc = &mut world.services[s.index()];
    if svc
        .repeatable_events
        .get(key)
        .is_some_and(|at| now < *at + EVENT_REPEAT_AFTER)
    {
        return;
    }
    svc.repeatable_events.insert(key.to_string(), now);
    let name = svc.name.clone();
    cx.rec
        .event(now, Scope::Service, &name, kind, format_args!("{message}"));
}

/// Writes the steady-state event when the service enters steady state; returns whether it is steady.
pub(super) fn update_steady_state(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    s: ServiceIdx,
    settled: bool,
) -> bool {
    // Steady: every task RUNNING and healthy, and none still on its way out (a stopping task's replacement
    // may already be running, but the service has not settled until the old task is gone).
    let svc = &world.services[s.index()];
    let all_healthy = svc.tasks.len() as u32 == svc.counters.steady;
    let steady = settled && all_healthy;
    let svc = &mut world.services[s.index()];
    if steady && !svc.steady {
        // The cause of any repeated event has cleared.
        svc.repeatable_events.clear();
        deployment::on_steady(now, world, cx, s);
        let name = &world.services[s.index()].name;
        cx.rec.event(
            now,
            Scope::Service,
            name,
            "SERVICE_STEADY_STATE",
            format_args!("(service {name}) has reached a steady state."),
        );
    }
    world.services[s.index()].steady = steady;
    steady
}
