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
use unicode_segmentation::UnicodeSegmentation;

struct Shelf {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: PathBuf,
}

/// An article of about `words` words, made here so that the screens drawn
/// from it never change when the bundled articles are edited.
fn article(title: &str, author: Option<&str>, words: usize) -> String {
    let mut text = format!("---\ntitle: {title}\n");
    if let Some(author) = author {
        text.push_str(&format!("author: {author}\n"));
    }
    text.push_str("---\n");
    let sentence = [
        "The", "quiet", "page", "holds", "its", "reader", "for", "a", "while.",
    ];
    for n in 0..words {
        if n % 300 == 0 {
            text.push_str(&format!("\n## Part {}\n\n", n / 300 + 1));
        } else if n % 60 == 0 {
            text.push_str("\n\n");
        } else {
            text.push(' ');
        }
        text.push_str(sentence[n % sentence.len()]);
    }
    text.push('\n');
    text
}

fn shelf() -> Shelf {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("articles");
    std::fs::create_dir_all(root.join("essays")).unwrap();
    let authors = Some("The longform authors");
    let files = [
        (
            "essays/the-slow-web.md",
            article("The Slow Web", authors, 2400),
        ),
        (
            "field-notes-on-tea.md",
            article("Field Notes on Tea", None, 2600),
        ),
        // Over 16 KiB: the scan reads its head and estimates its words.
        ("guide.md", article("Reading with longform", authors, 3500)),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
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
    // Nothing chosen yet: the top row is the one selected, however the
    // scan's rows came in and were sorted.
    assert!(
        lib.selected()
            .is_some_and(|r| r.summary.title == "The Slow Web"),
        "{:?}",
        lib.selected().map(|r| &r.summary.title)
    );
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
    assert_eq!(lib.visible().len(), 1, "a filter that matches is kept");
    // A filter that matches nothing: one Esc shows them all, as it says.
    lib.update(Action::FilterStart);
    for c in "zzzz".chars() {
        lib.update(Action::FilterInput(c));
    }
    assert!(lib.visible().is_empty());
    assert!(text(&screen(&mut lib, 100, 10)).contains("Esc shows them all"));
    lib.update(Action::FilterDone);
    assert_eq!(lib.visible().len(), 4);
    assert!(!text(&screen(&mut lib, 100, 10)).contains("zzzz"));
    lib.update(Action::FilterStart);
    lib.update(Action::FilterInput('s'));
    assert!(
        text(&screen(&mut lib, 100, 10)).contains("/s "),
        "a new filter starts empty"
    );
    for c in "low".chars() {
        lib.update(Action::FilterInput(c));
    }
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
        "move it to the trash",
        "put back",
        "its bookmarks",
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
    // On a narrow screen the message wraps: its end, the way out, shows.
    let narrow = text(&screen(&mut lib, 40, 10));
    assert!(narrow.contains("No articles here"), "{narrow}");
    assert!(narrow.contains("longform FILE"), "{narrow}");
    // A folder that is not there says so.
    let gone = dir.path().join("unmounted");
    let mut lib = Library::new(vec![gone], None, None);
    while lib.scanning {
        lib.poll();
    }
    let shown = text(&screen(&mut lib, 100, 10));
    assert!(
        shown.contains("No such folder: ") && shown.contains("unmounted"),
        "{shown}"
    );
    assert!(!shown.contains("No articles here"), "{shown}");
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

/// A shelf of its own (so that edits to the bundled articles leave its
/// snapshots alone) with right-to-left titles: an Arabic one holding the
/// ligature لا (one column to unicode-width's whole-string measure, two
/// cells on screen) and a Hebrew one, beside Latin ones and a broken file.
fn rtl_shelf() -> Shelf {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("articles");
    std::fs::create_dir_all(&root).unwrap();
    let words = |n: usize| "word ".repeat(n);
    let files = [
        (
            "essay.md",
            format!(
                "---\ntitle: The Slow Web\nauthor: Ann Author\n---\n\n{}\n",
                words(2400)
            ),
        ),
        (
            "finished.md",
            format!("# Done and dusted\n\n{}\n", words(900)),
        ),
        (
            "unread.md",
            format!("# Field Notes on Tea\n\n{}\n", words(2600)),
        ),
        (
            "arabic.md",
            "---\ntitle: لا تترك الكتاب قبل آخره\nauthor: سلمى\n---\n\nنص قصير للقراءة في المساء.\n"
                .to_string(),
        ),
        (
            "hebrew.md",
            "# קריאה איטית\n\nטקסט קצר לקריאה בערב.\n".to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
    std::fs::write(root.join("broken.md"), b"\0\0binary").unwrap();
    let config = dir.path().join("config");
    Shelf {
        _dir: dir,
        root,
        config,
    }
}

/// The cell column where `needle` starts on each row that has it.
fn starts(t: &Terminal<TestBackend>, needle: &str) -> Vec<(u16, u16)> {
    let buf = t.backend().buffer();
    let area = buf.area;
    let chars: Vec<&str> = needle.graphemes(true).collect();
    let mut found = Vec::new();
    for y in 0..area.height {
        for x in 0..area.width {
            let fits = chars.iter().enumerate().all(|(i, c)| {
                let Ok(dx) = u16::try_from(i) else {
                    return false;
                };
                x + dx < area.width && buf[(x + dx, y)].symbol() == *c
            });
            if fits {
                found.push((y, x));
                break;
            }
        }
    }
    found
}

/// Every row that shows `needle` shows it at the same column.
fn assert_lined_up(t: &Terminal<TestBackend>, needle: &str, rows: usize) {
    let at = starts(t, needle);
    assert!(at.len() >= rows, "{needle} on {at:?}\n{}", text(t));
    assert!(
        at.windows(2).all(|w| w[0].1 == w[1].1),
        "{needle} is not lined up: {at:?}\n{}",
        text(t)
    );
}

#[test]
fn columns_line_up_with_finished_and_rtl_rows_at_three_widths() {
    let s = rtl_shelf();
    let store = Store::new(&s.config);
    record(&store, &s.root.join("essay.md"), 45, 2, false, 2);
    record(&store, &s.root.join("finished.md"), 100, 5, true, 0);
    record(&store, &s.root.join("arabic.md"), 100, 5, true, 3);
    let mut lib = scanned(&s);
    for w in [50, 80, 200] {
        let t = screen(&mut lib, w, 12);
        // Five readable rows; the broken one has no minutes.
        assert_lined_up(&t, "min", 5);
        if w >= 80 {
            assert_lined_up(&t, "days ago", 3);
        }
        insta::assert_snapshot!(format!("library_rtl_{w}x12"), t.backend());
    }
    // Wide, the table is centred and its title column capped.
    let t = screen(&mut lib, 200, 12);
    let first = text(&t).lines().nth(2).unwrap().to_string();
    let margin = first.len() - first.trim_start_matches([' ', '"']).len();
    assert!(margin > 20, "{first}");
}

#[test]
fn the_filter_ranks_title_then_author_then_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("articles");
    std::fs::create_dir_all(&root).unwrap();
    let article = |file: &str, title: &str, author: &str| {
        std::fs::write(
            root.join(file),
            format!("---\ntitle: {title}\nauthor: {author}\n---\n\nWords.\n"),
        )
        .unwrap();
    };
    article("a-garden.md", "Notes", "Ann");
    article("b.md", "About rivers", "Ada Gardenia");
    article("c.md", "Gardens of stone", "Bo");
    article("d.md", "Going around the den", "Cy");
    let mut lib = Library::new(vec![root], None, None);
    while lib.scanning {
        lib.poll();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    lib.update(Action::FilterStart);
    for c in "garden".chars() {
        lib.update(Action::FilterInput(c));
    }
    let titles: Vec<String> = lib
        .visible()
        .iter()
        .map(|r| r.summary.title.clone())
        .collect();
    // The contiguous title match, the scattered one, then the author's,
    // then the file name's.
    assert_eq!(
        titles,
        [
            "Gardens of stone",
            "Going around the den",
            "About rivers",
            "Notes"
        ]
    );
    assert_eq!(lib.cursor, 0);
    let shown = text(&screen(&mut lib, 100, 10));
    assert!(shown.contains("4 articles · 4 matches"), "{shown}");
    lib.update(Action::FilterInput('s'));
    let shown = text(&screen(&mut lib, 100, 10));
    assert!(shown.contains("4 articles · 1 match ·"), "{shown}");
}

#[test]
fn sort_by_author_is_said_in_the_header() {
    let s = shelf();
    let mut lib = scanned(&s);
    while lib.sort != Sort::Author {
        lib.update(Action::LibrarySort);
    }
    let shown = text(&screen(&mut lib, 100, 10));
    assert!(shown.contains("sorted by author"), "{shown}");
    let authors: Vec<Option<String>> = lib
        .visible()
        .iter()
        .map(|r| r.summary.author.clone())
        .collect();
    // Those with an author first, in order; the broken file last.
    assert!(authors.last().unwrap().is_none(), "{authors:?}");
    let named: Vec<&String> = authors.iter().flatten().collect();
    assert!(
        named
            .windows(2)
            .all(|w| w[0].to_lowercase() <= w[1].to_lowercase())
    );
}

/// Select the row whose title contains `title`.
fn select(lib: &mut Library, title: &str) {
    lib.update(Action::LibraryFirst);
    while !lib
        .selected()
        .is_some_and(|r| r.summary.title.contains(title))
    {
        let before = lib.cursor;
        lib.update(Action::LibraryMove(1));
        assert_ne!(lib.cursor, before, "no row {title}");
    }
}

#[test]
fn d_asks_naming_the_article_and_any_other_key_keeps_it() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use longform::tui::keymap::library_key;
    use longform::tui::library::Mode;
    let s = shelf();
    let mut lib = scanned(&s);
    select(&mut lib, "Slow Web");
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        library_key(lib.mode(), key('d')),
        Some(Action::LibraryTrash)
    );
    lib.update(Action::LibraryTrash);
    assert_eq!(lib.mode(), Mode::Confirm);
    let shown = text(&screen(&mut lib, 120, 10));
    assert!(
        shown.contains("Move “The Slow Web” (the-slow-web.md) to the trash? y moves it"),
        "{shown}"
    );
    // In the question, y confirms and every other key says no.
    assert_eq!(
        library_key(Mode::Confirm, key('y')),
        Some(Action::LibraryTrashConfirm)
    );
    for other in ['n', 'q', 'd', 'j'] {
        assert_eq!(
            library_key(Mode::Confirm, key(other)),
            Some(Action::CloseOverlay)
        );
    }
    lib.update(Action::CloseOverlay);
    assert_eq!(lib.mode(), Mode::Rows);
    assert_eq!(lib.message.as_deref(), Some("Kept “The Slow Web”"));
    assert!(s.root.join("essays/the-slow-web.md").exists());
    assert_eq!(lib.count(), 4);
    // With nothing moved to the trash, u says so.
    lib.update(Action::LibraryUndo);
    assert!(
        lib.message
            .as_deref()
            .is_some_and(|m| m.starts_with("Nothing to undo")),
        "{:?}",
        lib.message
    );
}

#[test]
fn b_asks_for_the_bookmarks_of_an_article_that_has_some() {
    let s = shelf();
    let store = Store::new(&s.config);
    let essay = s.root.join("essays/the-slow-web.md");
    record(&store, &essay, 45, 2, false, 2);
    let mut lib = scanned(&s);
    select(&mut lib, "Slow Web");
    assert_eq!(
        lib.update(Action::LibraryBookmarks),
        Some(Open::Bookmarks(essay))
    );
    select(&mut lib, "Tea");
    assert_eq!(lib.update(Action::LibraryBookmarks), None);
    assert_eq!(
        lib.message.as_deref(),
        Some("No bookmarks in “Field Notes on Tea”: m adds one while reading")
    );
}

/// A message naming a right-to-left title shows it as it is seen, as the
/// rows do, not in the order it is stored.
#[test]
fn a_message_shows_a_right_to_left_title_as_seen() {
    let s = rtl_shelf();
    let mut lib = scanned(&s);
    let title = "لا تترك الكتاب قبل آخره";
    select(&mut lib, title);
    assert_eq!(lib.update(Action::LibraryBookmarks), None);
    let seen = longform::layout::visual_text(&longform::layout::isolate(title));
    assert_ne!(seen, title);
    let t = screen(&mut lib, 80, 12);
    let shown = text(&t);
    let status = shown.lines().last().unwrap();
    assert!(status.contains("No bookmarks in “"), "{shown}");
    assert!(status.contains(&seen), "{shown}");
    assert!(!status.contains(title), "{shown}");
    // The title in its row reads the same way.
    assert!(
        shown
            .lines()
            .any(|l| l.contains(&seen) && l.contains("min")),
        "{shown}"
    );
}

/// A damaged reading record reads as an article not read: the library
/// says a record could not be read, and `x` says it set the damaged one
/// aside, and where, when it makes a new one.
#[test]
fn a_damaged_record_is_said_and_x_says_where_it_went() {
    let s = shelf();
    let store = Store::new(&s.config);
    let tea = s.root.join("field-notes-on-tea.md");
    record(&store, &tea, 40, 1, false, 1);
    let id = record_id(&std::fs::canonicalize(&tea).unwrap());
    let file = store.record_path(&id);
    let json = std::fs::read(&file).unwrap();
    std::fs::write(&file, &json[..json.len() / 2]).unwrap();
    let mut lib = scanned(&s);
    assert_eq!(
        lib.message.as_deref(),
        Some("1 record could not be read (see longform where)")
    );
    lib.update(Action::FilterStart);
    for c in "tea".chars() {
        lib.update(Action::FilterInput(c));
    }
    lib.update(Action::FilterDone);
    lib.update(Action::LibraryToggleFinished);
    let said = lib.message.clone().unwrap_or_default();
    assert!(
        said.starts_with("Marked finished: ")
            && said.contains("its damaged reading record was set aside as ")
            && said.contains(".corrupt-"),
        "{said}"
    );
}

/// `x` on a row that cannot be read says why, as `Enter` does, and
/// marks nothing.
#[test]
fn x_on_an_unreadable_row_marks_nothing() {
    let s = shelf();
    let mut lib = scanned(&s);
    select(&mut lib, "broken");
    lib.update(Action::LibraryToggleFinished);
    let said = lib.message.clone().unwrap_or_default();
    assert!(said.starts_with("Cannot mark it: "), "{said}");
    assert!(!lib.selected().unwrap().finished);
}

/// A long article's words are estimated from its head (`~`); once the
/// reader has counted them all, the library shows that count, and keeps it
/// in its cache for the next start.
#[test]
fn the_words_the_reader_counted_replace_the_estimate() {
    let s = shelf();
    let mut lib = scanned(&s);
    let path = s.root.join("guide.md");
    let exact =
        longform::library::parse_article(Some(&path), &std::fs::read_to_string(&path).unwrap())
            .words;
    let shown = text(&screen(&mut lib, 120, 12));
    assert!(shown.contains("~"), "{shown}");
    lib.counted(&path, exact);
    let words = format!("{exact} words");
    for mut lib in [lib, scanned(&s)] {
        let shown = text(&screen(&mut lib, 120, 12));
        let row = shown
            .lines()
            .find(|l| l.contains("Reading with longform"))
            .unwrap_or_default()
            .to_string();
        assert!(row.contains(&words) && !row.contains('~'), "{row}");
    }
}

/// At 40 columns the heading still says the sort, in fewer words; a place
/// taken back to the start of an article partly read is still marked.
#[test]
fn narrow_heading_keeps_the_sort_and_a_place_at_the_start_is_marked() {
    let s = shelf();
    let store = Store::new(&s.config);
    let path = s.root.join("field-notes-on-tea.md");
    let canonical = std::fs::canonicalize(&path).unwrap();
    let text = std::fs::read_to_string(&canonical).unwrap();
    let doc = longform::parse::parse(&text);
    let mut state = ReadingState::new(canonical.clone(), "t".into(), doc.fingerprint, now());
    state.set_position(Anchor::at(&doc, longform::position::Position(0)), now());
    state.coverage = longform::coverage::Coverage::of(0..doc.source_len / 3);
    state.read = state.coverage.percent(&doc);
    store.save(&record_id(&canonical), &state).unwrap();
    let mut lib = scanned(&s);
    let shown = text_of(&mut lib, 40);
    assert!(shown.contains("by recent"), "{shown}");
    let shown = text_of(&mut lib, 120);
    let row = shown
        .lines()
        .find(|l| l.contains("Field Notes on Tea"))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains('●'), "{row}");
}

fn text_of(lib: &mut Library, width: u16) -> String {
    text(&screen(lib, width, 12))
}

/// A file renamed since it was read keeps its progress in the library:
/// its record, found by its text, is carried to its new path, as opening
/// it would carry it, and the old one goes.
#[test]
fn a_renamed_article_keeps_its_progress_and_its_record_follows_it() {
    let s = shelf();
    let store = Store::new(&s.config);
    let old = s.root.join("field-notes-on-tea.md");
    record(&store, &old, 40, 1, false, 2);
    let renamed = s.root.join("tea-renamed.md");
    std::fs::rename(&old, &renamed).unwrap();
    let mut lib = scanned(&s);
    while lib.poll() {}
    let shown = text(&screen(&mut lib, 130, 12));
    let row = shown
        .lines()
        .find(|l| l.contains("Field Notes on Tea"))
        .unwrap_or_default();
    assert!(row.contains("40%") && row.contains("2 ◆"), "{shown}");
    let canonical = std::fs::canonicalize(&renamed).unwrap();
    let records = store.all();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].0, record_id(&canonical));
    assert_eq!(records[0].1.path, canonical);
    assert_eq!(records[0].1.bookmarks.len(), 2);
    // A file that only looks like it (the same size, another text) takes
    // nothing.
    let s = shelf();
    let store = Store::new(&s.config);
    let old = s.root.join("field-notes-on-tea.md");
    record(&store, &old, 40, 1, false, 0);
    let text_before = std::fs::read_to_string(&old).unwrap();
    std::fs::remove_file(&old).unwrap();
    std::fs::write(s.root.join("other.md"), text_before.replace('a', "e")).unwrap();
    scanned(&s);
    let records = store.all();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].1.path.file_name().unwrap(),
        "field-notes-on-tea.md"
    );
    // A record whose folder is not there (a drive not mounted) is not
    // taken by a copy of its file elsewhere: it stays its file's.
    let s = shelf();
    let store = Store::new(&s.config);
    let away = s.root.join("away");
    std::fs::create_dir(&away).unwrap();
    let original = away.join("tea.md");
    std::fs::copy(s.root.join("field-notes-on-tea.md"), &original).unwrap();
    record(&store, &original, 40, 1, false, 0);
    std::fs::remove_dir_all(&away).unwrap();
    scanned(&s);
    let records = store.all();
    assert_eq!(records.len(), 1);
    assert!(records[0].1.path.ends_with("away/tea.md"), "{records:?}");
}
