//! The reader: which text is at the top of the screen, and the motions that
//! move it. The top is a `Position`, so a resize or a change of measure never
//! moves the reader; rows are worked out from it for each frame.

use std::cell::RefCell;
use std::sync::Arc;

use crate::document::Document;
use crate::layout::{Layout, Line, LineRef};
use crate::position::Position;

/// Words per minute assumed for the time left.
pub const DEFAULT_WPM: usize = 238;

/// The reading state of one open article.
#[derive(Clone, Debug)]
pub struct Reader {
    /// The first source byte shown on the top line.
    pub top: Position,
    /// Lines between the line that `top` finds and the real top line. Blank
    /// and border lines share the position of the text they belong to; this
    /// says which of them is on top. It is never saved.
    skew: isize,
    /// Rows of text on the screen.
    pub height: usize,
    /// The last screen made, and what it was made of: a key and its frame
    /// ask for the same screen several times (the screen left, the screen
    /// reached, the frame), and a screen cold in the caches takes
    /// 0.05–0.25 ms to make.
    shown: RefCell<Option<Shown>>,
}

/// A screen, the reader's place and height it was made at, and the
/// version of the layout it was made from (see `Layout::version`).
#[derive(Clone, Debug)]
struct Shown {
    top: Position,
    skew: isize,
    height: usize,
    layout: u64,
    screen: Arc<Screen>,
}

/// What one frame shows.
#[derive(Clone, Debug, Default)]
pub struct Screen {
    pub lines: Vec<Line>,
    /// The last line of the article is on the screen.
    pub at_end: bool,
}

impl Reader {
    pub fn new(height: usize) -> Reader {
        Reader {
            top: Position::START,
            skew: 0,
            height: height.max(1),
            shown: RefCell::new(None),
        }
    }

    /// Open at `pos`: the line showing it goes on top.
    pub fn at(pos: Position, height: usize) -> Reader {
        Reader {
            top: pos,
            ..Reader::new(height)
        }
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
    }

    /// The line on top of the screen.
    pub fn top_line(&self, doc: &Document, layout: &mut Layout) -> Option<LineRef> {
        let base = layout.line_at(doc, self.top)?;
        // The skew only moves among lines that share the top's start: at
        // another width the group may be smaller, and the text must stay.
        let start = layout.line(doc, base).start;
        let mut r = base;
        // A position inside a line's text (after a resize, or restored)
        // shows that text on top, not the blank lines that share its start.
        if self.skew == 0 && self.top.0 > start {
            while layout.line(doc, r).is_blank() {
                match layout.next(doc, r) {
                    Some(n) if layout.line(doc, n).start == start => r = n,
                    _ => break,
                }
            }
            return Some(r);
        }
        for _ in 0..self.skew.unsigned_abs() {
            let step = if self.skew > 0 {
                layout.next(doc, r)
            } else {
                layout.prev(doc, r)
            };
            match step {
                Some(s) if layout.line(doc, s).start == start => r = s,
                _ => break,
            }
        }
        Some(r)
    }

    /// Put line `r` on top, remembering it as a position.
    fn set_top_line(&mut self, doc: &Document, layout: &mut Layout, r: LineRef) {
        self.top = layout.pos_at_line(doc, r);
        self.skew = match layout.line_at(doc, self.top) {
            Some(base) => layout.distance(doc, base, r),
            None => 0,
        };
    }

    /// The last line that may be on top: the one that puts the end of the
    /// article on the bottom row.
    fn max_top(&self, doc: &Document, layout: &mut Layout) -> Option<LineRef> {
        let last = layout.last(doc)?;
        let back = isize::try_from(self.height).unwrap_or(isize::MAX) - 1;
        Some(layout.walk(doc, last, -back))
    }

    /// Move by `delta` lines, down when positive. Stops at the start, and
    /// where the last line reaches the bottom of the screen.
    pub fn scroll(&mut self, doc: &Document, layout: &mut Layout, delta: isize) {
        let Some(top) = self.top_line(doc, layout) else {
            return;
        };
        let mut target = layout.walk(doc, top, delta);
        if delta > 0
            && let Some(max) = self.max_top(doc, layout)
        {
            // Never scroll back up when the end is already in view.
            target = target.min(max.max(top));
        }
        self.set_top_line(doc, layout, target);
    }

    pub fn line_down(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, 1);
    }

    pub fn line_up(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, -1);
    }

    /// A page keeps one line of the previous screen for context.
    pub fn page_down(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, self.page());
    }

    pub fn page_up(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, -self.page());
    }

    pub fn half_down(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, self.half());
    }

    pub fn half_up(&mut self, doc: &Document, layout: &mut Layout) {
        self.scroll(doc, layout, -self.half());
    }

    pub fn to_start(&mut self) {
        self.top = Position::START;
        self.skew = 0;
    }

    pub fn to_end(&mut self, doc: &Document, layout: &mut Layout) {
        if let Some(max) = self.max_top(doc, layout) {
            self.set_top_line(doc, layout, max);
        }
    }

    /// Where the reader is, exactly: the top position and which of the
    /// lines sharing it is on top.
    pub fn place(&self) -> Place {
        Place {
            top: self.top,
            skew: self.skew,
        }
    }

    /// Go back to a place exactly as it was left (the jump list).
    pub fn go_to(&mut self, place: Place) {
        self.top = place.top;
        self.skew = place.skew;
    }

    /// Whether the top line is the article's title (or its byline or
    /// rule) drawn above the text at the top position: a jump there would
    /// still move the screen.
    pub fn on_masthead(&self, doc: &Document, layout: &mut Layout) -> bool {
        self.top_line(doc, layout)
            .is_some_and(|r| !layout.line(doc, r).is_blank() && layout.line(doc, r).is_masthead())
    }

    /// Put the text at `pos` on the top line, skipping the blank lines
    /// before it. Unlike scrolling, a jump may leave space below the end, so
    /// that a last short section still starts on the top line.
    pub fn jump_to(&mut self, doc: &Document, layout: &mut Layout, pos: Position) {
        let Some(mut r) = layout.line_at(doc, pos) else {
            return;
        };
        let start = layout.line(doc, r).start;
        // The article's title, drawn above its first block, is passed
        // too: a jump to the first chapter puts its heading on top.
        while layout.line(doc, r).is_masthead() {
            match layout.next(doc, r) {
                Some(n) if layout.line(doc, n).start == start => r = n,
                _ => break,
            }
        }
        self.set_top_line(doc, layout, r);
    }

    fn page(&self) -> isize {
        isize::try_from(self.height.saturating_sub(1).max(1)).unwrap_or(1)
    }

    fn half(&self) -> isize {
        isize::try_from((self.height / 2).max(1)).unwrap_or(1)
    }

    /// The lines on the screen now.
    pub fn screen(&self, doc: &Document, layout: &mut Layout) -> Arc<Screen> {
        let made = |shown: &Shown| {
            (shown.top, shown.skew, shown.height, shown.layout)
                == (self.top, self.skew, self.height, layout.version())
        };
        if let Some(shown) = self.shown.borrow().as_ref().filter(|s| made(s)) {
            return Arc::clone(&shown.screen);
        }
        let screen = Arc::new(self.make_screen(doc, layout));
        *self.shown.borrow_mut() = Some(Shown {
            top: self.top,
            skew: self.skew,
            height: self.height,
            layout: layout.version(),
            screen: Arc::clone(&screen),
        });
        screen
    }

    fn make_screen(&self, doc: &Document, layout: &mut Layout) -> Screen {
        let Some(mut r) = self.top_line(doc, layout) else {
            return Screen {
                lines: Vec::new(),
                at_end: true,
            };
        };
        let mut lines = Vec::with_capacity(self.height);
        loop {
            lines.push(layout.line(doc, r).clone());
            let next = layout.next(doc, r);
            match next {
                Some(n) if lines.len() < self.height => r = n,
                Some(_) => {
                    return Screen {
                        lines,
                        at_end: false,
                    };
                }
                None => {
                    return Screen {
                        lines,
                        at_end: true,
                    };
                }
            }
        }
    }

    /// Percent read, counted in words before the top of the screen, and 100
    /// once the end is on screen.
    pub fn percent(&self, doc: &Document, screen: &Screen) -> u8 {
        if screen.at_end {
            100
        } else {
            doc.percent_at(self.top)
        }
    }

    /// Minutes left to the end at `wpm` words per minute, rounded up.
    pub fn minutes_left(&self, doc: &Document, screen: &Screen, wpm: usize) -> usize {
        if screen.at_end {
            return 0;
        }
        let left = doc.words.saturating_sub(doc.words_before(self.top));
        left.div_ceil(wpm.max(1))
    }
}

/// A reader's place, exactly as it was on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub top: Position,
    skew: isize,
}

impl From<Position> for Place {
    fn from(top: Position) -> Place {
        Place { top, skew: 0 }
    }
}

/// Where the reader has been: every jump pushes the place it left, as in
/// vim. Scrolling does not push.
#[derive(Clone, Debug, Default)]
pub struct JumpList {
    back: Vec<Place>,
    forward: Vec<Place>,
}

/// The most places a jump list remembers.
const JUMPS_KEPT: usize = 100;

impl JumpList {
    /// Remember `from` before jumping away from it.
    pub fn push(&mut self, from: Place) {
        if self.back.last() != Some(&from) {
            self.back.push(from);
        }
        if self.back.len() > JUMPS_KEPT {
            self.back.remove(0);
        }
        self.forward.clear();
    }

    /// The place to go back to from `current`.
    pub fn back(&mut self, current: Place) -> Option<Place> {
        let to = self.back.pop()?;
        self.forward.push(current);
        Some(to)
    }

    /// The place to go forward to again from `current`.
    pub fn forward(&mut self, current: Place) -> Option<Place> {
        let to = self.forward.pop()?;
        self.back.push(current);
        Some(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn article() -> Document {
        let mut src = String::from("# Start\n\n");
        for i in 0..40 {
            src.push_str(&format!(
                "Paragraph {i} has a sentence that is long enough to wrap at narrow widths.\n\n"
            ));
            if i % 10 == 9 {
                src.push_str(&format!("## Section {i}\n\n"));
            }
        }
        parse(&src)
    }

    #[test]
    fn a_screen_is_made_again_only_when_what_it_shows_may_change() {
        let doc = article();
        let mut layout = Layout::new(&doc, 30);
        let mut reader = Reader::new(10);
        let fresh = |reader: &Reader, layout: &Layout| {
            let mut layout = layout.clone();
            let screen = reader.make_screen(&doc, &mut layout);
            screen.lines.iter().map(Line::text).collect::<Vec<_>>()
        };
        let texts = |s: &Screen| s.lines.iter().map(Line::text).collect::<Vec<_>>();
        let first = reader.screen(&doc, &mut layout);
        assert!(Arc::ptr_eq(&first, &reader.screen(&doc, &mut layout)));
        // Each change makes it again, as it now is.
        type Change<'a> = &'a dyn Fn(&mut Reader, &mut Layout);
        let changes: [Change<'_>; 5] = [
            &|r, l| r.line_down(&doc, l),
            &|r, l| r.line_up(&doc, l),
            &|r, _| r.set_height(7),
            &|_, l| *l = l.relaid(&doc, 25),
            &|_, l| {
                l.set_options(crate::layout::LayoutOptions {
                    justify: !l.options().justify,
                    ..l.options()
                });
            },
        ];
        let mut last = first;
        for change in changes {
            change(&mut reader, &mut layout);
            let now = reader.screen(&doc, &mut layout);
            assert!(!Arc::ptr_eq(&last, &now));
            assert_eq!(texts(&now), fresh(&reader, &layout));
            last = now;
        }
        // A skew alone (one of the blank lines that share a position).
        reader.to_start();
        let before = reader.screen(&doc, &mut layout);
        reader.line_down(&doc, &mut layout);
        reader.line_down(&doc, &mut layout);
        let moved = reader.screen(&doc, &mut layout);
        assert_ne!(texts(&before), texts(&moved));
        assert_eq!(texts(&moved), fresh(&reader, &layout));
    }

    #[test]
    fn scrolling_down_and_up_returns_to_the_same_place() {
        let doc = article();
        let mut layout = Layout::new(&doc, 30);
        let mut reader = Reader::new(10);
        let mut tops = vec![reader.top_line(&doc, &mut layout)];
        for _ in 0..25 {
            reader.line_down(&doc, &mut layout);
            tops.push(reader.top_line(&doc, &mut layout));
        }
        for expected in tops.iter().rev().skip(1) {
            reader.line_up(&doc, &mut layout);
            assert_eq!(&reader.top_line(&doc, &mut layout), expected);
        }
    }

    #[test]
    fn every_line_down_moves_one_row() {
        let doc = article();
        let mut layout = Layout::new(&doc, 25);
        let mut reader = Reader::new(5);
        let total = crate::layout::layout_all(&doc, 25).len();
        let mut rows = 0;
        loop {
            let before = reader.top_line(&doc, &mut layout);
            reader.line_down(&doc, &mut layout);
            if reader.top_line(&doc, &mut layout) == before {
                break;
            }
            rows += 1;
        }
        assert_eq!(rows, total - 5);
        assert!(reader.screen(&doc, &mut layout).at_end);
    }

    #[test]
    fn resize_keeps_the_top_position() {
        let doc = article();
        let mut layout = Layout::new(&doc, 40);
        let mut reader = Reader::new(8);
        reader.page_down(&doc, &mut layout);
        reader.page_down(&doc, &mut layout);
        let top = reader.top;
        let r = reader.top_line(&doc, &mut layout).unwrap();
        let text = layout.line(&doc, r).text();
        for width in [60, 23, 40] {
            let mut other = Layout::new(&doc, width);
            let r = reader.top_line(&doc, &mut other).unwrap();
            let line = other.line(&doc, r).clone();
            assert!(
                line.start <= top.0 && top.0 <= line.end.max(line.start),
                "{width}"
            );
        }
        assert_eq!(reader.top, top);
        let r = reader.top_line(&doc, &mut layout).unwrap();
        assert_eq!(layout.line(&doc, r).text(), text);
    }

    #[test]
    fn jump_list_goes_back_and_forward_like_vim() {
        let p = |n: usize| Place::from(Position(n));
        let mut j = JumpList::default();
        assert_eq!(j.back(p(5)), None);
        j.push(p(10));
        j.push(p(20));
        assert_eq!(j.back(p(30)), Some(p(20)));
        assert_eq!(j.back(p(20)), Some(p(10)));
        assert_eq!(j.back(p(10)), None);
        assert_eq!(j.forward(p(10)), Some(p(20)));
        assert_eq!(j.forward(p(20)), Some(p(30)));
        assert_eq!(j.forward(p(30)), None);
        // A new jump drops the forward history.
        j.back(p(30));
        j.push(p(20));
        assert_eq!(j.forward(p(99)), None);
    }

    #[test]
    fn a_jump_puts_the_heading_on_the_top_line() {
        let doc = article();
        let mut layout = Layout::new(&doc, 40);
        let mut reader = Reader::new(8);
        let h = &doc.headings[2];
        reader.jump_to(
            &doc,
            &mut layout,
            Position(doc.blocks[h.block].source().start),
        );
        let top = reader.screen(&doc, &mut layout).lines[0].text();
        assert_eq!(top, h.text);
    }

    #[test]
    fn a_heading_jump_lays_out_only_what_it_shows() {
        let mut src = String::new();
        for s in 0..2000 {
            src.push_str(&format!("## Section {s}\n\n"));
            for p in 0..5 {
                src.push_str(&format!("Paragraph {p} of section {s}, long enough to wrap once or twice at the width of forty columns.\n\n"));
            }
        }
        let doc = parse(&src);
        let mut layout = Layout::new(&doc, 40);
        let mut reader = Reader::new(30);
        let outline = crate::outline::Outline::new(&doc);
        let target = outline.find("Section 1234").unwrap().start;
        reader.jump_to(&doc, &mut layout, Position(target));
        let screen = reader.screen(&doc, &mut layout);
        assert_eq!(screen.lines[0].text(), "Section 1234");
        assert!(
            layout.laid_out() < 20,
            "{} blocks laid out",
            layout.laid_out()
        );
        let next = outline.next(reader.top).unwrap().start;
        reader.jump_to(&doc, &mut layout, Position(next));
        assert!(
            layout.laid_out() < 30,
            "{} blocks laid out",
            layout.laid_out()
        );
    }

    #[test]
    fn percent_is_in_words_and_full_at_the_end() {
        let doc = article();
        let mut layout = Layout::new(&doc, 40);
        let mut reader = Reader::new(8);
        let s = reader.screen(&doc, &mut layout);
        assert_eq!(reader.percent(&doc, &s), 0);
        reader.to_end(&doc, &mut layout);
        let s = reader.screen(&doc, &mut layout);
        assert!(s.at_end);
        assert_eq!(reader.percent(&doc, &s), 100);
        assert_eq!(reader.minutes_left(&doc, &s, DEFAULT_WPM), 0);
        reader.to_start();
        reader.half_down(&doc, &mut layout);
        let s = reader.screen(&doc, &mut layout);
        assert!(reader.percent(&doc, &s) < 10);
    }
}
