//! What the simulation needs from a task definition revision, derived once when the run is built: placement
//! requirements, images, essential containers, stop duration, usage at rest and the Fargate price.

use crate::engine::SimDuration;
use crate::placement::TaskRequirements;
use crate::scenario::{
    HealthCheck, Image, LaunchType, NetworkMode, Protocol, Scenario, TaskDefinition,
};

/// `ECS_CONTAINER_STOP_TIMEOUT` / Fargate `stopTimeout` default: 30 s (ECS-SEMANTICS §2.2, BC-ECS
/// ContainerDefinition.stopTimeout; AGENT README).
pub const DEFAULT_STOP_TIMEOUT: SimDuration = SimDuration::from_secs(30);

/// One essential container's behaviour.
#[derive(Clone, Debug)]
pub struct EssentialContainer {
    /// Its image name.
    pub image: String,
    /// How its software behaves.
    pub behaviour: Image,
    /// Its container health check.
    pub health_check: Option<HealthCheck>,
}

/// A task definition as the simulation uses it.
#[derive(Clone, Debug)]
pub struct TaskDefRuntime {
    /// `family:revision`.
    pub name: String,
    /// Family (the default standalone task group is `family:<family>`).
    pub family: String,
    /// CPU units reserved on an instance.
    pub cpu_units: u32,
    /// A task-level `cpu` is set: a hard cap on what the task uses (container-level `cpu` alone is a soft
    /// share that may use the instance's unreserved CPU, ECS-SEMANTICS §6.3).
    pub task_level_cpu: bool,
    /// MiB reserved on an instance.
    pub memory_mib: u32,
    /// What placement needs (the group is set per placement call).
    pub requirements: TaskRequirements,
    /// Distinct images to pull, in container order.
    pub images: Vec<String>,
    /// Essential containers, in container order.
    pub essential: Vec<EssentialContainer>,
    /// How long STOPPING lasts: the slowest container's min(shutdown time, stopTimeout).
    pub stop_duration: SimDuration,
    /// CPU units the software uses at rest.
    pub used_cpu_units: u32,
    /// MiB the software uses.
    pub used_memory_mib: u32,
    /// Whether the task may run on Fargate.
    pub fargate_compatible: bool,
    /// Fargate price per hour of the task's vCPU and memory (task-level size, us-east-1); Fargate Spot
    /// discounts it.
    pub fargate_price_per_hour_usd: f64,
    /// Fargate price per hour of the ephemeral storage above the included 20 GiB (not discounted on Spot).
    pub fargate_storage_price_per_hour_usd: f64,
}

impl TaskDefRuntime {
    /// Derives the runtime view of `td`.
    pub fn new(scenario: &Scenario, td: &TaskDefinition) -> TaskDefRuntime {
        let mut images: Vec<String> = Vec::new();
        let mut static_host_ports = Vec::new();
        let mut dynamic = (0, 0);
        let mut essential = Vec::new();
        let mut stop_duration = SimDuration::ZERO;
        let (mut used_cpu, mut used_mem) = (0u32, 0u32);
        for c in &td.container_definitions {
            if !images.contains(&c.image) {
                images.push(c.image.clone());
            }
            for pm in &c.port_mappings {
                let host_port = match td.network_mode {
                    NetworkMode::Bridge => pm.host_port.filter(|p| *p != 0),
                    NetworkMode::Host | NetworkMode::Awsvpc => {
                        Some(pm.host_port.unwrap_or(pm.container_port))
                    }
                    NetworkMode::None => None,
                };
                match (td.network_mode, host_port) {
                    // awsvpc tasks get their own ENI: their ports never collide on the instance.
                    (NetworkMode::Awsvpc, _) | (NetworkMode::None, _) => {}
                    (_, Some(p)) => static_host_ports.push((pm.protocol, p)),
                    (_, None) => match pm.protocol {
                        Protocol::Tcp => dynamic.0 += 1,
                        Protocol::Udp => dynamic.1 += 1,
                    },
                }
            }
            let behaviour = scenario.image(&c.image);
            let stop_timeout = c.stop_timeout.unwrap_or(DEFAULT_STOP_TIMEOUT);
            stop_duration = stop_duration.max(behaviour.shutdown_time.min(stop_timeout));
            used_cpu += behaviour.idle_cpu;
            let reservation = c.memory_reservation.or(c.memory).unwrap_or(0);
            used_mem += behaviour.memory_mib.unwrap_or(reservation / 2);
            if c.essential {
                essential.push(EssentialContainer {
                    image: c.image.clone(),
                    behaviour,
                    health_check: c.health_check.clone(),
                });
            }
        }
        if td
            .container_definitions
            .iter()
            .all(|c| c.memory.is_none() && c.memory_reservation.is_none())
        {
            used_mem = td.memory.unwrap_or(0) / 2;
        }
        let cpu_units = td.reserved_cpu_units();
        let memory_mib = td.reserved_memory_mib();
        TaskDefRuntime {
            name: td.family_revision(),
            family: td.family.clone(),
            cpu_units,
            task_level_cpu: td.cpu.is_some(),
            memory_mib,
            requirements: TaskRequirements {
                group: format!("family:{}", td.family),
                cpu_units,
                memory_mib,
                gpus: 0,
                static_host_ports_tcp: ports(&static_host_ports, Protocol::Tcp),
                static_host_ports_udp: ports(&static_host_ports, Protocol::Udp),
                dynamic_host_ports_tcp: dynamic.0,
                dynamic_host_ports_udp: dynamic.1,
                needs_eni: td.network_mode == NetworkMode::Awsvpc,
            },
            images,
            essential,
            stop_duration,
            used_cpu_units: used_cpu,
            used_memory_mib: used_mem,
            fargate_compatible: td.requires_compatibilities.contains(&LaunchType::Fargate),
            fargate_price_per_hour_usd: crate::catalog::price_per_hour_usd(
                td.cpu.unwrap_or(cpu_units),
                td.memory.unwrap_or(memory_mib),
                td.runtime_platform.architecture(),
            ),
            fargate_storage_price_per_hour_usd: td
                .ephemeral_storage_gib
                .map_or(0.0, crate::catalog::ephemeral_storage_price_per_hour_usd),
        }
    }
}

fn ports(all: &[(Protocol, u16)], protocol: Protocol) -> Vec<u16> {
    let mut v: Vec<u16> = all
        .iter()
        .filter(|(p, _)| *p == protocol)
        .map(|(_, port)| *port)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
