//! `[[scheduled_tasks]]` (SPEC §3.10): what EventBridge + RunTask do; and the RunTask call itself, shared
//! with `run_task` events.
//!
//! RunTask (ECS-SEMANTICS §1.2, §13): `task_definition` (required), `count` 1–10 (default 1), launch type or
//! strategy, placement fields, `group` (default `family:<family>`, at most 255 characters). Schedules are
//! `at(...)`, `rate(...)` or `cron(...)` ([`super::schedule`]); errors point at the character inside the
//! string. An `at(...)` before the start, or after the end of the run, never fires and is noted.

use super::model::{RunTask, Schedule, ScheduledTask, Simulation, TaskDefinition};
use super::placement::{self, LaunchEnv};
use super::reader::{self, Cx, Table};
use super::schedule::{self, ParsedSchedule};
use super::task_definitions;
use super::tree::Node;
use crate::engine::SimTime;

/// Tasks launched per RunTask (BC-ECS RunTaskRequest.count).
pub const MAX_RUN_TASK_COUNT: u32 = 10;
/// Task group name length (ECS-SEMANTICS §1.5).
pub const MAX_GROUP_LEN: usize = 255;

/// RunTask members the simulator does not model (snake_case): one cluster, no networking, overrides or
/// tagging.
pub const IGNORED_RUN_TASK_FIELDS: &[&str] = &[
    "cluster",
    "enable_ecs_managed_tags",
    "enable_execute_command",
    "network_configuration",
    "overrides",
    "platform_version",
    "propagate_tags",
    "reference_id",
    "started_by",
    "tags",
    "client_token",
    "volume_configurations",
];

/// Reads the RunTask fields of `t` (the caller finishes `t` with [`IGNORED_RUN_TASK_FIELDS`]).
pub(super) fn run_task(
    cx: &mut Cx,
    t: &mut Table,
    env: &LaunchEnv,
    tds: &[TaskDefinition],
) -> RunTask {
    let td_node = t.required(cx, "task_definition");
    let td_index = td_node.and_then(|n| task_definitions::resolve(cx, n, tds));
    let td = td_index.map(|i| &tds[i]);
    let count = t.u32(cx, "count", 1, MAX_RUN_TASK_COUNT).unwrap_or(1);
    let launch = placement::read_launch(cx, t, env);
    if let (Some(td), Some(n)) = (td, td_node) {
        placement::check_compatibility(cx, n, &launch, td);
    }
    let placement = placement::read_placement(cx, t, td, &launch, false);
    let group = match t.get("group") {
        Some(n) => match reader::string(cx, n) {
            Some(g) if !g.is_empty() && g.len() <= MAX_GROUP_LEN => g.to_string(),
            Some(_) => {
                cx.error(
                    n,
                    "a task group name has 1 to 255 characters",
                    Some("shorten it, or leave it out for family:<family>".into()),
                );
                String::new()
            }
            None => String::new(),
        },
        None => td
            .map(|td| format!("family:{}", td.family))
            .unwrap_or_default(),
    };
    RunTask {
        task_definition: td_index.unwrap_or(0),
        count,
        launch,
        placement,
        group,
    }
}

/// Parses a schedule expression and places `at(...)` on the run's time line.
pub(super) fn schedule(cx: &mut Cx, n: &Node, sim: &Simulation) -> Option<Schedule> {
    let text = reader::string(cx, n)?;
    match schedule::parse_schedule(text) {
        Ok(ParsedSchedule::Rate(d)) => Some(Schedule::Rate(d)),
        Ok(ParsedSchedule::Cron(c)) => Some(Schedule::Cron(c)),
        Ok(ParsedSchedule::AtUnixMs(ms)) => {
            let rel = ms - sim.start_time_unix_ms;
            if rel < 0 || rel as u64 > sim.duration.as_ms() {
                let why = if rel < 0 {
                    "before the start of the run (start_time)"
                } else {
                    "after the end of the run"
                };
                cx.note_once(
                    &format!("never-fires:{}:{}", n.source, n.span.start),
                    n,
                    format!("`{text}` is {why}; it never fires"),
                );
                Some(Schedule::At(None))
            } else {
                Some(Schedule::At(Some(SimTime::from_ms(rel as u64))))
            }
        }
        Err(e) => {
            let span = reader::inner_span(cx, n, e.offset, e.len.max(1));
            cx.error_span(
                n.source,
                span,
                format!("invalid schedule: {}", e.message),
                e.hint,
            );
            None
        }
    }
}

/// Reads every scheduled task.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    sim: &Simulation,
    env: &LaunchEnv,
    tds: &[TaskDefinition],
) -> Vec<ScheduledTask> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut t) = Table::new(cx, item, "[[scheduled_tasks]] entry") else {
            continue;
        };
        let name = t
            .str(cx, "name")
            .unwrap_or_else(|| format!("scheduled-{i}"));
        if let Some(n) = item.get("name") {
            names.push((name.clone(), n));
        }
        t.set_what(format!("scheduled task `{name}`"));
        let schedule = t
            .required(cx, "schedule")
            .and_then(|n| schedule(cx, n, sim));
        let run_task = run_task(cx, &mut t, env, tds);
        t.finish(cx, IGNORED_RUN_TASK_FIELDS);
        out.push(ScheduledTask {
            name,
            schedule: schedule.unwrap_or(Schedule::At(None)),
            run_task,
        });
    }
    reader::check_duplicates(cx, &names, "scheduled task");
    out
}
