//! The advice notes (`src/scenario/advice.rs`) agree with the simulator: a note that says no task can be
//! placed is never false, and an expression the notes can decide is decided as placement decides it. Each
//! case is run: a `run_task` at t = 5 min on a warm cluster of two groups, m5.large with `team = red` in
//! us-east-1a and us-east-1b, and m6g.large (arm64) in us-east-1c.

use crate::support::*;

fn scenario(memory_mib: u32, arm64: bool, expression: Option<&str>) -> String {
    let platform = if arm64 {
        "runtime_platform = { cpu_architecture = \"ARM64\" }\n"
    } else {
        ""
    };
    let constraint = expression
        .map(|e| {
            format!(", placement_constraints = [{{ type = \"memberOf\", expression = \"{e}\" }}]")
        })
        .unwrap_or_default();
    format!(
        r#"name = "advice"
[simulation]
duration = "10m"
[[auto_scaling_groups]]
name = "red"
instance_types = ["m5.large"]
min_size = 2
max_size = 2
availability_zones = ["us-east-1a", "us-east-1b"]
attributes = {{ team = "red" }}
[[auto_scaling_groups]]
name = "arm"
instance_types = ["m6g.large"]
min_size = 1
max_size = 1
availability_zones = ["us-east-1c"]
[[task_definitions]]
family = "job"
{platform}container_definitions = [{{ name = "job", image = "job:1", memory = {memory_mib} }}]
[[events]]
at = "5m"
run_task = {{ task_definition = "job"{constraint} }}
"#
    )
}

/// (notes that say nothing can be placed, tasks the run started).
fn advise_and_run(text: &str) -> (Vec<String>, usize) {
    let loaded = load_toml(text);
    let notes: Vec<String> = loaded
        .notes
        .iter()
        .filter(|n| n.message.contains("can be placed"))
        .map(|n| n.message.clone())
        .collect();
    let out = ecsim::sim::run(&loaded.scenario, &Default::default());
    (notes, tasks_of(&out.recorded, "").len())
}

#[test]
fn a_memberof_the_notes_can_decide_is_decided_as_placement_decides_it() {
    // (expression, whether some instance matches)
    let cases = [
        ("attribute:ecs.instance-type == m5.large", true),
        ("attribute:ecs.instance-type == t3.large", false),
        ("attribute:ecs.cpu-architecture == arm64", true),
        ("attribute:ecs.availability-zone == us-east-1d", false),
        (
            "attribute:ecs.availability-zone in [us-east-1b, us-east-1d]",
            true,
        ),
        ("attribute:team == red", true),
        ("attribute:team == blue", false),
        (
            "attribute:team exists and attribute:ecs.instance-type == m6g.large",
            false,
        ),
        ("attribute:team !exists", true),
        ("not(attribute:ecs.os-type == linux)", false),
        ("attribute:ecs.os-family == LINUX", true),
        ("attribute:ecs.instance-type =~ m5.*", true),
        ("attribute:ecs.instance-type =~ c5.*", false),
    ];
    for (expression, matches) in cases {
        let (notes, started) = advise_and_run(&scenario(256, false, Some(expression)));
        assert_eq!(notes.is_empty(), matches, "{expression}: {notes:?}");
        assert_eq!(
            started > 0,
            matches,
            "{expression}: the run started {started}"
        );
    }
}

#[test]
fn a_memberof_that_reads_run_time_state_is_never_noted() {
    for expression in [
        "task:group == service:nowhere",
        "runningTasksCount > 5",
        "agentConnected == false",
        "ec2InstanceId == i-0",
        "agentVersion < 1.0.0",
        "registeredAt < 2000-01-01",
        "attribute:ecs.vpc-id == vpc-elsewhere",
        "attribute:team == blue or task:group == service:web",
    ] {
        let (notes, _) = advise_and_run(&scenario(256, false, Some(expression)));
        assert!(notes.is_empty(), "{expression}: {notes:?}");
    }
}

#[test]
fn a_task_is_noted_exactly_when_no_launched_instance_type_fits_it() {
    let largest = ecsim::catalog::builtin_instance_type("m5.large")
        .unwrap()
        .registered_memory_mib;
    let (notes, started) = advise_and_run(&scenario(largest, false, None));
    assert!(notes.is_empty() && started == 1, "{notes:?}, {started}");
    let (notes, started) = advise_and_run(&scenario(largest + 1, false, None));
    assert_eq!((notes.len(), started), (1, 0), "{notes:?}");
    assert!(
        notes[0].starts_with(&format!(
            "task definition job:1 reserves {} MiB of memory",
            largest + 1
        )),
        "{notes:?}"
    );
    // An ARM64 task fits only the m6g.large group.
    let (notes, started) = advise_and_run(&scenario(256, true, Some("attribute:team == red")));
    assert_eq!((notes.len(), started), (1, 0), "{notes:?}");
    assert!(
        notes[0].starts_with("task definition job:1 fits only m6g.large"),
        "{notes:?}"
    );
}

// ECS-SEMANTICS §1.1: an explicit X86_64 runtime platform keeps the task off arm64 instances, so a memberOf
// that allows only the m6g.large group leaves it nowhere; the note says so, and placement agrees.
#[test]
fn an_explicit_x86_64_task_confined_to_arm64_instances_is_noted_and_unplaced() {
    let text = scenario(256, false, Some("attribute:ecs.instance-type == m6g.large")).replace(
        "family = \"job\"\n",
        "family = \"job\"\nruntime_platform = { cpu_architecture = \"X86_64\" }\n",
    );
    let (notes, started) = advise_and_run(&text);
    assert_eq!((notes.len(), started), (1, 0), "{notes:?}");
    // Without a runtime platform the same task runs on the m6g.large instance.
    let (notes, started) = advise_and_run(&scenario(
        256,
        false,
        Some("attribute:ecs.instance-type == m6g.large"),
    ));
    assert_eq!((notes.len(), started), (0, 1), "{notes:?}");
}
