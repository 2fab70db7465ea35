//! `[[task_definitions]]` (SPEC §3.5): inline definitions (snake_case) and `file = "…"` imports of native AWS
//! JSON ([`super::aws_json`], camelCase). Both go through `read_definition`, so the rules are the same.
//!
//! Each entry is a new revision of its family, in file order (`web:1`, `web:2`, …). Rules (ECS-SEMANTICS
//! §1.2, §2.2, §2.3, §11.1, §13): 1–10 containers, unique names, at least one essential; FARGATE requires
//! `awsvpc` and task-level `cpu` and `memory` forming a valid Fargate size; without task-level memory every
//! container needs `memory` or `memory_reservation`; `memory_reservation ≤ memory`; container memory ≥ 6 MiB
//! (Docker's minimum); containers fit the task-level cpu and memory; health check interval 5–300 s, timeout
//! 2–60 s, retries 1–10, start period 0–300 s, command starting with `CMD` or `CMD-SHELL`; `stop_timeout` 2–120
//! s when FARGATE is required; ports 0–65535, `host_port` equal to `container_port` in `awsvpc` and `host`
//! modes, no host port used twice; placement constraints are `memberOf` only. Windows and EXTERNAL or
//! MANAGED_INSTANCES compatibilities are valid on AWS but not simulated, so they are errors.
//!
//! Task-level `cpu` accepts an integer or the AWS strings: `"1024"`, `"1 vCPU"`, `"0.5 vCPU"`, `"1vcpu"`
//! (× 1024, must give whole units). Task-level `memory` accepts an integer (MiB) or `"2048"`, `"2 GB"`,
//! `"0.5GB"` (AWS's GB means GiB: × 1024) and `"512 MiB"`.

use super::aws_json;
use super::model::{
    ContainerDefinition, HealthCheck, LaunchType, NetworkMode, PortMapping, Protocol,
    RuntimePlatform, TaskDefinition,
};
use super::placement;
use super::reader::{self, Cx, Table};
use super::tree::{Kind, Node};
use crate::catalog::{self as fargate, CpuArchitecture};
use crate::engine::SimDuration;

/// Containers per task definition (ECS-SEMANTICS §13).
pub const MAX_CONTAINERS: usize = 10;
/// Smallest task-level CPU on EC2 (BC-ECS TaskDefinition.cpu: 128 units).
pub const TASK_CPU_MIN: u32 = 128;
/// Largest task-level CPU on EC2 (BC-ECS TaskDefinition.cpu: 196,608 units = 192 vCPU).
pub const TASK_CPU_MAX: u32 = 196_608;
/// Docker's minimum container memory (BC-ECS ContainerDefinition.memory: 6 MiB).
pub const CONTAINER_MEMORY_MIN_MIB: u32 = 6;
/// `HealthCheck.interval` range and default, seconds (ECS-SEMANTICS §2.2).
pub const HEALTH_CHECK_INTERVAL: (u32, u32, u32) = (5, 300, 30);
/// `HealthCheck.timeout` range and default, seconds.
pub const HEALTH_CHECK_TIMEOUT: (u32, u32, u32) = (2, 60, 5);
/// `HealthCheck.retries` range and default.
pub const HEALTH_CHECK_RETRIES: (u32, u32, u32) = (1, 10, 3);
/// `HealthCheck.startPeriod` range and default, seconds.
pub const HEALTH_CHECK_START_PERIOD: (u32, u32, u32) = (0, 300, 0);
/// `stopTimeout` range on Fargate, seconds (ECS-SEMANTICS §2.2).
pub const STOP_TIMEOUT_FARGATE: (u32, u32) = (2, 120);

/// RegisterTaskDefinition members the simulator does not model (snake_case; AWS JSON uses their camelCase).
/// The read-only members of describe output are skipped silently ([`aws_json::DESCRIBE_ONLY_FIELDS`]).
pub const IGNORED_TASK_FIELDS: &[&str] = &[
    "task_role_arn",
    "execution_role_arn",
    "volumes",
    "tags",
    "pid_mode",
    "ipc_mode",
    "proxy_configuration",
    "inference_accelerators",
    "enable_fault_injection",
    "trusted_execution_configuration",
];

/// ContainerDefinition members the simulator does not model (snake_case).
pub const IGNORED_CONTAINER_FIELDS: &[&str] = &[
    "repository_credentials",
    "links",
    "restart_policy",
    "entry_point",
    "command",
    "environment",
    "environment_files",
    "mount_points",
    "volumes_from",
    "linux_parameters",
    "secrets",
    "depends_on",
    "start_timeout",
    "version_consistency",
    "hostname",
    "user",
    "working_directory",
    "disable_networking",
    "privileged",
    "readonly_root_filesystem",
    "dns_servers",
    "dns_search_domains",
    "extra_hosts",
    "docker_security_options",
    "interactive",
    "pseudo_terminal",
    "docker_labels",
    "ulimits",
    "log_configuration",
    "system_controls",
    "resource_requirements",
    "firelens_configuration",
    "credential_specs",
];

/// PortMapping members the simulator does not model.
const IGNORED_PORT_FIELDS: &[&str] = &["name", "app_protocol", "container_port_range"];

/// Reads every entry and numbers the revisions.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>) -> Vec<TaskDefinition> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out: Vec<TaskDefinition> = Vec::new();
    for item in items {
        let td = if let Some(file) = item.get("file") {
            for (k, _) in item.entries().unwrap_or(&[]) {
                if k.name != "file" {
                    cx.error(
                        k,
                        format!("`{}` cannot be combined with `file`", k.name),
                        Some("define the task definition either inline or in the JSON file, not both".into()),
                    );
                }
            }
            aws_json::import(cx, file)
        } else {
            Table::new(cx, item, "[[task_definitions]] entry").map(|mut t| {
                let td = read_definition(cx, &mut t);
                t.skip(aws_json::DESCRIBE_ONLY_FIELDS);
                t.finish(cx, IGNORED_TASK_FIELDS);
                td
            })
        };
        if let Some(mut td) = td {
            td.revision = 1 + out.iter().filter(|o| o.family == td.family).count() as u32;
            out.push(td);
        }
    }
    out
}

/// Resolves `family` (latest revision) or `family:rev` (ARNs accepted).
pub(super) fn resolve(cx: &mut Cx, node: &Node, tds: &[TaskDefinition]) -> Option<usize> {
    let raw = reader::string(cx, node)?;
    let name = reader::strip_arn(raw);
    let (family, revision) = match name.rsplit_once(':') {
        Some((f, r)) => match r.parse::<u32>() {
            Ok(r) => (f, Some(r)),
            Err(_) => (name, None),
        },
        None => (name, None),
    };
    let found = match revision {
        Some(r) => tds
            .iter()
            .position(|t| t.family == family && t.revision == r),
        None => tds.iter().rposition(|t| t.family == family),
    };
    if found.is_none() {
        let mut known: Vec<String> = Vec::new();
        for t in tds {
            if !known.contains(&t.family) {
                known.push(t.family.clone());
            }
            known.push(t.family_revision());
        }
        let hint = if tds.iter().any(|t| t.family == family) {
            let last = tds.iter().filter(|t| t.family == family).count();
            Some(format!("family `{family}` has revisions 1 to {last}"))
        } else if known.is_empty() {
            Some(
                "the scenario defines no task definitions; add a [[task_definitions]] entry".into(),
            )
        } else {
            super::did_you_mean::hint(name, known.iter().map(String::as_str), "defined")
        };
        cx.error(node, format!("unknown task definition `{name}`"), hint);
    }
    found
}

/// Reads one task definition from `t` (snake_case inline, or camelCase AWS JSON); revision is set by the
/// caller. The caller finishes `t`.
pub(super) fn read_definition(cx: &mut Cx, t: &mut Table) -> TaskDefinition {
    let family = t
        .required(cx, "family")
        .and_then(|n| family(cx, n))
        .unwrap_or_default();
    t.set_what(format!("task definition `{family}`"));
    let mut compat: Vec<LaunchType> = Vec::new();
    if let Some(n) = t.get("requires_compatibilities")
        && let Some(items) = reader::array(cx, n)
    {
        for item in items {
            match reader::enumeration(
                cx,
                item,
                &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"],
            ) {
                Some("EC2") => compat.push(LaunchType::Ec2),
                Some("FARGATE") => compat.push(LaunchType::Fargate),
                Some(v) => cx.error(
                    item,
                    format!("compatibility {v} is not simulated"),
                    Some("use EC2 or FARGATE".into()),
                ),
                None => {}
            }
        }
    }
    compat.sort();
    compat.dedup();
    let fargate = compat.contains(&LaunchType::Fargate);
    let network_node = t.get("network_mode");
    let network_mode = match network_node
        .and_then(|n| reader::enumeration(cx, n, &["bridge", "host", "awsvpc", "none"]))
    {
        Some("host") => NetworkMode::Host,
        Some("awsvpc") => NetworkMode::Awsvpc,
        Some("none") => NetworkMode::None,
        Some(_) => NetworkMode::Bridge,
        None if fargate => NetworkMode::Awsvpc,
        None => NetworkMode::Bridge,
    };
    if let (true, Some(n)) = (fargate && network_mode != NetworkMode::Awsvpc, network_node) {
        cx.error(
            n,
            "FARGATE requires network_mode awsvpc",
            Some("write network_mode = \"awsvpc\" (or leave it out)".into()),
        );
    }
    let cpu_node = t.get("cpu");
    let cpu = cpu_node.and_then(|n| task_cpu(cx, n));
    let memory_node = t.get("memory");
    let memory = memory_node.and_then(|n| task_memory(cx, n));
    if let (Some(c), Some(n), false) = (cpu, cpu_node, fargate)
        && !(TASK_CPU_MIN..=TASK_CPU_MAX).contains(&c)
    {
        cx.error(
            n,
            format!("task cpu {c} is out of range"),
            Some(format!(
                "write from {TASK_CPU_MIN} to {TASK_CPU_MAX} CPU units (1024 = 1 vCPU)"
            )),
        );
    }
    if fargate {
        fargate_size(cx, t.node, (cpu, cpu_node), (memory, memory_node));
    }
    let containers_node = t.required(cx, "container_definitions");
    let container_definitions = containers_node
        .map(|n| containers(cx, n, t.is_camel(), network_mode, fargate, cpu, memory))
        .unwrap_or_default();
    let placement_constraints = t
        .get("placement_constraints")
        .map(|n| placement::constraints(cx, n, false, t.is_camel()))
        .unwrap_or_default();
    let runtime_platform = t
        .get("runtime_platform")
        .map(|n| runtime_platform(cx, n, t.is_camel()))
        .unwrap_or_default();
    let ephemeral_storage_gib = t
        .get("ephemeral_storage")
        .and_then(|n| ephemeral_storage(cx, n, t.is_camel()));
    TaskDefinition {
        family,
        revision: 0,
        cpu,
        memory,
        network_mode,
        requires_compatibilities: compat,
        container_definitions,
        placement_constraints,
        runtime_platform,
        ephemeral_storage_gib,
    }
}

fn family(cx: &mut Cx, n: &Node) -> Option<String> {
    let f = reader::string(cx, n)?;
    if super::cluster::is_resource_name(f) {
        Some(f.to_string())
    } else {
        cx.error(
            n,
            format!("`{f}` is not a valid family name"),
            Some("use 1–255 letters, digits, hyphens and underscores".into()),
        );
        None
    }
}

/// Task-level `cpu`: an integer or `"1024"`, `"1 vCPU"`, `"0.5 vCPU"`.
pub fn parse_task_cpu(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(v) = t.parse::<u32>() {
        return Some(v);
    }
    let lower = t.to_ascii_lowercase();
    let num = lower.strip_suffix("vcpu")?.trim_end();
    scaled(num, 1024)
}

/// Task-level `memory`: an integer or `"2048"`, `"2 GB"`, `"0.5GB"`, `"512 MiB"`.
pub fn parse_task_memory(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(v) = t.parse::<u32>() {
        return Some(v);
    }
    if let Some(num) = t.strip_suffix("MiB") {
        return num.trim_end().parse().ok();
    }
    let lower = t.to_ascii_lowercase();
    let num = lower.strip_suffix("gb")?.trim_end();
    scaled(num, 1024)
}

/// `num × factor` for a decimal `num`, when the result is whole.
fn scaled(num: &str, factor: u64) -> Option<u32> {
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || frac.len() > 6
    {
        return None;
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_val: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let denom = 10u64.pow(frac.len() as u32);
    let scaled_frac = frac_val * factor;
    if !scaled_frac.is_multiple_of(denom) {
        return None;
    }
    u32::try_from(int.checked_mul(factor)? + scaled_frac / denom).ok()
}

fn task_cpu(cx: &mut Cx, n: &Node) -> Option<u32> {
    let hint = "write CPU units as an integer (1024 = 1 vCPU) or an AWS string such as \"1024\" or \"0.5 vCPU\"";
    match &n.kind {
        Kind::Integer(_) => reader::u32_in(cx, n, 0, u32::MAX),
        Kind::String(s) => parse_task_cpu(s).or_else(|| {
            cx.error(n, format!("`{s}` is not a CPU amount"), Some(hint.into()));
            None
        }),
        _ => {
            cx.error(
                n,
                format!("expected CPU units, found {}", n.type_name()),
                Some(hint.into()),
            );
            None
        }
    }
}

fn task_memory(cx: &mut Cx, n: &Node) -> Option<u32> {
    let hint = "write MiB as an integer or an AWS string such as \"2048\", \"2 GB\" or \"512 MiB\"";
    match &n.kind {
        Kind::Integer(_) => reader::u32_in(cx, n, 1, u32::MAX),
        Kind::String(s) => parse_task_memory(s).filter(|&m| m > 0).or_else(|| {
            cx.error(
                n,
                format!("`{s}` is not a memory amount"),
                Some(hint.into()),
            );
            None
        }),
        _ => {
            cx.error(
                n,
                format!("expected memory in MiB, found {}", n.type_name()),
                Some(hint.into()),
            );
            None
        }
    }
}

/// FARGATE needs task-level cpu and memory forming a valid size (ECS-SEMANTICS §11.1).
fn fargate_size(
    cx: &mut Cx,
    table: &Node,
    (cpu, cpu_node): (Option<u32>, Option<&Node>),
    (memory, memory_node): (Option<u32>, Option<&Node>),
) {
    if cpu_node.is_none() || memory_node.is_none() {
        let missing = match (cpu_node, memory_node) {
            (None, None) => "cpu and memory",
            (None, _) => "cpu",
            _ => "memory",
        };
        cx.error(
            table,
            format!("FARGATE requires task-level {missing}"),
            Some("add e.g. cpu = \"256\" and memory = \"512\" (a valid Fargate size)".into()),
        );
        return;
    }
    let (Some(c), Some(m), Some(cn), Some(mn)) = (cpu, memory, cpu_node, memory_node) else {
        return;
    };
    let valid = fargate::valid_memory_for(c);
    if valid.is_empty() {
        cx.error(
            cn,
            format!("{c} CPU units is not a Fargate size"),
            Some("write 256, 512, 1024, 2048, 4096, 8192 or 16384".into()),
        );
    } else if !fargate::is_valid_size(c, m) {
        let list: Vec<String> = valid.iter().map(u32::to_string).collect();
        cx.error(
            mn,
            format!("{m} MiB is not a valid Fargate memory size for {c} CPU units"),
            Some(format!(
                "with cpu {c}, memory must be one of {}",
                list.join(", ")
            )),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn containers(
    cx: &mut Cx,
    node: &Node,
    camel: bool,
    network_mode: NetworkMode,
    fargate: bool,
    task_cpu: Option<u32>,
    task_memory: Option<u32>,
) -> Vec<ContainerDefinition> {
    let Some(items) = reader::array(cx, node) else {
        return Vec::new();
    };
    if items.is_empty() || items.len() > MAX_CONTAINERS {
        cx.error(
            node,
            format!(
                "a task definition has 1 to {MAX_CONTAINERS} containers, found {}",
                items.len()
            ),
            Some("define between 1 and 10 container_definitions".into()),
        );
    }
    let mut out: Vec<ContainerDefinition> = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    let mut host_ports: Vec<(u16, Protocol, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "container definition") else {
            continue;
        };
        if camel {
            t = t.camel_case();
        }
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = t.get("name") {
            names.push((name.clone(), n));
        }
        t.set_what(format!("container `{name}`"));
        let image = t.req_str(cx, "image").unwrap_or_default();
        let cpu = t.u32(cx, "cpu", 0, TASK_CPU_MAX).unwrap_or(0);
        let mem_node = t.get("memory");
        let memory =
            mem_node.and_then(|n| reader::u32_in(cx, n, CONTAINER_MEMORY_MIN_MIB, u32::MAX));
        let res_node = t.get("memory_reservation");
        let memory_reservation =
            res_node.and_then(|n| reader::u32_in(cx, n, CONTAINER_MEMORY_MIN_MIB, u32::MAX));
        if let (Some(m), Some(r), Some(rn)) = (memory, memory_reservation, res_node)
            && r > m
        {
            cx.error(
                rn,
                format!("memory_reservation {r} is above memory {m}"),
                Some("the soft limit must be ≤ the hard limit".into()),
            );
        }
        if task_memory.is_none() && mem_node.is_none() && res_node.is_none() {
            t.absent_fields(
                cx,
                &["memory", "memory_reservation"],
                format!("container `{name}` needs `memory` or `memory_reservation`"),
                "set one of them, or set task-level memory",
            );
        }
        if let (Some(tm), Some(m), Some(mn)) = (task_memory, memory, mem_node)
            && m > tm
        {
            cx.error(
                mn,
                format!("container memory {m} MiB is above the task's {tm} MiB"),
                Some(format!("write at most {tm}")),
            );
        }
        let essential = t.bool(cx, "essential").unwrap_or(true);
        let mut port_mappings = Vec::new();
        if let Some(items) = t.array(cx, "port_mappings") {
            for pm in items {
                if let Some(p) = port_mapping(cx, pm, camel, network_mode) {
                    let host = match network_mode {
                        NetworkMode::Bridge | NetworkMode::None => p.host_port,
                        _ => Some(p.container_port),
                    };
                    if let Some(h) = host {
                        if let Some((_, _, first)) = host_ports
                            .iter()
                            .find(|(hp, pr, _)| *hp == h && *pr == p.protocol)
                        {
                            let at = cx.sources.location(first.source, first.span.start);
                            cx.error(
                                pm,
                                format!("host port {h} is used twice in this task (first at {at})"),
                                Some("use a different port".into()),
                            );
                        } else {
                            host_ports.push((h, p.protocol, pm));
                        }
                    }
                    port_mappings.push(p);
                }
            }
        }
        let health_check = t
            .get("health_check")
            .and_then(|n| health_check(cx, n, camel));
        let stop_timeout = t.get("stop_timeout").and_then(|n| {
            let (lo, hi) = if fargate {
                STOP_TIMEOUT_FARGATE
            } else {
                (0, u32::MAX)
            };
            reader::u32_in(cx, n, lo, hi).map(|s| SimDuration::from_secs(u64::from(s)))
        });
        t.finish(cx, IGNORED_CONTAINER_FIELDS);
        out.push(ContainerDefinition {
            name,
            image,
            cpu,
            memory,
            memory_reservation,
            essential,
            port_mappings,
            health_check,
            stop_timeout,
        });
    }
    reader::check_duplicates(cx, &names, "container name");
    if !out.is_empty() && !out.iter().any(|c| c.essential) {
        cx.error(
            node,
            "no container is essential",
            Some("a task needs at least one container with essential = true (the default)".into()),
        );
    }
    if let Some(tc) = task_cpu {
        let sum: u32 = out.iter().map(|c| c.cpu).sum();
        if sum > tc {
            cx.error(
                node,
                format!("containers reserve {sum} CPU units, more than the task's {tc}"),
                Some("lower the container cpu values or raise the task cpu".into()),
            );
        }
    }
    if let Some(tm) = task_memory {
        let sum: u32 = out
            .iter()
            .map(|c| c.memory_reservation.or(c.memory).unwrap_or(0))
            .sum();
        if sum > tm {
            cx.error(
                node,
                format!("containers reserve {sum} MiB, more than the task's {tm} MiB"),
                Some("lower the container memory values or raise the task memory".into()),
            );
        }
    }
    out
}

fn port_mapping(cx: &mut Cx, n: &Node, camel: bool, mode: NetworkMode) -> Option<PortMapping> {
    let mut t = Table::new(cx, n, "port mapping")?;
    if camel {
        t = t.camel_case();
    }
    let container_port = t
        .required(cx, "container_port")
        .and_then(|n| reader::u32_in(cx, n, 0, 65_535));
    let host_node = t.get("host_port");
    let host_port = host_node.and_then(|n| reader::u32_in(cx, n, 0, 65_535));
    let protocol = match t.enumeration(cx, "protocol", &["tcp", "udp"]) {
        Some("udp") => Protocol::Udp,
        _ => Protocol::Tcp,
    };
    t.finish(cx, IGNORED_PORT_FIELDS);
    let container_port = container_port? as u16;
    let host_port = host_port.filter(|&h| h != 0).map(|h| h as u16);
    if let (Some(h), Some(hn), NetworkMode::Awsvpc | NetworkMode::Host) =
        (host_port, host_node, mode)
        && h != container_port
    {
        let mode_name = if mode == NetworkMode::Awsvpc {
            "awsvpc"
        } else {
            "host"
        };
        cx.error(
            hn,
            format!("in {mode_name} mode host_port must equal container_port ({container_port})"),
            Some(format!(
                "write host_port = {container_port}, or leave it out"
            )),
        );
    }
    Some(PortMapping {
        container_port,
        host_port,
        protocol,
    })
}

fn health_check(cx: &mut Cx, n: &Node, camel: bool) -> Option<HealthCheck> {
    let mut t = Table::new(cx, n, "health_check")?;
    if camel {
        t = t.camel_case();
    }
    let command_node = t.required(cx, "command");
    let command = command_node.and_then(|c| reader::string_list(cx, c));
    if let (Some(cmd), Some(cn)) = (&command, command_node)
        && (cmd.is_empty() || !matches!(cmd[0].as_str(), "CMD" | "CMD-SHELL"))
    {
        cx.error(
            cn,
            "a health check command starts with \"CMD\" or \"CMD-SHELL\"",
            Some("write e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]".into()),
        );
    }
    let secs = |v: u32| SimDuration::from_secs(u64::from(v));
    let (lo, hi, def) = HEALTH_CHECK_INTERVAL;
    let interval = t.u32(cx, "interval", lo, hi).unwrap_or(def);
    let (lo, hi, def) = HEALTH_CHECK_TIMEOUT;
    let timeout = t.u32(cx, "timeout", lo, hi).unwrap_or(def);
    let (lo, hi, def) = HEALTH_CHECK_RETRIES;
    let retries = t.u32(cx, "retries", lo, hi).unwrap_or(def);
    let (lo, hi, def) = HEALTH_CHECK_START_PERIOD;
    let start_period = t.u32(cx, "start_period", lo, hi).unwrap_or(def);
    t.finish(cx, &[]);
    Some(HealthCheck {
        command: command.unwrap_or_default(),
        interval: secs(interval),
        timeout: secs(timeout),
        retries,
        start_period: secs(start_period),
    })
}

/// `ephemeralStorage` range, GiB (ECS-SEMANTICS §11.1, BC-ECS EphemeralStorage.sizeInGiB).
pub const EPHEMERAL_STORAGE_GIB: (u32, u32) = (21, 200);

/// `ephemeral_storage = { size_in_gib }` (AWS JSON: `ephemeralStorage.sizeInGiB`, whose camelCase is not the
/// regular one).
fn ephemeral_storage(cx: &mut Cx, n: &Node, camel: bool) -> Option<u32> {
    let mut t = Table::new(cx, n, "ephemeral_storage")?;
    let field = if camel { "sizeInGiB" } else { "size_in_gib" };
    let (lo, hi) = EPHEMERAL_STORAGE_GIB;
    let size = t.req_u32(cx, field, lo, hi);
    t.finish(cx, &[]);
    size
}

fn runtime_platform(cx: &mut Cx, n: &Node, camel: bool) -> RuntimePlatform {
    let mut rp = RuntimePlatform::default();
    let Some(mut t) = Table::new(cx, n, "runtime_platform") else {
        return rp;
    };
    if camel {
        t = t.camel_case();
    }
    rp.cpu_architecture = match t.enumeration(cx, "cpu_architecture", &["X86_64", "ARM64"]) {
        Some("ARM64") => Some(CpuArchitecture::Arm64),
        Some(_) => Some(CpuArchitecture::X86_64),
        None => None,
    };
    const FAMILIES: &[&str] = &[
        "LINUX",
        "WINDOWS_SERVER_2019_FULL",
        "WINDOWS_SERVER_2019_CORE",
        "WINDOWS_SERVER_2016_FULL",
        "WINDOWS_SERVER_2004_CORE",
        "WINDOWS_SERVER_2022_CORE",
        "WINDOWS_SERVER_2022_FULL",
        "WINDOWS_SERVER_2025_CORE",
        "WINDOWS_SERVER_2025_FULL",
        "WINDOWS_SERVER_20H2_CORE",
    ];
    if let Some(n) = t.get("operating_system_family") {
        match reader::enumeration(cx, n, FAMILIES) {
            Some("LINUX") | None => {}
            Some(f) => cx.error(
                n,
                format!("{f} is valid on AWS but not simulated"),
                Some("use LINUX".into()),
            ),
        }
    }
    t.finish(cx, &[]);
    rp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_cpu_accepts_units_and_vcpu_strings() {
        assert_eq!(parse_task_cpu("1024"), Some(1024));
        assert_eq!(parse_task_cpu("1 vCPU"), Some(1024));
        assert_eq!(parse_task_cpu("0.25 vCPU"), Some(256));
        assert_eq!(parse_task_cpu("2vcpu"), Some(2048));
        assert_eq!(parse_task_cpu("0.1 vCPU"), None, "102.4 units is not whole");
        assert_eq!(parse_task_cpu("1 core"), None);
    }

    #[test]
    fn task_memory_accepts_mib_and_gb_strings_where_gb_means_gib() {
        assert_eq!(parse_task_memory("2048"), Some(2048));
        assert_eq!(parse_task_memory("2 GB"), Some(2048));
        assert_eq!(parse_task_memory("0.5GB"), Some(512));
        assert_eq!(parse_task_memory("512 MiB"), Some(512));
        assert_eq!(parse_task_memory("2 TB"), None);
        assert_eq!(parse_task_memory("GB"), None);
    }
}
