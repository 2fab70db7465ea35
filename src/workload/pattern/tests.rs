//! Each rule of the [module docs](crate::workload) has tests named after it.

use super::*;
use crate::engine::rng::fresh;

const MIDNIGHT: Clock = Clock { start_of_day_ms: 0 };

fn s(secs: u64) -> SimTime {
    SimTime::from_secs(secs)
}

fn h(hours: u64) -> SimTime {
    SimTime::from_secs(hours * 3600)
}

fn assert_close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "got {got}, want {want} (tolerance {tol})"
    );
}

fn diurnal(min_rps: f64, max_rps: f64, peak_hour: u64) -> Pattern {
    Pattern::Diurnal {
        min_rps,
        max_rps,
        peak_at: SimDuration::from_secs(peak_hour * 3600),
    }
}

fn steps() -> Pattern {
    Pattern::Steps {
        steps: vec![(s(30), 10.0), (s(90), 40.0)],
    }
}

fn spike() -> Pattern {
    Pattern::Spike {
        base_rps: 10.0,
        peak_rps: 100.0,
        at: s(60),
        duration: SimDuration::from_secs(30),
    }
}

fn trace() -> Pattern {
    Pattern::Trace {
        points: vec![(s(10), 4.0), (s(20), 8.0), (s(40), 0.0)],
    }
}

/// Every kind of pattern, for the rules that hold for all.
fn all_patterns() -> Vec<Pattern> {
    vec![
        Pattern::Constant { rps: 7.5 },
        diurnal(10.0, 100.0, 14),
        steps(),
        spike(),
        trace(),
    ]
}

// SPEC §3.1: start_time is the UTC instant of t = 0.
#[test]
fn the_clock_starts_at_the_start_times_offset_into_its_utc_day() {
    let eight = Clock::from_start_unix_ms(
        crate::scenario::simulation::DEFAULT_START_UNIX_MS + 8 * 3_600_000,
    );
    assert_eq!(
        eight.time_of_day(SimTime::ZERO),
        SimDuration::from_secs(8 * 3600)
    );
    assert_eq!(eight.time_of_day(h(17)), SimDuration::from_secs(3600));
    assert_eq!(
        eight.time_of_day(h(24 * 365 + 1)),
        SimDuration::from_secs(9 * 3600)
    );
    let before_1970 = Clock::from_start_unix_ms(-1);
    assert_eq!(
        before_1970.time_of_day(SimTime::ZERO),
        SimDuration::from_ms(DAY_MS - 1)
    );
}

#[test]
fn the_clock_of_a_scenario_reads_its_start_time() {
    let text = "name = \"c\"\n[simulation]\nduration = \"1h\"\nstart_time = \"2024-03-05T06:30:00+02:00\"\n";
    let loaded = crate::scenario::load_str("c.toml", text, std::path::Path::new("."), &[])
        .expect("valid scenario");
    let clock = Clock::new(&loaded.scenario);
    assert_eq!(
        clock.time_of_day(SimTime::ZERO),
        SimDuration::from_secs(4 * 3600 + 30 * 60)
    );
}

// Rule 1.
#[test]
fn rule_1_a_constant_pattern_offers_its_rps_at_every_instant_and_on_average() {
    let p = Pattern::Constant { rps: 7.5 };
    assert_eq!(rate_at(&p, &MIDNIGHT, h(5)), 7.5);
    assert_eq!(mean_rate(&p, &MIDNIGHT, s(1), h(30)), 7.5);
}

// Rule 2.
#[test]
fn rule_2_diurnal_peaks_at_peak_at_and_bottoms_out_12_hours_later() {
    let p = diurnal(10.0, 100.0, 14);
    assert_close(rate_at(&p, &MIDNIGHT, h(14)), 100.0, 1e-15);
    assert_close(rate_at(&p, &MIDNIGHT, h(2)), 10.0, 1e-15);
    assert_close(rate_at(&p, &MIDNIGHT, h(26)), 10.0, 1e-15);
    // Halfway between, the cosine is 0: the midpoint.
    assert_close(rate_at(&p, &MIDNIGHT, h(8)), 55.0, 1e-12);
    assert_close(rate_at(&p, &MIDNIGHT, h(20)), 55.0, 1e-12);
    for minute in 0..24 * 60 {
        let r = rate_at(&p, &MIDNIGHT, s(minute * 60));
        assert!((10.0..=100.0).contains(&r), "{r} at minute {minute}");
    }
}

#[test]
fn rule_2_diurnal_follows_the_utc_time_of_day_of_start_time() {
    let p = diurnal(10.0, 100.0, 14);
    let starts_at_14 = Clock::from_start_unix_ms(14 * 3_600_000);
    assert_close(rate_at(&p, &starts_at_14, SimTime::ZERO), 100.0, 1e-15);
    assert_close(rate_at(&p, &starts_at_14, h(12)), 10.0, 1e-15);
    assert_close(rate_at(&p, &starts_at_14, h(24 * 400)), 100.0, 1e-15);
}

#[test]
fn rule_2_the_diurnal_mean_over_whole_days_is_the_midpoint() {
    let p = diurnal(10.0, 100.0, 14);
    for from in [SimTime::ZERO, s(1), h(5), s(12_345_678)] {
        for days in [1, 3, 365] {
            let to = from + SimDuration::from_secs(days * 86_400);
            assert_eq!(
                mean_rate(&p, &MIDNIGHT, from, to),
                55.0,
                "from {from:?}, {days} days"
            );
        }
    }
}

#[test]
fn rule_2_the_diurnal_mean_over_the_12_hours_around_the_peak_is_min_plus_range_times_half_plus_one_over_pi()
 {
    let p = diurnal(10.0, 100.0, 14);
    let want = 10.0 + 90.0 * (0.5 + 1.0 / PI);
    assert_close(mean_rate(&p, &MIDNIGHT, h(8), h(20)), want, 1e-14);
    // And the other half of the day, around the trough.
    assert_close(
        mean_rate(&p, &MIDNIGHT, h(20), h(32)),
        10.0 + 90.0 * (0.5 - 1.0 / PI),
        1e-14,
    );
}

/// The integral of the diurnal rate over [from, to) seconds by composite Simpson, independent of the code
/// under test.
fn simpson_diurnal(min: f64, max: f64, peak_s: f64, from_s: f64, to_s: f64) -> f64 {
    let rate = |x: f64| min + (max - min) * (1.0 + libm::cos(TAU * (x - peak_s) / 86_400.0)) / 2.0;
    let n = 20_000;
    let step = (to_s - from_s) / n as f64;
    let mut sum = rate(from_s) + rate(to_s);
    for i in 1..n {
        sum += rate(from_s + i as f64 * step) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * step / 3.0 / (to_s - from_s)
}

#[test]
fn rule_6_the_diurnal_mean_equals_a_fine_numerical_integral() {
    let p = diurnal(3.0, 250.0, 9);
    for (from_s, len_s) in [
        (0, 1),
        (100, 60),
        (33_000, 300),
        (40_000, 7 * 3600),
        (86_000, 30 * 3600),
    ] {
        let got = mean_rate(&p, &MIDNIGHT, s(from_s), s(from_s + len_s));
        let want = simpson_diurnal(
            3.0,
            250.0,
            9.0 * 3600.0,
            from_s as f64,
            (from_s + len_s) as f64,
        );
        assert_close(got, want, 1e-10);
    }
}

// Rule 3.
#[test]
fn rule_3_steps_are_zero_before_the_first_and_hold_each_rate_from_its_at() {
    let p = steps();
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::ZERO), 0.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::from_ms(29_999)), 0.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(30)), 10.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::from_ms(89_999)), 10.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(90)), 40.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, h(1000)), 40.0);
}

#[test]
fn rule_3_a_steps_mean_across_a_boundary_weights_each_rate_by_its_time() {
    let p = steps();
    assert_eq!(mean_rate(&p, &MIDNIGHT, SimTime::ZERO, s(60)), 5.0);
    assert_eq!(mean_rate(&p, &MIDNIGHT, s(60), s(120)), 25.0);
    assert_eq!(mean_rate(&p, &MIDNIGHT, SimTime::ZERO, s(120)), 15.0);
    assert_eq!(mean_rate(&p, &MIDNIGHT, s(40), s(50)), 10.0);
}

// Rule 4.
#[test]
fn rule_4_a_spike_offers_peak_rps_during_at_to_at_plus_duration_and_base_rps_otherwise() {
    let p = spike();
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::from_ms(59_999)), 10.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(60)), 100.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::from_ms(89_999)), 100.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(90)), 10.0);
    assert_eq!(mean_rate(&p, &MIDNIGHT, SimTime::ZERO, s(120)), 32.5);
    assert_eq!(mean_rate(&p, &MIDNIGHT, s(75), s(105)), 55.0);
}

// Rule 5.
#[test]
fn rule_5_a_trace_is_linear_between_rows_and_flat_beyond_its_ends() {
    let p = trace();
    assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::ZERO), 4.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(10)), 4.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(15)), 6.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(20)), 8.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(35)), 2.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, s(40)), 0.0);
    assert_eq!(rate_at(&p, &MIDNIGHT, h(9)), 0.0);
}

#[test]
fn rule_6_a_trace_mean_equals_the_trapezoid_area_over_the_length() {
    let p = trace();
    // Flat 4 over [0, 10), trapezoid 4→8 over [10, 20), 8→0 over [20, 40), flat 0 over [40, 50).
    let area = 4.0 * 10.0 + 6.0 * 10.0 + 4.0 * 20.0;
    assert_close(
        mean_rate(&p, &MIDNIGHT, SimTime::ZERO, s(50)),
        area / 50.0,
        1e-15,
    );
    // Cut inside the pieces: 5→8 over [12.5, 20) and 8→6 over [20, 25).
    let area = 6.5 * 7.5 + 7.0 * 5.0;
    assert_close(
        mean_rate(&p, &MIDNIGHT, SimTime::from_ms(12_500), s(25)),
        area / 12.5,
        1e-15,
    );
}

#[test]
fn rule_6_means_of_consecutive_intervals_add_up_to_the_mean_of_their_union() {
    for p in all_patterns() {
        for (from, to) in [(0, 120_000), (5_000, 3_600_000), (1, 200_000_001)] {
            let whole = mean_rate(&p, &MIDNIGHT, SimTime::from_ms(from), SimTime::from_ms(to));
            let mut requests = 0.0;
            let mut a = from;
            while a < to {
                // Uneven cuts, some on breakpoints, some not.
                let b = (a + 7_919 + a % 13_000).min(to);
                let mean = mean_rate(&p, &MIDNIGHT, SimTime::from_ms(a), SimTime::from_ms(b));
                requests += mean * (b - a) as f64;
                a = b;
            }
            assert_close(requests / (to - from) as f64, whole, 1e-9);
        }
    }
}

#[test]
fn rule_6_an_empty_interval_has_the_rate_at_its_start() {
    for p in all_patterns() {
        for t in [SimTime::ZERO, s(30), s(65), h(15)] {
            assert_eq!(mean_rate(&p, &MIDNIGHT, t, t), rate_at(&p, &MIDNIGHT, t));
        }
    }
}

// Rule 7.
#[test]
fn rule_7_breakpoints_are_step_ats_spike_edges_and_trace_rows_and_smooth_patterns_have_none() {
    let next = |p: &Pattern, after: u64| next_breakpoint(p, s(after)).map(|t| t.as_ms() / 1000);
    assert_eq!(next(&Pattern::Constant { rps: 1.0 }, 0), None);
    assert_eq!(next(&diurnal(1.0, 2.0, 3), 0), None);
    let (st, sp, tr) = (steps(), spike(), trace());
    assert_eq!(
        [0, 30, 89, 90].map(|a| next(&st, a)),
        [Some(30), Some(90), Some(90), None]
    );
    assert_eq!(
        [0, 60, 89, 90].map(|a| next(&sp, a)),
        [Some(60), Some(90), Some(90), None]
    );
    assert_eq!(
        [0, 10, 20, 40].map(|a| next(&tr, a)),
        [Some(10), Some(20), Some(40), None]
    );
    assert_eq!(next_breakpoint(&st, SimTime::from_ms(29_999)), Some(s(30)));
}

#[test]
fn rule_7_between_breakpoints_steps_and_spikes_are_constant() {
    for p in [steps(), spike()] {
        let mut a = SimTime::ZERO;
        while let Some(b) = next_breakpoint(&p, a) {
            let r = rate_at(&p, &MIDNIGHT, a);
            for ms in [a.as_ms(), (a.as_ms() + b.as_ms()) / 2, b.as_ms() - 1] {
                assert_eq!(rate_at(&p, &MIDNIGHT, SimTime::from_ms(ms)), r);
            }
            a = b;
        }
    }
}

// Rule 8.
#[test]
fn rule_8_noise_0_returns_exactly_1_and_draws_nothing() {
    let mut rng = fresh(1, &noise_stream("web"));
    let before = rng.get_word_pos();
    assert_eq!(noise_factor(&mut rng, 0.0), 1.0);
    assert_eq!(rng.get_word_pos(), before);
}

#[test]
fn rule_8_a_noise_factor_draws_exactly_two_numbers_so_streams_stay_aligned() {
    let mut rng = fresh(1, &noise_stream("web"));
    for noise in [0.1, 5.0, 1e-9] {
        let before = rng.get_word_pos();
        noise_factor(&mut rng, noise);
        // next_u64 consumes two 32-bit words.
        assert_eq!(rng.get_word_pos() - before, 4);
    }
}

#[test]
fn rule_8_noise_factors_have_mean_1_and_standard_deviation_noise() {
    let mut rng = fresh(7, &noise_stream("traffic"));
    let n = 100_000;
    let draws: Vec<f64> = (0..n).map(|_| noise_factor(&mut rng, 0.1)).collect();
    let mean = draws.iter().sum::<f64>() / n as f64;
    let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    // Standard errors: 0.1 / √n ≈ 3.2e-4 for the mean, about 2.2e-4 for the deviation; allow 6 of them.
    assert!((mean - 1.0).abs() < 2e-3, "mean {mean}");
    assert!(
        (libm::sqrt(var) - 0.1).abs() < 1.5e-3,
        "std {}",
        libm::sqrt(var)
    );
}

#[test]
fn rule_8_box_muller_gives_a_standard_normal() {
    let mut rng = fresh(3, "normal");
    let n = 100_000;
    let z: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
    let mean = z.iter().sum::<f64>() / n as f64;
    let var = z.iter().map(|x| x * x).sum::<f64>() / n as f64 - mean * mean;
    let within_1 = z.iter().filter(|x| x.abs() < 1.0).count() as f64 / n as f64;
    let within_2 = z.iter().filter(|x| x.abs() < 2.0).count() as f64 / n as f64;
    assert!(mean.abs() < 0.02, "mean {mean}");
    assert!((var - 1.0).abs() < 0.03, "variance {var}");
    assert!((within_1 - 0.6827).abs() < 0.01, "P(|Z| < 1) = {within_1}");
    assert!((within_2 - 0.9545).abs() < 0.005, "P(|Z| < 2) = {within_2}");
}

#[test]
fn rule_8_a_large_noise_is_clamped_at_zero_never_negative() {
    let mut rng = fresh(5, &noise_stream("w"));
    let draws: Vec<f64> = (0..10_000).map(|_| noise_factor(&mut rng, 2.0)).collect();
    assert!(draws.iter().all(|&f| f >= 0.0));
    assert!(draws.contains(&0.0));
}

#[test]
fn rule_8_the_same_seed_and_workload_give_the_same_factors() {
    let draw = |seed: u64, name: &str| -> Vec<f64> {
        let mut rng = fresh(seed, &noise_stream(name));
        (0..5).map(|_| noise_factor(&mut rng, 0.2)).collect()
    };
    assert_eq!(draw(1, "web"), draw(1, "web"));
    assert_ne!(draw(1, "web"), draw(2, "web"));
    assert_ne!(draw(1, "web"), draw(1, "api"));
    // Pinned: a change here changes every noisy result (the stream derivation, unit_f64 or Box–Muller).
    // Cross-checked by recomputing Box–Muller in Python from the stream's raw `next_u64` values.
    let bits: Vec<u64> = draw(1, "web").iter().map(|f| f.to_bits()).collect();
    assert_eq!(bits, GOLDEN_WEB_SEED_1);
}
/// 0.7782443866911368, 1.1826513676394592, 0.6229432195521077, 0.8320542033571302, 0.4254626709615701.
const GOLDEN_WEB_SEED_1: [u64; 5] = [
    4_605_185_021_805_087_184,
    4_608_005_007_431_257_188,
    4_603_786_193_248_172_115,
    4_605_669_697_545_658_869,
    4_601_336_074_023_516_252,
];

#[test]
#[should_panic(expected = "noise_factor: noise must be finite and non-negative, got -0.1")]
fn noise_factor_with_a_negative_noise_panics() {
    noise_factor(&mut fresh(0, "x"), -0.1);
}
