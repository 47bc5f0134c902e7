//! The reading keymap: the default keys, keys remapped by `[keys]` in the
//! config, a key moved from one action to another, entries that cannot be
//! used, and the help overlay drawn from the keymap in effect.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use longform::config::Config;
use longform::load::decode;
use longform::tui::action::Action;
use longform::tui::app::App;
use longform::tui::keymap::{Key, Keymap, Mode, help};
use longform::tui::theme::Theme;
use longform::tui::view::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The key press a terminal sends for `text`, as `[keys]` spells it.
fn press(text: &str) -> KeyEvent {
    // The one key `[keys]` refuses.
    if text == "Ctrl-c" {
        return KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    }
    let key = Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let mut modifiers = KeyModifiers::NONE;
    if key.ctrl {
        modifiers |= KeyModifiers::CONTROL;
    }
    if key.alt {
        modifiers |= KeyModifiers::ALT;
    }
    if matches!(key.code, KeyCode::Char(c) if c.is_uppercase()) || key.code == KeyCode::BackTab {
        modifiers |= KeyModifiers::SHIFT;
    }
    KeyEvent::new(key.code, modifiers)
}

/// The keymap of a config's text, and the lines of its warnings.
fn keymap(text: &str) -> (Keymap, Vec<usize>) {
    let (config, warnings) = Config::parse(text);
    assert_eq!(warnings, Vec::new(), "the config itself is fine: {text}");
    let (keymap, warnings) = Keymap::from_config(&config.keys);
    (keymap, warnings.iter().filter_map(|w| w.line).collect())
}

fn check(keymap: &Keymap, cases: &[(&str, Option<Action>)]) {
    for &(key, action) in cases {
        assert_eq!(
            keymap.key_action(Mode::Reading, press(key)),
            action,
            "{key}"
        );
    }
}

#[test]
fn default_bindings() {
    use Action::*;
    let cases = [
        ("j", Some(LineDown)),
        ("Down", Some(LineDown)),
        ("k", Some(LineUp)),
        ("Up", Some(LineUp)),
        ("Ctrl-d", Some(HalfPageDown)),
        ("Ctrl-u", Some(HalfPageUp)),
        ("Space", Some(PageDown)),
        ("f", Some(PageDown)),
        ("PageDown", Some(PageDown)),
        ("Ctrl-f", Some(PageDown)),
        ("b", Some(PageUp)),
        ("PageUp", Some(PageUp)),
        ("g", Some(Top)),
        ("Home", Some(Top)),
        ("G", Some(Bottom)),
        ("End", Some(Bottom)),
        ("]", Some(NextHeading)),
        ("[", Some(PrevHeading)),
        ("}", Some(NextPeer)),
        ("{", Some(PrevPeer)),
        ("t", Some(ToggleOutline)),
        ("T", Some(ToggleSidebar)),
        ("Tab", Some(NextLink)),
        ("Shift-Tab", Some(PrevLink)),
        ("Enter", Some(FollowLink)),
        ("o", Some(LinkHints)),
        ("L", Some(LinkList)),
        ("Backspace", Some(JumpBack)),
        ("Ctrl-o", Some(JumpBack)),
        ("Ctrl-i", Some(JumpForward)),
        ("+", Some(Wider)),
        ("-", Some(Narrower)),
        ("=", Some(DefaultWidth)),
        ("m", Some(AddBookmark)),
        ("'", Some(OpenBookmarks)),
        ("B", Some(OpenBookmarks)),
        ("/", Some(SearchStart)),
        ("n", Some(SearchNext)),
        ("N", Some(SearchPrev)),
        ("?", Some(ToggleHelp)),
        ("q", Some(Quit)),
        ("Esc", Some(CloseOverlay)),
        ("x", None),
        ("Ctrl-j", None),
        ("Alt-j", None),
        ("F5", None),
    ];
    check(&Keymap::default(), &cases);
    // Every action `[keys]` can name has a key by default.
    for &(name, action) in Action::NAMED {
        assert!(!Keymap::default().keys(action).is_empty(), "{name}");
    }
}

#[test]
fn remapped_bindings() {
    use Action::*;
    let (keys, warnings) = keymap(
        "[keys]\n\
         next_section = [\"]\", \"J\"]\n\
         prev_section = [\"[\", \"K\"]\n\
         quit = [\"Ctrl-q\", \"Esc\"]\n\
         page_down = \"C-n\"\n\
         help = \"F1\"\n\
         top = [\"Alt-g\", \"Home\"]\n\
         link_hints = []\n",
    );
    assert_eq!(warnings, Vec::<usize>::new());
    let cases = [
        ("J", Some(NextHeading)),
        ("]", Some(NextHeading)),
        ("K", Some(PrevHeading)),
        ("Ctrl-q", Some(Quit)),
        ("Esc", Some(Quit)),
        // The action's old keys are gone: listing an action replaces them.
        ("q", None),
        ("Space", None),
        ("f", None),
        ("Ctrl-n", Some(PageDown)),
        ("F1", Some(ToggleHelp)),
        ("?", None),
        ("Alt-g", Some(Top)),
        ("g", None),
        ("o", None),
        // Actions not listed keep their keys.
        ("j", Some(LineDown)),
        ("Ctrl-d", Some(HalfPageDown)),
        // Ctrl-c quits whatever the config says.
        ("Ctrl-c", Some(Quit)),
    ];
    check(&keys, &cases);
}

#[test]
fn a_key_given_to_another_action_leaves_its_old_one() {
    use Action::*;
    let (keys, warnings) = keymap("[keys]\nsearch_next = [\"j\", \"n\"]\nbookmark = \"B\"\n");
    assert_eq!(warnings, Vec::<usize>::new());
    let cases = [
        ("j", Some(SearchNext)),
        ("n", Some(SearchNext)),
        // line_down keeps its other key; bookmarks keeps `'`.
        ("Down", Some(LineDown)),
        ("B", Some(AddBookmark)),
        ("'", Some(OpenBookmarks)),
        ("m", None),
    ];
    check(&keys, &cases);
    assert_eq!(keys.keys(LineDown), [Key::parse("Down").unwrap()]);
    // Two entries giving the same key: the later one gets it, and a
    // warning names its line.
    let (keys, warnings) = keymap("[keys]\ntop = \"x\"\n\nbottom = \"x\"\n");
    check(&keys, &[("x", Some(Bottom)), ("g", None), ("G", None)]);
    assert_eq!(warnings, [4]);
}

#[test]
fn bad_entries_are_warnings_and_the_rest_applies() {
    use Action::*;
    let text = "[keys]\n\
                next_sectoin = \"J\"\n\
                quit = [\"Ctl-q\", \"x\"]\n\
                top = \"Hyper-g\"\n\
                bottom = \"Ctrl-c\"\n\
                help = \"F13\"\n\
                wider = \"Shift-1\"\n\
                search = \"s\"\n";
    let (config, warnings) = Config::parse(text);
    assert_eq!(warnings, Vec::new());
    let (keys, warnings) = Keymap::from_config(&config.keys);
    let lines: Vec<_> = warnings.iter().filter_map(|w| w.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7], "{warnings:#?}");
    let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(
        shown[0].contains("unknown action `next_sectoin`"),
        "{shown:?}"
    );
    assert!(shown[1].contains("\"Ctl-q\""), "{shown:?}");
    assert!(shown[3].contains("Ctrl-c always quits"), "{shown:?}");
    let cases = [
        // The entry's good key applies; its bad one is dropped.
        ("x", Some(Quit)),
        ("q", None),
        // An entry with no good key keeps the action's defaults.
        ("g", Some(Top)),
        ("G", Some(Bottom)),
        ("?", Some(ToggleHelp)),
        ("+", Some(Wider)),
        ("J", None),
        // The good entry after the bad ones applies.
        ("s", Some(SearchStart)),
        ("/", None),
    ];
    check(&keys, &cases);
    // A value that is not a key at all is the config's warning.
    let (config, warnings) = Config::parse("[keys]\nquit = 3\ntop = \"x\"\n");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, Some(2));
    assert_eq!(config.keys.len(), 1);
}

#[test]
fn keys_are_read_and_written_the_same_way() {
    let cases = [
        ("j", KeyCode::Char('j'), false, false, "j"),
        ("J", KeyCode::Char('J'), false, false, "J"),
        ("Space", KeyCode::Char(' '), false, false, "Space"),
        (" ", KeyCode::Char(' '), false, false, "Space"),
        ("-", KeyCode::Char('-'), false, false, "-"),
        ("C--", KeyCode::Char('-'), true, false, "Ctrl--"),
        ("Ctrl-D", KeyCode::Char('d'), true, false, "Ctrl-d"),
        ("c-x", KeyCode::Char('x'), true, false, "Ctrl-x"),
        ("Alt-x", KeyCode::Char('x'), false, true, "Alt-x"),
        ("M-x", KeyCode::Char('x'), false, true, "Alt-x"),
        ("enter", KeyCode::Enter, false, false, "Enter"),
        ("Return", KeyCode::Enter, false, false, "Enter"),
        ("Shift-Tab", KeyCode::BackTab, false, false, "Shift-Tab"),
        ("BackTab", KeyCode::BackTab, false, false, "Shift-Tab"),
        ("Shift-j", KeyCode::Char('J'), false, false, "J"),
        ("PgDn", KeyCode::PageDown, false, false, "PageDown"),
        ("pageup", KeyCode::PageUp, false, false, "PageUp"),
        ("Esc", KeyCode::Esc, false, false, "Esc"),
        ("Delete", KeyCode::Delete, false, false, "Delete"),
        ("F12", KeyCode::F(12), false, false, "F12"),
        ("Ctrl-Up", KeyCode::Up, true, false, "Ctrl-Up"),
        ("é", KeyCode::Char('é'), false, false, "é"),
    ];
    for (text, code, ctrl, alt, written) in cases {
        let key = Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(key, Key { code, ctrl, alt }, "{text}");
        assert_eq!(key.to_string(), written, "{text}");
        assert_eq!(Key::parse(written), Ok(key), "{written}");
    }
    for bad in [
        "", "Ctrl-", "jj", "F0", "F13", "Hyper-x", "Shift-1", "Ctrl-c", "C-C",
    ] {
        assert!(Key::parse(bad).is_err(), "{bad:?}");
    }
    // A key a terminal cannot send is refused, with the one it sends.
    assert_eq!(
        Key::parse("Ctrl-Shift-x"),
        Err(
            "cannot use the key \"Ctrl-Shift-x\": terminals send it as Ctrl-x; write \"Ctrl-x\""
                .into()
        )
    );
    assert_eq!(
        Key::parse("Ctrl-Alt-Shift-k").unwrap_err(),
        "cannot use the key \"Ctrl-Alt-Shift-k\": terminals send it as Ctrl-Alt-k; write \"Ctrl-Alt-k\""
    );
    // Help labels are short.
    let labels: Vec<String> = ["Down", "PageDown", "Backspace", "Ctrl-d", "Space"]
        .iter()
        .map(|k| Key::parse(k).unwrap().label())
        .collect();
    assert_eq!(labels, ["↓", "PgDn", "Bksp", "Ctrl-d", "Space"]);
}

#[test]
fn the_help_lists_the_keys_in_effect() {
    let rows = help(&Keymap::default());
    let row = |rows: &[(String, &str)], text: &str| -> String {
        rows.iter()
            .find(|(_, t)| *t == text)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| panic!("no row {text:?}"))
    };
    assert_eq!(row(&rows, "line down"), "j  ↓  wheel");
    assert_eq!(row(&rows, "next / previous heading"), "] / [");
    assert_eq!(row(&rows, "quit"), "q  Ctrl-c");
    let (keys, _) = keymap(
        "[keys]\nnext_section = [\"]\", \"J\"]\nquit = \"Ctrl-q\"\nsidebar = []\n\
         outline = []\n",
    );
    let rows = help(&keys);
    // Each action's keys stay together: `J` is a second key for the
    // next heading, not one for the previous.
    assert_eq!(row(&rows, "next / previous heading"), "]  J / [");
    assert_eq!(row(&rows, "quit"), "Ctrl-q  Ctrl-c");
    // A row whose actions are left without keys is not shown.
    assert!(!rows.iter().any(|(_, t)| t.starts_with("outline")));
    // One left without keys shows a dash in its place.
    let (keys, _) = keymap(
        "[keys]
sidebar = []
",
    );
    assert_eq!(row(&help(&keys), "outline / as a sidebar"), "t / –");
}

#[test]
fn help_overlay_after_a_remap() {
    // A fixture under the box, not the guide: its words change often.
    let path = "tests/fixtures/links.md";
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap();
    let mut app = App::new(
        &decode(bytes, path.into(), Some(full.into())).unwrap(),
        Theme::Dark,
    );
    (app.keymap, _) = keymap(
        "[keys]\nnext_section = [\"]\", \"J\"]\nline_down = [\"j\", \"Down\", \"Ctrl-e\"]\n\
         search_next = \"Ctrl-n\"\nquit = \"Q\"\n",
    );
    app.update(Action::ToggleHelp);
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    terminal.draw(|f| draw(f, &mut app)).unwrap();
    let shown = format!("{}", terminal.backend());
    for key in ["]  J / [", "j  ↓  Ctrl-e", "Ctrl-n / N", "Q  Ctrl-c"] {
        assert!(shown.contains(key), "{key} missing from the help:\n{shown}");
    }
    insta::assert_snapshot!("help_remapped_120x30", terminal.backend());
}
