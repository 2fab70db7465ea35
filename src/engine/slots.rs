//! The slot table behind cancellable events, private to the engine: one slot per cancellable entry still
//! in the heap, each with a generation, and a LIFO free list threaded through the free slots.
//!
//! Owns which cancellable entries are pending and which are cancelled, and which tokens are stale. It
//! ignores keys, times and payloads (the queue packs a slot index into the heap key and asks the table),
//! so that cancelling costs one indexed load and store instead of a hash-set probe: at 1e5 pending events
//! every hash-set operation missed cache, while the slot table stays as small as the largest number of
//! cancellable entries ever in the heap at once, and its LIFO free list reuses the slot released last,
//! whose cache line is the most likely to still be hot.
//!
//! # Lifecycle of a slot
//!
//! ```text
//! Free ──acquire──▶ Pending ──cancel──▶ Cancelled
//!  ▲                  │                    │
//!  └───── release ────┴────── release ─────┘      (release bumps the generation)
//! ```
//!
//! A slot is released when its heap entry leaves the heap (popped live, or dropped as cancelled), never
//! before: the heap entry names only the slot, so the slot must say whether that entry is stale for as
//! long as the entry exists. A token is (slot, generation at acquire); the release bumps the generation,
//! so every token issued before it is stale whatever the slot holds next. A slot whose generation would
//! overflow is retired instead of freed (never reused), so a stale token can never match again, even after
//! 2^32 reuses; retiring costs 12 bytes per 2^32 cancellable events of one slot.

/// The slot index that no slot ever has: the queue packs it into the keys of plain events.
pub(super) const NO_SLOT: u32 = u32::MAX;

/// The state of one slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Holds a cancellable entry that is in the heap and will be popped.
    Pending,
    /// Holds a cancellable entry that is in the heap but was cancelled: it will be dropped, not popped.
    Cancelled,
    /// Holds nothing; `next` is the next free slot, or [`NO_SLOT`] at the end of the free list.
    Free {
        /// The free slot below this one on the LIFO free list.
        next: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Bumped at each release; a token matches only the generation it was issued with.
    generation: u32,
    state: State,
}

/// Slots of cancellable heap entries, with generations and a LIFO free list.
#[derive(Debug)]
pub(super) struct Slots {
    slots: Vec<Slot>,
    /// The most recently freed slot, or [`NO_SLOT`] when none is free.
    free_head: u32,
}

impl Slots {
    pub(super) fn new() -> Self {
        Slots {
            slots: Vec::new(),
            free_head: NO_SLOT,
        }
    }

    /// The number of slots, free or not: the most cancellable entries ever in the heap at once, plus
    /// retired slots.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Takes a free slot (the most recently released one, else a new one), marks it pending and returns
    /// (slot, generation).
    ///
    /// # Panics
    /// If 2^32 − 1 slots are in use at once (that many cancellable events pending).
    #[inline]
    pub(super) fn acquire(&mut self) -> (u32, u32) {
        let slot = self.free_head;
        if slot != NO_SLOT {
            let entry = &mut self.slots[slot as usize];
            let State::Free { next } = entry.state else {
                unreachable!("slot {slot} is on the free list but not free");
            };
            self.free_head = next;
            entry.state = State::Pending;
            return (slot, entry.generation);
        }
        let slot = u32::try_from(self.slots.len())
            .ok()
            .filter(|&slot| slot != NO_SLOT)
            .expect("EventQueue: more than 2^32 - 2 cancellable events pending at once");
        self.slots.push(Slot {
            generation: 0,
            state: State::Pending,
        });
        (slot, 0)
    }

    /// Marks the slot cancelled if it is pending with this generation; returns whether it was. A stale
    /// generation, a cancelled or free slot, or a slot this table never had changes nothing.
    #[inline]
    pub(super) fn cancel(&mut self, slot: u32, generation: u32) -> bool {
        match self.slots.get_mut(slot as usize) {
            Some(entry) if entry.generation == generation && entry.state == State::Pending => {
                entry.state = State::Cancelled;
                true
            }
            _ => false,
        }
    }

    /// Whether the slot holds a cancelled entry; `slot` comes from a key the queue packed.
    #[inline]
    pub(super) fn is_cancelled(&self, slot: u32) -> bool {
        self.slots[slot as usize].state == State::Cancelled
    }

    /// Frees the slot of an entry that left the heap and bumps its generation, which makes every token
    /// issued for it stale; a slot at the last generation is retired instead (never reused).
    #[inline]
    pub(super) fn release(&mut self, slot: u32) {
        let entry = &mut self.slots[slot as usize];
        debug_assert!(
            !matches!(entry.state, State::Free { .. }),
            "slot {slot} released twice"
        );
        let Some(generation) = entry.generation.checked_add(1) else {
            entry.state = State::Free { next: NO_SLOT };
            return;
        };
        entry.generation = generation;
        entry.state = State::Free {
            next: self.free_head,
        };
        self.free_head = slot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(slots: &Slots) -> Vec<(u32, State)> {
        slots
            .slots
            .iter()
            .map(|slot| (slot.generation, slot.state))
            .collect()
    }

    #[test]
    fn acquire_reuses_the_most_recently_released_slot_first() {
        let mut slots = Slots::new();
        let acquired: Vec<(u32, u32)> = (0..3).map(|_| slots.acquire()).collect();
        assert_eq!(acquired, vec![(0, 0), (1, 0), (2, 0)]);
        slots.release(0);
        slots.release(2);
        assert_eq!(slots.acquire(), (2, 1), "LIFO: slot 2 was released last");
        assert_eq!(slots.acquire(), (0, 1));
        assert_eq!(
            slots.acquire(),
            (3, 0),
            "no free slot left: the table grows"
        );
        assert_eq!(slots.slots.len(), 4);
    }

    #[test]
    fn only_the_current_generation_of_a_pending_slot_can_be_cancelled() {
        let mut slots = Slots::new();
        let (slot, old) = slots.acquire();
        slots.release(slot);
        let (reused, new) = slots.acquire();
        assert_eq!((reused, old, new), (slot, 0, 1));
        assert!(
            !slots.cancel(slot, old),
            "a stale generation cancels nothing"
        );
        assert!(!slots.is_cancelled(slot));
        assert!(slots.cancel(slot, new));
        assert!(slots.is_cancelled(slot));
        assert!(!slots.cancel(slot, new), "already cancelled");
        assert!(!slots.cancel(7, 0), "a slot this table never had");
        assert_eq!(states(&slots), vec![(1, State::Cancelled)]);
    }

    #[test]
    fn releasing_a_cancelled_slot_frees_it_under_a_new_generation() {
        let mut slots = Slots::new();
        let (slot, generation) = slots.acquire();
        assert!(slots.cancel(slot, generation));
        slots.release(slot);
        assert_eq!(states(&slots), vec![(1, State::Free { next: NO_SLOT })]);
        assert_eq!(slots.acquire(), (0, 1));
        assert!(!slots.cancel(slot, generation));
    }

    #[test]
    fn a_slot_at_the_last_generation_is_retired_so_no_stale_token_ever_matches_again() {
        let mut slots = Slots::new();
        let (slot, _) = slots.acquire();
        slots.slots[slot as usize].generation = u32::MAX;
        slots.release(slot);
        assert_eq!(
            states(&slots),
            vec![(u32::MAX, State::Free { next: NO_SLOT })]
        );
        assert_eq!(
            slots.free_head, NO_SLOT,
            "the retired slot is not on the free list"
        );
        assert_eq!(slots.acquire(), (1, 0), "a new slot is used instead");
        assert!(!slots.cancel(slot, u32::MAX));
    }
}
