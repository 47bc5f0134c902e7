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
    ToggleHelp,
    CloseOverlay,
    Quit,
}
