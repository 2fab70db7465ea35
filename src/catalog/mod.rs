//! The built-in catalog: EC2 instance types (ECS-SEMANTICS §12) and Fargate task sizes and prices
//! (ECS-SEMANTICS §11), and their rendering for `ecsim catalog` (SPEC §1).
//!
//! Owns: the data of those tables, what ECS registers for each instance type (CPU units, memory), the
//! rule for scenario-defined instance types (SPEC §3.3), Fargate size validation with "did you mean"
//! suggestions, and Fargate prices.
//!
//! Ignores: everything about running instances or tasks (launching, placement, billing over time).
//! This module knows nothing else in ecsim, so the `catalog` command can print it without building a
//! simulation, and the scenario validator can check names and sizes against it.
//!
//! Models, not AWS text (ECS-SEMANTICS marks them UNCONFIRMED or 3P): registered memory of catalog
//! types other than m4.large, c4.large and c4.4xlarge ([`registered_memory_mib_for`]); max ENIs; the
//! prices of instance types and of Fargate.

mod fargate;
mod instance_types;

pub use fargate::{
    FARGATE_EPHEMERAL_STORAGE_INCLUDED_GIB, FARGATE_EPHEMERAL_STORAGE_PER_GB_HOUR_USD,
    FARGATE_LINUX_ARM64_PER_GB_HOUR_USD, FARGATE_LINUX_ARM64_PER_VCPU_HOUR_USD,
    FARGATE_LINUX_X86_64_PER_GB_HOUR_USD, FARGATE_LINUX_X86_64_PER_VCPU_HOUR_USD,
    FARGATE_MINIMUM_CHARGE_SECONDS, FARGATE_TASK_SIZES,
    FARGATE_WINDOWS_OS_LICENSE_PER_VCPU_HOUR_USD, FARGATE_WINDOWS_X86_64_PER_GB_HOUR_USD,
    FARGATE_WINDOWS_X86_64_PER_VCPU_HOUR_USD, FargateCpuSize, FargateMemory, FargateSize,
    ephemeral_storage_price_per_hour_usd, is_valid_size, nearest_valid_sizes, price_per_hour_usd,
    render_fargate_sizes, valid_memory_for,
};
pub use instance_types::{
    CPU_UNITS_PER_VCPU, CUSTOM_INSTANCE_TYPE_MAX_ENIS, ECS_RESERVED_MEMORY_MIB, InstanceType,
    builtin_instance_type, builtin_instance_types, registered_memory_mib_for,
    render_instance_types,
};

use std::fmt;
use std::str::FromStr;

/// CPU architecture of an instance type or a Fargate task, as AWS spells it (`ecs.cpu-architecture`,
/// `runtimePlatform.cpuArchitecture` lower-cased).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CpuArchitecture {
    /// `x86_64`.
    X86_64,
    /// `arm64` (Graviton).
    Arm64,
}

impl CpuArchitecture {
    /// AWS spelling: `x86_64` or `arm64`.
    pub fn as_str(self) -> &'static str {
        match self {
            CpuArchitecture::X86_64 => "x86_64",
            CpuArchitecture::Arm64 => "arm64",
        }
    }
}

impl fmt::Display for CpuArchitecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CPU architecture name that is neither `x86_64` nor `arm64`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CPU architecture `{0}`; expected `x86_64` or `arm64`")]
pub struct UnknownCpuArchitecture(pub String);

impl FromStr for CpuArchitecture {
    type Err = UnknownCpuArchitecture;

    /// Accepts exactly `x86_64` and `arm64` (ECS attribute values are case-sensitive).
    fn from_str(s: &str) -> Result<CpuArchitecture, UnknownCpuArchitecture> {
        match s {
            "x86_64" => Ok(CpuArchitecture::X86_64),
            "arm64" => Ok(CpuArchitecture::Arm64),
            other => Err(UnknownCpuArchitecture(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_architecture_round_trips_through_its_aws_spelling() {
        for arch in [CpuArchitecture::X86_64, CpuArchitecture::Arm64] {
            assert_eq!(arch.as_str().parse::<CpuArchitecture>(), Ok(arch));
        }
        assert_eq!(CpuArchitecture::Arm64.to_string(), "arm64");
        assert_eq!(
            "ARM64".parse::<CpuArchitecture>().unwrap_err().to_string(),
            "unknown CPU architecture `ARM64`; expected `x86_64` or `arm64`"
        );
    }
}
