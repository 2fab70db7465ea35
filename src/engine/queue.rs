//! The event queue: a min-heap keyed by (time, phase, sequence number), with lazy cancellation.
//!
//! Owns the order in which events happen and the simulated clock `now`. It ignores what an event means
//! (the payload `E` is opaque) so that the order of a run depends only on when and in which phase events
//! were scheduled, never on heap internals or on the payload.
//!
//! # Key layout
//!
//! Every entry carries a 128-bit key (two `u64` words, compared as one `u128`):
//!
//! ```text
//! bits 127..84  time in ms (44 bits: times from 2^44 ms, about 557 years, on are asserted)
//! bits  83..80  phase (its repr(u8) value, 1..=8)
//! bits  79..32  sequence number (48 bits: 2.8e14 schedules per queue; overflowing them is asserted)
//! bits  31..0   slot of a cancellable event in the slot table, or u32::MAX for a plain event
//! ```
//!
//! The sequence number is unique per queue and increases with every `schedule*` call, so two keys never
//! compare equal and the slot bits never decide an order. Packing the slot into the key keeps an entry as
//! small as before cancellation support (16 bytes of key plus the payload), for plain events and
//! cancellable ones alike.
//!
//! # Cost
//!
//! Backed by a 4-ary min-heap of 16-byte keys plus the payload (see `heap.rs` for why not std's
//! `BinaryHeap`; `benches/engine.rs` measures both) and, for cancellable events, a slot table with
//! generations (see `slots.rs`): no hashing. With n entries in the heap:
//! - `schedule`: O(log₄ n) comparisons worst case, O(1) on average for random times; amortised O(1)
//!   allocation (none once the heap has grown: use `with_capacity`).
//! - `pop`: O(log₄ n), about four comparisons per level; each cancelled entry it drops costs one more.
//! - `schedule_cancellable`: as `schedule` plus taking a slot (the most recently freed one, else a new one).
//! - `cancel`: O(1), one indexed load and store in the slot table; the heap is never searched.
//! - `peek_time`, `len`, `is_empty`, `now`, `events_processed`: O(1).
//!
//! Plain events pay only a compare of their slot bits for cancellation support: the slot table is consulted
//! only for entries that carry a slot. It is indexed, never iterated in any order that reaches a decision.

use super::heap::{HeapEntry as Entry, QuadHeap};
use super::slots::{NO_SLOT, Slots};
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
/// Small (8 bytes) and `Copy` so that it can sit in a controller's state or inside an event payload. It
/// names a slot of the queue's slot table and the slot's generation when the event was scheduled, so it
/// stays harmless after its event fired or was cancelled, even once the slot holds another event. A token
/// is only meaningful for the queue that issued it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerToken {
    slot: u32,
    generation: u32,
}

/// Times must be below this many ms to fit their 44 bits of the key (2^44 ms is about 557 years).
pub const TIME_LIMIT_MS: u64 = 1 << TIME_BITS;

const TIME_BITS: u32 = 44;
const PHASE_BITS: u32 = 4;
const SEQ_BITS: u32 = 48;
const SLOT_BITS: u32 = 32;
const SEQ_SHIFT: u32 = SLOT_BITS;
const PHASE_SHIFT: u32 = SEQ_SHIFT + SEQ_BITS;
const TIME_SHIFT: u32 = PHASE_SHIFT + PHASE_BITS;
const _: () = assert!(
    TIME_SHIFT + TIME_BITS == 128,
    "the key fields fill exactly 128 bits"
);
/// One past the largest sequence number that fits in the key.
const SEQ_LIMIT: u64 = 1 << SEQ_BITS;

/// Packs a key into the (high, low) words of a heap entry.
#[inline(always)]
fn pack(time_ms: u64, phase: Phase, seq: u64, slot: u32) -> (u64, u64) {
    debug_assert!(time_ms < TIME_LIMIT_MS && seq < SEQ_LIMIT);
    let key = (u128::from(time_ms) << TIME_SHIFT)
        | (u128::from(phase as u8) << PHASE_SHIFT)
        | (u128::from(seq) << SEQ_SHIFT)
        | u128::from(slot);
    ((key >> 64) as u64, key as u64)
}

/// The time packed in a key's high word.
#[inline(always)]
fn time_ms_of(key_hi: u64) -> u64 {
    key_hi >> (TIME_SHIFT - 64)
}

/// The phase packed in a key's high word.
#[inline(always)]
fn phase_of(key_hi: u64) -> Phase {
    Phase::from_bits(((key_hi >> (PHASE_SHIFT - 64)) & ((1 << PHASE_BITS) - 1)) as u8)
}

/// The slot packed in a key's low word ([`NO_SLOT`] for a plain event).
#[inline(always)]
fn slot_of(key_lo: u64) -> u32 {
    key_lo as u32
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
    /// Slots of the cancellable entries in the heap: pending or cancelled.
    slots: Slots,
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
            slots: Slots::new(),
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
    /// If `at` is before [`now`](Self::now): scheduling into the past is a bug in the caller. Also if `at`
    /// is at or after [`TIME_LIMIT_MS`] (about 557 years).
    pub fn schedule(&mut self, at: SimTime, phase: Phase, event: E) {
        self.check_time(at);
        self.push(at, phase, NO_SLOT, event);
    }

    /// Schedules `event` like [`schedule`](Self::schedule) and returns a token that can
    /// [`cancel`](Self::cancel) it until it is popped.
    ///
    /// # Panics
    /// If `at` is before [`now`](Self::now) or at or after [`TIME_LIMIT_MS`].
    #[must_use = "without its token the event cannot be cancelled; use `schedule` instead"]
    pub fn schedule_cancellable(&mut self, at: SimTime, phase: Phase, event: E) -> TimerToken {
        self.check_time(at);
        let (slot, generation) = self.slots.acquire();
        self.push(at, phase, slot, event);
        TimerToken { slot, generation }
    }

    /// Cancels the event behind `token` so that it is never popped. Returns whether it was pending; a token
    /// whose event already fired or was already cancelled is a no-op returning `false`, even if its slot
    /// now holds another event (the generation tells them apart).
    ///
    /// O(1): the entry stays in the heap and is dropped when it reaches the top.
    pub fn cancel(&mut self, token: TimerToken) -> bool {
        if !self.slots.cancel(token.slot, token.generation) {
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
        let slot = slot_of(entry.key_lo);
        if slot != NO_SLOT {
            // The top is never a cancelled entry (see `drop_cancelled_top`), so this one is live.
            debug_assert!(
                !self.slots.is_cancelled(slot),
                "a cancelled entry reached the top of the heap"
            );
            self.slots.release(slot);
        }
        self.drop_cancelled_top();
        let time_ms = time_ms_of(entry.key_hi);
        debug_assert!(time_ms >= self.now.as_ms(), "time ran backwards");
        self.now = SimTime::from_ms(time_ms);
        self.events_processed += 1;
        Some((self.now, phase_of(entry.key_hi), entry.event))
    }

    /// The time of the next event [`pop`](Self::pop) would return, or `None` if none is pending.
    ///
    /// Exact: cancelled entries are never at the top of the heap, so they are never reported.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|entry| SimTime::from_ms(time_ms_of(entry.key_hi)))
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

    /// Asserts that `at` is neither before `now` nor beyond the key's time bits.
    #[inline(always)]
    fn check_time(&self, at: SimTime) {
        assert!(
            at >= self.now,
            "EventQueue: scheduling at {at} is in the past (now is {}); events can only be scheduled at or \
             after now",
            self.now
        );
        assert!(
            at.as_ms() < TIME_LIMIT_MS,
            "EventQueue: scheduling at {at} is beyond the queue's time limit of 2^44 ms (about 557 years); \
             the key packs time in 44 bits"
        );
    }

    /// Takes a fresh sequence number and pushes the entry with `slot` in its key; `at` was checked.
    #[inline(always)]
    fn push(&mut self, at: SimTime, phase: Phase, slot: u32, event: E) {
        let seq = self.seq_next;
        assert!(seq < SEQ_LIMIT, "EventQueue: sequence numbers exhausted");
        self.seq_next = seq + 1;
        let (key_hi, key_lo) = pack(at.as_ms(), phase, seq, slot);
        self.heap.push(Entry {
            key_hi,
            key_lo,
            event,
        });
    }

    /// Pops cancelled entries off the top and frees their slots, keeping the invariant that the top is
    /// never cancelled (which makes `peek_time` exact and `len` consistent with the heap).
    fn drop_cancelled_top(&mut self) {
        while let Some(top) = self.heap.peek() {
            let slot = slot_of(top.key_lo);
            if slot == NO_SLOT || !self.slots.is_cancelled(slot) {
                return;
            }
            self.heap.pop();
            self.slots.release(slot);
            self.cancelled_in_heap -= 1;
        }
    }
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimDuration;

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

    // DESIGN.md, engine rules: a stale timer is skipped; its token must never reach a later event.
    #[test]
    fn a_stale_token_cannot_cancel_the_event_that_reused_the_slot_of_a_fired_event() {
        let mut queue = EventQueue::new();
        let fired = queue.schedule_cancellable(t(1), Phase::Transition, "fired");
        assert_eq!(queue.pop(), Some((t(1), Phase::Transition, "fired")));
        let reused = queue.schedule_cancellable(t(2), Phase::Transition, "reused");
        assert_eq!(
            (reused.slot, reused.generation),
            (fired.slot, fired.generation + 1),
            "the freed slot is reused under the next generation"
        );
        assert!(!queue.cancel(fired));
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.pop(), Some((t(2), Phase::Transition, "reused")));
    }

    #[test]
    fn a_stale_token_cannot_cancel_the_event_that_reused_the_slot_of_a_cancelled_event() {
        let mut queue = EventQueue::new();
        let cancelled = queue.schedule_cancellable(t(1), Phase::HealthCheck, 'c');
        assert!(queue.cancel(cancelled), "at the top, so dropped at once");
        let reused = queue.schedule_cancellable(t(1), Phase::HealthCheck, 'r');
        assert_eq!(reused.slot, cancelled.slot);
        assert!(!queue.cancel(cancelled));
        assert_eq!((queue.len(), queue.peek_time()), (1, Some(t(1))));
        assert!(queue.cancel(reused));
        assert!(!queue.cancel(reused));
        assert_eq!(queue.pop(), None);
    }

    #[test]
    fn a_cancelled_entry_keeps_its_slot_until_it_leaves_the_heap() {
        let mut queue = EventQueue::new();
        queue.schedule(t(1), Phase::Recorder, 'p');
        let cancelled = queue.schedule_cancellable(t(2), Phase::Recorder, 'c');
        assert!(queue.cancel(cancelled), "behind 'p', so still in the heap");
        let other = queue.schedule_cancellable(t(3), Phase::Recorder, 'o');
        assert_ne!(
            other.slot, cancelled.slot,
            "the cancelled entry's slot is not free yet"
        );
        assert_eq!(queue.pop(), Some((t(1), Phase::Recorder, 'p')));
        let reused = queue.schedule_cancellable(t(4), Phase::Recorder, 'r');
        assert_eq!(
            reused.slot, cancelled.slot,
            "dropped with the pop of 'p', then reused"
        );
        assert!(!queue.cancel(cancelled));
        assert!(queue.cancel(other));
        assert_eq!(queue.pop(), Some((t(4), Phase::Recorder, 'r')));
        assert_eq!(queue.pop(), None);
    }

    #[test]
    fn a_token_from_another_queue_with_an_unknown_slot_cancels_nothing() {
        let mut other = EventQueue::new();
        let _first = other.schedule_cancellable(t(1), Phase::Reconcile, ());
        let foreign = other.schedule_cancellable(t(1), Phase::Reconcile, ());
        let mut queue = EventQueue::new();
        let _mine = queue.schedule_cancellable(t(1), Phase::Reconcile, ());
        assert!(
            !queue.cancel(foreign),
            "slot 1 does not exist in this queue"
        );
        assert_eq!(queue.len(), 1);
    }

    #[test]
    fn keys_keep_time_phase_sequence_and_slot_apart_at_their_extremes() {
        let last_ms = TIME_LIMIT_MS - 1;
        for (time_ms, phase, seq, slot) in [
            (last_ms, Phase::Recorder, SEQ_LIMIT - 1, NO_SLOT),
            (last_ms, Phase::ScenarioEvent, 0, 0),
            (0, Phase::Recorder, SEQ_LIMIT - 1, NO_SLOT - 1),
            (0, Phase::ScenarioEvent, 0, NO_SLOT),
        ] {
            let (hi, lo) = pack(time_ms, phase, seq, slot);
            assert_eq!(
                (time_ms_of(hi), phase_of(hi), slot_of(lo)),
                (time_ms, phase, slot)
            );
            let seq_bits = ((u128::from(hi) << 64 | u128::from(lo)) >> SEQ_SHIFT) as u64;
            assert_eq!(seq_bits & (SEQ_LIMIT - 1), seq);
        }
        assert!(
            pack(1, Phase::ScenarioEvent, 0, 0) > pack(0, Phase::Recorder, SEQ_LIMIT - 1, NO_SLOT),
            "time outranks phase, sequence and slot"
        );
        assert!(
            pack(0, Phase::Transition, 0, 0)
                > pack(0, Phase::ScenarioEvent, SEQ_LIMIT - 1, NO_SLOT)
        );
        assert!(pack(0, Phase::Transition, 1, 0) > pack(0, Phase::Transition, 0, NO_SLOT));
    }

    #[test]
    fn the_last_time_below_the_limit_is_scheduled_and_popped_exactly() {
        let mut queue = EventQueue::new();
        let last = t(TIME_LIMIT_MS - 1);
        let token = queue.schedule_cancellable(last, Phase::Recorder, 2);
        queue.schedule(last, Phase::ScenarioEvent, 1);
        assert_eq!(queue.peek_time(), Some(last));
        assert_eq!(queue.pop(), Some((last, Phase::ScenarioEvent, 1)));
        assert!(queue.cancel(token));
        assert_eq!(queue.pop(), None);
    }

    // The key packs time in 44 bits; a time that does not fit is a bug in the caller, asserted.
    #[test]
    #[should_panic(expected = "beyond the queue's time limit of 2^44 ms")]
    fn scheduling_at_the_time_limit_panics() {
        let mut queue = EventQueue::new();
        queue.schedule(t(TIME_LIMIT_MS), Phase::Recorder, ());
    }

    #[test]
    #[should_panic(expected = "beyond the queue's time limit of 2^44 ms")]
    fn scheduling_a_cancellable_event_at_the_maximum_time_panics() {
        let mut queue = EventQueue::new();
        let _ = queue.schedule_cancellable(SimTime::MAX, Phase::Recorder, ());
    }
}
