//! JSON text → spanned [`Node`] tree, with a small hand-written parser (serde_json keeps no spans).
//!
//! Owns RFC 8259 syntax: objects (keys in file order, duplicates rejected), arrays, strings with escapes
//! (surrogate pairs joined), numbers (an integer when it has no fraction or exponent and fits `i64`, else a
//! float), `true`, `false`. `null` is accepted only as "field omitted": a key whose value is `null` is
//! dropped, as AWS CLI output writes omitted members that way; a `null` array element is an error. Nesting
//! deeper than [`MAX_DEPTH`] is an error rather than a stack overflow.

use super::diagnostics::SourceId;
use super::toml_source::SyntaxError;
use super::tree::{Key, Kind, Node};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 128;

/// Parses a whole JSON document; the top level must be an object.
pub fn parse_document(source: SourceId, text: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        source,
    };
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return Err(p.error_here("expected `{`: a scenario or task definition is a JSON object"));
    }
    let node = p.value(0)?.expect("an object is never null");
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the end of the JSON document"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    source: SourceId,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn error_here(&self, message: &str) -> SyntaxError {
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        SyntaxError::new(self.pos..self.pos + len, message)
    }

    /// `line L, column C` of byte `offset` (1-based; the column counts characters).
    fn line_col(&self, offset: usize) -> String {
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        format!("line {line}, column {column}")
    }

    /// The error for the object or array opened at `start` (`open` is `{` or `[`) when the text ends, or a
    /// bracket of the other kind closes, before its own closing bracket.
    fn unclosed(&self, start: usize, open: char) -> SyntaxError {
        let (what, close) = if open == '{' {
            ("object", '}')
        } else {
            ("array", ']')
        };
        let message = match self.peek() {
            None => format!("unclosed {what}: this `{open}` has no matching `{close}`"),
            Some(c) => format!(
                "unclosed {what}: this `{open}` is followed by `{}` at {} before its `{close}`",
                c as char,
                self.line_col(self.pos)
            ),
        };
        SyntaxError::new(start..start + 1, message)
            .with_hint(format!("add `{close}` where the {what} ends"))
    }

    /// After a `,` at `comma`: the error if the `,` is the last thing before the closing bracket `close`.
    fn trailing_comma(&mut self, comma: usize, close: u8) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.peek() == Some(close) {
            let what = if close == b'}' { "member" } else { "element" };
            return Err(SyntaxError::new(
                comma..comma + 1,
                format!("trailing comma: JSON allows no `,` after the last {what}"),
            )
            .with_hint(format!(
                "remove this `,` (or add the missing {what} after it)"
            )));
        }
        Ok(())
    }

    fn node(&self, start: usize, kind: Kind) -> Node {
        Node {
            source: self.source,
            span: start..self.pos,
            kind,
        }
    }

    /// A value, or `None` for `null`.
    fn value(&mut self, depth: usize) -> Result<Option<Node>, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error_here("JSON nested too deeply"));
        }
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth).map(Some),
            Some(b'[') => self.array(depth).map(Some),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Some(self.node(start, Kind::String(s))))
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Some),
            Some(b't') => self.literal("true", Kind::Bool(true)).map(Some),
            Some(b'f') => self.literal("false", Kind::Bool(false)).map(Some),
            Some(b'n') => {
                self.literal("null", Kind::Bool(false))?;
                Ok(None)
            }
            None => Err(self.error_here("unexpected end of file: expected a value")),
            Some(_) => Err(self.error_here(
                "expected a value (object, array, string, number, true, false or null)",
            )),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(self.node(start, kind))
        } else {
            Err(self.error_here(&format!("expected `{word}`")))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(self.node(start, Kind::Table(entries)));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                None | Some(b']') => return Err(self.unclosed(start, '{')),
                Some(_) => return Err(self.error_here("expected a key in double quotes")),
            }
            let key_start = self.pos;
            let name = self.string()?;
            let key = Key {
                name,
                source: self.source,
                span: key_start..self.pos,
            };
            if entries.iter().any(|(k, _)| k.name == key.name) {
                return Err(SyntaxError::new(
                    key.span,
                    format!("duplicate key `{}`", key.name),
                ));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error_here("expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.unclosed(start, '{'));
            }
            if let Some(value) = self.value(depth + 1)? {
                entries.push((key, value));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.trailing_comma(self.pos - 1, b'}')?;
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(self.node(start, Kind::Table(entries)));
                }
                None | Some(b']') => return Err(self.unclosed(start, '{')),
                Some(b'"') => {
                    return Err(self
                        .error_here("expected `,` or `}`")
                        .with_hint("add a `,` between two members"));
                }
                _ => return Err(self.error_here("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(self.node(start, Kind::Array(items)));
        }
        loop {
            self.skip_ws();
            if matches!(self.peek(), None | Some(b'}')) {
                return Err(self.unclosed(start, '['));
            }
            let item_start = self.pos;
            match self.value(depth + 1)? {
                Some(v) => items.push(v),
                None => {
                    return Err(SyntaxError::new(
                        item_start..self.pos,
                        "`null` is not allowed in an array",
                    ));
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.trailing_comma(self.pos - 1, b']')?;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(self.node(start, Kind::Array(items)));
                }
                None | Some(b'}') => return Err(self.unclosed(start, '[')),
                _ => {
                    return Err(self
                        .error_here("expected `,` or `]`")
                        .with_hint("add a `,` between two elements"));
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return Err(SyntaxError::new(start..self.pos, "unterminated string"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.error_here("invalid escape in string"));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error_here("control character in string: escape it"));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.error_here("expected four hex digits after `\\u`")),
        }
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text[self.pos..].starts_with("\\u") {
                return Err(self.error_here("unpaired surrogate in `\\u` escape"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error_here("unpaired surrogate in `\\u` escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error_here("invalid `\\u` escape"))
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.pos == int_start || (self.bytes[int_start] == b'0' && self.pos - int_start > 1) {
            return Err(SyntaxError::new(
                start..self.pos.max(start + 1),
                "invalid number",
            ));
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            is_float = true;
            self.pos += 1;
            let frac = self.pos;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == frac {
                return Err(self.error_here("expected digits after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let exp = self.pos;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == exp {
                return Err(self.error_here("expected digits in the exponent"));
            }
        }
        let text = &self.text[start..self.pos];
        let kind = match (is_float, text.parse::<i64>()) {
            (false, Ok(i)) => Kind::Integer(i),
            _ => Kind::Float(
                text.parse::<f64>()
                    .map_err(|_| SyntaxError::new(start..self.pos, "invalid number"))?,
            ),
        };
        Ok(self.node(start, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_key_order_and_spans_cover_the_value_text() {
        let text = r#"{"b": 1, "a": [true, "x\u00e9"], "c": 2.5, "n": null}"#;
        let root = parse_document(0, text).unwrap();
        let entries = root.entries().unwrap();
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"], "null members are dropped");
        assert_eq!(&text[entries[1].1.span.clone()], r#"[true, "x\u00e9"]"#);
        assert_eq!(&text[entries[1].0.span.clone()], r#""a""#);
        let Kind::Array(items) = &entries[1].1.kind else {
            panic!()
        };
        assert_eq!(items[1].kind, Kind::String("xé".into()));
        assert_eq!(entries[2].1.kind, Kind::Float(2.5));
    }

    #[test]
    fn a_missing_comma_is_an_error_at_the_unexpected_character() {
        let e = parse_document(0, "{\"a\": 1 \"b\": 2}").unwrap_err();
        assert_eq!(e.span, 8..9);
        assert_eq!(e.message, "expected `,` or `}`");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse_document(0, r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert_eq!(e.message, "duplicate key `a`");
        assert_eq!(e.span, 9..12);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            parse_document(0, &text).unwrap_err().message,
            "JSON nested too deeply"
        );
    }

    #[test]
    fn leading_zeros_and_bare_words_are_rejected() {
        assert!(parse_document(0, r#"{"a": 01}"#).is_err());
        assert!(parse_document(0, r#"{"a": FARGATE}"#).is_err());
    }

    #[test]
    fn a_trailing_comma_is_reported_at_the_comma_with_how_to_fix_it() {
        let e = parse_document(0, "{\"a\": 1,\n}").unwrap_err();
        assert_eq!(e.span, 7..8);
        assert_eq!(
            e.message,
            "trailing comma: JSON allows no `,` after the last member"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("remove this `,` (or add the missing member after it)")
        );
        let e = parse_document(0, "{\"a\": [1, 2, ]}").unwrap_err();
        assert_eq!(e.span, 11..12);
        assert!(e.message.ends_with("after the last element"), "{e:?}");
    }

    #[test]
    fn an_unclosed_object_or_array_is_reported_where_it_was_opened() {
        let e = parse_document(0, "{\"a\": {\"b\": 1\n").unwrap_err();
        assert_eq!(e.span, 6..7);
        assert_eq!(e.message, "unclosed object: this `{` has no matching `}`");
        let e = parse_document(0, "{\"a\": [{\"b\": 1]}").unwrap_err();
        assert_eq!(e.span, 7..8);
        assert_eq!(
            e.message,
            "unclosed object: this `{` is followed by `]` at line 1, column 15 before its `}`"
        );
        let e = parse_document(0, "{\"a\": [1, 2").unwrap_err();
        assert_eq!(e.span, 6..7);
        assert_eq!(e.message, "unclosed array: this `[` has no matching `]`");
    }
}
