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
