//! What the fuzz targets check, one function per target.
//!
//! The targets in `fuzz_targets/` only hand libFuzzer's bytes to these
//! functions. `tests/fuzz_regressions.rs` in the main crate includes this
//! file and replays the saved crash inputs through the very same checks, so
//! CI runs a bounded pass without libFuzzer or a nightly toolchain.

use longform::document::Document;
use longform::layout::layout_all;
use longform::load::decode;
use longform::parse::parse;
use longform::parse::text::parse_text;
use longform::position::{Anchor, Position};
use longform::store::{Load, ReadingState, Store, merge};
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Bytes at the start of a `render` input that choose the layout width, the
/// terminal size and the reading position; the rest is the article.
pub const RENDER_HEADER: usize = 5;

/// A character that must never reach the terminal from a file: C0 and C1
/// controls (tab and newline too: layout turns them into spaces and lines),
/// DEL, bidi embeddings, overrides and isolates, line and paragraph
/// separators.
pub fn forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Bytes → decode → parse → layout at a width from the first byte (1..300)
/// → one frame of the reader at a size and position from the next bytes.
/// Panics when a property does not hold: no line wider than the width,
/// every line's range inside the source and in order, no control character
/// from the file in a line or on the screen.
pub fn render(data: &[u8]) {
    let Some((head, body)) = data.split_first_chunk::<RENDER_HEADER>() else {
        return;
    };
    let width = 1 + usize::from(head[0]) % 299;
    // Up to 256×64: from the smallest terminals to wide ones, without
    // spending every run on allocating a huge buffer.
    let (cols, rows) = (1 + u16::from(head[1]), 1 + u16::from(head[2]) % 64);
    let Ok(source) = decode(body.to_vec(), "fuzz.md".into(), None) else {
        return; // Refused as binary, with a message: fine.
    };
    let text = &source.text;

    // The reader parses the text; the layout is checked on its document.
    let mut app = App::new(&source, Theme::Dark);
    check_layout(&app.doc, text, width);

    // A place in the article, on a char boundary as every position is.
    let fraction = u16::from_le_bytes([head[3], head[4]]);
    let mut at = text.len() * usize::from(fraction) / usize::from(u16::MAX);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    app.start_at(Position(at));
    let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
    terminal.draw(|f| draw(f, &mut app)).expect("draw");
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        let symbol = cell.symbol();
        assert!(
            !symbol.chars().any(forbidden),
            "{symbol:?} reached the screen"
        );
    }
}

/// Bytes → decode → `longform cat` of the Markdown in pieces of 1 to 64
/// bytes (the first byte), which must write exactly what the whole
/// document gives, and the same pieces joined, which must be the whole
/// document; and the window the reader opens around a place (the
/// next two bytes), whose offsets must stay in the text, on char
/// boundaries and in order.
pub fn pieces(data: &[u8]) {
    use longform::cli::{CatStyle, cat_linked, cat_source};
    use longform::layout::LayoutOptions;
    let Some((head, body)) = data.split_first_chunk::<3>() else {
        return;
    };
    let piece = 1 + usize::from(head[0]) % 64;
    let Ok(source) = decode(body.to_vec(), "fuzz.md".into(), None) else {
        return;
    };
    let text = &source.text;
    let style = CatStyle {
        width: 40,
        options: LayoutOptions::default(),
        theme: Some(Theme::Dark),
        osc8: true,
    };
    let doc = parse(text);
    let mut whole = Vec::new();
    cat_linked(&doc, 40, style.options, style.theme, true, &mut whole).expect("cat");
    let mut cut = Vec::new();
    let shared: std::sync::Arc<str> = text.as_str().into();
    cat_source(&shared, None, piece, style, &mut cut).expect("cat in pieces");
    assert!(
        whole == cut,
        "pieces of {piece} differ:\n{}\n---\n{}",
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&cut)
    );
    // The reader joins the same pieces into the document one parse gives.
    let stop = std::sync::atomic::AtomicBool::new(false);
    for workers in [1, 2] {
        let joined = longform::parse::join::parse_in_pieces(&shared, piece, workers, &stop)
            .expect("not stopped");
        assert!(
            joined == doc,
            "joined from pieces of {piece} on {workers} threads differs"
        );
    }

    let fraction = u16::from_le_bytes([head[1], head[2]]);
    let mut at = text.len() * usize::from(fraction) / usize::from(u16::MAX);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let window = longform::parse::window::parse_window(&shared, at, doc.fingerprint);
    let range = window.window.clone().expect("a window");
    assert!(
        range.start <= at && at <= range.end,
        "{at} outside {range:?}"
    );
    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    check_layout(&window, text, 40);
}

/// Bytes → decode → plain-text inference → layout at a width from the first
/// byte (1..300), with the same checks as `render`'s layout.
pub fn plaintext(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let width = 1 + usize::from(first) % 299;
    let Ok(source) = decode(body.to_vec(), "fuzz.txt".into(), None) else {
        return;
    };
    let doc = parse_text(&source.text);
    check_layout(&doc, &source.text, width);
}

/// Every line of `doc` laid out at `width`: within the width, its source
/// range inside `text`, on char boundaries and in order, and clean.
pub fn check_layout(doc: &Document, text: &str, width: usize) {
    let mut prev = 0;
    for line in layout_all(doc, width) {
        let shown = line.text();
        assert!(line.width() <= width, "{shown:?} is wider than {width}");
        assert!(
            line.start <= line.end && line.end <= text.len(),
            "range {}..{} outside 0..{}",
            line.start,
            line.end,
            text.len()
        );
        assert!(
            text.is_char_boundary(line.start),
            "line start {} is inside a char",
            line.start
        );
        assert!(
            line.start >= prev,
            "line starts go back: {prev} then {}",
            line.start
        );
        prev = line.start;
        assert!(!shown.chars().any(forbidden), "a control in {shown:?}");
    }
}

/// The article that fuzzed records' anchors are restored in: small, with
/// sections, so that every step of anchor relocation can be reached.
pub const STORE_ARTICLE: &str = "# One\n\nAlpha beta gamma delta.\n\n## Two\n\n\
    Épsilon zeta — eta theta 漢字.\n\n- iota\n- kappa\n\n# Three\n\nLambda mu.\n";

/// Bytes → the reading-state record parser and the store's load path.
/// Never panics; a record it accepts can be merged, saved as JSON and read
/// back unchanged, and its anchors restore to a char boundary of the
/// article.
pub fn store(data: &[u8]) {
    // The serde types alone.
    if let Ok(state) = serde_json::from_slice::<ReadingState>(data) {
        check_state(&state);
    }
    // The store's load path, from a file: a bad record is moved aside.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path());
    std::fs::create_dir_all(store.dir()).expect("reading dir");
    std::fs::write(store.record_path("fuzz"), data).expect("write record");
    match store.load("fuzz") {
        Ok(Load::Found(state)) => check_state(&state),
        Ok(Load::Corrupt { moved_to, .. }) => {
            assert!(moved_to.exists(), "the corrupt record was not kept");
            assert!(
                !store.record_path("fuzz").exists(),
                "the corrupt record was left in place"
            );
        }
        Ok(Load::Fresh | Load::Newer { .. }) | Err(_) => {}
    }
}

fn check_state(state: &ReadingState) {
    let merged = merge(state, state);
    let json = serde_json::to_vec(&merged).expect("a record serialises");
    let back: ReadingState = serde_json::from_slice(&json).expect("a saved record loads");
    assert_eq!(back, merged, "a record changed on its way through JSON");
    let doc = parse(STORE_ARTICLE);
    let anchors = state
        .position
        .iter()
        .chain(state.bookmarks.iter().map(|b| &b.anchor));
    for anchor in anchors {
        restore_checked(anchor, &doc);
    }
}

fn restore_checked(anchor: &Anchor, doc: &Document) {
    let (pos, _) = anchor.restore(doc, STORE_ARTICLE);
    assert!(
        pos.0 <= STORE_ARTICLE.len() && STORE_ARTICLE.is_char_boundary(pos.0),
        "restored to {} outside the article or inside a char",
        pos.0
    );
}

/// The languages the `highlight` target picks from by its first byte: each
/// tokeniser of our own, and one of syntect's grammars.
pub const HIGHLIGHT_LANGS: [&str; 7] = ["rust", "python", "js", "sh", "json", "toml", "go"];

/// Bytes → a language from the first byte → the rest, as lines, through the
/// highlighter. Panics when a line's runs are not in order, start outside
/// the line or off a char boundary, or repeat a class.
pub fn highlight(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let lang = HIGHLIGHT_LANGS[usize::from(pick) % HIGHLIGHT_LANGS.len()];
    let lines: Vec<&str> = text.split('\n').collect();
    let cows = lines.iter().map(|l| std::borrow::Cow::Borrowed(*l));
    let Some(runs) = longform::highlight::highlight(lang, cows) else {
        return;
    };
    assert!(runs.len() <= lines.len());
    for (line, runs) in lines.iter().zip(&runs) {
        for (i, run) in runs.iter().enumerate() {
            assert!(run.start < line.len(), "{run:?} outside {line:?}");
            assert!(
                line.is_char_boundary(run.start),
                "{run:?} inside a char of {line:?}"
            );
            if i > 0 {
                assert!(runs[i - 1].start < run.start, "out of order in {line:?}");
                assert_ne!(runs[i - 1].token, run.token, "repeated in {line:?}");
            }
        }
    }
}
