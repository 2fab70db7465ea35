//! Drawing planned panels with plotters' SVG backend: axes, lines (reduced per pixel column), the service's
//! deployments, the scenario markers and the legend.
//!
//! A deployment is a shaded band from its `SERVICE_DEPLOYMENT_IN_PROGRESS` to its end (completed, failed, or
//! the next deployment's start; the axis' end if it never ended), edged by a solid line at its start, under
//! the lines: purple for a deployment, pink for a circuit-breaker rollback. Its label (`deploy web:2`,
//! `rollback to web:1`, `… (failed)`) stands in a strip above the first panel's plotting area, outside the
//! data, at the band's start, so that a scenario marker at the same instant (a dashed numbered line, drawn
//! over the band) and the deployment it triggered read as one story: dashed line 1 is the `update_service`,
//! the band beside it the deployment that followed. Labels that would overlap go on up to
//! [`DEPLOY_LABEL_ROWS_MAX`] rows; one that fits on none is not written (its band still is).

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::deployments::Deployment;
use super::reduce::pixel_line;
use super::{
    LEGEND_LABEL_MAX_CHARS, LEGEND_LINE_PX, LEGEND_WIDTH_PX, Line, MARKER_COLOUR, MARKERS_MAX,
    Marker, PALETTE, Panel, Planned, TimeAxis, WIDTH_PX,
};

pub(crate) type DrawResult<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// The colour of a deployment's band and label (the palette's purple, which no series of a service's plot
/// uses).
pub const DEPLOY_COLOUR: RGBColor = PALETTE[4];
/// The colour of a circuit-breaker rollback's band and label: a magenta darker than the palette's pink, whose
/// text reads too faint on white.
pub const ROLLBACK_COLOUR: RGBColor = RGBColor(196, 61, 150);
/// How opaque a deployment's band is: light enough for the lines to read through it.
const BAND_OPACITY: f64 = 0.14;
/// How opaque the span of a scenario event that lasts (an outage) is: lighter than a deployment's band, which
/// may lie on it.
const SPAN_OPACITY: f64 = 0.07;
/// The most rows of deployment labels above a plot.
pub const DEPLOY_LABEL_ROWS_MAX: usize = 3;
/// The height of one row of deployment labels, in SVG pixels.
const DEPLOY_LABEL_ROW_PX: i32 = 20;
/// The font size of deployment labels (as asked of plotters, which writes 0.8 of it).
const DEPLOY_LABEL_FONT_PX: u32 = 19;
/// The most deployments shaded on one plot (the first ones); later ones are listed in `events.csv`.
pub const DEPLOYMENTS_MAX: usize = 200;

/// The chart's margin, and the room for its axis labels (left and bottom), in SVG pixels.
const MARGIN_PX: u32 = 12;
const Y_LABEL_AREA_PX: u32 = 72;
const X_LABEL_AREA_PX: u32 = 48;

/// Draws the panels stacked vertically into one SVG document.
pub(crate) fn draw(planned: &Planned, axis: &TimeAxis, markers: &[Marker]) -> DrawResult<String> {
    let panels = &planned.panels;
    let deployments = &planned.deployments[..planned.deployments.len().min(DEPLOYMENTS_MAX)];
    let mut svg = String::new();
    {
        let rows = panels.len().max(1);
        let height = planned.panel_height_px * rows as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH_PX, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = if panels.len() > 1 {
            root.titled(&planned.title, ("sans-serif", 26))?
        } else {
            root
        };
        for (k, (area, panel)) in root.split_evenly((rows, 1)).iter().zip(panels).enumerate() {
            draw_panel(area, panel, axis, markers, deployments, k == 0)?;
        }
        root.present()?;
    }
    Ok(svg)
}

/// A deployment as drawn: its band in axis units, its colour and its label.
pub(super) struct Band {
    pub(super) start: f64,
    pub(super) end: f64,
    pub(super) colour: RGBColor,
    label: String,
}

impl Band {
    /// The deployments inside the time axis as bands.
    pub(super) fn of(deployments: &[Deployment], axis: &TimeAxis) -> Vec<Band> {
        let x = |t: crate::engine::SimTime| t.as_secs_f64() / axis.unit_s;
        deployments
            .iter()
            .filter(|d| x(d.start) <= axis.end)
            .map(|d| Band {
                start: x(d.start),
                end: d.end.map_or(axis.end, x).min(axis.end),
                colour: if d.rollback {
                    ROLLBACK_COLOUR
                } else {
                    DEPLOY_COLOUR
                },
                label: d.label(),
            })
            .collect()
    }
}

/// The width a deployment label takes in a browser, estimated from its length (about 0.56 em a character of
/// the 0.8 × [`DEPLOY_LABEL_FONT_PX`] font written), in SVG pixels.
fn label_width_px(label: &str) -> i32 {
    let chars = i32::try_from(label.chars().count()).unwrap_or(i32::MAX / 16);
    chars.saturating_mul(DEPLOY_LABEL_FONT_PX as i32 * 45) / 100
}

/// Where each label goes: its left edge (its band's start, moved left if it would run off the plot's right
/// edge at `right_px`) and its row, the first of [`DEPLOY_LABEL_ROWS_MAX`] where it clears the labels
/// already there (row 0 is nearest the plot); `None` where no row has room.
pub(super) fn label_places(
    starts_px: &[i32],
    widths_px: &[i32],
    right_px: i32,
) -> Vec<Option<(i32, usize)>> {
    /// Room kept between two labels on a row.
    const GAP_PX: i32 = 10;
    let mut row_end = [i32::MIN; DEPLOY_LABEL_ROWS_MAX];
    starts_px
        .iter()
        .zip(widths_px)
        .map(|(&start, &width)| {
            let left = (start + 3).min(right_px - width);
            let row = (0..row_end.len()).find(|&r| left >= row_end[r])?;
            row_end[row] = left.saturating_add(width).saturating_add(GAP_PX);
            Some((left, row))
        })
        .collect()
}

pub(super) fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    panel: &Panel,
    axis: &TimeAxis,
    markers: &[Marker],
    deployments: &[Deployment],
    labelled: bool,
) -> DrawResult<()> {
    let bands = Band::of(deployments, axis);
    // The labels' places, worked out before the chart is built since their rows set its top margin. The
    // plotting area spans from the margin and the y labels to the legend's room on the right.
    let plot_left = (MARGIN_PX + Y_LABEL_AREA_PX) as i32;
    let labels = if labelled {
        let area_width = i32::try_from(area.dim_in_pixel().0).unwrap_or(i32::MAX);
        BandLabels::place(&bands, axis, area_width, plot_left)
    } else {
        BandLabels::default()
    };
    let strip_px = labels.strip_px();
    let y_max_seen = panel
        .lines
        .iter()
        .flat_map(|l| l.points().map(|p| p.1))
        .fold(0.0, f64::max);
    let y_min = panel
        .lines
        .iter()
        .flat_map(|l| l.points().map(|p| p.1))
        .fold(0.0, f64::min);
    // 12 % headroom: the top band holds the markers' numbers clear of lines at their maximum.
    let y_max = (y_max_seen * 1.12).max(panel.y_max_at_least);
    // As plotters' `ChartBuilder` lays out a caption and margins, with the labels' strip between the caption
    // and the plotting area.
    let margin = MARGIN_PX as i32;
    let framed = area
        .margin(margin, margin, margin, LEGEND_WIDTH_PX as i32)
        .titled(&panel.title, ("sans-serif", 24))?;
    let mut chart = ChartBuilder::on(&framed)
        .margin_top(strip_px.unsigned_abs())
        .x_label_area_size(X_LABEL_AREA_PX)
        .y_label_area_size(Y_LABEL_AREA_PX)
        .build_cartesian_2d(0.0..axis.end, y_min..y_max)?;
    let whole = panel.whole_ticks;
    let y_ticks = |y: &f64| {
        if whole && y.fract() != 0.0 {
            String::new()
        } else {
            y_tick_label(*y, y_max.max(-y_min))
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(axis.desc)
        .y_desc(panel.y_desc.as_ref())
        .label_style(("sans-serif", 18))
        .axis_desc_style(("sans-serif", 18))
        .x_label_formatter(&|x| tick_label(*x))
        .y_label_formatter(&y_ticks);
    if whole && y_max - y_min <= 10.0 {
        // One label per whole number: plotters then picks a step of 1, never 0.5.
        mesh.y_labels((y_max - y_min).floor() as usize + 1);
    }
    mesh.draw()?;
    if panel.lines.iter().all(Line::is_empty) {
        let style = ("sans-serif", 24)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let centre = (axis.end / 2.0, (y_min + y_max) / 2.0);
        chart
            .plotting_area()
            .draw(&Text::new(panel.empty_note, centre, style))?;
    }
    let drawn = &markers[..markers.len().min(MARKERS_MAX)];
    draw_spans_and_bands(&chart, axis, drawn, &bands, (y_min, y_max))?;
    for (i, l) in panel.lines.iter().enumerate() {
        let colour = line_colour(l, i);
        let style = colour.stroke_width(2);
        if l.dots {
            chart.draw_series(LineSeries::new(l.points(), style).point_size(2))?;
        } else {
            let drawn = pixel_line(l.points().map(|p| (p, chart.backend_coord(&p))));
            chart.draw_series(LineSeries::new(drawn, style))?;
        }
    }
    draw_markers(&chart, drawn, (y_min, y_max))?;
    labels.draw(area, chart.plotting_area(), &bands)?;
    draw_legend(
        area,
        chart.plotting_area(),
        &panel.lines,
        &shaded(&bands),
        markers,
    )
}

/// Under what comes next, across the plotting area from `y_min` to `y_max`: the span of each scenario event
/// that lasts (light grey), then each deployment's band, edged by a solid line at its start.
pub(super) fn draw_spans_and_bands(
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    axis: &TimeAxis,
    markers: &[Marker],
    bands: &[Band],
    (y_min, y_max): (f64, f64),
) -> DrawResult<()> {
    let plot = chart.plotting_area();
    for m in markers {
        if let Some(end) = m.end {
            plot.draw(&Rectangle::new(
                [(m.x, y_min), (end.min(axis.end), y_max)],
                MARKER_COLOUR.mix(SPAN_OPACITY).filled(),
            ))?;
        }
    }
    for b in bands {
        plot.draw(&Rectangle::new(
            [(b.start, y_min), (b.end, y_max)],
            b.colour.mix(BAND_OPACITY).filled(),
        ))?;
        plot.draw(&PathElement::new(
            vec![(b.start, y_min), (b.start, y_max)],
            b.colour.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// The kinds of band (deployment, rollback) among `bands`, for the legend.
pub(super) fn shaded(bands: &[Band]) -> Vec<(RGBColor, &'static str)> {
    let kinds = [(DEPLOY_COLOUR, "deployment"), (ROLLBACK_COLOUR, "rollback")];
    kinds
        .into_iter()
        .filter(|(colour, _)| bands.iter().any(|b| b.colour == *colour))
        .collect()
}

/// Where the deployments' labels stand above a plotting area, worked out before the chart is built since
/// their rows set its top margin.
#[derive(Default)]
pub(super) struct BandLabels {
    /// Each band's label: its left edge and row ([`label_places`]), in the panel's pixels.
    places: Vec<Option<(i32, usize)>>,
    /// Where the plotting area will start, in the panel's pixels.
    plot_left: i32,
}

impl BandLabels {
    /// The places of `bands`' labels over a plotting area that starts `plot_left` pixels into a panel
    /// `area_width` pixels wide and ends at the legend's room on the right.
    pub(super) fn place(
        bands: &[Band],
        axis: &TimeAxis,
        area_width: i32,
        plot_left: i32,
    ) -> BandLabels {
        let plot_width = area_width - plot_left - LEGEND_WIDTH_PX as i32;
        let starts: Vec<i32> = bands
            .iter()
            .map(|b| plot_left + (b.start / axis.end * f64::from(plot_width)).round() as i32)
            .collect();
        let widths: Vec<i32> = bands.iter().map(|b| label_width_px(&b.label)).collect();
        BandLabels {
            places: label_places(&starts, &widths, area_width - 4),
            plot_left,
        }
    }

    /// The height of the strip the labels take above the plotting area, in SVG pixels (0 without labels).
    pub(super) fn strip_px(&self) -> i32 {
        let rows = self
            .places
            .iter()
            .flatten()
            .map(|&(_, row)| row + 1)
            .max()
            .unwrap_or(0);
        match rows {
            0 => 0,
            rows => 4 + DEPLOY_LABEL_ROW_PX * i32::try_from(rows).unwrap_or(0),
        }
    }

    /// Writes the labels in the strip above `plot`, each in its band's colour.
    pub(super) fn draw<C: CoordTranslate>(
        &self,
        area: &DrawingArea<SVGBackend<'_>, Shift>,
        plot: &DrawingArea<SVGBackend<'_>, C>,
        bands: &[Band],
    ) -> DrawResult<()> {
        if self.strip_px() == 0 {
            return Ok(());
        }
        let (panel_x, panel_y) = area.get_base_pixel();
        let (plot_x, plot_y) = plot.get_base_pixel();
        let (dx, top) = (plot_x - panel_x - self.plot_left, plot_y - panel_y);
        for (b, place) in bands.iter().zip(&self.places) {
            let Some((left, row)) = *place else { continue };
            let row = i32::try_from(row).unwrap_or(0);
            let y = top - DEPLOY_LABEL_ROW_PX / 2 - 2 - DEPLOY_LABEL_ROW_PX * row;
            let style = ("sans-serif", DEPLOY_LABEL_FONT_PX)
                .into_font()
                .color(&b.colour)
                .pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(b.label.as_str(), (left + dx, y), style))?;
        }
        Ok(())
    }
}

/// A line's colour: its own, or the palette's for its position in the panel.
fn line_colour(line: &Line<'_>, position: usize) -> RGBColor {
    line.colour.unwrap_or(PALETTE[position % PALETTE.len()])
}

/// Each marker as a dashed vertical line across the plotting area, numbered at the top. A number goes on the
/// first of three rows where it clears the numbers already there, so that close markers stay readable and
/// distant ones line up.
pub(super) fn draw_markers(
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    markers: &[Marker],
    (y_min, y_max): (f64, f64),
) -> DrawResult<()> {
    /// Horizontal room one number needs, in SVG pixels.
    const NUMBER_PX: i32 = 26;
    let plot = chart.plotting_area();
    let style = ("sans-serif", 20)
        .into_font()
        .color(&MARKER_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Top));
    let mut row_end = [i32::MIN; 3];
    for m in markers {
        plot.draw(&DashedPathElement::new(
            vec![(m.x, y_min), (m.x, y_max)],
            6,
            4,
            MARKER_COLOUR.stroke_width(2),
        ))?;
        let px = plot.map_coordinate(&(m.x, y_max)).0;
        let row = (0..row_end.len())
            .find(|&r| px >= row_end[r])
            .unwrap_or_else(|| (0..row_end.len()).min_by_key(|&r| row_end[r]).unwrap_or(0));
        row_end[row] = px.saturating_add(NUMBER_PX);
        let dy = 2 + 16 * i32::try_from(row).unwrap_or(0);
        let number = EmptyElement::at((m.x, y_max))
            + Text::new(m.number.to_string(), (4, dy), style.clone());
        plot.draw(&number)?;
    }
    Ok(())
}

/// A y tick label on an axis reaching `axis_max` (in absolute value): in millions (`1.2M`) from a million, in
/// thousands (`250k`) from a hundred thousand, else as [`tick_label`] — so that the labels keep to the room
/// left of the axis.
pub(super) fn y_tick_label(value: f64, axis_max: f64) -> String {
    let (scale, suffix) = if axis_max >= 1e6 {
        (1e6, "M")
    } else if axis_max >= 1e5 {
        (1e3, "k")
    } else {
        return tick_label(value);
    };
    if value == 0.0 {
        return "0".to_owned();
    }
    format!("{}{suffix}", tick_label(value / scale))
}

/// A tick label: whole numbers without a fraction (`4`, not `4.0`) and with `,` between thousands (`25,000`),
/// others with at most three decimals.
pub(super) fn tick_label(value: f64) -> String {
    if value.fract() == 0.0 {
        let digits = format!("{:.0}", value.abs());
        let mut text = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if value < 0.0 {
            text.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                text.push(',');
            }
            text.push(c);
        }
        text
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The legend, drawn on the panel in the right margin beside the plotting area, so it never hides a line:
/// the series as far as there is room (the rest counted in one line), the kinds of shaded band (deployment,
/// rollback) the panel has, then the scenario-event markers as far as there is room (the rest counted in one
/// last line). (plotters' own legend is clipped to the
/// plotting area, and inside it would cover data.)
pub(super) fn draw_legend<C: CoordTranslate>(
    panel: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &DrawingArea<SVGBackend<'_>, C>,
    lines: &[Line<'_>],
    shaded: &[(RGBColor, &str)],
    markers: &[Marker],
) -> DrawResult<()> {
    let entries: Vec<LegendEntry> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| LegendEntry {
            swatch: Swatch::Line(line_colour(l, i)),
            label: legend_text(&l.label),
        })
        .collect();
    let fixed: Vec<LegendEntry> = shaded
        .iter()
        .map(|&(colour, what)| LegendEntry {
            swatch: Swatch::Band(colour),
            label: what.to_owned(),
        })
        .collect();
    draw_legend_entries(panel, plot, (&entries, "line"), &fixed, markers)
}

/// How a legend entry shows what it names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Swatch {
    /// A series: a 3 px line in its colour.
    Line(RGBColor),
    /// A shaded band edged on its left (a deployment, a rollback).
    Band(RGBColor),
    /// A filled bar (a task on the timeline).
    Bar(RGBColor),
    /// A bar a third as thick (a task not yet RUNNING, or stopping).
    ThinBar(RGBColor),
    /// A patch of background, without an edge (an instance's life).
    Patch(RGBColor),
    /// A short vertical tick (a spot interruption notice).
    Tick(RGBColor),
}

/// One entry of a legend: its swatch and its text (already cut to [`LEGEND_LABEL_MAX_CHARS`]).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LegendEntry {
    pub(super) swatch: Swatch,
    pub(super) label: String,
}

impl Swatch {
    /// Draws the swatch 22 px wide from `x`, centred on `y`.
    fn draw(self, panel: &DrawingArea<SVGBackend<'_>, Shift>, x: i32, y: i32) -> DrawResult<()> {
        match self {
            Swatch::Line(colour) => panel.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                colour.stroke_width(3),
            )),
            Swatch::Band(colour) => {
                panel.draw(&Rectangle::new(
                    [(x, y - 8), (x + 22, y + 8)],
                    colour.mix(2.0 * BAND_OPACITY).filled(),
                ))?;
                panel.draw(&PathElement::new(
                    vec![(x, y - 8), (x, y + 8)],
                    colour.stroke_width(2),
                ))
            }
            Swatch::Bar(colour) => panel.draw(&Rectangle::new(
                [(x, y - 6), (x + 22, y + 6)],
                colour.filled(),
            )),
            Swatch::ThinBar(colour) => panel.draw(&Rectangle::new(
                [(x, y - 2), (x + 22, y + 2)],
                colour.filled(),
            )),
            Swatch::Patch(colour) => panel.draw(&Rectangle::new(
                [(x, y - 8), (x + 22, y + 8)],
                colour.filled(),
            )),
            Swatch::Tick(colour) => panel.draw(&PathElement::new(
                vec![(x + 11, y - 8), (x + 11, y + 8)],
                colour.stroke_width(3),
            )),
        }
    }
}

/// The legend of [`draw_legend`] with any swatches: `entries` as far as there is room (the rest counted in
/// one row, `… 3 more <noun>s`), then every `fixed` entry, then the scenario-event markers as far as there is
/// room.
pub(super) fn draw_legend_entries<C: CoordTranslate>(
    panel: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &DrawingArea<SVGBackend<'_>, C>,
    (entries, noun): (&[LegendEntry], &str),
    fixed: &[LegendEntry],
    markers: &[Marker],
) -> DrawResult<()> {
    let (panel_x, panel_y) = panel.get_base_pixel();
    let (plot_x, plot_y) = plot.get_base_pixel();
    let plot_width = i32::try_from(plot.dim_in_pixel().0).unwrap_or(i32::MAX);
    let plot_height = i32::try_from(plot.dim_in_pixel().1).unwrap_or(i32::MAX);
    let x = (plot_x - panel_x)
        .saturating_add(plot_width)
        .saturating_add(14);
    let top = plot_y - panel_y + 8;
    let y_of = |row: usize| top + LEGEND_LINE_PX * i32::try_from(row).unwrap_or(i32::MAX / 40);
    let style = ("sans-serif", 18)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let rows = usize::try_from((plot_height - 8) / LEGEND_LINE_PX).unwrap_or(0);
    let small = ("sans-serif", 17)
        .into_font()
        .color(&MARKER_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Center));
    // As many entries as fit beside the plot with the fixed rows; the rest are counted in one row.
    let room = rows.saturating_sub(fixed.len()).max(1);
    let listed = if entries.len() <= room {
        entries.len()
    } else {
        room - 1
    };
    for (i, e) in entries[..listed].iter().enumerate() {
        let y = y_of(i);
        e.swatch.draw(panel, x, y)?;
        panel.draw(&Text::new(e.label.as_str(), (x + 28, y), style.clone()))?;
    }
    let mut lines_rows = listed;
    if listed < entries.len() {
        let more = entries.len() - listed;
        let s = if more == 1 { "" } else { "s" };
        panel.draw(&Text::new(
            format!("… {more} more {noun}{s}"),
            (x, y_of(listed)),
            small.clone(),
        ))?;
        lines_rows += 1;
    }
    for (k, e) in fixed.iter().enumerate() {
        let y = y_of(lines_rows + k);
        e.swatch.draw(panel, x, y)?;
        panel.draw(&Text::new(e.label.as_str(), (x + 28, y), style.clone()))?;
    }
    if markers.is_empty() {
        return Ok(());
    }
    let lines_rows = lines_rows + fixed.len();
    // Each marker takes two rows: its number and time beside a dashed swatch, then what it does.
    let free = rows.saturating_sub(lines_rows);
    let fit = if 2 * markers.len() <= free {
        markers.len()
    } else {
        free.saturating_sub(1) / 2
    };
    for (k, m) in markers[..fit].iter().enumerate() {
        let y = y_of(lines_rows + 2 * k);
        panel.draw(&DashedPathElement::new(
            vec![(x, y), (x + 22, y)],
            6,
            4,
            MARKER_COLOUR.stroke_width(2),
        ))?;
        panel.draw(&Text::new(m.when.as_str(), (x + 28, y), small.clone()))?;
        panel.draw(&Text::new(
            legend_text(&m.label),
            (x + 28, y + LEGEND_LINE_PX - 4),
            small.clone(),
        ))?;
    }
    if fit < markers.len() && free > 0 {
        let more = markers.len() - fit;
        let s = if more == 1 { "" } else { "s" };
        panel.draw(&Text::new(
            format!("… {more} more scenario event{s}"),
            (x, y_of(lines_rows + 2 * fit)),
            small,
        ))?;
    }
    Ok(())
}

/// A legend label cut to [`LEGEND_LABEL_MAX_CHARS`] characters.
pub(super) fn legend_text(label: &str) -> String {
    if label.chars().count() <= LEGEND_LABEL_MAX_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(LEGEND_LABEL_MAX_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
