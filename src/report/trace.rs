//! `trace.csv` (`--trace` only): every event the engine processed, in the order it processed them (SPEC §1).
//!
//! Columns `time_s,kind,subject`. The engine's order is (time, phase, sequence), which the row order keeps as
//! recorded: the phase and sequence are not columns, so re-sorting here could only lose information.

use std::io::{self, Write};

use super::recorded::Recorded;
use super::text::{csv_finish, csv_row, csv_writer, to_bytes};

/// The bytes of `trace.csv`, or `None` when the run was not traced (`rec.trace` is `None`).
pub fn render(rec: &Recorded) -> Option<Vec<u8>> {
    rec.trace.as_ref()?;
    Some(to_bytes(|out| write(rec, out)))
}

/// Writes `trace.csv` to `out` (just the header when the run kept no trace).
pub fn write(rec: &Recorded, out: &mut dyn Write) -> io::Result<()> {
    let mut out = csv_writer(out);
    csv_row(&mut out, ["time_s", "kind", "subject"])?;
    for r in rec.trace.iter().flatten() {
        let time_s = r.time.secs_3dp();
        csv_row(&mut out, [time_s.as_str(), r.kind, r.subject.as_str()])?;
    }
    csv_finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::TraceRow;

    // SPEC §1 `--trace`: time, kind, subject of every processed event, in processing order.
    #[test]
    fn trace_rows_keep_the_engine_order_and_are_not_resorted_by_kind() {
        let rec = Recorded {
            trace: Some(vec![
                TraceRow {
                    time: SimTime::from_ms(1_000),
                    kind: "TaskTransition",
                    subject: "3f2a".to_owned(),
                },
                TraceRow {
                    time: SimTime::from_ms(1_000),
                    kind: "ServiceReconcile",
                    subject: "web".to_owned(),
                },
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec).expect("traced")).expect("utf-8"),
            "time_s,kind,subject\n1.000,TaskTransition,3f2a\n1.000,ServiceReconcile,web\n"
        );
    }

    #[test]
    fn an_untraced_run_has_no_trace_file_and_an_empty_trace_has_a_header() {
        assert_eq!(render(&Recorded::default()), None);
        let rec = Recorded {
            trace: Some(vec![]),
            ..Recorded::default()
        };
        assert_eq!(render(&rec), Some(b"time_s,kind,subject\n".to_vec()));
    }
}
