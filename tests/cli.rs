//! End-to-end tests of the `longform` binary: `cat` output, colour handling,
//! the sanitising of control characters, width limits, error reporting and a
//! closed pipe.
//!
//! Every run is hermetic: `LONGFORM_CONFIG_DIR` (and `HOME` and
//! `XDG_CONFIG_HOME`) point at a fresh temporary folder, `NO_COLOR` is
//! removed unless a test sets it, and generated inputs live in temporary
//! folders.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use unicode_width::UnicodeWidthStr;

const BIN: &str = env!("CARGO_BIN_EXE_longform");
const ESC: char = '\u{1b}';

/// What one run of the binary produced.
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn out(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }

    fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// A `longform` command with a private config folder and no `NO_COLOR`.
/// The returned tempdir must outlive the child.
fn command(args: &[&str]) -> (Command, tempfile::TempDir) {
    let config = tempfile::tempdir().expect("config tempdir");
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("LONGFORM_CONFIG_DIR", config.path())
        .env("HOME", config.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("NO_COLOR");
    (cmd, config)
}

/// Run `longform` with `args`, optional stdin bytes and extra environment.
fn run_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let (mut cmd, _config) = command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn longform");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let bytes = bytes.to_vec();
        // Write from a thread so a large input cannot deadlock with output.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let output = child.wait_with_output().expect("wait for longform");
    let run = Run {
        status: output.status,
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_panic(&run, args);
    run
}

fn run(args: &[&str]) -> Run {
    run_with(args, None, &[])
}

fn assert_no_panic(run: &Run, args: &[&str]) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "longform {args:?} panicked:\n{}",
        run.stderr
    );
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    manifest_dir()
        .join("tests/fixtures")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

/// The bundled articles, sorted by name.
fn articles() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("articles"))
        .expect("articles folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no bundled articles found");
    files
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Check that every ESC in `out` starts an SGR sequence `ESC [ [0-9;]* m`,
/// and return the parameter strings of those sequences.
fn sgr_params(out: &str) -> Vec<String> {
    let mut params = Vec::new();
    let mut rest = out;
    while let Some(i) = rest.find(ESC) {
        let after = &rest[i + 1..];
        assert!(
            after.starts_with('['),
            "ESC not followed by '[' at {:?}",
            &rest[i..rest.len().min(i + 20)]
        );
        let body = &after[1..];
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(body.len());
        assert!(
            body[end..].starts_with('m'),
            "escape sequence is not SGR: {:?}",
            &rest[i..rest.len().min(i + 20)]
        );
        params.push(body[..end].to_string());
        rest = &body[end + 1..];
    }
    params
}

/// Remove SGR sequences (after checking they are the only escapes).
fn strip_sgr(out: &str) -> String {
    sgr_params(out);
    let mut s = String::with_capacity(out.len());
    let mut chars = out.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            s.push(c);
        }
    }
    s
}

/// Characters that must never reach the terminal from a file: C0 controls
/// other than newline, DEL, C1 controls, and bidi overrides and isolates.
fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Assert that no line of `out` is wider than `width` columns.
fn assert_fits(out: &str, width: usize, what: &str) {
    for (n, line) in out.lines().enumerate() {
        assert!(
            line.width() <= width,
            "{what} at width {width}: line {} is {} columns wide: {line:?}",
            n + 1,
            line.width()
        );
    }
}

// ---------------------------------------------------------------------------
// The elements fixture: snapshot and key facts.

/// Plain output without the strokes over struck text (U+0336), which
/// styled output shows as a style instead.
fn unstroked(plain: &str) -> String {
    plain.replace('\u{336}', "")
}

fn elements_plain() -> String {
    let r = run(&["cat", &fixture("elements.md"), "--width", "60"]);
    assert_eq!(r.code(), Some(0), "stderr: {}", r.stderr);
    assert!(r.stderr.is_empty(), "unexpected stderr: {}", r.stderr);
    r.out()
}

#[test]
fn elements_snapshot_at_60() {
    insta::assert_snapshot!("elements_cat_width_60", elements_plain());
}

#[test]
fn elements_key_facts() {
    let out = elements_plain();
    let lines: Vec<&str> = out.lines().collect();
    assert!(!out.contains(ESC), "plain output has an escape");
    assert_fits(&out, 60, "elements.md");

    // Front matter is a header, never raw YAML.
    assert!(out.contains("Every Element"), "{out}");
    assert!(out.contains("Ada Example"), "{out}");
    // The date reads as a date.
    assert!(out.contains("6 May 2024"), "{out}");
    for raw in ["title:", "author:", "date:", "---\n"] {
        assert!(
            !out.contains(raw),
            "raw front matter {raw:?} in output:\n{out}"
        );
    }
    // The header comes first.
    let first_text = lines.iter().find(|l| !l.trim().is_empty()).unwrap();
    assert_eq!(first_text.trim(), "Every Element");

    // Headings, with rules under levels 1 and 2.
    for (i, heading) in ["Heading One", "Heading Two"].iter().enumerate() {
        let at = lines.iter().position(|l| l == heading).expect(heading);
        let rule = if i == 0 { '━' } else { '─' };
        assert_eq!(lines[at + 1], rule.to_string().repeat(heading.width()));
    }
    assert!(lines.contains(&"Heading Three"), "{out}");
    assert!(!out.contains('#'), "heading marks shown:\n{out}");

    // Inline styles lose their markup in plain output.
    assert!(out.contains("with emphasis, strong, s̶t̶r̶u̶c̶k̶ and inline code."));
    for mark in ["*", "~~", "`"] {
        assert!(!out.contains(mark), "markup {mark:?} shown:\n{out}");
    }

    // A link shows its text, never its URL.
    assert!(out.contains("the example site"));
    assert!(!out.contains("example.com"), "{out}");
    assert!(!out.contains("](http"), "{out}");

    // Smart punctuation.
    assert!(out.contains("stays readable – and"), "{out}");
    assert!(
        out.contains("“straight") && out.contains("quotes”"),
        "{out}"
    );
    assert!(out.contains("‘curly’"), "{out}");
    assert!(!out.contains(" -- "), "{out}");

    // Quotes, nested.
    assert!(lines.contains(&"│ A quote that holds"), "{out}");
    assert!(lines.contains(&"│ │ a nested quote inside it."), "{out}");

    // Lists: ordered, nested unordered, tasks.
    assert!(lines.contains(&"1. First ordered item"), "{out}");
    assert!(lines.contains(&"2. Second ordered item"), "{out}");
    assert!(lines.contains(&"   ◦ nested bullet"), "{out}");
    assert!(lines.contains(&"     ▪ deeper bullet"), "{out}");
    assert!(lines.contains(&"3. Third ordered item"), "{out}");
    assert!(lines.contains(&"☐ an open task"), "{out}");
    assert!(lines.contains(&"☑ a finished task"), "{out}");
    assert!(!out.contains("[ ]") && !out.contains("[x]"), "{out}");

    // Code: language label, indentation kept, long line wrapped with ↪.
    assert!(lines.contains(&"  rust"), "{out}");
    assert!(lines.contains(&"  fn main() {"), "{out}");
    assert!(
        lines.iter().any(|l| l.starts_with("      println!(")),
        "{out}"
    );
    let cont: Vec<&&str> = lines.iter().filter(|l| l.starts_with("↪ ")).collect();
    assert_eq!(cont.len(), 1, "one continuation line expected:\n{out}");
    assert!(cont[0].ends_with("so it wraps.\");"), "{out}");
    assert!(!out.contains("```"), "{out}");

    // Table with box-drawing borders, right-aligned numbers.
    assert!(lines.iter().any(|l| l.starts_with('┌')), "{out}");
    assert!(lines.iter().any(|l| l.starts_with('└')), "{out}");
    assert!(lines.iter().any(|l| l.starts_with('├')), "{out}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("│ Ada ") && l.ends_with("│    10 │")),
        "{out}"
    );
    assert!(!out.contains("|---"), "{out}");
    // Border lines of a table line up with its rows.
    let top = lines.iter().position(|l| l.starts_with('┌')).unwrap();
    let bottom = lines.iter().position(|l| l.starts_with('└')).unwrap();
    let table = &lines[top..=bottom];
    assert_eq!(table.len(), 6, "{table:#?}");
    let w = table[0].width();
    assert!(table.iter().all(|l| l.width() == w), "{table:#?}");

    // A rule, centred.
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("────") && l.starts_with(' ')),
        "{out}"
    );

    // Image and footnote.
    assert!(out.contains("[image: a lighthouse at dusk]"), "{out}");
    assert!(!out.contains("x.png"), "{out}");
    assert!(out.contains("a footnote.[1]"), "{out}");
    assert!(lines.contains(&"[1] The footnote text."), "{out}");
    assert!(!out.contains("[^1]"), "{out}");

    // An HTML block is read, not shown as markup.
    assert!(lines.contains(&"Raw HTML block"), "{out}");
    assert!(!out.contains("<div") && !out.contains("<b>"), "{out}");

    // Hard break.
    assert!(lines.contains(&"First line with a hard break"), "{out}");
    assert!(lines.contains(&"second line after it."), "{out}");
    assert!(!out.contains('\\'), "{out}");
}

#[test]
fn elements_fit_every_width() {
    for w in 1..=90 {
        let ws = w.to_string();
        let r = run(&["cat", &fixture("elements.md"), "--width", &ws]);
        assert_eq!(r.code(), Some(0), "width {w}: {}", r.stderr);
        let out = r.out();
        assert!(!out.trim().is_empty(), "width {w}: empty output");
        assert_fits(&out, w, "elements.md");
        assert!(!out.contains("example.com"), "width {w}: URL shown");
    }
}

// ---------------------------------------------------------------------------
// Colour.

#[test]
fn piped_output_is_plain() {
    let f = fixture("elements.md");
    for args in [
        vec!["cat", f.as_str()],
        vec!["cat", f.as_str(), "--color", "auto"],
        vec!["cat", f.as_str(), "--color=never"],
    ] {
        let r = run(&args);
        assert_eq!(r.code(), Some(0), "{args:?}: {}", r.stderr);
        assert!(
            !r.stdout.contains(&0x1b),
            "{args:?}: escape byte in piped output"
        );
    }
}

#[test]
fn color_always_emits_only_sgr() {
    let f = fixture("elements.md");
    let styled = run(&["cat", &f, "--width", "60", "--color=always"]);
    assert_eq!(styled.code(), Some(0), "{}", styled.stderr);
    let out = styled.out();
    let params = sgr_params(&out);
    assert!(!params.is_empty(), "no styles at all:\n{out}");
    assert!(
        params.iter().any(|p| p.contains("38;5;")),
        "no colours: {params:?}"
    );
    assert!(params.iter().any(|p| p == "0"), "no reset: {params:?}");
    // Styles wrap text, they never change it.
    assert_eq!(strip_sgr(&out), unstroked(&elements_plain()));
}

#[test]
fn no_color_keeps_modifiers_only() {
    let f = fixture("elements.md");
    let r = run_with(
        &["cat", &f, "--width", "60", "--color=always"],
        None,
        &[("NO_COLOR", "1")],
    );
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    let params = sgr_params(&out);
    assert!(!params.is_empty(), "NO_COLOR dropped bold and italic too");
    // Only reset and modifiers: bold, dim, italic, underline, reverse, strike.
    for p in &params {
        assert!(
            p.split(';')
                .all(|c| ["0", "1", "2", "3", "4", "7", "9"].contains(&c)),
            "colour code in {p:?} despite NO_COLOR"
        );
    }
    let has = |code: &str| params.iter().any(|p| p.split(';').any(|c| c == code));
    assert!(has("1"), "no bold: {params:?}");
    assert!(has("3"), "no italic: {params:?}");
    assert_eq!(strip_sgr(&out), unstroked(&elements_plain()));

    // An empty NO_COLOR does not count (no-color.org).
    let r = run_with(
        &["cat", &f, "--width", "60", "--color=always"],
        None,
        &[("NO_COLOR", "")],
    );
    assert!(r.out().contains("38;5;"), "empty NO_COLOR disabled colour");
}

// ---------------------------------------------------------------------------
// Control characters from the file.

const HOSTILE: &str = concat!(
    "---\ntitle: \"Evil \u{1b}]0;t\u{7} title\"\nauthor: \"\u{1b}[31mMallory\"\n---\n\n",
    "# Head \u{1b}]0;pwned\u{7} line\n\n",
    "Clear \u{1b}[2J screen, entity &#27;[31m red, hex &#x1b; esc, ",
    "csi &#155; c1, raw c1 \u{9b}31m, bell \u{7}, del \u{7f}, ",
    "bidi \u{202e}desrever\u{202c} and \u{2066}iso\u{2069}, cr \r in text.\n\n",
    "Inline `code \u{1b}[1m` and <span title=\"\u{1b}[5m\">html</span> and ",
    "[link \u{1b}[4m](https://evil.example/%1B[0m) and ",
    "![alt \u{1b}]8;;x\u{7}](img.png) and note[^e\u{1b}x].\n\n",
    "```\u{1b}[31mlang\n",
    "code \u{1b}[2J line &#27;\n",
    "tab\there \u{1b}P dcs \u{1b}\\ st\n",
    "```\n\n",
    "<div>\u{1b}[31m html block &#27;[0m</div>\n\n",
    "| h \u{1b}[1m | &#x1b;[7m |\n|---|---|\n| \u{1b}[4m | &#155;0m |\n\n",
    "> quote \u{1b}[8m hidden\n\n",
    "- item \u{1b}[9m\n- [x] task \u{202e}\n\n",
    "[^e\u{1b}x]: note \u{1b}[41m body\n",
);

fn hostile_file(dir: &Path) -> String {
    let p = dir.join("hostile.md");
    std::fs::write(&p, HOSTILE).expect("write hostile.md");
    path_str(&p).to_string()
}

#[test]
fn control_characters_never_reach_plain_output() {
    let dir = tempfile::tempdir().unwrap();
    let f = hostile_file(dir.path());
    for w in ["20", "47", "80", "133"] {
        let r = run(&["cat", &f, "--width", w]);
        assert_eq!(r.code(), Some(0), "{}", r.stderr);
        assert!(r.stderr.is_empty(), "{}", r.stderr);
        let out = r.out();
        if let Some(c) = out.chars().find(|&c| dangerous(c)) {
            panic!("width {w}: dangerous {c:?} in plain output:\n{out}");
        }
        assert!(out.contains('␛'), "no ESC stand-in:\n{out}");
        assert_fits(&out, w.parse().unwrap(), "hostile.md");
    }
    let out = run(&["cat", &f, "--width", "133"]).out();
    assert!(out.contains("␛[2J"), "{out}");
    assert!(
        out.contains("␛[31m red"),
        "entity &#27; not shown as ␛:\n{out}"
    );
    assert!(out.contains("␇"), "BEL stand-in missing:\n{out}");
    assert!(out.contains("<U+009B>"), "C1 CSI stand-in missing:\n{out}");
    assert!(
        out.contains("<U+202E>"),
        "bidi override stand-in missing:\n{out}"
    );
    assert!(!out.contains("evil.example"), "link URL shown:\n{out}");
}

#[test]
fn control_characters_with_color_always_only_sgr() {
    let dir = tempfile::tempdir().unwrap();
    let f = hostile_file(dir.path());
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        for w in ["20", "80"] {
            let r = run_with(&["cat", &f, "--width", w, "--color=always"], None, env);
            assert_eq!(r.code(), Some(0), "{}", r.stderr);
            let out = r.out();
            // Panics with the offending sequence if a non-SGR escape exists.
            let params = sgr_params(&out);
            assert!(!params.is_empty());
            let visible = strip_sgr(&out);
            if let Some(c) = visible.chars().find(|&c| dangerous(c)) {
                panic!("dangerous {c:?} in styled output:\n{visible}");
            }
            let plain = run_with(&["cat", &f, "--width", w], None, env).out();
            assert_eq!(visible, plain, "styles changed the text");
        }
    }
}

#[test]
fn control_characters_never_reach_an_error_message() {
    // Without a terminal the reader refuses, naming the file safely.
    let dir = tempfile::tempdir().unwrap();
    let f = hostile_file(dir.path());
    let r = run(&[&f]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr);
    assert!(!r.stderr.contains('\u{1b}'));
}

// ---------------------------------------------------------------------------
// Widths of the bundled articles.

#[test]
fn articles_fit_their_width() {
    for article in articles() {
        let a = path_str(&article);
        for w in [20usize, 33, 47, 60, 80, 133] {
            let ws = w.to_string();
            let r = run(&["cat", a, "--width", &ws]);
            assert_eq!(r.code(), Some(0), "{a} at {w}: {}", r.stderr);
            assert!(r.stderr.is_empty(), "{a} at {w}: {}", r.stderr);
            let out = r.out();
            assert!(out.lines().count() > 10, "{a} at {w}: too short");
            assert!(!out.contains(ESC), "{a} at {w}: escape in plain output");
            assert_fits(&out, w, a);
        }
    }
}

#[test]
fn articles_fit_narrow_widths() {
    for article in articles() {
        let a = path_str(&article);
        for w in 1usize..20 {
            let ws = w.to_string();
            let r = run(&["cat", a, "--width", &ws]);
            assert_eq!(r.code(), Some(0), "{a} at {w}: {}", r.stderr);
            assert_fits(&r.out(), w, a);
        }
    }
}

#[test]
fn articles_styled_text_matches_plain() {
    for article in articles() {
        let a = path_str(&article);
        let plain = run(&["cat", a, "--width", "60"]).out();
        let styled = run(&["cat", a, "--width", "60", "--color=always"]).out();
        assert_eq!(strip_sgr(&styled), unstroked(&plain), "{a}");
        assert_fits(&strip_sgr(&styled), 60, a);
    }
}

#[test]
fn default_width_is_80_when_piped() {
    for article in articles() {
        let a = path_str(&article);
        let default = run(&["cat", a]).out();
        let at80 = run(&["cat", a, "--width", "80"]).out();
        assert_eq!(default, at80, "{a}: default width is not 80");
        assert_fits(&default, 80, a);
        let widest = default.lines().map(UnicodeWidthStr::width).max().unwrap();
        assert!(widest > 70, "{a}: widest line only {widest}");
    }
}

#[test]
fn the_reader_needs_a_terminal() {
    // Piped, or on a dumb terminal: exit 2, and say what to use instead.
    for article in articles() {
        let a = path_str(&article);
        let r = run(&[a]);
        assert_eq!(r.code(), Some(2), "{}", r.stderr);
        assert!(r.stdout.is_empty());
        let line = assert_one_error_line(&r, "no terminal");
        assert!(line.contains("interactive terminal"), "{line}");
        assert!(line.contains(&format!("longform cat {a}")), "{line}");
    }
    let first = articles()[0].clone();
    let r = run_with(&[path_str(&first)], None, &[("TERM", "dumb")]);
    assert_eq!(r.code(), Some(2));
}

#[test]
fn stdin_dash_reads_the_article() {
    let path = fixture("elements.md");
    let bytes = std::fs::read(&path).unwrap();
    let r = run_with(&["cat", "-", "--width", "60"], Some(&bytes), &[]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    assert_eq!(r.out(), elements_plain());
    // The reader on stdin needs a terminal to draw on (the
    // pseudo-terminal test covers it).
    let r = run_with(&["-"], Some(&bytes), &[]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr);
}

#[test]
fn crlf_and_bom_are_invisible() {
    let dir = tempfile::tempdir().unwrap();
    let lf = fixture("elements.md");
    let text = std::fs::read_to_string(&lf).unwrap();
    let crlf = dir.path().join("crlf.md");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(text.replace('\n', "\r\n").bytes());
    std::fs::write(&crlf, bytes).unwrap();
    let r = run(&["cat", path_str(&crlf), "--width", "60"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(!out.contains('\r') && !out.contains('␍'), "{out}");
    assert!(!out.contains('\u{feff}'), "{out}");
    assert_eq!(out, elements_plain());
}

// ---------------------------------------------------------------------------
// Errors.

/// stderr must be exactly one line starting with "longform: ".
fn assert_one_error_line(r: &Run, what: &str) -> String {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: stderr is not one line: {:?}",
        r.stderr
    );
    assert!(
        lines[0].starts_with("longform: "),
        "{what}: stderr {:?}",
        r.stderr
    );
    lines[0].to_string()
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.md");
    let m = path_str(&missing);
    for args in [vec!["cat", m], vec![m]] {
        let r = run(&args);
        assert_eq!(r.code(), Some(1), "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        let line = assert_one_error_line(&r, "missing file");
        assert!(line.contains(m), "path not named: {line}");
        assert!(line.to_lowercase().contains("no such file"), "{line}");
        assert!(!line.contains("os error"), "{line}");
    }
}

#[test]
fn permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("secret.md");
    std::fs::write(&p, "# Secret\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&p).is_ok() {
        eprintln!("note: permission_denied skipped: running with privileges that bypass mode 000");
        return;
    }
    let r = run(&["cat", path_str(&p)]);
    assert_eq!(r.code(), Some(1));
    let line = assert_one_error_line(&r, "permission denied");
    assert!(line.contains("permission denied"), "{line}");
    assert!(line.contains(path_str(&p)), "{line}");
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("image.md");
    let mut bytes = b"# Looks like Markdown\n\nBut ".to_vec();
    bytes.extend([0u8, 1, 2, 0, 0xff, 0xd8]);
    bytes.extend(b" then text.\n");
    std::fs::write(&p, &bytes).unwrap();
    let r = run(&["cat", path_str(&p)]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stdout.is_empty());
    let line = assert_one_error_line(&r, "binary");
    assert!(line.contains("binary"), "{line}");

    // Via stdin too.
    let r = run_with(&["cat", "-"], Some(&bytes), &[]);
    assert_eq!(r.code(), Some(1));
    assert!(assert_one_error_line(&r, "binary stdin").contains("binary"));

    // A NUL after the first 8 KB is not sniffed: the file is read, and the
    // NUL never reaches the output raw.
    let mut late = "word ".repeat(2000).into_bytes();
    late.extend(b"\0 end\n");
    let q = dir.path().join("late.md");
    std::fs::write(&q, &late).unwrap();
    let r = run(&["cat", path_str(&q)]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains(&0), "raw NUL in output");
}

#[test]
fn an_article_over_a_gigabyte_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.md");
    // Sparse: it takes no room, and is refused from its size alone.
    let f = std::fs::File::create(&p).unwrap();
    f.set_len((1 << 30) + (1 << 29)).unwrap();
    drop(f);
    let r = run(&["cat", path_str(&p)]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stdout.is_empty());
    let line = assert_one_error_line(&r, "too long");
    assert!(
        line.contains("1.5 GiB") && line.contains("up to 1 GiB"),
        "{line}"
    );
    assert!(line.contains(path_str(&p)), "{line}");
    // The library lists it with that reason.
    let r = run(&["list", path_str(dir.path())]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("up to 1 GiB"), "{out}{}", r.stderr);
}

#[test]
fn folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = path_str(dir.path());
    let r = run(&["cat", d]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stdout.is_empty());
    let line = assert_one_error_line(&r, "folder");
    assert!(line.contains(d), "{line}");
    // `longform DIR` is the library of DIR: it needs a terminal, and
    // `longform list DIR` prints it.
    let r = run(&[d]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr);
    assert!(assert_one_error_line(&r, "library").contains(&format!("longform list {d}")));
    let r = run(&["list", d]);
    assert_eq!(r.out(), "No articles here.\n");
    std::fs::write(dir.path().join("a.md"), "# An article\n\nWith words.\n").unwrap();
    let r = run(&["list", d]);
    assert!(r.out().contains("An article"), "{}", r.out());
    let r = run(&["list", d, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.out()).unwrap();
    assert_eq!(v[0]["title"], "An article");
    assert_eq!(v[0]["words"], 4);
    let r = run(&["list", &format!("{d}/missing")]);
    assert_eq!(r.code(), Some(1));
    assert_one_error_line(&r, "missing folder");
}

#[test]
fn invalid_utf8_is_a_warning() {
    // UTF-8 (it has a valid "é") with one damaged byte: repaired with �.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("damaged.md");
    std::fs::write(
        &p,
        b"# Caf\xc3\xa9\n\nA caf\xe9 au lait, s'il vous pla\xc3\xaet.\n",
    )
    .unwrap();
    let r = run(&["cat", path_str(&p)]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(out.contains("Café"), "{out}");
    assert!(
        out.contains("A caf\u{fffd} au lait, s’il vous plaît."),
        "{out}"
    );
    let line = assert_one_error_line(&r, "invalid UTF-8");
    assert!(line.contains("invalid UTF-8"), "{line}");

    let bytes = std::fs::read(&p).unwrap();
    let r = run_with(&["cat", "-"], Some(&bytes), &[]);
    assert_eq!(r.code(), Some(0));
    assert!(assert_one_error_line(&r, "stdin").contains("invalid UTF-8"));
}

#[test]
fn latin1_is_read_as_windows_1252_with_a_warning() {
    // No valid UTF-8 character at all: a legacy 8-bit file.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.md");
    std::fs::write(
        &p,
        b"# Caf\xe9\n\nA caf\xe9 au lait, s'il vous pla\xeet \x96 \x93oui\x94.\n",
    )
    .unwrap();
    let r = run(&["cat", path_str(&p)]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(out.contains("Café"), "{out}");
    assert!(
        out.contains("A café au lait, s’il vous plaît – “oui”."),
        "{out}"
    );
    let line = assert_one_error_line(&r, "windows-1252");
    assert!(
        line.contains("latin1.md: not UTF-8; read as windows-1252"),
        "{line}"
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bom, le) in [
        ("le.md", [0xff, 0xfe], true),
        ("be.md", [0xfe, 0xff], false),
    ] {
        let p = dir.path().join(name);
        let mut bytes = bom.to_vec();
        for unit in "# Grüße\n\nSome text 中文.\n".encode_utf16() {
            bytes.extend(if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        std::fs::write(&p, &bytes).unwrap();
        let r = run(&["cat", path_str(&p)]);
        assert_eq!(r.code(), Some(0), "{name}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{name}: {}", r.stderr);
        assert!(
            r.out().contains("Grüße") && r.out().contains("Some text 中文."),
            "{}",
            r.out()
        );
        let r = run_with(&["toc", "-"], Some(&bytes), &[]);
        assert!(r.out().contains("Grüße"), "{name}: {}{}", r.out(), r.stderr);
    }
}

#[test]
fn no_arguments_reads_a_pipe_but_needs_a_terminal_to_show_it() {
    // `cmd | longform` reads the article from the pipe (the pseudo-terminal
    // test shows it); with stdout piped too, it says to use cat.
    let r = run_with(&[], Some(b"# From a pipe\n\nHello.\n"), &[]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr);
    assert!(assert_one_error_line(&r, "pipe").contains("longform cat -"));
}

#[test]
fn empty_and_blank_articles() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.md", ""),
        ("blank.md", "\n\n   \n"),
        ("bom.md", "\u{feff}"),
        ("only-front-matter.md", "---\ntitle: T\n---\n"),
        ("empty-front-matter.md", "---\n---\n"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        for w in ["1", "80"] {
            let r = run(&["cat", path_str(&p), "--width", w]);
            assert_eq!(r.code(), Some(0), "{name}: {}", r.stderr);
            assert_fits(&r.out(), w.parse().unwrap(), name);
        }
    }
}

// ---------------------------------------------------------------------------
// A closed pipe.

/// Start `longform args` on a large article, read a little of its output,
/// close the pipe, and return how it ended.
fn close_pipe_early(args: &[&str]) -> Run {
    let (mut cmd, _config) = command(args);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn longform");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    let r = Run {
        status,
        stdout: first.to_vec(),
        stderr,
    };
    assert_no_panic(&r, args);
    r
}

fn big_article(dir: &Path) -> String {
    let mut text = String::from("# A long article\n\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "Paragraph {i}: *enough* words to fill the pipe many times over, \
             so the writer is still busy when the reader goes away.\n\n"
        ));
    }
    let p = dir.join("big.md");
    std::fs::write(&p, text).unwrap();
    path_str(&p).to_string()
}

#[test]
fn closed_pipe_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let big = big_article(dir.path());
    for args in [
        vec!["cat", big.as_str()],
        vec!["cat", big.as_str(), "--color=always"],
        vec!["cat", big.as_str(), "--width", "20"],
    ] {
        let r = close_pipe_early(&args);
        assert_eq!(r.code(), Some(0), "{args:?}: {:?} {}", r.status, r.stderr);
        assert!(
            !r.stderr.to_lowercase().contains("broken pipe"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.is_empty(), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn closed_pipe_through_head() {
    // The same through a shell pipeline, as a user would type it.
    let dir = tempfile::tempdir().unwrap();
    let big = big_article(dir.path());
    let config = tempfile::tempdir().unwrap();
    let script = "\"$0\" cat \"$1\" | head -n 1 >/dev/null; echo \"status=${PIPESTATUS[0]}\"";
    let out = Command::new("bash")
        .args(["-c", script, BIN, &big])
        .env("LONGFORM_CONFIG_DIR", config.path())
        .env("HOME", config.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("NO_COLOR")
        .output();
    let Ok(out) = out else {
        eprintln!("note: bash not available, skipped");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("status=0"), "{stdout} {stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Run `longform args` with stderr going to a pipe whose reading end is
/// already closed, so that any write to stderr fails with EPIPE.
fn run_with_closed_stderr(args: &[&str]) -> ExitStatus {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let (mut cmd, _config) = command(args);
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(writer)
        .output()
        .expect("run longform");
    out.status
}

#[test]
fn closed_stderr_keeps_the_exit_code() {
    // `longform cat x.md 2>&1 | head -0`: the one-line message cannot be
    // written, but the exit code must still say what happened (1 for an
    // error, 0 for a warning), not 101 for a panic.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.md");
    let status = run_with_closed_stderr(&["cat", path_str(&missing)]);
    assert_eq!(status.code(), Some(1), "missing file: {status:?}");

    let latin1 = dir.path().join("latin1.md");
    std::fs::write(&latin1, b"caf\xe9\n").unwrap();
    let status = run_with_closed_stderr(&["cat", path_str(&latin1)]);
    assert_eq!(status.code(), Some(0), "invalid UTF-8 warning: {status:?}");
}

#[test]
fn file_name_that_is_not_utf8() {
    // File names are bytes on Unix: one that is not UTF-8 (here Latin-1
    // "café.md") must open like any other.
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(OsStr::from_bytes(b"caf\xe9.md"));
    if std::fs::write(&path, "# Caf\u{e9}\n\nText.\n").is_err() {
        eprintln!("note: this filesystem refuses non-UTF-8 names, skipped");
        return;
    }
    let config = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("cat")
        .arg(&path)
        .env("LONGFORM_CONFIG_DIR", config.path())
        .env("HOME", config.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Text."));
}

fn slow_web() -> String {
    format!("{}/articles/the-slow-web.md", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn toc_prints_the_outline_with_ids_words_and_minutes() {
    let r = run(&["toc", "--ids", &slow_web()]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("The Slow Web"), "{out}");
    assert!(lines[0].ends_with(" min  #the-slow-web"), "{out}");
    assert!(lines[2].starts_with("    Eighty columns"), "{out}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" words") && l.contains(" min  #")),
        "{out}"
    );
}

#[test]
fn toc_into_a_pipe_fits_80_columns_and_keeps_ids_behind_a_flag() {
    use unicode_width::UnicodeWidthStr;
    let long =
        "A heading so long that it could never fit beside its figures in eighty columns of text";
    let src =
        format!("# Title\n\nText.\n\n## {long}\n\nMore text here.\n\n## 短い見出し\n\nText.\n");
    let r = run_with(&["toc", "-"], Some(src.as_bytes()), &[]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines.iter().all(|l| l.width() <= 80), "{out}");
    assert!(!out.contains('#'), "ids only with --ids: {out}");
    assert!(lines[1].starts_with("  A heading so long"), "{out}");
    assert!(lines[1].contains("…"), "{out}");
    assert!(lines[1].ends_with(" min"), "{out}");
    // The figures line up in their columns.
    let at = |l: &str| l.width() - l.rsplit_once("words").unwrap().1.width();
    assert!(lines.iter().all(|l| at(l) == at(lines[0])), "{out}");

    // The ids go last, whole, as --section and links take them: beside
    // the titles when they fit, else each under its title.
    let short = "# Title\n\nText.\n\n## A short one\n\nMore.\n";
    let r = run_with(&["toc", "--ids", "-"], Some(short.as_bytes()), &[]);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].ends_with(" min  #title"), "{out}");
    assert!(lines[1].ends_with(" min  #a-short-one"), "{out}");
    let r = run_with(&["toc", "--ids", "-"], Some(src.as_bytes()), &[]);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(
        lines[0].starts_with("Title") && lines[0].ends_with(" min"),
        "{out}"
    );
    assert_eq!(lines[1], "  #title", "{out}");
    assert!(lines[2].starts_with("  A heading so long"), "{out}");
    assert_eq!(
        lines[3],
        "    #a-heading-so-long-that-it-could-never-fit-beside-its-figures-in-eighty-columns-of-text",
        "{out}"
    );
    // Only an id longer than the width itself runs past it.
    assert!(
        lines.iter().filter(|l| l.width() > 80).count() <= 1,
        "{out}"
    );
    // JSON is unchanged: whole titles and their ids.
    let r = run_with(&["toc", "--json", "-"], Some(src.as_bytes()), &[]);
    let v: serde_json::Value = serde_json::from_str(&r.out()).expect("valid JSON");
    assert_eq!(v[1]["title"], long);
}

#[test]
fn toc_json_lists_level_title_id_words_minutes_byte() {
    let r = run(&["toc", "--json", &slow_web()]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.out()).expect("valid JSON");
    let list = v.as_array().expect("a list");
    assert_eq!(list.len(), 16);
    let reader_mode = list.iter().find(|e| e["title"] == "Reader mode").unwrap();
    assert_eq!(reader_mode["level"], 3);
    assert_eq!(reader_mode["id"], "reader-mode");
    assert!(reader_mode["words"].as_u64().unwrap() > 100);
    assert!(reader_mode["minutes"].as_u64().unwrap() >= 1);
    let byte = usize::try_from(reader_mode["byte"].as_u64().unwrap()).unwrap();
    let src = std::fs::read_to_string(slow_web()).unwrap();
    assert!(src[byte..].starts_with("### Reader mode"));
}

#[test]
fn toc_of_an_article_without_headings() {
    let r = run_with(&["toc", "-"], Some(b"Just text.\n"), &[]);
    assert_eq!(r.code(), Some(0));
    assert_eq!(r.out(), "No sections\n");
    let r = run_with(&["toc", "--json", "-"], Some(b"Just text.\n"), &[]);
    assert_eq!(r.out().trim(), "[]");
}

/// Piped, the indent of a plain-text line set in is spaces, which grep
/// and a copy find, not the no-break spaces the layout sets it with.
#[test]
fn plain_output_indents_with_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("header.txt");
    let body = "This paragraph is long enough to be running text, and it\n\
                is hard-wrapped the way a saved page is.\n\n";
    std::fs::write(
        &file,
        format!(
            "{body}Author: Guido van Rossum <guido@python.org>,\n        \
             Barry Warsaw <barry@python.org>\nStatus: Active\n\n{body}{body}"
        ),
    )
    .unwrap();
    let r = run(&["cat", path_str(&file)]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(out.contains("\n        Barry Warsaw"), "{out:?}");
    assert!(!out.contains('\u{a0}'), "{out:?}");
}

#[test]
fn toc_says_one_word_and_keeps_its_column() {
    let r = run_with(
        &["toc", "-"],
        Some(b"# One\n\n# Two\n\nThree more words here.\n"),
        &[],
    );
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    // A section's words count its heading's.
    assert_eq!(r.out(), "One  1 word   1 min\nTwo  5 words  1 min\n");
}

#[test]
fn section_that_matches_nothing_lists_the_closest() {
    let r = run(&[&slow_web(), "--section", "reder mode"]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("no section matches \"reder mode\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("\"Reader mode\""), "{}", r.stderr);
}

#[test]
fn section_that_matches_is_accepted() {
    // The section is checked first: a match gets as far as asking for a
    // terminal.
    let r = run(&[&slow_web(), "--section", "READER"]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr);
}

#[test]
fn the_default_library_is_seeded_with_the_guide() {
    let (mut cmd, config) = command(&["list", "--json"]);
    let cwd = tempfile::tempdir().unwrap();
    let out = cmd.current_dir(cwd.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["title"], "Reading with longform");
    let seeded = config.path().join("articles/reading-with-longform.md");
    assert!(seeded.is_file());
    // With its figure, where the guide points.
    let guide = std::fs::read_to_string(&seeded).unwrap();
    let figure = "reading-with-longform.assets/a-page-with-a-figure.svg";
    assert!(guide.contains(&format!("]({figure})")));
    let svg = std::fs::read_to_string(config.path().join("articles").join(figure)).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    // A configured library wins over ./articles and the default.
    let shelf = config.path().join("shelf");
    std::fs::create_dir_all(&shelf).unwrap();
    std::fs::write(shelf.join("mine.txt"), "My Own Notes\n\nSome plain text.\n").unwrap();
    std::fs::write(
        config.path().join("config.toml"),
        format!("library = [{:?}]\n", shelf.display().to_string()),
    )
    .unwrap();
    let out = cmd.current_dir(cwd.path()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["title"], "My Own Notes");
    // A configured folder that is not there is named: beside one that is,
    // as a warning; alone, as the error.
    let gone = config.path().join("unmounted");
    std::fs::write(
        config.path().join("config.toml"),
        format!(
            "library = [{:?}, {:?}]\n",
            gone.display().to_string(),
            shelf.display().to_string()
        ),
    )
    .unwrap();
    let out = cmd.current_dir(cwd.path()).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("longform: warning: No such folder: ") && stderr.contains("unmounted"),
        "{stderr}"
    );
    std::fs::write(
        config.path().join("config.toml"),
        format!("library = [{:?}]\n", gone.display().to_string()),
    )
    .unwrap();
    let out = cmd.current_dir(cwd.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("No such folder: ") && stderr.contains("unmounted"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn config_default_prints_every_setting_commented() {
    let r = run(&["config", "--default"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    for key in ["width", "theme", "words_per_minute", "library"] {
        assert!(
            r.out().contains(&format!("# {key} = ")),
            "{key}: {}",
            r.out()
        );
    }
    // An invalid config is named with its line.
    let (mut cmd, config) = command(&["config"]);
    std::fs::write(
        config.path().join("config.toml"),
        "width = 70\ntheme = \"sepia\"\n",
    )
    .unwrap();
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

// ---------------------------------------------------------------------------
// Special files (issue 20): a named pipe, a device or a symlink to one is
// refused at once, never opened for reading (which waits for a writer) nor
// read to its end (which never comes).

/// Run `longform` with `stdin`, killed if it has not ended after a minute:
/// a guard against the hang these tests are about, not a measure of speed.
fn run_guarded(args: &[&str], stdin: Stdio) -> Run {
    let (mut cmd, _config) = command(args);
    let output = guarded(cmd.stdin(stdin), args);
    let run = Run {
        status: output.status,
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_panic(&run, args);
    run
}

/// The output of `cmd`, killed if it has not ended after a minute.
fn guarded(cmd: &mut Command, args: &[&str]) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn longform");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("longform {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// A folder with a named pipe and symlinks to two devices, all named as
/// articles, beside one real article.
#[cfg(unix)]
fn special_files() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.md"), "# A real article\n\nWords.\n").unwrap();
    let pipe = dir.path().join("pipe.md");
    mkfifo(&pipe);
    let mut specials = vec![pipe];
    for device in ["/dev/zero", "/dev/urandom"] {
        let name = Path::new(device).file_name().unwrap();
        let link = dir.path().join(name).with_extension("md");
        std::os::unix::fs::symlink(device, &link).unwrap();
        specials.push(link);
    }
    (dir, specials)
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_by_every_command() {
    let (dir, specials) = special_files();
    let into = dir.path().join("into");
    std::fs::create_dir(&into).unwrap();
    for file in &specials {
        let f = path_str(file);
        let kind = if f.ends_with("pipe.md") {
            "not a regular file (a named pipe)"
        } else {
            "not a regular file (a device)"
        };
        for args in [
            vec!["cat", f],
            vec!["toc", f],
            vec![f],
            vec!["bookmarks", f],
            vec!["import", f, "--into", path_str(&into)],
        ] {
            let r = run_guarded(&args, Stdio::null());
            assert_eq!(r.code(), Some(1), "{args:?}: {}", r.stderr);
            let line = assert_one_error_line(&r, "a special file");
            assert!(line.contains(kind), "{args:?}: {line}");
        }
        let r = run_guarded(&["list", f], Stdio::null());
        assert_eq!(r.code(), Some(1), "{}", r.stderr);
        assert!(assert_one_error_line(&r, "list").contains("is not a folder"));
    }
    assert!(std::fs::read_dir(&into).unwrap().next().is_none());
}

#[cfg(unix)]
#[test]
fn a_special_file_in_a_folder_is_a_row_of_its_own() {
    let (dir, _specials) = special_files();
    let r = run_guarded(&["list", path_str(dir.path())], Stdio::null());
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(out.contains("A real article"), "{out}");
    assert_eq!(out.matches("not a regular file").count(), 3, "{out}");
    let r = run_guarded(&["list", "--json", path_str(dir.path())], Stdio::null());
    let rows: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    let errors: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["error"].as_str())
        .collect();
    assert_eq!(errors, ["not a regular file"; 3], "{rows}");
}

#[cfg(unix)]
#[test]
fn endless_stdin_is_refused_from_its_first_bytes() {
    for device in ["/dev/zero", "/dev/urandom"] {
        for args in [["cat", "-"], ["toc", "-"], ["import", "-"]] {
            let stdin = std::fs::File::open(device).unwrap();
            let r = run_guarded(&args, Stdio::from(stdin));
            assert_eq!(r.code(), Some(1), "{args:?} < {device}: {}", r.stderr);
            let line = assert_one_error_line(&r, device);
            assert!(line.contains("binary"), "{args:?} < {device}: {line}");
        }
    }
}

#[test]
fn a_long_stdin_stops_at_the_import_limit() {
    // 21 MB of text without a NUL: read to 20 MB and one byte, then refused.
    let big = "<p>word</p>\n".repeat(21 * 1024 * 1024 / 12);
    let dir = tempfile::tempdir().unwrap();
    let r = run_with(
        &["import", "-", "--into", path_str(dir.path())],
        Some(big.as_bytes()),
        &[],
    );
    assert_eq!(r.code(), Some(1), "{}", r.stderr);
    assert!(
        assert_one_error_line(&r, "too big").contains("too big (over 20971520 bytes)"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------
// Stand-ins in every message (issue 20): what comes from outside (a file
// name, a folder, a page title, a name in the config) never reaches the
// terminal with a control or bidi character, nor breaks a one-line error.

/// Whether `text` has a character that must never reach the terminal raw.
fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn a_file_name_with_a_newline_or_a_tab_stays_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("two\nlines\tand\u{1b}[31m.md");
    for args in [vec!["cat", path_str(&odd)], vec!["toc", path_str(&odd)]] {
        let r = run(&args);
        assert_eq!(r.code(), Some(1));
        let line = assert_one_error_line(&r, "odd name");
        assert!(line.contains("two␊lines␉and␛[31m.md"), "{line}");
        assert!(!has_raw_control(&r.stderr), "{:?}", r.stderr);
    }
    // The same name as a folder to list, and as a binary file.
    let r = run(&["list", path_str(&odd)]);
    assert_eq!(r.code(), Some(1));
    assert!(assert_one_error_line(&r, "list").contains("two␊lines"));
    std::fs::write(&odd, b"\0\0binary").unwrap();
    let r = run(&["cat", path_str(&odd)]);
    assert!(assert_one_error_line(&r, "binary").contains("two␊lines␉and"));
}

#[test]
fn import_messages_show_titles_and_folders_with_stand_ins() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("in\u{1b}]0;pwned\u{7}to");
    std::fs::create_dir(&into).unwrap();
    let page = dir.path().join("page.html");
    let words = "A paragraph of the article, long enough to be kept by the extractor. ".repeat(8);
    std::fs::write(
        &page,
        format!(
            "<html><head><title>Invoice \u{202e}fdp.exe</title></head><body><article>\
             <h1>Invoice \u{202e}fdp.exe</h1><p>{words}</p><p>{words}</p></article></body></html>"
        ),
    )
    .unwrap();
    let r = run(&["import", path_str(&page), "--into", path_str(&into)]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    let out = r.out();
    assert!(!has_raw_control(&out), "{out:?}");
    assert!(out.contains("Invoice <U+202E>fdp.exe"), "{out}");
    assert!(out.contains("in␛]0;pwned␇to"), "{out}");
    // A folder that is a file, and one that is missing, named as safely.
    let file_into = dir.path().join("not\u{202e}dir");
    std::fs::write(&file_into, "x").unwrap();
    let r = run(&["import", path_str(&page), "--into", path_str(&file_into)]);
    assert_eq!(r.code(), Some(1));
    let line = assert_one_error_line(&r, "--into a file");
    assert!(line.ends_with("not<U+202E>dir: is not a folder"), "{line}");
    // A folder that cannot be made (under a file), named as safely.
    let under_file = file_into.join("sub\tfolder");
    let r = run(&["import", path_str(&page), "--into", path_str(&under_file)]);
    assert_eq!(r.code(), Some(1));
    let line = assert_one_error_line(&r, "--into under a file");
    assert!(line.contains("cannot create"), "{line}");
    assert!(line.contains("sub␉folder"), "{line}");
}

/// `--into` a folder that does not exist yet makes it, and the article is
/// an ordinary file: 0644 under a 022 umask.
#[cfg(unix)]
#[test]
fn import_into_a_new_folder_with_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let words = "Slow reading rewards patience with understanding. ".repeat(40);
    std::fs::write(
        &page,
        format!(
            "<html><head><title>On Patience</title></head><body><article>\
             <h1>On Patience</h1><p>{words}</p><p>{words}</p></article></body></html>"
        ),
    )
    .unwrap();
    let into = dir.path().join("new/shelf");
    let config = dir.path().join("config");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"umask 022 && exec "$0" import "$1" --into "$2""#)
        .arg(env!("CARGO_BIN_EXE_longform"))
        .arg(&page)
        .arg(&into)
        .env("LONGFORM_CONFIG_DIR", &config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = into.join("on-patience.md");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{:o}", mode);
}

#[test]
fn unknown_names_in_the_config_are_shown_with_stand_ins() {
    let (mut cmd, config) = command(&["config"]);
    std::fs::write(
        config.path().join("config.toml"),
        "\"wid\\u001b[31mth\" = 70\n[keys]\n\"act\\u202eion\" = \"x\"\n",
    )
    .unwrap();
    let output = cmd.output().expect("run longform config");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!has_raw_control(&stderr), "{stderr:?}");
    assert!(stderr.contains("act<U+202E>ion"), "{stderr}");
    assert!(stderr.contains("wid␛[31mth"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_refused_by_list() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("a.md"), "# A\n\nText.\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = std::fs::read_dir(&locked).is_err();
    let r = run(&["list", path_str(&locked)]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if enforced {
        assert_eq!(r.code(), Some(1), "{}", r.out());
        let line = assert_one_error_line(&r, "unreadable folder");
        assert!(line.contains("cannot read the folder"), "{line}");
        assert!(line.ends_with("locked: permission denied"), "{line}");
    } else {
        // Running as root, the folder can be read after all, and is listed;
        // the message itself is checked by a unit test of the binary.
        assert_eq!(r.code(), Some(0), "{}", r.stderr);
        assert!(r.out().contains("a.md"), "{}", r.out());
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_the_config_or_the_library_cache_never_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.md");
    std::fs::write(&article, "# A\n\nText.\n").unwrap();
    let (mut cmd, config) = command(&["config"]);
    mkfifo(&config.path().join("config.toml"));
    mkfifo(&config.path().join("library-cache.json"));
    let out = guarded(cmd.stdin(Stdio::null()), &["config"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read it (not a regular file: a named pipe)"),
        "{stderr}"
    );
    // The other commands go on with the defaults.
    for args in [
        vec!["cat", path_str(&article)],
        vec!["list", path_str(dir.path())],
    ] {
        let (mut cmd, _unused) = command(&args);
        cmd.env("LONGFORM_CONFIG_DIR", config.path());
        let out = guarded(cmd.stdin(Stdio::null()), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains('A'));
    }
}

#[test]
fn a_command_line_that_cannot_be_read_is_one_line() {
    let a = fixture("elements.md");
    for (args, says) in [
        (vec!["cat", &a[..], "--width", "abc"], "invalid value 'abc'"),
        (vec!["cat", &a[..], "--width", "0"], "invalid value '0'"),
        (vec!["--bogus"], "unexpected argument '--bogus'"),
        // clap's tip is kept.
        (
            vec!["cat", &a[..], "--widht", "40"],
            "a similar argument exists: '--width'",
        ),
        // A misspelt option before the file is that, not a second file.
        (
            vec!["--secton", "x", &a[..]],
            "a similar argument exists: '--section'",
        ),
        // A negative width is a width out of range, not an option.
        (vec!["cat", &a[..], "--width", "-3"], "invalid value '-3'"),
        (vec!["toc"], "<FILE> · Usage: longform toc <FILE>"),
        (vec![&a[..], &a[..]], "opens one article at a time"),
    ] {
        let r = run(&args);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        let line = assert_one_error_line(&r, &format!("{args:?}"));
        assert!(line.contains(says), "{args:?}: {line}");
    }
}

#[test]
fn two_files_are_said_to_be_one_too_many() {
    let a = fixture("elements.md");
    for args in [vec![&a[..], &a[..]], vec![&a[..], "--from-start", &a[..]]] {
        let r = run(&args);
        assert_eq!(r.code(), Some(2), "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("opens one article at a time"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // Help asked for is help, whatever else the line holds.
    let r = run(&[&a[..], &a[..], "--help"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr);
    assert!(String::from_utf8_lossy(&r.stdout).contains("Usage"));
}
