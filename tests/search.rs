//! Search in the reader (issue 6), through the real `App` and views drawn on
//! ratatui's TestBackend: matches highlighted as the query is typed, Enter
//! jumps and counts, `n` and `N` wrap with a message, Esc and Backspace go
//! back.

use longform::load::decode;
use longform::search::find_all;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::Mode;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

fn app(path: &str) -> App {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    let mut app = App::new(
        &decode(bytes, path.into(), Some(full.into())).unwrap(),
        Theme::Dark,
    );
    screen(&mut app);
    app
}

fn slow_web() -> App {
    app("articles/the-slow-web.md")
}

fn screen(app: &mut App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal
}

fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

fn status(terminal: &Terminal<TestBackend>) -> String {
    rows(terminal).pop().unwrap()
}

/// The highlighted text on each row: runs of cells drawn in the search
/// style, as (row, text).
fn highlighted(terminal: &Terminal<TestBackend>) -> Vec<(u16, String)> {
    let buf = terminal.backend().buffer();
    let mut out: Vec<(u16, String)> = Vec::new();
    for y in 0..buf.area.height {
        let mut run: Option<String> = None;
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let lit = cell.modifier.contains(Modifier::REVERSED) && cell.fg == Color::Indexed(222);
            match (&mut run, lit) {
                (Some(r), true) => r.push_str(cell.symbol()),
                (None, true) => run = Some(cell.symbol().to_string()),
                (Some(_), false) => out.push((y, run.take().unwrap_or_default())),
                (None, false) => {}
            }
        }
        if let Some(r) = run {
            out.push((y, r));
        }
    }
    out
}

fn search(app: &mut App, query: &str) {
    app.update(Action::SearchStart);
    for c in query.chars() {
        app.update(Action::PromptInput(c));
    }
}

/// The row of the screen that shows source byte `at`.
fn row_of(app: &mut App, at: usize) -> Option<usize> {
    let screen = app.reader.screen(&app.doc, &mut app.layout);
    screen
        .lines
        .iter()
        .position(|l| l.start <= at && at < l.end.max(l.start + 1))
}

fn current_start(app: &App) -> usize {
    let s = app.search.as_ref().expect("a search");
    s.get(s.current.expect("a current match"))
        .expect("kept")
        .start
}

#[test]
fn matches_are_highlighted_as_the_query_is_typed() {
    let mut app = slow_web();
    assert!(highlighted(&screen(&mut app)).is_empty());
    search(&mut app, "meas");
    assert_eq!(app.mode, Mode::Prompt);
    let t = screen(&mut app);
    let lit = highlighted(&t);
    assert!(!lit.is_empty(), "{}", rows(&t).join("\n"));
    for (_, text) in &lit {
        assert_eq!(text.to_lowercase(), "meas", "{lit:?}");
    }
    // The prompt counts the matches as they change.
    let n = app.search.as_ref().unwrap().matches.len();
    assert!(status(&t).contains("Search: meas"), "{}", status(&t));
    assert!(
        status(&t).contains(&format!("{n} matches")),
        "{}",
        status(&t)
    );
    app.update(Action::PromptInput('u'));
    app.update(Action::PromptInput('r'));
    app.update(Action::PromptInput('e'));
    let t = screen(&mut app);
    let lit = highlighted(&t);
    assert!(!lit.is_empty());
    assert!(
        lit.iter().all(|(_, s)| s.eq_ignore_ascii_case("measure")),
        "{lit:?}"
    );
}

#[test]
fn a_match_split_by_emphasis_is_highlighted_whole() {
    let mut app = slow_web();
    // "its *measure*, and": the emphasis is part of the phrase.
    search(&mut app, "its measure, and");
    app.update(Action::PromptAccept);
    let t = screen(&mut app);
    let lit: String = highlighted(&t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(lit, "its measure, and", "{}", rows(&t).join("\n"));
}

#[test]
fn enter_jumps_a_third_down_and_the_status_counts() {
    let mut app = slow_web();
    let top = app.reader.place();
    search(&mut app, "measure");
    app.update(Action::PromptAccept);
    assert_eq!(app.mode, Mode::Reading);
    let n = find_all(&app.doc, "measure").len();
    assert!(n >= 5, "{n}");
    let t = screen(&mut app);
    assert!(
        status(&t).contains(&format!("match 1/{n}")),
        "{}",
        status(&t)
    );
    // The match is a third of the way down the text rows.
    let at = current_start(&app);
    let text_rows = usize::from(HEIGHT) - 1;
    assert_eq!(row_of(&mut app, at), Some(text_rows / 3));
    assert!(!highlighted(&t).is_empty());
    // Backspace goes back along the jump list to where the search began.
    app.update(Action::JumpBack);
    assert_eq!(app.reader.place(), top);
}

#[test]
fn enter_takes_the_first_match_from_the_top_of_the_screen() {
    let mut app = slow_web();
    let all = find_all(&app.doc, "measure");
    // Put a later match's paragraph on top.
    app.reader.jump_to(
        &app.doc,
        &mut app.layout,
        longform::position::Position(all[3].start),
    );
    let top = app.reader.top.0;
    search(&mut app, "measure");
    app.update(Action::PromptAccept);
    let i = all.iter().position(|m| m.start >= top).unwrap();
    assert_eq!(app.search.as_ref().unwrap().current, Some(i));
}

#[test]
fn n_and_shift_n_wrap_around_with_a_message() {
    let mut app = slow_web();
    search(&mut app, "measure");
    app.update(Action::PromptAccept);
    let n = app.search.as_ref().unwrap().matches.len();
    app.update(Action::SearchPrev);
    let t = screen(&mut app);
    assert!(
        status(&t).contains("Search wrapped to the end"),
        "{}",
        status(&t)
    );
    assert!(
        status(&t).contains(&format!("match {n}/{n}")),
        "{}",
        status(&t)
    );
    app.update(Action::SearchNext);
    let t = screen(&mut app);
    assert!(
        status(&t).contains("Search wrapped to the start"),
        "{}",
        status(&t)
    );
    assert!(
        status(&t).contains(&format!("match 1/{n}")),
        "{}",
        status(&t)
    );
    app.update(Action::SearchNext);
    let t = screen(&mut app);
    assert!(
        status(&t).contains(&format!("match 2/{n}")),
        "{}",
        status(&t)
    );
    assert!(!status(&t).contains("wrapped"), "{}", status(&t));
    let at = current_start(&app);
    assert!(row_of(&mut app, at).is_some());
}

#[test]
fn escape_returns_to_where_the_search_began() {
    let mut app = slow_web();
    app.update(Action::PageDown);
    screen(&mut app);
    let place = app.reader.place();
    // A word far below: typing shows it.
    search(&mut app, "twelve minutes");
    assert_ne!(app.reader.place(), place);
    app.update(Action::PromptCancel);
    assert_eq!(app.mode, Mode::Reading);
    assert_eq!(app.reader.place(), place);
    assert!(highlighted(&screen(&mut app)).is_empty());
}

#[test]
fn case_is_smart_and_a_miss_says_so() {
    let mut app = slow_web();
    search(&mut app, "Measure");
    app.update(Action::PromptAccept);
    let exact = app.search.as_ref().unwrap().matches.len();
    assert!(exact < find_all(&app.doc, "measure").len());
    search(&mut app, "zebra crossing");
    app.update(Action::PromptAccept);
    let t = screen(&mut app);
    assert!(
        status(&t).contains("Not found: zebra crossing"),
        "{}",
        status(&t)
    );
    app.update(Action::SearchNext);
    assert_eq!(app.message.as_deref(), Some("Not found: zebra crossing"));
}

#[test]
fn n_without_a_search_explains() {
    let mut app = slow_web();
    let place = app.reader.place();
    app.update(Action::SearchNext);
    assert_eq!(app.reader.place(), place);
    assert!(app.message.as_deref().unwrap_or("").contains("/ searches"));
}

/// An app on a small article given as text.
fn app_on(text: &str) -> App {
    let mut app = App::new(
        &decode(text.as_bytes().to_vec(), "t.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app);
    app
}

#[test]
fn typographic_quotes_and_code_are_highlighted_whole() {
    let mut app = app_on(
        "# Notes\n\nI don't know; you don\u{2019}t either.\n\n```\nlet x = don_t();\n```\n\nA *soft\nbreak* here.\n",
    );
    search(&mut app, "don't");
    let lit: Vec<String> = highlighted(&screen(&mut app))
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(lit, ["don’t", "don’t"]);
    app.update(Action::PromptCancel);
    search(&mut app, "soft break");
    let lit: Vec<(u16, String)> = highlighted(&screen(&mut app));
    assert_eq!(lit.len(), 1, "{lit:?}");
    assert_eq!(lit[0].1, "soft break");
    app.update(Action::PromptCancel);
    search(&mut app, "x = don");
    let lit: Vec<String> = highlighted(&screen(&mut app))
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(lit, ["x = don"]);
}

#[test]
fn n_after_scrolling_away_goes_on_from_the_top_of_the_screen() {
    let mut text = String::new();
    for i in 0..10 {
        text.push_str(&format!("Needle number {i}.\n\n"));
        for _ in 0..40 {
            text.push_str("Filler paragraph text.\n\n");
        }
    }
    let mut app = app_on(&text);
    search(&mut app, "needle");
    app.update(Action::PromptAccept);
    assert_eq!(app.search.as_ref().unwrap().current, Some(0));
    // Four pages down: the first match is far above, the third below.
    for _ in 0..4 {
        app.update(Action::PageDown);
    }
    app.update(Action::SearchNext);
    let t = screen(&mut app);
    assert!(status(&t).contains("match 3/10"), "{}", status(&t));
    app.update(Action::SearchPrev);
    let t = screen(&mut app);
    assert!(status(&t).contains("match 2/10"), "{}", status(&t));
    assert!(!status(&t).contains("wrapped"), "{}", status(&t));
    // Gone elsewhere, the bar gives the count, not a match off screen.
    app.update(Action::Top);
    let t = screen(&mut app);
    assert!(status(&t).contains("10 matches"), "{}", status(&t));
    assert!(!status(&t).contains("match 2/10"), "{}", status(&t));
}

/// A long article with a rare word every 100 KB or so among a common one.
fn long_app() -> (App, String) {
    let filler = "Some filler text in a paragraph, one of many.\n\n".repeat(2000);
    let mut src = String::from("# Long\n\n");
    for i in 0..12 {
        src.push_str(&filler);
        src.push_str(&format!("The needle number {i}.\n\n"));
    }
    let mut app = App::new(
        &decode(src.clone().into_bytes(), "long.md".into(), None).unwrap(),
        Theme::Dark,
    );
    app.wait_whole();
    screen(&mut app);
    (app, src)
}

#[test]
fn n_and_n_walk_every_match_of_a_long_article_keeping_those_around() {
    let (mut app, src) = long_app();
    let needles = find_all(&app.doc, "needle");
    assert_eq!(needles.len(), 12);
    search(&mut app, "needle");
    app.update(Action::PromptAccept);
    assert_eq!(current_start(&app), needles[0].start);
    assert!(status(&screen(&mut app)).contains("match 1/12"));
    // Forward through all of them, then around to the first.
    for (k, m) in needles.iter().enumerate().skip(1) {
        app.update(Action::SearchNext);
        assert_eq!(current_start(&app), m.start, "match {k}");
        let t = screen(&mut app);
        assert!(
            status(&t).contains(&format!("match {}/12", k + 1)),
            "{}",
            status(&t)
        );
        assert!(highlighted(&t).iter().any(|(_, s)| s == "needle"));
    }
    app.update(Action::SearchNext);
    assert_eq!(current_start(&app), needles[0].start);
    assert!(status(&screen(&mut app)).contains("Search wrapped to the start"));
    // Backward around to the last, and on back.
    app.update(Action::SearchPrev);
    assert_eq!(current_start(&app), needles[11].start);
    for k in (0..11).rev() {
        app.update(Action::SearchPrev);
        assert_eq!(current_start(&app), needles[k].start, "match {k}");
        assert!(status(&screen(&mut app)).contains(&format!("match {}/12", k + 1)));
    }

    // A common word: only the matches around the screen are kept, and
    // they follow the screen so that it is always lit.
    let all = find_all(&app.doc, "filler");
    app.update(Action::Top);
    app.update(Action::SearchStart);
    for c in "filler".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    let search = app.search.as_ref().unwrap();
    assert_eq!(search.total, all.len());
    assert!(
        search.matches.len() < all.len() / 2,
        "{} kept",
        search.matches.len()
    );
    // `n` walks them past the end of those kept, and `N` back.
    let kept = search.matches.len();
    for (k, m) in all.iter().enumerate().take(kept + 50).skip(1) {
        app.update(Action::SearchNext);
        assert_eq!(current_start(&app), m.start, "match {k}");
    }
    for k in (kept - 50..kept + 49).rev() {
        app.update(Action::SearchPrev);
        assert_eq!(current_start(&app), all[k].start, "match {k}");
    }
    app.update(Action::Top);
    app.update(Action::Bottom);
    let t = screen(&mut app);
    assert!(
        highlighted(&t).iter().any(|(_, s)| s == "filler"),
        "{}",
        rows(&t).join("\n")
    );
    let search = app.search.as_ref().unwrap();
    assert_eq!(search.matches.last(), all.last());
    // `n` on the last screen goes to its first match, and on from the
    // last of all around to the first.
    let top = app.reader.top.0;
    app.update(Action::SearchNext);
    let first_shown = all.partition_point(|m| m.start < top);
    assert_eq!(current_start(&app), all[first_shown].start);
    for _ in first_shown + 1..all.len() {
        app.update(Action::SearchNext);
    }
    assert_eq!(current_start(&app), all[all.len() - 1].start);
    app.update(Action::SearchNext);
    assert_eq!(current_start(&app), all[0].start);
    assert!(status(&screen(&mut app)).contains(&format!("match 1/{}", all.len())));
    assert_eq!(&src[all[0].clone()], "filler");
}

#[test]
fn the_kept_matches_follow_the_screen_and_the_current_one_stays() {
    let (mut app, _) = long_app();
    // Every match on each screen is lit, paging down through the article.
    search(&mut app, "filler");
    app.update(Action::PromptAccept);
    let all = find_all(&app.doc, "filler");
    for _ in 0..400 {
        app.update(Action::PageDown);
        let t = screen(&mut app);
        let lines = app.reader.screen(&app.doc, &mut app.layout).lines.clone();
        let (top, bottom) = (lines[0].start, lines[lines.len() - 1].end);
        let shown = all
            .iter()
            .filter(|m| m.start >= top && m.end <= bottom)
            .count();
        let lit = highlighted(&t)
            .iter()
            .filter(|(_, s)| s == "filler")
            .count();
        assert_eq!(lit, shown, "top {top}");
    }

    // Far away and back: the current match is still the current one.
    search(&mut app, "needle");
    app.update(Action::PromptAccept);
    app.update(Action::Top);
    app.update(Action::SearchNext);
    app.update(Action::SearchNext);
    app.update(Action::SearchNext);
    assert!(status(&screen(&mut app)).contains("match 3/12"));
    for _ in 0..300 {
        app.update(Action::PageDown);
    }
    for _ in 0..300 {
        app.update(Action::PageUp);
    }
    assert!(status(&screen(&mut app)).contains("match 3/12"));
    app.update(Action::SearchNext);
    assert!(status(&screen(&mut app)).contains("match 4/12"));

    // A reload keeps the query and counts again in the new text.
    let text = "# Short\n\nA needle here.\n\nAnother needle there.\n";
    app.reload(decode(text.as_bytes().to_vec(), "long.md".into(), None));
    let t = screen(&mut app);
    assert!(status(&t).contains("2 matches"), "{}", status(&t));
    assert_eq!(highlighted(&t).len(), 2);
    // `n` goes to a match of the new text, counted among its two.
    app.update(Action::SearchNext);
    let t = screen(&mut app);
    assert!(status(&t).contains("/2 "), "{}", status(&t));
    let at = current_start(&app);
    assert_eq!(&text[at..at + 6], "needle");
}

#[test]
fn a_search_typed_in_a_long_article_is_counted_between_keys() {
    let (mut app, _) = long_app();
    let all = find_all(&app.doc, "filler");
    app.update(Action::SearchStart);
    app.update(Action::PromptInput('f'));
    assert!(app.counting(), "an article over 1 MiB counts between keys");
    for c in "iller".chars() {
        app.update(Action::PromptInput(c));
    }
    // The screen's matches are lit at once, the count is to come.
    let t = screen(&mut app);
    assert!(status(&t).contains("counting…"), "{}", status(&t));
    assert!(highlighted(&t).iter().any(|(_, s)| s == "filler"));
    let mut steps = 0;
    while app.count_some() {
        steps += 1;
    }
    assert!(steps > 1, "counted a few stretches at a time");
    assert!(!app.counting());
    let t = screen(&mut app);
    assert!(
        status(&t).contains(&format!("{} matches", all.len())),
        "{}",
        status(&t)
    );
    let search = app.search.as_ref().unwrap();
    assert_eq!(search.total, all.len());
    assert_eq!(search.current, Some(0));
    assert_eq!(search.get(0), all.first());
    // Enter while a count is going on finishes it first.
    app.update(Action::PromptCancel);
    search_typed_then_accept(&mut app, "needle");
    let search = app.search.as_ref().unwrap();
    assert_eq!(search.total, 12);
    assert!(!app.counting());
    assert!(status(&screen(&mut app)).contains("match 1/12"));
}

fn search_typed_then_accept(app: &mut App, query: &str) {
    app.update(Action::SearchStart);
    for c in query.chars() {
        app.update(Action::PromptInput(c));
    }
    assert!(app.counting());
    app.update(Action::PromptAccept);
}

/// A single match, out of sight, is counted in the singular.
#[test]
fn one_match_out_of_sight_is_one_match() {
    let mut app = slow_web();
    search(&mut app, "Glass before paper");
    app.update(Action::PromptAccept);
    app.update(Action::Bottom);
    let t = screen(&mut app);
    assert!(status(&t).contains(" 1 match ·"), "{}", status(&t));
}
