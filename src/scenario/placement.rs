//! Launch target and placement fields shared by services, RunTask events and scheduled tasks
//! (SPEC §3.8, ECS-SEMANTICS §1.2, §8.1, §14).
//!
//! Rules: `launch_type` and `capacity_provider_strategy` are mutually exclusive (neither = the cluster default
//! strategy if it has one, else EC2); `placement_strategy` (at most 5 rules) and `placement_template` are
//! mutually exclusive; constraints count together with the task definition's (at most 10); `distinctInstance`
//! takes no expression and is not allowed in a task definition; a `memberOf` expression is at most 2000
//! characters and is parsed by the cluster query language, with errors pointing at the character inside the
//! string. Fargate supports no strategies or constraints; DAEMON services support no strategies. The task
//! definition must be compatible with the launch target.

use super::capacity_providers::{self, strategy_is_fargate};
use super::model::{
    BinpackField, CapacityProviderStrategyItem, LaunchTarget, LaunchType, Placement,
    PlacementConstraint, PlacementStrategy, SpreadField, TaskDefinition,
};
use super::reader::{self, Cx, Table};
use super::tree::Node;
use crate::query;

/// Placement strategy rules per RunTask / CreateService (BC-ECS, *current*).
pub const MAX_STRATEGIES: usize = 5;
/// Constraints per task, task definition and run-time together (BC-ECS).
pub const MAX_CONSTRAINTS: usize = 10;
/// `memberOf` expression length (BC-ECS PlacementConstraint).
pub const MAX_MEMBER_OF_LEN: usize = 2000;
/// Console placement templates (ECS-SEMANTICS §14).
pub const TEMPLATES: [&str; 5] = [
    "AZ Balanced Spread",
    "AZ Balanced BinPack",
    "BinPack",
    "One Task Per Host",
    "Custom",
];

/// The strategies and constraints a console template stands for (ECS-SEMANTICS §14); `None` for `Custom`.
pub fn expand_template(name: &str) -> Option<(Vec<PlacementStrategy>, Vec<PlacementConstraint>)> {
    crate::placement::PlacementTemplate::parse(name)
        .ok()
        .map(|t| t.expand())
}

/// One `{ type, expression }` constraint.
pub(super) fn constraint(
    cx: &mut Cx,
    node: &Node,
    allow_distinct: bool,
    camel: bool,
) -> Option<PlacementConstraint> {
    let mut t = Table::new(cx, node, "placement constraint")?;
    if camel {
        t = t.camel_case();
    }
    let ty_node = t.required(cx, "type");
    let ty = ty_node.and_then(|n| reader::enumeration(cx, n, &["distinctInstance", "memberOf"]));
    let expr_node = t.get("expression");
    if ty == Some("memberOf") && expr_node.is_none() {
        t.absent_fields(
            cx,
            &["expression"],
            "memberOf needs an `expression`",
            "add expression = \"attribute:ecs.instance-type == t3.large\"",
        );
    }
    t.finish(cx, &[]);
    match ty? {
        "distinctInstance" => {
            if !allow_distinct {
                cx.error(
                    ty_node?,
                    "distinctInstance is not allowed in a task definition",
                    Some("put it in the service's or RunTask's placement_constraints".into()),
                );
                return None;
            }
            if let Some(e) = expr_node {
                cx.error(
                    e,
                    "distinctInstance takes no expression",
                    Some("remove `expression`".into()),
                );
                return None;
            }
            Some(PlacementConstraint::DistinctInstance)
        }
        _ => {
            let e = expr_node?;
            let text = reader::string(cx, e)?;
            if text.chars().count() > MAX_MEMBER_OF_LEN {
                cx.error(
                    e,
                    format!(
                        "memberOf expression is {} characters long; AWS allows {MAX_MEMBER_OF_LEN}",
                        text.chars().count()
                    ),
                    Some("shorten the expression".into()),
                );
                return None;
            }
            match query::parse(text) {
                Ok(expr) => Some(PlacementConstraint::MemberOf(expr)),
                Err(q) => {
                    let span = reader::inner_span(cx, e, q.offset, q.len.max(1));
                    cx.error_span(
                        e.source,
                        span,
                        format!("invalid memberOf expression: {}", q.message),
                        q.hint,
                    );
                    None
                }
            }
        }
    }
}

/// A list of constraints.
pub(super) fn constraints(
    cx: &mut Cx,
    node: &Node,
    allow_distinct: bool,
    camel: bool,
) -> Vec<PlacementConstraint> {
    let Some(items) = reader::array(cx, node) else {
        return Vec::new();
    };
    if items.len() > MAX_CONSTRAINTS {
        cx.error(
            &items[MAX_CONSTRAINTS],
            format!("at most {MAX_CONSTRAINTS} placement constraints are allowed"),
            Some("remove constraints".into()),
        );
    }
    items
        .iter()
        .filter_map(|i| constraint(cx, i, allow_distinct, camel))
        .collect()
}

/// One `{ type, field }` strategy rule.
fn strategy_item(cx: &mut Cx, node: &Node) -> Option<PlacementStrategy> {
    let mut t = Table::new(cx, node, "placement strategy")?;
    let ty = t
        .required(cx, "type")
        .and_then(|n| reader::enumeration(cx, n, &["binpack", "spread", "random"]));
    let field = t.get("field");
    match (ty, field) {
        (Some("binpack"), None) => t.absent_fields(
            cx,
            &["field"],
            "binpack needs a `field`",
            "add field = \"memory\" or field = \"cpu\"",
        ),
        (Some("spread"), None) => t.absent_fields(
            cx,
            &["field"],
            "spread needs a `field`",
            "add field = \"attribute:ecs.availability-zone\" or field = \"instanceId\"",
        ),
        _ => {}
    }
    t.finish(cx, &[]);
    match ty? {
        "binpack" => {
            let f = field?;
            match reader::enumeration(cx, f, &["cpu", "memory"])? {
                "cpu" => Some(PlacementStrategy::Binpack(BinpackField::Cpu)),
                _ => Some(PlacementStrategy::Binpack(BinpackField::Memory)),
            }
        }
        "spread" => {
            let f = field?;
            let s = reader::string(cx, f)?;
            if s == "instanceId" || s == "host" {
                return Some(PlacementStrategy::Spread(SpreadField::InstanceId));
            }
            if let Some(attr) = s.strip_prefix("attribute:") {
                let ok = (1..=128).contains(&attr.len())
                    && attr
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_/.".contains(&b));
                if ok {
                    return Some(PlacementStrategy::Spread(SpreadField::Attribute(
                        attr.to_string(),
                    )));
                }
                cx.error(
                    f,
                    format!("`{attr}` is not a valid attribute name"),
                    Some("use 1–128 letters, digits and - _ / .".into()),
                );
                return None;
            }
            let hint = super::did_you_mean::hint(
                s,
                ["instanceId", "host", "attribute:ecs.availability-zone"],
                "valid fields",
            )
            .map(|h| format!("{h} (or attribute:<name>)"));
            cx.error(f, format!("unknown spread field `{s}`"), hint);
            None
        }
        _ => Some(PlacementStrategy::Random),
    }
}

/// Where `launch_type` / `capacity_provider_strategy` may point: the cluster default and declared providers.
pub(super) struct LaunchEnv<'a> {
    /// The cluster's default strategy.
    pub cluster_default: &'a [CapacityProviderStrategyItem],
    /// Declared (Auto Scaling group) providers.
    pub asg_providers: &'a [String],
}

/// Reads `launch_type` or `capacity_provider_strategy` (not both).
pub(super) fn read_launch(cx: &mut Cx, t: &mut Table, env: &LaunchEnv) -> LaunchTarget {
    let lt = t.get("launch_type");
    let cps = t.get("capacity_provider_strategy");
    if let (Some(_), Some(c)) = (lt, cps) {
        cx.error(
            t.key("capacity_provider_strategy").map_or(c, |_| c),
            "launch_type and capacity_provider_strategy cannot both be given",
            Some("keep one: a launch type, or a capacity provider strategy".into()),
        );
    }
    if let Some(n) = lt {
        return match reader::enumeration(
            cx,
            n,
            &["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"],
        ) {
            Some("FARGATE") => LaunchTarget::LaunchType(LaunchType::Fargate),
            Some(v @ ("EXTERNAL" | "MANAGED_INSTANCES")) => {
                cx.error(
                    n,
                    format!("launch type {v} is not simulated"),
                    Some("use EC2 or FARGATE".into()),
                );
                LaunchTarget::LaunchType(LaunchType::Ec2)
            }
            _ => LaunchTarget::LaunchType(LaunchType::Ec2),
        };
    }
    if let Some(n) = cps {
        let items = capacity_providers::strategy(cx, n, env.asg_providers).unwrap_or_default();
        return LaunchTarget::CapacityProviderStrategy(items);
    }
    if env.cluster_default.is_empty() {
        LaunchTarget::LaunchType(LaunchType::Ec2)
    } else {
        LaunchTarget::CapacityProviderStrategy(env.cluster_default.to_vec())
    }
}

/// Whether a launch target runs on Fargate.
pub(super) fn is_fargate(launch: &LaunchTarget) -> bool {
    match launch {
        LaunchTarget::LaunchType(l) => *l == LaunchType::Fargate,
        LaunchTarget::CapacityProviderStrategy(items) => strategy_is_fargate(items),
    }
}

/// Checks that `td` can run on `launch`; `at` locates the error.
pub(super) fn check_compatibility(
    cx: &mut Cx,
    at: &Node,
    launch: &LaunchTarget,
    td: &TaskDefinition,
) {
    let fargate = is_fargate(launch);
    let compat = &td.requires_compatibilities;
    if fargate && !compat.contains(&LaunchType::Fargate) {
        cx.error(
            at,
            format!("task definition {} is not compatible with FARGATE", td.family_revision()),
            Some("add requires_compatibilities = [\"FARGATE\"] (with awsvpc and task-level cpu and memory) to it".into()),
        );
    }
    if !fargate && !compat.is_empty() && !compat.contains(&LaunchType::Ec2) {
        cx.error(
            at,
            format!(
                "task definition {} requires FARGATE but this runs on EC2",
                td.family_revision()
            ),
            Some(
                "use launch_type = \"FARGATE\", or add \"EC2\" to its requires_compatibilities"
                    .into(),
            ),
        );
    }
}

/// Reads `placement_strategy`, `placement_template` and `placement_constraints`.
pub(super) fn read_placement(
    cx: &mut Cx,
    t: &mut Table,
    td: Option<&TaskDefinition>,
    launch: &LaunchTarget,
    daemon: bool,
) -> Placement {
    let strategy_node = t.get("placement_strategy");
    let template_node = t.get("placement_template");
    let constraints_node = t.get("placement_constraints");
    let mut placement = Placement::default();
    if let (Some(_), Some(tn)) = (strategy_node, template_node) {
        cx.error(
            tn,
            "placement_strategy and placement_template cannot both be given",
            Some("keep one: a template name, or a strategy list".into()),
        );
    }
    if let Some(n) = strategy_node {
        if let Some(items) = reader::array(cx, n) {
            if items.len() > MAX_STRATEGIES {
                cx.error(
                    &items[MAX_STRATEGIES],
                    format!("at most {MAX_STRATEGIES} placement strategy rules are allowed"),
                    Some("remove rules".into()),
                );
            }
            placement.strategy = items.iter().filter_map(|i| strategy_item(cx, i)).collect();
            placement.strategy_given = true;
        }
    } else if let Some(n) = template_node
        && let Some(name) = reader::enumeration(cx, n, &TEMPLATES)
    {
        match expand_template(name) {
                Some((strategy, constraints)) => {
                    placement.strategy_given = !strategy.is_empty();
                    placement.strategy = strategy;
                    placement.constraints = constraints;
                    placement.template = Some(name.to_string());
                }
                None => cx.error(n, "the Custom template means giving the rules yourself", Some("write placement_strategy = [{ type = \"spread\", field = \"instanceId\" }] instead".into())),
            }
    }
    if let Some(n) = constraints_node {
        let mut list = constraints(cx, n, true, false);
        placement.constraints.append(&mut list);
    }
    let fargate = is_fargate(launch);
    let given_node = strategy_node.or(template_node);
    if fargate {
        if let Some(n) = given_node.or(constraints_node) {
            cx.error(
                n,
                "Fargate supports no placement strategies or constraints",
                Some(
                    "remove the placement fields; Fargate spreads tasks across zones itself".into(),
                ),
            );
        }
    } else if daemon && let Some(n) = given_node.filter(|_| placement.strategy_given) {
        cx.error(
            n,
            "DAEMON services take no placement strategy",
            Some("remove it; constraints are allowed".into()),
        );
    }
    if let Some(td) = td {
        let total = placement.constraints.len() + td.placement_constraints.len();
        if total > MAX_CONSTRAINTS {
            let at = constraints_node.or(template_node).unwrap_or(t.node);
            cx.error(
                at,
                format!("{total} placement constraints with the task definition's; at most {MAX_CONSTRAINTS} are allowed"),
                Some("constraints of the task definition and of the service or RunTask count together".into()),
            );
        }
    }
    placement
}
