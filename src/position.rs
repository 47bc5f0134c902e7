//! Positions are places in the text: byte offsets into the article's source,
//! never screen rows. Everything that must survive a resize (the top of the
//! screen, progress, bookmarks) is kept as a `Position`.

/// A byte offset into the article's source text, on a char boundary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(pub usize);

impl Position {
    pub const START: Position = Position(0);

    pub fn byte(self) -> usize {
        self.0
    }
}
