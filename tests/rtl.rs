//! Right-to-left paragraphs (Arabic, Hebrew) through the real `App` and
//! views on ratatui's TestBackend: drawn from the right edge in the order
//! they are seen, with numbers and Latin words in theirs; and positions
//! stay source bytes, so search, bookmarks, resizing and links find the
//! text wherever it is drawn.

use longform::document::Document;
use longform::layout::layout_all;
use longform::load::decode;
use longform::parse::parse;
use longform::position::Position;
use longform::search::find_all;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const FIXTURE: &str = "tests/fixtures/rtl.md";

fn source() -> String {
    std::fs::read_to_string(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn app() -> App {
    App::new(
        &decode(source().into_bytes(), "rtl.md".into(), None).unwrap(),
        Theme::Dark,
    )
}

fn screen(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
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

/// Runs of cells drawn in the search style, left to right, as (row, text).
fn highlighted(terminal: &Terminal<TestBackend>) -> Vec<(u16, String)> {
    let buf = terminal.backend().buffer();
    let mut out = Vec::new();
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

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

#[test]
fn arabic_and_hebrew_paragraphs_at_40_and_80_columns() {
    for (w, h) in [(40, 30), (80, 24)] {
        let mut app = app();
        let terminal = screen(&mut app, w, h);
        let shown = rows(&terminal);
        // The Arabic paragraph's first line ends at the right edge of the
        // column with its first word.
        let first = shown
            .iter()
            .find(|r| r.contains("ةيبرعلا ةغللا"))
            .unwrap_or_else(|| panic!("{}", shown.join("\n")));
        assert!(first.trim_end().ends_with("ةيبرعلا ةغللا"), "{first:?}");
        // Numbers and Latin words read left to right inside it.
        let all = shown.join("\n");
        for ltr in ["22", "400", "Wikipedia", "1948", "Harry Potter"] {
            assert!(all.contains(ltr), "{ltr} in\n{all}");
        }
        insta::assert_snapshot!(format!("rtl_{w}x{h}"), terminal.backend());
    }
}

/// A list item or a quotation in right-to-left text has its marker and
/// its bar on its right, where it starts; left-to-right items keep theirs
/// on the left.
#[test]
fn right_to_left_items_and_quotes_have_their_marks_on_the_right() {
    let doc = parse("- שלום עולם\n- hello world\n\n> שלום עולם\n>\n> עוד שורה\n");
    let shown = longform::layout::render_to_string(&doc, 30);
    let rows: Vec<&str> = shown.lines().collect();
    let hebrew_item = rows.iter().find(|r| r.contains("םלוע")).unwrap();
    assert!(hebrew_item.ends_with("םלוע םולש •"), "{shown}");
    assert!(rows.contains(&"• hello world"), "{shown}");
    let quoted: Vec<&&str> = rows.iter().skip_while(|r| !r.contains('│')).collect();
    assert_eq!(quoted.len(), 3, "{shown}");
    for row in quoted {
        assert!(row.ends_with('│') && !row.starts_with('│'), "{shown}");
        assert_eq!(unicode_width::UnicodeWidthStr::width(*row), 30, "{shown}");
    }
    // A number keeps its digits in order, its stop on its left; a
    // centred line in a quotation has its bar where the others do.
    let doc = parse(
        "9. שלום\n10. עולם\n11. שלום עולם\n\n> <p align=\"center\">שלום</p>\n>\n> עוד שורה\n",
    );
    let shown = longform::layout::render_to_string(&doc, 30);
    assert!(shown.contains("םלוע .10\n"), "{shown}");
    assert!(shown.contains("םלוע םולש .11\n"), "{shown}");
    for row in shown.lines().filter(|r| r.contains('│')) {
        assert!(row.ends_with('│'), "{shown}");
        assert_eq!(unicode_width::UnicodeWidthStr::width(row), 30, "{shown}");
    }
}

#[test]
fn a_search_in_right_to_left_text_lights_the_word_where_it_is_drawn() {
    let mut app = app();
    screen(&mut app, 80, 24);
    for (query, drawn) in [
        ("الجاحظ", reversed("الجاحظ")),
        ("מדינת ישראל", reversed("מדינת ישראל")),
        ("Wikipedia", "Wikipedia".to_string()),
        ("1948", "1948".to_string()),
    ] {
        app.update(Action::SearchStart);
        for c in query.chars() {
            app.update(Action::PromptInput(c));
        }
        app.update(Action::PromptAccept);
        let found = find_all(&app.doc, query);
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(&app.doc.text[found[0].clone()], query);
        let t = screen(&mut app, 80, 24);
        let lit = highlighted(&t);
        assert_eq!(lit.len(), 1, "{query}: {lit:?}\n{}", rows(&t).join("\n"));
        assert_eq!(lit[0].1, drawn, "{query}");
    }
}

#[test]
fn a_bookmark_in_right_to_left_text_is_its_line_at_any_width() {
    let doc = parse(&source());
    // The Hebrew paragraph's second line at 40 columns.
    let para = doc.text.find("עברית היא").unwrap();
    let lines = layout_all(&doc, 40);
    let second = lines
        .iter()
        .filter(|l| l.start >= para && !l.text().trim().is_empty())
        .nth(1)
        .unwrap();
    let mut app = app();
    screen(&mut app, 40, 20);
    app.reader
        .jump_to(&app.doc, &mut app.layout, Position(second.start));
    let top = app.top();
    assert_eq!(top.0, second.start);
    app.update(Action::AddBookmark);
    let label = app.prompt.as_ref().unwrap().text().to_string();
    // The label reads in the order the words are written.
    let first_word = doc.text[second.start..].split_whitespace().next().unwrap();
    assert!(label.contains(first_word), "{label:?} lacks {first_word:?}");
    app.update(Action::PromptAccept);
    let marks = app.bookmarks();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].pos, top);
    // With a wider window the same text is on top, and the mark is in
    // the margin beside it.
    let t = screen(&mut app, 100, 20);
    assert_eq!(app.top(), top);
    let shown = rows(&t);
    assert!(shown[0].contains('▍'), "{}", shown.join("\n"));
    assert!(
        shown[0].contains(&reversed("עברית")),
        "{}",
        shown.join("\n")
    );
    // The list of bookmarks draws the label and the snippet as they are
    // seen, each on its own; the label names the section, so the snippet's
    // row does not say it again.
    app.update(Action::OpenBookmarks);
    let t = screen(&mut app, 100, 20);
    let boxed: Vec<String> = rows(&t).into_iter().filter(|r| r.contains('│')).collect();
    let shown = boxed.join("\n");
    assert!(shown.contains(&reversed(first_word)), "{shown}");
    assert!(boxed[0].contains(&reversed("לא רק ערבית")), "{shown}");
    assert!(
        !boxed[1].contains(&reversed("לא רק ערבית")) && boxed[1].contains('“'),
        "{shown}"
    );
}

#[test]
fn the_library_draws_right_to_left_titles_and_authors_as_seen() {
    use longform::tui::library::Library;
    use longform::tui::view::draw_library;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "---\ntitle: לא רק ערבית\nauthor: דוד כהן\n---\n\nטקסט.\n",
    )
    .unwrap();
    let mut lib = Library::new(vec![dir.path().to_path_buf()], None, None);
    while lib.scanning {
        lib.poll();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut t = Terminal::new(TestBackend::new(100, 10)).unwrap();
    t.draw(|f| draw_library(f, &mut lib, Theme::Dark, 238))
        .unwrap();
    let shown = rows(&t).join("\n");
    // Title and author each turned on its own, in their order.
    let want = format!("{} — {}", reversed("לא רק ערבית"), reversed("דוד כהן"));
    assert!(shown.contains(&want), "{shown}");
}

#[test]
fn a_link_in_right_to_left_text_is_reached_with_tab() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::NextLink);
    let link = app.link.expect("a link on the screen");
    let runs = app.link_runs();
    let (x, y, w, _) = *runs.iter().find(|r| r.3 == link).unwrap();
    let t = screen(&mut app, 80, 24);
    let row = &rows(&t)[usize::from(y)];
    let text: String = row
        .chars()
        .skip(usize::from(x))
        .take(usize::from(w))
        .collect();
    assert_eq!(text, "Project Gutenberg");
    // The link list names the link's section as it is seen.
    app.update(Action::LinkList);
    let shown = rows(&screen(&mut app, 80, 24)).join("\n");
    assert!(
        shown.contains(&format!("· in {}", reversed("לא רק ערבית"))),
        "{shown}"
    );
}

#[test]
fn resizing_keeps_right_to_left_text_on_top() {
    let mut app = app();
    screen(&mut app, 40, 20);
    let para = app.doc.text.find("ומדברים").unwrap();
    app.reader
        .jump_to(&app.doc, &mut app.layout, Position(para));
    let top = app.top();
    for w in [80, 200, 40] {
        screen(&mut app, w, 20);
        assert_eq!(app.top(), top, "at {w}");
    }
    // What is on top at any width is the line holding that byte.
    let doc: &Document = &app.doc;
    assert!(doc.text[top.0..].starts_with(|c: char| !c.is_whitespace()));
}

/// `longform ARGS` with a config dir of its own; its standard output.
fn longform(args: &[&str], config: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_longform"))
        .args(args)
        .env("LONGFORM_CONFIG_DIR", config)
        .env("HOME", config)
        .env("XDG_CONFIG_HOME", config)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The column (as a terminal counts them, cluster by cluster) where
/// `needle` starts in `row`.
fn column_of(row: &str, needle: &str) -> usize {
    longform::width::display_width(&row[..row.find(needle).unwrap()])
}

#[test]
fn toc_and_list_line_up_titles_with_lam_alif() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    let article = articles.join("rtl.md");
    std::fs::write(
        &article,
        "# لا شيء\n\nنص.\n\n## Plain title\n\nText.\n\n## סלט\n\nטקסט.\n",
    )
    .unwrap();
    std::fs::write(articles.join("plain.md"), "# Plain title\n\nSome text.\n").unwrap();

    let toc = longform(&["toc", "--ids", article.to_str().unwrap()], dir.path());
    let rows: Vec<&str> = toc.lines().collect();
    assert_eq!(rows.len(), 3, "{toc}");
    let slugs: Vec<usize> = rows.iter().map(|r| column_of(r, "#")).collect();
    assert!(slugs.iter().all(|&c| c == slugs[0]), "{slugs:?}\n{toc}");
    // The titles are drawn as they are seen, as `cat` draws them.
    assert!(rows[0].starts_with(&reversed("لا شيء")), "{toc}");
    assert!(
        rows[2].starts_with(&format!("  {}", reversed("סלט"))),
        "{toc}"
    );
    let json = longform(&["toc", "--json", article.to_str().unwrap()], dir.path());
    assert!(
        json.contains("\"لا شيء\""),
        "JSON keeps the text as written: {json}"
    );

    let list = longform(&["list", articles.to_str().unwrap()], dir.path());
    let rows: Vec<&str> = list.lines().filter(|l| !l.starts_with("Title")).collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert!(
        rows.iter().any(|r| r.starts_with(&reversed("لا شيء"))),
        "{list}"
    );
    let folder = articles.to_str().unwrap();
    let paths: Vec<usize> = rows.iter().map(|r| column_of(r, folder)).collect();
    assert_eq!(paths[0], paths[1], "{list}");
}

#[test]
fn the_outline_and_the_status_bar_show_right_to_left_titles_as_seen() {
    let mut app = app();
    let t = screen(&mut app, 100, 24);
    let status = rows(&t).pop().unwrap();
    assert!(status.contains(&reversed("القراءة الطويلة")), "{status}");
    app.update(Action::ToggleOutline);
    let t = screen(&mut app, 100, 24);
    let shown = rows(&t).join("\n");
    for heading in ["القراءة الطويلة", "לא רק ערבית"] {
        assert!(shown.contains(&reversed(heading)), "{heading} in\n{shown}");
    }
}

#[test]
fn the_list_of_highlights_draws_a_right_to_left_passage_as_seen() {
    use longform::selection::Motion;
    let mut app = app();
    screen(&mut app, 100, 24);
    app.update(Action::SearchStart);
    for c in "עברית היא".chars() {
        app.update(Action::PromptInput(c));
    }
    app.update(Action::PromptAccept);
    app.update(Action::StartSelection);
    app.update(Action::SelectMotion(Motion::WordEnd));
    app.update(Action::SelectMotion(Motion::WordEnd));
    app.update(Action::HighlightSelection(1));
    app.search = None;
    app.update(Action::OpenHighlights);
    let shown = rows(&screen(&mut app, 100, 24)).join("\n");
    // The passage and its section, each turned on its own.
    let passage = format!("“{}”", reversed("עברית היא שפה שמית"));
    assert!(shown.contains(&passage), "{shown}");
    assert!(
        shown.contains(&format!("│   {}", reversed("לא רק ערבית"))),
        "{shown}"
    );
}

#[test]
fn a_right_to_left_title_cut_in_toc_ends_at_its_left() {
    let doc = parse("# שלום עולם ומלואו, וכל אשר בו מן הבוקר ועד הערב\n\nטקסט.\n");
    let mut out = Vec::new();
    let options = longform::cli::TocOptions {
        json: false,
        ids: false,
        width: 40,
    };
    longform::cli::toc(&doc, &options, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let row = out.lines().next().unwrap();
    // The title reads from the right; where it is cut, at the end of
    // its reading, is its left end.
    assert!(row.starts_with('…'), "{row}");
    assert!(
        row.contains(&format!("{} ", reversed("שלום עולם"))),
        "{row}"
    );
    assert!(longform::width::display_width(row) <= 40, "{row}");
}

#[test]
fn the_status_bar_sets_a_right_to_left_title_in_its_own_direction() {
    let more = "עוד טקסט.\n\n".repeat(30);
    let src = format!("# שיטות עבודה ב Node.js\n\n{more}## לא רק ערבית\n\n{more}");
    let mut app = App::new(
        &decode(src.as_bytes().to_vec(), "n.md".into(), None).unwrap(),
        Theme::Dark,
    );
    let status = rows(&screen(&mut app, 100, 10)).pop().unwrap();
    // The title reads from the right, its Latin word at its left end;
    // the section after it, turned on its own.
    let title = format!("Node.js ב {}", reversed("שיטות עבודה"));
    assert!(status.starts_with(&format!(" {title}")), "{status:?}");
    let section = app.doc.text.find("## ").unwrap();
    app.reader
        .jump_to(&app.doc, &mut app.layout, Position(section));
    let status = rows(&screen(&mut app, 100, 10)).pop().unwrap();
    assert!(
        status.contains(&format!("{title} · § {}", reversed("לא רק ערבית"))),
        "{status:?}"
    );
}

/// A bookmark at the top of an article whose right-to-left title comes
/// from its front matter is labelled in the order the title is written,
/// never in the turned order it is drawn in; the words come from the text.
#[test]
fn a_bookmark_under_a_right_to_left_title_keeps_its_words_in_order() {
    let src =
        "---\ntitle: لا تترك الكتاب قبل آخره\nauthor: سلمى\n---\n\nنص قصير للقراءة في المساء.\n";
    let mut app = App::new(
        &decode(src.as_bytes().to_vec(), "arabic.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 80, 15);
    app.update(Action::AddBookmark);
    let label = app.prompt.as_ref().unwrap().text().to_string();
    assert_eq!(label, "لا تترك الكتاب قبل آخره · نص قصير للقراءة في المساء.");
}

/// The status bar's messages show a right-to-left label as it is seen, as
/// the title beside them is.
#[test]
fn a_message_naming_a_right_to_left_label_shows_it_as_seen() {
    let src =
        "---\ntitle: لا تترك الكتاب قبل آخره\nauthor: سلمى\n---\n\nنص قصير للقراءة في المساء.\n";
    let mut app = App::new(
        &decode(src.as_bytes().to_vec(), "arabic.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 80, 15);
    app.update(Action::AddBookmark);
    app.prompt.as_mut().unwrap().set_text("علامة");
    app.update(Action::PromptAccept);
    let status = rows(&screen(&mut app, 80, 15)).pop().unwrap();
    assert!(
        status.contains(&format!("Bookmarked: {}", reversed("علامة"))),
        "{status:?}"
    );
}

/// HTML's `dir="rtl"` sets the direction of the text inside it that has
/// right-to-left letters, even when a Latin word comes first; text with
/// none keeps its own. An image's label in right-to-left text reads left
/// to right, and does not make the paragraph left-to-right when it
/// comes first.
#[test]
fn dir_rtl_and_image_labels_set_the_direction_as_a_browser_does() {
    let src = "<div dir=\"rtl\">\n\nGitHub هو موقع!\n\n- English only\n\n</div>\n\n\
               ![✔](c.png) שלום עולם.\n\nGitHub هو موقع!\n";
    let lines: Vec<String> = layout_all(&parse(src), 40)
        .iter()
        .map(|l| l.text())
        .filter(|t| !t.trim().is_empty())
        .collect();
    // Right-aligned, the `!` at the left end, the Latin word at the right.
    assert_eq!(lines[0].trim_start(), "!عقوم وه GitHub", "{lines:#?}");
    assert!(lines[0].starts_with(' '), "{lines:#?}");
    assert_eq!(lines[1].trim_end(), "• English only", "{lines:#?}");
    assert_eq!(lines[2].trim_start(), ".םלוע םולש [image: ✔]", "{lines:#?}");
    // Outside the div, the first letter sets it.
    assert!(lines[3].starts_with("GitHub"), "{lines:#?}");
}
