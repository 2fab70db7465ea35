//! `[[workloads]]` (SPEC §3.10): traffic offered to a target group or a service; validated but not simulated
//! yet (one note).
//!
//! Exactly one target. Patterns: `constant { rps }`, `diurnal { min_rps ≤ max_rps, peak_at = "HH:MM" }`,
//! `steps { steps = [{ at, rps }] }` with increasing `at`, `spike { base_rps, peak_rps, at, duration }`,
//! `trace { file }` (a CSV with header `time_s,rps`, relative to the scenario file, checked now). Rates are
//! ≥ 0; `noise` is a relative standard deviation ≥ 0 (default 0).

use super::model::Workload;
use super::reader::{self, Cx, Table};
use super::target_groups;
use super::tree::{Key, Node};
use crate::engine::SimDuration;

/// Reads every workload.
pub(super) fn read(
    cx: &mut Cx,
    node: Option<&Node>,
    key: Option<&Key>,
    target_groups: &[String],
    services: &[String],
) -> Vec<Workload> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    if let Some(k) = key {
        cx.not_simulated("workloads", k);
    }
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
        match (tg, svc) {
            (Some(_), Some(s)) => cx.error(
                s,
                "a workload has one target: `target_group` or `service`, not both",
                Some("keep one".into()),
            ),
            (None, None) => t.absent_fields(
                cx,
                &["target_group", "service"],
                format!("workload `{name}` has no target"),
                "add target_group = \"…\" or service = \"…\"",
            ),
            (Some(n), None) => {
                target_groups::resolve(cx, n, target_groups);
            }
            (None, Some(n)) => {
                reader::resolve(cx, n, services, "service");
            }
        }
        if let Some(p) = t.required(cx, "pattern") {
            pattern(cx, p);
        }
        t.f64(cx, "noise", 0.0, f64::MAX);
        t.finish(cx, &[]);
        out.push(Workload { name });
    }
    reader::check_duplicates(cx, &names, "workload");
    out
}

fn rps(cx: &mut Cx, t: &mut Table, name: &str) -> Option<f64> {
    t.required(cx, name)
        .and_then(|n| reader::number(cx, n, 0.0, f64::MAX))
}

fn pattern(cx: &mut Cx, n: &Node) {
    let Some(mut t) = Table::new(cx, n, "pattern") else {
        return;
    };
    let ty = t.required(cx, "type").and_then(|n| {
        reader::enumeration(cx, n, &["constant", "diurnal", "steps", "spike", "trace"])
    });
    match ty {
        Some("constant") => {
            rps(cx, &mut t, "rps");
        }
        Some("diurnal") => {
            let lo = rps(cx, &mut t, "min_rps");
            let hi_node = t.get("max_rps");
            let hi = rps(cx, &mut t, "max_rps");
            if let (Some(lo), Some(hi), Some(hn)) = (lo, hi, hi_node)
                && lo > hi
            {
                cx.error(
                    hn,
                    format!("max_rps {hi} is below min_rps {lo}"),
                    Some("make min_rps ≤ max_rps".into()),
                );
            }
            if let Some(p) = t.required(cx, "peak_at")
                && let Some(s) = reader::string(cx, p)
                && super::simulation::clock_time(s).is_none()
            {
                cx.error(
                    p,
                    format!("`{s}` is not a time of day"),
                    Some("write \"HH:MM\", e.g. \"14:00\" (UTC)".into()),
                );
            }
        }
        Some("steps") => {
            if let Some(items) = t.required(cx, "steps").and_then(|s| reader::array(cx, s)) {
                let mut last: Option<SimDuration> = None;
                for item in items {
                    let Some(mut st) = Table::new(cx, item, "step") else {
                        continue;
                    };
                    let at_node = st.required(cx, "at");
                    let at = at_node.and_then(|a| reader::human_duration(cx, a));
                    rps(cx, &mut st, "rps");
                    st.finish(cx, &[]);
                    if let (Some(a), Some(l), Some(an)) = (at, last, at_node)
                        && a <= l
                    {
                        cx.error(
                            an,
                            format!("step at {a} is not after the previous step ({l})"),
                            Some("list steps in increasing `at` order".into()),
                        );
                    }
                    last = at.or(last);
                }
            }
        }
        Some("spike") => {
            rps(cx, &mut t, "base_rps");
            rps(cx, &mut t, "peak_rps");
            t.required(cx, "at")
                .and_then(|a| reader::human_duration(cx, a));
            t.required(cx, "duration")
                .and_then(|a| reader::human_duration(cx, a));
        }
        Some(_) => {
            if let Some(f) = t.required(cx, "file") {
                trace_file(cx, f);
            }
        }
        None => {
            // The type is wrong: accept every pattern field rather than call them unknown too.
            for f in [
                "rps", "min_rps", "max_rps", "peak_at", "steps", "base_rps", "peak_rps", "at",
                "duration", "file",
            ] {
                t.get(f);
            }
        }
    }
    t.finish(cx, &[]);
}

fn trace_file(cx: &mut Cx, f: &Node) {
    let Some(rel) = reader::string(cx, f) else {
        return;
    };
    let path = cx.base_dir.join(rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            cx.error(
                f,
                format!("cannot read trace file `{}`: {e}", path.display()),
                Some("the path is relative to the scenario file's directory".into()),
            );
            return;
        }
    };
    let source = cx.sources.add(&path.display().to_string(), &text);
    let mut offset = 0;
    let mut last_time = f64::NEG_INFINITY;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let row = line.trim_end_matches(['\n', '\r']);
        let span = offset..offset + row.len();
        offset += line.len();
        if i == 0 {
            if row.trim() != "time_s,rps" {
                cx.error_span(
                    source,
                    span,
                    "a trace starts with the header `time_s,rps`",
                    Some("add the header line time_s,rps".into()),
                );
                return;
            }
            continue;
        }
        if row.trim().is_empty() {
            continue;
        }
        let parsed = row.split_once(',').and_then(|(a, b)| {
            Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
        });
        match parsed {
            Some((time, rate))
                if time.is_finite()
                    && rate.is_finite()
                    && time >= 0.0
                    && rate >= 0.0
                    && time > last_time =>
            {
                last_time = time
            }
            _ => {
                cx.error_span(
                    source,
                    span,
                    format!("bad trace row `{row}`"),
                    Some(
                        "each row is time_s,rps with non-negative numbers and increasing time_s"
                            .into(),
                    ),
                );
                return;
            }
        }
    }
}
