//! The ECS control plane: the task lifecycle, the service scheduler, RunTask, capacity provider strategies,
//! and the control plane's side of task placement. Placement itself is a pure function one floor down
//! ([`crate::placement`], with the cluster query language in [`crate::query`]); this layer asks it for
//! decisions and applies them to the world.
//!
//! [`Ecs`] holds what the control plane keeps between events and the world does not own: the service
//! scheduler's wake-ups, placement's reusable scratch and the services' placement inputs, and the buffers a
//! reconcile sorts tasks into, so that an event in steady state allocates nothing (STYLE.md §14).

pub mod capacity_provider_strategy;
pub mod deployment;
pub mod placement_inputs;
pub mod run_task;
pub mod service_scheduler;
pub mod task_lifecycle;
pub mod task_placement;
pub mod wakeups;

use crate::engine::SimTime;
use crate::kernel::Cx;
use crate::scenario::Scenario;
use crate::world::{InstanceIdx, StopCode, World};

/// The control plane's own state.
#[derive(Debug)]
pub struct Ecs {
    /// The service scheduler's wake-ups.
    pub scheduler: wakeups::Wakeups,
    /// Placement's reusable caches and buffers, and the services' placement inputs.
    pub placement: task_placement::Placer,
    /// The REPLICA reconcile's task lists.
    pub lists: service_scheduler::Lists,
    /// A launch's homes and new tasks.
    pub launches: service_scheduler::Launches,
}

impl Ecs {
    /// The control plane of a run of `scenario`, before anything happened.
    pub fn new(scenario: &Scenario) -> Ecs {
        Ecs {
            scheduler: wakeups::Wakeups::new(scenario),
            placement: task_placement::Placer::default(),
            lists: service_scheduler::Lists::default(),
            launches: service_scheduler::Launches::default(),
        }
    }

    /// A container instance registered ACTIVE: capacity appeared, so services waiting for room may place
    /// what they could not, and DAEMON services place their task on it.
    pub fn on_instance_registered(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        inst: InstanceIdx,
    ) {
        self.scheduler.instance_registered(cx, now, world, inst);
    }

    /// Container instances were set to DRAINING (ECS-SEMANTICS §3.3): services replace their tasks on them.
    pub fn on_instances_draining(
        &mut self,
        now: SimTime,
        world: &World,
        cx: &mut Cx,
        drained: &[InstanceIdx],
    ) {
        self.scheduler.instances_draining(cx, now, world, drained);
    }

    /// The EC2 instance under `inst` is being terminated: every task on it stops at once
    /// (`TerminationNotice`, "Host EC2 (instance <id>) stopped/terminated.").
    pub fn on_instance_terminating(
        &mut self,
        now: SimTime,
        world: &mut World,
        cx: &mut Cx,
        inst: InstanceIdx,
    ) {
        let id = world.instance(inst).ec2_instance_id.clone();
        for t in world.instance(inst).tasks.clone() {
            task_lifecycle::kill(
                now,
                world,
                cx,
                &mut self.scheduler,
                t,
                StopCode::TerminationNotice,
                format!("Host EC2 (instance {id}) stopped/terminated.").into(),
            );
        }
    }

    /// An instance is gone: DAEMON services no longer count it.
    pub fn on_instance_terminated(&mut self, now: SimTime, cx: &mut Cx, inst: InstanceIdx) {
        self.scheduler.instance_terminated(cx, now, inst);
    }
}
