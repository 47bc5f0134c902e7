//! The `url` of the front matter (an imported article's original page) is
//! shown in the header as a link, selected with the link keys like any
//! other and described in the status bar with its full address.

use longform::document::Target;
use longform::layout::render_to_string;
use longform::load::decode;
use longform::parse::parse;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

const URL: &str = "https://news.example.org/local/2025/night-ferry?ref=rss";
const SHOWN: &str = "↗ news.example.org/local/2025/night-ferry?ref=rss";
/// Wide enough that the status bar has room for the whole URL.
const W: u16 = 160;

/// An article with a centred header: its text does not repeat the title.
fn centred() -> String {
    format!(
        "---\ntitle: The Night Ferry\nauthor: Ines Marlow\nurl: \"{URL}\"\n---\n\n\
         The council voted to keep the [late boat](https://ferry.example/timetable).\n"
    )
}

/// An article that opens with its title as a heading: the byline goes
/// under that heading.
fn repeated() -> String {
    format!(
        "---\ntitle: The Night Ferry\nauthor: Ines Marlow\nurl: {URL}\n---\n\n\
         # The Night Ferry\n\nThe council voted to keep the [late boat](https://ferry.example/timetable).\n"
    )
}

fn app_from(text: &str) -> App {
    App::new(
        &decode(text.as_bytes().to_vec(), "t.md".into(), None).unwrap(),
        Theme::Dark,
    )
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

/// Is the cell where `needle` starts on screen drawn reversed, the
/// selected link's style?
fn reversed_at(t: &Terminal<TestBackend>, needle: &str) -> bool {
    let screen = rows(t);
    let (y, row) = screen
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", screen.join("\n")));
    // Columns, not bytes: every cell is one symbol here.
    let x = row[..row.find(needle).unwrap()].chars().count();
    let buf = t.backend().buffer();
    buf[(u16::try_from(x).unwrap(), u16::try_from(y).unwrap())]
        .modifier
        .contains(Modifier::REVERSED)
}

#[test]
fn the_url_is_a_link_in_the_header() {
    for (shape, text) in [("centred", centred()), ("repeated", repeated())] {
        let doc = parse(&text);
        let link = doc.meta.url_link.expect("a link for the url");
        assert_eq!(
            doc.links[usize::try_from(link).unwrap()].target(&doc.text),
            Target::External(URL),
            "{shape}"
        );
        let out = render_to_string(&doc, 80);
        let lines: Vec<&str> = out.lines().collect();
        let byline = lines
            .iter()
            .position(|l| l.contains("Ines Marlow"))
            .unwrap_or_else(|| panic!("{shape}: no byline:\n{out}"));
        // Right under the byline, without the scheme.
        assert_eq!(lines[byline + 1].trim(), SHOWN, "{shape}:\n{out}");
    }
}

#[test]
fn the_header_link_is_aligned_with_the_byline() {
    // The title is set as a heading is, on the left; the byline and the
    // link under it too.
    let out = render_to_string(&parse(&centred()), 80);
    let line = out.lines().find(|l| l.contains(SHOWN)).expect("link line");
    let byline = out
        .lines()
        .find(|l| l.contains("Ines Marlow"))
        .expect("byline");
    assert!(line.starts_with(SHOWN), "{out}");
    assert!(byline.starts_with("Ines Marlow"), "{out}");
}

#[test]
fn a_long_url_is_cut_to_the_width() {
    let doc = parse(&centred());
    for width in [1, 2, 10, 30] {
        let out = render_to_string(&doc, width);
        let line = out
            .lines()
            .find(|l| l.contains('↗') || l.trim() == "…")
            .unwrap_or_else(|| panic!("width {width}:\n{out}"));
        assert_eq!(line.chars().count(), width, "width {width}: {line:?}");
        assert!(line.ends_with('…'), "width {width}: {line:?}");
    }
    let out = render_to_string(&doc, 30);
    assert!(out.contains("↗ news.example.org/local/2025…"), "{out}");
}

#[test]
fn no_url_no_link() {
    let doc = parse("---\ntitle: T\nauthor: A\n---\n\nText with a [link](https://x.example).\n");
    assert_eq!(doc.meta.url_link, None);
    assert_eq!(doc.links.len(), 1);
    assert!(!render_to_string(&doc, 80).contains('↗'));
}

#[test]
fn tab_selects_the_url_and_the_status_bar_shows_it_in_full() {
    for (shape, text) in [("centred", centred()), ("repeated", repeated())] {
        let mut app = app_from(&text);
        draw_at(&mut app, W, 20);
        app.update(Action::NextLink);
        let t = draw_at(&mut app, W, 20);
        let screen = rows(&t);
        assert_eq!(app.link, app.doc.meta.url_link, "{shape}");
        assert!(screen[19].contains(URL), "{shape}: {}", screen[19]);
        assert!(reversed_at(&t, SHOWN), "{shape}: the link is highlighted");
        // The next link is the one in the text, as on any screen of links.
        app.update(Action::NextLink);
        let t = draw_at(&mut app, W, 20);
        let screen = rows(&t);
        assert!(
            screen[19].contains("https://ferry.example/timetable"),
            "{shape}: {}",
            screen[19]
        );
        assert!(!reversed_at(&t, SHOWN), "{shape}");
        // And back.
        app.update(Action::PrevLink);
        let t = draw_at(&mut app, W, 20);
        assert!(rows(&t)[19].contains(URL), "{shape}");
    }
}
