//! The outline: as an overlay (`t`) with a cursor and a filter, or pinned as
//! a sidebar (`T`) that follows the reader. Both draw the same rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::layout::{isolate, visual_clusters, visual_text};
use crate::width::display_width;

use super::status::fit;
use crate::outline::{Entry, OutlineList};
use crate::tui::app::App;
use crate::tui::keymap::Mode;

/// The columns a title keeps before the figures beside it give way.
const TITLE_ROOM: usize = 16;

/// One outline row: indent, title (matched letters marked), minutes and
/// how much was read, right-aligned; ✓ once 90% of its words were.
/// The sidebar is narrow: its rows show how much is read but not minutes.
/// A filter's rows, taken from every level out of their tree, name the
/// section each is in after the title (`DR. SEWARD'S DIARY · CHAPTER
/// XIII`), so that headings of one name are told apart.
fn row<'a>(
    app: &App,
    entry: &Entry,
    width: usize,
    (cursor, collapsed): (bool, bool),
    compact: bool,
    context: bool,
) -> Line<'a> {
    let theme = app.theme;
    let s = &app.outline.sections[entry.section];
    let current = app.current_section() == Some(entry.section);
    // What was read, not how far the reader got: a section skipped over
    // is not ticked.
    let coverage = app.session.coverage();
    let range = s.start..s.end;
    let done = if coverage.is_read(&app.doc, range.clone(), s.words) {
        "✓".to_string()
    } else {
        let pct = crate::coverage::percent_of(coverage.words_in(&app.doc, range), s.words);
        format!("{pct}%")
    };
    let indent = "  ".repeat(s.depth.min(8));
    let mark = if collapsed { "▸ " } else { "  " };
    // On a narrow screen the title comes first: the minutes go, then
    // what was read, before a title at the top level is cut shorter than
    // `TITLE_ROOM` (or half of it): the same for every row, so that the
    // columns line up.
    let left = mark.width();
    let full = format!(" {:>3} min {:>4} ", s.minutes(app.wpm), done);
    let read = format!(" {done:>4} ");
    let right = if !compact && width.saturating_sub(left + full.width()) >= TITLE_ROOM {
        full
    } else if width.saturating_sub(left + read.width()) >= TITLE_ROOM / 2 {
        read
    } else {
        String::new()
    };
    let room = width.saturating_sub(right.width() + indent.width() + mark.width());
    let title = fit(&s.title, room);
    let mut base = if current {
        theme.outline_current()
    } else {
        theme.outline_entry(s.level)
    };
    if cursor {
        base = base.add_modifier(Modifier::REVERSED);
    }
    let mut spans = vec![Span::styled(format!("{indent}{mark}"), base)];
    // Drawn as it is seen: a right-to-left title turned, cut at its end
    // (its left). The filter's hits are char indices of the title as
    // written, which the isolate's first mark moves by one.
    let isolated = isolate(&title);
    let shift = usize::from(isolated.len() != title.len());
    let char_at: Vec<usize> = isolated.char_indices().map(|(at, _)| at).collect();
    for (cluster, shown) in visual_clusters(&isolated) {
        let first = char_at.partition_point(|&at| at < cluster.start) - shift;
        let last = char_at.partition_point(|&at| at < cluster.end) - shift;
        let style = if (first..last).any(|i| entry.hits.contains(&i)) {
            base.patch(theme.matched())
        } else {
            base
        };
        spans.push(Span::styled(shown.to_string(), style));
    }
    let mut used = indent.width() + mark.width() + display_width(&title);
    if let Some(parent) = s.parent.filter(|_| context) {
        let room = width.saturating_sub(used + right.width() + 1);
        let within = format!(" · {}", app.outline.sections[parent].title);
        if room > 6 {
            let within = fit(&within, room);
            used += display_width(&within);
            spans.push(Span::styled(
                visual_text(&isolate(&within)),
                base.patch(theme.outline_meta()),
            ));
        }
    }
    let pad = width.saturating_sub(used + right.width());
    spans.push(Span::styled(" ".repeat(pad), base));
    spans.push(Span::styled(right, base.patch(theme.outline_meta())));
    Line::from(spans)
}

/// The first row to show so that `cursor` is in view, near the middle.
fn scroll_offset(cursor: usize, len: usize, rows: usize) -> usize {
    if len <= rows {
        return 0;
    }
    cursor.saturating_sub(rows / 2).min(len - rows)
}

/// The outline overlay, centred over the text. Returns which entry each
/// screen row shows, for clicks.
pub fn draw_overlay(
    frame: &mut Frame<'_>,
    app: &App,
    list: &OutlineList,
    area: Rect,
) -> Vec<(u16, usize)> {
    let filtering = app.mode == Mode::OutlineFilter || list.filter.is_some();
    // A filter's rows name the section each is in.
    let context = list.filter.as_deref().is_some_and(|q| !q.trim().is_empty());
    let entries = list.entries(&app.outline);
    // Sized to the entries (the widest title, its indent and the minutes),
    // with the filter's row.
    let widest = entries
        .iter()
        .map(|e| {
            let s = &app.outline.sections[e.section];
            let within = s
                .parent
                .filter(|_| context)
                .map_or(0, |p| 3 + display_width(&app.outline.sections[p].title));
            2 * s.depth.min(8) + 2 + display_width(&s.title) + within + 15
        })
        .max()
        .unwrap_or(20);
    let want_w = u16::try_from(widest + 2).unwrap_or(u16::MAX).clamp(34, 76);
    let want_h =
        u16::try_from(entries.len().max(1) + 2 + usize::from(filtering)).unwrap_or(u16::MAX);
    let rect = super::centred(
        area,
        // A narrow screen gives the box all but a column each side.
        want_w.min(
            area.width
                .saturating_sub(if area.width < 40 { 2 } else { 4 }),
        ),
        want_h.min(area.height.saturating_sub(2)),
    );
    // A filter looks through every level.
    let title = match list.max_level {
        _ if context => " Outline · every level ".to_string(),
        6 => " Outline ".to_string(),
        n => format!(" Outline · levels 1–{n} "),
    };
    let shown = usize::from(rect.height.saturating_sub(2)).saturating_sub(usize::from(filtering));
    let block = super::list_block(
        app.theme,
        &title,
        "Enter jump · / filter",
        (list.cursor, entries.len(), shown.max(1)),
        rect.width,
    );
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let rows = usize::from(inner.height).saturating_sub(usize::from(filtering));
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if app.outline.is_empty() {
        lines.push(Line::from("  No sections"));
    } else if entries.is_empty() {
        lines.push(Line::from("  No heading matches"));
    }
    let offset = scroll_offset(list.cursor, entries.len(), rows);
    let mut hit_rows = Vec::new();
    for (n, (i, e)) in entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .enumerate()
    {
        hit_rows.push((inner.y + u16::try_from(n).unwrap_or(u16::MAX), i));
        let collapsed = list.collapsed.contains(&e.section) && app.outline.has_children(e.section);
        lines.push(row(
            app,
            e,
            width,
            (i == list.cursor, collapsed),
            false,
            context,
        ));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: inner.height,
            ..inner
        },
    );
    if filtering {
        let at = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        let line = if app.mode == Mode::OutlineFilter {
            // A column in from the border, as the rows are.
            let (mut spans, cursor) = super::prompt::line_spans(
                &app.filter_line,
                width.saturating_sub(2),
                app.theme.key(),
            );
            spans.insert(0, Span::styled(" /", app.theme.key()));
            super::prompt::set_cursor(frame, at, 2 + cursor);
            Line::from(spans)
        } else {
            let prompt = format!(" /{}", list.filter.as_deref().unwrap_or(""));
            Line::from(Span::styled(fit(&prompt, width), app.theme.key()))
        };
        frame.render_widget(Paragraph::new(line), at);
    }
    hit_rows
}

/// The pinned sidebar, following the reader: the current section is always
/// highlighted and in view.
pub fn draw_sidebar(frame: &mut Frame<'_>, app: &mut App, area: Rect) {
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(app.theme.border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let rows = usize::from(inner.height);
    let entries: Vec<Entry> = (0..app.outline.sections.len())
        .map(|section| Entry {
            section,
            hits: Vec::new(),
            score: 0,
        })
        .collect();
    let current = app.current_section().unwrap_or(0);
    let offset = scroll_offset(current, entries.len(), rows);
    let mut lines = Vec::new();
    let mut hit_rows = Vec::new();
    if entries.is_empty() {
        lines.push(Line::styled("No sections", Style::new()));
    }
    for (n, e) in entries.iter().skip(offset).take(rows).enumerate() {
        let r = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        hit_rows.push((r, e.section));
        lines.push(row(app, e, width, (false, false), true, false));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    app.sidebar_rows = hit_rows;
    app.sidebar_columns = Some((area.x, area.x + area.width));
}
