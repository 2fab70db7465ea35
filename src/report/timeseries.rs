//! `timeseries.csv`: every metric period of every series, tidy long format (SPEC §4).
//!
//! Columns `time_s,scope,id,metric,value`: `time_s` is the period's start with exactly three decimals,
//! `value` Rust's `{}` text. Rows are sorted by (time, scope text, id, metric) — the scope by its CSV
//! spelling (`asg` < `capacity_provider` < `cluster` < `service` < `target_group`), so that the file is
//! sorted as a reader sees it ([`TimeSeries::rows`](super::recorded::TimeSeries::rows) produces them in that
//! order); a period without a datapoint has no row. What each metric means is decided where it is
//! published (`cloudwatch`); this file only formats rows.

use std::io::{self, Write};

use super::recorded::Recorded;
use super::text::{csv_finish, csv_row, csv_writer, float_cell_into, to_bytes};

/// The bytes of `timeseries.csv`.
pub fn render(rec: &Recorded) -> Vec<u8> {
    to_bytes(|out| write(rec, out))
}

/// Writes `timeseries.csv` to `out`, a row at a time.
pub fn write(rec: &Recorded, out: &mut dyn Write) -> io::Result<()> {
    let mut out = csv_writer(out);
    csv_row(&mut out, ["time_s", "scope", "id", "metric", "value"])?;
    // Rows come period by period: the time cell changes once per period, the value cell is formatted into
    // one buffer (146 MB for a week of 1,000 instances: no allocation per cell).
    let (mut time, mut time_s, mut value) = (None, String::new(), String::new());
    for p in rec.timeseries.rows() {
        if time != Some(p.time) {
            time = Some(p.time);
            time_s = p.time.secs_3dp();
        }
        float_cell_into(&mut value, p.value);
        csv_row(
            &mut out,
            [
                time_s.as_str(),
                p.scope.as_str(),
                p.id,
                p.metric,
                value.as_str(),
            ],
        )?;
    }
    csv_finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::{Scope, SeriesPoint, TimeSeries};

    fn point(ms: u64, scope: Scope, id: &str, metric: &'static str, value: f64) -> SeriesPoint {
        SeriesPoint {
            time: SimTime::from_ms(ms),
            scope,
            id: id.to_owned(),
            metric,
            value,
        }
    }

    // SPEC §4: time_s with exactly 3 decimals, value in `{}` form.
    #[test]
    fn timeseries_rows_have_three_decimal_times_and_shortest_values() {
        let rec = Recorded {
            timeseries: TimeSeries::from_points(vec![
                point(0, Scope::Cluster, "default", "CPUReservation", 62.5),
                point(60_000, Scope::Service, "web", "RunningTaskCount", 4.0),
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "time_s,scope,id,metric,value\n\
             0.000,cluster,default,CPUReservation,62.5\n\
             60.000,service,web,RunningTaskCount,4\n"
        );
    }

    // SPEC §4: rows sorted by (time_s, scope, id, metric).
    #[test]
    fn timeseries_rows_are_sorted_by_time_scope_text_id_and_metric() {
        let rec = Recorded {
            timeseries: TimeSeries::from_points(vec![
                point(60_000, Scope::Cluster, "default", "CPUReservation", 1.0),
                point(0, Scope::Service, "web", "RunningTaskCount", 2.0),
                point(0, Scope::Service, "api", "RunningTaskCount", 3.0),
                point(0, Scope::Service, "api", "DesiredTaskCount", 4.0),
                point(0, Scope::Cluster, "default", "MemoryReservation", 5.0),
                point(0, Scope::Asg, "ondemand", "GroupInServiceInstances", 6.0),
                point(500, Scope::Cluster, "default", "CPUReservation", 7.0),
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "time_s,scope,id,metric,value\n\
             0.000,asg,ondemand,GroupInServiceInstances,6\n\
             0.000,cluster,default,MemoryReservation,5\n\
             0.000,service,api,DesiredTaskCount,4\n\
             0.000,service,api,RunningTaskCount,3\n\
             0.000,service,web,RunningTaskCount,2\n\
             0.500,cluster,default,CPUReservation,7\n\
             60.000,cluster,default,CPUReservation,1\n"
        );
    }

    #[test]
    fn an_empty_timeseries_is_just_the_header() {
        assert_eq!(
            render(&Recorded::default()),
            b"time_s,scope,id,metric,value\n"
        );
    }

    // SPEC §4: a period without a datapoint (a ratio with no registered capacity) has no row.
    #[test]
    fn a_period_without_a_datapoint_has_no_row() {
        let rec = Recorded {
            timeseries: TimeSeries::from_points(vec![
                point(0, Scope::Cluster, "c", "CPUReservation", f64::NAN),
                point(60_000, Scope::Cluster, "c", "CPUReservation", 50.0),
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "time_s,scope,id,metric,value\n60.000,cluster,c,CPUReservation,50\n"
        );
    }
}
