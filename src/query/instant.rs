//! Instants as the cluster query language writes them (`registeredAt`), and as the scenario file's
//! `start_time` does.
//!
//! Owns: parsing the four formats the ECS developer guide lists for `registeredAt`
//! (ECS-SEMANTICS §1.6, DG:cluster-query-language) into milliseconds since the Unix epoch, and
//! formatting such an instant back as RFC 3339 in UTC.
//!
//! Accepted, all in the proleptic Gregorian calendar, years `0000`–`9999`:
//!
//! | Form | Example | Meaning |
//! |---|---|---|
//! | date | `2018-06-18` | midnight UTC |
//! | date-time, no zone | `2018-06-18T22:28:28` | UTC (DECIDED: AWS gives no zone, we read it as UTC) |
//! | date-time, `Z` | `2018-06-18T22:28:28Z` | UTC |
//! | date-time, offset | `2018-06-18T22:28:28+00:00`, `...-05:30` | local time at that offset |
//!
//! A fraction of a second (`22:28:28.5`, 1–9 digits) is accepted after the seconds and truncated to
//! milliseconds. The separator is an upper-case `T` and the zone an upper-case `Z`, as AWS writes them.
//!
//! Ignores: leap seconds (`:60` is rejected), time-zone names, week dates. There is no dependency on a
//! date library: the conversion is plain integer arithmetic (Howard Hinnant's `days_from_civil`), so it is
//! exact and deterministic.

/// Milliseconds in one second.
const MS_PER_SECOND: i64 = 1_000;
/// Seconds in one day.
const SECONDS_PER_DAY: i64 = 86_400;

/// Parses an instant in one of the formats listed in the module docs into milliseconds since the Unix
/// epoch (UTC). Returns `None` for anything else, including impossible dates such as `2023-02-29`.
pub fn parse_instant_unix_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(days * SECONDS_PER_DAY * MS_PER_SECOND);
    }
    // Time of day: `THH:MM:SS`.
    if b.len() < 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut pos = 19;
    let mut millis = 0;
    if b.get(pos) == Some(&b'.') {
        let start = pos + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        let n = end - start;
        if n == 0 || n > 9 {
            return None;
        }
        // Truncate to milliseconds: take up to three digits, pad with zeros.
        for i in 0..3 {
            millis = millis * 10
                + if i < n {
                    i64::from(b[start + i] - b'0')
                } else {
                    0
                };
        }
        pos = end;
    }
    let offset_seconds = match &b[pos..] {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            if rest.len() != 5 || rest[2] != b':' {
                return None;
            }
            let oh = digits(rest, 0, 2)?;
            let om = digits(rest, 3, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = oh * 3_600 + om * 60;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };
    let local_seconds = days * SECONDS_PER_DAY + hour * 3_600 + minute * 60 + second;
    Some((local_seconds - offset_seconds) * MS_PER_SECOND + millis)
}

/// Formats an instant as RFC 3339 in UTC: `2024-01-01T00:00:00Z`, or `2024-01-01T00:00:00.250Z` when the
/// instant is not a whole second. `parse_instant_unix_ms` reads every output back to the same value for
/// years 0000–9999.
pub fn format_rfc3339_utc(unix_ms: i64) -> String {
    let total_seconds = unix_ms.div_euclid(MS_PER_SECOND);
    let millis = unix_ms.rem_euclid(MS_PER_SECOND);
    let days = total_seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = total_seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (
        second_of_day / 3_600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    );
    if millis == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
    }
}

/// Reads `len` ASCII digits of `b` starting at `start` as a number.
fn digits(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = b.get(start..start + len)?;
    slice.iter().try_fold(0_i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant, `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`] (Howard Hinnant, `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2018-06-18T22:28:28Z, computed independently (`date -u -d 2018-06-18T22:28:28Z +%s`).
    const DG_EXAMPLE_UNIX_MS: i64 = 1_529_360_908_000;

    // ECS-SEMANTICS §1.6: registeredAt accepts `+00:00`, `Z`, no zone and a bare date.
    #[test]
    fn the_four_developer_guide_formats_parse_to_the_same_instant_where_they_agree() {
        assert_eq!(
            parse_instant_unix_ms("2018-06-18T22:28:28+00:00"),
            Some(DG_EXAMPLE_UNIX_MS)
        );
        assert_eq!(
            parse_instant_unix_ms("2018-06-18T22:28:28Z"),
            Some(DG_EXAMPLE_UNIX_MS)
        );
        assert_eq!(
            parse_instant_unix_ms("2018-06-18T22:28:28"),
            Some(DG_EXAMPLE_UNIX_MS)
        );
        assert_eq!(
            parse_instant_unix_ms("2018-06-18"),
            Some(DG_EXAMPLE_UNIX_MS - (22 * 3_600 + 28 * 60 + 28) * 1_000)
        );
    }

    #[test]
    fn the_unix_epoch_is_zero() {
        assert_eq!(parse_instant_unix_ms("1970-01-01"), Some(0));
        assert_eq!(parse_instant_unix_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn a_positive_offset_is_subtracted_to_get_utc() {
        assert_eq!(
            parse_instant_unix_ms("2018-06-19T00:28:28+02:00"),
            Some(DG_EXAMPLE_UNIX_MS)
        );
        assert_eq!(
            parse_instant_unix_ms("2018-06-18T17:58:28-04:30"),
            Some(DG_EXAMPLE_UNIX_MS)
        );
    }

    #[test]
    fn fractional_seconds_are_truncated_to_milliseconds() {
        assert_eq!(parse_instant_unix_ms("1970-01-01T00:00:01.5Z"), Some(1_500));
        assert_eq!(
            parse_instant_unix_ms("1970-01-01T00:00:01.123999Z"),
            Some(1_123)
        );
        assert_eq!(parse_instant_unix_ms("1970-01-01T00:00:01.Z"), None);
    }

    #[test]
    fn leap_days_exist_only_in_leap_years() {
        assert_eq!(parse_instant_unix_ms("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(parse_instant_unix_ms("2000-02-29"), Some(951_782_400_000));
        assert_eq!(parse_instant_unix_ms("2023-02-29"), None);
        assert_eq!(parse_instant_unix_ms("1900-02-29"), None);
    }

    #[test]
    fn malformed_instants_are_rejected() {
        for bad in [
            "",
            "2018",
            "2018-6-18",
            "2018-13-01",
            "2018-00-10",
            "2018-06-31",
            "2018-06-18 22:28:28",
            "2018-06-18t22:28:28",
            "2018-06-18T24:00:00",
            "2018-06-18T22:60:00",
            "2018-06-18T22:28:60",
            "2018-06-18T22:28",
            "2018-06-18T22:28:28+0000",
            "2018-06-18T22:28:28+24:00",
            "2018-06-18T22:28:28z",
            "2018-06-18T22:28:28Zjunk",
            "2018-06-18junk",
            "+2018-06-18",
        ] {
            assert_eq!(parse_instant_unix_ms(bad), None, "{bad:?} must be rejected");
        }
    }

    #[test]
    fn format_prints_milliseconds_only_when_present() {
        assert_eq!(
            format_rfc3339_utc(1_704_067_200_000),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(
            format_rfc3339_utc(1_704_067_200_250),
            "2024-01-01T00:00:00.250Z"
        );
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59.999Z");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(ms in -62_167_219_200_000_i64..253_402_300_800_000) {
            // 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999Z
            prop_assert_eq!(parse_instant_unix_ms(&format_rfc3339_utc(ms)), Some(ms));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = parse_instant_unix_ms(&s);
        }
    }
}
