//! Links: hints (`o`), the link list (`L`), external links that open only
//! after a second Enter and only for http, https and mailto, and mouse
//! clicks on links and list entries.

use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::{App, Opener};
use longform::tui::keymap::Mode;
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let path = "tests/fixtures/links.md";
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    App::new(
        &decode(bytes, path.into(), Some(full.into())).unwrap(),
        Theme::Dark,
    )
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    format!("{}", terminal.backend())
}

fn opened(app: &App) -> Vec<String> {
    match &app.opener {
        Opener::Record(v) => v.clone(),
        Opener::System => panic!("tests never use the system opener"),
    }
}

/// The hint shown for the link whose text starts with `text`.
fn hint_for(app: &App, text: &str) -> String {
    let hints = app.hints.as_ref().expect("hints are shown");
    hints
        .labels
        .iter()
        .find(|(_, l)| app.link_text(*l).starts_with(text))
        .map(|(label, _)| label.clone())
        .unwrap_or_else(|| panic!("no hint for {text}"))
}

#[test]
fn hints_label_every_link_on_screen_and_follow_an_internal_one() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::LinkHints);
    assert_eq!(app.mode, Mode::Hints);
    let shown = screen(&mut app, 80, 24);
    insta::assert_snapshot!("links_hints_80x24", shown);
    let hint = hint_for(&app, "the second part");
    let before = app.top();
    for c in hint.chars() {
        app.update(Action::HintInput(c));
    }
    assert_eq!(app.mode, Mode::Reading);
    assert!(app.top() > before, "jumped to the second part");
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown.lines().next().unwrap().contains("Second part"),
        "{shown}"
    );
    // The jump list brings the reader back.
    app.update(Action::JumpBack);
    assert_eq!(app.top(), before);
}

#[test]
fn a_wrong_hint_or_escape_closes_the_hints() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::LinkHints);
    app.update(Action::HintInput('z'));
    assert_eq!(app.mode, Mode::Reading);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("No link has the hint z")
    );
    app.update(Action::LinkHints);
    app.update(Action::CloseOverlay);
    assert_eq!(app.mode, Mode::Reading);
    assert!(app.hints.is_none());
    // The wheel scrolls and takes the hints away: they were for the links
    // that were on screen.
    app.update(Action::LinkHints);
    let top = app.top();
    app.update(Action::Scroll(3));
    assert_eq!(app.mode, Mode::Reading);
    assert!(app.hints.is_none());
    assert!(app.top() > top);
}

#[test]
fn an_external_link_opens_only_after_a_second_enter() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::LinkHints);
    let hint = hint_for(&app, "the project page");
    for c in hint.chars() {
        app.update(Action::HintInput(c));
    }
    assert_eq!(app.confirm.as_deref(), Some("https://example.com/longform"));
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Open this link?"), "{shown}");
    assert!(shown.contains("https://example.com/longform"), "{shown}");
    assert!(
        opened(&app).is_empty(),
        "nothing opens before the second Enter"
    );
    app.update(Action::FollowLink);
    assert_eq!(opened(&app), ["https://example.com/longform"]);
    assert!(app.message.as_deref().unwrap().starts_with("Opened"));
}

#[test]
fn any_other_key_cancels_the_opening() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::NextLink);
    app.update(Action::NextLink);
    app.update(Action::FollowLink);
    assert!(app.confirm.is_some());
    let top = app.top();
    app.update(Action::LineDown);
    assert!(app.confirm.is_none());
    assert_eq!(app.top(), top, "the cancelling key does nothing else");
    assert_eq!(app.message.as_deref(), Some("Not opened"));
    assert!(opened(&app).is_empty());
}

#[test]
fn mailto_opens_and_other_schemes_are_refused() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::LinkList);
    let list = app.link_list.clone().unwrap();
    let at = |text: &str| list.entries.iter().position(|e| e.text == text).unwrap();
    app.update(Action::LinkList);
    app.link_list.as_mut().unwrap().cursor = at("the author");
    app.update(Action::LinkListOpen);
    assert_eq!(app.confirm.as_deref(), Some("mailto:author@example.com"));
    app.update(Action::FollowLink);
    assert_eq!(opened(&app), ["mailto:author@example.com"]);
    for (text, scheme) in [("a local file", "file"), ("a script", "javascript")] {
        app.update(Action::LinkList);
        app.link_list.as_mut().unwrap().cursor = at(text);
        app.update(Action::LinkListOpen);
        assert!(app.confirm.is_none(), "{text}");
        let msg = app.message.clone().unwrap();
        assert!(
            msg.contains(scheme) && msg.contains("only http, https and mailto"),
            "{msg}"
        );
    }
    assert_eq!(opened(&app).len(), 1);
}

#[test]
fn a_text_that_shows_another_address_is_called_out() {
    let mut app = app();
    screen(&mut app, 80, 24);
    app.update(Action::LinkList);
    let cursor = app
        .link_list
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .position(|e| e.text == "https://bank.example")
        .unwrap();
    app.link_list.as_mut().unwrap().cursor = cursor;
    app.update(Action::LinkListOpen);
    assert_eq!(app.confirm.as_deref(), Some("https://evil.example/login"));
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown.contains("the text shows bank.example but the link goes to evil.example"),
        "{shown}"
    );
}

#[test]
fn a_text_that_is_a_bare_domain_is_called_out_too() {
    let md = "# Pay\n\nLog in at [paypal.com](https://evil.example/login) or [the real one](https://paypal.com).\n";
    let mut app = App::new(
        &decode(md.as_bytes().to_vec(), "pay.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 80, 24);
    app.update(Action::LinkList);
    let cursor = app
        .link_list
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .position(|e| e.text == "paypal.com")
        .unwrap();
    app.link_list.as_mut().unwrap().cursor = cursor;
    app.update(Action::LinkListOpen);
    assert_eq!(app.confirm.as_deref(), Some("https://evil.example/login"));
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown.contains("the text shows paypal.com but the link goes to evil.example"),
        "{shown}"
    );
}

#[test]
fn a_long_target_is_shown_in_full() {
    let long = format!("https://example.com/{}", "a-long-path/".repeat(20));
    let md = format!("# Long\n\nSee [this]({long}).\n");
    let mut app = App::new(
        &decode(md.into_bytes(), "long.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 60, 20);
    app.update(Action::NextLink);
    app.update(Action::FollowLink);
    let shown = screen(&mut app, 60, 20);
    let joined: String = shown
        .lines()
        .map(|l| l.trim_matches(|c| c == '"' || c == '│' || c == ' '))
        .collect();
    assert!(joined.contains(&long), "{shown}");
}

#[test]
fn the_link_list_shows_text_target_and_section() {
    let mut app = app();
    screen(&mut app, 90, 30);
    app.update(Action::LinkList);
    assert_eq!(app.mode, Mode::Links);
    let shown = screen(&mut app, 90, 30);
    insta::assert_snapshot!("links_list_90x30", shown);
    // The last entry is the link back to the top, in the second part.
    app.update(Action::LinkListLast);
    let last = app
        .link_list
        .as_ref()
        .unwrap()
        .entries
        .last()
        .unwrap()
        .clone();
    assert_eq!(last.section.as_deref(), Some("Second part"));
    assert!(last.target.starts_with("#links-in-an-article"));
    app.update(Action::LinkListOpen);
    assert_eq!(app.mode, Mode::Reading);
    assert!(app.top().0 <= 2, "{:?}", app.top());
}

#[test]
fn no_links_says_so() {
    let mut app = App::new(
        &decode(b"# Plain\n\nNo links here.\n".to_vec(), "p.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 60, 20);
    app.update(Action::LinkList);
    assert_eq!(app.mode, Mode::Reading);
    assert_eq!(app.message.as_deref(), Some("No links in this article"));
    app.update(Action::LinkHints);
    assert_eq!(app.mode, Mode::Reading);
    assert_eq!(app.message.as_deref(), Some("No links on this screen"));
}

/// The screen cell where `text` starts, searching the drawn screen.
fn cell_of(shown: &str, text: &str) -> (u16, u16) {
    for (row, line) in shown.lines().enumerate() {
        let line = line.strip_prefix('"').unwrap_or(line);
        if let Some(i) = line.find(text) {
            let col = unicode_width::UnicodeWidthStr::width(&line[..i]);
            return (u16::try_from(col).unwrap(), u16::try_from(row).unwrap());
        }
    }
    panic!("{text} not on screen:\n{shown}");
}

#[test]
fn a_click_on_a_link_follows_it() {
    let mut app = app();
    let shown = screen(&mut app, 80, 24);
    let (column, row) = cell_of(&shown, "second part");
    let before = app.top();
    app.update(Action::Click {
        column: column + 2,
        row,
    });
    assert!(app.top() > before);
    let shown = screen(&mut app, 80, 24);
    let (column, row) = cell_of(&shown, "link back to the top");
    app.update(Action::Click { column, row });
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown
            .lines()
            .next()
            .unwrap()
            .contains("Links in an article"),
        "{shown}"
    );
    // A click on an external link asks first.
    let shown = screen(&mut app, 80, 24);
    let (column, row) = cell_of(&shown, "the project");
    app.update(Action::Click { column, row });
    assert_eq!(app.confirm.as_deref(), Some("https://example.com/longform"));
    // A click on plain text does nothing.
    app.update(Action::CloseOverlay);
    let shown = screen(&mut app, 80, 24);
    let (column, row) = cell_of(&shown, "inside the article");
    let top = app.top();
    app.update(Action::Click { column, row });
    assert_eq!(app.top(), top);
    assert!(app.confirm.is_none());
}

#[test]
fn a_click_selects_a_list_entry_and_a_second_opens_it() {
    // The link list.
    let mut app = app();
    screen(&mut app, 90, 30);
    app.update(Action::LinkList);
    let shown = screen(&mut app, 90, 30);
    let (column, row) = cell_of(&shown, "link back to the top");
    app.update(Action::Click { column, row });
    let list = app.link_list.as_ref().unwrap();
    assert_eq!(list.cursor, list.entries.len() - 1);
    assert_eq!(app.mode, Mode::Links);
    screen(&mut app, 90, 30);
    app.update(Action::Click {
        column,
        row: row + 1,
    });
    assert_eq!(app.mode, Mode::Reading);

    // The outline.
    let mut app = self::app();
    screen(&mut app, 90, 30);
    app.update(Action::ToggleOutline);
    let shown = screen(&mut app, 90, 30);
    let (column, row) = cell_of(&shown, "Second part");
    app.update(Action::Click { column, row });
    assert_eq!(app.mode, Mode::Outline);
    screen(&mut app, 90, 30);
    app.update(Action::Click { column, row });
    assert_eq!(app.mode, Mode::Reading);
    let shown = screen(&mut app, 90, 30);
    assert!(
        shown.lines().next().unwrap().contains("Second part"),
        "{shown}"
    );
}

#[test]
fn cat_writes_web_links_as_osc8_hyperlinks_when_asked() {
    let md = "# T\n\nSee [the page](https://example.com/p), [a file](file:///etc/passwd) \
              and [part](#t).\n";
    let doc = longform::parse::parse(md);
    let mut out = Vec::new();
    longform::cli::cat_linked(
        &doc,
        80,
        longform::layout::LayoutOptions::default(),
        Some(Theme::Dark),
        true,
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("\u{1b}]8;;https://example.com/p\u{1b}\\"),
        "{out:?}"
    );
    assert_eq!(
        out.matches("\u{1b}]8;;").count(),
        2,
        "one link, opened and closed: {out:?}"
    );
    assert!(!out.contains("]8;;file:"), "{out:?}");

    // Through the command, with `links.osc8` in the config.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "links.osc8 = true\n").unwrap();
    let file = dir.path().join("a.md");
    std::fs::write(&file, md).unwrap();
    let run = |color: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_longform"))
            .args(["cat", "--color", color])
            .arg(&file)
            .env("LONGFORM_CONFIG_DIR", dir.path())
            .env("HOME", dir.path())
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(run("always").contains("\u{1b}]8;;https://example.com/p\u{1b}\\"));
    assert!(
        !run("never").contains('\u{1b}'),
        "plain output has no escapes"
    );
}

#[test]
fn bare_urls_in_text_and_footnotes_are_reached_with_tab_hints_and_the_list() {
    let src = "# Bare\n\nRead https://example.com/a, then www.example.org.\n\nA note[^1].\n\n[^1]: See https://footnote.example/x.\n";
    let mut app = App::new(
        &decode(src.as_bytes().to_vec(), "bare.md".into(), None).unwrap(),
        Theme::Dark,
    );
    screen(&mut app, 80, 24);
    // Tab goes from link to link, the bare ones among them, and the
    // sentence's comma and full stop are not part of them.
    let mut tabbed = Vec::new();
    for _ in 0..4 {
        app.update(Action::NextLink);
        tabbed.push(app.link_text(app.link.expect("a link")));
    }
    for url in [
        "https://example.com/a",
        "www.example.org",
        "https://footnote.example/x",
    ] {
        assert!(tabbed.iter().any(|t| t == url), "{url} in {tabbed:?}");
    }
    // `o` labels them, and a label opens one after a second Enter.
    app.update(Action::LinkHints);
    let hint = hint_for(&app, "www.example.org");
    for c in hint.chars() {
        app.update(Action::HintInput(c));
    }
    assert_eq!(app.confirm.as_deref(), Some("https://www.example.org"));
    app.update(Action::FollowLink);
    assert_eq!(opened(&app), ["https://www.example.org"]);
    // `L` lists them with their targets.
    app.update(Action::LinkList);
    let targets: Vec<String> = app
        .link_list
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.target.clone())
        .collect();
    for url in [
        "https://example.com/a",
        "https://www.example.org",
        "https://footnote.example/x",
    ] {
        assert!(targets.iter().any(|t| t == url), "{url} in {targets:?}");
    }
}
