//! The library screen's state: the rows, their order and filter, the
//! cursor, and the scan that fills them in on a thread so the screen shows
//! at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

mod trash;

use super::prompt::LineInput;
use crate::layout::isolate;
use crate::library::{self, Cache, Row, Sort, Summary};
use crate::store::{self, Load, ReadingState, Store};

/// What the scan thread sends.
enum Scan {
    /// The files found, before any is read, the reading records, the
    /// folders that are not there, and how many records could not be read.
    Found(Vec<PathBuf>, Vec<ReadingState>, Vec<PathBuf>, usize),
    /// One file summarised.
    Summary(Summary),
    /// Some reading records were carried to files moved since they were
    /// read (`library::carry_moved`): they are read again.
    Records,
    Done,
}

/// What `x` (and the reader's `X`) says on an article with no text.
pub const EMPTY_NEVER_FINISHED: &str = "An empty article is never finished";

pub struct Library {
    /// The folders shown.
    pub roots: Vec<PathBuf>,
    /// The summaries' cache, in the config dir.
    cache_file: Option<PathBuf>,
    /// Every article, in the current sort.
    rows: Vec<Row>,
    pub sort: Sort,
    /// The selected row among `visible()`.
    pub cursor: usize,
    /// A row was chosen (by a key, a click, an article read): it stays
    /// selected when the rows are sorted again. Until then, as the scan
    /// fills the rows in, the top one is.
    chosen: bool,
    /// The filter, while one is typed or kept.
    pub filter: Option<String>,
    /// The filter as typed, with its cursor.
    pub filter_line: LineInput,
    pub filtering: bool,
    pub scanning: bool,
    /// The folders of `roots` that are not there (a drive not mounted, a
    /// typo in the config).
    pub missing: Vec<PathBuf>,
    /// Files summarised so far and files found, for `Scanning 812/2000`.
    pub scanned: usize,
    pub found: usize,
    pub message: Option<String>,
    pub help: bool,
    pub quit: bool,
    store: Option<Store>,
    records: Vec<ReadingState>,
    scan: Option<Receiver<Scan>>,
    /// Rows as last drawn: screen row → index into `visible()`, for clicks.
    pub row_hits: Vec<(u16, usize)>,
    /// Where each path is in `rows`, so the scan's summaries find their
    /// row at once.
    index: HashMap<PathBuf, usize>,
    /// The article `d` asks about: `y` moves it to the trash.
    pub confirm: Option<Row>,
    /// Articles moved to the trash while the screen is open, the last
    /// last: `u` puts them back.
    trashed: Vec<Row>,
}

/// What the library's keys do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Rows,
    /// A filter is being typed.
    Filter,
    Help,
    /// `d` asked whether to move an article to the trash.
    Confirm,
}

/// What a library key asks the shell to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Open {
    /// Open this article in the reader.
    Article(PathBuf),
    /// Show this article's bookmarks; Enter opens it at one.
    Bookmarks(PathBuf),
}

impl Library {
    /// A library of `roots`; the scan starts at once on a thread, using the
    /// cache in `config_dir` when there is one.
    pub fn new(roots: Vec<PathBuf>, store: Option<Store>, config_dir: Option<PathBuf>) -> Library {
        let (tx, rx) = channel();
        let cache_file = config_dir.as_deref().map(Cache::path);
        let scan_roots = roots.clone();
        let scan_store = store.clone();
        let scan_config = config_dir.clone();
        std::thread::spawn(move || {
            // The records are read here too: thousands of them would hold
            // the first frame.
            // Kept with their ids for carrying moved ones after the scan,
            // not read a second time then.
            let listed = scan_store.as_ref().map(Store::all).unwrap_or_default();
            let records: Vec<ReadingState> = listed.iter().map(|(_, r)| r.clone()).collect();
            let unreadable = scan_store
                .as_ref()
                .map_or(0, |s| s.unreadable(records.len()));
            let paths = library::articles_of(&scan_roots, scan_config.as_deref());
            let missing = scan_roots.iter().filter(|r| !r.is_dir()).cloned().collect();
            if tx
                .send(Scan::Found(paths.clone(), records, missing, unreadable))
                .is_err()
            {
                return;
            }
            let cache_file = config_dir.as_deref().map(Cache::path);
            let mut cache = cache_file.as_deref().map(Cache::load).unwrap_or_default();
            let summaries = library::scan(&paths, &mut cache, |s| {
                let _ = tx.send(Scan::Summary(s.clone()));
            });
            if let Some(store) = &scan_store {
                let (_, carried) = library::carry_moved(store, &summaries, listed);
                if carried > 0 {
                    let _ = tx.send(Scan::Records);
                }
            }
            if let Some(file) = cache_file {
                // Only a cache: a failure costs a slower next start.
                let _ = cache.save(&file);
            }
            let _ = tx.send(Scan::Done);
        });
        Library {
            cache_file,
            roots,
            rows: Vec::new(),
            row_hits: Vec::new(),
            sort: Sort::Recent,
            cursor: 0,
            chosen: false,
            filter: None,
            filter_line: LineInput::empty(),
            filtering: false,
            scanning: true,
            missing: Vec::new(),
            scanned: 0,
            found: 0,
            message: None,
            help: false,
            quit: false,
            store,
            records: Vec::new(),
            scan: Some(rx),
            index: HashMap::new(),
            confirm: None,
            trashed: Vec::new(),
        }
    }

    /// The reader counted every word of the article at `path`: its row,
    /// and the cache, show that count rather than the scan's estimate from
    /// the file's head.
    pub fn counted(&mut self, path: &Path, words: usize) {
        let Ok(target) = std::fs::canonicalize(path) else {
            return;
        };
        let Some(row) = self
            .rows
            .iter_mut()
            .find(|r| std::fs::canonicalize(&r.summary.path).is_ok_and(|p| p == target))
        else {
            return;
        };
        if !row.summary.estimated && row.summary.words == words {
            return;
        }
        row.summary.words = words;
        row.summary.estimated = false;
        let summary = row.summary.clone();
        if let Some(file) = &self.cache_file
            && let Some(stamp) = library::Stamp::of(&summary.path)
        {
            let mut cache = Cache::load(file);
            // The row's own entry, and any under another path to the file.
            cache.counted(path, stamp, words);
            cache.put(stamp, summary);
            // Only a cache: a failure costs an estimate on the next start.
            let _ = cache.save(file);
        }
    }

    /// Read the reading records again: after returning from the reader.
    pub fn reload_records(&mut self) {
        self.records = self
            .store
            .as_ref()
            .map(|s| s.all().into_iter().map(|(_, r)| r).collect())
            .unwrap_or_default();
        let summaries: Vec<Summary> = self.rows.iter().map(|r| r.summary.clone()).collect();
        self.set_rows(&summaries);
    }

    fn set_rows(&mut self, summaries: &[Summary]) {
        self.rows = library::rows(summaries, &self.records);
        self.resort();
    }

    /// Sort the rows again, keeping the selected one selected.
    fn resort(&mut self) {
        let keep = self.selected().map(|r| r.summary.path.clone());
        self.sort.apply(&mut self.rows);
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.summary.path.clone(), i))
            .collect();
        match keep {
            Some(path) if self.chosen => self.select_path(&path),
            _ => self.cursor = 0,
        }
    }

    /// Take in what the scan found so far. True when something changed.
    pub fn poll(&mut self) -> bool {
        let Some(rx) = self.scan.take() else {
            return false;
        };
        let mut changed = false;
        loop {
            match rx.try_recv() {
                Ok(Scan::Found(paths, records, missing, unreadable)) => {
                    self.records = records;
                    // Said after what was said at the start (a config
                    // problem), not over it.
                    let mut say = |line: String| super::say_after(&mut self.message, line);
                    if !missing.is_empty() {
                        say(library::no_such_folders(&missing));
                    }
                    if unreadable > 0 {
                        // A damaged record shows as an article not read:
                        // said, so that it can be looked for.
                        say(store::unreadable_note(unreadable));
                    }
                    self.missing = missing;
                    let placeholders: Vec<Summary> = paths
                        .into_iter()
                        .map(|path| Summary {
                            title: path
                                .file_stem()
                                .map(|s| crate::parse::sanitize(&s.to_string_lossy()))
                                .unwrap_or_default(),
                            path,
                            author: None,
                            date: None,
                            language: None,
                            words: 0,
                            headings: 0,
                            error: None,
                            estimated: false,
                        })
                        .collect();
                    self.found = placeholders.len();
                    self.set_rows(&placeholders);
                    changed = true;
                }
                // Read again now, not taken from the scan's snapshot: a
                // record changed meanwhile (`x`) is shown as it is.
                Ok(Scan::Records) => {
                    self.reload_records();
                    changed = true;
                }
                Ok(Scan::Summary(s)) => {
                    self.scanned += 1;
                    let record = self.record_for(&s.path);
                    if let Some(&i) = self.index.get(&s.path) {
                        self.rows[i] = library::row(s, record.as_ref());
                    }
                    changed = true;
                }
                Ok(Scan::Done) | Err(TryRecvError::Disconnected) => {
                    self.scanning = false;
                    self.resort();
                    return true;
                }
                Err(TryRecvError::Empty) => {
                    self.scan = Some(rx);
                    return changed;
                }
            }
        }
    }

    fn record_for(&self, path: &Path) -> Option<ReadingState> {
        if self.records.is_empty() {
            return None;
        }
        let canonical = std::fs::canonicalize(path).ok()?;
        self.records.iter().find(|r| r.path == canonical).cloned()
    }

    /// How many articles there are, shown or not.
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    /// The rows shown: all in the sort's order, or those the filter
    /// matches, best first (`library::filter`).
    pub fn visible(&self) -> Vec<&Row> {
        match self.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            None => self.rows.iter().collect(),
            Some(f) => library::filter(&self.rows, f)
                .into_iter()
                .map(|i| &self.rows[i])
                .collect(),
        }
    }

    pub fn selected(&self) -> Option<&Row> {
        self.visible().get(self.cursor).copied()
    }

    fn select_path(&mut self, path: &Path) {
        if let Some(i) = self.visible().iter().position(|r| r.summary.path == path) {
            self.cursor = i;
            self.chosen = true;
        }
    }

    pub fn move_by(&mut self, n: isize) {
        self.chosen = true;
        let len = self.visible().len();
        self.cursor = self
            .cursor
            .saturating_add_signed(n)
            .min(len.saturating_sub(1));
    }

    pub fn first(&mut self) {
        self.chosen = true;
        self.cursor = 0;
    }

    pub fn last(&mut self) {
        self.chosen = true;
        self.cursor = self.visible().len().saturating_sub(1);
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        self.resort();
        self.message = Some(format!("Sorted by {}", self.sort.name()));
    }

    /// Change the filter being typed; the cursor goes back to the first
    /// row when it changed.
    pub fn edit_filter(&mut self, edit: impl FnOnce(&mut LineInput) -> bool) {
        let changed = edit(&mut self.filter_line);
        self.filter = Some(self.filter_line.text().to_string());
        if changed {
            self.cursor = 0;
        }
    }

    /// Text pasted while the filter is typed goes into it; otherwise it is
    /// ignored, so that it never acts as keys.
    pub fn paste(&mut self, text: &str) {
        if self.filtering && !self.help {
            self.edit_filter(|f| f.paste(text));
        }
    }

    /// The article under the cursor, to open.
    pub fn open(&mut self) -> Option<Open> {
        let row = self.selected()?;
        if let Some(e) = &row.summary.error {
            self.message = Some(format!("Cannot open it: {e}"));
            return None;
        }
        Some(Open::Article(row.summary.path.clone()))
    }

    /// `c`: the most recently read unfinished article.
    pub fn continue_reading(&mut self) -> Option<Open> {
        let rows: Vec<Row> = self.rows.clone();
        match library::continue_row(&rows) {
            Some(i) => {
                let path = rows[i].summary.path.clone();
                self.filter = None;
                self.select_path(&path);
                Some(Open::Article(path))
            }
            None => {
                self.message = Some("Nothing to continue: no article is half read".into());
                None
            }
        }
    }

    /// What the keys do now.
    pub fn mode(&self) -> Mode {
        if self.help {
            Mode::Help
        } else if self.confirm.is_some() {
            Mode::Confirm
        } else if self.filtering {
            Mode::Filter
        } else {
            Mode::Rows
        }
    }

    /// Carry out a library action; an article to open comes back.
    pub fn update(&mut self, action: super::action::Action) -> Option<Open> {
        use super::action::Action;
        self.message = None;
        // Any key but the one that confirms keeps the article.
        if let Some(row) = self.confirm.take() {
            match action {
                Action::LibraryTrashConfirm => self.trash(row),
                Action::Quit => self.quit = true,
                _ => self.message = Some(format!("Kept “{}”", isolate(&row.summary.title))),
            }
            return None;
        }
        match action {
            Action::LibraryTrash => self.ask_trash(),
            Action::LibraryUndo => self.undo_trash(),
            Action::LibraryBookmarks => return self.bookmarks(),
            Action::LibraryMove(n) => self.move_by(n),
            Action::LibraryFirst => self.first(),
            Action::LibraryLast => self.last(),
            Action::LibraryOpen => {
                self.filtering = false;
                return self.open();
            }
            Action::LibraryContinue => return self.continue_reading(),
            Action::LibrarySort => self.cycle_sort(),
            Action::LibraryToggleFinished => self.toggle_finished(),
            Action::FilterStart => {
                self.filtering = true;
                // A kept filter is taken up again, to be refined.
                let kept = self.filter.clone().unwrap_or_default();
                self.edit_filter(|f| {
                    f.set_text(&kept);
                    false
                });
            }
            Action::FilterInput(c) => self.edit_filter(|f| f.insert(c)),
            Action::FilterEdit(edit) => self.edit_filter(|f| f.edit(edit)),
            Action::FilterDone => {
                self.filtering = false;
                // A filter that leaves nothing to browse is let go (the
                // empty screen said Esc shows them all), once the titles
                // and authors it looks at are all read.
                if self.filter.as_deref().is_some_and(str::is_empty)
                    || (!self.scanning && self.count() > 0 && self.visible().is_empty())
                {
                    self.filter = None;
                }
            }
            Action::CloseOverlay => {
                if self.help {
                    self.help = false;
                } else {
                    self.filter = None;
                    self.filtering = false;
                }
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::Quit => self.quit = true,
            _ => {}
        }
        None
    }

    /// A click on screen row `row`: it selects the article there, and on
    /// the selected one it opens it.
    pub fn click(&mut self, row: u16) -> Option<Open> {
        if self.help {
            return None;
        }
        let &(_, i) = self.row_hits.iter().find(|(r, _)| *r == row)?;
        if i == self.cursor {
            self.filtering = false;
            return self.open();
        }
        self.cursor = i;
        self.chosen = true;
        None
    }

    /// `b`: the bookmarks of the selected article, when it has some.
    fn bookmarks(&mut self) -> Option<Open> {
        let row = self.selected()?;
        let title = isolate(&row.summary.title);
        if row.summary.error.is_some() {
            return self.open();
        }
        if row.bookmarks == 0 {
            self.message = Some(format!(
                "No bookmarks in “{title}”: m adds one while reading"
            ));
            return None;
        }
        let path = row.summary.path.clone();
        self.filtering = false;
        Some(Open::Bookmarks(path))
    }

    /// `d`: ask, naming it, whether to move the selected article to the
    /// trash.
    fn ask_trash(&mut self) {
        self.confirm = self.selected().cloned();
        if self.confirm.is_none() {
            self.message = Some("No article here to move to the trash".into());
        }
    }

    /// What `d` asks about, while it waits for the answer: the article's
    /// title and its file's name.
    pub fn confirm_subject(&self) -> Option<(String, String)> {
        let row = self.confirm.as_ref()?;
        let name = row
            .summary
            .path
            .file_name()
            .map(|n| crate::parse::sanitize(&n.to_string_lossy()))
            .unwrap_or_default();
        Some((row.summary.title.clone(), name))
    }

    /// Move `row`'s file to the trash and its row out of the list. Its
    /// reading record stays, so putting it back brings its progress back.
    fn trash(&mut self, row: Row) {
        let path = row.summary.path.clone();
        if let Err(e) = trash::move_to_trash(&path) {
            self.message = Some(format!(
                "Cannot move “{}” to the trash: {e}; it stays where it is",
                isolate(&row.summary.title)
            ));
            return;
        }
        let cursor = self.cursor;
        self.rows.retain(|r| r.summary.path != path);
        self.resort();
        self.cursor = cursor.min(self.visible().len().saturating_sub(1));
        self.message = Some(if trash::CAN_RESTORE {
            format!(
                "Moved “{}” to the trash · u puts it back",
                isolate(&row.summary.title)
            )
        } else {
            format!("Moved “{}” to the Trash", isolate(&row.summary.title))
        });
        self.trashed.push(row);
    }

    /// `u`: put back the article last moved to the trash.
    fn undo_trash(&mut self) {
        let Some(row) = self.trashed.pop() else {
            self.message = Some("Nothing to undo: no article was moved to the trash".into());
            return;
        };
        let title = isolate(&row.summary.title);
        match trash::restore(&row.summary.path) {
            Ok(()) => {
                let path = row.summary.path.clone();
                self.rows.push(row);
                self.resort();
                self.select_path(&path);
                self.message = Some(format!("Put back “{title}”"));
            }
            Err(e) => {
                // Still in the trash: `u` stays ready for when the way is
                // clear again.
                self.message = Some(format!("Cannot put back “{title}”: {e} · u tries again"));
                self.trashed.push(row);
            }
        }
    }

    /// `x`: mark the selected article finished, or not, by hand.
    pub fn toggle_finished(&mut self) {
        let Some(row) = self.selected().cloned() else {
            self.message = Some("No article here to mark".into());
            return;
        };
        // Nothing of it can be read: there is nothing to have finished.
        if let Some(e) = &row.summary.error {
            self.message = Some(format!("Cannot mark it: {e}"));
            return;
        }
        let Some(store) = &self.store else {
            self.message = Some("Progress is not being saved".into());
            return;
        };
        let Ok(canonical) = std::fs::canonicalize(&row.summary.path) else {
            return;
        };
        // Nothing to read, nothing to finish (the reader says the same).
        if !row.finished
            && row.summary.words == 0
            && crate::load::load(&canonical).is_ok_and(|source| {
                library::parse_article(Some(&canonical), &source.text).is_empty()
            })
        {
            self.message = Some(EMPTY_NEVER_FINISHED.into());
            return;
        }
        let id = store::record_id(&canonical);
        let now = store::now();
        let mut set_aside = None;
        let mut state = match store.load(&id) {
            Ok(Load::Found(s)) => s,
            Ok(loaded @ (Load::Fresh | Load::Corrupt { .. })) => {
                if let Load::Corrupt { moved_to, .. } = loaded {
                    set_aside = Some(moved_to);
                }
                // Loaded with the checks: the row may be a named pipe.
                let text = crate::load::load(&canonical)
                    .map(|s| s.text)
                    .unwrap_or_default();
                ReadingState::new(
                    canonical,
                    row.summary.title.clone(),
                    crate::parse::fingerprint(&text),
                    0,
                )
            }
            Ok(Load::Newer { .. }) | Err(_) => {
                self.message = Some("This article's record cannot be changed".into());
                return;
            }
        };
        state.finished = !row.finished;
        state.finished_updated = now;
        match store.save(&id, &state) {
            Ok(_) => {
                let marked = if state.finished {
                    format!("Marked finished: {}", isolate(&row.summary.title))
                } else {
                    format!("Marked not finished: {}", isolate(&row.summary.title))
                };
                // A damaged record was moved aside to make the new one:
                // said, with where the old one is.
                self.message = Some(match set_aside {
                    Some(path) => format!(
                        "{marked} · its damaged reading record was set aside as {}",
                        crate::parse::sanitize(&path.to_string_lossy())
                    ),
                    None => marked,
                });
                self.reload_records();
            }
            Err(e) => self.message = Some(format!("Cannot save: {e:#}")),
        }
    }
}
