//! The head of a long article on screen while the rest of the file is read
//! on a thread (see `load::load_head`). Keys are read meanwhile: motions
//! that stay in what is shown are served by the head's reader; `50%`,
//! `G` and `End` by a window far into the article parsed from the bytes
//! around their place (`parse::window::parse_far`), read from the file
//! as `less` reads them; anything else waits for the whole, which takes
//! the head's place at the same byte.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use anyhow::Result;

use super::action::Action;
use super::app::App;
use crate::document::Document;
use crate::load::{Peek, Rest, Source};

/// Source bytes a far window keeps before its place (a line or two back
/// up; more waits for the whole). After it, one and a half screens of
/// `HEAD_LINE` bytes a row (see `tui`), and at least `AFTER`; at the end,
/// that much before it.
const BEFORE: usize = 1024;
const AFTER: usize = 4 * 1024;

/// The whole article, read, and opened in a reader of its own.
pub type Whole = Result<(Source, App)>;

/// The rest of a long article, being read.
pub struct Reading {
    rx: Receiver<Whole>,
    peek: Option<Peek>,
    /// Tells the thread to read now rather than after `QUIET`.
    go: mpsc::Sender<()>,
}

/// How long after the head's first frame the rest waits, unless it is
/// wanted sooner: the terminal shows that frame, and the first keys are
/// served (a jump far in from the bytes around its place), without the
/// read, the copy and the opening of the whole taking the cores. Reading
/// 10 MB and opening them takes 10–20 ms of a core.
pub const QUIET: std::time::Duration = std::time::Duration::from_millis(20);

/// What a key pressed while the rest is read needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Serve {
    /// Nothing more than the reader shows.
    Here,
    /// A window around this byte of the file.
    Far(usize),
    /// The whole article.
    Wait,
}

impl Reading {
    /// Read `rest` on a thread, and open the whole there with `open`:
    /// opening 10 MB takes milliseconds, which keys need not wait for.
    pub fn start(
        rest: Rest,
        open: impl FnOnce(&Source, Arc<str>) -> App + Send + 'static,
    ) -> Reading {
        let peek = rest.peek();
        let (tx, rx) = mpsc::channel();
        let (go, gate) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("rest".into())
            .spawn(move || {
                let _ = gate.recv_timeout(QUIET);
                // Read straight into the buffer the reader shares.
                let whole = rest.read_shared().map(|(source, text)| {
                    let app = open(&source, text);
                    (source, app)
                });
                let _ = tx.send(whole);
            });
        if let Err(e) = spawned {
            let (tx, failed) = mpsc::channel();
            let _ = tx.send(Err(anyhow::anyhow!(
                "cannot start reading the article: {e}"
            )));
            return Reading {
                rx: failed,
                peek,
                go,
            };
        }
        Reading { rx, peek, go }
    }

    /// The whole article once it is read (or could not be), without
    /// waiting.
    pub fn poll(&self) -> Option<Whole> {
        match self.rx.try_recv() {
            Ok(read) => Some(read),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err(anyhow::anyhow!("the article could not be read")))
            }
        }
    }

    /// Wait for the whole article, at most `limit`.
    pub fn wait_for(self, limit: std::time::Duration) -> Option<Whole> {
        let _ = self.go.send(());
        match self.rx.recv_timeout(limit) {
            Ok(whole) => Some(whole),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Some(Err(anyhow::anyhow!("the article could not be read")))
            }
        }
    }

    /// Wait for the whole article.
    pub fn wait(self) -> Whole {
        let _ = self.go.send(());
        self.rx
            .recv()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the article could not be read")))
    }

    /// What `action`, pressed in `app` (the head's reader), needs.
    pub fn serve(&self, app: &mut App, action: Action) -> Serve {
        let Some(len) = self.peek.as_ref().and_then(|p| usize::try_from(p.len).ok()) else {
            return Serve::Wait;
        };
        let far = |app: &mut App, at: usize| {
            if app.is_partial() && covers(app, at) {
                Serve::Here
            } else {
                Serve::Far(at)
            }
        };
        match action {
            Action::CountDigit(_) => Serve::Here,
            Action::Percent => match app.typed_count() {
                // Says how to use it.
                None => Serve::Here,
                Some(0) if !app.is_partial() => Serve::Here,
                Some(0) => Serve::Wait,
                Some(n) if n >= 100 => far(app, len),
                Some(n) => {
                    let n = usize::try_from(n).unwrap_or(100);
                    far(app, len / 100 * n + len % 100 * n / 100)
                }
            },
            Action::Bottom => far(app, len),
            // A line, a half page, a page or the wheel.
            motion if motion.is_reading_motion() && fits(app) => Serve::Here,
            _ => Serve::Wait,
        }
    }

    /// The window around byte `at` of the file, for a screen of `rows`
    /// rows, parsed from the bytes around it; `None` when they cannot be
    /// read, or are not whole lines of UTF-8 (the whole is waited for);
    /// see `parse::window::far_window`.
    pub fn far_window(&self, at: usize, rows: usize) -> Option<Document> {
        let peek = self.peek.as_ref()?;
        let len = usize::try_from(peek.len).ok()?;
        let after = (3 * rows * super::HEAD_LINE / 2).max(AFTER);
        let before = if at >= len { after } else { BEFORE };
        crate::parse::window::far_window(len, at, (before, after), |from, to| {
            let bytes = peek.read_at(u64::try_from(from).ok()?, to - from)?;
            crate::parse::window::sparse(len, from, &bytes)
        })
    }
}

/// Whether the window `app` shows holds byte `at` with a screen or two
/// of its text around it.
fn covers(app: &mut App, at: usize) -> bool {
    let Some(window) = app.doc.window.clone() else {
        return false;
    };
    let (screen, _) = app.screen_range();
    let margin = screen.len().max(2048);
    let len = app.doc.source_len;
    (window.start == 0 || at >= window.start + margin)
        && (window.end == len || at + 2 * margin <= window.end)
}

/// Whether a motion of a screen or less stays in what `app` shows, with a
/// screen of text to spare: the head, or a window far into the article.
fn fits(app: &mut App) -> bool {
    let (screen, at_end) = app.screen_range();
    let margin = 2 * screen.len().max(2048);
    let known = app.doc.window.clone().unwrap_or(0..app.doc.text.len());
    let len = app.doc.source_len;
    let head = app.doc.window.is_none();
    (known.start == 0 || screen.start >= known.start + margin)
        && ((known.end == len && !head) || (!at_end && screen.end + margin <= known.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_around_a_place_are_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let mut text = String::from("# Title\n\n");
        for i in 0..20_000 {
            text.push_str(&format!("Paragraph {i} of the article.\n\n"));
        }
        std::fs::write(&path, &text).unwrap();
        let Ok(head) = crate::load::load_head(&path, 1024, 4096).unwrap() else {
            panic!("read whole");
        };
        let reading = Reading::start(head.rest, |source, text| {
            let theme = crate::tui::theme::Theme::Dark;
            let progressive = crate::parse::window::PROGRESSIVE_MIN;
            App::open_shared(source, text, theme, None, false, progressive)
        });
        let at = text.len() / 2;
        let far = reading.far_window(at, 40).unwrap();
        let window = far.window.clone().unwrap();
        assert!(window.contains(&at), "{window:?} misses {at}");
        assert_eq!(far.source_len, text.len());
        let whole = crate::parse::parse(&text);
        let block = |doc: &Document| {
            doc.blocks
                .iter()
                .find(|b| b.source().contains(&at))
                .map(|b| b.source())
        };
        assert_eq!(block(&far), block(&whole));
        let end = reading.far_window(text.len(), 40).unwrap();
        assert_eq!(end.window.unwrap().end, text.len());
        // The whole's text is the reader's, read straight into it.
        let (_, app) = reading.wait().unwrap();
        assert_eq!(&*app.doc.text, text);
    }

    /// `n%` pressed on the head of the article `bytes`, shown from the
    /// bytes around its place; then the whole, read meanwhile, in its
    /// place: the head's app and the whole's.
    fn far_then_whole(bytes: &[u8], n: u8) -> (App, App) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, bytes).unwrap();
        let Ok(head) = crate::load::load_head(&path, 1024, 16 * 1024).unwrap() else {
            panic!("read whole");
        };
        let theme = crate::tui::theme::Theme::Dark;
        let mut app = App::open_with(&head.source, theme, None, true, usize::MAX);
        app.head_of(head.len);
        app.fit(120, 39);
        let reading = Reading::start(head.rest, move |source, text| {
            let progressive = crate::parse::window::PROGRESSIVE_MIN;
            App::open_shared(source, text, theme, None, true, progressive)
        });
        app.update(Action::CountDigit(n / 10));
        app.update(Action::CountDigit(n % 10));
        let Serve::Far(at) = reading.serve(&mut app, Action::Percent) else {
            panic!("not far");
        };
        app.show_far(reading.far_window(at, 39).unwrap());
        app.update(Action::Percent);
        let (source, mut whole) = reading.wait().unwrap();
        whole.fit(120, 39);
        whole.carry_place(&app, !source.lossy && source.legacy.is_none());
        whole.fit(120, 39);
        (app, whole)
    }

    fn lines(app: &mut App) -> Vec<(usize, usize)> {
        let screen = app.reader.screen(&app.doc, &mut app.layout);
        screen.lines.iter().map(|l| (l.start, l.end)).collect()
    }

    /// The whole, put in the place of a far window, shows the same lines
    /// from the same byte.
    #[test]
    fn the_whole_takes_a_far_window_s_place_at_the_same_line() {
        let text = crate::testgen::article(crate::testgen::SEED, 3 << 20);
        for n in [10u8, 25, 50, 73, 90] {
            let (mut far, mut whole) = far_then_whole(text.as_bytes(), n);
            assert_eq!(
                lines(&mut whole),
                lines(&mut far),
                "at {n}%: {:?}",
                far.doc.window
            );
        }
    }

    /// When the rest is not UTF-8 (read as windows-1252, or repaired), its
    /// text is longer than its bytes: the place is carried as a share of
    /// the article, not as a byte.
    #[test]
    fn a_rest_that_needs_decoding_keeps_the_share_of_the_place() {
        let text = crate::testgen::article(crate::testgen::SEED, 3 << 20);
        // Before the middle only: the bytes around it are UTF-8.
        let mut bytes = text.as_bytes()[..64 * 1024].to_vec();
        let stop = text.len() / 4;
        for line in text[64 * 1024..].split_inclusive('\n') {
            bytes.extend_from_slice(line.as_bytes());
            if bytes.len() < stop && line.len() > 60 && line.starts_with(char::is_alphabetic) {
                bytes.extend_from_slice(b"\x93Quoted\x94 \x96 dash \x85\n");
            }
        }
        let (far, mut whole) = far_then_whole(&bytes, 50);
        // In thousandths; a byte carried as it is would be 1% off.
        let share = |at: usize, len: usize| at * 1000 / len.max(1);
        let top = whole.reader.top.0;
        let grown = whole.doc.text.len() - bytes.len();
        assert!(grown * 100 > bytes.len(), "{grown}");
        let (now, then) = (
            share(top, whole.doc.text.len()),
            share(far.reader.top.0, bytes.len()),
        );
        assert!(now.abs_diff(then) <= 2, "{now} against {then}");
        assert!(!lines(&mut whole).is_empty());
    }
}
