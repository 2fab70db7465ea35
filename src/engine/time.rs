//! Simulated time: integer milliseconds since t = 0.
//!
//! Time is never a float inside a run (DESIGN.md, engine rules): two events that should coincide always do,
//! and a run replays bit for bit on any machine. Floats appear only at the edges, when a rate or a report
//! needs seconds.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant of simulated time, in milliseconds since the start of the run (t = 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

/// A span of simulated time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable instant; used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `ms` milliseconds after t = 0.
    pub const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// The instant `secs` seconds after t = 0.
    pub const fn from_secs(secs: u64) -> SimTime {
        SimTime(secs * 1000)
    }

    /// Milliseconds since t = 0.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// Seconds since t = 0, for rates and reports only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The time since `earlier`, or zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Seconds with exactly three decimals, the form every results file uses for `time_s` (SPEC §4).
    pub fn secs_3dp(self) -> String {
        format!("{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration of `ms` milliseconds.
    pub const fn from_ms(ms: u64) -> SimDuration {
        SimDuration(ms)
    }

    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: u64) -> SimDuration {
        SimDuration(secs * 1000)
    }

    /// A duration of `mins` minutes.
    pub const fn from_mins(mins: u64) -> SimDuration {
        SimDuration(mins * 60_000)
    }

    /// Milliseconds in this duration.
    pub const fn as_ms(self) -> u64 {
        self.0
    }

    /// Seconds in this duration, for rates and reports only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// `self * k`, saturating at the largest duration.
    pub const fn saturating_mul(self, k: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(k))
    }

    /// The smaller of two durations.
    pub fn min(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.min(other.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// The time from `rhs` to `self`; panics if `rhs` is later (a bug: time never runs backwards).
    fn sub(self, rhs: SimTime) -> SimDuration {
        assert!(
            self.0 >= rhs.0,
            "time runs backwards: {} - {}",
            self.0,
            rhs.0
        );
        SimDuration(self.0 - rhs.0)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.secs_3dp())
    }
}

impl fmt::Display for SimDuration {
    /// Human form: `90s`, `5m`, `1h30m`, `1.5s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if !ms.is_multiple_of(1000) {
            return write!(f, "{}.{:03}s", ms / 1000, ms % 1000);
        }
        let mut s = ms / 1000;
        if s == 0 {
            return f.write_str("0s");
        }
        let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
        s %= 60;
        for (v, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
            if v > 0 {
                write!(f, "{v}{unit}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_s_has_exactly_three_decimals() {
        assert_eq!(SimTime::from_ms(0).secs_3dp(), "0.000");
        assert_eq!(SimTime::from_ms(90_005).secs_3dp(), "90.005");
    }

    #[test]
    fn durations_display_in_human_form() {
        assert_eq!(SimDuration::from_secs(90).to_string(), "1m30s");
        assert_eq!(SimDuration::from_secs(5400).to_string(), "1h30m");
        assert_eq!(SimDuration::from_ms(1500).to_string(), "1.500s");
        assert_eq!(SimDuration::ZERO.to_string(), "0s");
    }
}
