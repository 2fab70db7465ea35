//! CloudWatch: the metrics of a run, with exact datapoints (ECS-SEMANTICS §6; DESIGN.md "CloudWatch
//! datapoints are exact, not sampled").
//!
//! Every series is registered once, when the run is built, under a typed [`MetricKey`] (namespace, name,
//! dimensions) and gets a [`MetricId`]; nothing is looked up by string during the run. A series is a
//! *gauge* (a value that holds between changes: its datapoint is the time-weighted mean over the period), a
//! *count* (amounts added: its datapoint is their sum) or a *ratio* (100 × ∫numerator ÷ ∫denominator over
//! the period, e.g. `CPUReservation`: the reservation averaged over the capacity that existed; no datapoint
//! when the denominator is 0).
//!
//! The store keeps, per series, one value per period of the series' own resolution (60 s for the AWS/ECS
//! and Auto Scaling metrics simulated today), published when the period ends — by the run loop in phase 4
//! (metric publication), so an alarm evaluated in phase 5 at the same instant sees it. For a gauge the value
//! kept is the integral ∫ value dt over the period (in value × milliseconds); integer-valued gauges (task
//! counts, CPU units, MiB) therefore integrate exactly in `f64`, and any coarser period (the report's
//! `metric_period`) is the exact sum of the finer ones. [`MetricStore::datapoint`] reads one datapoint in
//! O(1), which is what alarms evaluate; [`MetricStore::report`] aggregates every visible series into the
//! report's periods for `timeseries.csv` and the plots.
//!
//! Integration advances only when a value changes ([`MetricStore::set`] with an equal value does nothing),
//! so a steady series costs nothing between period ends.

use crate::engine::{SimDuration, SimTime};
use crate::report::recorded::{Scope, TimeSeries};
use crate::world::{AsgIdx, ServiceIdx, TargetGroupIdx};

/// A CloudWatch namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Namespace {
    /// `AWS/ECS`.
    Ecs,
    /// `AWS/AutoScaling`.
    AutoScaling,
    /// `AWS/ApplicationELB`.
    ApplicationElb,
    /// Series of the simulator's own (`cost_usd`): not CloudWatch metrics, kept alongside for the report.
    Simulator,
}

/// A series' dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimensions {
    /// `ClusterName`.
    Cluster,
    /// `ClusterName`, `ServiceName`.
    Service(ServiceIdx),
    /// `AutoScalingGroupName`.
    AutoScalingGroup(AsgIdx),
    /// `TargetGroup` (and its `LoadBalancer`).
    TargetGroup(TargetGroupIdx),
}

/// What identifies a metric: namespace, name and dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetricKey {
    /// The namespace.
    pub namespace: Namespace,
    /// The metric name as CloudWatch spells it (`CPUReservation`, `RunningTaskCount`, …).
    pub name: &'static str,
    /// The dimensions.
    pub dimensions: Dimensions,
}

/// A registered series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricId(u32);

/// How a series turns into a datapoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Time-weighted mean over the period.
    Gauge,
    /// Sum of the amounts added during the period.
    Count,
    /// 100 × ∫numerator ÷ ∫denominator (two hidden gauges).
    Ratio {
        numerator: MetricId,
        denominator: MetricId,
    },
    /// A rate per second set like a gauge; its datapoint is the number over the period (∫ rate dt).
    Rate,
    /// ∫numerator ÷ ∫denominator (two hidden gauges): a mean weighted by the denominator, e.g. the mean
    /// response time weighted by requests.
    Mean {
        numerator: MetricId,
        denominator: MetricId,
    },
    /// A rate's number over the period ÷ a gauge's mean over it (e.g. requests per healthy target).
    PerUnit { rate: MetricId, units: MetricId },
}

#[derive(Clone, Debug)]
struct Series {
    key: Option<MetricKey>,
    /// How the report names it: (scope, id); `None` for hidden components.
    label: Option<(Scope, String)>,
    kind: Kind,
    value: f64,
    since: SimTime,
    /// The current period's integral (gauge) or sum (count).
    acc: f64,
    /// One value per closed period: the integral (gauge) or sum (count); ratios keep nothing of their own.
    closed: Vec<f64>,
}

/// Every series of a run and its datapoints.
#[derive(Clone, Debug)]
pub struct MetricStore {
    period: SimDuration,
    /// The end of every closed period, in order (the last one may be shorter: the end of the run).
    ends: Vec<SimTime>,
    period_start: SimTime,
    series: Vec<Series>,
}

impl MetricStore {
    /// A store whose series have datapoints every `period` (CloudWatch's standard 60 s).
    pub fn new(period: SimDuration) -> MetricStore {
        assert!(period.as_ms() > 0, "a metric period is positive");
        MetricStore {
            period,
            ends: Vec::new(),
            period_start: SimTime::ZERO,
            series: Vec::new(),
        }
    }

    /// The resolution of the series' datapoints.
    pub fn period(&self) -> SimDuration {
        self.period
    }

    fn push(
        &mut self,
        key: Option<MetricKey>,
        label: Option<(Scope, String)>,
        kind: Kind,
    ) -> MetricId {
        assert!(
            self.ends.is_empty(),
            "series are registered before the first period closes"
        );
        self.series.push(Series {
            key,
            label,
            kind,
            value: 0.0,
            since: SimTime::ZERO,
            acc: 0.0,
            closed: Vec::new(),
        });
        MetricId(self.series.len() as u32 - 1)
    }

    /// Registers a gauge reported as `(scope, id)`.
    pub fn gauge(&mut self, key: MetricKey, scope: Scope, id: &str) -> MetricId {
        self.push(Some(key), Some((scope, id.to_string())), Kind::Gauge)
    }

    /// Registers a rate per second reported as `(scope, id)` with the number over each period
    /// (`RequestCount`, `HTTPCode_ELB_5XX_Count`, …).
    pub fn rate(&mut self, key: MetricKey, scope: Scope, id: &str) -> MetricId {
        self.push(Some(key), Some((scope, id.to_string())), Kind::Rate)
    }

    /// A hidden rate per second (a component of another series).
    pub fn hidden_rate(&mut self) -> MetricId {
        self.push(None, None, Kind::Rate)
    }

    /// A hidden gauge.
    pub fn hidden_gauge(&mut self) -> MetricId {
        self.push(None, None, Kind::Gauge)
    }

    /// Registers ∫`numerator` ÷ ∫`denominator` reported as `(scope, id)`; returns (mean, numerator,
    /// denominator), the last two being hidden gauges the caller sets.
    pub fn mean(
        &mut self,
        key: MetricKey,
        scope: Scope,
        id: &str,
    ) -> (MetricId, MetricId, MetricId) {
        self.quotient(key, scope, id, |numerator, denominator| Kind::Mean {
            numerator,
            denominator,
        })
    }

    /// Registers `rate`'s number per period ÷ `units`' mean over it, reported as `(scope, id)`; no datapoint
    /// when `units` averaged 0.
    pub fn per_unit(
        &mut self,
        key: MetricKey,
        scope: Scope,
        id: &str,
        rate: MetricId,
        units: MetricId,
    ) -> MetricId {
        self.push(
            Some(key),
            Some((scope, id.to_string())),
            Kind::PerUnit { rate, units },
        )
    }

    /// Registers a count reported as `(scope, id)`.
    pub fn count(&mut self, key: MetricKey, scope: Scope, id: &str) -> MetricId {
        self.push(Some(key), Some((scope, id.to_string())), Kind::Count)
    }

    /// Registers a ratio reported as `(scope, id)`; returns (ratio, numerator, denominator), the last two
    /// being hidden gauges the caller sets.
    pub fn ratio(
        &mut self,
        key: MetricKey,
        scope: Scope,
        id: &str,
    ) -> (MetricId, MetricId, MetricId) {
        self.quotient(key, scope, id, |numerator, denominator| Kind::Ratio {
            numerator,
            denominator,
        })
    }

    /// Registers two hidden gauges and the series `kind` makes of them, reported as `(scope, id)`; returns
    /// (series, numerator, denominator).
    fn quotient(
        &mut self,
        key: MetricKey,
        scope: Scope,
        id: &str,
        kind: fn(MetricId, MetricId) -> Kind,
    ) -> (MetricId, MetricId, MetricId) {
        let numerator = self.push(None, None, Kind::Gauge);
        let denominator = self.push(None, None, Kind::Gauge);
        let series = self.push(
            Some(key),
            Some((scope, id.to_string())),
            kind(numerator, denominator),
        );
        (series, numerator, denominator)
    }

    /// The series registered under `key`, if any.
    pub fn id_of(&self, key: &MetricKey) -> Option<MetricId> {
        self.series
            .iter()
            .position(|s| s.key.as_ref() == Some(key))
            .map(|i| MetricId(i as u32))
    }

    /// Sets a gauge's value from `now` on (an equal value changes nothing).
    #[inline]
    pub fn set(&mut self, now: SimTime, gauge: MetricId, value: f64) {
        let s = &mut self.series[gauge.0 as usize];
        debug_assert!(matches!(s.kind, Kind::Gauge | Kind::Rate));
        if s.value != value {
            s.acc += s.value * (now - s.since).as_ms() as f64;
            s.since = now;
            s.value = value;
        }
    }

    /// Adds `amount` to a count in the current period.
    pub fn add(&mut self, count: MetricId, amount: f64) {
        let s = &mut self.series[count.0 as usize];
        debug_assert_eq!(s.kind, Kind::Count);
        s.acc += amount;
    }

    /// The instant the current period ends: the next publication.
    pub fn next_period_end(&self) -> SimTime {
        self.period_start + self.period
    }

    /// Closes the period that ends at `end` (a period boundary, or the end of the run): its datapoints are
    /// published.
    pub fn close_period(&mut self, end: SimTime) {
        if end <= self.period_start {
            return;
        }
        for s in &mut self.series {
            if matches!(
                s.kind,
                Kind::Ratio { .. } | Kind::Mean { .. } | Kind::PerUnit { .. }
            ) {
                continue;
            }
            if matches!(s.kind, Kind::Gauge | Kind::Rate) {
                s.acc += s.value * (end - s.since).as_ms() as f64;
                s.since = end;
            }
            s.closed.push(s.acc);
            s.acc = 0.0;
        }
        self.ends.push(end);
        self.period_start = end;
    }

    /// Makes room for `periods` datapoints in every registered series, so that publishing them allocates
    /// nothing (a run knows how many periods it has; STYLE.md §14).
    pub fn reserve_periods(&mut self, periods: usize) {
        for s in &mut self.series {
            if matches!(s.kind, Kind::Gauge | Kind::Rate | Kind::Count) {
                s.closed
                    .reserve_exact(periods.saturating_sub(s.closed.len()));
            }
        }
        self.ends
            .reserve_exact(periods.saturating_sub(self.ends.len()));
    }

    /// Closed periods so far.
    pub fn periods(&self) -> usize {
        self.ends.len()
    }

    /// The `k`-th closed period: (start, end).
    pub fn period_bounds(&self, k: usize) -> (SimTime, SimTime) {
        let start = if k == 0 {
            SimTime::ZERO
        } else {
            self.ends[k - 1]
        };
        (start, self.ends[k])
    }

    /// The datapoint of `id` for closed period `k`: the mean (gauge), sum (count) or percentage (ratio);
    /// `None` for a ratio whose denominator was 0 (no capacity: no datapoint).
    pub fn datapoint(&self, id: MetricId, k: usize) -> Option<f64> {
        let (start, end) = self.period_bounds(k);
        self.value_over(id, k..k + 1, (end - start).as_ms())
    }

    /// The value of `id` over closed periods `range`, `len_ms` long in all.
    fn value_over(&self, id: MetricId, range: std::ops::Range<usize>, len_ms: u64) -> Option<f64> {
        let sum = |id: MetricId| -> f64 {
            self.series[id.0 as usize].closed[range.clone()]
                .iter()
                .sum()
        };
        match self.series[id.0 as usize].kind {
            Kind::Gauge => Some(sum(id) / len_ms as f64),
            Kind::Count => Some(sum(id)),
            Kind::Ratio {
                numerator,
                denominator,
            } => {
                let den = sum(denominator);
                (den > 0.0).then(|| 100.0 * sum(numerator) / den)
            }
            Kind::Rate => Some(sum(id) / 1000.0),
            Kind::Mean {
                numerator,
                denominator,
            } => {
                let den = sum(denominator);
                (den > 0.0).then(|| sum(numerator) / den)
            }
            Kind::PerUnit { rate, units } => {
                let mean_units = sum(units) / len_ms as f64;
                (mean_units > 0.0).then(|| sum(rate) / 1000.0 / mean_units)
            }
        }
    }

    /// Every visible series aggregated into periods of `period` (a multiple of the store's), in SPEC §4's
    /// row order (scope, id, metric), for `timeseries.csv` and the plots.
    pub fn report(&self, period: SimDuration) -> TimeSeries {
        assert!(
            period.as_ms().is_multiple_of(self.period.as_ms()),
            "the report period is a multiple of the metric period"
        );
        let per = (period.as_ms() / self.period.as_ms()) as usize;
        let mut starts = Vec::new();
        let mut groups = Vec::new();
        let mut k = 0;
        while k < self.ends.len() {
            let last = (k + per).min(self.ends.len());
            let (start, _) = self.period_bounds(k);
            let end = self.ends[last - 1];
            starts.push(start);
            groups.push((k..last, (end - start).as_ms()));
            k = last;
        }
        let mut visible: Vec<usize> = (0..self.series.len())
            .filter(|&i| self.series[i].label.is_some())
            .collect();
        visible.sort_by(|&a, &b| {
            let (sa, ia) = self.series[a].label.as_ref().expect("visible");
            let (sb, ib) = self.series[b].label.as_ref().expect("visible");
            let ka = self.series[a].key.expect("visible").name;
            let kb = self.series[b].key.expect("visible").name;
            (sa.as_str(), ia, ka).cmp(&(sb.as_str(), ib, kb))
        });
        let mut out = TimeSeries::new(starts);
        for i in visible {
            let s = &self.series[i];
            let (scope, id) = s.label.clone().expect("visible");
            let values = groups
                .iter()
                .map(|(range, len)| {
                    self.value_over(MetricId(i as u32), range.clone(), *len)
                        .unwrap_or(f64::NAN)
                })
                .collect();
            out.push(scope, id, s.key.expect("visible").name, values);
        }
        out
    }
}

/// The metric keys of the series a run publishes today.
pub mod keys {
    use super::{Dimensions, MetricKey, Namespace};
    use crate::world::{AsgIdx, ServiceIdx, TargetGroupIdx};

    /// An `AWS/ECS` metric.
    pub const fn ecs(name: &'static str, dimensions: Dimensions) -> MetricKey {
        MetricKey {
            namespace: Namespace::Ecs,
            name,
            dimensions,
        }
    }

    /// An `AWS/ECS` metric of the cluster.
    pub const fn cluster(name: &'static str) -> MetricKey {
        ecs(name, Dimensions::Cluster)
    }

    /// An `AWS/ECS` metric of service `s`.
    pub const fn service(name: &'static str, s: ServiceIdx) -> MetricKey {
        ecs(name, Dimensions::Service(s))
    }

    /// An `AWS/AutoScaling` metric of group `a`.
    pub const fn asg(name: &'static str, a: AsgIdx) -> MetricKey {
        MetricKey {
            namespace: Namespace::AutoScaling,
            name,
            dimensions: Dimensions::AutoScalingGroup(a),
        }
    }

    /// An `AWS/ApplicationELB` metric of target group `tg`.
    pub const fn target_group(name: &'static str, tg: TargetGroupIdx) -> MetricKey {
        MetricKey {
            namespace: Namespace::ApplicationElb,
            name,
            dimensions: Dimensions::TargetGroup(tg),
        }
    }

    /// A simulator series of service `s` (not a CloudWatch metric: `requests`, `error_requests`).
    pub const fn service_traffic(name: &'static str, s: ServiceIdx) -> MetricKey {
        MetricKey {
            namespace: Namespace::Simulator,
            name,
            dimensions: Dimensions::Service(s),
        }
    }

    /// The simulator's cost series (not a CloudWatch metric).
    pub const COST: MetricKey = MetricKey {
        namespace: Namespace::Simulator,
        name: "cost_usd",
        dimensions: Dimensions::Cluster,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> MetricStore {
        MetricStore::new(SimDuration::from_secs(60))
    }

    // DESIGN.md: a datapoint is the exact time-weighted mean of the gauge over its period.
    #[test]
    fn gauge_datapoint_is_the_time_weighted_mean() {
        let mut m = store();
        let g = m.gauge(keys::cluster("X"), Scope::Cluster, "c");
        m.set(SimTime::from_secs(0), g, 2.0);
        m.set(SimTime::from_secs(15), g, 6.0); // 15 s at 2, 45 s at 6 → (30 + 270) / 60 = 5
        m.close_period(SimTime::from_secs(60));
        m.close_period(SimTime::from_secs(120)); // a whole period at 6
        assert_eq!(m.datapoint(g, 0), Some(5.0));
        assert_eq!(m.datapoint(g, 1), Some(6.0));
    }

    // SPEC §4: reservation periods with no registered capacity have no datapoint; the ratio weights by
    // capacity.
    #[test]
    fn ratio_has_no_datapoint_without_capacity() {
        let mut m = store();
        let (r, num, den) = m.ratio(keys::cluster("CPUReservation"), Scope::Cluster, "c");
        m.close_period(SimTime::from_secs(60));
        m.set(SimTime::from_secs(60), den, 2048.0);
        m.set(SimTime::from_secs(60), num, 512.0);
        m.close_period(SimTime::from_secs(120));
        assert_eq!(m.datapoint(r, 0), None);
        assert_eq!(m.datapoint(r, 1), Some(25.0));
    }

    #[test]
    fn count_datapoint_is_the_sum() {
        let mut m = store();
        let c = m.count(keys::COST, Scope::Cluster, "c");
        m.add(c, 0.25);
        m.add(c, 0.5);
        m.close_period(SimTime::from_secs(60));
        assert_eq!(m.datapoint(c, 0), Some(0.75));
    }

    // A report period of 5 minutes is the exact aggregate of its five 1-minute datapoints: the gauge's mean
    // over 300 s, the ratio of the summed integrals (not the mean of the ratios), the count's sum; the last
    // report period is as long as what is left of the run.
    #[test]
    fn report_periods_aggregate_the_minute_datapoints_exactly() {
        let mut m = store();
        let g = m.gauge(keys::cluster("G"), Scope::Cluster, "c");
        let (_, num, den) = m.ratio(keys::cluster("R"), Scope::Cluster, "c");
        m.set(SimTime::ZERO, den, 100.0);
        m.set(SimTime::ZERO, num, 50.0);
        m.set(SimTime::from_secs(30), g, 10.0);
        for k in 1..=4 {
            m.close_period(SimTime::from_secs(60 * k));
        }
        m.set(SimTime::from_secs(240), den, 300.0);
        m.set(SimTime::from_secs(240), num, 300.0);
        for k in 5..=6 {
            m.close_period(SimTime::from_secs(60 * k));
        }
        m.close_period(SimTime::from_secs(390));
        let ts = m.report(SimDuration::from_secs(300));
        assert_eq!(ts.starts, vec![SimTime::ZERO, SimTime::from_secs(300)]);
        let gauge = ts.series.iter().find(|s| s.metric == "G").unwrap();
        assert_eq!(gauge.values[0], 10.0 * 270.0 / 300.0);
        assert_eq!(gauge.values[1], 10.0);
        let ratio = ts.series.iter().find(|s| s.metric == "R").unwrap();
        // ∫num = 50×240 + 300×60, ∫den = 100×240 + 300×60.
        assert_eq!(
            ratio.values[0],
            100.0 * (50.0 * 240.0 + 300.0 * 60.0) / (100.0 * 240.0 + 300.0 * 60.0)
        );
        assert_eq!(ratio.values[1], 100.0);
    }

    // Series are found by their typed key, not by a string.
    #[test]
    fn series_are_found_by_namespace_name_and_dimensions() {
        let mut m = store();
        let a = m.gauge(
            keys::service("RunningTaskCount", ServiceIdx(0)),
            Scope::Service,
            "a",
        );
        let b = m.gauge(
            keys::service("RunningTaskCount", ServiceIdx(1)),
            Scope::Service,
            "b",
        );
        assert_eq!(
            m.id_of(&keys::service("RunningTaskCount", ServiceIdx(1))),
            Some(b)
        );
        assert_eq!(
            m.id_of(&keys::service("RunningTaskCount", ServiceIdx(0))),
            Some(a)
        );
        assert_eq!(m.id_of(&keys::asg("RunningTaskCount", AsgIdx(0))), None);
    }
}
