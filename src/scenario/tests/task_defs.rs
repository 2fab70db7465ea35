//! Task definitions (ECS-SEMANTICS §1.2, §2.2, §2.3, §11.1, §13) and native AWS JSON import (§14).

use super::*;
use crate::scenario::model::{LaunchType, NetworkMode, PlacementConstraint};

/// A scenario whose one task definition has the given top fields and one container with `container`.
fn td(top: &str, container: &str) -> String {
    format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\n{top}\n[[task_definitions.container_definitions]]\nname = \"app\"\nimage = \"nginx:1\"\n{container}\n"
    )
}

// ECS-SEMANTICS §11.1: FARGATE needs awsvpc and task-level cpu and memory forming a valid size.
#[test]
fn fargate_memory_must_be_valid_for_the_cpu_and_the_hint_lists_the_valid_values() {
    let d = one_error(&td(
        "requires_compatibilities = [\"FARGATE\"]\ncpu = \"256\"\nmemory = \"4 GB\"",
        "",
    ));
    assert_eq!(
        d.message,
        "4096 MiB is not a valid Fargate memory size for 256 CPU units"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("with cpu 256, memory must be one of 512, 1024, 2048")
    );
    assert_eq!((d.line, d.column, d.snippet.as_str()), (8, 10, "\"4 GB\""));
}

#[test]
fn fargate_requires_task_level_cpu_and_memory() {
    let d = one_error(&td(
        "requires_compatibilities = [\"FARGATE\"]",
        "memory = 64",
    ));
    assert_eq!(d.message, "FARGATE requires task-level cpu and memory");
    assert_eq!((d.line, d.column), (4, 1));
}

#[test]
fn fargate_requires_awsvpc() {
    let d = one_error(&td(
        "requires_compatibilities = [\"FARGATE\"]\ncpu = 256\nmemory = 512\nnetwork_mode = \"bridge\"",
        "",
    ));
    assert_eq!(d.message, "FARGATE requires network_mode awsvpc");
    assert_eq!(d.line, 9);
}

#[test]
fn fargate_network_mode_defaults_to_awsvpc() {
    let l = load_toml(&td(
        "requires_compatibilities = [\"FARGATE\"]\ncpu = \"1 vCPU\"\nmemory = \"2GB\"",
        "",
    ))
    .unwrap();
    let t = &l.scenario.task_definitions[0];
    assert_eq!(
        (t.network_mode, t.cpu, t.memory),
        (NetworkMode::Awsvpc, Some(1024), Some(2048))
    );
}

#[test]
fn an_unparseable_cpu_string_explains_the_accepted_forms() {
    let d = one_error(&td("cpu = \"1 core\"\nmemory = 512", ""));
    assert_eq!(d.message, "`1 core` is not a CPU amount");
    assert!(d.hint.as_deref().unwrap().contains("\"0.5 vCPU\""));
}

// ECS-SEMANTICS §1.1/§2.3: without task memory every container needs memory or memoryReservation.
#[test]
fn a_container_needs_memory_or_memory_reservation_without_task_memory() {
    let d = one_error(&td("", ""));
    assert_eq!(
        d.message,
        "container `app` needs `memory` or `memory_reservation`"
    );
    assert_eq!((d.line, d.column), (7, 1));
}

#[test]
fn memory_reservation_must_not_exceed_memory() {
    let d = one_error(&td("", "memory = 256\nmemory_reservation = 512"));
    assert_eq!(d.message, "memory_reservation 512 is above memory 256");
    assert_eq!((d.line, d.column), (11, 22));
}

#[test]
fn containers_must_fit_the_task_level_cpu_and_memory() {
    let e = errors(&td("cpu = 256\nmemory = 512", "cpu = 512\nmemory = 1024"));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    // The sums are reported at the container list (its first header), which comes before the memory line.
    assert_eq!(
        msgs,
        [
            "containers reserve 512 CPU units, more than the task's 256",
            "containers reserve 1024 MiB, more than the task's 512 MiB",
            "container memory 1024 MiB is above the task's 512 MiB"
        ]
    );
}

#[test]
fn at_least_one_container_must_be_essential() {
    let d = one_error(&td("", "memory = 64\nessential = false"));
    assert_eq!(d.message, "no container is essential");
}

#[test]
fn a_task_definition_has_at_most_ten_containers() {
    let containers: Vec<String> = (0..11)
        .map(|i| format!("{{ name = \"c{i}\", image = \"i\", memory = 64 }}"))
        .collect();
    let d = one_error(&format!(
        "{BASE}[[task_definitions]]\nfamily = \"w\"\ncontainer_definitions = [{}]\n",
        containers.join(", ")
    ));
    assert_eq!(
        d.message,
        "a task definition has 1 to 10 containers, found 11"
    );
}

// ECS-SEMANTICS §2.2: health check ranges.
#[test]
fn health_check_ranges_are_enforced() {
    let e = errors(&td(
        "",
        "memory = 64\nhealth_check = { command = [\"CMD\", \"true\"], interval = 4, timeout = 61, retries = 0, start_period = 301 }",
    ));
    let hints: Vec<&str> = e.iter().map(|d| d.hint.as_deref().unwrap_or("")).collect();
    assert_eq!(
        hints,
        [
            "write an integer from 5 to 300",
            "write an integer from 2 to 60",
            "write an integer from 1 to 10",
            "write an integer from 0 to 300"
        ]
    );
}

#[test]
fn a_health_check_command_starts_with_cmd_or_cmd_shell() {
    let d = one_error(&td(
        "",
        "memory = 64\nhealth_check = { command = [\"curl\", \"localhost\"] }",
    ));
    assert_eq!(
        d.message,
        "a health check command starts with \"CMD\" or \"CMD-SHELL\""
    );
}

#[test]
fn stop_timeout_is_2_to_120_seconds_on_fargate() {
    let d = one_error(&td(
        "requires_compatibilities = [\"FARGATE\"]\ncpu = 256\nmemory = 512",
        "stop_timeout = 121",
    ));
    assert_eq!(d.hint.as_deref(), Some("write an integer from 2 to 120"));
    assert!(
        load_toml(&td("", "memory = 64\nstop_timeout = 600")).is_ok(),
        "no maximum on EC2"
    );
}

#[test]
fn in_awsvpc_mode_host_port_must_equal_container_port() {
    let d = one_error(&td(
        "network_mode = \"awsvpc\"",
        "memory = 64\nport_mappings = [{ container_port = 80, host_port = 8080 }]",
    ));
    assert_eq!(
        d.message,
        "in awsvpc mode host_port must equal container_port (80)"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("write host_port = 80, or leave it out")
    );
}

#[test]
fn ports_are_0_to_65535_and_a_host_port_is_used_once() {
    let e = errors(&td(
        "",
        "memory = 64\nport_mappings = [{ container_port = 70000 }, { container_port = 80, host_port = 80 }, { container_port = 81, host_port = 80 }]",
    ));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs[0], "70000 is out of range");
    assert!(
        msgs[1].starts_with("host port 80 is used twice in this task"),
        "{msgs:?}"
    );
}

// ECS-SEMANTICS §1.2: distinctInstance is not allowed in a task definition.
#[test]
fn distinct_instance_is_not_allowed_in_a_task_definition() {
    let d = one_error(&td(
        "placement_constraints = [{ type = \"distinctInstance\" }]",
        "memory = 64",
    ));
    assert_eq!(
        d.message,
        "distinctInstance is not allowed in a task definition"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("put it in the service's or RunTask's placement_constraints")
    );
}

// ECS-SEMANTICS §1.6: memberOf is parsed by the cluster query language; errors point inside the string.
#[test]
fn a_member_of_syntax_error_points_at_the_character_inside_the_string() {
    let text = td(
        "placement_constraints = [{ type = \"memberOf\", expression = \"attribute:ecs.instance-type == t2.micro andd x\" }]",
        "memory = 64",
    );
    let d = one_error(&text);
    assert!(
        d.message.starts_with("invalid memberOf expression: "),
        "{}",
        d.message
    );
    let line_text = text.lines().nth(d.line - 1).unwrap();
    let col_byte = line_text.char_indices().nth(d.column - 1).unwrap().0;
    assert!(line_text[col_byte..].starts_with(&d.snippet), "{d:?}");
    assert!(
        d.column > 60,
        "points inside the expression, not at its start: {d:?}"
    );
}

#[test]
fn a_member_of_expression_is_at_most_2000_characters() {
    let long = format!("attribute:a == {}", "x".repeat(2000));
    let d = one_error(&td(
        &format!("placement_constraints = [{{ type = \"memberOf\", expression = \"{long}\" }}]"),
        "memory = 64",
    ));
    assert_eq!(
        d.message,
        "memberOf expression is 2015 characters long; AWS allows 2000"
    );
}

#[test]
fn revisions_are_referenced_by_family_rev_and_unknown_ones_get_a_hint() {
    let two = format!(
        "{}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"a\", image = \"i\", memory = 64 }}]\n",
        td("", "memory = 64")
    );
    let ok = format!(
        "{two}[[services]]\nname = \"s\"\ntask_definition = \"arn:aws:ecs:us-east-1:1:task-definition/web:1\"\ndesired_count = 1\n"
    );
    assert_eq!(
        load_toml(&ok).unwrap().scenario.services[0].task_definition,
        0
    );
    let d = one_error(&format!(
        "{two}[[services]]\nname = \"s\"\ntask_definition = \"web:3\"\ndesired_count = 1\n"
    ));
    assert_eq!(d.message, "unknown task definition `web:3`");
    assert_eq!(d.hint.as_deref(), Some("family `web` has revisions 1 to 2"));
    let d = one_error(&format!(
        "{two}[[services]]\nname = \"s\"\ntask_definition = \"wbe\"\ndesired_count = 1\n"
    ));
    assert_eq!(d.hint.as_deref(), Some("did you mean `web`?"));
}

#[test]
fn windows_and_external_are_valid_on_aws_but_not_simulated() {
    let e = errors(&td(
        "requires_compatibilities = [\"EXTERNAL\"]\nruntime_platform = { operating_system_family = \"WINDOWS_SERVER_2022_FULL\" }",
        "memory = 64",
    ));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "compatibility EXTERNAL is not simulated",
            "WINDOWS_SERVER_2022_FULL is valid on AWS but not simulated"
        ]
    );
}

// ECS-SEMANTICS §14: describe-task-definition output imports as it is; ignored fields are noted once.
#[test]
fn describe_task_definition_output_imports_with_each_ignored_setting_noted_once_and_read_only_fields_skipped()
 {
    let text = format!(
        "{BASE}[[task_definitions]]\nfile = \"taskdef-describe.json\"\n[[task_definitions]]\nfile = \"taskdef-describe.json\"\n"
    );
    let l = load_toml(&text).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let tds = &l.scenario.task_definitions;
    assert_eq!(
        tds.iter().map(|t| t.family_revision()).collect::<Vec<_>>(),
        ["batch:1", "batch:2"],
        "revisions follow the scenario, not the file"
    );
    let c = &tds[0].container_definitions[0];
    assert_eq!(
        (c.name.as_str(), c.cpu, c.memory, c.essential),
        ("job", 100, Some(256), true)
    );
    assert_eq!(tds[0].requires_compatibilities, [LaunchType::Ec2]);
    assert_eq!(tds[0].network_mode, NetworkMode::Bridge);
    let count = |f: &str| {
        l.notes
            .iter()
            .filter(|n| n.message.starts_with(&format!("`{f}` is an AWS field")))
            .count()
    };
    for f in ["command", "logConfiguration", "volumes", "tags"] {
        assert_eq!(count(f), 1, "{f}");
    }
    for f in [
        "taskDefinitionArn",
        "status",
        "revision",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
    ] {
        assert_eq!(
            count(f),
            0,
            "{f} is read-only output: skipped without a note"
        );
    }
    let log = l
        .notes
        .iter()
        .find(|n| n.message.starts_with("`logConfiguration`"))
        .unwrap();
    assert!(
        log.location.ends_with("taskdef-describe.json:16:17"),
        "{}",
        log.location
    );
}

#[test]
fn register_task_definition_input_imports_fargate_sizes_health_checks_and_runtime_platform() {
    let l = load_toml(&format!(
        "{BASE}[[task_definitions]]\nfile = \"taskdef-register.json\"\n"
    ))
    .unwrap();
    let t = &l.scenario.task_definitions[0];
    assert_eq!(
        (t.family.as_str(), t.cpu, t.memory),
        ("worker", Some(256), Some(512))
    );
    assert_eq!(t.requires_compatibilities, [LaunchType::Fargate]);
    assert_eq!(
        t.runtime_platform.cpu_architecture,
        Some(crate::catalog::CpuArchitecture::Arm64)
    );
    let c = &t.container_definitions[0];
    let hc = c.health_check.as_ref().unwrap();
    assert_eq!(
        (
            hc.interval.as_ms(),
            hc.timeout.as_ms(),
            hc.retries,
            hc.start_period.as_ms()
        ),
        (15_000, 3_000, 4, 20_000)
    );
    assert_eq!(c.stop_timeout.map(|d| d.as_ms()), Some(90_000));
    assert_eq!(c.port_mappings[0].host_port, Some(9000));
    let msgs: Vec<&str> = l.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        msgs.contains(
            &"`executionRoleArn` is an AWS field that ecsim does not model; it is ignored"
        ),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"`entryPoint` is an AWS field that ecsim does not model; it is ignored"),
        "{msgs:?}"
    );
}

#[test]
fn errors_in_an_imported_json_file_point_into_that_file() {
    let dir = std::env::temp_dir().join(format!("ecsim-aws-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.json"), "{\n  \"family\": \"x\",\n  \"containerDefinitions\": [\n    { \"name\": \"a\", \"image\": \"i\", \"memmory\": 5 }\n  ]\n}\n").unwrap();
    let e = load_str(
        "s.toml",
        &format!("{BASE}[[task_definitions]]\nfile = \"bad.json\"\n"),
        &dir,
        &[],
    )
    .unwrap_err()
    .0;
    let got: Vec<(String, usize, usize, &str)> = e
        .iter()
        .map(|d| {
            (
                d.file.rsplit('/').next().unwrap().to_string(),
                d.line,
                d.column,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(
            "bad.json".into(),
            4,
            34,
            "unknown field `memmory` in container `a`"
        )],
        "the misspelling replaces the missing memory it causes"
    );
    assert_eq!(
        e[0].hint.as_deref(),
        Some("did you mean `memory`? (container `a` needs `memory` or `memory_reservation`)")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_task_definition_file_is_an_error_at_the_file_value() {
    let d = one_error(&format!(
        "{BASE}[[task_definitions]]\nfile = \"nope.json\"\n"
    ));
    assert!(
        d.message.starts_with("cannot read task definition file"),
        "{}",
        d.message
    );
    assert_eq!((d.line, d.column), (5, 8));
}

#[test]
fn file_cannot_be_combined_with_inline_fields() {
    let d = one_error(&format!(
        "{BASE}[[task_definitions]]\nfile = \"taskdef-describe.json\"\nfamily = \"x\"\n"
    ));
    assert_eq!(d.message, "`family` cannot be combined with `file`");
}

#[test]
fn task_definition_member_of_constraints_are_kept() {
    let l = load_toml(&td("placement_constraints = [{ type = \"memberOf\", expression = \"attribute:ecs.os-type == linux\" }]", "memory = 64")).unwrap();
    assert!(matches!(
        l.scenario.task_definitions[0].placement_constraints[..],
        [PlacementConstraint::MemberOf(_)]
    ));
}

// ECS-SEMANTICS §11.1: ephemeral storage is 21–200 GiB when given (20 GiB is what every task gets anyway).
#[test]
fn ephemeral_storage_is_21_to_200_gib() {
    let l = load_toml(&td(
        "ephemeral_storage = { size_in_gib = 21 }",
        "memory = 64",
    ))
    .unwrap();
    assert_eq!(
        l.scenario.task_definitions[0].ephemeral_storage_gib,
        Some(21)
    );
    let d = one_error(&td(
        "ephemeral_storage = { size_in_gib = 20 }",
        "memory = 64",
    ));
    assert!(d.message.contains("20"), "{}", d.message);
    assert_eq!((d.line, d.column), (6, 37));
    let d = one_error(&td(
        "ephemeral_storage = { size_in_gib = 201 }",
        "memory = 64",
    ));
    assert!(d.message.contains("201"), "{}", d.message);
}

// AWS JSON spells the member `ephemeralStorage.sizeInGiB`.
#[test]
fn ephemeral_storage_imports_from_aws_json() {
    let dir = std::env::temp_dir().join(format!("ecsim-ephemeral-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("td.json"),
        r#"{"family": "web", "ephemeralStorage": {"sizeInGiB": 100},
  "containerDefinitions": [{"name": "app", "image": "nginx:1", "memory": 64}]}"#,
    )
    .unwrap();
    let text = format!("{BASE}[[task_definitions]]\nfile = \"td.json\"\n");
    let l = crate::scenario::load_str("s.toml", &text, &dir, &[]).unwrap();
    assert_eq!(
        l.scenario.task_definitions[0].ephemeral_storage_gib,
        Some(100)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ECS-SEMANTICS §1.1: an explicit runtime platform is kept as written, an omitted one is `None` (it adds no
// placement requirement; the price is X86_64's).
#[test]
fn runtime_platform_architecture_is_kept_only_when_written() {
    let l = load_toml(&td(
        "runtime_platform = { cpu_architecture = \"X86_64\" }",
        "memory = 64",
    ))
    .unwrap();
    assert_eq!(
        l.scenario.task_definitions[0]
            .runtime_platform
            .cpu_architecture,
        Some(crate::catalog::CpuArchitecture::X86_64)
    );
    let l = load_toml(&td("", "memory = 64")).unwrap();
    let rp = &l.scenario.task_definitions[0].runtime_platform;
    assert_eq!(rp.cpu_architecture, None);
    assert_eq!(rp.architecture(), crate::catalog::CpuArchitecture::X86_64);
}
