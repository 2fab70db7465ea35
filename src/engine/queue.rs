//! The event queue: a min-heap keyed by (time, phase, sequence number), with lazy cancellation.
//!
//! Owns the order in which events happen and the simulated clock `now`. It ignores what an event means
//! (the payload `E` is opaque) so that the order of a run depends only on when and in which phase events
//! were scheduled, never on heap internals or on the payload.
//!
//! # Key layout
//!
//! Every entry carries two `u64` words compared lexicographically:
//!
//! ```text
//! word 0: time in ms (SimTime)
//! word 1: phase (bits 63..56) | sequence number (bits 55..1) | cancellable flag (bit 0)
//! ```
//!
//! The sequence number is unique per queue and increases with every `schedule*` call, so two entries never
//! compare equal and the flag bit never decides an order. 55 bits of sequence allow 3.6e16 schedules per
//! queue; overflowing them is asserted.
//!
//! # Cost
//!
//! Backed by a 4-ary min-heap of 16-byte keys plus the payload (see `heap.rs` for why not std's
//! `BinaryHeap`; `benches/engine.rs` measures both). With n entries in the heap:
//! - `schedule`: O(log₄ n) comparisons worst case, O(1) on average for random times; amortised O(1)
//!   allocation (none once the heap has grown: use `with_capacity`).
//! - `pop`: O(log₄ n), about four comparisons per level; each cancelled entry it drops costs one more.
//! - `schedule_cancellable`: as `schedule` plus one hash-set insert of the sequence number.
//! - `cancel`: O(1) expected (one hash-set removal); the heap is never searched.
//! - `peek_time`, `len`, `is_empty`, `now`, `events_processed`: O(1).
//!
//! Plain events pay only a bit test for cancellation support: the set of live cancellable sequence numbers
//! is consulted only for entries whose flag bit is set. The set is an `FxHashSet`, which is only ever probed,
//! never iterated, so its internal order cannot reach any decision.

use rustc_hash::FxHashSet;

use super::heap::{HeapEntry as Entry, QuadHeap};
use super::time::SimTime;

/// What happens first among events at one instant; lower phases run first (DESIGN.md, engine rules).
///
/// For example an alarm evaluated at t = 60 s always sees the datapoint published at t = 60 s, because
/// [`Phase::MetricPublication`] runs before [`Phase::AlarmEvaluation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Phase {
    /// Events written in the scenario file (deploys, traffic changes, outages).
    ScenarioEvent = 1,
    /// Instance and task state transitions.
    Transition = 2,
    /// Health-check results.
    HealthCheck = 3,
    /// Publication of CloudWatch datapoints.
    MetricPublication = 4,
    /// Evaluation of CloudWatch alarms.
    AlarmEvaluation = 5,
    /// Scaling actions (Application Auto Scaling, managed scaling).
    ScalingAction = 6,
    /// Service scheduler and capacity reconcile.
    Reconcile = 7,
    /// The recorder, which sees the settled state of the instant.
    Recorder = 8,
}

impl Phase {
    /// Every phase, in execution order.
    pub const ALL: [Phase; 8] = [
        Phase::ScenarioEvent,
        Phase::Transition,
        Phase::HealthCheck,
        Phase::MetricPublication,
        Phase::AlarmEvaluation,
        Phase::ScalingAction,
        Phase::Reconcile,
        Phase::Recorder,
    ];

    /// The phase whose `repr(u8)` value is `bits`; `bits` always comes from a key this module packed.
    fn from_bits(bits: u8) -> Phase {
        match bits {
            1 => Phase::ScenarioEvent,
            2 => Phase::Transition,
            3 => Phase::HealthCheck,
            4 => Phase::MetricPublication,
            5 => Phase::AlarmEvaluation,
            6 => Phase::ScalingAction,
            7 => Phase::Reconcile,
            8 => Phase::Recorder,
            _ => unreachable!("phase bits {bits} were not packed by EventQueue"),
        }
    }
}

/// A handle to a cancellable event, returned by [`EventQueue::schedule_cancellable`].
///
/// Small and `Copy` so that it can sit in a controller's state or inside an event payload. A token is only
/// meaningful for the queue that issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerToken(u64);

const PHASE_SHIFT: u32 = 56;
const SEQ_SHIFT: u32 = 1;
const CANCELLABLE_BIT: u64 = 1;
/// One past the largest sequence number that fits between the phase byte and the flag bit.
const SEQ_LIMIT: u64 = 1 << (PHASE_SHIFT - SEQ_SHIFT);

/// The sequence number packed in an order word.
fn seq_of(order: u64) -> u64 {
    (order >> SEQ_SHIFT) & (SEQ_LIMIT - 1)
}

/// A deterministic priority queue of events ordered by (time, phase, sequence number).
///
/// See the [module docs](self) for the key layout and the cost of each operation, and the
/// [engine contract](super) for the rules it guarantees.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: QuadHeap<E>,
    /// Time of the last popped event.
    now: SimTime,
    /// Next sequence number to hand out.
    seq_next: u64,
    /// Tokens (sequence numbers) of cancellable events that are scheduled, not yet popped, not cancelled.
    cancellable_live: FxHashSet<u64>,
    /// Cancelled entries still sitting in the heap (never at its top).
    cancelled_in_heap: usize,
    events_processed: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at t = 0.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue at t = 0 that holds `capacity` pending events before reallocating.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: QuadHeap::with_capacity(capacity),
            now: SimTime::ZERO,
            seq_next: 0,
            cancellable_live: FxHashSet::default(),
            cancelled_in_heap: 0,
            events_processed: 0,
        }
    }

    /// The time of the last popped event; [`SimTime::ZERO`] before the first pop. Never decreases.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `at` in `phase`. It runs after every event already scheduled for the same
    /// (time, phase), and before pending events of a later phase or time; `at == now` is allowed, even in
    /// a phase earlier than the event being handled (it then runs next).
    ///
    /// # Panics
    /// If `at` is before [`now`](Self::now): scheduling into the past is a bug in the caller.
    pub fn schedule(&mut self, at: SimTime, phase: Phase, event: E) {
        let order = self.next_order(at, phase, false);
        self.heap.push(Entry {
            time_ms: at.as_ms(),
            order,
            event,
        });
    }

    /// Schedules `event` like [`schedule`](Self::schedule) and returns a token that can
    /// [`cancel`](Self::cancel) it until it is popped.
    ///
    /// # Panics
    /// If `at` is before [`now`](Self::now).
    #[must_use = "without its token the event cannot be cancelled; use `schedule` instead"]
    pub fn schedule_cancellable(&mut self, at: SimTime, phase: Phase, event: E) -> TimerToken {
        let order = self.next_order(at, phase, true);
        let seq = seq_of(order);
        self.cancellable_live.insert(seq);
        self.heap.push(Entry {
            time_ms: at.as_ms(),
            order,
            event,
        });
        TimerToken(seq)
    }

    /// Cancels the event behind `token` so that it is never popped. Returns whether it was pending; a token
    /// whose event already fired or was already cancelled is a no-op returning `false`.
    ///
    /// O(1): the entry stays in the heap and is dropped when it reaches the top.
    pub fn cancel(&mut self, token: TimerToken) -> bool {
        if !self.cancellable_live.remove(&token.0) {
            return false;
        }
        self.cancelled_in_heap += 1;
        self.drop_cancelled_top();
        true
    }

    /// Removes the next event, advances [`now`](Self::now) to its time and returns it. Cancelled events are
    /// skipped. `None` when no event is pending.
    pub fn pop(&mut self) -> Option<(SimTime, Phase, E)> {
        let entry = self.heap.pop()?;
        if entry.order & CANCELLABLE_BIT != 0 {
            // The top is never a cancelled entry (see `drop_cancelled_top`), so this one is live.
            let removed = self.cancellable_live.remove(&seq_of(entry.order));
            debug_assert!(removed, "a cancelled entry reached the top of the heap");
        }
        self.drop_cancelled_top();
        debug_assert!(entry.time_ms >= self.now.as_ms(), "time ran backwards");
        self.now = SimTime::from_ms(entry.time_ms);
        self.events_processed += 1;
        let phase = Phase::from_bits((entry.order >> PHASE_SHIFT) as u8);
        Some((self.now, phase, entry.event))
    }

    /// The time of the next event [`pop`](Self::pop) would return, or `None` if none is pending.
    ///
    /// Exact: cancelled entries are never at the top of the heap, so they are never reported.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|entry| SimTime::from_ms(entry.time_ms))
    }

    /// The number of pending events, not counting cancelled ones.
    pub fn len(&self) -> usize {
        self.heap.len() - self.cancelled_in_heap
    }

    /// Whether no event is pending (cancelled events do not count).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many events [`pop`](Self::pop) has returned; skipped cancelled events do not count.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Checks `at` against `now` and packs phase, a fresh sequence number and the flag into the order word.
    fn next_order(&mut self, at: SimTime, phase: Phase, cancellable: bool) -> u64 {
        assert!(
            at >= self.now,
            "EventQueue: scheduling at {at} is in the past (now is {}); events can only be scheduled at or \
             after now",
            self.now
        );
        let seq = self.seq_next;
        assert!(seq < SEQ_LIMIT, "EventQueue: sequence numbers exhausted");
        self.seq_next = seq + 1;
        (u64::from(phase as u8) << PHASE_SHIFT) | (seq << SEQ_SHIFT) | u64::from(cancellable)
    }

    /// Pops cancelled entries off the top, keeping the invariant that the top is never cancelled (which
    /// makes `peek_time` exact and `len` consistent with the heap).
    fn drop_cancelled_top(&mut self) {
        while let Some(top) = self.heap.peek() {
            if top.order & CANCELLABLE_BIT == 0
                || self.cancellable_live.contains(&seq_of(top.order))
            {
                return;
            }
            self.heap.pop();
            self.cancelled_in_heap -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimDuration;
    use proptest::prelude::*;

    fn t(ms: u64) -> SimTime {
        SimTime::from_ms(ms)
    }

    fn drain<E>(queue: &mut EventQueue<E>) -> Vec<(u64, Phase, E)> {
        std::iter::from_fn(|| queue.pop())
            .map(|(time, phase, event)| (time.as_ms(), phase, event))
            .collect()
    }

    // DESIGN.md, engine rules: within a phase, events run in the order they were scheduled.
    #[test]
    fn events_with_equal_time_and_phase_pop_in_scheduling_order() {
        let mut queue = EventQueue::new();
        for id in 0..100u32 {
            queue.schedule(t(5), Phase::Transition, id);
        }
        let ids: Vec<u32> = drain(&mut queue).into_iter().map(|(_, _, id)| id).collect();
        assert_eq!(ids, (0..100).collect::<Vec<u32>>());
    }

    // DESIGN.md, engine rules: phases fix what happens first at one instant.
    #[test]
    fn events_at_one_instant_pop_in_phase_order_whatever_the_scheduling_order() {
        let mut queue = EventQueue::new();
        for phase in Phase::ALL.iter().rev() {
            queue.schedule(t(60_000), *phase, *phase as u8);
        }
        let phases: Vec<Phase> = drain(&mut queue).into_iter().map(|(_, p, _)| p).collect();
        assert_eq!(phases, Phase::ALL.to_vec());
        assert_eq!(
            Phase::ALL.map(|p| p as u8),
            [1, 2, 3, 4, 5, 6, 7, 8],
            "the repr(u8) values are part of the contract"
        );
    }

    #[test]
    fn an_earlier_time_pops_first_even_in_a_later_phase() {
        let mut queue = EventQueue::new();
        queue.schedule(t(2), Phase::ScenarioEvent, "late, first phase");
        queue.schedule(t(1), Phase::Recorder, "early, last phase");
        assert_eq!(
            drain(&mut queue),
            vec![
                (1, Phase::Recorder, "early, last phase"),
                (2, Phase::ScenarioEvent, "late, first phase")
            ]
        );
    }

    #[test]
    fn plain_and_cancellable_events_share_one_fifo_order() {
        let mut queue = EventQueue::new();
        queue.schedule(t(3), Phase::HealthCheck, 'a');
        let _b = queue.schedule_cancellable(t(3), Phase::HealthCheck, 'b');
        queue.schedule(t(3), Phase::HealthCheck, 'c');
        let _d = queue.schedule_cancellable(t(3), Phase::HealthCheck, 'd');
        let order: String = drain(&mut queue).into_iter().map(|(_, _, c)| c).collect();
        assert_eq!(order, "abcd");
    }

    // DESIGN.md, engine rules: a stale timer is skipped when popped (lazy cancellation).
    #[test]
    fn a_cancelled_event_is_skipped_and_the_others_pop_unchanged() {
        let mut queue = EventQueue::new();
        queue.schedule(t(10), Phase::Reconcile, 1);
        let stale = queue.schedule_cancellable(t(10), Phase::Reconcile, 2);
        let kept = queue.schedule_cancellable(t(20), Phase::ScalingAction, 3);
        queue.schedule(t(30), Phase::Recorder, 4);
        assert!(queue.cancel(stale));
        assert_eq!(queue.len(), 3);
        assert_eq!(
            drain(&mut queue),
            vec![
                (10, Phase::Reconcile, 1),
                (20, Phase::ScalingAction, 3),
                (30, Phase::Recorder, 4)
            ]
        );
        assert!(!queue.cancel(kept), "a fired token cancels nothing");
        assert_eq!(queue.events_processed(), 3);
    }

    #[test]
    fn cancelling_a_fired_or_already_cancelled_token_is_a_no_op() {
        let mut queue = EventQueue::new();
        let fired = queue.schedule_cancellable(t(1), Phase::Transition, "fired");
        let twice = queue.schedule_cancellable(t(2), Phase::Transition, "twice");
        queue.schedule(t(3), Phase::Transition, "plain");
        assert_eq!(queue.pop(), Some((t(1), Phase::Transition, "fired")));
        assert!(!queue.cancel(fired));
        assert!(queue.cancel(twice));
        assert!(!queue.cancel(twice));
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.pop(), Some((t(3), Phase::Transition, "plain")));
        assert_eq!(queue.pop(), None);
        assert!(queue.is_empty());
    }

    #[test]
    fn cancelled_events_count_neither_in_len_nor_in_peek_time() {
        let mut queue = EventQueue::new();
        let first = queue.schedule_cancellable(t(5), Phase::HealthCheck, 'x');
        let middle = queue.schedule_cancellable(t(7), Phase::HealthCheck, 'y');
        queue.schedule(t(9), Phase::HealthCheck, 'z');
        assert_eq!((queue.len(), queue.peek_time()), (3, Some(t(5))));
        assert!(queue.cancel(middle));
        assert_eq!((queue.len(), queue.peek_time()), (2, Some(t(5))));
        assert!(queue.cancel(first));
        assert_eq!((queue.len(), queue.peek_time()), (1, Some(t(9))));
        assert_eq!(queue.pop(), Some((t(9), Phase::HealthCheck, 'z')));
        assert_eq!((queue.len(), queue.peek_time()), (0, None));
    }

    #[test]
    fn cancelling_every_pending_event_leaves_an_empty_queue() {
        let mut queue = EventQueue::new();
        let tokens: Vec<TimerToken> = (0..10)
            .map(|i| queue.schedule_cancellable(t(i), Phase::ScalingAction, i))
            .collect();
        for token in tokens.into_iter().rev() {
            assert!(queue.cancel(token));
        }
        assert!(queue.is_empty());
        assert_eq!(queue.peek_time(), None);
        assert_eq!(queue.pop(), None);
        assert_eq!(queue.events_processed(), 0);
    }

    // TigerStyle: scheduling into the past is a programmer error, asserted.
    #[test]
    #[should_panic(expected = "scheduling at 0.999s is in the past (now is 1.000s)")]
    fn scheduling_before_now_panics() {
        let mut queue = EventQueue::new();
        queue.schedule(t(1000), Phase::ScenarioEvent, ());
        queue.pop();
        queue.schedule(t(999), Phase::ScenarioEvent, ());
    }

    #[test]
    #[should_panic(expected = "is in the past")]
    fn scheduling_a_cancellable_event_before_now_panics() {
        let mut queue = EventQueue::new();
        queue.schedule(t(1000), Phase::ScenarioEvent, ());
        queue.pop();
        let _ = queue.schedule_cancellable(t(0), Phase::ScenarioEvent, ());
    }

    #[test]
    fn scheduling_at_now_runs_in_the_same_instant() {
        let mut queue = EventQueue::new();
        queue.schedule(t(50), Phase::Transition, 1);
        assert_eq!(queue.pop(), Some((t(50), Phase::Transition, 1)));
        queue.schedule(queue.now(), Phase::Transition, 2);
        assert_eq!(queue.pop(), Some((t(50), Phase::Transition, 2)));
    }

    #[test]
    fn now_starts_at_zero_and_follows_each_popped_event() {
        let mut queue = EventQueue::new();
        assert_eq!(queue.now(), SimTime::ZERO);
        for ms in [30, 10, 20, 10] {
            queue.schedule(t(ms), Phase::Recorder, ms);
        }
        let mut nows = Vec::new();
        while let Some((time, _, _)) = queue.pop() {
            assert_eq!(queue.now(), time);
            nows.push(queue.now().as_ms());
        }
        assert_eq!(nows, vec![10, 10, 20, 30]);
        assert_eq!(
            queue.now(),
            t(30),
            "popping from an empty queue leaves now unchanged"
        );
    }

    #[test]
    fn payloads_need_not_be_copy() {
        let mut queue = EventQueue::with_capacity(2);
        queue.schedule(t(2), Phase::Recorder, String::from("second"));
        let token = queue.schedule_cancellable(t(1), Phase::Recorder, String::from("dropped"));
        queue.schedule(
            t(1) + SimDuration::from_ms(0),
            Phase::Recorder,
            String::from("first"),
        );
        assert!(queue.cancel(token));
        let texts: Vec<String> = drain(&mut queue).into_iter().map(|(_, _, s)| s).collect();
        assert_eq!(texts, vec!["first".to_string(), "second".to_string()]);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Schedule {
            delay_ms: u64,
            phase: usize,
            cancellable: bool,
        },
        Cancel {
            nth_token: usize,
        },
        Pop,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u64..4, 0usize..8, any::<bool>()).prop_map(|(delay_ms, phase, cancellable)| {
                Op::Schedule { delay_ms, phase, cancellable }
            }),
            1 => any::<usize>().prop_map(|nth_token| Op::Cancel { nth_token }),
            2 => Just(Op::Pop),
        ]
    }

    /// A model entry: (time, phase, seq) key, payload id, whether it is still pending.
    struct Model {
        key: (u64, Phase, u64),
        pending: bool,
    }

    /// Pops one event and checks it is the least pending key of the model (which it then marks popped).
    fn pop_and_check(
        queue: &mut EventQueue<usize>,
        model: &mut [Model],
    ) -> Result<Option<(u64, Phase, u64)>, TestCaseError> {
        let now_before = queue.now();
        let expected = model
            .iter()
            .enumerate()
            .filter(|(_, m)| m.pending)
            .min_by_key(|(_, m)| m.key)
            .map(|(id, _)| id);
        let got = queue.pop();
        prop_assert_eq!(got.map(|(_, _, id)| id), expected);
        let Some((time, phase, id)) = got else {
            prop_assert_eq!(queue.now(), now_before, "an empty pop leaves now unchanged");
            return Ok(None);
        };
        let key = model[id].key;
        prop_assert_eq!((time.as_ms(), phase), (key.0, key.1));
        prop_assert!(time >= now_before, "now is monotone");
        prop_assert_eq!(queue.now(), time);
        model[id].pending = false;
        Ok(Some(key))
    }

    proptest! {
        // DESIGN.md, engine rules: (time, phase, seq) order and lazy cancellation, checked against a
        // linear-scan model. Pops interleave with schedules, and an event may be scheduled at `now` in an
        // earlier phase than the last pop, so the property is "each pop is the least pending key".
        #[test]
        fn interleaved_operations_always_pop_the_least_pending_key_and_skip_cancelled_events(
            ops in proptest::collection::vec(op(), 0..300)
        ) {
            let mut queue = EventQueue::new();
            let mut model: Vec<Model> = Vec::new();
            let mut tokens: Vec<(TimerToken, usize)> = Vec::new();
            let mut popped = 0u64;
            for op in ops {
                match op {
                    Op::Schedule { delay_ms, phase, cancellable } => {
                        let at = queue.now() + SimDuration::from_ms(delay_ms);
                        let phase = Phase::ALL[phase];
                        let id = model.len();
                        model.push(Model { key: (at.as_ms(), phase, id as u64), pending: true });
                        if cancellable {
                            tokens.push((queue.schedule_cancellable(at, phase, id), id));
                        } else {
                            queue.schedule(at, phase, id);
                        }
                    }
                    Op::Cancel { nth_token } => {
                        if !tokens.is_empty() {
                            let (token, id) = tokens[nth_token % tokens.len()];
                            prop_assert_eq!(queue.cancel(token), model[id].pending);
                            model[id].pending = false;
                        }
                    }
                    Op::Pop => popped += u64::from(pop_and_check(&mut queue, &mut model)?.is_some()),
                }
                let pending = model.iter().filter(|m| m.pending);
                prop_assert_eq!(queue.len(), pending.clone().count());
                prop_assert_eq!(queue.peek_time().map(SimTime::as_ms), pending.map(|m| m.key.0).min());
                prop_assert_eq!(queue.events_processed(), popped);
            }
            while pop_and_check(&mut queue, &mut model)?.is_some() {}
            prop_assert!(model.iter().all(|m| !m.pending), "every uncancelled event was returned");
        }

        // DESIGN.md, engine rules: with every schedule made before the first pop, the pops are exactly the
        // uncancelled events in strictly increasing (time, phase, seq) order.
        #[test]
        fn scheduled_events_drain_in_increasing_key_order_minus_the_cancelled_ones(
            events in proptest::collection::vec((0u64..20, 0usize..8, any::<bool>(), any::<bool>()), 0..300)
        ) {
            let mut queue = EventQueue::new();
            let mut model: Vec<Model> = Vec::new();
            let mut to_cancel = Vec::new();
            for (id, &(time_ms, phase, cancellable, cancel)) in events.iter().enumerate() {
                let phase = Phase::ALL[phase];
                model.push(Model { key: (time_ms, phase, id as u64), pending: !(cancellable && cancel) });
                if cancellable {
                    let token = queue.schedule_cancellable(SimTime::from_ms(time_ms), phase, id);
                    if cancel {
                        to_cancel.push(token);
                    }
                } else {
                    queue.schedule(SimTime::from_ms(time_ms), phase, id);
                }
            }
            for token in to_cancel {
                prop_assert!(queue.cancel(token));
            }
            let mut expected: Vec<(u64, Phase, u64)> =
                model.iter().filter(|m| m.pending).map(|m| m.key).collect();
            expected.sort();
            let got: Vec<(u64, Phase, u64)> = std::iter::from_fn(|| queue.pop())
                .map(|(time, phase, id)| (time.as_ms(), phase, id as u64))
                .collect();
            prop_assert_eq!(queue.events_processed(), got.len() as u64);
            prop_assert_eq!(got, expected);
        }
    }
}
