//! The text column: the lines of the current screen, centred in the space
//! left for text. The link selected with Tab is highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::reader::Screen;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let measure = u16::try_from(app.layout.width())
        .unwrap_or(area.width)
        .min(area.width);
    let column = Rect {
        x: area.x + (area.width - measure) / 2,
        width: measure,
        ..area
    };
    let lines: Vec<Line<'_>> = screen
        .lines
        .iter()
        .map(|l| {
            Line::from(
                l.segs
                    .iter()
                    .map(|s| {
                        let mut style = app.theme.text(s.style);
                        if s.link.is_some() && s.link == app.link {
                            style = style.patch(app.theme.selected_link());
                        }
                        Span::styled(s.text.as_str(), style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    // No `.wrap()`: the layout already wrapped every line to the measure.
    frame.render_widget(Paragraph::new(lines), column);

    // Bookmarks: a mark in the left margin beside the line that holds one.
    if column.x >= area.x + 2 {
        let marks: Vec<usize> = app.bookmarks().iter().map(|b| b.pos.0).collect();
        let buf = frame.buffer_mut();
        for (row, line) in screen.lines.iter().enumerate() {
            let end = line.end.max(line.start + 1);
            if marks.iter().any(|&m| line.start <= m && m < end) && !line.text().trim().is_empty() {
                let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
                if y < area.y + area.height {
                    buf[(column.x - 2, y)]
                        .set_symbol("▍")
                        .set_style(app.theme.bookmark());
                }
            }
        }
    }
}
