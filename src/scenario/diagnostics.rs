//! Where a problem is and how it is shown: source files, [`Diagnostic`]s, [`Note`]s and their rendering.
//!
//! Owns the table of source texts a load reads (the scenario file, imported AWS JSON task definitions and each
//! `--set` argument, which is its own one-line source named `--set`), the conversion of byte spans into
//! 1-based line and column numbers (columns count characters, not bytes), and the two renderings: a plain one
//! for logs and tests, and miette's graphical one for a terminal. It ignores what the problems mean; the
//! section readers decide that.
//!
//! Hints are written once, in TOML (`add desired_count = …`). A problem located in a JSON source gets its hint
//! in JSON syntax (`add "desired_count": …`), and in an AWS JSON task definition with camelCase keys
//! (`"memoryReservation": 512`), so that what the hint says to write can be pasted where the problem is
//! ([`Syntax::hint`]).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a source text in [`Sources`].
pub type SourceId = usize;

/// The syntax a source is written in, which decides how hints show what to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// A TOML scenario, or a `--set` argument.
    Toml,
    /// A JSON scenario (same snake_case keys as TOML).
    Json,
    /// A native AWS JSON task definition (camelCase keys).
    AwsJson,
}

impl Syntax {
    /// The syntax of a file named `name`: JSON when it ends in `.json` (any case), else TOML.
    pub fn of_file(name: &str) -> Syntax {
        if name.to_ascii_lowercase().ends_with(".json") {
            Syntax::Json
        } else {
            Syntax::Toml
        }
    }

    /// `hint`, written in TOML, in this syntax: `key = value` becomes `"key": value` (`"keyName": value` in
    /// AWS JSON), `[section]` becomes `"section": { … }` and `[[section]]` becomes `"section": [{ … }]`.
    /// Everything else (prose, values, `==` in expressions) is kept.
    pub fn hint(self, hint: &str) -> String {
        if self == Syntax::Toml {
            return hint.to_string();
        }
        let camel = self == Syntax::AwsJson;
        let chars: Vec<char> = hint.chars().collect();
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut out = String::with_capacity(hint.len() + 16);
        let mut i = 0;
        while i < chars.len() {
            let boundary = i == 0 || matches!(chars[i - 1], ' ' | '{' | '(' | '`' | ',');
            if boundary && chars[i] == '[' {
                let depth = if chars.get(i + 1) == Some(&'[') { 2 } else { 1 };
                let start = i + depth;
                let end = (start..chars.len())
                    .find(|&j| !(chars[j].is_ascii_lowercase() || chars[j] == '_'))
                    .unwrap_or(chars.len());
                let name: String = chars[start..end].iter().collect();
                let closes = (0..depth).all(|k| chars.get(end + k) == Some(&']'));
                if closes && !name.is_empty() && name != "true" && name != "false" {
                    let body = if depth == 2 { "[{ … }]" } else { "{ … }" };
                    out.push_str(&format!("\"{name}\": {body}"));
                    i = end + depth;
                    continue;
                }
            }
            if boundary && (chars[i] == '"' || chars[i].is_ascii_alphabetic() || chars[i] == '_') {
                let end = if chars[i] == '"' {
                    (i + 1..chars.len())
                        .find(|&j| chars[j] == '"' && chars[j - 1] != '\\')
                        .map(|j| j + 1)
                } else {
                    Some(
                        (i..chars.len())
                            .find(|&j| !ident(chars[j]))
                            .unwrap_or(chars.len()),
                    )
                };
                if let Some(end) = end {
                    let assigns = chars.get(end..end + 3) == Some(&[' ', '=', ' '][..])
                        && chars.get(end + 3) != Some(&'=');
                    if assigns {
                        let key: String = chars[i..end].iter().collect();
                        if key.starts_with('"') {
                            out.push_str(&key);
                        } else if camel {
                            out.push_str(&format!("\"{}\"", super::reader::snake_to_camel(&key)));
                        } else {
                            out.push_str(&format!("\"{key}\""));
                        }
                        out.push_str(": ");
                        i = end + 3;
                        continue;
                    }
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }
}

/// One source text and the byte offset of each of its lines.
#[derive(Clone, Debug)]
struct SourceFile {
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
    syntax: Syntax,
}

/// Every text a load has read, so that any span can be turned into `file:line:column`.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a text under `name` (a path as the user wrote it, or `--set`) and returns its id; its syntax is
    /// [`Syntax::of_file`].
    pub fn add(&mut self, name: &str, text: &str) -> SourceId {
        self.add_with_syntax(name, text, Syntax::of_file(name))
    }

    /// Adds a text written in `syntax`.
    pub fn add_with_syntax(&mut self, name: &str, text: &str, syntax: Syntax) -> SourceId {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(SourceFile {
            name: name.to_string(),
            text: Arc::from(text),
            line_starts,
            syntax,
        });
        self.files.len() - 1
    }

    /// The name of source `id`.
    pub fn name(&self, id: SourceId) -> &str {
        &self.files[id].name
    }

    /// The position of the first source named `name` (unknown names sort last): the order diagnostics are
    /// reported in.
    pub fn rank(&self, name: &str) -> usize {
        self.files
            .iter()
            .position(|f| f.name == name)
            .unwrap_or(usize::MAX)
    }

    /// The text of source `id`.
    pub fn text(&self, id: SourceId) -> &str {
        &self.files[id].text
    }

    /// 1-based (line, column) of byte `offset`; the column counts characters.
    pub fn line_col(&self, id: SourceId, offset: usize) -> (usize, usize) {
        let file = &self.files[id];
        let offset = clamp_to_char_boundary(&file.text, offset);
        let line = file.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = file.line_starts[line - 1];
        (line, file.text[start..offset].chars().count() + 1)
    }

    /// `file:line:column` of byte `offset`.
    pub fn location(&self, id: SourceId, offset: usize) -> String {
        let (line, column) = self.line_col(id, offset);
        format!("{}:{line}:{column}", self.name(id))
    }

    /// A diagnostic at `span` of source `id`; `hint` is written in TOML and shown in the source's syntax.
    pub fn diagnostic(
        &self,
        id: SourceId,
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let file = &self.files[id];
        let start = clamp_to_char_boundary(&file.text, span.start);
        let end = clamp_to_char_boundary(&file.text, span.end.max(start));
        let (line, column) = self.line_col(id, start);
        Diagnostic {
            file: file.name.clone(),
            line,
            column,
            span: start..end,
            message: message.into(),
            snippet: file.text[start..end].to_string(),
            hint: hint.map(|h| file.syntax.hint(&h)),
            text: Arc::clone(&file.text),
        }
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem in the input: where it is, what is wrong and what to write instead.
#[derive(Clone)]
pub struct Diagnostic {
    /// The file name as the user gave it (`--set` for a command-line override).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte span in the file.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// The offending text.
    pub snippet: String,
    /// What to write instead.
    pub hint: Option<String>,
    /// The whole source text, for rendering.
    text: Arc<str>,
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("file", &self.file)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("span", &self.span)
            .field("message", &self.message)
            .field("snippet", &self.snippet)
            .field("hint", &self.hint)
            .finish()
    }
}

impl PartialEq for Diagnostic {
    fn eq(&self, other: &Diagnostic) -> bool {
        (&self.file, self.span.clone(), &self.message, &self.hint)
            == (&other.file, other.span.clone(), &other.message, &other.hint)
    }
}

impl Diagnostic {
    /// A problem with the file as a whole (it cannot be read): no line, column or excerpt.
    pub fn about_file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            column: 0,
            span: 0..0,
            message: message.into(),
            snippet: String::new(),
            hint: None,
            text: Arc::from(""),
        }
    }

    /// Whether the problem is about the file as a whole rather than a place in it.
    pub fn is_about_file(&self) -> bool {
        self.line == 0
    }

    /// `file:line:col: error: message`, the source line with carets under the span, and `= help: hint`; for a
    /// problem about the whole file, the one line `error: message`.
    pub fn render_plain(&self) -> String {
        if self.is_about_file() {
            return format!("error: {}\n", self.message);
        }
        let mut out = format!(
            "{}:{}:{}: error: {}\n",
            self.file, self.line, self.column, self.message
        );
        let line_start = self.text[..self.span.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = self.text[self.span.start..]
            .find('\n')
            .map_or(self.text.len(), |i| self.span.start + i);
        let line = self.text[line_start..line_end].trim_end_matches('\r');
        let caret_end = self
            .span
            .end
            .min(line_start + line.len())
            .max(self.span.start);
        let carets = self.text[self.span.start..caret_end].chars().count().max(1);
        out.push_str(&format!("  | {line}\n"));
        out.push_str(&format!(
            "  | {}{}\n",
            " ".repeat(self.column - 1),
            "^".repeat(carets)
        ));
        if let Some(hint) = &self.hint {
            out.push_str(&format!("  = help: {hint}\n"));
        }
        out
    }

    /// `file:line:column` (only `file` for a problem about the whole file).
    pub fn location(&self) -> String {
        if self.is_about_file() {
            return self.file.clone();
        }
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (help: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem a load found (never empty), sorted by file and position.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether the load failed before reading anything: the only problem is that the file cannot be read.
    /// Such a failure is rendered as one plain line.
    pub fn is_unreadable_file(&self) -> bool {
        matches!(self.0.as_slice(), [d] if d.is_about_file())
    }

    /// All diagnostics, one after another: miette's graphical form when `color` (a terminal), else the plain
    /// form of [`Diagnostic::render_plain`]. Both show `file:line:column`. A file that cannot be read is the
    /// single line `error: …`.
    pub fn render(&self, color: bool) -> String {
        if self.is_unreadable_file() {
            return self.0[0].render_plain();
        }
        let mut out = String::new();
        for d in &self.0 {
            if color && !d.is_about_file() {
                let handler =
                    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode())
                        .with_width(100);
                let report = MietteReport {
                    diagnostic: d,
                    source: miette::NamedSource::new(&d.file, Arc::clone(&d.text)),
                };
                if handler.render_report(&mut out, &report).is_err() {
                    out.push_str(&d.render_plain());
                }
            } else {
                out.push_str(&d.render_plain());
            }
        }
        let n = self.0.len();
        out.push_str(&format!(
            "{n} problem{} found\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Adapter that lets miette draw one [`Diagnostic`].
struct MietteReport<'a> {
    diagnostic: &'a Diagnostic,
    source: miette::NamedSource<Arc<str>>,
}

impl fmt::Debug for MietteReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for MietteReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.diagnostic.location(),
            self.diagnostic.message
        )
    }
}

impl std::error::Error for MietteReport<'_> {}

impl miette::Diagnostic for MietteReport<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = &self.diagnostic.span;
        let label = miette::LabeledSpan::new_primary_with_span(
            Some("here".to_string()),
            miette::SourceSpan::new(span.start.into(), span.end - span.start),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// Something the user should know that does not stop the run (an ignored AWS field, a section that is
/// validated but not simulated yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// `file:line:col`.
    pub location: String,
    /// The note.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: note: {}", self.location, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(text: &str, span: Range<usize>, hint: Option<&str>) -> Diagnostic {
        let mut sources = Sources::default();
        let id = sources.add("s.toml", text);
        sources.diagnostic(id, span, "bad value", hint.map(str::to_string))
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters_not_bytes() {
        let mut sources = Sources::default();
        let id = sources.add("s.toml", "a = 1\nné = \"x\"\n");
        assert_eq!(sources.line_col(id, 0), (1, 1));
        assert_eq!(sources.line_col(id, 6), (2, 1));
        // `=` after the two-byte é is the 4th character of line 2.
        assert_eq!(sources.line_col(id, 10), (2, 4));
        assert_eq!(sources.location(id, 10), "s.toml:2:4");
    }

    #[test]
    fn plain_rendering_shows_location_source_line_carets_and_help() {
        let d = diag(
            "name = \"x\"\nseed = \"abc\"\n",
            18..23,
            Some("write an integer"),
        );
        insta::assert_snapshot!(d.render_plain(), @r#"
        s.toml:2:8: error: bad value
          | seed = "abc"
          |        ^^^^^
          = help: write an integer
        "#);
        assert_eq!(d.snippet, "\"abc\"");
    }

    #[test]
    fn an_empty_span_still_gets_one_caret() {
        let d = diag("a = 1\n", 0..0, None);
        assert_eq!(
            d.render_plain(),
            "s.toml:1:1: error: bad value\n  | a = 1\n  | ^\n"
        );
    }

    #[test]
    fn graphical_rendering_names_file_line_and_column() {
        let d = diag("seed = \"abc\"\n", 7..12, Some("write an integer"));
        let out = Diagnostics(vec![d]).render(true);
        assert!(out.contains("s.toml:1:8"), "{out}");
        assert!(out.contains("write an integer"), "{out}");
        assert!(out.ends_with("1 problem found\n"), "{out}");
    }

    #[test]
    fn json_hints_write_keys_as_json_members_and_keep_everything_else() {
        let json = |h: &str| Syntax::Json.hint(h);
        assert_eq!(
            json("add `desired_count = …`"),
            "add `\"desired_count\": …`"
        );
        assert_eq!(
            json("write { frequency = \"<5%\" } or { rate_per_hour = 0.001 }"),
            "write { \"frequency\": \"<5%\" } or { \"rate_per_hour\": 0.001 }"
        );
        assert_eq!(
            json("write set = { \"services.web.desired_count\" = 6 }"),
            "write \"set\": { \"services.web.desired_count\": 6 }"
        );
        assert_eq!(
            json("add [simulation] with duration = \"1h\"; add a [[task_definitions]] entry"),
            "add \"simulation\": { … } with \"duration\": \"1h\"; add a \"task_definitions\": [{ … }] entry"
        );
        for kept in [
            "write attribute:ecs.instance-type == t2.small",
            "write CPU units as an integer (1024 = 1 vCPU)",
            "write [true] or [\"a\"]",
            "make min_size ≤ max_size",
        ] {
            assert_eq!(json(kept), kept);
        }
    }

    #[test]
    fn aws_json_hints_use_camel_case_keys_and_toml_hints_are_unchanged() {
        assert_eq!(
            Syntax::AwsJson.hint("write host_port = 80, or leave it out"),
            "write \"hostPort\": 80, or leave it out"
        );
        assert_eq!(Syntax::Toml.hint("add `a_b = …`"), "add `a_b = …`");
        assert_eq!(Syntax::of_file("dir/S.JSON"), Syntax::Json);
        assert_eq!(Syntax::of_file("--set"), Syntax::Toml);
    }

    #[test]
    fn a_problem_about_the_whole_file_renders_as_one_plain_line() {
        let d = Diagnostics(vec![Diagnostic::about_file(
            "nope.toml",
            "scenario file `nope.toml` does not exist",
        )]);
        assert!(d.is_unreadable_file());
        assert_eq!(
            d.render(false),
            "error: scenario file `nope.toml` does not exist\n"
        );
        assert_eq!(d.render(true), d.render(false));
    }
}
