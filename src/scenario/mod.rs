//! The scenario input layer (SPEC §1–§3): TOML (or the same schema as JSON, for a file ending in `.json`)
//! in, a validated [`Scenario`] out, or every problem at once.
//!
//! Two layers (STYLE.md §1). [`tree`] is what the user wrote: a spanned document built by [`toml_source`] or
//! [`json_source`], with `--set` overrides ([`overrides`]) applied to it. Then one reader per section
//! (`simulation.rs`, `cluster.rs`, … `variants.rs`) walks the tree with the [`reader`] helpers into the
//! [`model`]: defaults applied, names resolved to indices, durations typed, `memberOf` parsed. Nothing after
//! [`load`] sees spans or reference strings.
//!
//! Problems are [`Diagnostic`]s with file, line, column, the offending text and a hint; a load reports all
//! of them, in file order. Things worth knowing that do not stop a run are [`Note`]s: each AWS field that is
//! accepted but not modelled (once per field name), and each section that is validated but not simulated
//! yet (once per section), and the [`advice`] about a valid scenario whose tasks could not run (a task larger
//! than every instance the cluster launches, a `memberOf` that matches none of them, …). Every
//! `[[variants]]` entry is applied to a copy of the tree and validated too, so `validate` catches a variant
//! that would fail in `compare`; its problems are reported at the variant.

pub mod advice;
pub mod auto_scaling_groups;
pub mod aws_json;
pub mod capacity_providers;
pub mod checks;
pub mod cluster;
pub mod diagnostics;
pub mod did_you_mean;
pub mod duration;
pub mod events;
pub mod images;
pub mod instance_types;
pub mod json_source;
pub mod model;
pub mod overrides;
pub mod placement;
pub mod reader;
pub mod scaling;
pub mod schedule;
pub mod scheduled_tasks;
pub mod services;
pub mod simulation;
pub mod target_groups;
pub mod task_definitions;
pub mod toml_source;
pub mod trace_csv;
pub mod tree;
pub mod variants;
pub mod workloads;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use diagnostics::{Diagnostic, Diagnostics, Note};
pub use model::*;

use diagnostics::Sources;
use placement::LaunchEnv;
use reader::{Cx, Table};
use tree::Node;

/// A validated scenario with its notes and the SHA-256 of the file.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Notes (ignored AWS fields, sections not simulated yet, …), in file order.
    pub notes: Vec<Note>,
    /// Hex SHA-256 of the scenario file's bytes (for `manifest.json`).
    pub sha256: String,
}

/// Whether loading applies every `[[variants]]` entry to a copy of the scenario and validates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variants {
    /// Read the entries and check each variant (`validate`, and `compare` for its base).
    Check,
    /// Read the entries (their names and `set` tables) without applying them: for a scenario whose variants
    /// are not run (`run`, `explain`) or that is itself one variant (`compare`). Another variant that the
    /// `--set` overrides of this one happen to break must not stop it.
    Read,
}

/// Reads, parses and validates the scenario at `path`, with `--set` overrides as typed (`PATH=VALUE`), and
/// checks every variant ([`Variants::Check`]).
/// A file that cannot be read is one problem about the whole file ([`Diagnostics::is_unreadable_file`]);
/// a file that is not UTF-8 is a problem at its first invalid byte.
pub fn load(path: &Path, overrides: &[String]) -> Result<Loaded, Diagnostics> {
    load_with(path, overrides, Variants::Check)
}

/// [`load`], choosing whether the variants are checked.
pub fn load_with(
    path: &Path,
    overrides: &[String],
    variants: Variants,
) -> Result<Loaded, Diagnostics> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => format!("scenario file `{name}` does not exist"),
            _ => format!("cannot read scenario file `{name}`: {e}"),
        };
        Diagnostics(vec![Diagnostic::about_file(&name, message)])
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let mut sources = Sources::default();
        let id = sources.add(&name, &lossy);
        let replacement = char::REPLACEMENT_CHARACTER.len_utf8();
        Diagnostics(vec![sources.diagnostic(
            id,
            at..at + replacement,
            "the scenario file is not UTF-8: this byte is not valid UTF-8",
            Some("save the file as UTF-8".to_string()),
        )])
    })?;
    let base_dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    load_str_with(&name, &text, &base_dir, overrides, variants)
}

/// Parses and validates `text` as the scenario `file_name` (JSON if it ends in `.json`, else TOML); relative
/// `file` paths are resolved against `base_dir`.
pub fn load_str(
    file_name: &str,
    text: &str,
    base_dir: &Path,
    overrides: &[String],
) -> Result<Loaded, Diagnostics> {
    load_str_with(file_name, text, base_dir, overrides, Variants::Check)
}

/// [`load_str`], choosing whether the variants are checked.
pub fn load_str_with(
    file_name: &str,
    text: &str,
    base_dir: &Path,
    overrides: &[String],
    variants: Variants,
) -> Result<Loaded, Diagnostics> {
    let sha256 = format!("{:x}", Sha256::digest(text.as_bytes()));
    let mut sources = Sources::default();
    let file = sources.add(file_name, text);
    let mut cx = Cx::new(sources, base_dir.to_path_buf());
    let json = file_name.to_ascii_lowercase().ends_with(".json");
    let parsed = if json {
        json_source::parse_document(file, text)
    } else {
        toml_source::parse_document(file, text)
    };
    let mut tree = match parsed {
        Ok(tree) => tree,
        Err(e) => {
            let kind = if json { "JSON" } else { "TOML" };
            cx.error_span(
                file,
                e.span,
                format!("{kind} syntax error: {}", e.message),
                e.hint,
            );
            for o in overrides {
                let mut scratch = Node {
                    source: file,
                    span: 0..0,
                    kind: tree::Kind::Table(Vec::new()),
                };
                overrides::apply_cli(&mut cx, &mut scratch, o);
            }
            return Err(finish_diagnostics(&cx, cx.diags.clone()));
        }
    };
    for o in overrides {
        overrides::apply_cli(&mut cx, &mut tree, o);
    }
    let (scenario, variant_sources) = validate(&mut cx, &tree, true);
    let base_diags = cx.diags.clone();
    if variants == Variants::Check {
        for v in &variant_sources {
            check_variant(&mut cx, &tree, v, &base_diags);
        }
    }
    if !cx.diags.is_empty() {
        return Err(finish_diagnostics(&cx, cx.diags.clone()));
    }
    advice::advise(&mut cx, &tree, &scenario);
    let mut notes = cx.notes.clone();
    notes.sort_by_key(|n| note_order(&cx, n));
    Ok(Loaded {
        scenario,
        notes,
        sha256,
    })
}

/// Sorts by source, then position, and drops exact duplicates.
fn finish_diagnostics(cx: &Cx, mut diags: Vec<Diagnostic>) -> Diagnostics {
    diags.sort_by_key(|d| (cx.sources.rank(&d.file), d.span.start));
    diags.dedup();
    Diagnostics(diags)
}

fn note_order(cx: &Cx, n: &Note) -> (usize, usize, usize) {
    let mut parts = n.location.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    let file = parts.next().unwrap_or("");
    (cx.sources.rank(file), line, col)
}

/// Applies variant `v` to a copy of `tree`, validates it, and reports its new problems at the variant.
fn check_variant(cx: &mut Cx, tree: &Node, v: &variants::VariantSource, base_diags: &[Diagnostic]) {
    let mut copy = tree.clone();
    for (key, value) in &v.set {
        let raw = cx
            .sources
            .text(key.source)
            .get(key.span.clone())
            .unwrap_or("");
        let offset = key.span.start + usize::from(raw.starts_with('"') || raw.starts_with('\''));
        let segs = match overrides::parse_path(&key.name, offset) {
            Ok(s) => s,
            Err((span, message, hint)) => {
                cx.error_span(
                    key.source,
                    span,
                    format!("variant `{}`: {message}", v.variant.name),
                    hint,
                );
                return;
            }
        };
        let base_dir = cx.base_dir.clone();
        if !overrides::apply(
            cx,
            &mut copy,
            &segs,
            key.source,
            (*value).clone(),
            &base_dir,
        ) {
            return;
        }
    }
    let mut vcx = Cx::new(cx.sources.clone(), cx.base_dir.clone());
    validate(&mut vcx, &copy, false);
    for d in vcx.diags {
        if base_diags.contains(&d) {
            continue;
        }
        let inside = v.set.iter().find(|(_, value)| {
            cx.sources.name(value.source) == d.file
                && value.span.start <= d.span.start
                && d.span.end <= value.span.end
        });
        match inside {
            Some(_) => {
                let mut d = d;
                d.message = format!("in variant `{}`: {}", v.variant.name, d.message);
                cx.diags.push(d);
            }
            None => {
                let (key, _) = v.set[0];
                let at = v
                    .set
                    .iter()
                    .map(|(k, _)| *k)
                    .find(|k| d.file == cx.sources.name(k.source))
                    .unwrap_or(key);
                cx.error(
                    at,
                    format!(
                        "variant `{}` makes the scenario invalid: {} (at {})",
                        v.variant.name,
                        d.message,
                        d.location()
                    ),
                    d.hint.clone(),
                );
            }
        }
    }
}

/// Validates the whole tree. With `with_variants`, also reads `[[variants]]` (returned for checking).
fn validate<'n>(
    cx: &mut Cx,
    root: &'n Node,
    with_variants: bool,
) -> (Scenario, Vec<variants::VariantSource<'n>>) {
    let fallback = Table::new(cx, root, "the scenario");
    let Some(mut top) = fallback else {
        unreachable!("a parsed document is always a table")
    };
    let name = top.req_str(cx, "name").unwrap_or_default();
    let description = top.str(cx, "description").unwrap_or_default();
    let simulation_node = top.get("simulation");
    if simulation_node.is_none() {
        top.absent_fields(
            cx,
            &["simulation"],
            "missing required section [simulation]",
            "add [simulation] with at least duration = \"1h\"",
        );
    }
    let simulation = simulation::read(cx, simulation_node);
    let (mut cluster, strategy_node) = cluster::read(cx, top.get("cluster"), &simulation);
    let instance_types = instance_types::read(cx, top.get("instance_types"));
    let auto_scaling_groups = auto_scaling_groups::read(
        cx,
        top.get("auto_scaling_groups"),
        &cluster,
        &simulation.region,
        &instance_types,
    );
    let asg_names: Vec<String> = auto_scaling_groups.iter().map(|g| g.name.clone()).collect();
    let capacity_providers = capacity_providers::read(
        cx,
        top.get("capacity_providers"),
        top.key("capacity_providers"),
        &asg_names,
    );
    let provider_names: Vec<String> = capacity_providers.iter().map(|p| p.name.clone()).collect();
    if let Some(n) = strategy_node {
        cluster.default_capacity_provider_strategy =
            capacity_providers::strategy(cx, n, &provider_names).unwrap_or_default();
    }
    let fargate = capacity_providers::read_fargate(cx, top.get("fargate"));
    let task_definitions = task_definitions::read(cx, top.get("task_definitions"));
    let images = images::read(cx, top.get("images"), &task_definitions);
    let target_groups = target_groups::read(cx, top.get("target_groups"));
    let tg_names: Vec<String> = target_groups.iter().map(|t| t.name.clone()).collect();
    let alarm_names = scaling::alarm_names(root.get("alarms"));
    let launch = LaunchEnv {
        cluster_default: &cluster.default_capacity_provider_strategy,
        asg_providers: &provider_names,
    };
    let service_env = services::ServiceEnv {
        launch,
        task_definitions: &task_definitions,
        target_groups: &tg_names,
        alarm_names: &alarm_names,
    };
    let services = services::read(cx, top.get("services"), &service_env);
    let service_names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let section =
        |top: &mut Table<'n>, name: &str| top.get(name).and_then(|n| top.key(name).map(|k| (k, n)));
    let nodes = scaling::ScalingNodes {
        scalable_targets: section(&mut top, "scalable_targets"),
        scaling_policies: section(&mut top, "scaling_policies"),
        alarms: section(&mut top, "alarms"),
        scheduled_actions: section(&mut top, "scheduled_actions"),
    };
    let scaling = scaling::read(cx, &nodes, &services, &tg_names, &simulation);
    let workloads = workloads::read(cx, top.get("workloads"), &tg_names, &service_names);
    let launch = LaunchEnv {
        cluster_default: &cluster.default_capacity_provider_strategy,
        asg_providers: &provider_names,
    };
    let scheduled_tasks = scheduled_tasks::read(
        cx,
        top.get("scheduled_tasks"),
        &simulation,
        &launch,
        &task_definitions,
    );
    let event_env = events::EventEnv {
        simulation: &simulation,
        zones: &cluster.availability_zones,
        asgs: &auto_scaling_groups,
        services: &services,
        task_definitions: &task_definitions,
        launch,
    };
    let events = events::read(cx, top.get("events"), &event_env);
    let checks = checks::read(cx, top.get("checks"), &service_names);
    let variants_node = top.get("variants");
    let variant_sources = if with_variants {
        variants::read(cx, variants_node)
    } else {
        Vec::new()
    };
    top.finish(cx, &[]);
    let scenario = Scenario {
        name,
        description,
        simulation,
        cluster,
        instance_types,
        auto_scaling_groups,
        capacity_providers,
        fargate,
        task_definitions,
        images,
        target_groups,
        services,
        scaling,
        workloads,
        scheduled_tasks,
        events,
        checks,
        variants: variant_sources.iter().map(|v| v.variant.clone()).collect(),
    };
    (scenario, variant_sources)
}
