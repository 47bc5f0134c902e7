//! Making a selection in the reader: `v` and its motions, a mouse drag by
//! word, a double click (a word) or a triple click (the paragraph), and
//! what a selection is for: copying it (`y`), or keeping it as a highlight.
//! The motions themselves are `selection`'s; this file turns keys and
//! screen cells into them and keeps the moving end on screen.

use std::time::{Duration, Instant};

use crate::layout::LineRef;
use crate::position::Position;
use crate::selection::{self, Motion, Selection};

use super::app::App;
use super::keymap::Mode;

/// The selection being made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selecting {
    pub sel: Selection,
}

/// A mouse press in the text: where a drag grows a selection from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Press {
    /// The source byte pressed on.
    pub at: usize,
    /// A drag has begun: the release leaves the selection made.
    pub dragged: bool,
    /// The cell the pointer was last dragged to, while it rests at the
    /// top or bottom edge of the text: the text goes on scrolling there.
    pub edge: Option<(u16, u16)>,
}

/// Presses closer than this, on the same cell, make a double or triple
/// click.
const MULTI_CLICK: Duration = Duration::from_millis(450);

/// Counts the clicks of a double or triple click: presses on one cell,
/// each soon after the last.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClickCount {
    last: Option<(Instant, u16, u16)>,
    count: u8,
}

impl ClickCount {
    /// A press at a cell at time `now`: how many clicks it makes, 1 to 3
    /// (a fourth starts again at 1).
    pub fn press(&mut self, now: Instant, column: u16, row: u16) -> u8 {
        let again = self.last.is_some_and(|(t, c, r)| {
            c == column && r == row && now.saturating_duration_since(t) <= MULTI_CLICK
        });
        self.count = if again && self.count < 3 {
            self.count + 1
        } else {
            1
        };
        self.last = Some((now, column, row));
        self.count
    }
}

impl App {
    /// `v`: select the current search match when it is on screen, else
    /// the first word of the top line.
    pub fn start_selection(&mut self) {
        let matched = self
            .search
            .as_ref()
            .and_then(|s| s.current.and_then(|k| s.get(k)).cloned());
        let matched = matched.filter(|m| self.on_screen(m.start));
        let range = match matched {
            Some(m) => Some(m),
            None => {
                // The first line on screen that shows text: not a
                // heading's underline or a table's border, whose words
                // are off the screen or further down.
                let screen = self.reader.screen(&self.doc, &mut self.layout);
                let top = screen
                    .lines
                    .iter()
                    .find_map(|l| selection::line_start(&selection::cells(l, &self.doc.text)))
                    .unwrap_or(self.reader.top.0);
                selection::word_at(&self.doc, top)
            }
        };
        match range {
            Some(range) => self.select(Selection::of(range)),
            None => self.message = Some("No text to select here".into()),
        }
    }

    /// Show `sel` as the selection being made.
    fn select(&mut self, sel: Selection) {
        self.selecting = Some(Selecting { sel });
        self.mode = Mode::Select;
        self.link = None;
    }

    /// Move the selection's moving end by `motion`, far enough that the
    /// selection takes in or gives up a word (`selection::extend`).
    pub fn select_motion(&mut self, motion: Motion) {
        if let Some(s) = &mut self.selecting {
            selection::extend(&self.doc, &mut s.sel, motion);
        }
        self.show_head();
    }

    /// `j` and `k`: the moving end to the same column `n` lines down (up
    /// when negative), and on to the edge of the word there.
    pub fn select_lines(&mut self, n: isize) {
        self.move_head(|app, head| {
            let here = app.text_line_at(head)?;
            let cells = selection::cells(app.layout.line(&app.doc, here), &app.doc.text);
            let column = selection::column_of(&cells, head);
            let mut r = here;
            // Lines without text (blank lines, borders) are passed over.
            for _ in 0..n.unsigned_abs() {
                let mut next = r;
                loop {
                    let step = if n > 0 {
                        app.layout.next(&app.doc, next)
                    } else {
                        app.layout.prev(&app.doc, next)
                    };
                    let Some(step) = step else {
                        return Some(head);
                    };
                    next = step;
                    let line = app.layout.line(&app.doc, next);
                    if selection::line_start(&selection::cells(line, &app.doc.text)).is_some() {
                        break;
                    }
                }
                r = next;
            }
            let cells = selection::cells(app.layout.line(&app.doc, r), &app.doc.text);
            let at = if n < 0 {
                selection::at_column_back(&cells, column)?
            } else {
                selection::at_column(&cells, column)?
            };
            let fixed = app.selecting.as_ref().map(|s| s.sel.anchor.clone())?;
            Some(selection::whole_word(&app.doc, at, &fixed))
        });
    }

    /// `0` and `$`: the moving end to the start or end of its line's text.
    pub fn select_line_edge(&mut self, end: bool) {
        self.move_head(|app, head| {
            let here = app.text_line_at(head)?;
            let cells = selection::cells(app.layout.line(&app.doc, here), &app.doc.text);
            if end {
                selection::line_end(&cells)
            } else {
                selection::line_start(&cells)
            }
        });
    }

    /// `o`: the other end moves from now on.
    pub fn select_swap(&mut self) {
        if let Some(s) = &mut self.selecting {
            s.sel.swap();
        }
        self.show_head();
    }

    /// The line whose text holds byte `head`. `line_at` gives a block's
    /// first line for its start, which is the blank line above its text
    /// when it has one.
    fn text_line_at(&mut self, head: usize) -> Option<LineRef> {
        let mut r = self.layout.line_at(&self.doc, Position(head))?;
        loop {
            let line = self.layout.line(&self.doc, r);
            if selection::line_start(&selection::cells(line, &self.doc.text)).is_some() {
                return Some(r);
            }
            match self.layout.next(&self.doc, r) {
                Some(n) if n.block == r.block && self.layout.line(&self.doc, n).start <= head => {
                    r = n;
                }
                _ => return Some(r),
            }
        }
    }

    fn move_head(&mut self, to: impl FnOnce(&mut App, usize) -> Option<usize>) {
        let Some(head) = self.selecting.as_ref().map(|s| s.sel.head) else {
            return;
        };
        if let Some(new) = to(self, head)
            && let Some(s) = &mut self.selecting
        {
            s.sel.head = new;
        }
        self.show_head();
    }

    /// Scroll as little as keeps the moving end on screen.
    fn show_head(&mut self) {
        let Some(head) = self.selecting.as_ref().map(|s| s.sel.head) else {
            return;
        };
        let (Some(top), Some(at)) = (
            self.reader.top_line(&self.doc, &mut self.layout),
            self.layout.line_at(&self.doc, Position(head)),
        ) else {
            return;
        };
        let down = self.layout.distance(&self.doc, top, at);
        let height = isize::try_from(self.reader.height.max(1)).unwrap_or(1);
        if down < 0 {
            self.reader.scroll(&self.doc, &mut self.layout, down);
        } else if down >= height {
            self.reader
                .scroll(&self.doc, &mut self.layout, down - height + 1);
        }
    }

    /// The text selected, as the reader sees it.
    pub fn selected_text(&self) -> Option<String> {
        let s = self.selecting.as_ref()?;
        Some(selection::text_of(&self.doc, s.sel.range()))
    }

    /// The source bytes selected, space at the ends left out.
    pub fn selected_range(&self) -> Option<std::ops::Range<usize>> {
        let s = self.selecting.as_ref()?;
        let r = selection::trimmed(&self.doc, s.sel.range());
        (!r.is_empty()).then_some(r)
    }

    /// What the status bar says while selecting, in `width` columns: the
    /// keys are left out when they do not fit.
    pub fn selection_status(&self, width: usize) -> Option<String> {
        let text = self.selected_text()?;
        let words = crate::document::count_words(&text);
        let unit = if words == 1 { "word" } else { "words" };
        let long = format!("Selected {words} {unit} · h highlight · n note · y copy");
        Some(
            if unicode_width::UnicodeWidthStr::width(long.as_str()) < width {
                long
            } else {
                format!("Selected {words} {unit} · h n y")
            },
        )
    }

    /// `y`: copy the selection and stop selecting.
    pub fn copy_selection(&mut self) {
        let text = self.selected_text().unwrap_or_default();
        self.end_selection();
        if text.is_empty() {
            self.message = Some("Nothing selected to copy".into());
        } else {
            self.copy("selection", text);
        }
    }

    /// Leave the selection mode.
    pub fn end_selection(&mut self) {
        self.selecting = None;
        self.press = None;
        if self.mode == Mode::Select {
            self.mode = Mode::Reading;
        }
    }

    /// The source byte drawn at a cell of the text column: the nearest
    /// text on its row. Rows above and below the column count as its first
    /// and last.
    pub fn source_at_cell(&mut self, column: u16, row: u16) -> Option<usize> {
        let (x0, y0, width, height) = self.text_column;
        if width == 0 || height == 0 {
            return None;
        }
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let last = screen.lines.len().checked_sub(1)?;
        let r = usize::from(row.saturating_sub(y0)).min(last);
        let cells = selection::cells(&screen.lines[r], &self.doc.text);
        let c = usize::from(column.saturating_sub(x0));
        selection::at_column(&cells, c)
    }

    /// The source byte a drag at a cell points at: the text on its row,
    /// or, on a row without text (the blank line between two paragraphs,
    /// a border), where the text below it starts, else where the text
    /// above it ends. So a drag never sticks on a blank row at an edge.
    fn drag_point(&mut self, column: u16, row: u16) -> Option<usize> {
        let (x0, y0, width, height) = self.text_column;
        if width == 0 || height == 0 {
            return None;
        }
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let last = screen.lines.len().checked_sub(1)?;
        let r = usize::from(row.saturating_sub(y0)).min(last);
        let cells = |i: usize| selection::cells(&screen.lines[i], &self.doc.text);
        let here = cells(r);
        if selection::line_start(&here).is_some() {
            return selection::at_column(&here, usize::from(column.saturating_sub(x0)));
        }
        (r + 1..=last)
            .find_map(|i| selection::line_start(&cells(i)))
            .or_else(|| (0..r).rev().find_map(|i| selection::line_end(&cells(i))))
    }

    /// A press of the mouse in the text at a cell, the `count`th of a
    /// double or triple click: the first arms a drag, the second selects
    /// the word, the third the paragraph.
    pub fn press_text(&mut self, column: u16, row: u16, count: u8) {
        let Some(at) = self.source_at_cell(column, row) else {
            return;
        };
        match count {
            2 => {
                if let Some(w) = selection::word_at(&self.doc, at) {
                    self.select(Selection::of(w));
                }
            }
            3.. => {
                if let Some(p) = selection::paragraph_at(&self.doc, at) {
                    self.select(Selection::of(p));
                }
            }
            _ => {
                self.end_selection();
                self.press = Some(Press {
                    at,
                    dragged: false,
                    edge: None,
                });
            }
        }
    }

    /// The mouse moved with its button down: select by word from the word
    /// pressed to the word under it, scrolling when it is at an edge of
    /// the text.
    pub fn drag_to(&mut self, column: u16, row: u16) {
        let Some(press) = self.press else {
            return;
        };
        let Some(pressed) = selection::word_at(&self.doc, press.at) else {
            return;
        };
        // At the top or bottom row, going that way, the text scrolls.
        let (_, y0, _, height) = self.text_column;
        let here = self.drag_point(column, row);
        let up = row <= y0 && here.is_some_and(|at| at < pressed.start);
        let down = row + 1 >= y0.saturating_add(height) && here.is_some_and(|at| at >= pressed.end);
        if up {
            self.reader.scroll(&self.doc, &mut self.layout, -1);
        } else if down {
            self.reader.scroll(&self.doc, &mut self.layout, 1);
        }
        let Some(at) = self.drag_point(column, row) else {
            return;
        };
        // Whole words: the end of the word under the pointer going forward,
        // its start going back; on a space, the space.
        let head = if pressed.contains(&at) {
            pressed.end
        } else {
            selection::whole_word(&self.doc, at, &pressed)
        };
        if !press.dragged {
            self.select(Selection::of(pressed));
        }
        if let Some(s) = &mut self.selecting {
            s.sel.head = head;
        }
        self.press = Some(Press {
            dragged: true,
            edge: (up || down).then_some((column, row)),
            ..press
        });
    }

    /// A tick of the clock in a drag (the event loop's, when no event
    /// came): while the pointer rests at the top or bottom edge, the text
    /// scrolls on a line and the selection grows with it, as in a
    /// browser. A terminal reports no move of a pointer held still.
    pub fn drag_on(&mut self) {
        if let Some((column, row)) = self.press.and_then(|p| p.edge) {
            self.drag_to(column, row);
        }
    }

    /// The mouse button let go: a drag leaves its selection to act on.
    pub fn release(&mut self) {
        self.press = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_on_one_cell_in_quick_succession_count_up_to_three() {
        let mut c = ClickCount::default();
        let t = Instant::now();
        assert_eq!(c.press(t, 5, 5), 1);
        assert_eq!(c.press(t + Duration::from_millis(100), 5, 5), 2);
        assert_eq!(c.press(t + Duration::from_millis(200), 5, 5), 3);
        assert_eq!(c.press(t + Duration::from_millis(300), 5, 5), 1);
        assert_eq!(c.press(t + Duration::from_millis(400), 6, 5), 1);
        assert_eq!(c.press(t + Duration::from_secs(2), 6, 5), 1);
    }
}
