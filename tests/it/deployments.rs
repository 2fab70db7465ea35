//! Rolling deployments (ECS-SEMANTICS §4): every worked example of §4.1's table at scenario level, the
//! deployment objects of §4.2, the circuit breaker and its rollback (§4.3), forced deployments and the
//! throttling reset (§3.2), and the summary counts (SPEC §4).

use ecsim::engine::SimTime;
use ecsim::report::recorded::{Recorded, TaskRow};

use crate::support::*;

/// The update instant of every scenario below.
const UPDATE_S: f64 = 300.0;

/// `instances` m5.xlarge (4 vCPU, 16 GiB) and service `web` of `desired` 512-CPU / 1 GiB tasks on `web:1`,
/// with deployment configuration `config`, updated at 5 minutes by `update` (an `update_service` table body).
fn scenario(instances: u32, desired: u32, config: &str, update: &str) -> String {
    cluster("m5.xlarge", instances)
        + &format!(
            r#"
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 1024 }}]
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:2", cpu = 512, memory = 1024 }}]
[[services]]
name = "web"
task_definition = "web:1"
desired_count = {desired}
deployment_configuration = {{ {config} }}
[[events]]
at = "5m"
update_service = {{ service = "web", {update} }}
"#
        )
}

/// The rows of `web`'s tasks.
fn web(rec: &Recorded) -> Vec<&TaskRow> {
    tasks_of(rec, "web")
}

/// Every instant at which a task of `web` was created, stopped or became healthy.
fn instants(rows: &[&TaskRow]) -> Vec<SimTime> {
    let mut at: Vec<SimTime> = rows
        .iter()
        .flat_map(|t| [t.created, t.healthy, t.stop_requested])
        .flatten()
        .collect();
    at.sort();
    at.dedup();
    at
}

/// Tasks whose desiredStatus is RUNNING at the end of instant `t`.
fn active_at(rows: &[&TaskRow], t: SimTime) -> usize {
    rows.iter()
        .filter(|r| r.created.is_some_and(|c| c <= t) && r.stop_requested.is_none_or(|s| s > t))
        .count()
}

/// Tasks counted healthy with desiredStatus RUNNING at the end of instant `t`.
fn healthy_at(rows: &[&TaskRow], t: SimTime) -> usize {
    rows.iter()
        .filter(|r| r.healthy.is_some_and(|h| h <= t) && r.stop_requested.is_none_or(|s| s > t))
        .count()
}

/// The most tasks with desiredStatus RUNNING, and the fewest healthy, at any instant from the update on.
fn bounds_during_update(rows: &[&TaskRow]) -> (usize, usize) {
    let update = SimTime::from_secs(UPDATE_S as u64);
    let at: Vec<SimTime> = instants(rows)
        .into_iter()
        .filter(|&t| t >= update)
        .collect();
    let most = at.iter().map(|&t| active_at(rows, t)).max().unwrap();
    let fewest = at.iter().map(|&t| healthy_at(rows, t)).min().unwrap();
    (most, fewest)
}

/// Tasks of `td` (`web:1`, `web:2`) in `rows`.
fn of<'a>(rows: &[&'a TaskRow], td: &str) -> Vec<&'a TaskRow> {
    rows.iter()
        .copied()
        .filter(|t| t.task_definition == td)
        .collect()
}

/// The number of tasks a "has started" / "has stopped" event lists.
fn listed(message: &str) -> usize {
    message.matches("(task ").count()
}

/// Events of `kind` at the update instant.
fn at_update<'a>(rec: &'a Recorded, kind: &str) -> Vec<ecsim::report::event_log::EventRow<'a>> {
    events_of(rec, kind)
        .into_iter()
        .filter(|e| e.time.as_secs_f64() == UPDATE_S)
        .collect()
}

// ECS-SEMANTICS §4.1 worked example and reconcile rule: desired 4 at 50 %/200 % starts 4 new tasks (8 − 4
// allowed, 4 − 0 wanted) and stops 2 old ones (4 healthy − ceil(2) floor) in the same instant; the last 2
// old ones stop as new ones become healthy. Never fewer than 2 healthy, never more than 8 tasks with
// desiredStatus RUNNING (at the end of an instant 6: the 2 stops come with the 4 starts).
#[test]
fn rolling_update_50_200_starts_4_and_stops_2_at_once_never_below_2_healthy() {
    let out = run_toml(&scenario(
        3,
        4,
        "minimum_healthy_percent = 50, maximum_percent = 200",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let started = at_update(rec, "TASKS_STARTED");
    let stopped = at_update(rec, "TASKS_STOPPED");
    assert_eq!(started.len(), 1, "{:#?}", rec.events);
    assert_eq!(listed(started[0].message), 4);
    assert_eq!(stopped.len(), 1);
    assert_eq!(listed(stopped[0].message), 2);
    let rows = web(rec);
    let (most, fewest) = bounds_during_update(&rows);
    assert!(most <= 8, "at most 8: {most}");
    assert_eq!(most, 6);
    assert_eq!(fewest, 2);
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 2.0);
    // The last 2 old tasks stop only once new ones are healthy.
    let first_healthy = of(&rows, "web:2")
        .iter()
        .filter_map(|t| t.healthy)
        .min()
        .unwrap();
    let late: Vec<_> = of(&rows, "web:1")
        .into_iter()
        .filter(|t| t.stop_requested.unwrap().as_secs_f64() > UPDATE_S)
        .collect();
    assert_eq!(late.len(), 2);
    assert!(
        late.iter()
            .all(|t| t.stop_requested.unwrap() >= first_healthy)
    );
    // Every old task stopped, 4 new ones run, the deployment completed.
    assert!(
        of(&rows, "web:1")
            .iter()
            .all(|t| t.stop_requested.is_some())
    );
    assert_eq!(
        of(&rows, "web:2")
            .iter()
            .filter(|t| t.stop_requested.is_none())
            .count(),
        4
    );
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
}

// ECS-SEMANTICS §14 "deploy quickly without reducing capacity" and DESIGN.md's example: at 100 %/200 % the 4
// new tasks start at once next to the 4 old ones — 8 RUNNING at the peak — and old tasks stop as new ones
// become healthy: never fewer than 4 healthy.
#[test]
fn rolling_update_100_200_keeps_4_healthy_peaks_at_8() {
    let out = run_toml(&scenario(
        3,
        4,
        "minimum_healthy_percent = 100, maximum_percent = 200",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let started = at_update(rec, "TASKS_STARTED");
    assert_eq!(listed(started[0].message), 4);
    assert!(at_update(rec, "TASKS_STOPPED").is_empty());
    let (most, fewest) = bounds_during_update(&web(rec));
    assert_eq!((most, fewest), (8, 4));
    assert_eq!(metric(rec, "service.web.max_running_tasks"), 8.0);
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 4.0);
}

// ECS-SEMANTICS §4.1 worked example: desired 2 at 75 % rounds the floor up to ceil(1.5) = 2, so no old task
// stops before a new one is healthy.
#[test]
fn desired_2_at_75_percent_stops_no_old_task_before_a_new_one_is_healthy() {
    let out = run_toml(&scenario(
        2,
        2,
        "minimum_healthy_percent = 75",
        r#"task_definition = "web""#,
    ));
    let rows = web(&out.recorded);
    let first_healthy = of(&rows, "web:2")
        .iter()
        .filter_map(|t| t.healthy)
        .min()
        .unwrap();
    for old in of(&rows, "web:1") {
        assert!(old.stop_requested.unwrap() >= first_healthy, "{old:?}");
    }
    assert_eq!(bounds_during_update(&rows).1, 2);
}

// ECS-SEMANTICS §4.1 worked example: desired 3 at 125 % rounds the ceiling down to floor(3.75) = 3, so no
// extra task can start: the update begins by stopping (here minimumHealthyPercent 50 allows 1) and never
// has more than 3 tasks with desiredStatus RUNNING.
#[test]
fn desired_3_at_125_percent_cannot_start_an_extra_task() {
    let out = run_toml(&scenario(
        2,
        3,
        "minimum_healthy_percent = 50, maximum_percent = 125",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let rows = web(rec);
    assert_eq!(bounds_during_update(&rows).0, 3);
    let first_start = of(&rows, "web:2")
        .iter()
        .map(|t| t.created.unwrap())
        .min()
        .unwrap();
    let first_stop = of(&rows, "web:1")
        .iter()
        .map(|t| t.stop_requested.unwrap())
        .min()
        .unwrap();
    assert!(first_stop <= first_start);
    // The stop comes first in the log too.
    let kinds: Vec<&str> = rec
        .events
        .iter()
        .filter(|e| e.kind == "TASKS_STARTED" || e.kind == "TASKS_STOPPED")
        .filter(|e| e.time.as_secs_f64() >= UPDATE_S)
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds[0], "TASKS_STOPPED");
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
}

// ECS-SEMANTICS §4.1 worked example: desired 3 at 100 %/125 % may neither start (ceiling 3) nor stop (floor
// 3): the deployment is stuck, with AWS's event, and the old tasks keep running.
#[test]
fn desired_3_at_100_125_is_stuck_with_the_aws_event() {
    let out = run_toml(&scenario(
        2,
        3,
        "minimum_healthy_percent = 100, maximum_percent = 125",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let stuck = events_of(rec, "SERVICE_DEPLOYMENT_STUCK");
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].time.as_secs_f64(), UPDATE_S);
    assert_eq!(
        stuck[0].message,
        "service web was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
    );
    let rows = web(rec);
    assert!(of(&rows, "web:2").is_empty());
    assert!(
        of(&rows, "web:1")
            .iter()
            .all(|t| t.stop_requested.is_none())
    );
    assert_eq!(metric(rec, "service.web.deployments_completed"), 0.0);
}

// ECS-SEMANTICS §4.1 worked example: desired 10 at 100 %/150 % goes in waves of 5: 5 new tasks start
// (ceiling 15), no old task stops before a new one is healthy (floor 10), and as the new ones become
// healthy old ones stop and the next new ones start; never more than 15, never fewer than 10 healthy.
#[test]
fn desired_10_at_100_150_goes_in_waves_of_5() {
    let out = run_toml(&scenario(
        4,
        10,
        "minimum_healthy_percent = 100, maximum_percent = 150",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let started = at_update(rec, "TASKS_STARTED");
    assert_eq!(listed(started[0].message), 5);
    assert!(at_update(rec, "TASKS_STOPPED").is_empty());
    let rows = web(rec);
    let first_wave_healthy = of(&rows, "web:2")
        .iter()
        .filter_map(|t| t.healthy)
        .min()
        .unwrap();
    assert!(
        of(&rows, "web:1")
            .iter()
            .all(|t| t.stop_requested.unwrap() >= first_wave_healthy)
    );
    // The second wave starts only as the first one's tasks become healthy and old ones stop.
    let mut created: Vec<SimTime> = of(&rows, "web:2")
        .iter()
        .map(|t| t.created.unwrap())
        .collect();
    created.sort();
    assert_eq!(created.len(), 10);
    assert!(created[..5].iter().all(|&c| c.as_secs_f64() == UPDATE_S));
    assert!(created[5..].iter().all(|&c| c >= first_wave_healthy));
    assert_eq!(bounds_during_update(&rows), (15, 10));
}

// ECS-SEMANTICS §4.1 worked example: desired 5 at 50 %/100 % stops 2 old tasks (5 healthy − ceil(2.5) = 3)
// and starts 2 new ones in their place; never more than 5 tasks, never fewer than 3 healthy.
#[test]
fn desired_5_at_50_100_stops_2_then_starts_2() {
    let out = run_toml(&scenario(
        3,
        5,
        "minimum_healthy_percent = 50, maximum_percent = 100",
        r#"task_definition = "web""#,
    ));
    let rec = &out.recorded;
    let stopped = at_update(rec, "TASKS_STOPPED");
    let started = at_update(rec, "TASKS_STARTED");
    assert_eq!(listed(stopped[0].message), 2);
    assert_eq!(listed(started[0].message), 2);
    assert_eq!(bounds_during_update(&web(rec)), (5, 3));
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
}

// ECS-SEMANTICS §4.2: a new deployment is PRIMARY with an `ecs-svc/` id and its own "in progress" event; it
// completes (with AWS's sentence) when it has the desired healthy tasks and every older task is STOPPED, and
// the scheduler's stops name it as their reason.
#[test]
fn a_new_deployment_is_announced_completed_and_named_in_the_stop_reason() {
    let out = run_toml(&scenario(3, 2, "", r#"task_definition = "web:2""#));
    let rec = &out.recorded;
    let started = events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS");
    assert_eq!(started.len(), 1);
    let id = "ecs-svc/1000000001000000001";
    assert_eq!(
        started[0].message,
        format!(
            "(service web) (deployment {id}) deployment in progress with task definition web:2."
        )
    );
    let completed = events_of(rec, "SERVICE_DEPLOYMENT_COMPLETED");
    assert_eq!(completed.len(), 1);
    assert_eq!(
        completed[0].message,
        format!("(service web) (deployment {id}) deployment completed.")
    );
    let rows = web(rec);
    let last_old_stop = of(&rows, "web:1")
        .iter()
        .filter_map(|t| t.stopped)
        .max()
        .unwrap();
    assert!(completed[0].time >= last_old_stop);
    for old in of(&rows, "web:1") {
        assert_eq!(old.stop_code, "ServiceSchedulerInitiated");
        assert_eq!(
            old.stopped_reason,
            format!("Scaling activity initiated by (deployment {id})")
        );
    }
}

// ECS-SEMANTICS §4.2: an update to the task definition the service already runs, without
// force_new_deployment, starts no deployment.
#[test]
fn updating_to_the_same_task_definition_starts_no_deployment() {
    let out = run_toml(&scenario(
        3,
        2,
        "",
        r#"task_definition = "web:1", desired_count = 3"#,
    ));
    let rec = &out.recorded;
    assert!(events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS").is_empty());
    assert!(web(rec).iter().all(|t| t.stop_requested.is_none()));
    assert_eq!(web(rec).len(), 3);
}

// ECS-SEMANTICS §4.2: force_new_deployment starts a deployment of the same task definition, which replaces
// every task.
#[test]
fn force_new_deployment_replaces_every_task() {
    let out = run_toml(&scenario(3, 3, "", "force_new_deployment = true"));
    let rec = &out.recorded;
    assert_eq!(events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS").len(), 1);
    let rows = web(rec);
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|t| t.task_definition == "web:1"));
    let (old, new): (Vec<&TaskRow>, Vec<&TaskRow>) = rows
        .iter()
        .partition(|t| t.created.unwrap() < SimTime::from_secs(UPDATE_S as u64));
    assert!(old.iter().all(|t| t.stop_requested.is_some()));
    assert!(new.iter().all(|t| t.stop_requested.is_none()));
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
}

// ECS-SEMANTICS §4.2: an update while a deployment is in progress makes a third deployment PRIMARY; the
// tasks of both older ones are replaced, and only the last one completes.
#[test]
fn an_update_during_a_deployment_replaces_the_tasks_of_both_older_ones() {
    let text = scenario(
        3,
        4,
        "minimum_healthy_percent = 100, maximum_percent = 200",
        r#"task_definition = "web:2""#,
    ) + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:3", cpu = 512, memory = 1024 }]
[[events]]
at = "5m20s"
update_service = { service = "web", task_definition = "web:3" }
"#;
    let rec = &run_toml(&text).recorded;
    assert_eq!(events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS").len(), 2);
    let completed = events_of(rec, "SERVICE_DEPLOYMENT_COMPLETED");
    assert_eq!(completed.len(), 1);
    assert!(completed[0].message.contains("ecs-svc/1000000002000000001"));
    let rows = web(rec);
    let live: Vec<_> = rows.iter().filter(|t| t.stop_requested.is_none()).collect();
    assert_eq!(live.len(), 4);
    assert!(live.iter().all(|t| t.task_definition == "web:3"));
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 4.0);
}

/// A service of 4 tasks with container health checks on three m5.xlarge, updated at 5 minutes to `web:2`
/// whose app fails its health check, with circuit breaker `breaker`.
fn broken_release(breaker: &str) -> String {
    cluster("m5.xlarge", 3)
        + &format!(
            r#"
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 1024, health_check = {{ command = ["CMD", "true"], interval = 10, timeout = 5, retries = 3 }} }}]
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:2", cpu = 512, memory = 1024, health_check = {{ command = ["CMD", "true"], interval = 10, timeout = 5, retries = 3 }} }}]
[images."web:2"]
fails_health_checks = true
[[services]]
name = "web"
task_definition = "web:1"
desired_count = 4
deployment_configuration = {{ deployment_circuit_breaker = {{ {breaker} }} }}
[[events]]
at = "5m"
update_service = {{ service = "web", task_definition = "web:2" }}
"#
        )
}

/// Tasks of `td` stopped for failing their container health check before `before`.
fn health_stops_before(rows: &[&TaskRow], td: &str, before: SimTime) -> usize {
    of(rows, td)
        .iter()
        .filter(|t| {
            t.stopped_reason == "Task failed container health checks"
                && t.stop_requested.is_some_and(|s| s <= before)
        })
        .count()
}

// ECS-SEMANTICS §4.3: a broken release (web:2 fails its container health checks) is stopped task by task,
// each stop a stage-2 failure; the third (threshold clamp(ceil(0.5 × 4), 3, 200) = 3) marks the deployment
// FAILED and, with rollback, a new deployment of the last COMPLETED deployment's task definition (web:1)
// starts, saying it was started by the circuit breaker's rollback. It completes; web:1 serves at the end.
#[test]
fn circuit_breaker_fails_a_broken_release_and_rolls_back_to_the_last_completed_revision() {
    let out = run_toml(&broken_release("enable = true, rollback = true"));
    let rec = &out.recorded;
    let failed = events_of(rec, "SERVICE_DEPLOYMENT_FAILED");
    assert_eq!(failed.len(), 1, "{:#?}", rec.events);
    assert_eq!(
        failed[0].message,
        "(service web) (deployment ecs-svc/1000000001000000001) deployment failed: ECS deployment circuit breaker: tasks failed to start."
    );
    let rows = web(rec);
    assert_eq!(health_stops_before(&rows, "web:2", failed[0].time), 3);
    let in_progress = events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS");
    assert_eq!(in_progress.len(), 2);
    assert_eq!(in_progress[1].time, failed[0].time);
    assert_eq!(
        in_progress[1].message,
        "(service web) (deployment ecs-svc/1000000002000000001) deployment in progress with task definition web:1: ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1000000000000000001."
    );
    // Nothing of web:2 starts once the deployment FAILED; web:1 runs 4 tasks at the end.
    assert!(
        of(&rows, "web:2")
            .iter()
            .all(|t| t.created.unwrap() < failed[0].time)
    );
    let live: Vec<_> = rows.iter().filter(|t| t.stop_requested.is_none()).collect();
    assert_eq!(live.len(), 4);
    assert!(live.iter().all(|t| t.task_definition == "web:1"));
    let completed = events_of(rec, "SERVICE_DEPLOYMENT_COMPLETED");
    assert_eq!(completed.len(), 1);
    assert!(completed[0].message.contains("ecs-svc/1000000002000000001"));
    assert_eq!(metric(rec, "service.web.deployments_rolled_back"), 1.0);
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
    assert_eq!(metric(rec, "service.web.min_healthy_tasks"), 4.0);
    assert!(metric(rec, "service.web.tasks_failed") >= 3.0);
}

// ECS-SEMANTICS §4.3: the rollback goes to the *last* COMPLETED deployment: after web:2 completed, a broken
// web:3 rolls back to web:2, not to web:1.
#[test]
fn rollback_goes_to_the_most_recent_completed_deployment() {
    let text = broken_release("enable = true, rollback = true")
        .replace("fails_health_checks = true", "")
        .replace("at = \"5m\"", "at = \"2m\"")
        + r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:3", cpu = 512, memory = 1024, health_check = { command = ["CMD", "true"], interval = 10, timeout = 5, retries = 3 } }]
[images."web:3"]
fails_health_checks = true
[[events]]
at = "8m"
update_service = { service = "web", task_definition = "web:3" }
"#;
    let rec = &run_toml(&text).recorded;
    let in_progress = events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS");
    assert_eq!(in_progress.len(), 3, "{:#?}", rec.events);
    assert!(
        in_progress[2]
            .message
            .ends_with("with task definition web:2: ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1000000001000000001."),
        "{}",
        in_progress[2].message
    );
    let live: Vec<_> = web(rec)
        .into_iter()
        .filter(|t| t.stop_requested.is_none())
        .collect();
    assert!(live.iter().all(|t| t.task_definition == "web:2"));
    assert_eq!(metric(rec, "service.web.deployments_completed"), 2.0);
    assert_eq!(metric(rec, "service.web.deployments_rolled_back"), 1.0);
}

// ECS-SEMANTICS §4.2, §4.3: without rollback, a FAILED deployment launches no new tasks: the broken tasks
// are stopped and not replaced, the old tasks keep serving, and the deployment never completes.
#[test]
fn circuit_breaker_without_rollback_leaves_the_failed_deployment_launching_nothing() {
    let out = run_toml(&broken_release("enable = true"));
    let rec = &out.recorded;
    let failed = events_of(rec, "SERVICE_DEPLOYMENT_FAILED");
    assert_eq!(failed.len(), 1);
    assert_eq!(events_of(rec, "SERVICE_DEPLOYMENT_IN_PROGRESS").len(), 1);
    let rows = web(rec);
    assert!(
        of(&rows, "web:2")
            .iter()
            .all(|t| t.created.unwrap() < failed[0].time)
    );
    assert!(
        of(&rows, "web:1")
            .iter()
            .all(|t| t.stop_requested.is_none())
    );
    assert!(
        of(&rows, "web:2")
            .iter()
            .all(|t| t.stop_requested.is_some())
    );
    assert_eq!(metric(rec, "service.web.deployments_rolled_back"), 0.0);
    assert_eq!(metric(rec, "service.web.deployments_completed"), 0.0);
}

// ECS-SEMANTICS §4.3 threshold_configuration: COUNT 1 fails the deployment at the first failure.
#[test]
fn a_count_threshold_of_1_fails_the_deployment_at_the_first_failure() {
    let out = run_toml(&broken_release(
        r#"enable = true, rollback = true, threshold_configuration = { type = "COUNT", value = 1 }"#,
    ));
    let rec = &out.recorded;
    let failed = events_of(rec, "SERVICE_DEPLOYMENT_FAILED");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].time, first_health_stop(&web(rec)));
}

/// When the first task was stopped for failing its container health check.
fn first_health_stop(rows: &[&TaskRow]) -> SimTime {
    rows.iter()
        .filter(|t| t.stopped_reason == "Task failed container health checks")
        .filter_map(|t| t.stop_requested)
        .min()
        .unwrap()
}

// ECS-SEMANTICS §4.3: UNBOUNDED_PERCENT is not clamped to 3: 25 % of 4 is 1, the first failure.
#[test]
fn an_unbounded_percent_threshold_is_not_clamped_to_3() {
    let out = run_toml(&broken_release(
        r#"enable = true, threshold_configuration = { type = "UNBOUNDED_PERCENT", value = 25 }"#,
    ));
    let rec = &out.recorded;
    let failed = events_of(rec, "SERVICE_DEPLOYMENT_FAILED");
    assert_eq!(failed[0].time, first_health_stop(&web(rec)));
}

// ECS-SEMANTICS §4.3: a breaker that is not enabled never fails the deployment: the broken tasks are
// replaced again and again (§3.2) and the deployment stays in progress.
#[test]
fn a_disabled_circuit_breaker_never_fails_the_deployment() {
    let out = run_toml(&broken_release("enable = false, rollback = true"));
    let rec = &out.recorded;
    assert!(events_of(rec, "SERVICE_DEPLOYMENT_FAILED").is_empty());
    assert!(health_stops_before(&web(rec), "web:2", SimTime::from_secs(1800)) > 3);
    assert_eq!(metric(rec, "service.web.deployments_completed"), 0.0);
}

// SPEC §4: deployments_completed and deployments_rolled_back count what happens in [warmup, duration].
#[test]
fn deployment_counts_cover_the_summary_window_only() {
    let text = broken_release("enable = true, rollback = true")
        .replace("duration = \"30m\"", "duration = \"30m\"\nwarmup = \"20m\"");
    let rec = &run_toml(&text).recorded;
    assert_eq!(events_of(rec, "SERVICE_DEPLOYMENT_COMPLETED").len(), 1);
    assert_eq!(metric(rec, "service.web.deployments_completed"), 0.0);
    assert_eq!(metric(rec, "service.web.deployments_rolled_back"), 0.0);
}

// ECS-SEMANTICS §3.1, §4.1: a DAEMON service's deployment (defaults 0 %/100 %) stops each instance's old task
// and places the new revision there once the old one is gone.
#[test]
fn a_daemon_deployment_replaces_the_task_on_every_instance() {
    let text = cluster("m5.large", 3)
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 128, memory = 256 }]
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:2", cpu = 128, memory = 256 }]
[[services]]
name = "agent"
task_definition = "agent:1"
scheduling_strategy = "DAEMON"
[[events]]
at = "5m"
update_service = { service = "agent", task_definition = "agent:2" }
"#;
    let rec = &run_toml(&text).recorded;
    let rows = tasks_of(rec, "agent");
    assert_eq!(of(&rows, "agent:1").len(), 3);
    assert!(
        of(&rows, "agent:1")
            .iter()
            .all(|t| t.stop_requested.is_some())
    );
    let live: Vec<_> = of(&rows, "agent:2")
        .into_iter()
        .filter(|t| t.stop_requested.is_none())
        .collect();
    assert_eq!(live.len(), 3);
    assert_eq!(per_instance(&live).len(), 3, "one per instance");
    assert_eq!(
        events_of(rec, "SERVICE_DEPLOYMENT_COMPLETED").len(),
        1,
        "{:#?}",
        rec.events
    );
}

// ECS-SEMANTICS §4.1, SPEC §1: explain narrates each deployment step with its arithmetic and each circuit
// breaker decision.
#[test]
fn explain_narrates_deployment_arithmetic_and_circuit_breaker_decisions() {
    let loaded = load_toml(&scenario(
        3,
        4,
        "minimum_healthy_percent = 50, maximum_percent = 200",
        r#"task_definition = "web""#,
    ));
    let opts = ecsim::sim::RunOptions {
        narrate: true,
        ..Default::default()
    };
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    let lines = ecsim::sim::explain::render(&loaded.scenario, &out).join("\n");
    assert!(
        lines.contains("desired 4, minimumHealthyPercent 50 → at least 2 healthy; maximumPercent 200 → at most 8; 4 tasks (4 healthy), 4 old → start min(8 − 4, 4 − 0) = 4, stop min(4 − 2, 4) = 2."),
        "{lines}"
    );

    let loaded = load_toml(&broken_release("enable = true, rollback = true"));
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    let lines = ecsim::sim::explain::render(&loaded.scenario, &out).join("\n");
    assert!(
        lines.contains("failure 1 of 3 (threshold clamp(ceil(50% × desired 4), 3, 200) = 3)."),
        "{lines}"
    );
    assert!(
        lines.contains(
            "failure 3 of 3 (threshold clamp(ceil(50% × desired 4), 3, 200) = 3) → deployment FAILED, rolling back to ecs-svc/1000000000000000001 (web:1)."
        ),
        "{lines}"
    );
}

// ECS-SEMANTICS §4.2 with §8/§11: the revision an update deploys must run where the service runs; AWS
// rejects an update of a Fargate service to a task definition without FARGATE compatibility.
#[test]
fn an_update_to_a_task_definition_the_launch_type_cannot_run_is_an_error() {
    let text = r#"
name = "t"
[simulation]
duration = "30m"
[cluster]
name = "c"
[[task_definitions]]
family = "web"
cpu = "256"
memory = "512"
network_mode = "awsvpc"
requires_compatibilities = ["FARGATE"]
container_definitions = [{ name = "web", image = "web:1" }]
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:2", cpu = 256, memory = 512 }]
[[services]]
name = "web"
task_definition = "web:1"
desired_count = 2
launch_type = "FARGATE"
[[events]]
at = "5m"
update_service = { service = "web", task_definition = "web:2" }
"#;
    let Err(err) = ecsim::scenario::load_str("t.toml", text, &root(), &[]) else {
        panic!("the update is rejected");
    };
    let rendered = err.render(false);
    assert!(
        rendered.contains("task definition web:2 is not compatible with FARGATE"),
        "{rendered}"
    );
}
