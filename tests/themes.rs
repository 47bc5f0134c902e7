//! Each theme drawn on a TestBackend: the screen's text and, for each run
//! of cells in one style, the colours and modifiers, as a snapshot. Mono
//! uses no colour at all, only bold, italic, underline and reverse.

use std::fmt::Write as _;

use longform::config::Config;
use longform::load::decode;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn frame(theme: Theme) -> Terminal<TestBackend> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/elements.md");
    let bytes = std::fs::read(path).unwrap();
    let mut app = App::new(&decode(bytes, "elements.md".into(), None).unwrap(), theme);
    let mut t = Terminal::new(TestBackend::new(70, 24)).unwrap();
    t.draw(|f| draw(f, &mut app)).unwrap();
    t
}

/// Runs of cells that share a style: `row: "text" fg/bg modifiers`.
fn style_runs(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let first = &buf[(x, y)];
            let mut text = String::new();
            let start = x;
            while x < buf.area.width {
                let c = &buf[(x, y)];
                if (c.fg, c.bg, c.modifier) != (first.fg, first.bg, first.modifier) {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let plain =
                first.fg == Color::Reset && first.bg == Color::Reset && first.modifier.is_empty();
            if !plain && !text.trim().is_empty() {
                let _ = writeln!(
                    out,
                    "{y:>2}:{start:<2} {:?} {:?}/{:?} {:?}",
                    text.trim_end(),
                    first.fg,
                    first.bg,
                    first.modifier
                );
            }
        }
    }
    out
}

#[test]
fn dark_theme() {
    insta::assert_snapshot!("theme_dark", style_runs(&frame(Theme::Dark)));
}

#[test]
fn light_theme() {
    let t = frame(Theme::Light);
    let runs = style_runs(&t);
    // Inks for a light background: no pale greys on text.
    assert!(!runs.contains("Indexed(250)"), "{runs}");
    insta::assert_snapshot!("theme_light", runs);
}

#[test]
fn mono_uses_no_colour() {
    let t = frame(Theme::Mono);
    let buf = t.backend().buffer();
    for c in &buf.content {
        assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
    }
    let runs = style_runs(&t);
    assert!(runs.contains("BOLD"), "{runs}");
    insta::assert_snapshot!("theme_mono", runs);
}

#[test]
fn colours_from_the_config_replace_the_theme_s() {
    let text = "[colors]\n\
                heading1 = \"light blue\"\n\
                link = \"#ff8000\"\n\
                status_background = 17\n\
                code = \"bleu\"\n\
                quote = \"default\"\n";
    let (config, warnings) = Config::parse(text);
    assert_eq!(warnings, Vec::new());
    let (theme, warnings) = Theme::Dark.with_colors(&config.colors);
    // The colour that cannot be read is a warning naming its line; the
    // others apply.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, Some(5));
    let runs = style_runs(&frame(theme));
    assert!(runs.contains("Indexed(12)/Reset BOLD"), "{runs}");
    assert!(runs.contains("Rgb(255, 128, 0)"), "{runs}");
    assert!(runs.contains("/Indexed(17)"), "{runs}");
    assert!(!runs.contains("Indexed(215)/Reset BOLD"), "{runs}");
    // Code keeps the theme's colour.
    assert!(runs.contains("Indexed(151)"), "{runs}");
    insta::assert_snapshot!("theme_dark_colors", runs);
    // Light takes them too; mono keeps no colour.
    let (light, _) = Theme::Light.with_colors(&config.colors);
    assert!(style_runs(&frame(light)).contains("Rgb(255, 128, 0)"));
    let (mono, _) = Theme::Mono.with_colors(&config.colors);
    assert_eq!(mono, Theme::Mono);
}
