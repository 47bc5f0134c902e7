//! Section navigation through the App, the way keys drive it: heading jumps,
//! the outline and its filter, links, footnotes and the jump list. Screens
//! are drawn on a TestBackend and read back.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn app_from(text: &str) -> App {
    App::new(
        &decode(text.as_bytes().to_vec(), "t.md".into(), None).unwrap(),
        Theme::Dark,
    )
}

fn article(path: &str) -> App {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    app_from(&std::fs::read_to_string(full).unwrap())
}

fn draw_at(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t
}

fn rows(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

fn press(app: &mut App, actions: &[Action], w: u16, h: u16) -> Vec<String> {
    for a in actions {
        app.update(*a);
        draw_at(app, w, h);
    }
    rows(&draw_at(app, w, h))
}

#[test]
fn heading_jumps_go_down_past_the_title_already_on_top() {
    // The article opens with its title on the top line: the first ] goes
    // to the next heading, never to the one already there.
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    let screen = press(&mut app, &[Action::NextHeading; 2], 100, 30);
    assert_eq!(screen[0].trim(), "Eighty columns");
    assert!(
        screen[29].contains("Glass before paper › Eighty columns"),
        "{}",
        screen[29]
    );
    // [ from inside a section goes to its own heading first.
    let screen = press(
        &mut app,
        &[Action::LineDown, Action::LineDown, Action::PrevHeading],
        100,
        30,
    );
    assert_eq!(screen[0].trim(), "Eighty columns");
    let screen = press(&mut app, &[Action::PrevHeading], 100, 30);
    assert_eq!(screen[0].trim(), "Glass before paper");
}

#[test]
fn peer_jumps_skip_subsections() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    let screen = press(&mut app, &[Action::NextHeading], 100, 30);
    assert_eq!(screen[0].trim(), "Glass before paper");
    let screen = press(&mut app, &[Action::NextPeer], 100, 30);
    assert_eq!(screen[0].trim(), "The craft of the line");
    let screen = press(&mut app, &[Action::NextHeading, Action::PrevPeer], 100, 30);
    assert_eq!(screen[0].trim(), "The craft of the line");
    let screen = press(&mut app, &[Action::PrevPeer], 100, 30);
    assert_eq!(screen[0].trim(), "Glass before paper");
}

#[test]
fn jump_list_brings_you_back_and_forward() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    press(&mut app, &[Action::PageDown, Action::LineDown], 100, 30);
    let before = app.top();
    press(&mut app, &[Action::NextPeer, Action::NextPeer], 100, 30);
    let after = app.top();
    assert_ne!(before, after);
    press(&mut app, &[Action::JumpBack], 100, 30);
    press(&mut app, &[Action::JumpBack], 100, 30);
    assert_eq!(app.top(), before);
    press(
        &mut app,
        &[Action::JumpForward, Action::JumpForward],
        100,
        30,
    );
    assert_eq!(app.top(), after);
    // Scrolling does not push: one back from here is the last jump's origin.
    press(&mut app, &[Action::LineDown, Action::JumpBack], 100, 30);
    assert_ne!(app.top(), after);
}

#[test]
fn outline_filter_jump_and_back() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    let start = app.top();
    let screen = press(
        &mut app,
        &[Action::ToggleOutline, Action::FilterStart],
        100,
        30,
    );
    assert!(screen.iter().any(|r| r.contains("Outline")));
    let typed: Vec<Action> = "rdrmd".chars().map(Action::FilterInput).collect();
    let screen = press(&mut app, &typed, 100, 30);
    assert!(
        screen.iter().any(|r| r.contains("Reader mode")),
        "{screen:#?}"
    );
    assert!(!screen.iter().any(|r| r.contains("Measure")));
    assert!(screen.iter().any(|r| r.contains("/rdrmd")));
    let screen = press(&mut app, &[Action::OutlineOpen], 100, 30);
    assert_eq!(screen[0].trim(), "Reader mode");
    assert!(screen[29].contains("Reader mode"));
    press(&mut app, &[Action::JumpBack], 100, 30);
    assert_eq!(app.top(), start);
}

/// A filter looks through every level, whatever the levels shown, and
/// names the section each heading it finds is in.
#[test]
fn an_outline_filter_searches_every_level_and_names_where() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    press(
        &mut app,
        &[Action::ToggleOutline, Action::OutlineLevel(2)],
        100,
        30,
    );
    press(&mut app, &[Action::FilterStart], 100, 30);
    let typed: Vec<Action> = "of the".chars().map(Action::FilterInput).collect();
    let screen = press(&mut app, &typed, 100, 30);
    assert!(
        screen.iter().any(|r| r.contains("every level")),
        "{screen:#?}"
    );
    assert!(
        !screen.iter().any(|r| r.contains("levels 1–2")),
        "{screen:#?}"
    );
    for found in ["Of the writer", "Of the tool", "Of the reader"] {
        assert!(
            screen
                .iter()
                .any(|r| r.contains(&format!("{found} · What slow reading asks for"))),
            "{found}: {screen:#?}"
        );
    }
    assert!(
        screen.iter().any(|r| r.contains("│ /of the")),
        "{screen:#?}"
    );
}

#[test]
fn outline_opens_on_the_current_section_and_highlights_it() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 100, 30);
    press(&mut app, &[Action::NextHeading; 5], 100, 30);
    let t = {
        app.update(Action::ToggleOutline);
        draw_at(&mut app, 100, 30)
    };
    let screen = rows(&t);
    let row = screen
        .iter()
        .position(|r| r.contains("Measure") && r.contains("min"))
        .unwrap();
    let buf = t.backend().buffer();
    let x = u16::try_from(screen[row].find("Measure").unwrap()).unwrap();
    let cell = &buf[(x, u16::try_from(row).unwrap())];
    assert_eq!(
        cell.fg,
        Color::Indexed(215),
        "the current section is coloured"
    );
    assert!(
        cell.modifier.contains(Modifier::REVERSED),
        "and has the cursor"
    );
    insta::assert_snapshot!("outline_100x30", t.backend());
    // Level 2 only, then collapse.
    let screen = press(&mut app, &[Action::OutlineLevel(2)], 100, 30);
    assert!(!screen.iter().any(|r| r.contains("Eighty columns")));
    assert!(screen.iter().any(|r| r.contains("levels 1–2")));
    let screen = press(
        &mut app,
        &[
            Action::OutlineLevel(6),
            Action::OutlineFirst,
            Action::OutlineCollapse,
        ],
        100,
        30,
    );
    assert!(!screen.iter().any(|r| r.contains("Glass before paper")));
    assert!(screen.iter().any(|r| r.contains("▸ The Slow Web")));
    let screen = press(&mut app, &[Action::CloseOverlay], 100, 30);
    assert!(!screen.iter().any(|r| r.contains("Outline")));
}

#[test]
fn sidebar_follows_the_reader_and_takes_clicks() {
    let mut app = article("articles/the-slow-web.md");
    draw_at(&mut app, 160, 40);
    press(&mut app, &[Action::ToggleSidebar], 160, 40);
    let t = draw_at(&mut app, 160, 40);
    insta::assert_snapshot!("sidebar_160x40", t.backend());
    let screen = press(&mut app, &[Action::NextHeading; 5], 160, 40);
    let row = screen
        .iter()
        .position(|r| r.chars().take(36).collect::<String>().contains("Measure"))
        .unwrap();
    let t = draw_at(&mut app, 160, 40);
    let cell = &t.backend().buffer()[(6, u16::try_from(row).unwrap())];
    assert_eq!(cell.fg, Color::Indexed(215), "{screen:#?}");
    // A click on "Coda" jumps there.
    let coda = screen
        .iter()
        .position(|r| r.starts_with("    Coda"))
        .unwrap();
    let screen = press(
        &mut app,
        &[Action::Click {
            column: 5,
            row: u16::try_from(coda).unwrap(),
        }],
        160,
        40,
    );
    assert!(screen[0].contains("Coda"), "{}", screen[0]);
    // Too narrow: no sidebar, and a message says why.
    let screen = press(
        &mut app,
        &[Action::ToggleSidebar, Action::ToggleSidebar],
        100,
        30,
    );
    assert!(screen[29].contains("needs 120 columns"), "{}", screen[29]);
}

#[test]
fn links_cycle_and_footnotes_jump() {
    let src = "# Top\n\nSee [below](#far-away) and a note.[^n] And [out](https://example.com).\n\n## Filler\n\n".to_string()
        + &"Words to push the next section down. ".repeat(200)
        + "\n\n## Far away\n\nArrived.\n\n[^n]: The note itself.\n";
    let mut app = app_from(&src);
    draw_at(&mut app, 80, 20);
    let screen = press(&mut app, &[Action::NextLink], 80, 20);
    assert!(
        screen[19].contains("Link to section: Far away"),
        "{}",
        screen[19]
    );
    let screen = press(&mut app, &[Action::FollowLink], 80, 20);
    assert_eq!(screen[0].trim(), "Far away");
    press(&mut app, &[Action::JumpBack], 80, 20);
    let screen = press(&mut app, &[Action::NextLink, Action::NextLink], 80, 20);
    assert!(screen[19].contains("Footnote 1"), "{}", screen[19]);
    let screen = press(&mut app, &[Action::FollowLink], 80, 20);
    assert!(screen[0].contains("The note itself."), "{}", screen[0]);
    press(&mut app, &[Action::JumpBack], 80, 20);
    let screen = press(&mut app, &[Action::PrevLink], 80, 20);
    assert!(screen[19].contains("https://example.com"), "{}", screen[19]);
    // The URL is shown in the status bar, never opened or printed inline.
    assert!(!screen[2..19].iter().any(|r| r.contains("https://")));
}

#[test]
fn an_article_without_headings_is_not_an_error() {
    let mut app = app_from("Just a paragraph.\n\nAnd another.\n");
    draw_at(&mut app, 80, 20);
    let screen = press(&mut app, &[Action::NextHeading], 80, 20);
    assert!(screen[19].contains("No sections"), "{}", screen[19]);
    let screen = press(&mut app, &[Action::ToggleOutline], 80, 20);
    assert!(screen.iter().any(|r| r.contains("No sections")));
}

#[test]
fn brackets_always_move_and_say_when_there_is_no_more() {
    // A first line that is blank: the heading below it is on the top line
    // already, and the first ] goes past it.
    let mut app =
        app_from("\n# Title\n\nWords.\n\n## One\n\nMore words.\n\n## Two\n\nLast words.\n");
    draw_at(&mut app, 60, 5);
    let screen = press(&mut app, &[Action::NextHeading], 60, 5);
    assert_eq!(screen[0].trim(), "One");
    let screen = press(&mut app, &[Action::NextHeading], 60, 5);
    assert_eq!(screen[0].trim(), "Two");
    let top = app.top();
    let screen = press(&mut app, &[Action::NextHeading], 60, 5);
    assert_eq!(app.top(), top, "no move at the last heading");
    assert!(screen[4].contains("No more sections"), "{}", screen[4]);
    // [ from a heading on the top line goes to the one before it.
    let screen = press(&mut app, &[Action::PrevHeading], 60, 5);
    assert_eq!(screen[0].trim(), "One");
}

/// An article whose title comes from its front matter draws it above its
/// first chapter: `]` from there goes to that chapter, and `[` and `]`
/// put each chapter's heading on the top line, the title passed.
#[test]
fn heading_jumps_reach_the_first_chapter_under_a_front_matter_title() {
    let para = "Text of the chapter goes on for a while with words. ".repeat(30);
    let src = format!(
        "---\ntitle: Book\n---\n\n# Chapter One\n\n{para}\n\n{para}\n\n# Chapter Two\n\n{para}\n\n{para}\n\n# Chapter Three\n\n{para}\n"
    );
    let mut app = app_from(&src);
    let screen = rows(&draw_at(&mut app, 80, 24));
    assert_eq!(screen[0].trim(), "Book");
    let screen = press(&mut app, &[Action::NextHeading], 80, 24);
    assert_eq!(screen[0].trim(), "Chapter One", "{screen:#?}");
    let screen = press(&mut app, &[Action::NextHeading], 80, 24);
    assert_eq!(screen[0].trim(), "Chapter Two");
    let screen = press(&mut app, &[Action::PrevHeading], 80, 24);
    assert_eq!(screen[0].trim(), "Chapter One");
    assert!(screen[23].contains("§ Chapter One"), "{}", screen[23]);
}
