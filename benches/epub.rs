//! EPUB books (issue 27): open → first frame of a generated book of about
//! 2 MB of text (`longform::testgen::epub`), on first open (the archive is
//! read and converted, and the text and images written to the cache) and on
//! second open (the converted text is read from the cache). Targets, for the
//! whole process (`scripts/epub_first_frame.py` measures those): under
//! 300 ms and under 60 ms.
//!
//! Run with `cargo bench --locked --bench epub`. Frames are drawn into a
//! 120x40 `TestBackend` through the real `App` and view, as in the reader
//! benchmark; the cache is in a temporary config dir.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use longform::layout::LayoutOptions;
use longform::load::load;
use longform::testgen::{self, SEED};
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let home = home();
    // SAFETY: no other thread runs yet; divan starts after this.
    unsafe { std::env::set_var("LONGFORM_CONFIG_DIR", &home.config) };
    divan::main();
}

/// The book and the config dir whose cache it goes into.
struct Home {
    _dir: tempfile::TempDir,
    book: PathBuf,
    config: PathBuf,
}

fn home() -> &'static Home {
    static HOME: OnceLock<Home> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let book = dir.path().join("book.epub");
        std::fs::write(&book, testgen::epub(SEED, testgen::SIZE_EPUB)).expect("the book");
        let config = dir.path().join("config");
        Home {
            _dir: dir,
            book,
            config,
        }
    })
}

/// Load the book as the reader does and draw its first frame.
fn first_frame(book: &Path) {
    let source = load(book).expect("the book opens");
    let mut app = App::new(&source, Theme::Dark);
    app.set_layout_options(LayoutOptions {
        defer_code: true,
        ..LayoutOptions::default()
    });
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("a terminal");
    term.draw(|frame| view::draw(frame, &mut app))
        .expect("a frame");
    black_box(&term);
}

/// The cache emptied before each run: the book is converted.
#[divan::bench(sample_count = 10, max_time = 20)]
fn first_open(bencher: Bencher) {
    let home = home();
    bencher
        .with_inputs(|| {
            let _ = std::fs::remove_dir_all(home.config.join("cache"));
        })
        .bench_local_values(|()| first_frame(&home.book));
}

/// The cache filled once: the text is read from it.
#[divan::bench(sample_count = 20, max_time = 10)]
fn second_open(bencher: Bencher) {
    let home = home();
    first_frame(&home.book);
    bencher.bench_local(|| first_frame(&home.book));
}
