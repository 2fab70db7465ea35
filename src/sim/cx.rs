//! `Cx`: what every controller receives besides the world — the scenario, the event queue, the RNG streams,
//! the recorder, and what was derived once from the scenario.

use crate::engine::{EventQueue, Phase, RngStreams, SimDuration, SimTime};
use crate::report::recorder::Recorder;
use crate::scenario::{DurationDist, Scenario};
use crate::world::ServiceIdx;

use super::Event;
use super::taskdef::TaskDefRuntime;

/// The controllers' context.
pub struct Cx<'s> {
    /// The validated scenario (read-only).
    pub scenario: &'s Scenario,
    /// The event queue.
    pub queue: EventQueue<Event>,
    /// Named RNG streams.
    pub rng: RngStreams,
    /// The sink for events, metrics, narration and trace.
    pub rec: Recorder,
    /// Per task definition: what placement and the lifecycle need, computed once.
    pub taskdefs: Vec<TaskDefRuntime>,
    /// Whether a reconcile is already queued for each service.
    pub reconcile_queued: Vec<bool>,
    /// DAEMON services whose constraints read the tasks on an instance (`task:group`,
    /// `runningTasksCount`): they reconcile whenever tasks start or stop on an instance.
    pub task_watching_daemons: Vec<ServiceIdx>,
    /// Placement's reusable caches and buffers.
    pub placement_scratch: crate::placement::PlacementScratch,
    /// Tasks left unplaced in every placement attempt (`cluster.placement_failures`).
    pub placement_failures: u64,
    /// End of the run.
    pub end: SimTime,
    /// Summary metrics other than `cost.*` count from here (SPEC §3.1 `warmup`).
    pub warmup: SimTime,
}

impl Cx<'_> {
    /// Queues a reconcile of `service` at `now` (phase 7), once per instant.
    pub fn request_reconcile(&mut self, now: SimTime, service: ServiceIdx) {
        if !self.reconcile_queued[service.index()] {
            self.reconcile_queued[service.index()] = true;
            self.queue
                .schedule(now, Phase::Reconcile, Event::ServiceReconcile(service));
        }
    }

    /// Queues a reconcile of every service, DAEMON services first (they are placed first, §3.1).
    pub fn request_reconcile_all(&mut self, now: SimTime) {
        let scenario = self.scenario;
        let daemon_first = scenario
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.scheduling_strategy == crate::scenario::SchedulingStrategy::Daemon)
            .chain(scenario.services.iter().enumerate().filter(|(_, s)| {
                s.scheduling_strategy == crate::scenario::SchedulingStrategy::Replica
            }))
            .map(|(i, _)| ServiceIdx(i as u32))
            .collect::<Vec<_>>();
        for s in daemon_first {
            self.request_reconcile(now, s);
        }
    }

    /// A task was placed on, started RUNNING on, or left an instance: DAEMON services whose constraints read
    /// the tasks on an instance look again (ECS-SEMANTICS §3.1: a daemon on an instance that no longer
    /// satisfies its constraints is stopped; one that satisfies them again gets its task back).
    pub fn tasks_changed_on_instance(&mut self, now: SimTime) {
        for i in 0..self.task_watching_daemons.len() {
            let s = self.task_watching_daemons[i];
            self.request_reconcile(now, s);
        }
    }

    /// Capacity changed (an instance registered or was drained or terminated, a task stopped): every service
    /// may retry what it could not place, and reconciles.
    pub fn capacity_changed(&mut self, now: SimTime, world: &mut crate::world::World) {
        for s in &mut world.services {
            s.placement_blocked = false;
        }
        self.request_reconcile_all(now);
    }

    /// Counts `n` tasks left unplaced by one placement attempt (`cluster.placement_failures`, within the
    /// summary window).
    pub fn count_placement_failures(&mut self, now: SimTime, n: u32) {
        if now >= self.warmup {
            self.placement_failures += u64::from(n);
        }
    }

    /// Draws a duration from `dist` on the RNG stream `stream`.
    pub fn draw(&mut self, stream: &str, dist: DurationDist) -> SimDuration {
        match dist {
            DurationDist::Fixed(d) => d,
            DurationDist::Uniform { min, max } => SimDuration::from_ms(
                crate::engine::rng::uniform_ms(self.rng.stream(stream), min.as_ms(), max.as_ms()),
            ),
        }
    }

    /// Schedules `event` at `at` if it falls within the run (events after the end would never be processed).
    pub fn schedule(&mut self, at: SimTime, phase: Phase, event: Event) {
        if at <= self.end {
            self.queue.schedule(at, phase, event);
        }
    }
}
