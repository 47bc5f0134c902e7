//! Drawing the screen from the `App`: the text column, the status bar, the
//! sidebar and the overlays, one file each. Views only draw; they never
//! change what is read.

mod bookmarks;
mod figure;
mod help;
mod highlights;
mod library;
mod links;
mod outline;
mod prompt;
mod reader;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, MIN_HEIGHT, MIN_WIDTH, SIDEBAR_WIDTH};
use super::keymap::Mode;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let area = frame.area();
    app.screen_width = area.width;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        // No text is shown: no link to click or to hyperlink.
        app.text_column = (0, 0, 0, 0);
        return;
    }
    let body = Rect {
        height: area.height - 1,
        ..area
    };
    let bar = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    let text = if app.sidebar_shown(area.width) {
        let side = Rect {
            width: SIDEBAR_WIDTH,
            ..body
        };
        outline::draw_sidebar(frame, app, side);
        Rect {
            x: body.x + SIDEBAR_WIDTH,
            width: body.width - SIDEBAR_WIDTH,
            ..body
        }
    } else {
        app.sidebar_columns = None;
        body
    };
    app.fit(text.width, text.height);
    let column = reader::column(app, text);
    app.text_column = (column.x, column.y, column.width, column.height);
    let screen = app.reader.screen(&app.doc, &mut app.layout);
    app.settle_resume(&screen);
    reader::draw(frame, app, &screen, text);
    if app.layout.figures_shown() {
        figure::draw(frame, app, &screen, column);
    }
    status::draw(frame, app, &screen, bar);
    let mut rows = Vec::new();
    match app.mode {
        Mode::Help => help::draw(frame, app, area),
        Mode::Outline | Mode::OutlineFilter => {
            if let Some(list) = &app.list {
                rows = outline::draw_overlay(frame, app, list, body);
            }
        }
        Mode::Bookmarks => {
            if let Some(list) = &app.marks {
                rows = bookmarks::draw(frame, app, list, body);
            }
        }
        Mode::Highlights | Mode::HighlightsFilter => {
            if let Some(list) = &app.hl_list {
                rows = highlights::draw(frame, app, list, body);
            }
        }
        Mode::Prompt => {
            if let Some(list) = &app.marks {
                rows = bookmarks::draw(frame, app, list, body);
            } else if let Some(list) = &app.hl_list {
                rows = highlights::draw(frame, app, list, body);
            }
            prompt::draw_prompt(frame, app, bar);
        }
        Mode::Hints => links::draw_hints(frame, app),
        Mode::Links => {
            if let Some(list) = &app.link_list {
                rows = links::draw_list(frame, app, list, body);
            }
        }
        Mode::Image => figure::draw_alone(frame, app, body),
        Mode::Reading | Mode::Select => {}
    }
    if app.confirm.is_some() {
        links::draw_confirm(frame, app, body);
    }
    app.list_rows = rows;
}

/// Draw the library screen, with its help when asked.
pub fn draw_library(
    frame: &mut Frame<'_>,
    lib: &mut super::library::Library,
    theme: super::theme::Theme,
    wpm: usize,
) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        lib.row_hits.clear();
        return;
    }
    lib.row_hits = library::draw(frame, lib, theme, wpm);
    if lib.help {
        let _ = help::draw_table(frame, super::keymap::LIBRARY_HELP, theme, 0, area);
    }
}

/// The styles of a list entry's heading and details, reversed when it is
/// the selected one.
pub fn entry_styles(
    theme: super::theme::Theme,
    selected: bool,
) -> (ratatui::style::Style, ratatui::style::Style) {
    let (head, meta) = (theme.outline_current(), theme.outline_meta());
    if selected {
        let r = ratatui::style::Modifier::REVERSED;
        (head.add_modifier(r), meta.add_modifier(r))
    } else {
        (head, meta)
    }
}

/// For a list shown two rows an entry from entry `offset` on, starting at
/// screen row `top`: each shown entry's index and the rows it covers, as
/// the screen row → entry map clicks use.
pub fn two_row_entries(offset: usize, len: usize, per_page: usize, top: u16) -> Vec<(usize, u16)> {
    (offset..len)
        .take(per_page)
        .enumerate()
        .map(|(n, i)| {
            (
                i,
                top.saturating_add(u16::try_from(2 * n).unwrap_or(u16::MAX)),
            )
        })
        .collect()
}

/// The box of a list overlay: `title` at the top, then at the bottom the
/// `hints` (when they fit) and, when the list is longer than the box, the
/// position `3/40` of the cursor among `len` entries, `per_page` shown.
pub fn list_block(
    theme: super::theme::Theme,
    title: &str,
    hints: &str,
    (cursor, len, per_page): (usize, usize, usize),
    width: u16,
) -> ratatui::widgets::Block<'static> {
    use ratatui::widgets::{Block, Borders};
    let room = usize::from(width.saturating_sub(2));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(status::fit(title, room));
    let place = (len > per_page).then(|| format!(" {}/{len} ", cursor + 1));
    let place_w = place
        .as_deref()
        .map_or(0, unicode_width::UnicodeWidthStr::width);
    // As many of the hints as fit, from the first: the first are the
    // keys the list is for.
    let fits = |n: usize| {
        let shown = hints.split(" · ").take(n).collect::<Vec<_>>().join(" · ");
        let shown = format!(" {shown} ");
        (unicode_width::UnicodeWidthStr::width(shown.as_str()) + place_w < room).then_some(shown)
    };
    let all = hints.split(" · ").count();
    if let Some(shown) = (1..=all).rev().find_map(fits) {
        block = block.title_bottom(Line::from(shown).style(theme.border()));
    }
    if let Some(place) = place {
        block = block.title_bottom(Line::from(place).right_aligned().style(theme.key()));
    }
    block
}

/// `text` in rows of at most `width` columns, broken between words (a word
/// longer than a row is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let needed = if row.is_empty() {
            0
        } else {
            unicode_width::UnicodeWidthStr::width(row.as_str()) + 1
        };
        if needed > 0 && needed + unicode_width::UnicodeWidthStr::width(word) > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows
}

/// A rect of at most `width` × `height`, centred in `area`.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let msg = Paragraph::new(Line::from("Terminal too small")).wrap(Wrap { trim: true });
    frame.render_widget(msg, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_wraps_between_words() {
        assert_eq!(
            wrap_words("copy the selected link's address", 16),
            ["copy the", "selected link's", "address"]
        );
        assert_eq!(wrap_words("short", 16), ["short"]);
    }
}
