//! The offered rate of a [`Pattern`]: at an instant ([`rate_at`]), its exact mean over an interval
//! ([`mean_rate`]), where it next changes formula ([`next_breakpoint`]), and the multiplicative noise
//! ([`noise_factor`]). The rules are numbered in the [module docs](super).
//!
//! Why a closed-form mean rather than sampling: request counts, CloudWatch `RequestCount` sums and the CPU
//! that requests cost are integrals of the rate, and DESIGN.md wants datapoints exact, not sampled. The
//! mean over [from, to) computed here is the integral ÷ the length, so splitting an interval never changes
//! the total. Time stays integer milliseconds throughout: phases and day offsets are reduced with integer
//! arithmetic before any float is formed, so a diurnal rate one year into a run is as precise as on day one,
//! and `libm` gives the same bits on every machine (SPEC §5).

use std::f64::consts::{PI, TAU};

use rand_chacha::ChaCha8Rng;

use crate::engine::rng::unit_f64;
use crate::engine::{SimDuration, SimTime};
use crate::scenario::{Pattern, Scenario};

/// One UTC day.
pub const DAY: SimDuration = SimDuration::from_secs(86_400);

/// The noise interval (rule 8): one noise factor per workload covers [60k s, 60(k+1) s). The load model
/// also recomputes rates at least this often (rule 7).
pub const NOISE_INTERVAL: SimDuration = SimDuration::from_secs(60);

const DAY_MS: u64 = DAY.as_ms();

/// The name of the RNG stream a workload's noise factors come from: `workload/<name>/noise`.
pub fn noise_stream(workload: &str) -> String {
    format!("workload/{workload}/noise")
}

/// Maps simulated time to the UTC time of day, from `[simulation].start_time`. Only the start instant's
/// offset into its UTC day matters (SPEC §3.1: the UTC instant of t = 0), so the clock is that offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Milliseconds from 00:00 UTC of its day to t = 0, below one day.
    start_of_day_ms: u64,
}

impl Clock {
    /// The clock of `scenario` (its `start_time`).
    pub fn new(scenario: &Scenario) -> Clock {
        Clock::from_start_unix_ms(scenario.simulation.start_time_unix_ms)
    }

    /// The clock of a run whose t = 0 is `start_time_unix_ms` (milliseconds since the Unix epoch, UTC;
    /// instants before 1970 included).
    pub fn from_start_unix_ms(start_time_unix_ms: i64) -> Clock {
        const DAY_MS_I64: i64 = DAY_MS as i64;
        // `rem_euclid` by a positive divisor is in [0, 1 day), so the conversion cannot fail.
        let offset = u64::try_from(start_time_unix_ms.rem_euclid(DAY_MS_I64)).unwrap_or(0);
        Clock {
            start_of_day_ms: offset,
        }
    }

    /// The UTC time of day at `t`: milliseconds since 00:00, below 24 h.
    pub fn time_of_day(self, t: SimTime) -> SimDuration {
        // Both terms are below one day, so the sum cannot overflow.
        SimDuration::from_ms((self.start_of_day_ms + t.as_ms() % DAY_MS) % DAY_MS)
    }
}

/// The offered rate at instant `t`, in requests per second, before noise (rules 1–5).
pub fn rate_at(pattern: &Pattern, clock: &Clock, t: SimTime) -> f64 {
    match pattern {
        Pattern::Constant { rps } => *rps,
        Pattern::Diurnal {
            min_rps,
            max_rps,
            peak_at,
        } => {
            let since_peak = since_peak_ms(clock, *peak_at, t);
            let angle = TAU * (since_peak as f64 / DAY_MS as f64);
            min_rps + (max_rps - min_rps) * (1.0 + libm::cos(angle)) / 2.0
        }
        Pattern::Steps { steps } => {
            let started = steps.partition_point(|&(at, _)| at <= t);
            if started == 0 {
                0.0
            } else {
                steps[started - 1].1
            }
        }
        Pattern::Spike {
            base_rps,
            peak_rps,
            at,
            duration,
        } => {
            if *at <= t && t < *at + *duration {
                *peak_rps
            } else {
                *base_rps
            }
        }
        Pattern::Trace { points } => trace_rate(points, t),
    }
}

/// The exact mean offered rate over [from, to), in requests per second, before noise (rule 6): the integral
/// of [`rate_at`] over the interval divided by its length. An empty interval (`to ≤ from`) has the rate at
/// `from`, the limit of the mean as the interval shrinks.
pub fn mean_rate(pattern: &Pattern, clock: &Clock, from: SimTime, to: SimTime) -> f64 {
    if to <= from {
        return rate_at(pattern, clock, from);
    }
    match pattern {
        Pattern::Constant { rps } => *rps,
        Pattern::Diurnal {
            min_rps,
            max_rps,
            peak_at,
        } => {
            let since_peak = since_peak_ms(clock, *peak_at, from);
            min_rps + (max_rps - min_rps) * mean_raised_cosine(since_peak, (to - from).as_ms())
        }
        // Constant between breakpoints: each piece weighs its value at its start.
        Pattern::Steps { .. } | Pattern::Spike { .. } => {
            pieces(pattern, from, to, |a, _| rate_at(pattern, clock, a))
        }
        // Linear between breakpoints (and constant beyond the ends): each piece's exact mean is the mean of
        // its end values, the trapezoid.
        Pattern::Trace { points } => pieces(pattern, from, to, |a, b| {
            0.5 * (trace_rate(points, a) + trace_rate(points, b))
        }),
    }
}

/// The first instant after `after` (exclusive) where the pattern's formula changes: a step's `at`, a
/// spike's start or end, a trace row (rule 7). `None` for constant and diurnal patterns, and after the last
/// such instant. The value need not change there (two equal steps, a spike as high as its base).
pub fn next_breakpoint(pattern: &Pattern, after: SimTime) -> Option<SimTime> {
    match pattern {
        Pattern::Constant { .. } | Pattern::Diurnal { .. } => None,
        Pattern::Steps { steps } => {
            let next = steps.partition_point(|&(at, _)| at <= after);
            steps.get(next).map(|&(at, _)| at)
        }
        Pattern::Spike { at, duration, .. } => [*at, *at + *duration]
            .into_iter()
            .find(|&edge| edge > after),
        Pattern::Trace { points } => {
            let next = points.partition_point(|&(at, _)| at <= after);
            points.get(next).map(|&(at, _)| at)
        }
    }
}

/// One multiplicative noise factor, max(0, 1 + noise·Z) with Z standard normal from `rng` (rule 8).
///
/// `noise = 0` returns exactly 1 and draws nothing. Otherwise the call draws exactly two `next_u64`
/// (Box–Muller, one normal per call, the second discarded), so a stream's position depends only on how
/// many factors were drawn: Z = √(−2 ln(1 − u₁)) · cos(2π u₂) with u₁, u₂ from
/// [`unit_f64`], `1 − u₁` in (0, 1] so the logarithm is finite, and
/// `libm`'s `log`, `sqrt` and `cos` for the same bits on every machine.
///
/// # Panics
/// If `noise` is negative, NaN or infinite (a caller bug: `noise` is validated with the scenario).
pub fn noise_factor(rng: &mut ChaCha8Rng, noise: f64) -> f64 {
    assert!(
        noise.is_finite() && noise >= 0.0,
        "noise_factor: noise must be finite and non-negative, got {noise}"
    );
    if noise == 0.0 {
        return 1.0;
    }
    (1.0 + noise * standard_normal(rng)).max(0.0)
}

/// A standard normal variate from exactly two draws (Box–Muller, cosine branch).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = unit_f64(rng);
    let u2 = unit_f64(rng);
    libm::sqrt(-2.0 * libm::log(1.0 - u1)) * libm::cos(TAU * u2)
}

/// Milliseconds from the most recent `peak_at` (UTC time of day) to `t`, in [0, 1 day).
fn since_peak_ms(clock: &Clock, peak_at: SimDuration, t: SimTime) -> u64 {
    let peak = peak_at.as_ms() % DAY_MS;
    (clock.time_of_day(t).as_ms() + DAY_MS - peak) % DAY_MS
}

/// The mean of (1 + cos(2π·s / 1 day)) / 2 for s over [start, start + length), `start` in ms after a peak,
/// `length` > 0 ms.
///
/// The integral of cos(φ₀ + ωs) over [0, L) is 2·cos(φ₀ + ωL/2)·sin(ωL/2) / ω, so the mean is
/// 1/2 + cos(mid)·sin(half) / (ωL) with ω = 2π / day. The product form has no cancellation for short
/// intervals (a difference of two sines would), and both angles are reduced modulo 2π in integer
/// milliseconds first: mid = π·((2·start + L) mod 2 days) / day, half = π·(L mod 2 days) / day. A whole
/// number of days integrates the cosine to exactly 0.
fn mean_raised_cosine(start: u64, length: u64) -> f64 {
    if length.is_multiple_of(DAY_MS) {
        return 0.5;
    }
    let two_days = 2 * DAY_MS;
    let mid = PI * (((2 * start) % two_days + length % two_days) % two_days) as f64 / DAY_MS as f64;
    let half = PI * (length % two_days) as f64 / DAY_MS as f64;
    let omega_length = TAU * (length as f64 / DAY_MS as f64);
    0.5 + libm::cos(mid) * libm::sin(half) / omega_length
}

/// The mean over [from, to) (from < to) of a pattern whose pieces between breakpoints have the mean
/// `piece_mean(a, b)`: the pieces' means weighted by their share of the interval.
fn pieces(
    pattern: &Pattern,
    from: SimTime,
    to: SimTime,
    mut piece_mean: impl FnMut(SimTime, SimTime) -> f64,
) -> f64 {
    let length = (to - from).as_ms() as f64;
    let mut sum = 0.0;
    let mut a = from;
    while a < to {
        let b = next_breakpoint(pattern, a).map_or(to, |b| b.min(to));
        sum += piece_mean(a, b) * ((b - a).as_ms() as f64 / length);
        a = b;
    }
    sum
}

/// A trace's rate at `t`: linear between rows, the first row's rate before it, the last row's after it
/// (0 for a trace without rows, which validation rejects).
fn trace_rate(points: &[(SimTime, f64)], t: SimTime) -> f64 {
    let next = points.partition_point(|&(at, _)| at <= t);
    match (next.checked_sub(1).map(|i| points[i]), points.get(next)) {
        (None, Some(&(_, first))) => first,
        (Some((_, last)), None) => last,
        (None, None) => 0.0,
        (Some((t0, r0)), Some(&(t1, r1))) => {
            // t0 ≤ t < t1: exact at the row itself, linear inside.
            let f = (t - t0).as_ms() as f64 / (t1 - t0).as_ms() as f64;
            r0 + (r1 - r0) * f
        }
    }
}

#[cfg(test)]
mod tests;
