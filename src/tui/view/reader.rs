//! The text column: the lines of the current screen, centred in the space
//! left for text. The link selected with Tab and the matches of the search
//! are highlighted, the reader's highlights have their background colour
//! and a mark in the margin, and the selection being made is in reverse
//! video.

use std::ops::Range;

use ratatui::Frame;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::Seg;
use crate::reader::Screen;
use crate::tui::app::App;

/// The text column: the measure, centred in the text area.
pub fn column(app: &App, area: Rect) -> Rect {
    let measure = u16::try_from(app.layout.width())
        .unwrap_or(area.width)
        .min(area.width);
    Rect {
        x: area.x + (area.width - measure) / 2,
        width: measure,
        ..area
    }
}

/// What an article with no text shows, centred: its file is empty, or
/// holds only blank lines or front matter.
pub const EMPTY: &str = "This article is empty";

pub fn draw(frame: &mut Frame<'_>, app: &App, screen: &Screen, area: Rect) {
    if app.doc.is_empty() {
        let y = area.y + area.height.saturating_sub(1) / 2;
        let line = Line::styled(EMPTY, app.theme.outline_meta());
        frame.render_widget(
            Paragraph::new(line).alignment(ratatui::layout::Alignment::Center),
            Rect {
                y,
                height: 1.min(area.height),
                ..area
            },
        );
        return;
    }
    let column = column(app, area);
    let matches = app.search.as_ref().map_or(&[][..], |s| &s.matches[..]);
    // What `h` would keep: space at the selection's ends is not drawn.
    let selected = app.selected_range();
    let marked = highlights_on(app, screen);
    let buf = frame.buffer_mut();
    // Cut to the buffer, as a widget's area is.
    let column = column.intersection(buf.area);
    let mut spans: Vec<Span<'_>> = Vec::new();
    for (row, l) in screen.lines.iter().enumerate() {
        let Ok(y) = u16::try_from(row) else {
            break;
        };
        if y >= column.height {
            break;
        }
        spans.clear();
        for s in &l.segs {
            let mut style = app.theme.text(s.style);
            if s.link.is_some() && s.link == app.link {
                style = style.patch(app.theme.selected_link());
            }
            // Layers, later over earlier: highlights, older first, the
            // search's matches, then the selection.
            let mut layers: Vec<(Range<usize>, Style)> = Vec::new();
            for (range, color) in &marked {
                let style = app.theme.highlight(*color, style);
                layers.extend(
                    matched_parts(s, std::slice::from_ref(range))
                        .into_iter()
                        .map(|p| (p, style)),
                );
            }
            // A match in a highlight looks as it does anywhere else:
            // the highlight's tint is not reversed into its ink.
            let found = app.theme.search_match().bg(ratatui::style::Color::Reset);
            layers.extend(matched_parts(s, matches).into_iter().map(|p| (p, found)));
            if let Some(sel) = &selected {
                layers.extend(
                    matched_parts(s, std::slice::from_ref(sel))
                        .into_iter()
                        .map(|p| (p, app.theme.selection())),
                );
            }
            push_layered(&mut spans, &s.text, style, &layers);
        }
        put_line(buf, column, y, &spans);
    }

    // Highlights: a thin mark in the margin, in the colour of the newest
    // on the line.
    if column.x >= area.x + 2 {
        let buf = frame.buffer_mut();
        for (row, line) in screen.lines.iter().enumerate() {
            let end = line.end.max(line.start + 1);
            let newest = marked
                .iter()
                .rev()
                .find(|(r, _)| r.start < end && line.start < r.end);
            if let Some((_, color)) = newest
                && !line.text().trim().is_empty()
            {
                let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
                if y < area.y + area.height {
                    buf[(column.x - 1, y)]
                        .set_symbol("▏")
                        .set_style(app.theme.highlight_mark(*color));
                }
            }
        }
    }

    // Bookmarks: a mark in the left margin beside the line that holds one.
    if column.x >= area.x + 2 {
        let marks: Vec<usize> = app.bookmarks().iter().map(|b| b.pos.0).collect();
        let buf = frame.buffer_mut();
        for (row, line) in screen.lines.iter().enumerate() {
            let end = line.end.max(line.start + 1);
            if marks.iter().any(|&m| line.start <= m && m < end) && !line.text().trim().is_empty() {
                let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
                if y < area.y + area.height {
                    buf[(column.x - 2, y)]
                        .set_symbol("▍")
                        .set_style(app.theme.bookmark());
                }
            }
        }
    }
}

/// The highlights that show on the screen, as source ranges and colours,
/// oldest first so that a newer one is drawn over an older.
fn highlights_on(app: &App, screen: &Screen) -> Vec<(Range<usize>, u8)> {
    let (Some(first), Some(last)) = (screen.lines.first(), screen.lines.last()) else {
        return Vec::new();
    };
    let (start, end) = (first.start, last.end.max(first.start + 1));
    let all = app.highlights();
    let mut on: Vec<(u64, Range<usize>, u8)> = all
        .iter()
        .filter_map(|h| {
            let r = h.range.clone()?;
            (r.start < end && start < r.end).then_some((h.created, r, h.color))
        })
        .collect();
    on.sort_by_key(|(created, _, _)| *created);
    on.into_iter().map(|(_, r, c)| (r, c)).collect()
}

/// Put `spans` on row `y` of `area` in `buf`, from its left edge, cut at
/// its right edge: the cells a `Paragraph` of that one line, not wrapped,
/// gives (`ratatui`'s `LineTruncator`), without splitting text of plain
/// ASCII into grapheme clusters (the layout already wrapped every line to
/// the measure; most of a screen is such text). A cluster with a control
/// character in it is left out, one wider than the area is skipped, and
/// the line ends at the first that does not fit; clusters of no width take
/// no cell.
pub fn put_line(buf: &mut Buffer, area: Rect, y: u16, spans: &[Span<'_>]) {
    let max = area.width;
    if max == 0 || y >= area.height {
        return;
    }
    let mut x: u16 = 0;
    for span in spans {
        let text: &str = &span.content;
        let style = span.style;
        if text.bytes().all(|b| (b' '..0x7f).contains(&b)) {
            // Each byte is a cluster one column wide.
            for i in 0..text.len() {
                if x >= max {
                    return;
                }
                buf[(area.x + x, area.y + y)]
                    .set_symbol(&text[i..=i])
                    .set_style(style);
                x += 1;
            }
            continue;
        }
        for (_, g) in crate::width::clusters(text) {
            if g.contains(char::is_control) {
                continue;
            }
            let w = g.cell_width();
            if w > max {
                continue;
            }
            if x + w > max {
                return;
            }
            if w == 0 {
                continue;
            }
            buf[(area.x + x, area.y + y)].set_symbol(g).set_style(style);
            x += w;
        }
    }
}

/// `text` in `base` style, with each layer's part of it patched by the
/// layer's style, later layers over earlier ones.
fn push_layered<'a>(
    spans: &mut Vec<Span<'a>>,
    text: &'a str,
    base: Style,
    layers: &[(Range<usize>, Style)],
) {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (r, _) in layers {
        cuts.push(r.start.min(text.len()));
        cuts.push(r.end.min(text.len()));
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (from, to) = (w[0], w[1]);
        let style = layers
            .iter()
            .filter(|(r, _)| r.start <= from && to <= r.end)
            .fold(base, |st, (_, patch)| st.patch(*patch));
        spans.push(Span::styled(&text[from..to], style));
    }
}

/// The byte ranges of a seg's text that show a match, in order and apart.
/// `matches` are in order, so only those near the seg's source are looked
/// at.
fn matched_parts(seg: &Seg, matches: &[Range<usize>]) -> Vec<Range<usize>> {
    let Some(source) = seg.source else {
        return Vec::new();
    };
    let end = if seg.exact {
        source + seg.text.len()
    } else {
        source + 1
    };
    let first = matches.partition_point(|m| m.end <= source);
    let mut parts: Vec<Range<usize>> = Vec::new();
    for m in matches[first..].iter().take_while(|m| m.start < end) {
        if let Some(p) = seg.part_in(m) {
            match parts.last_mut() {
                Some(last) if p.start <= last.end => last.end = last.end.max(p.end),
                _ => parts.push(p),
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};

    /// The cells `spans` give in a `Paragraph` of one line.
    fn paragraph(area: Rect, y: u16, spans: &[Span<'_>]) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        let row = Rect {
            y: area.y + y,
            height: 1,
            ..area
        };
        ratatui::widgets::Widget::render(Paragraph::new(Line::from(spans.to_vec())), row, &mut buf);
        buf
    }

    fn style(n: u8) -> Style {
        match n % 4 {
            0 => Style::default(),
            1 => Style::default().fg(Color::Indexed(n)),
            2 => Style::default().bg(Color::Red).add_modifier(Modifier::BOLD),
            _ => Style::default()
                .fg(Color::Rgb(n, 1, 2))
                .remove_modifier(Modifier::ITALIC),
        }
    }

    #[test]
    fn a_line_is_put_as_a_paragraph_puts_it() {
        let area = Rect::new(2, 1, 7, 2);
        let spans = [
            Span::styled("ab c", style(1)),
            Span::styled("é\u{301}x\ty漢", style(2)),
            Span::styled("\u{200b}zz", style(3)),
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        put_line(&mut buf, area, 1, &spans);
        assert_eq!(buf, paragraph(area, 1, &spans));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 500,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_line_is_put_as_a_paragraph_puts_it(
            texts in prop::collection::vec(
                (
                    prop::collection::vec(
                        prop::sample::select(vec![
                            "a", "Z", " ", "~", "\t", "\r\n", "\u{7f}", "\u{1b}", "é",
                            "e\u{301}", "漢", "字", "👍", "👩\u{200d}💻", "\u{200b}", "\u{301}",
                            "ﾞ", "\u{a0}", "’",
                        ]),
                        0..8,
                    ),
                    any::<u8>(),
                ),
                0..5,
            ),
            x in 0u16..4,
            width in 0u16..9,
            y in 0u16..3,
        ) {
            let owned: Vec<(String, Style)> =
                texts.iter().map(|(t, n)| (t.concat(), style(*n))).collect();
            let spans: Vec<Span<'_>> = owned
                .iter()
                .map(|(t, s)| Span::styled(t.as_str(), *s))
                .collect();
            let area = Rect::new(x, 0, width, 3);
            let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
            put_line(&mut buf, area, y, &spans);
            prop_assert_eq!(buf, paragraph(area, y, &spans));
        }
    }
}
