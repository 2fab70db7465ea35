//! `[[checks]]` (SPEC §3.12): a summary metric (SPEC §4) with `min` and/or `max` (min ≤ max).
//!
//! `service.<name>.<metric>` must name a defined service. Bounds outside a metric's scale are errors with
//! the likely intended value: availability is 0–1, the reservation and utilization averages are 0–100.

use super::did_you_mean;
use super::model::Check;
use super::reader::{self, Cx, Table};
use super::tree::Node;

/// Per-service summary metrics (`service.<name>.<metric>`).
pub const SERVICE_METRICS: [&str; 13] = [
    "availability",
    "error_requests",
    "latency_p50_ms",
    "latency_p99_ms",
    "tasks_started",
    "tasks_failed",
    "min_healthy_tasks",
    "max_running_tasks",
    "deployments_completed",
    "deployments_rolled_back",
    "scaling_actions",
    "max_tasks_per_instance",
    "zone_imbalance_max",
];
/// Cluster and cost summary metrics.
pub const GLOBAL_METRICS: [&str; 14] = [
    "cluster.cpu_reservation_avg",
    "cluster.memory_reservation_avg",
    "cluster.cpu_utilization_avg",
    "cluster.memory_utilization_avg",
    "cluster.instances_avg",
    "cluster.instances_max",
    "cluster.instances_in_use_avg",
    "cluster.placement_failures",
    "cluster.spot_interruptions",
    "cost.total_usd",
    "cost.ec2_on_demand_usd",
    "cost.ec2_spot_usd",
    "cost.fargate_usd",
    "cost.fargate_spot_usd",
];

/// The largest meaningful value of a metric, when it has a fixed scale.
fn scale_max(metric: &str) -> Option<f64> {
    if metric.ends_with(".availability") {
        Some(1.0)
    } else if metric.ends_with("_reservation_avg") || metric.ends_with("_utilization_avg") {
        Some(100.0)
    } else {
        None
    }
}

/// Checks a metric name; `Err((message, hint))`.
fn check_metric(metric: &str, services: &[String]) -> Result<(), (String, Option<String>)> {
    if GLOBAL_METRICS.contains(&metric) {
        return Ok(());
    }
    if let Some(rest) = metric.strip_prefix("service.") {
        let Some((service, m)) = rest.rsplit_once('.') else {
            return Err((
                format!("`{metric}` is not a summary metric"),
                Some("write service.<name>.<metric>, e.g. service.web.availability".into()),
            ));
        };
        if !SERVICE_METRICS.contains(&m) {
            return Err((
                format!("unknown service metric `{m}`"),
                did_you_mean::hint(m, SERVICE_METRICS, "service metrics"),
            ));
        }
        if !services.iter().any(|s| s == service) {
            let hint = did_you_mean::hint(
                service,
                services.iter().map(String::as_str),
                "defined services",
            )
            .or_else(|| Some("the scenario defines no services".into()));
            return Err((
                format!("unknown service `{service}` in metric `{metric}`"),
                hint,
            ));
        }
        return Ok(());
    }
    let mut candidates: Vec<String> = GLOBAL_METRICS.iter().map(|s| s.to_string()).collect();
    for s in services {
        candidates.extend(SERVICE_METRICS.iter().map(|m| format!("service.{s}.{m}")));
    }
    Err((
        format!("unknown summary metric `{metric}`"),
        did_you_mean::hint(
            metric,
            candidates.iter().map(String::as_str),
            "metrics include",
        ),
    ))
}

/// Reads every check.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>, services: &[String]) -> Vec<Check> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut t) = Table::new(cx, item, &format!("check {i}")) else {
            continue;
        };
        let metric_node = t.required(cx, "metric");
        let metric = metric_node
            .and_then(|n| reader::string(cx, n))
            .unwrap_or("")
            .to_string();
        if let Some(n) = metric_node.filter(|n| n.as_str().is_some())
            && let Err((message, hint)) = check_metric(&metric, services)
        {
            cx.error(n, message, hint);
        }
        let min_node = t.get("min");
        let min = min_node.and_then(|n| reader::number(cx, n, f64::MIN, f64::MAX));
        let max_node = t.get("max");
        let max = max_node.and_then(|n| reader::number(cx, n, f64::MIN, f64::MAX));
        if min_node.is_none() && max_node.is_none() {
            t.absent_fields(
                cx,
                &["min", "max"],
                format!("check {i} has neither `min` nor `max`"),
                "add min = … and/or max = …",
            );
        }
        t.finish(cx, &[]);
        if let (Some(lo), Some(hi), Some(n)) = (min, max, max_node)
            && lo > hi
        {
            cx.error(
                n,
                format!("max {hi} is below min {lo}"),
                Some("make min ≤ max".into()),
            );
        }
        if let Some(top) = scale_max(&metric) {
            for (v, n) in [(min, min_node), (max, max_node)] {
                if let (Some(v), Some(n)) = (v, n)
                    && (v < 0.0 || v > top)
                {
                    let hint = if top == 1.0 && v > 1.0 && v <= 100.0 {
                        format!(
                            "availability is a fraction from 0 to 1; did you mean {}?",
                            v / 100.0
                        )
                    } else {
                        format!("`{metric}` is from 0 to {top}")
                    };
                    cx.error(n, format!("{v} is outside the metric's range"), Some(hint));
                }
            }
        }
        let location = cx.sources.location(item.source, item.span.start);
        out.push(Check {
            metric,
            min,
            max,
            location,
        });
    }
    out
}
