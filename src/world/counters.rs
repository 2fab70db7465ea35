//! What the metrics read, kept up to date by the world's own transitions, so that observing the world costs
//! what changed rather than a walk over every instance and task.
//!
//! Every change to a task goes through [`World::task_mut`](super::World::task_mut) (or task creation),
//! which takes the task's [`Contribution`] to its service's and the cluster's counters before the change,
//! applies the change, and adds the contribution after it: a counter can only drift if a field is changed
//! behind the world's back, and the debug-build check ([`Recount`]) compares every counter with a count from
//! scratch at the end of every event instant. Instances change the cluster counters at launch, registration
//! and termination, and reservations at reserve and release.
//!
//! The world also notes *what* changed during the current instant ([`Dirty`]): the observer reads only
//! those services, the cluster and groups, and the (service, instance) pairs whose task counts grew.

use crate::world::{AsgIdx, InstanceIdx, ServiceIdx, TaskStatus};

use super::task::Task;

/// A service's counters (tasks not yet STOPPED).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceCounters {
    /// desiredStatus RUNNING (A of the reconcile rule, ECS-SEMANTICS §4.1).
    pub active: u32,
    /// lastStatus RUNNING (`RunningTaskCount`).
    pub running: u32,
    /// PROVISIONING, PENDING or ACTIVATING (`PendingTaskCount`).
    pub pending: u32,
    /// ACTIVATING, RUNNING or DEACTIVATING (`max_running_tasks`).
    pub running_like: u32,
    /// desiredStatus RUNNING and healthy for the service (ECS-SEMANTICS §4.1).
    pub healthy: u32,
    /// desiredStatus RUNNING, lastStatus RUNNING and healthy (the service is steady when every task not yet
    /// STOPPED is one of these).
    pub steady: u32,
    /// desiredStatus RUNNING and UNHEALTHY (container health checks).
    pub unhealthy: u32,
    /// desiredStatus RUNNING on a DRAINING instance.
    pub on_draining: u32,
    /// CPU units used by RUNNING tasks.
    pub used_cpu_units: u64,
    /// MiB used by RUNNING tasks.
    pub used_memory_mib: u64,
    /// CPU units reserved by RUNNING tasks (the denominator of the service's `CPUUtilization`).
    pub running_cpu_units: u64,
    /// MiB reserved by RUNNING tasks (the denominator of the service's `MemoryUtilization`).
    pub running_memory_mib: u64,
    /// Tasks with desiredStatus RUNNING per zone of the cluster (`zone_imbalance_max`).
    pub per_zone: Vec<u32>,
}

/// The cluster's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterCounters {
    /// CPU units of registered (ACTIVE or DRAINING) instances.
    pub registered_cpu_units: u64,
    /// MiB of registered instances.
    pub registered_memory_mib: u64,
    /// CPU units reserved on registered instances by tasks not yet STOPPED.
    pub reserved_cpu_units: u64,
    /// MiB reserved on registered instances.
    pub reserved_memory_mib: u64,
    /// CPU units used by RUNNING tasks on instances.
    pub used_cpu_units: u64,
    /// MiB used by RUNNING tasks on instances.
    pub used_memory_mib: u64,
    /// Instances launched and not terminated.
    pub live_instances: u32,
    /// Registered instances holding a task that is not a DAEMON task (`instances_in_use_avg`).
    pub instances_in_use: u32,
}

/// An Auto Scaling group's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AsgCounters {
    /// Registered (ACTIVE or DRAINING) instances of the group (`GroupInServiceInstances`).
    pub in_service: u32,
}

/// What one task adds to its service's and the cluster's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Contribution {
    active: bool,
    running: bool,
    pending: bool,
    running_like: bool,
    healthy: bool,
    steady: bool,
    unhealthy: bool,
    on_draining: bool,
    /// The zone it counts in while its desiredStatus is RUNNING.
    active_zone: Option<u16>,
    /// CPU units and MiB used, when RUNNING.
    used: (u32, u32),
    /// CPU units and MiB reserved, when RUNNING.
    reserved: (u32, u32),
    /// RUNNING on a container instance (counts in the cluster's use).
    on_instance: bool,
}

impl Contribution {
    /// What `task` contributes as it is.
    pub fn of(task: &Task) -> Contribution {
        let running = task.last_status == TaskStatus::Running;
        let active = task.is_active();
        Contribution {
            active,
            running,
            pending: matches!(
                task.last_status,
                TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating
            ),
            running_like: task.is_running_like(),
            healthy: active && task.counts_as_healthy(),
            steady: active && running && task.counts_as_healthy(),
            unhealthy: active && task.is_unhealthy(),
            on_draining: active && task.on_draining_instance,
            active_zone: active.then_some(task.zone).flatten(),
            used: if running {
                (task.used_cpu_units, task.used_memory_mib)
            } else {
                (0, 0)
            },
            reserved: if running {
                (task.cpu_units, task.memory_mib)
            } else {
                (0, 0)
            },
            on_instance: running && task.instance.is_some(),
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) this contribution.
    pub fn apply(
        &self,
        sign: i64,
        service: Option<&mut ServiceCounters>,
        cluster: &mut ClusterCounters,
    ) {
        let add32 = |c: &mut u32, on: bool| {
            if on {
                *c = (i64::from(*c) + sign) as u32;
            }
        };
        let add64 = |c: &mut u64, v: u32| *c = (*c as i64 + sign * i64::from(v)) as u64;
        if let Some(s) = service {
            add32(&mut s.active, self.active);
            add32(&mut s.running, self.running);
            add32(&mut s.pending, self.pending);
            add32(&mut s.running_like, self.running_like);
            add32(&mut s.healthy, self.healthy);
            add32(&mut s.steady, self.steady);
            add32(&mut s.unhealthy, self.unhealthy);
            add32(&mut s.on_draining, self.on_draining);
            add64(&mut s.used_cpu_units, self.used.0);
            add64(&mut s.used_memory_mib, self.used.1);
            add64(&mut s.running_cpu_units, self.reserved.0);
            add64(&mut s.running_memory_mib, self.reserved.1);
            if let Some(z) = self.active_zone {
                add32(&mut s.per_zone[z as usize], true);
            }
        }
        if self.on_instance {
            add64(&mut cluster.used_cpu_units, self.used.0);
            add64(&mut cluster.used_memory_mib, self.used.1);
        }
    }

    /// Whether the contribution reaches the cluster's counters.
    pub fn touches_cluster(&self) -> bool {
        self.on_instance
    }
}

/// What changed during the current event instant.
#[derive(Clone, Debug, Default)]
pub struct Dirty {
    /// Services whose counters or desired count changed, in the order they first changed.
    pub services: Vec<ServiceIdx>,
    service_flag: Vec<bool>,
    /// Whether the cluster's counters changed.
    pub cluster: bool,
    /// Groups whose counters or desired capacity changed.
    pub asgs: Vec<AsgIdx>,
    asg_flag: Vec<bool>,
    /// (service, instance) pairs where the service's tasks on the instance grew.
    pub grown: Vec<(ServiceIdx, InstanceIdx)>,
}

impl Dirty {
    /// Everything is dirty (the start of the run, the start of the summary window).
    pub fn all(&mut self, services: usize, asgs: usize) {
        self.clear();
        self.service_flag = vec![false; services];
        self.asg_flag = vec![false; asgs];
        for s in 0..services {
            self.service(ServiceIdx(s as u32));
        }
        for a in 0..asgs {
            self.asg(AsgIdx(a as u32));
        }
        self.cluster = true;
    }

    /// Notes a change to service `s`.
    #[inline]
    pub fn service(&mut self, s: ServiceIdx) {
        if !self.service_flag[s.index()] {
            self.service_flag[s.index()] = true;
            self.services.push(s);
        }
    }

    /// Notes a change to group `a`.
    #[inline]
    pub fn asg(&mut self, a: AsgIdx) {
        if !self.asg_flag[a.index()] {
            self.asg_flag[a.index()] = true;
            self.asgs.push(a);
        }
    }

    /// Forgets everything (the observer has read it).
    pub fn clear(&mut self) {
        for s in self.services.drain(..) {
            self.service_flag[s.index()] = false;
        }
        for a in self.asgs.drain(..) {
            self.asg_flag[a.index()] = false;
        }
        self.cluster = false;
        self.grown.clear();
    }
}

/// The counters computed from scratch, for the debug-build check and the equivalence test: the expensive
/// way (every instance and task) of getting what the world keeps incrementally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recount {
    /// Per service.
    pub services: Vec<ServiceCounters>,
    /// The cluster.
    pub cluster: ClusterCounters,
    /// Per group.
    pub asgs: Vec<AsgCounters>,
}
