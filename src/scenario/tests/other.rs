//! Scaling, scheduled tasks, events and checks.

use super::*;
use crate::scenario::model::Schedule;

/// Task definition `web` and REPLICA service `web` (lines 4–10), then `rest`.
fn svc(rest: &str) -> String {
    format!(
        "{BASE}[[task_definitions]]\nfamily = \"web\"\ncontainer_definitions = [{{ name = \"app\", image = \"i\", memory = 64 }}]\n\
         [[services]]\nname = \"web\"\ntask_definition = \"web\"\ndesired_count = 2\n{rest}"
    )
}

const TARGET: &str =
    "[[scalable_targets]]\nservice = \"web\"\nmin_capacity = 1\nmax_capacity = 4\n";

#[test]
fn a_scalable_target_needs_min_not_above_max() {
    let d = one_error(&svc(
        "[[scalable_targets]]\nservice = \"web\"\nmin_capacity = 5\nmax_capacity = 4\n",
    ));
    assert_eq!(d.message, "max_capacity 4 is below min_capacity 5");
    assert_eq!((d.line, d.column), (14, 16));
}

#[test]
fn a_scaling_policy_needs_a_scalable_target_for_its_service() {
    let d = one_error(&svc(
        "[[scaling_policies]]\nname = \"p\"\nservice = \"web\"\npolicy_type = \"TargetTrackingScaling\"\ntarget_tracking_scaling_policy_configuration = { target_value = 50, predefined_metric_specification = { predefined_metric_type = \"ECSServiceAverageCPUUtilization\" } }\n",
    ));
    assert_eq!(d.message, "service `web` has no scalable target");
}

#[test]
fn policy_types_keep_the_aws_spelling() {
    let d = one_error(&svc(&format!(
        "{TARGET}[[scaling_policies]]\nname = \"p\"\nservice = \"web\"\npolicy_type = \"TargetTracking\"\n"
    )));
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `TargetTrackingScaling`?"),
        "a prefix of the AWS name"
    );
}

fn step_policy(steps: &str) -> String {
    svc(&format!(
        "{TARGET}[[scaling_policies]]\nname = \"p\"\nservice = \"web\"\npolicy_type = \"StepScaling\"\nstep_scaling_policy_configuration = {{ adjustment_type = \"ChangeInCapacity\", step_adjustments = [{steps}] }}\n"
    ))
}

// ECS-SEMANTICS §7.3: ranges must not overlap or leave gaps.
#[test]
fn step_adjustments_must_not_overlap_or_leave_gaps() {
    let d = one_error(&step_policy(
        "{ metric_interval_lower_bound = 0, metric_interval_upper_bound = 10, scaling_adjustment = 1 }, { metric_interval_lower_bound = 20, scaling_adjustment = 2 }",
    ));
    assert_eq!(
        d.message,
        "this step leaves a gap after the step ending at 10"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("start it at metric_interval_lower_bound = 10")
    );
    let d = one_error(&step_policy(
        "{ metric_interval_lower_bound = 0, metric_interval_upper_bound = 10, scaling_adjustment = 1 }, { metric_interval_lower_bound = 5, scaling_adjustment = 2 }",
    ));
    assert_eq!(d.message, "this step overlaps the step ending at 10");
    assert!(load_toml(&step_policy("{ metric_interval_upper_bound = 0, scaling_adjustment = -1 }, { metric_interval_lower_bound = 0, scaling_adjustment = 1 }")).is_ok());
}

#[test]
fn a_step_cannot_leave_both_bounds_open_and_only_one_step_per_open_side() {
    assert_eq!(
        one_error(&step_policy("{ scaling_adjustment = 1 }")).message,
        "a step cannot have both bounds open"
    );
    let d = one_error(&step_policy(
        "{ metric_interval_lower_bound = 0, scaling_adjustment = 1 }, { metric_interval_lower_bound = 10, scaling_adjustment = 2 }",
    ));
    assert_eq!(
        d.message,
        "2 steps leave their upper bound open; at most one may"
    );
}

#[test]
fn a_policy_has_at_most_20_step_adjustments() {
    let steps: Vec<String> = (0..21).map(|i| format!("{{ metric_interval_lower_bound = {i}, metric_interval_upper_bound = {}, scaling_adjustment = 1 }}", i + 1)).collect();
    assert_eq!(
        one_error(&step_policy(&steps.join(", "))).message,
        "a policy has 1 to 20 step adjustments, found 21"
    );
}

fn alarm(fields: &str) -> String {
    svc(&format!(
        "[[alarms]]\nalarm_name = \"a\"\nnamespace = \"AWS/ECS\"\nmetric_name = \"CPUUtilization\"\nstatistic = \"Average\"\nthreshold = 50\ncomparison_operator = \"GreaterThanThreshold\"\n{fields}\n"
    ))
}

// ECS-SEMANTICS §6.2: period 10, 20, 30 or a multiple of 60; period × evaluation periods limits.
#[test]
fn alarm_period_is_10_20_30_or_a_multiple_of_60() {
    let d = one_error(&alarm("period = 45\nevaluation_periods = 1"));
    assert_eq!(d.message, "period 45 is not 10, 20, 30 or a multiple of 60");
    assert_eq!(d.hint.as_deref(), Some("write e.g. 60"));
    assert!(load_toml(&alarm("period = 20\nevaluation_periods = 1")).is_ok());
}

#[test]
fn alarm_evaluation_window_is_limited_by_the_period() {
    let d = one_error(&alarm("period = 60\nevaluation_periods = 1441"));
    assert_eq!(
        d.message,
        "period × evaluation_periods is 86460 s; the limit is 86400 s for this period"
    );
    assert!(load_toml(&alarm("period = 3600\nevaluation_periods = 168")).is_ok());
    assert_eq!(
        one_error(&alarm("period = 3600\nevaluation_periods = 169")).message,
        "period × evaluation_periods is 608400 s; the limit is 604800 s for this period"
    );
}

#[test]
fn alarm_actions_name_step_scaling_policies() {
    let d = one_error(&alarm(
        "period = 60\nevaluation_periods = 1\nalarm_actions = [\"scale-out\"]",
    ));
    assert_eq!(d.message, "unknown scaling policy `scale-out`");
}

#[test]
fn datapoints_to_alarm_is_at_most_evaluation_periods() {
    assert_eq!(
        one_error(&alarm(
            "period = 60\nevaluation_periods = 3\ndatapoints_to_alarm = 4"
        ))
        .hint
        .as_deref(),
        Some("write an integer from 1 to 3")
    );
}

#[test]
fn scheduled_actions_parse_their_schedule_with_errors_inside_the_string() {
    let d = one_error(&svc(&format!(
        "{TARGET}[[scheduled_actions]]\nservice = \"web\"\nschedule = \"cron(0 25 * * ? *)\"\nmin_capacity = 2\n"
    )));
    assert_eq!(d.message, "invalid schedule: hours 25 is out of range");
    assert_eq!((d.line, d.column, d.snippet.as_str()), (17, 20, "25"));
}

// ECS-SEMANTICS §7.4 / SPEC §3.10: scheduled tasks.
#[test]
fn scheduled_task_rate_units_follow_the_aws_singular_rule() {
    let d = one_error(&svc(
        "[[scheduled_tasks]]\nschedule = \"rate(1 minutes)\"\ntask_definition = \"web\"\n",
    ));
    assert_eq!(
        d.message,
        "invalid schedule: `1 minutes`: AWS requires the singular unit for 1 and the plural otherwise"
    );
    assert_eq!(d.hint.as_deref(), Some("write rate(1 minute)"));
    assert_eq!((d.line, d.column, d.snippet.as_str()), (12, 20, "minutes"));
}

#[test]
fn cron_l_w_and_hash_are_rejected_as_not_supported_yet() {
    let d = one_error(&svc(
        "[[scheduled_tasks]]\nschedule = \"cron(0 9 L * ? *)\"\ntask_definition = \"web\"\n",
    ));
    assert_eq!(
        d.message,
        "invalid schedule: `L` in cron expressions is not supported yet"
    );
}

#[test]
fn an_at_schedule_before_the_start_never_fires_and_is_noted() {
    let l = load_toml(&svc(
        "[[scheduled_tasks]]\nschedule = \"at(2023-12-31T23:00:00)\"\ntask_definition = \"web\"\n",
    ))
    .unwrap();
    assert_eq!(l.scenario.scheduled_tasks[0].schedule, Schedule::At(None));
    assert!(l.notes.iter().any(|n| n.message == "`at(2023-12-31T23:00:00)` is before the start of the run (start_time); it never fires"));
}

#[test]
fn an_event_needs_exactly_one_action() {
    let d = one_error(&svc("[[events]]\nat = \"1m\"\n"));
    assert_eq!(d.message, "event 0 has no action");
    let d = one_error(&svc(
        "[[events]]\nat = \"1m\"\ndrain_instances = { count = 1 }\nterminate_instances = { count = 1 }\n",
    ));
    assert_eq!(
        d.message,
        "event 0 has 2 actions; each event has exactly one"
    );
    assert_eq!(d.line, 14);
}

#[test]
fn update_service_resolves_its_service_and_must_change_something() {
    let d = one_error(&svc(
        "[[events]]\nat = \"1m\"\nupdate_service = { service = \"wbe\", desired_count = 3 }\n",
    ));
    assert_eq!(
        (d.message.as_str(), d.hint.as_deref()),
        ("unknown service `wbe`", Some("did you mean `web`?"))
    );
    assert_eq!(
        one_error(&svc(
            "[[events]]\nat = \"1m\"\nupdate_service = { service = \"web\" }\n"
        ))
        .message,
        "update_service changes nothing"
    );
    // force_new_deployment = false changes nothing either.
    assert_eq!(
        one_error(&svc(
            "[[events]]\nat = \"1m\"\nupdate_service = { service = \"web\", force_new_deployment = false }\n"
        ))
        .message,
        "update_service changes nothing"
    );
}

#[test]
fn az_outage_zone_must_be_a_cluster_zone_and_spot_interruption_a_spot_group() {
    let text = svc(
        "[[auto_scaling_groups]]\nname = \"g\"\ninstance_types = [\"m5.large\"]\nmin_size = 0\nmax_size = 1\n[[events]]\nat = \"1m\"\naz_outage = { availability_zone = \"us-east-1z\", duration = \"5m\" }\n[[events]]\nat = \"2m\"\nspot_interruption = { count = 1, auto_scaling_group = \"g\" }\n",
    );
    let msgs: Vec<String> = errors(&text).into_iter().map(|d| d.message).collect();
    assert_eq!(
        msgs,
        [
            "zone `us-east-1z` is not one of the cluster's zones",
            "auto scaling group `g` is on-demand; spot interruptions hit spot groups"
        ]
    );
}

#[test]
fn an_event_after_the_end_is_noted() {
    let l = load_toml(&svc(
        "[[events]]\nat = \"2h\"\nterminate_instances = { count = 1 }\n",
    ))
    .unwrap();
    assert!(
        l.notes.iter().any(
            |n| n.message == "event 0 at 2h is after the end of the run (1h); it never happens"
        )
    );
}

// SPEC §3.12 / §4: check metrics.
#[test]
fn check_metrics_must_be_summary_metrics_of_defined_services() {
    let d = one_error(&svc(
        "[[checks]]\nmetric = \"service.wbe.availability\"\nmin = 0.9\n",
    ));
    assert_eq!(
        (d.message.as_str(), d.hint.as_deref()),
        (
            "unknown service `wbe` in metric `service.wbe.availability`",
            Some("did you mean `web`?")
        )
    );
    let d = one_error(&svc(
        "[[checks]]\nmetric = \"service.web.availabilty\"\nmin = 0.9\n",
    ));
    assert_eq!(d.hint.as_deref(), Some("did you mean `availability`?"));
    let d = one_error(&svc("[[checks]]\nmetric = \"cost.total\"\nmax = 1\n"));
    assert_eq!(d.hint.as_deref(), Some("did you mean `cost.total_usd`?"));
}

#[test]
fn check_min_must_not_exceed_max_and_one_bound_is_required() {
    assert_eq!(
        one_error(&svc(
            "[[checks]]\nmetric = \"cost.total_usd\"\nmin = 5\nmax = 1\n"
        ))
        .message,
        "max 1 is below min 5"
    );
    assert_eq!(
        one_error(&svc("[[checks]]\nmetric = \"cost.total_usd\"\n")).message,
        "check 0 has neither `min` nor `max`"
    );
}

#[test]
fn availability_is_a_fraction_and_a_percentage_gets_a_hint() {
    let d = one_error(&svc(
        "[[checks]]\nmetric = \"service.web.availability\"\nmin = 99\n",
    ));
    assert_eq!(
        d.hint.as_deref(),
        Some("availability is a fraction from 0 to 1; did you mean 0.99?")
    );
}
