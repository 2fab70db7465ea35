//! Native AWS JSON task definitions (SPEC §3.5, ECS-SEMANTICS §14): `file = "path.json"` in
//! `[[task_definitions]]`.
//!
//! Accepts the input of `aws ecs register-task-definition --cli-input-json` and the output of
//! `aws ecs describe-task-definition` (its `taskDefinition` wrapper, with `tags` beside it), camelCase as AWS
//! writes them. The path is relative to the scenario file's directory. The JSON file becomes a source of its
//! own, so errors point into it with its own `file:line:column`. Settings without effect on the simulation
//! (`command`, `logConfiguration`, `taskRoleArn`, …) are noted once each and ignored. The read-only members
//! that describe output adds ([`DESCRIBE_ONLY_FIELDS`]: `taskDefinitionArn`, `revision`, `status`, …) describe
//! the registered resource rather than configure it, so they are skipped without a note; the revision comes
//! from the scenario's order, not from the file.

use std::path::Path;

use super::diagnostics::Syntax;
use super::json_source;
use super::model::TaskDefinition;
use super::reader::{self, Cx, Table};
use super::task_definitions::{self, IGNORED_TASK_FIELDS};
use super::tree::Node;

/// The TaskDefinition members of `aws ecs describe-task-definition` output that RegisterTaskDefinition does
/// not take (snake_case): read-only facts about the registered revision, skipped without a note, inline or in
/// a JSON file.
pub const DESCRIBE_ONLY_FIELDS: &[&str] = &[
    "task_definition_arn",
    "revision",
    "status",
    "requires_attributes",
    "compatibilities",
    "registered_at",
    "deregistered_at",
    "delete_requested_at",
    "registered_by",
];

/// Imports the task definition named by the `file` value `file_node`.
pub(super) fn import(cx: &mut Cx, file_node: &Node) -> Option<TaskDefinition> {
    let rel = reader::string(cx, file_node)?;
    let path = cx.base_dir.join(rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            cx.error(
                file_node,
                format!("cannot read task definition file `{}`: {e}", path.display()),
                Some("the path is relative to the scenario file's directory".into()),
            );
            return None;
        }
    };
    let source = cx
        .sources
        .add_with_syntax(&path.display().to_string(), &text, Syntax::AwsJson);
    let root = match json_source::parse_document(source, &text) {
        Ok(root) => root,
        Err(e) => {
            cx.error_span(
                source,
                e.span,
                format!("JSON syntax error: {}", e.message),
                e.hint,
            );
            return None;
        }
    };
    let mut outer = Table::new(cx, &root, "the task definition file (AWS JSON)")?.camel_case();
    if let Some(inner) = outer.get("task_definition") {
        // describe-task-definition output: { "taskDefinition": { … }, "tags": [ … ] }
        let td = Table::new(cx, inner, "taskDefinition (AWS JSON)").map(|t| read(cx, t));
        outer.finish(cx, &["tags"]);
        td
    } else {
        Some(read(cx, outer))
    }
}

fn read(cx: &mut Cx, t: Table) -> TaskDefinition {
    let mut t = t.camel_case();
    let td = task_definitions::read_definition(cx, &mut t);
    t.skip(DESCRIBE_ONLY_FIELDS);
    t.finish(cx, IGNORED_TASK_FIELDS);
    td
}

/// The `family` a task definition file declares, without reporting anything (used to index
/// `task_definitions` in `--set` paths).
pub(super) fn peek_family(base_dir: &Path, rel: &str) -> Option<String> {
    let text = std::fs::read_to_string(base_dir.join(rel)).ok()?;
    let root = json_source::parse_document(0, &text).ok()?;
    let td = root.get("taskDefinition").unwrap_or(&root);
    td.get("family")?.as_str().map(str::to_string)
}
