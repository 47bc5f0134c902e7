//! One line of typed text: the prompts (bookmark label, rename, note,
//! search) and the filters. It keeps the value, the cursor and whether a
//! pre-filled value is still selected, on `tui-input`; it knows no keys
//! (the keymap turns keys into `Edit`s) and draws nothing.

use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthStr;

use crate::position::Position;
use crate::reader::Place;

/// A change to a line of text that a key can ask for. Typing a character
/// is an action of its own (`PromptInput`, `FilterInput`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Backspace,
    Delete,
    /// Ctrl-w, Alt-Backspace.
    DeleteWordBack,
    /// Alt-d.
    DeleteWordForward,
    /// Ctrl-u.
    DeleteToStart,
    /// Ctrl-k.
    DeleteToEnd,
}

/// A line being typed. A pre-filled value starts selected: the first
/// character typed (or pasted) replaces it, a deletion clears it, and a
/// move keeps it.
#[derive(Clone, Debug, Default)]
pub struct LineInput {
    input: Input,
    selected: bool,
}

impl LineInput {
    /// An empty line.
    pub fn empty() -> LineInput {
        LineInput::default()
    }

    /// A line holding `text`, selected, with the cursor at its end.
    pub fn prefilled(text: &str) -> LineInput {
        LineInput {
            input: Input::new(text.to_string()),
            selected: !text.is_empty(),
        }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Whether the whole value is selected, to be replaced by what is typed.
    pub fn selected(&self) -> bool {
        self.selected
    }

    /// Put `text` in the line, unselected, with the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        self.input = Input::new(text.to_string());
        self.selected = false;
    }

    /// Type one character. True when the value changed.
    pub fn insert(&mut self, c: char) -> bool {
        if c.is_control() {
            return false;
        }
        if std::mem::take(&mut self.selected) {
            self.input = Input::default();
        }
        self.input.handle(InputRequest::InsertChar(c));
        true
    }

    /// Insert pasted text. Control characters are dropped, and line breaks
    /// and tabs become spaces, so a paste is only ever text, never keys.
    /// True when the value changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let clean = pasted(text);
        if clean.is_empty() {
            return false;
        }
        if std::mem::take(&mut self.selected) {
            self.input = Input::default();
        }
        for c in clean.chars() {
            self.input.handle(InputRequest::InsertChar(c));
        }
        true
    }

    /// Carry out an edit. True when the value changed.
    pub fn edit(&mut self, edit: Edit) -> bool {
        if std::mem::take(&mut self.selected) {
            match edit {
                Edit::Left | Edit::WordLeft | Edit::Home => {
                    self.input.handle(InputRequest::GoToStart);
                    return false;
                }
                Edit::Right | Edit::WordRight | Edit::End => return false,
                // Any deletion takes the whole selection.
                _ => {
                    let changed = !self.input.value().is_empty();
                    self.input = Input::default();
                    return changed;
                }
            }
        }
        let request = match edit {
            Edit::Left => InputRequest::GoToPrevChar,
            Edit::Right => InputRequest::GoToNextChar,
            Edit::WordLeft => InputRequest::GoToPrevWord,
            Edit::WordRight => InputRequest::GoToNextWord,
            Edit::Home => InputRequest::GoToStart,
            Edit::End => InputRequest::GoToEnd,
            Edit::Backspace => InputRequest::DeletePrevChar,
            Edit::Delete => InputRequest::DeleteNextChar,
            Edit::DeleteWordBack => InputRequest::DeletePrevWord,
            Edit::DeleteWordForward => InputRequest::DeleteNextWord,
            Edit::DeleteToStart => InputRequest::DeleteFromStart,
            Edit::DeleteToEnd => InputRequest::DeleteTillEnd,
        };
        self.input
            .handle(request)
            .is_some_and(|changed| changed.value)
    }

    /// The part of the value to show in `width` columns, and the cursor's
    /// column in it. The cursor always shows: a long value scrolls so that
    /// the cursor sits at the right edge, with room for it after the end.
    pub fn window(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        let cursor = self.input.visual_cursor();
        let scroll = self.input.visual_scroll(width - 1);
        let mut shown: Vec<&str> = Vec::new();
        let mut col = 0;
        let mut cut = false;
        for g in unicode_segmentation::UnicodeSegmentation::graphemes(self.text(), true) {
            let w = g.width();
            if col < scroll {
                col += w;
                continue;
            }
            if col + w > scroll + width {
                cut = true;
                break;
            }
            shown.push(g);
            col += w;
        }
        // Text out of sight is marked where it goes on: an ellipsis in
        // place of the first or last character shown.
        let ellipsis = |g: &str| format!("…{}", " ".repeat(g.width().saturating_sub(1)));
        let mut out: Vec<String> = shown.iter().map(|g| (*g).to_string()).collect();
        if width > 1 {
            if scroll > 0
                && let Some(first) = out.first_mut()
            {
                *first = ellipsis(first);
            }
            if cut && let Some(last) = out.last_mut() {
                *last = ellipsis(last);
            }
        }
        (out.concat(), cursor.saturating_sub(scroll).min(width - 1))
    }
}

/// Pasted text as it may be typed: control characters dropped, line
/// breaks and tabs made spaces.
pub fn pasted(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidi overrides and isolates, which could reorder the line.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// A one-line prompt at the bottom of the screen: what it is for and the
/// line typed.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: LineInput,
}

impl Prompt {
    /// A prompt for `kind` holding `text`, selected.
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            line: LineInput::prefilled(text),
        }
    }

    /// A prompt for `kind` holding `text` to be added to or trimmed (a
    /// note): not selected, the cursor at its end.
    pub fn editing(kind: PromptKind, text: &str) -> Prompt {
        let mut line = LineInput::empty();
        line.set_text(text);
        Prompt { kind, line }
    }

    pub fn text(&self) -> &str {
        self.line.text()
    }

    pub fn set_text(&mut self, text: &str) {
        self.line.set_text(text);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The label of a new bookmark at this position.
    NewBookmark(Position),
    /// A new label for the bookmark with this id.
    Rename(String),
    /// The note of the bookmark with this id.
    Note(String),
    /// A search, typed where the reader was: Esc goes back there.
    Search(Place),
    /// The note of the highlight with this id.
    HighlightNote(String),
}

impl PromptKind {
    pub fn title(&self) -> &'static str {
        match self {
            PromptKind::NewBookmark(_) => "Bookmark",
            PromptKind::Rename(_) => "Rename",
            PromptKind::Note(_) | PromptKind::HighlightNote(_) => "Note",
            PromptKind::Search(_) => "Search",
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn typed(line: &mut LineInput, s: &str) {
        for c in s.chars() {
            line.insert(c);
        }
    }

    #[test]
    fn a_prefilled_value_is_replaced_by_typing_and_kept_by_moves() {
        let mut line = LineInput::prefilled("Intro · The first words");
        assert!(line.selected());
        typed(&mut line, "Mine");
        assert_eq!(line.text(), "Mine");
        assert!(!line.selected());

        let mut line = LineInput::prefilled("Intro");
        line.edit(Edit::Left);
        assert!(!line.selected());
        typed(&mut line, ">");
        assert_eq!(line.text(), ">Intro");

        let mut line = LineInput::prefilled("Intro");
        line.edit(Edit::End);
        typed(&mut line, "!");
        assert_eq!(line.text(), "Intro!");

        let mut line = LineInput::prefilled("Intro");
        assert!(line.edit(Edit::Backspace));
        assert_eq!(line.text(), "");
    }

    #[test]
    fn moves_and_deletions() {
        let mut line = LineInput::empty();
        typed(&mut line, "one two three");
        line.edit(Edit::WordLeft);
        line.edit(Edit::DeleteWordBack);
        assert_eq!(line.text(), "one three");
        line.edit(Edit::DeleteToEnd);
        assert_eq!(line.text(), "one ");
        line.edit(Edit::Home);
        line.edit(Edit::Delete);
        assert_eq!(line.text(), "ne ");
        line.edit(Edit::End);
        line.edit(Edit::Left);
        line.edit(Edit::DeleteToStart);
        assert_eq!(line.text(), " ");
        line.edit(Edit::WordRight);
        typed(&mut line, "x");
        assert_eq!(line.text(), " x");
    }

    #[test]
    fn a_paste_drops_control_characters() {
        let mut line = LineInput::prefilled("old");
        assert!(line.paste("a\u{1b}[Aq\nb\u{7}\u{202e}c"));
        assert_eq!(line.text(), "a[Aq bc");
        assert!(!line.paste("\u{1b}\u{3}"));
    }

    #[test]
    fn a_long_value_shows_its_end_and_the_cursor() {
        let mut line = LineInput::empty();
        typed(&mut line, "abcdefghijklmnopqrstuvwxyz0123");
        // What is out of sight is marked by an ellipsis where it goes on.
        let (shown, cursor) = line.window(10);
        assert_eq!(shown, "…wxyz0123");
        assert_eq!(cursor, 9);
        // Home scrolls back to the start.
        line.edit(Edit::Home);
        let (shown, cursor) = line.window(10);
        assert_eq!(shown, "abcdefghi…");
        assert_eq!(cursor, 0);
    }

    proptest! {
        #[test]
        fn the_window_fits_and_holds_the_cursor(
            text in "[a-z 例é]{0,40}",
            moves in proptest::collection::vec(0u8..4, 0..20),
            width in 1usize..30,
        ) {
            let mut line = LineInput::empty();
            typed(&mut line, &text);
            for m in moves {
                line.edit(match m {
                    0 => Edit::Left,
                    1 => Edit::Right,
                    2 => Edit::WordLeft,
                    _ => Edit::WordRight,
                });
            }
            let (shown, cursor) = line.window(width);
            prop_assert!(shown.width() <= width);
            prop_assert!(cursor < width);
            prop_assert!(cursor <= shown.width());
        }
    }
}
