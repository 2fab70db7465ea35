//! The placement-facing state of a cluster's container instances, kept up to date by the World.
//!
//! [`PlacementIndex`] owns one [`Candidate`] per container instance (any status), the count of tasks of each
//! group per instance (desiredStatus RUNNING), and a version number that changes whenever something a
//! task-independent `memberOf` expression can read changes. Placement reads it; it never rebuilds it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::resources::{InstanceResources, ResourceKind, TaskRequirements, TaskReservation};
use super::strategy::{AVAILABILITY_ZONE_ATTRIBUTE, PlacementConstraint};
use crate::query::InstanceView;

/// A container instance's slot in the [`PlacementIndex`]. The integrator maps it one to one to the World's
/// container-instance id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceIdx(pub u32);

/// A task group interned by the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct GroupId(pub(crate) u32);

/// Container-instance status (ECS-SEMANTICS §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceStatus {
    /// `REGISTERING`.
    Registering,
    /// `REGISTRATION_FAILED`.
    RegistrationFailed,
    /// `ACTIVE`: the only status that receives tasks.
    Active,
    /// `DRAINING`: never receives new tasks.
    Draining,
    /// `DEREGISTERING`.
    Deregistering,
    /// `INACTIVE`.
    Inactive,
}

impl InstanceStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Registering => "REGISTERING",
            InstanceStatus::RegistrationFailed => "REGISTRATION_FAILED",
            InstanceStatus::Active => "ACTIVE",
            InstanceStatus::Draining => "DRAINING",
            InstanceStatus::Deregistering => "DEREGISTERING",
            InstanceStatus::Inactive => "INACTIVE",
        }
    }
}

impl fmt::Display for InstanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One container instance as placement sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The container-instance id (the ARN's last part). Ties are ordered by it (§1.3 DECIDED) and AWS
    /// service events name it.
    pub container_instance_id: Arc<str>,
    /// The EC2 instance id (`i-…`), shown in explanations.
    pub ec2_instance_id: Arc<str>,
    /// Status; only `ACTIVE` with a connected agent is a candidate.
    pub status: InstanceStatus,
    /// Whether the agent is connected.
    pub agent_connected: bool,
    /// Agent version, for `agentVersion` queries.
    pub agent_version: String,
    /// Registration time, Unix milliseconds, for `registeredAt` queries.
    pub registered_at_unix_ms: i64,
    /// Tasks in RUNNING state, for `runningTasksCount` queries.
    pub running_tasks_count: u32,
    /// Built-in (`ecs.*`) and custom attributes, names without the `attribute:` prefix.
    pub attributes: BTreeMap<String, String>,
    /// Registered and remaining resources.
    pub resources: InstanceResources,
}

impl Candidate {
    /// An `ACTIVE` instance with a connected agent, in `availability_zone` (stored as the
    /// `ecs.availability-zone` attribute).
    pub fn new(
        container_instance_id: &str,
        ec2_instance_id: &str,
        availability_zone: &str,
        resources: InstanceResources,
    ) -> Self {
        let mut attributes = BTreeMap::new();
        attributes.insert(
            AVAILABILITY_ZONE_ATTRIBUTE.to_owned(),
            availability_zone.to_owned(),
        );
        Candidate {
            container_instance_id: container_instance_id.into(),
            ec2_instance_id: ec2_instance_id.into(),
            status: InstanceStatus::Active,
            agent_connected: true,
            agent_version: String::new(),
            registered_at_unix_ms: 0,
            running_tasks_count: 0,
            attributes,
            resources,
        }
    }

    /// Adds an attribute (builder style).
    pub fn with_attribute(mut self, name: &str, value: &str) -> Self {
        self.attributes.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The `ecs.availability-zone` attribute.
    pub fn availability_zone(&self) -> Option<&str> {
        self.attributes
            .get(AVAILABILITY_ZONE_ATTRIBUTE)
            .map(String::as_str)
    }

    /// Whether placement may put a task here: `ACTIVE` with a connected agent (§1.1).
    pub fn is_eligible(&self) -> bool {
        self.status == InstanceStatus::Active && self.agent_connected
    }
}

const NOT_SCANNED: u32 = u32::MAX;

/// What the status and resource filters read, copied from the [`Candidate`] after every change to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hot {
    pub(crate) slot: u32,
    pub(crate) eligible: bool,
    pub(crate) remaining_cpu_units: u32,
    pub(crate) remaining_memory_mib: u32,
    pub(crate) remaining_gpus: u32,
    pub(crate) free_eni_slots: u32,
}

impl Hot {
    fn of(slot: u32, c: &Candidate) -> Hot {
        let r = &c.resources;
        Hot {
            slot,
            eligible: c.is_eligible(),
            remaining_cpu_units: r.remaining_cpu_units(),
            remaining_memory_mib: r.remaining_memory_mib(),
            remaining_gpus: r.remaining_gpus(),
            free_eni_slots: r.eni_slots().saturating_sub(r.eni_slots_used()),
        }
    }

    /// The first resource lacking for one more task of `req` after `already` in the batch; the same answer
    /// as [`InstanceResources::shortfall_after`]`(..).first()` (asserted in debug builds), reading the full
    /// candidate only for ports.
    #[inline]
    pub(crate) fn first_lacking<'c>(
        &self,
        req: &TaskRequirements,
        already: u32,
        has_ports: bool,
        c: impl FnOnce() -> &'c Candidate,
    ) -> Option<ResourceKind> {
        let n = u64::from(already) + 1;
        if u64::from(self.remaining_cpu_units) < n * u64::from(req.cpu_units) {
            Some(ResourceKind::Cpu)
        } else if u64::from(self.remaining_memory_mib) < n * u64::from(req.memory_mib) {
            Some(ResourceKind::Memory)
        } else if u64::from(self.remaining_gpus) < n * u64::from(req.gpus) {
            Some(ResourceKind::Gpu)
        } else if has_ports
            && c()
                .resources
                .shortfall_after(req, already)
                .contains(ResourceKind::Ports)
        {
            Some(ResourceKind::Ports)
        } else if req.needs_eni && u64::from(self.free_eni_slots) < n {
            Some(ResourceKind::Eni)
        } else {
            None
        }
    }
}

/// A bad index update (unknown slot, occupied slot, resources that do not fit).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// No instance in this slot.
    #[error("no container instance at placement index {0:?}")]
    UnknownInstance(InstanceIdx),
    /// The slot is taken.
    #[error("placement index {0:?} is already taken")]
    SlotTaken(InstanceIdx),
    /// The task does not fit (the World treats this as an invariant violation).
    #[error("task does not fit on {0:?}: {phrase}", phrase = .1.phrase())]
    DoesNotFit(InstanceIdx, ResourceKind),
    /// Removing a task of a group that has none on the instance.
    #[error("no task of group {1} on {0:?}")]
    NoTaskOfGroup(InstanceIdx, String),
}

#[derive(Clone, Debug)]
pub(crate) struct Slot {
    pub(crate) c: Candidate,
    /// Tasks per group with desiredStatus RUNNING, sorted by group, counts > 0.
    pub(crate) groups: Vec<(GroupId, u32)>,
}

/// Why an instance cannot take a task (DAEMON scheduler, §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unfit {
    /// Not `ACTIVE` (e.g. `DRAINING`).
    NotActive(InstanceStatus),
    /// The agent is disconnected.
    AgentDisconnected,
    /// A resource is lacking (the first in reporting order).
    Resource(ResourceKind),
    /// A constraint is not met; its text.
    Constraint(String),
}

/// The cluster's container instances, indexed for placement.
#[derive(Clone, Debug, Default)]
pub struct PlacementIndex {
    pub(crate) slots: Vec<Option<Slot>>,
    /// Occupied slots ordered by (container-instance id, slot), with the fields the status and resource
    /// filters read (24 bytes each): the scan order, so ties come out sorted and the scan stays in cache.
    pub(crate) scan: Vec<Hot>,
    /// Slot → position in `scan` ([`NOT_SCANNED`] for an empty slot).
    pos: Vec<u32>,
    pub(crate) group_names: Vec<Arc<str>>,
    group_ids: BTreeMap<Arc<str>, GroupId>,
    /// Per group: (slot, tasks of the group with desiredStatus RUNNING > 0), sorted by slot.
    pub(crate) group_members: Vec<Vec<(u32, u32)>>,
    /// Changes whenever anything a task-independent query can read changes.
    pub(crate) static_version: u64,
}

impl PlacementIndex {
    /// An empty index.
    pub fn new() -> Self {
        PlacementIndex::default()
    }

    /// Registers `candidate` at `idx`.
    pub fn insert(&mut self, idx: InstanceIdx, candidate: Candidate) -> Result<(), IndexError> {
        let i = idx.0 as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        if self.slots[i].is_some() {
            return Err(IndexError::SlotTaken(idx));
        }
        let key = (&*candidate.container_instance_id, idx.0);
        let p = self
            .scan
            .partition_point(|h| (&*self.candidate_at(h.slot).container_instance_id, h.slot) < key);
        self.scan.insert(p, Hot::of(idx.0, &candidate));
        self.slots[i] = Some(Slot {
            c: candidate,
            groups: Vec::new(),
        });
        self.renumber(p);
        self.static_version += 1;
        Ok(())
    }

    /// Removes the instance (deregistered) and its group counts.
    pub fn remove(&mut self, idx: InstanceIdx) -> Result<Candidate, IndexError> {
        let slot = self
            .slots
            .get_mut(idx.0 as usize)
            .and_then(Option::take)
            .ok_or(IndexError::UnknownInstance(idx))?;
        let p = self.pos[idx.0 as usize] as usize;
        self.scan.remove(p);
        self.pos[idx.0 as usize] = NOT_SCANNED;
        self.renumber(p);
        for (g, _) in &slot.groups {
            self.group_members[g.0 as usize].retain(|e| e.0 != idx.0);
        }
        self.static_version += 1;
        Ok(slot.c)
    }

    /// The instance at `idx`.
    pub fn get(&self, idx: InstanceIdx) -> Option<&Candidate> {
        self.slot(idx).map(|s| &s.c)
    }

    /// Number of instances (any status).
    pub fn len(&self) -> usize {
        self.scan.len()
    }

    /// Whether the index holds no instance.
    pub fn is_empty(&self) -> bool {
        self.scan.is_empty()
    }

    /// Instances in container-instance-id order.
    pub fn iter(&self) -> impl Iterator<Item = (InstanceIdx, &Candidate)> {
        self.scan
            .iter()
            .map(|h| (InstanceIdx(h.slot), self.candidate_at(h.slot)))
    }

    /// Sets the status (e.g. `DRAINING`).
    pub fn set_status(
        &mut self,
        idx: InstanceIdx,
        status: InstanceStatus,
    ) -> Result<(), IndexError> {
        self.mutate_static(idx, |c| c.status = status)
    }

    /// Sets whether the agent is connected.
    pub fn set_agent_connected(
        &mut self,
        idx: InstanceIdx,
        connected: bool,
    ) -> Result<(), IndexError> {
        self.mutate_static(idx, |c| c.agent_connected = connected)
    }

    /// Sets (or, with `None`, deletes) an attribute.
    pub fn set_attribute(
        &mut self,
        idx: InstanceIdx,
        name: &str,
        value: Option<&str>,
    ) -> Result<(), IndexError> {
        self.mutate_static(idx, |c| match value {
            Some(v) => {
                c.attributes.insert(name.to_owned(), v.to_owned());
            }
            None => {
                c.attributes.remove(name);
            }
        })
    }

    /// Sets the RUNNING task count read by `runningTasksCount` queries. Such queries report
    /// `depends_on_tasks()`, so this does not invalidate cached `memberOf` results.
    pub fn set_running_tasks_count(&mut self, idx: InstanceIdx, n: u32) -> Result<(), IndexError> {
        self.slot_mut(idx)?.c.running_tasks_count = n;
        Ok(())
    }

    /// Counts one more task of `group` with desiredStatus RUNNING on the instance (call when the task is
    /// created/placed).
    pub fn add_group_task(&mut self, idx: InstanceIdx, group: &str) -> Result<(), IndexError> {
        self.slot(idx).ok_or(IndexError::UnknownInstance(idx))?;
        let g = self.intern_group(group);
        let slot = self.slot_mut(idx)?;
        match slot.groups.binary_search_by_key(&g, |e| e.0) {
            Ok(i) => slot.groups[i].1 += 1,
            Err(i) => slot.groups.insert(i, (g, 1)),
        }
        let members = &mut self.group_members[g.0 as usize];
        match members.binary_search_by_key(&idx.0, |e| e.0) {
            Ok(i) => members[i].1 += 1,
            Err(i) => members.insert(i, (idx.0, 1)),
        }
        Ok(())
    }

    /// Counts one task of `group` fewer (call when its desiredStatus becomes STOPPED).
    pub fn remove_group_task(&mut self, idx: InstanceIdx, group: &str) -> Result<(), IndexError> {
        let missing = || IndexError::NoTaskOfGroup(idx, group.to_owned());
        let g = self.group_id(group).ok_or_else(missing)?;
        let slot = self.slot_mut(idx)?;
        let i = slot
            .groups
            .binary_search_by_key(&g, |e| e.0)
            .map_err(|_| missing())?;
        slot.groups[i].1 -= 1;
        if slot.groups[i].1 == 0 {
            slot.groups.remove(i);
        }
        let members = &mut self.group_members[g.0 as usize];
        let i = members
            .binary_search_by_key(&idx.0, |e| e.0)
            .map_err(|_| missing())?;
        members[i].1 -= 1;
        if members[i].1 == 0 {
            members.remove(i);
        }
        Ok(())
    }

    /// Tasks of `group` with desiredStatus RUNNING on the instance.
    pub fn group_task_count(&self, idx: InstanceIdx, group: &str) -> u32 {
        match (self.slot(idx), self.group_id(group)) {
            (Some(s), Some(g)) => s
                .groups
                .binary_search_by_key(&g, |e| e.0)
                .map_or(0, |i| s.groups[i].1),
            _ => 0,
        }
    }

    /// Takes the task's resources on the instance (call when the task is placed). A failure means the caller
    /// placed a task that does not fit: an invariant violation.
    pub fn reserve(
        &mut self,
        idx: InstanceIdx,
        req: &TaskRequirements,
    ) -> Result<TaskReservation, IndexError> {
        let r = self
            .slot_mut(idx)?
            .c
            .resources
            .reserve(req)
            .map_err(|k| IndexError::DoesNotFit(idx, k))?;
        self.refresh(idx.0);
        Ok(r)
    }

    /// Gives back a reservation (call when the task stops).
    pub fn release(
        &mut self,
        idx: InstanceIdx,
        reservation: &TaskReservation,
    ) -> Result<(), IndexError> {
        self.slot_mut(idx)?.c.resources.release(reservation);
        self.refresh(idx.0);
        Ok(())
    }

    /// Whether one task of `req` may go on the instance under `constraints` (DAEMON scheduler, §3.1: one task
    /// per `ACTIVE` instance that satisfies the constraints).
    pub fn fits(
        &self,
        idx: InstanceIdx,
        req: &TaskRequirements,
        constraints: &[PlacementConstraint],
    ) -> Result<(), Unfit> {
        let slot = self
            .slot(idx)
            .ok_or(Unfit::NotActive(InstanceStatus::Inactive))?;
        if slot.c.status != InstanceStatus::Active {
            return Err(Unfit::NotActive(slot.c.status));
        }
        if !slot.c.agent_connected {
            return Err(Unfit::AgentDisconnected);
        }
        if let Some(k) = slot.c.resources.shortfall(req).first() {
            return Err(Unfit::Resource(k));
        }
        match self.violated_constraint(idx, &req.group, constraints, None) {
            Some(c) => Err(Unfit::Constraint(c)),
            None => Ok(()),
        }
    }

    /// The first of `constraints` that a task of `group` violates on the instance (its text), or `None`.
    /// With `own`, the instance is seen as if that task — already on it — were not there: a DAEMON task's
    /// constraints are evaluated as ECS evaluates them before the task exists (ECS-SEMANTICS §3.1), so a
    /// `memberOf(runningTasksCount < 1)` daemon never rules its own instance out.
    pub fn violated_constraint(
        &self,
        idx: InstanceIdx,
        group: &str,
        constraints: &[PlacementConstraint],
        own: Option<OwnTask>,
    ) -> Option<String> {
        let slot = self.slot(idx)?;
        let view = CandidateView {
            index: self,
            slot,
            extra_group: None,
            own: own.map(|o| (self.group_id(group), o)),
        };
        let own_in_group = u32::from(own.is_some());
        constraints
            .iter()
            .find(|c| match c {
                PlacementConstraint::DistinctInstance => {
                    self.group_task_count(idx, group) > own_in_group
                }
                PlacementConstraint::MemberOf(e) => !e.matches(&view),
            })
            .map(|c| c.to_string())
    }

    /// The query-language view of the instance.
    pub fn view(&self, idx: InstanceIdx) -> Option<CandidateView<'_>> {
        self.slot(idx).map(|slot| CandidateView {
            index: self,
            slot,
            extra_group: None,
            own: None,
        })
    }

    pub(crate) fn group_id(&self, group: &str) -> Option<GroupId> {
        self.group_ids.get(group).copied()
    }

    pub(crate) fn slot(&self, idx: InstanceIdx) -> Option<&Slot> {
        self.slots.get(idx.0 as usize).and_then(Option::as_ref)
    }

    /// The candidate in an occupied slot (the caller got `s` from `scan` or a group's members).
    pub(crate) fn candidate_at(&self, s: u32) -> &Candidate {
        &self.slots[s as usize]
            .as_ref()
            .expect("slot listed in order is occupied")
            .c
    }

    fn slot_mut(&mut self, idx: InstanceIdx) -> Result<&mut Slot, IndexError> {
        self.slots
            .get_mut(idx.0 as usize)
            .and_then(Option::as_mut)
            .ok_or(IndexError::UnknownInstance(idx))
    }

    fn mutate_static(
        &mut self,
        idx: InstanceIdx,
        f: impl FnOnce(&mut Candidate),
    ) -> Result<(), IndexError> {
        f(&mut self.slot_mut(idx)?.c);
        self.refresh(idx.0);
        self.static_version += 1;
        Ok(())
    }

    /// Copies the candidate's status and resources into its scan entry.
    fn refresh(&mut self, s: u32) {
        let p = self.pos[s as usize] as usize;
        self.scan[p] = Hot::of(s, self.candidate_at(s));
    }

    /// Rewrites `pos` for scan entries from `from` on (after an insert or removal).
    fn renumber(&mut self, from: usize) {
        if self.pos.len() < self.slots.len() {
            self.pos.resize(self.slots.len(), NOT_SCANNED);
        }
        for (p, h) in self.scan.iter().enumerate().skip(from) {
            self.pos[h.slot as usize] = p as u32;
        }
    }

    fn intern_group(&mut self, group: &str) -> GroupId {
        if let Some(g) = self.group_id(group) {
            return g;
        }
        let g = GroupId(self.group_names.len() as u32);
        let name: Arc<str> = group.into();
        self.group_names.push(name.clone());
        self.group_ids.insert(name, g);
        self.group_members.push(Vec::new());
        g
    }
}

/// A task already on an instance that a constraint check should not see (see
/// [`PlacementIndex::violated_constraint`]): it is one of its group's tasks there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnTask {
    /// Whether it is in the RUNNING state (counted by `runningTasksCount`).
    pub running: bool,
}

/// The cluster-query-language view of one instance ([`InstanceView`]). During a batch, `extra_group` is the
/// group of tasks already assigned to the instance earlier in the batch; `own` is a task of a group (by id)
/// that the view leaves out.
#[derive(Clone, Copy, Debug)]
pub struct CandidateView<'a> {
    index: &'a PlacementIndex,
    slot: &'a Slot,
    extra_group: Option<&'a str>,
    own: Option<(Option<GroupId>, OwnTask)>,
}

impl<'a> CandidateView<'a> {
    pub(crate) fn new(
        index: &'a PlacementIndex,
        slot: &'a Slot,
        extra_group: Option<&'a str>,
    ) -> Self {
        CandidateView {
            index,
            slot,
            extra_group,
            own: None,
        }
    }
}

impl InstanceView for CandidateView<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.slot.c.attributes.get(name).map(String::as_str)
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        let own_group = self.own.and_then(|(g, _)| g);
        self.extra_group.is_some_and(&mut *f)
            || self.slot.groups.iter().any(|(g, n)| {
                let left = if Some(*g) == own_group { n - 1 } else { *n };
                left > 0 && f(&self.index.group_names[g.0 as usize])
            })
    }
    fn agent_connected(&self) -> bool {
        self.slot.c.agent_connected
    }
    fn ec2_instance_id(&self) -> &str {
        &self.slot.c.ec2_instance_id
    }
    fn agent_version(&self) -> &str {
        &self.slot.c.agent_version
    }
    fn running_tasks_count(&self) -> u32 {
        let own_running = self.own.is_some_and(|(_, o)| o.running);
        self.slot.c.running_tasks_count - u32::from(own_running)
    }
    fn registered_at_unix_ms(&self) -> i64 {
        self.slot.c.registered_at_unix_ms
    }
}
