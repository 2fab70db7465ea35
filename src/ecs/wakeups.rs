//! The service scheduler's wake-ups: what makes a service reconcile. The task lifecycle, the instance
//! hooks and the scheduler itself wake services through here, so the lifecycle needs nothing else of the
//! scheduler.

use crate::engine::{Phase, SimTime};
use crate::kernel::{Cx, Event};
use crate::scenario::{Scenario, SchedulingStrategy};
use crate::world::{ServiceIdx, World};

/// The service scheduler's inbox: which services have a reconcile queued at the current instant, and which
/// DAEMON services watch the tasks on instances.
#[derive(Clone, Debug)]
pub struct Wakeups {
    /// Whether a reconcile is already queued for each service.
    pub reconcile_queued: Vec<bool>,
    /// DAEMON services whose constraints read the tasks on an instance (`task:group`,
    /// `runningTasksCount`): they reconcile whenever tasks start or stop on an instance.
    pub task_watching_daemons: Vec<ServiceIdx>,
    /// Every service, DAEMON services first (they are placed first, ECS-SEMANTICS §3.1).
    daemons_first: Vec<ServiceIdx>,
}

impl Wakeups {
    /// The scheduler of `scenario`'s services, with nothing queued.
    pub fn new(scenario: &Scenario) -> Wakeups {
        let services = || scenario.services.iter().enumerate();
        let daemons_first = services()
            .filter(|(_, s)| s.scheduling_strategy == SchedulingStrategy::Daemon)
            .chain(services().filter(|(_, s)| s.scheduling_strategy == SchedulingStrategy::Replica))
            .map(|(i, _)| ServiceIdx(i as u32))
            .collect();
        Wakeups {
            reconcile_queued: vec![false; scenario.services.len()],
            task_watching_daemons: task_watching_daemons(scenario),
            daemons_first,
        }
    }

    /// Queues a reconcile of `service` at `now` (phase 7), once per instant.
    pub fn request_reconcile(&mut self, cx: &mut Cx, now: SimTime, service: ServiceIdx) {
        if !self.reconcile_queued[service.index()] {
            self.reconcile_queued[service.index()] = true;
            cx.queue
                .schedule(now, Phase::Reconcile, Event::ServiceReconcile(service));
        }
    }

    /// Queues a reconcile of every service, DAEMON services first.
    pub fn request_reconcile_all(&mut self, cx: &mut Cx, now: SimTime) {
        for i in 0..self.daemons_first.len() {
            let s = self.daemons_first[i];
            self.request_reconcile(cx, now, s);
        }
    }

    /// Capacity changed (an instance registered or was drained or terminated, a task stopped): every service
    /// may retry what it could not place, and reconciles.
    pub fn capacity_changed(&mut self, cx: &mut Cx, now: SimTime, world: &mut World) {
        for s in &mut world.services {
            s.placement_blocked = false;
        }
        self.request_reconcile_all(cx, now);
    }

    /// A task was placed on, started RUNNING on, or left an instance: DAEMON services whose constraints read
    /// the tasks on an instance look again (ECS-SEMANTICS §3.1: a daemon on an instance that no longer
    /// satisfies its constraints is stopped; one that satisfies them again gets its task back).
    pub fn tasks_changed_on_instance(&mut self, cx: &mut Cx, now: SimTime) {
        for i in 0..self.task_watching_daemons.len() {
            let s = self.task_watching_daemons[i];
            self.request_reconcile(cx, now, s);
        }
    }
}

/// DAEMON services with a `memberOf` constraint (their own or their task definition's) that reads the tasks
/// on an instance.
fn task_watching_daemons(scenario: &Scenario) -> Vec<ServiceIdx> {
    let reads_tasks = |c: &crate::placement::PlacementConstraint| matches!(c, crate::placement::PlacementConstraint::MemberOf(e) if e.depends_on_tasks());
    scenario
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.scheduling_strategy == SchedulingStrategy::Daemon
                && (s.placement.constraints.iter().any(reads_tasks)
                    || scenario.task_definitions[s.task_definition]
                        .placement_constraints
                        .iter()
                        .any(reads_tasks))
        })
        .map(|(i, _)| ServiceIdx(i as u32))
        .collect()
}
