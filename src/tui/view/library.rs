//! The library screen: one row per article with its progress, and a status
//! bar of keys or a message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::status::fit;
use crate::library::{Row, ago};
use crate::tui::library::Library;
use crate::tui::theme::Theme;

/// Columns of the progress bar.
const BAR: usize = 10;

/// A bar of `BAR` cells filled by the share read, then where the saved
/// place is and how much was read (`at 63% · read 40%`), and ✓ when
/// finished. Narrow, only the share read.
fn progress(row: &Row, wide: bool) -> String {
    let filled = usize::from(row.read.min(100)) * BAR / 100;
    let bar: String = "━".repeat(filled) + &"─".repeat(BAR - filled);
    let mark = if row.finished { "✓" } else { " " };
    if wide {
        format!(
            "{bar} {:>8} · read {:>4} {mark}",
            format!("at {}%", row.percent),
            format!("{}%", row.read)
        )
    } else {
        format!("{bar} {:>4} {mark}", format!("{}%", row.read))
    }
}

fn row_line<'a>(row: &Row, width: usize, selected: bool, wpm: usize, theme: Theme) -> Line<'a> {
    let now = crate::store::now();
    let mut base = if row.summary.error.is_some() {
        theme.outline_meta().add_modifier(Modifier::DIM)
    } else {
        theme.outline_entry(2)
    };
    let mut meta = theme.outline_meta();
    if selected {
        base = base.add_modifier(Modifier::REVERSED);
        meta = meta.add_modifier(Modifier::REVERSED);
    }
    let mut right = String::new();
    if let Some(err) = &row.summary.error {
        right.push_str(&format!("  {err} "));
    } else {
        let minutes = row.summary.minutes(wpm);
        if width >= 60 {
            right.push_str(&format!(
                "{:>7} words {:>4} min  ",
                row.summary.words, minutes
            ));
        } else {
            right.push_str(&format!("{minutes:>4} min  "));
        }
        right.push_str(&progress(row, width >= 60));
        if width >= 90 {
            let marks = if row.bookmarks > 0 {
                format!("{:>3} ◆", row.bookmarks)
            } else {
                "     ".into()
            };
            right.push_str(&format!("  {marks}  {:<14}", ago(row.last_opened, now)));
        }
        right.push(' ');
    }
    let right = fit(&right, width.saturating_sub(12));
    let mut left = format!(" {}", row.summary.title);
    if let Some(author) = &row.summary.author
        && width >= 70
    {
        left.push_str(&format!(" — {author}"));
    }
    let left = fit(&left, width.saturating_sub(right.width() + 1));
    let pad = width.saturating_sub(left.width() + right.width());
    Line::from(vec![
        Span::styled(left, base),
        Span::styled(" ".repeat(pad), base),
        Span::styled(right, meta),
    ])
}

/// Draw the library; returns which row of `visible()` each screen row
/// shows, for clicks.
pub fn draw(frame: &mut Frame<'_>, lib: &Library, theme: Theme, wpm: usize) -> Vec<(u16, usize)> {
    let area = frame.area();
    let width = usize::from(area.width);
    let visible = lib.visible();
    let head = format!(
        " Library · {} article{} · by {}{}",
        visible.len(),
        if visible.len() == 1 { "" } else { "s" },
        lib.sort.name(),
        if lib.scanning { " · scanning…" } else { "" }
    );
    let mut lines = vec![
        Line::styled(fit(&head, width), theme.outline_current()),
        Line::from(""),
    ];
    let rows = usize::from(area.height).saturating_sub(3);
    if visible.is_empty() && !lib.scanning {
        let folders: Vec<String> = lib.roots.iter().map(|r| r.display().to_string()).collect();
        lines.push(Line::from(fit(
            &format!(
                " No articles here ({}). Add .md or .txt files, or open one: longform FILE",
                folders.join(", ")
            ),
            width,
        )));
    }
    let offset = lib.cursor.saturating_sub(rows.saturating_sub(1));
    let mut hits = Vec::new();
    for (i, row) in visible.iter().enumerate().skip(offset).take(rows) {
        let y = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        hits.push((area.y.saturating_add(y), i));
        lines.push(row_line(row, width, i == lib.cursor, wpm, theme));
    }
    frame.render_widget(Paragraph::new(lines), area);

    let bar = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: 1,
        ..area
    };
    if lib.filtering {
        let (mut spans, cursor) =
            super::prompt::line_spans(&lib.filter_line, width.saturating_sub(2), theme.status());
        spans.insert(0, Span::styled(" /", theme.status()));
        let used: usize = spans.iter().map(|s| s.content.width()).sum();
        spans.push(Span::styled(
            " ".repeat(width.saturating_sub(used)),
            theme.status(),
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), bar);
        super::prompt::set_cursor(frame, bar, 2 + cursor);
        return hits;
    }
    let text = if lib.filter.is_some() {
        format!(" /{}", lib.filter.as_deref().unwrap_or(""))
    } else if let Some(m) = &lib.message {
        format!(" {m}")
    } else {
        " Enter open · c continue · s sort · / filter · x finished · ? help · q quit".into()
    };
    let text = fit(&crate::parse::sanitize(&text), width);
    let pad = width.saturating_sub(text.width());
    frame.render_widget(
        Paragraph::new(Line::styled(text + &" ".repeat(pad), theme.status())),
        bar,
    );
    hits
}
