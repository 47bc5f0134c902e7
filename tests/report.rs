//! Tests of the commands that report saved state: `where`, `bookmarks` and
//! `progress`, in text and JSON, with articles present, edited, moved and
//! gone, an empty store, and labels that carry control characters.
//!
//! Every run is hermetic: `LONGFORM_CONFIG_DIR`, `HOME` and
//! `XDG_CONFIG_HOME` point at a fresh temporary folder, and the articles
//! are copies of the bundled ones in another. Records are made with the
//! library itself, as the reader makes them.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use longform::document::Document;
use longform::parse::parse;
use longform::position::{Anchor, Position};
use longform::store::{ReadingState, Store, now, record_id};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_longform");
const ESC: char = '\u{1b}';
const DAY: u64 = 24 * 60 * 60;

/// A private config dir and a folder of articles.
struct Env {
    config: tempfile::TempDir,
    articles: tempfile::TempDir,
}

/// What one run of the binary produced.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Env {
    fn new() -> Env {
        Env {
            config: tempfile::tempdir().expect("config tempdir"),
            articles: tempfile::tempdir().expect("articles tempdir"),
        }
    }

    /// Copy a bundled article in, and return its canonical path.
    fn article(&self, name: &str) -> PathBuf {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("articles")
            .join(name);
        let to = self.articles.path().join(name);
        std::fs::copy(&from, &to).expect("copy the article");
        to.canonicalize().expect("canonical path")
    }

    /// Save a record for the article at `path`, made by `edit` from a new
    /// one opened at `last_opened`.
    fn record(
        &self,
        path: &Path,
        last_opened: u64,
        edit: impl FnOnce(&mut ReadingState, &Document, &str),
    ) {
        let text = std::fs::read_to_string(path).expect("read the article");
        let doc = parse(&text);
        let title = doc.title().unwrap_or("untitled").to_string();
        let mut state = ReadingState::new(path.to_path_buf(), title, doc.fingerprint, last_opened);
        edit(&mut state, &doc, &text);
        Store::new(self.config.path())
            .save(&record_id(path), &state)
            .expect("save the record");
    }

    /// Run `longform` with `args` in this environment.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(BIN)
            .args(args)
            .env("LONGFORM_CONFIG_DIR", self.config.path())
            .env("HOME", self.config.path())
            .env("XDG_CONFIG_HOME", self.config.path())
            .env_remove("NO_COLOR")
            .current_dir(self.articles.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run longform");
        let run = Run {
            status: output.status,
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "longform {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Run a command that must succeed quietly, and return its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.status.code(),
            Some(0),
            "longform {args:?} failed: {}",
            run.stderr
        );
        assert_eq!(run.stderr, "", "longform {args:?} wrote to stderr");
        run.stdout
    }

    /// Run a `--json` command and parse its list.
    fn json(&self, args: &[&str]) -> Vec<Value> {
        let out = self.ok(args);
        match serde_json::from_str(&out).expect("valid JSON") {
            Value::Array(items) => items,
            other => panic!("not a list: {other}"),
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The byte where `needle` starts in `text`.
fn at(text: &str, needle: &str) -> Position {
    Position(
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in the article")),
    )
}

/// Add a bookmark at the start of `needle`.
fn mark(state: &mut ReadingState, doc: &Document, text: &str, needle: &str, label: &str) {
    let anchor = Anchor::at(doc, at(text, needle));
    state.add_bookmark(anchor, label.to_string(), None, 1_700_000_000);
}

/// The article's percent at `needle`, as the reader counts it.
fn percent(path: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(path).expect("read the article");
    u64::from(parse(&text).percent_at(at(&text, needle)))
}

fn strs<'a>(items: &'a [Value], key: &str) -> Vec<&'a str> {
    items
        .iter()
        .map(|item| {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} in {item}"))
        })
        .collect()
}

fn nums(items: &[Value], key: &str) -> Vec<u64> {
    items
        .iter()
        .map(|item| {
            item[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{key} in {item}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// where

#[test]
fn where_shows_the_dir_from_the_variable_and_counts_records() {
    let env = Env::new();
    let dir = path_str(env.config.path());
    let out = env.ok(&["where"]);
    assert_eq!(
        out,
        format!(
            "config dir   {dir}\n\
             config file  {dir}/config.toml (missing: defaults in use)\n\
             reading      {dir}/reading (none yet)\n\
             crash logs   {dir}/crashes (none)\n\
             cache        {dir}/library-cache.json (none yet)\n\
             articles     {dir}/articles (the default library, made on first use)\n\
             epub cache   {dir}/cache/epub (none yet: the text of the EPUB books you open)\n"
        )
    );

    let web = env.article("the-slow-web.md");
    let tea = env.article("field-notes-on-tea.md");
    env.record(&web, now(), |_, _, _| {});
    env.record(&tea, now(), |_, _, _| {});
    std::fs::write(env.config.path().join("config.toml"), "width = 72\n").expect("config");
    let out = env.ok(&["where"]);
    assert!(
        out.contains(&format!("config file  {dir}/config.toml (in use)\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("reading      {dir}/reading (2 records)\n")),
        "{out}"
    );

    // Every other file longform writes, once it is there.
    let config = env.config.path();
    std::fs::create_dir_all(config.join("articles")).unwrap();
    std::fs::copy(&web, config.join("articles/the-slow-web.md")).unwrap();
    std::fs::write(config.join("library-cache.json"), "{}").unwrap();
    std::fs::create_dir_all(config.join("cache/epub/abc")).unwrap();
    std::fs::write(config.join("sync.log"), "offline\n").unwrap();
    let out = env.ok(&["where"]);
    for line in [
        format!("cache        {dir}/library-cache.json (summaries of the library, 2 bytes)\n"),
        format!("articles     {dir}/articles (the default library: 1 article)\n"),
        format!("epub cache   {dir}/cache/epub (converted text of 1 book)\n"),
        format!("sync log     {dir}/sync.log\n"),
    ] {
        assert!(out.contains(&line), "{line}\nnot in\n{out}");
    }
}

/// A save kept pending (another longform held the record) is what the
/// reports read: `where` says it waits, and its bookmark is listed.
#[test]
fn a_save_kept_pending_is_said_and_listed() {
    let env = Env::new();
    let dir = path_str(env.config.path());
    let web = env.article("the-slow-web.md");
    env.record(&web, now(), |_, _, _| {});
    let reading = env.config.path().join("reading");
    let record = reading.join(format!("{}.json", record_id(&web)));
    let mut pending: ReadingState =
        serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    let doc = parse(&std::fs::read_to_string(&web).unwrap());
    pending.add_bookmark(
        longform::position::Anchor::at(&doc, longform::position::Position(400)),
        "kept aside".into(),
        None,
        now(),
    );
    std::fs::write(
        reading.join(format!("{}.pending", record_id(&web))),
        serde_json::to_vec(&pending).unwrap(),
    )
    .unwrap();
    let out = env.ok(&["where"]);
    assert!(
        out.contains(&format!(
            "reading      {dir}/reading (1 record; 1 save kept aside while another longform \
             held the record, merged when the article is next opened)\n"
        )),
        "{out}"
    );
    let out = env.ok(&["bookmarks"]);
    assert!(out.contains("kept aside"), "{out}");
}

/// An article read from stdin: its text is not kept, so its highlights
/// are as saved, said so, never "not found"; JSON gives no path, as
/// `progress --json` does.
#[test]
fn a_highlight_of_stdin_is_as_saved() {
    let env = Env::new();
    let text = "# Piped\n\nSome words that came down a pipe, and stayed.\n";
    let doc = parse(text);
    let mut state = ReadingState::new(
        PathBuf::from(longform::store::STDIN_PATH),
        "Piped".into(),
        doc.fingerprint,
        now(),
    );
    let at = text.find("Some words").unwrap();
    let h = longform::annotations::Highlight::new(&doc, at..at + 10, 1, now()).expect("a passage");
    state.highlights.add(h);
    Store::new(env.config.path())
        .save(&format!("stdin{:016x}", doc.fingerprint), &state)
        .expect("save");
    let out = env.ok(&["highlights", "--json"]);
    let list: Value = serde_json::from_str(&out).expect("JSON");
    let h = &list[0];
    assert_eq!(h["path"], Value::Null, "{h}");
    assert_eq!(h["missing"], true, "{h}");
    assert_eq!(h["percent"], Value::Null, "{h}");
    let out = env.ok(&["highlights"]);
    assert!(out.contains("read from standard input"), "{out}");
    assert!(!out.contains("not found"), "{out}");
}

/// A file moved and edited gets a copy of its record; the old one stays.
/// A highlight in both is listed and exported once, from the article
/// that is there.
#[test]
fn a_highlight_in_two_records_is_given_once() {
    let env = Env::new();
    let web = env.article("the-slow-web.md");
    let text = std::fs::read_to_string(&web).unwrap();
    let doc = parse(&text);
    let at = text.find("Plain formats").unwrap();
    let h = longform::annotations::Highlight::new(&doc, at..at + 13, 2, now()).expect("a passage");
    env.record(&web, now() - DAY, |state, _, _| {
        state.highlights.add(h.clone());
    });
    let gone = env.articles.path().join("old-name.md");
    let mut old = ReadingState::new(gone.clone(), "The Slow Web".into(), doc.fingerprint, now());
    old.highlights.add(h);
    Store::new(env.config.path())
        .save(&record_id(&gone), &old)
        .expect("save");
    let out = env.ok(&["highlights", "--json"]);
    let list: Value = serde_json::from_str(&out).expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{out}");
    assert_eq!(list[0]["path"], path_str(&web), "{out}");
    let out = env.ok(&["export", "--all", "--format", "json"]);
    assert_eq!(out.matches("Plain formats").count(), 1, "{out}");
}

#[test]
fn where_names_the_line_of_an_invalid_config_and_unreadable_records() {
    let env = Env::new();
    let dir = path_str(env.config.path());
    std::fs::write(
        env.config.path().join("config.toml"),
        "width = 72\n\nwords_per_minute = \"fast\"\n",
    )
    .expect("config");
    let web = env.article("the-slow-web.md");
    env.record(&web, now(), |_, _, _| {});
    let reading = env.config.path().join("reading");
    std::fs::write(reading.join("00000000000000aa.json"), "{ torn").expect("corrupt record");

    let out = env.ok(&["where"]);
    let config_line = out
        .lines()
        .find(|l| l.starts_with("config file"))
        .expect("config file line");
    assert!(
        config_line.starts_with(&format!(
            "config file  {dir}/config.toml (invalid: line 3: "
        )),
        "{config_line}"
    );
    assert!(
        config_line.ends_with("default used for that, the rest in use)"),
        "{config_line}"
    );
    assert!(
        out.contains("(1 record; 1 unreadable (corrupt, or from a newer longform))"),
        "{out}"
    );
    // Reporting never moves a record aside.
    assert!(reading.join("00000000000000aa.json").exists());
}

// ---------------------------------------------------------------------------
// bookmarks

/// The Slow Web with three bookmarks, added out of article order.
fn slow_web_with_bookmarks(env: &Env) -> PathBuf {
    let web = env.article("the-slow-web.md");
    env.record(&web, now(), |state, doc, text| {
        mark(state, doc, text, "### Interruptions", "Enemies");
        mark(state, doc, text, "### Eighty columns", "Cards");
        mark(state, doc, text, "### Measure", "Line length");
    });
    web
}

#[test]
fn bookmarks_of_a_file_as_json_in_article_order() {
    let env = Env::new();
    let web = slow_web_with_bookmarks(&env);
    let items = env.json(&["bookmarks", path_str(&web), "--json"]);
    assert_eq!(strs(&items, "label"), ["Cards", "Line length", "Enemies"]);
    assert_eq!(
        strs(&items, "section"),
        ["Eighty columns", "Measure", "Interruptions"]
    );
    assert_eq!(
        nums(&items, "percent"),
        [
            percent(&web, "### Eighty columns"),
            percent(&web, "### Measure"),
            percent(&web, "### Interruptions"),
        ]
    );
    let percents = nums(&items, "percent");
    assert!(percents[0] < percents[1] && percents[1] < percents[2] && percents[2] < 100);
    for item in &items {
        assert_eq!(item["path"], path_str(&web));
        assert_eq!(item["title"], "The Slow Web");
        assert_eq!(item["missing"], false);
        assert_eq!(item["note"], Value::Null);
        assert_eq!(item["created"], 1_700_000_000);
        assert_eq!(item["id"].as_str().map(str::len), Some(16), "{item}");
    }
    let snippets = strs(&items, "snippet");
    assert!(snippets[1].starts_with("Measure"), "{snippets:?}");
    assert!(
        snippets.iter().all(|s| s.chars().count() <= 61),
        "{snippets:?}"
    );

    // The text listing: the article, then one line per bookmark.
    let out = env.ok(&["bookmarks", path_str(&web)]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(lines[0], format!("The Slow Web — {}", path_str(&web)));
    let p = percent(&web, "### Measure");
    assert!(
        lines[2].starts_with(&format!(
            "{:>5}  Line length · Measure — “Typographers call",
            format!("{p}%")
        )),
        "{}",
        lines[2]
    );
    assert!(lines[2].ends_with('”'), "{}", lines[2]);
}

#[test]
fn bookmarks_follow_an_edited_article() {
    let env = Env::new();
    let web = slow_web_with_bookmarks(&env);
    let text = std::fs::read_to_string(&web).expect("read");
    let inserted = "A new paragraph written after the bookmarks were made. ".repeat(40);
    let edited = text.replacen(
        "## Glass before paper",
        &format!("{inserted}\n\n## Glass before paper"),
        1,
    );
    std::fs::write(&web, edited).expect("edit the article");

    let items = env.json(&["bookmarks", path_str(&web), "--json"]);
    assert_eq!(
        strs(&items, "section"),
        ["Eighty columns", "Measure", "Interruptions"]
    );
    assert_eq!(
        nums(&items, "percent"),
        [
            percent(&web, "### Eighty columns"),
            percent(&web, "### Measure"),
            percent(&web, "### Interruptions"),
        ]
    );
}

#[test]
fn all_bookmarks_are_grouped_by_article() {
    let env = Env::new();
    let web = slow_web_with_bookmarks(&env);
    let tea = env.article("field-notes-on-tea.md");
    env.record(&tea, now() - DAY, |state, doc, text| {
        mark(state, doc, text, "### Uji", "Uji");
    });
    // An article read without bookmarks is not listed.
    let guide = env.article("reading-with-longform.md");
    env.record(&guide, now(), |_, _, _| {});

    let out = env.ok(&["bookmarks"]);
    let expected_headers = [
        format!("The Slow Web — {}", path_str(&web)),
        format!("Field Notes on Tea — {}", path_str(&tea)),
    ];
    let headers: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .collect();
    assert_eq!(headers, expected_headers, "{out}");
    let groups: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(groups.len(), 2, "{out}");
    assert_eq!(groups[0].lines().count(), 4, "{out}");
    // The section and the snippet say nothing the label says.
    assert!(groups[1].contains("  Uji — “Tea came to Japan"), "{out}");

    let items = env.json(&["bookmarks", "--json"]);
    assert_eq!(
        strs(&items, "label"),
        ["Cards", "Line length", "Enemies", "Uji"]
    );
    assert_eq!(strs(&items, "title")[3], "Field Notes on Tea");
}

#[test]
fn a_missing_article_is_listed_from_the_saved_anchors() {
    let env = Env::new();
    let web = slow_web_with_bookmarks(&env);
    let text = std::fs::read_to_string(&web).expect("read");
    let measure = at(&text, "### Measure").byte();
    std::fs::remove_file(&web).expect("remove the article");

    let items = env.json(&["bookmarks", "--json"]);
    assert_eq!(strs(&items, "label"), ["Cards", "Line length", "Enemies"]);
    assert_eq!(
        strs(&items, "section"),
        ["Eighty columns", "Measure", "Interruptions"],
        "the titles saved with the places"
    );
    assert_eq!(
        nums(&items, "percent")[1],
        (measure * 100 / text.len()) as u64
    );
    assert!(strs(&items, "snippet")[1].starts_with("Measure"));
    assert!(items.iter().all(|i| i["missing"] == true));
    assert!(items.iter().all(|i| i["title"] == "The Slow Web"));

    let out = env.ok(&["bookmarks"]);
    assert!(
        out.starts_with(&format!(
            "The Slow Web — {} (file missing)\n",
            path_str(&web)
        )),
        "{out}"
    );
    assert!(
        out.contains("Line length · Measure — “Typographers call"),
        "{out}"
    );

    let out = env.ok(&["progress"]);
    assert!(out.contains("(file missing)"), "{out}");
    // Named, the missing file's marks are listed too, as saved.
    let named = env.json(&["bookmarks", path_str(&web), "--json"]);
    assert_eq!(strs(&named, "label"), ["Cards", "Line length", "Enemies"]);
    assert!(named.iter().all(|i| i["missing"] == true));
}

#[test]
fn a_moved_article_finds_its_bookmarks_by_content() {
    let env = Env::new();
    let web = slow_web_with_bookmarks(&env);
    let moved = env.articles.path().join("renamed.md");
    std::fs::rename(&web, &moved).expect("move the article");
    let moved = moved.canonicalize().expect("canonical");

    let items = env.json(&["bookmarks", "renamed.md", "--json"]);
    assert_eq!(strs(&items, "label"), ["Cards", "Line length", "Enemies"]);
    assert!(items.iter().all(|i| i["path"] == path_str(&moved)));
    assert!(items.iter().all(|i| i["missing"] == false));
    assert_eq!(strs(&items, "section")[1], "Measure");
}

#[test]
fn bookmarks_of_a_file_that_does_not_exist_is_one_line_and_exit_1() {
    let env = Env::new();
    slow_web_with_bookmarks(&env);
    for args in [
        &["bookmarks", "missing.md"][..],
        &["bookmarks", "missing.md", "--json"],
    ] {
        let run = env.run(args);
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(
            run.stderr,
            "longform: cannot open missing.md: no such file\n"
        );
    }
}

#[test]
fn a_file_without_bookmarks_gets_the_friendly_line() {
    let env = Env::new();
    let tea = env.article("field-notes-on-tea.md");
    let file = path_str(&tea);
    assert_eq!(
        env.ok(&["bookmarks", file]),
        "No bookmarks yet: press m while reading to add one.\n"
    );
    assert_eq!(env.ok(&["bookmarks", file, "--json"]), "[]\n");
    // Read, but nothing marked.
    env.record(&tea, now(), |_, _, _| {});
    assert_eq!(
        env.ok(&["bookmarks", file]),
        "No bookmarks yet: press m while reading to add one.\n"
    );
}

// ---------------------------------------------------------------------------
// progress

#[test]
fn progress_as_json_most_recent_first() {
    let env = Env::new();
    let t = now();
    let web = env.article("the-slow-web.md");
    let tea = env.article("field-notes-on-tea.md");
    let guide = env.article("reading-with-longform.md");
    env.record(&web, t - 2 * DAY, |state, doc, text| {
        state.set_position(Anchor::at(doc, at(text, "### Measure")), t - 2 * DAY);
        state.seconds_read = 754;
        mark(state, doc, text, "### Eighty columns", "a");
        mark(state, doc, text, "### Interruptions", "b");
    });
    env.record(&tea, t, |state, doc, text| {
        state.set_position(Anchor::at(doc, at(text, "## Afterword")), t);
        state.finished = true;
        state.seconds_read = 1800;
    });
    // Opened, never moved.
    env.record(&guide, t - 3600, |_, _, _| {});

    let items = env.json(&["progress", "--json"]);
    assert_eq!(
        strs(&items, "path"),
        [path_str(&tea), path_str(&guide), path_str(&web)]
    );
    assert_eq!(
        strs(&items, "title"),
        [
            "Field Notes on Tea",
            "Reading with longform",
            "The Slow Web"
        ]
    );
    assert_eq!(
        nums(&items, "percent"),
        [
            percent(&tea, "## Afterword"),
            0,
            percent(&web, "### Measure")
        ]
    );
    assert_eq!(
        items
            .iter()
            .map(|i| i["finished"] == true)
            .collect::<Vec<_>>(),
        [true, false, false]
    );
    assert_eq!(nums(&items, "last_opened"), [t, t - 3600, t - 2 * DAY]);
    assert_eq!(nums(&items, "minutes_read"), [30, 0, 12]);
    assert_eq!(nums(&items, "bookmarks"), [0, 0, 2]);

    let out = env.ok(&["progress"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for word in [
        "Read",
        "Finished",
        "Last opened",
        "Minutes",
        "Bookmarks",
        "Title",
        "Path",
    ] {
        assert!(lines[0].contains(word), "{}", lines[0]);
    }
    assert!(
        lines[1].contains("yes") && lines[1].contains("just now"),
        "{out}"
    );
    assert!(lines[2].contains("1 hour ago"), "{out}");
    assert!(lines[3].contains("2 days ago"), "{out}");
    assert!(lines[3].ends_with(path_str(&web)), "{out}");
    // The columns line up: every title starts in the same column.
    let title_col = lines[0].find("Title").expect("Title column");
    assert_eq!(
        &lines[3][title_col..title_col + 12],
        "The Slow Web",
        "{out}"
    );
    assert_eq!(
        &lines[1][title_col..title_col + 18],
        "Field Notes on Tea",
        "{out}"
    );
}

#[test]
fn an_empty_store_says_so() {
    let env = Env::new();
    assert_eq!(
        env.ok(&["bookmarks"]),
        "No bookmarks yet: press m while reading to add one.\n"
    );
    assert_eq!(env.ok(&["bookmarks", "--json"]), "[]\n");
    assert_eq!(env.ok(&["progress"]), "Nothing read yet.\n");
    assert_eq!(env.ok(&["progress", "--json"]), "[]\n");
}

/// Records that cannot be read (corrupt, or from a newer longform) are
/// counted, not hidden behind "Nothing read yet", and never moved aside.
#[test]
fn unreadable_records_are_counted_not_hidden() {
    let env = Env::new();
    let reading = env.config.path().join("reading");
    std::fs::create_dir_all(&reading).expect("reading folder");
    std::fs::write(reading.join("00000000000000aa.json"), "{ torn").expect("corrupt");
    std::fs::write(
        reading.join("00000000000000bb.json"),
        "{\"version\": 99, \"from\": \"the future\"}",
    )
    .expect("newer");
    let note = "2 records could not be read (see longform where)\n";
    assert_eq!(env.ok(&["progress"]), note);
    assert_eq!(env.ok(&["bookmarks"]), note);
    // JSON stays valid: the note goes to stderr.
    for args in [["progress", "--json"], ["bookmarks", "--json"]] {
        let run = env.run(&args);
        assert_eq!(run.status.code(), Some(0));
        assert_eq!(run.stdout, "[]\n");
        assert_eq!(run.stderr, format!("longform: warning: {note}"));
    }
    // Beside a readable record, the note follows the table.
    let web = env.article("the-slow-web.md");
    env.record(&web, now(), |state, doc, text| {
        mark(state, doc, text, "There is a particular", "start");
    });
    let out = env.ok(&["progress"]);
    assert!(out.contains("The Slow Web"), "{out}");
    assert!(out.ends_with(note), "{out}");
    let out = env.ok(&["bookmarks"]);
    assert!(out.contains("start"), "{out}");
    assert!(out.ends_with(note), "{out}");
    assert!(reading.join("00000000000000aa.json").exists());
    assert!(reading.join("00000000000000bb.json").exists());
}

// ---------------------------------------------------------------------------
// Control characters

#[test]
fn control_characters_from_records_never_reach_the_terminal() {
    let env = Env::new();
    let web = env.article("the-slow-web.md");
    env.record(&web, now(), |state, doc, text| {
        let anchor = Anchor::at(doc, at(text, "### Measure"));
        let note = Some("see \u{1b}]52;c;ZXZpbA==\u{7} also\u{9b}31m".to_string());
        state.add_bookmark(anchor, "evil\u{1b}[31mred\nline".to_string(), note, 1);
        state.title = "Title\u{1b}[2J".to_string();
    });
    let text_out = env.ok(&["bookmarks"]);
    assert!(text_out.contains("evil\u{241b}[31mred line"), "{text_out}");
    assert!(
        text_out.contains("note: see \u{241b}]52;c;ZXZpbA==\u{2407} also<U+009B>31m"),
        "{text_out}"
    );
    let json_out = env.ok(&["bookmarks", "--json"]);

    // The file is gone: the saved title, with its escape, is shown.
    std::fs::remove_file(&web).expect("remove the article");
    let missing_out = env.ok(&["bookmarks"]);
    assert!(
        missing_out.starts_with("Title\u{241b}[2J — "),
        "{missing_out}"
    );
    let progress_out = env.ok(&["progress"]);
    let progress_json = env.ok(&["progress", "--json"]);

    for out in [
        &text_out,
        &json_out,
        &missing_out,
        &progress_out,
        &progress_json,
    ] {
        assert!(!out.contains(ESC), "raw ESC in:\n{out}");
        assert!(!out.contains('\u{9b}'), "raw CSI in:\n{out}");
        assert!(!out.contains('\u{7}'), "raw BEL in:\n{out}");
    }
    // One line per bookmark, the note on the next: the newline in the label
    // did not break the listing.
    assert_eq!(text_out.lines().count(), 3, "{text_out}");
    let items: Vec<Value> = serde_json::from_str(&json_out).expect("JSON");
    assert_eq!(items[0]["label"], "evil\u{241b}[31mred line");
}

#[test]
fn right_to_left_titles_labels_and_sections_are_printed_as_seen() {
    let env = Env::new();
    let path = env.articles.path().join("he.md");
    std::fs::write(
        &path,
        "# שלום עולם\n\nפתיחה.\n\n## פרק שני\n\nכאן מתחיל הפרק השני של המאמר.\n",
    )
    .unwrap();
    let path = path.canonicalize().unwrap();
    env.record(&path, now(), |state, doc, text| {
        mark(state, doc, text, "כאן מתחיל", "סימניה");
    });
    let out = env.ok(&["bookmarks", path_str(&path)]);
    let turned = |s: &str| s.chars().rev().collect::<String>();
    // The title, the label and the section, each turned on its own and
    // in its place.
    assert!(out.starts_with(&turned("שלום עולם")), "{out}");
    let row = out.lines().nth(1).unwrap();
    assert!(
        row.contains(&format!("{} · {}", turned("סימניה"), turned("פרק שני"))),
        "{out}"
    );
    // JSON keeps the text as written.
    let json = env.json(&["bookmarks", "--json", path_str(&path)]);
    assert_eq!(strs(&json, "label"), ["סימניה"]);
}
