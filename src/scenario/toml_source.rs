//! TOML text → spanned [`Node`] tree, through `toml::de::DeTable` (which keeps spans and, with the crate's
//! `preserve_order` feature, file order).
//!
//! Owns only the conversion and the syntax-error message. Integers outside `i64` are reported here, since the
//! tree stores `i64`; everything else about meaning is the section readers' business.

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
}

/// Parses a whole TOML document.
pub fn parse_document(source: SourceId, text: &str) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|e| syntax_error(&e, 0))?;
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
    SyntaxError {
        span: span.start + offset..span.end + offset,
        message,
    }
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
                return Err(SyntaxError {
                    span,
                    message: format!("integer `{i}` does not fit in 64 bits"),
                });
            }
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(v) => Kind::Float(v),
            Err(_) => {
                return Err(SyntaxError {
                    span,
                    message: format!("invalid float `{f}`"),
                });
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
}
