//! Summary metrics a user compares (SPEC §4): placement quality and placement failures, against values
//! computed by hand.

use crate::support::*;

fn load_with(name: &str, overrides: &[&str]) -> ecsim::sim::RunOutput {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let loaded = ecsim::scenario::load(&root().join("scenarios").join(name), &overrides)
        .unwrap_or_else(|d| panic!("{name} should be valid:\n{}", d.render(false)));
    ecsim::sim::run(&loaded.scenario, &ecsim::sim::RunOptions::default())
}

// SPEC §4 placement quality: six 2 GiB tasks on four m5.large (two per zone). binpack(memory) fills two
// instances with 3 tasks each; "AZ Balanced Spread" puts 3 per zone, 2 + 1 per instance, on all four.
#[test]
fn binpack_and_spread_differ_in_tasks_per_instance_and_instances_in_use() {
    let binpack = load_with("binpack-vs-spread.toml", &[]);
    let rec = &binpack.recorded;
    assert_eq!(metric(rec, "service.web.max_tasks_per_instance"), 3.0);
    assert_eq!(metric(rec, "cluster.instances_in_use_avg"), 2.0);

    let spread = load_with(
        "binpack-vs-spread.toml",
        &[
            r#"services.web.placement_strategy=[{type="spread", field="attribute:ecs.availability-zone"}, {type="spread", field="instanceId"}]"#,
        ],
    );
    let rec = &spread.recorded;
    assert_eq!(metric(rec, "service.web.max_tasks_per_instance"), 2.0);
    assert_eq!(metric(rec, "cluster.instances_in_use_avg"), 4.0);
    assert_eq!(metric(rec, "service.web.zone_imbalance_max"), 0.0);
}

// SPEC §4: instances in use hold at least one task that is not a DAEMON task, time-weighted. A log router
// runs on all four m5.large; binpack fills two with the service's six tasks (7987 − 128 MiB leaves room for
// three 2 GiB tasks each); at 15 min the service grows to 9 and a third instance fills: (2 × 15 + 3 × 15) /
// 30 = 2.5 instances in use on average.
#[test]
fn instances_in_use_ignore_daemon_only_instances_and_are_time_weighted() {
    let text = cluster("m5.large", 4)
        + r#"
[[task_definitions]]
family = "log-router"
container_definitions = [{ name = "fluent-bit", image = "fluent-bit:2", cpu = 64, memory = 128 }]
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 2048 }]
[[services]]
name = "log-router"
task_definition = "log-router"
scheduling_strategy = "DAEMON"
[[services]]
name = "web"
task_definition = "web"
desired_count = 6
placement_strategy = [{ type = "binpack", field = "memory" }]
[[events]]
at = "15m"
update_service = { service = "web", desired_count = 9 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(metric(rec, "cluster.instances_in_use_avg"), 2.5);
    assert_eq!(metric(rec, "service.web.max_tasks_per_instance"), 3.0);
    assert_eq!(
        metric(rec, "service.log-router.max_tasks_per_instance"),
        1.0
    );
}

// SPEC §4: zone imbalance is over every zone of the cluster, a zone without tasks counting 0: a service
// confined to us-east-1a by memberOf reads 3 − 0 = 3 by design; nine tasks spread over the three zones read
// 0.
#[test]
fn zone_imbalance_counts_every_zone_of_the_cluster() {
    let text = cluster("m5.large", 3)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 128, memory = 256 }]
[[services]]
name = "confined"
task_definition = "web"
desired_count = 3
placement_constraints = [{ type = "memberOf", expression = "attribute:ecs.availability-zone == us-east-1a" }]
[[services]]
name = "spread"
task_definition = "web"
desired_count = 9
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(metric(rec, "service.confined.zone_imbalance_max"), 3.0);
    assert_eq!(metric(rec, "service.spread.zone_imbalance_max"), 0.0);
}

// SPEC §4: each unplaced task is counted once however many retries it waits through, and tasks that become
// unplaceable later count when they do. Two t3.medium hold three 1200 MiB tasks each: 10 desired leave 4
// unplaced from t = 0 (retried every 60 s), raising the desired count to 12 at 10 min adds 2: 6 in all.
#[test]
fn placement_failures_count_each_unplaced_task_once() {
    let text = cluster("t3.medium", 2)
        + r#"
[[task_definitions]]
family = "big"
container_definitions = [{ name = "big", image = "big:1", cpu = 256, memory = 1200 }]
[[services]]
name = "big"
task_definition = "big"
desired_count = 10
[[events]]
at = "10m"
update_service = { service = "big", desired_count = 12 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(metric(rec, "cluster.placement_failures"), 6.0);
    assert_eq!(tasks_of(rec, "big").len(), 6);
}

// SPEC §4 for DAEMON services: an instance whose daemon task does not fit counts once, not once per retry.
// A 5000 MiB daemon fits on neither t3.medium (3993 MiB): 2 failures over 30 minutes of retries.
#[test]
fn daemon_that_does_not_fit_counts_once_per_instance() {
    let text = cluster("t3.medium", 2)
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 64, memory = 5000 }]
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert!(tasks_of(rec, "agent").is_empty());
    assert_eq!(events_of(rec, "SERVICE_TASK_PLACEMENT_FAILURE").len(), 1);
    assert_eq!(metric(rec, "cluster.placement_failures"), 2.0);
}
