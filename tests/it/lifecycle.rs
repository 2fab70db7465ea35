//! The task lifecycle (ECS-SEMANTICS §2, §11.3): state durations, image caching, essential containers,
//! stop codes and reasons, health.

use crate::support::*;

fn cold_cluster(n: u32) -> String {
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
min_size = {n}
max_size = {n}
desired_capacity = {n}
"#
    )
}

// §2.1, §11.3, SPEC §3.3/§3.6: a cold instance registers 90 s after launch; the task is created then,
// pulls its image for 15 s (PENDING), activates for 1–5 s and is RUNNING; without health checks it counts
// as healthy 40 s later (§4.1).
#[test]
fn cold_ec2_task_pulls_for_15s_activates_for_1_to_5s_and_is_healthy_40s_after_running() {
    let text = cold_cluster(1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;
    let out = run_toml(&text);
    let t = tasks_of(&out.recorded, "web")[0];
    assert_eq!(secs(t.created), 90.0);
    let running = secs(t.running);
    assert!((106.0..=110.0).contains(&running), "running at {running}");
    assert_eq!(secs(t.healthy), running + 40.0);
    assert_eq!(
        out.recorded.instances[0].registered.unwrap().as_secs_f64(),
        90.0
    );
}

// §2.1 PENDING: an image already on the instance is not pulled again.
#[test]
fn second_task_on_an_instance_skips_the_image_pull() {
    let text = cold_cluster(1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
[images."web:1"]
pull_time = "60s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
[[events]]
at = "10m"
update_service = { service = "web", desired_count = 2 }
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    let first_pending = secs(rows[0].running) - secs(rows[0].created);
    let second_pending = secs(rows[1].running) - secs(rows[1].created);
    assert!(first_pending >= 61.0, "first pulls 60 s: {first_pending}");
    assert!(
        second_pending <= 5.0,
        "second only activates: {second_pending}"
    );
}

// §11.3: Fargate PROVISIONING is uniform 5–15 s, then every task pulls (Fargate caches nothing).
#[test]
fn fargate_tasks_provision_for_5_to_15s_and_always_pull() {
    let out = run_scenario("fargate-service.toml");
    let rows = tasks_of(&out.recorded, "checkout");
    assert_eq!(rows.len(), 6);
    for t in rows {
        assert_eq!(t.launch_type, "FARGATE");
        assert!(t.instance_id.is_empty());
        // provisioning 5–15 s + pull 25 s + activating 1–5 s
        let to_running = secs(t.running) - secs(t.created);
        assert!((31.0..=45.0).contains(&to_running), "{to_running}");
    }
}

// §2.3: an essential container that exits stops the task: EssentialContainerExited, "Essential container in
// task exited"; a standalone task is not replaced.
#[test]
fn batch_job_exit_stops_the_task_with_essential_container_exited() {
    let out = run_scenario("batch-jobs-memberof.toml");
    let rows = tasks_of(&out.recorded, "");
    assert!(rows.len() >= 4);
    let finished: Vec<_> = rows.iter().filter(|t| t.stopped.is_some()).collect();
    assert!(!finished.is_empty());
    for t in finished {
        assert_eq!(t.stop_code, "EssentialContainerExited");
        assert_eq!(t.stopped_reason, "Essential container in task exited");
        let ran = secs(t.stopped) - secs(t.running);
        assert!((300.0..=720.0).contains(&ran), "ran {ran} s");
    }
}

// §2.2 stopTimeout: SIGTERM, then SIGKILL after stopTimeout. An app that needs 60 s to exit, with
// stopTimeout 10 s, is STOPPING for exactly 10 s.
#[test]
fn stop_timeout_caps_how_long_a_task_is_stopping() {
    let text = cluster("m5.large", 1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, stop_timeout = 10 }]
[images."web:1"]
shutdown_time = "60s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[events]]
at = "5m"
update_service = { service = "web", desired_count = 1 }
"#;
    let out = run_toml(&text);
    let stopped: Vec<_> = tasks_of(&out.recorded, "web")
        .into_iter()
        .filter(|t| t.stopped.is_some())
        .collect();
    assert_eq!(stopped.len(), 1);
    let t = stopped[0];
    assert_eq!(secs(t.stop_requested), 300.0);
    assert_eq!(secs(t.stopping), 300.0);
    assert_eq!(secs(t.stopped), 310.0);
    assert_eq!(t.stop_code, "ServiceSchedulerInitiated");
    assert!(
        t.stopped_reason
            .starts_with("Scaling activity initiated by (deployment ecs-svc/"),
        "{}",
        t.stopped_reason
    );
}

// §4.1: with a container health check, a task is healthy when the check passes: the first probe (every
// `interval` from container start) after the app answers. Startup 10 s, interval 30 s → running + 30 s.
#[test]
fn container_health_check_makes_the_task_healthy_at_the_first_passing_probe() {
    let text = cold_cluster(1)
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, health_check = { command = ["CMD-SHELL", "curl -f localhost"], interval = 30 } }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;
    let out = run_toml(&text);
    let t = tasks_of(&out.recorded, "web")[0];
    assert_eq!(secs(t.healthy), secs(t.running) + 30.0);
}

// §2.2, §3.2: a broken release fails its container health check; after `retries` consecutive failures
// (interval 10 s, retries 3, timeout 5 s: probes at 10, 20, 30 s, the third known at 35 s) the task is
// UNHEALTHY, the service stops it ("Task failed container health checks") and starts a replacement.
#[test]
fn unhealthy_task_is_stopped_and_replaced() {
    let text = cold_cluster(1)
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
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    assert!(rows.len() >= 2, "replaced");
    let first = rows[0];
    assert_eq!(first.stopped_reason, "Task failed container health checks");
    assert_eq!(secs(first.stop_requested), secs(first.running) + 35.0);
    assert!(metric(&out.recorded, "service.web.tasks_failed") >= 1.0);
}

// SPEC §4 (and ECS-SEMANTICS §2.2: a standalone task ignores its health): `healthy_s` is when a task first
// counts as healthy for its service, so a standalone task's is empty.
#[test]
fn standalone_tasks_have_an_empty_healthy_time() {
    let out = run_scenario("az-spread-nine.toml");
    let rows = tasks_of(&out.recorded, "");
    assert_eq!(rows.len(), 9);
    assert!(
        rows.iter()
            .all(|t| t.running.is_some() && t.healthy.is_none())
    );
}
