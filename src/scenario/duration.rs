//! Human durations for simulator-only fields (SPEC §2): `"90s"`, `"5m"`, `"1h30m"`, `"7d"`, `"250ms"`,
//! `"1.5s"`.
//!
//! Grammar: one or more `<number><unit>` parts, units `d`, `h`, `m`, `s`, `ms`, each at most once and from the
//! largest to the smallest; a number is decimal digits with an optional fraction; the total must be a whole
//! number of milliseconds. `"0s"` (or `"0"`) is zero. AWS fields are not parsed here: they stay integer seconds.

use crate::engine::SimDuration;

/// What [`parse`] accepts, for hints.
pub const ACCEPTED_FORMS: &str =
    "write a duration such as \"250ms\", \"90s\", \"5m\", \"1h30m\" or \"7d\"";

/// Parses a human duration.
pub fn parse(text: &str) -> Result<SimDuration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t == "0" {
        return Ok(SimDuration::ZERO);
    }
    const UNITS: [(&str, u128); 5] = [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    let mut rest = t;
    let mut total_micro: u128 = 0; // thousandths of a millisecond, to keep fractions exact
    let mut last_unit = None::<usize>;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if num.is_empty() {
            return Err(format!(
                "`{t}` is not a duration: a number must come before `{unit}`"
            ));
        }
        let Some(idx) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(if unit.is_empty() {
                format!("`{t}` has no unit")
            } else {
                format!("`{t}` has an unknown unit `{unit}`")
            });
        };
        if last_unit.is_some_and(|l| idx <= l) {
            return Err(format!(
                "`{t}`: units must go from the largest to the smallest, each once"
            ));
        }
        last_unit = Some(idx);
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty() && frac.is_empty() || frac.contains('.') || frac.len() > 9 {
            return Err(format!("`{num}` is not a number"));
        }
        let int: u128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| format!("`{num}` is too large"))?
        };
        let frac_scaled: u128 = if frac.is_empty() {
            0
        } else {
            frac.parse::<u128>()
                .map_err(|_| format!("`{num}` is not a number"))?
                * 10u128.pow(9 - frac.len() as u32)
        };
        let unit_micro = UNITS[idx].1 * 1000;
        total_micro = total_micro
            .checked_add(int.checked_mul(unit_micro).ok_or("duration too large")?)
            .and_then(|v| v.checked_add(frac_scaled * unit_micro / 1_000_000_000))
            .ok_or("duration too large")?;
        if !(frac_scaled * unit_micro).is_multiple_of(1_000_000_000) {
            return Err(format!("`{t}` is finer than a millisecond"));
        }
    }
    if !total_micro.is_multiple_of(1000) {
        return Err(format!("`{t}` is finer than a millisecond"));
    }
    let ms = u64::try_from(total_micro / 1000).map_err(|_| "duration too large".to_string())?;
    Ok(SimDuration::from_ms(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_parses_to_whole_milliseconds() {
        assert_eq!(parse("90s"), Ok(SimDuration::from_secs(90)));
        assert_eq!(parse("5m"), Ok(SimDuration::from_secs(300)));
        assert_eq!(parse("1h30m"), Ok(SimDuration::from_secs(5400)));
        assert_eq!(parse("7d"), Ok(SimDuration::from_secs(7 * 86_400)));
        assert_eq!(parse("250ms"), Ok(SimDuration::from_ms(250)));
        assert_eq!(parse("1.5s"), Ok(SimDuration::from_ms(1500)));
        assert_eq!(parse("1m0.25s"), Ok(SimDuration::from_ms(60_250)));
        assert_eq!(parse("0s"), Ok(SimDuration::ZERO));
        assert_eq!(parse("0"), Ok(SimDuration::ZERO));
    }

    #[test]
    fn units_out_of_order_repeated_unknown_or_missing_are_errors() {
        assert!(parse("30m1h").is_err());
        assert!(parse("1m1m").is_err());
        assert_eq!(
            parse("5 min"),
            Err("`5 min` has an unknown unit ` min`".to_string())
        );
        assert_eq!(parse("90"), Err("`90` has no unit".to_string()));
        assert!(parse("s").is_err());
        assert!(parse("").is_err());
        assert!(parse("1.2.3s").is_err());
    }

    #[test]
    fn sub_millisecond_precision_is_rejected() {
        assert_eq!(
            parse("0.5ms"),
            Err("`0.5ms` is finer than a millisecond".to_string())
        );
        assert!(parse("1.0001s").is_err());
    }

    #[test]
    fn huge_values_are_errors_not_overflows() {
        assert!(parse("99999999999999999999999999d").is_err());
        assert!(parse("999999999999999d").is_err());
    }
}
