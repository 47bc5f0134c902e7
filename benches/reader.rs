//! The reader's speed on generated articles (issue 7): open → first frame,
//! key → frame, resize → frame, search, `cat` and finding highlights again
//! after an edit, at 100 KiB, 1 MiB and 10 MiB, and on a 2 MiB paragraph
//! written on a single line.
//!
//! Run with `cargo bench --locked --bench reader`; a filter such as
//! `cargo bench --bench reader -- open` runs one group. The articles come
//! from `longform::testgen` with its fixed seed, so every run reads the same
//! bytes. Frames are drawn into a 120x40 `TestBackend` through the real
//! `App` and `view::draw`, the same code the terminal runs.
//!
//! Time budget: the machine has 2 cores shared with other builds, so every
//! group caps its time (`max_time`) and the large cases take few samples;
//! the whole run takes a few minutes.

use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use longform::cli::cat;
use longform::layout::LayoutOptions;
use longform::load::{Source, decode};
use longform::parse::parse;
use longform::parse::window::PROGRESSIVE_MIN;
use longform::position::Position;
use longform::testgen::{self, SEED};
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// The articles every benchmark runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    K100,
    M1,
    M10,
    /// One 2 MiB paragraph on a single line: must meet the 1 MiB targets.
    Line,
    /// 10,000 nested block quotes: only has to survive, quickly.
    Quotes,
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Input::K100 => "100KB",
            Input::M1 => "1MB",
            Input::M10 => "10MB",
            Input::Line => "2MB-one-line",
            Input::Quotes => "10k-nested-quotes",
        })
    }
}

const SIZES: [Input; 4] = [Input::K100, Input::M1, Input::M10, Input::Line];
const ALL: [Input; 5] = [
    Input::K100,
    Input::M1,
    Input::M10,
    Input::Line,
    Input::Quotes,
];

impl Input {
    /// The article's text, generated once per run.
    fn text(self) -> &'static str {
        static CELLS: [OnceLock<String>; 5] = [const { OnceLock::new() }; 5];
        let i = ALL.iter().position(|&x| x == self).unwrap_or(0);
        CELLS[i].get_or_init(|| match self {
            Input::K100 => testgen::article(SEED, testgen::SIZE_100K),
            Input::M1 => testgen::article(SEED, testgen::SIZE_1M),
            Input::M10 => testgen::article(SEED, testgen::SIZE_10M),
            Input::Line => testgen::single_line(SEED, testgen::SIZE_SINGLE_LINE),
            Input::Quotes => testgen::nested_quotes(testgen::QUOTE_DEPTH),
        })
    }

    fn source(self) -> Source {
        decode(self.text().as_bytes().to_vec(), "bench.md".into(), None).unwrap()
    }

    /// An app open on this article with its first frame drawn, as the
    /// reader is a moment after it starts, once the whole article is
    /// parsed (long articles open on a window while a thread parses them).
    fn opened(self) -> (App, Terminal<TestBackend>) {
        let mut app = app(&self.source());
        let mut term = terminal();
        draw(&mut term, &mut app);
        app.wait_whole();
        draw(&mut term, &mut app);
        (app, term)
    }
}

/// The app for `source`, set as the terminal shell sets it: code blocks
/// are laid out plain for the frame that first shows them and coloured
/// right after it (`LayoutOptions::defer_code`).
fn app(source: &Source) -> App {
    let mut app = App::new(source, Theme::Dark);
    app.set_layout_options(LayoutOptions {
        defer_code: true,
        ..LayoutOptions::default()
    });
    app
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap()
}

fn draw(term: &mut Terminal<TestBackend>, app: &mut App) {
    term.draw(|frame| view::draw(frame, app)).unwrap();
}

/// The place halfway through the article: the middle section when it has
/// sections, else the middle byte (the single-line paragraph has none).
fn middle(app: &App) -> Position {
    let sections = &app.outline.sections;
    if sections.is_empty() {
        let text_len = app.doc.source_len;
        Position(text_len / 2)
    } else {
        Position(sections[sections.len() / 2].start)
    }
}

/// Open → first frame: decode the bytes, parse, build the app (outline,
/// session), lay out what the first screen needs and draw it. Reading the
/// file is left out: it is the page cache's speed, not ours. Articles of
/// 256 KiB and more parse a window around the reader's place for the first
/// frame, and the whole on a thread, which the timing does not wait for
/// (`whole_parsed` below measures until the whole is in).
#[divan::bench_group(sample_count = 20, max_time = 6)]
mod open {
    use super::*;

    /// Open `input` and draw the first frame; with `whole`, also wait for
    /// the whole article and draw again. The values are returned so that
    /// dropping a 10 MB document (part of quitting) is not timed.
    fn open(bencher: Bencher, input: Input, whole: bool) {
        bencher
            .with_inputs(|| input.text().as_bytes().to_vec())
            .bench_local_values(|bytes| {
                let source = decode(bytes, "bench.md".into(), None).unwrap();
                let mut app = app(&source);
                let mut term = terminal();
                draw(&mut term, &mut app);
                if whole {
                    app.wait_whole();
                    draw(&mut term, &mut app);
                }
                (app, term, source)
            });
    }

    #[divan::bench(args = ALL)]
    fn first_frame(bencher: Bencher, input: Input) {
        open(bencher, input, false);
    }

    /// `actions` right after the first frame, while the whole is still
    /// being parsed, then the next frame: a window around the target is
    /// parsed and drawn (issue 26). The index of the whole text, begun at
    /// the first frame, is waited for.
    fn right_after_first_frame(bencher: Bencher, input: Input, actions: &[Action]) {
        bencher
            .with_inputs(|| {
                let mut app = app(&input.source());
                let mut term = terminal();
                draw(&mut term, &mut app);
                (app, term)
            })
            .bench_local_values(|(mut app, mut term)| {
                for &action in actions {
                    app.update(action);
                }
                draw(&mut term, &mut app);
                (app, term)
            });
    }

    /// `G`.
    #[divan::bench(args = SIZES)]
    fn end_right_after_first_frame(bencher: Bencher, input: Input) {
        right_after_first_frame(bencher, input, &[Action::Bottom]);
    }

    /// `50%`.
    #[divan::bench(args = SIZES)]
    fn percent_right_after_first_frame(bencher: Bencher, input: Input) {
        let keys = [
            Action::CountDigit(5),
            Action::CountDigit(0),
            Action::Percent,
        ];
        right_after_first_frame(bencher, input, &keys);
    }

    /// `keys` right after the first frame of a long article drawn from its
    /// head, while the rest of the file is read on a thread, then the next
    /// frame: as `longform FILE` does with a 10 MB file and no record
    /// (`tui::head`). The jumps far in are served from the bytes around
    /// their place, read from the file.
    fn before_the_rest_is_read(bencher: Bencher, keys: &[Action]) {
        use longform::tui::head::{Reading, Serve};
        static FILE: OnceLock<tempfile::TempDir> = OnceLock::new();
        let dir = FILE.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("10m.md"), Input::M10.text()).unwrap();
            dir
        });
        let path = dir.path().join("10m.md");
        bencher
            .with_inputs(|| {
                let Ok(head) = longform::load::load_head(&path, 1 << 20, 16 * 1024).unwrap() else {
                    panic!("a head");
                };
                let mut app = App::open_with(&head.source, Theme::Dark, None, true, usize::MAX);
                app.head_of(head.len);
                let mut term = terminal();
                draw(&mut term, &mut app);
                let reading = Reading::start(head.rest, |source, text| {
                    App::open_shared(source, text, Theme::Dark, None, true, PROGRESSIVE_MIN)
                });
                (app, term, reading)
            })
            .bench_local_values(|(mut app, mut term, reading)| {
                for &action in keys {
                    if let Serve::Far(at) = reading.serve(&mut app, action) {
                        app.show_far(reading.far_window(at, usize::from(HEIGHT)).unwrap());
                    }
                    app.update(action);
                }
                draw(&mut term, &mut app);
                (app, term, reading)
            });
    }

    /// `50%`, before the rest of 10 MB is read.
    #[divan::bench]
    fn percent_before_the_rest_is_read(bencher: Bencher) {
        let keys = [
            Action::CountDigit(5),
            Action::CountDigit(0),
            Action::Percent,
        ];
        before_the_rest_is_read(bencher, &keys);
    }

    /// `G`, before the rest of 10 MB is read.
    #[divan::bench]
    fn end_before_the_rest_is_read(bencher: Bencher) {
        before_the_rest_is_read(bencher, &[Action::Bottom]);
    }

    /// The outline (its headings found without the whole parse), its last
    /// heading, and the jump there.
    #[divan::bench(args = SIZES)]
    fn last_heading_right_after_first_frame(bencher: Bencher, input: Input) {
        let keys = [
            Action::ToggleOutline,
            Action::OutlineLast,
            Action::OutlineOpen,
        ];
        right_after_first_frame(bencher, input, &keys);
    }

    /// Open → the whole article parsed and in place (the thread's work),
    /// for the long articles.
    #[divan::bench(args = SIZES)]
    fn whole_parsed(bencher: Bencher, input: Input) {
        open(bencher, input, true);
    }

    /// The parse alone, to see how much of the first frame it is.
    #[divan::bench(args = SIZES)]
    fn parse_only(bencher: Bencher, input: Input) {
        let text = input.text();
        bencher.bench_local(|| parse(black_box(text)));
    }
}

/// A key press → the next frame, on an article already open. Line and page
/// down walk on through the article from one sample to the next, as a
/// reader does; the jumps start from a fresh layout each time, so that they
/// pay for laying out the blocks they land on, as the first jump does.
#[divan::bench_group(sample_count = 50, max_time = 4)]
mod key {
    use super::*;

    fn walk(bencher: Bencher, input: Input, action: Action) {
        let (mut app, mut term) = input.opened();
        bencher.bench_local(|| {
            app.update(action);
            if app.reader.top.0 + 1 >= app.doc.source_len || app.message.is_some() {
                // Reached the end: start again so that the motion moves.
                app.update(Action::Top);
            }
            draw(&mut term, &mut app);
        });
    }

    #[divan::bench(args = SIZES)]
    fn line_down(bencher: Bencher, input: Input) {
        walk(bencher, input, Action::LineDown);
    }

    #[divan::bench(args = SIZES)]
    fn page_down(bencher: Bencher, input: Input) {
        walk(bencher, input, Action::PageDown);
    }

    /// Run `key` from a fresh layout each time (the layout reset is not
    /// timed), starting at `from`.
    fn jump(bencher: Bencher, input: Input, from: Option<fn(&App) -> Position>, key: Key) {
        let (app, term) = input.opened();
        let state = RefCell::new((app, term));
        bencher
            .with_inputs(|| {
                let mut s = state.borrow_mut();
                let (app, _) = &mut *s;
                app.layout = app.layout.relaid(&app.doc, app.layout.width());
                match from {
                    Some(f) => {
                        let pos = f(app);
                        app.reader.to_start();
                        app.jump(pos);
                    }
                    None => app.update(Action::Top),
                }
            })
            .bench_local_values(|()| {
                let mut s = state.borrow_mut();
                let (app, term) = &mut *s;
                match key {
                    Key::Action(a) => app.update(a),
                    Key::Middle | Key::MiddleColoured => {
                        let pos = middle(app);
                        app.jump(pos);
                    }
                }
                draw(term, app);
                if matches!(key, Key::MiddleColoured) {
                    app.layout.highlight_deferred(&app.doc);
                    draw(term, app);
                }
            });
    }

    #[derive(Clone, Copy)]
    enum Key {
        Action(Action),
        /// A section in the middle, as chosen in the outline.
        Middle,
        /// The same, and the frame after it that colours its code.
        MiddleColoured,
    }

    #[divan::bench(args = SIZES)]
    fn to_end(bencher: Bencher, input: Input) {
        jump(bencher, input, None, Key::Action(Action::Bottom));
    }

    #[divan::bench(args = SIZES)]
    fn to_middle_section(bencher: Bencher, input: Input) {
        jump(bencher, input, None, Key::Middle);
    }

    /// The jump to the middle and the second frame, with its code
    /// coloured: what the eye sees a moment after the key.
    #[divan::bench(args = SIZES)]
    fn to_middle_section_coloured(bencher: Bencher, input: Input) {
        jump(bencher, input, None, Key::MiddleColoured);
    }

    /// Back to the start from the middle.
    #[divan::bench(args = SIZES)]
    fn to_start(bencher: Bencher, input: Input) {
        jump(bencher, input, Some(middle), Key::Action(Action::Top));
    }

    /// The next section at the same level (`}`), from the middle.
    #[divan::bench(args = SIZES)]
    fn next_peer(bencher: Bencher, input: Input) {
        jump(bencher, input, Some(middle), Key::Action(Action::NextPeer));
    }
}

/// Resize → frame: the text width goes 80 → 100 → 60 → 80…, one step per
/// iteration, each drawing a frame at the same top position. The measure is
/// allowed up to 100 columns here so that every step lays the screen out
/// again (the default caps it at 80, which would make 80 → 100 free).
#[divan::bench_group(sample_count = 50, max_time = 4)]
mod resize {
    use super::*;

    #[divan::bench(args = SIZES)]
    fn width_80_100_60(bencher: Bencher, input: Input) {
        let (mut app, mut term) = input.opened();
        app.max_measure = 100;
        let pos = middle(&app);
        app.jump(pos);
        let top = app.reader.top;
        let widths = [80u16, 100, 60];
        let mut i = 0;
        bencher.bench_local(|| {
            term.backend_mut().resize(widths[i % 3], HEIGHT);
            i += 1;
            draw(&mut term, &mut app);
        });
        assert_eq!(app.reader.top, top, "a resize moved the reader");
    }
}

/// All matches of a common word, "the", with their source ranges (issue 6:
/// well under 100 ms at 10 MB): the article's text gathered a stretch at a
/// time and scanned, as every search and every key typed into the search
/// prompt does it.
#[divan::bench_group(sample_count = 20, max_time = 4)]
mod search {
    use super::*;
    use longform::search::find_all;

    #[divan::bench(args = SIZES)]
    fn search_all(bencher: Bencher, input: Input) {
        let doc = parse(input.text());
        assert!(!find_all(&doc, "the").is_empty());
        bencher.bench_local(|| find_all(black_box(&doc), black_box("the")));
    }

    /// The first letter typed into the search prompt → its frame, the
    /// matches near the screen lit; in an article of 1 MiB or more the
    /// count follows between keys (issue 26: under 50 ms at 10 MB).
    #[divan::bench(args = SIZES)]
    fn first_key(bencher: Bencher, input: Input) {
        bencher
            .with_inputs(|| {
                let (mut app, mut term) = input.opened();
                app.update(Action::SearchStart);
                draw(&mut term, &mut app);
                (app, term)
            })
            .bench_local_values(|(mut app, mut term)| {
                app.update(Action::PromptInput('t'));
                draw(&mut term, &mut app);
                (app, term)
            });
    }
}

/// `longform cat` of the whole article at width 80, styled, into a sink,
/// as the command does it: the Markdown cut into pieces at block starts,
/// parsed, laid out (code highlighted) and styled on the machine's cores,
/// and written in order.
#[divan::bench_group(sample_count = 10, max_time = 8)]
mod cat_all {
    use super::*;
    use longform::cli::{CAT_PIECE, CatStyle, cat_source};

    fn style(theme: Option<Theme>) -> CatStyle {
        CatStyle {
            width: 80,
            options: LayoutOptions {
                justify: false,
                plain_code: theme.is_none(),
                defer_code: false,
            },
            theme,
            osc8: false,
        }
    }

    fn cat_whole(bencher: Bencher, input: Input, theme: Option<Theme>) {
        let text = input.text();
        bencher.bench_local(|| {
            // The command moves the text it read into one shared copy.
            let shared: std::sync::Arc<str> = black_box(text).into();
            cat_source(&shared, None, CAT_PIECE, style(theme), &mut std::io::sink()).unwrap();
        });
    }

    #[divan::bench(args = ALL)]
    fn styled_width_80(bencher: Bencher, input: Input) {
        cat_whole(bencher, input, Some(Theme::Dark));
    }

    /// The same without styles (`cat` into a pipe): no highlighting.
    #[divan::bench(args = SIZES)]
    fn plain_width_80(bencher: Bencher, input: Input) {
        cat_whole(bencher, input, None);
    }

    /// Layout and styling alone, on a document parsed beforehand.
    #[divan::bench(args = SIZES)]
    fn without_parse(bencher: Bencher, input: Input) {
        let doc = parse(input.text());
        bencher.bench_local(|| {
            cat(
                &doc,
                80,
                LayoutOptions::default(),
                Some(Theme::Dark),
                &mut std::io::sink(),
            )
            .unwrap()
        });
    }
}

/// Finding the highlights again after the article was edited (issue 23):
/// twenty highlights spread through the article, then a paragraph inserted
/// near its start, which moves every one of them; and the same with one
/// of the passages also changed inside, which only that one has to be
/// searched for approximately.
#[divan::bench_group(sample_count = 10, max_time = 6)]
mod relocate {
    use super::*;
    use longform::annotations::{Highlight, Highlights};

    const MARKS: usize = 20;

    /// The article with `MARKS` highlights of a sentence or so each, and
    /// the article edited: a paragraph inserted after its first block and,
    /// when `change_one`, a word of the tenth passage replaced.
    fn marked(input: Input, change_one: bool) -> (Highlights, String) {
        let text = input.text();
        let doc = parse(text);
        let mut marks = Highlights::default();
        let mut passages = Vec::new();
        for k in 0..MARKS {
            let mut at = text.len() * (2 * k + 1) / (2 * MARKS);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + 120).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if let Some(h) = Highlight::new(&doc, at..end, 1, 100) {
                passages.push((h.start.byte, h.end.byte));
                marks.add(h);
            }
        }
        let mut edited = text.to_string();
        if change_one {
            let (start, end) = passages[passages.len() / 2];
            let inside = start + (end - start) / 2;
            let mut cut = inside;
            while !edited.is_char_boundary(cut) {
                cut -= 1;
            }
            edited.replace_range(cut..cut, " (an aside)");
        }
        let first = doc.blocks.first().map_or(0, |b| b.source().end);
        edited.insert_str(
            first,
            "\n\nA paragraph written later, before all the others.\n\n",
        );
        (marks, edited)
    }

    fn locate_all(bencher: Bencher, input: Input, change_one: bool) {
        let (marks, edited) = marked(input, change_one);
        let doc = parse(&edited);
        let found = marks.views(&doc, &edited);
        assert!(found.iter().filter(|v| v.found()).count() >= MARKS - 1);
        bencher.bench_local(|| black_box(&marks).views(black_box(&doc), black_box(&edited)));
    }

    #[divan::bench(args = SIZES)]
    fn inserted_before(bencher: Bencher, input: Input) {
        locate_all(bencher, input, false);
    }

    #[divan::bench(args = SIZES)]
    fn and_one_changed(bencher: Bencher, input: Input) {
        locate_all(bencher, input, true);
    }
}
