//! Which targets of a group receive requests, and each one's relative weight (ECS-SEMANTICS §5.1–5.2).

use crate::engine::{SimDuration, SimTime};
use crate::scenario::TargetGroup;
use crate::world::{Target, TargetGroupIdx, TargetHealth, World};

/// Where a target group sends requests now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// To its `healthy` targets.
    Healthy,
    /// Fewer targets are healthy than the group's minimum: to every registered target that is not
    /// draining, whatever its health (fail open).
    FailOpen,
    /// No registered target that is not draining: every request fails (503).
    Nowhere,
}

impl Routing {
    /// Whether `target` receives requests under this routing.
    pub fn routes_to(self, target: &Target) -> bool {
        match self {
            Routing::Healthy => target.health == TargetHealth::Healthy,
            Routing::FailOpen => target.health.is_in_service(),
            Routing::Nowhere => false,
        }
    }
}

/// How group `tg` routes now: to its healthy targets unless fewer are healthy than
/// `minimum_healthy_targets_count` (default 1) or `minimum_healthy_targets_percentage` of its registered
/// targets, in which case it fails open.
pub fn routing(world: &World, spec: &TargetGroup, tg: TargetGroupIdx) -> Routing {
    let counts = world.target_groups[tg.index()].counts;
    let registered = counts.in_service();
    if registered == 0 {
        return Routing::Nowhere;
    }
    let below_count = counts.healthy < spec.minimum_healthy_targets_count.max(1);
    let below_percentage = spec.minimum_healthy_targets_percentage.is_some_and(|pct| {
        u64::from(counts.healthy) * 100 < u64::from(pct) * u64::from(registered)
    });
    if below_count || below_percentage {
        Routing::FailOpen
    } else {
        Routing::Healthy
    }
}

/// A routed target's share weight under round robin: 1, or during slow start the fraction of
/// `slow_start_seconds` elapsed since it turned healthy (a linear ramp, §5.2).
pub fn weight(target: &Target, spec: &TargetGroup, now: SimTime) -> f64 {
    match target.slow_start_from {
        Some(from) if spec.slow_start_seconds > 0 => {
            let ramp = SimDuration::from_secs(u64::from(spec.slow_start_seconds));
            if now >= from + ramp {
                1.0
            } else {
                (now - from).as_ms() as f64 / ramp.as_ms() as f64
            }
        }
        _ => 1.0,
    }
}

/// Whether `target` is still ramping up at `now` (the load model recomputes its share as time passes).
pub fn in_slow_start(target: &Target, spec: &TargetGroup, now: SimTime) -> bool {
    target.slow_start_from.is_some_and(|from| {
        spec.slow_start_seconds > 0
            && now < from + SimDuration::from_secs(u64::from(spec.slow_start_seconds))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{TargetIdx, TaskIdx};

    const SCENARIO: &str = r#"
name = "r"
[simulation]
duration = "1h"
[cluster]
name = "c"
[[task_definitions]]
family = "web"
container_definitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, port_mappings = [{ container_port = 80, host_port = 0 }] }]
[[target_groups]]
name = "web-tg"
minimum_healthy_targets_count = 2
minimum_healthy_targets_percentage = 50
slow_start_seconds = 60
[[services]]
name = "web"
task_definition = "web"
desired_count = 4
load_balancers = [{ target_group = "web-tg", container_name = "web", container_port = 80 }]
"#;

    fn world_with_targets(health: &[TargetHealth]) -> (crate::scenario::Scenario, World) {
        let loaded = crate::scenario::load_str("r.toml", SCENARIO, std::path::Path::new("."), &[])
            .expect("valid");
        let mut world = World::new(&loaded.scenario);
        for (k, &h) in health.iter().enumerate() {
            world.targets.push(Target {
                target_group: TargetGroupIdx(0),
                task: TaskIdx(k as u32),
                registered_at: SimTime::ZERO,
                health: TargetHealth::Initial,
                outcome: crate::world::ProbeOutcome::Pass,
                outcome_before: crate::world::ProbeOutcome::Pass,
                outcome_since: SimTime::ZERO,
                streak_from: 1,
                streak_before: 1,
                epoch: 0,
                plan_epoch: 0,
                consecutive: 0,
                last_passed: None,
                slow_start_from: None,
                rate: 0.0,
            });
            world.target_groups[0].targets.push(TargetIdx(k as u32));
            let counts = &mut world.target_groups[0].counts;
            *counts.get_mut(h).expect("counted") += 1;
            world.targets[k].health = h;
        }
        (loaded.scenario, world)
    }

    // ECS-SEMANTICS §5.1: requests go to the healthy targets while at least the minimum count (here 2) and
    // percentage (here 50 %) of the registered ones are healthy.
    #[test]
    fn enough_healthy_targets_get_every_request() {
        use TargetHealth::*;
        let (s, w) = world_with_targets(&[Healthy, Healthy, Unhealthy, Initial]);
        assert_eq!(
            routing(&w, &s.target_groups[0], TargetGroupIdx(0)),
            Routing::Healthy
        );
        assert!(Routing::Healthy.routes_to(&w.targets[0]));
        assert!(!Routing::Healthy.routes_to(&w.targets[2]));
    }

    // §5.1: below either minimum the ALB fails open and routes to every registered target that is not
    // draining, whatever its health.
    #[test]
    fn below_the_minimum_count_or_percentage_the_alb_fails_open() {
        use TargetHealth::*;
        let (s, w) = world_with_targets(&[Healthy, Unhealthy, Initial, Draining]);
        assert_eq!(
            routing(&w, &s.target_groups[0], TargetGroupIdx(0)),
            Routing::FailOpen
        );
        assert!(Routing::FailOpen.routes_to(&w.targets[1]));
        assert!(Routing::FailOpen.routes_to(&w.targets[2]));
        assert!(!Routing::FailOpen.routes_to(&w.targets[3]));
        // 2 of 5 healthy is 40 %, under the 50 % minimum, though the count (2) is met.
        let (s, w) = world_with_targets(&[Healthy, Healthy, Unhealthy, Unhealthy, Initial]);
        assert_eq!(
            routing(&w, &s.target_groups[0], TargetGroupIdx(0)),
            Routing::FailOpen
        );
    }

    // §5.1: with no registered target that is not draining, nothing can take a request (503).
    #[test]
    fn with_no_registered_target_requests_go_nowhere() {
        let (s, w) = world_with_targets(&[TargetHealth::Draining]);
        assert_eq!(
            routing(&w, &s.target_groups[0], TargetGroupIdx(0)),
            Routing::Nowhere
        );
    }

    // §5.2: slow start ramps a target's share linearly from 0 to full over `slow_start_seconds`.
    #[test]
    fn slow_start_ramps_the_weight_linearly() {
        let (s, mut w) = world_with_targets(&[TargetHealth::Healthy]);
        let spec = &s.target_groups[0];
        w.targets[0].slow_start_from = Some(SimTime::from_secs(100));
        assert_eq!(weight(&w.targets[0], spec, SimTime::from_secs(100)), 0.0);
        assert_eq!(weight(&w.targets[0], spec, SimTime::from_secs(115)), 0.25);
        assert_eq!(weight(&w.targets[0], spec, SimTime::from_secs(160)), 1.0);
        assert!(in_slow_start(&w.targets[0], spec, SimTime::from_secs(159)));
        assert!(!in_slow_start(&w.targets[0], spec, SimTime::from_secs(160)));
        w.targets[0].slow_start_from = None;
        assert_eq!(weight(&w.targets[0], spec, SimTime::from_secs(100)), 1.0);
    }
}
