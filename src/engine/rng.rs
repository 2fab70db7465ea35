//! Named random streams and the few distributions the engine's users need.
//!
//! Owns how a run's seed becomes one independent ChaCha8 generator per random process (spot interruptions,
//! placement tie-breaks, health-check jitter, ...). Ignores what the numbers are used for. Each process
//! draws from its own stream, derived from (seed, stream name) alone, so adding a random process or drawing
//! more numbers in one process never shifts the numbers any other process sees (DESIGN.md, engine rules).
//!
//! # Stream derivation (stable: changing it changes every result file)
//!
//! 1. `h = FNV-1a-64(name as UTF-8 bytes)` (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`).
//! 2. `x = seed ^ mix64(h)`, where `mix64` is the splitmix64 finalizer.
//! 3. The 32-byte ChaCha8 key is four successive splitmix64 outputs starting from state `x`, each written
//!    little-endian: `ChaCha8Rng::from_seed(key)`.
//!
//! No per-process hasher keys (std's default hasher has them) or other ambient randomness are involved, so a (seed, name) pair yields the same
//! numbers on every machine and every run. A golden-value test pins the derivation.
//!
//! The distribution helpers are implemented here rather than taken from `rand`'s `random_range` so that
//! their exact outputs are part of this crate's contract, independent of `rand`'s value-stability policy.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One persistent ChaCha8 stream per name, all derived from one run seed.
#[derive(Clone, Debug)]
pub struct RngStreams {
    seed: u64,
    /// Stream ids by name (interning: a name is hashed and looked up once, then drawn from by id).
    ids: BTreeMap<Box<str>, StreamId>,
    streams: Vec<ChaCha8Rng>,
    /// Where [`RngStreams::stream_fmt`] writes a name to look it up.
    name: String,
}

/// A stream interned with [`RngStreams::id`]: drawing by id costs no name formatting or lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId(u32);

impl RngStreams {
    /// No streams yet; each is derived from `seed` and its name on first use.
    pub fn new(seed: u64) -> Self {
        RngStreams {
            seed,
            ids: BTreeMap::new(),
            streams: Vec::new(),
            name: String::new(),
        }
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The id of stream `name`, deriving the stream if it is new. A stream's numbers depend on the seed and
    /// its name only, never on when or in which order streams were interned.
    pub fn id(&mut self, name: &str) -> StreamId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = StreamId(u32::try_from(self.streams.len()).expect("fewer than 2^32 streams"));
        self.streams.push(fresh(self.seed, name));
        self.ids.insert(Box::from(name), id);
        id
    }

    /// The stream whose name `name` formats to, e.g. `format_args!("placement/{group}")`: the name is
    /// written into a buffer kept for the purpose and looked up, so drawing allocates nothing once the stream
    /// exists.
    pub fn stream_fmt(&mut self, name: std::fmt::Arguments<'_>) -> &mut ChaCha8Rng {
        use std::fmt::Write as _;
        let mut buf = std::mem::take(&mut self.name);
        buf.clear();
        buf.write_fmt(name)
            .expect("writing to a String cannot fail");
        let id = self.id(&buf);
        self.name = buf;
        self.get(id)
    }

    /// The stream `id` names.
    pub fn get(&mut self, id: StreamId) -> &mut ChaCha8Rng {
        &mut self.streams[id.0 as usize]
    }

    /// The stream called `name`, created on first use from (seed, name) and then kept, so successive calls
    /// continue one sequence. Allocates only when the stream is created; the hot path interns the name
    /// once ([`RngStreams::id`]) and draws by id.
    pub fn stream(&mut self, name: &str) -> &mut ChaCha8Rng {
        let id = self.id(name);
        self.get(id)
    }
}

/// A new generator for (seed, name), positioned at the start of its stream; for one-off use where no
/// [`RngStreams`] is at hand. Equal to the first state of `RngStreams::new(seed).stream(name)`.
pub fn fresh(seed: u64, name: &str) -> ChaCha8Rng {
    let mut state = seed ^ mix64(fnv1a64(name.as_bytes()));
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    ChaCha8Rng::from_seed(key)
}

/// A uniform integer in `lo_ms..=hi_ms`, both ends included, without modulo bias.
///
/// Uses Lemire's multiply-and-reject method on `next_u64`: usually one draw, a rejection only with
/// probability below `(hi_ms - lo_ms + 1) / 2^64`.
///
/// # Panics
/// If `lo_ms > hi_ms` (a caller bug: ranges are validated with the scenario).
pub fn uniform_ms(rng: &mut ChaCha8Rng, lo_ms: u64, hi_ms: u64) -> u64 {
    assert!(lo_ms <= hi_ms, "uniform_ms: empty range {lo_ms}..={hi_ms}");
    let span = hi_ms - lo_ms;
    if span == u64::MAX {
        return rng.next_u64();
    }
    let n = span + 1;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(n);
        let low = product as u64;
        // `2^64 mod n`: products whose low word falls below it would over-represent some results.
        if low >= n || low >= n.wrapping_neg() % n {
            return lo_ms + (product >> 64) as u64;
        }
    }
}

/// An exponentially distributed delay with mean `mean_ms`, in whole milliseconds.
///
/// Inverse transform: `x = -mean_ms * ln(1 - u)` with `u = unit_f64(rng)` (so `1 - u` is in (0, 1] and the
/// logarithm, from `libm` for cross-platform bit-exactness, is finite), then rounded to the nearest
/// millisecond, halves away from zero (`libm::round`). Draws below 0.5 ms therefore give 0; the largest
/// possible value is about `36.7 * mean_ms`. One `next_u64` per call.
///
/// # Panics
/// If `mean_ms` is negative, NaN or infinite (a caller bug: means are validated with the scenario).
pub fn exponential_ms(rng: &mut ChaCha8Rng, mean_ms: f64) -> u64 {
    assert!(
        mean_ms.is_finite() && mean_ms >= 0.0,
        "exponential_ms: mean must be finite and non-negative, got {mean_ms}"
    );
    let u = unit_f64(rng);
    let x = -mean_ms * libm::log(1.0 - u);
    // `as` saturates; x is finite and non-negative here.
    libm::round(x) as u64
}

/// A uniform `f64` in [0, 1): the top 53 bits of one `next_u64`, times 2^-53. Every value is a multiple
/// of 2^-53.
pub fn unit_f64(rng: &mut ChaCha8Rng) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

/// FNV-1a, 64-bit.
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// The splitmix64 finalizer (Steele, Lea, Flood 2014).
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One splitmix64 step: advance `state` by the golden gamma and return the mixed value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix64(*state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_five(rng: &mut ChaCha8Rng) -> [u64; 5] {
        std::array::from_fn(|_| rng.next_u64())
    }

    #[test]
    fn the_same_seed_and_name_yield_the_same_numbers_in_two_stream_sets() {
        let mut a = RngStreams::new(42);
        let mut b = RngStreams::new(42);
        assert_eq!(
            first_five(a.stream("spot/us-east-1a")),
            first_five(b.stream("spot/us-east-1a"))
        );
    }

    #[test]
    fn a_formatted_name_draws_from_the_same_stream_as_the_plain_name() {
        let mut a = RngStreams::new(42);
        let mut b = RngStreams::new(42);
        let group = "service:web";
        assert_eq!(
            first_five(a.stream_fmt(format_args!("placement/{group}"))),
            first_five(b.stream("placement/service:web"))
        );
        assert_eq!(
            first_five(a.stream("placement/service:web")),
            first_five(b.stream_fmt(format_args!("placement/{group}")))
        );
    }

    #[test]
    fn different_names_or_seeds_yield_different_numbers() {
        let mut streams = RngStreams::new(42);
        let x = first_five(streams.stream("placement/x"));
        let y = first_five(streams.stream("placement/y"));
        let other_seed = first_five(RngStreams::new(43).stream("placement/x"));
        assert_ne!(x, y);
        assert_ne!(x, other_seed);
    }

    // DESIGN.md, engine rules: adding a new random process does not shift the numbers any other sees.
    #[test]
    fn creating_and_drawing_from_another_stream_does_not_change_this_one() {
        let mut alone = RngStreams::new(7);
        let expected = first_five(alone.stream("health/jitter"));

        let mut crowded = RngStreams::new(7);
        first_five(crowded.stream("a-new-process"));
        let mut got = [0u64; 5];
        for slot in &mut got {
            *slot = crowded.stream("health/jitter").next_u64();
            crowded.stream("zzz-another-new-process").next_u64();
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn a_stream_continues_where_it_left_off_and_fresh_restarts_it() {
        let mut streams = RngStreams::new(3);
        let first = streams.stream("s").next_u64();
        let second = streams.stream("s").next_u64();
        let mut restarted = fresh(3, "s");
        assert_eq!(
            [restarted.next_u64(), restarted.next_u64()],
            [first, second]
        );
        assert_ne!(first, second);
    }

    // Golden values: a change here changes every seeded result ecsim has ever produced.
    #[test]
    fn seed_1_stream_placement_x_yields_its_pinned_golden_values() {
        let mut streams = RngStreams::new(1);
        let rng = streams.stream("placement/x");
        assert_eq!(rng.next_u64(), GOLDEN_FIRST_U64);
        assert_eq!(fnv1a64(b"placement/x"), GOLDEN_FNV);
        let mut rng = fresh(1, "placement/x");
        assert_eq!(
            [
                uniform_ms(&mut rng, 0, 0),
                uniform_ms(&mut rng, 100, 200),
                exponential_ms(&mut rng, 1000.0),
            ],
            GOLDEN_DRAWS
        );
    }
    /// Cross-checked against an independent Python implementation of the derivation in the module docs
    /// and of the ChaCha8 block function (key from splitmix64, nonce 0, counter 0, words little-endian).
    const GOLDEN_FIRST_U64: u64 = 17_932_510_787_313_873_151;
    const GOLDEN_FNV: u64 = 0x9b60_4372_5791_5d7f;
    const GOLDEN_DRAWS: [u64; 3] = [0, 162, 1512];

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        // From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn uniform_ms_stays_within_both_inclusive_ends_and_reaches_them() {
        let mut rng = fresh(9, "uniform");
        let draws: Vec<u64> = (0..2000).map(|_| uniform_ms(&mut rng, 10, 13)).collect();
        assert!(draws.iter().all(|d| (10..=13).contains(d)));
        for end in [10, 13] {
            assert!(draws.contains(&end), "{end} never drawn");
        }
        assert_eq!(uniform_ms(&mut rng, 5, 5), 5);
        let mut twin = rng.clone();
        assert_eq!(
            uniform_ms(&mut rng, 0, u64::MAX),
            twin.next_u64(),
            "the full range is one raw draw"
        );
    }

    #[test]
    #[should_panic(expected = "uniform_ms: empty range 5..=4")]
    fn uniform_ms_with_an_empty_range_panics() {
        uniform_ms(&mut fresh(0, "x"), 5, 4);
    }

    #[test]
    fn exponential_ms_has_the_requested_mean_and_zero_mean_gives_zero() {
        let mut rng = fresh(11, "exp");
        let n = 100_000u64;
        let sum: u64 = (0..n).map(|_| exponential_ms(&mut rng, 1000.0)).sum();
        let mean = sum as f64 / n as f64;
        // Standard error of the mean is 1000 / sqrt(1e5) ≈ 3.2 ms; allow five of them.
        assert!((mean - 1000.0).abs() < 16.0, "mean {mean}");
        assert_eq!(exponential_ms(&mut rng, 0.0), 0);
    }

    #[test]
    fn unit_f64_is_in_the_half_open_unit_interval_on_53_bit_steps() {
        let mut rng = fresh(5, "unit");
        for _ in 0..10_000 {
            let u = unit_f64(&mut rng);
            assert!((0.0..1.0).contains(&u));
            assert_eq!((u * (1u64 << 53) as f64).fract(), 0.0);
        }
    }
}
