//! What the users saw: the requests panel of a service's plot, `traffic.svg` (request and error rate of
//! every service) and one plot per ALB target group.
//!
//! The counts are per metric period, as the timeseries holds them, and the axes say so (`requests per 1m
//! period`): no per-second rate is derived, so that a plot's numbers are the file's numbers. The error rate
//! of `traffic.svg` is the one derived value (failed ÷ offered, per period, in percent), because a few failed
//! requests among thousands vanish on a count axis and show on a rate axis; a period with no request has no
//! rate and no point.

use std::borrow::Cow;

use plotters::style::RGBColor;

use super::plan::{Data, FileNames, count_panel};
use super::{FEW_SERVICES_MAX, Line, PALETTE, Panel, Planned, Subject};
use crate::report::recorded::Scope;

/// The colour of requests (the palette's blue).
const REQUESTS: RGBColor = PALETTE[0];
/// The colour of failed requests and unhealthy targets (the palette's red).
const FAILED: RGBColor = PALETTE[3];
/// The colour of target 5XX, told apart from the load balancer's own (the palette's orange).
const TARGET_FAILED: RGBColor = PALETTE[1];
/// The colour of healthy targets (the palette's green).
const HEALTHY: RGBColor = PALETTE[2];

/// Panels of a target group's plot are lower than the others: three of them still fit a screen.
pub const TARGET_GROUP_PANEL_HEIGHT_PX: u32 = 300;

/// The metrics of scope `target_group` that make a target group's plot.
const TARGET_GROUP_METRICS: [&str; 6] = [
    "RequestCount",
    "HTTPCode_ELB_5XX_Count",
    "HTTPCode_Target_5XX_Count",
    "HealthyHostCount",
    "UnHealthyHostCount",
    "TargetResponseTime",
];

impl<'a> Data<'a> {
    /// The second panel of a service's plot: requests offered to it and those that failed with a 5XX, per
    /// period; `None` if no workload aims at the service (it has neither series).
    pub(super) fn service_traffic_panel(&self, service: &str) -> Option<Panel<'_>> {
        let requests = self.values(Scope::Service, service, "requests");
        let errors = self.values(Scope::Service, service, "error_requests");
        if requests.is_none() && errors.is_none() {
            return None;
        }
        let mut lines = Vec::new();
        lines.extend(requests.map(|v| self.line("requests", v).coloured(REQUESTS)));
        lines.extend(errors.map(|v| self.line("failed (5XX)", v).coloured(FAILED)));
        Some(count_panel(
            "Requests offered and failed (5XX)",
            format!("requests {}", self.per_period()),
            lines,
            "no requests recorded",
        ))
    }

    /// `traffic.svg`: the requests offered to every service with traffic, and the share that failed. With more
    /// than [`FEW_SERVICES_MAX`] such services, one line sums them up (their requests, and failed ÷ offered
    /// over all of them) and another follows the worst service's error rate in each period, so that fifty
    /// overlapping lines do not hide the one service that failed.
    pub(super) fn plan_traffic(&self) -> (String, String, Vec<Panel<'_>>) {
        let services = self.ids(Scope::Service, &["requests", "error_requests"]);
        let mut requests = Vec::new();
        let mut rates = Vec::new();
        if services.len() > FEW_SERVICES_MAX {
            let pairs: Vec<(&[f64], &[f64])> = services
                .iter()
                .filter_map(|&s| {
                    let offered = self.values(Scope::Service, s, "requests")?;
                    let failed = self.values(Scope::Service, s, "error_requests")?;
                    Some((offered, failed))
                })
                .collect();
            let (offered, overall, worst) = summed_traffic(self.xs.len(), &pairs);
            let all = format!("all {} services", services.len());
            let line = |label: &str, ys: Vec<f64>| {
                Line::new(label, Cow::Borrowed(self.xs.as_slice()), Cow::Owned(ys))
            };
            requests.push(line(&all, offered));
            rates.push(line(&all, overall));
            rates.push(line("worst service", worst).coloured(FAILED));
        }
        for &service in services
            .iter()
            .filter(|_| services.len() <= FEW_SERVICES_MAX)
        {
            let offered = self.values(Scope::Service, service, "requests");
            requests.extend(offered.map(|v| self.line(service, v)));
            if let (Some(offered), Some(failed)) = (
                offered,
                self.values(Scope::Service, service, "error_requests"),
            ) {
                let rate = error_rate_percent(offered, failed);
                rates.push(Line::new(
                    service,
                    Cow::Borrowed(self.xs.as_slice()),
                    Cow::Owned(rate),
                ));
            }
        }
        let note = if services.is_empty() {
            "no traffic simulated"
        } else {
            "no requests recorded"
        };
        let requests_title = if services.len() > FEW_SERVICES_MAX {
            "Requests offered to the services, summed"
        } else {
            "Requests offered to each service"
        };
        let requests = count_panel(
            requests_title,
            format!("requests {}", self.per_period()),
            requests,
            note,
        );
        let rates = Panel {
            title: "Error rate: requests that failed with a 5XX".to_owned(),
            y_desc: "percent of requests (per period)".into(),
            // A rate of a few per thousand stays visible.
            y_max_at_least: 1.0,
            whole_ticks: false,
            lines: rates,
            empty_note: note,
        };
        (
            "traffic.svg".to_owned(),
            "Request rate and error rate".to_owned(),
            vec![requests, rates],
        )
    }

    /// `target_group_<group>.svg`, one per target group with any of its metrics: requests and 5XX, targets
    /// by health, mean response time.
    pub(super) fn plan_target_groups<'s>(
        &'s self,
        plan: &mut Vec<Planned<'s>>,
        names: &mut FileNames,
    ) {
        for group in self.ids(Scope::TargetGroup, &TARGET_GROUP_METRICS) {
            let line = |label: &str, metric: &'static str, colour: RGBColor| {
                self.line_of(label, Scope::TargetGroup, group, metric)
                    .map(|l| l.coloured(colour))
            };
            let requests = [
                line("RequestCount", "RequestCount", REQUESTS),
                line("ELB 5XX", "HTTPCode_ELB_5XX_Count", FAILED),
                line("target 5XX", "HTTPCode_Target_5XX_Count", TARGET_FAILED),
            ];
            let hosts = [
                line("HealthyHostCount", "HealthyHostCount", HEALTHY),
                line("UnHealthyHostCount", "UnHealthyHostCount", FAILED),
            ];
            let response_ms = self
                .values(Scope::TargetGroup, group, "TargetResponseTime")
                .map(|seconds| {
                    let ms = seconds.iter().map(|s| s * 1000.0).collect();
                    Line::new(
                        "TargetResponseTime",
                        Cow::Borrowed(self.xs.as_slice()),
                        Cow::Owned(ms),
                    )
                    .coloured(REQUESTS)
                });
            let panels = vec![
                count_panel(
                    "Requests and 5XX responses",
                    format!("requests {}", self.per_period()),
                    requests.into_iter().flatten().collect(),
                    "no requests recorded",
                ),
                count_panel(
                    "Registered targets by health",
                    "targets",
                    hosts.into_iter().flatten().collect(),
                    "no targets recorded",
                ),
                Panel {
                    title: "Mean response time".to_owned(),
                    y_desc: "ms (mean per period)".into(),
                    y_max_at_least: 1.0,
                    whole_ticks: false,
                    lines: response_ms.into_iter().collect(),
                    empty_note: "no responses recorded",
                },
            ];
            plan.push(Planned {
                file: names.unique("target_group", group),
                title: format!("Target group {group}: requests, 5XX, targets and response time"),
                subject: Subject::TargetGroup(group),
                panels,
                deployments: &[],
                panel_height_px: TARGET_GROUP_PANEL_HEIGHT_PX,
            });
        }
    }
}

/// Per period, over the services' (offered, failed) requests: the requests offered to all of them, their
/// overall error rate in percent, and the highest error rate of any one service. NaN where no service has a
/// value (or, for the rates, none was offered any request).
pub(super) fn summed_traffic(
    periods: usize,
    services: &[(&[f64], &[f64])],
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut offered = vec![f64::NAN; periods];
    let mut failed = vec![0.0; periods];
    let mut worst = vec![f64::NAN; periods];
    for (o, f) in services {
        for k in 0..periods {
            if !o[k].is_finite() {
                continue;
            }
            offered[k] = if offered[k].is_nan() {
                o[k]
            } else {
                offered[k] + o[k]
            };
            if f[k].is_finite() {
                failed[k] += f[k];
                if o[k] > 0.0 {
                    let rate = 100.0 * f[k] / o[k];
                    worst[k] = if worst[k].is_nan() {
                        rate
                    } else {
                        worst[k].max(rate)
                    };
                }
            }
        }
    }
    let overall = error_rate_percent(&offered, &failed);
    (offered, overall, worst)
}

/// Per period, failed ÷ offered requests in percent; NaN (no point) where nothing was offered or either
/// count is missing.
pub(super) fn error_rate_percent(offered: &[f64], failed: &[f64]) -> Vec<f64> {
    offered
        .iter()
        .zip(failed)
        .map(|(&o, &f)| {
            if o > 0.0 && f.is_finite() {
                100.0 * f / o
            } else {
                f64::NAN
            }
        })
        .collect()
}
