//! Services: counts, launch target, placement, deployment configuration, load balancers; target groups.

use super::*;
use crate::scenario::model::{
    LaunchTarget, LaunchType, PlacementConstraint, PlacementStrategy, SpreadField,
};

/// EC2 task definition `web:1` (container `app` on port 80) and Fargate `fg:1`, then `rest`.
fn with_tds(rest: &str) -> String {
    format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"app\", image = \"i\", memory = 64, port_mappings = [{{ container_port = 80 }}] }}]\n\
         [[task_definitions]]\nfamily = \"fg\"\nrequires_compatibilities = [\"FARGATE\"]\ncpu = 256\nmemory = 512\ncontainer_definitions = [{{ name = \"a\", image = \"i\" }}]\n{rest}"
    )
}

/// One service `s` on `web` with extra fields (starts at line 14).
fn service(fields: &str) -> String {
    with_tds(&format!(
        "[[services]]\nname = \"s\"\ntask_definition = \"web\"\ndesired_count = 2\n{fields}\n"
    ))
}

#[test]
fn a_replica_service_needs_desired_count() {
    let d = one_error(&with_tds(
        "[[services]]\nname = \"s\"\ntask_definition = \"web\"\n",
    ));
    assert_eq!(
        d.message,
        "missing required field `desired_count` in service `s`"
    );
    assert_eq!(d.line, 13);
}

#[test]
fn launch_type_and_capacity_provider_strategy_are_mutually_exclusive() {
    let d = one_error(&service(
        "launch_type = \"EC2\"\ncapacity_provider_strategy = [{ capacity_provider = \"FARGATE\", weight = 1 }]",
    ));
    assert_eq!(
        d.message,
        "launch_type and capacity_provider_strategy cannot both be given"
    );
    assert_eq!(d.line, 18);
}

#[test]
fn a_launch_type_keeps_the_aws_spelling() {
    let d = one_error(&service("launch_type = \"Fargate\""));
    assert_eq!(d.message, "unknown value `Fargate`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `FARGATE`?"));
}

#[test]
fn the_task_definition_must_be_compatible_with_the_launch_type() {
    let d = one_error(&service("launch_type = \"FARGATE\""));
    assert_eq!(
        d.message,
        "task definition web:1 is not compatible with FARGATE"
    );
    assert_eq!((d.line, d.column), (15, 19));
    let d = one_error(&with_tds(
        "[[services]]\nname = \"s\"\ntask_definition = \"fg\"\ndesired_count = 1\n",
    ));
    assert_eq!(
        d.message,
        "task definition fg:1 requires FARGATE but this runs on EC2"
    );
}

#[test]
fn the_cluster_default_strategy_is_the_default_launch_target() {
    let text = format!(
        "{}[cluster]\ndefault_capacity_provider_strategy = [{{ capacity_provider = \"FARGATE\", weight = 1 }}]\n",
        with_tds("[[services]]\nname = \"s\"\ntask_definition = \"fg\"\ndesired_count = 1\n")
    );
    let s = load_toml(&text).unwrap().scenario;
    assert!(
        matches!(&s.services[0].launch, LaunchTarget::CapacityProviderStrategy(items) if items[0].capacity_provider == "FARGATE")
    );
}

// ECS-SEMANTICS §1.2: at most 5 strategy rules.
#[test]
fn at_most_five_placement_strategy_rules() {
    let rules = ["{ type = \"random\" }"; 6].join(", ");
    let d = one_error(&service(&format!("placement_strategy = [{rules}]")));
    assert_eq!(d.message, "at most 5 placement strategy rules are allowed");
}

// ECS-SEMANTICS §1.2: at most 10 constraints, task definition and service together.
#[test]
fn constraints_count_together_with_the_task_definitions() {
    let td_constraints =
        ["{ type = \"memberOf\", expression = \"attribute:ecs.os-type == linux\" }"; 6].join(", ");
    let svc_constraints =
        ["{ type = \"memberOf\", expression = \"attribute:ecs.os-type == linux\" }"; 5].join(", ");
    let text = format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\nplacement_constraints = [{td_constraints}]\ncontainer_definitions = [{{ name = \"a\", image = \"i\", memory = 64 }}]\n\
         [[services]]\nname = \"s\"\ntask_definition = \"web\"\ndesired_count = 1\nplacement_constraints = [{svc_constraints}]\n"
    );
    let d = one_error(&text);
    assert_eq!(
        d.message,
        "11 placement constraints with the task definition's; at most 10 are allowed"
    );
    assert_eq!(d.line, 12);
}

#[test]
fn placement_strategy_and_template_are_mutually_exclusive() {
    let d = one_error(&service(
        "placement_strategy = [{ type = \"random\" }]\nplacement_template = \"BinPack\"",
    ));
    assert_eq!(
        d.message,
        "placement_strategy and placement_template cannot both be given"
    );
}

// ECS-SEMANTICS §14: console templates.
#[test]
fn placement_templates_expand_to_their_strategies_and_constraints() {
    let s = load_toml(&service("placement_template = \"AZ Balanced Spread\""))
        .unwrap()
        .scenario;
    assert_eq!(
        s.services[0].placement.strategy,
        [
            PlacementStrategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
            PlacementStrategy::Spread(SpreadField::InstanceId)
        ]
    );
    let s = load_toml(&service("placement_template = \"One Task Per Host\""))
        .unwrap()
        .scenario;
    assert!(matches!(
        s.services[0].placement.constraints[..],
        [PlacementConstraint::DistinctInstance]
    ));
    assert!(!s.services[0].placement.strategy_given);
    let d = one_error(&service("placement_template = \"AZ Balanced Binpack\""));
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `AZ Balanced BinPack`?")
    );
    let d = one_error(&service("placement_template = \"Custom\""));
    assert_eq!(
        d.message,
        "the Custom template means giving the rules yourself"
    );
}

#[test]
fn strategy_fields_are_checked_per_type() {
    let e = errors(&service(
        "placement_strategy = [{ type = \"binpack\", field = \"CPU\" }, { type = \"spread\", field = \"instanceID\" }, { type = \"spread\" }]",
    ));
    let got: Vec<(&str, Option<&str>)> = e
        .iter()
        .map(|d| (d.message.as_str(), d.hint.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("unknown value `CPU`", Some("did you mean `cpu`?")),
            (
                "unknown spread field `instanceID`",
                Some("did you mean `instanceId`? (or attribute:<name>)")
            ),
            (
                "spread needs a `field`",
                Some("add field = \"attribute:ecs.availability-zone\" or field = \"instanceId\"")
            ),
        ]
    );
}

#[test]
fn fargate_services_take_no_placement_fields() {
    let d = one_error(&with_tds(
        "[[services]]\nname = \"s\"\ntask_definition = \"fg\"\ndesired_count = 1\nlaunch_type = \"FARGATE\"\nplacement_template = \"BinPack\"\n",
    ));
    assert_eq!(
        d.message,
        "Fargate supports no placement strategies or constraints"
    );
}

// ECS-SEMANTICS §3.1, §4.1: DAEMON rules.
#[test]
fn daemon_services_take_no_desired_count_no_strategy_and_maximum_percent_100() {
    let text = with_tds(
        "[[services]]\nname = \"d\"\ntask_definition = \"web\"\nscheduling_strategy = \"DAEMON\"\ndesired_count = 1\nplacement_strategy = [{ type = \"random\" }]\ndeployment_configuration = { maximum_percent = 200 }\n",
    );
    let msgs: Vec<String> = errors(&text).into_iter().map(|d| d.message).collect();
    assert_eq!(
        msgs,
        [
            "DAEMON services take no desired_count",
            "DAEMON services take no placement strategy",
            "a DAEMON service's maximum_percent must be 100, not 200"
        ]
    );
}

#[test]
fn daemon_services_are_not_available_on_fargate() {
    let d = one_error(&with_tds(
        "[[services]]\nname = \"d\"\ntask_definition = \"fg\"\nscheduling_strategy = \"DAEMON\"\nlaunch_type = \"FARGATE\"\n",
    ));
    assert_eq!(d.message, "DAEMON services are not available on Fargate");
}

#[test]
fn deployment_percents_have_aws_ranges() {
    let e = errors(&service(
        "deployment_configuration = { minimum_healthy_percent = 101, maximum_percent = 99 }",
    ));
    let hints: Vec<&str> = e.iter().map(|d| d.hint.as_deref().unwrap()).collect();
    assert_eq!(
        hints,
        [
            "write an integer from 0 to 100",
            "write an integer from 100 to 10000"
        ]
    );
}

// ECS-SEMANTICS §4.3: threshold types.
#[test]
fn circuit_breaker_threshold_type_is_an_aws_enum() {
    let d = one_error(&service(
        "deployment_configuration = { deployment_circuit_breaker = { enable = true, threshold_configuration = { type = \"PERCENT\" } } }",
    ));
    assert_eq!(d.message, "unknown value `PERCENT`");
    assert_eq!(
        d.hint.as_deref(),
        Some("valid values: COUNT, BOUNDED_PERCENT, UNBOUNDED_PERCENT")
    );
}

#[test]
fn deployment_alarm_names_must_be_defined_alarms() {
    let d = one_error(&service(
        "deployment_configuration = { alarms = { alarm_names = [\"cpu\"], enable = true } }",
    ));
    assert_eq!(d.message, "unknown alarm `cpu`");
    assert_eq!(
        d.hint.as_deref(),
        Some("the scenario defines no alarm; define it first")
    );
}

#[test]
fn az_rebalancing_cannot_be_enabled_with_binpack() {
    let d = one_error(&service(
        "placement_template = \"BinPack\"\navailability_zone_rebalancing = \"ENABLED\"",
    ));
    assert_eq!(
        d.message,
        "AZ rebalancing is not available for services that use binpack"
    );
}

fn with_tg(fields: &str) -> String {
    service(&format!("{fields}\n[[target_groups]]\nname = \"tg\""))
}

#[test]
fn load_balancers_name_a_target_group_and_a_mapped_container_port() {
    let e = errors(&with_tg(
        "load_balancers = [{ target_group = \"tgg\", container_name = \"app\", container_port = 8080 }, { target_group = \"tg\", container_name = \"ap\", container_port = 80 }]",
    ));
    let got: Vec<(&str, Option<&str>)> = e
        .iter()
        .map(|d| (d.message.as_str(), d.hint.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("unknown target group `tgg`", Some("did you mean `tg`?")),
            (
                "container `app` has no port mapping for 8080",
                Some("container `app` maps ports 80")
            ),
            (
                "unknown container of web:1 `ap`",
                Some("did you mean `app`?")
            ),
        ]
    );
}

#[test]
fn duplicate_service_names_are_errors() {
    let d = one_error(&format!(
        "{}[[services]]\nname = \"s\"\ntask_definition = \"web\"\ndesired_count = 1\n",
        service("")
    ));
    assert_eq!(
        d.message,
        "duplicate service `s` (first defined at s.toml:14:8)"
    );
}

// ECS-SEMANTICS §5.1, §5.2: target group ranges.
#[test]
fn target_group_ranges_and_rules() {
    let tg = |f: &str| format!("{BASE}[[target_groups]]\nname = \"tg\"\n{f}\n");
    assert_eq!(
        one_error(&tg("health_check_interval_seconds = 4"))
            .hint
            .as_deref(),
        Some("write an integer from 5 to 300")
    );
    assert_eq!(
        one_error(&tg(
            "health_check_interval_seconds = 10\nhealth_check_timeout_seconds = 10"
        ))
        .message,
        "health check timeout 10s must be less than the interval 10s"
    );
    assert_eq!(
        one_error(&tg("healthy_threshold_count = 11"))
            .hint
            .as_deref(),
        Some("write an integer from 2 to 10")
    );
    assert_eq!(
        one_error(&tg("deregistration_delay_seconds = 3601"))
            .hint
            .as_deref(),
        Some("write an integer from 0 to 3600")
    );
    assert_eq!(
        one_error(&tg("slow_start_seconds = 10")).hint.as_deref(),
        Some("write 0 (off) or 30 to 900")
    );
    assert_eq!(
        one_error(&tg("load_balancing_algorithm_type = \"weighted_random\"")).message,
        "weighted_random is valid on AWS but not simulated"
    );
    assert_eq!(
        one_error(&tg("slow_start_seconds = 30\nload_balancing_algorithm_type = \"least_outstanding_requests\"")).message,
        "slow start cannot be combined with least_outstanding_requests"
    );
    assert_eq!(
        one_error(&tg("load_balancing_algorithm_type = \"round-robin\""))
            .hint
            .as_deref(),
        Some("did you mean `round_robin`?")
    );
}

#[test]
fn run_task_count_is_1_to_10() {
    let d = one_error(&with_tds(
        "[[events]]\nat = \"1m\"\nrun_task = { task_definition = \"web\", count = 11 }\n",
    ));
    assert_eq!(d.message, "11 is out of range");
    assert_eq!(d.hint.as_deref(), Some("write an integer from 1 to 10"));
}

#[test]
fn run_task_on_fargate_uses_the_launch_type() {
    let s = load_toml(&with_tds("[[events]]\nat = \"1m\"\nrun_task = { task_definition = \"fg\", launch_type = \"FARGATE\" }\n")).unwrap().scenario;
    match &s.events[0].action {
        crate::scenario::model::EventAction::RunTask(rt) => {
            assert_eq!(
                (rt.count, rt.launch.clone(), rt.group.as_str()),
                (
                    1,
                    LaunchTarget::LaunchType(LaunchType::Fargate),
                    "family:fg"
                )
            );
        }
        other => panic!("{other:?}"),
    }
}
