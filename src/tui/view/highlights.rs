//! The highlight list of this article (`H`): for each, its colour (a
//! swatch, or its number in mono), the passage shortened, its section, its note and its date; those not found
//! in this version of the article last, marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::status::fit;
use crate::annotations::NOT_FOUND;
use crate::layout::{isolate, visual_text};
use crate::library::ago;
use crate::tui::app::App;
use crate::tui::highlights::HighlightList;
use crate::width::display_width;

/// Draw the list; returns which entry each screen row shows, for clicks.
pub fn draw(
    frame: &mut Frame<'_>,
    app: &App,
    list: &HighlightList,
    area: Rect,
) -> Vec<(u16, usize)> {
    let shown = app.listed_highlights();
    let now = crate::store::now();
    let want_w = 90.min(area.width.saturating_sub(4)).max(20);
    // With nothing to list, the box says why, on as many rows as the
    // width needs.
    let empty = shown.is_empty().then(|| {
        let why = if list.filter.is_some() {
            "No highlight holds that text."
        } else {
            "No highlights yet: v selects a passage, h keeps it."
        };
        super::wrap_words(why, usize::from(want_w.saturating_sub(4)).max(1))
    });
    let rows_needed = empty.as_ref().map_or(2 * shown.len(), |e| e.len().max(2));
    let want_h = u16::try_from(rows_needed + 2).unwrap_or(u16::MAX);
    let rect = super::centred(area, want_w, want_h.min(area.height.saturating_sub(2)));
    let per_page = (usize::from(rect.height.saturating_sub(2)) / 2).max(1);
    let title = match list.filter.as_deref() {
        Some(f) => format!(" Highlights · /{f} "),
        None => " Highlights ".to_string(),
    };
    let block = super::list_block(
        app.theme,
        &title,
        "Enter jump · d delete · u undo · n note · c colour · y copy · / filter",
        (list.cursor, shown.len(), per_page),
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
    let offset = list.cursor.saturating_sub(per_page.saturating_sub(1));
    let mut rows = Vec::new();
    for (i, y) in super::two_row_entries(offset, shown.len(), per_page, inner.y) {
        let h = &shown[i];
        rows.extend([(y, i), (y.saturating_add(1), i)]);
        let (head, dim) = super::entry_styles(app.theme, i == list.cursor);
        let place = match &h.range {
            Some(r) => format!(
                "{}%",
                app.doc.percent_at(crate::position::Position(r.start))
            ),
            None => "—".to_string(),
        };
        // Narrow, the date goes to the second row and the passage keeps
        // the room.
        let narrow = width < 60;
        let right = if narrow {
            format!(" {place} ")
        } else {
            format!(" {place} · {} ", ago(h.created, now))
        };
        // Right-to-left text as it is seen, each field on its own.
        let passage = visual_text(&fit(
            &format!("“{}”", isolate(&h.text)),
            width.saturating_sub(right.width() + 3),
        ));
        let pad = width.saturating_sub(3 + crate::width::display_width(&passage) + right.width());
        // The colour as a swatch; in mono, which has none, its number.
        let mark = app.theme.highlight_mark(h.color);
        let swatch = if mark.fg.is_some() {
            "█".to_string()
        } else {
            h.color.max(1).to_string()
        };
        lines.push(Line::from(vec![
            Span::styled(" ", head),
            Span::styled(swatch, mark),
            Span::styled(" ", head),
            Span::styled(passage, head),
            Span::styled(" ".repeat(pad), head),
            Span::styled(right, dim),
        ]));
        let mut detail = String::from("   ");
        if narrow {
            detail.push_str(&format!("{} · ", ago(h.created, now)));
        }
        if h.range.is_none() {
            detail.push_str(&format!("⚠ {NOT_FOUND} · "));
        }
        let note = h.note.as_deref().map(|n| format!("✎ {}", isolate(n)));
        match (&h.section, note) {
            (Some(section), Some(note)) => {
                // The note is the reader's own words: when the row is too
                // narrow for both, the section gives way down to a third
                // of the room, and the note has the rest.
                const SEP: &str = " — ";
                // A column kept before the border.
                let room = width.saturating_sub(display_width(&detail) + SEP.len() + 1);
                let section = isolate(section);
                let keep = display_width(&section)
                    .min(room.saturating_sub(display_width(&note)).max(room / 3));
                detail.push_str(&fit(&section, keep));
                detail.push_str(SEP);
                detail.push_str(&note);
            }
            (Some(section), None) => detail.push_str(&isolate(section)),
            (None, Some(note)) => detail.push_str(&note),
            (None, None) => {}
        }
        lines.push(Line::styled(
            visual_text(&fit(&detail, width.saturating_sub(1))),
            app.theme.outline_meta(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rows
}
