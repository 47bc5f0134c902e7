//! `longform highlights` and `longform export` on a record made through the
//! library: golden files of the three formats for an article whose title,
//! passages and notes are hostile (Markdown that would break out of a
//! quote, HTML, commas and quotes, line breaks, control characters), and
//! checks that each output reads back as exactly that text. Every run has
//! its own config dir; the article is `tests/fixtures/hostile-notes.md`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use longform::annotations::Highlight;
use longform::library::parse_article;
use longform::parse::fingerprint;
use longform::position::{Anchor, Position};
use longform::store::{self, ReadingState, Store};

const BIN: &str = env!("CARGO_BIN_EXE_longform");

/// Fixed times, so that the golden files do not change.
const CREATED: u64 = 1_764_000_000;

/// A config dir and a copy of the article in a temporary folder.
struct Fixture {
    dir: tempfile::TempDir,
    article: PathBuf,
    config: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let article = dir.path().join("hostile-notes.md");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-notes.md"),
            &article,
        )
        .expect("copy the article");
        let config = dir.path().join("config");
        Fixture {
            dir,
            article,
            config,
        }
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.article).expect("article")
    }

    /// Save a record with highlights of `passages` (needle, colour, note),
    /// one highlight made in an older version of the article whose passage
    /// is gone, and a bookmark.
    fn mark(&self, passages: &[(&str, u8, Option<&str>)]) -> ReadingState {
        let text = self.text();
        let canonical = std::fs::canonicalize(&self.article).expect("canonical");
        let doc = parse_article(Some(&canonical), &text);
        let mut state =
            ReadingState::new(canonical.clone(), "Hostile".into(), fingerprint(&text), 1);
        for (i, (needle, color, note)) in passages.iter().enumerate() {
            let at = text.find(needle).expect("passage in the article");
            let mut h = Highlight::new(&doc, at..at + needle.len(), *color, CREATED + i as u64)
                .expect("a passage");
            h.id = format!("h{i}");
            h.note = note.map(str::to_string);
            state.highlights.add(h);
        }
        let older = format!("{text}\n\nA paragraph that was later cut from the essay entirely.\n");
        let old_doc = parse_article(Some(&canonical), &older);
        let at = older.find("A paragraph that").expect("old passage");
        let mut gone =
            Highlight::new(&old_doc, at..older.len() - 1, 4, CREATED + 99).expect("old passage");
        gone.id = "gone".into();
        gone.note = Some("kept although the passage is gone".into());
        state.highlights.add(gone);
        let at = text.find("## Second").expect("second section");
        let mut b = state
            .add_bookmark(
                Anchor::at(&doc, Position(at)),
                "Back *here* <b>".into(),
                Some("a, \"bookmark\" note".into()),
                CREATED,
            )
            .clone();
        b.id = "b0".into();
        state.bookmarks = vec![b];
        let id = store::record_id(&canonical);
        Store::new(&self.config)
            .save(&id, &state)
            .expect("save the record")
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .args(args)
            .env("LONGFORM_CONFIG_DIR", &self.config)
            .env("HOME", self.dir.path())
            .env_remove("NO_COLOR")
            .current_dir(self.dir.path())
            .output()
            .expect("run longform");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        out
    }

    /// The stdout of a successful run, with the temporary folder named
    /// `[DIR]`.
    fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let dir = std::fs::canonicalize(self.dir.path()).expect("canonical dir");
        text.replace(dir.to_str().expect("UTF-8 dir"), "[DIR]")
    }

    fn path(&self) -> &str {
        self.article.to_str().expect("UTF-8 path")
    }
}

/// The hostile passages and notes: (passage, colour, note).
const MARKS: [(&str, u8, Option<&str>); 4] = [
    (
        "The first passage is *plain* prose, with a [link](https://example.com/x) in it.",
        1,
        Some("line one\n> quoted line\n# heading [x](y) <img src=x onerror=alert(1)> `tick`"),
    ),
    (
        "`code`, <b>bold</b> and #hash",
        2,
        Some("commas, \"double quotes\", and a bell\u{7} and an escape\u{1b}[31m"),
    ),
    ("Commas, \"quotes\" and ---", 3, None),
    (
        "1\\. Not a list",
        0,
        Some("- not a list either\n\n---\n====="),
    ),
];

#[test]
fn markdown_export_golden() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let md = fx.stdout(&["export", fx.path()]);
    insta::assert_snapshot!("export_markdown", md);
}

#[test]
fn json_export_golden() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let json = fx.stdout(&["export", fx.path(), "--format", "json"]);
    insta::assert_snapshot!("export_json", json);
}

#[test]
fn csv_export_golden() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let csv = fx.stdout(&["export", fx.path(), "--format", "csv"]);
    insta::assert_snapshot!("export_csv", csv);
}

/// A passage over two paragraphs is exported as two: two paragraphs of
/// one quote in Markdown, a line each in JSON and CSV.
/// A bookmark whose label names its section (a new bookmark's label is
/// "Section · first words") names it once in the export.
#[test]
fn a_bookmark_label_that_names_its_section_is_not_repeated() {
    let fx = Fixture::new();
    let mut state = fx.mark(&MARKS);
    let text = fx.text();
    let canonical = std::fs::canonicalize(&fx.article).expect("canonical");
    let doc = parse_article(Some(&canonical), &text);
    let at = text.find("## Second").expect("second section");
    state.add_bookmark(
        Anchor::at(&doc, Position(at)),
        // As the reader makes it: from the section's title as shown.
        "Second, “quoted” part · the words after it".into(),
        None,
        CREATED + 1,
    );
    Store::new(&fx.config)
        .save(&store::record_id(&canonical), &state)
        .expect("save the record");
    let out = fx.stdout(&["export", fx.path()]);
    let line = out
        .lines()
        .find(|l| l.contains("the words after it"))
        .expect("the bookmark's line");
    assert_eq!(line.matches("quoted").count(), 1, "{line}");
    // A label that does not name it is followed by the section.
    let other = out.lines().find(|l| l.contains("Back")).expect("the other");
    assert!(other.contains("quoted"), "{other}");
}

#[test]
fn a_passage_over_paragraphs_keeps_them() {
    let fx = Fixture::new();
    fx.mark(&[(
        "with a [link](https://example.com/x) in it.\n\nInline `code`",
        2,
        None,
    )]);
    let md = fx.stdout(&["export", fx.path()]);
    assert!(
        md.contains("> with a link in it.\n>\n> Inline code\n"),
        "{md}"
    );
    let json = fx.stdout(&["export", fx.path(), "--format", "json"]);
    assert!(
        json.contains(r#""text": "with a link in it.\nInline code""#),
        "{json}"
    );
    let csv = fx.stdout(&["export", fx.path(), "--format", "csv"]);
    assert!(csv.contains("\"with a link in it.\nInline code\""), "{csv}");
}

/// The Markdown export read back with a CommonMark parser: no HTML, no
/// link but the source URL's, no heading but the title, the sections and
/// the bookmarks, and each passage and note as text inside a quote.
#[test]
fn markdown_export_reads_back_as_the_same_text() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let fx = Fixture::new();
    let state = fx.mark(&MARKS);
    let md = fx.stdout(&["export", fx.path()]);
    let body = md
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, body)| {
            assert!(
                front.lines().any(|l| l == "generator: longform export"),
                "{front}"
            );
            body
        })
        .expect("front matter");
    let mut quoted = String::new();
    let mut depth = 0;
    let mut headings = 0;
    let mut links = Vec::new();
    for event in Parser::new_ext(
        body,
        Options::all().difference(Options::ENABLE_SMART_PUNCTUATION),
    ) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the export: {h}"),
            Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                depth -= 1;
                quoted.push('\n');
            }
            Event::Start(Tag::Heading { .. }) => headings += 1,
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Text(t) | Event::Code(t) if depth > 0 => quoted.push_str(&t),
            Event::SoftBreak | Event::HardBreak if depth > 0 => quoted.push(' '),
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::CodeBlock(_)) if depth > 0 => {
                panic!("markup inside a quote:\n{body}")
            }
            _ => {}
        }
    }
    assert_eq!(links, ["https://example.com/essay?a=1&b=2"], "{body}");
    // Title, the two sections and the bookmarks.
    assert_eq!(headings, 4, "{body}");
    for h in state.highlights.live() {
        assert!(
            quoted.contains(&h.text),
            "{:?} not quoted in:\n{quoted}",
            h.text
        );
        if let Some(note) = &h.note {
            for line in note.lines().filter(|l| !l.trim().is_empty()) {
                let shown = longform::parse::sanitize(line.trim());
                assert!(quoted.contains(&shown), "{shown:?} not in:\n{quoted}");
            }
        }
    }
    assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'));
    assert!(md.contains("#green"), "{md}");
    assert!(md.contains("*not found in this version*"), "{md}");
}

/// A small RFC 4180 reader: fields of quoted text, rows ended by CRLF.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_export_reads_back_field_by_field() {
    let fx = Fixture::new();
    let state = fx.mark(&MARKS);
    let csv = fx.stdout(&["export", fx.path(), "--format", "csv"]);
    let rows = read_csv(&csv);
    assert_eq!(
        rows[0],
        [
            "Highlight",
            "Title",
            "Author",
            "URL",
            "Note",
            "Location",
            "Date"
        ]
    );
    assert_eq!(rows.len(), 1 + state.highlights.live().count());
    for row in &rows[1..] {
        assert_eq!(row.len(), 7, "{row:?}");
        let h = state
            .highlights
            .live()
            .find(|h| h.text == row[0])
            .unwrap_or_else(|| panic!("{:?} is no passage", row[0]));
        let note = h
            .note
            .as_deref()
            .map(longform::parse::sanitize)
            .unwrap_or_default();
        assert_eq!(row[4], note);
        assert_eq!(row[2], "A. Writer, Jr. <script>alert(1)</script>");
        assert!(row[6].ends_with('Z'), "{row:?}");
    }
    // The note with a bell and an escape keeps its words, with stand-ins.
    assert!(
        rows.iter().any(|r| r[4].contains("bell\u{2407}")),
        "{rows:?}"
    );
}

#[test]
fn json_export_has_source_positions_and_the_version() {
    let fx = Fixture::new();
    let state = fx.mark(&MARKS);
    let json = fx.stdout(&["export", fx.path(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["generator"], "longform export");
    assert_eq!(v["longform_version"], env!("CARGO_PKG_VERSION"));
    let text = fx.text();
    let doc = parse_article(Some(&fx.article), &text);
    let article = &v["articles"][0];
    assert_eq!(article["url"], "https://example.com/essay?a=1&b=2");
    let highlights = article["highlights"].as_array().expect("highlights");
    assert_eq!(highlights.len(), MARKS.len() + 1);
    for (i, (_, color, _)) in MARKS.iter().enumerate() {
        let h = highlights
            .iter()
            .find(|h| h["id"] == format!("h{i}"))
            .expect("exported");
        let saved = state.highlights.get(&format!("h{i}")).expect("saved");
        let start = h["start"].as_u64().expect("start") as usize;
        let end = h["end"].as_u64().expect("end") as usize;
        assert_eq!((start, end), (saved.start.byte, saved.end.byte), "{h}");
        assert_eq!(longform::annotations::passage(&doc, start..end), saved.text);
        assert_eq!(h["text"], saved.text.as_str());
        assert_eq!(h["color"], *color);
        assert_eq!(h["found"], "exact");
    }
    let gone = &highlights[MARKS.len()];
    assert_eq!(gone["id"], "gone");
    assert_eq!(gone["found"], "not_found");
    assert!(gone["start"].is_null());
    assert_eq!(article["bookmarks"][0]["label"], "Back *here* <b>");
}

#[test]
fn into_a_folder_only_an_earlier_export_is_replaced() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let notes = fx.dir.path().join("notes");
    std::fs::create_dir(&notes).expect("notes folder");
    let notes_arg = notes.to_str().expect("UTF-8");
    let out = fx.run(&["export", fx.path(), "-o", notes_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The file written is named, a line of its own.
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.trim_end().starts_with(notes_arg) && said.trim_end().ends_with(".md"),
        "{said}"
    );
    let names: Vec<String> = std::fs::read_dir(&notes)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let file = notes.join(&names[0]);
    assert!(names[0].starts_with("notes-quotes-b-tags-b"), "{names:?}");
    let first = std::fs::read_to_string(&file).expect("written");
    // Again: the export it wrote is replaced.
    let out = fx.run(&["export", fx.path(), "-o", notes_arg]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&file).expect("written"), first);
    // A note of the reader's own under that name is never replaced.
    std::fs::write(&file, "# My own notes\n").expect("write");
    let out = fx.run(&["export", fx.path(), "-o", notes_arg]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was not written by longform export"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("kept"),
        "# My own notes\n"
    );
    // The same for a file named with -o, in every format.
    for format in ["json", "csv"] {
        let path = fx.dir.path().join(format!("mine.{format}"));
        std::fs::write(&path, "a,b\n").expect("write");
        let out = fx.run(&[
            "export",
            fx.path(),
            "--format",
            format,
            "-o",
            path.to_str().expect("UTF-8"),
        ]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), "a,b\n");
        std::fs::remove_file(&path).expect("remove");
        let out = fx.run(&[
            "export",
            fx.path(),
            "--format",
            format,
            "-o",
            path.to_str().expect("UTF-8"),
        ]);
        assert!(out.status.success(), "{format}");
        let out = fx.run(&[
            "export",
            fx.path(),
            "--format",
            format,
            "-o",
            path.to_str().expect("UTF-8"),
        ]);
        assert!(
            out.status.success(),
            "{format}: an earlier export is replaced"
        );
        // An export in another format under that name is replaced too.
        let out = fx.run(&["export", fx.path(), "-o", path.to_str().expect("UTF-8")]);
        assert!(
            out.status.success(),
            "markdown over {format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read_to_string(&path)
                .expect("written")
                .starts_with("---\n"),
            "now Markdown"
        );
        std::fs::remove_file(&path).expect("remove");
    }
    // Into a folder that is not there: one line that says so.
    let nowhere = fx.dir.path().join("nd/sub/x.md");
    let out = fx.run(&["export", fx.path(), "-o", nowhere.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("there is no folder"), "{stderr}");
    assert!(!stderr.contains(".longform-export"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(fx.dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".longform-export")
        })
        .collect();
    assert!(left.is_empty());
}

/// `-o DIR/` with the separator at its end names a folder: made when
/// missing, the note written in it under the article's name.
#[test]
fn a_folder_named_with_a_slash_is_made() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let notes = fx.dir.path().join("new/notes");
    let arg = format!("{}/", notes.to_str().expect("UTF-8"));
    for format in ["markdown", "csv"] {
        let out = fx.run(&["export", fx.path(), "--format", format, "-o", &arg]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&notes)
        .expect("the folder made")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "notes-quotes-b-tags-b-link-x-tick.csv",
            "notes-quotes-b-tags-b-link-x-tick.md"
        ]
    );
}

#[test]
fn all_exports_every_article_with_highlights() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let out = fx.run(&["export", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));
    let csv = fx.stdout(&["export", "--all", "--format", "csv"]);
    assert_eq!(read_csv(&csv).len(), 1 + MARKS.len() + 1);
    let notes = fx.dir.path().join("new/notes");
    let out = fx.run(&["export", "--all", "-o", notes.to_str().expect("UTF-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&notes).expect("made").count(), 1);
    // Neither a file nor --all: a usage error.
    let out = fx.run(&["export"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_input_is_one_line_and_a_failure() {
    let fx = Fixture::new();
    for args in [
        vec!["export", "missing.md"],
        vec!["export", "-"],
        vec!["highlights", "missing.md"],
        vec!["export", fx.path(), "--format", "pdf"],
    ] {
        let out = fx.run(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    // An article without a record exports as having nothing marked.
    let md = fx.stdout(&["export", fx.path()]);
    assert!(md.contains("*No highlights yet.*"), "{md}");
}

#[test]
fn highlights_lists_them_with_the_one_not_found() {
    let fx = Fixture::new();
    assert!(fx.stdout(&["highlights"]).starts_with("No highlights yet"));
    fx.mark(&MARKS);
    let list = fx.stdout(&["highlights", fx.path()]);
    insta::assert_snapshot!("highlights_list", list);
    assert_eq!(fx.stdout(&["highlights"]), list);
    let json: serde_json::Value =
        serde_json::from_str(&fx.stdout(&["highlights", "--json"])).expect("JSON");
    let entries = json.as_array().expect("a list");
    assert_eq!(entries.len(), MARKS.len() + 1);
    assert_eq!(entries[MARKS.len()]["found"], "not_found");
    assert_eq!(entries[0]["color_name"], "yellow");
    assert_eq!(entries[0]["missing"], false);
}

/// A record that is there but cannot be read is not "nothing marked": the
/// export fails in one line and leaves the earlier export as it was, and
/// the reports say so rather than "none yet".
#[test]
fn a_record_that_cannot_be_read_is_not_exported_as_empty() {
    let fx = Fixture::new();
    fx.mark(&MARKS);
    let notes = fx.dir.path().join("notes");
    let notes_arg = format!("{}/", notes.display());
    let out = fx.run(&["export", fx.path(), "-o", &notes_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: Vec<PathBuf> = std::fs::read_dir(&notes)
        .expect("the folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(written.len(), 1);
    let before = std::fs::read(&written[0]).expect("the export");
    let canonical = std::fs::canonicalize(&fx.article).expect("canonical");
    let record = fx
        .config
        .join("reading")
        .join(format!("{}.json", store::record_id(&canonical)));
    std::fs::write(&record, "{ torn").expect("a torn record");
    for args in [
        vec!["export", fx.path(), "-o", &notes_arg],
        vec!["export", fx.path()],
        vec!["highlights", fx.path()],
        vec!["bookmarks", fx.path()],
    ] {
        let out = fx.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("cannot be read"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(&written[0]).expect("the export"), before);
    // Every article's export leaves out the torn record, and says so.
    let all = fx.dir.path().join("all");
    let out = fx.run(&["export", "--all", "-o", all.to_str().expect("UTF-8")]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 record could not be read"), "{stderr}");
    // A folder of records that cannot be listed (here a file in its
    // place) is not "nothing read yet" either.
    std::fs::remove_dir_all(fx.config.join("reading")).expect("the records");
    std::fs::write(fx.config.join("reading"), "").expect("a file in its place");
    for args in [
        vec!["progress"],
        vec!["highlights"],
        vec!["bookmarks"],
        vec!["export", "--all", "-o", &notes_arg],
    ] {
        let out = fx.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cannot read the reading records"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(std::fs::read(&written[0]).expect("the export"), before);
    // The library's rows are still listed, with a line on why they show
    // nothing read.
    let out = fx.run(&["list", fx.dir.path().to_str().expect("UTF-8")]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the reading records"),
        "{stderr}"
    );
}

/// Two articles of one title keep their file names from one export to the
/// next, whichever was opened last.
#[test]
fn all_names_stay_with_their_articles() {
    let fx = Fixture::new();
    let first = fx.mark(&MARKS);
    let other = fx.dir.path().join("lib").join("a.md");
    std::fs::create_dir_all(other.parent().expect("a folder")).expect("lib");
    std::fs::copy(&fx.article, &other).expect("a copy");
    let other = std::fs::canonicalize(&other).expect("canonical");
    let store = Store::new(&fx.config);
    let notes = fx.dir.path().join("notes");
    let notes_arg = notes.to_str().expect("UTF-8").to_string();
    let mut seen = Vec::new();
    for newer in [0u64, 1] {
        // Saved afresh: a save keeps the later of two openings.
        std::fs::remove_dir_all(fx.config.join("reading")).expect("the records");
        let mut a = first.clone();
        a.last_opened = CREATED + newer;
        store
            .save(&store::record_id(&a.path.clone()), &a)
            .expect("save");
        let mut b = first.clone();
        b.path = other.clone();
        b.last_opened = CREATED + 1 - newer;
        store.save(&store::record_id(&other), &b).expect("save");
        let out = fx.run(&["export", "--all", "-o", &notes_arg]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<(String, bool)> = std::fs::read_dir(&notes)
            .expect("the folder")
            .map(|e| {
                let path = e.expect("entry").path();
                let text = std::fs::read_to_string(&path).expect("an export");
                let name = path
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned();
                (name, text.contains("lib/a.md"))
            })
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        seen.push(names);
    }
    assert_eq!(seen[0], seen[1]);
}

/// An article moved and edited since, not opened since: its highlights
/// are found as the reader would find its record.
#[test]
fn a_moved_and_edited_article_keeps_its_highlights() {
    let fx = Fixture::new();
    let mut state = fx.mark(&MARKS);
    let text = fx.text();
    let canonical = std::fs::canonicalize(&fx.article).expect("canonical");
    let doc = parse_article(Some(&canonical), &text);
    state.title = longform::parse::sanitize(doc.title().expect("a title"));
    let at = text.find("## Second").expect("second section");
    state.position = Some(Anchor::at(&doc, Position(at)));
    std::fs::remove_dir_all(fx.config.join("reading")).expect("the records");
    Store::new(&fx.config)
        .save(&store::record_id(&canonical), &state)
        .expect("save");
    let moved = fx.dir.path().join("renamed.md");
    std::fs::rename(&fx.article, &moved).expect("move");
    std::fs::write(&moved, format!("{text}\nA line added later.\n")).expect("edit");
    let list = fx.stdout(&["highlights", moved.to_str().expect("UTF-8")]);
    assert!(!list.starts_with("No highlights yet"), "{list}");
    assert!(
        list.contains(MARKS[0].0.split_whitespace().next().expect("a word")),
        "{list}"
    );
}

/// The highlights of an article whose file is gone come in the order of
/// their places, as when it is there, not in the order they were made.
#[test]
fn the_highlights_of_a_missing_file_keep_the_article_order() {
    let fx = Fixture::new();
    let mut marks = MARKS;
    marks.reverse();
    fx.mark(&marks);
    std::fs::remove_file(&fx.article).expect("the article gone");
    let json = fx.stdout(&["export", fx.path(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let ids: Vec<String> = v["articles"][0]["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|h| h["id"].as_str().expect("an id").to_string())
        .collect();
    // Made last to first: h3 is the first passage of the article; the
    // passage of an older version, further on, is last.
    assert_eq!(ids, ["h3", "h2", "h1", "h0", "gone"]);
}

/// `--all` with nothing marked says so, and makes no folder.
#[test]
fn all_with_nothing_marked_says_so_and_makes_nothing() {
    let fx = Fixture::new();
    let notes = fx.dir.path().join("notes");
    let out = fx.run(&["export", "--all", "-o", notes.to_str().expect("UTF-8")]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no highlights to export yet"), "{err}");
    assert!(!notes.exists());
}
