//! The recorder: the sink every controller pushes the story of the run into (STYLE.md §13).
//!
//! It keeps the rows of `events.csv`, the optional engine trace (`--trace`) and `explain` narration. Metric
//! series live in the metric store (`cloudwatch`), which publishes exact datapoints; the recorder knows
//! nothing about them.

use crate::engine::SimTime;

use super::event_log::EventLog;
use super::recorded::{Scope, TraceRow};

/// Collects the story of a run.
#[derive(Debug)]
pub struct Recorder {
    events: EventLog,
    narration: Option<Vec<(SimTime, String)>>,
    trace: Option<Vec<TraceRow>>,
}

impl Recorder {
    /// A recorder; `narrate` keeps `explain` sentences, `trace` every event.
    pub fn new(narrate: bool, trace: bool) -> Recorder {
        Recorder {
            events: EventLog::new(),
            narration: narrate.then(Vec::new),
            trace: trace.then(Vec::new),
        }
    }

    /// Writes one row of the run's story; `message` is formatted straight into the log (no allocation
    /// once the log has grown).
    pub fn event(
        &mut self,
        now: SimTime,
        scope: Scope,
        id: impl std::fmt::Display,
        kind: &'static str,
        message: std::fmt::Arguments<'_>,
    ) {
        if let Some(n) = &mut self.narration {
            n.push((now, format!("{kind}: {message}")));
        }
        self.events.push(now, scope, id, kind, message);
    }

    /// Whether `explain` narration is being kept (so callers can skip building sentences).
    pub fn narrating(&self) -> bool {
        self.narration.is_some()
    }

    /// Adds an `explain` sentence.
    pub fn narrate(&mut self, now: SimTime, sentence: String) {
        if let Some(n) = &mut self.narration {
            n.push((now, sentence));
        }
    }

    /// Whether `--trace` is on.
    pub fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    /// Adds a `trace.csv` row.
    pub fn trace(&mut self, now: SimTime, kind: &'static str, subject: String) {
        if let Some(t) = &mut self.trace {
            t.push(TraceRow {
                time: now,
                kind,
                subject,
            });
        }
    }

    /// The rows recorded so far.
    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// Hands over everything recorded: (events, narration, trace).
    #[allow(clippy::type_complexity)]
    pub fn finish(self) -> (EventLog, Vec<(SimTime, String)>, Option<Vec<TraceRow>>) {
        (self.events, self.narration.unwrap_or_default(), self.trace)
    }
}
