//! STAND-IN (replaced by the real catalog).
#![allow(missing_docs)]
pub mod fargate {
    pub fn is_valid_size(_c: u32, _m: u32) -> bool { true }
    pub fn valid_memory_for(_c: u32) -> Vec<u32> { vec![] }
    pub fn price_per_hour_usd(cpu: u32, mem: u32, _a: super::CpuArchitecture) -> f64 { cpu as f64 / 1024.0 * 0.04048 + mem as f64 / 1024.0 * 0.004445 }
    pub const FARGATE_MINIMUM_CHARGE_SECONDS: u64 = 60;
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuArchitecture { X86_64, Arm64 }
impl CpuArchitecture { pub fn as_str(self) -> &'static str { match self { CpuArchitecture::X86_64 => "x86_64", CpuArchitecture::Arm64 => "arm64" } } }
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceType { pub name: String, pub vcpu: u32, pub memory_mib: u32, pub price_per_hour_usd: f64, pub registered_cpu_units: u32, pub registered_memory_mib: u32, pub max_enis: u32, pub gpus: u32, pub cpu_architecture: CpuArchitecture, pub previous_generation: bool }
impl InstanceType {
    pub fn custom(name: String, vcpu: u32, memory_mib: u32, price_per_hour_usd: f64, arch: CpuArchitecture) -> InstanceType { InstanceType { name, vcpu, memory_mib, price_per_hour_usd, registered_cpu_units: vcpu * 1024, registered_memory_mib: memory_mib, max_enis: 3, gpus: 0, cpu_architecture: arch, previous_generation: false } }
    pub fn awsvpc_task_slots(&self) -> u32 { self.max_enis - 1 }
}
pub fn builtin_instance_types() -> Vec<InstanceType> { vec![InstanceType { name: "m5.large".into(), vcpu: 2, memory_mib: 8192, price_per_hour_usd: 0.096, registered_cpu_units: 2048, registered_memory_mib: 7987, max_enis: 3, gpus: 0, cpu_architecture: CpuArchitecture::X86_64, previous_generation: false }] }
