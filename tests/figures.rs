//! Figures in the reader, drawn with half-blocks on ratatui's TestBackend:
//! their place and size at several screen sizes, a figure partly scrolled
//! off the top (cut, not moved), the `i` key, the image shown alone, and
//! hostile image files, each a line with its reason. The images are made
//! here with the `image` crate.

use std::path::{Path, PathBuf};

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::figures::{Figures, base_of};
use longform::tui::graphics::Protocol;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A PNG of `w`x`h` pixels: a dark frame around a light square, so that
/// the half-blocks show its shape.
fn png(path: &Path, w: u32, h: u32) {
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        let inside = x > w / 4 && x < w * 3 / 4 && y > h / 4 && y < h * 3 / 4;
        if inside {
            image::Rgb([240, 240, 240])
        } else {
            image::Rgb([20, 40, 160])
        }
    });
    image.save(path).unwrap();
}

/// An article in a folder of its own, with its images.
struct Article {
    dir: tempfile::TempDir,
    path: PathBuf,
}

fn article(text: &str, images: &[(&str, u32, u32)]) -> Article {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("fig")).unwrap();
    for &(name, w, h) in images {
        png(&dir.path().join(name), w, h);
    }
    let path = dir.path().join("a.md");
    std::fs::write(&path, text).unwrap();
    Article { dir, path }
}

fn app(article: &Article) -> App {
    let bytes = std::fs::read(&article.path).unwrap();
    let source = decode(bytes, "a.md".into(), Some(article.path.clone())).unwrap();
    let mut app = App::new(&source, Theme::Dark);
    app.figures = Figures::new(
        Some(Protocol::Halfblocks),
        None,
        base_of(Some(&article.path)),
    );
    app
}

fn frame(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal
}

/// Draw until the pictures are made: the sizes are read, then the
/// pictures made, each on the loader's thread.
fn settled(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    for _ in 0..3 {
        frame(app, width, height);
        app.figures.wait(&app.doc, &mut app.layout);
    }
    frame(app, width, height)
}

const TEXT: &str = "# Figures\n\nA paragraph before the figure, long enough to wrap at the narrow \
                    size of the screen.\n\n![A light square in a dark frame](fig/square.png)\n\n\
                    After it, an inline ![icon](fig/square.png) in a sentence.\n\n\
                    A paragraph after.\n\nAnd another, to scroll by.\n\nAnd one more.\n\n\
                    Then the end of the article, which keeps going for a while so that \
                    the figure can be scrolled off the top of the screen.\n\nThe last paragraph.\n";

fn rows_with(terminal: &Terminal<TestBackend>, symbol: &str) -> Vec<u16> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .filter(|&y| (0..buffer.area.width).any(|x| buffer[(x, y)].symbol() == symbol))
        .collect()
}

#[test]
fn a_figure_is_drawn_in_half_blocks_with_its_caption_at_several_sizes() {
    let a = article(TEXT, &[("fig/square.png", 400, 200)]);
    for (w, h) in [(60, 20), (100, 30), (40, 24)] {
        let mut app = app(&a);
        let terminal = settled(&mut app, w, h);
        let shown = format!("{}", terminal.backend());
        assert!(shown.contains("A light square in a dark frame"), "{shown}");
        assert!(shown.contains("[image: icon]"), "{shown}");
        assert!(!rows_with(&terminal, "▀").is_empty() || !rows_with(&terminal, "▄").is_empty());
        insta::assert_snapshot!(format!("figure_{w}x{h}"), terminal.backend());
    }
}

/// The screen as the eye sees it at half a cell's height: two lines a
/// row, the upper halves of its cells, then the lower ones. A half-block
/// cell is its two colours (`▀`: the upper half in the foreground, the
/// lower in the background); a space on a colour is that colour twice.
/// Colours read as the test image's: `b` its dark blue frame, `w` its
/// light square, `~` a blend of the two at an edge; `.` no colour;
/// text is itself on both lines.
fn halves(terminal: &Terminal<TestBackend>) -> String {
    use ratatui::style::Color;
    let buffer = terminal.backend().buffer();
    let name = |c: Color| match c {
        Color::Rgb(r, g, b) if r < 60 && g < 80 && b > 120 => 'b',
        Color::Rgb(r, g, b) if r > 220 && g > 220 && b > 220 => 'w',
        Color::Rgb(..) => '~',
        _ => '.',
    };
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut upper = String::new();
        let mut lower = String::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            let (u, l) = match cell.symbol() {
                "▀" => (name(cell.fg), name(cell.bg)),
                "▄" => (name(cell.bg), name(cell.fg)),
                " " => (name(cell.bg), name(cell.bg)),
                text => {
                    let c = text.chars().next().unwrap_or(' ');
                    (c, c)
                }
            };
            upper.push(u);
            lower.push(l);
        }
        out.push_str(upper.trim_end_matches('.'));
        out.push('\n');
        out.push_str(lower.trim_end_matches('.'));
        out.push('\n');
    }
    out
}

#[test]
fn a_figure_partly_off_the_top_is_cut_not_moved() {
    let a = article(TEXT, &[("fig/square.png", 400, 200)]);
    let mut app = app(&a);
    let before = settled(&mut app, 60, 20);
    let figure_rows: Vec<u16> = rows_with(&before, "▀")
        .into_iter()
        .chain(rows_with(&before, "▄"))
        .collect();
    let first = *figure_rows.iter().min().unwrap();
    // Scroll until the figure's first rows are above the screen.
    for _ in 0..first + 3 {
        app.update(Action::LineDown);
    }
    let terminal = settled(&mut app, 60, 20);
    insta::assert_snapshot!("figure_cut_at_the_top_60x20", terminal.backend());
    // Its colours: the lower part of the frame and square, from the row
    // where the screen cuts it.
    insta::assert_snapshot!("figure_cut_at_the_top_60x20_colours", halves(&terminal));
    insta::assert_snapshot!("figure_60x20_colours", halves(&before));
    // Each row still on screen is the row it was, three rows up.
    let old = before.backend().buffer();
    let new = terminal.backend().buffer();
    for y in 0..3u16 {
        for x in 0..60u16 {
            assert_eq!(
                new[(x, y)].symbol(),
                old[(x, y + first + 3)].symbol(),
                "({x}, {y})"
            );
            assert_eq!(new[(x, y)].fg, old[(x, y + first + 3)].fg, "({x}, {y})");
        }
    }
    // A resize keeps the place.
    let top = app.top();
    settled(&mut app, 100, 30);
    assert_eq!(app.top(), top);
}

#[test]
fn i_turns_figures_into_their_text_and_back() {
    let a = article(TEXT, &[("fig/square.png", 400, 200)]);
    let mut app = app(&a);
    settled(&mut app, 60, 20);
    app.update(Action::ToggleImages);
    assert!(app.message.as_deref().unwrap().contains("Images off"));
    let terminal = settled(&mut app, 60, 20);
    let shown = format!("{}", terminal.backend());
    assert!(
        shown.contains("[image: A light square in a dark frame]"),
        "{shown}"
    );
    assert!(rows_with(&terminal, "▀").is_empty() && rows_with(&terminal, "▄").is_empty());
    app.update(Action::ToggleImages);
    assert!(app.message.as_deref().unwrap().contains("Images on"));
    let terminal = settled(&mut app, 60, 20);
    assert!(!rows_with(&terminal, "▀").is_empty() || !rows_with(&terminal, "▄").is_empty());
}

#[test]
fn enter_on_a_selected_image_shows_it_alone_and_q_comes_back() {
    let a = article(TEXT, &[("fig/square.png", 400, 200)]);
    let mut app = app(&a);
    settled(&mut app, 60, 20);
    app.update(Action::NextLink);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .starts_with("Image: A light")
    );
    app.update(Action::FollowLink);
    let terminal = settled(&mut app, 60, 20);
    insta::assert_snapshot!("figure_alone_60x20", terminal.backend());
    app.update(Action::CloseOverlay);
    assert!(app.figures.alone.is_none());
    let terminal = settled(&mut app, 60, 20);
    assert!(format!("{}", terminal.backend()).contains("A paragraph before"));
}

#[test]
fn with_images_off_enter_asks_before_opening_the_file() {
    let a = article(TEXT, &[("fig/square.png", 400, 200)]);
    let mut app = app(&a);
    app.figures = Figures::new(None, None, base_of(Some(&a.path)));
    let terminal = settled(&mut app, 60, 20);
    assert!(format!("{}", terminal.backend()).contains("[image: A light square"));
    app.update(Action::NextLink);
    app.update(Action::FollowLink);
    let asked = app.confirm.clone().unwrap();
    assert!(asked.ends_with("fig/square.png"), "{asked}");
    assert!(app.message.as_deref().unwrap().contains("Enter opens it"));
    app.update(Action::FollowLink);
    assert_eq!(
        app.opener,
        longform::tui::app::Opener::Record(vec![asked.clone()])
    );
}

#[test]
fn hostile_and_missing_images_are_lines_with_their_reason() {
    let text = "# Bad\n\n![bomb](bomb.png)\n\n![cut](cut.png)\n\n![noise](noise.png)\n\n\
                ![gone](gone.png)\n\n![far](https://example.com/a.png)\n\n\
                ![up](../../../no/such.png)\n\n![device](dev.png)\n\nEnd.\n";
    let a = article(text, &[]);
    let dir = a.dir.path();
    // 50000x50000 declared, a few bytes of pixels.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
    let crc = {
        let mut c = !0u32;
        for &b in &bomb[12..] {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    bomb.extend_from_slice(&crc.to_be_bytes());
    std::fs::write(dir.join("bomb.png"), bomb).unwrap();
    png(&dir.join("whole.png"), 64, 64);
    let whole = std::fs::read(dir.join("whole.png")).unwrap();
    std::fs::write(dir.join("cut.png"), &whole[..whole.len() / 2]).unwrap();
    let noise: Vec<u8> = (0..2048u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(dir.join("noise.png"), noise).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/zero", dir.join("dev.png")).unwrap();
    let mut app = app(&a);
    let terminal = settled(&mut app, 80, 30);
    let shown = format!("{}", terminal.backend());
    for line in [
        "[image: bomb · too large]",
        "[image: cut · cannot decode]",
        "[image: noise · cannot decode]",
        "[image: gone · missing]",
        "[image: far · remote]",
        "[image: up · missing]",
        #[cfg(unix)]
        "[image: device · not a regular file]",
        "End.",
    ] {
        assert!(shown.contains(line), "{line} not in {shown}");
    }
    // Tab says what Enter does with each: open one that is there but
    // not shown, say why of one that is not.
    app.update(Action::NextLink);
    assert_eq!(
        app.message.as_deref(),
        Some("Image: bomb, not shown here: too large (Enter opens it)")
    );
    for _ in 0..4 {
        app.update(Action::NextLink);
    }
    assert_eq!(
        app.message.as_deref(),
        Some("Image: far, not shown here: remote (Enter opens it)")
    );
    app.update(Action::NextLink);
    assert_eq!(
        app.message.as_deref(),
        Some("Image: up, not shown: missing")
    );
}

/// A path may leave the article's folder with `..`: an image there is
/// drawn like any other, and one that cannot be read there is its line.
/// `Enter` on an image that is not there says why, and asks nothing.
#[test]
fn images_outside_the_articles_folder_and_enter_on_one_that_is_not_there() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shelf/articles");
    std::fs::create_dir_all(&folder).unwrap();
    png(&dir.path().join("shelf/outside.png"), 400, 200);
    // A file where a folder is looked for: the open fails (ENOTDIR), not
    // as a missing file, and root is refused it as anyone is.
    std::fs::write(dir.path().join("shelf/plain"), "a file").unwrap();
    let path = folder.join("a.md");
    std::fs::write(
        &path,
        "# Out\n\n![Up one folder](../outside.png)\n\n\
         ![Through a file](../plain/x.png)\n\n![Gone](../../gone/x.png)\n\nEnd.\n",
    )
    .unwrap();
    let article = Article {
        dir,
        path: path.clone(),
    };
    let mut app = app(&article);
    let terminal = settled(&mut app, 80, 40);
    let shown = format!("{}", terminal.backend());
    assert!(!rows_with(&terminal, "▀").is_empty(), "{shown}");
    assert!(shown.contains("Up one folder"), "{shown}");
    assert!(!shown.contains("[image: Up one folder"), "{shown}");
    assert!(
        shown.contains("[image: Through a file · cannot read]"),
        "{shown}"
    );
    assert!(shown.contains("[image: Gone · missing]"), "{shown}");
    // Tab to the missing one: it says why it is not shown, and Enter
    // says it too and opens nothing.
    for _ in 0..3 {
        app.update(Action::NextLink);
    }
    assert_eq!(
        app.message.as_deref(),
        Some("Image: Gone, not shown: missing")
    );
    app.update(Action::FollowLink);
    assert_eq!(app.message.as_deref(), Some("Not opened: missing"));
    assert!(app.confirm.is_none() && app.figures.alone.is_none());
}

#[test]
fn the_first_frame_and_a_key_never_wait_for_a_large_photo() {
    let a = article(TEXT, &[]);
    let photo = image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x / 16) as u8, (y / 12) as u8, 100])
    });
    photo.save(a.dir.path().join("fig/square.png")).unwrap();
    let mut app = app(&a);
    // The first frame asks for the size and the picture, and draws a box
    // in their place: nothing is read on this thread.
    let first = frame(&mut app, 60, 20);
    let shown = format!("{}", first.backend());
    assert!(shown.contains("┌") && shown.contains("┘"), "{shown}");
    assert!(rows_with(&first, "▀").is_empty() && rows_with(&first, "▄").is_empty());
    let top = app.top();
    app.update(Action::LineDown);
    frame(&mut app, 60, 20);
    assert_ne!(app.top(), top);
    // Once the loader is done, the picture is there.
    let done = settled(&mut app, 60, 20);
    assert!(!rows_with(&done, "▀").is_empty() || !rows_with(&done, "▄").is_empty());
}

/// A figure in an EPUB book is a figure like an article's: the image is
/// taken out of the archive beside the converted text (as the cache does),
/// and drawn in half-blocks with its caption under it.
#[test]
fn a_figure_in_an_epub_is_drawn_in_half_blocks() {
    const BOOK: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/epub/time-machine-epub3.epub"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("time-machine.epub");
    std::fs::copy(BOOK, &path).unwrap();
    std::fs::create_dir(dir.path().join("cache")).unwrap();
    let assets = dir.path().join("cache/book.assets");
    let book =
        longform::load::epub::convert(std::fs::read(BOOK).unwrap(), &assets.to_string_lossy())
            .unwrap();
    assert_eq!(book.images.len(), 1);
    longform::load::epub::write_assets(&assets, &book.images).unwrap();
    let figure = book.text.find("![The little machine").unwrap();
    let source = decode(
        book.text.into_bytes(),
        "time-machine.epub".into(),
        Some(path.clone()),
    )
    .unwrap();
    let mut app = App::new(&source, Theme::Dark);
    app.figures = Figures::new(Some(Protocol::Halfblocks), None, base_of(Some(&path)));
    // The paragraph before the figure at the top.
    let before = source.text[..figure - 2].rfind("\n\n").unwrap() + 2;
    app.start_at(longform::position::Position(before));
    let terminal = settled(&mut app, 80, 30);
    let shown = format!("{}", terminal.backend());
    let caption = rows_with_text(&terminal, "The little machine on the octagonal table");
    // The picture is a grey bar in a white frame: cells of greys (a cell
    // whose two halves are one colour is a space on that colour).
    let buffer = terminal.backend().buffer();
    let grey = |c: ratatui::style::Color| matches!(c, ratatui::style::Color::Rgb(r, g, b) if r == g && g == b);
    let drawn: Vec<u16> = (0..buffer.area.height)
        .filter(|&y| (0..buffer.area.width).any(|x| grey(buffer[(x, y)].bg)))
        .collect();
    assert!(!drawn.is_empty(), "{shown}");
    assert!(drawn.iter().all(|&y| Some(y) < caption), "{shown}");
    assert!(!shown.contains("[image:"), "{shown}");
}

/// The first row that shows `text`.
fn rows_with_text(terminal: &Terminal<TestBackend>, text: &str) -> Option<u16> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height).find(|&y| {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        row.contains(text)
    })
}

/// An SVG figure is drawn (by resvg, on white) like any image; one that
/// does not parse is a line with its reason.
#[test]
fn an_svg_figure_is_drawn_like_any_image() {
    let a = article(
        "# Chart\n\n![A red bar](fig/chart.svg)\n\n![Broken](fig/broken.svg)\n\nAfter.\n",
        &[],
    );
    std::fs::write(
        a.dir.path().join("fig/chart.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">
  <rect x="0" y="0" width="200" height="200" fill="#c81e1e"/>
</svg>"##,
    )
    .unwrap();
    std::fs::write(a.dir.path().join("fig/broken.svg"), "<svg><g>").unwrap();
    let mut app = app(&a);
    let terminal = settled(&mut app, 60, 24);
    let shown = format!("{}", terminal.backend());
    assert!(shown.contains("A red bar"), "{shown}");
    assert!(!shown.contains("[image: A red bar"), "{shown}");
    assert!(shown.contains("[image: Broken · cannot decode]"), "{shown}");
    let buffer = terminal.backend().buffer();
    let red = |c: ratatui::style::Color| matches!(c, ratatui::style::Color::Rgb(r, g, b) if r > 150 && g < 80 && b < 80);
    let white = |c: ratatui::style::Color| c == ratatui::style::Color::Rgb(255, 255, 255);
    let cells: Vec<ratatui::style::Color> = buffer.content.iter().map(|c| c.bg).collect();
    assert!(cells.iter().any(|&c| red(c)), "{shown}");
    assert!(cells.iter().any(|&c| white(c)), "{shown}");
}
