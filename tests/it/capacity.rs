//! EC2 capacity and cost (ECS-SEMANTICS §9, §11.2, §12; SPEC §3.3, §3.11, §4).

use crate::support::*;

// §9 / SPEC §3.3: a group launches balanced across its zones: 4 instances over 3 zones give 2, 1, 1.
#[test]
fn auto_scaling_group_balances_launches_across_zones() {
    let out = run_toml(&cluster("m5.large", 4));
    let mut zones: Vec<String> = out
        .recorded
        .instances
        .iter()
        .map(|i| i.availability_zone.clone())
        .collect();
    zones.sort();
    assert_eq!(
        zones,
        vec!["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1c"]
    );
}

// SPEC §4 cost: EC2 per second at the catalog price. Four m5.large ($0.096/h) for 30 min = 4 × 0.048.
#[test]
fn ec2_cost_is_instance_seconds_at_the_catalog_price() {
    let out = run_toml(&cluster("m5.large", 4));
    let total = metric(&out.recorded, "cost.ec2_on_demand_usd");
    assert!((total - 0.192).abs() < 1e-9, "{total}");
    assert_eq!(metric(&out.recorded, "cost.total_usd"), total);
    assert_eq!(metric(&out.recorded, "cluster.instances_avg"), 4.0);
}

// SPEC §3.11: terminate_instances kills the instance's tasks at once; the group launches a replacement to
// keep its desired capacity, and the service re-places its tasks when the replacement registers (90 s).
#[test]
fn terminated_instance_is_replaced_and_its_tasks_rescheduled() {
    let text = cluster("m5.large", 2)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 3000 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
[[events]]
at = "5m"
terminate_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(rec.instances.len(), 3);
    let gone = rec
        .instances
        .iter()
        .find(|i| i.terminated.is_some())
        .unwrap();
    assert_eq!(secs(gone.terminated), 300.0);
    let replacement = &rec.instances[2];
    assert_eq!(secs(replacement.launched), 300.0);
    assert_eq!(secs(replacement.registered), 390.0);
    let killed: Vec<_> = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| t.instance_id == gone.instance_id)
        .collect();
    assert_eq!(killed.len(), 2);
    for t in killed {
        assert_eq!(secs(t.stopped), 300.0);
        assert_eq!(
            t.stopped_reason,
            format!(
                "Host EC2 (instance {}) stopped/terminated.",
                gone.instance_id
            )
        );
    }
    let live = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| t.stopped.is_none())
        .count();
    assert_eq!(live, 4);
}

// §11.2: Fargate is billed per second from the start of the pull to STOPPED (1 minute minimum), at the
// task size: 0.5 vCPU and 1 GB cost 0.5 × 0.04048 + 1 × 0.004445 = $0.024685 per hour.
#[test]
fn fargate_cost_follows_task_size_and_billed_time() {
    let out = run_scenario("fargate-service.toml");
    let rec = &out.recorded;
    let per_hour = 0.5 * 0.04048 + 0.004445;
    let fargate = metric(rec, "cost.fargate_usd");
    // Six tasks, none stopped: three from ~35 s to 3600 s and three from ~635 s to 3600 s.
    let lower = per_hour * (3.0 * (3600.0 - 60.0) + 3.0 * (3600.0 - 660.0)) / 3600.0;
    let upper = per_hour * (3.0 * 3600.0 + 3.0 * (3600.0 - 600.0)) / 3600.0;
    assert!(
        (lower..=upper).contains(&fargate),
        "{lower} <= {fargate} <= {upper}"
    );
    assert_eq!(metric(rec, "cost.ec2_on_demand_usd"), 0.0);
}

/// A Fargate-only cluster (no instances) with one service of `desired` 1 vCPU / 2 GB tasks launched with
/// `launch`, warm for `duration`.
fn fargate_service(launch: &str, desired: u32, duration: &str, extra_td: &str) -> String {
    format!(
        r#"
name = "fargate"
[simulation]
duration = "{duration}"
[cluster]
name = "c"
[[task_definitions]]
family = "app"
cpu = "1 vCPU"
memory = "2 GB"
requires_compatibilities = ["FARGATE"]
{extra_td}
container_definitions = [{{ name = "app", image = "app:1" }}]
[[services]]
name = "app"
task_definition = "app"
desired_count = {desired}
{launch}
"#
    )
}

fn providers(rec: &ecsim::report::recorded::Recorded) -> (usize, usize) {
    let rows = tasks_of(rec, "app");
    let n = |p: &str| rows.iter().filter(|t| t.capacity_provider == p).count();
    (n("FARGATE"), n("FARGATE_SPOT"))
}

// §8.1 worked example: FARGATE with base 2 and weight 1, FARGATE_SPOT with weight 3, desired 10: the base
// puts 2 on FARGATE, the other 8 split 1:3, so FARGATE runs 4 and FARGATE_SPOT 6.
#[test]
fn capacity_provider_base_then_weights_split_ten_tasks_four_and_six() {
    let text = fargate_service(
        r#"capacity_provider_strategy = [
  { capacity_provider = "FARGATE", base = 2, weight = 1 },
  { capacity_provider = "FARGATE_SPOT", weight = 3 },
]"#,
        10,
        "10m",
        "",
    );
    let out = run_toml(&text);
    assert_eq!(providers(&out.recorded), (4, 6));
}

// §8.1: a weight-0 provider gets no tasks, so FARGATE weight 0 and FARGATE_SPOT weight 1 put every task on
// Fargate Spot, billed at the Fargate Spot price (SPEC §3.4: spot_price_ratio 0.30 by default) into
// cost.fargate_spot_usd: 4 tasks × (1 × 0.04048 + 2 × 0.004445) $/h × 0.30 × 1 h.
#[test]
fn weight_zero_fargate_puts_every_task_on_fargate_spot_at_the_spot_price() {
    let text = fargate_service(
        r#"capacity_provider_strategy = [
  { capacity_provider = "FARGATE", weight = 0 },
  { capacity_provider = "FARGATE_SPOT", weight = 1 },
]"#,
        4,
        "1h",
        "",
    );
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(providers(rec), (0, 4));
    let expected = 4.0 * (0.04048 + 2.0 * 0.004445) * 0.30;
    let spot = metric(rec, "cost.fargate_spot_usd");
    assert!((spot - expected).abs() < 1e-9, "{spot} vs {expected}");
    assert_eq!(metric(rec, "cost.fargate_usd"), 0.0);
}

// §8.1: the split counts the tasks already running, so a replaced task goes back to its provider and a
// scale-out keeps the proportions: 4 tasks at 1:1, scaled to 8 at 5 min, run 4 + 4.
#[test]
fn capacity_provider_split_continues_from_the_running_tasks() {
    let text = fargate_service(
        r#"capacity_provider_strategy = [
  { capacity_provider = "FARGATE", weight = 1 },
  { capacity_provider = "FARGATE_SPOT", weight = 1 },
]
[[events]]
at = "5m"
update_service = { service = "app", desired_count = 8 }"#,
        4,
        "10m",
        "",
    );
    let out = run_toml(&text);
    assert_eq!(providers(&out.recorded), (4, 4));
}

// §11.1, §11.2: ephemeral storage above the included 20 GiB is billed at $0.000111 per GB-hour: one task of
// 1 vCPU, 2 GB and 50 GiB for an hour costs 0.04048 + 2 × 0.004445 + 30 × 0.000111.
#[test]
fn ephemeral_storage_above_20_gib_is_billed() {
    let text = fargate_service(
        r#"launch_type = "FARGATE""#,
        1,
        "1h",
        "ephemeral_storage = { size_in_gib = 50 }",
    );
    let out = run_toml(&text);
    let expected = 0.04048 + 2.0 * 0.004445 + 30.0 * 0.000111;
    let cost = metric(&out.recorded, "cost.fargate_usd");
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");
}
