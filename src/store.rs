//! Reading state that is never lost: one JSON record per article under
//! `<config dir>/reading/<id>.json`, holding where the reader stopped, what
//! was read, the bookmarks and the time spent.
//!
//! Saving takes an advisory lock, re-reads the record, merges it with what
//! is being saved and replaces it atomically (temporary file, fsync,
//! rename), so two processes on one article, a crash at any moment or a
//! record brought in by a sync tool never lose a bookmark nor a part read. A
//! record that cannot be parsed is moved aside, never overwritten; a record
//! from a newer longform is read but left alone. Records of version 1 are
//! read and migrated. The config dir is passed in: this module never
//! looks at the environment.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::annotations::Highlights;
use crate::coverage::Coverage;
use crate::position::{Anchor, hex_u64};

mod conflict;
pub use conflict::{Merged, conflict_copy_of};

/// The record format written by this version of longform. Version 2 added
/// `coverage` and `read`, version 3 `highlights`; version 1 records are
/// migrated when read, version 2 ones read as they are.
pub const VERSION: u32 = 3;

/// The path recorded for an article read from stdin, which has none: its
/// record is found by its text.
pub const STDIN_PATH: &str = "(stdin)";

/// Seconds of counted reading, across articles, before the learned speed
/// is trusted over the default.
pub const LEARN_AFTER_SECONDS: u64 = 10 * 60;

/// Learned speeds outside this range come from odd data (a reader who
/// held a key down, or never moved) and are not used.
const PLAUSIBLE_WPM: std::ops::RangeInclusive<u64> = 50..=2000;

/// What longform remembers about one article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingState {
    /// The record format; always `VERSION` once saved by this longform.
    pub version: u32,
    /// The article's canonical path. Written as text to be shown and, when
    /// it is not UTF-8, also as its exact bytes in hex (`path_bytes`), so
    /// the file is found again rather than taken for a missing one.
    #[serde(flatten, with = "exact_path")]
    pub path: PathBuf,
    #[serde(default)]
    pub title: String,
    /// The fingerprint of the article's text when last saved.
    #[serde(with = "hex_u64")]
    pub fingerprint: u64,
    /// Where the reader stopped.
    #[serde(default)]
    pub position: Option<Anchor>,
    /// When `position` was set (unix seconds): the newest position wins a
    /// merge.
    #[serde(default, deserialize_with = "lenient::count")]
    pub position_updated: u64,
    /// Where `position` is, in percent of the words before it: what the
    /// library shows as "at" without parsing every article.
    #[serde(default, deserialize_with = "lenient::percent")]
    pub percent: u8,
    /// The source byte ranges read by reading motion (see `coverage`).
    #[serde(default)]
    pub coverage: Coverage,
    /// The share of the article's words in `coverage`, in percent: what the
    /// library shows as "read" without parsing every article.
    #[serde(default, deserialize_with = "lenient::percent")]
    pub read: u8,
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
    /// The passages marked, with their notes; deleted ones stay as
    /// tombstones (see `annotations`).
    #[serde(default)]
    pub highlights: Highlights,
    /// Deleted bookmarks, kept so that an older copy of the record (another
    /// process, a sync tool) cannot bring them back.
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
    /// The end was reached by reading with most of the words read, or the
    /// reader said so.
    #[serde(default)]
    pub finished: bool,
    /// When `finished` was last set or cleared by hand (unix seconds): the
    /// newer choice wins a merge. 0 when only reading set it.
    #[serde(default, deserialize_with = "lenient::count")]
    pub finished_updated: u64,
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient::count")]
    pub last_opened: u64,
    /// Active reading time: time with keys within the last two minutes.
    #[serde(default, deserialize_with = "lenient::count")]
    pub seconds_read: u64,
    /// Words advanced in the samples that count for learning the reading
    /// speed (no long idle gaps, no big jumps).
    #[serde(default, deserialize_with = "lenient::count")]
    pub words_read: u64,
    /// The seconds those samples took.
    #[serde(default, deserialize_with = "lenient::count")]
    pub active_seconds: u64,
    /// Fields this longform does not know, written by a newer one: kept
    /// as they are when saving, never erased.
    #[serde(flatten)]
    pub unknown: BTreeMap<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    /// Unique for ever: an undone deletion gets a new id, so that the
    /// tombstone of the old one cannot remove it again.
    pub id: String,
    pub anchor: Anchor,
    pub label: String,
    #[serde(default)]
    pub note: Option<String>,
    /// Unix seconds.
    pub created: u64,
    /// Unix seconds of the last rename or note edit: the newer copy of a
    /// bookmark wins a merge.
    #[serde(default)]
    pub updated: u64,
}

impl Bookmark {
    /// When this copy was last changed.
    pub fn edited(&self) -> u64 {
        self.created.max(self.updated)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub id: String,
    /// Unix seconds.
    pub deleted: u64,
}

impl ReadingState {
    /// A new record for an article never opened before.
    pub fn new(path: PathBuf, title: String, fingerprint: u64, now: u64) -> ReadingState {
        ReadingState {
            version: VERSION,
            path,
            title,
            fingerprint,
            position: None,
            position_updated: 0,
            percent: 0,
            coverage: Coverage::default(),
            read: 0,
            bookmarks: Vec::new(),
            highlights: Highlights::default(),
            tombstones: Vec::new(),
            finished: false,
            finished_updated: 0,
            last_opened: now,
            seconds_read: 0,
            words_read: 0,
            active_seconds: 0,
            unknown: BTreeMap::new(),
        }
    }

    /// The article was read from stdin.
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == STDIN_PATH
    }

    /// Remember where the reader is.
    pub fn set_position(&mut self, anchor: Anchor, now: u64) {
        self.position = Some(anchor);
        self.position_updated = now;
    }

    /// Add a bookmark with a new id, and return it.
    pub fn add_bookmark(
        &mut self,
        anchor: Anchor,
        label: String,
        note: Option<String>,
        now: u64,
    ) -> &Bookmark {
        self.bookmarks.push(Bookmark {
            id: new_id(),
            anchor,
            label,
            note,
            created: now,
            updated: now,
        });
        &self.bookmarks[self.bookmarks.len() - 1]
    }

    /// Change a bookmark (its label or note) and mark it as edited now.
    /// False when there is no bookmark `id`.
    pub fn edit_bookmark(&mut self, id: &str, now: u64, edit: impl FnOnce(&mut Bookmark)) -> bool {
        match self.bookmarks.iter_mut().find(|b| b.id == id) {
            Some(b) => {
                edit(b);
                b.updated = b.updated.max(now);
                true
            }
            None => false,
        }
    }

    /// Delete a bookmark, leaving a tombstone; the bookmark is returned for
    /// an undo.
    pub fn delete_bookmark(&mut self, id: &str, now: u64) -> Option<Bookmark> {
        let i = self.bookmarks.iter().position(|b| b.id == id)?;
        let removed = self.bookmarks.remove(i);
        self.tombstones.push(Tombstone {
            id: removed.id.clone(),
            deleted: now,
        });
        Some(removed)
    }

    /// Undo a deletion: the bookmark comes back under a new id, because the
    /// old one's tombstone may already be on disk.
    pub fn undelete_bookmark(&mut self, mut bookmark: Bookmark, now: u64) -> &Bookmark {
        bookmark.id = new_id();
        bookmark.updated = now;
        self.bookmarks.push(bookmark);
        &self.bookmarks[self.bookmarks.len() - 1]
    }
}

/// Merge the record on disk with the one being saved. The newest position
/// wins; coverage is united (its `read` share takes the larger value here;
/// the session counts it again in the article); bookmarks are united by
/// id, the most recently edited copy winning; tombstones are united and
/// remove every copy not edited after them; highlights are united by id
/// as `Highlights::merge` says;
/// `finished` follows the newer choice made by hand, else stays once set;
/// times and counters take the larger value.
/// The path, title and fingerprint are those of `ours`, the article as it
/// is now.
pub fn merge(disk: &ReadingState, ours: &ReadingState) -> ReadingState {
    let mut out = ours.clone();
    out.version = VERSION;
    if disk.position_updated > ours.position_updated {
        out.position.clone_from(&disk.position);
        out.position_updated = disk.position_updated;
        out.percent = disk.percent;
    }

    out.coverage = disk.coverage.union(&ours.coverage);
    out.read = disk.read.max(ours.read);

    let mut tombstones: BTreeMap<&str, u64> = BTreeMap::new();
    for t in disk.tombstones.iter().chain(&ours.tombstones) {
        let deleted = tombstones.entry(&t.id).or_default();
        *deleted = (*deleted).max(t.deleted);
    }
    let mut bookmarks: BTreeMap<&str, &Bookmark> = BTreeMap::new();
    // Ours last, so that it wins a tie: it is the latest thing the user did.
    for b in disk.bookmarks.iter().chain(&ours.bookmarks) {
        match bookmarks.get(b.id.as_str()) {
            Some(kept) if kept.edited() > b.edited() => {}
            _ => {
                bookmarks.insert(&b.id, b);
            }
        }
    }
    out.bookmarks = bookmarks
        .into_values()
        .filter(|b| {
            tombstones
                .get(b.id.as_str())
                .is_none_or(|&d| b.edited() > d)
        })
        .cloned()
        .collect();
    out.bookmarks
        .sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    out.highlights = disk.highlights.merge(&ours.highlights);
    out.tombstones = tombstones
        .into_iter()
        .map(|(id, deleted)| Tombstone {
            id: id.to_string(),
            deleted,
        })
        .collect();

    // A choice made by hand (x in the library) wins over an older one;
    // otherwise reaching the end anywhere counts.
    out.finished = if disk.finished_updated > ours.finished_updated {
        disk.finished
    } else if ours.finished_updated > 0 {
        // Ours is as new or newer, and is the latest thing the user did.
        ours.finished
    } else {
        disk.finished || ours.finished
    };
    out.finished_updated = disk.finished_updated.max(ours.finished_updated);
    out.last_opened = disk.last_opened.max(ours.last_opened);
    out.seconds_read = disk.seconds_read.max(ours.seconds_read);
    out.words_read = disk.words_read.max(ours.words_read);
    out.active_seconds = disk.active_seconds.max(ours.active_seconds);
    // This longform never changes fields it does not know: what is on
    // disk is the newest of them.
    out.unknown
        .extend(disk.unknown.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The reader's own speed in words per minute, learned from every record,
/// once enough reading was counted and when it is plausible.
pub fn learned_wpm<'a>(records: impl IntoIterator<Item = &'a ReadingState>) -> Option<u32> {
    let (words, seconds) = records.into_iter().fold((0u64, 0u64), |(w, s), r| {
        (
            w.saturating_add(r.words_read),
            s.saturating_add(r.active_seconds),
        )
    });
    if seconds < LEARN_AFTER_SECONDS {
        return None;
    }
    let wpm = words.saturating_mul(60) / seconds;
    PLAUSIBLE_WPM
        .contains(&wpm)
        .then(|| u32::try_from(wpm).ok())
        .flatten()
}

/// The record id of an article: 16 hex digits of a 64-bit FNV-1a hash of
/// its canonical path. Stable across runs, builds and Rust versions, which
/// std's `DefaultHasher` does not promise.
pub fn record_id(canonical_path: &Path) -> String {
    format!(
        "{:016x}",
        fnv1a(canonical_path.as_os_str().as_encoded_bytes())
    )
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An id (of a bookmark, of a highlight) unique across processes: the
/// time, the process and a counter, hashed.
pub(crate) fn new_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{nanos}:{}:{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    format!("{:016x}", fnv1a(seed.as_bytes()))
}

/// The current time in unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What `Store::load` found.
// Loaded once when an article opens: a box would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
    /// No record: the article was never opened.
    Fresh,
    Found(ReadingState),
    /// The record could not be parsed and was moved to `moved_to`. Start
    /// fresh and tell the user.
    Corrupt {
        moved_to: PathBuf,
        reason: String,
    },
    /// The record was written by a newer longform. It is left alone and
    /// `save` will refuse to replace it; `state` is what could be read of
    /// it, to resume at its place.
    Newer {
        version: u64,
        state: Option<Box<ReadingState>>,
    },
}

/// The reading records in one config dir.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
    /// How long to wait for a record's lock before saving into its
    /// `.pending` file instead.
    lock_wait: Duration,
}

/// How long a save waits for a record's lock that another process holds.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// How often a held lock is tried again while waiting for it.
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// The lock of a record was held by another process for longer than the
/// store waits.
#[derive(Debug)]
pub struct LockHeld(PathBuf);

impl std::fmt::Display for LockHeld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is held by another process", self.0.display())
    }
}

impl std::error::Error for LockHeld {}

/// The line about `n` reading records that could not be read.
pub fn unreadable_note(n: usize) -> String {
    match n {
        1 => "1 record could not be read (see longform where)".to_string(),
        n => format!("{n} records could not be read (see longform where)"),
    }
}

/// A save that could not take the record's lock, kept whole in the
/// record's `.pending` file instead: nothing is lost, the next open takes
/// it in.
#[derive(Debug)]
pub struct KeptPending {
    held: String,
    pending: PathBuf,
}

impl std::fmt::Display for KeptPending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; kept in {} until the article is opened again",
            self.held,
            self.pending.display()
        )
    }
}

impl std::error::Error for KeptPending {}

/// A record file as read, before anything is done about it.
enum OnDisk {
    Missing,
    Valid(Box<ReadingState>),
    Bad(String),
    Newer(u64, Option<Box<ReadingState>>),
}

impl Store {
    /// The store of the config dir `config_dir`; nothing is touched yet.
    pub fn new(config_dir: &Path) -> Store {
        Store {
            dir: crate::paths::reading_dir(config_dir),
            lock_wait: LOCK_WAIT,
        }
    }

    /// This store, never waiting for a lock: a held one sends the save to
    /// the `.pending` file at once. For the save on a signal, which must
    /// never block.
    #[must_use]
    pub fn impatient(&self) -> Store {
        Store {
            lock_wait: Duration::ZERO,
            ..self.clone()
        }
    }

    /// The folder holding the records.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of record `id`.
    pub fn record_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.lock"))
    }

    /// Where a save that could not take the lock of record `id` goes, to be
    /// merged into the record when it is next loaded.
    pub fn pending_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.pending"))
    }

    /// What record `id` holds besides its JSON (a byte order mark, NUL
    /// bytes at its end), which reading ignored: for a warning. The next
    /// save writes the record without it.
    pub fn stray_bytes(&self, id: &str) -> Option<&'static str> {
        check_id(id).ok()?;
        let bytes = fs::read(self.record_path(id)).ok()?;
        strip_stray(&bytes).1
    }

    /// Read record `id`. A corrupt record is moved aside (which needs write
    /// access); a missing one is `Fresh`. Errors are for the caller to show
    /// as a warning before reading on without saved state.
    pub fn load(&self, id: &str) -> Result<Load> {
        check_id(id)?;
        self.merge_pending(id);
        // Conflict copies a sync tool left are merged in first. Best
        // effort: a copy that cannot be merged now (a read-only folder)
        // waits for the next load.
        let _ = self.merge_conflict_copies(id);
        let path = self.record_path(id);
        // A pending save that could not be merged (the lock is still
        // held) is read with the record.
        match read(&path)? {
            OnDisk::Missing => Ok(self.with_pending(id, None).map_or(Load::Fresh, Load::Found)),
            OnDisk::Valid(state) => Ok(Load::Found(self.and_pending(id, *state))),
            OnDisk::Newer(version, state) => Ok(Load::Newer { version, state }),
            OnDisk::Bad(_) => {
                // Look again under the lock: a writer may have replaced the
                // file, or another reader moved it aside, since.
                let _lock = self.lock(id)?;
                match read(&path)? {
                    OnDisk::Missing => Ok(Load::Fresh),
                    OnDisk::Valid(state) => Ok(Load::Found(*state)),
                    OnDisk::Newer(version, state) => Ok(Load::Newer { version, state }),
                    OnDisk::Bad(reason) => Ok(Load::Corrupt {
                        moved_to: move_aside(&path)?,
                        reason,
                    }),
                }
            }
        }
    }

    /// Merge `state` into record `id` on disk and write the result
    /// atomically. Returns the merged state, which the caller should keep:
    /// it holds what other processes saved. Fails, without touching it,
    /// when the record on disk is from a newer longform, and fails when the
    /// config dir cannot be written.
    pub fn save(&self, id: &str, state: &ReadingState) -> Result<ReadingState> {
        self.save_counting(id, state, None)
    }

    /// `save`, with the `read` share of the merged coverage counted by
    /// `count` (which knows the article's words) rather than estimated.
    pub fn save_counting(
        &self,
        id: &str,
        state: &ReadingState,
        count: Option<&dyn Fn(&Coverage) -> u8>,
    ) -> Result<ReadingState> {
        check_id(id)?;
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let _lock = self.lock_or_pending(id, state)?;
        let path = self.record_path(id);
        let merged = match read(&path)? {
            OnDisk::Missing => state.clone(),
            OnDisk::Valid(disk) => merge(&disk, state),
            OnDisk::Bad(_) => {
                move_aside(&path)?;
                state.clone()
            }
            OnDisk::Newer(version, _) => bail!(
                "{} was written by a newer longform (record version {version}); \
                 not replacing it",
                path.display()
            ),
        };
        let mut merged = ReadingState {
            version: VERSION,
            ..merged
        };
        if let Some(count) = count {
            merged.read = count(&merged.coverage);
        }
        self.write_atomically(id, &path, &merged)?;
        self.remove_stale_temps(id);
        Ok(merged)
    }

    /// Delete record `id`, for an article whose record was carried over to
    /// its new path.
    pub fn remove(&self, id: &str) -> Result<()> {
        check_id(id)?;
        let _lock = self.lock(id)?;
        let path = self.record_path(id);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// The most recently opened record of an article with this content,
    /// to carry a moved file's bookmarks and position over. Records of a
    /// newer longform are not carried: that would rewrite them.
    pub fn find_by_fingerprint(&self, fingerprint: u64) -> Option<(String, ReadingState)> {
        self.all()
            .into_iter()
            .find(|(_, state)| state.fingerprint == fingerprint && state.version <= VERSION)
    }

    /// Record `id` as it is on disk, read only (nothing is merged or moved
    /// aside): `None` when there is none. The error says why a record
    /// that is there cannot be read, in a few words.
    pub fn read_only(&self, id: &str) -> Result<Option<ReadingState>> {
        check_id(id)?;
        match read(&self.record_path(id))? {
            OnDisk::Missing => Ok(None),
            OnDisk::Valid(state) | OnDisk::Newer(_, Some(state)) => Ok(Some(*state)),
            OnDisk::Bad(reason) => bail!("it is corrupt ({reason})"),
            OnDisk::Newer(version, None) => {
                bail!("it is from a newer longform (record version {version})")
            }
        }
    }

    /// How many of the record files could not be read (corrupt, or from a
    /// newer longform), `readable` of them having been read by `all`.
    pub fn unreadable(&self, readable: usize) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0;
        };
        let files = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let record = name
                    .strip_suffix(".json")
                    .is_some_and(|id| check_id(id).is_ok())
                    && conflict_copy_of(&name).is_none();
                // A save kept pending before its record was made is
                // listed as one.
                let pending_only = name
                    .strip_suffix(".pending")
                    .is_some_and(|id| check_id(id).is_ok() && !self.record_path(id).exists());
                record || pending_only
            })
            .count();
        files.saturating_sub(readable)
    }

    /// `all`, for a report on the records: an error when their folder is
    /// there but cannot be listed (its permissions), where `all` finds
    /// none, which a report would give as "nothing read yet".
    pub fn all_listed(&self) -> Result<Vec<(String, ReadingState)>> {
        match self.listed() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            listed => listed.with_context(|| {
                format!("cannot read the reading records in {}", self.dir.display())
            }),
        }
    }

    /// Every readable record with its id, most recently opened first.
    /// Corrupt records are skipped, and so are those of a newer longform
    /// whose shape cannot be read; version 1 records come migrated.
    pub fn all(&self) -> Vec<(String, ReadingState)> {
        self.listed().unwrap_or_default()
    }

    /// `all`, or why the folder cannot be listed.
    fn listed(&self) -> io::Result<Vec<(String, ReadingState)>> {
        let entries = fs::read_dir(&self.dir)?;
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            // A record, or a save kept pending before its record was made.
            let id = name
                .strip_suffix(".json")
                .or_else(|| name.strip_suffix(".pending"));
            if let Some(id) = id.filter(|id| check_id(id).is_ok()) {
                ids.insert(id.to_string());
            }
        }
        let mut records: Vec<(String, ReadingState)> = ids
            .into_iter()
            .filter_map(|id| {
                let state = match read(&self.record_path(&id)).ok()? {
                    OnDisk::Valid(state) => Some(*state),
                    OnDisk::Newer(_, Some(state)) => return Some((id, *state)),
                    OnDisk::Missing => None,
                    _ => return None,
                };
                let state = self.with_pending(&id, state)?;
                Some((id, state))
            })
            .collect();
        records.sort_by(|(a_id, a), (b_id, b)| {
            b.last_opened
                .cmp(&a.last_opened)
                .then_with(|| a_id.cmp(b_id))
        });
        Ok(records)
    }

    /// Take the advisory lock of record `id`, held until the guard drops.
    /// A lock another process holds is waited for up to `lock_wait`, then
    /// the error is `LockHeld`: a stuck process must not hang this one.
    fn lock(&self, id: &str) -> Result<LockGuard> {
        let path = self.lock_path(id);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        let until = Instant::now() + self.lock_wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(LockGuard(file)),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < until => {
                    std::thread::sleep(LOCK_RETRY);
                }
                Err(fs::TryLockError::WouldBlock) => return Err(LockHeld(path).into()),
                Err(fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
    }

    /// The lock of record `id`; when another process holds it too long,
    /// `state` is saved into the record's `.pending` file instead, and the
    /// error says so.
    fn lock_or_pending(&self, id: &str, state: &ReadingState) -> Result<LockGuard> {
        let err = match self.lock(id) {
            Err(err) if err.is::<LockHeld>() => err,
            other => return other,
        };
        let pending = self.pending_path(id);
        self.write_pending(id, state)
            .with_context(|| format!("{err}, and saving beside it failed"))?;
        Err(anyhow::Error::new(KeptPending {
            held: err.to_string(),
            pending,
        }))
    }

    /// Save `state` into the `.pending` file of record `id`, merged with
    /// what an earlier such save left there. No lock is taken: this is
    /// the way out when the lock cannot be had.
    fn write_pending(&self, id: &str, state: &ReadingState) -> Result<()> {
        let path = self.pending_path(id);
        let merged = match read(&path)? {
            OnDisk::Valid(earlier) => merge(&earlier, state),
            _ => state.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&merged).context("cannot encode the record")?;
        json.push(b'\n');
        // Not the record's prefix: the lock holder removes those as stale.
        replace_file(&self.dir, &format!(".{id}-pending."), &path, |out| {
            out.write_all(&json)
        })
    }

    /// `state`, record `id` as read, with its `.pending` file merged in
    /// when one is still waiting (the lock was held): what is listed or
    /// exported is what was saved, not only what reached the record.
    fn with_pending(&self, id: &str, state: Option<ReadingState>) -> Option<ReadingState> {
        match state {
            Some(state) => Some(self.and_pending(id, state)),
            None => match read(&self.pending_path(id)) {
                Ok(OnDisk::Valid(pending)) => Some(*pending),
                _ => None,
            },
        }
    }

    /// `with_pending` of a record that was read.
    fn and_pending(&self, id: &str, state: ReadingState) -> ReadingState {
        match read(&self.pending_path(id)) {
            Ok(OnDisk::Valid(pending)) => merge(&state, &pending),
            _ => state,
        }
    }

    /// Merge the `.pending` file of record `id`, if there is one, into the
    /// record, and remove it once saved. When the lock is still held it
    /// stays for the next time: nothing in it is lost.
    fn merge_pending(&self, id: &str) {
        let path = self.pending_path(id);
        match read(&path) {
            Ok(OnDisk::Valid(pending)) if self.impatient().save(id, &pending).is_ok() => {
                let _ = fs::remove_file(&path);
            }
            Ok(OnDisk::Bad(_)) => {
                let _ = move_aside(&path);
            }
            _ => {}
        }
    }

    /// Write `state` to a temporary file in the same folder, flush it to
    /// the disk, then rename it over `path`: a crash at any moment leaves
    /// either the old record or the new one, never a torn one.
    fn write_atomically(&self, id: &str, path: &Path, state: &ReadingState) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(state).context("cannot encode the record")?;
        json.push(b'\n');
        replace_file(&self.dir, &format!(".{id}."), path, |out| {
            out.write_all(&json)
        })
    }

    /// Remove temporary files of record `id` left by a writer that was
    /// killed. Called under the lock, so no live writer owns one.
    fn remove_stale_temps(&self, id: &str) {
        let prefix = format!(".{id}.");
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) && name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Holds a record's advisory lock; the lock is released on drop (and by
/// the system if the process dies).
struct LockGuard(File);

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Ids name files: only what `record_id` makes is accepted, so an id can
/// never point outside the folder.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        bail!("invalid record id {id:?}");
    }
    Ok(())
}

/// Replace `path` (in `dir`) with what `write` writes: a temporary file in
/// the same folder is written, flushed to the disk and renamed over it. If
/// `write` fails (a full disk), `path` is untouched and the temporary file
/// is removed.
fn replace_file(
    dir: &Path,
    prefix: &str,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    // Written to the file itself: the temporary file's own errors name
    // its path again after the reason.
    write(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    // Make the rename itself durable. Not every file system can sync a
    // folder, and the record is already complete, so a failure here is
    // not worth reporting.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Read and classify a record file.
fn read(path: &Path) -> Result<OnDisk> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(classify(&bytes))
}

/// What a record holds around its JSON that is not JSON but harmless: a
/// UTF-8 byte order mark some editors add, and NUL bytes a crash or a
/// sync tool can leave at the end. Returns the JSON and what was there.
fn strip_stray(bytes: &[u8]) -> (&[u8], Option<&'static str>) {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let nuls = end < bytes.len();
    let what = match (bom, nuls) {
        (true, true) => Some("a byte order mark and NUL bytes"),
        (true, false) => Some("a byte order mark"),
        (false, true) => Some("NUL bytes at its end"),
        (false, false) => None,
    };
    (&bytes[..end], what)
}

fn classify(bytes: &[u8]) -> OnDisk {
    let (bytes, _) = strip_stray(bytes);
    // The version is checked before the shape: a newer format may have a
    // different shape, and must not be called corrupt.
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => return OnDisk::Bad(e.to_string()),
    };
    match value.get("version").and_then(serde_json::Value::as_u64) {
        // Read what can be read of it, for the place and the listing; it
        // is never written back.
        Some(v) if v > u64::from(VERSION) => {
            let state = serde_json::from_value::<ReadingState>(value).ok();
            return OnDisk::Newer(v, state.map(Box::new));
        }
        Some(1) => {
            return match serde_json::from_value::<ReadingState>(value) {
                Ok(mut state) => {
                    migrate_v1(&mut state);
                    OnDisk::Valid(Box::new(state))
                }
                Err(e) => OnDisk::Bad(e.to_string()),
            };
        }
        // Version 2 had no highlights: it reads as a version 3 without any.
        Some(v) if (2..=u64::from(VERSION)).contains(&v) => {}
        _ => return OnDisk::Bad("no known \"version\"".to_string()),
    }
    match serde_json::from_value(value) {
        Ok(state) => OnDisk::Valid(Box::new(state)),
        Err(e) => OnDisk::Bad(e.to_string()),
    }
}

/// A version 1 record kept only the furthest place: everything before it
/// counts as read. Its `finished` stays when the reader chose it or when the
/// place was near the end; version 1 also set it on a jump to the end.
pub fn migrate_v1(state: &mut ReadingState) {
    state.version = VERSION;
    if let Some(anchor) = &state.position {
        state.coverage = Coverage::of(0..anchor.byte);
    }
    state.read = state.percent;
    if state.finished_updated == 0 && usize::from(state.percent) < crate::coverage::READ_PERCENT {
        state.finished = false;
    }
}

/// Rename a corrupt record to `<name>.corrupt-<unix time>`, never over an
/// earlier one: a number is added when that name is taken. Called under
/// the record's lock, so no other longform races for the name.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map_or_else(|| "record".into(), |n| n.to_string_lossy().into_owned());
    let stamp = now();
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    fs::rename(path, &target)
        .with_context(|| format!("cannot move the corrupt record {} aside", path.display()))?;
    Ok(target)
}

/// Serde for the figures of a record that only count (percents, times):
/// a value out of range or of another type, written by hand or by another
/// tool, reads as the nearest it can be (a percent over 100 as 100, a
/// negative time as 0, text as 0), so that one odd number never makes the
/// whole record, its bookmarks and highlights, unreadable.
mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    fn number(value: &Value) -> f64 {
        value.as_f64().filter(|n| n.is_finite()).unwrap_or(0.0)
    }

    pub fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let n = number(&Value::deserialize(d)?);
        // Down: 100 only once the whole is.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(n.clamp(0.0, 100.0).floor() as u8)
    }

    pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let value = Value::deserialize(d)?;
        if let Some(n) = value.as_u64() {
            return Ok(n);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(number(&value).max(0.0) as u64)
    }
}

/// Serde for a path, flattened into the record: `path` as text (lossy
/// when the path is not UTF-8, for people and older longforms), and then
/// `path_bytes`, the exact bytes in hex, which wins when read.
mod exact_path {
    use std::path::{Path, PathBuf};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Fields {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path_bytes: Option<String>,
    }

    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        let path_bytes = path
            .to_str()
            .is_none()
            .then(|| super::hex(path.as_os_str().as_encoded_bytes()));
        Fields {
            path: path.to_string_lossy().into_owned(),
            path_bytes,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        let fields = Fields::deserialize(d)?;
        Ok(fields
            .path_bytes
            .as_deref()
            .and_then(super::path_from_hex)
            .unwrap_or_else(|| PathBuf::from(fields.path)))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The path whose bytes `hex` spells; None when it is not hex. Only Unix
/// paths are raw bytes: elsewhere the lossy text is used.
fn path_from_hex(hex: &str) -> Option<PathBuf> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes?)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes?).ok().map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use crate::position::Position;

    const ID: &str = "00112233aabbccdd";

    fn anchor(byte: usize) -> Anchor {
        let src = "# Title\n\nSome text to anchor in, long enough for a quote.\n";
        Anchor::at(&parse(src), Position(byte))
    }

    fn state() -> ReadingState {
        ReadingState::new("/articles/a.md".into(), "A".into(), 42, 1000)
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        (dir, store)
    }

    /// A record as this longform writes it, as JSON text.
    fn fixture_json() -> String {
        let mut state = state();
        state.set_position(anchor(9), 1001);
        serde_json::to_string_pretty(&state).unwrap()
    }

    #[test]
    fn a_byte_order_mark_and_trailing_nuls_are_read_and_said() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let json = fixture_json();
        let mut expected = state();
        expected.set_position(anchor(9), 1001);
        for (bytes, what) in [
            (
                [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat(),
                "a byte order mark",
            ),
            (
                [json.as_bytes(), b"\n\0\0\0\0".as_slice()].concat(),
                "NUL bytes at its end",
            ),
            (
                [b"\xEF\xBB\xBF".as_slice(), json.as_bytes(), b"\0"].concat(),
                "a byte order mark and NUL bytes",
            ),
        ] {
            fs::write(store.record_path(ID), &bytes).unwrap();
            assert_eq!(store.stray_bytes(ID), Some(what));
            assert_eq!(store.load(ID).unwrap(), Load::Found(expected.clone()));
            // Saved again, it is plain JSON, and nothing is said of it.
            store.save(ID, &expected).unwrap();
            let written = fs::read(store.record_path(ID)).unwrap();
            assert!(written.starts_with(b"{") && !written.contains(&0), "{what}");
            assert_eq!(store.stray_bytes(ID), None);
        }
        assert_eq!(strip_stray(b"\0\0").0, b"");
    }

    #[test]
    fn fields_from_a_newer_longform_are_kept_when_saving() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&fixture_json()).unwrap();
        let fields = value.as_object_mut().unwrap();
        fields.insert(
            "margin_notes".into(),
            serde_json::json!([{"from": 3, "to": 9}]),
        );
        fields.insert("theme".into(), serde_json::json!("sepia"));
        fs::write(store.record_path(ID), value.to_string()).unwrap();

        let Load::Found(loaded) = store.load(ID).unwrap() else {
            panic!("the record is read");
        };
        assert_eq!(loaded.unknown.len(), 2);
        // Saved by a session that never saw them (its state is fresh).
        let mut ours = state();
        ours.add_bookmark(anchor(20), "mine".into(), None, 1002);
        store.save(ID, &ours).unwrap();
        let written: serde_json::Value =
            serde_json::from_slice(&fs::read(store.record_path(ID)).unwrap()).unwrap();
        assert_eq!(
            written["margin_notes"],
            serde_json::json!([{"from": 3, "to": 9}])
        );
        assert_eq!(written["theme"], "sepia");
        assert_eq!(written["bookmarks"][0]["label"], "mine");
        // The known fields are not also kept as unknown ones.
        let Load::Found(again) = store.load(ID).unwrap() else {
            panic!("the record is read");
        };
        assert_eq!(
            again.unknown.keys().collect::<Vec<_>>(),
            ["margin_notes", "theme"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_kept_exactly() {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"/articles/caf\xe9 \xff.md");
        let state = ReadingState::new(raw.into(), "Caf".into(), 42, 1000);
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(json["path"], "/articles/caf\u{fffd} \u{fffd}.md");
        assert_eq!(json["path_bytes"], hex(raw.as_bytes()));
        let back: ReadingState = serde_json::from_value(json).unwrap();
        assert_eq!(back.path.as_os_str(), raw);
        assert!(back.unknown.is_empty());
        // A UTF-8 path is written as before, without the bytes.
        let json = serde_json::to_value(super::tests::state()).unwrap();
        assert!(json.get("path_bytes").is_none());
        // Bytes that are not hex fall back on the text.
        let mut json = serde_json::to_value(&state).unwrap();
        json["path_bytes"] = "zz".into();
        let back: ReadingState = serde_json::from_value(json).unwrap();
        assert_eq!(back.path, Path::new("/articles/caf\u{fffd} \u{fffd}.md"));
    }

    #[cfg(unix)]
    #[test]
    fn a_record_of_a_non_utf8_file_is_found_not_missing() {
        use std::os::unix::ffi::OsStrExt;
        let (dir, store) = store();
        let article = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
        fs::write(&article, "# Caf\n").unwrap();
        let state = ReadingState::new(article.clone(), "Caf".into(), 42, 1000);
        store.save(ID, &state).unwrap();
        let (_, found) = store.find_by_fingerprint(42).unwrap();
        assert_eq!(found.path, article);
        assert!(found.path.exists(), "taken for a missing file");
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_full_disk_leaves_the_old_record_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old record").unwrap();
        let err = replace_file(dir.path(), ".r.", &path, |out| {
            out.write_all(b"half a new rec")?;
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device",
            ))
        })
        .unwrap_err();
        let said = format!("{err:#}");
        assert!(said.contains("no space left"), "{said}");
        // In one line, naming the record once, not the temporary file.
        let record = path.display().to_string();
        assert_eq!(said.matches(&record).count(), 1, "{said}");
        assert!(!said.contains("/.r.") && !said.contains('\n'), "{said}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old record");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");
    }

    #[test]
    fn a_vanished_config_dir_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let store = Store::new(&config);
        let state = ReadingState::new(PathBuf::from("/a.md"), "A".into(), 1, 1);
        store.save("abc", &state).unwrap();
        std::fs::remove_dir_all(&config).unwrap();
        store.save("abc", &state).unwrap();
        assert!(matches!(store.load("abc").unwrap(), Load::Found(_)));
    }

    #[test]
    fn record_ids_are_stable_fnv1a_hex() {
        // The FNV-1a offset basis and a published test vector: these must
        // never change, or every saved record would be lost.
        assert_eq!(record_id(Path::new("")), "cbf29ce484222325");
        assert_eq!(record_id(Path::new("a")), "af63dc4c8601ec8c");
        let id = record_id(Path::new("/home/me/articles/a.md"));
        assert_eq!(id.len(), 16);
        assert_ne!(id, record_id(Path::new("/home/me/articles/b.md")));
        check_id(&id).unwrap();
    }

    #[test]
    fn a_missing_record_is_fresh() {
        let (_dir, store) = store();
        assert_eq!(store.load(ID).unwrap(), Load::Fresh);
        assert!(store.all().is_empty());
    }

    #[test]
    fn save_then_load_round_trips_as_pretty_json() {
        let (_dir, store) = store();
        let mut s = state();
        s.set_position(anchor(12), 1001);
        s.add_bookmark(anchor(20), "Here".into(), Some("a note".into()), 1002);
        let saved = store.save(ID, &s).unwrap();
        assert_eq!(saved, s);
        assert_eq!(store.load(ID).unwrap(), Load::Found(s));
        let text = fs::read_to_string(store.record_path(ID)).unwrap();
        assert!(text.starts_with("{\n  \"version\": 3,\n"), "{text}");
        assert!(text.contains("\"fingerprint\": \"000000000000002a\""));
        assert!(text.ends_with("}\n"));
        assert_eq!(
            files_in(store.dir()),
            [format!("{ID}.json"), format!("{ID}.lock")]
        );
    }

    #[test]
    fn bad_ids_are_refused() {
        let (_dir, store) = store();
        for id in ["", "../x", "a/b", "a.json"] {
            assert!(store.load(id).is_err(), "{id:?}");
            assert!(store.save(id, &state()).is_err(), "{id:?}");
        }
    }

    #[test]
    fn the_newest_position_wins() {
        let (_dir, store) = store();
        let mut a = state();
        a.set_position(anchor(10), 2000);
        store.save(ID, &a).unwrap();
        let mut b = state();
        b.set_position(anchor(30), 1500);
        let merged = store.save(ID, &b).unwrap();
        assert_eq!(merged.position, a.position);
        b.set_position(anchor(30), 2500);
        let merged = store.save(ID, &b).unwrap();
        assert_eq!(merged.position, b.position);
        assert_eq!(merged.position_updated, 2500);
    }

    #[test]
    fn counters_take_the_larger_value_and_finished_sticks() {
        let mut disk = state();
        disk.finished = true;
        disk.seconds_read = 50;
        disk.last_opened = 3000;
        let mut ours = state();
        ours.seconds_read = 70;
        ours.words_read = 9;
        let m = merge(&disk, &ours);
        assert!(m.finished);
        assert_eq!((m.seconds_read, m.last_opened, m.words_read), (70, 3000, 9));
    }

    #[test]
    fn bookmarks_are_united_and_the_latest_edit_wins() {
        let mut disk = state();
        let id = disk
            .add_bookmark(anchor(10), "old".into(), None, 1000)
            .id
            .clone();
        disk.add_bookmark(anchor(11), "disk only".into(), None, 1001);
        let mut ours = disk.clone();
        ours.bookmarks.retain(|b| b.id == id);
        assert!(ours.edit_bookmark(&id, 1100, |b| b.label = "renamed".into()));
        ours.add_bookmark(anchor(12), "ours only".into(), None, 1002);
        let m = merge(&disk, &ours);
        let labels: Vec<&str> = m.bookmarks.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["renamed", "disk only", "ours only"]);
        // The other way round, the newer edit still wins.
        let m = merge(&ours, &disk);
        assert_eq!(m.bookmarks[0].label, "renamed");
    }

    #[test]
    fn a_tombstone_beats_an_older_copy_of_the_bookmark() {
        let (_dir, store) = store();
        let mut first = state();
        let id = first
            .add_bookmark(anchor(10), "doomed".into(), None, 1000)
            .id
            .clone();
        first.add_bookmark(anchor(11), "kept".into(), None, 1000);
        let stale = first.clone();
        store.save(ID, &first).unwrap();
        let removed = first.delete_bookmark(&id, 1200).unwrap();
        let saved = store.save(ID, &first).unwrap();
        assert_eq!(saved.bookmarks.len(), 1);
        // Another process (or a sync tool) still has the old copy.
        let merged = store.save(ID, &stale).unwrap();
        assert!(merged.bookmarks.iter().all(|b| b.id != id), "{merged:?}");
        assert_eq!(merged.tombstones.len(), 1);
        // An undo brings it back under a new id, which no tombstone names.
        let mut again = merged;
        let new_id = again.undelete_bookmark(removed, 1200).id.clone();
        let saved = store.save(ID, &again).unwrap();
        assert!(saved.bookmarks.iter().any(|b| b.id == new_id));
        assert_eq!(saved.bookmarks.len(), 2);
    }

    fn assert_moved_aside(text: &[u8], why: &str) {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let path = store.record_path(ID);
        fs::write(&path, text).unwrap();
        let Load::Corrupt { moved_to, reason } = store.load(ID).unwrap() else {
            panic!("{why}: not reported as corrupt");
        };
        assert!(!reason.is_empty());
        let name = moved_to.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("{ID}.json.corrupt-")),
            "{why}: {name}"
        );
        assert_eq!(fs::read(&moved_to).unwrap(), text, "{why}");
        assert!(!path.exists(), "{why}");
        // Reading starts fresh, and saving writes a new record beside the
        // bad one, which stays as it was.
        assert_eq!(store.load(ID).unwrap(), Load::Fresh);
        store.save(ID, &state()).unwrap();
        assert_eq!(fs::read(&moved_to).unwrap(), text, "{why}");
        assert_eq!(store.load(ID).unwrap(), Load::Found(state()));
    }

    #[test]
    fn corrupt_records_are_moved_aside_and_never_overwritten() {
        let good = serde_json::to_string_pretty(&state()).unwrap();
        assert_moved_aside(b"{ not json", "invalid JSON");
        assert_moved_aside(&good.as_bytes()[..good.len() / 2], "truncated");
        assert_moved_aside(b"", "empty");
        assert_moved_aside(
            good.replace("\"bookmarks\": []", "\"bookmarks\": \"x\"")
                .as_bytes(),
            "wrong type",
        );
        assert_moved_aside(br#"{"version": 1, "bookmarks": []}"#, "missing fields");
        assert_moved_aside(br#"{"path": "/a", "fingerprint": "00"}"#, "no version");
        assert_moved_aside(b"[1, 2]", "not an object");
    }

    #[test]
    fn odd_figures_are_read_as_the_nearest_they_can_be() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let good = serde_json::to_string_pretty(&state()).unwrap();
        assert!(good.contains("\"read\": 0") && good.contains("\"percent\": 0"));
        let odd = good
            .replace("\"read\": 0", "\"read\": 300")
            .replace("\"percent\": 0", "\"percent\": -5")
            .replace("\"seconds_read\": 0", "\"seconds_read\": \"x\"")
            .replace("\"words_read\": 0", "\"words_read\": 1.5");
        fs::write(store.record_path(ID), odd).unwrap();
        let Load::Found(read) = store.load(ID).unwrap() else {
            panic!("the record was not read");
        };
        assert_eq!((read.read, read.percent), (100, 0));
        assert_eq!((read.seconds_read, read.words_read), (0, 1));
        assert_eq!(read.bookmarks, state().bookmarks);
    }

    #[test]
    fn save_moves_a_corrupt_record_aside_too() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        fs::write(store.record_path(ID), b"garbage").unwrap();
        // A second corrupt file in the same second keeps the first.
        fs::write(
            store.dir().join(format!("{ID}.json.corrupt-{}", now())),
            b"older",
        )
        .unwrap();
        store.save(ID, &state()).unwrap();
        let names = files_in(store.dir());
        let aside: Vec<_> = names.iter().filter(|n| n.contains(".corrupt-")).collect();
        assert_eq!(aside.len(), 2, "{names:?}");
        let contents: Vec<Vec<u8>> = aside
            .iter()
            .map(|n| fs::read(store.dir().join(n)).unwrap())
            .collect();
        assert!(contents.contains(&b"garbage".to_vec()));
        assert!(contents.contains(&b"older".to_vec()));
    }

    #[test]
    fn a_newer_record_is_left_alone_and_never_downgraded() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let text = br#"{"version": 4, "shape": ["entirely", "new"]}"#;
        fs::write(store.record_path(ID), text).unwrap();
        assert_eq!(
            store.load(ID).unwrap(),
            Load::Newer {
                version: 4,
                state: None
            }
        );
        let err = store.save(ID, &state()).unwrap_err();
        assert!(format!("{err:#}").contains("newer longform"), "{err:#}");
        assert_eq!(fs::read(store.record_path(ID)).unwrap(), text);
        assert!(store.all().is_empty());
        assert!(
            files_in(store.dir()).iter().all(|n| !n.contains("corrupt")),
            "a newer record is not corrupt"
        );
    }

    #[test]
    fn a_newer_record_of_a_known_shape_is_read_but_never_rewritten() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let mut newer = state();
        newer.version = 7;
        newer.set_position(anchor(12), 1001);
        let mut value = serde_json::to_value(&newer).unwrap();
        value["something_new"] = serde_json::json!({"a": 1});
        let text = serde_json::to_vec_pretty(&value).unwrap();
        fs::write(store.record_path(ID), &text).unwrap();
        let Load::Newer {
            version: 7,
            state: Some(read),
        } = store.load(ID).unwrap()
        else {
            panic!("not read as newer");
        };
        assert_eq!(read.position, newer.position);
        assert_eq!(store.all().len(), 1, "listed");
        assert_eq!(store.find_by_fingerprint(42), None, "never carried over");
        assert!(store.save(ID, &state()).is_err());
        assert_eq!(fs::read(store.record_path(ID)).unwrap(), text);
    }

    #[test]
    fn highlights_are_merged_across_saves_and_a_deletion_sticks() {
        let (_dir, store) = store();
        let src = "# Title\n\nSome text to anchor in, long enough for a quote.\n";
        let doc = parse(src);
        let mut a = state();
        let kept = a
            .highlights
            .add(crate::annotations::Highlight::new(&doc, 9..18, 1, 1000).unwrap());
        let doomed = a
            .highlights
            .add(crate::annotations::Highlight::new(&doc, 19..30, 2, 1000).unwrap());
        let stale = store.save(ID, &a).unwrap();
        a.highlights.delete(&doomed, 1100);
        a.highlights.set_note(&kept, Some("first".into()), 1100);
        store.save(ID, &a).unwrap();
        // Another process still has the old copy, and adds one of its own.
        let mut b = stale;
        let theirs = b
            .highlights
            .add(crate::annotations::Highlight::new(&doc, 31..40, 0, 1200).unwrap());
        let merged = store.save(ID, &b).unwrap();
        let live: Vec<&str> = merged.highlights.live().map(|h| h.id.as_str()).collect();
        assert_eq!(live, [kept.as_str(), theirs.as_str()]);
        assert!(merged.highlights.get(&doomed).unwrap().is_deleted());
        assert_eq!(
            merged.highlights.get(&kept).unwrap().note.as_deref(),
            Some("first")
        );
        assert_eq!(store.load(ID).unwrap(), Load::Found(merged));
    }

    #[test]
    fn coverage_is_united_by_a_merge() {
        let (_dir, store) = store();
        let mut a = state();
        a.coverage = Coverage::of(0..10);
        a.read = 10;
        store.save(ID, &a).unwrap();
        let mut b = state();
        b.coverage = Coverage::of(50..70);
        b.read = 20;
        let merged = store.save(ID, &b).unwrap();
        assert_eq!(merged.coverage.pairs(), [[0, 10], [50, 70]]);
        assert_eq!(merged.read, 20);
        let text = fs::read_to_string(store.record_path(ID)).unwrap();
        assert!(text.contains("\"coverage\": [\n    [\n      0,"), "{text}");
    }

    #[test]
    fn listing_skips_what_it_cannot_read_and_puts_the_latest_first() {
        let (_dir, store) = store();
        let mut a = state();
        a.last_opened = 10;
        let mut b = state();
        b.last_opened = 20;
        b.fingerprint = 7;
        store.save("aaaa", &a).unwrap();
        store.save("bbbb", &b).unwrap();
        fs::write(store.record_path("cccc"), "{").unwrap();
        fs::write(store.record_path("dddd"), r#"{"version": 9}"#).unwrap();
        fs::write(store.dir().join(".aaaa.x.tmp"), "{").unwrap();
        let ids: Vec<String> = store.all().into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["bbbb", "aaaa"]);
        assert_eq!(store.find_by_fingerprint(7).unwrap().0, "bbbb");
        assert_eq!(store.find_by_fingerprint(8), None);
        // Listing never moves or changes anything.
        assert_eq!(fs::read(store.record_path("cccc")).unwrap(), b"{");
    }

    #[test]
    fn a_moved_article_carries_its_record_over() {
        let (_dir, store) = store();
        let old_id = record_id(Path::new("/old/a.md"));
        let mut s = state();
        s.add_bookmark(anchor(10), "kept".into(), None, 1000);
        store.save(&old_id, &s).unwrap();
        let (found_id, mut carried) = store.find_by_fingerprint(42).unwrap();
        assert_eq!(found_id, old_id);
        carried.path = "/new/a.md".into();
        let new_id = record_id(&carried.path);
        store.save(&new_id, &carried).unwrap();
        store.remove(&old_id).unwrap();
        let all = store.all();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].0, new_id);
        assert_eq!(all[0].1.bookmarks.len(), 1);
        store.remove(&old_id).unwrap();
    }

    #[test]
    fn stale_temporary_files_are_cleaned_up() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        fs::write(store.dir().join(format!(".{ID}.abc123.tmp")), "{\"ver").unwrap();
        fs::write(store.dir().join(".other.abc.tmp"), "x").unwrap();
        store.save(ID, &state()).unwrap();
        assert_eq!(
            files_in(store.dir()),
            [
                ".other.abc.tmp".to_string(),
                format!("{ID}.json"),
                format!("{ID}.lock")
            ]
        );
    }

    /// Holds the lock of record `ID` as another process would: a second
    /// open file of the lock has its own lock.
    fn hold_lock(store: &Store) -> File {
        fs::create_dir_all(store.dir()).unwrap();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(store.lock_path(ID))
            .unwrap();
        file.lock().unwrap();
        file
    }

    /// Save on a thread and wait for it, for a minute at most: a save that
    /// waits forever for the lock fails the test instead of hanging it.
    fn save_in_time(store: &Store, state: &ReadingState) -> Result<ReadingState> {
        let (tx, rx) = std::sync::mpsc::channel();
        let (store, state) = (store.clone(), state.clone());
        std::thread::spawn(move || {
            let _ = tx.send(store.save(ID, &state));
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the save waited for the held lock and never gave up")
    }

    #[test]
    fn a_held_lock_sends_the_save_to_pending_and_the_next_load_merges_it() {
        let (_dir, store) = store();
        let mut on_disk = state();
        on_disk.add_bookmark(anchor(2), "before".into(), None, 1000);
        store.save(ID, &on_disk).unwrap();
        let holder = hold_lock(&store);
        let mut ours = on_disk.clone();
        ours.add_bookmark(anchor(9), "while locked".into(), None, 1001);
        ours.set_position(anchor(20), 1002);
        for store in [store.clone(), store.impatient()] {
            let err = save_in_time(&store, &ours).unwrap_err();
            let msg = format!("{err:#}");
            assert!(msg.contains("held by another process"), "{msg}");
            assert!(msg.contains(".pending"), "{msg}");
        }
        // The record is untouched; the pending file has it all, and what
        // reads the record reads it too.
        let Ok(OnDisk::Valid(disk)) = read(&store.record_path(ID)) else {
            panic!("no record")
        };
        assert_eq!(disk.bookmarks.len(), 1);
        let Load::Found(loaded) = store.load(ID).unwrap() else {
            panic!("no record")
        };
        assert_eq!(loaded.bookmarks.len(), 2);
        let listed = store.all();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1.bookmarks.len(), 2);
        assert!(store.pending_path(ID).exists(), "the pending save was lost");
        let Ok(OnDisk::Valid(pending)) = read(&store.pending_path(ID)) else {
            panic!("the pending file is not a record")
        };
        assert_eq!(pending.bookmarks.len(), 2);
        // Once the lock is free, the next open merges it and removes it.
        drop(holder);
        let Load::Found(merged) = store.load(ID).unwrap() else {
            panic!("no record")
        };
        let mut labels: Vec<&str> = merged.bookmarks.iter().map(|b| b.label.as_str()).collect();
        labels.sort_unstable();
        assert_eq!(labels, ["before", "while locked"]);
        assert_eq!(merged.position.map(|a| a.byte), Some(20));
        assert!(!store.pending_path(ID).exists());
        assert!(
            files_in(store.dir()).iter().all(|f| !f.ends_with(".tmp")),
            "{:?}",
            files_in(store.dir())
        );
    }

    #[test]
    fn a_save_kept_pending_before_its_record_exists_is_listed() {
        let (_dir, store) = store();
        fs::create_dir_all(store.dir()).unwrap();
        let holder = hold_lock(&store);
        let mut ours = state();
        ours.add_bookmark(anchor(9), "while locked".into(), None, 1001);
        assert!(save_in_time(&store, &ours).is_err());
        assert!(!store.record_path(ID).exists());
        let listed = store.all();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].1.bookmarks.len(), 1);
        let Load::Found(loaded) = store.load(ID).unwrap() else {
            panic!("the pending save is not read")
        };
        assert_eq!(loaded.bookmarks.len(), 1);
        drop(holder);
    }

    #[test]
    fn concurrent_writers_lose_no_bookmark() {
        let (_dir, store) = store();
        const WRITERS: usize = 4;
        const EACH: usize = 15;
        std::thread::scope(|scope| {
            for w in 0..WRITERS {
                let store = &store;
                scope.spawn(move || {
                    // Each writer is a separate reader of the article that
                    // opened it before the others saved.
                    let mut mine = state();
                    for i in 0..EACH {
                        mine.add_bookmark(anchor(i), format!("{w}-{i}"), None, 1000);
                        mine = store.save(ID, &mine).unwrap();
                    }
                });
            }
        });
        let Load::Found(s) = store.load(ID).unwrap() else {
            panic!("no record")
        };
        let mut labels: Vec<String> = s.bookmarks.into_iter().map(|b| b.label).collect();
        labels.sort();
        let mut expected: Vec<String> = (0..WRITERS)
            .flat_map(|w| (0..EACH).map(move |i| format!("{w}-{i}")))
            .collect();
        expected.sort();
        assert_eq!(labels, expected);
    }

    #[test]
    fn a_config_dir_that_cannot_be_created_is_an_error_not_a_panic() {
        // A path below a regular file cannot become a folder, even for
        // root, which ignores permission bits.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let store = Store::new(&file.join("config"));
        let err = store.save(ID, &state()).unwrap_err();
        assert!(format!("{err:#}").contains("cannot create"), "{err:#}");
        assert!(store.load(ID).is_err() || store.load(ID).unwrap() == Load::Fresh);
        assert!(store.all().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_dir_is_an_error_and_reading_still_works() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, store) = store();
        store.save(ID, &state()).unwrap();
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o555)).unwrap();
        let probe = store.dir().join("probe");
        if File::create(&probe).is_ok() {
            // Running as root: permission bits do not stop writes here, and
            // the test above covers the unwritable case.
            let _ = fs::remove_file(&probe);
            fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!("skipped: permission bits are not enforced for this user");
            return;
        }
        let result = store.save(ID, &state());
        assert_eq!(store.load(ID).unwrap(), Load::Found(state()));
        fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(result.is_err());
    }

    #[test]
    fn the_learned_speed_needs_ten_minutes_and_a_plausible_value() {
        let mut a = state();
        a.words_read = 1000;
        a.active_seconds = 300;
        assert_eq!(learned_wpm([&a]), None);
        let b = a.clone();
        assert_eq!(learned_wpm([&a, &b]), Some(200));
        a.words_read = 0;
        assert_eq!(learned_wpm([&a, &a]), None);
    }
}
