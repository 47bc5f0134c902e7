//! The bookmark list of this article, in article order: label, section,
//! a snippet of the text and the date. Right-to-left text is drawn as it
//! is seen, each field turned on its own, and measured as the reader
//! measures it (`width::display_width`).

use super::status::fit;
use crate::layout::{isolate, visual_text};
use crate::library::ago;
use crate::tui::app::{App, BookmarkList};
use crate::width::display_width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// What the box says when the article has no bookmark.
const EMPTY: &str = "No bookmarks yet: m adds one at the top of the screen.";

/// Draw the list; returns which bookmark each screen row shows, for
/// clicks.
pub fn draw(
    frame: &mut Frame<'_>,
    app: &App,
    list: &BookmarkList,
    area: Rect,
) -> Vec<(u16, usize)> {
    let marks = app.bookmarks();
    let now = crate::store::now();
    // Sized to the entries: two rows each, as wide as the widest.
    let widest = marks
        .iter()
        .map(|b| {
            let head = display_width(&b.label) + 18;
            let detail = 6
                + b.section.as_deref().map_or(0, display_width)
                + b.note.as_deref().map_or(0, |n| display_width(n) + 4)
                // The text is cut to the box: it asks for a quote's room.
                + display_width(&b.snippet).min(crate::position::QUOTE_CHARS);
            head.max(detail)
        })
        .max()
        .unwrap_or(56);
    let want_w = u16::try_from(widest + 2)
        .unwrap_or(u16::MAX)
        .clamp(46, 90)
        .min(area.width.saturating_sub(4));
    // With no bookmark, the box holds what to do, on as many rows as the
    // width needs.
    let empty = marks
        .is_empty()
        .then(|| super::wrap_words(EMPTY, usize::from(want_w.saturating_sub(4)).max(1)));
    let rows_needed = empty.as_ref().map_or(2 * marks.len(), |e| e.len().max(2));
    let want_h = u16::try_from(rows_needed + 2).unwrap_or(u16::MAX);
    let rect = super::centred(area, want_w, want_h.min(area.height.saturating_sub(2)));
    let per_page = (usize::from(rect.height.saturating_sub(2)) / 2).max(1);
    let block = super::list_block(
        app.theme,
        " Bookmarks ",
        "Enter jump · d delete · u undo · r rename · n note",
        (list.cursor, marks.len(), per_page),
        rect.width,
    );
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    for row in empty.iter().flatten() {
        lines.push(Line::from(format!(" {row}")));
    }
    // Two rows a bookmark; keep the cursor in view.
    let offset = list.cursor.saturating_sub(per_page.saturating_sub(1));
    let mut rows = Vec::new();
    for (i, y) in super::two_row_entries(offset, marks.len(), per_page, inner.y) {
        let b = &marks[i];
        rows.extend([(y, i), (y.saturating_add(1), i)]);
        let (head, dim) = super::entry_styles(app.theme, i == list.cursor);
        let pct = app.doc.percent_at(b.pos);
        // Narrow, the date goes to the end of the second row, after the
        // text, and the label keeps the room.
        let narrow = width < 60;
        let right = if narrow {
            format!(" {pct:>3}% ")
        } else {
            format!(" {pct:>3}% · {} ", ago(b.created, now))
        };
        let label = visual_text(&fit(
            &format!(" {}", isolate(&b.label)),
            width.saturating_sub(display_width(&right)),
        ));
        let pad = width.saturating_sub(display_width(&label) + display_width(&right));
        lines.push(Line::from(vec![
            Span::styled(label, head),
            Span::styled(" ".repeat(pad), head),
            Span::styled(right, dim),
        ]));
        // Nothing said twice: the section unless the label names it, the
        // text without the section's title it may begin with, and, after a
        // label that quotes its first words, the text going on from them.
        let (section, whole) =
            crate::session::not_in_label(&b.label, b.section.as_deref(), &b.snippet);
        let mut detail = String::from("   ");
        if let Some(section) = section {
            detail.push_str(&isolate(section));
            detail.push_str(" — ");
        }
        if let Some(note) = &b.note {
            detail.push_str(&format!("✎ {} · ", isolate(note)));
        }
        let text = whole.map(|w| ("", w)).or_else(|| {
            crate::session::after_label(&b.label, b.section.as_deref(), &b.snippet)
                .map(|rest| ("…", rest))
        });
        match text {
            Some((lead, text)) => {
                detail.push_str(&format!("“{lead}{}…”", isolate(text.trim_end_matches('…'))));
            }
            None => {
                // Nothing more to say: no dangling separator.
                let kept = detail.trim_end_matches([' ', '·', '—']).len();
                detail.truncate(kept);
            }
        }
        if narrow {
            if detail.trim().is_empty() {
                detail.push_str(&ago(b.created, now));
            } else {
                detail.push_str(&format!(" · {}", ago(b.created, now)));
            }
        }
        lines.push(Line::styled(
            visual_text(&fit(&detail, width.saturating_sub(1))),
            app.theme.outline_meta(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rows
}
