//! The spanned document tree: the first input layer (STYLE.md §1).
//!
//! Both TOML and JSON parse into this one shape, so overrides and section readers never care which format a
//! file was written in. Every node and key remembers its source and byte span; tables keep their keys in file
//! order. The tree holds no defaults and no meaning: it is what the user typed.

use std::fmt::Write as _;
use std::ops::Range;

use super::diagnostics::SourceId;

/// A key of a table, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as written (unquoted).
    pub name: String,
    /// The source the key comes from.
    pub source: SourceId,
    /// Byte span of the key (with its quotes, if any).
    pub span: Range<usize>,
}

/// A value with its source and byte span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The source the value comes from (a `--set` value has its own source).
    pub source: SourceId,
    /// Byte span of the value (for a `[table]` or `[[array]]`, the header).
    pub span: Range<usize>,
    /// The value.
    pub kind: Kind,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A table, keys in file order.
    Table(Vec<(Key, Node)>),
    /// An array.
    Array(Vec<Node>),
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A TOML date-time literal, as written.
    Datetime(String),
}

impl Node {
    /// What the user would call this value's type.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Table(_) => "table",
            Kind::Array(_) => "array",
            Kind::String(_) => "string",
            Kind::Integer(_) => "integer",
            Kind::Float(_) => "float",
            Kind::Bool(_) => "boolean",
            Kind::Datetime(_) => "date-time",
        }
    }

    /// The entries of a table.
    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Table(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key`, if this is a table that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// This value in TOML syntax (inline tables for tables), as `--set` and `[[variants]]` take it.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        self.write_toml(&mut out);
        out
    }

    fn write_toml(&self, out: &mut String) {
        match &self.kind {
            Kind::String(s) => write_toml_string(out, s),
            Kind::Integer(i) => {
                let _ = write!(out, "{i}");
            }
            Kind::Float(f) => {
                if f.is_nan() {
                    out.push_str("nan");
                } else if f.is_infinite() {
                    out.push_str(if *f > 0.0 { "inf" } else { "-inf" });
                } else {
                    let _ = write!(out, "{f:?}");
                }
            }
            Kind::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Kind::Datetime(d) => out.push_str(d),
            Kind::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_toml(out);
                }
                out.push(']');
            }
            Kind::Table(entries) => {
                if entries.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{ ");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if !k.name.is_empty()
                        && k.name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        out.push_str(&k.name);
                    } else {
                        write_toml_string(out, &k.name);
                    }
                    out.push_str(" = ");
                    v.write_toml(out);
                }
                out.push_str(" }");
            }
        }
    }
}

fn write_toml_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(kind: Kind) -> Node {
        Node {
            source: 0,
            span: 0..0,
            kind,
        }
    }

    #[test]
    fn values_render_back_as_toml_that_the_toml_parser_reads_again() {
        let key = |name: &str| Key {
            name: name.into(),
            source: 0,
            span: 0..0,
        };
        let v = n(Kind::Table(vec![
            (key("type"), n(Kind::String("spread".into()))),
            (key("a.b"), n(Kind::Float(1.0))),
            (
                key("list"),
                n(Kind::Array(vec![
                    n(Kind::Integer(-3)),
                    n(Kind::String("q\"\n".into())),
                ])),
            ),
        ]));
        assert_eq!(
            v.to_toml(),
            r#"{ type = "spread", "a.b" = 1.0, list = [-3, "q\"\n"] }"#
        );
        assert!(toml::de::DeValue::parse(&v.to_toml()).is_ok());
    }
}
