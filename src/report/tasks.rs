//! `tasks.csv`: one row per task, sorted by task id (SPEC §4).
//!
//! Columns, exactly as SPEC §4 lists them: [`HEADER`]. A lifecycle instant that never happened is an empty
//! cell; the others are seconds with three decimals. Text fields (`stopped_reason` is a sentence) are quoted
//! by the `csv` crate where needed. What each instant means (e.g. `healthy_s`, ECS-SEMANTICS §4.1) is the
//! recorder's business; this file only lays the rows out.

use std::io::{self, Write};

use super::recorded::Recorded;
use super::text::{csv_finish, csv_row, csv_writer, in_order, time_cell, to_bytes};

/// The header row of `tasks.csv`.
pub const HEADER: [&str; 15] = [
    "task_id",
    "service",
    "task_definition",
    "launch_type",
    "capacity_provider",
    "instance_id",
    "availability_zone",
    "created_s",
    "running_s",
    "healthy_s",
    "stop_requested_s",
    "stopping_s",
    "stopped_s",
    "stop_code",
    "stopped_reason",
];

/// The bytes of `tasks.csv`.
pub fn render(rec: &Recorded) -> Vec<u8> {
    to_bytes(|out| write(rec, out))
}

/// Writes `tasks.csv` to `out`.
pub fn write(rec: &Recorded, out: &mut dyn Write) -> io::Result<()> {
    let mut out = csv_writer(out);
    csv_row(&mut out, HEADER)?;
    for t in in_order(&rec.tasks, |a, b| a.task_id.cmp(&b.task_id)) {
        let row: [String; 15] = [
            t.task_id.clone(),
            t.service.clone(),
            t.task_definition.clone(),
            t.launch_type.clone(),
            t.capacity_provider.clone(),
            t.instance_id.clone(),
            t.availability_zone.clone(),
            time_cell(t.created),
            time_cell(t.running),
            time_cell(t.healthy),
            time_cell(t.stop_requested),
            time_cell(t.stopping),
            time_cell(t.stopped),
            t.stop_code.clone(),
            t.stopped_reason.clone(),
        ];
        csv_row(&mut out, row)?;
    }
    csv_finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::TaskRow;

    fn at(ms: u64) -> Option<SimTime> {
        Some(SimTime::from_ms(ms))
    }

    // SPEC §4 tasks.csv: exact columns, empty where it never happened, sorted by task_id.
    #[test]
    fn tasks_have_the_spec_columns_empty_cells_for_what_never_happened_and_sort_by_id() {
        let rec = Recorded {
            tasks: vec![
                TaskRow {
                    task_id: "b2".to_owned(),
                    service: "web".to_owned(),
                    task_definition: "web:3".to_owned(),
                    launch_type: "EC2".to_owned(),
                    capacity_provider: "cp-ondemand".to_owned(),
                    instance_id: "i-0123456789abcdef0".to_owned(),
                    availability_zone: "us-east-1a".to_owned(),
                    created: at(1_000),
                    running: at(31_250),
                    healthy: at(61_250),
                    stop_requested: at(600_000),
                    stopping: at(900_000),
                    stopped: at(930_001),
                    stop_code: "ServiceSchedulerInitiated".to_owned(),
                    stopped_reason:
                        "Scaling activity initiated by (deployment ecs-svc/1), in-place".to_owned(),
                },
                TaskRow {
                    task_id: "a1".to_owned(),
                    task_definition: "batch:1".to_owned(),
                    launch_type: "FARGATE".to_owned(),
                    availability_zone: "us-east-1b".to_owned(),
                    created: at(0),
                    ..TaskRow::default()
                },
            ],
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "task_id,service,task_definition,launch_type,capacity_provider,instance_id,availability_zone,\
             created_s,running_s,healthy_s,stop_requested_s,stopping_s,stopped_s,stop_code,stopped_reason\n\
             a1,,batch:1,FARGATE,,,us-east-1b,0.000,,,,,,,\n\
             b2,web,web:3,EC2,cp-ondemand,i-0123456789abcdef0,us-east-1a,1.000,31.250,61.250,600.000,900.000,\
             930.001,ServiceSchedulerInitiated,\"Scaling activity initiated by (deployment ecs-svc/1), in-place\"\n"
        );
    }
}
