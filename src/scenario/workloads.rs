//! `[[workloads]]` (SPEC §3.10): traffic offered to a target group or a service, read into
//! [`Workload`]s, validated and kept for the traffic model (`workload::traffic`).
//!
//! Exactly one target. Patterns: `constant { rps }`, `diurnal { min_rps ≤ max_rps, peak_at = "HH:MM" }`,
//! `steps { steps = [{ at, rps }] }` with increasing `at`, `spike { base_rps, peak_rps, at, duration }`,
//! `trace { file }` (a CSV with header `time_s,rps`, relative to the scenario file, read and checked now by
//! [`super::trace_csv`], errors pointing into the CSV). Rates are ≥ 0; `noise` is a relative standard deviation
//! ≥ 0 (default 0). Times (`at`, trace rows) are simulated time since t = 0; only `peak_at` is a UTC time of
//! day. What a pattern's rate is at each instant is [`crate::workload::pattern`]'s business.

use super::model::{Pattern, Workload, WorkloadTarget};
use super::reader::{self, Cx, Table};
use super::target_groups;
use super::trace_csv;
use super::tree::Node;
use crate::engine::{SimDuration, SimTime};

/// Reads every workload.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    target_groups: &[String],
    services: &[String],
) -> Vec<Workload> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[workloads]] entry") else {
            continue;
        };
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = item.get("name") {
            names.push((name.clone(), n));
        }
        t.set_what(format!("workload `{name}`"));
        let tg = t.get("target_group");
        let svc = t.get("service");
        let target = match (tg, svc) {
            (Some(_), Some(s)) => {
                cx.error(
                    s,
                    "a workload has one target: `target_group` or `service`, not both",
                    Some("keep one".into()),
                );
                None
            }
            (None, None) => {
                t.absent_fields(
                    cx,
                    &["target_group", "service"],
                    format!("workload `{name}` has no target"),
                    "add target_group = \"…\" or service = \"…\"",
                );
                None
            }
            (Some(n), None) => {
                target_groups::resolve(cx, n, target_groups).map(WorkloadTarget::TargetGroup)
            }
            (None, Some(n)) => {
                reader::resolve(cx, n, services, "service").map(WorkloadTarget::Service)
            }
        };
        let pattern = t.required(cx, "pattern").and_then(|p| pattern(cx, p));
        let noise = t.f64(cx, "noise", 0.0, f64::MAX).unwrap_or(0.0);
        t.finish(cx, &[]);
        // A part that failed has been reported, and any report fails the load: the placeholders never
        // reach a run.
        out.push(Workload {
            name,
            target: target.unwrap_or(WorkloadTarget::Service(0)),
            pattern: pattern.unwrap_or(Pattern::Constant { rps: 0.0 }),
            noise,
        });
    }
    reader::check_duplicates(cx, &names, "workload");
    out
}

fn rps(cx: &mut Cx, t: &mut Table, name: &str) -> Option<f64> {
    t.required(cx, name)
        .and_then(|n| reader::number(cx, n, 0.0, f64::MAX))
}

/// A human duration read as an instant since t = 0.
fn instant(cx: &mut Cx, n: &Node) -> Option<SimTime> {
    reader::human_duration(cx, n).map(|d| SimTime::from_ms(d.as_ms()))
}

/// Reads a `pattern` table; `None` after reporting any problem in it.
fn pattern(cx: &mut Cx, n: &Node) -> Option<Pattern> {
    let mut t = Table::new(cx, n, "pattern")?;
    let mark = cx.diags.len();
    let ty = t.required(cx, "type").and_then(|n| {
        reader::enumeration(cx, n, &["constant", "diurnal", "steps", "spike", "trace"])
    });
    let out = match ty {
        Some("constant") => rps(cx, &mut t, "rps").map(|rps| Pattern::Constant { rps }),
        Some("diurnal") => diurnal(cx, &mut t),
        Some("steps") => steps(cx, &mut t),
        Some("spike") => {
            let base_rps = rps(cx, &mut t, "base_rps");
            let peak_rps = rps(cx, &mut t, "peak_rps");
            let at = t.required(cx, "at").and_then(|a| instant(cx, a));
            let duration = t
                .required(cx, "duration")
                .and_then(|a| reader::human_duration(cx, a));
            Some(Pattern::Spike {
                base_rps: base_rps?,
                peak_rps: peak_rps?,
                at: at?,
                duration: duration?,
            })
        }
        Some(_) => t
            .required(cx, "file")
            .and_then(|f| trace_csv::read(cx, f))
            .map(|points| Pattern::Trace { points }),
        None => {
            // The type is wrong: accept every pattern field rather than call them unknown too.
            for f in [
                "rps", "min_rps", "max_rps", "peak_at", "steps", "base_rps", "peak_rps", "at",
                "duration", "file",
            ] {
                t.get(f);
            }
            None
        }
    };
    t.finish(cx, &[]);
    out.filter(|_| !cx.failed_since(mark))
}

fn diurnal(cx: &mut Cx, t: &mut Table) -> Option<Pattern> {
    let lo = rps(cx, t, "min_rps");
    let hi_node = t.get("max_rps");
    let hi = rps(cx, t, "max_rps");
    if let (Some(lo), Some(hi), Some(hn)) = (lo, hi, hi_node)
        && lo > hi
    {
        cx.error(
            hn,
            format!("max_rps {hi} is below min_rps {lo}"),
            Some("make min_rps ≤ max_rps".into()),
        );
    }
    let mut peak_at = None;
    if let Some(p) = t.required(cx, "peak_at")
        && let Some(s) = reader::string(cx, p)
    {
        match super::simulation::clock_time(s).and_then(|ms| u64::try_from(ms).ok()) {
            Some(ms) => peak_at = Some(SimDuration::from_ms(ms)),
            None => cx.error(
                p,
                format!("`{s}` is not a time of day"),
                Some("write \"HH:MM\", e.g. \"14:00\" (UTC)".into()),
            ),
        }
    }
    Some(Pattern::Diurnal {
        min_rps: lo?,
        max_rps: hi?,
        peak_at: peak_at?,
    })
}

fn steps(cx: &mut Cx, t: &mut Table) -> Option<Pattern> {
    let node = t.required(cx, "steps")?;
    let items = reader::array(cx, node)?;
    if items.is_empty() {
        cx.error(
            node,
            "a steps pattern needs at least one step",
            Some("write steps = [{ at = \"0s\", rps = 10 }, …]".into()),
        );
    }
    let mut steps = Vec::with_capacity(items.len());
    let mut last: Option<SimTime> = None;
    for item in items {
        let Some(mut st) = Table::new(cx, item, "step") else {
            continue;
        };
        let at_node = st.required(cx, "at");
        let at = at_node.and_then(|a| instant(cx, a));
        let rate = rps(cx, &mut st, "rps");
        st.finish(cx, &[]);
        if let (Some(a), Some(l), Some(an)) = (at, last, at_node)
            && a <= l
        {
            cx.error(
                an,
                format!(
                    "step at {} is not after the previous step ({})",
                    SimDuration::from_ms(a.as_ms()),
                    SimDuration::from_ms(l.as_ms())
                ),
                Some("list steps in increasing `at` order".into()),
            );
        }
        last = at.or(last);
        if let (Some(a), Some(r)) = (at, rate) {
            steps.push((a, r));
        }
    }
    Some(Pattern::Steps { steps })
}
