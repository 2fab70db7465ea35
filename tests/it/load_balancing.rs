//! ALB target groups (ECS-SEMANTICS §5) and what ECS does with their health (§2.1, §3.2, §4.1).

use crate::support::*;

/// One cold m5.large and a `web` service of `desired` tasks behind target group `web-tg`; `tg` and `image`
/// are extra TOML for the target group and the image.
fn behind_alb(desired: u32, tg: &str, image: &str, service: &str) -> String {
    format!(
        r#"
name = "t"
[simulation]
duration = "30m"
warm_start = false
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 1
max_size = 1
desired_capacity = 1
[[task_definitions]]
family = "web"
network_mode = "awsvpc"
container_definitions = [{{ name = "web", image = "web:1", cpu = 256, memory = 512, port_mappings = [{{ container_port = 80 }}] }}]
[images."web:1"]
{image}
[[target_groups]]
name = "web-tg"
{tg}
[[services]]
name = "web"
task_definition = "web"
desired_count = {desired}
load_balancers = [{{ target_group = "web-tg", container_name = "web", container_port = 80 }}]
{service}
"#
    )
}

// §5.1 (DECIDED timing) and §4.1: the task registers when it enters ACTIVATING (1–5 s before RUNNING); the
// first probe runs one interval (30 s) later, the app answers (it started 10 s after RUNNING) and the answer
// comes back after one request's service time (10 ms): a new target needs one passing check, and the task
// counts as healthy for its service then — not 40 s after RUNNING.
#[test]
fn a_task_behind_an_alb_is_healthy_when_its_target_passes_one_check() {
    let out = run_toml(&behind_alb(1, "", "", ""));
    let t = tasks_of(&out.recorded, "web")[0];
    let running = secs(t.running);
    let healthy = secs(t.healthy);
    assert!(
        (running + 25.010..=running + 29.010).contains(&healthy),
        "running {running}, healthy {healthy}"
    );
}

// §5.1: a broken release answers its health checks with errors: the target goes from initial to unhealthy
// after UnhealthyThresholdCount (2) failed checks; §3.2, §2.4: the service replaces the task, whose stop
// reason names the target group.
#[test]
fn a_target_failing_its_checks_gets_the_task_replaced_with_the_elb_stop_reason() {
    let out = run_toml(&behind_alb(1, "", "fails_health_checks = true", ""));
    let tasks = tasks_of(&out.recorded, "web");
    assert!(tasks.len() >= 2, "the failing task is replaced: {tasks:#?}");
    let first = tasks
        .iter()
        .min_by(|a, b| secs(a.created).total_cmp(&secs(b.created)))
        .unwrap();
    assert!(
        first.stopped_reason.starts_with(
            "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:"
        ),
        "{}",
        first.stopped_reason
    );
    assert!(first.stopped_reason.contains(":targetgroup/web-tg/"));
    assert_eq!(first.stop_code, "ServiceSchedulerInitiated");
    assert!(first.healthy.is_none());
    // Unhealthy at the second probe's error (registration + 60 s + 10 ms), replaced at once (no grace).
    let running = secs(first.running);
    let stop = secs(first.stop_requested);
    assert!(
        (running + 55.010..=running + 59.010).contains(&stop),
        "running {running}, stop requested {stop}"
    );
    let unhealthy = events_of(&out.recorded, "SERVICE_TASK_UNHEALTHY");
    assert!(
        unhealthy[0]
            .message
            .contains("(port 80) is unhealthy in (target-group arn:aws:elasticloadbalancing:"),
        "{}",
        unhealthy[0].message
    );
    assert!(
        unhealthy[0]
            .message
            .ends_with("due to (reason Health checks failed with these codes: [500]).")
    );
}

// §3.2: `healthCheckGracePeriodSeconds` ignores an unhealthy target for that long after the task started.
#[test]
fn the_grace_period_holds_off_replacing_an_unhealthy_target() {
    let out = run_toml(&behind_alb(
        1,
        "",
        "fails_health_checks = true",
        "health_check_grace_period_seconds = 300",
    ));
    let tasks = tasks_of(&out.recorded, "web");
    let first = tasks
        .iter()
        .min_by(|a, b| secs(a.created).total_cmp(&secs(b.created)))
        .unwrap();
    let running = first.running.unwrap().as_ms();
    assert_eq!(first.stop_requested.unwrap().as_ms(), running + 300_000);
}

// §2.1, §5.2 (DECIDED): a stopped task behind a load balancer stays in DEACTIVATING for the target group's
// deregistration delay, then enters STOPPING; its replacement does not wait for it (§4.1).
#[test]
fn a_stopped_task_deactivates_for_the_deregistration_delay_before_stopping() {
    let text = behind_alb(2, "deregistration_delay_seconds = 45", "", "")
        + r#"
[[events]]
at = "10m"
update_service = { service = "web", desired_count = 1 }
"#;
    let out = run_toml(&text);
    let stopped: Vec<_> = tasks_of(&out.recorded, "web")
        .into_iter()
        .filter(|t| t.stop_requested.is_some())
        .collect();
    assert_eq!(stopped.len(), 1);
    let t = stopped[0];
    assert_eq!(secs(t.stop_requested), 600.0);
    assert_eq!(secs(t.stopping), 645.0);
}

// §5.1: without a load balancer the 40 s rule still applies (regression guard for services without one).
#[test]
fn a_task_without_a_load_balancer_is_healthy_40s_after_running() {
    let text = behind_alb(1, "", "", "")
        .replace(
            "load_balancers = [{ target_group = \"web-tg\", container_name = \"web\", container_port = 80 }]",
            "",
        );
    let out = run_toml(&text);
    let t = tasks_of(&out.recorded, "web")[0];
    assert_eq!(secs(t.healthy), secs(t.running) + 40.0);
}

/// `events.csv`, `tasks.csv` and `timeseries.csv` of `text` run with target health checks simulated `mode`.
fn outputs(text: &str, mode: ecsim::elb::HealthCheckMode) -> [Vec<u8>; 3] {
    let loaded = load_toml(text);
    let out = ecsim::sim::run(
        &loaded.scenario,
        &ecsim::sim::RunOptions {
            health_checks: mode,
            ..ecsim::sim::RunOptions::default()
        },
    );
    let rec = &out.recorded;
    [
        ecsim::report::events::render(rec),
        ecsim::report::tasks::render(rec),
        ecsim::report::timeseries::render(rec),
    ]
}

/// Asserts that computing each target's next health change gives byte for byte what probing every
/// interval gives.
pub fn assert_closed_form_health_checks_equal_probing(text: &str) {
    let closed = outputs(text, ecsim::elb::HealthCheckMode::ClosedForm);
    let probed = outputs(text, ecsim::elb::HealthCheckMode::ProbeByProbe);
    for (name, (a, b)) in ["events.csv", "tasks.csv", "timeseries.csv"]
        .iter()
        .zip(closed.iter().zip(&probed))
    {
        assert!(
            a == b,
            "{name} differs:\n--- closed form\n{}\n--- probe by probe\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

// DESIGN.md (skip what provably cannot change, behind a test): a target's next health change computed in
// closed form gives the same story as running every probe — a healthy start, a broken release replaced
// again and again, a grace period, a slow app that misses its first checks, tight thresholds.
#[test]
fn closed_form_health_checks_equal_probing_every_interval() {
    for text in [
        behind_alb(3, "", "", ""),
        behind_alb(2, "", "fails_health_checks = true", ""),
        behind_alb(
            1,
            "",
            "fails_health_checks = true",
            "health_check_grace_period_seconds = 120",
        ),
        behind_alb(
            2,
            "health_check_interval_seconds = 5\nhealth_check_timeout_seconds = 2\nhealthy_threshold_count = 2\nunhealthy_threshold_count = 3",
            "startup_time = { min = \"5s\", max = \"40s\" }\ncrash_rate_per_hour = 6",
            "",
        ),
        behind_alb(
            2,
            "deregistration_delay_seconds = 0",
            "crash_rate_per_hour = 4",
            "",
        ),
        // A slow app: its targets go unhealthy before it answers, then recover inside the grace period.
        behind_alb(
            2,
            "healthy_threshold_count = 3",
            "startup_time = { min = \"70s\", max = \"100s\" }",
            "health_check_grace_period_seconds = 300",
        ),
    ] {
        assert_closed_form_health_checks_equal_probing(&text);
    }
}

// ECS-SEMANTICS §4.3 stage 2 through the load balancer: a broken release behind an ALB fails its target's
// health checks; each task the service stops for it counts for the circuit breaker (threshold
// clamp(ceil(0.5 × 4), 3, 200) = 3), which trips and rolls back to the last COMPLETED revision.
#[test]
fn elb_health_check_failures_trip_the_circuit_breaker_and_roll_back() {
    let text = r#"
name = "t"
[simulation]
duration = "1h"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.xlarge"]
min_size = 2
max_size = 2
desired_capacity = 2
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, port_mappings = [{ container_port = 80, host_port = 0 }] }]
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:2", cpu = 256, memory = 512, port_mappings = [{ container_port = 80, host_port = 0 }] }]
[images."web:2"]
fails_health_checks = true
[[target_groups]]
name = "web-tg"
deregistration_delay_seconds = 30
[[services]]
name = "web"
task_definition = "web:1"
desired_count = 4
load_balancers = [{ target_group = "web-tg", container_name = "web", container_port = 80 }]
deployment_configuration = { minimum_healthy_percent = 100, maximum_percent = 200, deployment_circuit_breaker = { enable = true, rollback = true } }
[[events]]
at = "5m"
update_service = { service = "web", task_definition = "web:2" }
"#;
    let out = run_toml(text);
    let rec = &out.recorded;
    assert_eq!(metric(rec, "service.web.deployments_rolled_back"), 1.0);
    assert_eq!(events_of(rec, "SERVICE_DEPLOYMENT_FAILED").len(), 1);
    let failed_elb = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| {
            t.task_definition == "web:2"
                && t.stopped_reason
                    .starts_with("Task failed ELB health checks")
        })
        .count();
    assert!(
        failed_elb >= 3,
        "the breaker trips at the third failure: {failed_elb}"
    );
    // The old revision kept serving throughout: 100 % minimum healthy.
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 4.0);
}

// ECS-SEMANTICS §3.3 with a load balancer: tasks on a DRAINING instance are replaced within the deployment
// bounds (100 %/200 %: the replacements first), and the old ones leave through the deregistration delay —
// DEACTIVATING for 300 s (the default) before STOPPING.
#[test]
fn draining_replaces_tasks_first_and_the_old_ones_deregister_for_the_delay() {
    let text = r#"
name = "t"
[simulation]
duration = "30m"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.xlarge"]
min_size = 2
max_size = 2
desired_capacity = 2
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, port_mappings = [{ container_port = 80, host_port = 0 }] }]
[[target_groups]]
name = "web-tg"
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
load_balancers = [{ target_group = "web-tg", container_name = "web", container_port = 80 }]
[[workloads]]
name = "users"
target_group = "web-tg"
pattern = { type = "constant", rps = 100 }
[[events]]
at = "5m"
drain_instances = { count = 1, auto_scaling_group = "nodes" }
"#;
    let out = run_toml(text);
    let rec = &out.recorded;
    let drained: Vec<_> = tasks_of(rec, "web")
        .into_iter()
        .filter(|t| t.stop_requested.is_some())
        .collect();
    assert!(!drained.is_empty());
    for t in &drained {
        assert_eq!(
            t.stopping.unwrap().as_ms() - t.stop_requested.unwrap().as_ms(),
            300_000,
            "DEACTIVATING for the deregistration delay"
        );
    }
    // The replacements were healthy before the old tasks were told to stop: never fewer than 4 healthy,
    // and users saw no error.
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 4.0);
    assert_eq!(metric(rec, "service.web.availability"), 1.0);
}
