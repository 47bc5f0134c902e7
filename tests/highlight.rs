//! Highlighted code blocks drawn on a TestBackend, per theme: the screen's
//! text and each change of style, as a snapshot. Search still
//! lights up exactly the matched text inside highlighted code.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const ARTICLE: &str = "Code in three languages.

```rust
// Count the words.
fn words(text: &str) -> usize {
\ttext.split_whitespace().count() // a long line that wraps
}
```

```python
def greet(name='world'):
    return f\"hello {name}\"  # 42
```

```toml
[links]
osc8 = true
```

```klingon
plain because unknown
```
";

fn app(theme: Theme) -> App {
    let source = decode(ARTICLE.as_bytes().to_vec(), "code.md".into(), None).unwrap();
    App::new(&source, theme)
}

fn frame(app: &mut App) -> Terminal<TestBackend> {
    // A column of 60 between its gutters.
    let mut t = Terminal::new(TestBackend::new(64, 24)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t
}

/// The screen's text and the styles of its cells, as ratatui's `Buffer`
/// lists them: each change of style with its column and row.
fn snapshot(t: &Terminal<TestBackend>) -> String {
    format!("{:?}", t.backend().buffer())
}

#[test]
fn dark() {
    insta::assert_snapshot!("highlight_dark", snapshot(&frame(&mut app(Theme::Dark))));
}

#[test]
fn light() {
    insta::assert_snapshot!("highlight_light", snapshot(&frame(&mut app(Theme::Light))));
}

#[test]
fn mono() {
    let t = frame(&mut app(Theme::Mono));
    let buf = t.backend().buffer();
    for c in &buf.content {
        assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
    }
    insta::assert_snapshot!("highlight_mono", snapshot(&t));
}

/// The cells drawn in the search style, joined per row.
fn lit(t: &Terminal<TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| &buf[(x, y)])
                .filter(|c| c.modifier.contains(Modifier::REVERSED) && c.fg == Color::Indexed(222))
                .map(ratatui::buffer::Cell::symbol)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn search_lights_exactly_the_match_in_highlighted_code() {
    let mut app = app(Theme::Dark);
    frame(&mut app);
    // Across token boundaries: a function, punctuation and a keyword's
    // neighbours.
    for (query, expected) in [
        ("split_whitespace().count", vec!["split_whitespace().count"]),
        ("text: &str", vec!["text: &str"]),
        ("line that", vec!["line that"]),
        ("osc8 = true", vec!["osc8 = true"]),
    ] {
        app.update(Action::SearchStart);
        for c in query.chars() {
            app.update(Action::PromptInput(c));
        }
        let t = frame(&mut app);
        assert_eq!(lit(&t), expected, "{query}");
        app.update(Action::PromptCancel);
    }
}
