//! STAND-IN (replaced by the real engine).
mod time;
pub use time::{SimDuration, SimTime};
use rand_chacha::ChaCha8Rng;
use rand::SeedableRng;
use std::collections::{BTreeMap, BinaryHeap};
use std::cmp::Reverse;

/// Phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Phase {
    /// a
    ScenarioEvent = 1,
    /// a
    Transition = 2,
    /// a
    HealthCheck = 3,
    /// a
    MetricPublication = 4,
    /// a
    AlarmEvaluation = 5,
    /// a
    ScalingAction = 6,
    /// a
    Reconcile = 7,
    /// a
    Recorder = 8,
}
/// q
pub struct EventQueue<E> { heap: BinaryHeap<Reverse<(u64, u8, u64, usize)>>, items: Vec<Option<E>>, seq: u64, now: SimTime, n: u64 }
/// t
#[derive(Clone, Copy, Debug)]
pub struct TimerToken(usize);
impl<E> EventQueue<E> {
    /// n
    pub fn new() -> Self { EventQueue { heap: BinaryHeap::new(), items: Vec::new(), seq: 0, now: SimTime::ZERO, n: 0 } }
    /// n
    pub fn now(&self) -> SimTime { self.now }
    /// s
    pub fn schedule(&mut self, at: SimTime, phase: Phase, e: E) { let _ = self.schedule_cancellable(at, phase, e); }
    /// s
    pub fn schedule_cancellable(&mut self, at: SimTime, phase: Phase, e: E) -> TimerToken { assert!(at >= self.now); self.items.push(Some(e)); let i = self.items.len()-1; self.seq += 1; self.heap.push(Reverse((at.as_ms(), phase as u8, self.seq, i))); TimerToken(i) }
    /// c
    pub fn cancel(&mut self, t: TimerToken) { self.items[t.0] = None; }
    /// p
    pub fn pop(&mut self) -> Option<(SimTime, Phase, E)> { loop { let Reverse((t, p, _, i)) = self.heap.pop()?; if let Some(e) = self.items[i].take() { self.now = SimTime::from_ms(t); self.n += 1; let ph = match p {1=>Phase::ScenarioEvent,2=>Phase::Transition,3=>Phase::HealthCheck,4=>Phase::MetricPublication,5=>Phase::AlarmEvaluation,6=>Phase::ScalingAction,7=>Phase::Reconcile,_=>Phase::Recorder}; return Some((self.now, ph, e)); } } }
    /// p
    pub fn peek_time(&self) -> Option<SimTime> { self.heap.peek().map(|Reverse((t, ..))| SimTime::from_ms(*t)) }
    /// n
    pub fn events_processed(&self) -> u64 { self.n }
}
impl<E> Default for EventQueue<E> { fn default() -> Self { Self::new() } }
/// r
pub struct RngStreams { seed: u64, map: BTreeMap<Box<str>, ChaCha8Rng> }
impl RngStreams {
    /// n
    pub fn new(seed: u64) -> Self { RngStreams { seed, map: BTreeMap::new() } }
    /// s
    pub fn stream(&mut self, name: &str) -> &mut ChaCha8Rng { let seed = self.seed; self.map.entry(name.into()).or_insert_with(|| { let mut h: u64 = 0xcbf29ce484222325 ^ seed; for b in name.bytes() { h ^= b as u64; h = h.wrapping_mul(0x100000001b3); } ChaCha8Rng::seed_from_u64(h) }) }
}
/// u
pub fn uniform_ms(rng: &mut ChaCha8Rng, lo: u64, hi: u64) -> u64 { use rand::RngExt; rng.random_range(lo..=hi) }
/// e
pub fn exponential_ms(rng: &mut ChaCha8Rng, mean_ms: f64) -> u64 { use rand::RngExt; let u: f64 = rng.random(); (-(1.0 - u).ln() * mean_ms) as u64 }
