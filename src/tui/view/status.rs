//! The status bar: title and section on the left, progress and time left on
//! the right, or a notice when there is one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::outline::breadcrumb;
use crate::reader::Screen;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let theme = app.theme;
    let percent = app.reader.percent(&app.doc, screen);
    let minutes = app.reader.minutes_left(&app.doc, screen, app.wpm);
    let right = if screen.at_end {
        format!(" {percent}% · end ")
    } else {
        format!(" {percent}% · {minutes} min left ")
    };
    let room = usize::from(area.width).saturating_sub(right.width());
    let mut spans = Vec::new();
    if let Some(msg) = &app.message {
        spans.push(Span::styled(fit(&format!(" {msg}"), room), theme.message()));
    } else {
        let title = format!(" {}", app.title);
        // The breadcrumb of sections, without a first heading that only
        // repeats the title.
        let path: Vec<_> = app
            .outline
            .path(app.reader.top)
            .into_iter()
            .skip_while(|s| s.depth == 0 && s.title == app.title)
            .collect();
        let title = fit(&title, room);
        let left = room.saturating_sub(title.width());
        let crumb = if path.is_empty() || left < 5 {
            String::new()
        } else {
            format!(" › {}", breadcrumb(&path, left - 3))
        };
        spans.push(Span::styled(title, theme.status()));
        spans.push(Span::styled(crumb, theme.status_dim()));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    spans.push(Span::styled(" ".repeat(room - used), theme.status()));
    spans.push(Span::styled(right, theme.status_dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Cut `text` to `width` columns, ending in … when it was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}
