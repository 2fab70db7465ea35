//! Cluster, instance types, Auto Scaling groups, capacity providers, strategies and `[fargate]`.

use super::*;

fn asg(fields: &str) -> String {
    format!(
        "{BASE}[[auto_scaling_groups]]\nname = \"g\"\ninstance_types = [\"m5.large\"]\n{fields}"
    )
}

#[test]
fn cluster_zones_must_belong_to_the_region() {
    let d = one_error(&format!(
        "{BASE}[cluster]\navailability_zones = [\"us-east-1a\", \"eu-west-1b\"]\n"
    ));
    assert_eq!(
        d.message,
        "`eu-west-1b` is not an availability zone of region us-east-1"
    );
    assert_eq!((d.line, d.column), (5, 37));
}

#[test]
fn region_selects_the_default_zone_names() {
    let l = load_toml("name = \"t\"\n[simulation]\nduration = \"1h\"\nregion = \"eu-west-3\"\n")
        .unwrap();
    assert_eq!(
        l.scenario.cluster.availability_zones,
        ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
    );
}

// ECS-SEMANTICS §9: min_size ≤ desired_capacity ≤ max_size.
#[test]
fn asg_desired_capacity_outside_min_and_max_is_an_error() {
    let d = one_error(&asg("min_size = 2\nmax_size = 4\ndesired_capacity = 5\n"));
    assert_eq!(
        d.message,
        "desired_capacity 5 is outside [min_size 2, max_size 4]"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("write a desired_capacity from 2 to 4")
    );
    assert_eq!((d.line, d.column), (9, 20));
}

#[test]
fn asg_min_above_max_is_an_error_at_max_size() {
    let d = one_error(&asg("min_size = 3\nmax_size = 1\n"));
    assert_eq!(d.message, "max_size 1 is less than min_size 3");
    assert_eq!(d.line, 8);
}

#[test]
fn asg_instance_type_names_come_from_the_catalog_with_did_you_mean() {
    let d = one_error(&format!(
        "{BASE}[[auto_scaling_groups]]\nname = \"g\"\ninstance_types = [\"m5.larg\"]\nmin_size = 0\nmax_size = 1\n"
    ));
    assert_eq!(d.message, "unknown instance type `m5.larg`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `m5.large`?"));
    assert_eq!((d.line, d.column), (6, 19));
}

#[test]
fn asg_zones_must_be_zones_of_the_cluster() {
    let d = one_error(&asg(
        "min_size = 0\nmax_size = 1\navailability_zones = [\"us-east-1d\"]\n",
    ));
    assert_eq!(
        d.message,
        "zone `us-east-1d` is not one of the cluster's zones"
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `us-east-1a`?"));
}

#[test]
fn asg_market_values_keep_the_aws_spelling_with_did_you_mean() {
    let d = one_error(&asg("min_size = 0\nmax_size = 1\nmarket = \"ondemand\"\n"));
    assert_eq!(d.message, "unknown value `ondemand`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `on-demand`?"));
}

#[test]
fn duplicate_group_names_are_errors_naming_the_first_definition() {
    let text = format!(
        "{}[[auto_scaling_groups]]\nname = \"g\"\ninstance_types = [\"m5.large\"]\nmin_size = 0\nmax_size = 1\n",
        asg("min_size = 0\nmax_size = 1\n")
    );
    let d = one_error(&text);
    assert_eq!(
        d.message,
        "duplicate auto scaling group `g` (first defined at s.toml:5:8)"
    );
    assert_eq!(d.line, 10);
}

// ECS-SEMANTICS §10: Spot Instance Advisor bands.
#[test]
fn spot_interruption_frequency_must_be_an_advisor_band_and_only_on_spot_groups() {
    let e = errors(&asg(
        "min_size = 0\nmax_size = 1\nspot_interruptions = { frequency = \"5-10\" }\n",
    ));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "spot_interruptions applies to spot groups only",
            "unknown value `5-10`"
        ]
    );
    assert_eq!(e[1].hint.as_deref(), Some("did you mean `5-10%`?"));
}

#[test]
fn a_launch_time_range_needs_min_not_above_max() {
    let d = one_error(&asg(
        "min_size = 0\nmax_size = 1\nlaunch_time = { min = \"2m\", max = \"1m\" }\n",
    ));
    assert_eq!(d.message, "`min` (2m) is greater than `max` (1m)");
}

#[test]
fn termination_policies_are_aws_names() {
    let d = one_error(&asg(
        "min_size = 0\nmax_size = 1\ntermination_policies = [\"OldestInstances\"]\n",
    ));
    assert_eq!(d.message, "unknown termination policy `OldestInstances`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `OldestInstance`?"));
}

#[test]
fn a_custom_instance_type_cannot_reuse_a_catalog_name() {
    let d = one_error(&format!(
        "{BASE}[[instance_types]]\nname = \"m5.large\"\nvcpu = 2\nmemory_mib = 8192\nprice_per_hour = 0.1\n"
    ));
    assert_eq!(
        d.message,
        "instance type `m5.large` is already in the built-in catalog"
    );
    assert_eq!((d.line, d.column), (5, 8));
}

fn providers(strategy: &str) -> String {
    format!(
        "{}[[auto_scaling_groups]]\nname = \"h\"\ninstance_types = [\"m5.large\"]\nmin_size = 0\nmax_size = 1\n\
         [[capacity_providers]]\nname = \"cp-g\"\nauto_scaling_group = \"g\"\n[[capacity_providers]]\nname = \"cp-h\"\nauto_scaling_group = \"h\"\n\
         [cluster]\ndefault_capacity_provider_strategy = {strategy}\n",
        asg("min_size = 0\nmax_size = 1\n")
    )
}

#[test]
fn the_cluster_default_strategy_resolves_declared_and_fargate_providers() {
    let l = load_toml(&providers("[{ capacity_provider = \"cp-g\", base = 2, weight = 1 }, { capacity_provider = \"cp-h\", weight = 3 }]")).unwrap();
    let s = l.scenario.cluster.default_capacity_provider_strategy;
    assert_eq!(
        (s[0].capacity_provider.as_str(), s[0].base, s[0].weight),
        ("cp-g", 2, 1)
    );
    assert_eq!(
        (s[1].capacity_provider.as_str(), s[1].base, s[1].weight),
        ("cp-h", 0, 3)
    );
}

// ECS-SEMANTICS §8.1: only one base, weights 0–1000 with one > 0, no ASG/Fargate mix.
#[test]
fn only_one_provider_in_a_strategy_may_set_a_base() {
    let d = one_error(&providers(
        "[{ capacity_provider = \"cp-g\", base = 1, weight = 1 }, { capacity_provider = \"cp-h\", base = 1, weight = 1 }]",
    ));
    assert_eq!(d.message, "only one provider in a strategy may set a base");
    assert_eq!(d.line, 21);
}

#[test]
fn a_strategy_needs_a_weight_above_zero() {
    let d = one_error(&providers("[{ capacity_provider = \"cp-g\", base = 1 }]"));
    assert_eq!(d.message, "every weight in the strategy is 0");
}

#[test]
fn strategy_weight_and_base_have_aws_ranges() {
    let e = errors(&providers(
        "[{ capacity_provider = \"cp-g\", base = 100001, weight = 1001 }]",
    ));
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["100001 is out of range", "1001 is out of range"]);
    assert_eq!(
        e[1].hint.as_deref(),
        Some("write an integer from 0 to 1000")
    );
}

#[test]
fn a_strategy_cannot_mix_asg_and_fargate_providers() {
    let d = one_error(&providers(
        "[{ capacity_provider = \"cp-g\", weight = 1 }, { capacity_provider = \"FARGATE\", weight = 1 }]",
    ));
    assert_eq!(
        d.message,
        "a strategy cannot mix Fargate providers with Auto Scaling group providers"
    );
}

#[test]
fn an_unknown_provider_gets_a_did_you_mean_and_arns_are_accepted() {
    let d = one_error(&providers(
        "[{ capacity_provider = \"FARGATE_SPOTT\", weight = 1 }]",
    ));
    assert_eq!(d.message, "unknown capacity provider `FARGATE_SPOTT`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `FARGATE_SPOT`?"));
    assert!(load_toml(&providers("[{ capacity_provider = \"arn:aws:ecs:us-east-1:1:capacity-provider/cp-h\", weight = 1 }]")).is_ok());
}

#[test]
fn a_strategy_has_at_most_20_items() {
    let items: Vec<String> = (0..21)
        .map(|_| "{ capacity_provider = \"FARGATE\", weight = 1 }".to_string())
        .collect();
    let e = errors(&format!(
        "{BASE}[cluster]\ndefault_capacity_provider_strategy = [{}]\n",
        items.join(", ")
    ));
    assert!(
        e.iter()
            .any(|d| d.message == "a strategy has at most 20 providers"),
        "{e:?}"
    );
}

// ECS-SEMANTICS §8.2 ranges and rules.
#[test]
fn capacity_provider_ranges_and_termination_protection_rule() {
    let text = format!(
        "{}[[capacity_providers]]\nname = \"cp\"\nauto_scaling_group = \"g\"\nmanaged_scaling = {{ status = \"DISABLED\", target_capacity = 0 }}\nmanaged_termination_protection = \"ENABLED\"\n",
        asg("min_size = 0\nmax_size = 1\n")
    );
    let e = errors(&text);
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "0 is out of range",
            "managed_termination_protection needs managed scaling"
        ]
    );
}

#[test]
fn fargate_providers_cannot_be_declared_and_names_avoid_reserved_prefixes() {
    let text = format!(
        "{}[[capacity_providers]]\nname = \"FARGATE\"\nauto_scaling_group = \"g\"\n[[capacity_providers]]\nname = \"ecs-cp\"\nauto_scaling_group = \"g\"\n",
        asg("min_size = 0\nmax_size = 1\n")
    );
    let e = errors(&text);
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "`FARGATE` is a reserved provider and exists without being declared",
            "capacity provider name `ecs-cp` starts with a reserved prefix",
            "auto scaling group `g` already belongs to another capacity provider",
        ]
    );
}

#[test]
fn fargate_section_checks_its_ranges() {
    let d = one_error(&format!("{BASE}[fargate]\nspot_price_ratio = 1.5\n"));
    assert_eq!(d.message, "1.5 is out of range");
    assert_eq!(d.hint.as_deref(), Some("write a number from 0 to 1"));
}
