//! The classic hold model on ecsim's event queue.
//!
//! Demonstrates:
//! - filling an [`EventQueue`] with PENDING events at exponentially distributed times;
//! - the steady-state loop every simulation runs: pop the next event, schedule one at now + increment;
//! - that `now` never decreases and every pop is counted by `events_processed`;
//! - the cost per event (one pop plus one schedule), printed as `ns_per_event=<x>` (wall clock) and, on
//!   Linux, `cpu_ns_per_event=<x>` (time on a CPU, which excludes waiting for a core on a busy machine);
//! - with `cancellable`, timer resets: the loop of `benches/engine.rs`'s `hold/engine_cancellable` group.
//!   Of every four events scheduled, two are plain and two cancellable, and one of the cancellable ones is
//!   cancelled right away (a timer superseded by a later one), so pops also skip stale entries. An event
//!   is then one schedule: EVENTS schedules, three quarters of them popped live.
//!
//! Usage: `cargo run --release --example hold -- [PENDING] [EVENTS] [plain|cancellable]` (defaults
//! 100000, 1000000, plain).
//!
//! Increments (mean 1000 ms, whole ms) are drawn up front into a ring from the `hold/increments` stream, so
//! the timing measures the queue, not ChaCha8 and `ln`. The wall clock is read here, in the example, never
//! inside the engine.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use ecsim::engine::rng::{exponential_ms, fresh};
use ecsim::engine::{EventQueue, Phase, SimDuration, SimTime};

const PENDING_DEFAULT: usize = 100_000;
const EVENTS_DEFAULT: u64 = 1_000_000;
const INCREMENT_MEAN_MS: f64 = 1000.0;
/// Number of precomputed increments; a power of two so the ring index is a mask.
const RING_LEN: usize = 1 << 16;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (pending, events, cancellable) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: hold [PENDING] [EVENTS] [plain|cancellable]   (defaults \
                 {PENDING_DEFAULT} {EVENTS_DEFAULT} plain)"
            );
            return ExitCode::from(2);
        }
    };

    let mut rng = fresh(1, "hold/increments");
    let increments_ms: Vec<u64> = (0..RING_LEN)
        .map(|_| exponential_ms(&mut rng, INCREMENT_MEAN_MS))
        .collect();
    let increment = |i: usize| SimDuration::from_ms(increments_ms[i & (RING_LEN - 1)]);

    let mut queue: EventQueue<u32> = EventQueue::with_capacity(pending + 1);
    for i in 0..pending {
        queue.schedule(SimTime::ZERO + increment(i), Phase::ALL[i & 7], i as u32);
    }

    let cpu_started_ns = thread_cpu_ns();
    let started = Instant::now();
    let mut previous = SimTime::ZERO;
    let mut monotone = true;
    let mut next = |queue: &mut EventQueue<u32>, i: usize| {
        let (time, phase, id) = queue
            .pop()
            .expect("the hold model keeps PENDING events queued");
        monotone &= time >= previous;
        previous = time;
        (time + increment(pending + i), phase, id)
    };
    let mut popped = 0u64;
    if cancellable {
        for i in (0..events as usize / 4).map(|k| 4 * k) {
            let (at, phase, id) = next(&mut queue, i);
            queue.schedule(at, phase, id);
            let (at, phase, id) = next(&mut queue, i + 1);
            queue.schedule(at, phase, id);
            let (at, phase, id) = next(&mut queue, i + 2);
            let superseded = queue.schedule_cancellable(at, phase, id);
            let _kept =
                queue.schedule_cancellable(at + increment(pending + i + 3), phase, black_box(id));
            assert!(
                queue.cancel(superseded),
                "a timer just scheduled is pending"
            );
            popped += 3;
        }
    } else {
        for i in 0..events as usize {
            let (at, phase, id) = next(&mut queue, i);
            queue.schedule(at, phase, black_box(id));
        }
        popped = events;
    }
    let elapsed = started.elapsed();
    let events = if cancellable { events / 4 * 4 } else { events };
    // schedstat advances once per scheduler tick (a few ms), so it is only reported for longer runs.
    let cpu_ns = thread_cpu_ns()
        .zip(cpu_started_ns)
        .map(|(end, start)| end - start)
        .filter(|_| elapsed.as_millis() >= 200);

    assert!(monotone, "simulated time went backwards");
    assert_eq!(queue.events_processed(), popped);
    assert_eq!(queue.len(), pending);
    assert_eq!(queue.now(), previous);
    let ns_per_event = elapsed.as_nanos() as f64 / events.max(1) as f64;
    let cpu = cpu_ns.map_or(String::new(), |ns| {
        format!(" cpu_ns_per_event={:.1}", ns as f64 / events.max(1) as f64)
    });
    println!(
        "hold mode={} pending={pending} events={events} sim_end_ms={} ns_per_event={ns_per_event:.1}{cpu}",
        if cancellable { "cancellable" } else { "plain" },
        queue.now().as_ms()
    );
    ExitCode::SUCCESS
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`), if available: on a
/// shared machine it excludes time spent waiting for a core, which wall time does not.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn parse_args(args: &[String]) -> Result<(usize, u64, bool), String> {
    let number = |index: usize, name: &str, default: u64| -> Result<u64, String> {
        match args.get(index) {
            None => Ok(default),
            Some(text) => text
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name} must be a whole number, got `{text}`")),
        }
    };
    if args.len() > 3 {
        return Err(format!("expected at most 3 arguments, got {}", args.len()));
    }
    let pending = number(0, "PENDING", PENDING_DEFAULT as u64)?;
    let events = number(1, "EVENTS", EVENTS_DEFAULT)?;
    let cancellable = match args.get(2).map(String::as_str) {
        None | Some("plain") => false,
        Some("cancellable") => true,
        Some(other) => {
            return Err(format!(
                "the mode must be `plain` or `cancellable`, got `{other}`"
            ));
        }
    };
    if pending == 0 {
        return Err("PENDING must be at least 1 (the hold model pops before it schedules)".into());
    }
    Ok((pending as usize, events, cancellable))
}
