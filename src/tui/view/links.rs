//! Links: the letter hints over the links of the screen (`o`), the list of
//! every link (`L`), and the box that shows an external link's full target
//! before it opens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::status::fit;
use crate::layout::{isolate, visual_text};
use crate::tui::app::{App, LinkList};
use crate::width::display_width;

/// A hint as a label of its own just before the first run of each link
/// on screen, in the gap or the margin, so the link's text stays readable;
/// a link at the screen's left edge (a narrow screen has no margin) has
/// it just after its text on that row instead, and only one that fills
/// the row has it over its start.
/// Hints that no longer match the letters typed disappear.
pub fn draw_hints(frame: &mut Frame<'_>, app: &mut App) {
    let Some(hints) = app.hints.clone() else {
        return;
    };
    let runs = app.link_runs();
    let style = app.theme.hint();
    let typed_style = app.theme.border().add_modifier(Modifier::REVERSED);
    let area = frame.area();
    let buf = frame.buffer_mut();
    let mut done: Vec<u32> = Vec::new();
    for &(x, y, _, link) in &runs {
        if done.contains(&link) {
            continue;
        }
        done.push(link);
        // Where the link's text ends on this row: its runs that follow on.
        let mut end = x;
        for &(rx, ry, rw, rl) in &runs {
            if rl == link && ry == y && rx == end {
                end = rx.saturating_add(rw);
            }
        }
        let Some((label, _)) = hints.labels.iter().find(|(_, l)| *l == link) else {
            continue;
        };
        let Some(rest) = label.strip_prefix(hints.typed.as_str()) else {
            continue;
        };
        let len = u16::try_from(label.len()).unwrap_or(u16::MAX);
        let right = area.x + area.width;
        let blank =
            |from: u16, to: u16| (from..to).all(|c| c < right && buf[(c, y)].symbol() == " ");
        let mut cx = hint_x((x, end), len, (area.x, right), blank);
        for (part, st) in [(&hints.typed[..], typed_style), (rest, style)] {
            for c in part.chars() {
                if cx >= area.x + area.width || y >= area.y + area.height {
                    break;
                }
                buf[(cx, y)]
                    .set_symbol(c.encode_utf8(&mut [0; 4]))
                    .set_style(st);
                cx += 1;
            }
        }
    }
}

/// Where a hint of `len` letters starts, for a link drawn from column
/// `start` to `end` (excluded) of a row from `left` to `right` (excluded),
/// where `blank(a, b)` says whether the columns from `a` to `b` show
/// nothing: in the blank gap or margin just before the link; else in the
/// blank just after it (a footnote mark after a full stop keeps its
/// stop); else just before it, over the end of the word before, never
/// over the link's own text; else just after; with no room either side,
/// over its start.
fn hint_x(
    (start, end): (u16, u16),
    len: u16,
    (left, right): (u16, u16),
    blank: impl Fn(u16, u16) -> bool,
) -> u16 {
    let before = start.checked_sub(len).filter(|&s| s >= left);
    let after = (end.saturating_add(len) <= right).then_some(end);
    before
        .filter(|&s| blank(s, start))
        .or_else(|| after.filter(|&e| blank(e, e + len)))
        .or(before)
        .or(after)
        .unwrap_or(start.max(left))
}

/// The link list, centred over the text: two rows a link, its text, then
/// its target and section. Returns which entry each screen row shows.
pub fn draw_list(
    frame: &mut Frame<'_>,
    app: &App,
    list: &LinkList,
    area: Rect,
) -> Vec<(u16, usize)> {
    // Sized to the entries: two rows each, as wide as the widest.
    let widest = list
        .entries
        .iter()
        .map(|e| {
            let detail =
                6 + e.target.width() + e.section.as_deref().map_or(0, |s| display_width(s) + 6);
            (display_width(&e.text) + 2).max(detail)
        })
        .max()
        .unwrap_or(0);
    let want_w = u16::try_from(widest + 2).unwrap_or(u16::MAX).clamp(46, 100);
    let want_h = u16::try_from(2 * list.entries.len().max(1) + 2).unwrap_or(u16::MAX);
    let rect = super::centred(
        area,
        want_w.min(area.width.saturating_sub(4)),
        want_h.min(area.height.saturating_sub(2)),
    );
    let title = format!(" Links ({}) ", list.entries.len());
    let per_page = (usize::from(rect.height.saturating_sub(2)) / 2).max(1);
    let block = super::list_block(
        app.theme,
        &title,
        "Enter follow · y copy · Esc close",
        (list.cursor, list.entries.len(), per_page),
        rect.width,
    );
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width);
    let offset = if list.entries.len() <= per_page {
        0
    } else {
        list.cursor
            .saturating_sub(per_page / 2)
            .min(list.entries.len() - per_page)
    };
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for (i, y) in super::two_row_entries(offset, list.entries.len(), per_page, inner.y) {
        let e = &list.entries[i];
        rows.extend([(y, i), (y.saturating_add(1), i)]);
        let (head, meta) = super::entry_styles(app.theme, i == list.cursor);
        let text = if e.text.is_empty() {
            "(no text)"
        } else {
            &e.text
        };
        // Right-to-left text as it is seen, each field on its own.
        let text = visual_text(&fit(
            &format!(" {}", isolate(text)),
            width.saturating_sub(1),
        ));
        let pad = width.saturating_sub(display_width(&text));
        lines.push(Line::from(vec![
            Span::styled(text, head),
            Span::styled(" ".repeat(pad), head),
        ]));
        let mut detail = format!("   → {}", e.target);
        if let Some(section) = &e.section {
            detail.push_str(" · in ");
            detail.push_str(&isolate(section));
        }
        let detail = visual_text(&fit(&detail, width.saturating_sub(1)));
        let pad = width.saturating_sub(display_width(&detail));
        lines.push(Line::from(vec![
            Span::styled(detail, meta),
            Span::styled(" ".repeat(pad), meta),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rows
}

/// The full target of the external link about to open, in a box centred
/// over the text and sized to it, wrapped inside with a column of padding.
/// The keys to answer always show: on a short screen the target is cut
/// (ending in …) before them.
pub fn draw_confirm(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(url) = &app.confirm else {
        return;
    };
    let url = crate::parse::sanitize(url);
    let hint = "Enter opens · y copies · any other key cancels";
    let warning = app.confirm_warning().map(|w| format!("Careful: {w}"));
    let widest = [Some(url.as_str()), Some(hint), warning.as_deref()]
        .into_iter()
        .flatten()
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    // Borders and a column of padding on each side.
    let inner_w = widest.min(usize::from(area.width.saturating_sub(6))).max(1);
    let mut url_rows = hard_wrap(&url, inner_w);
    let mut rest: Vec<Line<'_>> = Vec::new();
    if let Some(w) = &warning {
        rest.extend(
            super::wrap_words(w, inner_w)
                .into_iter()
                .map(|r| Line::styled(r, app.theme.message())),
        );
    }
    rest.extend(
        super::wrap_words(hint, inner_w)
            .into_iter()
            .map(|r| Line::styled(r, app.theme.outline_meta())),
    );
    let room = usize::from(area.height.saturating_sub(2));
    let keep = room.saturating_sub(rest.len()).max(1);
    if url_rows.len() > keep {
        url_rows.truncate(keep);
        if let Some(last) = url_rows.last_mut() {
            *last = fit(&format!("{last}…"), inner_w);
        }
    }
    let mut lines: Vec<Line<'_>> = url_rows
        .into_iter()
        .map(|r| Line::styled(r, app.theme.key()))
        .collect();
    lines.extend(rest);
    let w = u16::try_from(inner_w + 4).unwrap_or(u16::MAX);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = super::centred(area, w, h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .padding(ratatui::widgets::Padding::horizontal(1))
        .title(fit(
            " Open this link? ",
            usize::from(rect.width.saturating_sub(2)),
        ));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// `text` cut into rows of at most `width` columns, anywhere: a URL has
/// no spaces to break at.
fn hard_wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut rows = vec![String::new()];
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push_str(g);
        }
        used += w;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_goes_before_its_link_or_else_after_it() {
        let all = |_: u16, _: u16| true;
        // In the gap before the link.
        assert_eq!(hint_x((10, 15), 2, (0, 40), all), 8);
        // At the left edge: after the link's text, never over it.
        assert_eq!(hint_x((1, 6), 2, (0, 40), all), 6);
        assert_eq!(hint_x((5, 9), 1, (5, 40), all), 9);
        // A link filling its row: over its start.
        assert_eq!(hint_x((0, 40), 2, (0, 40), all), 0);
        // Text right before ("note.[1]") and a blank after: after it.
        let row = "  note.[1]    ";
        let blank = |a: u16, b: u16| row[usize::from(a)..usize::from(b)].trim().is_empty();
        assert_eq!(hint_x((7, 10), 1, (0, 14), blank), 10);
        // Text on both sides: before, over the word before, not the link.
        let row = "  Visit Lima today";
        let blank = |a: u16, b: u16| row[usize::from(a)..usize::from(b)].trim().is_empty();
        assert_eq!(hint_x((8, 12), 2, (0, 18), blank), 6);
    }

    #[test]
    fn hard_wrap_keeps_every_character_within_the_width() {
        let rows = hard_wrap("https://example.com/例/a-long-path", 8);
        assert!(rows.iter().all(|r| r.width() <= 8), "{rows:?}");
        assert_eq!(rows.concat(), "https://example.com/例/a-long-path");
    }
}
