//! Every command a key or the mouse can trigger: a reified method call on the
//! `App`. Keys map to actions in `keymap`; `App::update` carries them out.

use super::prompt::Edit;

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
    /// `%` after a count, as in `less` and vim: `50%` goes halfway
    /// through the article.
    Percent,
    /// A digit of the count typed before a key that takes one (`%`).
    CountDigit(u8),
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
    /// `o`: letter hints on the links on screen; typing one follows it.
    LinkHints,
    /// A letter typed while the hints are shown.
    HintInput(char),
    /// `L`: the list of every link in the article.
    LinkList,
    LinkListMove(isize),
    LinkListFirst,
    LinkListLast,
    LinkListOpen,
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
    /// A move or deletion in the filter being typed.
    FilterEdit(Edit),
    /// Leave the filter prompt, keeping the filtered list.
    FilterDone,
    /// A mouse click at a cell of the screen.
    Click {
        column: u16,
        row: u16,
    },
    /// The second or third press of a double or triple click.
    MultiClick {
        column: u16,
        row: u16,
        count: u8,
    },
    /// The mouse moved with its left button down.
    Drag {
        column: u16,
        row: u16,
    },
    /// The left button let go.
    Release,
    /// `v`: start a selection.
    StartSelection,
    /// Move the selection's moving end: by word, sentence or paragraph.
    SelectMotion(crate::selection::Motion),
    /// `j` and `k` in a selection: by line, down when positive.
    SelectLines(i8),
    /// `0` and `$` in a selection: to the start or the end of the line.
    SelectLineStart,
    SelectLineEnd,
    /// `o` in a selection: the other end moves.
    SelectSwap,
    /// `y` in a selection: copy its text.
    CopySelection,
    /// `h` (0, the default colour) and `1`–`4` in a selection: keep it as
    /// a highlight of that colour.
    HighlightSelection(u8),
    /// `n` in a selection: keep it as a highlight and write its note.
    NoteSelection,
    /// `H`: the list of the article's highlights.
    OpenHighlights,
    HighlightMove(isize),
    HighlightFirst,
    HighlightLast,
    /// In the list: jump to it, delete it, undo a delete, edit its note,
    /// change its colour, copy it as a Markdown quote.
    HighlightOpen,
    HighlightDelete,
    HighlightUndo,
    HighlightNote,
    HighlightColor,
    HighlightCopy,
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
    /// A move or deletion in the prompt.
    PromptEdit(Edit),
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
    /// `d`: ask whether to move the selected article to the trash; `y`
    /// answers yes; `u` puts the last one back.
    LibraryTrash,
    LibraryTrashConfirm,
    LibraryUndo,
    /// `b`: the selected article's bookmarks.
    LibraryBookmarks,
    /// `X`: mark the article finished, or not finished.
    ToggleFinished,
    /// `+`, `-` and `=`: a wider or narrower text column, or the default.
    Wider,
    Narrower,
    DefaultWidth,
    /// `y`: copy the selected link's address; `Y`: the current section, as
    /// Markdown.
    CopyLink,
    CopySection,
    /// `i`: figures off, or on again, for this session.
    ToggleImages,
    ToggleHelp,
    /// Scroll the help overlay on a short screen.
    HelpScroll(isize),
    CloseOverlay,
    Quit,
}

impl Action {
    /// The reading actions a config can bind, by the name `[keys]` gives
    /// them, in the order the default config lists them.
    pub const NAMED: &[(&str, Action)] = &[
        ("line_down", Action::LineDown),
        ("line_up", Action::LineUp),
        ("half_page_down", Action::HalfPageDown),
        ("half_page_up", Action::HalfPageUp),
        ("page_down", Action::PageDown),
        ("page_up", Action::PageUp),
        ("top", Action::Top),
        ("bottom", Action::Bottom),
        ("percent", Action::Percent),
        ("next_section", Action::NextHeading),
        ("prev_section", Action::PrevHeading),
        ("next_peer", Action::NextPeer),
        ("prev_peer", Action::PrevPeer),
        ("outline", Action::ToggleOutline),
        ("sidebar", Action::ToggleSidebar),
        ("next_link", Action::NextLink),
        ("prev_link", Action::PrevLink),
        ("follow_link", Action::FollowLink),
        ("link_hints", Action::LinkHints),
        ("link_list", Action::LinkList),
        ("jump_back", Action::JumpBack),
        ("jump_forward", Action::JumpForward),
        ("wider", Action::Wider),
        ("narrower", Action::Narrower),
        ("default_width", Action::DefaultWidth),
        ("bookmark", Action::AddBookmark),
        ("bookmarks", Action::OpenBookmarks),
        ("search", Action::SearchStart),
        ("select", Action::StartSelection),
        ("highlights", Action::OpenHighlights),
        ("search_next", Action::SearchNext),
        ("search_prev", Action::SearchPrev),
        ("toggle_finished", Action::ToggleFinished),
        ("copy_link", Action::CopyLink),
        ("copy_section", Action::CopySection),
        ("images", Action::ToggleImages),
        ("help", Action::ToggleHelp),
        ("quit", Action::Quit),
    ];

    /// Whether this is reading motion: moving through the text a line, a
    /// half page or a page at a time, or with the wheel. What it passes
    /// over counts as read; a jump (`g`, `G`, a link, a section, search)
    /// does not.
    pub fn is_reading_motion(self) -> bool {
        matches!(
            self,
            Action::LineDown
                | Action::LineUp
                | Action::Scroll(_)
                | Action::HalfPageDown
                | Action::HalfPageUp
                | Action::PageDown
                | Action::PageUp
        )
    }

    /// Whether this acts on the outline list (or the sidebar) and what it
    /// shows, and nothing else: it can be done on the outline alone.
    pub fn is_outline_list(self) -> bool {
        matches!(
            self,
            Action::ToggleOutline
                | Action::ToggleSidebar
                | Action::OutlineMove(_)
                | Action::OutlineFirst
                | Action::OutlineLast
                | Action::OutlineCollapse
                | Action::OutlineExpand
                | Action::OutlineLevel(_)
                | Action::FilterStart
                | Action::FilterInput(_)
                | Action::FilterEdit(_)
                | Action::FilterDone
                | Action::CloseOverlay
        )
    }

    /// Whether this needs the sections of the whole article: the outline,
    /// the sidebar and the jumps by heading.
    pub fn needs_outline(self) -> bool {
        matches!(
            self,
            Action::ToggleOutline
                | Action::ToggleSidebar
                | Action::NextHeading
                | Action::PrevHeading
                | Action::NextPeer
                | Action::PrevPeer
        )
    }

    /// The action `[keys]` calls `name`.
    /// The action `[keys]` calls `name`.
    pub fn named(name: &str) -> Option<Action> {
        Action::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, a)| a)
    }

    /// The name `[keys]` gives this action, when it can be bound.
    pub fn name(self) -> Option<&'static str> {
        Action::NAMED
            .iter()
            .find(|(_, a)| *a == self)
            .map(|&(n, _)| n)
    }
}
