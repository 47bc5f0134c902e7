//! The status bar: the section path (and the title, when there is room) on
//! the left, the percent and the minutes left on the right, or a notice
//! when there is one. At every width the least important part goes first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::layout::isolate;
use crate::position::Position;
use crate::reader::Screen;
use crate::tui::app::App;
use crate::width::display_width;

/// What the status bar can say, most important first: where the reader
/// is (the section path), how far (percent), the minutes left in the
/// section and in the article, and the title.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// The sections the reader is in, outermost first; empty before the
    /// first heading.
    pub path: Vec<String>,
    pub percent: u8,
    /// The end is on screen: "end" replaces the minutes.
    pub at_end: bool,
    pub section_minutes: Option<usize>,
    pub article_minutes: usize,
    pub title: String,
}

/// The narrowest the section path is shortened to before figures are
/// dropped to make room for it.
const SECTION_MIN: usize = 16;

/// Lay out the bar in `width` columns: the left side (title, section) and
/// the right side (figures). What does not fit is dropped from the least
/// important end: the title first, then the minutes in the article, the
/// minutes in the section, the percent. The section path is shortened
/// from the left, with `…` at its start. Widths are display columns.
pub fn compose(parts: &Parts, width: usize) -> (String, String) {
    let mut figures = vec![format!("{}%", parts.percent)];
    if parts.at_end {
        figures.push("end".to_string());
    } else {
        if let Some(m) = parts.section_minutes {
            figures.push(format!("{m} min left in section"));
        }
        figures.push(format!("{} min in article", parts.article_minutes));
    }
    let crumb = parts.path.join(" › ");
    let has_section = !crumb.is_empty();
    // " § " before the path, and two columns apart from the figures.
    let section_width = |room: usize| room.saturating_sub(5);
    // The figures that fit beside the section at its narrowest.
    let section_least = if has_section {
        5 + display_width(&crumb).min(SECTION_MIN)
    } else {
        0
    };
    let right_of = |n: usize| format!(" {} ", figures[..n].join(" · "));
    let mut n = figures.len();
    while n > 0 && section_least + display_width(&right_of(n)) > width {
        n -= 1;
    }
    let right = if n == 0 { String::new() } else { right_of(n) };
    let room = width.saturating_sub(display_width(&right));
    let mut left = String::new();
    if has_section && room > 6 {
        let shown = if display_width(&crumb) <= section_width(room) {
            crumb.clone()
        } else {
            let path: Vec<&str> = parts.path.iter().map(String::as_str).collect();
            shorten_left(&path, section_width(room))
        };
        left = format!(" § {shown}");
    }
    // The title, when everything else is shown whole and it fits.
    let spare = room.saturating_sub(display_width(&left));
    let whole =
        n == figures.len() && (!has_section || display_width(&left) == 3 + display_width(&crumb));
    // The title needs room to be worth showing, and two columns apart.
    let spare = spare.saturating_sub(2);
    let title = format!(" {}", parts.title);
    if whole && !parts.title.is_empty() {
        let sep = if has_section { " ·" } else { "" };
        if display_width(&title) + display_width(sep) <= spare {
            left = format!("{title}{sep}{left}");
        } else if spare >= 12 + display_width(sep) {
            left = format!("{}{sep}{left}", fit(&title, spare - display_width(sep)));
        }
    }
    (left, right)
}

/// `path` joined by ` › `, shortened from the left to `width` columns,
/// starting with `…`.
fn shorten_left(path: &[&str], width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let full = path.join(" › ");
    let mut tail: Vec<&str> = Vec::new();
    let mut used = 1;
    for g in full.graphemes(true).rev() {
        let w = display_width(g);
        if used + w > width {
            break;
        }
        used += w;
        tail.push(g);
    }
    tail.reverse();
    format!("…{}", tail.concat().trim_start())
}

/// What the app shows in the bar now.
fn parts(app: &App, screen: &Screen) -> Parts {
    let at_end = app.at_end(screen);
    let percent = if at_end {
        100
    } else {
        app.reader.percent(&app.doc, screen)
    };
    let minutes = app.reader.minutes_left(&app.doc, screen, app.wpm);
    // Where the text on the top line starts: the same place whether the
    // reader is at byte 0 or at the first heading below front matter.
    let here = screen
        .lines
        .first()
        .map_or(app.reader.top, |l| Position(l.start.max(app.reader.top.0)));
    let section_minutes = app.outline.current(here).map(|i| {
        let s = &app.outline.sections[i];
        let left = app
            .doc
            .words_before(Position(s.end))
            .saturating_sub(app.doc.words_before(here));
        left.div_ceil(app.wpm.max(1))
    });
    // The sections, without a first heading that only repeats the title.
    let path: Vec<String> = app
        .outline
        .path(here)
        .into_iter()
        .skip_while(|s| s.depth == 0 && s.title == app.title)
        .map(|s| isolate(&s.title))
        .collect();
    // With no section named, the section is the whole article: its
    // minutes would only repeat the article's.
    let section_minutes = section_minutes.filter(|_| !path.is_empty());
    Parts {
        path,
        percent,
        at_end,
        section_minutes,
        article_minutes: minutes,
        // Each field turned on its own where it is right-to-left (the
        // marks take no column, and the bar is drawn as it is seen).
        title: isolate(&app.title),
    }
}

pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    let theme = app.theme;
    let width = usize::from(area.width);
    // The search's count comes first on the right, and the rest of the
    // bar is laid out in what it leaves.
    // The current match is named while it is on screen; once the reader
    // has gone elsewhere (`g`, a page), the count alone.
    let shown = |range: &std::ops::Range<usize>| {
        let top = screen
            .lines
            .iter()
            .map(|l| l.start)
            .min()
            .unwrap_or(usize::MAX);
        let bottom = screen.lines.iter().map(|l| l.end).max().unwrap_or(0);
        range.start >= top && range.start < bottom.max(top + 1)
    };
    let matches = match app.search.as_ref().filter(|_| app.prompt.is_none()) {
        Some(search) if search.count() > 0 => match search.current {
            Some(k) if search.get(k).is_some_and(shown) => {
                format!(" match {}/{} ·", k + 1, search.count())
            }
            _ if search.count() == 1 => " 1 match ·".to_string(),
            _ => format!(" {} matches ·", search.count()),
        },
        _ => String::new(),
    };
    // Stays while saving fails, so a bookmark is never thought kept.
    let matches = if app.session.save_failing() {
        format!(" ⚠ not saved ·{matches}")
    } else {
        matches
    };
    let (left, right) = if app.doc.is_empty() {
        // Nothing to be anywhere in: no figures.
        (format!(" {}", app.title), String::new())
    } else {
        compose(&parts(app, screen), width.saturating_sub(matches.width()))
    };
    let right = if right.is_empty() {
        matches.trim_end_matches('·').to_string()
    } else {
        format!("{matches}{right}")
    };
    let right = if right.width() > width {
        String::new()
    } else {
        right
    };
    // A notice too long to sit beside the progress takes the whole bar:
    // it is there only until the next key.
    let right = match &app.message {
        Some(msg) if msg.width() + 1 > width.saturating_sub(right.width()) => String::new(),
        _ => right,
    };
    // While selecting, what the selection holds and what can be done
    // with it.
    let selecting = app.selection_status(width);
    let right = match (&selecting, &app.message) {
        (Some(s), None) if s.width() + 1 > width.saturating_sub(right.width()) => String::new(),
        _ => right,
    };
    let room = width.saturating_sub(right.width());
    let mut spans = Vec::new();
    if let Some(msg) = app.message.as_ref().or(selecting.as_ref()) {
        // A right-to-left label, title or query in it reads as it is
        // seen, as the title does.
        let msg = crate::layout::visual_text(&crate::width::fit_notice(&format!(" {msg}"), room));
        spans.push(Span::styled(msg, theme.message()));
    } else {
        // A right-to-left title or section reads as it is seen.
        let left = crate::layout::visual_text(&fit(&left, room));
        spans.push(Span::styled(left, theme.status()));
    }
    // Measured as drawn, cluster by cluster (a turned title may hold
    // pairs that a whole-string width takes for one column).
    let used: usize = spans
        .iter()
        .map(|s| crate::width::display_width(&s.content))
        .sum();
    spans.push(Span::styled(
        " ".repeat(room.saturating_sub(used)),
        theme.status(),
    ));
    spans.push(Span::styled(right, theme.status_dim()));
    // As a `Paragraph` of the one line puts it.
    super::reader::put_line(frame.buffer_mut(), area, 0, &spans);
}

/// Cut `text` to `width` columns, ending in … when it was cut: the
/// reader's measurement (see `width`).
pub use crate::width::fit;
