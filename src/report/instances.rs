//! `instances.csv`: one row per EC2 instance, in launch order as recorded (SPEC §4).
//!
//! Columns, exactly as SPEC §4 lists them: [`HEADER`]. Instants that never happened are empty cells. SPEC
//! fixes no sort for this file; the recorder's launch order is kept (it is deterministic, and it is the order
//! a reader wants), so the rows are not re-sorted.

use std::io::{self, Write};

use super::recorded::Recorded;
use super::text::{csv_finish, csv_row, csv_writer, time_cell, to_bytes};

/// The header row of `instances.csv`.
pub const HEADER: [&str; 9] = [
    "instance_id",
    "auto_scaling_group",
    "instance_type",
    "availability_zone",
    "market",
    "launched_s",
    "registered_s",
    "terminated_s",
    "termination_reason",
];

/// The bytes of `instances.csv`.
pub fn render(rec: &Recorded) -> Vec<u8> {
    to_bytes(|out| write(rec, out))
}

/// Writes `instances.csv` to `out`.
pub fn write(rec: &Recorded, out: &mut dyn Write) -> io::Result<()> {
    let mut out = csv_writer(out);
    csv_row(&mut out, HEADER)?;
    for i in &rec.instances {
        let row: [String; 9] = [
            i.instance_id.clone(),
            i.auto_scaling_group.clone(),
            i.instance_type.clone(),
            i.availability_zone.clone(),
            i.market.clone(),
            time_cell(i.launched),
            time_cell(i.registered),
            time_cell(i.terminated),
            i.termination_reason.clone(),
        ];
        csv_row(&mut out, row)?;
    }
    csv_finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::InstanceRow;

    // SPEC §4 instances.csv: exact columns, empty where it never happened, launch order kept.
    #[test]
    fn instances_have_the_spec_columns_and_keep_launch_order() {
        let rec = Recorded {
            instances: vec![
                InstanceRow {
                    instance_id: "i-0000000000000000b".to_owned(),
                    auto_scaling_group: "spot-asg".to_owned(),
                    instance_type: "m5.large".to_owned(),
                    availability_zone: "us-east-1a".to_owned(),
                    market: "spot".to_owned(),
                    launched: Some(SimTime::from_ms(0)),
                    registered: Some(SimTime::from_ms(95_500)),
                    terminated: Some(SimTime::from_ms(1_800_000)),
                    termination_reason: "Spot interruption, 2 minute notice".to_owned(),
                },
                InstanceRow {
                    instance_id: "i-0000000000000000a".to_owned(),
                    auto_scaling_group: "ondemand".to_owned(),
                    instance_type: "c6g.xlarge".to_owned(),
                    availability_zone: "us-east-1b".to_owned(),
                    market: "on-demand".to_owned(),
                    launched: Some(SimTime::from_ms(10_000)),
                    ..InstanceRow::default()
                },
            ],
            ..Recorded::default()
        };
        assert_eq!(
            String::from_utf8(render(&rec)).expect("utf-8"),
            "instance_id,auto_scaling_group,instance_type,availability_zone,market,launched_s,registered_s,\
             terminated_s,termination_reason\n\
             i-0000000000000000b,spot-asg,m5.large,us-east-1a,spot,0.000,95.500,1800.000,\
             \"Spot interruption, 2 minute notice\"\n\
             i-0000000000000000a,ondemand,c6g.xlarge,us-east-1b,on-demand,10.000,,,\n"
        );
    }
}
