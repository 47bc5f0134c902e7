//! Justified text (`justify = true`): paragraphs, list items and quotes
//! fill the measure, in `longform cat` and in the reader, and keep doing so
//! when the width changes. Headings, code and tables stay as they are.

use std::process::Command;

use longform::layout::{LayoutOptions, render_to_string, render_to_string_with};
use longform::load::decode;
use longform::parse::parse;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

const BIN: &str = env!("CARGO_BIN_EXE_longform");

const ARTICLE: &str = "# A heading that is long enough to wrap over two lines

The reader sets this paragraph to both edges of the column, spreading the spaces evenly, and leaves its last line ragged as a book does.

- A list item whose text is long enough to wrap, so that its lines are justified after the marker.
- short

> A quotation that goes on for long enough to take several lines of the column.

```
code  keeps   its   spaces and is never justified, even when long
```

| a | table |
|---|---|
| cells | stay as they are |
";

const JUSTIFY: LayoutOptions = LayoutOptions::JUSTIFIED;

/// Lines that must be exactly `width` wide: all but the last of each
/// paragraph, list item and quote of `ARTICLE`, as laid out at `width`.
fn assert_justified(out: &str, width: usize) {
    let lines: Vec<&str> = out.lines().collect();
    let full: Vec<&&str> = lines.iter().filter(|l| l.width() == width).collect();
    assert!(full.len() >= 4, "{out}");
    for l in &lines {
        assert!(l.width() <= width, "{l:?}");
    }
    // Each prose block's lines but its last reach the edge.
    for block in out.split("\n\n") {
        let rows: Vec<&str> = block.lines().collect();
        let prose = rows.first().is_some_and(|r| {
            r.starts_with("The ") || r.starts_with("• A list") || r.starts_with("│ A quot")
        });
        if prose {
            let items: Vec<&str> = rows
                .iter()
                .copied()
                .take_while(|r| !r.starts_with("• short"))
                .collect();
            let (last, rest) = items.split_last().unwrap();
            for r in rest {
                assert_eq!(r.width(), width, "{r:?} in\n{out}");
            }
            assert!(last.width() < width, "{last:?}");
        }
    }
    assert!(out.contains("code  keeps   its   spaces"), "{out}");
    assert!(out.contains("│ cells │ stay as they are │"), "{out}");
}

#[test]
fn layout_justifies_prose_only() {
    let doc = parse(ARTICLE);
    let out = render_to_string_with(&doc, 40, JUSTIFY);
    // Its code names no language: the grammars are never loaded (no test
    // in this file highlights code).
    assert!(!longform::highlight::is_loaded());
    assert_justified(&out, 40);
    // Headings stay ragged.
    assert!(out.lines().next().unwrap().width() < 40, "{out}");
    insta::assert_snapshot!("justified_40", out);
}

fn cat(config: Option<&str>, width: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    if let Some(text) = config {
        std::fs::write(dir.path().join("config.toml"), text).unwrap();
    }
    let file = dir.path().join("article.md");
    std::fs::write(&file, ARTICLE).unwrap();
    let out = Command::new(BIN)
        .args(["cat", "--color", "never", "--width", &width.to_string()])
        .arg(&file)
        .env("LONGFORM_CONFIG_DIR", dir.path())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cat_follows_the_config() {
    let justified = cat(Some("justify = true\n"), 44);
    assert_justified(&justified, 44);
    assert_eq!(
        justified,
        render_to_string_with(&parse(ARTICLE), 44, JUSTIFY)
    );
    let ragged = render_to_string(&parse(ARTICLE), 44);
    assert_ne!(justified, ragged);
    assert_eq!(cat(None, 44), ragged);
    assert_eq!(cat(Some("justify = false\n"), 44), ragged);
}

/// The text column of the reader's screen, as lines trimmed at the end.
fn column(app: &mut App, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    let measure = app.layout.width();
    let screen = app.reader.screen(&app.doc, &mut app.layout);
    let mut out = String::new();
    for line in &screen.lines {
        assert!(line.width() <= measure);
        out.push_str(line.text().trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_reader_justifies_at_every_width() {
    let source = decode(ARTICLE.as_bytes().to_vec(), "a.md".into(), None).unwrap();
    let mut app = App::new(&source, Theme::Dark);
    app.set_layout_options(JUSTIFY);
    // The column leaves a gutter of 2 on each side.
    let out = column(&mut app, 54, 40);
    assert_justified(&out, 50);
    // A resize, then `-`: the new widths are justified too.
    let out = column(&mut app, 48, 40);
    assert_justified(&out, 44);
    app.update(Action::Narrower);
    let out = column(&mut app, 48, 40);
    assert_eq!(app.layout.width(), 40);
    assert!(app.layout.options().justify);
    assert_justified(&out, 40);
}
