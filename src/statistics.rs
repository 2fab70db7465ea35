//! The statistics of `ecsim compare` (SPEC §4): the mean of a metric over replicates, its sample standard
//! deviation, the 95 % Student-t confidence interval of the mean, and the same for the paired difference of a
//! variant to `base`.
//!
//! Why Student-t: replicates are few (ten or thirty, not thousands) and their metrics are means or extremes
//! of a long run, so the normal interval (± 1.96 σ/√n) would be too narrow at n = 5 by a third. The t interval
//! is the textbook one for a mean of independent replicates, and for paired differences (replicate *r* of
//! every variant uses the same seed: common random numbers) the same interval on the differences is the
//! paired-t interval, which is what makes two close variants separable with few replicates.
//!
//! Determinism (SPEC §5): the quantile is computed, not looked up from the platform, by inverting the t
//! distribution's CDF through the regularised incomplete beta function, with `libm`'s `lgamma`, `exp` and
//! `log`, and bisection to the last bit; sums run in replicate order. So the bytes of `comparison_summary.csv`
//! are the same on every machine.

/// The mean of some replicates' values and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// How many values.
    pub n: usize,
    /// Their mean. When every value is the same, exactly that value.
    pub mean: f64,
    /// The sample standard deviation (divisor n − 1); `None` for a single value.
    pub stddev: Option<f64>,
    /// The 95 % Student-t interval of the mean, `(low, high)`; `None` for a single value.
    pub ci95: Option<(f64, f64)>,
}

impl Estimate {
    /// Estimates the mean of `values`; `None` when there are none. A single value has a mean but no spread.
    pub fn of(values: &[f64]) -> Option<Estimate> {
        let n = values.len();
        let first = *values.first()?;
        if values.iter().all(|v| v.to_bits() == first.to_bits()) {
            // Constant: no rounding noise in the mean, a spread of exactly 0.
            let spread = (n > 1).then_some(0.0);
            return Some(Estimate {
                n,
                mean: first,
                stddev: spread,
                ci95: spread.map(|_| (first, first)),
            });
        }
        let count = n as f64;
        let mean = values.iter().sum::<f64>() / count;
        if n == 1 {
            return Some(Estimate {
                n,
                mean,
                stddev: None,
                ci95: None,
            });
        }
        let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        let stddev = (squares / (count - 1.0)).sqrt();
        let half = student_t_975(n as u64 - 1) * stddev / count.sqrt();
        Some(Estimate {
            n,
            mean,
            stddev: Some(stddev),
            ci95: Some((mean - half, mean + half)),
        })
    }

    /// Half the interval's width (the `±` of `mean ± h`); `None` for a single value.
    pub fn half_width(&self) -> Option<f64> {
        self.ci95.map(|(low, high)| (high - low) / 2.0)
    }

    /// Whether the interval lies wholly above or wholly below 0 (for a difference: the variants differ at
    /// the 95 % level). A single value is never sure.
    pub fn excludes_zero(&self) -> bool {
        self.ci95.is_some_and(|(low, high)| low > 0.0 || high < 0.0)
    }
}

/// How far apart, relative to their size, two values may be and still count as the same: floating-point
/// rounding of the same quantity summed in another order (a variant that changes only the metric period
/// moves a 19.23 % mean in its fifteenth digit), not a difference between variants.
pub const ROUNDING: f64 = 1e-12;

/// Whether `a` and `b` are equal up to [`ROUNDING`].
pub fn same_up_to_rounding(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= ROUNDING * a.abs().max(b.abs())
}

/// The paired differences `variant[r] − base[r]` of the replicates both have, in replicate order; a pair equal
/// up to [`ROUNDING`] differs by exactly 0.
pub fn paired_differences(base: &[Option<f64>], variant: &[Option<f64>]) -> Vec<f64> {
    base.iter()
        .zip(variant)
        .filter_map(|(b, v)| {
            let (b, v) = ((*b)?, (*v)?);
            Some(if same_up_to_rounding(b, v) {
                0.0
            } else {
                v - b
            })
        })
        .collect()
}

/// The 0.975 quantile of Student's t distribution with `df` degrees of freedom (`df` ≥ 1): the factor of
/// a two-sided 95 % interval. 12.706 for 1, 2.776 for 4, 2.045 for 29, → 1.960 as `df` grows.
pub fn student_t_975(df: u64) -> f64 {
    student_t_quantile(0.975, df)
}

/// The `p` quantile (0.5 < `p` < 1) of Student's t with `df` ≥ 1 degrees of freedom.
///
/// For t > 0, P(T > t) = ½·I_x(df/2, ½) with x = df/(df + t²), so the quantile is the x where
/// I_x(df/2, ½) = 2(1 − p), found by bisection on x (I is increasing in x) until the interval cannot shrink,
/// then t = √(df·(1 − x)/x).
pub fn student_t_quantile(p: f64, df: u64) -> f64 {
    assert!(p > 0.5 && p < 1.0, "the quantile is for 0.5 < p < 1");
    assert!(df >= 1, "Student's t needs at least one degree of freedom");
    let a = df as f64 / 2.0;
    let target = 2.0 * (1.0 - p);
    let (mut low, mut high) = (0.0_f64, 1.0_f64);
    loop {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if incomplete_beta(a, 0.5, mid) < target {
            low = mid;
        } else {
            high = mid;
        }
    }
    let x = 0.5 * (low + high);
    (df as f64 * (1.0 - x) / x).sqrt()
}

/// The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz's method), using
/// the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b)
        + a * libm::log(x)
        + b * libm::log(1.0 - x);
    let front = libm::exp(ln_front);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// The continued fraction of the incomplete beta function (Numerical Recipes' `betacf`).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const ITERATIONS: u32 = 300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=ITERATIONS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1.0)
    }

    #[test]
    fn t_quantiles_match_the_published_table() {
        // Two-sided 95 % critical values (NIST/SEMATECH e-Handbook, table 1.3.6.7.2), to 1e-9.
        let table = [
            (1, 12.706_204_736_2),
            (2, 4.302_652_729_7),
            (3, 3.182_446_305_3),
            (4, 2.776_445_105_2),
            (5, 2.570_581_835_6),
            (9, 2.262_157_162_7),
            (10, 2.228_138_851_9),
            (19, 2.093_024_054_4),
            (29, 2.045_229_642_1),
            (100, 1.983_971_518_8),
            (1000, 1.962_339_081_0),
        ];
        for (df, expected) in table {
            let t = student_t_975(df);
            assert!(close(t, expected, 1e-9), "df {df}: {t} vs {expected}");
        }
    }

    #[test]
    fn other_quantiles_hold_too() {
        // t_{0.95, 10} = 1.812461123; t_{0.995, 5} = 4.032142984.
        assert!(close(student_t_quantile(0.95, 10), 1.812_461_123, 1e-8));
        assert!(close(student_t_quantile(0.995, 5), 4.032_142_984, 1e-8));
    }

    #[test]
    fn mean_stddev_and_interval_by_hand() {
        // 1..5: mean 3, s² = 10/4 = 2.5, s = 1.58113883; h = 2.776445105 × 1.58113883 / √5 = 1.963243161.
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(e.n, 5);
        assert_eq!(e.mean, 3.0);
        assert!(close(e.stddev.unwrap(), 1.581_138_830_1, 1e-10));
        let (low, high) = e.ci95.unwrap();
        assert!(close(high - 3.0, 1.963_243_161, 1e-8), "{high}");
        assert!(close(3.0 - low, 1.963_243_161, 1e-8), "{low}");
        assert!(e.excludes_zero());
    }

    #[test]
    fn two_values_use_twelve_point_seven() {
        // 0.9 and 1.1: mean 1, s = 0.141421356, h = 12.70620474 × 0.141421356 / √2 = 1.270620474.
        let e = Estimate::of(&[0.9, 1.1]).unwrap();
        assert!(close(e.mean, 1.0, 1e-15));
        assert!(close(e.half_width().unwrap(), 1.270_620_474, 1e-8));
        assert!(!e.excludes_zero());
    }

    #[test]
    fn a_constant_metric_has_exactly_its_value_and_no_spread() {
        let e = Estimate::of(&[0.1, 0.1, 0.1]).unwrap();
        assert_eq!(e.mean, 0.1);
        assert_eq!(e.stddev, Some(0.0));
        assert_eq!(e.ci95, Some((0.1, 0.1)));
    }

    #[test]
    fn a_single_replicate_has_a_mean_but_no_interval() {
        let e = Estimate::of(&[7.5]).unwrap();
        assert_eq!((e.n, e.mean, e.stddev, e.ci95), (1, 7.5, None, None));
        assert!(!e.excludes_zero());
        assert_eq!(Estimate::of(&[]), None);
    }

    #[test]
    fn identical_variants_differ_by_exactly_zero() {
        let base = [Some(0.991), Some(0.987), Some(0.995)];
        let d = Estimate::of(&paired_differences(&base, &base)).unwrap();
        assert_eq!(
            (d.mean, d.stddev, d.ci95),
            (0.0, Some(0.0), Some((0.0, 0.0)))
        );
        assert!(!d.excludes_zero());
    }

    #[test]
    fn a_difference_in_the_last_digits_is_rounding_not_a_difference() {
        // 19.231250782521595 vs …602: the same mean summed in another order.
        let base = [Some(19.231_250_782_521_595), Some(19.0)];
        let variant = [Some(19.231_250_782_521_602), Some(19.0)];
        let d = Estimate::of(&paired_differences(&base, &variant)).unwrap();
        assert_eq!((d.mean, d.ci95), (0.0, Some((0.0, 0.0))));
        assert!(!d.excludes_zero());
        // A real difference in the sixth digit stays.
        assert_eq!(
            paired_differences(&[Some(19.2312)], &[Some(19.2313)]).len(),
            1
        );
        assert!(paired_differences(&[Some(19.2312)], &[Some(19.2313)])[0] > 0.0);
    }

    #[test]
    fn pairing_removes_the_shared_noise() {
        // The replicates vary a lot, the variant is always 0.5 higher: unpaired intervals overlap, the paired
        // difference is exactly 0.5.
        let base = [Some(10.0), Some(20.0), Some(30.0)];
        let variant = [Some(10.5), Some(20.5), Some(30.5)];
        let d = Estimate::of(&paired_differences(&base, &variant)).unwrap();
        assert_eq!(d.mean, 0.5);
        assert!(d.excludes_zero());
    }

    #[test]
    fn a_replicate_missing_on_either_side_is_left_out_of_the_pairs() {
        let base = [Some(1.0), None, Some(3.0)];
        let variant = [Some(2.0), Some(5.0), None];
        assert_eq!(paired_differences(&base, &variant), vec![1.0]);
    }
}
