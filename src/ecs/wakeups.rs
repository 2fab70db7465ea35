//! The service scheduler's wake-ups: what makes a service reconcile, and only the services that can act.
//!
//! The task lifecycle, the instance hooks and the scheduler itself wake services through here (so the
//! lifecycle needs nothing else of the scheduler):
//!
//! * a task of a service changes (created, RUNNING, healthy, UNHEALTHY, told to stop, STOPPED): its own
//!   service; for a DAEMON service, only the instance the task is on;
//! * a task frees room (reaches STOPPED): the services waiting for room — unplaced tasks, or an AZ
//!   rebalancing that found none — and, on a DRAINING instance, the DAEMON services whose task there waits
//!   for the other service tasks to go;
//! * tasks start or stop on an instance: the DAEMON services whose constraints read the tasks on an
//!   instance (`task:group`, `runningTasksCount`), for that instance;
//! * an instance registers: every service waiting for room, every service that may rebalance, and every
//!   DAEMON service for that instance; an instance drains: the services with tasks on it; an instance is
//!   terminated: its tasks' services (through their stops) and every DAEMON service for that instance.
//!
//! A service that none of these reach has nothing to do: its tasks, its capacity and its placement inputs
//! are as they were. A DAEMON service reconciles per instance: its next reconcile looks at the instances it
//! was woken for (or all of them, for its placement retry and at the start).

use crate::engine::{Phase, SimTime};
use crate::kernel::{Cx, Event};
use crate::scenario::{Scenario, SchedulingStrategy};
use crate::world::{InstanceIdx, InstanceStatus, ServiceIdx, TaskIdx, World};

/// Which instances a DAEMON service's next reconcile looks at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DaemonScope {
    /// None (no reconcile queued).
    #[default]
    Nothing,
    /// These instances.
    Instances(Vec<InstanceIdx>),
    /// Every instance.
    All,
}

/// The service scheduler's inbox.
#[derive(Clone, Debug)]
pub struct Wakeups {
    /// Whether a reconcile is already queued for each service.
    pub reconcile_queued: Vec<bool>,
    /// DAEMON services whose constraints read the tasks on an instance (`task:group`,
    /// `runningTasksCount`): they look at an instance again whenever tasks start or stop on it.
    pub task_watching_daemons: Vec<ServiceIdx>,
    /// Every service, DAEMON services first (they are placed first, ECS-SEMANTICS §3.1).
    daemons_first: Vec<ServiceIdx>,
    /// Each service's position in `daemons_first`: services woken together reconcile in this order.
    rank: Vec<u32>,
    /// DAEMON services.
    daemons: Vec<ServiceIdx>,
    daemon: Vec<bool>,
    /// Per DAEMON service, the instances its next reconcile looks at.
    scope: Vec<DaemonScope>,
    /// Services waiting for room (in the order they started waiting), with a flag per service.
    waiting: Vec<ServiceIdx>,
    is_waiting: Vec<bool>,
    /// Services whose tasks are imbalanced across zones but could not rebalance: a new instance may let them.
    may_rebalance: Vec<bool>,
    /// The batch being woken (kept to reuse its buffer).
    batch: Vec<(ServiceIdx, Option<InstanceIdx>)>,
}

impl Wakeups {
    /// The wake-ups of `scenario`'s services, with nothing queued.
    pub fn new(scenario: &Scenario) -> Wakeups {
        let services = || scenario.services.iter().enumerate();
        let is_daemon =
            |s: &crate::scenario::Service| s.scheduling_strategy == SchedulingStrategy::Daemon;
        let daemons: Vec<ServiceIdx> = services()
            .filter(|(_, s)| is_daemon(s))
            .map(|(i, _)| ServiceIdx(i as u32))
            .collect();
        let daemons_first: Vec<ServiceIdx> = daemons
            .iter()
            .copied()
            .chain(
                services()
                    .filter(|(_, s)| !is_daemon(s))
                    .map(|(i, _)| ServiceIdx(i as u32)),
            )
            .collect();
        let n = scenario.services.len();
        let mut rank = vec![0; n];
        for (k, s) in daemons_first.iter().enumerate() {
            rank[s.index()] = k as u32;
        }
        Wakeups {
            rank,
            reconcile_queued: vec![false; n],
            task_watching_daemons: task_watching_daemons(scenario),
            daemons_first,
            daemon: services().map(|(_, s)| is_daemon(s)).collect(),
            daemons,
            scope: vec![DaemonScope::Nothing; n],
            waiting: Vec::new(),
            batch: Vec::new(),
            is_waiting: vec![false; n],
            may_rebalance: vec![false; n],
        }
    }

    fn queue(&mut self, cx: &mut Cx, now: SimTime, service: ServiceIdx) {
        if !self.reconcile_queued[service.index()] {
            self.reconcile_queued[service.index()] = true;
            cx.queue
                .schedule(now, Phase::Reconcile, Event::ServiceReconcile(service));
        }
    }

    /// Queues a reconcile of `service` at `now` (phase 7), once per instant; a DAEMON service looks at every
    /// instance.
    pub fn request_reconcile(&mut self, cx: &mut Cx, now: SimTime, service: ServiceIdx) {
        if self.daemon[service.index()] {
            self.scope[service.index()] = DaemonScope::All;
        }
        self.queue(cx, now, service);
    }

    /// Queues a reconcile of DAEMON service `service` that looks at `instance` (besides whatever it was
    /// already woken for).
    pub fn request_daemon_instance(
        &mut self,
        cx: &mut Cx,
        now: SimTime,
        service: ServiceIdx,
        instance: InstanceIdx,
    ) {
        match &mut self.scope[service.index()] {
            DaemonScope::All => {}
            DaemonScope::Instances(v) => v.push(instance),
            scope @ DaemonScope::Nothing => *scope = DaemonScope::Instances(vec![instance]),
        }
        self.queue(cx, now, service);
    }

    /// Takes the instances DAEMON service `service`'s reconcile looks at now.
    pub fn take_scope(&mut self, service: ServiceIdx) -> DaemonScope {
        std::mem::take(&mut self.scope[service.index()])
    }

    /// Queues a reconcile of every service, DAEMON services first (the start of the run).
    pub fn request_reconcile_all(&mut self, cx: &mut Cx, now: SimTime) {
        for i in 0..self.daemons_first.len() {
            let s = self.daemons_first[i];
            self.request_reconcile(cx, now, s);
        }
    }

    /// Task `task` of a service changed: its service looks again (a DAEMON service only at the task's
    /// instance).
    pub fn task_changed(&mut self, cx: &mut Cx, now: SimTime, world: &World, task: TaskIdx) {
        let t = world.task(task);
        let Some(s) = t.service else {
            return;
        };
        match t.instance {
            Some(i) if self.daemon[s.index()] => self.request_daemon_instance(cx, now, s, i),
            _ => self.request_reconcile(cx, now, s),
        }
    }

    /// Service `s` waits for room: its tasks could not be placed, or it could not rebalance. The next task
    /// that frees room, and the next instance that registers, wake it.
    pub fn wait_for_room(&mut self, s: ServiceIdx) {
        if !self.is_waiting[s.index()] {
            self.is_waiting[s.index()] = true;
            self.waiting.push(s);
        }
    }

    /// Service `s` is imbalanced across zones and could not rebalance: a registering instance wakes it.
    pub fn wait_to_rebalance(&mut self, s: ServiceIdx) {
        self.may_rebalance[s.index()] = true;
    }

    /// Wakes every service of `batch` — `(service, None)` for the whole service, `(service, Some(i))` for a
    /// DAEMON service at instance `i` — queued DAEMON services first, then in scenario order, whatever the
    /// order they were found in.
    fn wake(
        &mut self,
        cx: &mut Cx,
        now: SimTime,
        mut batch: Vec<(ServiceIdx, Option<InstanceIdx>)>,
    ) {
        batch.sort_by_key(|(s, _)| self.rank[s.index()]);
        for &(s, at) in &batch {
            match at {
                Some(i) if self.daemon[s.index()] => self.request_daemon_instance(cx, now, s, i),
                _ => self.request_reconcile(cx, now, s),
            }
        }
        batch.clear();
        self.batch = batch;
    }

    /// An empty batch (the buffer of the last one).
    fn new_batch(&mut self) -> Vec<(ServiceIdx, Option<InstanceIdx>)> {
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        batch
    }

    /// Takes the services waiting for room (they may place again: no longer blocked), for a batch.
    fn take_waiting(
        &mut self,
        world: &mut World,
        batch: &mut Vec<(ServiceIdx, Option<InstanceIdx>)>,
    ) {
        for &s in &self.waiting {
            self.is_waiting[s.index()] = false;
            world.services[s.index()].placement_blocked = false;
            batch.push((s, None));
        }
        self.waiting.clear();
    }

    /// Task `task` reached STOPPED and freed its room: its own service looks again (a DAEMON service at the
    /// task's instance), with the services waiting for room and, on a DRAINING instance, the DAEMON services
    /// whose task there waits for the other service tasks to go.
    pub fn task_stopped(&mut self, cx: &mut Cx, now: SimTime, world: &mut World, task: TaskIdx) {
        let (service, instance) = (world.task(task).service, world.task(task).instance);
        let mut batch = self.new_batch();
        if let Some(s) = service {
            batch.push((s, instance));
        }
        self.take_waiting(world, &mut batch);
        if let Some(i) = instance
            && world.instance(i).status == InstanceStatus::Draining
        {
            for &s in &self.daemons {
                if world
                    .instance(i)
                    .tasks
                    .iter()
                    .any(|&t| world.task(t).service == Some(s))
                {
                    batch.push((s, Some(i)));
                }
            }
        }
        self.wake(cx, now, batch);
    }

    /// Instance `instance` registered: services waiting for room or to rebalance look again, and every
    /// DAEMON service looks at the new instance.
    pub fn instance_registered(
        &mut self,
        cx: &mut Cx,
        now: SimTime,
        world: &mut World,
        instance: InstanceIdx,
    ) {
        let mut batch = self.new_batch();
        batch.extend(self.daemons.iter().map(|&s| (s, Some(instance))));
        self.take_waiting(world, &mut batch);
        for s in 0..self.may_rebalance.len() {
            if std::mem::take(&mut self.may_rebalance[s]) {
                batch.push((ServiceIdx(s as u32), None));
            }
        }
        self.wake(cx, now, batch);
    }

    /// Instances `drained` were set to DRAINING: the services with tasks on them replace them (a DAEMON
    /// service at each of those instances).
    pub fn instances_draining(
        &mut self,
        cx: &mut Cx,
        now: SimTime,
        world: &World,
        drained: &[InstanceIdx],
    ) {
        let mut batch = self.new_batch();
        for &i in drained {
            for &t in &world.instance(i).tasks {
                if let Some(s) = world.task(t).service {
                    batch.push((s, Some(i)));
                }
            }
        }
        self.wake(cx, now, batch);
    }

    /// Instance `instance` is gone: every DAEMON service drops it from the instances it runs on.
    pub fn instance_terminated(&mut self, cx: &mut Cx, now: SimTime, instance: InstanceIdx) {
        for k in 0..self.daemons.len() {
            let s = self.daemons[k];
            self.request_daemon_instance(cx, now, s, instance);
        }
    }

    /// A task was placed on, started RUNNING on, or left `instance`: DAEMON services whose constraints read
    /// the tasks on an instance look at it again (ECS-SEMANTICS §3.1: a daemon on an instance that no longer
    /// satisfies its constraints is stopped; one that satisfies them again gets its task back).
    pub fn tasks_changed_on_instance(&mut self, cx: &mut Cx, now: SimTime, instance: InstanceIdx) {
        for i in 0..self.task_watching_daemons.len() {
            let s = self.task_watching_daemons[i];
            self.request_daemon_instance(cx, now, s, instance);
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
