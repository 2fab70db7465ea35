//! A service's deployments as its plots mark them, read back from `events.csv`'s rows.
//!
//! The run records a deployment only as events of scope `service` (ECS's own service events): it starts with
//! `SERVICE_DEPLOYMENT_IN_PROGRESS`, whose message names the deployment (`(deployment ecs-svc/…)`) and the task
//! definition it rolls out (`… with task definition web:2.`) and, for a circuit-breaker rollback, says it is
//! `rolling back`; it ends with `SERVICE_DEPLOYMENT_COMPLETED` or `SERVICE_DEPLOYMENT_FAILED` naming the same
//! deployment. Reading them from the log keeps the plots a pure function of what the files hold, and needs
//! no record of its own for every run.
//!
//! A deployment that another one starts before it ends is ended there (ECS makes the older one ACTIVE and
//! stops its rollout); one still in progress when the run ends has no end. A `COMPLETED` or `FAILED` that
//! no `IN_PROGRESS` opened (the initial deployment of a service created cold completes without one) is not
//! a marker. A message that does not name the task definition still gives a marker, labelled `deploy`.

use std::collections::BTreeMap;

use crate::engine::SimTime;
use crate::report::recorded::{EventLog, Scope};

/// The event that starts a deployment.
pub const STARTED: &str = "SERVICE_DEPLOYMENT_IN_PROGRESS";
/// The event that says a deployment completed.
pub const COMPLETED: &str = "SERVICE_DEPLOYMENT_COMPLETED";
/// The event that says a deployment failed.
pub const FAILED: &str = "SERVICE_DEPLOYMENT_FAILED";

/// How a deployment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `SERVICE_DEPLOYMENT_COMPLETED`.
    Completed,
    /// `SERVICE_DEPLOYMENT_FAILED` (the circuit breaker tripped).
    Failed,
    /// Another deployment of the service started before this one ended.
    Superseded,
    /// Still in progress when the run ended.
    InProgress,
}

/// One deployment of a service: from its `SERVICE_DEPLOYMENT_IN_PROGRESS` to how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// When it started.
    pub start: SimTime,
    /// When it ended (`None` while [`Outcome::InProgress`]).
    pub end: Option<SimTime>,
    /// How it ended.
    pub outcome: Outcome,
    /// The task definition it rolls out, as `family:revision` (empty if the message did not say).
    pub task_definition: String,
    /// A circuit-breaker rollback to an earlier deployment's task definition.
    pub rollback: bool,
    /// The deployment id (`ecs-svc/…`), to match its end (empty if the message did not say).
    id: String,
}

impl Deployment {
    /// The words drawn at its start: `deploy web:2`, `rollback to web:1`, `deploy web:2 (failed)`.
    pub fn label(&self) -> String {
        let mut label = match (self.rollback, self.task_definition.is_empty()) {
            (false, false) => format!("deploy {}", self.task_definition),
            (false, true) => "deploy".to_owned(),
            (true, false) => format!("rollback to {}", self.task_definition),
            (true, true) => "rollback".to_owned(),
        };
        if self.outcome == Outcome::Failed {
            label.push_str(" (failed)");
        }
        label
    }
}

/// Every service's deployments, by service name, each list in time order. Reads the log once.
pub fn by_service(events: &EventLog) -> BTreeMap<String, Vec<Deployment>> {
    let mut out: BTreeMap<String, Vec<Deployment>> = BTreeMap::new();
    for row in events.in_time_order() {
        if row.scope != Scope::Service || !matches!(row.kind, STARTED | COMPLETED | FAILED) {
            continue;
        }
        let id = deployment_id(row.message).unwrap_or("");
        if row.kind == STARTED {
            let list = out.entry(row.id.to_owned()).or_default();
            for open in list.iter_mut().filter(|d| d.end.is_none()) {
                open.end = Some(row.time);
                open.outcome = Outcome::Superseded;
            }
            list.push(Deployment {
                start: row.time,
                end: None,
                outcome: Outcome::InProgress,
                task_definition: task_definition(row.message).unwrap_or("").to_owned(),
                rollback: row.message.contains("rolling back"),
                id: id.to_owned(),
            });
            continue;
        }
        let Some(list) = out.get_mut(row.id) else {
            continue;
        };
        // The open deployment with this id; without an id on either side, the latest open one.
        let open = list
            .iter_mut()
            .rev()
            .filter(|d| d.end.is_none())
            .find(|d| d.id == id || id.is_empty() || d.id.is_empty());
        if let Some(d) = open {
            d.end = Some(row.time);
            d.outcome = if row.kind == COMPLETED {
                Outcome::Completed
            } else {
                Outcome::Failed
            };
        }
    }
    out
}

/// The id in `(deployment ecs-svc/…)`.
fn deployment_id(message: &str) -> Option<&str> {
    let rest = &message[message.find("(deployment ")? + "(deployment ".len()..];
    rest.split(')').next().filter(|id| !id.is_empty())
}

/// The `family:revision` after `with task definition ` (a family is letters, digits, `-` and `_`; the
/// revision digits).
fn task_definition(message: &str) -> Option<&str> {
    const AFTER: &str = "with task definition ";
    let rest = &message[message.find(AFTER)? + AFTER.len()..];
    let family = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let revision = rest[family..].strip_prefix(':')?;
    let digits = revision
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(revision.len());
    (family > 0 && digits > 0).then(|| &rest[..family + 1 + digits])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::recorded::EventRow;

    fn log(rows: &[(u64, Scope, &str, &'static str, &str)]) -> EventLog {
        rows.iter()
            .map(|&(s, scope, id, kind, message)| EventRow {
                time: SimTime::from_secs(s),
                scope,
                id,
                kind,
                message,
            })
            .collect()
    }

    const DEPLOY_2: &str = "(service web) (deployment ecs-svc/1000000001000000001) deployment in progress with task definition web:2.";
    const FAILED_2: &str = "(service web) (deployment ecs-svc/1000000001000000001) deployment failed: ECS deployment circuit breaker: tasks failed to start.";
    const ROLLBACK_1: &str = "(service web) (deployment ecs-svc/1000000002000000001) deployment in progress with task definition web:1: ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1000000000000000001.";
    const COMPLETED_ROLLBACK: &str =
        "(service web) (deployment ecs-svc/1000000002000000001) deployment completed.";

    // The messages as the deployment controller writes them (src/ecs/deployment.rs).
    #[test]
    fn a_failed_deployment_and_its_rollback_are_read_with_their_task_definitions() {
        let events = log(&[
            (600, Scope::Service, "web", STARTED, DEPLOY_2),
            (715, Scope::Service, "web", FAILED, FAILED_2),
            (715, Scope::Service, "web", STARTED, ROLLBACK_1),
            (742, Scope::Service, "web", COMPLETED, COMPLETED_ROLLBACK),
        ]);
        let got = by_service(&events);
        let web = &got["web"];
        assert_eq!(web.len(), 2);
        assert_eq!(
            (web[0].start, web[0].end, web[0].outcome),
            (
                SimTime::from_secs(600),
                Some(SimTime::from_secs(715)),
                Outcome::Failed
            )
        );
        assert_eq!(web[0].label(), "deploy web:2 (failed)");
        assert_eq!(
            (web[1].end, web[1].outcome),
            (Some(SimTime::from_secs(742)), Outcome::Completed)
        );
        assert!(web[1].rollback);
        assert_eq!(web[1].label(), "rollback to web:1");
    }

    #[test]
    fn only_service_deployment_events_of_each_service_make_its_markers() {
        let events = log(&[
            (
                0,
                Scope::Service,
                "web",
                COMPLETED,
                "(service web) (deployment ecs-svc/0) deployment completed.",
            ),
            (60, Scope::Task, "web", STARTED, DEPLOY_2),
            (
                90,
                Scope::Service,
                "api",
                STARTED,
                "(service api) (deployment ecs-svc/9) deployment in progress with task definition api-v2_x:12.",
            ),
            (
                120,
                Scope::Service,
                "web",
                "SERVICE_STEADY_STATE",
                "(service web) has reached a steady state.",
            ),
            (600, Scope::Service, "web", STARTED, DEPLOY_2),
        ]);
        let got = by_service(&events);
        assert_eq!(got.keys().collect::<Vec<_>>(), ["api", "web"]);
        let web = &got["web"];
        assert_eq!(web.len(), 1, "{web:?}");
        assert_eq!(web[0].start, SimTime::from_secs(600));
        assert_eq!((web[0].end, web[0].outcome), (None, Outcome::InProgress));
        assert_eq!(got["api"][0].label(), "deploy api-v2_x:12");
    }

    #[test]
    fn a_deployment_started_before_the_last_one_ended_supersedes_it() {
        let events = log(&[
            (
                100,
                Scope::Service,
                "web",
                STARTED,
                "(deployment d1) deployment in progress with task definition web:2.",
            ),
            (
                200,
                Scope::Service,
                "web",
                STARTED,
                "(deployment d2) deployment in progress with task definition web:3.",
            ),
            (
                250,
                Scope::Service,
                "web",
                COMPLETED,
                "(deployment d1) deployment completed.",
            ),
            (
                300,
                Scope::Service,
                "web",
                COMPLETED,
                "(deployment d2) deployment completed.",
            ),
        ]);
        let web = &by_service(&events)["web"];
        assert_eq!(
            (web[0].end, web[0].outcome),
            (Some(SimTime::from_secs(200)), Outcome::Superseded)
        );
        assert_eq!(
            (web[1].end, web[1].outcome),
            (Some(SimTime::from_secs(300)), Outcome::Completed)
        );
    }

    #[test]
    fn the_task_definition_is_family_colon_revision_or_nothing() {
        assert_eq!(task_definition(DEPLOY_2), Some("web:2"));
        assert_eq!(task_definition(ROLLBACK_1), Some("web:1"));
        assert_eq!(task_definition("with task definition web."), None);
        assert_eq!(task_definition("with task definition :3."), None);
        assert_eq!(task_definition("no task definition here"), None);
        assert_eq!(deployment_id(DEPLOY_2), Some("ecs-svc/1000000001000000001"));
        assert_eq!(deployment_id("(deployment )"), None);
        let unnamed = Deployment {
            start: SimTime::ZERO,
            end: None,
            outcome: Outcome::InProgress,
            task_definition: String::new(),
            rollback: false,
            id: String::new(),
        };
        assert_eq!(unnamed.label(), "deploy");
    }
}
