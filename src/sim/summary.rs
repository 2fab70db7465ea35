//! The summary metrics of SPEC §4, computed once at the end of a run.

use crate::engine::SimTime;
use crate::report::recorded::{Scope, SummaryMetric, TimeSeries};
use crate::scenario::Scenario;
use crate::world::World;

use super::observe::Observer;
use crate::workload::traffic::Traffic;

/// Every summary metric of the run, sorted by name.
pub fn compute(
    scenario: &Scenario,
    world: &World,
    timeseries: &TimeSeries,
    obs: &Observer,
    traffic: &mut Traffic,
    end: SimTime,
) -> Vec<SummaryMetric> {
    let warmup = SimTime::ZERO + scenario.simulation.warmup;
    let mut out: Vec<SummaryMetric> = Vec::new();
    let mut put = |name: String, value: f64| out.push(SummaryMetric { name, value });

    for (i, svc) in world.services.iter().enumerate() {
        let track = obs.service_track[i];
        let p = format!("service.{}.", svc.name);
        put(format!("{p}tasks_started"), svc.tasks_started as f64);
        put(format!("{p}tasks_failed"), svc.tasks_failed as f64);
        put(
            format!("{p}min_healthy_tasks"),
            if track.min_healthy == u32::MAX {
                0.0
            } else {
                f64::from(track.min_healthy)
            },
        );
        put(
            format!("{p}max_running_tasks"),
            f64::from(track.max_running),
        );
        put(
            format!("{p}deployments_completed"),
            svc.deployments_completed as f64,
        );
        put(
            format!("{p}deployments_rolled_back"),
            svc.deployments_rolled_back as f64,
        );
        put(format!("{p}scaling_actions"), 0.0);
        put(
            format!("{p}max_tasks_per_instance"),
            f64::from(track.max_tasks_per_instance),
        );
        put(
            format!("{p}zone_imbalance_max"),
            f64::from(track.zone_imbalance_max),
        );
        // What users got (SPEC §4): only for a service some workload aims at; availability only when it was
        // offered requests in the window.
        if let Some(o) = traffic.outcome(crate::world::ServiceIdx(i as u32), end) {
            if o.offered > 0.0 {
                put(format!("{p}availability"), o.ok / o.offered);
            }
            put(format!("{p}error_requests"), o.errors);
            if let Some(ms) = o.latency_p50_ms {
                put(format!("{p}latency_p50_ms"), ms);
            }
            if let Some(ms) = o.latency_p99_ms {
                put(format!("{p}latency_p99_ms"), ms);
            }
        }
    }

    let cluster = &scenario.cluster.name;
    // The mean of the report periods' datapoints whose period starts at or after `warmup` (SPEC §4).
    let mean_of = |metric: &str| -> f64 {
        let Some(line) = timeseries.line(Scope::Cluster, cluster, metric) else {
            return 0.0;
        };
        let values: Vec<f64> = timeseries
            .starts
            .iter()
            .zip(&line.values)
            .filter(|(start, v)| **start >= warmup && !v.is_nan())
            .map(|(_, v)| *v)
            .collect();
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    put(
        "cluster.cpu_reservation_avg".into(),
        mean_of("CPUReservation"),
    );
    put(
        "cluster.memory_reservation_avg".into(),
        mean_of("MemoryReservation"),
    );
    put(
        "cluster.cpu_utilization_avg".into(),
        mean_of("CPUUtilization"),
    );
    put(
        "cluster.memory_utilization_avg".into(),
        mean_of("MemoryUtilization"),
    );
    let window_ms = end.saturating_since(warmup).as_ms();
    put(
        "cluster.instances_avg".into(),
        if window_ms == 0 {
            0.0
        } else {
            obs.instance_ms / window_ms as f64
        },
    );
    put("cluster.instances_max".into(), f64::from(obs.instances_max));
    put(
        "cluster.instances_in_use_avg".into(),
        if window_ms == 0 {
            0.0
        } else {
            obs.in_use_ms / window_ms as f64
        },
    );
    put(
        "cluster.placement_failures".into(),
        world.placement_failures as f64,
    );
    put("cluster.spot_interruptions".into(), 0.0);

    let cost = obs.cost();
    put("cost.total_usd".into(), cost.total());
    put("cost.ec2_on_demand_usd".into(), cost.ec2_on_demand);
    put("cost.ec2_spot_usd".into(), cost.ec2_spot);
    put("cost.fargate_usd".into(), cost.fargate);
    put("cost.fargate_spot_usd".into(), cost.fargate_spot);

    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
