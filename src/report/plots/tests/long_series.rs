//! Long series: a week of minute periods is drawn reduced per pixel column, looking as it would with every
//! point, and the plot stays small.

use super::*;

/// A week of one-minute periods: 10,080 values of `value`.
fn week_of(value: f64) -> Vec<f64> {
    vec![value; 7 * 24 * 60]
}

/// Pixel rows `ys` laid over 675 pixel columns (as a week is across a plot), each with its index.
fn across_675_columns(ys: &[i32]) -> Vec<(usize, (i32, i32))> {
    let n = ys.len();
    ys.iter()
        .enumerate()
        .map(|(i, &y)| (i, (84 + i32::try_from(i * 675 / n).expect("small"), y)))
        .collect()
}

/// A deterministic zig-zag over rows 42..=319, no two neighbours equal.
fn noisy_rows(n: usize) -> Vec<i32> {
    (0..n)
        .map(|i| 42 + i32::try_from((i * 7_919) % 277).expect("small") + i32::from(i % 2 == 0))
        .collect()
}

#[test]
fn a_short_line_keeps_every_point_that_turns_it() {
    // One point per pixel column, zig-zagging: every point is a vertex of the drawn line.
    let pixels: Vec<(usize, (i32, i32))> = (0..50)
        .map(|i| {
            (
                i,
                (
                    100 + 2 * i32::try_from(i).expect("small"),
                    if i % 2 == 0 { 10 } else { 20 },
                ),
            )
        })
        .collect();
    assert_eq!(pixel_line(pixels), (0..50).collect::<Vec<usize>>());
    assert_eq!(
        pixel_line(Vec::<(usize, (i32, i32))>::new()),
        Vec::<usize>::new()
    );
    assert_eq!(pixel_line([(7, (3, 3))]), vec![7]);
}

/// The vertices of the line through every point of `pixels` that draw something: the line the reduced one
/// must look like.
fn full_line(pixels: &[(usize, (i32, i32))]) -> Vec<(i32, i32)> {
    let all: Vec<(i32, i32)> = pixels.iter().map(|p| p.1).collect();
    visible_vertices(&all).into_iter().map(|k| all[k]).collect()
}

fn reduced_line(pixels: &[(usize, (i32, i32))]) -> Vec<(i32, i32)> {
    pixel_line(pixels.to_vec())
        .into_iter()
        .map(|i| pixels[i].1)
        .collect()
}

// A dip of healthy tasks for one minute, or a spike, must stay visible in a week-long plot.
#[test]
fn a_one_period_dip_and_a_one_period_spike_in_a_week_of_minutes_are_drawn_at_full_depth() {
    let mut rows = vec![95; 7 * 24 * 60];
    rows[3_001] = 319;
    rows[7_777] = 42;
    let pixels = across_675_columns(&rows);
    let got = reduced_line(&pixels);
    assert_eq!(got, full_line(&pixels));
    // Flat, down the dip's column and back, flat, up the spike's column and back, flat: eight vertices.
    assert_eq!(got.len(), 8, "{got:?}");
    assert!(got.contains(&(pixels[3_001].1)) && got.contains(&(pixels[7_777].1)));
}

#[test]
fn a_reduced_line_has_at_most_four_points_per_pixel_column_and_keeps_its_first_and_last() {
    for n in [700, 10_080, 100_000] {
        let pixels = across_675_columns(&noisy_rows(n));
        let got = pixel_line(pixels.clone());
        assert!(got.len() <= 4 * 675, "{n}: {}", got.len());
        assert!(
            got.len() >= 675,
            "{n}: every column is drawn: {}",
            got.len()
        );
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{n}: time order");
        assert_eq!(got.first(), Some(&0), "{n}");
        assert_eq!(got.last(), Some(&(n - 1)), "{n}");
        let mut per_column = BTreeMap::new();
        for &i in &got {
            *per_column.entry(pixels[i].1.0).or_insert(0) += 1;
        }
        assert!(per_column.values().all(|&k| k <= 4), "{n}");
    }
}

// M4: the line through a column's first, highest, lowest and last points covers the column as far as the
// line through all of them, and joins the next column where the full line does.
#[test]
fn each_column_keeps_its_first_highest_lowest_and_last_points_in_time_order() {
    let pixels = across_675_columns(&noisy_rows(10_080));
    let got = column_extremes(pixels.clone());
    assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "time order");
    let mut columns: BTreeMap<i32, Vec<(usize, i32)>> = BTreeMap::new();
    for &(i, (x, y)) in &pixels {
        columns.entry(x).or_default().push((i, y));
    }
    for (x, all) in columns {
        let kept: Vec<(usize, i32)> = got
            .iter()
            .filter(|p| p.1.0 == x)
            .map(|&(i, (_, y))| (i, y))
            .collect();
        let top = all.iter().map(|p| p.1).min().expect("points");
        let bottom = all.iter().map(|p| p.1).max().expect("points");
        assert_eq!(kept.first(), all.first(), "column {x}");
        assert_eq!(kept.last(), all.last(), "column {x}");
        assert!(
            kept.iter().any(|p| p.1 == top) && kept.iter().any(|p| p.1 == bottom),
            "column {x}"
        );
        assert!(kept.len() <= 4, "column {x}");
    }
}

#[test]
fn a_downsampled_week_renders_byte_identically_twice() {
    let mut values = week_of(400.0);
    for i in (0..values.len()).step_by(37) {
        values[i] = (i % 13) as f64;
    }
    let rec = week_recording(&[("web", Scope::Service, "HealthyTaskCount", &values)]);
    assert_eq!(
        render_all(&rec).expect("draw"),
        render_all(&rec).expect("draw")
    );
}

// A step-like count series (desired count 400 → 200) steps at its period, and its flat stretches are single
// segments.
#[test]
fn a_step_is_drawn_at_its_period_and_a_flat_stretch_is_one_segment() {
    let mut rows = vec![95; 7 * 24 * 60];
    rows[4_000..].fill(200);
    rows[8_000..].fill(150);
    let pixels = across_675_columns(&rows);
    let got = reduced_line(&pixels);
    assert_eq!(got, full_line(&pixels));
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(got.contains(&pixels[4_000].1) && got.contains(&pixels[8_000].1));
    // A constant week is one segment from its first pixel to its last.
    let flat = across_675_columns(&vec![95; 10_080]);
    assert_eq!(reduced_line(&flat), vec![flat[0].1, flat[10_079].1]);
}

// SPEC §4: plots show the cumulative sum of cost_usd; drawn from a week of periods, it still rises steadily
// to the total at the end of the run.
#[test]
fn a_week_of_cost_is_drawn_cumulative_rising_to_its_total_at_the_end() {
    let values = week_of(0.25);
    let rec = week_recording(&[("cluster", Scope::Cluster, "cost_usd", &values)]);
    let plots = render_all(&rec).expect("draw");
    let lines = series_polylines(plot(&plots, "cost.svg"));
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert!(line.len() <= POINTS_PER_LINE_MAX, "{}", line.len());
    // From the bottom left to the right end, never down (pixel y grows downwards).
    assert!(
        line.windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[0].1 >= w[1].1),
        "{line:?}"
    );
    let (first, last) = (line[0], line[line.len() - 1]);
    assert_eq!(first.1, 319);
    assert!(last.1 < first.1 - 200, "{line:?}");
    assert!(last.0 > first.0 + 600, "{line:?}");
}

/// A recording of one week of one-minute periods with the given series (id, scope, metric, values).
fn week_recording(series: &[(&str, Scope, &'static str, &[f64])]) -> Recorded {
    let starts: Vec<SimTime> = (0..7 * 24 * 60)
        .map(|m| SimTime::from_secs(60 * m))
        .collect();
    let mut timeseries = TimeSeries::new(starts);
    let mut sorted = series.to_vec();
    sorted.sort_by(|a, b| (a.1.as_str(), a.0, a.2).cmp(&(b.1.as_str(), b.0, b.2)));
    for (id, scope, metric, values) in sorted {
        timeseries.push(scope, id.to_owned(), metric, values.to_vec());
    }
    let mut rec = Recorded {
        timeseries,
        ..Recorded::default()
    };
    rec.manifest.duration_s = 7.0 * 86_400.0;
    rec
}

/// The points of every series polyline (2 px wide) of an SVG, as (x, y) pixels.
pub(super) fn series_polylines(svg: &str) -> Vec<Vec<(i64, i64)>> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline") && l.contains(r#"stroke-width="2" points=""#))
        .filter_map(|l| {
            let points = l.split("points=\"").nth(1)?.split('"').next()?;
            Some(
                points
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_one_minute_dip_to_zero_in_a_week_is_drawn_to_the_axis_and_the_plot_stays_small() {
    let desired = week_of(400.0);
    let mut running = week_of(400.0);
    running[5_000..5_003].fill(401.0);
    let mut healthy = week_of(400.0);
    healthy[2_500] = 0.0;
    for i in (0..healthy.len()).step_by(3) {
        healthy[i] -= (i % 5) as f64;
    }
    let rec = week_recording(&[
        ("web", Scope::Service, "DesiredTaskCount", &desired),
        ("web", Scope::Service, "RunningTaskCount", &running),
        ("web", Scope::Service, "HealthyTaskCount", &healthy),
    ]);
    let plots = render_all(&rec).expect("draw");
    let svg = plot(&plots, "tasks_web.svg");
    let lines = series_polylines(svg);
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert!(l.len() <= POINTS_PER_LINE_MAX, "{}", l.len());
        let mut per_column = BTreeMap::new();
        for p in l {
            *per_column.entry(p.0).or_insert(0) += 1;
        }
        assert!(per_column.values().all(|&k| k <= 4), "{l:?}");
    }
    // The y axis starts at 0: the healthy line's lowest point is the axis' bottom, where the desired
    // line (flat at 400) is far above.
    let bottom = |l: &Vec<(i64, i64)>| l.iter().map(|p| p.1).max().expect("points");
    let axis_bottom = 319;
    assert_eq!(bottom(&lines[2]), axis_bottom, "the dip reaches 0");
    assert!(bottom(&lines[0]) < axis_bottom - 200);
    assert_eq!(lines[0].len(), 2, "a flat line is one segment");
    // Far below the ~260 KB one polyline point per minute took.
    assert!(svg.len() < 60_000, "{}", svg.len());
    assert!(!svg.contains("<circle"));
}

#[test]
fn a_vertex_on_the_same_pixel_or_on_the_segment_between_its_neighbours_is_not_drawn() {
    // A flat row with a repeated pixel, a one-pixel dip, a rise along one column, a diagonal.
    let pixels = [
        (0, 50),
        (0, 50),
        (1, 50),
        (2, 50),
        (3, 51),
        (4, 50),
        (5, 50),
        (5, 40),
        (5, 30),
        (6, 29),
        (7, 28),
        (8, 27),
        (8, 27),
    ];
    assert_eq!(visible_vertices(&pixels), vec![0, 3, 4, 5, 6, 8, 11]);
    // A spike up and back within one column keeps its tip.
    assert_eq!(
        visible_vertices(&[(0, 50), (0, 10), (0, 50), (1, 50)]),
        vec![0, 1, 2, 3]
    );
    assert_eq!(visible_vertices(&[(3, 3), (3, 3)]), vec![0]);
    assert_eq!(visible_vertices(&[]), Vec::<usize>::new());
}

// A healthy count that wavers by a fraction of a task (time-weighted means) moves less than a pixel on a
// 0..450 axis: it is one flat segment in the SVG, and its dips of a whole pixel or more are still drawn.
#[test]
fn a_count_wavering_by_less_than_a_pixel_is_drawn_as_a_flat_segment_with_its_real_dips() {
    let desired = week_of(400.0);
    let mut healthy: Vec<f64> = (0..desired.len())
        .map(|i| 400.0 - 0.05 * (i % 7) as f64)
        .collect();
    healthy[6_000] = 300.0;
    let rec = week_recording(&[
        ("web", Scope::Service, "DesiredTaskCount", &desired),
        ("web", Scope::Service, "HealthyTaskCount", &healthy),
    ]);
    let plots = render_all(&rec).expect("draw");
    let lines = series_polylines(plot(&plots, "tasks_web.svg"));
    let healthy_line = &lines[1];
    assert!(healthy_line.len() <= 8, "{healthy_line:?}");
    let top = lines[0][0].1;
    assert!(
        healthy_line.iter().all(|p| p.1 == top || p.1 > top + 50),
        "{healthy_line:?}"
    );
    assert_eq!(
        healthy_line.iter().filter(|p| p.1 > top + 50).count(),
        1,
        "{healthy_line:?}"
    );
}

// The requests panel, traffic.svg and the target-group plot reduce their lines as every plot does: a week of
// noisy minute counts stays a few points per pixel column, and one minute of failures still shows.
#[test]
fn a_week_of_requests_is_reduced_per_pixel_column_on_every_plot_that_draws_it() {
    let requests: Vec<f64> = (0..7 * 24 * 60)
        .map(|m| 6000.0 + f64::from((m * 7919) % 1000))
        .collect();
    let mut failed = week_of(0.0);
    failed[4_000] = 3000.0;
    let healthy = week_of(4.0);
    let rec = week_recording(&[
        ("web", Scope::Service, "DesiredTaskCount", &healthy),
        ("web", Scope::Service, "HealthyTaskCount", &healthy),
        ("web", Scope::Service, "requests", &requests),
        ("web", Scope::Service, "error_requests", &failed),
        ("web-tg", Scope::TargetGroup, "RequestCount", &requests),
        (
            "web-tg",
            Scope::TargetGroup,
            "HTTPCode_ELB_5XX_Count",
            &failed,
        ),
    ]);
    let plots = render_all(&rec).expect("draw");
    for (name, lines_drawn) in [
        ("tasks_web.svg", 4),
        ("traffic.svg", 2),
        ("target_group_web-tg.svg", 2),
    ] {
        let svg = plot(&plots, name);
        let lines = series_polylines(svg);
        assert_eq!(lines.len(), lines_drawn, "{name}");
        for l in &lines {
            let mut per_column = BTreeMap::new();
            for p in l {
                *per_column.entry(p.0).or_insert(0) += 1;
            }
            assert!(per_column.values().all(|&k| k <= 4), "{name}");
        }
        assert!(!svg.contains("<circle"), "{name}");
        assert!(svg.len() < 150_000, "{name}: {}", svg.len());
    }
    // The one minute of failures is drawn up to its height: the failed line's highest pixel is far above
    // its baseline.
    let lines = series_polylines(plot(&plots, "tasks_web.svg"));
    let failed_line = &lines[3];
    let top = failed_line.iter().map(|p| p.1).min().expect("points");
    let base = failed_line.iter().map(|p| p.1).max().expect("points");
    assert!(base - top > 80, "{top} {base}");
}
