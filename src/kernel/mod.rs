//! What every controller shares and nothing more: the closed set of events ([`Event`]) and the context
//! ([`Cx`]): the event queue, the named RNG streams, the recorder, the clock and the read-only scenario.
//!
//! The kernel sits between the world and the controllers (`ecs`, `ec2`, `fargate`, `cloudwatch`, and later
//! `elb` and `autoscaling`): it knows the world's ids (events carry them) but no controller, and holds no
//! state a controller owns — the service scheduler keeps its own wake-ups, placement its own scratch, the
//! world its own counters. That keeps the dependencies one-way: engine → scenario → world → kernel →
//! controllers → sim.

pub mod event;

pub use event::Event;

use crate::engine::{EventQueue, Phase, RngStreams, SimDuration, SimTime};
use crate::report::recorder::Recorder;
use crate::scenario::{DurationDist, Scenario};

/// The controllers' context.
pub struct Cx<'s> {
    /// The validated scenario (read-only).
    pub scenario: &'s Scenario,
    /// The event queue.
    pub queue: EventQueue<Event>,
    /// Named RNG streams.
    pub rng: RngStreams,
    /// The sink for events, narration and trace.
    pub rec: Recorder,
    /// End of the run.
    pub end: SimTime,
    /// Summary metrics other than `cost.*` count from here (SPEC §3.1 `warmup`).
    pub warmup: SimTime,
}

impl Cx<'_> {
    /// Draws a duration from `dist` on the RNG stream named `stream` (`format_args!("task/{group}/…")`:
    /// the name is formatted only when a draw is needed, into a reused buffer).
    pub fn draw(&mut self, stream: std::fmt::Arguments<'_>, dist: DurationDist) -> SimDuration {
        match dist {
            DurationDist::Fixed(d) => d,
            DurationDist::Uniform { min, max } => {
                SimDuration::from_ms(crate::engine::rng::uniform_ms(
                    self.rng.stream_fmt(stream),
                    min.as_ms(),
                    max.as_ms(),
                ))
            }
        }
    }

    /// Schedules `event` at `at` if it falls within the run (events after the end would never be processed).
    pub fn schedule(&mut self, at: SimTime, phase: Phase, event: Event) {
        if at <= self.end {
            self.queue.schedule(at, phase, event);
        }
    }

    /// Whether `now` is inside the summary window [warmup, end].
    pub fn in_window(&self, now: SimTime) -> bool {
        now >= self.warmup
    }
}
