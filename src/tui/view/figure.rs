//! Figures on screen: the picture of each figure drawn over its rows, cut
//! where the figure goes past the top or the bottom of the text (never
//! moved), a dim box of the figure's size while its picture is made, and
//! an image shown alone, fitted to the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use crate::layout::{FigureBox, FigureRow, fit_figure};
use crate::reader::Screen;
use crate::tui::app::App;

/// Draw the figures among the lines of `screen`, whose text column is
/// `column`.
pub fn draw(frame: &mut Frame<'_>, app: &mut App, screen: &Screen, column: Rect) {
    let mut y = 0usize;
    while y < screen.lines.len() {
        let Some(first) = screen.lines[y].figure else {
            y += 1;
            continue;
        };
        // The figure's rows on screen, from its first one shown.
        let mut shown = 1;
        while screen.lines.get(y + shown).and_then(|l| l.figure)
            == Some(FigureRow {
                row: first.row + u16::try_from(shown).unwrap_or(u16::MAX),
                ..first
            })
        {
            shown += 1;
        }
        let top = i32::try_from(y).unwrap_or(i32::MAX) - i32::from(first.row);
        draw_one(frame, app, first, top, shown, y, column);
        y += shown;
    }
}

/// Draw figure `row`'s picture with its top `top` rows below the column's
/// top (above it when negative); `shown` rows of it are on screen from row
/// `y`.
fn draw_one(
    frame: &mut Frame<'_>,
    app: &mut App,
    row: FigureRow,
    top: i32,
    shown: usize,
    y: usize,
    column: Rect,
) {
    let Some(url) = image_url(app, row.link) else {
        return;
    };
    let x = column.x + row.left.min(column.width);
    let width = row.cols.min(column.width - (x - column.x));
    let area = Rect {
        x,
        y: column.y,
        width,
        height: column.height,
    };
    let visible = Rect {
        y: column.y + u16::try_from(y).unwrap_or(u16::MAX),
        height: u16::try_from(shown).unwrap_or(u16::MAX),
        ..area
    }
    .intersection(area);
    match app.figures.picture(&url, row.cols, row.rows) {
        Some(Ok(picture)) => {
            let position = SignedPosition {
                x: 0,
                y: i16::try_from(top).unwrap_or(i16::MIN),
            };
            frame.render_widget(SlicedImage::new(&picture, position), area);
        }
        // Made on the loader's thread; a failure is laid out as text
        // once the loader tells it.
        _ => placeholder(frame, app, visible),
    }
}

/// A dim box where a picture will be.
fn placeholder(frame: &mut Frame<'_>, app: &App, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border());
    frame.render_widget(block, area);
}

/// The address of the image of link `link`.
fn image_url(app: &App, link: u32) -> Option<String> {
    let link = app.doc.links.get(usize::try_from(link).ok()?)?;
    Some(link.image()?.url.clone())
}

/// The image shown alone: fitted to `area`, centred, its caption under it.
pub fn draw_alone(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    let Some(link) = app.figures.alone else {
        return;
    };
    let Some(image) = usize::try_from(link)
        .ok()
        .and_then(|l| app.doc.links.get(l))
        .and_then(|l| l.image().cloned())
    else {
        return;
    };
    let caption = image.caption().to_string();
    let room = Rect {
        height: area.height.saturating_sub(2),
        ..area
    };
    let size = app.layout.figure_state(&image.url).and_then(|s| match s {
        crate::layout::FigureState::Size(w, h) => Some((*w, *h)),
        _ => None,
    });
    let text = |frame: &mut Frame<'_>, line: String, y: u16| {
        frame.render_widget(
            Paragraph::new(Line::styled(line, app.theme.outline_meta()))
                .alignment(ratatui::layout::Alignment::Center),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
    };
    if let (Some((w, h)), true) = (size, room.height > 0) {
        let (cols, rows) = fit_alone(w, h, room, app.figures.cell);
        let image_area = Rect {
            x: room.x + (room.width - cols) / 2,
            y: room.y + (room.height - rows) / 2,
            width: cols,
            height: rows,
        };
        match app.figures.picture(&image.url, cols, rows) {
            Some(Ok(picture)) => frame.render_widget(
                SlicedImage::new(&picture, SignedPosition { x: 0, y: 0 }),
                image_area,
            ),
            Some(Err(f)) => text(
                frame,
                format!("[image: {caption} · {}]", f.reason()),
                room.y,
            ),
            None => placeholder(frame, app, image_area),
        }
    }
    if area.height > 1 && !caption.is_empty() {
        text(frame, caption, area.y + area.height - 1);
    }
}

/// The box of an image of `w`x`h` pixels fitted to `room`, as large as it
/// can be with its shape kept.
fn fit_alone(w: u32, h: u32, room: Rect, cell: Option<(u16, u16)>) -> (u16, u16) {
    let figures = FigureBox {
        max_rows: room.height.max(1),
        cell: FigureBox::for_screen(room.height, cell).cell,
    };
    // Scaled up as far as the room allows: as if the image had the
    // room's pixels on its longer side.
    let scale = (f64::from(room.width) * f64::from(figures.cell.0) / f64::from(w.max(1)))
        .max(f64::from(room.height) * f64::from(figures.cell.1) / f64::from(h.max(1)))
        .max(1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (w, h) = (
        (f64::from(w) * scale).round() as u32,
        (f64::from(h) * scale).round() as u32,
    );
    fit_figure(w, h, usize::from(room.width), figures)
}
