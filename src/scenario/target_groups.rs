//! `[[target_groups]]` (SPEC §3.7, ECS-SEMANTICS §5): ALB target groups; validated but not simulated yet.
//!
//! Ranges and defaults are the ALB ones: health check interval 5–300 s (30), timeout 2–120 s (5) and below
//! the interval, thresholds 2–10 (healthy 5, unhealthy 2), deregistration delay 0–3600 s (300; the AWS
//! attribute form `deregistration_delay.timeout_seconds` is accepted too), slow start 0 or 30–900 s,
//! algorithm `round_robin` or `least_outstanding_requests` (`weighted_random` is valid on AWS and rejected here
//! as not simulated; slow start with least outstanding requests is an error, as on AWS), minimum healthy
//! targets count ≥ 1 (1) and percentage `"off"` or 1–100 (off). Names are 1–32 letters, digits and hyphens.

use super::model::TargetGroup;
use super::reader::{self, Cx, Table};
use super::tree::{Kind, Node};

/// CreateTargetGroup members the simulator does not model (snake_case).
const IGNORED: &[&str] = &[
    "protocol",
    "protocol_version",
    "port",
    "vpc_id",
    "health_check_protocol",
    "health_check_port",
    "health_check_enabled",
    "health_check_path",
    "matcher",
    "target_type",
    "tags",
    "ip_address_type",
    "target_control_port",
    "stickiness",
    "load_balancing_cross_zone_enabled",
];

/// Reads every target group.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>) -> Vec<TargetGroup> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[target_groups]] entry") else {
            continue;
        };
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = item.get("name") {
            let ok = (1..=32).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.starts_with('-')
                && !name.ends_with('-');
            if !ok {
                cx.error(n, format!("`{name}` is not a valid target group name"), Some("use 1–32 letters, digits and hyphens, not starting or ending with a hyphen".into()));
            }
            names.push((name.clone(), n));
        }
        t.set_what(format!("target group `{name}`"));
        let interval = t
            .u32(cx, "health_check_interval_seconds", 5, 300)
            .unwrap_or(30);
        let timeout_node = t.get("health_check_timeout_seconds");
        let timeout = timeout_node
            .and_then(|n| reader::u32_in(cx, n, 2, 120))
            .unwrap_or(5);
        if timeout >= interval {
            cx.error(
                timeout_node.unwrap_or(item),
                format!(
                    "health check timeout {timeout}s must be less than the interval {interval}s"
                ),
                Some("lower the timeout or raise the interval".into()),
            );
        }
        let healthy = t.u32(cx, "healthy_threshold_count", 2, 10).unwrap_or(5);
        let unhealthy = t.u32(cx, "unhealthy_threshold_count", 2, 10).unwrap_or(2);
        let mut dereg = t.u32(cx, "deregistration_delay_seconds", 0, 3600);
        if let Some(n) = t.get("deregistration_delay")
            && let Some(mut d) = Table::new(cx, n, "deregistration_delay")
        {
            let v = d.u32(cx, "timeout_seconds", 0, 3600);
            d.finish(cx, &[]);
            if dereg.is_some() {
                cx.error(n, "deregistration delay given twice", Some("keep either deregistration_delay_seconds or deregistration_delay.timeout_seconds".into()));
            }
            dereg = dereg.or(v);
        }
        let slow_node = t.get("slow_start_seconds");
        let slow = slow_node
            .and_then(|n| reader::u32_in(cx, n, 0, 900))
            .unwrap_or(0);
        if let (Some(n), true) = (slow_node, (1..30).contains(&slow)) {
            cx.error(
                n,
                format!("slow_start_seconds {slow} is out of range"),
                Some("write 0 (off) or 30 to 900".into()),
            );
        }
        let algo_node = t.get("load_balancing_algorithm_type");
        let algorithm = algo_node
            .and_then(|n| {
                reader::enumeration(
                    cx,
                    n,
                    &[
                        "round_robin",
                        "least_outstanding_requests",
                        "weighted_random",
                    ],
                )
            })
            .unwrap_or("round_robin");
        if let (Some(n), "weighted_random") = (algo_node, algorithm) {
            cx.error(
                n,
                "weighted_random is valid on AWS but not simulated",
                Some("use round_robin or least_outstanding_requests".into()),
            );
        }
        if let (Some(n), "least_outstanding_requests", true) = (slow_node, algorithm, slow > 0) {
            cx.error(
                n,
                "slow start cannot be combined with least_outstanding_requests",
                Some("set slow_start_seconds = 0, or use round_robin (as on AWS)".into()),
            );
        }
        let min_count = t
            .u32(cx, "minimum_healthy_targets_count", 1, u32::MAX)
            .unwrap_or(1);
        let min_pct = t
            .get("minimum_healthy_targets_percentage")
            .and_then(|n| match &n.kind {
                Kind::String(s) if s == "off" => None,
                Kind::Integer(_) => reader::u32_in(cx, n, 1, 100),
                _ => {
                    cx.error(
                        n,
                        format!(
                            "expected \"off\" or a percentage, found `{}`",
                            reader::show(n)
                        ),
                        Some("write \"off\" or an integer from 1 to 100".into()),
                    );
                    None
                }
            });
        t.finish(cx, IGNORED);
        out.push(TargetGroup {
            name,
            health_check_interval_seconds: interval,
            health_check_timeout_seconds: timeout,
            healthy_threshold_count: healthy,
            unhealthy_threshold_count: unhealthy,
            deregistration_delay_seconds: dereg.unwrap_or(300),
            slow_start_seconds: slow,
            load_balancing_algorithm_type: algorithm.to_string(),
            minimum_healthy_targets_count: min_count,
            minimum_healthy_targets_percentage: min_pct,
        });
    }
    reader::check_duplicates(cx, &names, "target group");
    out
}

/// The target group name in a reference: a name, a target group ARN (`…:targetgroup/<name>/<id>`) or a
/// `resource_label` (`app/<lb>/<id>/targetgroup/<name>/<id>`).
pub fn target_group_name(reference: &str) -> &str {
    match reference.split_once("targetgroup/") {
        Some((_, rest)) => rest.split('/').next().unwrap_or(rest),
        None => reference,
    }
}

/// Resolves a reference to a target group.
pub(super) fn resolve(cx: &mut Cx, node: &Node, names: &[String]) -> Option<usize> {
    let raw = reader::string(cx, node)?;
    reader::resolve_name(cx, node, target_group_name(raw), names, "target group")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_group_arns_and_resource_labels_name_the_segment_after_targetgroup() {
        assert_eq!(
            target_group_name(
                "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/6d0ecf831eec9f09"
            ),
            "web-tg"
        );
        assert_eq!(
            target_group_name("app/my-alb/778d41231b141a0f/targetgroup/web-tg/943f017f100becff"),
            "web-tg"
        );
        assert_eq!(target_group_name("web-tg"), "web-tg");
    }
}
