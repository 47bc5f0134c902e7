//! The library screen: a table of the articles, one row each with its
//! length and progress, centred and with its title column capped on a wide
//! terminal like the reading column; a status bar of keys or a message.
//!
//! Every cell is padded to its column's width as the terminal draws it
//! (`width::display_width`), so the columns line up whatever the titles hold:
//! wide CJK, a ✓, or Arabic with its لا.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::status::fit;
use crate::layout::{isolate, visual_text};
use crate::library::{Row, ago};
use crate::tui::library::Library;
use crate::tui::theme::Theme;
use crate::width::display_width;

/// Columns of the progress bar.
const BAR: usize = 10;
/// The title column is never wider: longer lines are hard to follow
/// across a wide screen.
pub const TITLE_CAP: usize = 70;
/// Optional columns are dropped, least useful first, until the title has
/// this much room.
const TITLE_MIN: usize = 30;

/// A column right of the title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Words,
    Minutes,
    Bar,
    /// Where the place is and how much was read: `at 45% · read  22%`.
    Place,
    /// How much was read only: ` 22%`.
    Read,
    Finished,
    Marks,
    Ago,
}

impl Column {
    fn width(self) -> usize {
        match self {
            Column::Words => 13,
            Column::Minutes => 8,
            Column::Bar => BAR,
            Column::Place => 19,
            Column::Read => 4,
            Column::Finished => 1,
            Column::Marks => 5,
            Column::Ago => 14,
        }
    }

    /// Columns of space before the cell.
    fn gap(self) -> usize {
        match self {
            Column::Finished => 1,
            _ => 2,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Column::Words => "Words",
            Column::Minutes => "Time",
            Column::Bar | Column::Finished => "",
            Column::Place => "Place · read",
            Column::Read => "Read",
            Column::Marks => "Marks",
            Column::Ago => "Last read",
        }
    }

    /// Labels of columns of numbers sit at their right edge.
    fn right_aligned(self) -> bool {
        !matches!(self, Column::Ago)
    }

    /// The cell of `row`, exactly `width()` columns wide.
    fn cell(self, row: &Row, wpm: usize, now: u64) -> String {
        let text = match self {
            Column::Words => {
                let tilde = if row.summary.estimated { "~" } else { "" };
                let plural = if row.summary.words == 1 { " " } else { "s" };
                return format!(
                    "{} word{plural}",
                    pad_left(&format!("{tilde}{}", row.summary.words), 7)
                );
            }
            Column::Minutes => format!("{:>4} min", row.summary.minutes(wpm)),
            Column::Bar => {
                // What was read, filled; where the place is, marked.
                let filled = usize::from(row.read.min(100)) * BAR / 100;
                let mut bar: Vec<char> = std::iter::repeat_n('━', filled)
                    .chain(std::iter::repeat_n('─', BAR - filled))
                    .collect();
                // At the start too, once some of it was read: the place
                // went back there.
                if row.percent > 0 || row.read > 0 {
                    let at = (usize::from(row.percent.min(100)) * BAR / 100).min(BAR - 1);
                    bar[at] = '●';
                }
                bar.into_iter().collect()
            }
            Column::Place => format!(
                "at {} · read {}",
                pad_left(&format!("{}%", row.percent), 4),
                pad_left(&format!("{}%", row.read), 4)
            ),
            Column::Read => format!("{}%", row.read),
            Column::Finished => if row.finished { "✓" } else { "" }.into(),
            Column::Marks if row.bookmarks > 0 => format!("{} ◆", row.bookmarks),
            Column::Marks => String::new(),
            Column::Ago => return pad_right(&ago(row.last_opened, now), self.width()),
        };
        pad_left(&text, self.width())
    }
}

/// `text` cut to `width` columns and padded on the left to them.
fn pad_left(text: &str, width: usize) -> String {
    let text = fit(text, width);
    " ".repeat(width.saturating_sub(display_width(&text))) + &text
}

/// `text` cut to `width` columns and padded on the right to them.
fn pad_right(text: &str, width: usize) -> String {
    let text = fit(text, width);
    let pad = width.saturating_sub(display_width(&text));
    text + &" ".repeat(pad)
}

/// The table's shape at a screen width: the columns right of the title,
/// the title's width, and the whole row's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    columns: Vec<Column>,
    pub title: usize,
    pub width: usize,
}

impl Table {
    /// The richest table that leaves the title `TITLE_MIN` columns at
    /// `screen` columns; the title takes what is left, up to `TITLE_CAP`.
    pub fn fit(screen: usize) -> Table {
        use Column::{Ago, Bar, Finished, Marks, Minutes, Place, Read, Words};
        let mut cols = vec![Words, Minutes, Bar, Place, Finished, Marks, Ago];
        let right = |c: &[Column]| -> usize { c.iter().map(|x| x.gap() + x.width()).sum() };
        // A space at each edge of the row.
        let room = |c: &[Column]| screen.saturating_sub(right(c) + 2);
        // Each gives way in turn; the place gives way to the share read.
        for give_way in [Marks, Place, Words, Ago, Bar] {
            if room(&cols) >= TITLE_MIN {
                break;
            }
            if give_way == Place {
                for c in &mut cols {
                    if *c == Place {
                        *c = Read;
                    }
                }
            } else {
                cols.retain(|&c| c != give_way);
            }
        }
        let title = room(&cols).min(TITLE_CAP);
        Table {
            width: (title + right(&cols) + 2).min(screen),
            title,
            columns: cols,
        }
    }

    /// The row of column labels.
    fn labels(&self) -> String {
        let mut out = format!(" {}", pad_right("Title", self.title));
        for c in &self.columns {
            out.push_str(&" ".repeat(c.gap()));
            out.push_str(&if c.right_aligned() {
                pad_left(c.label(), c.width())
            } else {
                pad_right(c.label(), c.width())
            });
        }
        out.push(' ');
        out
    }

    /// The title cell and the cells right of it, each padded to its
    /// column; an unreadable file has its error across the right ones.
    fn cells(&self, row: &Row, wpm: usize, now: u64) -> (String, String) {
        // Each field turned on its own where it is right-to-left, and
        // drawn as it is seen.
        let mut title = isolate(&row.summary.title);
        let byline = byline(&row.summary);
        if !byline.is_empty() && self.title >= TITLE_MIN {
            title.push_str(" — ");
            title.push_str(&byline);
        }
        let left = format!(" {}", visual_text(&pad_right(&title, self.title)));
        let right_w = self.width.saturating_sub(display_width(&left));
        let right = if let Some(err) = &row.summary.error {
            format!("  {} ", pad_left(err, right_w.saturating_sub(3)))
        } else {
            let mut out = String::new();
            for c in &self.columns {
                out.push_str(&" ".repeat(c.gap()));
                out.push_str(&c.cell(row, wpm, now));
            }
            out.push(' ');
            out
        };
        (left, fit(&right, right_w))
    }
}

/// What follows an article's title in its row: the author, the year of
/// its date (the whole date when it is not one the reader's header reads)
/// and its language, from an EPUB's metadata or front matter, each
/// turned on its own where it is right-to-left.
fn byline(summary: &crate::library::Summary) -> String {
    let date = summary.date.as_deref().map(|date| {
        let readable = crate::document::readable_date(date);
        if readable == date.trim() {
            readable
        } else {
            // `7 May 1895`: the year is enough to tell a book by.
            readable.rsplit(' ').next().unwrap_or(&readable).to_string()
        }
    });
    [summary.author.clone(), date, summary.language.clone()]
        .into_iter()
        .flatten()
        .map(|part| crate::parse::sanitize_line(part.trim()))
        .filter(|part| !part.is_empty())
        .map(|part| isolate(&part))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn row_line<'a>(row: &Row, table: &Table, selected: bool, wpm: usize, theme: Theme) -> Line<'a> {
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
    let (left, right) = table.cells(row, wpm, now);
    let pad = table
        .width
        .saturating_sub(display_width(&left) + display_width(&right));
    Line::from(vec![
        Span::styled(left, base),
        Span::styled(" ".repeat(pad), base),
        Span::styled(right, meta),
    ])
}

/// The heading: how many articles, the sort in effect, and the scan's
/// progress while it runs; in fewer words where `width` is narrow, so that
/// the sort is always said.
fn heading(lib: &Library, shown: usize, width: usize) -> String {
    let total = lib.count();
    let plural = if total == 1 { "" } else { "s" };
    let (count, short) = if lib.scanning && lib.found > 0 {
        let n = format!("Scanning {}/{}", lib.scanned, lib.found);
        (n.clone(), n)
    } else if lib.scanning {
        ("Scanning…".to_string(), "Scanning…".to_string())
    } else {
        (format!("{total} article{plural}"), total.to_string())
    };
    let matches = if lib.filter.as_deref().is_some_and(|f| !f.trim().is_empty()) {
        let word = if shown == 1 { "match" } else { "matches" };
        format!(" · {shown} {word}")
    } else {
        String::new()
    };
    let sort = lib.sort.name();
    [
        format!(" Library · {count}{matches} · sorted by {sort}"),
        format!(" {count}{matches} · sorted by {sort}"),
        format!(" {short}{matches} · by {sort}"),
    ]
    .into_iter()
    .find(|h| crate::width::display_width(h) <= width)
    .unwrap_or_else(|| format!(" {short}{matches} · by {sort}"))
}

/// Draw the library; returns which row of `visible()` each screen row
/// shows, for clicks.
pub fn draw(frame: &mut Frame<'_>, lib: &Library, theme: Theme, wpm: usize) -> Vec<(u16, usize)> {
    let area = frame.area();
    let width = usize::from(area.width);
    let table = Table::fit(width);
    // Centred like the reading column.
    let offset = u16::try_from(width.saturating_sub(table.width) / 2).unwrap_or(0);
    let body = Rect {
        x: area.x + offset,
        width: u16::try_from(table.width).unwrap_or(area.width),
        ..area
    };
    let visible = lib.visible();
    let mut lines = vec![
        Line::styled(
            fit(&heading(lib, visible.len(), table.width), table.width),
            theme.outline_current(),
        ),
        Line::styled(
            fit(&table.labels(), table.width),
            theme.outline_meta().add_modifier(Modifier::DIM),
        ),
    ];
    let rows = usize::from(area.height).saturating_sub(3);
    if visible.is_empty() && !lib.scanning {
        let text = if lib.count() > 0 {
            "No article matches the filter. Esc shows them all.".to_string()
        } else if !lib.missing.is_empty() {
            crate::library::no_such_folders(&lib.missing)
        } else {
            let folders: Vec<String> = lib.roots.iter().map(|r| r.display().to_string()).collect();
            format!(
                "No articles here ({}). Add .md, .txt or .epub files, or open one: longform FILE",
                folders.join(", ")
            )
        };
        // Wrapped, a column in: the way out is at its end.
        let text = crate::parse::sanitize(&text);
        for row in super::wrap_words(&text, width.saturating_sub(2).max(1)) {
            lines.push(Line::from(fit(&format!(" {row}"), width)));
        }
    }
    let first = lib.cursor.saturating_sub(rows.saturating_sub(1));
    let mut hits = Vec::new();
    for (i, row) in visible.iter().enumerate().skip(first).take(rows) {
        let y = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        hits.push((area.y.saturating_add(y), i));
        lines.push(row_line(row, &table, i == lib.cursor, wpm, theme));
    }
    frame.render_widget(
        Paragraph::new(lines),
        if visible.is_empty() { area } else { body },
    );
    draw_status(frame, lib, theme, area);
    hits
}

/// The bottom line: the filter being typed, a message, or the keys.
fn draw_status(frame: &mut Frame<'_>, lib: &Library, theme: Theme, area: Rect) {
    let width = usize::from(area.width);
    let bar = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: 1,
        ..area
    };
    if lib.filtering {
        let (mut spans, cursor) =
            super::prompt::line_spans(&lib.filter_line, width.saturating_sub(2), theme.status());
        spans.insert(0, Span::styled(" /", theme.status()));
        let used: usize = spans.iter().map(|s| display_width(&s.content)).sum();
        spans.push(Span::styled(
            " ".repeat(width.saturating_sub(used)),
            theme.status(),
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), bar);
        super::prompt::set_cursor(frame, bar, 2 + cursor);
        return;
    }
    if let Some((title, name)) = lib.confirm_subject() {
        status_line(frame, bar, &question(&title, &name, width), theme.message());
        return;
    }
    let text = if let Some(m) = &lib.message {
        // As it is seen: a right-to-left title in it turned, once cut.
        visual_text(&fit(&format!(" {m}"), width))
    } else if let Some(filter) = &lib.filter {
        format!(" /{filter}")
    } else {
        format!(" {}", key_hints(width.saturating_sub(1)))
    };
    status_line(frame, bar, &text, theme.status());
}

/// The keys, each with what it does, in `width` columns: where they do not
/// all fit, the least needed give way first, so that `?` (which lists them
/// all) and `q` stay in view.
fn key_hints(width: usize) -> String {
    // In the order shown, with the order in which they give way.
    const KEYS: [(&str, u8); 7] = [
        ("Enter open", 6),
        ("c continue", 2),
        ("s sort", 1),
        ("/ filter", 3),
        ("x finished", 0),
        ("? help", 5),
        ("q quit", 4),
    ];
    for drop in 0..=KEYS.len() {
        let kept: Vec<&str> = KEYS
            .iter()
            .filter(|(_, rank)| usize::from(*rank) >= drop)
            .map(|(k, _)| *k)
            .collect();
        let line = kept.join(" · ");
        if display_width(&line) <= width || kept.len() <= 1 {
            return line;
        }
    }
    String::new()
}

/// The question `d` asks, in `width` columns: the title gives way first,
/// then the file's name, so the answers stay in view.
fn question(title: &str, name: &str, width: usize) -> String {
    const ANSWERS: &str = " to the trash? y moves it · any other key keeps it";
    const SHORT: &str = " to the trash? y/n";
    let file = format!(" ({name})");
    // A title that is the file's name (an article with none of its own)
    // is not said twice.
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let named = if stem == title {
        None
    } else {
        Some(format!("{file}{ANSWERS}"))
    };
    for tail in named.into_iter().chain([ANSWERS.into(), SHORT.into()]) {
        let room = width.saturating_sub(display_width(" Move “”") + display_width(&tail));
        if room >= 8.min(display_width(title)) {
            return format!(" Move “{}”{tail}", visual_text(&fit(title, room)));
        }
    }
    format!(" Move “{}”{SHORT}", visual_text(title))
}

/// One line of `text` across `bar`, cut to fit and padded.
fn status_line(frame: &mut Frame<'_>, bar: Rect, text: &str, style: Style) {
    let width = usize::from(bar.width);
    let text = fit(&crate::parse::sanitize(text), width);
    let pad = width.saturating_sub(display_width(&text));
    frame.render_widget(
        Paragraph::new(Line::styled(text + &" ".repeat(pad), style)),
        bar,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_give_way_keeping_help_and_quit() {
        assert_eq!(
            key_hints(80),
            "Enter open · c continue · s sort · / filter · x finished · ? help · q quit"
        );
        for width in [30, 40, 50, 60] {
            let keys = key_hints(width);
            assert!(display_width(&keys) <= width, "{keys}");
            assert!(keys.contains("? help"), "{width}: {keys}");
        }
        assert_eq!(key_hints(40), "Enter open · / filter · ? help · q quit");
    }

    #[test]
    fn the_question_keeps_its_answers_in_view() {
        let title = "A rather long title for an article about slow reading";
        let name = "a-rather-long-title.md";
        let wide = question(title, name, 200);
        assert_eq!(
            wide,
            format!(" Move “{title}” ({name}) to the trash? y moves it · any other key keeps it")
        );
        for width in [40, 60, 80, 100] {
            let q = question(title, name, width);
            assert!(display_width(&q) <= width, "{width}: {q}");
            assert!(
                q.ends_with("any other key keeps it") || q.ends_with("y/n"),
                "{width}: {q}"
            );
            assert!(q.contains("Move “A"), "{width}: {q}");
        }
        assert!(question(title, name, 100).contains(name));
        assert!(question(title, name, 80).ends_with("keeps it"));
        // A title that is the file's name is said once, whole.
        let stem = "rfc-3392-leadership-council";
        let q = question(stem, &format!("{stem}.md"), 100);
        assert_eq!(
            q,
            format!(" Move “{stem}” to the trash? y moves it · any other key keeps it")
        );
    }

    #[test]
    fn the_title_gets_room_and_a_cap() {
        for screen in [20, 40, 50, 60, 80, 100, 120, 160, 200, 400] {
            let t = Table::fit(screen);
            assert!(t.width <= screen, "{screen}: {t:?}");
            assert!(t.title <= TITLE_CAP, "{screen}: {t:?}");
            if screen >= 50 {
                assert!(t.title >= TITLE_MIN, "{screen}: {t:?}");
            }
        }
        // Wide, every column is shown and the title is capped.
        let wide = Table::fit(200);
        assert_eq!(wide.title, TITLE_CAP);
        assert!(wide.columns.contains(&Column::Marks));
        assert!(wide.columns.contains(&Column::Place));
    }

    #[test]
    fn cells_are_their_column_wide() {
        let row = Row {
            summary: crate::library::Summary {
                path: "a.md".into(),
                title: "لا".into(),
                author: None,
                date: None,
                language: None,
                words: 123_456,
                headings: 0,
                error: None,
                estimated: true,
            },
            percent: 100,
            read: 100,
            finished: true,
            bookmarks: 12,
            last_opened: 0,
            started: true,
        };
        for c in [
            Column::Words,
            Column::Minutes,
            Column::Bar,
            Column::Place,
            Column::Read,
            Column::Finished,
            Column::Marks,
            Column::Ago,
        ] {
            assert_eq!(display_width(&c.cell(&row, 238, 0)), c.width(), "{c:?}");
            assert!(display_width(c.label()) <= c.width(), "{c:?}");
        }
    }

    #[test]
    fn a_row_names_the_author_date_and_language_after_the_title() {
        let summary = |author: Option<&str>, date: Option<&str>, language: Option<&str>| {
            crate::library::Summary {
                path: "book.epub".into(),
                title: "The Time Machine".into(),
                author: author.map(Into::into),
                date: date.map(Into::into),
                language: language.map(Into::into),
                words: 1000,
                headings: 3,
                error: None,
                estimated: false,
            }
        };
        assert_eq!(
            byline(&summary(
                Some("H. G. Wells"),
                Some("1895-05-07"),
                Some("en")
            )),
            "H. G. Wells · 1895 · en"
        );
        assert_eq!(byline(&summary(None, Some("1895"), None)), "1895");
        assert_eq!(
            byline(&summary(None, Some("spring 1895"), None)),
            "spring 1895"
        );
        let hostile = byline(&summary(None, None, Some(" \u{1b}[2J")));
        assert!(
            hostile.ends_with("[2J") && !hostile.contains('\u{1b}'),
            "{hostile:?}"
        );
        assert_eq!(byline(&summary(None, None, None)), "");
    }
}
