//! The help overlay: every key, generated from the keymap's table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::keymap::HELP;

pub fn draw(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let key_width = HELP.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let text_width = HELP.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
    let lines: Vec<Line<'_>> = HELP
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_width$}  "), app.theme.key()),
                Span::raw(*d),
            ])
        })
        .collect();
    let want_w = u16::try_from(key_width + text_width + 5).unwrap_or(u16::MAX);
    let want_h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let w = want_w.min(area.width);
    let h = want_h.min(area.height);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(" Keys · Esc closes ");
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
