//! The help overlay: every key, generated from the keymap in effect, so a
//! key remapped in the config shows where it is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;
use crate::tui::keymap::help;
use crate::tui::theme::Theme;

pub fn draw(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let most = draw_table(frame, &help(&app.keymap), app.theme, app.help_scroll, area);
    app.help_most.set(most);
}

/// A table of keys in a box: two columns when it is too tall for one and
/// they fit side by side, scrolled by `scroll` rows when it still does not.
/// The farthest it can be scrolled.
pub fn draw_table<K: AsRef<str>>(
    frame: &mut Frame<'_>,
    table: &[(K, &str)],
    theme: Theme,
    scroll: usize,
    area: Rect,
) -> usize {
    let area_w = usize::from(area.width);
    // A long list of keys wraps onto a second row of its own, but for a
    // table in one column on a wide screen.
    let widest_keys = table
        .iter()
        .map(|(k, _)| k.as_ref().width())
        .max()
        .unwrap_or(0);
    let mut key_width = widest_keys.min(KEY_WIDTH);
    // On a narrow screen the keys column gives way first (its keys wrap
    // between keys), down to 8 columns, so that descriptions keep 12.
    if key_width + 8 + 12 > area_w {
        key_width = key_width.min(area_w.saturating_sub(20).max(8));
    }
    let widest = table.iter().map(|(_, d)| d.width()).max().unwrap_or(0);
    // A description wider than the room wraps under itself.
    let one_text = |key_width: usize| widest.min(area_w.saturating_sub(key_width + 8)).max(6);
    let (lines, starts) = table_lines(table, key_width, one_text(key_width), theme);
    // Too tall for the screen: two columns, split at a group title, their
    // descriptions wrapped narrower when need be.
    let two_text = widest.min(((area_w.saturating_sub(3)) / 2).saturating_sub(key_width + 8));
    let two = lines.len() + 2 > usize::from(area.height) && two_text >= 16;
    let (key_width, text_width, lines, starts) = if two {
        // A wide screen gives each column's keys a row of their own too,
        // when the descriptions keep their room.
        let wide_key = widest_keys.min(WIDE_KEY_WIDTH);
        let wide_text = widest.min(((area_w.saturating_sub(3)) / 2).saturating_sub(wide_key + 8));
        let (key_width, two_text) = if wide_text >= two_text {
            (wide_key, wide_text)
        } else {
            (key_width, two_text)
        };
        let (lines, starts) = table_lines(table, key_width, two_text, theme);
        (key_width, two_text, lines, starts)
    } else if area_w >= WIDE_SCREEN {
        let key_width = widest_keys.min(WIDE_KEY_WIDTH);
        let text_width = one_text(key_width);
        let (lines, starts) = table_lines(table, key_width, text_width, theme);
        (key_width, text_width, lines, starts)
    } else {
        (key_width, one_text(key_width), lines, starts)
    };
    let one_w = key_width + text_width + 6;
    let (left, right) = if two {
        let middle = lines.len() / 2;
        let split = starts
            .iter()
            .filter(|&&(_, title)| title)
            .map(|&(i, _)| i)
            .min_by_key(|&i| i.abs_diff(middle))
            .unwrap_or(middle);
        let mut left = lines;
        let right = left.split_off(split);
        (left, right)
    } else {
        (lines, Vec::new())
    };
    let cols = if two { 2 } else { 1 };
    let want_w = u16::try_from(cols * one_w + 2 + cols - 1).unwrap_or(u16::MAX);
    let want_h = u16::try_from(left.len().max(right.len()) + 2).unwrap_or(u16::MAX);
    let rect = super::centred(area, want_w, want_h);
    let h = rect.height;
    let rows = usize::from(h.saturating_sub(2));
    let taller = left.len().max(right.len()) > rows;
    // The longer title when the box has room for it.
    let scrolls = " Keys · j/k scroll · Esc close ";
    let title = if taller && scrolls.width() + 2 <= usize::from(rect.width) {
        scrolls
    } else {
        " Keys · Esc close "
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(title);
    let inner = block.inner(rect);
    // Scroll when the keys do not fit, never past the last one.
    let total = left.len().max(right.len());
    let most = total.saturating_sub(rows);
    let skip = scroll.min(most);
    if taller {
        // Where the box is in the table: the rows shown, of how many.
        let place = format!(" {}–{} of {total} ", skip + 1, skip + rows);
        block = block.title_bottom(Line::from(place).right_aligned().style(theme.key()));
    }
    let left: Vec<Line<'_>> = left.into_iter().skip(skip).collect();
    let right: Vec<Line<'_>> = right.into_iter().skip(skip).collect();
    // A box down to the last row covers the status bar there: the rest
    // of that row is cleared, not left as stray letters of the bar.
    if rect.height > 0 && rect.bottom() == area.bottom() {
        let last = Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        };
        frame.render_widget(Clear, last);
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let col_w = u16::try_from(one_w).unwrap_or(u16::MAX).min(inner.width);
    frame.render_widget(
        Paragraph::new(left),
        Rect {
            width: col_w,
            ..inner
        },
    );
    if two {
        let x = inner.x + col_w + 1;
        let rest = Rect {
            x,
            width: inner.width.saturating_sub(col_w + 1),
            ..inner
        };
        frame.render_widget(Paragraph::new(right), rest);
    }
    most
}

/// The widest the keys column grows: longer lists of keys wrap.
const KEY_WIDTH: usize = 16;

/// In one column on a screen of at least `WIDE_SCREEN` columns, the keys
/// column grows to `WIDE_KEY_WIDTH`, so that a binding's keys share one row.
const WIDE_SCREEN: usize = 70;
const WIDE_KEY_WIDTH: usize = 24;

/// Keys written `a  b  c`, in rows of at most `width` columns, broken
/// between keys.
fn key_rows(keys: &str, width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    // Keys of one action are two spaces apart, those of the next action in
    // the row (`next / previous`) after a ` / `: a row breaks at either, a
    // `/` ending the row before such a break.
    let mut rest = keys;
    let mut sep = "";
    while !rest.is_empty() {
        let next = [
            rest.find("  ").map(|i| (i, "  ")),
            rest.find(" / ").map(|i| (i, " / ")),
        ]
        .into_iter()
        .flatten()
        .min();
        let (key, after) = match next {
            Some((i, s)) => (&rest[..i], Some((i, s))),
            None => (rest, None),
        };
        if !row.is_empty() && row.width() + sep.width() + key.width() > width {
            // The `/` ends the row it leaves, where it reads as going on
            // (a row starting `/ %` would read as the `/` key).
            let last_key = [
                row.rfind("  ").map(|i| (i, 2)),
                row.rfind(" / ").map(|i| (i, 3)),
            ]
            .into_iter()
            .flatten()
            .max();
            if sep == " / " && row.width() + 2 <= width {
                row.push_str(" /");
                rows.push(std::mem::take(&mut row));
            } else if sep == " / "
                && let Some((at, gap)) = last_key
            {
                // No room for the `/`: the row's last key goes down with it
                // (`g  Home / G` over `End / %`).
                let tail = row[at + gap..].to_string();
                row.truncate(at);
                if gap == 3 {
                    row.push_str(" /");
                }
                rows.push(std::mem::take(&mut row));
                row.push_str(&tail);
                row.push_str(" / ");
            } else {
                rows.push(std::mem::take(&mut row));
                if sep == " / " {
                    row.push_str("/ ");
                }
            }
        } else {
            row.push_str(sep);
        }
        row.push_str(key);
        match after {
            Some((i, s)) => {
                sep = s;
                rest = &rest[i + s.len()..];
            }
            None => rest = "",
        }
    }
    rows.push(row);
    rows
}

/// The rows of the table, descriptions wrapped to `text_width`; and where
/// each entry starts among them, with whether it is a group title.
fn table_lines<'a, K: AsRef<str>>(
    table: &'a [(K, &'a str)],
    key_width: usize,
    text_width: usize,
    theme: Theme,
) -> (Vec<Line<'a>>, Vec<(usize, bool)>) {
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut starts: Vec<(usize, bool)> = Vec::new();
    for (k, d) in table {
        let k = k.as_ref();
        starts.push((lines.len(), k.is_empty()));
        if k.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {d}"),
                theme.border().add_modifier(Modifier::BOLD),
            )));
            continue;
        }
        let keys = key_rows(k, key_width);
        let text = super::wrap_words(d, text_width);
        for n in 0..keys.len().max(text.len()) {
            let key = keys.get(n).map_or("", String::as_str);
            let part = text.get(n).cloned().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("   {key:<key_width$}  "), theme.key()),
                Span::raw(part),
            ]));
        }
    }
    (lines, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_of_keys_never_starts_with_a_slash() {
        assert_eq!(
            key_rows("g  Home / G  End / %", 16),
            ["g  Home / G", "End / %"]
        );
        assert_eq!(
            key_rows("g  Home / G  End / %", 24),
            ["g  Home / G  End / %"]
        );
        assert_eq!(key_rows("] / [", 16), ["] / ["]);
        assert_eq!(
            key_rows("aaaaaa / bbbbbbb / c", 16),
            ["aaaaaa /", "bbbbbbb / c"]
        );
        for width in 8..30 {
            for keys in [
                "g  Home / G  End / %",
                "Space  f  PgDn  Ctrl-f",
                "x / yy / zzz  w",
            ] {
                let rows = key_rows(keys, width);
                assert!(
                    rows.iter().all(|r| !r.starts_with('/')),
                    "{width}: {rows:?}"
                );
            }
        }
    }
}
