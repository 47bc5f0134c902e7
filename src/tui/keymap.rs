//! (mode, key) → action. The only file that names keys; the help overlay is
//! generated from `HELP` so it always lists what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::action::Action;

/// What has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Reading,
    Help,
}

/// Lines the mouse wheel moves per notch.
const WHEEL_LINES: i8 = 3;

/// The key bindings as shown in the help overlay: keys, then what they do.
pub const HELP: &[(&str, &str)] = &[
    ("j  ↓  wheel", "line down"),
    ("k  ↑  wheel", "line up"),
    ("Ctrl-d", "half page down"),
    ("Ctrl-u", "half page up"),
    ("Space  f  PgDn", "page down"),
    ("b  PgUp", "page up"),
    ("g  Home", "start of the article"),
    ("G  End", "end of the article"),
    ("?", "this help"),
    ("q  Ctrl-c", "quit"),
];

pub fn key_action(mode: Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if mode == Mode::Help {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => Some(Action::CloseOverlay),
            _ => None,
        };
    }
    if ctrl {
        return match key.code {
            KeyCode::Char('d') => Some(Action::HalfPageDown),
            KeyCode::Char('u') => Some(Action::HalfPageUp),
            KeyCode::Char('f') => Some(Action::PageDown),
            KeyCode::Char('b') => Some(Action::PageUp),
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
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Esc => Some(Action::CloseOverlay),
        _ => None,
    }
}

pub fn mouse_action(mouse: MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::ScrollDown => Some(Action::Scroll(WHEEL_LINES)),
        MouseEventKind::ScrollUp => Some(Action::Scroll(-WHEEL_LINES)),
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
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(key_action(r, ctrl_d), Some(Action::HalfPageDown));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(key_action(Mode::Help, ctrl_c), Some(Action::Quit));
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
        assert_eq!(key_action(Mode::Help, key(KeyCode::Char('j'))), None);
    }
}
