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
