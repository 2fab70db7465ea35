//! TOML text → spanned [`Node`] tree, through `toml::de::DeTable` (which keeps spans and, with the crate's
//! `preserve_order` feature, file order).
//!
//! Owns only the conversion and the syntax-error message. Integers outside `i64` are reported here, since the
//! tree stores `i64`; everything else about meaning is the section readers' business.
//!
//! An array, inline table or table header left open is reported where it was opened: TOML lets an array run
//! over several lines, so the parser only notices the missing `]` lines later ("missing comma between array
//! elements" at the next key), which points away from the mistake. A small scanner ([`unclosed`]) that knows
//! strings and comments finds the opening bracket that is never closed.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostics::SourceId;
use super::tree::{Key, Kind, Node};

/// A syntax error: where and what.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Byte span in the text.
    pub span: Range<usize>,
    /// What the parser said.
    pub message: String,
    /// How to fix it, when the parser can tell.
    pub hint: Option<String>,
}

impl SyntaxError {
    /// An error at `span` without a hint.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    /// The same error with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> SyntaxError {
        self.hint = Some(hint.into());
        self
    }
}

/// Parses a whole TOML document.
pub fn parse_document(source: SourceId, text: &str) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|e| {
        let error = syntax_error(&e, 0);
        unclosed(text, error.span.start)
            .map(|open| open.error(text, &error))
            .unwrap_or(error)
    })?;
    let span = table.span();
    let value = Spanned::new(span, DeValue::Table(table.into_inner()));
    convert(source, &value, 0)
}

/// Parses one TOML value (the VALUE of `--set PATH=VALUE`) whose text starts at byte `offset` of `source`.
pub fn parse_value(source: SourceId, text: &str, offset: usize) -> Result<Node, SyntaxError> {
    let value = DeValue::parse(text).map_err(|e| syntax_error(&e, offset))?;
    convert(source, &value, offset)
}

fn syntax_error(e: &toml::de::Error, offset: usize) -> SyntaxError {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().replace('\n', "; ");
    SyntaxError::new(span.start + offset..span.end + offset, message)
}

/// What was left open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenKind {
    /// An array value: `[`.
    Array,
    /// An inline table: `{`.
    InlineTable,
    /// A `[table]` or `[[array of tables]]` header.
    Header,
}

/// An opening bracket that is never closed, at byte `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset of the bracket.
    pub offset: usize,
    /// What it opens.
    pub kind: OpenKind,
}

impl Unclosed {
    /// The syntax error to report instead of the parser's `error`.
    fn error(self, text: &str, error: &SyntaxError) -> SyntaxError {
        let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        let double = text[self.offset..].starts_with("[[");
        let (what, open, close, after) = match self.kind {
            OpenKind::Array => ("array", "[", "]", "after its last element"),
            OpenKind::InlineTable => ("inline table", "{", "}", "after its last `key = value`"),
            OpenKind::Header if double => (
                "table header",
                "[[",
                "]]",
                "after the table name, on the same line",
            ),
            OpenKind::Header => (
                "table header",
                "[",
                "]",
                "after the table name, on the same line",
            ),
        };
        let mut hint = format!("add `{close}` {after}");
        if line(error.span.start) != line(self.offset) {
            hint.push_str(&format!(
                "; without it the parser reads on and stops at line {}: {}",
                line(error.span.start),
                error.message
            ));
        }
        SyntaxError::new(
            self.offset..self.offset + open.len(),
            format!("unclosed {what}: this `{open}` has no matching `{close}`"),
        )
        .with_hint(hint)
    }
}

/// The innermost bracket opened before byte `limit` that is never closed in `text`, if any. Strings,
/// comments and table headers are skipped as TOML defines them; a closing bracket of the wrong kind is
/// ignored, so `{ a = [1 }` reports the `[`.
pub fn unclosed(text: &str, limit: usize) -> Option<Unclosed> {
    let b = text.as_bytes();
    let mut stack: Vec<Unclosed> = Vec::new();
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => i = line_end(b, i),
            b'"' | b'\'' => i = string_end(b, i),
            b'[' if line_start && stack.is_empty() => match header_end(b, i) {
                Some(end) => i = end,
                None if i < limit => {
                    return Some(Unclosed {
                        offset: i,
                        kind: OpenKind::Header,
                    });
                }
                None => return None,
            },
            b'[' | b'{' => {
                stack.push(Unclosed {
                    offset: i,
                    kind: if c == b'[' {
                        OpenKind::Array
                    } else {
                        OpenKind::InlineTable
                    },
                });
                i += 1;
            }
            b']' | b'}' => {
                let wanted = if c == b']' {
                    OpenKind::Array
                } else {
                    OpenKind::InlineTable
                };
                if stack.last().is_some_and(|o| o.kind == wanted) {
                    stack.pop();
                }
                i += 1;
            }
            _ => i += 1,
        }
        line_start = false;
    }
    stack.into_iter().rev().find(|o| o.offset < limit)
}

/// The offset of the newline ending the line that `i` is on (or the end of the text).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

/// The offset just past the string starting at `i` (a quote). An unterminated single-line string ends at
/// the end of its line.
fn string_end(b: &[u8], i: usize) -> usize {
    let quote = b[i];
    let basic = quote == b'"';
    if b[i..].starts_with(&[quote; 3]) {
        let mut j = i + 3;
        while j < b.len() {
            if basic && b[j] == b'\\' {
                j += 2;
            } else if b[j..].starts_with(&[quote; 3]) {
                // Up to two quotes may precede the closing delimiter: `""""` ends one quote later.
                let mut k = j + 3;
                while k < b.len() && k < j + 5 && b[k] == quote {
                    k += 1;
                }
                return k;
            } else {
                j += 1;
            }
        }
        return b.len();
    }
    let mut j = i + 1;
    while j < b.len() && b[j] != b'\n' {
        if basic && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == quote {
            return j + 1;
        }
        j += 1;
    }
    j.min(b.len())
}

/// The offset just past the closing bracket(s) of the header starting at `i` (`[table]` or
/// `[[array of tables]]`), or `None` if its line does not close it outside quotes.
fn header_end(b: &[u8], i: usize) -> Option<usize> {
    let end = line_end(b, i);
    let opened = if b.get(i + 1) == Some(&b'[') { 2 } else { 1 };
    let mut j = i + opened;
    while j < end {
        match b[j] {
            b'"' | b'\'' => j = string_end(b, j),
            b'#' => return None,
            b']' => {
                let closed = b[j..end].iter().take_while(|&&c| c == b']').count();
                return (closed >= opened).then_some(j + closed);
            }
            _ => j += 1,
        }
    }
    None
}

fn convert(
    source: SourceId,
    value: &Spanned<DeValue<'_>>,
    offset: usize,
) -> Result<Node, SyntaxError> {
    let raw = value.span();
    let span = raw.start + offset..raw.end + offset;
    let kind = match value.get_ref() {
        DeValue::String(s) => Kind::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(v) => Kind::Integer(v),
            Err(_) => {
                return Err(SyntaxError::new(
                    span,
                    format!("integer `{i}` does not fit in 64 bits"),
                ));
            }
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(v) => Kind::Float(v),
            Err(_) => {
                return Err(SyntaxError::new(span, format!("invalid float `{f}`")));
            }
        },
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(d) => Kind::Datetime(d.to_string()),
        DeValue::Array(items) => Kind::Array(
            items
                .iter()
                .map(|v| convert(source, v, offset))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries.iter() {
                let ks = k.span();
                let key = Key {
                    name: k.get_ref().to_string(),
                    source,
                    span: ks.start + offset..ks.end + offset,
                };
                out.push((key, convert(source, v, offset)?));
            }
            Kind::Table(out)
        }
    };
    Ok(Node { source, span, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_of_tables_entries_are_spanned_at_their_header_and_keep_file_order() {
        let text = "[[services]]\nname = \"web\"\nzeta = 1\nalpha = 2\n";
        let root = parse_document(0, text).unwrap();
        let services = root.get("services").unwrap();
        let Kind::Array(items) = &services.kind else {
            panic!("not an array")
        };
        assert_eq!(&text[items[0].span.clone()], "[[services]]");
        let keys: Vec<_> = items[0]
            .entries()
            .unwrap()
            .iter()
            .map(|(k, _)| k.name.as_str())
            .collect();
        assert_eq!(keys, ["name", "zeta", "alpha"]);
    }

    #[test]
    fn a_value_parsed_for_set_is_spanned_inside_the_argument() {
        let node = parse_value(3, "[1, 2]", 10).unwrap();
        assert_eq!(node.span, 10..16);
        assert_eq!(node.source, 3);
    }

    #[test]
    fn a_syntax_error_has_a_span_and_a_message() {
        let e = parse_document(0, "a = \n").unwrap_err();
        assert!(!e.message.is_empty());
        assert!(e.span.start <= 5);
    }

    fn opened(text: &str) -> Option<(usize, OpenKind)> {
        unclosed(text, text.len()).map(|u| (u.offset, u.kind))
    }

    #[test]
    fn an_array_left_open_is_found_at_its_bracket_even_when_the_parser_stops_lines_later() {
        let text = "a = 1\nlist = [\"x\",\n  \"y\"\nb = 2\n";
        let e = parse_document(0, text).unwrap_err();
        assert_eq!(e.span, 13..14, "{e:?}");
        assert_eq!(e.message, "unclosed array: this `[` has no matching `]`");
        assert!(
            e.hint.as_deref().unwrap().contains("stops at line 4"),
            "{e:?}"
        );
    }

    #[test]
    fn brackets_inside_strings_comments_and_closed_headers_are_not_openers() {
        assert_eq!(
            opened("a = \"[\"\n# [ {\nb = '{'\n[t]\nc = \"\"\"\n[\n\"\"\"\n"),
            None
        );
        assert_eq!(opened("[images.\"web:1\"]\nx = [1,\n [2, 3],\n]\n"), None);
        assert_eq!(
            opened("a = \"\\\"[\"\n"),
            None,
            "an escaped quote does not end a string"
        );
    }

    #[test]
    fn the_innermost_open_bracket_is_reported_and_a_wrong_closer_is_ignored() {
        assert_eq!(opened("x = { a = [1 }\n"), Some((10, OpenKind::Array)));
        assert_eq!(opened("x = { a = 1\n"), Some((4, OpenKind::InlineTable)));
    }

    #[test]
    fn a_table_header_without_its_closing_brackets_is_open() {
        assert_eq!(opened("a = 1\n[sim\n"), Some((6, OpenKind::Header)));
        assert_eq!(opened("[[services]\n"), Some((0, OpenKind::Header)));
        let e = parse_document(0, "[[services]\nname = \"x\"\n").unwrap_err();
        assert_eq!(e.span, 0..2);
        assert_eq!(
            e.message,
            "unclosed table header: this `[[` has no matching `]]`"
        );
    }

    #[test]
    fn a_missing_comma_in_a_closed_array_keeps_the_parser_message() {
        let e = parse_document(0, "x = [\n  1\n  2,\n]\n").unwrap_err();
        assert!(e.message.contains("comma"), "{e:?}");
        assert_eq!(e.hint, None);
    }
}
