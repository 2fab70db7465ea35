//! Traffic behind an ALB (SPEC §3.10, docs/model.md): the load model's analytic cases, routing, overload and
//! what users get (availability, errors, latency).

use crate::support::*;

/// `n` warm tasks of `web` (task-level `cpu` units, `idle_cpu` 0, 10 ms a request) behind `web-tg` on two
/// m5.2xlarge, offered `rps` constant requests per second; extra TOML for the image, target group and service.
fn web(n: u32, cpu: u32, rps: f64, image: &str, tg: &str, service: &str) -> String {
    format!(
        r#"
name = "t"
[simulation]
duration = "10m"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.2xlarge"]
min_size = 2
max_size = 2
desired_capacity = 2
[[task_definitions]]
family = "web"
cpu = "{cpu}"
memory = "2048"
network_mode = "awsvpc"
container_definitions = [{{ name = "web", image = "web:1", port_mappings = [{{ container_port = 80 }}] }}]
[images."web:1"]
idle_cpu = 0
cpu_per_request = "10ms"
{image}
[[target_groups]]
name = "web-tg"
{tg}
[[services]]
name = "web"
task_definition = "web"
desired_count = {n}
load_balancers = [{{ target_group = "web-tg", container_name = "web", container_port = 80 }}]
{service}
[[workloads]]
name = "users"
target_group = "web-tg"
pattern = {{ type = "constant", rps = {rps} }}
"#
    )
}

/// The values of a timeseries line, without missing periods.
fn series(
    rec: &ecsim::report::recorded::Recorded,
    scope: ecsim::report::recorded::Scope,
    id: &str,
    metric: &str,
) -> Vec<f64> {
    rec.timeseries
        .line(scope, id, metric)
        .unwrap_or_else(|| panic!("no {metric} series for {id}"))
        .values
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .collect()
}

// Issue 8's analytic case (docs/model.md, ECS-SEMANTICS §6.3): 250 rps × 10 ms over 5 tasks of 1 vCPU with
// idle_cpu 0 is 50 rps a task, half a vCPU each: the service's CPUUtilization is 50 % and nothing fails.
#[test]
fn two_hundred_fifty_rps_of_10ms_over_five_1_vcpu_tasks_is_50_percent_cpu_and_no_errors() {
    let out = run_toml(&web(5, 1024, 250.0, "", "", ""));
    let rec = &out.recorded;
    use ecsim::report::recorded::Scope;
    let cpu = series(rec, Scope::Service, "web", "CPUUtilization");
    assert!(cpu.iter().all(|&v| (v - 50.0).abs() < 1e-9), "{cpu:?}");
    assert_eq!(metric(rec, "service.web.availability"), 1.0);
    assert_eq!(metric(rec, "service.web.error_requests"), 0.0);
    let requests = series(rec, Scope::TargetGroup, "web-tg", "RequestCount");
    assert!(
        requests.iter().all(|&v| (v - 250.0 * 60.0).abs() < 1e-6),
        "{requests:?}"
    );
    // M/M/1 at μ = 100/s, λ = 50/s: response time exponential with rate 50/s; median ln 2 / 50 s ≈ 13.9 ms.
    let p50 = metric(rec, "service.web.latency_p50_ms");
    assert!((p50 / 13.86 - 1.0).abs() < 0.01, "p50 {p50}");
    let p99 = metric(rec, "service.web.latency_p99_ms");
    assert!((p99 / 92.1 - 1.0).abs() < 0.01, "p99 {p99}");
}

// docs/model.md: a task admits requests up to 95 % of its service rate and refuses the rest with a 5XX;
// saturated, its health checks time out (DECIDED), its targets go unhealthy, every target being unhealthy the
// ALB fails open (ECS-SEMANTICS §5.1) and the service replaces the tasks: overload cascades.
#[test]
fn an_overloaded_service_cascades_through_failed_health_checks() {
    // Four tasks of 0.25 vCPU at 10 ms a request: μ = 25.6/s each, 97.3/s admitted in all; 150 rps offered.
    let text = web(4, 256, 150.0, "", "", "");
    let out = run_toml(&text);
    let rec = &out.recorded;
    let availability = metric(rec, "service.web.availability");
    assert!(availability < 0.7, "availability {availability}");
    assert!(metric(rec, "service.web.error_requests") > 0.0);
    assert!(!events_of(rec, "SERVICE_TASK_UNHEALTHY").is_empty());
    let replaced = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| {
            t.stopped_reason
                .starts_with("Task failed ELB health checks")
        })
        .count();
    assert!(replaced >= 4, "{replaced} tasks replaced");
    use ecsim::report::recorded::Scope;
    let target_5xx: f64 = series(
        rec,
        Scope::TargetGroup,
        "web-tg",
        "HTTPCode_Target_5XX_Count",
    )
    .iter()
    .sum();
    assert!(target_5xx > 0.0);
}

// SPEC §4 availability, ECS-SEMANTICS §5.1: a group with no registered target answers 503 to every request.
#[test]
fn requests_with_no_target_to_go_to_all_fail() {
    let out = run_toml(&web(0, 1024, 50.0, "", "", ""));
    let rec = &out.recorded;
    assert_eq!(metric(rec, "service.web.availability"), 0.0);
    assert!((metric(rec, "service.web.error_requests") - 50.0 * 600.0).abs() < 1e-6);
    use ecsim::report::recorded::Scope;
    let elb_5xx: f64 = series(rec, Scope::TargetGroup, "web-tg", "HTTPCode_ELB_5XX_Count")
        .iter()
        .sum();
    assert!((elb_5xx - 50.0 * 600.0).abs() < 1e-6);
}

// SPEC §3.10, workload::pattern: a diurnal pattern's requests over a whole day are its mean, (min + max) / 2,
// times the day; the per-minute RequestCount datapoints add up to it exactly.
#[test]
fn a_days_diurnal_requests_add_up_to_the_mean_times_the_day() {
    let text = web(4, 1024, 0.0, "", "", "")
        .replace("duration = \"10m\"", "duration = \"1d\"")
        .replace(
            "pattern = { type = \"constant\", rps = 0 }",
            "pattern = { type = \"diurnal\", min_rps = 100, max_rps = 300, peak_at = \"14:00\" }",
        );
    let out = run_toml(&text);
    use ecsim::report::recorded::Scope;
    let total: f64 = series(&out.recorded, Scope::TargetGroup, "web-tg", "RequestCount")
        .iter()
        .sum();
    assert!((total / (200.0 * 86_400.0) - 1.0).abs() < 1e-9, "{total}");
}

// SPEC §3.10: a workload aimed at a service (no target group) is split evenly over its RUNNING tasks.
#[test]
fn a_workload_aimed_at_a_service_is_split_over_its_running_tasks() {
    let text = web(5, 1024, 250.0, "", "", "").replace(
        "target_group = \"web-tg\"\npattern",
        "service = \"web\"\npattern",
    );
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(metric(rec, "service.web.availability"), 1.0);
    use ecsim::report::recorded::Scope;
    let cpu = series(rec, Scope::Service, "web", "CPUUtilization");
    assert!(cpu.iter().all(|&v| (v - 50.0).abs() < 1e-9), "{cpu:?}");
}

// SPEC §3.11 az_outage: the zone's instances and their tasks are lost; the group launches in the other zones
// meanwhile; the ALB routes to the targets left; when the zone is back the group evens out its zones again
// and the service's tasks follow.
#[test]
fn an_az_outage_behind_an_alb_moves_capacity_to_the_other_zones_and_back() {
    let text = web(6, 1024, 300.0, "", "", "")
        .replace("duration = \"10m\"", "duration = \"1h\"")
        .replace(
            "min_size = 2\nmax_size = 2\ndesired_capacity = 2",
            "min_size = 6\nmax_size = 6\ndesired_capacity = 6",
        )
        .replace("m5.2xlarge", "m5.xlarge")
        + r#"
[[events]]
at = "10m"
az_outage = { availability_zone = "us-east-1a", duration = "20m" }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(events_of(rec, "AZ_OUTAGE").len(), 1);
    assert_eq!(events_of(rec, "AZ_RECOVERED").len(), 1);
    // The zone's two instances are terminated at 10 min; two replacements launch elsewhere at once.
    let lost: Vec<_> = rec
        .instances
        .iter()
        .filter(|i| i.terminated.is_some_and(|t| t.as_ms() == 600_000))
        .collect();
    assert_eq!(lost.len(), 2);
    assert!(lost.iter().all(|i| i.availability_zone == "us-east-1a"));
    let during: Vec<_> = rec
        .instances
        .iter()
        .filter(|i| i.launched.is_some_and(|t| t.as_ms() == 600_000))
        .collect();
    assert_eq!(during.len(), 2);
    assert!(during.iter().all(|i| i.availability_zone != "us-east-1a"));
    // After the outage the group launches in us-east-1a again.
    assert!(rec.instances.iter().any(|i| {
        i.availability_zone == "us-east-1a" && i.launched.is_some_and(|t| t.as_ms() == 1_800_000)
    }));
    // Tasks of the lost zone stopped at once; the service never ran short for long.
    let killed = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| t.stop_code == "TerminationNotice")
        .count();
    assert_eq!(killed, 2);
    assert!(metric(rec, "service.web.availability") > 0.99);
}

/// Two `web` tasks (container-level cpu 512: a soft share) on two m5.large, one of them sharing its instance
/// with a 1,024-unit `hog`: the web task there has half the spare CPU of the other. 250 rps of 10 ms requests,
/// routed by `algorithm`.
fn uneven(algorithm: &str) -> String {
    format!(
        r#"
name = "t"
[simulation]
duration = "10m"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 2
max_size = 2
desired_capacity = 2
[[task_definitions]]
family = "hog"
container_definitions = [{{ name = "hog", image = "hog:1", cpu = 1024, memory = 512 }}]
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 512, port_mappings = [{{ container_port = 80, host_port = 0 }}] }}]
[images."web:1"]
idle_cpu = 0
cpu_per_request = "10ms"
[[target_groups]]
name = "web-tg"
load_balancing_algorithm_type = "{algorithm}"
[[services]]
name = "hog"
task_definition = "hog"
desired_count = 1
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
placement_constraints = [{{ type = "distinctInstance" }}]
load_balancers = [{{ target_group = "web-tg", container_name = "web", container_port = 80 }}]
[[workloads]]
name = "users"
target_group = "web-tg"
pattern = {{ type = "constant", rps = 250 }}
"#
    )
}

// docs/model.md §2: round robin gives both tasks 125 rps, more than the one beside the hog admits (95 % of
// (2,048 − 1,024) ÷ 10.24 = 97.3/s); least outstanding requests shares by service rate (102.4 vs 204.8/s:
// 83 and 167 rps), which both serve.
#[test]
fn least_outstanding_requests_shares_by_service_rate_where_round_robin_overloads() {
    let rr = run_toml(&uneven("round_robin"));
    let lor = run_toml(&uneven("least_outstanding_requests"));
    let rr_availability = metric(&rr.recorded, "service.web.availability");
    assert!(rr_availability < 1.0, "round robin: {rr_availability}");
    assert_eq!(metric(&lor.recorded, "service.web.availability"), 1.0);
}
