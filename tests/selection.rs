//! Selecting text in the reader, drawn on ratatui's TestBackend: `v` and
//! its motions, the selection in reverse video, the status bar, the screen
//! following the moving end, and `y`.

use longform::load::decode;
use longform::selection::Motion;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::Mode;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn app(text: &str) -> App {
    let source = decode(text.as_bytes().to_vec(), "a.md".into(), None).unwrap();
    App::new(&source, Theme::Dark)
}

fn tea() -> App {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/articles/field-notes-on-tea.md"
    );
    let bytes = std::fs::read(path).unwrap();
    App::new(
        &decode(bytes, "field-notes-on-tea.md".into(), Some(path.into())).unwrap(),
        Theme::Dark,
    )
}

fn frame(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t
}

/// The screen's rows, with the cells in reverse video between ⟦ and ⟧.
fn marked(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut inside = false;
        let mut skip = 0;
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            // The cells a wide character covers after its first.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            // The status bar is drawn reversed in mono only; here it is
            // coloured, so only the selection is reversed.
            let rev = cell.modifier.contains(Modifier::REVERSED);
            if rev != inside {
                row.push(if rev { '⟦' } else { '⟧' });
                inside = rev;
            }
            row.push_str(cell.symbol());
        }
        if inside {
            row.push('⟧');
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn selected(app: &App) -> String {
    app.selected_text().unwrap_or_default()
}

#[test]
fn v_selects_the_first_word_of_the_top_line() {
    let mut app = app("First words of the text. Then more.\n");
    frame(&mut app, 60, 10);
    app.update(Action::StartSelection);
    assert_eq!(app.mode, Mode::Select);
    assert_eq!(selected(&app), "First");
    app.update(Action::SelectMotion(Motion::SentenceNext));
    assert_eq!(selected(&app), "First words of the text.");
    let t = frame(&mut app, 60, 10);
    let shown = marked(&t);
    assert!(
        shown.contains("⟦First words of the text.⟧ Then more."),
        "{shown}"
    );
    assert!(
        shown.contains("Selected 5 words · h highlight · n note · y copy"),
        "{shown}"
    );
    app.update(Action::CloseOverlay);
    assert_eq!(app.mode, Mode::Reading);
    assert!(!marked(&frame(&mut app, 60, 10)).contains('⟦'));
}

/// With a heading's underline at the top of the screen, `v` starts at
/// the first word on the screen, not at the heading above it.
#[test]
fn v_passes_over_a_top_line_without_text() {
    let more = "More text.\n\n".repeat(20);
    let mut app = app(&format!("# Start\n\nFirst words of the text.\n\n{more}"));
    frame(&mut app, 60, 10);
    app.update(Action::LineDown);
    let shown = format!("{}", frame(&mut app, 60, 10).backend());
    let top = shown.lines().next().unwrap_or_default();
    assert!(top.contains('━') && !top.contains("Start"), "{shown}");
    app.update(Action::StartSelection);
    assert_eq!(selected(&app), "First");
}

#[test]
fn v_starts_at_the_current_match() {
    let mut app = app("Alpha beta. Gamma delta epsilon. Zeta.\n");
    frame(&mut app, 60, 10);
    app.update(Action::SearchStart);
    for c in "delta eps".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    app.update(Action::StartSelection);
    assert_eq!(selected(&app), "delta eps");
    app.update(Action::SelectMotion(Motion::SentencePrev));
    assert_eq!(selected(&app), "Gamma delta eps");
    app.update(Action::SelectSwap);
    app.update(Action::SelectMotion(Motion::SentenceNext));
    assert_eq!(selected(&app), "Gamma delta epsilon.");
}

#[test]
fn lines_and_line_ends() {
    // 20 columns: "one two three four" / "five six seven" ...
    let mut app = app("one two three four five six seven eight nine ten eleven\n");
    app.update(Action::Narrower);
    frame(&mut app, 24, 10);
    app.update(Action::StartSelection);
    assert_eq!(selected(&app), "one");
    app.update(Action::SelectLineEnd);
    let first_line = selected(&app);
    assert!(first_line.starts_with("one two"), "{first_line}");
    app.update(Action::SelectLines(1));
    let two = selected(&app);
    assert!(two.len() > first_line.len(), "{two}");
    app.update(Action::SelectLineStart);
    let back = selected(&app);
    assert!(
        back.len() < two.len() && back.len() >= first_line.len(),
        "{back}"
    );
    app.update(Action::SelectLines(-1));
    assert!(selected(&app).len() <= back.len());
}

/// `j` and `k` keep whole words: the column below or above may fall
/// inside a word, and the selection takes in all of it (going forward)
/// or starts at its start (going back).
#[test]
fn lines_take_whole_words() {
    let text = "ab cdefghijkl mnopqrstu vwxyz abcdefgh ijklmnop qrstuvwx yzabcd \
                efghijklm nopqrs tuvwxyz abcdefghij klmnopq rstuv wxyzab\n";
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = |sel: &str| {
        sel.split_whitespace()
            .all(|w| words.contains(&w.trim_end_matches('.')))
    };
    let mut app = app(text);
    frame(&mut app, 30, 12);
    app.update(Action::StartSelection);
    assert_eq!(selected(&app), "ab");
    for _ in 0..3 {
        app.update(Action::SelectLines(1));
        let sel = selected(&app);
        assert!(whole(&sel), "{sel}");
        assert!(sel.len() > 2, "{sel}");
    }
    // From the far end, back up: the start moves by whole words too.
    app.update(Action::SelectSwap);
    let before = selected(&app);
    app.update(Action::SelectLines(1));
    let sel = selected(&app);
    assert!(whole(&sel) && sel.len() < before.len(), "{sel}");
    app.update(Action::SelectLines(-1));
    assert_eq!(selected(&app), before);
}

/// On a paragraph's first line, under the blank line that parts it from
/// the one before, `j`, `0` and `$` work from that line.
#[test]
fn lines_from_the_first_line_of_a_paragraph() {
    let text = "First paragraph, short.\n\n\
                Alpha bravo charlie delta echo foxtrot golf hotel india juliet \
                kilo lima mike november oscar papa quebec romeo sierra tango\n";
    let mut app = app(text);
    frame(&mut app, 30, 12);
    app.update(Action::StartSelection);
    app.update(Action::SelectMotion(Motion::ParagraphNext));
    app.update(Action::SelectMotion(Motion::WordNext));
    app.update(Action::SelectMotion(Motion::WordNext));
    let two = selected(&app);
    assert!(two.ends_with("Alpha bravo"), "{two}");
    app.update(Action::SelectLines(1));
    let down = selected(&app);
    assert!(
        down.len() > two.len() && down.starts_with(&two),
        "j goes down a line: {down}"
    );
    app.update(Action::SelectLines(-1));
    let up = selected(&app);
    // Back on the first line, at the column the end had below (a word
    // there is taken whole).
    assert!(
        up.starts_with(&two) && up.len() < down.len(),
        "k comes back: {up}"
    );
    app.update(Action::SelectLineEnd);
    let end = selected(&app);
    assert!(
        end.len() > up.len() && end.len() < down.len(),
        "$ goes to the line's end: {end}"
    );
    app.update(Action::SelectLineStart);
    // The end before the line's first word: the paragraph above alone.
    assert_eq!(
        selected(&app),
        "First paragraph, short.",
        "0 goes to the line's start"
    );
}

/// `k` onto a shorter line above takes in the word that line ends with,
/// as `j` onto a shorter line below does.
#[test]
fn k_onto_a_shorter_line_takes_its_last_word() {
    let text = "Short line here.  \nAlpha bravo charlie delta echo foxtrot golf hotel india\n";
    let mut app = app(text);
    frame(&mut app, 60, 10);
    app.update(Action::SearchStart);
    for c in "india".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    app.update(Action::StartSelection);
    assert_eq!(selected(&app), "india");
    app.update(Action::SelectLines(-1));
    let up = selected(&app);
    assert!(up.starts_with("here."), "{up:?}");
}

#[test]
fn y_copies_the_selection_and_ends_it() {
    let mut app = app("Copy *these* [words](http://example.com) now.\n");
    frame(&mut app, 60, 10);
    app.update(Action::StartSelection);
    for _ in 0..3 {
        app.update(Action::SelectMotion(Motion::WordEnd));
    }
    app.update(Action::CopySelection);
    assert_eq!(app.clipboard.as_deref(), Some("Copy these words now"));
    assert_eq!(app.mode, Mode::Reading);
    assert!(app.selecting.is_none());
}

/// A selection grown past the bottom of the screen: the screen follows the
/// moving end, and every line of text on it is selected.
#[test]
fn a_selection_spanning_a_page() {
    let mut app = tea();
    frame(&mut app, 80, 24);
    app.update(Action::PageDown);
    let top_before = app.reader.top;
    app.update(Action::StartSelection);
    for _ in 0..4 {
        app.update(Action::SelectMotion(Motion::ParagraphNext));
    }
    let t = frame(&mut app, 80, 24);
    assert!(app.reader.top > top_before, "the screen followed the end");
    insta::assert_snapshot!("selection_spanning_a_page_80x24", marked(&t));
}

#[test]
fn the_mouse_selects_a_word_and_a_paragraph() {
    let mut app = app("Some words here.\n\nAnother paragraph of words.\n");
    frame(&mut app, 40, 10);
    let (x, y, _, _) = app.text_column;
    // Row 0 is the first line of text ("Some words here.").
    app.update(Action::MultiClick {
        column: x + 6,
        row: y,
        count: 2,
    });
    assert_eq!(selected(&app), "words");
    app.update(Action::MultiClick {
        column: x + 6,
        row: y,
        count: 3,
    });
    assert_eq!(selected(&app), "Some words here.");
    // A press and a drag to the next paragraph, by word.
    app.update(Action::Click {
        column: x + 1,
        row: y,
    });
    assert!(app.selecting.is_none());
    app.update(Action::Drag {
        column: x + 3,
        row: y + 2,
    });
    app.update(Action::Release);
    assert_eq!(selected(&app), "Some words here.\n\nAnother");
}

/// A drag back to the top row selects backward by word and scrolls the
/// text down at each move, so the selection can grow past the screen. At
/// 80 columns the first scroll brings the blank line between two
/// paragraphs to the top row: the drag goes on through it.
#[test]
fn a_drag_at_the_top_edge_scrolls() {
    let mut app = tea();
    frame(&mut app, 80, 24);
    app.update(Action::PageDown);
    frame(&mut app, 80, 24);
    let (x, y, _, _) = app.text_column;
    let top = app.reader.top;
    app.update(Action::Click {
        column: x + 2,
        row: y + 5,
    });
    assert!(app.selecting.is_none(), "a press alone selects nothing");
    for _ in 0..3 {
        app.update(Action::Drag { column: x, row: y });
        frame(&mut app, 80, 24);
    }
    app.update(Action::Release);
    assert!(app.reader.top < top, "the text scrolled");
    let text = selected(&app);
    assert!(text.split_whitespace().count() > 20, "{text}");
    assert_eq!(app.mode, Mode::Select);
    // Selected backward: its end is the end of the word pressed.
    let range = app.selecting.as_ref().unwrap().sel.range();
    assert_eq!(app.selecting.as_ref().unwrap().sel.head, range.start);
}

/// A drag down to the bottom row selects forward and scrolls the text up
/// at each move, through the blank lines between paragraphs.
#[test]
fn a_drag_at_the_bottom_edge_scrolls() {
    let mut app = tea();
    frame(&mut app, 80, 24);
    let (x, y, width, height) = app.text_column;
    let top = app.reader.top;
    app.update(Action::Click {
        column: x + 2,
        row: y + 3,
    });
    let bottom = y + height - 1;
    let mut shown = vec![marked(&frame(&mut app, 80, 24))];
    for _ in 0..8 {
        app.update(Action::Drag {
            column: x + width - 1,
            row: bottom,
        });
        shown.push(marked(&frame(&mut app, 80, 24)));
    }
    app.update(Action::Release);
    // Every move scrolled, blank rows at the bottom or not.
    for pair in shown.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
    assert!(
        shown.iter().any(|s| s
            .lines()
            .nth(usize::from(bottom - y))
            .is_some_and(|l| l.trim().is_empty())),
        "no blank row came to the bottom"
    );
    assert!(app.reader.top > top, "the text scrolled");
    let sel = app.selecting.as_ref().unwrap().sel.clone();
    assert_eq!(sel.head, sel.range().end, "selected forward");
    // The moving end is on the screen's last rows.
    let shown = app.screen_range().0;
    assert!(
        shown.contains(&sel.head) || sel.head == shown.end,
        "{shown:?} {}",
        sel.head
    );
}

/// A pointer held still at the bottom edge in a drag: the text goes on
/// scrolling at each tick of the clock, the selection growing with it,
/// until the button is let go.
#[test]
fn a_drag_held_at_the_edge_goes_on_scrolling() {
    let mut app = tea();
    frame(&mut app, 80, 24);
    let (x, y, width, height) = app.text_column;
    app.update(Action::Click {
        column: x + 2,
        row: y + 3,
    });
    app.update(Action::Drag {
        column: x + width / 2,
        row: y + height - 1,
    });
    let mut shown = vec![marked(&frame(&mut app, 80, 24))];
    let mut words = vec![selected(&app).split_whitespace().count()];
    let top = app.reader.top;
    for _ in 0..5 {
        app.tick(std::time::Instant::now());
        shown.push(marked(&frame(&mut app, 80, 24)));
        words.push(selected(&app).split_whitespace().count());
    }
    // Every tick scrolled.
    for pair in shown.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
    assert!(app.reader.top > top);
    assert!(words.last() > words.first(), "{words:?}");
    // Back from the edge, it stops.
    app.update(Action::Drag {
        column: x + width / 2,
        row: y + height / 2,
    });
    frame(&mut app, 80, 24);
    let top = app.reader.top;
    app.tick(std::time::Instant::now());
    assert_eq!(app.reader.top, top);
    // Let go at the edge: it stops too.
    app.update(Action::Drag {
        column: x + width / 2,
        row: y + height - 1,
    });
    app.update(Action::Release);
    frame(&mut app, 80, 24);
    let top = app.reader.top;
    app.tick(std::time::Instant::now());
    assert_eq!(app.reader.top, top);
    assert_eq!(app.mode, Mode::Select);
}

/// The status bar names the keys of a selection, and keeps only their
/// letters when the terminal is narrow.
#[test]
fn the_status_bar_says_what_a_selection_is_for() {
    let mut app = app("Some words here, and more of them.\n");
    frame(&mut app, 80, 6);
    app.update(Action::StartSelection);
    app.update(Action::SelectMotion(Motion::WordNext));
    // `w` takes in the next word; the space after it is not drawn.
    let shown = marked(&frame(&mut app, 80, 6));
    assert!(shown.contains("⟦Some words⟧ here, and"), "{shown}");
    let status = |t: &Terminal<TestBackend>| {
        let text = format!("{}", t.backend());
        text.lines().nth(5).unwrap_or_default().to_string()
    };
    let wide = status(&frame(&mut app, 80, 6));
    assert!(
        wide.contains("Selected 2 words · h highlight · n note · y copy"),
        "{wide}"
    );
    let narrow = status(&frame(&mut app, 40, 6));
    assert!(narrow.contains("Selected 2 words · h n y"), "{narrow}");
    assert!(!narrow.contains("highlight"), "{narrow}");
    // Each `w` and `b` takes in or gives up one word.
    app.update(Action::SelectMotion(Motion::WordNext));
    assert_eq!(selected(&app), "Some words here,");
    app.update(Action::SelectMotion(Motion::WordPrev));
    assert_eq!(selected(&app), "Some words");
    app.update(Action::SelectMotion(Motion::WordPrev));
    assert_eq!(selected(&app), "Some");
}
