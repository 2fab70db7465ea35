//! Container-instance transitions: launch, registration, draining and termination, each keeping the
//! placement index and the cluster's and groups' counters in step with the instance's status.

use crate::engine::SimTime;
use crate::placement::{self, Candidate};

use super::{ContainerInstance, InstanceIdx, InstanceStatus, World};

impl World {
    /// Adds a launched (not yet registered) instance of its group; returns its index.
    pub fn add_instance(&mut self, instance: ContainerInstance) -> InstanceIdx {
        let idx = InstanceIdx(self.instances.len() as u32);
        let asg = instance.asg;
        self.instances.push(instance);
        self.asgs[asg.index()].instances.push(idx);
        self.cluster.live_instances += 1;
        self.dirty.cluster = true;
        idx
    }

    /// The agent registered the instance: it is ACTIVE, and placement sees it as `candidate`. Returns false
    /// (and changes nothing) unless the instance was launching.
    pub fn register_instance(
        &mut self,
        idx: InstanceIdx,
        now: SimTime,
        candidate: Candidate,
    ) -> bool {
        let inst = &mut self.instances[idx.index()];
        if inst.status != InstanceStatus::Launching {
            return false;
        }
        inst.status = InstanceStatus::Active;
        inst.registered_at = Some(now);
        let asg = inst.asg;
        self.cluster.registered_cpu_units += u64::from(candidate.resources.registered_cpu_units());
        self.cluster.registered_memory_mib +=
            u64::from(candidate.resources.registered_memory_mib());
        self.placement
            .insert(Self::slot(idx), candidate)
            .expect("an instance registers once");
        self.asgs[asg.index()].counters.in_service += 1;
        self.dirty.cluster = true;
        self.dirty.asg(asg);
        true
    }

    /// Sets an ACTIVE instance to DRAINING; returns false (and changes nothing) for any other status.
    pub fn drain_instance(&mut self, idx: InstanceIdx) -> bool {
        let inst = &mut self.instances[idx.index()];
        if inst.status != InstanceStatus::Active {
            return false;
        }
        inst.status = InstanceStatus::Draining;
        self.placement
            .set_status(Self::slot(idx), placement::InstanceStatus::Draining)
            .expect("registered instance");
        for k in 0..self.instances[idx.index()].tasks.len() {
            let t = self.instances[idx.index()].tasks[k];
            self.task_mut(t).on_draining_instance = true;
        }
        true
    }

    /// Terminates an instance whose tasks have all stopped: it leaves placement and the registered capacity.
    /// Returns false (and changes nothing) if it was already terminated.
    pub fn terminate_instance(&mut self, idx: InstanceIdx, now: SimTime, reason: &str) -> bool {
        let inst = &self.instances[idx.index()];
        if inst.status == InstanceStatus::Terminated {
            return false;
        }
        assert!(
            inst.tasks.is_empty(),
            "instance {} terminated with tasks on it",
            inst.ec2_instance_id
        );
        let asg = inst.asg;
        if let Ok(candidate) = self.placement.remove(Self::slot(idx)) {
            self.cluster.registered_cpu_units -=
                u64::from(candidate.resources.registered_cpu_units());
            self.cluster.registered_memory_mib -=
                u64::from(candidate.resources.registered_memory_mib());
            self.asgs[asg.index()].counters.in_service -= 1;
            self.dirty.asg(asg);
        }
        let inst = &mut self.instances[idx.index()];
        inst.status = InstanceStatus::Terminated;
        inst.terminated_at = Some(now);
        inst.termination_reason = reason.to_string();
        self.cluster.live_instances -= 1;
        self.dirty.cluster = true;
        true
    }
}
