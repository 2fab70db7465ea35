//! RunTask: standalone tasks from `[[events]] run_task` and `[[scheduled_tasks]]` (EventBridge → RunTask).
//!
//! Tasks that fit nowhere are not created; RunTask reports them in `failures[]` with a reason such as
//! `RESOURCE:MEMORY` (ECS-SEMANTICS §1.7), which ecsim writes as one event and counts in
//! `cluster.placement_failures`. Standalone tasks are never replaced and ignore their health.

use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::report::recorded::Scope;
use crate::scenario::RunTask;
use crate::world::{TaskDefIdx, TaskIdx, World};

use super::Ecs;
use super::service_scheduler::count_placement_failures;
use super::task_lifecycle::{self, NewTask};
use super::task_placement::{self, DefaultPlacement, PlacementRequest};

/// Runs `call` at `now`; `caller` names the event or schedule for the events log.
pub fn run_task(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    call: &RunTask,
    caller: &str,
) -> Vec<TaskIdx> {
    let td = TaskDefIdx(call.task_definition as u32);
    let td_name = world.taskdefs[td.index()].name.clone();
    // Where each task goes: an instance placement chose on EC2, a zone and provider on Fargate.
    let request = PlacementRequest {
        td,
        group: &call.group,
        placement: &call.placement,
        default: DefaultPlacement::RunTask,
        zone: None,
        service: None,
    };
    let mut homes = Vec::new();
    let failure = task_placement::choose_homes(
        now,
        world,
        cx,
        &mut ecs.placement,
        &call.launch,
        request,
        call.count,
        &mut homes,
    );
    let group: std::sync::Arc<str> = call.group.as_str().into();
    let mut started = Vec::new();
    for home in homes {
        let new = NewTask::at(world, td, None, group.clone(), home);
        started.push(task_lifecycle::create(
            now,
            world,
            cx,
            &mut ecs.scheduler,
            new,
        ));
    }
    if let Some(unplaced) = failure {
        let missing = call.count - started.len() as u32;
        count_placement_failures(world, cx, now, missing);
        cx.rec.event(
            now,
            Scope::Cluster,
            &cx.scenario.cluster.name,
            "RUN_TASK_FAILURE",
            format_args!(
                "RunTask ({caller}) of {td_name} could not place {missing} of {} tasks: {}",
                call.count,
                unplaced.reason()
            ),
        );
    }
    if !started.is_empty() {
        let ids = started
            .iter()
            .map(|&t| format!("(task {})", world.task(t).task_id))
            .collect::<Vec<_>>()
            .join(" ");
        cx.rec.event(
            now,
            Scope::Cluster,
            &cx.scenario.cluster.name,
            "RUN_TASK",
            format_args!(
                "RunTask ({caller}) started {} tasks of {td_name}: {ids}.",
                started.len()
            ),
        );
    }
    started
}
