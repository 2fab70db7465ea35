//! `summary.json` and `summary.csv`: the summary metrics of SPEC §4, one value each.
//!
//! Both files list the same metrics in the same order (by name; the recorder sorts them, and a stable sort
//! here repairs the order if it did not) and print each value with the same characters: Rust's `{}` text
//! (`0.30000000000000004`, `4`). The JSON is a flat object `{ "metric": value, ... }` written by hand so that
//! its numbers are that text and not serde_json's (`4.0`). A non-finite value, which the recorder should
//! never produce, is `null` in JSON and an empty cell in CSV (see `text`). Names are unique by the recorder's
//! contract; duplicates would be written twice, not merged.

use super::recorded::{Recorded, SummaryMetric};
use super::text::{
    csv_finish, csv_row, csv_writer, float_cell, float_json, in_order, json_string, to_bytes,
};

fn metrics(rec: &Recorded) -> Vec<&SummaryMetric> {
    in_order(&rec.summary, |a, b| a.name.cmp(&b.name))
}

/// The bytes of `summary.json`: one object, metric name → value, keys sorted by name.
pub fn render_json(rec: &Recorded) -> Vec<u8> {
    let rows = metrics(rec);
    if rows.is_empty() {
        return b"{}\n".to_vec();
    }
    let body: Vec<String> = rows
        .iter()
        .map(|m| format!("  {}: {}", json_string(&m.name), float_json(m.value)))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n")).into_bytes()
}

/// The bytes of `summary.csv`: header `metric,value`, one row per metric sorted by name.
pub fn render_csv(rec: &Recorded) -> Vec<u8> {
    to_bytes(|out| {
        let mut out = csv_writer(out);
        csv_row(&mut out, ["metric", "value"])?;
        for m in metrics(rec) {
            csv_row(&mut out, [m.name.clone(), float_cell(m.value)])?;
        }
        csv_finish(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(metrics: &[(&str, f64)]) -> Recorded {
        Recorded {
            summary: metrics
                .iter()
                .map(|&(name, value)| SummaryMetric {
                    name: name.to_owned(),
                    value,
                })
                .collect(),
            ..Recorded::default()
        }
    }

    // SPEC §4 "Number formats": floats in Rust's shortest round-trip form, identical in JSON and CSV.
    #[test]
    fn summary_json_and_csv_print_the_same_number_text() {
        let r = rec(&[
            ("cluster.cpu_reservation_avg", 0.1 + 0.2),
            ("cost.total_usd", 12.5),
            ("service.web.tasks_started", 4.0),
        ]);
        assert_eq!(
            String::from_utf8(render_json(&r)).expect("utf-8"),
            r#"{
  "cluster.cpu_reservation_avg": 0.30000000000000004,
  "cost.total_usd": 12.5,
  "service.web.tasks_started": 4
}
"#
        );
        assert_eq!(
            String::from_utf8(render_csv(&r)).expect("utf-8"),
            "metric,value\n\
             cluster.cpu_reservation_avg,0.30000000000000004\n\
             cost.total_usd,12.5\n\
             service.web.tasks_started,4\n"
        );
    }

    #[test]
    fn summary_metrics_are_written_sorted_by_name_even_if_recorded_unsorted() {
        let r = rec(&[("service.web.availability", 1.0), ("cost.total_usd", 3.0)]);
        assert_eq!(
            String::from_utf8(render_csv(&r)).expect("utf-8"),
            "metric,value\ncost.total_usd,3\nservice.web.availability,1\n"
        );
    }

    #[test]
    fn non_finite_summary_values_are_json_null_and_empty_csv_cells() {
        let r = rec(&[("service.web.latency_p99_ms", f64::NAN)]);
        let json = render_json(&r);
        let parsed: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
        assert!(parsed["service.web.latency_p99_ms"].is_null());
        assert_eq!(
            render_csv(&r),
            b"metric,value\nservice.web.latency_p99_ms,\n"
        );
    }

    #[test]
    fn an_empty_summary_is_an_empty_object_and_a_header() {
        let r = Recorded::default();
        assert_eq!(render_json(&r), b"{}\n");
        assert_eq!(render_csv(&r), b"metric,value\n");
    }

    #[test]
    fn summary_json_parses_back_to_the_recorded_values() {
        let r = rec(&[("a", 0.1 + 0.2), ("b", 1e-7), ("c", 123_456_789.125)]);
        let parsed: serde_json::Value =
            serde_json::from_slice(&render_json(&r)).expect("valid JSON");
        assert_eq!(parsed["a"].as_f64(), Some(0.1 + 0.2));
        assert_eq!(parsed["b"].as_f64(), Some(1e-7));
        assert_eq!(parsed["c"].as_f64(), Some(123_456_789.125));
    }
}
