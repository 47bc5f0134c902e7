//! The terminal the frames are drawn on. ratatui draws each frame into a
//! buffer, and the cells that changed since the frame before are written
//! as its crossterm backend writes them (see `encode`), but for one thing:
//! between two changed
//! cells on a row, a few unchanged cells of plain text are written again
//! rather than jumped over. A jump is a cursor move of 6 to 9 bytes where a
//! space is one: the frame after `50%` far into an article, where every
//! word moved but most spaces between them did not, held 339 jumps, 2.7 KB
//! of its 5.6 KB. The terminal shows the same cells either way.

use std::io::{self, BufWriter, Stdout, Write};
use std::rc::Rc;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect, Size};
use ratatui::{Frame, Terminal};

/// Unchanged cells at most written again between two changed ones: more
/// than a cursor move takes.
const GAP: u16 = 8;

/// A full screen of text at 200x60 fits in the buffer written out.
const FRAME_BUFFER: usize = 1 << 16;

/// What the terminal was told besides frames (see `Out`): cleared whole,
/// or in part, which leaves what it shows unknown.
#[derive(Default)]
struct Cleared {
    all: std::cell::Cell<bool>,
    part: std::cell::Cell<bool>,
}

thread_local! {
    /// Where the frame being drawn puts the cursor (see `set_cursor`).
    static CURSOR: std::cell::Cell<Option<Position>> = const { std::cell::Cell::new(None) };
}

/// Show the terminal's cursor at `position` once the frame being drawn
/// is written; without a call, it is hidden.
pub fn set_cursor(frame: &mut Frame<'_>, position: Position) {
    CURSOR.with(|c| c.set(Some(position)));
    frame.set_cursor_position(position);
}

/// The frames: ratatui renders each into its terminal's buffer, and this
/// writes what changed since the one before, kept in `shown`. Ratatui's
/// own writing would diff the frame against its copy of the one before,
/// and the backend would copy each changed cell into one of its own, for
/// the gaps (see `with_gaps`): a whole-screen frame's copy took 40–70 µs.
/// Here the frame and `shown` trade places once it is written.
pub struct Frames {
    terminal: Terminal<Out>,
    /// Every cell as last written, as the terminal shows it.
    shown: Buffer,
    cleared: Rc<Cleared>,
    /// The places of the cells a frame changed, and of those it writes
    /// (see `with_gaps`), and its bytes: kept for the next frame's.
    changed: Vec<(u16, u16)>,
    cells: Vec<(u16, u16)>,
    bytes: Vec<u8>,
    /// Where the last frame put the cursor; `None`: hidden.
    cursor: Option<Position>,
}

impl Frames {
    pub fn new() -> io::Result<Frames> {
        let cleared = Rc::new(Cleared::default());
        let out = Out {
            // A buffer that holds a whole frame, flushed once the frame is
            // drawn, so that it goes to the terminal in one write. Stdout
            // alone would write it in pieces of 1 KiB (the size of its line
            // buffer): six writes for the first screen of an article at
            // 120x40, each a trip through the terminal's input before the
            // status bar, the last line written, is on screen.
            inner: CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER, io::stdout())),
            cleared: Rc::clone(&cleared),
        };
        Ok(Frames {
            terminal: Terminal::new(out)?,
            shown: Buffer::empty(Rect::ZERO),
            cleared,
            changed: Vec::new(),
            cells: Vec::new(),
            bytes: Vec::new(),
            cursor: None,
        })
    }

    pub fn backend_mut(&mut self) -> &mut Out {
        self.terminal.backend_mut()
    }

    /// Draw a frame with `render`, and write what changed. `covered(x,
    /// y)`: the terminal shows that cell otherwise than the frame says (a
    /// hyperlink written over it), and it is written only when it changed.
    /// The area and the cells of the frame.
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut Frame<'_>),
        covered: impl Fn(u16, u16) -> bool,
    ) -> io::Result<(Rect, &Buffer)> {
        // A new size clears the terminal (ratatui's `resize`).
        self.terminal.autoresize()?;
        CURSOR.with(|c| c.set(None));
        let mut frame = self.terminal.get_frame();
        render(&mut frame);
        let area = frame.area();
        let cursor = CURSOR.with(std::cell::Cell::take);
        let next = self.terminal.current_buffer_mut();
        if self.cleared.all.take() || self.shown.area != next.area {
            // A cleared terminal shows what is known again: blank.
            self.shown = Buffer::empty(next.area);
            self.cleared.part.set(false);
        }
        self.changed.clear();
        self.cells.clear();
        self.changed
            .extend(self.shown.diff_iter(next).map(|(x, y, _)| (x, y)));
        let order = if self.cleared.part.get() {
            &self.changed
        } else {
            with_gaps(&self.changed, next, covered, &mut self.cells);
            &self.cells
        };
        self.bytes.clear();
        encode(
            order.iter().map(|&(x, y)| (x, y, &next[(x, y)])),
            &mut self.bytes,
        );
        // Where ratatui puts the cursor, after the frame.
        self.cursor = cursor;
        match cursor {
            None => crossterm::queue!(self.bytes, crossterm::cursor::Hide)?,
            Some(at) => crossterm::queue!(
                self.bytes,
                crossterm::cursor::Show,
                crossterm::cursor::MoveTo(at.x, at.y)
            )?,
        }
        // The frame is what the terminal shows now; what it showed is
        // the buffer of the next frame, blank.
        std::mem::swap(&mut self.shown, next);
        next.reset();
        let out = self.terminal.backend_mut();
        let written = out.write_all(&self.bytes).and_then(|()| Write::flush(out));
        if written.is_err() {
            // What the terminal shows is not known: the next frame is
            // written whole.
            self.cleared.all.set(true);
        }
        written?;
        Ok((area, &self.shown))
    }

    /// Write `cells` over the last frame (hyperlinks: cells that
    /// `covered` keeps out of the frames' gaps), and put the cursor back
    /// where the frame put it.
    pub fn write_cells<'a>(
        &mut self,
        cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
    ) -> io::Result<()> {
        self.bytes.clear();
        encode(cells, &mut self.bytes);
        if let Some(at) = self.cursor {
            crossterm::queue!(self.bytes, crossterm::cursor::MoveTo(at.x, at.y))?;
        }
        let out = self.terminal.backend_mut();
        out.write_all(&self.bytes)?;
        Write::flush(out)
    }
}

/// The terminal's size, in columns and rows, asked of the standard output
/// the frames go to: one call, where crossterm's opens `/dev/tty` to ask
/// it and closes it again, on every frame ratatui draws.
pub fn size() -> io::Result<(u16, u16)> {
    #[cfg(unix)]
    if let Ok(size) = rustix::termios::tcgetwinsize(io::stdout())
        && size.ws_col > 0
        && size.ws_row > 0
    {
        return Ok((size.ws_col, size.ws_row));
    }
    crossterm::terminal::size()
}

/// Crossterm's backend, for what ratatui's terminal does besides frames
/// (its size, clearing, the cursor), and the frames' bytes.
pub struct Out {
    inner: CrosstermBackend<BufWriter<Stdout>>,
    cleared: Rc<Cleared>,
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl Backend for Out {
    type Error = io::Error;

    /// Not called: `Frames::draw` writes the frames, and
    /// `Frames::write_cells` cells over them.
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        if clear_type == ClearType::All {
            self.cleared.all.set(true);
        } else {
            self.cleared.part.set(true);
        }
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        size().map(|(width, height)| Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// The bytes that write `cells` to the terminal, appended to `out`: the
/// bytes ratatui's crossterm backend writes for them, byte for byte. It
/// formats each cell's move and text through `fmt`, which took a sixth of
/// a whole-screen frame; here they are copied, and only a change of
/// colour or attribute, rare in a frame, is formatted (by crossterm).
pub fn encode<'a>(cells: impl Iterator<Item = (u16, u16, &'a Cell)>, out: &mut Vec<u8>) {
    use crossterm::queue;
    use crossterm::style::{
        Attribute, Color as Ink, Colors, SetAttribute, SetBackgroundColor, SetColors,
        SetForegroundColor, SetUnderlineColor,
    };
    use ratatui::backend::IntoCrossterm;
    use ratatui::style::{Color, Modifier};

    let mut fg = Color::Reset;
    let mut bg = Color::Reset;
    let mut underline = Color::Reset;
    let mut modifier = Modifier::empty();
    let mut last: Option<(u16, u16)> = None;
    // Writes to a `Vec` do not fail.
    for (x, y, cell) in cells {
        if last.is_none_or(|(lx, ly)| ly != y || lx.checked_add(1) != Some(x)) {
            out.extend_from_slice(b"\x1b[");
            push_number(out, u32::from(y) + 1);
            out.push(b';');
            push_number(out, u32::from(x) + 1);
            out.push(b'H');
        }
        last = Some((x, y));
        if cell.modifier != modifier {
            let _ = modifier_diff(modifier, cell.modifier, out);
            modifier = cell.modifier;
        }
        if cell.fg != fg || cell.bg != bg {
            let colors = Colors::new(cell.fg.into_crossterm(), cell.bg.into_crossterm());
            let _ = queue!(out, SetColors(colors));
            fg = cell.fg;
            bg = cell.bg;
        }
        if cell.underline_color != underline {
            let _ = queue!(
                out,
                SetUnderlineColor(cell.underline_color.into_crossterm())
            );
            underline = cell.underline_color;
        }
        out.extend_from_slice(cell.symbol().as_bytes());
    }
    let _ = queue!(
        out,
        SetForegroundColor(Ink::Reset),
        SetBackgroundColor(Ink::Reset),
        SetUnderlineColor(Ink::Reset),
        SetAttribute(Attribute::Reset),
    );
}

/// `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The attributes that go from `from` to `to`, as ratatui's crossterm
/// backend writes them.
fn modifier_diff(
    from: ratatui::style::Modifier,
    to: ratatui::style::Modifier,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    use crossterm::queue;
    use crossterm::style::{Attribute, SetAttribute};
    use ratatui::style::Modifier;

    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        queue!(out, SetAttribute(Attribute::NoReverse))?;
    }
    // Bold and dim are both ended by normal intensity: what stays of
    // them is set again.
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        queue!(out, SetAttribute(Attribute::NormalIntensity))?;
        if to.contains(Modifier::DIM) {
            queue!(out, SetAttribute(Attribute::Dim))?;
        }
        if to.contains(Modifier::BOLD) {
            queue!(out, SetAttribute(Attribute::Bold))?;
        }
    }
    let ended = [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ];
    for (m, a) in ended {
        if removed.contains(m) {
            queue!(out, SetAttribute(a))?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        queue!(out, SetAttribute(Attribute::NoBlink))?;
    }
    let added = to - from;
    let started = [
        (Modifier::REVERSED, Attribute::Reverse, true),
        (Modifier::BOLD, Attribute::Bold, !reset_intensity),
        (Modifier::ITALIC, Attribute::Italic, true),
        (Modifier::UNDERLINED, Attribute::Underlined, true),
        (Modifier::DIM, Attribute::Dim, !reset_intensity),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut, true),
        (Modifier::HIDDEN, Attribute::Hidden, true),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink, true),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink, true),
    ];
    for (m, a, on) in started {
        if on && added.contains(m) {
            queue!(out, SetAttribute(a))?;
        }
    }
    Ok(())
}

/// A cell of one printable ASCII byte: the cursor is on the next cell
/// after it is written.
fn plain(cell: &Cell) -> bool {
    let symbol = cell.symbol().as_bytes();
    symbol.len() == 1 && (b' '..0x7f).contains(&symbol[0])
}

/// A cell the diff never writes (see ratatui's `BufferDiff`).
#[allow(deprecated)]
fn skipped(cell: &Cell) -> bool {
    !matches!(cell.diff_option, CellDiffOption::None) || cell.skip
}

/// The places of the cells to write, into `cells`: those that changed, in
/// order (`changed`, from ratatui's diff of the frame before and `frame`),
/// and between two of them on a row at most `GAP` cells apart, the cells
/// between, which did not change: when the changed cell before them is
/// plain (see `plain`), and they are plain and not under an escape
/// sequence (a picture's cells are skipped, a hyperlink is `covered`),
/// so that the cursor is on each where a move would put it.
pub fn with_gaps(
    changed: &[(u16, u16)],
    frame: &Buffer,
    covered: impl Fn(u16, u16) -> bool,
    cells: &mut Vec<(u16, u16)>,
) {
    let area = frame.area;
    let width = usize::from(area.width);
    let index = |x: u16, y: u16| {
        let (row, col) = (y.checked_sub(area.y)?, x.checked_sub(area.x)?);
        Some(usize::from(row) * width + usize::from(col))
    };
    cells.reserve(changed.len() * 3 / 2);
    for &(x, y) in changed {
        if let Some(&(px, py)) = cells.last()
            && py == y
            && px < x
            && x - px - 1 <= GAP
            && let Some(last) = index(px, py)
            && frame.content.get(last).is_some_and(plain)
        {
            // The cells after the last one on its row, up to this one.
            let (from, to) = (last + 1, last + 1 + usize::from(x - px - 1));
            if let Some(between) = frame.content.get(from..to)
                && between.iter().all(|c| plain(c) && !skipped(c))
                && (px + 1..x).all(|gx| !covered(gx, y))
            {
                cells.extend((px + 1..x).map(|gx| (gx, y)));
            }
        }
        cells.push((x, y));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use std::io::Write;

    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Style};

    /// The bytes a backend writes, kept.
    #[derive(Clone, Default)]
    struct Bytes(Rc<RefCell<Vec<u8>>>);

    impl Write for Bytes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// What a terminal shows once the whole frame `shown` is written, and
    /// then `cells` through the crossterm backend; with the bytes `cells`
    /// took.
    fn on_screen(shown: &Buffer, cells: &[(u16, u16, &Cell)]) -> (Vec<String>, usize) {
        let area = shown.area;
        let mut parser = vt100::Parser::new(area.height, area.width, 0);
        let whole = Buffer::empty(area).diff(shown);
        for (i, cells) in [whole, cells.to_vec()].into_iter().enumerate() {
            let bytes = Bytes::default();
            let mut backend = CrosstermBackend::new(bytes.clone());
            backend.draw(cells.into_iter()).unwrap();
            parser.process(&bytes.0.borrow());
            if i == 1 {
                return (cells_of(parser.screen()), bytes.0.borrow().len());
            }
        }
        unreachable!()
    }

    /// Each cell of `screen` as it looks: its text (a space where none was
    /// written), colours (no ink on a space) and attributes, and whether it
    /// is a wide character or the second half of one.
    fn cells_of(screen: &vt100::Screen) -> Vec<String> {
        let (rows, cols) = screen.size();
        let mut all = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let cell = screen.cell(r, c).unwrap();
                let text = if cell.has_contents() {
                    cell.contents().to_string()
                } else {
                    " ".to_string()
                };
                let ink = if text == " " {
                    vt100::Color::Default
                } else {
                    cell.fgcolor()
                };
                all.push(format!(
                    "{text:?} {ink:?} {:?} {} {} {} {} {} {}",
                    cell.bgcolor(),
                    cell.bold(),
                    cell.italic(),
                    cell.underline(),
                    cell.inverse(),
                    cell.is_wide(),
                    cell.is_wide_continuation()
                ));
            }
        }
        all
    }

    /// `with_gaps` from the frame `before` to `after`, with the cells.
    fn gaps<'a>(
        before: &Buffer,
        after: &'a Buffer,
        covered: impl Fn(u16, u16) -> bool,
    ) -> Vec<(u16, u16, &'a Cell)> {
        let changed: Vec<(u16, u16)> = before.diff(after).iter().map(|&(x, y, _)| (x, y)).collect();
        let mut cells = Vec::new();
        with_gaps(&changed, after, covered, &mut cells);
        cells
            .into_iter()
            .map(|(x, y)| (x, y, &after[(x, y)]))
            .collect()
    }

    fn row(text: &str) -> Vec<Cell> {
        text.chars()
            .map(|ch| {
                let mut cell = Cell::default();
                cell.set_char(ch);
                cell
            })
            .collect()
    }

    fn buffer(rows: &[Vec<Cell>]) -> Buffer {
        let width = u16::try_from(rows[0].len()).unwrap();
        let height = u16::try_from(rows.len()).unwrap();
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        buf.content = rows.concat();
        buf
    }

    #[test]
    fn spaces_between_changed_words_are_written_again_not_jumped_over() {
        let before = buffer(&[row("ab cd ef gh         kl")]);
        let after = buffer(&[row("xy zw ef ij         mn")]);
        let cells = gaps(&before, &after, |_, _| false);
        let xs: Vec<u16> = cells.iter().map(|&(x, _, _)| x).collect();
        // The space between the words, and ` ef `; not the 9 spaces
        // before `mn` (`GAP` is more than a move).
        assert_eq!(xs, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21]);
        let (screen, bytes) = on_screen(&before, &cells);
        let (alone, jumps) = on_screen(&before, &before.diff(&after));
        assert_eq!(screen, alone);
        assert!(bytes < jumps, "{bytes} against {jumps}");
        // A covered cell is jumped over.
        let cells = gaps(&before, &after, |x, _| x == 2);
        let xs: Vec<u16> = cells.iter().map(|&(x, _, _)| x).collect();
        assert_eq!(xs, [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 20, 21]);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever the cells, their colours and attributes, `encode`
        /// writes the bytes ratatui's crossterm backend writes.
        #[test]
        fn encode_writes_what_crossterm_writes(
            cells in prop::collection::vec(
                (
                    // Often the cell after the one before, on its row.
                    prop::sample::select(vec![0u16, 1, 2, 3, 4, 9, 10, 99, 1000, 65534]),
                    prop::sample::select(vec![0u16, 1, 9, 12345]),
                    prop::sample::select(vec!["a", " ", "漢", "é", "", "…"]),
                    prop::sample::select(vec![
                        Color::Reset, Color::Blue, Color::LightRed, Color::Indexed(17),
                        Color::Rgb(1, 200, 30),
                    ]),
                    prop::sample::select(vec![Color::Reset, Color::DarkGray, Color::Rgb(9, 9, 9)]),
                    prop::sample::select(vec![Color::Reset, Color::Red]),
                    0u16..0x200,
                ),
                0..60,
            ),
        ) {
            use ratatui::style::Modifier;
            let cells: Vec<(u16, u16, Cell)> = cells
                .into_iter()
                .map(|(x, y, text, fg, bg, line, bits)| {
                    let mut cell = Cell::default();
                    cell.set_symbol(text).set_fg(fg).set_bg(bg);
                    cell.underline_color = line;
                    cell.modifier = Modifier::from_bits_truncate(bits);
                    (x, y, cell)
                })
                .collect();
            let bytes = Bytes::default();
            let mut backend = CrosstermBackend::new(bytes.clone());
            backend.draw(cells.iter().map(|(x, y, c)| (*x, *y, c))).unwrap();
            let mut ours = Vec::new();
            encode(cells.iter().map(|(x, y, c)| (*x, *y, c)), &mut ours);
            prop_assert_eq!(ours, bytes.0.borrow().clone());
        }

        /// Whatever two frames are, writing the second's changed cells
        /// with the gaps between them filled shows what writing the
        /// changed cells alone shows.
        #[test]
        fn the_gaps_filled_show_the_same_frame(
            rows in prop::collection::vec(
                (
                    prop::collection::vec(prop::sample::select(vec!['a', 'b', ' ', '漢', 'é']), 12),
                    prop::collection::vec(prop::sample::select(vec!['a', 'c', ' ', '漢']), 12),
                    prop::collection::vec(0u16..12, 0..4),
                    any::<bool>(),
                ),
                1..4,
            ),
        ) {
            // Each row as `Buffer::set_string` puts it (a wide character
            // hides the cell after it); some cells in colour, some
            // skipped.
            let build = |after: bool| {
                let height = u16::try_from(rows.len()).unwrap();
                let mut buf = Buffer::empty(Rect::new(0, 0, 12, height));
                for (y, (one, two, marked, skip)) in rows.iter().enumerate() {
                    let y = u16::try_from(y).unwrap();
                    let text: String = if after { two } else { one }.iter().collect();
                    buf.set_stringn(0, y, &text, 12, Style::default());
                    for &x in marked.iter().filter(|_| after) {
                        if *skip {
                            buf[(x, y)].set_diff_option(CellDiffOption::Skip);
                        } else {
                            buf[(x, y)].set_fg(Color::Blue);
                        }
                    }
                }
                buf
            };
            let (before, after) = (build(false), build(true));
            let cells = gaps(&before, &after, |_, _| false);
            prop_assert_eq!(
                on_screen(&before, &cells).0,
                on_screen(&before, &before.diff(&after)).0
            );
        }
    }
}
