//! Tests of schedule parsing and next-fire computation.

use super::*;

const JAN_1_2024: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z, a Monday

fn cron(s: &str) -> Cron {
    Cron::parse(s).unwrap()
}

fn iso(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let r = ms.rem_euclid(DAY_MS) / 1000;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", r / 3600, r / 60 % 60)
}

#[test]
fn rfc3339_instants_and_offsets_convert_to_unix_milliseconds() {
    assert_eq!(parse_rfc3339("2024-01-01T00:00:00Z"), Ok(JAN_1_2024));
    assert_eq!(parse_rfc3339("2024-01-01T02:00:00+02:00"), Ok(JAN_1_2024));
    assert_eq!(
        parse_rfc3339("2024-01-01T00:00:00.250Z"),
        Ok(JAN_1_2024 + 250)
    );
    assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
    assert!(parse_rfc3339("2024-02-30T00:00:00Z").is_err());
    assert!(
        parse_rfc3339("2024-01-01T00:00:00")
            .unwrap_err()
            .contains("no time zone")
    );
    assert!(parse_rfc3339("2024-01-01").is_err());
}

#[test]
fn civil_dates_round_trip_and_2024_01_01_is_a_monday() {
    for days in [-1000, 0, 19_723, 60_000] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
    }
    assert_eq!(weekday_sun1(JAN_1_2024 / DAY_MS), 2);
}

// ECS-SEMANTICS §7.4: cron(Min Hr DoM Mon DoW Yr) in UTC.
#[test]
fn weekday_cron_fires_at_nine_on_the_next_working_day() {
    let c = cron("0 9 ? * MON-FRI *");
    // Friday 2024-01-05 10:00 → Monday 2024-01-08 09:00.
    let fri_10 = JAN_1_2024 + 4 * DAY_MS + 10 * 3_600_000;
    assert_eq!(iso(c.next_after(fri_10).unwrap()), "2024-01-08T09:00");
}

#[test]
fn cron_fires_strictly_after_the_given_instant() {
    let c = cron("0 0 * * ? *");
    assert_eq!(c.next_after(JAN_1_2024), Some(JAN_1_2024 + DAY_MS));
    assert_eq!(c.next_after(JAN_1_2024 - 1), Some(JAN_1_2024));
}

#[test]
fn cron_steps_lists_and_month_names_work() {
    let c = cron("*/15 8,20 1 FEB,MAR ? 2024");
    assert_eq!(iso(c.next_after(JAN_1_2024).unwrap()), "2024-02-01T08:00");
    let feb1_0815 = c.next_after(c.next_after(JAN_1_2024).unwrap()).unwrap();
    assert_eq!(iso(feb1_0815), "2024-02-01T08:15");
    let mar1_21h = days_from_civil(2024, 3, 1) * DAY_MS + 21 * 3_600_000;
    assert_eq!(
        c.next_after(mar1_21h),
        None,
        "only day 1 of FEB and MAR 2024"
    );
}

#[test]
fn cron_with_a_past_year_never_fires() {
    assert_eq!(cron("0 0 1 1 ? 2020").next_after(JAN_1_2024), None);
}

#[test]
fn day_31_skips_short_months() {
    let c = cron("0 12 31 * ? *");
    let feb = days_from_civil(2024, 2, 1) * DAY_MS;
    assert_eq!(iso(c.next_after(feb).unwrap()), "2024-03-31T12:00");
}

#[test]
fn cron_needs_exactly_one_question_mark_day_field() {
    assert_eq!(
        Cron::parse("0 9 * * MON *").unwrap_err().message,
        "one of day-of-month and day-of-week must be `?`"
    );
    assert!(Cron::parse("0 9 ? * ? *").is_err());
}

#[test]
fn l_w_and_hash_are_rejected_as_not_supported_yet_at_their_character() {
    let e = Cron::parse("0 9 ? * 6#3 *").unwrap_err();
    assert_eq!(e.message, "`#` in cron expressions is not supported yet");
    assert_eq!(e.offset, 9);
    assert!(Cron::parse("0 9 L * ? *").is_err());
}

#[test]
fn cron_values_out_of_range_point_at_the_value() {
    let e = Cron::parse("0 24 ? * * *").unwrap_err();
    assert_eq!(e.message, "hours 24 is out of range");
    assert_eq!((e.offset, e.len), (2, 2));
    assert_eq!(
        Cron::parse("0 9 ? * *").unwrap_err().message,
        "a cron expression has 6 fields, found 5"
    );
}

// ECS-SEMANTICS §7.4: rate(N minute[s]|hour[s]|day[s]); singular only for 1, as AWS.
#[test]
fn rate_units_must_be_singular_for_one_and_plural_otherwise() {
    assert_eq!(
        parse_schedule("rate(5 minutes)"),
        Ok(ParsedSchedule::Rate(SimDuration::from_mins(5)))
    );
    assert_eq!(
        parse_schedule("rate(1 hour)"),
        Ok(ParsedSchedule::Rate(SimDuration::from_secs(3600)))
    );
    let e = parse_schedule("rate(1 hours)").unwrap_err();
    assert_eq!(e.hint.as_deref(), Some("write rate(1 hour)"));
    assert_eq!(e.offset, 7);
    assert_eq!(
        parse_schedule("rate(5 minute)")
            .unwrap_err()
            .hint
            .as_deref(),
        Some("write rate(5 minutes)")
    );
    assert!(parse_schedule("rate(0 minutes)").is_err());
}

#[test]
fn at_takes_a_utc_date_time_without_zone() {
    assert_eq!(
        parse_schedule("at(2024-01-01T06:00:00)"),
        Ok(ParsedSchedule::AtUnixMs(JAN_1_2024 + 6 * 3_600_000))
    );
    assert!(parse_schedule("at(2024-01-01 06:00)").is_err());
    assert_eq!(
        parse_schedule("every(5m)").unwrap_err().message,
        "unknown schedule type `every`"
    );
}

#[test]
fn rate_fires_at_each_multiple_of_the_period_strictly_after() {
    let s = Schedule::Rate(SimDuration::from_mins(5));
    assert_eq!(s.next_fire(SimTime::ZERO, 0), Some(SimTime::from_secs(300)));
    assert_eq!(
        s.next_fire(SimTime::from_secs(300), 0),
        Some(SimTime::from_secs(600))
    );
    assert_eq!(
        s.next_fire(SimTime::from_secs(299), 0),
        Some(SimTime::from_secs(300))
    );
}

#[test]
fn cron_schedule_next_fire_is_relative_to_the_start_instant() {
    let s = Schedule::Cron(cron("30 0 * * ? *"));
    assert_eq!(
        s.next_fire(SimTime::ZERO, JAN_1_2024),
        Some(SimTime::from_secs(1800))
    );
    assert_eq!(s.first_fire(JAN_1_2024), Some(SimTime::from_secs(1800)));
    let midnight = Schedule::Cron(cron("0 0 * * ? *"));
    assert_eq!(
        midnight.first_fire(JAN_1_2024),
        Some(SimTime::ZERO),
        "a cron matching the start fires at t = 0"
    );
    assert_eq!(
        midnight.next_fire(SimTime::ZERO, JAN_1_2024),
        Some(SimTime::from_secs(86_400))
    );
    assert_eq!(
        Schedule::Rate(SimDuration::from_mins(5)).first_fire(0),
        Some(SimTime::from_secs(300))
    );
    let at = Schedule::At(Some(SimTime::from_secs(60)));
    assert_eq!(
        at.next_fire(SimTime::ZERO, JAN_1_2024),
        Some(SimTime::from_secs(60))
    );
    assert_eq!(at.next_fire(SimTime::from_secs(60), JAN_1_2024), None);
}
