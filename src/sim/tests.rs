//! Tests of the run's wiring and of the groundwork the control plane builds on: throttling, tasks awaiting
//! capacity, Auto Scaling groups reconciling toward their desired capacity, deployments on tasks.

use super::*;
use crate::ecs::service_scheduler::{THROTTLE_FIRST_DELAY, on_reconcile};
use crate::world::ServiceIdx;

const SCENARIO: &str = r#"
name = "throttle"
[simulation]
duration = "1h"
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
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 1
"#;

// ECS-SEMANTICS §3.2 (DECIDED model): after the third consecutive task that never reached RUNNING, the
// scheduler waits 1 minute before launching again, writes "unable to consistently start tasks" once,
// and launches when the wait ends. (No input of this milestone makes a task fail to start, so the
// streak is set by hand here.)
#[test]
fn three_start_failures_delay_the_next_launch_by_one_minute() {
    let loaded =
        crate::scenario::load_str("t.toml", SCENARIO, std::path::Path::new("."), &[]).unwrap();
    let scenario = &loaded.scenario;
    let opts = RunOptions::default();
    let (mut world, mut cx, mut ecs) = build::build(scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let s = ServiceIdx(0);
    // The warm task is gone and three attempts failed to start.
    let warm = world.services[0].tasks[0];
    task_lifecycle::kill(
        SimTime::ZERO,
        &mut world,
        &mut cx,
        &mut ecs.scheduler,
        warm,
        crate::world::StopCode::UserInitiated,
        "test".into(),
    );
    world.services[0].consecutive_start_failures = 3;

    on_reconcile(SimTime::ZERO, &mut world, &mut cx, &mut ecs, s);
    assert!(
        world.active_tasks_of(s).next().is_none(),
        "no launch during the back-off"
    );
    assert_eq!(
        world.services[0].launch_not_before,
        SimTime::ZERO + THROTTLE_FIRST_DELAY
    );
    let impaired = cx
        .rec
        .events()
        .iter()
        .filter(|e| e.kind == "SERVICE_TASK_START_IMPAIRED")
        .count();
    assert_eq!(impaired, 1);
    assert_eq!(
        cx.rec
            .events()
            .iter()
            .find(|e| e.kind == "SERVICE_TASK_START_IMPAIRED")
            .unwrap()
            .message,
        "service web is unable to consistently start tasks successfully."
    );

    // A second reconcile inside the wait changes nothing and writes nothing more.
    on_reconcile(SimTime::from_secs(30), &mut world, &mut cx, &mut ecs, s);
    assert!(world.active_tasks_of(s).next().is_none());

    // At the end of the wait the scheduler launches.
    on_reconcile(SimTime::from_secs(60), &mut world, &mut cx, &mut ecs, s);
    assert_eq!(world.active_tasks_of(s).count(), 1);
    let impaired = cx
        .rec
        .events()
        .iter()
        .filter(|e| e.kind == "SERVICE_TASK_START_IMPAIRED")
        .count();
    assert_eq!(impaired, 1, "written once per streak");
}

/// A built and started run of `SCENARIO` (one m5.large, one warm task of `web`).
fn started() -> (crate::scenario::Loaded, RunOptions) {
    let loaded =
        crate::scenario::load_str("t.toml", SCENARIO, std::path::Path::new("."), &[]).unwrap();
    (loaded, RunOptions::default())
}

/// Runs every event up to `until`.
fn run_until(world: &mut World, cx: &mut Cx, ecs: &mut Ecs, until: SimTime) {
    let mut elb = crate::elb::Elb::default();
    while cx.queue.peek_time().is_some_and(|t| t <= until) {
        let (now, _, event) = cx.queue.pop().expect("an event");
        if !matches!(event, Event::MetricPeriod | Event::EndOfRun | Event::Warmup) {
            dispatch(now, world, cx, ecs, &mut elb, event);
        }
        world.check_invariants();
    }
}

// ECS-SEMANTICS §8.2: a task can exist before it has a home — PROVISIONING on EC2 with no instance, holding
// nothing, counted as pending — and goes on through its lifecycle once the control plane gives it one.
#[test]
fn a_task_awaiting_capacity_waits_in_provisioning_until_it_is_placed() {
    use crate::ecs::task_lifecycle::{NewTask, create, place_on};
    let (loaded, opts) = started();
    let scenario = &loaded.scenario;
    let (mut world, mut cx, mut ecs) = build::build(scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let s = ServiceIdx(0);
    // The service wants a second task; it exists at once, awaiting capacity.
    world.set_desired_count(s, 2);
    let td = world.services[0].task_definition();
    let new = NewTask::at(
        &world,
        td,
        Some(s),
        "service:web".into(),
        crate::world::TaskHome::AwaitingCapacity,
    );
    let t = create(SimTime::ZERO, &mut world, &mut cx, &mut ecs.scheduler, new);
    run_until(&mut world, &mut cx, &mut ecs, SimTime::from_secs(600));
    let task = world.task(t);
    assert_eq!(task.last_status, crate::world::TaskStatus::Provisioning);
    assert!(task.instance.is_none() && task.reservation.is_none());
    assert_eq!(world.services[0].counters.pending, 1);
    world.check_counters();

    let inst = crate::world::InstanceIdx(0);
    let now = SimTime::from_secs(600);
    place_on(now, &mut world, &mut cx, &mut ecs.scheduler, t, inst);
    assert_eq!(world.task(t).instance, Some(inst));
    assert!(world.task(t).reservation.is_some());
    run_until(
        &mut world,
        &mut cx,
        &mut ecs,
        now + SimDuration::from_secs(100),
    );
    assert_eq!(world.task(t).last_status, crate::world::TaskStatus::Running);
    assert_eq!(&*world.task(t).availability_zone, "us-east-1a");
    world.check_counters();
}

// A service task records the deployment it belongs to: the service's PRIMARY deployment when it started.
#[test]
fn service_tasks_belong_to_the_primary_deployment() {
    let (loaded, opts) = started();
    let (mut world, mut cx, mut ecs) =
        build::build(&loaded.scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let svc = &world.services[0];
    assert_eq!(svc.deployments.len(), 1);
    for &t in &svc.tasks {
        assert_eq!(world.task(t).deployment, Some(svc.primary_index()));
    }
    assert!(
        svc.primary().completed(),
        "a warm start's deployment is COMPLETED"
    );
}

// An Auto Scaling group reconciles toward its desired capacity: it launches what it lacks, balanced across
// zones, and picks what to terminate from the zone with the most instances (ECS-SEMANTICS §9).
#[test]
fn an_auto_scaling_group_reconciles_toward_its_desired_capacity() {
    let (loaded, opts) = started();
    let (mut world, mut cx, mut ecs) =
        build::build(&loaded.scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let asg = crate::world::AsgIdx(0);
    let live = |world: &World| {
        world.asgs[0]
            .instances
            .iter()
            .filter(|&&i| world.instance(i).status != crate::world::InstanceStatus::Terminated)
            .map(|&i| world.instance(i).availability_zone.to_string())
            .collect::<Vec<_>>()
    };
    world.asgs[0].desired_capacity = 4;
    let extra = ec2::reconcile(SimTime::ZERO, &mut world, &mut cx, asg);
    assert!(extra.is_empty());
    assert_eq!(
        live(&world),
        vec!["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"]
    );
    world.asgs[0].desired_capacity = 3;
    let extra = ec2::reconcile(SimTime::ZERO, &mut world, &mut cx, asg);
    // The zone with the most instances gives one up: the newest there.
    assert_eq!(extra, vec![crate::world::InstanceIdx(3)]);
    world.asgs[0].desired_capacity = 1;
    let extra = ec2::reconcile(SimTime::ZERO, &mut world, &mut cx, asg);
    assert_eq!(extra.len(), 3);
}

/// `SCENARIO` with a second revision `web:2`, 3 tasks and the circuit breaker `breaker`, built and started.
fn deployable(breaker: &str) -> crate::scenario::Loaded {
    let text = SCENARIO.replace(
        "task_definition = \"web\"\ndesired_count = 1",
        "task_definition = \"web:1\"\ndesired_count = 3",
    ) + &format!(
        r#"deployment_configuration = {{ deployment_circuit_breaker = {{ {breaker} }} }}
[[task_definitions]]
family = "web"
container_definitions = [{{ name = "web", image = "web:2", cpu = 256, memory = 512 }}]
"#
    );
    crate::scenario::load_str("t.toml", &text, std::path::Path::new("."), &[]).unwrap()
}

/// Kills every PRIMARY task of service 0 that has not reached RUNNING, as tasks that failed to start.
fn fail_pending_primary_tasks(
    world: &mut World,
    cx: &mut Cx,
    ecs: &mut Ecs,
    now: SimTime,
) -> usize {
    let s = ServiceIdx(0);
    let primary = world.services[0].primary_index();
    let pending: Vec<_> = world
        .active_tasks_of(s)
        .filter(|&t| {
            world.task(t).deployment == Some(primary) && world.task(t).times.running.is_none()
        })
        .collect();
    for &t in &pending {
        task_lifecycle::kill(
            now,
            world,
            cx,
            &mut ecs.scheduler,
            t,
            crate::world::StopCode::TaskFailedToStart,
            "CannotPullContainerError".into(),
        );
    }
    pending.len()
}

// ECS-SEMANTICS §4.3 stage 1: before any task of the new deployment reaches RUNNING, each task that fails to
// start counts; at the threshold (clamp(ceil(0.5 × 3), 3, 200) = 3) the deployment is FAILED and rolls back
// to the COMPLETED one. (No input of this milestone makes a task fail to start, so the test stops them.)
#[test]
fn stage_1_counts_tasks_that_fail_to_start_until_the_deployment_fails() {
    let loaded = deployable("enable = true, rollback = true");
    let opts = RunOptions::default();
    let (mut world, mut cx, mut ecs) =
        build::build(&loaded.scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let s = ServiceIdx(0);
    let now = SimTime::from_secs(60);
    crate::ecs::deployment::on_update_service(
        now,
        &mut world,
        &mut cx,
        &mut ecs.scheduler,
        s,
        crate::world::TaskDefIdx(1),
    );
    on_reconcile(now, &mut world, &mut cx, &mut ecs, s);
    assert_eq!(
        fail_pending_primary_tasks(&mut world, &mut cx, &mut ecs, now),
        3
    );
    let svc = &world.services[0];
    assert_eq!(svc.deployments.len(), 3, "failed, then rolled back");
    assert_eq!(
        svc.deployments[1].rollout,
        crate::world::RolloutState::Failed
    );
    assert_eq!(svc.deployments[1].failed_tasks, 3);
    assert_eq!(svc.task_definition(), crate::world::TaskDefIdx(0));
    assert_eq!(
        svc.deployments[2].rollback_of.as_deref(),
        Some(svc.deployments[0].id.as_str())
    );
    assert_eq!(svc.deployments_rolled_back, 1);
    // The deployment rolled back to is no longer eligible for another rollback.
    assert!(!svc.deployments[0].completed());
}

// ECS-SEMANTICS §4.3: with reset_on_healthy_task (the default) a task of the deployment becoming healthy
// resets the count to 0; with it off the count keeps going.
#[test]
fn a_healthy_task_resets_the_failure_count_unless_told_not_to() {
    for (breaker, after) in [
        ("enable = true", 0),
        ("enable = true, reset_on_healthy_task = false", 2),
    ] {
        let loaded = deployable(breaker);
        let opts = RunOptions::default();
        let (mut world, mut cx, mut ecs) =
            build::build(&loaded.scenario, 1, SimTime::from_secs(3600), &opts);
        build::start(&mut world, &mut cx, &mut ecs);
        let s = ServiceIdx(0);
        let now = SimTime::from_secs(60);
        let td = crate::world::TaskDefIdx(1);
        crate::ecs::deployment::on_update_service(
            now,
            &mut world,
            &mut cx,
            &mut ecs.scheduler,
            s,
            td,
        );
        on_reconcile(now, &mut world, &mut cx, &mut ecs, s);
        // Two of the three new tasks fail to start: 2 of 3.
        let primary = world.services[0].primary_index();
        let new: Vec<_> = world
            .active_tasks_of(s)
            .filter(|&t| world.task(t).deployment == Some(primary))
            .collect();
        for &t in &new[..2] {
            task_lifecycle::kill(
                now,
                &mut world,
                &mut cx,
                &mut ecs.scheduler,
                t,
                crate::world::StopCode::TaskFailedToStart,
                "CannotPullContainerError".into(),
            );
        }
        assert_eq!(world.services[0].primary().failed_tasks, 2, "{breaker}");
        // The third runs and becomes healthy (40 s after RUNNING).
        run_until(
            &mut world,
            &mut cx,
            &mut ecs,
            now + SimDuration::from_secs(50),
        );
        assert!(world.task(new[2]).counts_as_healthy());
        assert_eq!(world.services[0].primary().failed_tasks, after, "{breaker}");
    }
}

// ECS-SEMANTICS §3.2: throttling resets at once when the service is updated to a new task definition; a
// forced deployment of the same one keeps it.
#[test]
fn a_new_task_definition_resets_throttling_and_a_forced_deployment_does_not() {
    let loaded = deployable("enable = false");
    let opts = RunOptions::default();
    let (mut world, mut cx, mut ecs) =
        build::build(&loaded.scenario, 1, SimTime::from_secs(3600), &opts);
    build::start(&mut world, &mut cx, &mut ecs);
    let s = ServiceIdx(0);
    let throttle = |world: &mut World| {
        let svc = &mut world.services[0];
        svc.consecutive_start_failures = 5;
        svc.throttled_at_failures = 5;
        svc.throttle_event_written = true;
        svc.launch_not_before = SimTime::from_secs(900);
    };
    throttle(&mut world);
    let now = SimTime::from_secs(60);
    let same = world.services[0].task_definition();
    crate::ecs::deployment::on_update_service(
        now,
        &mut world,
        &mut cx,
        &mut ecs.scheduler,
        s,
        same,
    );
    assert_eq!(world.services[0].consecutive_start_failures, 5);
    assert_eq!(world.services[0].launch_not_before, SimTime::from_secs(900));

    let td = crate::world::TaskDefIdx(1);
    crate::ecs::deployment::on_update_service(now, &mut world, &mut cx, &mut ecs.scheduler, s, td);
    let svc = &world.services[0];
    assert_eq!(svc.consecutive_start_failures, 0);
    assert!(!svc.throttle_event_written);
    assert!(svc.launch_not_before <= now);
    on_reconcile(now, &mut world, &mut cx, &mut ecs, s);
    let primary = world.services[0].primary_index();
    assert_eq!(
        world
            .active_tasks_of(s)
            .filter(|&t| world.task(t).deployment == Some(primary))
            .count(),
        3,
        "the new deployment launches at once"
    );
}
