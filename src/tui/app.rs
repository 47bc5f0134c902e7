//! The application state: the open article, the layout at the current
//! measure, the reader, the overlay and the status message. `update` carries
//! out an `Action`; the views draw from this state.

use super::action::Action;
use super::keymap::Mode;
use super::theme::Theme;
use crate::document::Document;
use crate::layout::Layout;
use crate::load::Source;
use crate::parse::parse;
use crate::position::Position;
use crate::reader::{DEFAULT_WPM, Reader};

/// The widest text column, in columns: a comfortable measure for prose.
pub const DEFAULT_MEASURE: usize = 80;
/// Below this size the screen only says it is too small.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;

pub struct App {
    pub doc: Document,
    pub title: String,
    pub layout: Layout,
    pub reader: Reader,
    pub mode: Mode,
    /// A notice shown in the status bar until the next key.
    pub message: Option<String>,
    pub theme: Theme,
    pub max_measure: usize,
    pub wpm: usize,
    pub quit: bool,
}

impl App {
    pub fn new(source: &Source, theme: Theme) -> App {
        let doc = parse(&source.text);
        let title = doc.title().map_or_else(|| source.stem(), str::to_string);
        let layout = Layout::new(&doc, DEFAULT_MEASURE);
        App {
            doc,
            title: crate::parse::sanitize(&title),
            layout,
            reader: Reader::new(1),
            mode: Mode::Reading,
            message: source.warning(),
            theme,
            max_measure: DEFAULT_MEASURE,
            wpm: DEFAULT_WPM,
            quit: false,
        }
    }

    /// The text column's width for a terminal `width` columns wide.
    pub fn measure(&self, width: u16) -> usize {
        usize::from(width).min(self.max_measure).max(1)
    }

    /// Fit the layout and the reader to a text area. A new width lays the
    /// article out again; the top position stays where it is.
    pub fn fit(&mut self, width: u16, height: u16) {
        let measure = self.measure(width);
        if measure != self.layout.width() {
            self.layout = Layout::new(&self.doc, measure);
        }
        self.reader.set_height(usize::from(height));
    }

    pub fn top(&self) -> Position {
        self.reader.top
    }

    pub fn update(&mut self, action: Action) {
        self.message = None;
        let (doc, layout, reader) = (&self.doc, &mut self.layout, &mut self.reader);
        match action {
            Action::LineDown => reader.line_down(doc, layout),
            Action::LineUp => reader.line_up(doc, layout),
            Action::Scroll(n) => reader.scroll(doc, layout, isize::from(n)),
            Action::HalfPageDown => reader.half_down(doc, layout),
            Action::HalfPageUp => reader.half_up(doc, layout),
            Action::PageDown => reader.page_down(doc, layout),
            Action::PageUp => reader.page_up(doc, layout),
            Action::Top => reader.to_start(),
            Action::Bottom => reader.to_end(doc, layout),
            Action::ToggleHelp => {
                self.mode = match self.mode {
                    Mode::Help => Mode::Reading,
                    Mode::Reading => Mode::Help,
                }
            }
            Action::CloseOverlay => self.mode = Mode::Reading,
            Action::Quit => self.quit = true,
        }
    }
}
