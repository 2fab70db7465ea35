//! `[[services]]` (SPEC §3.8, ECS-SEMANTICS §1.2, §3, §4): counts, launch target, placement, deployment
//! configuration, grace period, AZ rebalancing, load balancers.
//!
//! Defaults are AWS's: REPLICA; deployment 100 %/200 % (DAEMON 0 %/100 %, and a DAEMON `maximum_percent` must
//! be 100); an omitted circuit breaker is disabled (§4.3 DECIDED) and inside the block `enable` and `rollback`
//! default to false, `reset_on_healthy_task` to true, the threshold to BOUNDED_PERCENT 50; grace period 0;
//! AZ rebalancing ENABLED except for binpack and DAEMON services (§3.5). REPLICA needs `desired_count`
//! (0–5000, the tasks-per-service quota); DAEMON takes none, runs on EC2 only and takes no strategy.
//! Load balancers (at most 5) and deployment alarms are validated but not simulated yet (one note each); the
//! circuit breaker is simulated (`ecs::deployment`). Only the ROLLING deployment strategy is simulated.

use super::model::{
    DeploymentCircuitBreaker, DeploymentConfiguration, LaunchTarget, LaunchType, LoadBalancer,
    PlacementStrategy, SchedulingStrategy, Service, TaskDefinition, ThresholdType,
};
use super::placement::{self, LaunchEnv};
use super::reader::{self, Cx, Table};
use super::target_groups;
use super::task_definitions;
use super::tree::Node;
use crate::engine::SimDuration;

/// Tasks per service (ECS-SEMANTICS §13).
pub const MAX_DESIRED_COUNT: u32 = 5000;
/// Target groups per service (ECS-SEMANTICS §5.2, §13).
pub const MAX_LOAD_BALANCERS: usize = 5;
/// `healthCheckGracePeriodSeconds` maximum (ECS-SEMANTICS §3.2).
pub const MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS: u32 = 2_147_483_647;
/// Default `placement_retry_interval` (ECS-SEMANTICS §1.7, DECIDED).
pub const DEFAULT_PLACEMENT_RETRY_INTERVAL: SimDuration = SimDuration::from_secs(60);

/// CreateService members the simulator does not model (snake_case).
const IGNORED: &[&str] = &[
    "cluster",
    "service_registries",
    "client_token",
    "platform_version",
    "role",
    "network_configuration",
    "deployment_controller",
    "tags",
    "enable_ecs_managed_tags",
    "propagate_tags",
    "enable_execute_command",
    "service_connect_configuration",
    "volume_configurations",
    "vpc_lattice_configurations",
    "gateway_connectors",
    "monitoring",
];

/// Everything a service may refer to.
pub(super) struct ServiceEnv<'a> {
    /// Launch targets.
    pub launch: LaunchEnv<'a>,
    /// Task definitions.
    pub task_definitions: &'a [TaskDefinition],
    /// Target group names.
    pub target_groups: &'a [String],
    /// `[[alarms]]` names.
    pub alarm_names: &'a [String],
}

/// Reads every service.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>, env: &ServiceEnv) -> Vec<Service> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[services]] entry") else {
            continue;
        };
        t.alias(cx, "name", "service_name");
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = t.get("name") {
            if !super::cluster::is_resource_name(&name) {
                cx.error(
                    n,
                    format!("`{name}` is not a valid service name"),
                    Some("use 1–255 letters, digits, hyphens and underscores".into()),
                );
            }
            names.push((name.clone(), n));
        }
        t.set_what(format!("service `{name}`"));
        out.push(read_one(cx, &mut t, name, env));
        t.finish(cx, IGNORED);
    }
    reader::check_duplicates(cx, &names, "service");
    out
}

fn read_one(cx: &mut Cx, t: &mut Table, name: String, env: &ServiceEnv) -> Service {
    let td_node = t.required(cx, "task_definition");
    let td_index = td_node.and_then(|n| task_definitions::resolve(cx, n, env.task_definitions));
    let td = td_index.map(|i| &env.task_definitions[i]);
    let daemon = t.enumeration(cx, "scheduling_strategy", &["REPLICA", "DAEMON"]) == Some("DAEMON");
    let desired_count = if daemon {
        if let Some(n) = t.get("desired_count") {
            cx.error(
                n,
                "DAEMON services take no desired_count",
                Some("remove it: a DAEMON service runs one task on each instance".into()),
            );
        }
        0
    } else {
        t.req_u32(cx, "desired_count", 0, MAX_DESIRED_COUNT)
            .unwrap_or(0)
    };
    let explicit_strategy = t.key("capacity_provider_strategy").is_some();
    let mut launch = placement::read_launch(cx, t, &env.launch);
    if daemon {
        if placement::is_fargate(&launch) {
            let at = t
                .get("launch_type")
                .or(t.get("capacity_provider_strategy"))
                .unwrap_or(t.node);
            cx.error(
                at,
                "DAEMON services are not available on Fargate",
                Some("use launch_type = \"EC2\", or scheduling_strategy = \"REPLICA\"".into()),
            );
        } else if explicit_strategy {
            let at = t.get("capacity_provider_strategy").unwrap_or(t.node);
            cx.error(
                at,
                "DAEMON services cannot use a capacity provider strategy",
                Some("use launch_type = \"EC2\"".into()),
            );
        }
        if matches!(launch, LaunchTarget::CapacityProviderStrategy(_)) {
            launch = LaunchTarget::LaunchType(LaunchType::Ec2);
        }
    }
    if let (Some(td), Some(n)) = (td, td_node) {
        placement::check_compatibility(cx, n, &launch, td);
    }
    let placement = placement::read_placement(cx, t, td, &launch, daemon);
    let deployment_configuration = t
        .get("deployment_configuration")
        .map(|n| deployment_configuration(cx, n, daemon, env.alarm_names))
        .unwrap_or_else(|| default_deployment(daemon));
    let grace = t
        .seconds(
            cx,
            "health_check_grace_period_seconds",
            0,
            MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
        )
        .unwrap_or(SimDuration::ZERO);
    let binpack = placement
        .strategy
        .iter()
        .any(|s| matches!(s, PlacementStrategy::Binpack(_)));
    let rebalancing = match t.get("availability_zone_rebalancing") {
        Some(n) => match reader::enumeration(cx, n, &["ENABLED", "DISABLED"]) {
            Some("ENABLED") if binpack || daemon => {
                let why = if daemon {
                    "DAEMON services"
                } else {
                    "services that use binpack"
                };
                cx.error(
                    n,
                    format!("AZ rebalancing is not available for {why}"),
                    Some("write \"DISABLED\" or leave it out".into()),
                );
                false
            }
            Some(v) => v == "ENABLED",
            None => false,
        },
        None => !(binpack || daemon),
    };
    let load_balancers = match t.get("load_balancers") {
        Some(n) => load_balancers(cx, n, td, env.target_groups),
        None => Vec::new(),
    };
    let retry = match t.get("placement_retry_interval") {
        Some(n) => match reader::human_duration(cx, n) {
            Some(d) if d == SimDuration::ZERO => {
                cx.error(
                    n,
                    "placement_retry_interval must be longer than 0s",
                    Some("write e.g. \"60s\"".into()),
                );
                DEFAULT_PLACEMENT_RETRY_INTERVAL
            }
            Some(d) => d,
            None => DEFAULT_PLACEMENT_RETRY_INTERVAL,
        },
        None => DEFAULT_PLACEMENT_RETRY_INTERVAL,
    };
    Service {
        name,
        task_definition: td_index.unwrap_or(0),
        desired_count,
        scheduling_strategy: if daemon {
            SchedulingStrategy::Daemon
        } else {
            SchedulingStrategy::Replica
        },
        launch,
        placement,
        deployment_configuration,
        health_check_grace_period: grace,
        availability_zone_rebalancing: rebalancing,
        load_balancers,
        placement_retry_interval: retry,
    }
}

/// AWS deployment defaults (ECS-SEMANTICS §4.1): REPLICA 100/200, DAEMON 0/100.
pub fn default_deployment(daemon: bool) -> DeploymentConfiguration {
    DeploymentConfiguration {
        minimum_healthy_percent: if daemon { 0 } else { 100 },
        maximum_percent: if daemon { 100 } else { 200 },
        deployment_circuit_breaker: None,
        alarm_names: Vec::new(),
        alarms_rollback: false,
    }
}

fn deployment_configuration(
    cx: &mut Cx,
    n: &Node,
    daemon: bool,
    alarms: &[String],
) -> DeploymentConfiguration {
    let mut d = default_deployment(daemon);
    let Some(mut t) = Table::new(cx, n, "deployment_configuration") else {
        return d;
    };
    if let Some(v) = t.u32(cx, "minimum_healthy_percent", 0, 100) {
        d.minimum_healthy_percent = v;
    }
    if let Some(mn) = t.get("maximum_percent")
        && let Some(v) = reader::u32_in(cx, mn, 100, 10_000)
    {
        if daemon && v != 100 {
            cx.error(
                mn,
                format!("a DAEMON service's maximum_percent must be 100, not {v}"),
                Some("write maximum_percent = 100 or leave it out".into()),
            );
        }
        d.maximum_percent = v;
    }
    if let Some(cb) = t.get("deployment_circuit_breaker") {
        d.deployment_circuit_breaker = circuit_breaker(cx, cb);
    }
    if let Some(a) = t.get("alarms") {
        if let Some(k) = t.key("alarms") {
            cx.not_simulated("services.deployment_configuration.alarms", k);
        }
        if let Some(mut at) = Table::new(cx, a, "deployment alarms") {
            let names_node = at.get("alarm_names");
            let enable = at.bool(cx, "enable").unwrap_or(false);
            d.alarms_rollback = at.bool(cx, "rollback").unwrap_or(false);
            at.finish(cx, &[]);
            let mut names = Vec::new();
            if let Some(items) = names_node.and_then(|n| reader::array(cx, n)) {
                for item in items {
                    if let Some(i) = reader::resolve(cx, item, alarms, "alarm") {
                        names.push(alarms[i].clone());
                    }
                }
            }
            if enable {
                d.alarm_names = names;
            }
        }
    }
    if let Some(s) = t.get("strategy")
        && let Some(v) = reader::enumeration(cx, s, &["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"])
        && v != "ROLLING"
    {
        cx.error(
            s,
            format!("the {v} deployment strategy is not simulated"),
            Some("use ROLLING (the default)".into()),
        );
    }
    t.finish(
        cx,
        &[
            "bake_time_in_minutes",
            "lifecycle_hooks",
            "linear_configuration",
            "canary_configuration",
            "early_success_criteria",
        ],
    );
    d
}

fn circuit_breaker(cx: &mut Cx, n: &Node) -> Option<DeploymentCircuitBreaker> {
    let mut t = Table::new(cx, n, "deployment_circuit_breaker")?;
    let mut cb = DeploymentCircuitBreaker {
        enable: t.bool(cx, "enable").unwrap_or(false),
        rollback: t.bool(cx, "rollback").unwrap_or(false),
        reset_on_healthy_task: t.bool(cx, "reset_on_healthy_task").unwrap_or(true),
        threshold_type: ThresholdType::BoundedPercent,
        threshold_value: 50,
    };
    if let Some(tc) = t.get("threshold_configuration")
        && let Some(mut tt) = Table::new(cx, tc, "threshold_configuration")
    {
        if let Some(v) = tt.enumeration(
            cx,
            "type",
            &["COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT"],
        ) {
            cb.threshold_type = match v {
                "COUNT" => ThresholdType::Count,
                "UNBOUNDED_PERCENT" => ThresholdType::UnboundedPercent,
                _ => ThresholdType::BoundedPercent,
            };
        }
        let hi = if cb.threshold_type == ThresholdType::BoundedPercent {
            100
        } else {
            u32::MAX
        };
        if let Some(v) = tt.u32(cx, "value", 1, hi) {
            cb.threshold_value = v;
        }
        tt.finish(cx, &[]);
    }
    t.finish(cx, &[]);
    Some(cb)
}

fn load_balancers(
    cx: &mut Cx,
    n: &Node,
    td: Option<&TaskDefinition>,
    tgs: &[String],
) -> Vec<LoadBalancer> {
    let Some(items) = reader::array(cx, n) else {
        return Vec::new();
    };
    if items.len() > MAX_LOAD_BALANCERS {
        cx.error(
            &items[MAX_LOAD_BALANCERS],
            format!("a service has at most {MAX_LOAD_BALANCERS} target groups"),
            Some("remove load balancer entries".into()),
        );
    }
    let mut out = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "load balancer") else {
            continue;
        };
        let tg_node = t.get("target_group").or(t.get("target_group_arn"));
        if tg_node.is_none() {
            t.required(cx, "target_group");
        }
        let tg = tg_node.and_then(|n| target_groups::resolve(cx, n, tgs));
        let cn_node = t.required(cx, "container_name");
        let container_name = cn_node
            .and_then(|n| reader::string(cx, n))
            .unwrap_or("")
            .to_string();
        let port_node = t.required(cx, "container_port");
        let port = port_node
            .and_then(|n| reader::u32_in(cx, n, 0, 65_535))
            .map(|p| p as u16);
        t.finish(cx, &["load_balancer_name", "advanced_configuration"]);
        if let (Some(td), Some(cnn)) = (td, cn_node) {
            match td
                .container_definitions
                .iter()
                .find(|c| c.name == container_name)
            {
                None => {
                    let names: Vec<String> = td
                        .container_definitions
                        .iter()
                        .map(|c| c.name.clone())
                        .collect();
                    reader::resolve_name(
                        cx,
                        cnn,
                        &container_name,
                        &names,
                        &format!("container of {}", td.family_revision()),
                    );
                }
                Some(c) => {
                    if let (Some(p), Some(pn)) = (port, port_node)
                        && !c.port_mappings.iter().any(|m| m.container_port == p)
                    {
                        let ports: Vec<String> = c
                            .port_mappings
                            .iter()
                            .map(|m| m.container_port.to_string())
                            .collect();
                        let hint = if ports.is_empty() {
                            format!(
                                "add a port_mappings entry with container_port = {p} to container `{container_name}`"
                            )
                        } else {
                            format!(
                                "container `{container_name}` maps ports {}",
                                ports.join(", ")
                            )
                        };
                        cx.error(
                            pn,
                            format!("container `{container_name}` has no port mapping for {p}"),
                            Some(hint),
                        );
                    }
                }
            }
        }
        out.push(LoadBalancer {
            target_group: tg.unwrap_or(0),
            container_name,
            container_port: port.unwrap_or(0),
        });
    }
    out
}
