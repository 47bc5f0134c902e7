//! The real-world corpus in tests/corpus/ and the plain-text articles in
//! tests/plaintext/ (see SOURCES.md in each): every file is decoded, parsed
//! as its ending says, laid out at several widths and drawn in a test
//! terminal, without a panic, with no line wider than the width, and with
//! every line's source range in order and inside the source.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use longform::layout::{Layout, layout_all};
use longform::library::parse_article;
use longform::load::{Source, decode};
use longform::position::Position;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

const WIDTHS: [usize; 4] = [20, 47, 80, 133];
const SCREENS: [(u16, u16); 4] = [(20, 8), (47, 16), (80, 24), (133, 40)];

/// The corpus files, sorted, without SOURCES.md, then the plain-text
/// articles.
fn corpus() -> Vec<PathBuf> {
    let mut files = markdown_corpus();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/plaintext");
    let mut texts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/plaintext")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    assert!(texts.len() >= 10, "expected the 10 plain-text articles");
    files.extend(texts);
    files
}

/// The Markdown corpus files, sorted, without SOURCES.md.
fn markdown_corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/corpus")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "SOURCES.md")
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "expected the 15 corpus files, found {}",
        files.len()
    );
    files
}

fn name(p: &std::path::Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn load(p: &std::path::Path) -> Source {
    let bytes = std::fs::read(p).expect("read corpus file");
    let source = decode(bytes, name(p), Some(p.to_path_buf())).expect("decode corpus file");
    assert!(!source.lossy, "{}: corpus files are valid UTF-8", name(p));
    source
}

/// Characters that must never be drawn from a file.
fn dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Run `check` on every corpus file, catching panics, and fail once with
/// every problem found, so that one bad file does not hide another.
fn for_each_file(check: impl Fn(&std::path::Path, &Source) -> Vec<String>) {
    let mut problems = Vec::new();
    for path in corpus() {
        let source = load(&path);
        match catch_unwind(AssertUnwindSafe(|| check(&path, &source))) {
            Ok(found) => {
                problems.extend(found.into_iter().map(|p| format!("{}: {p}", name(&path))))
            }
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                problems.push(format!("{}: PANIC: {msg}", name(&path)));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn corpus_lays_out_within_width_and_in_source_order() {
    for_each_file(|path, source| {
        let mut problems = Vec::new();
        let doc = parse_article(Some(path), &source.text);
        let len = source.text.len();
        if doc.source_len != len {
            problems.push(format!("source_len {} != {len}", doc.source_len));
        }
        if doc.blocks.is_empty() {
            problems.push("no blocks".into());
        }
        for w in WIDTHS {
            let lines = layout_all(&doc, w);
            if lines.len() < 10 {
                problems.push(format!("width {w}: only {} lines", lines.len()));
            }
            let mut prev_start = 0;
            for (i, line) in lines.iter().enumerate() {
                let text = line.text();
                let at = format!("width {w}, line {i} {text:?}");
                if line.width() > w {
                    problems.push(format!("{at}: width {} > {w}", line.width()));
                }
                if text.width() > w {
                    problems.push(format!("{at}: text is {} columns", text.width()));
                }
                if line.start > line.end {
                    problems.push(format!("{at}: start {} > end {}", line.start, line.end));
                }
                if line.start < prev_start {
                    problems.push(format!(
                        "{at}: start {} before previous start {prev_start}",
                        line.start
                    ));
                }
                if line.end > len || line.start > len {
                    problems.push(format!(
                        "{at}: range {}..{} outside the source ({len} bytes)",
                        line.start, line.end
                    ));
                }
                if let Some(c) = text.chars().find(|&c| dangerous(c)) {
                    problems.push(format!("{at}: control character {c:?}"));
                }
                if text.contains('␍') {
                    problems.push(format!("{at}: a CR from a CRLF line end is shown"));
                }
                prev_start = line.start;
            }
        }
        problems
    });
}

#[test]
fn corpus_fits_tiny_widths() {
    // The layout promises that no line is ever wider than the measure, even
    // when the measure is absurdly small (`longform cat --width 1`).
    for_each_file(|path, source| {
        let doc = parse_article(Some(path), &source.text);
        let mut problems = Vec::new();
        for w in [1, 2, 3, 5, 8, 13] {
            for (i, line) in layout_all(&doc, w).iter().enumerate() {
                if line.width() > w {
                    problems.push(format!(
                        "width {w}, line {i}: {} columns: {:?}",
                        line.width(),
                        line.text()
                    ));
                }
            }
        }
        problems.truncate(3);
        problems
    });
}

#[test]
fn corpus_positions_find_their_lines_back() {
    // The reader names places by source position: each line's start must
    // lead back to a line with the same start.
    for_each_file(|path, source| {
        let mut problems = Vec::new();
        let doc = parse_article(Some(path), &source.text);
        for w in [20, 80] {
            let mut layout = Layout::new(&doc, w);
            let Some(mut r) = layout.first() else {
                problems.push("empty layout".into());
                continue;
            };
            loop {
                let pos = layout.pos_at_line(&doc, r);
                match layout.line_at(&doc, pos) {
                    Some(back) => {
                        let got = layout.line(&doc, back).start;
                        if got != pos.0 || back > r {
                            problems.push(format!(
                                "width {w}: line {r:?} at {} found {back:?} at {got}",
                                pos.0
                            ));
                        }
                    }
                    None => problems.push(format!("width {w}: nothing at {}", pos.0)),
                }
                match layout.next(&doc, r) {
                    Some(n) => r = n,
                    None => break,
                }
            }
        }
        problems.truncate(5);
        problems
    });
}

/// Draw one frame and check it: no control character in any cell, no line
/// of the screen wider than the terminal, no more lines than rows. Returns
/// the text drawn.
fn draw_and_check(
    terminal: &mut Terminal<TestBackend>,
    app: &mut App,
    step: &str,
    problems: &mut Vec<String>,
) -> String {
    let size = terminal.backend().buffer().area;
    let (w, h) = (size.width, size.height);
    terminal
        .draw(|f| longform::tui::view::draw(f, app))
        .expect("draw");
    let drawn: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    if let Some(c) = drawn.chars().find(|&c| dangerous(c)) {
        problems.push(format!("{w}x{h} {step}: control character {c:?} drawn"));
    }
    let screen = app.reader.screen(&app.doc, &mut app.layout);
    if let Some(l) = screen.lines.iter().find(|l| l.width() > usize::from(w)) {
        problems.push(format!(
            "{w}x{h} {step}: line wider than the screen: {:?}",
            l.text()
        ));
    }
    if screen.lines.len() > usize::from(h) {
        problems.push(format!(
            "{w}x{h} {step}: {} lines for {h} rows",
            screen.lines.len()
        ));
    }
    drawn
}

#[test]
fn corpus_draws_in_a_test_terminal() {
    for_each_file(|_, source| {
        let mut problems = Vec::new();
        for (w, h) in SCREENS {
            let mut app = App::new(source, Theme::Dark);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
            let p = &mut problems;
            let drawn = draw_and_check(&mut terminal, &mut app, "first frame", p);
            if drawn.trim().is_empty() {
                p.push(format!("{w}x{h}: the first frame is blank"));
            }
            let mut last = app.top();
            for n in 1..=6 {
                app.update(Action::PageDown);
                draw_and_check(&mut terminal, &mut app, &format!("page {n}"), p);
                let top = app.top();
                if top < last {
                    p.push(format!(
                        "{w}x{h}: page down {n} moved back from {} to {}",
                        last.0, top.0
                    ));
                }
                last = top;
            }
            if app.top() == Position::START {
                p.push(format!("{w}x{h}: six pages down did not move"));
            }
            for (step, action) in [
                ("half page down", Action::HalfPageDown),
                ("line down", Action::LineDown),
                ("bottom", Action::Bottom),
                ("page up", Action::PageUp),
                ("help", Action::ToggleHelp),
                ("close help", Action::CloseOverlay),
                ("top", Action::Top),
            ] {
                app.update(action);
                draw_and_check(&mut terminal, &mut app, step, p);
            }
            app.update(Action::Bottom);
            draw_and_check(&mut terminal, &mut app, "bottom again", p);
            if !app.reader.screen(&app.doc, &mut app.layout).at_end {
                p.push(format!("{w}x{h}: bottom does not show the end"));
            }
        }
        problems
    });
}

#[test]
fn corpus_crlf_file_is_read() {
    // One corpus file has CRLF line ends; they must be invisible.
    let crlf: Vec<PathBuf> = corpus()
        .into_iter()
        .filter(|p| std::fs::read(p).unwrap().windows(2).any(|w| w == b"\r\n"))
        .collect();
    assert!(!crlf.is_empty(), "the corpus should hold a CRLF file");
    for p in crlf {
        let source = load(&p);
        let doc = parse_article(Some(&p), &source.text);
        let text: String = layout_all(&doc, 80)
            .iter()
            .map(|l| l.text() + "\n")
            .collect();
        assert!(!text.contains('\r'), "{}: CR in output", name(&p));
        assert!(!text.contains('␍'), "{}: CR stand-in in output", name(&p));
        assert!(doc.blocks.len() > 10, "{}: too few blocks", name(&p));
    }
}
