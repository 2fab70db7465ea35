//! The recorder: the sink every controller pushes into (STYLE.md §13).
//!
//! It keeps the story of the run (`events.csv`), the optional engine trace and `explain` narration, and the
//! time-weighted integrals behind `timeseries.csv`. Gauges are piecewise constant between event instants,
//! so the mean over a period is exact: the integral of the step function divided by the period (DESIGN.md:
//! "CloudWatch datapoints are exact, not sampled"). Ratios such as `CPUReservation` integrate numerator and
//! denominator separately and report 100 × ∫reserved ÷ ∫registered, which is the reservation averaged over
//! the capacity that existed; a period with no registered capacity gives no datapoint.

use crate::engine::{SimDuration, SimTime};

use super::recorded::{EventRow, Scope, SeriesPoint, TraceRow};

/// Handle of one integrated series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesId(u32);

/// How a series turns into a period value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum SeriesKind {
    /// Time-weighted mean over the period.
    Gauge,
    /// Sum of the amounts added during the period.
    Count,
    /// 100 × ∫numerator ÷ ∫denominator over the period (both are hidden gauges).
    Ratio {
        numerator: SeriesId,
        denominator: SeriesId,
    },
}

#[derive(Clone, Debug)]
struct Series {
    scope: Scope,
    id: String,
    metric: &'static str,
    kind: SeriesKind,
    hidden: bool,
    value: f64,
    since: SimTime,
    acc: f64,
    /// The integral of the last closed period (for ratios).
    closed: f64,
}

/// Collects everything a run reports.
#[derive(Debug)]
pub struct Recorder {
    period: SimDuration,
    period_start: SimTime,
    series: Vec<Series>,
    points: Vec<SeriesPoint>,
    events: Vec<EventRow>,
    narration: Option<Vec<(SimTime, String)>>,
    trace: Option<Vec<TraceRow>>,
}

impl Recorder {
    /// A recorder closing periods of `period`; `narrate` keeps `explain` sentences, `trace` every event.
    pub fn new(period: SimDuration, narrate: bool, trace: bool) -> Recorder {
        assert!(period.as_ms() > 0, "metric period must be positive");
        Recorder {
            period,
            period_start: SimTime::ZERO,
            series: Vec::new(),
            points: Vec::new(),
            events: Vec::new(),
            narration: narrate.then(Vec::new),
            trace: trace.then(Vec::new),
        }
    }

    /// The metric period.
    pub fn period(&self) -> SimDuration {
        self.period
    }

    fn push(&mut self, scope: Scope, id: &str, metric: &'static str, kind: SeriesKind) -> SeriesId {
        self.series.push(Series {
            scope,
            id: id.to_string(),
            metric,
            kind,
            hidden: false,
            value: 0.0,
            since: self.period_start,
            acc: 0.0,
            closed: 0.0,
        });
        SeriesId(self.series.len() as u32 - 1)
    }

    /// A gauge reported as its time-weighted mean per period.
    pub fn gauge(&mut self, scope: Scope, id: &str, metric: &'static str) -> SeriesId {
        self.push(scope, id, metric, SeriesKind::Gauge)
    }

    /// A count reported as its sum per period.
    pub fn count(&mut self, scope: Scope, id: &str, metric: &'static str) -> SeriesId {
        self.push(scope, id, metric, SeriesKind::Count)
    }

    /// A percentage 100 × ∫numerator ÷ ∫denominator per period; returns (series, numerator, denominator),
    /// the latter two being hidden gauges the caller sets.
    pub fn ratio(
        &mut self,
        scope: Scope,
        id: &str,
        metric: &'static str,
    ) -> (SeriesId, SeriesId, SeriesId) {
        let numerator = self.push(scope, id, "", SeriesKind::Gauge);
        let denominator = self.push(scope, id, "", SeriesKind::Gauge);
        self.series[numerator.0 as usize].hidden = true;
        self.series[denominator.0 as usize].hidden = true;
        let ratio = self.push(
            scope,
            id,
            metric,
            SeriesKind::Ratio {
                numerator,
                denominator,
            },
        );
        (ratio, numerator, denominator)
    }

    /// Sets a gauge's value from `now` on.
    pub fn set(&mut self, now: SimTime, gauge: SeriesId, value: f64) {
        let s = &mut self.series[gauge.0 as usize];
        debug_assert_eq!(s.kind, SeriesKind::Gauge);
        if s.value != value {
            s.acc += s.value * (now - s.since).as_ms() as f64;
            s.since = now;
            s.value = value;
        }
    }

    /// Adds `amount` to a count in the current period.
    pub fn add(&mut self, count: SeriesId, amount: f64) {
        let s = &mut self.series[count.0 as usize];
        debug_assert_eq!(s.kind, SeriesKind::Count);
        s.acc += amount;
    }

    /// Closes the period that ends at `end` (a multiple of the period, or the end of the run).
    pub fn close_period(&mut self, end: SimTime) {
        let start = self.period_start;
        let len_ms = (end - start).as_ms();
        if len_ms == 0 {
            return;
        }
        for s in &mut self.series {
            if s.kind == SeriesKind::Gauge {
                s.acc += s.value * (end - s.since).as_ms() as f64;
                s.since = end;
            }
            s.closed = s.acc;
            s.acc = 0.0;
        }
        for i in 0..self.series.len() {
            let s = &self.series[i];
            if s.hidden {
                continue;
            }
            let value = match s.kind {
                SeriesKind::Gauge => s.closed / len_ms as f64,
                SeriesKind::Count => s.closed,
                SeriesKind::Ratio {
                    numerator,
                    denominator,
                } => {
                    let den = self.series[denominator.0 as usize].closed;
                    if den <= 0.0 {
                        continue;
                    }
                    100.0 * self.series[numerator.0 as usize].closed / den
                }
            };
            self.points.push(SeriesPoint {
                time: start,
                scope: s.scope,
                id: s.id.clone(),
                metric: s.metric,
                value,
            });
        }
        self.period_start = end;
    }

    /// Writes one row of the run's story.
    pub fn event(&mut self, now: SimTime, scope: Scope, id: &str, kind: &str, message: String) {
        if let Some(n) = &mut self.narration {
            n.push((now, format!("{kind}: {message}")));
        }
        self.events.push(EventRow {
            time: now,
            scope,
            id: id.to_string(),
            kind: kind.to_string(),
            message,
        });
    }

    /// Whether `explain` narration is being kept (so callers can skip building sentences).
    pub fn narrating(&self) -> bool {
        self.narration.is_some()
    }

    /// Adds an `explain` sentence.
    pub fn narrate(&mut self, now: SimTime, sentence: String) {
        if let Some(n) = &mut self.narration {
            n.push((now, sentence));
        }
    }

    /// Whether `--trace` is on.
    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Adds a `trace.csv` row.
    pub fn trace(&mut self, now: SimTime, kind: &'static str, subject: String) {
        if let Some(t) = &mut self.trace {
            t.push(TraceRow {
                time: now,
                kind,
                subject,
            });
        }
    }

    /// The rows recorded so far.
    pub fn events(&self) -> &[EventRow] {
        &self.events
    }

    /// Every closed period's datapoints so far, in closing order.
    pub fn points(&self) -> &[SeriesPoint] {
        &self.points
    }

    /// Hands over everything recorded: (timeseries sorted per SPEC §4, events, narration, trace).
    #[allow(clippy::type_complexity)]
    pub fn finish(
        mut self,
    ) -> (
        Vec<SeriesPoint>,
        Vec<EventRow>,
        Vec<(SimTime, String)>,
        Option<Vec<TraceRow>>,
    ) {
        self.points.sort_by(|a, b| {
            (a.time, a.scope.as_str(), &a.id, a.metric).cmp(&(
                b.time,
                b.scope.as_str(),
                &b.id,
                b.metric,
            ))
        });
        (
            self.points,
            self.events,
            self.narration.unwrap_or_default(),
            self.trace,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // DESIGN.md: a datapoint is the exact time-weighted mean of the gauge over its period.
    #[test]
    fn gauge_period_value_is_the_time_weighted_mean() {
        let mut r = Recorder::new(SimDuration::from_secs(60), false, false);
        let g = r.gauge(Scope::Cluster, "c", "X");
        r.set(SimTime::from_secs(0), g, 2.0);
        r.set(SimTime::from_secs(15), g, 6.0); // 15 s at 2, 45 s at 6 → (30 + 270) / 60 = 5
        r.close_period(SimTime::from_secs(60));
        r.close_period(SimTime::from_secs(120)); // a whole period at 6
        let (points, ..) = r.finish();
        assert_eq!(
            points.iter().map(|p| p.value).collect::<Vec<_>>(),
            vec![5.0, 6.0]
        );
    }

    // SPEC §4: reservation periods with no registered capacity are skipped.
    #[test]
    fn ratio_skips_periods_without_capacity_and_weights_by_capacity() {
        let mut r = Recorder::new(SimDuration::from_secs(60), false, false);
        let (_, num, den) = r.ratio(Scope::Cluster, "c", "CPUReservation");
        r.close_period(SimTime::from_secs(60)); // nothing registered: no datapoint
        r.set(SimTime::from_secs(60), den, 2048.0);
        r.set(SimTime::from_secs(60), num, 512.0);
        r.close_period(SimTime::from_secs(120));
        let (points, ..) = r.finish();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].time, SimTime::from_secs(60));
        assert_eq!(points[0].value, 25.0);
    }

    #[test]
    fn count_period_value_is_the_sum() {
        let mut r = Recorder::new(SimDuration::from_secs(60), false, false);
        let c = r.count(Scope::Cluster, "c", "cost_usd");
        r.add(c, 0.25);
        r.add(c, 0.5);
        r.close_period(SimTime::from_secs(60));
        let (points, ..) = r.finish();
        assert_eq!(points[0].value, 0.75);
    }
}
