//! `[cluster]` (SPEC §3.2): name, availability zones and the default capacity provider strategy.
//!
//! Zones default to the first three of the region, `<region>a`, `<region>b`, `<region>c` (us-east-1 →
//! us-east-1a, us-east-1b, us-east-1c): AWS does not publish a fixed zone list per account, so the simulator
//! picks three, the usual production spread. A zone must be the region name followed by one letter. The
//! default strategy is resolved later by `capacity_providers::strategy`, once the providers are known.

use super::model::{Cluster, Simulation};
use super::reader::{self, Cx, Table};
use super::tree::Node;

/// Default cluster name, as on AWS.
pub const DEFAULT_CLUSTER_NAME: &str = "default";

/// The three zones the simulator gives a region by default.
pub fn default_zones(region: &str) -> Vec<String> {
    ["a", "b", "c"]
        .iter()
        .map(|s| format!("{region}{s}"))
        .collect()
}

/// Reads `[cluster]` except the strategy, whose node is returned for later resolution.
pub(super) fn read<'n>(
    cx: &mut Cx,
    node: Option<&'n Node>,
    sim: &Simulation,
) -> (Cluster, Option<&'n Node>) {
    let mut cluster = Cluster {
        name: DEFAULT_CLUSTER_NAME.to_string(),
        availability_zones: default_zones(&sim.region),
        default_capacity_provider_strategy: Vec::new(),
    };
    let Some(mut t) = node.and_then(|n| Table::new(cx, n, "[cluster]")) else {
        return (cluster, None);
    };
    t.alias(cx, "name", "cluster_name");
    if let Some(n) = t.get("name")
        && let Some(name) = reader::string(cx, n)
    {
        if is_resource_name(name) {
            cluster.name = name.to_string();
        } else {
            cx.error(
                n,
                format!("`{name}` is not a valid cluster name"),
                Some("use 1–255 letters, digits, hyphens and underscores".into()),
            );
        }
    }
    if let Some(n) = t.get("availability_zones")
        && let Some(zones) = zone_list(cx, n, &sim.region, None)
    {
        cluster.availability_zones = zones;
    }
    let strategy = t.get("default_capacity_provider_strategy");
    t.finish(
        cx,
        &[
            "tags",
            "settings",
            "configuration",
            "service_connect_defaults",
            "capacity_providers",
        ],
    );
    (cluster, strategy)
}

/// An ECS name: 1–255 letters, digits, hyphens and underscores.
pub(super) fn is_resource_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A non-empty list of distinct zones of `region`; when `within` is given, each must be one of those.
pub(super) fn zone_list(
    cx: &mut Cx,
    n: &Node,
    region: &str,
    within: Option<&[String]>,
) -> Option<Vec<String>> {
    let items = reader::array(cx, n)?;
    if items.is_empty() {
        cx.error(
            n,
            "the zone list is empty",
            Some(format!("list at least one zone, e.g. [\"{region}a\"]")),
        );
        return None;
    }
    let mut zones: Vec<String> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(zone) = zone(cx, item, region, within) else {
            ok = false;
            continue;
        };
        if zones.contains(&zone) {
            cx.error(
                item,
                format!("zone `{zone}` is listed twice"),
                Some("remove the duplicate".into()),
            );
            ok = false;
        } else {
            zones.push(zone);
        }
    }
    ok.then_some(zones)
}

/// One zone name of `region` (and of `within`, when given).
pub(super) fn zone(
    cx: &mut Cx,
    n: &Node,
    region: &str,
    within: Option<&[String]>,
) -> Option<String> {
    let z = reader::string(cx, n)?;
    if let Some(allowed) = within {
        if !allowed.iter().any(|a| a == z) {
            cx.error(
                n,
                format!("zone `{z}` is not one of the cluster's zones"),
                super::did_you_mean::hint(
                    z,
                    allowed.iter().map(String::as_str),
                    "the cluster's zones",
                ),
            );
            return None;
        }
        return Some(z.to_string());
    }
    let suffix = z.strip_prefix(region).unwrap_or("");
    if suffix.len() != 1 || !suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        cx.error(
            n,
            format!("`{z}` is not an availability zone of region {region}"),
            Some(format!(
                "write the region followed by one letter, e.g. \"{region}a\""
            )),
        );
        return None;
    }
    Some(z.to_string())
}
