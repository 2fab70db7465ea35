//! `--set PATH=VALUE` and `[[variants]]` overrides (SPEC §1, §3.12), applied to the tree before validation
//! so that validation sees the final values.
//!
//! PATH is dotted; a segment may be double-quoted to hold dots (`images."nginx:1.25".pull_time`). Lists are
//! indexed by their elements' key: `name` (or the AWS name it stands for, such as `service_name`), else
//! `alarm_name`; `task_definitions` by `family:rev` or `family`
//! (its latest revision; a definition imported from a file is found by the file's family, and only its `file`
//! can be overridden); `scalable_targets` by `service`; any list by a zero-based index (`events.0.at`). A
//! path into a missing table creates it, so `--set fargate.vcpu_quota=10` works without a `[fargate]`
//! section; a misspelled field is then reported by validation as unknown, with a did-you-mean, at the
//! `--set` argument. VALUE is a TOML value (strings in quotes). Each `--set` argument is a source of its own
//! named `--set`, so a problem is reported at its column in the argument.

use std::ops::Range;
use std::path::Path;

use super::aws_json;
use super::diagnostics::SourceId;
use super::did_you_mean;
use super::reader::Cx;
use super::toml_source;
use super::tree::{Key, Kind, Node};

/// Top-level sections that are lists: a path cannot create them.
pub const LIST_SECTIONS: [&str; 15] = [
    "instance_types",
    "auto_scaling_groups",
    "capacity_providers",
    "task_definitions",
    "target_groups",
    "services",
    "scalable_targets",
    "scaling_policies",
    "alarms",
    "scheduled_actions",
    "workloads",
    "scheduled_tasks",
    "events",
    "checks",
    "variants",
];

/// One segment of a dotted path, with its span in the source the path was written in.
#[derive(Clone, Debug, PartialEq)]
pub struct PathSeg {
    /// The segment (unquoted).
    pub name: String,
    /// Its span.
    pub span: Range<usize>,
}

/// A problem with a path: span in the path's source, message, hint.
type PathError = (Range<usize>, String, Option<String>);

/// Splits a dotted path whose text starts at byte `offset` of its source.
pub fn parse_path(text: &str, offset: usize) -> Result<Vec<PathSeg>, PathError> {
    let mut segs = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let hint = || Some("write a dotted path such as services.web.desired_count".to_string());
    loop {
        let start = i;
        let name = if bytes.get(i) == Some(&b'"') {
            let Some(close) = text[i + 1..].find('"') else {
                return Err((
                    offset + i..offset + text.len(),
                    "unterminated quote in path".into(),
                    hint(),
                ));
            };
            i += close + 2;
            text[start + 1..i - 1].to_string()
        } else {
            while i < bytes.len() && bytes[i] != b'.' {
                i += 1;
            }
            text[start..i].to_string()
        };
        if name.is_empty() && bytes.get(start) != Some(&b'"') {
            return Err((
                offset + start..offset + (start + 1).min(text.len()).max(start),
                "empty segment in path".into(),
                hint(),
            ));
        }
        segs.push(PathSeg {
            name,
            span: offset + start..offset + i,
        });
        match bytes.get(i) {
            None => return Ok(segs),
            Some(b'.') => i += 1,
            Some(_) => {
                return Err((
                    offset + i..offset + i + 1,
                    "expected `.` after a quoted segment".into(),
                    hint(),
                ));
            }
        }
    }
}

/// Applies one `--set` argument as typed.
pub fn apply_cli(cx: &mut Cx, root: &mut Node, arg: &str) {
    let src = cx.sources.add("--set", arg);
    let Some(eq) = find_eq(arg) else {
        cx.error_span(
            src,
            0..arg.len(),
            "expected PATH=VALUE",
            Some("write e.g. --set services.web.desired_count=4".into()),
        );
        return;
    };
    let (path_text, value_text) = (&arg[..eq], &arg[eq + 1..]);
    let segs = match parse_path(path_text, 0) {
        Ok(s) => s,
        Err((span, message, hint)) => {
            cx.error_span(src, span, message, hint);
            return;
        }
    };
    let value = match toml_source::parse_value(src, value_text, eq + 1) {
        Ok(v) => v,
        Err(e) => {
            let bare = !value_text.is_empty()
                && value_text
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_.:/ ".contains(c));
            let hint = if bare {
                format!(
                    "VALUE is a TOML value, so a string needs quotes: {path_text}=\"{value_text}\" (in a shell: '{path_text}=\"{value_text}\"')"
                )
            } else {
                "VALUE is a TOML value: 4, true, \"text\", [\"a\", \"b\"] or { key = 1 }"
                    .to_string()
            };
            let span = if e.span.is_empty() {
                eq + 1..arg.len().max(eq + 1)
            } else {
                e.span
            };
            cx.error_span(
                src,
                span,
                format!("invalid value: {}", e.message),
                Some(hint),
            );
            return;
        }
    };
    let base_dir = cx.base_dir.clone();
    apply(cx, root, &segs, src, value, &base_dir);
}

/// The first `=` outside double quotes.
fn find_eq(arg: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in arg.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '=' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Keys an element of list `list` answers to.
fn element_keys(list: &str, items: &[Node], base_dir: &Path) -> Vec<Vec<String>> {
    if list == "task_definitions" {
        let families: Vec<Option<String>> = items
            .iter()
            .map(|i| {
                match (
                    i.get("family").and_then(Node::as_str),
                    i.get("file").and_then(Node::as_str),
                ) {
                    (Some(f), _) => Some(f.to_string()),
                    (None, Some(file)) => aws_json::peek_family(base_dir, file),
                    _ => None,
                }
            })
            .collect();
        return families
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let Some(f) = f else { return Vec::new() };
                let rev = families[..=i]
                    .iter()
                    .filter(|g| g.as_ref() == Some(f))
                    .count();
                let latest = !families[i + 1..].iter().any(|g| g.as_ref() == Some(f));
                let mut keys = vec![format!("{f}:{rev}")];
                if latest {
                    keys.push(f.clone());
                }
                keys
            })
            .collect();
    }
    let field_order: &[&str] = if list == "scalable_targets" {
        &["service"]
    } else {
        // `name`, or the AWS member a section accepts for it (`Table::alias`).
        &[
            "name",
            "alarm_name",
            "service_name",
            "auto_scaling_group_name",
            "policy_name",
            "scheduled_action_name",
        ]
    };
    items
        .iter()
        .map(|i| {
            field_order
                .iter()
                .find_map(|f| i.get(f).and_then(Node::as_str))
                .map(|s| vec![s.to_string()])
                .unwrap_or_default()
        })
        .collect()
}

fn shown(segs: &[PathSeg]) -> String {
    segs.iter()
        .map(|s| {
            if s.name.contains('.') {
                format!("\"{}\"", s.name)
            } else {
                s.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Applies `value` at `segs` (spans in `src`); problems are reported at the offending segment.
pub fn apply(
    cx: &mut Cx,
    root: &mut Node,
    segs: &[PathSeg],
    src: SourceId,
    value: Node,
    base_dir: &Path,
) -> bool {
    let mut value = Some(value);
    let mut cur: &mut Node = root;
    let mut list_name = String::new();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let here = shown(&segs[..i]);
        let ty = cur.type_name();
        cur = match &mut cur.kind {
            Kind::Table(entries) => {
                if entries
                    .iter()
                    .any(|(k, v)| k.name == "file" && v.as_str().is_some())
                    && list_name == "task_definitions"
                    && seg.name != "file"
                {
                    cx.error_span(src, seg.span.clone(), format!("task definition `{here}` is imported from a JSON file"), Some(format!("only its file can be overridden: {here}.file=\"other.json\"; or edit the JSON file")));
                    return false;
                }
                let pos = match entries.iter().position(|(k, _)| k.name == seg.name) {
                    Some(pos) => pos,
                    None => {
                        if i == 0 && !last && LIST_SECTIONS.contains(&seg.name.as_str()) {
                            cx.error_span(
                                src,
                                seg.span.clone(),
                                format!("the scenario has no [[{}]] entries", seg.name),
                                Some(format!(
                                    "define a [[{}]] entry in the scenario file first",
                                    seg.name
                                )),
                            );
                            return false;
                        }
                        let key = Key {
                            name: seg.name.clone(),
                            source: src,
                            span: seg.span.clone(),
                        };
                        let node = if last {
                            value.take().expect("value is used once")
                        } else {
                            Node {
                                source: src,
                                span: seg.span.clone(),
                                kind: Kind::Table(Vec::new()),
                            }
                        };
                        entries.push((key, node));
                        if last {
                            return true;
                        }
                        entries.len() - 1
                    }
                };
                if last {
                    entries[pos].1 = value.take().expect("value is used once");
                    return true;
                }
                list_name = seg.name.clone();
                &mut entries[pos].1
            }
            Kind::Array(items) => {
                let idx = match seg.name.parse::<usize>() {
                    Ok(n) if n < items.len() => n,
                    Ok(n) => {
                        cx.error_span(
                            src,
                            seg.span.clone(),
                            format!(
                                "index {n} is out of range: `{here}` has {} entries",
                                items.len()
                            ),
                            Some(if items.is_empty() {
                                "the list is empty".into()
                            } else {
                                format!("indexes go from 0 to {}", items.len() - 1)
                            }),
                        );
                        return false;
                    }
                    Err(_) => {
                        let keys = element_keys(&list_name, items, base_dir);
                        match keys.iter().position(|k| k.contains(&seg.name)) {
                            Some(idx) => idx,
                            None => {
                                let all: Vec<&str> =
                                    keys.iter().flatten().map(String::as_str).collect();
                                let hint = did_you_mean::hint(
                                    &seg.name,
                                    all.iter().copied(),
                                    &format!("entries of `{here}`"),
                                )
                                .or_else(|| Some(format!("index `{here}` by position: {here}.0")));
                                cx.error_span(
                                    src,
                                    seg.span.clone(),
                                    format!("no entry `{}` in `{here}`", seg.name),
                                    hint,
                                );
                                return false;
                            }
                        }
                    }
                };
                if last {
                    items[idx] = value.take().expect("value is used once");
                    return true;
                }
                &mut items[idx]
            }
            _ => {
                cx.error_span(
                    src,
                    seg.span.clone(),
                    format!("`{here}` is a {}; it has no field `{}`", ty, seg.name),
                    Some(format!("stop the path at `{here}`")),
                );
                return false;
            }
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_on_dots_and_quoted_segments_keep_theirs() {
        let segs = parse_path("images.\"nginx:1.25\".pull_time", 4).unwrap();
        let names: Vec<_> = segs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["images", "nginx:1.25", "pull_time"]);
        assert_eq!(segs[1].span, 11..23);
        assert!(parse_path("a..b", 0).is_err());
        assert!(parse_path("a.\"b", 0).is_err());
    }
}
