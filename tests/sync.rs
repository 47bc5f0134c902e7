//! Progress sync against a real KOReader sync server (`kosync` with
//! Redis, started by `kosync::Kosync` on free ports), through the
//! `longform sync` commands: two config folders play two machines. The
//! faults a server can commit come from a small hostile server. Every run
//! is hermetic: `LONGFORM_CONFIG_DIR` and `HOME` point into a temporary
//! folder.

#[path = "sync/hostile.rs"]
mod hostile;
#[path = "sync/kosync.rs"]
mod kosync;
#[path = "sync/term.rs"]
mod term;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use kosync::Kosync;
use longform::position::{Anchor, Position};
use longform::store::{ReadingState, Store, record_id};
use term::Term;

const BIN: &str = env!("CARGO_BIN_EXE_longform");
const ARTICLE: &str = include_str!("../articles/the-slow-web.md");
const PASSWORD: &str = "correct horse";

/// One machine: its config folder and its own copy of the article.
struct Machine {
    dir: tempfile::TempDir,
    article: PathBuf,
}

impl Machine {
    fn new(device: &str) -> Machine {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config");
        std::fs::create_dir_all(dir.path().join("articles")).expect("articles");
        let article = dir.path().join("articles/the-slow-web.md");
        std::fs::write(&article, ARTICLE).expect("article");
        let machine = Machine { dir, article };
        machine.write_config(&format!("[sync]\ndevice = \"{device}\"\n"));
        machine
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn write_config(&self, text: &str) {
        std::fs::write(self.config().join("config.toml"), text).expect("config.toml");
    }

    fn run(&self, args: &[&str], password: Option<&str>) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("LONGFORM_CONFIG_DIR", self.config())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env_remove("LONGFORM_SYNC_PASSWORD")
            .stdin(Stdio::null());
        if let Some(p) = password {
            cmd.env("LONGFORM_SYNC_PASSWORD", p);
        }
        cmd.output().expect("run longform")
    }

    /// `longform sync login` (or `register`) with a password.
    fn login(&self, verb: &str, server: &str, user: &str, password: &str) -> Output {
        self.run(
            &["sync", verb, "--server", server, "--user", user],
            Some(password),
        )
    }

    fn article(&self) -> &str {
        self.article.to_str().expect("UTF-8 path")
    }

    fn record_id(&self) -> String {
        record_id(&std::fs::canonicalize(&self.article).expect("canonical"))
    }

    fn record_file(&self) -> PathBuf {
        Store::new(&self.config()).record_path(&self.record_id())
    }

    fn record(&self) -> ReadingState {
        let text = std::fs::read(self.record_file()).expect("record");
        serde_json::from_slice(&text).expect("a record")
    }

    /// Save a reading record with the place at `byte`, as the reader
    /// does when it quits there.
    fn read_to(&self, byte: usize) -> Anchor {
        let doc = longform::library::parse_article(Some(&self.article), ARTICLE);
        let anchor = Anchor::at(&doc, Position(byte));
        let canonical = std::fs::canonicalize(&self.article).expect("canonical");
        let mut state = ReadingState::new(canonical, "The Slow Web".into(), doc.fingerprint, 1);
        state.set_position(anchor.clone(), 1);
        state.percent = doc.percent_at(Position(byte));
        Store::new(&self.config())
            .save(&self.record_id(), &state)
            .expect("save");
        anchor
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.config().join("sync.log")).unwrap_or_default()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        stderr(out),
        stdout(out)
    );
    stdout(out)
}

/// The one line of a failure (exit code 1).
#[track_caller]
fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(out), stderr(out));
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.contains("warning")).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    lines[0].to_string()
}

/// The byte where the first paragraph under `heading` starts, about 40%
/// of the way in.
fn place_near_40_percent() -> usize {
    let at = ARTICLE.find("## The craft of the line").expect("a heading");
    at + ARTICLE[at..].find("\n\n").expect("a paragraph") + 2
}

#[test]
fn a_place_pushed_on_one_machine_is_pulled_exactly_on_another() {
    let Some(server) = Kosync::start("a_place_pushed_on_one_machine_is_pulled_exactly_on_another")
    else {
        return;
    };
    let a = Machine::new("laptop");
    let b = Machine::new("desktop");
    let url = server.url.as_str();
    let said = ok(&a.login("register", url, "ann", PASSWORD));
    assert!(said.contains("Registered and logged in"), "{said}");
    let anchor = a.read_to(place_near_40_percent());
    let said = ok(&a.run(&["sync", "push", a.article()], None));
    assert!(said.starts_with("Pushed The Slow Web at "), "{said}");

    ok(&b.login("login", url, "ann", PASSWORD));
    let said = ok(&b.run(&["sync", "pull", b.article()], None));
    assert!(said.starts_with("Synced from laptop: "), "{said}");
    assert!(!said.contains("approximate"), "{said}");
    let pulled = b.record().position.expect("a place");
    assert_eq!(pulled.byte, anchor.byte);
    assert_eq!(pulled.quote, anchor.quote);

    let status = ok(&b.run(&["sync", "status"], None));
    assert!(status.contains(&format!("server     {url}")), "{status}");
    assert!(status.contains("user       ann"), "{status}");
    assert!(status.contains("device     desktop"), "{status}");
    assert!(status.contains("last push  never"), "{status}");
    assert!(
        status.contains("The Slow Web at ") && status.contains("from laptop"),
        "{status}"
    );
    let login = std::fs::read_to_string(b.config().join("sync-login.json")).expect("login");
    let key: serde_json::Value = serde_json::from_str(&login).expect("json");
    let key = key["key"].as_str().expect("key");
    assert!(
        !status.contains(key) && !status.contains(PASSWORD),
        "{status}"
    );
    let config = std::fs::read_to_string(b.config().join("config.toml")).expect("config");
    assert!(!config.contains(key), "the login stays out of config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(b.config().join("sync-login.json")).expect("login");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    let said = ok(&b.run(&["sync", "logout"], None));
    assert!(said.contains("Logged out of"), "{said}");
    assert!(!b.config().join("sync-login.json").exists());
    let err = fails(&b.run(&["sync", "pull", b.article()], None));
    assert!(err.contains("not logged in"), "{err}");
}

/// Push as KOReader does: its headers, an XPointer, a fraction.
fn push_as_koreader(url: &str, user: &str, document: &str, percentage: f64) {
    let key = longform::sync::digest::md5_hex(PASSWORD.as_bytes());
    let body = serde_json::json!({
        "document": document,
        "progress": "/body/DocFragment[3]/body/div/p[14]/text().52",
        "percentage": percentage,
        "device": "Kobo",
        "device_id": "6F5B1E2C9A0D4F37B8E1C2D3A4B5C6D7",
    });
    let response = ureq::put(&format!("{url}/syncs/progress"))
        .header("Accept", "application/vnd.koreader.v1+json")
        .header("x-auth-user", user)
        .header("x-auth-key", &key)
        .content_type("application/json")
        .send(body.to_string())
        .expect("KOReader's push");
    assert_eq!(response.status().as_u16(), 200);
}

#[test]
fn a_koreader_record_opens_at_its_percentage() {
    let Some(server) = Kosync::start("a_koreader_record_opens_at_its_percentage") else {
        return;
    };
    let b = Machine::new("desktop");
    ok(&b.login("register", &server.url, "kim", PASSWORD));
    let document = longform::sync::digest::partial_md5(ARTICLE.as_bytes());
    push_as_koreader(&server.url, "kim", &document, 0.63);
    let said = ok(&b.run(&["sync", "pull", b.article()], None));
    assert!(
        said.starts_with("Synced from Kobo: 63% (approximate)"),
        "{said}"
    );
    let record = b.record();
    assert_eq!(record.percent, 63);
    let doc = longform::library::parse_article(Some(&b.article), ARTICLE);
    let at = record.position.expect("a place").byte;
    let words = doc.words_before(Position(at)) as f64 / doc.words as f64;
    assert!((words - 0.63).abs() < 0.01, "{words}");

    // By file name, KOReader's other way of naming a document.
    b.write_config("[sync]\ndocument = \"filename\"\n");
    push_as_koreader(
        &server.url,
        "kim",
        &longform::sync::digest::filename_md5("the-slow-web.md"),
        0.25,
    );
    let said = ok(&b.run(&["sync", "pull", b.article()], None));
    assert!(
        said.starts_with("Synced from Kobo: 25% (approximate)"),
        "{said}"
    );
}

/// A book is the same document on the server as the EPUB file KOReader
/// reads: its key is the partial MD5 of the `.epub` file's bytes, and its
/// record and the sync status name it by the title in its metadata.
#[test]
fn an_epub_book_syncs_by_its_file_and_its_title() {
    let Some(server) = Kosync::start("an_epub_book_syncs_by_its_file_and_its_title") else {
        return;
    };
    let b = Machine::new("desktop");
    let book = b.dir.path().join("articles/time-machine.epub");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/epub/time-machine-epub3.epub"
        ),
        &book,
    )
    .expect("copy the book");
    ok(&b.login("register", &server.url, "kim", PASSWORD));
    let document =
        longform::sync::digest::partial_md5(&std::fs::read(&book).expect("the book's bytes"));
    push_as_koreader(&server.url, "kim", &document, 0.5);
    let book_arg = book.to_str().expect("UTF-8 path");
    let said = ok(&b.run(&["sync", "pull", book_arg], None));
    assert!(
        said.starts_with("Synced from Kobo: 50% (approximate)"),
        "{said}"
    );
    let id = record_id(&std::fs::canonicalize(&book).expect("canonical"));
    let record: ReadingState = serde_json::from_slice(
        &std::fs::read(Store::new(&b.config()).record_path(&id)).expect("the book's record"),
    )
    .expect("a record");
    assert_eq!(record.title, "The Time Machine, in Parts");
    assert_eq!(record.percent, 50);
    let status = ok(&b.run(&["sync", "status"], None));
    assert!(
        status.contains("The Time Machine, in Parts at 50%"),
        "{status}"
    );
}

#[test]
fn offline_then_back_online() {
    let Some(mut server) = Kosync::start("offline_then_back_online") else {
        return;
    };
    let a = Machine::new("laptop");
    ok(&a.login("register", &server.url, "ann", PASSWORD));
    a.read_to(place_near_40_percent());
    let before = std::fs::read(a.record_file()).expect("record");
    server.stop();
    let err = fails(&a.run(&["sync", "push", a.article()], None));
    assert!(err.contains("cannot reach the sync server"), "{err}");
    let err = fails(&a.run(&["sync", "pull", a.article()], None));
    assert!(err.contains("cannot reach the sync server"), "{err}");
    assert_eq!(std::fs::read(a.record_file()).expect("record"), before);
    assert!(
        a.log().contains("cannot reach the sync server"),
        "{}",
        a.log()
    );

    server.restart();
    let said = ok(&a.run(&["sync", "push", a.article()], None));
    assert!(said.starts_with("Pushed"), "{said}");
    let status = ok(&a.run(&["sync", "status"], None));
    assert!(!status.contains("last push  never"), "{status}");
}

#[test]
fn a_wrong_password_is_refused_and_nothing_is_saved() {
    let Some(server) = Kosync::start("a_wrong_password_is_refused_and_nothing_is_saved") else {
        return;
    };
    let a = Machine::new("laptop");
    let url = server.url.as_str();
    ok(&a.login("register", url, "ann", PASSWORD));
    let err = fails(&a.login("register", url, "ann", PASSWORD));
    assert!(err.contains("already exists"), "{err}");

    let b = Machine::new("desktop");
    // The address of a plain HTTP server given as https://.
    let https = url.replacen("http://", "https://", 1);
    let err = fails(&b.login("login", &https, "ann", PASSWORD));
    assert!(err.contains("does not answer HTTPS there"), "{err}");
    assert!(!b.config().join("sync-login.json").exists());
    let err = fails(&b.login("login", url, "ann", "wrong"));
    assert!(err.contains("refused the user name or password"), "{err}");
    // At the login itself, no advice to log in again.
    assert!(!err.contains("logs in again"), "{err}");
    assert!(err.contains("check them"), "{err}");
    assert!(!b.config().join("sync-login.json").exists());
    let err = fails(&b.login("login", url, "nobody", PASSWORD));
    assert!(err.contains("refused the user name or password"), "{err}");

    // A login whose password was changed elsewhere: pulls are refused and
    // the record stays as it was.
    let login = b.config().join("sync-login.json");
    std::fs::write(
        &login,
        format!(r#"{{"server":"{url}","user":"ann","key":"00000000000000000000000000000000"}}"#),
    )
    .expect("login");
    b.read_to(100);
    let before = std::fs::read(b.record_file()).expect("record");
    let err = fails(&b.run(&["sync", "pull", b.article()], None));
    assert!(err.contains("refused the user name or password"), "{err}");
    assert_eq!(std::fs::read(b.record_file()).expect("record"), before);
}

#[test]
fn a_hostile_server_gets_one_line_and_touches_nothing() {
    use hostile::Misbehaviour::*;
    for (how, expected) in [
        (Html, "answered a web page, not a kosync reply"),
        (Garbage, "answered something that is not JSON"),
        (NotHttp, "answered something that is not HTTP"),
        (Huge, "sent more than 64 KB"),
        (HugeUnannounced, "sent more than 64 KB"),
        (Slow, "did not answer within 3 s"),
        (RedirectElsewhere, "redirects to evil.example"),
    ] {
        let url = hostile::serve(how);
        let m = Machine::new("laptop");
        let err = fails(&m.login("login", &url, "ann", PASSWORD));
        assert!(err.contains(expected), "{how:?}: {err}");
        assert!(!m.config().join("sync-login.json").exists(), "{how:?}");

        std::fs::write(
            m.config().join("sync-login.json"),
            format!(
                r#"{{"server":"{url}","user":"ann","key":"5ebe2294ecd0e0f08eab7690d2a6ee69"}}"#
            ),
        )
        .expect("login");
        m.read_to(100);
        let before = std::fs::read(m.record_file()).expect("record");
        let err = fails(&m.run(&["sync", "pull", m.article()], None));
        assert!(err.contains(expected), "{how:?}: {err}");
        let err = fails(&m.run(&["sync", "push", m.article()], None));
        assert!(err.contains(expected), "{how:?}: {err}");
        assert_eq!(
            std::fs::read(m.record_file()).expect("record"),
            before,
            "{how:?}"
        );
        assert!(m.log().contains(expected), "{how:?}: {}", m.log());
    }
}

#[test]
fn a_place_outside_the_document_is_refused() {
    let url = hostile::serve(hostile::Misbehaviour::PlaceOutOfRange);
    let m = Machine::new("laptop");
    std::fs::write(
        m.config().join("sync-login.json"),
        format!(r#"{{"server":"{url}","user":"ann","key":"5ebe2294ecd0e0f08eab7690d2a6ee69"}}"#),
    )
    .expect("login");
    m.read_to(100);
    let before = std::fs::read(m.record_file()).expect("record");
    let err = fails(&m.run(&["sync", "pull", m.article()], None));
    assert!(
        err.contains("not taken: a place outside the document (750%)"),
        "{err}"
    );
    assert_eq!(std::fs::read(m.record_file()).expect("record"), before);
}

#[test]
fn plain_http_to_another_machine_needs_the_setting_and_stdin_is_not_synced() {
    let m = Machine::new("laptop");
    let err = fails(&m.login("login", "http://sync.example.invalid", "ann", PASSWORD));
    assert!(err.contains("sync.insecure_http = true"), "{err}");
    let err = fails(&m.login("login", "sync.example.org", "ann", PASSWORD));
    assert!(err.contains("not a sync server address"), "{err}");
    let err = fails(&m.login("login", "https://x.org", "a:b", PASSWORD));
    assert!(err.contains("cannot hold ':'"), "{err}");

    std::fs::write(
        m.config().join("sync-login.json"),
        r#"{"server":"http://127.0.0.1:9","user":"ann","key":"5ebe2294ecd0e0f08eab7690d2a6ee69"}"#,
    )
    .expect("login");
    let err = fails(&m.run(&["sync", "push", "-"], None));
    assert!(err.contains("stdin is not synced"), "{err}");
    let status = ok(&m.run(&["sync", "status"], None));
    assert!(
        !status.contains("5ebe2294"),
        "the key is never printed: {status}"
    );
}

#[test]
fn where_names_the_login_and_the_conflict_copies_waiting() {
    let m = Machine::new("laptop");
    m.read_to(100);
    let copy = m.record_file().with_file_name(format!(
        "{}.sync-conflict-20261204-153000-ABCDEF1.json",
        m.record_id()
    ));
    std::fs::copy(m.record_file(), &copy).expect("a conflict copy");
    std::fs::write(
        m.config().join("sync-login.json"),
        r#"{"server":"http://127.0.0.1:9","user":"ann","key":"5ebe2294ecd0e0f08eab7690d2a6ee69"}"#,
    )
    .expect("login");
    let out = ok(&m.run(&["where"], None));
    assert!(
        out.contains("(1 record; 1 conflict copy from a sync tool, merged when the article opens)"),
        "{out}"
    );
    assert!(
        out.contains("sync         http://127.0.0.1:9 as ann (longform sync status)"),
        "{out}"
    );
    assert!(!out.contains("5ebe2294"), "{out}");
}

// ---------------------------------------------------------------------------
// The reader: pull on open, push on quit, in a pseudo-terminal.

/// The percentage in the status bar.
fn percent(rows: &[String]) -> Option<u32> {
    let status = term::status(rows);
    let end = status.find('%')?;
    let digits = status[..end].rsplit(|c: char| !c.is_ascii_digit()).next()?;
    digits.parse().ok()
}

impl Machine {
    fn open(&self, rows: u16, cols: u16) -> Term {
        Term::open(&self.config(), self.dir.path(), &self.article, rows, cols)
    }

    fn open_with(&self, args: &[&str], rows: u16, cols: u16) -> Term {
        Term::open_with(
            &self.config(),
            self.dir.path(),
            &self.article,
            args,
            (rows, cols),
        )
    }

    /// Wait for the detached push that quitting started.
    fn wait_pushed(&self) {
        let start = std::time::Instant::now();
        while longform::sync::account::load_activity(&self.config())
            .push
            .is_none()
        {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "no push after quitting; sync.log: {}",
                self.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

#[test]
fn machine_b_opens_at_the_sentence_machine_a_left_at_another_size() {
    let Some(server) =
        Kosync::start("machine_b_opens_at_the_sentence_machine_a_left_at_another_size")
    else {
        return;
    };
    let a = Machine::new("laptop");
    let b = Machine::new("desktop");
    let url = server.url.as_str();
    ok(&a.login("register", url, "ann", PASSWORD));
    ok(&b.login("login", url, "ann", PASSWORD));

    let mut t = a.open(30, 100);
    let mut rows = t.wait_for("the essay", |r| percent(r) == Some(0));
    while percent(&rows).is_some_and(|p| p < 40) {
        let before = rows.clone();
        t.send(" ");
        rows = t.wait_for("a page down", |r| *r != before && percent(r).is_some());
    }
    // The words at the top of the whole frame, not of one half read.
    let rows = t.wait_still();
    let top: Vec<String> = rows[0]
        .split_whitespace()
        .take(4)
        .map(str::to_string)
        .collect();
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    a.wait_pushed();

    let mut t = b.open(24, 70);
    let rows = t.wait_for("the synced place", |r| {
        term::status(r).contains("Synced from laptop: ")
    });
    assert!(
        term::status(&rows).contains("Backspace returns"),
        "{rows:?}"
    );
    assert!(!term::status(&rows).contains("approximate"), "{rows:?}");
    let joined = rows[..2].join(" ");
    assert!(
        top.iter().all(|w| joined.contains(w.as_str())),
        "{top:?} not at the top of:\n{}",
        rows.join("\n")
    );
    t.send("\x7f");
    t.wait_for("back at the start", |r| percent(r) == Some(0));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn the_reader_opens_a_koreader_place_at_its_percentage_or_asks_first() {
    let Some(server) =
        Kosync::start("the_reader_opens_a_koreader_place_at_its_percentage_or_asks_first")
    else {
        return;
    };
    let b = Machine::new("desktop");
    ok(&b.login("register", &server.url, "kim", PASSWORD));
    let document = longform::sync::digest::partial_md5(ARTICLE.as_bytes());
    push_as_koreader(&server.url, "kim", &document, 0.63);

    let mut t = b.open(24, 80);
    t.wait_for("the KOReader place", |r| {
        term::status(r).contains("Synced from Kobo: 63% (approximate) · Backspace returns")
    });
    t.send("j");
    let rows = t.wait_for("the status bar", |r| percent(r).is_some());
    let p = percent(&rows).unwrap_or_default();
    assert!((60..=66).contains(&p), "{p}%: {rows:?}");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);

    // With sync.ask, the place is offered; y takes it.
    let c = Machine::new("tablet");
    c.write_config("[sync]\nask = true\ndevice = \"tablet\"\n");
    ok(&c.login("login", &server.url, "kim", PASSWORD));
    push_as_koreader(&server.url, "kim", &document, 0.63);
    let mut t = c.open(24, 80);
    t.wait_for("the offer", |r| {
        term::status(r).contains("Kobo is at 63% (approximate): y goes there")
    });
    let rows = t.rows();
    assert!(
        rows[0].trim() == "The Slow Web",
        "the reader waits at the start: {rows:?}"
    );
    t.send("y");
    t.wait_for("the KOReader place", |r| {
        term::status(r).contains("Synced from Kobo: 63% (approximate)")
    });
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

/// The place the server holds for `document`: its fraction and device.
fn held_by_server(url: &str, user: &str, document: &str) -> (f64, String) {
    let key = longform::sync::digest::md5_hex(PASSWORD.as_bytes());
    let mut response = ureq::get(&format!("{url}/syncs/progress/{document}"))
        .header("Accept", "application/vnd.koreader.v1+json")
        .header("x-auth-user", user)
        .header("x-auth-key", &key)
        .call()
        .expect("the server's place");
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().expect("a body")).expect("JSON");
    (
        body["percentage"].as_f64().unwrap_or_default(),
        body["device"].as_str().unwrap_or_default().to_string(),
    )
}

/// A newer place offered and declined is not overwritten by the older
/// place here: the reader stays, and quitting at once sends nothing, so
/// the other device is not pulled back. Reading on sends the new place.
#[test]
fn a_declined_place_is_not_pushed_over() {
    let Some(server) = Kosync::start("a_declined_place_is_not_pushed_over") else {
        return;
    };
    let b = Machine::new("laptop");
    b.write_config("[sync]\nask = true\ndevice = \"laptop\"\n");
    ok(&b.login("register", &server.url, "kim", PASSWORD));
    b.read_to(place_near_40_percent() / 2);
    let document = longform::sync::digest::partial_md5(ARTICLE.as_bytes());
    push_as_koreader(&server.url, "kim", &document, 0.63);

    let mut t = b.open(24, 80);
    t.wait_for("the offer", |r| {
        term::status(r).contains("Kobo is at 63% (approximate): y goes there")
    });
    t.send("\x1b");
    t.wait_for("the offer gone", |r| {
        !term::status(r).contains("y goes there")
    });
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    // A push, had one started, is done well within this.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(
        longform::sync::account::load_activity(&b.config())
            .push
            .is_none(),
        "pushed; sync.log: {}",
        b.log()
    );
    assert_eq!(
        held_by_server(&server.url, "kim", &document),
        (0.63, "Kobo".to_string())
    );
    // Reading on here is a new place, which is sent.
    let mut t = b.open(24, 80);
    t.wait_for("the offer", |r| term::status(r).contains("y goes there"));
    t.send("\x1b");
    t.wait_for("the offer gone", |r| {
        !term::status(r).contains("y goes there")
    });
    t.send("  ");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    b.wait_pushed();
    let (_, device) = held_by_server(&server.url, "kim", &document);
    assert_eq!(device, "laptop");

    // Held no longer once the reader has read on: coming back to that
    // place (by a bookmark) sends it like any other. (Places are dated to
    // the second: this one must be newer than the place read to above.)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    push_as_koreader(&server.url, "kim", &document, 0.63);
    let mut t = b.open(24, 80);
    t.wait_for("the offer", |r| term::status(r).contains("y goes there"));
    t.send("\x1b");
    t.wait_for("the offer gone", |r| {
        !term::status(r).contains("y goes there")
    });
    let here = t.wait_still();
    t.send("m");
    t.wait_for("the bookmark prompt", |r| {
        term::status(r).contains("Bookmark: ")
    });
    t.send("\r");
    t.wait_for("the bookmark", |r| term::status(r).contains("Bookmarked"));
    t.send("    ");
    // The place read on to is sent once the reader rests.
    let start = std::time::Instant::now();
    while held_by_server(&server.url, "kim", &document).1 != "laptop" {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "no push after reading on; sync.log: {}",
            b.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (read_on, _) = held_by_server(&server.url, "kim", &document);
    t.send("'");
    t.wait_for("the bookmarks", |r| {
        r.iter().any(|l| l.contains("Bookmarks"))
    });
    t.send("\r");
    // The top line again, with the bookmark's mark in the margin now.
    let top = |row: &str| row.trim_start_matches(['▍', ' ']).to_string();
    t.wait_for("back at the bookmark", |r| top(&r[0]) == top(&here[0]));
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let start = std::time::Instant::now();
    while held_by_server(&server.url, "kim", &document).0 == read_on {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the place came back to was not sent; sync.log: {}",
            b.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(held_by_server(&server.url, "kim", &document).0 < read_on);
}

#[test]
fn a_place_asked_for_is_kept_and_another_device_s_is_offered() {
    let Some(server) = Kosync::start("a_place_asked_for_is_kept_and_another_device_s_is_offered")
    else {
        return;
    };
    let b = Machine::new("desktop");
    ok(&b.login("register", &server.url, "kim", PASSWORD));
    let document = longform::sync::digest::partial_md5(ARTICLE.as_bytes());
    push_as_koreader(&server.url, "kim", &document, 0.63);

    // `--section`: the section is shown, the other place offered; a key
    // other than y stays, as the offer says.
    let mut t = b.open_with(&["--section", "Measure"], 24, 80);
    let rows = t.wait_for("the offer", |r| {
        term::status(r).contains("Kobo is at 63% (approximate): y goes there")
    });
    assert_eq!(rows[0].trim(), "Measure", "{rows:?}");
    t.send(" ");
    let after = t.wait_for("the offer gone", |r| {
        !term::status(r).contains("y goes there")
    });
    assert_eq!(after[..after.len() - 1], rows[..rows.len() - 1]);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);

    // `--from-start`: offered too; y goes there, and the place is saved
    // once the reader rests, without quitting.
    push_as_koreader(&server.url, "kim", &document, 0.63);
    let mut t = b.open_with(&["--from-start"], 24, 80);
    let rows = t.wait_for("the offer", |r| {
        term::status(r).contains("Kobo is at 63% (approximate): y goes there")
    });
    assert_eq!(rows[0].trim(), "The Slow Web", "{rows:?}");
    t.send("y");
    t.wait_for("the KOReader place", |r| {
        term::status(r).contains("Synced from Kobo: 63% (approximate)")
    });
    let start = std::time::Instant::now();
    while !(55..=70).contains(&b.record().percent) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the synced place was not saved: {}%",
            b.record().percent
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn offline_is_said_once_and_a_server_killed_mid_session_never_holds_up_quit() {
    let Some(mut server) =
        Kosync::start("offline_is_said_once_and_a_server_killed_mid_session_never_holds_up_quit")
    else {
        return;
    };
    let a = Machine::new("laptop");
    ok(&a.login("register", &server.url, "ann", PASSWORD));
    let document = longform::sync::digest::partial_md5(ARTICLE.as_bytes());

    // Offline when the article opens: one word in the status bar.
    server.stop();
    let mut t = a.open(24, 80);
    t.wait_for("the offline notice", |r| {
        term::status(r).contains("Sync: cannot reach the sync server")
    });
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    assert!(
        a.log().contains("cannot reach the sync server"),
        "{}",
        a.log()
    );

    // Back online: the place comes. The server's times are in seconds:
    // its record must be newer than the place saved on quitting.
    server.restart();
    let saved = a.record().position_updated;
    while longform::store::now() <= saved {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    push_as_koreader(&server.url, "ann", &document, 0.5);
    let mut t = a.open(24, 80);
    t.wait_for("the synced place", |r| {
        term::status(r).contains("Synced from Kobo: 50%")
    });

    // The server dies while reading: the idle push fails, is said once,
    // and quitting does not wait.
    server.stop();
    t.send("  ");
    t.wait_for("the failed push", |r| {
        term::status(r).contains("Sync: cannot reach the sync server")
    });
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}
