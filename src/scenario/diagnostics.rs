//! Where a problem is and how it is shown: source files, [`Diagnostic`]s, [`Note`]s and their rendering.
//!
//! Owns the table of source texts a load reads (the scenario file, imported AWS JSON task definitions and each
//! `--set` argument, which is its own one-line source named `--set`), the conversion of byte spans into
//! 1-based line and column numbers (columns count characters, not bytes), and the two renderings: a plain one
//! for logs and tests, and miette's graphical one for a terminal. It ignores what the problems mean; the
//! section readers decide that.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a source text in [`Sources`].
pub type SourceId = usize;

/// One source text and the byte offset of each of its lines.
#[derive(Clone, Debug)]
struct SourceFile {
    name: String,
    text: Arc<str>,
    line_starts: Vec<usize>,
}

/// Every text a load has read, so that any span can be turned into `file:line:column`.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a text under `name` (a path as the user wrote it, or `--set`) and returns its id.
    pub fn add(&mut self, name: &str, text: &str) -> SourceId {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(SourceFile {
            name: name.to_string(),
            text: Arc::from(text),
            line_starts,
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

    /// A diagnostic at `span` of source `id`.
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
            hint,
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
    /// `file:line:col: error: message`, the source line with carets under the span, and `= help: hint`.
    pub fn render_plain(&self) -> String {
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

    /// `file:line:column`.
    pub fn location(&self) -> String {
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
    /// All diagnostics, one after another: miette's graphical form when `color` (a terminal), else the plain
    /// form of [`Diagnostic::render_plain`]. Both show `file:line:column`.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.0 {
            if color {
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
}
