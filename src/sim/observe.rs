//! Observation: at the end of every event instant the observer reads the world into the recorder's gauges
//! and the summary trackers; at every period end it accrues cost.
//!
//! Reading at instant ends (not after every event) means a stop and a start at the same instant never show
//! as a dip: `min_healthy_tasks` is "the minimum, at every event instant" (SPEC §4).

use crate::engine::SimTime;
use crate::report::recorded::Scope;
use crate::report::recorder::SeriesId;
use crate::scenario::{LaunchType, Market, Scenario, SchedulingStrategy};
use crate::world::{InstanceStatus, TaskStatus, World};

use crate::kernel::Cx;

/// Cost accrued up to an instant, by SPEC §4 cost metric.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    /// `cost.ec2_on_demand_usd`.
    pub ec2_on_demand: f64,
    /// `cost.ec2_spot_usd`.
    pub ec2_spot: f64,
    /// `cost.fargate_usd`.
    pub fargate: f64,
    /// `cost.fargate_spot_usd`.
    pub fargate_spot: f64,
}

impl Cost {
    /// `cost.total_usd`.
    pub fn total(&self) -> f64 {
        self.ec2_on_demand + self.ec2_spot + self.fargate + self.fargate_spot
    }
}

/// EC2 and Fargate bill per second with a 60 s minimum (ECS-SEMANTICS §11.2; EC2 Linux per-second billing).
pub const MINIMUM_BILLED_SECONDS: u64 = 60;

/// Cost of something billed from `start` to `end` (or still running) at `price_per_hour`, accrued up to
/// `t`. The 60 s minimum is charged when the resource ends; one still running at `t` has paid for the time
/// it has run.
pub fn accrued_usd(start: SimTime, end: Option<SimTime>, t: SimTime, price_per_hour: f64) -> f64 {
    if t <= start {
        return 0.0;
    }
    let ms = match end {
        Some(e) if t >= e => (e - start).as_ms().max(MINIMUM_BILLED_SECONDS * 1000),
        _ => (t - start).as_ms(),
    };
    price_per_hour * ms as f64 / 3_600_000.0
}

/// Cost accounting that never rescans what has ended: the world's arenas only grow, so each period looks at
/// the instances and Fargate tasks created since the last one, keeps the live ones in lists, and folds
/// everything that ended into a closed total.
#[derive(Debug, Default)]
pub struct Billing {
    scanned_instances: usize,
    scanned_tasks: usize,
    live_instances: Vec<usize>,
    live_fargate: Vec<usize>,
    closed: Cost,
}

impl Billing {
    /// The cost of everything in the world up to `t` (an instant at or after every earlier call's).
    pub fn cost_at(&mut self, world: &World, cx: &Cx, t: SimTime) -> Cost {
        let scenario = cx.scenario;
        self.live_instances
            .extend(self.scanned_instances..world.instances.len());
        self.scanned_instances = world.instances.len();
        self.live_fargate.extend(
            (self.scanned_tasks..world.tasks.len())
                .filter(|&i| world.tasks[i].launch_type == LaunchType::Fargate),
        );
        self.scanned_tasks = world.tasks.len();

        let mut live = Cost::default();
        let closed = &mut self.closed;
        self.live_instances.retain(|&i| {
            let inst = &world.instances[i];
            let itype = &scenario.instance_types[inst.instance_type];
            let (bucket_live, bucket_closed, price) = match inst.market {
                Market::OnDemand => (
                    &mut live.ec2_on_demand,
                    &mut closed.ec2_on_demand,
                    itype.price_per_hour_usd,
                ),
                Market::Spot => {
                    let ratio = scenario.auto_scaling_groups[world.asgs[inst.asg.index()].spec]
                        .spot_price_ratio;
                    (
                        &mut live.ec2_spot,
                        &mut closed.ec2_spot,
                        itype.price_per_hour_usd * ratio,
                    )
                }
            };
            let usd = accrued_usd(inst.launched_at, inst.terminated_at, t, price);
            let ended = inst.terminated_at.is_some_and(|e| e <= t);
            if ended {
                *bucket_closed += usd
            } else {
                *bucket_live += usd
            }
            !ended
        });
        self.live_fargate.retain(|&i| {
            let task = &world.tasks[i];
            let ended = task.times.stopped.is_some_and(|e| e <= t);
            let Some(start) = task.times.pull_started else {
                return !ended;
            };
            let rt = &world.taskdefs[task.task_definition.index()];
            let spot = task.capacity_provider.as_deref() == Some("FARGATE_SPOT");
            let ratio = if spot {
                scenario.fargate.spot_price_ratio
            } else {
                1.0
            };
            let price =
                rt.fargate_price_per_hour_usd * ratio + rt.fargate_storage_price_per_hour_usd;
            let usd = accrued_usd(start, task.times.stopped, t, price);
            let (bucket_live, bucket_closed) = if spot {
                (&mut live.fargate_spot, &mut closed.fargate_spot)
            } else {
                (&mut live.fargate, &mut closed.fargate)
            };
            if ended {
                *bucket_closed += usd
            } else {
                *bucket_live += usd
            }
            !ended
        });
        Cost {
            ec2_on_demand: self.closed.ec2_on_demand + live.ec2_on_demand,
            ec2_spot: self.closed.ec2_spot + live.ec2_spot,
            fargate: self.closed.fargate + live.fargate,
            fargate_spot: self.closed.fargate_spot + live.fargate_spot,
        }
    }
}

struct ServiceSeries {
    desired: SeriesId,
    running: SeriesId,
    pending: SeriesId,
    healthy: SeriesId,
    cpu: (SeriesId, SeriesId),
    memory: (SeriesId, SeriesId),
}

/// Per-service summary trackers over [warmup, end].
#[derive(Clone, Copy, Debug)]
pub struct ServiceTrack {
    /// `min_healthy_tasks`.
    pub min_healthy: u32,
    /// `max_running_tasks`.
    pub max_running: u32,
    /// `max_tasks_per_instance`: most tasks of the service (desiredStatus RUNNING) on one container
    /// instance.
    pub max_tasks_per_instance: u32,
    /// `zone_imbalance_max`: largest (most − fewest) tasks of the service (desiredStatus RUNNING) per zone
    /// of the cluster, a zone without tasks counting 0.
    pub zone_imbalance_max: u32,
}

/// Reads the world into gauges and trackers.
pub struct Observer {
    warmup: SimTime,
    cpu: (SeriesId, SeriesId),
    cpu_used: SeriesId,
    memory: (SeriesId, SeriesId),
    memory_used: SeriesId,
    used_den: (SeriesId, SeriesId),
    cost: SeriesId,
    services: Vec<ServiceSeries>,
    asgs: Vec<(SeriesId, SeriesId)>,
    last_cost: Cost,
    billing: Billing,
    /// Per-service trackers.
    pub service_track: Vec<ServiceTrack>,
    /// ∫ live instances dt over [warmup, end], in instance-milliseconds.
    pub instance_ms: f64,
    /// Largest number of live instances at an instant in [warmup, end].
    pub instances_max: u32,
    /// ∫ registered instances holding a task that is not a DAEMON task dt over [warmup, end], in
    /// instance-milliseconds (`cluster.instances_in_use_avg`).
    pub in_use_ms: f64,
    last_instant: SimTime,
    last_live: u32,
    last_in_use: u32,
    /// Scratch: the instances of one service's tasks, sorted to count tasks per instance.
    scratch_instances: Vec<u32>,
    /// Scratch: one service's tasks per cluster zone.
    scratch_zones: Vec<u32>,
}

impl Observer {
    /// Declares every series of the run.
    pub fn new(scenario: &Scenario, world: &World, cx: &mut Cx) -> Observer {
        let cluster = scenario.cluster.name.clone();
        let rec = &mut cx.rec;
        let (_, cpu_num, cpu_den) = rec.ratio(Scope::Cluster, &cluster, "CPUReservation");
        let (_, mem_num, mem_den) = rec.ratio(Scope::Cluster, &cluster, "MemoryReservation");
        let (_, cpu_used, cpu_used_den) = rec.ratio(Scope::Cluster, &cluster, "CPUUtilization");
        let (_, mem_used, mem_used_den) = rec.ratio(Scope::Cluster, &cluster, "MemoryUtilization");
        let cost = rec.count(Scope::Cluster, &cluster, "cost_usd");
        let services = world
            .services
            .iter()
            .map(|s| {
                let (_, cn, cd) = rec.ratio(Scope::Service, &s.name, "CPUUtilization");
                let (_, mn, md) = rec.ratio(Scope::Service, &s.name, "MemoryUtilization");
                ServiceSeries {
                    desired: rec.gauge(Scope::Service, &s.name, "DesiredTaskCount"),
                    running: rec.gauge(Scope::Service, &s.name, "RunningTaskCount"),
                    pending: rec.gauge(Scope::Service, &s.name, "PendingTaskCount"),
                    healthy: rec.gauge(Scope::Service, &s.name, "HealthyTaskCount"),
                    cpu: (cn, cd),
                    memory: (mn, md),
                }
            })
            .collect();
        let asgs = world
            .asgs
            .iter()
            .map(|a| {
                (
                    rec.gauge(Scope::Asg, &a.name, "GroupInServiceInstances"),
                    rec.gauge(Scope::Asg, &a.name, "GroupDesiredCapacity"),
                )
            })
            .collect();
        Observer {
            warmup: SimTime::ZERO + scenario.simulation.warmup,
            cpu: (cpu_num, cpu_den),
            cpu_used,
            memory: (mem_num, mem_den),
            memory_used: mem_used,
            used_den: (cpu_used_den, mem_used_den),
            cost,
            services,
            asgs,
            last_cost: Cost::default(),
            billing: Billing::default(),
            service_track: vec![
                ServiceTrack {
                    min_healthy: u32::MAX,
                    max_running: 0,
                    max_tasks_per_instance: 0,
                    zone_imbalance_max: 0,
                };
                world.services.len()
            ],
            instance_ms: 0.0,
            instances_max: 0,
            in_use_ms: 0.0,
            last_instant: SimTime::ZERO,
            last_live: 0,
            last_in_use: 0,
            scratch_instances: Vec::new(),
            scratch_zones: vec![0; scenario.cluster.availability_zones.len()],
        }
    }

    /// Reads the world as it is at the end of instant `now`.
    pub fn observe(&mut self, now: SimTime, world: &World, cx: &mut Cx) {
        let (mut reg_cpu, mut reg_mem, mut res_cpu, mut res_mem) = (0u64, 0u64, 0u64, 0u64);
        let mut live = 0u32;
        for (i, inst) in world.instances.iter().enumerate() {
            if inst.status != InstanceStatus::Terminated {
                live += 1;
            }
            if let Some(r) = world.resources(crate::world::InstanceIdx(i as u32)) {
                reg_cpu += u64::from(r.registered_cpu_units());
                reg_mem += u64::from(r.registered_memory_mib());
                res_cpu += u64::from(r.registered_cpu_units() - r.remaining_cpu_units());
                res_mem += u64::from(r.registered_memory_mib() - r.remaining_memory_mib());
            }
        }
        // Tasks that hold resources are listed on their instance; only those can be RUNNING.
        let (mut used_cpu, mut used_mem) = (0u64, 0u64);
        let mut in_use = 0u32;
        for inst in world.instances.iter().filter(|i| i.status.is_registered()) {
            let mut holds_non_daemon = false;
            for t in inst.tasks.iter().map(|&t| world.task(t)) {
                if t.last_status == TaskStatus::Running {
                    used_cpu += u64::from(t.used_cpu_units);
                    used_mem += u64::from(t.used_memory_mib);
                }
                holds_non_daemon |= t.service.is_none_or(|s| {
                    cx.scenario.services[s.index()].scheduling_strategy
                        != SchedulingStrategy::Daemon
                });
            }
            in_use += u32::from(holds_non_daemon);
        }
        let rec = &mut cx.rec;
        rec.set(now, self.cpu.0, res_cpu as f64);
        rec.set(now, self.cpu.1, reg_cpu as f64);
        rec.set(now, self.memory.0, res_mem as f64);
        rec.set(now, self.memory.1, reg_mem as f64);
        rec.set(now, self.cpu_used, used_cpu as f64);
        rec.set(now, self.used_den.0, reg_cpu as f64);
        rec.set(now, self.memory_used, used_mem as f64);
        rec.set(now, self.used_den.1, reg_mem as f64);

        for (i, svc) in world.services.iter().enumerate() {
            let (mut running, mut pending, mut healthy, mut running_like) =
                (0u32, 0u32, 0u32, 0u32);
            let (mut cpu_used, mut cpu_res, mut mem_used, mut mem_res) = (0u64, 0u64, 0u64, 0u64);
            for &t in &svc.tasks {
                let task = world.task(t);
                match task.last_status {
                    TaskStatus::Running => running += 1,
                    TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => {
                        pending += 1
                    }
                    _ => {}
                }
                if task.is_running_like() {
                    running_like += 1;
                }
                if task.is_active()
                    && task.times.healthy.is_some()
                    && task.health != crate::world::HealthStatus::Unhealthy
                {
                    healthy += 1;
                }
                if task.last_status == TaskStatus::Running {
                    cpu_used += u64::from(task.used_cpu_units);
                    cpu_res += u64::from(task.cpu_units);
                    mem_used += u64::from(task.used_memory_mib);
                    mem_res += u64::from(task.memory_mib);
                }
            }
            let series = &self.services[i];
            rec.set(now, series.desired, f64::from(svc.desired_count));
            rec.set(now, series.running, f64::from(running));
            rec.set(now, series.pending, f64::from(pending));
            rec.set(now, series.healthy, f64::from(healthy));
            rec.set(now, series.cpu.0, cpu_used as f64);
            rec.set(now, series.cpu.1, cpu_res as f64);
            rec.set(now, series.memory.0, mem_used as f64);
            rec.set(now, series.memory.1, mem_res as f64);
            if now >= self.warmup {
                let (per_instance, imbalance) = self.placement_quality(world, cx.scenario, svc);
                let track = &mut self.service_track[i];
                track.min_healthy = track.min_healthy.min(healthy);
                track.max_running = track.max_running.max(running_like);
                track.max_tasks_per_instance = track.max_tasks_per_instance.max(per_instance);
                track.zone_imbalance_max = track.zone_imbalance_max.max(imbalance);
            }
        }
        for (a, asg) in world.asgs.iter().enumerate() {
            let in_service = asg
                .instances
                .iter()
                .filter(|&&i| world.instance(i).status.is_registered())
                .count();
            rec.set(now, self.asgs[a].0, in_service as f64);
            rec.set(now, self.asgs[a].1, f64::from(asg.desired_capacity));
        }

        // Time-weighted live and in-use instances over [warmup, now].
        let from = self.last_instant.max(self.warmup);
        if now > from {
            let ms = (now - from).as_ms() as f64;
            self.instance_ms += f64::from(self.last_live) * ms;
            self.in_use_ms += f64::from(self.last_in_use) * ms;
        }
        if now >= self.warmup {
            self.instances_max = self.instances_max.max(live);
        }
        self.last_instant = now;
        self.last_live = live;
        self.last_in_use = in_use;
    }

    /// The most tasks of `svc` (desiredStatus RUNNING) on one container instance, and the (most − fewest) of
    /// them per zone of the cluster (SPEC §4 placement quality).
    fn placement_quality(
        &mut self,
        world: &World,
        scenario: &Scenario,
        svc: &crate::world::ServiceState,
    ) -> (u32, u32) {
        self.scratch_instances.clear();
        self.scratch_zones.iter_mut().for_each(|z| *z = 0);
        let zones = &scenario.cluster.availability_zones;
        for task in svc.tasks.iter().map(|&t| world.task(t)) {
            if !task.is_active() {
                continue;
            }
            if let Some(i) = task.instance {
                self.scratch_instances.push(i.0);
            }
            if let Some(z) = zones.iter().position(|z| *z == task.availability_zone) {
                self.scratch_zones[z] += 1;
            }
        }
        self.scratch_instances.sort_unstable();
        let per_instance = self
            .scratch_instances
            .chunk_by(|a, b| a == b)
            .map(|run| run.len() as u32)
            .max()
            .unwrap_or(0);
        let most = self.scratch_zones.iter().copied().max().unwrap_or(0);
        let fewest = self.scratch_zones.iter().copied().min().unwrap_or(0);
        (per_instance, most - fewest)
    }

    /// The cost accrued up to the last closed period (at the end of the run: the whole run's cost).
    pub fn cost(&self) -> Cost {
        self.last_cost
    }

    /// Closes the metric period ending at `end`, accruing its cost.
    pub fn close_period(&mut self, end: SimTime, world: &World, cx: &mut Cx) {
        let cost = self.billing.cost_at(world, cx, end);
        cx.rec.add(self.cost, cost.total() - self.last_cost.total());
        self.last_cost = cost;
        cx.rec.close_period(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ECS-SEMANTICS §11.2: per-second billing with a 60 s minimum, charged when the resource ends.
    #[test]
    fn billing_is_per_second_with_a_60_second_minimum() {
        let start = SimTime::from_secs(100);
        // 30 s of life is billed as 60 s once it ended: 3.6 $/h → 0.06 $.
        let short = accrued_usd(
            start,
            Some(SimTime::from_secs(130)),
            SimTime::from_secs(200),
            3.6,
        );
        assert!((short - 0.06).abs() < 1e-12);
        // While running, only the time so far is accrued.
        let running = accrued_usd(start, None, SimTime::from_secs(130), 3.6);
        assert!((running - 0.03).abs() < 1e-12);
        // An hour at 0.096 $/h (m5.large).
        let hour = accrued_usd(
            SimTime::ZERO,
            Some(SimTime::from_secs(3600)),
            SimTime::from_secs(3600),
            0.096,
        );
        assert!((hour - 0.096).abs() < 1e-12);
    }
}
