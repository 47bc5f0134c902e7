//! Screen snapshots: the reader drawn on ratatui's TestBackend at several
//! sizes, from the bundled articles.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app(path: &str) -> App {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    App::new(
        &decode(bytes, path.into(), Some(full.into())).unwrap(),
        Theme::Dark,
    )
}

fn screen(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal
}

#[test]
fn guide_first_screen_at_three_sizes() {
    for (w, h) in [(60, 20), (100, 30), (160, 40)] {
        let mut app = app("articles/reading-with-longform.md");
        let terminal = screen(&mut app, w, h);
        insta::assert_snapshot!(format!("guide_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn tea_after_paging_at_three_sizes() {
    for (w, h) in [(60, 20), (100, 30), (160, 40)] {
        let mut app = app("articles/field-notes-on-tea.md");
        screen(&mut app, w, h);
        for _ in 0..3 {
            app.update(Action::PageDown);
        }
        let terminal = screen(&mut app, w, h);
        insta::assert_snapshot!(format!("tea_page4_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn end_of_the_essay_shows_full_progress() {
    let mut app = app("articles/the-slow-web.md");
    screen(&mut app, 100, 30);
    app.update(Action::Bottom);
    let terminal = screen(&mut app, 100, 30);
    let shown = format!("{}", terminal.backend());
    assert!(shown.contains("100% · end"), "{shown}");
    insta::assert_snapshot!("slow_web_end_100x30", terminal.backend());
}

#[test]
fn help_overlay_lists_every_key() {
    // A fixture under the box, not the guide: its words change often.
    let mut app = app("tests/fixtures/links.md");
    app.update(Action::ToggleHelp);
    let terminal = screen(&mut app, 100, 30);
    let shown = format!("{}", terminal.backend());
    for key in ["Ctrl-d", "Ctrl-u", "PgDn", "PgUp", "Home", "End", "Ctrl-c"] {
        assert!(shown.contains(key), "{key} missing from help");
    }
    insta::assert_snapshot!("help_100x30", terminal.backend());
    // On a short screen the keys go in two columns, so none is cut off.
    let terminal = screen(&mut app, 120, 26);
    let shown = format!("{}", terminal.backend());
    for key in ["Ctrl-d", "Ctrl-i", "Ctrl-f", "filter headings", "Ctrl-c"] {
        assert!(shown.contains(key), "{key} missing from the short help");
    }
    insta::assert_snapshot!("help_120x26", terminal.backend());
    // At 80x24 it scrolls: the last key comes into view.
    let terminal = screen(&mut app, 80, 24);
    let shown = format!("{}", terminal.backend());
    assert!(shown.contains("j/k scroll"), "{shown}");
    assert!(!shown.contains("Ctrl-c"));
    for _ in 0..40 {
        app.update(Action::HelpScroll(1));
    }
    let terminal = screen(&mut app, 80, 24);
    let shown = format!("{}", terminal.backend());
    assert!(shown.contains("q  Ctrl-c"), "{shown}");
    insta::assert_snapshot!("help_80x24_scrolled", terminal.backend());
    // At 30 columns the keys column gives way: every description is whole,
    // wrapped, and nothing is cut at the box's edge.
    let mut app = self::app("tests/fixtures/links.md");
    app.update(Action::ToggleHelp);
    let terminal = screen(&mut app, 30, 24);
    let shown = format!("{}", terminal.backend());
    for words in ["line down", "half page", "page down", "start / end"] {
        assert!(shown.contains(words), "{words:?} in\n{shown}");
    }
    assert!(shown.contains("Esc close"), "{shown}");
    insta::assert_snapshot!("help_30x24", terminal.backend());
}

/// At 30 columns the outline's titles keep their room: the minutes give
/// way first, and what was read stays.
#[test]
fn a_narrow_outline_keeps_its_titles() {
    let mut app = app("articles/the-slow-web.md");
    app.update(Action::ToggleOutline);
    let terminal = screen(&mut app, 30, 16);
    let shown = format!("{}", terminal.backend());
    for title in ["Glass before pa", "Eighty columns", "The craft of t"] {
        assert!(shown.contains(title), "{title:?} in\n{shown}");
    }
    let rows = |shown: &str| -> Vec<String> {
        shown
            .lines()
            .filter(|l| l.matches('│').count() == 2)
            .map(str::to_string)
            .collect()
    };
    assert!(
        rows(&shown)
            .iter()
            .all(|r| !r.contains(" min ") && r.contains("0%")),
        "{shown}"
    );
    // Wide enough, the minutes are there.
    let terminal = screen(&mut app, 100, 30);
    let wide = format!("{}", terminal.backend());
    assert!(rows(&wide).iter().all(|r| r.contains(" min ")), "{wide}");
}

#[test]
fn resize_keeps_the_first_sentence_on_top() {
    let mut app = app("articles/the-slow-web.md");
    screen(&mut app, 100, 30);
    for _ in 0..7 {
        app.update(Action::PageDown);
    }
    let top = app.top();
    for (w, h) in [(60, 20), (160, 40), (33, 12), (100, 30)] {
        screen(&mut app, w, h);
        assert_eq!(app.top(), top, "resize to {w}x{h} moved the reader");
    }
}

#[test]
fn every_size_renders_and_tiny_ones_say_so() {
    let mut app = app("articles/field-notes-on-tea.md");
    for w in [1u16, 2, 5, 19, 20, 21, 47, 80, 81, 133, 400] {
        for h in [1u16, 2, 4, 5, 6, 50, 150] {
            let terminal = screen(&mut app, w, h);
            let shown = format!("{}", terminal.backend());
            if w < 20 || h < 5 {
                if w >= 18 {
                    assert!(shown.contains("Terminal too small"), "{w}x{h}: {shown}");
                }
            } else {
                assert!(shown.contains('%'), "{w}x{h} has no status bar");
            }
        }
    }
    let terminal = screen(&mut app, 18, 3);
    insta::assert_snapshot!("too_small_18x3", terminal.backend());
}

/// At 40 columns a bookmark label longer than the line scrolls to keep
/// the cursor in view, and the start comes back with Home.
#[test]
fn a_long_bookmark_label_at_40_columns_scrolls_around_the_cursor() {
    let mut app = app("articles/the-slow-web.md");
    screen(&mut app, 40, 15);
    app.update(Action::AddBookmark);
    // The pre-filled label is selected: typing replaces it.
    for c in "A label of my own, far longer than this narrow line".chars() {
        app.update(Action::PromptInput(c));
    }
    let mut terminal = screen(&mut app, 40, 15);
    let shown = format!("{}", terminal.backend());
    let status = shown.lines().last().unwrap().to_string();
    assert!(status.contains("narrow line"), "{status}");
    assert!(!status.contains("A label of"), "{status}");
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!(cursor.y, 14);
    let before: String = status.chars().take(usize::from(cursor.x) + 1).collect();
    assert!(before.ends_with("narrow line"), "{before:?} in {status:?}");
    insta::assert_snapshot!("bookmark_label_long_40x15", terminal.backend());
    app.update(Action::PromptEdit(longform::tui::prompt::Edit::Home));
    let terminal = screen(&mut app, 40, 15);
    let shown = format!("{}", terminal.backend());
    let status = shown.lines().last().unwrap().to_string();
    assert!(status.contains("A label of my own"), "{status}");
}

/// At 40 columns a long search shows its end and the cursor; the hints
/// give way first.
#[test]
fn a_long_search_at_40_columns_shows_its_end() {
    let mut app = app("articles/the-slow-web.md");
    screen(&mut app, 40, 15);
    app.update(Action::SearchStart);
    for c in "the web that we used to know wel".chars() {
        app.update(Action::PromptInput(c));
    }
    let mut terminal = screen(&mut app, 40, 15);
    let shown = format!("{}", terminal.backend());
    let status = shown.lines().last().unwrap().to_string();
    assert!(status.contains("Search: "), "{status}");
    assert!(status.contains("know wel"), "{status}");
    assert!(!status.contains("Enter"), "{status}");
    // The cursor sits after the last character typed.
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!(cursor.y, 14);
    // The backend's rows are quoted: one more character before the first
    // column.
    let before: String = status.chars().take(usize::from(cursor.x) + 1).collect();
    assert!(before.ends_with("know wel"), "{before:?} in {status:?}");
    insta::assert_snapshot!("search_prompt_long_40x15", terminal.backend());
}
