//! Drawing planned panels with plotters' SVG backend: axes, lines (reduced per pixel column), the scenario
//! markers and the legend.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::reduce::pixel_line;
use super::{
    LEGEND_LABEL_MAX_CHARS, LEGEND_LINE_PX, LEGEND_WIDTH_PX, Line, MARKER_COLOUR, MARKERS_MAX,
    Marker, PALETTE, PANEL_HEIGHT_PX, Panel, TimeAxis, WIDTH_PX,
};

pub(super) type DrawResult<T> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// Draws the panels stacked vertically into one SVG document.
pub(super) fn draw(
    title: &str,
    panels: &[Panel],
    axis: &TimeAxis,
    markers: &[Marker],
) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let rows = panels.len().max(1);
        let height = PANEL_HEIGHT_PX * rows as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH_PX, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let root = if panels.len() > 1 {
            root.titled(title, ("sans-serif", 26))?
        } else {
            root
        };
        for (area, panel) in root.split_evenly((rows, 1)).iter().zip(panels) {
            draw_panel(area, panel, axis, markers)?;
        }
        root.present()?;
    }
    Ok(svg)
}

pub(super) fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    panel: &Panel,
    axis: &TimeAxis,
    markers: &[Marker],
) -> DrawResult<()> {
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
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 24))
        .margin(12)
        .margin_right(LEGEND_WIDTH_PX)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..axis.end, y_min..y_max)?;
    let whole = panel.whole_ticks;
    let y_ticks = |y: &f64| {
        if whole && y.fract() != 0.0 {
            String::new()
        } else {
            tick_label(*y)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(axis.desc)
        .y_desc(panel.y_desc)
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
    for (i, l) in panel.lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let style = colour.stroke_width(2);
        if l.dots {
            chart.draw_series(LineSeries::new(l.points(), style).point_size(2))?;
        } else {
            let drawn = pixel_line(l.points().map(|p| (p, chart.backend_coord(&p))));
            chart.draw_series(LineSeries::new(drawn, style))?;
        }
    }
    let drawn = &markers[..markers.len().min(MARKERS_MAX)];
    draw_markers(&chart, drawn, (y_min, y_max))?;
    draw_legend(area, chart.plotting_area(), &panel.lines, markers)
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

/// A tick label: whole numbers without a fraction (`4`, not `4.0`), others with at most three decimals.
pub(super) fn tick_label(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The legend, drawn on the panel in the right margin beside the plotting area, so it never hides a line:
/// the series, then the scenario-event markers as far as there is room (the rest counted in one last line).
/// (plotters' own legend is clipped to the plotting area, and inside it would cover data.)
pub(super) fn draw_legend<C: CoordTranslate>(
    panel: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &DrawingArea<SVGBackend<'_>, C>,
    lines: &[Line<'_>],
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
    for (i, l) in lines.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let y = y_of(i);
        panel.draw(&PathElement::new(
            vec![(x, y), (x + 22, y)],
            colour.stroke_width(3),
        ))?;
        panel.draw(&Text::new(
            legend_text(&l.label),
            (x + 28, y),
            style.clone(),
        ))?;
    }
    if markers.is_empty() {
        return Ok(());
    }
    // Each marker takes two rows: its number and time beside a dashed swatch, then what it does.
    let rows = usize::try_from((plot_height - 8) / LEGEND_LINE_PX).unwrap_or(0);
    let free = rows.saturating_sub(lines.len());
    let small = ("sans-serif", 17)
        .into_font()
        .color(&MARKER_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let fit = if 2 * markers.len() <= free {
        markers.len()
    } else {
        free.saturating_sub(1) / 2
    };
    for (k, m) in markers[..fit].iter().enumerate() {
        let y = y_of(lines.len() + 2 * k);
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
            (x, y_of(lines.len() + 2 * fit)),
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
