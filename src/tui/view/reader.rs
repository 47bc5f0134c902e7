//! The text column: the lines of the current screen, centred in the space
//! left for text. The link selected with Tab and the matches of the search
//! are highlighted.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
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
    let lines: Vec<Line<'_>> = screen
        .lines
        .iter()
        .map(|l| {
            let mut spans = Vec::with_capacity(l.segs.len());
            for s in &l.segs {
                let mut style = app.theme.text(s.style);
                if s.link.is_some() && s.link == app.link {
                    style = style.patch(app.theme.selected_link());
                }
                let found = style.patch(app.theme.search_match());
                let mut at = 0;
                for part in matched_parts(s, matches) {
                    let start = part.start.max(at);
                    if part.end <= start {
                        continue;
                    }
                    if start > at {
                        spans.push(Span::styled(&s.text[at..start], style));
                    }
                    spans.push(Span::styled(&s.text[start..part.end], found));
                    at = part.end;
                }
                if at < s.text.len() {
                    spans.push(Span::styled(&s.text[at..], style));
                }
            }
            Line::from(spans)
        })
        .collect();
    // No `.wrap()`: the layout already wrapped every line to the measure.
    frame.render_widget(Paragraph::new(lines), column);

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
