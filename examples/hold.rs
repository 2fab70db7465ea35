//! The classic hold model on ecsim's event queue.
//!
//! Demonstrates:
//! - filling an [`EventQueue`] with PENDING events at exponentially distributed times;
//! - the steady-state loop every simulation runs: pop the next event, schedule one at now + increment;
//! - that `now` never decreases and every pop is counted by `events_processed`;
//! - the cost per event (one pop plus one schedule), printed as `ns_per_event=<x>` (wall clock) and, on
//!   Linux, `cpu_ns_per_event=<x>` (time on a CPU, which excludes waiting for a core on a busy machine).
//!
//! Usage: `cargo run --release --example hold -- [PENDING] [EVENTS]` (defaults 100000 and 1000000).
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
    let (pending, events) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: hold [PENDING] [EVENTS]   (defaults {PENDING_DEFAULT} {EVENTS_DEFAULT})"
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
    for i in 0..events as usize {
        let (time, phase, id) = queue
            .pop()
            .expect("the hold model keeps PENDING events queued");
        monotone &= time >= previous;
        previous = time;
        queue.schedule(time + increment(pending + i), phase, black_box(id));
    }
    let elapsed = started.elapsed();
    // schedstat advances once per scheduler tick (a few ms), so it is only reported for longer runs.
    let cpu_ns = thread_cpu_ns()
        .zip(cpu_started_ns)
        .map(|(end, start)| end - start)
        .filter(|_| elapsed.as_millis() >= 200);

    assert!(monotone, "simulated time went backwards");
    assert_eq!(queue.events_processed(), events);
    assert_eq!(queue.len(), pending);
    assert_eq!(queue.now(), previous);
    let ns_per_event = elapsed.as_nanos() as f64 / events.max(1) as f64;
    let cpu = cpu_ns.map_or(String::new(), |ns| {
        format!(" cpu_ns_per_event={:.1}", ns as f64 / events.max(1) as f64)
    });
    println!(
        "hold pending={pending} events={events} sim_end_ms={} ns_per_event={ns_per_event:.1}{cpu}",
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

fn parse_args(args: &[String]) -> Result<(usize, u64), String> {
    let number = |index: usize, name: &str, default: u64| -> Result<u64, String> {
        match args.get(index) {
            None => Ok(default),
            Some(text) => text
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name} must be a whole number, got `{text}`")),
        }
    };
    if args.len() > 2 {
        return Err(format!("expected at most 2 arguments, got {}", args.len()));
    }
    let pending = number(0, "PENDING", PENDING_DEFAULT as u64)?;
    let events = number(1, "EVENTS", EVENTS_DEFAULT)?;
    if pending == 0 {
        return Err("PENDING must be at least 1 (the hold model pops before it schedules)".into());
    }
    Ok((pending as usize, events))
}
