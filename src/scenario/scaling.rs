//! Scaling sections (SPEC §3.9, ECS-SEMANTICS §6.2, §7): `[[scalable_targets]]`, `[[scaling_policies]]`,
//! `[[alarms]]`, `[[scheduled_actions]]`; validated but not simulated yet (one note per section).
//!
//! Rules: one scalable target per service, `0 ≤ min_capacity ≤ max_capacity`, no DAEMON targets; policies
//! and scheduled actions need the service's scalable target; target tracking takes exactly one of a
//! predefined or customized metric (`resource_label` only, and required, for `ALBRequestCountPerTarget`, naming
//! a target group attached to the service); step scaling takes 1–20 step adjustments whose intervals neither
//! overlap nor leave gaps, at most one open lower and one open upper bound, `min_adjustment_magnitude` only
//! with `PercentChangeInCapacity`; cooldowns default to 300 s. Alarms: period 10, 20, 30 or a multiple of 60;
//! period × evaluation periods ≤ 604,800 s (≤ 86,400 s when the period is under an hour); datapoints to alarm
//! 1..=evaluation periods; actions name step scaling policies.

use super::model::{Scaling, Service, Simulation};
use super::reader::{self, Cx, Table};
use super::scheduled_tasks;
use super::tree::{Key, Node};

/// Step adjustments per policy (ECS-SEMANTICS §7.1).
pub const MAX_STEP_ADJUSTMENTS: usize = 20;
/// Default cooldowns, seconds (ECS-SEMANTICS §7.2, §7.3).
pub const DEFAULT_COOLDOWN_SECONDS: u32 = 300;
/// Longest cooldown AWS accepts (one year), seconds.
pub const MAX_COOLDOWN_SECONDS: u32 = 31_536_000;
/// `Period × EvaluationPeriods` limit, seconds (ECS-SEMANTICS §6.2).
pub const MAX_EVALUATION_WINDOW_SECONDS: u64 = 604_800;
/// The limit when the period is under 3600 s.
pub const MAX_EVALUATION_WINDOW_SHORT_PERIOD_SECONDS: u64 = 86_400;

/// The section keys and nodes, as found at the top level.
pub(super) struct ScalingNodes<'n> {
    /// `[[scalable_targets]]`.
    pub scalable_targets: Option<(&'n Key, &'n Node)>,
    /// `[[scaling_policies]]`.
    pub scaling_policies: Option<(&'n Key, &'n Node)>,
    /// `[[alarms]]`.
    pub alarms: Option<(&'n Key, &'n Node)>,
    /// `[[scheduled_actions]]`.
    pub scheduled_actions: Option<(&'n Key, &'n Node)>,
}

/// The `alarm_name`s of `[[alarms]]`, read quietly (services refer to them before the section is read).
pub(super) fn alarm_names(node: Option<&Node>) -> Vec<String> {
    let Some(super::tree::Kind::Array(items)) = node.map(|n| &n.kind) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|i| i.get("alarm_name")?.as_str().map(str::to_string))
        .collect()
}

/// Reads the four sections.
pub(super) fn read(
    cx: &mut Cx,
    nodes: &ScalingNodes,
    services: &[Service],
    target_groups: &[String],
    sim: &Simulation,
) -> Scaling {
    let service_names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let mut scaling = Scaling::default();
    let mut targets: Vec<usize> = Vec::new();
    if let Some((k, n)) = nodes.scalable_targets {
        cx.not_simulated("scalable_targets", k);
        if let Some(items) = reader::array(cx, n) {
            scaling.scalable_targets = items.len();
            for item in items {
                let Some(mut t) = Table::new(cx, item, "[[scalable_targets]] entry") else {
                    continue;
                };
                let svc_node = t.required(cx, "service");
                let svc = svc_node.and_then(|s| reader::resolve(cx, s, &service_names, "service"));
                let min = t.req_u32(cx, "min_capacity", 0, u32::MAX);
                let max_node = t.required(cx, "max_capacity");
                let max = max_node.and_then(|m| reader::u32_in(cx, m, 0, u32::MAX));
                t.finish(
                    cx,
                    &[
                        "service_namespace",
                        "resource_id",
                        "scalable_dimension",
                        "role_arn",
                        "suspended_state",
                        "tags",
                    ],
                );
                if let (Some(lo), Some(hi), Some(mn)) = (min, max, max_node)
                    && lo > hi
                {
                    cx.error(
                        mn,
                        format!("max_capacity {hi} is below min_capacity {lo}"),
                        Some("make min_capacity ≤ max_capacity".into()),
                    );
                }
                if let (Some(s), Some(sn)) = (svc, svc_node) {
                    if services[s].scheduling_strategy == super::model::SchedulingStrategy::Daemon {
                        cx.error(
                            sn,
                            format!(
                                "service `{}` is a DAEMON service, which Auto Scaling cannot scale",
                                services[s].name
                            ),
                            Some("scale REPLICA services only".into()),
                        );
                    }
                    if targets.contains(&s) {
                        cx.error(
                            sn,
                            format!(
                                "service `{}` already has a scalable target",
                                services[s].name
                            ),
                            Some("merge the two entries".into()),
                        );
                    }
                    targets.push(s);
                }
            }
        }
    }
    let needs_target = |cx: &mut Cx, s: usize, at: &Node| {
        if !targets.contains(&s) {
            cx.error(
                at,
                format!("service `{}` has no scalable target", services[s].name),
                Some(format!(
                    "add [[scalable_targets]] with service = \"{}\", min_capacity and max_capacity",
                    services[s].name
                )),
            );
        }
    };
    let mut policies: Vec<(String, bool, &Node)> = Vec::new(); // (name, is_step, node)
    if let Some((k, n)) = nodes.scaling_policies {
        cx.not_simulated("scaling_policies", k);
        if let Some(items) = reader::array(cx, n) {
            scaling.scaling_policies = items.len();
            for item in items {
                let Some(mut t) = Table::new(cx, item, "[[scaling_policies]] entry") else {
                    continue;
                };
                t.alias(cx, "name", "policy_name");
                let name = t.req_str(cx, "name").unwrap_or_default();
                t.set_what(format!("scaling policy `{name}`"));
                let svc_node = t.required(cx, "service");
                let svc = svc_node.and_then(|s| reader::resolve(cx, s, &service_names, "service"));
                if let (Some(s), Some(sn)) = (svc, svc_node) {
                    needs_target(cx, s, sn);
                }
                let ty_node = t.required(cx, "policy_type");
                let ty = ty_node.and_then(|p| {
                    reader::enumeration(
                        cx,
                        p,
                        &["TargetTrackingScaling", "StepScaling", "PredictiveScaling"],
                    )
                });
                let tt = t.get("target_tracking_scaling_policy_configuration");
                let step = t.get("step_scaling_policy_configuration");
                match ty {
                    Some("TargetTrackingScaling") => {
                        if let Some(s) = step {
                            cx.error(s, "a TargetTrackingScaling policy takes no step_scaling_policy_configuration", Some("remove it, or use policy_type = \"StepScaling\"".into()));
                        }
                        match tt {
                            Some(c) => target_tracking(cx, c, svc.map(|s| &services[s]), target_groups),
                            None => cx.error(item, format!("scaling policy `{name}` needs target_tracking_scaling_policy_configuration"), Some("add target_tracking_scaling_policy_configuration = { target_value = 50, predefined_metric_specification = { predefined_metric_type = \"ECSServiceAverageCPUUtilization\" } }".into())),
                        }
                    }
                    Some("StepScaling") => {
                        if let Some(s) = tt {
                            cx.error(s, "a StepScaling policy takes no target_tracking_scaling_policy_configuration", Some("remove it, or use policy_type = \"TargetTrackingScaling\"".into()));
                        }
                        match step {
                            Some(c) => step_scaling(cx, c),
                            None => cx.error(item, format!("scaling policy `{name}` needs step_scaling_policy_configuration"), Some("add step_scaling_policy_configuration = { adjustment_type = \"ChangeInCapacity\", step_adjustments = [{ metric_interval_lower_bound = 0, scaling_adjustment = 1 }] }".into())),
                        }
                    }
                    Some(_) => cx.error(
                        ty_node.unwrap_or(item),
                        "PredictiveScaling is not simulated",
                        Some("use TargetTrackingScaling or StepScaling".into()),
                    ),
                    None => {}
                }
                let name_node = t.get("name");
                t.finish(
                    cx,
                    &[
                        "service_namespace",
                        "resource_id",
                        "scalable_dimension",
                        "predictive_scaling_policy_configuration",
                    ],
                );
                if let Some(nn) = name_node {
                    policies.push((name, ty == Some("StepScaling"), nn));
                }
            }
        }
    }
    let policy_names: Vec<(String, &Node)> = policies
        .iter()
        .map(|(n, _, node)| (n.clone(), *node))
        .collect();
    reader::check_duplicates(cx, &policy_names, "scaling policy");
    if let Some((k, n)) = nodes.alarms {
        cx.not_simulated("alarms", k);
        if let Some(items) = reader::array(cx, n) {
            scaling.alarms = items.len();
            let mut names: Vec<(String, &Node)> = Vec::new();
            for item in items {
                if let Some(name) = alarm(cx, item, &policies) {
                    names.push(name);
                }
            }
            reader::check_duplicates(cx, &names, "alarm");
        }
    }
    if let Some((k, n)) = nodes.scheduled_actions {
        cx.not_simulated("scheduled_actions", k);
        if let Some(items) = reader::array(cx, n) {
            scaling.scheduled_actions = items.len();
            for item in items {
                let Some(mut t) = Table::new(cx, item, "[[scheduled_actions]] entry") else {
                    continue;
                };
                t.alias(cx, "name", "scheduled_action_name");
                t.str(cx, "name");
                t.flatten(cx, "scalable_target_action");
                let svc_node = t.required(cx, "service");
                if let Some((s, sn)) = svc_node
                    .and_then(|sn| Some((reader::resolve(cx, sn, &service_names, "service")?, sn)))
                {
                    needs_target(cx, s, sn);
                }
                t.required(cx, "schedule")
                    .and_then(|s| scheduled_tasks::schedule(cx, s, sim));
                let min = t.u32(cx, "min_capacity", 0, u32::MAX);
                let max_node = t.get("max_capacity");
                let max = max_node.and_then(|m| reader::u32_in(cx, m, 0, u32::MAX));
                if t.key("min_capacity").is_none() && max_node.is_none() {
                    t.absent_fields(
                        cx,
                        &["min_capacity", "max_capacity"],
                        "a scheduled action sets min_capacity and/or max_capacity",
                        "add min_capacity = … or max_capacity = …",
                    );
                }
                if let (Some(lo), Some(hi), Some(mn)) = (min, max, max_node)
                    && lo > hi
                {
                    cx.error(
                        mn,
                        format!("max_capacity {hi} is below min_capacity {lo}"),
                        Some("make min_capacity ≤ max_capacity".into()),
                    );
                }
                if let Some(tz) = t.get("timezone")
                    && let Some(z) = reader::string(cx, tz)
                    && z != "UTC"
                    && z != "Etc/UTC"
                {
                    cx.error(
                        tz,
                        format!("time zone `{z}` is not supported yet"),
                        Some("schedules run in UTC; convert the times and remove timezone".into()),
                    );
                }
                t.finish(
                    cx,
                    &[
                        "service_namespace",
                        "resource_id",
                        "scalable_dimension",
                        "start_time",
                        "end_time",
                    ],
                );
            }
        }
    }
    scaling
}

const PREDEFINED: [&str; 5] = [
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "ECSServiceAverageCPUUtilizationHighResolution",
    "ECSServiceAverageMemoryUtilizationHighResolution",
];

fn target_tracking(cx: &mut Cx, n: &Node, service: Option<&Service>, target_groups: &[String]) {
    let Some(mut t) = Table::new(cx, n, "target_tracking_scaling_policy_configuration") else {
        return;
    };
    t.required(cx, "target_value")
        .and_then(|v| reader::number(cx, v, 8.515920e-109, 1.174271e108));
    let pre = t.get("predefined_metric_specification");
    let custom = t.get("customized_metric_specification");
    match (pre, custom) {
        (Some(_), Some(c)) => cx.error(c, "give either predefined_metric_specification or customized_metric_specification, not both", Some("keep one".into())),
        (None, None) => cx.error(n, "target tracking needs a metric", Some("add predefined_metric_specification = { predefined_metric_type = \"ECSServiceAverageCPUUtilization\" }".into())),
        (Some(p), None) => predefined(cx, p, service, target_groups),
        (None, Some(c)) => customized(cx, c),
    }
    t.u32(cx, "scale_out_cooldown", 0, MAX_COOLDOWN_SECONDS);
    t.u32(cx, "scale_in_cooldown", 0, MAX_COOLDOWN_SECONDS);
    t.bool(cx, "disable_scale_in");
    t.finish(cx, &[]);
}

fn predefined(cx: &mut Cx, n: &Node, service: Option<&Service>, target_groups: &[String]) {
    let Some(mut t) = Table::new(cx, n, "predefined_metric_specification") else {
        return;
    };
    let ty = t
        .required(cx, "predefined_metric_type")
        .and_then(|v| reader::enumeration(cx, v, &PREDEFINED));
    let label = t.get("resource_label");
    t.finish(cx, &[]);
    match (ty, label) {
        (Some("ALBRequestCountPerTarget"), None) => cx.error(n, "ALBRequestCountPerTarget needs a resource_label", Some("add resource_label = \"app/<lb>/<id>/targetgroup/<name>/<id>\" (or the target group name)".into())),
        (Some("ALBRequestCountPerTarget"), Some(l)) => {
            if let (Some(tg), Some(s)) = (super::target_groups::resolve(cx, l, target_groups), service)
                && !s.load_balancers.iter().any(|lb| lb.target_group == tg) {
                    cx.error(l, format!("target group `{}` is not attached to service `{}`", target_groups[tg], s.name), Some("add it to the service's load_balancers".into()));
                }
        }
        (Some(_), Some(l)) => cx.error(l, "resource_label applies to ALBRequestCountPerTarget only", Some("remove it".into())),
        _ => {}
    }
}

fn customized(cx: &mut Cx, n: &Node) {
    let Some(mut t) = Table::new(cx, n, "customized_metric_specification") else {
        return;
    };
    t.req_str(cx, "metric_name");
    t.req_str(cx, "namespace");
    t.required(cx, "statistic")
        .and_then(|s| reader::enumeration(cx, s, &STATISTICS));
    if let Some(d) = t.get("dimensions") {
        dimensions(cx, d);
    }
    t.finish(cx, &["unit", "metrics"]);
}

const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

fn dimensions(cx: &mut Cx, n: &Node) {
    let Some(items) = reader::array(cx, n) else {
        return;
    };
    for item in items {
        if let Some(mut t) = Table::new(cx, item, "dimension") {
            t.req_str(cx, "name");
            t.req_str(cx, "value");
            t.finish(cx, &[]);
        }
    }
}

fn step_scaling(cx: &mut Cx, n: &Node) {
    let Some(mut t) = Table::new(cx, n, "step_scaling_policy_configuration") else {
        return;
    };
    let adj = t.required(cx, "adjustment_type").and_then(|a| {
        reader::enumeration(
            cx,
            a,
            &[
                "ChangeInCapacity",
                "PercentChangeInCapacity",
                "ExactCapacity",
            ],
        )
    });
    t.u32(cx, "cooldown", 0, MAX_COOLDOWN_SECONDS);
    t.enumeration(
        cx,
        "metric_aggregation_type",
        &["Average", "Minimum", "Maximum"],
    );
    if let Some(m) = t.get("min_adjustment_magnitude") {
        reader::u32_in(cx, m, 1, u32::MAX);
        if adj.is_some_and(|a| a != "PercentChangeInCapacity") {
            cx.error(
                m,
                "min_adjustment_magnitude applies to PercentChangeInCapacity only",
                Some("remove it, or use adjustment_type = \"PercentChangeInCapacity\"".into()),
            );
        }
    }
    if let Some(s) = t.required(cx, "step_adjustments") {
        step_adjustments(cx, s, adj == Some("ExactCapacity"));
    }
    t.finish(cx, &[]);
}

/// (lower, upper) bounds of each step; `None` is ∓∞.
fn step_adjustments(cx: &mut Cx, n: &Node, exact: bool) {
    let Some(items) = reader::array(cx, n) else {
        return;
    };
    if items.is_empty() || items.len() > MAX_STEP_ADJUSTMENTS {
        cx.error(
            n,
            format!(
                "a policy has 1 to {MAX_STEP_ADJUSTMENTS} step adjustments, found {}",
                items.len()
            ),
            Some("list between 1 and 20 steps".into()),
        );
        return;
    }
    let mark = cx.diags.len();
    let mut steps: Vec<(Option<f64>, Option<f64>, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "step adjustment") else {
            continue;
        };
        let lo = t.f64(cx, "metric_interval_lower_bound", f64::MIN, f64::MAX);
        let hi = t.f64(cx, "metric_interval_upper_bound", f64::MIN, f64::MAX);
        let adj = t
            .required(cx, "scaling_adjustment")
            .and_then(|a| reader::integer(cx, a, i64::from(i32::MIN), i64::from(i32::MAX)));
        t.finish(cx, &[]);
        if let (true, Some(a)) = (exact, adj)
            && a < 0
        {
            cx.error(
                item.get("scaling_adjustment").unwrap_or(item),
                "an ExactCapacity adjustment cannot be negative",
                Some("write the capacity to set, ≥ 0".into()),
            );
        }
        match (lo, hi) {
            (None, None) => cx.error(
                item,
                "a step cannot have both bounds open",
                Some("set metric_interval_lower_bound or metric_interval_upper_bound".into()),
            ),
            (Some(l), Some(h)) if l >= h => cx.error(
                item,
                format!("lower bound {l} is not below upper bound {h}"),
                Some("make lower < upper".into()),
            ),
            _ => steps.push((lo, hi, item)),
        }
    }
    if cx.failed_since(mark) {
        return;
    }
    for (which, count) in [
        ("lower", steps.iter().filter(|s| s.0.is_none()).count()),
        ("upper", steps.iter().filter(|s| s.1.is_none()).count()),
    ] {
        if count > 1 {
            cx.error(
                n,
                format!("{count} steps leave their {which} bound open; at most one may"),
                Some("give the other steps explicit bounds".into()),
            );
            return;
        }
    }
    steps.sort_by(|a, b| {
        a.0.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.0.unwrap_or(f64::NEG_INFINITY))
    });
    for pair in steps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (a_hi, b_lo) = (
            a.1.unwrap_or(f64::INFINITY),
            b.0.unwrap_or(f64::NEG_INFINITY),
        );
        if a_hi != b_lo {
            let what = if a_hi > b_lo {
                "overlaps"
            } else {
                "leaves a gap after"
            };
            cx.error(
                b.2,
                format!("this step {what} the step ending at {a_hi}"),
                Some(format!("start it at metric_interval_lower_bound = {a_hi}")),
            );
        }
    }
}

const COMPARISONS: [&str; 7] = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

fn alarm<'n>(
    cx: &mut Cx,
    item: &'n Node,
    policies: &[(String, bool, &Node)],
) -> Option<(String, &'n Node)> {
    let mut t = Table::new(cx, item, "[[alarms]] entry")?;
    let name = t.req_str(cx, "alarm_name").unwrap_or_default();
    t.set_what(format!("alarm `{name}`"));
    t.req_str(cx, "namespace");
    t.req_str(cx, "metric_name");
    if let Some(d) = t.get("dimensions") {
        dimensions(cx, d);
    }
    t.required(cx, "statistic")
        .and_then(|s| reader::enumeration(cx, s, &STATISTICS));
    let period_node = t.required(cx, "period");
    let period = period_node.and_then(|p| reader::u32_in(cx, p, 1, u32::MAX));
    if let (Some(p), Some(pn)) = (period, period_node)
        && !matches!(p, 10 | 20 | 30)
        && p % 60 != 0
    {
        cx.error(
            pn,
            format!("period {p} is not 10, 20, 30 or a multiple of 60"),
            Some(format!("write e.g. {}", (p / 60).max(1) * 60)),
        );
    }
    let eval_node = t.required(cx, "evaluation_periods");
    let eval = eval_node.and_then(|e| reader::u32_in(cx, e, 1, u32::MAX));
    if let (Some(p), Some(e), Some(en)) = (period, eval, eval_node) {
        let window = u64::from(p) * u64::from(e);
        let limit = if p < 3600 {
            MAX_EVALUATION_WINDOW_SHORT_PERIOD_SECONDS
        } else {
            MAX_EVALUATION_WINDOW_SECONDS
        };
        if window > limit {
            cx.error(en, format!("period × evaluation_periods is {window} s; the limit is {limit} s for this period"), Some(format!("use at most {} evaluation periods", limit / u64::from(p))));
        }
    }
    if let Some(d) = t.get("datapoints_to_alarm") {
        reader::u32_in(cx, d, 1, eval.unwrap_or(u32::MAX));
    }
    t.required(cx, "threshold")
        .and_then(|v| reader::number(cx, v, f64::MIN, f64::MAX));
    let cmp_node = t.required(cx, "comparison_operator");
    if let (Some(c), Some(cn)) = (
        cmp_node.and_then(|c| reader::enumeration(cx, c, &COMPARISONS)),
        cmp_node,
    ) && (c.contains("Lower") || c.contains("Upper"))
    {
        cx.error(
            cn,
            format!("{c} (anomaly detection) is not simulated"),
            Some("use a static threshold comparison such as GreaterThanOrEqualToThreshold".into()),
        );
    }
    t.enumeration(
        cx,
        "treat_missing_data",
        &["missing", "breaching", "notBreaching", "ignore"],
    );
    let step_policies: Vec<String> = policies.iter().map(|(n, _, _)| n.clone()).collect();
    for field in ["alarm_actions", "ok_actions"] {
        if let Some(items) = t.array(cx, field) {
            for a in items {
                if let Some(i) = reader::resolve(cx, a, &step_policies, "scaling policy")
                    && !policies[i].1
                {
                    cx.error(
                        a,
                        format!(
                            "`{}` is a target tracking policy; it creates its own alarms",
                            policies[i].0
                        ),
                        Some("alarm actions name step scaling policies".into()),
                    );
                }
            }
        }
    }
    t.finish(
        cx,
        &[
            "alarm_description",
            "actions_enabled",
            "insufficient_data_actions",
            "unit",
            "extended_statistic",
            "evaluate_low_sample_count_percentile",
            "metrics",
            "tags",
            "threshold_metric_id",
            "evaluation_window",
            "warm_up_configuration",
            "evaluation_criteria",
            "evaluation_interval",
            "action_configuration",
        ],
    );
    item.get("alarm_name").map(|n| (name, n))
}
