//! Placement strategies, constraints and console templates: parsing from AWS spellings, limits, defaults.

use std::fmt;

use super::error::PlacementConfigError;
use crate::query::{self, Expr};

/// Maximum strategy rules per RunTask / CreateService (*current* API; BC-ECS RunTaskRequest.placementStrategy).
pub const MAX_PLACEMENT_STRATEGIES: usize = 5;
/// Maximum constraints per task, task-definition and run-time constraints together (BC-ECS).
pub const MAX_PLACEMENT_CONSTRAINTS: usize = 10;
/// Maximum length of a `memberOf` expression, characters (BC-ECS PlacementConstraint.expression).
pub const MAX_MEMBER_OF_EXPRESSION_CHARS: usize = 2000;
/// The built-in attribute naming an instance's Availability Zone (DG:task-placement-constraints).
pub const AVAILABILITY_ZONE_ATTRIBUTE: &str = "ecs.availability-zone";

/// The field a `binpack` rule packs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinpackField {
    /// CPU units.
    Cpu,
    /// Memory, MiB.
    Memory,
}

/// The field a `spread` rule balances over.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SpreadField {
    /// `instanceId` (or its alias `host`): one value per instance.
    InstanceId,
    /// `attribute:<name>`; the name is stored without the prefix.
    Attribute(String),
}

/// One placement strategy rule (BC-ECS PlacementStrategy). Rules chain lexicographically (§1.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlacementStrategy {
    /// The candidate with the least remaining amount of the field that still fits the task.
    Binpack(BinpackField),
    /// Balance the count of tasks of the group across the distinct values of the field.
    Spread(SpreadField),
    /// Uniformly random.
    Random,
}

impl PlacementStrategy {
    /// Parses an AWS `{type, field}` pair: `binpack` with `cpu`|`memory`, `spread` with `instanceId`|`host`|
    /// `attribute:<name>`, `random` without a field.
    pub fn parse(kind: &str, field: Option<&str>) -> Result<Self, PlacementConfigError> {
        match kind {
            "binpack" => match field {
                Some("cpu") => Ok(PlacementStrategy::Binpack(BinpackField::Cpu)),
                Some("memory") => Ok(PlacementStrategy::Binpack(BinpackField::Memory)),
                Some(f) => Err(PlacementConfigError::new(
                    format!("binpack field `{f}` is not valid"),
                    match f.to_ascii_lowercase().as_str() {
                        "cpu" => "write `cpu` in lower case".to_owned(),
                        "memory" => "write `memory` in lower case".to_owned(),
                        _ => "binpack takes field `cpu` or `memory`".to_owned(),
                    },
                )),
                None => Err(PlacementConfigError::new(
                    "binpack needs a field",
                    "add field = \"memory\" or field = \"cpu\"",
                )),
            },
            "spread" => match field {
                Some("instanceId" | "host") => {
                    Ok(PlacementStrategy::Spread(SpreadField::InstanceId))
                }
                Some(f) => match f.strip_prefix("attribute:") {
                    Some(name) if !name.is_empty() => Ok(PlacementStrategy::Spread(
                        SpreadField::Attribute(name.to_owned()),
                    )),
                    _ => Err(PlacementConfigError::new(
                        format!("spread field `{f}` is not valid"),
                        if f.eq_ignore_ascii_case("instanceid") {
                            "write `instanceId` (camel case) or `host`".to_owned()
                        } else {
                            format!(
                                "spread takes `instanceId`, `host` or `attribute:<name>`, e.g. \
                                 `attribute:{AVAILABILITY_ZONE_ATTRIBUTE}`"
                            )
                        },
                    )),
                },
                None => Err(PlacementConfigError::new(
                    "spread needs a field",
                    format!(
                        "add field = \"attribute:{AVAILABILITY_ZONE_ATTRIBUTE}\" or field = \"instanceId\""
                    ),
                )),
            },
            "random" => match field {
                None => Ok(PlacementStrategy::Random),
                Some(f) => Err(PlacementConfigError::new(
                    format!("random takes no field, got `{f}`"),
                    "remove the field",
                )),
            },
            other => Err(PlacementConfigError::new(
                format!("placement strategy type `{other}` is not valid"),
                match other.to_ascii_lowercase().as_str() {
                    "binpack" | "spread" | "random" => "write the type in lower case".to_owned(),
                    _ => "use `binpack`, `spread` or `random`".to_owned(),
                },
            )),
        }
    }

    /// spread(`attribute:ecs.availability-zone`).
    pub fn spread_availability_zone() -> Self {
        PlacementStrategy::Spread(SpreadField::Attribute(
            AVAILABILITY_ZONE_ATTRIBUTE.to_owned(),
        ))
    }
}

impl fmt::Display for PlacementStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacementStrategy::Binpack(BinpackField::Cpu) => f.write_str("binpack(cpu)"),
            PlacementStrategy::Binpack(BinpackField::Memory) => f.write_str("binpack(memory)"),
            PlacementStrategy::Spread(SpreadField::InstanceId) => f.write_str("spread(instanceId)"),
            PlacementStrategy::Spread(SpreadField::Attribute(a)) => {
                write!(f, "spread(attribute:{a})")
            }
            PlacementStrategy::Random => f.write_str("random"),
        }
    }
}

/// Checks the number of strategy rules against [`MAX_PLACEMENT_STRATEGIES`].
pub fn validate_strategies(strategies: &[PlacementStrategy]) -> Result<(), PlacementConfigError> {
    if strategies.len() > MAX_PLACEMENT_STRATEGIES {
        return Err(PlacementConfigError::new(
            format!("{} placement strategy rules given", strategies.len()),
            format!(
                "ECS allows at most {MAX_PLACEMENT_STRATEGIES}; remove rules that can never break a tie"
            ),
        ));
    }
    Ok(())
}

/// The default for a REPLICA service on EC2 with no strategy (§1.2, §1.4): spread across AZs, then prefer the
/// instance with the fewest tasks of the service, which is exactly spread(AZ) followed by spread(instanceId).
/// Scale-in with the same list stops from the AZ with the most tasks, then the instance with the most.
pub fn default_service_strategies() -> Vec<PlacementStrategy> {
    vec![
        PlacementStrategy::spread_availability_zone(),
        PlacementStrategy::Spread(SpreadField::InstanceId),
    ]
}

/// The default for RunTask through the API (§1.2, DG:scheduling_tasks): random.
pub fn default_run_task_strategies() -> Vec<PlacementStrategy> {
    vec![PlacementStrategy::Random]
}

/// One placement constraint (BC-ECS PlacementConstraint). Constraints are binding (§1.1).
#[derive(Clone, Debug)]
pub enum PlacementConstraint {
    /// Each task of the group on a different instance.
    DistinctInstance,
    /// Only instances matching the cluster query expression.
    MemberOf(Expr),
}

impl PlacementConstraint {
    /// Parses an AWS `{type, expression}` pair: `distinctInstance` (no expression) or `memberOf` (an
    /// expression of at most [`MAX_MEMBER_OF_EXPRESSION_CHARS`] characters).
    pub fn parse(kind: &str, expression: Option<&str>) -> Result<Self, PlacementConfigError> {
        match (kind, expression) {
            ("distinctInstance", None) => Ok(PlacementConstraint::DistinctInstance),
            ("distinctInstance", Some(_)) => Err(PlacementConfigError::new(
                "distinctInstance takes no expression",
                "remove the expression, or use memberOf",
            )),
            ("memberOf", Some(src)) => {
                let chars = src.chars().count();
                if chars > MAX_MEMBER_OF_EXPRESSION_CHARS {
                    return Err(PlacementConfigError::new(
                        format!("memberOf expression is {chars} characters long"),
                        format!("ECS allows at most {MAX_MEMBER_OF_EXPRESSION_CHARS}"),
                    ));
                }
                query::parse(src).map(PlacementConstraint::MemberOf).map_err(|e| {
                    PlacementConfigError::new(
                        format!("memberOf expression `{src}` is not valid: {e}"),
                        "see the cluster query language: `attribute:ecs.instance-type == t2.small`",
                    )
                })
            }
            ("memberOf", None) => Err(PlacementConfigError::new(
                "memberOf needs an expression",
                "add expression = \"attribute:ecs.instance-type == t2.small\"",
            )),
            (other, _) => Err(PlacementConfigError::new(
                format!("placement constraint type `{other}` is not valid"),
                "use `distinctInstance` or `memberOf`",
            )),
        }
    }
}

impl fmt::Display for PlacementConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacementConstraint::DistinctInstance => f.write_str("distinctInstance"),
            PlacementConstraint::MemberOf(e) => write!(f, "memberOf({e})"),
        }
    }
}

/// Checks the number of constraints against [`MAX_PLACEMENT_CONSTRAINTS`].
pub fn validate_constraints(
    constraints: &[PlacementConstraint],
) -> Result<(), PlacementConfigError> {
    if constraints.len() > MAX_PLACEMENT_CONSTRAINTS {
        return Err(PlacementConfigError::new(
            format!("{} placement constraints given", constraints.len()),
            format!(
                "ECS allows at most {MAX_PLACEMENT_CONSTRAINTS}, task definition and run-time constraints together"
            ),
        ));
    }
    Ok(())
}

/// A console placement template (§14). `Custom` is not a template: give the strategy list directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlacementTemplate {
    /// spread(`attribute:ecs.availability-zone`), spread(`instanceId`).
    AzBalancedSpread,
    /// spread(`attribute:ecs.availability-zone`), binpack(`memory`).
    AzBalancedBinPack,
    /// binpack(`memory`).
    BinPack,
    /// The `distinctInstance` constraint.
    OneTaskPerHost,
}

impl PlacementTemplate {
    /// Every template, in console order.
    pub const ALL: [PlacementTemplate; 4] = [
        PlacementTemplate::AzBalancedSpread,
        PlacementTemplate::AzBalancedBinPack,
        PlacementTemplate::BinPack,
        PlacementTemplate::OneTaskPerHost,
    ];

    /// The console name (`AZ Balanced Spread`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PlacementTemplate::AzBalancedSpread => "AZ Balanced Spread",
            PlacementTemplate::AzBalancedBinPack => "AZ Balanced BinPack",
            PlacementTemplate::BinPack => "BinPack",
            PlacementTemplate::OneTaskPerHost => "One Task Per Host",
        }
    }

    /// Parses a console name exactly as the console writes it.
    pub fn parse(name: &str) -> Result<Self, PlacementConfigError> {
        if let Some(t) = Self::ALL.into_iter().find(|t| t.name() == name) {
            return Ok(t);
        }
        let hint = if let Some(t) = Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
        {
            format!("did you mean `{}`?", t.name())
        } else if name.eq_ignore_ascii_case("custom") {
            "`Custom` is not a template: give placement_strategy and placement_constraints directly"
                .to_owned()
        } else {
            "use `AZ Balanced Spread`, `AZ Balanced BinPack`, `BinPack` or `One Task Per Host`"
                .to_owned()
        };
        Err(PlacementConfigError::new(
            format!("unknown placement template `{name}`"),
            hint,
        ))
    }

    /// The strategies and constraints the template stands for (§14).
    pub fn expand(self) -> (Vec<PlacementStrategy>, Vec<PlacementConstraint>) {
        match self {
            PlacementTemplate::AzBalancedSpread => (default_service_strategies(), vec![]),
            PlacementTemplate::AzBalancedBinPack => (
                vec![
                    PlacementStrategy::spread_availability_zone(),
                    PlacementStrategy::Binpack(BinpackField::Memory),
                ],
                vec![],
            ),
            PlacementTemplate::BinPack => (
                vec![PlacementStrategy::Binpack(BinpackField::Memory)],
                vec![],
            ),
            PlacementTemplate::OneTaskPerHost => {
                (vec![], vec![PlacementConstraint::DistinctInstance])
            }
        }
    }
}

impl fmt::Display for PlacementTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &[PlacementStrategy]) -> Vec<String> {
        s.iter().map(ToString::to_string).collect()
    }

    // §1.3: `host` is the same field as `instanceId`.
    #[test]
    fn spread_host_parses_as_instance_id() {
        assert_eq!(
            PlacementStrategy::parse("spread", Some("host")).unwrap(),
            PlacementStrategy::Spread(SpreadField::InstanceId)
        );
        assert_eq!(
            PlacementStrategy::parse("spread", Some("attribute:ecs.availability-zone")).unwrap(),
            PlacementStrategy::spread_availability_zone()
        );
        assert_eq!(
            PlacementStrategy::parse("binpack", Some("memory")).unwrap(),
            PlacementStrategy::Binpack(BinpackField::Memory)
        );
        assert_eq!(
            PlacementStrategy::parse("random", None).unwrap(),
            PlacementStrategy::Random
        );
    }

    #[test]
    fn bad_strategy_spellings_get_a_hint() {
        let e = PlacementStrategy::parse("binpack", Some("MEMORY")).unwrap_err();
        assert_eq!(e.hint, "write `memory` in lower case");
        let e = PlacementStrategy::parse("spread", Some("instanceid")).unwrap_err();
        assert_eq!(e.hint, "write `instanceId` (camel case) or `host`");
        let e = PlacementStrategy::parse("Spread", Some("host")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "placement strategy type `Spread` is not valid (hint: write the type in lower case)"
        );
        assert!(PlacementStrategy::parse("random", Some("cpu")).is_err());
    }

    // §1.2: at most 5 strategy rules and 10 constraints.
    #[test]
    fn more_than_5_strategies_or_10_constraints_are_rejected() {
        assert!(validate_strategies(&vec![PlacementStrategy::Random; 5]).is_ok());
        assert!(validate_strategies(&vec![PlacementStrategy::Random; 6]).is_err());
        assert!(validate_constraints(&vec![PlacementConstraint::DistinctInstance; 10]).is_ok());
        assert!(validate_constraints(&vec![PlacementConstraint::DistinctInstance; 11]).is_err());
    }

    // §1.2: distinctInstance takes no expression; memberOf needs one of at most 2000 characters.
    #[test]
    fn constraint_parsing_follows_the_api_rules() {
        assert!(matches!(
            PlacementConstraint::parse("distinctInstance", None),
            Ok(PlacementConstraint::DistinctInstance)
        ));
        assert!(PlacementConstraint::parse("distinctInstance", Some("x")).is_err());
        assert!(PlacementConstraint::parse("memberOf", None).is_err());
        let long = format!("attribute:a == {}", "x".repeat(2000));
        assert_eq!(
            PlacementConstraint::parse("memberOf", Some(&long))
                .unwrap_err()
                .message,
            "memberOf expression is 2015 characters long"
        );
        let c = PlacementConstraint::parse(
            "memberOf",
            Some("attribute:ecs.instance-type == g2.2xlarge"),
        )
        .unwrap();
        assert_eq!(
            c.to_string(),
            "memberOf(attribute:ecs.instance-type == g2.2xlarge)"
        );
    }

    // §14: the console templates and what they expand to.
    #[test]
    fn console_templates_expand_as_the_console_defines_them() {
        let (s, c) = PlacementTemplate::parse("AZ Balanced Spread")
            .unwrap()
            .expand();
        assert_eq!(
            names(&s),
            [
                "spread(attribute:ecs.availability-zone)",
                "spread(instanceId)"
            ]
        );
        assert!(c.is_empty());
        let (s, _) = PlacementTemplate::parse("AZ Balanced BinPack")
            .unwrap()
            .expand();
        assert_eq!(
            names(&s),
            ["spread(attribute:ecs.availability-zone)", "binpack(memory)"]
        );
        let (s, _) = PlacementTemplate::parse("BinPack").unwrap().expand();
        assert_eq!(names(&s), ["binpack(memory)"]);
        let (s, c) = PlacementTemplate::parse("One Task Per Host")
            .unwrap()
            .expand();
        assert!(s.is_empty());
        assert_eq!(
            c.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["distinctInstance"]
        );
        assert_eq!(
            PlacementTemplate::parse("binpack").unwrap_err().hint,
            "did you mean `BinPack`?"
        );
        assert!(
            PlacementTemplate::parse("Custom")
                .unwrap_err()
                .hint
                .starts_with("`Custom` is not a template")
        );
    }

    // §1.2 / §1.4: the service default is spread(AZ) then fewest tasks of the service per instance; RunTask's
    // is random.
    #[test]
    fn defaults_are_az_spread_then_instance_spread_for_services_and_random_for_run_task() {
        assert_eq!(
            names(&default_service_strategies()),
            [
                "spread(attribute:ecs.availability-zone)",
                "spread(instanceId)"
            ]
        );
        assert_eq!(names(&default_run_task_strategies()), ["random"]);
    }
}
