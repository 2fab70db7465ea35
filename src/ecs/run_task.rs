//! RunTask: standalone tasks from `[[events]] run_task` and `[[scheduled_tasks]]` (EventBridge → RunTask).
//!
//! Tasks that fit nowhere are not created; RunTask reports them in `failures[]` with a reason such as
//! `RESOURCE:MEMORY` (ECS-SEMANTICS §1.7), which ecsim writes as one event and counts in
//! `cluster.placement_failures`. Standalone tasks are never replaced and ignore their health.

use crate::engine::SimTime;
use crate::report::recorded::Scope;
use crate::scenario::{LaunchType, RunTask};
use crate::sim::Cx;
use crate::sim::placement::{self, DefaultPlacement};
use crate::world::{TaskDefIdx, TaskIdx, World};

use super::service_scheduler::launch_type_of;
use super::task_lifecycle::{self, NewTask, TaskHome};

/// Runs `call` at `now`; `caller` names the event or schedule for the events log.
pub fn run_task(
    now: SimTime,
    world: &mut World,
    cx: &mut Cx,
    call: &RunTask,
    caller: &str,
) -> Vec<TaskIdx> {
    let td = TaskDefIdx(call.task_definition as u32);
    let td_name = cx.taskdefs[td.index()].name.clone();
    // Where each task goes: a zone and provider on Fargate, an instance placement chose on EC2.
    let (homes, failure): (Vec<TaskHome>, _) = match launch_type_of(&call.launch) {
        LaunchType::Fargate => {
            let homes =
                crate::fargate::homes_for(world, cx, &call.launch, &call.group, None, call.count);
            (homes.into_iter().map(TaskHome::Fargate).collect(), None)
        }
        LaunchType::Ec2 => {
            let (chosen, failure) = placement::place_batch(
                now,
                world,
                cx,
                td,
                &call.group,
                &call.placement,
                DefaultPlacement::RunTask,
                call.count,
            );
            (
                chosen.into_iter().map(TaskHome::Instance).collect(),
                failure,
            )
        }
    };
    let mut started = Vec::new();
    for home in homes {
        let new = NewTask::at(world, td, None, call.group.clone(), home);
        started.push(task_lifecycle::create(now, world, cx, new));
    }
    if let Some(unplaced) = failure {
        let missing = call.count - started.len() as u32;
        cx.count_placement_failures(now, missing);
        cx.rec.event(
            now,
            Scope::Cluster,
            &cx.scenario.cluster.name.clone(),
            "RUN_TASK_FAILURE",
            format!(
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
            &cx.scenario.cluster.name.clone(),
            "RUN_TASK",
            format!(
                "RunTask ({caller}) started {} tasks of {td_name}: {ids}.",
                started.len()
            ),
        );
    }
    started
}
