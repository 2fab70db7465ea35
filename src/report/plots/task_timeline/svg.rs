//! Drawing a [`Timeline`] with plotters' SVG backend: the rows with their instances' lives, the deployments
//! and scenario events, the bars, the marks, the labels and the legend (what each means: the parent module).
//! A timeline that is empty or too large is a frame with a one-line note.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::draw::{
    self, Band, BandLabels, DEPLOYMENTS_MAX, DrawResult, LegendEntry, Swatch, legend_text,
    tick_label,
};
use super::super::{
    Data, LEGEND_LINE_PX, LEGEND_WIDTH_PX, MARKERS_MAX, Plot, PlotError, TimeAxis, WIDTH_PX,
};
use super::{TIMELINE_FILE, TIMELINE_TITLE, Timeline};
use crate::report::recorded::Recorded;

/// The mark of a spot interruption notice.
const SPOT_COLOUR: RGBColor = RGBColor(214, 39, 40);
/// An instance's row from launch to termination, drawn as black at [`LIFE_OPACITY`] so that the time grid
/// shows through; the legend's swatch is the colour that makes on white.
const LIFE_OPACITY: f64 = 0.075;
const LIFE_SWATCH: RGBColor = RGBColor(236, 236, 236);
/// An instance's row while it is DRAINING: amber at [`DRAINING_OPACITY`], and the colour that makes on white.
const DRAINING_HUE: RGBColor = RGBColor(245, 160, 40);
const DRAINING_OPACITY: f64 = 0.3;
const DRAINING_SWATCH: RGBColor = RGBColor(252, 227, 191);
/// The mark of an instance's termination: the end of its row.
const TERMINATED_COLOUR: RGBColor = RGBColor(30, 30, 30);
/// Group headers and row labels.
const LABEL_COLOUR: RGBColor = RGBColor(51, 51, 51);

/// Room left of the plot for the row labels, in SVG pixels.
const ROW_LABEL_AREA_PX: u32 = 190;
const MARGIN_PX: u32 = 12;
const X_LABEL_AREA_PX: u32 = 48;
/// The height of a group's header, in SVG pixels.
const HEADER_PX: f64 = 24.0;
/// Room above the first row for the scenario markers' numbers, in SVG pixels.
const TOP_PX: f64 = 18.0;
/// Room between two rows, in SVG pixels.
const ROW_GAP_PX: f64 = 6.0;
/// The least height of a row (its label's), in SVG pixels.
const ROW_MIN_PX: f64 = 20.0;
/// The height of one lane, between these, as the plot's height allows.
const LANE_MIN_PX: f64 = 5.0;
const LANE_MAX_PX: f64 = 18.0;
/// The height the lanes together aim at, in SVG pixels.
const LANES_TARGET_PX: f64 = 560.0;
/// The least height of the plotting area, in SVG pixels.
const PLOT_MIN_PX: f64 = 150.0;
/// What the plot adds around its plotting area: margins, title, x axis labels (as plotters lays them out).
const FRAME_PX: f64 = 127.0;
/// The legend lists at most this many revisions before counting the rest, and the plot grows for them.
const KEYS_LISTED_MAX: usize = 24;
/// The least width of a bar, in SVG pixels.
const BAR_MIN_PX: f64 = 2.0;

/// The plot: drawn, empty (no tasks), or a note that it is too large.
pub(in crate::report::plots) fn render(rec: &Recorded, data: &Data<'_>) -> Result<Plot, PlotError> {
    let error = |e: DrawingAreaErrorKind<std::io::Error>| PlotError {
        file: TIMELINE_FILE.to_owned(),
        message: e.to_string(),
    };
    let plot = |svg, empty: Option<&str>, not_drawn| Plot {
        file: TIMELINE_FILE.to_owned(),
        title: TIMELINE_TITLE.to_owned(),
        svg,
        empty: empty.map(str::to_owned),
        not_drawn,
        service: None,
        target_group: None,
        deployments: 0,
    };
    Ok(match Timeline::of(rec, &data.axis) {
        Err(large) => plot(
            draw_note(&data.axis, &large.note()).map_err(error)?,
            None,
            Some(large.sentence()),
        ),
        Ok(t) if t.bars.is_empty() => {
            let note = "no tasks ran";
            plot(
                draw_note(&data.axis, note).map_err(error)?,
                Some(note),
                None,
            )
        }
        Ok(t) => plot(draw_timeline(&t, data).map_err(error)?, None, None),
    })
}

/// A timeline with nothing drawn: its frame and time axis with `note` in the middle.
fn draw_note(axis: &TimeAxis, note: &str) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH_PX, 220)).into_drawing_area();
        root.fill(&WHITE)?;
        let m = MARGIN_PX as i32;
        let framed = root
            .margin(m, m, m, LEGEND_WIDTH_PX as i32)
            .titled(TIMELINE_TITLE, ("sans-serif", 24))?;
        let mut chart = ChartBuilder::on(&framed)
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(ROW_LABEL_AREA_PX)
            .build_cartesian_2d(0.0..axis.end, 0.0..1.0)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .y_labels(0)
            .x_desc(axis.desc)
            .label_style(("sans-serif", 18))
            .axis_desc_style(("sans-serif", 18))
            .x_label_formatter(&|x| tick_label(*x))
            .draw()?;
        let style = ("sans-serif", 22)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .plotting_area()
            .draw(&Text::new(note, (axis.end / 2.0, 0.5), style))?;
        root.present()?;
    }
    Ok(svg)
}

/// Where each row is, in SVG pixels down from the plotting area's top: its header's centre, if it has one,
/// and its top and height.
struct Layout {
    rows: Vec<(Option<f64>, f64, f64)>,
    /// The plotting area's height.
    height: f64,
}

impl Layout {
    fn of(t: &Timeline, legend_rows: usize) -> Layout {
        let lane_px = (LANES_TARGET_PX / t.lanes().max(1) as f64).clamp(LANE_MIN_PX, LANE_MAX_PX);
        let mut y = TOP_PX + ROW_GAP_PX / 2.0;
        let mut rows = Vec::with_capacity(t.rows.len());
        for r in &t.rows {
            let header = r.header.as_ref().map(|_| {
                y += HEADER_PX;
                y - HEADER_PX / 2.0
            });
            let height = (r.lanes as f64 * lane_px).max(ROW_MIN_PX);
            rows.push((header, y, height));
            y += height + ROW_GAP_PX;
        }
        let legend_px = (legend_rows as f64) * f64::from(LEGEND_LINE_PX) + 16.0;
        Layout {
            rows,
            height: y.max(legend_px).max(PLOT_MIN_PX).round(),
        }
    }
}

fn draw_timeline(t: &Timeline, data: &Data<'_>) -> DrawResult<String> {
    let axis = &data.axis;
    let markers = &data.markers[..data.markers.len().min(MARKERS_MAX)];
    let mut deployments: Vec<_> = data.deployments.values().flatten().cloned().collect();
    deployments.sort_by_key(|d| d.start);
    deployments.truncate(DEPLOYMENTS_MAX);
    let bands = Band::of(&deployments, axis);
    let entries: Vec<LegendEntry> = t
        .keys
        .iter()
        .map(|k| LegendEntry {
            swatch: Swatch::Bar(k.colour),
            label: legend_text(&k.label()),
        })
        .collect();
    let fixed = fixed_entries(t, &bands);
    let legend_rows = entries.len().min(KEYS_LISTED_MAX + 1)
        + fixed.len()
        + 2 * data.markers.len().min(6)
        + usize::from(data.markers.len() > 6);
    let layout = Layout::of(t, legend_rows);
    let mut svg = String::new();
    {
        // The deployments' labels' rows set the strip above the plot, and so the height.
        let plot_left = (MARGIN_PX + ROW_LABEL_AREA_PX) as i32;
        let labels = BandLabels::place(&bands, axis, WIDTH_PX as i32, plot_left);
        let strip_px = labels.strip_px();
        let height = (layout.height + FRAME_PX).round() as u32 + strip_px.unsigned_abs();
        let root = SVGBackend::with_string(&mut svg, (WIDTH_PX, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let m = MARGIN_PX as i32;
        let framed = root
            .margin(m, m, m, LEGEND_WIDTH_PX as i32)
            .titled(TIMELINE_TITLE, ("sans-serif", 24))?;
        let y_max = layout.height;
        let mut chart = ChartBuilder::on(&framed)
            .margin_top(strip_px.unsigned_abs())
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(ROW_LABEL_AREA_PX)
            .build_cartesian_2d(0.0..axis.end, 0.0..y_max)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .y_labels(0)
            .x_desc(axis.desc)
            .label_style(("sans-serif", 18))
            .axis_desc_style(("sans-serif", 18))
            .x_label_formatter(&|x| tick_label(*x))
            .draw()?;
        let plot = chart.plotting_area();
        // y in the chart's units grows upwards; the layout's pixels downwards.
        let down = |px: f64| y_max - px;
        for (r, &(_, top, h)) in t.rows.iter().zip(&layout.rows) {
            let (y0, y1) = (
                down(top - ROW_GAP_PX / 2.0 + 1.0),
                down(top + h + ROW_GAP_PX / 2.0 - 1.0),
            );
            if let Some((from, to)) = r.life {
                let life = BLACK.mix(LIFE_OPACITY).filled();
                plot.draw(&Rectangle::new([(from, y0), (to, y1)], life))?;
                if let Some(d) = r.draining.filter(|&d| d < to) {
                    let draining = DRAINING_HUE.mix(DRAINING_OPACITY).filled();
                    plot.draw(&Rectangle::new([(d, y0), (to, y1)], draining))?;
                }
            }
        }
        draw::draw_spans_and_bands(&chart, axis, markers, &bands, (0.0, y_max))?;
        let plot_width_px = f64::from(plot.dim_in_pixel().0.max(1));
        let min_width = BAR_MIN_PX * axis.end / plot_width_px;
        let lane_box = |row: usize, lane: usize| {
            let (_, top, h) = layout.rows[row];
            let lane_h = h / t.rows[row].lanes.max(1) as f64;
            (top + lane as f64 * lane_h, lane_h)
        };
        for b in &t.bars {
            let colour = t.keys[b.key].colour;
            let (top, lane_h) = lane_box(b.row, b.lane);
            let centre = top + lane_h / 2.0;
            let thick = (lane_h * 0.8).clamp(1.0, 16.0) / 2.0;
            let thin = (lane_h * 0.3).clamp(1.0, 5.0) / 2.0;
            let span = |from: f64, to: f64| (from, to.max(from + min_width));
            let (x0, x1) = span(b.created, b.end);
            plot.draw(&Rectangle::new(
                [(x0, down(centre - thin)), (x1, down(centre + thin))],
                colour.filled(),
            ))?;
            if let Some(running) = b.running {
                let until = b.stop_requested.unwrap_or(b.end).min(b.end);
                if until >= running {
                    let (x0, x1) = span(running, until);
                    plot.draw(&Rectangle::new(
                        [(x0, down(centre - thick)), (x1, down(centre + thick))],
                        colour.filled(),
                    ))?;
                }
            }
        }
        for (r, &(_, top, h)) in t.rows.iter().zip(&layout.rows) {
            if let Some((_, end)) = r.life.filter(|_| r.terminated) {
                plot.draw(&PathElement::new(
                    vec![(end, down(top - 2.0)), (end, down(top + h + 2.0))],
                    TERMINATED_COLOUR.stroke_width(2),
                ))?;
            }
        }
        for tick in &t.ticks {
            let (_, top, h) = layout.rows[tick.row];
            let (top, h) = match tick.lane {
                Some(lane) => lane_box(tick.row, lane),
                None => (top, h),
            };
            plot.draw(&PathElement::new(
                vec![(tick.x, down(top - 1.0)), (tick.x, down(top + h + 1.0))],
                SPOT_COLOUR.stroke_width(3),
            ))?;
        }
        draw::draw_markers(&chart, markers, (0.0, y_max))?;
        // Row labels left of the plot, group headers inside it at its left edge (their rows hold no bars).
        let label_style = ("sans-serif", 17)
            .into_font()
            .color(&LABEL_COLOUR)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let header_style = ("sans-serif", 17)
            .into_font()
            .style(FontStyle::Bold)
            .color(&LABEL_COLOUR)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (r, &(header, top, h)) in t.rows.iter().zip(&layout.rows) {
            let (px, py) = chart.backend_coord(&(0.0, down(top + h / 2.0)));
            root.draw(&Text::new(
                r.label.as_str(),
                (px - 8, py),
                label_style.clone(),
            ))?;
            if let (Some(text), Some(centre)) = (&r.header, header) {
                let (px, py) = chart.backend_coord(&(0.0, down(centre)));
                root.draw(&Text::new(
                    text.as_str(),
                    (px + 6, py),
                    header_style.clone(),
                ))?;
            }
        }
        labels.draw(&root, chart.plotting_area(), &bands)?;
        draw::draw_legend_entries(
            &root,
            chart.plotting_area(),
            (&entries, "task definition"),
            &fixed,
            &data.markers,
        )?;
        root.present()?;
    }
    Ok(svg)
}

/// The legend's rows after the revisions: how bars and rows read, then the marks this run has.
fn fixed_entries(t: &Timeline, bands: &[Band]) -> Vec<LegendEntry> {
    let mut fixed = vec![LegendEntry {
        swatch: Swatch::ThinBar(LABEL_COLOUR),
        label: "starting or stopping".to_owned(),
    }];
    if t.rows.iter().any(|r| r.life.is_some()) {
        fixed.push(LegendEntry {
            swatch: Swatch::Patch(LIFE_SWATCH),
            label: "instance up".to_owned(),
        });
    }
    if t.rows.iter().any(|r| r.terminated) {
        fixed.push(LegendEntry {
            swatch: Swatch::Tick(TERMINATED_COLOUR),
            label: "instance terminated".to_owned(),
        });
    }
    if t.rows.iter().any(|r| r.draining.is_some()) {
        fixed.push(LegendEntry {
            swatch: Swatch::Patch(DRAINING_SWATCH),
            label: "instance DRAINING".to_owned(),
        });
    }
    if !t.ticks.is_empty() {
        fixed.push(LegendEntry {
            swatch: Swatch::Tick(SPOT_COLOUR),
            label: "spot interruption notice".to_owned(),
        });
    }
    fixed.extend(
        draw::shaded(bands)
            .into_iter()
            .map(|(colour, what)| LegendEntry {
                swatch: Swatch::Band(colour),
                label: what.to_owned(),
            }),
    );
    fixed
}
