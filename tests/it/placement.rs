//! Task placement (ECS-SEMANTICS §1, §14): strategies, constraints, the resource filter and failures.

use crate::support::*;

fn service(strategy: &str, desired: u32, extra_td: &str) -> String {
    format!(
        r#"
[[task_definitions]]
family = "web"
{extra_td}
container_definitions = [{{ name = "web", image = "web:1", cpu = 256, memory = 2048 }}]
[[services]]
name = "web"
task_definition = "web"
desired_count = {desired}
{strategy}
"#
    )
}

// §1.3 binpack: the candidate with the least remaining memory that still fits. An m5.large registers
// 7987 MiB: three 2048 MiB tasks (6144) fit, a fourth (8192) does not, so 6 tasks fill exactly 2 of 4.
#[test]
fn binpack_memory_packs_six_2gib_tasks_onto_two_of_four_m5_large() {
    let out = run_toml(
        &(cluster("m5.large", 4)
            + &service(
                r#"placement_strategy = [{ type = "binpack", field = "memory" }]"#,
                6,
                "",
            )),
    );
    let counts: Vec<usize> = per_instance(&tasks_of(&out.recorded, "web"))
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(counts, vec![3, 3]);
}

// §1.3 spread(instanceId): balance the group's tasks across instances: 6 over 4 gives 2, 2, 1, 1. (AZ
// rebalancing, §3.5, would then even out the zones — two of the four instances share a zone — so it is
// turned off to see the placement rule alone.)
#[test]
fn spread_instance_id_balances_six_tasks_over_four_instances() {
    let out = run_toml(
        &(cluster("m5.large", 4)
            + &service(
                r#"placement_strategy = [{ type = "spread", field = "instanceId" }]
availability_zone_rebalancing = "DISABLED""#,
                6,
                "",
            )),
    );
    let mut counts: Vec<usize> = per_instance(&tasks_of(&out.recorded, "web"))
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, vec![1, 1, 2, 2]);
}

// §1.4 default service placement: spread across zones, then the instance with the fewest tasks of the
// service. 6 instances in 3 zones (2 each) and 6 tasks: 2 per zone, 1 per instance.
#[test]
fn default_service_placement_spreads_zones_then_fewest_tasks_per_instance() {
    let out = run_toml(&(cluster("m5.large", 6) + &service("", 6, "")));
    let rows = tasks_of(&out.recorded, "web");
    assert_eq!(
        per_zone(&rows)
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        vec![2, 2, 2]
    );
    assert_eq!(per_instance(&rows).len(), 6);
}

// §14: "One Task Per Host" = distinctInstance. 8 desired on 6 instances: 6 run, 2 cannot be placed.
#[test]
fn distinct_instance_places_one_task_per_host_and_leaves_the_rest_unplaced() {
    let out = run_toml(
        &(cluster("m5.large", 6) + &service(r#"placement_template = "One Task Per Host""#, 8, "")),
    );
    let rows = tasks_of(&out.recorded, "web");
    assert_eq!(rows.len(), 6);
    assert!(per_instance(&rows).iter().all(|(_, n)| *n == 1));
    assert!(metric(&out.recorded, "cluster.placement_failures") >= 2.0);
}

// §1.1 resource filter, ports: a static host port can be used by one task per instance (bridge mode).
#[test]
fn static_host_port_allows_one_task_per_instance() {
    let text = cluster("m5.large", 4)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 128, memory = 256, port_mappings = [{ container_port = 80, host_port = 80 }] }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 6
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    assert_eq!(rows.len(), 4);
    let failure = &events_of(&out.recorded, "SERVICE_TASK_PLACEMENT_FAILURE")[0].message;
    assert!(failure.contains("port"), "{failure}");
}

// §1.1 resource filter, ENIs: an awsvpc task needs an ENI slot; an m5.large has 3 ENIs, one primary, so 2
// awsvpc tasks fit per instance: 2 instances hold 4 of 6.
#[test]
fn awsvpc_tasks_are_limited_by_eni_slots() {
    let text = cluster("m5.large", 2)
        + r#"
[[task_definitions]]
family = "web"
network_mode = "awsvpc"
container_definitions = [{ name = "web", image = "web:1", cpu = 128, memory = 256 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 6
"#;
    let out = run_toml(&text);
    assert_eq!(tasks_of(&out.recorded, "web").len(), 4);
}

// §1.7 and SPEC §4: the service event AWS writes when nothing fits, written once per cause, and each
// unplaced task counted once however many retries it waits through. Two t3.medium (3993 MiB) hold 3 tasks
// of 1200 MiB each: 6 of 10 run, and the same 4 are unplaced at t = 0 and at each of the 19 retries every
// 60 s until the desired count drops to 6 at 20 min: 4 placement failures, not 20 × 4 = 80.
#[test]
fn unplaceable_tasks_give_the_aws_event_once_and_count_each_task_once() {
    let out = run_scenario("unplaceable-service.toml");
    let rec = &out.recorded;
    let failures = events_of(rec, "SERVICE_TASK_PLACEMENT_FAILURE");
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let m = &failures[0].message;
    assert!(
        m.starts_with("service big was unable to place a task because no container instance met all of its requirements. The closest matching container-instance i-"),
        "{m}"
    );
    assert!(m.ends_with("has insufficient memory available."), "{m}");
    assert_eq!(metric(rec, "cluster.placement_failures"), 4.0);
    assert_eq!(tasks_of(rec, "big").len(), 6);
    assert!(!events_of(rec, "SERVICE_STEADY_STATE").is_empty());
}

// §14: memberOf(attribute:ecs.instance-type == g2.2xlarge) on g2.2xlarge + t2.small puts all 5 tasks on
// the g2.2xlarge instances.
#[test]
fn member_of_instance_type_puts_all_five_tasks_on_g2_2xlarge() {
    let out = run_scenario("placement-by-instance-type.toml");
    let rec = &out.recorded;
    let rows = tasks_of(rec, "");
    assert_eq!(rows.len(), 5);
    for t in rows {
        let inst = rec
            .instances
            .iter()
            .find(|i| i.instance_id == t.instance_id)
            .unwrap();
        assert_eq!(inst.instance_type, "g2.2xlarge");
    }
}

// §14: (t2.small or t2.medium) and zone != us-east-1d.
#[test]
fn member_of_type_and_zone_expression_excludes_other_types_and_us_east_1d() {
    let out = run_scenario("placement-type-and-zone.toml");
    let rec = &out.recorded;
    let rows = tasks_of(rec, "");
    assert_eq!(rows.len(), 8);
    for t in rows {
        let inst = rec
            .instances
            .iter()
            .find(|i| i.instance_id == t.instance_id)
            .unwrap();
        assert!(
            inst.instance_type == "t2.small" || inst.instance_type == "t2.medium",
            "{}",
            inst.instance_type
        );
        assert_ne!(inst.availability_zone, "us-east-1d");
    }
}

// §14 and §1.3 (DECIDED: counts updated within a batch): spread by zone with count 9 gives 3/3/3.
#[test]
fn spread_by_zone_with_count_nine_gives_three_per_zone() {
    let out = run_scenario("az-spread-nine.toml");
    let rows = tasks_of(&out.recorded, "");
    assert_eq!(
        per_zone(&rows)
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        vec![3, 3, 3]
    );
}

// §14: "AZ Balanced BinPack" = spread(zone) then binpack(memory): zones balanced, and within each zone the
// tasks are packed onto one instance.
#[test]
fn az_balanced_binpack_balances_zones_and_packs_within_each() {
    let out = run_scenario("placement-templates.toml");
    let rows = tasks_of(&out.recorded, "az-balanced-binpack");
    assert_eq!(
        per_zone(&rows)
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        vec![2, 2, 2]
    );
    assert_eq!(per_instance(&rows).len(), 3, "one instance per zone");
    let spread = tasks_of(&out.recorded, "az-balanced-spread");
    assert_eq!(
        per_instance(&spread).len(),
        6,
        "AZ Balanced Spread uses every instance"
    );
}

/// Three m5.large (x86_64) and one m6g.large (arm64), and a 4-task service spread over instances whose task
/// definition has `runtime_platform` `platform` (empty: none).
fn mixed_architectures(platform: &str) -> String {
    cluster("m5.large", 3)
        + &format!(
            r#"
[[auto_scaling_groups]]
name = "graviton"
instance_types = ["m6g.large"]
min_size = 1
max_size = 1
desired_capacity = 1
[[task_definitions]]
family = "app"
{platform}
container_definitions = [{{ name = "app", image = "app:1", cpu = 128, memory = 256 }}]
[[services]]
name = "app"
task_definition = "app"
desired_count = 4
placement_strategy = [{{ type = "spread", field = "instanceId" }}]
availability_zone_rebalancing = "DISABLED"
"#
        )
}

fn architectures_used(rec: &ecsim::report::recorded::Recorded) -> Vec<String> {
    let mut types: Vec<String> = tasks_of(rec, "app")
        .iter()
        .map(|t| {
            rec.instances
                .iter()
                .find(|i| i.instance_id == t.instance_id)
                .unwrap()
                .instance_type
                .clone()
        })
        .collect();
    types.sort();
    types.dedup();
    types
}

// §1.1 (ECS adds the `ecs.cpu-architecture` required attribute): an explicit X86_64 keeps tasks off arm64
// instances just as an explicit ARM64 keeps them on; with no runtime platform, spread uses all four.
#[test]
fn explicit_x86_64_runtime_platform_keeps_tasks_off_arm64_instances() {
    let out = run_toml(&mixed_architectures(
        r#"runtime_platform = { cpu_architecture = "X86_64" }"#,
    ));
    assert_eq!(architectures_used(&out.recorded), vec!["m5.large"]);
    let out = run_toml(&mixed_architectures(
        r#"runtime_platform = { cpu_architecture = "ARM64" }"#,
    ));
    assert_eq!(architectures_used(&out.recorded), vec!["m6g.large"]);
    let out = run_toml(&mixed_architectures(""));
    assert_eq!(
        architectures_used(&out.recorded),
        vec!["m5.large", "m6g.large"]
    );
}
