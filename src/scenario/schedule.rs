//! Schedules as AWS writes them (EventBridge, Application Auto Scaling scheduled actions; ECS-SEMANTICS §7.4):
//! `at(yyyy-mm-ddThh:mm:ss)`, `rate(N minute|minutes|hour|hours|day|days)` and
//! `cron(Min Hr DoM Mon DoW Yr)` in UTC, plus the UTC calendar arithmetic they need (RFC 3339 instants).
//!
//! Cron support: `*`, `?`, lists (`,`), ranges (`-`), steps (`/`, on `*`, a value or a range), month names
//! `JAN`–`DEC` and day names `SUN`–`SAT` (day-of-week 1 = Sunday, as AWS). Exactly one of day-of-month and
//! day-of-week must be `?`, as AWS requires. `L`, `W` and `#` are valid on AWS but rejected here with a
//! "not supported yet" error. Time zones are not supported: every schedule is UTC, as the AWS default.
//!
//! Firing rule: [`Schedule::first_fire`] is the first fire at or after t = 0 — `rate(N)` first fires at
//! t = N (as EventBridge, one period after the rule exists), a cron that matches the start instant fires at
//! t = 0, and `at(...)` fires at its instant (an `at` before the start or after the end never fires;
//! validation notes it). [`Schedule::next_fire`] is the fire strictly after a given instant, so
//! `rate(5 minutes)` fires at 5 m, 10 m, ….

use std::fmt;

use super::model::Schedule;
use crate::engine::{SimDuration, SimTime};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// First year a cron `Yr` field accepts (AWS).
pub const CRON_YEAR_MIN: i32 = 1970;
/// Last year a cron `Yr` field accepts (AWS).
pub const CRON_YEAR_MAX: i32 = 2199;

/// A problem inside a schedule expression; `offset`/`len` are bytes inside the expression.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// Length of the offending text.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub hint: Option<String>,
}

fn err(offset: usize, len: usize, message: impl Into<String>, hint: &str) -> ScheduleError {
    ScheduleError {
        offset,
        len,
        message: message.into(),
        hint: Some(hint.to_string()),
    }
}

/// A parsed `cron(...)` expression, matched in UTC at minute resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u32,
    /// Bits 1–31; `None` for `?`.
    days_of_month: Option<u32>,
    /// Bits 1–12.
    months: u16,
    /// Bits 1–7, 1 = Sunday; `None` for `?`.
    days_of_week: Option<u8>,
    /// Bit `y - 1970`.
    years: [u64; 4],
    text: String,
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cron({})", self.text)
    }
}

const CRON_HINT: &str = "write cron(Minutes Hours Day-of-month Month Day-of-week Year), e.g. \
                         cron(0 9 ? * MON-FRI *); one of the two day fields must be `?`";

struct FieldSpec {
    name: &'static str,
    lo: u32,
    hi: u32,
    names: &'static [&'static str],
    question_allowed: bool,
}

const FIELDS: [FieldSpec; 6] = [
    FieldSpec {
        name: "minutes",
        lo: 0,
        hi: 59,
        names: &[],
        question_allowed: false,
    },
    FieldSpec {
        name: "hours",
        lo: 0,
        hi: 23,
        names: &[],
        question_allowed: false,
    },
    FieldSpec {
        name: "day-of-month",
        lo: 1,
        hi: 31,
        names: &[],
        question_allowed: true,
    },
    FieldSpec {
        name: "month",
        lo: 1,
        hi: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        question_allowed: false,
    },
    FieldSpec {
        name: "day-of-week",
        lo: 1,
        hi: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        question_allowed: true,
    },
    FieldSpec {
        name: "year",
        lo: CRON_YEAR_MIN as u32,
        hi: CRON_YEAR_MAX as u32,
        names: &[],
        question_allowed: false,
    },
];

/// Bits of one field (`bit v` set for value `v`, years shifted by 1970); `None` for `?`.
type FieldBits = Option<[u64; 4]>;

fn parse_value(spec: &FieldSpec, text: &str, offset: usize) -> Result<u32, ScheduleError> {
    if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(spec.lo + i as u32);
    }
    let v: u32 = text.parse().map_err(|_| {
        let hint = if spec.names.is_empty() {
            format!("write a number from {} to {}", spec.lo, spec.hi)
        } else {
            format!(
                "write a number from {} to {} or one of {}",
                spec.lo,
                spec.hi,
                spec.names.join(", ")
            )
        };
        err(
            offset,
            text.len(),
            format!("`{text}` is not a valid {}", spec.name),
            &hint,
        )
    })?;
    if v < spec.lo || v > spec.hi {
        return Err(err(
            offset,
            text.len(),
            format!("{} {v} is out of range", spec.name),
            &format!("write a value from {} to {}", spec.lo, spec.hi),
        ));
    }
    Ok(v)
}

fn parse_field(spec: &FieldSpec, text: &str, offset: usize) -> Result<FieldBits, ScheduleError> {
    if text == "?" {
        if spec.question_allowed {
            return Ok(None);
        }
        return Err(err(
            offset,
            1,
            format!(
                "`?` is only allowed in day-of-month or day-of-week, not in {}",
                spec.name
            ),
            CRON_HINT,
        ));
    }
    if let Some(p) = text.find(['L', 'W', '#']) {
        return Err(err(
            offset + p,
            1,
            format!(
                "`{}` in cron expressions is not supported yet",
                &text[p..=p]
            ),
            "use `*`, lists (1,15), ranges (MON-FRI) and steps (*/5) instead",
        ));
    }
    let mut bits = [0u64; 4];
    let mut item_offset = offset;
    for item in text.split(',') {
        if item.is_empty() {
            return Err(err(item_offset, 1, "empty item in a cron list", CRON_HINT));
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let s_off = item_offset + r.len() + 1;
                let step: u32 = s.parse().ok().filter(|&v| v > 0).ok_or_else(|| {
                    err(
                        s_off,
                        s.len().max(1),
                        format!("`{s}` is not a valid step"),
                        "write a positive step, e.g. */5",
                    )
                })?;
                (r, step)
            }
            None => (item, 1),
        };
        let (lo, hi) = if range == "*" {
            (spec.lo, spec.hi)
        } else if let Some((a, b)) = range.split_once('-') {
            let lo = parse_value(spec, a, item_offset)?;
            let hi = parse_value(spec, b, item_offset + a.len() + 1)?;
            if lo > hi {
                return Err(err(
                    item_offset,
                    range.len(),
                    format!("range `{range}` goes backwards"),
                    "write the smaller value first",
                ));
            }
            (lo, hi)
        } else {
            let v = parse_value(spec, range, item_offset)?;
            (v, if step > 1 { spec.hi } else { v })
        };
        let mut v = lo;
        while v <= hi {
            let bit = (v - if spec.name == "year" { spec.lo } else { 0 }) as usize;
            bits[bit / 64] |= 1 << (bit % 64);
            v += step;
        }
        item_offset += item.len() + 1;
    }
    Ok(Some(bits))
}

impl Cron {
    /// Parses the six fields inside `cron(...)`; error offsets are inside `fields`.
    pub fn parse(fields: &str) -> Result<Cron, ScheduleError> {
        let mut parts: Vec<(usize, &str)> = Vec::new();
        let mut pos = 0;
        for piece in fields.split(' ') {
            if !piece.is_empty() {
                parts.push((pos, piece));
            }
            pos += piece.len() + 1;
        }
        if parts.len() != 6 {
            return Err(err(
                0,
                fields.len(),
                format!("a cron expression has 6 fields, found {}", parts.len()),
                CRON_HINT,
            ));
        }
        let mut bits: Vec<FieldBits> = Vec::with_capacity(6);
        for (spec, (offset, text)) in FIELDS.iter().zip(&parts) {
            bits.push(parse_field(spec, text, *offset)?);
        }
        match (bits[2], bits[4]) {
            (None, None) => {
                return Err(err(
                    parts[2].0,
                    parts[4].0 + 1 - parts[2].0,
                    "day-of-month and day-of-week cannot both be `?`",
                    "give one of them a value or `*`",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(err(
                    parts[2].0,
                    parts[4].0 + parts[4].1.len() - parts[2].0,
                    "one of day-of-month and day-of-week must be `?`",
                    "AWS does not allow both; e.g. cron(0 9 ? * MON-FRI *) or cron(0 9 1 * ? *)",
                ));
            }
            _ => {}
        }
        let low = |b: FieldBits| b.map(|b| b[0]);
        Ok(Cron {
            minutes: low(bits[0]).unwrap_or(0),
            hours: low(bits[1]).unwrap_or(0) as u32,
            days_of_month: low(bits[2]).map(|b| b as u32),
            months: low(bits[3]).unwrap_or(0) as u16,
            days_of_week: low(bits[4]).map(|b| b as u8),
            years: bits[5].unwrap_or([0; 4]),
            text: fields.trim().to_string(),
        })
    }

    fn year_matches(&self, year: i32) -> bool {
        if !(CRON_YEAR_MIN..=CRON_YEAR_MAX).contains(&year) {
            return false;
        }
        let bit = (year - CRON_YEAR_MIN) as usize;
        self.years[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn day_matches(&self, days: i64, day_of_month: u32) -> bool {
        match (self.days_of_month, self.days_of_week) {
            (Some(dom), _) => dom & (1 << day_of_month) != 0,
            (None, Some(dow)) => dow & (1 << weekday_sun1(days)) != 0,
            (None, None) => false,
        }
    }

    /// The first instant (Unix ms, a whole minute) strictly after `after_unix_ms` that the expression
    /// matches, or `None` if there is none up to the end of year 2199.
    pub fn next_after(&self, after_unix_ms: i64) -> Option<i64> {
        let first = after_unix_ms.div_euclid(MINUTE_MS).checked_add(1)? * MINUTE_MS;
        let mut day = first.div_euclid(DAY_MS);
        let mut start_minute = (first.rem_euclid(DAY_MS) / MINUTE_MS) as u32;
        let last_day = days_from_civil(CRON_YEAR_MAX, 12, 31);
        while day <= last_day {
            let (y, m, d) = civil_from_days(day);
            if !self.year_matches(y) {
                if y < CRON_YEAR_MIN {
                    day = days_from_civil(CRON_YEAR_MIN, 1, 1);
                } else {
                    day = days_from_civil(y + 1, 1, 1);
                }
                start_minute = 0;
                continue;
            }
            if self.months & (1 << m) == 0 {
                day = if m == 12 {
                    days_from_civil(y + 1, 1, 1)
                } else {
                    days_from_civil(y, m + 1, 1)
                };
                start_minute = 0;
                continue;
            }
            if self.day_matches(day, d) {
                for minute_of_day in start_minute..24 * 60 {
                    let (h, mi) = (minute_of_day / 60, minute_of_day % 60);
                    if self.hours & (1 << h) != 0 && self.minutes & (1 << mi) != 0 {
                        return Some(day * DAY_MS + i64::from(minute_of_day) * MINUTE_MS);
                    }
                }
            }
            day += 1;
            start_minute = 0;
        }
        None
    }
}

impl Schedule {
    /// The first fire at or after t = 0 (see the module docs), given that t = 0 is `start_unix_ms`.
    pub fn first_fire(&self, start_unix_ms: i64) -> Option<SimTime> {
        match self {
            Schedule::At(at) => *at,
            Schedule::Rate(period) if period.as_ms() > 0 => Some(SimTime::ZERO + *period),
            Schedule::Rate(_) => None,
            Schedule::Cron(cron) => {
                let next = cron.next_after(start_unix_ms.checked_sub(1)?)?;
                u64::try_from(next - start_unix_ms)
                    .ok()
                    .map(SimTime::from_ms)
            }
        }
    }

    /// The first time the schedule fires strictly after `after`, given that t = 0 is `start_unix_ms`
    /// (see the module docs for the firing rule); `None` if it never fires again.
    pub fn next_fire(&self, after: SimTime, start_unix_ms: i64) -> Option<SimTime> {
        match self {
            Schedule::At(at) => at.filter(|t| *t > after),
            Schedule::Rate(period) => {
                let p = period.as_ms();
                if p == 0 {
                    return None;
                }
                let k = (after.as_ms() / p).checked_add(1)?;
                k.checked_mul(p).map(SimTime::from_ms)
            }
            Schedule::Cron(cron) => {
                let after_unix = start_unix_ms.checked_add(i64::try_from(after.as_ms()).ok()?)?;
                let next = cron.next_after(after_unix)?;
                u64::try_from(next - start_unix_ms)
                    .ok()
                    .map(SimTime::from_ms)
            }
        }
    }
}

/// A parsed schedule expression, before `at(...)` is placed on the run's time line.
#[derive(Clone, Debug, PartialEq)]
pub enum ParsedSchedule {
    /// `at(...)`, Unix ms.
    AtUnixMs(i64),
    /// `rate(...)`.
    Rate(SimDuration),
    /// `cron(...)`.
    Cron(Cron),
}

const SCHEDULE_HINT: &str =
    "write at(2024-01-01T09:00:00), rate(5 minutes) or cron(0 9 ? * MON-FRI *)";

/// Parses `at(...)`, `rate(...)` or `cron(...)`; error offsets are inside `text`.
pub fn parse_schedule(text: &str) -> Result<ParsedSchedule, ScheduleError> {
    let Some(open) = text.find('(') else {
        return Err(err(
            0,
            text.len(),
            format!("`{text}` is not a schedule expression"),
            SCHEDULE_HINT,
        ));
    };
    if !text.ends_with(')') {
        return Err(err(
            text.len().saturating_sub(1),
            1,
            "a schedule expression ends with `)`",
            SCHEDULE_HINT,
        ));
    }
    let kind = &text[..open];
    let inner = &text[open + 1..text.len() - 1];
    let inner_offset = open + 1;
    let shift = |mut e: ScheduleError| {
        e.offset += inner_offset;
        e
    };
    match kind {
        "at" => {
            let ms = parse_at(inner).map_err(|m| {
                err(
                    inner_offset,
                    inner.len(),
                    m,
                    "write at(yyyy-mm-ddThh:mm:ss), e.g. at(2024-01-01T09:30:00)",
                )
            })?;
            Ok(ParsedSchedule::AtUnixMs(ms))
        }
        "rate" => parse_rate(inner).map(ParsedSchedule::Rate).map_err(shift),
        "cron" => Cron::parse(inner).map(ParsedSchedule::Cron).map_err(shift),
        _ => Err(err(
            0,
            open,
            format!("unknown schedule type `{kind}`"),
            SCHEDULE_HINT,
        )),
    }
}

fn parse_at(inner: &str) -> Result<i64, String> {
    let b = inner.as_bytes();
    let ok_shape = b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    if !ok_shape {
        return Err(format!("`{inner}` is not yyyy-mm-ddThh:mm:ss"));
    }
    parse_rfc3339(&format!("{inner}Z"))
}

fn parse_rate(inner: &str) -> Result<SimDuration, ScheduleError> {
    const HINT: &str = "write rate(1 minute), rate(5 minutes), rate(1 hour), rate(2 hours), rate(1 day) or rate(3 days)";
    let Some((num, unit)) = inner.split_once(' ') else {
        return Err(err(0, inner.len(), "a rate is `N unit`", HINT));
    };
    let n: u64 = num.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
        err(
            0,
            num.len(),
            format!("`{num}` is not a positive whole number"),
            HINT,
        )
    })?;
    let unit_offset = num.len() + 1;
    let (unit_ms, singular) = match unit {
        "minute" => (60_000, true),
        "minutes" => (60_000, false),
        "hour" => (3_600_000, true),
        "hours" => (3_600_000, false),
        "day" => (86_400_000, true),
        "days" => (86_400_000, false),
        _ => {
            return Err(err(
                unit_offset,
                unit.len(),
                format!("unknown rate unit `{unit}`"),
                HINT,
            ));
        }
    };
    if singular != (n == 1) {
        let fixed = if n == 1 {
            unit.trim_end_matches('s').to_string()
        } else {
            format!("{unit}s")
        };
        return Err(err(
            unit_offset,
            unit.len(),
            format!("`{n} {unit}`: AWS requires the singular unit for 1 and the plural otherwise"),
            &format!("write rate({n} {fixed})"),
        ));
    }
    n.checked_mul(unit_ms)
        .map(SimDuration::from_ms)
        .ok_or_else(|| err(0, num.len(), "rate too large", HINT))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Day of week with 1 = Sunday … 7 = Saturday (AWS cron numbering).
fn weekday_sun1(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (5).
    ((days + 4).rem_euclid(7) + 1) as u32
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(s: &str, what: &str) -> Result<u32, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a valid {what}"));
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not a valid {what}"))
}

/// Parses an RFC 3339 instant (`2024-01-01T00:00:00Z`, fractional seconds and `±hh:mm` offsets allowed) to
/// Unix milliseconds.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not an RFC 3339 instant");
    if text.len() < 19 || !text.is_char_boundary(10) || !text.is_char_boundary(11) {
        return Err(bad());
    }
    let (date, rest) = text.split_at(10);
    let sep = rest.as_bytes()[0];
    if !matches!(sep, b'T' | b't' | b' ') {
        return Err(bad());
    }
    let rest = &rest[1..];
    let mut dp = date.split('-');
    let (Some(y), Some(mo), Some(d), None) = (dp.next(), dp.next(), dp.next(), dp.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || mo.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (year, month, day) = (
        digits(y, "year")? as i32,
        digits(mo, "month")?,
        digits(d, "day")?,
    );
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(format!("`{date}` is not a valid date"));
    }
    let zone_at = rest.find(['Z', 'z', '+', '-']).ok_or_else(|| {
        format!("`{text}` has no time zone: end it with Z for UTC or an offset such as +02:00")
    })?;
    let (time, zone) = rest.split_at(zone_at);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut tp = hms.split(':');
    let (Some(h), Some(mi), Some(s), None) = (tp.next(), tp.next(), tp.next(), tp.next()) else {
        return Err(bad());
    };
    if h.len() != 2 || mi.len() != 2 || s.len() != 2 {
        return Err(bad());
    }
    let (hour, minute, second) = (
        digits(h, "hour")?,
        digits(mi, "minute")?,
        digits(s, "second")?,
    );
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("`{time}` is not a valid time"));
    }
    let millis = if frac.is_empty() {
        0
    } else {
        digits(frac, "fraction")?;
        let padded: String = frac.chars().chain("000".chars()).take(3).collect();
        digits(&padded, "fraction")?
    };
    let offset_min: i64 = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 && z.as_bytes()[3] == b':' => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let oh = digits(&z[1..3], "offset")?;
            let om = digits(&z[4..6], "offset")?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            sign * i64::from(oh * 60 + om)
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(year, month, day);
    let secs =
        days * 86_400 + i64::from(hour * 3600 + minute * 60 + second.min(59)) - offset_min * 60;
    Ok(secs * 1000 + i64::from(millis))
}

#[cfg(test)]
mod tests;
