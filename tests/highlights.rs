//! Highlights in the reader (the reader's marks on passages, not the
//! colouring of code, which is `highlight.rs`): drawn as backgrounds in the
//! dark and light themes and underlined in mono, the newer over the older;
//! kept from a selection with `h`, `1`–`4` and `n`; and the list `H`, with
//! its keys and a highlight not found in an edited article.

use longform::load::decode;
use longform::selection::Motion;
use longform::store::Store;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::Mode;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const ARTICLE: &str = "# Tea\n\nThe first sentence is older. The second sentence is newer and \
overlaps it.\n\n## Water\n\nSoft water makes the better cup. Hard water dulls it.\n";

fn app(text: &str, theme: Theme) -> App {
    let source = decode(text.as_bytes().to_vec(), "tea.md".into(), None).unwrap();
    App::new(&source, theme)
}

fn frame(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t
}

/// Select from the search match of `phrase`, move by `motions`, and keep
/// it with `keep`.
fn mark(app: &mut App, phrase: &str, motions: &[Motion], keep: Action) {
    app.update(Action::SearchStart);
    for c in phrase.chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    app.update(Action::StartSelection);
    for &m in motions {
        app.update(Action::SelectMotion(m));
    }
    app.update(keep);
    app.search = None;
}

/// Two highlights that overlap, the second made later, and one in
/// another colour further down.
/// Select the sentence from `phrase`, keep it with `note` as its note.
fn noted(app: &mut App, phrase: &str, note: &str) {
    mark(app, phrase, &[Motion::SentenceNext], Action::NoteSelection);
    for c in note.chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
}

fn marked(theme: Theme) -> App {
    let mut app = app(ARTICLE, theme);
    frame(&mut app, 60, 14);
    mark(
        &mut app,
        "The first",
        &[Motion::SentenceNext, Motion::WordEnd, Motion::WordEnd],
        Action::HighlightSelection(1),
    );
    mark(
        &mut app,
        "is older",
        &[Motion::SentenceNext, Motion::SentenceNext],
        Action::HighlightSelection(3),
    );
    mark(
        &mut app,
        "Hard water",
        &[Motion::SentenceNext],
        Action::HighlightSelection(0),
    );
    app.update(Action::Top);
    app
}

fn snapshot(t: &Terminal<TestBackend>) -> String {
    format!("{:?}", t.backend().buffer())
}

/// The background of the first cell showing `word` on the screen.
fn background_of(t: &Terminal<TestBackend>, word: &str) -> (Color, Modifier) {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        // The row's text, and the column each of its bytes is drawn at.
        let mut row = String::new();
        let mut columns = Vec::new();
        for x in 0..buf.area.width {
            let symbol = buf[(x, y)].symbol();
            row.push_str(symbol);
            columns.extend(std::iter::repeat_n(x, symbol.len()));
        }
        if let Some(i) = row.find(word) {
            let cell = &buf[(columns[i], y)];
            return (cell.bg, cell.modifier);
        }
    }
    panic!("{word} not on screen");
}

#[test]
fn dark() {
    let mut app = marked(Theme::Dark);
    // Wider than the column: a margin for the marks.
    let t = frame(&mut app, 90, 14);
    let rows: Vec<String> = format!("{}", t.backend())
        .lines()
        .map(str::to_string)
        .collect();
    let marks = rows.iter().filter(|r| r.contains("▏")).count();
    assert_eq!(marks, 2, "{rows:#?}");
    // The newer highlight (colour 3) is drawn where the two overlap.
    let (older, _) = background_of(&t, "first");
    let (overlap, _) = background_of(&t, "older");
    let (newer, _) = background_of(&t, "newer");
    assert_ne!(older, Color::Reset);
    assert_ne!(older, overlap);
    assert_eq!(overlap, newer);
    assert_eq!(background_of(&t, "Soft").0, Color::Reset);
    insta::assert_snapshot!("highlights_dark", snapshot(&t));
}

/// The style of the first cell of `word` where it follows `before` on
/// the screen.
fn style_after(t: &Terminal<TestBackend>, before: &str, word: &str) -> (Color, Color, Modifier) {
    let buf = t.backend().buffer();
    let phrase = format!("{before}{word}");
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut columns = Vec::new();
        for x in 0..buf.area.width {
            let symbol = buf[(x, y)].symbol();
            row.push_str(symbol);
            columns.extend(std::iter::repeat_n(x, symbol.len()));
        }
        if let Some(i) = row.find(&phrase) {
            let cell = &buf[(columns[i + before.len()], y)];
            return (cell.fg, cell.bg, cell.modifier);
        }
    }
    panic!("{phrase} not on screen");
}

/// A search match in a highlight is drawn as a match anywhere else, in
/// every theme: the highlight's tint does not become the match's ink.
#[test]
fn a_match_in_a_highlight_looks_like_any_match() {
    for theme in [Theme::Dark, Theme::Light, Theme::Mono] {
        let mut app = marked(theme);
        app.update(Action::SearchStart);
        for c in "water".chars() {
            app.update(Action::PromptInput(c));
        }
        app.update(Action::PromptAccept);
        let t = frame(&mut app, 60, 14);
        let plain = style_after(&t, "Soft ", "water");
        let marked = style_after(&t, "Hard ", "water");
        assert_eq!(plain, marked, "{theme:?}");
        assert!(plain.2.contains(Modifier::REVERSED), "{theme:?} {plain:?}");
        // Next to it, the highlight is still drawn.
        assert_ne!(
            style_after(&t, "Hard water ", "dulls"),
            style_after(&t, "Soft water ", "makes")
        );
    }
}

#[test]
fn light() {
    let mut app = marked(Theme::Light);
    let t = frame(&mut app, 60, 14);
    assert_ne!(background_of(&t, "Hard").0, Color::Reset);
    insta::assert_snapshot!("highlights_light", snapshot(&t));
}

#[test]
fn mono() {
    let mut app = marked(Theme::Mono);
    let t = frame(&mut app, 60, 14);
    for c in &t.backend().buffer().content {
        assert_eq!(c.bg, Color::Reset, "{c:?}");
    }
    assert!(background_of(&t, "first").1.contains(Modifier::UNDERLINED));
    assert!(!background_of(&t, "Soft").1.contains(Modifier::UNDERLINED));
    insta::assert_snapshot!("highlights_mono", snapshot(&t));
    // The list names each colour by its number, having no colour to show.
    app.update(Action::OpenHighlights);
    let t = frame(&mut app, 80, 20);
    let rows: Vec<String> = format!("{}", t.backend())
        .lines()
        .map(str::to_string)
        .collect();
    let marks: Vec<Option<char>> = ["“The first", "“is older", "“Hard water"]
        .iter()
        .map(|p| {
            let row = rows.iter().find(|r| r.contains(p)).expect("listed");
            row[..row.find(p).unwrap()].trim_end().chars().last()
        })
        .collect();
    assert_eq!(marks, [Some('1'), Some('3'), Some('1')], "{rows:#?}");
}

/// `highlight1`…`highlight4` in `[colors]` set the four colours; the
/// default colour is drawn as the first.
#[test]
fn the_colours_come_from_the_config() {
    let (config, warnings) = longform::config::Config::parse(
        "[colors]\nhighlight1 = \"#ffd700\"\nhighlight3 = \"#87cefa\"\n",
    );
    assert_eq!(warnings, Vec::new());
    let (theme, warnings) = Theme::Dark.with_colors(&config.colors);
    assert_eq!(warnings, Vec::new());
    let mut app = marked(theme);
    let t = frame(&mut app, 60, 14);
    // Colour 1, colour 3 over it, and the default colour.
    assert_eq!(background_of(&t, "first").0, Color::Rgb(255, 215, 0));
    assert_eq!(background_of(&t, "newer").0, Color::Rgb(135, 206, 250));
    assert_eq!(background_of(&t, "Hard").0, Color::Rgb(255, 215, 0));
}

#[test]
fn n_keeps_the_selection_and_asks_for_its_note() {
    let mut app = app(ARTICLE, Theme::Dark);
    frame(&mut app, 60, 14);
    mark(
        &mut app,
        "Soft water",
        &[Motion::SentenceNext],
        Action::NoteSelection,
    );
    assert_eq!(app.mode, Mode::Prompt);
    for c in "try it".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    assert_eq!(app.mode, Mode::Reading);
    let all = app.highlights();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].text, "Soft water makes the better cup.");
    assert_eq!(all[0].note.as_deref(), Some("try it"));
    assert_eq!(all[0].section.as_deref(), Some("Water"));
}

/// Editing a note goes on from its end: what is typed is added to it,
/// and Backspace trims its last letter, never the whole note at once.
#[test]
fn a_note_is_edited_from_its_end() {
    let mut app = app(ARTICLE, Theme::Dark);
    frame(&mut app, 60, 14);
    noted(&mut app, "Soft water", "try it");
    app.update(Action::OpenHighlights);
    frame(&mut app, 60, 14);
    app.update(Action::HighlightNote);
    assert_eq!(app.mode, Mode::Prompt);
    app.update(Action::PromptEdit(longform::tui::prompt::Edit::Backspace));
    for c in "s, cold".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    assert_eq!(app.highlights()[0].note.as_deref(), Some("try is, cold"));
}

/// The note's prompt says what Esc does: the highlight is made already,
/// and Esc keeps it, without a note, or with the note it had.
#[test]
fn esc_at_the_note_keeps_the_highlight_and_says_so() {
    let mut app = app(ARTICLE, Theme::Dark);
    frame(&mut app, 80, 14);
    mark(
        &mut app,
        "Soft water",
        &[Motion::SentenceNext],
        Action::NoteSelection,
    );
    let shown = format!("{}", frame(&mut app, 80, 14).backend());
    assert!(shown.contains("Esc keeps it without one"), "{shown}");
    app.update(Action::PromptCancel);
    assert_eq!(app.highlights().len(), 1);
    let shown = format!("{}", frame(&mut app, 80, 14).backend());
    assert!(shown.contains("Highlight kept without a note"), "{shown}");

    // From the list, on a highlight with a note.
    app.update(Action::OpenHighlights);
    app.update(Action::HighlightNote);
    for c in "soft".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    app.update(Action::HighlightNote);
    let shown = format!("{}", frame(&mut app, 80, 14).backend());
    assert!(shown.contains("Esc keeps the note"), "{shown}");
    app.update(Action::PromptCancel);
    assert_eq!(app.highlights()[0].note.as_deref(), Some("soft"));
    assert_eq!(app.message.as_deref(), Some("Note left as it was"));
}

/// Ended from outside while a note is typed (`App::keep_draft`): a new
/// note is kept, but a note that was there is never replaced by a half
/// edit, nor emptied.
#[test]
fn a_draft_is_kept_on_a_signal_but_never_over_a_note_that_was_there() {
    let mut app = app(ARTICLE, Theme::Dark);
    frame(&mut app, 60, 14);
    mark(
        &mut app,
        "Soft water",
        &[Motion::SentenceNext],
        Action::NoteSelection,
    );
    for c in "half a".chars() {
        app.update(Action::PromptInput(c));
    }
    assert_eq!(app.keep_draft(), Some("the note being typed was kept"));
    assert_eq!(app.highlights()[0].note.as_deref(), Some("half a"));
    // The note is there: an edit that cleared it is left, as is one that
    // typed over it.
    app.update(Action::OpenHighlights);
    app.update(Action::HighlightNote);
    app.update(Action::PromptEdit(longform::tui::prompt::Edit::Backspace));
    assert_eq!(
        app.keep_draft(),
        Some("the note being edited was left as it was")
    );
    assert_eq!(app.highlights()[0].note.as_deref(), Some("half a"));
    app.update(Action::HighlightNote);
    app.update(Action::PromptInput('x'));
    assert_eq!(
        app.keep_draft(),
        Some("the note being edited was left as it was")
    );
    assert_eq!(app.highlights()[0].note.as_deref(), Some("half a"));
    // A search is not a draft.
    app.update(Action::CloseOverlay);
    app.update(Action::SearchStart);
    app.update(Action::PromptInput('w'));
    assert_eq!(app.keep_draft(), None);
}

/// A filter of the list that matches nothing goes with one key.
#[test]
fn a_filter_that_shows_no_highlight_goes_with_one_esc() {
    let mut app = marked(Theme::Dark);
    app.update(Action::OpenHighlights);
    app.update(Action::FilterStart);
    for c in "zzz".chars() {
        app.update(Action::FilterInput(c));
    }
    assert!(app.listed_highlights().is_empty());
    app.update(Action::FilterDone);
    assert_eq!(app.mode, Mode::Highlights);
    assert_eq!(app.listed_highlights().len(), 3);
    // One that matches is kept.
    app.update(Action::FilterStart);
    for c in "hard".chars() {
        app.update(Action::FilterInput(c));
    }
    app.update(Action::FilterDone);
    assert_eq!(app.listed_highlights().len(), 1);
}

#[test]
fn the_list_and_its_keys() {
    let mut app = marked(Theme::Dark);
    app.update(Action::OpenHighlights);
    assert_eq!(app.mode, Mode::Highlights);
    let t = frame(&mut app, 80, 20);
    let shown = format!("{}", t.backend());
    assert!(
        shown.contains("“The first sentence is older. The second”"),
        "{shown}"
    );
    assert!(shown.contains("Enter jump · d delete"), "{shown}");
    insta::assert_snapshot!("highlights_list_80x20", t.backend());

    // `y`: the passage as a Markdown quote.
    app.update(Action::HighlightLast);
    app.update(Action::HighlightCopy);
    assert_eq!(app.clipboard.as_deref(), Some("> Hard water dulls it.\n"));
    // `c`: the next colour; `n`: a note.
    app.update(Action::HighlightColor);
    assert_eq!(app.highlights()[2].color, 2);
    app.update(Action::HighlightNote);
    for c in "hard".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    assert_eq!(app.mode, Mode::Highlights);
    app.update(Action::HighlightCopy);
    assert_eq!(
        app.clipboard.as_deref(),
        Some("> Hard water dulls it.\n\nhard\n")
    );
    // `d` deletes, `u` brings it back.
    app.update(Action::HighlightFirst);
    app.update(Action::HighlightDelete);
    assert_eq!(app.highlights().len(), 2);
    app.update(Action::HighlightUndo);
    assert_eq!(app.highlights().len(), 3);
    // `/` filters by passage, note or section.
    app.update(Action::FilterStart);
    assert_eq!(app.mode, Mode::HighlightsFilter);
    for c in "HARD".chars() {
        app.update(Action::FilterInput(c));
    }
    app.update(Action::FilterDone);
    assert_eq!(app.listed_highlights().len(), 1);
    // `Enter` jumps there, and `Backspace` comes back.
    let before = app.reader.top;
    app.update(Action::HighlightOpen);
    assert_eq!(app.mode, Mode::Reading);
    let at = ARTICLE.find("Hard water").unwrap();
    assert!(app.reader.top.0 <= at && app.reader.top > before);
    app.update(Action::JumpBack);
    assert_eq!(app.reader.top, before);
}

/// At 40 columns a note is still shown beside a long section title: the
/// section gives way to the reader's own words.
#[test]
fn a_narrow_list_keeps_the_note() {
    let text = "# Tea\n\n## A section with a rather long title indeed\n\nHard water dulls it.\n";
    let mut app = app(text, Theme::Dark);
    frame(&mut app, 40, 14);
    mark(
        &mut app,
        "Hard water",
        &[Motion::WordEnd],
        Action::HighlightSelection(1),
    );
    app.update(Action::OpenHighlights);
    app.update(Action::HighlightNote);
    for c in "too bitter".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    for width in [40, 80] {
        let t = frame(&mut app, width, 14);
        let shown = format!("{}", t.backend());
        assert!(shown.contains("✎ too bitter"), "{width}: {shown}");
        assert!(shown.contains("A se"), "{width}: {shown}");
    }
}

/// A highlight whose passage was deleted from the file stays in the list,
/// marked, and is not drawn.
#[test]
fn a_highlight_not_found_is_listed_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tea.md");
    let store = Store::new(&dir.path().join("config"));
    let open = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let source = decode(
            text.as_bytes().to_vec(),
            "tea.md".into(),
            Some(path.clone()),
        )
        .unwrap();
        App::open(&source, Theme::Dark, Some(store.clone()), false)
    };
    let mut app = open(ARTICLE);
    frame(&mut app, 80, 20);
    mark(
        &mut app,
        "Hard water",
        &[Motion::SentenceNext],
        Action::HighlightSelection(4),
    );
    mark(&mut app, "Soft water", &[], Action::HighlightSelection(2));
    assert_eq!(app.save_now(), None);
    drop(app);

    let edited = ARTICLE.replace(" Hard water dulls it.", "");
    let mut app = open(&edited);
    frame(&mut app, 80, 20);
    app.update(Action::OpenHighlights);
    let t = frame(&mut app, 80, 20);
    let shown = format!("{}", t.backend());
    assert!(shown.contains("not found in this version"), "{shown}");
    let all = app.highlights();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].text, "Soft water");
    assert!(all[1].range.is_none());
    app.update(Action::HighlightLast);
    app.update(Action::HighlightOpen);
    assert_eq!(app.mode, Mode::Highlights, "nowhere to jump");
}

/// `/` finds text in notes too, after the matches in the article.
#[test]
fn search_finds_notes_after_the_article() {
    let mut app = app(ARTICLE, Theme::Dark);
    frame(&mut app, 60, 6);
    noted(&mut app, "Hard water", "Steep it longer");
    app.update(Action::Top);
    // Only in the note.
    app.update(Action::SearchStart);
    for c in "steep  it".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    let search = app.search.clone().unwrap();
    assert_eq!((search.total, search.count()), (0, 1));
    assert_eq!(app.message.as_deref(), Some("In a note: Steep it longer"));
    let t = frame(&mut app, 60, 6);
    assert!(format!("{}", t.backend()).contains("Hard water"));
    // In the article and in the note: the note comes last.
    app.update(Action::Top);
    app.update(Action::SearchStart);
    for c in "longer".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    let search = app.search.clone().unwrap();
    assert_eq!((search.total, search.count()), (0, 1));
    app.update(Action::SearchStart);
    for c in "hard".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    assert_eq!(app.search.as_ref().map(|s| s.count()), Some(1));
    app.update(Action::SearchStart);
    for c in "it".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    let search = app.search.clone().unwrap();
    assert_eq!(search.count(), search.total + 1);
    // `n` goes through the article's matches, then the note, then wraps.
    let from = search.current.unwrap();
    for k in (from + 1..=search.total).chain([0]) {
        app.update(Action::SearchNext);
        assert_eq!(app.search.as_ref().unwrap().current, Some(k));
        if k == search.total {
            assert_eq!(app.message.as_deref(), Some("In a note: Steep it longer"));
        }
    }
}
