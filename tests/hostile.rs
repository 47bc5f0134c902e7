//! Hostile articles (issue 8): inputs built to crash, hang, or smuggle
//! terminal control codes through the reader. Each case is generated here,
//! then parsed, laid out in full, and drawn in a test terminal, and must:
//! - not panic, and not overflow the stack;
//! - not hang (`BUDGET`: a guard against a step gone quadratic, not a
//!   measure of speed, which the benchmarks take);
//! - never let a file's ESC, C0/C1 control or bidi override reach a laid-out
//!   line or a cell of the drawn frame;
//! - keep the text visible: what was written can still be read.

use std::time::{Duration, Instant};

use longform::document::{Document, Target};
use longform::layout::{Layout, Line, layout_all};
use longform::load::{Source, decode};
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The most one case may take, parse, layout and frames together: a hang
/// guard, far above the 2-4 s the largest cases take in a debug build
/// (11 s on a two-core machine busy with a fuzzer and a second build). A
/// quadratic step on these sizes takes many minutes, so this still
/// catches one.
const BUDGET: Duration = Duration::from_secs(60);
const WIDTH: usize = 80;

// The same definition the fuzz targets check against.
#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use checks::forbidden;

fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        let at = text.find(c).unwrap_or(0);
        let context: String = text[at..].chars().take(40).collect();
        panic!("{c:?} reached {what}: {context:?}");
    }
}

/// What a case produced, for the checks of visibility.
struct Outcome {
    app: App,
    lines: Vec<Line>,
    /// Every cell of every frame drawn, row by row.
    frames: String,
}

impl Outcome {
    fn doc(&self) -> &Document {
        &self.app.doc
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for line in &self.lines {
            s.push_str(&line.text());
            s.push('\n');
        }
        s
    }

    fn shows(&self, needle: &str) -> bool {
        self.lines.iter().any(|l| l.text().contains(needle))
    }
}

/// Draw one frame of `app` at `w`×`h` and return its cells as text, checked.
fn frame(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    // Check the cells, not the joined text: a newline is the row separator.
    for row in out.lines() {
        assert_clean("a frame", row);
    }
    out
}

/// Parse, lay out and draw `source`, checking what every case must hold.
fn run(source: Source) -> Outcome {
    run_with(source, true)
}

/// `run`, laying out either every block or (for the 10 MB files, whose full
/// layout alone takes over 10 s in a debug build) the first and last few.
fn run_with(source: Source, every_block: bool) -> Outcome {
    let start = Instant::now();
    let src = source.text.clone();
    // The app parses the file; the layout checks use its document, so the
    // big cases are parsed once.
    let mut app = App::new(&source, Theme::Dark);
    // A long file opens on a window of it first: that frame must hold too.
    let mut frames = frame(&mut app, 80, 24);
    app.wait_whole();
    let doc = &app.doc;
    let lines = if every_block {
        layout_all(doc, WIDTH)
    } else {
        let n = doc.blocks.len();
        let mut layout = Layout::new(doc, WIDTH);
        let ends = (0..n.min(3)).chain(n.saturating_sub(3).max(3)..n);
        ends.flat_map(|b| layout.block(doc, b).to_vec()).collect()
    };
    let mut prev = 0;
    for line in &lines {
        assert!(line.width() <= WIDTH, "too wide: {:?}", line.text());
        assert!(line.start <= line.end && line.end <= src.len(), "range");
        assert!(line.start >= prev, "line starts out of order");
        prev = line.start;
        assert_clean("a laid-out line", &line.text());
    }

    // The reader at a roomy and a cramped size, at the start and the end.
    for (w, h) in [(80, 24), (24, 6)] {
        app.update(Action::Top);
        frames.push_str(&frame(&mut app, w, h));
        app.update(Action::Bottom);
        frames.push_str(&frame(&mut app, w, h));
    }
    let elapsed = start.elapsed();
    assert!(elapsed < BUDGET, "took {elapsed:?}");
    Outcome { app, lines, frames }
}

/// A case given as text, as if read from a file.
fn run_text(text: &str) -> Outcome {
    run(Source {
        name: "hostile.md".into(),
        path: None,
        text: text.to_string(),
        lossy: false,
        stamp: None,
        legacy: None,
    })
}

#[test]
fn deeply_nested_block_quotes() {
    let n = 100_000;
    let src = format!("{} the deepest quote\n", ">".repeat(n));
    let out = run_text(&src);
    assert_eq!(out.doc().containers.len(), n);
    assert!(out.shows("the deepest quote"), "{}", out.text());
    // Only so many bars are drawn; a mark says that there are more.
    let line = out
        .lines
        .iter()
        .find(|l| l.text().contains("deepest"))
        .unwrap();
    assert!(line.text().starts_with('…'), "{:?}", line.text());
    assert!(out.frames.contains("the deepest quote"), "{}", out.frames);
}

#[test]
fn deeply_nested_list_items() {
    let n = 100_000;
    let src = format!("{}the deepest item\n", "- ".repeat(n));
    let out = run_text(&src);
    assert_eq!(out.doc().containers.len(), n);
    assert!(out.shows("the deepest item"), "{}", out.text());
    let line = out
        .lines
        .iter()
        .find(|l| l.text().contains("deepest"))
        .unwrap();
    assert!(line.text().starts_with('…'), "{:?}", line.text());
}

#[test]
fn many_blocks_deep_in_nested_quotes() {
    // Many blocks inside one deep nest: each block walks its parents to draw
    // its bars, so this catches a walk that is not capped.
    let depth = 2_000;
    let mut src = ">".repeat(depth);
    for i in 0..2_000 {
        src.push_str(&format!(
            " paragraph {i}\n{}\n{}",
            ">".repeat(depth),
            ">".repeat(depth)
        ));
    }
    src.push_str(" last paragraph\n");
    let out = run_text(&src);
    assert!(
        out.doc().blocks.len() >= 2_000,
        "{}",
        out.doc().blocks.len()
    );
    assert!(out.shows("paragraph 1999") && out.shows("last paragraph"));
}

#[test]
fn a_hundred_thousand_open_brackets() {
    let src = "[".repeat(100_000);
    let out = run_text(&src);
    let shown: usize = out
        .lines
        .iter()
        .map(|l| l.text().matches('[').count())
        .sum();
    assert_eq!(shown, 100_000);
}

#[test]
fn fifty_thousand_footnotes() {
    let n = 50_000;
    let mut src = String::from("Notes:");
    for i in 1..=n {
        src.push_str(&format!(" w[^{i}]"));
    }
    src.push_str("\n\n");
    for i in 1..=n {
        src.push_str(&format!("[^{i}]: note number {i}\n"));
    }
    let out = run_text(&src);
    assert_eq!(out.doc().footnotes.len(), n);
    assert!(out.shows(&format!("[{n}] note number {n}")), "last note");
    // The last reference leads to its definition.
    let last = out
        .doc()
        .links
        .iter()
        .rposition(|l| l.target(&out.doc().text) == Target::Footnote(n))
        .unwrap();
    assert!(out.doc().link_destination(last).is_some());
}

#[test]
fn a_hundred_thousand_headings() {
    let n = 100_000;
    let mut src = String::new();
    for i in 0..n {
        // Every level, deepening and coming back up, so that sections nest.
        let level = 1 + (i % 6);
        src.push_str(&format!("{} Heading {i}\n", "#".repeat(level)));
    }
    let out = run_text(&src);
    assert_eq!(out.doc().headings.len(), n);
    assert!(out.shows(&format!("Heading {}", n - 1)));
    // The app built the outline when it opened the file.
    let outline = &out.app.outline;
    assert_eq!(outline.sections.len(), n);
    // Each H1 section runs to the next H1; the last to the end.
    assert_eq!(outline.sections[0].end, outline.sections[6].start);
    assert_eq!(outline.sections[n - 1].end, src.len());
}

#[test]
fn a_hundred_thousand_sections_under_one_title() {
    // One H1 and then only H2s: the H1's section end is the end of the file.
    let n = 100_000;
    let mut src = String::from("# Title\n");
    for i in 0..n {
        src.push_str(&format!("## Part {i}\n"));
    }
    let out = run_text(&src);
    // The app built the outline when it opened the file.
    let outline = &out.app.outline;
    assert_eq!(outline.sections[0].end, src.len());
    assert_eq!(outline.sections[1].parent, Some(0));
}

#[test]
fn colliding_heading_slugs() {
    // `a-1` … `a-n` first, then `a` n times: each `a` must find a free slug
    // without trying all the taken ones again.
    let n = 30_000;
    let mut src = String::new();
    for i in 1..=n {
        src.push_str(&format!("# a-{i}\n"));
    }
    for _ in 0..n {
        src.push_str("# a\n");
    }
    let out = run_text(&src);
    let mut slugs: Vec<&str> = out.doc().headings.iter().map(|h| h.slug.as_str()).collect();
    assert_eq!(slugs[n], "a");
    assert_eq!(slugs[n + 1], format!("a-{}", n + 1));
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 2 * n, "slugs are unique");
}

/// All the text of a document, to check that none of it was lost.
fn doc_text(doc: &Document) -> String {
    doc.blocks
        .iter()
        .flat_map(|b| longform::document::block_spans(&b.kind))
        .map(|s| s.text(&doc.text))
        .collect()
}

#[test]
fn ten_megabyte_single_line_of_words() {
    let src = "word ".repeat(2 * 1024 * 1024);
    let out = run_with(Source::from_text(&src), false);
    // Stored in pieces, laid out one at a time; no word is lost or split.
    assert!(out.doc().blocks.len() > 100, "{}", out.doc().blocks.len());
    // The paragraph's last space is not part of its text.
    assert!(doc_text(out.doc()) == src.trim_end(), "text lost");
    assert!(
        out.lines
            .iter()
            .all(|l| l.text().split(' ').all(|w| w == "word"))
    );
    assert!(out.frames.contains("word word"));
}

#[test]
fn ten_megabyte_single_line_without_a_break() {
    let src = "x".repeat(10 * 1024 * 1024);
    let out = run_with(Source::from_text(&src), false);
    assert!(doc_text(out.doc()) == src, "every x is kept, broken hard");
    assert!(out.frames.contains(&"x".repeat(24)));
}

#[test]
fn long_paragraph_pieces_read_as_one() {
    // A paragraph just over one piece: the pieces follow each other with no
    // blank line and every word is laid out once.
    let words: Vec<String> = (0..20_000).map(|i| format!("w{i}")).collect();
    let src = words.join(" ") + "\n\nNext paragraph.\n";
    let out = run_text(&src);
    let laid: Vec<String> = out
        .lines
        .iter()
        .flat_map(|l| {
            l.text()
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(laid[..words.len()], words[..]);
    let blank = out
        .lines
        .iter()
        .position(|l| l.text().trim().is_empty())
        .unwrap();
    assert!(
        out.lines[blank + 1].text().starts_with("Next"),
        "{}",
        out.text()
    );
}

#[test]
fn only_newlines() {
    let out = run_text(&"\n".repeat(1_000_000));
    assert!(out.doc().blocks.is_empty());
}

#[test]
fn empty_file() {
    let out = run(decode(Vec::new(), "empty.md".into(), None).unwrap());
    assert!(out.doc().blocks.is_empty() && out.lines.is_empty());
}

#[test]
fn front_matter_only() {
    let out = run_text("---\ntitle: Only a Title\nauthor: Ann\n---\n");
    assert_eq!(out.doc().meta.title.as_deref(), Some("Only a Title"));
    assert!(out.shows("Only a Title"), "{}", out.text());
    assert!(out.frames.contains("Only a Title"));
    let out = run_text("+++\ntitle = \"Toml Title\"\n+++\n");
    assert!(out.shows("Toml Title"), "{}", out.text());
}

#[test]
fn byte_order_mark() {
    let bytes = b"\xef\xbb\xbf# Marked\n\nBody text.\n".to_vec();
    let out = run(decode(bytes, "bom.md".into(), None).unwrap());
    assert_eq!(out.doc().title(), Some("Marked"));
    assert!(!out.text().contains('\u{feff}'));
    assert!(out.shows("Body text."));
}

#[test]
fn crlf_and_lone_cr_line_ends() {
    let crlf = "# Title\r\n\r\nline one\r\nline two\r\n\r\n```\r\ncode one\r\ncode two\r\n```\r\n";
    let out = run_text(crlf);
    assert_eq!(out.doc().title(), Some("Title"));
    assert!(out.shows("line one line two"), "{}", out.text());
    assert!(
        out.shows("code one") && out.shows("code two"),
        "{}",
        out.text()
    );
    let cr = "# Title\r\rline one\rline two\r\r```\rcode one\rcode two\r```\r";
    let out = run_text(cr);
    assert_eq!(out.doc().title(), Some("Title"));
    assert!(out.shows("line one line two"), "{}", out.text());
    // A lone CR ends a code line as well: no stand-in, two lines.
    assert!(
        out.lines.iter().any(|l| l.text().trim() == "code one"),
        "{}",
        out.text()
    );
}

#[test]
fn tabs_in_text_and_code() {
    let src = "# Tab\there\n\na\tb\tc\n\n```\n\tx\ty\n```\n\n\tindented\tcode\n\n\
               Set\text \\\nbroken\n---\n";
    let out = run_text(src);
    // Titles are one line with measured widths: whitespace is one space.
    let titles: Vec<&str> = out.doc().headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(titles, ["Tab here", "Set ext broken"]);
    assert!(out.shows("a b c"), "{}", out.text());
    assert!(out.shows("    x   y"), "{}", out.text());
    assert!(out.shows("indented    code"), "{}", out.text());
}

#[test]
fn invalid_utf8_in_the_middle() {
    // UTF-8 (the "é" is valid), so the bad bytes are damage, not Latin-1.
    let mut bytes = "# Broken café\n\nbefore ".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]);
    bytes.extend_from_slice(b" after\n");
    let source = decode(bytes, "broken.md".into(), None).unwrap();
    assert!(source.lossy && source.warning().is_some());
    let out = run(source);
    assert!(out.shows("before") && out.shows("after"), "{}", out.text());
    assert!(out.shows("\u{fffd}"));
}

/// Every C0 and C1 control, and DEL, in every place text can come from.
#[test]
fn every_c0_and_c1_control() {
    let controls: String = ('\u{0}'..='\u{1f}').chain('\u{7f}'..='\u{9f}').collect();
    let src = format!(
        "---\ntitle: T{c}itle\nauthor: A{c}\n---\n\n# Head{c}ing\n\nPara{c}graph with `co{c}de` and \
         [li{c}nk](http://x/{c}) and ![al{c}t](i.png).\n\n```{c}lang\nin{c}code\n```\n\n\
         | h{c} | b |\n|---|---|\n| c{c} | d |\n\n<div>{c}</div>\n\n> quo{c}te\n\n- it{c}em\n\n\
         Note[^n{c}].\n\n[^n{c}]: foot{c}note\n",
        c = controls
    );
    let out = run_text(&src);
    for word in ["Para", "graph", "Head", "quo", "foot"] {
        assert!(out.shows(word), "{word}: {}", out.text());
    }
    // Visible stand-ins take their place.
    assert!(out.shows("␛") && out.shows("<U+009B>"), "{}", out.text());
    // A NUL early in a file makes it binary, refused with a message.
    assert!(decode(b"a\0b".to_vec(), "nul.md".into(), None).is_err());
    // Past the sniffed start, a NUL is text: pulldown-cmark replaces it.
    let mut late = "x".repeat(10_000).into_bytes();
    late.extend_from_slice(b"\0 after");
    let out = run(decode(late, "late.md".into(), None).unwrap());
    assert!(out.shows("after"));
}

#[test]
fn escape_sequences_raw_and_as_entities() {
    let payloads = [
        "\u{1b}[2J\u{1b}[H",
        "\u{1b}]0;pwned\u{7}",
        "\u{1b}]8;;http://evil\u{1b}\\",
        "\u{9b}31m",
        "&#27;[2J",
        "&#x1b;[H",
        "&#X1B;]0;t&#7;",
        "&#155;31m",
        "&#x9b;1m",
    ];
    for p in payloads {
        let src = format!(
            "---\ntitle: \"x{p}\"\n---\n\n# H {p}\n\nText {p} and `{p}` and [t {p}](http://a/{p} \"{p}\") \
             and [in](#{p}).\n\n```{p}\n{p}\n```\n\n| {p} |\n|---|\n| {p} |\n"
        );
        let mut out = run_text(&src);
        assert!(out.shows("Text"), "{}", out.text());
        // Select each link and follow it: its target is shown in the
        // status bar, and must be as clean as the text.
        let mut app = App::new(&Source::from_text(&src), Theme::Dark);
        frame(&mut app, 80, 24);
        for _ in 0..3 {
            app.update(Action::NextLink);
            out.frames.push_str(&frame(&mut app, 80, 24));
            app.update(Action::FollowLink);
            out.frames.push_str(&frame(&mut app, 80, 24));
        }
    }
}

#[test]
fn bidi_overrides_and_isolates() {
    let src = "# \u{202e}gnp.exe\n\nfile\u{202e}txt.exe \u{202d}ltr\u{202c} \u{202a}e\u{202b}f \
               \u{2066}iso\u{2069} \u{2067}r\u{2068}f\u{2069}\n\n`\u{202e}code`\n";
    let out = run_text(src);
    assert!(out.shows("gnp.exe") && out.shows("txt.exe") && out.shows("iso"));
    assert!(out.shows("<U+202E>"), "{}", out.text());
}

#[test]
fn zero_width_joiners() {
    let src = format!(
        "👩‍🔬 and 👨‍👩‍👧‍👦 family; a\u{200d}b; {}; start{}end\n",
        "\u{200d}".repeat(10),
        "\u{200d}".repeat(100_000)
    );
    let out = run_text(&src);
    assert!(out.shows("👩‍🔬") && out.shows("👨‍👩‍👧‍👦"));
    // A paragraph is stored in pieces of 16 KB, and a piece never splits a
    // cluster, so the 300 KB one is a piece of its own: "star", then that
    // cluster, then "end" on lines of their own. All of it is still shown.
    let squeezed: String = out
        .text()
        .chars()
        .filter(|&c| c != '\u{200d}' && !c.is_whitespace())
        .collect();
    assert!(squeezed.contains("startend"), "{}", out.text());
    // At a narrow width a cluster is never split.
    let lines = layout_all(out.doc(), 3);
    assert!(lines.iter().all(|l| l.width() <= 3));
}

#[test]
fn ten_thousand_column_table() {
    let n = 10_000;
    let head: String = (0..n).map(|i| format!("| h{i} ")).collect::<String>() + "|\n";
    let rule = "|---".repeat(n) + "|\n";
    let row: String = (0..n).map(|i| format!("| c{i} ")).collect::<String>() + "|\n";
    let out = run_text(&format!("{head}{rule}{row}"));
    assert!(
        out.shows("h0") && out.shows(&format!("c{}", n - 1)),
        "{}",
        out.lines.len()
    );
    // Narrow enough for a box: still no line wider than the width.
    let mut layout = Layout::new(out.doc(), 1000);
    assert!(layout.block(out.doc(), 0).iter().all(|l| l.width() <= 1000));
}

#[test]
fn link_text_that_looks_like_another_url() {
    let src = "Pay at [https://bank.example/login](https://evil.example/steal).\n";
    let out = run_text(src);
    assert!(out.shows("https://bank.example/login"));
    let doc = out.doc();
    assert_eq!(
        doc.links[0].target(&doc.text),
        Target::External("https://evil.example/steal")
    );
    // Selecting the link shows where it really goes.
    let mut app = App::new(&Source::from_text(src), Theme::Dark);
    frame(&mut app, 80, 24);
    app.update(Action::NextLink);
    let shown = frame(&mut app, 80, 24);
    assert!(shown.contains("https://evil.example/steal"), "{shown}");
}

/// A source that is plain text given in the test.
trait FromText {
    fn from_text(text: &str) -> Source;
}

impl FromText for Source {
    fn from_text(text: &str) -> Source {
        Source {
            name: "hostile.md".into(),
            path: None,
            text: text.to_string(),
            lossy: false,
            stamp: None,
            legacy: None,
        }
    }
}

/// Hostile terminal sizes: none may panic, and none may move the reader.
#[test]
fn tiny_and_huge_terminals_keep_the_position() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/articles/the-slow-web.md");
    let bytes = std::fs::read(path).unwrap();
    let source = decode(bytes, "the-slow-web.md".into(), None).unwrap();
    let mut app = App::new(&source, Theme::Dark);
    frame(&mut app, 80, 24);
    for _ in 0..3 {
        app.update(Action::PageDown);
    }
    app.update(Action::LineDown);
    let top = app.top();
    assert!(top.0 > 0, "the reader moved into the article");
    let before = frame(&mut app, 80, 24);
    for (w, h) in [(1, 1), (2, 1), (1, 50), (400, 150), (1, 1)] {
        frame(&mut app, w, h);
        assert_eq!(app.top(), top, "the top moved at {w}×{h}");
    }
    assert_eq!(frame(&mut app, 80, 24), before, "the same screen again");
}
