//! Traffic: the request rate each `[[workloads]]` entry offers over simulated time (SPEC §3.10).
//!
//! Owns what a [`Pattern`](crate::scenario::Pattern) means at each instant and over each interval, and the
//! multiplicative noise on top of it ([`pattern`]); what a task does with the requests routed to it
//! ([`model`]); and the traffic controller that routes each workload's rate through the load balancers and
//! keeps the services' accounts ([`traffic`]). The pattern functions are pure, which lets them be tested
//! alone.
//! They are pure — a pattern, a [`Clock`] and an instant or interval in, a number out — so they are tested
//! alone and give the same numbers on every machine (SPEC §5: transcendental math through `libm`, no
//! floating-point time).
//!
//! # The model
//!
//! SPEC §3.10 names the patterns; where it is silent, these are ecsim's rules (**model**). Every rate is in
//! requests per second; every instant is simulated time since t = 0, except that the diurnal pattern follows
//! the UTC time of day, which `[simulation].start_time` fixes ([`Clock`]).
//!
//! 1. **constant**: `rps` at every instant.
//! 2. **diurnal** (model): rate(t) = min + (max − min) × (1 + cos(2π·(τ − peak_at) / 24 h)) / 2, with τ the
//!    UTC time of day of t. The maximum is at `peak_at`, the minimum 12 h later, and the mean over any
//!    whole number of days is (min + max) / 2.
//! 3. **steps** (model): 0 rps before the first step; each step's `rps` from its `at` (inclusive) until the
//!    next step's `at`; the last step's rate for ever after.
//! 4. **spike**: `peak_rps` during [at, at + duration), `base_rps` before and after.
//! 5. **trace** (model for the ends): linear interpolation between rows (SPEC); the first row's rate before
//!    it and the last row's rate after it.
//! 6. **Exact means.** [`mean_rate`] is the integral of the rate over [from, to) divided by its length,
//!    computed in closed form (the sinusoid's antiderivative; exact trapezoids for a trace; lengths of
//!    constant pieces for steps and spikes), never by sampling. The requests offered over an interval are
//!    the mean × its length, so request counts over consecutive intervals add up exactly.
//! 7. **Breakpoints.** [`next_breakpoint`] names the instants where a piecewise pattern's formula changes (a
//!    step's `at`, a spike's start and end, a trace row); a constant or diurnal pattern has none. The load
//!    model recomputes rates at every breakpoint and at least every [`NOISE_INTERVAL`] (60 s).
//! 8. **Noise** (model): `noise` is a relative standard deviation. One factor max(0, 1 + noise·Z), Z standard
//!    normal, multiplies a workload's rate for a whole 60-second interval [60k s, 60(k+1) s); the factors of
//!    successive intervals are independent, drawn in interval order from the workload's own stream
//!    `workload/<name>/noise` ([`noise_stream`]) with [`noise_factor`]. `noise = 0` draws nothing. The clamp
//!    at 0 keeps rates non-negative and lifts the mean factor above 1 by under 0.01 % while noise ≤ 0.3
//!    (0.4 % at 0.5, 8 % at 1).

pub mod accounting;
pub mod model;
pub mod pattern;
pub mod traffic;

pub use pattern::{
    Clock, NOISE_INTERVAL, mean_rate, next_breakpoint, noise_factor, noise_stream, rate_at,
};
