//! Advice: notes about a valid scenario whose run would not do what its author most likely meant.
//!
//! The section readers answer "is this a valid scenario?"; this module answers "will its tasks run?". AWS
//! accepts a service whose task is larger than any instance, or whose `memberOf` names an instance type the
//! cluster never launches; the run then places nothing and the user learns why only from `events.csv`. So,
//! once a load has no problem left, `advise` looks at the whole validated [`Scenario`] (every group, type and
//! constraint at once, which no single section reader sees) and adds [`Note`](super::Note)s, which print with
//! `validate`, `run` and `explain` and never stop a run:
//!
//! 1. a task that fits no instance type the cluster can launch (services not on Fargate, `run_task` events
//!    and scheduled tasks on EC2): which resource does not fit and the largest instance, or that the cluster
//!    launches no instance at all, and whether a type listed later in a group would have fitted;
//! 2. a `memberOf` expression (of a service, task definition, `run_task` or scheduled task) that no instance
//!    the cluster can have matches, with the values its instances have for the attributes it reads;
//! 3. a task whose requirements are each met by some instance but never all by the same one;
//! 4. `[[variants]]`, which `run` and `explain` ignore (`compare` runs them);
//! 5. an Auto Scaling group that lists several instance types: only the first is launched (SPEC §3.3).
//!
//! **The instances the cluster can have** are, for every Auto Scaling group whose `max_size` is above 0, its
//! first instance type in each of its zones, with the attributes a simulated container instance registers
//! (`ec2::launch`): the group's custom `attributes`, `ecs.availability-zone`, `ecs.instance-type`,
//! `ecs.os-type` (`linux`), `ecs.os-family` (`LINUX`) and `ecs.cpu-architecture`. A task fits an instance
//! type when its reserved CPU and memory ([`TaskDefinition::reserved_cpu_units`],
//! [`TaskDefinition::reserved_memory_mib`]) fit what the type registers, and a task definition whose
//! `runtime_platform` names an architecture needs a type of that architecture (the rule placement applies).
//!
//! **Never a false note.** Expressions are evaluated by the cluster query language's own evaluator
//! ([`crate::query`]) against a view of each instance that records whether the evaluation read anything
//! known only at run time: `task:group`, `runningTasksCount`, `agentConnected`, `agentVersion`,
//! `ec2InstanceId`, `registeredAt`, or a built-in attribute not listed above (AMI, VPC, subnet ids). An
//! evaluation that read none of them is exact; one that did counts as "could match". The integration tests
//! (`tests/it/advice.rs`) run each decidable case and check that placement agrees.
//!
//! Notes are made in a fixed order (services, `run_task` events, scheduled tasks, task definitions, groups,
//! variants; file order within each), then sorted by location with every other note.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use super::model::{LaunchTarget, Placement, PlacementConstraint, Scenario, TaskDefinition};
use super::placement::is_fargate;
use super::reader::{Cx, Locate};
use super::tree::{Kind, Node};
use crate::catalog::{CpuArchitecture, InstanceType};
use crate::query::{Expr, InstanceView};

/// The built-in attributes whose values are known before the run, as `ec2::launch` sets them.
const STATIC_BUILT_IN_ATTRIBUTES: [&str; 5] = [
    "ecs.availability-zone",
    "ecs.instance-type",
    "ecs.os-type",
    "ecs.os-family",
    "ecs.cpu-architecture",
];

/// Adds the notes of the module docs for `scenario`, read from `root` (used only to place the notes).
pub(super) fn advise(cx: &mut Cx, root: &Node, scenario: &Scenario) {
    let instances = launchable_instances(scenario);
    let consumers = consumers(root, scenario);
    for c in &consumers {
        let td = &scenario.task_definitions[c.task_definition];
        if let Some(message) = fit_note(scenario, td, &c.who) {
            cx.note_once(&format!("fit:{}", c.key), c.at, message);
            continue;
        }
        let mut each_met = true;
        for (expr, at) in &c.member_of {
            if let Some(message) = member_of_note(&instances, expr, at.as_str(), &c.who) {
                cx.note_once(
                    &format!("member-of:{}:{}", c.key, at.span.start),
                    *at,
                    message,
                );
                each_met = false;
            }
        }
        if each_met
            && !td_member_of_fails(&instances, td)
            && let Some(message) = together_note(&instances, td, c)
        {
            cx.note_once(&format!("together:{}", c.key), c.at, message);
        }
    }
    task_definition_member_of(cx, root, scenario, &instances, &consumers);
    several_instance_types(cx, root, scenario);
    variants(cx, root, scenario);
}

/// One instance the cluster can have: a group's first instance type in one of its zones.
struct Launchable<'s> {
    instance_type: &'s InstanceType,
    attributes: BTreeMap<String, String>,
}

fn launchable_instances(scenario: &Scenario) -> Vec<Launchable<'_>> {
    let mut out = Vec::new();
    for group in scenario
        .auto_scaling_groups
        .iter()
        .filter(|g| g.max_size > 0)
    {
        let Some(&first) = group.instance_types.first() else {
            continue;
        };
        let itype = &scenario.instance_types[first];
        for zone in &group.availability_zones {
            let mut attributes = group.attributes.clone();
            for (k, v) in [
                ("ecs.availability-zone", zone.as_str()),
                ("ecs.instance-type", itype.name.as_str()),
                ("ecs.os-type", "linux"),
                ("ecs.os-family", "LINUX"),
                ("ecs.cpu-architecture", itype.cpu_architecture.as_str()),
            ] {
                attributes.insert(k.to_string(), v.to_string());
            }
            out.push(Launchable {
                instance_type: itype,
                attributes,
            });
        }
    }
    out
}

/// The instance types the cluster launches: the first of each group that may have instances, once each.
fn launchable_types(scenario: &Scenario) -> Vec<&InstanceType> {
    let mut out: Vec<&InstanceType> = Vec::new();
    for group in scenario
        .auto_scaling_groups
        .iter()
        .filter(|g| g.max_size > 0)
    {
        if let Some(&first) = group.instance_types.first() {
            let t = &scenario.instance_types[first];
            if !out.iter().any(|o| o.name == t.name) {
                out.push(t);
            }
        }
    }
    out
}

/// Something that runs tasks on EC2: a service, a `run_task` event or a scheduled task.
struct Consumer<'s, 'n> {
    /// `service `web``, `event 2's run_task`, `scheduled task `nightly``.
    who: String,
    /// Unique per consumer, for de-duplicating notes.
    key: String,
    task_definition: usize,
    placement: &'s Placement,
    /// Where notes about its task go: its `task_definition` value (else its table).
    at: &'n Node,
    /// Its own memberOf expressions, each with the node of its `expression` string.
    member_of: Vec<(&'s Expr, &'n Node)>,
}

impl Consumer<'_, '_> {
    fn constraints(&self) -> impl Iterator<Item = &PlacementConstraint> {
        self.placement.constraints.iter()
    }
}

fn member_of(c: &PlacementConstraint) -> Option<&Expr> {
    match c {
        PlacementConstraint::MemberOf(e) => Some(e),
        PlacementConstraint::DistinctInstance => None,
    }
}

/// The `i`-th element of the list `section` of `root`.
fn item<'n>(root: &'n Node, section: &str, i: usize) -> Option<&'n Node> {
    match &root.get(section)?.kind {
        Kind::Array(items) => items.get(i),
        _ => None,
    }
}

/// The `expression` nodes of the memberOf items of `table.placement_constraints`, in order.
fn member_of_nodes(table: &Node) -> Vec<&Node> {
    let Some(Node {
        kind: Kind::Array(items),
        ..
    }) = table.get("placement_constraints")
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|i| i.get("type").and_then(Node::as_str) == Some("memberOf"))
        .filter_map(|i| i.get("expression"))
        .collect()
}

/// Pairs the memberOf expressions of `placement` with their nodes in `table` (the model keeps them in file
/// order; a placement template adds only distinctInstance).
fn pair<'s, 'n>(placement: &'s Placement, table: &'n Node) -> Vec<(&'s Expr, &'n Node)> {
    let exprs = placement.constraints.iter().filter_map(member_of);
    exprs.zip(member_of_nodes(table)).collect()
}

fn consumers<'s, 'n>(root: &'n Node, scenario: &'s Scenario) -> Vec<Consumer<'s, 'n>> {
    let mut out = Vec::new();
    let mut push = |who: String,
                    key: String,
                    launch: &LaunchTarget,
                    td: usize,
                    placement: &'s Placement,
                    table: Option<&'n Node>| {
        let Some(table) = table else { return };
        if is_fargate(launch) {
            return;
        }
        out.push(Consumer {
            who,
            key,
            task_definition: td,
            placement,
            at: table.get("task_definition").unwrap_or(table),
            member_of: pair(placement, table),
        });
    };
    for (i, s) in scenario.services.iter().enumerate() {
        push(
            format!("service `{}`", s.name),
            format!("services.{i}"),
            &s.launch,
            s.task_definition,
            &s.placement,
            item(root, "services", i),
        );
    }
    for (i, e) in scenario.events.iter().enumerate() {
        if let super::model::EventAction::RunTask(call) = &e.action {
            push(
                format!("event {i}'s run_task"),
                format!("events.{i}"),
                &call.launch,
                call.task_definition,
                &call.placement,
                item(root, "events", i).and_then(|n| n.get("run_task")),
            );
        }
    }
    for (i, s) in scenario.scheduled_tasks.iter().enumerate() {
        push(
            format!("scheduled task `{}`", s.name),
            format!("scheduled_tasks.{i}"),
            &s.run_task.launch,
            s.run_task.task_definition,
            &s.run_task.placement,
            item(root, "scheduled_tasks", i),
        );
    }
    out
}

/// Whether `td` fits an instance of `t` (CPU, memory, and the architecture its runtime platform names).
fn fits(td: &TaskDefinition, t: &InstanceType) -> bool {
    arch_fits(td, t)
        && td.reserved_cpu_units() <= t.registered_cpu_units
        && td.reserved_memory_mib() <= t.registered_memory_mib
}

/// A written `runtime_platform.cpu_architecture` needs an instance of that architecture; an omitted one
/// takes any.
fn arch_fits(td: &TaskDefinition, t: &InstanceType) -> bool {
    td.runtime_platform
        .cpu_architecture
        .is_none_or(|a| a == t.cpu_architecture)
}

/// The note when `td` fits no instance type the cluster launches, for `who`.
fn fit_note(scenario: &Scenario, td: &TaskDefinition, who: &str) -> Option<String> {
    let types = launchable_types(scenario);
    let name = td.family_revision();
    let none = format!("no task of {who} can be placed");
    if types.is_empty() {
        return Some(format!(
            "the cluster has no Auto Scaling group that can launch instances, so {who}, which runs on EC2, \
             has nowhere to run: {none}; add an Auto Scaling group, or use the FARGATE launch type"
        ));
    }
    if types.iter().any(|t| fits(td, t)) {
        return None;
    }
    let later = later_types_that_fit(scenario, td);
    let compatible: Vec<&InstanceType> =
        types.iter().copied().filter(|t| arch_fits(td, t)).collect();
    let mut message = if compatible.is_empty() {
        let (wanted, other) = match td.runtime_platform.architecture() {
            CpuArchitecture::Arm64 => ("ARM64", "x86_64"),
            CpuArchitecture::X86_64 => ("X86_64", "arm64"),
        };
        format!(
            "task definition {name} runs on {wanted} (runtime_platform.cpu_architecture), but the cluster \
             launches only {other} instances ({}); {none}",
            names(&types)
        )
    } else {
        shortfall(td, &compatible, &none)
    };
    if let Some(later) = later {
        message.push_str(&format!(
            "; {later}, listed later in the instance_types of its Auto Scaling group, would fit, but only the \
             first listed type is launched"
        ));
    }
    Some(message)
}

/// Which resource of `td` no compatible type has, and the largest instance.
fn shortfall(td: &TaskDefinition, types: &[&InstanceType], none: &str) -> String {
    let name = td.family_revision();
    let (cpu, mem) = (td.reserved_cpu_units(), td.reserved_memory_mib());
    let by_cpu = types
        .iter()
        .max_by_key(|t| t.registered_cpu_units)
        .expect("at least one type");
    let by_mem = types
        .iter()
        .max_by_key(|t| t.registered_memory_mib)
        .expect("at least one type");
    let cpu_short = cpu > by_cpu.registered_cpu_units;
    let mem_short = mem > by_mem.registered_memory_mib;
    match (cpu_short, mem_short) {
        (true, false) => format!(
            "task definition {name} reserves {cpu} CPU units; the largest instance the cluster can launch, \
             {}, registers {} CPU units; {none}",
            by_cpu.name, by_cpu.registered_cpu_units
        ),
        (false, true) => format!(
            "task definition {name} reserves {mem} MiB of memory; the largest instance the cluster can \
             launch, {}, registers {} MiB; {none}",
            by_mem.name, by_mem.registered_memory_mib
        ),
        (true, true) if by_cpu.name == by_mem.name => format!(
            "task definition {name} reserves {cpu} CPU units and {mem} MiB of memory; the largest instance \
             the cluster can launch, {}, registers {} CPU units and {} MiB; {none}",
            by_cpu.name, by_cpu.registered_cpu_units, by_cpu.registered_memory_mib
        ),
        (true, true) => format!(
            "task definition {name} reserves {cpu} CPU units and {mem} MiB of memory; the largest instances \
             the cluster can launch register {} CPU units ({}) and {} MiB ({}); {none}",
            by_cpu.registered_cpu_units, by_cpu.name, by_mem.registered_memory_mib, by_mem.name
        ),
        (false, false) => {
            let each: Vec<String> = types
                .iter()
                .map(|t| {
                    format!(
                        "{} registers {} CPU units and {} MiB",
                        t.name, t.registered_cpu_units, t.registered_memory_mib
                    )
                })
                .collect();
            format!(
                "task definition {name} reserves {cpu} CPU units and {mem} MiB of memory; no instance type \
                 the cluster can launch has both ({}); {none}",
                each.join(", ")
            )
        }
    }
}

/// The types listed after the first in some group that would fit `td`, as `a` or `a and b`.
fn later_types_that_fit(scenario: &Scenario, td: &TaskDefinition) -> Option<String> {
    let mut found: Vec<&InstanceType> = Vec::new();
    for group in scenario
        .auto_scaling_groups
        .iter()
        .filter(|g| g.max_size > 0)
    {
        for &i in group.instance_types.iter().skip(1) {
            let t = &scenario.instance_types[i];
            if fits(td, t) && !found.iter().any(|f| f.name == t.name) {
                found.push(t);
            }
        }
    }
    (!found.is_empty()).then(|| names(&found))
}

/// `a`, `a and b`, `a, b and c`.
fn names(types: &[&InstanceType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
    join_and(&names)
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A view of a launchable instance for the query evaluator that records what the evaluation read: whether
/// it needed anything known only at run time, and which attributes.
struct Probe<'a> {
    attributes: &'a BTreeMap<String, String>,
    run_time: Cell<bool>,
    read: RefCell<BTreeSet<String>>,
}

impl InstanceView for Probe<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        if name.starts_with("ecs.") && !STATIC_BUILT_IN_ATTRIBUTES.contains(&name) {
            self.run_time.set(true);
            return None;
        }
        self.read.borrow_mut().insert(name.to_string());
        self.attributes.get(name).map(String::as_str)
    }
    fn any_task_group(&self, _: &mut dyn FnMut(&str) -> bool) -> bool {
        self.run_time.set(true);
        false
    }
    fn agent_connected(&self) -> bool {
        self.run_time.set(true);
        true
    }
    fn ec2_instance_id(&self) -> &str {
        self.run_time.set(true);
        ""
    }
    fn agent_version(&self) -> &str {
        self.run_time.set(true);
        ""
    }
    fn running_tasks_count(&self) -> u32 {
        self.run_time.set(true);
        0
    }
    fn registered_at_unix_ms(&self) -> i64 {
        self.run_time.set(true);
        0
    }
}

/// Whether `expr` could match `instance` (true when it reads run-time state), and the attributes it read.
fn could_match(expr: &Expr, instance: &Launchable) -> (bool, BTreeSet<String>) {
    let probe = Probe {
        attributes: &instance.attributes,
        run_time: Cell::new(false),
        read: RefCell::new(BTreeSet::new()),
    };
    let matches = expr.matches(&probe);
    (matches || probe.run_time.get(), probe.read.into_inner())
}

/// The note when `expr` (`written` so in the file, if known) matches no instance the cluster can have.
fn member_of_note(
    instances: &[Launchable],
    expr: &Expr,
    written: Option<&str>,
    who: &str,
) -> Option<String> {
    if instances.is_empty() {
        return None;
    }
    let mut read = BTreeSet::new();
    for i in instances {
        let (could, names) = could_match(expr, i);
        if could {
            return None;
        }
        read.extend(names);
    }
    let written = written.map_or_else(|| expr.to_string(), str::to_string);
    Some(format!(
        "no instance the cluster can launch matches memberOf `{written}`{}; no task of {who} can be placed",
        what_instances_have(instances, &read)
    ))
}

/// `: its instances have ecs.instance-type m5.large or c5.large, and no `team` attribute`.
fn what_instances_have(instances: &[Launchable], read: &BTreeSet<String>) -> String {
    let mut parts = Vec::new();
    let mut missing = Vec::new();
    for name in read {
        let values: BTreeSet<&str> = instances
            .iter()
            .filter_map(|i| i.attributes.get(name).map(String::as_str))
            .collect();
        if values.is_empty() {
            missing.push(format!("`{name}`"));
            continue;
        }
        let mut shown: Vec<&str> = values.iter().copied().take(6).collect();
        if values.len() > 6 {
            shown.push("…");
        }
        let list = match shown.as_slice() {
            [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => shown.join(""),
        };
        parts.push(format!("{name} {list}"));
    }
    if !missing.is_empty() {
        let attr = if missing.len() == 1 {
            "attribute"
        } else {
            "attributes"
        };
        let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
        parts.push(format!(
            "no {} {attr}",
            join_and(&missing).replace(" and ", " or ")
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        format!(": its instances have {}", join_and(&parts))
    }
}

/// The note when each requirement of `c` (running `td`) is met by some instance but none meets them all.
fn together_note(instances: &[Launchable], td: &TaskDefinition, c: &Consumer) -> Option<String> {
    let constraints = td.placement_constraints.iter().chain(c.constraints());
    let exprs: Vec<&Expr> = constraints.filter_map(member_of).collect();
    let allowed: Vec<&Launchable> = instances
        .iter()
        .filter(|i| exprs.iter().all(|e| could_match(e, i).0))
        .collect();
    if instances.is_empty() || allowed.iter().any(|i| fits(td, i.instance_type)) {
        return None;
    }
    let name = td.family_revision();
    let who = &c.who;
    let none = format!("no task of {who} can be placed");
    if allowed.is_empty() {
        return Some(format!(
            "each memberOf constraint of {who} (its own and task definition {name}'s) matches some instance \
             the cluster can launch, but no instance matches them all; {none}"
        ));
    }
    let mut fitting: Vec<&InstanceType> = Vec::new();
    let mut permitted: Vec<&InstanceType> = Vec::new();
    for i in instances {
        let t = i.instance_type;
        if fits(td, t) && !fitting.iter().any(|f| f.name == t.name) {
            fitting.push(t);
        }
    }
    for i in &allowed {
        if !permitted.iter().any(|p| p.name == i.instance_type.name) {
            permitted.push(i.instance_type);
        }
    }
    if permitted
        .iter()
        .any(|p| fitting.iter().any(|f| f.name == p.name))
    {
        return Some(format!(
            "task definition {name} fits some instances the cluster can launch and the memberOf constraints \
             of {who} allow others, but no instance is both; {none}"
        ));
    }
    Some(format!(
        "task definition {name} fits only {}, but the memberOf constraints of {who} allow only {}; {none}",
        names(&fitting),
        names(&permitted)
    ))
}

/// Whether one of `td`'s own memberOf expressions matches no instance (noted on the task definition).
fn td_member_of_fails(instances: &[Launchable], td: &TaskDefinition) -> bool {
    td.placement_constraints
        .iter()
        .filter_map(member_of)
        .any(|e| instances.iter().all(|i| !could_match(e, i).0))
}

/// Notes each memberOf of a task definition that runs on EC2 and that no instance matches.
fn task_definition_member_of(
    cx: &mut Cx,
    root: &Node,
    scenario: &Scenario,
    instances: &[Launchable],
    consumers: &[Consumer],
) {
    for (t, td) in scenario.task_definitions.iter().enumerate() {
        let users: Vec<&str> = consumers
            .iter()
            .filter(|c| c.task_definition == t)
            .map(|c| c.who.as_str())
            .collect();
        if users.is_empty() {
            continue;
        }
        let Some(table) = item(root, "task_definitions", t) else {
            continue;
        };
        let who = format!(
            "task definition {} ({})",
            td.family_revision(),
            join_and(&users)
        );
        let exprs = td.placement_constraints.iter().filter_map(member_of);
        let nodes = member_of_nodes(table);
        for (j, expr) in exprs.enumerate() {
            // The tree does not hold an imported JSON file: the note goes to its `file` value and shows the
            // expression in its canonical form.
            let (at, written) = match table.get("file") {
                Some(file) => (file, None),
                None => {
                    let node = nodes.get(j).copied().unwrap_or(table);
                    (node, node.as_str())
                }
            };
            if let Some(message) = member_of_note(instances, expr, written, &who) {
                cx.note_once(&format!("member-of:task_definitions.{t}:{j}"), at, message);
            }
        }
    }
}

/// Notes a group that lists several instance types: only the first is launched.
fn several_instance_types(cx: &mut Cx, root: &Node, scenario: &Scenario) {
    for (g, group) in scenario.auto_scaling_groups.iter().enumerate() {
        if group.instance_types.len() < 2 {
            continue;
        }
        let Some(list) = item(root, "auto_scaling_groups", g).and_then(|n| n.get("instance_types"))
        else {
            continue;
        };
        let at: &dyn Locate = match &list.kind {
            Kind::Array(items) if items.len() > 1 => &items[1],
            _ => list,
        };
        let types: Vec<&InstanceType> = group
            .instance_types
            .iter()
            .map(|&i| &scenario.instance_types[i])
            .collect();
        cx.note_once(
            &format!("instance-types:{g}"),
            at,
            format!(
                "auto scaling group `{}` lists {} instance types, but ecsim launches only the first, {}; \
                 {} {} never launched (the other types are kept for capacity-provider sizing and future \
                 mixed-instances policies)",
                group.name,
                types.len(),
                types[0].name,
                names(&types[1..]),
                if types.len() == 2 { "is" } else { "are" }
            ),
        );
    }
}

/// How the `[[variants]]` note ends (`compare`, which does run them, leaves it out).
const VARIANTS_NOTE_END: &str = "use `ecsim compare` to run each variant";

/// Whether `note` is the one telling `run` and `explain` users that the variants are ignored: `compare`
/// leaves it out.
pub fn is_variants_note(note: &super::Note) -> bool {
    note.message.ends_with(VARIANTS_NOTE_END)
}

/// Notes `[[variants]]`: `run` and `explain` simulate the base scenario only.
fn variants(cx: &mut Cx, root: &Node, scenario: &Scenario) {
    let n = scenario.variants.len();
    if n == 0 {
        return;
    }
    let Some((key, _)) = root
        .entries()
        .and_then(|e| e.iter().find(|(k, _)| k.name == "variants"))
    else {
        return;
    };
    cx.note_once(
        "variants",
        key,
        format!(
            "the scenario defines {n} variant{}; `run` and `explain` simulate the base scenario only and \
             ignore {}: {VARIANTS_NOTE_END}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        ),
    );
}
