//! Numbers for a person to read: rounded, grouped, with their unit (`35.8 %`, `$0.288`, `4 tasks`). Used by
//! `report.html` only; the CSV and JSON files keep Rust's shortest round-trip text (see `text`).
//!
//! Each summary metric's unit and a few words on its meaning come from its name ([`metric_kind`]), following
//! SPEC §4 and `docs/results.md`. Rounding never turns a value into a misleading one: a non-zero percentage
//! too small for one decimal reads `< 0.1 %`, an availability just under 1 reads `> 99.999 %`, not `100 %`.
//! Rounding goes through `format!` with a fixed number of decimals chosen by comparisons (no logarithms), so
//! the text is the same on every machine.

use super::text::float_text;

/// The unit a summary metric is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A percentage 0–100, one decimal.
    Percent,
    /// A ratio 0–1 shown as a percentage with three decimals (availability).
    RatioAsPercent,
    /// US dollars.
    Usd,
    /// Milliseconds.
    Ms,
    /// A count or a mean of a count, with its noun (singular, plural).
    Count(&'static str, &'static str),
    /// A count the model keeps as a real number (requests flow as fractions of a request per task and
    /// millisecond), read as a whole number with its noun (singular, plural).
    WholeCount(&'static str, &'static str),
    /// No known unit: four significant digits.
    Plain,
}

/// A summary metric's unit and what it means, from its name (SPEC §4). Unknown names are [`Unit::Plain`]
/// with no meaning.
pub fn metric_kind(name: &str) -> (Unit, &'static str) {
    const TASKS: Unit = Unit::Count("task", "tasks");
    const INSTANCES: Unit = Unit::Count("instance", "instances");
    let suffix = name.rsplit('.').next().unwrap_or(name);
    if name.starts_with("cost.") {
        let meaning = match suffix {
            "total_usd" => "everything the run cost",
            "ec2_on_demand_usd" => "on-demand EC2 instances, per second, 60 s minimum",
            "ec2_spot_usd" => "spot EC2 instances",
            "fargate_usd" => "Fargate tasks, from image pull to STOPPED",
            "fargate_spot_usd" => "Fargate Spot tasks",
            _ => "",
        };
        return (Unit::Usd, meaning);
    }
    match suffix {
        "availability" => (Unit::RatioAsPercent, "requests served without a 5XX"),
        "error_requests" => (
            Unit::WholeCount("request", "requests"),
            "requests answered with a 5XX",
        ),
        "latency_p50_ms" => (Unit::Ms, "median latency of successful requests"),
        "latency_p99_ms" => (Unit::Ms, "99th percentile latency"),
        "tasks_started" => (TASKS, "tasks the scheduler started"),
        "tasks_failed" => (TASKS, "failed to start, crashed or failed health checks"),
        "min_healthy_tasks" => (TASKS, "fewest healthy tasks at any instant"),
        "max_running_tasks" => (TASKS, "most running tasks at any instant"),
        "max_tasks_per_instance" => (TASKS, "most tasks on one instance at any instant"),
        "zone_imbalance_max" => (TASKS, "largest gap in tasks between zones"),
        "deployments_completed" => (
            Unit::Count("deployment", "deployments"),
            "deployments that completed",
        ),
        "deployments_rolled_back" => (
            Unit::Count("deployment", "deployments"),
            "deployments rolled back",
        ),
        "scaling_actions" => (
            Unit::Count("action", "actions"),
            "desired-count changes by auto scaling",
        ),
        "cpu_reservation_avg" => (Unit::Percent, "CPU reserved by tasks, of registered"),
        "memory_reservation_avg" => (Unit::Percent, "memory reserved by tasks, of registered"),
        "cpu_utilization_avg" => (Unit::Percent, "CPU used by tasks, of registered"),
        "memory_utilization_avg" => (Unit::Percent, "memory used by tasks, of registered"),
        "instances_avg" => (INSTANCES, "time-weighted mean of live instances"),
        "instances_max" => (INSTANCES, "most live instances at any instant"),
        "instances_in_use_avg" => (INSTANCES, "mean instances holding a non-DAEMON task"),
        "placement_failures" => (TASKS, "tasks ECS could not place, each once"),
        "spot_interruptions" => (
            Unit::Count("interruption", "interruptions"),
            "spot interruptions",
        ),
        _ => (Unit::Plain, ""),
    }
}

/// How a chart or a table of estimates shows a metric in `unit`: the factor its values are multiplied by (100
/// for a ratio read as a percentage) and the unit's short name (`%`, `USD`, `ms`, `tasks`; empty without one).
pub fn display_unit(unit: Unit) -> (f64, &'static str) {
    match unit {
        Unit::Percent => (1.0, "%"),
        Unit::RatioAsPercent => (100.0, "%"),
        Unit::Usd => (1.0, "USD"),
        Unit::Ms => (1.0, "ms"),
        Unit::Count(_, many) | Unit::WholeCount(_, many) => (1.0, many),
        Unit::Plain => (1.0, ""),
    }
}

/// A summary metric's value for reading, with its unit.
pub fn metric_value(name: &str, value: f64) -> String {
    with_unit(metric_kind(name).0, value)
}

/// `value` rounded for reading in `unit`.
pub fn with_unit(unit: Unit, value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    match unit {
        Unit::Percent => percent(value, 1),
        Unit::RatioAsPercent => {
            let text = percent(value * 100.0, 3);
            if value < 1.0 && text == "100.000 %" {
                "> 99.999 %".to_owned()
            } else {
                text
            }
        }
        Unit::Usd => usd(value),
        Unit::Ms => {
            let decimals = if value.abs() >= 100.0 {
                0
            } else if value.abs() >= 10.0 {
                1
            } else {
                2
            };
            format!("{} ms", fixed(value, decimals))
        }
        Unit::Count(one, many) => {
            let noun = if value == 1.0 { one } else { many };
            format!("{} {noun}", count(value))
        }
        Unit::WholeCount(one, many) => {
            let text = whole_count(value);
            let noun = if text == "1" || text == "< 1" {
                one
            } else {
                many
            };
            format!("{text} {noun}")
        }
        Unit::Plain => significant(value, 4),
    }
}

/// A count: whole numbers as integers (`4`, `1,200`), means of counts with two decimals (`2.97`).
pub fn count(value: f64) -> String {
    if value.fract() == 0.0 {
        fixed(value, 0)
    } else {
        fixed(value, 2)
    }
}

/// A count rounded to a whole number (`25,752`); a non-zero count that would round to 0 reads `< 1`.
pub fn whole_count(value: f64) -> String {
    let text = fixed(value, 0);
    if value != 0.0 && text == "0" {
        return "< 1".to_owned();
    }
    text
}

/// A percentage with `decimals` decimals and ` %`; a non-zero value that would round to 0 reads `< 0.1 %`.
fn percent(value: f64, decimals: usize) -> String {
    let text = fixed(value, decimals);
    if value != 0.0
        && text
            .trim_start_matches('-')
            .chars()
            .all(|c| "0.,".contains(c))
    {
        let smallest = format!("0.{}1", "0".repeat(decimals.saturating_sub(1)));
        return format!("< {smallest} %");
    }
    format!("{text} %")
}

/// Dollars: two decimals from $1 up (`$12.35`, `$1,234.50`), three significant digits below (`$0.288`,
/// `$0.0016`), at least two decimals.
fn usd(value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    if v == 0.0 {
        return "$0".to_owned();
    }
    let text = if v >= 1.0 {
        fixed(v, 2)
    } else {
        let decimals = decimals_for_significant(v, 3).max(2);
        trim_zeros(&fixed(v, decimals), 2)
    };
    format!("{sign}${text}")
}

/// `value` with `sig` significant digits, trailing zeros removed (`0.5151`, `35.76`, `1,234`).
pub fn significant(value: f64, sig: usize) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let decimals = decimals_for_significant(value.abs(), sig);
    trim_zeros(&fixed(value, decimals), 0)
}

/// How many decimals show `sig` significant digits of `v` (> 0), found by comparison rather than a
/// logarithm so that every machine picks the same.
pub(crate) fn decimals_for_significant(v: f64, sig: usize) -> usize {
    let mut integer_digits: i32 = 1;
    let mut bound = 10.0;
    while v >= bound && integer_digits < 308 {
        integer_digits += 1;
        bound *= 10.0;
    }
    let mut leading_zeros: i32 = 0;
    let mut floor = 1.0;
    while v < floor / 10.0 && leading_zeros < 320 {
        leading_zeros += 1;
        floor /= 10.0;
    }
    if v >= 1.0 {
        (sig as i32 - integer_digits).max(0) as usize
    } else {
        (leading_zeros + sig as i32) as usize
    }
}

/// `value` with exactly `decimals` decimals and `,` between thousands (`1,234.50`); `-0` reads `0`.
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => ("-", rest),
        Some(rest) => ("", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// Removes trailing fractional zeros, keeping at least `keep` decimals.
fn trim_zeros(text: &str, keep: usize) -> String {
    let Some((int, frac)) = text.split_once('.') else {
        return text.to_owned();
    };
    let mut frac = frac.trim_end_matches('0').to_owned();
    while frac.len() < keep {
        frac.push('0');
    }
    if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    }
}

/// The exact text of a value, as the CSV files print it (for a tooltip next to a rounded value).
pub fn exact(value: f64) -> String {
    float_text(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_one_decimal_and_never_round_a_non_zero_value_to_zero() {
        assert_eq!(
            metric_value("cluster.cpu_reservation_avg", 35.76388888888888),
            "35.8 %"
        );
        assert_eq!(
            metric_value("cluster.cpu_utilization_avg", 100.0),
            "100.0 %"
        );
        assert_eq!(metric_value("cluster.cpu_utilization_avg", 0.0), "0.0 %");
        assert_eq!(
            metric_value("cluster.memory_utilization_avg", 0.04),
            "< 0.1 %"
        );
    }

    #[test]
    fn availability_reads_as_a_percentage_and_never_rounds_up_to_100() {
        assert_eq!(
            metric_value("service.web.availability", 0.99953),
            "99.953 %"
        );
        assert_eq!(metric_value("service.web.availability", 1.0), "100.000 %");
        assert_eq!(
            metric_value("service.web.availability", 0.9999996),
            "> 99.999 %"
        );
    }

    #[test]
    fn dollars_have_two_decimals_from_one_dollar_and_three_significant_digits_below() {
        assert_eq!(
            metric_value("cost.total_usd", 0.28800000000000003),
            "$0.288"
        );
        assert_eq!(metric_value("cost.total_usd", 0.0016), "$0.0016");
        assert_eq!(metric_value("cost.total_usd", 0.5), "$0.50");
        assert_eq!(metric_value("cost.ec2_spot_usd", 0.0), "$0");
        assert_eq!(metric_value("cost.fargate_usd", 12.345), "$12.35");
        assert_eq!(metric_value("cost.total_usd", 1234.5), "$1,234.50");
    }

    #[test]
    fn counts_carry_their_noun_and_means_of_counts_two_decimals() {
        assert_eq!(
            metric_value("service.api.min_healthy_tasks", 2.0),
            "2 tasks"
        );
        assert_eq!(metric_value("service.api.tasks_started", 1.0), "1 task");
        assert_eq!(
            metric_value("cluster.instances_avg", 2.966666),
            "2.97 instances"
        );
        assert_eq!(
            metric_value("cluster.instances_max", 12000.0),
            "12,000 instances"
        );
        assert_eq!(
            metric_value("service.api.deployments_completed", 0.0),
            "0 deployments"
        );
        assert_eq!(metric_value("cluster.placement_failures", 4.0), "4 tasks");
    }

    // Requests are fluid in the model: 25,752.29 failed requests read as a count, and a few hundredths of a
    // request do not read as none.
    #[test]
    fn error_requests_read_as_a_whole_count_of_requests() {
        assert_eq!(
            metric_value("service.web.error_requests", 25_752.292_499_999_996),
            "25,752 requests"
        );
        assert_eq!(
            metric_value("service.web.error_requests", 0.0),
            "0 requests"
        );
        assert_eq!(metric_value("service.web.error_requests", 1.2), "1 request");
        assert_eq!(
            metric_value("service.web.error_requests", 0.03),
            "< 1 request"
        );
        assert_eq!(
            metric_value("service.web.error_requests", 2.6),
            "3 requests"
        );
    }

    #[test]
    fn latency_is_in_milliseconds_with_fewer_decimals_as_it_grows() {
        assert_eq!(
            metric_value("service.api.latency_p50_ms", 3.14659),
            "3.15 ms"
        );
        assert_eq!(metric_value("service.api.latency_p99_ms", 42.42), "42.4 ms");
        assert_eq!(
            metric_value("service.api.latency_p99_ms", 1234.6),
            "1,235 ms"
        );
    }

    #[test]
    fn unknown_metrics_get_four_significant_digits_and_no_unit() {
        assert_eq!(metric_value("something.new", 0.5151225224247685), "0.5151");
        assert_eq!(metric_value("something.new", 35.76388888888888), "35.76");
        assert_eq!(metric_value("something.new", 123456.7), "123,457");
        assert_eq!(metric_value("something.new", -0.0), "0");
        assert_eq!(metric_value("something.new", f64::NAN), "—");
    }

    #[test]
    fn every_spec_summary_metric_has_a_unit_and_a_meaning() {
        for name in [
            "service.web.availability",
            "service.web.error_requests",
            "service.web.latency_p50_ms",
            "service.web.latency_p99_ms",
            "service.web.tasks_started",
            "service.web.tasks_failed",
            "service.web.min_healthy_tasks",
            "service.web.max_running_tasks",
            "service.web.deployments_completed",
            "service.web.deployments_rolled_back",
            "service.web.scaling_actions",
            "service.web.max_tasks_per_instance",
            "service.web.zone_imbalance_max",
            "cluster.instances_in_use_avg",
            "cluster.cpu_reservation_avg",
            "cluster.memory_reservation_avg",
            "cluster.cpu_utilization_avg",
            "cluster.memory_utilization_avg",
            "cluster.instances_avg",
            "cluster.instances_max",
            "cluster.placement_failures",
            "cluster.spot_interruptions",
            "cost.total_usd",
            "cost.ec2_on_demand_usd",
            "cost.ec2_spot_usd",
            "cost.fargate_usd",
            "cost.fargate_spot_usd",
        ] {
            let (unit, meaning) = metric_kind(name);
            assert_ne!(unit, Unit::Plain, "{name}");
            assert!(!meaning.is_empty(), "{name}");
        }
    }
}
