//! The placement pipeline (§1.1): status filter, resource filter, constraint filter, strategy ranking, select.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::explain::{Explanation, InstanceList, InstanceRef, StatusReason, Step};
use super::failure::{ClosestMatch, PlacementFailure};
use super::index::{CandidateView, Hot, InstanceIdx, InstanceStatus, PlacementIndex};
use super::resources::{ResourceKind, TaskRequirements};
use super::strategy::{BinpackField, PlacementConstraint, PlacementStrategy, SpreadField};
use crate::query::Expr;

/// Cached `memberOf` results kept at most (least recently used evicted).
const MEMBER_OF_CACHE_ENTRIES: usize = 32;
/// Cached spread attributes kept at most.
const ATTRIBUTE_CACHE_ENTRIES: usize = 8;

/// The outcome of placing one task: the instance or the failure, and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementDecision {
    /// The chosen instance, or why there is none.
    pub result: Result<InstanceIdx, PlacementFailure>,
    /// Which instances each step removed or kept.
    pub explanation: Explanation,
}

/// Reusable buffers and caches for placement, owned by the caller (one per World) so that steady-state
/// decisions do not rebuild anything (STYLE 14). It never changes a decision: results are identical with a
/// fresh scratch, and with explanations on or off.
#[derive(Debug)]
pub struct PlacementScratch {
    /// Whether decisions carry their [`Explanation`]'s steps (on by default). A simulation that nobody
    /// asked to explain turns them off: the steps then stay empty and a decision allocates nothing.
    pub explain: bool,
    /// How many instance ids each explanation step lists (the counts are always exact). 3 by default; set
    /// `usize::MAX` for `ecsim explain`.
    pub listed_ids: usize,
    caches: Caches,
    work: Work,
    decisions: Vec<PlacementDecision>,
}

impl Default for PlacementScratch {
    fn default() -> Self {
        PlacementScratch {
            explain: true,
            listed_ids: 3,
            caches: Caches::default(),
            work: Work::default(),
            decisions: Vec::new(),
        }
    }
}

impl PlacementScratch {
    /// A scratch listing 3 ids per explanation step.
    pub fn new() -> Self {
        PlacementScratch::default()
    }
}

#[derive(Debug, Default)]
struct Caches {
    clock: u64,
    member_of: Vec<MemberOfCache>,
    attributes: Vec<AttributeValues>,
    key: String,
}

/// `memberOf` results per slot for a task-independent expression, valid for one index version.
#[derive(Debug)]
struct MemberOfCache {
    key: Arc<str>,
    version: u64,
    passes: Vec<bool>,
    last_used: u64,
}

/// An attribute's value per slot, interned; value 0 is "attribute missing" (§1.3 DECIDED: its own group).
#[derive(Debug)]
struct AttributeValues {
    name: Arc<str>,
    version: u64,
    value_of: Vec<u32>,
    values: Vec<Option<Arc<str>>>,
    /// Instances (any status) per value.
    instances: Vec<u32>,
    last_used: u64,
}

#[derive(Debug, Default)]
struct Work {
    /// Per slot: tasks of the group (desiredStatus RUNNING), including those placed earlier in the batch;
    /// filled only when spread(instanceId) or distinctInstance reads it.
    group_count: Vec<u32>,
    /// Per slot: tasks placed earlier in the batch.
    batch_placed: Vec<u32>,
    /// Slots whose `group_count` / `batch_placed` may be non-zero.
    dirty: Vec<u32>,
    /// Per spread-attribute rule: tasks of the group per value (all instances, batch included). The first
    /// `tables_used` are this batch's; the rest keep their buffers for later batches.
    tables: Vec<Vec<u32>>,
    tables_used: usize,
    /// The batch's constraint checks and strategy rules, in the order given.
    checks: Vec<Check>,
    rules: Vec<Rule>,
    value_seen: Vec<bool>,
    /// Scan positions of the candidates still tied.
    ties: Vec<u32>,
    kept: Vec<u32>,
}

/// How a constraint is checked: `distinctInstance`, a cached task-independent `memberOf` (cache entry), or
/// a `memberOf` reading tasks, evaluated per instance (index into the batch's constraints).
#[derive(Clone, Copy, Debug)]
enum Check {
    Distinct,
    Cached(usize),
    Dynamic(usize),
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    Binpack(BinpackField),
    SpreadInstance,
    SpreadAttribute { attr: usize, table: usize },
    Random,
}

struct Batch<'a> {
    req: &'a TaskRequirements,
    index: &'a PlacementIndex,
    constraints: &'a [PlacementConstraint],
    checks: &'a [Check],
    rules: &'a [Rule],
    group: Arc<str>,
    /// Whether to build the explanation's steps.
    explain: bool,
    limit: usize,
    count: u32,
}

/// Places one task. See [`place_many`].
pub fn place(
    req: &TaskRequirements,
    index: &PlacementIndex,
    constraints: &[PlacementConstraint],
    strategies: &[PlacementStrategy],
    rng: &mut ChaCha8Rng,
    scratch: &mut PlacementScratch,
) -> PlacementDecision {
    let mut d = place_many(1, req, index, constraints, strategies, rng, scratch);
    d.pop().expect("place_many(1) returns one decision")
}

/// Places `count` tasks of the same requirements one after the other, as if each earlier task had been
/// applied: its resources, its static ports, its group count (spread, default logic, `distinctInstance`,
/// `task:group`) and ENI slot count for the later ones (§1.3 DECIDED: a batch of 6 spreads).
///
/// Returns one decision per task placed; if a task cannot be placed, its failed decision is the last one
/// (the remaining tasks would fail identically, since nothing changes). It does not modify the index: the
/// caller applies each `Ok` decision (`add_group_task`, `reserve`) in order.
///
/// `strategies` empty means no ranking (every candidate ties and the RNG draws); pass
/// [`default_service_strategies`](super::default_service_strategies) or
/// [`default_run_task_strategies`](super::default_run_task_strategies) for the AWS defaults. `rng` is the
/// `placement/<group>` stream; it is drawn once per decision that has more than one final candidate.
pub fn place_many(
    count: u32,
    req: &TaskRequirements,
    index: &PlacementIndex,
    constraints: &[PlacementConstraint],
    strategies: &[PlacementStrategy],
    rng: &mut ChaCha8Rng,
    scratch: &mut PlacementScratch,
) -> Vec<PlacementDecision> {
    decide_many(count, req, index, constraints, strategies, rng, scratch).to_vec()
}

/// [`place_many`] into the scratch's own buffer, which the next call reuses: the hot path's way, with no
/// allocation once the buffers have grown.
pub fn decide_many<'s>(
    count: u32,
    req: &TaskRequirements,
    index: &PlacementIndex,
    constraints: &[PlacementConstraint],
    strategies: &[PlacementStrategy],
    rng: &mut ChaCha8Rng,
    scratch: &'s mut PlacementScratch,
) -> &'s [PlacementDecision] {
    let PlacementScratch {
        explain,
        listed_ids,
        caches,
        work,
        decisions: out,
    } = scratch;
    out.clear();
    if count == 0 {
        return out;
    }
    let n_slots = index.slots.len();
    work.group_count.resize(n_slots, 0);
    work.batch_placed.resize(n_slots, 0);
    let gid = index.group_id(&req.group);
    // Per-instance group counts are only read by spread(instanceId) and distinctInstance.
    let needs_group_count = strategies
        .contains(&PlacementStrategy::Spread(SpreadField::InstanceId))
        || constraints
            .iter()
            .any(|c| matches!(c, PlacementConstraint::DistinctInstance));
    let group = match gid {
        Some(g) => {
            if needs_group_count {
                for &(s, n) in &index.group_members[g.0 as usize] {
                    work.group_count[s as usize] = n;
                    work.dirty.push(s);
                }
            }
            index.group_names[g.0 as usize].clone()
        }
        None => req.group.as_str().into(),
    };
    caches.clock += 1;
    let mut checks = std::mem::take(&mut work.checks);
    checks.clear();
    for (k, c) in constraints.iter().enumerate() {
        let check = match c {
            PlacementConstraint::DistinctInstance => Check::Distinct,
            PlacementConstraint::MemberOf(e) if !e.depends_on_tasks() => {
                Check::Cached(caches.member_of_entry(e, index))
            }
            PlacementConstraint::MemberOf(_) => Check::Dynamic(k),
        };
        checks.push(check);
    }
    work.tables_used = 0;
    let mut rules = std::mem::take(&mut work.rules);
    rules.clear();
    for s in strategies {
        let rule = match s {
            PlacementStrategy::Binpack(f) => Rule::Binpack(*f),
            PlacementStrategy::Random => Rule::Random,
            PlacementStrategy::Spread(SpreadField::InstanceId) => Rule::SpreadInstance,
            PlacementStrategy::Spread(SpreadField::Attribute(name)) => {
                let attr = caches.attribute_entry(name, index);
                let values = &caches.attributes[attr];
                if work.tables.len() == work.tables_used {
                    work.tables.push(Vec::new());
                }
                let table = &mut work.tables[work.tables_used];
                table.clear();
                table.resize(values.values.len(), 0);
                if let Some(g) = gid {
                    for &(s, n) in &index.group_members[g.0 as usize] {
                        table[values.value_of[s as usize] as usize] += n;
                    }
                }
                work.tables_used += 1;
                Rule::SpreadAttribute {
                    attr,
                    table: work.tables_used - 1,
                }
            }
        };
        rules.push(rule);
    }
    let batch = Batch {
        req,
        index,
        constraints,
        checks: &checks,
        rules: &rules,
        group,
        explain: *explain,
        limit: if *explain { *listed_ids } else { 0 },
        count,
    };
    for i in 0..count {
        let d = decide(&batch, caches, work, rng, i);
        let placed = d.result.as_ref().ok().copied();
        out.push(d);
        let Some(idx) = placed else { break };
        let s = idx.0 as usize;
        work.batch_placed[s] += 1;
        work.group_count[s] += 1;
        work.dirty.push(idx.0);
        for rule in batch.rules {
            if let Rule::SpreadAttribute { attr, table } = *rule {
                work.tables[table][caches.attributes[attr].value_of[s] as usize] += 1;
            }
        }
    }
    for s in work.dirty.drain(..) {
        work.group_count[s as usize] = 0;
        work.batch_placed[s as usize] = 0;
    }
    work.checks = checks;
    work.rules = rules;
    out
}

impl Caches {
    fn member_of_entry(&mut self, e: &Expr, index: &PlacementIndex) -> usize {
        use std::fmt::Write;
        self.key.clear();
        write!(self.key, "memberOf({e})").expect("writing to a String cannot fail");
        let clock = self.clock;
        let i = match self.member_of.iter().position(|c| *c.key == *self.key) {
            Some(i) => i,
            None => {
                if self.member_of.len() >= MEMBER_OF_CACHE_ENTRIES {
                    let lru = (0..self.member_of.len())
                        .min_by_key(|&i| self.member_of[i].last_used)
                        .unwrap_or(0);
                    self.member_of.swap_remove(lru);
                }
                self.member_of.push(MemberOfCache {
                    key: self.key.as_str().into(),
                    version: u64::MAX,
                    passes: Vec::new(),
                    last_used: clock,
                });
                self.member_of.len() - 1
            }
        };
        let entry = &mut self.member_of[i];
        entry.last_used = clock;
        if entry.version != index.static_version || entry.passes.len() != index.slots.len() {
            entry.passes.clear();
            entry.passes.resize(index.slots.len(), false);
            for h in &index.scan {
                let slot = index.slots[h.slot as usize]
                    .as_ref()
                    .expect("scanned slot is occupied");
                entry.passes[h.slot as usize] = e.matches(&CandidateView::new(index, slot, None));
            }
            entry.version = index.static_version;
        }
        i
    }

    fn attribute_entry(&mut self, name: &str, index: &PlacementIndex) -> usize {
        let clock = self.clock;
        let i = match self.attributes.iter().position(|a| *a.name == *name) {
            Some(i) => i,
            None => {
                if self.attributes.len() >= ATTRIBUTE_CACHE_ENTRIES {
                    let lru = (0..self.attributes.len())
                        .min_by_key(|&i| self.attributes[i].last_used)
                        .unwrap_or(0);
                    self.attributes.swap_remove(lru);
                }
                self.attributes.push(AttributeValues {
                    name: name.into(),
                    version: u64::MAX,
                    value_of: Vec::new(),
                    values: Vec::new(),
                    instances: Vec::new(),
                    last_used: clock,
                });
                self.attributes.len() - 1
            }
        };
        let entry = &mut self.attributes[i];
        entry.last_used = clock;
        if entry.version != index.static_version || entry.value_of.len() != index.slots.len() {
            entry.value_of.clear();
            entry.value_of.resize(index.slots.len(), 0);
            entry.values.clear();
            entry.values.push(None);
            let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
            for h in &index.scan {
                let s = h.slot;
                let c = index.candidate_at(s);
                if let Some(v) = c.attributes.get(name) {
                    let next = entry.values.len() as u32;
                    let id = *ids.entry(v.as_str()).or_insert(next);
                    if id == next {
                        entry.values.push(Some(v.as_str().into()));
                    }
                    entry.value_of[s as usize] = id;
                }
            }
            entry.instances.clear();
            entry.instances.resize(entry.values.len(), 0);
            for h in &index.scan {
                entry.instances[entry.value_of[h.slot as usize] as usize] += 1;
            }
            entry.version = index.static_version;
        }
        i
    }
}

/// The constraint `k` as written, for an explanation.
fn constraint_label(b: &Batch<'_>, caches: &Caches, k: usize) -> Arc<str> {
    match b.checks[k] {
        Check::Distinct => Arc::from("distinctInstance"),
        Check::Cached(i) => caches.member_of[i].key.clone(),
        Check::Dynamic(_) => Arc::from(b.constraints[k].to_string()),
    }
}

fn instance_ref(index: &PlacementIndex, s: u32) -> InstanceRef {
    InstanceRef {
        idx: InstanceIdx(s),
        ec2_instance_id: index.candidate_at(s).ec2_instance_id.clone(),
    }
}

fn passes(b: &Batch<'_>, caches: &Caches, work: &Work, check: Check, s: u32) -> bool {
    match check {
        Check::Distinct => work.group_count[s as usize] == 0,
        Check::Cached(i) => caches.member_of[i].passes[s as usize],
        Check::Dynamic(k) => {
            let PlacementConstraint::MemberOf(e) = &b.constraints[k] else {
                unreachable!("a dynamic check is a memberOf")
            };
            let slot = b.index.slots[s as usize]
                .as_ref()
                .expect("scanned slot is occupied");
            let extra = (work.batch_placed[s as usize] > 0).then_some(b.req.group.as_str());
            e.matches(&CandidateView::new(b.index, slot, extra))
        }
    }
}

/// Where a rule's key (lower is better) comes from, with the slices resolved once per decision.
#[derive(Clone, Copy)]
enum Key<'x> {
    Binpack(BinpackField),
    SpreadInstance,
    SpreadAttribute {
        value_of: &'x [u32],
        totals: &'x [u32],
    },
}

impl Key<'_> {
    #[inline]
    fn of(self, b: &Batch<'_>, group_count: &[u32], batch_placed: &[u32], h: &Hot) -> u32 {
        let s = h.slot as usize;
        match self {
            Key::Binpack(BinpackField::Cpu) => {
                h.remaining_cpu_units - batch_placed[s] * b.req.cpu_units
            }
            Key::Binpack(BinpackField::Memory) => {
                h.remaining_memory_mib - batch_placed[s] * b.req.memory_mib
            }
            Key::SpreadInstance => group_count[s],
            Key::SpreadAttribute { value_of, totals } => totals[value_of[s] as usize],
        }
    }
}

pub(crate) fn draw(rng: &mut ChaCha8Rng, n: usize) -> usize {
    if n <= 1 {
        0
    } else {
        rng.random_range(0..n as u32) as usize
    }
}

/// `ties` are scan positions.
fn kept_list(index: &PlacementIndex, ties: &[u32], limit: usize) -> InstanceList {
    let listed = ties
        .iter()
        .take(limit)
        .map(|&p| instance_ref(index, index.scan[p as usize].slot))
        .collect();
    InstanceList {
        count: ties.len() as u32,
        listed,
    }
}

fn rule_step(
    b: &Batch<'_>,
    caches: &Caches,
    tables: &[Vec<u32>],
    seen: &mut Vec<bool>,
    rule: Rule,
    best: u32,
    ties: &[u32],
) -> Step {
    let kept = kept_list(b.index, ties, b.limit);
    match rule {
        Rule::Binpack(field) => Step::Binpack {
            field,
            remaining: best,
            kept,
        },
        Rule::SpreadInstance => Step::Spread {
            attribute: None,
            tasks_of_group: best,
            value_count: 0,
            values: vec![],
            kept,
        },
        Rule::SpreadAttribute { attr, table } => {
            let a = &caches.attributes[attr];
            seen.clear();
            seen.resize(a.values.len(), false);
            // At most the values whose count equals `best` can be among the ties: stop once all are seen.
            let bound = tables[table]
                .iter()
                .zip(&a.instances)
                .filter(|&(&t, &n)| t == best && n > 0)
                .count() as u32;
            let (mut value_count, mut values) = (0, Vec::new());
            for &p in ties {
                if value_count == bound {
                    break;
                }
                let v = a.value_of[b.index.scan[p as usize].slot as usize] as usize;
                if !seen[v] {
                    seen[v] = true;
                    value_count += 1;
                    if values.len() < b.limit {
                        values.push(a.values[v].clone());
                    }
                }
            }
            Step::Spread {
                attribute: Some(a.name.clone()),
                tasks_of_group: best,
                value_count,
                values,
                kept,
            }
        }
        Rule::Random => Step::Random {
            among: ties.len() as u32,
        },
    }
}

fn decide(
    b: &Batch<'_>,
    caches: &Caches,
    work: &mut Work,
    rng: &mut ChaCha8Rng,
    task: u32,
) -> PlacementDecision {
    let index = b.index;
    let limit = b.limit;
    let mut status: [InstanceList; 3] = Default::default();
    let mut resources: [InstanceList; 5] = Default::default();
    // Which instances each constraint removed: only kept for an explanation.
    let mut by_constraint: Vec<InstanceList> = if b.explain {
        b.checks.iter().map(|_| InstanceList::default()).collect()
    } else {
        Vec::new()
    };
    let mut ties = std::mem::take(&mut work.ties);
    ties.clear();
    let key_of = |rule: Rule| match rule {
        Rule::Binpack(f) => Some(Key::Binpack(f)),
        Rule::SpreadInstance => Some(Key::SpreadInstance),
        Rule::SpreadAttribute { attr, table } => Some(Key::SpreadAttribute {
            value_of: &caches.attributes[attr].value_of,
            totals: &work.tables[table],
        }),
        Rule::Random => None,
    };
    // The first rule ranks during the scan: `ties` only ever holds the best candidates seen so far.
    let first = b.rules.first().and_then(|r| key_of(*r));
    let mut best = u32::MAX;
    let has_ports = !b.req.static_host_ports_tcp.is_empty()
        || !b.req.static_host_ports_udp.is_empty()
        || b.req.dynamic_host_ports_tcp > 0
        || b.req.dynamic_host_ports_udp > 0;
    let req = b.req;
    let (cpu, mem, gpu) = (
        u64::from(req.cpu_units),
        u64::from(req.memory_mib),
        u64::from(req.gpus),
    );
    for (p, h) in index.scan.iter().enumerate() {
        let s = h.slot;
        let already = work.batch_placed[s as usize];
        let n = u64::from(already) + 1;
        // Branch-light common case; the exact classification below runs only for instances that fail it
        // (or when ports need the full candidate).
        let plain_fit = h.eligible
            & (u64::from(h.remaining_cpu_units) >= n * cpu)
            & (u64::from(h.remaining_memory_mib) >= n * mem)
            & (u64::from(h.remaining_gpus) >= n * gpu)
            & (!req.needs_eni | (u64::from(h.free_eni_slots) >= n));
        if !plain_fit || has_ports {
            if !h.eligible {
                let reason = match index.candidate_at(s).status {
                    InstanceStatus::Draining => 0,
                    InstanceStatus::Active => 2,
                    _ => 1,
                };
                status[reason].note(limit, || instance_ref(index, s));
                continue;
            }
            if let Some(kind) = h.first_lacking(req, already, has_ports, || index.candidate_at(s)) {
                resources[kind as usize].note(limit, || instance_ref(index, s));
                continue;
            }
        }
        debug_assert!(
            index
                .candidate_at(s)
                .resources
                .shortfall_after(req, already)
                .is_empty()
        );
        if let Some(ci) = b
            .checks
            .iter()
            .position(|&check| !passes(b, caches, work, check, s))
        {
            if b.explain {
                by_constraint[ci].note(limit, || instance_ref(index, s));
            }
            continue;
        }
        if let Some(key) = first {
            let k = key.of(b, &work.group_count, &work.batch_placed, h);
            if k > best {
                continue;
            }
            if k < best {
                best = k;
                ties.clear();
            }
        }
        ties.push(p as u32);
    }
    let mut steps = Vec::new();
    if b.explain {
        let reasons = [
            StatusReason::Draining,
            StatusReason::NotActive,
            StatusReason::AgentDisconnected,
        ];
        for (removed, reason) in status.into_iter().zip(reasons) {
            if removed.count > 0 {
                steps.push(Step::Status { reason, removed });
            }
        }
        for (removed, kind) in resources.into_iter().zip(ResourceKind::ALL) {
            if removed.count > 0 {
                steps.push(Step::Resources { kind, removed });
            }
        }
        for (k, removed) in by_constraint.into_iter().enumerate() {
            if removed.count > 0 {
                steps.push(Step::Constraint {
                    constraint: constraint_label(b, caches, k),
                    removed,
                });
            }
        }
    }
    let mut explanation = Explanation {
        group: b.group.clone(),
        task_in_batch: (task, b.count),
        instances: index.scan.len() as u32,
        steps,
        chosen: None,
    };
    if ties.is_empty() {
        work.ties = ties;
        return PlacementDecision {
            result: Err(diagnose(b, caches, work)),
            explanation,
        };
    }
    let mut chosen = None;
    for (r, &rule) in b.rules.iter().enumerate() {
        let Some(key) = key_of(rule) else {
            if b.explain {
                explanation.steps.push(rule_step(
                    b,
                    caches,
                    &work.tables,
                    &mut work.value_seen,
                    rule,
                    0,
                    &ties,
                ));
            }
            chosen = Some(index.scan[ties[draw(rng, ties.len())] as usize].slot);
            break;
        };
        if r > 0 {
            best = u32::MAX;
            let mut kept = std::mem::take(&mut work.kept);
            kept.clear();
            for &p in &ties {
                let k = key.of(
                    b,
                    &work.group_count,
                    &work.batch_placed,
                    &index.scan[p as usize],
                );
                if k > best {
                    continue;
                }
                if k < best {
                    best = k;
                    kept.clear();
                }
                kept.push(p);
            }
            std::mem::swap(&mut ties, &mut kept);
            work.kept = kept;
        }
        if b.explain {
            explanation.steps.push(rule_step(
                b,
                caches,
                &work.tables,
                &mut work.value_seen,
                rule,
                best,
                &ties,
            ));
        }
    }
    let chosen = chosen.unwrap_or_else(|| {
        if b.explain && ties.len() > 1 {
            explanation.steps.push(Step::TieBreak {
                among: kept_list(index, &ties, limit),
            });
        }
        index.scan[ties[draw(rng, ties.len())] as usize].slot
    });
    work.ties = ties;
    explanation.chosen = Some(instance_ref(index, chosen));
    PlacementDecision {
        result: Ok(InstanceIdx(chosen)),
        explanation,
    }
}

/// Lacking kinds, first lacking kind, more remaining of it first.
type ClosestKey = (u32, ResourceKind, std::cmp::Reverse<u64>);

/// Classifies a failure (only runs when no instance passed): see [`ClosestMatch`] for the model.
fn diagnose(b: &Batch<'_>, caches: &Caches, work: &Work) -> PlacementFailure {
    let index = b.index;
    let mut any_eligible = false;
    let mut best: Option<(ClosestKey, u32)> = None;
    for h in &index.scan {
        let s = h.slot;
        let c = index.candidate_at(s);
        if !c.is_eligible() {
            continue;
        }
        any_eligible = true;
        if !b
            .checks
            .iter()
            .all(|&check| passes(b, caches, work, check, s))
        {
            continue;
        }
        let shortfall = c
            .resources
            .shortfall_after(b.req, work.batch_placed[s as usize]);
        let Some(kind) = shortfall.first() else {
            continue;
        };
        let key = (
            shortfall.len(),
            kind,
            std::cmp::Reverse(c.resources.remaining_of(kind)),
        );
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, s));
        }
    }
    match best {
        _ if !any_eligible => PlacementFailure::NoContainerInstances,
        None => PlacementFailure::Constraints,
        Some(((_, lacking, _), s)) => {
            let c = index.candidate_at(s);
            PlacementFailure::Resources(ClosestMatch {
                idx: InstanceIdx(s),
                container_instance_id: c.container_instance_id.clone(),
                ec2_instance_id: c.ec2_instance_id.clone(),
                lacking,
            })
        }
    }
}
