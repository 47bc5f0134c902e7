//! Every command a key or the mouse can trigger: a reified method call on the
//! `App`. Keys map to actions in `keymap`; `App::update` carries them out.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    LineDown,
    LineUp,
    /// The mouse wheel: a few lines at a time, down when positive.
    Scroll(i8),
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// `]` and `[`: the next or previous heading of any level.
    NextHeading,
    PrevHeading,
    /// `}` and `{`: the next or previous heading of the same or a higher
    /// level than the current section.
    NextPeer,
    PrevPeer,
    /// Back and forward along the jump list.
    JumpBack,
    JumpForward,
    /// Select the next or previous link on screen.
    NextLink,
    PrevLink,
    FollowLink,
    ToggleOutline,
    ToggleSidebar,
    OutlineMove(isize),
    OutlineFirst,
    OutlineLast,
    OutlineOpen,
    OutlineCollapse,
    OutlineExpand,
    OutlineLevel(u8),
    /// Start typing a filter in the outline.
    FilterStart,
    FilterInput(char),
    FilterBackspace,
    /// Leave the filter prompt, keeping the filtered list.
    FilterDone,
    /// A mouse click at a cell of the screen.
    Click {
        column: u16,
        row: u16,
    },
    /// `m`: bookmark the top of the screen (asks for a label).
    AddBookmark,
    /// `'` or `B`: the bookmark list.
    OpenBookmarks,
    BookmarkMove(isize),
    BookmarkFirst,
    BookmarkLast,
    BookmarkOpen,
    BookmarkDelete,
    BookmarkUndo,
    BookmarkRename,
    BookmarkNote,
    /// `/`: a prompt for a search in the article.
    SearchStart,
    /// `n` and `N`: the next or previous match of the search.
    SearchNext,
    SearchPrev,
    PromptInput(char),
    PromptBackspace,
    PromptAccept,
    PromptCancel,
    /// The library: move, open, continue, sort, mark finished.
    LibraryMove(isize),
    LibraryFirst,
    LibraryLast,
    LibraryOpen,
    LibraryContinue,
    LibrarySort,
    LibraryToggleFinished,
    /// `+`, `-` and `=`: a wider or narrower text column, or the default.
    Wider,
    Narrower,
    DefaultWidth,
    ToggleHelp,
    /// Scroll the help overlay on a short screen.
    HelpScroll(isize),
    CloseOverlay,
    Quit,
}
