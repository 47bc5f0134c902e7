//! Following links to other articles on disk, and coming back: what a link
//! to a file names (checked on disk, for the status bar, the link list and
//! `Enter`), the trail of articles left by following links (vim's jump
//! list across files), and the shell's move from one article to another.
//!
//! Where a target points is worked out in the core
//! (`links::local::resolve`); the file is looked at here, and loaded the
//! way the command line and the library load one (`load::load`).

use std::path::{Path, PathBuf};

use super::app::App;
use crate::document::{Document, Target};
use crate::links::LinkEntry;
use crate::links::local::{self, LocalLink, NotLocal};
use crate::load::{Source, load};
use crate::parse::sanitize;
use crate::reader::{JumpList, Place};

/// The most articles the trail remembers each way.
const STOPS_KEPT: usize = 50;

/// What an article needs to follow its links to files: where it was read
/// from, and what it asks of the shell.
#[derive(Clone, Debug, Default)]
pub struct Here {
    /// The article's file; `None` when it was read from standard input.
    file: Option<PathBuf>,
    /// A book (EPUB): its links between its own documents were resolved
    /// when it was loaded, and a relative link left is to a file inside
    /// it, not beside it.
    book: bool,
    /// The article asks to be left (a link followed, a jump back past its
    /// first place): taken by the shell after each key.
    pub leave: Option<Leave>,
}

/// How the reader leaves an article for another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leave {
    /// Link `link`, to the file at `path` (written as `written`), at the
    /// heading `fragment` names, if any.
    Follow {
        path: PathBuf,
        written: String,
        fragment: Option<String>,
        link: u32,
    },
    /// Back to the article the last link was followed from.
    Back,
    /// Forward again to the article gone back from.
    Forward,
}

/// Where a link to a file goes, once the file is found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Goes {
    /// A place in this very article (`#x`, `this.md#x`), or its start
    /// (`this.md`).
    Here(Option<String>),
    /// Another article.
    There(LocalLink),
}

/// Why a link to a file is not followed. Each holds the path as written,
/// made safe to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Missing(String),
    Folder(String),
    /// A named pipe, a device, a socket.
    Special(String),
    /// The file is there but cannot be looked at: the path and why.
    Io(String, String),
    /// A relative path in an article read from standard input.
    NoFolder(String),
    /// A relative path in a book that is none of its documents.
    InBook(String),
    /// The file has NUL bytes among its first: no article.
    Binary(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing(p) => write!(f, "not found: {p}"),
            Problem::Folder(p) => write!(f, "{p} is a folder, not an article"),
            Problem::Special(p) => write!(f, "{p} is not a regular file"),
            Problem::Io(p, why) => write!(f, "cannot open {p}: {why}"),
            Problem::NoFolder(p) => write!(
                f,
                "{p} is relative, and this article was read from standard input"
            ),
            Problem::InBook(p) => write!(f, "{p} is not one of this book's documents"),
            Problem::Binary(p) => write!(f, "{p} looks like a binary file, not an article"),
        }
    }
}

impl Problem {
    /// The status bar's words when `Enter` meets this problem.
    pub fn refusal(&self) -> String {
        match self {
            Problem::Missing(p) => format!("Not found: {p}"),
            other => format!("Not opened: {other}"),
        }
    }
}

impl Here {
    /// For the article read from `path` (`None`: standard input).
    pub fn new(path: Option<&Path>) -> Here {
        Here {
            file: path.map(Path::to_path_buf),
            book: path.is_some_and(crate::load::epub::is_epub),
            leave: None,
        }
    }

    /// Where link target `url` goes when it names a file, checked on disk;
    /// `None` for an address with a scheme (for the system's opener, or
    /// refused there) or an empty one.
    pub fn check(&self, url: &str) -> Option<Result<Goes, Problem>> {
        let base = super::figures::base_of(self.file.as_deref());
        let link = match local::resolve(url, base.as_deref()) {
            Err(NotLocal::Remote | NotLocal::NoPath(None)) => return None,
            Err(NotLocal::NoPath(Some(fragment))) => return Some(Ok(Goes::Here(Some(fragment)))),
            Err(NotLocal::NoFolder(written)) => {
                return Some(Err(Problem::NoFolder(sanitize(&written))));
            }
            Ok(link) => link,
        };
        let shown = sanitize(&link.written);
        if self.book {
            return Some(Err(Problem::InBook(shown)));
        }
        Some(match std::fs::metadata(&link.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Problem::Missing(shown)),
            Err(e) => Err(Problem::Io(shown, crate::load::describe(&e))),
            Ok(meta) if meta.is_dir() => Err(Problem::Folder(shown)),
            Ok(meta) if !meta.is_file() => Err(Problem::Special(shown)),
            Ok(_) if self.is(&link.path) => Ok(Goes::Here(link.fragment)),
            // A file the library would not list is looked at before it is
            // promised: the first bytes tell a binary one.
            Ok(_) if !crate::library::is_article(&link.path) && binary(&link.path) => {
                Err(Problem::Binary(shown))
            }
            Ok(_) => Ok(Goes::There(link)),
        })
    }

    /// Whether `path` is this article's own file.
    fn is(&self, path: &Path) -> bool {
        let Some(file) = &self.file else {
            return false;
        };
        match (std::fs::canonicalize(file), std::fs::canonicalize(path)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Whether the file at `path` starts with binary bytes (unreadable ones
/// are left for opening to explain).
fn binary(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(crate::encoding::SNIFF);
    std::fs::File::open(path)
        .and_then(|f| f.take(crate::encoding::SNIFF as u64).read_to_end(&mut head))
        .is_ok_and(|_| crate::encoding::looks_binary(&head, None))
}

/// What the link list and the status bar say of a link to another
/// article: `opens docs/guide.md here`, with the fragment when it has one.
pub fn opens(link: &LocalLink) -> String {
    let fragment = link
        .fragment
        .as_deref()
        .map(|f| format!("#{}", sanitize(f)))
        .unwrap_or_default();
    format!("opens {}{fragment} here", sanitize(&link.written))
}

/// Each entry of the link list that names a file says what `Enter` does
/// with it: `opens docs/guide.md here`, `not found: docs/guide.md`.
pub fn tell_files(here: &Here, doc: &Document, entries: &mut [LinkEntry]) {
    for e in entries {
        let Some(l) = usize::try_from(e.index).ok().and_then(|i| doc.links.get(i)) else {
            continue;
        };
        let Target::External(url) = l.target(&doc.text) else {
            continue;
        };
        match here.check(url) {
            None => {}
            Some(Ok(Goes::There(link))) => e.target = opens(&link),
            Some(Ok(Goes::Here(Some(slug)))) => {
                e.target = crate::links::describe(doc, Target::Internal(&slug));
            }
            Some(Ok(Goes::Here(None))) => e.target = "the start of this article".into(),
            Some(Err(problem)) => e.target = problem.to_string(),
        }
    }
}

/// An article left by following a link (or by going back): enough to come
/// back to it exactly as it was.
#[derive(Clone, Debug)]
pub struct Stop {
    from: Origin,
    place: Place,
    /// The link selected when it was left: the one followed.
    link: Option<u32>,
    jumps: JumpList,
    /// The text's fingerprint: the place and the link are used only in the
    /// same text.
    fingerprint: u64,
}

/// Where an article left came from, to open it again.
#[derive(Clone, Debug)]
enum Origin {
    File(PathBuf),
    /// Standard input cannot be read twice: its text is kept.
    Stdin(Source),
}

impl Stop {
    /// `app` as it is now, with `link` selected.
    fn of(app: &App, link: Option<u32>) -> Stop {
        let from = match &app.here.file {
            Some(path) => Origin::File(path.clone()),
            None => Origin::Stdin(Source {
                name: "-".into(),
                path: None,
                text: app.session.text().to_string(),
                lossy: false,
                stamp: None,
                legacy: None,
            }),
        };
        Stop {
            from,
            place: app.reader.place(),
            link,
            jumps: app.jumps.clone(),
            fingerprint: app.doc.fingerprint,
        }
    }

    /// The article, loaded again.
    fn load(&self) -> anyhow::Result<Source> {
        match &self.from {
            Origin::File(path) => load(path),
            Origin::Stdin(source) => Ok(source.clone()),
        }
    }
}

/// The articles left by following links, and those gone back from.
#[derive(Clone, Debug, Default)]
pub struct Trail {
    back: Vec<Stop>,
    forward: Vec<Stop>,
}

impl Trail {
    /// A link is followed from `from`: what was gone back from is dropped,
    /// as a new jump drops it in vim.
    fn follow(&mut self, from: Stop) {
        self.back.push(from);
        if self.back.len() > STOPS_KEPT {
            self.back.remove(0);
        }
        self.forward.clear();
    }

    /// Where `leave` goes, before it is taken.
    fn next(&self, leave: &Leave) -> Option<&Stop> {
        match leave {
            Leave::Back => self.back.last(),
            Leave::Forward => self.forward.last(),
            Leave::Follow { .. } => None,
        }
    }

    /// Go back (or forward) from `current`: the stop to open.
    fn take(&mut self, leave: &Leave, current: Stop) -> Option<Stop> {
        let (from, to) = match leave {
            Leave::Back => (&mut self.back, &mut self.forward),
            Leave::Forward => (&mut self.forward, &mut self.back),
            Leave::Follow { .. } => return None,
        };
        let stop = from.pop()?;
        to.push(current);
        if to.len() > STOPS_KEPT {
            to.remove(0);
        }
        Some(stop)
    }
}

/// The new article `app` was opened by a link: at the heading `fragment`
/// names, else at its own place. A fragment that names nothing says so.
fn land(app: &mut App, fragment: Option<&str>, written: &str) {
    let Some(fragment) = fragment else {
        return;
    };
    // A long article opens on a window: its headings are the whole's.
    app.wait_whole();
    match app.doc.place_of(fragment) {
        Some(pos) => app.start_at_section(pos),
        None => {
            let said = format!("No #{} in {}", sanitize(fragment), sanitize(written));
            app.message = Some(match app.message.take() {
                Some(m) => format!("{said} · {m}"),
                None => said,
            });
        }
    }
}

/// The article `app` was opened again by going back (or forward): at the
/// place it was left, the link followed selected again, its own jumps
/// kept. If its text changed meanwhile, at its saved place, found again
/// as when resuming.
fn arrive(app: &mut App, stop: Stop) {
    app.settle_fingerprint(true);
    if app.doc.fingerprint == stop.fingerprint {
        app.return_to(stop.place, stop.link, stop.jumps);
    }
    app.message = Some(format!("Back to {}", app.title));
}

impl super::Shell {
    /// Leave the article on screen as it asked (`Here::leave`): save its
    /// place, open the other article as the library opens one, and put it
    /// where the link or the trail says. When the other cannot be opened,
    /// the reader stays where it is and says why.
    pub(super) fn travel(&mut self, leave: Leave) {
        let Some(app) = &mut self.reader else {
            return;
        };
        let loaded = match &leave {
            Leave::Follow { path, written, .. } => load(path).map_err(|e| {
                // The loader names the whole path: the link's own words
                // are shorter and are what the reader sees.
                let full = sanitize(&path.to_string_lossy());
                format!("{e:#}").replace(&full, &sanitize(written))
            }),
            Leave::Back | Leave::Forward => match self.trail.next(&leave) {
                Some(stop) => stop.load().map_err(|e| format!("{e:#}")),
                // The article's own "nothing to go back to" stands.
                None => return,
            },
        };
        let source = match loaded {
            Ok(source) => source,
            Err(why) => {
                app.message = Some(format!("Not opened: {why}"));
                return;
            }
        };
        // A long article's rest is read before its place is saved.
        self.wait_rest();
        let Some(mut old) = self.reader.take() else {
            return;
        };
        let link = match &leave {
            Leave::Follow { link, .. } => Some(*link),
            _ => old.link,
        };
        let warning = self.set_down(&mut old);
        let stop = Stop::of(&old, link);
        drop(old);
        let back_to = match &leave {
            Leave::Follow { .. } => {
                self.trail.follow(stop);
                None
            }
            other => self.trail.take(other, stop),
        };
        // `--from-start` was for the article named on the command line.
        self.options.from_start = false;
        self.open(&source, None, false);
        let Some(app) = &mut self.reader else {
            return;
        };
        match (leave, back_to) {
            (
                Leave::Follow {
                    fragment, written, ..
                },
                _,
            ) => land(app, fragment.as_deref(), &written),
            (_, Some(stop)) => arrive(app, stop),
            (_, None) => {}
        }
        if let Some(w) = warning {
            app.message = Some(match app.message.take() {
                Some(m) => format!("{m} · {w}"),
                None => w,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    //! The shell driven by keys, drawn on a `TestBackend`, over articles
    //! and a config folder in a temporary folder.

    use std::path::Path;

    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::super::{Options, Shell};
    use crate::load::{decode, load};
    use crate::position::Position;
    use crate::store::{Store, record_id};

    fn filler(n: usize, what: &str) -> String {
        (1..=n)
            .map(|i| format!("Paragraph {i} of {what}, long enough to take a line or two.\n\n"))
            .collect()
    }

    const LINKS: &str = "See [the guide](docs/guide.md), [setup](docs/guide.md#setup), \
        [gone](docs/gone%20away.md), [folder](docs/), [nowhere](docs/guide.md#nowhere), \
        [blob](blob.bin), [a file URL](file:///etc/hostname) and [more](index.md#more).\n\n";

    /// `index.md`, linking to `docs/guide.md` and to what is not there;
    /// the store in `config`.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        let index = format!(
            "# Index\n\n{LINKS}{}## More\n\nThe end of the index.\n",
            filler(30, "the index")
        );
        std::fs::write(root.join("index.md"), index).unwrap();
        let guide = format!(
            "# Guide\n\n{}## Setup\n\nRun it.\n\n{}",
            filler(30, "the guide"),
            filler(30, "the setup")
        );
        std::fs::write(root.join("docs/guide.md"), guide).unwrap();
        std::fs::write(root.join("blob.bin"), b"a\0b\0c").unwrap();
        dir
    }

    fn reading(dir: &Path, source: &crate::load::Source) -> Shell {
        let options = Options {
            store: Some(Store::new(&dir.join("config"))),
            ..Options::default()
        };
        let mut shell = Shell::new(options);
        shell.open(source, None, false);
        draw(&mut shell);
        shell
    }

    fn open_index(dir: &Path) -> Shell {
        reading(dir, &load(&dir.join("index.md")).unwrap())
    }

    fn draw(shell: &mut Shell) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| shell.draw(f)).unwrap();
        format!("{}", terminal.backend())
    }

    fn press(shell: &mut Shell, code: KeyCode, modifiers: KeyModifiers) {
        let ended = shell.handle(&Event::Key(KeyEvent::new(code, modifiers)));
        assert!(!ended);
        draw(shell);
    }

    fn key(shell: &mut Shell, code: KeyCode) {
        press(shell, code, KeyModifiers::NONE);
    }

    fn app(shell: &Shell) -> &super::App {
        shell.reader.as_ref().expect("an article is open")
    }

    fn message(shell: &Shell) -> String {
        app(shell).message.clone().unwrap_or_default()
    }

    /// Select the link whose text is `text` with Tab.
    fn select(shell: &mut Shell, text: &str) -> u32 {
        for _ in 0..20 {
            key(shell, KeyCode::Tab);
            let a = app(shell);
            if let Some(l) = a.link
                && a.link_text(l) == text
            {
                return l;
            }
        }
        panic!("no link {text} on screen");
    }

    fn saved_byte(dir: &Path, file: &str) -> Option<usize> {
        let store = Store::new(&dir.join("config"));
        let path = std::fs::canonicalize(dir.join(file)).unwrap();
        let state = store.read_only(&record_id(&path)).unwrap()?;
        state.position.map(|a| a.byte)
    }

    #[test]
    fn a_link_opens_the_other_article_and_backspace_comes_back_to_it() {
        let dir = folder();
        let root = dir.path();
        let mut shell = open_index(root);
        key(&mut shell, KeyCode::Char('j'));
        let from = app(&shell).top();
        assert!(from > Position(0));
        let link = select(&mut shell, "the guide");
        assert_eq!(
            message(&shell),
            "Link: opens docs/guide.md here (Enter follows)"
        );
        key(&mut shell, KeyCode::Enter);
        assert_eq!(app(&shell).title, "Guide");
        assert!(draw(&mut shell).contains("Guide"));
        for _ in 0..6 {
            key(&mut shell, KeyCode::Char('j'));
        }
        let read_to = app(&shell).top();
        // Left, the index's place was saved.
        assert_eq!(saved_byte(root, "index.md"), Some(from.0));

        key(&mut shell, KeyCode::Backspace);
        let back = app(&shell);
        assert_eq!(back.title, "Index");
        assert_eq!(back.top(), from);
        assert_eq!(back.link, Some(link), "the link followed is selected again");
        assert_eq!(message(&shell), "Back to Index");
        assert_eq!(saved_byte(root, "docs/guide.md"), Some(read_to.0));

        // Forward again, to the place the guide was left at.
        press(&mut shell, KeyCode::Char('i'), KeyModifiers::CONTROL);
        assert_eq!(app(&shell).title, "Guide");
        assert_eq!(app(&shell).top(), read_to);
        // Ctrl-o is back too; past the first article there is nothing.
        press(&mut shell, KeyCode::Char('o'), KeyModifiers::CONTROL);
        assert_eq!(app(&shell).title, "Index");
        key(&mut shell, KeyCode::Backspace);
        assert_eq!(app(&shell).title, "Index");
        assert_eq!(message(&shell), "Jump list: nothing to go back to");

        // Opened again by its plain link, the guide resumes at its place.
        select(&mut shell, "the guide");
        key(&mut shell, KeyCode::Enter);
        assert_eq!(app(&shell).title, "Guide");
        assert_eq!(app(&shell).top(), read_to);
    }

    #[test]
    fn a_fragment_lands_at_its_heading_and_a_missing_one_says_so() {
        let dir = folder();
        let mut shell = open_index(dir.path());
        select(&mut shell, "setup");
        assert_eq!(
            message(&shell),
            "Link: opens docs/guide.md#setup here (Enter follows)"
        );
        key(&mut shell, KeyCode::Enter);
        let a = app(&shell);
        assert_eq!(a.title, "Guide");
        let section = a.doc.section_at(a.top()).map(|h| h.text.clone());
        assert_eq!(section.as_deref(), Some("Setup"));
        assert_eq!(message(&shell), "At Setup");
        key(&mut shell, KeyCode::Backspace);
        assert_eq!(app(&shell).title, "Index");

        select(&mut shell, "nowhere");
        key(&mut shell, KeyCode::Enter);
        assert_eq!(app(&shell).title, "Guide");
        assert_eq!(app(&shell).top(), Position(0));
        assert!(
            message(&shell).starts_with("No #nowhere in docs/guide.md"),
            "{}",
            message(&shell)
        );
    }

    #[test]
    fn what_cannot_be_opened_is_said_and_the_reader_stays() {
        let dir = folder();
        let mut shell = open_index(dir.path());
        key(&mut shell, KeyCode::Char('j'));
        let top = app(&shell).top();
        let cases = [
            (
                "gone",
                "Link: not found: docs/gone away.md",
                "Not found: docs/gone away.md",
            ),
            (
                "folder",
                "Link: docs/ is a folder, not an article",
                "Not opened: docs/ is a folder, not an article",
            ),
            (
                "blob",
                "Link: blob.bin looks like a binary file, not an article",
                "Not opened: blob.bin looks like a binary file, not an article",
            ),
            (
                "a file URL",
                "Link to file:///etc/hostname (not opened from here: y copies it)",
                "Not opened: only http, https and mailto links open, not file:",
            ),
        ];
        for (text, described, refused) in cases {
            select(&mut shell, text);
            assert_eq!(message(&shell), described);
            key(&mut shell, KeyCode::Enter);
            assert_eq!(message(&shell), refused);
            assert_eq!(app(&shell).title, "Index", "{text}");
            assert_eq!(app(&shell).top(), top, "{text}");
        }
        // A file that cannot be read says the loader's reason (not
        // testable as root, who reads it all the same).
        #[cfg(unix)]
        {
            let locked = dir.path().join("locked.md");
            std::fs::write(&locked, "# Locked\n").unwrap();
            std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000))
                .unwrap();
            if std::fs::read(&locked).is_err() {
                let text = "See [locked](locked.md).\n";
                std::fs::write(dir.path().join("lock.md"), text).unwrap();
                let mut shell = reading(dir.path(), &load(&dir.path().join("lock.md")).unwrap());
                select(&mut shell, "locked");
                key(&mut shell, KeyCode::Enter);
                assert_eq!(
                    message(&shell),
                    "Not opened: cannot open locked.md: permission denied"
                );
            }
        }
        assert!(shell.trail.back.is_empty());
    }

    #[test]
    fn a_link_to_this_file_jumps_within_it() {
        let dir = folder();
        let mut shell = open_index(dir.path());
        select(&mut shell, "more");
        assert_eq!(message(&shell), "Link to section: More (Enter follows)");
        key(&mut shell, KeyCode::Enter);
        let a = app(&shell);
        assert_eq!(a.title, "Index");
        let section = a.doc.section_at(a.top()).map(|h| h.text.clone());
        assert_eq!(section.as_deref(), Some("More"));
        key(&mut shell, KeyCode::Backspace);
        assert_eq!(app(&shell).top(), Position(0));
    }

    #[test]
    fn the_link_list_says_where_links_to_files_go() {
        let dir = folder();
        let mut shell = open_index(dir.path());
        key(&mut shell, KeyCode::Char('L'));
        let list = app(&shell).link_list.clone().expect("the list is open");
        let target = |text: &str| {
            list.entries
                .iter()
                .find(|e| e.text == text)
                .map(|e| e.target.clone())
                .unwrap()
        };
        assert_eq!(target("the guide"), "opens docs/guide.md here");
        assert_eq!(target("setup"), "opens docs/guide.md#setup here");
        assert_eq!(target("gone"), "not found: docs/gone away.md");
        assert_eq!(target("folder"), "docs/ is a folder, not an article");
        assert_eq!(target("more"), "#more · More");
        assert!(draw(&mut shell).contains("opens docs/guide.md here"));
    }

    #[test]
    fn from_standard_input_relative_links_have_no_folder() {
        let dir = folder();
        let text = std::fs::read(dir.path().join("index.md")).unwrap();
        let source = decode(text, "-".into(), None).unwrap();
        let mut shell = reading(dir.path(), &source);
        select(&mut shell, "the guide");
        assert_eq!(
            message(&shell),
            "Link: docs/guide.md is relative, and this article was read from standard input"
        );
        key(&mut shell, KeyCode::Enter);
        assert_eq!(
            message(&shell),
            "Not opened: docs/guide.md is relative, and this article was read from standard input"
        );
        assert_eq!(app(&shell).title, "Index");
    }

    #[test]
    fn an_absolute_link_from_standard_input_comes_back_to_its_text() {
        let dir = folder();
        let guide = dir.path().join("docs/guide.md");
        let text = format!("# Piped\n\nSee [the guide]({}).\n", guide.display());
        let source = decode(text.into_bytes(), "-".into(), None).unwrap();
        let mut shell = reading(dir.path(), &source);
        select(&mut shell, "the guide");
        key(&mut shell, KeyCode::Enter);
        assert_eq!(app(&shell).title, "Guide");
        key(&mut shell, KeyCode::Backspace);
        assert_eq!(app(&shell).title, "Piped");
    }

    #[test]
    fn the_trail_keeps_a_short_history_and_a_new_link_drops_the_forward_one() {
        let dir = folder();
        let mut shell = open_index(dir.path());
        let stop = || super::Stop::of(app(&shell), None);
        let mut trail = super::Trail::default();
        for _ in 0..super::STOPS_KEPT + 5 {
            trail.follow(stop());
        }
        assert_eq!(trail.back.len(), super::STOPS_KEPT);
        assert!(trail.take(&super::Leave::Back, stop()).is_some());
        assert_eq!(trail.forward.len(), 1);
        trail.follow(stop());
        assert!(trail.forward.is_empty());
        assert!(trail.take(&super::Leave::Forward, stop()).is_none());
        drop(shell.reader.take());
    }
}
