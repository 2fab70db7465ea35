//! One interval chart (`interval_<metric>.svg`): a forest plot of one summary metric across the variants.
//!
//! Layout, left to right: each variant's colour swatch and name; the plotting area, where the variant's mean
//! over the replicates is a dot and its 95 % interval a bar with caps (a single replicate has a dot only),
//! over a dashed vertical line at `base`'s mean; then two columns of text: the mean ± half-width, and the
//! paired difference to `base` (`Δ +x ± h`, bold and starred when its interval excludes 0, `same` when every
//! replicate pair was equal). Rows are shaded alternately so that a row reads across the gap. The x axis is
//! titled with the metric's name and unit; a ratio read as a percentage (availability) is drawn in percent,
//! and its Δ too. Numbers are rounded to their interval as in the terminal table, to at most four significant digits
//! ([`super::estimate_text`]).

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::{BASE, Comparison, MetricStats};
use super::{cut, difference_text, estimate_text, find, scaled, variant_colour};
use crate::report::plots::{DrawResult, MARKER_COLOUR, Plot, PlotError, WIDTH_PX};
use crate::report::readable::{Unit, display_unit, fixed, metric_kind};

/// Height of the title strip, in SVG pixels.
const TITLE_PX: i32 = 40;
/// Height of the column headers' strip.
const HEADER_PX: i32 = 26;
/// Height of one variant's row.
const ROW_PX: i32 = 34;
/// Room under the rows for the x tick labels and the axis title.
const AXIS_PX: u32 = 56;
/// Outer margin.
const MARGIN_PX: i32 = 12;
/// The names' column, left of the plotting area.
const NAME_COLUMN_PX: i32 = 200;
/// The means' column, right of the plotting area.
const MEAN_COLUMN_PX: i32 = 180;
/// The differences' column, right of the means'.
const DIFF_COLUMN_PX: i32 = 200;
/// Variant names longer than this are cut with `…` (`report.html` has them whole).
const NAME_MAX_CHARS: usize = 22;
/// Font sizes as asked of plotters (which writes 0.8 of them, see `report::plots`).
const TITLE_FONT: u32 = 24;
const TEXT_FONT: u32 = 18;
/// Grey for secondary text.
const GREY: RGBColor = RGBColor(96, 96, 96);
/// The vertical grid lines at the ticks.
const GRID: RGBColor = RGBColor(220, 220, 220);
/// The shade of every other row.
const ROW_SHADE: RGBColor = RGBColor(244, 246, 249);

/// One variant's row as drawn: values in display units.
struct Row {
    name: String,
    colour: RGBColor,
    /// Mean and interval, `None` if the variant did not produce the metric.
    mean: Option<f64>,
    ci: Option<(f64, f64)>,
    mean_text: String,
    diff_text: String,
    significant: bool,
}

/// The interval chart of `metric`, written to `file`.
pub(super) fn render(
    c: &Comparison,
    stats: &[MetricStats],
    metric: &str,
    file: String,
) -> Result<Plot, PlotError> {
    let (unit, meaning) = metric_kind(metric);
    let (factor, unit_name) = display_unit(unit);
    let rows: Vec<Row> = c
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let s = find(stats, i, metric);
            let e = s.map(|s| scaled(&s.estimate, factor));
            let d = s.and_then(|s| s.difference).map(|d| scaled(&d, factor));
            let diff_text = match (i, d) {
                (0, _) => "reference".to_owned(),
                (_, Some(d)) => format!("Δ {}", difference_text(&d)),
                (_, None) => "—".to_owned(),
            };
            Row {
                name: cut(&v.name, NAME_MAX_CHARS),
                colour: variant_colour(i),
                mean: e.map(|e| e.mean),
                ci: e.and_then(|e| e.ci95).map(|ci| within_bounds(unit, ci)),
                mean_text: e.map_or_else(|| "not produced".to_owned(), |e| estimate_text(&e)),
                diff_text,
                significant: i > 0 && d.is_some_and(|d| d.excludes_zero()),
            }
        })
        .collect();
    let title = if meaning.is_empty() {
        metric.to_owned()
    } else {
        format!("{metric} — {meaning}")
    };
    let axis_title = if unit_name.is_empty() {
        metric.to_owned()
    } else {
        format!("{metric} ({unit_name})")
    };
    let mut svg = String::new();
    draw(&mut svg, &title, &axis_title, &rows).map_err(|e| PlotError {
        file: file.clone(),
        message: e.to_string(),
    })?;
    Ok(Plot {
        file,
        title: format!("{metric}: mean and 95 % interval per variant, Δ to {BASE}"),
        svg,
        empty: None,
        not_drawn: None,
        service: None,
        target_group: None,
        deployments: 0,
    })
}

/// The interval as drawn: cut at what the metric can be (every summary metric is at least 0; a ratio at
/// most 100 %), since the t interval is symmetric and can reach past them (`tasks_failed 1.7 ± 3.8`). The
/// text beside the row keeps the interval as computed.
pub(super) fn within_bounds(unit: Unit, (low, high): (f64, f64)) -> (f64, f64) {
    let top = if unit == Unit::RatioAsPercent {
        100.0
    } else {
        f64::INFINITY
    };
    (low.max(0.0), high.min(top))
}

/// The x range shown: every mean and interval end, with 8 % room each side (a range of one value gets room
/// around it).
fn x_range(rows: &[Row]) -> (f64, f64) {
    let values = rows
        .iter()
        .flat_map(|r| {
            r.mean
                .into_iter()
                .chain(r.ci.into_iter().flat_map(|(l, h)| [l, h]))
        })
        .filter(|v| v.is_finite());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(low.is_finite() && high.is_finite()) {
        return (0.0, 1.0);
    }
    let span = high - low;
    let pad = if span > 0.0 {
        span * 0.08
    } else if low != 0.0 {
        low.abs() * 0.1
    } else {
        1.0
    };
    (low - pad, high + pad)
}

/// The x ticks for `[low, high]`: the multiples in it of a step of 1, 2 or 5 × 10^k that gives 4 to 10 of
/// them, and the decimals that step needs. Found by comparisons and whole multiples (no logarithms, no
/// accumulated sums), so every machine writes the same labels.
pub(super) fn ticks(low: f64, high: f64) -> (Vec<f64>, usize) {
    let span = high - low;
    if !(span > 0.0 && span.is_finite()) {
        return (Vec::new(), 0);
    }
    // `unit` = 10^k with span / unit in [1, 10); `decimals` = the decimals of `unit` (0 from 1 up).
    let (mut unit, mut decimals) = (1.0_f64, 0_usize);
    let mut up = 0;
    while span / unit >= 10.0 && up < 308 {
        unit *= 10.0;
        up += 1;
    }
    while span / unit < 1.0 && decimals < 300 {
        unit /= 10.0;
        decimals += 1;
    }
    let ratio = span / unit;
    // A half or a fifth of 10^k is whole from k = 1 up; below, it needs one decimal more than 10^k.
    let finer = decimals + usize::from(up == 0);
    let (step, decimals) = if ratio >= 8.0 {
        (2.0 * unit, decimals)
    } else if ratio >= 4.0 {
        (unit, decimals)
    } else if ratio >= 2.0 {
        (unit / 2.0, finer)
    } else {
        (unit / 5.0, finer)
    };
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), decimals)
}

/// About how wide a tick label's character is, in SVG pixels, at [`TEXT_FONT`] (plotters writes 0.8 of the
/// size; a browser's sans-serif digit is a little over half its height wide).
const TICK_CHAR_PX: i32 = 9;
/// The least room between two tick labels.
const TICK_GAP_PX: i32 = 16;

/// Keeps every other tick (so the labels stay round numbers) until the labels fit side by side in
/// `width_px`: long labels such as `15.0306` would otherwise run into each other.
pub(super) fn thin_to_fit(mut points: Vec<f64>, decimals: usize, width_px: i32) -> Vec<f64> {
    let label_px = |points: &[f64]| {
        points
            .iter()
            .map(|x| i32::try_from(fixed(*x, decimals).chars().count()).unwrap_or(i32::MAX / 64))
            .max()
            .unwrap_or(0)
            * TICK_CHAR_PX
            + TICK_GAP_PX
    };
    while points.len() > 2
        && i32::try_from(points.len()).unwrap_or(i32::MAX / 64) * label_px(&points) > width_px
    {
        points = points.into_iter().step_by(2).collect();
    }
    points
}

fn draw(svg: &mut String, title: &str, axis_title: &str, rows: &[Row]) -> DrawResult<()> {
    let n = rows.len().max(1);
    let rows_px = ROW_PX * i32::try_from(n).unwrap_or(i32::MAX / ROW_PX / 2);
    let height = TITLE_PX + HEADER_PX + rows_px + AXIS_PX as i32 + MARGIN_PX;
    let root = SVGBackend::with_string(svg, (WIDTH_PX, height.unsigned_abs())).into_drawing_area();
    root.fill(&WHITE)?;
    let width = WIDTH_PX as i32;
    let left = |size: u32, colour: RGBColor| {
        ("sans-serif", size)
            .into_font()
            .color(&colour)
            .pos(Pos::new(HPos::Left, VPos::Center))
    };
    root.draw(&Text::new(
        title,
        (MARGIN_PX, TITLE_PX / 2),
        left(TITLE_FONT, BLACK),
    ))?;
    let plot_left = MARGIN_PX + NAME_COLUMN_PX;
    let plot_right = width - MARGIN_PX - MEAN_COLUMN_PX - DIFF_COLUMN_PX;
    let mean_x = plot_right + 16;
    let diff_x = mean_x + MEAN_COLUMN_PX;
    let header_y = TITLE_PX + HEADER_PX / 2;
    let header = ("sans-serif", TEXT_FONT - 2)
        .into_font()
        .style(FontStyle::Bold)
        .color(&GREY)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (text, x) in [
        ("variant", MARGIN_PX + 20),
        ("mean ± 95 % CI", mean_x),
        ("Δ vs base (paired)", diff_x),
    ] {
        root.draw(&Text::new(text, (x, header_y), header.clone()))?;
    }
    // Alternate rows shaded across the whole width, under everything.
    let top = TITLE_PX + HEADER_PX;
    for k in (1..n).step_by(2) {
        let y = top + ROW_PX * i32::try_from(k).unwrap_or(0);
        root.draw(&Rectangle::new(
            [(MARGIN_PX, y), (width - MARGIN_PX, y + ROW_PX)],
            ROW_SHADE.filled(),
        ))?;
    }
    let area = root.margin(top, MARGIN_PX, plot_left, width - plot_right);
    let (x_low, x_high) = x_range(rows);
    let (key_points, decimals) = ticks(x_low, x_high);
    let key_points = thin_to_fit(key_points, decimals, plot_right - plot_left);
    let y_top = n as f64 - 0.5;
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(AXIS_PX)
        .build_cartesian_2d(x_low..x_high, -0.5..y_top)?;
    // The axis and its title from plotters; the grid and tick labels at `ticks`' points, drawn here.
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .x_desc(axis_title)
        .axis_desc_style(("sans-serif", TEXT_FONT))
        .draw()?;
    let plot = chart.plotting_area();
    let tick_style = ("sans-serif", TEXT_FONT)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for &x in &key_points {
        plot.draw(&PathElement::new(
            vec![(x, -0.5), (x, y_top)],
            GRID.stroke_width(1),
        ))?;
        let (px, py) = chart.backend_coord(&(x, -0.5));
        root.draw(&PathElement::new(
            vec![(px, py), (px, py + 5)],
            BLACK.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            fixed(x, decimals),
            (px, py + 8),
            tick_style.clone(),
        ))?;
    }
    // The reference: base's mean.
    if let Some(base) = rows.first().and_then(|r| r.mean) {
        plot.draw(&DashedPathElement::new(
            vec![(base, -0.5), (base, y_top)],
            6,
            4,
            MARKER_COLOUR.stroke_width(2),
        ))?;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        if let Some((low, high)) = row.ci.filter(|(l, h)| h > l) {
            let bar = row.colour.stroke_width(3);
            plot.draw(&PathElement::new(vec![(low, y), (high, y)], bar))?;
            for end in [low, high] {
                plot.draw(&PathElement::new(
                    vec![(end, y - 0.22), (end, y + 0.22)],
                    row.colour.stroke_width(2),
                ))?;
            }
        }
        if let Some(mean) = row.mean {
            plot.draw(&Circle::new((mean, y), 7, row.colour.filled()))?;
            plot.draw(&Circle::new((mean, y), 7, WHITE.stroke_width(2)))?;
        }
        let py = chart.backend_coord(&(x_low, y)).1;
        root.draw(&Rectangle::new(
            [(MARGIN_PX + 2, py - 6), (MARGIN_PX + 14, py + 6)],
            row.colour.filled(),
        ))?;
        root.draw(&Text::new(
            row.name.as_str(),
            (MARGIN_PX + 20, py),
            left(TEXT_FONT, BLACK),
        ))?;
        root.draw(&Text::new(
            row.mean_text.as_str(),
            (mean_x, py),
            left(TEXT_FONT, BLACK),
        ))?;
        let diff_style = if row.significant {
            ("sans-serif", TEXT_FONT)
                .into_font()
                .style(FontStyle::Bold)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center))
        } else {
            left(TEXT_FONT, GREY)
        };
        root.draw(&Text::new(row.diff_text.as_str(), (diff_x, py), diff_style))?;
    }
    root.present()?;
    Ok(())
}
