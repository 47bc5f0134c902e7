//! The application state: the open article, the layout at the current
//! measure, the reader, the outline, the jump list, the overlays and the
//! status message. `update` carries out an `Action`; the views draw from
//! this state.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use super::action::Action;
use super::keymap::Mode;
use super::prompt::LineInput;
pub use super::prompt::{Prompt, PromptKind};
use super::theme::Theme;
use super::trail::Goes;
use crate::document::{Document, Target};
use crate::layout::{Layout, LayoutOptions};
use crate::load::Source;
use crate::outline::{Outline, OutlineList};
use crate::parse::window::{
    PROGRESSIVE_MIN, Scan, WindowIndex, far_window, parse_window_in, parse_window_sized,
    whole_lines,
};
use crate::position::Position;
use crate::reader::{DEFAULT_WPM, JumpList, Reader, Screen};
use crate::session::{BookmarkView, Session};
use crate::store::{self, Bookmark, Store};

/// Seconds without keys before the position is saved.
pub const IDLE_SAVE: Duration = Duration::from_secs(5);

/// The search in effect: its matches are highlighted, `n` and `N` move
/// between them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// Source ranges of the matches around the screen, in order (see
    /// `search::Found`): found again when the screen or a move leaves them.
    pub matches: Vec<Range<usize>>,
    /// How many matches come before the first of `matches`.
    pub before: usize,
    /// How many matches there are in all.
    pub total: usize,
    /// The match last moved to, as an index among all the matches; those
    /// from `total` on are notes.
    pub current: Option<usize>,
    /// The highlights whose note holds the query, after the matches in the
    /// article: where each is, and its note.
    pub notes: Vec<(usize, String)>,
    /// Where a scan for the query can start again (see `search::Resume`),
    /// and the number of blocks of the document they are blocks of.
    resumes: Vec<crate::search::Resume>,
    blocks: usize,
    /// Only the matches near the screen are known yet: all of them are
    /// being counted (`App::count_some`).
    pub counting: bool,
}

impl Search {
    /// The search for `query`, keeping the matches around source byte
    /// `at`, with no match chosen yet.
    fn around(doc: &Document, query: &str, at: usize) -> Search {
        Search::of(doc, query, crate::search::find_around(doc, query, at))
    }

    fn of(doc: &Document, query: &str, found: crate::search::Found) -> Search {
        Search {
            query: query.to_string(),
            matches: found.matches,
            before: found.before,
            total: found.total,
            current: None,
            notes: Vec::new(),
            resumes: found.resumes,
            blocks: doc.blocks.len(),
            counting: false,
        }
    }

    /// Keep the matches around source byte `at` instead; the current
    /// match stays current. The document is the one they were found in:
    /// one with other blocks (which no code path gives yet) is searched
    /// whole again rather than from blocks that are not its own.
    fn move_to(&mut self, doc: &Document, at: usize) {
        let current = self.current;
        let notes = std::mem::take(&mut self.notes);
        if doc.blocks.len() != self.blocks {
            *self = Search::around(doc, &self.query, at);
            self.current = current.filter(|&k| k < self.total);
            self.notes = notes;
            return;
        }
        let earlier = crate::search::Found {
            matches: Vec::new(),
            before: self.before,
            total: self.total,
            resumes: std::mem::take(&mut self.resumes),
        };
        *self = Search::of(
            doc,
            &self.query,
            crate::search::find_again(doc, &self.query, at, &earlier),
        );
        self.current = current;
        self.notes = notes;
    }

    /// Matches in the article and in notes.
    pub fn count(&self) -> usize {
        self.total + self.notes.len()
    }

    /// Match `k` of all, when it is among those kept.
    pub fn get(&self, k: usize) -> Option<&Range<usize>> {
        self.matches.get(k.checked_sub(self.before)?)
    }

    /// Whether the matches kept are those around source byte `at`.
    fn covers(&self, at: usize) -> bool {
        crate::search::covers(&self.matches, self.before, self.total, at)
    }
}

/// The bookmark list while it is open.
#[derive(Clone, Debug, Default)]
pub struct BookmarkList {
    pub cursor: usize,
    /// Deleted while the list is open, newest last: `u` brings them back.
    pub undo: Vec<Bookmark>,
}

/// Letter hints on the links of the screen (`o`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    /// Each hint and the link it follows, in reading order.
    pub labels: Vec<(String, u32)>,
    /// The letters typed so far.
    pub typed: String,
}

/// The list of every link in the article (`L`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkList {
    pub entries: Vec<crate::links::LinkEntry>,
    pub cursor: usize,
}

/// What opens an external link: the system's opener, or, in tests and
/// previews, a list of what would have been opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opener {
    System,
    Record(Vec<String>),
}

/// Work on the whole of a long article, done on a thread while a window
/// of it shows: the whole parse, or its `WindowIndex`. Dropping it tells
/// the thread to stop.
struct Background<T = Parsed> {
    rx: Receiver<T>,
    stop: Arc<AtomicBool>,
    /// Tells the thread to begin: it waits for the first frame.
    go: Option<mpsc::Sender<()>>,
}

/// Articles at least this long count the matches of a search being typed
/// between keys, showing those near the screen at once: a single letter
/// matches a million times in 10 MB, and counting takes 90 ms.
const COUNT_BETWEEN_KEYS: usize = 1024 * 1024;
/// Stretches of text (64 KiB each) counted at a time between keys: a few
/// milliseconds.
const COUNT_STEP: usize = 8;

/// Source bytes a window parsed for a jump keeps before its place (a line
/// or two back up), and after it for each row of the screen (a row of
/// text and its markup, with room to spare), and at least `JUMP_AFTER`:
/// a screen and a half, parsed in a fraction of the time of a whole
/// window (`parse::window`'s 16 and 96 KiB), so that the jump shows
/// sooner: 1 ms rather than 7–17 ms while the whole article is parsed on
/// the other core. The whole window follows once the jump is on screen
/// (`refresh_window`), or at once when the screen reaches past the narrow
/// one (`fill_screen`). A jump to the end keeps as much before it.
const JUMP_BEFORE: usize = 1024;
const JUMP_ROW: usize = 100;
const JUMP_AFTER: usize = 4 * 1024;

/// The whole article parsed, with its outline: made on the parse's thread,
/// since the outline of 10 MB takes 2–3 ms, which a key taken with the
/// whole would wait for.
type Parsed = (Document, Outline);

/// A window parsed again on another thread, for the window shown and the
/// place it was due at when it began (see `App::start_refresh`).
struct Refreshing {
    job: Background<Document>,
    due: usize,
    window: Option<Range<usize>>,
}

/// How long the parse waits for the first frame to be drawn at most.
const FIRST_FRAME_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

impl Background {
    /// Start parsing `text`, the article as the parser reads it (see
    /// `parse::prepared`); `None` when no thread could be started. The
    /// document's fingerprint is set when it is taken (`take_whole`).
    /// The parse begins once `after` says so too (or is closed), for at
    /// most `FIRST_FRAME_WAIT`: the index that a jump far away waits for
    /// is made first, with a core to itself.
    fn start(text: Arc<str>, after: Option<Receiver<Option<Scan>>>) -> Option<Background> {
        Background::spawn("parse", true, move |stopped| {
            // The index's scan of the text, when it came in time: the
            // parse shares it rather than scanning again.
            let scan = after.and_then(|after| after.recv_timeout(FIRST_FRAME_WAIT).ok().flatten());
            let doc = crate::parse::parse_unless(&text, stopped, scan)?;
            drop(text);
            let outline = Outline::new(&doc);
            crate::parse::join::give_back_free_memory();
            Some((doc, outline))
        })
    }
}

impl<T: Send + 'static> Background<T> {
    /// Run `work` on a thread named `name`, once the first frame is
    /// drawn if `after_frame`; `None` when no thread could be started.
    fn spawn(
        name: &str,
        after_frame: bool,
        work: impl FnOnce(&AtomicBool) -> Option<T> + Send + 'static,
    ) -> Option<Background<T>> {
        let (tx, rx) = mpsc::channel();
        let (go, begin) = mpsc::channel::<()>();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                // The first frame is drawn before the work competes with
                // it for the cores and the allocator: a frame that took
                // 45 ms took 150-200 ms one time in three on two cores.
                if after_frame {
                    let _ = begin.recv_timeout(FIRST_FRAME_WAIT);
                }
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                crate::parse::pause::pausable();
                if let Some(done) = work(&stopped) {
                    let _ = tx.send(done);
                }
            })
            .ok()?;
        Some(Background {
            rx,
            stop,
            go: Some(go),
        })
    }

    /// Let the parse begin, if it has not.
    fn release(&mut self) {
        if let Some(go) = self.go.take() {
            let _ = go.send(());
        }
    }

    /// The work's result, once done; `None` if the thread died.
    fn wait(&mut self) -> Option<T> {
        self.release();
        crate::parse::pause::let_go();
        self.rx.recv().ok()
    }
}

impl<T> Drop for Background<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The widest text column, in columns: a comfortable measure for prose.
pub const DEFAULT_MEASURE: usize = 80;
/// The narrowest measure `-` goes to.
pub const MIN_MEASURE: usize = 30;
/// The columns kept free on each side of the text once the text area is
/// wider than `GUTTER_FROM`: the bookmark mark is drawn in the left one,
/// and the text never touches the terminal's edges.
pub const GUTTER: usize = 2;
/// Up to this width the text takes every column.
pub const GUTTER_FROM: usize = 40;

/// The widest text column that fits a text area `width` columns wide: the
/// whole of a narrow one, else all but a gutter on each side.
pub fn room(width: usize) -> usize {
    if width > GUTTER_FROM {
        width - 2 * GUTTER
    } else {
        width
    }
}
/// Below this size the screen only says it is too small.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;
/// The sidebar is shown only on terminals at least this wide.
pub const SIDEBAR_MIN_WIDTH: u16 = 120;
/// Columns the sidebar takes, its border included.
pub const SIDEBAR_WIDTH: u16 = 36;

pub struct App {
    pub doc: Document,
    pub title: String,
    pub outline: Outline,
    pub layout: Layout,
    pub reader: Reader,
    pub jumps: JumpList,
    pub mode: Mode,
    /// The outline list while the outline is open.
    pub list: Option<OutlineList>,
    /// The outline is pinned as a sidebar.
    pub sidebar: bool,
    /// The selected link, as an index into `Document::links`.
    pub link: Option<u32>,
    /// Text copied (`y`, `Y`), for the shell to hand to the terminal's
    /// clipboard; taken when written.
    pub clipboard: Option<String>,
    /// A notice shown in the status bar until the next key.
    pub message: Option<String>,
    pub theme: Theme,
    /// The reading keys in effect; the help overlay lists them.
    pub keymap: super::keymap::Keymap,
    pub max_measure: usize,
    pub wpm: usize,
    pub quit: bool,
    /// Rows of the sidebar as last drawn: screen row → section, for clicks.
    pub sidebar_rows: Vec<(u16, usize)>,
    /// Screen columns where the sidebar was last drawn, when it was.
    pub sidebar_columns: Option<(u16, u16)>,
    /// The terminal width as last drawn.
    pub screen_width: u16,
    /// A place to jump to once the screen size is known.
    pending: Option<Position>,
    /// Only the head of the article is read, and maybe a window far into
    /// it: the shell reads the rest, and puts the whole in this app's
    /// place (see `tui::head`). Nothing waits for a whole parse here.
    head: bool,
    /// A window far into the article took the place of what was shown
    /// (`show_far`), for the key being handled: it goes there.
    far: bool,
    /// The place the reader had before a reload could only guess where it
    /// went (the file was cut short or rewritten on disk): until the reader
    /// moves, the guess is not saved, and a reload after that (the text
    /// put back) finds the place from this one, not from the guess.
    before_guess: Option<crate::position::Anchor>,
    /// Where a search being typed began: the screens it shows meanwhile
    /// are a preview, not a move (Esc goes back); accepted, it moves the
    /// reader from there.
    search_began: Option<Position>,
    /// A "Resumed at" message was just put up: the next frame gives it
    /// the percent the status bar shows there (`settle_resume`).
    resume_shown: bool,
    /// The article's record: resume, bookmarks, time read, saving.
    pub session: Session,
    pub prompt: Option<Prompt>,
    /// The outline's filter as typed, with its cursor.
    pub filter_line: LineInput,
    pub marks: Option<BookmarkList>,
    /// The words per minute came from the config or were learned.
    pub wpm_known: bool,
    /// Rows the help overlay is scrolled by, on a short screen.
    pub help_scroll: usize,
    /// The farthest the help scrolls, as its last frame was laid out.
    pub help_most: std::cell::Cell<usize>,
    /// Where `+`, `-` and `=` remember the width; None saves nothing.
    pub config_file: Option<std::path::PathBuf>,
    /// Columns the text area had at the last frame.
    text_width: usize,
    /// The search being typed or last made.
    pub search: Option<Search>,
    /// Hints on the links of the screen, while they are shown.
    pub hints: Option<Hints>,
    /// The link list, while it is open.
    pub link_list: Option<LinkList>,
    /// An external link waiting for a second Enter before it opens.
    pub confirm: Option<String>,
    pub opener: Opener,
    /// Emit links as OSC 8 hyperlinks (`links.osc8` in the config).
    pub osc8: bool,
    /// Where the text column was last drawn: x, y, width, height.
    pub text_column: (u16, u16, u16, u16),
    /// Rows of the open list overlay as last drawn: screen row → entry.
    pub list_rows: Vec<(u16, usize)>,
    /// The selection being made (`v`, or the mouse), in `Mode::Select`.
    pub selecting: Option<super::select::Selecting>,
    /// A mouse press in the text that a drag would select from.
    pub press: Option<super::select::Press>,
    /// The highlight list while it is open.
    pub hl_list: Option<super::highlights::HighlightList>,
    /// The whole article being parsed while a window of it shows.
    background: Option<Background>,
    /// The count of every match of the search being typed, made between
    /// keys (see `Search::counting`).
    counting: Option<crate::search::Counting>,
    /// What any window of the article needs from the whole of it, kept
    /// while a window shows: a jump to the end parses a window there
    /// rather than wait for the whole. Until `index_job` is done, only of
    /// the head of the text.
    index: Option<Arc<WindowIndex>>,
    /// The window on screen being parsed again on another thread (see
    /// `start_refresh`).
    refreshing: Option<Refreshing>,
    /// The index of the whole text, being made on another core.
    index_job: Option<Background<WindowIndex>>,
    /// The article's fingerprint, being taken on another core when the
    /// first frame was not made to wait for it (see `settle_fingerprint`).
    fingerprint: Option<Receiver<u64>>,
    /// The saved place is still to be shown: a moved file's record found
    /// once the fingerprint is known takes the reader there.
    resume_late: bool,
    /// While only a window is parsed, the outline is of the whole article
    /// all the same: its headings were found by `WindowIndex::headings`.
    outline_whole: bool,
    /// The window shown is to be parsed again around the place, whole and
    /// with the index of the whole text: it was parsed for one jump's
    /// screens only, or before that index was made. Done once the
    /// terminal is idle, or before a key that reads on (`refresh_window`),
    /// rather than before the frame of the key that made it so. Around
    /// the byte given, or the top line when the reader has left it.
    refresh_due: Option<usize>,
    /// The window shown was parsed without the index of the whole text,
    /// on a guess of where its blocks start (`guess_window`): the lines
    /// of the one parsed again with the index may be others, and the
    /// reader's place is then the text at its top byte.
    guessed: bool,
    /// The count typed before a key that takes one (`50%`).
    count: Option<u32>,
    /// The title when the article has none.
    stem: String,
    /// The figures: how they are drawn, their pictures, the one shown
    /// alone.
    pub figures: super::figures::Figures,
    /// The article's file, for its links to other files, and what it
    /// asks of the shell to leave for one (see `tui::trail`).
    pub here: super::trail::Here,
}

impl App {
    /// An app that saves nothing: for tests and previews.
    pub fn new(source: &Source, theme: Theme) -> App {
        let mut app = App::open(source, theme, None, false);
        app.opener = Opener::Record(Vec::new());
        app
    }

    /// Open `source`, with its saved state from `store` when given. The
    /// reader resumes at the saved position unless `from_start`. A long
    /// Markdown article opens on a window around that position, and the
    /// whole is parsed on a thread (see `parse::window`).
    pub fn open(source: &Source, theme: Theme, store: Option<Store>, from_start: bool) -> App {
        App::open_with(source, theme, store, from_start, PROGRESSIVE_MIN)
    }

    /// `open`, with articles of at least `progressive` bytes opened on a
    /// window first.
    pub fn open_with(
        source: &Source,
        theme: Theme,
        store: Option<Store>,
        from_start: bool,
        progressive: usize,
    ) -> App {
        // One copy of the text, shared by the session and the parse.
        let shared: Arc<str> = Arc::from(source.text.as_str());
        App::open_shared(source, shared, theme, store, from_start, progressive)
    }

    /// `open_with`, for the text of `source` already in `shared` (its
    /// `text` is not read, and may be empty: see `load::Rest::read_shared`).
    pub fn open_shared(
        source: &Source,
        shared: Arc<str>,
        theme: Theme,
        store: Option<Store>,
        from_start: bool,
        progressive: usize,
    ) -> App {
        let path = source.path.as_deref();
        let text = &*shared;
        let markdown = !path.is_some_and(crate::library::is_plain_text);
        // What the parses read: the same text, unless it has lone CRs,
        // which the window and the whole then share.
        let mut prepared = (markdown && text.len() >= progressive).then(|| {
            crate::parse::join::use_one_heap_on_few_cores();
            let prepared = crate::parse::prepared(&shared);
            // The fingerprint, a pass over every byte, is taken on another
            // core while this one scans the head of the text for the
            // window and parses it: before the first frame, the other
            // cores have nothing to do. The index of the whole text, which
            // a jump far away (`G`, `50%`) waits for, is made meanwhile on
            // a thread of its own rather than after the fingerprint: the
            // jump may come right after the first frame.
            let (tx, fingerprint) = mpsc::channel();
            let text = Arc::clone(&shared);
            // Not started: the fingerprint is taken when it is wanted
            // (the channel is closed).
            let _ = std::thread::Builder::new()
                .name("fingerprint".into())
                .spawn(move || {
                    let _ = tx.send(crate::parse::fingerprint(&text));
                });
            let (made, index_made) = mpsc::channel();
            let job = {
                let prepared = Arc::clone(&prepared);
                Background::spawn("index", false, move |_| {
                    let index = WindowIndex::of(&prepared);
                    let _ = made.send(index.scan());
                    Some(index)
                })
            };
            let index = WindowIndex::head(&prepared, 0);
            (prepared, fingerprint, index, job, Some(index_made))
        });
        let mut background = prepared.as_mut().and_then(|(prepared, .., index_made)| {
            Background::start(Arc::clone(prepared), index_made.take())
        });
        let (prepared, mut index, mut index_job) = match prepared {
            Some((prepared, fingerprint, index, job, _)) if background.is_some() => {
                (Some((prepared, fingerprint)), Some(index), job)
            }
            _ => (None, None, None),
        };
        // The window's fingerprint is filled in once it is known.
        let mut doc = if let (Some((prepared, _)), Some(index)) = (&prepared, &index) {
            parse_window_in(prepared, 0, 0, index)
        } else {
            crate::library::parse_shared_article(path, &shared)
        };
        let title_of = |doc: &Document| {
            crate::parse::sanitize(&doc.title().map_or_else(|| source.stem(), str::to_string))
        };
        let mut title = title_of(&doc);
        let now = store::now();
        // An article with no record under its path is shown before its
        // fingerprint is known; one with a record waits for it, which
        // tells whether the saved place is where it was.
        let pending = prepared.map(|(_, rx)| rx);
        let quick = pending.as_ref().and_then(|_| {
            Session::open_before_fingerprint(store.as_ref(), path, Arc::clone(&shared), &title, now)
        });
        let (mut opened, fingerprint) = match (quick, pending) {
            (Some(opened), pending) => (opened, pending),
            (None, pending) => {
                if let Some(rx) = pending {
                    doc.fingerprint = rx
                        .recv()
                        .unwrap_or_else(|_| crate::parse::fingerprint(text));
                }
                let opened = Session::open_shared(
                    store.clone(),
                    path,
                    Arc::clone(&shared),
                    &doc,
                    &title,
                    now,
                );
                (opened, None)
            }
        };
        if let Some(bg) = &mut background {
            match (opened.resume, opened.how) {
                // Found again by its words after an edit: that needs the
                // whole article.
                (Some(_), Some(how)) if !how.is_exact() => {
                    if let Some((mut whole, _)) = bg.wait() {
                        whole.fingerprint = doc.fingerprint;
                        doc = whole;
                    } else {
                        doc = crate::library::parse_shared_article(path, &shared);
                    }
                    background = None;
                    index = None;
                    index_job = None;
                    title = title_of(&doc);
                    opened = Session::open_shared(store, path, shared, &doc, &title, now);
                }
                (Some(pos), Some(how))
                    if !from_start && !doc.window.as_ref().is_some_and(|w| w.contains(&pos.0)) =>
                {
                    if let Some(index) = &mut index {
                        // The head of the text, down to the place.
                        if !index.serves(pos.0) {
                            *index = WindowIndex::head(&doc.text, pos.0);
                        }
                        doc = parse_window_in(&doc.text, pos.0, doc.fingerprint, index);
                    }
                    opened.message = crate::session::resume_message_in_window(
                        &doc,
                        pos,
                        how,
                        &opened.session.state,
                    );
                }
                _ => {}
            }
        }
        let layout = Layout::new(&doc, DEFAULT_MEASURE);
        let outline = Outline::new(&doc);
        // The saved place, when it is somewhere past the start: opening
        // elsewhere keeps it, one Backspace away.
        let kept = opened
            .resume
            .filter(|_| from_start)
            .filter(|&pos| doc.words_before(pos) > 0);
        if from_start {
            opened.message = kept.map(|_| {
                format!(
                    "From the start · {}",
                    kept_place(opened.session.state.percent)
                )
            });
        }
        let message = match (source.warning(), opened.message) {
            (Some(w), Some(m)) => Some(format!("{w} · {m}")),
            (w, m) => w.or(m),
        };
        let mut app = App {
            stem: source.stem(),
            background,
            index: index.map(Arc::new),
            index_job,
            fingerprint,
            resume_late: !from_start,
            outline_whole: false,
            refresh_due: None,
            refreshing: None,
            guessed: false,
            count: None,
            counting: None,
            title,
            outline,
            layout,
            doc,
            reader: Reader::new(1),
            jumps: JumpList::default(),
            mode: Mode::Reading,
            list: None,
            sidebar: false,
            link: None,
            message,
            theme,
            keymap: super::keymap::Keymap::default(),
            max_measure: DEFAULT_MEASURE,
            wpm: DEFAULT_WPM,
            quit: false,
            sidebar_rows: Vec::new(),
            sidebar_columns: None,
            screen_width: 0,
            pending: None,
            head: false,
            far: false,
            before_guess: None,
            search_began: None,
            resume_shown: true,
            session: opened.session,
            prompt: None,
            filter_line: LineInput::empty(),
            marks: None,
            wpm_known: false,
            help_scroll: 0,
            help_most: std::cell::Cell::new(super::keymap::HELP.len()),
            config_file: None,
            text_width: DEFAULT_MEASURE,
            search: None,
            hints: None,
            link_list: None,
            selecting: None,
            press: None,
            hl_list: None,
            confirm: None,
            clipboard: None,
            opener: Opener::System,
            osc8: false,
            text_column: (0, 0, 0, 0),
            list_rows: Vec::new(),
            figures: super::figures::Figures::default(),
            here: super::trail::Here::new(path),
        };
        if let Some(pos) = opened.resume.filter(|_| !from_start) {
            app.start_at(pos);
            app.session.reanchor = opened.how == Some(crate::position::Restored::Quote);
        }
        if let Some(pos) = kept {
            app.jumps.push(pos.into());
        }
        app
    }

    /// Open at section `pos` (`--section`) rather than the saved place,
    /// which is kept, one Backspace away. Says so, and never "Resumed".
    pub fn start_at_section(&mut self, pos: Position) {
        let saved = self
            .session
            .state
            .position
            .as_ref()
            .map(|_| self.reader.top)
            .filter(|&p| p != pos && self.doc.words_before(p) > 0);
        let percent = self.session.state.percent;
        self.resume_late = false;
        self.start_at(pos);
        let at = self.doc.section_at(pos).map_or_else(
            || "At the section".to_string(),
            |h| format!("At {}", h.text),
        );
        self.message = Some(match saved {
            Some(place) => {
                self.jumps.push(place.into());
                format!("{at} · {}", kept_place(percent))
            }
            None => at,
        });
    }

    /// The file changed on disk: read it again and put the same text on
    /// top, found through the anchor as when resuming. A file deleted or
    /// emptied keeps the text already loaded, and says so.
    pub fn reload(&mut self, loaded: anyhow::Result<Source>) {
        self.settle_fingerprint(true);
        let source = match loaded {
            Ok(s) if !s.text.trim().is_empty() => s,
            Ok(_) => {
                self.message =
                    Some("The file was emptied on disk: showing the text loaded before".into());
                return;
            }
            Err(_) => {
                self.message =
                    Some("The file is gone from disk: showing the text loaded before".into());
                return;
            }
        };
        // The same text again (a save without changes): nothing to parse.
        if crate::parse::fingerprint(&source.text) == self.doc.fingerprint {
            return;
        }
        let anchor = self
            .before_guess
            .take()
            .unwrap_or_else(|| crate::position::Anchor::at(&self.doc, self.reader.top));
        let mut source = source;
        let shared: Arc<str> = Arc::from(std::mem::take(&mut source.text));
        let doc = crate::library::parse_shared_article(source.path.as_deref(), &shared);
        // The whole of the old text is no longer wanted.
        self.background = None;
        self.index = None;
        self.index_job = None;
        let (pos, how) = anchor.restore(&doc, &shared);
        let found = how.is_exact() || how == crate::position::Restored::Quote;
        if !found {
            // A guess is shown, not saved: the place saved stays the
            // reader's until the reader moves.
            self.before_guess = Some(anchor);
            self.session.moved = false;
        }
        self.session.replace_text(shared, &doc);
        self.outline = Outline::new(&doc);
        self.outline_whole = false;
        self.layout = self.layout.relaid(&doc, self.layout.width());
        self.doc = doc;
        self.link = None;
        // Lists of the old text would point at the wrong places; so would
        // a search being typed (where it began) and a new bookmark's label
        // (where it goes). A note or a label being typed is of a mark, and
        // stays.
        self.list = None;
        self.marks = None;
        if matches!(
            self.prompt.as_ref().map(|p| &p.kind),
            Some(PromptKind::Search(_) | PromptKind::NewBookmark(_))
        ) {
            self.prompt = None;
            self.search_began = None;
        }
        if self.mode != Mode::Help && !(self.mode == Mode::Prompt && self.prompt.is_some()) {
            self.mode = Mode::Reading;
        }
        self.reader.go_to(pos.into());
        // The search goes on in the new text, from no match.
        self.counting = None;
        if let Some(search) = &self.search {
            self.search = Some(Search::around(&self.doc, &search.query, pos.0));
        }
        self.search_follows_screen();
        self.message = Some(if found {
            "Article reloaded".into()
        } else {
            "Article reloaded: position restored approximately".into()
        });
    }

    /// The article's fingerprint is still being taken.
    pub fn fingerprint_pending(&self) -> bool {
        self.fingerprint.is_some()
    }

    /// Take in the article's fingerprint, when the first frame did not
    /// wait for it: the record is saved with it, and anchors are made with
    /// it. With `wait`, wait for it (a pass over the text, begun at open).
    /// A record of the same text under a path that no longer exists (the
    /// file was moved) is taken over then, and its place shown.
    pub fn settle_fingerprint(&mut self, wait: bool) {
        let Some(rx) = &self.fingerprint else {
            return;
        };
        let taken = if wait {
            rx.recv().ok()
        } else {
            match rx.try_recv() {
                Ok(fingerprint) => Some(fingerprint),
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => None,
            }
        };
        self.fingerprint = None;
        // The thread died: taken here.
        self.doc.fingerprint =
            taken.unwrap_or_else(|| crate::parse::fingerprint(self.session.text()));
        let Some((pos, how, message)) = self.session.fingerprint_known(&self.doc) else {
            return;
        };
        if !self.resume_late || self.session.moved {
            return;
        }
        self.message = message;
        self.resume_shown = true;
        if !how.is_exact() {
            self.wait_whole();
        }
        self.start_at(pos);
    }

    /// Give a "Resumed at" message just put up the percent the status
    /// bar shows on `screen`, the first it is drawn on: 100 with the end
    /// on screen, not the place's own. A window's estimate is left to the
    /// record's (`session::resume_message_in_window`) unless the end shows.
    pub fn settle_resume(&mut self, screen: &crate::reader::Screen) {
        if !std::mem::take(&mut self.resume_shown) || (self.is_partial() && !screen.at_end) {
            return;
        }
        let shown = self.reader.percent(&self.doc, screen).to_string();
        let Some(msg) = &mut self.message else {
            return;
        };
        const RESUMED: &str = "Resumed at ";
        if let Some(from) = msg.find(RESUMED).map(|i| i + RESUMED.len())
            && let Some(to) = msg[from..].find('%').map(|j| from + j)
            && msg[from..to].bytes().all(|b| b.is_ascii_digit())
        {
            msg.replace_range(from..to, &shown);
        }
    }

    /// The app shows the head of an article `len` bytes long, while the
    /// rest is read: its count of words is scaled to the whole's, for the
    /// time left in the status bar.
    pub fn head_of(&mut self, len: u64) {
        let shown = self.doc.text.len().max(1) as u128;
        let words = self.doc.words as u128 * u128::from(len) / shown;
        self.doc.words = usize::try_from(words).unwrap_or(usize::MAX);
        self.head = true;
    }

    /// Show `doc`, a window far into the article whose head this app
    /// shows (`parse::window::parse_far`), in place of what it shows.
    pub fn show_far(&mut self, doc: Document) {
        self.far = true;
        self.put_window(doc);
    }

    /// The count typed before a key that takes one, so far.
    pub fn typed_count(&self) -> Option<u32> {
        self.count
    }

    /// Read on from where `head`, the app that showed this article's head
    /// while the rest was read, was left: its place, its jumps and a
    /// count being typed. Positions are bytes of the same text when
    /// `exact`; otherwise (the rest needed decoding, which changes the
    /// lengths of what it decodes) the place is the same fraction of the
    /// text, and the jumps are left.
    pub fn carry_place(&mut self, head: &App, exact: bool) {
        self.count = head.count;
        if !head.session.moved {
            return;
        }
        let text = &self.doc.text;
        let mut at = if exact {
            head.reader.top.0.min(text.len())
        } else {
            let wide = |n: usize| u128::try_from(n).unwrap_or(u128::MAX);
            let (top, from) = (wide(head.reader.top.0), wide(head.doc.source_len.max(1)));
            usize::try_from(top * wide(text.len()) / from).unwrap_or(text.len())
        };
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let pos = Position(at);
        if let (Some(window), Some(index)) = (&self.doc.window, &mut self.index)
            && !window.contains(&pos.0)
        {
            // The head of the text, down to the place, as when resuming.
            if !index.serves(pos.0) {
                *index = Arc::new(WindowIndex::head(&self.doc.text, pos.0));
            }
            let doc = parse_window_in(&self.doc.text, pos.0, self.doc.fingerprint, index);
            self.put_window(doc);
        }
        self.session.moved = true;
        if !exact {
            self.start_at(pos);
            return;
        }
        self.jumps = head.jumps.clone();
        // The same line on top: a blank or border line shares the position
        // of its text, and which of them is on top is kept too.
        let mut place = head.reader.place();
        place.top = pos;
        self.reader.go_to(place);
    }

    /// Only a window of the article is parsed yet.
    pub fn is_partial(&self) -> bool {
        self.doc.window.is_some()
    }

    /// The window shown is still to be parsed again around the place
    /// (see `refresh_due`).
    pub fn window_due(&self) -> bool {
        self.refresh_due.is_some() && self.is_partial()
    }

    /// A jump's narrow window that the screen reaches past (short lines, a
    /// long table) is parsed whole at once, with the index of the whole
    /// text.
    fn fill_screen(&mut self) {
        let Some(window) = self.doc.window.clone().filter(|_| self.window_due()) else {
            return;
        };
        let (screen, at_end) = self.screen_range();
        let len = self.doc.source_len;
        if (window.start > 0 && screen.start <= window.start)
            || (window.end < len && screen.end >= window.end)
        {
            self.take_index_for(true, false);
            // The last screen of the article: the more that is parsed
            // before it, the further up it starts.
            if self.refresh_window() && at_end && window.end == len {
                self.reader.to_end(&self.doc, &mut self.layout);
            }
        }
    }

    /// Parse the whole window around the place shown, with the index
    /// taken, in place of the one a jump showed first or the one parsed
    /// before the index was made: what the keys after read. Not under an
    /// overlay that points into the window's links (the hints, the link
    /// list) or a selection being made.
    pub fn refresh_window(&mut self) -> bool {
        if !self.window_due() || self.pointing() {
            return false;
        }
        let Some(due) = self.refresh_due else {
            return false;
        };
        let at = self.refresh_at(due);
        // A window guessed before the index was made waits for it.
        self.take_index_for(false, false);
        if !self.index.as_ref().is_some_and(|index| index.serves(at)) {
            return false;
        }
        let Some(index) = &self.index else {
            return false;
        };
        let doc = parse_window_in(&self.doc.text, at, self.doc.fingerprint, index);
        self.put_refreshed(doc);
        true
    }

    /// Where the window due at `due` is parsed again around: there, unless
    /// the reader has moved well away.
    fn refresh_at(&self, due: usize) -> usize {
        let top = self.reader.top.0;
        if due <= top && top < due + 64 * 1024 {
            due
        } else {
            top
        }
    }

    /// Show `doc`, the window on screen parsed again.
    fn put_refreshed(&mut self, doc: Document) {
        self.refresh_due = None;
        self.refreshing = None;
        // A count over the window's blocks ends on them.
        self.finish_count();
        let guessed = self.guessed;
        self.put_window(doc);
        if guessed {
            // Which of the lines that share the top's byte was on top
            // says nothing of the lines parsed now.
            self.reader.go_to(self.reader.top.into());
        }
    }

    /// `refresh_window`, on another thread, as the terminal waits for a
    /// key: the parse of a whole window takes 4–5 ms, which a key that
    /// came meanwhile waited for. `take_made` shows it once parsed, if the
    /// window it is for is still the one shown.
    pub fn start_refresh(&mut self) {
        if self.refreshing.is_some() || !self.window_due() || self.pointing() {
            return;
        }
        let Some(due) = self.refresh_due else {
            return;
        };
        let at = self.refresh_at(due);
        self.take_index_for(false, false);
        let Some(index) = self.index.as_ref().filter(|index| index.serves(at)) else {
            return;
        };
        let (index, text, fingerprint) = (
            Arc::clone(index),
            Arc::clone(&self.doc.text),
            self.doc.fingerprint,
        );
        let job = Background::spawn("window", false, move |_| {
            Some(parse_window_in(&text, at, fingerprint, &index))
        });
        self.refreshing = job.map(|job| Refreshing {
            job,
            due,
            window: self.doc.window.clone(),
        });
    }

    /// The window parsed again on another thread, shown if it is still
    /// for the window and the place on screen; whether it was.
    fn take_refreshed(&mut self) -> bool {
        let Some(refreshing) = &self.refreshing else {
            return false;
        };
        let doc = match refreshing.job.rx.try_recv() {
            Ok(doc) => doc,
            Err(TryRecvError::Empty) => return false,
            // The thread died: parsed here when due again.
            Err(TryRecvError::Disconnected) => {
                self.refreshing = None;
                return false;
            }
        };
        let Some(refreshing) = self.refreshing.take() else {
            return false;
        };
        let top = self.reader.top.0;
        let current = self.refresh_due == Some(refreshing.due)
            && self.doc.window == refreshing.window
            && doc.window.as_ref().is_some_and(|w| w.contains(&top))
            && !self.pointing();
        if current {
            self.put_refreshed(doc);
        }
        current
    }

    /// The first frame is on screen: the whole article's parse may begin.
    pub fn frame_drawn(&mut self) {
        self.settle_fingerprint(false);
        if let Some(bg) = &mut self.background {
            bg.release();
        }
        if let Some(job) = &mut self.index_job {
            job.release();
        }
    }

    /// Wait for the index of the whole text, and parse the window on
    /// screen again with it (see `take_index`).
    pub fn wait_index(&mut self) {
        self.take_index(true);
        self.refresh_window();
    }

    /// Take the index of the whole text when it is made: the window on
    /// screen is parsed again with it, so that links and notes defined
    /// elsewhere read as they will in the whole. With `wait`, wait for it.
    fn take_index(&mut self, wait: bool) {
        self.take_index_for(wait, true);
    }

    /// `take_index`; without `reparse`, the window on screen is left as it
    /// is, for a caller about to parse another.
    fn take_index_for(&mut self, wait: bool, reparse: bool) {
        if self.index.as_ref().is_none_or(|index| index.is_whole()) {
            self.index_job = None;
            return;
        }
        let made = match &mut self.index_job {
            Some(job) if wait => job.wait(),
            Some(job) => {
                job.release();
                match job.rx.try_recv() {
                    Ok(index) => Some(index),
                    Err(TryRecvError::Empty) => return,
                    Err(TryRecvError::Disconnected) => None,
                }
            }
            None if wait => None,
            None => return,
        };
        self.index_job = None;
        // The thread died: made here.
        let index = made.unwrap_or_else(|| WindowIndex::of(&self.doc.text));
        // Parsed again when the terminal is idle: a window of 112 KiB
        // takes 4–5 ms, which the key that happened to take the index
        // would wait for.
        if reparse && self.is_partial() {
            self.refresh_due = Some(self.reader.top.0);
        }
        self.index = Some(Arc::new(index));
    }

    /// An overlay points into the window's links (the hints, the link
    /// list), or a selection is being made: the window stays until it is
    /// closed (the next window, or the whole, puts those right).
    fn pointing(&self) -> bool {
        self.hints.is_some() || self.link_list.is_some() || self.selecting.is_some()
    }

    /// The whole article, or the window on screen, is being parsed on
    /// another thread.
    pub fn parsing(&self) -> bool {
        self.background.is_some() || self.refreshing.is_some()
    }

    /// Take the whole article in if its parse has ended, while no key
    /// waits; whether it was. The index of the text is left for the idle
    /// tick: the window parsed again with it takes a few milliseconds,
    /// which a key that came meanwhile would wait for.
    pub fn take_made(&mut self) -> bool {
        let refreshed = self.take_refreshed();
        let Some(bg) = &mut self.background else {
            return refreshed;
        };
        bg.release();
        match bg.rx.try_recv() {
            Ok(parsed) => {
                self.background = None;
                self.take_whole(parsed);
                true
            }
            Err(TryRecvError::Empty) => refreshed,
            Err(TryRecvError::Disconnected) => {
                self.wait_whole();
                true
            }
        }
    }

    /// Take the index of the text, and the whole article, if made.
    pub fn poll_whole(&mut self) {
        self.take_index(false);
        self.take_made();
    }

    /// Wait for the whole article (at most the time of one parse).
    pub fn wait_whole(&mut self) {
        if !self.is_partial() || self.head {
            return;
        }
        let whole = self.background.take().and_then(|mut bg| bg.wait());
        match whole {
            Some(parsed) => self.take_whole(parsed),
            None => {
                // The thread died: parse here.
                let doc = crate::parse::parse_shared(self.session.text());
                let outline = Outline::new(&doc);
                self.take_whole((doc, outline));
            }
        }
    }

    /// Put the whole article in place of the window. Positions are bytes
    /// of the same source, so the reader stays exactly where it is.
    fn take_whole(&mut self, (mut doc, outline): Parsed) {
        self.settle_fingerprint(true);
        doc.fingerprint = self.doc.fingerprint;
        self.index = None;
        self.index_job = None;
        self.refreshing = None;
        // A count over the window's blocks is over those of the whole.
        self.finish_count();
        self.title = crate::parse::sanitize(
            &doc.title()
                .map_or_else(|| self.stem.clone(), str::to_string),
        );
        self.session.state.title.clone_from(&self.title);
        self.session.recount(&doc);
        // An outline open on the headings found before keeps its place
        // when the whole parse finds the same sections.
        let same = self.outline_whole
            && outline.sections.len() == self.outline.sections.len()
            && outline
                .sections
                .iter()
                .zip(&self.outline.sections)
                .all(|(a, b)| a.start == b.start && a.level == b.level);
        self.outline = outline;
        self.outline_whole = false;
        self.layout = self.layout.relaid(&doc, self.layout.width());
        self.doc = doc;
        self.link = None;
        self.hints = None;
        self.link_list = None;
        if !same {
            self.list = None;
            if matches!(self.mode, Mode::Outline | Mode::OutlineFilter) {
                self.mode = Mode::Reading;
            }
        } else if let Some(list) = &mut self.list {
            // The filter's matches, with the whole's titles.
            let filter = list.filter.clone();
            if filter.is_some() {
                list.set_filter(&self.outline, filter);
            }
        }
        // A record of this article moved and edited is looked for in the
        // whole (a window may not hold its place), and its place shown.
        if let Some((pos, _, message)) = self.session.edited_known(&self.doc)
            && self.resume_late
            && !self.session.moved
        {
            self.message = message;
            self.resume_shown = true;
            self.start_at(pos);
        }
        // A place reached on the window is recorded now.
        if self.session.moved {
            let screen = self.reader.screen(&self.doc, &mut self.layout);
            let at_end = self.at_end(&screen);
            self.session
                .record_position(&self.doc, self.reader.top, at_end, store::now());
        }
    }

    /// Whether `action` can be carried out on the window: a short motion
    /// that stays well inside it.
    fn fits_window(&mut self, action: Action) -> bool {
        use Action::{
            CloseOverlay, DefaultWidth, HalfPageDown, HalfPageUp, HelpScroll, LineDown, LineUp,
            Narrower, PageDown, PageUp, Scroll, ToggleHelp, Wider,
        };
        if self.outline_whole
            && action.is_outline_list()
            && matches!(
                self.mode,
                Mode::Reading | Mode::Outline | Mode::OutlineFilter
            )
        {
            return true;
        }
        if !matches!(
            action,
            LineDown
                | LineUp
                | Scroll(_)
                | HalfPageDown
                | HalfPageUp
                | PageDown
                | PageUp
                | Wider
                | Narrower
                | DefaultWidth
                | ToggleHelp
                | HelpScroll(_)
                | CloseOverlay
        ) {
            return false;
        }
        let Some(window) = self.doc.window.clone() else {
            return true;
        };
        // Two screens of margin, counted in bytes generously.
        let margin = 16 * 1024;
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let first = screen.lines.first().map_or(self.reader.top.0, |l| l.start);
        let last = screen.lines.last().map_or(self.reader.top.0, |l| l.end);
        (window.start == 0 || first >= window.start + margin)
            && (window.end >= self.doc.source_len || last + margin <= window.end)
    }

    /// While only a window is parsed, parse one around byte `at` instead
    /// when `at` is outside it: the whole may be a long parse away. The
    /// window's text is the one the parses read, and its positions are
    /// those of the whole.
    fn window_at(&mut self, at: usize) {
        self.window_for(at, at, None);
    }

    /// `window_at` for a jump that shows byte `show`: with `sizes`, only
    /// that many bytes around it (a screen and a half, see `JUMP_BEFORE`), and
    /// the whole window around `at` once the jump is on screen
    /// (`refresh_window`).
    fn window_for(&mut self, at: usize, show: usize, sizes: Option<(usize, usize)>) {
        let (Some(window), Some(index)) = (&self.doc.window, &self.index) else {
            return;
        };
        if window.contains(&show) || (window.end == self.doc.source_len && window.end == show) {
            return;
        }
        if !index.serves(at) || !index.serves(show) {
            // Taken if it is made.
            self.take_index_for(false, false);
        }
        if let Some(sizes) = sizes
            && !self.index_serves(at, show)
            && let Some(doc) = self.guess_window(show, sizes)
        {
            // The whole text was read a moment ago and its index is being
            // made on another core, which a key should not wait for: the
            // jump's screens are parsed from the text around its place, on
            // the guess of where blocks start there (as while the rest of
            // the file was read, see `tui::head`), and parsed again with
            // the index once it is made (`refresh_window`), which puts a
            // wrong guess right.
            self.put_window(doc);
            self.refresh_due = Some(at);
            self.guessed = true;
            return;
        }
        if !self.index_serves(at, show) {
            // The window is parsed at `at` right after, with the index.
            self.take_index_for(true, false);
        }
        let Some(index) = &self.index else {
            return;
        };
        let (text, fingerprint) = (&self.doc.text, self.doc.fingerprint);
        let doc = match sizes {
            Some(sizes) => parse_window_sized(text, show, fingerprint, index, sizes),
            None => parse_window_in(text, at, fingerprint, index),
        };
        self.put_window(doc);
        self.refresh_due = sizes.map(|_| at);
    }

    /// The index of the whole text is made, or the one of its head covers
    /// bytes `at` and `show`.
    fn index_serves(&self, at: usize, show: usize) -> bool {
        self.index
            .as_ref()
            .is_some_and(|index| index.serves(at) && index.serves(show))
    }

    /// The window around byte `show` keeping `sizes` bytes around it,
    /// parsed without the index of the whole text, from what the text
    /// around it says of where blocks start (`parse::window::far_window`);
    /// `None` when the guess leaves the place inside a fence opened before
    /// those bytes.
    fn guess_window(&self, show: usize, sizes: (usize, usize)) -> Option<Document> {
        let text = &self.doc.text;
        let mut doc = far_window(text.len(), show, sizes, |from, to| {
            Some((Arc::clone(text), whole_lines(text, from, to)))
        })?;
        doc.fingerprint = self.doc.fingerprint;
        Some(doc)
    }

    /// Show `doc`, a window of the same text, in place of the one shown.
    fn put_window(&mut self, doc: Document) {
        self.refresh_due = None;
        self.guessed = false;
        if !self.outline_whole {
            self.outline = Outline::new(&doc);
        }
        self.layout = self.layout.relaid(&doc, self.layout.width());
        self.doc = doc;
        self.link = None;
    }

    /// The byte a jump lands near, for the jumps a window can serve while
    /// the whole is still being parsed.
    fn window_target(&mut self, action: Action, count: Option<u32>) -> Option<usize> {
        // Where the top line starts is laid out for only the jumps that
        // go from it.
        match (action, count) {
            (Action::Top, _) => return Some(0),
            // Some screens before the end too, for the keys that go
            // back up from it.
            (Action::Bottom, _) | (Action::Percent, Some(100..)) => {
                return Some(self.doc.source_len.saturating_sub(32 * 1024));
            }
            (Action::Percent, Some(n)) => return Some(self.doc.at_percent(n).0),
            _ => {}
        }
        let top = self.top_line_start();
        let next = self.next_section(top).map(|s| s.start);
        let sections = &self.outline;
        let section = |s: Option<&crate::outline::Section>| Some(s.map_or(top.0, |s| s.start));
        match action {
            Action::Percent => Some(top.0),
            // The headings of the whole are known: a window around the
            // one the jump goes to.
            _ if !self.outline_whole => None,
            Action::NextHeading => Some(next.unwrap_or(top.0)),
            Action::PrevHeading => section(sections.prev(top)),
            Action::NextPeer => section(sections.next_peer(top)),
            Action::PrevPeer => section(sections.prev_peer(top)),
            Action::OutlineOpen => section(
                self.list
                    .as_ref()
                    .and_then(|list| list.selected(sections))
                    .map(|i| &sections.sections[i]),
            ),
            _ => None,
        }
    }

    /// While only a window is parsed, make the outline of the whole
    /// article from its headings, found without the whole parse.
    fn find_outline(&mut self) {
        if self.outline_whole {
            return;
        }
        self.take_index(true);
        let Some(index) = &self.index else {
            return;
        };
        let found = index.headings(&self.doc.text);
        #[allow(clippy::cast_precision_loss)]
        let per_byte = self.doc.words as f64 / self.doc.source_len.max(1) as f64;
        self.outline = Outline::from_found(&found, self.doc.source_len, per_byte);
        self.outline_whole = true;
    }

    /// Go `percent` of the way through the article (`50%`); without a
    /// count, say how.
    fn jump_to_percent(&mut self, count: Option<u32>) {
        match count {
            None => {
                self.message = Some("Type a number first: 50% goes halfway".into());
            }
            Some(0) => {
                self.jumps.push(self.reader.place());
                self.reader.to_start();
            }
            Some(n) if n >= 100 => {
                self.jumps.push(self.reader.place());
                self.reader.to_end(&self.doc, &mut self.layout);
            }
            Some(n) => {
                let pos = self.doc.at_percent(n);
                self.jump(pos);
                // The top line starts before that place: a line or two
                // down, the status bar says the percent asked for.
                let want = u8::try_from(n).unwrap_or(100);
                for _ in 0..8 {
                    let top = self.reader.top;
                    if self.is_partial() || self.doc.percent_at(top) >= want {
                        break;
                    }
                    self.reader.line_down(&self.doc, &mut self.layout);
                    if self.reader.top == top {
                        break;
                    }
                }
            }
        }
    }

    /// Use a reading speed from the config or learned from the records.
    pub fn set_wpm(&mut self, wpm: u32) {
        self.wpm = usize::try_from(wpm).unwrap_or(DEFAULT_WPM).max(1);
        self.wpm_known = true;
    }

    /// Open at `pos` (a section, a saved place) instead of the start.
    pub fn start_at(&mut self, pos: Position) {
        self.window_at(pos.0);
        self.reader.top = pos;
        self.pending = Some(pos);
    }

    /// Back at `place` as it was left for another article, with `link`
    /// selected and the jumps made here before (see `tui::trail`).
    pub fn return_to(&mut self, place: crate::reader::Place, link: Option<u32>, jumps: JumpList) {
        self.resume_late = false;
        self.window_at(place.top.0);
        self.reader.go_to(place);
        self.pending = None;
        self.link = link;
        self.jumps = jumps;
    }

    /// Set text as `options` say (justified or not), from now on: a new
    /// width keeps them.
    pub fn set_layout_options(&mut self, options: LayoutOptions) {
        self.layout.set_options(options);
    }

    /// The text column's width for a text area `width` columns wide.
    pub fn measure(&self, width: u16) -> usize {
        room(usize::from(width)).min(self.max_measure).max(1)
    }

    /// Whether the sidebar is drawn on a terminal `width` columns wide.
    pub fn sidebar_shown(&self, width: u16) -> bool {
        self.sidebar && width >= SIDEBAR_MIN_WIDTH
    }

    /// Fit the layout and the reader to a text area. A new width lays the
    /// article out again; the top position stays where it is.
    pub fn fit(&mut self, width: u16, height: u16) {
        self.text_width = usize::from(width);
        let measure = self.measure(width);
        if measure != self.layout.width() {
            self.layout = self.layout.relaid(&self.doc, measure);
        }
        self.reader.set_height(usize::from(height));
        self.layout.set_figure_room(self.figures.room(height));
        self.figures.learn(&self.doc, &mut self.layout);
        if let Some(pos) = self.pending.take() {
            self.reader.jump_to(&self.doc, &mut self.layout, pos);
        }
        // A screen that reaches an edge of the window (it can hold more
        // source bytes than the margin allowed for: long link targets,
        // definitions) would show the window's end as the article's.
        if self.is_partial() && self.at_window_edge() {
            self.wait_whole();
        }
    }

    pub fn top(&self) -> Position {
        self.reader.top
    }

    /// After every key: count reading time, and remember the place once
    /// the reader has moved in this session.
    pub fn after_key(&mut self, before: Position, at: Instant) {
        let before = match &self.prompt {
            Some(Prompt {
                kind: PromptKind::Search(from),
                ..
            }) => {
                self.search_began = Some(from.top);
                self.reader.top
            }
            _ => self.search_began.take().unwrap_or(before),
        };
        self.poll_whole();
        if before != self.reader.top {
            // The reader's own place now, not a reload's guess.
            self.before_guess = None;
        }
        if self.is_partial() {
            // Anchors and progress are recorded from the whole article,
            // once it is parsed (`take_whole`).
            self.session.moved |= before != self.reader.top;
            return;
        }
        let after = self.reader.top;
        self.session.key(&self.doc, before, after, at);
        // The saved place stays until the reader moves.
        if self.session.moved {
            let screen = self.reader.screen(&self.doc, &mut self.layout);
            let at_end = self.at_end(&screen);
            self.session
                .record_position(&self.doc, after, at_end, store::now());
        }
    }

    /// Called when no key came for a while: scroll on under a drag held at
    /// an edge; save in the background after `IDLE_SAVE`, and take in a
    /// finished save.
    pub fn tick(&mut self, now: Instant) {
        self.settle_fingerprint(true);
        self.poll_whole();
        self.start_refresh();
        self.figures.poll(&self.doc, &mut self.layout);
        self.drag_on();
        // Resting on a screen is reading too: an article that fits on one
        // screen is read by staying on it.
        if self.mode == Mode::Reading && !self.is_partial() {
            let (range, at_end) = self.screen_range();
            if self.session.rest(range.clone(), now) {
                self.session.record_read(&self.doc, range);
                if at_end {
                    self.finish_if_read();
                    // A short article read where it opened: its place is
                    // its end, as the status bar says, unless a place saved
                    // before is being kept.
                    if self.session.state.position.is_none() {
                        self.session.moved = true;
                        self.session.record_position(
                            &self.doc,
                            self.reader.top,
                            true,
                            store::now(),
                        );
                    }
                }
            }
            // Ranges read in another process come in with a save.
            self.session.recount(&self.doc);
        }
        if self.session.save_due(now, IDLE_SAVE) {
            self.session.save_in_background();
        }
        if let Some(warning) = self.session.poll_saved() {
            self.message = Some(warning);
        }
    }

    /// Between keys: start a save that is due (a mark just made, or a
    /// place unsaved for long while keys keep coming), as `tick` does
    /// when no key comes. Never waits: not while the fingerprint or the
    /// whole article is still to come.
    pub fn save_if_due(&mut self, now: Instant) {
        if !self.fingerprint_pending()
            && !self.is_partial()
            && self.session.save_due(now, IDLE_SAVE)
        {
            self.session.save_in_background();
        }
    }

    /// Save before leaving; a warning when it failed.
    pub fn save_now(&mut self) -> Option<String> {
        self.settle_fingerprint(true);
        self.wait_whole();
        if self.session.moved || self.session.reanchor {
            let screen = self.reader.screen(&self.doc, &mut self.layout);
            let at_end = self.at_end(&screen);
            self.session
                .record_position(&self.doc, self.reader.top, at_end, store::now());
        }
        self.session.save_now_in(&self.doc)
    }

    /// The bookmarks in article order, as the list shows them.
    pub fn bookmarks(&self) -> Vec<BookmarkView> {
        self.session.bookmarks(&self.doc)
    }

    /// The label offered for a bookmark at the top of the screen: the
    /// section (or the title, above the first heading) and the first words
    /// of the text. Lines drawn for the page, not from the text (the
    /// header, a rule, a code block's language), give no words: a
    /// right-to-left title there is drawn turned, and its words would be
    /// stored backwards.
    fn bookmark_label(&mut self) -> String {
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let words: Vec<String> = screen
            .lines
            .iter()
            .filter(|l| l.segs.iter().any(|s| s.source.is_some()))
            .map(|l| l.reading_text(&self.doc.text))
            .find(|t| !t.trim().is_empty())
            .unwrap_or_default()
            .split_whitespace()
            // A table's borders and other marks are no words.
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .take(5)
            .map(str::to_string)
            .collect();
        let words = words.join(" ");
        let section = self
            .doc
            .section_at(self.reader.top)
            .map(|h| h.text.as_str())
            .or(self.doc.meta.title.as_deref());
        match section {
            Some(s) if !words.is_empty() && words != s => format!("{s} · {words}"),
            Some(s) => s.to_string(),
            None => words,
        }
    }

    /// The section the reader is in, as an index into the outline.
    pub fn current_section(&self) -> Option<usize> {
        self.outline.current(self.reader.top)
    }

    /// Jump to `pos`, remembering where we were. A jump is on purpose
    /// (the reader's, or a newer place synced from another device): the
    /// place it leads to is the one to save.
    pub fn jump(&mut self, pos: Position) {
        self.session.moved = true;
        self.before_guess = None;
        self.jumps.push(self.reader.place());
        self.reader.jump_to(&self.doc, &mut self.layout, pos);
        self.link = None;
    }

    fn jump_to_section(&mut self, section: Option<usize>, none: &str) {
        match section {
            Some(i) => self.jump(Position(self.outline.sections[i].start)),
            None if self.outline.is_empty() => self.message = Some("No sections".into()),
            None => self.message = Some(none.into()),
        }
    }

    /// The links on the screen now, in reading order.
    pub fn visible_links(&mut self) -> Vec<u32> {
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let mut links: Vec<u32> = Vec::new();
        for line in &screen.lines {
            for seg in &line.segs {
                if let Some(l) = seg.link
                    && !links.contains(&l)
                {
                    links.push(l);
                }
            }
        }
        links
    }

    fn cycle_link(&mut self, forward: bool) {
        let links = self.visible_links();
        if links.is_empty() {
            self.link = None;
            self.message = Some("No links on this screen".into());
            return;
        }
        let at = self.link.and_then(|l| links.iter().position(|&x| x == l));
        let next = match (at, forward) {
            (None, true) => 0,
            (None, false) => links.len() - 1,
            (Some(i), true) => (i + 1) % links.len(),
            (Some(i), false) => (i + links.len() - 1) % links.len(),
        };
        self.link = Some(links[next]);
        self.message = self.link_description(links[next]);
    }

    /// What the status bar says about a selected link.
    fn link_description(&self, link: u32) -> Option<String> {
        let l = self.doc.links.get(usize::try_from(link).ok()?)?;
        let text = &*self.doc.text;
        if let Target::External(url) = l.target(text)
            && let Some(goes) = self.here.check(url)
        {
            return Some(match goes {
                Ok(Goes::Here(Some(slug))) => self.internal_description(&slug),
                Ok(Goes::Here(None)) => "Link to this article (Enter goes to its start)".into(),
                Ok(Goes::There(link)) => {
                    format!("Link: {} (Enter follows)", super::trail::opens(&link))
                }
                Err(problem) => format!("Link: {problem}"),
            });
        }
        Some(match l.target(text) {
            Target::Internal(slug) => self.internal_description(slug),
            Target::Footnote(n) => format!("Footnote {n} (Enter jumps to it)"),
            // Only what Enter would open says so: a link to a file beside
            // the article says what y does instead.
            Target::External(url) => match crate::links::openable(url.trim()) {
                Ok(_) => format!(
                    "Link to {} (Enter opens it)",
                    crate::parse::sanitize(url.trim())
                ),
                Err(_) => format!(
                    "Link to {} (not opened from here: y copies it)",
                    crate::parse::sanitize(url.trim())
                ),
            },
            Target::Image(image) => {
                let what = match image.caption() {
                    "" => crate::parse::sanitize(image.url.trim()),
                    caption => caption.to_string(),
                };
                // Only what Enter would do: an image that cannot be shown
                // says why.
                match self.image_enter(&image.url) {
                    ImageEnter::Alone => format!("Image: {what} (Enter shows it alone)"),
                    ImageEnter::Open { failed: None, .. } => {
                        format!("Image: {what} (Enter opens it)")
                    }
                    ImageEnter::Open {
                        failed: Some(why), ..
                    } => format!("Image: {what}, not shown here: {why} (Enter opens it)"),
                    ImageEnter::Nothing(why) => format!("Image: {what}, not shown: {why}"),
                }
            }
        })
    }

    /// What the status bar says of a link to `#slug` in this article.
    fn internal_description(&self, slug: &str) -> String {
        let slug = crate::parse::sanitize(slug);
        match self.outline.by_slug(&slug) {
            Some(s) => format!("Link to section: {} (Enter follows)", s.title),
            None if self.doc.anchor(&slug).is_some() => {
                format!("Link to #{slug} in this article (Enter follows)")
            }
            None => format!("Link to #{slug}, which is not in this article"),
        }
    }

    fn follow_link(&mut self) {
        let Some(link) = self.link else {
            self.message = Some("No link selected: Tab selects one, o shows hints".into());
            return;
        };
        self.follow(link);
    }

    /// Follow link `link`: jump to a section or footnote (remembering
    /// where we were), or ask before opening an external one.
    pub fn follow(&mut self, link: u32) {
        let Some(i) = usize::try_from(link)
            .ok()
            .filter(|&i| i < self.doc.links.len())
        else {
            return;
        };
        if let Some(pos) = self.doc.link_destination(i) {
            self.jump(pos);
            return;
        }
        if let Target::External(url) = self.doc.links[i].target(&self.doc.text)
            && let Some(goes) = self.here.check(url)
        {
            self.follow_file(link, goes);
            return;
        }
        match self.doc.links[i].target(&self.doc.text) {
            Target::External(url) => {
                let url = url.to_string();
                match crate::links::openable(&url) {
                    Ok(ok) => {
                        self.link = Some(link);
                        self.confirm = Some(ok.to_string());
                        // The box above the status bar shows the target in
                        // full, however long.
                        self.message = Some(format!(
                            "Open {}? Enter opens it, any other key cancels",
                            crate::parse::sanitize(ok)
                        ));
                    }
                    Err(why) => self.message = Some(format!("Not opened: {why}")),
                }
            }
            Target::Image(image) => {
                let url = image.url.clone();
                self.link = Some(link);
                self.show_image(link, &url);
            }
            _ => self.message = self.link_description(link),
        }
    }

    /// Follow link `link` to a file: a place in this article is a jump;
    /// another article is opened by the shell (`tui::trail`).
    fn follow_file(&mut self, link: u32, goes: Result<Goes, super::trail::Problem>) {
        match goes {
            Ok(Goes::Here(Some(slug))) => match self.doc.place_of(&slug) {
                Some(pos) => self.jump(pos),
                None => self.message = Some(self.internal_description(&slug)),
            },
            Ok(Goes::Here(None)) => self.jump(Position(0)),
            Ok(Goes::There(to)) => {
                self.link = Some(link);
                self.here.leave = Some(super::trail::Leave::Follow {
                    path: to.path,
                    written: to.written,
                    fragment: to.fragment,
                    link,
                });
            }
            Err(problem) => self.message = Some(problem.refusal()),
        }
    }

    /// `Enter` on an image: shown alone, fitted to the screen; with
    /// images off, opened with the system's opener after asking, as a web
    /// link is.
    fn show_image(&mut self, link: u32, url: &str) {
        match self.image_enter(url) {
            ImageEnter::Alone => {
                self.figures.alone = Some(link);
                self.mode = Mode::Image;
                self.message = Some("q or Esc goes back to the text".into());
            }
            ImageEnter::Open { target, .. } => {
                self.message = Some(format!(
                    "Open {}? Enter opens it, any other key cancels",
                    crate::parse::sanitize(&target)
                ));
                self.confirm = Some(target);
            }
            ImageEnter::Nothing(why) => self.message = Some(format!("Not opened: {why}")),
        }
    }

    /// What `Enter` does on the image at `url`.
    fn image_enter(&self, url: &str) -> ImageEnter {
        let failed = match self.layout.figure_state(url) {
            Some(crate::layout::FigureState::Failed(reason)) => Some(reason.clone()),
            _ => None,
        };
        if self.figures.room(1).is_some() && failed.is_none() {
            return ImageEnter::Alone;
        }
        // A file that is not there, or no file at all, is not handed to
        // the opener: it would only fail there.
        let no_file = [
            crate::images::Failure::Missing,
            crate::images::Failure::NotAFile,
            crate::images::Failure::Unreadable,
        ]
        .map(crate::images::Failure::reason);
        let target = match self.figures.path_of(url) {
            Ok(_) if failed.as_deref().is_some_and(|r| no_file.contains(&r)) => {
                Err(failed.clone().unwrap_or_default())
            }
            Ok(path) => Ok(path.to_string_lossy().into_owned()),
            Err(crate::images::Failure::Remote) => crate::links::openable(url)
                .map(str::to_string)
                .map_err(|why| why.to_string()),
            Err(f) => Err(f.reason().to_string()),
        };
        match target {
            Ok(target) => ImageEnter::Open { target, failed },
            Err(why) => ImageEnter::Nothing(why),
        }
    }

    /// The visible text of link `link` on the screen or in the article.
    pub fn link_text(&self, link: u32) -> String {
        let mut text = String::new();
        for block in &self.doc.blocks {
            for span in crate::document::block_spans(&block.kind) {
                if span.link().map(crate::document::LinkId::index) == Some(link) {
                    text.push_str(span.text(&self.doc.text));
                }
            }
            if !text.is_empty() {
                break;
            }
        }
        text
    }

    /// A warning for the confirmation when the link's text shows an
    /// address other than its target.
    pub fn confirm_warning(&self) -> Option<String> {
        let url = self.confirm.as_ref()?;
        crate::links::disguise(&self.link_text(self.link?), url)
    }

    /// The second Enter: hand the URL to the system's opener.
    fn launch(&mut self, url: String) {
        let shown = crate::parse::sanitize(&url);
        match &mut self.opener {
            Opener::Record(opened) => {
                opened.push(url);
                self.message = Some(format!("Opened {shown}"));
            }
            Opener::System => match open::that_detached(&url) {
                Ok(()) => self.message = Some(format!("Opened {shown}")),
                Err(e) => {
                    let why = crate::links::opener_failure(&e);
                    self.message = Some(format!("Could not open the link: {why} · y copies it"));
                    // The box stays, so that y can copy the link instead.
                    self.confirm = Some(url);
                }
            },
        }
    }

    /// Hand `text` to the clipboard and say what was copied.
    pub(super) fn copy(&mut self, what: &str, text: String) {
        let n = text.chars().count();
        if text.len() > super::clipboard::MAX_COPY {
            self.message = Some(format!(
                "Not copied: the {what} is too long for the terminal's clipboard ({n} characters)"
            ));
            return;
        }
        let unit = if n == 1 { "character" } else { "characters" };
        self.message = Some(format!("Copied {what} · {n} {unit}"));
        self.clipboard = Some(text);
    }

    /// `y`: the address of the link chosen in the link list, or of the
    /// link selected with Tab.
    fn copy_link(&mut self) {
        let link = match (&self.link_list, self.mode) {
            (Some(list), Mode::Links) => list.entries.get(list.cursor).map(|e| e.index),
            _ => self.link,
        };
        let Some(link) = link else {
            self.message = Some("No link selected: Tab selects one, L lists them all".into());
            return;
        };
        let Some(l) = usize::try_from(link)
            .ok()
            .and_then(|i| self.doc.links.get(i))
        else {
            return;
        };
        let (what, address) = match l.target(&self.doc.text) {
            Target::External(url) => ("link", url.to_string()),
            Target::Internal(slug) => ("link", format!("#{slug}")),
            Target::Footnote(_) => {
                self.message = Some("A footnote reference has no address to copy".into());
                return;
            }
            Target::Image(image) => ("image address", image.url.clone()),
        };
        self.copy(what, address);
    }

    /// `Y`: the section being read, as it is written in the source
    /// (Markdown), its subsections included; the whole article when it
    /// has no sections.
    fn copy_section(&mut self) {
        let len = self.doc.text.len();
        let (range, what) = match self.current_section() {
            Some(i) => {
                let s = &self.outline.sections[i];
                (s.start.min(len)..s.end.min(len), "section")
            }
            None => (0..len, "article"),
        };
        let text = self
            .doc
            .text
            .get(range)
            .unwrap_or_default()
            .trim()
            .to_string();
        self.copy(what, text);
    }

    /// `o`: a hint on each link of the screen.
    fn show_hints(&mut self) {
        let links = self.visible_links();
        if links.is_empty() {
            self.message = Some("No links on this screen".into());
            return;
        }
        let labels = crate::links::hint_labels(links.len());
        self.hints = Some(Hints {
            labels: labels.into_iter().zip(links).collect(),
            typed: String::new(),
        });
        self.mode = Mode::Hints;
        self.message = Some("Type a link's letters to follow it · Esc cancels".into());
    }

    /// A letter typed while the hints are shown; backspace takes one back.
    fn hint_typed(&mut self, c: char) {
        let Some(hints) = &mut self.hints else {
            return;
        };
        if c == '\u{8}' {
            hints.typed.pop();
            return;
        }
        hints.typed.push(c.to_ascii_lowercase());
        let typed = hints.typed.clone();
        let exact = hints
            .labels
            .iter()
            .find(|(l, _)| *l == typed)
            .map(|&(_, link)| link);
        let any = hints.labels.iter().any(|(l, _)| l.starts_with(&typed));
        if let Some(link) = exact {
            self.close_hints();
            self.follow(link);
        } else if !any {
            self.close_hints();
            self.message = Some(format!("No link has the hint {typed}"));
        }
    }

    fn close_hints(&mut self) {
        self.hints = None;
        self.mode = Mode::Reading;
    }

    /// `L`: every link of the article, the cursor on the first one at or
    /// after the top of the screen.
    fn open_link_list(&mut self) {
        let mut entries = crate::links::entries(&self.doc);
        // A link to a file says whether it is there: the core does not
        // look at the disk.
        super::trail::tell_files(&self.here, &self.doc, &mut entries);
        if entries.is_empty() {
            self.message = Some("No links in this article".into());
            return;
        }
        let top = self.reader.top.0;
        let cursor = entries
            .iter()
            .position(|e| e.source >= top)
            .unwrap_or(entries.len() - 1);
        self.link_list = Some(LinkList { entries, cursor });
        self.mode = Mode::Links;
    }

    fn move_link_cursor(&mut self, f: impl FnOnce(usize, usize) -> usize) {
        if let Some(list) = &mut self.link_list {
            let last = list.entries.len().saturating_sub(1);
            list.cursor = f(list.cursor, last).min(last);
        }
    }

    fn open_link_entry(&mut self) {
        let Some(list) = self.link_list.take() else {
            return;
        };
        self.mode = Mode::Reading;
        if let Some(e) = list.entries.get(list.cursor) {
            self.follow(e.index);
        }
    }

    pub fn update(&mut self, action: Action) {
        // While a window shows, a key saves nothing (see `Shell::handle`).
        self.settle_fingerprint(!self.is_partial());
        // A digit of a count moves nothing: the screen is not laid out
        // for it (`50%` typed at once waits for nothing but its jump).
        if let Action::CountDigit(_) = action {
            self.act(action);
            return;
        }
        // What stays on screen while reading counts as read: the screen
        // left and the screen reached.
        let reading = action.is_reading_motion() && self.mode == Mode::Reading;
        // A jump to a window far into the article (`show_far`) leaves a
        // screen that the window does not hold, and so is not laid out
        // for: it moves.
        let left = if std::mem::take(&mut self.far) {
            None
        } else {
            Some(self.screen_range().0)
        };
        self.act(action);
        self.fill_screen();
        let (reached, at_end) = self.screen_range();
        // Any move on purpose, reading or a jump, makes the place the
        // reader's new one. A motion that cannot move (an article shorter
        // than the screen, the end already in view) reads nothing new:
        // resting on the screen does.
        // A search being typed shows its matches: a preview, not a move.
        // Once it ends, the reader moved if it is elsewhere than where the
        // search began (`after_key` keeps that place).
        let searching = matches!(
            &self.prompt,
            Some(Prompt {
                kind: PromptKind::Search(_),
                ..
            })
        );
        let moved = match self.search_began {
            _ if searching => false,
            Some(began) => self.reader.top != began,
            None => left.as_ref() != Some(&reached),
        };
        if moved {
            self.session.moved = true;
            if reading && let Some(left) = left {
                self.session.record_read(&self.doc, left);
                self.session.record_read(&self.doc, reached);
                if at_end {
                    self.finish_if_read();
                }
            }
        }
        self.search_follows_screen();
    }

    /// The source bytes the screen shows, and whether the end is on it.
    /// A screen at the start counts from byte 0 (front matter, blank
    /// lines), one at the end to the last byte.
    pub fn screen_range(&mut self) -> (Range<usize>, bool) {
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let top = self.reader.top.0;
        let first = screen.lines.first().map_or(top, |l| l.start);
        let start = if self.doc.has_words_before(Position(first)) {
            first
        } else {
            0
        };
        let at_end = self.at_end(&screen);
        let end = if at_end {
            self.doc.source_len
        } else {
            screen.lines.last().map_or(first, |l| l.end.max(first))
        };
        (start..end, at_end)
    }

    /// Whether `screen` is at the end of the reading: the end is on it,
    /// or every counted word is on it or above it and what follows is no
    /// reading (a Project Gutenberg book's licence, dimmed and not
    /// counted). The status bar says `end` then, and the place is saved
    /// as the end, so that both say the same. Not while only a window is
    /// parsed, whose count is an estimate.
    pub fn at_end(&self, screen: &Screen) -> bool {
        let words = self.doc.words;
        screen.at_end
            || (words > 0
                && !self.is_partial()
                && screen
                    .lines
                    .iter()
                    .map(|l| l.end)
                    .max()
                    .is_some_and(|bottom| self.doc.words_before(Position(bottom)) >= words))
    }

    /// The end was reached by reading: finished, if most was read.
    fn finish_if_read(&mut self) {
        if !self.is_partial() && self.session.finish_if_read(&self.doc) {
            self.message = Some(format!(
                "Finished · {}% read · X marks it not finished",
                self.session.state.read
            ));
        }
    }

    /// Where the text on the top line starts: a heading there, or the
    /// title block drawn above the first block, is behind the reader.
    /// The section `]` goes to from `top`, where the top line starts:
    /// the next, or under the article's title (drawn above its first
    /// heading), the first heading below it.
    fn next_section(&mut self, top: Position) -> Option<&crate::outline::Section> {
        if self.reader.on_masthead(&self.doc, &mut self.layout) {
            self.outline.sections.iter().find(|s| s.heading_end > top.0)
        } else {
            self.outline.next(top)
        }
    }

    fn top_line_start(&mut self) -> Position {
        let top = self.reader.top;
        match self.reader.top_line(&self.doc, &mut self.layout) {
            Some(r) => Position(self.layout.line(&self.doc, r).start.max(top.0)),
            None => top,
        }
    }

    /// Keep the matches around the screen, from its top to its bottom, for
    /// its highlights and for `n` and `N`.
    fn search_follows_screen(&mut self) {
        if self.search.is_none() || self.counting.is_some() {
            return;
        }
        let top = self.reader.top.0;
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let bottom = screen.lines.last().map_or(top, |l| l.end.max(top));
        if let Some(search) = &mut self.search
            && !(search.covers(top) && search.covers(bottom))
        {
            search.move_to(&self.doc, top);
        }
    }

    fn act(&mut self, action: Action) {
        self.message = None;
        let count = match action {
            Action::CountDigit(d) => {
                let n = self
                    .count
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u32::from(d))
                    .min(100_000);
                self.count = Some(n);
                self.message = Some(format!("{n} · then % goes that far through the article"));
                return;
            }
            _ => self.count.take(),
        };
        if !matches!(
            action,
            Action::PromptInput(_) | Action::PromptEdit(_) | Action::PromptCancel
        ) {
            self.finish_count();
        }
        if self.is_partial() {
            if action.needs_outline() {
                self.find_outline();
            }
            if let Some(at) = self.window_target(action, count) {
                // A jump shows its screen from a narrow window first.
                let screen = (3 * self.reader.height * JUMP_ROW / 2).max(JUMP_AFTER);
                let (show, sizes) = match (action, count) {
                    (Action::Bottom, _) | (Action::Percent, Some(100..)) => {
                        (self.doc.source_len, (screen, 0))
                    }
                    _ => (at, (JUMP_BEFORE, screen)),
                };
                self.window_for(at, show, Some(sizes));
            } else if !self.fits_window(action) {
                // Past the narrow window of a jump: the whole window around
                // the place, with the index of the whole text, and the
                // whole article when that is not enough.
                if self.window_due() {
                    self.take_index_for(true, false);
                }
                if !(self.refresh_window() && self.fits_window(action)) {
                    self.wait_whole();
                }
            }
        }
        // The hints are for the links on screen: anything but a hint's
        // letters (the wheel, a click) takes them away first.
        if self.mode == Mode::Hints && !matches!(action, Action::HintInput(_)) {
            self.close_hints();
            if action == Action::CloseOverlay {
                return;
            }
        }
        // An external link waits for a second Enter; any other key
        // cancels it.
        if let Some(url) = self.confirm.take() {
            match action {
                Action::FollowLink => self.launch(url),
                Action::CopyLink => self.copy("link", url),
                _ => self.message = Some("Not opened".into()),
            }
            return;
        }
        let (doc, layout, reader) = (&self.doc, &mut self.layout, &mut self.reader);
        match action {
            Action::LineDown => reader.line_down(doc, layout),
            Action::LineUp => reader.line_up(doc, layout),
            Action::Scroll(n) => reader.scroll(doc, layout, isize::from(n)),
            Action::HalfPageDown => reader.half_down(doc, layout),
            Action::HalfPageUp => reader.half_up(doc, layout),
            Action::PageDown => reader.page_down(doc, layout),
            Action::PageUp => reader.page_up(doc, layout),
            // Jumps, remembered like every other.
            Action::Top => {
                self.jumps.push(reader.place());
                reader.to_start();
            }
            Action::Bottom => {
                self.jumps.push(reader.place());
                reader.to_end(doc, layout);
            }
            Action::Percent => self.jump_to_percent(count),
            // Taken in as the count, above.
            Action::CountDigit(_) => {}
            Action::NextHeading => {
                let top = self.top_line_start();
                let s = self.next_section(top).map(|s| s.heading);
                self.jump_to_section(s, "No more sections");
            }
            Action::PrevHeading => {
                let top = self.top_line_start();
                let s = self.outline.prev(top).map(|s| s.heading);
                self.jump_to_section(s, "No earlier sections");
            }
            Action::NextPeer => {
                let top = self.top_line_start();
                let s = self.outline.next_peer(top).map(|s| s.heading);
                self.jump_to_section(s, "No more sections at this level");
            }
            Action::PrevPeer => {
                let top = self.top_line_start();
                let s = self.outline.prev_peer(top).map(|s| s.heading);
                self.jump_to_section(s, "No earlier sections at this level");
            }
            // Nothing to read, nothing to finish; a record that says it
            // is finished can still be put right.
            Action::ToggleFinished if self.doc.is_empty() && !self.session.state.finished => {
                self.message = Some(super::library::EMPTY_NEVER_FINISHED.into());
            }
            Action::ToggleFinished => {
                let finished = self.session.toggle_finished(store::now());
                self.message = Some(if finished {
                    "Marked finished · X undoes".to_string()
                } else {
                    "Marked not finished · X undoes".to_string()
                });
            }
            // Past this article's own jumps, to the article a link was
            // followed from (or to): the shell takes `here.leave`, and
            // the message stands when there is none.
            Action::JumpBack => match self.jumps.back(self.reader.place()) {
                Some(place) => self.reader.go_to(place),
                None => {
                    self.here.leave = Some(super::trail::Leave::Back);
                    self.message = Some("Jump list: nothing to go back to".into());
                }
            },
            Action::JumpForward => match self.jumps.forward(self.reader.place()) {
                Some(place) => self.reader.go_to(place),
                None => {
                    self.here.leave = Some(super::trail::Leave::Forward);
                    self.message = Some("Jump list: nothing to go forward to".into());
                }
            },
            Action::NextLink => self.cycle_link(true),
            Action::PrevLink => self.cycle_link(false),
            Action::FollowLink => self.follow_link(),
            Action::LinkHints => self.show_hints(),
            Action::HintInput(c) => self.hint_typed(c),
            Action::LinkList => self.open_link_list(),
            Action::LinkListMove(n) => self.move_link_cursor(|at, _| at.saturating_add_signed(n)),
            Action::LinkListFirst => self.move_link_cursor(|_, _| 0),
            Action::LinkListLast => self.move_link_cursor(|_, last| last),
            Action::LinkListOpen => self.open_link_entry(),
            Action::ToggleOutline => self.open_outline(),
            Action::ToggleSidebar => {
                if !self.sidebar && self.screen_width > 0 && self.screen_width < SIDEBAR_MIN_WIDTH {
                    // Nothing changes: the sidebar is not armed for later.
                    self.message = Some(format!(
                        "The sidebar needs {SIDEBAR_MIN_WIDTH} columns; this terminal has {}",
                        self.screen_width
                    ));
                } else {
                    self.sidebar = !self.sidebar;
                }
            }
            Action::CopyLink => self.copy_link(),
            Action::CopySection => self.copy_section(),
            Action::OutlineMove(n) => self.with_list(|list, o| list.move_by(o, n)),
            Action::OutlineFirst => self.with_list(|list, _| list.first()),
            Action::OutlineLast => self.with_list(OutlineList::last),
            Action::OutlineCollapse => self.with_list(OutlineList::collapse),
            Action::OutlineExpand => self.with_list(OutlineList::expand),
            Action::OutlineLevel(n) => self.with_list(|list, o| list.set_level(o, n)),
            Action::OutlineOpen => {
                let section = self
                    .list
                    .as_ref()
                    .and_then(|list| list.selected(&self.outline));
                self.close_outline();
                if let Some(i) = section {
                    self.jump(Position(self.outline.sections[i].start));
                }
            }
            Action::FilterStart if self.mode == Mode::Highlights => self.filter_highlights(),
            Action::FilterInput(c) if self.mode == Mode::HighlightsFilter => {
                if self.filter_line.insert(c) {
                    self.highlight_filter_typed();
                }
            }
            Action::FilterEdit(edit) if self.mode == Mode::HighlightsFilter => {
                if self.filter_line.edit(edit) {
                    self.highlight_filter_typed();
                }
            }
            Action::FilterDone if self.mode == Mode::HighlightsFilter => {
                self.highlight_filter_done();
            }
            Action::FilterStart => {
                if let Some(list) = &mut self.list {
                    list.set_filter(&self.outline, Some(String::new()));
                    self.filter_line = LineInput::empty();
                    self.mode = Mode::OutlineFilter;
                }
            }
            Action::FilterInput(c) => self.edit_filter(|f| f.insert(c)),
            Action::FilterEdit(edit) => self.edit_filter(|f| f.edit(edit)),
            Action::FilterDone => {
                if let Some(list) = &mut self.list
                    && list.filter.as_deref().is_some_and(str::is_empty)
                {
                    list.set_filter(&self.outline, None);
                }
                self.mode = Mode::Outline;
            }
            Action::Click { column, row } => self.click(column, row),
            Action::MultiClick { column, row, count } => {
                if matches!(self.mode, Mode::Reading | Mode::Select) {
                    self.press_text(column, row, count);
                }
            }
            Action::Drag { column, row } => self.drag_to(column, row),
            Action::Release => self.release(),
            Action::StartSelection => self.start_selection(),
            Action::SelectMotion(m) => self.select_motion(m),
            Action::SelectLines(n) => self.select_lines(isize::from(n)),
            Action::SelectLineStart => self.select_line_edge(false),
            Action::SelectLineEnd => self.select_line_edge(true),
            Action::SelectSwap => self.select_swap(),
            Action::CopySelection => self.copy_selection(),
            Action::HighlightSelection(color) => self.highlight_selection(color, false),
            Action::NoteSelection => self.highlight_selection(0, true),
            Action::OpenHighlights => self.open_highlights(),
            Action::HighlightMove(n) => {
                self.move_highlight_cursor(|at, _| at.saturating_add_signed(n));
            }
            Action::HighlightFirst => self.move_highlight_cursor(|_, _| 0),
            Action::HighlightLast => self.move_highlight_cursor(|_, last| last),
            Action::HighlightOpen => self.open_highlight(),
            Action::HighlightDelete => self.delete_highlight(),
            Action::HighlightUndo => self.undo_highlight_delete(),
            Action::HighlightNote => self.edit_highlight_note(),
            Action::HighlightColor => self.cycle_highlight_color(),
            Action::HighlightCopy => self.copy_highlight(),
            Action::Wider | Action::Narrower | Action::DefaultWidth => self.change_width(action),
            Action::AddBookmark => {
                // One bookmark a place: a second would be the same line
                // twice in the list.
                let top = self.reader.top;
                if let Some(b) = self.bookmarks().into_iter().find(|b| b.pos == top) {
                    self.message = Some(format!(
                        "Already bookmarked here: {} (B lists bookmarks)",
                        b.label
                    ));
                    return;
                }
                let text = self.bookmark_label();
                self.prompt = Some(Prompt::new(PromptKind::NewBookmark(top), &text));
                self.mode = Mode::Prompt;
            }
            Action::OpenBookmarks => {
                if self.bookmarks().is_empty() {
                    self.message = Some("No bookmarks yet: m adds one".into());
                }
                self.marks = Some(BookmarkList::default());
                self.mode = Mode::Bookmarks;
            }
            Action::BookmarkMove(n) => {
                let len = self.bookmarks().len();
                if let Some(m) = &mut self.marks {
                    m.cursor = m.cursor.saturating_add_signed(n).min(len.saturating_sub(1));
                }
            }
            Action::BookmarkFirst => {
                if let Some(m) = &mut self.marks {
                    m.cursor = 0;
                }
            }
            Action::BookmarkLast => {
                let len = self.bookmarks().len();
                if let Some(m) = &mut self.marks {
                    m.cursor = len.saturating_sub(1);
                }
            }
            Action::BookmarkOpen => {
                if let Some(b) = self.selected_bookmark() {
                    self.marks = None;
                    self.mode = Mode::Reading;
                    self.jump(b.pos);
                }
            }
            Action::BookmarkDelete => {
                if let Some(b) = self.selected_bookmark()
                    && let Some(removed) = self.session.delete_bookmark(&b.id, store::now())
                {
                    let len = self.bookmarks().len();
                    if let Some(m) = &mut self.marks {
                        m.undo.push(removed);
                        m.cursor = m.cursor.min(len.saturating_sub(1));
                    }
                    self.message = Some(format!("Deleted “{}” · u undoes", b.label));
                }
            }
            Action::BookmarkUndo => {
                if let Some(b) = self.marks.as_mut().and_then(|m| m.undo.pop()) {
                    self.message = Some(format!("Restored “{}”", b.label));
                    self.session.undelete_bookmark(b, store::now());
                }
            }
            Action::BookmarkRename | Action::BookmarkNote => {
                if let Some(b) = self.selected_bookmark() {
                    self.prompt = Some(if action == Action::BookmarkRename {
                        Prompt::new(PromptKind::Rename(b.id), &b.label)
                    } else {
                        Prompt::editing(PromptKind::Note(b.id), &b.note.unwrap_or_default())
                    });
                    self.mode = Mode::Prompt;
                }
            }
            Action::SearchStart => {
                self.prompt = Some(Prompt::new(PromptKind::Search(self.reader.place()), ""));
                self.mode = Mode::Prompt;
                self.search_typed();
            }
            Action::SearchNext => self.next_match(true),
            Action::SearchPrev => self.next_match(false),
            Action::PromptInput(c) => {
                if self.prompt.as_mut().is_some_and(|p| p.line.insert(c)) {
                    self.search_typed();
                }
            }
            Action::PromptEdit(edit) => {
                if self.prompt.as_mut().is_some_and(|p| p.line.edit(edit)) {
                    self.search_typed();
                }
            }
            Action::PromptAccept => self.accept_prompt(),
            Action::PromptCancel => {
                match self.prompt.as_ref().map(|p| &p.kind) {
                    Some(PromptKind::Search(from)) => {
                        self.reader.go_to(*from);
                        self.search = None;
                        self.counting = None;
                    }
                    // The highlight stays: said, as the prompt's hint did.
                    Some(PromptKind::HighlightNote(id)) => {
                        self.message = Some(match self.highlight_note(id) {
                            Some(_) => "Note left as it was".to_string(),
                            None => "Highlight kept without a note".to_string(),
                        });
                    }
                    _ => {}
                }
                self.prompt = None;
                self.mode = if self.marks.is_some() {
                    Mode::Bookmarks
                } else if self.hl_list.is_some() {
                    Mode::Highlights
                } else {
                    Mode::Reading
                };
            }
            Action::ToggleHelp => {
                self.help_scroll = 0;
                self.mode = match self.mode {
                    Mode::Help => Mode::Reading,
                    _ => Mode::Help,
                }
            }
            Action::HelpScroll(n) => {
                // As far as the last frame of the help could go.
                let most = self.help_most.get();
                self.help_scroll = self.help_scroll.saturating_add_signed(n).min(most);
            }
            Action::ToggleImages => {
                self.message = Some(self.figures.toggle());
                if self.mode == Mode::Image {
                    self.figures.alone = None;
                    self.mode = Mode::Reading;
                }
            }
            Action::CloseOverlay => {
                if self.mode == Mode::Image {
                    self.figures.alone = None;
                    self.mode = Mode::Reading;
                } else if matches!(self.mode, Mode::Outline | Mode::OutlineFilter) {
                    self.close_outline();
                } else if self.mode == Mode::Bookmarks {
                    self.marks = None;
                    self.mode = Mode::Reading;
                } else if self.mode == Mode::Hints {
                    self.close_hints();
                } else if self.mode == Mode::Links {
                    self.link_list = None;
                    self.mode = Mode::Reading;
                } else if self.mode == Mode::Select {
                    self.end_selection();
                } else if matches!(self.mode, Mode::Highlights | Mode::HighlightsFilter) {
                    self.close_highlights();
                } else {
                    self.mode = Mode::Reading;
                    self.link = None;
                }
            }
            Action::Quit => self.quit = true,
            // The library's own actions never reach the reader.
            Action::LibraryMove(_)
            | Action::LibraryFirst
            | Action::LibraryLast
            | Action::LibraryOpen
            | Action::LibraryContinue
            | Action::LibrarySort
            | Action::LibraryToggleFinished
            | Action::LibraryTrash
            | Action::LibraryTrashConfirm
            | Action::LibraryUndo
            | Action::LibraryBookmarks => {}
        }
    }

    /// Whether the screen shows either edge of the window, where it is not
    /// an edge of the article.
    fn at_window_edge(&mut self) -> bool {
        let Some(window) = self.doc.window.clone() else {
            return false;
        };
        let len = self.doc.source_len;
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let first = screen.lines.first().map_or(self.reader.top.0, |l| l.start);
        let last = screen.lines.last().map_or(self.reader.top.0, |l| l.end);
        (window.end < len && (screen.at_end || last >= window.end))
            || (window.start > 0 && first <= window.start)
    }

    /// `+`, `-` and `=`: the measure by 4 columns, from 30 up to the full
    /// width (less the gutters), or back to the default. The top position
    /// does not move; the width is remembered in the config.
    fn change_width(&mut self, action: Action) {
        let full = room(self.text_width).max(1);
        let now = self.max_measure.min(full);
        let width = match action {
            Action::Wider => (now + 4).min(full),
            Action::Narrower => now.saturating_sub(4).max(MIN_MEASURE.min(full)),
            // The default, not the width the config gave: `=` forgets it.
            _ => DEFAULT_MEASURE,
        };
        if width == now && action != Action::DefaultWidth {
            self.message = Some(if action == Action::Wider {
                format!("Width {width}: the full width")
            } else {
                format!("Width {width}: the narrowest")
            });
            return;
        }
        self.max_measure = width;
        let saved = match &self.config_file {
            Some(path) => {
                let value =
                    (width != DEFAULT_MEASURE).then(|| u16::try_from(width).unwrap_or(u16::MAX));
                match crate::config::save_width(path, value) {
                    // `=` takes the width out of the config: nothing to say.
                    Ok(()) if value.is_none() => String::new(),
                    Ok(()) => " · remembered".to_string(),
                    Err(e) => format!(" · not remembered: {e:#}"),
                }
            }
            None => String::new(),
        };
        let default = if action == Action::DefaultWidth {
            " (the default)"
        } else {
            ""
        };
        self.message = Some(format!("Width {}{default}{saved}", width.min(full)));
    }

    fn selected_bookmark(&self) -> Option<BookmarkView> {
        let cursor = self.marks.as_ref()?.cursor;
        self.bookmarks().into_iter().nth(cursor)
    }

    /// Ended from outside (SIGTERM, SIGHUP when the terminal closes) with
    /// a bookmark's label or a note being typed: it is kept, as Enter
    /// would keep it, rather than lost. What was kept, for stderr.
    /// A note or a label that was there is never replaced so: the edit
    /// may be half done (a key clears the whole of the text offered).
    pub fn keep_draft(&mut self) -> Option<&'static str> {
        let prompt = self.prompt.as_ref()?;
        let state = &self.session.state;
        let note_there = match &prompt.kind {
            PromptKind::Search(_) => return None,
            PromptKind::NewBookmark(_) => None,
            PromptKind::Rename(_) => {
                return Some("the label being typed was left: the bookmark keeps its name");
            }
            // The note there, if any (an id not found has none).
            PromptKind::Note(id) => Some(
                state
                    .bookmarks
                    .iter()
                    .find(|b| &b.id == id)
                    .and_then(|b| b.note.as_ref()),
            ),
            PromptKind::HighlightNote(id) => {
                Some(state.highlights.get(id).and_then(|h| h.note.as_ref()))
            }
        };
        let kept = match note_there {
            None => "the bookmark being labelled was kept",
            Some(Some(note)) if !note.trim().is_empty() => {
                return Some("the note being edited was left as it was");
            }
            Some(_) if prompt.text().trim().is_empty() => return None,
            Some(_) => "the note being typed was kept",
        };
        self.accept_prompt();
        Some(kept)
    }

    fn accept_prompt(&mut self) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        let typed = prompt.text().to_string();
        let text = crate::parse::sanitize(typed.trim());
        let now = store::now();
        match prompt.kind {
            PromptKind::NewBookmark(pos) => {
                let label = if text.is_empty() {
                    self.bookmark_label()
                } else {
                    text
                };
                self.message = Some(if self.session.saves() && !self.session.save_failing() {
                    format!("Bookmarked: {label}")
                } else {
                    format!("Bookmarked: {label} (not saved)")
                });
                self.session.add_bookmark(&self.doc, pos, label, now);
                self.mode = Mode::Reading;
            }
            PromptKind::Rename(id) => {
                if !text.is_empty() {
                    self.session.rename_bookmark(&id, text, now);
                }
                self.mode = Mode::Bookmarks;
            }
            PromptKind::Note(id) => {
                let note = (!text.is_empty()).then_some(text);
                self.session.set_note(&id, note, now);
                self.mode = Mode::Bookmarks;
            }
            PromptKind::HighlightNote(id) => {
                let note = (!text.is_empty()).then_some(text);
                let had = self.highlight_note(&id).is_some();
                let said = match (&note, had) {
                    (Some(_), false) => "Note added",
                    (Some(_), true) => "Note changed",
                    (None, true) => "Note removed",
                    (None, false) => "No note",
                };
                self.session.set_highlight_note(&id, note, now);
                self.message = Some(said.to_string());
                self.mode = if self.hl_list.is_some() {
                    Mode::Highlights
                } else {
                    Mode::Reading
                };
            }
            PromptKind::Search(from) => {
                self.mode = Mode::Reading;
                self.reader.go_to(from);
                let top = from.top.0;
                // Typing found the matches around the same place already.
                let search = match self.search.take() {
                    Some(typed) if typed.query == prompt.text() && typed.covers(top) => Search {
                        current: None,
                        ..typed
                    },
                    _ => Search::around(&self.doc, prompt.text(), top),
                };
                if search.query.trim().is_empty() {
                    self.search = None;
                    return;
                }
                let mut search = search;
                search.notes = self.notes_holding(&search.query);
                if search.count() == 0 {
                    self.message = Some(format!("Not found: {text}"));
                    self.search = Some(search);
                    return;
                }
                // The first match at or after the top of the screen.
                let first = search.before + search.matches.partition_point(|m| m.start < top);
                let first = if first < search.count() {
                    first
                } else {
                    self.message = Some("Search wrapped to the start".into());
                    0
                };
                self.search = Some(search);
                self.jumps.push(from);
                self.show_match(first);
            }
        }
    }

    /// The search prompt changed: highlight the matches of what is typed,
    /// and show the first one from where the search began when it is not
    /// on that screen already.
    fn search_typed(&mut self) {
        let Some(prompt) = &self.prompt else {
            return;
        };
        let PromptKind::Search(from) = prompt.kind else {
            return;
        };
        let text = prompt.text().to_string();
        self.reader.go_to(from);
        self.counting = None;
        let mut search = if self.doc.source_len >= COUNT_BETWEEN_KEYS && !text.trim().is_empty() {
            // A long article: the matches near the screen now, all of
            // them counted between keys.
            self.counting = Some(crate::search::Counting::new(&self.doc, &text, from.top.0));
            let matches = crate::search::find_near(&self.doc, &text, from.top.0);
            Search {
                query: text.clone(),
                total: matches.len(),
                matches,
                blocks: self.doc.blocks.len(),
                counting: true,
                ..Search::default()
            }
        } else {
            Search::around(&self.doc, &text, from.top.0)
        };
        search.notes = self.notes_holding(&text);
        let first = Some(search.matches.partition_point(|m| m.start < from.top.0))
            .filter(|&i| i < search.matches.len());
        let start = first.map(|i| search.matches[i].start);
        let first = first.map(|i| search.before + i);
        search.current = first;
        self.search = Some(search);
        if let (Some(start), Some(first)) = (start, first)
            && !self.on_screen(start)
        {
            self.show_match(first);
        }
    }

    /// The highlights whose note holds `query`, in article order: where
    /// each is found, and its note.
    fn notes_holding(&self, query: &str) -> Vec<(usize, String)> {
        self.highlights()
            .iter()
            .filter_map(|h| {
                let note = h.note.as_deref()?;
                let at = h.range.as_ref()?.start;
                crate::search::text_holds(note, query).then(|| (at, note.to_string()))
            })
            .collect()
    }

    /// Whether the matches of the search are being counted.
    pub fn counting(&self) -> bool {
        self.counting.is_some()
    }

    /// Count more of the search's matches, a few milliseconds' worth;
    /// false once they are all counted (or there is no count going on),
    /// when the search holds them as `Search::around` gives them.
    pub fn count_some(&mut self) -> bool {
        let Some(counting) = &mut self.counting else {
            return false;
        };
        if counting.step(&self.doc, COUNT_STEP) {
            return true;
        }
        let Some(counting) = self.counting.take() else {
            return false;
        };
        let found = counting.finish();
        if let Some(search) = &mut self.search {
            // The current match stays the same match.
            let current = search.current.and_then(|k| search.get(k)).map(|m| m.start);
            let mut counted = Search::of(&self.doc, &search.query, found);
            counted.notes = std::mem::take(&mut search.notes);
            counted.current = current.and_then(|at| {
                let i = counted.matches.partition_point(|m| m.start < at);
                (counted.matches.get(i)?.start == at).then_some(counted.before + i)
            });
            *search = counted;
        }
        false
    }

    /// Count every match of the search now, for a command that needs them.
    pub fn finish_count(&mut self) {
        while self.count_some() {}
    }

    /// Whether source byte `at` is shown on the screen now.
    pub(super) fn on_screen(&mut self, at: usize) -> bool {
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        match (screen.lines.first(), screen.lines.last()) {
            (Some(first), Some(last)) => {
                first.start <= at && (screen.at_end || at < last.end.max(last.start + 1))
            }
            _ => false,
        }
    }

    /// Make match `k` of all the current one and put it about a third of
    /// the way down the screen.
    fn show_match(&mut self, k: usize) {
        let Some(search) = &mut self.search else {
            return;
        };
        if let Some((at, note)) = k
            .checked_sub(search.total)
            .and_then(|i| search.notes.get(i))
            .cloned()
        {
            search.current = Some(k);
            self.reader
                .jump_to(&self.doc, &mut self.layout, Position(at));
            let third = isize::try_from(self.reader.height / 3).unwrap_or(0);
            self.reader.scroll(&self.doc, &mut self.layout, -third);
            self.link = None;
            self.message = Some(format!("In a note: {note}"));
            return;
        }
        if k >= search.total {
            return;
        }
        // Not among those kept: those around it instead. The match before
        // the first kept one starts before it, the one after the last
        // kept one after it; the first of all starts after the article's
        // start, the last before its end.
        let kept = search.before..search.before + search.matches.len();
        if !kept.contains(&k) {
            let at = if k == 0 {
                0
            } else if k + 1 == search.total {
                self.doc.source_len
            } else if k < kept.start {
                search.matches.first().map_or(0, |m| m.start)
            } else {
                search.matches.last().map_or(0, |m| m.end)
            };
            search.move_to(&self.doc, at);
        }
        let Some(m) = search.get(k) else {
            return;
        };
        let pos = Position(m.start);
        search.current = Some(k);
        self.reader.jump_to(&self.doc, &mut self.layout, pos);
        let third = isize::try_from(self.reader.height / 3).unwrap_or(0);
        self.reader.scroll(&self.doc, &mut self.layout, -third);
        self.link = None;
    }

    /// `n` and `N`: from the current match when it is on screen, else from
    /// the top of the screen; past either end the search wraps, and says so.
    fn next_match(&mut self, forward: bool) {
        let Some(search) = &self.search else {
            self.message = Some("No search yet: / searches".into());
            return;
        };
        let n = search.count();
        if n == 0 {
            self.message = Some(format!(
                "Not found: {}",
                crate::parse::sanitize(search.query.trim())
            ));
            return;
        }
        // The current match counts when it is among those kept around
        // the screen, and on it.
        let current = search.current.and_then(|k| {
            let at = match k.checked_sub(search.total) {
                Some(i) => search.notes.get(i)?.0,
                None => search.get(k)?.start,
            };
            Some((k, at))
        });
        // The first match at or after the top of the screen (the matches
        // kept are those around it).
        let top = self.reader.top.0;
        let after = search.before + search.matches.partition_point(|m| m.start < top);
        let current = current
            .filter(|&(_, at)| self.on_screen(at))
            .map(|(i, _)| i);
        let (target, wrapped) = match (current, forward) {
            (Some(i), true) => (if i + 1 < n { i + 1 } else { 0 }, i + 1 == n),
            (Some(i), false) => (if i > 0 { i - 1 } else { n - 1 }, i == 0),
            (None, true) if after < n => (after, false),
            (None, true) => (0, true),
            (None, false) if after > 0 => (after - 1, false),
            (None, false) => (n - 1, true),
        };
        if wrapped {
            self.message = Some(
                if forward {
                    "Search wrapped to the start"
                } else {
                    "Search wrapped to the end"
                }
                .into(),
            );
        }
        self.show_match(target);
    }

    fn open_outline(&mut self) {
        if self.outline.is_empty() {
            self.message = Some("No sections".into());
        }
        self.list = Some(OutlineList::open_at(&self.outline, self.current_section()));
        self.mode = Mode::Outline;
    }

    fn close_outline(&mut self) {
        self.list = None;
        self.mode = Mode::Reading;
    }

    fn with_list(&mut self, f: impl FnOnce(&mut OutlineList, &Outline)) {
        if let Some(list) = &mut self.list {
            f(list, &self.outline);
        }
    }

    fn edit_filter(&mut self, f: impl FnOnce(&mut LineInput) -> bool) {
        if let Some(list) = &mut self.list
            && f(&mut self.filter_line)
        {
            list.set_filter(&self.outline, Some(self.filter_line.text().to_string()));
        }
    }

    /// Text pasted into the terminal: typed into the prompt or the filter
    /// being typed, and ignored anywhere else, so that it never acts as
    /// keys.
    pub fn paste(&mut self, text: &str) {
        self.settle_fingerprint(true);
        match self.mode {
            Mode::Prompt if self.prompt.as_mut().is_some_and(|p| p.line.paste(text)) => {
                self.search_typed();
            }
            Mode::OutlineFilter => self.edit_filter(|f| f.paste(text)),
            Mode::HighlightsFilter if self.filter_line.paste(text) => {
                self.highlight_filter_typed();
            }
            _ => {}
        }
    }

    /// Runs of link text on the screen as last drawn, in reading order:
    /// (x, y, width, link).
    pub fn link_runs(&mut self) -> Vec<(u16, u16, u16, u32)> {
        use unicode_width::UnicodeWidthStr;
        let (x0, y0, width, height) = self.text_column;
        let screen = self.reader.screen(&self.doc, &mut self.layout);
        let mut runs = Vec::new();
        for (row, line) in screen.lines.iter().enumerate().take(usize::from(height)) {
            let y = y0.saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
            let mut x: u16 = 0;
            for seg in &line.segs {
                let w = u16::try_from(seg.text.width()).unwrap_or(u16::MAX);
                if let Some(link) = seg.link
                    && w > 0
                    && x < width
                {
                    runs.push((x0.saturating_add(x), y, w.min(width - x), link));
                }
                x = x.saturating_add(w);
            }
        }
        runs
    }

    /// The link drawn at a cell of the screen, if any.
    pub fn link_at(&mut self, column: u16, row: u16) -> Option<u32> {
        self.link_runs()
            .into_iter()
            .find(|&(x, y, w, _)| y == row && x <= column && column < x.saturating_add(w))
            .map(|(_, _, _, link)| link)
    }

    /// A click: on an entry of an open list, it selects the entry, and on
    /// the selected one it opens it; on a link, it follows it; on the
    /// sidebar, it jumps to the section.
    fn click(&mut self, column: u16, row: u16) {
        match self.mode {
            Mode::Outline
            | Mode::OutlineFilter
            | Mode::Bookmarks
            | Mode::Links
            | Mode::Highlights
            | Mode::HighlightsFilter => {
                self.click_list(row);
                return;
            }
            Mode::Reading | Mode::Select => {}
            _ => return,
        }
        if let Some((left, right)) = self.sidebar_columns
            && column >= left
            && column < right
        {
            if let Some(&(_, section)) = self.sidebar_rows.iter().find(|(r, _)| *r == row) {
                self.jump(Position(self.outline.sections[section].start));
            }
            return;
        }
        if let Some(link) = self.link_at(column, row) {
            self.end_selection();
            self.link = Some(link);
            self.follow(link);
        } else {
            self.press_text(column, row, 1);
        }
    }

    fn click_list(&mut self, row: u16) {
        let Some(&(_, entry)) = self.list_rows.iter().find(|(r, _)| *r == row) else {
            return;
        };
        let cursor = match self.mode {
            Mode::Outline | Mode::OutlineFilter => self.list.as_mut().map(|l| &mut l.cursor),
            Mode::Bookmarks => self.marks.as_mut().map(|l| &mut l.cursor),
            Mode::Links => self.link_list.as_mut().map(|l| &mut l.cursor),
            Mode::Highlights | Mode::HighlightsFilter => {
                self.hl_list.as_mut().map(|l| &mut l.cursor)
            }
            _ => None,
        };
        let Some(cursor) = cursor else {
            return;
        };
        if *cursor != entry {
            *cursor = entry;
            return;
        }
        match self.mode {
            Mode::Bookmarks => self.update(Action::BookmarkOpen),
            Mode::Links => self.open_link_entry(),
            Mode::Highlights | Mode::HighlightsFilter => self.open_highlight(),
            _ => self.update(Action::OutlineOpen),
        }
    }
}

/// "your place at 47% is kept (Backspace goes there)".
fn kept_place(percent: u8) -> String {
    format!("your place at {percent}% is kept (Backspace goes there)")
}

/// What `Enter` does on an image.
enum ImageEnter {
    /// Shows it alone, fitted to the screen.
    Alone,
    /// Offers to open `target` with the system's opener; `failed`: why
    /// it is not shown here, when it could not be.
    Open {
        target: String,
        failed: Option<String>,
    },
    /// Nothing, and why.
    Nothing(String),
}

#[cfg(test)]
mod tests {
    use super::{Action, App, Search};
    use crate::document::BlockKind;
    use crate::parse::parse;
    use crate::tui::theme::Theme;

    /// An app on `text`, a long article, laid out and drawn at 120x40.
    fn opened(text: &str) -> App {
        let src = crate::load::decode(text.as_bytes().to_vec(), "long.md".into(), None).unwrap();
        let mut app = App::new(&src, Theme::Dark);
        drawn(&mut app);
        app
    }

    /// The rows `app` draws at 120x40, its status bar last.
    fn drawn(app: &mut App) -> Vec<String> {
        let backend = ratatui::backend::TestBackend::new(120, 40);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal.draw(|f| crate::tui::view::draw(f, app)).unwrap();
        format!("{}", terminal.backend())
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// `n%` typed into `app`.
    fn percent(app: &mut App, n: u8) {
        for digit in n.to_string().bytes() {
            app.update(Action::CountDigit(digit - b'0'));
        }
        app.update(Action::Percent);
    }

    /// An app on `text` whose index of the whole text is being made (on a
    /// loaded machine, or by a key right after the whole text was read),
    /// and one that has it.
    fn before_and_after_the_index(text: &str) -> (App, App) {
        let mut before = opened(text);
        before.index_job = None;
        let mut indexed = opened(text);
        indexed.wait_index();
        (before, indexed)
    }

    #[test]
    fn a_jump_before_the_index_is_made_shows_the_text_around_its_place() {
        let text = crate::testgen::article(crate::testgen::SEED, crate::testgen::SIZE_1M);
        let (mut app, mut indexed) = before_and_after_the_index(&text);
        percent(&mut indexed, 50);
        percent(&mut app, 50);
        assert!(
            !app.index_serves(text.len() / 2, text.len() / 2),
            "no index"
        );
        assert!(app.is_partial() && app.window_due());
        let window = app.doc.window.clone().unwrap();
        assert!(window.contains(&(text.len() / 2)), "{window:?}");
        assert!(window.len() < 40 * 1024, "{window:?}");
        // At the same byte as through the index; once it is made, the
        // window is parsed again with it, and reads as the one parsed
        // through it.
        assert_eq!(app.top(), indexed.top());
        assert!(!app.refresh_window(), "waits for the index");
        app.wait_index();
        assert!(indexed.refresh_window());
        assert!(!app.window_due() && app.is_partial());
        assert_eq!(app.top(), indexed.top());
        assert_eq!(drawn(&mut app), drawn(&mut indexed));
        // The end likewise, its last screen.
        let (mut app, mut indexed) = before_and_after_the_index(&text);
        app.update(Action::Bottom);
        indexed.update(Action::Bottom);
        assert!(!app.index_serves(text.len(), text.len()), "no index");
        assert_eq!(app.doc.window.clone().unwrap().end, text.len());
        assert_eq!(drawn(&mut app)[30..], drawn(&mut indexed)[30..]);
        // A key past the narrow window waits for the index, not for the
        // whole parse.
        app.update(Action::PageUp);
        app.update(Action::PageUp);
        app.update(Action::PageUp);
        assert!(app.is_partial() && !app.window_due());
        assert!(app.index_serves(text.len(), text.len()));
    }

    #[test]
    fn a_jump_whose_screen_needs_more_than_its_narrow_window_gets_it() {
        // Rows whose links hide hundreds of bytes each: a screen of them
        // is 60 KB of the source.
        let url = "x".repeat(400);
        let links: Vec<String> = (0..8)
            .map(|i| format!("[word{i}](https://example.com/{url}) text"))
            .collect();
        let text: String = (0..100)
            .map(|i| format!("Paragraph {i}: {}\n\n", links.join(" ")))
            .collect();
        for before in [true, false] {
            let (mut app, mut indexed) = before_and_after_the_index(&text);
            let app = if before { &mut app } else { &mut indexed };
            percent(app, 50);
            // Each paragraph is two rows of text and a blank one.
            let full =
                |rows: &[String]| rows.iter().filter(|r| r.contains("Paragraph")).count() >= 12;
            let rows = drawn(app);
            assert!(full(&rows), "{rows:#?}");
            assert!(!app.window_due());
            percent(app, 100);
            let rows = drawn(app);
            assert!(full(&rows), "at the end: {rows:#?}");
        }
    }

    #[test]
    fn a_wrong_guess_of_where_blocks_start_is_put_right_by_the_index() {
        // The middle of the article is deep in a fence opened 90 KB
        // before: the text around it reads as prose, headings and
        // paragraphs.
        let mut text = String::from("# A long listing\n\n");
        let prose = |text: &mut String, when: &str| {
            for i in 0..1500 {
                text.push_str(&format!(
                    "Prose paragraph {i} {when} the listing, at length.\n\n"
                ));
            }
        };
        prose(&mut text, "before");
        text.push_str("```text\n");
        for i in 0..4000 {
            text.push_str(&format!("# line {i} of the listing\n\nmore of line {i}\n"));
        }
        text.push_str("```\n\n");
        prose(&mut text, "after");
        let (mut app, mut indexed) = before_and_after_the_index(&text);
        percent(&mut indexed, 50);
        indexed.refresh_window();
        percent(&mut app, 50);
        // On the guess, the line's text starts after `# `.
        let place = app.top();
        assert!(place.0.abs_diff(indexed.top().0) <= 2, "{place:?}");
        let code = |app: &App| {
            app.doc
                .blocks
                .iter()
                .any(|b| b.source().contains(&place.0) && matches!(b.kind, BlockKind::Code(_)))
        };
        assert!(code(&indexed), "the listing is code");
        assert!(!code(&app), "the guess is prose");
        app.wait_index();
        assert!(code(&app), "the index says code");
        assert_eq!(app.top(), place, "the place is kept");
        assert_eq!(drawn(&mut app), drawn(&mut indexed));
    }

    #[test]
    fn a_window_parsed_again_on_another_thread_shows_as_one_parsed_here() {
        let text = crate::testgen::article(crate::testgen::SEED, crate::testgen::SIZE_1M);
        let (_, mut app) = before_and_after_the_index(&text);
        let (_, mut here) = before_and_after_the_index(&text);
        // No whole parse to come in meanwhile.
        app.background = None;
        here.background = None;
        percent(&mut app, 50);
        percent(&mut here, 50);
        assert!(app.window_due());
        app.start_refresh();
        assert!(
            app.parsing() && app.window_due(),
            "not shown before it is parsed"
        );
        assert!(here.refresh_window());
        let taken = |app: &mut App| {
            let start = std::time::Instant::now();
            while app.refreshing.is_some() {
                if app.take_made() {
                    return true;
                }
                assert!(start.elapsed().as_secs() < 60, "never parsed");
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            false
        };
        assert!(taken(&mut app));
        assert!(!app.window_due() && !app.parsing());
        assert_eq!(app.doc.window, here.doc.window);
        assert_eq!(app.top(), here.top());
        assert_eq!(drawn(&mut app), drawn(&mut here));
        // One for a window left since (a jump elsewhere) is not shown.
        percent(&mut app, 30);
        app.start_refresh();
        assert!(app.refreshing.is_some());
        percent(&mut app, 70);
        let window = app.doc.window.clone();
        assert!(!taken(&mut app));
        assert_eq!(app.doc.window, window);
        assert!(app.window_due(), "still to be parsed again");
    }

    #[test]
    fn the_whole_is_taken_in_between_keys_with_its_outline() {
        let text = crate::testgen::article(crate::testgen::SEED, crate::testgen::SIZE_1M);
        let mut app = opened(&text);
        percent(&mut app, 50);
        let place = app.top();
        assert!(app.is_partial() && app.parsing());
        // Looked for as the terminal waits for a key, until it is in.
        let start = std::time::Instant::now();
        while app.is_partial() {
            let made = app.take_made();
            assert!(start.elapsed().as_secs() < 60, "the parse never ended");
            if !app.is_partial() {
                assert!(made, "the screen changed");
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(!app.parsing());
        assert_eq!(app.top(), place, "the place is kept");
        // The outline made with the parse is the whole's.
        let outline = crate::outline::Outline::new(&app.doc);
        assert!(outline.sections.len() > 10);
        let sections = |o: &crate::outline::Outline| {
            o.sections
                .iter()
                .map(|s| (s.start, s.end, s.level, s.title.clone(), s.words))
                .collect::<Vec<_>>()
        };
        assert_eq!(sections(&app.outline), sections(&outline));
        // Nothing more to take in.
        assert!(!app.take_made());
    }

    #[test]
    fn a_search_moved_to_another_document_counts_that_one() {
        let first = parse(&"the end\n\n".repeat(3));
        let other = parse(&"the the\n\n".repeat(5));
        let mut search = Search::around(&first, "the", 0);
        search.current = Some(2);
        assert_eq!(search.total, 3);
        search.move_to(&other, 0);
        assert_eq!(search.total, 10);
        assert_eq!(search.matches.len(), 10);
        assert_eq!(search.current, Some(2));
    }
}
