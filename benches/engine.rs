//! Engine benchmarks: the classic hold model on `EventQueue`, at 1e3 … 1e6 pending events.
//!
//! One element is one event: a pop plus a schedule at now + increment, so the reported time is the cost
//! per simulated event. Groups:
//! - `hold/engine`: plain `schedule`, payload `u32`, phases cycling through all eight;
//! - `hold/engine_cancellable`: per group of four scheduled events, two plain and two cancellable, and one
//!   of the cancellable ones is cancelled (a timer reset: a quarter of all events are cancelled, half of
//!   the cancellable ones), so pops also skip stale entries;
//! - `hold/bare_binary_heap`: `std::collections::BinaryHeap<Reverse<(u64, u64)>>` keyed by
//!   (time, sequence), no payload, measured the same way: the floor a plain binary heap gives.
//!
//! Increments (exponential, mean 1000 ms, whole ms) are precomputed into a ring so the RNG is not timed.
//!
//! Run: `cargo bench --bench engine` (add `-- hold/engine/` to filter).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::engine::rng::{exponential_ms, fresh};
use ecsim::engine::{EventQueue, Phase, SimDuration, SimTime, TimerToken};

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
const RING_LEN: usize = 1 << 16;
const INCREMENT_MEAN_MS: f64 = 1000.0;

/// Precomputed increments, read round-robin.
struct Increments {
    ms: Vec<u64>,
    next: usize,
}

impl Increments {
    fn new() -> Self {
        let mut rng = fresh(1, "bench/hold/increments");
        let ms = (0..RING_LEN)
            .map(|_| exponential_ms(&mut rng, INCREMENT_MEAN_MS))
            .collect();
        Increments { ms, next: 0 }
    }

    #[inline(always)]
    fn next_ms(&mut self) -> u64 {
        let ms = self.ms[self.next & (RING_LEN - 1)];
        self.next = self.next.wrapping_add(1);
        ms
    }
}

fn filled_queue(pending: usize, increments: &mut Increments) -> EventQueue<u32> {
    let mut queue = EventQueue::with_capacity(pending + 1);
    for i in 0..pending {
        let at = SimTime::from_ms(increments.next_ms());
        queue.schedule(at, Phase::ALL[i & 7], i as u32);
    }
    queue
}

fn hold_engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold/engine");
    group.throughput(Throughput::Elements(1));
    for pending in SIZES {
        let mut increments = Increments::new();
        let mut queue = filled_queue(pending, &mut increments);
        group.bench_function(BenchmarkId::from_parameter(pending), |b| {
            b.iter(|| {
                let (time, phase, id) = queue.pop().expect("hold keeps events pending");
                let at = time + SimDuration::from_ms(increments.next_ms());
                queue.schedule(at, phase, black_box(id));
            })
        });
        assert_eq!(queue.len(), pending);
    }
    group.finish();
}

fn hold_engine_cancellable(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold/engine_cancellable");
    // One iteration schedules four events and pops three live ones (the fourth pop is the skip of the
    // cancelled entry, paid inside a later pop), so the live count stays at `pending`.
    group.throughput(Throughput::Elements(4));
    for pending in SIZES {
        let mut increments = Increments::new();
        let mut queue = filled_queue(pending, &mut increments);
        let mut cancelled = 0u64;
        let mut iterations = 0u64;
        group.bench_function(BenchmarkId::from_parameter(pending), |b| {
            b.iter(|| {
                iterations += 1;
                let next = |queue: &mut EventQueue<u32>, increments: &mut Increments| {
                    let (time, phase, id) = queue.pop().expect("hold keeps events pending");
                    (time + SimDuration::from_ms(increments.next_ms()), phase, id)
                };
                let (at, phase, id) = next(&mut queue, &mut increments);
                queue.schedule(at, phase, id);
                let (at, phase, id) = next(&mut queue, &mut increments);
                queue.schedule(at, phase, id);
                let (at, phase, id) = next(&mut queue, &mut increments);
                let superseded: TimerToken = queue.schedule_cancellable(at, phase, id);
                let reset_at = at + SimDuration::from_ms(increments.next_ms());
                let _kept: TimerToken = queue.schedule_cancellable(reset_at, phase, black_box(id));
                cancelled += u64::from(queue.cancel(superseded));
            })
        });
        assert_eq!(
            queue.len(),
            pending,
            "three live pops and three live schedules per iteration"
        );
        assert_eq!(
            cancelled, iterations,
            "every superseded timer was still pending"
        );
    }
    group.finish();
}

fn hold_bare_binary_heap(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold/bare_binary_heap");
    group.throughput(Throughput::Elements(1));
    for pending in SIZES {
        let mut increments = Increments::new();
        let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::with_capacity(pending + 1);
        let mut seq = 0u64;
        for _ in 0..pending {
            heap.push(Reverse((increments.next_ms(), seq)));
            seq += 1;
        }
        group.bench_function(BenchmarkId::from_parameter(pending), |b| {
            b.iter(|| {
                let Reverse((time_ms, _)) = heap.pop().expect("hold keeps events pending");
                heap.push(Reverse((time_ms + increments.next_ms(), black_box(seq))));
                seq += 1;
            })
        });
        assert_eq!(heap.len(), pending);
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = hold_engine, hold_engine_cancellable, hold_bare_binary_heap
}
criterion_main!(benches);
