//! Long articles open on a window parsed on its own, while the whole is
//! parsed on a thread (issue 7). The first screen must be the one the whole
//! parse gives, and taking the whole in must not move the reader.

use std::time::{Duration, Instant};

use longform::load::{Source, decode};
use longform::position::Position;
use longform::store::Store;
use longform::testgen::{self, SEED};
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const W: u16 = 120;
const H: u16 = 40;

fn source(text: &str, path: Option<std::path::PathBuf>) -> Source {
    decode(text.as_bytes().to_vec(), "long.md".into(), path).unwrap()
}

/// The text rows of the screen, without the status bar.
fn body(app: &mut App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    let shown = format!("{}", terminal.backend());
    let mut rows: Vec<String> = shown.lines().map(str::to_string).collect();
    rows.pop();
    rows
}

fn status(app: &mut App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    format!("{}", terminal.backend())
        .lines()
        .last()
        .unwrap()
        .to_string()
}

/// Tick until the whole article is in, as the event loop does.
fn tick_until_whole(app: &mut App) {
    let start = Instant::now();
    while app.is_partial() {
        assert!(start.elapsed() < Duration::from_secs(60), "never landed");
        app.tick(Instant::now());
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_first_screen_of_a_window_is_the_whole_parse_s() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    assert!(app.is_partial(), "a 1 MB article opens on a window");
    assert!(!whole.is_partial());
    // The first frame is made from the head of the text: references and
    // notes defined further on read right once the index of the whole
    // text is made, right after it.
    let head = body(&mut app);
    app.wait_index();
    assert!(app.is_partial());
    let shown = body(&mut app);
    assert_eq!(shown, body(&mut whole));
    assert_eq!(head[..20], shown[..20]);
    // A few motions inside the window stay on the window.
    for _ in 0..3 {
        app.update(Action::PageDown);
        whole.update(Action::PageDown);
    }
    app.update(Action::LineDown);
    whole.update(Action::LineDown);
    assert_eq!(body(&mut app), body(&mut whole));
    let top = app.top();
    tick_until_whole(&mut app);
    assert_eq!(app.top(), top, "the whole parse does not move the reader");
    assert_eq!(body(&mut app), body(&mut whole));
    assert_eq!(status(&mut app), status(&mut whole));
}

#[test]
fn a_jump_by_heading_shows_on_a_window_of_its_own() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    body(&mut app);
    body(&mut whole);
    assert!(app.is_partial());
    app.update(Action::NextPeer);
    whole.update(Action::NextPeer);
    assert!(app.is_partial(), "the next section is shown from a window");
    assert_eq!(app.top(), whole.top());
    // Links defined outside that window read right once the index of the
    // whole text is in.
    app.wait_index();
    assert!(app.is_partial());
    assert_eq!(app.top(), whole.top());
    assert_eq!(body(&mut app), body(&mut whole));
}

#[test]
fn the_outline_is_the_whole_article_s_before_the_whole_parse() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    body(&mut app);
    body(&mut whole);
    app.update(Action::ToggleOutline);
    whole.update(Action::ToggleOutline);
    assert!(
        app.is_partial(),
        "the outline opens without the whole parse"
    );
    let sections = |app: &App| -> Vec<(usize, u8, String)> {
        app.outline
            .sections
            .iter()
            .map(|s| (s.start, s.level, s.title.clone()))
            .collect()
    };
    assert!(whole.outline.sections.len() > 10);
    assert_eq!(sections(&app), sections(&whole));
    // The last section, in the last tenth of the article, on a window.
    for app in [&mut app, &mut whole] {
        app.update(Action::OutlineLast);
        app.update(Action::OutlineOpen);
    }
    assert!(app.is_partial(), "the last section is shown from a window");
    assert!(app.top().0 > text.len() * 9 / 10, "{:?}", app.top());
    assert_eq!(app.top(), whole.top());
    assert_eq!(body(&mut app), body(&mut whole));
    // An outline open when the whole lands stays open where it was.
    app.update(Action::ToggleOutline);
    app.update(Action::OutlineMove(-2));
    let cursor = app.list.as_ref().map(|l| l.cursor);
    tick_until_whole(&mut app);
    assert_eq!(app.list.as_ref().map(|l| l.cursor), cursor);
    assert_eq!(sections(&app), sections(&whole));
}

#[test]
fn a_count_and_percent_go_that_far_on_a_window() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let src = source(&text, None);
    let mut app = App::new(&src, Theme::Dark);
    // The index of where blocks start, which a reader on the terminal
    // has made within milliseconds of the first frame (a key that comes
    // sooner: `tui::app`'s tests).
    app.wait_index();
    body(&mut app);
    app.update(Action::CountDigit(5));
    app.update(Action::CountDigit(0));
    assert!(status(&mut app).contains("50"), "{}", status(&mut app));
    app.update(Action::Percent);
    assert!(app.is_partial(), "the middle is shown from a window");
    let window = app.doc.window.clone().unwrap();
    assert!(window.contains(&(text.len() / 2)), "{window:?}");
    let top = app.top().0;
    assert!(
        top.abs_diff(text.len() / 2) < 4096,
        "{top} for {}",
        text.len() / 2
    );
    // The jump shows from a window of a few screens first, then from a
    // whole window, the same lines at the same place, with the same
    // status bar.
    assert!(app.window_due() && window.len() < 40 * 1024, "{window:?}");
    let shown = body(&mut app);
    let place = app.top();
    let narrow_status = status(&mut app);
    assert!(app.refresh_window());
    let percent = |status: &str| {
        status
            .split_whitespace()
            .find(|w| w.ends_with('%'))
            .map(str::to_string)
    };
    assert_eq!(percent(&status(&mut app)), percent(&narrow_status));
    let wide = app.doc.window.clone().unwrap();
    assert!(!app.window_due() && wide.len() > 100 * 1024, "{wide:?}");
    assert!(wide.start < window.start && wide.end > window.end);
    assert_eq!((app.top(), body(&mut app)), (place, shown.clone()));
    // A key that goes past the narrow window of a jump parses the whole
    // window first, and does not wait for the whole parse.
    app.update(Action::CountDigit(2));
    app.update(Action::CountDigit(0));
    app.update(Action::Percent);
    assert!(app.window_due());
    let twenty = app.top();
    app.update(Action::PageDown);
    assert!(!app.window_due() && app.is_partial());
    app.update(Action::PageUp);
    assert_eq!(app.top(), twenty);
    app.update(Action::CountDigit(5));
    app.update(Action::CountDigit(0));
    app.update(Action::Percent);
    assert_eq!((app.top(), body(&mut app)), (place, shown.clone()));
    tick_until_whole(&mut app);
    assert_eq!(app.top(), place, "the whole parse does not move the reader");
    assert_eq!(body(&mut app), shown);
    // On the whole article, by words, as the status bar counts.
    app.update(Action::CountDigit(2));
    app.update(Action::CountDigit(5));
    app.update(Action::Percent);
    let status = status(&mut app);
    assert!(status.contains(" 25%"), "{status}");
    // Without a count, `%` says how.
    app.update(Action::Percent);
    assert!(
        app.message.as_deref().unwrap_or("").contains("50%"),
        "{:?}",
        app.message
    );
}

#[test]
fn the_end_and_the_start_show_at_once_on_windows_of_their_own() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    app.wait_index();
    let first = body(&mut app);
    body(&mut whole);
    app.update(Action::Bottom);
    whole.update(Action::Bottom);
    assert!(app.is_partial(), "the end is shown from a window there");
    let window = app.doc.window.clone().unwrap();
    assert_eq!(window.end, text.len());
    assert!(window.start > text.len() / 2, "{window:?}");
    assert_eq!(body(&mut app), body(&mut whole));
    assert!(
        status(&mut app).contains("100% · end"),
        "{}",
        status(&mut app)
    );
    assert_eq!(app.top(), whole.top());
    // Back up a few screens, still on that window, then to the start.
    for _ in 0..3 {
        app.update(Action::PageUp);
        whole.update(Action::PageUp);
    }
    assert_eq!(app.top(), whole.top());
    assert_eq!(body(&mut app), body(&mut whole));
    app.update(Action::Top);
    assert!(app.is_partial());
    assert_eq!(body(&mut app), first);
    app.update(Action::Bottom);
    whole.update(Action::Bottom);
    let end = app.top();
    tick_until_whole(&mut app);
    assert_eq!(app.top(), end, "the whole parse does not move the reader");
    assert_eq!(body(&mut app), body(&mut whole));
    assert_eq!(status(&mut app), status(&mut whole));
}

#[test]
fn a_place_reached_on_a_window_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("config"));
    let file = dir.path().join("long.md");
    let text = testgen::article(SEED, testgen::SIZE_1M);
    std::fs::write(&file, &text).unwrap();
    let src = source(&text, Some(file.clone()));
    let mut app = App::open(&src, Theme::Dark, Some(store.clone()), false);
    body(&mut app);
    let before = app.top();
    app.update(Action::Bottom);
    app.after_key(before, Instant::now());
    assert!(app.is_partial());
    let end = app.top();
    assert_eq!(app.save_now(), None);
    let again = App::open(&src, Theme::Dark, Some(store), false);
    assert_eq!(again.top(), end);
}

#[test]
fn resuming_deep_in_a_long_article_opens_a_window_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("config"));
    let file = dir.path().join("long.md");
    let text = testgen::article(SEED, testgen::SIZE_1M);
    std::fs::write(&file, &text).unwrap();
    let src = || source(&text, Some(file.clone()));

    // Read to about two thirds through, and quit.
    let mut first = App::open_with(&src(), Theme::Dark, Some(store.clone()), false, usize::MAX);
    body(&mut first);
    for _ in 0..6 {
        first.update(Action::NextPeer);
    }
    for _ in 0..200 {
        first.update(Action::PageDown);
    }
    first.update(Action::LineDown);
    let place = first.top();
    let first_seen = body(&mut first);
    first.after_key(place, Instant::now());
    assert_eq!(first.save_now(), None);
    assert!(place.0 > text.len() / 3, "{place:?}");

    let mut whole = App::open_with(&src(), Theme::Dark, Some(store.clone()), false, usize::MAX);
    let seen = body(&mut whole);
    assert!(
        seen.iter().any(|r| r.contains(seen_first(&first_seen))),
        "{seen:?}"
    );
    let mut again = App::open(&src(), Theme::Dark, Some(store.clone()), false);
    assert!(again.is_partial());
    assert_eq!(again.top(), place);
    again.wait_index();
    assert_eq!(again.top(), place);
    assert_eq!(body(&mut again), seen);
    assert!(
        again
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("Resumed at"),
        "{:?}",
        again.message
    );
    tick_until_whole(&mut again);
    assert_eq!(again.top(), place);
    assert_eq!(body(&mut again), seen);
}

/// The first line of text on a screen.
fn seen_first(rows: &[String]) -> &str {
    rows.iter()
        .map(|r| r.trim_matches(|c| c == '"' || c == ' '))
        .find(|r| !r.is_empty())
        .unwrap()
}

#[test]
fn an_edited_long_article_is_resumed_from_the_whole_parse() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("config"));
    let file = dir.path().join("long.md");
    let text = testgen::article(SEED, testgen::SIZE_1M);
    std::fs::write(&file, &text).unwrap();
    let mut first = App::open(
        &source(&text, Some(file.clone())),
        Theme::Dark,
        Some(store.clone()),
        false,
    );
    body(&mut first);
    first.update(Action::Bottom);
    for _ in 0..50 {
        first.update(Action::PageUp);
    }
    let seen = body(&mut first);
    let place = first.top();
    first.after_key(place, Instant::now());
    assert_eq!(first.save_now(), None);
    drop(first);

    // A paragraph added at the start moves every byte.
    let edited = format!("A new first paragraph, added later.\n\n{text}");
    std::fs::write(&file, &edited).unwrap();
    let mut again = App::open(
        &source(&edited, Some(file.clone())),
        Theme::Dark,
        Some(store),
        false,
    );
    assert!(
        !again.is_partial(),
        "found by its words in the whole article"
    );
    assert_eq!(
        again.top().0,
        place.0 + "A new first paragraph, added later.\n\n".len()
    );
    // Reopening puts the text on the top row: a blank line that was on
    // top when the reader left (they share its position) is not kept.
    let now = body(&mut again);
    let (was, is) = (from_first_text(&seen), from_first_text(&now));
    let rows = was.len().min(is.len());
    assert!(rows >= usize::from(H) - 3, "{seen:#?}\n{now:#?}");
    assert_eq!(was[..rows], is[..rows]);
}

/// The rows from the first one with text on.
fn from_first_text(rows: &[String]) -> &[String] {
    let blank = |r: &String| r.trim_matches(|c| c == '"' || c == ' ').is_empty();
    &rows[rows.iter().take_while(|r| blank(r)).count()..]
}

/// Link definitions and footnote numbers come from the whole text even in
/// a window: the first screen shows the links as links.
#[test]
fn references_and_footnotes_defined_outside_the_window_are_right_at_once() {
    let filler =
        "A paragraph of filler text that only takes up room in the article.\n\n".repeat(6000);
    let text = format!(
        "# Refs\n\nEarly notes[^a][^b].\n\n[^a]: One.\n\n[^b]: Two.\n\n{filler}\
         # Late\n\nSee [the reference][Far Away] and a note[^c].\n\n[^c]: Three.\n\n\
         {filler}[far   away]: https://example.com/far\n"
    );
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    let late = text.find("# Late").unwrap();
    app.start_at(longform::position::Position(late));
    whole.start_at(longform::position::Position(late));
    assert!(app.is_partial(), "a window at the late section");
    let shown = body(&mut app);
    assert_eq!(shown, body(&mut whole));
    assert!(
        shown[3].contains("See the reference and a note[3]."),
        "{shown:?}"
    );
    assert!(app.doc.links.iter().any(|l| l.target(&app.doc.text)
        == longform::document::Target::External("https://example.com/far")));
    let top = app.top();
    tick_until_whole(&mut app);
    assert_eq!(app.top(), top);
    assert_eq!(body(&mut app), shown);
}

#[test]
fn closing_a_long_article_early_stops_its_parse() {
    let text = testgen::article(SEED, testgen::SIZE_10M);
    let src = source(&text, None);
    for _ in 0..3 {
        let mut app = App::new(&src, Theme::Dark);
        assert!(app.is_partial());
        body(&mut app);
        drop(app);
    }
}

/// A screen can hold more source than the window's margin (long link
/// targets are not shown): paging must still never show the window's end
/// as the article's.
#[test]
fn paging_past_a_window_of_long_hidden_targets_shows_the_article() {
    let target = format!("https://example.com/{}", "a".repeat(6000));
    let para = format!("A short line with [a link]({target}) in it.\n\n");
    let text = format!("# Long targets\n\n{}", para.repeat(60));
    assert!(text.len() > 256 * 1024);
    let src = source(&text, None);
    let mut whole = App::open_with(&src, Theme::Dark, None, false, usize::MAX);
    let mut app = App::new(&src, Theme::Dark);
    assert!(app.is_partial());
    assert_eq!(body(&mut app), body(&mut whole));
    assert_eq!(
        status(&mut app).contains("end"),
        status(&mut whole).contains("end")
    );
    for _ in 0..8 {
        app.update(Action::PageDown);
        whole.update(Action::PageDown);
        assert_eq!(app.top(), whole.top());
        assert_eq!(body(&mut app), body(&mut whole));
        assert_eq!(
            status(&mut app).contains("end"),
            status(&mut whole).contains("end")
        );
    }
}

#[test]
fn the_first_frame_of_a_long_article_does_not_wait_for_the_whole() {
    let text = testgen::article(SEED, testgen::SIZE_1M);
    let mut app = App::new(&source(&text, None), Theme::Dark);
    body(&mut app);
    assert!(
        app.is_partial(),
        "the first frame waited for the whole parse"
    );
    app.update(Action::PageDown);
    body(&mut app);
    assert!(app.is_partial(), "a page down waited for the whole parse");
}

#[test]
fn an_article_with_no_record_is_saved_with_its_fingerprint() {
    // The first frame does not wait for the fingerprint of an article
    // with no record: the bookmark and the place made right after carry
    // it all the same.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("config"));
    let file = dir.path().join("long.md");
    let text = testgen::article(SEED, testgen::SIZE_1M);
    std::fs::write(&file, &text).unwrap();
    let src = source(&text, Some(file.clone()));
    let mut app = App::open(&src, Theme::Dark, Some(store.clone()), false);
    assert!(app.is_partial());
    body(&mut app);
    app.update(Action::AddBookmark);
    app.update(Action::PromptAccept);
    let fingerprint = longform::parse::fingerprint(&text);
    assert_eq!(app.doc.fingerprint, fingerprint);
    assert_eq!(app.save_now(), None);
    let all = store.all();
    assert_eq!(all.len(), 1);
    let record = &all[0].1;
    assert_eq!(record.fingerprint, fingerprint);
    assert_eq!(record.bookmarks.len(), 1);
    assert_eq!(record.bookmarks[0].anchor.fingerprint, fingerprint);
}

#[test]
fn a_moved_long_article_finds_its_record_once_its_fingerprint_is_known() {
    let (dir, store, file, text, place) = read_and_saved(40);

    let moved = dir.path().join("moved.md");
    std::fs::rename(&file, &moved).unwrap();
    let mut again = App::open(
        &src_at(&text, &moved),
        Theme::Dark,
        Some(store.clone()),
        false,
    );
    body(&mut again);
    // The record of the old path is taken over once the fingerprint is in,
    // and the reader goes to its place.
    again.tick(Instant::now());
    body(&mut again);
    assert_eq!(again.top(), place);
    assert!(
        again
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("Resumed at"),
        "{:?}",
        again.message
    );
    assert_eq!(again.save_now(), None);
    let all = store.all();
    assert_eq!(all.len(), 1, "the old record is gone");
    assert_eq!(all[0].1.path, std::fs::canonicalize(&moved).unwrap());
}

/// A generated long article of 1 MB read `pages` pages in, its place
/// saved: the folder, the store, the file, its text and the place.
fn read_and_saved(
    pages: usize,
) -> (
    tempfile::TempDir,
    Store,
    std::path::PathBuf,
    String,
    Position,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("config"));
    let file = dir.path().join("long.md");
    let text = testgen::article(SEED, testgen::SIZE_1M);
    std::fs::write(&file, &text).unwrap();
    let mut first = App::open_with(
        &source(&text, Some(file.clone())),
        Theme::Dark,
        Some(store.clone()),
        false,
        usize::MAX,
    );
    body(&mut first);
    for _ in 0..pages {
        first.update(Action::PageDown);
    }
    let place = first.top();
    first.after_key(Position(0), Instant::now());
    assert_eq!(first.save_now(), None);
    (dir, store, file, text, place)
}

fn src_at(text: &str, path: &std::path::Path) -> Source {
    source(text, Some(path.to_path_buf()))
}

/// A long article moved and edited: its place (far past what the first
/// window holds) is found in the whole once it is parsed, and the reader
/// goes there; the old record is kept, copied.
#[test]
fn a_moved_and_edited_long_article_finds_its_record_in_the_whole() {
    let (dir, store, file, text, place) = read_and_saved(400);
    assert!(place.0 > 200 * 1024, "{place:?}");

    let moved = dir.path().join("moved.md");
    std::fs::remove_file(&file).unwrap();
    let edited = format!("{text}\nA paragraph added at the end.\n");
    std::fs::write(&moved, &edited).unwrap();
    let mut again = App::open(
        &src_at(&edited, &moved),
        Theme::Dark,
        Some(store.clone()),
        false,
    );
    body(&mut again);
    again.tick(Instant::now());
    tick_until_whole(&mut again);
    body(&mut again);
    assert_eq!(again.top(), place);
    assert!(
        again
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("Resumed at"),
        "{:?}",
        again.message
    );
    assert_eq!(again.save_now(), None);
    assert_eq!(store.all().len(), 2, "the old record is kept");
}
