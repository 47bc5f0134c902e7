//! (mode, key) → action. The only file that names keys; the help overlay is
//! generated from `HELP` so it always lists what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::action::Action;

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
}

/// Lines the mouse wheel moves per notch.
const WHEEL_LINES: i8 = 3;

/// The key bindings as shown in the help overlay: keys, then what they do.
/// An empty key starts a new group under the given title.
pub const HELP: &[(&str, &str)] = &[
    ("", "Reading"),
    ("j  ↓  wheel", "line down"),
    ("k  ↑  wheel", "line up"),
    ("Ctrl-d  Ctrl-u", "half page down / up"),
    ("Space  f  PgDn", "page down"),
    ("b  PgUp", "page up"),
    ("g  Home", "start of the article"),
    ("G  End", "end of the article"),
    ("+  -  =", "wider / narrower / reset"),
    ("", "Sections"),
    ("]  [", "next / previous heading"),
    ("}  {", "next / prev. at this level"),
    ("t", "outline (contents)"),
    ("T", "outline as a sidebar"),
    ("Tab  Shift-Tab", "select next / prev. link"),
    ("Enter", "follow the selected link"),
    ("Bksp  Ctrl-o", "back in the jump list"),
    ("Ctrl-i", "forward in the jump list"),
    ("", "Search"),
    ("/", "search the article"),
    ("n  N", "next / previous match"),
    ("", "Bookmarks"),
    ("m", "bookmark this place"),
    ("'  B", "list bookmarks"),
    ("Enter  d  u", "jump, delete, undo delete"),
    ("r  n", "rename, edit the note"),
    ("", "In the outline"),
    ("j k  g G", "move, first, last"),
    ("Enter", "jump to the section"),
    ("h l  ← →", "collapse / expand"),
    ("1 … 6", "headings down to level N"),
    ("/", "filter headings"),
    ("Esc  t", "close"),
    ("", "Anywhere"),
    ("?", "this help"),
    ("q  Ctrl-c", "quit"),
];

/// The library's keys, for its help overlay.
pub const LIBRARY_HELP: &[(&str, &str)] = &[
    ("", "Library"),
    ("j k  ↑ ↓", "move"),
    ("g G", "first, last"),
    ("Enter", "open the article"),
    ("c", "continue the last one read"),
    ("s", "sort: recent, title, progress, length"),
    ("/", "filter by title or path"),
    ("x", "mark finished, or not"),
    ("", "In the reader"),
    ("q", "back to the library"),
    ("?", "every reading key"),
    ("", "Anywhere"),
    ("?", "this help"),
    ("q  Ctrl-c", "quit"),
];

/// The library's keys; `filtering` while a filter is typed, `help` while
/// the help is shown.
pub fn library_key(filtering: bool, help: bool, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if help {
        return help_key(key);
    }
    if filtering {
        return match key.code {
            KeyCode::Enter => Some(Action::LibraryOpen),
            KeyCode::Esc => Some(Action::FilterDone),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Down => Some(Action::LibraryMove(1)),
            KeyCode::Up => Some(Action::LibraryMove(-1)),
            KeyCode::Char(c) if !ctrl => Some(Action::FilterInput(c)),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::LibraryMove(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::LibraryMove(-1)),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::LibraryMove(10)),
        KeyCode::PageUp | KeyCode::Char('b') => Some(Action::LibraryMove(-10)),
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

pub fn key_action(mode: Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Help => help_key(key),
        Mode::Outline => outline_key(key),
        Mode::OutlineFilter => filter_key(key),
        Mode::Bookmarks => bookmarks_key(key),
        Mode::Prompt => prompt_key(key),
        Mode::Reading => reading_key(key, ctrl),
    }
}

fn help_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => Some(Action::CloseOverlay),
        KeyCode::Char('j') | KeyCode::Down => Some(Action::HelpScroll(1)),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::HelpScroll(-1)),
        KeyCode::Char(' ') | KeyCode::PageDown => Some(Action::HelpScroll(10)),
        KeyCode::Char('b') | KeyCode::PageUp => Some(Action::HelpScroll(-10)),
        _ => None,
    }
}

fn reading_key(key: KeyEvent, ctrl: bool) -> Option<Action> {
    if ctrl {
        return match key.code {
            KeyCode::Char('d') => Some(Action::HalfPageDown),
            KeyCode::Char('u') => Some(Action::HalfPageUp),
            KeyCode::Char('f') => Some(Action::PageDown),
            KeyCode::Char('b') => Some(Action::PageUp),
            KeyCode::Char('o') => Some(Action::JumpBack),
            KeyCode::Char('i') => Some(Action::JumpForward),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => Some(Action::LineDown),
        KeyCode::Char('k') | KeyCode::Up => Some(Action::LineUp),
        KeyCode::Char(' ' | 'f') | KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Char('b') | KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::Char('g') | KeyCode::Home => Some(Action::Top),
        KeyCode::Char('G') | KeyCode::End => Some(Action::Bottom),
        KeyCode::Char(']') => Some(Action::NextHeading),
        KeyCode::Char('[') => Some(Action::PrevHeading),
        KeyCode::Char('}') => Some(Action::NextPeer),
        KeyCode::Char('{') => Some(Action::PrevPeer),
        KeyCode::Char('t') => Some(Action::ToggleOutline),
        KeyCode::Char('T') => Some(Action::ToggleSidebar),
        KeyCode::Tab => Some(Action::NextLink),
        KeyCode::BackTab => Some(Action::PrevLink),
        KeyCode::Enter => Some(Action::FollowLink),
        KeyCode::Backspace => Some(Action::JumpBack),
        KeyCode::Char('+') => Some(Action::Wider),
        KeyCode::Char('-') => Some(Action::Narrower),
        KeyCode::Char('=') => Some(Action::DefaultWidth),
        KeyCode::Char('m') => Some(Action::AddBookmark),
        KeyCode::Char('\'' | 'B') => Some(Action::OpenBookmarks),
        KeyCode::Char('/') => Some(Action::SearchStart),
        KeyCode::Char('n') => Some(Action::SearchNext),
        KeyCode::Char('N') => Some(Action::SearchPrev),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Esc => Some(Action::CloseOverlay),
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
        KeyCode::Esc | KeyCode::Char('\'' | 'B') => Some(Action::CloseOverlay),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

fn prompt_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::PromptAccept),
        KeyCode::Esc => Some(Action::PromptCancel),
        KeyCode::Backspace => Some(Action::PromptBackspace),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::PromptInput(c))
        }
        _ => None,
    }
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
        KeyCode::Esc | KeyCode::Char('t') => Some(Action::CloseOverlay),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        _ => None,
    }
}

fn filter_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Enter => Some(Action::OutlineOpen),
        KeyCode::Esc => Some(Action::FilterDone),
        KeyCode::Backspace => Some(Action::FilterBackspace),
        KeyCode::Down => Some(Action::OutlineMove(1)),
        KeyCode::Up => Some(Action::OutlineMove(-1)),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::FilterInput(c))
        }
        _ => None,
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
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
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
