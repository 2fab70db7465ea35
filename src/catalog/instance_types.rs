//! EC2 instance types: the built-in table of ECS-SEMANTICS §12 (us-east-1, Linux, On-Demand), the rule
//! for scenario-defined types (SPEC §3.3), and what ECS registers for each.
//!
//! Registered CPU is vCPU × [`CPU_UNITS_PER_VCPU`] for every type. Registered memory is the OS-reported
//! total minus `ECS_RESERVED_MEMORY`; AWS documents it only for m4.large (7985 MiB), c4.large (3768)
//! and c4.4xlarge (30158), which the table uses exactly. For the other catalog types it is a model,
//! UNCONFIRMED: [`registered_memory_mib_for`], `floor(0.975 × nominal MiB) − ECS_RESERVED_MEMORY`.
//! Prices are third-party price tables (3P); max ENIs are recalled from the EC2 docs (UNCONFIRMED).

use std::fmt::Write as _;

use super::CpuArchitecture;

/// CPU units ECS registers per vCPU [BC-ECS ContainerDefinition.cpu: "1,024 CPU units for every
/// vCPU"].
pub const CPU_UNITS_PER_VCPU: u32 = 1024;

/// `ECS_RESERVED_MEMORY`, the agent's default memory reserved for non-ECS processes, in MiB [AGENT
/// README, configuration table: default 0].
pub const ECS_RESERVED_MEMORY_MIB: u32 = 0;

/// Max ENIs given to a scenario-defined instance type (SPEC §3.3 has no field for it). 3 is the value
/// of most `large` types in ECS-SEMANTICS §12, and gives 2 awsvpc task slots. A simulator default, not
/// AWS data.
pub const CUSTOM_INSTANCE_TYPE_MAX_ENIS: u32 = 3;

/// One instance type and what a container instance of that type registers with ECS.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// EC2 name, e.g. `m5.large`.
    pub name: String,
    /// Number of vCPUs.
    pub vcpu: u32,
    /// Nominal memory from the EC2 specification, in MiB (8 GiB = 8192).
    pub memory_mib: u32,
    /// On-Demand Linux price in us-east-1, USD per hour (3P).
    pub price_per_hour_usd: f64,
    /// CPU units the container instance registers: vCPU × 1024.
    pub registered_cpu_units: u32,
    /// Memory the container instance registers, in MiB (documented for three types, modelled for the
    /// others; see the module docs).
    pub registered_memory_mib: u32,
    /// Maximum network interfaces (UNCONFIRMED); awsvpc tasks can use all but the primary one.
    pub max_enis: u32,
    /// Number of GPUs.
    pub gpus: u32,
    /// CPU architecture.
    pub cpu_architecture: CpuArchitecture,
    /// True for previous-generation types (those the classic ECS introductions use, ECS-SEMANTICS §14).
    pub previous_generation: bool,
}

impl InstanceType {
    /// A scenario-defined type (SPEC §3.3): registers exactly `vcpu × 1024` CPU units and `memory_mib`
    /// MiB, has [`CUSTOM_INSTANCE_TYPE_MAX_ENIS`] ENIs and no GPU. CPU units saturate at `u32::MAX`;
    /// the scenario validator is expected to bound `vcpu` first.
    pub fn custom(
        name: impl Into<String>,
        vcpu: u32,
        memory_mib: u32,
        price_per_hour_usd: f64,
        cpu_architecture: CpuArchitecture,
    ) -> InstanceType {
        InstanceType {
            name: name.into(),
            vcpu,
            memory_mib,
            price_per_hour_usd,
            registered_cpu_units: vcpu.saturating_mul(CPU_UNITS_PER_VCPU),
            registered_memory_mib: memory_mib,
            max_enis: CUSTOM_INSTANCE_TYPE_MAX_ENIS,
            gpus: 0,
            cpu_architecture,
            previous_generation: false,
        }
    }

    /// Tasks in `awsvpc` network mode the instance can host without ENI trunking: one ENI per task,
    /// except the primary ENI (ECS-SEMANTICS §12: max ENIs − 1).
    pub fn awsvpc_task_slots(&self) -> u32 {
        self.max_enis.saturating_sub(1)
    }
}

/// The registered-memory model for types AWS does not document (UNCONFIRMED, ECS-SEMANTICS §12):
/// `floor(0.975 × nominal_mib) − ECS_RESERVED_MEMORY`. The built-in table uses AWS's documented values
/// instead for m4.large (7985), c4.large (3768) and c4.4xlarge (30158).
pub fn registered_memory_mib_for(nominal_mib: u32) -> u32 {
    let os_reported_mib = u64::from(nominal_mib) * 975 / 1000;
    // `os_reported_mib` <= `nominal_mib`, so it fits in u32.
    u32::try_from(os_reported_mib)
        .unwrap_or(nominal_mib)
        .saturating_sub(ECS_RESERVED_MEMORY_MIB)
}

/// One row of ECS-SEMANTICS §12.
struct Row {
    name: &'static str,
    vcpu: u32,
    memory_mib: u32,
    price_per_hour_usd: f64,
    max_enis: u32,
    gpus: u32,
    arch: CpuArchitecture,
    previous_generation: bool,
    /// Registered memory documented by AWS [DG:memory-management], when it is.
    documented_registered_memory_mib: Option<u32>,
}

const fn row(
    name: &'static str,
    vcpu: u32,
    memory_mib: u32,
    price_per_hour_usd: f64,
    max_enis: u32,
) -> Row {
    Row {
        name,
        vcpu,
        memory_mib,
        price_per_hour_usd,
        max_enis,
        gpus: 0,
        arch: CpuArchitecture::X86_64,
        previous_generation: false,
        documented_registered_memory_mib: None,
    }
}

const fn arm64(mut r: Row) -> Row {
    r.arch = CpuArchitecture::Arm64;
    r
}

const fn previous(mut r: Row) -> Row {
    r.previous_generation = true;
    r
}

const fn documented(mut r: Row, registered_memory_mib: u32) -> Row {
    r.documented_registered_memory_mib = Some(registered_memory_mib);
    r
}

const fn gpus(mut r: Row, n: u32) -> Row {
    r.gpus = n;
    r
}

const GIB: u32 = 1024;

/// ECS-SEMANTICS §12, in table order.
const BUILTIN: &[Row] = &[
    row("t3.micro", 2, GIB, 0.0104, 2),
    row("t3.small", 2, 2 * GIB, 0.0208, 3),
    row("t3.medium", 2, 4 * GIB, 0.0416, 3),
    row("t3.large", 2, 8 * GIB, 0.0832, 3),
    row("t3.xlarge", 4, 16 * GIB, 0.1664, 4),
    row("m5.large", 2, 8 * GIB, 0.096, 3),
    row("m5.xlarge", 4, 16 * GIB, 0.192, 4),
    row("m5.2xlarge", 8, 32 * GIB, 0.384, 4),
    row("m5.4xlarge", 16, 64 * GIB, 0.768, 8),
    row("c5.large", 2, 4 * GIB, 0.085, 3),
    row("c5.xlarge", 4, 8 * GIB, 0.17, 4),
    row("c5.2xlarge", 8, 16 * GIB, 0.34, 4),
    row("r5.large", 2, 16 * GIB, 0.126, 3),
    arm64(row("m6g.large", 2, 8 * GIB, 0.077, 3)),
    arm64(row("m7g.large", 2, 8 * GIB, 0.0816, 3)),
    previous(row("t2.small", 1, 2 * GIB, 0.023, 3)),
    previous(row("t2.medium", 2, 4 * GIB, 0.0464, 3)),
    previous(documented(row("m4.large", 2, 8 * GIB, 0.10, 2), 7985)),
    previous(documented(row("c4.large", 2, 3840, 0.10, 3), 3768)),
    previous(documented(row("c4.4xlarge", 16, 30 * GIB, 0.796, 8), 30158)),
    previous(gpus(row("g2.2xlarge", 8, 15 * GIB, 0.65, 4), 1)),
];

impl Row {
    fn to_instance_type(&self) -> InstanceType {
        InstanceType {
            name: self.name.to_string(),
            vcpu: self.vcpu,
            memory_mib: self.memory_mib,
            price_per_hour_usd: self.price_per_hour_usd,
            registered_cpu_units: self.vcpu * CPU_UNITS_PER_VCPU,
            registered_memory_mib: self
                .documented_registered_memory_mib
                .unwrap_or_else(|| registered_memory_mib_for(self.memory_mib)),
            max_enis: self.max_enis,
            gpus: self.gpus,
            cpu_architecture: self.arch,
            previous_generation: self.previous_generation,
        }
    }
}

/// The built-in instance types, in the order of ECS-SEMANTICS §12.
pub fn builtin_instance_types() -> Vec<InstanceType> {
    BUILTIN.iter().map(Row::to_instance_type).collect()
}

/// The built-in instance type called `name` (case-sensitive, as EC2 names are), if any.
pub fn builtin_instance_type(name: &str) -> Option<InstanceType> {
    BUILTIN
        .iter()
        .find(|r| r.name == name)
        .map(Row::to_instance_type)
}

/// `8192` → `8`, `3840` → `3.75`.
fn format_gib(memory_mib: u32) -> String {
    let text = format!("{:.2}", f64::from(memory_mib) / 1024.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Renders rows as a text table: the first row is the header, `right[i]` right-aligns column `i`.
/// Columns are separated by two spaces; lines have no trailing spaces.
pub(crate) fn render_table(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let width = widths[c];
            if right[c] {
                let _ = write!(line, "{cell:>width$}");
            } else {
                let _ = write!(line, "{cell:<width$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The `ecsim catalog instances` table: type, vCPU, memory GiB, registered CPU units, registered MiB,
/// max ENIs, architecture, $/h and notes (previous generation, GPUs, documented registered memory).
pub fn render_instance_types(types: &[InstanceType]) -> String {
    let mut rows = vec![
        [
            "type", "vCPU", "mem GiB", "reg. CPU", "reg. MiB", "max ENIs", "arch", "$/h", "notes",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for t in types {
        let mut notes = Vec::new();
        if t.previous_generation {
            notes.push("previous generation".to_string());
        }
        if t.gpus > 0 {
            notes.push(format!("{} GPU", t.gpus));
        }
        rows.push(vec![
            t.name.clone(),
            t.vcpu.to_string(),
            format_gib(t.memory_mib),
            t.registered_cpu_units.to_string(),
            t.registered_memory_mib.to_string(),
            t.max_enis.to_string(),
            t.cpu_architecture.to_string(),
            format!("{:.4}", t.price_per_hour_usd),
            notes.join(", "),
        ]);
    }
    render_table(
        &rows,
        &[false, true, true, true, true, true, false, true, false],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, vCPU, GiB × 100, $/h, registered CPU, max ENIs), copied from ECS-SEMANTICS §12.
    const SECTION_12: &[(&str, u32, u32, f64, u32, u32)] = &[
        ("t3.micro", 2, 100, 0.0104, 2048, 2),
        ("t3.small", 2, 200, 0.0208, 2048, 3),
        ("t3.medium", 2, 400, 0.0416, 2048, 3),
        ("t3.large", 2, 800, 0.0832, 2048, 3),
        ("t3.xlarge", 4, 1600, 0.1664, 4096, 4),
        ("m5.large", 2, 800, 0.096, 2048, 3),
        ("m5.xlarge", 4, 1600, 0.192, 4096, 4),
        ("m5.2xlarge", 8, 3200, 0.384, 8192, 4),
        ("m5.4xlarge", 16, 6400, 0.768, 16384, 8),
        ("c5.large", 2, 400, 0.085, 2048, 3),
        ("c5.xlarge", 4, 800, 0.17, 4096, 4),
        ("c5.2xlarge", 8, 1600, 0.34, 8192, 4),
        ("r5.large", 2, 1600, 0.126, 2048, 3),
        ("m6g.large", 2, 800, 0.077, 2048, 3),
        ("m7g.large", 2, 800, 0.0816, 2048, 3),
        ("t2.small", 1, 200, 0.023, 1024, 3),
        ("t2.medium", 2, 400, 0.0464, 2048, 3),
        ("m4.large", 2, 800, 0.10, 2048, 2),
        ("c4.large", 2, 375, 0.10, 2048, 3),
        ("c4.4xlarge", 16, 3000, 0.796, 16384, 8),
        ("g2.2xlarge", 8, 1500, 0.65, 8192, 4),
    ];

    // ECS-SEMANTICS §12: every row, in table order, with the table's numbers.
    #[test]
    fn every_section_12_row_is_present_in_order_with_the_tables_numbers() {
        let types = builtin_instance_types();
        assert_eq!(types.len(), SECTION_12.len());
        for (t, &(name, vcpu, gib_x100, price, reg_cpu, enis)) in types.iter().zip(SECTION_12) {
            assert_eq!(t.name, name);
            assert_eq!(t.vcpu, vcpu, "{name}");
            assert_eq!(t.memory_mib * 100, gib_x100 * 1024, "{name}");
            assert_eq!(t.price_per_hour_usd, price, "{name}");
            assert_eq!(t.registered_cpu_units, reg_cpu, "{name}");
            assert_eq!(t.max_enis, enis, "{name}");
        }
    }

    // ECS-SEMANTICS §12: registered CPU = vCPU × 1024.
    #[test]
    fn registered_cpu_is_vcpu_times_1024_for_every_builtin_type() {
        for t in builtin_instance_types() {
            assert_eq!(t.registered_cpu_units, t.vcpu * 1024, "{}", t.name);
        }
    }

    // ECS-SEMANTICS §12: documented examples m4.large 7985, c4.large 3768, c4.4xlarge 30158 MiB.
    #[test]
    fn the_three_documented_registered_memory_values_are_used_exactly() {
        let reg = |name| builtin_instance_type(name).unwrap().registered_memory_mib;
        assert_eq!(reg("m4.large"), 7985);
        assert_eq!(reg("c4.large"), 3768);
        assert_eq!(reg("c4.4xlarge"), 30158);
    }

    // ECS-SEMANTICS §12: floor(0.975 × nominal MiB) − ECS_RESERVED_MEMORY (0) for the others.
    #[test]
    fn other_builtin_types_register_the_modelled_memory() {
        assert_eq!(registered_memory_mib_for(8192), 7987);
        assert_eq!(registered_memory_mib_for(1024), 998);
        assert_eq!(registered_memory_mib_for(0), 0);
        assert_eq!(registered_memory_mib_for(u32::MAX), 4_187_593_112);
        assert_eq!(
            builtin_instance_type("m5.large")
                .unwrap()
                .registered_memory_mib,
            7987
        );
        assert_eq!(
            builtin_instance_type("t3.micro")
                .unwrap()
                .registered_memory_mib,
            998
        );
        assert_eq!(
            builtin_instance_type("g2.2xlarge")
                .unwrap()
                .registered_memory_mib,
            14976
        );
    }

    #[test]
    fn architecture_generation_and_gpus_follow_the_table_notes() {
        let arm: Vec<String> = builtin_instance_types()
            .into_iter()
            .filter(|t| t.cpu_architecture == CpuArchitecture::Arm64)
            .map(|t| t.name)
            .collect();
        assert_eq!(arm, ["m6g.large", "m7g.large"]);
        let previous: Vec<String> = builtin_instance_types()
            .into_iter()
            .filter(|t| t.previous_generation)
            .map(|t| t.name)
            .collect();
        assert_eq!(
            previous,
            [
                "t2.small",
                "t2.medium",
                "m4.large",
                "c4.large",
                "c4.4xlarge",
                "g2.2xlarge"
            ]
        );
        let gpus: Vec<(String, u32)> = builtin_instance_types()
            .into_iter()
            .filter(|t| t.gpus > 0)
            .map(|t| (t.name, t.gpus))
            .collect();
        assert_eq!(gpus, [("g2.2xlarge".to_string(), 1)]);
    }

    // SPEC §3.3: a custom type registers exactly vcpu × 1024 units and memory_mib MiB.
    #[test]
    fn a_custom_type_registers_exactly_its_vcpu_and_memory() {
        let t = InstanceType::custom("big.box", 6, 12_000, 0.5, CpuArchitecture::Arm64);
        assert_eq!(t.registered_cpu_units, 6144);
        assert_eq!(t.registered_memory_mib, 12_000);
        assert_eq!(t.max_enis, CUSTOM_INSTANCE_TYPE_MAX_ENIS);
        assert_eq!(t.gpus, 0);
        assert!(!t.previous_generation);
        assert_eq!(t.cpu_architecture, CpuArchitecture::Arm64);
    }

    // ECS-SEMANTICS §12: an awsvpc task without trunking uses max ENIs − 1 slots.
    #[test]
    fn awsvpc_task_slots_are_max_enis_minus_one() {
        assert_eq!(
            builtin_instance_type("c5.large")
                .unwrap()
                .awsvpc_task_slots(),
            2
        );
        assert_eq!(
            builtin_instance_type("m4.large")
                .unwrap()
                .awsvpc_task_slots(),
            1
        );
        assert_eq!(
            builtin_instance_type("m5.4xlarge")
                .unwrap()
                .awsvpc_task_slots(),
            7
        );
        let mut t = InstanceType::custom("x", 1, 1, 0.0, CpuArchitecture::X86_64);
        t.max_enis = 0;
        assert_eq!(t.awsvpc_task_slots(), 0);
    }

    #[test]
    fn lookup_by_name_is_exact() {
        assert_eq!(builtin_instance_type("t3.micro").unwrap().vcpu, 2);
        assert_eq!(builtin_instance_type("T3.micro"), None);
        assert_eq!(builtin_instance_type("t3.nano"), None);
    }

    #[test]
    fn the_instance_table_renders_aligned_columns() {
        let types: Vec<InstanceType> = ["t3.micro", "c4.large", "m6g.large", "g2.2xlarge"]
            .iter()
            .map(|n| builtin_instance_type(n).unwrap())
            .collect();
        assert_eq!(
            render_instance_types(&types),
            "\
type        vCPU  mem GiB  reg. CPU  reg. MiB  max ENIs  arch       $/h  notes
t3.micro       2        1      2048       998         2  x86_64  0.0104
c4.large       2     3.75      2048      3768         3  x86_64  0.1000  previous generation
m6g.large      2        8      2048      7987         3  arm64   0.0770
g2.2xlarge     8       15      8192     14976         4  x86_64  0.6500  previous generation, 1 GPU
"
        );
    }
}
