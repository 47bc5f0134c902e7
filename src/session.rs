//! One article being read, as the store sees it: finding its record,
//! resuming where the reader stopped, what was read (coverage) and whether
//! the article is finished, bookmarks, active reading time and the
//! words-per-minute samples, and saving. No terminal here: the TUI calls
//! these with positions, screen ranges and times.
//!
//! Saving must never lose data nor block the screen: the idle save runs on
//! a thread and its merged result is taken back on the next tick; the save
//! on quit waits. When the store cannot be used (stdin, a read-only or
//! broken config dir, a record from a newer longform), reading goes on and
//! one warning says that progress will not be saved.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::annotations::{self, Highlight, HighlightView, Highlights, Locator};
use crate::coverage::Coverage;
use crate::document::Document;
use crate::position::{Anchor, Position, Restored};
use crate::store::{self, Bookmark, Load, ReadingState, Store};

/// Keys within this long of the last one count as reading time.
pub const ACTIVE_GAP: Duration = Duration::from_secs(120);
/// A move of more words than this is a jump, not reading: it is left out
/// of the words-per-minute samples.
const BIG_JUMP_WORDS: usize = 2000;
/// A screen that stays this long while the reader is active counts as
/// read: resting on a screen is reading, as moving through it is.
pub const REST_READ: Duration = Duration::from_secs(10);

/// Characters of text a bookmark's view holds from its place.
const SNIPPET_CHARS: usize = 200;

/// A bookmark as the list shows it: resolved in the article as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct BookmarkView {
    pub id: String,
    pub label: String,
    pub note: Option<String>,
    pub created: u64,
    pub pos: Position,
    /// The title of the section it is in.
    pub section: Option<String>,
    /// Text at the bookmark.
    pub snippet: String,
}

/// The section and the snippet to show after a bookmark's label, saying
/// nothing twice: the section unless the label names it, and the snippet
/// without the section's title it may start with, unless the label already
/// holds its first words (a new bookmark's label is "Section · first
/// words").
pub fn not_in_label<'a>(
    label: &str,
    section: Option<&'a str>,
    snippet: &'a str,
) -> (Option<&'a str>, Option<&'a str>) {
    let label = label.trim();
    let shown_section = section.filter(|s| !s.trim().is_empty() && !label.contains(s.trim()));
    let mut snippet = snippet.trim();
    if let Some(rest) = section.and_then(|s| snippet.strip_prefix(s.trim())) {
        snippet = rest.trim_start();
    }
    let words = label
        .split_once(" · ")
        .map(|(_, w)| w.trim_end_matches('…').trim());
    let bare = snippet.trim_end_matches('…').trim();
    let said = bare.is_empty()
        || label.contains(bare)
        || words.is_some_and(|w| !w.is_empty() && bare.starts_with(w));
    (shown_section, (!said).then_some(snippet))
}

/// What is left of the text at a bookmark once the words its label
/// quotes are taken off its start (a new bookmark's label is "Section ·
/// first words"), the section's title it may begin with taken off too:
/// the text going on after the label. None when the label quotes no such
/// words or nothing is left.
pub fn after_label<'a>(label: &str, section: Option<&str>, snippet: &'a str) -> Option<&'a str> {
    let mut snippet = snippet.trim();
    if let Some(rest) = section.and_then(|s| snippet.strip_prefix(s.trim())) {
        snippet = rest.trim_start();
    }
    let (_, words) = label.trim().split_once(" · ")?;
    let words = words.trim_end_matches('…').trim();
    if words.is_empty() {
        return None;
    }
    let rest = snippet.strip_prefix(words)?.trim_start();
    let bare = rest.trim_end_matches('…').trim();
    (!bare.is_empty()).then_some(rest)
}

/// What opening found, for the status bar.
pub struct Opened {
    pub session: Session,
    /// The saved position, when there is one.
    pub resume: Option<Position>,
    /// What to tell the user: where reading resumes, or what went wrong.
    pub message: Option<String>,
    /// How the saved position was found, when there was one.
    pub how: Option<Restored>,
}

/// The longest a change to the record waits for its save while keys keep
/// coming (see `Session::save_due`).
pub const UNSAVED_MOST: Duration = Duration::from_secs(15);

pub struct Session {
    store: Option<Store>,
    id: String,
    pub state: ReadingState,
    /// The article's text, to restore anchors in.
    text: Arc<str>,
    /// A record found under another path (the file was moved): removed once
    /// saved under the new id, if its file is gone.
    moved_from: Option<(String, PathBuf)>,
    last_key: Option<Instant>,
    /// When the article was opened: the reader is active from then.
    opened_at: Instant,
    /// The screen now shown, as a source range, since when, and whether
    /// its rest was counted already.
    resting: Option<(std::ops::Range<usize>, Instant, bool)>,
    /// The reader moved in this session (by reading or a jump): until then
    /// the saved place is kept as it was.
    pub moved: bool,
    /// The saved place was found again by its own words in an edited
    /// article: it is saved as the place in this version even if the
    /// reader does not move, so that the next open resumes it exactly
    /// and does not say again that the article changed.
    pub reanchor: bool,
    /// A bookmark, highlight or note changed since the last save: it is
    /// saved at once, not when the keys pause.
    marked: bool,
    /// Since when the record has changes not saved.
    dirty_since: Option<Instant>,
    /// The place changed since the last save that succeeded: a failed
    /// save loses it (otherwise only times and counts are not updated).
    place_unsaved: bool,
    /// The marks changed (a note, a label, a colour, a deletion, X) since
    /// the last save that succeeded.
    marks_unsaved: bool,
    /// The last save failed only to take the record's lock, and was kept
    /// whole beside it (`store::KeptPending`): nothing is lost.
    kept_pending: bool,
    /// The end was reached by reading in this session: what another
    /// process read may make the article finished once merged.
    reached_end: bool,
    /// Fractions of a second of reading not yet added to the record.
    pending_active: Duration,
    pending_sample: Duration,
    /// A save running on a thread, and its merged result.
    saving: Option<Receiver<Result<ReadingState>>>,
    /// Something changed since the last save.
    dirty: bool,
    /// The warning about saving was shown already.
    warned: bool,
    /// Why saving fails now, for the status bar and the exit warning;
    /// None once a save succeeds.
    pub save_error: Option<String>,
    /// The bookmarks in the record on disk, to count those not saved.
    saved_bookmarks: HashSet<String>,
    /// The highlights in the record on disk, to count those not saved.
    saved_highlights: HashSet<String>,
    /// The highlights last found in the article, and what they were found
    /// for: drawing asks every frame, and finding them in an edited
    /// article means searching its text.
    located: Mutex<Option<Located>>,
    /// Opened before the article's fingerprint was known, with no record
    /// under its path: a record of the same text under another path (the
    /// file was moved) is looked for once it is (`fingerprint_known`).
    unchecked: bool,
    /// Whether a record of this article moved and edited is still to be
    /// looked for: in the whole document, once it is parsed (a window's
    /// blocks may not hold the place).
    edited_unchecked: bool,
}

/// Highlights found in one version of the article.
struct Located {
    /// The article's fingerprint, length and blocks (a window of a long
    /// article has fewer than the whole).
    article: (u64, usize, usize),
    highlights: Highlights,
    views: Arc<[HighlightView]>,
    /// Where each highlight was found, by id, with the anchors and text it
    /// was found by: a new highlight, a note or a colour changes nothing
    /// of where the others are, so they are not looked for again.
    places: HashMap<String, (Anchor, Anchor, String, annotations::Located)>,
}

impl Session {
    /// Open the record of the article at `path` (None for stdin: nothing is
    /// saved). `store` is None when the config dir could not be found.
    pub fn open(
        store: Option<Store>,
        path: Option<&Path>,
        text: &str,
        doc: &Document,
        title: &str,
        now: u64,
    ) -> Opened {
        Session::open_shared(store, path, Arc::from(text), doc, title, now)
    }

    /// `open`, keeping `text` without a copy of its own: the reader shares
    /// the article's text with the thread that parses it.
    pub fn open_shared(
        store: Option<Store>,
        path: Option<&Path>,
        text: Arc<str>,
        doc: &Document,
        title: &str,
        now: u64,
    ) -> Opened {
        let canonical = path.and_then(|p| std::fs::canonicalize(p).ok());
        let mut session = Session::blank(
            text,
            canonical.clone().unwrap_or_default(),
            title,
            doc.fingerprint,
            now,
        );
        let Some(store) = store else {
            // No config dir: nothing to resume, nothing to save.
            session.warned = true;
            return Opened {
                session,
                resume: None,
                message: None,
                how: None,
            };
        };
        // Stdin has no path: its record is found by its text.
        let (id, canonical) = match canonical {
            Some(c) => (store::record_id(&c), c),
            None => (
                format!("stdin{:016x}", doc.fingerprint),
                PathBuf::from(store::STDIN_PATH),
            ),
        };
        session.state.path.clone_from(&canonical);
        let mut message = None;
        let stray = store.stray_bytes(&id);
        let found = match store.load(&id) {
            Ok(Load::Found(state)) => Some(state),
            // The same text under another path: a file that was moved
            // inherits its record; a copy (both paths exist) gets its own.
            Ok(Load::Fresh) if path.is_some() => {
                match moved_record(&store, doc, &session.text, &canonical, title) {
                    Some((old_id, old, same_text)) => {
                        // An edited one is copied: the old record stays.
                        if same_text {
                            session.moved_from = Some((old_id, old.path.clone()));
                        }
                        Some(old)
                    }
                    None => None,
                }
            }
            Ok(Load::Fresh) => None,
            Ok(Load::Corrupt { moved_to, reason }) => {
                // What happened first: a narrow status bar cuts the rest.
                message = Some(format!(
                    "Damaged reading record set aside, starting fresh (longform where): \
                     {reason}; kept as {}",
                    moved_to.display()
                ));
                None
            }
            Ok(Load::Newer { version, state }) => {
                // Read, to open at its place, but never written.
                session.warned = true;
                session.save_error = Some(format!(
                    "the record is from a newer longform (version {version})"
                ));
                let resume = state
                    .and_then(|s| s.position)
                    .map(|a| a.restore(doc, &session.text));
                return Opened {
                    session,
                    resume: resume.map(|(pos, _)| pos),
                    how: resume.map(|(_, how)| how),
                    message: Some(format!(
                        "Reading record is from a newer longform (version {version}): progress will not be saved"
                    )),
                };
            }
            Err(err) => {
                session.warned = true;
                session.save_error = Some(format!("{err:#}"));
                return Opened {
                    session,
                    resume: None,
                    how: None,
                    message: Some(format!("Progress will not be saved: {err:#}")),
                };
            }
        };
        session.store = Some(store);
        session.id = id;
        let mut resume = None;
        let mut restored = None;
        if let Some(state) = found {
            let (pos, how, said) = session.take_record(state, doc, title, now);
            resume = pos;
            restored = how;
            message = message.or(said);
            if let Some(what) = stray {
                let note = format!("the reading record had {what}, ignored");
                message = Some(match message {
                    Some(m) => format!("{m}; {note}"),
                    None => format!("Note: {note}"),
                });
            }
        }
        session.dirty = true;
        Opened {
            session,
            resume,
            message,
            how: restored,
        }
    }

    /// `open_shared` before the fingerprint of the article is known (it is
    /// being taken on another core while the first screen is made): the
    /// record is looked for by path alone. `None` when that is not enough,
    /// and the caller waits for the fingerprint and calls `open_shared`:
    /// stdin (whose record is found by its text), no config dir, or a
    /// record under the path, whose place is checked by the fingerprint.
    /// Otherwise the session starts fresh, and `fingerprint_known` looks
    /// for a record of the same text under another path.
    pub fn open_before_fingerprint(
        store: Option<&Store>,
        path: Option<&Path>,
        text: Arc<str>,
        title: &str,
        now: u64,
    ) -> Option<Opened> {
        let store = store?;
        let canonical = std::fs::canonicalize(path?).ok()?;
        let id = store::record_id(&canonical);
        if !Session::no_record(store, &id) {
            return None;
        }
        let mut session = Session::blank(text, canonical, title, 0, now);
        session.store = Some(store.clone());
        session.id = id;
        session.unchecked = true;
        session.dirty = true;
        Some(Opened {
            session,
            resume: None,
            message: None,
            how: None,
        })
    }

    /// Whether nothing is saved of the article at `path`: a store, and no
    /// record under the path.
    pub fn nothing_saved(store: Option<&Store>, path: &Path) -> bool {
        let Some(store) = store else {
            return false;
        };
        std::fs::canonicalize(path)
            .is_ok_and(|canonical| Session::no_record(store, &store::record_id(&canonical)))
    }

    fn no_record(store: &Store, id: &str) -> bool {
        matches!(store.load(id), Ok(Load::Fresh)) && store.stray_bytes(id).is_none()
    }

    /// The fingerprint of the article, unknown when the session was opened
    /// (`open_before_fingerprint`), is now `doc`'s. When a record of the
    /// same text is found under a path that no longer exists (the file was
    /// moved), the session takes it over: its place, restored in `doc`,
    /// with the message to show.
    pub fn fingerprint_known(
        &mut self,
        doc: &Document,
    ) -> Option<(Position, Restored, Option<String>)> {
        self.state.fingerprint = doc.fingerprint;
        if !std::mem::take(&mut self.unchecked) {
            return None;
        }
        let store = self.store.as_ref()?;
        let title = self.state.title.clone();
        // In a window, only a record of the same text is looked for now;
        // one of an edited text waits for the whole (`edited_known`).
        let found = if doc.window.is_some() {
            let found = moved_same_text(store, doc, &self.state.path);
            self.edited_unchecked = found.is_none();
            found
        } else {
            moved_record(store, doc, &self.text, &self.state.path, &title)
        };
        let (old_id, old, same_text) = found?;
        // An edited one is copied: the old record stays.
        if same_text {
            self.moved_from = Some((old_id, old.path.clone()));
        }
        let now = self.state.last_opened;
        let (pos, how, message) = self.take_record(old, doc, &title, now);
        Some((pos?, how?, message))
    }

    /// The whole of an article opened on a window is parsed: a record of
    /// it moved and edited is looked for now (see `moved_record`), and
    /// taken with its place when this session has made nothing of its
    /// own yet (no bookmark, no highlight).
    pub fn edited_known(&mut self, doc: &Document) -> Option<(Position, Restored, Option<String>)> {
        if !std::mem::take(&mut self.edited_unchecked)
            || !self.state.bookmarks.is_empty()
            || !self.state.highlights.is_empty()
        {
            return None;
        }
        let store = self.store.as_ref()?;
        let title = self.state.title.clone();
        let (_, old) = moved_edited(store.all(), doc, &self.text, &self.state.path, &title)?;
        let now = self.state.last_opened;
        let (pos, how, message) = self.take_record(old, doc, &title, now);
        Some((pos?, how?, message))
    }

    /// A session with no record yet, saving nowhere until given a store.
    fn blank(text: Arc<str>, path: PathBuf, title: &str, fingerprint: u64, now: u64) -> Session {
        Session {
            store: None,
            id: String::new(),
            state: ReadingState::new(path, title.to_string(), fingerprint, now),
            text,
            moved_from: None,
            last_key: None,
            marked: false,
            dirty_since: None,
            place_unsaved: false,
            kept_pending: false,
            marks_unsaved: false,
            opened_at: Instant::now(),
            resting: None,
            moved: false,
            reanchor: false,
            reached_end: false,
            pending_active: Duration::ZERO,
            pending_sample: Duration::ZERO,
            saving: None,
            dirty: false,
            warned: false,
            save_error: None,
            saved_bookmarks: HashSet::new(),
            saved_highlights: HashSet::new(),
            located: Mutex::new(None),
            unchecked: false,
            edited_unchecked: false,
        }
    }

    /// Continue from `state`, the article's record: its place restored in
    /// `doc`, how, and the message that says so.
    fn take_record(
        &mut self,
        mut state: ReadingState,
        doc: &Document,
        title: &str,
        now: u64,
    ) -> (Option<Position>, Option<Restored>, Option<String>) {
        let mut found = (None, None, None);
        if let Some(anchor) = &state.position {
            let (pos, how) = anchor.restore(doc, &self.text);
            found = (Some(pos), Some(how), resume_message(doc, pos, how));
        }
        state.path = std::mem::take(&mut self.state.path);
        state.title = title.to_string();
        state.fingerprint = doc.fingerprint;
        state.last_opened = now;
        self.saved_bookmarks = bookmark_ids(&state);
        self.saved_highlights = highlight_ids(&state);
        self.state = state;
        found
    }

    /// The article's text as it was opened.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// Whether progress is being saved.
    pub fn saves(&self) -> bool {
        self.store.is_some()
    }

    /// Saving is failing now: the last save, or opening the record,
    /// failed, and what it held is lost (not kept beside the record for
    /// the next open).
    pub fn save_failing(&self) -> bool {
        self.save_error.is_some() && !self.kept_pending
    }

    /// Bookmarks made in this session that are not in the record on disk.
    pub fn unsaved_bookmarks(&self) -> usize {
        self.state
            .bookmarks
            .iter()
            .filter(|b| !self.saved_bookmarks.contains(&b.id))
            .count()
    }

    /// Highlights made in this session that are not in the record on disk.
    pub fn unsaved_highlights(&self) -> usize {
        self.state
            .highlights
            .live()
            .filter(|h| !self.saved_highlights.contains(&h.id))
            .count()
    }

    /// What was lost, for stderr at exit, when saving still fails.
    fn exit_warning(&self) -> Option<String> {
        let reason = self.save_error.as_ref()?;
        if self.kept_pending {
            // Nothing is lost: it says where it was kept.
            return Some(reason.clone());
        }
        let count = |n: usize, one: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {one}s")),
        };
        let lost: Vec<String> = [
            count(self.unsaved_bookmarks(), "bookmark"),
            count(self.unsaved_highlights(), "highlight"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let lost: Vec<String> = if lost.is_empty() && self.marks_unsaved {
            vec!["changes to bookmarks, highlights or notes".to_string()]
        } else {
            lost
        };
        Some(if lost.is_empty() && !self.place_unsaved {
            format!("the reading record was not updated (your place did not change): {reason}")
        } else if lost.is_empty() {
            format!("your place was not saved: {reason}")
        } else if !self.place_unsaved {
            let one = lost.len() == 1 && lost[0].starts_with("1 ");
            let verb = if one { "was" } else { "were" };
            let things = match lost.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            format!("{things} {verb} not saved: {reason}")
        } else {
            format!(
                "{} and your place were not saved: {reason}",
                lost.join(", ")
            )
        })
    }

    /// Remember the reader's place; `at_end` says the end is on screen,
    /// which puts the place at 100%. Finishing is another matter: see
    /// `finish_if_read`.
    pub fn record_position(&mut self, doc: &Document, pos: Position, at_end: bool, now: u64) {
        let percent = if at_end { 100 } else { doc.percent_at(pos) };
        let changed = self.state.position.as_ref().is_none_or(|a| a.byte != pos.0)
            || self.state.percent != percent;
        if changed {
            self.state.set_position(Anchor::at(doc, pos), now);
            self.state.percent = percent;
            self.dirty = true;
            self.place_unsaved = true;
        }
    }

    /// Count the source bytes `range` as read. True when that added any.
    pub fn record_read(&mut self, doc: &Document, range: std::ops::Range<usize>) -> bool {
        let range = range.start.min(doc.source_len)..range.end.min(doc.source_len);
        if !self.state.coverage.add(range) {
            return false;
        }
        self.recount(doc);
        self.dirty = true;
        true
    }

    /// Count the words read again, after a merge brought ranges read
    /// elsewhere.
    pub fn recount(&mut self, doc: &Document) {
        if doc.window.is_some() {
            // A window's counts of words are estimates: count once whole.
            return;
        }
        let read = self.state.coverage.percent(doc);
        if read != self.state.read {
            self.state.read = read;
            self.dirty = true;
        }
    }

    /// The end was reached by reading: the article is finished when most
    /// of its words were read. An article without words never is. True
    /// when this finished it.
    pub fn finish_if_read(&mut self, doc: &Document) -> bool {
        self.reached_end = true;
        if self.state.finished || doc.words == 0 || doc.is_empty() {
            return false;
        }
        if self
            .state
            .coverage
            .is_read(doc, 0..doc.source_len, doc.words)
        {
            self.state.finished = true;
            self.dirty = true;
            return true;
        }
        false
    }

    /// `X`: the reader says the article is finished, or not. Returns the
    /// new state.
    pub fn toggle_finished(&mut self, now: u64) -> bool {
        // The reader's word stands until the end is reached again.
        self.reached_end = false;
        self.state.finished = !self.state.finished;
        self.state.finished_updated = now;
        self.mark(true);
        self.state.finished
    }

    /// The screen showing source `range` is on screen at `now`. True once
    /// it has stayed `REST_READ` while the reader was active (a key, or
    /// the opening, within `ACTIVE_GAP`): it counts as read then, once.
    pub fn rest(&mut self, range: std::ops::Range<usize>, now: Instant) -> bool {
        let active_since = self
            .last_key
            .map_or(self.opened_at, |k| k.max(self.opened_at));
        let active = now.saturating_duration_since(active_since) <= ACTIVE_GAP;
        match &mut self.resting {
            Some((shown, since, counted)) if *shown == range => {
                if !*counted && active && now.saturating_duration_since(*since) >= REST_READ {
                    *counted = true;
                    return true;
                }
                false
            }
            _ => {
                self.resting = Some((range, now, false));
                false
            }
        }
    }

    /// What was read, for ticks and shares.
    pub fn coverage(&self) -> &Coverage {
        &self.state.coverage
    }

    /// A key was pressed at `at`, moving the reader from `before` to
    /// `after`. Time with keys within two minutes counts as reading, and
    /// moves that are neither idle nor jumps teach the reading speed.
    pub fn key(&mut self, doc: &Document, before: Position, after: Position, at: Instant) {
        self.moved |= before != after;
        if let Some(last) = self.last_key {
            let gap = at.saturating_duration_since(last);
            if gap <= ACTIVE_GAP {
                self.pending_active += gap;
                let whole = self.pending_active.as_secs();
                if whole > 0 {
                    self.state.seconds_read += whole;
                    self.pending_active -= Duration::from_secs(whole);
                    self.dirty = true;
                }
                let words = doc
                    .words_before(after)
                    .saturating_sub(doc.words_before(before));
                if after > before && words <= BIG_JUMP_WORDS {
                    self.pending_sample += gap;
                    let secs = self.pending_sample.as_secs();
                    self.state.words_read += words as u64;
                    self.state.active_seconds += secs;
                    self.pending_sample -= Duration::from_secs(secs);
                    self.dirty = true;
                }
            }
        }
        self.last_key = Some(at);
    }

    /// How long since the last key, for the idle save.
    pub fn idle(&self, now: Instant) -> Duration {
        self.last_key
            .map_or(Duration::MAX, |k| now.saturating_duration_since(k))
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether a save is due at `now`: at once after a change to a
    /// bookmark, a highlight or a note; after `idle` without a key; and
    /// while keys keep coming, `UNSAVED_MOST` after the first change not
    /// saved, so that a crash never costs more than that of reading.
    pub fn save_due(&mut self, now: Instant, idle: Duration) -> bool {
        if !self.dirty {
            self.dirty_since = None;
            return false;
        }
        let since = *self.dirty_since.get_or_insert(now);
        self.marked
            || self.idle(now) >= idle
            || now.saturating_duration_since(since) >= UNSAVED_MOST
    }

    /// A change to the marks (`changed`): the record is saved at once.
    fn mark(&mut self, changed: bool) {
        if changed {
            self.dirty = true;
            self.marked = true;
            self.marks_unsaved = true;
        }
    }

    /// The record to save in an emergency (a signal the loop cannot
    /// answer): the store, the id and the state.
    pub fn snapshot(&self) -> Option<(Store, String, ReadingState)> {
        let store = self.store.clone()?;
        Some((store, self.id.clone(), self.state.clone()))
    }

    /// Start saving on a thread, unless a save is running. The screen never
    /// waits for it.
    pub fn save_in_background(&mut self) {
        if self.saving.is_some() || !self.dirty {
            return;
        }
        let Some((store, id, state)) = self.snapshot() else {
            return;
        };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(store.save(&id, &state));
        });
        self.saving = Some(rx);
        self.dirty = false;
        self.marked = false;
        self.dirty_since = None;
    }

    /// Take in a finished background save: what other processes saved is
    /// merged into ours. Returns a warning the first time saving fails.
    pub fn poll_saved(&mut self) -> Option<String> {
        let rx = self.saving.as_ref()?;
        let result = match rx.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                self.saving = None;
                return None;
            }
        };
        self.saving = None;
        self.after_save(result)
    }

    /// Save now, waiting for it: on quit and on signals. Returns a warning
    /// when saving failed.
    pub fn save_now(&mut self) -> Option<String> {
        self.save_waiting(None)
    }

    /// `save_now`, with the share read counted in `doc` once the coverage
    /// saved elsewhere is merged in.
    pub fn save_now_in(&mut self, doc: &Document) -> Option<String> {
        self.save_waiting(Some(doc))
    }

    fn save_waiting(&mut self, doc: Option<&Document>) -> Option<String> {
        if let Some(rx) = self.saving.take()
            && let Ok(result) = rx.recv()
        {
            let _ = self.after_save(result);
        }
        let Some((store, id, state)) = self.snapshot() else {
            return self.exit_warning();
        };
        self.dirty = false;
        let count = |c: &Coverage| doc.map_or(0, |d| c.percent(d));
        let count = doc.map(|_| &count as &dyn Fn(&Coverage) -> u8);
        let result = store.save_counting(&id, &state, count);
        let _ = self.after_save(result);
        // With what others read merged in, the end reached here may now
        // finish the article.
        if let Some(doc) = doc
            && self.save_error.is_none()
            && self.reached_end
            && !self.state.finished
            && self.finish_if_read(doc)
            && let Some((store, id, state)) = self.snapshot()
        {
            let result = store.save_counting(&id, &state, count);
            let _ = self.after_save(result);
        }
        // Said every time, even after the warning in the status bar: this
        // is the last chance to know what is lost.
        self.exit_warning()
    }

    fn after_save(&mut self, result: Result<ReadingState>) -> Option<String> {
        match result {
            Ok(saved) => {
                // Keep what others saved, and what we changed meanwhile.
                self.state = store::merge(&saved, &self.state);
                self.save_error = None;
                self.kept_pending = false;
                self.place_unsaved = self.place_unsaved && self.dirty;
                self.marks_unsaved = self.marks_unsaved && self.dirty;
                self.saved_bookmarks = bookmark_ids(&saved);
                self.saved_highlights = highlight_ids(&saved);
                if let (Some((old_id, old_path)), Some(store)) =
                    (self.moved_from.take(), &self.store)
                    && !old_path.exists()
                    && old_id != self.id
                {
                    let _ = store.remove(&old_id);
                }
                None
            }
            Err(err) => {
                self.dirty = true;
                self.kept_pending = err.is::<store::KeptPending>();
                let msg = if self.kept_pending {
                    format!("Saved aside: {err:#}")
                } else {
                    format!("Progress will not be saved: {err:#}")
                };
                self.save_error = Some(format!("{err:#}"));
                if self.warned {
                    None
                } else {
                    self.warned = true;
                    Some(msg)
                }
            }
        }
    }

    /// The bookmarks in article order, resolved in the article as it is.
    pub fn bookmarks(&self, doc: &Document) -> Vec<BookmarkView> {
        let mut out: Vec<BookmarkView> = self
            .state
            .bookmarks
            .iter()
            .map(|b| {
                let (pos, _) = b.anchor.restore(doc, &self.text);
                BookmarkView {
                    id: b.id.clone(),
                    label: b.label.clone(),
                    note: b.note.clone(),
                    created: b.created,
                    pos,
                    section: doc.section_at(pos).map(|h| h.text.clone()),
                    // Enough to fill a row after the words a label quotes.
                    snippet: crate::position::text_at(doc, pos.0, SNIPPET_CHARS),
                }
            })
            .collect();
        out.sort_by_key(|b| (b.pos, b.created));
        out
    }

    /// The article changed on disk and was parsed again: bookmarks are
    /// restored in the new text from now on, and the record follows it.
    pub fn replace_text(&mut self, text: Arc<str>, doc: &Document) {
        self.text = text;
        self.state.fingerprint = doc.fingerprint;
        self.dirty = true;
    }

    pub fn add_bookmark(&mut self, doc: &Document, pos: Position, label: String, now: u64) {
        self.state
            .add_bookmark(Anchor::at(doc, pos), label, None, now);
        self.mark(true);
    }

    /// Delete a bookmark; it is returned for an undo.
    pub fn delete_bookmark(&mut self, id: &str, now: u64) -> Option<Bookmark> {
        let b = self.state.delete_bookmark(id, now);
        self.mark(b.is_some());
        b
    }

    pub fn undelete_bookmark(&mut self, bookmark: Bookmark, now: u64) {
        self.state.undelete_bookmark(bookmark, now);
        self.mark(true);
    }

    pub fn rename_bookmark(&mut self, id: &str, label: String, now: u64) {
        let changed = self.state.edit_bookmark(id, now, |b| b.label = label);
        self.mark(changed);
    }

    pub fn set_note(&mut self, id: &str, note: Option<String>, now: u64) {
        let changed = self.state.edit_bookmark(id, now, |b| b.note = note);
        self.mark(changed);
    }
}

impl Session {
    /// Highlight the source bytes `range` in colour `color` (0 the
    /// default), with `note`. Returns its id; `None` when the range shows
    /// no text.
    pub fn add_highlight(
        &mut self,
        doc: &Document,
        range: Range<usize>,
        color: u8,
        note: Option<String>,
        now: u64,
    ) -> Option<String> {
        let mut h = Highlight::new(doc, range, color, now)?;
        h.note = note.filter(|n| !n.trim().is_empty());
        self.mark(true);
        Some(self.state.highlights.add(h))
    }

    /// Delete a highlight, leaving its tombstone. False when there is none
    /// of that id.
    pub fn delete_highlight(&mut self, id: &str, now: u64) -> bool {
        let done = self.state.highlights.delete(id, now);
        self.mark(done);
        done
    }

    /// Undo the deletion of highlight `id`; it comes back under the new id
    /// returned.
    pub fn undelete_highlight(&mut self, id: &str, now: u64) -> Option<String> {
        let back = self.state.highlights.undelete(id, now);
        self.mark(back.is_some());
        back
    }

    /// Set or (with `None` or a blank note) remove the note of a highlight.
    pub fn set_highlight_note(&mut self, id: &str, note: Option<String>, now: u64) -> bool {
        let done = self.state.highlights.set_note(id, note, now);
        self.mark(done);
        done
    }

    /// Set the colour of a highlight (0 the default, 1 to 4).
    pub fn set_highlight_color(&mut self, id: &str, color: u8, now: u64) -> bool {
        let done = self.state.highlights.set_color(id, color, now);
        self.mark(done);
        done
    }

    /// The highlights found in `doc`, the article as it is: those found in
    /// article order, then those not found in this version. Worked out
    /// again only when the highlights or the article changed.
    pub fn highlights(&self, doc: &Document) -> Arc<[HighlightView]> {
        let article = (doc.fingerprint, doc.source_len, doc.blocks.len());
        let mut located = self
            .located
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut places = HashMap::new();
        if let Some(l) = located.take()
            && l.article == article
        {
            if l.highlights == self.state.highlights {
                let views = Arc::clone(&l.views);
                *located = Some(l);
                return views;
            }
            places = l.places;
        }
        let locator = Locator::new(doc, &doc.text);
        let mut found = HashMap::new();
        let views: Arc<[HighlightView]> = self
            .state
            .highlights
            .views_with(doc, |h| {
                let place = match places.remove(&h.id) {
                    Some((start, end, text, place))
                        if start == h.start && end == h.end && text == h.text =>
                    {
                        place
                    }
                    _ => locator.locate(h),
                };
                found.insert(
                    h.id.clone(),
                    (
                        h.start.clone(),
                        h.end.clone(),
                        h.text.clone(),
                        place.clone(),
                    ),
                );
                place
            })
            .into();
        *located = Some(Located {
            article,
            highlights: self.state.highlights.clone(),
            views: Arc::clone(&views),
            places: found,
        });
        views
    }
}

/// The record of the article at `path` (opened as `doc`, of `text` and
/// `title`) left under a path that no longer exists: the file was moved.
/// A record of the same text first (`true`: it moves to the new path);
/// else (`false`: it is copied, the old one kept), for a file moved and
/// edited since, the one record that fits on every count:
/// - the same title, not empty;
/// - its file gone from a folder that is still there (not an unmounted
///   disk, nor a folder deleted whole, a checkout of another project);
/// - a place past the start, found in this text by its quote of
///   `QUOTE_CHARS`;
/// - a length within a fifth of this text's (an edit, not another article).
///
/// Two such records: neither is taken.
pub(crate) fn moved_record(
    store: &Store,
    doc: &Document,
    text: &str,
    path: &Path,
    title: &str,
) -> Option<(String, ReadingState, bool)> {
    moved_record_in(store.all(), doc, text, path, title)
}

/// `moved_record` among `records`, the store's, listed once.
pub(crate) fn moved_record_in(
    records: Vec<(String, ReadingState)>,
    doc: &Document,
    text: &str,
    path: &Path,
    title: &str,
) -> Option<(String, ReadingState, bool)> {
    if let Some(i) = same_text_at(&records, doc, path) {
        let (id, state) = records.into_iter().nth(i)?;
        return Some((id, state, true));
    }
    moved_edited(records, doc, text, path, title).map(|(id, state)| (id, state, false))
}

/// A record of the same text as `doc` under a path that no longer exists.
fn moved_same_text(
    store: &Store,
    doc: &Document,
    path: &Path,
) -> Option<(String, ReadingState, bool)> {
    let records = store.all();
    let i = same_text_at(&records, doc, path)?;
    let (id, state) = records.into_iter().nth(i)?;
    Some((id, state, true))
}

/// Where in `records` one of the same text as `doc` is, its file gone.
fn same_text_at(records: &[(String, ReadingState)], doc: &Document, path: &Path) -> Option<usize> {
    records
        .iter()
        .position(|(_, s)| s.fingerprint == doc.fingerprint && gone(s, path))
}

/// Whether record `s` is of a file gone from its path, not `path`.
fn gone(s: &ReadingState, path: &Path) -> bool {
    s.version <= store::VERSION && s.path != path && !s.path.exists()
}

/// The record of a file moved and edited since (see `moved_record`).
fn moved_edited(
    all: Vec<(String, ReadingState)>,
    doc: &Document,
    text: &str,
    path: &Path,
    title: &str,
) -> Option<(String, ReadingState)> {
    if title.trim().is_empty() {
        return None;
    }
    let len = text.len();
    let fits = |a: &crate::position::Anchor| {
        a.byte >= 4 * crate::position::QUOTE_CHARS
            && a.quote.chars().count() * 4 >= crate::position::QUOTE_CHARS * 3
            && a.len * 4 <= len * 5
            && len * 4 <= a.len * 5
            && matches!(a.restore(doc, text).1, Restored::Exact | Restored::Quote)
    };
    let mut edited = all.into_iter().filter(|(_, s)| {
        s.title == title
            && !s.is_stdin()
            && gone(s, path)
            && s.path.parent().is_some_and(Path::is_dir)
            && s.position.as_ref().is_some_and(fits)
    });
    let found = edited.next()?;
    edited.next().is_none().then_some(found)
}

/// "Resumed at 43% · Birth of the Opposition", or a word that the article
/// changed and the place is approximate. Nothing for a place at the start:
/// there is nothing to resume.
pub fn resume_message(doc: &Document, pos: Position, how: Restored) -> Option<String> {
    resume_message_with(doc, pos, how, None)
}

/// `resume_message` for `doc`, a window of a long article parsed around
/// the place while the whole is: its percents are estimates and its
/// section may start before it. The place of an unchanged article is
/// named as `state`, its record, says: the percent and the section the
/// whole gave when the place was saved.
pub fn resume_message_in_window(
    doc: &Document,
    pos: Position,
    how: Restored,
    state: &ReadingState,
) -> Option<String> {
    // A record that kept no percent (an older one, or one whose figure
    // could not be read) is named by the window's estimate.
    let saved = (state.position.as_ref()).filter(|_| how == Restored::Exact && state.percent > 0);
    let known = saved.map(|anchor| (state.percent, anchor.section_title.as_deref()));
    resume_message_with(doc, pos, how, known)
}

fn resume_message_with(
    doc: &Document,
    pos: Position,
    how: Restored,
    known: Option<(u8, Option<&str>)>,
) -> Option<String> {
    if doc.words_before(pos) == 0 {
        return None;
    }
    // A place found by neither its bytes nor its words: where it is
    // said, as sync says a place it cannot be sure of.
    let approximate = !how.is_exact() && how != Restored::Quote;
    let (percent, known_section) = match known {
        Some((percent, section)) if !approximate => (percent, Some(section)),
        _ => (doc.percent_at(pos), None),
    };
    // Not "0%", which reads as nothing kept.
    let mut msg = match percent {
        0 => "Resumed near the start".to_string(),
        _ => format!("Resumed at {percent}%"),
    };
    // How it was found comes before the section's name, which a narrow
    // status bar cuts first.
    if how == Restored::Quote {
        msg.push_str(" (article changed; the same text was found)");
    } else if approximate {
        msg.push_str(" (approximate: the article changed)");
    }
    // The section the record names comes first: a window that starts
    // deep inside a long fence reads its lines as prose, headings too,
    // until the whole is parsed. A record that named none (an older one)
    // is named by the window's.
    let section = known_section
        .flatten()
        .or_else(|| doc.section_at(pos).map(|h| h.text.as_str()));
    if let Some(h) = section {
        msg.push_str(" · ");
        msg.push_str(h);
    }
    Some(msg)
}

/// The ids of the bookmarks in `state`.
fn bookmark_ids(state: &ReadingState) -> HashSet<String> {
    state.bookmarks.iter().map(|b| b.id.clone()).collect()
}

/// The ids of the highlights in `state`, tombstones too.
fn highlight_ids(state: &ReadingState) -> HashSet<String> {
    state
        .highlights
        .all()
        .iter()
        .map(|h| h.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_not_repeated_by_its_section_and_snippet() {
        let snippet = "Reading on a screen is not the same as reading on paper…";
        // The label a new bookmark gets: the section and the first words.
        assert_eq!(
            not_in_label(
                "Glass before paper · Reading on a screen is",
                Some("Glass before paper"),
                snippet
            ),
            (None, None)
        );
        // A label of one's own keeps both.
        assert_eq!(
            not_in_label("to quote", Some("Glass before paper"), snippet),
            (Some("Glass before paper"), Some(snippet))
        );
        // A label that is the section keeps the snippet.
        assert_eq!(
            not_in_label("Glass before paper", Some("Glass before paper"), snippet),
            (None, Some(snippet))
        );
        // A snippet at a heading starts with the section, said once.
        assert_eq!(
            not_in_label("to quote", Some("Measure"), "Measure The measure is…"),
            (Some("Measure"), Some("The measure is…"))
        );
        assert_eq!(
            not_in_label("Measure", Some("Measure"), "Measure"),
            (None, None)
        );
    }

    #[test]
    fn the_text_goes_on_after_the_words_a_label_quotes() {
        let snippet = "Reading on a screen is not the same as reading on paper";
        assert_eq!(
            after_label(
                "Glass before paper · Reading on a screen is",
                Some("Glass before paper"),
                snippet
            ),
            Some("not the same as reading on paper")
        );
        // At a heading, the section's title is taken off first.
        assert_eq!(
            after_label(
                "Measure · The measure is",
                Some("Measure"),
                "Measure The measure is short"
            ),
            Some("short")
        );
        // A label of one's own, or one that says it all, has no rest.
        assert_eq!(after_label("to quote", Some("Measure"), snippet), None);
        assert_eq!(
            after_label(
                "Measure · The measure is short…",
                Some("Measure"),
                "Measure The measure is short…"
            ),
            None
        );
    }

    use crate::parse::parse;

    fn article() -> String {
        let mut s = String::from("# Essay\n\n");
        for i in 0..30 {
            s.push_str(&format!(
                "## Part {i}\n\nSentence number {i} of the essay, with some words.\n\n"
            ));
        }
        s
    }

    fn setup() -> (tempfile::TempDir, PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("essay.md");
        let text = article();
        std::fs::write(&path, &text).unwrap();
        (dir, path, text)
    }

    /// `setup`, parsed, with a store beside it and a session opened on it.
    fn opened() -> (tempfile::TempDir, PathBuf, String, Document, Store, Session) {
        let (dir, path, text) = setup();
        let doc = parse(&text);
        let store = Store::new(&dir.path().join("config"));
        let s = Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 1).session;
        (dir, path, text, doc, store, s)
    }

    /// Make the saves of `s` fail: its lock file a folder, which cannot be
    /// opened even by root, as a read-only or full disk would. The folder.
    fn block_saves(store: &Store, s: &Session) -> PathBuf {
        let lock = store.dir().join(format!("{}.lock", s.id));
        let _ = std::fs::remove_file(&lock);
        std::fs::create_dir(&lock).unwrap();
        lock
    }

    /// Start a save on its thread and wait until it is taken in.
    fn save_and_wait(s: &mut Session) {
        s.save_in_background();
        while s.saving.is_some() {
            s.poll_saved();
            std::thread::yield_now();
        }
    }

    #[test]
    fn saves_and_resumes_with_a_message() {
        let (dir, path, text) = setup();
        let doc = parse(&text);
        let store = Store::new(&dir.path().join("config"));
        let opened = Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 100);
        assert!(opened.resume.is_none() && opened.message.is_none());
        let mut s = opened.session;
        let pos = Position(doc.blocks[40].source().start);
        s.record_position(&doc, pos, false, 101);
        s.add_bookmark(&doc, pos, "here".into(), 101);
        assert!(s.save_now().is_none());

        let again = Session::open(Some(store), Some(&path), &text, &doc, "Essay", 200);
        assert_eq!(again.resume, Some(pos));
        let msg = again.message.unwrap();
        assert!(msg.starts_with("Resumed at "), "{msg}");
        assert!(msg.contains("Part 1"), "{msg}");
        assert_eq!(again.session.bookmarks(&doc)[0].label, "here");
        assert_eq!(again.session.state.last_opened, 200);
    }

    #[test]
    fn an_edited_article_says_so() {
        let (_dir, path, text, doc, store, mut s) = opened();
        s.record_position(&doc, Position(doc.blocks[30].source().start + 3), false, 2);
        s.save_now();
        let edited = text
            .replace("## Part 14", "## A new name")
            .replace("Sentence number 14", "Altogether different words");
        std::fs::write(&path, &edited).unwrap();
        let doc2 = parse(&edited);
        let again = Session::open(Some(store), Some(&path), &edited, &doc2, "Essay", 3);
        // Where it resumed, and that it may not be the very place.
        let msg = again.message.unwrap();
        assert!(msg.starts_with("Resumed at "), "{msg}");
        assert!(
            msg.contains("% (approximate: the article changed) · "),
            "{msg}"
        );
    }

    #[test]
    fn a_moved_file_keeps_its_record() {
        let (dir, path, text, doc, store, mut s) = opened();
        s.add_bookmark(
            &doc,
            Position(doc.blocks[10].source().start),
            "kept".into(),
            1,
        );
        s.save_now();
        let moved = dir.path().join("moved.md");
        std::fs::rename(&path, &moved).unwrap();
        let mut again =
            Session::open(Some(store.clone()), Some(&moved), &text, &doc, "Essay", 2).session;
        assert_eq!(again.bookmarks(&doc)[0].label, "kept");
        again.save_now();
        let all = store.all();
        assert_eq!(all.len(), 1, "the old record is gone");
        assert_eq!(all[0].1.path, std::fs::canonicalize(&moved).unwrap());
    }

    /// A file moved and edited since keeps its record when its title is
    /// the same and its place is found by its quote; two such records
    /// are both left alone.
    #[test]
    fn a_file_moved_and_edited_keeps_its_record() {
        let (dir, path, text, doc, store, mut s) = opened();
        let place = Position(doc.blocks[30].source().start);
        s.record_position(&doc, place, false, 2);
        s.add_bookmark(&doc, place, "kept".into(), 2);
        s.save_now();
        let moved = dir.path().join("moved.md");
        std::fs::rename(&path, &moved).unwrap();
        let edited = format!("{text}\nAn appended line.\n");
        std::fs::write(&moved, &edited).unwrap();
        let doc2 = parse(&edited);
        // Another title: not this article's record.
        let other = Session::open(
            Some(store.clone()),
            Some(&moved),
            &edited,
            &doc2,
            "Other",
            3,
        );
        assert_eq!(other.resume, None);
        let again = Session::open(
            Some(store.clone()),
            Some(&moved),
            &edited,
            &doc2,
            "Essay",
            3,
        );
        assert_eq!(again.resume, Some(place));
        let mut again = again.session;
        assert_eq!(again.bookmarks(&doc2)[0].label, "kept");
        again.save_now();
        // Copied, not moved: were it another article's, nothing is lost.
        let all = store.all();
        assert_eq!(all.len(), 2, "{all:?}");
        let moved_canonical = std::fs::canonicalize(&moved).unwrap();
        assert!(
            all.iter().any(|(_, r)| r.path == moved_canonical),
            "{all:?}"
        );

        // A record whose folder is gone (a checkout deleted, a disk not
        // mounted), or whose place is at the start, is no one's to take.
        for (folder, at) in [("gone-folder", 30), ("", 0)] {
            let dir2 = tempfile::tempdir().unwrap();
            let store2 = Store::new(&dir2.path().join("config"));
            let old = if folder.is_empty() {
                dir2.path().join("old.md")
            } else {
                dir2.path().join(folder).join("old.md")
            };
            let mut record = ReadingState::new(old.clone(), "Essay".into(), doc.fingerprint, 1);
            let place = Position(doc.blocks[at].source().start);
            record.position = Some(crate::position::Anchor::at(&doc, place));
            store2.save(&store::record_id(&old), &record).unwrap();
            let new = dir2.path().join("new.md");
            std::fs::write(&new, &edited).unwrap();
            let opened = Session::open(Some(store2), Some(&new), &edited, &doc2, "Essay", 5);
            assert_eq!(opened.resume, None, "{folder:?} {at}");
        }

        // Two records of the title whose files are gone, each with the
        // place found: which one is this article's is not known.
        let twin = dir.path().join("twin.md");
        let mut record = all[0].1.clone();
        record.path = dir.path().join("gone-1.md");
        store
            .save(&store::record_id(&record.path), &record)
            .unwrap();
        record.path = dir.path().join("gone-2.md");
        store
            .save(&store::record_id(&record.path), &record)
            .unwrap();
        std::fs::write(&twin, format!("{edited}More.\n")).unwrap();
        let doc3 = parse(&format!("{edited}More.\n"));
        std::fs::remove_file(&moved).unwrap();
        let none = Session::open(
            Some(store.clone()),
            Some(&twin),
            &format!("{edited}More.\n"),
            &doc3,
            "Essay",
            4,
        );
        assert_eq!(none.resume, None);
    }

    #[test]
    fn stdin_is_kept_by_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let text = article();
        let doc = parse(&text);
        let store = Store::new(dir.path());
        let mut s = Session::open(Some(store.clone()), None, &text, &doc, "Essay", 1).session;
        assert!(s.saves());
        let pos = Position(doc.blocks[20].source().start);
        s.record_position(&doc, pos, false, 2);
        assert!(s.save_now().is_none());
        let again = Session::open(Some(store), None, &text, &doc, "Essay", 3);
        assert_eq!(again.resume, Some(pos));
    }

    #[test]
    fn stdin_and_broken_dirs_read_without_saving() {
        let text = article();
        let doc = parse(&text);
        let opened = Session::open(None, None, &text, &doc, "Essay", 1);
        assert!(!opened.session.saves());
        let (dir, path, text) = setup();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let store = Store::new(&file.join("config"));
        let opened = Session::open(Some(store), Some(&path), &text, &doc, "Essay", 1);
        let mut s = opened.session;
        // Either opening or the first save warns, once.
        let warned = opened.message.is_some() || s.save_now().is_some();
        assert!(warned);
        assert!(s.save_failing());
        // At exit it is said again: the last chance to know.
        let at_exit = s.save_now().expect("an exit warning");
        assert!(
            at_exit.starts_with("the reading record was not updated (your place did not change): "),
            "{at_exit}"
        );
    }

    #[test]
    fn a_record_with_a_byte_order_mark_resumes_and_says_so() {
        let (_dir, path, text, doc, store, mut s) = opened();
        let pos = Position(doc.blocks[40].source().start);
        s.record_position(&doc, pos, false, 2);
        assert!(s.save_now().is_none());
        let file = store.record_path(&s.id);
        let json = std::fs::read(&file).unwrap();
        std::fs::write(&file, [b"\xEF\xBB\xBF".as_slice(), &json].concat()).unwrap();
        let opened = Session::open(Some(store), Some(&path), &text, &doc, "Essay", 3);
        assert_eq!(opened.resume, Some(pos));
        let message = opened.message.expect("a message");
        assert!(
            message.ends_with("; the reading record had a byte order mark, ignored"),
            "{message}"
        );
    }

    /// A mark is saved at once; a place moved by keys that never pause is
    /// saved `UNSAVED_MOST` after its first change (a crash then costs no
    /// more); one left alone, `IDLE_SAVE` after the last key.
    #[test]
    fn marks_are_saved_at_once_and_a_place_while_keys_keep_coming() {
        let (_dir, _path, _text, doc, store, mut s) = opened();
        assert!(s.save_now().is_none());
        let idle = Duration::from_secs(5);
        let t0 = Instant::now();
        assert!(!s.save_due(t0, idle), "nothing to save");
        // Reading: a key every 3 seconds.
        let mut at = t0;
        s.key(&doc, Position(0), Position(0), at);
        for step in 1..=4 {
            let pos = Position(doc.blocks[step * 5].source().start);
            s.record_position(&doc, pos, false, 2);
            assert!(!s.save_due(at, idle), "{step}: keys keep coming");
            at += Duration::from_secs(3);
            s.key(&doc, Position(0), pos, at);
        }
        // 12 s of keys: not yet; at 15 s after the first change, due.
        assert!(!s.save_due(t0 + Duration::from_secs(14), idle));
        assert!(s.save_due(t0 + Duration::from_secs(15), idle));
        save_and_wait(&mut s);
        assert!(!s.save_due(at, idle), "saved");
        // A bookmark: due at once, though a key came just now.
        s.key(&doc, Position(0), Position(0), at);
        s.add_bookmark(
            &doc,
            Position(doc.blocks[3].source().start),
            "one".into(),
            3,
        );
        assert!(s.save_due(at, idle));
        save_and_wait(&mut s);
        let Ok(Load::Found(saved)) = store.load(&s.id) else {
            panic!("saved");
        };
        assert_eq!(saved.bookmarks.len(), 1);
        // So is a bookmark's note, and a deletion.
        assert!(!s.save_due(at, idle));
        let id = s.state.bookmarks[0].id.clone();
        s.set_note(&id, Some("a note".into()), 4);
        assert!(s.save_due(at, idle));
        save_and_wait(&mut s);
        assert!(!s.save_due(at, idle));
        assert!(s.delete_bookmark(&id, 5).is_some());
        assert!(s.save_due(at, idle));
    }

    /// A save that fails when the place did not change says so, not that
    /// the place was lost.
    #[test]
    fn a_failing_save_of_an_unchanged_place_says_the_place_is_kept() {
        let (_dir, _path, _text, doc, store, mut s) = opened();
        s.record_position(&doc, Position(doc.blocks[20].source().start), false, 2);
        assert!(s.save_now().is_none());
        block_saves(&store, &s);
        let warning = s.save_now().expect("a warning");
        assert!(
            warning.starts_with("the reading record was not updated (your place did not change)"),
            "{warning}"
        );
        s.record_position(&doc, Position(doc.blocks[30].source().start), false, 3);
        let warning = s.save_now().expect("a warning");
        assert!(
            warning.starts_with("your place was not saved: "),
            "{warning}"
        );
    }

    #[test]
    fn a_failing_save_is_said_until_it_succeeds_and_loses_nothing() {
        let (_dir, _path, _text, doc, store, mut s) = opened();
        assert!(s.save_now().is_none());
        // A folder where the lock file goes: opening it fails, even for
        // root, as a read-only or full disk would.
        let lock = block_saves(&store, &s);
        s.add_bookmark(
            &doc,
            Position(doc.blocks[3].source().start),
            "one".into(),
            2,
        );
        s.add_bookmark(
            &doc,
            Position(doc.blocks[9].source().start),
            "two".into(),
            3,
        );
        assert_eq!(s.unsaved_bookmarks(), 2);
        s.save_in_background();
        let warning = loop {
            if let Some(w) = s.poll_saved() {
                break w;
            }
            std::thread::yield_now();
        };
        assert!(
            warning.starts_with("Progress will not be saved: "),
            "{warning}"
        );
        assert!(s.save_failing() && s.is_dirty(), "kept for the next try");
        let at_exit = s.save_now().expect("an exit warning");
        assert!(
            at_exit.starts_with("2 bookmarks were not saved: cannot open the lock file"),
            "{at_exit}"
        );
        // Room again: the next save keeps everything.
        std::fs::remove_dir(&lock).unwrap();
        assert!(s.save_now().is_none());
        assert!(!s.save_failing());
        assert_eq!(s.unsaved_bookmarks(), 0);
        let Ok(Load::Found(saved)) = store.load(&s.id) else {
            panic!("the record is saved");
        };
        let labels: Vec<_> = saved.bookmarks.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["one", "two"]);
    }

    #[test]
    fn highlights_are_saved_found_again_after_an_edit_and_merged() {
        let (_dir, path, text, doc, store, mut s) = opened();
        let at = text.find("Sentence number 7").unwrap();
        let id = s
            .add_highlight(&doc, at..at + 17, 2, Some("seven".into()), 2)
            .unwrap();
        let gone = s.add_highlight(&doc, at + 20..at + 30, 0, None, 2).unwrap();
        assert_eq!(s.add_highlight(&doc, 0..2, 0, None, 2), None, "only markup");
        assert_eq!(s.unsaved_highlights(), 2);
        let views = s.highlights(&doc);
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].range, Some(at..at + 17));
        assert_eq!(views[0].section.as_deref(), Some("Part 7"));
        // Unchanged highlights are not looked for again.
        assert!(Arc::ptr_eq(&views, &s.highlights(&doc)));
        assert!(s.delete_highlight(&gone, 3));
        assert_eq!(s.highlights(&doc).len(), 1);
        assert!(s.save_now().is_none());
        assert_eq!(s.unsaved_highlights(), 0);

        // Another reader of the same record colours it meanwhile.
        let mut other =
            Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 4).session;
        assert!(other.set_highlight_color(&id, 4, 5));
        assert!(other.save_now().is_none());
        assert!(s.set_highlight_note(&id, Some("seven, again".into()), 6));
        assert!(s.save_now().is_none());
        let h = s.state.highlights.get(&id).unwrap();
        assert_eq!((h.color, h.note.as_deref()), (4, Some("seven, again")));
        assert!(s.state.highlights.get(&gone).unwrap().is_deleted());

        // The article is edited above it: it is found by its text.
        let edited = text.replace("# Essay\n\n", "# Essay\n\nA new first paragraph.\n\n");
        std::fs::write(&path, &edited).unwrap();
        let doc2 = parse(&edited);
        let again = Session::open(Some(store), Some(&path), &edited, &doc2, "Essay", 7).session;
        let views = again.highlights(&doc2);
        assert_eq!(views.len(), 1);
        let r = views[0].range.clone().unwrap();
        assert_eq!(&edited[r], "Sentence number 7");
        assert_eq!(views[0].how, crate::annotations::Found::Text);
    }

    #[test]
    fn highlights_not_saved_are_counted_at_exit() {
        let (_dir, _path, text, doc, store, mut s) = opened();
        assert!(s.save_now().is_none());
        let lock = block_saves(&store, &s);
        let at = text.find("Sentence number 3").unwrap();
        s.add_highlight(&doc, at..at + 10, 1, None, 2).unwrap();
        s.add_bookmark(&doc, Position(at), "one".into(), 2);
        let at_exit = s.save_now().expect("an exit warning");
        assert!(
            at_exit.starts_with("1 bookmark and 1 highlight were not saved: "),
            "{at_exit}"
        );
        std::fs::remove_dir(&lock).unwrap();
        assert!(s.save_now().is_none());
        assert_eq!(s.unsaved_highlights(), 0);
    }

    #[test]
    fn active_time_and_speed_samples() {
        let text = article();
        let doc = parse(&text);
        let mut s = Session::open(None, None, &text, &doc, "Essay", 1).session;
        let t0 = Instant::now();
        let p = |b: usize| Position(doc.blocks[b].source().start);
        s.key(&doc, p(0), p(2), t0);
        s.key(&doc, p(2), p(4), t0 + Duration::from_secs(30));
        s.key(&doc, p(4), p(6), t0 + Duration::from_secs(60));
        assert_eq!(s.state.seconds_read, 60);
        assert_eq!(s.state.active_seconds, 60);
        assert!(s.state.words_read > 0);
        // A long idle gap counts for nothing.
        s.key(&doc, p(6), p(8), t0 + Duration::from_secs(600));
        assert_eq!(s.state.seconds_read, 60);
        // A big jump is time read but not a speed sample.
        s.key(&doc, p(8), p(8), t0 + Duration::from_secs(610));
        assert_eq!(s.state.seconds_read, 70);
    }

    #[test]
    fn finished_only_when_most_was_read() {
        let text = article();
        let doc = parse(&text);
        let mut s = Session::open(None, None, &text, &doc, "Essay", 1).session;
        // The end on screen after a jump: the place is at 100%, but
        // nothing says the article was read.
        s.record_position(&doc, Position(text.len() - 10), true, 2);
        assert_eq!(s.state.percent, 100);
        s.record_read(&doc, text.len() - 60..text.len());
        assert!(!s.finish_if_read(&doc));
        assert!(!s.state.finished);
        // Read most of it: now reaching the end finishes it.
        s.record_read(&doc, 0..text.len() * 95 / 100);
        assert!(s.state.read >= 90, "{}", s.state.read);
        assert!(s.finish_if_read(&doc));
        assert!(s.state.finished);
        assert!(!s.finish_if_read(&doc), "once");
        // By hand, both ways, with the time of the choice.
        assert!(!s.toggle_finished(5));
        assert_eq!((s.state.finished, s.state.finished_updated), (false, 5));
        assert!(s.toggle_finished(6));
    }

    #[test]
    fn an_empty_article_is_never_finished() {
        for text in ["", "  \n\n ", "---\ntitle: Only a title\n---\n"] {
            let doc = parse(text);
            let mut s = Session::open(None, None, text, &doc, "E", 1).session;
            s.record_read(&doc, 0..text.len());
            assert!(!s.finish_if_read(&doc), "{text:?}");
        }
    }

    #[test]
    fn a_screen_rested_on_for_ten_active_seconds_is_read_once() {
        let text = article();
        let doc = parse(&text);
        let mut s = Session::open(None, None, &text, &doc, "Essay", 1).session;
        let t0 = Instant::now();
        assert!(!s.rest(0..100, t0));
        assert!(!s.rest(0..100, t0 + Duration::from_secs(9)));
        assert!(s.rest(0..100, t0 + REST_READ));
        assert!(!s.rest(0..100, t0 + REST_READ * 2), "counted once");
        // Another screen starts its own clock.
        assert!(!s.rest(100..200, t0 + REST_READ * 2));
        assert!(s.rest(100..200, t0 + REST_READ * 3));
        // Long after the last key, the reader is away: no rest counts.
        let mut idle = Session::open(None, None, &text, &doc, "Essay", 1).session;
        let later = t0 + ACTIVE_GAP + Duration::from_secs(5);
        assert!(!idle.rest(0..100, later));
        assert!(!idle.rest(0..100, later + REST_READ * 2));
    }

    #[test]
    fn the_record_counts_what_was_read() {
        let (_dir, path, text, doc, store, mut s) = opened();
        let half = doc.blocks[doc.blocks.len() / 2].source().start;
        assert!(s.record_read(&doc, 0..half));
        assert!(!s.record_read(&doc, 10..20), "read already");
        let read = s.state.read;
        assert!((40..=60).contains(&read), "{read}");
        assert!(s.save_now_in(&doc).is_none());
        // Another reader of the same file read the second half meanwhile.
        let mut other =
            Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 2).session;
        other.state.coverage = Coverage::default();
        other.record_read(&doc, half..text.len());
        assert!(other.save_now_in(&doc).is_none());
        let Ok(Load::Found(saved)) =
            store.load(&store::record_id(&std::fs::canonicalize(&path).unwrap()))
        else {
            panic!("no record");
        };
        assert_eq!(saved.coverage.pairs(), [[0, text.len()]]);
        assert_eq!(saved.read, 100);
    }

    #[test]
    fn the_end_reached_here_finishes_once_what_others_read_is_merged() {
        let (dir, path, text) = setup();
        let doc = parse(&text);
        let store = Store::new(&dir.path().join("config"));
        let half = doc.blocks[doc.blocks.len() / 2].source().start;
        let mut first =
            Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 1).session;
        let mut second =
            Session::open(Some(store.clone()), Some(&path), &text, &doc, "Essay", 1).session;
        first.record_read(&doc, 0..half);
        assert!(first.save_now_in(&doc).is_none());
        // The second read the other half, to the end: alone, not enough.
        second.record_read(&doc, half..text.len());
        assert!(!second.finish_if_read(&doc));
        assert!(second.save_now_in(&doc).is_none());
        assert!(second.state.finished, "finished with both halves merged");
        let id = store::record_id(&std::fs::canonicalize(&path).unwrap());
        let Ok(Load::Found(saved)) = store.load(&id) else {
            panic!("no record");
        };
        assert!(saved.finished);
        // The first never reached the end: its save finishes nothing.
        first.state.finished = false;
        first.reached_end = false;
        assert!(first.save_now_in(&doc).is_none());
    }

    #[test]
    fn no_resume_message_for_a_place_at_the_start() {
        let text = article();
        let doc = parse(&text);
        assert_eq!(resume_message(&doc, Position(0), Restored::Exact), None);
        let msg = resume_message(
            &doc,
            Position(doc.blocks[20].source().start),
            Restored::Exact,
        );
        assert!(msg.is_some_and(|m| m.starts_with("Resumed at ")));
        // Past the start, within its first hundredth: not "0%".
        let long = format!(
            "# Essay\n\nA first line.\n\n{}",
            "Many more words here. ".repeat(2000)
        );
        let doc = parse(&long);
        let at = Position(long.find("Many").unwrap());
        assert_eq!(doc.percent_at(at), 0);
        let msg = resume_message(&doc, at, Restored::Exact).unwrap();
        assert!(msg.starts_with("Resumed near the start"), "{msg}");
    }

    #[test]
    fn a_place_resumed_in_a_window_is_named_as_the_whole_names_it() {
        // Short paragraphs first, long ones after: a window's words per
        // byte are not the whole's.
        let mut text = String::from("# Book\n\n");
        for i in 0..400 {
            text.push_str(&format!("Short {i}.\n\n"));
        }
        text.push_str("## The long part\n\n");
        for i in 0..400 {
            text.push_str(&format!(
                "Paragraph {i}: {}\n\n",
                "a few words more ".repeat(12)
            ));
        }
        let whole = parse(&text);
        let at = text.len() * 3 / 4;
        let pos = Position(text[at..].find("Paragraph").unwrap() + at);
        let shared: Arc<str> = Arc::from(text.as_str());
        let index = crate::parse::window::WindowIndex::head(&text, pos.0);
        let window =
            crate::parse::window::parse_window_in(&shared, pos.0, whole.fingerprint, &index);
        assert!(window.window.is_some());
        let mut state = ReadingState::new(PathBuf::from("/b.md"), "Book".into(), 1, 1);
        state.set_position(crate::position::Anchor::at(&whole, pos), 1);
        state.percent = whole.percent_at(pos);
        let expected = format!("Resumed at {}% · The long part", whole.percent_at(pos));
        assert_eq!(
            resume_message(&whole, pos, Restored::Exact),
            Some(expected.clone())
        );
        // The window alone would say otherwise.
        assert_ne!(
            resume_message(&window, pos, Restored::Exact),
            Some(expected.clone())
        );
        assert_eq!(
            resume_message_in_window(&window, pos, Restored::Exact, &state),
            Some(expected)
        );
    }

    #[test]
    fn a_window_inside_a_long_listing_is_named_by_the_record() {
        // Deep inside a fence, a window reads the listing's lines as
        // prose: `# line 19918` is a heading there, not in the whole.
        let mut listing = String::from("# A long listing\n\n```text\n");
        for i in 0..200 {
            listing.push_str(&format!("# line {i} of the listing\nmore of line {i}\n"));
        }
        listing.push_str("```\n");
        let whole = parse(&listing);
        let pos = Position(listing.find("# line 150").unwrap());
        let window = parse(&listing[..pos.0].replace("```text\n", "\n"));
        let window = Document {
            text: whole.text.clone(),
            ..window
        };
        let mut state = ReadingState::new(PathBuf::from("/l.md"), "Listing".into(), 1, 1);
        state.set_position(crate::position::Anchor::at(&whole, pos), 1);
        state.percent = whole.percent_at(pos);
        assert_eq!(
            state.position.as_ref().unwrap().section_title.as_deref(),
            Some("A long listing")
        );
        let before = Position(listing.find("# line 149").unwrap() + 2);
        assert_eq!(
            window.section_at(before).map(|h| h.text.as_str()),
            Some("line 149 of the listing"),
            "the window reads a heading there"
        );
        let msg = resume_message_in_window(&window, before, Restored::Exact, &state).unwrap();
        assert!(msg.ends_with(" · A long listing"), "{msg}");
    }

    #[test]
    fn a_copy_gets_a_record_of_its_own() {
        let (dir, path, text, doc, store, mut s) = opened();
        s.add_bookmark(
            &doc,
            Position(doc.blocks[10].source().start),
            "mine".into(),
            1,
        );
        s.save_now();
        let copy = dir.path().join("copy.md");
        std::fs::copy(&path, &copy).unwrap();
        let mut other =
            Session::open(Some(store.clone()), Some(&copy), &text, &doc, "Essay", 2).session;
        assert!(other.bookmarks(&doc).is_empty(), "a copy starts fresh");
        other.save_now();
        assert_eq!(store.all().len(), 2, "both records are kept");
    }
}
