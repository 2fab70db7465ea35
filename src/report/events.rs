//! `events.csv`: the story of the run, one row per event (SPEC §4).
//!
//! Columns `time_s,scope,id,kind,message`. Rows are in time order, ties in order of occurrence: the recorder
//! pushes them in that order, and a stable sort by time here repairs the order if it did not. Messages are
//! free text (ECS's own sentences), so the `csv` crate quotes any field holding a comma, a quote or a line
//! break. The recorder writes the sentences; this file only lays them out.

use std::io::{self, Write};

use super::recorded::Recorded;
use super::text::{csv_finish, csv_row, csv_writer, to_bytes};

/// The bytes of `events.csv`.
pub fn render(rec: &Recorded) -> Vec<u8> {
    to_bytes(|out| write(rec, out))
}

/// Writes `events.csv` to `out`.
pub fn write(rec: &Recorded, out: &mut dyn Write) -> io::Result<()> {
    let mut out = csv_writer(out);
    csv_row(&mut out, ["time_s", "scope", "id", "kind", "message"])?;
    for e in rec.events.in_time_order() {
        let time_s = e.time.secs_3dp();
        csv_row(
            &mut out,
            [time_s.as_str(), e.scope.as_str(), e.id, e.kind, e.message],
        )?;
    }
    csv_finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::{EventLog, EventRow, Scope};

    fn event<'a>(
        ms: u64,
        scope: Scope,
        id: &'a str,
        kind: &'static str,
        message: &'a str,
    ) -> EventRow<'a> {
        EventRow {
            time: SimTime::from_ms(ms),
            scope,
            id,
            kind,
            message,
        }
    }

    // SPEC §4 events.csv; RFC 4180 quoting for messages with commas and quotes.
    #[test]
    fn messages_with_commas_and_quotes_are_quoted_and_quotes_doubled() {
        let rec = Recorded {
            events: EventLog::from_iter([
                event(
                    1_000,
                    Scope::Service,
                    "web",
                    "SERVICE_STEADY_STATE",
                    "(service web) has reached a steady state.",
                ),
                event(
                    2_500,
                    Scope::Service,
                    "web",
                    "PLACEMENT_FAILED",
                    "(service web) was unable to place a task because no container instance met all of its \
                     requirements. Reason: \"insufficient memory\", 2 instances",
                ),
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "time_s,scope,id,kind,message\n\
             1.000,service,web,SERVICE_STEADY_STATE,(service web) has reached a steady state.\n\
             2.500,service,web,PLACEMENT_FAILED,\"(service web) was unable to place a task because no container \
             instance met all of its requirements. Reason: \"\"insufficient memory\"\", 2 instances\"\n"
        );
    }

    #[test]
    fn a_message_with_a_line_break_stays_one_quoted_field() {
        let rec = Recorded {
            events: EventLog::from_iter([event(
                0,
                Scope::Task,
                "abc",
                "TASK_STOPPED",
                "line one\nline two",
            )]),
            ..Recorded::default()
        };
        let bytes = render(&rec);
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> =
            reader.records().map(|r| r.expect("valid CSV")).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][4], "line one\nline two");
    }

    // SPEC §4: events sorted by time_s then order of occurrence.
    #[test]
    fn events_are_ordered_by_time_then_order_of_occurrence() {
        let rec = Recorded {
            events: EventLog::from_iter([
                event(
                    5_000,
                    Scope::Instance,
                    "i-2",
                    "INSTANCE_LAUNCHED",
                    "second at 5",
                ),
                event(
                    1_000,
                    Scope::Instance,
                    "i-1",
                    "INSTANCE_LAUNCHED",
                    "first at 1",
                ),
                event(
                    5_000,
                    Scope::Instance,
                    "i-1",
                    "INSTANCE_TERMINATED",
                    "third at 5",
                ),
            ]),
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "time_s,scope,id,kind,message\n\
             1.000,instance,i-1,INSTANCE_LAUNCHED,first at 1\n\
             5.000,instance,i-2,INSTANCE_LAUNCHED,second at 5\n\
             5.000,instance,i-1,INSTANCE_TERMINATED,third at 5\n"
        );
    }
}
