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
                + display_width(&b.snippet);
            head.max(detail)
        })
        .max()
        .unwrap_or(56);
    let want_w = u16::try_from(widest + 2).unwrap_or(u16::MAX).clamp(46, 90);
    let want_h = u16::try_from(2 * marks.len().max(1) + 2).unwrap_or(u16::MAX);
    let rect = super::centred(
        area,
        want_w.min(area.width.saturating_sub(4)),
        want_h.min(area.height.saturating_sub(2)),
    );
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
    if marks.is_empty() {
        lines.push(Line::from(
            " No bookmarks yet: m adds one at the top of the screen.",
        ));
    }
    // Two rows a bookmark; keep the cursor in view.
    let offset = list.cursor.saturating_sub(per_page.saturating_sub(1));
    let mut rows = Vec::new();
    for (i, y) in super::two_row_entries(offset, marks.len(), per_page, inner.y) {
        let b = &marks[i];
        rows.extend([(y, i), (y.saturating_add(1), i)]);
        let (head, dim) = super::entry_styles(app.theme, i == list.cursor);
        let pct = app.doc.percent_at(b.pos);
        let right = format!(" {pct:>3}% · {} ", ago(b.created, now));
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
        let mut detail = String::from("   ");
        // The section, unless the label names it already (a new
        // bookmark's label is "Section · first words").
        if let Some(section) = b
            .section
            .as_deref()
            .filter(|s| !s.trim().is_empty() && !b.label.contains(s.trim()))
        {
            detail.push_str(&isolate(section));
            detail.push_str(" — ");
        }
        if let Some(note) = &b.note {
            detail.push_str(&format!("✎ {} · ", isolate(note)));
        }
        detail.push_str(&format!("“{}…”", isolate(&b.snippet)));
        lines.push(Line::styled(
            visual_text(&fit(&detail, width)),
            app.theme.outline_meta(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rows
}
