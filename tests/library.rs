//! The library screen on a TestBackend: rows with progress, sorting,
//! filtering, marking finished, and dimmed rows for unreadable files.

use std::path::{Path, PathBuf};

use longform::library::Sort;
use longform::position::Anchor;
use longform::store::{ReadingState, Store, now, record_id};
use longform::tui::action::Action;
use longform::tui::library::{Library, Open};
use longform::tui::theme::Theme;
use longform::tui::view::draw_library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Shelf {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

fn shelf() -> Shelf {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("articles");
    std::fs::create_dir_all(root.join("essays")).unwrap();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/articles");
    std::fs::copy(
        format!("{src}/the-slow-web.md"),
        root.join("essays/the-slow-web.md"),
    )
    .unwrap();
    std::fs::copy(
        format!("{src}/field-notes-on-tea.md"),
        root.join("field-notes-on-tea.md"),
    )
    .unwrap();
    std::fs::copy(
        format!("{src}/reading-with-longform.md"),
        root.join("guide.md"),
    )
    .unwrap();
    std::fs::write(root.join("broken.md"), b"\0\0binary").unwrap();
    let config = dir.path().join("config");
    Shelf {
        _dir: dir,
        root,
        config,
    }
}

/// A reading record for `path`: `percent` read, opened `days` ago.
fn record(store: &Store, path: &Path, percent: u8, days: u64, finished: bool, marks: usize) {
    let canonical = std::fs::canonicalize(path).unwrap();
    let text = std::fs::read_to_string(&canonical).unwrap();
    let doc = longform::parse::parse(&text);
    let mut state = ReadingState::new(
        canonical.clone(),
        "t".into(),
        doc.fingerprint,
        now() - days * 86_400,
    );
    let pos = longform::position::Position(doc.source_len * usize::from(percent) / 100);
    state.set_position(Anchor::at(&doc, pos), now() - days * 86_400);
    state.percent = percent;
    // The first half of what lies before the place was read.
    state.coverage = longform::coverage::Coverage::of(0..pos.0 / 2);
    state.read = state.coverage.percent(&doc);
    state.finished = finished;
    for i in 0..marks {
        state.add_bookmark(Anchor::at(&doc, pos), format!("mark {i}"), None, 1);
    }
    store.save(&record_id(&canonical), &state).unwrap();
}

fn scanned(s: &Shelf) -> Library {
    let mut lib = Library::new(
        vec![s.root.clone()],
        Some(Store::new(&s.config)),
        Some(s.config.clone()),
    );
    while lib.scanning {
        lib.poll();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    lib
}

fn screen(lib: &mut Library, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw_library(f, lib, Theme::Dark, 238)).unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
    format!("{}", t.backend())
}

#[test]
fn rows_show_progress_and_sort_by_recent() {
    let s = shelf();
    let store = Store::new(&s.config);
    record(
        &store,
        &s.root.join("essays/the-slow-web.md"),
        45,
        2,
        false,
        2,
    );
    record(&store, &s.root.join("guide.md"), 100, 5, true, 0);
    let mut lib = scanned(&s);
    let t = screen(&mut lib, 130, 12);
    let shown = text(&t);
    let rows: Vec<&str> = shown.lines().collect();
    assert!(
        rows[2].contains("The Slow Web") && rows[2].contains("45%"),
        "{shown}"
    );
    assert!(
        rows[2].contains("2 ◆") && rows[2].contains("2 days ago"),
        "{shown}"
    );
    assert!(
        rows[3].contains("Reading with longform") && rows[3].contains('✓'),
        "{shown}"
    );
    assert!(
        shown.contains("binary"),
        "the broken file is a row with its error"
    );
    insta::assert_snapshot!("library_130x12", t.backend());
}

#[test]
fn sort_filter_finish_and_continue() {
    let s = shelf();
    let store = Store::new(&s.config);
    record(
        &store,
        &s.root.join("essays/the-slow-web.md"),
        45,
        2,
        false,
        0,
    );
    record(
        &store,
        &s.root.join("field-notes-on-tea.md"),
        20,
        1,
        false,
        0,
    );
    let mut lib = scanned(&s);
    // c continues the most recent unfinished one.
    assert_eq!(
        lib.update(Action::LibraryContinue),
        Some(Open::Article(s.root.join("field-notes-on-tea.md")))
    );
    lib.update(Action::LibrarySort);
    assert_eq!(lib.sort, Sort::Title);
    let titles: Vec<String> = lib
        .visible()
        .iter()
        .map(|r| r.summary.title.clone())
        .collect();
    assert_eq!(
        titles,
        [
            "broken",
            "Field Notes on Tea",
            "Reading with longform",
            "The Slow Web"
        ]
    );
    lib.update(Action::FilterStart);
    for c in "slow".chars() {
        lib.update(Action::FilterInput(c));
    }
    assert_eq!(lib.visible().len(), 1);
    assert!(text(&screen(&mut lib, 100, 10)).contains("/slow"));
    lib.update(Action::FilterDone);
    // x marks it finished, and again unfinished.
    lib.update(Action::LibraryToggleFinished);
    assert!(lib.selected().unwrap().finished);
    lib.update(Action::LibraryToggleFinished);
    assert!(!lib.selected().unwrap().finished);
    // An unreadable row does not open.
    lib.update(Action::CloseOverlay);
    lib.update(Action::LibraryFirst);
    assert_eq!(lib.update(Action::LibraryOpen), None);
    assert!(
        lib.message
            .as_deref()
            .is_some_and(|m| m.contains("Cannot open"))
    );
}

#[test]
fn help_lists_the_library_keys() {
    let s = shelf();
    let mut lib = scanned(&s);
    lib.update(Action::ToggleHelp);
    let shown = text(&screen(&mut lib, 100, 24));
    for key in [
        "continue",
        "sort",
        "filter",
        "finished",
        "back to the library",
    ] {
        assert!(shown.contains(key), "{key}: {shown}");
    }
}

#[test]
fn an_empty_folder_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::new(vec![dir.path().to_path_buf()], None, None);
    while lib.scanning {
        lib.poll();
    }
    assert!(text(&screen(&mut lib, 100, 10)).contains("No articles here"));
}

/// A click selects the article on that row; a click on the selected one
/// opens it.
#[test]
fn a_click_selects_a_row_and_a_second_click_opens_it() {
    let s = shelf();
    let mut lib = scanned(&s);
    let shown = text(&screen(&mut lib, 120, 12));
    let row = shown
        .lines()
        .position(|l| l.contains("Field Notes on Tea") || l.contains("field-notes-on-tea"))
        .unwrap_or_else(|| panic!("{shown}"));
    let row = u16::try_from(row).unwrap();
    let before = lib.cursor;
    assert_eq!(lib.click(row), None);
    assert_ne!(lib.cursor, before, "the click moved the selection");
    let Some(Open::Article(path)) = lib.click(row) else {
        panic!("a second click opens the article");
    };
    assert!(path.ends_with("field-notes-on-tea.md"), "{path:?}");
    // A click on the heading or an empty row does nothing.
    assert_eq!(lib.click(0), None);
    assert_eq!(lib.click(11), None);
}
