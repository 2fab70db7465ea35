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
use super::task_lifecycle::{self, NewTask};

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
    let mut started = Vec::new();
    match launch_type_of(&call.launch) {
        LaunchType::Fargate => {
            let zones = crate::fargate::zones_for(world, cx, &call.group, None, call.count);
            let provider = crate::fargate::capacity_provider(&call.launch);
            for az in zones {
                started.push(task_lifecycle::create(
                    now,
                    world,
                    cx,
                    NewTask {
                        task_definition: td,
                        service: None,
                        group: call.group.clone(),
                        launch_type: LaunchType::Fargate,
                        capacity_provider: provider.clone(),
                        instance: None,
                        availability_zone: az,
                    },
                ));
            }
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
            for inst in chosen {
                let az = world.instance(inst).availability_zone.clone();
                started.push(task_lifecycle::create(
                    now,
                    world,
                    cx,
                    NewTask {
                        task_definition: td,
                        service: None,
                        group: call.group.clone(),
                        launch_type: LaunchType::Ec2,
                        capacity_provider: None,
                        instance: Some(inst),
                        availability_zone: az,
                    },
                ));
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
        }
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
