//! The validated scenario: plain data, defaults applied, names resolved to indices.
//!
//! This is the second of the two input layers (STYLE.md §1). Everything after validation — the simulation,
//! `explain`, the reports — reads these types and never sees spans, raw strings of references or unparsed
//! durations. AWS units are kept where AWS has them (CPU units, MiB, seconds as `SimDuration`), enum values
//! keep their AWS meaning, and every default is the AWS default named in ECS-SEMANTICS.md.

use std::collections::BTreeMap;

use crate::catalog::InstanceType;
use crate::engine::{SimDuration, SimTime};

/// A whole scenario, validated.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// `name` (required): also the default results folder name.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `[simulation]`.
    pub simulation: Simulation,
    /// `[cluster]`.
    pub cluster: Cluster,
    /// Every instance type the scenario may use: the built-in catalog followed by `[[instance_types]]`.
    pub instance_types: Vec<InstanceType>,
    /// `[[auto_scaling_groups]]`, in file order.
    pub auto_scaling_groups: Vec<AutoScalingGroup>,
    /// `[[capacity_providers]]` (accepted; simulated by a later milestone).
    pub capacity_providers: Vec<CapacityProvider>,
    /// `[fargate]`.
    pub fargate: FargateSettings,
    /// `[[task_definitions]]`: each entry a new revision of its family, in file order.
    pub task_definitions: Vec<TaskDefinition>,
    /// `[images."NAME:TAG"]`, by image name. Images not listed behave as [`Image::default`].
    pub images: BTreeMap<String, Image>,
    /// `[[target_groups]]` (accepted; simulated by a later milestone).
    pub target_groups: Vec<TargetGroup>,
    /// `[[services]]`, in file order.
    pub services: Vec<Service>,
    /// `[[scalable_targets]]`, `[[scaling_policies]]`, `[[alarms]]`, `[[scheduled_actions]]` (accepted only).
    pub scaling: Scaling,
    /// `[[workloads]]`, in file order (read in full; the traffic they offer is not simulated yet).
    pub workloads: Vec<Workload>,
    /// `[[scheduled_tasks]]`: EventBridge schedules that call RunTask.
    pub scheduled_tasks: Vec<ScheduledTask>,
    /// `[[events]]`, in file order.
    pub events: Vec<ScenarioEvent>,
    /// `[[checks]]`.
    pub checks: Vec<Check>,
    /// `[[variants]]` (used by `compare`).
    pub variants: Vec<Variant>,
}

impl Scenario {
    /// The image behaviour for `image`, or the defaults of SPEC §3.6 if the scenario does not describe it.
    pub fn image(&self, image: &str) -> Image {
        self.images.get(image).cloned().unwrap_or_default()
    }
}

/// `[simulation]` (SPEC §3.1).
#[derive(Clone, Debug)]
pub struct Simulation {
    /// How much simulated time to run.
    pub duration: SimDuration,
    /// The run's seed (default 1); `--seed` overrides it.
    pub seed: u64,
    /// The AWS region (default `us-east-1`): selects the AZ names.
    pub region: String,
    /// Granularity of `timeseries.csv` (default 60 s, a multiple of 60 s).
    pub metric_period: SimDuration,
    /// The UTC instant of t = 0, milliseconds since the Unix epoch (default 2024-01-01T00:00:00Z).
    pub start_time_unix_ms: i64,
    /// Whether the run starts from a steady cluster (default true).
    pub warm_start: bool,
    /// Summary metrics other than `cost.*` cover [warmup, duration] (default 0 s).
    pub warmup: SimDuration,
}

/// `[cluster]` (SPEC §3.2).
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The cluster name (default `default`, as on AWS).
    pub name: String,
    /// The cluster's zones (default: the first three of the region).
    pub availability_zones: Vec<String>,
    /// `default_capacity_provider_strategy`.
    pub default_capacity_provider_strategy: Vec<CapacityProviderStrategyItem>,
}

/// A duration that is either fixed or drawn uniformly (`"90s"` or `{ min = "60s", max = "120s" }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationDist {
    /// Always this long.
    Fixed(SimDuration),
    /// Uniform between `min` and `max`, inclusive, at millisecond resolution.
    Uniform {
        /// Shortest.
        min: SimDuration,
        /// Longest.
        max: SimDuration,
    },
}

/// EC2 purchasing option of an Auto Scaling group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Market {
    /// `on-demand`.
    OnDemand,
    /// `spot`.
    Spot,
}

impl Market {
    /// The scenario-file and CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Market::OnDemand => "on-demand",
            Market::Spot => "spot",
        }
    }
}

/// `spot_interruptions` of an ASG or of `[fargate]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpotInterruptions {
    /// A Spot Instance Advisor band; `monthly_probability` is the band midpoint (ECS-SEMANTICS §10, DECIDED).
    Frequency {
        /// 0.025, 0.075, 0.125, 0.175 or 0.25.
        monthly_probability: f64,
    },
    /// Interruptions per instance-hour (or task-hour on Fargate Spot).
    RatePerHour(f64),
}

/// `[[auto_scaling_groups]]` (SPEC §3.3).
#[derive(Clone, Debug)]
pub struct AutoScalingGroup {
    /// The group name.
    pub name: String,
    /// Indices into [`Scenario::instance_types`]; launches use the first (AWS `prioritized`).
    pub instance_types: Vec<usize>,
    /// `on-demand` or `spot`.
    pub market: Market,
    /// `min_size`.
    pub min_size: u32,
    /// `max_size`.
    pub max_size: u32,
    /// `desired_capacity` (default `min_size`).
    pub desired_capacity: u32,
    /// The group's zones (default: the cluster's).
    pub availability_zones: Vec<String>,
    /// Launch → container instance registered ACTIVE (default 90 s).
    pub launch_time: DurationDist,
    /// Custom container-instance attributes, for `memberOf`.
    pub attributes: BTreeMap<String, String>,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING` (default false).
    pub ecs_enable_spot_instance_draining: bool,
    /// Spot interruption process (spot groups only).
    pub spot_interruptions: Option<SpotInterruptions>,
    /// Spot price ÷ on-demand price (default 0.35).
    pub spot_price_ratio: f64,
    /// AWS termination policy names (default `["Default"]`).
    pub termination_policies: Vec<String>,
}

/// One item of a capacity provider strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityProviderStrategyItem {
    /// The provider's name (`FARGATE`, `FARGATE_SPOT` or a declared provider).
    pub capacity_provider: String,
    /// `base` (default 0).
    pub base: u32,
    /// `weight` (default 0).
    pub weight: u32,
}

/// `[[capacity_providers]]` (SPEC §3.4); accepted now, simulated by a later milestone.
#[derive(Clone, Debug)]
pub struct CapacityProvider {
    /// Provider name.
    pub name: String,
    /// Index into [`Scenario::auto_scaling_groups`].
    pub auto_scaling_group: usize,
    /// `managed_scaling.status == ENABLED`.
    pub managed_scaling_enabled: bool,
    /// `managed_scaling.target_capacity` (default 100).
    pub target_capacity: u32,
    /// `managed_scaling.minimum_scaling_step_size` (default 1).
    pub minimum_scaling_step_size: u32,
    /// `managed_scaling.maximum_scaling_step_size` (default 10,000).
    pub maximum_scaling_step_size: u32,
    /// `managed_scaling.instance_warmup_period` (default 300 s).
    pub instance_warmup_period: SimDuration,
    /// `managed_termination_protection == ENABLED`.
    pub managed_termination_protection: bool,
    /// `managed_draining == ENABLED` (default true).
    pub managed_draining: bool,
}

/// `[fargate]` (SPEC §3.4).
#[derive(Clone, Debug)]
pub struct FargateSettings {
    /// PROVISIONING time (default uniform 5–15 s).
    pub startup_time: DurationDist,
    /// Fargate Spot interruption process.
    pub spot_interruptions: Option<SpotInterruptions>,
    /// Fargate Spot price ÷ Fargate price (default 0.30).
    pub spot_price_ratio: f64,
    /// Account vCPU quota, `None` for unlimited (default).
    pub vcpu_quota: Option<u32>,
}

/// A task definition's network mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// `bridge` (the EC2 default on Linux).
    Bridge,
    /// `host`.
    Host,
    /// `awsvpc` (required on Fargate): one ENI per task.
    Awsvpc,
    /// `none`.
    None,
}

/// A launch type or compatibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LaunchType {
    /// `EC2`.
    Ec2,
    /// `FARGATE`.
    Fargate,
}

impl LaunchType {
    /// AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
        }
    }
}

/// Container port mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortMapping {
    /// `containerPort`.
    pub container_port: u16,
    /// `hostPort`; `None` (or 0 in the file) means a dynamic host port in bridge mode, and equals the
    /// container port in `host` and `awsvpc` modes.
    pub host_port: Option<u16>,
    /// `tcp` or `udp`.
    pub protocol: Protocol,
}

/// Port protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// `tcp` (default).
    Tcp,
    /// `udp`.
    Udp,
}

/// A container health check (AWS `HealthCheck`).
#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    /// `command`, as written (not executed: the image's behaviour decides the result).
    pub command: Vec<String>,
    /// `interval` (default 30 s, 5–300).
    pub interval: SimDuration,
    /// `timeout` (default 5 s, 2–60).
    pub timeout: SimDuration,
    /// `retries` (default 3, 1–10).
    pub retries: u32,
    /// `startPeriod` (default 0, 0–300 s).
    pub start_period: SimDuration,
}

/// A container definition.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerDefinition {
    /// `name`.
    pub name: String,
    /// `image`, e.g. `nginx:1.25`.
    pub image: String,
    /// `cpu` units (default 0).
    pub cpu: u32,
    /// `memory`: the hard limit in MiB.
    pub memory: Option<u32>,
    /// `memoryReservation`: the soft limit in MiB.
    pub memory_reservation: Option<u32>,
    /// `essential` (default true).
    pub essential: bool,
    /// `portMappings`.
    pub port_mappings: Vec<PortMapping>,
    /// `healthCheck`.
    pub health_check: Option<HealthCheck>,
    /// `stopTimeout` (default 30 s).
    pub stop_timeout: Option<SimDuration>,
}

pub use crate::placement::{BinpackField, PlacementConstraint, PlacementStrategy, SpreadField};

/// `runtimePlatform`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimePlatform {
    /// `cpuArchitecture` as written (`X86_64` | `ARM64`); `None` when omitted. A given architecture confines
    /// EC2 tasks to instances of that architecture; an omitted one confines nothing.
    pub cpu_architecture: Option<crate::catalog::CpuArchitecture>,
    /// `operatingSystemFamily` (default `LINUX`).
    pub operating_system_family: String,
}

impl RuntimePlatform {
    /// The architecture the task runs as: the one written, else X86_64 (AWS's default; it sets the Fargate
    /// price).
    pub fn architecture(&self) -> crate::catalog::CpuArchitecture {
        self.cpu_architecture
            .unwrap_or(crate::catalog::CpuArchitecture::X86_64)
    }
}

impl Default for RuntimePlatform {
    fn default() -> Self {
        RuntimePlatform {
            cpu_architecture: None,
            operating_system_family: "LINUX".into(),
        }
    }
}

/// A task definition revision (SPEC §3.5).
#[derive(Clone, Debug)]
pub struct TaskDefinition {
    /// `family`.
    pub family: String,
    /// 1, 2, … in file order within the family.
    pub revision: u32,
    /// Task-level `cpu` units.
    pub cpu: Option<u32>,
    /// Task-level `memory` MiB.
    pub memory: Option<u32>,
    /// `networkMode` (default `bridge` for EC2, `awsvpc` when FARGATE is required).
    pub network_mode: NetworkMode,
    /// `requiresCompatibilities`.
    pub requires_compatibilities: Vec<LaunchType>,
    /// `containerDefinitions` (1–10).
    pub container_definitions: Vec<ContainerDefinition>,
    /// `placementConstraints` (memberOf only: distinctInstance is not allowed in a task definition).
    pub placement_constraints: Vec<PlacementConstraint>,
    /// `runtimePlatform`.
    pub runtime_platform: RuntimePlatform,
    /// `ephemeralStorage.sizeInGiB`: 21–200 when given; `None` is Fargate's included 20 GiB.
    pub ephemeral_storage_gib: Option<u32>,
}

impl TaskDefinition {
    /// `family:revision`.
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    /// CPU units the task reserves on an instance: the task-level `cpu`, else the sum of container `cpu`
    /// (ECS-SEMANTICS §1.1).
    pub fn reserved_cpu_units(&self) -> u32 {
        self.cpu
            .unwrap_or_else(|| self.container_definitions.iter().map(|c| c.cpu).sum())
    }

    /// MiB the task reserves on an instance: the task-level `memory`, else the sum over containers of
    /// `memoryReservation` when set, otherwise `memory` (ECS-SEMANTICS §1.1).
    pub fn reserved_memory_mib(&self) -> u32 {
        self.memory.unwrap_or_else(|| {
            self.container_definitions
                .iter()
                .map(|c| c.memory_reservation.or(c.memory).unwrap_or(0))
                .sum()
        })
    }
}

/// How the software in an image behaves (SPEC §3.6, simulator only).
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// Container start → app answers health checks (default 10 s).
    pub startup_time: DurationDist,
    /// Pull time on an instance without the image (default 15 s; 0 once cached).
    pub pull_time: SimDuration,
    /// vCPU time per request (default 10 ms).
    pub cpu_per_request: SimDuration,
    /// CPU units used at rest (default 10).
    pub idle_cpu: u32,
    /// MiB used; `None` = 50 % of the container's reservation (default).
    pub memory_mib: Option<u32>,
    /// Crashes per hour of running (default 0).
    pub crash_rate_per_hour: f64,
    /// A broken release: fails ELB and container health checks (default false).
    pub fails_health_checks: bool,
    /// A batch job's run time; `None` runs until stopped.
    pub exits_after: Option<DurationDist>,
    /// How long the app takes to exit after SIGTERM (simulator field, default 0 s); the container is killed
    /// at `stopTimeout` if it takes longer, so STOPPING lasts min(shutdown_time, stopTimeout).
    pub shutdown_time: SimDuration,
}

impl Default for Image {
    fn default() -> Image {
        Image {
            startup_time: DurationDist::Fixed(SimDuration::from_secs(10)),
            pull_time: SimDuration::from_secs(15),
            cpu_per_request: SimDuration::from_ms(10),
            idle_cpu: 10,
            memory_mib: None,
            crash_rate_per_hour: 0.0,
            fails_health_checks: false,
            exits_after: None,
            shutdown_time: SimDuration::ZERO,
        }
    }
}

/// `[[target_groups]]` (SPEC §3.7); accepted now, simulated by a later milestone.
#[derive(Clone, Debug)]
pub struct TargetGroup {
    /// Name.
    pub name: String,
    /// `health_check_interval_seconds` (default 30).
    pub health_check_interval_seconds: u32,
    /// `health_check_timeout_seconds` (default 5).
    pub health_check_timeout_seconds: u32,
    /// `healthy_threshold_count` (default 5).
    pub healthy_threshold_count: u32,
    /// `unhealthy_threshold_count` (default 2).
    pub unhealthy_threshold_count: u32,
    /// `deregistration_delay_seconds` (default 300).
    pub deregistration_delay_seconds: u32,
    /// `slow_start_seconds` (default 0 = off).
    pub slow_start_seconds: u32,
    /// `load_balancing_algorithm_type` (`round_robin` default, or `least_outstanding_requests`).
    pub load_balancing_algorithm_type: String,
    /// `minimum_healthy_targets_count` (default 1).
    pub minimum_healthy_targets_count: u32,
    /// `minimum_healthy_targets_percentage` (`None` = off).
    pub minimum_healthy_targets_percentage: Option<u32>,
}

/// How a service or RunTask chooses capacity.
#[derive(Clone, Debug, PartialEq)]
pub enum LaunchTarget {
    /// `launch_type`.
    LaunchType(LaunchType),
    /// `capacity_provider_strategy` (or the cluster default).
    CapacityProviderStrategy(Vec<CapacityProviderStrategyItem>),
}

/// `scheduling_strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedulingStrategy {
    /// `REPLICA` (default).
    Replica,
    /// `DAEMON`.
    Daemon,
}

/// `deployment_circuit_breaker`.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentCircuitBreaker {
    /// `enable`.
    pub enable: bool,
    /// `rollback`.
    pub rollback: bool,
    /// `reset_on_healthy_task` (default true).
    pub reset_on_healthy_task: bool,
    /// `threshold_configuration.type` (`COUNT` | `BOUNDED_PERCENT` default | `UNBOUNDED_PERCENT`).
    pub threshold_type: ThresholdType,
    /// `threshold_configuration.value` (default 50).
    pub threshold_value: u32,
}

/// `threshold_configuration.type` (ECS-SEMANTICS §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdType {
    /// The threshold is `value`.
    Count,
    /// `value` % of the latest desired count, rounded up and clamped to 3..200 (the default).
    BoundedPercent,
    /// `value` % of the latest desired count, rounded up, unclamped.
    UnboundedPercent,
}

impl ThresholdType {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdType::Count => "COUNT",
            ThresholdType::BoundedPercent => "BOUNDED_PERCENT",
            ThresholdType::UnboundedPercent => "UNBOUNDED_PERCENT",
        }
    }
}

/// `deployment_configuration`.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentConfiguration {
    /// `minimum_healthy_percent` (REPLICA 100, DAEMON 0).
    pub minimum_healthy_percent: u32,
    /// `maximum_percent` (REPLICA 200, DAEMON 100).
    pub maximum_percent: u32,
    /// `deployment_circuit_breaker` (omitted = disabled).
    pub deployment_circuit_breaker: Option<DeploymentCircuitBreaker>,
    /// `alarms.alarm_names` when `alarms.enable`.
    pub alarm_names: Vec<String>,
    /// `alarms.rollback`.
    pub alarms_rollback: bool,
}

/// `load_balancers` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancer {
    /// Index into [`Scenario::target_groups`].
    pub target_group: usize,
    /// `container_name`.
    pub container_name: String,
    /// `container_port`.
    pub container_port: u16,
}

/// Placement fields shared by services, RunTask and scheduled tasks.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// `placement_strategy` (at most 5), already expanded from `placement_template` when one was named.
    pub strategy: Vec<PlacementStrategy>,
    /// `placement_constraints` (at most 10 together with the task definition's).
    pub constraints: Vec<PlacementConstraint>,
    /// The console template the strategies came from, for `explain`.
    pub template: Option<String>,
    /// Whether the user gave any strategy (if not, the service or RunTask default applies).
    pub strategy_given: bool,
}

/// `[[services]]` (SPEC §3.8).
#[derive(Clone, Debug)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// Index into [`Scenario::task_definitions`].
    pub task_definition: usize,
    /// `desired_count` (0 for DAEMON).
    pub desired_count: u32,
    /// `scheduling_strategy`.
    pub scheduling_strategy: SchedulingStrategy,
    /// `launch_type` or capacity provider strategy (default: the cluster default strategy if any, else EC2).
    pub launch: LaunchTarget,
    /// Placement fields.
    pub placement: Placement,
    /// `deployment_configuration`.
    pub deployment_configuration: DeploymentConfiguration,
    /// `health_check_grace_period_seconds` (default 0).
    pub health_check_grace_period: SimDuration,
    /// `availability_zone_rebalancing` ENABLED.
    pub availability_zone_rebalancing: bool,
    /// `load_balancers`.
    pub load_balancers: Vec<LoadBalancer>,
    /// How often unplaced tasks are retried (simulator field, default 60 s).
    pub placement_retry_interval: SimDuration,
}

/// Scaling sections (SPEC §3.9), accepted and validated; simulated by a later milestone.
#[derive(Clone, Debug, Default)]
pub struct Scaling {
    /// Number of `[[scalable_targets]]`.
    pub scalable_targets: usize,
    /// Number of `[[scaling_policies]]`.
    pub scaling_policies: usize,
    /// Number of `[[alarms]]`.
    pub alarms: usize,
    /// Number of `[[scheduled_actions]]`.
    pub scheduled_actions: usize,
}

/// `[[workloads]]` (SPEC §3.10): traffic offered to a target group or a service. Read and validated in full;
/// what the rate is at each instant is [`crate::workload::pattern`]'s business.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Name (unique among workloads; it names the noise stream `workload/<name>/noise`).
    pub name: String,
    /// Where the requests go.
    pub target: WorkloadTarget,
    /// The offered request rate over time, before noise.
    pub pattern: Pattern,
    /// Relative standard deviation of the rate (`noise`, default 0 = none); finite and ≥ 0.
    pub noise: f64,
}

/// The one target of a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadTarget {
    /// `target_group`: requests spread by the ALB. Index into [`Scenario::target_groups`].
    TargetGroup(usize),
    /// `service`: requests to the service directly. Index into [`Scenario::services`].
    Service(usize),
}

/// A workload's `pattern`: the offered request rate (requests per second, finite and ≥ 0) over time.
///
/// Instants are simulated time since t = 0, so a pattern is independent of `start_time` except for
/// [`Pattern::Diurnal`], which follows the UTC time of day.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `{ type = "constant", rps }`.
    Constant {
        /// The rate, always.
        rps: f64,
    },
    /// `{ type = "diurnal", min_rps, max_rps, peak_at }`: a daily cosine, highest at `peak_at`, lowest 12 h
    /// later.
    Diurnal {
        /// The lowest rate; ≤ `max_rps`.
        min_rps: f64,
        /// The highest rate.
        max_rps: f64,
        /// The UTC time of day of the peak, milliseconds since 00:00 (below 24 h).
        peak_at: SimDuration,
    },
    /// `{ type = "steps", steps = [{ at, rps }] }`: 0 rps before the first step, then each step's rate from
    /// its `at` on.
    Steps {
        /// (at, rps), at least one, `at` strictly increasing.
        steps: Vec<(SimTime, f64)>,
    },
    /// `{ type = "spike", base_rps, peak_rps, at, duration }`: `peak_rps` during [at, at + duration),
    /// `base_rps` otherwise.
    Spike {
        /// The rate outside the spike.
        base_rps: f64,
        /// The rate during the spike.
        peak_rps: f64,
        /// When the spike starts.
        at: SimTime,
        /// How long it lasts.
        duration: SimDuration,
    },
    /// `{ type = "trace", file }`: the rows of the CSV (`time_s,rps`), linear between rows, the first row's
    /// rate before it and the last row's after it.
    Trace {
        /// (time, rps), at least one, time strictly increasing (`time_s` rounded to the millisecond).
        points: Vec<(SimTime, f64)>,
    },
}

/// When a schedule fires (AWS `at(...)`, `rate(...)`, `cron(...)`).
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// `at(yyyy-mm-ddThh:mm:ss)`: once, at this simulated instant (`None` if before t=0 or after the end).
    At(Option<SimTime>),
    /// `rate(N unit)`: first at t = 0 + period, then every period.
    Rate(SimDuration),
    /// `cron(Min Hr DoM Mon DoW Yr)` in UTC.
    Cron(super::schedule::Cron),
}

/// `[[scheduled_tasks]]`: EventBridge + RunTask.
#[derive(Clone, Debug)]
pub struct ScheduledTask {
    /// Name (default `scheduled-<index>`).
    pub name: String,
    /// When it fires.
    pub schedule: Schedule,
    /// The RunTask call it makes.
    pub run_task: RunTask,
}

/// A RunTask call (events and scheduled tasks).
#[derive(Clone, Debug)]
pub struct RunTask {
    /// Index into [`Scenario::task_definitions`].
    pub task_definition: usize,
    /// `count` (1–10).
    pub count: u32,
    /// Launch type or strategy (default: cluster default strategy if any, else EC2).
    pub launch: LaunchTarget,
    /// Placement fields (default strategy for RunTask: random).
    pub placement: Placement,
    /// Task group (default `family:<family>`).
    pub group: String,
}

/// `[[events]]` entry.
#[derive(Clone, Debug)]
pub struct ScenarioEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub action: EventAction,
}

/// The one action of an `[[events]]` entry (SPEC §3.11).
#[derive(Clone, Debug)]
pub enum EventAction {
    /// `update_service`.
    UpdateService {
        /// Index into [`Scenario::services`].
        service: usize,
        /// New task definition revision, if given.
        task_definition: Option<usize>,
        /// New desired count, if given.
        desired_count: Option<u32>,
        /// `force_new_deployment`.
        force_new_deployment: bool,
    },
    /// `run_task`.
    RunTask(RunTask),
    /// `drain_instances`.
    DrainInstances {
        /// How many instances.
        count: u32,
        /// Index into [`Scenario::auto_scaling_groups`]; `None` = any group.
        auto_scaling_group: Option<usize>,
    },
    /// `terminate_instances`.
    TerminateInstances {
        /// How many instances.
        count: u32,
        /// Index into [`Scenario::auto_scaling_groups`]; `None` = any group.
        auto_scaling_group: Option<usize>,
    },
    /// `az_outage` (accepted; simulated by a later milestone).
    AzOutage {
        /// The zone.
        availability_zone: String,
        /// How long.
        duration: SimDuration,
    },
    /// `spot_interruption` (accepted; simulated by a later milestone).
    SpotInterruption {
        /// How many instances.
        count: u32,
        /// Index into [`Scenario::auto_scaling_groups`].
        auto_scaling_group: usize,
    },
    /// `fargate_capacity_shortage` (accepted; simulated by a later milestone).
    FargateCapacityShortage {
        /// How long.
        duration: SimDuration,
    },
}

/// `[[checks]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// A summary metric name (SPEC §4).
    pub metric: String,
    /// Lower bound, inclusive.
    pub min: Option<f64>,
    /// Upper bound, inclusive.
    pub max: Option<f64>,
    /// Where the check is written (`file:line:column`), for messages.
    pub location: String,
}

/// `[[variants]]`.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Name.
    pub name: String,
    /// The overrides, in file order, as `path=value` with the value in TOML syntax.
    pub set: Vec<(String, String)>,
}
