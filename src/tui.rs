//! The terminal shell: set the terminal up, run the draw–read–update loop,
//! and put the terminal back as it was found, on quit, on error, on panic, on
//! the signals that end it (SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1,
//! SIGALRM) and while stopped (Ctrl-z, SIGTSTP).

pub mod action;
pub mod ansi;
pub mod app;
pub mod background;
pub mod clipboard;
pub mod figures;
pub mod frames;
pub mod graphics;
pub mod head;
pub mod highlights;
pub mod keymap;
pub mod library;
pub mod prompt;
pub mod replies;
pub mod select;
pub mod settings;
pub mod sync;
pub mod theme;
pub mod trail;
pub mod view;

use std::collections::HashMap;
use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::buffer::Cell;

use action::Action;
use app::App;
use keymap::{Keymap, Mode, library_key, mouse_action};
use library::Library;
use replies::ReplyFilter;
use theme::{Palette, Theme};

use crate::config::Config;
use crate::load::{Source, load};
use crate::position::Position;
use crate::store::{ReadingState, Store, learned_wpm};

/// Bytes of a long article's head parsed for each row of the first
/// screen (see `Shell::open_head`): a row of text and its markup, with
/// room to spare; a screen that needs more parses the whole head.
const HEAD_LINE: usize = 100;

/// How often the loop wakes to notice a signal when no key comes.
const TICK: Duration = Duration::from_millis(100);
/// How often it wakes to look for the rest of an article, while it is
/// read or parsed.
const SOON: Duration = Duration::from_millis(2);
/// The longest frames are put off while keys are waiting.
const COALESCE: Duration = Duration::from_millis(50);

/// How a reading session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Quit, but what was read or marked could not all be saved (said on
    /// stderr): the exit status says so too.
    Unsaved,
    /// Ended by this signal number.
    Signal(i32),
}

/// How the reader opens an article.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Open at this section instead of the saved position.
    pub section: Option<Position>,
    /// Ignore the saved position for this run.
    pub from_start: bool,
    /// Where reading state is kept; `None` when there is no config dir.
    pub store: Option<Store>,
    pub config: Config,
    /// A problem with the config, to show once.
    pub warning: Option<String>,
    /// Panic after the first frame, to test that a crash restores the
    /// terminal and leaves a log.
    pub crash_test: bool,
    /// The config file, where the reader remembers the width.
    pub config_file: Option<PathBuf>,
}

/// The record to save if the loop cannot answer a signal.
type Emergency = Arc<Mutex<Option<(Store, String, ReadingState)>>>;

/// How long a burst of changes to the open file must be quiet before it is
/// read again: editors save in several steps.
const RELOAD_AFTER: Duration = Duration::from_millis(200);

/// A watch on the open article's file.
struct Watch {
    _watcher: notify::RecommendedWatcher,
    changed: std::sync::mpsc::Receiver<()>,
    path: PathBuf,
    /// When the last change was seen, until it is read.
    pending: Option<Instant>,
}

impl Watch {
    /// Watch `path`'s folder (editors often replace the file rather than
    /// write it) for changes to `path`. None when watching is not possible:
    /// the reader works without it.
    fn new(path: &std::path::Path) -> Option<Watch> {
        use notify::Watcher;
        let path = std::fs::canonicalize(path).ok()?;
        let folder = path.parent()?.to_path_buf();
        let (tx, changed) = std::sync::mpsc::channel();
        let target = path.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                // Reading the file (this program's own check, a `grep`)
                // is no change.
                if let Ok(event) = event
                    && !matches!(event.kind, notify::EventKind::Access(_))
                    && event.paths.contains(&target)
                {
                    let _ = tx.send(());
                }
            })
            .ok()?;
        watcher
            .watch(&folder, notify::RecursiveMode::NonRecursive)
            .ok()?;
        Some(Watch {
            _watcher: watcher,
            changed,
            path,
            pending: None,
        })
    }

    /// True once a change has been quiet for `RELOAD_AFTER`.
    fn due(&mut self, now: Instant) -> bool {
        while self.changed.try_recv().is_ok() {
            self.pending = Some(now);
        }
        match self.pending {
            Some(at) if now.saturating_duration_since(at) >= RELOAD_AFTER => {
                self.pending = None;
                true
            }
            _ => false,
        }
    }
}

/// What is on screen: the library, a reader, or a reader opened from the
/// library (`q` goes back to it).
struct Shell {
    library: Option<Library>,
    reader: Option<App>,
    /// What the save of a closed reader could not keep, for stderr at
    /// exit, and whether it is lost.
    closed_unsaved: Option<(String, bool)>,
    watch: Option<Watch>,
    /// Progress sync of the article being read, when logged in.
    sync: Option<sync::ReaderSync>,
    /// The watch being set up on a thread.
    watching: Option<std::sync::mpsc::Receiver<Option<Watch>>>,
    /// The cells written as OSC 8 hyperlinks at the last frame, and the
    /// screen size they were written for.
    linked: HashMap<(u16, u16), (Cell, String)>,
    linked_size: (u16, u16),
    options: Options,
    wpm: Option<u32>,
    /// The speed learned from the records, while it is read on a thread.
    learning: Option<std::sync::mpsc::Receiver<Option<u32>>>,
    /// The records to learn the speed from, until the first frame.
    learn_from: Option<Store>,
    /// The open file to watch, and its size and time when it was read,
    /// until the first frame.
    watch_wanted: Option<(PathBuf, Option<crate::load::Stamp>)>,
    theme: Theme,
    /// The reading keys, with `[keys]` from the config.
    keymap: Keymap,
    /// Presses of the mouse, for double and triple clicks.
    clicks: select::ClickCount,
    /// The system clipboard, beside OSC 52.
    clipboard: clipboard::Local,
    /// The reader shows an article's bookmarks for the library (`b`):
    /// closing them goes back to the library.
    peek: bool,
    /// A long article being read whole while its head shows (see
    /// `load::load_head`), and whether it opens from the start.
    rest: Option<(crate::load::Rest, bool)>,
    /// That rest, being read on a thread once the head is on screen.
    reading: Option<head::Reading>,
    /// The rest could not be read: the reader ends with this error.
    failed: Option<anyhow::Error>,
    /// How figures are drawn (`None`: not at all), and a cell's size in
    /// pixels, once the terminal has been asked.
    protocol: Option<graphics::Protocol>,
    cell: Option<(u16, u16)>,
    /// The start-up query went unanswered within its wait: what was
    /// asked with, and what the answers said then. A graphics answer that
    /// comes later (over a slow link) chooses the protocol again.
    late_graphics: Option<LateGraphics>,
    /// The articles left by following links to files, to come back to.
    trail: trail::Trail,
}

/// What the protocol is chosen from again when the terminal's answer to
/// the graphics query comes after the first frame.
struct LateGraphics {
    images: crate::config::Images,
    env: graphics::Env,
    answers: replies::Graphics,
}

impl Shell {
    fn new(options: Options) -> Shell {
        // The speed learned from every record is read on a thread, once
        // the first frame is drawn: with thousands of records it takes
        // longer than the rest of start-up.
        let learn_from = match (&options.store, options.config.words_per_minute) {
            (Some(store), None) => Some(store.clone()),
            _ => None,
        };
        let wpm = options.config.words_per_minute;
        // Problems with the settings were reported with the config's own,
        // by whoever loaded it (`settings::load`). The terminal's
        // background is asked once the terminal is taken (`run_shell`).
        let settings = settings::Settings::new(&options.config, None);
        Shell {
            library: None,
            reader: None,
            watch: None,
            sync: None,
            watching: None,
            linked: HashMap::new(),
            linked_size: (0, 0),
            options,
            wpm,
            learning: None,
            learn_from,
            watch_wanted: None,
            theme: settings.theme,
            keymap: settings.keymap,
            clicks: select::ClickCount::default(),
            clipboard: clipboard::Local::default(),
            peek: false,
            closed_unsaved: None,
            rest: None,
            reading: None,
            failed: None,
            protocol: None,
            cell: None,
            late_graphics: None,
            trail: trail::Trail::default(),
        }
    }

    /// Draw figures with `protocol` from now on, in cells of `cell`
    /// pixels.
    fn set_graphics(&mut self, protocol: Option<graphics::Protocol>, cell: Option<(u16, u16)>) {
        self.protocol = protocol;
        self.cell = cell;
        if let Some(app) = &mut self.reader {
            app.figures.set_protocol(protocol, cell);
        }
    }

    /// Take the theme that suits the terminal's background, told by the
    /// terminal at any time (a slow link answers after the first frame);
    /// `None`: the theme for a terminal that does not tell.
    fn set_background(&mut self, background: Option<Palette>) {
        let theme = settings::Settings::new(&self.options.config, background).theme;
        self.theme = theme;
        if let Some(app) = &mut self.reader {
            app.theme = theme;
        }
    }

    /// Open an article in the reader, with the settings in effect.
    fn open(&mut self, source: &Source, section: Option<Position>, from_start: bool) {
        let app = App::open(source, self.theme, self.options.store.clone(), from_start);
        self.put_reader(app, source, section, false);
    }

    /// Show the head of a long article while the rest is read: the first
    /// screen of the head is the whole's, and nothing is saved from it. An
    /// article with a record waits for the whole, which its place may be
    /// in; so does one that goes to a section.
    ///
    /// Of a Markdown head, only as much as the first screen needs is
    /// parsed: the text down to a block start some `HEAD_LINE` bytes a
    /// row past the start (`parse::window::head_cut`), whose blocks are
    /// the whole head's; then the whole head when the screen reaches
    /// the end of that part, or finds no title in it.
    fn open_head(&mut self, head: crate::load::Head, from_start: bool) {
        let fresh = head.source.path.as_deref().is_some_and(|path| {
            crate::session::Session::nothing_saved(self.options.store.as_ref(), path)
        });
        if fresh && self.options.section.is_none() {
            let (width, height) = frames::size().unwrap_or((80, 24));
            let text = &head.source.text;
            let markdown = !head
                .source
                .path
                .as_deref()
                .is_some_and(crate::library::is_plain_text);
            let cut = if markdown {
                crate::parse::window::head_cut(text, usize::from(height) * HEAD_LINE)
            } else {
                text.len()
            };
            let part = (cut < text.len()).then(|| crate::load::Source {
                text: text[..cut].to_string(),
                ..head.source.clone()
            });
            for source in part.iter().chain(std::iter::once(&head.source)) {
                let mut app = App::open_with(source, self.theme, None, true, usize::MAX);
                // Set up as it is drawn, so that the screen laid out here
                // is the one drawn.
                self.configure(&mut app, source);
                app.fit(width, height);
                // Unless the head ends on the first screen (a long table,
                // a tall terminal): that screen would not be the whole's.
                // A part with no title may have it further on.
                let whole = source.text.len() == text.len();
                if app.screen_range().1 || (!whole && app.doc.title().is_none()) {
                    continue;
                }
                app.head_of(head.len);
                self.install(app, source, true, false);
                break;
            }
        }
        self.rest = Some((head.rest, from_start));
    }

    /// Read the rest of the article whose head was read, before anything
    /// is shown of it.
    fn take_rest(&mut self) -> Result<()> {
        if let Some((rest, from_start)) = self.rest.take() {
            // Read straight into the buffer the reader shares: never held
            // twice.
            let (source, text) = rest.read_shared()?;
            let app = App::open_shared(
                &source,
                text,
                self.theme,
                self.options.store.clone(),
                from_start,
                crate::parse::window::PROGRESSIVE_MIN,
            );
            self.put_reader(app, &source, None, false);
        }
        Ok(())
    }

    /// The head is on screen: read the rest on a thread, while keys are
    /// read (see `head`).
    fn start_rest(&mut self) {
        if let Some((rest, from_start)) = self.rest.take() {
            let (theme, store) = (self.theme, self.options.store.clone());
            self.reading = Some(head::Reading::start(rest, move |source, text| {
                let progressive = crate::parse::window::PROGRESSIVE_MIN;
                App::open_shared(source, text, theme, store, from_start, progressive)
            }));
        }
    }

    /// Put the whole article in the head's place once it is read. True
    /// when it was (or could not be).
    fn poll_rest(&mut self) -> bool {
        let Some(whole) = self.reading.as_ref().and_then(head::Reading::poll) else {
            return false;
        };
        self.reading = None;
        self.put_whole(whole);
        true
    }

    /// Wait for the whole article, and put it in the head's place.
    fn wait_rest(&mut self) {
        if let Some(reading) = self.reading.take() {
            self.put_whole(reading.wait());
        }
    }

    /// The whole article in place of its head, at the byte the head's
    /// reader was left at.
    fn put_whole(&mut self, whole: head::Whole) {
        match whole {
            Ok((source, mut app)) => {
                // The background may have been answered since the read began.
                app.theme = self.theme;
                let head = self.reader.take();
                // The bytes of the head and of a far window are the file's:
                // the same as the text's unless the rest needed decoding.
                let exact = !source.lossy && source.legacy.is_none();
                self.put_reader(app, &source, None, false);
                if let (Some(head), Some(app)) = (head, &mut self.reader) {
                    app.carry_place(&head, exact);
                }
            }
            Err(e) => self.failed = Some(e),
        }
    }

    /// While the rest of a long article is read, make ready what `event`
    /// needs (see `head`): a window far into the article, or the whole.
    fn ready_for(&mut self, event: &Event) {
        let (Some(reading), Some(app)) = (&self.reading, &mut self.reader) else {
            return;
        };
        let action = match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                app.keymap.key_action(app.mode, *key)
            }
            Event::Key(_) | Event::Resize(..) | Event::FocusGained | Event::FocusLost => return,
            Event::Mouse(mouse) => match mouse_action(*mouse) {
                Some(scroll @ Action::Scroll(_)) => Some(scroll),
                None => return,
                Some(_) => {
                    self.wait_rest();
                    return;
                }
            },
            Event::Paste(_) => {
                self.wait_rest();
                return;
            }
        };
        let Some(action) = action else {
            return;
        };
        match reading.serve(app, action) {
            head::Serve::Here => {}
            head::Serve::Far(at) => {
                let rows = frames::size().map_or(24, |(_, h)| usize::from(h));
                match reading.far_window(at, rows) {
                    Some(doc) => app.show_far(doc),
                    None => self.wait_rest(),
                }
            }
            head::Serve::Wait => self.wait_rest(),
        }
    }

    /// Put `app` on screen as the reader of `source`, with the settings in
    /// effect.
    fn put_reader(&mut self, mut app: App, source: &Source, section: Option<Position>, head: bool) {
        if let Some(pos) = section {
            app.start_at_section(pos);
        }
        self.configure(&mut app, source);
        // Not an article opened from the library: the option was for the
        // one named on the command line.
        let asked = section.is_some() || (self.options.from_start && self.library.is_none());
        self.install(app, source, head, asked);
    }

    /// Give `app` the settings in effect: keys, width, layout, links,
    /// figures and reading speed.
    fn configure(&self, app: &mut App, source: &Source) {
        app.keymap = self.keymap.clone();
        if let Some(m) = self.options.config.width {
            app.max_measure = usize::from(m).max(1);
        }
        app.config_file.clone_from(&self.options.config_file);
        app.set_layout_options(crate::layout::LayoutOptions {
            justify: self.options.config.justify.unwrap_or(false),
            // Code is coloured right after the frame that first shows it.
            defer_code: true,
            ..Default::default()
        });
        app.osc8 = self.options.config.links.osc8.unwrap_or(false);
        app.figures = figures::Figures::new(
            self.protocol,
            self.cell,
            figures::base_of(source.path.as_deref()),
        );
        if let Some(wpm) = self.wpm {
            app.set_wpm(wpm);
        }
    }

    /// Put `app`, set up by `configure`, on screen as the reader of
    /// `source`; `asked`: at a place asked for (`--section`,
    /// `--from-start`), which another device's place is offered against,
    /// not put over.
    fn install(&mut self, mut app: App, source: &Source, head: bool, asked: bool) {
        if head {
            // The warning waits for the whole, which shows it.
            app.message.clone_from(&self.options.warning);
            self.reader = Some(app);
            return;
        }
        // A config problem is said after what opening said (where it
        // resumed, or that progress will not be saved), not over it.
        if let Some(w) = self.options.warning.take() {
            say_after(&mut app.message, w);
        }
        self.sync = self
            .options
            .config_file
            .as_deref()
            .and_then(std::path::Path::parent)
            .and_then(|dir| {
                let path = source.path.as_deref();
                sync::ReaderSync::start(dir, &self.options.config, path, asked, &mut app)
            });
        // Registering a watch can take long on some file systems (150 ms
        // of the kernel's time was seen on a busy /tmp): it is done on a
        // thread, after the first frame (`frame_drawn`), and a change made
        // meanwhile is still noticed.
        self.watch = None;
        self.watching = None;
        self.watch_wanted = source.path.clone().map(|path| (path, source.stamp));
        self.reader = Some(app);
    }

    /// A frame is on screen: start what was kept from competing with the
    /// first one for the cores.
    fn frame_drawn(&mut self) {
        if let Some(app) = self.reader.as_mut() {
            app.frame_drawn();
        }
        if let Some(store) = self.learn_from.take() {
            let (tx, rx) = std::sync::mpsc::channel();
            self.learning = std::thread::Builder::new()
                .name("wpm".into())
                .spawn(move || {
                    let _ = tx.send(learned_wpm(store.all().iter().map(|(_, r)| r)));
                })
                .ok()
                .map(|_| rx);
        }
        if let Some((path, read)) = self.watch_wanted.take() {
            // The file's size and time are compared with those from just
            // before it was read, so an edit saved at any time since is
            // noticed.
            let (tx, rx) = std::sync::mpsc::channel();
            self.watching = std::thread::Builder::new()
                .name("watch".into())
                .spawn(move || {
                    let watch = Watch::new(&path).map(|mut w| {
                        if read.is_none() || crate::load::stamp(&path) != read {
                            w.pending = Some(Instant::now());
                        }
                        w
                    });
                    let _ = tx.send(watch);
                })
                .ok()
                .map(|_| rx);
        }
    }

    /// Close the reader, saving; back to the library when there is one.
    /// True when the program should end.
    fn close_reader(&mut self) -> bool {
        self.peek = false;
        self.watch = None;
        self.watching = None;
        self.watch_wanted = None;
        self.trail = trail::Trail::default();
        if let Some(mut app) = self.reader.take() {
            let warning = self.set_down(&mut app);
            if let Some(lib) = &mut self.library {
                // Saved, so the whole article is parsed: its words counted.
                if !app.session.state.is_stdin() {
                    lib.counted(&app.session.state.path, app.doc.words);
                }
                lib.reload_records();
                lib.message = warning;
                return false;
            }
            // Opened on its own: the library, and `longform list`, show
            // its words counted from now on.
            if !app.session.state.is_stdin()
                && !app.is_partial()
                && let Some(dir) = self
                    .options
                    .config_file
                    .as_deref()
                    .and_then(std::path::Path::parent)
            {
                crate::library::Cache::note_counted(dir, &app.session.state.path, app.doc.words);
            }
        }
        true
    }

    /// Save the article `app` is leaving, and end its sync; a warning
    /// when the save failed.
    fn set_down(&mut self, app: &mut App) -> Option<String> {
        let warning = app.save_now();
        if let Some(sync) = self.sync.take() {
            sync.finish(app);
        }
        // Said at exit too, even after going back to the library or on to
        // another article: the last word on what was lost, and the exit
        // status.
        if let Some(w) = &warning {
            let lost = app.session.save_failing();
            if self
                .closed_unsaved
                .as_ref()
                .is_none_or(|(_, was)| lost || !was)
            {
                self.closed_unsaved = Some((w.clone(), lost));
            }
        }
        warning
    }

    fn draw(&mut self, frame: &mut ratatui::Frame<'_>) {
        if let Some(app) = &mut self.reader {
            view::draw(frame, app);
        } else if let Some(lib) = &mut self.library {
            let wpm = self.wpm.map_or(crate::reader::DEFAULT_WPM, |w| {
                usize::try_from(w).unwrap_or(1)
            });
            view::draw_library(frame, lib, self.theme, wpm);
        }
    }

    /// Handle one event. True when the program should end.
    fn handle(&mut self, event: &Event) -> bool {
        self.ready_for(event);
        if self.failed.is_some() {
            return true;
        }
        if let Some(app) = &mut self.reader {
            // What an event does is saved with the article's fingerprint.
            // While only a window of the article is parsed, a key saves
            // nothing (see `App::after_key`; a command that saves waits
            // for the whole, and so for the fingerprint): a jump right
            // after the first frame does not wait for a pass over every
            // byte.
            let wait = !app.is_partial();
            app.settle_fingerprint(wait);
            let action = match event {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    app.keymap.key_action(app.mode, *key)
                }
                Event::Mouse(mouse) => match mouse_action(*mouse) {
                    // A double or triple click is told by its timing, here
                    // at the edge: the app sees only how many clicks.
                    Some(Action::Click { column, row }) => {
                        match self.clicks.press(Instant::now(), column, row) {
                            1 => Some(Action::Click { column, row }),
                            count => Some(Action::MultiClick { column, row, count }),
                        }
                    }
                    other => other,
                },
                Event::Paste(text) => {
                    app.paste(text);
                    return false;
                }
                _ => None,
            };
            // A place offered by sync: `y` goes there, any other key
            // stays here, as the offer says (a quit still quits).
            if let (Some(sync), Event::Key(key)) = (&mut self.sync, event)
                && sync.offer.is_some()
                && key.kind != KeyEventKind::Release
                && app.mode == Mode::Reading
            {
                if key.code == crossterm::event::KeyCode::Char('y') {
                    sync.accept(app);
                    return false;
                }
                sync.offer = None;
                if action != Some(Action::Quit) {
                    app.message = None;
                    return false;
                }
            }
            if let Some(action) = action {
                let before = app.top();
                app.update(action);
                app.after_key(before, Instant::now());
                if self.peek && app.mode == Mode::Reading {
                    self.peek = false;
                    // Bookmarks shown from the library: a jump reads on
                    // from there; closing them goes back.
                    if action != Action::BookmarkOpen {
                        return self.close_reader();
                    }
                }
                if app.quit {
                    return self.close_reader();
                }
                if let Some(leave) = app.here.leave.take() {
                    self.travel(leave);
                }
            }
            return false;
        }
        let Some(lib) = &mut self.library else {
            return true;
        };
        let open = match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                let Some(action) = library_key(lib.mode(), *key) else {
                    return false;
                };
                lib.update(action)
            }
            Event::Mouse(mouse) => match mouse_action(*mouse) {
                Some(Action::Click { row, .. }) => lib.click(row),
                Some(Action::Scroll(n)) => lib.update(Action::LibraryMove(isize::from(n))),
                _ => None,
            },
            Event::Paste(text) => {
                lib.paste(text);
                return false;
            }
            _ => return false,
        };
        if lib.quit {
            return true;
        }
        let (path, bookmarks) = match open {
            Some(library::Open::Article(path)) => (path, false),
            Some(library::Open::Bookmarks(path)) => (path, true),
            None => return false,
        };
        match load(&path) {
            Ok(source) => {
                self.open(&source, None, false);
                if bookmarks && let Some(app) = &mut self.reader {
                    app.update(Action::OpenBookmarks);
                    self.peek = true;
                }
            }
            Err(e) => {
                if let Some(lib) = &mut self.library {
                    lib.message = Some(format!("{e:#}"));
                }
            }
        }
        false
    }

    fn tick(&mut self) {
        let now = Instant::now();
        if let Some(watch) = self.watching.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.watching = None;
            self.watch = watch;
        }
        if let Some(learned) = self.learning.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.learning = None;
            if let Some(wpm) = learned {
                self.wpm = Some(wpm);
                if let Some(app) = &mut self.reader {
                    app.set_wpm(wpm);
                }
            }
        }
        if let Some(app) = &mut self.reader {
            app.tick(now);
            if let Some(sync) = &mut self.sync {
                sync.tick(app, now);
            }
            if let Some(watch) = &mut self.watch
                && watch.due(now)
            {
                app.reload(load(&watch.path));
            }
        }
        if let Some(lib) = &mut self.library {
            lib.poll();
        }
    }

    fn snapshot(&self) -> Option<(Store, String, ReadingState)> {
        // Nothing is saved under a fingerprint not known yet.
        self.reader
            .as_ref()
            .filter(|a| !a.fingerprint_pending())
            .and_then(|a| a.session.snapshot())
    }

    /// Save before leaving; a warning for stderr when it failed, and
    /// whether something is lost (not kept to be taken in later).
    fn finish(&mut self) -> Option<(String, bool)> {
        // A place reached on the head (a jump far in) is saved with the
        // whole, which the record's fingerprint needs: it is waited for,
        // but not for long (a slow disk, a signal to end).
        if self.reader.as_ref().is_some_and(|a| a.session.moved)
            && let Some(reading) = self.reading.take()
        {
            match reading.wait_for(SIGNAL_GRACE) {
                Some(whole) => self.put_whole(whole),
                None => {
                    return Some((
                        "the article was still being read: the place was not saved".into(),
                        true,
                    ));
                }
            }
        }
        if let Some(e) = self.failed.take() {
            return Some((format!("{e:#}; the place was not saved"), true));
        }
        let warning = self.reader.as_mut().and_then(App::save_now);
        if let (Some(app), Some(sync)) = (&self.reader, self.sync.take()) {
            sync.finish(app);
        }
        let lost = self
            .reader
            .as_ref()
            .is_none_or(|a| a.session.save_failing());
        warning
            .map(|w| (w, lost))
            .or_else(|| self.closed_unsaved.take())
            .or_else(|| {
                self.options
                    .warning
                    .take()
                    .filter(|w| w.contains("not be saved") || w.contains("not saved"))
                    .map(|w| (w, true))
            })
    }
}

/// Open `source` full screen and read until the user quits. Progress is
/// saved on quit, on signals, and in the background when idle.
/// `run` for a long article of which only the head is read yet (see
/// `load::load_head`): its first screen is drawn from the head while the
/// rest is read.
pub fn run_head(head: crate::load::Head, options: Options) -> Result<Exit> {
    let from_start = options.from_start;
    let shell = Shell::new(options);
    run_shell(shell, move |shell| shell.open_head(head, from_start))
}

pub fn run(source: Source, options: Options) -> Result<Exit> {
    let section = options.section;
    let from_start = options.from_start;
    let shell = Shell::new(options);
    // The article is opened while the terminal answers its query.
    run_shell(shell, move |shell| {
        shell.open(&source, section, from_start);
        drop(source);
    })
}

/// Open the library of `roots`: the articles in them, with their progress.
pub fn run_library(
    roots: Vec<PathBuf>,
    options: Options,
    config_dir: Option<PathBuf>,
) -> Result<Exit> {
    let mut shell = Shell::new(options);
    let mut lib = Library::new(roots, shell.options.store.clone(), config_dir);
    lib.message = shell.options.warning.take();
    shell.library = Some(lib);
    run_shell(shell, |_| {})
}

/// Say `line` in `message`, after what it says already (`said · line`):
/// a later note never hides an earlier one.
pub(crate) fn say_after(message: &mut Option<String>, line: String) {
    *message = Some(match message.take() {
        Some(said) => format!("{said} · {line}"),
        None => line,
    });
}

/// Take the terminal, `open` what is to be shown, and run the loop until
/// it ends. The terminal is asked for its background (and graphics) before
/// `open` and its answers read after, so that the round trip (long over a
/// slow link, or when the terminal waits for a core) and the work of
/// opening overlap. When the answers are not all in by then, the first
/// frame is drawn without them and they are awaited after it (`Query`).
fn run_shell(mut shell: Shell, open: impl FnOnce(&mut Shell)) -> Result<Exit> {
    let emergency: Emergency = Arc::default();
    let (signal, watcher) = watch_signals(Arc::clone(&emergency))?;
    let guard = TerminalGuard::enter()?;
    // Asked in raw mode, so that no answer is echoed or waits for a line.
    let config = &shell.options.config;
    let images = config.images.unwrap_or_default();
    let env = (images == crate::config::Images::Auto && settings::on_terminal())
        .then(graphics::Env::of_process);
    let colour = settings::asks_background(config);
    let asked_graphics = env.as_ref().is_some_and(|e| !graphics::query(e).is_empty());
    let asked = (colour || env.is_some()).then(|| {
        background::ask(
            colour,
            &env.as_ref().map(graphics::query).unwrap_or_default(),
        )
    });
    open(&mut shell);
    let mut query = Query {
        asked,
        replies: replies::Replies::default(),
        images,
        env: env.unwrap_or_default(),
        asked_graphics,
        colour,
        told: false,
        provisional: false,
    };
    // What the terminal answered while the article was opened.
    query.read(false);
    // A long article with a record is read whole before its first
    // frame: the answers are awaited meanwhile, as before any frame.
    let early = !query.answered() && (shell.reader.is_some() || shell.library.is_some());
    let (mut filter, pending) = if early {
        query.provisional(&mut shell);
        // Replaced by the query's own once its answers are in.
        let filter = ReplyFilter::new(replies::Replies::default(), Instant::now());
        (filter, Some(query))
    } else {
        query.read(true);
        (query.settle(&mut shell), None)
    };
    let result = event_loop(
        &mut shell,
        (&signal, watcher),
        &emergency,
        &mut filter,
        pending,
    );
    drop(guard);
    // The terminal is back: a failed save can be said on stderr. Ended
    // by a signal, a label or a note being typed is kept first.
    if let Ok(Exit::Signal(_)) = result
        && let Some(kept) = shell.reader.as_mut().and_then(App::keep_draft)
    {
        let _ = writeln!(io::stderr(), "longform: {kept}");
    }
    let finished = shell.finish();
    if let Some((warning, _)) = &finished {
        let _ = writeln!(io::stderr(), "longform: warning: {warning}");
    }
    match result {
        Ok(Exit::Quit) if finished.is_some_and(|(_, lost)| lost) => Ok(Exit::Unsaved),
        other => other,
    }
}

/// The start-up query (`background::ask`) until its answers are in.
///
/// The first frame does not wait for them: when they are not in by the
/// time it is ready, it is drawn with what is known (the figures' protocol
/// that the environment alone gives, and the theme without colour, which
/// reads on any background, when the colour was asked and is not told
/// yet), and the answers are awaited after it, as they were before it:
/// until DA1 is answered or `background::WAIT` has passed since asking,
/// reading the bytes themselves so that none of an answer becomes a key
/// (keys typed in that moment are kept, and read first by the loop; only
/// Alt with a key and the keys sent as sequences, such as arrows, cannot
/// be told from an answer there and are lost). Then the
/// theme and the protocol are settled and the frame is drawn again. On a
/// terminal nearby the answers follow the first frame within a
/// millisecond or two; over a slow link the text shows a round trip
/// sooner.
struct Query {
    asked: Option<background::Asked>,
    replies: replies::Replies,
    images: crate::config::Images,
    env: graphics::Env,
    asked_graphics: bool,
    /// The background colour was asked.
    colour: bool,
    /// An answer told the background colour.
    told: bool,
    /// The first frame was drawn before the answers.
    provisional: bool,
}

impl Query {
    /// Read the answers that came; with `wait`, wait for DA1 until
    /// `background::WAIT` after asking.
    fn read(&mut self, wait: bool) {
        if let Some(asked) = &self.asked {
            let wait = if wait {
                background::WAIT
            } else {
                Duration::ZERO
            };
            asked.collect(&mut self.replies, wait);
        }
    }

    /// Whether there is nothing more to wait for.
    fn answered(&self) -> bool {
        self.asked.is_none() || self.replies.answered_da1()
    }

    /// Take in the colour answers read so far.
    fn take_colour(&mut self, shell: &mut Shell) {
        for answer in self.replies.take_answers() {
            if let Some(palette) = settings::palette_of(&answer) {
                shell.set_background(Some(palette));
                self.told = true;
            }
        }
    }

    /// Set `shell` up for a first frame drawn before the answers.
    fn provisional(&mut self, shell: &mut Shell) {
        self.provisional = true;
        let answers = self.replies.graphics();
        let protocol = graphics::choose(self.images, answers, &self.env);
        shell.set_graphics(protocol, answers.cell.or_else(cell_size));
        self.take_colour(shell);
        if self.colour && !self.told {
            shell.set_background(Some(Palette::Mono));
        }
    }

    /// Settle the theme and the protocol from the answers read, and hand
    /// what is still arriving to the filter of the event loop.
    fn settle(mut self, shell: &mut Shell) -> ReplyFilter {
        self.take_colour(shell);
        // No colour told (yet): the theme of a terminal that does not
        // tell, until a late answer does.
        if self.provisional && self.colour && !self.told {
            shell.set_background(None);
        }
        let answers = self.replies.graphics();
        let unanswered = !self.replies.answered_da1();
        let protocol = graphics::choose(self.images, answers, &self.env);
        shell.set_graphics(protocol, answers.cell.or_else(cell_size));
        if unanswered && self.asked_graphics {
            shell.late_graphics = Some(LateGraphics {
                images: self.images,
                env: self.env,
                answers,
            });
        }
        ReplyFilter::new(self.replies, Instant::now())
    }
}

/// A cell's size in pixels from the terminal's window size (`TIOCGWINSZ`),
/// when the terminal fills in the pixels.
pub fn cell_size() -> Option<(u16, u16)> {
    #[cfg(unix)]
    {
        let size = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
        (size.ws_col > 0 && size.ws_row > 0 && size.ws_xpixel > 0 && size.ws_ypixel > 0)
            .then(|| (size.ws_xpixel / size.ws_col, size.ws_ypixel / size.ws_row))
    }
    #[cfg(not(unix))]
    None
}

/// What the event loop stores once it has taken a signal to handle.
const SIGNAL_TAKEN: usize = usize::MAX;

/// How long the loop may take to notice a signal before the watcher
/// restores the terminal and exits itself.
const SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// The same for SIGHUP: two of the loop's wakes (`TICK`).
const HANGUP_GRACE: Duration = Duration::from_millis(250);

/// Set when SIGTSTP came from outside (`kill -TSTP`): the loop gives the
/// terminal back and stops, as on Ctrl-z.
static STOP_ASKED: AtomicBool = AtomicBool::new(false);

/// Set on SIGCONT: the loop takes the terminal again and redraws it all,
/// whatever stopped the program (SIGSTOP cannot be caught).
static CONTINUED: AtomicBool = AtomicBool::new(false);

/// The signals that end the reader, with the terminal restored and the
/// place saved.
const ENDING: [i32; 6] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGUSR1,
    signal_hook::consts::SIGALRM,
];

/// Watch for the signals of `ENDING`, and for SIGTSTP and SIGCONT. The
/// event loop sees the returned number and ends cleanly. When it cannot (a
/// closed terminal can leave the read of keys retrying forever), the
/// watcher restores what it can, saves without waiting for a lock, and
/// exits with 128 + the signal. The handlers are set at once; the thread
/// that acts on what they caught is started by the event loop once the
/// first frame is drawn, or before reading the rest of an article whose
/// first frame waits for it (`Watcher::start`): starting a thread takes
/// 50 µs or so, and a signal caught before then waits for it.
fn watch_signals(emergency: Emergency) -> Result<(Arc<AtomicUsize>, Watcher)> {
    use signal_hook::consts::{SIGCONT, SIGTSTP};
    let signal = Arc::new(AtomicUsize::new(0));
    let mut signals = signal_hook::iterator::Signals::new(ENDING.iter().chain(&[SIGTSTP, SIGCONT]))
        .context("cannot watch for signals")?;
    let seen = Arc::clone(&signal);
    let watch = move || {
        for sig in signals.forever() {
            match sig {
                SIGTSTP => STOP_ASKED.store(true, Ordering::SeqCst),
                SIGCONT => CONTINUED.store(true, Ordering::SeqCst),
                _ => {
                    seen.store(usize::try_from(sig).unwrap_or(15), Ordering::SeqCst);
                    // A terminal that hung up leaves crossterm reading its
                    // end of input for ever: the loop never gets back to
                    // see the signal, and the place is saved here sooner.
                    let grace = if sig == signal_hook::consts::SIGHUP {
                        HANGUP_GRACE
                    } else {
                        SIGNAL_GRACE
                    };
                    let until = Instant::now() + grace;
                    while Instant::now() < until && seen.load(Ordering::SeqCst) != SIGNAL_TAKEN {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    if seen.load(Ordering::SeqCst) != SIGNAL_TAKEN {
                        restore();
                        // The loop is stuck: save the last state it
                        // published, without waiting for a lock.
                        if let Ok(mut slot) = emergency.lock()
                            && let Some((store, id, state)) = slot.take()
                        {
                            let _ = store.impatient().save(&id, &state);
                        }
                        std::process::exit(128 + sig);
                    }
                    return;
                }
            }
        }
    };
    Ok((signal, Watcher(Some(Box::new(watch)))))
}

/// The thread that acts on the signals caught (see `watch_signals`), until
/// it is started.
struct Watcher(Option<Box<dyn FnOnce() + Send>>);

impl Watcher {
    /// Start the thread, unless it was.
    fn start(&mut self) {
        if let Some(watch) = self.0.take() {
            std::thread::spawn(watch);
        }
    }
}

/// Apply the terminal's answers to the background query that came in.
fn take_answers(shell: &mut Shell, filter: &mut ReplyFilter) {
    for answer in filter.take_answers() {
        if let Some(palette) = settings::palette_of(&answer) {
            shell.set_background(Some(palette));
        }
    }
    // The answer to the graphics query, after the first frame: the
    // protocol is chosen again from everything said so far. (DA1 itself
    // never gets here: crossterm drops it, so sixel is only seen at
    // start-up; kitty's answer and the cell size do.)
    if let Some(late) = &mut shell.late_graphics {
        let now = filter.graphics();
        if now != late.answers {
            late.answers = now;
            let protocol = graphics::choose(late.images, now, &late.env);
            let cell = now.cell.or(shell.cell);
            shell.set_graphics(protocol, cell);
        }
    }
}

fn event_loop(
    shell: &mut Shell,
    (signal, mut watcher): (&AtomicUsize, Watcher),
    emergency: &Emergency,
    filter: &mut ReplyFilter,
    pending: Option<Query>,
) -> Result<Exit> {
    let result = read_and_draw(shell, (signal, &mut watcher), emergency, filter, pending);
    // Started, if no frame was drawn, for the wait below.
    watcher.start();
    match result {
        // A hung-up terminal fails to draw or read just before SIGHUP
        // arrives: report the hangup, not the I/O error it caused.
        Err(err) => match wait_for_signal(signal, HANGUP_WAIT) {
            Some(sig) => Ok(Exit::Signal(sig)),
            None => Err(err),
        },
        ok => ok,
    }
}

/// How long an I/O error on the terminal waits for the signal that
/// usually follows it.
const HANGUP_WAIT: Duration = Duration::from_millis(300);

/// Take a pending signal, waiting up to `wait` for one.
fn wait_for_signal(signal: &AtomicUsize, wait: Duration) -> Option<i32> {
    let until = std::time::Instant::now() + wait;
    loop {
        let sig = signal.load(Ordering::SeqCst);
        if sig != 0
            && sig != SIGNAL_TAKEN
            && signal
                .compare_exchange(sig, SIGNAL_TAKEN, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            return Some(i32::try_from(sig).unwrap_or(15));
        }
        if std::time::Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn read_and_draw(
    shell: &mut Shell,
    (signal, watcher): (&AtomicUsize, &mut Watcher),
    emergency: &Emergency,
    filter: &mut ReplyFilter,
    mut pending: Option<Query>,
) -> Result<Exit> {
    // Never dropped: the guard restores the terminal, and ratatui's own drop
    // would print (and so panic) when the terminal is already gone.
    let mut terminal = std::mem::ManuallyDrop::new(frames()?);
    // A long article with a record is read whole before its first frame:
    // a read that stalls (a network file system) can be ended by a signal.
    if shell.reader.is_none() {
        watcher.start();
        shell.take_rest()?;
    }
    // A frame was drawn; the first frame put off since the last one, while
    // keys were waiting.
    let mut drawn = false;
    let mut owed: Option<Instant> = None;
    // Taken from a key until its frame is written (see `parse::pause`).
    let mut hold: Option<crate::parse::pause::Hold> = None;
    // When the loop last woke with no key (see `TICK`).
    let mut ticked = Instant::now();
    loop {
        // Keys already waiting are taken before the next frame (typed
        // ahead, or a count and its key that came at once, as in `50%`):
        // a frame for each would hold up the last. Not for long, though:
        // keys that keep coming still show.
        // Since the first frame put off, not since the last one drawn: the
        // first keys after a pause (`5`, then `0%` read a moment later)
        // are taken together too.
        let behind = drawn
            && owed.is_none_or(|since: Instant| since.elapsed() < COALESCE)
            && event::poll(Duration::ZERO).context("cannot read the terminal")?;
        if behind {
            owed.get_or_insert_with(Instant::now);
        } else {
            draw(&mut terminal, shell)?;
            drawn = true;
            owed = None;
            // The keys are answered: the parses go on.
            hold = None;
        }
        watcher.start();
        // The first frame is on screen before the terminal's answers:
        // they are awaited now, before any key is read.
        if let Some(mut query) = pending.take() {
            query.read(true);
            *filter = query.settle(shell);
            // Drawn again in what the answers gave (the theme), unless a
            // key is waiting: the key's frame shows both, and is not held
            // up by one that it replaces at once.
            if !event::poll(Duration::ZERO).context("cannot read the terminal")? {
                draw(&mut terminal, shell)?;
            }
        }
        // The head of a long article is on screen: the rest is read now,
        // on a thread, while keys are read.
        shell.start_rest();
        if shell.poll_rest() {
            draw(&mut terminal, shell)?;
        }
        if let Some(e) = shell.failed.take() {
            return Err(e);
        }
        // Code first shown plain is coloured now, unless a key is waiting.
        while shell
            .reader
            .as_ref()
            .is_some_and(|a| a.layout.has_deferred())
            && !event::poll(Duration::ZERO).context("cannot read the terminal")?
        {
            if let Some(app) = &mut shell.reader {
                app.layout.highlight_deferred(&app.doc);
            }
            draw(&mut terminal, shell)?;
        }
        // A window parsed for a jump's screens, or before the index of the
        // whole text was made, is parsed again now on another thread
        // (shown once parsed, see `App::take_made`), unless a key is
        // waiting (which does it first if it reads on).
        if shell.reader.as_ref().is_some_and(App::window_due)
            && !event::poll(Duration::ZERO).context("cannot read the terminal")?
            && let Some(app) = &mut shell.reader
        {
            app.start_refresh();
        }
        // The matches of a search being typed are counted, unless a key
        // is waiting; the count is shown once it is made.
        while shell.reader.as_ref().is_some_and(App::counting)
            && !event::poll(Duration::ZERO).context("cannot read the terminal")?
        {
            if let Some(app) = &mut shell.reader
                && !app.count_some()
            {
                draw(&mut terminal, shell)?;
            }
        }
        assert!(!shell.options.crash_test, "crash test requested");
        // Wait for the next event, waking to notice signals, to save when
        // idle and to show what the library scan found. The terminal's
        // answers are taken out of the events here.
        let events = loop {
            if let Some(sig) = wait_for_signal(signal, Duration::ZERO) {
                return Ok(Exit::Signal(sig));
            }
            if STOP_ASKED.swap(false, Ordering::SeqCst) {
                suspend().context("cannot suspend")?;
            }
            if CONTINUED.swap(false, Ordering::SeqCst) {
                take_terminal().context("cannot use the terminal")?;
                redraw_all(&mut terminal, shell)?;
            }
            // While the rest of an article is read or parsed, it is looked
            // for often: it takes the head's or the window's place as soon
            // as it is in, rather than with a key, which would wait for it.
            let parsing = shell.reader.as_ref().is_some_and(App::parsing);
            let wait = if shell.reading.is_some() || parsing {
                SOON
            } else {
                TICK
            };
            // Keys typed before the answers were in, read with them.
            let typed = filter.take_typed();
            if !typed.is_empty() {
                hold.get_or_insert_with(crate::parse::pause::Hold::take);
                break typed;
            }
            if event::poll(wait).context("cannot read the terminal")? {
                hold.get_or_insert_with(crate::parse::pause::Hold::take);
                let event = event::read().context("cannot read the terminal")?;
                let more = event::poll(Duration::ZERO).context("cannot read the terminal")?;
                break filter.take(event, more, Instant::now());
            }
            if let Some(held) = filter.expire(Instant::now()) {
                break vec![held];
            }
            if shell.reading.is_some() {
                if shell.poll_rest() {
                    if let Some(e) = shell.failed.take() {
                        return Err(e);
                    }
                    draw(&mut terminal, shell)?;
                }
                continue;
            }
            if parsing {
                if shell.reader.as_mut().is_some_and(App::take_made) {
                    draw(&mut terminal, shell)?;
                }
                if ticked.elapsed() < TICK {
                    continue;
                }
            }
            ticked = Instant::now();
            shell.tick();
            draw(&mut terminal, shell)?;
        };
        take_answers(shell, filter);
        for event in events {
            if is_suspend(&event) {
                suspend().context("cannot suspend")?;
                redraw_all(&mut terminal, shell)?;
                continue;
            }
            if shell.handle(&event) {
                if let Some(e) = shell.failed.take() {
                    return Err(e);
                }
                return Ok(Exit::Quit);
            }
            if let Ok(mut slot) = emergency.lock() {
                *slot = shell.snapshot();
            }
        }
        // Keys that never pause (a held key, the wheel) still let a mark
        // or a long unsaved place be saved.
        if let Some(app) = &mut shell.reader {
            app.save_if_due(Instant::now());
        }
    }
}

use frames::Frames;

fn frames() -> Result<Frames> {
    Frames::new().context("cannot use the terminal")
}

/// Forget what the terminal showed, so that the next frame draws every
/// cell: after a stop, the terminal may show anything.
fn redraw_all(terminal: &mut Frames, shell: &mut Shell) -> Result<()> {
    // `clear` would ask the terminal where its cursor is, which not every
    // one answers.
    execute!(
        io::stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )
    .context("cannot draw")?;
    let fresh = frames()?;
    // Not dropped, for the same reason as at the start.
    std::mem::forget(std::mem::replace(terminal, fresh));
    shell.linked.clear();
    draw(terminal, shell)
}

/// Draw a frame; then, with `links.osc8`, write the cells of the external
/// links on screen again as OSC 8 hyperlinks. Only cells whose link or text
/// changed are written, and cells that were links and no longer are (the
/// text scrolled, an overlay or the confirmation box came over them) are
/// written again without one: ratatui only redraws the cells whose text
/// changed, so the terminal would otherwise keep an old link on them.
fn draw(terminal: &mut Frames, shell: &mut Shell) -> Result<()> {
    // A copy goes to the terminal's clipboard as the OSC 52 sequence
    // alone, between frames.
    if let Some(text) = shell.reader.as_mut().and_then(|app| app.clipboard.take()) {
        let backend = terminal.backend_mut();
        backend
            .write_all(clipboard::osc52(&text).as_bytes())
            .and_then(|()| backend.flush())
            .context("cannot write to the terminal")?;
        shell.clipboard.copy(&text);
    }
    // A cell that shows a hyperlink is written again only when it changed.
    let linked = std::mem::take(&mut shell.linked);
    let drawn = terminal.draw(
        |frame| shell.draw(frame),
        |x, y| !linked.is_empty() && linked.contains_key(&(x, y)),
    );
    shell.linked = linked;
    let (area, buffer) = drawn.context("cannot draw")?;
    shell.frame_drawn();
    let size = (area.width, area.height);
    let want = match shell.reader.as_mut() {
        Some(app) if app.osc8 && app.mode == Mode::Reading && app.confirm.is_none() => {
            hyperlink_cells(app, buffer)
        }
        _ => HashMap::new(),
    };
    if want.is_empty() && shell.linked.is_empty() {
        return Ok(());
    }
    // A new size redraws every cell.
    if shell.linked_size != size {
        shell.linked.clear();
        shell.linked_size = size;
    }
    let mut cells: Vec<(u16, u16, Cell)> = Vec::new();
    for (&(x, y), (cell, start)) in &want {
        if shell.linked.get(&(x, y)) != Some(&(cell.clone(), start.clone())) {
            let mut linked = cell.clone();
            linked.set_symbol(&format!(
                "{start}{}{}",
                cell.symbol(),
                crate::links::OSC8_END
            ));
            cells.push((x, y, linked));
        }
    }
    for &(x, y) in shell.linked.keys() {
        if !want.contains_key(&(x, y))
            && let Some(cell) = buffer.cell((x, y))
        {
            cells.push((x, y, cell.clone()));
        }
    }
    shell.linked = want;
    if cells.is_empty() {
        return Ok(());
    }
    cells.sort_by_key(|&(x, y, _)| (y, x));
    terminal
        .write_cells(cells.iter().map(|(x, y, c)| (*x, *y, c)))
        .context("cannot draw")?;
    Ok(())
}

/// The cells of the external links on screen, each with the OSC 8 sequence
/// that makes it a hyperlink. A cell's symbol is one grapheme; the
/// sequences around it do not move the cursor. Targets that are not
/// openable are left as text.
fn hyperlink_cells(
    app: &mut App,
    buffer: &ratatui::buffer::Buffer,
) -> HashMap<(u16, u16), (Cell, String)> {
    let mut cells = HashMap::new();
    for (x, y, width, link) in app.link_runs() {
        let target = usize::try_from(link)
            .ok()
            .and_then(|l| app.doc.links.get(l))
            .and_then(|l| match l.target(&app.doc.text) {
                crate::document::Target::External(url) => crate::links::osc8_start(url),
                _ => None,
            });
        let Some(start) = target else {
            continue;
        };
        // Cells behind a wide character are not drawn: the character covers
        // them.
        let mut covered = 0;
        for cx in x..x.saturating_add(width) {
            let Some(cell) = buffer.cell((cx, y)) else {
                continue;
            };
            if covered > 0 {
                covered -= 1;
                continue;
            }
            covered = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            if cell.symbol().is_empty() {
                continue;
            }
            cells.insert((cx, y), (cell.clone(), start.clone()));
        }
    }
    cells
}

/// Ctrl-z: in raw mode the terminal sends it as a key, not as SIGTSTP.
fn is_suspend(event: &Event) -> bool {
    matches!(event, Event::Key(key)
        if key.kind != KeyEventKind::Release
            && key.code == crossterm::event::KeyCode::Char('z')
            && key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL))
}

/// Give the terminal back and stop, as a shell's job control expects; on
/// `fg`, take it again. The caller redraws. SIGTSTP is caught (to get
/// here), so the stop is SIGTSTP's default action, done by hand.
fn suspend() -> Result<()> {
    restore();
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)?;
    // Here again after SIGCONT.
    take_terminal()
}

/// Raw mode, the alternate screen and mouse reporting, for as long as it
/// lives. Dropping it, or a panic, restores the terminal.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        let guard = TerminalGuard;
        take_terminal()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the terminal is set up for the reader now. Restoring twice
/// would leave the alternate screen twice, and terminals answer that by
/// moving the cursor back over what was printed since.
static TAKEN: AtomicBool = AtomicBool::new(false);

fn take_terminal() -> Result<()> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    TAKEN.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        // A paste arrives as one event of text, never as keys.
        EnableBracketedPaste,
        crossterm::cursor::Hide
    )
    .context("cannot set up the terminal")?;
    Ok(())
}

fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out: Stdout = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    /// The first screen of a long Markdown article is drawn from a part of
    /// its head (`Shell::open_head`): it is the screen the whole head
    /// draws, but for the estimate of the time left.
    #[test]
    fn a_long_article_s_first_screen_is_drawn_from_a_part_of_its_head() {
        let dir = tempfile::tempdir().unwrap();
        let text = crate::testgen::article(crate::testgen::SEED, 2 << 20);
        let path = dir.path().join("long.md");
        std::fs::write(&path, &text).unwrap();
        let Ok(head) = crate::load::load_head(&path, 1 << 20, 16 * 1024).unwrap() else {
            panic!("the head is not whole lines of UTF-8");
        };
        let (len, whole) = (head.len, head.source.clone());
        let options = Options {
            store: Some(Store::new(&dir.path().join("config"))),
            ..Options::default()
        };
        let mut shell = Shell::new(options);
        shell.open_head(head, false);
        let (width, height) = frames::size().unwrap_or((80, 24));
        let screen = |app: &mut App| {
            let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
            t.draw(|f| view::draw(f, app)).unwrap();
            let buffer = t.backend().buffer().clone();
            let rows: Vec<String> = (0..height.saturating_sub(1))
                .map(|y| {
                    (0..width)
                        .map(|x| buffer[(x, y)].symbol().to_string())
                        .collect()
                })
                .collect();
            rows
        };
        let mut full = App::open_with(&whole, shell.theme, None, true, usize::MAX);
        shell.configure(&mut full, &whole);
        full.fit(width, height);
        full.head_of(len);
        let app = shell.reader.as_mut().expect("the head is shown");
        assert!(
            app.doc.text.len() < whole.text.len() / 2,
            "{} of {} bytes parsed",
            app.doc.text.len(),
            whole.text.len()
        );
        assert_eq!(screen(app), screen(&mut full));
    }

    #[test]
    fn external_links_become_osc8_hyperlinks_cell_by_cell() {
        let md = "# T\n\nSee [the 例 page](https://example.com/a), [a file](file:///etc/passwd), \
                  [bad](https://e.com/\u{1b}x) and [part](#t).\n";
        let source = crate::load::decode(md.as_bytes().to_vec(), "t.md".into(), None).unwrap();
        let mut app = App::new(&source, Theme::Dark);
        let mut terminal = Terminal::new(TestBackend::new(60, 10)).unwrap();
        let frame = terminal.draw(|f| view::draw(f, &mut app)).unwrap();
        let cells = hyperlink_cells(&mut app, frame.buffer);
        let mut cells: Vec<_> = cells.into_iter().collect();
        cells.sort_by_key(|&((x, y), _)| (y, x));
        // Only the openable link, each grapheme once, and the cell behind
        // the wide character skipped.
        assert!(
            cells
                .iter()
                .all(|(_, (_, s))| s == "\x1b]8;;https://example.com/a\x1b\\")
        );
        let shown: String = cells.iter().map(|(_, (c, _))| c.symbol()).collect();
        assert_eq!(shown, "the 例 page");
        let xs: Vec<u16> = cells.iter().map(|((x, _), _)| *x).collect();
        assert!(xs.windows(2).any(|w| w[1] == w[0] + 2), "{xs:?}");
        // Too small a screen draws no text, so no links.
        let mut small = Terminal::new(TestBackend::new(10, 3)).unwrap();
        let frame = small.draw(|f| view::draw(f, &mut app)).unwrap();
        assert!(hyperlink_cells(&mut app, frame.buffer).is_empty());
    }
}
