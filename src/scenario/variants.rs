//! `[[variants]]` (SPEC §3.12): named sets of overrides for `compare`.
//!
//! This file reads the entries (`name`, required, unique, not `base`, not empty, on one line; `set`, a table of `"dotted.path" = value`)
//! into [`Variant`]s, keeping each override's key and value nodes so that [`super::load_str`] can apply every
//! variant to a copy of the tree and validate it, reporting problems at the variant's own location.

use super::model::Variant;
use super::reader::{self, Cx, Table};
use super::tree::{Key, Node};

/// A variant and where its overrides are written.
pub(super) struct VariantSource<'n> {
    /// The variant.
    pub variant: Variant,
    /// `(path key, value)` of each override, in file order.
    pub set: Vec<(&'n Key, &'n Node)>,
}

/// Reads every variant.
pub(super) fn read<'n>(cx: &mut Cx, node: Option<&'n Node>) -> Vec<VariantSource<'n>> {
    let Some(items) = node.and_then(|n| reader::array(cx, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut names: Vec<(String, &Node)> = Vec::new();
    for item in items {
        let Some(mut t) = Table::new(cx, item, "[[variants]] entry") else {
            continue;
        };
        let name = t.req_str(cx, "name").unwrap_or_default();
        if let Some(n) = item.get("name") {
            if name.trim().is_empty() {
                cx.error(
                    n,
                    "a variant's name is empty",
                    Some("name it after what it changes, e.g. name = \"spread-instance\"".into()),
                );
            } else if name.chars().any(char::is_control) {
                cx.error(
                    n,
                    "a variant's name has a control character (a line break or a tab)",
                    Some("keep the name on one line: it heads a column of the comparison".into()),
                );
            }
            if name == "base" {
                cx.error(
                    n,
                    "`base` is the name of the unmodified scenario in comparisons",
                    Some("choose another variant name".into()),
                );
            }
            names.push((name.clone(), n));
        }
        t.set_what(format!("variant `{name}`"));
        let mut set = Vec::new();
        if let Some(s) = t.required(cx, "set") {
            match s.entries() {
                Some(entries) if !entries.is_empty() => {
                    set.extend(entries.iter().map(|(k, v)| (k, v)))
                }
                Some(_) => cx.error(
                    s,
                    "`set` is empty",
                    Some("add overrides such as { \"services.web.desired_count\" = 6 }".into()),
                ),
                None => cx.error(
                    s,
                    format!("expected a table of overrides, found {}", s.type_name()),
                    Some("write set = { \"services.web.desired_count\" = 6 }".into()),
                ),
            }
        }
        t.finish(cx, &[]);
        let variant = Variant {
            name,
            set: set
                .iter()
                .map(|(k, v)| (k.name.clone(), v.to_toml()))
                .collect(),
        };
        out.push(VariantSource { variant, set });
    }
    reader::check_duplicates(cx, &names, "variant");
    out
}
