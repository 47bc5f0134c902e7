//! Drawing a line being typed: the prompt in place of the status bar, and
//! the filters of the outline and the library. What is typed always shows
//! with the cursor; the count and the hints give way to it, hints first.

use ratatui::Frame;
use ratatui::layout::{Position as Cell, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::prompt::{LineInput, PromptKind};

/// The columns kept for the text before the match count is dropped too.
const MIN_TEXT: usize = 12;

/// The one-line prompt, in place of the status bar.
pub fn draw_prompt(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(prompt) = &app.prompt else {
        return;
    };
    let head = format!(" {}: ", prompt.kind.title());
    let count = match (&prompt.kind, &app.search) {
        (PromptKind::Search(_), Some(s)) if !s.query.trim().is_empty() => Some(match s.count() {
            _ if s.counting => "counting…".to_string(),
            0 => "no match".to_string(),
            1 => "1 match".to_string(),
            n => format!("{n} matches"),
        }),
        _ => None,
    };
    let hint = match &prompt.kind {
        // With no match, Enter has nowhere to go.
        PromptKind::Search(_) if count.as_deref() == Some("no match") => "Esc cancels",
        PromptKind::Search(_) => "Enter jumps · Esc cancels",
        // The highlight is made already: Esc leaves it as it is.
        PromptKind::HighlightNote(id) if app.highlight_note(id).is_none() => {
            "Enter saves · Esc keeps it without one"
        }
        PromptKind::HighlightNote(_) => "Enter saves · Esc keeps the note",
        _ => "Enter saves · Esc cancels",
    };
    let width = usize::from(area.width);
    let room = width.saturating_sub(head.width());
    let tail = tail(prompt.line.text().width() + 1, room, count.as_deref(), hint);
    let text_room = room.saturating_sub(tail.width());
    let (spans, cursor) = line_spans(&prompt.line, text_room, app.theme.status());
    let mut all = vec![Span::styled(
        head.clone(),
        app.theme.key().patch(app.theme.status()),
    )];
    all.extend(spans);
    let used: usize = all.iter().map(|s| s.content.width()).sum();
    all.push(Span::styled(
        " ".repeat(width.saturating_sub(used + tail.width())),
        app.theme.status(),
    ));
    all.push(Span::styled(tail, app.theme.status_dim()));
    frame.render_widget(Paragraph::new(Line::from(all)), area);
    set_cursor(frame, area, head.width() + cursor);
}

/// What follows the typed text: the count and the hints when the text
/// fits beside them, then the count alone while the text keeps
/// `MIN_TEXT` columns, then nothing.
fn tail(needed: usize, room: usize, count: Option<&str>, hint: &str) -> String {
    let full = match count {
        Some(c) => format!(" {c} · {hint} "),
        None => format!(" {hint} "),
    };
    if needed + full.width() <= room {
        return full;
    }
    let Some(c) = count else {
        return String::new();
    };
    let short = format!(" {c} ");
    if needed + short.width() <= room || room.saturating_sub(short.width()) >= MIN_TEXT {
        short
    } else {
        String::new()
    }
}

/// A line being typed, in `width` columns, as spans in `style` (a
/// selected value in reverse video), and the cursor's column.
pub fn line_spans(line: &LineInput, width: usize, style: Style) -> (Vec<Span<'static>>, usize) {
    let (shown, cursor) = line.window(width);
    let shown = crate::parse::sanitize(&shown);
    let style = if line.selected() {
        style.add_modifier(Modifier::REVERSED)
    } else {
        style
    };
    (vec![Span::styled(shown, style)], cursor)
}

/// Show the terminal's cursor at column `x` of `area`'s first row, when it
/// is inside it.
pub fn set_cursor(frame: &mut Frame<'_>, area: Rect, x: usize) {
    if let Ok(x) = u16::try_from(x)
        && x < area.width
    {
        crate::tui::frames::set_cursor(frame, Cell::new(area.x + x, area.y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_give_way_first_then_the_count() {
        let hint = "Enter jumps · Esc cancels";
        assert!(tail(5, 60, Some("3 matches"), hint).contains("Enter"));
        assert_eq!(tail(31, 31, Some("3 matches"), hint), " 3 matches ");
        assert_eq!(tail(31, 20, Some("3 matches"), hint), "");
        assert_eq!(tail(20, 40, Some("3 matches"), hint), " 3 matches ");
        assert_eq!(tail(20, 40, None, hint), "");
    }
}
