//! The discrete-event engine: simulated time, the event queue, cancellation tokens and named RNG streams.
//!
//! Owns *when* things happen and where randomness comes from. It knows nothing about ECS: event payloads
//! are an opaque type parameter chosen by `sim`, and stream names are plain strings. Keeping the engine
//! ignorant of the domain keeps its contract small enough to state, test and benchmark on its own.
//!
//! # Contract
//!
//! Each rule has a test in this module named after it (`rule_N_...`).
//!
//! 1. **Time is integer milliseconds.** [`SimTime`] and [`SimDuration`] wrap a `u64` of ms; there is no
//!    floating-point time, so two events meant to coincide always do, on every machine.
//! 2. **Events are ordered by the key (time, phase, sequence number).** The sequence number grows with
//!    every `schedule*` call, so events with equal time and phase pop first in, first out, and the order
//!    never depends on heap internals. Plain and cancellable events share one sequence.
//! 3. **Phases order one instant.** At equal time, lower [`Phase`]s pop first: 1 scenario events,
//!    2 transitions, 3 health-check results, 4 metric publication, 5 alarm evaluation, 6 scaling actions,
//!    7 scheduler and capacity reconcile, 8 recorder. So an alarm evaluated at t = 60 s sees the datapoint
//!    published at t = 60 s, and the recorder sees the settled state of the instant.
//! 4. **Time never runs backwards.** [`EventQueue::now`] is the time of the last popped event (zero before
//!    the first). Scheduling before `now` is a bug in the caller and panics; scheduling *at* `now` is
//!    allowed and runs in the same instant, ordered by rules 2 and 3 among the events still pending. So
//!    an event scheduled at `now` in an *earlier* phase than the one being handled runs next: phases order
//!    what is pending, they do not forbid going back (use `now + 1 ms` to defer to the next instant).
//! 5. **Cancellation is lazy.** [`EventQueue::schedule_cancellable`] returns a [`TimerToken`];
//!    [`EventQueue::cancel`] is O(1) and marks the event stale; the stale entry is dropped when it reaches
//!    the top of the heap, which is never searched. Other events are undisturbed, and cancelling a fired
//!    or cancelled token does nothing, even after its slot was reused for another event (tokens carry a
//!    generation). Plain [`EventQueue::schedule`] returns nothing and pays nothing for cancellation.
//! 6. **No wall clock.** Nothing in the engine reads the wall clock or any per-process randomness; time
//!    advances only by popping events. The same schedule calls therefore yield the same pops, always.
//! 7. **Randomness comes from named streams.** [`RngStreams`] derives one ChaCha8 stream per name from
//!    (seed, name) through a fixed hash (see [`rng`]), so a new random process, or more draws in one, never
//!    shifts the numbers any other process sees.
//!
//! # Example
//!
//! ```
//! use ecsim::engine::{EventQueue, Phase, SimDuration, SimTime};
//!
//! #[derive(Clone, Copy, Debug, PartialEq)]
//! enum Event { Publish, Evaluate, Cooldown }
//!
//! let mut queue = EventQueue::new();
//! let t60 = SimTime::from_secs(60);
//! queue.schedule(t60, Phase::AlarmEvaluation, Event::Evaluate);
//! queue.schedule(t60, Phase::MetricPublication, Event::Publish);
//! let cooldown = queue.schedule_cancellable(t60 + SimDuration::from_secs(300), Phase::ScalingAction,
//!                                           Event::Cooldown);
//! queue.cancel(cooldown);
//!
//! assert_eq!(queue.pop(), Some((t60, Phase::MetricPublication, Event::Publish)));
//! assert_eq!(queue.pop(), Some((t60, Phase::AlarmEvaluation, Event::Evaluate)));
//! assert_eq!(queue.pop(), None);
//! assert_eq!(queue.now(), t60);
//! ```

mod heap;
pub mod queue;
pub mod rng;
mod slots;
pub mod time;

pub use queue::{EventQueue, Phase, TimerToken};
pub use rng::{RngStreams, StreamId};
pub use time::{SimDuration, SimTime};

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn drain<E>(queue: &mut EventQueue<E>) -> Vec<(SimTime, Phase, E)> {
        std::iter::from_fn(|| queue.pop()).collect()
    }

    #[test]
    fn rule_1_time_is_integer_milliseconds_so_instants_built_differently_coincide() {
        let mut queue = EventQueue::new();
        let tenths = (0..10).fold(SimTime::ZERO, |t, _| t + SimDuration::from_ms(100));
        queue.schedule(tenths, Phase::Transition, "ten steps of 100 ms");
        queue.schedule(SimTime::from_secs(1), Phase::Transition, "one second");
        let popped = drain(&mut queue);
        assert_eq!(
            popped[0].0, popped[1].0,
            "both events happen at exactly t = 1000 ms"
        );
        assert_eq!(popped[0].0.as_ms(), 1000);
    }

    #[test]
    fn rule_2_events_with_equal_time_and_phase_pop_first_in_first_out() {
        let mut queue = EventQueue::new();
        let at = SimTime::from_secs(5);
        queue.schedule(at, Phase::Reconcile, 0);
        let _ = queue.schedule_cancellable(at, Phase::Reconcile, 1);
        queue.schedule(at, Phase::Reconcile, 2);
        queue.schedule(SimTime::from_secs(4), Phase::Reconcile, 3);
        let ids: Vec<i32> = drain(&mut queue).into_iter().map(|(_, _, id)| id).collect();
        assert_eq!(ids, vec![3, 0, 1, 2]);
    }

    // DESIGN.md, engine rules: an alarm evaluated at t = 60 s always sees the datapoint published at 60 s.
    #[test]
    fn rule_3_phases_order_the_events_of_one_instant() {
        let mut queue = EventQueue::new();
        let at = SimTime::from_secs(60);
        let scrambled = [
            Phase::Recorder,
            Phase::AlarmEvaluation,
            Phase::Reconcile,
            Phase::ScenarioEvent,
            Phase::ScalingAction,
            Phase::MetricPublication,
            Phase::HealthCheck,
            Phase::Transition,
        ];
        for phase in scrambled {
            queue.schedule(at, phase, ());
        }
        let order: Vec<Phase> = drain(&mut queue).into_iter().map(|(_, p, ())| p).collect();
        assert_eq!(
            order,
            vec![
                Phase::ScenarioEvent,
                Phase::Transition,
                Phase::HealthCheck,
                Phase::MetricPublication,
                Phase::AlarmEvaluation,
                Phase::ScalingAction,
                Phase::Reconcile,
                Phase::Recorder,
            ]
        );
    }

    #[test]
    fn rule_4_now_never_decreases_and_scheduling_at_now_runs_in_the_same_instant() {
        let mut queue = EventQueue::new();
        let mut rng = rng::fresh(4, "rule-4");
        queue.schedule(SimTime::ZERO, Phase::ScenarioEvent, 0u32);
        let mut previous = queue.now();
        while let Some((time, _, hops)) = queue.pop() {
            assert!(time >= previous, "now went from {previous} to {time}");
            assert_eq!(queue.now(), time);
            previous = time;
            if hops < 1000 {
                let delay = SimDuration::from_ms(rng::uniform_ms(&mut rng, 0, 3));
                queue.schedule(
                    queue.now() + delay,
                    Phase::ALL[(hops % 8) as usize],
                    hops + 1,
                );
            }
        }
        assert_eq!(queue.events_processed(), 1001);
    }

    #[test]
    #[should_panic(expected = "is in the past")]
    fn rule_4_scheduling_before_now_panics() {
        let mut queue = EventQueue::new();
        queue.schedule(SimTime::from_secs(2), Phase::Recorder, ());
        queue.pop();
        queue.schedule(SimTime::from_secs(1), Phase::Recorder, ());
    }

    #[test]
    fn rule_5_cancellation_is_lazy_and_never_disturbs_other_events() {
        let mut queue = EventQueue::new();
        let mut tokens = Vec::new();
        for i in 0..20u64 {
            let at = SimTime::from_ms(i % 5);
            if i % 2 == 0 {
                tokens.push(queue.schedule_cancellable(at, Phase::HealthCheck, i));
            } else {
                queue.schedule(at, Phase::HealthCheck, i);
            }
        }
        for token in tokens.iter().step_by(2) {
            assert!(queue.cancel(*token));
        }
        let ids: Vec<u64> = drain(&mut queue).into_iter().map(|(_, _, i)| i).collect();
        // Cancelled: every other token, i.e. i = 0, 4, 8, 12, 16; the rest pop by (i % 5, i).
        assert_eq!(
            ids,
            vec![5, 10, 15, 1, 6, 11, 2, 7, 17, 3, 13, 18, 9, 14, 19]
        );
        assert!(tokens.iter().all(|token| !queue.cancel(*token)));
    }

    /// A small run whose schedule depends on its own draws; returns its whole trace.
    fn traced_run(seed: u64) -> Vec<(u64, Phase, u32)> {
        let mut queue = EventQueue::new();
        let mut streams = RngStreams::new(seed);
        for id in 0..50 {
            let at = SimTime::from_ms(rng::uniform_ms(streams.stream("arrivals"), 0, 100));
            queue.schedule(at, Phase::ALL[id as usize % 8], id);
        }
        let mut trace = Vec::new();
        while let Some((time, phase, id)) = queue.pop() {
            trace.push((time.as_ms(), phase, id));
            if id < 500 {
                let delay = rng::exponential_ms(streams.stream("service"), 20.0);
                queue.schedule(time + SimDuration::from_ms(delay), phase, id + 50);
            }
        }
        trace
    }

    #[test]
    fn rule_6_no_wall_clock_so_the_same_seed_replays_the_same_trace() {
        let first = traced_run(2024);
        assert_eq!(first.len(), 550);
        assert_eq!(first, traced_run(2024));
        assert_ne!(first, traced_run(2025));
    }

    #[test]
    fn rule_6_no_wall_clock_the_engine_sources_never_read_time_or_process_randomness() {
        let sources = [
            ("mod.rs", include_str!("mod.rs")),
            ("queue.rs", include_str!("queue.rs")),
            ("rng.rs", include_str!("rng.rs")),
            ("slots.rs", include_str!("slots.rs")),
            ("heap.rs", include_str!("heap.rs")),
            ("time.rs", include_str!("time.rs")),
        ];
        // Built with concat! so that this test's own source does not contain the needles.
        let forbidden = [
            concat!("std::", "time"),
            concat!("Instant", "::"),
            concat!("System", "Time"),
            concat!("thread_", "rng"),
            concat!("Random", "State"),
            concat!("rand::", "rng("),
            concat!("Std", "Rng"),
        ];
        for (file, text) in sources {
            for needle in forbidden {
                assert!(
                    !text.contains(needle),
                    "src/engine/{file} mentions {needle}"
                );
            }
        }
    }

    #[test]
    fn rule_7_a_new_random_stream_does_not_shift_an_existing_one() {
        let mut before = RngStreams::new(99);
        let expected: Vec<u64> = (0..5).map(|_| before.stream("spot").next_u64()).collect();

        let mut after = RngStreams::new(99);
        after.stream("a-process-added-later").next_u64();
        let got: Vec<u64> = (0..5).map(|_| after.stream("spot").next_u64()).collect();
        assert_eq!(got, expected);
    }
}
