//! `[[checks]]`: bounds on summary metrics that make `ecsim run` exit 1 when they fail (SPEC §3.12).

use crate::report::recorded::{CheckRow, SummaryMetric};
use crate::scenario::Check;

/// The verdict on one check.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOutcome {
    /// The metric checked.
    pub metric: String,
    /// The check's lower bound, inclusive.
    pub min: Option<f64>,
    /// The check's upper bound, inclusive.
    pub max: Option<f64>,
    /// Its value, if the run produced it.
    pub value: Option<f64>,
    /// Whether every bound held.
    pub passed: bool,
    /// A sentence for the terminal: what was expected and what happened.
    pub message: String,
}

impl CheckOutcome {
    /// The verdict as `report.html` shows it.
    pub fn row(&self) -> CheckRow {
        CheckRow {
            metric: self.metric.clone(),
            min: self.min,
            max: self.max,
            value: self.value,
            passed: self.passed,
            message: self.message.clone(),
        }
    }
}

/// Evaluates every check against the summary.
pub fn evaluate(checks: &[Check], summary: &[SummaryMetric]) -> Vec<CheckOutcome> {
    checks
        .iter()
        .map(|c| {
            let value = summary.iter().find(|m| m.name == c.metric).map(|m| m.value);
            let bounds = match (c.min, c.max) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => "present".to_string(),
            };
            match value {
                None => {
                    let why = if c.metric.ends_with(".availability")
                        || c.metric.contains(".latency_")
                        || c.metric.ends_with(".error_requests")
                    {
                        "the service was offered no requests, so the run has no such metric"
                    } else {
                        "the run produced no such metric"
                    };
                    CheckOutcome {
                        metric: c.metric.clone(),
                        min: c.min,
                        max: c.max,
                        value: None,
                        passed: false,
                        message: format!(
                            "{} ({}): expected {bounds}, but {why}",
                            c.metric, c.location
                        ),
                    }
                }
                Some(v) => {
                    let passed = c.min.is_none_or(|lo| v >= lo) && c.max.is_none_or(|hi| v <= hi);
                    CheckOutcome {
                        metric: c.metric.clone(),
                        min: c.min,
                        max: c.max,
                        value: Some(v),
                        passed,
                        message: format!("{} = {v}: expected {bounds} ({})", c.metric, c.location),
                    }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(metric: &str, min: Option<f64>, max: Option<f64>) -> Check {
        Check {
            metric: metric.into(),
            min,
            max,
            location: "s.toml:1:1".into(),
        }
    }

    #[test]
    fn checks_pass_inside_inclusive_bounds_and_fail_outside() {
        let summary = vec![SummaryMetric {
            name: "cluster.instances_max".into(),
            value: 4.0,
        }];
        let out = evaluate(
            &[
                check("cluster.instances_max", Some(4.0), Some(4.0)),
                check("cluster.instances_max", None, Some(3.0)),
            ],
            &summary,
        );
        assert!(out[0].passed);
        assert!(!out[1].passed);
        assert_eq!(
            out[1].message,
            "cluster.instances_max = 4: expected at most 3 (s.toml:1:1)"
        );
    }

    // SPEC §4: a service offered no requests has no availability metric, and a check on it fails saying so.
    #[test]
    fn a_check_on_availability_without_requests_fails_and_says_why() {
        let out = evaluate(&[check("service.web.availability", Some(0.99), None)], &[]);
        assert!(!out[0].passed);
        assert!(
            out[0].message.contains("offered no requests"),
            "{}",
            out[0].message
        );
    }
}
