//! SPEC §2: field names are the snake_case of the AWS API member, and a genuine AWS field that ecsim does
//! not model is accepted and reported once as ignored. Every member of every AWS API shape the scenario file
//! mirrors (the checked-in list `aws_shapes.txt`, taken from botocore's service models) must therefore be
//! accepted where the shape is mirrored — never "unknown field". The read-only members of
//! `aws ecs describe-task-definition` output are skipped without a note.

use std::path::Path;

use crate::support::*;

/// A valid scenario holding every table that `aws_shapes.txt` names by a `--set` path.
const BASE: &str = r#"name = "aws-fields"
[simulation]
duration = "1h"
[cluster]
name = "c"
default_capacity_provider_strategy = [{ capacity_provider = "cp", weight = 1 }]
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 2
max_size = 2
[[capacity_providers]]
name = "cp"
auto_scaling_group = "nodes"
managed_scaling = { status = "ENABLED", target_capacity = 100 }
[[task_definitions]]
family = "web"
runtime_platform = { cpu_architecture = "X86_64", operating_system_family = "LINUX" }
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.os-type == linux" }]
[[task_definitions.container_definitions]]
name = "web"
image = "web:1"
memory = 256
port_mappings = [{ container_port = 80 }]
health_check = { command = ["CMD-SHELL", "true"] }
[[target_groups]]
name = "tg"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
placement_strategy = [{ type = "spread", field = "attribute:ecs.availability-zone" }]
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.os-type == linux" }]
load_balancers = [{ target_group = "tg", container_name = "web", container_port = 80 }]
[services.deployment_configuration]
deployment_circuit_breaker = { enable = true, rollback = true, threshold_configuration = { type = "COUNT", value = 3 } }
alarms = { alarm_names = ["cpu-high"], enable = true, rollback = false }
[[scalable_targets]]
service = "web"
min_capacity = 1
max_capacity = 4
[[scaling_policies]]
name = "tt"
service = "web"
policy_type = "TargetTrackingScaling"
target_tracking_scaling_policy_configuration = { target_value = 50, predefined_metric_specification = { predefined_metric_type = "ECSServiceAverageCPUUtilization" } }
[[scaling_policies]]
name = "custom"
service = "web"
policy_type = "TargetTrackingScaling"
target_tracking_scaling_policy_configuration = { target_value = 50, customized_metric_specification = { metric_name = "CPUUtilization", namespace = "AWS/ECS", statistic = "Average", dimensions = [{ name = "ServiceName", value = "web" }] } }
[[scaling_policies]]
name = "step"
service = "web"
policy_type = "StepScaling"
step_scaling_policy_configuration = { adjustment_type = "ChangeInCapacity", step_adjustments = [{ metric_interval_lower_bound = 0, scaling_adjustment = 1 }] }
[[alarms]]
alarm_name = "cpu-high"
namespace = "AWS/ECS"
metric_name = "CPUUtilization"
dimensions = [{ name = "ServiceName", value = "web" }]
statistic = "Average"
period = 60
evaluation_periods = 3
threshold = 70
comparison_operator = "GreaterThanOrEqualToThreshold"
alarm_actions = ["step"]
[[scheduled_actions]]
service = "web"
schedule = "cron(0 8 ? * MON-FRI *)"
min_capacity = 2
[[scheduled_tasks]]
name = "nightly"
schedule = "cron(0 2 * * ? *)"
task_definition = "web"
[[events]]
at = "5m"
run_task = { task_definition = "web", count = 1 }
[[events]]
at = "10m"
update_service = { service = "web", desired_count = 3 }
"#;

/// An AWS JSON task definition (describe-task-definition output) with a marker in each object that
/// `aws_shapes.txt` names as `json:<object>`.
const TASK_DEFINITION_JSON: &str = r#"{ /*response*/
  "taskDefinition": { /*taskDefinition*/
    "family": "batch",
    "runtimePlatform": { /*runtimePlatform*/ "cpuArchitecture": "X86_64" },
    "placementConstraints": [{ /*placementConstraints*/ "type": "memberOf", "expression": "attribute:ecs.os-type == linux" }],
    "containerDefinitions": [{ /*containerDefinitions*/
      "name": "batch", "image": "batch:1", "memory": 128,
      "portMappings": [{ /*portMappings*/ "containerPort": 8080 }],
      "healthCheck": { /*healthCheck*/ "command": ["CMD-SHELL", "true"] }
    }]
  }
}"#;

/// One line of `aws_shapes.txt`.
struct Shape {
    place: String,
    name: String,
    members: Vec<String>,
}

fn shapes() -> Vec<Shape> {
    let text = std::fs::read_to_string(root().join("tests/it/aws_shapes.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (head, members) = l.split_once(": ").expect("`<where> <service>:<Shape>: …`");
            let (place, name) = head.split_once(' ').unwrap();
            Shape {
                place: place.to_string(),
                name: name.to_string(),
                members: members.split_whitespace().map(str::to_string).collect(),
            }
        })
        .collect()
}

fn members_of<'a>(shapes: &'a [Shape], place: &str, name: &str) -> &'a [String] {
    &shapes
        .iter()
        .find(|s| s.place == place && s.name == name)
        .unwrap_or_else(|| panic!("{place} {name} is in aws_shapes.txt"))
        .members
}

/// The read-only members of `aws ecs describe-task-definition` output, as AWS spells them: TaskDefinition
/// members that RegisterTaskDefinition does not take.
fn read_only_task_definition_members(shapes: &[Shape]) -> Vec<String> {
    let register = members_of(
        shapes,
        "json:taskDefinition",
        "ecs:RegisterTaskDefinitionRequest",
    );
    members_of(shapes, "json:taskDefinition", "ecs:TaskDefinition")
        .iter()
        .filter(|m| !register.contains(m))
        .cloned()
        .collect()
}

/// Loads the base scenario with `member = "x"` in the table at `path`.
fn load_with(
    path: &str,
    member: &str,
) -> Result<ecsim::scenario::Loaded, ecsim::scenario::Diagnostics> {
    let set = format!("{path}.{member}=\"x\"");
    ecsim::scenario::load_str("aws-fields.toml", BASE, &root(), &[set])
}

/// Loads a scenario importing [`TASK_DEFINITION_JSON`] with `"member": "x"` in `object`.
fn load_json_with(
    dir: &Path,
    object: &str,
    member: &str,
) -> Result<ecsim::scenario::Loaded, ecsim::scenario::Diagnostics> {
    let mut json =
        TASK_DEFINITION_JSON.replace(&format!("/*{object}*/"), &format!("\"{member}\": \"x\","));
    while let Some(start) = json.find("/*") {
        let end = json[start..].find("*/").unwrap() + start + 2;
        json.replace_range(start..end, "");
    }
    std::fs::write(dir.join("batch.json"), json).unwrap();
    let scenario = "name = \"aws-json\"\n[simulation]\nduration = \"1h\"\n[[task_definitions]]\nfile = \"batch.json\"\n";
    ecsim::scenario::load_str("aws-json.toml", scenario, dir, &[])
}

fn unknown_field_problems(
    result: &Result<ecsim::scenario::Loaded, ecsim::scenario::Diagnostics>,
    member: &str,
) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(d) => {
            d.0.iter()
                .filter(|p| p.message.starts_with(&format!("unknown field `{member}`")))
                .map(|p| format!("{}: {}", p.location(), p.message))
                .collect()
        }
    }
}

#[test]
fn the_base_scenarios_of_this_test_are_valid() {
    load_toml(BASE);
    let dir = temp_dir("aws-fields-base");
    if let Err(d) = load_json_with(&dir, "response", "tags") {
        panic!("{}", d.render(false));
    }
    let _ = std::fs::remove_dir_all(dir);
}

// SPEC §2.
#[test]
fn every_member_of_every_mirrored_aws_shape_is_accepted_by_its_snake_case_name() {
    let mut rejected = Vec::new();
    for shape in shapes().iter().filter(|s| !s.place.starts_with("json:")) {
        for member in &shape.members {
            for problem in unknown_field_problems(&load_with(&shape.place, member), member) {
                rejected.push(format!(
                    "{} {member} ({}): {problem}",
                    shape.place, shape.name
                ));
            }
        }
    }
    assert!(
        rejected.is_empty(),
        "rejected AWS members:\n{}",
        rejected.join("\n")
    );
}

// SPEC §3.5: a native AWS task definition is read as AWS writes it.
#[test]
fn every_member_of_an_aws_json_task_definition_is_accepted_by_its_aws_name() {
    let dir = temp_dir("aws-fields-json");
    let mut rejected = Vec::new();
    for shape in shapes().iter().filter(|s| s.place.starts_with("json:")) {
        let object = shape.place.trim_start_matches("json:");
        for member in &shape.members {
            for problem in unknown_field_problems(&load_json_with(&dir, object, member), member) {
                rejected.push(format!("{object} {member} ({}): {problem}", shape.name));
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    assert!(
        rejected.is_empty(),
        "rejected AWS members:\n{}",
        rejected.join("\n")
    );
}

#[test]
fn read_only_members_of_describe_task_definition_output_are_skipped_without_a_note() {
    let shapes = shapes();
    let read_only = read_only_task_definition_members(&shapes);
    assert!(
        read_only.contains(&"revision".to_string())
            && read_only.contains(&"registeredAt".to_string())
    );
    let dir = temp_dir("aws-fields-read-only");
    for member in &read_only {
        let loaded = load_json_with(&dir, "taskDefinition", member)
            .unwrap_or_else(|d| panic!("{member}: {}", d.render(false)));
        assert!(loaded.notes.is_empty(), "{member}: {:?}", loaded.notes);
        let snake = member.chars().fold(String::new(), |mut s, c| {
            if c.is_ascii_uppercase() {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
            s
        });
        let loaded = load_with("task_definitions.web", &snake)
            .unwrap_or_else(|d| panic!("{snake}: {}", d.render(false)));
        assert!(
            loaded.notes.iter().all(|n| !n.message.contains(&snake)),
            "{snake}: {:?}",
            loaded.notes
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_genuine_aws_setting_that_is_not_simulated_keeps_its_one_note() {
    let dir = temp_dir("aws-fields-noted");
    for (object, member) in [
        ("taskDefinition", "taskRoleArn"),
        ("taskDefinition", "volumes"),
        ("containerDefinitions", "logConfiguration"),
        ("response", "tags"),
    ] {
        let loaded = load_json_with(&dir, object, member).unwrap();
        let notes: Vec<_> = loaded
            .notes
            .iter()
            .filter(|n| n.message.contains(&format!("`{member}`")))
            .collect();
        assert_eq!(notes.len(), 1, "{member}: {:?}", loaded.notes);
        assert!(
            notes[0]
                .message
                .ends_with("is an AWS field that ecsim does not model; it is ignored")
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    for (path, member) in [
        ("alarms.cpu-high", "evaluation_criteria"),
        ("alarms.cpu-high", "evaluation_interval"),
        ("auto_scaling_groups.nodes", "target_group_arns"),
    ] {
        let loaded =
            load_with(path, member).unwrap_or_else(|d| panic!("{member}: {}", d.render(false)));
        assert_eq!(
            loaded
                .notes
                .iter()
                .filter(|n| n.message.contains(&format!("`{member}`")))
                .count(),
            1,
            "{member}: {:?}",
            loaded.notes
        );
    }
}

#[test]
fn the_aws_name_of_a_field_the_scenario_renames_stands_for_that_field() {
    let text = r#"name = "aws-names"
[simulation]
duration = "1h"
[cluster]
cluster_name = "prod"
[[auto_scaling_groups]]
auto_scaling_group_name = "nodes"
instance_types = ["m5.large"]
min_size = 1
max_size = 1
[[capacity_providers]]
name = "cp"
auto_scaling_group_provider = { auto_scaling_group_arn = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:5f1e8c0a-0000-4000-8000-000000000000:autoScalingGroupName/nodes", managed_scaling = { status = "ENABLED", target_capacity = 90 }, managed_draining = "DISABLED" }
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", memory = 256 }]
[[services]]
service_name = "web"
task_definition = "web"
desired_count = 1
[[scalable_targets]]
service = "web"
min_capacity = 1
max_capacity = 3
[[scaling_policies]]
policy_name = "cpu"
service = "web"
policy_type = "TargetTrackingScaling"
target_tracking_scaling_policy_configuration = { target_value = 50, predefined_metric_specification = { predefined_metric_type = "ECSServiceAverageCPUUtilization" } }
[[scheduled_actions]]
scheduled_action_name = "morning"
service = "web"
schedule = "cron(0 8 * * ? *)"
scalable_target_action = { min_capacity = 2, max_capacity = 3 }
"#;
    let s = load_toml(text).scenario;
    assert_eq!(s.cluster.name, "prod");
    assert_eq!(s.auto_scaling_groups[0].name, "nodes");
    assert_eq!(s.services[0].name, "web");
    let cp = &s.capacity_providers[0];
    assert_eq!(
        (
            cp.auto_scaling_group,
            cp.target_capacity,
            cp.managed_draining
        ),
        (0, 90, false)
    );
    assert_eq!(
        (s.scaling.scaling_policies, s.scaling.scheduled_actions),
        (1, 1)
    );
    let set = ["services.web.desired_count=2".to_string()];
    let s = ecsim::scenario::load_str("aws-names.toml", text, &root(), &set)
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
        .scenario;
    assert_eq!(
        s.services[0].desired_count, 2,
        "--set finds a service by its service_name"
    );
}

#[test]
fn a_field_given_twice_under_its_name_its_aws_name_or_its_aws_nesting_is_an_error() {
    let text = r#"name = "twice"
[simulation]
duration = "1h"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 1
max_size = 1
[[capacity_providers]]
name = "cp"
auto_scaling_group = "nodes"
managed_draining = "ENABLED"
auto_scaling_group_provider = { managed_draining = "DISABLED", auto_scaling_group_arn = "nodes" }
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", memory = 256 }]
[[services]]
name = "web"
service_name = "web"
task_definition = "web"
desired_count = 1
"#;
    let rendered = match ecsim::scenario::load_str("twice.toml", text, &root(), &[]) {
        Ok(_) => panic!("giving a field twice is invalid"),
        Err(d) => d.render(false),
    };
    insta::assert_snapshot!(rendered);
}

#[test]
fn an_update_service_setting_that_is_not_applied_yet_is_noted_not_rejected() {
    let set = [
        "events.1.update_service.placement_strategy=[{ type = \"binpack\", field = \"memory\" }]"
            .to_string(),
        "events.1.update_service.desired_count=2".to_string(),
    ];
    let loaded = ecsim::scenario::load_str("aws-fields.toml", BASE, &root(), &set)
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let notes: Vec<&str> = loaded.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes.contains(&"`placement_strategy` in update_service is accepted but not applied yet: the service keeps the placement_strategy it was created with"),
        "{notes:?}"
    );
}
