//! The non-interactive commands about what longform remembers: `where`
//! (the config dir and the files in it), `bookmarks` (each bookmark with the
//! section, percent and text it points at), `highlights` (each passage
//! marked, found in the article as it is now) and `progress` (the articles
//! read). They only read: a corrupt record is skipped, never moved aside,
//! and an article is parsed only to find where its anchors are now. When the
//! article is gone, the saved anchor speaks for it. Every string that comes
//! from a record or an article is sanitised before it is printed.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::annotations::{self, Found, HighlightView};
use crate::document::{Document, Meta};
use crate::layout::{isolate, visual_text};
use crate::library::{ago, parse_article};
use crate::load::{decode, load};
use crate::parse::sanitize;
use crate::paths;
use crate::position::{Anchor, Position};
use crate::session::not_in_label;
use crate::store::{self, Bookmark, ReadingState, Store};
use crate::width::{display_width, fit};

/// Characters of article text shown for a bookmark.
const SNIPPET_CHARS: usize = 60;

/// The widest a title may be in the `progress` table, in columns.
const TITLE_COLUMNS: usize = 40;

/// What `bookmarks` says when there are none.
pub const NO_BOOKMARKS: &str = "No bookmarks yet: press m while reading to add one.";

/// What `highlights` says when there are none.
pub const NO_HIGHLIGHTS: &str =
    "No highlights yet: select a passage with v and press h while reading.";

/// What `progress` says when no article was read.
pub const NOTHING_READ: &str = "Nothing read yet.";

/// `longform where`: print the config dir and the files it uses.
pub fn where_command() -> Result<()> {
    let dir = paths::config_dir()?;
    let elsewhere = Elsewhere {
        library: paths::default_library().ok(),
        epub_cache: paths::cache_dir().ok().map(|c| c.join("epub")),
    };
    to_stdout(|out| where_report(&dir, &elsewhere, out))
}

/// The folders longform writes outside its config dir.
#[derive(Debug, Default)]
pub struct Elsewhere {
    /// The default library, where the guide and imports go.
    pub library: Option<std::path::PathBuf>,
    /// The converted text of EPUB books.
    pub epub_cache: Option<std::path::PathBuf>,
}

/// `longform bookmarks [FILE] [--json]`.
pub fn bookmarks_command(file: Option<&Path>, json: bool) -> Result<()> {
    let dir = paths::config_dir()?;
    let store = Store::new(&dir);
    let Some(file) = file else {
        let records = store.all_listed()?;
        let unreadable = unreadable_records(&dir, records.len());
        let articles: Vec<Article> = records
            .into_iter()
            .filter(|(_, state)| !state.bookmarks.is_empty())
            .map(|(_, state)| Article::open(state))
            .collect();
        return with_unreadable(unreadable, articles.is_empty(), json, |out| {
            bookmarks(&articles, json, out)
        });
    };
    let articles: Vec<Article> = article_for_file(&store, file)?.into_iter().collect();
    to_stdout(|out| bookmarks(&articles, json, out))
}

/// `longform highlights [FILE] [--json]`.
pub fn highlights_command(file: Option<&Path>, json: bool) -> Result<()> {
    let dir = paths::config_dir()?;
    let store = Store::new(&dir);
    let Some(file) = file else {
        let records = store.all_listed()?;
        let unreadable = unreadable_records(&dir, records.len());
        let articles = with_highlights(records);
        return with_unreadable(unreadable, articles.is_empty(), json, |out| {
            highlights(&articles, json, out)
        });
    };
    let articles: Vec<Article> = article_for_file(&store, file)?.into_iter().collect();
    to_stdout(|out| highlights(&articles, json, out))
}

/// The articles of `records` that hold highlights, for a report of them
/// all. A highlight in the record of a file that is gone and in one of a
/// file that is there (a file moved and edited gets a copy of its record,
/// the old one kept in case it was another article's) is given once, from
/// the article that is there. Two files that are there (a copy) each keep
/// theirs.
pub(crate) fn with_highlights(records: Vec<(String, ReadingState)>) -> Vec<Article> {
    let mut states: Vec<ReadingState> = records
        .into_iter()
        .map(|(_, state)| state)
        .filter(|state| !state.highlights.is_empty())
        .collect();
    let gone = |state: &ReadingState| !state.is_stdin() && !state.path.exists();
    let there: HashSet<String> = (states.iter())
        .filter(|state| !gone(state))
        .flat_map(|state| state.highlights.live().map(|h| h.id.clone()))
        .collect();
    for state in states.iter_mut().filter(|state| gone(state)) {
        state
            .highlights
            .retain(|h| h.is_deleted() || !there.contains(&h.id));
    }
    states
        .into_iter()
        .filter(|state| !state.highlights.is_empty())
        .map(Article::open)
        .collect()
}

/// `longform progress [--json]`.
pub fn progress_command(json: bool) -> Result<()> {
    let dir = paths::config_dir()?;
    let records = Store::new(&dir).all_listed()?;
    let unreadable = unreadable_records(&dir, records.len());
    let articles: Vec<Article> = records
        .into_iter()
        .map(|(_, state)| Article::open(state))
        .collect();
    with_unreadable(unreadable, articles.is_empty(), json, |out| {
        progress(&articles, store::now(), json, out)
    })
}

/// Write a report with `write`, saying how many records could not be read
/// when there are any: in place of the report when it would be empty (not
/// "nothing read yet"), else after it; on stderr beside JSON.
fn with_unreadable(
    unreadable: usize,
    empty: bool,
    json: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if unreadable == 0 {
        return to_stdout(write);
    }
    let note = store::unreadable_note(unreadable);
    if json {
        to_stdout(write)?;
        let _ = writeln!(io::stderr(), "longform: warning: {note}");
        return Ok(());
    }
    to_stdout(|out| {
        if !empty {
            write(out)?;
        }
        writeln!(out, "{note}")?;
        Ok(())
    })
}

/// How many record files of config dir `dir` are not among the `readable`
/// the store read: corrupt, or from a newer longform.
pub(crate) fn unreadable_records(dir: &Path, readable: usize) -> usize {
    Store::new(dir).unreadable(readable)
}

/// The record files in the reading folder of config dir `dir`, and the
/// records set aside as corrupt.
fn record_files(dir: &Path) -> io::Result<(usize, usize, usize, usize)> {
    let (mut files, mut corrupt, mut conflicts, mut pending) = (0usize, 0usize, 0usize, 0usize);
    let reading = paths::reading_dir(dir);
    for entry in fs::read_dir(paths::reading_dir(dir))?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if store::conflict_copy_of(&name).is_some() {
            conflicts += 1;
        } else if name.ends_with(".json") {
            files += 1;
        } else if name.contains(".json.corrupt-") {
            corrupt += 1;
        } else if let Some(id) = name.strip_suffix(".pending") {
            pending += 1;
            // Listed as a record until its record is made.
            if !reading.join(format!("{id}.json")).exists() {
                files += 1;
            }
        }
    }
    Ok((files, corrupt, conflicts, pending))
}

/// `longform list [DIR] [--json]`: the library's rows, for scripts.
pub fn list_command(roots: &[std::path::PathBuf], json: bool) -> Result<()> {
    let config_dir = paths::config_dir().ok();
    let missing: Vec<std::path::PathBuf> = roots.iter().filter(|r| !r.is_dir()).cloned().collect();
    if !missing.is_empty() {
        let said = crate::library::no_such_folders(&missing);
        if missing.len() == roots.len() {
            anyhow::bail!("{said}");
        }
        let _ = writeln!(io::stderr(), "longform: warning: {said}");
    }
    let paths = crate::library::articles_of(roots, config_dir.as_deref());
    let cache_file = config_dir.as_deref().map(crate::library::Cache::path);
    let mut cache = cache_file
        .as_deref()
        .map(crate::library::Cache::load)
        .unwrap_or_default();
    let summaries = crate::library::scan(&paths, &mut cache, |_| {});
    if let Some(file) = &cache_file {
        // Only a cache: a failure costs a slower next run.
        let _ = cache.save(file);
    }
    // The rows are listed even when the records cannot be: each says
    // unread then, and a line on stderr says why.
    let store = config_dir.map(|d| Store::new(&d));
    let records: Vec<ReadingState> = match store.as_ref().map(Store::all_listed) {
        // A record follows its file: one moved since it was read is
        // carried to where it is now, as opening it would.
        Some(Ok(records)) => {
            let store = store.as_ref().expect("listed from it");
            let (records, _) = crate::library::carry_moved(store, &summaries, records);
            records.into_iter().map(|(_, r)| r).collect()
        }
        Some(Err(e)) => {
            let _ = writeln!(io::stderr(), "longform: warning: {e:#}");
            Vec::new()
        }
        None => Vec::new(),
    };
    let mut rows = crate::library::rows(&summaries, &records);
    crate::library::Sort::Recent.apply(&mut rows);
    to_stdout(|out| list(&rows, store::now(), json, out))
}

/// One row of `list --json`.
#[derive(Serialize)]
struct ListRow {
    path: String,
    title: String,
    author: Option<String>,
    date: Option<String>,
    language: Option<String>,
    words: usize,
    /// `words` is scaled from the head of a long file.
    words_estimated: bool,
    minutes: usize,
    /// Where the saved place is, in percent of the words.
    percent: u8,
    /// The share of the words read, in percent.
    read: u8,
    finished: bool,
    bookmarks: usize,
    last_opened: u64,
    error: Option<String>,
}

/// One field of text as a terminal shows it: right-to-left text turned,
/// in its own direction (see `layout::isolate`).
fn seen(text: &str) -> String {
    visual_text(&isolate(text))
}

/// Write library rows: aligned text, or JSON.
pub fn list(rows: &[crate::library::Row], now: u64, json: bool, out: &mut dyn Write) -> Result<()> {
    if json {
        let list: Vec<ListRow> = rows
            .iter()
            .map(|r| ListRow {
                path: show_path(&r.summary.path),
                title: one_line(&r.summary.title),
                author: r.summary.author.as_deref().map(one_line),
                date: r.summary.date.as_deref().map(one_line),
                language: r.summary.language.as_deref().map(one_line),
                words: r.summary.words,
                words_estimated: r.summary.estimated,
                minutes: crate::library::default_minutes(r.summary.words),
                percent: r.percent,
                read: r.read,
                finished: r.finished,
                bookmarks: r.bookmarks,
                last_opened: r.last_opened,
                error: r.summary.error.as_deref().map(one_line),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(out, "No articles here.")?;
        return Ok(());
    }
    // Drawn as seen: a right-to-left title turned, as in the reader (cut
    // at its end, so at its left).
    let titles: Vec<String> = rows
        .iter()
        .map(|r| seen(&fit(&one_line(&r.summary.title), 40)))
        .collect();
    let title_w = titles
        .iter()
        .map(|t| display_width(t))
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:<title_w$}  {:>7}  {:>4}  {:>5}  {:>9}  {:<14}  Path",
        "Title", "Words", "Min", "Read", "Bookmarks", "Last read"
    )?;
    for (r, title) in rows.iter().zip(&titles) {
        let pad = title_w - display_width(title);
        let words = if r.summary.estimated {
            format!("~{}", r.summary.words)
        } else {
            r.summary.words.to_string()
        };
        let read = if r.finished {
            "✓".to_string()
        } else {
            format!("{}%", r.read)
        };
        let last = ago(r.last_opened, now);
        let path = show_path(&r.summary.path);
        match &r.summary.error {
            Some(e) => writeln!(out, "{title}{}  {}  {path}", " ".repeat(pad), one_line(e))?,
            None => writeln!(
                out,
                "{title}{}  {words:>7}  {:>4}  {read:>5}  {:>9}  {last:<14}  {path}",
                " ".repeat(pad),
                crate::library::default_minutes(r.summary.words),
                r.bookmarks
            )?,
        }
    }
    Ok(())
}

/// Run `write` on a buffered stdout and flush it.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// where

/// Write every file and folder longform writes: the config dir, the config
/// file, the reading records, the crash logs, the library cache, the
/// default library, the EPUB cache and the sync files, each with what
/// state it is in.
pub fn where_report(dir: &Path, elsewhere: &Elsewhere, out: &mut dyn Write) -> Result<()> {
    let dir_note = if dir.is_dir() {
        String::new()
    } else if dir.exists() {
        " (not a folder: nothing can be saved)".to_string()
    } else {
        " (missing: nothing saved yet)".to_string()
    };
    writeln!(out, "config dir   {}{dir_note}", show_path(dir))?;

    let file = paths::config_file(dir);
    let file_note = if let Err(e) = file.try_exists()
        && e.kind() != io::ErrorKind::NotFound
    {
        // A folder that cannot be searched: the file may well be there.
        format!(
            "cannot read it ({}): defaults in use",
            one_line(&e.to_string())
        )
    } else if file.exists() {
        let (_, warnings) = crate::tui::settings::load(&file);
        match warnings.first() {
            None => "in use".to_string(),
            Some(first) => {
                let (more, those) = match warnings.len() {
                    1 => (String::new(), "that"),
                    n => (format!(" (+{} more)", n - 1), "those"),
                };
                format!(
                    "invalid: {}; default used for {those}, the rest in use{more}",
                    one_line(&first.to_string())
                )
            }
        }
    } else {
        "missing: defaults in use".to_string()
    };
    writeln!(out, "config file  {} ({file_note})", show_path(&file))?;

    writeln!(
        out,
        "reading      {} ({})",
        show_path(&paths::reading_dir(dir)),
        records_note(dir)
    )?;
    let crashes = crate::crash::dir(dir);
    let logs = crate::crash::logs(&crashes);
    let crash_note = match logs.last() {
        None => "none".to_string(),
        Some(latest) => format!(
            "{} {}, the latest {}",
            logs.len(),
            if logs.len() == 1 { "log" } else { "logs" },
            show_path(latest)
        ),
    };
    writeln!(out, "crash logs   {} ({crash_note})", show_path(&crashes))?;
    let cache = crate::library::Cache::path(dir);
    let cache_note = match std::fs::metadata(&cache) {
        Ok(meta) => format!("summaries of the library, {}", size(meta.len())),
        Err(_) => "none yet".to_string(),
    };
    writeln!(out, "cache        {} ({cache_note})", show_path(&cache))?;
    if let Some(library) = &elsewhere.library {
        let note = if library.is_dir() {
            match crate::library::find_articles(library).len() {
                1 => "the default library: 1 article".to_string(),
                n => format!("the default library: {n} articles"),
            }
        } else {
            "the default library, made on first use".to_string()
        };
        writeln!(out, "articles     {} ({note})", show_path(library))?;
    }
    if let Some(epub) = &elsewhere.epub_cache {
        // Written on the first open of a book: named before, as the
        // library cache is.
        let note = if epub.is_dir() {
            match std::fs::read_dir(epub).map_or(0, Iterator::count) {
                1 => "converted text of 1 book".to_string(),
                n => format!("converted text of {n} books"),
            }
        } else {
            "none yet: the text of the EPUB books you open".to_string()
        };
        writeln!(out, "epub cache   {} ({note})", show_path(epub))?;
    }
    if let Ok(Some(login)) = crate::sync::account::load_login(dir) {
        writeln!(
            out,
            "sync         {} as {} (longform sync status)",
            one_line(&login.server),
            one_line(&login.user)
        )?;
    }
    for (label, file) in crate::sync::account::files(dir) {
        if file.exists() {
            writeln!(out, "{label:<12} {}", show_path(&file))?;
        }
    }
    Ok(())
}

/// A file size in bytes, KB or MB.
fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes / 1024),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// How many records the reading folder of config dir `dir` holds, and how
/// many of its files cannot be used.
fn records_note(dir: &Path) -> String {
    let (files, corrupt, conflicts, pending) = match record_files(dir) {
        Ok(counts) => counts,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return "none yet".to_string(),
        Err(e) => return format!("cannot read it: {}", one_line(&e.to_string())),
    };
    // The store reads the same folder; what it skips is unreadable.
    let readable = Store::new(dir).all().len();
    let mut note = match readable {
        1 => "1 record".to_string(),
        n => format!("{n} records"),
    };
    let unreadable = files.saturating_sub(readable);
    if unreadable > 0 {
        note.push_str(&format!(
            "; {unreadable} unreadable (corrupt, or from a newer longform)"
        ));
    }
    if corrupt > 0 {
        note.push_str(&format!("; {corrupt} set aside as corrupt"));
    }
    if conflicts > 0 {
        let copies = if conflicts == 1 { "copy" } else { "copies" };
        note.push_str(&format!(
            "; {conflicts} conflict {copies} from a sync tool, merged when the article opens"
        ));
    }
    if pending > 0 {
        let saves = if pending == 1 { "save" } else { "saves" };
        note.push_str(&format!(
            "; {pending} {saves} kept aside while another longform held the record, \
             merged when the article is next opened"
        ));
    }
    note
}

// ---------------------------------------------------------------------------
// The articles behind the records

/// Why the text of an article read from stdin is not looked at.
const STDIN_NOT_KEPT: &str = "read from standard input, whose text is not kept";

/// A reading record and its article as it is on disk now.
pub struct Article {
    pub state: ReadingState,
    /// The article's text and its parse; `None` when it cannot be read.
    parsed: Option<(String, Document)>,
    /// Why the article could not be read: "file missing", for example.
    pub problem: Option<String>,
}

/// The section of a place as it was saved: its title, or its slug in a
/// record that kept no title.
fn saved_section(anchor: &Anchor) -> Option<&str> {
    anchor
        .section_title
        .as_deref()
        .or(anchor.section.as_deref())
}

/// Where an anchor points in an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The byte in the article as it is now, to sort by.
    pub byte: usize,
    pub percent: u8,
    /// The heading title; when the article is gone, the title saved (or,
    /// in an older record, the section's slug).
    pub section: Option<String>,
    /// The text at the place, about `SNIPPET_CHARS` characters.
    pub snippet: String,
}

impl Article {
    /// The article of `state`, read from the path it records.
    pub fn open(state: ReadingState) -> Article {
        if state.is_stdin() {
            // Nothing to read it from: what the record says is all, and
            // its highlights are as saved, not "not found".
            return Article {
                state,
                parsed: None,
                problem: Some(STDIN_NOT_KEPT.to_string()),
            };
        }
        let text = read_article(&state.path);
        Article::with_text(state, text)
    }

    /// The article of `state`, with its text as read now (or why it could
    /// not be read).
    pub fn with_text(state: ReadingState, text: Result<String, String>) -> Article {
        match text {
            Ok(text) => {
                // Parsed as the reader parses it: plain text by its ending.
                let doc = parse_article(Some(&state.path), &text);
                Article {
                    state,
                    parsed: Some((text, doc)),
                    problem: None,
                }
            }
            Err(problem) => Article {
                state,
                parsed: None,
                problem: Some(problem),
            },
        }
    }

    /// The title: the article's own, else the saved one, else the file
    /// name.
    pub fn title(&self) -> String {
        let from_doc = self
            .parsed
            .as_ref()
            .and_then(|(_, doc)| doc.title())
            .filter(|t| !t.trim().is_empty());
        let title = match from_doc {
            Some(t) => t.to_string(),
            None if !self.state.title.trim().is_empty() => self.state.title.clone(),
            None => self
                .state
                .path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        };
        one_line(&title)
    }

    /// Where `anchor` is now: restored in the article when it can be read,
    /// else taken from the anchor as saved.
    pub fn place(&self, anchor: &Anchor) -> Place {
        match &self.parsed {
            Some((text, doc)) => {
                let (pos, _) = anchor.restore(doc, text);
                Place {
                    byte: pos.byte(),
                    percent: doc.percent_at(pos),
                    section: doc.section_at(pos).map(|h| one_line(&h.text)),
                    snippet: snippet(&Anchor::at(doc, pos).quote),
                }
            }
            None => Place {
                byte: anchor.byte,
                percent: fraction(anchor.byte, anchor.len),
                section: saved_section(anchor).map(one_line),
                snippet: snippet(&anchor.quote),
            },
        }
    }

    /// The bookmarks with their places, in article order.
    pub fn bookmarks(&self) -> Vec<(&Bookmark, Place)> {
        let mut marks: Vec<(&Bookmark, Place)> = self
            .state
            .bookmarks
            .iter()
            .map(|b| (b, self.place(&b.anchor)))
            .collect();
        marks.sort_by(|(a, pa), (b, pb)| {
            (pa.byte, a.created, &a.id).cmp(&(pb.byte, b.created, &b.id))
        });
        marks
    }

    /// Where the saved place is, in percent of the words before it.
    /// Found again in the article; 100 when the end was on screen there,
    /// as the status bar said, and the article is unchanged.
    pub fn percent(&self) -> u8 {
        match (&self.parsed, &self.state.position) {
            (None, _) => self.state.percent,
            (_, None) => 0,
            (Some((_, doc)), Some(anchor))
                if anchor.fingerprint == doc.fingerprint && self.state.percent == 100 =>
            {
                100
            }
            (Some(_), Some(anchor)) => self.place(anchor).percent,
        }
    }

    /// The share of the words read, counted in the article as it is when
    /// it can be read.
    pub fn read(&self) -> u8 {
        match &self.parsed {
            Some((_, doc)) => self.state.coverage.percent(doc),
            None => self.state.read,
        }
    }

    /// What the front matter says (title, author, date, source URL),
    /// when the article can be read.
    pub fn meta(&self) -> Option<&Meta> {
        self.parsed.as_ref().map(|(_, doc)| &doc.meta)
    }

    /// The highlights, found in the article as it is now: in article
    /// order, then those not found. When the article cannot be read, each
    /// is where it was saved, and none counts as found.
    pub fn highlights(&self) -> Vec<Marked> {
        let Some((text, doc)) = &self.parsed else {
            // In the order of their places as saved, as the article's own
            // order would give them.
            let mut live: Vec<_> = self.state.highlights.live().collect();
            live.sort_by_key(|h| (h.start.byte, h.created));
            return live
                .into_iter()
                .map(|h| Marked {
                    percent: fraction(h.start.byte, h.start.len),
                    word: None,
                    view: HighlightView {
                        id: h.id.clone(),
                        range: None,
                        how: Found::NotFound,
                        color: h.color,
                        note: h.note.clone(),
                        note_edited: h.note_edited,
                        text: h.text.clone(),
                        paragraphs: h.text.clone(),
                        created: h.created,
                        section: saved_section(&h.start).map(str::to_string),
                        section_id: h.start.section.clone(),
                    },
                })
                .collect();
        };
        self.state
            .highlights
            .views(doc, text)
            .into_iter()
            .map(|view| {
                let (percent, word) = match &view.range {
                    Some(r) => (
                        doc.percent_at(Position(r.start)),
                        Some(doc.words_before(Position(r.start)) + 1),
                    ),
                    None => {
                        let saved = self.state.highlights.get(&view.id);
                        (
                            saved.map_or(0, |h| fraction(h.start.byte, h.start.len)),
                            None,
                        )
                    }
                };
                Marked {
                    view,
                    percent,
                    word,
                }
            })
            .collect()
    }

    /// The path as shown; `stdin` for an article read from it.
    pub fn shown_path(&self) -> String {
        if self.state.is_stdin() {
            return "stdin".to_string();
        }
        show_path(&self.state.path)
    }

    /// The path for JSON: none for stdin.
    fn json_path(&self) -> Option<String> {
        (!self.state.is_stdin()).then(|| show_path(&self.state.path))
    }
}

/// A highlight of an article as the reports and exports show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    pub view: HighlightView,
    /// Where it is, in percent of the words before it; for one not found,
    /// its saved share of the bytes.
    pub percent: u8,
    /// The word it starts at, counting from 1, when it was found.
    pub word: Option<usize>,
}

/// `byte` of a text of `len` bytes, in percent.
fn fraction(byte: usize, len: usize) -> u8 {
    if len == 0 {
        return 0;
    }
    let p = byte.min(len) as u128 * 100 / len as u128;
    u8::try_from(p).unwrap_or(100)
}

/// The text of the article at `path`, or why it cannot be had. The text
/// of an EPUB book is its conversion, as the reader reads it (from the
/// cache when it is there).
pub(crate) fn read_article(path: &Path) -> Result<String, String> {
    use crate::load::{MAX_ARTICLE, Unopenable, epub, open_regular, read_text};
    // Checked before it is opened: a named pipe would wait for a writer.
    let (file, meta) = open_regular(path).map_err(|e| match e {
        Unopenable::Io(e) if e.kind() == io::ErrorKind::NotFound => "file missing".to_string(),
        Unopenable::Folder => "now a folder".to_string(),
        Unopenable::Special(_) => crate::library::NOT_REGULAR.to_string(),
        Unopenable::Io(_) => "cannot read the file".to_string(),
    })?;
    if epub::is_epub(path) {
        return epub::load(file, &meta, show_path(path), path)
            .map(|source| source.text)
            .map_err(|_| "not a readable book any more".to_string());
    }
    let bytes = read_text(file, MAX_ARTICLE, meta.len(), None)
        .map_err(|_| "not an article any more".to_string())?;
    decode(bytes, show_path(path), Some(path.to_path_buf()))
        .map(|source| source.text)
        .map_err(|_| "not an article any more".to_string())
}

/// The record of `file`, a path where no file is now: the one saved under
/// that path (its folder resolved as a record's path is, or the path as it
/// is when the folder is gone too). `None` when there is none, or the
/// records cannot be listed (the file's own error is said then).
fn record_of_missing(store: &Store, file: &Path) -> Option<ReadingState> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let path = match (fs::canonicalize(folder), file.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => std::path::absolute(file).ok()?,
    };
    store
        .all_listed()
        .ok()?
        .into_iter()
        .map(|(_, state)| state)
        .find(|state| state.path == path)
}

/// The record of the article `file` names, as an `Article`. An article that
/// was moved (and maybe edited) and not opened since is found as the
/// reader would find it (`session::moved_record`); one that is gone, as it
/// was saved. `None` when it has no record.
pub fn article_for_file(store: &Store, file: &Path) -> Result<Option<Article>> {
    if file.as_os_str() == "-" {
        bail!("bookmarks and highlights belong to files, not stdin: give the article's path");
    }
    // A file gone (deleted, or moved away) whose record is still there:
    // its marks, as saved, as the lists of all articles show them.
    if !file.exists()
        && let Some(state) = record_of_missing(store, file)
    {
        return Ok(Some(Article::open(state)));
    }
    // The same errors as opening the article to read it.
    let source = load(file)?;
    let canonical =
        fs::canonicalize(file).with_context(|| format!("cannot open {}", show_path(file)))?;
    let id = store::record_id(&canonical);
    // A record that is there but cannot be read is not "none yet": what
    // it holds is not known, and nothing is reported or exported from it.
    match store.read_only(&id) {
        Ok(Some(state)) => return Ok(Some(Article::with_text(state, Ok(source.text)))),
        Ok(None) => {}
        Err(e) => bail!(
            "the record of {} cannot be read: {e:#}",
            show_path(&canonical)
        ),
    }
    // Records that cannot be listed: "none yet" would not be true.
    let records = store.all_listed()?;
    // Moved, or moved and edited: found as the reader finds it.
    let doc = crate::library::parse_article(Some(&canonical), &source.text);
    let title = sanitize(&doc.title().map_or_else(|| source.stem(), str::to_string));
    let moved = crate::session::moved_record_in(records, &doc, &source.text, &canonical, &title);
    Ok(moved.map(|(_, state, _)| {
        let state = ReadingState {
            path: canonical,
            ..state
        };
        Article::with_text(state, Ok(source.text))
    }))
}

// ---------------------------------------------------------------------------
// bookmarks

/// One bookmark for `bookmarks --json`.
#[derive(Serialize)]
struct BookmarkEntry {
    /// None for an article read from stdin, as in `progress --json`.
    path: Option<String>,
    title: String,
    id: String,
    label: String,
    note: Option<String>,
    section: Option<String>,
    percent: u8,
    snippet: String,
    created: u64,
    /// The article could not be read: section, percent and snippet are
    /// those saved with the bookmark.
    missing: bool,
}

/// Write the bookmarks of `articles`, grouped by article in the order
/// given, each article's in article order: a listing, or JSON.
pub fn bookmarks(articles: &[Article], json: bool, out: &mut dyn Write) -> Result<()> {
    let articles: Vec<&Article> = articles
        .iter()
        .filter(|a| !a.state.bookmarks.is_empty())
        .collect();
    if json {
        let mut entries = Vec::new();
        for article in &articles {
            let (path, title) = (article.json_path(), article.title());
            for (b, place) in article.bookmarks() {
                entries.push(BookmarkEntry {
                    path: path.clone(),
                    title: title.clone(),
                    id: one_line(&b.id),
                    label: one_line(&b.label),
                    note: b.note.as_deref().map(sanitize),
                    section: place.section,
                    percent: place.percent,
                    snippet: place.snippet,
                    created: b.created,
                    missing: article.problem.is_some(),
                });
            }
        }
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    if articles.is_empty() {
        writeln!(out, "{NO_BOOKMARKS}")?;
        return Ok(());
    }
    for (i, article) in articles.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{} — {}", seen(&article.title()), article.shown_path())?;
        match &article.problem {
            Some(problem) => writeln!(out, " ({problem})")?,
            None => writeln!(out)?,
        }
        for (b, place) in article.bookmarks() {
            let label = one_line(&b.label);
            let mut line = format!("{:>5}  {}", format!("{}%", place.percent), isolate(&label));
            let (section, snippet) = not_in_label(&label, place.section.as_deref(), &place.snippet);
            if let Some(section) = section {
                line.push_str(" · ");
                line.push_str(&isolate(section));
            }
            if let Some(snippet) = snippet {
                line.push_str(&format!(" — “{}”", isolate(snippet)));
            }
            writeln!(out, "{}", visual_text(&line))?;
            if let Some(note) = b.note.as_deref().filter(|n| !n.trim().is_empty()) {
                writeln!(out, "       note: {}", seen(&one_line(note)))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// highlights

/// One highlight for `highlights --json`.
#[derive(Serialize)]
struct HighlightEntry {
    /// None for an article read from stdin, as in `progress --json`.
    path: Option<String>,
    title: String,
    id: String,
    text: String,
    note: Option<String>,
    color: u8,
    color_name: &'static str,
    section: Option<String>,
    /// Where it is, in percent of the words before it; null when it is
    /// not found.
    percent: Option<u8>,
    /// Source bytes in the article as it is now; null when not found.
    start: Option<usize>,
    end: Option<usize>,
    /// exact, text, fuzzy or not_found.
    found: Found,
    created: u64,
    /// The article could not be read: nothing was looked for in it.
    missing: bool,
}

/// Write the highlights of `articles`, grouped by article in the order
/// given, each article's in article order: a listing, or JSON.
pub fn highlights(articles: &[Article], json: bool, out: &mut dyn Write) -> Result<()> {
    let articles: Vec<(&Article, Vec<Marked>)> = articles
        .iter()
        .map(|a| (a, a.highlights()))
        .filter(|(_, marks)| !marks.is_empty())
        .collect();
    if json {
        let mut entries = Vec::new();
        for (article, marks) in &articles {
            let (path, title) = (article.json_path(), article.title());
            for m in marks {
                let v = &m.view;
                entries.push(HighlightEntry {
                    path: path.clone(),
                    title: title.clone(),
                    id: one_line(&v.id),
                    text: sanitize(&v.paragraphs),
                    note: v.note.as_deref().map(sanitize),
                    color: v.color,
                    color_name: annotations::color_name(v.color),
                    section: v.section.as_deref().map(one_line),
                    percent: v.range.is_some().then_some(m.percent),
                    start: v.range.as_ref().map(|r| r.start),
                    end: v.range.as_ref().map(|r| r.end),
                    found: v.how,
                    created: v.created,
                    missing: article.problem.is_some(),
                });
            }
        }
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    if articles.is_empty() {
        writeln!(out, "{NO_HIGHLIGHTS}")?;
        return Ok(());
    }
    for (i, (article, marks)) in articles.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{} — {}", seen(&article.title()), article.shown_path())?;
        match &article.problem {
            Some(problem) => writeln!(out, " ({problem})")?,
            None => writeln!(out)?,
        }
        for m in marks {
            let v = &m.view;
            let at = if v.found() || article.problem.is_some() {
                format!("{}%", m.percent)
            } else {
                "—".to_string()
            };
            let mut line = format!("{at:>5}  {:<6}", annotations::color_name(v.color));
            if !v.found() && article.problem.is_none() {
                line.push_str(&format!(" ({})", annotations::NOT_FOUND));
            }
            if let Some(section) = &v.section {
                line.push_str(" · ");
                line.push_str(&isolate(&one_line(section)));
            }
            line.push_str(&format!(" — “{}”", isolate(&snippet(&v.text))));
            writeln!(out, "{}", visual_text(&line))?;
            if let Some(note) = v.note.as_deref().filter(|n| !n.trim().is_empty()) {
                writeln!(out, "       note: {}", seen(&one_line(note)))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// progress

/// One article for `progress --json`.
#[derive(Serialize)]
struct ProgressEntry {
    /// None for an article read from stdin.
    path: Option<String>,
    title: String,
    /// Where the saved place is, in percent of the words before it.
    percent: u8,
    /// The share of the words read, in percent.
    read: u8,
    finished: bool,
    /// Unix seconds.
    last_opened: u64,
    minutes_read: u64,
    bookmarks: usize,
    /// The article could not be read: the percent is the saved position's
    /// share of the bytes.
    missing: bool,
}

/// Write the articles read, in the order given (the store's: most recently
/// opened first): a table, or JSON.
pub fn progress(articles: &[Article], now: u64, json: bool, out: &mut dyn Write) -> Result<()> {
    if json {
        let entries: Vec<ProgressEntry> = articles
            .iter()
            .map(|a| ProgressEntry {
                path: a.json_path(),
                title: a.title(),
                percent: a.percent(),
                read: a.read(),
                finished: a.state.finished,
                last_opened: a.state.last_opened,
                minutes_read: a.state.seconds_read / 60,
                bookmarks: a.state.bookmarks.len(),
                missing: a.problem.is_some(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    if articles.is_empty() {
        writeln!(out, "{NOTHING_READ}")?;
        return Ok(());
    }
    let header = [
        "At",
        "Read",
        "Finished",
        "Last opened",
        "Minutes",
        "Bookmarks",
        "Title",
        "Path",
    ];
    let right = [true, true, false, false, true, true, false, false];
    let rows: Vec<[String; 8]> = articles
        .iter()
        .map(|a| {
            let mut path = a.shown_path();
            if let Some(problem) = &a.problem {
                path.push_str(&format!(" ({problem})"));
            }
            [
                format!("{}%", a.percent()),
                format!("{}%", a.read()),
                if a.state.finished { "yes" } else { "no" }.to_string(),
                ago(a.state.last_opened, now),
                (a.state.seconds_read / 60).to_string(),
                a.state.bookmarks.len().to_string(),
                fit(&a.title(), TITLE_COLUMNS),
                path,
            ]
        })
        .collect();
    let mut widths = header.map(display_width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i] - display_width(cell));
            if right[i] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&pad);
                }
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Small helpers

/// A path as shown: lossy where it is not UTF-8, and sanitised.
pub fn show_path(path: &Path) -> String {
    one_line(&path.to_string_lossy())
}

/// `text` made safe for one line of a terminal: control characters get
/// their stand-ins, and line breaks and tabs become spaces.
pub fn one_line(text: &str) -> String {
    sanitize(text).replace(['\n', '\t'], " ")
}

/// A quote cut to about `SNIPPET_CHARS` characters, at a space when one is
/// near, with an ellipsis when it was cut.
fn snippet(quote: &str) -> String {
    let quote = one_line(quote.trim());
    if quote.chars().count() <= SNIPPET_CHARS {
        return quote;
    }
    let cut: String = quote.chars().take(SNIPPET_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if cut[..i].chars().count() >= SNIPPET_CHARS * 3 / 4 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_cut_at_a_space_with_an_ellipsis() {
        assert_eq!(snippet("short text"), "short text");
        let long = "word ".repeat(20);
        let s = snippet(&long);
        assert!(s.ends_with("word…"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 1, "{s}");
        let unbroken = "x".repeat(100);
        assert_eq!(snippet(&unbroken).chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(snippet("a\u{1b}[31mb"), "a\u{241b}[31mb");
    }

    #[test]
    fn list_columns_line_up_with_finished_and_rtl_titles() {
        let row = |title: &str, file: &str, finished: bool, estimated: bool| {
            let summary = crate::library::Summary {
                path: std::path::PathBuf::from(file),
                title: title.into(),
                author: None,
                date: None,
                language: None,
                words: 12_345,
                headings: 0,
                error: None,
                estimated,
            };
            let mut row = crate::library::row(summary, None);
            row.finished = finished;
            row.read = 40;
            row
        };
        let rows = [
            row("Plain title", "plain.md", false, false),
            row("لا تترك الكتاب", "arabic.md", true, true),
            row("日本語のタイトル", "cjk.md", true, false),
        ];
        let mut out = Vec::new();
        list(&rows, 0, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The path is the last column: it starts at the same column on
        // every line, whatever came before it.
        let starts: Vec<usize> = text
            .lines()
            .zip(["Path", "plain.md", "arabic.md", "cjk.md"])
            .map(|(line, path)| display_width(&line[..line.find(path).unwrap()]))
            .collect();
        assert!(
            starts.windows(2).all(|w| w[0] == w[1]),
            "{starts:?}\n{text}"
        );
        assert!(text.contains("~12345"), "{text}");
    }

    #[test]
    fn fit_keeps_within_the_columns() {
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(fit("abcdef", 5), "abcd…");
        assert!(display_width(&fit("日本語のタイトル", 7)) <= 7);
        // The same measurement as the reader's: لا is two columns.
        assert_eq!(display_width(&fit("لا", 2)), 2);
    }

    #[test]
    fn one_line_leaves_no_controls_or_breaks() {
        let s = one_line("a\nb\tc\u{1b}d\u{202e}e");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert!(!s.contains('\u{202e}'));
    }
}
