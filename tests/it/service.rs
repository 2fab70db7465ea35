//! The service scheduler (ECS-SEMANTICS §3, §4.1): desired counts, replacement, draining, DAEMON, events.

use crate::support::*;
use ecsim::ecs::service_scheduler::{maximum_tasks, minimum_healthy_tasks, throttle_delay};
use ecsim::engine::SimDuration;

const WEB: &str = r#"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
"#;

// §4.1 rounding: min healthy = ceil(d × min / 100), max = floor(d × max / 100), with the worked examples.
#[test]
fn deployment_bounds_round_min_up_and_max_down() {
    assert_eq!(minimum_healthy_tasks(4, 50), 2);
    assert_eq!(maximum_tasks(4, 200), 8);
    assert_eq!(minimum_healthy_tasks(2, 75), 2); // ceil(1.5)
    assert_eq!(maximum_tasks(3, 125), 3); // floor(3.75)
    assert_eq!(minimum_healthy_tasks(5, 50), 3); // ceil(2.5)
    assert_eq!(maximum_tasks(10, 150), 15);
}

// §3.2 throttling (DECIDED model): after the 3rd consecutive start failure wait 1 min, doubling, capped
// at 27 min.
#[test]
fn start_failure_throttling_doubles_from_one_minute_up_to_27_minutes() {
    assert_eq!(throttle_delay(2), SimDuration::ZERO);
    assert_eq!(throttle_delay(3), SimDuration::from_mins(1));
    assert_eq!(throttle_delay(4), SimDuration::from_mins(2));
    assert_eq!(throttle_delay(7), SimDuration::from_mins(16));
    assert_eq!(throttle_delay(8), SimDuration::from_mins(27));
    assert_eq!(throttle_delay(40), SimDuration::from_mins(27));
}

// §3.2: when a task stops, the scheduler launches a replacement. A crashing image (20 crashes per hour)
// keeps its 2-task service at 2 by replacing every crashed task.
#[test]
fn replica_service_replaces_crashed_tasks() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[images."web:1"]
crash_rate_per_hour = 20
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let rows = tasks_of(rec, "web");
    let crashed = rows
        .iter()
        .filter(|t| t.stop_code == "EssentialContainerExited")
        .count();
    assert!(crashed >= 3, "crashed {crashed}");
    assert_eq!(
        rows.iter().filter(|t| t.stopped.is_none()).count(),
        2,
        "two live tasks at the end"
    );
    assert_eq!(metric(rec, "service.web.tasks_started"), crashed as f64);
    assert_eq!(metric(rec, "service.web.tasks_failed"), crashed as f64);
}

// §3.3 and SPEC §3.11: draining an instance replaces its service tasks elsewhere; with 50 %/200 % the API
// never drops below ceil(4 × 50 %) = 2 healthy tasks; the daemon task on the drained instance stops last.
#[test]
fn draining_replaces_service_tasks_within_minimum_healthy_percent_and_stops_daemons_last() {
    let out = run_scenario("daemon-and-replica.toml");
    let rec = &out.recorded;
    assert!(metric(rec, "service.api.min_healthy_tasks") >= 2.0);
    let drained = events_of(rec, "CONTAINER_INSTANCE_DRAINING");
    assert_eq!(drained.len(), 1);
    let drained_id = drained[0].id.to_owned();
    let api_on_drained: Vec<_> = tasks_of(rec, "api")
        .into_iter()
        .filter(|t| t.instance_id == drained_id)
        .collect();
    let daemon_on_drained: Vec<_> = tasks_of(rec, "log-router")
        .into_iter()
        .filter(|t| t.instance_id == drained_id)
        .collect();
    assert_eq!(daemon_on_drained.len(), 1);
    let daemon_stop = secs(daemon_on_drained[0].stop_requested);
    for t in &api_on_drained {
        assert!(
            secs(t.stopped) <= daemon_stop,
            "daemon stopped before a replica task"
        );
    }
    // Every live API task ends up off the drained instance, and there are 4 of them.
    let live: Vec<_> = tasks_of(rec, "api")
        .into_iter()
        .filter(|t| t.stopped.is_none())
        .collect();
    assert_eq!(live.len(), 4);
    assert!(live.iter().all(|t| t.instance_id != drained_id));
}

// §3.1: a DAEMON service runs exactly one task on each ACTIVE instance.
#[test]
fn daemon_service_runs_one_task_per_active_instance() {
    let out = run_scenario("daemon-and-replica.toml");
    let rec = &out.recorded;
    let rows = tasks_of(rec, "log-router");
    let at_start: Vec<_> = rows.iter().filter(|t| secs(t.created) == 0.0).collect();
    assert_eq!(at_start.len(), 3);
    let mut instances: Vec<_> = at_start.iter().map(|t| t.instance_id.clone()).collect();
    instances.dedup();
    assert_eq!(instances.len(), 3);
}

// §3.3: with minimum 100 % and maximum 100 %, draining deadlocks: no replacement can start and no task may
// stop; the scheduler says so.
#[test]
fn draining_with_100_100_deadlocks_and_says_why() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
deployment_configuration = { minimum_healthy_percent = 100, maximum_percent = 100 }
[[events]]
at = "5m"
drain_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    assert_eq!(
        tasks_of(rec, "web")
            .iter()
            .filter(|t| t.stopped.is_some())
            .count(),
        0
    );
    let stuck = events_of(rec, "SERVICE_DEPLOYMENT_STUCK");
    assert_eq!(stuck.len(), 1);
    assert!(stuck[0].message.contains("was unable to stop or start tasks during a deployment because of the service deployment configuration"));
}

// §3.4: "service <name> has reached a steady state." once all desired tasks run healthy.
#[test]
fn service_reports_steady_state_once_all_tasks_are_healthy() {
    let text = cluster("m5.large", 1)
        .replace("[simulation]\n", "[simulation]\nwarm_start = false\n")
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let steady = events_of(rec, "SERVICE_STEADY_STATE");
    assert_eq!(steady.len(), 1);
    assert_eq!(
        steady[0].message,
        "(service web) has reached a steady state."
    );
    let last_healthy = tasks_of(rec, "web")
        .iter()
        .map(|t| secs(t.healthy))
        .fold(0.0, f64::max);
    assert_eq!(steady[0].time.as_secs_f64(), last_healthy);
    assert_eq!(metric(rec, "service.web.deployments_completed"), 1.0);
}

// §3.1 and SPEC §3.11: update_service with a new desired count scales out and in; scale-in stops the
// surplus with ServiceSchedulerInitiated.
#[test]
fn update_service_desired_count_scales_out_then_in() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[events]]
at = "5m"
update_service = { service = "web", desired_count = 6 }
[[events]]
at = "15m"
update_service = { service = "web", desired_count = 3 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let rows = tasks_of(rec, "web");
    assert_eq!(rows.len(), 6);
    let stopped: Vec<_> = rows.iter().filter(|t| t.stopped.is_some()).collect();
    assert_eq!(stopped.len(), 3);
    assert!(
        stopped
            .iter()
            .all(|t| t.stop_code == "ServiceSchedulerInitiated" && secs(t.stop_requested) == 900.0)
    );
    assert_eq!(metric(rec, "service.web.max_running_tasks"), 6.0);
}

// §3.2, §4.1 (regression r6): the scheduler reacts to a task's desiredStatus change at once, so the
// replacement of a task that exits starts when the task is told to stop, not when its graceful shutdown
// (here 20 s) ends.
#[test]
fn r6_replacement_of_an_exited_task_starts_when_it_is_told_to_stop() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[images."web:1"]
exits_after = "5m"
shutdown_time = "20s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    let first = rows[0];
    assert_eq!(secs(first.stop_requested), 300.0);
    assert_eq!(secs(first.stopped), 320.0, "20 s of graceful shutdown");
    assert_eq!(secs(rows[1].created), 300.0, "replaced at once");
}

// §3.3, §4.1 (regression r6): at 50 %/100 % a drained task stops first and its replacement starts at the
// same instant — tasks whose desiredStatus is STOPPED count toward neither bound — not 20 s later when the
// stopping task is gone.
#[test]
fn r6_drain_at_50_100_starts_replacements_as_the_old_tasks_are_told_to_stop() {
    let text = cluster("m5.large", 2)
        + WEB
        + r#"
[images."web:1"]
shutdown_time = "20s"
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
deployment_configuration = { minimum_healthy_percent = 50, maximum_percent = 100 }
[[events]]
at = "5m"
drain_instances = { count = 1 }
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "web");
    // Two tasks per instance; ceil(4 × 50 %) = 2 may stop at once, and floor(4 × 100 %) = 4 lets their two
    // replacements start as soon as they are told to stop.
    let drained: Vec<_> = rows.iter().filter(|t| t.stop_requested.is_some()).collect();
    let replacements: Vec<_> = rows.iter().filter(|t| secs(t.created) > 0.0).collect();
    assert_eq!(drained.len(), 2);
    assert_eq!(replacements.len(), 2);
    for (old, new) in drained.iter().zip(&replacements) {
        assert_eq!(secs(old.stop_requested), 300.0);
        assert_eq!(secs(old.stopped), 320.0);
        assert_eq!(secs(new.created), 300.0);
    }
}

// §3.1 (regression r6): a DAEMON's constraint is evaluated before its task exists, so
// memberOf(runningTasksCount < 1) keeps one daemon per instance instead of stopping the daemon because of
// itself (it used to churn through 205 tasks in 10 minutes).
#[test]
fn r6_daemon_constraint_on_running_tasks_count_does_not_count_the_daemon_itself() {
    let text = cluster("m5.large", 2).replace("30m", "10m")
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 128, memory = 128 }]
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
placement_constraints = [{ type = "memberOf", expression = "runningTasksCount < 1" }]
"#;
    let out = run_toml(&text);
    let rows = tasks_of(&out.recorded, "agent");
    assert_eq!(rows.len(), 2, "one daemon per instance, none replaced");
    assert!(rows.iter().all(|t| t.stopped.is_none()));
}

// §3.1: a running daemon is stopped for a violated constraint when something else changed: a standalone
// task RUNNING on its instance makes runningTasksCount 1, so the daemon there stops
// (SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED) and comes back when the task has exited.
#[test]
fn daemon_stops_when_another_task_breaks_its_constraint_and_returns_after() {
    let text = cluster("m5.large", 1).replace("30m", "20m")
        + r#"
[[task_definitions]]
family = "agent"
container_definitions = [{ name = "agent", image = "agent:1", cpu = 128, memory = 128 }]
[[task_definitions]]
family = "job"
container_definitions = [{ name = "job", image = "job:1", cpu = 128, memory = 128 }]
[images."job:1"]
exits_after = "5m"
[[services]]
name = "agent"
task_definition = "agent"
scheduling_strategy = "DAEMON"
placement_constraints = [{ type = "memberOf", expression = "runningTasksCount < 1" }]
[[events]]
at = "2m"
run_task = { task_definition = "job", count = 1 }
"#;
    let out = run_toml(&text);
    let rec = &out.recorded;
    let violated = events_of(rec, "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED");
    assert_eq!(violated.len(), 1, "{violated:#?}");
    let job = tasks_of(rec, "")[0];
    // The daemon stops in the instant the job becomes RUNNING (after its pull and ACTIVATING).
    assert_eq!(violated[0].time.as_secs_f64(), secs(job.running));
    let agents = tasks_of(rec, "agent");
    assert_eq!(
        agents.len(),
        2,
        "the daemon came back once the job was gone"
    );
    assert_eq!(secs(agents[1].created), secs(job.stopped));
}

// Only services that can act are woken: a crashing service's stops and replacements reconcile that service,
// never a steady neighbour with nothing to place (its tasks, capacity and placement inputs are unchanged).
#[test]
fn a_task_stopping_in_one_service_does_not_reconcile_a_steady_neighbour() {
    let text = cluster("m5.large", 2).replace("30m", "2h")
        + WEB
        + r#"
[images."web:1"]
crash_rate_per_hour = 6
[[task_definitions]]
family = "api"
container_definitions = [{ name = "api", image = "api:1", cpu = 256, memory = 512 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[services]]
name = "api"
task_definition = "api"
desired_count = 2
"#;
    let loaded = load_toml(&text);
    let opts = ecsim::sim::RunOptions {
        trace: true,
        ..Default::default()
    };
    let out = ecsim::sim::run(&loaded.scenario, &opts);
    let trace = out.recorded.trace.as_ref().expect("traced");
    let reconciles = |service: &str| {
        trace
            .iter()
            // After the start (and the warm tasks' 40 s health timers).
            .filter(|r| {
                r.kind == "ServiceReconcile" && r.subject == service && r.time.as_secs_f64() > 60.0
            })
            .count()
    };
    let crashes = tasks_of(&out.recorded, "web")
        .iter()
        .filter(|t| t.stop_code == "EssentialContainerExited")
        .count();
    assert!(crashes >= 5, "crashes {crashes}");
    assert!(reconciles("web") >= crashes);
    assert_eq!(reconciles("api"), 0);
}
