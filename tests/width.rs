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
    draw_at(&mut app, 120);
    assert_eq!(app.layout.width(), 80);
    assert_eq!(app.top(), top, "the place never moved");
    assert_eq!(
        Config::load(&config).0.width,
        None,
        "the default is not written"
    );
}
