//! `[[capacity_providers]]`, `[fargate]` and capacity provider strategies (SPEC §3.4, ECS-SEMANTICS §8).
//!
//! Providers are validated but not simulated yet (one note). Ranges are AWS's (§8.2): `target_capacity`
//! 1–100, step sizes 1–10,000 (minimum ≤ maximum), `instance_warmup_period` 0–10,000 s. An omitted
//! `managed_scaling` block is DISABLED; inside a given block `status` defaults to ENABLED (DECIDED: writing
//! the block means wanting it). `managed_termination_protection = "ENABLED"` needs managed scaling, as on AWS.
//! `FARGATE` and `FARGATE_SPOT` exist without being declared and cannot be declared.
//!
//! Strategies (§8.1): at most 20 items, `base` 0–100,000 with only one item setting a base above 0, `weight`
//! 0–1000 with at least one weight above 0, no provider twice, and no mixing of Auto Scaling group providers
//! with Fargate ones.

use super::model::{CapacityProvider, CapacityProviderStrategyItem, DurationDist, FargateSettings};
use super::reader::{self, Cx, Table};
use super::tree::Node;
use crate::engine::SimDuration;

/// The reserved Fargate provider (ECS-SEMANTICS §8.3).
pub const FARGATE: &str = "FARGATE";
/// The reserved Fargate Spot provider.
pub const FARGATE_SPOT: &str = "FARGATE_SPOT";
/// `capacityProviderStrategy` items per strategy (BC-ECS, *current*).
pub const MAX_STRATEGY_ITEMS: usize = 20;
/// `CapacityProviderStrategyItem.base` maximum.
pub const MAX_BASE: u32 = 100_000;
/// `CapacityProviderStrategyItem.weight` maximum.
pub const MAX_WEIGHT: u32 = 1000;
/// Capacity providers per cluster (ECS-SEMANTICS §13).
pub const MAX_PROVIDERS_PER_CLUSTER: usize = 20;
/// Default `[fargate].spot_price_ratio` (SPEC §3.4).
pub const DEFAULT_FARGATE_SPOT_PRICE_RATIO: f64 = 0.30;
/// Default `[fargate].startup_time`: uniform 5–15 s (ECS-SEMANTICS §11.3, DECIDED).
pub const DEFAULT_FARGATE_STARTUP_TIME: DurationDist = DurationDist::Uniform {
    min: SimDuration::from_secs(5),
    max: SimDuration::from_secs(15),
};

/// Whether `name` is one of the reserved Fargate providers.
pub fn is_fargate(name: &str) -> bool {
    name == FARGATE || name == FARGATE_SPOT
}

const ON_OFF: &[&str] = &["ENABLED", "DISABLED"];

/// Reads every `[[capacity_providers]]` entry.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    key: Option<&super::tree::Key>,
    asgs: &[String],
) -> Vec<CapacityProvider> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    if let Some(k) = key {
        cx.not_simulated("capacity_providers", k);
    }
    if items.len() > MAX_PROVIDERS_PER_CLUSTER {
        cx.error(
            &items[MAX_PROVIDERS_PER_CLUSTER],
            format!("a cluster has at most {MAX_PROVIDERS_PER_CLUSTER} capacity providers"),
            Some("remove providers".into()),
        );
    }
    let mut out: Vec<CapacityProvider> = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    let mut groups: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[capacity_providers]] entry") else {
            continue;
        };
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = item.get("name") {
            check_provider_name(cx, n, &name);
            names.push((name.clone(), n));
        }
        t.set_what(format!("capacity provider `{name}`"));
        t.flatten(cx, "auto_scaling_group_provider");
        t.alias(cx, "auto_scaling_group", "auto_scaling_group_arn");
        let group_node = t.required(cx, "auto_scaling_group");
        let group = group_node.and_then(|n| reader::resolve(cx, n, asgs, "auto scaling group"));
        if let (Some(g), Some(n)) = (group, group_node) {
            groups.push((asgs[g].clone(), n));
        }
        let mut p = CapacityProvider {
            name,
            auto_scaling_group: group.unwrap_or(0),
            managed_scaling_enabled: false,
            target_capacity: 100,
            minimum_scaling_step_size: 1,
            maximum_scaling_step_size: 10_000,
            instance_warmup_period: SimDuration::from_secs(300),
            managed_termination_protection: false,
            managed_draining: true,
        };
        if let Some(ms) = t.get("managed_scaling")
            && let Some(mut m) = Table::new(cx, ms, "managed_scaling")
        {
            p.managed_scaling_enabled =
                m.enumeration(cx, "status", ON_OFF).unwrap_or("ENABLED") == "ENABLED";
            p.target_capacity = m.u32(cx, "target_capacity", 1, 100).unwrap_or(100);
            p.minimum_scaling_step_size = m
                .u32(cx, "minimum_scaling_step_size", 1, 10_000)
                .unwrap_or(1);
            let max_node = m.get("maximum_scaling_step_size");
            p.maximum_scaling_step_size = max_node
                .and_then(|n| reader::u32_in(cx, n, 1, 10_000))
                .unwrap_or(10_000);
            if p.minimum_scaling_step_size > p.maximum_scaling_step_size {
                cx.error(
                    max_node.unwrap_or(ms),
                    format!(
                        "maximum_scaling_step_size {} is less than minimum_scaling_step_size {}",
                        p.maximum_scaling_step_size, p.minimum_scaling_step_size
                    ),
                    Some("make minimum ≤ maximum".into()),
                );
            }
            p.instance_warmup_period = m
                .seconds(cx, "instance_warmup_period", 0, 10_000)
                .unwrap_or(p.instance_warmup_period);
            m.finish(cx, &[]);
        }
        if let Some(n) = t.get("managed_termination_protection") {
            p.managed_termination_protection =
                reader::enumeration(cx, n, ON_OFF) == Some("ENABLED");
            if p.managed_termination_protection && !p.managed_scaling_enabled {
                cx.error(
                    n,
                    "managed_termination_protection needs managed scaling",
                    Some("add managed_scaling = { status = \"ENABLED\" }, or set this to \"DISABLED\"".into()),
                );
            }
        }
        if let Some(v) = t.enumeration(cx, "managed_draining", ON_OFF) {
            p.managed_draining = v == "ENABLED";
        }
        t.finish(cx, &["tags", "cluster", "managed_instances_provider"]);
        out.push(p);
    }
    reader::check_duplicates(cx, &names, "capacity provider");
    for (i, (g, n)) in groups.iter().enumerate() {
        if groups[..i].iter().any(|(h, _)| h == g) {
            cx.error(
                *n,
                format!("auto scaling group `{g}` already belongs to another capacity provider"),
                Some("an Auto Scaling group can back only one capacity provider".into()),
            );
        }
    }
    out
}

fn check_provider_name(cx: &mut Cx, n: &Node, name: &str) {
    let lower = name.to_ascii_lowercase();
    if is_fargate(name) {
        cx.error(
            n,
            format!("`{name}` is a reserved provider and exists without being declared"),
            Some("remove this entry; use FARGATE or FARGATE_SPOT directly in strategies".into()),
        );
    } else if ["aws", "ecs", "fargate"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        cx.error(
            n,
            format!("capacity provider name `{name}` starts with a reserved prefix"),
            Some("names cannot start with aws, ecs or fargate".into()),
        );
    } else if !super::cluster::is_resource_name(name) {
        cx.error(
            n,
            format!("`{name}` is not a valid capacity provider name"),
            Some("use 1–255 letters, digits, hyphens and underscores".into()),
        );
    }
}

/// Reads `[fargate]`.
pub(super) fn read_fargate(cx: &mut Cx, node: Option<&Node>) -> FargateSettings {
    let mut f = FargateSettings {
        startup_time: DEFAULT_FARGATE_STARTUP_TIME,
        spot_interruptions: None,
        spot_price_ratio: DEFAULT_FARGATE_SPOT_PRICE_RATIO,
        vcpu_quota: None,
    };
    let Some(mut t) = node.and_then(|n| Table::new(cx, n, "[fargate]")) else {
        return f;
    };
    if let Some(d) = t.duration_dist(cx, "startup_time") {
        f.startup_time = d;
    }
    if let Some(n) = t.get("spot_interruptions") {
        if let Some(k) = t.key("spot_interruptions") {
            cx.not_simulated("fargate.spot_interruptions", k);
        }
        f.spot_interruptions = super::auto_scaling_groups::spot_interruptions(cx, n);
    }
    if let Some(r) = t.f64(cx, "spot_price_ratio", 0.0, 1.0) {
        f.spot_price_ratio = r;
    }
    if let Some(k) = t.key("vcpu_quota") {
        cx.not_simulated("fargate.vcpu_quota", k);
    }
    f.vcpu_quota = t.u32(cx, "vcpu_quota", 1, u32::MAX);
    t.finish(cx, &[]);
    f
}

/// Reads a capacity provider strategy. `asg_providers` are the declared providers' names.
pub(super) fn strategy(
    cx: &mut Cx,
    node: &Node,
    asg_providers: &[String],
) -> Option<Vec<CapacityProviderStrategyItem>> {
    let items = reader::array(cx, node)?;
    let mark = cx.diags.len();
    if items.is_empty() {
        cx.error(
            node,
            "the capacity provider strategy is empty",
            Some("list at least one { capacity_provider, weight }".into()),
        );
        return None;
    }
    if items.len() > MAX_STRATEGY_ITEMS {
        cx.error(
            &items[MAX_STRATEGY_ITEMS],
            format!("a strategy has at most {MAX_STRATEGY_ITEMS} providers"),
            Some("remove providers".into()),
        );
    }
    let mut known: Vec<String> = asg_providers.to_vec();
    known.push(FARGATE.into());
    known.push(FARGATE_SPOT.into());
    let mut out: Vec<CapacityProviderStrategyItem> = Vec::new();
    let mut base_node: Option<&Node> = None;
    let (mut fargate_at, mut asg_at): (Option<&Node>, Option<&Node>) = (None, None);
    for item in items {
        let Some(mut t) = Table::new(cx, item, "capacity provider strategy item") else {
            continue;
        };
        let provider_node = t.required(cx, "capacity_provider");
        let provider =
            provider_node.and_then(|n| reader::resolve(cx, n, &known, "capacity provider"));
        let base_n = t.get("base");
        let base = base_n
            .and_then(|n| reader::u32_in(cx, n, 0, MAX_BASE))
            .unwrap_or(0);
        let weight = t.u32(cx, "weight", 0, MAX_WEIGHT).unwrap_or(0);
        t.finish(cx, &[]);
        if let (Some(b), true) = (base_n, base > 0) {
            if let Some(first) = base_node {
                let at = cx.sources.location(first.source, first.span.start);
                cx.error(
                    b,
                    "only one provider in a strategy may set a base",
                    Some(format!("another base is set at {at}; keep one")),
                );
            } else {
                base_node = Some(b);
            }
        }
        let (Some(i), Some(pn)) = (provider, provider_node) else {
            continue;
        };
        let name = known[i].clone();
        if out.iter().any(|o| o.capacity_provider == name) {
            cx.error(
                pn,
                format!("capacity provider `{name}` is listed twice"),
                Some("merge the two items".into()),
            );
        }
        if is_fargate(&name) {
            fargate_at.get_or_insert(pn);
        } else {
            asg_at.get_or_insert(pn);
        }
        out.push(CapacityProviderStrategyItem {
            capacity_provider: name,
            base,
            weight,
        });
    }
    if let (Some(f), Some(a)) = (fargate_at, asg_at) {
        let at = cx.sources.location(a.source, a.span.start);
        cx.error(
            f,
            "a strategy cannot mix Fargate providers with Auto Scaling group providers",
            Some(format!(
                "the Auto Scaling group provider is at {at}; use one kind per strategy"
            )),
        );
    }
    if !out.is_empty() && out.iter().all(|o| o.weight == 0) && !cx.failed_since(mark) {
        cx.error(
            node,
            "every weight in the strategy is 0",
            Some("give at least one provider a weight above 0, e.g. weight = 1".into()),
        );
    }
    (!cx.failed_since(mark)).then_some(out)
}

/// Whether every item of a strategy uses a Fargate provider.
pub fn strategy_is_fargate(items: &[CapacityProviderStrategyItem]) -> bool {
    !items.is_empty() && items.iter().all(|i| is_fargate(&i.capacity_provider))
}
