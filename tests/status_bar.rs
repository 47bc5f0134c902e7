//! The status bar at every width: the section path, the percent, the
//! minutes left in the section and in the article, then the title, the
//! least important dropped first, for an article whose title is 70
//! characters long and whose section names are 50.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use longform::tui::view::status::{Parts, compose};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

const WIDTHS: [u16; 6] = [40, 60, 80, 100, 120, 200];

fn app() -> App {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/long-names.md");
    let text = std::fs::read(path).unwrap();
    App::new(
        &decode(text, "long-names.md".into(), None).unwrap(),
        Theme::Mono,
    )
}

/// The bottom row of the screen at `width` columns, 12 rows high.
fn status(app: &mut App, width: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, 12)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    let buf = t.backend().buffer();
    (0..width)
        .map(|x| buf[(x, 11)].symbol().to_string())
        .collect()
}

#[test]
fn the_status_bar_at_every_width() {
    let mut app = app();
    status(&mut app, 80);
    // Into the second section, past its heading.
    app.update(Action::NextHeading);
    app.update(Action::NextHeading);
    app.update(Action::LineDown);
    let mut shown = String::new();
    for w in WIDTHS {
        let bar = status(&mut app, w);
        assert_eq!(bar.width(), usize::from(w));
        // The section is always named, its end kept.
        assert!(bar.contains("§ "), "{w}: {bar}");
        assert!(bar.contains("Grain Market"), "{w}: {bar}");
        // The percent, from 60 columns on.
        if w >= 60 {
            assert!(bar.contains('%'), "{w}: {bar}");
        }
        shown.push_str(&format!("{w:>3} |{bar}|\n"));
    }
    insta::assert_snapshot!("status_bar_widths", shown);
}

fn parts() -> Parts {
    Parts {
        path: vec!["Japan".into(), "Birth of the Opposition".into()],
        percent: 45,
        at_end: false,
        section_minutes: Some(3),
        article_minutes: 6,
        title: "An Essay".into(),
    }
}

#[test]
fn every_number_has_its_label() {
    let (left, right) = compose(&parts(), 120);
    assert_eq!(left, " An Essay · § Japan › Birth of the Opposition");
    assert_eq!(right, " 45% · 3 min left in section · 6 min in article ");
}

#[test]
fn the_least_important_goes_first_and_the_section_is_cut_from_the_left() {
    let widths = [100, 90, 80, 60, 50, 40, 30, 20];
    let mut seen = Vec::new();
    for w in widths {
        let (left, right) = compose(&parts(), w);
        assert!(left.width() + right.width() <= w, "{w}: {left}|{right}");
        seen.push(format!("{left}|{right}"));
    }
    // The title goes first, then the minutes in the article, then those in
    // the section; the section path is cut from the left, never dropped.
    assert!(!seen[2].contains("An Essay") || seen[2].contains("in article"));
    let at_30 = &seen[6];
    assert!(
        at_30.contains("…") && at_30.contains("Opposition"),
        "{at_30}"
    );
    assert!(at_30.contains("45%"), "{at_30}");
    for s in &seen {
        assert!(s.contains("Opposition"), "{s}");
    }
    // Wide characters are measured in columns.
    let wide = Parts {
        path: vec!["日本の反対派の誕生と成長の歴史について".into()],
        ..parts()
    };
    for w in 20..80 {
        let (left, right) = compose(&wide, w);
        assert!(left.width() + right.width() <= w, "{w}: {left}|{right}");
    }
}

#[test]
fn at_the_end_the_minutes_say_end() {
    let p = Parts {
        at_end: true,
        percent: 100,
        ..parts()
    };
    let (_, right) = compose(&p, 120);
    assert_eq!(right, " 100% · end ");
}

/// A Project Gutenberg book: once its last words are on screen, with
/// only the dimmed licence (no reading, not counted) below them, the bar
/// says `100% · end`, never `0 min`.
#[test]
fn the_end_of_a_book_is_its_last_words_not_its_licence() {
    let mut text = String::from(
        "The Project Gutenberg eBook of A Short Book\n\n\
         Title: A Short Book\n\nAuthor: Someone\n\n\
         *** START OF THE PROJECT GUTENBERG EBOOK A SHORT BOOK ***\n\n",
    );
    for n in 1..=12 {
        text.push_str(&format!(
            "Paragraph {n} of the book, long enough to be running text that\n\
             wraps over a few lines of the screen, as a novel's do.\n\n"
        ));
    }
    text.push_str("THE END\n\n*** END OF THE PROJECT GUTENBERG EBOOK A SHORT BOOK ***\n\n");
    for n in 1..=30 {
        text.push_str(&format!(
            "Section {n}. The licence of the Project Gutenberg eBook, which is\n\
             no part of the book and is not counted as reading in it.\n\n"
        ));
    }
    let path = std::path::PathBuf::from("book.txt");
    let mut app = App::new(
        &decode(text.into_bytes(), "book.txt".into(), Some(path)).unwrap(),
        Theme::Mono,
    );
    let mut saw_end = false;
    for _ in 0..40 {
        let bar = status(&mut app, 80);
        assert!(!bar.contains(" 0 min"), "{bar}");
        let screen = {
            let mut t = Terminal::new(TestBackend::new(80, 12)).unwrap();
            t.draw(|f| draw(f, &mut app)).unwrap();
            let buf = t.backend().buffer().clone();
            (0..12)
                .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
                .collect::<Vec<_>>()
                .join("\n")
        };
        if bar.contains("end") {
            assert!(bar.contains("100% · end"), "{bar}");
            // Said once the last words came on screen, not before.
            assert!(screen.contains("THE END"), "{screen}");
            // And the place is saved as the end, as the bar says.
            assert!(app.screen_range().1);
            saw_end = true;
            // The licence goes on below.
            assert!(!screen.contains("Section 30."), "{screen}");
            break;
        }
        app.update(Action::LineDown);
    }
    assert!(saw_end, "never said the end");
}

#[test]
fn a_search_count_takes_its_room_from_the_figures() {
    let mut app = app();
    status(&mut app, 80);
    app.update(Action::NextHeading);
    app.update(Action::SearchStart);
    for c in "grain".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    for w in WIDTHS {
        let bar = status(&mut app, w);
        assert!(bar.contains("match 1/"), "{w}: {bar}");
        assert!(bar.contains("§ "), "{w}: {bar}");
    }
}
