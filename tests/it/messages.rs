//! Snapshots of the messages a user reads when a scenario is wrong or worth a second look: errors that say
//! what is wrong where and how to fix it, and notes. A change here is a change users will see: review the
//! diff of each `.snap` file.

use crate::support::*;

/// The rendered problems of scenario `text` loaded as `file` (its extension picks TOML or JSON), relative
/// files resolved in `dir`.
fn problems_in(file: &str, text: &str, dir: &std::path::Path) -> String {
    match ecsim::scenario::load_str(file, text, dir, &[]) {
        Ok(_) => panic!("{file} should be invalid"),
        Err(d) => d.render(false),
    }
}

/// The rendered problems of scenario `text` loaded as `file`.
fn problems(file: &str, text: &str) -> String {
    problems_in(file, text, &root())
}

#[test]
fn a_misspelt_field_is_reported_with_its_did_you_mean_instead_of_the_absence_it_causes() {
    let text = r#"name = "typos"
[simulation]
duration = "1h"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 1
max_size = 1
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", memroy = 256 }]
[[services]]
name = "web"
task_definition = "web"
desird_count = 2
placement_strategy = [{ type = "binpack", feild = "memory" }]
[[events]]
at = "1m"
run_tsk = { task_definition = "web" }
[[checks]]
metric = "cost.total_usd"
mx = 10
"#;
    insta::assert_snapshot!(problems("typos.toml", text));
}

#[test]
fn a_json_trailing_comma_says_so_and_how_to_fix_it() {
    let text = r#"{
  "name": "commas",
  "simulation": { "duration": "1h", },
  "auto_scaling_groups": []
}"#;
    let array = r#"{
  "name": "commas",
  "simulation": { "duration": "1h" },
  "auto_scaling_groups": [{ "name": "nodes", "instance_types": ["m5.large",], "min_size": 1, "max_size": 1 }]
}"#;
    insta::assert_snapshot!(format!(
        "{}{}",
        problems("object.json", text),
        problems("array.json", array)
    ));
}

#[test]
fn hints_for_a_json_scenario_use_json_syntax() {
    let text = r#"{
  "name": "hints",
  "simulation": { "duration": "1h" },
  "auto_scaling_groups": [{ "name": "nodes", "instance_types": "m5.large", "min_size": 1, "max_size": 1 }],
  "task_definitions": [{ "family": "web", "network_mode": "bridge", "requires_compatibilities": ["FARGATE"], "cpu": 256, "memory": 512,
    "container_definitions": [{ "name": "web", "image": "web:1" }] }],
  "services": [{ "name": "web", "task_definition": "web" }],
  "checks": [{ "metric": "cost.total_usd" }]
}"#;
    insta::assert_snapshot!(problems("hints.json", text));
}

#[test]
fn hints_for_an_aws_json_task_definition_use_its_camel_case_keys() {
    let dir = temp_dir("aws-json-hints");
    std::fs::write(
        dir.join("web.json"),
        r#"{
  "family": "web",
  "networkMode": "awsvpc",
  "containerDefinitions": [
    { "name": "web", "image": "web:1", "memory": 512, "portMappings": [{ "containerPort": 80, "hostPort": 8080 }] },
    { "name": "sidecar", "image": "side:1", "memory": 64, "healthCheck": { "interval": 10 } }
  ]
}"#,
    )
    .unwrap();
    let text = "name = \"aws\"\n[simulation]\nduration = \"1h\"\n[[task_definitions]]\nfile = \"web.json\"\n";
    let rendered = problems_in("aws.toml", text, &dir).replace(&dir.display().to_string(), "DIR");
    let _ = std::fs::remove_dir_all(dir);
    insta::assert_snapshot!(rendered);
}

#[test]
fn a_bad_trace_csv_is_reported_at_its_cells_with_how_to_fix_each() {
    let dir = temp_dir("trace-csv");
    std::fs::write(
        dir.join("peak.csv"),
        "time_s,rps\n0,10\n60,12.5\n120,lots\n180,20\n90,20\n240,-3\n300,30,eu-west-1a\n",
    )
    .unwrap();
    std::fs::write(dir.join("nohead.csv"), "0,10\n60,20\n").unwrap();
    let text = r#"name = "replay"
[simulation]
duration = "1h"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", memory = 256 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[workloads]]
name = "peak"
service = "web"
pattern = { type = "trace", file = "peak.csv" }
[[workloads]]
name = "nohead"
service = "web"
pattern = { type = "trace", file = "nohead.csv" }
[[workloads]]
name = "gone"
service = "web"
pattern = { type = "trace", file = "gone.csv" }
"#;
    let rendered =
        problems_in("replay.toml", text, &dir).replace(&dir.display().to_string(), "DIR");
    let _ = std::fs::remove_dir_all(dir);
    insta::assert_snapshot!(rendered);
}

#[test]
fn an_unclosed_toml_array_or_table_points_at_where_it_was_opened() {
    let array = r#"name = "open"
[simulation]
duration = "1h"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large",
  "m5.xlarge"
min_size = 1
max_size = 1
"#;
    let inline = r#"name = "open"
simulation = { duration = "1h"
[cluster]
name = "c"
"#;
    let header = r#"name = "open"
[[services]
name = "web"
"#;
    insta::assert_snapshot!(format!(
        "{}{}{}",
        problems("array.toml", array),
        problems("inline.toml", inline),
        problems("header.toml", header)
    ));
}

/// The notes of a valid scenario file under `scenarios/`, as `validate` prints them.
fn notes_of(name: &str) -> String {
    let loaded = ecsim::scenario::load(&root().join("scenarios").join(name), &[])
        .unwrap_or_else(|d| panic!("{name} should be valid:\n{}", d.render(false)));
    let root = format!("{}/", root().display());
    loaded
        .notes
        .iter()
        .map(|n| format!("note: {}: {}\n", n.location.replace(&root, ""), n.message))
        .collect()
}

// SPEC §2: a genuine AWS field that ecsim does not model is reported once as ignored; the read-only members
// of describe-task-definition output (`taskDefinitionArn`, `revision`, `status`, …) are not settings and are
// skipped without a note.
#[test]
fn notes_for_an_imported_describe_task_definition_output_name_only_ignored_settings() {
    insta::assert_snapshot!(notes_of("aws-cli-task-definition.toml"));
}

/// The notes of scenario `text` (TOML), as `validate` prints them.
fn notes_of_text(text: &str) -> String {
    load_toml(text)
        .notes
        .iter()
        .map(|n| format!("note: {}: {}\n", n.location, n.message))
        .collect()
}

// The advice of src/scenario/advice.rs: what would keep tasks from running, said before the run.
#[test]
fn notes_say_which_tasks_can_never_be_placed_and_why() {
    let text = r#"name = "advice"
[simulation]
duration = "1h"
[[auto_scaling_groups]]
name = "compute"
instance_types = ["c5.xlarge", "m5.2xlarge"]
min_size = 1
max_size = 1
availability_zones = ["us-east-1a"]
attributes = { team = "red" }
[[auto_scaling_groups]]
name = "memory"
instance_types = ["r5.large", "m6g.large", "t3.micro"]
min_size = 1
max_size = 1
availability_zones = ["us-east-1b", "us-east-1c"]
[[task_definitions]]
family = "huge"
cpu = 16384
memory = 65536
container_definitions = [{ name = "huge", image = "huge:1" }]
[[task_definitions]]
family = "wide"
cpu = 8192
container_definitions = [{ name = "wide", image = "wide:1", memory = 1024 }]
[[task_definitions]]
family = "mixed"
cpu = 4096
memory = 12288
container_definitions = [{ name = "mixed", image = "mixed:1" }]
[[task_definitions]]
family = "arm"
runtime_platform = { cpu_architecture = "ARM64" }
container_definitions = [{ name = "arm", image = "arm:1", memory = 256 }]
[[task_definitions]]
family = "windows"
container_definitions = [{ name = "w", image = "w:1", memory = 256 }]
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.os-type == windows" }]
[[task_definitions]]
family = "small"
container_definitions = [{ name = "small", image = "small:1", memory = 9000 }]
[[services]]
name = "huge"
task_definition = "huge"
desired_count = 1
[[services]]
name = "wide"
task_definition = "wide"
desired_count = 1
[[services]]
name = "mixed"
task_definition = "mixed"
desired_count = 1
[[services]]
name = "arm"
task_definition = "arm"
scheduling_strategy = "DAEMON"
[[services]]
name = "windows"
task_definition = "windows"
desired_count = 1
[[services]]
name = "blue"
task_definition = "small"
desired_count = 1
placement_constraints = [{ type = "memberOf", expression = "attribute:team == blue and attribute:ecs.instance-type =~ c5.*" }]
[[services]]
name = "red-only"
task_definition = "small"
desired_count = 1
placement_constraints = [{ type = "memberOf", expression = "attribute:team == red" }]
[[services]]
name = "waits-for-web"
task_definition = "small"
desired_count = 1
placement_constraints = [{ type = "memberOf", expression = "attribute:team == blue or task:group == service:web" }]
[[scheduled_tasks]]
name = "nightly"
schedule = "rate(1 hour)"
task_definition = "small"
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.availability-zone == us-east-1a" }]
[[events]]
at = "1m"
run_task = { task_definition = "small", placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.availability-zone in [us-east-1d, us-east-1e]" }] }
[[variants]]
name = "more"
set = { "services.huge.desired_count" = 2 }
"#;
    insta::assert_snapshot!(notes_of_text(text));
}

#[test]
fn a_service_on_ec2_in_a_cluster_without_auto_scaling_groups_is_noted() {
    let text = r#"name = "no-instances"
[simulation]
duration = "1h"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", memory = 256 }]
[[task_definitions]]
family = "fg"
cpu = 256
memory = 512
network_mode = "awsvpc"
requires_compatibilities = ["FARGATE"]
container_definitions = [{ name = "fg", image = "fg:1" }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[services]]
name = "on-fargate"
task_definition = "fg"
desired_count = 2
launch_type = "FARGATE"
"#;
    insta::assert_snapshot!(notes_of_text(text));
}

#[test]
fn a_misspelt_section_is_reported_instead_of_the_missing_section() {
    let text = "name = \"typo\"\n[simulaton]\nduration = \"1h\"\n";
    insta::assert_snapshot!(problems("section.toml", text), @r"
    section.toml:2:2: error: unknown field `simulaton` in the scenario
      | [simulaton]
      |  ^^^^^^^^^
      = help: did you mean `simulation`? (missing required section [simulation])
    1 problem found
    ");
}
