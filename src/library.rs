//! The articles a reader keeps: folders scanned for `.md`, `.markdown` and
//! `.txt` files, each summarised (title, author, words, headings), joined
//! with its reading record (progress, finished, bookmarks, last read).
//!
//! Summaries are cached in the config dir keyed by path, size and
//! modification time, so a warm scan only looks at file metadata. A file
//! that cannot be read is a row with its error, never the end of the scan.
//! No terminal here; the paths are passed in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::load::decode;
use crate::reader::DEFAULT_WPM;
use crate::store::ReadingState;

/// File endings that are articles.
const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "epub"];
/// Folders never entered: build output and dependencies.
const SKIPPED: &[&str] = &["target", "node_modules"];

/// What the library shows of one article file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub path: PathBuf,
    pub title: String,
    pub author: Option<String>,
    /// The date and language of its front matter (an EPUB's metadata).
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// The words, counted in the whole text or estimated from its head
    /// (`estimated`).
    pub words: usize,
    /// The headings seen: in the head only, when `estimated`.
    pub headings: usize,
    /// Why the file could not be read, for a dimmed row.
    pub error: Option<String>,
    /// Only the head of a long file was read: `words` is scaled from it.
    #[serde(default)]
    pub estimated: bool,
}

impl Summary {
    pub fn minutes(&self, wpm: usize) -> usize {
        self.words.div_ceil(wpm.max(1))
    }
}

/// What the library says of folders it was given that are not there.
pub fn no_such_folders(missing: &[PathBuf]) -> String {
    let names: Vec<String> = missing
        .iter()
        .map(|p| crate::layout::isolate(&crate::parse::sanitize(&p.to_string_lossy())))
        .collect();
    let folders = if names.len() == 1 {
        "folder"
    } else {
        "folders"
    };
    format!(
        "No such {folders}: {} (the library setting: longform config)",
        names.join(", ")
    )
}

/// Every article file under `dir`, in path order. Hidden folders, `target`
/// and `node_modules` are skipped; the walk is iterative.
pub fn find_articles(dir: &Path) -> Vec<PathBuf> {
    find_articles_but(dir, None)
}

/// The articles of every folder of `roots`, in path order, each once,
/// with none of longform's own files: a config folder inside a library
/// folder holds the books converted from EPUB, which are no articles of
/// the library.
pub fn articles_of(roots: &[PathBuf], config_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for root in roots {
        paths.extend(find_articles_but(root, config_dir));
    }
    paths.sort();
    paths.dedup();
    paths
}

/// The same folder, whichever path names it.
fn same_folder(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// `find_articles`, with the folder `skip` (and what is in it) left out.
fn find_articles_but(dir: &Path, skip: Option<&Path>) -> Vec<PathBuf> {
    let skip = skip.and_then(|s| std::fs::metadata(s).ok());
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                let skipped = skip
                    .as_ref()
                    .is_some_and(|s| entry.metadata().is_ok_and(|m| same_folder(s, &m)));
                if !name.starts_with('.') && !SKIPPED.contains(&name.as_ref()) && !skipped {
                    stack.push(path);
                }
            } else if is_article(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Whether a path names an article file by its ending.
pub fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Whether a path is a plain-text article rather than Markdown.
pub fn is_plain_text(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// Parse an article's text the way its file ending says.
pub fn parse_article(path: Option<&Path>, text: &str) -> Document {
    parse_shared_article(path, &std::sync::Arc::from(text))
}

/// `parse_article` of a shared text, which the document's spans read their
/// text from.
pub fn parse_shared_article(path: Option<&Path>, text: &std::sync::Arc<str>) -> Document {
    match path {
        Some(p) if is_plain_text(p) => crate::parse::text::parse_text_shared(text),
        _ => crate::parse::parse_shared(text),
    }
}

/// The error of a library row that is a named pipe, a device or a socket.
pub const NOT_REGULAR: &str = "not a regular file";

/// Read and summarise one article file.
pub fn summarise(path: &Path) -> Summary {
    let name = crate::parse::sanitize(&path.to_string_lossy());
    let stem = path.file_stem().map_or_else(
        || name.clone(),
        |s| crate::parse::sanitize(&s.to_string_lossy()),
    );
    let failed = |error: String| Summary {
        path: path.to_path_buf(),
        title: stem.clone(),
        author: None,
        date: None,
        language: None,
        words: 0,
        headings: 0,
        error: Some(error),
        estimated: false,
    };
    // The error names the file only: the row already shows where it is.
    let file_name = path
        .file_name()
        .map_or(name, |n| crate::parse::sanitize(&n.to_string_lossy()));
    // Never opened when it is not a regular file: a named pipe would
    // hold the scan until something writes to it.
    let (file, meta) = match crate::load::open_regular(path) {
        Ok(opened) => opened,
        Err(crate::load::Unopenable::Special(_)) => return failed(NOT_REGULAR.into()),
        Err(e) => return failed(e.describe("an article")),
    };
    if let Err(e) = crate::load::check_size(path, &file_name) {
        return failed(format!("{e:#}"));
    }
    if crate::load::epub::is_epub(path) {
        return match crate::load::epub::load(file, &meta, file_name, path) {
            Ok(source) => summary_of(path, stem, &source.text),
            Err(e) => failed(format!("{e:#}")),
        };
    }
    let bytes = match read_head(file, meta.len()) {
        Ok(b) => b,
        Err(e) => {
            return failed(format!(
                "{:#}",
                crate::load::unreadable(&file_name, &e, None)
            ));
        }
    };
    let head = bytes.len();
    let source = match decode(bytes, file_name, Some(path.to_path_buf())) {
        Ok(s) => s,
        Err(e) => return failed(format!("{e:#}")),
    };
    let mut summary = summary_of(path, stem, &source.text);
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if head > 0 && head < size {
        summary.words = estimate(summary.words, head, size);
        summary.estimated = true;
    }
    summary
}

/// How much of a file a summary reads: the title, the author and a fair
/// sample of the words are in it, and a cold scan of a large library
/// reads a fraction of its bytes.
pub const HEAD: usize = 16 * 1024;

/// The head of an article file: its first `HEAD` bytes, cut after the last
/// line break in them, or the whole file when it is short or UTF-16 (whose
/// line breaks are two bytes). A file with NUL bytes among its first is
/// refused as `load` refuses it.
fn read_head(file: std::fs::File, size: u64) -> Result<Vec<u8>, crate::load::Unreadable> {
    use std::io::Read;
    let limit = u64::try_from(HEAD).unwrap_or(u64::MAX);
    let mut file = file;
    let mut bytes = crate::load::read_text(
        (&mut file).take(limit),
        crate::load::MAX_ARTICLE,
        size.min(limit),
        None,
    )?;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if bytes.len() < HEAD {
        return Ok(bytes);
    }
    if utf16 {
        file.read_to_end(&mut bytes)
            .map_err(crate::load::Unreadable::Io)?;
        return Ok(bytes);
    }
    // Only a head when there is more: a file of exactly `HEAD` bytes is
    // whole.
    let mut probe = [0u8; 1];
    match file.read(&mut probe) {
        Ok(0) => return Ok(bytes),
        Ok(_) => {}
        Err(e) => return Err(crate::load::Unreadable::Io(e)),
    }
    if let Some(end) = memchr::memrchr(b'\n', &bytes) {
        bytes.truncate(end + 1);
    }
    Ok(bytes)
}

/// The words of a whole file, from `words` counted in its first `head`
/// bytes of `size`; rounded to a hundred, as an estimate should be.
fn estimate(words: usize, head: usize, size: usize) -> usize {
    let scaled = u128::try_from(words).unwrap_or(0) * u128::try_from(size).unwrap_or(0)
        / u128::try_from(head.max(1)).unwrap_or(1);
    let scaled = usize::try_from(scaled).unwrap_or(usize::MAX);
    scaled.div_ceil(100).saturating_mul(100).max(words)
}

/// The summary of an article's text.
fn summary_of(path: &Path, stem: String, text: &str) -> Summary {
    let doc = parse_article(Some(path), text);
    Summary {
        path: path.to_path_buf(),
        title: doc.title().map_or(stem, crate::parse::sanitize),
        author: doc.meta.author.clone(),
        date: doc.meta.date.clone(),
        language: doc.meta.language.clone(),
        words: doc.words,
        headings: doc.headings.len(),
        error: None,
        estimated: false,
    }
}

/// The cache key of a file: its size and modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: u128,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Some(Stamp {
            size: meta.len(),
            modified_ns,
        })
    }
}

/// The version of the summaries' cache: raised whenever what a summary
/// holds, or how it is read from an article (its title, its author), changes,
/// so that a new longform does not show what an older one inferred.
const CACHE_VERSION: u32 = 3;

/// Summaries kept between runs, keyed by path; valid while the file's size
/// and modification time are unchanged.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    entries: HashMap<PathBuf, (Stamp, Summary)>,
}

impl Cache {
    /// The cache file in the config dir.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("library-cache.json")
    }

    /// Load the cache; a missing or unreadable one is empty (it is only a
    /// cache).
    pub fn load(file: &Path) -> Cache {
        use std::io::Read;
        // Opened only when it is a regular file: a named pipe in its
        // place would hold the scan.
        crate::load::open_regular(file)
            .ok()
            .and_then(|(mut f, meta)| {
                let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
                f.read_to_end(&mut bytes).ok().map(|_| bytes)
            })
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// Write the cache atomically.
    pub fn save(&self, file: &Path) -> Result<()> {
        let dir = file.parent().context("the cache has no folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        let out = Cache {
            version: CACHE_VERSION,
            entries: self.entries.clone(),
        };
        serde_json::to_writer(&mut tmp, &out)?;
        tmp.persist(file)?;
        Ok(())
    }

    /// The cached summary of `path`, if the file has not changed.
    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<&Summary> {
        self.entries
            .get(path)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, summary)| summary)
    }

    pub fn put(&mut self, stamp: Stamp, summary: Summary) {
        self.entries.insert(summary.path.clone(), (stamp, summary));
    }

    /// The reader counted every word of the article at `path`, whose
    /// size and time are `stamp`: the entries for that file (under any
    /// path to it) say `words`, not an estimate from its head. A file the
    /// library never scanned has none, and is counted at its first scan.
    /// Whether an entry changed.
    pub fn counted(&mut self, path: &Path, stamp: Stamp, words: usize) -> bool {
        let target = std::fs::canonicalize(path).ok();
        let mut changed = false;
        for (p, (s, summary)) in &mut self.entries {
            let same = *s == stamp
                && p.file_name() == path.file_name()
                && std::fs::canonicalize(p).ok() == target;
            if same && (summary.estimated || summary.words != words) {
                summary.words = words;
                summary.estimated = false;
                changed = true;
            }
        }
        changed
    }

    /// `counted`, in the cache file in `config_dir`, which is written only
    /// when an entry changed (it is only a cache: a failure costs an
    /// estimate in the library).
    pub fn note_counted(config_dir: &Path, path: &Path, words: usize) {
        let Some(stamp) = Stamp::of(path) else {
            return;
        };
        let file = Cache::path(config_dir);
        let mut cache = Cache::load(&file);
        if cache.counted(path, stamp, words) {
            let _ = cache.save(&file);
        }
    }

    /// Forget files that are gone, so the cache does not grow forever.
    pub fn retain(&mut self, keep: &[PathBuf]) {
        let keep: std::collections::HashSet<&PathBuf> = keep.iter().collect();
        self.entries.retain(|p, _| keep.contains(p));
    }
}

/// Summaries of `paths`, from the cache where it is valid; the cache is
/// updated. Files are read on as many threads as there are cores (at most
/// `MAX_WORKERS`). `each` is called on the calling thread with every
/// summary as it is ready, in the order they finish, so a screen can fill
/// in while the scan goes on; the result is in the order of `paths`.
pub fn scan(paths: &[PathBuf], cache: &mut Cache, mut each: impl FnMut(&Summary)) -> Vec<Summary> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, MAX_WORKERS)
        .min(paths.len().max(1));
    let next = AtomicUsize::new(0);
    let mut out: Vec<Option<Summary>> = vec![None; paths.len()];
    let mut fresh = Vec::new();
    let shared: &Cache = cache;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let stamp = Stamp::of(path);
                    let cached = stamp.and_then(|s| shared.get(path, s).cloned());
                    let (summary, new) = match cached {
                        Some(s) => (s, false),
                        None => (summarise(path), true),
                    };
                    if tx.send((i, stamp.filter(|_| new), summary)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, stamp, summary) in rx {
            each(&summary);
            if let Some(stamp) = stamp {
                fresh.push((stamp, summary.clone()));
            }
            out[i] = Some(summary);
        }
    });
    for (stamp, summary) in fresh {
        cache.put(stamp, summary);
    }
    cache.retain(paths);
    out.into_iter().flatten().collect()
}

/// The most threads a scan reads files on: past a few, the disk is the
/// limit.
const MAX_WORKERS: usize = 8;

/// One library row: the article and what the reader did with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub summary: Summary,
    /// Where the saved place is, in percent of the words before it.
    pub percent: u8,
    /// The share of the words read, in percent.
    pub read: u8,
    pub finished: bool,
    pub bookmarks: usize,
    /// Unix seconds; 0 when never opened.
    pub last_opened: u64,
    /// The saved place exists, so `c` can continue there.
    pub started: bool,
}

/// Carry the records of articles moved since they were read to where
/// `summaries` found them, as opening them would (`session`): a file with
/// no record at its path takes the record of the same text whose file is
/// gone, saved under its new path, the old one removed. Only files that
/// may be one of those are read: of the same title, or of the size the
/// record's text had. The records, as they are after; how many moved.
pub fn carry_moved(
    store: &crate::store::Store,
    summaries: &[Summary],
    mut records: Vec<(String, ReadingState)>,
) -> (Vec<(String, ReadingState)>, usize) {
    // Gone from a folder that is still there: renamed, or moved out of
    // it. A file on a drive not mounted now is not gone; its record stays.
    let gone = |r: &ReadingState| {
        r.version <= crate::store::VERSION
            && !r.is_stdin()
            && !r.path.exists()
            && r.path.parent().is_some_and(Path::is_dir)
    };
    if !records.iter().any(|(_, r)| gone(r)) {
        return (records, 0);
    }
    let mut carried = 0;
    for summary in summaries.iter().filter(|s| s.error.is_none()) {
        let Ok(canonical) = std::fs::canonicalize(&summary.path) else {
            continue;
        };
        if records.iter().any(|(_, r)| r.path == canonical) {
            continue;
        }
        let size = std::fs::metadata(&canonical).map_or(u64::MAX, |m| m.len());
        let maybe = |r: &ReadingState| {
            gone(r)
                && (r.title == summary.title
                    || r.position.as_ref().is_some_and(|a| a.len as u64 == size))
        };
        if !records.iter().any(|(_, r)| maybe(r)) {
            continue;
        }
        let Ok(source) = crate::load::load(&canonical) else {
            continue;
        };
        let fingerprint = crate::parse::fingerprint(&source.text);
        let Some(i) = records
            .iter()
            .position(|(_, r)| maybe(r) && r.fingerprint == fingerprint)
        else {
            continue;
        };
        let (old_id, old) = records[i].clone();
        let id = crate::store::record_id(&canonical);
        let moved = ReadingState {
            path: canonical,
            ..old
        };
        // Saved first: the old record goes only once the new one is in.
        let Ok(saved) = store.save(&id, &moved) else {
            continue;
        };
        if !old.path.exists() && old_id != id {
            let _ = store.remove(&old_id);
        }
        records[i] = (id, saved);
        carried += 1;
    }
    (records, carried)
}

/// Join summaries with reading records (matched by canonical path).
pub fn rows(summaries: &[Summary], records: &[ReadingState]) -> Vec<Row> {
    let by_path: HashMap<&Path, &ReadingState> =
        records.iter().map(|r| (r.path.as_path(), r)).collect();
    summaries
        .iter()
        .map(|s| {
            // Without records there is nothing to match: no path is made
            // canonical (a few system calls for each of thousands).
            let record = if by_path.is_empty() {
                None
            } else {
                let canonical = std::fs::canonicalize(&s.path).unwrap_or_else(|_| s.path.clone());
                by_path.get(canonical.as_path()).copied()
            };
            row(s.clone(), record)
        })
        .collect()
}

/// A row from a summary and its record, if any.
pub fn row(summary: Summary, record: Option<&ReadingState>) -> Row {
    match record {
        Some(r) => Row {
            summary,
            percent: r.percent,
            read: r.read,
            finished: r.finished,
            bookmarks: r.bookmarks.len(),
            last_opened: r.last_opened,
            started: r.position.is_some(),
        },
        None => Row {
            summary,
            percent: 0,
            read: 0,
            finished: false,
            bookmarks: 0,
            last_opened: 0,
            started: false,
        },
    }
}

/// How the library is sorted; `s` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Recent,
    Title,
    Author,
    Progress,
    Length,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Recent => Sort::Title,
            Sort::Title => Sort::Author,
            Sort::Author => Sort::Progress,
            Sort::Progress => Sort::Length,
            Sort::Length => Sort::Recent,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sort::Recent => "recent",
            Sort::Title => "title",
            Sort::Author => "author",
            Sort::Progress => "progress",
            Sort::Length => "length",
        }
    }

    /// Sort rows in place; ties keep path order.
    pub fn apply(self, rows: &mut [Row]) {
        match self {
            Sort::Recent => rows.sort_by(|a, b| {
                b.last_opened
                    .cmp(&a.last_opened)
                    .then_with(|| a.summary.path.cmp(&b.summary.path))
            }),
            Sort::Title => rows.sort_by_cached_key(|r| r.summary.title.to_lowercase()),
            // By author's surname, then title; articles without an author
            // come last.
            Sort::Author => rows.sort_by_cached_key(|r| {
                (
                    r.summary.author.is_none(),
                    r.summary.author.as_deref().map(surname_first),
                    r.summary.title.to_lowercase(),
                )
            }),
            Sort::Progress => {
                rows.sort_by_key(|r| std::cmp::Reverse((r.finished, r.read, r.percent)));
            }
            Sort::Length => rows.sort_by_key(|r| std::cmp::Reverse(r.summary.words)),
        }
    }
}

/// An author's name as a shelf sorts it, lowercased: by the first
/// author's surname (the last word of `H. G. Wells`, before a `Jr.`),
/// then the rest; a name written surname first (`Wells, H. G.`) is kept.
fn surname_first(author: &str) -> String {
    let lower = author.trim().to_lowercase();
    let first = [" and ", " & ", ";", " with "]
        .iter()
        .filter_map(|sep| lower.find(sep))
        .min()
        .map_or(lower.as_str(), |at| &lower[..at]);
    // `Kurt Vonnegut, Jr.`: the suffix is no surname.
    let first = [", jr.", ", jr", ", sr.", ", sr", ", ii", ", iii", ", iv"]
        .iter()
        .find_map(|suffix| first.strip_suffix(suffix))
        .unwrap_or(first);
    if let Some((surname, given)) = first.split_once(',')
        && surname.split_whitespace().count() <= 2
        && !given.trim().is_empty()
    {
        return format!("{} {}", surname.trim(), given.trim());
    }
    let mut words: Vec<&str> = first.split_whitespace().collect();
    while words.len() > 1
        && matches!(
            words[words.len() - 1].trim_end_matches('.'),
            "jr" | "sr" | "ii" | "iii" | "iv"
        )
    {
        words.pop();
    }
    match words.split_last() {
        Some((surname, given)) if !given.is_empty() => format!("{surname} {}", given.join(" ")),
        _ => first.trim().to_string(),
    }
}

/// The rows `query` matches, best first, as indices into `rows`: a match
/// in the title ranks above one in the author, which ranks above one in
/// the file name; within each, the matcher's score (a contiguous match
/// above a scattered one); then the order of `rows`. An empty query
/// matches every row, in order.
pub fn filter(rows: &[Row], query: &str) -> Vec<usize> {
    let mut fuzzy = crate::fuzzy::Fuzzy::new(query);
    if fuzzy.is_empty() {
        return (0..rows.len()).collect();
    }
    let mut hits: Vec<(u8, std::cmp::Reverse<u32>, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let tier = if let Some(s) = fuzzy.score(&r.summary.title) {
                (0, s)
            } else if let Some(s) = r.summary.author.as_deref().and_then(|a| fuzzy.score(a)) {
                (1, s)
            } else {
                let name = r.summary.path.file_name()?.to_string_lossy();
                (2, fuzzy.score(&name)?)
            };
            Some((tier.0, std::cmp::Reverse(tier.1), i))
        })
        .collect();
    hits.sort_unstable();
    hits.into_iter().map(|(_, _, i)| i).collect()
}

/// The article `c` continues: the most recently read unfinished one.
pub fn continue_row(rows: &[Row]) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r.started && !r.finished && r.summary.error.is_none())
        .max_by_key(|(_, r)| r.last_opened)
        .map(|(i, _)| i)
}

/// `then` (unix seconds) said the way people say it: "just now",
/// "5 minutes ago", "yesterday", "2 days ago"; "never" for 0.
pub fn ago(then: u64, now: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    if then == 0 {
        return "never".to_string();
    }
    let d = now.saturating_sub(then);
    let (n, unit) = match d {
        _ if d < MINUTE => return "just now".to_string(),
        _ if d < HOUR => (d / MINUTE, "minute"),
        _ if d < DAY => (d / HOUR, "hour"),
        _ if d < 2 * DAY => return "yesterday".to_string(),
        _ if d < 30 * DAY => (d / DAY, "day"),
        _ if d < 365 * DAY => (d / (30 * DAY), "month"),
        _ => (d / (365 * DAY), "year"),
    };
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

/// Minutes at the default speed, for rows.
pub fn default_minutes(words: usize) -> usize {
    words.div_ceil(DEFAULT_WPM)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn finds_nested_articles_and_skips_ignored_folders() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a.md", "# A\n");
        write(d.path(), "deep/er/b.markdown", "# B\n");
        write(d.path(), "notes/c.txt", "C\n");
        write(d.path(), "notes/c.rs", "fn main() {}\n");
        write(d.path(), ".hidden/d.md", "# D\n");
        write(d.path(), "target/e.md", "# E\n");
        write(d.path(), "node_modules/x/f.md", "# F\n");
        let found: Vec<String> = find_articles(d.path())
            .iter()
            .map(|p| p.strip_prefix(d.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.md", "deep/er/b.markdown", "notes/c.txt"]);
    }

    #[test]
    fn a_config_folder_inside_the_library_is_left_out() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a.md", "# A\n");
        write(d.path(), "cfg/cache/epub/0123-v9.md", "# A book\n");
        write(d.path(), "more/b.md", "# B\n");
        // Named another way (through `more/..`): the same folder.
        let config = d.path().join("more/../cfg");
        let roots = [d.path().to_path_buf(), d.path().join("more")];
        let found: Vec<String> = articles_of(&roots, Some(&config))
            .iter()
            .map(|p| p.strip_prefix(d.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.md", "more/b.md"]);
        assert_eq!(articles_of(&roots, None).len(), 3);
    }

    #[test]
    fn bad_files_are_rows_with_their_error() {
        let d = tempfile::tempdir().unwrap();
        let good = write(
            d.path(),
            "good.md",
            "---\ntitle: Good One\nauthor: Ann\n---\nSome words here.\n",
        );
        let bin = d.path().join("bin.md");
        std::fs::write(&bin, b"\0\x01\x02binary").unwrap();
        let mut cache = Cache::default();
        let out = scan(&[bin.clone(), good.clone()], &mut cache, |_| {});
        assert!(
            out[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("binary"))
        );
        assert_eq!(out[0].title, "bin");
        assert_eq!(out[1].title, "Good One");
        assert_eq!(out[1].author.as_deref(), Some("Ann"));
        assert_eq!(out[1].words, 3);
    }

    #[test]
    fn the_cache_is_used_until_the_file_changes() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "a.md", "# First title\n\nwords\n");
        let mut cache = Cache::default();
        scan(std::slice::from_ref(&p), &mut cache, |_| {});
        let file = Cache::path(d.path());
        cache.save(&file).unwrap();
        let mut warm = Cache::load(&file);
        // Tamper with the cached title: a warm scan must return it as is.
        let stamp = Stamp::of(&p).unwrap();
        let mut s = warm.get(&p, stamp).unwrap().clone();
        s.title = "Cached".into();
        warm.put(stamp, s);
        assert_eq!(
            scan(std::slice::from_ref(&p), &mut warm, |_| {})[0].title,
            "Cached"
        );
        // A change of size invalidates it.
        std::fs::write(&p, "# Second title, longer\n\nwords\n").unwrap();
        assert_eq!(
            scan(std::slice::from_ref(&p), &mut warm, |_| {})[0].title,
            "Second title, longer"
        );
    }

    #[test]
    fn sorting_and_continue() {
        let row = |title: &str, percent: u8, last: u64, finished: bool, words: usize| Row {
            summary: Summary {
                path: PathBuf::from(format!("{title}.md")),
                title: title.into(),
                author: None,
                date: None,
                language: None,
                words,
                headings: 0,
                error: None,
                estimated: false,
            },
            percent,
            read: percent,
            finished,
            bookmarks: 0,
            last_opened: last,
            started: last > 0,
        };
        let mut rows = vec![
            row("b", 50, 10, false, 100),
            row("a", 100, 30, true, 300),
            row("c", 10, 20, false, 200),
        ];
        rows[0].summary.author = Some("Zoe".into());
        rows[2].summary.author = Some("adam".into());
        Sort::Author.apply(&mut rows);
        assert_eq!(
            rows.iter()
                .map(|r| r.summary.title.as_str())
                .collect::<String>(),
            "cba",
            "by author, case aside; none last"
        );
        // By surname, as a shelf is.
        rows[0].summary.author = Some("H. G. Wells".into());
        rows[1].summary.author = Some("Bram Stoker".into());
        rows[2].summary.author = Some("F. Scott Fitzgerald".into());
        Sort::Author.apply(&mut rows);
        let order: Vec<_> = rows
            .iter()
            .map(|r| r.summary.author.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(order, ["F. Scott Fitzgerald", "Bram Stoker", "H. G. Wells"]);
        Sort::Recent.apply(&mut rows);
        assert_eq!(
            rows.iter()
                .map(|r| r.summary.title.as_str())
                .collect::<String>(),
            "acb"
        );
        Sort::Title.apply(&mut rows);
        assert_eq!(
            rows.iter()
                .map(|r| r.summary.title.as_str())
                .collect::<String>(),
            "abc"
        );
        Sort::Progress.apply(&mut rows);
        assert_eq!(
            rows.iter()
                .map(|r| r.summary.title.as_str())
                .collect::<String>(),
            "abc"
        );
        Sort::Length.apply(&mut rows);
        assert_eq!(
            rows.iter()
                .map(|r| r.summary.title.as_str())
                .collect::<String>(),
            "acb"
        );
        // The finished one is skipped: c is the latest unfinished.
        let i = continue_row(&rows).unwrap();
        assert_eq!(rows[i].summary.title, "c");
    }

    #[test]
    fn words_the_reader_counted_replace_the_estimate_in_the_cache() {
        let d = tempfile::tempdir().unwrap();
        let para = "Seven words in every line of this.\n\n";
        let p = write(d.path(), "long.md", &para.repeat(4 * HEAD / para.len()));
        let stamp = Stamp::of(&p).unwrap();
        let config = d.path().join("config");
        let file = Cache::path(&config);
        // Nothing scanned yet: no cache is made.
        Cache::note_counted(&config, &p, 1234);
        assert!(!file.exists());
        // Scanned under another path to the same file.
        let other = d.path().join(".").join("long.md");
        let mut cache = Cache::default();
        let mut summary = summarise(&other);
        summary.path = other.clone();
        assert!(summary.estimated);
        cache.put(stamp, summary);
        cache.save(&file).unwrap();
        Cache::note_counted(&config, &p, 1234);
        let cache = Cache::load(&file);
        let entry = cache.get(&other, stamp).unwrap();
        assert_eq!((entry.words, entry.estimated), (1234, false));
        // A file changed since its entry was made is left to the next scan.
        let mut again = cache.clone();
        let older = Stamp {
            size: stamp.size + 1,
            ..stamp
        };
        assert!(!again.counted(&p, older, 99));
        assert!(!again.counted(&p, stamp, 1234), "nothing to change");
    }

    #[test]
    fn a_long_file_is_summarised_from_its_head() {
        let d = tempfile::tempdir().unwrap();
        let para = "Seven words in every line of this.\n\n";
        let body = para.repeat(4 * HEAD / para.len());
        let p = write(
            d.path(),
            "long.md",
            &format!("---\ntitle: Long\nauthor: Ann\n---\n\n{body}"),
        );
        let s = summarise(&p);
        assert_eq!(s.title, "Long");
        assert_eq!(s.author.as_deref(), Some("Ann"));
        assert!(s.estimated);
        let exact = parse_article(Some(&p), &std::fs::read_to_string(&p).unwrap()).words;
        let off = s.words.abs_diff(exact);
        assert!(off * 20 < exact, "estimated {} for {exact}", s.words);
        // A short one is counted whole.
        let short = write(d.path(), "short.md", "# Short\n\nThree words here.\n");
        let s = summarise(&short);
        assert!(!s.estimated);
        assert_eq!(s.words, 4);
        // Exactly a head long: whole, not estimated.
        let line = "word ".repeat(15) + "\n";
        let mut exact = line.repeat(HEAD / line.len());
        exact.push_str(&"x".repeat(HEAD - exact.len()));
        let p = write(d.path(), "exact.md", &exact);
        assert!(!summarise(&p).estimated);
    }

    #[test]
    fn a_parallel_scan_keeps_the_order_of_paths() {
        let d = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..40)
            .map(|i| write(d.path(), &format!("{i:02}.md"), &format!("# Title {i}\n")))
            .collect();
        let mut cache = Cache::default();
        let mut seen = 0;
        let out = scan(&paths, &mut cache, |_| seen += 1);
        assert_eq!(seen, 40);
        let titles: Vec<String> = out.iter().map(|s| s.title.clone()).collect();
        let want: Vec<String> = (0..40).map(|i| format!("Title {i}")).collect();
        assert_eq!(titles, want);
        // Every one is cached now.
        for p in &paths {
            assert!(cache.get(p, Stamp::of(p).unwrap()).is_some());
        }
    }

    #[test]
    fn estimates_are_rounded_and_never_below_the_count() {
        assert_eq!(estimate(1000, 16, 64), 4000);
        assert_eq!(estimate(333, 10, 31), 1100);
        assert_eq!(estimate(5, 100, 101), 100);
        assert_eq!(estimate(0, 10, 100), 0);
    }

    #[test]
    fn authors_sort_by_surname() {
        for (name, key) in [
            ("H. G. Wells", "wells h. g."),
            ("Martin Luther King Jr.", "king martin luther"),
            ("Wells, H. G.", "wells h. g."),
            ("Jacob Grimm and Wilhelm Grimm", "grimm jacob"),
            ("Plato", "plato"),
            ("村上春樹", "村上春樹"),
            ("  Guido van Rossum ", "rossum guido van"),
            ("Kurt Vonnegut, Jr.", "vonnegut kurt"),
            ("Martin Luther King, Jr.", "king martin luther"),
        ] {
            assert_eq!(surname_first(name), key, "{name}");
        }
    }

    #[test]
    fn ago_reads_like_speech() {
        let now = 1_000_000_000;
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now - 59, now), "just now");
        assert_eq!(ago(now - 60, now), "1 minute ago");
        assert_eq!(ago(now - 5 * 60, now), "5 minutes ago");
        assert_eq!(ago(now - 3 * 3600, now), "3 hours ago");
        assert_eq!(ago(now - 30 * 3600, now), "yesterday");
        assert_eq!(ago(now - 2 * 86_400, now), "2 days ago");
        assert_eq!(ago(now - 65 * 86_400, now), "2 months ago");
        assert_eq!(ago(now - 800 * 86_400, now), "2 years ago");
        // A clock that went backwards is not the future.
        assert_eq!(ago(now + 100, now), "just now");
        assert_eq!(ago(0, now), "never");
    }
}
