//! Availability Zone rebalancing (ECS-SEMANTICS §3.5): a steady service whose tasks are imbalanced across
//! zones starts tasks in the zone with the fewest and stops them in the zone with the most, within the
//! deployment bounds, with the SERVICE_REBALANCING_STARTED / _COMPLETED events.

use crate::support::*;

/// Six m5.large, two per zone, and a 10-task service spread over zones, then instances.
fn six_instances_ten_tasks(extra: &str, event: &str) -> String {
    cluster("m5.large", 6)
        + &format!(
            r#"
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:1", cpu = 256, memory = 1024 }}]
[[services]]
name = "web"
task_definition = "web"
desired_count = 10
placement_strategy = [{{ type = "spread", field = "attribute:ecs.availability-zone" }}, {{ type = "spread", field = "instanceId" }}]
{extra}
[[events]]
at = "5m"
{event}
"#
        )
}

/// Live tasks of `service` per zone at the end of the run, in zone order.
fn live_per_zone(rec: &ecsim::report::recorded::Recorded, service: &str) -> Vec<usize> {
    let live: Vec<_> = tasks_of(rec, service)
        .into_iter()
        .filter(|t| t.stop_requested.is_none())
        .collect();
    ["us-east-1a", "us-east-1b", "us-east-1c"]
        .iter()
        .map(|z| live.iter().filter(|t| t.availability_zone == *z).count())
        .collect()
}

// §3.5: a drain replaces the drained tasks while they still count in their zone (maximumPercent 200 starts
// the replacements first), so spread sends the replacements to the other zones and the drained zone ends
// short (with this seed 4/4/2). The steady service is then rebalanced: a task starts in the short zone, and
// once it is healthy one stops in a long zone — never dropping below the 10 healthy tasks
// minimumHealthyPercent 100 keeps.
#[test]
fn drain_leaving_a_zone_short_is_rebalanced_into_that_zone() {
    let text = six_instances_ten_tasks(
        "",
        r#"drain_instances = { count = 1, auto_scaling_group = "nodes" }"#,
    );
    let out = run_toml_seeded(&text, 3);
    let rec = &out.recorded;
    let started = events_of(rec, "SERVICE_REBALANCING_STARTED");
    assert_eq!(started.len(), 1, "{:#?}", rec.events);
    assert_eq!(
        started[0].message,
        "service (web) is not AZ balanced with 4 tasks in us-east-1a, 4 in us-east-1b, and 2 in us-east-1c. AZ Rebalancing in progress."
    );
    let completed = events_of(rec, "SERVICE_REBALANCING_COMPLETED");
    assert_eq!(completed.len(), 1);
    assert!(completed[0].time > started[0].time);
    assert_eq!(
        completed[0].message,
        "service (web) is AZ balanced with 3 tasks in us-east-1a, 4 tasks in us-east-1b, and 3 tasks in us-east-1c."
    );
    let per_zone = live_per_zone(rec, "web");
    assert_eq!(per_zone.iter().sum::<usize>(), 10);
    let spread = per_zone.iter().max().unwrap() - per_zone.iter().min().unwrap();
    assert!(spread <= 1, "balanced at the end: {per_zone:?}");
    // The rebalancing's own sentences.
    assert!(
        events_of(rec, "TASKS_STARTED")
            .iter()
            .any(|e| e.message.contains(" to AZ Rebalance: (task "))
    );
    assert!(
        events_of(rec, "TASKS_STOPPED")
            .iter()
            .any(|e| e.message.contains(" due to AZ rebalancing: (task "))
    );
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 10.0);
}

// §3.5: the same drain with availability_zone_rebalancing = "DISABLED" leaves the zones imbalanced.
#[test]
fn drain_with_rebalancing_disabled_leaves_the_zones_imbalanced() {
    let text = six_instances_ten_tasks(
        r#"availability_zone_rebalancing = "DISABLED""#,
        r#"drain_instances = { count = 1, auto_scaling_group = "nodes" }"#,
    );
    let out = run_toml_seeded(&text, 3);
    let rec = &out.recorded;
    assert!(events_of(rec, "SERVICE_REBALANCING_STARTED").is_empty());
    let per_zone = live_per_zone(rec, "web");
    let spread = per_zone.iter().max().unwrap() - per_zone.iter().min().unwrap();
    assert!(spread >= 2, "still imbalanced: {per_zone:?}");
}

// §3.5: a terminated instance takes its zone's tasks with it; they are replaced in the other zones (5/5/0)
// while its replacement boots. When it registers (90 s later) the zone counts again, and the service moves
// three tasks back: started there first (maximumPercent 200), then stopped in the long zones as they become
// healthy, ending 3/4/3 — with the AWS sentences listing the zones.
#[test]
fn zone_whose_instance_comes_back_gets_its_tasks_back() {
    let text = cluster("m5.xlarge", 3)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 1024 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 10
placement_strategy = [{ type = "spread", field = "attribute:ecs.availability-zone" }, { type = "spread", field = "instanceId" }]
[[events]]
at = "5m"
terminate_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let registered = events_of(rec, "CONTAINER_INSTANCE_REGISTERED");
    let back = registered.last().unwrap().time;
    assert_eq!(
        back.as_secs_f64(),
        390.0,
        "the replacement registers 90 s after 5 min"
    );
    let started = events_of(rec, "SERVICE_REBALANCING_STARTED");
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].time, back);
    let lost_zone = &rec
        .instances
        .iter()
        .find(|i| !i.termination_reason.is_empty())
        .unwrap()
        .availability_zone;
    assert!(
        started[0]
            .message
            .contains(&format!(", and 0 in {lost_zone}"))
            || started[0]
                .message
                .contains(&format!("0 tasks in {lost_zone}"))
            || started[0].message.contains(&format!(", 0 in {lost_zone}")),
        "{}",
        started[0].message
    );
    let moved: Vec<_> = events_of(rec, "TASKS_STARTED")
        .into_iter()
        .filter(|e| e.message.contains("to AZ Rebalance"))
        .collect();
    assert_eq!(moved.len(), 1);
    assert!(
        moved[0].message.starts_with(&format!(
            "web has started 3 tasks in {lost_zone} to AZ Rebalance: "
        )),
        "{}",
        moved[0].message
    );
    let completed = events_of(rec, "SERVICE_REBALANCING_COMPLETED");
    assert_eq!(completed.len(), 1);
    let mut per_zone = live_per_zone(rec, "web");
    per_zone.sort_unstable();
    assert_eq!(per_zone, vec![3, 3, 4]);
}

// §3.5: services that use binpack are not compatible and default to DISABLED, so a binpack service stays
// where binpack put it.
#[test]
fn binpack_services_do_not_rebalance() {
    let text = cluster("m5.xlarge", 3)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 1024 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 10
placement_strategy = [{ type = "binpack", field = "memory" }]
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert!(events_of(rec, "SERVICE_REBALANCING_STARTED").is_empty());
    assert!(metric(rec, "service.web.zone_imbalance_max") >= 2.0);
}

// §3.5 with §4.1: at 100 %/100 % no task may start before a stop nor stop before a start, so an imbalanced
// service cannot move a task and does not start a rebalancing (nor report a stuck deployment).
#[test]
fn rebalancing_needs_room_in_the_deployment_bounds() {
    let text = cluster("m5.xlarge", 3)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 1024 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 10
deployment_configuration = { minimum_healthy_percent = 100, maximum_percent = 100 }
[[events]]
at = "5m"
terminate_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert!(events_of(rec, "SERVICE_REBALANCING_STARTED").is_empty());
    assert!(events_of(rec, "SERVICE_DEPLOYMENT_STUCK").is_empty());
}
