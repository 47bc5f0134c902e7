//! Reading progress and bookmarks through the App, with a real store in a
//! temporary config dir: resume, messages, bookmarks and their list, the
//! margin mark, and what happens when the store cannot be used.

use std::path::PathBuf;

use longform::load::load;
use longform::store::{Load, Store, record_id};
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::Mode;
use longform::tui::prompt::Edit;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A copy of a bundled article in a temporary folder, and a store there.
struct Fixture {
    dir: tempfile::TempDir,
    article: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join(name);
        let src = format!("{}/articles/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(src, &article).unwrap();
        Fixture { dir, article }
    }

    fn store(&self) -> Store {
        Store::new(&self.dir.path().join("config"))
    }

    fn open(&self, from_start: bool) -> App {
        let source = load(&self.article).unwrap();
        App::open(&source, Theme::Dark, Some(self.store()), from_start)
    }

    fn id(&self) -> String {
        record_id(&std::fs::canonicalize(&self.article).unwrap())
    }
}

fn frame(app: &mut App, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

fn act(app: &mut App, actions: &[Action], w: u16, h: u16) -> Vec<String> {
    for &a in actions {
        let before = app.top();
        app.update(a);
        app.after_key(before, std::time::Instant::now());
        frame(app, w, h);
    }
    frame(app, w, h)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::PromptInput(c));
    }
}

#[test]
fn resume_at_the_same_sentence_at_another_size() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::PageDown; 5], 100, 30);
    let top = app.top();
    assert!(app.save_now().is_none());

    let mut again = fx.open(false);
    let screen = frame(&mut again, 60, 20);
    assert_eq!(again.top(), top);
    let msg = screen[19].trim();
    assert!(msg.starts_with("Resumed at "), "{msg}");
    assert!(msg.contains('%') && msg.contains(" · "), "{msg}");
    // The line on top at 60 columns holds the saved position.
    let first = screen[0].trim().to_string();
    let src = std::fs::read_to_string(&fx.article).unwrap();
    let words: Vec<&str> = first.split_whitespace().take(3).collect();
    let at = src[..].find(&words.join(" ")).unwrap();
    assert!(
        at <= top.0 + 3 && top.0 < at + first.len() + 40,
        "{first:?} vs byte {}",
        top.0
    );

    // --from-start ignores it, but still saves on exit.
    let mut fresh = fx.open(true);
    frame(&mut fresh, 60, 20);
    assert_eq!(fresh.top().0, 0);
    act(&mut fresh, &[Action::PageDown], 60, 20);
    let moved = fresh.top();
    fresh.save_now();
    assert_eq!(fx.open(false).top(), moved);
}

/// After an edit above the place, the place is found by its words and
/// said so once: kept as the place in the new version, the next open
/// resumes it exactly and says nothing of a change already told.
#[test]
fn a_place_found_after_an_edit_is_told_once() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::PageDown; 5], 100, 30);
    assert!(app.save_now().is_none());
    let src = std::fs::read_to_string(&fx.article).unwrap();
    let at = src.find("\n\n").unwrap();
    let edited = format!(
        "{}\n\nA paragraph written in since, above the place.{}",
        &src[..at],
        &src[at..]
    );
    std::fs::write(&fx.article, &edited).unwrap();
    let said = |app: &mut App| frame(app, 100, 30)[29].trim().to_string();

    let mut first = fx.open(false);
    let msg = said(&mut first);
    assert!(msg.contains("article changed"), "{msg}");
    let top = first.top();
    // Closed without a move.
    assert!(first.save_now().is_none());

    let mut second = fx.open(false);
    let msg = said(&mut second);
    assert!(msg.starts_with("Resumed at "), "{msg}");
    assert!(!msg.contains("changed"), "{msg}");
    assert_eq!(second.top(), top);
}

fn saved(fx: &Fixture) -> longform::store::ReadingState {
    match fx.store().load(&fx.id()).unwrap() {
        Load::Found(state) => state,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_jump_to_the_end_never_finishes_the_article() {
    let fx = Fixture::new("field-notes-on-tea.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::Bottom], 100, 30);
    app.save_now();
    let state = saved(&fx);
    assert!(!state.finished);
    assert!(state.read < 20, "{}", state.read);
    // The place is where the reader jumped to: the end.
    assert_eq!(state.percent, 100);
    // Opened again, the message says what the status bar says there.
    let mut again = fx.open(false);
    let screen = frame(&mut again, 100, 30);
    let bar = screen[29].trim();
    assert!(bar.starts_with("Resumed at 100%"), "{bar}");
}

#[test]
fn reading_to_the_end_finishes_the_article() {
    let fx = Fixture::new("field-notes-on-tea.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    let mut screen = frame(&mut app, 100, 30);
    for _ in 0..200 {
        if app.session.state.finished {
            break;
        }
        screen = act(&mut app, &[Action::PageDown], 100, 30);
    }
    assert!(app.session.state.finished);
    assert!(
        screen[29].contains("Finished · 100% read"),
        "{}",
        screen[29]
    );
    app.save_now();
    let state = saved(&fx);
    assert!(state.finished);
    assert_eq!(state.read, 100);
    // X says it is not finished after all, and back.
    let screen = act(&mut app, &[Action::ToggleFinished], 100, 30);
    assert!(screen[29].contains("Marked not finished"), "{}", screen[29]);
    app.save_now();
    assert!(!saved(&fx).finished);
    act(&mut app, &[Action::ToggleFinished], 100, 30);
    app.save_now();
    assert!(saved(&fx).finished);
}

/// An article with no text (only front matter) is never finished: `X`
/// says so and marks nothing, in the reader as in the library.
#[test]
fn an_empty_article_cannot_be_marked_finished() {
    let fx = Fixture::new("the-slow-web.md");
    std::fs::write(&fx.article, "---\ntitle: Only front matter\n---\n").unwrap();
    let mut app = fx.open(false);
    frame(&mut app, 80, 24);
    let screen = act(&mut app, &[Action::ToggleFinished], 80, 24);
    assert!(
        screen[23].contains("An empty article is never finished"),
        "{}",
        screen[23]
    );
    assert!(!app.session.state.finished);
    app.save_now();
    assert!(!fx.store().all().iter().any(|(_, s)| s.finished));
    let mut lib = longform::tui::library::Library::new(
        vec![fx.dir.path().to_path_buf()],
        Some(fx.store()),
        None,
    );
    while lib.scanning {
        lib.poll();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    lib.update(Action::LibraryToggleFinished);
    assert_eq!(
        lib.message.as_deref(),
        Some("An empty article is never finished")
    );
    assert!(!fx.store().all().iter().any(|(_, s)| s.finished));
}

#[test]
fn g_and_capital_g_are_jumps_that_backspace_undoes() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::PageDown; 2], 100, 30);
    let here = app.top();
    act(&mut app, &[Action::Bottom], 100, 30);
    assert_ne!(app.top(), here);
    act(&mut app, &[Action::JumpBack], 100, 30);
    assert_eq!(app.top(), here);
    act(&mut app, &[Action::Top, Action::JumpBack], 100, 30);
    assert_eq!(app.top(), here);
}

#[test]
fn opening_elsewhere_keeps_the_saved_place() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::PageDown; 5], 100, 30);
    let place = app.top();
    app.save_now();
    let percent = saved(&fx).percent;
    assert!(percent > 10, "{percent}");

    // --from-start says where the place is, and quitting keeps it.
    let mut fresh = fx.open(true);
    let screen = frame(&mut fresh, 100, 30);
    assert_eq!(fresh.top().0, 0);
    let told = format!("From the start · your place at {percent}% is kept (Backspace goes there)");
    assert!(
        screen[29].starts_with(&format!(" {told}")),
        "{}",
        screen[29]
    );
    fresh.save_now();
    assert_eq!(saved(&fx).position.map(|a| a.byte), Some(place.0));
    // Backspace goes there.
    act(&mut fresh, &[Action::JumpBack], 100, 30);
    assert_eq!(fresh.top(), place);

    // --section likewise, naming the section.
    let mut app = fx.open(false);
    let doc_pos = app
        .outline
        .sections
        .iter()
        .find(|s| s.title == "Coda")
        .map(|s| longform::position::Position(s.start))
        .unwrap();
    app.start_at_section(doc_pos);
    let screen = frame(&mut app, 100, 30);
    assert!(
        screen[29]
            .trim()
            .starts_with(&format!("At Coda · your place at {percent}% is kept")),
        "{}",
        screen[29]
    );
    assert!(!screen[29].contains("Resumed"));
    app.save_now();
    assert_eq!(saved(&fx).position.map(|a| a.byte), Some(place.0));

    // A search typed and let go shows its matches but does not move the
    // reader: the place is still kept.
    let mut fresh = fx.open(true);
    frame(&mut fresh, 100, 30);
    act(&mut fresh, &[Action::SearchStart], 100, 30);
    for c in "Coda".chars() {
        act(&mut fresh, &[Action::PromptInput(c)], 100, 30);
    }
    assert_ne!(fresh.top().0, 0, "the search shows its match");
    act(&mut fresh, &[Action::PromptCancel], 100, 30);
    assert_eq!(fresh.top().0, 0);
    fresh.save_now();
    assert_eq!(saved(&fx).position.map(|a| a.byte), Some(place.0));
    // Accepted, it moves the reader, as any jump.
    act(&mut fresh, &[Action::SearchStart], 100, 30);
    for c in "Coda".chars() {
        act(&mut fresh, &[Action::PromptInput(c)], 100, 30);
    }
    act(&mut fresh, &[Action::PromptAccept], 100, 30);
    let found = fresh.top();
    assert_ne!(found.0, 0);
    fresh.save_now();
    assert_eq!(saved(&fx).position.map(|a| a.byte), Some(found.0));
}

#[test]
fn no_resumed_message_for_an_article_never_scrolled() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    app.save_now();
    let mut again = fx.open(false);
    let screen = frame(&mut again, 100, 30);
    assert!(!screen[29].contains("Resumed"), "{}", screen[29]);
}

#[test]
fn bookmarks_add_list_jump_rename_note_delete_undo() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    act(&mut app, &[Action::PageDown; 3], 100, 30);
    let marked = app.top();
    // m asks for a label, pre-filled with the section and first words.
    let screen = act(&mut app, &[Action::AddBookmark], 100, 30);
    assert_eq!(app.mode, Mode::Prompt);
    assert!(screen[29].contains("Bookmark: "), "{}", screen[29]);
    let prefill = app.prompt.as_ref().unwrap().text().to_string();
    assert!(prefill.contains(" · "), "{prefill}");
    // Esc cancels.
    act(&mut app, &[Action::PromptCancel], 100, 30);
    assert!(app.bookmarks().is_empty());
    act(&mut app, &[Action::AddBookmark], 100, 30);
    for _ in 0..prefill.chars().count() {
        app.update(Action::PromptEdit(Edit::Backspace));
    }
    type_text(&mut app, "Second");
    let screen = act(&mut app, &[Action::PromptAccept], 100, 30);
    assert!(screen[29].contains("Bookmarked: Second"), "{}", screen[29]);
    // m again at the same place makes no second one.
    let screen = act(&mut app, &[Action::AddBookmark], 100, 30);
    assert_eq!(app.mode, Mode::Reading);
    assert!(
        screen[29].contains("Already bookmarked here: Second"),
        "{}",
        screen[29]
    );
    assert_eq!(app.bookmarks().len(), 1);
    // The mark in the left margin, beside the top line.
    assert!(
        screen[..29].iter().any(|r| r.contains('▍')),
        "no margin mark"
    );
    // One earlier in the article.
    act(
        &mut app,
        &[Action::Top, Action::PageDown, Action::AddBookmark],
        100,
        30,
    );
    app.prompt.as_mut().unwrap().set_text("First");
    act(&mut app, &[Action::PromptAccept], 100, 30);

    // The list is in article order, with section, snippet and date.
    let screen = act(&mut app, &[Action::OpenBookmarks], 100, 30);
    let first = screen.iter().position(|r| r.contains("First")).unwrap();
    let second = screen.iter().position(|r| r.contains("Second")).unwrap();
    assert!(first < second, "not in article order");
    assert!(screen[second].contains("just now"), "{}", screen[second]);
    assert!(screen[second + 1].contains('“'), "{}", screen[second + 1]);
    // Enter on the second jumps there, and the jump list brings us back.
    let here = app.top();
    act(
        &mut app,
        &[Action::BookmarkMove(1), Action::BookmarkOpen],
        100,
        30,
    );
    assert_eq!(app.top(), marked);
    act(&mut app, &[Action::JumpBack], 100, 30);
    assert_eq!(app.top(), here);

    // Rename and note.
    act(
        &mut app,
        &[Action::OpenBookmarks, Action::BookmarkRename],
        100,
        30,
    );
    app.prompt.as_mut().unwrap().set_text("Opening");
    act(
        &mut app,
        &[Action::PromptAccept, Action::BookmarkNote],
        100,
        30,
    );
    type_text(&mut app, "read again");
    let screen = act(&mut app, &[Action::PromptAccept], 100, 30);
    assert!(screen.iter().any(|r| r.contains("Opening")));
    assert!(screen.iter().any(|r| r.contains("✎ read again")));
    // Delete, then undo.
    let screen = act(&mut app, &[Action::BookmarkDelete], 100, 30);
    assert!(!screen[..29].iter().any(|r| r.contains("Opening")));
    assert!(
        screen[29].contains("Deleted “Opening” · u undoes"),
        "{}",
        screen[29]
    );
    assert_eq!(app.bookmarks().len(), 1);
    let screen = act(&mut app, &[Action::BookmarkUndo], 100, 30);
    assert!(screen.iter().any(|r| r.contains("Opening")));
    assert_eq!(app.bookmarks().len(), 2);
    act(&mut app, &[Action::CloseOverlay], 100, 30);
    assert!(app.save_now().is_none());

    // On disk, in a new session.
    let again = fx.open(false);
    let labels: Vec<String> = again.bookmarks().into_iter().map(|b| b.label).collect();
    assert_eq!(labels, ["Opening", "Second"]);
    assert_eq!(again.bookmarks()[0].note.as_deref(), Some("read again"));
}

#[test]
fn a_corrupt_record_is_moved_aside_with_a_warning() {
    let fx = Fixture::new("the-slow-web.md");
    let path = fx.store().record_path(&fx.id());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "{ \"version\": 1, \"path\": ").unwrap();
    let mut app = fx.open(false);
    let screen = frame(&mut app, 100, 30);
    assert!(
        screen[29].contains("Damaged reading record set aside"),
        "{}",
        screen[29]
    );
    assert_eq!(app.top().0, 0);
    let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(aside[0].path()).unwrap(),
        "{ \"version\": 1, \"path\": "
    );
}

#[test]
fn a_newer_record_is_left_alone() {
    let fx = Fixture::new("the-slow-web.md");
    let path = fx.store().record_path(&fx.id());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let newer = format!(
        "{{\"version\": 9, \"path\": {:?}, \"fingerprint\": \"00\"}}",
        fx.article.display().to_string()
    );
    std::fs::write(&path, &newer).unwrap();
    let mut app = fx.open(false);
    let screen = frame(&mut app, 100, 30);
    assert!(screen[29].contains("newer longform"), "{}", screen[29]);
    act(&mut app, &[Action::PageDown], 100, 30);
    app.save_now();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
}

#[test]
fn an_unusable_config_dir_warns_and_reading_works() {
    let fx = Fixture::new("the-slow-web.md");
    let blocker = fx.dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let source = load(&fx.article).unwrap();
    let mut app = App::open(&source, Theme::Dark, Some(Store::new(&blocker)), false);
    let opened = frame(&mut app, 100, 30)[29].clone();
    act(&mut app, &[Action::PageDown, Action::PageDown], 100, 30);
    assert!(app.top().0 > 0, "reading works");
    let first = app.save_now();
    assert!(
        first.is_some() || opened.contains("will not be saved"),
        "no warning at all: {opened}"
    );
    // The bar warned once; the save at exit says again what is lost.
    let at_exit = app.save_now().expect("a warning at exit");
    assert!(
        at_exit.starts_with("your place was not saved: "),
        "{at_exit}"
    );
}

#[test]
fn outline_ticks_what_was_read_not_what_was_skipped() {
    let fx = Fixture::new("the-slow-web.md");
    let mut app = fx.open(false);
    frame(&mut app, 100, 30);
    // Read the first part page by page, then jump far ahead.
    act(&mut app, &[Action::PageDown; 4], 100, 30);
    act(&mut app, &[Action::NextPeer, Action::NextPeer], 100, 30);
    app.save_now();
    let mut again = fx.open(false);
    frame(&mut again, 100, 30);
    let screen = act(&mut again, &[Action::ToggleOutline], 100, 30);
    let row = |title: &str| {
        screen
            .iter()
            .find(|r| r.contains(title) && r.contains(" min "))
            .unwrap_or_else(|| panic!("{title}: {screen:#?}"))
            .clone()
    };
    assert!(
        row("Eighty columns").contains('✓'),
        "{}",
        row("Eighty columns")
    );
    assert!(row("Leading and the margin").contains('✓'));
    // Jumped over, and jumped to: neither was read.
    let skipped = row("Reader mode");
    assert!(
        !skipped.contains('✓') && skipped.contains(" 0%"),
        "{skipped}"
    );
    let landed = row("What slow reading asks for");
    assert!(landed.contains(" 0%"), "{landed}");
}

#[test]
fn a_short_article_is_finished_after_ten_seconds_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("short.md");
    std::fs::write(
        &article,
        "# Short\n\nA note of a few words, read at a glance.\n",
    )
    .unwrap();
    let store = Store::new(&dir.path().join("config"));
    let mut app = App::open(
        &load(&article).unwrap(),
        Theme::Dark,
        Some(store.clone()),
        false,
    );
    frame(&mut app, 80, 24);
    // A key that cannot move reads nothing, nor does opening.
    act(&mut app, &[Action::LineDown], 80, 24);
    assert!(!app.session.state.finished);
    let t0 = std::time::Instant::now();
    app.tick(t0);
    app.tick(t0 + std::time::Duration::from_secs(9));
    assert!(!app.session.state.finished, "not yet");
    app.tick(t0 + std::time::Duration::from_secs(10));
    assert!(app.session.state.finished);
    let screen = frame(&mut app, 80, 24);
    assert!(
        screen[23].contains("Finished · 100% read"),
        "{}",
        screen[23]
    );
    app.save_now();
    let id = record_id(&std::fs::canonicalize(&article).unwrap());
    let Load::Found(state) = store.load(&id).unwrap() else {
        panic!("no record");
    };
    assert!(state.finished);
    assert_eq!((state.percent, state.read), (100, 100));
}

#[test]
fn an_empty_article_says_so_and_is_never_finished() {
    for text in ["", "\n  \n", "---\ntitle: Nothing yet\n---\n"] {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("empty.md");
        std::fs::write(&article, text).unwrap();
        let store = Store::new(&dir.path().join("config"));
        let mut app = App::open(&load(&article).unwrap(), Theme::Dark, Some(store), false);
        let screen = frame(&mut app, 80, 24);
        let middle = screen[11].trim();
        assert_eq!(middle, "This article is empty", "{text:?}: {screen:#?}");
        assert!(!screen[23].contains('%'), "{}", screen[23]);
        let t0 = std::time::Instant::now();
        for s in 0..30 {
            app.tick(t0 + std::time::Duration::from_secs(s));
        }
        act(&mut app, &[Action::PageDown, Action::Bottom], 80, 24);
        assert!(!app.session.state.finished, "{text:?}");
    }
}

/// The label offered for a bookmark takes words, not a table's borders.
#[test]
fn a_bookmark_label_over_a_table_has_no_borders() {
    let text = format!(
        "# Tea\n\n## Water, leaf and time\n\n| Tea | Where it grows |\n|---|---|\n| Sencha | Japan |\n\n{}",
        "A paragraph after the table, long enough to scroll by.\n\n".repeat(20)
    );
    let source = longform::load::decode(text.into_bytes(), "tea.md".into(), None).unwrap();
    let mut app = App::new(&source, Theme::Dark);
    frame(&mut app, 60, 12);
    // The table's top line on top.
    for _ in 0..10 {
        if frame(&mut app, 60, 12)[0].contains('┌') {
            break;
        }
        app.update(Action::LineDown);
    }
    assert!(frame(&mut app, 60, 12)[0].contains('┌'));
    app.update(Action::AddBookmark);
    let label = app
        .prompt
        .as_ref()
        .map(|p| p.line.text().to_string())
        .unwrap();
    assert!(!label.contains('│') && !label.contains('┌'), "{label}");
    assert!(label.contains("Tea Where it grows"), "{label}");
}
