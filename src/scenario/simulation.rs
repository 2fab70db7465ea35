//! `[simulation]` (SPEC §3.1): run length, seed, region, metric period, start instant, warm start, warm-up.
//!
//! Every field here exists only in the simulator, so durations are human durations. `start_time` takes RFC
//! 3339 (with `Z` or an offset; a TOML date-time literal works too) or a bare `"HH:MM"` (`"HH:MM:SS"`) on the
//! default date, 2024-01-01, a Monday.

use super::model::Simulation;
use super::reader::{self, Cx, Table};
use super::schedule::parse_rfc3339;
use super::tree::{Kind, Node};
use crate::engine::SimDuration;

/// Default `region`.
pub const DEFAULT_REGION: &str = "us-east-1";
/// Default `start_time`, 2024-01-01T00:00:00Z, as Unix milliseconds.
pub const DEFAULT_START_UNIX_MS: i64 = 1_704_067_200_000;
/// Default `metric_period`, 60 s (also its granularity: it must be a multiple of this).
pub const DEFAULT_METRIC_PERIOD: SimDuration = SimDuration::from_secs(60);
/// Default `seed`.
pub const DEFAULT_SEED: u64 = 1;

/// The longest run ecsim accepts: 10 years, far inside the event queue's time range (2^44 ms).
pub const MAX_DURATION: SimDuration = SimDuration::from_secs(3650 * 86_400);

/// Reads `[simulation]`, defaults when it is absent (the caller reports a missing section).
pub(super) fn read(cx: &mut Cx, node: Option<&Node>) -> Simulation {
    let mut sim = Simulation {
        duration: SimDuration::from_secs(3600),
        seed: DEFAULT_SEED,
        region: DEFAULT_REGION.to_string(),
        metric_period: DEFAULT_METRIC_PERIOD,
        start_time_unix_ms: DEFAULT_START_UNIX_MS,
        warm_start: true,
        warmup: SimDuration::ZERO,
    };
    // A missing section is reported by the caller, at the top-level table (a misspelt section name then
    // replaces that problem).
    let Some(node) = node else {
        return sim;
    };
    let Some(mut t) = Table::new(cx, node, "[simulation]") else {
        return sim;
    };
    if let Some(n) = t.required(cx, "duration") {
        match reader::human_duration(cx, n) {
            Some(d) if d == SimDuration::ZERO => cx.error(
                n,
                "duration must be longer than 0s",
                Some("write how long to simulate, e.g. \"1h\"".into()),
            ),
            Some(d) if d > MAX_DURATION => cx.error(
                n,
                "duration is longer than ecsim simulates (at most 10 years)",
                Some("simulate at most \"3650d\"".into()),
            ),
            Some(d) => sim.duration = d,
            None => {}
        }
    }
    if let Some(n) = t.get("seed")
        && let Some(seed) = reader::integer(cx, n, 0, i64::MAX)
    {
        sim.seed = seed as u64;
    }
    if let Some(n) = t.get("region")
        && let Some(region) = reader::string(cx, n)
    {
        if is_region_name(region) {
            sim.region = region.to_string();
        } else {
            cx.error(
                n,
                format!("`{region}` is not an AWS region name"),
                Some("write a region such as \"us-east-1\" or \"eu-west-3\"".into()),
            );
        }
    }
    if let Some(n) = t.get("metric_period")
        && let Some(p) = reader::human_duration(cx, n)
    {
        let step = DEFAULT_METRIC_PERIOD.as_ms();
        if p.as_ms() == 0 || p.as_ms() % step != 0 {
            let near = (p.as_ms() / step).max(1) * step;
            cx.error(
                n,
                format!("metric_period {p} is not a multiple of 60s"),
                Some(format!(
                    "write a whole number of minutes, e.g. \"{}\"",
                    SimDuration::from_ms(near)
                )),
            );
        } else {
            sim.metric_period = p;
        }
    }
    if let Some(n) = t.get("start_time")
        && let Some(ms) = start_time(cx, n)
    {
        sim.start_time_unix_ms = ms;
    }
    if let Some(b) = t.bool(cx, "warm_start") {
        sim.warm_start = b;
    }
    if let Some(n) = t.get("warmup")
        && let Some(w) = reader::human_duration(cx, n)
    {
        if w >= sim.duration {
            cx.error(
                n,
                format!(
                    "warmup ({w}) must be shorter than the duration ({})",
                    sim.duration
                ),
                Some("shorten warmup or lengthen duration".into()),
            );
        } else {
            sim.warmup = w;
        }
    }
    t.finish(cx, &[]);
    sim
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`, …
fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn start_time(cx: &mut Cx, n: &Node) -> Option<i64> {
    let text = match &n.kind {
        Kind::String(s) => s.as_str(),
        Kind::Datetime(s) => s.as_str(),
        _ => {
            reader::string(cx, n);
            return None;
        }
    };
    let hint = "write an RFC 3339 instant such as \"2024-01-01T08:00:00Z\", or \"HH:MM\" for a time on \
                2024-01-01";
    if let Some(ms) = clock_time(text) {
        return Some(DEFAULT_START_UNIX_MS + ms);
    }
    match parse_rfc3339(text) {
        Ok(ms) => Some(ms),
        Err(e) => {
            cx.error(n, format!("invalid start_time: {e}"), Some(hint.into()));
            None
        }
    }
}

/// Milliseconds since midnight of a bare `HH:MM` or `HH:MM:SS`.
pub(super) fn clock_time(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let v: Vec<i64> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    let (h, m, s) = (v[0], v[1], v.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && s < 60).then_some(((h * 60 + m) * 60 + s) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_follow_the_aws_shape() {
        assert!(is_region_name("us-east-1"));
        assert!(is_region_name("us-gov-west-1"));
        assert!(!is_region_name("us-east"));
        assert!(!is_region_name("US-EAST-1"));
        assert!(!is_region_name("useast1"));
    }

    #[test]
    fn clock_times_are_milliseconds_since_midnight() {
        assert_eq!(clock_time("08:30"), Some(30_600_000));
        assert_eq!(clock_time("23:59:59"), Some(86_399_000));
        assert_eq!(clock_time("24:00"), None);
        assert_eq!(clock_time("8:30"), None);
    }
}
