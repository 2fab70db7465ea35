//! Per-instance resources (CPU, memory, GPUs, ENI slots, host ports) and the task's requirements.
//!
//! The World updates an [`InstanceResources`] incrementally through [`InstanceResources::reserve`] and
//! [`InstanceResources::release`]; placement only reads it. Every check is a handful of integer comparisons
//! and a binary search per static port, so the resource filter costs O(1) per instance.

use super::error::PlacementConfigError;

/// Host ports the ECS agent reserves on every Linux instance by default (TCP): SSH, the Docker daemon
/// (2375, 2376) and the agent introspection ports (51678, 51679). Source: AGENT README,
/// `ECS_RESERVED_PORTS`.
pub const ECS_RESERVED_PORTS_DEFAULT_TCP: [u16; 5] = [22, 2375, 2376, 51678, 51679];

/// Maximum static host ports reserved on one container instance at a time, the agent defaults included.
/// Ports assigned dynamically (hostPort 0 in bridge mode) do not count. Source: DG:service-event-messages;
/// BC-ECS PortMapping.containerPort ("do not count toward the 100 reserved ports limit").
pub const MAX_RESERVED_PORTS_PER_INSTANCE: usize = 100;

/// First port of the ephemeral range used for dynamic host ports. MODEL: ECS takes the range from the
/// instance's `/proc/sys/net/ipv4/ip_local_port_range`, whose Linux default is 32768–60999 (BC-ECS
/// PortMapping.hostPort); the agent's fallback when that file is unreadable is 49153–65535.
pub const EPHEMERAL_PORT_FIRST: u16 = 32768;
/// Last port (inclusive) of the ephemeral range; see [`EPHEMERAL_PORT_FIRST`].
pub const EPHEMERAL_PORT_LAST: u16 = 60999;

const EPHEMERAL_PORT_COUNT: u32 = (EPHEMERAL_PORT_LAST - EPHEMERAL_PORT_FIRST) as u32 + 1;

/// A resource a task can lack on an instance. The order of the variants is the order in which the resource
/// filter reports them when several are lacking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// CPU units (1024 per vCPU).
    Cpu,
    /// Memory, MiB.
    Memory,
    /// GPUs.
    Gpu,
    /// A static host port is taken, the reserved-port limit would be exceeded, or the ephemeral range is full.
    Ports,
    /// No free ENI slot for an `awsvpc` task.
    Eni,
}

impl ResourceKind {
    /// All kinds, in reporting order.
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::Cpu,
        ResourceKind::Memory,
        ResourceKind::Gpu,
        ResourceKind::Ports,
        ResourceKind::Eni,
    ];

    /// The RunTask `failures[].reason` code (`RESOURCE:CPU`, ...). 3P / UNCONFIRMED except CPU and MEMORY
    /// (ECS-SEMANTICS §1.7).
    pub fn run_task_reason(self) -> &'static str {
        match self {
            ResourceKind::Cpu => "RESOURCE:CPU",
            ResourceKind::Memory => "RESOURCE:MEMORY",
            ResourceKind::Gpu => "RESOURCE:GPU",
            ResourceKind::Ports => "RESOURCE:PORTS",
            ResourceKind::Eni => "RESOURCE:ENI",
        }
    }

    /// Plain-English phrase used in explanations ("insufficient memory").
    pub fn phrase(self) -> &'static str {
        match self {
            ResourceKind::Cpu => "insufficient CPU units",
            ResourceKind::Memory => "insufficient memory",
            ResourceKind::Gpu => "insufficient GPUs",
            ResourceKind::Ports => "a required host port is unavailable",
            ResourceKind::Eni => "no free ENI slot for an awsvpc task",
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`ResourceKind`]s an instance lacks for a task, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shortfall(pub(crate) u8);

impl Shortfall {
    /// Whether nothing is lacking.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Whether `kind` is lacking.
    pub fn contains(self, kind: ResourceKind) -> bool {
        self.0 & kind.bit() != 0
    }
    /// How many kinds are lacking.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    /// The first lacking kind in reporting order.
    pub fn first(self) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| self.contains(*k))
    }
}

/// What one task needs from an instance. The caller sums it over the task's containers (or takes the task-level
/// values): memory is `memoryReservation` when set, otherwise `memory` (ECS-SEMANTICS §1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskRequirements {
    /// Task group: `service:<name>`, `family:<family>` or a custom group (§1.5). Spread, the default service
    /// logic and `distinctInstance` count tasks of this group.
    pub group: String,
    /// CPU units (1024 per vCPU).
    pub cpu_units: u32,
    /// Memory, MiB.
    pub memory_mib: u32,
    /// GPUs.
    pub gpus: u32,
    /// Static TCP host ports (bridge/host mode `hostPort` > 0), without duplicates.
    pub static_host_ports_tcp: Vec<u16>,
    /// Static UDP host ports, without duplicates.
    pub static_host_ports_udp: Vec<u16>,
    /// TCP port mappings with `hostPort` 0 or absent in bridge mode: each takes a free port of the ephemeral
    /// range ([`EPHEMERAL_PORT_FIRST`]..=[`EPHEMERAL_PORT_LAST`]).
    pub dynamic_host_ports_tcp: u32,
    /// UDP port mappings with a dynamic host port.
    pub dynamic_host_ports_udp: u32,
    /// Network mode `awsvpc`: the task needs one free ENI slot.
    pub needs_eni: bool,
}

impl TaskRequirements {
    /// A task of `group` needing `cpu_units` and `memory_mib`, with no GPUs, ports or ENI.
    pub fn new(group: impl Into<String>, cpu_units: u32, memory_mib: u32) -> Self {
        TaskRequirements {
            group: group.into(),
            cpu_units,
            memory_mib,
            ..TaskRequirements::default()
        }
    }

    /// Checks what placement assumes: static ports are non-zero, without duplicates per protocol, and no more
    /// than [`MAX_RESERVED_PORTS_PER_INSTANCE`] of them.
    pub fn validate(&self) -> Result<(), PlacementConfigError> {
        for (proto, ports) in [
            ("tcp", &self.static_host_ports_tcp),
            ("udp", &self.static_host_ports_udp),
        ] {
            let mut sorted = ports.clone();
            sorted.sort_unstable();
            if sorted.first() == Some(&0) {
                return Err(PlacementConfigError::new(
                    format!("static {proto} host port 0 in task group {}", self.group),
                    "hostPort 0 means a dynamic port; count it in dynamic_host_ports instead",
                ));
            }
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                return Err(PlacementConfigError::new(
                    format!(
                        "{proto} host port {} is mapped twice in task group {}",
                        w[0], self.group
                    ),
                    "two containers of one task cannot bind the same host port",
                ));
            }
        }
        let n = self.static_host_ports_tcp.len() + self.static_host_ports_udp.len();
        if n > MAX_RESERVED_PORTS_PER_INSTANCE {
            return Err(PlacementConfigError::new(
                format!("task group {} reserves {n} static host ports", self.group),
                format!(
                    "an instance reserves at most {MAX_RESERVED_PORTS_PER_INSTANCE} ports; use dynamic host ports"
                ),
            ));
        }
        Ok(())
    }

    fn static_port_count(&self) -> u32 {
        (self.static_host_ports_tcp.len() + self.static_host_ports_udp.len()) as u32
    }
}

/// Host ports of one protocol reserved on an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PortSet {
    /// Every reserved port (static and dynamic), sorted, no duplicates.
    reserved: Vec<u16>,
    /// Free ports left in the ephemeral range.
    free_ephemeral: u32,
}

fn in_ephemeral(p: u16) -> bool {
    (EPHEMERAL_PORT_FIRST..=EPHEMERAL_PORT_LAST).contains(&p)
}

impl PortSet {
    fn new() -> Self {
        PortSet {
            reserved: Vec::new(),
            free_ephemeral: EPHEMERAL_PORT_COUNT,
        }
    }
    fn contains(&self, p: u16) -> bool {
        self.reserved.binary_search(&p).is_ok()
    }
    fn insert(&mut self, p: u16) -> bool {
        match self.reserved.binary_search(&p) {
            Ok(_) => false,
            Err(i) => {
                self.reserved.insert(i, p);
                if in_ephemeral(p) {
                    self.free_ephemeral -= 1;
                }
                true
            }
        }
    }
    fn remove(&mut self, p: u16) {
        if let Ok(i) = self.reserved.binary_search(&p) {
            self.reserved.remove(i);
            if in_ephemeral(p) {
                self.free_ephemeral += 1;
            }
        }
    }
    /// The lowest free port of the ephemeral range (MODEL: Docker's choice is not specified; lowest-free is
    /// deterministic).
    fn lowest_free_ephemeral(&self) -> Option<u16> {
        let start = self.reserved.partition_point(|&p| p < EPHEMERAL_PORT_FIRST);
        let mut candidate = EPHEMERAL_PORT_FIRST;
        for &p in &self.reserved[start..] {
            if p != candidate {
                break;
            }
            if candidate == EPHEMERAL_PORT_LAST {
                return None;
            }
            candidate += 1;
        }
        Some(candidate)
    }
    /// Whether `n` more ports can be taken from the ephemeral range after `statics` are reserved.
    fn dynamic_fit(&self, statics: &[u16], n: u64) -> bool {
        let taken = statics.iter().filter(|p| in_ephemeral(**p)).count() as u64;
        u64::from(self.free_ephemeral) >= n + taken
    }
}

/// What a task holds on its instance between [`InstanceResources::reserve`] and
/// [`InstanceResources::release`]; `dynamic_*` are the host ports assigned from the ephemeral range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskReservation {
    /// CPU units held.
    pub cpu_units: u32,
    /// Memory held, MiB.
    pub memory_mib: u32,
    /// GPUs held.
    pub gpus: u32,
    /// Whether an ENI slot is held.
    pub eni: bool,
    /// Static TCP host ports held.
    pub static_tcp: Vec<u16>,
    /// Static UDP host ports held.
    pub static_udp: Vec<u16>,
    /// TCP host ports assigned dynamically.
    pub dynamic_tcp: Vec<u16>,
    /// UDP host ports assigned dynamically.
    pub dynamic_udp: Vec<u16>,
}

/// Registered and remaining resources of one container instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceResources {
    registered_cpu_units: u32,
    remaining_cpu_units: u32,
    registered_memory_mib: u32,
    remaining_memory_mib: u32,
    registered_gpus: u32,
    remaining_gpus: u32,
    eni_slots: u32,
    eni_slots_used: u32,
    /// Static reserved ports, both protocols (counted against [`MAX_RESERVED_PORTS_PER_INSTANCE`]).
    static_port_count: u32,
    tcp: PortSet,
    udp: PortSet,
}

impl InstanceResources {
    /// An empty instance registering `cpu_units`, `memory_mib`, `gpus` and `eni_slots` (ENIs available to
    /// `awsvpc` tasks: the instance type's limit minus the primary ENI, or the trunk's limit), with the
    /// agent's default reserved TCP ports ([`ECS_RESERVED_PORTS_DEFAULT_TCP`]).
    pub fn new(cpu_units: u32, memory_mib: u32, gpus: u32, eni_slots: u32) -> Self {
        let mut r = InstanceResources {
            registered_cpu_units: cpu_units,
            remaining_cpu_units: cpu_units,
            registered_memory_mib: memory_mib,
            remaining_memory_mib: memory_mib,
            registered_gpus: gpus,
            remaining_gpus: gpus,
            eni_slots,
            eni_slots_used: 0,
            static_port_count: 0,
            tcp: PortSet::new(),
            udp: PortSet::new(),
        };
        for p in ECS_RESERVED_PORTS_DEFAULT_TCP {
            r.static_port_count += u32::from(r.tcp.insert(p));
        }
        r
    }

    /// Adds registration-time reserved ports (the instance's `ECS_RESERVED_PORTS` / `_UDP` beyond the
    /// defaults).
    pub fn with_reserved_ports(mut self, tcp: &[u16], udp: &[u16]) -> Self {
        for &p in tcp {
            self.static_port_count += u32::from(self.tcp.insert(p));
        }
        for &p in udp {
            self.static_port_count += u32::from(self.udp.insert(p));
        }
        self
    }

    /// CPU units registered.
    pub fn registered_cpu_units(&self) -> u32 {
        self.registered_cpu_units
    }
    /// CPU units not held by any task.
    pub fn remaining_cpu_units(&self) -> u32 {
        self.remaining_cpu_units
    }
    /// Memory registered, MiB.
    pub fn registered_memory_mib(&self) -> u32 {
        self.registered_memory_mib
    }
    /// Memory not held by any task, MiB.
    pub fn remaining_memory_mib(&self) -> u32 {
        self.remaining_memory_mib
    }
    /// GPUs registered.
    pub fn registered_gpus(&self) -> u32 {
        self.registered_gpus
    }
    /// GPUs not held by any task.
    pub fn remaining_gpus(&self) -> u32 {
        self.remaining_gpus
    }
    /// ENI slots for `awsvpc` tasks.
    pub fn eni_slots(&self) -> u32 {
        self.eni_slots
    }
    /// ENI slots held by tasks.
    pub fn eni_slots_used(&self) -> u32 {
        self.eni_slots_used
    }
    /// Static host ports reserved (both protocols, agent defaults included).
    pub fn static_port_count(&self) -> u32 {
        self.static_port_count
    }
    /// Whether TCP host port `port` is reserved.
    pub fn tcp_port_reserved(&self, port: u16) -> bool {
        self.tcp.contains(port)
    }
    /// Whether UDP host port `port` is reserved.
    pub fn udp_port_reserved(&self, port: u16) -> bool {
        self.udp.contains(port)
    }

    /// What the instance lacks for one more task of `req`.
    pub fn shortfall(&self, req: &TaskRequirements) -> Shortfall {
        self.shortfall_after(req, 0)
    }

    /// What the instance lacks for one more task of `req` when `already` tasks of the same `req` have been
    /// assigned to it earlier in the same batch (and not yet reserved).
    pub(crate) fn shortfall_after(&self, req: &TaskRequirements, already: u32) -> Shortfall {
        let n = u64::from(already) + 1;
        let mut bits = 0u8;
        if u64::from(self.remaining_cpu_units) < n * u64::from(req.cpu_units) {
            bits |= ResourceKind::Cpu.bit();
        }
        if u64::from(self.remaining_memory_mib) < n * u64::from(req.memory_mib) {
            bits |= ResourceKind::Memory.bit();
        }
        if u64::from(self.remaining_gpus) < n * u64::from(req.gpus) {
            bits |= ResourceKind::Gpu.bit();
        }
        if req.needs_eni && u64::from(self.eni_slots.saturating_sub(self.eni_slots_used)) < n {
            bits |= ResourceKind::Eni.bit();
        }
        if !self.ports_fit(req, already) {
            bits |= ResourceKind::Ports.bit();
        }
        Shortfall(bits)
    }

    fn ports_fit(&self, req: &TaskRequirements, already: u32) -> bool {
        let statics = req.static_port_count();
        if statics > 0 {
            // A second task of the same requirements would bind the same static ports.
            if already > 0
                || self.static_port_count + statics > MAX_RESERVED_PORTS_PER_INSTANCE as u32
                || req
                    .static_host_ports_tcp
                    .iter()
                    .any(|p| self.tcp.contains(*p))
                || req
                    .static_host_ports_udp
                    .iter()
                    .any(|p| self.udp.contains(*p))
            {
                return false;
            }
        }
        let n = u64::from(already) + 1;
        (req.dynamic_host_ports_tcp == 0
            || self.tcp.dynamic_fit(
                &req.static_host_ports_tcp,
                n * u64::from(req.dynamic_host_ports_tcp),
            ))
            && (req.dynamic_host_ports_udp == 0
                || self.udp.dynamic_fit(
                    &req.static_host_ports_udp,
                    n * u64::from(req.dynamic_host_ports_udp),
                ))
    }

    /// A measure of how much of `kind` is left, used to rank the closest matching instance.
    pub(crate) fn remaining_of(&self, kind: ResourceKind) -> u64 {
        match kind {
            ResourceKind::Cpu => u64::from(self.remaining_cpu_units),
            ResourceKind::Memory => u64::from(self.remaining_memory_mib),
            ResourceKind::Gpu => u64::from(self.remaining_gpus),
            ResourceKind::Ports => u64::from(self.tcp.free_ephemeral + self.udp.free_ephemeral),
            ResourceKind::Eni => u64::from(self.eni_slots.saturating_sub(self.eni_slots_used)),
        }
    }

    /// Takes the resources of one task of `req`, assigning the lowest free ephemeral ports to its dynamic
    /// port mappings. Fails, changing nothing, with the first lacking resource.
    pub fn reserve(&mut self, req: &TaskRequirements) -> Result<TaskReservation, ResourceKind> {
        if let Some(kind) = self.shortfall(req).first() {
            return Err(kind);
        }
        self.remaining_cpu_units -= req.cpu_units;
        self.remaining_memory_mib -= req.memory_mib;
        self.remaining_gpus -= req.gpus;
        self.eni_slots_used += u32::from(req.needs_eni);
        for &p in &req.static_host_ports_tcp {
            self.tcp.insert(p);
        }
        for &p in &req.static_host_ports_udp {
            self.udp.insert(p);
        }
        self.static_port_count += req.static_port_count();
        let take = |set: &mut PortSet, n: u32| -> Vec<u16> {
            (0..n)
                .map(|_| {
                    // `shortfall` checked that `n` ephemeral ports are free.
                    let p = set
                        .lowest_free_ephemeral()
                        .expect("ephemeral port counted as free");
                    set.insert(p);
                    p
                })
                .collect()
        };
        let dynamic_tcp = take(&mut self.tcp, req.dynamic_host_ports_tcp);
        let dynamic_udp = take(&mut self.udp, req.dynamic_host_ports_udp);
        Ok(TaskReservation {
            cpu_units: req.cpu_units,
            memory_mib: req.memory_mib,
            gpus: req.gpus,
            eni: req.needs_eni,
            static_tcp: req.static_host_ports_tcp.clone(),
            static_udp: req.static_host_ports_udp.clone(),
            dynamic_tcp,
            dynamic_udp,
        })
    }

    /// Gives back what [`InstanceResources::reserve`] took. Amounts saturate at the registered values, so a
    /// double release cannot create capacity (the World asserts task conservation separately).
    pub fn release(&mut self, r: &TaskReservation) {
        self.remaining_cpu_units =
            (self.remaining_cpu_units + r.cpu_units).min(self.registered_cpu_units);
        self.remaining_memory_mib =
            (self.remaining_memory_mib + r.memory_mib).min(self.registered_memory_mib);
        self.remaining_gpus = (self.remaining_gpus + r.gpus).min(self.registered_gpus);
        self.eni_slots_used = self.eni_slots_used.saturating_sub(u32::from(r.eni));
        for &p in r.static_tcp.iter().chain(&r.dynamic_tcp) {
            self.tcp.remove(p);
        }
        for &p in r.static_udp.iter().chain(&r.dynamic_udp) {
            self.udp.remove(p);
        }
        self.static_port_count = self
            .static_port_count
            .saturating_sub((r.static_tcp.len() + r.static_udp.len()) as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web() -> TaskRequirements {
        TaskRequirements::new("service:web", 256, 512)
    }

    // §1.2: the agent reserves TCP 22, 2375, 2376, 51678, 51679 on every instance.
    #[test]
    fn agent_default_ports_are_reserved_on_every_instance() {
        let r = InstanceResources::new(1024, 2048, 0, 0);
        let mut req = web();
        req.static_host_ports_tcp = vec![22];
        assert_eq!(r.shortfall(&req).first(), Some(ResourceKind::Ports));
        assert_eq!(r.static_port_count(), 5);
        // 51678 and 51679 lie inside 32768..=60999, so the ephemeral range has 28232 - 2 free ports.
        assert_eq!(r.tcp.free_ephemeral, 28_230);
    }

    // §1.1: the resource filter checks remaining CPU and memory; both lacking reports CPU first.
    #[test]
    fn shortfall_reports_every_lacking_resource_cpu_first() {
        let r = InstanceResources::new(200, 100, 0, 0);
        let s = r.shortfall(&web());
        assert!(s.contains(ResourceKind::Cpu) && s.contains(ResourceKind::Memory));
        assert_eq!((s.len(), s.first()), (2, Some(ResourceKind::Cpu)));
    }

    // §1.1: remaining resources go down on reserve and back up on release.
    #[test]
    fn reserve_then_release_restores_the_instance_exactly() {
        let mut r = InstanceResources::new(1024, 2048, 1, 2);
        let before = r.clone();
        let mut req = web();
        req.gpus = 1;
        req.needs_eni = true;
        req.static_host_ports_tcp = vec![80];
        req.dynamic_host_ports_tcp = 2;
        let t = r.reserve(&req).unwrap();
        // 1024 - 256 = 768 CPU units, 2048 - 512 = 1536 MiB.
        assert_eq!(
            (r.remaining_cpu_units(), r.remaining_memory_mib()),
            (768, 1536)
        );
        assert_eq!(
            (
                r.remaining_gpus(),
                r.eni_slots_used(),
                r.static_port_count()
            ),
            (0, 1, 6)
        );
        assert_eq!(t.dynamic_tcp, vec![32768, 32769]);
        r.release(&t);
        assert_eq!(r, before);
    }

    // §1.2 (DG:service-event-messages): at most 100 static reserved ports per instance, defaults included.
    #[test]
    fn static_ports_beyond_100_per_instance_do_not_fit() {
        // 5 defaults + 95 registration-time ports = 100 reserved.
        let extra: Vec<u16> = (1000..1095).collect();
        let r = InstanceResources::new(4096, 4096, 0, 0).with_reserved_ports(&extra, &[]);
        assert_eq!(r.static_port_count(), 100);
        let mut req = web();
        req.static_host_ports_tcp = vec![8080];
        assert_eq!(r.shortfall(&req).first(), Some(ResourceKind::Ports));
        // Dynamic ports do not count toward the limit.
        let mut dynamic = web();
        dynamic.dynamic_host_ports_tcp = 1;
        assert!(r.shortfall(&dynamic).is_empty());
    }

    // Model: dynamic host ports come from 32768..=60999; the lowest free one is assigned.
    #[test]
    fn dynamic_ports_skip_reserved_ports_inside_the_ephemeral_range() {
        let mut r =
            InstanceResources::new(4096, 4096, 0, 0).with_reserved_ports(&[32768, 32770], &[]);
        let mut req = web();
        req.dynamic_host_ports_tcp = 2;
        assert_eq!(r.reserve(&req).unwrap().dynamic_tcp, vec![32769, 32771]);
    }

    // A batch of the same task cannot bind one static port twice on an instance.
    #[test]
    fn a_second_task_with_the_same_static_port_does_not_fit_in_a_batch() {
        let r = InstanceResources::new(4096, 4096, 0, 0);
        let mut req = web();
        req.static_host_ports_udp = vec![53];
        assert!(r.shortfall_after(&req, 0).is_empty());
        assert_eq!(
            r.shortfall_after(&req, 1).first(),
            Some(ResourceKind::Ports)
        );
    }

    #[test]
    fn validate_rejects_duplicate_static_ports_with_a_hint() {
        let mut req = web();
        req.static_host_ports_tcp = vec![80, 443, 80];
        let e = req.validate().unwrap_err();
        assert_eq!(
            e.message,
            "tcp host port 80 is mapped twice in task group service:web"
        );
    }
}
