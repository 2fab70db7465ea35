//! `[[instance_types]]` (SPEC §3.3): scenario-defined EC2 instance types, added after the built-in catalog.
//!
//! A custom type registers exactly `vcpu × 1024` CPU units and `memory_mib` MiB ([`InstanceType::custom`]).
//! `cpu_architecture` takes the EC2 spellings `x86_64` (default) and `arm64`. A name that the catalog already
//! has is an error: the catalog type would be shadowed silently otherwise.

use super::reader::{self, Cx, Table};
use super::tree::Node;
use crate::catalog::{self, CpuArchitecture, InstanceType};

/// The catalog followed by the scenario's `[[instance_types]]`.
pub(super) fn read(cx: &mut Cx, node: Option<&Node>) -> Vec<InstanceType> {
    let mut types = catalog::builtin_instance_types();
    let builtin = types.len();
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return types;
    };
    let mut seen: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[instance_types]] entry") else {
            continue;
        };
        let name = t.req_str(cx, "name").unwrap_or_default();
        let vcpu = t.req_u32(cx, "vcpu", 1, 4096).unwrap_or(1);
        let memory_mib = t.req_u32(cx, "memory_mib", 1, u32::MAX).unwrap_or(1);
        let price = t
            .required(cx, "price_per_hour")
            .and_then(|n| reader::number(cx, n, 0.0, f64::MAX));
        let arch = match t.enumeration(cx, "cpu_architecture", &["x86_64", "arm64"]) {
            Some("arm64") => CpuArchitecture::Arm64,
            _ => CpuArchitecture::X86_64,
        };
        t.finish(cx, &[]);
        if !name.is_empty() {
            if types[..builtin].iter().any(|b| b.name == name) {
                cx.error(
                    t_name_node(item),
                    format!("instance type `{name}` is already in the built-in catalog"),
                    Some("use the catalog type as it is (see `ecsim catalog instances`), or pick another name".into()),
                );
            }
            seen.push((name.clone(), t_name_node(item)));
        }
        types.push(InstanceType::custom(
            name,
            vcpu,
            memory_mib,
            price.unwrap_or(0.0),
            arch,
        ));
    }
    reader::check_duplicates(cx, &seen, "instance type");
    types
}

fn t_name_node(item: &Node) -> &Node {
    item.get("name").unwrap_or(item)
}
