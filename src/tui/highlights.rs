//! The highlights of the article while the list (`H`) is open: the
//! cursor, the filter, the deletions that `u` undoes, and what each key of
//! the list does: jump, delete, undo, edit the note, change the colour,
//! copy as a Markdown quote. The highlights themselves are the session's.

use std::sync::Arc;

use crate::annotations::{COLORS, HighlightView, NOT_FOUND, markdown};
use crate::position::Position;
use crate::store;

use super::app::{App, Prompt, PromptKind};
use super::keymap::Mode;
use super::prompt::LineInput;

/// The highlight list while it is open.
#[derive(Clone, Debug, Default)]
pub struct HighlightList {
    pub cursor: usize,
    /// The filter typed after `/`: only highlights whose passage, note or
    /// section hold it are listed.
    pub filter: Option<String>,
    /// Ids deleted while the list is open, newest last: `u` brings them
    /// back.
    pub undo: Vec<String>,
}

impl HighlightList {
    /// Whether `h` is listed under the filter.
    pub fn shows(&self, h: &HighlightView) -> bool {
        let Some(filter) = self.filter.as_deref().filter(|f| !f.is_empty()) else {
            return true;
        };
        let needle = filter.to_lowercase();
        [Some(&h.text), h.note.as_ref(), h.section.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| s.to_lowercase().contains(&needle))
    }
}

/// A highlight as a Markdown quote, its note under it: what `y` copies.
/// Escaped as the Markdown export is: each line of the passage is quoted,
/// so a line end cannot leave the quote, and no text of the article or
/// the note turns into markup when pasted into a Markdown note.
pub fn as_quote(h: &HighlightView) -> String {
    let mut out = String::new();
    markdown::quote(&mut out, &h.paragraphs);
    let note: Vec<String> = h
        .note
        .as_deref()
        .map_or_else(Vec::new, |n| markdown::note_lines(n).collect());
    if !note.is_empty() {
        out.push('\n');
        out.push_str(&note.join("\n\n"));
        out.push('\n');
    }
    out
}

/// The colour after `color` for `c` in the list: 1 to 4 in turn, the
/// default counting as 1, which it is drawn as.
pub fn next_color(color: u8) -> u8 {
    color.max(1) % COLORS + 1
}

impl App {
    /// The highlights of the article: found ones in article order, then
    /// those not found in this version.
    pub fn highlights(&self) -> Arc<[HighlightView]> {
        self.session.highlights(&self.doc)
    }

    /// The note of the highlight `id`, if it has one.
    pub fn highlight_note(&self, id: &str) -> Option<&str> {
        self.session
            .state
            .highlights
            .get(id)
            .and_then(|h| h.note.as_deref())
            .filter(|n| !n.trim().is_empty())
    }

    /// The highlights the open list shows, under its filter.
    pub fn listed_highlights(&self) -> Vec<HighlightView> {
        let all = self.highlights();
        match &self.hl_list {
            Some(list) => all.iter().filter(|h| list.shows(h)).cloned().collect(),
            None => all.to_vec(),
        }
    }

    fn highlight_at_cursor(&self) -> Option<HighlightView> {
        let cursor = self.hl_list.as_ref()?.cursor;
        self.listed_highlights().into_iter().nth(cursor)
    }

    /// `H`: open the list.
    pub fn open_highlights(&mut self) {
        if self.highlights().is_empty() {
            self.message = Some("No highlights yet: v selects a passage, h keeps it".into());
        }
        self.hl_list = Some(HighlightList::default());
        self.mode = Mode::Highlights;
    }

    pub fn close_highlights(&mut self) {
        self.hl_list = None;
        self.mode = Mode::Reading;
    }

    /// Move the cursor to `f(cursor, last)`.
    pub fn move_highlight_cursor(&mut self, f: impl FnOnce(usize, usize) -> usize) {
        let last = self.listed_highlights().len().saturating_sub(1);
        if let Some(list) = &mut self.hl_list {
            list.cursor = f(list.cursor, last).min(last);
        }
    }

    /// `Enter`: go to the highlight (a jump: `Backspace` comes back).
    pub fn open_highlight(&mut self) {
        let Some(h) = self.highlight_at_cursor() else {
            return;
        };
        match h.range {
            Some(range) => {
                self.close_highlights();
                self.jump(Position(range.start));
            }
            None => self.message = Some(format!("This highlight is {NOT_FOUND}")),
        }
    }

    /// `d`: delete it; `u` undoes.
    pub fn delete_highlight(&mut self) {
        let Some(h) = self.highlight_at_cursor() else {
            return;
        };
        if self.session.delete_highlight(&h.id, store::now()) {
            let len = self.listed_highlights().len();
            if let Some(list) = &mut self.hl_list {
                list.undo.push(h.id.clone());
                list.cursor = list.cursor.min(len.saturating_sub(1));
            }
            self.message = Some(format!("Deleted “{}” · u undoes", short(&h.text, 30)));
        }
    }

    /// `u`: bring back the last deleted.
    pub fn undo_highlight_delete(&mut self) {
        let Some(id) = self.hl_list.as_mut().and_then(|l| l.undo.pop()) else {
            self.message = Some("Nothing to undo".into());
            return;
        };
        if self.session.undelete_highlight(&id, store::now()).is_some() {
            self.message = Some("Highlight restored".into());
        }
    }

    /// `n`: edit the note of the highlight under the cursor.
    pub fn edit_highlight_note(&mut self) {
        if let Some(h) = self.highlight_at_cursor() {
            // A note is added to or trimmed, not replaced at a key.
            self.prompt = Some(Prompt::editing(
                PromptKind::HighlightNote(h.id.clone()),
                h.note.as_deref().unwrap_or_default(),
            ));
            self.mode = Mode::Prompt;
        }
    }

    /// `c`: the next colour.
    pub fn cycle_highlight_color(&mut self) {
        if let Some(h) = self.highlight_at_cursor() {
            let color = next_color(h.color);
            self.session.set_highlight_color(&h.id, color, store::now());
            self.message = Some(format!(
                "Colour {color} ({})",
                crate::annotations::color_name(color)
            ));
        }
    }

    /// `y`: copy it as a Markdown quote with its note.
    pub fn copy_highlight(&mut self) {
        if let Some(h) = self.highlight_at_cursor() {
            self.copy("highlight", as_quote(&h));
        }
    }

    /// `/`: type a filter.
    pub fn filter_highlights(&mut self) {
        if let Some(list) = &mut self.hl_list {
            list.filter = Some(String::new());
            list.cursor = 0;
            self.filter_line = LineInput::empty();
            self.mode = Mode::HighlightsFilter;
        }
    }

    /// The filter typed so far changed.
    pub fn highlight_filter_typed(&mut self) {
        let text = self.filter_line.text().to_string();
        if let Some(list) = &mut self.hl_list {
            list.filter = Some(text);
            list.cursor = 0;
        }
    }

    /// `Enter` or `Esc` in the filter: back to the list, filtered.
    pub fn highlight_filter_done(&mut self) {
        // A filter that shows nothing is let go, as the library's is: one
        // key brings every highlight back.
        let nothing = self.listed_highlights().is_empty();
        if let Some(list) = &mut self.hl_list
            && (list.filter.as_deref().is_some_and(str::is_empty) || nothing)
        {
            list.filter = None;
        }
        self.mode = Mode::Highlights;
    }

    /// `h`, `1`–`4` and `n` in a selection: keep it as a highlight of
    /// `color` (0 the default); with `note`, then ask for its note.
    pub fn highlight_selection(&mut self, color: u8, note: bool) {
        let Some(range) = self.selected_range() else {
            self.end_selection();
            self.message = Some("Nothing selected to highlight".into());
            return;
        };
        self.end_selection();
        let words =
            crate::document::count_words(&crate::selection::text_of(&self.doc, range.clone()));
        let Some(id) = self
            .session
            .add_highlight(&self.doc, range, color, None, store::now())
        else {
            self.message = Some("Nothing selected to highlight".into());
            return;
        };
        let unit = if words == 1 { "word" } else { "words" };
        let saved = if self.session.saves() && !self.session.save_failing() {
            ""
        } else {
            " (not saved)"
        };
        self.message = Some(format!("Highlighted {words} {unit}{saved} · H lists them"));
        if note {
            self.prompt = Some(Prompt::new(PromptKind::HighlightNote(id), ""));
            self.mode = Mode::Prompt;
        }
    }
}

/// `text` cut to `chars` characters, with … when cut.
pub fn short(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().count() > chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str, note: Option<&str>, section: Option<&str>) -> HighlightView {
        HighlightView {
            id: "1".into(),
            range: Some(0..4),
            how: crate::annotations::Found::Exact,
            color: 0,
            note: note.map(str::to_string),
            note_edited: 0,
            text: text.into(),
            paragraphs: text.into(),
            created: 0,
            section: section.map(str::to_string),
            section_id: None,
        }
    }

    #[test]
    fn a_quote_keeps_every_line_inside_and_the_note_after() {
        assert_eq!(as_quote(&view("One line.", None, None)), "> One line.\n");
        assert_eq!(
            as_quote(&view("Two\nlines", Some(" why "), None)),
            "> Two\n>\n> lines\n\nwhy\n"
        );
        // Nothing from the article or the note turns into markup.
        assert_eq!(
            as_quote(&view(
                "A *star* and [a](b)",
                Some("# not a heading\n- nor a list <b>"),
                None
            )),
            "> A \\*star\\* and \\[a\\](b)\n\n\\# not a heading\n\n\\- nor a list \\<b\\>\n"
        );
    }

    #[test]
    fn the_filter_looks_in_passage_note_and_section() {
        let h = view("Soft water", Some("Try it"), Some("Brewing"));
        let shows = |f: &str| {
            HighlightList {
                filter: Some(f.into()),
                ..HighlightList::default()
            }
            .shows(&h)
        };
        assert!(shows("soft") && shows("TRY") && shows("brew") && shows(""));
        assert!(!shows("hard"));
    }

    #[test]
    fn colours_cycle_through_the_four() {
        assert_eq!(next_color(0), 2);
        assert_eq!(next_color(1), 2);
        assert_eq!(next_color(3), 4);
        assert_eq!(next_color(4), 1);
    }
}
