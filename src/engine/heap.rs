//! A 4-ary min-heap of queue entries, private to the engine.
//!
//! Why not `std::collections::BinaryHeap`: in the hold model at 1e5–1e6 pending events the cost is cache
//! misses on the way down from the root. A 4-ary heap is half as deep, and the four children of a node sit
//! next to each other (96 bytes for 24-byte entries, one or two cache lines), so a pop touches about half
//! as many lines. Measured in `benches/engine.rs` against a bare `BinaryHeap`.
//!
//! Layout: the root is at index 0 and the children of `i` are `4i + 1 ..= 4i + 4`. The code is safe Rust:
//! sifting swaps entries, which for small entries costs about as much as the `Hole` moves std uses.
//!
//! Cost: `push` O(log₄ n) comparisons (O(1) on average for random keys); `pop` about 4·log₄ n comparisons.

/// An ordered key and its payload; the heap's root is the entry with the least `key`.
#[derive(Debug)]
pub(super) struct HeapEntry<E> {
    /// High word of the sort key (the two words compare as one `u128`, high word first); the key is
    /// packed by `queue` and unique per entry.
    pub(super) key_hi: u64,
    /// Low word of the sort key.
    pub(super) key_lo: u64,
    /// The event itself; never compared.
    pub(super) event: E,
}

impl<E> HeapEntry<E> {
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.key_hi) << 64) | u128::from(self.key_lo)
    }
}

/// Min-heap by `(key_hi, key_lo)`.
#[derive(Debug)]
pub(super) struct QuadHeap<E> {
    entries: Vec<HeapEntry<E>>,
}

const ARITY: usize = 4;
/// Up to this heap size in bytes, pops pick the least child without branches; above it, with branches.
/// Which child is least is unpredictable, so branches mispredict about half the time; that dominates while
/// the heap fits in cache (up to L3, where a miss is short). Beyond, every level misses to DRAM, and
/// branch prediction lets the CPU start loading the next level before the comparisons finish, which
/// selects cannot. 8 MiB is a quarter of the benchmark machine's L3 (32 MiB); measured in `hold`: at 1e5
/// pending (2.4 MB) selects win, at 1e6 (24 MB) branches win.
const BRANCHLESS_BYTES_MAX: usize = 8 << 20;

impl<E> QuadHeap<E> {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        QuadHeap {
            entries: Vec::with_capacity(capacity),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn peek(&self) -> Option<&HeapEntry<E>> {
        self.entries.first()
    }

    pub(super) fn push(&mut self, entry: HeapEntry<E>) {
        let key = entry.key();
        let mut i = self.entries.len();
        self.entries.push(entry);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if key >= self.entries[parent].key() {
                break;
            }
            self.entries.swap(i, parent);
            i = parent;
        }
    }

    pub(super) fn pop(&mut self) -> Option<HeapEntry<E>> {
        if self.entries.is_empty() {
            return None;
        }
        let root = self.entries.swap_remove(0);
        let len = self.entries.len();
        if len > 1 {
            self.sift_down_from_root(len);
        }
        Some(root)
    }

    /// Moves the entry at the root down until no child has a smaller key.
    fn sift_down_from_root(&mut self, len: usize) {
        let entries = &mut self.entries[..len];
        let key = entries[0].key();
        let fits_in_cache = len * size_of::<HeapEntry<E>>() <= BRANCHLESS_BYTES_MAX;
        let mut i = 0;
        loop {
            let first = ARITY * i + 1;
            if first >= len {
                return;
            }
            let (least, least_key) = if fits_in_cache && first + ARITY <= len {
                least_of_four(entries, first)
            } else {
                least_of_some(entries, first, (first + ARITY).min(len))
            };
            if least_key >= key {
                return;
            }
            entries.swap(i, least);
            i = least;
        }
    }
}

/// The least of the four children starting at `first`, as a tournament of selects (no data-dependent
/// branches: which child wins is unpredictable, so branching on it would mispredict half the time).
#[inline(always)]
fn least_of_four<E>(entries: &[HeapEntry<E>], first: usize) -> (usize, u128) {
    let children = &entries[first..first + ARITY];
    let keys = [
        children[0].key(),
        children[1].key(),
        children[2].key(),
        children[3].key(),
    ];
    let (a, key_a) = if keys[1] < keys[0] {
        (1, keys[1])
    } else {
        (0, keys[0])
    };
    let (b, key_b) = if keys[3] < keys[2] {
        (3, keys[3])
    } else {
        (2, keys[2])
    };
    if key_b < key_a {
        (first + b, key_b)
    } else {
        (first + a, key_a)
    }
}

/// The least of the children in `first..end` (at most four), with branches.
fn least_of_some<E>(entries: &[HeapEntry<E>], first: usize, end: usize) -> (usize, u128) {
    let mut least = (first, entries[first].key());
    for (offset, entry) in entries[first + 1..end].iter().enumerate() {
        let key = entry.key();
        if key < least.1 {
            least = (first + 1 + offset, key);
        }
    }
    least
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key_hi: u64, key_lo: u64) -> HeapEntry<()> {
        HeapEntry {
            key_hi,
            key_lo,
            event: (),
        }
    }

    #[test]
    fn pops_come_out_in_key_order_for_every_heap_shape_up_to_70_entries() {
        for n in 0..70u64 {
            let mut heap = QuadHeap::with_capacity(0);
            // A fixed scramble of 0..n (multiplying by an odd number permutes residues mod a power of 2).
            let keys: Vec<u64> = (0..128u64)
                .map(|k| (k * 37 + 11) % 128)
                .filter(|k| *k < n)
                .collect();
            for &k in &keys {
                heap.push(entry(k / 3, k));
            }
            assert_eq!(heap.len() as u64, n);
            let popped: Vec<u64> = std::iter::from_fn(|| heap.pop())
                .map(|e| e.key_lo)
                .collect();
            assert_eq!(popped, (0..n).collect::<Vec<u64>>(), "n = {n}");
        }
    }

    #[test]
    fn a_heap_larger_than_the_branchless_limit_pops_in_key_order_too() {
        // 4 KiB payloads: 2100 entries exceed BRANCHLESS_BYTES_MAX, so pops take the branchy path.
        let n = 2100u64;
        assert!(n as usize * size_of::<HeapEntry<[u64; 512]>>() > BRANCHLESS_BYTES_MAX);
        let mut heap = QuadHeap::with_capacity(n as usize);
        for k in (0..4096u64)
            .map(|k| (k * 1237 + 5) % 4096)
            .filter(|k| *k < n)
        {
            heap.push(HeapEntry {
                key_hi: k / 4,
                key_lo: k,
                event: [k; 512],
            });
        }
        let popped: Vec<u64> = std::iter::from_fn(|| heap.pop())
            .map(|e| e.event[511])
            .collect();
        assert_eq!(popped, (0..n).collect::<Vec<u64>>());
    }

    #[test]
    fn the_high_key_word_outranks_the_low_word() {
        let mut heap = QuadHeap::with_capacity(2);
        heap.push(entry(2, 0));
        heap.push(entry(1, u64::MAX));
        assert_eq!(heap.peek().map(|e| e.key_hi), Some(1));
        assert_eq!(
            heap.pop().map(|e| (e.key_hi, e.key_lo)),
            Some((1, u64::MAX))
        );
        assert_eq!(heap.pop().map(|e| (e.key_hi, e.key_lo)), Some((2, 0)));
        assert!(heap.pop().is_none());
    }
}
