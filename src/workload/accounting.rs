//! What users got: each service's account of requests offered, answered and failed over the summary window,
//! and the latency of the answered ones (docs/model.md §5).
//!
//! An account integrates piecewise-constant rates: each source feeding the service (one per target group
//! of its `load_balancers`, and its direct traffic) holds its current rates until the traffic controller
//! replaces them, and the time in between, clipped to [warmup, end], weighs them. Latency is kept as the
//! request-weighted mixture of the tasks' exponential response times, binned by their rate in 1 % steps;
//! quantiles are solved from it at the end.

use std::collections::BTreeMap;

use crate::cloudwatch::MetricId;
use crate::engine::SimTime;

/// The current contribution of one source (a target group, or direct traffic) to a service's account.
#[derive(Clone, Debug, Default)]
pub(super) struct Source {
    pub(super) offered: f64,
    pub(super) ok: f64,
    pub(super) errors: f64,
    /// (response-rate bin, answered requests per second) of its tasks.
    pub(super) classes: Vec<(i32, f64)>,
}

impl Source {
    /// Empties the source, keeping its buffer.
    pub(super) fn reset(&mut self) {
        self.offered = 0.0;
        self.ok = 0.0;
        self.errors = 0.0;
        self.classes.clear();
    }

    /// Adds `ok` answered requests per second in response-rate bin `bin`.
    pub(super) fn add_class(&mut self, bin: i32, ok: f64) {
        if ok <= 0.0 {
            return;
        }
        match self.classes.iter_mut().find(|(b, _)| *b == bin) {
            Some((_, rate)) => *rate += ok,
            None => self.classes.push((bin, ok)),
        }
    }
}

/// A service's account.
#[derive(Clone, Debug, Default)]
pub(super) struct Account {
    /// Per target group of its `load_balancers` (in order), then direct traffic.
    pub(super) sources: Vec<Source>,
    /// Their sums, as of `since`.
    pub(super) offered: f64,
    pub(super) ok: f64,
    pub(super) errors: f64,
    pub(super) since: SimTime,
    /// Integrals over the summary window, in requests.
    pub(super) offered_total: f64,
    pub(super) ok_total: f64,
    pub(super) errors_total: f64,
    /// Answered requests per response-rate bin, over the summary window.
    pub(super) latency: BTreeMap<i32, f64>,
    /// Whether any workload aims at the service (or its target groups).
    pub(super) offered_any: bool,
    pub(super) requests: Option<MetricId>,
    pub(super) error_requests: Option<MetricId>,
}

impl Account {
    /// Integrates the current rates from `since` to `now`, within the summary window.
    pub(super) fn advance(&mut self, now: SimTime, warmup: SimTime) {
        let from = self.since.max(warmup);
        if now > from {
            let secs = (now - from).as_secs_f64();
            self.offered_total += self.offered * secs;
            self.ok_total += self.ok * secs;
            self.errors_total += self.errors * secs;
            for src in &self.sources {
                for &(b, ok) in &src.classes {
                    *self.latency.entry(b).or_insert(0.0) += ok * secs;
                }
            }
        }
        self.since = now;
    }
}

/// Bins run from 1.01^−MAX_BIN to 1.01^MAX_BIN per second (about 10^−9 to 10^9).
const MAX_BIN: i32 = 2083;

/// The edges between bins: bin k holds the rates in [1.01^(k − ½), 1.01^(k + ½)).
fn bin_edges() -> &'static [f64] {
    static EDGES: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    EDGES.get_or_init(|| {
        (-MAX_BIN..MAX_BIN)
            .map(|k| libm::pow(1.01, f64::from(k) + 0.5))
            .collect()
    })
}

/// The 1 % bin of a response-time rate (1/s): the k with 1.01^k nearest in ratio; an infinite rate
/// (requests that cost nothing) is its own bin. A binary search over precomputed edges: no logarithm per
/// task and minute.
pub(super) fn bin(rate: f64) -> i32 {
    if !rate.is_finite() {
        return i32::MAX;
    }
    let edges = bin_edges();
    edges.partition_point(|&e| e <= rate) as i32 - MAX_BIN
}

/// The rate a bin stands for.
fn bin_rate(b: i32) -> f64 {
    libm::pow(1.01, f64::from(b))
}

/// The `q`-quantile of the response time of a mixture of exponentials (weights per rate bin), in ms,
/// rounded to the 1 % log-spaced bucket it falls in; `None` without weight.
pub fn latency_percentile(mix: &BTreeMap<i32, f64>, q: f64) -> Option<f64> {
    let total: f64 = mix.values().sum();
    if total <= 0.0 {
        return None;
    }
    let cdf = |x: f64| -> f64 {
        mix.iter()
            .map(|(&b, &w)| {
                if b == i32::MAX {
                    w
                } else {
                    w * (1.0 - libm::exp(-bin_rate(b) * x))
                }
            })
            .sum::<f64>()
            / total
    };
    if cdf(0.0) >= q {
        return Some(0.0);
    }
    // Bisection on log(x), x in seconds from 1 µs to 10^6 s.
    let (mut lo, mut hi) = (libm::log(1e-6), libm::log(1e6));
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(libm::exp(mid)) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let ms = libm::exp(hi) * 1000.0;
    let bucket = (libm::log(ms) / libm::log(1.01)).round();
    Some(libm::pow(1.01, bucket))
}

#[cfg(test)]
mod tests {
    use super::*;

    // SPEC §4 latency: the median of one exponential response time with rate r is ln 2 / r.
    #[test]
    fn the_median_of_an_exponential_response_time_is_ln2_over_its_rate() {
        let mix = BTreeMap::from([(bin(50.0), 1.0)]);
        let p50 = latency_percentile(&mix, 0.5).unwrap();
        let exact = std::f64::consts::LN_2 / bin_rate(bin(50.0)) * 1000.0;
        assert!((p50 / exact - 1.0).abs() < 0.01, "{p50} vs {exact}");
        let p99 = latency_percentile(&mix, 0.99).unwrap();
        let exact99 = libm::log(100.0) / bin_rate(bin(50.0)) * 1000.0;
        assert!((p99 / exact99 - 1.0).abs() < 0.01, "{p99} vs {exact99}");
    }

    // A request-weighted mixture: 99 % of the requests fast, 1 % very slow puts p99 at the edge.
    #[test]
    fn percentiles_weight_each_class_by_its_requests() {
        let mix = BTreeMap::from([(bin(1000.0), 99.0), (bin(1.0), 1.0)]);
        let p50 = latency_percentile(&mix, 0.5).unwrap();
        assert!(p50 < 1.0, "{p50}");
        let p99 = latency_percentile(&mix, 0.99).unwrap();
        assert!(p99 > 3.0, "{p99}");
    }

    // The bins are 1 % wide and centred on the powers of 1.01.
    #[test]
    fn rates_fall_in_the_bin_of_the_nearest_power_of_1_01() {
        assert_eq!(bin(1.0), 0);
        assert_eq!(bin(1.01), 1);
        assert_eq!(bin(1.0049), 0);
        assert_eq!(bin(1.0051), 1);
        assert_eq!(bin(1.0 / 1.01), -1);
        assert_eq!(
            bin(50.0),
            (libm::log(50.0) / libm::log(1.01)).round() as i32
        );
        assert_eq!(bin(f64::INFINITY), i32::MAX);
    }

    #[test]
    fn no_answered_request_has_no_latency() {
        assert_eq!(latency_percentile(&BTreeMap::new(), 0.5), None);
    }
}
