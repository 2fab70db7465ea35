//! Trace files of `[[workloads]]` (`pattern = { type = "trace", file }`, SPEC §3.10): a CSV with the header
//! `time_s,rps` and one row per line, read and checked when the scenario is loaded.
//!
//! A trace is usually exported from a load balancer's logs or a spreadsheet, so its mistakes are a file's
//! mistakes: a missing or misspelt header, a stray column, a text cell, a negative rate, rows out of order.
//! Like an imported AWS task definition ([`super::aws_json`]), the CSV becomes a source of its own, so each
//! problem is reported at the trace file's own `file:line:column` — the cell, not the row — with what is
//! wrong and what to write instead. The reader is written by hand rather than with the `csv` crate because
//! the format is two numbers per line and the spans of single cells are what make the messages useful.
//!
//! Accepted beyond the strict shape, because spreadsheets write them: a UTF-8 byte-order mark, CRLF line
//! ends, blank lines and spaces around cells. `time_s` is seconds since t = 0 (not since `start_time`),
//! rounded to the millisecond, the clock's resolution; two rows that round to the same millisecond are an
//! error rather than a silent merge. Problems are listed up to [`MAX_PROBLEMS`] per file, then counted, so
//! a wholly wrong 100,000-row export does not bury the first message.

use std::ops::Range;

use super::diagnostics::Syntax;
use super::reader::{self, Cx};
use super::simulation::MAX_DURATION;
use super::tree::Node;
use crate::engine::SimTime;

/// The header every trace starts with.
pub const HEADER: &str = "time_s,rps";

/// How many problems of one trace file are reported one by one; the rest are counted in one more.
pub const MAX_PROBLEMS: usize = 10;

/// One problem in a trace's text: byte span, what is wrong, what to write instead.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

impl Problem {
    fn new(span: Range<usize>, message: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem {
            span,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Reads and checks the trace named by the `file` value `file_node` (relative to the scenario file's
/// directory). Problems are reported in the trace file; `None` if there were any.
pub(super) fn read(cx: &mut Cx, file_node: &Node) -> Option<Vec<(SimTime, f64)>> {
    let rel = reader::string(cx, file_node)?;
    let path = cx.base_dir.join(rel);
    let name = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            // The operating system's words for a missing file differ between systems; say it plainly.
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "it does not exist".to_string(),
                _ => e.to_string(),
            };
            cx.error(
                file_node,
                format!("cannot read trace file `{name}`: {why}"),
                Some("the path is relative to the scenario file's directory".into()),
            );
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let source = cx.sources.add_with_syntax(&name, &lossy, Syntax::Toml);
            cx.error_span(
                source,
                at..at + char::REPLACEMENT_CHARACTER.len_utf8(),
                "the trace file is not UTF-8: this byte is not valid UTF-8",
                Some("save the file as UTF-8 (plain CSV)".into()),
            );
            return None;
        }
    };
    match parse(&text) {
        Ok(points) => Some(points),
        Err(problems) => {
            // Hints here are prose and CSV, never TOML `key = value`: no syntax translation applies.
            let source = cx.sources.add_with_syntax(&name, &text, Syntax::Toml);
            for p in problems {
                cx.error_span(source, p.span, p.message, Some(p.hint));
            }
            None
        }
    }
}

/// One cell of a row: its trimmed text and that text's byte span in the file.
struct Cell<'t> {
    text: &'t str,
    span: Range<usize>,
}

/// The cells of `row`, which starts at byte `offset` of the file.
fn cells(row: &str, offset: usize) -> Vec<Cell<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in row.split(',') {
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        let at = offset + start + lead;
        out.push(Cell {
            text,
            span: at..at + text.len(),
        });
        start += raw.len() + 1;
    }
    out
}

/// The byte offset in the file of the comma that starts the third cell of `row` (which starts at `offset`
/// and has one).
fn extra_cells(row: &str, offset: usize) -> usize {
    offset + row.match_indices(',').nth(1).map_or(row.len(), |(i, _)| i)
}

/// The latest `time_s` a trace may have: the longest run ecsim simulates.
fn max_time_s() -> f64 {
    MAX_DURATION.as_ms() as f64 / 1000.0
}

/// A row's accepted time: its cell text, value in seconds, instant and line (for messages).
struct Accepted<'t> {
    text: &'t str,
    secs: f64,
    at: SimTime,
    line: usize,
}

/// Parses a trace's text into time-sorted (instant, rps) points, or returns its problems in file order (at
/// most [`MAX_PROBLEMS`] and one that counts the others).
pub(super) fn parse(text: &str) -> Result<Vec<(SimTime, f64)>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut points = Vec::new();
    let mut header: Option<Range<usize>> = None;
    let mut last: Option<Accepted> = None;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let mut row = line.trim_end_matches(['\n', '\r']);
        let mut start = offset;
        offset += line.len();
        if i == 0
            && let Some(rest) = row.strip_prefix('\u{feff}')
        {
            row = rest;
            start += '\u{feff}'.len_utf8();
        }
        if row.trim().is_empty() {
            continue;
        }
        let cells = cells(row, start);
        let span = start..start + row.len();
        if header.is_none() {
            header = Some(span.clone());
            if let Some(p) = header_problem(&cells, row, span) {
                return Err(vec![p]);
            }
            continue;
        }
        // A row yields a point exactly when it has no problem.
        if let Some(point) = data_row(&cells, row, span, i + 1, &last, &mut problems) {
            points.push((point.at, point.rps));
            last = Some(point.accepted);
        }
    }
    let Some(header) = header else {
        return Err(vec![Problem::new(
            0..0,
            "the trace file is empty",
            format!(
                "write the header {HEADER} on the first line, then one row per line, e.g. 0,10"
            ),
        )]);
    };
    if problems.is_empty() && points.is_empty() {
        problems.push(Problem::new(
            header,
            "the trace has a header but no rows",
            "add one row per line after the header: time_s,rps, e.g. 0,10",
        ));
    }
    if problems.is_empty() {
        return Ok(points);
    }
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        let at = problems[MAX_PROBLEMS].span.clone();
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem::new(
            at,
            format!(
                "{more} more problem{} in this trace file not shown",
                if more == 1 { "" } else { "s" }
            ),
            "fix the ones above and validate again",
        ));
    }
    Err(problems)
}

/// The problem with the first non-blank line, if it is not the header.
fn header_problem(cells: &[Cell], row: &str, span: Range<usize>) -> Option<Problem> {
    let names: Vec<&str> = cells.iter().map(|c| c.text).collect();
    if names == ["time_s", "rps"] {
        return None;
    }
    if names.len() > 2 && names[..2] == ["time_s", "rps"] {
        let extra = &cells[2];
        let shown = if extra.text.is_empty() {
            "empty column".to_string()
        } else {
            format!("column `{}`", extra.text)
        };
        let at = extra_cells(row, span.start)..span.end;
        return Some(Problem::new(
            at,
            format!("unexpected {shown} in the header: a trace has two columns, {HEADER}"),
            "remove it (and its cells in every row)",
        ));
    }
    if cells.iter().all(|c| c.text.parse::<f64>().is_ok()) {
        return Some(Problem::new(
            span,
            "the trace has no header: its first line is a row of numbers",
            format!("add the line {HEADER} above it"),
        ));
    }
    // Spreadsheets in some locales separate cells with `;`, and tab-separated exports are common.
    let separator = [';', '\t']
        .into_iter()
        .find(|&c| cells.len() == 1 && row.contains(c));
    let hint = match separator {
        Some(';') => format!("separate the columns with a comma, not `;`: {HEADER}"),
        Some(_) => format!("separate the columns with a comma, not a tab: {HEADER}"),
        None => format!(
            "write {HEADER} on the first line: the time in seconds since t = 0, then requests per second"
        ),
    };
    Some(Problem::new(
        span,
        format!("expected the header `{HEADER}`, found `{row}`"),
        hint,
    ))
}

/// A row that parsed: the point and what later rows are compared with.
struct Parsed<'t> {
    at: SimTime,
    rps: f64,
    accepted: Accepted<'t>,
}

/// Checks one data row (1-based `line`); pushes its problems and returns the point if its cells parse.
fn data_row<'t>(
    cells: &[Cell<'t>],
    row: &str,
    span: Range<usize>,
    line: usize,
    last: &Option<Accepted>,
    problems: &mut Vec<Problem>,
) -> Option<Parsed<'t>> {
    let names: Vec<&str> = cells.iter().map(|c| c.text).collect();
    if names == ["time_s", "rps"] {
        problems.push(Problem::new(
            span,
            format!("the header `{HEADER}` again: a trace has one header, on its first line"),
            "remove this line (were two traces joined?)",
        ));
        return None;
    }
    if cells.len() < 2 {
        problems.push(Problem::new(
            span,
            format!("row `{row}` has one cell; a row is {HEADER}"),
            "write the time in seconds and the rate, separated by a comma, e.g. 60,12.5",
        ));
        return None;
    }
    if cells.len() > 2 {
        problems.push(Problem::new(
            extra_cells(row, span.start)..span.end,
            format!("row has {} cells; a row is {HEADER}", cells.len()),
            "remove the extra cells",
        ));
        return None;
    }
    let secs = number(
        &cells[0],
        "time_s",
        "write the time in seconds since t = 0, e.g. 90 or 90.5",
        problems,
    );
    let rps = number(
        &cells[1],
        "rps",
        "write the rate in requests per second, e.g. 12.5",
        problems,
    );
    let secs = secs.filter(|&s| {
        let (message, hint) = if s < 0.0 {
            (
                format!("time_s {} is negative", cells[0].text),
                "times are seconds since t = 0, the start of the run".to_string(),
            )
        } else if s > max_time_s() {
            (
                format!(
                    "time_s {} is later than the longest run ecsim simulates (10 years)",
                    cells[0].text
                ),
                format!("times are seconds since t = 0, at most {}", max_time_s()),
            )
        } else {
            return true;
        };
        problems.push(Problem::new(cells[0].span.clone(), message, hint));
        false
    });
    let rps = rps.filter(|&r| {
        if r < 0.0 {
            problems.push(Problem::new(
                cells[1].span.clone(),
                format!("rps {} is negative", cells[1].text),
                "a request rate is 0 or more",
            ));
        }
        r >= 0.0
    });
    let (secs, rps) = (secs?, rps?);
    // Finite and within 10 years, so the product is far inside u64 and `as` is exact after rounding.
    let at = SimTime::from_ms(libm::round(secs * 1000.0) as u64);
    if let Some(prev) = last
        && at <= prev.at
    {
        let (message, hint) = if secs > prev.secs {
            (
                format!(
                    "time_s {} falls on the same millisecond as time_s {} (line {})",
                    cells[0].text, prev.text, prev.line
                ),
                "ecsim's clock counts whole milliseconds: keep one row per millisecond",
            )
        } else {
            (
                format!(
                    "time_s {} is not after the previous row's time_s {} (line {})",
                    cells[0].text, prev.text, prev.line
                ),
                "sort the rows by increasing time_s, each time once",
            )
        };
        problems.push(Problem::new(cells[0].span.clone(), message, hint));
        return None;
    }
    Some(Parsed {
        at,
        rps,
        accepted: Accepted {
            text: cells[0].text,
            secs,
            at,
            line,
        },
    })
}

/// The finite number in `cell` (column `column`), or a problem.
fn number(cell: &Cell, column: &str, hint: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    let message = match cell.text.parse::<f64>() {
        Ok(v) if v.is_finite() => return Some(v),
        Ok(_) => format!("{column} `{}` is not a finite number", cell.text),
        Err(_) if cell.text.is_empty() => format!("the {column} cell is empty"),
        Err(_) => format!("{column} `{}` is not a number", cell.text),
    };
    problems.push(Problem::new(cell.span.clone(), message, hint));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(text: &str) -> Vec<(u64, f64)> {
        parse(text)
            .expect("a valid trace")
            .into_iter()
            .map(|(t, r)| (t.as_ms(), r))
            .collect()
    }

    /// The problems of an invalid trace as (snippet, message).
    fn problems(text: &str) -> Vec<(String, String)> {
        parse(text)
            .expect_err("an invalid trace")
            .into_iter()
            .map(|p| (text[p.span].to_string(), p.message))
            .collect()
    }

    #[test]
    fn rows_become_millisecond_points_in_file_order() {
        assert_eq!(
            points("time_s,rps\n0,10\n60,20.5\n90.0004,1e2\n"),
            [(0, 10.0), (60_000, 20.5), (90_000, 100.0)]
        );
    }

    #[test]
    fn a_byte_order_mark_crlf_blank_lines_and_spaces_around_cells_are_accepted() {
        assert_eq!(
            points("\u{feff}time_s, rps\r\n\r\n 0 , 10 \r\n\n1,2"),
            [(0, 10.0), (1000, 2.0)]
        );
    }

    #[test]
    fn an_empty_file_or_a_header_without_rows_is_an_error() {
        assert_eq!(
            problems(""),
            [(String::new(), "the trace file is empty".to_string())]
        );
        assert_eq!(problems(" \n\n")[0].1, "the trace file is empty");
        assert_eq!(
            problems("time_s,rps\n\n"),
            [(
                "time_s,rps".to_string(),
                "the trace has a header but no rows".to_string()
            )]
        );
    }

    #[test]
    fn a_missing_misspelt_or_widened_header_is_named() {
        assert_eq!(
            problems("0,10\n60,20\n")[0].1,
            "the trace has no header: its first line is a row of numbers"
        );
        assert_eq!(
            problems("time,rps\n0,10\n")[0].1,
            "expected the header `time_s,rps`, found `time,rps`"
        );
        let semicolons = parse("time_s;rps\n0;10\n").expect_err("not a comma-separated trace");
        assert_eq!(
            semicolons[0].hint,
            "separate the columns with a comma, not `;`: time_s,rps"
        );
        assert_eq!(
            problems("time_s,rps,\n0,10\n")[0].1,
            "unexpected empty column in the header: a trace has two columns, time_s,rps"
        );
        assert_eq!(
            problems("time_s,rps,region\n0,10,a\n"),
            [(
                ",region".to_string(),
                "unexpected column `region` in the header: a trace has two columns, time_s,rps"
                    .to_string()
            )]
        );
    }

    #[test]
    fn each_bad_cell_is_reported_at_the_cell() {
        let text = "time_s,rps\nabc,1\n2,\n3,-4\n-5,1\n6,inf\n7\n8,1,9\n";
        assert_eq!(
            problems(text),
            [
                ("abc", "time_s `abc` is not a number"),
                ("", "the rps cell is empty"),
                ("-4", "rps -4 is negative"),
                ("-5", "time_s -5 is negative"),
                ("inf", "rps `inf` is not a finite number"),
                ("7", "row `7` has one cell; a row is time_s,rps"),
                (",9", "row has 3 cells; a row is time_s,rps"),
            ]
            .map(|(s, m)| (s.to_string(), m.to_string()))
        );
    }

    #[test]
    fn times_must_increase_by_at_least_a_millisecond() {
        assert_eq!(
            problems("time_s,rps\n0,1\n60,1\n30,1\n90,1\n90,2\n"),
            [
                (
                    "30".to_string(),
                    "time_s 30 is not after the previous row's time_s 60 (line 3)".to_string()
                ),
                (
                    "90".to_string(),
                    "time_s 90 is not after the previous row's time_s 90 (line 5)".to_string()
                ),
            ]
        );
        assert_eq!(
            problems("time_s,rps\n1,1\n1.0001,1\n")[0].1,
            "time_s 1.0001 falls on the same millisecond as time_s 1 (line 2)"
        );
    }

    #[test]
    fn a_repeated_header_and_times_beyond_ten_years_are_errors() {
        assert_eq!(
            problems("time_s,rps\n0,1\ntime_s,rps\n")[0].1,
            "the header `time_s,rps` again: a trace has one header, on its first line"
        );
        assert_eq!(
            problems("time_s,rps\n1e12,1\n")[0].1,
            "time_s 1e12 is later than the longest run ecsim simulates (10 years)"
        );
    }

    #[test]
    fn problems_beyond_the_first_ten_are_counted_in_one_more() {
        let text = format!("time_s,rps\n{}", "x,1\n".repeat(13));
        let got = problems(&text);
        assert_eq!(got.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            got[MAX_PROBLEMS].1,
            "3 more problems in this trace file not shown"
        );
    }
}
