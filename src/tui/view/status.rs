//! The status bar: title and section on the left, progress and time left on
//! the right, or a notice when there is one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::outline::breadcrumb;
use crate::position::Position;
use crate::reader::Screen;
use crate::tui::app::{App, PromptKind};

pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let theme = app.theme;
    let percent = app.reader.percent(&app.doc, screen);
    let minutes = app.reader.minutes_left(&app.doc, screen, app.wpm);
    // Where the text on the top line starts: the same place whether the
    // reader is at byte 0 or at the first heading below front matter.
    let here = screen
        .lines
        .first()
        .map_or(app.reader.top, |l| Position(l.start.max(app.reader.top.0)));
    let section_left = app.outline.current(here).map(|i| {
        let s = &app.outline.sections[i];
        let left = app
            .doc
            .words_before(Position(s.end))
            .saturating_sub(app.doc.words_before(here));
        left.div_ceil(app.wpm.max(1))
    });
    let right = match section_left {
        _ if screen.at_end => format!(" {percent}% · end "),
        Some(sec) if usize::from(area.width) >= 80 => {
            format!(" {percent}% · ~{sec} min left in section · {minutes} min ")
        }
        _ => format!(" {percent}% · {minutes} min left "),
    };
    let right = match app.search.as_ref().filter(|_| app.prompt.is_none()) {
        Some(search) if search.total > 0 => match search.current {
            Some(k) => format!(" match {}/{} ·{right}", k + 1, search.total),
            None => format!(" {} matches ·{right}", search.total),
        },
        _ => right,
    };
    // A notice too long to sit beside the progress takes the whole bar:
    // it is there only until the next key.
    let right = match &app.message {
        Some(msg) if msg.width() + 1 > usize::from(area.width).saturating_sub(right.width()) => {
            String::new()
        }
        _ => right,
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
            .path(here)
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
    spans.push(Span::styled(
        " ".repeat(room.saturating_sub(used)),
        theme.status(),
    ));
    spans.push(Span::styled(right, theme.status_dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The one-line prompt, in place of the status bar.
pub fn draw_prompt(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(prompt) = &app.prompt else {
        return;
    };
    let head = format!(" {}: ", prompt.kind.title());
    let tail = match (&prompt.kind, &app.search) {
        (PromptKind::Search(_), Some(s)) if !s.query.trim().is_empty() => {
            let count = match s.total {
                0 => "no match".to_string(),
                1 => "1 match".to_string(),
                n => format!("{n} matches"),
            };
            format!("▏ {count} · Enter jumps · Esc cancels ")
        }
        (PromptKind::Search(_), _) => "▏ Enter jumps · Esc cancels ".to_string(),
        _ => "▏ Enter saves · Esc cancels ".to_string(),
    };
    let room = usize::from(area.width).saturating_sub(head.width() + tail.width());
    // Show the end of a long text: that is where typing happens.
    let text: String = {
        let mut t: Vec<char> = Vec::new();
        let mut used = 0;
        for c in prompt.text.chars().rev() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            t.push(c);
        }
        t.into_iter().rev().collect()
    };
    let pad = room.saturating_sub(text.width());
    let line = Line::from(vec![
        Span::styled(head, app.theme.key().patch(app.theme.status())),
        Span::styled(crate::parse::sanitize(&text), app.theme.status()),
        Span::styled(tail.as_str(), app.theme.status_dim()),
        Span::styled(" ".repeat(pad), app.theme.status()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
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
