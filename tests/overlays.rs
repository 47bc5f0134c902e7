//! The overlays (help, outline, bookmarks, links, the link confirmation)
//! at three sizes: drawn over a cleared area, sized to their content, with
//! the place in a list longer than the box; link hints beside their links;
//! copying (`y`, `Y`) and the sidebar key on a narrow screen.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::Mode;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 3] = [(40, 15), (80, 24), (200, 60)];

fn app(path: &str) -> App {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    App::new(
        &decode(bytes, path.into(), Some(full.into())).unwrap(),
        Theme::Dark,
    )
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    format!("{}", terminal.backend())
}

/// The rows of a drawn screen, without the quotes the backend adds.
fn rows(shown: &str) -> Vec<String> {
    shown
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

/// The columns of the box's left and right borders on the row holding
/// its top-left corner.
fn box_columns(shown: &str) -> (usize, usize) {
    let row = rows(shown)
        .into_iter()
        .find(|r| r.contains('┌'))
        .expect("a box");
    let chars: Vec<char> = row.chars().collect();
    let left = chars.iter().position(|&c| c == '┌').unwrap();
    let right = chars.iter().position(|&c| c == '┐').unwrap();
    (left, right)
}

/// Inside the box, only the box's own text: the page under it is
/// cleared, so no row of the box holds a fragment of the article.
fn assert_cleared(shown: &str, page_words: &[&str]) {
    let rows = rows(shown);
    let (left, right) = box_columns(shown);
    for r in &rows {
        let chars: Vec<char> = r.chars().collect();
        if chars.get(left) == Some(&'│') && chars.get(right) == Some(&'│') {
            let inside: String = chars[left + 1..right].iter().collect();
            for w in page_words {
                assert!(!inside.contains(w), "{w:?} shows through: {inside:?}");
            }
        }
    }
}

#[test]
fn the_help_at_three_sizes_lists_every_key() {
    for (w, h) in SIZES {
        let mut app = app("articles/the-slow-web.md");
        app.update(Action::ToggleHelp);
        let shown = screen(&mut app, w, h);
        if w >= 80 {
            // Every key of a binding on its row, beside what it does.
            assert!(
                shown.contains("Space  f  PgDn  Ctrl-f  page down"),
                "{shown}"
            );
        }
        // Longer than the box: where the box is in the list, and scrolling
        // moves it.
        let place = format!("1–{} of ", h - 2);
        assert_eq!(shown.contains(&place), h < 60, "{shown}");
        if h < 60 {
            app.update(Action::HelpScroll(3));
            assert!(screen(&mut app, w, h).contains(&format!("4–{} of ", h + 1)));
            // To the end (`G`), one back (`k`), and to the start (`g`).
            app.update(Action::HelpScroll(isize::MAX));
            let end = screen(&mut app, w, h);
            let total = end
                .split(" of ")
                .nth(1)
                .and_then(|t| t.split(' ').next())
                .and_then(|n| n.parse::<u16>().ok())
                .expect("a place");
            let last = format!("{}–{total} of {total}", total - (h - 2) + 1);
            assert!(end.contains(&last), "{last}: {end}");
            app.update(Action::HelpScroll(-1));
            let back = format!("{}–{} of {total}", total - (h - 2), total - 1);
            assert!(screen(&mut app, w, h).contains(&back), "{back}");
            app.update(Action::HelpScroll(isize::MIN));
            assert!(screen(&mut app, w, h).contains(&place));
        }
        insta::assert_snapshot!(format!("help_{w}x{h}"), shown);
    }
}

/// On a wide screen too short for one column, the two columns give each
/// binding's keys a row of their own, as one column does.
#[test]
fn the_help_in_two_wide_columns_keeps_each_binding_on_a_row() {
    let mut app = app("articles/the-slow-web.md");
    app.update(Action::ToggleHelp);
    let shown = screen(&mut app, 200, 30);
    assert!(shown.contains("Search"), "two columns: {shown}");
    assert!(
        shown.contains("g  Home / G  End / %    start / end / N% through (50%)"),
        "{shown}"
    );
}

#[test]
fn the_outline_at_three_sizes_fits_its_entries() {
    for (w, h) in SIZES {
        let mut app = app("tests/fixtures/links.md");
        app.update(Action::ToggleOutline);
        let shown = screen(&mut app, w, h);
        // Two sections: a small box, not one as tall as the screen.
        let boxed = rows(&shown).iter().filter(|r| r.contains('│')).count();
        assert!(boxed <= 4, "{shown}");
        assert_cleared(&shown, &["filler", "mislead"]);
        insta::assert_snapshot!(format!("outline_{w}x{h}"), shown);
    }
}

#[test]
fn the_bookmarks_at_three_sizes_fit_their_entries() {
    for (w, h) in SIZES {
        let mut app = app("articles/the-slow-web.md");
        screen(&mut app, w, h);
        app.update(Action::AddBookmark);
        app.prompt.as_mut().unwrap().set_text("The opening");
        app.update(Action::PromptAccept);
        app.update(Action::OpenBookmarks);
        let shown = screen(&mut app, w, h);
        let boxed = rows(&shown).iter().filter(|r| r.contains('│')).count();
        assert_eq!(boxed, 2, "one bookmark, two rows: {shown}");
        assert!(shown.contains("The opening"), "{shown}");
        assert_cleared(&shown, &["coffee", "station"]);
        insta::assert_snapshot!(format!("bookmarks_{w}x{h}"), shown);
    }
}

/// An empty list says what to do, whole, on as many rows as its box
/// needs, at every size: nothing is cut at 40 columns.
#[test]
fn an_empty_list_says_what_to_do_in_full_at_every_size() {
    let cases = [
        (
            Action::OpenBookmarks,
            "No bookmarks yet: m adds one at the top of the screen.",
        ),
        (
            Action::OpenHighlights,
            "No highlights yet: v selects a passage, h keeps it.",
        ),
    ];
    for (w, h) in SIZES {
        for (action, message) in cases {
            let mut app = app("articles/the-slow-web.md");
            screen(&mut app, w, h);
            app.update(action);
            let shown = screen(&mut app, w, h);
            let (left, right) = box_columns(&shown);
            let inside: Vec<String> = rows(&shown)
                .iter()
                .map(|r| r.chars().collect::<Vec<char>>())
                .filter(|c| c.get(left) == Some(&'│') && c.get(right) == Some(&'│'))
                .map(|c| c[left + 1..right].iter().collect::<String>())
                .collect();
            let said = inside
                .iter()
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(said, message, "{w}x{h}: {shown}");
            assert!(inside.len() <= 3, "sized to the message: {shown}");
        }
    }
}

#[test]
fn a_new_bookmark_names_its_section_once_in_the_list() {
    let mut app = app("tests/fixtures/links.md");
    screen(&mut app, 80, 24);
    for _ in 0..3 {
        app.update(Action::LineDown);
    }
    screen(&mut app, 80, 24);
    app.update(Action::AddBookmark);
    let label = app.prompt.as_ref().unwrap().text().to_string();
    assert!(label.starts_with("Links in an article · "), "{label}");
    app.update(Action::PromptAccept);
    app.update(Action::OpenBookmarks);
    let shown = screen(&mut app, 80, 24);
    let boxed: Vec<String> = rows(&shown)
        .into_iter()
        .filter(|r| r.contains('│'))
        .collect();
    assert_eq!(boxed.len(), 2, "{shown}");
    // The label says the section and the first words; the second row goes
    // on with the text from where the label stops, saying nothing twice.
    for said in ["Links in an article", "The reader follows"] {
        let times = boxed.iter().filter(|r| r.contains(said)).count();
        assert_eq!(times, 1, "{said}: {shown}");
    }
    let words = label.split_once(" · ").unwrap().1;
    let text = "The reader follows the second part inside the article, opens the project";
    let rest = text.strip_prefix(words).unwrap().trim_start();
    let first = rest.split(' ').next().unwrap();
    assert!(boxed[1].contains(&format!("“…{first} ")), "{shown}");
    assert!(boxed[1].contains("opens the project"), "{shown}");
}

#[test]
fn the_link_list_at_three_sizes_shows_its_place() {
    for (w, h) in SIZES {
        let mut app = app("tests/fixtures/links.md");
        app.update(Action::LinkList);
        let shown = screen(&mut app, w, h);
        assert_eq!(app.mode, Mode::Links);
        // Eight links: at 40x15 they do not all fit, and the place shows.
        if h == 15 {
            assert!(shown.contains("1/8"), "{shown}");
        } else {
            assert!(!shown.contains("1/8"), "{shown}");
        }
        assert_cleared(&shown, &["filler"]);
        insta::assert_snapshot!(format!("link_list_{w}x{h}"), shown);
    }
}

#[test]
fn the_link_confirmation_at_three_sizes_is_centred_with_its_keys() {
    for (w, h) in SIZES {
        let mut app = app("tests/fixtures/links.md");
        screen(&mut app, w, h);
        app.update(Action::LinkList);
        app.update(Action::LinkListMove(1));
        app.update(Action::LinkListOpen);
        assert_eq!(app.confirm.as_deref(), Some("https://example.com/longform"));
        let shown = screen(&mut app, w, h);
        assert!(shown.contains("Enter opens"), "{shown}");
        assert!(shown.contains("key cancels"), "{shown}");
        assert!(shown.contains("https://example.com/longform"), "{shown}");
        let (left, right) = box_columns(&shown);
        let width = usize::from(w);
        // Centred: as much room on either side, give or take a column.
        assert!(left.abs_diff(width - 1 - right) <= 1, "{shown}");
        insta::assert_snapshot!(format!("confirm_{w}x{h}"), shown);
    }
}

#[test]
fn link_hints_are_labels_beside_the_links() {
    let mut app = app("tests/fixtures/links.md");
    screen(&mut app, 80, 24);
    app.update(Action::LinkHints);
    let shown = screen(&mut app, 80, 24);
    // The link text is whole: no letter drawn over it.
    for text in ["the second part", "the project", "the author"] {
        assert!(shown.contains(text), "{text} is covered: {shown}");
    }
    // A footnote mark right after a full stop has its hint in the blank
    // after it: the stop stays.
    assert!(shown.contains("has a footnote.[1]"), "{shown}");
    insta::assert_snapshot!("hints_beside_links_80x24", shown);
}

/// At 40 columns the text has no margin: a link at the start of a row has
/// its hint just after its text, and its first letters stay its own.
#[test]
fn a_hint_at_the_left_edge_goes_after_its_link() {
    let src = "[Santiago](https://example.com/santiago) is a city by the mountains.\n";
    let mut app = App::new(
        &decode(src.as_bytes().to_vec(), "city.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 40, 10);
    app.update(Action::LinkHints);
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
    terminal.draw(|f| draw(f, &mut app)).unwrap();
    let buf = terminal.backend().buffer();
    let row: String = (0..40).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    assert!(row.starts_with("Santiago"), "{row}");
    // The label is the cell after the link, drawn apart (reversed).
    let label = &buf[(8, 0)];
    assert_eq!(label.symbol(), "a", "{row}");
    assert!(
        label
            .style()
            .add_modifier
            .contains(ratatui::style::Modifier::REVERSED),
        "{row}"
    );
    assert!(
        !buf[(0, 0)]
            .style()
            .add_modifier
            .contains(ratatui::style::Modifier::REVERSED),
        "{row}"
    );
}

#[test]
fn y_copies_the_link_and_capital_y_the_section() {
    let mut app = app("tests/fixtures/links.md");
    screen(&mut app, 80, 24);
    // Nothing selected yet: nothing copied, and the reason.
    app.update(Action::CopyLink);
    assert_eq!(app.clipboard, None);
    assert!(app.message.as_deref().unwrap().contains("Tab"));
    app.update(Action::NextLink);
    app.update(Action::NextLink);
    app.update(Action::CopyLink);
    assert_eq!(
        app.clipboard.take().as_deref(),
        Some("https://example.com/longform")
    );
    assert_eq!(app.message.as_deref(), Some("Copied link · 28 characters"));
    // In the link list, the link under the cursor.
    app.update(Action::LinkList);
    app.update(Action::LinkListFirst);
    app.update(Action::CopyLink);
    assert_eq!(app.clipboard.take().as_deref(), Some("#second-part"));
    app.update(Action::CloseOverlay);
    // In the confirmation, the link about to open; the box closes.
    app.update(Action::FollowLink);
    assert!(app.confirm.is_some());
    app.update(Action::CopyLink);
    assert!(app.confirm.is_none());
    assert_eq!(
        app.clipboard.take().as_deref(),
        Some("https://example.com/longform")
    );
    // Y: the section as Markdown, from its heading.
    app.update(Action::CopySection);
    let section = app.clipboard.take().unwrap();
    assert!(section.starts_with("# Links in an article"), "{section}");
    assert!(section.contains("[the project page](https://example.com/longform)"));
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with("Copied section · ")
    );
}

#[test]
fn the_sidebar_key_on_a_narrow_screen_says_so_and_changes_nothing() {
    let mut app = app("tests/fixtures/links.md");
    screen(&mut app, 100, 24);
    app.update(Action::ToggleSidebar);
    assert!(!app.sidebar);
    assert_eq!(
        app.message.as_deref(),
        Some("The sidebar needs 120 columns; this terminal has 100")
    );
    // It was not armed: at 160 columns there is still no sidebar.
    let shown = screen(&mut app, 160, 24);
    assert!(!app.sidebar_shown(160), "{shown}");
    app.update(Action::ToggleSidebar);
    assert!(app.sidebar);
}
