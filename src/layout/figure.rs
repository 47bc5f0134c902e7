//! A figure as lines: an image that stands alone in its paragraph becomes
//! a box of rows centred in the column, sized from the image's pixels and
//! the shape of a terminal cell, with its caption dimmed under it. The
//! rows carry no text; each names the figure and its row, and the screen
//! draws the image over them. Every line of a figure starts at the image's
//! source byte, so positions stay in the text.
//!
//! What is known of each image (its size, or why it cannot be shown) comes
//! from outside, by its address: this module never reads a file.

use std::ops::Range;

use super::{Draft, wrap};
use crate::document::{Flags, ImageRef, Role, Span, Style};

/// A row of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FigureRow {
    /// The image's link, as an index into `Document::links`.
    pub link: u32,
    /// Which row of the figure this is, from 0.
    pub row: u16,
    /// The figure's rows and columns.
    pub rows: u16,
    pub cols: u16,
    /// Columns between the start of the text column and the figure.
    pub left: u16,
}

/// The room figures may take and the shape of a terminal cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FigureBox {
    /// The most rows a figure may take (60% of the screen).
    pub max_rows: u16,
    /// A cell's width and height in pixels; 1:2 when the terminal does not
    /// say.
    pub cell: (u16, u16),
}

impl FigureBox {
    /// Figures on a screen of `height` rows, with cells of `cell` pixels
    /// when known.
    pub fn for_screen(height: u16, cell: Option<(u16, u16)>) -> FigureBox {
        FigureBox {
            max_rows: (u32::from(height) * 3 / 5).clamp(1, u32::from(u16::MAX)) as u16,
            cell: cell.filter(|&(w, h)| w > 0 && h > 0).unwrap_or((10, 20)),
        }
    }
}

/// What is known of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FigureState {
    /// Its size is being read: a box of a guessed shape (4:3) stands in.
    Pending,
    /// Its size in pixels.
    Size(u32, u32),
    /// It cannot be shown, and why, in a few words (`remote`,
    /// `cannot decode`): one line of text stands in.
    Failed(String),
}

/// The columns and rows a figure of `w`x`h` pixels takes in a column of
/// `width`: no wider than the column nor than its own pixels, no taller
/// than `max_rows`, its shape kept.
pub fn fit(w: u32, h: u32, width: usize, figures: FigureBox) -> (u16, u16) {
    let (cw, ch) = (
        f64::from(figures.cell.0.max(1)),
        f64::from(figures.cell.1.max(1)),
    );
    let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let width = width.clamp(1, usize::from(u16::MAX)) as f64;
    let mut cols = (w / cw).ceil().min(width).max(1.0);
    let mut rows = (cols * cw * h / (w * ch)).round().max(1.0);
    let max_rows = f64::from(figures.max_rows.max(1));
    if rows > max_rows {
        rows = max_rows;
        cols = (rows * ch * w / (h * cw)).round().clamp(1.0, width);
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (cols as u16, rows as u16)
}

/// The lines of the figure of `image` (link `link`), whose placeholder
/// text is `spans`, in a column of `width`.
pub(super) fn drafts(
    (link, image): (u32, &ImageRef),
    state: &FigureState,
    source: Range<usize>,
    width: usize,
    figures: FigureBox,
) -> Vec<Draft> {
    let (w, h) = match state {
        FigureState::Size(w, h) => (*w, *h),
        FigureState::Pending => (400, 300),
        FigureState::Failed(reason) => return failed(image, link, reason, source, width),
    };
    let (cols, rows) = fit(w, h, width, figures);
    let left = u16::try_from(width.saturating_sub(usize::from(cols)) / 2).unwrap_or(0);
    let at = source.start..source.start;
    let mut out: Vec<Draft> = (0..rows)
        .map(|row| Draft {
            segs: Vec::new(),
            source: Some(at.clone()),
            rtl: false,
            figure: Some(FigureRow {
                link,
                row,
                rows,
                cols,
                left,
            }),
        })
        .collect();
    let caption = image.caption();
    if !caption.is_empty() {
        let spans: Vec<Span> = Span::owned(caption, source.start, Flags::NONE).collect();
        let mut lines = wrap(&spans, "", width, Style::role(Role::Caption));
        for line in &mut lines {
            for s in &mut line.segs {
                s.link = Some(link);
            }
            line.source = Some(at.clone());
        }
        super::center(&mut lines, width);
        out.extend(lines);
    }
    out
}

/// One line in place of a figure that cannot be shown:
/// `[image: alt · reason]`, a link to the image like its placeholder.
fn failed(
    image: &ImageRef,
    link: u32,
    reason: &str,
    source: Range<usize>,
    width: usize,
) -> Vec<Draft> {
    let caption = image.caption();
    let text = if caption.is_empty() {
        format!("[image · {reason}]")
    } else {
        format!("[image: {caption} · {reason}]")
    };
    let spans: Vec<Span> = Span::owned(&text, source.start, Flags::IMAGE).collect();
    let mut lines = wrap(&spans, "", width, Style::role(Role::Text));
    for line in &mut lines {
        for s in &mut line.segs {
            s.link = Some(link);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: FigureBox = FigureBox {
        max_rows: 24,
        cell: (10, 20),
    };

    #[test]
    fn a_figure_keeps_its_shape_within_the_column_and_the_height() {
        // 800x400 at 10x20 cells: 80 columns by 20 rows, in 80 columns.
        assert_eq!(fit(800, 400, 80, BOX), (80, 20));
        // A narrower column keeps the shape.
        assert_eq!(fit(800, 400, 40, BOX), (40, 10));
        // A small image is not blown up.
        assert_eq!(fit(100, 50, 80, BOX), (10, 3));
        // A tall one is capped at the rows allowed, narrower.
        assert_eq!(fit(400, 4000, 80, BOX), (5, 24));
        // Degenerate sizes still take a cell.
        assert_eq!(fit(0, 0, 80, BOX), (1, 1));
        assert_eq!(fit(100_000, 1, 80, BOX), (80, 1));
        assert_eq!(fit(50_000, 50_000, 0, BOX), (1, 1));
        // Square cells (a terminal that says so).
        let square = FigureBox {
            max_rows: 100,
            cell: (10, 10),
        };
        assert_eq!(fit(800, 400, 80, square), (80, 40));
    }

    #[test]
    fn the_box_is_three_fifths_of_the_screen() {
        assert_eq!(FigureBox::for_screen(30, None).max_rows, 18);
        assert_eq!(FigureBox::for_screen(1, None).max_rows, 1);
        assert_eq!(FigureBox::for_screen(30, None).cell, (10, 20));
        assert_eq!(FigureBox::for_screen(30, Some((0, 5))).cell, (10, 20));
        assert_eq!(FigureBox::for_screen(30, Some((9, 18))).cell, (9, 18));
    }
}
