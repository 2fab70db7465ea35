//! `[[auto_scaling_groups]]` (SPEC §3.3): EC2 capacity.
//!
//! AWS rules checked: `min_size ≤ desired_capacity ≤ max_size` (desired defaults to min, as AWS), zones belong
//! to the cluster, instance types exist (catalog or `[[instance_types]]`), termination policy names are AWS's.
//! Simulator fields: `launch_time` (default 90 s, ECS-SEMANTICS §9 DECIDED), `spot_interruptions`
//! (§10 bands), `spot_price_ratio` (default 0.35). Custom attribute names and values follow §1.6. Spot
//! interruptions are validated but not simulated yet (one note).

use std::collections::BTreeMap;

use super::cluster;
use super::model::{AutoScalingGroup, Cluster, DurationDist, Market, SpotInterruptions};
use super::reader::{self, Cx, Table};
use super::tree::Node;
use crate::catalog::InstanceType;
use crate::engine::SimDuration;

/// Default `launch_time` (ECS-SEMANTICS §9, DECIDED).
pub const DEFAULT_LAUNCH_TIME: SimDuration = SimDuration::from_secs(90);
/// Default `spot_price_ratio` for EC2 Spot (SPEC §3.3).
pub const DEFAULT_SPOT_PRICE_RATIO: f64 = 0.35;
/// Spot Instance Advisor bands and their DECIDED monthly probabilities (ECS-SEMANTICS §10).
pub const SPOT_FREQUENCY_BANDS: [(&str, f64); 5] = [
    ("<5%", 0.025),
    ("5-10%", 0.075),
    ("10-15%", 0.125),
    ("15-20%", 0.175),
    (">20%", 0.25),
];
/// Largest group size accepted: the container-instances-per-cluster quota (ECS-SEMANTICS §13).
pub const MAX_GROUP_SIZE: u32 = 5000;
/// AWS termination policy names (BC-ASG TerminationPolicies); a Lambda ARN is accepted too.
pub const TERMINATION_POLICIES: [&str; 7] = [
    "Default",
    "AllocationStrategy",
    "OldestLaunchTemplate",
    "OldestLaunchConfiguration",
    "ClosestToNextInstanceHour",
    "NewestInstance",
    "OldestInstance",
];

/// CreateAutoScalingGroup members the simulator does not model (snake_case).
const IGNORED: &[&str] = &[
    "launch_configuration_name",
    "launch_template",
    "mixed_instances_policy",
    "instance_id",
    "default_cooldown",
    "availability_zone_ids",
    "load_balancer_names",
    "target_group_arns",
    "health_check_type",
    "health_check_grace_period",
    "placement_group",
    "vpc_zone_identifier",
    "new_instances_protected_from_scale_in",
    "capacity_rebalance",
    "lifecycle_hook_specification_list",
    "deletion_protection",
    "tags",
    "service_linked_role_arn",
    "max_instance_lifetime",
    "context",
    "desired_capacity_type",
    "default_instance_warmup",
    "traffic_sources",
    "instance_maintenance_policy",
    "availability_zone_distribution",
    "availability_zone_impairment_policy",
    "skip_zonal_shift_validation",
    "capacity_reservation_specification",
    "instance_lifecycle_policy",
    "operator",
];

/// Reads every group.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    cluster: &Cluster,
    region: &str,
    instance_types: &[InstanceType],
) -> Vec<AutoScalingGroup> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let type_names: Vec<String> = instance_types.iter().map(|t| t.name.clone()).collect();
    let mut groups = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[auto_scaling_groups]] entry") else {
            continue;
        };
        t.alias(cx, "name", "auto_scaling_group_name");
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = t.get("name") {
            names.push((name.clone(), n));
        }
        t.set_what(format!("auto scaling group `{name}`"));
        let mut types = Vec::new();
        if let Some(n) = t.required(cx, "instance_types")
            && let Some(list) = reader::array(cx, n)
        {
            if list.is_empty() {
                cx.error(
                    n,
                    "instance_types is empty",
                    Some("list at least one type, e.g. [\"m5.large\"]".into()),
                );
            }
            for it in list {
                if let Some(i) = reader::resolve(cx, it, &type_names, "instance type") {
                    types.push(i);
                }
            }
        }
        let market = match t.enumeration(cx, "market", &["on-demand", "spot"]) {
            Some("spot") => Market::Spot,
            _ => Market::OnDemand,
        };
        let min = t.req_u32(cx, "min_size", 0, MAX_GROUP_SIZE);
        let max_node = t.required(cx, "max_size");
        let max = max_node.and_then(|n| reader::u32_in(cx, n, 0, MAX_GROUP_SIZE));
        let desired_node = t.get("desired_capacity");
        let desired = desired_node.and_then(|n| reader::u32_in(cx, n, 0, MAX_GROUP_SIZE));
        let (min_size, max_size) = (min.unwrap_or(0), max.unwrap_or(MAX_GROUP_SIZE));
        if let (Some(mn), Some(mx), Some(n)) = (min, max, max_node)
            && mn > mx
        {
            cx.error(
                n,
                format!("max_size {mx} is less than min_size {mn}"),
                Some("make min_size ≤ max_size".into()),
            );
        }
        if let (Some(d), Some(n), Some(_), Some(_)) = (desired, desired_node, min, max)
            && (d < min_size || d > max_size)
        {
            cx.error(
                n,
                format!(
                    "desired_capacity {d} is outside [min_size {min_size}, max_size {max_size}]"
                ),
                Some(format!(
                    "write a desired_capacity from {min_size} to {max_size}"
                )),
            );
        }
        let zones = t
            .get("availability_zones")
            .and_then(|n| cluster::zone_list(cx, n, region, Some(&cluster.availability_zones)))
            .unwrap_or_else(|| cluster.availability_zones.clone());
        let launch_time = t
            .duration_dist(cx, "launch_time")
            .unwrap_or(DurationDist::Fixed(DEFAULT_LAUNCH_TIME));
        let attributes = t
            .get("attributes")
            .map(|n| attributes(cx, n))
            .unwrap_or_default();
        if let Some(k) = t.key("ecs_enable_spot_instance_draining") {
            cx.not_simulated("auto_scaling_groups.ecs_enable_spot_instance_draining", k);
        }
        let draining = t
            .bool(cx, "ecs_enable_spot_instance_draining")
            .unwrap_or(false);
        let spot_interruptions = t.get("spot_interruptions").and_then(|n| {
            if market == Market::OnDemand {
                cx.error(
                    n,
                    "spot_interruptions applies to spot groups only",
                    Some("set market = \"spot\", or remove spot_interruptions".into()),
                );
            }
            if let Some(k) = t.key("spot_interruptions") {
                cx.not_simulated("auto_scaling_groups.spot_interruptions", k);
            }
            spot_interruptions(cx, n)
        });
        let spot_price_ratio = t
            .f64(cx, "spot_price_ratio", 0.0, 1.0)
            .unwrap_or(DEFAULT_SPOT_PRICE_RATIO);
        if let Some(k) = t.key("termination_policies") {
            cx.not_simulated("auto_scaling_groups.termination_policies", k);
        }
        let termination_policies = t
            .get("termination_policies")
            .and_then(|n| termination_policies(cx, n))
            .unwrap_or_else(|| vec!["Default".to_string()]);
        t.finish(cx, IGNORED);
        groups.push(AutoScalingGroup {
            name,
            instance_types: types,
            market,
            min_size,
            max_size,
            desired_capacity: desired.unwrap_or(min_size),
            availability_zones: zones,
            launch_time,
            attributes,
            ecs_enable_spot_instance_draining: draining,
            spot_interruptions,
            spot_price_ratio,
            termination_policies,
        });
    }
    reader::check_duplicates(cx, &names, "auto scaling group");
    groups
}

/// `{ frequency = "<5%" | … }` or `{ rate_per_hour = x }` (exactly one).
pub(super) fn spot_interruptions(cx: &mut Cx, n: &Node) -> Option<SpotInterruptions> {
    let mut t = Table::new(cx, n, "spot_interruptions")?;
    let bands: Vec<&'static str> = SPOT_FREQUENCY_BANDS.iter().map(|(b, _)| *b).collect();
    let frequency = t.enumeration(cx, "frequency", &bands);
    let rate = t.f64(cx, "rate_per_hour", 0.0, f64::MAX);
    let both = t.key("frequency").is_some() && t.key("rate_per_hour").is_some();
    let neither = t.key("frequency").is_none() && t.key("rate_per_hour").is_none();
    t.finish(cx, &[]);
    if both || neither {
        cx.error(
            n,
            "spot_interruptions takes exactly one of `frequency` and `rate_per_hour`",
            Some("write { frequency = \"<5%\" } (a Spot Instance Advisor band) or { rate_per_hour = 0.001 }".into()),
        );
        return None;
    }
    if let Some(f) = frequency {
        let p = SPOT_FREQUENCY_BANDS
            .iter()
            .find(|(b, _)| *b == f)
            .map(|(_, p)| *p)?;
        return Some(SpotInterruptions::Frequency {
            monthly_probability: p,
        });
    }
    rate.map(SpotInterruptions::RatePerHour)
}

/// Custom attributes (ECS-SEMANTICS §1.6): names 1–128 of `[A-Za-z0-9-_/.]`, values 1–128 characters of
/// letters, digits, `-_.@/\:` and space, no leading or trailing space.
fn attributes(cx: &mut Cx, n: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(entries) = n.entries() else {
        cx.error(
            n,
            format!("expected a table of attributes, found {}", n.type_name()),
            Some("write attributes = { team = \"a\" }".into()),
        );
        return out;
    };
    for (k, v) in entries {
        let name_ok = (1..=128).contains(&k.name.len())
            && k.name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_/.".contains(&b));
        if !name_ok {
            cx.error(
                k,
                format!("`{}` is not a valid attribute name", k.name),
                Some("use 1–128 letters, digits and - _ / .".into()),
            );
        }
        if k.name.starts_with("ecs.") {
            cx.error(
                k,
                format!("`{}` is a built-in attribute set by ECS", k.name),
                Some("choose a name outside the `ecs.` prefix".into()),
            );
        }
        let Some(value) = reader::string(cx, v) else {
            continue;
        };
        let value_ok = (1..=128).contains(&value.len())
            && value.trim() == value
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@/\\: ".contains(c));
        if !value_ok {
            cx.error(v, format!("`{value}` is not a valid attribute value"), Some("use 1–128 letters, digits, spaces and - _ . @ / \\ :, with no leading or trailing space".into()));
        }
        out.insert(k.name.clone(), value.to_string());
    }
    out
}

fn termination_policies(cx: &mut Cx, n: &Node) -> Option<Vec<String>> {
    let list = reader::string_list(cx, n)?;
    let items = reader::array(cx, n)?;
    let mut ok = true;
    for (p, item) in list.iter().zip(items) {
        if !TERMINATION_POLICIES.contains(&p.as_str()) && !p.starts_with("arn:aws:lambda:") {
            ok = false;
            cx.error(
                item,
                format!("unknown termination policy `{p}`"),
                super::did_you_mean::hint(
                    p,
                    TERMINATION_POLICIES,
                    "valid policies (or a Lambda ARN)",
                ),
            );
        }
    }
    ok.then_some(list)
}
