//! The open article changes on disk: it is read again and the same text
//! stays on top; deleted or emptied, the loaded text stays, with a word.

use longform::load::load;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frame(app: &mut App) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..30)
        .map(|y| (0..100).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

#[test]
fn an_edit_above_keeps_the_text_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("essay.md");
    let src = format!("{}/articles/the-slow-web.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(src, &path).unwrap();
    let mut app = App::new(&load(&path).unwrap(), Theme::Dark);
    frame(&mut app);
    for _ in 0..4 {
        app.update(Action::PageDown);
        frame(&mut app);
    }
    let before = frame(&mut app);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("There is a particular").unwrap();
    let edited = format!(
        "{}{}{}",
        &text[..at],
        "An inserted paragraph.\n\n".repeat(40),
        &text[at..]
    );
    std::fs::write(&path, edited).unwrap();
    app.reload(load(&path));
    let after = frame(&mut app);
    assert_eq!(after[..29], before[..29], "the same text is on top");
    assert!(after[29].contains("Article reloaded"), "{}", after[29]);

    // Emptied, then deleted: the loaded text stays, and the status says so.
    std::fs::write(&path, "").unwrap();
    app.reload(load(&path));
    let emptied = frame(&mut app);
    assert_eq!(emptied[..29], before[..29]);
    assert!(emptied[29].contains("emptied"), "{}", emptied[29]);
    std::fs::remove_file(&path).unwrap();
    app.reload(load(&path));
    let gone = frame(&mut app);
    assert_eq!(gone[..29], before[..29]);
    assert!(gone[29].contains("gone from disk"), "{}", gone[29]);
    // Reading goes on.
    app.update(Action::LineDown);
    assert_eq!(frame(&mut app)[0], before[1]);
}

/// A file cut short on disk and put back (an editor or a sync tool that
/// writes in place): the reload's guess of the place is shown but never
/// saved over the reader's, and the text put back finds the reader's
/// place again, not the guess.
#[test]
fn a_guess_after_a_reload_is_not_saved_until_the_reader_moves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("essay.md");
    let src = format!("{}/articles/the-slow-web.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(&src, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut app = App::new(&load(&path).unwrap(), Theme::Dark);
    frame(&mut app);
    for _ in 0..4 {
        app.update(Action::PageDown);
        frame(&mut app);
    }
    let place = app.top();
    assert!(place.0 > 2000, "read past where the file will be cut");
    app.save_now();
    let saved = app.session.state.position.clone().expect("a place");
    assert_eq!(saved.byte, place.0);

    std::fs::write(&path, &text[..2000]).unwrap();
    app.reload(load(&path));
    assert!(frame(&mut app)[29].contains("approximately"));
    app.save_now();
    assert_eq!(
        app.session.state.position.as_ref(),
        Some(&saved),
        "the guess is not saved"
    );

    std::fs::write(&path, &text).unwrap();
    app.reload(load(&path));
    assert_eq!(app.top(), place, "the reader's place, found again");
    assert!(frame(&mut app)[29].contains("Article reloaded"));

    // Moved by the reader: that place is saved.
    let before = app.top();
    app.update(Action::PageDown);
    app.after_key(before, std::time::Instant::now());
    app.save_now();
    assert_eq!(
        app.session.state.position.as_ref().map(|a| a.byte),
        Some(app.top().0)
    );
    assert_ne!(app.top(), place);
}

/// An edit while a search is typed: the search, which began at a place
/// of the old text, is closed, and reading after it moves the reader as
/// it should (its place is saved, its motions counted).
#[test]
fn a_search_being_typed_is_closed_by_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("essay.md");
    let src = format!("{}/articles/the-slow-web.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(src, &path).unwrap();
    let mut app = App::new(&load(&path).unwrap(), Theme::Dark);
    frame(&mut app);
    let act = |app: &mut App, action: Action| {
        let before = app.top();
        app.update(action);
        app.after_key(before, std::time::Instant::now());
        frame(app);
    };
    act(&mut app, Action::SearchStart);
    for c in "Coda".chars() {
        act(&mut app, Action::PromptInput(c));
    }
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("A new first line.\n\n{text}")).unwrap();
    app.reload(load(&path));
    frame(&mut app);
    assert!(app.prompt.is_none(), "the search is closed");
    assert_eq!(app.mode, longform::tui::keymap::Mode::Reading);
    app.session.moved = false;
    let top = app.top();
    act(&mut app, Action::PageDown);
    assert_ne!(app.top(), top);
    assert!(app.session.moved, "a page down after it is a move");
}
