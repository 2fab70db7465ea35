//! Text helpers shared by every writer: the number formats of SPEC §4, CSV and JSON plumbing, row order.
//!
//! One place decides how a number looks, so that `summary.json` and `summary.csv` (and every other file) print
//! the same value with the same characters:
//!
//! 1. `time_s` cells: [`SimTime::secs_3dp`], exactly three decimals (`90.005`).
//! 2. Every other float: Rust's `{}` (shortest text that parses back to the same `f64`). Whole numbers have
//!    no fraction (`4`, not `4.0`); `{}` never uses an exponent, so the text is also a valid JSON number
//!    (`0.0000001`, `1000000000000000000000`). Negative zero prints `-0`, as Rust prints it.
//! 3. A non-finite float (`NaN`, `inf`) has no number text: it is an empty CSV cell and `null` in JSON, so no
//!    file is ever invalid. The recorder is expected never to produce one (a service offered no requests has
//!    no availability metric rather than `NaN`); the writers stay total anyway.
//!
//! It ignores what the numbers mean; the writers choose the columns.

use std::cmp::Ordering;

use crate::engine::SimTime;

/// Rust's `{}` text of a finite float, `None` for `NaN` and infinities (rule 2 and 3 above).
pub(crate) fn float_text(value: f64) -> Option<String> {
    value.is_finite().then(|| format!("{value}"))
}

/// A float as a CSV cell: its `{}` text, or empty when it is not finite.
pub(crate) fn float_cell(value: f64) -> String {
    float_text(value).unwrap_or_default()
}

/// [`float_cell`] into `buf` (cleared first), for writers that format millions of cells.
pub(crate) fn float_cell_into(buf: &mut String, value: f64) {
    use std::fmt::Write as _;
    buf.clear();
    if value.is_finite() {
        write!(buf, "{value}").expect("writing to a String cannot fail");
    }
}

/// A float as a JSON value: its `{}` text (a valid JSON number), or `null` when it is not finite.
pub(crate) fn float_json(value: f64) -> String {
    float_text(value).unwrap_or_else(|| "null".to_owned())
}

/// An optional instant as a `*_s` CSV cell: three decimals, or empty where it never happened.
pub(crate) fn time_cell(time: Option<SimTime>) -> String {
    time.map(SimTime::secs_3dp).unwrap_or_default()
}

/// A JSON string literal (quoted and escaped) for `text`.
pub(crate) fn json_string(text: &str) -> String {
    // Serialising a `&str` cannot fail: serde_json only fails on maps with non-string keys and on I/O.
    serde_json::to_string(text).expect("a string always serialises to JSON")
}

/// A CSV writer into `out` with the settings every file uses: `,` separator, `\n` line ends, quotes only
/// where a field needs them (a comma, a quote or a line break).
pub(crate) fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// Writes one record.
pub(crate) fn csv_row<W, I, F>(out: &mut csv::Writer<W>, fields: I) -> std::io::Result<()>
where
    W: std::io::Write,
    I: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    out.write_record(fields).map_err(std::io::Error::from)
}

/// Flushes a CSV writer.
pub(crate) fn csv_finish<W: std::io::Write>(out: csv::Writer<W>) -> std::io::Result<()> {
    out.into_inner()
        .map(drop)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The bytes a streaming writer produces, in memory (which cannot fail).
pub(crate) fn to_bytes(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writing to memory cannot fail");
    bytes
}

/// The rows in the order `cmp` defines, stable (equal rows keep their order of occurrence).
///
/// The recorder already hands rows over in this order; checking costs one pass and sorting happens only if it
/// did not, so a recorder bug can never make a file's row order depend on anything but the rows themselves.
pub(crate) fn in_order<T>(rows: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> Vec<&T> {
    let mut refs: Vec<&T> = rows.iter().collect();
    if !refs.is_sorted_by(|a, b| cmp(a, b) != Ordering::Greater) {
        refs.sort_by(|a, b| cmp(a, b));
    }
    refs
}

/// `text` escaped for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // SPEC §4 "Number formats": other floats in Rust's shortest round-trip form.
    #[test]
    fn floats_print_in_rusts_shortest_round_trip_form_without_exponent() {
        assert_eq!(float_cell(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_cell(4.0), "4");
        assert_eq!(float_cell(-0.0), "-0");
        assert_eq!(float_cell(1e-7), "0.0000001");
        assert_eq!(float_cell(1e21), "1000000000000000000000");
    }

    #[test]
    fn non_finite_floats_are_empty_cells_and_json_null() {
        assert_eq!(float_cell(f64::NAN), "");
        assert_eq!(float_cell(f64::INFINITY), "");
        assert_eq!(float_json(f64::NEG_INFINITY), "null");
        assert_eq!(float_json(2.5), "2.5");
    }

    // SPEC §4: time_s with exactly 3 decimals, empty where it never happened.
    #[test]
    fn time_cells_have_three_decimals_or_are_empty() {
        assert_eq!(time_cell(Some(SimTime::from_ms(61_500))), "61.500");
        assert_eq!(time_cell(None), "");
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(json_string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
    }

    #[test]
    fn in_order_sorts_stably_only_when_needed() {
        let rows = [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        let got: Vec<char> = in_order(&rows, |x, y| x.0.cmp(&y.0))
            .iter()
            .map(|r| r.1)
            .collect();
        assert_eq!(got, vec!['b', 'd', 'a', 'c']);
    }

    #[test]
    fn html_escape_replaces_the_five_special_characters() {
        assert_eq!(
            html_escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
