//! Observation: at the end of every event instant the observer reads what changed in the world — the
//! services, cluster counters and groups the world marked dirty — into the metric store's gauges and the
//! summary trackers; at every metric period end the store publishes its datapoints and cost accrues.
//!
//! Reading at instant ends (not after every event) means a stop and a start at the same instant never show
//! as a dip: `min_healthy_tasks` is "the minimum, at every event instant" (SPEC §4). Reading only what
//! changed makes an instant cost what happened in it, not the size of the cluster; the world keeps the
//! counters ([`crate::world::counters`]). For the equivalence test, [`Observation::Recount`] reads every
//! value from a count from scratch instead, and debug builds compare the two at every instant.

use crate::engine::SimTime;
use crate::report::recorded::Scope;
use crate::scenario::{LaunchType, Market, Scenario};
use crate::world::counters::{ClusterCounters, ServiceCounters};
use crate::world::{AsgIdx, InstanceIdx, ServiceIdx, World};

use crate::cloudwatch::{MetricId, MetricStore, keys};
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
    desired: MetricId,
    running: MetricId,
    pending: MetricId,
    healthy: MetricId,
    cpu: (MetricId, MetricId),
    memory: (MetricId, MetricId),
}

struct ClusterSeries {
    cpu_reserved: (MetricId, MetricId),
    memory_reserved: (MetricId, MetricId),
    cpu_used: (MetricId, MetricId),
    memory_used: (MetricId, MetricId),
    cost: MetricId,
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

/// Where the observer takes its values from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Observation {
    /// The counters the world keeps, for what changed in the instant (the normal way).
    #[default]
    Incremental,
    /// A count from scratch of everything at every instant (the slow way the incremental one must equal).
    Recount,
}

/// Reads the world into the metric store and the summary trackers.
pub struct Observer {
    how: Observation,
    warmup: SimTime,
    cluster: ClusterSeries,
    services: Vec<ServiceSeries>,
    asgs: Vec<(MetricId, MetricId)>,
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
    /// The next observation is the first inside the summary window: track every service, not only the
    /// changed ones.
    entering_window: bool,
}

impl Observer {
    /// Declares every series of the run in `store`.
    pub fn new(
        scenario: &Scenario,
        world: &World,
        store: &mut MetricStore,
        how: Observation,
    ) -> Observer {
        let cluster = scenario.cluster.name.as_str();
        let mut ratio = |name| {
            let (_, n, d) = store.ratio(keys::cluster(name), Scope::Cluster, cluster);
            (n, d)
        };
        let cpu_reserved = ratio("CPUReservation");
        let memory_reserved = ratio("MemoryReservation");
        let cpu_used = ratio("CPUUtilization");
        let memory_used = ratio("MemoryUtilization");
        let cost = store.count(keys::COST, Scope::Cluster, cluster);
        let services = world
            .services
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                let s = ServiceIdx(i as u32);
                let name = svc.name.as_str();
                let (_, cn, cd) =
                    store.ratio(keys::service("CPUUtilization", s), Scope::Service, name);
                let (_, mn, md) =
                    store.ratio(keys::service("MemoryUtilization", s), Scope::Service, name);
                let mut gauge =
                    |metric| store.gauge(keys::service(metric, s), Scope::Service, name);
                ServiceSeries {
                    desired: gauge("DesiredTaskCount"),
                    running: gauge("RunningTaskCount"),
                    pending: gauge("PendingTaskCount"),
                    healthy: gauge("HealthyTaskCount"),
                    cpu: (cn, cd),
                    memory: (mn, md),
                }
            })
            .collect();
        let asgs = world
            .asgs
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let g = AsgIdx(i as u32);
                (
                    store.gauge(keys::asg("GroupInServiceInstances", g), Scope::Asg, &a.name),
                    store.gauge(keys::asg("GroupDesiredCapacity", g), Scope::Asg, &a.name),
                )
            })
            .collect();
        let warmup = SimTime::ZERO + scenario.simulation.warmup;
        Observer {
            how,
            warmup,
            cluster: ClusterSeries {
                cpu_reserved,
                memory_reserved,
                cpu_used,
                memory_used,
                cost,
            },
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
            entering_window: true,
        }
    }

    /// Reads the world as it is at the end of instant `now`: what changed in it (or, with
    /// [`Observation::Recount`], everything, counted from scratch).
    pub fn observe(&mut self, now: SimTime, world: &mut World, store: &mut MetricStore) {
        world.check_counters();
        let in_window = now >= self.warmup;
        let everything = self.how == Observation::Recount || (in_window && self.entering_window);
        let recount = (self.how == Observation::Recount).then(|| world.recount());
        let services = if everything {
            world.services.len()
        } else {
            world.dirty.services.len()
        };
        for k in 0..services {
            let s = if everything {
                ServiceIdx(k as u32)
            } else {
                world.dirty.services[k]
            };
            let c: &ServiceCounters = match &recount {
                Some(r) => &r.services[s.index()],
                None => &world.services[s.index()].counters,
            };
            let series = &self.services[s.index()];
            store.set(
                now,
                series.desired,
                f64::from(world.services[s.index()].desired_count),
            );
            store.set(now, series.running, f64::from(c.running));
            store.set(now, series.pending, f64::from(c.pending));
            store.set(now, series.healthy, f64::from(c.healthy));
            store.set(now, series.cpu.0, c.used_cpu_units as f64);
            store.set(now, series.cpu.1, c.running_cpu_units as f64);
            store.set(now, series.memory.0, c.used_memory_mib as f64);
            store.set(now, series.memory.1, c.running_memory_mib as f64);
            if in_window {
                let track = &mut self.service_track[s.index()];
                track.min_healthy = track.min_healthy.min(c.healthy);
                track.max_running = track.max_running.max(c.running_like);
                let most = c.per_zone.iter().copied().max().unwrap_or(0);
                let fewest = c.per_zone.iter().copied().min().unwrap_or(0);
                track.zone_imbalance_max = track.zone_imbalance_max.max(most - fewest);
            }
        }
        if in_window {
            if everything {
                for (i, inst) in world.instances.iter().enumerate() {
                    let slot = World::slot(InstanceIdx(i as u32));
                    for &t in &inst.tasks {
                        if let Some(s) = world.task(t).service {
                            self.track_tasks_on(world, s, slot);
                        }
                    }
                }
            } else {
                for k in 0..world.dirty.grown.len() {
                    let (s, inst) = world.dirty.grown[k];
                    self.track_tasks_on(world, s, World::slot(inst));
                }
            }
        }
        let cluster: &ClusterCounters = match &recount {
            Some(r) => &r.cluster,
            None => &world.cluster,
        };
        if everything || world.dirty.cluster {
            let c = &self.cluster;
            store.set(now, c.cpu_reserved.0, cluster.reserved_cpu_units as f64);
            store.set(now, c.cpu_reserved.1, cluster.registered_cpu_units as f64);
            store.set(now, c.memory_reserved.0, cluster.reserved_memory_mib as f64);
            store.set(
                now,
                c.memory_reserved.1,
                cluster.registered_memory_mib as f64,
            );
            store.set(now, c.cpu_used.0, cluster.used_cpu_units as f64);
            store.set(now, c.cpu_used.1, cluster.registered_cpu_units as f64);
            store.set(now, c.memory_used.0, cluster.used_memory_mib as f64);
            store.set(now, c.memory_used.1, cluster.registered_memory_mib as f64);
        }
        let asgs = if everything {
            world.asgs.len()
        } else {
            world.dirty.asgs.len()
        };
        for k in 0..asgs {
            let a = if everything {
                AsgIdx(k as u32)
            } else {
                world.dirty.asgs[k]
            };
            let in_service = match &recount {
                Some(r) => r.asgs[a.index()].in_service,
                None => world.asgs[a.index()].counters.in_service,
            };
            let (in_service_id, desired_id) = self.asgs[a.index()];
            store.set(now, in_service_id, f64::from(in_service));
            store.set(
                now,
                desired_id,
                f64::from(world.asgs[a.index()].desired_capacity),
            );
        }

        // Time-weighted live and in-use instances over [warmup, now].
        let (live, in_use) = (cluster.live_instances, cluster.instances_in_use);
        let from = self.last_instant.max(self.warmup);
        if now > from {
            let ms = (now - from).as_ms() as f64;
            self.instance_ms += f64::from(self.last_live) * ms;
            self.in_use_ms += f64::from(self.last_in_use) * ms;
        }
        if in_window {
            self.instances_max = self.instances_max.max(live);
            self.entering_window = false;
        }
        self.last_instant = now;
        self.last_live = live;
        self.last_in_use = in_use;
        world.dirty.clear();
    }

    /// Folds the tasks of service `s` on the instance in `slot` (desiredStatus RUNNING) into its
    /// `max_tasks_per_instance`.
    fn track_tasks_on(
        &mut self,
        world: &World,
        s: ServiceIdx,
        slot: crate::placement::InstanceIdx,
    ) {
        let n = world
            .placement
            .group_task_count(slot, &world.services[s.index()].group);
        let track = &mut self.service_track[s.index()];
        track.max_tasks_per_instance = track.max_tasks_per_instance.max(n);
    }

    /// The cost accrued up to the last closed period (at the end of the run: the whole run's cost).
    pub fn cost(&self) -> Cost {
        self.last_cost
    }

    /// Closes the metric period ending at `end`: accrues its cost and publishes the datapoints.
    pub fn close_period(&mut self, end: SimTime, world: &World, cx: &Cx, store: &mut MetricStore) {
        let cost = self.billing.cost_at(world, cx, end);
        store.add(self.cluster.cost, cost.total() - self.last_cost.total());
        self.last_cost = cost;
        store.close_period(end);
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
