//! What users got: each service's account of requests offered, answered and failed over the summary window,
//! and the latency of the answered ones (docs/model.md §5).
//!
//! An account integrates piecewise-constant rates: each source feeding the service (one per target group
//! of its `load_balancers`, and its direct traffic) holds its current rates until the traffic controller
//! replaces them, and the time in between, clipped to [warmup, end], weighs them. Latency is kept as the
//! request-weighted mixture of the tasks' exponential response times, binned by their rate in 1 % steps;
//! quantiles are solved from it at the end.

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
    /// Where each bin's class is in `classes` ([`NO_CLASS`] for none), while the source is being built.
    slots: Vec<u32>,
}

impl Source {
    /// Empties the source, keeping its buffers.
    pub(super) fn reset(&mut self) {
        self.offered = 0.0;
        self.ok = 0.0;
        self.errors = 0.0;
        if !self.slots.is_empty() {
            for &(b, _) in &self.classes {
                self.slots[bin_index(b)] = NO_CLASS;
            }
        }
        self.classes.clear();
    }

    /// Adds `ok` answered requests per second in response-rate bin `bin`, to the bin's class if the source
    /// has one already (found in O(1) through `slots`).
    pub(super) fn add_class(&mut self, bin: i32, ok: f64) {
        if ok <= 0.0 {
            return;
        }
        if self.slots.is_empty() {
            self.slots.resize(BINS + 1, NO_CLASS);
        }
        let slot = &mut self.slots[bin_index(bin)];
        if *slot == NO_CLASS {
            *slot = self.classes.len() as u32;
            self.classes.push((bin, ok));
        } else {
            self.classes[*slot as usize].1 += ok;
        }
    }
}

/// A bin without a class in a [`Source::add_class`] slot table.
pub(super) const NO_CLASS: u32 = u32::MAX;

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
    /// Answered requests per response-rate bin (indexed by [`bin_index`]), over the summary window; empty
    /// until the first answered request.
    pub(super) latency: Vec<f64>,
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
                if !src.classes.is_empty() && self.latency.is_empty() {
                    self.latency.resize(BINS + 1, 0.0);
                }
                for &(b, ok) in &src.classes {
                    self.latency[bin_index(b)] += ok * secs;
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

/// The finite bins, −MAX_BIN..=MAX_BIN; the infinite rate has the index after them.
const BINS: usize = 2 * MAX_BIN as usize + 1;

/// Where bin `b` is kept in a dense histogram: finite bins in ascending order, then the infinite one.
fn bin_index(b: i32) -> usize {
    if b == i32::MAX {
        BINS
    } else {
        (b + MAX_BIN) as usize
    }
}

/// The bin kept at `index` of a dense histogram.
fn bin_at(index: usize) -> i32 {
    if index == BINS {
        i32::MAX
    } else {
        index as i32 - MAX_BIN
    }
}

/// The rate a bin stands for.
fn bin_rate(b: i32) -> f64 {
    libm::pow(1.01, f64::from(b))
}

/// The `q`-quantile of the response time of a mixture of exponentials (weights per rate bin, a dense
/// histogram indexed by [`bin_index`]), in ms, rounded to the 1 % log-spaced bucket it falls in; `None`
/// without weight.
pub fn latency_percentile(mix: &[f64], q: f64) -> Option<f64> {
    let weighted = || {
        mix.iter()
            .enumerate()
            .filter(|(_, w)| **w > 0.0)
            .map(|(i, &w)| (bin_at(i), w))
    };
    let total: f64 = weighted().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let cdf = |x: f64| -> f64 {
        weighted()
            .map(|(b, w)| {
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

    /// A dense histogram of `(bin, weight)` pairs.
    fn histogram(pairs: &[(i32, f64)]) -> Vec<f64> {
        let mut h = vec![0.0; BINS + 1];
        for &(b, w) in pairs {
            h[bin_index(b)] += w;
        }
        h
    }

    // SPEC §4 latency: the median of one exponential response time with rate r is ln 2 / r.
    #[test]
    fn the_median_of_an_exponential_response_time_is_ln2_over_its_rate() {
        let mix = histogram(&[(bin(50.0), 1.0)]);
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
        let mix = histogram(&[(bin(1000.0), 99.0), (bin(1.0), 1.0)]);
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
        assert_eq!(latency_percentile(&[], 0.5), None);
        assert_eq!(latency_percentile(&histogram(&[]), 0.5), None);
    }
}
