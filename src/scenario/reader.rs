//! The tools every section reader uses: [`Cx`] (collects diagnostics and notes, and keeps the sources) and
//! [`Table`] (typed field getters over one table of the tree).
//!
//! A getter that meets a bad value records a diagnostic and returns `None`; the reader then goes on with a
//! default, so one load reports every problem. The placeholder values never escape: any diagnostic makes the
//! load fail. [`Table::finish`] reports every key no getter asked for as unknown, with a did-you-mean among
//! the names that were asked for — so the list of known fields is the code itself and cannot drift — except
//! genuine AWS fields the simulator does not model, which are noted once per name and ignored. A problem
//! caused by an absent field ([`Table::required`], [`Table::absent_fields`]) is withdrawn when `finish` finds
//! a misspelling of that field: the user made one mistake, so they read one message, the did-you-mean.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::PathBuf;

use super::diagnostics::{Diagnostic, Note, SourceId, Sources};
use super::did_you_mean;
use super::duration;
use super::model::DurationDist;
use super::tree::{Key, Kind, Node};
use crate::engine::SimDuration;

/// Something with a place in a source: a [`Node`] or a [`Key`].
pub trait Locate {
    /// The source.
    fn source(&self) -> SourceId;
    /// The byte span.
    fn span(&self) -> Range<usize>;
}

impl Locate for Node {
    fn source(&self) -> SourceId {
        self.source
    }
    fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl Locate for Key {
    fn source(&self) -> SourceId {
        self.source
    }
    fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

/// The validation context: sources, collected diagnostics and notes.
#[derive(Debug)]
pub struct Cx {
    /// Every text read so far.
    pub sources: Sources,
    /// Problems found so far.
    pub diags: Vec<Diagnostic>,
    /// Notes so far.
    pub notes: Vec<Note>,
    /// Directory that relative `file` paths are resolved against (the scenario file's directory).
    pub base_dir: PathBuf,
    notes_seen: BTreeSet<String>,
}

impl Cx {
    /// A context with `sources` already holding the scenario file.
    pub fn new(sources: Sources, base_dir: PathBuf) -> Cx {
        Cx {
            sources,
            diags: Vec::new(),
            notes: Vec::new(),
            base_dir,
            notes_seen: BTreeSet::new(),
        }
    }

    /// Records a problem at `at`.
    pub fn error(&mut self, at: &dyn Locate, message: impl Into<String>, hint: Option<String>) {
        self.error_span(at.source(), at.span(), message, hint);
    }

    /// Records a problem at `span` of `source`.
    pub fn error_span(
        &mut self,
        source: SourceId,
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let d = self.sources.diagnostic(source, span, message, hint);
        self.diags.push(d);
    }

    /// Records a note at `at`, unless a note with the same `dedup_key` was already recorded.
    pub fn note_once(&mut self, dedup_key: &str, at: &dyn Locate, message: impl Into<String>) {
        if self.notes_seen.insert(dedup_key.to_string()) {
            let span = at.span();
            self.notes.push(Note {
                location: self.sources.location(at.source(), span.start),
                message: message.into(),
            });
        }
    }

    /// Notes once per field name that an AWS field is accepted and ignored.
    pub fn ignored_field(&mut self, key: &Key) {
        self.note_once(
            &format!("ignored:{}", key.name),
            key,
            format!(
                "`{}` is an AWS field that ecsim does not model; it is ignored",
                key.name
            ),
        );
    }

    /// Notes once that `what` is validated but not simulated yet.
    pub fn not_simulated(&mut self, what: &str, at: &dyn Locate) {
        self.note_once(
            &format!("unsimulated:{what}"),
            at,
            format!("`{what}` is validated but not simulated yet; it has no effect on this run"),
        );
    }

    /// Whether problems were recorded since `mark` (a previous `diags.len()`).
    pub fn failed_since(&self, mark: usize) -> bool {
        self.diags.len() > mark
    }
}

/// `memory_reservation` → `memoryReservation`.
pub fn snake_to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `memoryReservation` → `memory_reservation`.
pub fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Short text of a value for messages: the string itself, or the value in TOML form.
pub fn show(node: &Node) -> String {
    let s = match &node.kind {
        Kind::String(s) => s.clone(),
        Kind::Table(_) => "{ … }".to_string(),
        Kind::Array(_) => "[ … ]".to_string(),
        _ => node.to_toml(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn type_error(cx: &mut Cx, node: &Node, expected: &str, hint: Option<String>) {
    cx.error(
        node,
        format!(
            "expected {expected}, found {} `{}`",
            node.type_name(),
            show(node)
        ),
        hint,
    );
}

/// A string value.
pub fn string<'n>(cx: &mut Cx, node: &'n Node) -> Option<&'n str> {
    match &node.kind {
        Kind::String(s) => Some(s),
        _ => {
            type_error(
                cx,
                node,
                "a string",
                Some(format!("write it in quotes: \"{}\"", show(node))),
            );
            None
        }
    }
}

/// An integer in `lo..=hi`.
pub fn integer(cx: &mut Cx, node: &Node, lo: i64, hi: i64) -> Option<i64> {
    match node.kind {
        Kind::Integer(i) if (lo..=hi).contains(&i) => Some(i),
        Kind::Integer(i) => {
            let range = if hi == i64::MAX {
                format!("at least {lo}")
            } else {
                format!("from {lo} to {hi}")
            };
            cx.error(
                node,
                format!("{i} is out of range"),
                Some(format!("write an integer {range}")),
            );
            None
        }
        Kind::String(ref s) if s.trim().parse::<i64>().is_ok() => {
            type_error(
                cx,
                node,
                "an integer",
                Some(format!("drop the quotes: {}", s.trim())),
            );
            None
        }
        _ => {
            type_error(cx, node, "an integer", None);
            None
        }
    }
}

/// A `u32` in `lo..=hi`.
pub fn u32_in(cx: &mut Cx, node: &Node, lo: u32, hi: u32) -> Option<u32> {
    integer(cx, node, i64::from(lo), i64::from(hi)).map(|v| v as u32)
}

/// A finite number (integer or float) in `lo..=hi`.
pub fn number(cx: &mut Cx, node: &Node, lo: f64, hi: f64) -> Option<f64> {
    let v = match node.kind {
        Kind::Integer(i) => i as f64,
        Kind::Float(f) => f,
        _ => {
            type_error(cx, node, "a number", None);
            return None;
        }
    };
    if !v.is_finite() || v < lo || v > hi {
        let range = if hi == f64::MAX {
            format!("at least {lo}")
        } else {
            format!("from {lo} to {hi}")
        };
        cx.error(
            node,
            format!("{} is out of range", show(node)),
            Some(format!("write a number {range}")),
        );
        return None;
    }
    Some(v)
}

/// A boolean.
pub fn boolean(cx: &mut Cx, node: &Node) -> Option<bool> {
    match &node.kind {
        Kind::Bool(b) => Some(*b),
        Kind::String(s) if s == "true" || s == "false" => {
            type_error(cx, node, "a boolean", Some(format!("drop the quotes: {s}")));
            None
        }
        _ => {
            type_error(cx, node, "a boolean", Some("write true or false".into()));
            None
        }
    }
}

/// A human duration string (SPEC §2).
pub fn human_duration(cx: &mut Cx, node: &Node) -> Option<SimDuration> {
    match &node.kind {
        Kind::String(s) => match duration::parse(s) {
            Ok(d) => Some(d),
            Err(e) => {
                cx.error(
                    node,
                    format!("invalid duration: {e}"),
                    Some(duration::ACCEPTED_FORMS.into()),
                );
                None
            }
        },
        Kind::Integer(i) => {
            cx.error(
                node,
                format!("expected a duration, found the bare number {i}"),
                Some(format!(
                    "durations carry a unit: \"{i}s\"; {}",
                    duration::ACCEPTED_FORMS
                )),
            );
            None
        }
        _ => {
            type_error(
                cx,
                node,
                "a duration",
                Some(duration::ACCEPTED_FORMS.into()),
            );
            None
        }
    }
}

/// `"90s"` or `{ min = "60s", max = "120s" }` (min ≤ max).
pub fn duration_dist(cx: &mut Cx, node: &Node) -> Option<DurationDist> {
    if node.entries().is_some() {
        let mut t = Table::new(cx, node, "a `{ min, max }` duration")?;
        let min = t.required(cx, "min").and_then(|n| human_duration(cx, n));
        let max = t.required(cx, "max").and_then(|n| human_duration(cx, n));
        t.finish(cx, &[]);
        let (min, max) = (min?, max?);
        if min > max {
            cx.error(
                node,
                format!("`min` ({min}) is greater than `max` ({max})"),
                Some("swap them, or make min ≤ max".into()),
            );
            return None;
        }
        return Some(DurationDist::Uniform { min, max });
    }
    if matches!(node.kind, Kind::String(_) | Kind::Integer(_)) {
        return human_duration(cx, node).map(DurationDist::Fixed);
    }
    type_error(
        cx,
        node,
        "a duration or `{ min, max }`",
        Some("write \"90s\" or { min = \"60s\", max = \"120s\" }".into()),
    );
    None
}

/// One of `allowed` (AWS spellings), with a did-you-mean.
pub fn enumeration(cx: &mut Cx, node: &Node, allowed: &[&'static str]) -> Option<&'static str> {
    let s = string(cx, node)?;
    if let Some(v) = allowed.iter().find(|a| **a == s) {
        return Some(v);
    }
    cx.error(
        node,
        format!("unknown value `{s}`"),
        did_you_mean::hint(s, allowed.iter().copied(), "valid values"),
    );
    None
}

/// An array.
pub fn array<'n>(cx: &mut Cx, node: &'n Node) -> Option<&'n [Node]> {
    match &node.kind {
        Kind::Array(items) => Some(items),
        _ => {
            type_error(
                cx,
                node,
                "an array",
                Some(format!("write [{}]", node.to_toml())),
            );
            None
        }
    }
}

/// An array of strings.
pub fn string_list(cx: &mut Cx, node: &Node) -> Option<Vec<String>> {
    let items = array(cx, node)?;
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        match string(cx, item) {
            Some(s) => out.push(s.to_string()),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// The file span of bytes `offset..offset + len` inside a string value, when the string is written without
/// escapes (so content and source bytes line up); otherwise the whole value's span.
pub fn inner_span(cx: &Cx, node: &Node, offset: usize, len: usize) -> Range<usize> {
    let Kind::String(content) = &node.kind else {
        return node.span.clone();
    };
    let raw = cx
        .sources
        .text(node.source)
        .get(node.span.clone())
        .unwrap_or("");
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if raw.len() >= 2 * q.len() && raw.starts_with(q) && raw.ends_with(q) {
            let inner = &raw[q.len()..raw.len() - q.len()];
            if inner == content && offset <= inner.len() {
                let start = node.span.start + q.len() + offset;
                return start..start + len.min(inner.len() - offset);
            }
        }
    }
    node.span.clone()
}

/// The part of a name or ARN that names the resource: the last path segment of an ARN.
pub fn strip_arn(value: &str) -> &str {
    if value.starts_with("arn:") {
        value.rsplit('/').next().unwrap_or(value)
    } else {
        value
    }
}

/// Resolves a reference to one of `names` (ARNs accepted), with a did-you-mean; `what` is singular
/// ("service").
pub fn resolve(cx: &mut Cx, node: &Node, names: &[String], what: &str) -> Option<usize> {
    let raw = string(cx, node)?;
    resolve_name(cx, node, strip_arn(raw), names, what)
}

/// Resolves an already extracted name.
pub fn resolve_name(
    cx: &mut Cx,
    node: &Node,
    name: &str,
    names: &[String],
    what: &str,
) -> Option<usize> {
    if let Some(i) = names.iter().position(|n| n == name) {
        return Some(i);
    }
    let hint = if names.is_empty() {
        Some(format!("the scenario defines no {what}; define it first"))
    } else {
        did_you_mean::hint(
            name,
            names.iter().map(String::as_str),
            &format!("defined: {what}"),
        )
    };
    cx.error(node, format!("unknown {what} `{name}`"), hint);
    None
}

/// Reports duplicate names (`names[i]` defined at `at[i]`).
pub fn check_duplicates(cx: &mut Cx, names: &[(String, &Node)], what: &str) {
    for (i, (name, node)) in names.iter().enumerate() {
        if let Some((_, first)) = names[..i].iter().find(|(n, _)| n == name) {
            let first_at = cx.sources.location(first.source, first.span.start);
            cx.error(
                *node,
                format!("duplicate {what} `{name}` (first defined at {first_at})"),
                Some("give each one a different name".into()),
            );
        }
    }
}

/// A problem caused by absent fields (see [`Table::absent_fields`]).
struct Absence {
    /// The fields, as spelled in the table.
    fields: Vec<String>,
    /// Why their absence matters, for the did-you-mean hint that replaces the problem.
    why: String,
    /// The problem reported.
    problem: Diagnostic,
}

/// A table of the tree being read field by field.
pub struct Table<'n> {
    /// The table node.
    pub node: &'n Node,
    entries: Vec<&'n (Key, Node)>,
    used: Vec<bool>,
    /// `(field, AWS name)`: the AWS API member that the scenario field stands for (`service_name` for a
    /// service's `name`), both spelled as in the table.
    aliases: Vec<(String, String)>,
    known: Vec<String>,
    camel: bool,
    what: String,
    /// Problems caused by absent fields, each with the fields whose absence caused it: a misspelling of one
    /// of them found by [`Table::finish`] replaces the problem.
    absent: Vec<Absence>,
}

impl<'n> Table<'n> {
    /// Starts reading `node`, which must be a table; `what` names it in messages (e.g. `"[[services]] entry"`).
    pub fn new(cx: &mut Cx, node: &'n Node, what: &str) -> Option<Table<'n>> {
        match &node.kind {
            Kind::Table(entries) => Some(Table {
                node,
                entries: entries.iter().collect(),
                used: vec![false; entries.len()],
                aliases: Vec::new(),
                known: Vec::new(),
                camel: false,
                what: what.to_string(),
                absent: Vec::new(),
            }),
            _ => {
                type_error(cx, node, &format!("a table for {what}"), None);
                None
            }
        }
    }

    /// Reads the table's keys in AWS camelCase: getters still take snake_case names.
    pub fn camel_case(mut self) -> Table<'n> {
        self.camel = true;
        self
    }

    /// Whether keys are read in camelCase.
    pub fn is_camel(&self) -> bool {
        self.camel
    }

    /// Renames the table in messages (once its name is known). A description whose name is empty (two
    /// backticks in a row: the name field is missing) keeps the generic one, such as `[[services]] entry`.
    pub fn set_what(&mut self, what: String) {
        if !what.contains("``") {
            self.what = what;
        }
    }

    /// The name of the table in messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    fn spelled(&self, name: &str) -> String {
        if self.camel {
            snake_to_camel(name)
        } else {
            name.to_string()
        }
    }

    /// Where field `spelled` is: under its own name, else under its AWS name.
    fn position(&self, spelled: &str) -> Option<usize> {
        let at = |name: &str| self.entries.iter().position(|(k, _)| k.name == name);
        at(spelled).or_else(|| {
            self.aliases
                .iter()
                .find(|(field, _)| field == spelled)
                .and_then(|(_, aws)| at(aws))
        })
    }

    /// The value of field `name` (snake_case), marking it known and used.
    pub fn get(&mut self, name: &str) -> Option<&'n Node> {
        let spelled = self.spelled(name);
        let pos = self.position(&spelled);
        if !self.known.contains(&spelled) {
            self.known.push(spelled);
        }
        let pos = pos?;
        self.used[pos] = true;
        Some(&self.entries[pos].1)
    }

    /// The key of field `name`, if present (does not mark it).
    pub fn key(&self, name: &str) -> Option<&'n Key> {
        self.position(&self.spelled(name))
            .map(|pos| &self.entries[pos].0)
    }

    /// Accepts the AWS API member `aws` (snake_case) for the scenario field `field`, where the scenario
    /// names it differently (`service_name` for a service's `name`). Giving both is an error. Call it before
    /// reading `field`.
    pub fn alias(&mut self, cx: &mut Cx, field: &str, aws: &str) {
        let (field, aws) = (self.spelled(field), self.spelled(aws));
        let has = |name: &str| self.entries.iter().find(|(k, _)| k.name == name);
        if let (Some(_), Some((k, _))) = (has(&field), has(&aws)) {
            cx.error(
                k,
                format!("`{aws}` is the AWS name of `{field}`, which is given too"),
                Some(format!("keep one of `{field}` and `{aws}`")),
            );
        }
        if !self.known.contains(&aws) {
            self.known.push(aws.clone());
        }
        self.aliases.push((field, aws));
    }

    /// Reads the fields of the nested table `name` as fields of this one: the AWS shape nests them
    /// (`auto_scaling_group_provider = { managed_scaling = … }`) where the scenario flattens them. A field
    /// given both here and inside `name` is an error.
    pub fn flatten(&mut self, cx: &mut Cx, name: &str) {
        let Some(node) = self.get(name) else {
            return;
        };
        let Kind::Table(inner) = &node.kind else {
            type_error(cx, node, &format!("a table for `{name}`"), None);
            return;
        };
        for entry in inner {
            if let Some((outer, _)) = self.entries.iter().find(|(k, _)| k.name == entry.0.name) {
                let at = cx.sources.location(outer.source, outer.span.start);
                cx.error(
                    &entry.0,
                    format!("`{}` is given twice (also at {at})", entry.0.name),
                    Some(format!("keep it either in `{name}` or beside it")),
                );
                continue;
            }
            self.entries.push(entry);
            self.used.push(false);
        }
    }

    /// Accepts `names` (snake_case) without reading them and without a note: members that describe a
    /// resource rather than configure it (the `revision` or `status` of describe output).
    pub fn skip(&mut self, names: &[&str]) {
        for name in names {
            self.get(name);
        }
    }

    /// The value of a required field; its absence is reported at the table.
    pub fn required(&mut self, cx: &mut Cx, name: &str) -> Option<&'n Node> {
        let v = self.get(name);
        if v.is_none() {
            let spelled = self.spelled(name);
            let message = format!("missing required field `{spelled}` in {}", self.what);
            let hint = format!("add `{spelled} = …`");
            self.absence(cx, &[name], "it is a required field", message, hint);
        }
        v
    }

    /// Reports a problem caused by the absence of `fields` (snake_case) at the table, unless a misspelling
    /// of one of them is found by [`Table::finish`]: then the misspelling alone is reported.
    pub fn absent_fields(
        &mut self,
        cx: &mut Cx,
        fields: &[&str],
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let message = message.into();
        let why = message.clone();
        self.absence(cx, fields, &why, message, hint.into());
    }

    fn absence(&mut self, cx: &mut Cx, fields: &[&str], why: &str, message: String, hint: String) {
        let fields = fields.iter().map(|f| self.spelled(f)).collect();
        cx.error(self.node, message, Some(hint));
        if let Some(problem) = cx.diags.last() {
            self.absent.push(Absence {
                fields,
                why: why.to_string(),
                problem: problem.clone(),
            });
        }
    }

    /// Reports unknown keys (with a did-you-mean among the fields asked for) and notes `ignored` AWS fields
    /// (snake_case names). An unknown key that is a misspelling of an absent field replaces the problem that
    /// absence caused (`desird_count` is reported, not the missing `desired_count`).
    pub fn finish(self, cx: &mut Cx, ignored: &[&str]) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used[i] || self.known.contains(&key.name) {
                continue;
            }
            if ignored.iter().any(|n| self.spelled(n) == key.name) {
                cx.ignored_field(key);
                continue;
            }
            let meant = did_you_mean::suggest(&key.name, self.known.iter().map(String::as_str));
            // The field meant, under its scenario name when the misspelling is of its AWS name.
            let field = meant.map(|m| {
                self.aliases
                    .iter()
                    .find(|(_, aws)| aws == m)
                    .map_or(m, |(field, _)| field.as_str())
            });
            let caused =
                field.and_then(|f| self.absent.iter().find(|a| a.fields.iter().any(|g| g == f)));
            let hint = match (meant, caused) {
                (Some(m), Some(absence)) => {
                    cx.diags.retain(|d| *d != absence.problem);
                    Some(format!("did you mean `{m}`? ({})", absence.why))
                }
                _ => did_you_mean::hint(
                    &key.name,
                    self.known.iter().map(String::as_str),
                    "valid fields",
                ),
            };
            cx.error(
                key,
                format!("unknown field `{}` in {}", key.name, self.what),
                hint,
            );
        }
    }

    /// Optional string field.
    pub fn str(&mut self, cx: &mut Cx, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|n| string(cx, n))
            .map(str::to_string)
    }

    /// Required string field.
    pub fn req_str(&mut self, cx: &mut Cx, name: &str) -> Option<String> {
        self.required(cx, name)
            .and_then(|n| string(cx, n))
            .map(str::to_string)
    }

    /// Optional `u32` field in `lo..=hi`.
    pub fn u32(&mut self, cx: &mut Cx, name: &str, lo: u32, hi: u32) -> Option<u32> {
        self.get(name).and_then(|n| u32_in(cx, n, lo, hi))
    }

    /// Required `u32` field in `lo..=hi`.
    pub fn req_u32(&mut self, cx: &mut Cx, name: &str, lo: u32, hi: u32) -> Option<u32> {
        self.required(cx, name).and_then(|n| u32_in(cx, n, lo, hi))
    }

    /// Optional AWS integer-seconds field in `lo..=hi`, as a duration.
    pub fn seconds(&mut self, cx: &mut Cx, name: &str, lo: u32, hi: u32) -> Option<SimDuration> {
        self.u32(cx, name, lo, hi)
            .map(|s| SimDuration::from_secs(u64::from(s)))
    }

    /// Optional number field in `lo..=hi`.
    pub fn f64(&mut self, cx: &mut Cx, name: &str, lo: f64, hi: f64) -> Option<f64> {
        self.get(name).and_then(|n| number(cx, n, lo, hi))
    }

    /// Optional boolean field.
    pub fn bool(&mut self, cx: &mut Cx, name: &str) -> Option<bool> {
        self.get(name).and_then(|n| boolean(cx, n))
    }

    /// Optional human-duration field.
    pub fn duration(&mut self, cx: &mut Cx, name: &str) -> Option<SimDuration> {
        self.get(name).and_then(|n| human_duration(cx, n))
    }

    /// Optional duration-or-`{ min, max }` field.
    pub fn duration_dist(&mut self, cx: &mut Cx, name: &str) -> Option<DurationDist> {
        self.get(name).and_then(|n| duration_dist(cx, n))
    }

    /// Optional enumerated field.
    pub fn enumeration(
        &mut self,
        cx: &mut Cx,
        name: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        self.get(name).and_then(|n| enumeration(cx, n, allowed))
    }

    /// Optional array field.
    pub fn array(&mut self, cx: &mut Cx, name: &str) -> Option<&'n [Node]> {
        self.get(name).and_then(|n| array(cx, n))
    }

    /// Optional array-of-strings field.
    pub fn string_list(&mut self, cx: &mut Cx, name: &str) -> Option<Vec<String>> {
        self.get(name).and_then(|n| string_list(cx, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::toml_source;

    fn cx_with(text: &str) -> (Cx, Node) {
        let mut sources = Sources::default();
        let id = sources.add("t.toml", text);
        let node = toml_source::parse_document(id, text).unwrap();
        (Cx::new(sources, PathBuf::new()), node)
    }

    #[test]
    fn unknown_fields_get_a_did_you_mean_from_the_fields_that_were_asked_for() {
        let (mut cx, node) = cx_with("name = \"web\"\ndesird_count = 3\n");
        let mut t = Table::new(&mut cx, &node, "[[services]] entry").unwrap();
        assert_eq!(t.str(&mut cx, "name").as_deref(), Some("web"));
        assert_eq!(t.u32(&mut cx, "desired_count", 0, 10), None);
        t.finish(&mut cx, &[]);
        assert_eq!(cx.diags.len(), 1);
        let d = &cx.diags[0];
        assert_eq!(
            d.message,
            "unknown field `desird_count` in [[services]] entry"
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `desired_count`?"));
        assert_eq!((d.line, d.column), (2, 1));
    }

    #[test]
    fn ignored_aws_fields_are_noted_once_per_name() {
        let (mut cx, node) = cx_with("[a]\ntags = 1\n[b]\ntags = 2\n");
        for section in ["a", "b"] {
            let t = Table::new(&mut cx, node.get(section).unwrap(), section).unwrap();
            t.finish(&mut cx, &["tags"]);
        }
        assert!(cx.diags.is_empty());
        assert_eq!(cx.notes.len(), 1);
        assert_eq!(cx.notes[0].location, "t.toml:2:1");
    }

    #[test]
    fn camel_case_tables_look_up_aws_spellings() {
        let (mut cx, node) = cx_with("memoryReservation = 5\nlogConfiguration = {}\n");
        let mut t = Table::new(&mut cx, &node, "container")
            .unwrap()
            .camel_case();
        assert_eq!(t.u32(&mut cx, "memory_reservation", 0, 10), Some(5));
        t.finish(&mut cx, &["log_configuration"]);
        assert!(cx.diags.is_empty());
        assert_eq!(
            cx.notes[0].message,
            "`logConfiguration` is an AWS field that ecsim does not model; it is ignored"
        );
    }

    #[test]
    fn out_of_range_integers_say_which_range_is_valid() {
        let (mut cx, node) = cx_with("retries = 11\n");
        let mut t = Table::new(&mut cx, &node, "health_check").unwrap();
        assert_eq!(t.u32(&mut cx, "retries", 1, 10), None);
        assert_eq!(cx.diags[0].message, "11 is out of range");
        assert_eq!(
            cx.diags[0].hint.as_deref(),
            Some("write an integer from 1 to 10")
        );
    }

    #[test]
    fn arns_resolve_by_their_last_path_segment() {
        assert_eq!(
            strip_arn("arn:aws:ecs:us-east-1:123456789012:service/prod/web"),
            "web"
        );
        assert_eq!(strip_arn("web"), "web");
    }

    #[test]
    fn a_bare_number_for_a_duration_hints_at_adding_a_unit() {
        let (mut cx, node) = cx_with("d = 90\n");
        assert_eq!(human_duration(&mut cx, node.get("d").unwrap()), None);
        assert!(
            cx.diags[0]
                .hint
                .as_deref()
                .unwrap()
                .starts_with("durations carry a unit: \"90s\"")
        );
    }

    #[test]
    fn a_misspelling_of_an_absent_field_replaces_the_problem_of_its_absence() {
        let (mut cx, node) = cx_with("servce_name = \"web\"\ndesird_count = 1\n");
        let mut t = Table::new(&mut cx, &node, "[[services]] entry").unwrap();
        t.alias(&mut cx, "name", "service_name");
        let name = t.req_str(&mut cx, "name").unwrap_or_default();
        t.set_what(format!("service `{name}`"));
        t.required(&mut cx, "desired_count");
        assert_eq!(cx.diags.len(), 2, "both fields are missing so far");
        t.finish(&mut cx, &[]);
        let got: Vec<(&str, Option<&str>)> = cx
            .diags
            .iter()
            .map(|d| (d.message.as_str(), d.hint.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "unknown field `servce_name` in [[services]] entry",
                    Some("did you mean `service_name`? (it is a required field)")
                ),
                (
                    "unknown field `desird_count` in [[services]] entry",
                    Some("did you mean `desired_count`? (it is a required field)")
                ),
            ]
        );
    }

    #[test]
    fn an_aws_alias_reads_as_the_field_and_giving_both_is_an_error() {
        let (mut cx, node) = cx_with("service_name = \"web\"\n");
        let mut t = Table::new(&mut cx, &node, "s").unwrap();
        t.alias(&mut cx, "name", "service_name");
        assert_eq!(t.str(&mut cx, "name").as_deref(), Some("web"));
        assert_eq!(t.key("name").map(|k| k.name.as_str()), Some("service_name"));
        t.finish(&mut cx, &[]);
        assert!(cx.diags.is_empty());
        let (mut cx, node) = cx_with("name = \"a\"\nservice_name = \"b\"\n");
        let mut t = Table::new(&mut cx, &node, "s").unwrap();
        t.alias(&mut cx, "name", "service_name");
        assert_eq!(t.str(&mut cx, "name").as_deref(), Some("a"));
        t.finish(&mut cx, &[]);
        assert_eq!(cx.diags.len(), 1);
        assert_eq!((cx.diags[0].line, cx.diags[0].column), (2, 1));
    }

    #[test]
    fn a_flattened_nested_table_is_read_as_fields_of_its_parent() {
        let (mut cx, node) = cx_with("a = 1\nnest = { b = 2, a = 3 }\n");
        let mut t = Table::new(&mut cx, &node, "s").unwrap();
        t.flatten(&mut cx, "nest");
        assert_eq!(t.u32(&mut cx, "a", 0, 9), Some(1));
        assert_eq!(t.u32(&mut cx, "b", 0, 9), Some(2));
        t.finish(&mut cx, &[]);
        assert_eq!(cx.diags.len(), 1, "`a` is given twice");
        assert!(cx.diags[0].message.starts_with("`a` is given twice"));
    }
}
