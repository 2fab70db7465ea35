//! Fargate task sizes (ECS-SEMANTICS §11.1) and prices (§11.2).
//!
//! Sizes are AWS's documented Linux table [BC-ECS TaskDefinition.cpu, Task.memory]. Prices are
//! us-east-1 Linux On-Demand from third-party price tables (3P), per second with a one-minute minimum.
//! AWS prices memory "per GB-hour" while task sizes are in MiB; as AWS's own example (1 vCPU with 2 GB
//! = 2048 MiB) shows, a "GB" here is 1024 MiB, so memory in GB = MiB / 1024.
//!
//! Ignores: Windows sizes (ecsim models Linux tasks; the Windows prices are kept as constants for
//! completeness) and Fargate Spot discounts (billing applies `[fargate].spot_price_ratio` to the vCPU and
//! memory price; storage above the included 20 GiB is billed at the same rate on both).

use super::CpuArchitecture;
use super::instance_types::render_table;

/// Linux x86_64 price per vCPU-hour, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_LINUX_X86_64_PER_VCPU_HOUR_USD: f64 = 0.04048;
/// Linux x86_64 price per GB-hour of memory, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_LINUX_X86_64_PER_GB_HOUR_USD: f64 = 0.004445;
/// Linux ARM64 price per vCPU-hour, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_LINUX_ARM64_PER_VCPU_HOUR_USD: f64 = 0.03238;
/// Linux ARM64 price per GB-hour of memory, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_LINUX_ARM64_PER_GB_HOUR_USD: f64 = 0.00356;
/// Windows x86_64 price per vCPU-hour, before the OS licence, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_WINDOWS_X86_64_PER_VCPU_HOUR_USD: f64 = 0.09148;
/// Windows OS licence per vCPU-hour, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_WINDOWS_OS_LICENSE_PER_VCPU_HOUR_USD: f64 = 0.046;
/// Windows x86_64 price per GB-hour of memory, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_WINDOWS_X86_64_PER_GB_HOUR_USD: f64 = 0.01005;
/// Price per GB-hour of ephemeral storage above the included amount, USD (ECS-SEMANTICS §11.2, 3P).
pub const FARGATE_EPHEMERAL_STORAGE_PER_GB_HOUR_USD: f64 = 0.000111;
/// Ephemeral storage included in the price, GiB [DG:fargate-task-storage: 20 GiB default, platform
/// ≥ 1.4.0].
pub const FARGATE_EPHEMERAL_STORAGE_INCLUDED_GIB: u32 = 20;
/// Fargate bills per second with a one-minute minimum (ECS-SEMANTICS §11.2).
pub const FARGATE_MINIMUM_CHARGE_SECONDS: u64 = 60;

/// The memory sizes valid with one CPU size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FargateMemory {
    /// Exactly these values, MiB, ascending.
    List(&'static [u32]),
    /// `min_mib`, `min_mib + step_mib`, ... up to `max_mib` inclusive.
    Range {
        /// Smallest valid memory, MiB.
        min_mib: u32,
        /// Largest valid memory, MiB.
        max_mib: u32,
        /// Step between valid values, MiB.
        step_mib: u32,
    },
}

impl FargateMemory {
    /// Whether `memory_mib` is one of the valid values.
    pub fn contains(&self, memory_mib: u32) -> bool {
        match *self {
            FargateMemory::List(values) => values.contains(&memory_mib),
            FargateMemory::Range {
                min_mib,
                max_mib,
                step_mib,
            } => {
                (min_mib..=max_mib).contains(&memory_mib)
                    && (memory_mib - min_mib).is_multiple_of(step_mib)
            }
        }
    }

    /// Every valid value, ascending.
    pub fn values(&self) -> Vec<u32> {
        match *self {
            FargateMemory::List(values) => values.to_vec(),
            FargateMemory::Range {
                min_mib,
                max_mib,
                step_mib,
            } => (min_mib..=max_mib).step_by(step_mib as usize).collect(),
        }
    }

    /// How the table writes it: `512, 1024, 2048` or `1024-4096 step 1024`.
    fn describe(&self) -> String {
        match *self {
            FargateMemory::List(values) => values
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            FargateMemory::Range {
                min_mib,
                max_mib,
                step_mib,
            } => format!("{min_mib}-{max_mib} step {step_mib}"),
        }
    }
}

/// One CPU size and the memory sizes valid with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargateCpuSize {
    /// Task CPU, in CPU units (1024 = 1 vCPU).
    pub cpu_units: u32,
    /// Valid task memory for this CPU.
    pub memory: FargateMemory,
    /// Oldest Linux platform version that offers the size, when not every one does.
    pub min_platform_version: Option<&'static str>,
}

const fn range(min_mib: u32, max_mib: u32, step_mib: u32) -> FargateMemory {
    FargateMemory::Range {
        min_mib,
        max_mib,
        step_mib,
    }
}

/// The Linux task sizes of ECS-SEMANTICS §11.1 [BC-ECS TaskDefinition.cpu, Task.memory], by CPU.
pub const FARGATE_TASK_SIZES: &[FargateCpuSize] = &[
    FargateCpuSize {
        cpu_units: 256,
        memory: FargateMemory::List(&[512, 1024, 2048]),
        min_platform_version: None,
    },
    FargateCpuSize {
        cpu_units: 512,
        memory: range(1024, 4096, 1024),
        min_platform_version: None,
    },
    FargateCpuSize {
        cpu_units: 1024,
        memory: range(2048, 8192, 1024),
        min_platform_version: None,
    },
    FargateCpuSize {
        cpu_units: 2048,
        memory: range(4096, 16384, 1024),
        min_platform_version: None,
    },
    FargateCpuSize {
        cpu_units: 4096,
        memory: range(8192, 30720, 1024),
        min_platform_version: None,
    },
    FargateCpuSize {
        cpu_units: 8192,
        memory: range(16384, 61440, 4096),
        min_platform_version: Some("1.4.0"),
    },
    FargateCpuSize {
        cpu_units: 16384,
        memory: range(32768, 122880, 8192),
        min_platform_version: Some("1.4.0"),
    },
];

/// A task size: CPU units and memory in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FargateSize {
    /// Task CPU, in CPU units.
    pub cpu_units: u32,
    /// Task memory, MiB.
    pub memory_mib: u32,
}

fn cpu_size(cpu_units: u32) -> Option<&'static FargateCpuSize> {
    FARGATE_TASK_SIZES.iter().find(|s| s.cpu_units == cpu_units)
}

/// Whether `cpu_units` / `memory_mib` is a valid Linux Fargate task size (ECS-SEMANTICS §11.1).
pub fn is_valid_size(cpu_units: u32, memory_mib: u32) -> bool {
    cpu_size(cpu_units).is_some_and(|s| s.memory.contains(memory_mib))
}

/// The memory values valid with `cpu_units`, ascending; empty if `cpu_units` is not a Fargate CPU size.
pub fn valid_memory_for(cpu_units: u32) -> Vec<u32> {
    cpu_size(cpu_units).map_or_else(Vec::new, |s| s.memory.values())
}

/// Valid sizes close to an invalid one, for "did you mean" hints; `[requested]` if it is valid.
///
/// Suggestions, in this order, without duplicates:
/// 1. Keep the CPU (or, if it is not a Fargate CPU size, take the smallest larger one, or the largest)
///    and round the memory **up** to the next valid value (or to the largest one).
/// 2. Same CPU, memory rounded **down** to the previous valid value (or to the smallest one).
/// 3. Keep the memory and take the smallest CPU that allows it, if any does.
///
/// For example 256/4096 suggests 256/2048 and 512/4096; 8192/18432 suggests 8192/20480, 8192/16384
/// and 4096/18432.
pub fn nearest_valid_sizes(cpu_units: u32, memory_mib: u32) -> Vec<FargateSize> {
    let requested = FargateSize {
        cpu_units,
        memory_mib,
    };
    if is_valid_size(cpu_units, memory_mib) {
        return vec![requested];
    }
    let cpu = cpu_size(cpu_units)
        .or_else(|| FARGATE_TASK_SIZES.iter().find(|s| s.cpu_units > cpu_units))
        .or(FARGATE_TASK_SIZES.last())
        .expect("the size table is not empty");
    let values = cpu.memory.values();
    let (first, last) = (values[0], values[values.len() - 1]);
    let up = values
        .iter()
        .copied()
        .find(|&m| m >= memory_mib)
        .unwrap_or(last);
    let down = values
        .iter()
        .rev()
        .copied()
        .find(|&m| m <= memory_mib)
        .unwrap_or(first);
    let mut out: Vec<FargateSize> = Vec::with_capacity(3);
    let mut push = |size: FargateSize| {
        if !out.contains(&size) {
            out.push(size);
        }
    };
    for memory_mib in [up, down] {
        push(FargateSize {
            cpu_units: cpu.cpu_units,
            memory_mib,
        });
    }
    if let Some(s) = FARGATE_TASK_SIZES
        .iter()
        .find(|s| s.memory.contains(memory_mib))
    {
        push(FargateSize {
            cpu_units: s.cpu_units,
            memory_mib,
        });
    }
    out
}

/// Price of a Linux task of this size per hour, USD: vCPU × per-vCPU-hour + GB × per-GB-hour, with
/// vCPU = units / 1024 and GB = MiB / 1024 (ECS-SEMANTICS §11.2). Billing is per second with a
/// [`FARGATE_MINIMUM_CHARGE_SECONDS`] minimum, applied by the caller.
pub fn price_per_hour_usd(cpu_units: u32, memory_mib: u32, arch: CpuArchitecture) -> f64 {
    let (per_vcpu, per_gb) = match arch {
        CpuArchitecture::X86_64 => (
            FARGATE_LINUX_X86_64_PER_VCPU_HOUR_USD,
            FARGATE_LINUX_X86_64_PER_GB_HOUR_USD,
        ),
        CpuArchitecture::Arm64 => (
            FARGATE_LINUX_ARM64_PER_VCPU_HOUR_USD,
            FARGATE_LINUX_ARM64_PER_GB_HOUR_USD,
        ),
    };
    f64::from(cpu_units) / 1024.0 * per_vcpu + f64::from(memory_mib) / 1024.0 * per_gb
}

/// Price per hour of `size_gib` of ephemeral storage, USD: the GiB above the included
/// [`FARGATE_EPHEMERAL_STORAGE_INCLUDED_GIB`] at [`FARGATE_EPHEMERAL_STORAGE_PER_GB_HOUR_USD`] (ECS-SEMANTICS
/// §11.2; a GB of the price table is taken as the GiB of `sizeInGiB`, as for memory).
pub fn ephemeral_storage_price_per_hour_usd(size_gib: u32) -> f64 {
    f64::from(size_gib.saturating_sub(FARGATE_EPHEMERAL_STORAGE_INCLUDED_GIB))
        * FARGATE_EPHEMERAL_STORAGE_PER_GB_HOUR_USD
}

/// Formats a non-negative amount with 5 decimals, rounding half up on the decimal value: the price is
/// first snapped to whole nano-dollars, so that binary noise (0.015215 stored as 0.0152149999...)
/// cannot turn a decimal half into a round-down.
fn format_usd_5(usd: f64) -> String {
    let nanos = (usd * 1e9).round() as u64;
    let units = (nanos + 5_000) / 10_000;
    format!("{}.{:05}", units / 100_000, units % 100_000)
}

/// `1024` → `1`, `256` → `0.25`.
fn format_vcpu(cpu_units: u32) -> String {
    let text = format!("{:.2}", f64::from(cpu_units) / 1024.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The `ecsim catalog fargate` table: each CPU size, its vCPU, the valid memory sizes, and the price
/// per hour at the smallest and largest memory, for x86_64 and arm64.
pub fn render_fargate_sizes() -> String {
    let mut rows = vec![
        [
            "CPU",
            "vCPU",
            "memory MiB",
            "x86_64 $/h min",
            "x86_64 $/h max",
            "arm64 $/h min",
            "arm64 $/h max",
            "notes",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for size in FARGATE_TASK_SIZES {
        let values = size.memory.values();
        let (min, max) = (values[0], values[values.len() - 1]);
        let price = |mem, arch| format_usd_5(price_per_hour_usd(size.cpu_units, mem, arch));
        rows.push(vec![
            size.cpu_units.to_string(),
            format_vcpu(size.cpu_units),
            size.memory.describe(),
            price(min, CpuArchitecture::X86_64),
            price(max, CpuArchitecture::X86_64),
            price(min, CpuArchitecture::Arm64),
            price(max, CpuArchitecture::Arm64),
            size.min_platform_version
                .map(|v| format!("platform >= {v}"))
                .unwrap_or_default(),
        ]);
    }
    let mut out = render_table(&rows, &[true, true, false, true, true, true, true, false]);
    out.push_str(&format!(
        "Linux, us-east-1, per second with a {FARGATE_MINIMUM_CHARGE_SECONDS} s minimum; \
         memory is billed per GB = 1024 MiB.\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn size(cpu_units: u32, memory_mib: u32) -> FargateSize {
        FargateSize {
            cpu_units,
            memory_mib,
        }
    }

    // ECS-SEMANTICS §11.1: every valid pair, written out from the table.
    #[test]
    fn every_size_in_the_section_11_1_table_is_valid_and_nothing_else_is() {
        let mut expected: Vec<(u32, u32)> = vec![(256, 512), (256, 1024), (256, 2048)];
        let ranges = [
            (512, 1024, 4096, 1024),
            (1024, 2048, 8192, 1024),
            (2048, 4096, 16384, 1024),
            (4096, 8192, 30720, 1024),
            (8192, 16384, 61440, 4096),
            (16384, 32768, 122880, 8192),
        ];
        for (cpu, min, max, step) in ranges {
            let mut m = min;
            while m <= max {
                expected.push((cpu, m));
                m += step;
            }
        }
        assert_eq!(expected.len(), 3 + 4 + 7 + 13 + 23 + 12 + 12);
        for &(cpu, mem) in &expected {
            assert!(is_valid_size(cpu, mem), "{cpu}/{mem}");
        }
        // Exhaustive over a grid of 256-MiB steps: valid exactly when listed.
        for cpu in [128, 256, 512, 768, 1024, 2048, 4096, 8192, 16384, 32768] {
            for mem in (0..=131_072).step_by(256) {
                assert_eq!(
                    is_valid_size(cpu, mem),
                    expected.contains(&(cpu, mem)),
                    "{cpu}/{mem}"
                );
            }
        }
    }

    #[test]
    fn sizes_outside_the_table_are_rejected() {
        assert!(!is_valid_size(256, 4096));
        assert!(!is_valid_size(1024, 1024));
        assert!(!is_valid_size(8192, 18432));
        assert!(!is_valid_size(16384, 36864));
        assert!(!is_valid_size(300, 1024));
    }

    #[test]
    fn valid_memory_for_lists_the_values_of_one_cpu_size() {
        assert_eq!(valid_memory_for(256), [512, 1024, 2048]);
        assert_eq!(valid_memory_for(512), [1024, 2048, 3072, 4096]);
        assert_eq!(
            valid_memory_for(8192),
            [
                16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440
            ]
        );
        assert_eq!(valid_memory_for(4096).len(), 23);
        assert_eq!(valid_memory_for(300), Vec::<u32>::new());
    }

    #[test]
    fn nearest_valid_sizes_rounds_memory_both_ways_and_offers_a_cpu_that_fits_the_memory() {
        assert_eq!(
            nearest_valid_sizes(256, 4096),
            [size(256, 2048), size(512, 4096)]
        );
        assert_eq!(
            nearest_valid_sizes(1024, 1024),
            [size(1024, 2048), size(256, 1024)]
        );
        assert_eq!(
            nearest_valid_sizes(8192, 18432),
            [size(8192, 20480), size(8192, 16384), size(4096, 18432)]
        );
        assert_eq!(
            nearest_valid_sizes(1024, 3000),
            [size(1024, 3072), size(1024, 2048)]
        );
        // Not a CPU size: the next larger one.
        assert_eq!(nearest_valid_sizes(3000, 6000), [size(4096, 8192)]);
        assert_eq!(nearest_valid_sizes(100_000, 1), [size(16384, 32768)]);
        // Already valid.
        assert_eq!(nearest_valid_sizes(512, 2048), [size(512, 2048)]);
    }

    #[test]
    fn every_suggestion_is_a_valid_size() {
        for cpu in [
            0, 1, 256, 300, 512, 1024, 2048, 4096, 5000, 8192, 16384, 20000,
        ] {
            for mem in [0, 100, 512, 1000, 4096, 9000, 18432, 65536, 200_000] {
                for s in nearest_valid_sizes(cpu, mem) {
                    assert!(
                        is_valid_size(s.cpu_units, s.memory_mib),
                        "{cpu}/{mem} -> {s:?}"
                    );
                }
            }
        }
    }

    // ECS-SEMANTICS §11.2: 1 vCPU with 2 GB for one hour costs 0.04048 + 2 × 0.004445 = $0.04937.
    #[test]
    fn one_vcpu_with_two_gb_costs_0_04937_per_hour_on_x86_64() {
        let price = price_per_hour_usd(1024, 2048, CpuArchitecture::X86_64);
        assert!((price - 0.04937).abs() < 1e-9, "{price}");
    }

    #[test]
    fn prices_are_printed_rounding_decimal_halves_up() {
        assert_eq!(format_usd_5(0.015215), "0.01522");
        assert_eq!(format_usd_5(0.024685), "0.02469");
        assert_eq!(format_usd_5(0.0123425), "0.01234");
        assert_eq!(format_usd_5(1.18108), "1.18108");
        assert_eq!(format_usd_5(0.0), "0.00000");
    }

    // ECS-SEMANTICS §11.2: ARM64 0.03238 per vCPU-hour, 0.00356 per GB-hour.
    #[test]
    fn arm64_uses_its_own_rates() {
        let price = price_per_hour_usd(2048, 4096, CpuArchitecture::Arm64);
        assert!(
            (price - (2.0 * 0.03238 + 4.0 * 0.00356)).abs() < 1e-12,
            "{price}"
        );
        let quarter = price_per_hour_usd(256, 512, CpuArchitecture::X86_64);
        assert!((quarter - (0.25 * 0.04048 + 0.5 * 0.004445)).abs() < 1e-12);
    }

    #[test]
    fn the_fargate_table_renders_sizes_and_price_ranges() {
        let table = render_fargate_sizes();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 9);
        assert_eq!(
            lines[..4],
            [
                "  CPU  vCPU  memory MiB              x86_64 $/h min  x86_64 $/h max  arm64 $/h min  arm64 $/h max  notes",
                "  256  0.25  512, 1024, 2048                0.01234         0.01901        0.00988        0.01522",
                "  512   0.5  1024-4096 step 1024            0.02469         0.03802        0.01975        0.03043",
                " 1024     1  2048-8192 step 1024            0.04937         0.07604        0.03950        0.06086",
            ]
        );
        assert_eq!(
            lines[7],
            "16384    16  32768-122880 step 8192         0.78992         1.18108        0.63200        0.94528  platform >= 1.4.0"
        );
        assert_eq!(
            lines[8],
            "Linux, us-east-1, per second with a 60 s minimum; memory is billed per GB = 1024 MiB."
        );
    }
}
