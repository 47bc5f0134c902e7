//! The text column: the lines of the current screen, centred in the terminal.

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
                    .map(|s| Span::styled(s.text.as_str(), app.theme.text(s.style)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    // No `.wrap()`: the layout already wrapped every line to the measure.
    frame.render_widget(Paragraph::new(lines), column);
}
