//! What `report.html` tells about the scenario besides the run's own records: the `[[events]]` markers drawn on
//! every time-series plot, and the `[[checks]]` verdicts.
//!
//! The simulation does not record these (it has no reason to); the caller adds them to [`Recorded`] after the
//! run with [`annotate`]. Each marker is the entry's `at` and a few words naming its action and target
//! (`drain 1 instance of ecs-nodes`, `update api: desired count 6`), written from the validated scenario so
//! that names are resolved. Markers are in time order, entries with the same `at` in file order; an entry
//! whose `at` lies after the end of the run is kept (the page says it was not reached) and not drawn. An
//! entry whose action lasts (`az_outage`, `fargate_capacity_shortage`) carries its `duration`, which the
//! plots shade.

use crate::scenario::{EventAction, Scenario};

use super::recorded::{CheckRow, EventMarker, Recorded};

/// Fills the page-only fields of `rec`: the scenario's description and event markers, the notes that loading
/// it produced (as `file:line:column: message`), and the check verdicts.
pub fn annotate(rec: &mut Recorded, scenario: &Scenario, notes: &[String], checks: Vec<CheckRow>) {
    rec.description = scenario.description.clone();
    rec.markers = event_markers(scenario);
    rec.notes = notes.to_vec();
    rec.checks = checks;
}

/// One marker per `[[events]]` entry, in time order (stable: file order within one instant).
pub fn event_markers(scenario: &Scenario) -> Vec<EventMarker> {
    let mut markers: Vec<EventMarker> = scenario
        .events
        .iter()
        .map(|e| {
            let (action, label) = describe(scenario, &e.action);
            let duration = match e.action {
                EventAction::AzOutage { duration, .. }
                | EventAction::FargateCapacityShortage { duration } => Some(duration),
                _ => None,
            };
            EventMarker {
                time: e.at,
                action: action.to_owned(),
                label,
                duration,
            }
        })
        .collect();
    markers.sort_by_key(|m| m.time);
    markers
}

/// The action's name as the file writes it, and a few words saying what it does.
fn describe(scenario: &Scenario, action: &EventAction) -> (&'static str, String) {
    let asg = |i: usize| {
        scenario
            .auto_scaling_groups
            .get(i)
            .map_or_else(|| format!("group {i}"), |g| g.name.clone())
    };
    let instances = |count: u32, group: Option<usize>| {
        let noun = if count == 1 { "instance" } else { "instances" };
        match group {
            Some(g) => format!("{count} {noun} of {}", asg(g)),
            None => format!("{count} {noun}"),
        }
    };
    let family_revision = |i: usize| {
        scenario
            .task_definitions
            .get(i)
            .map_or_else(|| format!("task definition {i}"), |t| t.family_revision())
    };
    match action {
        EventAction::UpdateService {
            service,
            task_definition,
            desired_count,
            force_new_deployment,
        } => {
            let name = scenario
                .services
                .get(*service)
                .map_or_else(|| format!("service {service}"), |s| s.name.clone());
            let mut changes = Vec::new();
            if let Some(d) = desired_count {
                changes.push(format!("desired count {d}"));
            }
            if let Some(t) = task_definition {
                changes.push(family_revision(*t));
            }
            if *force_new_deployment {
                changes.push("force new deployment".to_owned());
            }
            let label = if changes.is_empty() {
                format!("update {name}")
            } else {
                format!("update {name}: {}", changes.join(", "))
            };
            ("update_service", label)
        }
        EventAction::RunTask(call) => {
            let noun = if call.count == 1 { "task" } else { "tasks" };
            (
                "run_task",
                format!(
                    "run {} {noun} of {}",
                    call.count,
                    family_revision(call.task_definition)
                ),
            )
        }
        EventAction::DrainInstances {
            count,
            auto_scaling_group,
        } => (
            "drain_instances",
            format!("drain {}", instances(*count, *auto_scaling_group)),
        ),
        EventAction::TerminateInstances {
            count,
            auto_scaling_group,
        } => (
            "terminate_instances",
            format!("terminate {}", instances(*count, *auto_scaling_group)),
        ),
        EventAction::AzOutage {
            availability_zone,
            duration,
        } => (
            "az_outage",
            format!("outage of {availability_zone} for {duration}"),
        ),
        EventAction::SpotInterruption {
            count,
            auto_scaling_group,
        } => (
            "spot_interruption",
            format!(
                "spot interruption of {}",
                instances(*count, Some(*auto_scaling_group))
            ),
        ),
        EventAction::FargateCapacityShortage { duration } => (
            "fargate_capacity_shortage",
            format!("Fargate Spot capacity shortage for {duration}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::report::recorded::CheckRow;

    const SCENARIO: &str = r#"
name = "markers"
description = "Two services; events out of order."
[simulation]
duration = "1h"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.large"]
min_size = 2
max_size = 2
desired_capacity = 2
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512 }]
[[services]]
name = "web"
task_definition = "web"
desired_count = 2
[[events]]
at = "20m"
terminate_instances = { count = 2 }
[[events]]
at = "10m"
drain_instances = { count = 1, auto_scaling_group = "nodes" }
[[events]]
at = "10m"
update_service = { service = "web", desired_count = 3 }
[[events]]
at = "30m"
run_task = { task_definition = "web", count = 1 }
"#;

    fn scenario() -> Scenario {
        crate::scenario::load_str("m.toml", SCENARIO, std::path::Path::new("."), &[])
            .expect("valid scenario")
            .scenario
    }

    // SPEC §3.11: each `[[events]]` entry has `at` and one action; the plots mark them in time order.
    #[test]
    fn markers_are_in_time_order_with_file_order_at_one_instant_and_name_their_targets() {
        let got: Vec<(u64, String, String)> = event_markers(&scenario())
            .into_iter()
            .map(|m| (m.time.as_ms() / 1000, m.action, m.label))
            .collect();
        let want = [
            (600, "drain_instances", "drain 1 instance of nodes"),
            (600, "update_service", "update web: desired count 3"),
            (1200, "terminate_instances", "terminate 2 instances"),
            (1800, "run_task", "run 1 task of web:1"),
        ];
        let want: Vec<(u64, String, String)> = want
            .iter()
            .map(|&(s, a, l)| (s, a.to_owned(), l.to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    // An outage lasts: its marker carries the duration the plots shade; an instant's has none.
    #[test]
    fn a_marker_of_an_event_that_lasts_carries_its_duration() {
        let text = format!(
            "{SCENARIO}[[events]]\nat = \"40m\"\naz_outage = {{ availability_zone = \"us-east-1a\", duration = \"15m\" }}\n"
        );
        let scenario = crate::scenario::load_str("m.toml", &text, std::path::Path::new("."), &[])
            .expect("valid scenario")
            .scenario;
        let markers = event_markers(&scenario);
        let outage = markers.last().expect("the outage");
        assert_eq!(outage.label, "outage of us-east-1a for 15m");
        assert_eq!(
            outage.duration,
            Some(crate::engine::SimDuration::from_secs(900))
        );
        assert!(
            markers[..markers.len() - 1]
                .iter()
                .all(|m| m.duration.is_none())
        );
    }

    #[test]
    fn annotate_fills_description_markers_notes_and_check_verdicts() {
        let mut rec = Recorded::default();
        let verdict = CheckRow {
            metric: "service.web.min_healthy_tasks".to_owned(),
            min: Some(2.0),
            max: None,
            value: Some(1.0),
            passed: false,
            message: "service.web.min_healthy_tasks = 1: expected at least 2 (m.toml:3:1)"
                .to_owned(),
        };
        annotate(
            &mut rec,
            &scenario(),
            &["m.toml:9:1: a note".to_owned()],
            vec![verdict.clone()],
        );
        assert_eq!(rec.description, "Two services; events out of order.");
        assert_eq!(rec.markers.len(), 4);
        assert_eq!(rec.markers[0].time, SimTime::from_secs(600));
        assert_eq!(rec.notes, vec!["m.toml:9:1: a note".to_owned()]);
        assert_eq!(rec.checks, vec![verdict]);
    }
}
