//! GitHub alerts (`> [!NOTE]`…) drawn as labelled callouts, each kind in
//! its own colour, which `[colors]` can change.

use longform::config::Entry;
use longform::load::decode;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const ALERTS: &str = "tests/fixtures/alerts.md";

fn screen(theme: Theme) -> Terminal<TestBackend> {
    let full = format!("{}/{ALERTS}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    let mut app = App::new(
        &decode(bytes, ALERTS.into(), Some(full.into())).unwrap(),
        theme,
    );
    let mut terminal = Terminal::new(TestBackend::new(60, 24)).unwrap();
    terminal.draw(|f| draw(f, &mut app)).unwrap();
    terminal
}

/// The colour of the first cell of the line that reads `text`, and of the
/// bar before it.
fn colours(terminal: &Terminal<TestBackend>, text: &str) -> (Option<Color>, Option<Color>) {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(i) = line.find(text) {
            let x = u16::try_from(line[..i].chars().count()).unwrap();
            let at = |x: u16| buffer[(x, y)].fg;
            let bar = (0..x).find(|&b| buffer[(b, y)].symbol() == "│").map(at);
            return (Some(at(x)), bar);
        }
    }
    (None, None)
}

#[test]
fn alerts_are_labelled_callouts() {
    let terminal = screen(Theme::Dark);
    insta::assert_snapshot!("alerts_60x24", terminal.backend());
    let labels = ["Note", "Tip", "Important", "Warning", "Caution"];
    let mut seen = Vec::new();
    for label in labels {
        let (text, bar) = colours(&terminal, label);
        assert!(
            text.is_some() && text != Some(Color::Reset),
            "{label}: {text:?}"
        );
        // The bar is in the label's colour.
        assert_eq!(bar, text, "{label}");
        seen.push(text);
    }
    // Each kind has its own colour, and none is a plain quote's.
    let plain = colours(&terminal, "A plain quote").1;
    for (i, c) in seen.iter().enumerate() {
        assert!(!seen[..i].contains(c), "{seen:?}");
        assert_ne!(*c, plain);
    }
}

#[test]
fn colors_config_changes_an_alert_kind() {
    let entry = Entry {
        name: "alert_warning".into(),
        values: vec!["#ff0000".into()],
        line: 1,
    };
    let (theme, warnings) = Theme::Dark.with_colors(&[entry]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let terminal = screen(theme);
    assert_eq!(colours(&terminal, "Warning").0, Some(Color::Rgb(255, 0, 0)));
    assert_ne!(colours(&terminal, "Caution").0, Some(Color::Rgb(255, 0, 0)));
}
