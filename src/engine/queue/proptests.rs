//! Property tests of the event queue against a linear-scan model that also models the slot table (LIFO
//! free list, generations), so that slot reuse and stale tokens are exercised on every case.

use super::*;
use crate::engine::time::SimDuration;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Schedule {
        delay_ms: u64,
        phase: usize,
        cancellable: bool,
    },
    /// Cancels the token of any cancellable event ever scheduled: pending, fired, cancelled, or one whose
    /// slot now holds another event.
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
        2 => any::<usize>().prop_map(|nth_token| Op::Cancel { nth_token }),
        2 => Just(Op::Pop),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Will be popped.
    Pending,
    /// Cancelled, its entry still in the heap (behind a pending one) and holding its slot.
    Cancelled,
    /// Popped, or cancelled and dropped from the heap; its slot (if any) was released.
    Gone,
}

/// A model entry: its (time, phase, seq) key, its state and, if cancellable, its slot.
struct Entry {
    key: (u64, Phase, u64),
    state: State,
    slot: Option<u32>,
}

/// The queue as a list of entries plus the slot table: generation per slot and the LIFO free list.
#[derive(Default)]
struct Model {
    entries: Vec<Entry>,
    generations: Vec<u32>,
    free: Vec<u32>,
}

impl Model {
    fn least_pending(&self) -> Option<usize> {
        (0..self.entries.len())
            .filter(|&id| self.entries[id].state == State::Pending)
            .min_by_key(|&id| self.entries[id].key)
    }

    fn release(&mut self, id: usize) {
        self.entries[id].state = State::Gone;
        if let Some(slot) = self.entries[id].slot {
            self.generations[slot as usize] += 1;
            self.free.push(slot);
        }
    }

    /// Lazy cancellation: cancelled entries leave the heap, in key order, once no pending key is below
    /// them (the top of the heap is never cancelled).
    fn drop_cancelled_top(&mut self) {
        let threshold = self.least_pending().map(|id| self.entries[id].key);
        let mut dropped: Vec<usize> = (0..self.entries.len())
            .filter(|&id| self.entries[id].state == State::Cancelled)
            .filter(|&id| threshold.is_none_or(|least| self.entries[id].key < least))
            .collect();
        dropped.sort_by_key(|&id| self.entries[id].key);
        for id in dropped {
            self.release(id);
        }
    }

    /// The token the queue must return for a new cancellable event, taking its slot.
    fn acquire(&mut self) -> TimerToken {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.generations.push(0);
            (self.generations.len() - 1) as u32
        });
        TimerToken {
            slot,
            generation: self.generations[slot as usize],
        }
    }

    fn count(&self, state: State) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }
}

/// Pops one event and checks it is the least pending key of the model (which it then releases).
fn pop_and_check(
    queue: &mut EventQueue<usize>,
    model: &mut Model,
) -> Result<Option<(u64, Phase, u64)>, TestCaseError> {
    let now_before = queue.now();
    let expected = model.least_pending();
    let got = queue.pop();
    prop_assert_eq!(got.map(|(_, _, id)| id), expected);
    let Some((time, phase, id)) = got else {
        prop_assert_eq!(queue.now(), now_before, "an empty pop leaves now unchanged");
        return Ok(None);
    };
    let key = model.entries[id].key;
    prop_assert_eq!((time.as_ms(), phase), (key.0, key.1));
    prop_assert!(time >= now_before, "now is monotone");
    prop_assert_eq!(queue.now(), time);
    model.release(id);
    model.drop_cancelled_top();
    Ok(Some(key))
}

proptest! {
    // DESIGN.md, engine rules: (time, phase, seq) order and lazy cancellation, checked against a
    // linear-scan model. Pops interleave with schedules, and an event may be scheduled at `now` in an
    // earlier phase than the last pop, so the property is "each pop is the least pending key". The model
    // also predicts every token (LIFO slot reuse, generation bumped at each release), and cancels tokens
    // of any age, so stale tokens whose slot holds a newer event are tried and must change nothing.
    #[test]
    fn interleaved_operations_always_pop_the_least_pending_key_and_skip_cancelled_events(
        ops in proptest::collection::vec(op(), 0..300)
    ) {
        let mut queue = EventQueue::new();
        let mut model = Model::default();
        let mut tokens: Vec<(TimerToken, usize)> = Vec::new();
        let mut popped = 0u64;
        for op in ops {
            match op {
                Op::Schedule { delay_ms, phase, cancellable } => {
                    let at = queue.now() + SimDuration::from_ms(delay_ms);
                    let phase = Phase::ALL[phase];
                    let id = model.entries.len();
                    let key = (at.as_ms(), phase, id as u64);
                    if cancellable {
                        let expected = model.acquire();
                        let token = queue.schedule_cancellable(at, phase, id);
                        prop_assert_eq!(token, expected);
                        model.entries.push(Entry { key, state: State::Pending, slot: Some(token.slot) });
                        tokens.push((token, id));
                    } else {
                        queue.schedule(at, phase, id);
                        model.entries.push(Entry { key, state: State::Pending, slot: None });
                    }
                }
                Op::Cancel { nth_token } => {
                    if !tokens.is_empty() {
                        let (token, id) = tokens[nth_token % tokens.len()];
                        let pending = model.entries[id].state == State::Pending;
                        prop_assert_eq!(queue.cancel(token), pending);
                        if pending {
                            model.entries[id].state = State::Cancelled;
                            model.drop_cancelled_top();
                        }
                    }
                }
                Op::Pop => popped += u64::from(pop_and_check(&mut queue, &mut model)?.is_some()),
            }
            let pending = model.entries.iter().filter(|e| e.state == State::Pending);
            prop_assert_eq!(queue.len(), pending.clone().count());
            prop_assert_eq!(queue.peek_time().map(SimTime::as_ms), pending.map(|e| e.key.0).min());
            prop_assert_eq!(queue.events_processed(), popped);
            prop_assert_eq!(
                queue.heap.len(),
                model.count(State::Pending) + model.count(State::Cancelled),
                "cancelled entries leave the heap exactly when they reach its top"
            );
            prop_assert_eq!(
                queue.slots.len(),
                model.generations.len(),
                "the slot table grows only when no slot is free"
            );
        }
        while pop_and_check(&mut queue, &mut model)?.is_some() {}
        prop_assert!(model.entries.iter().all(|e| e.state == State::Gone), "every uncancelled event was returned");
        prop_assert_eq!(model.free.len(), model.generations.len(), "an empty queue holds no slot");
    }

    // DESIGN.md, engine rules: with every schedule made before the first pop, the pops are exactly the
    // uncancelled events in strictly increasing (time, phase, seq) order.
    #[test]
    fn scheduled_events_drain_in_increasing_key_order_minus_the_cancelled_ones(
        events in proptest::collection::vec((0u64..20, 0usize..8, any::<bool>(), any::<bool>()), 0..300)
    ) {
        let mut queue = EventQueue::new();
        let mut expected = Vec::new();
        let mut to_cancel = Vec::new();
        for (id, &(time_ms, phase, cancellable, cancel)) in events.iter().enumerate() {
            let phase = Phase::ALL[phase];
            if !(cancellable && cancel) {
                expected.push((time_ms, phase, id as u64));
            }
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
        expected.sort();
        let got: Vec<(u64, Phase, u64)> = std::iter::from_fn(|| queue.pop())
            .map(|(time, phase, id)| (time.as_ms(), phase, id as u64))
            .collect();
        prop_assert_eq!(queue.events_processed(), got.len() as u64);
        prop_assert_eq!(got, expected);
    }
}
