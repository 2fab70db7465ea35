//! `[[events]]` (SPEC §3.11): what happens at a given simulated time.
//!
//! Each entry has `at` (a human duration from t = 0) and exactly one action. `update_service` needs at least
//! one of `task_definition`, `desired_count`, `force_new_deployment`; a DAEMON service takes no desired count.
//! A different task definition or `force_new_deployment = true` starts a rolling deployment
//! (`ecs::deployment`).
//! `spot_interruption` needs a spot group; `az_outage` a zone of the cluster. `az_outage`,
//! `spot_interruption` and `fargate_capacity_shortage` are validated but not simulated yet (one note per
//! kind). An event after the end of the run never happens and is noted.
//!
//! `update_service` and `run_task` accept every member of AWS's UpdateService and RunTask requests: those
//! that change a service's settings ecsim models elsewhere (`placement_strategy`, …) are noted as not applied
//! yet, the rest (`cluster`, networking, tags, …) as not modelled.

use super::model::{
    AutoScalingGroup, EventAction, Market, ScenarioEvent, SchedulingStrategy, Service, Simulation,
    TaskDefinition,
};
use super::placement::LaunchEnv;
use super::reader::{self, Cx, Table};
use super::scheduled_tasks;
use super::task_definitions;
use super::tree::Node;
use crate::engine::SimTime;

/// The action names, in the order SPEC §3.11 lists them.
pub const ACTIONS: [&str; 7] = [
    "update_service",
    "run_task",
    "drain_instances",
    "terminate_instances",
    "az_outage",
    "spot_interruption",
    "fargate_capacity_shortage",
];

/// UpdateService members that ecsim models on a service but does not apply from an update yet (snake_case).
pub const UPDATE_SERVICE_NOT_APPLIED: [&str; 7] = [
    "capacity_provider_strategy",
    "deployment_configuration",
    "availability_zone_rebalancing",
    "placement_constraints",
    "placement_strategy",
    "health_check_grace_period_seconds",
    "load_balancers",
];

/// UpdateService members the simulator does not model (snake_case).
pub const IGNORED_UPDATE_SERVICE_FIELDS: &[&str] = &[
    "cluster",
    "network_configuration",
    "platform_version",
    "deployment_controller",
    "enable_execute_command",
    "enable_ecs_managed_tags",
    "propagate_tags",
    "service_registries",
    "service_connect_configuration",
    "volume_configurations",
    "vpc_lattice_configurations",
    "gateway_connectors",
    "monitoring",
];

/// What events may refer to.
pub(super) struct EventEnv<'a> {
    /// `[simulation]`.
    pub simulation: &'a Simulation,
    /// Cluster zones.
    pub zones: &'a [String],
    /// Groups.
    pub asgs: &'a [AutoScalingGroup],
    /// Services.
    pub services: &'a [Service],
    /// Task definitions.
    pub task_definitions: &'a [TaskDefinition],
    /// Launch targets for `run_task`.
    pub launch: LaunchEnv<'a>,
}

/// Reads every event.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>, env: &EventEnv) -> Vec<ScenarioEvent> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut t) = Table::new(cx, item, &format!("event {i}")) else {
            continue;
        };
        let at_node = t.required(cx, "at");
        let at = at_node
            .and_then(|n| reader::human_duration(cx, n))
            .unwrap_or_default();
        if let (Some(n), true) = (at_node, at > env.simulation.duration) {
            cx.note_once(
                &format!("late-event:{i}"),
                n,
                format!(
                    "event {i} at {at} is after the end of the run ({}); it never happens",
                    env.simulation.duration
                ),
            );
        }
        let present: Vec<&str> = ACTIONS
            .iter()
            .copied()
            .filter(|a| t.key(a).is_some())
            .collect();
        let mut action = None;
        for name in ACTIONS {
            let Some(n) = t.get(name) else { continue };
            if present.len() == 1 {
                action = read_action(cx, name, n, env);
                if matches!(name, "spot_interruption" | "fargate_capacity_shortage")
                    && let Some(k) = t.key(name)
                {
                    cx.not_simulated(&format!("events.{name}"), k);
                }
            }
        }
        let hint = format!("give exactly one of: {}", ACTIONS.join(", "));
        if present.is_empty() {
            t.absent_fields(cx, &ACTIONS, format!("event {i} has no action"), hint);
        } else if present.len() > 1 {
            cx.error(
                t.get(present[1]).unwrap_or(item),
                format!(
                    "event {i} has {} actions; each event has exactly one",
                    present.len()
                ),
                Some(hint),
            );
        }
        t.finish(cx, &[]);
        if let Some(action) = action {
            out.push(ScenarioEvent {
                at: SimTime::ZERO + at,
                action,
            });
        }
    }
    out
}

fn group(cx: &mut Cx, t: &mut Table, env: &EventEnv, required: bool) -> Option<Option<usize>> {
    let names: Vec<String> = env.asgs.iter().map(|g| g.name.clone()).collect();
    let node = if required {
        t.required(cx, "auto_scaling_group")
    } else {
        t.get("auto_scaling_group")
    };
    match node {
        Some(n) => reader::resolve(cx, n, &names, "auto scaling group").map(Some),
        None if required => None,
        None => Some(None),
    }
}

fn read_action(cx: &mut Cx, name: &str, n: &Node, env: &EventEnv) -> Option<EventAction> {
    let mut t = Table::new(cx, n, name)?;
    let mark = cx.diags.len();
    let action = match name {
        "update_service" => {
            let mut not_applied = false;
            for field in UPDATE_SERVICE_NOT_APPLIED {
                if let Some(k) = t.key(field) {
                    not_applied = true;
                    t.get(field);
                    cx.note_once(
                        &format!("update_service:{field}"),
                        k,
                        format!("`{field}` in update_service is accepted but not applied yet: the service keeps the {field} it was created with"),
                    );
                }
            }
            let names: Vec<String> = env.services.iter().map(|s| s.name.clone()).collect();
            let service = t
                .required(cx, "service")
                .and_then(|s| reader::resolve(cx, s, &names, "service"));
            let td_node = t.get("task_definition");
            let task_definition =
                td_node.and_then(|n| task_definitions::resolve(cx, n, env.task_definitions));
            // The new revision must run where the service runs (AWS rejects the update otherwise).
            if let (Some(s), Some(td), Some(n)) = (service, task_definition, td_node) {
                super::placement::check_compatibility(
                    cx,
                    n,
                    &env.services[s].launch,
                    &env.task_definitions[td],
                );
            }
            let dc_node = t.get("desired_count");
            let desired_count =
                dc_node.and_then(|n| reader::u32_in(cx, n, 0, super::services::MAX_DESIRED_COUNT));
            let force = t.bool(cx, "force_new_deployment");
            if t.key("task_definition").is_none()
                && dc_node.is_none()
                && force != Some(true)
                && !not_applied
            {
                cx.error(
                    n,
                    "update_service changes nothing",
                    Some(
                        "give task_definition, desired_count or force_new_deployment = true".into(),
                    ),
                );
            }
            if let (Some(s), Some(dn)) = (service, dc_node)
                && env.services[s].scheduling_strategy == SchedulingStrategy::Daemon
            {
                cx.error(
                    dn,
                    "a DAEMON service takes no desired_count",
                    Some("remove desired_count".into()),
                );
            }
            EventAction::UpdateService {
                service: service.unwrap_or(0),
                task_definition,
                desired_count,
                force_new_deployment: force.unwrap_or(false),
            }
        }
        "run_task" => EventAction::RunTask(scheduled_tasks::run_task(
            cx,
            &mut t,
            &env.launch,
            env.task_definitions,
        )),
        "drain_instances" | "terminate_instances" => {
            let count = t
                .req_u32(cx, "count", 1, super::auto_scaling_groups::MAX_GROUP_SIZE)
                .unwrap_or(1);
            let auto_scaling_group = group(cx, &mut t, env, false).flatten();
            if name == "drain_instances" {
                EventAction::DrainInstances {
                    count,
                    auto_scaling_group,
                }
            } else {
                EventAction::TerminateInstances {
                    count,
                    auto_scaling_group,
                }
            }
        }
        "az_outage" => {
            let zone = t
                .required(cx, "availability_zone")
                .and_then(|z| super::cluster::zone(cx, z, &env.simulation.region, Some(env.zones)));
            let duration = t
                .required(cx, "duration")
                .and_then(|d| reader::human_duration(cx, d));
            EventAction::AzOutage {
                availability_zone: zone.unwrap_or_default(),
                duration: duration.unwrap_or_default(),
            }
        }
        "spot_interruption" => {
            let count = t
                .req_u32(cx, "count", 1, super::auto_scaling_groups::MAX_GROUP_SIZE)
                .unwrap_or(1);
            let g = group(cx, &mut t, env, true).flatten();
            if let (Some(g), Some(gn)) = (g, t.get("auto_scaling_group"))
                && env.asgs[g].market != Market::Spot
            {
                cx.error(
                    gn,
                    format!(
                        "auto scaling group `{}` is on-demand; spot interruptions hit spot groups",
                        env.asgs[g].name
                    ),
                    Some("name a group with market = \"spot\"".into()),
                );
            }
            EventAction::SpotInterruption {
                count,
                auto_scaling_group: g.unwrap_or(0),
            }
        }
        _ => {
            let duration = t
                .required(cx, "duration")
                .and_then(|d| reader::human_duration(cx, d));
            EventAction::FargateCapacityShortage {
                duration: duration.unwrap_or_default(),
            }
        }
    };
    let ignored = match name {
        "run_task" => scheduled_tasks::IGNORED_RUN_TASK_FIELDS,
        "update_service" => IGNORED_UPDATE_SERVICE_FIELDS,
        _ => &[],
    };
    t.finish(cx, ignored);
    (!cx.failed_since(mark)).then_some(action)
}
