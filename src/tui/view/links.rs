//! Links: the letter hints over the links of the screen (`o`), the list of
//! every link (`L`), and the box that shows an external link's full target
//! before it opens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::status::fit;
use crate::tui::app::{App, LinkList};

/// A hint at the start of the first run of each link on screen; hints that
/// no longer match the letters typed disappear.
pub fn draw_hints(frame: &mut Frame<'_>, app: &mut App) {
    let Some(hints) = app.hints.clone() else {
        return;
    };
    let runs = app.link_runs();
    let style = app
        .theme
        .key()
        .add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let typed_style = app.theme.border();
    let area = frame.area();
    let buf = frame.buffer_mut();
    let mut done: Vec<u32> = Vec::new();
    for (x, y, _, link) in runs {
        if done.contains(&link) {
            continue;
        }
        done.push(link);
        let Some((label, _)) = hints.labels.iter().find(|(_, l)| *l == link) else {
            continue;
        };
        let Some(rest) = label.strip_prefix(hints.typed.as_str()) else {
            continue;
        };
        let mut cx = x;
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

/// The link list, centred over the text: two rows a link, its text, then
/// its target and section. Returns which entry each screen row shows.
pub fn draw_list(
    frame: &mut Frame<'_>,
    app: &App,
    list: &LinkList,
    area: Rect,
) -> Vec<(u16, usize)> {
    let rect = super::centred(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    let title = format!(
        " Links ({}) · Enter follows · Esc closes ",
        list.entries.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(fit(&title, usize::from(rect.width.saturating_sub(2))));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width);
    let per_page = (usize::from(inner.height) / 2).max(1);
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
        let text = fit(&format!(" {text}"), width);
        let pad = width.saturating_sub(text.width());
        lines.push(Line::from(vec![
            Span::styled(text, head),
            Span::styled(" ".repeat(pad), head),
        ]));
        let mut detail = format!("   → {}", e.target);
        if let Some(section) = &e.section {
            detail.push_str(" · in ");
            detail.push_str(section);
        }
        let detail = fit(&detail, width);
        let pad = width.saturating_sub(detail.width());
        lines.push(Line::from(vec![
            Span::styled(detail, meta),
            Span::styled(" ".repeat(pad), meta),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rows
}

/// The full target of the external link about to open, wrapped to as many
/// rows as it needs, above the status bar: nothing of it is hidden.
pub fn draw_confirm(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let Some(url) = &app.confirm else {
        return;
    };
    let url = crate::parse::sanitize(url);
    let mut lines = vec![Line::styled(url.clone(), app.theme.key())];
    if let Some(warning) = app.confirm_warning() {
        lines.push(Line::styled(
            format!("Careful: {warning}"),
            app.theme.message(),
        ));
    }
    let inner_width = area.width.saturating_sub(2).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(usize::from(inner_width)).max(1))
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let rect = Rect {
        y: area.y + area.height - height,
        height,
        ..area
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(" Open this link? ");
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
