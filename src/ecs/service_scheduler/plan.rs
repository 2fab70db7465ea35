//! The reconcile rule of a REPLICA service (ECS-SEMANTICS §4.1, DECIDED) as pure arithmetic: what the
//! scheduler sees goes in ([`Inputs`]), how many tasks to start and stop comes out; the caller chooses which
//! tasks and applies the decision. Every worked example of §4.1's table is a unit test here.
//!
//! With d the desired count, A the tasks whose desiredStatus is RUNNING, H those counted healthy, and the
//! tasks *to replace* (on a DRAINING instance, moved by AZ rebalancing, and — with rolling deployments —
//! every task of an older deployment) apart from the *kept* ones:
//! 1. start min(floor(d·max/100) − A, d − kept) tasks;
//! 2. stop UNHEALTHY tasks (past the grace period) once their replacements have started, which
//!    `maximumPercent` allowed in step 1 — or, when nothing could start, nothing else can move and every
//!    kept task is healthy, one of them (they are stopped one by one, ECS-SEMANTICS §3.2);
//! 3. stop min(H − ceil(d·min/100), to replace) of the tasks to replace, not-yet-healthy first;
//! 4. stop kept tasks above d (scale-in).
//!
//! When nothing may start or stop while tasks wait to be replaced and none is on its way to healthy, the
//! configuration deadlocks: the "unable to stop or start tasks during a deployment" event.

use super::{maximum_tasks, minimum_healthy_tasks};

/// What the scheduler sees of a REPLICA service at one reconcile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// d.
    pub desired: u32,
    /// `minimumHealthyPercent`.
    pub minimum_healthy_percent: u32,
    /// `maximumPercent`.
    pub maximum_percent: u32,
    /// A: tasks whose desiredStatus is RUNNING.
    pub active: u32,
    /// H: of those, the tasks counted healthy.
    pub healthy: u32,
    /// Tasks to replace because they are UNHEALTHY past the health-check grace period.
    pub unhealthy: u32,
    /// Tasks to replace for another reason (a DRAINING instance, AZ rebalancing, an older deployment).
    pub replaced: u32,
    /// Every kept task is healthy.
    pub kept_healthy: bool,
    /// Every task is healthy or UNHEALTHY: none is on its way to healthy.
    pub nothing_pending: bool,
}

impl Inputs {
    /// The kept tasks: A minus the tasks to replace.
    pub fn kept(&self) -> u32 {
        self.active - self.unhealthy - self.replaced
    }
}

/// Step 1: how many new tasks to start.
pub fn starts(i: &Inputs) -> u32 {
    maximum_tasks(i.desired, i.maximum_percent)
        .saturating_sub(i.active)
        .min(i.desired.saturating_sub(i.kept()))
}

/// Steps 2–4: how many tasks of each kind to stop, once `started` of the `wanted` starts were placed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stops {
    /// UNHEALTHY tasks (step 2).
    pub unhealthy: u32,
    /// Tasks to replace (step 3), not-yet-healthy first.
    pub replaced: u32,
    /// Kept tasks above d (step 4).
    pub surplus: u32,
    /// Nothing may start or stop: the settings deadlock.
    pub stuck: bool,
}

/// Steps 2–4 (see [`Stops`]).
pub fn stops(i: &Inputs, wanted: u32, started: u32) -> Stops {
    let kept = i.kept();
    let mut unhealthy = (kept + started + i.unhealthy)
        .saturating_sub(i.desired)
        .min(i.unhealthy);
    if unhealthy == 0 && started == 0 && i.unhealthy > 0 && i.kept_healthy {
        unhealthy = 1;
    }
    let replaced = i
        .healthy
        .saturating_sub(minimum_healthy_tasks(i.desired, i.minimum_healthy_percent))
        .min(i.replaced);
    Stops {
        unhealthy,
        replaced,
        surplus: kept.saturating_sub(i.desired),
        stuck: wanted == 0
            && replaced == 0
            && unhealthy == 0
            && i.unhealthy + i.replaced > 0
            && i.nothing_pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// d tasks of an older deployment (or on DRAINING instances), all healthy, nothing new yet.
    fn all_old(desired: u32, min: u32, max: u32) -> Inputs {
        Inputs {
            desired,
            minimum_healthy_percent: min,
            maximum_percent: max,
            active: desired,
            healthy: desired,
            replaced: desired,
            kept_healthy: true,
            nothing_pending: true,
            ..Inputs::default()
        }
    }

    // §4.1 worked example: desired 4 at 50 %/200 % starts 4 new and stops 2 old at once.
    #[test]
    fn desired_4_at_50_200_starts_4_and_stops_2_at_once() {
        let i = all_old(4, 50, 200);
        assert_eq!(starts(&i), 4);
        assert_eq!(stops(&i, 4, 4).replaced, 2);
    }

    // §4.1: desired 2 at 75 % rounds the floor up to 2: no old task stops before a new one is healthy.
    #[test]
    fn desired_2_at_75_percent_stops_nothing_before_a_new_task_is_healthy() {
        let i = all_old(2, 75, 200);
        assert_eq!(stops(&i, starts(&i), starts(&i)).replaced, 0);
    }

    // §4.1: desired 3 at 125 % rounds the ceiling down to 3: no extra task can start.
    #[test]
    fn desired_3_at_125_percent_cannot_start_an_extra_task() {
        assert_eq!(starts(&all_old(3, 0, 125)), 0);
    }

    // §4.1: 3 at 100 %/125 % is stuck: nothing may start or stop.
    #[test]
    fn desired_3_at_100_125_is_stuck() {
        let i = all_old(3, 100, 125);
        let wanted = starts(&i);
        assert_eq!(wanted, 0);
        let s = stops(&i, wanted, 0);
        assert_eq!((s.replaced, s.unhealthy), (0, 0));
        assert!(s.stuck);
    }

    // §4.1: 10 at 100 %/150 % goes in waves of 5: start 5; when they are healthy, stop 5; start the rest.
    #[test]
    fn desired_10_at_100_150_goes_in_waves_of_5() {
        let i = all_old(10, 100, 150);
        assert_eq!(starts(&i), 5);
        assert_eq!(stops(&i, 5, 5).replaced, 0);
        // The 5 new ones are healthy: A = 15, H = 15, 10 old left to replace.
        let after = Inputs {
            active: 15,
            healthy: 15,
            ..i
        };
        assert_eq!(starts(&after), 0);
        assert_eq!(stops(&after, 0, 0).replaced, 5);
        // 5 old stopped: A = 10 (5 new + 5 old), 5 more start.
        let next = Inputs {
            active: 10,
            healthy: 10,
            replaced: 5,
            ..i
        };
        assert_eq!(starts(&next), 5);
    }

    // §4.1: 5 at 50 %/100 % stops 2 (ceil(2.5) = 3 must stay healthy), then starts 2.
    #[test]
    fn desired_5_at_50_100_stops_2_then_starts_2() {
        let i = all_old(5, 50, 100);
        assert_eq!(starts(&i), 0);
        assert_eq!(stops(&i, 0, 0).replaced, 2);
        let next = Inputs {
            active: 3,
            healthy: 3,
            replaced: 3,
            ..i
        };
        assert_eq!(starts(&next), 2);
    }

    // §3.2: an UNHEALTHY task is replaced start-first when maximumPercent allows, and stops once its
    // replacement has started; at 100 % it stops first, one at a time.
    #[test]
    fn unhealthy_tasks_are_replaced_start_first_else_one_by_one() {
        let i = Inputs {
            desired: 3,
            minimum_healthy_percent: 100,
            maximum_percent: 200,
            active: 3,
            healthy: 1,
            unhealthy: 2,
            kept_healthy: true,
            nothing_pending: true,
            ..Inputs::default()
        };
        assert_eq!(starts(&i), 2);
        assert_eq!(stops(&i, 2, 2).unhealthy, 2);
        // Nothing could be placed: still one stops, to make room.
        assert_eq!(stops(&i, 2, 0).unhealthy, 1);
        let full = Inputs {
            maximum_percent: 100,
            ..i
        };
        assert_eq!(starts(&full), 0);
        assert_eq!(stops(&full, 0, 0).unhealthy, 1);
    }

    // Scale-in: kept tasks above d stop.
    #[test]
    fn kept_tasks_above_desired_are_scaled_in() {
        let i = Inputs {
            desired: 2,
            minimum_healthy_percent: 100,
            maximum_percent: 200,
            active: 5,
            healthy: 5,
            kept_healthy: true,
            nothing_pending: true,
            ..Inputs::default()
        };
        assert_eq!(starts(&i), 0);
        assert_eq!(stops(&i, 0, 0).surplus, 3);
    }
}
