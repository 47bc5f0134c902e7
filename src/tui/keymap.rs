//! (mode, key) → action. The only file that names keys. Reading keys are a
//! table, `Keymap`: the defaults, changed by `[keys]` in the config. The
//! help overlay is generated from that table, so it always lists the keys
//! in effect. The lists and prompts keep fixed keys.

use std::fmt;
use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::action::Action;
use super::library::Mode as LibraryMode;
use super::prompt::Edit;
use crate::config::{Entry, Warning};

/// What has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Reading,
    Help,
    Outline,
    /// Typing a filter in the outline.
    OutlineFilter,
    /// The bookmark list.
    Bookmarks,
    /// Typing in a one-line prompt.
    Prompt,
    /// Letter hints on the links on screen: typing one follows it.
    Hints,
    /// The list of every link in the article.
    Links,
    /// Making a selection (`v`, or the mouse).
    Select,
    /// The highlight list.
    Highlights,
    /// Typing a filter in the highlight list.
    HighlightsFilter,
    /// An image shown alone, fitted to the screen.
    Image,
}

/// Lines the mouse wheel moves per notch.
const WHEEL_LINES: i8 = 3;

/// The help overlay: rows of (reading actions, fixed keys, what they do).
/// A row lists the keys the keymap gives its actions, then its fixed keys.
/// A row with neither starts a new group under the given title.
pub const HELP: &[(&[Action], &str, &str)] = &[
    (&[], "", "Reading"),
    (&[Action::LineDown], "wheel", "line down"),
    (&[Action::LineUp], "wheel", "line up"),
    (
        &[Action::HalfPageDown, Action::HalfPageUp],
        "",
        "half page down / up",
    ),
    (&[Action::PageDown], "", "page down"),
    (&[Action::PageUp], "", "page up"),
    (
        &[Action::Top, Action::Bottom, Action::Percent],
        "",
        "start / end / N% through (50%)",
    ),
    (&[Action::ToggleFinished], "", "mark finished or not"),
    (
        &[Action::Wider, Action::Narrower, Action::DefaultWidth],
        "",
        "wider / narrower / reset",
    ),
    (&[], "", "Sections"),
    (
        &[Action::NextHeading, Action::PrevHeading],
        "",
        "next / previous heading",
    ),
    (
        &[Action::NextPeer, Action::PrevPeer],
        "",
        "next / prev. at this level",
    ),
    (
        &[Action::ToggleOutline, Action::ToggleSidebar],
        "",
        "outline / as a sidebar",
    ),
    (
        &[Action::NextLink, Action::PrevLink],
        "",
        "select next / prev. link",
    ),
    (&[Action::FollowLink], "", "follow the selected link"),
    (
        &[Action::LinkHints, Action::LinkList],
        "",
        "letter hints / link list",
    ),
    (&[Action::JumpBack], "", "back in the jump list"),
    (&[Action::JumpForward], "", "forward in the jump list"),
    (&[Action::CopyLink], "", "copy the link's address"),
    (&[Action::CopySection], "", "copy the section (Markdown)"),
    (&[Action::ToggleImages], "", "images off / on"),
    (&[], "", "Search"),
    (&[Action::SearchStart], "", "search the article"),
    (
        &[Action::SearchNext, Action::SearchPrev],
        "",
        "next / previous match",
    ),
    (&[], "", "Selecting"),
    (&[Action::StartSelection], "drag", "select text; Esc stops"),
    (&[], "w b e ) ( } {", "by word, sentence, paragraph"),
    (&[], "j k 0 $  o", "by line, to its ends; other end"),
    (&[], "h 1-4 n  y", "highlight, in colour, noted; copy"),
    (&[], "", "Bookmarks and highlights"),
    (&[Action::AddBookmark], "", "bookmark this place"),
    (
        &[Action::OpenBookmarks, Action::OpenHighlights],
        "",
        "list bookmarks / highlights",
    ),
    (&[], "Enter  d  u", "jump, delete, undo delete"),
    (&[], "r  n  c  y  /", "rename, note, colour, copy, filter"),
    (&[], "", "In the outline"),
    (&[], "j k  g G", "move, first, last"),
    (&[], "Enter", "jump to the section"),
    (&[], "h l  ← →", "collapse / expand"),
    (&[], "1 … 6", "headings down to level N"),
    (&[], "/", "filter headings"),
    (&[], "Esc  t", "close"),
    (&[], "", "Anywhere"),
    (&[Action::ToggleHelp], "", "this help"),
    (&[Action::Quit], "Ctrl-c", "quit"),
];

/// The rows of the help overlay with the keys of `keymap`: keys, then
/// what they do; an empty key is a group title. A row whose actions have
/// no keys left is not shown.
pub fn help(keymap: &Keymap) -> Vec<(String, &'static str)> {
    let mut rows = Vec::new();
    for &(actions, fixed, text) in HELP {
        if actions.is_empty() && fixed.is_empty() {
            rows.push((String::new(), text));
            continue;
        }
        // Each action's keys; in a row of several (`next / previous`),
        // one group for each, in the order the text names them, and a
        // dash for one left with no key, so a key is never paired with
        // what another does.
        let groups: Vec<String> = actions
            .iter()
            .map(|&a| {
                let labels: Vec<String> = keymap.keys(a).iter().map(|k| k.label()).collect();
                labels.join("  ")
            })
            .collect();
        let mut keys = if groups.iter().all(String::is_empty) {
            String::new()
        } else if groups.len() > 1 {
            let shown: Vec<&str> = groups
                .iter()
                .map(|g| if g.is_empty() { "–" } else { g.as_str() })
                .collect();
            shown.join(" / ")
        } else {
            groups.concat()
        };
        if !fixed.is_empty() {
            if !keys.is_empty() {
                keys.push_str("  ");
            }
            keys.push_str(fixed);
        }
        if !keys.is_empty() {
            rows.push((keys, text));
        }
    }
    rows
}

/// The library's keys, for its help overlay.
pub const LIBRARY_HELP: &[(&str, &str)] = &[
    ("", "Library"),
    ("j k  ↑ ↓", "move"),
    ("g G", "first, last"),
    ("Enter", "open the article"),
    ("c", "continue the last one read"),
    ("s", "sort: recent, title, author, progress, length"),
    ("/", "filter by title, author or file name"),
    ("x", "mark finished, or not"),
    ("b", "its bookmarks; Enter opens it at one"),
    ("d", "move it to the trash (asks first)"),
    ("u", "put back what d moved to the trash"),
    ("", "In the reader"),
    ("q", "back to the library"),
    ("?", "every reading key"),
    ("", "Anywhere"),
    ("?", "this help"),
    ("q  Ctrl-c", "quit"),
];

/// The library's keys in its `mode`.
pub fn library_key(mode: LibraryMode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if mode == LibraryMode::Help {
        return help_key(key);
    }
    if mode == LibraryMode::Confirm {
        // Any other key answers no.
        return Some(match key.code {
            KeyCode::Char('y' | 'Y') => Action::LibraryTrashConfirm,
            _ => Action::CloseOverlay,
        });
    }
    if mode == LibraryMode::Filter {
        return match key.code {
            KeyCode::Enter => Some(Action::LibraryOpen),
            KeyCode::Esc => Some(Action::FilterDone),
            KeyCode::Down => Some(Action::LibraryMove(1)),
            KeyCode::Up => Some(Action::LibraryMove(-1)),
            _ => line_edit(key).map(|e| match e {
                Ok(c) => Action::FilterInput(c),
                Err(edit) => Action::FilterEdit(edit),
            }),
        };
    }
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::LibraryMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::LibraryMove(-1)),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::LibraryMove(10)),
        KeyCode::PageUp => Some(Action::LibraryMove(-10)),
        KeyCode::Char('b') => Some(Action::LibraryBookmarks),
        KeyCode::Char('d') => Some(Action::LibraryTrash),
        KeyCode::Char('u') => Some(Action::LibraryUndo),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::LibraryFirst),
        KeyCode::Char('G') | KeyCode::End => Some(Action::LibraryLast),
        KeyCode::Enter => Some(Action::LibraryOpen),
        KeyCode::Char('c') => Some(Action::LibraryContinue),
        KeyCode::Char('s') => Some(Action::LibrarySort),
        KeyCode::Char('x') => Some(Action::LibraryToggleFinished),
        KeyCode::Char('/') => Some(Action::FilterStart),
        KeyCode::Esc => Some(Action::CloseOverlay),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Char('q') => Some(Action::Quit),
        _ => None,
    }
}

/// What `key` does in `mode` with the default reading keys.
pub fn key_action(mode: Mode, key: KeyEvent) -> Option<Action> {
    static DEFAULT: LazyLock<Keymap> = LazyLock::new(Keymap::default);
    DEFAULT.key_action(mode, key)
}

/// The default keys of each reading action, spelt as in `[keys]`.
const DEFAULT_KEYS: &[(Action, &[&str])] = &[
    (Action::LineDown, &["j", "Down"]),
    (Action::LineUp, &["k", "Up"]),
    (Action::HalfPageDown, &["Ctrl-d"]),
    (Action::HalfPageUp, &["Ctrl-u"]),
    (Action::PageDown, &["Space", "f", "PageDown", "Ctrl-f"]),
    (Action::PageUp, &["b", "PageUp", "Ctrl-b"]),
    (Action::Top, &["g", "Home"]),
    (Action::Bottom, &["G", "End"]),
    (Action::Percent, &["%"]),
    (Action::NextHeading, &["]"]),
    (Action::PrevHeading, &["["]),
    (Action::NextPeer, &["}"]),
    (Action::PrevPeer, &["{"]),
    (Action::ToggleOutline, &["t"]),
    (Action::ToggleSidebar, &["T"]),
    (Action::NextLink, &["Tab"]),
    (Action::PrevLink, &["Shift-Tab"]),
    (Action::FollowLink, &["Enter"]),
    (Action::LinkHints, &["o"]),
    (Action::LinkList, &["L"]),
    (Action::JumpBack, &["Backspace", "Ctrl-o"]),
    (Action::JumpForward, &["Ctrl-i"]),
    (Action::Wider, &["+"]),
    (Action::Narrower, &["-"]),
    (Action::DefaultWidth, &["="]),
    (Action::AddBookmark, &["m"]),
    (Action::OpenBookmarks, &["'", "B"]),
    (Action::SearchStart, &["/"]),
    (Action::StartSelection, &["v"]),
    (Action::OpenHighlights, &["H"]),
    (Action::SearchNext, &["n"]),
    (Action::SearchPrev, &["N"]),
    (Action::ToggleFinished, &["X"]),
    (Action::CopyLink, &["y"]),
    (Action::CopySection, &["Y"]),
    (Action::ToggleImages, &["i"]),
    (Action::ToggleHelp, &["?"]),
    (Action::Quit, &["q"]),
];

/// The reading keys: for each action `[keys]` can name, the keys that do
/// it. Built from the defaults and the config; the app looks keys up in it
/// and the help overlay lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    /// In the order of `Action::NAMED`; a key is in one list at most.
    bindings: Vec<(Action, Vec<Key>)>,
}

impl Default for Keymap {
    /// The default keys, read once (every reader starts with them, and a
    /// launch makes two or three: 20 µs each, before the first frame).
    fn default() -> Keymap {
        static DEFAULT: std::sync::LazyLock<Keymap> = std::sync::LazyLock::new(|| {
            let defaults = |action: Action| -> Vec<Key> {
                DEFAULT_KEYS
                    .iter()
                    .find(|(a, _)| *a == action)
                    .map(|(_, keys)| keys.iter().filter_map(|k| Key::parse(k).ok()).collect())
                    .unwrap_or_default()
            };
            Keymap {
                bindings: Action::NAMED
                    .iter()
                    .map(|&(_, a)| (a, defaults(a)))
                    .collect(),
            }
        });
        DEFAULT.clone()
    }
}

impl Keymap {
    /// The default keys changed by the `[keys]` entries of a config. An
    /// action listed there gets exactly the keys given (an empty list
    /// leaves it without any), and each of those keys is taken from the
    /// action it did before. An unknown action or a key that cannot be read
    /// is a warning; the other entries still apply.
    pub fn from_config(entries: &[Entry]) -> (Keymap, Vec<Warning>) {
        let mut keymap = Keymap::default();
        let mut warnings = Vec::new();
        // The keys given so far, to tell when two entries give the same one.
        let mut given: Vec<(Key, &str, usize)> = Vec::new();
        for entry in entries {
            let name = entry.name.as_str();
            let Some(action) = Action::named(name) else {
                let message = format!(
                    "keys: unknown action `{name}` (the actions are listed by longform config --default)"
                );
                warnings.push(Warning::at(entry.line, message));
                continue;
            };
            let mut keys: Vec<Key> = Vec::new();
            // Ctrl-c given to quit, which it does anyway.
            let mut ctrl_c = false;
            for text in &entry.values {
                match Key::parse(text) {
                    Ok(key) if !keys.contains(&key) => keys.push(key),
                    Ok(_) => {}
                    Err(_)
                        if action == Action::Quit
                            && Key::parse_any(text).is_ok_and(Key::is_ctrl_c) =>
                    {
                        ctrl_c = true;
                    }
                    Err(problem) => {
                        warnings.push(Warning::at(entry.line, format!("keys.{name}: {problem}")));
                    }
                }
            }
            // Every key was wrong: the action keeps its defaults rather
            // than lose them all to a typo.
            if keys.is_empty() && !entry.values.is_empty() && !ctrl_c {
                continue;
            }
            for &key in &keys {
                if let Some((_, other, line)) = given.iter().find(|(k, _, _)| *k == key) {
                    let message = format!(
                        "keys.{name}: {key} is also given to {other} on line {line}; {name} gets it"
                    );
                    warnings.push(Warning::at(entry.line, message));
                }
                for (_, bound) in &mut keymap.bindings {
                    bound.retain(|k| *k != key);
                }
                given.retain(|(k, _, _)| *k != key);
                given.push((key, name, entry.line));
            }
            if let Some((_, bound)) = keymap.bindings.iter_mut().find(|(a, _)| *a == action) {
                *bound = keys;
            }
        }
        (keymap, warnings)
    }

    /// The reading action of `key`, if it has one.
    pub fn action(&self, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|&(a, _)| a)
    }

    /// The keys of `action`, in the order they were given.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, keys)| keys.as_slice())
    }

    /// What `key` does in `mode`. Ctrl-c quits everywhere, whatever the
    /// config says. An overlay also closes with the key that opened it.
    pub fn key_action(&self, mode: Mode, key: KeyEvent) -> Option<Action> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return Some(Action::Quit);
        }
        let opener = match mode {
            Mode::Help => Some(Action::ToggleHelp),
            Mode::Outline => Some(Action::ToggleOutline),
            Mode::Bookmarks => Some(Action::OpenBookmarks),
            Mode::Links => Some(Action::LinkList),
            Mode::Highlights => Some(Action::OpenHighlights),
            _ => None,
        };
        let fixed = match mode {
            Mode::Help => help_key(key),
            Mode::Outline => outline_key(key),
            Mode::OutlineFilter => filter_key(key),
            Mode::Bookmarks => bookmarks_key(key),
            Mode::Prompt => prompt_key(key),
            Mode::Hints => hints_key(key),
            Mode::Links => links_key(key),
            // The screen can still move under a selection.
            Mode::Highlights => highlights_key(key),
            Mode::HighlightsFilter => highlights_filter_key(key),
            Mode::Select => select_key(key)
                .or_else(|| self.action(Key::of(key)).filter(|a| a.is_reading_motion())),
            Mode::Image => image_key(key),
            Mode::Reading => self.action(Key::of(key)).or(match key.code {
                KeyCode::Esc => Some(Action::CloseOverlay),
                // A count, for the key after it (`50%`).
                KeyCode::Char(c @ '0'..='9')
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    u8::try_from(c).ok().map(|c| Action::CountDigit(c - b'0'))
                }
                _ => None,
            }),
        };
        fixed.or_else(|| {
            (opener.is_some() && self.action(Key::of(key)) == opener)
                .then_some(Action::CloseOverlay)
        })
    }

    /// The `[keys]` table of the default config: every action with its
    /// default keys, commented out.
    pub fn default_config(&self) -> String {
        let mut out = String::from(
            "\n# [keys]\n\
             # The reading keys: an action and the keys that do it. Listing an\n\
             # action replaces its keys, and takes them from any other action.\n\
             # A key is one character (\"j\", \"J\", \"]\"), or a name: Space, Enter,\n\
             # Tab, Shift-Tab, Backspace, Esc, Up, Down, Left, Right, Home, End,\n\
             # PageUp, PageDown, Delete, F1 to F12; Ctrl- (or C-) and Alt- go\n\
             # before it, as in Ctrl-d. Ctrl-c always quits.\n",
        );
        for (action, keys) in &self.bindings {
            let Some(name) = action.name() else { continue };
            let keys: Vec<String> = keys
                .iter()
                .map(|k| format!("{:?}", k.to_string()))
                .collect();
            out.push_str(&format!("# {name} = [{}]\n", keys.join(", ")));
        }
        out
    }
}

/// A key as bindings name it: a key code, with Ctrl or Alt. Shift is not
/// kept: it is in the character itself (`J`), or makes Tab a BackTab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// The key of a key press.
    pub fn of(event: KeyEvent) -> Key {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = match event.code {
            // Terminals cannot tell Ctrl-d from Ctrl-D.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            code => code,
        };
        Key {
            code,
            ctrl,
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Read a key as `[keys]` spells it: one character (`j`, `J`, `]`), or
    /// a name (`Space`, `PageDown`, `F5`…), after `Ctrl-` (or `C-`),
    /// `Alt-` (or `M-`) and `Shift-` for Tab.
    pub fn parse(text: &str) -> Result<Key, String> {
        let key = Key::parse_any(text)?;
        if key.is_ctrl_c() {
            return Err("Ctrl-c always quits; it cannot be given to another action".into());
        }
        Ok(key)
    }

    /// Ctrl-c, which always quits.
    fn is_ctrl_c(self) -> bool {
        self.ctrl && self.code == KeyCode::Char('c')
    }

    /// `parse`, Ctrl-c too.
    fn parse_any(text: &str) -> Result<Key, String> {
        let mut rest = text;
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        while rest.chars().count() > 1 {
            let Some((head, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) else {
                break;
            };
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => ctrl = true,
                "alt" | "meta" | "m" => alt = true,
                "shift" => shift = true,
                _ => break,
            }
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => named_key(rest).ok_or_else(|| {
                format!(
                    "cannot read the key {text:?}: write one character, or a name like \
                     Space, Enter, Tab, PageDown or F1, with Ctrl- or Alt- before it"
                )
            })?,
        };
        let code = match code {
            KeyCode::Tab if shift => KeyCode::BackTab,
            KeyCode::Char(c) if shift && ctrl && c.is_alphabetic() => {
                let plain = Key {
                    code: KeyCode::Char(c.to_ascii_lowercase()),
                    ctrl,
                    alt,
                };
                return Err(format!(
                    "cannot use the key {text:?}: terminals send it as {plain}; write \"{plain}\""
                ));
            }
            KeyCode::Char(c) if shift && c.is_alphabetic() => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            _ if shift => {
                return Err(format!(
                    "cannot read the key {text:?}: Shift- goes with Tab or a letter; \
                     write other characters as they are typed, like \"{{\""
                ));
            }
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            code => code,
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The key as the help overlay shows it: short, arrows as arrows.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Down => "↓".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::Backspace => "Bksp".to_string(),
            KeyCode::Delete => "Del".to_string(),
            _ => return self.to_string(),
        };
        format!("{}{name}", self.prefix())
    }

    fn prefix(self) -> &'static str {
        match (self.ctrl, self.alt) {
            (true, true) => "Ctrl-Alt-",
            (true, false) => "Ctrl-",
            (false, true) => "Alt-",
            (false, false) => "",
        }
    }
}

/// The key as `[keys]` spells it: `Key::parse` reads it back.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())?;
        let name = match self.code {
            KeyCode::Char(' ') => "Space",
            KeyCode::Char(c) => return write!(f, "{c}"),
            KeyCode::F(n) => return write!(f, "F{n}"),
            KeyCode::BackTab => "Shift-Tab",
            KeyCode::Enter => "Enter",
            KeyCode::Tab => "Tab",
            KeyCode::Backspace => "Backspace",
            KeyCode::Esc => "Esc",
            KeyCode::Up => "Up",
            KeyCode::Down => "Down",
            KeyCode::Left => "Left",
            KeyCode::Right => "Right",
            KeyCode::Home => "Home",
            KeyCode::End => "End",
            KeyCode::PageUp => "PageUp",
            KeyCode::PageDown => "PageDown",
            KeyCode::Delete => "Delete",
            KeyCode::Insert => "Insert",
            other => return write!(f, "{other:?}"),
        };
        f.write_str(name)
    }
}

/// A key `[keys]` names with a word, in any case.
fn named_key(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "space" => KeyCode::Char(' '),
        "enter" | "return" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bksp" => KeyCode::Backspace,
        "esc" | "escape" => KeyCode::Esc,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            return (1..=12).contains(&n).then_some(KeyCode::F(n));
        }
    };
    Some(code)
}

fn help_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => Some(Action::CloseOverlay),
        KeyCode::Char('j') | KeyCode::Down => Some(Action::HelpScroll(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::HelpScroll(-1)),
        KeyCode::Char(' ') | KeyCode::PageDown => Some(Action::HelpScroll(10)),
        KeyCode::Char('b') | KeyCode::PageUp => Some(Action::HelpScroll(-10)),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::HelpScroll(isize::MIN)),
        KeyCode::Char('G') | KeyCode::End => Some(Action::HelpScroll(isize::MAX)),
        _ => None,
    }
}

fn bookmarks_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::BookmarkMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::BookmarkMove(-1)),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::BookmarkFirst),
        KeyCode::Char('G') | KeyCode::End => Some(Action::BookmarkLast),
        KeyCode::Enter => Some(Action::BookmarkOpen),
        KeyCode::Char('d') | KeyCode::Delete => Some(Action::BookmarkDelete),
        KeyCode::Char('u') => Some(Action::BookmarkUndo),
        KeyCode::Char('r') => Some(Action::BookmarkRename),
        KeyCode::Char('n') => Some(Action::BookmarkNote),
        // `q` closes an overlay before it quits (README's keys).
        KeyCode::Esc | KeyCode::Char('\'' | 'B' | 'q') => Some(Action::CloseOverlay),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

/// The keys of a selection being made. Ctrl-d and the like still scroll
/// the screen under it.
fn select_key(key: KeyEvent) -> Option<Action> {
    use crate::selection::Motion;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    let motion = |m| Some(Action::SelectMotion(m));
    match key.code {
        KeyCode::Char('w') => motion(Motion::WordNext),
        KeyCode::Char('b') => motion(Motion::WordPrev),
        KeyCode::Char('e') => motion(Motion::WordEnd),
        KeyCode::Char(')') => motion(Motion::SentenceNext),
        KeyCode::Char('(') => motion(Motion::SentencePrev),
        KeyCode::Char('}') => motion(Motion::ParagraphNext),
        KeyCode::Char('{') => motion(Motion::ParagraphPrev),
        KeyCode::Char('j') | KeyCode::Down => Some(Action::SelectLines(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::SelectLines(-1)),
        KeyCode::Char('0') | KeyCode::Home => Some(Action::SelectLineStart),
        KeyCode::Char('$') | KeyCode::End => Some(Action::SelectLineEnd),
        KeyCode::Char('o') => Some(Action::SelectSwap),
        KeyCode::Char('y') => Some(Action::CopySelection),
        KeyCode::Char('h') => Some(Action::HighlightSelection(0)),
        KeyCode::Char(c @ '1'..='4') => Some(Action::HighlightSelection(c as u8 - b'0')),
        KeyCode::Char('n') => Some(Action::NoteSelection),
        KeyCode::Esc | KeyCode::Char('v' | 'q') => Some(Action::CloseOverlay),
        _ => None,
    }
}

fn highlights_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::HighlightMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::HighlightMove(-1)),
        KeyCode::PageDown => Some(Action::HighlightMove(10)),
        KeyCode::PageUp => Some(Action::HighlightMove(-10)),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::HighlightFirst),
        KeyCode::Char('G') | KeyCode::End => Some(Action::HighlightLast),
        KeyCode::Enter => Some(Action::HighlightOpen),
        KeyCode::Char('d') | KeyCode::Delete => Some(Action::HighlightDelete),
        KeyCode::Char('u') => Some(Action::HighlightUndo),
        KeyCode::Char('n') => Some(Action::HighlightNote),
        KeyCode::Char('c') => Some(Action::HighlightColor),
        KeyCode::Char('y') => Some(Action::HighlightCopy),
        KeyCode::Char('/') => Some(Action::FilterStart),
        KeyCode::Esc | KeyCode::Char('q') => Some(Action::CloseOverlay),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

/// An image shown alone: `q` or `Esc` goes back to the text.
fn image_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => Some(Action::CloseOverlay),
        _ => None,
    }
}

fn highlights_filter_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter | KeyCode::Esc => Some(Action::FilterDone),
        KeyCode::Down => Some(Action::HighlightMove(1)),
        KeyCode::Up => Some(Action::HighlightMove(-1)),
        _ => line_edit(key).map(|e| match e {
            Ok(c) => Action::FilterInput(c),
            Err(edit) => Action::FilterEdit(edit),
        }),
    }
}

fn hints_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::CloseOverlay),
        KeyCode::Backspace => Some(Action::HintInput('\u{8}')),
        KeyCode::Char(c) if c.is_ascii_alphabetic() => Some(Action::HintInput(c)),
        _ => Some(Action::CloseOverlay),
    }
}

fn links_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::LinkListMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::LinkListMove(-1)),
        KeyCode::Char(' ') | KeyCode::PageDown => Some(Action::LinkListMove(10)),
        KeyCode::Char('b') | KeyCode::PageUp => Some(Action::LinkListMove(-10)),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::LinkListFirst),
        KeyCode::Char('G') | KeyCode::End => Some(Action::LinkListLast),
        KeyCode::Enter => Some(Action::LinkListOpen),
        KeyCode::Char('y') => Some(Action::CopyLink),
        KeyCode::Esc | KeyCode::Char('L' | 'q') => Some(Action::CloseOverlay),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

fn prompt_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::PromptAccept),
        KeyCode::Esc => Some(Action::PromptCancel),
        _ => line_edit(key).map(|e| match e {
            Ok(c) => Action::PromptInput(c),
            Err(edit) => Action::PromptEdit(edit),
        }),
    }
}

/// The keys of a line being typed, as in a shell: a character to insert,
/// or an edit.
fn line_edit(key: KeyEvent) -> Option<Result<char, Edit>> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let edit = match key.code {
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Backspace if alt || ctrl => Edit::DeleteWordBack,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'a' => Edit::Home,
            'e' => Edit::End,
            'b' => Edit::Left,
            'f' => Edit::Right,
            'u' => Edit::DeleteToStart,
            'k' => Edit::DeleteToEnd,
            'w' => Edit::DeleteWordBack,
            'h' => Edit::Backspace,
            'd' => Edit::Delete,
            _ => return None,
        },
        KeyCode::Char(c) if alt => match c {
            'b' => Edit::WordLeft,
            'f' => Edit::WordRight,
            'd' => Edit::DeleteWordForward,
            _ => return None,
        },
        KeyCode::Char(c) => return Some(Ok(c)),
        _ => return None,
    };
    Some(Err(edit))
}

fn outline_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::OutlineMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::OutlineMove(-1)),
        KeyCode::PageDown => Some(Action::OutlineMove(10)),
        KeyCode::PageUp => Some(Action::OutlineMove(-10)),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::OutlineFirst),
        KeyCode::Char('G') | KeyCode::End => Some(Action::OutlineLast),
        KeyCode::Enter => Some(Action::OutlineOpen),
        KeyCode::Char('h') | KeyCode::Left => Some(Action::OutlineCollapse),
        KeyCode::Char('l') | KeyCode::Right => Some(Action::OutlineExpand),
        KeyCode::Char(c @ '1'..='6') => Some(Action::OutlineLevel(c as u8 - b'0')),
        KeyCode::Char('/') => Some(Action::FilterStart),
        KeyCode::Esc | KeyCode::Char('t' | 'q') => Some(Action::CloseOverlay),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

fn filter_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::OutlineOpen),
        KeyCode::Esc => Some(Action::FilterDone),
        KeyCode::Down => Some(Action::OutlineMove(1)),
        KeyCode::Up => Some(Action::OutlineMove(-1)),
        _ => line_edit(key).map(|e| match e {
            Ok(c) => Action::FilterInput(c),
            Err(edit) => Action::FilterEdit(edit),
        }),
    }
}

pub fn mouse_action(mouse: MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::ScrollDown => Some(Action::Scroll(WHEEL_LINES)),
        MouseEventKind::ScrollUp => Some(Action::Scroll(-WHEEL_LINES)),
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
            column: mouse.column,
            row: mouse.row,
        }),
        MouseEventKind::Drag(MouseButton::Left) => Some(Action::Drag {
            column: mouse.column,
            row: mouse.row,
        }),
        MouseEventKind::Up(MouseButton::Left) => Some(Action::Release),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_a_count_for_percent_unless_bound() {
        let press = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let keymap = Keymap::default();
        assert_eq!(
            keymap.key_action(Mode::Reading, press('5')),
            Some(Action::CountDigit(5))
        );
        assert_eq!(
            keymap.key_action(Mode::Reading, press('%')),
            Some(Action::Percent)
        );
        // In the outline, digits keep their own meaning.
        assert_eq!(
            keymap.key_action(Mode::Outline, press('2')),
            Some(Action::OutlineLevel(2))
        );
        let entry = Entry {
            name: "top".into(),
            values: vec!["0".into()],
            line: 1,
        };
        let (bound, _) = Keymap::from_config(&[entry]);
        assert_eq!(
            bound.key_action(Mode::Reading, press('0')),
            Some(Action::Top)
        );
    }

    #[test]
    fn every_action_a_config_can_bind_has_default_keys_and_a_help_row() {
        for &(name, action) in Action::NAMED {
            assert!(
                DEFAULT_KEYS.iter().any(|(a, _)| *a == action),
                "{name} has no default keys"
            );
            assert!(
                HELP.iter().any(|(actions, _, _)| actions.contains(&action)),
                "{name} is not in the help"
            );
            assert_eq!(Action::named(name), Some(action));
        }
        for (action, keys) in DEFAULT_KEYS {
            for key in *keys {
                let parsed = Key::parse(key).unwrap_or_else(|e| panic!("{action:?}: {e}"));
                assert_eq!(parsed.to_string(), *key, "{action:?}");
            }
        }
        assert_eq!(DEFAULT_KEYS.len(), Action::NAMED.len());
    }

    /// Ctrl-c given to quit is what it does anyway: no warning, and the
    /// other keys given (none here) are quit's. To another action, it is
    /// refused.
    #[test]
    fn ctrl_c_may_be_given_to_quit_alone() {
        let entry = |name: &str, values: &[&str]| Entry {
            name: name.into(),
            values: values.iter().map(|v| (*v).to_string()).collect(),
            line: 1,
        };
        let (keymap, warnings) = Keymap::from_config(&[entry("quit", &["Ctrl-c"])]);
        assert_eq!(warnings, Vec::new());
        assert_eq!(keymap.keys(Action::Quit), &[]);
        let (keymap, warnings) = Keymap::from_config(&[entry("quit", &["C-c", "x"])]);
        assert_eq!(warnings, Vec::new());
        assert_eq!(keymap.keys(Action::Quit), &[Key::parse("x").unwrap()]);
        let (keymap, warnings) = Keymap::from_config(&[entry("next_section", &["Ctrl-c"])]);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].to_string().contains("always quits"),
            "{warnings:?}"
        );
        assert_eq!(
            keymap.keys(Action::NextHeading),
            &[Key::parse("]").unwrap()]
        );
    }

    #[test]
    fn an_overlay_closes_with_the_key_that_opened_it() {
        let entries = [
            Entry {
                name: "outline".into(),
                values: vec!["O".into()],
                line: 1,
            },
            Entry {
                name: "help".into(),
                values: vec!["F1".into()],
                line: 2,
            },
        ];
        let (keymap, warnings) = Keymap::from_config(&entries);
        assert_eq!(warnings, Vec::new());
        let shift_o = KeyEvent::new(KeyCode::Char('O'), KeyModifiers::SHIFT);
        let cases = [
            (Mode::Reading, shift_o, Some(Action::ToggleOutline)),
            (Mode::Outline, shift_o, Some(Action::CloseOverlay)),
            (Mode::Help, key(KeyCode::F(1)), Some(Action::CloseOverlay)),
            (Mode::Reading, key(KeyCode::F(1)), Some(Action::ToggleHelp)),
            // The fixed keys still work, and win.
            (
                Mode::Outline,
                key(KeyCode::Char('t')),
                Some(Action::CloseOverlay),
            ),
            (
                Mode::Outline,
                key(KeyCode::Char('j')),
                Some(Action::OutlineMove(1)),
            ),
            (Mode::OutlineFilter, shift_o, Some(Action::FilterInput('O'))),
        ];
        for (mode, event, action) in cases {
            assert_eq!(keymap.key_action(mode, event), action, "{mode:?} {event:?}");
        }
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// Every prompt and filter edits its line with the keys of a shell.
    #[test]
    fn prompt_and_filter_keys_edit_like_a_shell() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
        let cases = [
            (key(KeyCode::Left), Edit::Left),
            (key(KeyCode::Right), Edit::Right),
            (key(KeyCode::Home), Edit::Home),
            (key(KeyCode::End), Edit::End),
            (ctrl('a'), Edit::Home),
            (ctrl('e'), Edit::End),
            (alt('b'), Edit::WordLeft),
            (alt('f'), Edit::WordRight),
            (ctrl('u'), Edit::DeleteToStart),
            (ctrl('k'), Edit::DeleteToEnd),
            (ctrl('w'), Edit::DeleteWordBack),
            (
                KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT),
                Edit::DeleteWordBack,
            ),
            (alt('d'), Edit::DeleteWordForward),
            (key(KeyCode::Delete), Edit::Delete),
            (key(KeyCode::Backspace), Edit::Backspace),
        ];
        for (event, edit) in cases {
            assert_eq!(
                key_action(Mode::Prompt, event),
                Some(Action::PromptEdit(edit)),
                "{event:?}"
            );
            for filter in [Mode::OutlineFilter, Mode::HighlightsFilter] {
                assert_eq!(
                    key_action(filter, event),
                    Some(Action::FilterEdit(edit)),
                    "{filter:?} {event:?}"
                );
            }
            assert_eq!(
                library_key(LibraryMode::Filter, event),
                Some(Action::FilterEdit(edit)),
                "library {event:?}"
            );
        }
    }

    #[test]
    fn reading_keys() {
        let r = Mode::Reading;
        assert_eq!(
            key_action(r, key(KeyCode::Char('j'))),
            Some(Action::LineDown)
        );
        assert_eq!(key_action(r, key(KeyCode::Down)), Some(Action::LineDown));
        assert_eq!(
            key_action(r, key(KeyCode::Char(' '))),
            Some(Action::PageDown)
        );
        assert_eq!(key_action(r, key(KeyCode::Char('G'))), Some(Action::Bottom));
        assert_eq!(key_action(r, key(KeyCode::End)), Some(Action::Bottom));
        assert_eq!(
            key_action(r, key(KeyCode::Char(']'))),
            Some(Action::NextHeading)
        );
        assert_eq!(
            key_action(r, key(KeyCode::Char('{'))),
            Some(Action::PrevPeer)
        );
        assert_eq!(
            key_action(r, key(KeyCode::Backspace)),
            Some(Action::JumpBack)
        );
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(key_action(r, ctrl_d), Some(Action::HalfPageDown));
        let ctrl_o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
        assert_eq!(key_action(r, ctrl_o), Some(Action::JumpBack));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(key_action(Mode::Help, ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn search_keys() {
        let cases = [
            (Mode::Reading, KeyCode::Char('/'), Action::SearchStart),
            (Mode::Reading, KeyCode::Char('n'), Action::SearchNext),
            (Mode::Reading, KeyCode::Char('N'), Action::SearchPrev),
            // Typed into the prompt, they are text.
            (Mode::Prompt, KeyCode::Char('n'), Action::PromptInput('n')),
            (Mode::Prompt, KeyCode::Char('/'), Action::PromptInput('/')),
            (Mode::Prompt, KeyCode::Enter, Action::PromptAccept),
            (Mode::Prompt, KeyCode::Esc, Action::PromptCancel),
            // The bookmark list keeps `n` for notes.
            (Mode::Bookmarks, KeyCode::Char('n'), Action::BookmarkNote),
        ];
        for (mode, code, action) in cases {
            assert_eq!(
                key_action(mode, key(code)),
                Some(action),
                "{mode:?} {code:?}"
            );
        }
    }

    /// The keys of issue 23: `v` and `H` in the text, the motions and
    /// actions of a selection, and the keys of the list of highlights.
    #[test]
    fn selection_and_highlight_keys() {
        use crate::selection::Motion;
        let (r, s, h) = (Mode::Reading, Mode::Select, Mode::Highlights);
        let cases = [
            (r, KeyCode::Char('v'), Action::StartSelection),
            (r, KeyCode::Char('H'), Action::OpenHighlights),
            (
                s,
                KeyCode::Char('w'),
                Action::SelectMotion(Motion::WordNext),
            ),
            (
                s,
                KeyCode::Char('b'),
                Action::SelectMotion(Motion::WordPrev),
            ),
            (s, KeyCode::Char('e'), Action::SelectMotion(Motion::WordEnd)),
            (
                s,
                KeyCode::Char(')'),
                Action::SelectMotion(Motion::SentenceNext),
            ),
            (
                s,
                KeyCode::Char('('),
                Action::SelectMotion(Motion::SentencePrev),
            ),
            (
                s,
                KeyCode::Char('}'),
                Action::SelectMotion(Motion::ParagraphNext),
            ),
            (
                s,
                KeyCode::Char('{'),
                Action::SelectMotion(Motion::ParagraphPrev),
            ),
            (s, KeyCode::Char('j'), Action::SelectLines(1)),
            (s, KeyCode::Char('k'), Action::SelectLines(-1)),
            (s, KeyCode::Char('0'), Action::SelectLineStart),
            (s, KeyCode::Char('$'), Action::SelectLineEnd),
            (s, KeyCode::Char('o'), Action::SelectSwap),
            (s, KeyCode::Esc, Action::CloseOverlay),
            (s, KeyCode::Char('h'), Action::HighlightSelection(0)),
            (s, KeyCode::Char('1'), Action::HighlightSelection(1)),
            (s, KeyCode::Char('4'), Action::HighlightSelection(4)),
            (s, KeyCode::Char('n'), Action::NoteSelection),
            (s, KeyCode::Char('y'), Action::CopySelection),
            (h, KeyCode::Enter, Action::HighlightOpen),
            (h, KeyCode::Char('d'), Action::HighlightDelete),
            (h, KeyCode::Char('u'), Action::HighlightUndo),
            (h, KeyCode::Char('n'), Action::HighlightNote),
            (h, KeyCode::Char('c'), Action::HighlightColor),
            (h, KeyCode::Char('y'), Action::HighlightCopy),
            (h, KeyCode::Char('/'), Action::FilterStart),
            (h, KeyCode::Esc, Action::CloseOverlay),
        ];
        for (mode, code, action) in cases {
            assert_eq!(
                key_action(mode, key(code)),
                Some(action),
                "{mode:?} {code:?}"
            );
        }
        // Digits past the four colours do nothing.
        assert_eq!(key_action(s, key(KeyCode::Char('5'))), None);
    }

    #[test]
    fn outline_and_filter_keys() {
        let o = Mode::Outline;
        assert_eq!(
            key_action(o, key(KeyCode::Char('3'))),
            Some(Action::OutlineLevel(3))
        );
        assert_eq!(
            key_action(o, key(KeyCode::Char('h'))),
            Some(Action::OutlineCollapse)
        );
        assert_eq!(
            key_action(o, key(KeyCode::Char('t'))),
            Some(Action::CloseOverlay)
        );
        let f = Mode::OutlineFilter;
        assert_eq!(
            key_action(f, key(KeyCode::Char('t'))),
            Some(Action::FilterInput('t'))
        );
        assert_eq!(key_action(f, key(KeyCode::Esc)), Some(Action::FilterDone));
    }

    #[test]
    fn help_closes_with_escape_or_question_mark() {
        assert_eq!(
            key_action(Mode::Help, key(KeyCode::Esc)),
            Some(Action::CloseOverlay)
        );
        assert_eq!(
            key_action(Mode::Help, key(KeyCode::Char('?'))),
            Some(Action::CloseOverlay)
        );
        assert_eq!(
            key_action(Mode::Help, key(KeyCode::Char('j'))),
            Some(Action::HelpScroll(1))
        );
    }
}
