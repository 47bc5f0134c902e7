//! `+`, `-` and `=` change the text column by 4 columns, from 30 up to the
//! full width, without moving the reader, and remember it in the config.

use longform::config::Config;
use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/articles/the-slow-web.md");
    let bytes = std::fs::read(path).unwrap();
    App::new(&decode(bytes, "essay".into(), None).unwrap(), Theme::Dark)
}

fn draw_at(app: &mut App, w: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, 30)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    format!("{}", t.backend())
}

#[test]
fn width_keys_change_the_column_not_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "# my settings\nwords_per_minute = 250\n").unwrap();
    let mut app = app();
    app.config_file = Some(config.clone());
    draw_at(&mut app, 120);
    for _ in 0..3 {
        app.update(Action::PageDown);
    }
    draw_at(&mut app, 120);
    let top = app.top();

    app.update(Action::Narrower);
    let shown = draw_at(&mut app, 120);
    assert_eq!(app.layout.width(), 76);
    assert_eq!(app.top(), top);
    assert!(shown.contains("Width 76 · remembered"), "{shown}");
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("# my settings") && saved.contains("words_per_minute = 250"));
    assert_eq!(Config::load(&config).0.width, Some(76));

    for _ in 0..20 {
        app.update(Action::Narrower);
    }
    draw_at(&mut app, 120);
    assert_eq!(app.layout.width(), 30, "never narrower than 30");
    for _ in 0..30 {
        app.update(Action::Wider);
    }
    draw_at(&mut app, 120);
    // Up to the full width, but for a gutter of 2 columns on each side.
    assert_eq!(app.layout.width(), 116, "up to the full width");
    app.update(Action::DefaultWidth);
    let shown = draw_at(&mut app, 120);
    assert_eq!(app.layout.width(), 80);
    // The width line is gone from the config: nothing is "remembered".
    assert!(shown.contains("Width 80 (the default) "), "{shown}");
    assert!(!shown.contains("remembered"), "{shown}");
    // On a terminal narrower than the default, the message gives the width
    // in effect, not the default's 80.
    app.update(Action::Narrower);
    draw_at(&mut app, 60);
    app.update(Action::DefaultWidth);
    let shown = draw_at(&mut app, 60);
    assert_eq!(app.layout.width(), 56);
    assert!(shown.contains("Width 56 (the default)"), "{shown}");
    assert_eq!(app.top(), top, "the place never moved");
    assert_eq!(
        Config::load(&config).0.width,
        None,
        "the default is not written"
    );
}

/// On any terminal wider than 40 columns, the text never touches its
/// edges: the first and last columns of every row but the status bar are
/// blank (the left one may hold a bookmark's mark), and at 80 columns the
/// default column leaves 2 on each side.
#[test]
fn the_text_never_touches_the_edges_past_40_columns() {
    for w in [41u16, 42, 50, 79, 80, 81, 84, 120, 200] {
        let mut app = app();
        let shown = draw_at(&mut app, w);
        let rows: Vec<Vec<char>> = shown
            .lines()
            .map(|l| l.trim_matches('"').chars().collect())
            .collect();
        let body = &rows[..rows.len() - 1];
        for r in body {
            assert_eq!(r.len(), usize::from(w));
            assert!(r[0] == ' ' && r[1] == ' ', "left edge at {w}: {shown}");
            assert!(
                r[r.len() - 1] == ' ' && r[r.len() - 2] == ' ',
                "right edge at {w}: {shown}"
            );
        }
        if w <= 84 {
            // The full width, less the gutters: the text starts at column 2.
            assert!(
                body.iter().any(|r| r[2] != ' '),
                "the text starts at column 2 at {w}"
            );
        }
    }
    let mut app = app();
    draw_at(&mut app, 80);
    assert_eq!(app.layout.width(), 76);
}
