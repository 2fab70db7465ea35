//! Regressions found in review, each named after the rule it protects.

use crate::support::*;

const WEB: &str = r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
"#;

// §1.3 (DECIDED): group counts include only tasks whose desiredStatus is RUNNING. A stopped task must stop
// counting, or distinctInstance could never place on its old instance again.
#[test]
fn distinct_instance_can_reuse_an_instance_after_its_task_stopped() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
placement_constraints = [{ type = "distinctInstance" }]
[[events]]
at = "5m"
update_service = { service = "web", desired_count = 1 }
[[events]]
at = "10m"
update_service = { service = "web", desired_count = 2 }
"#;
    let out = run_toml(&text);
    assert_eq!(metric(&out.recorded, "cluster.placement_failures"), 0.0);
    assert_eq!(
        tasks_of(&out.recorded, "web")
            .iter()
            .filter(|t| t.stopped.is_none())
            .count(),
        2
    );
}

// §2.1 PENDING: an image another task is still pulling is ready when that pull ends, not before.
#[test]
fn tasks_placed_together_on_a_cold_instance_all_wait_for_the_pull() {
    let text = cluster("m5.large", 1)
        .replace("[simulation]\n", "[simulation]\nwarm_start = false\n")
        + WEB
        + r#"
[images."web:1"]
pull_time = "60s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 3
"#;
    let out = run_toml(&text);
    for t in tasks_of(&out.recorded, "web") {
        // registered at 90 s, pull until 150 s, then 1–5 s ACTIVATING
        assert!(secs(t.running) >= 151.0, "running at {}", secs(t.running));
    }
}

// §2.3: when any essential container exits, the task stops, even if another essential container would run on.
#[test]
fn one_exiting_essential_container_stops_the_task() {
    let text = cluster("m5.large", 1)
        + r#"
[[task_definitions]]
family = "job"
container_definitions = [
  { name = "main", image = "main:1", cpu = 128, memory = 256 },
  { name = "side", image = "side:1", cpu = 128, memory = 256 },
]
[images."main:1"]
exits_after = "60s"
[[events]]
at = "1m"
run_task = { task_definition = "job", count = 1 }
"#;
    let out = run_toml(&text);
    let t = tasks_of(&out.recorded, "")[0];
    assert_eq!(t.stop_code, "EssentialContainerExited");
    assert_eq!(secs(t.stop_requested), secs(t.running) + 60.0);
}

// §3.3 and §4.1: no "unable to stop or start tasks" event while replacements are still on their way.
#[test]
fn draining_at_50_100_writes_no_stuck_event() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
deployment_configuration = { minimum_healthy_percent = 50, maximum_percent = 100 }
[[events]]
at = "5m"
drain_instances = { count = 1 }
"#;
    for seed in 1..6 {
        let out = run_toml_seeded(&text, seed);
        assert!(
            events_of(&out.recorded, "SERVICE_DEPLOYMENT_STUCK").is_empty(),
            "seed {seed}"
        );
        assert!(metric(&out.recorded, "service.web.min_healthy_tasks") >= 2.0);
    }
}

// §3.2: a task slow to answer with no startPeriod fails its first `retries` probes and is UNHEALTHY:
// interval 30 s, retries 3, timeout 5 s, app answering after 150 s → UNHEALTHY at 3 × 30 + 5 = 95 s.
#[test]
fn a_slow_app_without_start_period_fails_its_health_check() {
    let text = cluster("m5.large", 1)
        .replace("[simulation]\n", "[simulation]\nwarm_start = false\n")
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, health_check = { command = ["CMD", "true"], interval = 30, retries = 3, timeout = 5 } }]
[images."web:1"]
startup_time = "150s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;
    let out = run_toml(&text);
    let first = tasks_of(&out.recorded, "web")[0];
    assert_eq!(first.stopped_reason, "Task failed container health checks");
    assert_eq!(secs(first.stop_requested), secs(first.running) + 95.0);
}

// §3.2 healthCheckGracePeriodSeconds: the scheduler ignores an UNHEALTHY result until the grace period ends.
#[test]
fn unhealthy_task_is_kept_until_the_grace_period_ends() {
    let text = cluster("m5.large", 1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, health_check = { command = ["CMD", "true"], interval = 10, retries = 3, timeout = 5 } }]
[images."web:1"]
fails_health_checks = true
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
health_check_grace_period_seconds = 120
"#;
    let out = run_toml(&text).recorded;
    let first = tasks_of(&out, "web")[0];
    // warm start: RUNNING at 0, UNHEALTHY at 35 s, stopped when the grace period ends at 120 s
    assert_eq!(secs(first.stop_requested), 120.0);
}

// SPEC §4: tasks lost with their instance are not failed tasks, and do not throttle the service (§3.2).
#[test]
fn tasks_killed_by_instance_termination_are_not_failures() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
[[events]]
at = "5m"
terminate_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    assert_eq!(metric(&out.recorded, "service.web.tasks_failed"), 0.0);
}

// SPEC §3.1 warmup: counters cover [warmup, duration] only.
#[test]
fn summary_counters_ignore_what_happened_during_warmup() {
    let loaded = ecsim::scenario::load(
        &root().join("scenarios/unplaceable-service.toml"),
        &["simulation.warmup=\"30m\"".to_string()],
    )
    .unwrap();
    let out = ecsim::sim::run(&loaded.scenario, &Default::default());
    assert_eq!(metric(&out.recorded, "cluster.placement_failures"), 0.0);
}

// §1.4 and §14: "One Task Per Host" only adds distinctInstance; placement and scale-in keep the service
// default (spread across zones): 6 → 3 tasks on 6 instances in 3 zones leaves one per zone.
#[test]
fn one_task_per_host_keeps_the_default_zone_spread() {
    for seed in 1..9 {
        let text = cluster("m5.large", 6)
            + WEB
            + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 6
placement_template = "One Task Per Host"
[[events]]
at = "5m"
update_service = { service = "web", desired_count = 3 }
"#;
        let out = run_toml_seeded(&text, seed);
        let live: Vec<_> = tasks_of(&out.recorded, "web")
            .into_iter()
            .filter(|t| t.stopped.is_none())
            .collect();
        assert_eq!(
            per_zone(&live)
                .into_iter()
                .map(|(_, n)| n)
                .collect::<Vec<_>>(),
            vec![1, 1, 1],
            "seed {seed}"
        );
    }
}

// SPEC §3.1 warm start: a warm task's app already answers, so a slow-starting image stays healthy.
#[test]
fn warm_tasks_of_a_slow_image_stay_healthy() {
    let text = cluster("m5.large", 1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, health_check = { command = ["CMD", "true"], interval = 10, retries = 3 } }]
[images."web:1"]
startup_time = "5m"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
"#;
    let out = run_toml(&text);
    assert_eq!(tasks_of(&out.recorded, "web").len(), 2, "no replacement");
    assert_eq!(metric(&out.recorded, "service.web.tasks_failed"), 0.0);
}

// A task definition for ARM64 (runtimePlatform) runs only on arm64 instances (ecs.cpu-architecture).
#[test]
fn arm64_task_definitions_are_placed_only_on_arm64_instances() {
    let text = cluster("m5.large", 3)
        + r#"
[[auto_scaling_groups]]
name = "graviton"
instance_types = ["m6g.large"]
min_size = 1
max_size = 1
desired_capacity = 1
[[task_definitions]]
family = "arm"
runtime_platform = { cpu_architecture = "ARM64" }
container_definitions = [{ name = "arm", image = "arm:1", cpu = 128, memory = 256 }]
[[services]]
name = "arm"
task_definition = "arm"
desired_count = 3
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let graviton = rec
        .instances
        .iter()
        .find(|i| i.instance_type == "m6g.large")
        .unwrap();
    let rows = tasks_of(rec, "arm");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|t| t.instance_id == graviton.instance_id));
}

// §3.2: an UNHEALTHY task whose replacement cannot be placed is still stopped (one by one), which frees the
// room the replacement needs. One t3.medium (3993 MiB) holds one 3000 MiB task.
#[test]
fn unhealthy_task_is_stopped_even_when_its_replacement_does_not_fit() {
    let text = cluster("t3.medium", 1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 3000, health_check = { command = ["CMD", "true"], interval = 10, retries = 2 } }]
[images."web:1"]
fails_health_checks = true
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    assert!(rows.len() >= 3, "replaced again and again: {}", rows.len());
    assert_eq!(
        rows[0].stopped_reason,
        "Task failed container health checks"
    );
}

// §3.1: distinctInstance on a DAEMON service is what DAEMON scheduling already guarantees; the daemon's own
// task must not make its instance ineligible.
#[test]
fn daemon_with_distinct_instance_keeps_one_task_per_instance() {
    let text = cluster("m5.large", 2)
        .replace("[simulation]\n", "[simulation]\nwarm_start = false\n")
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 64, memory = 128 }]
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
placement_constraints = [{ type = "distinctInstance" }]
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let live: Vec<_> = tasks_of(rec, "agent")
        .into_iter()
        .filter(|t| t.stopped.is_none())
        .collect();
    assert_eq!(live.len(), 2);
    let desired: Vec<f64> = rec
        .timeseries
        .rows()
        .filter(|p| {
            p.metric == "DesiredTaskCount" && p.id == "agent" && p.time.as_secs_f64() >= 120.0
        })
        .map(|p| p.value)
        .collect();
    assert!(
        !desired.is_empty() && desired.iter().all(|v| *v == 2.0),
        "{desired:?}"
    );
}

// §1.7: replacing an UNHEALTHY DAEMON task on a full instance is not a placement failure.
#[test]
fn replacing_an_unhealthy_daemon_task_is_not_a_placement_failure() {
    let text = cluster("t3.medium", 1)
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 256, memory = 3000, health_check = { command = ["CMD", "true"], interval = 10, retries = 2 } }]
[images."agent:1"]
fails_health_checks = true
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
"#;
    let out = run_toml(&text);
    assert!(tasks_of(&out.recorded, "agent").len() >= 3, "replaced");
    assert_eq!(metric(&out.recorded, "cluster.placement_failures"), 0.0);
}
