//! Figures (issue 24): a frame with a figure on screen, once its picture
//! is made and cached, against the same frame of text; and the first frame
//! of an article whose figure is a 4000x3000 JPEG, which must not wait for
//! the photograph to be decoded (that happens on the loader's thread).
//!
//! Run with `cargo bench --locked --bench figures`. The images are made
//! here with the `image` crate. Frames are drawn into a 120x40
//! `TestBackend` through the real `App` and `view::draw`, with half-blocks
//! (the protocol every terminal gets when it answers for no other).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::figures::{Figures, base_of};
use longform::tui::graphics::Protocol;
use longform::tui::theme::Theme;
use longform::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// A folder with the articles and their images, made once per run.
fn folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let gradient = |w: u32, h: u32| {
            image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 120])
            })
        };
        gradient(800, 400)
            .save(dir.path().join("chart.png"))
            .unwrap();
        gradient(4000, 3000)
            .save(dir.path().join("photo.jpg"))
            .unwrap();
        let text = "A paragraph of text around the figure, long enough to wrap over a few \
                    lines of the column, as the prose of an article does. "
            .repeat(6);
        for (name, image) in [
            ("chart.md", Some("chart.png")),
            ("photo.md", Some("photo.jpg")),
            ("text.md", None),
        ] {
            let figure = image.map_or_else(
                || format!("{text}\n\n{text}\n\n{text}"),
                |f| format!("![A figure]({f})"),
            );
            std::fs::write(
                dir.path().join(name),
                format!("# Figures\n\n{text}\n\n{figure}\n\n{text}\n\n{text}\n"),
            )
            .unwrap();
        }
        dir
    })
    .path()
}

fn app(name: &str) -> App {
    let path: PathBuf = folder().join(name);
    let bytes = std::fs::read(&path).unwrap();
    let source = decode(bytes, name.into(), Some(path.clone())).unwrap();
    let mut app = App::new(&source, Theme::Dark);
    app.figures = Figures::new(Some(Protocol::Halfblocks), None, base_of(Some(&path)));
    app
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap()
}

fn draw(term: &mut Terminal<TestBackend>, app: &mut App) {
    term.draw(|frame| view::draw(frame, app)).unwrap();
}

/// An app whose figures' pictures are all made and cached.
fn settled(name: &str) -> (App, Terminal<TestBackend>) {
    let mut app = app(name);
    let mut term = terminal();
    for _ in 0..3 {
        draw(&mut term, &mut app);
        app.figures.wait(&app.doc, &mut app.layout);
    }
    draw(&mut term, &mut app);
    (app, term)
}

/// A frame of text only: the baseline.
#[divan::bench(sample_count = 100, max_time = 4)]
fn text_frame(bencher: Bencher) {
    let (mut app, mut term) = settled("text.md");
    bencher.bench_local(|| draw(&mut term, black_box(&mut app)));
}

/// A frame with an 800x400 figure on screen, its picture cached.
#[divan::bench(sample_count = 100, max_time = 4)]
fn figure_frame(bencher: Bencher) {
    let (mut app, mut term) = settled("chart.md");
    bencher.bench_local(|| draw(&mut term, black_box(&mut app)));
}

/// Open an article whose figure is a 4000x3000 JPEG, draw the first
/// frame and handle a key: none of it waits for the photograph, whose
/// size and pixels are read on the loader's thread.
#[divan::bench(sample_count = 10, max_time = 6)]
fn first_frame_of_a_large_photo_and_a_key(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut app = app("photo.md");
        let mut term = terminal();
        draw(&mut term, &mut app);
        app.update(Action::LineDown);
        draw(&mut term, &mut app);
        app
    });
}

/// What the loader's thread does for that photograph: decode it (kept at
/// most 2400 pixels a side), for comparison with the frame above.
#[divan::bench(sample_count = 5, max_time = 10)]
fn decode_the_large_photo(bencher: Bencher) {
    let path = folder().join("photo.jpg");
    bencher.bench_local(|| longform::images::decode(black_box(&path)).unwrap());
}
