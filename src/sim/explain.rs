//! `ecsim explain`: the run's decisions as plain sentences, in order (SPEC §1).
//!
//! The narration is recorded during the run by the controllers (each placement with its explanation, each
//! scheduler action, each lifecycle step) and by the recorder (every row of `events.csv`); this module only
//! lays it out, with a header that shows what each service's placement expands to.

use crate::scenario::{
    PlacementConstraint, PlacementStrategy, Scenario, SchedulingStrategy, SpreadField,
};

use super::RunOutput;

/// `binpack(memory)`, `spread(attribute:ecs.availability-zone)`, `random`.
pub fn strategy_text(s: &PlacementStrategy) -> String {
    match s {
        PlacementStrategy::Binpack(f) => format!(
            "binpack({})",
            match f {
                crate::scenario::BinpackField::Cpu => "cpu",
                crate::scenario::BinpackField::Memory => "memory",
            }
        ),
        PlacementStrategy::Spread(SpreadField::InstanceId) => "spread(instanceId)".to_string(),
        PlacementStrategy::Spread(SpreadField::Attribute(a)) => format!("spread(attribute:{a})"),
        PlacementStrategy::Random => "random".to_string(),
    }
}

/// `distinctInstance`, `memberOf(<expression>)`.
pub fn constraint_text(c: &PlacementConstraint) -> String {
    match c {
        PlacementConstraint::DistinctInstance => "distinctInstance".to_string(),
        PlacementConstraint::MemberOf(e) => format!("memberOf({e})"),
    }
}

/// The lines `explain` prints.
pub fn render(scenario: &Scenario, out: &RunOutput) -> Vec<String> {
    let mut lines = vec![format!(
        "Scenario {:?}, seed {}.",
        scenario.name, out.recorded.manifest.seed
    )];
    for s in &scenario.services {
        let kind = match s.scheduling_strategy {
            SchedulingStrategy::Replica => format!("REPLICA, desired count {}", s.desired_count),
            SchedulingStrategy::Daemon => {
                "DAEMON: one task on every ACTIVE instance that satisfies its constraints"
                    .to_string()
            }
        };
        let placement = if s.scheduling_strategy == SchedulingStrategy::Daemon {
            "one task per instance".to_string()
        } else if s.placement.strategy_given {
            let list = s
                .placement
                .strategy
                .iter()
                .map(strategy_text)
                .collect::<Vec<_>>()
                .join(", then ");
            match &s.placement.template {
                Some(t) => format!("console template {t:?} = {list}"),
                None => list,
            }
        } else {
            "the default: spread across Availability Zones, then the instance with the fewest tasks of the service".to_string()
        };
        let mut line = format!("Service {} ({kind}); placement: {placement}", s.name);
        if !s.placement.constraints.is_empty() {
            let c = s
                .placement
                .constraints
                .iter()
                .map(constraint_text)
                .collect::<Vec<_>>()
                .join(", ");
            line.push_str(&format!("; constraints: {c}"));
        }
        line.push('.');
        lines.push(line);
    }
    for (t, sentence) in &out.narration {
        let mut parts = sentence.lines();
        let first = parts.next().unwrap_or_default();
        lines.push(format!("{:>12} {first}", t.secs_3dp() + "s"));
        for more in parts {
            lines.push(format!("{:>12}   {more}", ""));
        }
    }
    lines
}
