//! Snapshots of rendered output a user reads (STYLE.md §18): the teaching scenarios' `events.csv` and the
//! diagnostics for a scenario with several mistakes. A change here is a change users will see: review the
//! diff with `cargo insta review`.

use crate::support::*;

fn events_csv(name: &str) -> String {
    let out = run_scenario(name);
    String::from_utf8(ecsim::report::events::render(&out.recorded)).unwrap()
}

#[test]
fn events_of_az_spread_nine() {
    insta::assert_snapshot!(events_csv("az-spread-nine.toml"));
}

#[test]
fn events_of_daemon_and_replica() {
    insta::assert_snapshot!(events_csv("daemon-and-replica.toml"));
}

#[test]
fn events_of_unplaceable_service() {
    insta::assert_snapshot!(events_csv("unplaceable-service.toml"));
}

#[test]
fn diagnostics_for_a_scenario_with_several_mistakes() {
    let text = r#"name = "broken"
[simulation]
duration = "1h"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.larg"]
min_size = 2
max_size = 1
[[task_definitions]]
family = "web"
cpu = 256
memory = 4096
requires_compatibilities = ["FARGATE"]
network_mode = "awsvpc"
container_definitions = [{ name = "web", image = "web:1" }]
[[services]]
name = "web"
task_definition = "web"
desird_count = 2
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.instance-type =! t2.small" }]
"#;
    let diagnostics = match ecsim::scenario::load_str("broken.toml", text, &root(), &[]) {
        Ok(_) => panic!("the scenario is invalid"),
        Err(d) => d,
    };
    insta::assert_snapshot!(diagnostics.render(false));
}

#[test]
fn explain_of_az_spread_nine() {
    let loaded = ecsim::scenario::load(&root().join("scenarios/az-spread-nine.toml"), &[]).unwrap();
    let opts = ecsim::sim::RunOptions {
        narrate: true,
        until: Some(ecsim::engine::SimDuration::from_secs(90)),
        ..Default::default()
    };
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    insta::assert_snapshot!(ecsim::sim::explain::render(&loaded.scenario, &out).join("\n"));
}

// `explain` narrates DAEMON placement as it does REPLICA placement: each registered instance, and why it got
// a task or not (ECS-SEMANTICS §3.1).
#[test]
fn explain_of_daemon_placement_names_each_instance_and_why() {
    let text = cluster("m5.large", 2)
        .replace("[simulation]\n", "[simulation]\nwarm_start = false\n")
        + r#"
[[auto_scaling_groups]]
name = "small"
instance_types = ["t3.micro"]
min_size = 1
max_size = 1
desired_capacity = 1
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 64, memory = 128 }]
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.instance-type == m5.large" }]
"#;
    let loaded = load_toml(&text);
    let opts = ecsim::sim::RunOptions {
        narrate: true,
        until: Some(ecsim::engine::SimDuration::from_secs(91)),
        ..Default::default()
    };
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    let lines = ecsim::sim::explain::render(&loaded.scenario, &out);
    let daemon: Vec<&String> = lines
        .iter()
        .skip_while(|l| !l.contains("DAEMON service agent: one task"))
        .take(4)
        .collect();
    insta::assert_snapshot!(
        daemon
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// `explain` of a rolling update behind an ALB (issue 8 item 9): the deployment's arithmetic, each
// placement, the targets turning healthy, the old tasks deregistering for the delay, the completion.
#[test]
fn explain_of_a_rolling_update_behind_an_alb() {
    let loaded = ecsim::scenario::load(
        &root().join("scenarios/rolling-update-100-200-alb.toml"),
        &[],
    )
    .unwrap();
    let opts = ecsim::sim::RunOptions {
        narrate: true,
        until: Some(ecsim::engine::SimDuration::from_secs(700)),
        ..Default::default()
    };
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    let lines = ecsim::sim::explain::render(&loaded.scenario, &out);
    let from_update: Vec<&String> = lines
        .iter()
        .skip_while(|l| !l.contains("600.000s"))
        .collect();
    insta::assert_snapshot!(
        from_update
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
