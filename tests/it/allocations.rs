//! No allocation per event in steady state (STYLE.md §14): a counting allocator (installed for this
//! binary in `main.rs`, counting only on the thread that asks) measures a simulated hour of a churning
//! cluster after warm-up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ecsim::engine::SimTime;
use ecsim::sim::{RunOptions, Simulation};

use crate::support::load_toml;

/// The system allocator, counting the allocations of the threads that switched counting on.
pub struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the thread-locals may already be gone while a thread shuts down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches only
// const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations (including reallocations) made by this thread while `f` runs.
fn allocations_during(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    f();
    COUNTING.with(|on| on.set(false));
    ALLOCATIONS.with(|n| n.get())
}

/// 40 m5.xlarge across three zones, four services of 60 tasks placed spread(AZ)+binpack(memory),
/// spread(instanceId) or binpack(cpu), each task crashing at 1 per hour: about 240 crashes, replacements and
/// placements an hour on top of the metric periods and the task lifecycle. `{rebalancing}` is service c's
/// `availability_zone_rebalancing` (the binpack services never rebalance).
fn churning_cluster(rebalancing: &str) -> String {
    format!(
        r#"
name = "steady-churn"
[simulation]
duration = "3h"
warmup = "1h"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.xlarge"]
min_size = 40
max_size = 40
desired_capacity = 40
[[task_definitions]]
family = "app"
container_definitions = [{{ name = "app", image = "app:1", cpu = 256, memory = 512 }}]
[images."app:1"]
crash_rate_per_hour = 1.0
[[services]]
name = "a"
task_definition = "app"
desired_count = 60
placement_strategy = [{{ type = "spread", field = "attribute:ecs.availability-zone" }}, {{ type = "binpack", field = "memory" }}]
[[services]]
name = "b"
task_definition = "app"
desired_count = 60
placement_strategy = [{{ type = "spread", field = "attribute:ecs.availability-zone" }}, {{ type = "binpack", field = "memory" }}]
[[services]]
name = "c"
task_definition = "app"
desired_count = 60
placement_strategy = [{{ type = "spread", field = "instanceId" }}]
availability_zone_rebalancing = "{rebalancing}"
[[services]]
name = "d"
task_definition = "app"
desired_count = 60
placement_strategy = [{{ type = "binpack", field = "cpu" }}]
"#
    )
}

/// Runs `text` for its first hour (warm-up), then counts the allocations and events of the second hour;
/// also returns how many AZ rebalancings started in that hour.
fn second_hour(text: &str) -> (u64, u64, usize) {
    let loaded = load_toml(text);
    let opts = RunOptions {
        skip_debug_checks: true,
        ..RunOptions::default()
    };
    let mut sim = Simulation::new(&loaded.scenario, &opts);
    let (start, end) = (SimTime::from_secs(3600), SimTime::from_secs(7200));
    sim.run_until(start);
    let before = sim.events_processed();
    let allocations = allocations_during(|| sim.run_until(end));
    let events = sim.events_processed() - before;
    let rebalancings = sim
        .finish()
        .recorded
        .events
        .iter()
        .filter(|e| e.kind == "SERVICE_REBALANCING_STARTED" && e.time > start && e.time <= end)
        .count();
    (allocations, events, rebalancings)
}

/// What an hour may allocate whatever happens: the amortised doubling of the run's append-only logs (the
/// task table, a service's task list, the event log's rows and text), each at most once or twice an hour.
const LOG_GROWTH: u64 = 8;

// STYLE.md §14: scratch vectors are reused, the world holds ids and shared strings rather than new ones, the
// event log formats messages into one buffer and the metric store reserves the run's datapoints, so after
// warm-up an event allocates nothing: an hour of some 2,500 events (240 crashes, their replacements'
// placements and lifecycles, 60 metric periods) stays within the logs' growth (measured: 3).
#[test]
fn a_steady_churning_cluster_allocates_nothing_per_event_after_warm_up() {
    let (allocations, events, _) = second_hour(&churning_cluster("DISABLED"));
    assert!(
        events > 2000,
        "the hour should be busy, got {events} events"
    );
    assert!(
        allocations <= LOG_GROWTH,
        "{allocations} allocations for {events} events in the measured hour"
    );
}

// ECS-SEMANTICS §3.5: an AZ rebalancing plans its moves (the usable zones, the room in each, the tasks to
// stop, the starts per zone), which allocates a few dozen small vectors once per rebalancing — not per event
// (measured: about 39 each).
#[test]
fn an_az_rebalancing_allocates_only_to_plan_its_moves() {
    let (allocations, events, rebalancings) = second_hour(&churning_cluster("ENABLED"));
    assert!(
        rebalancings > 0,
        "crashes at 1/h should unbalance service c"
    );
    assert!(
        allocations <= LOG_GROWTH + 48 * rebalancings as u64,
        "{allocations} allocations for {events} events and {rebalancings} rebalancings"
    );
}

/// One hour of 8 warm tasks behind an ALB taking a noisy 400 rps (recomputed every minute), measured after
/// an hour of warm-up.
const WEB_BEHIND_ALB: &str = r#"
name = "web"
[simulation]
duration = "3h"
warmup = "1h"
[cluster]
name = "c"
[[auto_scaling_groups]]
name = "nodes"
instance_types = ["m5.xlarge"]
min_size = 4
max_size = 4
desired_capacity = 4
[[task_definitions]]
family = "web"
network_mode = "bridge"
container_definitions = [{ name = "web", image = "web:1", cpu = 512, memory = 512, port_mappings = [{ container_port = 80, host_port = 0 }] }]
[images."web:1"]
cpu_per_request = "5ms"
[[target_groups]]
name = "web-tg"
[[services]]
name = "web"
task_definition = "web"
desired_count = 8
load_balancers = [{ target_group = "web-tg", container_name = "web", container_port = 80 }]
[[workloads]]
name = "users"
target_group = "web-tg"
pattern = { type = "diurnal", min_rps = 200, max_rps = 600, peak_at = "01:30" }
noise = 0.1
"#;

// STYLE.md §14 with traffic: every minute each task's rate, CPU and latency move and the target group's series
// and the service's account follow, through reused buffers; what may allocate is the growth of the latency
// histogram (one entry per new 1 % response-time bin) and of the logs (measured: 3).
#[test]
fn a_service_behind_an_alb_allocates_nothing_per_minute_of_traffic() {
    let (allocations, events, _) = second_hour(WEB_BEHIND_ALB);
    assert!(
        events >= 120,
        "the hour should tick every minute: {events} events"
    );
    assert!(
        allocations <= LOG_GROWTH + 16,
        "{allocations} allocations for {events} events in the measured hour"
    );
}
