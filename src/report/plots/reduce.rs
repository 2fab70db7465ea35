//! The M4 reduction of a long line to what its pixels can show (see the module docs of `plots`).

/// The points of a line, each with its pixel, in time order, reduced to those that make what is drawn: the
/// first, last, highest and lowest point of each pixel column ([`column_extremes`]), less the vertices that
/// draw nothing ([`visible_vertices`]). At most four points per pixel column, whatever the line's length;
/// the line through them covers the pixels the line through every point covers. Lines with dots keep every
/// point and do not use this.
pub(super) fn pixel_line<T: Copy>(points: impl IntoIterator<Item = (T, (i32, i32))>) -> Vec<T> {
    let columns = column_extremes(points);
    let pixels: Vec<(i32, i32)> = columns.iter().map(|c| c.1).collect();
    visible_vertices(&pixels)
        .into_iter()
        .map(|k| columns[k].0)
        .collect()
}

/// Of the points (in time order, each with its pixel) that fall in one pixel column, the first, the last, the
/// highest and the lowest, in time order (M4): the line through them goes up and down the column as far as
/// the line through all of them, and enters and leaves it at the same pixels. Reads the points once and
/// holds one column's four at a time.
pub(super) fn column_extremes<T: Copy>(
    points: impl IntoIterator<Item = (T, (i32, i32))>,
) -> Vec<(T, (i32, i32))> {
    /// (position in the input, the point, its pixel)
    type Seen<T> = (usize, T, (i32, i32));
    /// First, highest (least pixel y), lowest (greatest pixel y), last of the current column.
    fn flush<T: Copy>(column: [Seen<T>; 4], out: &mut Vec<(T, (i32, i32))>) {
        let mut column = column;
        column.sort_by_key(|seen| seen.0);
        for (k, seen) in column.iter().enumerate() {
            if k == 0 || seen.0 != column[k - 1].0 {
                out.push((seen.1, seen.2));
            }
        }
    }
    let mut out = Vec::new();
    let mut column: Option<[Seen<T>; 4]> = None;
    for (i, (point, px)) in points.into_iter().enumerate() {
        let seen = (i, point, px);
        match &mut column {
            Some(c) if c[0].2.0 == px.0 => {
                if px.1 < c[1].2.1 {
                    c[1] = seen;
                }
                if px.1 > c[2].2.1 {
                    c[2] = seen;
                }
                c[3] = seen;
            }
            _ => {
                if let Some(done) = column.take() {
                    flush(done, &mut out);
                }
                column = Some([seen; 4]);
            }
        }
    }
    if let Some(done) = column {
        flush(done, &mut out);
    }
    out
}

/// The indices, ascending, of the vertices of the polyline through `pixels` that change what is drawn: a
/// vertex at the same pixel as the one before it, or on the straight segment between its neighbours (the
/// several points a flat stretch puts on one pixel row, or a steady rise on one pixel column), is left out,
/// and the line covers the same pixels. A vertex that turns the line, however little, is kept: a one-pixel
/// dip or spike stays.
pub(super) fn visible_vertices(pixels: &[(i32, i32)]) -> Vec<usize> {
    // `b` lies on the segment from `a` to `c`.
    let between = |a: (i32, i32), b: (i32, i32), c: (i32, i32)| {
        let (ab, ac) = (
            (i64::from(b.0 - a.0), i64::from(b.1 - a.1)),
            (i64::from(c.0 - a.0), i64::from(c.1 - a.1)),
        );
        ab.0 * ac.1 == ab.1 * ac.0
            && (a.0.min(c.0)..=a.0.max(c.0)).contains(&b.0)
            && (a.1.min(c.1)..=a.1.max(c.1)).contains(&b.1)
    };
    let mut kept: Vec<usize> = Vec::with_capacity(pixels.len());
    for (i, &c) in pixels.iter().enumerate() {
        if kept.last().is_some_and(|&j| pixels[j] == c) {
            continue;
        }
        while let [.., a, b] = kept[..] {
            if !between(pixels[a], pixels[b], c) {
                break;
            }
            kept.pop();
        }
        kept.push(i);
    }
    kept
}
