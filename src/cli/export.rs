//! `longform export`: an article's highlights, notes and bookmarks written
//! out for other tools. Markdown for a notes folder (Obsidian and the
//! like), JSON with every field and the source positions, and CSV with the
//! columns Readwise imports.
//!
//! Everything that comes from the article or the record (titles, passages,
//! notes, paths) is escaped for the format it goes into: in Markdown it
//! stays text inside its quote, and never becomes a link, a heading, a tag
//! or HTML the author did not write. Control characters get their visible
//! stand-ins. A file is only ever replaced when an earlier export wrote it.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use serde::Serialize;

use super::report::{Article, Marked, article_for_file, one_line, read_article, show_path};
use crate::annotations::markdown::{inline, note_lines, quote};
use crate::annotations::{self, Found};
use crate::import::{file_stem, rfc3339};
use crate::parse::sanitize;
use crate::paths;
use crate::store::Store;

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A Markdown note: the passages as quotes under their sections
    Markdown,
    /// Every field, with source positions
    Json,
    /// Readwise's CSV import columns
    Csv,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// The front-matter line (Markdown) and field (JSON) that mark a file as
/// written by this command, so that only such a file is replaced.
const GENERATOR: &str = "longform export";

/// The columns of Readwise's CSV import, in its order.
const CSV_HEADER: &str = "Highlight,Title,Author,URL,Note,Location,Date";

/// The longest file stem an export names, in bytes.
const STEM_MAX: usize = 80;

/// `longform export [FILE] [--all] [--format F] [-o OUT]`.
pub fn export_command(
    file: Option<&Path>,
    all: bool,
    format: Format,
    out: Option<&Path>,
) -> Result<()> {
    let dir = paths::config_dir()?;
    let store = Store::new(&dir);
    let articles: Vec<Article> = match file {
        Some(file) => {
            let article = article_for_file(&store, file)?;
            vec![article.unwrap_or_else(|| without_record(file))]
        }
        None if all => {
            let records = store.all_listed()?;
            // Records that cannot be read are not exported: said, so that
            // a backup is not taken for whole.
            let unreadable = super::report::unreadable_records(&dir, records.len());
            if unreadable > 0 {
                let note = crate::store::unreadable_note(unreadable);
                let _ = writeln!(io::stderr(), "longform: warning: {note}");
            }
            super::report::with_highlights(records)
        }
        None => bail!("give the article to export, or --all for every article with highlights"),
    };
    let marked: Vec<(Article, Vec<Marked>)> = articles
        .into_iter()
        .map(|a| {
            let marks = a.highlights();
            (a, marks)
        })
        .collect();
    // Nothing to take along: said, and no folder or file is made for it.
    if all && marked.is_empty() && out.is_some() {
        let _ = writeln!(
            io::stderr(),
            "longform: no highlights to export yet: select a passage with v and press h while reading"
        );
        return Ok(());
    }
    match (format, out) {
        (Format::Markdown, None) if all => {
            bail!("--all writes one Markdown file per article: give a folder with -o DIR")
        }
        (Format::Markdown, Some(out)) if all => {
            fs::create_dir_all(out)
                .with_context(|| format!("cannot create the folder {}", show_path(out)))?;
            // Named in the order of their paths, not of their last
            // opening: two articles of one title keep their names (`-2`)
            // from one export to the next.
            let mut by_path: Vec<&(Article, Vec<Marked>)> = marked.iter().collect();
            by_path.sort_by(|(a, _), (b, _)| a.state.path.cmp(&b.state.path));
            let mut taken = HashSet::new();
            for (article, marks) in by_path {
                let path = out.join(unique_name(article, Format::Markdown, &mut taken));
                write_file(&path, &|w| markdown(article, marks, w))?;
                said_written(&path);
            }
            Ok(())
        }
        (_, None) => {
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            write_format(format, &marked, &mut stdout)?;
            stdout.flush()?;
            Ok(())
        }
        (_, Some(out)) => {
            // `-o DIR/` names a folder, made when missing.
            if !out.is_dir() && ends_with_separator(out) {
                fs::create_dir_all(out)
                    .with_context(|| format!("cannot create the folder {}", show_path(out)))?;
            }
            let path = if out.is_dir() {
                let name = match (&marked[..], all) {
                    ([(article, _)], false) => unique_name(article, format, &mut HashSet::new()),
                    _ => format!("highlights.{}", format.extension()),
                };
                out.join(name)
            } else {
                out.to_path_buf()
            };
            write_file(&path, &|w| write_format(format, &marked, w))?;
            said_written(&path);
            Ok(())
        }
    }
}

/// Say on stdout which file was written, a line each, as `import` and
/// `convert` do.
fn said_written(path: &Path) {
    println!("{}", crate::parse::sanitize_line(&path.to_string_lossy()));
}

/// Whether `path` was written with a separator at its end (`notes/`): a
/// folder.
fn ends_with_separator(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR)
}

/// An article that has no record: nothing marked, but the export still
/// says what it is.
fn without_record(file: &Path) -> Article {
    let path = fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let text = read_article(file);
    let state = crate::store::ReadingState::new(path, String::new(), 0, 0);
    Article::with_text(state, text)
}

fn write_format(
    format: Format,
    marked: &[(Article, Vec<Marked>)],
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Markdown => {
            for (i, (article, marks)) in marked.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                markdown(article, marks, out)?;
            }
            Ok(())
        }
        Format::Json => json(marked, out),
        Format::Csv => csv(marked, out),
    }
}

/// `<slug>.<ext>` for an article, made unique among `taken`.
fn unique_name(article: &Article, format: Format, taken: &mut HashSet<String>) -> String {
    let stem = file_stem(&article.title(), STEM_MAX);
    let mut name = format!("{stem}.{}", format.extension());
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{stem}-{n}.{}", format.extension());
        n += 1;
    }
    name
}

/// Write `path` whole or not at all (a temporary file renamed over it),
/// replacing only a file an earlier export wrote, in any format.
fn write_file(path: &Path, write: &dyn Fn(&mut dyn Write) -> Result<()>) -> Result<()> {
    match fs::read(path) {
        // An export in another format is an export all the same.
        Ok(old)
            if ![Format::Markdown, Format::Json, Format::Csv]
                .into_iter()
                .any(|f| written_by_export(f, &old)) =>
        {
            bail!(
                "{} exists and was not written by longform export; not replacing it",
                show_path(path)
            )
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", show_path(path)));
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: there is no folder {}",
            show_path(path),
            show_path(&dir)
        );
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".longform-export.")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", show_path(&dir)))?;
    let mut buffer = Vec::new();
    write(&mut buffer)?;
    tmp.write_all(&buffer)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", show_path(path)))?;
    // The mode a new file would get, not the temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", show_path(path)))?;
    Ok(())
}

/// Whether `old`, a file about to be replaced, is an export of `format`:
/// Markdown and JSON carry the generator's mark, CSV has exactly our
/// header.
fn written_by_export(format: Format, old: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(old) else {
        return false;
    };
    match format {
        Format::Markdown => text.strip_prefix("---\n").is_some_and(|rest| {
            rest.split("\n---\n")
                .next()
                .is_some_and(|fm| fm.lines().any(|l| l == format!("generator: {GENERATOR}")))
        }),
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.get("generator").and_then(|g| g.as_str()) == Some(GENERATOR)),
        Format::Csv => text.lines().next() == Some(CSV_HEADER),
    }
}

// ---------------------------------------------------------------------------
// Markdown

/// Write the Markdown note of one article: front matter, the title and
/// byline, then one section per article section with its highlights as
/// quotes, each with its note and a line of colour tag, place and date;
/// then the bookmarks.
pub fn markdown(article: &Article, marks: &[Marked], out: &mut dyn Write) -> Result<()> {
    let meta = article.meta();
    let title = article.title();
    let author = meta.and_then(|m| m.author.as_deref()).map(one_line);
    let url = meta.and_then(|m| m.url.as_deref()).map(one_line);
    let date = meta.and_then(|m| m.date.as_deref()).map(one_line);
    let language = meta.and_then(|m| m.language.as_deref()).map(one_line);
    let mut s = String::from("---\n");
    let _ = writeln!(s, "generator: {GENERATOR}");
    let _ = writeln!(s, "longform_version: {}", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(s, "title: {}", yaml(&title));
    for (key, value) in [
        ("author", &author),
        ("url", &url),
        ("date", &date),
        ("language", &language),
    ] {
        if let Some(v) = value {
            let _ = writeln!(s, "{key}: {}", yaml(v));
        }
    }
    let _ = writeln!(s, "source: {}", yaml(&article.shown_path()));
    s.push_str("tags: [highlights]\n---\n\n");
    let _ = writeln!(s, "# {}\n", inline(&title));
    let mut byline = Vec::new();
    if let Some(a) = &author {
        byline.push(format!("by {}", inline(a)));
    }
    if let Some(u) = &url {
        byline.push(link(u));
    }
    if let Some(d) = &date {
        byline.push(inline(d));
    }
    if !byline.is_empty() {
        let _ = writeln!(s, "{}\n", byline.join(" · "));
    }
    if let Some(problem) = &article.problem {
        let _ = writeln!(
            s,
            "*The article could not be read ({}): the highlights are as saved.*\n",
            inline(problem)
        );
    }
    if marks.is_empty() {
        s.push_str("*No highlights yet.*\n\n");
    }
    // Sections in the order of their first highlight.
    let mut sections: Vec<(Option<String>, Option<String>, Vec<&Marked>)> = Vec::new();
    for m in marks {
        let key = &m.view.section_id;
        match sections.iter_mut().find(|(id, _, _)| id == key) {
            Some((_, _, list)) => list.push(m),
            None => sections.push((key.clone(), m.view.section.clone(), vec![m])),
        }
    }
    for (_, section, list) in &sections {
        if let Some(section) = section {
            let _ = writeln!(s, "## {}\n", inline(section));
        }
        for m in list {
            quote(&mut s, &m.view.paragraphs);
            if let Some(note) = m.view.note.as_deref().filter(|n| !n.trim().is_empty()) {
                s.push_str(">\n");
                let mut lines = note_lines(note);
                if let Some(first) = lines.next() {
                    let _ = writeln!(s, "> **Note:** {first}");
                }
                for line in lines {
                    let _ = writeln!(s, ">\n> {line}");
                }
            }
            let mut about = vec![format!("#{}", annotations::color_name(m.view.color))];
            if m.view.found() {
                about.push(format!("{}%", m.percent));
            } else if article.problem.is_none() {
                about.push(format!("*{}*", annotations::NOT_FOUND));
            }
            about.push(day(m.view.created));
            let _ = writeln!(s, "\n{}\n", about.join(" · "));
        }
    }
    let bookmarks = article.bookmarks();
    if !bookmarks.is_empty() {
        s.push_str("## Bookmarks\n\n");
        for (b, place) in bookmarks {
            let mut line = format!("- {}% · {}", place.percent, inline(&b.label));
            // The section, unless the label names it already.
            let (section, _) = crate::session::not_in_label(&b.label, place.section.as_deref(), "");
            if let Some(section) = section {
                let _ = write!(line, " · {}", inline(section));
            }
            if let Some(note) = b.note.as_deref().filter(|n| !n.trim().is_empty()) {
                let _ = write!(line, ": {}", inline(&one_line(note)));
            }
            let _ = writeln!(s, "{line}");
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The source URL as the author wrote it: an autolink when it is a plain
/// http(s) address, else escaped text.
fn link(url: &str) -> String {
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\' | '`'));
    if plain {
        format!("<{url}>")
    } else {
        inline(url)
    }
}

/// A YAML double-quoted scalar of one line of text (JSON's string syntax
/// is YAML's): control characters as stand-ins first.
fn yaml(value: &str) -> String {
    serde_json::to_string(&one_line(value)).unwrap_or_else(|_| "\"\"".to_string())
}

/// The day of unix time `secs`, `YYYY-MM-DD`.
fn day(secs: u64) -> String {
    rfc3339(secs)[..10].to_string()
}

// ---------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct JsonExport<'a> {
    generator: &'static str,
    longform_version: &'static str,
    articles: Vec<JsonArticle<'a>>,
}

#[derive(Serialize)]
struct JsonArticle<'a> {
    /// None for an article read from stdin.
    path: Option<String>,
    title: String,
    author: Option<String>,
    url: Option<String>,
    date: Option<String>,
    /// The language it says it is in (an EPUB's `dc:language`).
    language: Option<String>,
    /// Why the article could not be read: the positions are as saved.
    problem: Option<&'a str>,
    highlights: Vec<JsonHighlight>,
    bookmarks: Vec<JsonBookmark>,
}

#[derive(Serialize)]
struct JsonHighlight {
    id: String,
    text: String,
    note: Option<String>,
    color: u8,
    color_name: &'static str,
    section: Option<String>,
    section_id: Option<String>,
    /// Source bytes in the article as it is now; null when not found.
    start: Option<usize>,
    end: Option<usize>,
    /// exact, text, fuzzy or not_found.
    found: Found,
    /// Where it is, in percent of the words before it; null when it is
    /// not found.
    percent: Option<u8>,
    /// The word it starts at, counting from 1.
    word: Option<usize>,
    /// Unix seconds, and as RFC 3339.
    created: u64,
    created_at: String,
    note_edited: u64,
}

#[derive(Serialize)]
struct JsonBookmark {
    id: String,
    label: String,
    note: Option<String>,
    section: Option<String>,
    /// The source byte in the article as it is now.
    byte: usize,
    percent: u8,
    created: u64,
}

/// Write every article's highlights and bookmarks as one JSON document.
pub fn json(marked: &[(Article, Vec<Marked>)], out: &mut dyn Write) -> Result<()> {
    let articles = marked
        .iter()
        .map(|(article, marks)| {
            let meta = article.meta();
            let field = |f: fn(&crate::document::Meta) -> &Option<String>| {
                meta.and_then(|m| f(m).as_deref()).map(one_line)
            };
            JsonArticle {
                path: (!article.state.is_stdin()).then(|| article.shown_path()),
                title: article.title(),
                author: field(|m| &m.author),
                url: field(|m| &m.url),
                date: field(|m| &m.date),
                language: field(|m| &m.language),
                problem: article.problem.as_deref(),
                highlights: marks
                    .iter()
                    .map(|m| {
                        let v = &m.view;
                        JsonHighlight {
                            id: one_line(&v.id),
                            text: sanitize(&v.paragraphs),
                            note: v.note.as_deref().map(sanitize),
                            color: v.color,
                            color_name: annotations::color_name(v.color),
                            section: v.section.as_deref().map(one_line),
                            section_id: v.section_id.as_deref().map(one_line),
                            start: v.range.as_ref().map(|r| r.start),
                            end: v.range.as_ref().map(|r| r.end),
                            found: v.how,
                            percent: v.range.is_some().then_some(m.percent),
                            word: m.word,
                            created: v.created,
                            created_at: rfc3339(v.created),
                            note_edited: v.note_edited,
                        }
                    })
                    .collect(),
                bookmarks: article
                    .bookmarks()
                    .into_iter()
                    .map(|(b, place)| JsonBookmark {
                        id: one_line(&b.id),
                        label: one_line(&b.label),
                        note: b.note.as_deref().map(sanitize),
                        section: place.section,
                        byte: place.byte,
                        percent: place.percent,
                        created: b.created,
                    })
                    .collect(),
            }
        })
        .collect();
    let export = JsonExport {
        generator: GENERATOR,
        longform_version: env!("CARGO_PKG_VERSION"),
        articles,
    };
    serde_json::to_writer_pretty(&mut *out, &export)?;
    writeln!(out)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// CSV

/// Write the highlights as Readwise's CSV import reads them: one row each,
/// every field quoted (RFC 4180: a quote doubled), the Location the word
/// the passage starts at, the Date in RFC 3339.
pub fn csv(marked: &[(Article, Vec<Marked>)], out: &mut dyn Write) -> Result<()> {
    let mut s = String::from(CSV_HEADER);
    s.push_str("\r\n");
    for (article, marks) in marked {
        let meta = article.meta();
        let author = meta
            .and_then(|m| m.author.as_deref())
            .map(one_line)
            .unwrap_or_default();
        let url = meta
            .and_then(|m| m.url.as_deref())
            .map(one_line)
            .unwrap_or_default();
        let title = article.title();
        for m in marks {
            let v = &m.view;
            let note = v.note.as_deref().map(sanitize).unwrap_or_default();
            let location = m.word.map(|w| w.to_string()).unwrap_or_default();
            let fields = [
                sanitize(&v.paragraphs),
                title.clone(),
                author.clone(),
                url.clone(),
                note,
                location,
                rfc3339(v.created),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            s.push_str(&row.join(","));
            s.push_str("\r\n");
        }
    }
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// One CSV field, quoted, its quotes doubled.
fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_for_plain_web_addresses() {
        assert_eq!(
            link("https://example.com/a?b=c"),
            "<https://example.com/a?b=c>"
        );
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(link("https://x.y/<b>"), "https://x.y/\\<b\\>");
    }

    #[test]
    fn csv_fields_are_quoted() {
        assert_eq!(csv_field("a, \"b\"\nc"), "\"a, \"\"b\"\"\nc\"");
    }

    #[test]
    fn only_earlier_exports_are_replaced() {
        assert!(written_by_export(
            Format::Markdown,
            b"---\ngenerator: longform export\ntitle: \"x\"\n---\n\n# x\n"
        ));
        assert!(!written_by_export(Format::Markdown, b"# My own notes\n"));
        assert!(!written_by_export(
            Format::Markdown,
            b"---\ntitle: x\n---\ngenerator: longform export\n"
        ));
        assert!(written_by_export(
            Format::Json,
            b"{\"generator\": \"longform export\"}"
        ));
        assert!(!written_by_export(
            Format::Json,
            b"{\"generator\": \"other\"}"
        ));
        assert!(written_by_export(
            Format::Csv,
            format!("{CSV_HEADER}\r\n").as_bytes()
        ));
        assert!(!written_by_export(Format::Csv, b"a,b\n"));
        assert!(!written_by_export(Format::Csv, b"\xff\xfe"));
    }

    #[test]
    fn names_are_unique_in_one_export() {
        let mut taken = HashSet::new();
        let state = crate::store::ReadingState::new("/a/x.md".into(), "Same".into(), 1, 1);
        let a = Article::with_text(state, Err("file missing".into()));
        assert_eq!(unique_name(&a, Format::Markdown, &mut taken), "same.md");
        assert_eq!(unique_name(&a, Format::Markdown, &mut taken), "same-2.md");
    }
}
