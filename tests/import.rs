//! `longform import`: saved pages, stdin and URLs become clean Markdown
//! articles with front matter, and every failure is one clear line, exit 1
//! and no file left behind.
//!
//! Hermetic: no test touches the internet. URLs are served by a tiny HTTP
//! server on 127.0.0.1 started by the test, and every run of the binary has
//! its own `LONGFORM_CONFIG_DIR`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use longform::import::{FetchLimits, Page, extract_in_child, fetch, import_one};

const BIN: &str = env!("CARGO_BIN_EXE_longform");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/html")
        .join(name)
}

/// A page of `tests/fixtures/web/`: hand-written imitations of real
/// article pages, each with its own chrome to leave out.
fn web(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/web")
        .join(name)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

/// Run `longform` with a private config folder, optional stdin.
fn longform(args: &[&str], stdin: Option<&[u8]>, config: &Path) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("LONGFORM_CONFIG_DIR", config)
        .env("HOME", config)
        .env("XDG_CONFIG_HOME", config)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn longform");
    if let Some(bytes) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait longform")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The files in `dir`, hidden ones included, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Import into a fresh folder; returns (output, folder, config folder).
fn import(args: &[&str], stdin: Option<&[u8]>) -> (Output, tempfile::TempDir, tempfile::TempDir) {
    let into = tempfile::tempdir().expect("into");
    let config = tempfile::tempdir().expect("config");
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let into_str = into.path().to_str().expect("utf-8 path").to_string();
    all.extend_from_slice(&["--into", &into_str]);
    let o = longform(&all, stdin, config.path());
    (o, into, config)
}

const CHROME: &[&str] = &[
    "NavPolitics",
    "NavSubscribe",
    "SidebarTrending",
    "ShareOnTwitter",
    "ShareOnFacebook",
    "CopyLinkButton",
    "CommentsHeading",
    "CommentFormName",
    "CommentFormBody",
    "PostCommentButton",
    "FooterCopyright",
    "trackingScriptMarker",
    "inlineScriptMarker",
    "hidden-style-marker",
];

/// The article fixture's content, with links resolved against `base`
/// (empty for a file: links stay as written).
fn check_article(md: &str, base: &str) {
    assert!(md.starts_with("---\n"), "front matter first:\n{md}");
    assert!(
        md.contains("title: \"The Quiet Art of Slow Reading\"\n"),
        "{md}"
    );
    assert!(md.contains("author: \"Mara Quill\"\n"), "{md}");
    assert!(md.contains("date: \"2024-03-05T09:30:00Z\"\n"), "{md}");
    assert!(md.contains("site: \"The Lantern Review\"\n"), "{md}");
    let imported = md
        .lines()
        .find_map(|l| l.strip_prefix("imported: \""))
        .expect("imported field");
    assert_eq!(imported.len(), "2024-01-01T00:00:00Z\"".len(), "{imported}");
    assert!(imported.ends_with("Z\""), "{imported}");
    for heading in ["## Why attention matters", "## Tools for the slow reader"] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    assert!(md.contains("_shape_") || md.contains("*shape*"), "{md}");
    assert!(md.contains("**small turns**"), "{md}");
    assert!(
        md.contains(&format!(
            "[our earlier essay on reader modes]({base}/essays/reader-modes)"
        )),
        "{md}"
    );
    assert!(md.contains("Read in one sitting when you can."), "{md}");
    assert!(
        md.lines()
            .any(|l| l.trim_start().starts_with(['-', '*']) && l.contains("Read in one sitting")),
        "list item:\n{md}"
    );
    assert!(md.contains("> We read to know"), "{md}");
    assert!(md.contains("```"), "{md}");
    assert!(
        md.contains("longform import https://example.org/essay.html --open"),
        "{md}"
    );
    assert!(md.contains("| Tool"), "{md}");
    assert!(md.contains("| Terminal"), "{md}");
    assert!(
        md.contains(&format!(
            "![A reading lamp on a desk]({base}/images/lamp.jpg)"
        )),
        "{md}"
    );
    for chrome in CHROME {
        assert!(!md.contains(chrome), "{chrome} leaked:\n{md}");
    }
}

#[test]
fn a_saved_page_becomes_a_clean_article() {
    let (o, into, _config) = import(&[fixture("article.html").to_str().unwrap()], None);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(files(into.path()), ["the-quiet-art-of-slow-reading.md"]);
    let path = into.path().join("the-quiet-art-of-slow-reading.md");
    let md = std::fs::read_to_string(&path).unwrap();
    check_article(&md, "");
    assert!(!md.contains("\nurl:"), "no url for a file:\n{md}");
    let line = out(&o);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with(&format!(
        "{} · The Quiet Art of Slow Reading · ",
        path.display()
    )));
    assert!(line.trim_end().ends_with(" min"), "{line}");
    assert!(line.contains(" words · "), "{line}");
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let into = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let existing = into.path().join("the-quiet-art-of-slow-reading.md");
    std::fs::write(&existing, "mine").unwrap();
    let page = fixture("article.html");
    let args = [
        "import",
        page.to_str().unwrap(),
        "--into",
        into.path().to_str().unwrap(),
        "--again",
    ];
    for _ in 0..2 {
        let o = longform(&args, None, config.path());
        assert!(o.status.success(), "{}", err(&o));
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");
    assert_eq!(
        files(into.path()),
        [
            "the-quiet-art-of-slow-reading-2.md",
            "the-quiet-art-of-slow-reading-3.md",
            "the-quiet-art-of-slow-reading.md"
        ]
    );
}

#[test]
fn a_page_imported_again_is_not_written_twice() {
    let into = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let page = fixture("article.html");
    let into_str = into.path().to_str().unwrap();
    let args = ["import", page.to_str().unwrap(), "--into", into_str];
    let o = longform(&args, None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    let first = into.path().join("the-quiet-art-of-slow-reading.md");
    // The same text, from stdin this time: found by its text.
    let html = fixture_text("article.html");
    let o = longform(
        &["import", "-", "--into", into_str],
        Some(html.as_bytes()),
        config.path(),
    );
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!("Already in your library: {}\n", first.display())
    );
    assert_eq!(files(into.path()), ["the-quiet-art-of-slow-reading.md"]);
    // --again writes a copy all the same.
    let mut again = args.to_vec();
    again.push("--again");
    let o = longform(&again, None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("the-quiet-art-of-slow-reading-2.md"),
        "{}",
        out(&o)
    );
    assert_eq!(files(into.path()).len(), 2);
}

#[test]
fn a_page_already_imported_from_its_url_is_found_by_its_url() {
    let base = serve();
    let into = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let into_str = into.path().to_str().unwrap();
    let url = format!("{base}/essay/article.html");
    let o = longform(&["import", &url, "--into", into_str], None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    let written = files(into.path());
    assert_eq!(written.len(), 1, "{written:?}");
    // Edited since: the text differs, the url is the same.
    let path = into.path().join(&written[0]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nA note of my own.\n")).unwrap();
    // In a folder of the library, too.
    std::fs::create_dir(into.path().join("kept")).unwrap();
    let moved = into.path().join("kept").join(&written[0]);
    std::fs::rename(&path, &moved).unwrap();
    let o = longform(&["import", &url, "--into", into_str], None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!("Already in your library: {}\n", moved.display())
    );
    assert_eq!(files(into.path()), ["kept"]);
}

#[cfg(unix)]
#[test]
fn an_imported_file_has_the_usual_mode_and_a_new_folder_is_made() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let into = parent.path().join("new").join("folder");
    let page = fixture("article.html");
    // The test process's umask is the usual 022 unless set otherwise.
    let o = Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["import", page.to_str().unwrap(), "--into"])
        .arg(&into)
        .env("LONGFORM_CONFIG_DIR", config.path())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", err(&o));
    let file = into.join("the-quiet-art-of-slow-reading.md");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");
    assert!(
        out(&o).starts_with(&file.display().to_string()),
        "{}",
        out(&o)
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let html = fixture_text("article.html");
    let (o, into, _config) = import(&["-"], Some(html.as_bytes()));
    assert!(o.status.success(), "{}", err(&o));
    let md = std::fs::read_to_string(into.path().join("the-quiet-art-of-slow-reading.md")).unwrap();
    check_article(&md, "");
}

#[test]
fn the_default_folder_is_the_library() {
    let config = tempfile::tempdir().unwrap();
    let path = fixture("article.html");
    let o = longform(&["import", path.to_str().unwrap()], None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        config
            .path()
            .join("articles/the-quiet-art-of-slow-reading.md")
            .is_file()
    );

    // A configured library wins: its first folder.
    let lib = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.toml"),
        format!("library = [{:?}]\n", lib.path().to_str().unwrap()),
    )
    .unwrap();
    let o = longform(&["import", path.to_str().unwrap()], None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(files(lib.path()), ["the-quiet-art-of-slow-reading.md"]);

    // A page in another folder of the library is found there.
    let other = tempfile::tempdir().unwrap();
    std::fs::rename(
        lib.path().join("the-quiet-art-of-slow-reading.md"),
        other.path().join("kept.md"),
    )
    .unwrap();
    std::fs::write(
        config.path().join("config.toml"),
        format!(
            "library = [{:?}, {:?}]\n",
            lib.path().to_str().unwrap(),
            other.path().to_str().unwrap()
        ),
    )
    .unwrap();
    let o = longform(&["import", path.to_str().unwrap()], None, config.path());
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        out(&o),
        format!(
            "Already in your library: {}\n",
            other.path().join("kept.md").display()
        )
    );
    assert!(files(lib.path()).is_empty());
}

/// Import one page of `tests/fixtures/web/`; returns the Markdown, its
/// path and the folders it lives in.
fn import_web(name: &str, file: &str) -> (String, PathBuf, tempfile::TempDir, tempfile::TempDir) {
    let (o, into, config) = import(&[web(name).to_str().unwrap()], None);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(files(into.path()), [file]);
    let path = into.path().join(file);
    assert!(
        out(&o).starts_with(&format!("{} · ", path.display())),
        "{}",
        out(&o)
    );
    let md = std::fs::read_to_string(&path).expect("imported file");
    (md, path, into, config)
}

/// Every `needle` is in `md`, in this order.
fn assert_in_order(md: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let at = md[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing or out of order:\n{md}"));
        from += at + needle.len();
    }
}

/// None of the `chrome` of the page `name` is in `md`; each marker is
/// checked to be on the page, so that a typo cannot pass unnoticed.
fn assert_no_chrome(name: &str, md: &str, chrome: &[&str]) {
    let page = std::fs::read_to_string(web(name)).expect("fixture");
    for marker in chrome {
        assert!(page.contains(marker), "{marker} is not on {name}");
        assert!(!md.contains(marker), "{marker} leaked:\n{md}");
    }
}

/// The text of everything around the news article: none of it is content.
const NEWS_CHROME: &[&str] = &[
    "NewsCookieBanner",
    "NewsAcceptCookies",
    "NewsNavLocal",
    "NewsNavBusiness",
    "NewsNavWeather",
    "NewsNavSubscribe",
    "NewsSearchBox",
    "NewsSidebar",
    "NewsShareOnX",
    "NewsShareOnFacebook",
    "NewsShareByEmail",
    "NewsCopyLink",
    "NewsCommentsHeading",
    "NewsCommenterName",
    "NewsCommentText",
    "NewsCommentFormName",
    "NewsCommentFormBody",
    "NewsPostComment",
    "NewsFooter",
    "newsStyleMarker",
    "newsAnalyticsMarker",
    "newsInlineScriptMarker",
];

#[test]
fn a_news_page_keeps_the_story_and_drops_the_site() {
    let (md, _, _into, _config) =
        import_web("news.html", "harbour-town-votes-to-keep-its-night-ferry.md");
    assert!(md.starts_with("---\n"), "front matter first:\n{md}");
    assert!(
        md.contains("title: \"Harbour Town Votes to Keep Its Night Ferry\"\n"),
        "{md}"
    );
    assert!(md.contains("author: \"Ines Marlow\"\n"), "{md}");
    assert!(md.contains("date: \"2025-06-14T07:45:00Z\"\n"), "{md}");
    assert!(md.contains("site: \"The Coastline Courier\"\n"), "{md}");
    assert!(!md.contains("\nurl:"), "no url for a file:\n{md}");
    // The story from its first paragraph to its notes, sections in order.
    assert_in_order(
        &md,
        &[
            "After three hours of debate",
            "## What the council decided",
            "- Mooring fees rise by four percent from September.",
            "## Why the ferry matters",
            "> If the boat goes, the islands become a place",
            "## What happens next",
            "drive smaller fishing boats to other harbours",
            "The first petition gathered 2,314 signatures",
            "Figures from the harbour master's annual report",
        ],
    );
    assert_no_chrome("news.html", &md, NEWS_CHROME);
}

#[test]
fn a_blog_post_keeps_its_code_and_table() {
    let (md, _, _into, _config) = import_web("blog.html", "parsing-dates-without-tears.md");
    assert!(
        md.contains("title: \"Parsing Dates Without Tears\"\n"),
        "{md}"
    );
    // The page has no author meta tag: the byline comes from the post.
    assert!(md.contains("author: \"Theo Varga\"\n"), "{md}");
    assert!(md.contains("site: \"Notes from the Workbench\"\n"), "{md}");
    // The post's line of date and author is the header's byline: the text
    // does not say it again.
    let body = md.split("\n---\n").nth(1).unwrap();
    assert!(
        body.trim_start().starts_with("Every program that talks"),
        "{md}"
    );
    assert_in_order(
        &md,
        &[
            "## Start with the formats you actually see",
            "## A strict parser in a few lines",
            "## Test the boundaries",
        ],
    );
    // The code is fenced, with its entities decoded and its indent kept.
    assert_in_order(
        &md,
        &[
            "```",
            "fn parse_date(s: &str) -> Option<(Date, &'static str)> {\n",
            "    FORMATS.iter().find_map(",
            "```",
        ],
    );
    // The table is a Markdown table: a header, a rule, a row per entry.
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), 5, "{md}");
    assert!(
        table[0].contains("Format") && table[0].contains("Seen in"),
        "{md}"
    );
    assert!(table[1].contains("---"), "{md}");
    assert!(
        table[4].contains("Day first") && table[4].contains("03/02/2025"),
        "{md}"
    );
    assert_no_chrome(
        "blog.html",
        &md,
        &[
            "BlogNav",
            "BlogShare",
            "BlogComments",
            "BlogCommentForm",
            "BlogPostComment",
            "BlogFooter",
            "blogStyleMarker",
            "blogTrackerMarker",
        ],
    );
}

#[test]
fn toc_lists_the_sections_of_an_import() {
    let (_, path, _into, config) =
        import_web("news.html", "harbour-town-votes-to-keep-its-night-ferry.md");
    let toc = longform(&["toc", path.to_str().unwrap()], None, config.path());
    assert!(toc.status.success(), "{}", err(&toc));
    let text = out(&toc);
    let sections: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("  ").next())
        .map(str::trim)
        .collect();
    assert_eq!(
        sections,
        [
            "What the council decided",
            "Why the ferry matters",
            "What happens next"
        ],
        "{text}"
    );
}

/// Assert one failed import: exit 1, `message` on stderr, no file at all.
fn assert_fails(args: &[&str], stdin: Option<&[u8]>, message: &str) {
    let (o, into, _config) = import(args, stdin);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", err(&o));
    let e = err(&o);
    assert!(e.starts_with("longform: "), "{e}");
    assert!(e.contains(message), "expected {message:?} in {e:?}");
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(out(&o).is_empty(), "{}", out(&o));
    assert!(files(into.path()).is_empty(), "{:?}", files(into.path()));
}

#[test]
fn a_page_without_an_article_is_refused() {
    for page in [fixture("login.html"), web("login.html")] {
        assert_fails(&[page.to_str().unwrap()], None, "no article content found");
    }
}

#[test]
fn invalid_html_is_refused() {
    assert_fails(&["-"], Some(b"just some words, no markup"), "invalid HTML");
    assert_fails(&["-"], Some(b"<p>bin\0ary</p>"), "invalid HTML");
    assert_fails(&["http://"], None, "not a valid");
}

#[test]
fn a_missing_file_is_refused() {
    assert_fails(&["/nonexistent/page.html"], None, "page.html: no such file");
    // An address of a kind that is not fetched is not a missing file.
    assert_fails(
        &["ftp://example.com/page.html"],
        None,
        "cannot fetch ftp:// addresses",
    );
}

#[test]
fn several_sources_import_the_good_and_report_the_bad() {
    let good = fixture("article.html");
    let bad = fixture("login.html");
    let (o, into, _config) = import(&[bad.to_str().unwrap(), good.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("login.html: no article content found"), "{e}");
    assert!(e.contains("1 of 2 imports failed"), "{e}");
    assert_eq!(out(&o).lines().count(), 1);
    assert_eq!(files(into.path()), ["the-quiet-art-of-slow-reading.md"]);
}

// ---- URLs, served from 127.0.0.1 ----

/// A canned HTTP server on an ephemeral port; answers at most 64
/// connections, each in its own thread.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64).flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    base
}

fn answer(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/").to_string();
    let html = fixture_text("article.html");
    let respond = |stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    // A chain of N redirects that ends at a picture.
    if let Some(n) = path.strip_prefix("/img/r/") {
        let n: u32 = n.parse().unwrap_or(0);
        let next = if n <= 1 {
            "/pictures/chart.png".to_string()
        } else {
            format!("/img/r/{}", n - 1)
        };
        respond(
            &mut stream,
            "302 Found",
            &format!("Location: {next}\r\n"),
            b"",
        );
        return;
    }
    if let Some(n) = path.strip_prefix("/r/") {
        let n: u32 = n.parse().unwrap_or(0);
        let next = if n <= 1 {
            "/essay/article.html".to_string()
        } else {
            format!("/r/{}", n - 1)
        };
        respond(
            &mut stream,
            "302 Found",
            &format!("Location: {next}\r\n"),
            b"",
        );
        return;
    }
    // A page in another encoding, with the charset in the header; under
    // `/bare/` without its `<meta>` (the header alone tells), under
    // `/lying/` with a header that a byte order mark overrules.
    for (prefix, strip, lie) in [
        ("/enc/", false, false),
        ("/bare/", true, false),
        ("/lying/", false, true),
    ] {
        if let Some(name) = path.strip_prefix(prefix) {
            let Some((file, charset)) = ENCODED.iter().find(|(f, _)| *f == name) else {
                break;
            };
            let mut body = std::fs::read(encoded(file)).expect("fixture");
            if strip {
                body = without_meta(&body);
            }
            let charset = if lie { "windows-1252" } else { charset };
            respond(
                &mut stream,
                "200 OK",
                &format!("Content-Type: text/html; charset={charset}\r\n"),
                &body,
            );
            return;
        }
    }
    match path.as_str() {
        "/essay/article.html" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n",
            html.as_bytes(),
        ),
        "/data.json" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: application/json\r\n",
            b"{\"a\": 1}",
        ),
        "/big" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html\r\n",
            format!("<html><body>{}</body></html>", "<p>x</p>".repeat(500)).as_bytes(),
        ),
        "/big-stream" => {
            // No Content-Length: the limit must stop the read itself.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
            );
            let _ = stream.write_all(&b"<p>y</p>".repeat(1000));
        }
        "/stall" => std::thread::sleep(Duration::from_secs(3)),
        // Images that each fail one check of an import's downloads.
        "/img/page.html" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html\r\n",
            b"<p>a page, not a picture</p>",
        ),
        "/img/to-file" => respond(
            &mut stream,
            "302 Found",
            "Location: file:///etc/hostname\r\n",
            b"",
        ),
        "/img/noise.png" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            &noise_png(),
        ),
        "/img/noise-stream" => {
            // No Content-Length: the image limit must stop the read.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n",
            );
            let _ = stream.write_all(&noise_png());
        }
        "/img/third.png" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            &picture(image::ImageFormat::Png),
        ),
        "/pictures/page.html" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n",
            PICTURES_PAGE.as_bytes(),
        ),
        "/pictures/chart.png" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            &picture(image::ImageFormat::Png),
        ),
        "/pictures/photo.jpg" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/jpeg\r\n",
            &picture(image::ImageFormat::Jpeg),
        ),
        "/pictures/text.png" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            b"this is text, not a PNG",
        ),
        _ => respond(
            &mut stream,
            "404 Not Found",
            "Content-Type: text/html\r\n",
            b"<h1>Not found</h1>",
        ),
    }
}

/// A page with four figures: two images, one missing (404) and one that
/// is text served as `image/png`.
const PICTURES_PAGE: &str = "<!doctype html><html><head><title>Pictures of the harbour</title>\
</head><body><article><h1>Pictures of the harbour</h1>\
<p>The harbour wakes early. Fishing boats leave before dawn, and the gulls follow them out past \
the breakwater, calling over the grey water while the town is still asleep behind its shutters.</p>\
<p><img src=\"/pictures/chart.png\" alt=\"A chart of the tides\"></p>\
<p>By nine the market is open. Crates of fish are stacked along the quay, and the buyers walk \
between them slowly, lifting the ice to look, saying little, writing prices in small notebooks.</p>\
<p><img src=\"/pictures/photo.jpg\" alt=\"The quay at noon\"></p>\
<p>In the afternoon the wind turns. The boats come back one by one, low in the water, and the \
harbour master counts them in from the window of his office at the end of the long pier.</p>\
<p><img src=\"/pictures/missing.png\" alt=\"A lost photograph\"></p>\
<p><img src=\"/pictures/text.png\" alt=\"Not a picture\"></p>\
<p>At night the lamps along the sea wall come on, and the water holds their light until morning, \
when the first boats go out again and the gulls rise to follow them as they always have.</p>\
</article></body></html>";

/// A small image in `format`, made here.
fn picture(format: image::ImageFormat) -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 32, |x, y| image::Rgb([x as u8 * 4, y as u8 * 8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), format)
        .expect("encode");
    out
}

/// A PNG of noise, 200x200: about 120 KB, which no compression shrinks.
fn noise_png() -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let image = image::RgbImage::from_fn(200, 200, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode");
    out
}

/// Each check of an image download, on the local server: a type other
/// than `image/*`, a redirect to `file:`, more redirects than the page
/// may take, a server that stalls past the timeout, and an image over
/// the limit, with its length said and without. Each failure keeps its
/// remote link; addresses of other schemes are never fetched nor counted.
#[test]
fn each_image_download_is_checked_and_a_failure_stays_a_link() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("harbour.md");
    let failing = [
        "/img/r/9",
        "/img/page.html",
        "/img/to-file",
        "/stall",
        "/img/noise.png",
        "/img/noise-stream",
    ];
    let mut markdown = format!(
        "# Harbour\n\n![chart]({base}/pictures/chart.png)\n\n\
         ![after two redirects]({base}/img/r/2)\n\n"
    );
    for (i, path) in failing.iter().enumerate() {
        markdown.push_str(&format!("![failing {i}]({base}{path})\n\n"));
    }
    markdown.push_str("![local](file:///etc/hostname)\n\n![other](ftp://127.0.0.1/x.png)\n");
    std::fs::write(&article, &markdown).unwrap();
    let limits = FetchLimits {
        timeout: Duration::from_millis(500),
        max_image_bytes: 20_000,
        ..FetchLimits::default()
    };
    let kept = longform::import::images::keep(&article, &markdown, &limits, None).expect("kept");
    assert_eq!((kept.saved, kept.failed), (2, failing.len()), "{kept:?}");
    assert_eq!(
        kept.summary(),
        " · 2 images kept, 6 could not be fetched (left as links)"
    );
    let md = std::fs::read_to_string(&article).unwrap();
    assert!(md.contains("![chart](harbour.assets/01-chart.png)"), "{md}");
    assert!(
        md.contains("![after two redirects](harbour.assets/02-2.png)"),
        "{md}"
    );
    for path in failing {
        assert!(md.contains(&format!("]({base}{path})")), "{path}: {md}");
    }
    assert!(md.contains("](file:///etc/hostname)") && md.contains("](ftp://127.0.0.1/x.png)"));
    let assets = dir.path().join("harbour.assets");
    assert_eq!(files(&assets), ["01-chart.png", "02-2.png"]);
    for name in files(&assets) {
        image::open(assets.join(name)).expect("a kept image decodes");
    }
}

/// The images of one page share a budget: once it is spent, the next
/// image is not fetched whole, and stays a link.
#[test]
fn a_pages_images_share_one_budget() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("budget.md");
    let markdown = format!(
        "![one]({base}/pictures/chart.png)\n\n![two]({base}/pictures/photo.jpg)\n\n\
         ![three]({base}/img/third.png)\n"
    );
    std::fs::write(&article, &markdown).unwrap();
    let png = picture(image::ImageFormat::Png).len() as u64;
    let jpeg = picture(image::ImageFormat::Jpeg).len() as u64;
    let limits = FetchLimits {
        max_page_image_bytes: png + jpeg + png / 2,
        ..FetchLimits::default()
    };
    let kept = longform::import::images::keep(&article, &markdown, &limits, None).expect("kept");
    assert_eq!((kept.saved, kept.failed), (2, 1), "{kept:?}");
    let md = std::fs::read_to_string(&article).unwrap();
    assert!(
        md.contains(&format!("![three]({base}/img/third.png)")),
        "{md}"
    );
    assert_eq!(files(&dir.path().join("budget.assets")).len(), 2);
}

#[test]
fn a_pages_images_are_kept_beside_it_and_the_failures_stay_links() {
    let base = serve();
    let url = format!("{base}/pictures/page.html");
    let (o, into, _config) = import(&[&url], None);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("2 images kept, 2 could not be fetched (left as links)"),
        "{}",
        out(&o)
    );
    let md_path = into.path().join("pictures-of-the-harbour.md");
    let md = std::fs::read_to_string(&md_path).unwrap();
    // Two local files, each a real image.
    let assets = into.path().join("pictures-of-the-harbour.assets");
    let local: Vec<&str> = md
        .match_indices("](pictures-of-the-harbour.assets/")
        .map(|(i, _)| {
            let rest = &md[i + 2..];
            &rest[..rest.find(')').unwrap()]
        })
        .collect();
    assert_eq!(local.len(), 2, "{md}");
    for path in &local {
        let image = image::open(into.path().join(path)).expect("a local image decodes");
        assert_eq!((image.width(), image.height()), (64, 32));
    }
    assert_eq!(files(&assets).len(), 2);
    // The failures keep their remote links.
    assert!(
        md.contains(&format!("]({base}/pictures/missing.png)")),
        "{md}"
    );
    assert!(md.contains(&format!("]({base}/pictures/text.png)")), "{md}");
    // --no-images keeps every link remote and writes no folder.
    let (o, into, _config) = import(&[&url, "--no-images"], None);
    assert!(o.status.success(), "{}", err(&o));
    assert!(!out(&o).contains("images kept"), "{}", out(&o));
    let md = std::fs::read_to_string(into.path().join("pictures-of-the-harbour.md")).unwrap();
    assert!(
        md.contains(&format!("]({base}/pictures/chart.png)")),
        "{md}"
    );
    assert!(!into.path().join("pictures-of-the-harbour.assets").exists());
}

/// A URL on a port nobody listens on.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/article.html")
}

#[test]
fn a_url_is_fetched_and_its_links_made_absolute() {
    let base = serve();
    let url = format!("{base}/essay/article.html");
    let (o, into, _config) = import(&[&url], None);
    assert!(o.status.success(), "{}", err(&o));
    let md = std::fs::read_to_string(into.path().join("the-quiet-art-of-slow-reading.md")).unwrap();
    check_article(&md, &base);
    assert!(md.contains(&format!("url: \"{url}\"\n")), "{md}");
}

#[test]
fn a_short_redirect_chain_is_followed() {
    let base = serve();
    let (o, into, _config) = import(&[&format!("{base}/r/3")], None);
    assert!(o.status.success(), "{}", err(&o));
    let md = std::fs::read_to_string(into.path().join("the-quiet-art-of-slow-reading.md")).unwrap();
    // Links are absolute against the page where the chain ended.
    check_article(&md, &base);
    assert!(
        md.contains(&format!("url: \"{base}/essay/article.html\"")),
        "{md}"
    );
}

#[test]
fn a_chain_of_six_redirects_is_refused() {
    let base = serve();
    assert_fails(&[&format!("{base}/r/6")], None, "too many redirects");
}

#[test]
fn a_non_html_response_is_refused() {
    let base = serve();
    assert_fails(&[&format!("{base}/data.json")], None, "content is not HTML");
}

#[test]
fn a_404_is_refused() {
    let base = serve();
    assert_fails(&[&format!("{base}/missing")], None, "HTTP 404");
}

#[test]
fn an_unreachable_url_is_refused() {
    assert_fails(&[&closed_port_url()], None, "URL unreachable");
}

fn small(max_bytes: u64, timeout_ms: u64) -> FetchLimits {
    FetchLimits {
        max_bytes,
        timeout: Duration::from_millis(timeout_ms),
        ..FetchLimits::default()
    }
}

#[test]
fn a_too_big_response_is_refused_and_leaves_nothing() {
    let base = serve();
    for path in ["/big", "/big-stream"] {
        let dir = tempfile::tempdir().unwrap();
        let e = import_one(&format!("{base}{path}"), dir.path(), &small(1000, 5000))
            .expect_err("too big");
        assert!(
            format!("{e:#}").contains("response too big"),
            "{path}: {e:#}"
        );
        assert!(files(dir.path()).is_empty());
    }
    // Within the limit the same page is fetched.
    let page = fetch(&format!("{base}/big"), &small(100_000, 5000)).expect("fits");
    assert!(page.html.contains("<p>x</p>"));
}

#[test]
fn a_stalled_server_times_out() {
    let base = serve();
    let e = fetch(&format!("{base}/stall"), &small(1000, 300)).expect_err("timeout");
    assert!(format!("{e:#}").contains("timed out"), "{e:#}");
}

// ---- Other encodings ----

/// The pages of `tests/fixtures/encodings/` (written for these tests), and
/// the charset the server names for each.
const ENCODED: &[(&str, &str)] = &[
    ("windows-1252.html", "windows-1252"),
    ("shift_jis.html", "Shift_JIS"),
    ("gb18030.html", "GB18030"),
    ("utf-16le.html", "UTF-16LE"),
];

fn encoded(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/encodings")
        .join(name)
}

/// The bytes of a page without its `<meta ...>` line (ASCII in every
/// ASCII-compatible encoding).
fn without_meta(page: &[u8]) -> Vec<u8> {
    let start = page
        .windows(5)
        .position(|w| w == b"<meta")
        .expect("a meta tag");
    let end = start
        + page[start..]
            .iter()
            .position(|&b| b == b'>')
            .expect("its end")
        + 1;
    [&page[..start], &page[end..]].concat()
}

/// What each page must read as: its title and a phrase with the
/// characters an ASCII decoder would lose.
fn expected(name: &str) -> (&'static str, &'static str) {
    match name {
        "windows-1252.html" => ("Café crème à l’été", "coûte 3 € à la terrasse"),
        "shift_jis.html" => (
            "ゆっくり読むこと",
            "急いで読むことよりも多くのことを教えてくれる",
        ),
        "gb18030.html" => ("慢读的艺术", "𠀀这个字在编码里需要四个字节"),
        "utf-16le.html" => ("Grüße aus Köln", "größer oder kleiner werden – die Stelle"),
        other => panic!("no expectation for {other}"),
    }
}

/// The one article imported into `dir`, checked against `name`'s page.
fn check_encoded(name: &str, dir: &Path, from: &str) {
    let (title, phrase) = expected(name);
    let md_files: Vec<String> = files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".md"))
        .collect();
    assert_eq!(md_files.len(), 1, "{name} {from}: {md_files:?}");
    let md = std::fs::read_to_string(dir.join(&md_files[0])).expect("utf-8 article");
    assert!(
        md.contains(&format!("title: \"{title}\"")),
        "{name} {from}:\n{md}"
    );
    assert!(md.contains(phrase), "{name} {from}:\n{md}");
    assert!(
        !md.contains('\u{fffd}'),
        "{name} {from}: a character was lost\n{md}"
    );
}

#[test]
fn pages_in_other_encodings_are_decoded_from_files() {
    for (name, _) in ENCODED {
        let file = encoded(name);
        let (o, into, _config) = import(&[file.to_str().expect("utf-8 path")], None);
        assert!(o.status.success(), "{name}: {}", err(&o));
        check_encoded(name, into.path(), "from a file");
        // And the same bytes on stdin.
        let bytes = std::fs::read(&file).expect("fixture");
        let (o, into, _config) = import(&["-"], Some(&bytes));
        assert!(o.status.success(), "{name}: {}", err(&o));
        check_encoded(name, into.path(), "from stdin");
    }
}

#[test]
fn pages_in_other_encodings_are_decoded_from_a_server() {
    let base = serve();
    for (name, _) in ENCODED {
        // The UTF-16 page has no <meta> to strip: its byte order mark tells.
        let prefixes: &[&str] = if name.starts_with("utf-16") {
            &["/enc/", "/lying/"]
        } else {
            &["/enc/", "/bare/"]
        };
        for prefix in prefixes {
            let url = format!("{base}{prefix}{name}");
            let (o, into, _config) = import(&[&url], None);
            assert!(o.status.success(), "{url}: {}", err(&o));
            check_encoded(name, into.path(), prefix);
        }
    }
}

#[test]
fn the_header_charset_comes_before_the_meta() {
    // A Shift_JIS page whose <meta> wrongly says windows-1252, served with
    // the right charset in the header: the header wins.
    let page = std::fs::read(encoded("shift_jis.html")).expect("fixture");
    let wrong = [
        &b"<meta charset=\"windows-1252\">"[..],
        &without_meta(&page)[..],
    ]
    .concat();
    let page = longform::import::decode_html(wrong.clone(), Some("Shift_JIS")).expect("html");
    assert!(page.contains("ゆっくり読むこと"), "{page}");
    let page = longform::import::decode_html(wrong, None).expect("html");
    assert!(!page.contains("ゆっくり読むこと"));
}

// ---- Deep nesting and the deadline ----

/// A page of `n` nested `open`…`close` around one readable paragraph.
fn nested(n: usize, open: &str, close: &str) -> String {
    format!(
        "<html><head><title>Deep</title></head><body>{}<p>{}</p>{}</body></html>",
        open.repeat(n),
        "A sentence of the article that must come through whole. ".repeat(20),
        close.repeat(n)
    )
}

#[test]
fn a_hundred_thousand_nested_divs_import_within_five_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("deep.html");
    std::fs::write(&page, nested(100_000, "<div>", "</div>")).unwrap();
    let limits = FetchLimits {
        deadline: Duration::from_secs(5),
        ..FetchLimits::default()
    };
    let done = import_one(page.to_str().expect("utf-8"), dir.path(), &limits)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let md = std::fs::read_to_string(&done.path).unwrap();
    assert!(
        md.contains("A sentence of the article that must come through whole."),
        "{md}"
    );
    // Nested inline elements too, which the parser's stack went through.
    std::fs::write(&page, nested(100_000, "<b>", "</b>")).unwrap();
    let done = import_one(page.to_str().expect("utf-8"), dir.path(), &limits)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        std::fs::read_to_string(&done.path)
            .unwrap()
            .contains("come through whole")
    );
}

#[test]
fn a_hundred_thousand_nested_list_items_import_within_five_seconds() {
    // A list item's end tag may be left out, so items are not counted as
    // nesting; past the capped chain of lists they are line breaks, or
    // the parser would walk a deep stack for each of them.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("lists.html");
    let html = format!(
        "<html><head><title>Lists</title></head><body><p>{}</p>{}{}</body></html>",
        "A sentence of the article that must come through whole. ".repeat(20),
        "<ul><li>".repeat(100_000),
        "</li></ul>".repeat(100_000)
    );
    std::fs::write(&page, html).unwrap();
    let limits = FetchLimits {
        deadline: Duration::from_secs(5),
        ..FetchLimits::default()
    };
    let done = import_one(page.to_str().expect("utf-8"), dir.path(), &limits)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        std::fs::read_to_string(&done.path)
            .unwrap()
            .contains("come through whole")
    );
}

#[test]
fn a_slow_import_gives_up_at_the_deadline_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("slow.html");
    // Nearly the most elements a page may have, each a paragraph to
    // extract: three seconds of work on a debug build (the tests'), half a
    // second on a release one, far past the deadline either way.
    let paragraphs: String = (0..190_000)
        .map(|i| format!("<p>Paragraph {i} of a long page, with more words in it to read.</p>"))
        .collect();
    let html = format!(
        "<html><head><title>Long</title></head><body><article>{paragraphs}</article></body></html>"
    );
    std::fs::write(&page, html).unwrap();
    let limits = FetchLimits {
        deadline: Duration::from_millis(100),
        ..FetchLimits::default()
    };
    let e = import_one(page.to_str().expect("utf-8"), dir.path(), &limits).expect_err("too slow");
    let line = format!("{e:#}");
    assert!(line.contains("gave up after 0.1 s"), "{line}");
    assert!(!line.contains('\n'), "{line}");
    assert!(files(dir.path()).iter().all(|f| !f.ends_with(".md")));
    // The fetch counts towards the same deadline.
    let base = serve();
    let e = import_one(&format!("{base}/stall"), dir.path(), &limits).expect_err("stalled");
    assert!(format!("{e:#}").contains("timed out after 0.1 s"), "{e:#}");
}

#[test]
fn a_page_over_its_timeout_is_given_up_and_the_next_one_imported() {
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    // A server that never answers: the fetch counts towards the timeout.
    let slow = format!("{}/stall", serve());
    let good = fixture("article.html");
    let into = dir.path().join("into");
    let o = longform(
        &[
            "import",
            &slow,
            good.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
            "--timeout",
            "1",
        ],
        None,
        config.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("/stall: URL unreachable: timed out after 1 s"),
        "{}",
        err(&o)
    );
    assert!(err(&o).ends_with("1 of 2 imports failed\n"), "{}", err(&o));
    assert_eq!(files(&into), ["the-quiet-art-of-slow-reading.md"]);
}

/// The command lines of the processes running now.
#[cfg(target_os = "linux")]
fn command_lines() -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn an_extraction_over_the_deadline_is_stopped_not_left_running() {
    use std::os::unix::fs::PermissionsExt as _;
    // A mark of this test in the child's command line, to find it by.
    let url = format!("https://slow-{}.example/page", std::process::id());
    let page = || Page {
        html: fixture_text("article.html"),
        url: Some(url.clone()),
    };
    // An extraction that never ends, whatever the machine's speed: a real
    // one of a hostile page ends sooner or later, and a fast machine may
    // finish it within any limit a test can wait for.
    let dir = tempfile::tempdir().unwrap();
    let stuck = dir.path().join("stuck-extractor");
    std::fs::write(&stuck, "#!/bin/sh\nwhile :; do sleep 0.05; done\n").unwrap();
    std::fs::set_permissions(&stuck, std::fs::Permissions::from_mode(0o755)).unwrap();
    let limit = Duration::from_millis(300);
    // A process forked by another test while the script was being
    // written holds it open for writing until it runs its own program, and
    // the script cannot be run meanwhile ("text file busy"): try again.
    let mut tries = 0;
    let e = loop {
        let e = extract_in_child(&stuck, page(), limit, limit).expect_err("never ends");
        tries += 1;
        if tries == 50 || !format!("{e:#}").contains("cannot start the extraction") {
            break e;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(format!("{e:#}").contains("gave up after 0.3 s"), "{e:#}");
    let running: Vec<String> = command_lines()
        .into_iter()
        .filter(|c| c.contains(&url))
        .collect();
    assert!(running.is_empty(), "still running: {running:?}");
    // A page within its time comes back whole from the child.
    let page = Page {
        html: fixture_text("article.html"),
        url: None,
    };
    let article = extract_in_child(Path::new(BIN), page, Duration::from_secs(60), limit)
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(article.title, "The Quiet Art of Slow Reading");
    assert!(
        article.markdown.starts_with("---\ntitle: "),
        "{}",
        article.markdown
    );
}

/// A short title with the site's name after it ("Page | Site"), which
/// Readability keeps whole: the page's heading shows the article's part.
#[test]
fn the_site_name_is_not_in_the_title() {
    let mut html = String::from(
        "<html><head><title>My Test Page | Site</title></head><body><article><h1>My Test Page</h1>",
    );
    for i in 0..12 {
        html.push_str(&format!(
            "<p>Paragraph {i} of an article long enough to be read as one, with a sentence \
             or two more, so that nothing takes it for a page of links.</p>"
        ));
    }
    html.push_str("</article></body></html>");
    let (out, into, _config) = import(&["-"], Some(html.as_bytes()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = files(into.path())
        .into_iter()
        .find(|f| f.ends_with(".md"))
        .expect("an article");
    let md = std::fs::read_to_string(into.path().join(name)).expect("the article");
    assert!(md.contains("title: \"My Test Page\"\n"), "{md}");
}

/// A page saved to a file brings the images saved beside it into the
/// article's assets; one outside the page's folder stays a link.
#[test]
fn a_saved_page_brings_its_saved_images() {
    let page = tempfile::tempdir().expect("page dir");
    std::fs::create_dir(page.path().join("page_files")).expect("page_files");
    image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 90]))
        .save(page.path().join("page_files/chart.png"))
        .expect("a PNG");
    let outside = tempfile::tempdir().expect("outside");
    image::RgbImage::new(4, 4)
        .save(outside.path().join("secret.png"))
        .expect("a PNG");
    let words =
        "Kettles were once made of copper, then of iron, then of steel and plastic. ".repeat(8);
    let secret = format!(
        "../{}/secret.png",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let html = format!(
        "<html><head><title>Saved</title></head><body><article><h1>Saved</h1><p>{words}</p>\
         <figure><img src=\"./page_files/chart.png\" alt=\"A chart\"></figure><p>{words}</p>\
         <img src=\"{secret}\" alt=\"Out\"><p>{words}</p></article></body></html>"
    );
    let file = page.path().join("saved.html");
    std::fs::write(&file, html).expect("the page");
    let (o, into, _config) = import(&[file.to_str().expect("utf-8")], None);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("1 image kept, 1 could not be fetched"),
        "{}",
        out(&o)
    );
    let md = std::fs::read_to_string(into.path().join("saved.md")).expect("the article");
    assert!(md.contains("![A chart](saved.assets/01-chart.png)"), "{md}");
    assert!(md.contains(&format!("![Out]({secret})")), "{md}");
    assert!(into.path().join("saved.assets/01-chart.png").is_file());
    assert_eq!(
        std::fs::read_dir(into.path().join("saved.assets"))
            .unwrap()
            .count(),
        1
    );
}
