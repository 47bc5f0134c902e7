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
